//! 业主: an owner of exclusive parts of one estate. Personal data is kept minimal: the name and
//! phone as given, the ID number only as a keyed hash (and its last four characters, to tell
//! owners apart on a masked page); the personal access code only as its SHA-256.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "owners")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub estate_id: i64,
    /// Groups an owner's parts: `id:` + the keyed hash of the ID number, else `name:` + the keyed
    /// hash of name and phone, else `part:` + the room; `developer` for the developer's unsold
    /// or undelivered parts, which count once together.
    pub owner_key: String,
    pub name: String,
    pub id_hash: Option<String>,
    pub id_last4: Option<String>,
    pub phone: Option<String>,
    pub is_developer: bool,
    pub access_hash: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
