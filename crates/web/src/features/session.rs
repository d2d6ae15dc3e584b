//! Sessions: logging in and out (the login page and `/api/v1/session`), API tokens, the
//! language switch.

use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Form, Json, Path};
use crate::page::{render, Chrome, CsrfForm, PageCaller};
use crate::AppState;
use anju_domain::Scope;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{cookie, SESSION_COOKIE};
use crate::page::{anonymous, lang_from_headers, set_cookie, LANG_COOKIE, LOGIN_CSRF_COOKIE};

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login, logout, me))
        .routes(routes!(add_token))
}

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout_page))
        .route("/lang/{lang}", get(set_lang))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionResponse {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// The division code of the account's scope; absent for the whole country.
    pub scope: Option<String>,
    /// Send this in the `X-CSRF-Token` header with every PATCH, POST or DELETE.
    pub csrf_token: Option<String>,
}

fn session_response(c: &Caller) -> SessionResponse {
    SessionResponse {
        username: c.account.username.clone(),
        display_name: c.account.display_name.clone(),
        role: c.account.role.key().to_string(),
        scope: scope_code(&c.account.scope),
        csrf_token: c.csrf.clone(),
    }
}

pub(crate) fn scope_code(s: &Scope) -> Option<String> {
    match s {
        Scope::All => None,
        Scope::Division(d) => Some(d.to_string()),
    }
}

/// Makes the session cookie.
pub fn session_cookie(state: &AppState, secret: &str, max_age: i64) -> HeaderValue {
    let secure = if state.web.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("ASCII cookie")
}

/// Logs in: checks the password (with throttling) and starts a session. Shared by the login page.
pub async fn start_session(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<(String, String, anju_store::accounts::Account), ApiError> {
    let failures = state
        .store
        .recent_failures(
            username,
            chrono::Duration::minutes(state.web.throttle_minutes),
        )
        .await?;
    if failures >= state.web.throttle_failures {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            format!("登录失败次数过多，请{}分钟后再试 / too many failed logins, try again in {} minutes", state.web.throttle_minutes, state.web.throttle_minutes),
        ));
    }
    let Some(account) = state.store.verify_login(username, password).await? else {
        state.store.record_login_attempt(username, false).await?;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "用户名或密码错误 / wrong username or password",
        ));
    };
    state.store.record_login_attempt(username, true).await?;
    let (secret, csrf) = state
        .store
        .create_session(account.id, chrono::Duration::hours(state.web.session_hours))
        .await?;
    Ok((secret, csrf, account))
}

/// Log in (sets the session cookie).
#[utoipa::path(post, path = "/api/v1/session", request_body = LoginRequest,
    responses((status = 200, body = SessionResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    Json(req): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let (secret, csrf, account) = start_session(&state, &req.username, &req.password).await?;
    let body = SessionResponse {
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        role: account.role.key().to_string(),
        scope: scope_code(&account.scope),
        csrf_token: Some(csrf),
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::SET_COOKIE,
        session_cookie(&state, &secret, state.web.session_hours * 3600),
    );
    Ok((headers, Json(body)).into_response())
}

/// Log out (ends the session, clears the cookie).
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204), (status = 401, body = ErrorBody)))]
async fn logout(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
) -> Result<Response, ApiError> {
    if let Some(s) = &c.session_secret {
        state.store.delete_session(s).await?;
    }
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// The current account.
#[utoipa::path(get, path = "/api/v1/session", responses((status = 200, body = SessionResponse), (status = 401, body = ErrorBody)))]
async fn me(ApiCaller(c): ApiCaller) -> Json<SessionResponse> {
    Json(session_response(&c))
}

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// Shown once: send it as `Authorization: Bearer TOKEN`.
    pub token: String,
}

/// Make an API token for the caller's own account, for machine clients.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = TokenRequest, responses((status = 201, body = TokenResponse), (status = 401, body = ErrorBody)))]
async fn add_token(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(r): Json<TokenRequest>,
) -> Result<Response, ApiError> {
    let token = state.store.create_api_token(c.account.id, &r.name).await?;
    Ok((StatusCode::CREATED, Json(TokenResponse { token })).into_response())
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    login_csrf: String,
    error: Option<String>,
    username: String,
    demo: bool,
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = lang_from_headers(&headers);
    let token = anju_store::sessions::new_secret();
    let page = LoginPage {
        c: anonymous(lang),
        login_csrf: token.clone(),
        error: None,
        username: String::new(),
        demo: state.web.demo,
    };
    let mut resp = render(&page, StatusCode::OK)?;
    // Double-submit token: the login form must carry the value of this cookie.
    set_cookie(
        resp.headers_mut(),
        format!("{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict"),
    );
    Ok(resp)
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    csrf: String,
}

async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, ApiError> {
    let lang = lang_from_headers(&headers);
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE);
    if !expected.is_some_and(|e| crate::auth::constant_time_eq(e.as_bytes(), f.csrf.as_bytes())) {
        return Err(ApiError::csrf());
    }
    match start_session(&state, &f.username, &f.password).await {
        Ok((secret, _, _)) => {
            let mut resp = Redirect::to("/").into_response();
            resp.headers_mut().insert(
                header::SET_COOKIE,
                session_cookie(&state, &secret, state.web.session_hours * 3600),
            );
            Ok(resp)
        }
        Err(e) => {
            let page = LoginPage {
                c: anonymous(lang),
                login_csrf: f.csrf,
                error: Some(e.message),
                username: f.username,
                demo: state.web.demo,
            };
            render(&page, e.status)
        }
    }
}

async fn logout_page(
    State(state): State<AppState>,
    p: PageCaller,
    Form(f): Form<CsrfForm>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(Some(&f.csrf))?;
    if let Some(s) = &p.caller.session_secret {
        if let Err(e) = state.store.delete_session(s).await {
            return Err(e.into());
        }
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(resp)
}

async fn set_lang(Path(lang): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let lang = if lang == "en" { "en" } else { "zh" };
    let mut resp = Redirect::to(&crate::page::back_path(&headers)).into_response();
    set_cookie(
        resp.headers_mut(),
        format!("{LANG_COOKIE}={lang}; Path=/; SameSite=Lax; Max-Age=31536000"),
    );
    Ok(resp)
}
