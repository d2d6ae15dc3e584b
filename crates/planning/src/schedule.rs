//! The multi-year schedule (DOMAIN §5: every estate that needs renovation done within five
//! years): each year's plan is the optimiser's plan for that year's budget over the estates not
//! yet scheduled, so the most urgent per yuan come first. The committed estates and the
//! counties' minimums are the first year's; the counties' maximums hold every year.
//!
//! Each year's plan stops only where no estate left still fits (the optimiser's greedy fills
//! every budget that way), so a year spends more than its budget less the dearest estate left;
//! with a yearly budget of at least the total over the years plus the dearest estate, every
//! estate is scheduled.

use crate::optimiser::{solve, Candidate, Cap, Infeasible, Plan, Problem};
use std::collections::{BTreeMap, HashSet};

/// The priority an estate without any counts with in a schedule.
const MIN_PRIORITY: f64 = 1e-6;

#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Each year and its plan, in order.
    pub years: Vec<(i32, Plan)>,
    /// The estates no year could take, and their cost in whole yuan.
    pub unscheduled: Vec<String>,
    pub unscheduled_cost: i64,
}

/// Schedules `candidates` over the years from `first_year`, one budget (whole yuan) per year.
pub fn schedule(
    candidates: &[Candidate],
    caps: &BTreeMap<String, Cap>,
    first_year: i32,
    budgets: &[i64],
) -> Result<Schedule, Infeasible> {
    // Every estate is to be done some year: one without priority still takes the room a year
    // leaves (the optimiser would leave it out as adding nothing).
    let mut left: Vec<Candidate> = candidates
        .iter()
        .map(|c| Candidate {
            priority: c.priority.max(MIN_PRIORITY),
            ..c.clone()
        })
        .collect();
    let mut years = Vec::new();
    for (i, &budget) in budgets.iter().enumerate() {
        let caps = if i == 0 {
            caps.clone()
        } else {
            caps.iter()
                .map(|(k, c)| {
                    (
                        k.clone(),
                        Cap {
                            max: c.max,
                            min: None,
                        },
                    )
                })
                .collect()
        };
        if i > 0 {
            for c in &mut left {
                c.mandatory = false;
            }
        }
        let plan = solve(&Problem {
            candidates: left.clone(),
            budget,
            caps,
        })?;
        let taken: HashSet<&str> = plan.selected.iter().map(String::as_str).collect();
        left.retain(|c| !taken.contains(c.id.as_str()));
        years.push((first_year + i as i32, plan));
    }
    Ok(Schedule {
        unscheduled_cost: left.iter().map(|c| c.cost).sum(),
        unscheduled: left.into_iter().map(|c| c.id).collect(),
        years,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cands(costs: &[(i64, f64)]) -> Vec<Candidate> {
        costs
            .iter()
            .enumerate()
            .map(|(i, &(cost, priority))| Candidate {
                id: format!("e{i}"),
                county: format!("c{}", i % 3),
                cost,
                priority,
                bundle: None,
                mandatory: false,
            })
            .collect()
    }

    proptest! {
        /// With a yearly budget of the total over the years plus the dearest estate, every
        /// estate is done; no estate is in two years; no year is over its budget.
        #[test]
        fn a_sufficient_budget_schedules_every_estate(
            costs in prop::collection::vec((1i64..1_000, prop_oneof![Just(0.0), 0.0f64..100.0]), 1..60),
            years in 1usize..6,
        ) {
            let c = cands(&costs);
            let total: i64 = costs.iter().map(|x| x.0).sum();
            let dearest = costs.iter().map(|x| x.0).max().unwrap();
            let budget = total / years as i64 + dearest;
            let s = schedule(&c, &BTreeMap::new(), 2027, &vec![budget; years]).unwrap();
            prop_assert!(s.unscheduled.is_empty(), "{:?}", s.unscheduled);
            let mut seen = HashSet::new();
            for (_, p) in &s.years {
                prop_assert!(p.cost <= budget);
                for id in &p.selected {
                    prop_assert!(seen.insert(id.clone()), "{id} twice");
                }
            }
            prop_assert_eq!(seen.len(), c.len());
        }
    }

    #[test]
    fn what_does_not_fit_is_named_with_its_cost() {
        let c = cands(&[(600, 5.0), (600, 4.0), (600, 3.0)]);
        let s = schedule(&c, &BTreeMap::new(), 2027, &[1000, 1000]).unwrap();
        assert_eq!(s.years[0].1.selected, vec!["e0"]);
        assert_eq!(s.years[1].1.selected, vec!["e1"]);
        assert_eq!(
            (s.unscheduled, s.unscheduled_cost),
            (vec!["e2".to_string()], 600)
        );
    }
}
