//! The annual plan and its schedule: page, API, the .xlsx and adoption.

#[allow(unused_imports)]
use super::*;

#[derive(Deserialize, ToSchema, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    pub year: i32,
    /// The budget of each year, in whole yuan.
    pub budget: i64,
    /// Schedule over this many years (default 1: the annual plan).
    pub years: Option<usize>,
    /// Plan this division of the jurisdiction only.
    pub division: Option<String>,
    /// Estates that must be in.
    #[serde(default)]
    pub commit: Vec<i64>,
    /// Estates that must stay out.
    #[serde(default)]
    pub exclude: Vec<i64>,
    /// Counties' limits by county code (6 or 12 digits), in whole yuan.
    #[serde(default)]
    pub caps: BTreeMap<String, CapBody>,
    /// Put the first year's estates into the plan (planned; audited).
    #[serde(default)]
    pub adopt: bool,
}

#[derive(Deserialize, ToSchema, Default, Clone, Copy)]
#[serde(deny_unknown_fields)]
pub struct CapBody {
    pub max_cost: Option<i64>,
    pub min_cost: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct WhyItem {
    pub id: String,
    pub selected: bool,
    pub why: String,
}

#[derive(Serialize, ToSchema)]
pub struct YearPlan {
    pub year: i32,
    pub selected: Vec<String>,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub cost: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PlanResult {
    pub year: i32,
    pub candidates: usize,
    /// The first year's plan: the estate ids chosen, the objective, its upper bound, the gap and
    /// the cost in whole yuan.
    pub selected: Vec<String>,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub cost: i64,
    /// Every year of a schedule.
    pub years: Vec<YearPlan>,
    pub unscheduled: Vec<String>,
    pub unscheduled_cost: i64,
    /// Every candidate of the first year, in or out, and why.
    pub why: Vec<WhyItem>,
}

/// The one making of a plan, for the pages, the API and the sheet.
pub(super) async fn make_plan(
    state: &AppState,
    c: &Caller,
    body: &PlanBody,
) -> Result<(AnnualPlan, anju_store::Assessor), ApiError> {
    let division = parse_division(body.division.as_deref())?;
    if division.is_some_and(|d| !c.data.covers(&d)) {
        return Err(ApiError::not_found());
    }
    if body.budget < 0 || !(1..=20).contains(&body.years.unwrap_or(1)) {
        return Err(ApiError::invalid(
            "budget 应不小于0（整元），years 应为1–20 / budget must be 0 or more whole yuan, years 1 to 20",
        ));
    }
    let mut caps = BTreeMap::new();
    for (k, v) in &body.caps {
        let code = DivisionCode::parse_short(k)
            .ok()
            .filter(|d| d.level() == anju_domain::Level::County)
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "caps: “{k}”不是县级区划代码 / {k:?} is not a county code"
                ))
            })?;
        caps.insert(
            code.to_string(),
            anju_planning::optimiser::Cap {
                max: v.max_cost,
                min: v.min_cost,
            },
        );
    }
    let a = c.data.assessor(state.web.policy.clone(), body.year).await?;
    let plan = c
        .data
        .annual_plan(
            &a,
            PlanRequest {
                year: body.year,
                budget: body.budget,
                division,
                caps,
                commit: body.commit.clone(),
                exclude: body.exclude.clone(),
                years: body.years.unwrap_or(1),
            },
        )
        .await?;
    Ok((plan, a))
}

fn plan_result(plan: &AnnualPlan, lang: Lang) -> PlanResult {
    let (_, first) = &plan.schedule.years[0];
    PlanResult {
        year: plan.request.year,
        candidates: plan.candidates.len(),
        selected: first.selected.clone(),
        objective: first.objective,
        bound: first.bound,
        gap: first.gap,
        cost: first.cost,
        years: plan
            .schedule
            .years
            .iter()
            .map(|(y, p)| YearPlan {
                year: *y,
                selected: p.selected.clone(),
                objective: p.objective,
                bound: p.bound,
                gap: p.gap,
                cost: p.cost,
            })
            .collect(),
        unscheduled: plan.schedule.unscheduled.clone(),
        unscheduled_cost: plan.schedule.unscheduled_cost,
        why: first
            .why
            .iter()
            .map(|(id, inside, w)| WhyItem {
                id: id.clone(),
                selected: *inside,
                why: w.text().get(lang).to_string(),
            })
            .collect(),
    }
}

async fn adopt(
    c: &Caller,
    a: &anju_store::Assessor,
    plan: &AnnualPlan,
    source: &str,
) -> Result<usize, ApiError> {
    may_plan(c)?;
    let ids: Vec<i64> = plan.schedule.years[0]
        .1
        .selected
        .iter()
        .filter_map(|i| i.parse().ok())
        .collect();
    let ctx = c.write_ctx(source);
    Ok(c.data
        .move_in_pool(&ctx, a, &ids, PoolState::Planned, Some(plan.request.year))
        .await?)
}

