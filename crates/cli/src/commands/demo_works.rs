//! The demo's works and money (DOMAIN §7–9): projects of this year's planned estates whose
//! consultation passed, walked through their gates to every state of the lifecycle as a
//! programme stands late in its year — most under construction, some still waiting for their
//! scheme (their start now overdue), some accepted and handed over — with realistic dates,
//! monthly progress, inspections and their findings, the funding plan, the money received and
//! disbursed in the ledger, the central subsidy allocated down by the factor method, and the
//! departments' tasks where the demo has department accounts.

use super::*;
use anju_domain::catalogue::FundingSource;
use anju_domain::project::ProjectState;
use anju_domain::{DivisionCode, Money};
use anju_io::demo::Rng;
use anju_store::ledger::EntryKind;
use anju_store::scoped::{InspectionInput, PlanLine, ProgressInput, ProjectPatch, Scoped};
use chrono::{Datelike, NaiveDate};

/// How far each of twenty projects goes: a year's programme in late autumn.
const TARGETS: [ProjectState; 20] = {
    use ProjectState::*;
    [
        Planned,
        SchemeApproved,
        SchemeApproved,
        Designed,
        Tendered,
        UnderConstruction,
        UnderConstruction,
        UnderConstruction,
        UnderConstruction,
        UnderConstruction,
        UnderConstruction,
        UnderConstruction,
        Completed,
        Completed,
        Completed,
        Accepted,
        Accepted,
        Accepted,
        HandedOver,
        HandedOver,
    ]
};

/// A project's estimate when its estates' lists cost less (100,000 yuan).
const MIN_ESTIMATE_FEN: i64 = 10_000_000;

#[derive(Default)]
pub(super) struct WorksSay {
    pub projects: usize,
    pub by_state: std::collections::BTreeMap<ProjectState, usize>,
    pub reports: usize,
    pub inspections: usize,
    pub findings: usize,
    pub ledger: usize,
    pub tasks: usize,
}

fn day(year: i32, month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, d.min(28)).expect("a real day")
}

/// The demo's projects from `estates` (this year's planned estates whose residents were
/// consulted), as of `today`.
pub(super) async fn demo_works(
    store: &Store,
    s: &Settings,
    seed: u64,
    estates: &[i64],
    today: NaiveDate,
) -> anyhow::Result<WorksSay> {
    let ctx = WriteCtx::new("demo", Some("demo".into()));
    let all = store.scoped(anju_domain::Scope::All);
    let a = store.assessor(s.policy.clone(), s.reference_year).await?;
    let users = store.list_users(&anju_domain::Scope::All).await?;
    let mut rng = Rng::new(seed ^ 0x776f_726b);
    let mut say = WorksSay::default();
    let year = s.reference_year;
    let mut central_by_county: std::collections::BTreeMap<String, i64> = Default::default();
    for (i, &estate) in estates.iter().enumerate() {
        let target = TARGETS[i % TARGETS.len()];
        let Ok(Ok(view)) = all
            .create_project(&a, "", &[estate], Some(year), &ctx)
            .await
        else {
            continue;
        };
        let id = view.id;
        say.projects += 1;
        let plan = all.funding_plan(&a, id).await?;
        let estimate = plan.estimate.fen().max(MIN_ESTIMATE_FEN);
        let may_pay = plan.check.higher_level_may_pay.fen();
        let central = may_pay * 5 / 10;
        let provincial = may_pay * 2 / 10;
        let lines = vec![
            PlanLine {
                source: FundingSource::Central,
                amount: Money::from_fen(central),
            },
            PlanLine {
                source: FundingSource::Provincial,
                amount: Money::from_fen(provincial),
            },
            PlanLine {
                source: FundingSource::CityCounty,
                amount: Money::from_fen((estimate - central - provincial).max(0)),
            },
        ];
        let _ = all.set_funding_plan(&a, id, lines, &ctx).await?;
        if let Some(county) = view.division_code.get(..6) {
            *central_by_county.entry(county.to_string()).or_default() += central;
        }
        let start = day(year, 4 + rng.below(3) as u32, 1 + rng.below(28) as u32);
        let done = day(year, 10, 1 + rng.below(28) as u32);
        let patch = ProjectPatch {
            investment_fen: Some(estimate),
            start_planned: Some(start.to_string()),
            works_done_planned: Some(done.to_string()),
            basic_done_planned: Some(day(year, 12, 15).to_string()),
            rain_sewage_separated: Some(rng.chance(0.5)),
            fire_lane_structures_left: Some(0),
            ..Default::default()
        };
        all.update_project(&a, id, &patch, &ctx).await?;
        let county = view.division_code.get(..6).unwrap_or("").to_string();
        let dept = users
            .iter()
            .find(|u| u.username == format!("dept-{county}"));
        if let Some(d) = dept {
            let t = all
                .create_tasks(
                    &[anju_store::scoped::NewTask {
                        project_id: Some(id),
                        title: "拆除占用消防通道的违法建设".into(),
                        department_id: d.id,
                        deadline: Some(day(year, 5, 31)),
                        ..Default::default()
                    }],
                    &ctx,
                )
                .await?;
            say.tasks += t.len();
            if target >= ProjectState::UnderConstruction {
                all.update_task(
                    t[0].id,
                    None,
                    anju_domain::responsibility::TaskStatus::Done,
                    Some("已拆除"),
                    &ctx,
                )
                .await?;
            }
        }
        let reached = walk(
            &all,
            &a,
            id,
            target,
            WalkDates {
                start,
                done,
                today,
                estimate_fen: estimate,
            },
            &mut rng,
            &mut say,
            &ctx,
        )
        .await?;
        *say.by_state.entry(reached).or_default() += 1;
        // Money: the higher levels' share received, the rest as far as the works have gone.
        if reached >= ProjectState::Tendered {
            let progress = all.project(&a, id).await?.progress_pct as i64;
            let mut entries = 0;
            for (source, planned) in [
                (FundingSource::Central, central),
                (FundingSource::Provincial, provincial),
                (
                    FundingSource::CityCounty,
                    (estimate - central - provincial).max(0),
                ),
            ] {
                let received = planned * (60 + rng.below(41) as i64) / 100;
                let disbursed =
                    received * progress.min(100) / 100 * (80 + rng.below(21) as i64) / 100;
                for (kind, amount) in [
                    (EntryKind::Receipt, received),
                    (EntryKind::Disbursement, disbursed),
                ] {
                    if amount > 0 {
                        all.record_money(id, kind, source, Money::from_fen(amount), "演示", &ctx)
                            .await?;
                        entries += 1;
                    }
                }
            }
            say.ledger += entries;
        }
    }
    // The central subsidy allocated down: from the province to its cities, and each city's to
    // its counties, by the factor method.
    let total: i64 = central_by_county.values().sum();
    if total > 0 {
        let province = DivisionCode::parse_short("34")?;
        let shares = all
            .allocate_down(
                &a,
                &province,
                FundingSource::Central,
                Money::from_fen(total),
                "中央补助资金（演示）",
                &ctx,
            )
            .await?;
        say.ledger += shares.iter().filter(|s| s.ledger_id.is_some()).count();
        for s in shares.iter().filter(|s| s.amount.fen() > 0) {
            let city = DivisionCode::parse(&s.division_code)?;
            let down = all
                .allocate_down(
                    &a,
                    &city,
                    FundingSource::Central,
                    s.amount,
                    "中央补助资金（演示）",
                    &ctx,
                )
                .await?;
            say.ledger += down.iter().filter(|s| s.ledger_id.is_some()).count();
        }
    }
    Ok(say)
}

