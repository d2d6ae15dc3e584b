//! Projects (DOMAIN §8) through the API: made from planned estates, moved through their
//! lifecycle step by step — a step refused by its gates is 409 `{"code":"gate_failed",
//! "reasons":[…]}` with every failed gate — with what each step produced recorded on the way.

use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::AppState;
use anju_domain::project::ProjectState;
use anju_store::scoped::ProjectPatch;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(projects_api, create_project_api))
        .routes(routes!(project_api, update_project_api))
        .routes(routes!(transition_api))
        .routes(routes!(overdue_api))
        .routes(routes!(money_api, record_money_api))
}

pub(super) fn may_run(c: &Caller) -> Result<(), ApiError> {
    if c.account.role.runs_projects() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有实施主体和规划工作人员可以推进项目 / only implementing entities and planning staff run projects",
        ))
    }
}

fn state_of(s: &str) -> Result<ProjectState, ApiError> {
    ProjectState::from_key(s.trim()).ok_or_else(|| {
        let keys: Vec<&str> = ProjectState::ALL.iter().map(|s| s.key()).collect();
        ApiError::invalid(format!(
            "状态应为 {} 之一，实为“{s}” / the state must be one of {}, got {s:?}",
            keys.join("、"),
            keys.join(", ")
        ))
    })
}

#[derive(Deserialize, IntoParams)]
pub struct ProjectsQuery {
    /// planned | scheme_approved | designed | tendered | under_construction | completed |
    /// accepted | handed_over
    pub state: Option<String>,
}

/// The projects of the caller's jurisdiction, newest first: `{"items":[{"id","name","state",…}],"total"}`.
#[utoipa::path(get, path = "/api/v1/projects", params(ProjectsQuery),
    responses((status = 200, description = "the projects"), (status = 422, body = ErrorBody)))]
pub(super) async fn projects_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Query(q): Query<ProjectsQuery>,
) -> Result<Json<Value>, ApiError> {
    let s = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(state_of(s)?),
        None => None,
    };
    let a = state.assessor_for(&c.data, &[]).await?;
    let (items, total) = c.data.projects(&a, s).await?;
    Ok(Json(json!({ "items": items, "total": total })))
}

#[derive(Deserialize, ToSchema)]
pub struct NewProjectBody {
    /// The project's name (the estates' names when blank).
    #[serde(default)]
    pub name: String,
    /// One estate, or a bundle's estates.
    pub estates: Vec<i64>,
    /// The year of the plan (its calendar's deadlines); the year of the plan that took the
    /// estates in when absent.
    #[serde(default)]
    pub year: Option<i32>,
}

/// Makes a project of estates in the state `planned`: refused (409 `gate_failed`) unless each
/// estate is eligible, in an annual plan, and its consultation reached the threshold.
#[utoipa::path(post, path = "/api/v1/projects", request_body = NewProjectBody,
    responses((status = 201, description = "the project"), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn create_project_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(body): Json<NewProjectBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    for &e in &body.estates {
        c.data.estate(e).await?.ok_or_else(ApiError::not_found)?;
    }
    may_run(&c)?;
    let a = state.assessor_for(&c.data, &[]).await?;
    match c
        .data
        .create_project(
            &a,
            &body.name,
            &body.estates,
            body.year,
            &c.write_ctx("api"),
        )
        .await?
    {
        Ok(p) => Ok((StatusCode::CREATED, Json(json!(p)))),
        Err(failed) => Err(ApiError::gates_failed(&failed)),
    }
}

/// A project: its state, the approvals it needs (with the reason for each waived) and what
/// still stops its next step.
#[utoipa::path(get, path = "/api/v1/projects/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "the project"), (status = 404, body = ErrorBody)))]
pub(super) async fn project_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let a = state.assessor_for(&c.data, &[]).await?;
    Ok(Json(json!(c.data.project(&a, id).await?)))
}

