//! The staff pages (HTML, askama templates; htmx and ECharts embedded). Every page reaches data
//! only through the caller's [`Scoped`] store, like the API.

use crate::api::{self, ListQuery};
use crate::auth::{cookie, Caller};
use crate::error::ApiError;
use crate::extract::{Form, Path, Query};
use crate::AppState;
use anju_domain::summary::m2;
use anju_domain::{DivisionCode, Lang, Level, Scope};
use anju_io::write::EstateWriter;
use anju_store::scoped::EstatePatch;
use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/lang/{lang}", get(set_lang))
        .route("/estates", get(estates))
        .route("/estates/{id}", get(estate_page).post(estate_submit))
        .route("/export.xlsx", get(export_xlsx))
        .route("/import", get(import_page).post(import_upload))
        .route("/import/{id}/confirm", post(import_confirm))
        .route("/admin", get(admin_page))
        .route("/admin/users", post(admin_add_user))
        .route("/admin/users/{username}", post(admin_change_user))
        .route("/assets/{file}", get(asset))
        .layer(axum::middleware::from_fn(crate::error::error_pages))
}

const LANG_COOKIE: &str = "anju_lang";
const LOGIN_CSRF_COOKIE: &str = "anju_login_csrf";

fn lang_of(parts: &Parts) -> Lang {
    lang_from_headers(&parts.headers)
}

/// What every page shows around its content.
pub struct Chrome {
    pub en: bool,
    pub signed_in: bool,
    pub admin: bool,
    pub user: String,
    pub scope_name: String,
    pub csrf: String,
}

impl Chrome {
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.en {
            en
        } else {
            zh
        }
    }
    fn lang(&self) -> Lang {
        if self.en {
            Lang::En
        } else {
            Lang::Zh
        }
    }
}

/// A signed-in page visitor; anyone else is sent to the login page.
pub struct PageCaller {
    pub caller: Caller,
    pub chrome: Chrome,
}

impl FromRequestParts<AppState> for PageCaller {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = match Caller::resolve(parts, state).await {
            Ok(Some(c)) if c.csrf.is_some() => c,
            Ok(_) => return Err(Redirect::to("/login").into_response()),
            Err(e) => return Err(e.into_response()),
        };
        let en = lang_of(parts) == Lang::En;
        let scope_name = match caller.account.scope {
            Scope::All => {
                if en {
                    "nationwide".to_string()
                } else {
                    "全国".to_string()
                }
            }
            Scope::Division(d) => caller.scope_name.clone().unwrap_or(d.to_string()),
        };
        let chrome = Chrome {
            en,
            signed_in: true,
            admin: caller.account.role.manages_accounts(),
            user: caller.account.display_name.clone(),
            scope_name,
            csrf: caller.csrf.clone().unwrap_or_default(),
        };
        Ok(PageCaller { caller, chrome })
    }
}

/// A page; a template that does not render shows as an error page.
fn render(t: &impl Template, status: StatusCode) -> Result<Response, ApiError> {
    let html = t.render().map_err(ApiError::internal)?;
    Ok((status, Html(html)).into_response())
}

// ---- login / logout / language ----

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    login_csrf: String,
    error: Option<String>,
    username: String,
    demo: bool,
}

pub(crate) fn anonymous(parts_lang: Lang) -> Chrome {
    Chrome {
        en: parts_lang == Lang::En,
        signed_in: false,
        admin: false,
        user: String::new(),
        scope_name: String::new(),
        csrf: String::new(),
    }
}

fn set_cookie(headers: &mut HeaderMap, value: String) {
    headers.append(
        header::SET_COOKIE,
        HeaderValue::from_str(&value).expect("ASCII cookie"),
    );
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = lang_from_headers(&headers);
    let token = anju_store::sessions::new_secret();
    let page = LoginPage {
        c: anonymous(lang),
        login_csrf: token.clone(),
        error: None,
        username: String::new(),
        demo: state.web.demo,
    };
    let mut resp = render(&page, StatusCode::OK)?;
    // Double-submit token: the login form must carry the value of this cookie.
    set_cookie(
        resp.headers_mut(),
        format!("{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict"),
    );
    Ok(resp)
}

