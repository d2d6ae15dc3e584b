//! The rest of the residents' part on the database, on both backends: menus of works with
//! approval ballots and their outcome (checked against a hand computation and against the rules
//! run on the exported `.pb`), contributions against the minimum per m², satisfaction surveys by
//! estate and division, public notices and the public page without login, and deliberation
//! (moderated posts, meetings, the owners' committee of a passed matter-3 vote).

use crate::db_test;
use crate::residents::registered_estate;
use anju_domain::participation::{ContributionKind, MeetingKind, Satisfaction};
use anju_domain::quantity::Money;
use anju_domain::vote::Choice;
use anju_domain::Scope;
use anju_planning::menu::{Completion, Rule};
use anju_store::scoped::{NewContribution, NewMeeting, NewMenu, NewVote};
use anju_store::{StoreError, WriteCtx};
use serde_json::{json, Value};

fn ctx() -> WriteCtx {
    WriteCtx::new("test", None)
}

fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

/// A menu of three works: A costs 600, B 500, C 400, with 1,000 yuan available.
fn three_works(rule: Rule, completion: Completion) -> NewMenu {
    NewMenu {
        title: "改造内容选择".into(),
        budget: yuan(1000),
        rule,
        completion,
        items: vec![
            ("A".into(), "加装电梯".into(), yuan(600)),
            ("B".into(), "外墙保温".into(), yuan(500)),
            ("C".into(), "充电桩".into(), yuan(400)),
        ],
    }
}

db_test!(a_menu_funds_what_households_chose_by_its_rule, |db| {
    let (estate, staff, _) = registered_estate(&db).await;
    let codes = staff.issue_codes(estate, &ctx()).await.unwrap();
    assert_eq!(codes.len(), 7, "seven households, the developer excepted");
    let greedy = staff
        .open_menu(estate, &three_works(Rule::Greedy, Completion::None), &ctx())
        .await
        .unwrap();
    let mes = staff
        .open_menu(
            estate,
            &three_works(Rule::EqualShares, Completion::Greedy),
            &ctx(),
        )
        .await
        .unwrap();
    // Four households want A; three want B and C. The first household first picks B, then
    // changes its mind while the menu is open: only its last ballot counts.
    for (i, (owner, code)) in codes.iter().enumerate() {
        let wants: Vec<String> = if i < 4 {
            vec!["A".into()]
        } else {
            vec!["B".into(), "C".into()]
        };
        for menu in [greedy, mes] {
            if i == 0 {
                let h = db.store.household(code).await.unwrap().unwrap();
                h.approve(menu, &["B".into()]).await.unwrap();
                h.approve(menu, &wants).await.unwrap();
            } else if i % 2 == 0 {
                let h = db.store.household(code).await.unwrap().unwrap();
                h.approve(menu, &wants).await.unwrap();
            } else {
                staff
                    .enter_menu_ballots(menu, &[(*owner, wants.clone())], &ctx())
                    .await
                    .unwrap();
            }
        }
    }
    // An item the menu does not have, and an empty ballot, are refused.
    let h = db.store.household(&codes[0].1).await.unwrap().unwrap();
    let bad = h.approve(greedy, &["Z".into()]).await;
    assert!(
        matches!(bad, Err(StoreError::Invalid(ref m)) if m.contains("Z")),
        "{bad:?}"
    );
    let bad = h.approve(greedy, &[]).await;
    assert!(matches!(bad, Err(StoreError::Invalid(_))), "{bad:?}");

    // Greedy: A (4 approvals, 600) fits; B (500) does not fit in the 400 left; C (400) does.
    let g = staff.close_menu(greedy, &ctx()).await.unwrap();
    assert_eq!(
        g.selected.as_deref(),
        Some(&["A".to_string(), "C".to_string()][..])
    );
    assert_eq!(g.spent, Some(yuan(1000)));
    let why: Vec<(Option<usize>, Option<bool>)> =
        g.items.iter().map(|i| (i.approvals, i.funded)).collect();
    assert_eq!(
        why,
        [
            (Some(4), Some(true)),
            (Some(3), Some(false)),
            (Some(3), Some(true))
        ]
    );
    assert!(g.items[1].why.as_ref().unwrap().zh.contains("400.00"));
    // Equal shares: each household holds 1000/7; A's four hold 571.43 < 600, B's three 428.57
    // < 500, C's three 428.57 ≥ 400: C alone, then the greedy completion adds A with the 600 left.
    let m = staff.close_menu(mes, &ctx()).await.unwrap();
    assert_eq!(
        m.selected.as_deref(),
        Some(&["C".to_string(), "A".to_string()][..])
    );
    // The same rules on the menu as exported give the same outcome.
    let (_, b) = staff.menu_instance(mes).await.unwrap();
    let out = anju_planning::menu::solve(&b.menu, Rule::EqualShares, Completion::Greedy);
    let ids: Vec<&str> = out
        .selected
        .iter()
        .map(|&i| b.menu.items[i].id.as_str())
        .collect();
    assert_eq!(ids, ["C", "A"]);
    // Closed: no more ballots, no second close.
    let late = h.approve(mes, &["A".into()]).await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
    assert!(matches!(
        staff.close_menu(mes, &ctx()).await,
        Err(StoreError::Conflict(_))
    ));
    // A menu must make sense: a repeated code, a zero cost.
    let mut bad = three_works(Rule::Greedy, Completion::None);
    bad.items[2].0 = "A".into();
    let r = staff.open_menu(estate, &bad, &ctx()).await;
    assert!(
        matches!(r, Err(StoreError::Invalid(ref m)) if m.contains("第3项")),
        "{r:?}"
    );
    let mut bad = three_works(Rule::Greedy, Completion::None);
    bad.items[1].2 = Money::ZERO;
    assert!(matches!(
        staff.open_menu(estate, &bad, &ctx()).await,
        Err(StoreError::Invalid(_))
    ));
});

