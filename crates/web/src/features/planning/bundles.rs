//! Bundles (片区): proposals, the saved bundles with their money balance, page and API.

#[allow(unused_imports)]
use super::*;

#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct IncomeBody {
    /// parking | charging | advertising | service_facilities | partner_project | other
    pub kind: String,
    #[serde(default)]
    pub description: String,
    /// Income per year, in whole yuan.
    pub annual_yuan: i64,
    /// The estate of the bundle it belongs to (self-balancing counts each estate's own).
    pub estate_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct BalanceItem {
    /// bundle_wide | cross_bundle | self_balancing
    pub mode: String,
    pub years: i32,
    pub cost_fen: i64,
    pub income_fen: i64,
    /// income − cost over the years (negative: what other money must pay).
    pub net_fen: i64,
    /// Each estate's own line when self-balancing: (estate id, cost, income, net) in fen.
    pub lines: Vec<(Option<i64>, i64, i64, i64)>,
}

#[derive(Serialize, ToSchema)]
pub struct BundleItem {
    pub id: i64,
    pub name: String,
    pub division_code: String,
    pub members: Vec<i64>,
    pub incomes: Vec<IncomeBody>,
    pub note: String,
    pub balance: BalanceItem,
}

#[derive(Serialize, ToSchema)]
pub struct BundleList {
    pub items: Vec<BundleItem>,
    pub total: usize,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleBody {
    pub name: String,
    /// The estate ids (two at least, in one county, in no other bundle).
    pub members: Vec<i64>,
    /// bundle_wide (default), cross_bundle or self_balancing.
    pub mode: Option<String>,
    #[serde(default)]
    pub incomes: Vec<IncomeBody>,
    #[serde(default)]
    pub note: String,
}

fn bundle_item(b: &anju_store::scoped::BundleView) -> BundleItem {
    BundleItem {
        id: b.id,
        name: b.name.clone(),
        division_code: b.division_code.clone(),
        members: b.members.iter().map(|m| m.id).collect(),
        incomes: b
            .incomes
            .iter()
            .map(|i| IncomeBody {
                kind: i.kind.key().to_string(),
                description: i.description.clone(),
                annual_yuan: i.annual.fen() / 100,
                estate_id: i.estate_id,
            })
            .collect(),
        note: b.note.clone(),
        balance: BalanceItem {
            mode: b.mode.key().to_string(),
            years: b.balance.years,
            cost_fen: b.balance.cost.fen(),
            income_fen: b.balance.income.fen(),
            net_fen: b.balance.net.fen(),
            lines: b
                .balance
                .lines
                .iter()
                .map(|l| (l.estate_id, l.cost.fen(), l.income.fen(), l.net.fen()))
                .collect(),
        },
    }
}

fn bundle_input(b: BundleBody) -> Result<anju_store::scoped::BundleInput, ApiError> {
    use anju_domain::bundle::{BalanceMode, IncomeItem, IncomeKind};
    let mode = match b.mode.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => BalanceMode::default(),
        Some(k) => BalanceMode::from_key(k).ok_or_else(|| {
            ApiError::invalid(format!(
                "mode: 应为 bundle_wide、cross_bundle 或 self_balancing / expected bundle_wide, cross_bundle or self_balancing, got {k:?}"
            ))
        })?,
    };
    let incomes = b
        .incomes
        .into_iter()
        .map(|i| {
            let kind = IncomeKind::from_key(&i.kind).ok_or_else(|| {
                ApiError::invalid(format!(
                    "incomes.kind: 应为 parking、charging、advertising、service_facilities、partner_project 或 other / got {:?}",
                    i.kind
                ))
            })?;
            if !(0..=1_000_000_000).contains(&i.annual_yuan) {
                return Err(ApiError::invalid(
                    "incomes.annual_yuan: 应为0–10亿元 / 0 to 1 billion yuan",
                ));
            }
            if i.estate_id.is_some_and(|e| !b.members.contains(&e)) {
                return Err(ApiError::invalid(
                    "incomes.estate_id: 应为片区内的小区 / an estate of the bundle",
                ));
            }
            Ok(IncomeItem {
                kind,
                description: i.description,
                annual: Money::from_yuan(i.annual_yuan),
                estate_id: i.estate_id,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(anju_store::scoped::BundleInput {
        name: b.name,
        members: b.members,
        mode,
        incomes,
        note: b.note,
    })
}

/// The bundles (片区) of the jurisdiction, with their members and money balance.
#[utoipa::path(get, path = "/api/v1/bundles", params(DivisionQuery), responses((status = 200, body = BundleList), (status = 404, body = ErrorBody)))]
pub(super) async fn bundles_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Query(q): Query<DivisionQuery>,
) -> Result<Json<BundleList>, ApiError> {
    let division = parse_division(q.division.as_deref())?;
    if division.is_some_and(|d| !c.data.covers(&d)) {
        return Err(ApiError::not_found());
    }
    let a = state.assessor(&c.data).await?;
    let list = c.data.bundles(&a, division.as_ref()).await?;
    Ok(Json(BundleList {
        total: list.len(),
        items: list.iter().map(bundle_item).collect(),
    }))
}

async fn save_bundle(
    state: &AppState,
    c: &Caller,
    id: Option<i64>,
    body: BundleBody,
    source: &str,
) -> Result<BundleItem, ApiError> {
    // Not found before not allowed: an outsider learns nothing of the estates named.
    let mut named = body.members.clone();
    named.sort_unstable();
    named.dedup();
    if c.data.estates_by_ids(&named).await?.len() != named.len() {
        return Err(ApiError::not_found());
    }
    may_plan(c)?;
    let input = bundle_input(body)?;
    let ctx = c.write_ctx(source);
    let id = c.data.save_bundle(&ctx, id, input).await?;
    let a = state.assessor(&c.data).await?;
    let b = c
        .data
        .bundle(&a, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(bundle_item(&b))
}

/// Saves a new bundle of estates of the jurisdiction (audited).
#[utoipa::path(post, path = "/api/v1/bundles", request_body = BundleBody,
    responses((status = 201, body = BundleItem), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_bundle(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(body): Json<BundleBody>,
) -> Result<(StatusCode, Json<BundleItem>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(save_bundle(&state, &c, None, body, "api").await?),
    ))
}

/// Changes a bundle: its name, members, balance mode and incomes (audited).
#[utoipa::path(put, path = "/api/v1/bundles/{id}", request_body = BundleBody, params(("id" = i64, Path)),
    responses((status = 200, body = BundleItem), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn update_bundle(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<BundleBody>,
) -> Result<Json<BundleItem>, ApiError> {
    let a = state.assessor(&c.data).await?;
    c.data
        .bundle(&a, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(save_bundle(&state, &c, Some(id), body, "api").await?))
}

/// Dissolves a bundle (its estates stay in the pool, alone; audited).
#[utoipa::path(delete, path = "/api/v1/bundles/{id}", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn delete_bundle(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let a = state.assessor(&c.data).await?;
    c.data
        .bundle(&a, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    may_plan(&c)?;
    let ctx = c.write_ctx("api");
    c.data.delete_bundle(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ProposalItem {
    /// The street (town-level code).
    pub street: String,
    pub members: Vec<i64>,
    /// How many are scattered single buildings merged in.
    pub merged_scattered: usize,
}

/// Proposed bundles: estates of the pool of one street within the policy's distance of each
/// other, scattered single buildings merged into their nearest neighbour.
#[utoipa::path(get, path = "/api/v1/bundles/proposals", params(DivisionQuery), responses((status = 200, body = Vec<ProposalItem>), (status = 404, body = ErrorBody)))]
pub(super) async fn proposals_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Query(q): Query<DivisionQuery>,
) -> Result<Json<Vec<ProposalItem>>, ApiError> {
    let division = parse_division(q.division.as_deref())?;
    let a = state.assessor(&c.data).await?;
    let list = c.data.propose_bundles(&a, division.as_ref()).await?;
    Ok(Json(
        list.into_iter()
            .map(|p| ProposalItem {
                street: p.street,
                members: p.members,
                merged_scattered: p.merged_scattered,
            })
            .collect(),
    ))
}

#[derive(Template)]
#[template(path = "bundles.html")]
struct BundlesPage {
    c: Chrome,
    division: String,
    bundles: Vec<anju_store::scoped::BundleView>,
    proposals: Vec<ProposalLine>,
    editable: bool,
    modes: Vec<(&'static str, String)>,
    kinds: Vec<(&'static str, String)>,
    points_json: String,
    errors: Vec<String>,
    saved: bool,
}

/// A proposal on the bundles page: its street, its estates (id, name), the scattered buildings
/// merged in.
struct ProposalLine {
    street: String,
    members: Vec<(i64, String)>,
    merged: usize,
}

#[derive(Deserialize)]
pub(super) struct BundlesQuery {
    division: Option<String>,
    saved: Option<u8>,
}

async fn bundles_view(
    state: &AppState,
    p: PageCaller,
    division: Option<DivisionCode>,
    saved: bool,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    use anju_domain::bundle::{BalanceMode, IncomeKind};
    let c = &p.caller;
    if division.is_some_and(|d| !c.data.covers(&d)) {
        return Err(ApiError::not_found());
    }
    let a = state.assessor(&c.data).await?;
    let bundles = c.data.bundles(&a, division.as_ref()).await?;
    let proposals = c.data.propose_bundles(&a, division.as_ref()).await?;
    let lang = p.chrome.lang();
    // The proposals' estate names, read through the scope.
    let ids: Vec<i64> = proposals.iter().flat_map(|p| p.members.clone()).collect();
    let mut names = HashMap::new();
    for chunk in ids.chunks(500) {
        for m in c.data.estates_by_ids(chunk).await? {
            names.insert(m.0, m.1);
        }
    }
    let mut points = Vec::new();
    for b in &bundles {
        for m in &b.members {
            if let Some(l) = m.location {
                // [lon, lat, name, no estate link, the bundle (its colour)].
                points.push(serde_json::json!([
                    l.lon,
                    l.lat,
                    format!("{} · {}", b.name, m.name),
                    null,
                    b.id
                ]));
            }
        }
    }
    let t = BundlesPage {
        division: division.map(|d| d.prefix().to_string()).unwrap_or_default(),
        proposals: proposals
            .into_iter()
            .map(|p| {
                let members = p
                    .members
                    .iter()
                    .map(|id| (*id, names.get(id).cloned().unwrap_or_default()))
                    .collect();
                ProposalLine {
                    street: p.street,
                    members,
                    merged: p.merged_scattered,
                }
            })
            .collect(),
        bundles,
        editable: c.account.role.plans(),
        modes: BalanceMode::ALL
            .iter()
            .map(|m| (m.key(), m.label().get(lang).to_string()))
            .collect(),
        kinds: IncomeKind::ALL
            .iter()
            .map(|k| (k.key(), k.label().get(lang).to_string()))
            .collect(),
        points_json: serde_json::Value::Array(points).to_string(),
        errors,
        saved,
        c: p.chrome,
    };
    render(&t, status)
}

pub(super) async fn bundles_page(
    State(state): State<AppState>,
    p: PageCaller,
    Query(q): Query<BundlesQuery>,
) -> Result<Response, ApiError> {
    let division = parse_division(q.division.as_deref())?;
    bundles_view(
        &state,
        p,
        division,
        q.saved.is_some(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// The bundle form: name, members (ids), mode, and incomes as lines "kind, yuan a year,
/// description[, estate id]".
pub(super) async fn bundle_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let parse = || -> Result<(Option<i64>, BundleBody), String> {
        let id = match f.get("id").map(|s| s.trim()).filter(|s| !s.is_empty()) {
            Some(s) => Some(s.parse::<i64>().map_err(|_| format!("id: {s:?}"))?),
            None => None,
        };
        let members = f
            .get("members")
            .map(String::as_str)
            .unwrap_or("")
            .split([',', '，', ' ', '、'])
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<i64>()
                    .map_err(|_| format!("小区ID应为整数 / estate ids are integers: {s:?}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut incomes = Vec::new();
        for line in f.get("incomes").map(String::as_str).unwrap_or("").lines() {
            let parts: Vec<&str> = line.split([',', '，']).map(str::trim).collect();
            if parts.iter().all(|p| p.is_empty()) {
                continue;
            }
            let annual_yuan = parts
                .get(1)
                .and_then(|y| y.parse::<i64>().ok())
                .ok_or_else(|| format!("收益行应为“类型,每年元数,说明[,小区ID]” / an income line is kind, yuan a year, description[, estate id]: {line:?}"))?;
            incomes.push(IncomeBody {
                kind: parts[0].to_string(),
                annual_yuan,
                description: parts.get(2).map(|s| s.to_string()).unwrap_or_default(),
                estate_id: parts.get(3).and_then(|s| s.parse().ok()),
            });
        }
        Ok((
            id,
            BundleBody {
                name: f.get("name").cloned().unwrap_or_default(),
                members,
                mode: f.get("mode").cloned(),
                incomes,
                note: f.get("note").cloned().unwrap_or_default(),
            },
        ))
    };
    let division = parse_division(f.get("division").map(String::as_str))?;
    let (id, body) = match parse() {
        Ok(x) => x,
        Err(why) => {
            return bundles_view(
                &state,
                p,
                division,
                false,
                vec![why],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    if let Some(id) = id {
        let a = state.assessor(&p.caller.data).await?;
        p.caller
            .data
            .bundle(&a, id)
            .await?
            .ok_or_else(ApiError::not_found)?;
    }
    match save_bundle(&state, &p.caller, id, body, "page").await {
        Ok(_) => Ok(Redirect::to("/planning/bundles?saved=1").into_response()),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
            ) =>
        {
            let why = e.message.clone();
            bundles_view(
                &state,
                p,
                division,
                false,
                vec![why],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn bundle_delete_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let a = state.assessor(&p.caller.data).await?;
    p.caller
        .data
        .bundle(&a, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    may_plan(&p.caller)?;
    let ctx = p.caller.write_ctx("page");
    p.caller.data.delete_bundle(&ctx, id).await?;
    Ok(Redirect::to("/planning/bundles?saved=1").into_response())
}
