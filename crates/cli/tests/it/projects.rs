//! Projects end to end over HTTP, on both backends: made from an estate only once its
//! consultation reached the threshold, then moved step by step from planned to handed over by
//! the implementing entity — each step first refused by its gates with every reason, then taken
//! once what it needs is recorded — and every step audited.

use crate::db_test;
use crate::http::{login, spawn_app};
use anju_domain::Scope;
use anju_store::WriteCtx;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A request of the walk: method, path, body.
type Request = (reqwest::Method, String, Value);

db_test!(
    a_project_goes_from_planned_to_handed_over_through_its_gates,
    |db| {
        let app = spawn_app(&db).await;
        let estate = app.hefei_estate;
        let ctx = WriteCtx::new("test", None);
        let all = db.store.scoped(Scope::All);
        crate::support::register_two(&db.store, estate, ["张三", "李四"]).await;
        let (builder, csrf) = login(&app, "builder-340104").await;
        let send = |m: reqwest::Method, path: String, body: Value| {
            builder
                .request(m, format!("{}{path}", app.base))
                .header("x-csrf-token", &csrf)
                .json(&body)
                .send()
        };
        let post = |path: String, body: Value| send(reqwest::Method::POST, path, body);
        let reasons = |v: &Value| -> Vec<String> {
            v["reasons"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .map(|g| g["gate"].as_str().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        // No consultation yet: the project cannot be planned.
        let r = post("/api/v1/projects".into(), json!({"estates": [estate]}))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["code"], "gate_failed");
        assert_eq!(reasons(&v), ["in_plan", "consultation"], "{v}");
        // Both households answer: 100 %.
        let c = all.open_consultation(estate, "征询", &ctx).await.unwrap();
        crate::support::all_agree(&db.store, estate, c).await;
        let v: Value = post("/api/v1/projects".into(), json!({"estates": [estate]}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(reasons(&v), ["in_plan"], "{v}");
        // The 2026 plan takes the estate in; the project's calendar is that plan's.
        let a = db
            .store
            .assessor(anju_domain::Policy::national(), 2026)
            .await
            .unwrap();
        all.move_in_pool(
            &ctx,
            &a,
            &[estate],
            anju_domain::pool::PoolState::Planned,
            Some(2026),
        )
        .await
        .unwrap();
        let r = post(
            "/api/v1/projects".into(),
            json!({"name": "梅山小区改造", "estates": [estate]}),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let p: Value = r.json().await.unwrap();
        let id = p["id"].as_i64().unwrap();
        assert_eq!(p["state"], "planned");
        assert_eq!(p["plan_year"], 2026);
        // The calendar on a fixed clock: the 2026 plan's projects start by 30 June.
        let overdue = |on: &'static str| {
            let builder = builder.clone();
            let base = app.base.clone();
            async move {
                builder
                    .get(format!("{base}/api/v1/projects/overdue?on={on}"))
                    .send()
                    .await
                    .unwrap()
                    .json::<Value>()
                    .await
                    .unwrap()
            }
        };
        assert_eq!(overdue("2026-06-30").await["total"], 0);
        let v = overdue("2026-07-01").await;
        assert_eq!(v["total"], 1, "{v}");
        assert_eq!(v["items"][0]["alerts"][0]["milestone"], "start");
        assert_eq!(v["items"][0]["alerts"][0]["overdue_days"], 1);
        // An estate is in one project at a time.
        let r = post("/api/v1/projects".into(), json!({"estates": [estate]}))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let step = |to: &'static str| {
            post(
                format!("/api/v1/projects/{id}/transitions"),
                json!({"to": to}),
            )
        };
        let patch = |body: Value| {
            send(
                reqwest::Method::PATCH,
                format!("/api/v1/projects/{id}"),
                body,
            )
        };
        // A jump names the steps it skips.
        let v: Value = step("designed").await.unwrap().json().await.unwrap();
        assert_eq!(reasons(&v), ["step"]);
        assert!(v["reasons"][0]["reason_en"]
            .as_str()
            .unwrap()
            .contains("scheme_approved"));
        // A supervision finds a fault, to be rectified by 10 July; until then the project cannot be
        // accepted.
        let r = post(
            format!("/api/v1/projects/{id}/inspections"),
            json!({"kind": "supervision", "date": "2026-07-01", "inspector": "瑶海区住建局质监站",
                   "findings": [{"description": "雨水管坡度不足", "severity": "major", "rectify_by": "2026-07-10"}]}),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.unwrap();
        let finding = v["findings"][0]["id"].as_i64().unwrap();
        let findings = |on: &'static str| {
            let builder = builder.clone();
            let base = app.base.clone();
            async move {
                builder
                    .get(format!("{base}/api/v1/findings?on={on}"))
                    .send()
                    .await
                    .unwrap()
                    .json::<Value>()
                    .await
                    .unwrap()
            }
        };
        assert_eq!(findings("2026-07-10").await["items"][0]["state"], "open");
        assert_eq!(findings("2026-07-11").await["items"][0]["state"], "overdue");
        let patching = |body: Value| {
            vec![(
                reqwest::Method::PATCH,
                format!("/api/v1/projects/{id}"),
                body,
            )]
        };
        // Each step: refused with its gates, then taken once they are green.
        let walk: Vec<(&str, Vec<&str>, Vec<Request>)> = vec![
            (
                "scheme_approved",
                vec!["scheme_published", "scheme_approval"],
                patching(json!({"scheme_approval": "合建〔2026〕12号"})),
            ),
            (
                "designed",
                vec!["estimate"],
                patching(json!({"estimate_fen": 320_000_000})),
            ),
            (
                "tendered",
                vec!["contractor"],
                patching(json!({"contractor": "安徽某建设有限公司"})),
            ),
            (
                "under_construction",
                vec!["approvals"],
                patching(
                    json!({"approvals_done": ["project_proposal", "construction_permit"], "fire_lane_structures_left": 0}),
                ),
            ),
            (
                // The monthly reports carry the progress: the items' mean, 100 % in November.
                "completed",
                vec!["works_done"],
                vec![(
                    reqwest::Method::POST,
                    format!("/api/v1/projects/{id}/progress"),
                    json!({"month": "2026-11", "invested": "3,200,000", "items": [{"item": "roof", "pct": 100}, {"item": "drainage", "pct": 100}]}),
                )],
            ),
            (
                // The acceptance recorded first passed without residents: its gate holds, the
                // residents' fails.
                "accepted",
                vec!["closed_water_test", "residents", "rectification"],
                vec![
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/findings/{finding}/close"),
                        json!({"on": "2026-07-09", "closure": "已返工调整坡度"}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/projects/{id}/inspections"),
                        json!({"kind": "closed_water_test", "date": "2026-11-20", "inspector": "某监理公司", "passed": true}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/projects/{id}/inspections"),
                        json!({"kind": "joint_acceptance", "date": "2026-11-28", "inspector": "瑶海区住建局", "passed": true,
                               "participants": [{"role": "builder", "unit": "安徽某建设有限公司"},
                                                {"role": "residents", "unit": "梅山小区", "name": "王五"}]}),
                    ),
                ],
            ),
            (
                "handed_over",
                vec!["management"],
                patching(
                    json!({"managing_unit": "某物业服务有限公司", "management_mode": "专业化物业管理", "management_duties": "日常保洁、绿化养护、设施维修"}),
                ),
            ),
        ];
        for (to, gates, fix) in walk {
            match to {
                // The scheme is publicised through the estate's notices.
                "scheme_approved" => {
                    let r = post(
                        format!("/api/v1/estates/{estate}/notices"),
                        json!({"kind": "scheme", "title": "改造方案", "body": "更换管网"}),
                    )
                    .await
                    .unwrap();
                    // The implementing entity does not publish notices: staff do.
                    assert_eq!(r.status(), StatusCode::FORBIDDEN);
                }
                // 3.2 million yuan of works need a construction permit; the proposal is needed anyway.
                "under_construction" => {
                    let p: Value = patch(json!({"investment_fen": 320_000_000}))
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    assert_eq!(p["blocking"][0]["gate"], "approvals", "{p}");
                }
                "accepted" => {
                    patch(json!({"rain_sewage_separated": true})).await.unwrap();
                    // A joint acceptance without residents' representatives does not pass the gate.
                    let r = post(
                        format!("/api/v1/projects/{id}/inspections"),
                        json!({"kind": "joint_acceptance", "date": "2026-11-25", "inspector": "瑶海区住建局", "passed": true,
                               "participants": [{"role": "builder", "unit": "安徽某建设有限公司"}]}),
                    )
                    .await
                    .unwrap();
                    assert_eq!(r.status(), StatusCode::CREATED);
                }
                "handed_over" => {
                    // Management modes are the three of DOMAIN §9.
                    let r =
                        patch(json!({"managing_unit": "某单位", "management_mode": "单位管理"}))
                            .await
                            .unwrap();
                    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
                }
                _ => {}
            }
            let r = step(to).await.unwrap();
            assert_eq!(r.status(), StatusCode::CONFLICT, "{to}");
            let v: Value = r.json().await.unwrap();
            assert_eq!(reasons(&v), gates, "{to}: {v}");
            for (method, path, body) in fix {
                let r = send(method, path.clone(), body).await.unwrap();
                assert!(
                    r.status().is_success(),
                    "{to} {path}: {}",
                    r.text().await.unwrap()
                );
            }
            if to == "scheme_approved" {
                all.publish_notice(
                    estate,
                    anju_domain::participation::NoticeKind::Scheme,
                    "梅山小区改造方案",
                    "更换供水管网、屋面防水",
                    &ctx,
                )
                .await
                .unwrap();
            }
            let r = step(to).await.unwrap();
            assert_eq!(
                r.status(),
                StatusCode::OK,
                "{to}: {}",
                r.text().await.unwrap()
            );
            let v: Value = r.json().await.unwrap();
            assert_eq!(v["state"], to);
        }
        // Handed over: the inventory's estate has its new management, in its history.
        let e: Value = builder
            .get(format!("{}/api/v1/estates/{estate}", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(e["management_mode"], "专业化物业管理", "{e}");
        let h = db
            .store
            .history("estate", &estate.to_string())
            .await
            .unwrap();
        assert!(
            h.iter()
                .any(|r| r.after.as_deref() == Some("{\"management_mode\":\"Professional\"}")),
            "{h:?}"
        );
        let v: Value = builder
            .get(format!("{}/api/v1/projects?state=handed_over", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["total"], 1);
        assert_eq!(v["items"][0]["id"], id);
        assert_eq!(v["items"][0]["name"], "梅山小区改造");
        let v: Value = builder
            .get(format!("{}/api/v1/projects?state=planned", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["total"], 0);
        // A page at a time: the second page of one is empty, the count still the whole.
        let v: Value = builder
            .get(format!("{}/api/v1/projects?per_page=1&page=2", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["total"], 1);
        assert_eq!(v["items"], json!([]));
        assert_eq!(v["page"], 2);
        // The steps dated the start and the completion; the basic items' date is still open, so on
        // the first day of 2027 that alone is overdue.
        let v = overdue("2027-01-01").await;
        let alerts: Vec<&str> = v["items"][0]["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["milestone"].as_str().unwrap())
            .collect();
        assert_eq!(alerts, ["basic_done"], "{v}");
        let r = patch(json!({"basic_done_actual": "2026-12-20"}))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(overdue("2027-01-01").await["total"], 0);
        let r = patch(json!({"basic_done_actual": "20.12.2026"}))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // Money through the ledger: received, disbursed, the rate, and a warning when more is paid
        // out than came in.
        let money = |body: Value| post(format!("/api/v1/projects/{id}/money"), body);
        let r = money(json!({"kind": "receipt", "source": "central", "amount": "1,000,000"}))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value =
            money(json!({"kind": "disbursement", "source": "central", "amount": "600000"}))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        assert_eq!(v["disbursement_rate_pct"], 60.0);
        assert!(v["warning"].is_null());
        let v: Value =
            money(json!({"kind": "disbursement", "source": "central", "amount": "500000.01"}))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        assert_eq!(v["disbursed"], 110_000_001);
        assert!(v["warning"]["zh"].as_str().unwrap().contains("超过"), "{v}");
        let r = money(json!({"kind": "gift", "source": "central", "amount": "1"}))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(db.store.ledger_verify().await.unwrap(), None);
        assert_eq!(db.store.ledger_head().await.unwrap().count, 3);
        // Nothing goes back, and every step is audited with its states.
        let r = step("accepted").await.unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let history = db.store.history("project", &id.to_string()).await.unwrap();
        let moves: Vec<(Option<String>, Option<String>)> = history
            .iter()
            .filter(|h| h.action == "transition")
            .map(|h| (h.before.clone(), h.after.clone()))
            .collect();
        assert_eq!(moves.len(), 7);
        assert_eq!(
            moves[0],
            (Some("planned".into()), Some("scheme_approved".into()))
        );
        // The department user sees the project but may not move it.
        let (dept, dcsrf) = login(&app, "dept-340104").await;
        let r = dept
            .post(format!("{}/api/v1/projects/{id}/transitions", app.base))
            .header("x-csrf-token", &dcsrf)
            .json(&json!({"to": "handed_over"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
);
