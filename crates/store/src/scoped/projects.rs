//! Projects through the scoped door (DOMAIN §8): an implementing entity turns planned estates
//! (one, or a bundle's) into a project, records what each step produces, and moves it through
//! its lifecycle; every step checks its gates (`anju_domain::project`) against what is stored —
//! the estates' eligibility and consultations, the scheme's notice, the approvals the project
//! needs (`anju_domain::approvals`) — and is audited.

use super::residents::latest_rates;
use super::Scoped;
use crate::assess::Assessor;
use crate::audit::{audit_one, WriteCtx};
use crate::entity::{estate, finding, inspection, notice, pool_entry, project, project_estate};
use crate::ledger::{EntryKind, NewEntry};
use crate::{Result, StoreError};
use anju_domain::approvals::{approvals_needed, Approval, Need, ProjectAttributes};
use anju_domain::catalogue::FundingSource;
use anju_domain::milestones::{CalendarPolicy, Milestone, MilestoneStatus};
use anju_domain::pool::PoolState;
use anju_domain::project::{
    check_planning, check_transition, GateFailure, ProjectFacts, ProjectState,
};
use anju_domain::quantity::{Area, Money};
use anju_domain::works::AcceptanceRecord;
use anju_domain::DivisionCode;
use anju_domain::ManagementMode;
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

/// What the implementing entity records of a project; each field given replaces the stored one.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectPatch {
    pub scheme_approval: Option<String>,
    pub estimate_fen: Option<i64>,
    pub contractor: Option<String>,
    /// The keys of the approvals done.
    pub approvals_done: Option<Vec<String>>,
    pub fire_lane_structures_left: Option<i32>,
    pub rain_sewage_separated: Option<bool>,
    /// After the works (DOMAIN §9): `SelfGoverned` (居民自治), `CommunityManaged` (社区代管) or
    /// `Professional` (专业化物业管理), or their Chinese names.
    pub management_mode: Option<String>,
    pub managing_unit: Option<String>,
    /// The managing unit's duties.
    pub management_duties: Option<String>,
    pub land_changes: Option<bool>,
    pub small_environmental_impact: Option<bool>,
    pub low_risk_structure_untouched: Option<bool>,
    pub in_national_plan: Option<bool>,
    pub self_funded: Option<bool>,
    pub investment_fen: Option<i64>,
    pub works_area_centi_m2: Option<i64>,
    pub plan_year: Option<i32>,
    /// Milestone dates, YYYY-MM-DD (the actual start and completion are also set by the steps
    /// to `under_construction` and `completed`).
    pub start_planned: Option<String>,
    pub start_actual: Option<String>,
    pub works_done_planned: Option<String>,
    pub works_done_actual: Option<String>,
    pub basic_done_planned: Option<String>,
    pub basic_done_actual: Option<String>,
}

/// A date of a milestone as stored.
fn date(s: &Option<String>) -> Option<chrono::NaiveDate> {
    s.as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// Today in China (the calendar's dates are Beijing dates).
pub fn today_in_china() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// The milestones of a project against its year's calendar, on `on`.
fn milestones(
    p: &project::Model,
    cal: &CalendarPolicy,
    on: chrono::NaiveDate,
) -> Vec<MilestoneStatus> {
    [
        (Milestone::Start, &p.start_planned, &p.start_actual),
        (
            Milestone::WorksDone,
            &p.works_done_planned,
            &p.works_done_actual,
        ),
        (
            Milestone::BasicDone,
            &p.basic_done_planned,
            &p.basic_done_actual,
        ),
    ]
    .into_iter()
    .filter_map(|(m, planned, actual)| {
        let due = cal.due(p.plan_year, m)?;
        Some(MilestoneStatus::new(
            m,
            due,
            date(planned),
            date(actual),
            on,
        ))
    })
    .collect()
}

/// A project's money by source: allocated, received and disbursed (拨付), the disbursement rate
/// (disbursed ÷ received) and a warning when more was paid out than came in.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProjectMoney {
    pub project_id: i64,
    pub allocated: Money,
    pub received: Money,
    pub disbursed: Money,
    pub by_source: Vec<SourceMoney>,
    pub disbursement_rate_pct: Option<f64>,
    pub warning: Option<anju_domain::Text>,
    pub entries: u64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceMoney {
    pub source: FundingSource,
    pub allocated: Money,
    pub received: Money,
    pub disbursed: Money,
}

/// A project with a milestone overdue (or planned past its deadline) on a day.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OverdueProject {
    pub id: i64,
    pub name: String,
    pub state: ProjectState,
    pub division_code: String,
    pub alerts: Vec<MilestoneAlert>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct MilestoneAlert {
    pub milestone: Milestone,
    pub due: chrono::NaiveDate,
    pub overdue_days: Option<i64>,
    pub reason: anju_domain::Text,
}

/// A project as its page and the API show it: its state, the approvals it needs and why, and
/// what still stops its next step.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProjectView {
    pub id: i64,
    pub name: String,
    pub state: ProjectState,
    pub division_code: String,
    pub estates: Vec<i64>,
    pub scheme_approval: Option<String>,
    pub estimate_fen: Option<i64>,
    pub contractor: Option<String>,
    pub progress_pct: i32,
    pub management_mode: Option<ManagementMode>,
    pub managing_unit: Option<String>,
    pub management_duties: Option<String>,
    pub rain_sewage_separated: bool,
    pub approvals: Vec<(Approval, Need)>,
    pub approvals_done: Vec<Approval>,
    /// The next state and every gate that would refuse it now (empty: it may go).
    pub next: Option<ProjectState>,
    pub blocking: Vec<GateFailure>,
    pub plan_year: i32,
    /// The milestones against the calendar, today.
    pub milestones: Vec<MilestoneStatus>,
}

