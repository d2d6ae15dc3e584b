//! A residents' meeting (议事会, 坝坝会, 四位一体, 业主大会): agenda, attendance, minutes, and the
//! decisions it led to, with the vote it called.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub estate_id: i64,
    /// `anju_domain::participation::MeetingKind`
    pub kind: String,
    pub title: String,
    pub held_at: DateTimeUtc,
    pub place: String,
    #[sea_orm(column_type = "Text")]
    pub agenda: String,
    /// Who attended, one per line (parties and people).
    #[sea_orm(column_type = "Text")]
    pub attendance: String,
    pub attendees: i32,
    #[sea_orm(column_type = "Text")]
    pub minutes: String,
    #[sea_orm(column_type = "Text")]
    pub decisions: String,
    /// The owners' vote the meeting called, if any.
    pub vote_id: Option<i64>,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
