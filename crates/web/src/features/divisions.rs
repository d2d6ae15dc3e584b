//! One division: what it is, the divisions under it, and — for a town — whether it is its
//! county's seat (城关镇), which a province's administrator may change (audited; the town's
//! estates are assessed again at once). Page `/divisions/{code}` and `/api/v1/divisions/{code}`.

use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{parse_division, Form, Json, Path};
use crate::page::{render, Chrome, PageCaller};
use crate::AppState;
use anju_domain::account::may_set_county_seats;
use anju_domain::{Division, DivisionCode, TownKind};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(division_detail, change_division))
}

pub fn pages() -> Router<AppState> {
    Router::new().route(
        "/divisions/{code}",
        get(division_page).post(division_submit),
    )
}

#[derive(Serialize, ToSchema)]
pub struct DivisionDetail {
    pub code: String,
    pub name: String,
    /// 1 province … 5 neighbourhood.
    pub level: i16,
    /// For a town-level unit: street, town, township, zone (development zones, parks: 400–599)
    /// or other.
    pub town_kind: Option<String>,
    /// Whether this town is its county's seat (城关镇): its estates are urban.
    pub county_seat: bool,
}

fn detail(d: &Division) -> DivisionDetail {
    DivisionDetail {
        code: d.code.to_string(),
        name: d.name.clone(),
        level: d.code.level() as i16,
        town_kind: (d.code.level() == anju_domain::Level::Town)
            .then(|| d.code.town_kind())
            .flatten()
            .and_then(|k| serde_json::to_value(k).ok())
            .and_then(|v| v.as_str().map(str::to_string)),
        county_seat: d.county_seat,
    }
}

fn code_of(s: &str) -> Result<DivisionCode, ApiError> {
    parse_division(Some(s))?.ok_or_else(ApiError::not_found)
}

/// A division of the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/divisions/{code}", params(("code" = String, Path, description = "division code or prefix")), responses((status = 200, body = DivisionDetail), (status = 404, body = ErrorBody)))]
async fn division_detail(
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
) -> Result<Json<DivisionDetail>, ApiError> {
    Ok(Json(detail(&c.data.division(&code_of(&code)?).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DivisionChange {
    /// Whether this town is its county's seat.
    pub county_seat: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DivisionChanged {
    #[serde(flatten)]
    pub division: DivisionDetail,
    /// How many estates under it changed their outcome.
    pub reassessed: usize,
}

/// Says whether a town is its county's seat (a province's administrator; audited). Its estates
/// are assessed again at once.
#[utoipa::path(patch, path = "/api/v1/divisions/{code}", params(("code" = String, Path, description = "the town's code")), request_body = DivisionChange, responses((status = 200, body = DivisionChanged), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn change_division(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(code): Path<String>,
    Json(change): Json<DivisionChange>,
) -> Result<Json<DivisionChanged>, ApiError> {
    let code = code_of(&code)?;
    let reassessed = set_seat(&state, &c, &code, change.county_seat, "api").await?;
    Ok(Json(DivisionChanged {
        division: detail(&c.data.division(&code).await?),
        reassessed,
    }))
}

/// The one change of the page and the API: inside the scope (else "not found"), by whom the rule
/// allows (else "forbidden").
async fn set_seat(
    state: &AppState,
    c: &Caller,
    code: &DivisionCode,
    seat: bool,
    source: &str,
) -> Result<usize, ApiError> {
    c.data.division(code).await?;
    if !may_set_county_seats(c.account.role, &c.account.scope) {
        return Err(ApiError::forbidden(
            "只有省级管理员可以认定县城 / only a province's administrator may say which towns are county seats",
        ));
    }
    let ctx = c.write_ctx(source);
    Ok(c.data
        .set_county_seat(
            &ctx,
            code,
            seat,
            state.web.policy.clone(),
            state.web.reference_year,
        )
        .await?)
}

#[derive(Template)]
#[template(path = "division.html")]
struct DivisionPage {
    c: Chrome,
    d: DivisionDetail,
    kind: String,
    parent: Option<(String, String)>,
    children: Vec<(String, String, bool)>,
    /// A town whose seat flag this user may change.
    editable: bool,
    notice: Option<String>,
}

async fn division_page(
    p: PageCaller,
    Path(code): Path<String>,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let code = code_of(&code)?;
    let d = p.caller.data.division(&code).await?;
    let children = p
        .caller
        .data
        .child_divisions(Some(&code))
        .await?
        .into_iter()
        .map(|x| (x.code.to_string(), x.name, x.county_seat))
        .collect();
    let parent = match code.parent().filter(|up| p.caller.data.covers(up)) {
        Some(up) => p
            .caller
            .data
            .division_names(&[up.to_string()])
            .await?
            .remove(up.as_str())
            .map(|name| (up.to_string(), name)),
        None => None,
    };
    let c = &p.chrome;
    let kind = match code
        .town_kind()
        .filter(|_| code.level() == anju_domain::Level::Town)
    {
        Some(TownKind::Street) => c.t("街道", "street"),
        Some(TownKind::Town) => c.t("镇", "town"),
        Some(TownKind::Township) => c.t("乡", "township"),
        Some(TownKind::Zone) => c.t(
            "开发区、园区等（城镇）",
            "development zone, park or similar (urban)",
        ),
        Some(TownKind::Other) => c.t("其他", "other"),
        None => "",
    }
    .to_string();
    let editable = code.level() == anju_domain::Level::Town
        && code.town_kind() == Some(TownKind::Town)
        && may_set_county_seats(p.caller.account.role, &p.caller.account.scope);
    let notice = q.contains_key("saved").then(|| {
        let n = q.get("reassessed").cloned().unwrap_or_default();
        match c.lang() {
            anju_domain::Lang::Zh => format!("已保存，重新判定的小区{n}个"),
            anju_domain::Lang::En => format!("saved; {n} estate(s) changed their outcome"),
        }
    });
    let page = DivisionPage {
        d: detail(&d),
        kind,
        parent,
        children,
        editable,
        notice,
        c: p.chrome,
    };
    render(&page, StatusCode::OK)
}

async fn division_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Path(code): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let code = code_of(&code)?;
    let seat = f.contains_key("county_seat");
    let n = set_seat(&state, &p.caller, &code, seat, "page").await?;
    Ok(Redirect::to(&format!("/divisions/{code}?saved=1&reassessed={n}")).into_response())
}
