//! An estate's needs, renovation list, estimate and priority: page and API.

#[allow(unused_imports)]
use super::*;

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

async fn planning_of(state: &AppState, c: &Caller, id: i64) -> Result<EstatePlanning, ApiError> {
    c.data
        .planning(id, &state.web.policy, state.web.reference_year)
        .await?
        .ok_or_else(ApiError::not_found)
}

fn needs_detail(p: &EstatePlanning, lang: Lang) -> NeedsDetail {
    let catalogue = &p.policy.catalogue;
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
                factor: c.factor.key().to_string(),
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
pub(super) async fn needs_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<NeedsDetail>, ApiError> {
    let p = planning_of(&state, &c, id).await?;
    Ok(Json(needs_detail(&p, Lang::Zh)))
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
    let ctx = c.write_ctx(source);
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
pub(super) async fn put_need(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, item)): Path<(i64, String)>,
    Json(body): Json<NeedBody>,
) -> Result<Json<NeedsDetail>, ApiError> {
    record_need(&state, &c, id, item, body, "api").await?;
    let p = planning_of(&state, &c, id).await?;
    Ok(Json(needs_detail(&p, Lang::Zh)))
}

/// Forgets a recorded need, so that the one derived from the estate's data applies again.
#[utoipa::path(delete, path = "/api/v1/estates/{id}/needs/{item}", params(("id" = i64, Path), ("item" = String, Path)),
    responses((status = 200, body = NeedsDetail), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn delete_need(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, item)): Path<(i64, String)>,
) -> Result<Json<NeedsDetail>, ApiError> {
    reset(&c, id, &item, "api").await?;
    let p = planning_of(&state, &c, id).await?;
    Ok(Json(needs_detail(&p, Lang::Zh)))
}

async fn reset(c: &Caller, id: i64, item: &str, source: &str) -> Result<(), ApiError> {
    c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    may_record_needs(c)?;
    let ctx = c.write_ctx(source);
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
pub(super) struct SavedQuery {
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
    let pl = planning_of(state, &p.caller, id).await?;
    let lang = p.chrome.lang();
    let items = pl
        .policy
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
        d: needs_detail(&pl, lang),
        editable: p.caller.account.role.records_needs(),
        items,
        saved,
        errors,
        c: p.chrome,
    };
    render(&t, status)
}

pub(super) async fn needs_page(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, ApiError> {
    needs_view(&state, p, id, q.saved.is_some(), Vec::new(), StatusCode::OK).await
}

pub(super) async fn need_submit(
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

pub(super) async fn need_reset(
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let item = f.get("item").cloned().unwrap_or_default();
    reset(&p.caller, id, &item, "page").await?;
    Ok(Redirect::to(&format!("/estates/{id}/needs?saved=1")).into_response())
}
