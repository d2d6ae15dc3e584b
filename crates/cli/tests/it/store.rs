//! The store on both backends: upserts, idempotence, audit, summary, modes.

use crate::db_test;
use anju_domain::estate::EstateField;
use anju_domain::{Building, DivisionCode, Estate, Policy, SafetyGrade};
use anju_store::{BuildingUpsert, Store, WriteCtx};

fn estate(name: &str, division: &str, year: i32, households: i32, area: i64) -> Estate {
    Estate {
        address: "测试路1号".into(),
        year_completed: Some(year),
        building_count: 3,
        households,
        floor_area_centi_m2: anju_domain::Area::from_centi_m2(area),
        ..anju_domain::Estate::new(name, crate::support::code(division))
    }
}

/// The stored estate of a neighbourhood by name (it must exist).
async fn stored(store: &Store, division: &str, name: &str) -> anju_store::entity::estate::Model {
    store.estate_by_key(division, name).await.unwrap().unwrap()
}

async fn assessor(store: &Store) -> anju_store::Assessor {
    store.assessor(Policy::national(), 2026).await.unwrap()
}

#[tokio::test]
async fn unknown_scheme_is_an_error_not_a_new_file() {
    let err = Store::connect("mysql://localhost/anju").await.unwrap_err();
    assert!(
        matches!(err, anju_store::StoreError::UnknownScheme(_)),
        "{err}"
    );
    let err = Store::connect("anju.db").await.unwrap_err();
    assert!(err.to_string().contains("sqlite://"), "{err}");
    assert!(!std::path::Path::new("anju.db").exists());
}

db_test!(upsert_is_idempotent_and_audited, |db| {
    let a = assessor(&db.store).await;
    let ctx = WriteCtx::new("tester", Some("unit".into()));
    let list = vec![
        estate("梅山小区", "340104001001", 1995, 120, 888_800),
        estate("绩溪新村", "340104001002", 2003, 80, 600_000),
    ];
    let r = db.store.upsert_estates(&ctx, &list, &a).await.unwrap();
    assert_eq!((r.inserted, r.updated, r.unchanged), (2, 0, 0));
    let before = crate::support::stored_state(&db.store).await;
    // Again: nothing changes, nothing is audited.
    let r = db.store.upsert_estates(&ctx, &list, &a).await.unwrap();
    assert_eq!((r.inserted, r.updated, r.unchanged), (0, 0, 2));
    assert_eq!(crate::support::stored_state(&db.store).await, before);
    // A change is an update with before and after.
    let mut changed = list.clone();
    changed[0].households = 130;
    let r = db.store.upsert_estates(&ctx, &changed, &a).await.unwrap();
    assert_eq!((r.inserted, r.updated, r.unchanged), (0, 1, 1));
    let m = stored(&db.store, "340104001001", "梅山小区").await;
    assert_eq!(m.households, 130);
    let h = db.store.history("estate", &m.id.to_string()).await.unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0].action, "create");
    assert_eq!(h[1].action, "update");
    assert_eq!(h[1].actor, "tester");
    assert!(h[1]
        .before
        .as_deref()
        .unwrap()
        .contains("\"households\":120"));
    assert!(h[1]
        .after
        .as_deref()
        .unwrap()
        .contains("\"households\":130"));
    // Eligibility was derived: 2003 is after the cut-off.
    let late = stored(&db.store, "340104001002", "绩溪新村").await;
    assert!(!late.eligible);
    assert_eq!(late.failed_rules, "completed_before_cutoff");
    assert!(m.eligible);
});

db_test!(matching_by_code_renames_instead_of_duplicating, |db| {
    let a = assessor(&db.store).await;
    let ctx = WriteCtx::new("tester", None);
    let mut e = estate("老名字", "340104001001", 1990, 50, 100_000);
    e.code = Some("XQ-001".into());
    db.store
        .upsert_estates(&ctx, &[e.clone()], &a)
        .await
        .unwrap();
    e.name = "新名字".into();
    let r = db.store.upsert_estates(&ctx, &[e], &a).await.unwrap();
    assert_eq!((r.inserted, r.updated), (0, 1));
    assert_eq!(db.store.estate_count().await.unwrap(), 1);
});

db_test!(summary_equals_the_sum_of_rows, |db| {
    let a = assessor(&db.store).await;
    let ctx = WriteCtx::new("tester", None);
    let list = vec![
        estate("甲", "340104001001", 1990, 100, 700_050),
        estate("乙", "340104001002", 1999, 200, 1_400_025),
        estate("丙", "340121100004", 1985, 300, 2_100_000),
        estate("丁", "340202013001", 2004, 40, 300_000),
    ];
    db.store.upsert_estates(&ctx, &list, &a).await.unwrap();
    let all = db.store.summary(None).await.unwrap();
    assert_eq!(all.totals.estates, 4);
    assert_eq!(all.totals.households, 640);
    assert_eq!(
        all.totals.floor_area_centi_m2,
        list.iter()
            .map(|e| e.floor_area_centi_m2.centi_m2())
            .sum::<i64>()
    );
    assert_eq!(all.totals.buildings, 12);
    assert_eq!(all.totals.eligible_estates, 3);
    let anhui = db
        .store
        .summary(Some(&DivisionCode::parse_short("34").unwrap()))
        .await
        .unwrap();
    assert_eq!(anhui.division_name, "安徽省");
    let names: Vec<&str> = anhui
        .parts
        .iter()
        .map(|p| p.division_name.as_str())
        .collect();
    assert_eq!(names, vec!["合肥市", "芜湖市"]);
    assert_eq!(anhui.parts[0].totals.estates, 3);
    assert_eq!(anhui.parts[0].totals.households, 600);
    let hefei = db
        .store
        .summary(Some(&DivisionCode::parse_short("3401").unwrap()))
        .await
        .unwrap();
    assert_eq!(hefei.parts.len(), 2, "{:?}", hefei.parts);
    let shushan = db
        .store
        .summary(Some(&DivisionCode::parse_short("340104").unwrap()))
        .await
        .unwrap();
    assert_eq!(shushan.totals.estates, 2);
    assert_eq!(shushan.parts[0].division_name, "三里庵街道");
});

