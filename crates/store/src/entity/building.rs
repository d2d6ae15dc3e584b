//! 楼栋
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "buildings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub estate_id: i64,
    pub number: String,
    pub floors: Option<i32>,
    pub stairway_units: Option<i32>,
    pub households: Option<i32>,
    pub floor_area_centi_m2: Option<i64>,
    /// The structure's canonical Chinese label (砖混, 框架 …); rows written before the list
    /// existed may hold free text, read as 其他 with that text as typed.
    pub structure: Option<String>,
    pub structure_as_typed: Option<String>,
    /// 是否拟拆除
    pub to_be_demolished: bool,
    pub year_completed: Option<i32>,
    pub safety_grade: Option<String>,
    pub has_lift: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::estate::Entity",
        from = "Column::EstateId",
        to = "super::estate::Column::Id"
    )]
    Estate,
}

impl Related<super::estate::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Estate.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
