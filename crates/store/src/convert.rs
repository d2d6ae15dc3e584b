//! Between stored rows and domain types: each record's mapping, both ways, in one place.

use crate::assess::Assessment;
use crate::entity::{building, estate};
use crate::estates::Derived;
use anju_domain::estate::Wgs84;
use anju_domain::{Building, Estate, ManagementMode, PropertyType, SafetyGrade};
use anju_domain::{Demolition, Mode, Outcome};
use chrono::Utc;
use sea_orm::ActiveValue::{NotSet, Set};

/// The columns an assessment decides (the rest not set): for a whole row, and for reassessing
/// one.
pub(crate) fn assessment_columns(a: &Assessment) -> estate::ActiveModel {
    estate::ActiveModel {
        eligible: Set(a.outcome == Outcome::Eligible),
        outcome: Set(a.outcome.key().to_string()),
        failed_rules: Set(a.failed_rules.clone()),
        assessed_year: Set(Some(a.assessed_year)),
        policy_hash: Set(a.policy_hash.clone()),
        ..Default::default()
    }
}

/// The assessment a row holds (None for a row never assessed with a year, or of an unknown
/// outcome).
pub(crate) fn assessment_of(m: &estate::Model) -> Option<Assessment> {
    Some(Assessment {
        outcome: Outcome::from_key(&m.outcome)?,
        failed_rules: m.failed_rules.clone(),
        assessed_year: m.assessed_year?,
        policy_hash: m.policy_hash.clone(),
    })
}

/// The columns of the part to be demolished (derived from the buildings).
pub(crate) fn set_demolition(am: &mut estate::ActiveModel, d: &Demolition) {
    am.demolished_buildings = Set(d.buildings);
    am.demolished_households = Set(d.households);
    am.demolished_floor_area_centi_m2 = Set(d.floor_area_centi_m2.centi_m2());
    am.all_demolished = Set(d.all);
}

