//! 政策: a province's or city's override of the national policy from a given year.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_overrides")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The 12-digit code of the province or city.
    pub division_code: String,
    /// The first year of assessment it applies to.
    pub from_year: i32,
    /// TOML with only the keys it changes (the keys of `policy/national.toml`).
    pub body: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
