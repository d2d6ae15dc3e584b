//! anju-web: the HTTP server. For now the health check and a read-only overview of the inventory;
//! the staff application (accounts, scoped pages, JSON API) builds on this.

use anju_domain::summary::m2;
use anju_store::Store;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use std::future::Future;
use tokio::net::TcpListener;

/// The application's routes.
pub fn router(store: Store) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/", get(overview))
        .with_state(store)
}

/// Serves on `listener` until `shutdown` completes (tests and the binary start it the same way).
pub async fn launch_with_listener(
    store: Store,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(store))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn healthz() -> &'static str {
    "ok"
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn overview(
    State(store): State<Store>,
) -> Result<Html<String>, (axum::http::StatusCode, String)> {
    let s = store.summary(None).await.map_err(|e| {
        tracing::error!("summary failed: {e}");
        (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "内部错误 / internal error".to_string(),
        )
    })?;
    let mut rows = String::new();
    let mut parts = s.parts.clone();
    // One level further down when there is a single province.
    if parts.len() == 1 {
        if let Ok(code) = anju_domain::DivisionCode::parse(&parts[0].division_code) {
            if let Ok(sub) = store.summary(Some(&code)).await {
                parts = sub.parts;
            }
        }
    }
    for p in &parts {
        let t = &p.totals;
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{}</td></tr>",
            esc(&p.division_code),
            esc(&p.division_name),
            t.estates,
            t.buildings,
            t.households,
            m2(t.floor_area_centi_m2) / 10_000.0,
            t.eligible_estates
        ));
    }
    let t = &s.totals;
    Ok(Html(format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>安居 · 老旧小区改造</title>
<style>body{{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2rem;color:#222}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}}td:nth-child(2),th:nth-child(2){{text-align:left}}.k{{display:inline-block;margin-right:2rem}}.k b{{font-size:1.6rem;display:block}}</style></head>
<body><h1>安居 · 城镇老旧小区改造 <small>anju</small></h1>
<p><span class="k"><b>{}</b>小区 estates</span><span class="k"><b>{}</b>楼栋 buildings</span><span class="k"><b>{}</b>户 households</span><span class="k"><b>{:.2}</b>万㎡ floor area</span><span class="k"><b>{}</b>符合条件 eligible</span></p>
<table><thead><tr><th>代码</th><th>区划 division</th><th>小区</th><th>楼栋</th><th>户数</th><th>万㎡</th><th>符合条件</th></tr></thead><tbody>{}</tbody></table>
<p><a href="/healthz">/healthz</a></p></body></html>"#,
        t.estates,
        t.buildings,
        t.households,
        m2(t.floor_area_centi_m2) / 10_000.0,
        t.eligible_estates,
        rows
    )))
}
