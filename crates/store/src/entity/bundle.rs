//! 片区: estates planned, designed and carried out together, with their income.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bundles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// The division that holds every member (their street, or the county above).
    pub division_code: String,
    /// bundle_wide | cross_bundle | self_balancing (`anju_domain::bundle::BalanceMode`)
    pub mode: String,
    /// JSON list of `anju_domain::bundle::IncomeItem`.
    pub incomes: String,
    pub note: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
