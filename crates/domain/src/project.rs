//! A renovation project's lifecycle (DOMAIN §8) as a state machine: planned → scheme approved →
//! designed & estimated → tendered → under construction → completed → accepted → handed over.
//! A project moves one step at a time; each step checks its gates against what is known of the
//! project ([`ProjectFacts`]) and a refusal lists every gate that failed with its reason, so that
//! the implementing entity sees all that is missing at once.
//!
//! The gates the seeds name: not planned without eligibility and the 80 % consultation; not
//! started before the approvals the project needs are done and the illegal structures blocking
//! fire lanes are removed (seed 方案3 §4); not accepted without the closed-water test where rain and
//! sewage were separated (seed 方案3 §5) and without residents' representatives in the joint
//! acceptance, nor while findings of the inspections wait for their rectification. The steps between record what each step produces (the approved scheme, the design
//! and estimate, the contract, the finished works, the managing unit).

use crate::approvals::Approval;
use crate::i18n::Text;
use crate::residents::ConsultationRate;

keyed_enum! {
    /// Where a project stands. The keys are the API's names.
    ProjectState {
        Planned => "planned", "已列入计划", "planned";
        SchemeApproved => "scheme_approved", "方案已批复", "scheme approved";
        Designed => "designed", "已完成设计和概算", "designed and estimated";
        Tendered => "tendered", "已招标", "tendered";
        UnderConstruction => "under_construction", "施工中", "under construction";
        Completed => "completed", "已完工", "completed";
        Accepted => "accepted", "已竣工验收", "accepted";
        HandedOver => "handed_over", "已移交管理", "handed over";
    }
}

impl ProjectState {
    /// The state after this one, if any.
    pub fn next(self) -> Option<ProjectState> {
        let all = ProjectState::ALL;
        let i = all.iter().position(|s| *s == self)?;
        all.get(i + 1).copied()
    }
}

keyed_enum! {
    /// A gate of a step: what must hold before a project enters a state.
    Gate {
        Step => "step", "须逐步推进", "one step at a time";
        Eligible => "eligible", "符合改造条件", "eligible for renovation";
        InPlan => "in_plan", "已列入年度计划", "in an annual plan";
        Consultation => "consultation", "征求意见率达到门槛", "consultation at the threshold";
        SchemePublished => "scheme_published", "改造方案已公示", "scheme publicised";
        SchemeApproval => "scheme_approval", "改造方案已批复", "scheme approved";
        Estimate => "estimate", "设计和概算已完成", "design and estimate done";
        Contractor => "contractor", "已确定施工单位", "contractor chosen";
        Approvals => "approvals", "审批手续已办结", "approvals done";
        FireLanes => "fire_lanes", "占用消防通道的违法建设已拆除", "illegal structures on fire lanes removed";
        WorksDone => "works_done", "工程已全部完成", "works finished";
        ClosedWaterTest => "closed_water_test", "闭水试验合格", "closed-water test passed";
        Residents => "residents", "居民代表参加联合验收", "residents' representatives in the joint acceptance";
        Acceptance => "acceptance", "联合竣工验收合格", "joint acceptance passed";
        Rectification => "rectification", "检查发现的问题已整改", "findings rectified";
        Management => "management", "已明确管理模式和管理单位", "management mode and managing unit set";
    }
}

/// A gate that failed, with why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GateFailure {
    pub gate: Gate,
    pub reason: Text,
}

/// What is known of a project that its gates look at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFacts {
    /// Every estate of the project is eligible; otherwise the names and reasons of those not.
    pub ineligible: Vec<String>,
    /// The names of the estates not taken into an annual plan (the reserve pool's `planned`).
    pub not_in_plan: Vec<String>,
    /// The latest consultation of each estate (name, rate), `None` where none was held.
    pub consultations: Vec<(String, Option<ConsultationRate>)>,
    pub consultation_threshold_pct: f64,
    /// The scheme was publicised to residents (a notice of kind `scheme`).
    pub scheme_published: bool,
    /// The approval of the scheme (its document number).
    pub scheme_approval: Option<String>,
    /// The estimate in fen, once the design is done.
    pub estimate_fen: Option<i64>,
    pub contractor: Option<String>,
    /// The approvals the project needs that are not yet done.
    pub approvals_missing: Vec<Approval>,
    /// Illegal structures blocking fire lanes not yet removed.
    pub fire_lane_structures_left: u32,
    /// Physical progress, in per cent.
    pub progress_pct: u32,
    /// Rain and sewage were separated by the works.
    pub rain_sewage_separated: bool,
    /// The latest closed-water test and joint acceptance, from the inspections.
    pub acceptance: crate::works::AcceptanceRecord,
    /// Findings of inspections not yet rectified.
    pub open_findings: u32,
    /// The managing unit after hand-over.
    pub managing_unit: Option<String>,
}

