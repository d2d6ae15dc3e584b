//! The priority score of an estate (DOMAIN §5): strong willingness, high participation and illegal
//! structures removed on the residents' own initiative come first (seed 方案1 §5); hazards in
//! drainage, power and gas lines go first (seed 方案3); then age, the households that benefit and
//! how much the estate needs. Each factor is a value from 0 to 1 times its weight (policy
//! `[priority]`, summing to 100), so the score is 0–100 and every point is accounted for.

use anju_domain::i18n::Text;
use anju_domain::needs::{Estimate, Need};
use anju_domain::policy::PriorityPolicy;
use anju_domain::Estate;
use serde::Serialize;

/// The factors, in the order of [`PriorityPolicy::weights`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    Willingness,
    Participation,
    IllegalRemoved,
    Hazards,
    Age,
    Households,
    Severity,
}

impl Factor {
    pub const ALL: [Factor; 7] = [
        Factor::Willingness,
        Factor::Participation,
        Factor::IllegalRemoved,
        Factor::Hazards,
        Factor::Age,
        Factor::Households,
        Factor::Severity,
    ];

    /// The factor's key, as the API gives it.
    pub fn key(self) -> &'static str {
        match self {
            Factor::Willingness => "willingness",
            Factor::Participation => "participation",
            Factor::IllegalRemoved => "illegal_removed",
            Factor::Hazards => "hazards",
            Factor::Age => "age",
            Factor::Households => "households",
            Factor::Severity => "severity",
        }
    }

    pub fn label(self) -> Text {
        match self {
            Factor::Willingness => Text::new("改造意愿", "willingness"),
            Factor::Participation => Text::new("征求意见参与率", "consultation participation"),
            Factor::IllegalRemoved => Text::new("主动拆除违建", "illegal structures removed"),
            Factor::Hazards => Text::new("管线安全隐患", "hazards in pipes and lines"),
            Factor::Age => Text::new("房龄", "age"),
            Factor::Households => Text::new("受益户数", "households"),
            Factor::Severity => Text::new("需求程度", "severity of needs"),
        }
    }
}

/// One factor's part of the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub factor: Factor,
    /// From 0 to 1; None where the data is missing (it then adds nothing).
    pub value: Option<f64>,
    pub weight: f64,
    /// value × weight.
    pub points: f64,
    /// What the value was made of, in words.
    pub basis: Text,
}

/// An estate's priority, with the part of every factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Priority {
    pub score: f64,
    pub contributions: Vec<Contribution>,
}

/// What the score is computed from besides the estate itself.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub needs: &'a [Need],
    pub estimate: &'a Estimate,
    /// The year of assessment (for the age).
    pub year: i32,
    /// The consultation's participation (0–100 %), once one is held.
    pub consultation_pct: Option<f64>,
}

/// The priority score of `estate`.
pub fn score(estate: &Estate, cx: Context<'_>, policy: &PriorityPolicy) -> Priority {
    let weights = policy.weights();
    let contributions: Vec<Contribution> = Factor::ALL
        .iter()
        .zip(weights)
        .map(|(&factor, weight)| {
            let (value, basis) = value_of(factor, estate, cx, policy);
            let value = value.map(|v| v.clamp(0.0, 1.0));
            Contribution {
                factor,
                value,
                weight,
                points: value.unwrap_or(0.0) * weight,
                basis,
            }
        })
        .collect();
    Priority {
        score: contributions.iter().map(|c| c.points).sum(),
        contributions,
    }
}