/// The best plan for the year's budget from the reserve pool of the caller's jurisdiction, with
/// an upper bound on the optimum and the gap, every candidate's reason, and a schedule over more
/// years when asked; adopted (its estates planned for the year) when asked.
#[utoipa::path(post, path = "/api/v1/plans", request_body = PlanBody,
    responses((status = 200, body = PlanResult), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn plan_api(
    State(state): State<AppState>,
    ApiCaller(c): ApiCaller,
    Json(body): Json<PlanBody>,
) -> Result<Json<PlanResult>, ApiError> {
    let (plan, a) = make_plan(&state, &c, &body).await?;
    if body.adopt {
        adopt(&c, &a, &plan, "api").await?;
    }
    Ok(Json(plan_result(&plan, Lang::Zh)))
}

#[derive(Deserialize, Default)]
pub(super) struct PlanForm {
    year: Option<i32>,
    /// 万元
    budget: Option<String>,
    years: Option<usize>,
    division: Option<String>,
    exclude: Option<String>,
    adopted: Option<usize>,
}

impl PlanForm {
    /// The form as posted (adopt, save as a scenario).
    pub(super) fn from_fields(f: &HashMap<String, String>) -> PlanForm {
        PlanForm {
            year: f.get("year").and_then(|y| y.trim().parse().ok()),
            budget: f.get("budget").cloned(),
            years: f.get("years").and_then(|y| y.trim().parse().ok()),
            division: f.get("division").cloned(),
            exclude: f.get("exclude").cloned(),
            adopted: None,
        }
    }

    /// The request the form describes, if it has a budget.
    /// The request of a form that must have a budget (the sheet, adoption, a scenario).
    pub(super) fn required_body(&self, default_year: i32) -> Result<PlanBody, ApiError> {
        self.body(default_year)?
            .ok_or_else(|| ApiError::invalid("budget: 必填 / required"))
    }

    pub(super) fn body(&self, default_year: i32) -> Result<Option<PlanBody>, ApiError> {
        let Some(budget) = self
            .budget
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
        else {
            return Ok(None);
        };
        let wan = Money::parse_yuan(&format!("{budget}万"))
            .filter(|m| m.fen() >= 0)
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "budget: 应为万元数，如 30000 / ×10k yuan, e.g. 30000; got {budget:?}"
                ))
            })?;
        let exclude = self
            .exclude
            .as_deref()
            .unwrap_or("")
            .split([',', '，', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<i64>().map_err(|_| {
                    ApiError::invalid(format!(
                        "exclude: 小区ID应为整数 / estate ids are integers; got {s:?}"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(PlanBody {
            year: self.year.unwrap_or(default_year + 1),
            budget: wan.fen() / 100,
            years: self.years,
            division: self.division.clone().filter(|d| !d.trim().is_empty()),
            exclude,
            ..PlanBody::default()
        }))
    }

    fn query(&self, b: &PlanBody) -> String {
        format!(
            "year={}&budget={}&years={}&division={}&exclude={}",
            b.year,
            self.budget.as_deref().unwrap_or("").trim(),
            b.years.unwrap_or(1),
            b.division.as_deref().unwrap_or(""),
            b.exclude
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        )
    }
}

/// A county's line of the plan's table and chart.
#[derive(Serialize)]
struct CountyLine {
    name: String,
    estates: usize,
    households: i64,
    cost_wan: f64,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    c: Chrome,
    year: i32,
    budget: String,
    years: usize,
    division: String,
    exclude: String,
    query: String,
    result: Option<PlanView>,
    may_adopt: bool,
    notice: Option<String>,
    errors: Vec<String>,
}

struct PlanView {
    candidates: usize,
    objective_label: String,
    objective: f64,
    bound: f64,
    gap_pct: f64,
    cost_wan: f64,
    chosen: Vec<anju_planning::report::PlanProject>,
    left_out: Vec<anju_planning::report::PlanLeftOut>,
    counties: Vec<CountyLine>,
    counties_json: String,
    /// [lon, lat, name, id, chosen 1/0] of the candidates with a location.
    points_json: String,
    /// year, estates, households, cost (万元)
    schedule: Vec<(i32, usize, i64, f64)>,
    unscheduled: usize,
    unscheduled_wan: f64,
}

fn plan_view(plan: &AnnualPlan, a: &anju_store::Assessor, lang: Lang) -> PlanView {
    let report = plan.report(a, "", lang);
    let first = &plan.schedule.years[0].1;
    let mut counties: BTreeMap<String, CountyLine> = BTreeMap::new();
    for p in report
        .projects
        .iter()
        .filter(|p| p.year == plan.request.year)
    {
        let key = format!("{} {}", p.city, p.county);
        let l = counties.entry(key.clone()).or_insert(CountyLine {
            name: key,
            estates: 0,
            households: 0,
            cost_wan: 0.0,
        });
        l.estates += 1;
        l.households += i64::from(p.households);
        l.cost_wan += wan(p.estimate);
    }
    let counties: Vec<CountyLine> = counties.into_values().collect();
    let schedule = plan
        .schedule
        .years
        .iter()
        .map(|(y, p)| {
            let here = report.projects.iter().filter(|x| x.year == *y);
            (
                *y,
                p.selected.len(),
                here.map(|x| i64::from(x.households)).sum(),
                p.cost as f64 / 10_000.0,
            )
        })
        .collect();
    PlanView {
        candidates: plan.candidates.len(),
        objective_label: report.objective_label.clone(),
        objective: first.objective,
        bound: first.bound,
        gap_pct: first.gap * 100.0,
        cost_wan: first.cost as f64 / 10_000.0,
        counties_json: serde_json::to_string(&counties).unwrap_or_else(|_| "[]".into()),
        points_json: {
            let chosen: std::collections::HashSet<&str> =
                first.selected.iter().map(String::as_str).collect();
            serde_json::Value::Array(
                plan.candidates
                    .iter()
                    .filter_map(|r| {
                        let l = r.location?;
                        let id = r.id.to_string();
                        let inside = i32::from(chosen.contains(id.as_str()));
                        Some(serde_json::json!([l.lon, l.lat, r.name, r.id, inside]))
                    })
                    .collect(),
            )
            .to_string()
        },
        counties,
        chosen: report
            .projects
            .into_iter()
            .filter(|p| p.year == plan.request.year)
            .collect(),
        left_out: report.left_out,
        schedule,
        unscheduled: plan.schedule.unscheduled.len(),
        unscheduled_wan: plan.schedule.unscheduled_cost as f64 / 10_000.0,
    }
}

pub(super) async fn plan_page(
    State(state): State<AppState>,
    p: PageCaller,
    Query(f): Query<PlanForm>,
) -> Result<Response, ApiError> {
    let default_year = state.web.reference_year;
    let lang = p.chrome.lang();
    let mut errors = Vec::new();
    let mut result = None;
    let mut query = String::new();
    let body = f.body(default_year)?;
    if let Some(b) = &body {
        query = f.query(b);
        match make_plan(&state, &p.caller, b).await {
            Ok((plan, a)) => result = Some(plan_view(&plan, &a, lang)),
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
                errors.push(e.message.clone())
            }
            Err(e) => return Err(e),
        }
    }
    let notice = f.adopted.map(|n| match lang {
        Lang::Zh => format!("已将{n}个小区列入计划"),
        Lang::En => format!("{n} estates put into the plan"),
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let t = PlanPage {
        year: body.as_ref().map_or(default_year + 1, |b| b.year),
        budget: f.budget.clone().unwrap_or_default(),
        years: f.years.unwrap_or(1),
        division: f.division.clone().unwrap_or_default(),
        exclude: f.exclude.clone().unwrap_or_default(),
        query,
        result,
        may_adopt: p.caller.account.role.plans(),
        notice,
        errors,
        c: p.chrome,
    };
    render(&t, status)
}

pub(super) async fn plan_xlsx(
    State(state): State<AppState>,
    p: PageCaller,
    Query(f): Query<PlanForm>,
) -> Result<Response, ApiError> {
    let body = f.required_body(state.web.reference_year)?;
    let (plan, a) = make_plan(&state, &p.caller, &body).await?;
    let lang = p.chrome.lang();
    let name = match parse_division(body.division.as_deref())?.or(p.caller.data.home()) {
        Some(d) => p
            .caller
            .data
            .division_names(&[d.to_string()])
            .await?
            .remove(d.as_str())
            .unwrap_or_default(),
        None => lang.pick("全国", "all divisions").to_string(),
    };
    let report = plan.report(&a, &name, lang);
    let bytes = tokio::task::block_in_place(|| {
        anju_io::plan_sheet::plan_xlsx_bytes(&report, lang).map_err(ApiError::internal)
    })?;
    Ok(crate::page::xlsx_download(bytes, "plan.xlsx"))
}

pub(super) async fn adopt_submit(
    State(state): State<AppState>,
    p: PageCaller,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    p.caller.check_csrf(f.get("csrf").map(String::as_str))?;
    let form = PlanForm::from_fields(&f);
    let body = form.required_body(state.web.reference_year)?;
    let (plan, a) = make_plan(&state, &p.caller, &body).await?;
    let n = adopt(&p.caller, &a, &plan, "page").await?;
    Ok(Redirect::to(&format!("/planning/plan?{}&adopted={n}", form.query(&body))).into_response())
}
