//! Projects (DOMAIN §8) through the API: made from planned estates, moved through their
//! lifecycle step by step — a step refused by its gates is 409 `{"code":"gate_failed",
//! "reasons":[…]}` with every failed gate — with what each step produced recorded on the way.

use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Form, Json, Path, Query};
use crate::page::{render, Chrome, PageCaller};
use crate::AppState;
use anju_domain::catalogue::FundingSource;
use anju_domain::project::ProjectState;
use anju_domain::Money;
use anju_store::scoped::{ProjectPatch, ProjectView};
use askama::Template;
use axum::extract::State;
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

fn entry_kind(s: &str) -> Result<anju_store::ledger::EntryKind, ApiError> {
    use anju_store::ledger::EntryKind;
    super::one_of(EntryKind::ALL, EntryKind::key, s, "kind")
}

fn state_of(s: &str) -> Result<ProjectState, ApiError> {
    super::one_of(ProjectState::ALL, ProjectState::key, s, "state")
}

#[derive(Deserialize, IntoParams)]
pub struct ProjectsQuery {
    /// planned | scheme_approved | designed | tendered | under_construction | completed |
    /// accepted | handed_over
    pub state: Option<String>,
    /// From 1.
    pub page: Option<u64>,
    /// 50 by default, at most 200.
    pub per_page: Option<u64>,
}

/// The projects of the caller's jurisdiction, newest first, a page at a time:
/// `{"items":[{"id","name","state",…}],"total","page","per_page"}`.
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
    let (page, per_page) = (
        q.page.unwrap_or(1).max(1),
        q.per_page.unwrap_or(50).clamp(1, 200),
    );
    let (items, total) = c.data.projects(&a, s, page, per_page).await?;
    Ok(Json(
        json!({ "items": items, "total": total, "page": page, "per_page": per_page }),
    ))
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
    c.data.project_seen(id).await?;
    may_run(&c)?;
    let a = state.assessor_for(&c.data, &[]).await?;
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
    c.data.project_seen(id).await?;
    may_run(&c)?;
    let a = state.assessor_for(&c.data, &[]).await?;
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
    c.data.project_seen(id).await?;
    may_run(&c)?;
    let kind = entry_kind(&body.kind)?;
    let source = super::money::source(&body.source)?;
    let amount = super::participation::money(&body.amount, "金额 / amount")?;
    let m = c
        .data
        .record_money(id, kind, source, amount, &body.memo, &c.write_ctx("api"))
        .await?;
    Ok((StatusCode::CREATED, Json(json!(m))))
}

