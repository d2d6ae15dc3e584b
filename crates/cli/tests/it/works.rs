//! The works' records and money over HTTP, on both backends: documents kept by version with their
//! hash and checked by their bytes; monthly progress; inspections, their findings and follow-up;
//! complaints; responsibility tasks seen and updated by their department; the funding plan's rule
//! for central and provincial money; allocations down by the factor method into the ledger; money
//! by division.

use crate::db_test;
use crate::http::{login, spawn_app, App};
use crate::support::TestDb;
use anju_domain::{Policy, Scope};
use anju_store::WriteCtx;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Digest;

/// A project of 梅山小区 in the state `planned`: its households consulted, the estate in the
/// 2026 plan.
pub async fn planned_project(db: &TestDb, app: &App) -> i64 {
    let estate = app.hefei_estate;
    let ctx = WriteCtx::new("test", None);
    let all = db.store.scoped(Scope::All);
    crate::support::register_two(&db.store, estate, ["某甲", "某乙"]).await;
    let c = all.open_consultation(estate, "征询", &ctx).await.unwrap();
    crate::support::all_agree(&db.store, estate, c).await;
    let a = db.store.assessor(Policy::national(), 2026).await.unwrap();
    all.move_in_pool(
        &ctx,
        &a,
        &[estate],
        anju_domain::pool::PoolState::Planned,
        Some(2026),
    )
    .await
    .unwrap();
    all.create_project(&a, "梅山小区改造", &[estate], None, &ctx)
        .await
        .unwrap()
        .unwrap()
        .id
}

const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00photo-one";

fn part(bytes: &[u8], name: &str) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string())
}