fn fail(gate: Gate, zh: String, en: String) -> GateFailure {
    GateFailure {
        gate,
        reason: Text::new(zh, en),
    }
}

/// Whether a project in `from` may enter `to`: `Ok`, or every failed gate with its reason. A
/// project moves one state forward at a time; a jump names the steps it skips, and going back is
/// refused.
pub fn check_transition(
    from: ProjectState,
    to: ProjectState,
    f: &ProjectFacts,
) -> Result<(), Vec<GateFailure>> {
    if from.next() != Some(to) {
        let (a, b) = (from as usize, to as usize);
        let (zh, en) = if b > a + 1 {
            let skipped: Vec<ProjectState> = ProjectState::ALL[a + 1..b].to_vec();
            (
                format!(
                    "不能跳过：{}",
                    skipped
                        .iter()
                        .map(|s| s.label().zh)
                        .collect::<Vec<_>>()
                        .join("、")
                ),
                format!(
                    "steps missing: {}",
                    skipped
                        .iter()
                        .map(|s| s.key())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        } else {
            (
                format!("不能从“{}”回到“{}”", from.label().zh, to.label().zh),
                format!("cannot go back from {} to {}", from.key(), to.key()),
            )
        };
        return Err(vec![fail(Gate::Step, zh, en)]);
    }
    let mut failed = Vec::new();
    match to {
        ProjectState::Planned => {}
        ProjectState::SchemeApproved => {
            if !f.scheme_published {
                failed.push(fail(
                    Gate::SchemePublished,
                    "改造方案尚未向居民公示".into(),
                    "the scheme has not been publicised to the residents".into(),
                ));
            }
            if f.scheme_approval
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
            {
                failed.push(fail(
                    Gate::SchemeApproval,
                    "缺少方案批复文号".into(),
                    "the scheme's approval (document number) is missing".into(),
                ));
            }
        }
        ProjectState::Designed => {
            if f.estimate_fen.is_none_or(|e| e <= 0) {
                failed.push(fail(
                    Gate::Estimate,
                    "尚未录入设计概算".into(),
                    "the design's estimate is not recorded".into(),
                ));
            }
        }
        ProjectState::Tendered => {
            if f.contractor.as_deref().is_none_or(|c| c.trim().is_empty()) {
                failed.push(fail(
                    Gate::Contractor,
                    "尚未确定施工单位".into(),
                    "no contractor has been chosen".into(),
                ));
            }
        }
        ProjectState::UnderConstruction => {
            if !f.approvals_missing.is_empty() {
                failed.push(fail(
                    Gate::Approvals,
                    format!(
                        "尚未办结：{}",
                        f.approvals_missing
                            .iter()
                            .map(|a| a.label().zh)
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                    format!(
                        "approvals not done: {}",
                        f.approvals_missing
                            .iter()
                            .map(|a| a.key())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            if f.fire_lane_structures_left > 0 {
                let n = f.fire_lane_structures_left;
                failed.push(fail(
                    Gate::FireLanes,
                    format!("还有{n}处占用消防通道的违法建设未拆除"),
                    format!("{n} illegal structures still block fire lanes"),
                ));
            }
        }
        ProjectState::Completed => {
            if f.progress_pct < 100 {
                let p = f.progress_pct;
                failed.push(fail(
                    Gate::WorksDone,
                    format!("工程形象进度为{p}%，尚未全部完成"),
                    format!("the works are {p} % done, not all"),
                ));
            }
        }
        ProjectState::Accepted => {
            if f.rain_sewage_separated && !f.acceptance.closed_water_test_passed {
                failed.push(fail(
                    Gate::ClosedWaterTest,
                    "实施了雨污分流，须闭水试验合格后方可验收".into(),
                    "rain and sewage were separated: the closed-water test must pass first".into(),
                ));
            }
            if !f.acceptance.residents_in_acceptance {
                failed.push(fail(
                    Gate::Residents,
                    "联合竣工验收须有居民代表参加".into(),
                    "the joint acceptance needs residents' representatives".into(),
                ));
            }
            if !f.acceptance.acceptance_passed {
                failed.push(fail(
                    Gate::Acceptance,
                    "尚无合格的联合竣工验收记录".into(),
                    "no joint acceptance has passed".into(),
                ));
            }
            if f.open_findings > 0 {
                let n = f.open_findings;
                failed.push(fail(
                    Gate::Rectification,
                    format!("还有{n}项检查发现的问题未整改完成"),
                    format!("{n} findings of inspections are not yet rectified"),
                ));
            }
        }
        ProjectState::HandedOver => {
            if f.managing_unit
                .as_deref()
                .is_none_or(|m| m.trim().is_empty())
            {
                failed.push(fail(
                    Gate::Management,
                    "尚未明确改造后的管理模式和管理单位".into(),
                    "the management mode and the managing unit are not set".into(),
                ));
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed)
    }
}

/// Whether an estate's facts let a project be planned (its first state): every estate eligible,
/// in an annual plan, and its consultation at the threshold.
pub fn check_planning(f: &ProjectFacts) -> Result<(), Vec<GateFailure>> {
    let mut failed = Vec::new();
    for why in &f.ineligible {
        failed.push(fail(
            Gate::Eligible,
            format!("不符合改造条件：{why}"),
            format!("not eligible: {why}"),
        ));
    }
    for name in &f.not_in_plan {
        failed.push(fail(
            Gate::InPlan,
            format!("{name}尚未列入年度计划"),
            format!("{name} is not in an annual plan"),
        ));
    }
    let t = f.consultation_threshold_pct;
    for (name, rate) in &f.consultations {
        match rate {
            None => failed.push(fail(
                Gate::Consultation,
                format!("{name}尚未征求居民意见"),
                format!("{name}: no consultation held"),
            )),
            Some(r) if !r.meets(t) => failed.push(fail(
                Gate::Consultation,
                format!(
                    "{name}征求意见率{:.1}%（{}/{}），低于{t}%",
                    r.pct(),
                    r.answered,
                    r.households
                ),
                format!(
                    "{name}: consultation rate {:.1} % ({}/{}) is below {t} %",
                    r.pct(),
                    r.answered,
                    r.households
                ),
            )),
            Some(_) => {}
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProjectState::*;

    /// Facts under which every gate passes.
    fn all_green() -> ProjectFacts {
        ProjectFacts {
            ineligible: Vec::new(),
            not_in_plan: Vec::new(),
            consultations: vec![(
                "甲小区".into(),
                Some(ConsultationRate {
                    households: 10,
                    answered: 8,
                    agreed: 8,
                }),
            )],
            consultation_threshold_pct: 80.0,
            scheme_published: true,
            scheme_approval: Some("合建〔2026〕12号".into()),
            estimate_fen: Some(320_000_000),
            contractor: Some("安徽某建设公司".into()),
            approvals_missing: Vec::new(),
            fire_lane_structures_left: 0,
            progress_pct: 100,
            rain_sewage_separated: true,
            acceptance: crate::works::AcceptanceRecord {
                closed_water_test_passed: true,
                acceptance_passed: true,
                residents_in_acceptance: true,
            },
            open_findings: 0,
            managing_unit: Some("某物业公司".into()),
        }
    }

    fn gates(r: Result<(), Vec<GateFailure>>) -> Vec<Gate> {
        r.err().unwrap_or_default().iter().map(|g| g.gate).collect()
    }

    #[test]
    fn every_step_passes_when_its_gates_are_green() {
        let f = all_green();
        assert_eq!(check_planning(&f), Ok(()));
        let mut s = Planned;
        while let Some(next) = s.next() {
            assert_eq!(check_transition(s, next, &f), Ok(()), "{s:?} → {next:?}");
            s = next;
        }
        assert_eq!(s, HandedOver);
    }

    #[test]
    fn each_gate_fails_with_its_reason() {
        type Spoil = Box<dyn Fn(&mut ProjectFacts)>;
        let cases: Vec<(ProjectState, Spoil, Vec<Gate>)> = vec![
            (
                SchemeApproved,
                Box::new(|f| f.scheme_published = false),
                vec![Gate::SchemePublished],
            ),
            (
                SchemeApproved,
                Box::new(|f| f.scheme_approval = Some(" ".into())),
                vec![Gate::SchemeApproval],
            ),
            (
                Designed,
                Box::new(|f| f.estimate_fen = None),
                vec![Gate::Estimate],
            ),
            (
                Tendered,
                Box::new(|f| f.contractor = None),
                vec![Gate::Contractor],
            ),
            (
                UnderConstruction,
                Box::new(|f| {
                    f.approvals_missing = vec![Approval::ConstructionPermit];
                    f.fire_lane_structures_left = 2;
                }),
                vec![Gate::Approvals, Gate::FireLanes],
            ),
            (
                Completed,
                Box::new(|f| f.progress_pct = 99),
                vec![Gate::WorksDone],
            ),
            (
                Accepted,
                Box::new(|f| {
                    f.acceptance = Default::default();
                    f.open_findings = 1;
                }),
                vec![
                    Gate::ClosedWaterTest,
                    Gate::Residents,
                    Gate::Acceptance,
                    Gate::Rectification,
                ],
            ),
            (
                HandedOver,
                Box::new(|f| f.managing_unit = None),
                vec![Gate::Management],
            ),
        ];
        for (to, spoil, want) in cases {
            let mut f = all_green();
            spoil(&mut f);
            let from = ProjectState::ALL[to as usize - 1];
            let r = check_transition(from, to, &f);
            let reasons: Vec<String> = r
                .clone()
                .err()
                .unwrap()
                .iter()
                .map(|g| g.reason.zh.clone())
                .collect();
            assert_eq!(gates(r), want, "{to:?}: {reasons:?}");
        }
    }

    #[test]
    fn the_closed_water_test_is_needed_only_where_rain_and_sewage_were_separated() {
        let mut f = all_green();
        f.rain_sewage_separated = false;
        f.acceptance.closed_water_test_passed = false;
        assert_eq!(check_transition(Completed, Accepted, &f), Ok(()));
    }

    #[test]
    fn planning_needs_eligibility_and_the_consultation_at_its_threshold() {
        let mut f = all_green();
        // Exactly 80 % passes ("以上").
        assert_eq!(check_planning(&f), Ok(()));
        f.consultations[0].1 = Some(ConsultationRate {
            households: 10,
            answered: 7,
            agreed: 7,
        });
        f.consultations.push(("乙小区".into(), None));
        f.ineligible.push("乙小区：2005年后建成".into());
        f.not_in_plan.push("乙小区".into());
        let r = check_planning(&f);
        let reasons: Vec<String> = r
            .clone()
            .err()
            .unwrap()
            .iter()
            .map(|g| g.reason.zh.clone())
            .collect();
        assert_eq!(
            gates(r),
            [
                Gate::Eligible,
                Gate::InPlan,
                Gate::Consultation,
                Gate::Consultation
            ]
        );
        assert!(
            reasons[2].contains("7/10") && reasons[2].contains("80%"),
            "{reasons:?}"
        );
    }

    #[test]
    fn a_jump_names_the_steps_it_skips_and_going_back_is_refused() {
        let f = all_green();
        let r = check_transition(Designed, UnderConstruction, &f).unwrap_err();
        assert_eq!(r[0].gate, Gate::Step);
        assert!(r[0].reason.en.contains("tendered"), "{:?}", r[0].reason);
        let r = check_transition(Accepted, Completed, &f).unwrap_err();
        assert!(r[0].reason.en.contains("cannot go back"));
        let r = check_transition(Planned, Planned, &f).unwrap_err();
        assert_eq!(r[0].gate, Gate::Step);
    }
}
