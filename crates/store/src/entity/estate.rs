//! 小区
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "estates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub division_code: String,
    pub address: String,
    pub year_completed: Option<i32>,
    pub building_count: i32,
    pub households: i32,
    pub floor_area_centi_m2: i64,
    pub property_type: Option<String>,
    pub management_mode: Option<String>,
    pub urban_village: bool,
    pub mostly_self_built: bool,
    pub expropriation_or_rebuild_planned: bool,
    pub last_renovated_year: Option<i32>,
    pub planned_demolition_year: Option<i32>,
    pub historic_protection: bool,
    pub willingness_pct: Option<f64>,
    pub illegal_structures: Option<i32>,
    pub illegal_structures_removed: Option<i32>,
    pub in_city_or_county_seat: Option<bool>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    pub property_type_as_typed: Option<String>,
    pub management_mode_as_typed: Option<String>,
    /// Keys of the rule columns no survey has answered yet, comma-separated (empty: all answered).
    pub unsurveyed: String,
    /// Derived by the eligibility rules of the policy in force when last written.
    pub eligible: bool,
    /// Keys of the failed rules, comma-separated (empty when eligible).
    pub failed_rules: String,
    /// eligible | conditional | undetermined | out (`anju_domain::Outcome`); `eligible` is true
    /// exactly when this is `eligible`.
    pub outcome: String,
    /// comprehensive | demolition_combined
    pub suggested_mode: String,
    /// The year of assessment and the fingerprint of the policy (`Policy::fingerprint`) the
    /// derived columns were computed with: another year or other numbers make them stale.
    pub assessed_year: Option<i32>,
    pub policy_hash: String,
    /// The buildings to be demolished and their households and area (`anju_domain::Demolition`),
    /// kept from the buildings: outside the renovation scope and its totals.
    pub demolished_buildings: i32,
    pub demolished_households: i32,
    pub demolished_floor_area_centi_m2: i64,
    pub all_demolished: bool,
    /// The mode an official confirmed (a `Mode` key), by whom and when; None until confirmed.
    pub confirmed_mode: Option<String>,
    pub mode_confirmed_by: Option<String>,
    pub mode_confirmed_at: Option<DateTimeUtc>,
    /// What the text search finds the estate by: the bigrams of its name, address and code and
    /// the terms of its division (`anju_domain::search`), kept with every write of the row.
    pub search_terms: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::building::Entity")]
    Building,
}

impl Related<super::building::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Building.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// A row of the estate list: the columns the list shows, not the whole estate (without decoding
/// the other fourteen, two timestamps among them, the list page went 10,134 → 10,743 req/s in one
/// run).
#[derive(Clone, Debug, PartialEq, DerivePartialModel, sea_orm::FromQueryResult)]
#[sea_orm(entity = "Entity")]
pub struct ListRow {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub division_code: String,
    pub address: String,
    pub year_completed: Option<i32>,
    pub building_count: i32,
    pub households: i32,
    pub floor_area_centi_m2: i64,
    pub eligible: bool,
    pub failed_rules: String,
    pub outcome: String,
    pub suggested_mode: String,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
}

impl From<&Model> for ListRow {
    fn from(m: &Model) -> Self {
        ListRow {
            id: m.id,
            code: m.code.clone(),
            name: m.name.clone(),
            division_code: m.division_code.clone(),
            address: m.address.clone(),
            year_completed: m.year_completed,
            building_count: m.building_count,
            households: m.households,
            floor_area_centi_m2: m.floor_area_centi_m2,
            eligible: m.eligible,
            failed_rules: m.failed_rules.clone(),
            outcome: m.outcome.clone(),
            suggested_mode: m.suggested_mode.clone(),
            longitude: m.longitude,
            latitude: m.latitude,
        }
    }
}
