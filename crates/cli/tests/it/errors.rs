//! Errors a person understands: the API answers every error as `{"code","message"}`, pages as a
//! page in the reader's language; invalid input is 422, a conflict 409, outside the scope 404,
//! and a user's mistake never a 500.

use crate::db_test;
use crate::http::{login, spawn_app};
use crate::pages::page_login;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The response is a JSON error with this status and code.
async fn json_error(r: reqwest::Response, status: StatusCode, code: &str, what: &str) -> Value {
    assert_eq!(r.status(), status, "{what}");
    let ty = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ty.starts_with("application/json"), "{what}: {ty}");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], code, "{what}: {v}");
    assert!(!v["message"].as_str().unwrap().is_empty(), "{what}: {v}");
    v
}

db_test!(
    malformed_requests_get_the_json_error_of_every_other_error,
    |db| {
        let app = spawn_app(&db).await;
        let (c, csrf) = login(&app, "county-340104").await;
        let url = format!("{}/api/v1/estates/{}", app.base, app.hefei_estate);
        let patch = |body: &'static str, ty: &'static str| {
            c.patch(&url)
                .header("x-csrf-token", &csrf)
                .header("content-type", ty)
                .body(body)
                .send()
        };
        let r = patch("{\"households\": 12", "application/json")
            .await
            .unwrap();
        json_error(r, StatusCode::BAD_REQUEST, "bad_request", "broken JSON").await;
        let r = patch("{\"households\": \"many\"}", "application/json")
            .await
            .unwrap();
        json_error(
            r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "a word for a number",
        )
        .await;
        let r = patch("{\"colour\": \"red\"}", "application/json")
            .await
            .unwrap();
        json_error(
            r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "an unknown field",
        )
        .await;
        let r = patch("households=12", "application/x-www-form-urlencoded")
            .await
            .unwrap();
        json_error(
            r,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "a form",
        )
        .await;
        let r = c
            .post(format!("{}/api/v1/session", app.base))
            .header("content-type", "application/json")
            .body("{\"username\": ")
            .send()
            .await
            .unwrap();
        json_error(r, StatusCode::BAD_REQUEST, "bad_request", "login body").await;
        let r = c
            .get(format!("{}/api/v1/estates?page=abc", app.base))
            .send()
            .await
            .unwrap();
        json_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid", "page=abc").await;
        let r = c
            .get(format!("{}/api/v1/estates/abc", app.base))
            .send()
            .await
            .unwrap();
        json_error(r, StatusCode::NOT_FOUND, "not_found", "/estates/abc").await;
        // Out of range is invalid input, not a server error.
        let r = c
            .patch(&url)
            .header("x-csrf-token", &csrf)
            .json(&json!({"year_completed": 1066}))
            .send()
            .await
            .unwrap();
        json_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid", "year 1066").await;
    }
);

