//! The works' records through the API (DOMAIN §8–9): monthly progress, documents and photos
//! (kept by version with their SHA-256), inspections with their findings and rectification, the
//! closed-water test and the joint acceptance, and complaints after hand-over.

use super::projects::may_run;
use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::AppState;
use anju_domain::responsibility::ComplaintStatus;
use anju_domain::works::{DocumentKind, ItemProgress};
use anju_store::scoped::{InspectionInput, ProgressInput};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(progress_api, report_progress_api))
        .routes(routes!(documents_api, upload_document_api))
        .routes(routes!(document_api))
        .routes(routes!(inspections_api, record_inspection_api))
        .routes(routes!(findings_api))
        .routes(routes!(close_finding_api))
        .routes(routes!(complaints_api, record_complaint_api))
        .routes(routes!(follow_complaint_api))
}

/// Inspections are recorded by those who run projects and by the departments that supervise
/// them (DOMAIN §2).
pub(super) fn may_inspect(c: &Caller) -> Result<(), ApiError> {
    if c.account.role.inspects() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有实施主体、责任单位和规划工作人员可以记录检查 / only implementing entities, departments and planning staff record inspections",
        ))
    }
}

/// Complaints are followed by the staff who run projects and the street and neighbourhood
/// staff.
pub(super) fn may_follow_complaints(c: &Caller) -> Result<(), ApiError> {
    if c.account.role.follows_complaints() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有实施主体和街道社区、规划工作人员可以处理投诉 / only implementing entities, street and planning staff follow complaints",
        ))
    }
}

pub(super) fn date(text: &str, what: &str) -> Result<chrono::NaiveDate, ApiError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        ApiError::invalid(format!(
            "{what}应为 YYYY-MM-DD，实为“{text}” / {what} must be YYYY-MM-DD, got {text:?}"
        ))
    })
}

/// `on` of a query, today in China when absent.
pub(super) fn on_or_today(on: Option<&str>) -> Result<chrono::NaiveDate, ApiError> {
    match on.filter(|s| !s.is_empty()) {
        Some(d) => date(d, "on"),
        None => Ok(anju_store::scoped::today_in_china()),
    }
}

/// A project's monthly reports, oldest first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/progress", params(("id" = i64, Path)),
    responses((status = 200, description = "the reports"), (status = 404, body = ErrorBody)))]
pub(super) async fn progress_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let items = c.data.progress_reports(id).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressBody {
    /// YYYY-MM
    pub month: String,
    /// The overall physical progress in per cent; the items' mean when absent.
    #[serde(default)]
    pub progress_pct: Option<u32>,
    /// The investment completed to date, yuan: "1200000" or "1,234.56".
    pub invested: String,
    /// Each item's physical progress: `[{"item":"roof","pct":80}]`.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<ItemProgress>,
    #[serde(default)]
    pub note: String,
}

/// Records a project's monthly report (a second report of a month replaces the first,
/// audited); the project's progress becomes its latest month's.
#[utoipa::path(post, path = "/api/v1/projects/{id}/progress", params(("id" = i64, Path)), request_body = ProgressBody,
    responses((status = 201, description = "the report"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn report_progress_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<ProgressBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    c.data.project_seen(id).await?;
    may_run(&c)?;
    let input = ProgressInput {
        month: body.month.trim().to_string(),
        progress_pct: body.progress_pct,
        invested: super::participation::money(&body.invested, "完成投资 / invested")?,
        items: body.items,
        note: body.note,
    };
    let r = c
        .data
        .report_progress(id, &input, &c.write_ctx("api"))
        .await?;
    Ok((StatusCode::CREATED, Json(json!(r))))
}

/// A project's documents and photos, every version, newest first (without their bytes).
#[utoipa::path(get, path = "/api/v1/projects/{id}/documents", params(("id" = i64, Path)),
    responses((status = 200, description = "the documents"), (status = 404, body = ErrorBody)))]
pub(super) async fn documents_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let items = c.data.documents(id).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

