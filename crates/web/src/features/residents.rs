//! Residents (DOMAIN §6) through the API: an estate's owner register (masked outside its
//! neighbourhood), personal codes for the printable QR sheet, consultations and their rate,
//! owners' votes — opened, paper ballots entered and closed by staff, cast online by owners with
//! their personal code (`Authorization: Owner CODE`) — and a closed vote's anonymised ballots,
//! public for anyone to recount.

use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path};
use crate::AppState;
use anju_domain::residents::{Answer, Channel};
use anju_domain::vote::Choice;
use anju_store::scoped::{Household, NewVote};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(owners_api))
        .routes(routes!(issue_codes_api))
        .routes(routes!(consultations_api, open_consultation_api))
        .routes(routes!(consultation_api))
        .routes(routes!(answer_api))
        .routes(routes!(votes_api, open_vote_api))
        .routes(routes!(vote_api))
        .routes(routes!(paper_ballot_api))
        .routes(routes!(close_vote_api))
        .routes(routes!(published_api))
        .routes(routes!(my_ballot_api))
        .routes(routes!(my_answer_api))
}

fn may_run(c: &Caller) -> Result<(), ApiError> {
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
    let a = state.assessor(&c.data).await?;
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
    let a = state.assessor(&c.data).await?;
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
    let a = state.assessor(&c.data).await?;
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
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<AnswerBody>,
) -> Result<StatusCode, ApiError> {
    let a = state.assessor(&c.data).await?;
    c.data.consultation(&a, id).await?;
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
    let a = state.assessor(&c.data).await?;
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
