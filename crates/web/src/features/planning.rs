//! Planning: the reserve pool (`/planning`), the works catalogue in force (`/planning/catalogue`),
//! an estate's needs, list, estimate and priority (`/estates/{id}/needs`), and the annual plan
//! with its schedule, its explanations and its .xlsx (`/planning/plan`). API: `/api/v1/pool`,
//! `/api/v1/estates/{id}/needs`, `/api/v1/plans`.

use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{parse_division, Form, Json, Path, Query};
use crate::page::{render, Chrome, PageCaller};
use crate::AppState;
use anju_domain::pool::PoolState;
use anju_domain::{DivisionCode, Lang, Money};
use anju_store::scoped::{AnnualPlan, EstatePlanning, NeedInput, PlanRequest, PoolRow};
use anju_store::WriteCtx;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pool_api))
        .routes(routes!(needs_api))
        .routes(routes!(put_need, delete_need))
        .routes(routes!(plan_api))
}

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/planning", get(pool_page))
        .route("/planning/catalogue", get(catalogue_page))
        .route("/planning/plan", get(plan_page))
        .route("/planning/plan.xlsx", get(plan_xlsx))
        .route("/planning/plan/adopt", post(adopt_submit))
        .route("/estates/{id}/needs", get(needs_page).post(need_submit))
        .route("/estates/{id}/needs/reset", post(need_reset))
}

fn wan(m: Money) -> f64 {
    m.fen() as f64 / 1_000_000.0
}

// ---------------------------------------------------------------- the pool

#[derive(Deserialize, utoipa::IntoParams)]
pub struct PoolQuery {
    /// Division code or prefix (default: the whole jurisdiction).
    pub division: Option<String>,
    /// reserved, planned or implementing.
    pub state: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PoolItem {
    pub id: i64,
    pub name: String,
    pub division_code: String,
    /// eligible | conditional | …
    pub outcome: String,
    /// reserved | planned | implementing
    pub state: String,
    pub plan_year: Option<i32>,
    pub buildings: i32,
    pub households: i32,
    pub floor_area_m2: f64,
    /// The estimate of the renovation list, in fen.
    pub estimate_fen: i64,
    /// Basic, improvement, enhancement, in fen.
    pub by_category_fen: [i64; 3],
    /// The part central and provincial money may pay, in fen.
    pub higher_level_fen: i64,
    pub priority: f64,
}

#[derive(Serialize, ToSchema)]
pub struct PoolList {
    pub items: Vec<PoolItem>,
    pub total: usize,
}

fn pool_item(r: &PoolRow) -> PoolItem {
    PoolItem {
        id: r.id,
        name: r.name.clone(),
        division_code: r.division_code.clone(),
        outcome: r.outcome.key().to_string(),
        state: r.state.key().to_string(),
        plan_year: r.plan_year,
        buildings: r.buildings,
        households: r.households,
        floor_area_m2: r.floor_area_centi_m2 as f64 / 100.0,
        estimate_fen: r.estimate.fen(),
        by_category_fen: r.by_category.map(Money::fen),
        higher_level_fen: r.higher_level_may_pay.fen(),
        priority: r.priority,
    }
}

fn state_param(s: Option<&str>) -> Result<Option<PoolState>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(k) => PoolState::from_key(k).map(Some).ok_or_else(|| {
            ApiError::invalid(format!(
                "state: 应为 reserved、planned 或 implementing / expected reserved, planned or implementing, got {k:?}"
            ))
        }),
    }
}

/// The pool of the caller's jurisdiction (or a division of it), highest priority first.
async fn pool_rows(
    state: &AppState,
    c: &Caller,
    division: Option<DivisionCode>,
    only: Option<PoolState>,
) -> Result<Vec<PoolRow>, ApiError> {
    let a = state.assessor(&c.data).await?;
    let mut rows = c.data.pool(&a, division.as_ref()).await?;
    rows.retain(|r| only.is_none_or(|s| r.state == s));
    rows.sort_by(|x, y| y.priority.total_cmp(&x.priority).then(x.id.cmp(&y.id)));
    Ok(rows)
}

