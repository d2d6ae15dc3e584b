//! Browser tests: Debian's headless Chromium driven from Rust over the DevTools protocol. They log
//! in, drill down, edit an estate, import a sheet with an error and then a good one, and take a
//! screenshot of the dashboard that is checked not to be blank. Skipped (with a message) where
//! /usr/bin/chromium is not installed; .ci/run installs it.

use crate::db_test;
use crate::http::{spawn_app, PASSWORD};
use crate::support::*;
use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const CHROMIUM: &str = "/usr/bin/chromium";

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One page of a headless Chromium.
struct Browser {
    child: std::process::Child,
    ws: Ws,
    session: String,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    async fn launch() -> Option<Browser> {
        if !std::path::Path::new(CHROMIUM).exists() {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "\nskipped browser tests: {CHROMIUM} is not installed (apt-get install chromium)\n"
            );
            return None;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stderr(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start chromium");
        // Chromium prints where its DevTools endpoint listens.
        let stderr = child.stderr.take().unwrap();
        let url = tokio::task::spawn_blocking(move || {
            let mut lines = BufReader::new(stderr).lines();
            let url = lines.by_ref().map_while(Result::ok).find_map(|l| {
                l.split_once("DevTools listening on ")
                    .map(|(_, u)| u.trim().to_string())
            });
            // Keep draining so that Chromium never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            url
        })
        .await
        .unwrap()
        .expect("DevTools URL");
        let (ws, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .expect("connect to DevTools");
        let mut b = Browser {
            child,
            ws,
            session: String::new(),
            next_id: 0,
            _profile: profile,
        };
        let target = b
            .call_browser("Target.createTarget", json!({"url": "about:blank"}))
            .await;
        let attached = b
            .call_browser(
                "Target.attachToTarget",
                json!({"targetId": target["targetId"], "flatten": true}),
            )
            .await;
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b.call("Page.enable", json!({})).await;
        b.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
        )
        .await;
        Some(b)
    }

    async fn send(&mut self, method: &str, params: Value, session: Option<String>) -> Value {
        let v = self.try_send(method, params, session).await;
        assert!(v.get("error").is_none(), "{method}: {v}");
        v["result"].clone()
    }

    /// The whole answer, an error included (an evaluation the page's navigation interrupted).
    async fn try_send(&mut self, method: &str, params: Value, session: Option<String>) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws
            .send(Message::Text(msg.to_string().into()))
            .await
            .unwrap();
        loop {
            let m = tokio::time::timeout(Duration::from_secs(30), self.ws.next())
                .await
                .expect("DevTools answer in time")
                .unwrap()
                .unwrap();
            if let Message::Text(t) = m {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["id"] == id {
                    return v;
                }
            }
        }
    }

    async fn call_browser(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, None).await
    }

    async fn call(&mut self, method: &str, params: Value) -> Value {
        let s = self.session.clone();
        self.send(method, params, Some(s)).await
    }

    /// Evaluates JavaScript in the page and returns its value.
    async fn eval(&mut self, js: &str) -> Value {
        let r = self
            .call(
                "Runtime.evaluate",
                json!({"expression": js, "returnByValue": true, "awaitPromise": true}),
            )
            .await;
        assert!(r.get("exceptionDetails").is_none(), "{js}: {r}");
        r["result"]["value"].clone()
    }

    /// Waits until `js` is true (pages load after navigation and form posts).
    async fn wait_for(&mut self, js: &str) {
        for _ in 0..100 {
            // While the page navigates, an evaluation may fail ("Inspected target navigated or
            // closed"): that is "not yet", like false.
            let s = self.session.clone();
            let ok = self
                .try_send(
                    "Runtime.evaluate",
                    json!({"expression": js, "returnByValue": true}),
                    Some(s),
                )
                .await;
            if ok["result"]["result"]["value"] == json!(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let html = self
            .eval("document.documentElement.outerHTML.slice(0, 3000)")
            .await;
        panic!("timed out waiting for {js}; page: {html}");
    }

    async fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url})).await;
        self.wait_for(&format!(
            "document.readyState === 'complete' && location.href === {}",
            json!(url)
        ))
        .await;
    }

    async fn screenshot(&mut self) -> Vec<u8> {
        let r = self
            .call("Page.captureScreenshot", json!({"format": "png"}))
            .await;
        base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().unwrap())
            .unwrap()
    }

    async fn set_file(&mut self, selector: &str, path: &std::path::Path) {
        let doc = self.call("DOM.getDocument", json!({})).await;
        let node = self
            .call(
                "DOM.querySelector",
                json!({"nodeId": doc["root"]["nodeId"], "selector": selector}),
            )
            .await;
        self.call(
            "DOM.setFileInputFiles",
            json!({"nodeId": node["nodeId"], "files": [path.display().to_string()]}),
        )
        .await;
    }
}

