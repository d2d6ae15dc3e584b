//! A saved plan scenario (方案): the request and what the optimiser made of it, to compare.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_scenarios")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// The division planned (000000000000: the whole country).
    pub division_code: String,
    pub year: i32,
    /// Each year's budget, in whole yuan.
    pub budget_yuan: i64,
    pub years: i32,
    /// JSON: the committed and excluded estates and the counties' caps.
    pub params: String,
    /// JSON: `anju_store::scoped::ScenarioResult`.
    pub result: String,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
