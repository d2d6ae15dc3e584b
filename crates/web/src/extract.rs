//! axum's extractors with our errors: a malformed body, query or path gets the same
//! `{"code","message"}` as every other API error (axum's own rejections are plain text); on a
//! page it shows as an error page (see [`crate::error::error_pages`]).

use crate::error::ApiError;
use anju_domain::DivisionCode;
use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// A JSON body.
pub struct Json<T>(pub T);

/// A query string.
pub struct Query<T>(pub T);

/// Path parameters.
pub struct Path<T>(pub T);

/// A urlencoded form (pages).
pub struct Form<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let (code, what) = match r {
            JsonRejection::JsonDataError(_) => (
                "invalid",
                "请求体的字段不符合要求 / the body's fields are not as expected",
            ),
            JsonRejection::MissingJsonContentType(_) => (
                "unsupported_media_type",
                "请求体应为JSON（Content-Type: application/json）/ the body must be JSON (Content-Type: application/json)",
            ),
            _ => ("bad_request", "请求体不是有效的JSON / the body is not valid JSON"),
        };
        ApiError::new(r.status(), code, format!("{what}: {}", r.body_text()))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("查询参数有误 / invalid query parameters: {}", r.body_text()),
        )
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        // `/estates/abc` names nothing that exists.
        ApiError::not_found()
    }
}

impl From<FormRejection> for ApiError {
    fn from(r: FormRejection) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            format!("表单有误 / invalid form: {}", r.body_text()),
        )
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(v) = axum::Json::<T>::from_request(req, state).await?;
        Ok(Json(v))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Form(v) = axum::Form::<T>::from_request(req, state)
            .await
            .map_err(ApiError::from)?;
        Ok(Form(v))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(v) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Query(v))
    }
}

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(v) =
            axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(Path(v))
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// A division code given as a query parameter (`34`, `3401`, `340104001001`), if any.
pub fn parse_division(s: Option<&str>) -> Result<Option<DivisionCode>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => DivisionCode::parse_short(s)
            .map(Some)
            .map_err(|e| ApiError::invalid(e.to_string())),
    }
}
