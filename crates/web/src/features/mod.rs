//! The features of the web application, one module each: its pages and its API handlers side by
//! side, and the routes it adds (`api()` documented in the OpenAPI description, `pages()` shown
//! as HTML). A new capability is a new module here, added to [`api`] and [`pages`].

use crate::AppState;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;

pub mod accounts;
pub mod assets;
pub mod dashboard;
pub mod divisions;
pub mod estates;
pub mod exports;
pub mod imports;
pub mod money;
pub mod participation;
pub mod planning;
pub mod policies;
pub mod projects;
pub mod residents;
pub mod session;
pub mod tasks;
pub mod works;

/// Every feature's API routes.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(session::api())
        .merge(dashboard::api())
        .merge(divisions::api())
        .merge(estates::api())
        .merge(accounts::api())
        .merge(policies::api())
        .merge(planning::api())
        .merge(residents::api())
        .merge(participation::api())
        .merge(projects::api())
        .merge(works::api())
        .merge(money::api())
        .merge(tasks::api())
}

/// Every feature's pages.
pub fn pages() -> Router<AppState> {
    Router::new()
        .merge(session::pages())
        .merge(dashboard::pages())
        .merge(divisions::pages())
        .merge(estates::pages())
        .merge(exports::pages())
        .merge(imports::pages())
        .merge(residents::pages())
        .merge(participation::pages())
        .merge(accounts::pages())
        .merge(policies::pages())
        .merge(planning::pages())
        .merge(projects::pages())
        .merge(tasks::pages())
        .merge(money::pages())
        .merge(assets::pages())
}
