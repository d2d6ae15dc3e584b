//! 需求: one need of an estate as a needs sheet or a user gave it (`anju_domain::needs::Need`);
//! the derived needs are computed from the estate, never stored.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "estate_needs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub estate_id: i64,
    /// The catalogue item's code.
    pub item: String,
    /// Hundredths of the item's unit.
    pub quantity_centi: i64,
    pub in_list: bool,
    pub hazard: bool,
    /// sheet | entered (`anju_domain::needs::Origin`)
    pub origin: String,
    pub note: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
