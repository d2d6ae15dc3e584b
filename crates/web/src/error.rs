//! One error type for every route: JSON with a stable code and a message for the API, an HTML
//! page in the user's language for the pages (see [`error_pages`]); internals logged and hidden.
//!
//! What a person did wrong is never a 500: invalid input is 422, a conflict with what is stored
//! (a name taken, a concurrent edit) 409, anything outside the caller's scope 404.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Option<serde_json::Value>,
    /// Every failed gate of a refused step (`gate_failed`).
    pub reasons: Option<serde_json::Value>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable machine-readable code (e.g. `not_found`, `unauthorized`, `invalid`).
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
    /// Every failed gate of a refused step, each `{"gate","reason","reason_en"}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasons: Option<serde_json::Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: None,
            reasons: None,
        }
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "请先登录 / log in first",
        )
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "未找到 / not found")
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "CSRF令牌缺失或无效 / missing or invalid CSRF token",
        )
    }
    /// Input that was read but is not acceptable (a division code that does not parse, an
    /// unknown sort key): 422.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    }
    /// A request that could not be read at all (broken JSON, a broken upload): 400.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
    /// A step of a project refused by its gates: 409 `gate_failed` with every failed gate.
    pub fn gates_failed(failed: &[anju_domain::project::GateFailure]) -> Self {
        let mut e = Self::new(
            StatusCode::CONFLICT,
            "gate_failed",
            format!(
                "{} / {}",
                failed
                    .iter()
                    .map(|g| g.reason.zh.as_str())
                    .collect::<Vec<_>>()
                    .join("；"),
                failed
                    .iter()
                    .map(|g| g.reason.en.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
        e.reasons = Some(serde_json::Value::Array(
            failed
                .iter()
                .map(|g| {
                    serde_json::json!({
                        "gate": g.gate.key(),
                        "reason": g.reason.zh,
                        "reason_en": g.reason.en,
                    })
                })
                .collect(),
        ));
        e
    }
    /// What a page's form shows of an error: input refused (422) or in conflict (409) is shown
    /// on the form again, with its reason and status; anything else stays an error.
    pub fn on_form(self) -> Result<(Vec<String>, StatusCode), ApiError> {
        if matches!(
            self.status,
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
        ) {
            Ok((vec![self.message], self.status))
        } else {
            Err(self)
        }
    }
    /// Input refused by rules, each with its reason: 422 `refused` with `reasons`.
    pub fn refused(reasons: &[anju_domain::Text]) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "refused",
            format!(
                "{} / {}",
                reasons
                    .iter()
                    .map(|r| r.zh.as_str())
                    .collect::<Vec<_>>()
                    .join("；"),
                reasons
                    .iter()
                    .map(|r| r.en.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
        e.reasons = Some(serde_json::Value::Array(
            reasons
                .iter()
                .map(|r| serde_json::json!({ "reason": r.zh, "reason_en": r.en }))
                .collect(),
        ));
        e
    }
    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {e}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "内部错误 / internal error",
        )
    }
}

impl From<anju_store::StoreError> for ApiError {
    fn from(e: anju_store::StoreError) -> Self {
        match e {
            anju_store::StoreError::NotFound(_) => ApiError::not_found(),
            anju_store::StoreError::Invalid(m) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", m)
            }
            anju_store::StoreError::Forbidden(m) => ApiError::forbidden(m),
            anju_store::StoreError::Conflict(m) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", m)
            }
            other => ApiError::internal(other),
        }
    }
}

/// What an error response was, kept on the response so that [`error_pages`] can show it as a
/// page.
#[derive(Clone, Debug)]
struct Shown {
    code: &'static str,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let shown = Shown {
            code: self.code,
            message: self.message.clone(),
        };
        let body = ErrorBody {
            code: self.code.to_string(),
            message: self.message,
            details: self.details,
            reasons: self.reasons,
        };
        let mut resp = (self.status, Json(body)).into_response();
        resp.extensions_mut().insert(shown);
        resp
    }
}

/// The error page.
#[derive(askama::Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: crate::page::Chrome,
    status: u16,
    code: &'static str,
    title: &'static str,
    message: String,
    back: String,
}

/// The half of a bilingual message (`中文 / English`) in the reader's language.
fn in_language(message: &str, en: bool) -> String {
    match message.split_once(" / ") {
        Some((zh, en_text)) => if en { en_text } else { zh }.to_string(),
        None => message.to_string(),
    }
}

/// Middleware of the pages: an error response of a page handler (or of an extractor) becomes an
/// HTML page in the user's language, with the same status; the handlers just use `?`.
pub async fn error_pages(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let en = crate::page::lang_from_headers(req.headers()) == anju_domain::Lang::En;
    let back = crate::page::back_path(req.headers());
    let resp = next.run(req).await;
    let Some(shown) = resp.extensions().get::<Shown>().cloned() else {
        return resp;
    };
    let status = resp.status();
    let title = match status {
        StatusCode::NOT_FOUND => ("未找到", "Not found"),
        StatusCode::CONFLICT => ("与已有数据冲突", "Conflict"),
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => ("输入有误", "Invalid input"),
        StatusCode::FORBIDDEN => ("无权操作", "Not allowed"),
        StatusCode::UNAUTHORIZED => ("请先登录", "Please log in"),
        StatusCode::TOO_MANY_REQUESTS => ("请稍后再试", "Try again later"),
        _ => ("出错了", "Something went wrong"),
    };
    let message = if status == StatusCode::NOT_FOUND {
        "未找到，或不在您的管辖范围内。 / Not found, or outside your jurisdiction.".to_string()
    } else {
        shown.message
    };
    let page = ErrorPage {
        c: crate::page::anonymous(if en {
            anju_domain::Lang::En
        } else {
            anju_domain::Lang::Zh
        }),
        status: status.as_u16(),
        code: shown.code,
        title: if en { title.1 } else { title.0 },
        message: in_language(&message, en),
        back,
    };
    match askama::Template::render(&page) {
        Ok(html) => {
            let mut out = (status, axum::response::Html(html)).into_response();
            // Headers the handler set (a cookie, say) stay.
            for (k, v) in resp.headers() {
                if k != axum::http::header::CONTENT_TYPE && k != axum::http::header::CONTENT_LENGTH
                {
                    out.headers_mut().insert(k.clone(), v.clone());
                }
            }
            out
        }
        Err(e) => {
            tracing::error!("error page: {e}");
            resp
        }
    }
}
