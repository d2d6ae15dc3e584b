//! 业主表决: a matter put to the owners of an estate, a building or one stairway unit.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "owner_votes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub estate_id: i64,
    /// The matter of Civil Code Art. 278 (1–9).
    pub matter: i32,
    pub title: String,
    /// The electorate: the whole estate, or this building, or this building's stairway unit.
    pub building: Option<String>,
    pub unit: Option<String>,
    /// open | closed
    pub state: String,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    /// On closing: the SHA-256 of the published anonymised ballots file.
    pub ballots_sha256: Option<String>,
    /// On closing: the tally (JSON), frozen.
    #[sea_orm(column_type = "Text", nullable)]
    pub result: Option<String>,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
