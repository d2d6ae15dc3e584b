//! Residents on the database: the owner register (imported from a sheet, personal data masked
//! outside the neighbourhood), consultations and the 80 % gate of the plan, and owners' votes —
//! cast online by personal code, entered from paper, replaced while open, closed, published and
//! recounted — on both backends.

use crate::db_test;
use crate::support::*;
use anju_domain::residents::{Answer, Channel};
use anju_domain::vote::Choice;
use anju_domain::{pool::PoolState, Scope};
use anju_store::scoped::NewVote;
use anju_store::WriteCtx;

/// One eligible estate in 蜀山区's neighbourhood 340104001001; its id.
async fn an_estate(db: &TestDb) -> i64 {
    let sheet = db.path("survey.xlsx");
    write_xlsx(
        &sheet,
        &[
            estate_header(),
            estate_row("甲小区", 1985.0, 4.0, 200.0, 18000.0),
        ],
        &[],
    );
    let out = db.anju(&["import", "estates", sheet.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    db.store
        .scoped(Scope::All)
        .estates_after(None, None, 0, 10)
        .await
        .unwrap()[0]
        .id
}

fn register_header() -> Vec<C> {
    [
        "楼栋",
        "单元",
        "房号",
        "登记面积",
        "测绘面积",
        "业主姓名",
        "身份证号",
        "联系电话",
        "已交付",
    ]
    .into_iter()
    .map(S)
    .collect()
}

/// A part: building 1, `unit`, `room`, registered (or, when negative, surveyed) area, owner.
fn part(
    unit: &'static str,
    room: &'static str,
    area: f64,
    name: &'static str,
    id: &'static str,
    delivered: &'static str,
) -> Vec<C> {
    let (reg, sur) = if area < 0.0 {
        (E, N(-area))
    } else {
        (N(area), E)
    };
    vec![
        S("1"),
        S(unit),
        S(room),
        reg,
        sur,
        S(name),
        S(id),
        S("13812345678"),
        S(delivered),
    ]
}

/// Ten parts: 张三 holds two (one ID number), 李四 one by surveyed area, the developer holds two
/// undelivered ones; areas with fen.
fn register_rows() -> Vec<Vec<C>> {
    vec![
        register_header(),
        part("1", "101", 80.05, "张三", "11010519491231002X", "是"),
        part("1", "102", 60.10, "张三", "11010519491231002x", ""),
        part("1", "201", -75.33, "李四", "", ""),
        part("1", "202", 90.00, "王五", "", ""),
        part("1", "301", 88.88, "赵六", "", ""),
        part("2", "101", 70.01, "钱七", "", ""),
        part("2", "102", 70.02, "孙八", "", ""),
        part("2", "201", 70.03, "周九", "", ""),
        part("2", "301", 99.99, "", "", "否"),
        part("2", "302", 99.99, "", "", "否"),
    ]
}

fn ctx() -> WriteCtx {
    WriteCtx::new("test", None)
}

db_test!(
    the_register_is_imported_and_masked_outside_the_neighbourhood,
    |db| {
        let estate = an_estate(&db).await;
        let sheet = db.path("owners.xlsx");
        // A bad ID number and a repeated room are refused, naming the row; nothing is stored.
        let mut bad = register_rows();
        bad[3][6] = S("110105194912310021");
        bad[5][2] = S("201");
        write_xlsx(&sheet, &bad, &[]);
        let out = db.anju(&[
            "import",
            "owners",
            sheet.to_str().unwrap(),
            "--estate",
            &estate.to_string(),
        ]);
        assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(text.contains('4') && text.contains("身份证"), "{text}");
        assert!(text.contains("不与第4行重复"), "{text}");
        let all = db.store.scoped(Scope::All);
        assert!(all.register(estate).await.unwrap().is_empty());

        write_xlsx(&sheet, &register_rows(), &[]);
        let out = db.anju(&[
            "import",
            "owners",
            sheet.to_str().unwrap(),
            "--estate",
            &estate.to_string(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("8位业主，10个专有部分"),
            "{}",
            stdout(&out)
        );
        // Importing again changes nothing: the same owners, matched by their keys.
        let out = db.anju(&[
            "import",
            "owners",
            sheet.to_str().unwrap(),
            "--estate",
            &estate.to_string(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

        let county = db.store.scoped(Scope::Division(code("340104000000")));
        let masked = county.register(estate).await.unwrap();
        assert_eq!(masked.len(), 8);
        let zhang = masked
            .iter()
            .find(|o| o.parts.len() == 2 && !o.is_developer)
            .unwrap();
        assert_eq!(zhang.name, "张*");
        assert_eq!(zhang.phone.as_deref(), Some("138****5678"));
        assert_eq!(zhang.area.centi_m2(), 8005 + 6010);
        assert!(zhang
            .id_number
            .as_deref()
            .unwrap()
            .chars()
            .all(|c| c == '*'));
        let developer = masked.iter().find(|o| o.is_developer).unwrap();
        assert_eq!(
            developer.parts.len(),
            2,
            "the developer's parts count once together"
        );

        let neighbourhood = db.store.scoped(Scope::Division(code("340104001001")));
        let open = neighbourhood.register(estate).await.unwrap();
        let zhang = open.iter().find(|o| o.id == zhang.id).unwrap();
        assert_eq!(zhang.name, "张三");
        assert_eq!(zhang.id_number.as_deref(), Some("**************002X"));
        let li = open.iter().find(|o| o.name == "李四").unwrap();
        assert_eq!(li.parts[0].basis.key(), "surveyed");

        // The ID number is stored only as a keyed hash: no byte of the SQLite files holds it.
        if db.url.starts_with("sqlite") {
            for f in std::fs::read_dir(db.path("")).unwrap() {
                let bytes = std::fs::read(f.unwrap().path()).unwrap_or_default();
                let id = b"11010519491231002";
                let sheet_or_db = bytes.windows(id.len()).any(|w| w == id);
                assert!(
                    !sheet_or_db || bytes.starts_with(b"PK"),
                    "an ID number in a database file"
                );
            }
        }

        // A sibling neighbourhood does not find the estate at all.
        let sibling = db.store.scoped(Scope::Division(code("340104001002")));
        assert!(sibling.register(estate).await.is_err());
    }
);

db_test!(the_consultation_rate_gates_the_plan, |db| {
    let estate = an_estate(&db).await;
    let sheet = db.path("owners.xlsx");
    write_xlsx(&sheet, &register_rows(), &[]);
    let out = db.anju(&[
        "import",
        "owners",
        sheet.to_str().unwrap(),
        "--estate",
        &estate.to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let staff = db.store.scoped(Scope::Division(code("340104001001")));
    let a = db
        .store
        .assessor(anju_domain::Policy::national(), 2026)
        .await
        .unwrap();
    let owners = staff.register(estate).await.unwrap();
    let households: Vec<i64> = owners
        .iter()
        .filter(|o| !o.is_developer)
        .map(|o| o.id)
        .collect();
    assert_eq!(households.len(), 7);
    let c = staff
        .open_consultation(estate, "改造意愿征询", &ctx())
        .await
        .unwrap();
    // Five of seven (71.4 %) answer: the estate cannot be planned.
    let codes = staff.issue_codes(estate, &ctx()).await.unwrap();
    for (i, o) in households.iter().take(5).enumerate() {
        if i == 0 {
            let (_, code) = codes.iter().find(|(id, _)| id == o).unwrap();
            let h = db.store.household(code).await.unwrap().unwrap();
            h.answer(c, Answer::Agree).await.unwrap();
            // One answer per household, whatever the channel.
            let again = staff
                .record_answer(c, *o, Answer::Oppose, Channel::Door, &ctx())
                .await;
            assert!(
                matches!(again, Err(anju_store::StoreError::Conflict(_))),
                "{again:?}"
            );
        } else {
            staff
                .record_answer(c, *o, Answer::Agree, Channel::Door, &ctx())
                .await
                .unwrap();
        }
    }
    let view = staff.consultation(&a, c).await.unwrap();
    assert_eq!((view.rate.answered, view.rate.households), (5, 7));
    assert!(!view.meets_threshold);
    let refused = staff
        .move_in_pool(&ctx(), &a, &[estate], PoolState::Planned, Some(2026))
        .await;
    let err = format!("{refused:?}");
    assert!(err.contains("5/7"), "{err}");
    // The sixth makes 85.7 %: planned.
    staff
        .record_answer(c, households[5], Answer::Oppose, Channel::Paper, &ctx())
        .await
        .unwrap();
    assert!(staff.consultation(&a, c).await.unwrap().meets_threshold);
    staff
        .move_in_pool(&ctx(), &a, &[estate], PoolState::Planned, Some(2026))
        .await
        .unwrap();
    // An owner's code does not reach another estate's consultation, nor a developer's part.
    let outsider = staff
        .record_answer(
            c,
            owners.iter().find(|o| o.is_developer).unwrap().id,
            Answer::Agree,
            Channel::Staff,
            &ctx(),
        )
        .await;
    assert!(outsider.is_err());
});

db_test!(
    a_vote_is_cast_replaced_closed_published_and_recounted,
    |db| {
        let estate = an_estate(&db).await;
        let sheet = db.path("owners.xlsx");
        write_xlsx(&sheet, &register_rows(), &[]);
        let out = db.anju(&[
            "import",
            "owners",
            sheet.to_str().unwrap(),
            "--estate",
            &estate.to_string(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let staff = db.store.scoped(Scope::Division(code("340104001001")));
        let a = db
            .store
            .assessor(anju_domain::Policy::national(), 2026)
            .await
            .unwrap();
        let owners = staff.register(estate).await.unwrap();
        let codes = staff.issue_codes(estate, &ctx()).await.unwrap();
        let code_of = |id: i64| codes.iter().find(|(o, _)| *o == id).unwrap().1.clone();
        // Adding a lift to unit 1: a rebuilding matter (7), 3/4 of those taking part.
        let v = staff
            .open_vote(
                estate,
                &NewVote {
                    matter: 7,
                    title: "1栋1单元加装电梯".into(),
                    building: Some("1".into()),
                    unit: Some("1".into()),
                    closes_at: chrono::Utc::now() + chrono::Duration::days(7),
                },
                &ctx(),
            )
            .await
            .unwrap();
        let unit1: Vec<&anju_store::scoped::OwnerView> = owners
            .iter()
            .filter(|o| o.parts.iter().any(|p| p.unit == "1"))
            .collect();
        assert_eq!(unit1.len(), 4, "张三 (2 parts), 李四, 王五, 赵六");
        // An owner of unit 2 is not in the electorate.
        let outside = owners
            .iter()
            .find(|o| o.parts.iter().all(|p| p.unit == "2") && !o.is_developer)
            .unwrap();
        let h = db
            .store
            .household(&code_of(outside.id))
            .await
            .unwrap()
            .unwrap();
        assert!(h.cast(v, Choice::Agree).await.is_err());
        // Three agree online; 赵六 first agrees, then changes to oppose; 王五 votes on paper.
        for o in &unit1 {
            let h = db.store.household(&code_of(o.id)).await.unwrap().unwrap();
            h.cast(v, Choice::Agree).await.unwrap();
        }
        let zhao = unit1.iter().find(|o| o.name == "赵六").unwrap();
        db.store
            .household(&code_of(zhao.id))
            .await
            .unwrap()
            .unwrap()
            .cast(v, Choice::Oppose)
            .await
            .unwrap();
        let wang = unit1.iter().find(|o| o.name == "王五").unwrap();
        staff
            .enter_ballot(v, wang.id, Choice::Abstain, Some("No.0003".into()), &ctx())
            .await
            .unwrap();
        assert_eq!(
            staff.vote(v).await.unwrap().ballots,
            4,
            "one ballot per owner"
        );
        let trail = staff.ballot_trail(v).await.unwrap();
        assert_eq!(trail.len(), 6, "the trail keeps every ballot");

        let closed = staff.close_vote(&a, v, &ctx()).await.unwrap();
        let t = closed.result.unwrap();
        // Heads: 4 owners, all took part; area 80.05+60.10+75.33+90.00+88.88 = 394.36.
        assert_eq!(t.total.owners, 4);
        assert_eq!(t.total.area_centi_m2, 39436);
        assert_eq!(t.agree.owners, 2);
        assert_eq!(t.agree.area_centi_m2, 8005 + 6010 + 7533);
        assert!(t.quorum_met);
        assert!(!t.passed, "2 of 4 owners is below 3/4");
        // No ballot after closing.
        let late = db
            .store
            .household(&code_of(zhao.id))
            .await
            .unwrap()
            .unwrap()
            .cast(v, Choice::Agree)
            .await;
        assert!(
            matches!(late, Err(anju_store::StoreError::Conflict(_))),
            "{late:?}"
        );
        // The published files recount to the same result, and hash to the published hash.
        let (owners_csv, ballots_csv, hash) = anju_store::scoped::published_ballots(&db.store, v)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(hash, closed.ballots_sha256.unwrap());
        assert!(!owners_csv.contains("张三") && !owners_csv.contains("13812345678"));
        let (o, b) = (db.path("owners.csv"), db.path("ballots.csv"));
        std::fs::write(&o, &owners_csv).unwrap();
        std::fs::write(&b, &ballots_csv).unwrap();
        let out = db.anju(&[
            "vote",
            "recount",
            "--owners",
            o.to_str().unwrap(),
            "--ballots",
            b.to_str().unwrap(),
            "--matter",
            "7",
            "--json",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let r: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(r["passed"], false);
        assert_eq!(r["agree_owners"], 2);
        assert_eq!(r["participating_area_centi_m2"], 39436);
    }
);

db_test!(concurrent_ballots_keep_one_per_owner, |db| {
    let estate = an_estate(&db).await;
    let sheet = db.path("owners.xlsx");
    write_xlsx(&sheet, &register_rows(), &[]);
    let out = db.anju(&[
        "import",
        "owners",
        sheet.to_str().unwrap(),
        "--estate",
        &estate.to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let staff = db.store.scoped(Scope::Division(code("340104001001")));
    let a = db
        .store
        .assessor(anju_domain::Policy::national(), 2026)
        .await
        .unwrap();
    let codes = staff.issue_codes(estate, &ctx()).await.unwrap();
    let v = staff
        .open_vote(
            estate,
            &NewVote {
                matter: 5,
                title: "使用维修资金".into(),
                building: None,
                unit: None,
                closes_at: chrono::Utc::now() + chrono::Duration::days(7),
            },
            &ctx(),
        )
        .await
        .unwrap();
    // Every owner sends 20 conflicting ballots at once.
    let mut tasks = Vec::new();
    for (_, code) in &codes {
        for i in 0..20 {
            let store = db.store.clone();
            let code = code.clone();
            tasks.push(tokio::spawn(async move {
                let h = store.household(&code).await.unwrap().unwrap();
                let c = [Choice::Agree, Choice::Oppose, Choice::Abstain][i % 3];
                h.cast(v, c).await.map(|_| c)
            }));
        }
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let view = staff.vote(v).await.unwrap();
    assert_eq!(view.ballots, codes.len() as u64);
    let trail = staff.ballot_trail(v).await.unwrap();
    assert_eq!(trail.len(), codes.len() * 20);
    let closed = staff.close_vote(&a, v, &ctx()).await.unwrap();
    assert_eq!(
        closed.result.unwrap().participating.owners,
        codes.len() as i64
    );
});
