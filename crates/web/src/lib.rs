//! anju-web: the HTTP server — the JSON API under `/api/v1`, the staff pages, sessions in the
//! database and one guard for jurisdiction. The server keeps no state of its own between requests,
//! so several processes can serve one PostgreSQL.

pub mod auth;
pub mod error;
pub mod extract;
pub mod features;
pub mod openapi;
pub mod page;

use anju_domain::Policy;
use anju_store::Store;
use axum::routing::get;
use axum::Router;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Settings of the web application.
#[derive(Debug, Clone)]
pub struct WebSettings {
    pub policy: Policy,
    pub reference_year: i32,
    /// Demo mode shows the demo accounts on the login page.
    pub demo: bool,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    pub session_hours: i64,
    /// Failed logins of one username within `throttle_minutes` before it is refused for a while.
    pub throttle_failures: u64,
    pub throttle_minutes: i64,
    /// Largest request body (an uploaded survey sheet), bytes.
    pub max_body_bytes: usize,
    /// A map tile server for the dashboard's map; without one the map draws the estates on plain
    /// axes, which needs no internet.
    pub map_tiles: Option<MapTiles>,
    /// The key of ID numbers' keyed hashes, for owner registers uploaded through the web; without
    /// one an upload is refused (the command line's `anju import owners` works either way).
    pub id_key: Option<anju_store::IdKey>,
}

/// A tile server (天地图, 高德 or a province's own), as a Leaflet URL template.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapTiles {
    /// With `{x}`, `{y}`, `{z}` and optionally `{s}`, e.g.
    /// `https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=KEY`.
    pub url: String,
    /// What `{s}` takes turns at, e.g. `01234567`.
    #[serde(default)]
    pub subdomains: String,
    /// The tiles' coordinates: `wgs84` (天地图, OpenStreetMap) or `gcj02` (高德, 腾讯).
    #[serde(default = "wgs84")]
    pub coordinates: String,
    /// The credit line the tile provider asks for.
    #[serde(default)]
    pub attribution: String,
}

fn wgs84() -> String {
    "wgs84".into()
}

impl MapTiles {
    /// Checks the template and the coordinate system, with a message that names what is wrong.
    pub fn check(&self) -> Result<(), String> {
        for part in ["{x}", "{y}", "{z}"] {
            if !self.url.contains(part) {
                return Err(format!(
                    "map.url 缺少{part} / map.url lacks {part}: {}",
                    self.url
                ));
            }
        }
        if !(self.url.starts_with("https://") || self.url.starts_with("http://")) {
            return Err(format!(
                "map.url 应以 http(s):// 开头 / map.url must start with http(s)://: {}",
                self.url
            ));
        }
        match self.coordinates.as_str() {
            "wgs84" | "gcj02" => Ok(()),
            other => Err(format!(
                "map.coordinates 应为 wgs84 或 gcj02 / map.coordinates must be wgs84 or gcj02, not {other:?}"
            )),
        }
    }
}

impl WebSettings {
    pub fn new(policy: Policy, reference_year: i32) -> Self {
        WebSettings {
            policy,
            reference_year,
            demo: false,
            secure_cookies: false,
            session_hours: 12,
            throttle_failures: 5,
            throttle_minutes: 15,
            max_body_bytes: 64 * 1024 * 1024,
            map_tiles: None,
            id_key: None,
        }
    }
}

/// What every handler gets. The store is here for the session layer only (login, sessions,
/// tokens, uploads): handlers reach business data through their caller's scoped store.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub web: Arc<WebSettings>,
}

impl AppState {
    /// An assessor for any estate of the caller's scope (imports, exports).
    pub async fn assessor(
        &self,
        data: &anju_store::scoped::Scoped,
    ) -> Result<anju_store::Assessor, error::ApiError> {
        Ok(data
            .assessor(self.web.policy.clone(), self.web.reference_year)
            .await?)
    }

    /// An assessor for the estates of these divisions only (cheap: one estate's page or edit),
    /// read through the caller's scoped store (a read-only request's snapshot).
    pub async fn assessor_for(
        &self,
        data: &anju_store::scoped::Scoped,
        division_codes: &[&str],
    ) -> Result<anju_store::Assessor, error::ApiError> {
        Ok(data
            .assessor_for(
                self.web.policy.clone(),
                self.web.reference_year,
                division_codes,
            )
            .await?)
    }
}

/// The application's routes and layers.
pub fn router(store: Store, web: WebSettings) -> Router {
    let max_body = web.max_body_bytes;
    let state = AppState {
        store,
        web: Arc::new(web),
    };
    let (api, doc) = utoipa_axum::router::OpenApiRouter::with_openapi(
        <openapi::ApiDoc as utoipa::OpenApi>::openapi(),
    )
    .merge(features::api())
    .split_for_parts();
    let doc = Arc::new(doc);
    Router::new()
        .route("/healthz", get(healthz))
        .route(
            "/api/openapi.json",
            get(move || async move { axum::Json(doc.as_ref().clone()) }),
        )
        .merge(api)
        .merge(features::pages().layer(axum::middleware::from_fn(error::error_pages)))
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(max_body))
        // axum's own extractors stop at 2 MB by default; a survey sheet may be bigger.
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(TraceLayer::new_for_http())
}

/// Serves on `listener` until `shutdown` completes (tests and the binary start it the same way).
pub async fn launch_with_listener(
    store: Store,
    web: WebSettings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(store, web))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn healthz() -> &'static str {
    "ok"
}
