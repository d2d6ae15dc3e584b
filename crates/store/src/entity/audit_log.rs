//! The audit trail: who changed what, when, before and after.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// The user or process (e.g. `cli:root`).
    pub actor: String,
    /// create | update | delete
    pub action: String,
    /// estate | building | division
    pub entity: String,
    pub entity_id: String,
    /// The division the record belongs to, so the trail can be scoped by jurisdiction.
    pub division_code: Option<String>,
    /// Where the change came from (an imported file, a page, the demo).
    pub source: Option<String>,
    /// JSON of the record before and after.
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
