//! Residents (DOMAIN §6) through the API: an estate's owner register (masked outside its
//! neighbourhood), personal codes for the printable QR sheet, consultations and their rate,
//! owners' votes — opened, paper ballots entered and closed by staff, cast online by owners with
//! their personal code (`Authorization: Owner CODE`) — and a closed vote's anonymised ballots,
//! public for anyone to recount.

use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Form, Json, Path};
use crate::page::{render, Chrome, PageCaller};
use crate::AppState;
use anju_domain::residents::{Answer, Channel};
use anju_domain::vote::Choice;
use anju_store::scoped::{Household, NewVote, Residents};
use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(owners_api, import_owners_api))
        .routes(routes!(issue_codes_api))
        .routes(routes!(consultations_api, open_consultation_api))
        .routes(routes!(consultation_api))
        .routes(routes!(answer_api))
        .routes(routes!(close_consultation_api))
        .routes(routes!(votes_api, open_vote_api))
        .routes(routes!(vote_api))
        .routes(routes!(paper_ballot_api))
        .routes(routes!(close_vote_api))
        .routes(routes!(published_api))
        .routes(routes!(my_ballot_api))
        .routes(routes!(my_answer_api))
}

pub(super) fn may_run(c: &Caller) -> Result<(), ApiError> {
    if c.account.role.runs_consultations() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有街道、社区及以上工作人员可以组织征求意见和表决 / only street, neighbourhood and higher staff run consultations and votes",
        ))
    }
}

fn value<T: serde::Serialize>(t: &T) -> Json<Value> {
    Json(serde_json::to_value(t).unwrap_or(Value::Null))
}

/// The owner register of an estate: names, ID numbers and phones masked unless the caller is
/// the estate's own neighbourhood.
#[utoipa::path(get, path = "/api/v1/estates/{id}/owners", params(("id" = i64, Path)),
    responses((status = 200, description = "the owners with their parts"), (status = 404, body = ErrorBody)))]
pub(super) async fn owners_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let owners = c.data.register(id).await?;
    Ok(Json(json!({ "total": owners.len(), "items": owners })))
}

/// Reads an uploaded owner register (`.xlsx` or `.csv`): its lines, or the sheet's errors (each
/// naming its cell) or why it cannot be read at all. Nothing is stored when there is an error.
async fn read_register(
    filename: &str,
    bytes: &[u8],
) -> Result<Vec<anju_domain::residents::RegisterLine>, Result<Vec<anju_io::CellError>, String>> {
    let sheet = super::imports::TempSheet::write(filename, bytes).map_err(Err)?;
    let path = sheet.path.clone();
    let parsed = tokio::task::spawn_blocking(move || {
        let grid = anju_io::read_grid(&path).map_err(|e| e.to_string())?;
        anju_io::parse_register(&grid).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| Err(e.to_string()))?
    .map_err(Err)?;
    drop(sheet);
    if parsed.errors.is_empty() {
        Ok(parsed.rows)
    } else {
        Err(Ok(parsed.errors))
    }
}

/// The cell of a sheet's error (C3), or its row when the error is about the whole line.
fn where_in_sheet(e: &anju_io::CellError) -> String {
    match e.column {
        Some(_) => format!("{}{}", e.column_letter(), e.row),
        None => format!("第{0}行 / row {0}", e.row),
    }
}

/// Replaces an estate's register from an uploaded sheet, in one transaction.
async fn import_owners(
    state: &AppState,
    c: &Caller,
    id: i64,
    filename: &str,
    bytes: &[u8],
    source: &str,
) -> Result<Result<anju_store::scoped::RegisterReport, Vec<anju_io::CellError>>, ApiError> {
    c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    may_run(c)?;
    let key = state.web.id_key.as_ref().ok_or_else(|| {
        ApiError::invalid(
            "服务未配置身份证号密钥，请用命令 anju import owners 导入 / the server has no ID key: import with anju import owners",
        )
    })?;
    let lines = match read_register(filename, bytes).await {
        Ok(l) => l,
        Err(Ok(errors)) => return Ok(Err(errors)),
        Err(Err(why)) => return Err(ApiError::invalid(why)),
    };
    let ctx = c.write_ctx(&format!("{source}:{filename}"));
    Ok(Ok(c.data.import_register(id, &lines, key, &ctx).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct RegisterQuery {
    /// xlsx (default) or csv
    pub format: Option<String>,
}

/// Replaces an estate's owner register from a sheet sent as the body (`?format=csv` for CSV,
/// otherwise `.xlsx`): checked whole — a repeated room, a part without area or a bad ID number
/// refuses it with every error and its cell (422 `{"code":"invalid","errors":[…]}`) — then stored
/// in one transaction; owners keep their ids, answers and ballots.
#[utoipa::path(post, path = "/api/v1/estates/{id}/owners", params(("id" = i64, Path), RegisterQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, description = "owners and parts imported"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn import_owners_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    crate::extract::Query(q): crate::extract::Query<RegisterQuery>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let filename = match q.format.as_deref() {
        Some("csv") => "owners.csv",
        _ => "owners.xlsx",
    };
    match import_owners(&state, &c, id, filename, &body, "api").await? {
        Ok(report) => Ok(Json(json!(report)).into_response()),
        Err(errors) => {
            let lang = anju_domain::Lang::Zh;
            let items: Vec<Value> = errors
                .iter()
                .map(|e| {
                    json!({
                        "row": e.row,
                        "cell": e.column.map(|_| format!("{}{}", e.column_letter(), e.row)),
                        "header": e.header,
                        "value": e.value,
                        "expected": e.expected.get(lang),
                        "expected_en": e.expected.get(anju_domain::Lang::En),
                    })
                })
                .collect();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({
                    "code": "invalid",
                    "message": format!("业主名册有{}处错误，未导入 / the register has {} errors: nothing was imported", items.len(), items.len()),
                    "errors": items,
                })),
            )
                .into_response())
        }
    }
}