db_test!(
    renaming_to_a_taken_name_is_a_conflict_also_when_two_race,
    |db| {
        let app = spawn_app(&db).await;
        let (c, csrf) = login(&app, "county-340104").await;
        let rename = |id: i64, name: &str| {
            c.patch(format!("{}/api/v1/estates/{id}", app.base))
                .header("x-csrf-token", &csrf)
                .json(&json!({ "name": name }))
                .send()
        };
        // 梅山小区 and 新世纪花园 share a neighbourhood.
        let r = rename(app.hefei_estate, "新世纪花园").await.unwrap();
        let v = json_error(r, StatusCode::CONFLICT, "conflict", "a taken name").await;
        assert_eq!(v["details"][0]["field"], "name", "{v}");
        // Two users rename two estates of one neighbourhood to one new name at the same moment: one
        // wins, the other is told (never a 500), whichever commits first.
        let list: Value = c
            .get(format!("{}/api/v1/estates?division=340104001001", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let ids: Vec<i64> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids.len(), 2, "{list}");
        for round in 0..5 {
            let name = format!("同时改名{round}");
            let (a, b) = tokio::join!(rename(ids[0], &name), rename(ids[1], &name));
            let mut got = [a.unwrap().status(), b.unwrap().status()];
            got.sort();
            assert_eq!(got, [StatusCode::OK, StatusCode::CONFLICT], "round {round}");
        }
    }
);

db_test!(page_errors_are_pages_in_the_readers_language, |db| {
    let app = spawn_app(&db).await;
    let (c, csrf) = page_login(&app, "county-340104").await;
    let get = |path: String| c.get(format!("{}{path}", app.base)).send();
    let page = |r: reqwest::Response, status: StatusCode, text: &'static str| async move {
        assert_eq!(r.status(), status, "{text}");
        let ty = r.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ty.starts_with("text/html"), "{text}: {ty}");
        let html = r.text().await.unwrap();
        assert!(html.contains(text), "{text} not in {html}");
        html
    };
    // Outside the scope, and no such thing: the same 404 page.
    page(
        get(format!("/estates/{}", app.wuhu_estate)).await.unwrap(),
        StatusCode::NOT_FOUND,
        "未找到",
    )
    .await;
    page(
        get("/estates/abc".into()).await.unwrap(),
        StatusCode::NOT_FOUND,
        "未找到",
    )
    .await;
    page(
        get("/estates?page=abc".into()).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "输入有误",
    )
    .await;
    page(
        get("/?division=34x".into()).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "输入有误",
    )
    .await;
    // A form without its token is refused on a page, not in JSON.
    let r = c
        .post(format!("{}/estates/{}", app.base, app.hefei_estate))
        .form(&[("name", "x")])
        .send()
        .await
        .unwrap();
    page(r, StatusCode::FORBIDDEN, "无权操作").await;
    // A taken name on the edit form: the form again, saying so, with 409.
    let r = c
        .post(format!("{}/estates/{}", app.base, app.hefei_estate))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "新世纪花园"),
            ("households", "100"),
        ])
        .send()
        .await
        .unwrap();
    page(r, StatusCode::CONFLICT, "同名小区").await;
    // In English after the switch.
    let r = c.get(format!("{}/lang/en", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = page(
        get(format!("/estates/{}", app.wuhu_estate)).await.unwrap(),
        StatusCode::NOT_FOUND,
        "Not found",
    )
    .await;
    assert!(!html.contains("未找到"), "{html}");
    let html = page(
        get("/estates?page=abc".into()).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "Invalid input",
    )
    .await;
    assert!(html.contains("lang=\"en\""), "{html}");
});

db_test!(pages_and_api_grant_accounts_by_one_rule, |db| {
    let app = spawn_app(&db).await;
    // A city administrator: the same refusals through the API and the page.
    let (api, csrf) = login(&app, "city-3401").await;
    let (page, page_csrf) = page_login(&app, "city-3401").await;
    for (role, division, why) in [
        ("admin", "3401", "管理员"),
        ("staff", "3402", "管辖范围"),
        ("staff", "", "管辖范围"),
    ] {
        let r = api
            .post(format!("{}/api/v1/users", app.base))
            .header("x-csrf-token", &csrf)
            .json(&json!({"username": "x-api", "role": role, "division": if division.is_empty() { Value::Null } else { json!(division) }, "password": "anju-demo-pw"}))
            .send()
            .await
            .unwrap();
        let v = json_error(r, StatusCode::FORBIDDEN, "forbidden", role).await;
        assert!(v["message"].as_str().unwrap().contains(why), "{v}");
        let r = page
            .post(format!("{}/admin/users", app.base))
            .form(&[
                ("csrf", page_csrf.as_str()),
                ("username", "x-page"),
                ("role", role),
                ("division", division),
                ("password", "anju-demo-pw"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "page {role} {division}"
        );
        assert!(
            r.text().await.unwrap().contains(why),
            "page {role} {division}"
        );
    }
    // What the rule allows, the page allows too: a county account inside the city.
    let r = page
        .post(format!("{}/admin/users", app.base))
        .form(&[
            ("csrf", page_csrf.as_str()),
            ("username", "county-340103"),
            ("role", "staff"),
            ("division", "340103"),
            ("password", "anju-demo-pw"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // The system administrator may make another through the page (no division: the country).
    let (admin, admin_csrf) = page_login(&app, "admin").await;
    let r = admin
        .post(format!("{}/admin/users", app.base))
        .form(&[
            ("csrf", admin_csrf.as_str()),
            ("username", "admin-2"),
            ("role", "admin"),
            ("division", ""),
            ("password", "anju-demo-pw"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let users: Value = login(&app, "admin")
        .await
        .0
        .get(format!("{}/api/v1/users", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let made: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["username"].as_str())
        .filter(|u| ["x-api", "x-page", "county-340103", "admin-2"].contains(u))
        .collect();
    assert_eq!(made, ["admin-2", "county-340103"]);
});
