//! A service facility of the life circles (养老、托育、卫生、商业 …), in WGS-84.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "facilities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// A key of the policy's `[life_circle.kinds]`.
    pub kind: String,
    pub name: String,
    /// The division it lies in (a neighbourhood, or the lowest level known).
    pub division_code: String,
    pub longitude: f64,
    pub latitude: f64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
