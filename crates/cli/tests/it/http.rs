//! The web application over real HTTP: `spawn_app()` serves on port 0 against a fresh database,
//! on both backends.

use crate::db_test;
use crate::support::*;
use anju_domain::pool::PoolState;
use anju_domain::{DivisionCode, Estate, Policy, Role, Scope};
use anju_store::WriteCtx;
use reqwest::StatusCode;
use serde_json::{json, Value};

pub struct App {
    pub base: String,
    pub hefei_estate: i64,
    pub wuhu_estate: i64,
}

fn div(s: &str) -> Scope {
    Scope::Division(DivisionCode::parse_short(s).unwrap())
}

fn estate(name: &str, division: &str, year: i32) -> Estate {
    Estate {
        address: "测试路".into(),
        year_completed: Some(year),
        building_count: 2,
        households: 100,
        floor_area_centi_m2: anju_domain::Area::from_centi_m2(740_000),
        ..anju_domain::Estate::new(name, crate::support::code(division))
    }
}

pub const PASSWORD: &str = "anju-demo";

/// The accounts every HTTP test has: (username, role, scope).
pub fn accounts() -> Vec<(&'static str, Role, Scope)> {
    vec![
        ("admin", Role::Admin, Scope::All),
        ("province-34", Role::DivisionAdmin, div("34")),
        ("city-3401", Role::DivisionAdmin, div("3401")),
        ("city-3402", Role::DivisionAdmin, div("3402")),
        ("county-340104", Role::Staff, div("340104")),
        ("street-340104001", Role::StreetStaff, div("340104001")),
        ("dept-340104", Role::Department, div("340104")),
        ("builder-340104", Role::ImplementingEntity, div("340104")),
    ]
}

/// Starts the real server on port 0 against the test database, with estates in 合肥 (蜀山区) and 芜湖.
pub async fn spawn_app(db: &TestDb) -> App {
    spawn_app_with(db, |_| {}).await
}