/// The one mapping of an estate to its row (inserts, bulk or not, and updates alike); the derived
/// columns — the assessment, the search terms, the suggested mode — are given.
pub(crate) fn estate_active(
    e: &Estate,
    d: &Derived,
    mode: Mode,
    now: chrono::DateTime<Utc>,
) -> estate::ActiveModel {
    let mut am = estate::ActiveModel {
        id: NotSet,
        code: Set(e.code.clone()),
        name: Set(e.name.clone()),
        division_code: Set(e.division_code.to_string()),
        address: Set(e.address.clone()),
        year_completed: Set(e.year_completed),
        building_count: Set(e.building_count),
        households: Set(e.households),
        floor_area_centi_m2: Set(e.floor_area_centi_m2.centi_m2()),
        property_type: Set(e.property_type.map(|p| p.key().to_string())),
        management_mode: Set(e.management_mode.map(|p| p.key().to_string())),
        urban_village: Set(e.urban_village),
        mostly_self_built: Set(e.mostly_self_built),
        expropriation_or_rebuild_planned: Set(e.expropriation_or_rebuild_planned),
        last_renovated_year: Set(e.last_renovated_year),
        planned_demolition_year: Set(e.planned_demolition_year),
        historic_protection: Set(e.historic_protection),
        willingness_pct: Set(e.willingness_pct),
        illegal_structures: Set(e.illegal_structures),
        illegal_structures_removed: Set(e.illegal_structures_removed),
        in_city_or_county_seat: Set(e.in_city_or_county_seat),
        longitude: Set(e.location.map(|p| p.lon)),
        latitude: Set(e.location.map(|p| p.lat)),
        property_type_as_typed: Set(e.property_type_as_typed.clone()),
        management_mode_as_typed: Set(e.management_mode_as_typed.clone()),
        unsurveyed: Set(e
            .unsurveyed
            .iter()
            .map(|f| f.key())
            .collect::<Vec<_>>()
            .join(",")),
        // An official's confirmation is written by its own use case only.
        confirmed_mode: NotSet,
        mode_confirmed_by: NotSet,
        mode_confirmed_at: NotSet,
        suggested_mode: Set(mode.key().to_string()),
        search_terms: Set(d.search_terms.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..assessment_columns(&d.assessment)
    };
    set_demolition(&mut am, &e.demolition);
    am
}

/// The mapping back: an estate from its row.
pub fn estate_from_model(m: &estate::Model) -> Estate {
    Estate {
        code: m.code.clone(),
        name: m.name.clone(),
        // Only parsed codes are ever stored (the import and the domain type see to it).
        division_code: anju_domain::DivisionCode::parse(&m.division_code)
            .expect("a stored division code is a valid 12-digit code"),
        address: m.address.clone(),
        year_completed: m.year_completed,
        building_count: m.building_count,
        households: m.households,
        floor_area_centi_m2: anju_domain::Area::from_centi_m2(m.floor_area_centi_m2),
        property_type: m.property_type.as_deref().and_then(PropertyType::from_key),
        management_mode: m
            .management_mode
            .as_deref()
            .and_then(ManagementMode::from_key),
        property_type_as_typed: m.property_type_as_typed.clone(),
        management_mode_as_typed: m.management_mode_as_typed.clone(),
        demolition: anju_domain::Demolition {
            buildings: m.demolished_buildings,
            households: m.demolished_households,
            floor_area_centi_m2: anju_domain::Area::from_centi_m2(m.demolished_floor_area_centi_m2),
            all: m.all_demolished,
        },
        unsurveyed: m
            .unsurveyed
            .split(',')
            .filter_map(anju_domain::estate::EstateField::from_key)
            .collect(),
        urban_village: m.urban_village,
        mostly_self_built: m.mostly_self_built,
        expropriation_or_rebuild_planned: m.expropriation_or_rebuild_planned,
        last_renovated_year: m.last_renovated_year,
        planned_demolition_year: m.planned_demolition_year,
        historic_protection: m.historic_protection,
        willingness_pct: m.willingness_pct,
        illegal_structures: m.illegal_structures,
        illegal_structures_removed: m.illegal_structures_removed,
        in_city_or_county_seat: m.in_city_or_county_seat,
        location: match (m.longitude, m.latitude) {
            (Some(lon), Some(lat)) => Some(Wgs84 { lon, lat }),
            _ => None,
        },
    }
}

pub fn building_from_model(m: &building::Model) -> Building {
    Building {
        number: m.number.clone(),
        floors: m.floors,
        stairway_units: m.stairway_units,
        households: m.households,
        floor_area_centi_m2: m.floor_area_centi_m2.map(anju_domain::Area::from_centi_m2),
        structure: m.structure.as_deref().map(|s| {
            anju_domain::StructureType::from_label(s).unwrap_or(anju_domain::StructureType::Other)
        }),
        // A row of free text from before the list: kept as typed unless it was the label.
        structure_as_typed: m.structure_as_typed.clone().or_else(|| {
            m.structure.clone().filter(|s| {
                anju_domain::StructureType::from_label(s).map(|t| t.label_zh()) != Some(s.as_str())
            })
        }),
        year_completed: m.year_completed,
        safety_grade: m.safety_grade.as_deref().and_then(SafetyGrade::from_label),
        has_lift: m.has_lift,
        to_be_demolished: m.to_be_demolished,
    }
}

/// The JSON an audit row keeps of a record.
pub fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("domain types serialize")
}

/// A stored need as the domain's record.
pub fn need_from_model(m: &crate::entity::estate_need::Model) -> anju_domain::needs::Need {
    anju_domain::needs::Need {
        item: m.item.clone(),
        quantity_centi: m.quantity_centi,
        in_list: m.in_list,
        hazard: m.hazard,
        origin: anju_domain::needs::Origin::from_key(&m.origin)
            .unwrap_or(anju_domain::needs::Origin::Entered),
        note: m.note.clone(),
    }
}

/// The row of an estate's need (a new one: the id is the database's).
pub fn need_active(
    estate_id: i64,
    n: &anju_domain::needs::Need,
    at: chrono::DateTime<chrono::Utc>,
) -> crate::entity::estate_need::ActiveModel {
    use sea_orm::ActiveValue::{NotSet, Set};
    crate::entity::estate_need::ActiveModel {
        id: NotSet,
        estate_id: Set(estate_id),
        item: Set(n.item.clone()),
        quantity_centi: Set(n.quantity_centi),
        in_list: Set(n.in_list),
        hazard: Set(n.hazard),
        origin: Set(n.origin.key().to_string()),
        note: Set(n.note.clone()),
        updated_at: Set(at),
    }
}
