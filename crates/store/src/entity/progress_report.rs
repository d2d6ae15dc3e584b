//! 月度进度: a project's monthly report of physical progress and investment completed.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "progress_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    /// YYYY-MM
    pub month: String,
    pub progress_pct: i32,
    pub invested_fen: i64,
    /// The items' progress, JSON `[{"item","pct"}]`.
    #[sea_orm(column_type = "Text", nullable)]
    pub items: Option<String>,
    pub note: String,
    pub actor: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
