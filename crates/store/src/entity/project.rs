//! 改造项目: one estate or a bundle, its state in the lifecycle and what its gates look at.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// The division of its estates (their lowest common one).
    pub division_code: String,
    /// `anju_domain::project::ProjectState`
    pub state: String,
    pub scheme_approval: Option<String>,
    pub estimate_fen: Option<i64>,
    pub contractor: Option<String>,
    /// The approvals done, keys comma-separated.
    #[sea_orm(column_type = "Text", nullable)]
    pub approvals_done: Option<String>,
    /// Illegal structures on fire lanes still standing; none recorded: the estates' unremoved
    /// illegal structures count.
    pub fire_lane_structures_left: Option<i32>,
    pub progress_pct: i32,
    pub rain_sewage_separated: bool,
    pub management_mode: Option<String>,
    pub managing_unit: Option<String>,
    /// The managing unit's duties after hand-over.
    #[sea_orm(column_type = "Text", nullable)]
    pub management_duties: Option<String>,
    pub land_changes: bool,
    pub small_environmental_impact: bool,
    pub low_risk_structure_untouched: bool,
    pub in_national_plan: bool,
    pub self_funded: bool,
    pub investment_fen: i64,
    pub works_area_centi_m2: i64,
    /// The year of the plan the project belongs to: its calendar's year.
    pub plan_year: i32,
    /// Milestones, planned and actual (YYYY-MM-DD).
    pub start_planned: Option<String>,
    pub start_actual: Option<String>,
    pub works_done_planned: Option<String>,
    pub works_done_actual: Option<String>,
    pub basic_done_planned: Option<String>,
    pub basic_done_actual: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