db_test!(contributions_are_checked_against_the_minimum_per_m2, |db| {
    let (estate, staff, a) = registered_estate(&db).await;
    // 18,000 m² of floor area at 1 yuan/m²: 18,000.00 yuan.
    let v = staff.contributions(&a, estate).await.unwrap();
    assert_eq!(v.check.required, yuan(18_000));
    assert!(!v.met);
    let households: Vec<i64> = v.households.iter().map(|h| h.owner_id).collect();
    assert_eq!(households.len(), 7);
    let receipt = |owner: Option<i64>, kind, fen: i64, no: &str| NewContribution {
        owner_id: owner,
        kind,
        amount: Money::from_fen(fen),
        receipt_no: no.into(),
        received_on: chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
        note: None,
    };
    // A stack of receipts is stored all or none: one with a repeated number stores nothing.
    let stack = [
        receipt(
            Some(households[0]),
            ContributionKind::Money,
            1_000_000,
            "R001",
        ),
        receipt(
            Some(households[1]),
            ContributionKind::MaintenanceFund,
            500_000,
            "R002",
        ),
        receipt(None, ContributionKind::PublicIncome, 299_999, "R003"),
    ];
    let twice = [stack[0].clone(), stack[0].clone()];
    let r = staff.record_contributions(estate, &twice, &ctx()).await;
    assert!(
        matches!(r, Err(StoreError::Conflict(ref m)) if m.contains("R001")),
        "{r:?}"
    );
    assert_eq!(
        staff
            .contributions(&a, estate)
            .await
            .unwrap()
            .check
            .collected,
        Money::ZERO
    );
    let ids = staff
        .record_contributions(estate, &stack, &ctx())
        .await
        .unwrap();
    assert_eq!(ids.len(), 3);
    // The same receipt twice would count the money twice.
    let again = staff
        .record_contributions(
            estate,
            &[receipt(
                Some(households[2]),
                ContributionKind::Money,
                100,
                "R001",
            )],
            &ctx(),
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(ref m)) if m.contains("R001")),
        "{again:?}"
    );
    for bad in [
        receipt(Some(households[2]), ContributionKind::Money, 0, "R009"),
        receipt(Some(households[2]), ContributionKind::Money, 100, "  "),
        receipt(Some(999_999), ContributionKind::Money, 100, "R010"),
    ] {
        let r = staff.record_contributions(estate, &[bad], &ctx()).await;
        assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
    }
    let v = staff.contributions(&a, estate).await.unwrap();
    assert_eq!(v.check.collected, Money::from_fen(1_799_999));
    assert!(!v.met);
    assert_eq!(v.short, Money::from_fen(1));
    // One fen more meets it exactly ("不低于").
    staff
        .record_contributions(
            estate,
            &[receipt(
                Some(households[2]),
                ContributionKind::Labour,
                1,
                "R004",
            )],
            &ctx(),
        )
        .await
        .unwrap();
    let v = staff.contributions(&a, estate).await.unwrap();
    assert!(v.met, "{:?}", v.check);
    assert_eq!(v.short, Money::ZERO);
    assert_eq!(v.by_kind.len(), 4);
    let first = v
        .households
        .iter()
        .find(|h| h.owner_id == households[0])
        .unwrap();
    assert_eq!(first.paid, yuan(10_000));
    // Its share: its area (80.05 + 60.10 m²) at 1 yuan/m².
    assert_eq!(first.due, Money::from_fen(14_015));
    // Each receipt is audited.
    let audited = db
        .store
        .history("contribution", &v.receipts[0].id.to_string())
        .await
        .unwrap();
    assert_eq!(audited.len(), 1);
    // The staff of the street next door see none of it.
    let sibling = db.store.scoped(Scope::Division(short("340104002")));
    assert!(matches!(
        sibling.contributions(&a, estate).await,
        Err(StoreError::NotFound(_))
    ));
});

