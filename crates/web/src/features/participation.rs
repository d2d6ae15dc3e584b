//! The residents' part beyond consultations and votes (DOMAIN §6), API and pages: menus of works
//! with approval ballots and their fair outcome, contributions against the minimum per m²,
//! satisfaction surveys, public notices, and deliberation (the board, meetings, the owners'
//! committee). Staff work on one page per estate, `/estates/{id}/participation`, whose forms
//! post to one action route; households use their own page (`/my/CODE`) or the API with
//! `Authorization: Owner CODE`; anyone reads an estate's public page, `/public/estates/{id}`.

use super::residents::{may_run, OwnerCaller};
use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Form, Json, Path, Query};
use crate::page::{render, Chrome, PageCaller};
use crate::AppState;
use anju_domain::participation::{ContributionKind, MeetingKind, NoticeKind, Satisfaction};
use anju_domain::quantity::Money;
use anju_store::scoped::{
    completion_from_key, rule_from_key, NewContribution, NewMeeting, NewMenu, Residents,
};
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(menus_api, open_menu_api))
        .routes(routes!(menu_api))
        .routes(routes!(menu_ballot_api))
        .routes(routes!(close_menu_api))
        .routes(routes!(menu_pb_api))
        .routes(routes!(contributions_api, record_contribution_api))
        .routes(routes!(surveys_api, open_survey_api))
        .routes(routes!(survey_answer_api))
        .routes(routes!(close_survey_api))
        .routes(routes!(satisfaction_api))
        .routes(routes!(notices_api, publish_notice_api))
        .routes(routes!(withdraw_notice_api))
        .routes(routes!(deliberation_api))
        .routes(routes!(staff_post_api))
        .routes(routes!(hide_post_api))
        .routes(routes!(meeting_api))
        .routes(routes!(committee_api))
        .routes(routes!(public_estate_api))
        .routes(routes!(my_extras_api))
        .routes(routes!(my_menu_api))
        .routes(routes!(my_survey_api))
        .routes(routes!(my_post_api))
        .routes(routes!(my_complaint_api))
}

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/estates/{id}/participation", get(participation_page))
        .route("/estates/{id}/participation/{action}", post(action_submit))
        .route("/menus/{id}", get(menu_page))
        .route("/menus/{id}/pb", get(menu_pb_page))
        .route("/public/estates/{id}", get(public_page))
        .route("/my/{code}/menus/{id}", post(my_menu_submit))
        .route("/my/{code}/surveys/{id}", post(my_survey_submit))
        .route("/my/{code}/posts", post(my_post_submit))
        .route("/my/{code}/complaints", post(my_complaint_submit))
}

fn value<T: serde::Serialize>(t: &T) -> Json<Value> {
    Json(serde_json::to_value(t).unwrap_or(Value::Null))
}

/// Yuan as people write them, exactly (`Money::parse_yuan`), or a 422 naming the field.
pub(super) fn money(text: &str, what: &str) -> Result<Money, ApiError> {
    Money::parse_yuan(text).ok_or_else(|| {
        ApiError::invalid(format!(
            "{what}“{text}”不是金额（元，最多两位小数）/ {what} {text:?} is not an amount of yuan with at most two decimals"
        ))
    })
}

use super::keyed;

// ------------------------------------------------------------------ the actions, typed

#[derive(Deserialize, ToSchema)]
pub struct MenuItemBody {
    /// The item's id in the menu (a catalogue code, say).
    pub code: String,
    pub name: String,
    /// Yuan, exactly: "120000" or "1,234.50".
    pub cost: String,
}

#[derive(Deserialize, ToSchema)]
pub struct MenuBody {
    pub title: String,
    /// The money available, in yuan.
    pub budget: String,
    /// greedy | mes
    pub rule: String,
    /// none | greedy | add1 (for mes)
    #[serde(default)]
    pub completion: Option<String>,
    pub items: Vec<MenuItemBody>,
}