/// Issues new personal codes to every owner of an estate for the printable sheet of QR codes;
/// earlier codes stop working. Returned once.
#[utoipa::path(post, path = "/api/v1/estates/{id}/owners/codes", params(("id" = i64, Path)),
    responses((status = 200, description = "owner ids with their new codes"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn issue_codes_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    may_run(&c)?;
    let codes = c.data.issue_codes(id, &c.write_ctx("api")).await?;
    let items: Vec<Value> = codes
        .into_iter()
        .map(|(owner_id, code)| json!({ "owner_id": owner_id, "code": code }))
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// The consultations of an estate with their rates, latest first.
#[utoipa::path(get, path = "/api/v1/estates/{id}/consultations", params(("id" = i64, Path)),
    responses((status = 200, description = "the consultations"), (status = 404, body = ErrorBody)))]
pub(super) async fn consultations_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let a = state.assessor_for(&c.data, &[]).await?;
    Ok(value(&c.data.consultations(&a, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ConsultationBody {
    pub title: String,
}

/// Opens a consultation of an estate's households.
#[utoipa::path(post, path = "/api/v1/estates/{id}/consultations", params(("id" = i64, Path)), request_body = ConsultationBody,
    responses((status = 201, description = "the consultation"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn open_consultation_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<ConsultationBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    may_run(&c)?;
    let cid = c
        .data
        .open_consultation(id, &body.title, &c.write_ctx("api"))
        .await?;
    let a = state.assessor_for(&c.data, &[]).await?;
    Ok((
        StatusCode::CREATED,
        value(&c.data.consultation(&a, cid).await?),
    ))
}

/// A consultation with its rate against the threshold.
#[utoipa::path(get, path = "/api/v1/consultations/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "the consultation"), (status = 404, body = ErrorBody)))]
pub(super) async fn consultation_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let a = state.assessor_for(&c.data, &[]).await?;
    Ok(value(&c.data.consultation(&a, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct AnswerBody {
    pub owner_id: i64,
    /// agree | oppose | undecided (or 同意/不同意/未表态)
    pub answer: String,
    /// online | paper | door | staff (default door)
    pub channel: Option<String>,
}

fn answer_of(s: &str) -> Result<Answer, ApiError> {
    Answer::parse(s).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("answer 应为 agree/oppose/undecided，实为{s:?} / answer must be agree, oppose or undecided, got {s:?}"),
        )
    })
}

fn choice_of(s: &str) -> Result<Choice, ApiError> {
    Choice::parse(s).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("choice 应为 agree/oppose/abstain（同意/反对/弃权），实为{s:?} / choice must be agree, oppose or abstain, got {s:?}"),
        )
    })
}

/// Records a household's answer entered by staff; one per household.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/answers", params(("id" = i64, Path)), request_body = AnswerBody,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn answer_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<AnswerBody>,
) -> Result<StatusCode, ApiError> {
    c.data.estate_holding(Residents::Consultation, id).await?;
    may_run(&c)?;
    let channel = match body.channel.as_deref() {
        None => Channel::Door,
        Some(k) => Channel::from_key(k).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("channel 应为 online/paper/door/staff，实为{k:?} / channel must be online, paper, door or staff"),
            )
        })?,
    };
    c.data
        .record_answer(
            id,
            body.owner_id,
            answer_of(&body.answer)?,
            channel,
            &c.write_ctx("api"),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Closes a consultation: no answer is taken after.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/close", params(("id" = i64, Path)),
    responses((status = 204), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn close_consultation_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    c.data.estate_holding(Residents::Consultation, id).await?;
    may_run(&c)?;
    c.data.close_consultation(id, &c.write_ctx("api")).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The votes of an estate, latest first.
#[utoipa::path(get, path = "/api/v1/estates/{id}/votes", params(("id" = i64, Path)),
    responses((status = 200, description = "the votes"), (status = 404, body = ErrorBody)))]