struct WalkDates {
    start: NaiveDate,
    done: NaiveDate,
    today: NaiveDate,
    /// The estimate, which the investment completed follows.
    estimate_fen: i64,
}

/// Moves a project step by step towards `target`, recording what each step needs on the way;
/// stops where a gate still refuses (the state reached).
#[allow(clippy::too_many_arguments)]
async fn walk(
    all: &Scoped,
    a: &anju_store::Assessor,
    id: i64,
    target: ProjectState,
    dates: WalkDates,
    rng: &mut Rng,
    say: &mut WorksSay,
    ctx: &WriteCtx,
) -> anyhow::Result<ProjectState> {
    let WalkDates {
        start,
        done,
        today,
        estimate_fen,
    } = dates;
    let year = start.year();
    let mut state = ProjectState::Planned;
    while state < target {
        let Some(next) = state.next() else { break };
        let mut patch = ProjectPatch::default();
        match next {
            ProjectState::SchemeApproved => {
                patch.scheme_approval = Some(format!("建改〔{year}〕{}号", 10 + rng.below(90)));
            }
            ProjectState::Designed => {
                let p = all.funding_plan(a, id).await?;
                patch.estimate_fen = Some(p.estimate.fen().max(MIN_ESTIMATE_FEN));
            }
            ProjectState::Tendered => {
                patch.contractor = Some(
                    ["安徽建工集团", "中铁四局", "安徽水利开发", "合肥城建发展"]
                        [rng.below(4) as usize]
                        .to_string(),
                );
            }
            ProjectState::UnderConstruction => {
                let v = all.project(a, id).await?;
                patch.approvals_done = Some(
                    v.approvals
                        .iter()
                        .filter(|(_, n)| *n == anju_domain::approvals::Need::Required)
                        .map(|(k, _)| k.key().to_string())
                        .collect(),
                );
                patch.start_actual = Some(start.min(today).to_string());
                patch.fire_lane_structures_left = Some(0);
            }
            ProjectState::Completed => {
                patch.works_done_actual = Some(done.min(today).to_string());
            }
            ProjectState::HandedOver => {
                patch.management_mode = Some("Professional".into());
                patch.managing_unit = Some("本地物业服务有限公司".into());
                patch.management_duties = Some("保洁、绿化养护、公共设施维修、秩序维护".into());
            }
            _ => {}
        }
        all.update_project(a, id, &patch, ctx).await?;
        // What the works leave before their steps: reports, inspections, acceptance.
        match next {
            ProjectState::Completed => {
                progress(all, id, (start, done), 100, estimate_fen, say, ctx).await?;
            }
            ProjectState::Accepted => {
                let v = all.inspections(id, today).await?;
                for f in v
                    .iter()
                    .flat_map(|i| &i.findings)
                    .filter(|f| f.closed_on.is_none())
                {
                    let on = NaiveDate::parse_from_str(&f.rectify_by, "%Y-%m-%d")?.min(today);
                    all.close_finding(f.id, on, "已整改到位", ctx).await?;
                }
                let at = (done + chrono::Duration::days(7 + rng.below(10) as i64)).min(today);
                inspect(all, id, serde_json::json!({"kind": "closed_water_test", "date": at.to_string(), "inspector": "监理单位", "passed": true}), say, ctx).await?;
                inspect(all, id, serde_json::json!({"kind": "joint_acceptance", "date": at.to_string(), "inspector": "县住房城乡建设局", "passed": true,
                    "participants": [{"role": "implementing_entity", "unit": "实施主体"}, {"role": "builder", "unit": "施工单位"}, {"role": "supervisor", "unit": "监理单位"}, {"role": "residents", "unit": "居民代表"}]}), say, ctx).await?;
            }
            _ => {}
        }
        match all.transition(a, id, next, ctx).await? {
            Ok(_) => state = next,
            Err(_) => break,
        }
        if state == ProjectState::UnderConstruction {
            // Under way: reports to this month, an inspection in June with its findings.
            let pct = if target > ProjectState::UnderConstruction {
                90
            } else {
                30 + rng.below(60) as u32
            };
            progress(
                all,
                id,
                (start, today.min(done)),
                pct,
                estimate_fen,
                say,
                ctx,
            )
            .await?;
            let on = (start + chrono::Duration::days(45)).min(today);
            let n = rng.below(3);
            let findings: Vec<serde_json::Value> = (0..n)
                .map(|k| {
                    let (what, severity) = [("外墙保温层局部空鼓", "major"), ("楼道照明线路未穿管", "minor"), ("雨水管坡度不足", "major"), ("施工围挡不连续", "minor")][((k + rng.below(4)) % 4) as usize];
                    serde_json::json!({"description": what, "severity": severity,
                        "rectify_by": (on + chrono::Duration::days(10 + rng.below(20) as i64)).to_string()})
                })
                .collect();
            say.findings += findings.len();
            inspect(all, id, serde_json::json!({"kind": "supervision", "date": on.to_string(), "inspector": "县住房城乡建设局质量安全监督站", "findings": findings}), say, ctx).await?;
            // Most findings are rectified in time.
            let v = all.inspections(id, today).await?;
            for f in v.iter().flat_map(|i| &i.findings) {
                if rng.chance(0.7) {
                    let by = NaiveDate::parse_from_str(&f.rectify_by, "%Y-%m-%d")?;
                    all.close_finding(
                        f.id,
                        (by - chrono::Duration::days(2)).min(today),
                        "已整改并复查",
                        ctx,
                    )
                    .await?;
                }
            }
        }
    }
    if state == ProjectState::HandedOver && rng.chance(0.5) {
        let on = today - chrono::Duration::days(3 + rng.below(20) as i64);
        let c = all
            .record_complaint(id, on, "12345热线", "楼道灯不亮，已报物业", ctx)
            .await?;
        all.follow_complaint(
            c.id,
            on + chrono::Duration::days(1),
            "物业已更换灯具",
            anju_domain::responsibility::ComplaintStatus::Resolved,
            ctx,
        )
        .await?;
    }
    Ok(state)
}

