//! Which approvals a renovation project needs (DOMAIN §8, seed 方案5 §6.2), computed from what the
//! project is, with the reason for each one waived:
//!
//! - no land-planning permit, environmental impact assessment or feasibility study where land
//!   rights and use do not change and the environmental impact is small;
//! - no construction-planning permit or drawing review for low-risk works that do not touch the
//!   main structure;
//! - the proposal and the feasibility study merged for government projects in the national plan;
//! - a self-funded project needs only its approved scheme;
//! - *(ext: 建筑工程施工许可管理办法 Art. 2)* no construction permit below the investment or floor
//!   area the policy sets (national: 300,000 yuan or 300 m²).

use crate::i18n::Text;
use crate::quantity::{Area, Money};

keyed_enum! {
    /// An approval of a construction project, in the order they are done.
    Approval {
        ProjectProposal => "project_proposal", "项目建议书", "project proposal";
        Feasibility => "feasibility", "可行性研究报告", "feasibility study";
        LandPlanningPermit => "land_planning_permit", "用地规划许可", "land-planning permit";
        Eia => "eia", "环境影响评价", "environmental impact assessment";
        ConstructionPlanningPermit => "construction_planning_permit", "建设工程规划许可", "construction-planning permit";
        DrawingReview => "drawing_review", "施工图审查", "drawing review";
        ConstructionPermit => "construction_permit", "施工许可", "construction permit";
    }
}

/// What a project is, as far as its approvals go.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProjectAttributes {
    /// Land rights or the use of land change.
    pub land_changes: bool,
    /// The environmental impact is small.
    pub small_environmental_impact: bool,
    /// The works are low-risk and do not touch the main structure.
    pub low_risk_structure_untouched: bool,
    /// A government project in the national plan.
    pub in_national_plan: bool,
    /// Paid by the residents (or an owner) alone.
    pub self_funded: bool,
    pub investment: Money,
    /// The floor area the works build or alter.
    pub works_area: Area,
}

/// The numbers of the approval rules (`[approvals]` of the policy; the national defaults are in
/// `policy/national.toml`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalPolicy {
    /// Below this investment (yuan) no construction permit is needed.
    pub construction_permit_min_yuan: i64,
    /// Below this floor area (m²) no construction permit is needed.
    pub construction_permit_min_m2: f64,
}

/// Whether an approval is needed, and if not, why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "need", rename_all = "snake_case")]
pub enum Need {
    Required,
    Waived {
        reason: Text,
    },
    /// Done together with another approval.
    Merged {
        into: Approval,
        reason: Text,
    },
}

/// Every approval with whether the project needs it.
pub fn approvals_needed(a: &ProjectAttributes, p: &ApprovalPolicy) -> Vec<(Approval, Need)> {
    use Approval::*;
    Approval::ALL
        .iter()
        .map(|&ap| {
            let waived = |zh: &str, en: &str| Need::Waived {
                reason: Text::new(zh, en),
            };
            let need = if a.self_funded {
                waived(
                    "居民自筹资金项目，仅需审批改造方案",
                    "self-funded: only the scheme needs approving",
                )
            } else {
                match ap {
                    LandPlanningPermit | Eia | Feasibility
                        if !a.land_changes && a.small_environmental_impact =>
                    {
                        waived(
                            "不涉及土地权属和用途变化、环境影响较小，可不办理",
                            "land rights and use do not change and the environmental impact is small",
                        )
                    }
                    Feasibility if a.in_national_plan => Need::Merged {
                        into: ProjectProposal,
                        reason: Text::new(
                            "纳入国家计划的政府投资项目，项目建议书与可行性研究报告合并审批",
                            "a government project in the national plan: proposal and feasibility study approved together",
                        ),
                    },
                    ConstructionPlanningPermit | DrawingReview if a.low_risk_structure_untouched => {
                        waived(
                            "不涉及主体结构的低风险工程，可不办理",
                            "low-risk works that do not touch the main structure",
                        )
                    }
                    ConstructionPermit
                        if a.investment.fen() < p.construction_permit_min_yuan * 100
                            || a.works_area.m2() < p.construction_permit_min_m2 =>
                    {
                        Need::Waived {
                            reason: Text::new(
                                format!(
                                    "投资额低于{}万元或建筑面积低于{}平方米，可不申请施工许可",
                                    p.construction_permit_min_yuan as f64 / 10_000.0,
                                    p.construction_permit_min_m2
                                ),
                                format!(
                                    "investment under {} yuan or floor area under {} m²",
                                    p.construction_permit_min_yuan, p.construction_permit_min_m2
                                ),
                            ),
                        }
                    }
                    _ => Need::Required,
                }
            };
            (ap, need)
        })
        .collect()
}

/// The approvals a project must have done before its works start.
pub fn required(a: &ProjectAttributes, p: &ApprovalPolicy) -> Vec<Approval> {
    approvals_needed(a, p)
        .into_iter()
        .filter(|(_, n)| *n == Need::Required)
        .map(|(a, _)| a)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Approval::*;

    /// A typical renovation: no land change, small impact, structure untouched, in the national
    /// plan, 3.2 million yuan over 20,000 m².
    fn typical() -> ProjectAttributes {
        ProjectAttributes {
            land_changes: false,
            small_environmental_impact: true,
            low_risk_structure_untouched: true,
            in_national_plan: true,
            self_funded: false,
            investment: Money::from_yuan(3_200_000),
            works_area: Area::from_centi_m2(2_000_000),
        }
    }

    #[test]
    fn a_typical_renovation_needs_the_proposal_and_the_construction_permit() {
        let p = crate::Policy::national().approvals;
        assert_eq!(
            required(&typical(), &p),
            [ProjectProposal, ConstructionPermit]
        );
        let all = approvals_needed(&typical(), &p);
        assert!(matches!(all[2].1, Need::Waived { ref reason } if reason.zh.contains("土地权属")));
    }

    #[test]
    fn each_simplification_applies_only_where_its_condition_holds() {
        let p = crate::Policy::national().approvals;
        // Land use changes: the land-planning permit, EIA and feasibility come back; the
        // feasibility study is then merged into the proposal (national plan).
        let mut a = typical();
        a.land_changes = true;
        assert_eq!(
            required(&a, &p),
            [ProjectProposal, LandPlanningPermit, Eia, ConstructionPermit]
        );
        assert!(matches!(
            approvals_needed(&a, &p)[1].1,
            Need::Merged {
                into: ProjectProposal,
                ..
            }
        ));
        a.in_national_plan = false;
        assert!(required(&a, &p).contains(&Feasibility));
        // Works touching the main structure (a lift shaft, say).
        let mut a = typical();
        a.low_risk_structure_untouched = false;
        assert_eq!(
            required(&a, &p),
            [
                ProjectProposal,
                ConstructionPlanningPermit,
                DrawingReview,
                ConstructionPermit
            ]
        );
        // Small works need no construction permit: under 300,000 yuan, or under 300 m².
        let mut a = typical();
        a.investment = Money::from_fen(29_999_999);
        assert_eq!(required(&a, &p), [ProjectProposal]);
        let mut a = typical();
        a.works_area = Area::from_centi_m2(29_999);
        assert_eq!(required(&a, &p), [ProjectProposal]);
        a.works_area = Area::from_centi_m2(30_000);
        assert_eq!(required(&a, &p), [ProjectProposal, ConstructionPermit]);
        // Self-funded: nothing but the scheme.
        let mut a = typical();
        a.self_funded = true;
        assert!(required(&a, &p).is_empty());
    }
}
