//! Money through the API (DOMAIN §7): a project's funding plan by source (central and provincial
//! money only for the items that allow it, basic ones first), a level's subsidy allocated down
//! by the factor method into the funding ledger, and money by division with its disbursement
//! rate.

use super::projects::may_run;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::AppState;
use anju_domain::catalogue::FundingSource;
use anju_store::scoped::PlanLine;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(funding_plan_api, set_funding_plan_api))
        .routes(routes!(allocate_api))
        .routes(routes!(money_by_division_api))
}

pub(super) fn source(text: &str) -> Result<FundingSource, ApiError> {
    super::one_of(FundingSource::ALL, FundingSource::key, text, "source")
}

/// A project's funding plan, checked against the estimate of its estates' lists:
/// `{"lines":[{"source","amount"}],"estimate","by_category","check":{"higher_level",
/// "higher_level_to_basic","higher_level_to_others","higher_level_may_pay","gap_fen","errors",
/// "warnings"}}` (amounts in fen).
#[utoipa::path(get, path = "/api/v1/projects/{id}/funding-plan", params(("id" = i64, Path)),
    responses((status = 200, description = "the plan"), (status = 404, body = ErrorBody)))]
pub(super) async fn funding_plan_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let a = state.assessor_for(&c.data, &[]).await?;
    Ok(Json(json!(c.data.funding_plan(&a, id).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct PlanLineBody {
    /// central | provincial | city_county | special_bond | utility | residents | social_capital | bank_credit
    pub source: String,
    /// Yuan, exactly: "1200000" or "1,234.56".
    pub amount: String,
}

#[derive(Deserialize, ToSchema)]
pub struct FundingPlanBody {
    pub lines: Vec<PlanLineBody>,
}

/// Replaces a project's funding plan (audited). A plan that pays more central and provincial
/// money than the items allowing it cost is refused: 422 with `reasons`.
#[utoipa::path(put, path = "/api/v1/projects/{id}/funding-plan", params(("id" = i64, Path)), request_body = FundingPlanBody,
    responses((status = 200, description = "the plan"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn set_funding_plan_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<FundingPlanBody>,
) -> Result<Json<Value>, ApiError> {
    c.data.project_seen(id).await?;
    may_run(&c)?;
    let a = state.assessor_for(&c.data, &[]).await?;
    let mut lines = Vec::new();
    for l in &body.lines {
        lines.push(PlanLine {
            source: source(&l.source)?,
            amount: super::participation::money(&l.amount, "金额 / amount")?,
        });
    }
    match c
        .data
        .set_funding_plan(&a, id, lines, &c.write_ctx("api"))
        .await?
    {
        Ok(v) => Ok(Json(json!(v))),
        Err(reasons) => Err(ApiError::refused(&reasons)),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct AllocationBody {
    /// The division whose subsidy is split among the divisions directly below it (the caller's
    /// own when absent).
    #[serde(default)]
    pub division: Option<String>,
    pub source: String,
    /// Yuan, exactly.
    pub amount: String,
    #[serde(default)]
    pub memo: String,
}

/// Allocates a subsidy down one level by the factor method (eligible floor area, households,
/// buildings and estates, weighted by the policy's `[allocation]`): each division's share is an
/// allocation entry of the funding ledger, all in one transaction. Planning staff only.
#[utoipa::path(post, path = "/api/v1/allocations", request_body = AllocationBody,
    responses((status = 201, description = "the shares"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn allocate_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(body): Json<AllocationBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let division = match crate::extract::parse_division(body.division.as_deref())? {
        Some(d) => d,
        None => c.data.home().ok_or_else(|| {
            ApiError::invalid("请指明分配的区划 division / say which division allocates")
        })?,
    };
    // Out of the jurisdiction: as if it did not exist.
    c.data.summary(Some(&division)).await?;
    if !c.account.role.plans() {
        return Err(ApiError::forbidden(
            "只有规划工作人员可以分配资金 / only planning staff allocate money",
        ));
    }
    let source = source(&body.source)?;
    let amount = super::participation::money(&body.amount, "金额 / amount")?;
    let a = state.assessor_for(&c.data, &[division.as_str()]).await?;
    let shares = c
        .data
        .allocate_down(
            &a,
            &division,
            source,
            amount,
            &body.memo,
            &c.write_ctx("api"),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({ "division_code": division.as_str(), "source": source, "amount": amount, "shares": shares }),
        ),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct MoneyQuery {
    /// A division of the jurisdiction (the caller's own when absent).
    pub division: Option<String>,
}

/// Money by division: for the division and each directly below it, what was allocated to it,
/// what its projects received and disbursed, the disbursement rate and a warning when more was
/// disbursed than received.
#[utoipa::path(get, path = "/api/v1/money", params(MoneyQuery),
    responses((status = 200, description = "the money"), (status = 404, body = ErrorBody)))]
pub(super) async fn money_by_division_api(
    ApiCaller(c): ApiCaller,
    Query(q): Query<MoneyQuery>,
) -> Result<Json<Value>, ApiError> {
    let division = crate::extract::parse_division(q.division.as_deref())?;
    Ok(Json(json!(
        c.data.money_by_division(division.as_ref()).await?
    )))
}

// ------------------------------------------------------------------ the page

pub fn pages() -> axum::Router<AppState> {
    axum::Router::new().route("/money", axum::routing::get(money_page))
}

#[derive(askama::Template)]
#[template(path = "money.html")]
struct MoneyPage {
    c: crate::page::Chrome,
    m: anju_store::scoped::MoneyByDivision,
    head: anju_store::ledger::LedgerHead,
}

impl MoneyPage {
    fn yuan(&self, m: &anju_domain::Money) -> String {
        m.yuan_text()
    }
    fn pct(&self, p: &Option<f64>) -> String {
        p.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into())
    }
}

async fn money_page(
    State(state): State<AppState>,
    p: crate::page::PageCaller,
    Query(q): Query<MoneyQuery>,
) -> Result<axum::response::Response, ApiError> {
    let division = crate::extract::parse_division(q.division.as_deref())?;
    let m = p.caller.data.money_by_division(division.as_ref()).await?;
    let page = MoneyPage {
        m,
        head: state.store.ledger_head().await?,
        c: p.chrome,
    };
    crate::page::render(&page, StatusCode::OK)
}
