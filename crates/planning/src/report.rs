//! The plan as a report: each estate chosen (with its list, estimate and money by source) and
//! each left out with its reason, and how good the plan is — what the plan's sheet
//! (`anju_io::plan_sheet`) and pages show.

use anju_domain::Money;

/// One estate of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanProject {
    pub year: i32,
    pub city: String,
    pub county: String,
    pub id: i64,
    pub name: String,
    /// What makes one project (the estate's id, or its bundle's): the 项目数量 counts these.
    pub project: String,
    pub buildings: i32,
    pub households: i32,
    pub floor_area_centi_m2: i64,
    /// The items of the renovation list, in words.
    pub items: String,
    pub estimate: Money,
    /// Basic, improvement, enhancement.
    pub by_category: [Money; 3],
    /// The part central and provincial money may pay.
    pub higher_level: Money,
    /// What residents pay at least (the policy's yuan per m²).
    pub residents_min: Money,
    pub priority: f64,
    pub why: String,
}

/// An estate the plan left out.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanLeftOut {
    pub city: String,
    pub county: String,
    pub id: i64,
    pub name: String,
    pub estimate: Money,
    pub priority: f64,
    pub why: String,
}

/// The whole plan to write.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanReport {
    /// The jurisdiction's name (安徽省, say).
    pub division_name: String,
    pub year: i32,
    /// Whole yuan, each year.
    pub budget: i64,
    /// What the plan maximised, in words.
    pub objective_label: String,
    /// The first year's plan: its objective, the bound, the gap.
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    /// Every scheduled estate, the first year's first; in order of city, county and id within a
    /// year.
    pub projects: Vec<PlanProject>,
    pub left_out: Vec<PlanLeftOut>,
}