db_test!(documents_progress_inspections_complaints_and_tasks, |db| {
    let app = spawn_app(&db).await;
    let id = planned_project(&db, &app).await;
    let (builder, csrf) = login(&app, "builder-340104").await;
    let send = |c: &reqwest::Client, csrf: &str, m: reqwest::Method, path: String, body: Value| {
        c.request(m, format!("{}{path}", app.base))
            .header("x-csrf-token", csrf)
            .json(&body)
            .send()
    };
    let post = |path: String, body: Value| send(&builder, &csrf, reqwest::Method::POST, path, body);
    let get = |c: &reqwest::Client, path: String| {
        let r = c.get(format!("{}{path}", app.base)).send();
        async move { r.await.unwrap().json::<Value>().await.unwrap() }
    };
    let upload = |kind: &str, bytes: &[u8], name: &str| {
        let form = reqwest::multipart::Form::new()
            .text("kind", kind.to_string())
            .text("caption", "开工前")
            .part("file", part(bytes, name));
        builder
            .post(format!("{}/api/v1/projects/{id}/documents", app.base))
            .header("x-csrf-token", &csrf)
            .multipart(form)
            .send()
    };

    // Documents: a photo, then a second photo of the same name is its version 2 and the first
    // stays, bytes and hash as they were.
    let r = upload("photo", JPEG, "现场/开工.jpg").await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v1: Value = r.json().await.unwrap();
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["filename"], "开工.jpg");
    assert_eq!(v1["content_type"], "image/jpeg");
    assert_eq!(v1["sha256"], hex::encode(sha2::Sha256::digest(JPEG)));
    let second = [JPEG, b"-retaken"].concat();
    let v2: Value = upload("photo", &second, "开工.jpg")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v2["version"], 2);
    let r = builder
        .get(format!("{}/api/v1/documents/{}", app.base, v1["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(
        r.headers()["etag"].to_str().unwrap(),
        format!("\"{}\"", v1["sha256"].as_str().unwrap())
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), JPEG);
    let list = get(&builder, format!("/api/v1/projects/{id}/documents")).await;
    assert_eq!(list["total"], 2);
    // Types are read from the bytes: a PDF is no photo, a script no PDF.
    for (kind, bytes, name) in [
        ("photo", &b"%PDF-1.7 ..."[..], "a.jpg"),
        ("contract", &b"#!/bin/sh\nrm -rf /"[..], "contract.pdf"),
        ("drawing", &b""[..], "empty.pdf"),
        ("blueprint", &b"%PDF-1.7"[..], "x.pdf"),
    ] {
        let r = upload(kind, bytes, name).await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind} {name}"
        );
    }
    let r = upload("contract", b"%PDF-1.7 contract", "施工合同.pdf")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        get(&builder, format!("/api/v1/projects/{id}/documents")).await["total"],
        3
    );

    // Progress: a month's report, replaced by a second one of the same month; the project's
    // progress is the latest month's.
    let progress = |body: Value| post(format!("/api/v1/projects/{id}/progress"), body);
    let r = progress(json!({"month": "2026-07", "invested": "800000", "items": [{"item": "roof", "pct": 40}, {"item": "drainage", "pct": 20}]}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["progress_pct"], 30);
    assert_eq!(v["invested"], 80_000_000);
    progress(json!({"month": "2026-08", "invested": "1,600,000", "progress_pct": 55}))
        .await
        .unwrap();
    progress(json!({"month": "2026-08", "invested": "1,700,000", "progress_pct": 60}))
        .await
        .unwrap();
    let reports = get(&builder, format!("/api/v1/projects/{id}/progress")).await;
    assert_eq!(reports["total"], 2);
    assert_eq!(reports["items"][1]["progress_pct"], 60);
    let p = get(&builder, format!("/api/v1/projects/{id}")).await;
    assert_eq!(p["progress_pct"], 60);
    for bad in [
        json!({"month": "2026-13", "invested": "1", "progress_pct": 1}),
        json!({"month": "2026-09", "invested": "1", "progress_pct": 101}),
        json!({"month": "2026-09", "invested": "1", "items": [{"item": "roof", "pct": 120}]}),
        json!({"month": "2026-09", "invested": "1"}),
        json!({"month": "2026-09", "invested": "十万", "progress_pct": 1}),
    ] {
        let r = progress(bad.clone()).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }

    // Inspections: the test and the acceptance need their conclusion, the acceptance its
    // participants; a deadline before the inspection is refused.
    let inspect = |body: Value| post(format!("/api/v1/projects/{id}/inspections"), body);
    for bad in [
        json!({"kind": "closed_water_test", "date": "2026-09-01", "inspector": "监理"}),
        json!({"kind": "joint_acceptance", "date": "2026-09-01", "inspector": "住建局", "passed": true}),
        json!({"kind": "quality", "date": "2026-09-01", "inspector": "质监站",
               "findings": [{"description": "x", "severity": "minor", "rectify_by": "2026-08-31"}]}),
        json!({"kind": "quality", "date": "2026-09-01", "inspector": "质监站",
               "findings": [{"description": "x", "severity": "grave", "rectify_by": "2026-09-30"}]}),
        json!({"kind": "audit", "date": "2026-09-01", "inspector": "质监站"}),
    ] {
        let r = inspect(bad.clone()).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    // A department (质监站) records an inspection too.
    let (dept, dept_csrf) = login(&app, "dept-340104").await;
    let r = send(
        &dept,
        &dept_csrf,
        reqwest::Method::POST,
        format!("/api/v1/projects/{id}/inspections"),
        json!({"kind": "quality", "date": "2026-09-01", "inspector": "蜀山区质监站",
               "findings": [{"description": "外墙保温层空鼓", "severity": "critical", "rectify_by": "2026-09-15"},
                            {"description": "楼道照明未接通", "severity": "minor", "rectify_by": "2026-09-30"}]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    let (f1, f2) = (
        v["findings"][0]["id"].as_i64().unwrap(),
        v["findings"][1]["id"].as_i64().unwrap(),
    );
    let open = get(&builder, "/api/v1/findings?on=2026-09-20".into()).await;
    assert_eq!(open["total"], 2);
    // Overdue first.
    assert_eq!(open["items"][0]["id"], f1);
    assert_eq!(open["items"][0]["state"], "overdue");
    assert_eq!(open["items"][1]["state"], "open");
    let close = |f: i64, body: Value| post(format!("/api/v1/findings/{f}/close"), body);
    let r = close(f1, json!({"on": "2026-09-18", "closure": ""}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = close(
        f1,
        json!({"on": "2026-09-18", "closure": "空鼓部位已凿除重做"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = close(f1, json!({"on": "2026-09-19", "closure": "again"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let open = get(&builder, "/api/v1/findings?on=2026-09-20".into()).await;
    assert_eq!(open["total"], 1);
    assert_eq!(open["items"][0]["id"], f2);
    let list = get(
        &builder,
        format!("/api/v1/projects/{id}/inspections?on=2026-10-01"),
    )
    .await;
    assert_eq!(list["items"][0]["findings"][0]["state"], "closed");
    assert_eq!(list["items"][0]["findings"][1]["state"], "overdue");

    // Complaints: recorded, followed, resolved; a resolved one takes no more steps.
    let (street, street_csrf) = login(&app, "street-340104001").await;
    let r = send(
        &street,
        &street_csrf,
        reqwest::Method::POST,
        format!("/api/v1/projects/{id}/complaints"),
        json!({"received_on": "2026-12-02", "channel": "12345热线", "summary": "3栋雨水管堵塞"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let complaint = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let step = |status: &str, text: &str| {
        send(
            &street,
            &street_csrf,
            reqwest::Method::POST,
            format!("/api/v1/complaints/{complaint}/steps"),
            json!({"on": "2026-12-03", "text": text, "status": status}),
        )
    };
    assert_eq!(
        step("in_progress", "已转物业公司疏通")
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let v: Value = step("resolved", "已疏通，回访满意")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "resolved");
    assert_eq!(v["resolved_on"], "2026-12-03");
    assert_eq!(v["steps"].as_array().unwrap().len(), 2);
    assert_eq!(
        step("in_progress", "again").await.unwrap().status(),
        StatusCode::CONFLICT
    );
    // A household complains from its phone; its page shows the follow-up of all of them.
    let codes = db
        .store
        .scoped(Scope::All)
        .issue_codes(app.hefei_estate, &WriteCtx::new("test", None))
        .await
        .unwrap();
    let owner =
        |r: reqwest::RequestBuilder| r.header("authorization", format!("Owner {}", codes[0].1));
    let r = owner(reqwest::Client::new().post(format!("{}/api/v1/my/complaints", app.base)))
        .json(&json!({"summary": "楼道灯不亮"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["channel"], "住户页面");
    assert_eq!(
        get(&builder, format!("/api/v1/projects/{id}/complaints")).await["total"],
        2
    );
    let my = reqwest::get(format!("{}/my/{}", app.base, codes[0].1))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        my.contains("楼道灯不亮") && my.contains("已疏通，回访满意"),
        "{my}"
    );
    let r = owner(reqwest::Client::new().post(format!("{}/api/v1/my/complaints", app.base)))
        .json(&json!({"summary": " "}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A department does not follow complaints.
    let r = send(
        &dept,
        &dept_csrf,
        reqwest::Method::POST,
        format!("/api/v1/projects/{id}/complaints"),
        json!({"summary": "x"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Responsibility lists: staff give tasks to the department, whose users see and update
    // their own; the utility's share inside the red line is two tasks, the government's and the
    // utility's.
    let ctx = WriteCtx::new("test", None);
    let other_dept = db
        .store
        .add_user(
            &ctx,
            "power-340104",
            "国网合肥供电公司",
            anju_domain::Role::Department,
            Scope::Division(anju_domain::DivisionCode::parse_short("340104").unwrap()),
            crate::http::PASSWORD,
        )
        .await
        .unwrap();
    let users = db.store.list_users(&Scope::All).await.unwrap();
    let user_id = |name: &str| users.iter().find(|u| u.username == name).unwrap().id;
    let dept_id = user_id("dept-340104");
    let (staff, staff_csrf) = login(&app, "county-340104").await;
    let staff_post = |path: &str, body: Value| {
        send(
            &staff,
            &staff_csrf,
            reqwest::Method::POST,
            path.to_string(),
            body,
        )
    };
    let r = staff_post(
        "/api/v1/tasks",
        json!({"title": "拆除占用消防通道的违法建设", "department_id": dept_id, "project_id": id, "deadline": "2026-05-31"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let task = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // A task for an account that is not a department's is refused.
    let builder_id = user_id("builder-340104");
    let r = staff_post(
        "/api/v1/tasks",
        json!({"title": "x", "department_id": builder_id}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = staff_post(
        &format!("/api/v1/projects/{id}/utility-tasks"),
        json!({"utility": "power", "works": "underground_inside", "utility_department_id": other_dept.id,
               "government_department_id": dept_id, "amount": "150000", "deadline": "2026-08-31"}),
    )
    .await
    .unwrap();
    let v: Value = r.json().await.unwrap();
    assert!(v["items"].is_array(), "{v}");
    let parties: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["party"].as_str().unwrap())
        .collect();
    assert_eq!(parties, ["government", "utility"]);
    assert!(v["items"][0]["amount"].is_null());
    assert_eq!(v["items"][1]["amount"], 15_000_000);
    let utility_task = v["items"][1]["id"].as_i64().unwrap();
    // The department sees its two tasks, overdue first on 1 June.
    let mine = get(&dept, "/api/v1/tasks?on=2026-06-01".into()).await;
    assert_eq!(mine["total"], 2, "{mine}");
    assert_eq!(mine["items"][0]["id"], task);
    assert_eq!(mine["items"][0]["overdue_days"], 1);
    assert_eq!(get(&staff, "/api/v1/tasks".into()).await["total"], 3);
    // It updates its own, not the utility's.
    let r = send(
        &dept,
        &dept_csrf,
        reqwest::Method::PATCH,
        format!("/api/v1/tasks/{task}"),
        json!({"status": "done", "note": "已拆除3处"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = send(
        &dept,
        &dept_csrf,
        reqwest::Method::PATCH,
        format!("/api/v1/tasks/{utility_task}"),
        json!({"status": "done"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let mine = get(&dept, "/api/v1/tasks?on=2026-06-01".into()).await;
    let done = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == task)
        .unwrap()
        .clone();
    assert_eq!(done["status"], "done");
    assert!(done["overdue_days"].is_null());
    let history = db.store.history("task", &task.to_string()).await.unwrap();
    assert!(history.iter().any(|h| h.action == "update"));
});

db_test!(money_rules_allocations_and_rates_by_division, |db| {
    let app = spawn_app(&db).await;
    let id = planned_project(&db, &app).await;
    let (staff, csrf) = login(&app, "county-340104").await;
    let send = |m: reqwest::Method, path: String, body: Value| {
        staff
            .request(m, format!("{}{path}", app.base))
            .header("x-csrf-token", &csrf)
            .json(&body)
            .send()
    };
    let get = |path: String| {
        let r = staff.get(format!("{}{path}", app.base)).send();
        async move { r.await.unwrap().json::<Value>().await.unwrap() }
    };
    // The funding plan is checked against the estimate of the estate's list.
    let plan = get(format!("/api/v1/projects/{id}/funding-plan")).await;
    let may_pay = plan["check"]["higher_level_may_pay"].as_i64().unwrap();
    let basic = plan["by_category"][0].as_i64().unwrap();
    let estimate = plan["estimate"].as_i64().unwrap();
    assert!(may_pay > 0 && basic > 0 && basic <= may_pay, "{plan}");
    let yuan = |fen: i64| format!("{}.{:02}", fen / 100, fen % 100);
    // Central and provincial money beyond what the allowed items cost, by one fen: refused, and
    // the plan stays as it was.
    let put = |lines: Value| {
        send(
            reqwest::Method::PUT,
            format!("/api/v1/projects/{id}/funding-plan"),
            json!({ "lines": lines }),
        )
    };
    let half = may_pay / 2;
    let r = put(json!([
        {"source": "central", "amount": yuan(half)},
        {"source": "provincial", "amount": yuan(may_pay - half + 1)},
    ]))
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "refused");
    assert!(
        v["reasons"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("中央和省级资金"),
        "{v}"
    );
    assert_eq!(
        get(format!("/api/v1/projects/{id}/funding-plan")).await["lines"],
        json!([])
    );
    // Exactly what they may pay, and the rest from the city: accepted, basic items first.
    let r = put(json!([
        {"source": "central", "amount": yuan(half)},
        {"source": "provincial", "amount": yuan(may_pay - half)},
        {"source": "city_county", "amount": yuan(estimate - may_pay)},
    ]))
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["check"]["higher_level"], may_pay);
    assert_eq!(v["check"]["higher_level_to_basic"], basic);
    assert_eq!(v["check"]["higher_level_to_others"], may_pay - basic);
    assert_eq!(v["check"]["gap_fen"], 0);
    assert_eq!(v["lines"].as_array().unwrap().len(), 3);
    let r =
        put(json!([{"source": "central", "amount": "1"}, {"source": "central", "amount": "2"}]))
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let history = db
        .store
        .history("funding_plan", &id.to_string())
        .await
        .unwrap();
    assert_eq!(history.len(), 1);

    // The county's subsidy allocated to its streets by the factor method: 蜀山区 has eligible
    // estates in one street only, which gets it all; the ledger records it.
    let r = send(
        reqwest::Method::POST,
        "/api/v1/allocations".into(),
        json!({"source": "provincial", "amount": "1,000,000.01"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    let shares = v["shares"].as_array().unwrap();
    let sum: i64 = shares.iter().map(|s| s["amount"].as_i64().unwrap()).sum();
    assert_eq!(sum, 100_000_001);
    let street = shares
        .iter()
        .find(|s| s["division_code"] == "340104001000")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(street["amount"], 100_000_001);
    assert!(street["ledger_id"].is_i64());
    assert_eq!(db.store.ledger_verify().await.unwrap(), None);
    // Receipts and disbursements of the project count in its street.
    for (kind, amount) in [("receipt", "400000"), ("disbursement", "300000")] {
        let r = send(
            reqwest::Method::POST,
            format!("/api/v1/projects/{id}/money"),
            json!({"kind": kind, "source": "provincial", "amount": amount}),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let m = get("/api/v1/money".into()).await;
    assert_eq!(m["total"]["received"], 40_000_000);
    assert_eq!(m["total"]["disbursed"], 30_000_000);
    assert_eq!(m["total"]["disbursement_rate_pct"], 75.0);
    // What the plans say, by division.
    assert_eq!(m["total"]["planned"], estimate);
    let part = m["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["division_code"] == "340104001000")
        .unwrap()
        .clone();
    assert_eq!(part["allocated"], 100_000_001);
    assert_eq!(part["planned"], estimate);
    assert_eq!(part["received"], 40_000_000);
    assert_eq!(part["disbursement_rate_pct"], 75.0);
    // The city sees the county's allocation below its own level, none at its own.
    let (city, _) = login(&app, "city-3401").await;
    let m: Value = city
        .get(format!("{}/api/v1/money", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(m["total"]["allocated"], 0);
    assert_eq!(m["total"]["received"], 40_000_000);
    // Only planning staff allocate.
    let (builder, bcsrf) = login(&app, "builder-340104").await;
    let r = builder
        .post(format!("{}/api/v1/allocations", app.base))
        .header("x-csrf-token", &bcsrf)
        .json(&json!({"source": "central", "amount": "1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(
        reqwest::Method::POST,
        "/api/v1/allocations".into(),
        json!({"source": "lottery", "amount": "1"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
});

db_test!(
    the_project_pages_show_the_works_and_take_their_forms,
    |db| {
        let app = spawn_app(&db).await;
        let id = planned_project(&db, &app).await;
        let (page, csrf) = crate::pages::page_login(&app, "builder-340104").await;
        let html = |path: String| {
            let r = page.get(format!("{}{path}", app.base)).send();
            async move {
                let r = r.await.unwrap();
                assert_eq!(r.status(), StatusCode::OK, "{path}");
                r.text().await.unwrap()
            }
        };
        let form = |action: &str, fields: &[(&str, &str)]| {
            let mut f: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
            f.extend_from_slice(fields);
            page.post(format!("{}/projects/{id}/{action}", app.base))
                .form(&f)
                .send()
        };
        let dash = html("/".into()).await;
        assert!(
            dash.contains("id=\"works\"") && dash.contains("/projects?state=planned"),
            "{dash}"
        );
        let list = html("/projects".into()).await;
        assert!(list.contains(&format!("href=\"/projects/{id}\"")), "{list}");
        assert!(list.contains("梅山小区改造"));
        // The next step is refused on the page with its gate's reason.
        let r = form("transition", &[("to", "scheme_approved")])
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let text = r.text().await.unwrap();
        assert!(text.contains("改造方案尚未向居民公示"), "{text}");
        // The record form as the page fills it in: the estimate's field empty until there is one.
        let r = form(
            "record",
            &[
                ("approvals", "1"),
                ("scheme_approval", "蜀建改〔2026〕8号"),
                ("estimate", ""),
                ("contractor", ""),
                ("management_mode", ""),
            ],
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let p = html(format!("/projects/{id}")).await;
        assert!(p.contains("蜀建改〔2026〕8号"), "{p}");
        let r = form("record", &[("approvals", "1"), ("estimate", "3,200,000")])
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(html(format!("/projects/{id}"))
            .await
            .contains("value=\"3200000.00\""));
        // A monthly report, a photo, an inspection with a finding, then the finding closed.
        let r = form(
            "progress",
            &[
                ("month", "2026-07"),
                ("progress_pct", "35"),
                ("invested", "900000"),
                ("note", "管网开挖"),
            ],
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let photo = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("kind", "photo")
            .text("caption", "开挖")
            .part("file", part(JPEG, "开挖.jpg"));
        let r = page
            .post(format!("{}/projects/{id}/documents", app.base))
            .multipart(photo)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let r = form(
            "inspection",
            &[
                ("kind", "supervision"),
                ("date", "2026-07-05"),
                ("inspector", "蜀山区质监站"),
                ("finding", "沟槽未设护栏"),
                ("severity", "major"),
                ("rectify_by", "2026-07-08"),
            ],
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let p = html(format!("/projects/{id}")).await;
        for want in [
            "2026-07",
            "35%",
            "开挖.jpg",
            &hex::encode(sha2::Sha256::digest(JPEG)),
            "沟槽未设护栏",
            "逾期未整改",
        ] {
            assert!(p.contains(want), "{want}: {p}");
        }
        let finding = anju_store::scoped::FindingView::clone(
            &db.store
                .scoped(Scope::All)
                .inspections(id, chrono::NaiveDate::from_ymd_opt(2026, 7, 6).unwrap())
                .await
                .unwrap()[0]
                .findings[0],
        );
        let f = finding.id.to_string();
        let r = form(
            "close_finding",
            &[
                ("finding_id", &f),
                ("closure", "已设护栏"),
                ("on", "2026-07-07"),
            ],
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(html(format!("/projects/{id}")).await.contains("已设护栏"));
        // Street staff see the project but neither close findings nor upload documents.
        let (street, street_csrf) = crate::pages::page_login(&app, "street-340104001").await;
        let r = street
            .post(format!("{}/projects/{id}/close_finding", app.base))
            .form(&[
                ("csrf", street_csrf.as_str()),
                ("finding_id", &f),
                ("closure", "x"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let photo = reqwest::multipart::Form::new()
            .text("csrf", street_csrf.clone())
            .text("kind", "photo")
            .part("file", part(JPEG, "x.jpg"));
        let r = street
            .post(format!("{}/projects/{id}/documents", app.base))
            .multipart(photo)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // The photo as stored.
        let r = page
            .get(format!("{}/documents/{}", app.base, 1))
            .send()
            .await
            .unwrap();
        assert_eq!(r.bytes().await.unwrap().as_ref(), JPEG);

        // The export: one row per project of the jurisdiction.
        let bytes = page
            .get(format!("{}/projects.xlsx", app.base))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let rows = crate::works::xlsx_rows(&bytes);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0][0], "项目编号");
        assert_eq!(rows[1][1], "梅山小区改造");
        assert_eq!(rows[1][5], "35");
        assert_eq!(rows[1][15], "0");

        // The same workbook from the command line, for one county and for the one next door.
        let out = db.dir.path().join("projects.xlsx");
        let o = db.anju(&[
            "export",
            "projects",
            "--division",
            "340104",
            "--output",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let cli_rows = crate::works::xlsx_rows(&std::fs::read(&out).unwrap());
        assert_eq!(cli_rows, rows);
        let o = db.anju(&[
            "export",
            "projects",
            "--division",
            "340103",
            "--output",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success());
        assert_eq!(
            crate::works::xlsx_rows(&std::fs::read(&out).unwrap()).len(),
            1
        );

        // The department's list and the money page.
        let users = db.store.list_users(&Scope::All).await.unwrap();
        let dept = users
            .iter()
            .find(|u| u.username == "dept-340104")
            .unwrap()
            .id;
        db.store
            .scoped(Scope::All)
            .create_tasks(
                &[anju_store::scoped::NewTask {
                    project_id: Some(id),
                    title: "管线迁改协调".into(),
                    department_id: dept,
                    ..Default::default()
                }],
                &WriteCtx::new("test", None),
            )
            .await
            .unwrap();
        let (dept_page, dept_csrf) = crate::pages::page_login(&app, "dept-340104").await;
        let tasks = dept_page
            .get(format!("{}/tasks", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(tasks.contains("管线迁改协调"), "{tasks}");
        let r = dept_page
            .post(format!("{}/tasks/1", app.base))
            .form(&[
                ("csrf", dept_csrf.as_str()),
                ("status", "in_progress"),
                ("note", "已对接供电公司"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let (staff_page, _) = crate::pages::page_login(&app, "county-340104").await;
        let money = staff_page
            .get(format!("{}/money", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            money.contains("ledger-head") && money.contains("拨付率"),
            "{money}"
        );

        // The public page: the project's state and the ledger's head.
        db.store
            .scoped(Scope::All)
            .record_money(
                id,
                anju_store::ledger::EntryKind::Receipt,
                anju_domain::catalogue::FundingSource::Central,
                anju_domain::Money::from_fen(12_345),
                "",
                &WriteCtx::new("test", None),
            )
            .await
            .unwrap();
        let head = db.store.ledger_head().await.unwrap();
        let public = reqwest::get(format!("{}/public/estates/{}", app.base, app.hefei_estate))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(public.contains(&head.hash), "{public}");
        assert!(
            public.contains("梅山小区改造") && public.contains("123.45"),
            "{public}"
        );
        let v: Value = reqwest::get(format!(
            "{}/api/v1/public/estates/{}",
            app.base, app.hefei_estate
        ))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        assert_eq!(v["ledger"]["count"], 1);
        assert_eq!(v["project"]["state"], "planned");
        assert_eq!(v["project"]["received"], 12_345);
    }
);

/// The cells of the first sheet of a workbook, as text.
pub fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = wb.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}