fn attributes(p: &project::Model) -> ProjectAttributes {
    ProjectAttributes {
        land_changes: p.land_changes,
        small_environmental_impact: p.small_environmental_impact,
        low_risk_structure_untouched: p.low_risk_structure_untouched,
        in_national_plan: p.in_national_plan,
        self_funded: p.self_funded,
        investment: Money::from_fen(p.investment_fen),
        works_area: Area::from_centi_m2(p.works_area_centi_m2),
    }
}

fn approvals_done(p: &project::Model) -> Vec<Approval> {
    p.approvals_done
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(Approval::from_key)
        .collect()
}

/// The policy in force where the project's estates are.
fn policy_of<'a>(a: &'a Assessor, estates: &[estate::Model]) -> &'a anju_domain::Policy {
    estates
        .first()
        .map_or(&a.policy, |e| a.policy_at(&e.division_code))
}

/// The modes of management after renovation (DOMAIN §9), the professional one first (preferred).
pub const MANAGEMENT_MODES: [ManagementMode; 3] = [
    ManagementMode::Professional,
    ManagementMode::SelfGoverned,
    ManagementMode::CommunityManaged,
];

/// A mode of management after renovation, by key or Chinese name.
fn management_mode(text: &str) -> Result<ManagementMode> {
    ManagementMode::from_key(text)
        .or_else(|| ManagementMode::from_label(text))
        .filter(|m| MANAGEMENT_MODES.contains(m))
        .ok_or_else(|| {
            StoreError::Invalid(format!(
                "管理模式应为居民自治（SelfGoverned）、社区代管（CommunityManaged）或专业化物业管理（Professional），实为“{text}” / the management mode must be SelfGoverned, CommunityManaged or Professional, got {text:?}"
            ))
        })
}

fn state_of(p: &project::Model) -> ProjectState {
    ProjectState::from_key(&p.state).unwrap_or(ProjectState::Planned)
}