/// Records what a step produced: `scheme_approval`, `estimate_fen`, `contractor`,
/// `approvals_done`, `progress_pct`, `closed_water_test_passed`, `residents_in_acceptance`,
/// `managing_unit` … (each field given replaces the stored one; audited).
#[utoipa::path(patch, path = "/api/v1/projects/{id}", params(("id" = i64, Path)),
    request_body(content = Value, description = "the fields to record"),
    responses((status = 200, description = "the project"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn update_project_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, ApiError> {
    let a = state.assessor_for(&c.data, &[]).await?;
    c.data.project(&a, id).await?;
    may_run(&c)?;
    let patch: ProjectPatch = serde_json::from_value(body)
        .map_err(|e| ApiError::invalid(format!("字段有误 / invalid fields: {e}")))?;
    Ok(Json(json!(
        c.data
            .update_project(&a, id, &patch, &c.write_ctx("api"))
            .await?
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct TransitionBody {
    /// The state to move to: the next one.
    pub to: String,
}

/// Moves a project to its next state; 409 `{"code":"gate_failed","reasons":[…]}` with every
/// failed gate (a jump over states names the missing steps). Audited.
#[utoipa::path(post, path = "/api/v1/projects/{id}/transitions", params(("id" = i64, Path)), request_body = TransitionBody,
    responses((status = 200, description = "the project in its new state"), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn transition_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<TransitionBody>,
) -> Result<Json<Value>, ApiError> {
    let a = state.assessor_for(&c.data, &[]).await?;
    c.data.project(&a, id).await?;
    may_run(&c)?;
    let to = state_of(&body.to)?;
    match c.data.transition(&a, id, to, &c.write_ctx("api")).await? {
        Ok(p) => Ok(Json(json!(p))),
        Err(failed) => Err(ApiError::gates_failed(&failed)),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct OverdueQuery {
    /// The day to judge on, YYYY-MM-DD (today in China when absent).
    pub on: Option<String>,
}

/// The projects with a milestone overdue (or planned past its deadline) on a day:
/// `{"items":[{"id","name","state","division_code","alerts":[{"milestone","due","overdue_days","reason"}]}],"total"}`.
#[utoipa::path(get, path = "/api/v1/projects/overdue", params(OverdueQuery),
    responses((status = 200, description = "the overdue projects"), (status = 422, body = ErrorBody)))]
pub(super) async fn overdue_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Query(q): Query<OverdueQuery>,
) -> Result<Json<Value>, ApiError> {
    let on = match q.on.as_deref().filter(|s| !s.is_empty()) {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            ApiError::invalid(format!(
                "on 应为 YYYY-MM-DD / on must be YYYY-MM-DD, got {d:?}"
            ))
        })?,
        None => anju_store::scoped::today_in_china(),
    };
    let a = state.assessor_for(&c.data, &[]).await?;
    let items = c.data.overdue(&a, on).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

/// A project's money from the funding ledger: allocated, received and disbursed by source, the
/// disbursement rate, and a warning when more was paid out than received.
#[utoipa::path(get, path = "/api/v1/projects/{id}/money", params(("id" = i64, Path)),
    responses((status = 200, description = "the project's money"), (status = 404, body = ErrorBody)))]
pub(super) async fn money_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(c.data.project_money(id).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct MoneyBody {
    /// allocation | receipt | disbursement
    pub kind: String,
    /// central | provincial | city_county | special_bond | utility | residents | social_capital | bank_credit
    pub source: String,
    /// Yuan, exactly: "1200000" or "1,234.56".
    pub amount: String,
    #[serde(default)]
    pub memo: String,
}

/// Records money of a project in the funding ledger (appended to its hash chain; audited).
#[utoipa::path(post, path = "/api/v1/projects/{id}/money", params(("id" = i64, Path)), request_body = MoneyBody,
    responses((status = 201, description = "the project's money after"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn record_money_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<MoneyBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    c.data.project_money(id).await?;
    may_run(&c)?;
    let kind = anju_store::ledger::EntryKind::from_key(body.kind.trim()).ok_or_else(|| {
        ApiError::invalid(format!(
            "kind 应为 allocation、receipt 或 disbursement / kind must be allocation, receipt or disbursement, got {:?}",
            body.kind
        ))
    })?;
    let source =
        anju_domain::catalogue::FundingSource::from_key(body.source.trim()).ok_or_else(|| {
            ApiError::invalid(format!("未知的资金来源 / unknown source {:?}", body.source))
        })?;
    let amount = super::participation::money(&body.amount, "金额 / amount")?;
    let m = c
        .data
        .record_money(id, kind, source, amount, &body.memo, &c.write_ctx("api"))
        .await?;
    Ok((StatusCode::CREATED, Json(json!(m))))
}