/// How many different colours a PNG has (a blank page has one or two).
fn colours(png_bytes: &[u8]) -> usize {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = info.color_type.samples();
    let mut seen = std::collections::HashSet::new();
    for p in buf[..info.buffer_size()].chunks(px) {
        seen.insert(p.to_vec());
        if seen.len() > 1000 {
            break;
        }
    }
    seen.len()
}

db_test!(a_county_official_works_in_the_browser, |db| {
    let Some(mut b) = Browser::launch().await else {
        return;
    };
    let app = spawn_app(&db).await;

    // Log in.
    b.goto(&format!("{}/login", app.base)).await;
    b.eval(&format!("document.querySelector('#username').value='city-3401'; document.querySelector('#password').value={}; document.querySelector('form[action=\"/login\"]').submit(); true", json!(PASSWORD))).await;
    b.wait_for("document.readyState === 'complete' && location.pathname === '/' && !!document.querySelector('#k-estates')").await;
    assert_eq!(
        b.eval("document.querySelector('#k-estates').textContent")
            .await,
        json!("3")
    );
    // The charts drew: ECharts puts a canvas in each chart box.
    b.wait_for("document.querySelectorAll('#chart-parts canvas, #chart-map canvas').length >= 2")
        .await;
    // And the map drew the city's one located estate (its points come from /api/v1/map) over the
    // county outlines (no tile server configured).
    b.wait_for(
        "(function(){var m = echarts.getInstanceByDom(document.getElementById('chart-map')); \
         return !!m && !!m.getOption().series && m.getOption().series[0].data.length === 1 \
         && m.getOption().series[0].data[0][2] === '梅山小区' \
         && m.getOption().geo[0].map === 'counties'})()",
    )
    .await;
    let shot = b.screenshot().await;
    std::fs::write(db.path("dashboard.png"), &shot).unwrap();
    if let Ok(dir) = std::env::var("ANJU_SCREENSHOT_DIR") {
        std::fs::write(std::path::Path::new(&dir).join("dashboard.png"), &shot).unwrap();
    }
    let n = colours(&shot);
    assert!(n > 20, "the dashboard screenshot has only {n} colours");

    // Drill down to the county, then to the street.
    b.eval("document.querySelector('table a[href^=\"/?division=\"]').click(); true")
        .await;
    b.wait_for("document.readyState === 'complete' && location.search.includes('division=340104')")
        .await;
    assert!(b
        .eval("document.querySelector('h1').textContent")
        .await
        .as_str()
        .unwrap()
        .contains("蜀山区"));

    // Open an estate and edit it.
    b.goto(&format!("{}/estates/{}", app.base, app.hefei_estate))
        .await;
    b.eval("document.querySelector('#households').value='150'; document.querySelector('#edit button[type=submit]').click(); true").await;
    b.wait_for("document.readyState === 'complete' && location.search.includes('saved=1')")
        .await;
    let body = b.eval("document.body.innerText").await;
    assert!(
        body.as_str().unwrap().contains("households: 100 → 150"),
        "{body}"
    );

    // Import a sheet with an error, then the corrected one.
    let sheet = db.path("browser-survey.xlsx");
    let mut bad = estate_row("乙小区", 1991.0, 1.0, 10.0, 700.0);
    bad[5] = S("十户");
    write_xlsx(
        &sheet,
        &[
            estate_header(),
            estate_row("甲小区", 1990.0, 1.0, 10.0, 700.0),
            bad,
        ],
        &[],
    );
    b.goto(&format!("{}/import", app.base)).await;
    b.set_file("#file", &sheet).await;
    b.eval("document.querySelector('form[action=\"/import\"]').submit(); true")
        .await;
    b.wait_for("document.readyState === 'complete' && document.body.innerText.includes('十户')")
        .await;
    assert!(b
        .eval("document.body.innerText")
        .await
        .as_str()
        .unwrap()
        .contains("F3"));
    // Corrected, with one word the office uses that the list lacks: a warning, not an error.
    let mut odd = estate_row("乙小区", 1991.0, 1.0, 10.0, 700.0);
    odd[7] = S("筒子楼");
    write_xlsx(
        &sheet,
        &[
            estate_header(),
            estate_row("甲小区", 1990.0, 1.0, 10.0, 700.0),
            odd,
        ],
        &[],
    );
    b.set_file("#file", &sheet).await;
    b.eval("document.querySelector('form[action=\"/import\"]').submit(); true")
        .await;
    b.wait_for("document.readyState === 'complete' && !!document.querySelector('form[action$=\"/confirm\"]')").await;
    let warnings = b
        .eval("document.querySelector('.warnings') ? document.querySelector('.warnings').innerText : ''")
        .await;
    let warnings = warnings.as_str().unwrap();
    assert!(
        warnings.contains("筒子楼") && warnings.contains("H3"),
        "{warnings}"
    );
    b.eval("document.querySelector('form[action$=\"/confirm\"]').submit(); true")
        .await;
    b.wait_for("document.readyState === 'complete' && document.body.innerText.includes('新增2个')")
        .await;
    assert!(b
        .eval("document.body.innerText")
        .await
        .as_str()
        .unwrap()
        .contains("提醒1处"));
    assert!(db
        .store
        .estate_by_key("340104001001", "甲小区")
        .await
        .unwrap()
        .is_some());

    // Plan the year: the chart by county and the map draw, the chosen estates in green.
    b.goto(&format!(
        "{}/planning/plan?year=2027&budget=100000",
        app.base
    ))
    .await;
    b.wait_for("document.querySelectorAll('#chart-plan canvas, #map-plan canvas').length >= 2")
        .await;
    b.wait_for(
        "(function(){var m = echarts.getInstanceByDom(document.getElementById('map-plan')); \
         return !!m && !!m.getOption().series && m.getOption().series.length === 2 \
         && m.getOption().series[1].data.some(function(p){return p[2] === '梅山小区'})})()",
    )
    .await;
    if let Ok(dir) = std::env::var("ANJU_SCREENSHOT_DIR") {
        let shot = b.screenshot().await;
        std::fs::write(std::path::Path::new(&dir).join("plan.png"), &shot).unwrap();
    }
    // The gap map draws the located estate over the county outlines, through the same helper.
    b.goto(&format!("{}/planning/gaps", app.base)).await;
    b.wait_for(
        "(function(){var m = echarts.getInstanceByDom(document.getElementById('chart-gaps')); \
         return !!m && !!m.getOption().geo && m.getOption().geo[0].map === 'counties' \
         && m.getOption().series[0].data.some(function(p){return p[2] === '梅山小区'})})()",
    )
    .await;
    b.goto(&format!(
        "{}/planning/plan?year=2027&budget=100000",
        app.base
    ))
    .await;
    b.wait_for("!!document.querySelector('form[action=\"/planning/plan/adopt\"]')")
        .await;
    // Adopt it: the estates are planned for 2027.
    b.eval("document.querySelector('form[action=\"/planning/plan/adopt\"]').submit(); true")
        .await;
    b.wait_for("document.readyState === 'complete' && location.search.includes('adopted=')")
        .await;
    let planned = db
        .store
        .scoped(anju_domain::Scope::All)
        .pool(
            &db.store
                .assessor(anju_domain::Policy::national(), 2026)
                .await
                .unwrap(),
            None,
        )
        .await
        .unwrap()
        .iter()
        .filter(|r| r.state == anju_domain::pool::PoolState::Planned)
        .count();
    assert!(planned >= 1, "{planned}");
});