db_test!(buildings_set_the_suggested_mode, |db| {
    let a = assessor(&db.store).await;
    let ctx = WriteCtx::new("tester", None);
    db.store
        .upsert_estates(
            &ctx,
            &[estate("梅山小区", "340104001001", 1995, 120, 888_800)],
            &a,
        )
        .await
        .unwrap();
    let b = |n: &str, g| BuildingUpsert {
        estate_code: None,
        division_code: Some("340104001001".into()),
        estate_name: Some("梅山小区".into()),
        building: Building {
            number: n.into(),
            floors: Some(6),
            safety_grade: Some(g),
            ..Default::default()
        },
    };
    let r = db
        .store
        .upsert_buildings(&ctx, &[b("1", SafetyGrade::B), b("2", SafetyGrade::D)], &a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.inserted, 2);
    let m = stored(&db.store, "340104001001", "梅山小区").await;
    assert_eq!(m.suggested_mode, "demolition_combined");
    // The D building is repaired to C: comprehensive again; the same rows again change nothing.
    let r = db
        .store
        .upsert_buildings(&ctx, &[b("1", SafetyGrade::B), b("2", SafetyGrade::C)], &a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((r.updated, r.unchanged), (1, 1));
    let m = stored(&db.store, "340104001001", "梅山小区").await;
    assert_eq!(m.suggested_mode, "comprehensive");
    // An unknown estate: nothing is written.
    let mut bad = b("9", SafetyGrade::A);
    bad.estate_name = Some("不存在".into());
    let before = db.store.building_count().await.unwrap();
    let missing = db
        .store
        .upsert_buildings(&ctx, &[b("3", SafetyGrade::A), bad], &a)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(missing, vec![1]);
    assert_eq!(db.store.building_count().await.unwrap(), before);
});

db_test!(reassessing_under_another_policy, |db| {
    let a = assessor(&db.store).await;
    let ctx = WriteCtx::new("tester", None);
    db.store
        .upsert_estates(
            &ctx,
            &[estate("晚建小区", "340104001001", 2004, 10, 1000)],
            &a,
        )
        .await
        .unwrap();
    let mut p = Policy::national();
    p.eligibility.cutoff_year = 2005;
    let changed = db
        .store
        .recompute_eligibility(&db.store.assessor(p, 2026).await.unwrap())
        .await
        .unwrap();
    assert_eq!(changed, 1);
    assert!(stored(&db.store, "340104001001", "晚建小区").await.eligible);
});

db_test!(county_seat_towns_count_as_urban, |db| {
    let a = assessor(&db.store).await;
    let ctx = WriteCtx::new("tester", None);
    // 340121100xxx is under 水湖镇, the seat of 长丰县; 340121101xxx under 庄墓镇, another town.
    let seat = db
        .store
        .child_divisions(Some(&DivisionCode::parse_short("340121100").unwrap()))
        .await
        .unwrap();
    let other = db
        .store
        .child_divisions(Some(&DivisionCode::parse_short("340121101").unwrap()))
        .await
        .unwrap();
    let list = vec![
        estate("县城小区", seat[0].code.as_str(), 1990, 10, 1000),
        estate("镇上小区", other[0].code.as_str(), 1990, 10, 1000),
    ];
    db.store.upsert_estates(&ctx, &list, &a).await.unwrap();
    assert!(
        stored(&db.store, seat[0].code.as_str(), "县城小区")
            .await
            .eligible
    );
    let m = stored(&db.store, other[0].code.as_str(), "镇上小区").await;
    assert!(!m.eligible);
    assert_eq!(m.failed_rules, "city_or_county_seat");
    // The assessor of one estate's page (only its own town read) judges the same.
    let one = db
        .store
        .assessor_for(Policy::national(), 2026, &[seat[0].code.as_str()])
        .await
        .unwrap();
    assert!(one.assess(&list[0]).eligible());
    let other_one = db
        .store
        .assessor_for(Policy::national(), 2026, &[other[0].code.as_str()])
        .await
        .unwrap();
    assert!(!other_one.assess(&list[1]).eligible());
});

// On the built-in 安徽 data: a county seat town in a county that also has streets (庐城镇 of
// 庐江县), a development-zone neighbourhood (滨湖世纪社区, codes 400–599) and one under a zone of
// a development-zone "county" (新港工业园 of 合肥经济技术开发区) are urban; the estate of
// 庐江县's second town is not.
db_test!(
    county_seats_and_development_zones_on_the_builtin_data,
    |db| {
        let a = assessor(&db.store).await;
        let ctx = WriteCtx::new("tester", None);
        let first_below = |town: &'static str| {
            let store = db.store.clone();
            async move {
                let children = store
                    .child_divisions(Some(&DivisionCode::parse_short(town).unwrap()))
                    .await
                    .unwrap();
                children[0].code.to_string()
            }
        };
        let cases = [
            ("340124100", "庐城小区", true),
            ("340111400", "滨湖小区", true),
            ("340177400", "新港小区", true),
            ("340124101", "冶父山小区", false),
        ];
        let mut list = Vec::new();
        for (town, name, _) in cases {
            list.push(estate(name, &first_below(town).await, 1990, 10, 1000));
        }
        db.store.upsert_estates(&ctx, &list, &a).await.unwrap();
        for ((_, name, urban), e) in cases.iter().zip(&list) {
            let m = stored(&db.store, e.division_code.as_str(), name).await;
            assert_eq!(m.eligible, *urban, "{name}: {}", m.failed_rules);
            if !urban {
                assert_eq!(m.failed_rules, "city_or_county_seat");
            }
        }
    }
);

