//! Between stored rows and domain types.

use crate::entity::{building, estate};
use anju_domain::estate::Wgs84;
use anju_domain::{Building, Estate, ManagementMode, PropertyType, SafetyGrade};

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
        structure: m.structure.clone(),
        year_completed: m.year_completed,
        safety_grade: m.safety_grade.as_deref().and_then(SafetyGrade::from_label),
        has_lift: m.has_lift,
    }
}

/// The JSON an audit row keeps of a record.
pub fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("domain types serialize")
}