fn value_of(
    factor: Factor,
    e: &Estate,
    cx: Context<'_>,
    p: &PriorityPolicy,
) -> (Option<f64>, Text) {
    let unknown = |zh: &str, en: &str| (None, Text::new(zh, en));
    match factor {
        Factor::Willingness => match e.willingness_pct {
            Some(w) => (
                Some(w / 100.0),
                Text::new(format!("意愿{w:.0}%"), format!("{w:.0} % willing")),
            ),
            None => unknown("未调查改造意愿", "willingness not surveyed"),
        },
        Factor::Participation => match cx.consultation_pct {
            Some(r) => (
                Some(r / 100.0),
                Text::new(format!("参与率{r:.0}%"), format!("{r:.0} % took part")),
            ),
            None => unknown("尚未征求意见", "no consultation yet"),
        },
        Factor::IllegalRemoved => match (e.illegal_structures, e.illegal_structures_removed) {
            (Some(0), _) => (Some(1.0), Text::new("无违法建设", "no illegal structures")),
            (Some(total), removed) => {
                let removed = removed.unwrap_or(0).min(total);
                (
                    Some(f64::from(removed) / f64::from(total)),
                    Text::new(
                        format!("已拆除{removed}/{total}处"),
                        format!("{removed} of {total} removed"),
                    ),
                )
            }
            (None, _) => unknown("未调查违法建设", "illegal structures not surveyed"),
        },
        Factor::Hazards => {
            let found: Vec<&str> = cx
                .needs
                .iter()
                .filter(|n| n.hazard && p.hazard_items.contains(&n.item))
                .map(|n| n.item.as_str())
                .collect();
            let items = p.hazard_items.len().max(1) as f64;
            (
                Some(found.len() as f64 / items),
                if found.is_empty() {
                    Text::new("未记录隐患", "no hazard recorded")
                } else {
                    Text::new(
                        format!("{}项有隐患：{}", found.len(), found.join("、")),
                        format!("{} with hazards: {}", found.len(), found.join(", ")),
                    )
                },
            )
        }
        Factor::Age => match e.year_completed {
            Some(y) => {
                let age = (cx.year - y).max(0);
                (
                    Some(f64::from(age) / f64::from(p.age_full_years)),
                    Text::new(format!("房龄{age}年"), format!("{age} years old")),
                )
            }
            None => unknown("建成年份不详", "year of completion unknown"),
        },
        Factor::Households => {
            let h = e.households - e.demolition.households;
            (
                Some(f64::from(h.max(0)) / f64::from(p.households_full)),
                Text::new(format!("{h}户"), format!("{h} households")),
            )
        }
        Factor::Severity => {
            let m2 = (e.floor_area_centi_m2.centi_m2()
                - e.demolition.floor_area_centi_m2.centi_m2()) as f64
                / 100.0;
            if m2 <= 0.0 {
                return unknown("建筑面积不详", "floor area unknown");
            }
            let per_m2 = cx.estimate.total.fen() as f64 / 100.0 / m2;
            (
                Some(per_m2 / p.severity_full_yuan_per_m2 as f64),
                Text::new(
                    format!("概算{per_m2:.0}元/㎡"),
                    format!("estimate {per_m2:.0} yuan/m²"),
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anju_domain::needs::Origin;
    use anju_domain::{Area, DivisionCode, Money, Policy};

    fn estate() -> Estate {
        let mut e = Estate::new("样本", DivisionCode::parse("340802001001").unwrap());
        e.households = 250;
        e.floor_area_centi_m2 = Area::from_centi_m2(250 * 9000);
        e.year_completed = Some(1986);
        e.willingness_pct = Some(90.0);
        e.illegal_structures = Some(4);
        e.illegal_structures_removed = Some(3);
        e
    }

    #[test]
    fn every_point_of_the_score_is_a_factors_part() {
        let p = Policy::national().priority;
        let e = estate();
        let needs = vec![Need {
            item: "gas".into(),
            quantity_centi: 25_000,
            in_list: true,
            hazard: true,
            origin: Origin::Sheet,
            note: String::new(),
        }];
        let est = Estimate {
            total: Money::from_yuan(250 * 9000 * 2), // 200 yuan/m²
            ..Estimate::default()
        };
        let cx = Context {
            needs: &needs,
            estimate: &est,
            year: 2026,
            consultation_pct: None,
        };
        let pr = score(&e, cx, &p);
        let sum: f64 = pr.contributions.iter().map(|c| c.points).sum();
        assert!((pr.score - sum).abs() < 1e-9);
        let part = |f: Factor| {
            pr.contributions
                .iter()
                .find(|c| c.factor == f)
                .unwrap()
                .clone()
        };
        assert!((part(Factor::Willingness).points - 0.9 * p.willingness).abs() < 1e-9);
        assert_eq!(part(Factor::Participation).value, None);
        assert!((part(Factor::IllegalRemoved).value.unwrap() - 0.75).abs() < 1e-9);
        assert!((part(Factor::Hazards).value.unwrap() - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(part(Factor::Age).value, Some(1.0), "40 years is full");
        assert!((part(Factor::Households).value.unwrap() - 0.5).abs() < 1e-9);
        assert!((part(Factor::Severity).value.unwrap() - 0.5).abs() < 1e-9);
        // More hazards, more priority.
        let mut worse = needs.clone();
        worse.push(Need {
            item: "drainage".into(),
            ..needs[0].clone()
        });
        let pr2 = score(
            &e,
            Context {
                needs: &worse,
                ..cx
            },
            &p,
        );
        assert!(pr2.score > pr.score);
        // A hazard on an item that does not count adds nothing.
        let mut roof = needs.clone();
        roof[0].item = "roof".into();
        let pr3 = score(&e, Context { needs: &roof, ..cx }, &p);
        assert!(pr3.score < pr.score);
        assert!(pr.score <= 100.0);
    }
}