db_test!(
    a_survey_counts_each_household_once_by_estate_and_division,
    |db| {
        let (estate, staff, _) = registered_estate(&db).await;
        let codes = staff.issue_codes(estate, &ctx()).await.unwrap();
        let s = staff
            .open_survey(estate, "改造完成满意度调查", &ctx())
            .await
            .unwrap();
        let ratings = [
            Satisfaction::Satisfied,
            Satisfaction::Satisfied,
            Satisfaction::Basically,
            Satisfaction::Dissatisfied,
        ];
        for (i, r) in ratings.iter().enumerate() {
            let h = db.store.household(&codes[i].1).await.unwrap().unwrap();
            h.rate(s, *r, Some("楼道灯很好")).await.unwrap();
        }
        // Once per household, whatever the channel.
        let again = staff
            .record_rating(s, codes[0].0, Satisfaction::Dissatisfied, None, &ctx())
            .await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        // A stack of paper forms with one household that already answered stores none of them.
        let stack = [
            (codes[4].0, Satisfaction::Satisfied, None),
            (codes[1].0, Satisfaction::Satisfied, None),
        ];
        let r = staff.record_ratings(s, &stack, &ctx()).await;
        assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
        assert_eq!(staff.surveys(estate).await.unwrap()[0].count.answered, 4);
        staff
            .record_rating(s, codes[4].0, Satisfaction::Satisfied, None, &ctx())
            .await
            .unwrap();
        let v = &staff.surveys(estate).await.unwrap()[0];
        assert_eq!(
            (v.count.answered, v.count.households, v.count.dissatisfied),
            (5, 7, 1)
        );
        assert_eq!(v.satisfaction_pct, Some(80.0));
        assert_eq!(v.comments.len(), 4);
        staff.close_survey(s, &ctx()).await.unwrap();
        let h = db.store.household(&codes[5].1).await.unwrap().unwrap();
        let late = h.rate(s, Satisfaction::Satisfied, None).await;
        assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
        // By division: the county sees its street, the street its neighbourhood.
        let county = db.store.scoped(Scope::Division(short("340104")));
        let r = county.satisfaction(None).await.unwrap();
        assert_eq!(r.total.answered, 5);
        assert_eq!(r.by_division.len(), 1);
        assert_eq!(r.by_division[0].id, "340104001000");
        assert_eq!(r.by_estate[0].satisfaction_pct, Some(80.0));
        // The street next door sees nothing, and cannot ask for this one.
        let sibling = db.store.scoped(Scope::Division(short("340104002")));
        assert_eq!(sibling.satisfaction(None).await.unwrap().total.answered, 0);
        assert!(matches!(
            sibling.satisfaction(Some(&short("340104001"))).await,
            Err(StoreError::NotFound(_))
        ));
    }
);

