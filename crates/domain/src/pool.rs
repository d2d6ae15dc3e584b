//! The reserve pool (项目储备库, DOMAIN §5): eligible estates are reserved (储备), the year's plan
//! takes them in (谋划), and their works make them implementing (实施). "Mature one, renovate
//! one" (成熟一个、改造一个): an estate enters a plan only when it is ready — eligible, and, once
//! consultations are held, with the consultation rate at the policy's threshold.

use crate::eligibility::Outcome;
use crate::i18n::Text;
use crate::policy::PlanningPolicy;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolState {
    /// 储备一批
    Reserved,
    /// 谋划一批: in a year's plan.
    Planned,
    /// 实施一批: its works have begun.
    Implementing,
}

impl PoolState {
    pub const ALL: [PoolState; 3] = [
        PoolState::Reserved,
        PoolState::Planned,
        PoolState::Implementing,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PoolState::Reserved => "reserved",
            PoolState::Planned => "planned",
            PoolState::Implementing => "implementing",
        }
    }

    pub fn from_key(s: &str) -> Option<PoolState> {
        PoolState::ALL.into_iter().find(|p| p.key() == s)
    }

    pub fn label(self) -> Text {
        match self {
            PoolState::Reserved => Text::new("储备", "reserved"),
            PoolState::Planned => Text::new("谋划（已列入计划）", "planned"),
            PoolState::Implementing => Text::new("实施", "implementing"),
        }
    }
}

/// Whether an estate of this outcome is in the pool at all: eligible ones, and conditional ones
/// where the province includes them (有条件的可纳入).
pub fn in_pool(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Eligible | Outcome::Conditional)
}

/// The gate of a move from `from` to `to`: every reason it is refused (empty: allowed).
/// `consultation_pct` is the estate's consultation rate, None while none has been held.
pub fn gate(
    from: PoolState,
    to: PoolState,
    outcome: Outcome,
    consultation: Option<crate::residents::ConsultationRate>,
    policy: &PlanningPolicy,
) -> Vec<Text> {
    let mut why = Vec::new();
    if from == to {
        return why;
    }
    if to != PoolState::Reserved && !in_pool(outcome) {
        let o = outcome.label();
        why.push(Text::new(
            format!("判定结果为“{}”，不能列入计划", o.zh),
            format!("the estate is {}: it cannot enter a plan", o.en),
        ));
    }
    if to == PoolState::Planned {
        if let Some(c) = consultation {
            let t = policy.consultation_threshold_pct;
            if !c.meets(t) {
                let (a, h, r) = (c.answered, c.households, c.pct());
                why.push(Text::new(
                    format!("征求意见率{r:.1}%（{a}/{h}户），未达到{t:.0}%"),
                    format!(
                        "the consultation rate is {r:.1} % ({a} of {h} households), below {t:.0} %"
                    ),
                ));
            }
        }
    }
    if to == PoolState::Implementing && from == PoolState::Reserved {
        why.push(Text::new(
            "须先列入年度计划才能实施",
            "an estate is planned before it is implemented",
        ));
    }
    why
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    #[test]
    fn only_ready_estates_enter_a_plan() {
        let p = Policy::national().planning;
        let g = |o, c| gate(PoolState::Reserved, PoolState::Planned, o, c, &p);
        let rate = |answered, households| {
            Some(crate::residents::ConsultationRate {
                households,
                answered,
                agreed: 0,
            })
        };
        assert!(g(Outcome::Eligible, None).is_empty());
        assert!(
            g(Outcome::Conditional, rate(80, 100)).is_empty(),
            "80 % is enough"
        );
        assert_eq!(g(Outcome::Eligible, rate(799, 1000)).len(), 1);
        assert_eq!(g(Outcome::Out, rate(1, 2)).len(), 2);
        assert_eq!(g(Outcome::Undetermined, None).len(), 1);
        assert_eq!(
            gate(
                PoolState::Reserved,
                PoolState::Implementing,
                Outcome::Eligible,
                None,
                &p
            )
            .len(),
            1
        );
        assert!(
            gate(
                PoolState::Planned,
                PoolState::Reserved,
                Outcome::Out,
                None,
                &p
            )
            .is_empty(),
            "back to the pool is always allowed"
        );
    }
}
