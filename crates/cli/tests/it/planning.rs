//! Planning on the database: needs (derived and from a sheet), estimates, priorities, the
//! reserve pool and its gate, the annual plan and its sheet — end to end, on both backends.

use crate::db_test;
use crate::support::*;

/// Three eligible estates in 蜀山区 and one too new to be eligible; returns their ids by name.
async fn four_estates(db: &TestDb) -> std::collections::HashMap<String, i64> {
    let sheet = db.path("survey.xlsx");
    write_xlsx(
        &sheet,
        &[
            estate_header(),
            estate_row("甲小区", 1985.0, 4.0, 200.0, 18000.0),
            estate_row("乙小区", 1990.0, 6.0, 300.0, 27000.0),
            estate_row("丙小区", 1995.0, 2.0, 80.0, 7200.0),
            estate_row("新小区", 2012.0, 3.0, 150.0, 13000.0),
        ],
        &[],
    );
    let out = db.anju(&["import", "estates", sheet.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let all = db
        .store
        .scoped(anju_domain::Scope::All)
        .estates_after(None, None, 0, 100)
        .await
        .unwrap();
    all.into_iter().map(|m| (m.name, m.id)).collect()
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    serde_json::from_str(&stdout(out)).unwrap()
}

fn needs_header() -> Vec<C> {
    [
        "行政区划代码",
        "小区名称",
        "改造内容",
        "数量",
        "存在安全隐患",
        "备注",
    ]
    .into_iter()
    .map(S)
    .collect()
}

db_test!(
    needs_estimates_and_priorities_from_the_data_and_a_sheet,
    |db| {
        let ids = four_estates(&db).await;
        let id = |n: &str| ids[n].to_string();
        let before = json(&db.anju(&["plan", "needs", &id("乙小区"), "--json"]));
        // Derived from the estate's data, marked so, and the estimate is the sum of its lines.
        let needs = before["needs"].as_array().unwrap();
        assert!(needs.iter().all(|n| n["origin"] == "derived"));
        let gas = needs.iter().find(|n| n["item"] == "gas").unwrap();
        assert_eq!(gas["quantity_centi"], 30_000, "one per household");
        let est = &before["estimate"];
        let lines: i64 = est["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["amount"].as_i64().unwrap())
            .sum();
        assert_eq!(lines, est["total"].as_i64().unwrap());
        let per_m2 = est["total"].as_i64().unwrap() as f64 / 100.0 / 27_000.0;
        assert!((150.0..=500.0).contains(&per_m2), "{per_m2} yuan/m²");
        // The priority's parts add up to the score.
        let pr = &before["priority"];
        let parts: f64 = pr["contributions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["points"].as_f64().unwrap())
            .sum();
        assert!((parts - pr["score"].as_f64().unwrap()).abs() < 1e-9);

        // A sheet with an unknown item stores nothing and names the line.
        let sheet = db.path("needs.xlsx");
        write_xlsx(
            &sheet,
            &[
                needs_header(),
                vec![
                    S("340104001001"),
                    S("乙小区"),
                    S("燃气管道改造"),
                    N(0.0),
                    E,
                    S("已通天然气"),
                ],
                vec![
                    S("340104001001"),
                    S("乙小区"),
                    S("飞行器停机坪"),
                    N(1.0),
                    E,
                    E,
                ],
            ],
            &[],
        );
        let out = db.anju(&["import", "needs", sheet.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
        assert!(stderr(&out).contains("第3行"), "{}", stderr(&out));
        let same = json(&db.anju(&["plan", "needs", &id("乙小区"), "--json"]));
        assert_eq!(same["estimate"], before["estimate"], "nothing stored");
        // An estate that does not exist is named too.
        write_xlsx(
            &sheet,
            &[
                needs_header(),
                vec![S("340104001001"), S("无此小区"), S("gas"), N(1.0), E, E],
            ],
            &[],
        );
        let out = db.anju(&["import", "needs", sheet.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(3));
        assert!(stderr(&out).contains("无此小区"), "{}", stderr(&out));

        // The good sheet: gas not needed, drainage a hazard, lifts voted for two units.
        write_xlsx(
            &sheet,
            &[
                needs_header(),
                vec![
                    S("340104001001"),
                    S("乙小区"),
                    S("燃气管道改造"),
                    N(0.0),
                    E,
                    S("已通天然气"),
                ],
                vec![
                    S("340104001001"),
                    S("乙小区"),
                    S("drainage"),
                    N(300.0),
                    S("是"),
                    E,
                ],
                vec![S("340104001001"), S("乙小区"), S("加装电梯"), N(2.0), E, E],
            ],
            &[],
        );
        let out = db.anju(&["import", "needs", sheet.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let after = json(&db.anju(&["plan", "needs", &id("乙小区"), "--json"]));
        let lines = after["estimate"]["lines"].as_array().unwrap();
        assert!(!lines.iter().any(|l| l["item"] == "gas"), "not needed");
        let lift = lines.iter().find(|l| l["item"] == "lift").unwrap();
        assert_eq!(lift["amount"], 2 * 450_000 * 100);
        let drainage = after["needs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["item"] == "drainage")
            .unwrap();
        assert_eq!(
            (drainage["origin"].as_str(), drainage["hazard"].as_bool()),
            (Some("sheet"), Some(true))
        );
        assert!(
            after["priority"]["score"].as_f64().unwrap()
                > before["priority"]["score"].as_f64().unwrap(),
            "a hazard raises the priority"
        );
        // Audited, one row per need, naming the sheet.
        let (trail, _) = db
            .store
            .scoped(anju_domain::Scope::All)
            .audit(Some("needs.xlsx"), 1, 100)
            .await
            .unwrap();
        let needs: Vec<_> = trail.iter().filter(|r| r.entity == "need").collect();
        assert_eq!(needs.len(), 3, "{trail:?}");
    }
);

db_test!(
    the_annual_plan_from_the_pool_keeps_its_budget_and_writes_the_province_sheet,
    |db| {
        let ids = four_estates(&db).await;
        let pool = json(&db.anju(&["plan", "pool", "--json"]));
        let rows = pool.as_array().unwrap();
        assert_eq!(rows.len(), 3, "the new estate is not in the pool: {pool}");
        let cost = |name: &str| {
            rows.iter().find(|r| r["name"] == name).unwrap()["estimate"]
                .as_i64()
                .unwrap()
        };
        // A budget for 甲 and 丙 but not all three.
        let budget_yuan = (cost("甲小区") + cost("丙小区")) / 100 + 1000;
        assert!(budget_yuan * 100 < cost("甲小区") + cost("乙小区") + cost("丙小区"));
        let xlsx = db.path("plan.xlsx");
        let v = json(&db.anju(&[
            "plan",
            "--year",
            "2027",
            "--budget",
            &budget_yuan.to_string(),
            "--out",
            xlsx.to_str().unwrap(),
            "--json",
        ]));
        assert!(v["cost"].as_i64().unwrap() <= budget_yuan);
        assert!(v["bound"].as_f64().unwrap() + 1e-9 >= v["objective"].as_f64().unwrap());
        let selected: Vec<i64> = v["selected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().parse().unwrap())
            .collect();
        assert!(!selected.is_empty() && selected.len() < 3);
        assert_eq!(
            v["why"].as_array().unwrap().len(),
            3,
            "every candidate has its reason"
        );
        // The sheet: the published layout, its 合计 and 全市小计, and one project line per estate.
        let book = anju_io::read_grid(&xlsx).unwrap();
        let cells: Vec<Vec<String>> = book
            .range
            .rows()
            .map(|r| r.iter().map(anju_io::value::display).collect())
            .collect();
        assert_eq!(
            cells[2][..8],
            [
                "序号",
                "城市",
                "县(市、区)",
                "项目数量",
                "小区数(个)",
                "楼栋数(栋)",
                "户数(户)",
                "建筑面积(万平方米)"
            ]
        );
        assert_eq!(cells[3][1], "合计");
        assert_eq!(cells[3][4], selected.len().to_string());
        assert_eq!(
            (cells[4][1].as_str(), cells[4][2].as_str()),
            ("合肥市", "全市小计")
        );
        assert_eq!(cells[5][2], "其中：1.蜀山区");
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
        use calamine::Reader;
        let projects = wb.worksheet_range("项目清单").unwrap();
        assert_eq!(projects.height(), 1 + selected.len());

        // Committing an estate outside the pool is an error naming it; nothing is adopted.
        let out = db.anju(&[
            "plan",
            "--year",
            "2027",
            "--budget",
            "1",
            "--commit",
            &ids["新小区"].to_string(),
        ]);
        assert_eq!(out.status.code(), Some(3));
        assert!(
            stderr(&out).contains(&ids["新小区"].to_string()),
            "{}",
            stderr(&out)
        );
        // Committed estates over the budget: infeasible, said plainly.
        let out = db.anju(&[
            "plan",
            "--year",
            "2027",
            "--budget",
            "1",
            "--commit",
            &ids["乙小区"].to_string(),
        ]);
        assert_eq!(out.status.code(), Some(3));
        assert!(stderr(&out).contains("超过预算"), "{}", stderr(&out));

        // Adopted: the chosen estates are planned for 2027, and the next run keeps them in.
        let out = db.anju(&[
            "plan",
            "--year",
            "2027",
            "--budget",
            &budget_yuan.to_string(),
            "--adopt",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let pool = json(&db.anju(&["plan", "pool", "--json"]));
        let planned: Vec<i64> = pool
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["state"] == "planned")
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        assert_eq!(planned.len(), selected.len());
        let again = json(&db.anju(&[
            "plan",
            "--year",
            "2027",
            "--budget",
            &budget_yuan.to_string(),
            "--exclude",
            &planned[0].to_string(),
            "--json",
        ]));
        assert!(!again["selected"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == &planned[0].to_string()));
        let kept = planned.get(1).or(planned.first()).unwrap().to_string();
        if planned.len() > 1 {
            let why = again["why"]
                .as_array()
                .unwrap()
                .iter()
                .find(|w| w["id"] == kept)
                .unwrap()
                .clone();
            assert_eq!(why["why"], "必须纳入", "{why}");
        }

        // A schedule over two years with a budget that covers all does them all.
        let total: i64 = pool
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["estimate"].as_i64().unwrap())
            .sum();
        let v = json(&db.anju(&[
            "plan",
            "--year",
            "2028",
            "--budget",
            &(total / 100).to_string(),
            "--years",
            "2",
            "--json",
        ]));
        assert_eq!(v["unscheduled"].as_array().unwrap().len(), 0, "{v}");
    }
);

db_test!(the_pool_gate_refuses_estates_that_are_not_ready, |db| {
    let ids = four_estates(&db).await;
    let all = db.store.scoped(anju_domain::Scope::All);
    let a = db
        .store
        .assessor(anju_domain::Policy::national(), 2026)
        .await
        .unwrap();
    let ctx = anju_store::WriteCtx::new("test", None);
    use anju_domain::pool::PoolState;
    let e = all
        .move_in_pool(
            &ctx,
            &a,
            &[ids["甲小区"], ids["新小区"]],
            PoolState::Planned,
            Some(2027),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("新小区") && e.contains("不能列入计划"), "{e}");
    // All or nothing: 甲 was not moved either.
    let p = all
        .planning(ids["甲小区"], &anju_domain::Policy::national(), 2026)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.state, PoolState::Reserved);
    let e = all
        .move_in_pool(&ctx, &a, &[ids["甲小区"]], PoolState::Implementing, None)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("须先列入年度计划"), "{e}");
    assert_eq!(
        all.move_in_pool(&ctx, &a, &[ids["甲小区"]], PoolState::Planned, Some(2027))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        all.move_in_pool(&ctx, &a, &[ids["甲小区"]], PoolState::Implementing, None)
            .await
            .unwrap(),
        1
    );
    let p = all
        .planning(ids["甲小区"], &anju_domain::Policy::national(), 2026)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (p.state, p.plan_year),
        (PoolState::Implementing, Some(2027))
    );
    // An outsider in a sibling county sees none of it.
    let sibling = db.store.scoped(anju_domain::Scope::Division(
        anju_domain::DivisionCode::parse_short("340103").unwrap(),
    ));
    assert!(sibling
        .planning(ids["甲小区"], &anju_domain::Policy::national(), 2026)
        .await
        .unwrap()
        .is_none());
    assert!(sibling.pool(&a, None).await.unwrap().is_empty());
    assert!(sibling
        .move_in_pool(&ctx, &a, &[ids["乙小区"]], PoolState::Planned, Some(2027))
        .await
        .is_err());
});

db_test!(planning_through_the_api_and_the_pages, |db| {
    use crate::http::{login, spawn_app};
    use reqwest::StatusCode;
    use serde_json::{json, Value};
    let app = spawn_app(&db).await;
    let id = app.hefei_estate;
    let (c, csrf) = login(&app, "county-340104").await;
    let get = |c: &reqwest::Client, path: &str| c.get(format!("{}{path}", app.base)).send();
    // The pool: 梅山小区 and 绩溪新村 (新世纪花园 of 2008 is not eligible), with estimates.
    let pool: Value = get(&c, "/api/v1/pool").await.unwrap().json().await.unwrap();
    assert_eq!(pool["total"], 2, "{pool}");
    assert!(pool["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["estimate_fen"].as_i64().unwrap() > 0));
    // Recording a need: gas not needed.
    let r = c
        .put(format!("{}/api/v1/estates/{id}/needs/gas", app.base))
        .header("x-csrf-token", &csrf)
        .json(&json!({"quantity": 0, "note": "已通天然气"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let d: Value = r.json().await.unwrap();
    let gas = d["needs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["item"] == "gas")
        .unwrap()
        .clone();
    assert_eq!(
        (gas["origin"].as_str(), gas["amount_fen"].is_null()),
        (Some("entered"), true)
    );
    let lines: i64 = d["needs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["amount_fen"].as_i64())
        .sum();
    assert_eq!(
        lines,
        d["estimate_fen"].as_i64().unwrap(),
        "the estimate is the sum of its lines"
    );
    // An unknown item, a negative quantity: 422; a department may not record needs: 403.
    for (item, q) in [("helipad", 1.0), ("gas", -1.0)] {
        let r = c
            .put(format!("{}/api/v1/estates/{id}/needs/{item}", app.base))
            .header("x-csrf-token", &csrf)
            .json(&json!({"quantity": q}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{item}");
    }
    let (dept, dept_csrf) = login(&app, "dept-340104").await;
    let r = dept
        .put(format!("{}/api/v1/estates/{id}/needs/gas", app.base))
        .header("x-csrf-token", &dept_csrf)
        .json(&json!({"quantity": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Back to derived.
    let r = c
        .delete(format!("{}/api/v1/estates/{id}/needs/gas", app.base))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    let d: Value = r.json().await.unwrap();
    let gas = d["needs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["item"] == "gas")
        .unwrap()
        .clone();
    assert_eq!(gas["origin"], "derived");
    // The plan: a budget for one estate; a department may solve but not adopt.
    let one = pool["items"][0]["estimate_fen"].as_i64().unwrap() / 100 + 1;
    let body = json!({"year": 2027, "budget": one, "adopt": true});
    let r = dept
        .post(format!("{}/api/v1/plans", app.base))
        .header("x-csrf-token", &dept_csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post(format!("{}/api/v1/plans", app.base))
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let plan: Value = r.json().await.unwrap();
    assert_eq!(plan["selected"].as_array().unwrap().len(), 1, "{plan}");
    assert!(plan["cost"].as_i64().unwrap() <= one);
    assert!(plan["gap"].as_f64().unwrap() >= 0.0);
    assert_eq!(plan["why"].as_array().unwrap().len(), 2);
    let planned: Value = get(&c, "/api/v1/pool?state=planned")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(planned["total"], 1);
    // The pages.
    let (page, page_csrf) = crate::pages::page_login(&app, "county-340104").await;
    for (path, has) in [
        ("/planning".to_string(), "梅山小区"),
        (format!("/estates/{id}/needs"), "优先级"),
        ("/planning/catalogue".to_string(), "加装电梯"),
        (
            format!("/planning/plan?year=2027&budget={}", one as f64 / 10_000.0),
            "map-plan",
        ),
    ] {
        let r = page
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert!(r.text().await.unwrap().contains(has), "{path}");
    }
    let r = page
        .get(format!(
            "{}/planning/plan.xlsx?year=2027&budget=1000",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    let r = page
        .post(format!("{}/estates/{id}/needs", app.base))
        .form(&[
            ("csrf", page_csrf.as_str()),
            ("item", "lift"),
            ("quantity", "2"),
            ("in_list", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let d: Value = get(&c, &format!("/api/v1/estates/{id}/needs"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let lift = d["needs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["item"] == "lift")
        .unwrap()
        .clone();
    assert_eq!(lift["amount_fen"], 2 * 450_000 * 100);
});

db_test!(
    bundles_are_proposed_saved_balanced_and_planned_whole,
    |db| {
        let ids = four_estates(&db).await;
        // The three eligible estates stand at the same place in one street: one proposal.
        let v = json(&db.anju(&["plan", "bundles", "--propose", "--json"]));
        assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
        let mut members: Vec<i64> = ["甲小区", "乙小区", "丙小区"]
            .iter()
            .map(|n| ids[*n])
            .collect();
        members.sort();
        assert_eq!(v[0]["members"], serde_json::json!(members));
        let out = db.anju(&["plan", "bundles", "--propose", "--save"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let list = json(&db.anju(&["plan", "bundles", "--json"]));
        let b = &list[0];
        let pool = json(&db.anju(&["plan", "pool", "--json"]));
        let total: i64 = pool
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["estimate"].as_i64().unwrap())
            .sum();
        assert_eq!(
            b["balance"]["cost"], total,
            "the bundle costs its estates' estimates"
        );
        assert!(pool
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["bundle"] == b["id"]));
        // Proposals leave out estates already in a bundle.
        let v = json(&db.anju(&["plan", "bundles", "--propose", "--json"]));
        assert!(v.as_array().unwrap().is_empty());
        // The plan takes the bundle whole or not at all.
        let short = (total / 100 - 1000).to_string();
        let v = json(&db.anju(&["plan", "--year", "2027", "--budget", &short, "--json"]));
        assert!(v["selected"].as_array().unwrap().is_empty(), "{v}");
        let enough = (total / 100 + 1000).to_string();
        let v = json(&db.anju(&["plan", "--year", "2027", "--budget", &enough, "--json"]));
        assert_eq!(v["selected"].as_array().unwrap().len(), 3);

        // An estate is in one bundle at most; a bundle lies in one county.
        let all = db.store.scoped(anju_domain::Scope::All);
        let ctx = anju_store::WriteCtx::new("test", None);
        let input = |members: Vec<i64>| anju_store::scoped::BundleInput {
            name: "另一片区".into(),
            members,
            mode: Default::default(),
            incomes: Vec::new(),
            note: String::new(),
        };
        let e = all
            .save_bundle(&ctx, None, input(vec![ids["甲小区"], ids["新小区"]]))
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains(&ids["甲小区"].to_string()), "{e}");
        let a = db
            .store
            .assessor(anju_domain::Policy::national(), 2026)
            .await
            .unwrap();
        let other = {
            let far = crate::support::code("340103001001");
            let mut e = anju_domain::Estate::new("庐阳小区", far);
            e.year_completed = Some(1990);
            e.building_count = 2;
            e.households = 50;
            db.store.upsert_estates(&ctx, &[e], &a).await.unwrap();
            db.store
                .estate_by_key(far.as_str(), "庐阳小区")
                .await
                .unwrap()
                .unwrap()
                .id
        };
        let e = all
            .save_bundle(&ctx, None, input(vec![other, ids["新小区"]]))
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("同一县"), "{e}");
    }
);

db_test!(life_circle_gaps_from_imported_facilities, |db| {
    let ids = four_estates(&db).await;
    let sheet = db.path("facilities.xlsx");
    let header: Vec<C> = [
        "设施类型",
        "设施名称",
        "行政区划代码",
        "经度",
        "纬度",
        "坐标系",
    ]
    .into_iter()
    .map(S)
    .collect();
    // A childcare centre about 70 m from the estates, a health station 2 km away; an unknown
    // kind first.
    write_xlsx(
        &sheet,
        &[
            header.clone(),
            vec![
                S("游乐场"),
                S("某游乐场"),
                S("340104001001"),
                N(117.2505),
                N(31.8505),
                E,
            ],
        ],
        &[],
    );
    let out = db.anju(&["import", "facilities", sheet.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("托育设施"), "{}", stderr(&out));
    write_xlsx(
        &sheet,
        &[
            header,
            vec![
                S("托育设施"),
                S("三里庵托育园"),
                S("340104001001"),
                N(117.2505),
                N(31.8505),
                E,
            ],
            vec![
                S("health"),
                S("远处卫生站"),
                S("340104001001"),
                N(117.25),
                N(31.868),
                S("WGS84"),
            ],
        ],
        &[],
    );
    let out = db.anju(&["import", "facilities", sheet.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Again: the same facilities are replaced, not doubled.
    let out = db.anju(&["import", "facilities", sheet.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let stored = db
        .store
        .scoped(anju_domain::Scope::All)
        .facilities()
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    let gaps = json(&db.anju(&["plan", "gaps", "--json"]));
    assert_eq!(gaps.as_array().unwrap().len(), 4, "every located estate");
    for e in gaps.as_array().unwrap() {
        let kinds: Vec<&str> = e["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["kind"].as_str().unwrap())
            .collect();
        assert!(!kinds.contains(&"childcare"), "{e}");
        assert!(
            kinds.contains(&"health") && kinds.contains(&"elderly_care"),
            "{e}"
        );
        let health = e["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["kind"] == "health")
            .unwrap();
        let walk = health["nearest_walk_m"].as_f64().unwrap();
        assert!((2000.0..3000.0).contains(&walk), "{walk}");
    }
    // The gaps recommend enhancement items among the estate's needs, not yet on its list.
    let d = json(&db.anju(&["plan", "needs", &ids["甲小区"].to_string(), "--json"]));
    let needs = d["needs"].as_array().unwrap();
    let elderly = needs.iter().find(|n| n["item"] == "elderly_care").unwrap();
    assert_eq!(
        (elderly["in_list"].as_bool(), elderly["origin"].as_str()),
        (Some(false), Some("derived"))
    );
    assert!(elderly["note"].as_str().unwrap().contains("5分钟生活圈"));
    assert!(!needs.iter().any(|n| n["item"] == "childcare"));
});

db_test!(
    the_pool_reads_buildings_when_a_policy_lists_what_they_derive,
    |db| {
        let ids = four_estates(&db).await;
        let ctx = anju_store::WriteCtx::new("test", None);
        let a = db
            .store
            .assessor(anju_domain::Policy::national(), 2026)
            .await
            .unwrap();
        let six_storeys = |n: &str| anju_store::BuildingUpsert {
            estate_code: None,
            division_code: Some("340104001001".into()),
            estate_name: Some("甲小区".into()),
            building: anju_domain::Building {
                number: n.into(),
                floors: Some(6),
                stairway_units: Some(2),
                ..Default::default()
            },
        };
        db.store
            .upsert_buildings(&ctx, &[six_storeys("1"), six_storeys("2")], &a)
            .await
            .unwrap()
            .unwrap();
        let estimate = |pool: &serde_json::Value| {
            pool.as_array()
                .unwrap()
                .iter()
                .find(|r| r["id"] == ids["甲小区"])
                .unwrap()["estimate"]
                .as_i64()
                .unwrap()
        };
        let before = estimate(&json(&db.anju(&["plan", "pool", "--json"])));
        // 安徽 lists every lift its buildings derive, unasked: four units, 450,000 yuan each.
        let toml = db.path("lifts.toml");
        std::fs::write(&toml, "[catalogue.lift]\nin_list = true\n").unwrap();
        let out = db.anju(&[
            "policy",
            "set",
            "--division",
            "34",
            "--from",
            toml.to_str().unwrap(),
            "--from-year",
            "2020",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let after = estimate(&json(&db.anju(&["plan", "pool", "--json"])));
        assert_eq!(after - before, 4 * 450_000 * 100);
        let needs = json(&db.anju(&["plan", "needs", &ids["甲小区"].to_string(), "--json"]));
        assert_eq!(
            needs["estimate"]["total"].as_i64().unwrap(),
            after,
            "the pool and the estate agree"
        );
    }
);
