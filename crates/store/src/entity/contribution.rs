//! 居民出资: one receipt of a household's (or the estate's) contribution.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contributions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub estate_id: i64,
    /// The household; none for what the estate gives as a whole (ceded public income).
    pub owner_id: Option<i64>,
    /// `anju_domain::participation::ContributionKind`
    pub kind: String,
    pub amount_fen: i64,
    /// Unique in the estate.
    pub receipt_no: String,
    /// YYYY-MM-DD
    pub received_on: String,
    pub note: Option<String>,
    pub entered_by: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
