//! The JSON API under `/api/v1`, described at `/api/openapi.json`.

use crate::auth::{ApiCaller, Caller, SESSION_COOKIE};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::AppState;
use anju_domain::summary::m2;
use anju_domain::{DivisionCode, Role, Scope};
use anju_store::entity::{building, estate};
use anju_store::scoped::{EstateFilter, EstatePatch, Sort, UpdateError};
use anju_store::WriteCtx;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/session",
            axum::routing::post(login).delete(logout).get(me),
        )
        .route("/api/v1/estates", get(list_estates))
        .route("/api/v1/estates/{id}", get(get_estate).patch(patch_estate))
        .route("/api/v1/estates/{id}/history", get(estate_history))
        .route("/api/v1/summary", get(summary))
        .route("/api/v1/divisions", get(divisions))
        .route("/api/v1/map", get(map_points))
        .route("/api/v1/audit", get(audit))
        .route("/api/v1/users", get(users).post(add_user))
        .route("/api/v1/users/{username}", axum::routing::patch(patch_user))
        .route("/api/v1/tokens", axum::routing::post(add_token))
        .route("/api/openapi.json", get(openapi))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "anju 安居 API",
        description = "城镇老旧小区改造信息系统 / renovating old urban residential estates"
    ),
    paths(
        login,
        logout,
        me,
        list_estates,
        get_estate,
        patch_estate,
        estate_history,
        summary,
        divisions,
        audit,
        users,
        add_user,
        patch_user,
        add_token
    ),
    components(schemas(
        ErrorBody,
        LoginRequest,
        SessionResponse,
        EstateItem,
        EstatePage,
        EstateDetail,
        BuildingItem,
        RuleItem,
        PatchRequest,
        TotalsItem,
        SummaryResponse,
        DivisionItem,
        AuditItem,
        UserItem,
        NewUser,
        UserChange,
        TokenRequest,
        TokenResponse
    ))
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionResponse {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// The division code of the account's scope; absent for the whole country.
    pub scope: Option<String>,
    /// Send this in the `X-CSRF-Token` header with every PATCH, POST or DELETE.
    pub csrf_token: Option<String>,
}

fn session_response(c: &Caller) -> SessionResponse {
    SessionResponse {
        username: c.account.username.clone(),
        display_name: c.account.display_name.clone(),
        role: c.account.role.key().to_string(),
        scope: scope_code(&c.account.scope),
        csrf_token: c.csrf.clone(),
    }
}

fn scope_code(s: &Scope) -> Option<String> {
    match s {
        Scope::All => None,
        Scope::Division(d) => Some(d.to_string()),
    }
}

/// Makes the session cookie.
pub fn session_cookie(state: &AppState, secret: &str, max_age: i64) -> HeaderValue {
    let secure = if state.web.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("ASCII cookie")
}

/// Logs in: checks the password (with throttling) and starts a session. Shared by the login page.
pub async fn start_session(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<(String, String, anju_store::accounts::Account), ApiError> {
    let failures = state
        .store
        .recent_failures(
            username,
            chrono::Duration::minutes(state.web.throttle_minutes),
        )
        .await?;
    if failures >= state.web.throttle_failures {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            format!("登录失败次数过多，请{}分钟后再试 / too many failed logins, try again in {} minutes", state.web.throttle_minutes, state.web.throttle_minutes),
        ));
    }
    let Some(account) = state.store.verify_login(username, password).await? else {
        state.store.record_login_attempt(username, false).await?;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "用户名或密码错误 / wrong username or password",
        ));
    };
    state.store.record_login_attempt(username, true).await?;
    let (secret, csrf) = state
        .store
        .create_session(account.id, chrono::Duration::hours(state.web.session_hours))
        .await?;
    Ok((secret, csrf, account))
}

/// Log in (sets the session cookie).
#[utoipa::path(post, path = "/api/v1/session", request_body = LoginRequest,
    responses((status = 200, body = SessionResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    Json(req): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let (secret, csrf, account) = start_session(&state, &req.username, &req.password).await?;
    let body = SessionResponse {
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        role: account.role.key().to_string(),
        scope: scope_code(&account.scope),
        csrf_token: Some(csrf),
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::SET_COOKIE,
        session_cookie(&state, &secret, state.web.session_hours * 3600),
    );
    Ok((headers, Json(body)).into_response())
}

/// Log out (ends the session, clears the cookie).
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204), (status = 401, body = ErrorBody)))]
async fn logout(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
) -> Result<Response, ApiError> {
    if let Some(s) = &c.session_secret {
        state.store.delete_session(s).await?;
    }
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// The current account.
#[utoipa::path(get, path = "/api/v1/session", responses((status = 200, body = SessionResponse), (status = 401, body = ErrorBody)))]
async fn me(ApiCaller(c): ApiCaller) -> Json<SessionResponse> {
    Json(session_response(&c))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Division code or prefix (2, 4, 6, 9 or 12 digits).
    pub division: Option<String>,
    /// Text in the name, address or estate code.
    pub q: Option<String>,
    pub eligible: Option<bool>,
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
    /// Keys of the failed eligibility rules.
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

pub fn parse_division(s: Option<&str>) -> Result<Option<DivisionCode>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => DivisionCode::parse_short(s)
            .map(Some)
            .map_err(|e| ApiError::invalid(e.to_string())),
    }
}

