//! Inventory totals (汇总) for a division and its parts.

use serde::{Deserialize, Serialize};

/// Totals over a set of estates. Areas in hundredths of m², exact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub estates: i64,
    pub buildings: i64,
    pub households: i64,
    pub floor_area_centi_m2: i64,
    pub eligible_estates: i64,
    pub eligible_buildings: i64,
    pub eligible_households: i64,
    pub eligible_floor_area_centi_m2: i64,
    /// 有条件的可纳入 (the second cut-off's tier).
    pub conditional_estates: i64,
    pub conditional_buildings: i64,
    pub conditional_households: i64,
    pub conditional_floor_area_centi_m2: i64,
    /// 待核实: a rule could not be decided from the data.
    pub undetermined_estates: i64,
}

impl Totals {
    pub fn add(&mut self, other: &Totals) {
        self.estates += other.estates;
        self.buildings += other.buildings;
        self.households += other.households;
        self.floor_area_centi_m2 += other.floor_area_centi_m2;
        self.eligible_estates += other.eligible_estates;
        self.eligible_buildings += other.eligible_buildings;
        self.eligible_households += other.eligible_households;
        self.eligible_floor_area_centi_m2 += other.eligible_floor_area_centi_m2;
        self.conditional_estates += other.conditional_estates;
        self.conditional_buildings += other.conditional_buildings;
        self.conditional_households += other.conditional_households;
        self.conditional_floor_area_centi_m2 += other.conditional_floor_area_centi_m2;
        self.undetermined_estates += other.undetermined_estates;
    }
}

/// One line of a summary: a division and its totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryLine {
    pub division_code: String,
    pub division_name: String,
    pub totals: Totals,
}

/// A division's totals and the breakdown by the next level down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub division_code: Option<String>,
    pub division_name: String,
    pub totals: Totals,
    pub parts: Vec<SummaryLine>,
}

/// Square metres from hundredths, for display.
pub fn m2(centi: i64) -> f64 {
    centi as f64 / 100.0
}
