//! 菜单式改造: a menu of works with costs and the money available, on which households cast
//! approval ballots; closing it funds items by the menu's rule.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "menus")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub estate_id: i64,
    pub title: String,
    pub budget_fen: i64,
    /// greedy | mes
    pub rule: String,
    /// none | greedy | add1
    pub completion: String,
    /// open | closed
    pub state: String,
    pub opened_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    /// On closing: the outcome (JSON), frozen.
    #[sea_orm(column_type = "Text", nullable)]
    pub result: Option<String>,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