pub fn filter_of(q: &ListQuery) -> Result<EstateFilter, ApiError> {
    Ok(EstateFilter {
        division: parse_division(q.division.as_deref())?,
        q: q.q.clone(),
        eligible: q.eligible,
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
    pub structure: Option<String>,
    pub year_completed: Option<i32>,
    pub safety_grade: Option<String>,
    pub has_lift: bool,
}

#[derive(Serialize, ToSchema)]
pub struct RuleItem {
    pub rule: String,
    pub title: String,
    pub passed: bool,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct EstateDetail {
    #[serde(flatten)]
    pub estate: EstateItem,
    pub property_type: Option<String>,
    pub management_mode: Option<String>,
    pub urban_village: bool,
    pub mostly_self_built: bool,
    pub expropriation_or_rebuild_planned: bool,
    pub historic_protection: bool,
    pub willingness_pct: Option<f64>,
    pub last_renovated_year: Option<i32>,
    pub planned_demolition_year: Option<i32>,
    pub rules: Vec<RuleItem>,
    pub mode_reason: String,
    pub buildings: Vec<BuildingItem>,
}

/// Builds the full view of an estate (shared with the pages).
pub async fn detail(
    state: &AppState,
    c: &Caller,
    lang: anju_domain::Lang,
    m: &estate::Model,
    bs: &[building::Model],
) -> Result<EstateDetail, ApiError> {
    let a = c
        .data
        .assess(m, bs, &state.web.policy, state.web.reference_year)
        .await?;
    let (e, el, mode) = (&a.estate, &a.eligibility, &a.mode);
    Ok(EstateDetail {
        estate: item(&m.into()),
        property_type: e
            .property_type
            .map(|p| lang.pick(p.label_zh(), p.label_en()).to_string()),
        management_mode: e
            .management_mode
            .map(|p| lang.pick(p.label_zh(), p.label_en()).to_string()),
        urban_village: e.urban_village,
        mostly_self_built: e.mostly_self_built,
        expropriation_or_rebuild_planned: e.expropriation_or_rebuild_planned,
        historic_protection: e.historic_protection,
        willingness_pct: e.willingness_pct,
        last_renovated_year: e.last_renovated_year,
        planned_demolition_year: e.planned_demolition_year,
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
                reason: r.reason.get(lang).to_string(),
            })
            .collect(),
        mode_reason: mode.reason.get(lang).to_string(),
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
                year_completed: b.year_completed,
                safety_grade: b.safety_grade.clone(),
                has_lift: b.has_lift,
            })
            .collect(),
    })
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
    Ok(Json(detail(&state, &c, lang_of(&l), &m, &bs).await?))
}

/// The fields of an estate that can be changed; every field is optional.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct PatchRequest {
    pub name: Option<String>,
    pub address: Option<String>,
    pub year_completed: Option<i32>,
    pub building_count: Option<i32>,
    pub households: Option<i32>,
    pub floor_area_m2: Option<f64>,
    pub property_type: Option<String>,
    pub management_mode: Option<String>,
    pub urban_village: Option<bool>,
    pub mostly_self_built: Option<bool>,
    pub expropriation_or_rebuild_planned: Option<bool>,
    pub historic_protection: Option<bool>,
    pub willingness_pct: Option<f64>,
    pub last_renovated_year: Option<i32>,
    pub planned_demolition_year: Option<i32>,
}

/// Applies an edit on behalf of a caller (shared with the edit form).
pub async fn apply_patch(
    state: &AppState,
    c: &Caller,
    id: i64,
    patch: &EstatePatch,
    source: &str,
) -> Result<estate::Model, ApiError> {
    let ctx = WriteCtx::new(
        format!("user:{}", c.account.username),
        Some(source.to_string()),
    );
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
#[utoipa::path(patch, path = "/api/v1/estates/{id}", request_body = PatchRequest, params(("id" = i64, Path)),
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
        detail(&state, &c, anju_domain::Lang::Zh, &m, &bs).await?,
    ))
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

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    pub q: Option<String>,
    pub page: Option<u64>,
}