// The second tier is stored as its own outcome, counted in the totals and the summary, and
// found by the list's filter and the export.
db_test!(the_conditional_tier_is_stored_counted_and_filtered, |db| {
    use anju_domain::{Outcome, Scope};
    use anju_store::scoped::{EstateFilter, Sort};
    let mut p = Policy::national();
    p.eligibility.conditional_cutoff_year = Some(2005);
    let a = db.store.assessor(p.clone(), 2026).await.unwrap();
    let ctx = WriteCtx::new("tester", None);
    let list = vec![
        estate("二〇〇〇小区", "340104001001", 2000, 100, 10_000),
        estate("二〇〇三小区", "340104001001", 2003, 200, 30_000),
        estate("二〇〇六小区", "340104001001", 2006, 400, 50_000),
    ];
    db.store.upsert_estates(&ctx, &list, &a).await.unwrap();
    let m = stored(&db.store, "340104001001", "二〇〇三小区").await;
    assert_eq!((m.outcome.as_str(), m.eligible), ("conditional", false));
    let s = db.store.summary(None).await.unwrap();
    assert_eq!(s.totals.eligible_estates, 1);
    assert_eq!(s.totals.conditional_estates, 1);
    assert_eq!(s.totals.conditional_households, 200);
    assert_eq!(s.totals.conditional_floor_area_centi_m2, 30_000);
    let all = db.store.scoped(Scope::All);
    for (outcome, name) in [
        (Outcome::Eligible, "二〇〇〇小区"),
        (Outcome::Conditional, "二〇〇三小区"),
        (Outcome::Out, "二〇〇六小区"),
    ] {
        let f = EstateFilter {
            outcome: Some(outcome),
            sort: Sort::Division,
            page: 1,
            per_page: 20,
            ..Default::default()
        };
        let (items, total, _) = all.estates(&f).await.unwrap();
        assert_eq!(total, 1, "{outcome:?}");
        assert_eq!(items[0].name, name);
        let rows = all
            .estates_after(None, Some(outcome), 0, 100)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, name);
    }
    // Without the second cut-off the 2003 estate is out on reassessment.
    let changed = db
        .store
        .recompute_eligibility(&db.store.assessor(Policy::national(), 2026).await.unwrap())
        .await
        .unwrap();
    assert_eq!(changed, 1);
    assert_eq!(
        stored(&db.store, "340104001001", "二〇〇三小区")
            .await
            .outcome,
        "out"
    );
    assert_eq!(
        db.store
            .summary(None)
            .await
            .unwrap()
            .totals
            .conditional_estates,
        0
    );
});

/// Every division's kept totals (and the list's counts, which come from them) equal the sums of
/// its estates as they now are.
async fn totals_agree(store: &Store, step: &str) {
    use anju_domain::{Level, Scope, Totals};
    let rows = store
        .scoped(Scope::All)
        .estates_after(None, None, 0, 10_000)
        .await
        .unwrap();
    let mut expected: std::collections::BTreeMap<String, Totals> = Default::default();
    for m in &rows {
        let code = DivisionCode::parse(&m.division_code).unwrap();
        for level in [Level::Province, Level::City, Level::County, Level::Town] {
            let t = expected
                .entry(code.ancestor_at(level).unwrap().to_string())
                .or_default();
            let e = i64::from(m.eligible);
            let c = i64::from(m.outcome == "conditional");
            // The renovation scope leaves out the buildings to be demolished.
            let b = i64::from(m.building_count - m.demolished_buildings);
            let h = i64::from(m.households - m.demolished_households);
            let f = m.floor_area_centi_m2 - m.demolished_floor_area_centi_m2;
            t.add(&Totals {
                estates: 1,
                buildings: m.building_count.into(),
                households: m.households.into(),
                floor_area_centi_m2: m.floor_area_centi_m2,
                eligible_estates: e,
                eligible_buildings: e * b,
                eligible_households: e * h,
                eligible_floor_area_centi_m2: e * f,
                conditional_estates: c,
                conditional_buildings: c * b,
                conditional_households: c * h,
                conditional_floor_area_centi_m2: c * f,
                undetermined_estates: i64::from(m.outcome == "undetermined"),
            });
        }
    }
    // Divisions that had estates once and have none now must read as empty.
    for code in [
        "340104000000",
        "340104001000",
        "340121000000",
        "340202000000",
    ] {
        expected.entry(code.into()).or_default();
    }
    for (code, want) in &expected {
        let d = DivisionCode::parse(code).unwrap();
        let got = store.summary(Some(&d)).await.unwrap();
        assert_eq!(&got.totals, want, "{step}: totals of {code}");
        let parts: i64 = got.parts.iter().map(|p| p.totals.estates).sum();
        assert_eq!(parts, want.estates, "{step}: parts of {code}");
        let scoped = store.scoped(Scope::Division(d));
        for (eligible, n) in [
            (None, want.estates),
            (Some(true), want.eligible_estates),
            (Some(false), want.estates - want.eligible_estates),
        ] {
            let f = anju_store::scoped::EstateFilter {
                eligible,
                per_page: 10,
                ..Default::default()
            };
            let (_, total, _) = scoped.estates(&f).await.unwrap();
            assert_eq!(
                total as i64, n,
                "{step}: list count of {code} ({eligible:?})"
            );
        }
    }
    let all = store.summary(None).await.unwrap();
    assert_eq!(all.totals.estates, rows.len() as i64, "{step}: all");
}

db_test!(kept_totals_follow_every_write, |db| {
    let a = assessor(&db.store).await;
    let ctx = WriteCtx::new("tester", None);
    let mut moving = estate("迁移小区", "340104001001", 1990, 50, 100_000);
    moving.code = Some("XQ-1".into());
    let list = vec![
        estate("甲", "340104001001", 1990, 100, 700_050),
        estate("乙", "340104001002", 2004, 200, 1_400_025),
        estate("丙", "340121100004", 1985, 300, 2_100_000),
        moving.clone(),
    ];
    db.store.upsert_estates(&ctx, &list, &a).await.unwrap();
    totals_agree(&db.store, "after the import").await;

    // An edit through the guarded store changes its county's totals and the list's counts.
    let shushan = db.store.scoped(anju_domain::Scope::Division(
        DivisionCode::parse_short("340104").unwrap(),
    ));
    let id = stored(&db.store, "340104001001", "甲").await.id;
    let patch = anju_store::scoped::EstatePatch::default()
        .with(EstateField::Households, 150)
        .with(EstateField::YearCompleted, 2010);
    shushan.update_estate(&ctx, id, &patch, &a).await.unwrap();
    totals_agree(&db.store, "after an edit").await;

    // Matched by its code, an estate moves to another city: both lose and gain.
    moving.division_code = crate::support::code("340202013001");
    db.store.upsert_estates(&ctx, &[moving], &a).await.unwrap();
    totals_agree(&db.store, "after a move").await;

    // A new policy changes who is eligible everywhere.
    let mut p = Policy::national();
    p.eligibility.cutoff_year = 2005;
    let changed = db
        .store
        .recompute_eligibility(&db.store.assessor(p, 2026).await.unwrap())
        .await
        .unwrap();
    assert!(changed > 0);
    totals_agree(&db.store, "after reassessing").await;
});

