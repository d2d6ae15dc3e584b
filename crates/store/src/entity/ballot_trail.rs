//! Every ballot cast, in order, never changed: the trail behind `ballots`.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ballot_trail")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub vote_id: i64,
    pub owner_id: i64,
    pub choice: String,
    pub channel: String,
    pub ballot_no: Option<String>,
    /// Who cast it: the owner, or the staff member who entered a paper ballot.
    pub actor: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
