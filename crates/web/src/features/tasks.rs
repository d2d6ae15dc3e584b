//! Responsibility lists through the API (责任清单, DOMAIN §1–2): planning staff give tasks to
//! departments with deadlines; a department's users see and update their own; a utility's share
//! of a project becomes its tasks.

use super::one_of;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Form, Json, Path, Query};
use crate::page::{render, Chrome, PageCaller};
use crate::AppState;
use anju_domain::responsibility::{TaskStatus, Utility, UtilityWorks};
use anju_domain::Role;
use anju_store::scoped::NewTask;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(tasks_api, create_task_api))
        .routes(routes!(update_task_api))
        .routes(routes!(utility_share_api))
}

fn may_assign(c: &crate::auth::Caller) -> Result<(), ApiError> {
    if c.account.role.plans() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有规划工作人员可以分派任务 / only planning staff assign tasks",
        ))
    }
}

/// A department's user sees only the department's tasks.
fn department_of(c: &crate::auth::Caller) -> Option<i64> {
    (c.account.role == Role::Department).then_some(c.account.id)
}

#[derive(Deserialize, IntoParams)]
pub struct TasksQuery {
    /// Only this project's.
    pub project: Option<i64>,
    /// The day overdue is judged on, YYYY-MM-DD (today in China when absent).
    pub on: Option<String>,
}

/// The responsibility list: the jurisdiction's tasks, or a department user's own; overdue first.
#[utoipa::path(get, path = "/api/v1/tasks", params(TasksQuery),
    responses((status = 200, description = "the tasks"), (status = 404, body = ErrorBody)))]