db_test!(
    a_word_in_more_estates_than_the_index_narrows_to_pages_in_list_order,
    |db| {
        use anju_store::scoped::{EstateFilter, SEARCH_CANDIDATES, SEARCH_COUNT_LIMIT};
        let a = assessor(&db.store).await;
        let ctx = WriteCtx::new("tester", None);
        // More estates with 小区 than the index narrows a search to, over two neighbourhoods (listed
        // in code order, then by name), with other names between them; some built too late.
        let n = SEARCH_CANDIDATES * 3 / 2;
        let list: Vec<Estate> = (0..n)
            .map(|i| {
                let (place, year) = if i % 2 == 0 {
                    ("340104001002", 1990)
                } else {
                    ("340104001001", if i % 3 == 0 { 2010 } else { 1995 })
                };
                let name = if i % 5 == 0 {
                    format!("第{i:05}号院")
                } else {
                    format!("第{i:05}小区")
                };
                estate(&name, place, year, 10, 100)
            })
            .collect();
        db.store.upsert_estates(&ctx, &list, &a).await.unwrap();
        let mut want: Vec<(String, String)> = list
            .iter()
            .filter(|e| e.name.contains("小区"))
            .map(|e| (e.division_code.to_string(), e.name.clone()))
            .collect();
        want.sort();
        let all = db.store.scoped(anju_domain::Scope::All);
        let search = |q: &str, page: u64, eligible: Option<bool>| EstateFilter {
            q: Some(q.into()),
            page,
            per_page: 50,
            eligible,
            ..Default::default()
        };
        for page in [1, 3, 30] {
            let (items, total, more) = all.estates(&search("小区", page, None)).await.unwrap();
            let got: Vec<(String, String)> = items
                .iter()
                .map(|e| (e.division_code.clone(), e.name.clone()))
                .collect();
            let from = (page as usize - 1) * 50;
            assert_eq!(got, want[from..from + 50], "page {page}");
            assert_eq!((total, more), (SEARCH_COUNT_LIMIT, true));
        }
        // With a filter the index does not hold, the matches are counted.
        let (items, total, more) = all.estates(&search("小区", 1, Some(false))).await.unwrap();
        let late = list
            .iter()
            .filter(|e| e.name.contains("小区") && e.year_completed == Some(2010))
            .count() as u64;
        assert!(items.iter().all(|e| !e.eligible && e.name.contains("小区")));
        assert_eq!(
            (total, more),
            (late.min(SEARCH_COUNT_LIMIT), late > SEARCH_COUNT_LIMIT)
        );
        // A longer text with a common word: the estates that match it, not the index's guess.
        let (items, total, _) = all.estates(&search("1小区", 1, None)).await.unwrap();
        let ones = want.iter().filter(|(_, n)| n.contains("1小区")).count() as u64;
        assert_eq!(total, ones);
        assert!(items.iter().all(|e| e.name.contains("1小区")));
    }
);

db_test!(a_text_search_counts_up_to_its_limit, |db| {
    use anju_store::scoped::{EstateFilter, Sort, SEARCH_COUNT_LIMIT};
    let a = assessor(&db.store).await;
    let ctx = WriteCtx::new("tester", None);
    let n = SEARCH_COUNT_LIMIT as usize + 5;
    let list: Vec<Estate> = (0..n)
        .map(|i| estate(&format!("测试{i:04}小区"), "340104001001", 1990, 10, 100))
        .collect();
    db.store.upsert_estates(&ctx, &list, &a).await.unwrap();
    let all = db.store.scoped(anju_domain::Scope::All);
    let search = |q: &str, page: u64| EstateFilter {
        q: Some(q.into()),
        page,
        per_page: 200,
        ..Default::default()
    };
    // A common word: the count stops at the limit and says there are more; pages past the
    // counted ones still come.
    let (items, total, more) = all.estates(&search("小区", 1)).await.unwrap();
    assert_eq!((items.len(), total, more), (200, SEARCH_COUNT_LIMIT, true));
    let (items, _, _) = all.estates(&search("小区", 6)).await.unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(items[4].name, format!("测试{:04}小区", n - 1));
    // A rare one is counted exactly.
    let (items, total, more) = all.estates(&search("测试000", 1)).await.unwrap();
    assert_eq!((items.len(), total, more), (10, 10, false));
    // A page of a search is a slice of its matches in the list's order; past the last, empty.
    let page = |page: u64| EstateFilter {
        q: Some("测试000".into()),
        page,
        per_page: 3,
        sort: Sort::Name,
        desc: true,
        ..Default::default()
    };
    let (items, total, more) = all.estates(&page(2)).await.unwrap();
    let names: Vec<&str> = items.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["测试0006小区", "测试0005小区", "测试0004小区"]);
    assert_eq!((total, more), (10, false));
    assert!(all.estates(&page(5)).await.unwrap().0.is_empty());
    // Outside the scope nothing matches.
    let wuhu = db.store.scoped(anju_domain::Scope::Division(
        anju_domain::DivisionCode::parse_short("3402").unwrap(),
    ));
    assert_eq!(wuhu.estates(&page(1)).await.unwrap().1, 0);
});

