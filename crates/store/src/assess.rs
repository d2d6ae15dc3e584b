//! Applies the policy's eligibility rules to stored estates: the one place where the derived
//! columns (eligible, failed rules, suggested mode) are computed.

use crate::policies::Policies;
use anju_domain::{assess, Eligibility, Estate, Outcome, Policy, UrbanLocation};
use anju_domain::{DivisionCode, Level};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The policies, the year of assessment, and which towns are county seats.
#[derive(Debug, Clone)]
pub struct Assessor {
    /// The base policy (national, or the file given with `--policy`).
    pub policy: Policy,
    pub reference_year: i32,
    pub county_seat_towns: HashSet<String>,
    /// The policy in force, with its fingerprint, by the code prefix of each province (2 digits)
    /// and city (4) that has an override in force this year; elsewhere the base.
    in_force: HashMap<String, Arc<(Policy, String)>>,
    base: Arc<(Policy, String)>,
}

impl Assessor {
    /// An assessor for the year, with the policies in force in it.
    pub fn new(
        policies: &Policies,
        reference_year: i32,
        county_seat_towns: HashSet<String>,
    ) -> crate::Result<Assessor> {
        let with_hash = |p: Policy| {
            let h = p.fingerprint();
            Arc::new((p, h))
        };
        // A province's override reaches its cities; a city's is on top of its province's.
        let mut in_force = HashMap::new();
        for d in policies.divisions_with_overrides(reference_year) {
            in_force.insert(
                d.prefix().to_string(),
                with_hash(policies.in_force(&d, reference_year)?),
            );
        }
        Ok(Assessor {
            policy: policies.base.clone(),
            reference_year,
            county_seat_towns,
            in_force,
            base: with_hash(policies.base.clone()),
        })
    }

    fn in_force(&self, code: &DivisionCode) -> &(Policy, String) {
        let s = code.as_str();
        self.in_force
            .get(&s[..4])
            .or_else(|| self.in_force.get(&s[..2]))
            .unwrap_or(&self.base)
    }

    /// Every policy in force this year: the base and each province's and city's.
    pub fn policies(&self) -> impl Iterator<Item = &Policy> {
        std::iter::once(&self.base.0).chain(self.in_force.values().map(|p| &p.0))
    }

    /// The policy in force for an estate of this division.
    pub fn policy_for(&self, code: &DivisionCode) -> &Policy {
        &self.in_force(code).0
    }

    /// The policy in force for a division code as stored (text); the base policy when the code
    /// does not parse.
    pub fn policy_at(&self, code: &str) -> &Policy {
        DivisionCode::parse(code).map_or(&self.policy, |d| self.policy_for(&d))
    }

    /// The fingerprint of the policy in force for this division (what an assessment records).
    pub fn fingerprint_for(&self, code: &DivisionCode) -> &str {
        &self.in_force(code).1
    }

    pub fn location(&self, e: &Estate) -> UrbanLocation {
        let code = &e.division_code;
        let seat = code
            .ancestor_at(Level::Town)
            .is_some_and(|t| self.county_seat_towns.contains(t.as_str()));
        UrbanLocation::derive(e.in_city_or_county_seat, code, seat)
    }

    pub fn assess(&self, e: &Estate) -> Eligibility {
        assess(
            e,
            self.location(e),
            self.policy_for(&e.division_code),
            self.reference_year,
        )
    }

    /// What an assessment of the estate writes to its row.
    pub fn assessment(&self, e: &Estate) -> Assessment {
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
        Assessment {
            outcome: el.outcome(),
            failed_rules: failed,
            assessed_year: self.reference_year,
            policy_hash: self.fingerprint_for(&e.division_code).to_string(),
        }
    }
}

/// The columns of an estate's row that its assessment decides: the outcome, the keys of the
/// rules that did not pass, and the year and policy (fingerprint) it was made with.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub outcome: Outcome,
    pub failed_rules: String,
    pub assessed_year: i32,
    pub policy_hash: String,
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
        Assessor::new(
            &self.policies(policy).await?,
            reference_year,
            county_seat_towns,
        )
    }

    /// An assessor for every estate: the policies in force in the year, the county seats from
    /// the division table.
    pub async fn assessor(&self, policy: Policy, reference_year: i32) -> crate::Result<Assessor> {
        Assessor::new(
            &self.policies(policy).await?,
            reference_year,
            self.county_seat_towns().await?,
        )
    }
}
