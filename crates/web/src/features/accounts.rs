//! Accounts and the audit trail, for administrators (the admin page, `/api/v1/users`,
//! `/api/v1/audit`).

use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{parse_division, Form, Json, Path, Query};
use crate::page::{render, Chrome, PageCaller};
use crate::AppState;
use anju_domain::{DivisionCode, Role, Scope};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::estates::{audit_item, AuditItem};
use super::session::scope_code;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(audit))
        .routes(routes!(users, add_user))
        .routes(routes!(patch_user))
}

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/admin", get(admin_page))
        .route("/admin/users", post(admin_add_user))
        .route("/admin/users/{username}", post(admin_change_user))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    pub q: Option<String>,
    pub page: Option<u64>,
}

fn require_admin(c: &Caller) -> Result<(), ApiError> {
    if c.account.role.manages_accounts() {
        Ok(())
    } else {
        Err(ApiError::forbidden("需要管理员权限 / administrators only"))
    }
}

/// Search the audit trail inside the caller's jurisdiction (administrators).
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), responses((status = 200, body = [AuditItem]), (status = 403, body = ErrorBody)))]
async fn audit(
    ApiCaller(c): ApiCaller,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditItem>>, ApiError> {
    require_admin(&c)?;
    let (rows, _) = c
        .data
        .audit(q.q.as_deref(), q.page.unwrap_or(1), 100)
        .await?;
    Ok(Json(rows.iter().map(audit_item).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct UserItem {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub scope: Option<String>,
    pub active: bool,
}

/// The accounts inside the caller's jurisdiction (administrators).
#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, body = [UserItem]), (status = 403, body = ErrorBody)))]
async fn users(ApiCaller(c): ApiCaller) -> Result<Json<Vec<UserItem>>, ApiError> {
    let list = c.data.accounts(c.account.role).await?;
    Ok(Json(list.into_iter().map(user_item).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUser {
    pub username: String,
    pub display_name: Option<String>,
    pub role: String,
    /// Division code of the new account's scope; must lie inside the administrator's own.
    pub division: Option<String>,
    pub password: String,
}

/// Create an account inside the caller's jurisdiction (administrators).
#[utoipa::path(post, path = "/api/v1/users", request_body = NewUser, responses((status = 201, body = UserItem), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_user(ApiCaller(c): ApiCaller, Json(n): Json<NewUser>) -> Result<Response, ApiError> {
    let role = Role::from_key(&n.role)
        .ok_or_else(|| ApiError::invalid(format!("未知角色 / unknown role {:?}", n.role)))?;
    let scope = match parse_division(n.division.as_deref())? {
        Some(d) => Scope::Division(d),
        None => Scope::All,
    };
    let ctx = c.write_ctx("api");
    let new = anju_store::scoped::NewAccount {
        display_name: n.display_name.clone().unwrap_or_else(|| n.username.clone()),
        username: n.username,
        role,
        scope,
        password: n.password,
    };
    let a = c.data.add_account(&ctx, c.account.role, &new).await?;
    Ok((StatusCode::CREATED, Json(user_item(a))).into_response())
}

fn user_item(a: anju_store::accounts::Account) -> UserItem {
    UserItem {
        id: a.id,
        scope: scope_code(&a.scope),
        username: a.username,
        display_name: a.display_name,
        role: a.role.key().into(),
        active: a.active,
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// false disables the account (its sessions end at once), true enables it again.
    pub active: Option<bool>,
    /// A new password (8 characters or more); the account's sessions end.
    pub password: Option<String>,
}

/// An administrator's change of an account inside their jurisdiction (pages and API); no one
/// disables their own account.
pub async fn change_user(
    c: &Caller,
    username: &str,
    change: anju_store::accounts::AccountChange,
    source: &str,
) -> Result<anju_store::accounts::Account, ApiError> {
    let ctx = c.write_ctx(source);
    Ok(c.data
        .change_account(&ctx, &c.account, username, &change)
        .await?)
}

/// Disable or enable an account, or set its password (administrators, inside their jurisdiction).
#[utoipa::path(patch, path = "/api/v1/users/{username}", request_body = UserChange, responses((status = 200, body = UserItem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_user(
    ApiCaller(c): ApiCaller,
    Path(username): Path<String>,
    Json(u): Json<UserChange>,
) -> Result<Json<UserItem>, ApiError> {
    let change = anju_store::accounts::AccountChange {
        active: u.active,
        password: u.password,
    };
    let a = change_user(&c, &username, change, "api").await?;
    Ok(Json(user_item(a)))
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    home: String,
    q: String,
    audit: Vec<(String, String, String, String, String, String)>,
    audit_total: u64,
    notice: Option<String>,
    error: Option<String>,
}

/// An account as the administrator's table shows it.
struct UserRow {
    username: String,
    name: String,
    role: String,
    scope: String,
    active: bool,
    /// The administrator's own account (it cannot be disabled from here).
    me: bool,
}

#[derive(Deserialize)]
struct AuditParam {
    q: Option<String>,
}

async fn admin_view(
    p: PageCaller,
    q: Option<String>,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    if !p.caller.account.role.manages_accounts() {
        return Err(ApiError::forbidden("需要管理员权限 / administrators only"));
    }
    let data = &p.caller.data;
    let users = data.accounts(p.caller.account.role).await?;
    let (audit, audit_total) = data.audit(q.as_deref(), 1, 100).await?;
    let scope_text = |s: &Scope| match s {
        Scope::All => p.chrome.t("全国", "nationwide").to_string(),
        Scope::Division(d) => d.to_string(),
    };
    let en = p.chrome.en;
    let page = AdminPage {
        users: users
            .iter()
            .map(|u| UserRow {
                username: u.username.clone(),
                name: u.display_name.clone(),
                role: if en {
                    u.role.key().to_string()
                } else {
                    u.role.label_zh().to_string()
                },
                scope: scope_text(&u.scope),
                active: u.active,
                me: u.id == p.caller.account.id,
            })
            .collect(),
        roles: anju_domain::account::grantable_roles(p.caller.account.role)
            .into_iter()
            .map(|r| (r.key(), r.label_zh()))
            .collect(),
        home: data.home().map(|d| d.to_string()).unwrap_or_default(),
        q: q.unwrap_or_default(),
        audit: audit
            .iter()
            .map(|a| {
                (
                    a.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    a.actor.clone(),
                    a.action.clone(),
                    format!("{} {}", a.entity, a.entity_id),
                    a.division_code.clone().unwrap_or_default(),
                    a.source.clone().unwrap_or_default(),
                )
            })
            .collect(),
        audit_total,
        notice,
        error,
        c: p.chrome,
    };
    render(&page, status)
}

async fn admin_page(p: PageCaller, Query(q): Query<AuditParam>) -> Result<Response, ApiError> {
    admin_view(p, q.q, None, None, StatusCode::OK).await
}

#[derive(Deserialize)]
struct NewUserForm {
    csrf: String,
    username: String,
    display_name: Option<String>,
    role: String,
    division: String,
    password: String,
}

async fn admin_add_user(p: PageCaller, Form(f): Form<NewUserForm>) -> Result<Response, ApiError> {
    p.caller.check_csrf(Some(&f.csrf))?;
    if !p.caller.account.role.manages_accounts() {
        return Err(ApiError::forbidden("需要管理员权限 / administrators only"));
    }
    // The same rule as the API's, in the store: a role the administrator may grant, inside
    // their jurisdiction (an empty division: the whole country, for a system administrator).
    let result: Result<String, String> = async {
        let role = anju_domain::Role::from_key(&f.role).ok_or("未知角色 / unknown role")?;
        let scope = match f.division.trim() {
            "" => Scope::All,
            d => Scope::Division(DivisionCode::parse_short(d).map_err(|e| e.to_string())?),
        };
        let ctx = p.caller.write_ctx("page");
        let name = f
            .display_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&f.username);
        let new = anju_store::scoped::NewAccount {
            username: f.username.clone(),
            display_name: name.to_string(),
            role,
            scope,
            password: f.password.clone(),
        };
        p.caller
            .data
            .add_account(&ctx, p.caller.account.role, &new)
            .await
            .map_err(|e| e.to_string())?;
        Ok(format!(
            "{}{}",
            p.chrome.t("已创建账户：", "account created: "),
            f.username.trim()
        ))
    }
    .await;
    match result {
        Ok(n) => admin_view(p, None, Some(n), None, StatusCode::OK).await,
        Err(e) => admin_view(p, None, None, Some(e), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

#[derive(Deserialize)]
struct ChangeUserForm {
    csrf: String,
    /// disable | enable | password
    action: String,
    password: Option<String>,
}

async fn admin_change_user(
    p: PageCaller,
    Path(username): Path<String>,
    Form(f): Form<ChangeUserForm>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(Some(&f.csrf))?;
    let (active, password, done) = match f.action.as_str() {
        "disable" => (
            Some(false),
            None,
            p.chrome.t("已停用账户：", "account disabled: "),
        ),
        "enable" => (
            Some(true),
            None,
            p.chrome.t("已启用账户：", "account enabled: "),
        ),
        "password" => (
            None,
            Some(f.password.clone().unwrap_or_default()),
            p.chrome.t("已重置密码：", "password reset: "),
        ),
        _ => return Err(ApiError::invalid("action: disable | enable | password")),
    };
    let change = anju_store::accounts::AccountChange { active, password };
    match change_user(&p.caller, &username, change, "page").await {
        Ok(_) => {
            let notice = format!("{done}{username}");
            admin_view(p, None, Some(notice), None, StatusCode::OK).await
        }
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND => Err(e),
        Err(e) => {
            let status = e.status;
            admin_view(p, None, None, Some(e.message), status).await
        }
    }
}