/// The reserve pool: the estates that may be planned and those planned or implementing, each
/// with its estimate and priority, highest priority first.
#[utoipa::path(get, path = "/api/v1/pool", params(PoolQuery), responses((status = 200, body = PoolList), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn pool_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Query(q): Query<PoolQuery>,
) -> Result<Json<PoolList>, ApiError> {
    let rows = pool_rows(
        &state,
        &c,
        parse_division(q.division.as_deref())?,
        state_param(q.state.as_deref())?,
    )
    .await?;
    Ok(Json(PoolList {
        total: rows.len(),
        items: rows.iter().map(pool_item).collect(),
    }))
}

/// Rows of the pool page.
const POOL_PAGE: usize = 100;

#[derive(Template)]
#[template(path = "pool.html")]
struct PoolPage {
    c: Chrome,
    division: String,
    state: String,
    states: Vec<(&'static str, String)>,
    rows: Vec<PoolItem>,
    total: usize,
    page: usize,
    pages: usize,
    households: i64,
    estimate_wan: f64,
    higher_wan: f64,
    by_state: Vec<(String, usize)>,
}

#[derive(Deserialize)]
struct PoolForm {
    division: Option<String>,
    state: Option<String>,
    page: Option<usize>,
}

async fn pool_page(
    State(state): State<AppState>,
    p: PageCaller,
    Query(q): Query<PoolForm>,
) -> Result<Response, ApiError> {
    let division = parse_division(q.division.as_deref())?;
    let only = state_param(q.state.as_deref())?;
    let all = pool_rows(&state, &p.caller, division, None).await?;
    let lang = p.chrome.lang();
    let by_state = PoolState::ALL
        .iter()
        .map(|s| {
            (
                s.label().get(lang).to_string(),
                all.iter().filter(|r| r.state == *s).count(),
            )
        })
        .collect();
    let rows: Vec<&PoolRow> = all
        .iter()
        .filter(|r| only.is_none_or(|s| r.state == s))
        .collect();
    let pages = rows.len().div_ceil(POOL_PAGE).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let page_rows = rows
        .iter()
        .skip((page - 1) * POOL_PAGE)
        .take(POOL_PAGE)
        .map(|r| pool_item(r))
        .collect();
    let t = PoolPage {
        division: division.map(|d| d.prefix().to_string()).unwrap_or_default(),
        state: only.map(|s| s.key().to_string()).unwrap_or_default(),
        states: PoolState::ALL
            .iter()
            .map(|s| (s.key(), s.label().get(lang).to_string()))
            .collect(),
        total: rows.len(),
        households: rows.iter().map(|r| i64::from(r.households)).sum(),
        estimate_wan: wan(rows.iter().map(|r| r.estimate).sum()),
        higher_wan: wan(rows.iter().map(|r| r.higher_level_may_pay).sum()),
        rows: page_rows,
        page,
        pages,
        by_state,
        c: p.chrome,
    };
    render(&t, StatusCode::OK)
}

// ---------------------------------------------------------------- the catalogue

#[derive(Template)]
#[template(path = "catalogue.html")]
struct CataloguePage {
    c: Chrome,
    division: String,
    year: i32,
    items: Vec<CatalogueLine>,
}

/// A line of the catalogue page.
struct CatalogueLine {
    code: String,
    name: String,
    category: String,
    unit: String,
    unit_cost_yuan: i64,
    /// The national default cost.
    default: bool,
    sources: String,
    /// How its quantity is derived, in words (empty: not derived).
    derive: String,
}

#[derive(Deserialize)]
struct CatalogueQuery {
    division: Option<String>,
    year: Option<i32>,
}

async fn catalogue_page(
    State(state): State<AppState>,
    p: PageCaller,
    Query(q): Query<CatalogueQuery>,
) -> Result<Response, ApiError> {
    let year = q.year.unwrap_or(state.web.reference_year);
    let division = parse_division(q.division.as_deref())?.or(p.caller.data.home());
    let policy = match &division {
        Some(d) => {
            p.caller
                .data
                .policy_in_force(state.web.policy.clone(), d, year)
                .await?
        }
        None => state.web.policy.clone(),
    };
    let national = anju_domain::Policy::national().catalogue;
    let lang = p.chrome.lang();
    let items = policy
        .catalogue
        .iter()
        .map(|(code, i)| CatalogueLine {
            code: code.clone(),
            name: i.name().get(lang).to_string(),
            category: i.category.label().get(lang).to_string(),
            unit: i.unit.label().get(lang).to_string(),
            unit_cost_yuan: i.unit_cost_yuan,
            default: national
                .get(code)
                .is_some_and(|n| n.unit_cost_yuan == i.unit_cost_yuan),
            sources: i
                .sources
                .iter()
                .map(|s| s.label().get(lang).to_string())
                .collect::<Vec<_>>()
                .join(lang.pick("、", ", ")),
            derive: match i.derive {
                anju_domain::catalogue::Basis::None => String::new(),
                b => format!("{} × {}", b.label().get(lang), i.per),
            },
        })
        .collect();
    let t = CataloguePage {
        division: division.map(|d| d.prefix().to_string()).unwrap_or_default(),
        year,
        items,
        c: p.chrome,
    };
    render(&t, StatusCode::OK)
}

// ---------------------------------------------------------------- an estate's needs

#[derive(Serialize, ToSchema)]
pub struct NeedItem {
    /// The catalogue item's code.
    pub item: String,
    pub name: String,
    /// basic | improvement | enhancement
    pub category: String,
    pub unit: String,
    pub quantity: f64,
    pub in_list: bool,
    pub hazard: bool,
    /// derived | sheet | entered
    pub origin: String,
    pub note: String,
    pub unit_cost_fen: i64,
    /// quantity × unit cost when on the list, in fen.
    pub amount_fen: Option<i64>,
    /// To be reviewed for historic protection before it is done.
    pub heritage_review: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ContributionItem {
    pub factor: String,
    pub label: String,
    pub value: Option<f64>,
    pub weight: f64,
    pub points: f64,
    pub basis: String,
}

#[derive(Serialize, ToSchema)]
pub struct NeedsDetail {
    pub id: i64,
    pub name: String,
    pub outcome: String,
    pub state: String,
    pub plan_year: Option<i32>,
    pub needs: Vec<NeedItem>,
    pub estimate_fen: i64,
    /// Basic, improvement, enhancement, in fen.
    pub by_category_fen: [i64; 3],
    pub higher_level_fen: i64,
    pub priority: f64,
    pub contributions: Vec<ContributionItem>,
}

async fn planning_of(
    state: &AppState,
    c: &Caller,
    id: i64,
) -> Result<(EstatePlanning, anju_store::Assessor), ApiError> {
    let (m, _) = c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    let a = state
        .assessor_for(&c.data, &[m.division_code.as_str()])
        .await?;
    let p = c
        .data
        .planning(id, &a)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok((p, a))
}

fn needs_detail(p: &EstatePlanning, a: &anju_store::Assessor, lang: Lang) -> NeedsDetail {
    let catalogue = &a.policy_for(&p.estate.division_code).catalogue;
    let ap = &p.appraisal;
    let amounts: HashMap<&str, i64> = ap
        .estimate
        .lines
        .iter()
        .map(|l| (l.item.as_str(), l.amount.fen()))
        .collect();
    NeedsDetail {
        id: p.id,
        name: p.estate.name.clone(),
        outcome: p.outcome.key().to_string(),
        state: p.state.key().to_string(),
        plan_year: p.plan_year,
        needs: ap
            .needs
            .iter()
            .filter_map(|n| {
                let i = catalogue.get(&n.item)?;
                Some(NeedItem {
                    item: n.item.clone(),
                    name: i.name().get(lang).to_string(),
                    category: i.category.key().to_string(),
                    unit: i.unit.label().get(lang).to_string(),
                    quantity: n.quantity(),
                    in_list: n.in_list,
                    hazard: n.hazard,
                    origin: n.origin.key().to_string(),
                    note: n.note.clone(),
                    unit_cost_fen: Money::from_yuan(i.unit_cost_yuan).fen(),
                    amount_fen: amounts.get(n.item.as_str()).copied(),
                    heritage_review: ap.heritage_reviews.contains(&n.item),
                })
            })
            .collect(),
        estimate_fen: ap.estimate.total.fen(),
        by_category_fen: ap.estimate.by_category.map(Money::fen),
        higher_level_fen: ap.estimate.higher_level_may_pay.fen(),
        priority: ap.priority.score,
        contributions: ap
            .priority
            .contributions
            .iter()
            .map(|c| ContributionItem {
                factor: serde_json::to_value(c.factor)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                label: c.factor.label().get(lang).to_string(),
                value: c.value,
                weight: c.weight,
                points: c.points,
                basis: c.basis.get(lang).to_string(),
            })
            .collect(),
    }
}

/// An estate's needs (stored and derived), the estimate of its renovation list by category and
/// the part central and provincial money may pay, and its priority with every factor's part.
#[utoipa::path(get, path = "/api/v1/estates/{id}/needs", params(("id" = i64, Path)), responses((status = 200, body = NeedsDetail), (status = 404, body = ErrorBody)))]
async fn needs_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<NeedsDetail>, ApiError> {
    let (p, a) = planning_of(&state, &c, id).await?;
    Ok(Json(needs_detail(&p, &a, Lang::Zh)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedBody {
    /// In the item's unit (two decimals kept); 0 says "not needed".
    pub quantity: f64,
    /// On the renovation list (default true).
    pub in_list: Option<bool>,
    /// A safety hazard is recorded for it (default false).
    pub hazard: Option<bool>,
    pub note: Option<String>,
}

fn may_record_needs(c: &Caller) -> Result<(), ApiError> {
    if c.account.role.records_needs() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有工作人员可以填报需求 / only staff record needs",
        ))
    }
}

/// The one recording of a need, for the page and the API.
async fn record_need(
    state: &AppState,
    c: &Caller,
    id: i64,
    item: String,
    body: NeedBody,
    source: &str,
) -> Result<(), ApiError> {
    // Not found before not allowed: an outsider learns nothing of the estate.
    let (m, _) = c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    may_record_needs(c)?;
    if !(body.quantity.is_finite() && (0.0..=1e8).contains(&body.quantity)) {
        return Err(ApiError::invalid(
            "quantity: 应为0–1亿之间的数 / a number from 0 to 100 million",
        ));
    }
    let a = state
        .assessor_for(&c.data, &[m.division_code.as_str()])
        .await?;
    let ctx = WriteCtx::new(format!("user:{}", c.account.username), Some(source.into()));
    c.data
        .set_need(
            &ctx,
            &a,
            id,
            NeedInput {
                item,
                quantity_centi: (body.quantity * 100.0).round() as i64,
                in_list: body.in_list.unwrap_or(true),
                hazard: body.hazard.unwrap_or(false),
                note: body.note.unwrap_or_default(),
            },
        )
        .await?;
    Ok(())
}

/// Records a need of an estate (the quantity in the item's unit; 0 says "not needed"); audited.
#[utoipa::path(put, path = "/api/v1/estates/{id}/needs/{item}", request_body = NeedBody, params(("id" = i64, Path), ("item" = String, Path)),
    responses((status = 200, body = NeedsDetail), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_need(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, item)): Path<(i64, String)>,
    Json(body): Json<NeedBody>,
) -> Result<Json<NeedsDetail>, ApiError> {
    record_need(&state, &c, id, item, body, "api").await?;
    let (p, a) = planning_of(&state, &c, id).await?;
    Ok(Json(needs_detail(&p, &a, Lang::Zh)))
}

/// Forgets a recorded need, so that the one derived from the estate's data applies again.
#[utoipa::path(delete, path = "/api/v1/estates/{id}/needs/{item}", params(("id" = i64, Path), ("item" = String, Path)),
    responses((status = 200, body = NeedsDetail), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn delete_need(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, item)): Path<(i64, String)>,
) -> Result<Json<NeedsDetail>, ApiError> {
    reset(&c, id, &item, "api").await?;
    let (p, a) = planning_of(&state, &c, id).await?;
    Ok(Json(needs_detail(&p, &a, Lang::Zh)))
}

