//! Policies by division and year: the policy in force where the caller works, the overrides in
//! their jurisdiction, and — for administrators — the form that stores a province's or city's
//! override (audited; its estates reassessed at once) and the button that reassesses every estate
//! of the jurisdiction after a new year began. Page `/policies`, API `/api/v1/policy`.

use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{parse_division, Form, Json, Query};
use crate::page::{render, Chrome, PageCaller};
use crate::AppState;
use anju_domain::account::may_set_policy;
use anju_domain::{DivisionCode, Level, Policy};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(policy_in_force))
}

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/policies", get(policies_page).post(policy_submit))
        .route("/policies/reassess", post(reassess_submit))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct PolicyQuery {
    /// Division code or prefix (default: the caller's own division, or the national policy).
    pub division: Option<String>,
    /// Year of assessment (default: the server's).
    pub year: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyInForce {
    pub division_code: Option<String>,
    pub year: i32,
    /// The policy as TOML, with the keys of `policy/national.toml`.
    pub toml: String,
    /// What an assessment records of the policy it used.
    pub fingerprint: String,
}

/// The policy in force in a division of the caller's jurisdiction for a year.
async fn in_force(
    state: &AppState,
    c: &Caller,
    division: Option<DivisionCode>,
    year: i32,
) -> Result<(Option<DivisionCode>, Policy), ApiError> {
    let division = division.or(c.data.home());
    let policy = match &division {
        Some(d) => {
            c.data
                .policy_in_force(state.web.policy.clone(), d, year)
                .await?
        }
        None => state.web.policy.clone(),
    };
    Ok((division, policy))
}

/// The policy in force in a division of the caller's jurisdiction (its own by default).
#[utoipa::path(get, path = "/api/v1/policy", params(PolicyQuery), responses((status = 200, body = PolicyInForce), (status = 404, body = ErrorBody)))]
async fn policy_in_force(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Query(q): Query<PolicyQuery>,
) -> Result<Json<PolicyInForce>, ApiError> {
    let year = q.year.unwrap_or(state.web.reference_year);
    let (division, policy) =
        in_force(&state, &c, parse_division(q.division.as_deref())?, year).await?;
    Ok(Json(PolicyInForce {
        division_code: division.map(|d| d.to_string()),
        year,
        fingerprint: policy.fingerprint(),
        toml: policy.to_toml(),
    }))
}

#[derive(Template)]
#[template(path = "policies.html")]
struct PoliciesPage {
    c: Chrome,
    division: String,
    year: i32,
    toml: String,
    /// (division, first year, the keys it changes)
    overrides: Vec<(String, i32, String)>,
    /// The form: this division's own override may be set by this user.
    editable: bool,
    /// Its override of this year, to start the form from.
    own: String,
    stale: u64,
    may_reassess: bool,
    notice: Option<String>,
    errors: Vec<String>,
}

#[derive(Deserialize)]
struct PageQuery {
    division: Option<String>,
    year: Option<i32>,
    saved: Option<usize>,
    reassessed: Option<usize>,
}

async fn policies_page(
    State(state): State<AppState>,
    p: PageCaller,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    let division = parse_division(q.division.as_deref())?;
    let c = &p.chrome;
    let notice = match (q.saved, q.reassessed) {
        (Some(n), _) => Some(match c.lang() {
            anju_domain::Lang::Zh => format!("已保存，{n}个小区的判定结果有变化"),
            anju_domain::Lang::En => format!("saved; {n} estates changed their outcome"),
        }),
        (_, Some(n)) => Some(match c.lang() {
            anju_domain::Lang::Zh => format!("已重新判定，{n}个小区的判定结果有变化"),
            anju_domain::Lang::En => format!("reassessed; {n} estates changed their outcome"),
        }),
        _ => None,
    };
    view(
        &state,
        p,
        division,
        q.year,
        notice,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn view(
    state: &AppState,
    p: PageCaller,
    division: Option<DivisionCode>,
    year: Option<i32>,
    notice: Option<String>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let year = year.unwrap_or(state.web.reference_year);
    let PageCaller { caller, chrome } = p;
    let c = &caller;
    // One read of the policies for the policy in force, the list and the form.
    let division = division.or(c.data.home());
    if division.is_some_and(|d| !c.data.covers(&d)) {
        return Err(ApiError::not_found());
    }
    let policies = c.data.policies_seen(state.web.policy.clone()).await?;
    let policy = match &division {
        Some(d) => policies.in_force(d, year)?,
        None => policies.base.clone(),
    };
    let own = division
        .and_then(|d| policies.latest(&d, year))
        .map(|o| o.body.clone())
        .unwrap_or_default();
    let editable = division.is_some_and(|d| {
        matches!(d.level(), Level::Province | Level::City)
            && may_set_policy(c.account.role, &c.account.scope, &d)
    });
    let may_reassess = c.account.role.manages_accounts();
    let stale = if may_reassess {
        let a = state.assessor(&c.data).await?;
        c.data.stale_assessments(&a).await?
    } else {
        0
    };
    let page = PoliciesPage {
        division: division.map(|d| d.prefix().to_string()).unwrap_or_default(),
        year,
        toml: policy.to_toml(),
        overrides: policies
            .overrides
            .into_iter()
            .map(|o| (o.division.prefix().to_string(), o.from_year, o.body))
            .collect(),
        editable,
        own,
        stale,
        may_reassess,
        notice,
        errors,
        c: chrome,
    };
    render(&page, status)
}

async fn policy_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let division = parse_division(f.get("division").map(String::as_str))?.ok_or_else(|| {
        ApiError::invalid("division: 须填写省或市的代码 / a province's or city's code")
    })?;
    let from_year: i32 = f
        .get("from_year")
        .and_then(|y| y.trim().parse().ok())
        .ok_or_else(|| ApiError::invalid("from_year: 应为四位年份 / a four-digit year"))?;
    let body = f.get("body").cloned().unwrap_or_default();
    // Not found before not allowed: an outsider learns nothing of the division.
    p.caller
        .data
        .policy_in_force(state.web.policy.clone(), &division, from_year)
        .await?;
    if !may_set_policy(p.caller.account.role, &p.caller.account.scope, &division) {
        return Err(ApiError::forbidden(
            "只有管理员可以设定政策 / only an administrator may set a policy",
        ));
    }
    let ctx = p.caller.write_ctx("page");
    match p
        .caller
        .data
        .set_policy(
            &ctx,
            &division,
            from_year,
            &body,
            state.web.policy.clone(),
            state.web.reference_year,
        )
        .await
    {
        Ok(change) => Ok(Redirect::to(&format!(
            "/policies?division={}&year={from_year}&saved={}",
            division.prefix(),
            change.changed
        ))
        .into_response()),
        Err(anju_store::StoreError::Invalid(why)) => {
            view(
                &state,
                p,
                Some(division),
                Some(from_year),
                None,
                vec![why],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    csrf: String,
}

/// Reassesses every estate of the caller's jurisdiction (after a new year began, say).
async fn reassess_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(Some(&f.csrf))?;
    if !p.caller.account.role.manages_accounts() {
        return Err(ApiError::forbidden(
            "只有管理员可以重新判定 / only an administrator may reassess",
        ));
    }
    let a = state.assessor(&p.caller.data).await?;
    let n = p.caller.data.reassess(&a).await?;
    Ok(Redirect::to(&format!("/policies?reassessed={n}")).into_response())
}
