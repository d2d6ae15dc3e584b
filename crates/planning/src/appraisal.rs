//! An estate's appraisal for the reserve pool: its needs (stored lines over the derived ones),
//! the estimate of its renovation list, the historic-protection reviews and its priority — the
//! one assembly the estate's needs page, the pool, the plan and its export all read.

use crate::priority::{self, Priority};
use anju_domain::needs::{self, Bases, Estimate, Need};
use anju_domain::{Building, Estate, Policy};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Appraisal {
    pub needs: Vec<Need>,
    pub estimate: Estimate,
    pub priority: Priority,
    /// The items of the list to be reviewed for historic protection first.
    pub heritage_reviews: Vec<String>,
}

/// Appraises `estate` under the policy in force for it in `year`.
pub fn appraise(
    estate: &Estate,
    buildings: &[Building],
    stored: &[Need],
    policy: &Policy,
    year: i32,
    consultation_pct: Option<f64>,
) -> Appraisal {
    let derived = needs::derive(&Bases::of(estate, buildings, policy), &policy.catalogue);
    let needs = needs::merge(stored, derived);
    let estimate = Estimate::of(&needs, &policy.catalogue);
    let heritage_reviews = needs::heritage_reviews(estate, &needs, &policy.catalogue)
        .into_iter()
        .map(|n| n.item.clone())
        .collect();
    let priority = priority::score(
        estate,
        priority::Context {
            needs: &needs,
            estimate: &estimate,
            year,
            consultation_pct,
        },
        &policy.priority,
    );
    Appraisal {
        needs,
        estimate,
        priority,
        heritage_reviews,
    }
}