fn require_admin(c: &Caller) -> Result<(), ApiError> {
    if c.account.role.manages_accounts() {
        Ok(())
    } else {
        Err(ApiError::forbidden("需要管理员权限 / administrators only"))
    }
}

/// Search the audit trail inside the caller's jurisdiction (administrators).
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), responses((status = 200, body = [AuditItem]), (status = 403, body = ErrorBody)))]
async fn audit(
    ApiCaller(c): ApiCaller,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditItem>>, ApiError> {
    require_admin(&c)?;
    let (rows, _) = c
        .data
        .audit(q.q.as_deref(), q.page.unwrap_or(1), 100)
        .await?;
    Ok(Json(rows.iter().map(audit_item).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct UserItem {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub scope: Option<String>,
    pub active: bool,
}

/// The accounts inside the caller's jurisdiction (administrators).
#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, body = [UserItem]), (status = 403, body = ErrorBody)))]
async fn users(ApiCaller(c): ApiCaller) -> Result<Json<Vec<UserItem>>, ApiError> {
    let list = c.data.accounts(c.account.role).await?;
    Ok(Json(list.into_iter().map(user_item).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUser {
    pub username: String,
    pub display_name: Option<String>,
    pub role: String,
    /// Division code of the new account's scope; must lie inside the administrator's own.
    pub division: Option<String>,
    pub password: String,
}

/// Create an account inside the caller's jurisdiction (administrators).
#[utoipa::path(post, path = "/api/v1/users", request_body = NewUser, responses((status = 201, body = UserItem), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_user(ApiCaller(c): ApiCaller, Json(n): Json<NewUser>) -> Result<Response, ApiError> {
    let role = Role::from_key(&n.role)
        .ok_or_else(|| ApiError::invalid(format!("未知角色 / unknown role {:?}", n.role)))?;
    let scope = match parse_division(n.division.as_deref())? {
        Some(d) => Scope::Division(d),
        None => Scope::All,
    };
    let ctx = WriteCtx::new(format!("user:{}", c.account.username), Some("api".into()));
    let new = anju_store::scoped::NewAccount {
        display_name: n.display_name.clone().unwrap_or_else(|| n.username.clone()),
        username: n.username,
        role,
        scope,
        password: n.password,
    };
    let a = c.data.add_account(&ctx, c.account.role, &new).await?;
    Ok((StatusCode::CREATED, Json(user_item(a))).into_response())
}

fn user_item(a: anju_store::accounts::Account) -> UserItem {
    UserItem {
        id: a.id,
        scope: scope_code(&a.scope),
        username: a.username,
        display_name: a.display_name,
        role: a.role.key().into(),
        active: a.active,
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// false disables the account (its sessions end at once), true enables it again.
    pub active: Option<bool>,
    /// A new password (8 characters or more); the account's sessions end.
    pub password: Option<String>,
}

/// An administrator's change of an account inside their jurisdiction (pages and API); no one
/// disables their own account.
pub async fn change_user(
    c: &Caller,
    username: &str,
    change: anju_store::accounts::AccountChange,
    source: &str,
) -> Result<anju_store::accounts::Account, ApiError> {
    let ctx = WriteCtx::new(format!("user:{}", c.account.username), Some(source.into()));
    Ok(c.data
        .change_account(&ctx, &c.account, username, &change)
        .await?)
}

/// Disable or enable an account, or set its password (administrators, inside their jurisdiction).
#[utoipa::path(patch, path = "/api/v1/users/{username}", request_body = UserChange, responses((status = 200, body = UserItem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_user(
    ApiCaller(c): ApiCaller,
    Path(username): Path<String>,
    Json(u): Json<UserChange>,
) -> Result<Json<UserItem>, ApiError> {
    let change = anju_store::accounts::AccountChange {
        active: u.active,
        password: u.password,
    };
    let a = change_user(&c, &username, change, "api").await?;
    Ok(Json(user_item(a)))
}

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// Shown once: send it as `Authorization: Bearer TOKEN`.
    pub token: String,
}

/// Make an API token for the caller's own account, for machine clients.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = TokenRequest, responses((status = 201, body = TokenResponse), (status = 401, body = ErrorBody)))]
async fn add_token(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(r): Json<TokenRequest>,
) -> Result<Response, ApiError> {
    let token = state.store.create_api_token(c.account.id, &r.name).await?;
    Ok((StatusCode::CREATED, Json(TokenResponse { token })).into_response())
}
