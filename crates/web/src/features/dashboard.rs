//! The dashboard of a jurisdiction: totals by division, the chart and the map (the page, and
//! `/api/v1/summary`, `/api/v1/map`, `/api/v1/divisions`).

use crate::auth::ApiCaller;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{parse_division, Json, Query};
use crate::page::{render, Chrome, DivisionParam, PageCaller};
use crate::AppState;
use anju_domain::summary::m2;
use anju_domain::{DivisionCode, Level};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(summary))
        .routes(routes!(map_points))
        .routes(routes!(divisions))
}

pub fn pages() -> Router<AppState> {
    Router::new().route("/", get(dashboard))
}

#[derive(Serialize, ToSchema)]
pub struct TotalsItem {
    pub division_code: Option<String>,
    pub division_name: String,
    pub estates: i64,
    pub buildings: i64,
    pub households: i64,
    pub floor_area_m2: f64,
    pub eligible_estates: i64,
    pub eligible_households: i64,
    pub eligible_floor_area_m2: f64,
    /// 有条件的可纳入 (a province's second cut-off).
    pub conditional_estates: i64,
    pub conditional_households: i64,
    /// 待核实: a rule could not be decided from the data.
    pub undetermined_estates: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SummaryResponse {
    #[serde(flatten)]
    pub totals: TotalsItem,
    pub parts: Vec<TotalsItem>,
}

fn totals(code: Option<String>, name: &str, t: &anju_domain::Totals) -> TotalsItem {
    TotalsItem {
        division_code: code,
        division_name: name.to_string(),
        estates: t.estates,
        buildings: t.buildings,
        households: t.households,
        floor_area_m2: m2(t.floor_area_centi_m2),
        eligible_estates: t.eligible_estates,
        eligible_households: t.eligible_households,
        eligible_floor_area_m2: m2(t.eligible_floor_area_centi_m2),
        conditional_estates: t.conditional_estates,
        conditional_households: t.conditional_households,
        undetermined_estates: t.undetermined_estates,
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct DivisionQuery {
    pub division: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct MapQuery {
    pub division: Option<String>,
    /// The points' coordinates: wgs84 (stored, default) or gcj02 (for 高德 or 腾讯 tiles).
    pub crs: Option<String>,
}

/// Totals of a division in the caller's jurisdiction, by the next level down.
#[utoipa::path(get, path = "/api/v1/summary", params(DivisionQuery), responses((status = 200, body = SummaryResponse), (status = 404, body = ErrorBody)))]
async fn summary(
    ApiCaller(c): ApiCaller,
    Query(q): Query<DivisionQuery>,
) -> Result<Json<SummaryResponse>, ApiError> {
    let d = parse_division(q.division.as_deref())?;
    let s = c.data.summary(d.as_ref()).await?;
    Ok(Json(SummaryResponse {
        totals: totals(s.division_code.clone(), &s.division_name, &s.totals),
        parts: s
            .parts
            .iter()
            .map(|p| totals(Some(p.division_code.clone()), &p.division_name, &p.totals))
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct MapPointItem {
    pub id: i64,
    pub name: String,
    /// WGS-84
    pub lon: f64,
    pub lat: f64,
    pub eligible: bool,
    /// eligible, conditional, undetermined or out: the point's colour.
    pub outcome: String,
}

/// Estates with a location inside a division of the caller's jurisdiction (at most 5,000), for the
/// dashboard's map.
#[utoipa::path(get, path = "/api/v1/map", params(MapQuery), responses((status = 200, body = [MapPointItem]), (status = 404, body = ErrorBody)))]
async fn map_points(
    ApiCaller(c): ApiCaller,
    Query(q): Query<MapQuery>,
) -> Result<Json<Vec<MapPointItem>>, ApiError> {
    let crs = match q.crs.as_deref() {
        None | Some("") | Some("wgs84") => anju_domain::CoordinateSystem::Wgs84,
        Some("gcj02") => anju_domain::CoordinateSystem::Gcj02,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "crs: 应为 wgs84 或 gcj02 / wgs84 or gcj02, not {other:?}"
            )))
        }
    };
    let d = parse_division(q.division.as_deref())?.or(c.data.home());
    if let Some(d) = &d {
        if !c.data.covers(d) {
            return Err(ApiError::not_found());
        }
    }
    let points = c.data.estate_points(d.as_ref(), 5000).await?;
    Ok(Json(
        points
            .into_iter()
            .map(|p| {
                let wgs = anju_domain::estate::Wgs84 {
                    lon: p.lon,
                    lat: p.lat,
                };
                let (lon, lat) = anju_io::coords::from_wgs84(wgs, crs);
                MapPointItem {
                    id: p.id,
                    name: p.name,
                    lon,
                    lat,
                    eligible: p.eligible,
                    outcome: p.outcome,
                }
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct DivisionItem {
    pub code: String,
    pub name: String,
    pub level: i16,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ParentQuery {
    pub parent: Option<String>,
}

/// The divisions under a division of the caller's jurisdiction (its own when none is given).
#[utoipa::path(get, path = "/api/v1/divisions", params(ParentQuery), responses((status = 200, body = [DivisionItem]), (status = 404, body = ErrorBody)))]
async fn divisions(
    ApiCaller(c): ApiCaller,
    Query(q): Query<ParentQuery>,
) -> Result<Json<Vec<DivisionItem>>, ApiError> {
    let parent = parse_division(q.parent.as_deref())?;
    let list = c.data.child_divisions(parent.as_ref()).await?;
    Ok(Json(
        list.into_iter()
            .map(|d| DivisionItem {
                code: d.code.to_string(),
                name: d.name,
                level: d.code.level() as i16,
            })
            .collect(),
    ))
}

struct PartRow {
    code: String,
    name: String,
    estates: i64,
    buildings: i64,
    households: i64,
    area_wan: String,
    eligible: i64,
    conditional: i64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    title: String,
    crumbs: Vec<(String, String)>,
    totals: anju_domain::Totals,
    area_wan: String,
    parts: Vec<PartRow>,
    parts_json: String,
    /// The division whose estates the map fetches (empty: the caller's whole scope).
    map_division: String,
    /// The configured tile server, if any (JSON for the script).
    tiles: Option<String>,
    /// The projects by state (key, label, count), when there are any.
    projects: Vec<(&'static str, String, u64)>,
    money: Option<anju_store::scoped::DivisionMoney>,
}

impl DashboardPage {
    fn yuan_wan(&self, m: &anju_domain::Money) -> String {
        format!("{:.1}", m.fen() as f64 / 1_000_000.0)
    }
    fn pct(&self, p: &Option<f64>) -> String {
        p.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into())
    }
}

fn wan(centi: i64) -> String {
    format!("{:.2}", m2(centi) / 10_000.0)
}

/// JSON for a `<script>` block: `<`, `>` and `&` escaped so no text can close the script.
fn script_json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

async fn dashboard(
    State(state): State<AppState>,
    p: PageCaller,
    Query(q): Query<DivisionParam>,
) -> Result<Response, ApiError> {
    let division = parse_division(q.division.as_deref())?;
    let data = &p.caller.data;
    let summary = data.summary(division.as_ref()).await?;
    // Breadcrumbs from the caller's own division (or the province level) down to this one.
    let here = division.or(data.home());
    let mut crumbs = Vec::new();
    if let Some(h) = here {
        let mut chain: Vec<DivisionCode> = [
            Level::Province,
            Level::City,
            Level::County,
            Level::Town,
            Level::Neighbourhood,
        ]
        .iter()
        .filter_map(|l| h.ancestor_at(*l))
        .filter(|d| data.covers(d))
        .collect();
        chain.dedup();
        let codes: Vec<String> = chain.iter().map(|d| d.to_string()).collect();
        // The summary named this division; only the ones above it need looking up (a user's own
        // dashboard has none).
        let mut names = HashMap::new();
        if !summary.division_name.is_empty() {
            names.insert(h.to_string(), summary.division_name.clone());
        }
        if codes.len() > 1 {
            names.extend(
                data.division_names(&codes[..codes.len() - 1])
                    .await
                    .unwrap_or_default(),
            );
        }
        crumbs = codes
            .into_iter()
            .map(|c| (names.get(&c).cloned().unwrap_or_else(|| c.clone()), c))
            .map(|(n, c)| (c, n))
            .collect();
    }
    let parts: Vec<PartRow> = summary
        .parts
        .iter()
        .map(|x| PartRow {
            code: x.division_code.clone(),
            name: x.division_name.clone(),
            estates: x.totals.estates,
            buildings: x.totals.buildings,
            households: x.totals.households,
            area_wan: wan(x.totals.floor_area_centi_m2),
            eligible: x.totals.eligible_estates,
            conditional: x.totals.conditional_estates,
        })
        .collect();
    let chart: Vec<serde_json::Value> = parts
        .iter()
        .map(|x| serde_json::json!({"name": x.name, "estates": x.estates, "eligible": x.eligible, "conditional": x.conditional}))
        .collect();
    let title = format!(
        "{}{}",
        summary.division_name,
        p.chrome.t("老旧小区概况", " — old estates")
    );
    let counts = data.project_counts(division.as_ref()).await?;
    let (projects, money) = if counts.iter().any(|c| c.1 > 0) {
        (
            counts
                .iter()
                .map(|(s, n)| (s.key(), p.chrome.say(&s.label()), *n))
                .collect(),
            Some(data.money_in(&summary).await?.total),
        )
    } else {
        (Vec::new(), None)
    };
    let page = DashboardPage {
        projects,
        money,
        title,
        crumbs,
        area_wan: wan(summary.totals.floor_area_centi_m2),
        totals: summary.totals,
        parts,
        parts_json: script_json(&chart),
        map_division: here.map(|d| d.to_string()).unwrap_or_default(),
        tiles: state.web.map_tiles.as_ref().map(|t| {
            script_json(&serde_json::json!({
                "url": t.url, "subdomains": t.subdomains,
                "crs": t.coordinates, "attribution": t.attribution,
            }))
        }),
        c: p.chrome,
    };
    render(&page, StatusCode::OK)
}
