//! 监管记录: an inspection of a project (supervision, quality, safety, the closed-water test, the joint acceptance).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    /// `anju_domain::works::InspectionKind`
    pub kind: String,
    /// YYYY-MM-DD
    pub on_date: String,
    /// Who inspected (the unit).
    pub inspector: String,
    /// The test's or the acceptance's conclusion; none for a plain inspection.
    pub passed: Option<bool>,
    /// JSON `[{"role","unit","name"}]`.
    #[sea_orm(column_type = "Text", nullable)]
    pub participants: Option<String>,
    pub note: String,
    pub actor: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