impl MenuBody {
    fn parse(&self) -> Result<NewMenu, ApiError> {
        let mut items = Vec::new();
        for (n, it) in self.items.iter().enumerate() {
            items.push((
                it.code.clone(),
                it.name.clone(),
                money(
                    &it.cost,
                    &format!("第{}项费用 / item {} cost", n + 1, n + 1),
                )?,
            ));
        }
        Ok(NewMenu {
            title: self.title.clone(),
            budget: money(&self.budget, "可用资金 / budget")?,
            rule: keyed(rule_from_key, &self.rule, "rule", &["greedy", "mes"])?,
            completion: keyed(
                completion_from_key,
                self.completion.as_deref().unwrap_or(""),
                "completion",
                &["none", "greedy", "add1"],
            )?,
            items,
        })
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ApprovalBody {
    /// The owner (staff entering a paper ballot; ignored for an owner's own ballot).
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// The codes of the items approved.
    pub items: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct ContributionBody {
    /// The household; none for the estate's own (ceded public income).
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// money | maintenance_fund | provident_fund | public_income | labour (or the Chinese)
    pub kind: String,
    /// Yuan, exactly.
    pub amount: String,
    pub receipt_no: String,
    /// YYYY-MM-DD
    pub received_on: String,
    #[serde(default)]
    pub note: Option<String>,
}

impl ContributionBody {
    fn parse(&self) -> Result<NewContribution, ApiError> {
        Ok(NewContribution {
            owner_id: self.owner_id,
            kind: keyed(
                ContributionKind::parse,
                &self.kind,
                "kind",
                &ContributionKind::ALL
                    .iter()
                    .map(|k| k.key())
                    .collect::<Vec<_>>(),
            )?,
            amount: money(&self.amount, "金额 / amount")?,
            receipt_no: self.receipt_no.clone(),
            received_on: date(&self.received_on)?,
            note: self.note.clone(),
        })
    }
}

fn date(s: &str) -> Result<chrono::NaiveDate, ApiError> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::invalid(format!(
            "日期应为 YYYY-MM-DD，实为“{s}” / the date must be YYYY-MM-DD, got {s:?}"
        ))
    })
}

#[derive(Deserialize, ToSchema)]
pub struct TitleBody {
    pub title: String,
}

#[derive(Deserialize, ToSchema)]
pub struct RatingBody {
    /// Staff entering a paper answer name the owner.
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// satisfied | basically_satisfied | dissatisfied (or 满意/基本满意/不满意)
    pub rating: String,
    #[serde(default)]
    pub comment: Option<String>,
}

fn rating(s: &str) -> Result<Satisfaction, ApiError> {
    keyed(
        Satisfaction::parse,
        s,
        "rating",
        &["satisfied", "basically_satisfied", "dissatisfied"],
    )
}