db_test!(
    the_owners_committee_comes_from_a_passed_matter_3_vote,
    |db| {
        let (estate, staff, a) = registered_estate(&db).await;
        let open = |matter| NewVote {
            matter,
            title: "选举业主委员会".into(),
            building: None,
            unit: None,
            closes_at: chrono::Utc::now() + chrono::Duration::days(7),
        };
        let elect = staff.open_vote(estate, &open(3), &ctx()).await.unwrap();
        let other = staff.open_vote(estate, &open(5), &ctx()).await.unwrap();
        let owners = staff.register(estate).await.unwrap();
        for (i, o) in owners.iter().filter(|o| !o.is_developer).enumerate() {
            staff
                .enter_ballot(elect, o.id, Choice::Agree, Some(format!("{i:03}")), &ctx())
                .await
                .unwrap();
        }
        let members = vec![
            ("张三".to_string(), "主任".to_string()),
            ("李四".to_string(), String::new()),
        ];
        // Not before it is closed and passed, and never from another matter.
        let early = staff.record_committee(elect, &members, &ctx()).await;
        assert!(matches!(early, Err(StoreError::Conflict(_))), "{early:?}");
        staff.close_vote(&a, elect, &ctx()).await.unwrap();
        staff.close_vote(&a, other, &ctx()).await.unwrap();
        let wrong = staff.record_committee(other, &members, &ctx()).await;
        assert!(
            matches!(wrong, Err(StoreError::Invalid(ref m)) if m.contains("事项3")),
            "{wrong:?}"
        );
        staff
            .record_committee(elect, &members, &ctx())
            .await
            .unwrap();
        // A meeting records the decision and the vote it called.
        staff
            .record_meeting(
                estate,
                &NewMeeting {
                    kind: MeetingKind::FourParty,
                    title: "四位一体联席会".into(),
                    held_at: chrono::Utc::now(),
                    place: "社区活动室".into(),
                    agenda: "成立业主大会".into(),
                    attendance: "社区党委\n居委会\n\n物业服务企业".into(),
                    minutes: "同意筹备选举".into(),
                    decisions: "发起选举业主委员会的表决".into(),
                    vote_id: Some(elect),
                },
                &ctx(),
            )
            .await
            .unwrap();
        let d = staff.deliberation(estate).await.unwrap();
        assert_eq!(d.meetings[0].attendees, 3);
        assert_eq!(d.meetings[0].vote_id, Some(elect));
        let k = d.committee.unwrap();
        assert_eq!(k.vote_id, elect);
        assert_eq!(
            k.members,
            [
                ("张三".to_string(), "主任".to_string()),
                ("李四".to_string(), "委员".to_string())
            ]
        );
        // A meeting cannot claim a vote of another estate.
        let r = staff
            .record_meeting(
                estate,
                &NewMeeting {
                    kind: MeetingKind::Council,
                    title: "议事会".into(),
                    held_at: chrono::Utc::now(),
                    place: String::new(),
                    agenda: String::new(),
                    attendance: String::new(),
                    minutes: String::new(),
                    decisions: String::new(),
                    vote_id: Some(elect + 1000),
                },
                &ctx(),
            )
            .await;
        assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
    }
);