/// [`spawn_app`] with the web settings changed first.
pub async fn spawn_app_with(db: &TestDb, change: impl FnOnce(&mut anju_web::WebSettings)) -> App {
    let ctx = WriteCtx::new("test", None);
    for (u, r, s) in accounts() {
        db.store.add_user(&ctx, u, u, r, s, PASSWORD).await.unwrap();
    }
    let a = db.store.assessor(Policy::national(), 2026).await.unwrap();
    let mut list = vec![
        estate("梅山小区", "340104001001", 1995),
        estate("绩溪新村", "340104001002", 1988),
        estate("新世纪花园", "340104001001", 2008),
        estate("镜湖小区", "340202013001", 1990),
    ];
    // Two of them on the map.
    list[0].location = Some(anju_domain::estate::Wgs84 {
        lon: 117.25,
        lat: 31.85,
    });
    list[3].location = Some(anju_domain::estate::Wgs84 {
        lon: 118.38,
        lat: 31.34,
    });
    let (_, ids) = {
        let txn = db.store.begin().await.unwrap();
        let r = db
            .store
            .upsert_estates_in(&txn, &ctx, &list, &a)
            .await
            .unwrap();
        txn.commit().await.unwrap();
        r
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let store = db.store.clone();
    let mut web = anju_web::WebSettings::new(Policy::national(), 2026);
    web.demo = true;
    web.id_key = Some(anju_store::IdKey::generate());
    change(&mut web);
    tokio::spawn(async move {
        anju_web::launch_with_listener(store, web, listener, std::future::pending())
            .await
            .unwrap()
    });
    App {
        base,
        hefei_estate: ids[0],
        wuhu_estate: ids[3],
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap()
}

/// Logs in; returns the client (holding the cookie) and the CSRF token.
pub async fn login(app: &App, user: &str) -> (reqwest::Client, String) {
    let c = client();
    let r = c
        .post(format!("{}/api/v1/session", app.base))
        .json(&json!({"username": user, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "login {user}");
    let v: Value = r.json().await.unwrap();
    (c, v["csrf_token"].as_str().unwrap().to_string())
}

db_test!(healthz_openapi_and_401_without_login, |db| {
    let app = spawn_app(&db).await;
    let c = client();
    assert_eq!(
        c.get(format!("{}/healthz", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
    let spec: Value = c
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        spec["paths"]["/api/v1/estates"]["get"].is_object(),
        "{spec}"
    );
    assert!(spec["paths"]["/api/v1/estates/{id}"]["patch"].is_object());
    let id = app.hefei_estate;
    for (method, path) in [
        ("GET", "/api/v1/session".to_string()),
        ("DELETE", "/api/v1/session".to_string()),
        ("GET", "/api/v1/estates".to_string()),
        ("GET", format!("/api/v1/estates/{id}")),
        ("PATCH", format!("/api/v1/estates/{id}")),
        ("GET", format!("/api/v1/estates/{id}/history")),
        ("PUT", format!("/api/v1/estates/{id}/mode")),
        ("GET", "/api/v1/summary".to_string()),
        ("GET", "/api/v1/divisions".to_string()),
        ("GET", "/api/v1/divisions/340124101".to_string()),
        ("PATCH", "/api/v1/divisions/340124101".to_string()),
        ("GET", "/api/v1/map".to_string()),
        ("GET", "/api/v1/policy".to_string()),
        ("GET", "/api/v1/audit".to_string()),
        ("GET", "/api/v1/users".to_string()),
        ("POST", "/api/v1/users".to_string()),
        ("PATCH", "/api/v1/users/county-340104".to_string()),
        ("POST", "/api/v1/tokens".to_string()),
    ] {
        let r = c
            .request(method.parse().unwrap(), format!("{}{path}", app.base))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{method} {path}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["code"], "unauthorized", "{method} {path}");
        // The description is built from the routes: every route served is described.
        let described = path
            .replace(&format!("/estates/{id}"), "/estates/{id}")
            .replace("/divisions/340124101", "/divisions/{code}")
            .replace("county-340104", "{username}");
        assert!(
            spec["paths"][&described][method.to_lowercase()].is_object(),
            "{method} {described} is served but not in /api/openapi.json"
        );
    }
    assert!(spec["components"]["schemas"]["ErrorBody"].is_object());
    // The edit is described by the type that checks it, not by a copy.
    assert!(
        spec["components"]["schemas"]["EstatePatch"]["properties"]["year_completed"].is_object()
    );
    // Both are built from the domain's field list: every field is described in the detail, and
    // every field a user may change in the patch.
    let detail = format!(
        "{}{}",
        spec["components"]["schemas"]["EstateDetail"], spec["components"]["schemas"]["EstateItem"]
    );
    for f in anju_domain::estate::EstateField::ALL {
        assert!(
            detail.contains(&format!("\"{}\"", f.key())),
            "{f:?} not in EstateDetail: {detail}"
        );
        assert_eq!(
            spec["components"]["schemas"]["EstatePatch"]["properties"][f.key()].is_object(),
            f.editable(),
            "{f:?} in EstatePatch"
        );
    }
});

db_test!(session_login_logout_and_throttling, |db| {
    let app = spawn_app(&db).await;
    let c = client();
    let r = c
        .post(format!("{}/api/v1/session", app.base))
        .json(&json!({"username": "county-340104", "password": "wrong-one"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (c, csrf) = login(&app, "county-340104").await;
    let me: Value = c
        .get(format!("{}/api/v1/session", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["scope"], "340104000000");
    assert_eq!(me["role"], "staff");
    // Logging out needs the CSRF token too.
    let r = c
        .delete(format!("{}/api/v1/session", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .delete(format!("{}/api/v1/session", app.base))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = c
        .get(format!("{}/api/v1/estates", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "the session is gone");
    // Five failures lock the username for a while, even for the right password.
    for _ in 0..5 {
        let r = client()
            .post(format!("{}/api/v1/session", app.base))
            .json(&json!({"username": "city-3402", "password": "nope-nope"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = client()
        .post(format!("{}/api/v1/session", app.base))
        .json(&json!({"username": "city-3402", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "throttled");
});

db_test!(
    csrf_is_required_for_changes_by_cookie_but_not_by_token,
    |db| {
        let app = spawn_app(&db).await;
        let (c, csrf) = login(&app, "county-340104").await;
        let url = format!("{}/api/v1/estates/{}", app.base, app.hefei_estate);
        let r = c
            .patch(&url)
            .json(&json!({"households": 120}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(r.json::<Value>().await.unwrap()["code"], "csrf");
        let r = c
            .patch(&url)
            .header("x-csrf-token", "forged")
            .json(&json!({"households": 120}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = c
            .patch(&url)
            .header("x-csrf-token", &csrf)
            .json(&json!({"households": 120}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.json::<Value>().await.unwrap()["households"], 120);
        // An API token carries no ambient authority: no CSRF token needed.
        let r = c
            .post(format!("{}/api/v1/tokens", app.base))
            .header("x-csrf-token", &csrf)
            .json(&json!({"name": "etl"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let token = r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string();
        let r = reqwest::Client::new()
            .patch(&url)
            .bearer_auth(&token)
            .json(&json!({"households": 121}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let r = reqwest::Client::new()
            .get(&url)
            .bearer_auth("anju_not-a-token")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
);

db_test!(the_estate_list_pages_searches_and_filters, |db| {
    let app = spawn_app(&db).await;
    let (c, _) = login(&app, "city-3401").await;
    let v: Value = c
        .get(format!(
            "{}/api/v1/estates?per_page=2&page=1&sort=name",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 3, "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    let v: Value = c
        .get(format!("{}/api/v1/estates?q=梅山", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["name"], "梅山小区");
    let v: Value = c
        .get(format!("{}/api/v1/estates?eligible=false", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["items"][0]["name"], "新世纪花园");
    assert_eq!(v["items"][0]["failed_rules"][0], "completed_before_cutoff");
});

db_test!(
    an_invalid_edit_names_every_field_at_fault_and_changes_nothing,
    |db| {
        let app = spawn_app(&db).await;
        let (c, csrf) = login(&app, "city-3401").await;
        let before = stored_state(&db.store).await;
        let url = format!("{}/api/v1/estates/{}", app.base, app.hefei_estate);
        let r = c
            .patch(&url)
            .header("x-csrf-token", &csrf)
            .json(&json!({"year_completed": 1800, "households": -1}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let v: Value = r.json().await.unwrap();
        let fields: Vec<&str> = v["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, vec!["year_completed", "households"]);
        assert_eq!(stored_state(&db.store).await, before);
    }
);

db_test!(
    an_office_word_for_a_value_is_read_and_kept_as_written,
    |db| {
        let app = spawn_app(&db).await;
        let (c, csrf) = login(&app, "city-3401").await;
        let url = format!("{}/api/v1/estates/{}", app.base, app.hefei_estate);
        let r = c
            .patch(&url)
            .header("x-csrf-token", &csrf)
            .json(&json!({"property_type": "直管公房", "management_mode": "弃管"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let d: Value = r.json().await.unwrap();
        assert_eq!(d["property_type"], "公房");
        assert_eq!(d["property_type_as_typed"], "直管公房");
        assert_eq!(d["management_mode"], "无人管理");
        assert_eq!(d["management_mode_as_typed"], "弃管");
        let page = c
            .get(format!("{}/estates/{}", app.base, app.hefei_estate))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("<dd>直管公房</dd>"), "{page}");
        assert!(page.contains("<option selected>公房</option>"), "{page}");
        // Chosen from the list, the value is its own name: nothing else is kept.
        let r = c
            .patch(&url)
            .header("x-csrf-token", &csrf)
            .json(&json!({"property_type": "公房"}))
            .send()
            .await
            .unwrap();
        let d: Value = r.json().await.unwrap();
        assert_eq!(d["property_type_as_typed"], Value::Null);
    }
);

db_test!(an_edit_is_assessed_again_and_kept_in_the_history, |db| {
    let app = spawn_app(&db).await;
    let (c, csrf) = login(&app, "city-3401").await;
    let url = format!("{}/api/v1/estates/{}", app.base, app.hefei_estate);
    let r = c
        .patch(&url)
        .header("x-csrf-token", &csrf)
        .json(&json!({"year_completed": 2003}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["eligible"], false, "eligibility follows the edit");
    assert!(d["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["passed"] == false && r["reason"].as_str().unwrap().contains("2003年建成")));
    let h: Value = c
        .get(format!("{url}/history"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let last = h.as_array().unwrap().last().unwrap();
    assert_eq!(last["actor"], "user:city-3401");
    assert_eq!(last["before"]["year_completed"], 1995);
    assert_eq!(last["after"]["year_completed"], 2003);
    let s: Value = c
        .get(format!("{}/api/v1/summary", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(s["estates"], 3);
    assert_eq!(s["division_name"], "合肥市");
});

db_test!(nothing_leaks_outside_a_scope, |db| {
    let app = spawn_app(&db).await;
    for (user, role, scope) in accounts() {
        // The estate outside this account's jurisdiction (none for the whole country or province).
        let (outside, outside_div) = match user {
            "admin" | "province-34" => continue,
            "city-3402" => (app.hefei_estate, "340104"),
            _ => (app.wuhu_estate, "340202"),
        };
        let (c, csrf) = login(&app, user).await;
        let get = |path: String| {
            let c = c.clone();
            let base = app.base.clone();
            async move { c.get(format!("{base}{path}")).send().await.unwrap() }
        };
        for path in [
            format!("/api/v1/estates/{outside}"),
            format!("/api/v1/estates/{outside}/history"),
            format!("/api/v1/summary?division={outside_div}"),
            format!("/api/v1/divisions?parent={outside_div}"),
        ] {
            let r = get(path.clone()).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{user} GET {path}");
        }
        let r = c
            .patch(format!("{}/api/v1/estates/{outside}", app.base))
            .header("x-csrf-token", &csrf)
            .json(&json!({"households": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{user} PATCH");
        let v: Value = get(format!("/api/v1/estates?division={outside_div}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["total"], 0, "{user} list of another division");
        let v: Value = get("/api/v1/estates?per_page=200".into())
            .await
            .json()
            .await
            .unwrap();
        for it in v["items"].as_array().unwrap() {
            let code = DivisionCode::parse(it["division_code"].as_str().unwrap()).unwrap();
            assert!(scope.contains(&code), "{user} sees {code}");
        }
        let points: Value = get("/api/v1/map".into()).await.json().await.unwrap();
        assert!(
            points
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["id"] != outside),
            "{user} map {points}"
        );
        let s: Value = get("/api/v1/summary".into()).await.json().await.unwrap();
        for p in s["parts"].as_array().unwrap() {
            assert!(
                scope.contains(&DivisionCode::parse(p["division_code"].as_str().unwrap()).unwrap()),
                "{user} summary part {p}"
            );
        }
        if role.manages_accounts() {
            let users: Value = get("/api/v1/users".into()).await.json().await.unwrap();
            assert!(
                users.as_array().unwrap().iter().all(|u| u["scope"]
                    .as_str()
                    .is_some_and(|s| scope.contains(&DivisionCode::parse(s).unwrap()))),
                "{user} users {users}"
            );
            let audit: Value = get("/api/v1/audit".into()).await.json().await.unwrap();
            assert!(!audit.as_array().unwrap().is_empty());
            assert!(
                audit.as_array().unwrap().iter().all(|a| a["division_code"]
                    .as_str()
                    .is_some_and(|s| scope.contains(&DivisionCode::parse(s).unwrap()))),
                "{user} audit"
            );
            // An administrator cannot make an account outside their scope.
            let r = c.post(format!("{}/api/v1/users", app.base)).header("x-csrf-token", &csrf).json(&json!({"username": format!("x-{user}"), "role": "staff", "division": outside_div, "password": PASSWORD})).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{user} creates outside");
        }
        // Nor disable or reset an account outside it: not found for administrators, forbidden
        // for everyone else.
        let outside_user = if user == "city-3402" {
            "county-340104"
        } else {
            "city-3402"
        };
        let r = c
            .patch(format!("{}/api/v1/users/{outside_user}", app.base))
            .header("x-csrf-token", &csrf)
            .json(&json!({"active": false, "password": "hijacked-pw"}))
            .send()
            .await
            .unwrap();
        let want = if role.manages_accounts() {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(r.status(), want, "{user} changes {outside_user}");
        if !role.manages_accounts() {
            let r = get("/api/v1/audit".into()).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{user} audit");
        }
    }
    // The administrator sees both, on the map too.
    let (c, _) = login(&app, "admin").await;
    let points: Value = c
        .get(format!("{}/api/v1/map", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(points.as_array().unwrap().len(), 2);
    let v: Value = c
        .get(format!("{}/api/v1/estates", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 4);
});

db_test!(administrators_disable_enable_and_reset_accounts, |db| {
    let app = spawn_app(&db).await;
    let (admin, csrf) = login(&app, "city-3401").await;
    let (staff, _) = login(&app, "county-340104").await;
    let me = |c: &reqwest::Client| {
        let c = c.clone();
        let url = format!("{}/api/v1/session", app.base);
        async move { c.get(url).send().await.unwrap().status() }
    };
    let patch = |user: &str, body: Value| {
        let c = admin.clone();
        let url = format!("{}/api/v1/users/{user}", app.base);
        let csrf = csrf.clone();
        async move {
            c.patch(url)
                .header("x-csrf-token", csrf)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(me(&staff).await, StatusCode::OK);
    // Disabled: the open session ends and the password no longer logs in.
    let r = patch("county-340104", json!({"active": false})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["active"], false);
    assert_eq!(me(&staff).await, StatusCode::UNAUTHORIZED);
    let r = client()
        .post(format!("{}/api/v1/session", app.base))
        .json(&json!({"username": "county-340104", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Enabled again, then a new password: the old one fails, the new one works.
    assert_eq!(
        patch("county-340104", json!({"active": true}))
            .await
            .status(),
        StatusCode::OK
    );
    let (staff, _) = login(&app, "county-340104").await;
    let r = patch("county-340104", json!({"password": "short"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        me(&staff).await,
        StatusCode::OK,
        "a refused change ends nothing"
    );
    let r = patch("county-340104", json!({"password": "a-new-password"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        me(&staff).await,
        StatusCode::UNAUTHORIZED,
        "a reset ends the sessions"
    );
    let r = client()
        .post(format!("{}/api/v1/session", app.base))
        .json(&json!({"username": "county-340104", "password": "a-new-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // No one disables their own account; unknown fields are refused.
    let r = patch("city-3401", json!({"active": false})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = patch("county-340104", json!({"role": "admin"})).await;
    assert!(r.status().is_client_error(), "{}", r.status());
    // Every change is in the audit trail, without the password.
    let audit: Value = admin
        .get(format!("{}/api/v1/audit?q=city-3401", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let changes: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["entity"] == "user" && a["action"] == "update")
        .collect();
    assert_eq!(changes.len(), 3, "{audit}");
    assert!(!audit.to_string().contains("a-new-password"));

    // The same from the administrator's page.
    let page = |c: &reqwest::Client| {
        let c = c.clone();
        let url = format!("{}/admin", app.base);
        async move { c.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(&admin).await;
    assert!(
        html.contains("action=\"/admin/users/county-340104\""),
        "{html}"
    );
    let r = admin
        .post(format!("{}/admin/users/county-340104", app.base))
        .form(&[("csrf", csrf.as_str()), ("action", "disable")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("已停用账户：county-340104"));
    let r = admin
        .post(format!("{}/admin/users/county-340104", app.base))
        .form(&[("csrf", "wrong"), ("action", "enable")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "the page form needs its CSRF token"
    );
    let r = admin
        .post(format!("{}/admin/users/city-3402", app.base))
        .form(&[("csrf", csrf.as_str()), ("action", "disable")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "outside the city");
});

db_test!(nothing_leaks_to_a_sibling_division, |db| {
    // Every outsider is in a *sibling* of the account's own division — the county next door, the
    // street next door, the city next door, the province next door — so a scope cut one level
    // too high would show it. Walked with the session cookie and with an API token, through the
    // API and the pages.
    let app = spawn_app(&db).await;
    let ctx = WriteCtx::new("test", None);
    let jiangsu = anju_io::divisions::parse_divisions(
        "code,name\n32,江苏省\n3201,南京市\n320102,玄武区\n320102001,梅园新村街道\n320102001001,长江路社区\n",
    )
    .unwrap();
    db.store.import_divisions(&ctx, &jiangsu).await.unwrap();
    let a = db.store.assessor(Policy::national(), 2026).await.unwrap();
    let mut outsiders = vec![
        estate("庐阳邻县小区", "340103001001", 1990),
        estate("稻香村邻街小区", "340104002001", 1990),
        estate("江苏邻省小区", "320102001001", 1990),
    ];
    for (e, (lon, lat)) in
        outsiders
            .iter_mut()
            .zip([(117.28, 31.87), (117.26, 31.84), (118.8, 32.05)])
    {
        e.location = Some(anju_domain::estate::Wgs84 { lon, lat });
    }
    db.store.upsert_estates(&ctx, &outsiders, &a).await.unwrap();
    let id = |division: &str| {
        let store = db.store.clone();
        let name = outsiders
            .iter()
            .find(|e| e.division_code.as_str() == division)
            .unwrap()
            .name
            .clone();
        let division = division.to_string();
        async move {
            (
                store
                    .estate_by_key(&division, &name)
                    .await
                    .unwrap()
                    .unwrap()
                    .id,
                name,
            )
        }
    };
    let county = id("340103001001").await;
    let street = id("340104002001").await;
    // A bundle in the county next door (庐阳区): its own estate and a second one there.
    let mut second = estate("庐阳邻县二号小区", "340103001001", 1990);
    second.location = Some(anju_domain::estate::Wgs84 {
        lon: 117.281,
        lat: 31.871,
    });
    db.store.upsert_estates(&ctx, &[second], &a).await.unwrap();
    let second = db
        .store
        .estate_by_key("340103001001", "庐阳邻县二号小区")
        .await
        .unwrap()
        .unwrap()
        .id;
    let luyang_bundle = db
        .store
        .scoped(Scope::All)
        .save_bundle(
            &ctx,
            None,
            anju_store::scoped::BundleInput {
                name: "庐阳片区".into(),
                members: vec![county.0, second],
                mode: Default::default(),
                incomes: Vec::new(),
                note: String::new(),
            },
        )
        .await
        .unwrap();
    let province = id("320102001001").await;
    let wuhu = (app.wuhu_estate, "镜湖小区".to_string());
    let hefei = (app.hefei_estate, "梅山小区".to_string());
    // A scenario of that county too.
    let luyang_scenario = {
        let luyang = db.store.scoped(Scope::Division(
            DivisionCode::parse_short("340103").unwrap(),
        ));
        let plan = luyang
            .annual_plan(
                &a,
                anju_store::scoped::PlanRequest {
                    year: 2027,
                    budget: 100_000_000,
                    years: 1,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        luyang.save_scenario(&ctx, "庐阳方案", &plan).await.unwrap()
    };
    // A consultation and a vote of that county's estate, with a register of two owners.
    let (luyang_consultation, luyang_vote) = {
        let all = db.store.scoped(Scope::All);
        crate::support::register_two(&db.store, county.0, ["庐阳甲", "庐阳乙"]).await;
        let c = all.open_consultation(county.0, "征询", &ctx).await.unwrap();
        let v = all
            .open_vote(
                county.0,
                &anju_store::scoped::NewVote {
                    matter: 5,
                    title: "表决".into(),
                    building: None,
                    unit: None,
                    closes_at: chrono::Utc::now() + chrono::Duration::days(3),
                },
                &ctx,
            )
            .await
            .unwrap();
        (c, v)
    };
    // A menu, a survey, a notice and a proposal of that county's estate.
    let (luyang_menu, luyang_survey, luyang_notice, luyang_post) = {
        let all = db.store.scoped(Scope::All);
        let m = all
            .open_menu(
                county.0,
                &anju_store::scoped::NewMenu {
                    title: "菜单".into(),
                    budget: anju_domain::quantity::Money::from_yuan(100),
                    rule: anju_planning::menu::Rule::Greedy,
                    completion: anju_planning::menu::Completion::None,
                    items: vec![(
                        "A".into(),
                        "加装电梯".into(),
                        anju_domain::quantity::Money::from_yuan(50),
                    )],
                },
                &ctx,
            )
            .await
            .unwrap();
        let s = all.open_survey(county.0, "满意度", &ctx).await.unwrap();
        let n = all
            .publish_notice(
                county.0,
                anju_domain::participation::NoticeKind::Scheme,
                "方案",
                "内容",
                &ctx,
            )
            .await
            .unwrap();
        let p = all.staff_post(county.0, None, "议题", &ctx).await.unwrap();
        (m, s, n, p)
    };
    // A project of that county's estate (both its households answered the consultation).
    let luyang_project = {
        let all = db.store.scoped(Scope::All);
        crate::support::all_agree(&db.store, county.0, luyang_consultation).await;
        all.move_in_pool(&ctx, &a, &[county.0], PoolState::Planned, Some(2026))
            .await
            .unwrap();
        all.create_project(&a, "庐阳项目", &[county.0], None, &ctx)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    // Its works' records: an inspection with a finding, a photo, a complaint, a task for a
    // department of that county.
    let (luyang_finding, luyang_document, luyang_complaint, luyang_task) = {
        let all = db.store.scoped(Scope::All);
        let i: anju_store::scoped::InspectionInput = serde_json::from_value(json!({
            "kind": "quality", "date": "2026-07-01", "inspector": "庐阳区质监站",
            "findings": [{"description": "x", "severity": "minor", "rectify_by": "2026-07-10"}]
        }))
        .unwrap();
        let i = all
            .record_inspection(luyang_project, &i, &ctx)
            .await
            .unwrap();
        let d = all
            .add_document(
                luyang_project,
                anju_domain::works::DocumentKind::Photo,
                "a.png",
                "",
                b"\x89PNG\r\n\x1a\nrest",
                &a,
                &ctx,
            )
            .await
            .unwrap();
        let k = all
            .record_complaint(
                luyang_project,
                chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                "12345",
                "x",
                &ctx,
            )
            .await
            .unwrap();
        let dept = db
            .store
            .add_user(
                &ctx,
                "dept-340103",
                "庐阳区住建局",
                Role::Department,
                div("340103"),
                PASSWORD,
            )
            .await
            .unwrap();
        let t = all
            .create_tasks(
                &[anju_store::scoped::NewTask {
                    project_id: Some(luyang_project),
                    title: "庐阳任务".into(),
                    department_id: dept.id,
                    ..Default::default()
                }],
                &ctx,
            )
            .await
            .unwrap();
        (i.findings[0].id, d.id, k.id, t[0].id)
    };
    let walk = [
        ("county-340104", &county, "340103"),
        ("dept-340104", &county, "340103"),
        ("builder-340104", &county, "340103"),
        ("street-340104001", &street, "340104002"),
        ("city-3401", &wuhu, "3402"),
        ("city-3402", &hefei, "3401"),
        ("province-34", &province, "32"),
    ];
    for (user, (outside, name), outside_div) in walk {
        let (cookie_client, csrf) = login(&app, user).await;
        let token: Value = cookie_client
            .post(format!("{}/api/v1/tokens", app.base))
            .header("x-csrf-token", &csrf)
            .json(&json!({"name": "leak walk"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = token["token"].as_str().unwrap().to_string();
        for how in ["cookie", "bearer"] {
            let (c, auth) = if how == "cookie" {
                (cookie_client.clone(), None)
            } else {
                (client(), Some(format!("Bearer {token}")))
            };
            let send = |m: reqwest::Method, path: String| {
                let mut r = c.request(m, format!("{}{path}", app.base));
                if let Some(a) = &auth {
                    r = r.header("authorization", a);
                }
                r.header("x-csrf-token", &csrf)
            };
            let what = |p: &str| format!("{user} ({how}) {p}");
            for path in [
                format!("/api/v1/estates/{outside}"),
                format!("/api/v1/estates/{outside}/history"),
                format!("/api/v1/summary?division={outside_div}"),
                format!("/api/v1/divisions?parent={outside_div}"),
                format!("/api/v1/divisions/{outside_div}"),
                format!("/api/v1/map?division={outside_div}"),
                format!("/api/v1/policy?division={outside_div}"),
                format!("/api/v1/estates/{outside}/needs"),
                format!("/api/v1/pool?division={outside_div}"),
                format!("/api/v1/bundles?division={outside_div}"),
                format!("/api/v1/bundles/proposals?division={outside_div}"),
                format!("/api/v1/gaps?division={outside_div}"),
                format!("/api/v1/scenarios?division={outside_div}"),
                format!("/api/v1/estates/{outside}/owners"),
                format!("/api/v1/estates/{outside}/consultations"),
                format!("/api/v1/estates/{outside}/votes"),
                format!("/api/v1/estates/{outside}/menus"),
                format!("/api/v1/estates/{outside}/contributions"),
                format!("/api/v1/estates/{outside}/surveys"),
                format!("/api/v1/estates/{outside}/notices"),
                format!("/api/v1/estates/{outside}/deliberation"),
                format!("/api/v1/satisfaction?division={outside_div}"),
                format!("/api/v1/money?division={outside_div}"),
            ] {
                let r = send(reqwest::Method::GET, path.clone())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    r.status(),
                    StatusCode::NOT_FOUND,
                    "{}: {}",
                    what(&path),
                    r.text().await.unwrap()
                );
            }
            let r = send(reqwest::Method::PATCH, format!("/api/v1/estates/{outside}"))
                .json(&json!({"households": 1}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{}", what("PATCH"));
            let r = send(
                reqwest::Method::PUT,
                format!("/api/v1/estates/{outside}/mode"),
            )
            .json(&json!({"mode": "comprehensive"}))
            .send()
            .await
            .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{}", what("PUT mode"));
            for m in [reqwest::Method::PUT, reqwest::Method::DELETE] {
                let r = send(m.clone(), format!("/api/v1/estates/{outside}/needs/gas"))
                    .json(&json!({"quantity": 1}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    r.status(),
                    StatusCode::NOT_FOUND,
                    "{}",
                    what(&format!("{m} need"))
                );
            }
            let r = send(reqwest::Method::POST, "/api/v1/plans".into())
                .json(&json!({"year": 2027, "budget": 100000000, "division": outside_div}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::NOT_FOUND,
                "{}",
                what("plan of a division outside")
            );
            for (path, body) in [
                (format!("/api/v1/estates/{outside}/owners/codes"), json!({})),
                (
                    format!("/api/v1/estates/{outside}/owners?format=csv"),
                    json!("楼栋,房号,登记面积\n1,101,80\n"),
                ),
                (
                    format!("/api/v1/estates/{outside}/consultations"),
                    json!({"title": "x"}),
                ),
                (
                    format!("/api/v1/estates/{outside}/votes"),
                    json!({"matter": 5, "title": "x"}),
                ),
                (
                    format!("/api/v1/estates/{outside}/menus"),
                    json!({"title": "x", "budget": "1", "rule": "greedy", "items": [{"code": "A", "name": "x", "cost": "1"}]}),
                ),
                (
                    format!("/api/v1/estates/{outside}/contributions"),
                    json!({"kind": "money", "amount": "1", "receipt_no": "x", "received_on": "2026-01-01"}),
                ),
                (
                    format!("/api/v1/estates/{outside}/surveys"),
                    json!({"title": "x"}),
                ),
                (
                    format!("/api/v1/estates/{outside}/notices"),
                    json!({"kind": "scheme", "title": "x", "body": "x"}),
                ),
                (
                    format!("/api/v1/estates/{outside}/posts"),
                    json!({"body": "x"}),
                ),
                (
                    format!("/api/v1/estates/{outside}/meetings"),
                    json!({"kind": "council", "title": "x", "held_at": "2026-01-01 10:00"}),
                ),
            ] {
                let r = send(reqwest::Method::POST, path.clone())
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    r.status(),
                    StatusCode::NOT_FOUND,
                    "{}",
                    what(&format!("POST {path}"))
                );
            }
            // The consultation and vote of the county next door: unseen, unanswerable.
            if outside_div == "340103" {
                for (m, path, body) in [
                    (
                        reqwest::Method::GET,
                        format!("/api/v1/consultations/{luyang_consultation}"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/consultations/{luyang_consultation}/answers"),
                        json!({"owner_id": 1, "answer": "agree"}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/consultations/{luyang_consultation}/close"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::GET,
                        format!("/api/v1/votes/{luyang_vote}"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/votes/{luyang_vote}/ballots"),
                        json!({"owner_id": 1, "choice": "agree"}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/votes/{luyang_vote}/close"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/votes/{luyang_vote}/committee"),
                        json!({"members": [{"name": "x"}]}),
                    ),
                    (
                        reqwest::Method::GET,
                        format!("/api/v1/menus/{luyang_menu}"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::GET,
                        format!("/api/v1/menus/{luyang_menu}/pb"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/menus/{luyang_menu}/ballots"),
                        json!({"owner_id": 1, "items": ["A"]}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/menus/{luyang_menu}/close"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/surveys/{luyang_survey}/answers"),
                        json!({"owner_id": 1, "rating": "satisfied"}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/surveys/{luyang_survey}/close"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/notices/{luyang_notice}/withdraw"),
                        json!({"reason": "x"}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/posts/{luyang_post}/hide"),
                        json!({"reason": "x"}),
                    ),
                    (
                        reqwest::Method::GET,
                        format!("/api/v1/projects/{luyang_project}"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::PATCH,
                        format!("/api/v1/projects/{luyang_project}"),
                        json!({"contractor": "x"}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/projects/{luyang_project}/transitions"),
                        json!({"to": "scheme_approved"}),
                    ),
                    (
                        reqwest::Method::GET,
                        format!("/api/v1/projects/{luyang_project}/money"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/projects/{luyang_project}/money"),
                        json!({"kind": "receipt", "source": "central", "amount": "1"}),
                    ),
                    (
                        reqwest::Method::GET,
                        format!("/api/v1/projects/{luyang_project}/progress"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/projects/{luyang_project}/progress"),
                        json!({"month": "2026-07", "invested": "1", "progress_pct": 1}),
                    ),
                    (
                        reqwest::Method::GET,
                        format!("/api/v1/projects/{luyang_project}/documents"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::GET,
                        format!("/api/v1/documents/{luyang_document}"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::GET,
                        format!("/api/v1/projects/{luyang_project}/inspections"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/projects/{luyang_project}/inspections"),
                        json!({"kind": "quality", "date": "2026-07-01", "inspector": "x"}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/findings/{luyang_finding}/close"),
                        json!({"closure": "x"}),
                    ),
                    (
                        reqwest::Method::GET,
                        format!("/api/v1/projects/{luyang_project}/complaints"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/projects/{luyang_project}/complaints"),
                        json!({"summary": "x"}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/complaints/{luyang_complaint}/steps"),
                        json!({"text": "x", "status": "resolved"}),
                    ),
                    (
                        reqwest::Method::GET,
                        format!("/api/v1/projects/{luyang_project}/funding-plan"),
                        json!({}),
                    ),
                    (
                        reqwest::Method::PUT,
                        format!("/api/v1/projects/{luyang_project}/funding-plan"),
                        json!({"lines": []}),
                    ),
                    (
                        reqwest::Method::POST,
                        format!("/api/v1/projects/{luyang_project}/utility-tasks"),
                        json!({"utility": "gas", "works": "outside", "utility_department_id": 1}),
                    ),
                    (
                        reqwest::Method::PATCH,
                        format!("/api/v1/tasks/{luyang_task}"),
                        json!({"status": "done"}),
                    ),
                    (
                        reqwest::Method::POST,
                        "/api/v1/tasks".to_string(),
                        json!({"title": "x", "department_id": 1, "project_id": luyang_project}),
                    ),
                    (
                        reqwest::Method::POST,
                        "/api/v1/allocations".to_string(),
                        json!({"division": outside_div, "source": "central", "amount": "1"}),
                    ),
                ] {
                    let r = send(m.clone(), path.clone())
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(
                        r.status(),
                        StatusCode::NOT_FOUND,
                        "{}",
                        what(&format!("{m} {path}"))
                    );
                }
            }
            // A bundle of the county next door: unseen, unchangeable; no bundle takes an
            // estate outside.
            if outside_div == "340103" {
                let v: Value = send(reqwest::Method::GET, "/api/v1/bundles".into())
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert!(
                    v["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|b| b["id"] != luyang_bundle),
                    "{}: {v}",
                    what("bundles")
                );
                let v: Value = send(reqwest::Method::GET, "/api/v1/scenarios".into())
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert!(
                    v.as_array()
                        .unwrap()
                        .iter()
                        .all(|s| s["id"] != luyang_scenario),
                    "{}: {v}",
                    what("scenarios")
                );
                let r = send(
                    reqwest::Method::DELETE,
                    format!("/api/v1/scenarios/{luyang_scenario}"),
                )
                .send()
                .await
                .unwrap();
                assert_eq!(
                    r.status(),
                    StatusCode::NOT_FOUND,
                    "{}",
                    what("DELETE scenario")
                );
                for m in [reqwest::Method::PUT, reqwest::Method::DELETE] {
                    let r = send(m.clone(), format!("/api/v1/bundles/{luyang_bundle}"))
                        .json(&json!({"name": "x", "members": [outside, *outside]}))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(
                        r.status(),
                        StatusCode::NOT_FOUND,
                        "{}",
                        what(&format!("{m} bundle"))
                    );
                }
            }
            // The rectification and responsibility lists never show the county next door's.
            let lists = if outside_div == "340103" {
                vec![
                    ("/api/v1/findings?on=2026-07-20", luyang_finding),
                    ("/api/v1/tasks", luyang_task),
                ]
            } else {
                Vec::new()
            };
            for (path, unseen) in lists {
                let v: Value = send(reqwest::Method::GET, path.into())
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert!(
                    v["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|x| x["id"] != unseen),
                    "{}: {v}",
                    what(path)
                );
            }
            // No project of an estate outside: not listed, not made.
            let v: Value = send(reqwest::Method::GET, "/api/v1/projects".into())
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(
                v["items"].as_array().unwrap().iter().all(|p| p["estates"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|e| e != outside)),
                "{}: {v}",
                what("projects")
            );
            let v: Value = send(
                reqwest::Method::GET,
                "/api/v1/projects/overdue?on=2026-07-01".into(),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
            if outside_div == "340103" {
                assert!(
                    v["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|p| p["id"] != luyang_project),
                    "{}: {v}",
                    what("overdue projects")
                );
            }
            let r = send(reqwest::Method::POST, "/api/v1/projects".into())
                .json(&json!({"estates": [outside]}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::NOT_FOUND,
                "{}",
                what("POST project")
            );
            let r = send(reqwest::Method::POST, "/api/v1/bundles".into())
                .json(&json!({"name": "越界片区", "members": [outside, app.hefei_estate]}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::NOT_FOUND,
                "{}",
                what("bundle with an estate outside")
            );
            let gaps: Value = send(reqwest::Method::GET, "/api/v1/gaps".into())
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(
                gaps.as_array().unwrap().iter().all(|e| e["id"] != *outside),
                "{}: {gaps}",
                what("gaps")
            );
            // Committing an estate outside: refused without a word of it.
            let r = send(reqwest::Method::POST, "/api/v1/plans".into())
                .json(&json!({"year": 2027, "budget": 100000000, "commit": [outside]}))
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                what("commit outside")
            );
            assert!(
                !r.text().await.unwrap().contains(name.as_str()),
                "{}",
                what("commit outside")
            );
            for path in ["/api/v1/pool".to_string()] {
                let v: Value = send(reqwest::Method::GET, path.clone())
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert!(
                    v["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|i| i["id"] != *outside),
                    "{}: {v}",
                    what(&path)
                );
            }
            let plan: Value = send(reqwest::Method::POST, "/api/v1/plans".into())
                .json(&json!({"year": 2027, "budget": 1000000000}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(
                plan["why"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|w| w["id"].as_str() != Some(outside.to_string().as_str())),
                "{}: {plan}",
                what("plan")
            );
            // Not found comes before "not allowed": an outsider learns nothing of the division.
            let r = send(
                reqwest::Method::PATCH,
                format!("/api/v1/divisions/{outside_div}"),
            )
            .json(&json!({"county_seat": true}))
            .send()
            .await
            .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::NOT_FOUND,
                "{}",
                what("PATCH division")
            );
            for path in [
                format!("/api/v1/estates?division={outside_div}"),
                format!("/api/v1/estates?q={name}"),
                format!("/api/v1/estates?q={}", &name[..6]),
                "/api/v1/estates?per_page=200".to_string(),
            ] {
                let v: Value = send(reqwest::Method::GET, path.clone())
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert!(
                    v["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|i| i["id"] != *outside),
                    "{}: {v}",
                    what(&path)
                );
                if path.contains("division=") || path.contains(&format!("q={name}")) {
                    assert_eq!(v["total"], 0, "{}", what(&path));
                }
            }
            let points: Value = send(reqwest::Method::GET, "/api/v1/map".into())
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(
                points
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|p| p["id"] != *outside),
                "{}: {points}",
                what("map")
            );
        }
        // The pages, with the session.
        let (page, page_csrf) = crate::pages::page_login(&app, user).await;
        // Setting the policy of a division outside: not found, whoever asks.
        let r = page
            .post(format!("{}/policies", app.base))
            .form(&[
                ("csrf", page_csrf.as_str()),
                ("division", outside_div),
                ("from_year", "2026"),
                ("body", "[eligibility]\nconditional_cutoff_year = 2005\n"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{user} POST /policies");
        let r = page
            .post(format!("{}/estates/{outside}/needs", app.base))
            .form(&[
                ("csrf", page_csrf.as_str()),
                ("item", "gas"),
                ("quantity", "1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{user} POST needs");
        for (path, form) in [
            (
                "/planning/plan/adopt",
                vec![("budget", "100"), ("division", outside_div)],
            ),
            (
                "/planning/scenarios",
                vec![
                    ("budget", "100"),
                    ("division", outside_div),
                    ("name", "越界"),
                ],
            ),
            (
                "/planning/bundles",
                vec![
                    ("name", "越界"),
                    ("members", &*format!("{outside},{}", app.hefei_estate)),
                ],
            ),
        ] {
            let mut form = form;
            form.push(("csrf", page_csrf.as_str()));
            let r = page
                .post(format!("{}{path}", app.base))
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{user} POST {path}");
        }
        // The residents' pages and forms of an estate outside, and of the county next door's
        // consultation and vote.
        let mut posts = vec![
            format!("/estates/{outside}/consultations"),
            format!("/estates/{outside}/votes"),
            format!("/estates/{outside}/codes"),
        ];
        for action in [
            "menu",
            "contribution",
            "survey",
            "notice",
            "post",
            "meeting",
            "committee",
        ] {
            posts.push(format!("/estates/{outside}/participation/{action}"));
        }
        if outside_div == "340103" {
            posts.extend([
                format!("/projects/{luyang_project}/transition"),
                format!("/projects/{luyang_project}/record"),
                format!("/projects/{luyang_project}/progress"),
                format!("/projects/{luyang_project}/inspection"),
                format!("/projects/{luyang_project}/money"),
                format!("/projects/{luyang_project}/complaint"),
                format!("/tasks/{luyang_task}"),
                format!("/consultations/{luyang_consultation}/answers"),
                format!("/consultations/{luyang_consultation}/close"),
                format!("/votes/{luyang_vote}/ballots"),
                format!("/votes/{luyang_vote}/close"),
            ]);
            let r = page
                .get(format!("{}/votes/{luyang_vote}", app.base))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{user} vote page");
            // The projects' export leaves the county next door's out.
            let bytes = page
                .get(format!("{}/projects.xlsx", app.base))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            assert!(
                crate::works::xlsx_rows(&bytes)
                    .iter()
                    .all(|r| r.iter().all(|c| c != "庐阳项目")),
                "{user} projects.xlsx"
            );
            for path in [
                format!("/menus/{luyang_menu}"),
                format!("/menus/{luyang_menu}/pb"),
                format!("/projects/{luyang_project}"),
                format!("/documents/{luyang_document}"),
                format!("/money?division={outside_div}"),
            ] {
                let r = page
                    .get(format!("{}{path}", app.base))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::NOT_FOUND, "{user} page {path}");
            }
            // Through the user's own estate's forms, the county next door's menu, survey,
            // notice, post and vote are still not found.
            if user == "county-340104" {
                let own = app.hefei_estate;
                for (action, field, target) in [
                    ("menu_ballot", "menu_id", luyang_menu),
                    ("close_menu", "menu_id", luyang_menu),
                    ("rating", "survey_id", luyang_survey),
                    ("close_survey", "survey_id", luyang_survey),
                    ("withdraw", "notice_id", luyang_notice),
                    ("hide", "post_id", luyang_post),
                    ("committee", "vote_id", luyang_vote),
                ] {
                    let target = target.to_string();
                    let r = page
                        .post(format!("{}/estates/{own}/participation/{action}", app.base))
                        .form(&[
                            ("csrf", page_csrf.as_str()),
                            (field, target.as_str()),
                            ("owner_id", "1"),
                            ("item:A", "1"),
                            ("rating", "satisfied"),
                            ("reason", "越界"),
                            ("members", "主任：某"),
                        ])
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), StatusCode::NOT_FOUND, "{user} POST {action}");
                }
            }
        }
        let upload = reqwest::multipart::Form::new()
            .text("csrf", page_csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(
                    b"\xe6\xa5\xbc\xe6\xa0\x8b,room,area\n1,101,80\n".to_vec(),
                )
                .file_name("owners.csv"),
            );
        let r = page
            .post(format!("{}/estates/{outside}/owners", app.base))
            .multipart(upload)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "{user} POST owners upload"
        );
        for path in posts {
            let r = page
                .post(format!("{}{path}", app.base))
                .form(&[
                    ("csrf", page_csrf.as_str()),
                    ("title", "越界"),
                    ("matter", "5"),
                    ("owner_id", "1"),
                    ("answer", "agree"),
                    ("choice", "agree"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{user} POST {path}");
        }
        if outside_div == "340103" {
            let r = page
                .post(format!(
                    "{}/planning/bundles/{luyang_bundle}/delete",
                    app.base
                ))
                .form(&[("csrf", page_csrf.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::NOT_FOUND,
                "{user} POST bundle delete"
            );
        }
        for path in [
            format!("/estates/{outside}"),
            format!("/?division={outside_div}"),
            format!("/export.xlsx?division={outside_div}"),
            format!("/divisions/{outside_div}"),
            format!("/policies?division={outside_div}"),
            format!("/estates/{outside}/needs"),
            format!("/planning?division={outside_div}"),
            format!("/planning/catalogue?division={outside_div}"),
            format!("/planning/plan?year=2027&budget=100&division={outside_div}"),
            format!("/planning/plan.xlsx?year=2027&budget=100&division={outside_div}"),
            format!("/planning/bundles?division={outside_div}"),
            format!("/planning/gaps?division={outside_div}"),
            format!("/estates/{outside}/residents"),
            format!("/estates/{outside}/participation"),
        ] {
            let r = page
                .get(format!("{}{path}", app.base))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{user} page {path}");
        }
        let html = page
            .get(format!("{}/estates?q={name}", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !html.contains(name.as_str()) || html.matches(name.as_str()).count() == 1,
            "{user} search page"
        );
        assert!(
            !html.contains(&format!("/estates/{outside}\"")),
            "{user} search page links the outsider"
        );
    }
});

// A province's administrator says that 庐江县's second town is a county seat too: its estate is
// then eligible, the change is audited and the totals follow; a county's staff and a city's
// administrator may not; a street is not a town.
db_test!(a_province_administrator_sets_a_county_seat, |db| {
    let app = spawn_app(&db).await;
    let a = db.store.assessor(Policy::national(), 2026).await.unwrap();
    let ctx = WriteCtx::new("test", None);
    let town = "340124101";
    let hood = db
        .store
        .child_divisions(Some(&anju_domain::DivisionCode::parse_short(town).unwrap()))
        .await
        .unwrap()[0]
        .code
        .to_string();
    db.store
        .upsert_estates(&ctx, &[estate("冶父山小区", &hood, 1990)], &a)
        .await
        .unwrap();
    let eligible = || {
        let store = db.store.clone();
        let hood = hood.clone();
        async move {
            store
                .estate_by_key(&hood, "冶父山小区")
                .await
                .unwrap()
                .unwrap()
                .eligible
        }
    };
    assert!(!eligible().await);
    let patch = |user: &'static str, code: &'static str, seat: bool| {
        let app = &app;
        async move {
            let (c, csrf) = login(app, user).await;
            c.patch(format!("{}/api/v1/divisions/{code}", app.base))
                .header("x-csrf-token", csrf)
                .json(&json!({ "county_seat": seat }))
                .send()
                .await
                .unwrap()
        }
    };
    for user in ["city-3401", "county-340104"] {
        let r = patch(user, "340124101", true).await;
        // city-3401 covers 庐江县 but is not a province's administrator; the county's staff
        // does not even see it.
        let want = if user == "city-3401" {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(r.status(), want, "{user}");
    }
    assert!(!eligible().await);
    let r = patch("province-34", "340104001", true).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a street");
    let r = patch("province-34", "340124101", true).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["county_seat"], true);
    assert_eq!(v["town_kind"], "town");
    assert_eq!(v["reassessed"], 1);
    assert!(eligible().await);
    let s = db
        .store
        .summary(Some(&anju_domain::DivisionCode::parse_short(town).unwrap()))
        .await
        .unwrap();
    assert_eq!(s.totals.eligible_estates, 1);
    let trail = db
        .store
        .history("division", &format!("{town}000"))
        .await
        .unwrap();
    let last = trail.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.actor.as_str()),
        ("update", "user:province-34")
    );
    assert!(last
        .before
        .as_deref()
        .unwrap()
        .contains("\"county_seat\":false"));
    assert!(last
        .after
        .as_deref()
        .unwrap()
        .contains("\"county_seat\":true"));
    // The page shows it, and its form changes it back.
    let (page, csrf) = crate::pages::page_login(&app, "province-34").await;
    let html = page
        .get(format!("{}/divisions/{town}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("冶父山镇") && html.contains("本镇为县城"),
        "{html}"
    );
    let r = page
        .post(format!("{}/divisions/{town}", app.base))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let html = page
        .get(format!("{}{to}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("重新判定的小区1个"), "{html}");
    assert!(!eligible().await);
});

// An estate whose sheet had no 是否城中村 column is 待核实; the page asks 待核实/是/否 for it
// (saving the page with 待核实 left changes nothing), and an answer settles the rule.
db_test!(an_unsurveyed_rule_is_answered_by_an_edit, |db| {
    let app = spawn_app(&db).await;
    let a = db.store.assessor(Policy::national(), 2026).await.unwrap();
    let ctx = WriteCtx::new("test", None);
    let mut e = estate("未查小区", "340104001002", 1990);
    e.unsurveyed
        .insert(anju_domain::estate::EstateField::UrbanVillage);
    db.store.upsert_estates(&ctx, &[e], &a).await.unwrap();
    let id = db
        .store
        .estate_by_key("340104001002", "未查小区")
        .await
        .unwrap()
        .unwrap()
        .id;
    let (c, csrf) = login(&app, "city-3401").await;
    let url = format!("{}/api/v1/estates/{id}", app.base);
    let d: Value = c.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(d["outcome"], "undetermined");
    assert_eq!(d["unsurveyed"], json!(["urban_village"]));
    let (page, pcsrf) = crate::pages::page_login(&app, "city-3401").await;
    let html = page
        .get(format!("{}/estates/{id}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<select id=\"urban_village\" name=\"urban_village\">"),
        "{html}"
    );
    let form = [
        ("csrf", pcsrf.as_str()),
        ("name", "未查小区"),
        ("year_completed", "1990"),
        ("building_count", "2"),
        ("households", "100"),
        ("floor_area_m2", "7400"),
        ("urban_village", ""),
    ];
    let r = page
        .post(format!("{}/estates/{id}", app.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let d: Value = c.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(d["outcome"], "undetermined", "待核实 left as it was");
    let r = c
        .patch(&url)
        .header("x-csrf-token", &csrf)
        .json(&json!({"urban_village": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["outcome"], "eligible");
    assert_eq!(d["unsurveyed"], json!([]));
});

// A province's administrator sets 安徽's second cut-off on the policy page: the 2003 estate
// becomes conditional; a county's staff sees the policy in force but no form, and may not post.
db_test!(the_policy_page_sets_a_province_policy, |db| {
    let app = spawn_app(&db).await;
    let a = db.store.assessor(Policy::national(), 2026).await.unwrap();
    let ctx = WriteCtx::new("test", None);
    db.store
        .upsert_estates(&ctx, &[estate("〇三小区", "340104001002", 2003)], &a)
        .await
        .unwrap();
    let (staff, staff_csrf) = crate::pages::page_login(&app, "county-340104").await;
    let html = staff
        .get(format!("{}/policies", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("cutoff_year = 2000"), "{html}");
    assert!(!html.contains("name=\"body\""), "no form for staff");
    let post = |client: &reqwest::Client, csrf: &str, division: &str| {
        client
            .post(format!("{}/policies", app.base))
            .form(&[
                ("csrf", csrf),
                ("division", division),
                ("from_year", "2021"),
                ("body", "[eligibility]\nconditional_cutoff_year = 2005\n"),
            ])
            .send()
    };
    let r = post(&staff, &staff_csrf, "340104").await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (admin, csrf) = crate::pages::page_login(&app, "province-34").await;
    let r = post(&admin, &csrf, "340104").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "a county");
    let r = post(&admin, &csrf, "34").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let html = admin
        .get(format!("{}{to}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("1个小区的判定结果有变化"), "{html}");
    assert!(html.contains("conditional_cutoff_year = 2005"), "{html}");
    let m = db
        .store
        .estate_by_key("340104001002", "〇三小区")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.outcome, "conditional");
    let (c, _) = login(&app, "county-340104").await;
    let v: Value = c
        .get(format!("{}/api/v1/policy?year=2026", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["division_code"], "340104000000");
    assert!(v["toml"]
        .as_str()
        .unwrap()
        .contains("conditional_cutoff_year = 2005"));
});

// An official confirms the suggested mode on the page and through the API; a bad key is refused.
db_test!(a_mode_is_confirmed_with_who_and_when, |db| {
    let app = spawn_app(&db).await;
    let (c, csrf) = login(&app, "county-340104").await;
    let url = format!("{}/api/v1/estates/{}/mode", app.base, app.hefei_estate);
    let r = c
        .put(&url)
        .header("x-csrf-token", &csrf)
        .json(&json!({"mode": "rebuilt"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .put(&url)
        .header("x-csrf-token", &csrf)
        .json(&json!({"mode": "comprehensive"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let d: Value = r.json().await.unwrap();
    assert_eq!(d["confirmed_mode"], "comprehensive");
    assert_eq!(d["mode_confirmed_by"], "user:county-340104");
    assert!(d["mode_confirmed_at"].is_string());
    let (page, pcsrf) = crate::pages::page_login(&app, "county-340104").await;
    let r = page
        .post(format!("{}/estates/{}/mode", app.base, app.hefei_estate))
        .form(&[("csrf", pcsrf.as_str()), ("mode", "demolition_combined")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = page
        .get(format!("{}/estates/{}", app.base, app.hefei_estate))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("确认的改造模式：拆改结合型"), "{html}");
});