pub(crate) fn lang_from_headers(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(|l| l.parse().ok())
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    csrf: String,
}

async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, ApiError> {
    let lang = lang_from_headers(&headers);
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE);
    if !expected.is_some_and(|e| crate::auth::constant_time_eq(e.as_bytes(), f.csrf.as_bytes())) {
        return Err(ApiError::csrf());
    }
    match api::start_session(&state, &f.username, &f.password).await {
        Ok((secret, _, _)) => {
            let mut resp = Redirect::to("/").into_response();
            resp.headers_mut().insert(
                header::SET_COOKIE,
                api::session_cookie(&state, &secret, state.web.session_hours * 3600),
            );
            Ok(resp)
        }
        Err(e) => {
            let page = LoginPage {
                c: anonymous(lang),
                login_csrf: f.csrf,
                error: Some(e.message),
                username: f.username,
                demo: state.web.demo,
            };
            render(&page, e.status)
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    p: PageCaller,
    Form(f): Form<CsrfForm>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(Some(&f.csrf))?;
    if let Some(s) = &p.caller.session_secret {
        if let Err(e) = state.store.delete_session(s).await {
            return Err(e.into());
        }
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, api::session_cookie(&state, "", 0));
    Ok(resp)
}

async fn set_lang(Path(lang): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let lang = if lang == "en" { "en" } else { "zh" };
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            r.find("://")
                .and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string()))
        })
        // Back to a path of this site only: "//host" would leave it.
        .filter(|p| !p.starts_with("//") && !p.contains('\\'))
        .unwrap_or_else(|| "/".into());
    let mut resp = Redirect::to(&back).into_response();
    set_cookie(
        resp.headers_mut(),
        format!("{LANG_COOKIE}={lang}; Path=/; SameSite=Lax; Max-Age=31536000"),
    );
    Ok(resp)
}

// ---- dashboard ----

struct PartRow {
    code: String,
    name: String,
    estates: i64,
    buildings: i64,
    households: i64,
    area_wan: String,
    eligible: i64,
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
}

