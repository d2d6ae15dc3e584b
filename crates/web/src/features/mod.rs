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

/// A value given by its key, or a 422 naming the field and every key it takes.
pub(crate) fn keyed<T>(
    parse: impl Fn(&str) -> Option<T>,
    text: &str,
    what: &str,
    keys: &[&str],
) -> Result<T, crate::error::ApiError> {
    parse(text).ok_or_else(|| {
        crate::error::ApiError::invalid(format!(
            "{what}应为 {} 之一，实为“{text}” / {what} must be one of {}, got {text:?}",
            keys.join("、"),
            keys.join(", ")
        ))
    })
}

/// One of a keyed enum's values by its key (`ALL` and `key` of the enum), as [`keyed`].
pub(crate) fn one_of<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    text: &str,
    what: &str,
) -> Result<T, crate::error::ApiError> {
    let keys: Vec<&str> = all.iter().map(|v| key(*v)).collect();
    keyed(
        |t| all.iter().copied().find(|v| key(*v) == t.trim()),
        text,
        what,
        &keys,
    )
}

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