db_test!(a_household_and_the_public_use_their_phones, |db| {
    let Some(mut b) = Browser::launch().await else {
        return;
    };
    let app = spawn_app(&db).await;
    let estate = app.hefei_estate;
    let all = db.store.scoped(anju_domain::Scope::All);
    let ctx = anju_store::WriteCtx::new("test", None);
    crate::support::register_two(&db.store, estate, ["张三", "李四"]).await;
    let codes = all.issue_codes(estate, &ctx).await.unwrap();
    let menu = all
        .open_menu(
            estate,
            &anju_store::scoped::NewMenu {
                title: "完善类改造内容选择".into(),
                budget: anju_domain::quantity::Money::from_yuan(500_000),
                rule: anju_planning::menu::Rule::EqualShares,
                completion: anju_planning::menu::Completion::Greedy,
                items: vec![
                    (
                        "lift".into(),
                        "加装电梯".into(),
                        anju_domain::quantity::Money::from_yuan(450_000),
                    ),
                    (
                        "ev".into(),
                        "电动汽车及电动自行车充电设施".into(),
                        anju_domain::quantity::Money::from_yuan(30_000),
                    ),
                ],
            },
            &ctx,
        )
        .await
        .unwrap();
    all.publish_notice(
        estate,
        anju_domain::participation::NoticeKind::Scheme,
        "梅山小区老旧小区改造方案",
        "更换供水管网、屋面防水、外墙保温、增设充电桩、加装电梯（1栋1单元）等，公示期七天。",
        &ctx,
    )
    .await
    .unwrap();
    // A closed vote, whose result and long hash the public page shows.
    let vote = all
        .open_vote(
            estate,
            &anju_store::scoped::NewVote {
                matter: 5,
                title: "使用专项维修资金用于屋面防水".into(),
                building: None,
                unit: None,
                closes_at: chrono::Utc::now() + chrono::Duration::days(7),
            },
            &ctx,
        )
        .await
        .unwrap();
    for (_, code) in &codes {
        let h = db.store.household(code).await.unwrap().unwrap();
        h.cast(vote, anju_domain::vote::Choice::Agree)
            .await
            .unwrap();
    }
    let a = db
        .store
        .assessor(anju_domain::Policy::national(), 2026)
        .await
        .unwrap();
    all.close_vote(&a, vote, &ctx).await.unwrap();
    b.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 375, "height": 740, "deviceScaleFactor": 2, "mobile": true}),
    )
    .await;
    // The household ticks the lift on its phone and submits.
    b.goto(&format!("{}/my/{}", app.base, codes[0].1)).await;
    b.eval(&format!(
        "document.querySelector('input[name=\"item:lift\"]').checked = true; \
         document.querySelector('form[action=\"/my/{}/menus/{menu}\"]').submit(); true",
        codes[0].1
    ))
    .await;
    b.wait_for("document.readyState === 'complete' && !!document.querySelector('.notice')")
        .await;
    assert_eq!(
        b.eval("document.querySelector('input[name=\"item:lift\"]').checked")
            .await,
        json!(true)
    );
    let h = db.store.household(&codes[0].1).await.unwrap().unwrap();
    let x = h.extras().await.unwrap();
    assert_eq!(x.menus[0].1.as_deref(), Some(&["lift".to_string()][..]));
    // Nothing is wider than the phone.
    let fits = "document.documentElement.scrollWidth <= document.documentElement.clientWidth";
    assert_eq!(b.eval(fits).await, json!(true), "the household's page");
    // The public page, without logging in: readable on the phone, and printed without the site's
    // frame and forms.
    b.goto(&format!("{}/public/estates/{estate}", app.base))
        .await;
    assert_eq!(b.eval(fits).await, json!(true), "the public page");
    assert!(b
        .eval("document.body.innerText")
        .await
        .as_str()
        .unwrap()
        .contains("公示期七天"));
    b.call("Emulation.setEmulatedMedia", json!({"media": "print"}))
        .await;
    assert_eq!(
        b.eval("getComputedStyle(document.querySelector('header.top')).display")
            .await,
        json!("none")
    );
    assert_eq!(
        b.eval("getComputedStyle(document.querySelector('.noprint')).display")
            .await,
        json!("none")
    );
});