async fn reset(c: &Caller, id: i64, item: &str, source: &str) -> Result<(), ApiError> {
    c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    may_record_needs(c)?;
    let ctx = WriteCtx::new(format!("user:{}", c.account.username), Some(source.into()));
    c.data.reset_need(&ctx, id, item).await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "needs.html")]
struct NeedsPage {
    c: Chrome,
    d: NeedsDetail,
    editable: bool,
    /// code, name, unit: the form's choices.
    items: Vec<(String, String, String)>,
    saved: bool,
    errors: Vec<String>,
}

#[derive(Deserialize)]
struct SavedQuery {
    saved: Option<u8>,
}

async fn needs_view(
    state: &AppState,
    p: PageCaller,
    id: i64,
    saved: bool,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let (pl, a) = planning_of(state, &p.caller, id).await?;
    let lang = p.chrome.lang();
    let items = a
        .policy_for(&pl.estate.division_code)
        .catalogue
        .iter()
        .map(|(code, i)| {
            (
                code.clone(),
                i.name().get(lang).to_string(),
                i.unit.label().get(lang).to_string(),
            )
        })
        .collect();
    let t = NeedsPage {
        d: needs_detail(&pl, &a, lang),
        editable: p.caller.account.role.records_needs(),
        items,
        saved,
        errors,
        c: p.chrome,
    };
    render(&t, status)
}

