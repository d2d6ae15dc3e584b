//! The estates: the list with its search and filters, one estate with its assessment, history
//! and edit form (pages and `/api/v1/estates…`).

use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{parse_division, Form, Json, Path, Query};
use crate::page::{render, Chrome, PageCaller};
use crate::AppState;
use anju_domain::estate::{EstateField, FieldKind, FieldValue, Labelled};
use anju_domain::summary::m2;
use anju_domain::Outcome;
use anju_store::entity::{building, estate};
use anju_store::scoped::{EstateFilter, EstatePatch, Sort, UpdateError};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_estates))
        .routes(routes!(get_estate, patch_estate))
        .routes(routes!(estate_history))
        .routes(routes!(confirm_mode))
}

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/estates", get(estates))
        .route("/estates/{id}", get(estate_page).post(estate_submit))
        .route("/estates/{id}/mode", axum::routing::post(mode_submit))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Division code or prefix (2, 4, 6, 9 or 12 digits).
    pub division: Option<String>,
    /// Text in the name, address or estate code.
    pub q: Option<String>,
    pub eligible: Option<bool>,
    /// eligible, conditional (有条件纳入), undetermined (待核实) or out
    pub outcome: Option<String>,
    /// division (default: by neighbourhood, then name), id, name, year, households or area
    pub sort: Option<String>,
    pub desc: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct EstateItem {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub division_code: String,
    pub address: String,
    pub year_completed: Option<i32>,
    pub building_count: i32,
    pub households: i32,
    pub floor_area_m2: f64,
    pub eligible: bool,
    /// eligible, conditional (有条件的可纳入), undetermined (待核实) or out.
    pub outcome: String,
    /// Keys of the eligibility rules that did not pass.
    pub failed_rules: Vec<String>,
    pub suggested_mode: String,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
}

pub fn item(m: &estate::ListRow) -> EstateItem {
    EstateItem {
        id: m.id,
        code: m.code.clone(),
        name: m.name.clone(),
        division_code: m.division_code.clone(),
        address: m.address.clone(),
        year_completed: m.year_completed,
        building_count: m.building_count,
        households: m.households,
        floor_area_m2: m2(m.floor_area_centi_m2),
        eligible: m.eligible,
        outcome: m.outcome.clone(),
        failed_rules: m
            .failed_rules
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        suggested_mode: m.suggested_mode.clone(),
        longitude: m.longitude,
        latitude: m.latitude,
    }
}

#[derive(Serialize, ToSchema)]
pub struct EstatePage {
    pub items: Vec<EstateItem>,
    /// How many estates match; a text search (`q`) counts only up to 1,000.
    pub total: u64,
    /// True when a text search has more matches than `total` counted.
    pub more: bool,
    pub page: u64,
    pub per_page: u64,
}

/// The `outcome` parameter: one of the outcome keys, or nothing (blank is all).
pub(crate) fn outcome_param(s: Option<&str>) -> Result<Option<Outcome>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(k) => Outcome::parse(k)
            .map(Some)
            .map_err(|why| ApiError::invalid(format!("outcome: {why}"))),
    }
}

pub fn filter_of(q: &ListQuery) -> Result<EstateFilter, ApiError> {
    Ok(EstateFilter {
        division: parse_division(q.division.as_deref())?,
        q: q.q.clone(),
        eligible: q.eligible,
        outcome: outcome_param(q.outcome.as_deref())?,
        sort: match q.sort.as_deref() {
            None | Some("") | Some("division") => Sort::Division,
            Some("id") => Sort::Id,
            Some("name") => Sort::Name,
            Some("year") => Sort::Year,
            Some("households") => Sort::Households,
            Some("area") => Sort::Area,
            Some(other) => {
                return Err(ApiError::invalid(format!(
                    "sort: 未知排序 / unknown sort {other:?}"
                )))
            }
        },
        desc: q.desc.unwrap_or(false),
        page: q.page.unwrap_or(1).max(1),
        per_page: q.per_page.unwrap_or(50).clamp(1, 200),
    })
}

