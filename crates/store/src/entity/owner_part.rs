//! 专有部分: one exclusive part (a flat, a shop) of an estate, its owner and the area that counts.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "owner_parts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub estate_id: i64,
    pub owner_id: i64,
    pub building: String,
    /// The stairway unit (单元), "" where the building has none.
    pub unit: String,
    pub room: String,
    pub area_centi_m2: i64,
    /// registered | surveyed | contracted (`anju_domain::residents::AreaBasis`)
    pub area_basis: String,
    pub delivered: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
