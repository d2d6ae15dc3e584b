//! 投诉: a complaint about a renovated estate and its follow-up.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "complaints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    /// YYYY-MM-DD
    pub received_on: String,
    pub channel: String,
    pub summary: String,
    /// `anju_domain::responsibility::ComplaintStatus`
    pub status: String,
    /// JSON `[{"on","by","text","status"}]`: the follow-up.
    #[sea_orm(column_type = "Text", nullable)]
    pub steps: Option<String>,
    pub resolved_on: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