// SQLite's small reads run on the calling thread with their own decoding (sqlite_reads.rs);
// whatever they return must be exactly what the pool returns. (On PostgreSQL both are the pool.)
db_test!(direct_sqlite_reads_equal_the_pools, |db| {
    use anju_domain::{Role, Scope};
    use anju_store::scoped::{EstateFilter, Sort};
    let a = assessor(&db.store).await;
    let ctx = WriteCtx::new("tester", None);
    let mut list: Vec<Estate> = (0..30)
        .map(|i| {
            estate(
                &format!("小区{i:02}"),
                "340104001001",
                1980 + i,
                10 + i,
                1_000 + i as i64,
            )
        })
        .collect();
    list[0].code = Some("XQ-0".into());
    list[1].willingness_pct = Some(87.5);
    list.push(estate("他处", "340202013001", 1990, 5, 500));
    db.store.upsert_estates(&ctx, &list, &a).await.unwrap();
    let b = BuildingUpsert {
        estate_code: Some("XQ-0".into()),
        division_code: None,
        estate_name: None,
        building: Building {
            number: "1".into(),
            floors: Some(6),
            safety_grade: Some(SafetyGrade::C),
            ..Default::default()
        },
    };
    db.store
        .upsert_buildings(&ctx, &[b], &a)
        .await
        .unwrap()
        .unwrap();
    let county = Scope::Division(DivisionCode::parse_short("340104").unwrap());
    let id = stored(&db.store, "340104001001", "小区00").await.id;
    let patch = anju_store::scoped::EstatePatch::default().with(EstateField::Households, 99);
    db.store
        .scoped(county)
        .update_estate(&ctx, id, &patch, &a)
        .await
        .unwrap();
    let user = db
        .store
        .add_user(
            &ctx,
            "reader",
            "读者",
            Role::Staff,
            county,
            "a-long-password",
        )
        .await
        .unwrap();
    let (secret, _) = db
        .store
        .create_session(user.id, chrono::Duration::hours(1))
        .await
        .unwrap();

    let direct = &db.store;
    let pooled = db.store.without_direct_reads();
    let (d, p) = (
        direct.session(&secret).await.unwrap(),
        pooled.session(&secret).await.unwrap(),
    );
    assert!(d.is_some());
    assert_eq!(format!("{d:?}"), format!("{p:?}"));
    let d = direct
        .scoped(county)
        .estate_with_history(id)
        .await
        .unwrap()
        .unwrap();
    let p = pooled
        .scoped(county)
        .estate_with_history(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (d.1.len(), d.2.len()),
        (1, 2),
        "one building, a creation and an edit"
    );
    assert_eq!(d, p);
    for scope in [county, Scope::All] {
        let filter = EstateFilter {
            division: None,
            q: None,
            eligible: None,
            outcome: None,
            sort: Sort::Division,
            desc: false,
            page: 2,
            per_page: 10,
        };
        let d = direct.scoped(scope).estates(&filter).await.unwrap();
        assert_eq!(d.0.len(), 10);
        assert_eq!(d, pooled.scoped(scope).estates(&filter).await.unwrap());
        // A search: its matches found through the pool, its page read by their ids directly.
        let search = EstateFilter {
            q: Some("小区1".into()),
            per_page: 4,
            page: 2,
            ..filter
        };
        let d = direct.scoped(scope).estates(&search).await.unwrap();
        assert_eq!((d.0.len(), d.1), (4, 10));
        assert_eq!(d, pooled.scoped(scope).estates(&search).await.unwrap());
        assert_eq!(
            direct.scoped(scope).summary(None).await.unwrap(),
            pooled.scoped(scope).summary(None).await.unwrap()
        );
    }
    let town = DivisionCode::parse_short("340104001").unwrap();
    assert_eq!(
        format!("{:?}", direct.division(&town).await.unwrap()),
        format!("{:?}", pooled.division(&town).await.unwrap())
    );
    let codes = vec!["340104".to_string(), "340104001".to_string()];
    assert_eq!(
        direct.division_names(&codes).await.unwrap(),
        pooled.division_names(&codes).await.unwrap()
    );
});

// A GET's reads share one snapshot on SQLite (Store::for_read_only_request): what others write
// meanwhile shows in the next request, never halfway through this one; and once the request is
// done its connection goes back without its old snapshot.
db_test!(a_read_only_request_reads_one_snapshot, |db| {
    use anju_domain::Scope;
    let a = assessor(&db.store).await;
    let ctx = WriteCtx::new("tester", None);
    db.store
        .upsert_estates(&ctx, &[estate("甲", "340104001001", 1990, 100, 1_000)], &a)
        .await
        .unwrap();
    let id = stored(&db.store, "340104001001", "甲").await.id;
    let households = |store: &Store| {
        let data = store.scoped(Scope::All);
        async move {
            data.estate_with_history(id)
                .await
                .unwrap()
                .unwrap()
                .0
                .households
        }
    };
    let request = db.store.for_read_only_request();
    assert_eq!(households(&request).await, 100);
    let patch = anju_store::scoped::EstatePatch::default().with(EstateField::Households, 120);
    db.store
        .scoped(Scope::All)
        .update_estate(&ctx, id, &patch, &a)
        .await
        .unwrap();
    let sqlite = db.store.backend() == sea_orm::DatabaseBackend::Sqlite;
    // PostgreSQL reads each query fresh; SQLite's request keeps its snapshot.
    assert_eq!(households(&request).await, if sqlite { 100 } else { 120 });
    drop(request);
    for _ in 0..3 {
        assert_eq!(households(&db.store.for_read_only_request()).await, 120);
        assert_eq!(households(&db.store).await, 120);
    }
});

db_test!(
    concurrent_writers_in_sibling_divisions_keep_the_totals,
    |db| {
        // Four county offices of one city (合肥: 瑶海, 庐阳, 蜀山, 包河) import at the same moment,
        // four rounds, while a city editor changes estates of each; every write must succeed and the
        // kept totals of every level must equal a fresh sum of the estates.
        let a = assessor(&db.store).await;
        let neighbourhoods = [
            "340102001001",
            "340103001001",
            "340104001001",
            "340111001008",
        ];
        for round in 0..4 {
            let mut tasks = Vec::new();
            for (county, n) in neighbourhoods.iter().enumerate() {
                let (store, a) = (db.store.clone(), a.clone());
                let list: Vec<Estate> = (0..150)
                    .map(|i| {
                        estate(
                            &format!("并发{round}-{county}-{i:03}"),
                            n,
                            1980 + (i % 30),
                            20 + i,
                            10_000 * i64::from(i + 1),
                        )
                    })
                    .collect();
                tasks.push(tokio::spawn(async move {
                    let ctx = WriteCtx::new(format!("county-{county}"), None);
                    store.upsert_estates(&ctx, &list, &a).await
                }));
            }
            if round > 0 {
                // Edits in every county while the imports run.
                for (county, n) in neighbourhoods.iter().enumerate() {
                    let id = stored(&db.store, n, &format!("并发{}-{county}-000", round - 1))
                        .await
                        .id;
                    let (store, a) = (db.store.clone(), a.clone());
                    tasks.push(tokio::spawn(async move {
                        let hefei = store.scoped(anju_domain::Scope::Division(
                            DivisionCode::parse_short("3401").unwrap(),
                        ));
                        let patch = anju_store::scoped::EstatePatch::default()
                            .with(EstateField::Households, 1000 + round);
                        let ctx = WriteCtx::new("city-3401", None);
                        hefei
                            .update_estate(&ctx, id, &patch, &a)
                            .await
                            .map(|_| Default::default())
                            .map_err(|e| anju_store::StoreError::Invalid(format!("{e:?}")))
                    }));
                }
            }
            for t in tasks {
                t.await.unwrap().expect("a concurrent write failed");
            }
        }
        assert_eq!(db.store.estate_count().await.unwrap(), 4 * 4 * 150);
        totals_agree(&db.store, "after concurrent writers").await;
    }
);