/// The fields of a document upload: `file`, `kind`, `caption`.
pub(super) async fn document_form(
    mut form: axum::extract::Multipart,
) -> Result<(Option<String>, DocumentKind, String, String, Vec<u8>), ApiError> {
    let (mut csrf, mut kind, mut caption, mut file) = (None, None, String::new(), None);
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(ApiError::bad_request(e.to_string())),
        };
        match field.name() {
            Some("csrf") => csrf = field.text().await.ok(),
            Some("kind") => kind = field.text().await.ok(),
            Some("caption") => caption = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) => return Err(ApiError::bad_request(e.to_string())),
                }
            }
            _ => {}
        }
    }
    let kind_text = kind.unwrap_or_else(|| "other".into());
    let kind = super::one_of(DocumentKind::ALL, DocumentKind::key, &kind_text, "kind")?;
    let (name, bytes) = file.ok_or_else(|| ApiError::invalid("缺少文件 / no file"))?;
    Ok((csrf, kind, caption, name, bytes))
}

/// Keeps a document or photo (multipart: `file`, `kind` photo | drawing | estimate | contract |
/// approval | inspection | acceptance | other, `caption`). Its type is read from its bytes
/// (JPEG, PNG, PDF, .docx, .xlsx; a photo must be an image), its size is checked against the
/// policy's `[documents] max_mb`, and a file of a name already kept becomes its next version.
#[utoipa::path(post, path = "/api/v1/projects/{id}/documents", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", description = "file, kind, caption"),
    responses((status = 201, description = "the document"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn upload_document_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    form: axum::extract::Multipart,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    c.data.project_seen(id).await?;
    may_inspect(&c)?;
    let (_, kind, caption, name, bytes) = document_form(form).await?;
    let a = state.assessor_for(&c.data, &[]).await?;
    let d = c
        .data
        .add_document(id, kind, &name, &caption, &bytes, &a, &c.write_ctx("api"))
        .await?;
    Ok((StatusCode::CREATED, Json(json!(d))))
}

/// One document's bytes, with its type and its SHA-256 as the ETag.
#[utoipa::path(get, path = "/api/v1/documents/{id}", params(("id" = i64, Path)),
    responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)))]
pub(super) async fn document_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    document_response(&c, id).await
}

pub(super) async fn document_response(c: &Caller, id: i64) -> Result<Response, ApiError> {
    let (m, bytes) = c.data.document(id).await?;
    let disposition = format!("inline; filename*=UTF-8''{}", utf8_percent(&m.filename));
    Ok((
        [
            (header::CONTENT_TYPE, m.content_type.clone()),
            (header::ETAG, format!("\"{}\"", m.sha256)),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

/// RFC 5987 encoding of a file name.
fn utf8_percent(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Deserialize, IntoParams)]
pub struct OnQuery {
    /// The day the findings' states are judged on, YYYY-MM-DD (today in China when absent).
    pub on: Option<String>,
}

/// A project's inspections with their findings, oldest first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/inspections", params(("id" = i64, Path), OnQuery),
    responses((status = 200, description = "the inspections"), (status = 404, body = ErrorBody)))]
pub(super) async fn inspections_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Query(q): Query<OnQuery>,
) -> Result<Json<Value>, ApiError> {
    let on = on_or_today(q.on.as_deref())?;
    let items = c.data.inspections(id, on).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

/// Records an inspection: `{"kind": "supervision" | "quality" | "safety" | "closed_water_test" |
/// "joint_acceptance", "date", "inspector", "passed", "participants": [{"role","unit","name"}],
/// "note", "findings": [{"description","severity": "minor" | "major" | "critical",
/// "rectify_by"}]}`. The test and the acceptance need `passed`; the acceptance its participants
/// (the residents' representatives among them, role `residents`, for the gate to pass).
#[utoipa::path(post, path = "/api/v1/projects/{id}/inspections", params(("id" = i64, Path)),
    request_body(content = Value, description = "the inspection"),
    responses((status = 201, description = "the inspection"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn record_inspection_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    c.data.project_seen(id).await?;
    may_inspect(&c)?;
    let input: InspectionInput = serde_json::from_value(body)
        .map_err(|e| ApiError::invalid(format!("检查记录有误 / invalid inspection: {e}")))?;
    let i = c
        .data
        .record_inspection(id, &input, &c.write_ctx("api"))
        .await?;
    Ok((StatusCode::CREATED, Json(json!(i))))
}

/// The jurisdiction's findings not yet rectified, overdue first, judged on `on`.
#[utoipa::path(get, path = "/api/v1/findings", params(OnQuery),
    responses((status = 200, description = "the open findings")))]
