//! 整改: a finding of an inspection, its rectification deadline and closure.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "findings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub inspection_id: i64,
    pub project_id: i64,
    pub description: String,
    /// `anju_domain::works::Severity`
    pub severity: String,
    /// YYYY-MM-DD
    pub rectify_by: String,
    pub closed_on: Option<String>,
    pub closure: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
