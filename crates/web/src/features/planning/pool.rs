//! The reserve pool page and API, and the works catalogue in force.

#[allow(unused_imports)]
use super::*;

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
    /// Its bundle, if any.
    pub bundle: Option<i64>,
    /// How many kinds of facility its life circles lack.
    pub gaps: usize,
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
        bundle: r.bundle,
        gaps: r.gaps,
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
pub(super) async fn pool_api(
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
pub(super) struct PoolForm {
    division: Option<String>,
    state: Option<String>,
    page: Option<usize>,
}

pub(super) async fn pool_page(
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
pub(super) struct CatalogueQuery {
    division: Option<String>,
    year: Option<i32>,
}

pub(super) async fn catalogue_page(
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