db_test!(notices_the_board_and_the_public_page_over_http, |db| {
    use crate::http::{client, login, spawn_app};
    let app = spawn_app(&db).await;
    let estate = app.hefei_estate;
    let all = db.store.scoped(Scope::All);
    crate::support::register_two(&db.store, estate, ["张三", "李四"]).await;
    let codes = all.issue_codes(estate, &ctx()).await.unwrap();
    let (county, csrf) = login(&app, "county-340104").await;
    let post = |path: String, body: Value| {
        county
            .post(format!("{}{path}", app.base))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
    };
    // Notices: published, then one withdrawn with its reason.
    let r = post(
        format!("/api/v1/estates/{estate}/notices"),
        json!({"kind": "scheme", "title": "改造方案公示", "body": "更换供水管网\n外墙保温"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    let r = post(
        format!("/api/v1/estates/{estate}/notices"),
        json!({"kind": "budget", "title": "资金预算", "body": "总投资 320 万元"}),
    )
    .await
    .unwrap();
    let budget: Value = r.json().await.unwrap();
    let r = post(
        format!("/api/v1/notices/{}/withdraw", budget["id"]),
        json!({"reason": "预算有误，重新核算后再公示"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::NO_CONTENT);
    let r = post(
        format!("/api/v1/estates/{estate}/notices"),
        json!({"kind": "gossip", "title": "x", "body": "y"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("works_board"));
    // A meeting whose attendance names a resident: public in its decisions, not its people.
    let r = post(
        format!("/api/v1/estates/{estate}/meetings"),
        json!({"kind": "council", "title": "居民议事会", "held_at": "2026-06-01 19:00",
               "attendance": "张三\n社区居委会", "decisions": "同意加装电梯"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    // A contribution and a menu through the API, amounts in yuan as text.
    let r = post(
        format!("/api/v1/estates/{estate}/contributions"),
        json!({"kind": "维修资金", "amount": "1,234.56", "receipt_no": "A-1", "received_on": "2026-06-01", "owner_id": codes[0].0}),
    )
    .await
    .unwrap();
    assert_eq!(
        r.status(),
        reqwest::StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let r = post(
        format!("/api/v1/estates/{estate}/menus"),
        json!({"title": "选菜单", "budget": "1000", "rule": "mes", "completion": "greedy",
               "items": [{"code": "A", "name": "加装电梯", "cost": "600"}, {"code": "C", "name": "充电桩", "cost": "400.5"}]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    let menu: Value = r.json().await.unwrap();
    // A household approves online with its code; its estate's board takes its proposal.
    let owner =
        |r: reqwest::RequestBuilder| r.header("authorization", format!("Owner {}", codes[0].1));
    let r = owner(client().post(format!(
        "{}/api/v1/my/menus/{}/ballot",
        app.base, menu["id"]
    )))
    .json(&json!({"items": ["A"]}))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::NO_CONTENT);
    let r = owner(client().post(format!("{}/api/v1/my/posts", app.base)))
        .json(&json!({"body": "希望保留小区里的老槐树"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    let proposal: Value = r.json().await.unwrap();
    let r = owner(client().post(format!("{}/api/v1/my/posts", app.base)))
        .json(&json!({"parent_id": proposal["id"], "body": "广告：低价装修"}))
        .send()
        .await
        .unwrap();
    let spam: Value = r.json().await.unwrap();
    let r = post(
        format!("/api/v1/posts/{}/hide", spam["id"]),
        json!({"reason": "与改造无关的广告"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::NO_CONTENT);
    // Staff read the hidden post; the household sees only the reason.
    let d: Value = county
        .get(format!("{}/api/v1/estates/{estate}/deliberation", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["posts"][1]["body"], "广告：低价装修");
    assert_eq!(d["posts"][0]["author"], "1-1-101 住户");
    let mine: Value = owner(client().get(format!("{}/api/v1/my", app.base)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["posts"][1]["body"], "");
    assert_eq!(mine["posts"][1]["hidden_reason"], "与改造无关的广告");
    assert_eq!(mine["menus"][0]["my_items"], json!(["A"]));
    assert_eq!(mine["contributions"][0]["amount"], 123456);
    // Another estate's menu is not the household's.
    let r = owner(client().post(format!(
        "{}/api/v1/my/menus/{}/ballot",
        app.base,
        menu["id"].as_i64().unwrap() + 1000
    )))
    .json(&json!({"items": ["A"]}))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::NOT_FOUND);
    // The household's page on a phone shows the menu, its contribution and the board.
    let html = client()
        .get(format!("{}/my/{}", app.base, codes[0].1))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("加装电梯") && html.contains("1234.56") && html.contains("老槐树"));
    assert!(html.contains("与改造无关的广告") && !html.contains("低价装修"));
    // The menu closes; its .pb export reads back to the same outcome.
    let r = post(format!("/api/v1/menus/{}/close", menu["id"]), json!({}))
        .await
        .unwrap();
    let closed: Value = r.json().await.unwrap();
    assert_eq!(closed["selected"], json!(["A"]));
    let pb = county
        .get(format!("{}/api/v1/menus/{}/pb", app.base, menu["id"]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let i = anju_io::pabulib::read("menu.pb", &pb).unwrap();
    let out = anju_planning::menu::solve(&i.menu, Rule::EqualShares, Completion::Greedy);
    assert_eq!(out.selected.len(), 1);
    assert_eq!(i.menu.items[out.selected[0]].id, "A");
    assert!(!pb.contains("张三"));
    // The public page, without logging in: the scheme, the withdrawal's reason, the menu's
    // outcome, the contributions — and no personal data.
    let html = client()
        .get(format!("{}/public/estates/{estate}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for want in [
        "改造方案公示",
        "外墙保温",
        "预算有误，重新核算后再公示",
        "加装电梯",
        "1234.56",
    ] {
        assert!(html.contains(want), "{want}: {html}");
    }
    for never in ["总投资 320 万元", "张三", "13812345678", "老槐树"] {
        assert!(!html.contains(never), "{never}");
    }
    let v: Value = client()
        .get(format!("{}/api/v1/public/estates/{estate}", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["notices"].as_array().unwrap().len(), 2);
    assert!(!v.to_string().contains("张三"), "{v}");
    assert_eq!(v["contributions"]["collected"], 123456);
    let r = client()
        .get(format!("{}/public/estates/999999", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::NOT_FOUND);
    // Staff work from the participation page's forms too.
    let (page, page_csrf) = crate::pages::page_login(&app, "county-340104").await;
    let r = page
        .post(format!(
            "{}/estates/{estate}/participation/survey",
            app.base
        ))
        .form(&[("csrf", page_csrf.as_str()), ("title", "满意度调查")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("/estates/{estate}/participation").as_str()
    );
    let r = page
        .post(format!(
            "{}/estates/{estate}/participation/contribution",
            app.base
        ))
        .form(&[
            ("csrf", page_csrf.as_str()),
            ("kind", "money"),
            ("amount", "12.3.4"),
            ("receipt_no", "A-2"),
            ("received_on", "2026-06-02"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("12.3.4"), "{html}");
    let html = page
        .get(format!("{}/estates/{estate}/participation", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for want in [
        "满意度调查",
        "改造方案公示",
        "老槐树",
        "低价装修",
        "1234.56",
    ] {
        assert!(html.contains(want), "{want}");
    }
    let html = page
        .get(format!("{}/menus/{}", app.base, menu["id"]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("入选") && html.contains("600.00"), "{html}");
});

fn short(s: &str) -> anju_domain::DivisionCode {
    anju_domain::DivisionCode::parse_short(s).unwrap()
}