#[derive(Deserialize)]
struct DivisionParam {
    division: Option<String>,
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
    let division = api::parse_division(q.division.as_deref())?;
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
        })
        .collect();
    let chart: Vec<serde_json::Value> = parts
        .iter()
        .map(|x| serde_json::json!({"name": x.name, "estates": x.estates, "eligible": x.eligible}))
        .collect();
    let title = format!(
        "{}{}",
        summary.division_name,
        p.chrome.t("老旧小区概况", " — old estates")
    );
    let page = DashboardPage {
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

// ---- estate list ----

#[derive(Template)]
#[template(path = "estates.html")]
struct EstatesPage {
    c: Chrome,
    items: Vec<api::EstateItem>,
    total: u64,
    /// A text search counted only up to `total`.
    more: bool,
    page: u64,
    per_page: u64,
    pages: u64,
    q: String,
    division: String,
    eligible: String,
    sort: String,
    sorts: Vec<(&'static str, &'static str, &'static str)>,
    prev_url: String,
    next_url: String,
}

#[derive(Deserialize)]
struct ListForm {
    q: Option<String>,
    division: Option<String>,
    eligible: Option<String>,
    sort: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

async fn estates(p: PageCaller, Query(f): Query<ListForm>) -> Result<Response, ApiError> {
    let eligible = f.eligible.clone().unwrap_or_default();
    let q = ListQuery {
        division: f.division.clone(),
        q: f.q.clone(),
        eligible: match eligible.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        sort: f.sort.clone(),
        desc: Some(matches!(
            f.sort.as_deref(),
            Some("households") | Some("area")
        )),
        page: f.page,
        // 20 rows unless the user picks 50 or 100.
        per_page: Some(f.per_page.filter(|n| [50, 100].contains(n)).unwrap_or(20)),
    };
    let filter = api::filter_of(&q)?;
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
            "/estates?q={}&division={}&eligible={}&sort={}&per_page={}&page={page}",
            enc(&f.q),
            enc(&f.division),
            enc(&f.eligible),
            enc(&f.sort),
            filter.per_page
        )
    };
    let page = EstatesPage {
        items: items.iter().map(api::item).collect(),
        total,
        more,
        page: filter.page,
        per_page: filter.per_page,
        pages,
        q: f.q.clone().unwrap_or_default(),
        division: f.division.clone().unwrap_or_default(),
        eligible,
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

// ---- one estate ----

#[derive(Template)]
#[template(path = "estate.html")]
struct EstatePage {
    c: Chrome,
    d: api::EstateDetail,
    mode_label: String,
    year: String,
    willingness: String,
    flags: Vec<(&'static str, &'static str, &'static str, bool)>,
    history: Vec<(String, String, String, String, String)>,
    notice: Option<String>,
    errors: Vec<String>,
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
    let d = api::detail(state, &p.caller, p.chrome.lang(), &m, &bs).await?;
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
    let page = EstatePage {
        mode_label,
        year: d
            .estate
            .year_completed
            .map(|y| y.to_string())
            .unwrap_or_default(),
        willingness: d.willingness_pct.map(|w| w.to_string()).unwrap_or_default(),
        flags: vec![
            ("urban_village", "城中村", "urban village", d.urban_village),
            (
                "mostly_self_built",
                "自建房为主",
                "mostly self-built",
                d.mostly_self_built,
            ),
            (
                "expropriation_or_rebuild_planned",
                "列入征收或拆除新建计划",
                "planned for expropriation or rebuilding",
                d.expropriation_or_rebuild_planned,
            ),
            (
                "historic_protection",
                "历史文化街区或历史建筑",
                "historic protection",
                d.historic_protection,
            ),
        ],
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
        match api::apply_patch(&state, &p.caller, id, &patch, "page").await {
            Ok(_) => return Ok(Redirect::to(&format!("/estates/{id}?saved=1")).into_response()),
            // A value refused or a name taken: shown on the form, with the status that says which.
            Err(e)
                if matches!(
                    e.status,
                    StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
                ) =>
            {
                status = e.status;
                errors.push(e.message)
            }
            Err(e) => return Err(e),
        }
    }
    estate_view(&state, p, id, None, errors, status).await
}

/// Reads the edit form: numbers typed by people (full-width digits, separators) are accepted.
fn patch_from_form(f: &HashMap<String, String>, c: &Chrome) -> (EstatePatch, Vec<String>) {
    let mut errors = Vec::new();
    let text = |k: &str| f.get(k).map(|v| v.trim().to_string());
    let mut num = |k: &str, label: &str| -> Option<f64> {
        let v = f.get(k)?.trim();
        if v.is_empty() {
            return None;
        }
        let folded: String = v
            .chars()
            .map(|ch| {
                if ('０'..='９').contains(&ch) {
                    char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch)
                } else {
                    ch
                }
            })
            .filter(|ch| *ch != ',' && *ch != '，')
            .collect();
        match folded.parse::<f64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(format!(
                    "{label}：{}「{v}」",
                    c.t("应为数字，实为", "expected a number, got ")
                ));
                None
            }
        }
    };
    let year = num("year_completed", c.t("建成年份", "Year completed"));
    let buildings = num("building_count", c.t("楼栋数", "Buildings"));
    let households = num("households", c.t("户数", "Households"));
    let area = num("floor_area_m2", c.t("建筑面积", "Floor area"));
    let willingness = num("willingness_pct", c.t("改造意愿", "Willingness"));
    let flag = |k: &str| Some(f.contains_key(k));
    let patch = EstatePatch {
        name: text("name"),
        address: text("address"),
        year_completed: year.map(|v| v as i32),
        building_count: buildings.map(|v| v as i32),
        households: households.map(|v| v as i32),
        floor_area_m2: area,
        willingness_pct: willingness,
        urban_village: flag("urban_village"),
        mostly_self_built: flag("mostly_self_built"),
        expropriation_or_rebuild_planned: flag("expropriation_or_rebuild_planned"),
        historic_protection: flag("historic_protection"),
        ..Default::default()
    };
    (patch, errors)
}

// ---- export ----

async fn export_xlsx(
    State(state): State<AppState>,
    p: PageCaller,
    Query(q): Query<DivisionParam>,
) -> Result<Response, ApiError> {
    let division = api::parse_division(q.division.as_deref())?;
    let assessor = state.assessor(&p.caller.data).await?;
    let lang = p.chrome.lang();
    let mut pages = p
        .caller
        .data
        .export(&assessor, &state.web.policy, division, false);
    let bytes = write_export(&mut pages, lang).await?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"estates.xlsx\""),
    );
    Ok((headers, bytes).into_response())
}