// ------------------------------------------------------------------ the pages

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/projects", get(projects_page).post(create_submit))
        .route("/projects.xlsx", get(projects_xlsx))
        .route("/projects/{id}", get(project_page))
        .route("/projects/{id}/documents", post(document_submit))
        .route("/projects/{id}/{action}", post(action_submit))
        .route("/documents/{id}", get(document_page))
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ProjectsPage {
    c: Chrome,
    page: u64,
    pages: u64,
    total: u64,
    state: String,
    states: Vec<(&'static str, String)>,
    items: Vec<ProjectView>,
    overdue: Vec<anju_store::scoped::OverdueProject>,
    runs: bool,
}

impl ProjectsPage {
    fn label(&self, t: impl std::borrow::Borrow<anju_domain::Text>) -> String {
        self.c.say(t.borrow())
    }
}

#[derive(Deserialize)]
struct ProjectsPageQuery {
    state: Option<String>,
    page: Option<u64>,
}

/// Projects per page of the list.
const PER_PAGE: u64 = 50;

async fn projects_page(
    State(state): State<AppState>,
    p: PageCaller,
    Query(q): Query<ProjectsPageQuery>,
) -> Result<Response, ApiError> {
    let c = &p.caller;
    let s = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(state_of(s)?),
        None => None,
    };
    let a = state.assessor_for(&c.data, &[]).await?;
    let page = q.page.unwrap_or(1).max(1);
    let (items, total) = c.data.projects(&a, s, page, PER_PAGE).await?;
    let overdue = c
        .data
        .overdue(&a, anju_store::scoped::today_in_china())
        .await?;
    let page = ProjectsPage {
        page,
        pages: total.div_ceil(PER_PAGE).max(1),
        total,
        state: s.map_or(String::new(), |s| s.key().to_string()),
        states: ProjectState::ALL
            .iter()
            .map(|s| (s.key(), p.chrome.say(&s.label())))
            .collect(),
        items,
        overdue,
        runs: c.account.role.runs_projects(),
        c: p.chrome,
    };
    render(&page, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    c: Chrome,
    p: ProjectView,
    errors: Vec<String>,
    runs: bool,
    inspects: bool,
    money: anju_store::scoped::ProjectMoney,
    plan: anju_store::scoped::FundingPlanView,
    reports: Vec<anju_store::scoped::ProgressReport>,
    documents: Vec<anju_store::scoped::DocumentMeta>,
    inspections: Vec<anju_store::scoped::InspectionView>,
    tasks: Vec<anju_store::scoped::TaskView>,
    complaints: Vec<anju_store::scoped::ComplaintView>,
    document_kinds: Vec<(&'static str, String)>,
    inspection_kinds: Vec<(&'static str, String)>,
    severities: Vec<(&'static str, String)>,
    sources: Vec<(&'static str, String)>,
    /// The modes of management after the works (key, name).
    modes: Vec<(&'static str, String)>,
    /// Each approval: key, name, why it is not needed (none: needed), done.
    approvals: Vec<(&'static str, String, Option<String>, bool)>,
}

impl ProjectPage {
    fn yuan(&self, m: &Money) -> String {
        m.yuan_text()
    }
    /// An amount in yuan, empty when there is none (also for a form's field).
    fn fen_text(&self, f: &Option<i64>) -> String {
        f.map_or_else(String::new, |f| Money::from_fen(f).yuan_text())
    }
    fn pct(&self, p: &Option<f64>) -> String {
        p.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into())
    }
    fn label(&self, t: impl std::borrow::Borrow<anju_domain::Text>) -> String {
        self.c.say(t.borrow())
    }
    fn kb(&self, bytes: &i64) -> String {
        format!("{:.1} KB", *bytes as f64 / 1024.0)
    }
}

async fn project_view(
    state: &AppState,
    p: PageCaller,
    id: i64,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let c = &p.caller;
    let a = state.assessor_for(&c.data, &[]).await?;
    let view = c.data.project(&a, id).await?;
    let today = anju_store::scoped::today_in_china();
    let ch = &p.chrome;
    let say = |all: Vec<(&'static str, anju_domain::Text)>| -> Vec<(&'static str, String)> {
        all.into_iter().map(|(k, t)| (k, ch.say(&t))).collect()
    };
    use anju_domain::works::{DocumentKind, InspectionKind, Severity};
    let page = ProjectPage {
        runs: c.account.role.runs_projects(),
        inspects: c.account.role.inspects(),
        errors,
        money: c.data.project_money(id).await?,
        plan: c.data.funding_plan(&a, id).await?,
        reports: c.data.progress_reports(id).await?,
        documents: c.data.documents(id).await?,
        inspections: c.data.inspections(id, today).await?,
        tasks: c.data.tasks(None, Some(id), today).await?,
        complaints: c.data.complaints(id).await?,
        document_kinds: say(DocumentKind::ALL
            .iter()
            .map(|k| (k.key(), k.label()))
            .collect()),
        inspection_kinds: say(InspectionKind::ALL
            .iter()
            .map(|k| (k.key(), k.label()))
            .collect()),
        severities: say(Severity::ALL.iter().map(|k| (k.key(), k.label())).collect()),
        modes: anju_store::scoped::MANAGEMENT_MODES
            .iter()
            .map(|m| {
                let name = if ch.en { m.label_en() } else { m.label_zh() };
                (m.key(), name.to_string())
            })
            .collect(),
        sources: say(FundingSource::ALL
            .iter()
            .map(|k| (k.key(), k.label()))
            .collect()),
        approvals: view
            .approvals
            .iter()
            .map(|(a, need)| {
                let why = match need {
                    anju_domain::approvals::Need::Required => None,
                    anju_domain::approvals::Need::Waived { reason }
                    | anju_domain::approvals::Need::Merged { reason, .. } => Some(ch.say(reason)),
                };
                (
                    a.key(),
                    ch.say(&a.label()),
                    why,
                    view.approvals_done.contains(a),
                )
            })
            .collect(),
        p: view,
        c: p.chrome,
    };
    render(&page, status)
}

/// The jurisdiction's projects as a workbook (the page's download).
async fn projects_xlsx(State(state): State<AppState>, p: PageCaller) -> Result<Response, ApiError> {
    let a = state.assessor_for(&p.caller.data, &[]).await?;
    let bytes = projects_workbook(&p.caller.data, &a, p.chrome.lang()).await?;
    Ok(crate::page::xlsx_download(bytes, "projects.xlsx"))
}

/// The projects of a scope as a workbook: one row each with its state, progress, dates, money
/// and open findings (what a county sends up with its monthly report). The page's download and
/// `anju export projects`.
pub async fn projects_workbook(
    data: &anju_store::scoped::Scoped,
    a: &anju_store::Assessor,
    lang: anju_domain::Lang,
) -> Result<Vec<u8>, ApiError> {
    use anju_io::write::Out;
    let mut items = Vec::new();
    for page in 1.. {
        let (more, total) = data.projects(a, None, page, 200).await?;
        items.extend(more);
        if items.len() as u64 >= total {
            break;
        }
    }
    let today = anju_store::scoped::today_in_china();
    let open = data.open_findings(today).await?;
    let text = |s: &str| Out::Text(s.to_string());
    let date = |d: Option<chrono::NaiveDate>| d.map_or(Out::Empty, |d| Out::Text(d.to_string()));
    let yuan = |m: Money| Out::Num(m.fen() as f64 / 100.0);
    let mut rows = Vec::with_capacity(items.len());
    for v in &items {
        let money = data.project_money(v.id).await?;
        let milestone =
            |m: anju_domain::milestones::Milestone| v.milestones.iter().find(|s| s.milestone == m);
        let start = milestone(anju_domain::milestones::Milestone::Start);
        let done = milestone(anju_domain::milestones::Milestone::WorksDone);
        rows.push(vec![
            Out::Num(v.id as f64),
            text(&v.name),
            text(&v.division_code),
            Out::Num(v.plan_year as f64),
            Out::Text(v.state.label().get(lang).to_string()),
            Out::Num(v.progress_pct as f64),
            v.estimate_fen
                .map_or(Out::Empty, |f| yuan(Money::from_fen(f))),
            v.contractor.as_deref().map_or(Out::Empty, text),
            date(start.and_then(|s| s.planned)),
            date(start.and_then(|s| s.actual)),
            date(done.and_then(|s| s.planned)),
            date(done.and_then(|s| s.actual)),
            yuan(money.received),
            yuan(money.disbursed),
            money.disbursement_rate_pct.map_or(Out::Empty, Out::Num),
            Out::Num(open.iter().filter(|f| f.project_id == v.id).count() as f64),
        ]);
    }
    let headers: Vec<&str> = [
        ("项目编号", "Id"),
        ("项目名称", "Project"),
        ("区划代码", "Division"),
        ("计划年度", "Plan year"),
        ("状态", "State"),
        ("形象进度（%）", "Progress (%)"),
        ("设计概算（元）", "Estimate (yuan)"),
        ("施工单位", "Contractor"),
        ("计划开工", "Start planned"),
        ("实际开工", "Started"),
        ("计划完工", "Completion planned"),
        ("实际完工", "Completed"),
        ("到位资金（元）", "Received (yuan)"),
        ("已拨付（元）", "Disbursed (yuan)"),
        ("拨付率（%）", "Disbursement rate (%)"),
        ("未整改问题", "Open findings"),
    ]
    .iter()
    .map(|(zh, en)| lang.pick(zh, en))
    .collect();
    anju_io::write::table_xlsx(lang.pick("改造项目", "Projects"), &headers, rows)
        .map_err(ApiError::internal)
}

/// The new-project form: estate ids (one, or a bundle's, separated by commas or spaces) and a
/// name; refused gates are shown on the list page.
async fn create_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let c = &p.caller;
    c.check_csrf(f.get("csrf").map(String::as_str))?;
    may_run(c)?;
    let text = f.get("estates").map_or("", |s| s.as_str());
    let mut ids = Vec::new();
    for part in text.split(|ch: char| ch == ',' || ch == '，' || ch.is_whitespace()) {
        if part.is_empty() {
            continue;
        }
        ids.push(part.parse::<i64>().map_err(|_| {
            ApiError::invalid(format!(
                "小区编号应为数字，实为“{part}” / estate ids are numbers, got {part:?}"
            ))
        })?);
    }
    for &e in &ids {
        c.data.estate(e).await?.ok_or_else(ApiError::not_found)?;
    }
    let a = state.assessor_for(&c.data, &[]).await?;
    let name = f.get("name").map_or("", |s| s.as_str());
    match c
        .data
        .create_project(&a, name, &ids, None, &c.write_ctx("page"))
        .await
    {
        Ok(Ok(view)) => Ok(Redirect::to(&format!("/projects/{}", view.id)).into_response()),
        Ok(Err(failed)) => Err(ApiError::gates_failed(&failed)),
        Err(e) => Err(e.into()),
    }
}

async fn project_page(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    project_view(&state, p, id, Vec::new(), StatusCode::OK).await
}

async fn document_page(p: PageCaller, Path(id): Path<i64>) -> Result<Response, ApiError> {
    super::works::document_response(&p.caller, id).await
}

/// After a form: back to the project, or the page again with the error when the input was wrong
/// or a gate refused.
async fn after(
    state: &AppState,
    p: PageCaller,
    id: i64,
    done: Result<(), ApiError>,
) -> Result<Response, ApiError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}")).into_response()),
        Err(e) => {
            let (why, status) = e.on_form()?;
            project_view(state, p, id, why, status).await
        }
    }
}

async fn document_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
    form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    let (csrf, kind, caption, name, bytes) = super::works::document_form(form).await?;
    p.caller.check_csrf(csrf.as_deref())?;
    let c = &p.caller;
    c.data.project_seen(id).await?;
    super::works::may_inspect(c)?;
    let a = state.assessor_for(&c.data, &[]).await?;
    let done = c
        .data
        .add_document(id, kind, &name, &caption, &bytes, &a, &c.write_ctx("page"))
        .await
        .map(|_| ())
        .map_err(ApiError::from);
    after(&state, p, id, done).await
}

async fn action_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    p.caller.data.project_seen(id).await?;
    let a = state.assessor_for(&p.caller.data, &[]).await?;
    let done = act(&p.caller, &a, id, &action, &f).await;
    after(&state, p, id, done).await
}

