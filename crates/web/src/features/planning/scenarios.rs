//! Plan scenarios (方案): a plan saved with its request, the list of them, and two compared —
//! which estates both take, which only one does, and what each comes to.

use super::plan::{make_plan, PlanBody, PlanForm};
#[allow(unused_imports)]
use super::*;
use anju_store::scoped::Scenario;

#[derive(Serialize, ToSchema, Clone)]
pub struct ScenarioItem {
    pub id: i64,
    pub name: String,
    pub division_code: String,
    pub year: i32,
    pub budget_yuan: i64,
    pub years: i32,
    /// The first year's plan.
    pub selected: Vec<i64>,
    pub estates: usize,
    pub households: i64,
    pub cost: i64,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    /// Estates no year of the schedule could take.
    pub unscheduled: usize,
    pub created_by: String,
    pub created_at: String,
}

fn scenario_item(s: &Scenario) -> ScenarioItem {
    let first = s.result.years.first();
    ScenarioItem {
        id: s.id,
        name: s.name.clone(),
        division_code: s.division_code.clone(),
        year: s.year,
        budget_yuan: s.budget_yuan,
        years: s.years,
        selected: first.map(|y| y.selected.clone()).unwrap_or_default(),
        estates: first.map_or(0, |y| y.selected.len()),
        households: first.map_or(0, |y| y.households),
        cost: first.map_or(0, |y| y.cost),
        objective: s.result.objective,
        bound: s.result.bound,
        gap: s.result.gap,
        unscheduled: s.result.unscheduled,
        created_by: s.created_by.clone(),
        created_at: s.created_at.clone(),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioBody {
    pub name: String,
    pub plan: PlanBody,
}

/// The saved plan scenarios of the jurisdiction, newest first.
#[utoipa::path(get, path = "/api/v1/scenarios", params(DivisionQuery), responses((status = 200, body = Vec<ScenarioItem>), (status = 404, body = ErrorBody)))]
pub(super) async fn scenarios_api(
    ApiCaller(c): ApiCaller,
    Query(q): Query<DivisionQuery>,
) -> Result<Json<Vec<ScenarioItem>>, ApiError> {
    let division = parse_division(q.division.as_deref())?;
    if division.is_some_and(|d| !c.data.covers(&d)) {
        return Err(ApiError::not_found());
    }
    let list = c.data.scenarios(division.as_ref()).await?;
    Ok(Json(list.iter().map(scenario_item).collect()))
}

async fn save(
    state: &AppState,
    c: &Caller,
    name: &str,
    body: &PlanBody,
    source: &str,
) -> Result<i64, ApiError> {
    if body.adopt {
        return Err(ApiError::invalid(
            "plan.adopt: 保存方案不列入计划 / saving a scenario adopts nothing",
        ));
    }
    let (plan, _) = make_plan(state, c, body).await?;
    may_plan(c)?;
    let ctx = c.write_ctx(source);
    Ok(c.data.save_scenario(&ctx, name, &plan).await?)
}

/// Makes the plan of the request and saves it as a scenario (audited).
#[utoipa::path(post, path = "/api/v1/scenarios", request_body = ScenarioBody,
    responses((status = 201, body = ScenarioItem), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_scenario(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(body): Json<ScenarioBody>,
) -> Result<(StatusCode, Json<ScenarioItem>), ApiError> {
    let id = save(&state, &c, &body.name, &body.plan, "api").await?;
    let s = c
        .data
        .scenarios(None)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(ApiError::not_found)?;
    Ok((StatusCode::CREATED, Json(scenario_item(&s))))
}

/// Deletes a saved scenario (audited).
#[utoipa::path(delete, path = "/api/v1/scenarios/{id}", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(super) async fn delete_scenario(
    ApiCaller(c): ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    remove(&c, id, "api").await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove(c: &Caller, id: i64, source: &str) -> Result<(), ApiError> {
    if !c.data.scenarios(None).await?.iter().any(|s| s.id == id) {
        return Err(ApiError::not_found());
    }
    may_plan(c)?;
    let ctx = c.write_ctx(source);
    c.data.delete_scenario(&ctx, id).await?;
    Ok(())
}

/// Two scenarios side by side: the estates both take, and those only one does.
struct Comparison {
    a: ScenarioItem,
    b: ScenarioItem,
    both: usize,
    only_a: Vec<(i64, String)>,
    only_b: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "scenarios.html")]
struct ScenariosPage {
    c: Chrome,
    items: Vec<ScenarioItem>,
    comparison: Option<Comparison>,
    editable: bool,
    saved: bool,
}

#[derive(Deserialize)]
pub(super) struct ScenariosQuery {
    a: Option<i64>,
    b: Option<i64>,
    saved: Option<u8>,
}

pub(super) async fn scenarios_page(
    p: PageCaller,
    Query(q): Query<ScenariosQuery>,
) -> Result<Response, ApiError> {
    let c = &p.caller;
    let items: Vec<ScenarioItem> = c
        .data
        .scenarios(None)
        .await?
        .iter()
        .map(scenario_item)
        .collect();
    let comparison = match (q.a, q.b) {
        (Some(a), Some(b)) => {
            let find = |id: i64| {
                items
                    .iter()
                    .find(|s| s.id == id)
                    .cloned()
                    .ok_or_else(ApiError::not_found)
            };
            let (a, b) = (find(a)?, find(b)?);
            let sa: std::collections::BTreeSet<i64> = a.selected.iter().copied().collect();
            let sb: std::collections::BTreeSet<i64> = b.selected.iter().copied().collect();
            let only = |x: &std::collections::BTreeSet<i64>,
                        y: &std::collections::BTreeSet<i64>| {
                x.difference(y).copied().collect::<Vec<i64>>()
            };
            let (oa, ob) = (only(&sa, &sb), only(&sb, &sa));
            let names: HashMap<i64, String> = c
                .data
                .estates_by_ids(&[oa.clone(), ob.clone()].concat())
                .await?
                .into_iter()
                .collect();
            let named = |ids: Vec<i64>| {
                ids.into_iter()
                    .map(|i| (i, names.get(&i).cloned().unwrap_or_default()))
                    .collect()
            };
            Some(Comparison {
                both: sa.intersection(&sb).count(),
                only_a: named(oa),
                only_b: named(ob),
                a,
                b,
            })
        }
        _ => None,
    };
    let t = ScenariosPage {
        items,
        comparison,
        editable: c.account.role.plans(),
        saved: q.saved.is_some(),
        c: p.chrome,
    };
    render(&t, StatusCode::OK)
}

/// The plan page's "save as a scenario".
pub(super) async fn scenario_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let form = PlanForm::from_fields(&f);
    let body = form.required_body(state.web.reference_year)?;
    let name = f.get("name").cloned().unwrap_or_default();
    save(&state, &p.caller, &name, &body, "page").await?;
    Ok(Redirect::to("/planning/scenarios?saved=1").into_response())
}

pub(super) async fn scenario_delete_submit(
    p: PageCaller,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    remove(&p.caller, id, "page").await?;
    Ok(Redirect::to("/planning/scenarios?saved=1").into_response())
}
