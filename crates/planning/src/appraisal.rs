//! An estate's appraisal for the reserve pool: its needs (stored lines over the derived ones),
//! the estimate of its renovation list, the historic-protection reviews and its priority — the
//! one assembly the estate's needs page, the pool, the plan and its export all read.

use crate::lifecircle::Gap;
use crate::priority::{self, Priority};
use anju_domain::needs::{self, Bases, Estimate, Need, Origin};
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

/// Appraises `estate` under the policy in force for it in `year`; `gaps` are its life-circle
/// gaps, whose recommended items join its needs (derived, not yet on the list).
pub fn appraise(
    estate: &Estate,
    buildings: &[Building],
    stored: &[Need],
    gaps: &[Gap],
    policy: &Policy,
    year: i32,
    consultation_pct: Option<f64>,
) -> Appraisal {
    let mut derived = needs::derive(&Bases::of(estate, buildings, policy), &policy.catalogue);
    for g in gaps {
        if derived.iter().any(|n| n.item == g.item) || !policy.catalogue.contains_key(&g.item) {
            continue;
        }
        let kind = policy.life_circle.kinds.get(&g.kind);
        let (zh, en) = kind.map_or((g.kind.as_str(), g.kind.as_str()), |k| {
            (k.name_zh.as_str(), k.name_en.as_str())
        });
        derived.push(Need {
            item: g.item.clone(),
            quantity_centi: 100,
            in_list: false,
            hazard: false,
            origin: Origin::Derived,
            note: format!(
                "{m}分钟生活圈缺少{zh} / no {en} within a {m}-minute walk",
                m = g.minutes
            ),
        });
    }
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
