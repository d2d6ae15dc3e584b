//! Life-circle gaps: the map and the API.

#[allow(unused_imports)]
use super::*;

#[derive(Serialize, ToSchema)]
pub struct GapItem {
    pub kind: String,
    pub minutes: i32,
    pub nearest_walk_m: Option<f64>,
    /// The catalogue item recommended.
    pub item: String,
}

#[derive(Serialize, ToSchema)]
pub struct EstateGapsItem {
    pub id: i64,
    pub name: String,
    pub division_code: String,
    pub lon: f64,
    pub lat: f64,
    pub gaps: Vec<GapItem>,
}

fn gaps_items(list: Vec<anju_store::scoped::EstateGaps>) -> Vec<EstateGapsItem> {
    list.into_iter()
        .map(|e| EstateGapsItem {
            id: e.id,
            name: e.name,
            division_code: e.division_code,
            lon: e.location.lon,
            lat: e.location.lat,
            gaps: e
                .gaps
                .into_iter()
                .map(|g| GapItem {
                    kind: g.kind,
                    minutes: g.minutes,
                    nearest_walk_m: g.nearest_walk_m,
                    item: g.item,
                })
                .collect(),
        })
        .collect()
}

/// Each located estate's life-circle gaps: the kinds of facility lacking within the walk of
/// their circle, with the nearest walk and the item recommended.
#[utoipa::path(get, path = "/api/v1/gaps", params(DivisionQuery), responses((status = 200, body = Vec<EstateGapsItem>), (status = 404, body = ErrorBody)))]
pub(super) async fn gaps_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Query(q): Query<DivisionQuery>,
) -> Result<Json<Vec<EstateGapsItem>>, ApiError> {
    let division = parse_division(q.division.as_deref())?;
    let a = state.assessor(&c.data).await?;
    Ok(Json(gaps_items(c.data.gaps(&a, division.as_ref()).await?)))
}

#[derive(Template)]
#[template(path = "gaps.html")]
struct GapsPage {
    c: Chrome,
    division: String,
    /// kind, name, minutes, estates lacking it
    kinds: Vec<(String, String, i32, usize)>,
    estates: usize,
    rows: Vec<(i64, String, String)>,
    points_json: String,
    facilities_json: String,
}

pub(super) async fn gaps_page(
    State(state): State<AppState>,
    p: PageCaller,
    Query(q): Query<DivisionQuery>,
) -> Result<Response, ApiError> {
    let division = parse_division(q.division.as_deref())?;
    let c = &p.caller;
    let a = state.assessor(&c.data).await?;
    let list = c.data.gaps(&a, division.as_ref()).await?;
    let lang = p.chrome.lang();
    let policy = match &division {
        Some(d) => a.policy_for(d),
        None => &a.policy,
    };
    let kind_name = |k: &str| {
        policy.life_circle.kinds.get(k).map_or(k.to_string(), |x| {
            lang.pick(&x.name_zh, &x.name_en).to_string()
        })
    };
    let kinds = policy
        .life_circle
        .kinds
        .iter()
        .map(|(k, x)| {
            (
                k.clone(),
                kind_name(k),
                x.minutes,
                list.iter()
                    .filter(|e| e.gaps.iter().any(|g| &g.kind == k))
                    .count(),
            )
        })
        .collect();
    let points: Vec<serde_json::Value> = list
        .iter()
        .map(|e| serde_json::json!([e.location.lon, e.location.lat, e.name, e.id, e.gaps.len()]))
        .collect();
    let facilities: Vec<serde_json::Value> = c
        .data
        .facilities()
        .await?
        .into_iter()
        .filter(|(m, _)| {
            division
                .is_none_or(|d| DivisionCode::parse(&m.division_code).is_ok_and(|x| d.contains(&x)))
        })
        .map(|(m, f)| {
            serde_json::json!([
                f.location.lon,
                f.location.lat,
                format!("{}（{}）", m.name, kind_name(&m.kind))
            ])
        })
        .collect();
    let mut worst: Vec<&anju_store::scoped::EstateGaps> =
        list.iter().filter(|e| !e.gaps.is_empty()).collect();
    worst.sort_by(|x, y| y.gaps.len().cmp(&x.gaps.len()).then(x.id.cmp(&y.id)));
    let rows = worst
        .iter()
        .take(200)
        .map(|e| {
            (
                e.id,
                e.name.clone(),
                e.gaps
                    .iter()
                    .map(|g| kind_name(&g.kind))
                    .collect::<Vec<_>>()
                    .join(lang.pick("、", ", ")),
            )
        })
        .collect();
    let t = GapsPage {
        division: division.map(|d| d.prefix().to_string()).unwrap_or_default(),
        kinds,
        estates: list.len(),
        rows,
        points_json: serde_json::Value::Array(points).to_string(),
        facilities_json: serde_json::Value::Array(facilities).to_string(),
        c: p.chrome,
    };
    render(&t, StatusCode::OK)
}
