//! 责任清单: a task, the department responsible, its deadline and status; a utility's share of a project is one too.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub division_code: String,
    pub project_id: Option<i64>,
    pub title: String,
    /// `anju_domain::responsibility::Utility` for a utility's share.
    pub utility: Option<String>,
    /// `anju_domain::responsibility::Party` for a utility's share.
    pub party: Option<String>,
    /// The department's account, whose users see and update the task.
    pub department_id: Option<i64>,
    /// The department's name (责任单位).
    pub department: String,
    pub amount_fen: Option<i64>,
    /// YYYY-MM-DD
    pub deadline: Option<String>,
    /// `anju_domain::responsibility::TaskStatus`
    pub status: String,
    pub note: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