pub(super) async fn votes_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(value(&c.data.votes(id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct VoteBody {
    /// The matter of Civil Code Art. 278, 1–9.
    pub matter: u32,
    pub title: String,
    /// Only this building's owners (and `unit`: only this stairway unit's).
    pub building: Option<String>,
    pub unit: Option<String>,
    /// When it closes (RFC 3339; default in 14 days).
    pub closes_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Opens an owners' vote on an estate, a building or a stairway unit.
#[utoipa::path(post, path = "/api/v1/estates/{id}/votes", params(("id" = i64, Path)), request_body = VoteBody,
    responses((status = 201, description = "the vote"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn open_vote_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<VoteBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    may_run(&c)?;
    let v = NewVote {
        matter: body.matter,
        title: body.title,
        building: body.building.filter(|b| !b.trim().is_empty()),
        unit: body.unit.filter(|u| !u.trim().is_empty()),
        closes_at: body
            .closes_at
            .unwrap_or_else(|| chrono::Utc::now() + chrono::Duration::days(14)),
    };
    let vid = c.data.open_vote(id, &v, &c.write_ctx("api")).await?;
    Ok((StatusCode::CREATED, value(&c.data.vote(vid).await?)))
}

/// A vote: its electorate, state, the number of ballots, and once closed its full arithmetic.
#[utoipa::path(get, path = "/api/v1/votes/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "the vote"), (status = 404, body = ErrorBody)))]
pub(super) async fn vote_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(value(&c.data.vote(id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct PaperBallotBody {
    pub owner_id: i64,
    /// agree | oppose | abstain (or 同意/反对/弃权)
    pub choice: String,
    /// The number printed on the paper ballot.
    pub ballot_no: Option<String>,
}

/// Enters a paper ballot; a later ballot of the same owner replaces it while the vote is open.
#[utoipa::path(post, path = "/api/v1/votes/{id}/ballots", params(("id" = i64, Path)), request_body = PaperBallotBody,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn paper_ballot_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<PaperBallotBody>,
) -> Result<StatusCode, ApiError> {
    c.data.vote(id).await?;
    may_run(&c)?;
    c.data
        .enter_ballot(
            id,
            body.owner_id,
            choice_of(&body.choice)?,
            body.ballot_no,
            &c.write_ctx("api"),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Closes a vote: tallied by the estate's policy, frozen and published anonymised with a hash.
#[utoipa::path(post, path = "/api/v1/votes/{id}/close", params(("id" = i64, Path)),
    responses((status = 200, description = "the closed vote with its tally"), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn close_vote_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    c.data.vote(id).await?;
    may_run(&c)?;
    let a = state.assessor_for(&c.data, &[]).await?;
    Ok(value(
        &c.data.close_vote(&a, id, &c.write_ctx("api")).await?,
    ))
}

/// A closed vote's anonymised ballots (public, no login): `owners.csv` and `ballots.csv` as
/// `anju vote recount` reads them, and their SHA-256.
#[utoipa::path(get, path = "/api/v1/votes/{id}/published", params(("id" = i64, Path)),
    responses((status = 200, description = "owners_csv, ballots_csv, sha256"), (status = 404, body = ErrorBody)))]
pub(super) async fn published_api(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let (owners_csv, ballots_csv, sha256) = anju_store::scoped::published_ballots(&state.store, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(
        json!({ "owners_csv": owners_csv, "ballots_csv": ballots_csv, "sha256": sha256 }),
    ))
}

/// An owner, by the personal code of their QR sheet: `Authorization: Owner CODE`.
pub struct OwnerCaller(pub Household);

impl FromRequestParts<AppState> for OwnerCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let code = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Owner "))
            .ok_or_else(ApiError::unauthorized)?;
        let h = state
            .store
            .household(code)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        Ok(OwnerCaller(h))
    }
}

#[derive(Deserialize, ToSchema)]
pub struct BallotBody {
    /// agree | oppose | abstain (or 同意/反对/弃权)
    pub choice: String,
}

/// An owner casts their ballot online (one per owner; a later one replaces it while open).
#[utoipa::path(post, path = "/api/v1/my/votes/{id}/ballot", params(("id" = i64, Path)), request_body = BallotBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn my_ballot_api(
    OwnerCaller(h): OwnerCaller,
    Path(id): Path<i64>,
    Json(body): Json<BallotBody>,
) -> Result<StatusCode, ApiError> {
    h.cast(id, choice_of(&body.choice)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct MyAnswerBody {
    /// agree | oppose | undecided
    pub answer: String,
}

/// An owner answers a consultation of their estate online.
#[utoipa::path(post, path = "/api/v1/my/consultations/{id}/answer", params(("id" = i64, Path)), request_body = MyAnswerBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn my_answer_api(
    OwnerCaller(h): OwnerCaller,
    Path(id): Path<i64>,
    Json(body): Json<MyAnswerBody>,
) -> Result<StatusCode, ApiError> {
    h.answer(id, answer_of(&body.answer)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/estates/{id}/residents", get(residents_page))
        .route("/estates/{id}/consultations", post(consultation_submit))
        .route("/estates/{id}/votes", post(vote_submit))
        .route("/estates/{id}/codes", post(codes_submit))
        .route("/estates/{id}/owners", post(owners_upload))
        .route("/consultations/{id}/answers", post(answer_submit))
        .route("/consultations/{id}/close", post(close_consultation_submit))
        .route("/votes/{id}", get(vote_page))
        .route("/votes/{id}/ballots", post(ballot_submit))
        .route("/votes/{id}/close", post(close_submit))
        .route("/my/{code}", get(my_page))
        .route("/my/{code}/votes/{id}", post(my_vote_submit))
        .route("/my/{code}/consultations/{id}", post(my_answer_submit))
}

/// An owner as the register table shows them.
struct OwnerRow {
    id: i64,
    is_developer: bool,
    label: String,
    id_number: String,
    phone: String,
    parts: String,
    area: String,
}

struct VoteRow {
    id: i64,
    title: String,
    matter: u32,
    electorate: String,
    state: String,
    ballots: u64,
    result: String,
}

#[derive(Template)]
#[template(path = "residents.html")]
struct ResidentsPage {
    c: Chrome,
    id: i64,
    name: String,
    runs: bool,
    reveals: bool,
    errors: Vec<String>,
    consultations: Vec<anju_store::scoped::ConsultationView>,
    votes: Vec<VoteRow>,
    owners: Vec<OwnerRow>,
    matters: Vec<(u32, String)>,
}

fn electorate(c: &Chrome, building: Option<&str>, unit: Option<&str>) -> String {
    match (building, unit) {
        (Some(b), Some(u)) => format!("{b}{}{u}{}", c.t("栋", " building, unit "), c.t("单元", "")),
        (Some(b), None) => format!("{b}{}", c.t("栋", " building")),
        _ => c.t("全体业主", "the whole estate").to_string(),
    }
}

/// An owner's parts as "building-unit-room", joined.
fn parts_text(parts: &[anju_store::scoped::PartView]) -> String {
    parts
        .iter()
        .map(|p| anju_store::scoped::room_text(&p.building, &p.unit, &p.room))
        .collect::<Vec<_>>()
        .join("、")
}

async fn residents_view(
    state: &AppState,
    p: PageCaller,
    id: i64,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let c = &p.caller;
    let (m, _) = c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    let a = state.assessor_for(&c.data, &[]).await?;
    let owners = c.data.register(id).await?;
    let reveals = anju_domain::DivisionCode::parse(&m.division_code)
        .is_ok_and(|d| anju_domain::residents::sees_personal_data(&c.data.scope, &d));
    let ch = &p.chrome;
    let votes = c
        .data
        .votes(id)
        .await?
        .into_iter()
        .map(|v| VoteRow {
            electorate: electorate(ch, v.building.as_deref(), v.unit.as_deref()),
            state: if v.state == "open" {
                ch.t("进行中", "open").to_string()
            } else {
                ch.t("已结束", "closed").to_string()
            },
            result: match &v.result {
                Some(t) if t.passed => ch.t("通过", "passed").to_string(),
                Some(_) => ch.t("未通过", "not passed").to_string(),
                None => String::new(),
            },
            id: v.id,
            title: v.title,
            matter: v.matter,
            ballots: v.ballots,
        })
        .collect();
    let page = ResidentsPage {
        id,
        name: m.name,
        runs: c.account.role.runs_consultations(),
        reveals,
        errors,
        consultations: c.data.consultations(&a, id).await?,
        votes,
        owners: owners
            .iter()
            .map(|o| OwnerRow {
                id: o.id,
                is_developer: o.is_developer,
                label: format!("{}（{}）", o.name, parts_text(&o.parts)),
                id_number: o.id_number.clone().unwrap_or_default(),
                phone: o.phone.clone().unwrap_or_default(),
                parts: parts_text(&o.parts),
                area: o.area.m2_text(),
            })
            .collect(),
        matters: (1..=9)
            .map(|n| (n, ch.say(&anju_domain::vote::matter_label(n))))
            .collect(),
        c: p.chrome,
    };
    render(&page, status)
}

pub(super) async fn residents_page(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    residents_view(&state, p, id, Vec::new(), StatusCode::OK).await
}

/// After a form: back to the page, or the page again with the error when the input was wrong.
async fn after(
    state: &AppState,
    p: PageCaller,
    id: i64,
    done: Result<(), ApiError>,
    to: String,
) -> Result<Response, ApiError> {
    match done {
        Ok(()) => Ok(Redirect::to(&to).into_response()),
        Err(e) => {
            let (why, status) = e.on_form()?;
            residents_view(state, p, id, why, status).await
        }
    }
}

/// The register upload of the residents page (multipart: csrf, file).
pub(super) async fn owners_upload(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
    form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    let (filename, bytes) = super::imports::uploaded_sheet(&p, form).await?;
    let lang = p.chrome.lang();
    let done = match import_owners(&state, &p.caller, id, &filename, &bytes, "page").await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(errors)) => {
            let lines = errors
                .iter()
                .map(|e| {
                    format!(
                        "{}（{}）“{}”：{}",
                        where_in_sheet(e),
                        e.header,
                        e.value,
                        e.expected.get(lang)
                    )
                })
                .collect();
            return residents_view(&state, p, id, lines, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(e) => Err(e),
    };
    after(&state, p, id, done, format!("/estates/{id}/residents")).await
}

pub(super) async fn consultation_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let c = &p.caller;
    c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    may_run(c)?;
    let title = f.get("title").cloned().unwrap_or_default();
    let done = c
        .data
        .open_consultation(id, &title, &c.write_ctx("page"))
        .await
        .map(|_| ())
        .map_err(ApiError::from);
    after(&state, p, id, done, format!("/estates/{id}/residents")).await
}

pub(super) async fn vote_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let c = &p.caller;
    c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    may_run(c)?;
    let field = |k: &str| {
        f.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let v = NewVote {
        matter: field("matter").and_then(|m| m.parse().ok()).unwrap_or(0),
        title: field("title").unwrap_or_default(),
        building: field("building"),
        unit: field("unit"),
        closes_at: chrono::Utc::now()
            + chrono::Duration::days(
                field("days")
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(14)
                    .max(1),
            ),
    };
    match c.data.open_vote(id, &v, &c.write_ctx("page")).await {
        Ok(vid) => Ok(Redirect::to(&format!("/votes/{vid}")).into_response()),
        Err(e) => after(&state, p, id, Err(e.into()), String::new()).await,
    }
}

pub(super) async fn answer_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Path(cid): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let c = &p.caller;
    let estate = c
        .data
        .estate_holding(Residents::Consultation, cid)
        .await?
        .id;
    may_run(c)?;
    let owner_id = f.get("owner_id").and_then(|o| o.parse().ok()).unwrap_or(0);
    let channel = f
        .get("channel")
        .and_then(|k| Channel::from_key(k))
        .unwrap_or(Channel::Door);
    let done = match answer_of(f.get("answer").map(String::as_str).unwrap_or("")) {
        Ok(answer) => c
            .data
            .record_answer(cid, owner_id, answer, channel, &c.write_ctx("page"))
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    after(
        &state,
        p,
        estate,
        done,
        format!("/estates/{estate}/residents"),
    )
    .await
}

pub(super) async fn close_consultation_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Path(cid): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let c = &p.caller;
    let estate = c
        .data
        .estate_holding(Residents::Consultation, cid)
        .await?
        .id;
    may_run(c)?;
    let done = c
        .data
        .close_consultation(cid, &c.write_ctx("page"))
        .await
        .map_err(ApiError::from);
    after(
        &state,
        p,
        estate,
        done,
        format!("/estates/{estate}/residents"),
    )
    .await
}

#[derive(Template)]
#[template(path = "codes.html")]
struct CodesPage {
    c: Chrome,
    name: String,
    /// Parts, link, QR code as SVG.
    sheets: Vec<(String, String, String)>,
}

/// Issues new codes and shows the printable sheet: one slip per owner with the parts, the
/// personal link and its QR code.
pub(super) async fn codes_submit(
    p: PageCaller,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let c = &p.caller;
    let (m, _) = c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    may_run(c)?;
    let codes = c.data.issue_codes(id, &c.write_ctx("page")).await?;
    let owners = c.data.register(id).await?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let sheets = codes
        .into_iter()
        .map(|(owner, code)| {
            let parts = owners
                .iter()
                .find(|o| o.id == owner)
                .map(|o| parts_text(&o.parts))
                .unwrap_or_default();
            let link = format!("http://{host}/my/{code}");
            let svg = qr_svg(&link);
            (parts, link, svg)
        })
        .collect();
    render(
        &CodesPage {
            name: m.name,
            sheets,
            c: p.chrome,
        },
        StatusCode::OK,
    )
}

/// A QR code of `text` as an inline SVG.
fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(q) => q
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(160, 160)
            .build(),
        Err(_) => String::new(),
    }
}

#[derive(Template)]
#[template(path = "vote.html")]
struct VotePage {
    c: Chrome,
    v: anju_store::scoped::VoteView,
    electorate: String,
    closes: String,
    runs: bool,
    errors: Vec<String>,
    owners: Vec<(i64, String)>,
}

impl VotePage {
    fn m2(&self, centi: &i64) -> String {
        anju_domain::Area::from_centi_m2(*centi).m2_text()
    }
}

async fn vote_view(
    p: PageCaller,
    id: i64,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let c = &p.caller;
    let v = c.data.vote(id).await?;
    let owners = c
        .data
        .register(v.estate_id)
        .await?
        .iter()
        .filter(|o| {
            o.parts.iter().any(|p| {
                anju_domain::residents::in_electorate(
                    v.building.as_deref(),
                    v.unit.as_deref(),
                    &p.building,
                    &p.unit,
                )
            })
        })
        .map(|o| (o.id, format!("{}（{}）", o.name, parts_text(&o.parts))))
        .collect();
    let page = VotePage {
        electorate: electorate(&p.chrome, v.building.as_deref(), v.unit.as_deref()),
        closes: v.closes_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        runs: c.account.role.runs_consultations(),
        errors,
        owners,
        v,
        c: p.chrome,
    };
    render(&page, status)
}

pub(super) async fn vote_page(p: PageCaller, Path(id): Path<i64>) -> Result<Response, ApiError> {
    vote_view(p, id, Vec::new(), StatusCode::OK).await
}

pub(super) async fn ballot_submit(
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let c = &p.caller;
    c.data.vote(id).await?;
    may_run(c)?;
    let owner_id = f.get("owner_id").and_then(|o| o.parse().ok()).unwrap_or(0);
    let ballot_no = f
        .get("ballot_no")
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty());
    let done = match choice_of(f.get("choice").map(String::as_str).unwrap_or("")) {
        Ok(choice) => c
            .data
            .enter_ballot(id, owner_id, choice, ballot_no, &c.write_ctx("page"))
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/votes/{id}")).into_response()),
        Err(e) => {
            let (why, status) = e.on_form()?;
            vote_view(p, id, why, status).await
        }
    }
}

pub(super) async fn close_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let c = &p.caller;
    c.data.vote(id).await?;
    may_run(c)?;
    let a = state.assessor_for(&c.data, &[]).await?;
    match c.data.close_vote(&a, id, &c.write_ctx("page")).await {
        Ok(_) => Ok(Redirect::to(&format!("/votes/{id}")).into_response()),
        Err(anju_store::StoreError::Conflict(m)) => {
            vote_view(p, id, vec![m], StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "my.html")]
struct MyPage {
    c: Chrome,
    code: String,
    v: anju_store::scoped::HouseholdView,
    x: anju_store::scoped::HouseholdExtras,
    estate_id: i64,
    parts: String,
    notice: Option<String>,
    errors: Vec<String>,
}

impl MyPage {
    fn yuan(&self, m: &anju_domain::quantity::Money) -> String {
        m.yuan_text()
    }

    fn say(&self, t: &anju_domain::Text) -> String {
        self.c.say(t)
    }

    fn approves(&self, mine: &Option<Vec<String>>, code: &str) -> bool {
        mine.as_ref().is_some_and(|m| m.iter().any(|c| c == code))
    }

    fn rating_label(&self, r: &anju_domain::participation::Satisfaction) -> String {
        self.c.say(&r.label())
    }

    fn replies(&self, id: &i64) -> Vec<&anju_store::scoped::PostView> {
        anju_store::scoped::PostView::replies_to(&self.x.posts, *id)
    }

    fn answer_label(&self, key: &str) -> String {
        Answer::from_key(key).map_or(key.to_string(), |a| self.c.say(&a.label()))
    }

    fn choice_label(&self, ch: &Choice) -> &'static str {
        match ch {
            Choice::Agree => self.c.t("同意", "agree"),
            Choice::Oppose => self.c.t("反对", "oppose"),
            Choice::Abstain => self.c.t("弃权", "abstain"),
        }
    }
}

/// The household of a personal code, or "not found" (a wrong code says nothing more).
pub(super) async fn household(state: &AppState, code: &str) -> Result<Household, ApiError> {
    state
        .store
        .household(code)
        .await?
        .ok_or_else(ApiError::not_found)
}

async fn my_view(
    state: &AppState,
    lang: anju_domain::Lang,
    code: String,
    notice: Option<String>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let h = household(state, &code).await?;
    let v = h.view().await?;
    let x = h.extras().await?;
    let parts = parts_text(&v.parts);
    render(
        &MyPage {
            c: crate::page::anonymous(lang),
            code,
            estate_id: h.owner.estate_id,
            v,
            x,
            parts,
            notice,
            errors,
        },
        status,
    )
}

/// A household's own page on a phone, reached from the QR code of its slip: its estate's
/// consultations and its votes, to answer and cast.
pub(super) async fn my_page(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    my_view(
        &state,
        crate::page::lang_from_headers(&headers),
        code,
        None,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

pub(super) async fn my_vote_submit(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let h = household(&state, &code).await?;
    let done = match choice_of(f.get("choice").map(String::as_str).unwrap_or("")) {
        Ok(choice) => h.cast(id, choice).await.map_err(ApiError::from),
        Err(e) => Err(e),
    };
    my_after(&state, crate::page::lang_from_headers(&headers), code, done).await
}

pub(super) async fn my_answer_submit(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let h = household(&state, &code).await?;
    let done = match answer_of(f.get("answer").map(String::as_str).unwrap_or("")) {
        Ok(a) => h.answer(id, a).await.map_err(ApiError::from),
        Err(e) => Err(e),
    };
    my_after(&state, crate::page::lang_from_headers(&headers), code, done).await
}

pub(super) async fn my_after(
    state: &AppState,
    lang: anju_domain::Lang,
    code: String,
    done: Result<(), ApiError>,
) -> Result<Response, ApiError> {
    match done {
        Ok(()) => {
            let saved = lang.pick("已提交", "Saved").to_string();
            my_view(state, lang, code, Some(saved), Vec::new(), StatusCode::OK).await
        }
        Err(e) => {
            let (why, status) = e.on_form()?;
            my_view(state, lang, code, None, why, status).await
        }
    }
}
