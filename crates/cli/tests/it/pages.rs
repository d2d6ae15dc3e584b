//! The staff pages over HTTP: login form with its CSRF token, dashboard, list, estate page and its
//! edit form, export, and the same jurisdiction guard as the API.

use crate::db_test;
use crate::http::{spawn_app, App, PASSWORD};
use crate::support::stderr;
use reqwest::StatusCode;

/// Logs in through the login form; returns the client and the page CSRF token.
pub async fn page_login(app: &App, user: &str) -> (reqwest::Client, String) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let html = c
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = between(&html, "name=\"csrf\" value=\"", "\"");
    let r = c
        .post(format!("{}/login", app.base))
        .form(&[("username", user), ("password", PASSWORD), ("csrf", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login {user}");
    let html = c
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (c, between(&html, "name=\"csrf\" value=\"", "\""))
}

pub fn between(s: &str, a: &str, b: &str) -> String {
    let i = s.find(a).unwrap_or_else(|| panic!("{a} not in {s}")) + a.len();
    s[i..i + s[i..].find(b).unwrap()].to_string()
}

db_test!(
    login_form_needs_its_csrf_token_and_pages_need_a_session,
    |db| {
        let app = spawn_app(&db).await;
        let c = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = c.get(format!("{}/estates", app.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/login");
        let html = c
            .get(format!("{}/login", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("anju-demo"),
            "demo accounts shown in demo mode"
        );
        let r = c
            .post(format!("{}/login", app.base))
            .form(&[
                ("username", "county-340104"),
                ("password", PASSWORD),
                ("csrf", "forged"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let token = between(&html, "name=\"csrf\" value=\"", "\"");
        let r = c
            .post(format!("{}/login", app.base))
            .form(&[
                ("username", "county-340104"),
                ("password", "wrong-pass"),
                ("csrf", &token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r.text().await.unwrap().contains("用户名或密码错误"));
    }
);

db_test!(the_dashboard_shows_totals_and_drills_down, |db| {
    let app = spawn_app(&db).await;
    let (c, _) = page_login(&app, "city-3401").await;
    let html = c
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("合肥市老旧小区概况"), "{html}");
    assert!(
        html.contains("id=\"k-estates\">3<"),
        "three estates in 合肥"
    );
    assert!(html.contains("蜀山区"), "drill-down row");
    let html = c
        .get(format!("{}/?division=340104", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("三里庵街道") && html.contains("/?division=340100000000"),
        "breadcrumbs and next level"
    );
});

db_test!(the_list_page_searches_orders_and_pages, |db| {
    let app = spawn_app(&db).await;
    let (c, _) = page_login(&app, "city-3401").await;
    let html = c
        .get(format!("{}/estates?q=梅山", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("梅山小区") && !html.contains("绩溪新村"));
    // The list comes by neighbourhood (…001 before …002), 20 rows a page unless asked otherwise.
    let html = c
        .get(format!("{}/estates?division=340104", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = |name: &str| {
        html.find(name)
            .unwrap_or_else(|| panic!("{name} in {html}"))
    };
    assert!(at("梅山小区") < at("绩溪新村") && at("新世纪花园") < at("绩溪新村"));
    assert!(html.contains("<option value=\"20\" selected>"), "{html}");
    let html = c
        .get(format!("{}/estates?per_page=100", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<option value=\"100\" selected>"), "{html}");
});

db_test!(
    the_estate_page_edits_refuses_bad_input_and_reassesses,
    |db| {
        let app = spawn_app(&db).await;
        let (c, csrf) = page_login(&app, "city-3401").await;
        let page = format!("{}/estates/{}", app.base, app.hefei_estate);
        let html = c.get(&page).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("1995年建成") && html.contains("变更记录"));
        // A bad number is refused with a clear message and nothing changes.
        let before = crate::support::stored_state(&db.store).await;
        let r = c
            .post(&page)
            .form(&[
                ("csrf", csrf.as_str()),
                ("name", "梅山小区"),
                ("households", "一百"),
                ("year_completed", "1995"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("户数"));
        assert_eq!(crate::support::stored_state(&db.store).await, before);
        let r = c
            .post(&page)
            .form(&[("csrf", "forged"), ("name", "梅山小区")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let r = c
            .post(&page)
            .form(&[
                ("csrf", csrf.as_str()),
                ("name", "梅山小区"),
                ("households", "１２０"),
                ("year_completed", "1995"),
                ("urban_village", "是"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let html = c
            .get(format!("{page}?saved=1"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("已保存") && html.contains("households: 100 → 120"),
            "{html}"
        );
        assert!(html.contains("属城中村"), "eligibility follows the edit");
    }
);

db_test!(the_export_button_writes_the_rows_of_anju_export, |db| {
    let app = spawn_app(&db).await;
    let (c, _) = page_login(&app, "city-3401").await;
    let r = c
        .get(format!("{}/export.xlsx", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let p = db.path("web-export.xlsx");
    std::fs::write(&p, &bytes).unwrap();
    let grid = anju_io::read_grid(&p).unwrap();
    assert_eq!(grid.height(), 4, "header and the three estates of 合肥");
    // The button and `anju export` write the same rows (one piece of code makes them).
    let cli = db.path("cli-export.xlsx");
    let out = db.anju(&[
        "export",
        "estates",
        "--division",
        "3401",
        "--output",
        cli.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cells = |g: &anju_io::Grid| -> Vec<String> {
        g.range
            .rows()
            .flat_map(|r| r.iter().map(anju_io::value::display))
            .collect()
    };
    assert_eq!(cells(&grid), cells(&anju_io::read_grid(&cli).unwrap()));
});

db_test!(pages_do_not_leak_outside_a_scope, |db| {
    let app = spawn_app(&db).await;
    let (c, csrf) = page_login(&app, "county-340104").await;
    let outside = format!("{}/estates/{}", app.base, app.wuhu_estate);
    assert_eq!(
        c.get(&outside).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let r = c
        .post(&outside)
        .form(&[("csrf", csrf.as_str()), ("name", "改名")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        c.get(format!("{}/?division=340202", app.base))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let html = c
        .get(format!("{}/estates?division=340202", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("共0个小区"));
    let html = c
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !html.contains("镜湖小区"),
        "the map and tables hold nothing from 芜湖"
    );
    let r = c
        .get(format!("{}/export.xlsx", app.base))
        .send()
        .await
        .unwrap();
    let p = db.path("county-export.xlsx");
    std::fs::write(&p, r.bytes().await.unwrap()).unwrap();
    let grid = anju_io::read_grid(&p).unwrap();
    let all: Vec<String> = grid
        .range
        .rows()
        .flat_map(|r| r.iter().map(anju_io::value::display))
        .collect();
    assert!(!all.iter().any(|v| v.contains("镜湖")));
});

async fn upload(
    c: &reqwest::Client,
    app: &App,
    csrf: &str,
    path: &std::path::Path,
) -> reqwest::Response {
    let part =
        reqwest::multipart::Part::bytes(std::fs::read(path).unwrap()).file_name("survey.xlsx");
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .part("file", part);
    c.post(format!("{}/import", app.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

db_test!(import_page_previews_errors_then_confirms, |db| {
    use crate::support::*;
    let app = spawn_app(&db).await;
    let (c, csrf) = page_login(&app, "county-340104").await;
    let sheet = db.path("survey.xlsx");
    let mut bad = estate_row("乙小区", 1991.0, 1.0, 10.0, 700.0);
    bad[3] = S("九十年代");
    let mut outside = estate_row("丙小区", 1991.0, 1.0, 10.0, 700.0);
    outside[1] = S("340202013001");
    write_xlsx(
        &sheet,
        &[
            estate_header(),
            estate_row("甲小区", 1990.0, 1.0, 10.0, 700.0),
            bad,
            outside,
        ],
        &[],
    );
    let r = upload(&c, &app, &csrf, &sheet).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("D3") && html.contains("九十年代"),
        "the bad year is shown"
    );
    assert!(
        html.contains("B4") && html.contains("340202013001"),
        "a division outside the jurisdiction is refused"
    );
    assert!(!html.contains("确认导入"));
    let before = db.store.estate_count().await.unwrap();
    write_xlsx(
        &sheet,
        &[
            estate_header(),
            estate_row("甲小区", 1990.0, 1.0, 10.0, 700.0),
            estate_row("乙小区", 1991.0, 1.0, 10.0, 700.0),
        ],
        &[],
    );
    let r = upload(&c, &app, &csrf, &sheet).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("检查通过"));
    assert_eq!(
        db.store.estate_count().await.unwrap(),
        before,
        "nothing stored before confirmation"
    );
    let action = between(&html, "action=\"/import/", "/confirm\"");
    // Another user cannot confirm this upload.
    let (other, other_csrf) = page_login(&app, "city-3401").await;
    let r = other
        .post(format!("{}/import/{action}/confirm", app.base))
        .form(&[("csrf", other_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = c
        .post(format!("{}/import/{action}/confirm", app.base))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("新增2个"));
    assert_eq!(db.store.estate_count().await.unwrap(), before + 2);
    let m = db
        .store
        .estate_by_key("340104001001", "甲小区")
        .await
        .unwrap()
        .unwrap();
    let h = db.store.history("estate", &m.id.to_string()).await.unwrap();
    assert_eq!(h[0].actor, "user:county-340104");
    assert_eq!(h[0].source.as_deref(), Some("upload:survey.xlsx"));
});

db_test!(
    administrators_manage_accounts_and_search_the_trail_in_scope,
    |db| {
        let app = spawn_app(&db).await;
        let (staff, _) = page_login(&app, "county-340104").await;
        assert_eq!(
            staff
                .get(format!("{}/admin", app.base))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN
        );
        let (c, csrf) = page_login(&app, "city-3401").await;
        let html = c
            .get(format!("{}/admin", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("county-340104") && !html.contains("city-3402"),
            "only accounts inside 合肥"
        );
        assert!(
            html.contains("340104001001") && !html.contains("340202013001"),
            "only audit rows inside 合肥"
        );
        let r = c
            .post(format!("{}/admin/users", app.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", "wuhu-x"),
                ("role", "staff"),
                ("division", "340202"),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("管辖范围"));
        let r = c
            .post(format!("{}/admin/users", app.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", "street-x"),
                ("role", "street-staff"),
                ("division", "340104001"),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(db
            .store
            .verify_login("street-x", PASSWORD)
            .await
            .unwrap()
            .is_some());
        let html = c
            .get(format!("{}/admin?q=user:city-3401", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let row = between(&html, "<td>user:city-3401</td>", "</tr>");
        assert!(
            row.contains("<td>create</td>") && row.contains("<td>page</td>"),
            "the new account's creation is in the trail: {row}"
        );
    }
);

db_test!(language_switch_stays_on_this_site, |db| {
    let app = spawn_app(&db).await;
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c
        .get(format!("{}/lang/en", app.base))
        .header("referer", format!("{}/estates?q=x", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/estates?q=x");
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("anju_lang=en"));
    let r = c
        .get(format!("{}/lang/en", app.base))
        .header("referer", "http://x//evil.example/")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
    let html = reqwest::Client::new()
        .get(format!("{}/login", app.base))
        .header("cookie", "anju_lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Log in") && html.contains("Username"));
});

db_test!(uploads_larger_than_two_megabytes_are_accepted, |db| {
    let app = spawn_app(&db).await;
    let (c, csrf) = page_login(&app, "county-340104").await;
    let mut csv =
        String::from("小区名称,行政区划代码,详细地址,建成年份,楼栋数,户数,建筑面积（㎡）\n");
    let mut i = 0;
    while csv.len() < 2_500_000 {
        csv.push_str(&format!("测试小区{i:06},340104001001,合肥市蜀山区三里庵街道测试路{i}号院内东侧,1995,3,120,8880.5\n"));
        i += 1;
    }
    let part = reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("big.csv");
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part("file", part);
    let r = c
        .post(format!("{}/import", app.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("检查通过") && html.contains(&i.to_string()),
        "{}",
        &html[..html.len().min(2000)]
    );
});

db_test!(a_configured_tile_server_draws_the_map_on_its_tiles, |db| {
    let tiles = anju_web::MapTiles {
        url: "https://webrd0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}".into(),
        subdomains: "1234".into(),
        coordinates: "gcj02".into(),
        attribution: "高德地图".into(),
    };
    assert_eq!(tiles.check(), Ok(()));
    let app = crate::http::spawn_app_with(&db, |w| w.map_tiles = Some(tiles)).await;
    let (c, _) = crate::http::login(&app, "city-3401").await;
    let html = c
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("/assets/leaflet.js"), "{html}");
    assert!(html.contains("webrd0{s}.is.autonavi.com"), "{html}");
    let r = c
        .get(format!("{}/assets/leaflet.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // 高德's tiles are in GCJ-02: the points come shifted by a few hundred metres.
    let get = |crs: &str| {
        let c = c.clone();
        let url = format!("{}/api/v1/map?crs={crs}", app.base);
        async move { c.get(url).send().await.unwrap() }
    };
    let wgs: serde_json::Value = get("wgs84").await.json().await.unwrap();
    let gcj: serde_json::Value = get("gcj02").await.json().await.unwrap();
    assert_eq!(wgs.as_array().unwrap().len(), 1, "{wgs}");
    let (dx, dy) = (
        gcj[0]["lon"].as_f64().unwrap() - wgs[0]["lon"].as_f64().unwrap(),
        gcj[0]["lat"].as_f64().unwrap() - wgs[0]["lat"].as_f64().unwrap(),
    );
    assert!(
        (0.001..0.01).contains(&dx.abs()) && (0.001..0.01).contains(&dy.abs()),
        "{dx} {dy}"
    );
    assert_eq!(get("bd09x").await.status(), 422);
    // Without a tile server (another process on the same database) the map needs no internet:
    // no Leaflet, no tile address.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let web = anju_web::WebSettings::new(anju_domain::Policy::national(), 2026);
    let store = db.store.clone();
    tokio::spawn(async move {
        anju_web::launch_with_listener(store, web, listener, std::future::pending()).await
    });
    let offline = crate::http::App { base, ..app };
    let (c, _) = crate::http::login(&offline, "city-3401").await;
    let html = c
        .get(format!("{}/", offline.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !html.contains("leaflet.js") && !html.contains("autonavi"),
        "{html}"
    );
    // A template without {z} is refused with a message that names it.
    let bad = anju_web::MapTiles {
        url: "https://tiles.example/{x}/{y}.png".into(),
        subdomains: String::new(),
        coordinates: "wgs84".into(),
        attribution: String::new(),
    };
    assert!(bad.check().unwrap_err().contains("{z}"));
});