#[derive(Deserialize, ToSchema)]
pub struct NoticeBody {
    /// scheme | design | renovation_list | budget | works_board | other
    pub kind: String,
    pub title: String,
    pub body: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ReasonBody {
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
pub struct PostBody {
    /// The proposal a comment answers; none for a new proposal.
    #[serde(default)]
    pub parent_id: Option<i64>,
    pub body: String,
}

#[derive(Deserialize, ToSchema)]
pub struct MeetingBody {
    /// council | courtyard | four_party | owners_assembly
    pub kind: String,
    pub title: String,
    /// RFC 3339, or YYYY-MM-DD HH:MM (Beijing time)
    pub held_at: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub agenda: String,
    /// Who attended, one per line.
    #[serde(default)]
    pub attendance: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub decisions: String,
    /// The owners' vote the meeting called.
    #[serde(default)]
    pub vote_id: Option<i64>,
}

impl MeetingBody {
    fn parse(&self) -> Result<NewMeeting, ApiError> {
        let t = self.held_at.trim();
        let held_at = chrono::DateTime::parse_from_rfc3339(t)
            .map(|d| d.with_timezone(&chrono::Utc))
            .or_else(|_| {
                chrono::NaiveDateTime::parse_from_str(&t.replace('T', " "), "%Y-%m-%d %H:%M")
                    .map(|d| (d - chrono::Duration::hours(8)).and_utc())
            })
            .map_err(|_| {
                ApiError::invalid(format!(
                    "会议时间应为 YYYY-MM-DD HH:MM，实为“{t}” / the meeting time must be YYYY-MM-DD HH:MM, got {t:?}"
                ))
            })?;
        Ok(NewMeeting {
            kind: keyed(
                MeetingKind::from_key,
                &self.kind,
                "kind",
                &MeetingKind::ALL.iter().map(|k| k.key()).collect::<Vec<_>>(),
            )?,
            title: self.title.clone(),
            held_at,
            place: self.place.clone(),
            agenda: self.agenda.clone(),
            attendance: self.attendance.clone(),
            minutes: self.minutes.clone(),
            decisions: self.decisions.clone(),
            vote_id: self.vote_id,
        })
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CommitteeMemberBody {
    pub name: String,
    /// 主任, 副主任, 委员 …
    #[serde(default)]
    pub duty: String,
}

#[derive(Deserialize, ToSchema)]
pub struct CommitteeBody {
    pub members: Vec<CommitteeMemberBody>,
}

/// Checks the estate is the caller's and that they run residents' matters.
async fn may_run_estate(c: &Caller, id: i64) -> Result<(), ApiError> {
    c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    may_run(c)
}

// ------------------------------------------------------------------ API: menus

/// The menus of an estate, latest first.
#[utoipa::path(get, path = "/api/v1/estates/{id}/menus", params(("id" = i64, Path)),
    responses((status = 200, description = "the menus"), (status = 404, body = ErrorBody)))]
pub(super) async fn menus_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let items = c.data.menus(id).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

/// Opens a menu of works for an estate's households to choose from.
#[utoipa::path(post, path = "/api/v1/estates/{id}/menus", params(("id" = i64, Path)), request_body = MenuBody,
    responses((status = 201, description = "the menu"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn open_menu_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<MenuBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    may_run_estate(&c, id).await?;
    let mid = c
        .data
        .open_menu(id, &body.parse()?, &c.write_ctx("api"))
        .await?;
    Ok((StatusCode::CREATED, value(&c.data.menu(mid).await?)))
}

/// A menu: its items, and once closed the funded ones with every item's reason.
#[utoipa::path(get, path = "/api/v1/menus/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "the menu"), (status = 404, body = ErrorBody)))]
pub(super) async fn menu_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(value(&c.data.menu(id).await?))
}

/// Staff enter a household's paper approval ballot (a later one replaces it while open).
#[utoipa::path(post, path = "/api/v1/menus/{id}/ballots", params(("id" = i64, Path)), request_body = ApprovalBody,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn menu_ballot_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<ApprovalBody>,
) -> Result<StatusCode, ApiError> {
    c.data.menu(id).await?;
    may_run(&c)?;
    let owner = body
        .owner_id
        .ok_or_else(|| ApiError::invalid("owner_id 缺失 / owner_id is missing"))?;
    c.data
        .enter_menu_ballots(id, &[(owner, body.items)], &c.write_ctx("api"))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Closes a menu: the rule funds items from the ballots, and the outcome is frozen.
#[utoipa::path(post, path = "/api/v1/menus/{id}/close", params(("id" = i64, Path)),
    responses((status = 200, description = "the closed menu with its outcome"), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn close_menu_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    c.data.menu(id).await?;
    may_run(&c)?;
    Ok(value(&c.data.close_menu(id, &c.write_ctx("api")).await?))
}

/// A menu as a pabulib `.pb` file (anonymised voters), for `anju menu solve` or pabutools.
#[utoipa::path(get, path = "/api/v1/menus/{id}/pb", params(("id" = i64, Path)),
    responses((status = 200, description = "the .pb file", content_type = "text/plain"), (status = 404, body = ErrorBody)))]
pub(super) async fn menu_pb_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    menu_pb(&c, id).await
}

async fn menu_pb(c: &Caller, id: i64) -> Result<Response, ApiError> {
    let (m, b) = c.data.menu_instance(id).await?;
    let selected: Vec<usize> = m
        .selected
        .unwrap_or_default()
        .iter()
        .filter_map(|code| b.menu.items.iter().position(|i| &i.id == code))
        .collect();
    let meta = [
        ("description", m.title.clone()),
        ("country", "China".to_string()),
        ("unit", format!("estate {}", m.estate_id)),
        ("rule", m.rule.clone()),
        ("currency", "CNY".to_string()),
    ];
    let voters: Vec<String> = (1..=b.menu.ballots.len()).map(|i| i.to_string()).collect();
    let text = anju_io::pabulib::write(&b.menu, &meta, &b.names, &selected, &voters);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"menu-{id}.pb\""),
            ),
        ],
        text,
    )
        .into_response())
}

// ------------------------------------------------------------------ API: contributions, surveys

/// An estate's contributions: the check against the minimum per m², sums by kind, receipts and
/// each household's share.
#[utoipa::path(get, path = "/api/v1/estates/{id}/contributions", params(("id" = i64, Path)),
    responses((status = 200, description = "the contributions"), (status = 404, body = ErrorBody)))]
pub(super) async fn contributions_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let a = state.assessor_for(&c.data, &[]).await?;
    Ok(value(&c.data.contributions(&a, id).await?))
}