pub(super) async fn findings_api(
    ApiCaller(c): ApiCaller,
    Query(q): Query<OnQuery>,
) -> Result<Json<Value>, ApiError> {
    let on = on_or_today(q.on.as_deref())?;
    let items = c.data.open_findings(on).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

#[derive(Deserialize, ToSchema)]
pub struct CloseFindingBody {
    /// When it was rectified, YYYY-MM-DD (today when absent).
    #[serde(default)]
    pub on: Option<String>,
    /// What was done.
    pub closure: String,
}

/// Closes a finding: rectified, with what was done (audited; twice is 409).
#[utoipa::path(post, path = "/api/v1/findings/{id}/close", params(("id" = i64, Path)), request_body = CloseFindingBody,
    responses((status = 200, description = "the finding"), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn close_finding_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<CloseFindingBody>,
) -> Result<Json<Value>, ApiError> {
    let on = on_or_today(body.on.as_deref())?;
    c.data.finding(id, on).await?;
    may_inspect(&c)?;
    Ok(Json(json!(
        c.data
            .close_finding(id, on, &body.closure, &c.write_ctx("api"))
            .await?
    )))
}

/// A project's complaints and their follow-up, newest first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/complaints", params(("id" = i64, Path)),
    responses((status = 200, description = "the complaints"), (status = 404, body = ErrorBody)))]
pub(super) async fn complaints_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let items = c.data.complaints(id).await?;
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

#[derive(Deserialize, ToSchema)]
pub struct ComplaintBody {
    /// YYYY-MM-DD (today when absent).
    #[serde(default)]
    pub received_on: Option<String>,
    /// How it came: 12345热线, 来访, 网上 …
    #[serde(default)]
    pub channel: String,
    /// What it is about (no names or phone numbers: the follow-up is the office's).
    pub summary: String,
}

/// Records a complaint about a project's estates.
#[utoipa::path(post, path = "/api/v1/projects/{id}/complaints", params(("id" = i64, Path)), request_body = ComplaintBody,
    responses((status = 201, description = "the complaint"), (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn record_complaint_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<ComplaintBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    c.data.project_seen(id).await?;
    may_follow_complaints(&c)?;
    let on = on_or_today(body.received_on.as_deref())?;
    let v = c
        .data
        .record_complaint(id, on, &body.channel, &body.summary, &c.write_ctx("api"))
        .await?;
    Ok((StatusCode::CREATED, Json(json!(v))))
}

#[derive(Deserialize, ToSchema)]
pub struct ComplaintStepBody {
    /// YYYY-MM-DD (today when absent).
    #[serde(default)]
    pub on: Option<String>,
    pub text: String,
    /// open | in_progress | resolved
    pub status: String,
}

/// Adds a step to a complaint's follow-up (audited); a resolved complaint takes no more.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/steps", params(("id" = i64, Path)), request_body = ComplaintStepBody,
    responses((status = 200, description = "the complaint"), (status = 409, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn follow_complaint_api(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
    Json(body): Json<ComplaintStepBody>,
) -> Result<Json<Value>, ApiError> {
    c.data.complaint(id).await?;
    let on = on_or_today(body.on.as_deref())?;
    let status = super::one_of(
        ComplaintStatus::ALL,
        ComplaintStatus::key,
        &body.status,
        "status",
    )?;
    may_follow_complaints(&c)?;
    Ok(Json(json!(
        c.data
            .follow_complaint(id, on, &body.text, status, &c.write_ctx("api"))
            .await?
    )))
}
