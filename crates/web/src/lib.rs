//! anju-web: the HTTP server — the JSON API under `/api/v1`, the staff pages, sessions in the
//! database and one guard for jurisdiction. The server keeps no state of its own between requests,
//! so several processes can serve one PostgreSQL.

pub mod api;
pub mod auth;
pub mod error;
pub mod pages;

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
        }
    }
}

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub web: Arc<WebSettings>,
}

impl AppState {
    pub async fn assessor(&self) -> Result<anju_store::Assessor, error::ApiError> {
        Ok(self
            .store
            .assessor(self.web.policy.clone(), self.web.reference_year)
            .await?)
    }

    /// An assessor for the estates of these divisions only (cheap: one estate's page or edit).
    pub async fn assessor_for(
        &self,
        division_codes: &[&str],
    ) -> Result<anju_store::Assessor, error::ApiError> {
        Ok(self
            .store
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
    Router::new()
        .route("/healthz", get(healthz))
        .merge(api::routes())
        .merge(pages::routes())
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
