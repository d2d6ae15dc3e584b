//! An estate's bundle (an estate is in one bundle at most).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bundle_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub estate_id: i64,
    pub bundle_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