/// Records one receipt of a contribution (the receipt number is unique in the estate).
#[utoipa::path(post, path = "/api/v1/estates/{id}/contributions", params(("id" = i64, Path)), request_body = ContributionBody,
    responses((status = 201, description = "the id"), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn record_contribution_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<ContributionBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    may_run_estate(&c, id).await?;
    let ids = c
        .data
        .record_contributions(id, &[body.parse()?], &c.write_ctx("api"))
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": ids[0] }))))
}

/// The satisfaction surveys of an estate with their counts, latest first.
#[utoipa::path(get, path = "/api/v1/estates/{id}/surveys", params(("id" = i64, Path)),
    responses((status = 200, description = "the surveys"), (status = 404, body = ErrorBody)))]
pub(super) async fn surveys_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let items = c.data.surveys(id).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

/// Opens a satisfaction survey of an estate (after its works).
#[utoipa::path(post, path = "/api/v1/estates/{id}/surveys", params(("id" = i64, Path)), request_body = TitleBody,
    responses((status = 201, description = "the id"), (status = 404, body = ErrorBody)))]
pub(super) async fn open_survey_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<TitleBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    may_run_estate(&c, id).await?;
    let sid = c
        .data
        .open_survey(id, &body.title, &c.write_ctx("api"))
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": sid }))))
}

/// Staff enter a household's answer (door to door, paper): once per household.
#[utoipa::path(post, path = "/api/v1/surveys/{id}/answers", params(("id" = i64, Path)), request_body = RatingBody,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn survey_answer_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<RatingBody>,
) -> Result<StatusCode, ApiError> {
    c.data.estate_holding(Residents::Survey, id).await?;
    may_run(&c)?;
    let owner = body
        .owner_id
        .ok_or_else(|| ApiError::invalid("owner_id 缺失 / owner_id is missing"))?;
    c.data
        .record_rating(
            id,
            owner,
            rating(&body.rating)?,
            body.comment.as_deref(),
            &c.write_ctx("api"),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Closes a survey.
#[utoipa::path(post, path = "/api/v1/surveys/{id}/close", params(("id" = i64, Path)),
    responses((status = 204), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn close_survey_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    c.data.estate_holding(Residents::Survey, id).await?;
    may_run(&c)?;
    c.data.close_survey(id, &c.write_ctx("api")).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct DivisionQuery {
    /// A division of the caller's scope (the whole scope when absent).
    pub division: Option<String>,
}

/// Satisfaction in a division: each estate's latest survey, by estate, by the divisions one
/// level down, and in all.
#[utoipa::path(get, path = "/api/v1/satisfaction", params(DivisionQuery),
    responses((status = 200, description = "the report"), (status = 404, body = ErrorBody)))]
pub(super) async fn satisfaction_api(
    ApiCaller(c): ApiCaller,
    Query(q): Query<DivisionQuery>,
) -> Result<Json<Value>, ApiError> {
    let d = crate::extract::parse_division(q.division.as_deref())?;
    Ok(value(&c.data.satisfaction(d.as_ref()).await?))
}

// ------------------------------------------------------------------ API: notices, deliberation

/// The notices of an estate, withdrawn ones with their reason.
#[utoipa::path(get, path = "/api/v1/estates/{id}/notices", params(("id" = i64, Path)),
    responses((status = 200, description = "the notices"), (status = 404, body = ErrorBody)))]
pub(super) async fn notices_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let items = c.data.notices(id).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

/// Publishes a notice on the estate's public page.
#[utoipa::path(post, path = "/api/v1/estates/{id}/notices", params(("id" = i64, Path)), request_body = NoticeBody,
    responses((status = 201, description = "the id"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn publish_notice_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<NoticeBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    may_run_estate(&c, id).await?;
    let kind = notice_kind(&body.kind)?;
    let nid = c
        .data
        .publish_notice(id, kind, &body.title, &body.body, &c.write_ctx("api"))
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": nid }))))
}

fn notice_kind(s: &str) -> Result<NoticeKind, ApiError> {
    keyed(
        NoticeKind::from_key,
        s,
        "kind",
        &NoticeKind::ALL.iter().map(|k| k.key()).collect::<Vec<_>>(),
    )
}

/// Withdraws a notice; the public page shows the reason in its place.
#[utoipa::path(post, path = "/api/v1/notices/{id}/withdraw", params(("id" = i64, Path)), request_body = ReasonBody,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn withdraw_notice_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<ReasonBody>,
) -> Result<StatusCode, ApiError> {
    c.data.estate_holding(Residents::Notice, id).await?;
    may_run(&c)?;
    c.data
        .withdraw_notice(id, &body.reason, &c.write_ctx("api"))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An estate's deliberation: the board (staff read hidden posts), meetings, the committee.
#[utoipa::path(get, path = "/api/v1/estates/{id}/deliberation", params(("id" = i64, Path)),
    responses((status = 200, description = "posts, meetings, committee"), (status = 404, body = ErrorBody)))]