/// The inventory sheet for the browser's download (the rows of `anju export`), written to a
/// temporary file page by page; the writing, CPU work, off the async threads.
async fn write_export(
    pages: &mut anju_store::scoped::ExportPages<'_>,
    lang: Lang,
) -> Result<Vec<u8>, ApiError> {
    let dir = std::env::temp_dir().join(format!(
        "anju-export-{}",
        anju_store::sessions::new_secret()
    ));
    std::fs::create_dir_all(&dir).map_err(ApiError::internal)?;
    let path = dir.join("estates.xlsx");
    let result = async {
        let mut w = EstateWriter::create(&path, false, lang).map_err(ApiError::internal)?;
        while let Some(rows) = pages.next().await? {
            tokio::task::block_in_place(|| rows.iter().try_for_each(|r| w.write(r)))
                .map_err(ApiError::internal)?;
        }
        tokio::task::block_in_place(|| w.finish()).map_err(ApiError::internal)?;
        std::fs::read(&path).map_err(ApiError::internal)
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

// ---- import ----

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    c: Chrome,
    notice: Option<String>,
    failure: Option<String>,
    errors: Vec<(u32, String, String, String, String)>,
    confirm_id: Option<i64>,
    rows: usize,
}

impl ImportPage {
    fn new(c: Chrome) -> Self {
        ImportPage {
            c,
            notice: None,
            failure: None,
            errors: Vec::new(),
            confirm_id: None,
            rows: 0,
        }
    }
}

async fn import_page(p: PageCaller) -> Result<Response, ApiError> {
    render(&ImportPage::new(p.chrome), StatusCode::OK)
}

/// Reads an uploaded sheet: the rows, or the errors, or why the sheet cannot be read. Division
/// codes outside the caller's jurisdiction count as unknown.
async fn check_upload(
    p: &PageCaller,
    filename: &str,
    bytes: &[u8],
) -> Result<Result<Vec<anju_domain::Estate>, Vec<anju_io::CellError>>, String> {
    let ext = std::path::Path::new(filename)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("xlsx")
        .to_ascii_lowercase();
    let dir = std::env::temp_dir().join(format!(
        "anju-upload-{}",
        anju_store::sessions::new_secret()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(format!("sheet.{ext}"));
    std::fs::write(&path, bytes).map_err(|e| e.to_string())?;
    // Codes outside the caller's jurisdiction count as unknown.
    let codes = p
        .caller
        .data
        .importable_divisions()
        .await
        .map_err(|e| e.to_string())?;
    let result = tokio::task::spawn_blocking(move || {
        let grid = anju_io::read_grid(&path).map_err(|e| e.to_string())?;
        anju_io::parse_estates(&grid, &|c| codes.contains(c.as_str())).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    let parsed = result??;
    Ok(if parsed.errors.is_empty() {
        Ok(parsed.rows.into_iter().map(|r| r.estate).collect())
    } else {
        Err(parsed.errors)
    })
}

async fn import_upload(
    State(state): State<AppState>,
    p: PageCaller,
    mut form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    let (mut csrf, mut file) = (None, None);
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("csrf") => csrf = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or("sheet.xlsx").to_string();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) => return Err(ApiError::bad_request(e.to_string())),
                }
            }
            _ => {}
        }
    }
    p.caller.check_csrf(csrf.as_deref())?;
    let Some((filename, bytes)) = file else {
        return Err(ApiError::invalid("缺少文件 / no file"));
    };
    let lang = p.chrome.lang();
    match check_upload(&p, &filename, &bytes).await {
        Err(why) => {
            let mut page = ImportPage::new(p.chrome);
            page.failure = Some(why);
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Ok(Err(errors)) => {
            let mut page = ImportPage::new(p.chrome);
            page.errors = errors
                .iter()
                .map(|e| {
                    (
                        e.row,
                        format!("{}{}", e.column_letter(), e.row),
                        e.header.clone(),
                        e.value.clone(),
                        e.expected.get(lang).to_string(),
                    )
                })
                .collect();
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Ok(Ok(rows)) => match state
            .store
            .save_upload(p.caller.account.id, &filename, bytes)
            .await
        {
            Ok(id) => {
                let mut page = ImportPage::new(p.chrome);
                page.confirm_id = Some(id);
                page.rows = rows.len();
                render(&page, StatusCode::OK)
            }
            Err(e) => Err(e.into()),
        },
    }
}

async fn import_confirm(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(Some(&f.csrf))?;
    let upload = match state.store.upload(p.caller.account.id, id).await {
        Ok(Some(u)) => u,
        Ok(None) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    // Checked again: the divisions or the scope may have changed since the preview.
    let estates = match check_upload(&p, &upload.filename, &upload.bytes).await {
        Ok(Ok(rows)) => rows,
        Ok(Err(_)) | Err(_) => {
            let mut page = ImportPage::new(p.chrome);
            page.failure = Some("表格已不能通过检查，请重新上传 / the sheet no longer passes the check; upload it again".into());
            return render(&page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let assessor = state.assessor(&p.caller.data).await?;
    let ctx = anju_store::WriteCtx::new(
        format!("user:{}", p.caller.account.username),
        Some(format!("upload:{}", upload.filename)),
    );
    let report = p
        .caller
        .data
        .import_estates(&ctx, &estates, &assessor)
        .await?;
    let _ = state.store.delete_upload(id).await;
    let mut page = ImportPage::new(p.chrome);
    page.notice = Some(match page.c.lang() {
        Lang::Zh => format!(
            "导入完成：新增{}个，更新{}个，未变{}个",
            report.inserted, report.updated, report.unchanged
        ),
        Lang::En => format!(
            "imported: {} new, {} updated, {} unchanged",
            report.inserted, report.updated, report.unchanged
        ),
    });
    render(&page, StatusCode::OK)
}

// ---- accounts and audit (administrators) ----

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    home: String,
    q: String,
    audit: Vec<(String, String, String, String, String, String)>,
    audit_total: u64,
    notice: Option<String>,
    error: Option<String>,
}

/// An account as the administrator's table shows it.
struct UserRow {
    username: String,
    name: String,
    role: String,
    scope: String,
    active: bool,
    /// The administrator's own account (it cannot be disabled from here).
    me: bool,
}

#[derive(Deserialize)]
struct AuditParam {
    q: Option<String>,
}

async fn admin_view(
    p: PageCaller,
    q: Option<String>,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    if !p.caller.account.role.manages_accounts() {
        return Err(ApiError::forbidden("需要管理员权限 / administrators only"));
    }
    let data = &p.caller.data;
    let users = data.accounts(p.caller.account.role).await?;
    let (audit, audit_total) = data.audit(q.as_deref(), 1, 100).await?;
    let scope_text = |s: &Scope| match s {
        Scope::All => p.chrome.t("全国", "nationwide").to_string(),
        Scope::Division(d) => d.to_string(),
    };
    let en = p.chrome.en;
    let page = AdminPage {
        users: users
            .iter()
            .map(|u| UserRow {
                username: u.username.clone(),
                name: u.display_name.clone(),
                role: if en {
                    u.role.key().to_string()
                } else {
                    u.role.label_zh().to_string()
                },
                scope: scope_text(&u.scope),
                active: u.active,
                me: u.id == p.caller.account.id,
            })
            .collect(),
        roles: anju_domain::account::grantable_roles(p.caller.account.role)
            .into_iter()
            .map(|r| (r.key(), r.label_zh()))
            .collect(),
        home: data.home().map(|d| d.to_string()).unwrap_or_default(),
        q: q.unwrap_or_default(),
        audit: audit
            .iter()
            .map(|a| {
                (
                    a.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    a.actor.clone(),
                    a.action.clone(),
                    format!("{} {}", a.entity, a.entity_id),
                    a.division_code.clone().unwrap_or_default(),
                    a.source.clone().unwrap_or_default(),
                )
            })
            .collect(),
        audit_total,
        notice,
        error,
        c: p.chrome,
    };
    render(&page, status)
}

async fn admin_page(p: PageCaller, Query(q): Query<AuditParam>) -> Result<Response, ApiError> {
    admin_view(p, q.q, None, None, StatusCode::OK).await
}

#[derive(Deserialize)]
struct NewUserForm {
    csrf: String,
    username: String,
    display_name: Option<String>,
    role: String,
    division: String,
    password: String,
}

async fn admin_add_user(p: PageCaller, Form(f): Form<NewUserForm>) -> Result<Response, ApiError> {
    p.caller.check_csrf(Some(&f.csrf))?;
    if !p.caller.account.role.manages_accounts() {
        return Err(ApiError::forbidden("需要管理员权限 / administrators only"));
    }
    // The same rule as the API's, in the store: a role the administrator may grant, inside
    // their jurisdiction (an empty division: the whole country, for a system administrator).
    let result: Result<String, String> = async {
        let role = anju_domain::Role::from_key(&f.role).ok_or("未知角色 / unknown role")?;
        let scope = match f.division.trim() {
            "" => Scope::All,
            d => Scope::Division(DivisionCode::parse_short(d).map_err(|e| e.to_string())?),
        };
        let ctx = anju_store::WriteCtx::new(
            format!("user:{}", p.caller.account.username),
            Some("page".into()),
        );
        let name = f
            .display_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&f.username);
        let new = anju_store::scoped::NewAccount {
            username: f.username.clone(),
            display_name: name.to_string(),
            role,
            scope,
            password: f.password.clone(),
        };
        p.caller
            .data
            .add_account(&ctx, p.caller.account.role, &new)
            .await
            .map_err(|e| e.to_string())?;
        Ok(format!(
            "{}{}",
            p.chrome.t("已创建账户：", "account created: "),
            f.username.trim()
        ))
    }
    .await;
    match result {
        Ok(n) => admin_view(p, None, Some(n), None, StatusCode::OK).await,
        Err(e) => admin_view(p, None, None, Some(e), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

#[derive(Deserialize)]
struct ChangeUserForm {
    csrf: String,
    /// disable | enable | password
    action: String,
    password: Option<String>,
}

async fn admin_change_user(
    p: PageCaller,
    Path(username): Path<String>,
    Form(f): Form<ChangeUserForm>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(Some(&f.csrf))?;
    let (active, password, done) = match f.action.as_str() {
        "disable" => (
            Some(false),
            None,
            p.chrome.t("已停用账户：", "account disabled: "),
        ),
        "enable" => (
            Some(true),
            None,
            p.chrome.t("已启用账户：", "account enabled: "),
        ),
        "password" => (
            None,
            Some(f.password.clone().unwrap_or_default()),
            p.chrome.t("已重置密码：", "password reset: "),
        ),
        _ => return Err(ApiError::invalid("action: disable | enable | password")),
    };
    let change = anju_store::accounts::AccountChange { active, password };
    match api::change_user(&p.caller, &username, change, "page").await {
        Ok(_) => {
            let notice = format!("{done}{username}");
            admin_view(p, None, Some(notice), None, StatusCode::OK).await
        }
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND => Err(e),
        Err(e) => {
            let status = e.status;
            admin_view(p, None, None, Some(e.message), status).await
        }
    }
}

// ---- assets ----

async fn asset(Path(file): Path<String>) -> Result<Response, ApiError> {
    let (body, ty): (&'static [u8], &str) = match file.as_str() {
        "echarts.min.js" => (
            include_bytes!("../assets/echarts.min.js"),
            "text/javascript; charset=utf-8",
        ),
        "htmx.min.js" => (
            include_bytes!("../assets/htmx.min.js"),
            "text/javascript; charset=utf-8",
        ),
        "leaflet.js" => (
            include_bytes!("../assets/leaflet.js"),
            "text/javascript; charset=utf-8",
        ),
        "leaflet.css" => (
            include_bytes!("../assets/leaflet.css"),
            "text/css; charset=utf-8",
        ),
        "anju.css" => (
            include_bytes!("../assets/anju.css"),
            "text/css; charset=utf-8",
        ),
        _ => return Err(ApiError::not_found()),
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(ty).expect("ASCII"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok((headers, body).into_response())
}