impl Scoped {
    /// The facts the gates of a project of these estates look at.
    async fn facts(
        &self,
        a: &Assessor,
        estates: &[estate::Model],
        p: Option<&project::Model>,
    ) -> Result<ProjectFacts> {
        let db = &self.store.db;
        let ids: Vec<i64> = estates.iter().map(|e| e.id).collect();
        let rates = latest_rates(db, &ids).await?;
        // A project's own division decides its policy (a bundle's is its estates' common one).
        let policy = p.map_or_else(|| policy_of(a, estates), |p| a.policy_at(&p.division_code));
        let scheme_published = notice::Entity::find()
            .filter(notice::Column::EstateId.is_in(ids.clone()))
            .filter(notice::Column::Kind.eq("scheme"))
            .filter(notice::Column::WithdrawnAt.is_null())
            .count(db)
            .await?
            > 0;
        let unremoved: i32 = estates
            .iter()
            .map(|e| {
                (e.illegal_structures.unwrap_or(0) - e.illegal_structures_removed.unwrap_or(0))
                    .max(0)
            })
            .sum();
        let pool: std::collections::HashMap<i64, pool_entry::Model> = pool_entry::Entity::find()
            .filter(pool_entry::Column::EstateId.is_in(ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.estate_id, p))
            .collect();
        let mut f = ProjectFacts {
            not_in_plan: estates
                .iter()
                .filter(|e| {
                    !pool.get(&e.id).is_some_and(|p| {
                        matches!(
                            PoolState::from_key(&p.state),
                            Some(PoolState::Planned | PoolState::Implementing)
                        )
                    })
                })
                .map(|e| e.name.clone())
                .collect(),
            ineligible: estates
                .iter()
                .filter(|e| !e.eligible)
                .map(|e| format!("{}（{}）", e.name, e.failed_rules))
                .collect(),
            consultations: estates
                .iter()
                .map(|e| (e.name.clone(), rates.get(&e.id).copied()))
                .collect(),
            consultation_threshold_pct: policy.planning.consultation_threshold_pct,
            scheme_published,
            fire_lane_structures_left: unremoved as u32,
            ..Default::default()
        };
        if let Some(p) = p {
            let done = approvals_done(p);
            f.scheme_approval = p.scheme_approval.clone();
            f.estimate_fen = p.estimate_fen;
            f.contractor = p.contractor.clone();
            f.approvals_missing =
                anju_domain::approvals::required(&attributes(p), &policy.approvals)
                    .into_iter()
                    .filter(|r| !done.contains(r))
                    .collect();
            if let Some(n) = p.fire_lane_structures_left {
                f.fire_lane_structures_left = n.max(0) as u32;
            }
            f.progress_pct = p.progress_pct.clamp(0, 100) as u32;
            f.rain_sewage_separated = p.rain_sewage_separated;
            let inspections = inspection::Entity::find()
                .filter(inspection::Column::ProjectId.eq(p.id))
                .order_by_asc(inspection::Column::OnDate)
                .order_by_asc(inspection::Column::Id)
                .all(db)
                .await?;
            f.acceptance = AcceptanceRecord::of(&super::works::acceptance_inputs(&inspections));
            f.open_findings = finding::Entity::find()
                .filter(finding::Column::ProjectId.eq(p.id))
                .filter(finding::Column::ClosedOn.is_null())
                .count(db)
                .await? as u32;
            // Hand-over needs both the mode and the unit.
            f.managing_unit = p
                .managing_unit
                .clone()
                .filter(|_| p.management_mode.is_some());
        }
        Ok(f)
    }

    /// The ids of the scope's projects, as a subquery: a project is the scope's when its
    /// division (its estates' lowest common one) lies inside the scope, and then so do all its
    /// estates.
    pub(super) fn project_ids_query(&self) -> sea_orm::sea_query::SelectStatement {
        use sea_orm::QueryTrait;
        let mut q = project::Entity::find()
            .select_only()
            .column(project::Column::Id);
        if let Some(d) = self.home() {
            let (lo, hi) = d.range();
            q = q.filter(project::Column::DivisionCode.between(lo, hi));
        }
        q.into_query()
    }

