//! The API's description at `/api/openapi.json`, built from the routes the features register
//! (utoipa-axum): a route cannot be served without being described.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(info(
    title = "anju 安居 API",
    description = "城镇老旧小区改造信息系统 / renovating old urban residential estates"
))]
pub struct ApiDoc;