db_test!(
    text_search_through_the_index_finds_what_a_scan_finds,
    |db| {
        use anju_domain::Scope;
        use anju_store::scoped::{EstateFilter, Sort};
        let a = assessor(&db.store).await;
        let ctx = WriteCtx::new("tester", None);
        // Estates in sibling neighbourhoods, towns and counties, with names, addresses and codes
        // that share some words and not others.
        let places = [
            "340104001001",
            "340104001002",
            "340104002001",
            "340103001001",
            "340202013001",
        ];
        let words = ["梅山", "绩溪", "花园", "新村", "三里庵", "稻香"];
        let mut list = Vec::new();
        for (i, place) in places.iter().enumerate() {
            for j in 0..24 {
                let mut e = estate(
                    &format!("{}{}小区{j}号", words[j % 6], words[(j / 6 + i) % 6]),
                    place,
                    1990,
                    10,
                    100,
                );
                e.address = format!("{}路{}号", words[(j + i) % 6], 100 + j);
                e.code = Some(format!("XQ{i}{j:03}"));
                list.push(e);
            }
        }
        db.store.upsert_estates(&ctx, &list, &a).await.unwrap();
        // What a large import does after it (on PostgreSQL: statistics, and the search index's
        // pending list merged); the index answers the same afterwards.
        db.store.refresh_statistics(10_000).await.unwrap();
        let all = db
            .store
            .scoped(Scope::All)
            .estates_after(None, None, 0, 10_000)
            .await
            .unwrap();
        assert_eq!(all.len(), list.len());
        let scopes = [
            None,
            Some("34"),
            Some("3401"),
            Some("340104"),
            Some("340104001"),
            Some("340104001002"),
            Some("3402"),
        ];
        let queries = [
            "梅山",
            "山绩",
            "三里庵",
            "里庵路",
            "花园小区",
            "小区1",
            "1号",
            "号",
            "庵",
            "XQ1",
            "Q20",
            "0",
            "稻香新村",
            "zzz",
            "路10",
            "小区23号",
            "梅山梅山",
        ];
        for scope in scopes {
            let scope = scope.map_or(Scope::All, |s| {
                Scope::Division(DivisionCode::parse_short(s).unwrap())
            });
            let scoped = db.store.scoped(scope);
            for division in [None, Some("340104"), Some("340103001")] {
                let division = division.map(|d| DivisionCode::parse_short(d).unwrap());
                for q in queries {
                    let f = EstateFilter {
                        q: Some(q.into()),
                        division,
                        sort: Sort::Id,
                        per_page: 200,
                        ..Default::default()
                    };
                    let (items, total, _) = scoped.estates(&f).await.unwrap();
                    let got: Vec<i64> = items.iter().map(|e| e.id).collect();
                    let want: Vec<i64> = all
                        .iter()
                        .filter(|m| {
                            let d = DivisionCode::parse(&m.division_code).unwrap();
                            scope.contains(&d)
                                && division.is_none_or(|f| f.contains(&d))
                                && (m.name.contains(q)
                                    || m.address.contains(q)
                                    || m.code.as_deref().is_some_and(|c| c.contains(q)))
                        })
                        .map(|m| m.id)
                        .collect();
                    assert_eq!(got, want, "{q:?} in {scope:?} / {division:?}");
                    assert_eq!(total as usize, want.len(), "{q:?} in {scope:?} count");
                }
            }
        }
        // A rename and a move are found by their new words and places at once, not by the old.
        let shushan = db.store.scoped(Scope::Division(
            DivisionCode::parse_short("340104").unwrap(),
        ));
        let first = &all[0];
        let patch =
            anju_store::scoped::EstatePatch::default().with(EstateField::Name, "改名后的独特小区");
        shushan
            .update_estate(&ctx, first.id, &patch, &a)
            .await
            .unwrap();
        let find = |scoped: &anju_store::scoped::Scoped, q: &str| {
            let scoped = scoped.clone();
            let q = q.to_string();
            async move {
                let f = EstateFilter {
                    q: Some(q),
                    ..Default::default()
                };
                scoped
                    .estates(&f)
                    .await
                    .unwrap()
                    .0
                    .iter()
                    .map(|e| e.id)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(find(&shushan, "独特").await, [first.id]);
        assert!(!find(&shushan, &first.name).await.contains(&first.id));
        let mut moved = list[0].clone();
        moved.name = "改名后的独特小区".into();
        moved.division_code = crate::support::code("340202013001");
        db.store.upsert_estates(&ctx, &[moved], &a).await.unwrap();
        assert!(find(&shushan, "独特").await.is_empty());
        let wuhu = db
            .store
            .scoped(Scope::Division(DivisionCode::parse_short("3402").unwrap()));
        assert_eq!(find(&wuhu, "独特").await, [first.id]);
    }
);

db_test!(
    a_word_too_common_for_the_index_is_found_in_list_order,
    |db| {
        use anju_store::scoped::{EstateFilter, SEARCH_COUNT_LIMIT};
        // More estates with the word than the index hands out as candidates: the list is read in its
        // own order instead, and the answer is the same as for a rare word.
        let a = assessor(&db.store).await;
        let ctx = WriteCtx::new("tester", None);
        let list: Vec<Estate> = (0..2_100)
            .map(|i| estate(&format!("常见词{i:04}"), "340104001001", 1990, 10, 100))
            .chain([estate("罕见的名字", "340104001002", 1990, 10, 100)])
            .collect();
        db.store.upsert_estates(&ctx, &list, &a).await.unwrap();
        let all = db.store.scoped(anju_domain::Scope::All);
        let search = |q: &str, page: u64| EstateFilter {
            q: Some(q.into()),
            page,
            per_page: 100,
            ..Default::default()
        };
        let (items, total, more) = all.estates(&search("常见", 1)).await.unwrap();
        assert_eq!((items.len(), total, more), (100, SEARCH_COUNT_LIMIT, true));
        assert_eq!(items[0].name, "常见词0000");
        let (items, _, _) = all.estates(&search("常见词20", 1)).await.unwrap();
        let names: Vec<&str> = items.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names.len(), 100);
        assert_eq!((names[0], names[99]), ("常见词2000", "常见词2099"));
        let (items, total, _) = all.estates(&search("罕见", 1)).await.unwrap();
        assert_eq!((items.len(), total), (1, 1));
    }
);

db_test!(
    a_streamed_import_stores_only_inside_the_scope_and_only_when_kept,
    |db| {
        use anju_domain::Scope;
        let a = assessor(&db.store).await;
        let ctx = WriteCtx::new("tester", None);
        let shushan = db.store.scoped(Scope::Division(
            DivisionCode::parse_short("340104").unwrap(),
        ));
        let before = crate::support::stored_state(&db.store).await;
        // A reader that hands on an estate of the county next door: refused, nothing stored.
        let outside = estate("邻县小区", "340103001001", 1990, 10, 100);
        let r = shushan
            .import_estates_streamed(&ctx, &a, true, move |sink| sink(vec![outside], 0), |_| {})
            .await;
        assert!(
            matches!(r, Err(anju_store::StoreError::Invalid(ref m)) if m.contains("340103001001")),
            "{:?}",
            r.err()
        );
        assert_eq!(crate::support::stored_state(&db.store).await, before);
        // Inside it, stored; rolled back, gone; committed, kept.
        let inside = || vec![estate("本县小区", "340104001001", 1990, 10, 100)];
        let (pending, ()) = shushan
            .import_estates_streamed(&ctx, &a, true, move |sink| sink(inside(), 0), |_| {})
            .await
            .unwrap();
        assert_eq!((pending.rows, pending.report.inserted), (1, 1));
        pending.rollback().await.unwrap();
        assert_eq!(crate::support::stored_state(&db.store).await, before);
        let (pending, ()) = shushan
            .import_estates_streamed(&ctx, &a, true, move |sink| sink(inside(), 0), |_| {})
            .await
            .unwrap();
        pending.commit().await.unwrap();
        assert_eq!(db.store.estate_count().await.unwrap(), 1);
        // A batch after an error is read but not stored.
        let (pending, ()) = shushan
            .import_estates_streamed(
                &ctx,
                &a,
                true,
                move |sink| {
                    sink(
                        vec![estate("坏表里的小区", "340104001001", 1990, 10, 100)],
                        1,
                    )
                },
                |_| {},
            )
            .await
            .unwrap();
        assert_eq!((pending.rows, pending.report.inserted), (1, 0));
        pending.rollback().await.unwrap();
        assert_eq!(db.store.estate_count().await.unwrap(), 1);
    }
);

// A city's override applies only inside the city and only from its year; a province's reaches
// its cities; the mode is reassessed with the eligibility; a new year makes every assessment
// stale until reassessed (the year is fixed: assessors for 2026 and 2027).
db_test!(policies_by_division_and_year, |db| {
    use anju_domain::{Building, SafetyGrade, Scope};
    let base = Policy::national();
    let a = db.store.assessor(base.clone(), 2026).await.unwrap();
    let ctx = WriteCtx::new("tester", None);
    let hefei = estate("合肥〇三小区", "340104001001", 2003, 100, 10_000);
    let wuhu = estate("芜湖〇三小区", "340202013001", 2003, 100, 10_000);
    let b = |n: &str, g| Building {
        number: n.into(),
        safety_grade: Some(g),
        ..Default::default()
    };
    // Two buildings, one graded C (a single dangerous building would be for review).
    let two = || vec![b("1", SafetyGrade::B), b("2", SafetyGrade::C)];
    db.store
        .insert_estates_with_buildings(&ctx, &[(hefei, two()), (wuhu, two())], &a)
        .await
        .unwrap();
    let outcome = |division: &'static str, name: &'static str| {
        let store = db.store.clone();
        async move {
            let m = store.estate_by_key(division, name).await.unwrap().unwrap();
            (m.outcome, m.suggested_mode)
        }
    };
    let all = db.store.scoped(Scope::All);
    assert_eq!(db.store.stale_assessments(&a, None).await.unwrap(), 0);
    // 合肥 from 2027: nothing changes in 2026.
    let city = DivisionCode::parse_short("3401").unwrap();
    let text = "[eligibility]\nconditional_cutoff_year = 2005\n[mode]\ndangerous_grades = [\"C\", \"D\"]\n";
    let change = all
        .set_policy(&ctx, &city, 2027, text, base.clone(), 2026)
        .await
        .unwrap();
    assert_eq!(change.changed, 0);
    assert_eq!(
        change.policy.eligibility.conditional_cutoff_year,
        Some(2005)
    );
    assert_eq!(
        outcome("340104001001", "合肥〇三小区").await,
        ("out".to_string(), "comprehensive".to_string())
    );
    // 2027 comes: every assessment is stale; reassessed, 合肥's estate is conditional and its C
    // building makes it demolition-combined, 芜湖's is as it was.
    let a27 = db.store.assessor(base.clone(), 2027).await.unwrap();
    assert_eq!(db.store.stale_assessments(&a27, None).await.unwrap(), 2);
    assert_eq!(db.store.recompute_eligibility(&a27).await.unwrap(), 1);
    assert_eq!(db.store.stale_assessments(&a27, None).await.unwrap(), 0);
    // Other base numbers (a new `--policy` file) make them stale again; another name does not.
    let mut other = base.clone();
    other.eligibility.recent_renovation_years = 3;
    let a_other = db.store.assessor(other, 2027).await.unwrap();
    assert_eq!(db.store.stale_assessments(&a_other, None).await.unwrap(), 2);
    let mut renamed = base.clone();
    renamed.name = "另一名称".into();
    let a_renamed = db.store.assessor(renamed, 2027).await.unwrap();
    assert_eq!(
        db.store.stale_assessments(&a_renamed, None).await.unwrap(),
        0,
        "a name is not a number"
    );
    assert_eq!(
        outcome("340104001001", "合肥〇三小区").await,
        ("conditional".to_string(), "demolition_combined".to_string())
    );
    assert_eq!(
        outcome("340202013001", "芜湖〇三小区").await,
        ("out".to_string(), "comprehensive".to_string())
    );
    // The policy in force: 合肥 in 2027 has it, in 2026 not; 芜湖 never.
    let hood = DivisionCode::parse("340104001001").unwrap();
    let p26 = all
        .policy_in_force(base.clone(), &hood, 2026)
        .await
        .unwrap();
    let p27 = all
        .policy_in_force(base.clone(), &hood, 2027)
        .await
        .unwrap();
    assert_eq!(p26.eligibility.conditional_cutoff_year, None);
    assert_eq!(p27.eligibility.conditional_cutoff_year, Some(2005));
    assert_eq!(p27.effective_year, 2027);
    // A province's override reaches 芜湖 (reassessed at once: its year has come).
    let province = DivisionCode::parse_short("34").unwrap();
    let change = all
        .set_policy(
            &ctx,
            &province,
            2020,
            "[eligibility]\nconditional_cutoff_year = 2005\n",
            base.clone(),
            2027,
        )
        .await
        .unwrap();
    assert_eq!(change.changed, 1);
    assert_eq!(
        change.body.trim(),
        "[eligibility]\nconditional_cutoff_year = 2005"
    );
    assert_eq!(
        outcome("340202013001", "芜湖〇三小区").await.0,
        "conditional"
    );
    // Only what differs from the policy above is stored: the city's override keeps its mode.
    let again = all
        .set_policy(&ctx, &city, 2027, text, base.clone(), 2027)
        .await
        .unwrap();
    assert_eq!(
        again.body.trim(),
        "[mode]\ndangerous_grades = [\"C\", \"D\"]"
    );
    // A county is not a level policies are set at; audited changes only.
    let county = DivisionCode::parse_short("340104").unwrap();
    assert!(matches!(
        all.set_policy(&ctx, &county, 2027, text, base.clone(), 2027)
            .await,
        Err(anju_store::StoreError::Invalid(_))
    ));
    let trail = db
        .store
        .history("policy", "340100000000@2027")
        .await
        .unwrap();
    assert_eq!(
        trail.iter().map(|t| t.action.as_str()).collect::<Vec<_>>(),
        vec!["create", "update"]
    );
    // A scope that does not hold the division does not see it.
    let other = db
        .store
        .scoped(Scope::Division(DivisionCode::parse_short("3402").unwrap()));
    assert!(matches!(
        other
            .set_policy(&ctx, &city, 2027, text, base.clone(), 2027)
            .await,
        Err(anju_store::StoreError::NotFound(_))
    ));
});

// 拆改结合: buildings to be demolished leave the renovation scope and its totals; every building
// to be demolished is demolish-and-rebuild, out of the programme; one building graded D is for
// review; an estate sheet imported again keeps what the buildings decided; a confirmed mode is
// kept with who confirmed it, and audited.
db_test!(
    the_part_to_be_demolished_leaves_the_scope_and_its_totals,
    |db| {
        use anju_domain::{Mode, SafetyGrade, Scope};
        let a = assessor(&db.store).await;
        let ctx = WriteCtx::new("tester", None);
        let e = estate("拆改小区", "340104001001", 1990, 100, 1_000_000);
        db.store
            .upsert_estates(&ctx, std::slice::from_ref(&e), &a)
            .await
            .unwrap();
        let b = |n: &str, hh: i32, area: i64, gone: bool| BuildingUpsert {
            estate_code: None,
            division_code: Some("340104001001".into()),
            estate_name: Some("拆改小区".into()),
            building: Building {
                number: n.into(),
                households: Some(hh),
                floor_area_centi_m2: Some(anju_domain::Area::from_centi_m2(area)),
                safety_grade: Some(SafetyGrade::B),
                to_be_demolished: gone,
                ..Default::default()
            },
        };
        let put = |rows: Vec<BuildingUpsert>| {
            let store = db.store.clone();
            let a = a.clone();
            let ctx = ctx.clone();
            async move {
                store
                    .upsert_buildings(&ctx, &rows, &a)
                    .await
                    .unwrap()
                    .unwrap()
            }
        };
        put(vec![
            b("1号楼", 40, 400_000, false),
            b("2号楼", 20, 150_000, true),
            b("3号楼", 40, 450_000, false),
        ])
        .await;
        let m = stored(&db.store, "340104001001", "拆改小区").await;
        assert_eq!((m.demolished_buildings, m.demolished_households), (1, 20));
        assert_eq!(m.demolished_floor_area_centi_m2, 150_000);
        assert_eq!(m.suggested_mode, "demolition_combined");
        assert!(m.eligible);
        let t = db.store.summary(None).await.unwrap().totals;
        assert_eq!((t.households, t.eligible_households), (100, 80));
        assert_eq!(t.eligible_floor_area_centi_m2, 850_000);
        assert_eq!(t.eligible_buildings, 2);
        totals_agree(&db.store, "demolition").await;
        // The estate sheet again: what the buildings decided stays.
        let r = db
            .store
            .upsert_estates(&ctx, std::slice::from_ref(&e), &a)
            .await
            .unwrap();
        assert_eq!(r.unchanged, 1);
        assert_eq!(
            stored(&db.store, "340104001001", "拆改小区")
                .await
                .demolished_households,
            20
        );
        // Every building to be demolished: 拆除新建, out.
        put(vec![
            b("1号楼", 40, 400_000, true),
            b("3号楼", 40, 450_000, true),
        ])
        .await;
        let m = stored(&db.store, "340104001001", "拆改小区").await;
        assert_eq!(
            (m.outcome.as_str(), m.suggested_mode.as_str()),
            ("out", "rebuild")
        );
        assert_eq!(m.failed_rules, "not_expropriation_or_rebuild");
        assert_eq!(
            db.store
                .summary(None)
                .await
                .unwrap()
                .totals
                .eligible_estates,
            0
        );
        totals_agree(&db.store, "all demolished").await;
        // A single building graded D: for review.
        db.store
            .upsert_estates(
                &ctx,
                &[estate("单栋楼", "340104001002", 1985, 24, 200_000)],
                &a,
            )
            .await
            .unwrap();
        let mut single = b("1号楼", 24, 200_000, false);
        single.division_code = Some("340104001002".into());
        single.estate_name = Some("单栋楼".into());
        single.building.safety_grade = Some(SafetyGrade::D);
        put(vec![single]).await;
        let m = stored(&db.store, "340104001002", "单栋楼").await;
        assert_eq!(m.suggested_mode, "review");
        // Confirmed by an official: kept with who and when, in the history.
        let all = db.store.scoped(Scope::All);
        let m = all
            .confirm_mode(
                &WriteCtx::new("user:city-3401", None),
                m.id,
                Some(Mode::Rebuild),
            )
            .await
            .unwrap();
        assert_eq!(m.confirmed_mode.as_deref(), Some("rebuild"));
        assert_eq!(m.mode_confirmed_by.as_deref(), Some("user:city-3401"));
        assert!(m.mode_confirmed_at.is_some());
        let trail = db.store.history("estate", &m.id.to_string()).await.unwrap();
        assert!(trail
            .last()
            .unwrap()
            .after
            .as_deref()
            .unwrap()
            .contains("\"confirmed_mode\":\"rebuild\""));
        let outside = db
            .store
            .scoped(Scope::Division(DivisionCode::parse_short("3402").unwrap()));
        assert!(matches!(
            outside.confirm_mode(&ctx, m.id, None).await,
            Err(anju_store::StoreError::NotFound(_))
        ));
    }
);
