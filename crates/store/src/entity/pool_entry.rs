//! 项目储备库: an estate's place in the reserve pool once it has left "reserved" (no row: an
//! eligible estate is reserved).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pool_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub estate_id: i64,
    /// reserved | planned | implementing (`anju_domain::pool::PoolState`)
    pub state: String,
    /// The year of the plan that took it in.
    pub plan_year: Option<i32>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
