//! 资金台账: one entry of the append-only, hash-chained funding ledger.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fund_ledger")]
pub struct Model {
    /// 1, 2, 3 … in the order of the chain.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// When, in microseconds since 1970 (an integer, so that the hash reads back the same on
    /// both backends).
    pub at_micros: i64,
    pub project_id: Option<i64>,
    pub division_code: String,
    /// allocation | receipt | disbursement
    pub kind: String,
    /// The source of the money (`anju_domain::catalogue::FundingSource` keys).
    pub source: String,
    pub amount_fen: i64,
    pub memo: String,
    pub actor: String,
    /// The previous entry's hash (64 zeros for the first).
    pub prev_hash: String,
    /// SHA-256 of the previous hash and this entry's fields.
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
