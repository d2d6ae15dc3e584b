//! Planning, one file per part: the reserve pool and the works catalogue in force (`pool.rs`:
//! `/planning`, `/planning/catalogue`), an estate's needs, list, estimate and priority
//! (`needs.rs`: `/estates/{id}/needs`), the annual plan with its schedule, explanations, .xlsx and
//! adoption (`plan.rs`: `/planning/plan`), bundles and their money balance (`bundles.rs`:
//! `/planning/bundles`) and life-circle gaps (`gaps.rs`: `/planning/gaps`). API: `/api/v1/pool`,
//! `/api/v1/estates/{id}/needs`, `/api/v1/plans`, `/api/v1/bundles`, `/api/v1/gaps`. What the
//! parts share — who may plan or record needs, a division query, 万元 — is here.

use crate::auth::{ApiCaller, Caller};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{parse_division, Form, Json, Path, Query};
use crate::page::{render, Chrome, PageCaller};
use crate::AppState;
use anju_domain::pool::PoolState;
use anju_domain::{DivisionCode, Lang, Money};
use anju_store::scoped::{AnnualPlan, EstatePlanning, NeedInput, PlanRequest, PoolRow};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod bundles;
mod gaps;
mod needs;
mod plan;
mod pool;
mod scenarios;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pool::pool_api))
        .routes(routes!(needs::needs_api))
        .routes(routes!(needs::put_need, needs::delete_need))
        .routes(routes!(plan::plan_api))
        .routes(routes!(bundles::bundles_api, bundles::create_bundle))
        .routes(routes!(bundles::update_bundle, bundles::delete_bundle))
        .routes(routes!(bundles::proposals_api))
        .routes(routes!(gaps::gaps_api))
        .routes(routes!(
            scenarios::scenarios_api,
            scenarios::create_scenario
        ))
        .routes(routes!(scenarios::delete_scenario))
}

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/planning", get(pool::pool_page))
        .route("/planning/catalogue", get(pool::catalogue_page))
        .route("/planning/plan", get(plan::plan_page))
        .route("/planning/plan.xlsx", get(plan::plan_xlsx))
        .route("/planning/plan/adopt", post(plan::adopt_submit))
        .route(
            "/estates/{id}/needs",
            get(needs::needs_page).post(needs::need_submit),
        )
        .route("/estates/{id}/needs/reset", post(needs::need_reset))
        .route(
            "/planning/bundles",
            get(bundles::bundles_page).post(bundles::bundle_submit),
        )
        .route(
            "/planning/bundles/{id}/delete",
            post(bundles::bundle_delete_submit),
        )
        .route("/planning/gaps", get(gaps::gaps_page))
        .route(
            "/planning/scenarios",
            get(scenarios::scenarios_page).post(scenarios::scenario_submit),
        )
        .route(
            "/planning/scenarios/{id}/delete",
            post(scenarios::scenario_delete_submit),
        )
}

pub(super) fn wan(m: Money) -> f64 {
    m.fen() as f64 / 1_000_000.0
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct DivisionQuery {
    /// Division code or prefix (default: the whole jurisdiction).
    pub division: Option<String>,
}

pub(super) fn may_plan(c: &Caller) -> Result<(), ApiError> {
    if c.account.role.plans() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有管理员和工作人员可以列入计划 / only administrators and staff adopt a plan",
        ))
    }
}

pub(super) fn may_record_needs(c: &Caller) -> Result<(), ApiError> {
    if c.account.role.records_needs() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有工作人员可以填报需求 / only staff record needs",
        ))
    }
}