pub(super) async fn deliberation_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(value(&c.data.deliberation(id).await?))
}

/// Staff post on an estate's board (a proposal, or with `parent_id` a comment).
#[utoipa::path(post, path = "/api/v1/estates/{id}/posts", params(("id" = i64, Path)), request_body = PostBody,
    responses((status = 201, description = "the id"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn staff_post_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<PostBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    may_run_estate(&c, id).await?;
    let pid = c
        .data
        .staff_post(id, body.parent_id, &body.body, &c.write_ctx("api"))
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": pid }))))
}

/// Hides a post (moderation), with the reason the board shows instead.
#[utoipa::path(post, path = "/api/v1/posts/{id}/hide", params(("id" = i64, Path)), request_body = ReasonBody,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn hide_post_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<ReasonBody>,
) -> Result<StatusCode, ApiError> {
    c.data.estate_holding(Residents::Post, id).await?;
    may_run(&c)?;
    c.data
        .hide_post(id, &body.reason, &c.write_ctx("api"))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a meeting: agenda, attendance, minutes, decisions and the vote it called.
#[utoipa::path(post, path = "/api/v1/estates/{id}/meetings", params(("id" = i64, Path)), request_body = MeetingBody,
    responses((status = 201, description = "the id"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn meeting_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<MeetingBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    may_run_estate(&c, id).await?;
    let mid = c
        .data
        .record_meeting(id, &body.parse()?, &c.write_ctx("api"))
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": mid }))))
}

/// Records the owners' committee elected by a passed matter-3 vote.
#[utoipa::path(post, path = "/api/v1/votes/{id}/committee", params(("id" = i64, Path)), request_body = CommitteeBody,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn committee_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<CommitteeBody>,
) -> Result<StatusCode, ApiError> {
    c.data.vote(id).await?;
    may_run(&c)?;
    let members: Vec<(String, String)> =
        body.members.into_iter().map(|m| (m.name, m.duty)).collect();
    c.data
        .record_committee(id, &members, &c.write_ctx("api"))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ------------------------------------------------------------------ API: public and owners

/// An estate's public page as data (no login): notices, closed votes and menus, the latest
/// survey, contributions against the minimum, meetings and the owners' committee.
#[utoipa::path(get, path = "/api/v1/public/estates/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "the public page"), (status = 404, body = ErrorBody)))]
pub(super) async fn public_estate_api(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(value(&public_estate(&state, id).await?))
}

async fn public_estate(
    state: &AppState,
    id: i64,
) -> Result<anju_store::scoped::PublicEstate, ApiError> {
    let a = state
        .store
        .assessor_for(state.web.policy.clone(), state.web.reference_year, &[])
        .await?;
    state
        .store
        .public_estate(&a, id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// A household's menus, surveys, contributions and its estate's board.
#[utoipa::path(get, path = "/api/v1/my", responses((status = 200, description = "the household's view"), (status = 401, body = ErrorBody)))]
pub(super) async fn my_extras_api(OwnerCaller(h): OwnerCaller) -> Result<Json<Value>, ApiError> {
    let x = h.extras().await?;
    let menus: Vec<Value> = x
        .menus
        .iter()
        .map(|(m, mine)| json!({ "menu": m, "my_items": mine }))
        .collect();
    let surveys: Vec<Value> = x
        .surveys
        .iter()
        .map(|(s, mine)| json!({ "survey": s, "my_rating": mine }))
        .collect();
    Ok(Json(json!({
        "estate_id": h.owner.estate_id,
        "menus": menus,
        "surveys": surveys,
        "contributions": x.contributions,
        "posts": x.posts,
    })))
}

/// An owner approves items of a menu of their estate (replacing their earlier approvals).
#[utoipa::path(post, path = "/api/v1/my/menus/{id}/ballot", params(("id" = i64, Path)), request_body = ApprovalBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn my_menu_api(
    OwnerCaller(h): OwnerCaller,
    Path(id): Path<i64>,
    Json(body): Json<ApprovalBody>,
) -> Result<StatusCode, ApiError> {
    h.approve(id, &body.items).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An owner rates the finished renovation (once per household).
#[utoipa::path(post, path = "/api/v1/my/surveys/{id}/answer", params(("id" = i64, Path)), request_body = RatingBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn my_survey_api(
    OwnerCaller(h): OwnerCaller,
    Path(id): Path<i64>,
    Json(body): Json<RatingBody>,
) -> Result<StatusCode, ApiError> {
    h.rate(id, rating(&body.rating)?, body.comment.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An owner posts a proposal (or a comment on one) on their estate's board.
#[utoipa::path(post, path = "/api/v1/my/posts", request_body = PostBody,
    responses((status = 201, description = "the id"), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn my_post_api(
    OwnerCaller(h): OwnerCaller,
    Json(body): Json<PostBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = h.post(body.parent_id, &body.body).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Deserialize, ToSchema)]
pub struct MyComplaintBody {
    /// What is wrong (the household's rooms are not recorded with it).
    pub summary: String,
}

/// A household complains about its estate's renovation (after the works too: a leaking pipe,
/// the lights on the stairs); staff follow it up, and the household's page shows how.
#[utoipa::path(post, path = "/api/v1/my/complaints", request_body = MyComplaintBody,
    responses((status = 201, description = "the complaint"), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn my_complaint_api(
    OwnerCaller(h): OwnerCaller,
    Json(body): Json<MyComplaintBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let c = h.complain(&body.summary).await?;
    Ok((StatusCode::CREATED, Json(json!(c))))
}

// ------------------------------------------------------------------ pages

/// A field of a form, trimmed; empty is absent.
fn field(f: &HashMap<String, String>, k: &str) -> Option<String> {
    f.get(k)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn id_field(f: &HashMap<String, String>, k: &str) -> Result<i64, ApiError> {
    field(f, k)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ApiError::invalid(format!("请选择或填写 {k} / {k} is missing")))
}

/// The items a form's checkboxes approve: `item:CODE` fields.
fn approved(f: &HashMap<String, String>) -> Vec<String> {
    let mut items: Vec<String> = f
        .keys()
        .filter_map(|k| k.strip_prefix("item:"))
        .map(str::to_string)
        .collect();
    items.sort();
    items
}

/// A menu's items as the page's text area gives them: one per line, `code;name;cost`.
fn menu_items(text: &str) -> Vec<MenuItemBody> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut cols = l.split([';', '；', '\t']).map(str::trim);
            MenuItemBody {
                code: cols.next().unwrap_or("").into(),
                name: cols.next().unwrap_or("").into(),
                cost: cols.next().unwrap_or("").into(),
            }
        })
        .collect()
}

/// One staff action of the participation page, by name; where to go after it.
async fn act(
    c: &Caller,
    id: i64,
    action: &str,
    f: &HashMap<String, String>,
) -> Result<String, ApiError> {
    let ctx = c.write_ctx("page");
    let back = format!("/estates/{id}/participation");
    let text = |k: &str| field(f, k).unwrap_or_default();
    match action {
        "menu" => {
            let body = MenuBody {
                title: text("title"),
                budget: text("budget"),
                rule: text("rule"),
                completion: field(f, "completion"),
                items: menu_items(&text("items")),
            };
            let m = c.data.open_menu(id, &body.parse()?, &ctx).await?;
            return Ok(format!("/menus/{m}"));
        }
        "menu_ballot" => {
            let m = id_field(f, "menu_id")?;
            c.data
                .enter_menu_ballots(m, &[(id_field(f, "owner_id")?, approved(f))], &ctx)
                .await?;
            return Ok(format!("/menus/{m}"));
        }
        "close_menu" => {
            let m = id_field(f, "menu_id")?;
            c.data.close_menu(m, &ctx).await?;
            return Ok(format!("/menus/{m}"));
        }
        "contribution" => {
            let body = ContributionBody {
                owner_id: field(f, "owner_id").and_then(|o| o.parse().ok()),
                kind: text("kind"),
                amount: text("amount"),
                receipt_no: text("receipt_no"),
                received_on: text("received_on"),
                note: field(f, "note"),
            };
            c.data
                .record_contributions(id, &[body.parse()?], &ctx)
                .await?;
        }
        "survey" => {
            c.data.open_survey(id, &text("title"), &ctx).await?;
        }
        "rating" => {
            c.data
                .record_rating(
                    id_field(f, "survey_id")?,
                    id_field(f, "owner_id")?,
                    rating(&text("rating"))?,
                    field(f, "comment").as_deref(),
                    &ctx,
                )
                .await?;
        }
        "close_survey" => c.data.close_survey(id_field(f, "survey_id")?, &ctx).await?,
        "notice" => {
            let kind = notice_kind(&text("kind"))?;
            c.data
                .publish_notice(id, kind, &text("title"), &text("body"), &ctx)
                .await?;
        }
        "withdraw" => {
            c.data
                .withdraw_notice(id_field(f, "notice_id")?, &text("reason"), &ctx)
                .await?
        }
        "post" => {
            let parent = field(f, "parent_id").and_then(|p| p.parse().ok());
            c.data.staff_post(id, parent, &text("body"), &ctx).await?;
        }
        "hide" => {
            c.data
                .hide_post(id_field(f, "post_id")?, &text("reason"), &ctx)
                .await?
        }
        "meeting" => {
            let body = MeetingBody {
                kind: text("kind"),
                title: text("title"),
                held_at: text("held_at"),
                place: text("place"),
                agenda: text("agenda"),
                attendance: text("attendance"),
                minutes: text("minutes"),
                decisions: text("decisions"),
                vote_id: field(f, "vote_id").and_then(|v| v.parse().ok()),
            };
            c.data.record_meeting(id, &body.parse()?, &ctx).await?;
        }
        "committee" => {
            // One member per line: "name" or "duty：name".
            let members: Vec<(String, String)> = text("members")
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| match l.split_once([':', '：']) {
                    Some((d, n)) => (n.to_string(), d.to_string()),
                    None => (l.to_string(), String::new()),
                })
                .collect();
            c.data
                .record_committee(id_field(f, "vote_id")?, &members, &ctx)
                .await?;
        }
        _ => return Err(ApiError::not_found()),
    }
    Ok(back)
}

/// Every staff form of the participation page posts here.
pub(super) async fn action_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    may_run_estate(&p.caller, id).await?;
    match act(&p.caller, id, &action, &f).await {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(e) => {
            let (why, status) = e.on_form()?;
            participation_view(&state, p, id, why, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "participation.html")]
struct ParticipationPage {
    c: Chrome,
    id: i64,
    name: String,
    runs: bool,
    errors: Vec<String>,
    contributions: anju_store::scoped::ContributionsView,
    menus: Vec<anju_store::scoped::MenuView>,
    surveys: Vec<anju_store::scoped::SurveyView>,
    notices: Vec<anju_store::scoped::NoticeView>,
    deliberation: anju_store::scoped::DeliberationView,
    /// (owner id, rooms) of the households, for the forms.
    households: Vec<(i64, String)>,
    /// (vote id, title, matter, passed) of the estate's votes.
    votes: Vec<(i64, String, u32, bool)>,
    contribution_kinds: Vec<(&'static str, String)>,
    notice_kinds: Vec<(&'static str, String)>,
    meeting_kinds: Vec<(&'static str, String)>,
}

impl ParticipationPage {
    /// The comments on a proposal.
    fn replies(&self, id: &i64) -> Vec<&anju_store::scoped::PostView> {
        anju_store::scoped::PostView::replies_to(&self.deliberation.posts, *id)
    }
    fn yuan(&self, m: &Money) -> String {
        m.yuan_text()
    }
    fn pct(&self, p: &Option<f64>) -> String {
        p.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into())
    }
    fn label(&self, t: impl std::borrow::Borrow<anju_domain::Text>) -> String {
        self.c.say(t.borrow())
    }
}

async fn participation_view(
    state: &AppState,
    p: PageCaller,
    id: i64,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let c = &p.caller;
    let (m, _) = c.data.estate(id).await?.ok_or_else(ApiError::not_found)?;
    let a = state.assessor_for(&c.data, &[]).await?;
    let contributions = c.data.contributions(&a, id).await?;
    let ch = &p.chrome;
    let kinds = |all: Vec<(&'static str, anju_domain::Text)>| -> Vec<(&'static str, String)> {
        all.into_iter().map(|(k, t)| (k, ch.say(&t))).collect()
    };
    let page = ParticipationPage {
        id,
        name: m.name,
        runs: c.account.role.runs_consultations(),
        errors,
        households: contributions
            .households
            .iter()
            .map(|h| (h.owner_id, h.household.clone()))
            .collect(),
        contributions,
        menus: c.data.menus(id).await?,
        surveys: c.data.surveys(id).await?,
        notices: c.data.notices(id).await?,
        deliberation: c.data.deliberation(id).await?,
        votes: c
            .data
            .votes(id)
            .await?
            .into_iter()
            .map(|v| (v.id, v.title, v.matter, v.result.is_some_and(|t| t.passed)))
            .collect(),
        contribution_kinds: kinds(
            ContributionKind::ALL
                .iter()
                .map(|k| (k.key(), k.label()))
                .collect(),
        ),
        notice_kinds: kinds(
            NoticeKind::ALL
                .iter()
                .map(|k| (k.key(), k.label()))
                .collect(),
        ),
        meeting_kinds: kinds(
            MeetingKind::ALL
                .iter()
                .map(|k| (k.key(), k.label()))
                .collect(),
        ),
        c: p.chrome,
    };
    render(&page, status)
}

pub(super) async fn participation_page(
    State(state): State<AppState>,
    p: PageCaller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    participation_view(&state, p, id, Vec::new(), StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "menu.html")]
struct MenuPage {
    c: Chrome,
    m: anju_store::scoped::MenuView,
    estate: String,
    runs: bool,
    households: Vec<(i64, String)>,
}

impl MenuPage {
    fn yuan(&self, m: &Money) -> String {
        m.yuan_text()
    }
    fn rule_text(&self) -> String {
        let rule = match self.m.rule.as_str() {
            "mes" => self.c.t(
                "平等份额法（每户平分可用资金，各项由支持它的住户分摊）",
                "Method of Equal Shares (each household holds an equal share of the money; an item is paid by those who chose it)",
            ),
            _ => self.c.t(
                "按认可票数从高到低，放得下的入选",
                "greedy: by approvals, highest first, what still fits",
            ),
        };
        let completion = match self.m.completion.as_str() {
            "greedy" => self.c.t("；余款按票数补足", "; the rest by approvals"),
            "add1" => self
                .c
                .t("；余款逐步加额再分", "; the rest by raising the shares"),
            _ => "",
        };
        format!("{rule}{completion}")
    }
}

pub(super) async fn menu_page(p: PageCaller, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let c = &p.caller;
    let m = c.data.menu(id).await?;
    let (e, _) = c
        .data
        .estate(m.estate_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let households = c.data.households(m.estate_id).await?;
    render(
        &MenuPage {
            runs: c.account.role.runs_consultations(),
            m,
            estate: e.name,
            households,
            c: p.chrome,
        },
        StatusCode::OK,
    )
}

pub(super) async fn menu_pb_page(p: PageCaller, Path(id): Path<i64>) -> Result<Response, ApiError> {
    menu_pb(&p.caller, id).await
}

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    c: Chrome,
    e: anju_store::scoped::PublicEstate,
}

impl PublicPage {
    fn m2(&self, centi_m2: &i64) -> String {
        anju_domain::Area::from_centi_m2(*centi_m2).m2_text()
    }
    fn yuan(&self, m: &Money) -> String {
        m.yuan_text()
    }
    fn label(&self, t: impl std::borrow::Borrow<anju_domain::Text>) -> String {
        self.c.say(t.borrow())
    }
    fn pct(&self, p: &Option<f64>) -> String {
        p.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into())
    }
}

/// An estate's public page (no login), mobile-first and printable.
pub(super) async fn public_page(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let e = public_estate(&state, id).await?;
    render(
        &PublicPage {
            c: crate::page::anonymous(crate::page::lang_from_headers(&headers)),
            e,
        },
        StatusCode::OK,
    )
}

pub(super) async fn my_menu_submit(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let h = super::residents::household(&state, &code).await?;
    let done = h.approve(id, &approved(&f)).await.map_err(ApiError::from);
    super::residents::my_after(&state, crate::page::lang_from_headers(&headers), code, done).await
}

pub(super) async fn my_survey_submit(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let h = super::residents::household(&state, &code).await?;
    let done = match rating(f.get("rating").map(String::as_str).unwrap_or("")) {
        Ok(r) => h
            .rate(id, r, field(&f, "comment").as_deref())
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    super::residents::my_after(&state, crate::page::lang_from_headers(&headers), code, done).await
}

pub(super) async fn my_complaint_submit(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let h = super::residents::household(&state, &code).await?;
    let summary = f.get("summary").cloned().unwrap_or_default();
    let done = h
        .complain(&summary)
        .await
        .map(|_| ())
        .map_err(ApiError::from);
    super::residents::my_after(&state, crate::page::lang_from_headers(&headers), code, done).await
}

pub(super) async fn my_post_submit(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let h = super::residents::household(&state, &code).await?;
    let parent = field(&f, "parent_id").and_then(|p| p.parse().ok());
    let body = f.get("body").cloned().unwrap_or_default();
    let done = h
        .post(parent, &body)
        .await
        .map(|_| ())
        .map_err(ApiError::from);
    super::residents::my_after(&state, crate::page::lang_from_headers(&headers), code, done).await
}