    pub(super) async fn project_in_scope(
        &self,
        id: i64,
    ) -> Result<(project::Model, Vec<estate::Model>)> {
        let p = project::Entity::find_by_id(id)
            .one(&self.store.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("project {id}")))?;
        let ids: Vec<i64> = project_estate::Entity::find()
            .filter(project_estate::Column::ProjectId.eq(id))
            .all(&self.store.db)
            .await?
            .into_iter()
            .map(|m| m.estate_id)
            .collect();
        let mut estates = Vec::new();
        for e in ids {
            // Every estate of the project must be the caller's.
            estates.push(self.estate_of(e, || format!("project {id}")).await?);
        }
        Ok((p, estates))
    }

    async fn project_view(
        &self,
        a: &Assessor,
        p: project::Model,
        estates: &[estate::Model],
    ) -> Result<ProjectView> {
        let state = state_of(&p);
        let facts = self.facts(a, estates, Some(&p)).await?;
        let next = state.next();
        let blocking = match next {
            Some(n) => check_transition(state, n, &facts).err().unwrap_or_default(),
            None => Vec::new(),
        };
        let policy = a.policy_at(&p.division_code);
        Ok(ProjectView {
            milestones: milestones(&p, &policy.calendar, today_in_china()),
            plan_year: p.plan_year,
            approvals: approvals_needed(&attributes(&p), &policy.approvals),
            approvals_done: approvals_done(&p),
            id: p.id,
            name: p.name,
            state,
            division_code: p.division_code,
            estates: estates.iter().map(|e| e.id).collect(),
            scheme_approval: p.scheme_approval,
            estimate_fen: p.estimate_fen,
            contractor: p.contractor,
            progress_pct: p.progress_pct,
            management_mode: p
                .management_mode
                .as_deref()
                .and_then(ManagementMode::from_key),
            managing_unit: p.managing_unit,
            management_duties: p.management_duties,
            rain_sewage_separated: p.rain_sewage_separated,
            next,
            blocking,
        })
    }

    /// Makes a project of estates of the scope, in the state `planned`: refused with every failed
    /// gate unless each estate is eligible, in an annual plan, and its consultation reached the
    /// threshold. Its calendar's year is `plan_year`, else the year of the plan that took its
    /// estates in. An estate
    /// is in one project at a time.
    pub async fn create_project(
        &self,
        a: &Assessor,
        name: &str,
        estate_ids: &[i64],
        plan_year: Option<i32>,
        ctx: &WriteCtx,
    ) -> Result<std::result::Result<ProjectView, Vec<GateFailure>>> {
        if estate_ids.is_empty() {
            return Err(StoreError::Invalid(
                "项目至少包含一个小区 / a project needs at least one estate".into(),
            ));
        }
        let mut estates = Vec::new();
        for &id in estate_ids {
            estates.push(self.estate_in_scope(id).await?);
        }
        let facts = self.facts(a, &estates, None).await?;
        if let Err(failed) = check_planning(&facts) {
            return Ok(Err(failed));
        }
        // Their lowest common division: where the project is seen from.
        let codes: Vec<DivisionCode> = estates
            .iter()
            .filter_map(|e| DivisionCode::parse(&e.division_code).ok())
            .collect();
        let mut common = codes.first().copied();
        while let Some(d) = common {
            if codes.iter().all(|c| d.contains(c)) {
                break;
            }
            common = d.parent();
        }
        let division = common.map_or_else(String::new, |d| d.as_str().to_string());
        let name = match name.trim() {
            "" => estates
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            n => n.to_string(),
        };
        // The year of the plan that took the estates in, unless given.
        let plan_year = match plan_year {
            Some(y) => y,
            None => pool_entry::Entity::find()
                .filter(pool_entry::Column::EstateId.is_in(estate_ids.to_vec()))
                .all(&self.store.db)
                .await?
                .into_iter()
                .filter_map(|p| p.plan_year)
                .max()
                .unwrap_or_else(|| chrono::Datelike::year(&today_in_china())),
        };
        let now = chrono::Utc::now();
        let txn = self.store.begin_write().await?;
        let id = project::Entity::insert(project::ActiveModel {
            id: NotSet,
            name: Set(name.clone()),
            division_code: Set(division.clone()),
            state: Set(ProjectState::Planned.key().into()),
            scheme_approval: Set(None),
            estimate_fen: Set(None),
            contractor: Set(None),
            approvals_done: Set(None),
            fire_lane_structures_left: Set(None),
            progress_pct: Set(0),
            rain_sewage_separated: Set(false),
            management_mode: Set(None),
            managing_unit: Set(None),
            management_duties: Set(None),
            land_changes: Set(false),
            small_environmental_impact: Set(true),
            low_risk_structure_untouched: Set(true),
            in_national_plan: Set(true),
            self_funded: Set(false),
            investment_fen: Set(0),
            works_area_centi_m2: Set(estates.iter().map(|e| e.floor_area_centi_m2).sum()),
            plan_year: Set(plan_year),
            start_planned: Set(None),
            start_actual: Set(None),
            works_done_planned: Set(None),
            works_done_actual: Set(None),
            basic_done_planned: Set(None),
            basic_done_actual: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        for e in &estates {
            project_estate::Entity::insert(project_estate::ActiveModel {
                project_id: Set(id),
                estate_id: Set(e.id),
            })
            .exec_without_returning(&txn)
            .await
            .map_err(|err| match err.sql_err() {
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                    StoreError::Conflict(format!(
                        "{}已在另一个项目中 / {} is already in another project",
                        e.name, e.name
                    ))
                }
                _ => err.into(),
            })?;
        }
        audit_one(&txn, ctx, "create", "project", id, &division, Some(name)).await?;
        txn.commit().await?;
        Ok(Ok(self.project(a, id).await?))
    }

    /// How many projects of the scope (inside `division`, when given) are in each state, in the
    /// lifecycle's order.
    pub async fn project_counts(
        &self,
        division: Option<&DivisionCode>,
    ) -> Result<Vec<(ProjectState, u64)>> {
        let d = division.copied().or(self.home());
        if let Some(d) = &d {
            if !self.covers(d) {
                return Err(StoreError::NotFound(format!("division {d}")));
            }
        }
        let mut q = project::Entity::find()
            .select_only()
            .column(project::Column::State)
            .column_as(project::Column::Id.count(), "n")
            .group_by(project::Column::State);
        if let Some(d) = d {
            let (lo, hi) = d.range();
            q = q.filter(project::Column::DivisionCode.between(lo, hi));
        }
        let rows: Vec<(String, i64)> = q.into_tuple().all(&self.store.db).await?;
        Ok(ProjectState::ALL
            .iter()
            .map(|s| {
                let n = rows.iter().find(|r| r.0 == s.key()).map_or(0, |r| r.1);
                (*s, n as u64)
            })
            .collect())
    }

    /// Whether a project is the scope's: `NotFound` otherwise (a handler's first step, before
    /// it looks at who may do what).
    pub async fn project_seen(&self, id: i64) -> Result<()> {
        self.project_in_scope(id).await.map(|_| ())
    }

    /// A project of the scope.
    pub async fn project(&self, a: &Assessor, id: i64) -> Result<ProjectView> {
        let (p, estates) = self.project_in_scope(id).await?;
        self.project_view(a, p, &estates).await
    }

    /// A page of the projects of the scope (in `state` when given), newest first, and how many
    /// there are in all. `page` counts from 1.
    pub async fn projects(
        &self,
        a: &Assessor,
        state: Option<ProjectState>,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<ProjectView>, u64)> {
        // A project is the scope's when its division (its estates' lowest common one) lies
        // inside the scope: then so do all its estates.
        let mut q = project::Entity::find();
        if let Some(d) = self.home() {
            let (lo, hi) = d.range();
            q = q.filter(project::Column::DivisionCode.between(lo, hi));
        }
        if let Some(s) = state {
            q = q.filter(project::Column::State.eq(s.key()));
        }
        let paginator = q
            .order_by_desc(project::Column::Id)
            .paginate(&self.store.db, per_page.max(1));
        let total = paginator.num_items().await?;
        let mut out = Vec::new();
        for p in paginator.fetch_page(page.max(1) - 1).await? {
            let (p, estates) = self.project_in_scope(p.id).await?;
            out.push(self.project_view(a, p, &estates).await?);
        }
        Ok((out, total))
    }

    /// Records what a step produced (the approved scheme, the estimate, the contractor, the
    /// approvals done, the progress …); audited with the fields given.
    pub async fn update_project(
        &self,
        a: &Assessor,
        id: i64,
        patch: &ProjectPatch,
        ctx: &WriteCtx,
    ) -> Result<ProjectView> {
        let (p, _) = self.project_in_scope(id).await?;
        if let Some(done) = &patch.approvals_done {
            if let Some(bad) = done.iter().find(|k| Approval::from_key(k).is_none()) {
                return Err(StoreError::Invalid(format!(
                    "未知的审批事项“{bad}” / unknown approval {bad:?}"
                )));
            }
        }
        let mode = match patch.management_mode.as_deref().map(str::trim) {
            None => None,
            Some(m) => Some(management_mode(m)?),
        };
        if patch.estimate_fen.is_some_and(|e| e < 0) || patch.investment_fen.is_some_and(|e| e < 0)
        {
            return Err(StoreError::Invalid(
                "金额不能为负 / amounts must not be negative".into(),
            ));
        }
        for d in [
            &patch.start_planned,
            &patch.start_actual,
            &patch.works_done_planned,
            &patch.works_done_actual,
            &patch.basic_done_planned,
            &patch.basic_done_actual,
        ]
        .into_iter()
        .flatten()
        {
            if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                return Err(StoreError::Invalid(format!(
                    "日期应为 YYYY-MM-DD，实为“{d}” / dates are YYYY-MM-DD, got {d:?}"
                )));
            }
        }
        let mut m = project::ActiveModel {
            id: Unchanged(id),
            updated_at: Set(chrono::Utc::now()),
            ..Default::default()
        };
        macro_rules! put {
            ($($f:ident),*) => { $( if let Some(v) = &patch.$f { m.$f = Set(v.clone().into()); } )* };
        }
        put!(
            scheme_approval,
            estimate_fen,
            contractor,
            fire_lane_structures_left,
            managing_unit,
            management_duties,
            start_planned,
            start_actual,
            works_done_planned,
            works_done_actual,
            basic_done_planned,
            basic_done_actual
        );
        macro_rules! put_plain {
            ($($f:ident),*) => { $( if let Some(v) = patch.$f { m.$f = Set(v); } )* };
        }
        if let Some(mode) = mode {
            m.management_mode = Set(Some(mode.key().into()));
        }
        put_plain!(
            rain_sewage_separated,
            land_changes,
            small_environmental_impact,
            low_risk_structure_untouched,
            in_national_plan,
            self_funded,
            investment_fen,
            works_area_centi_m2,
            plan_year
        );
        if let Some(done) = &patch.approvals_done {
            m.approvals_done = Set(Some(done.join(",")));
        }
        let txn = self.store.begin_write().await?;
        project::Entity::update(m).exec(&txn).await?;
        audit_one(
            &txn,
            ctx,
            "update",
            "project",
            id,
            &p.division_code,
            Some(format!("{patch:?}")),
        )
        .await?;
        txn.commit().await?;
        self.project(a, id).await
    }

    /// Records money of a project of the scope in the funding ledger (an allocation to it, a
    /// receipt, a disbursement); its money after.
    pub async fn record_money(
        &self,
        id: i64,
        kind: EntryKind,
        source: FundingSource,
        amount: Money,
        memo: &str,
        ctx: &WriteCtx,
    ) -> Result<ProjectMoney> {
        let (p, _) = self.project_in_scope(id).await?;
        self.store
            .ledger_append(
                &NewEntry {
                    project_id: Some(id),
                    division_code: p.division_code.clone(),
                    kind,
                    source,
                    amount,
                    memo: memo.trim().to_string(),
                },
                ctx,
            )
            .await?;
        self.project_money(id).await
    }

    /// A project's money from the ledger.
    pub async fn project_money(&self, id: i64) -> Result<ProjectMoney> {
        self.project_in_scope(id).await?;
        let mut by: std::collections::BTreeMap<FundingSource, [i64; 3]> = Default::default();
        let entries = self.store.ledger_of_project(id).await?;
        for e in &entries {
            let (Some(kind), Some(source)) = (
                EntryKind::from_key(&e.kind),
                FundingSource::from_key(&e.source),
            ) else {
                continue;
            };
            let slot = by.entry(source).or_default();
            let column = match kind {
                EntryKind::Allocation => 0,
                EntryKind::Receipt => 1,
                EntryKind::Disbursement => 2,
            };
            slot[column] += e.amount_fen;
        }
        let sum = |k: usize| Money::from_fen(by.values().map(|v| v[k]).sum());
        let (allocated, received, disbursed) = (sum(0), sum(1), sum(2));
        let warning = (disbursed > received).then(|| {
            anju_domain::Text::new(
                format!(
                    "拨付{}元超过到位资金{}元",
                    disbursed.yuan_text(),
                    received.yuan_text()
                ),
                format!(
                    "{} yuan disbursed is more than the {} yuan received",
                    disbursed.yuan_text(),
                    received.yuan_text()
                ),
            )
        });
        Ok(ProjectMoney {
            project_id: id,
            allocated,
            received,
            disbursed,
            disbursement_rate_pct: (received.fen() > 0)
                .then(|| 100.0 * disbursed.fen() as f64 / received.fen() as f64),
            warning,
            entries: entries.len() as u64,
            by_source: by
                .into_iter()
                .map(|(source, v)| SourceMoney {
                    source,
                    allocated: Money::from_fen(v[0]),
                    received: Money::from_fen(v[1]),
                    disbursed: Money::from_fen(v[2]),
                })
                .collect(),
        })
    }

    /// The projects of the scope with a milestone overdue on `on`, or planned past its deadline
    /// (a fixed day, so that tests and reports can ask "as of").
    pub async fn overdue(
        &self,
        a: &Assessor,
        on: chrono::NaiveDate,
    ) -> Result<Vec<OverdueProject>> {
        let mut q = project::Entity::find();
        if let Some(d) = self.home() {
            let (lo, hi) = d.range();
            q = q.filter(project::Column::DivisionCode.between(lo, hi));
        }
        let mut out = Vec::new();
        // A project in the scope's range is the scope's (see `projects`); its calendar is the
        // one in force where it is, so no estate needs reading.
        for p in q
            .order_by_asc(project::Column::Id)
            .all(&self.store.db)
            .await?
        {
            let calendar = &a.policy_at(&p.division_code).calendar;
            let alerts: Vec<MilestoneAlert> = milestones(&p, calendar, on)
                .into_iter()
                .filter_map(|s| {
                    s.alert().map(|reason| MilestoneAlert {
                        milestone: s.milestone,
                        due: s.due,
                        overdue_days: s.overdue_days,
                        reason,
                    })
                })
                .collect();
            if !alerts.is_empty() {
                out.push(OverdueProject {
                    id: p.id,
                    state: state_of(&p),
                    name: p.name,
                    division_code: p.division_code,
                    alerts,
                });
            }
        }
        Ok(out)
    }

    /// Moves a project to `to`: refused with every failed gate (a jump names the steps it skips);
    /// audited with the states before and after.
    pub async fn transition(
        &self,
        a: &Assessor,
        id: i64,
        to: ProjectState,
        ctx: &WriteCtx,
    ) -> Result<std::result::Result<ProjectView, Vec<GateFailure>>> {
        let (p, estates) = self.project_in_scope(id).await?;
        let from = state_of(&p);
        let facts = self.facts(a, &estates, Some(&p)).await?;
        if let Err(failed) = check_transition(from, to, &facts) {
            return Ok(Err(failed));
        }
        let txn = self.store.begin_write().await?;
        // Only from the state the gates were checked in: a concurrent step wins, this one fails.
        let mut update = project::Entity::update_many();
        // Reaching these states dates their milestones, unless a date was recorded already.
        let today = today_in_china().to_string();
        match to {
            ProjectState::UnderConstruction if p.start_actual.is_none() => {
                update = update.col_expr(
                    project::Column::StartActual,
                    sea_orm::sea_query::Expr::value(today),
                );
            }
            ProjectState::Completed if p.works_done_actual.is_none() => {
                update = update.col_expr(
                    project::Column::WorksDoneActual,
                    sea_orm::sea_query::Expr::value(today),
                );
            }
            _ => {}
        }
        let moved = update
            .col_expr(
                project::Column::State,
                sea_orm::sea_query::Expr::value(to.key()),
            )
            .col_expr(
                project::Column::UpdatedAt,
                sea_orm::sea_query::Expr::value(chrono::Utc::now()),
            )
            .filter(project::Column::Id.eq(id))
            .filter(project::Column::State.eq(from.key()))
            .exec(&txn)
            .await?;
        if moved.rows_affected == 0 {
            return Err(StoreError::Conflict(
                "项目状态已被他人更改，请刷新 / the project's state changed meanwhile: reload"
                    .into(),
            ));
        }
        let mut audit = crate::audit::AuditBatch::new(ctx);
        audit.push(
            "transition",
            "project",
            id,
            Some(&p.division_code),
            Some(from.key().into()),
            Some(to.key().into()),
        );
        // Handed over: the inventory's estates take the mode of management agreed for them.
        if let (ProjectState::HandedOver, Some(mode)) = (to, p.management_mode.as_deref()) {
            estate::Entity::update_many()
                .col_expr(
                    estate::Column::ManagementMode,
                    sea_orm::sea_query::Expr::value(mode),
                )
                .col_expr(
                    estate::Column::ManagementModeAsTyped,
                    sea_orm::sea_query::Expr::value(Option::<String>::None),
                )
                .filter(estate::Column::Id.is_in(estates.iter().map(|e| e.id).collect::<Vec<_>>()))
                .exec(&txn)
                .await?;
            for e in &estates {
                audit.push(
                    "update",
                    "estate",
                    e.id,
                    Some(&e.division_code),
                    // As the estate's history reads them: objects of the fields changed.
                    Some(serde_json::json!({ "management_mode": e.management_mode }).to_string()),
                    Some(serde_json::json!({ "management_mode": mode }).to_string()),
                );
            }
        }
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(Ok(self.project(a, id).await?))
    }
}
