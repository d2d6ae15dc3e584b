//! An owner's current ballot on a vote: one per owner (a unique index); a later ballot replaces
//! it while the vote is open, and `ballot_trail` keeps every one.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ballots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub vote_id: i64,
    pub owner_id: i64,
    /// agree | oppose | abstain (`anju_domain::vote::Choice`)
    pub choice: String,
    pub channel: String,
    /// The number of a paper ballot.
    pub ballot_no: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