/// One form of the project page.
async fn act(
    c: &Caller,
    a: &anju_store::Assessor,
    id: i64,
    action: &str,
    f: &HashMap<String, String>,
) -> Result<(), ApiError> {
    let field = |k: &str| f.get(k).map(|s| s.trim()).unwrap_or("");
    let some = |k: &str| Some(field(k).to_string()).filter(|s| !s.is_empty());
    let ctx = c.write_ctx("page");
    use anju_domain::works::{InspectionKind, ParticipantRole, Severity};
    match action {
        "transition" => {
            may_run(c)?;
            let to = state_of(field("to"))?;
            c.data
                .transition(a, id, to, &ctx)
                .await?
                .map_err(|failed| ApiError::gates_failed(&failed))?;
        }
        "record" => {
            may_run(c)?;
            let estimate_fen = match some("estimate") {
                Some(y) => Some(super::participation::money(&y, "概算 / estimate")?.fen()),
                None => None,
            };
            let patch = ProjectPatch {
                scheme_approval: some("scheme_approval"),
                estimate_fen,
                contractor: some("contractor"),
                approvals_done: f.contains_key("approvals").then(|| {
                    f.iter()
                        .filter(|(k, v)| k.starts_with("approval:") && v.as_str() == "1")
                        .map(|(k, _)| k["approval:".len()..].to_string())
                        .collect()
                }),
                rain_sewage_separated: f
                    .contains_key("approvals")
                    .then(|| field("rain_sewage") == "1"),
                management_mode: some("management_mode"),
                managing_unit: some("managing_unit"),
                management_duties: some("management_duties"),
                ..Default::default()
            };
            c.data.update_project(a, id, &patch, &ctx).await?;
        }
        "progress" => {
            may_run(c)?;
            let pct = field("progress_pct").parse::<u32>().map_err(|_| {
                ApiError::invalid("形象进度应为0–100的整数 / progress is a whole number 0 to 100")
            })?;
            let input = anju_store::scoped::ProgressInput {
                month: field("month").to_string(),
                progress_pct: Some(pct),
                invested: super::participation::money(field("invested"), "完成投资 / invested")?,
                items: Vec::new(),
                note: field("note").to_string(),
            };
            c.data.report_progress(id, &input, &ctx).await?;
        }
        "inspection" => {
            super::works::may_inspect(c)?;
            let kind = super::one_of(
                InspectionKind::ALL,
                InspectionKind::key,
                field("kind"),
                "kind",
            )?;
            let mut participants = Vec::new();
            if !field("residents").is_empty() {
                participants.push(anju_store::scoped::Participant {
                    role: ParticipantRole::Residents,
                    unit: field("residents").to_string(),
                    name: String::new(),
                });
            }
            if !field("builder").is_empty() {
                participants.push(anju_store::scoped::Participant {
                    role: ParticipantRole::Builder,
                    unit: field("builder").to_string(),
                    name: String::new(),
                });
            }
            let findings = match some("finding") {
                Some(d) => vec![anju_store::scoped::FindingInput {
                    description: d,
                    severity: Severity::from_key(field("severity")).unwrap_or(Severity::Minor),
                    rectify_by: field("rectify_by").to_string(),
                }],
                None => Vec::new(),
            };
            let input = anju_store::scoped::InspectionInput {
                kind,
                date: field("date").to_string(),
                inspector: field("inspector").to_string(),
                passed: match field("passed") {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
                participants,
                note: field("note").to_string(),
                findings,
            };
            c.data.record_inspection(id, &input, &ctx).await?;
        }
        "close_finding" => {
            super::works::may_inspect(c)?;
            let finding: i64 = field("finding_id")
                .parse()
                .map_err(|_| ApiError::invalid("finding_id"))?;
            let on = super::works::on_or_today(Some(field("on")))?;
            c.data
                .close_finding(finding, on, field("closure"), &ctx)
                .await?;
        }
        "money" => {
            may_run(c)?;
            let kind = entry_kind(field("kind"))?;
            let source = super::money::source(field("source"))?;
            let amount = super::participation::money(field("amount"), "金额 / amount")?;
            c.data
                .record_money(id, kind, source, amount, field("memo"), &ctx)
                .await?;
        }
        "complaint" => {
            super::works::may_follow_complaints(c)?;
            let on = super::works::on_or_today(Some(field("received_on")))?;
            c.data
                .record_complaint(id, on, field("channel"), field("summary"), &ctx)
                .await?;
        }
        "complaint_step" => {
            super::works::may_follow_complaints(c)?;
            let complaint: i64 = field("complaint_id")
                .parse()
                .map_err(|_| ApiError::invalid("complaint_id"))?;
            use anju_domain::responsibility::ComplaintStatus;
            let status = super::one_of(
                ComplaintStatus::ALL,
                ComplaintStatus::key,
                field("status"),
                "status",
            )?;
            let on = super::works::on_or_today(None)?;
            c.data
                .follow_complaint(complaint, on, field("text"), status, &ctx)
                .await?;
        }
        _ => return Err(ApiError::not_found()),
    }
    Ok(())
}
