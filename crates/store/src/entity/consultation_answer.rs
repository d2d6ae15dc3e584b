//! One household's answer to a consultation (one per owner, whatever the channel).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultation_answers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub consultation_id: i64,
    pub owner_id: i64,
    /// agree | oppose | undecided (`anju_domain::residents::Answer`)
    pub answer: String,
    /// online | paper | door | staff (`anju_domain::residents::Channel`)
    pub channel: String,
    pub entered_by: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