async fn needs_page(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, ApiError> {
    needs_view(&state, p, id, q.saved.is_some(), Vec::new(), StatusCode::OK).await
}

async fn need_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let quantity = f.get("quantity").and_then(|q| q.trim().parse::<f64>().ok());
    let Some(quantity) = quantity else {
        let why = p
            .chrome
            .t("数量应为数字", "the quantity is a number")
            .to_string();
        return needs_view(
            &state,
            p,
            id,
            false,
            vec![why],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let body = NeedBody {
        quantity,
        in_list: Some(f.contains_key("in_list")),
        hazard: Some(f.contains_key("hazard")),
        note: f.get("note").cloned(),
    };
    let item = f.get("item").cloned().unwrap_or_default();
    match record_need(&state, &p.caller, id, item, body, "page").await {
        Ok(()) => Ok(Redirect::to(&format!("/estates/{id}/needs?saved=1")).into_response()),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let why = e.message.clone();
            needs_view(
                &state,
                p,
                id,
                false,
                vec![why],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn need_reset(
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let item = f.get("item").cloned().unwrap_or_default();
    reset(&p.caller, id, &item, "page").await?;
    Ok(Redirect::to(&format!("/estates/{id}/needs?saved=1")).into_response())
}

// ---------------------------------------------------------------- the plan

#[derive(Deserialize, ToSchema, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    pub year: i32,
    /// The budget of each year, in whole yuan.
    pub budget: i64,
    /// Schedule over this many years (default 1: the annual plan).
    pub years: Option<usize>,
    /// Plan this division of the jurisdiction only.
    pub division: Option<String>,
    /// Estates that must be in.
    #[serde(default)]
    pub commit: Vec<i64>,
    /// Estates that must stay out.
    #[serde(default)]
    pub exclude: Vec<i64>,
    /// Counties' limits by county code (6 or 12 digits), in whole yuan.
    #[serde(default)]
    pub caps: BTreeMap<String, CapBody>,
    /// Put the first year's estates into the plan (planned; audited).
    #[serde(default)]
    pub adopt: bool,
}

#[derive(Deserialize, ToSchema, Default, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct CapBody {
    pub max_cost: Option<i64>,
    pub min_cost: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct WhyItem {
    pub id: String,
    pub selected: bool,
    pub why: String,
}

#[derive(Serialize, ToSchema)]
pub struct YearPlan {
    pub year: i32,
    pub selected: Vec<String>,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub cost: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PlanResult {
    pub year: i32,
    pub candidates: usize,
    /// The first year's plan: the estate ids chosen, the objective, its upper bound, the gap and
    /// the cost in whole yuan.
    pub selected: Vec<String>,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub cost: i64,
    /// Every year of a schedule.
    pub years: Vec<YearPlan>,
    pub unscheduled: Vec<String>,
    pub unscheduled_cost: i64,
    /// Every candidate of the first year, in or out, and why.
    pub why: Vec<WhyItem>,
}

fn may_plan(c: &Caller) -> Result<(), ApiError> {
    if c.account.role.plans() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有管理员和工作人员可以列入计划 / only administrators and staff adopt a plan",
        ))
    }
}

/// The one making of a plan, for the pages, the API and the sheet.
async fn make_plan(
    state: &AppState,
    c: &Caller,
    body: &PlanBody,
) -> Result<(AnnualPlan, anju_store::Assessor), ApiError> {
    let division = parse_division(body.division.as_deref())?;
    if division.is_some_and(|d| !c.data.covers(&d)) {
        return Err(ApiError::not_found());
    }
    if body.budget < 0 || !(1..=20).contains(&body.years.unwrap_or(1)) {
        return Err(ApiError::invalid(
            "budget 应不小于0（整元），years 应为1–20 / budget must be 0 or more whole yuan, years 1 to 20",
        ));
    }
    let mut caps = BTreeMap::new();
    for (k, v) in &body.caps {
        let code = DivisionCode::parse_short(k)
            .ok()
            .filter(|d| d.level() == anju_domain::Level::County)
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "caps: “{k}”不是县级区划代码 / {k:?} is not a county code"
                ))
            })?;
        caps.insert(
            code.to_string(),
            anju_planning::optimiser::Cap {
                max: v.max_cost,
                min: v.min_cost,
            },
        );
    }
    let a = c.data.assessor(state.web.policy.clone(), body.year).await?;
    let plan = c
        .data
        .annual_plan(
            &a,
            PlanRequest {
                year: body.year,
                budget: body.budget,
                division,
                caps,
                commit: body.commit.clone(),
                exclude: body.exclude.clone(),
                years: body.years.unwrap_or(1),
            },
        )
        .await?;
    Ok((plan, a))
}

