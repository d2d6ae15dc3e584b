//! Applies the policy's eligibility rules to stored estates: the one place where the derived
//! columns (eligible, failed rules, suggested mode) are computed.

use anju_domain::{assess, Eligibility, Estate, Outcome, Policy, UrbanLocation};
use anju_domain::{DivisionCode, Level};
use std::collections::HashSet;

/// The policy, the year of assessment, and which towns are county seats.
#[derive(Debug, Clone)]
pub struct Assessor {
    pub policy: Policy,
    pub reference_year: i32,
    pub county_seat_towns: HashSet<String>,
}

impl Assessor {
    pub fn location(&self, e: &Estate) -> UrbanLocation {
        let code = &e.division_code;
        let seat = code
            .ancestor_at(Level::Town)
            .is_some_and(|t| self.county_seat_towns.contains(t.as_str()));
        UrbanLocation::derive(e.in_city_or_county_seat, code, seat)
    }

    pub fn assess(&self, e: &Estate) -> Eligibility {
        assess(e, self.location(e), &self.policy, self.reference_year)
    }

    /// (outcome, keys of the rules that did not pass)
    pub fn derived(&self, e: &Estate) -> (Outcome, String) {
        let el = self.assess(e);
        let failed = el
            .results
            .iter()
            .filter(|r| !r.passed)
            .map(|r| {
                serde_json::to_value(r.rule)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(",");
        (el.outcome(), failed)
    }
}

impl crate::Store {
    /// An assessor for the policy and year, with the county seats from the division table.
    /// An assessor that knows only the seats among the towns of the given estates' divisions:
    /// enough to judge those estates, without reading every town (one estate page, one edit).
    pub async fn assessor_for(
        &self,
        policy: Policy,
        reference_year: i32,
        division_codes: &[&str],
    ) -> crate::Result<Assessor> {
        let mut towns: Vec<DivisionCode> = division_codes
            .iter()
            .filter_map(|c| DivisionCode::parse(c).ok()?.ancestor_at(Level::Town))
            .collect();
        towns.sort();
        towns.dedup();
        let mut county_seat_towns = HashSet::new();
        for town in towns {
            if self.division(&town).await?.is_some_and(|d| d.county_seat) {
                county_seat_towns.insert(town.to_string());
            }
        }
        Ok(Assessor {
            policy,
            reference_year,
            county_seat_towns,
        })
    }

    pub async fn assessor(&self, policy: Policy, reference_year: i32) -> crate::Result<Assessor> {
        Ok(Assessor {
            policy,
            reference_year,
            county_seat_towns: self.county_seat_towns().await?,
        })
    }
}