pub(super) async fn tasks_api(
    ApiCaller(c): ApiCaller,
    Query(q): Query<TasksQuery>,
) -> Result<Json<Value>, ApiError> {
    let on = super::works::on_or_today(q.on.as_deref())?;
    let items = c.data.tasks(department_of(&c), q.project, on).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

#[derive(Deserialize, ToSchema)]
pub struct TaskBody {
    pub title: String,
    /// The department's account id (its users see the task).
    pub department_id: i64,
    #[serde(default)]
    pub project_id: Option<i64>,
    /// Where the task is when it belongs to no project (the caller's division when absent).
    #[serde(default)]
    pub division: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub deadline: Option<String>,
    /// Yuan, when the task carries money.
    #[serde(default)]
    pub amount: Option<String>,
}

/// Gives a task to a department (planning staff; audited).
#[utoipa::path(post, path = "/api/v1/tasks", request_body = TaskBody,
    responses((status = 201, description = "the task"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn create_task_api(
    ApiCaller(c): ApiCaller,
    Json(b): Json<TaskBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if let Some(p) = b.project_id {
        c.data.project_seen(p).await?;
    }
    may_assign(&c)?;
    let task = NewTask {
        project_id: b.project_id,
        division: crate::extract::parse_division(b.division.as_deref())?,
        title: b.title,
        department_id: b.department_id,
        deadline: b
            .deadline
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(|d| super::works::date(d, "deadline"))
            .transpose()?,
        amount: b
            .amount
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(|a| super::participation::money(a, "金额 / amount"))
            .transpose()?,
        ..Default::default()
    };
    let mut made = c.data.create_tasks(&[task], &c.write_ctx("api")).await?;
    Ok((StatusCode::CREATED, Json(json!(made.remove(0)))))
}

#[derive(Deserialize, ToSchema)]
pub struct TaskUpdateBody {
    /// open | in_progress | done
    pub status: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// Updates a task's status and note: the department's own users, or planning staff (audited).
#[utoipa::path(patch, path = "/api/v1/tasks/{id}", params(("id" = i64, Path)), request_body = TaskUpdateBody,
    responses((status = 200, description = "the task"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn update_task_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(b): Json<TaskUpdateBody>,
) -> Result<Json<Value>, ApiError> {
    let mine = department_of(&c);
    c.data.task(id, mine).await?;
    let status = one_of(TaskStatus::ALL, TaskStatus::key, &b.status, "status")?;
    if mine.is_none() && !c.account.role.plans() {
        return Err(ApiError::forbidden(
            "只有责任单位和规划工作人员可以更新任务 / only the department and planning staff update tasks",
        ));
    }
    Ok(Json(json!(
        c.data
            .update_task(id, mine, status, b.note.as_deref(), &c.write_ctx("api"))
            .await?
    )))
}

#[derive(Deserialize, ToSchema)]
pub struct UtilityShareBody {
    /// water | power | gas | telecom | broadcast
    pub utility: String,
    /// underground_inside | outside | overhead
    pub works: String,
    /// The utility company's (department) account.
    pub utility_department_id: i64,
    /// The government department that digs, pre-buries and backfills (for underground_inside).
    #[serde(default)]
    pub government_department_id: Option<i64>,
    /// What the utility pays, yuan.
    #[serde(default)]
    pub amount: Option<String>,
    /// YYYY-MM-DD
    #[serde(default)]
    pub deadline: Option<String>,
}

/// A utility's share of a project's works (DOMAIN §7): inside the red line the government digs
/// trenches, pre-buries ducts and backfills, and the utility lays its lines and tidies the old
/// ones; outside the red line, and for overhead lines, the utility does all. Makes the tasks,
/// each given to its department, with the utility's money on its own.
#[utoipa::path(post, path = "/api/v1/projects/{id}/utility-tasks", params(("id" = i64, Path)), request_body = UtilityShareBody,
    responses((status = 201, description = "the tasks"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn utility_share_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(b): Json<UtilityShareBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    c.data.project_seen(id).await?;
    may_assign(&c)?;
    let utility = one_of(Utility::ALL, Utility::key, &b.utility, "utility")?;
    let works = one_of(UtilityWorks::ALL, UtilityWorks::key, &b.works, "works")?;
    let amount = b
        .amount
        .as_deref()
        .filter(|d| !d.is_empty())
        .map(|a| super::participation::money(a, "金额 / amount"))
        .transpose()?;
    let deadline = b
        .deadline
        .as_deref()
        .filter(|d| !d.is_empty())
        .map(|d| super::works::date(d, "deadline"))
        .transpose()?;
    let tasks = c
        .data
        .add_utility_share(
            id,
            utility,
            works,
            b.government_department_id,
            b.utility_department_id,
            amount,
            deadline,
            &c.write_ctx("api"),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "items": tasks }))))
}

// ------------------------------------------------------------------ the page

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/tasks", get(tasks_page))
        .route("/tasks/{id}", post(task_submit))
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    c: Chrome,
    items: Vec<anju_store::scoped::TaskView>,
    statuses: Vec<(&'static str, String)>,
    /// A department's user: only its own tasks.
    mine: bool,
    updates: bool,
}

impl TasksPage {
    fn label(&self, t: impl std::borrow::Borrow<anju_domain::Text>) -> String {
        self.c.say(t.borrow())
    }
    fn yuan(&self, m: &anju_domain::Money) -> String {
        m.yuan_text()
    }
}

async fn tasks_page(p: PageCaller) -> Result<Response, ApiError> {
    let c = &p.caller;
    let items = c
        .data
        .tasks(department_of(c), None, anju_store::scoped::today_in_china())
        .await?;
    let page = TasksPage {
        items,
        statuses: TaskStatus::ALL
            .iter()
            .map(|s| (s.key(), p.chrome.say(&s.label())))
            .collect(),
        mine: department_of(c).is_some(),
        updates: department_of(c).is_some() || c.account.role.plans(),
        c: p.chrome,
    };
    render(&page, StatusCode::OK)
}

async fn task_submit(
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let c = &p.caller;
    c.check_csrf(f.get("csrf").map(String::as_str))?;
    c.data.task(id, department_of(c)).await?;
    let status = one_of(
        TaskStatus::ALL,
        TaskStatus::key,
        f.get("status").map_or("", |s| s.as_str()),
        "status",
    )?;
    let mine = department_of(c);
    if mine.is_none() && !c.account.role.plans() {
        return Err(ApiError::not_found());
    }
    c.data
        .update_task(
            id,
            mine,
            status,
            f.get("note").map(String::as_str),
            &c.write_ctx("page"),
        )
        .await?;
    Ok(Redirect::to("/tasks").into_response())
}