async fn inspect(
    all: &Scoped,
    id: i64,
    body: serde_json::Value,
    say: &mut WorksSay,
    ctx: &WriteCtx,
) -> anyhow::Result<()> {
    let input: InspectionInput = serde_json::from_value(body)?;
    all.record_inspection(id, &input, ctx).await?;
    say.inspections += 1;
    Ok(())
}

/// Monthly reports from the start's month to the end's, the progress rising to `pct` and the
/// investment with it.
async fn progress(
    all: &Scoped,
    id: i64,
    (start, until): (NaiveDate, NaiveDate),
    pct: u32,
    estimate_fen: i64,
    say: &mut WorksSay,
    ctx: &WriteCtx,
) -> anyhow::Result<()> {
    let months: Vec<(i32, u32)> = {
        let mut m = Vec::new();
        let (mut y, mut mo) = (start.year(), start.month());
        while (y, mo) <= (until.year(), until.month()) {
            m.push((y, mo));
            (y, mo) = if mo == 12 { (y + 1, 1) } else { (y, mo + 1) };
        }
        m
    };
    let n = months.len().max(1) as u32;
    for (k, (y, mo)) in months.iter().enumerate() {
        let p = pct * (k as u32 + 1) / n;
        let input = ProgressInput {
            month: format!("{y}-{mo:02}"),
            progress_pct: Some(p),
            invested: Money::from_fen(estimate_fen * p as i64 / 100),
            items: Vec::new(),
            note: String::new(),
        };
        all.report_progress(id, &input, ctx).await?;
        say.reports += 1;
    }
    Ok(())
}