fn plan_result(plan: &AnnualPlan, lang: Lang) -> PlanResult {
    let (_, first) = &plan.schedule.years[0];
    PlanResult {
        year: plan.request.year,
        candidates: plan.candidates.len(),
        selected: first.selected.clone(),
        objective: first.objective,
        bound: first.bound,
        gap: first.gap,
        cost: first.cost,
        years: plan
            .schedule
            .years
            .iter()
            .map(|(y, p)| YearPlan {
                year: *y,
                selected: p.selected.clone(),
                objective: p.objective,
                bound: p.bound,
                gap: p.gap,
                cost: p.cost,
            })
            .collect(),
        unscheduled: plan.schedule.unscheduled.clone(),
        unscheduled_cost: plan.schedule.unscheduled_cost,
        why: first
            .why
            .iter()
            .map(|(id, inside, w)| WhyItem {
                id: id.clone(),
                selected: *inside,
                why: w.text().get(lang).to_string(),
            })
            .collect(),
    }
}

async fn adopt(
    c: &Caller,
    a: &anju_store::Assessor,
    plan: &AnnualPlan,
    source: &str,
) -> Result<usize, ApiError> {
    may_plan(c)?;
    let ids: Vec<i64> = plan.schedule.years[0]
        .1
        .selected
        .iter()
        .filter_map(|i| i.parse().ok())
        .collect();
    let ctx = WriteCtx::new(format!("user:{}", c.account.username), Some(source.into()));
    Ok(c.data
        .move_in_pool(&ctx, a, &ids, PoolState::Planned, Some(plan.request.year))
        .await?)
}

