//! 沟通议事: a proposal or a comment on an estate's board, by a household or by staff; staff
//! may hide one, and the board then shows the reason instead.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "posts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub estate_id: i64,
    /// The proposal a comment answers.
    pub parent_id: Option<i64>,
    /// proposal | comment
    pub kind: String,
    /// The household that wrote it, if a household did.
    pub owner_id: Option<i64>,
    /// What the board shows as its author (a household's rooms, or the staff's office).
    pub author: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub hidden: bool,
    pub hidden_reason: Option<String>,
    pub hidden_by: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
