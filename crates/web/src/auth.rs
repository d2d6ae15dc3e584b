//! Who is calling: a session cookie (pages and the browser) or an API token
//! (`Authorization: Bearer`). The extractor hands handlers a [`Caller`] whose store is already
//! scoped to the caller's jurisdiction; there is no other way for a handler to reach business data.

use crate::error::ApiError;
use crate::AppState;
use anju_store::accounts::Account;
use anju_store::scoped::Scoped;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};

pub const SESSION_COOKIE: &str = "anju_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated caller.
#[derive(Clone)]
pub struct Caller {
    pub account: Account,
    pub data: Scoped,
    /// The session's CSRF token (None for API tokens, which carry no ambient authority).
    pub csrf: Option<String>,
    /// The session cookie's secret, for logout.
    pub session_secret: Option<String>,
    /// The name of the account's division (sessions only; None for the whole country).
    pub scope_name: Option<String>,
}

/// Reads one cookie from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn bearer(parts: &Parts) -> Option<String> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").map(|t| t.trim().to_string())
}

impl Caller {
    /// Resolves the caller, or `None` when the request carries no valid credentials.
    pub async fn resolve(parts: &Parts, state: &AppState) -> Result<Option<Caller>, ApiError> {
        // A request that only reads reads from one snapshot, its session check included.
        let store = if matches!(parts.method, Method::GET | Method::HEAD) {
            state.store.for_read_only_request()
        } else {
            state.store.clone()
        };
        if let Some(token) = bearer(parts) {
            return Ok(store
                .api_token_account(&token)
                .await?
                .map(|account| Caller {
                    data: store.scoped(account.scope),
                    account,
                    csrf: None,
                    session_secret: None,
                    scope_name: None,
                }));
        }
        let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Ok(None);
        };
        Ok(store.session(&secret).await?.map(|s| Caller {
            data: store.scoped(s.account.scope),
            account: s.account,
            csrf: Some(s.csrf_token),
            session_secret: Some(secret),
            scope_name: s.scope_name,
        }))
    }

    /// Checks the CSRF token of a state-changing request made with a session cookie.
    /// Who writes (this user) and from where (`page`, `api` …), for the audit trail.
    pub fn write_ctx(&self, source: &str) -> anju_store::WriteCtx {
        anju_store::WriteCtx::new(
            format!("user:{}", self.account.username),
            Some(source.to_string()),
        )
    }

    pub fn check_csrf(&self, given: Option<&str>) -> Result<(), ApiError> {
        match &self.csrf {
            None => Ok(()),
            Some(expected)
                if given.is_some_and(|g| constant_time_eq(g.as_bytes(), expected.as_bytes())) =>
            {
                Ok(())
            }
            Some(_) => Err(ApiError::csrf()),
        }
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The API's extractor: 401 without credentials; for unsafe methods with a session cookie the
/// `X-CSRF-Token` header must match the session's token.
pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::resolve(parts, state)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            let given = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            caller.check_csrf(given)?;
        }
        Ok(ApiCaller(caller))
    }
}