/// The estates inside the caller's jurisdiction, filtered and paginated.
#[utoipa::path(get, path = "/api/v1/estates", params(ListQuery), responses((status = 200, body = EstatePage), (status = 401, body = ErrorBody)))]
async fn list_estates(
    ApiCaller(c): ApiCaller,
    Query(q): Query<ListQuery>,
) -> Result<Json<EstatePage>, ApiError> {
    let f = filter_of(&q)?;
    let (items, total, more) = c.data.estates(&f).await?;
    Ok(Json(EstatePage {
        items: items.iter().map(item).collect(),
        total,
        more,
        page: f.page,
        per_page: f.per_page,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct BuildingItem {
    pub id: i64,
    pub number: String,
    pub floors: Option<i32>,
    pub stairway_units: Option<i32>,
    pub households: Option<i32>,
    pub floor_area_m2: Option<f64>,
    /// 砖混, 框架, 钢混, 砖木, 钢结构, 木结构 or 其他.
    pub structure: Option<String>,
    /// What the sheet said, where it was another word for the value (or matched none).
    pub structure_as_typed: Option<String>,
    pub year_completed: Option<i32>,
    pub safety_grade: Option<String>,
    pub has_lift: bool,
    /// 是否拟拆除
    pub to_be_demolished: bool,
}

#[derive(Serialize, ToSchema)]
pub struct RuleItem {
    pub rule: String,
    pub title: String,
    pub passed: bool,
    /// The rule's own outcome: eligible (passed), conditional, undetermined or out.
    pub outcome: String,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct EstateDetail {
    #[serde(flatten)]
    pub estate: EstateItem,
    /// Every other field of the estate (a choice by its label in the language asked for).
    #[serde(flatten)]
    #[schema(schema_with = detail_fields_schema)]
    pub fields: BTreeMap<&'static str, Labelled>,
    pub rules: Vec<RuleItem>,
    /// Keys of the yes/no rule fields no survey has answered (their value reads 否 but the rule
    /// is 待核实 until a sheet or an edit gives it).
    pub unsurveyed: Vec<&'static str>,
    pub mode_reason: String,
    /// The mode an official confirmed (a mode key), by whom and when; null until confirmed.
    pub confirmed_mode: Option<String>,
    pub mode_confirmed_by: Option<String>,
    pub mode_confirmed_at: Option<String>,
    /// The buildings to be demolished (拆改结合): outside the renovation scope.
    pub demolished_buildings: i32,
    pub demolished_households: i32,
    pub demolished_floor_area_m2: f64,
    /// The households and floor area of the renovation scope (without those to demolish).
    pub scope_households: i32,
    pub scope_floor_area_m2: f64,
    pub buildings: Vec<BuildingItem>,
}

/// The fields the list's item already carries; the detail adds every other.
const IN_ITEM: [EstateField; 8] = [
    EstateField::Code,
    EstateField::Name,
    EstateField::DivisionCode,
    EstateField::Address,
    EstateField::YearCompleted,
    EstateField::BuildingCount,
    EstateField::Households,
    EstateField::FloorArea,
];

fn detail_fields() -> impl Iterator<Item = EstateField> {
    EstateField::ALL
        .iter()
        .copied()
        .filter(|f| !IN_ITEM.contains(f))
}

fn detail_fields_schema() -> utoipa::openapi::Schema {
    EstateField::object_schema(detail_fields())
}

/// Builds the full view of an estate (shared with the pages).
pub async fn detail(
    state: &AppState,
    c: &Caller,
    lang: anju_domain::Lang,
    m: &estate::Model,
    bs: &[building::Model],
) -> Result<(EstateDetail, anju_domain::Estate), ApiError> {
    let a = c
        .data
        .assess(m, bs, &state.web.policy, state.web.reference_year)
        .await?;
    let (el, mode) = (&a.eligibility, &a.mode);
    let d = EstateDetail {
        estate: item(&m.into()),
        fields: detail_fields()
            .map(|f| (f.key(), f.labelled(&a.estate, lang)))
            .collect(),
        rules: el
            .results
            .iter()
            .map(|r| RuleItem {
                rule: serde_json::to_value(r.rule)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                title: r.rule.title().get(lang).to_string(),
                passed: r.passed,
                outcome: r.outcome.key().to_string(),
                reason: r.reason.get(lang).to_string(),
            })
            .collect(),
        unsurveyed: a.estate.unsurveyed.iter().map(|f| f.key()).collect(),
        mode_reason: mode.reason.get(lang).to_string(),
        confirmed_mode: m.confirmed_mode.clone(),
        mode_confirmed_by: m.mode_confirmed_by.clone(),
        mode_confirmed_at: m
            .mode_confirmed_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string()),
        demolished_buildings: m.demolished_buildings,
        demolished_households: m.demolished_households,
        demolished_floor_area_m2: m2(m.demolished_floor_area_centi_m2),
        scope_households: m.households - m.demolished_households,
        scope_floor_area_m2: m2(m.floor_area_centi_m2 - m.demolished_floor_area_centi_m2),
        buildings: bs
            .iter()
            .map(|b| BuildingItem {
                id: b.id,
                number: b.number.clone(),
                floors: b.floors,
                stairway_units: b.stairway_units,
                households: b.households,
                floor_area_m2: b.floor_area_centi_m2.map(m2),
                structure: b.structure.clone(),
                structure_as_typed: b.structure_as_typed.clone(),
                year_completed: b.year_completed,
                safety_grade: b.safety_grade.clone(),
                has_lift: b.has_lift,
                to_be_demolished: b.to_be_demolished,
            })
            .collect(),
    };
    Ok((d, a.estate))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct LangQuery {
    /// zh (default) or en
    pub lang: Option<String>,
}

fn lang_of(q: &LangQuery) -> anju_domain::Lang {
    q.lang
        .as_deref()
        .and_then(|l| l.parse().ok())
        .unwrap_or_default()
}

/// One estate with its buildings, eligibility reasons and suggested mode.
#[utoipa::path(get, path = "/api/v1/estates/{id}", params(("id" = i64, Path), LangQuery), responses((status = 200, body = EstateDetail), (status = 404, body = ErrorBody)))]
async fn get_estate(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Query(l): Query<LangQuery>,
) -> Result<Json<EstateDetail>, ApiError> {
    let (m, bs) = c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(detail(&state, &c, lang_of(&l), &m, &bs).await?.0))
}

/// Applies an edit on behalf of a caller (shared with the edit form).
pub async fn apply_patch(
    state: &AppState,
    c: &Caller,
    id: i64,
    patch: &EstatePatch,
    source: &str,
) -> Result<estate::Model, ApiError> {
    let ctx = c.write_ctx(source);
    // Judged with the seats of the estate's own town only: no need to read every town.
    let (m, _) = c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    let assessor = state
        .assessor_for(&c.data, &[m.division_code.as_str()])
        .await?;
    match c.data.update_estate(&ctx, id, patch, &assessor).await {
        Ok(m) => Ok(m),
        Err(UpdateError::Store(e)) => Err(e.into()),
        Err(UpdateError::Invalid(errs)) => Err(field_errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            &errs,
        )),
        Err(UpdateError::Conflict(errs)) => {
            Err(field_errors(StatusCode::CONFLICT, "conflict", &errs))
        }
    }
}

/// An error that names the fields at fault (in `details`).
fn field_errors(
    status: StatusCode,
    code: &'static str,
    errs: &[anju_store::scoped::FieldError],
) -> ApiError {
    let msg = errs
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ");
    let mut err = ApiError::new(status, code, msg);
    err.details = serde_json::to_value(errs).ok();
    err
}

/// Change fields of an estate (send `X-CSRF-Token` with a session cookie).
#[utoipa::path(patch, path = "/api/v1/estates/{id}", request_body = EstatePatch, params(("id" = i64, Path)),
    responses((status = 200, body = EstateDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn patch_estate(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(patch): Json<EstatePatch>,
) -> Result<Json<EstateDetail>, ApiError> {
    apply_patch(&state, &c, id, &patch, "api").await?;
    let (m, bs) = c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(
        detail(&state, &c, anju_domain::Lang::Zh, &m, &bs).await?.0,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModeConfirmation {
    /// comprehensive, demolition_combined, rebuild or review; null withdraws the confirmation.
    pub mode: Option<String>,
}

/// Confirms the estate's mode (who and when are kept; audited), or withdraws it with null.
#[utoipa::path(put, path = "/api/v1/estates/{id}/mode", request_body = ModeConfirmation, params(("id" = i64, Path)),
    responses((status = 200, body = EstateDetail), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn confirm_mode(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<ModeConfirmation>,
) -> Result<Json<EstateDetail>, ApiError> {
    set_mode(&c, id, body.mode.as_deref(), "api").await?;
    let (m, bs) = c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    Ok(Json(
        detail(&state, &c, anju_domain::Lang::Zh, &m, &bs).await?.0,
    ))
}

/// The one confirmation of the page and the API.
async fn set_mode(c: &Caller, id: i64, mode: Option<&str>, source: &str) -> Result<(), ApiError> {
    let mode = match mode.map(str::trim).filter(|m| !m.is_empty()) {
        None => None,
        Some(k) => Some(anju_domain::Mode::from_key(k).ok_or_else(|| {
            ApiError::invalid(format!(
                "mode: 应为 comprehensive、demolition_combined、rebuild 或 review / expected comprehensive, demolition_combined, rebuild or review, got {k:?}"
            ))
        })?),
    };
    let ctx = c.write_ctx(source);
    c.data.confirm_mode(&ctx, id, mode).await?;
    Ok(())
}

async fn mode_submit(
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    set_mode(&p.caller, id, f.get("mode").map(String::as_str), "page").await?;
    Ok(Redirect::to(&format!("/estates/{id}?saved=1")).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct AuditItem {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub division_code: Option<String>,
    pub source: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub fn audit_item(a: &anju_store::entity::audit_log::Model) -> AuditItem {
    let parse = |s: &Option<String>| s.as_deref().and_then(|s| serde_json::from_str(s).ok());
    AuditItem {
        id: a.id,
        at: a.at.to_rfc3339(),
        actor: a.actor.clone(),
        action: a.action.clone(),
        entity: a.entity.clone(),
        entity_id: a.entity_id.clone(),
        division_code: a.division_code.clone(),
        source: a.source.clone(),
        before: parse(&a.before),
        after: parse(&a.after),
    }
}

/// The change history of an estate.
#[utoipa::path(get, path = "/api/v1/estates/{id}/history", params(("id" = i64, Path)), responses((status = 200, body = [AuditItem]), (status = 404, body = ErrorBody)))]
async fn estate_history(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AuditItem>>, ApiError> {
    let rows = c
        .data
        .estate_history(id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(rows.iter().map(audit_item).collect()))
}

#[derive(Template)]
#[template(path = "estates.html")]
struct EstateListView {
    c: Chrome,
    items: Vec<EstateItem>,
    total: u64,
    /// A text search counted only up to `total`.
    more: bool,
    page: u64,
    per_page: u64,
    pages: u64,
    q: String,
    division: String,
    outcome: String,
    sort: String,
    sorts: Vec<(&'static str, &'static str, &'static str)>,
    prev_url: String,
    next_url: String,
}

#[derive(Deserialize)]
struct ListForm {
    q: Option<String>,
    division: Option<String>,
    /// eligible=true|false: links made before outcomes existed.
    eligible: Option<String>,
    outcome: Option<String>,
    sort: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

async fn estates(p: PageCaller, Query(f): Query<ListForm>) -> Result<Response, ApiError> {
    let outcome = match (f.outcome.as_deref(), f.eligible.as_deref()) {
        (Some(o), _) => o.to_string(),
        (None, Some("true")) => "eligible".into(),
        _ => String::new(),
    };
    let q = ListQuery {
        division: f.division.clone(),
        q: f.q.clone(),
        eligible: (f.outcome.is_none() && f.eligible.as_deref() == Some("false")).then_some(false),
        outcome: Some(outcome.clone()),
        sort: f.sort.clone(),
        desc: Some(matches!(
            f.sort.as_deref(),
            Some("households") | Some("area")
        )),
        page: f.page,
        // 20 rows unless the user picks 50 or 100.
        per_page: Some(f.per_page.filter(|n| [50, 100].contains(n)).unwrap_or(20)),
    };
    let filter = filter_of(&q)?;
    let (items, total, more) = p.caller.data.estates(&filter).await?;
    let pages = total.div_ceil(filter.per_page).max(1);
    let url = |page: u64| {
        let enc = |s: &Option<String>| {
            s.clone()
                .unwrap_or_default()
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>()
        };
        format!(
            "/estates?q={}&division={}&outcome={}&sort={}&per_page={}&page={page}",
            enc(&f.q),
            enc(&f.division),
            enc(&Some(outcome.clone())),
            enc(&f.sort),
            filter.per_page
        )
    };
    let page = EstateListView {
        items: items.iter().map(item).collect(),
        total,
        more,
        page: filter.page,
        per_page: filter.per_page,
        pages,
        q: f.q.clone().unwrap_or_default(),
        division: f.division.clone().unwrap_or_default(),
        outcome: outcome.clone(),
        sort: f.sort.clone().unwrap_or_else(|| "division".into()),
        sorts: vec![
            ("division", "按区划", "by division"),
            ("id", "录入顺序", "order entered"),
            ("name", "名称", "name"),
            ("year", "建成年份", "year"),
            ("households", "户数（多到少）", "households (most first)"),
            ("area", "面积（大到小）", "area (largest first)"),
        ],
        prev_url: url(filter.page.saturating_sub(1).max(1)),
        next_url: url(filter.page + 1),
        c: p.chrome,
    };
    render(&page, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "estate.html")]
struct EstateView {
    c: Chrome,
    d: EstateDetail,
    mode_label: String,
    /// (key, label, the one confirmed)
    modes: Vec<(&'static str, String, bool)>,
    confirmed_label: Option<String>,
    /// The form's fields other than yes/no ones, in the order of the survey.
    inputs: Vec<Input>,
    /// The yes/no fields: key, label, checked.
    flags: Vec<Flag>,
    /// The fields not changed here that have a value: label, value.
    fixed: Vec<(&'static str, String)>,
    history: Vec<(String, String, String, String, String)>,
    notice: Option<String>,
    errors: Vec<String>,
}

/// One field of the edit form.
struct Input {
    key: &'static str,
    label: &'static str,
    value: String,
    required: bool,
    numeric: bool,
    /// A choice's values, with the current one marked (empty for a typed field).
    options: Vec<(&'static str, bool)>,
}

/// The edit form of an estate: every field a user may change, as the domain lists them.
/// A yes/no field of the form: (key, label, ticked, unsurveyed — asked as 待核实/是/否 rather
/// than ticked).
type Flag = (&'static str, &'static str, bool, bool);

fn form_of(e: &anju_domain::Estate, lang: anju_domain::Lang) -> (Vec<Input>, Vec<Flag>) {
    let (mut inputs, mut flags) = (Vec::new(), Vec::new());
    for f in EstateField::ALL.iter().copied().filter(|f| f.editable()) {
        let v = f.get(e);
        match f.kind() {
            FieldKind::YesNo => flags.push((
                f.key(),
                f.label(lang),
                v == FieldValue::Flag(true),
                e.unsurveyed.contains(&f),
            )),
            kind => inputs.push(Input {
                key: f.key(),
                label: f.label(lang),
                required: f.required(),
                numeric: kind.is_number(),
                options: match kind {
                    FieldKind::Choice(list) => {
                        let current = v.display(anju_domain::Lang::Zh);
                        list.iter().map(|o| (*o, *o == current)).collect()
                    }
                    _ => Vec::new(),
                },
                value: v.display(lang),
            }),
        }
    }
    (inputs, flags)
}

#[derive(Deserialize)]
struct Saved {
    saved: Option<u8>,
}

async fn estate_view(
    state: &AppState,
    p: PageCaller,
    id: i64,
    notice: Option<String>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let (m, bs, history) = match p.caller.data.estate_with_history(id).await {
        Ok(Some(x)) => x,
        Ok(None) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    let (d, e) = detail(state, &p.caller, p.chrome.lang(), &m, &bs).await?;
    let (inputs, flags) = form_of(&e, p.chrome.lang());
    let fixed = EstateField::ALL
        .iter()
        .filter(|f| !f.editable())
        .map(|f| (f.label(p.chrome.lang()), f.get(&e).display(p.chrome.lang())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let history = history
        .iter()
        .rev()
        .map(|h| {
            let changes = change_summary(h.before.as_deref(), h.after.as_deref());
            (
                h.at.format("%Y-%m-%d %H:%M").to_string(),
                h.actor.clone(),
                h.action.clone(),
                h.source.clone().unwrap_or_default(),
                changes,
            )
        })
        .collect();
    let mode_label = anju_domain::Mode::from_key(&m.suggested_mode)
        .unwrap_or(anju_domain::Mode::Comprehensive)
        .label()
        .get(p.chrome.lang())
        .to_string();
    let lang = p.chrome.lang();
    let modes = anju_domain::Mode::ALL
        .into_iter()
        .map(|md| {
            (
                md.key(),
                md.label().get(lang).to_string(),
                m.confirmed_mode.as_deref() == Some(md.key()),
            )
        })
        .collect();
    let confirmed_label = m
        .confirmed_mode
        .as_deref()
        .and_then(anju_domain::Mode::from_key)
        .map(|md| md.label().get(lang).to_string());
    let page = EstateView {
        mode_label,
        modes,
        confirmed_label,
        inputs,
        flags,
        fixed,
        d,
        history,
        notice,
        errors,
        c: p.chrome,
    };
    render(&page, status)
}

/// "field: before → after" for an update; the number of fields for a creation.
fn change_summary(before: Option<&str>, after: Option<&str>) -> String {
    let parse = |s: Option<&str>| {
        s.and_then(|s| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(s).ok())
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    if before.is_none() {
        return format!("{} fields", a.len());
    }
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| {
            format!(
                "{k}: {} → {}",
                b.get(k).map_or("—".into(), |v| v.to_string()),
                a.get(k).map_or("—".into(), |v| v.to_string())
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

async fn estate_page(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
    Query(s): Query<Saved>,
) -> Result<Response, ApiError> {
    let notice = s.saved.map(|_| p.chrome.t("已保存", "Saved").to_string());
    estate_view(&state, p, id, notice, Vec::new(), StatusCode::OK).await
}

async fn estate_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let (patch, mut errors) = patch_from_form(&f, &p.chrome);
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if errors.is_empty() {
        match apply_patch(&state, &p.caller, id, &patch, "page").await {
            Ok(_) => return Ok(Redirect::to(&format!("/estates/{id}?saved=1")).into_response()),
            // A value refused or a name taken: shown on the form, with the status that says which.
            Err(e) => {
                let (why, st) = e.on_form()?;
                status = st;
                errors.extend(why);
            }
        }
    }
    estate_view(&state, p, id, None, errors, status).await
}

/// Reads the edit form: every field a user may change (a yes/no field is on when its box is
/// ticked); numbers typed by people (full-width digits, separators) are accepted.
fn patch_from_form(f: &HashMap<String, String>, c: &Chrome) -> (EstatePatch, Vec<String>) {
    let mut errors = Vec::new();
    let mut patch = EstatePatch::default();
    for field in EstateField::ALL.iter().copied().filter(|f| f.editable()) {
        let key = field.key();
        let given = f.get(key).map(|v| v.trim());
        match (field.kind(), given) {
            // A ticked box sends 是, an unticked one nothing; an unsurveyed field is a choice of
            // 待核实 (blank: left as it is), 是 or 否.
            (FieldKind::YesNo, None) => patch.push(field, false),
            (FieldKind::YesNo, Some("")) => {}
            (FieldKind::YesNo, Some(v)) => patch.push(field, v != "否"),
            (_, None) => {}
            (kind, Some(v)) if kind.is_number() => match anju_io::value::number_text(v) {
                Ok(n) => patch.push(field, n),
                Err(_) => errors.push(format!(
                    "{}：{}「{v}」",
                    field.label(c.lang()),
                    c.t("应为数字，实为", "expected a number, got ")
                )),
            },
            (_, Some(v)) => patch.push(field, v),
        }
    }
    (patch, errors)
}