/// The best plan for the year's budget from the reserve pool of the caller's jurisdiction, with
/// an upper bound on the optimum and the gap, every candidate's reason, and a schedule over more
/// years when asked; adopted (its estates planned for the year) when asked.
#[utoipa::path(post, path = "/api/v1/plans", request_body = PlanBody,
    responses((status = 200, body = PlanResult), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn plan_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(body): Json<PlanBody>,
) -> Result<Json<PlanResult>, ApiError> {
    let (plan, a) = make_plan(&state, &c, &body).await?;
    if body.adopt {
        adopt(&c, &a, &plan, "api").await?;
    }
    Ok(Json(plan_result(&plan, Lang::Zh)))
}

#[derive(Deserialize, Default)]
struct PlanForm {
    year: Option<i32>,
    /// 万元
    budget: Option<String>,
    years: Option<usize>,
    division: Option<String>,
    exclude: Option<String>,
    adopted: Option<usize>,
}

impl PlanForm {
    /// The request the form describes, if it has a budget.
    fn body(&self, default_year: i32) -> Result<Option<PlanBody>, ApiError> {
        let Some(budget) = self
            .budget
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
        else {
            return Ok(None);
        };
        let wan = Money::parse_yuan(&format!("{budget}万"))
            .filter(|m| m.fen() >= 0)
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "budget: 应为万元数，如 30000 / ×10k yuan, e.g. 30000; got {budget:?}"
                ))
            })?;
        let exclude = self
            .exclude
            .as_deref()
            .unwrap_or("")
            .split([',', '，', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<i64>().map_err(|_| {
                    ApiError::invalid(format!(
                        "exclude: 小区ID应为整数 / estate ids are integers; got {s:?}"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(PlanBody {
            year: self.year.unwrap_or(default_year + 1),
            budget: wan.fen() / 100,
            years: self.years,
            division: self.division.clone().filter(|d| !d.trim().is_empty()),
            exclude,
            ..PlanBody::default()
        }))
    }

    fn query(&self, b: &PlanBody) -> String {
        format!(
            "year={}&budget={}&years={}&division={}&exclude={}",
            b.year,
            self.budget.as_deref().unwrap_or("").trim(),
            b.years.unwrap_or(1),
            b.division.as_deref().unwrap_or(""),
            b.exclude
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        )
    }
}

/// A county's line of the plan's table and chart.
#[derive(Serialize)]
struct CountyLine {
    name: String,
    estates: usize,
    households: i64,
    cost_wan: f64,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    c: Chrome,
    year: i32,
    budget: String,
    years: usize,
    division: String,
    exclude: String,
    query: String,
    result: Option<PlanView>,
    may_adopt: bool,
    notice: Option<String>,
    errors: Vec<String>,
}

struct PlanView {
    candidates: usize,
    objective_label: String,
    objective: f64,
    bound: f64,
    gap_pct: f64,
    cost_wan: f64,
    chosen: Vec<anju_planning::report::PlanProject>,
    left_out: Vec<anju_planning::report::PlanLeftOut>,
    counties: Vec<CountyLine>,
    counties_json: String,
    /// year, estates, households, cost (万元)
    schedule: Vec<(i32, usize, i64, f64)>,
    unscheduled: usize,
    unscheduled_wan: f64,
}

fn plan_view(plan: &AnnualPlan, a: &anju_store::Assessor, lang: Lang) -> PlanView {
    let report = plan.report(a, "", lang);
    let first = &plan.schedule.years[0].1;
    let mut counties: BTreeMap<String, CountyLine> = BTreeMap::new();
    for p in report
        .projects
        .iter()
        .filter(|p| p.year == plan.request.year)
    {
        let key = format!("{} {}", p.city, p.county);
        let l = counties.entry(key.clone()).or_insert(CountyLine {
            name: key,
            estates: 0,
            households: 0,
            cost_wan: 0.0,
        });
        l.estates += 1;
        l.households += i64::from(p.households);
        l.cost_wan += wan(p.estimate);
    }
    let counties: Vec<CountyLine> = counties.into_values().collect();
    let schedule = plan
        .schedule
        .years
        .iter()
        .map(|(y, p)| {
            let here = report.projects.iter().filter(|x| x.year == *y);
            (
                *y,
                p.selected.len(),
                here.map(|x| i64::from(x.households)).sum(),
                p.cost as f64 / 10_000.0,
            )
        })
        .collect();
    PlanView {
        candidates: plan.candidates.len(),
        objective_label: report.objective_label.clone(),
        objective: first.objective,
        bound: first.bound,
        gap_pct: first.gap * 100.0,
        cost_wan: first.cost as f64 / 10_000.0,
        counties_json: serde_json::to_string(&counties).unwrap_or_else(|_| "[]".into()),
        counties,
        chosen: report
            .projects
            .into_iter()
            .filter(|p| p.year == plan.request.year)
            .collect(),
        left_out: report.left_out,
        schedule,
        unscheduled: plan.schedule.unscheduled.len(),
        unscheduled_wan: plan.schedule.unscheduled_cost as f64 / 10_000.0,
    }
}

async fn plan_page(
    State(state): State<AppState>,
    p: PageCaller,
    Query(f): Query<PlanForm>,
) -> Result<Response, ApiError> {
    let default_year = state.web.reference_year;
    let lang = p.chrome.lang();
    let mut errors = Vec::new();
    let mut result = None;
    let mut query = String::new();
    let body = f.body(default_year)?;
    if let Some(b) = &body {
        query = f.query(b);
        match make_plan(&state, &p.caller, b).await {
            Ok((plan, a)) => result = Some(plan_view(&plan, &a, lang)),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                errors.push(e.message.clone())
            }
            Err(e) => return Err(e),
        }
    }
    let notice = f.adopted.map(|n| match lang {
        Lang::Zh => format!("已将{n}个小区列入计划"),
        Lang::En => format!("{n} estates put into the plan"),
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let t = PlanPage {
        year: body.as_ref().map_or(default_year + 1, |b| b.year),
        budget: f.budget.clone().unwrap_or_default(),
        years: f.years.unwrap_or(1),
        division: f.division.clone().unwrap_or_default(),
        exclude: f.exclude.clone().unwrap_or_default(),
        query,
        result,
        may_adopt: p.caller.account.role.plans(),
        notice,
        errors,
        c: p.chrome,
    };
    render(&t, status)
}

async fn plan_xlsx(
    State(state): State<AppState>,
    p: PageCaller,
    Query(f): Query<PlanForm>,
) -> Result<Response, ApiError> {
    let Some(body) = f.body(state.web.reference_year)? else {
        return Err(ApiError::invalid("budget: 必填 / required"));
    };
    let (plan, a) = make_plan(&state, &p.caller, &body).await?;
    let lang = p.chrome.lang();
    let name = match parse_division(body.division.as_deref())?.or(p.caller.data.home()) {
        Some(d) => p
            .caller
            .data
            .division_names(&[d.to_string()])
            .await?
            .remove(d.as_str())
            .unwrap_or_default(),
        None => lang.pick("全国", "all divisions").to_string(),
    };
    let report = plan.report(&a, &name, lang);
    let dir =
        std::env::temp_dir().join(format!("anju-plan-{}", anju_store::sessions::new_secret()));
    std::fs::create_dir_all(&dir).map_err(ApiError::internal)?;
    let path = dir.join("plan.xlsx");
    let bytes = tokio::task::block_in_place(|| {
        anju_io::plan_sheet::write_plan_xlsx(&report, &path, lang)
            .map_err(ApiError::internal)
            .and_then(|()| std::fs::read(&path).map_err(ApiError::internal))
    });
    let _ = std::fs::remove_dir_all(&dir);
    let bytes = bytes?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"plan.xlsx\""),
    );
    Ok((headers, bytes).into_response())
}

async fn adopt_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let form = PlanForm {
        year: f.get("year").and_then(|y| y.trim().parse().ok()),
        budget: f.get("budget").cloned(),
        years: f.get("years").and_then(|y| y.trim().parse().ok()),
        division: f.get("division").cloned(),
        exclude: f.get("exclude").cloned(),
        adopted: None,
    };
    let Some(body) = form.body(state.web.reference_year)? else {
        return Err(ApiError::invalid("budget: 必填 / required"));
    };
    let (plan, a) = make_plan(&state, &p.caller, &body).await?;
    let n = adopt(&p.caller, &a, &plan, "page").await?;
    Ok(Redirect::to(&format!("/planning/plan?{}&adopted={n}", form.query(&body))).into_response())
}
