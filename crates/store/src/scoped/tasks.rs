//! Responsibility lists through the scoped door (责任清单, DOMAIN §1–2): tasks, the department
//! responsible (an account with the department role, whose users see and update their own
//! tasks), deadlines and status; a utility's share of a project (DOMAIN §7) makes its tasks,
//! the government's and the utility's, with the utility's money.

use super::Scoped;
use crate::audit::{audit_one, WriteCtx};
use crate::entity::{task, user};
use crate::{Result, StoreError};
use anju_domain::responsibility::{
    overdue_days, utility_share, Party, TaskStatus, Utility, UtilityWorks,
};
use anju_domain::{DivisionCode, Money, Role};
use chrono::NaiveDate;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// A task as given.
#[derive(Debug, Clone, Default)]
pub struct NewTask {
    /// The project it belongs to, if any (then it is seen where the project is).
    pub project_id: Option<i64>,
    /// Where it is seen when it belongs to no project (the scope's home when none).
    pub division: Option<DivisionCode>,
    pub title: String,
    /// The responsible department's account.
    pub department_id: i64,
    pub deadline: Option<NaiveDate>,
    pub amount: Option<Money>,
    pub utility: Option<Utility>,
    pub party: Option<Party>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TaskView {
    pub id: i64,
    pub division_code: String,
    pub project_id: Option<i64>,
    pub title: String,
    pub utility: Option<Utility>,
    pub party: Option<Party>,
    pub department_id: Option<i64>,
    pub department: String,
    pub amount: Option<Money>,
    pub deadline: Option<String>,
    pub status: TaskStatus,
    pub note: String,
    /// Days past its deadline on the day asked, unless done.
    pub overdue_days: Option<i64>,
}

fn view(m: task::Model, on: NaiveDate) -> TaskView {
    let status = TaskStatus::from_key(&m.status).unwrap_or(TaskStatus::Open);
    let deadline = m
        .deadline
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    TaskView {
        overdue_days: overdue_days(deadline, status, on),
        id: m.id,
        division_code: m.division_code,
        project_id: m.project_id,
        title: m.title,
        utility: m.utility.as_deref().and_then(Utility::from_key),
        party: m.party.as_deref().and_then(Party::from_key),
        department_id: m.department_id,
        department: m.department,
        amount: m.amount_fen.map(Money::from_fen),
        deadline: m.deadline,
        status,
        note: m.note,
    }
}

impl Scoped {
    /// The department account a task is given to: it must be a department's, and see where
    /// the task is.
    async fn department(&self, id: i64, division: &str) -> Result<user::Model> {
        let u = user::Entity::find_by_id(id)
            .one(&self.store.db)
            .await?
            .filter(|u| u.role == Role::Department.key() && u.active)
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "账号{id}不是责任单位 / account {id} is not a department's"
                ))
            })?;
        let sees = match u.scope_division.as_deref() {
            None => true,
            Some(s) => DivisionCode::parse(s)
                .is_ok_and(|d| DivisionCode::parse(division).is_ok_and(|t| d.contains(&t))),
        };
        if !sees {
            return Err(StoreError::Invalid(format!(
                "{}的辖区不含该任务 / {} does not cover where the task is",
                u.display_name, u.display_name
            )));
        }
        Ok(u)
    }

    /// Adds tasks to the scope's responsibility list, all or none; audited.
    pub async fn create_tasks(&self, tasks: &[NewTask], ctx: &WriteCtx) -> Result<Vec<TaskView>> {
        let mut rows = Vec::new();
        for t in tasks {
            if t.title.trim().is_empty() {
                return Err(StoreError::Invalid(
                    "缺少任务内容 / the task has no title".into(),
                ));
            }
            let division = match (t.project_id, t.division, self.home()) {
                (Some(p), _, _) => self.project_in_scope(p).await?.0.division_code,
                (None, Some(d), _) if self.covers(&d) => d.as_str().to_string(),
                (None, Some(d), _) => return Err(StoreError::NotFound(format!("division {d}"))),
                (None, None, Some(h)) => h.as_str().to_string(),
                (None, None, None) => {
                    return Err(StoreError::Invalid(
                        "请指明任务所在区划 / say which division the task is in".into(),
                    ))
                }
            };
            if t.amount.is_some_and(|a| a.fen() < 0) {
                return Err(StoreError::Invalid(
                    "金额不能为负 / amounts must not be negative".into(),
                ));
            }
            let dept = self.department(t.department_id, &division).await?;
            let now = chrono::Utc::now();
            let audit = (division.clone(), t.title.trim().to_string());
            let row = task::ActiveModel {
                id: NotSet,
                division_code: Set(division),
                project_id: Set(t.project_id),
                title: Set(t.title.trim().to_string()),
                utility: Set(t.utility.map(|u| u.key().into())),
                party: Set(t.party.map(|p| p.key().into())),
                department_id: Set(Some(dept.id)),
                department: Set(dept.display_name),
                amount_fen: Set(t.amount.map(|a| a.fen())),
                deadline: Set(t.deadline.map(|d| d.to_string())),
                status: Set(TaskStatus::Open.key().into()),
                note: Set(String::new()),
                created_at: Set(now),
                updated_at: Set(now),
            };
            rows.push((row, audit));
        }
        let txn = self.store.begin_write().await?;
        let mut ids = Vec::new();
        for (r, (division, title)) in rows {
            let id = task::Entity::insert(r).exec(&txn).await?.last_insert_id;
            audit_one(&txn, ctx, "create", "task", id, &division, Some(title)).await?;
            ids.push(id);
        }
        txn.commit().await?;
        let on = super::today_in_china();
        Ok(task::Entity::find()
            .filter(task::Column::Id.is_in(ids))
            .order_by_asc(task::Column::Id)
            .all(&self.store.db)
            .await?
            .into_iter()
            .map(|m| view(m, on))
            .collect())
    }

    /// A utility's share of a project's works: the tasks of who does what (the government's,
    /// given to `government_department`, and the utility's, given to `utility_department` with
    /// the money it pays), all at once.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_utility_share(
        &self,
        project_id: i64,
        utility: Utility,
        works: UtilityWorks,
        government_department: Option<i64>,
        utility_department: i64,
        amount: Option<Money>,
        deadline: Option<NaiveDate>,
        ctx: &WriteCtx,
    ) -> Result<Vec<TaskView>> {
        let mut tasks = Vec::new();
        for (party, what) in utility_share(utility, works) {
            let department_id = match party {
                Party::Utility => utility_department,
                Party::Government => government_department.ok_or_else(|| {
                    StoreError::Invalid(
                        "红线内入地改造须指定负责管沟开挖的政府部门（government_department） / underground works inside the red line need the government department that digs (government_department)".into(),
                    )
                })?,
            };
            tasks.push(NewTask {
                project_id: Some(project_id),
                title: what.zh,
                department_id,
                deadline,
                amount: (party == Party::Utility).then_some(amount).flatten(),
                utility: Some(utility),
                party: Some(party),
                ..Default::default()
            });
        }
        self.create_tasks(&tasks, ctx).await
    }

    /// The scope's tasks (or, for a department's user, only the department's), as they stand on
    /// `on`: overdue first, then by deadline.
    pub async fn tasks(
        &self,
        department_id: Option<i64>,
        project_id: Option<i64>,
        on: NaiveDate,
    ) -> Result<Vec<TaskView>> {
        let mut q = task::Entity::find();
        if let Some(d) = self.home() {
            let (lo, hi) = d.range();
            q = q.filter(task::Column::DivisionCode.between(lo, hi));
        }
        if let Some(dep) = department_id {
            q = q.filter(task::Column::DepartmentId.eq(dep));
        }
        if let Some(p) = project_id {
            self.project_in_scope(p).await?;
            q = q.filter(task::Column::ProjectId.eq(p));
        }
        let mut out: Vec<TaskView> = q
            .order_by_asc(task::Column::Id)
            .all(&self.store.db)
            .await?
            .into_iter()
            .map(|m| view(m, on))
            .collect();
        out.sort_by_key(|t| (t.overdue_days.is_none(), t.deadline.clone()));
        Ok(out)
    }

    /// A task of the scope (and of the department, for a department's user).
    async fn task_in_scope(&self, id: i64, department_id: Option<i64>) -> Result<task::Model> {
        let not_found = || StoreError::NotFound(format!("task {id}"));
        let m = task::Entity::find_by_id(id)
            .one(&self.store.db)
            .await?
            .ok_or_else(not_found)?;
        let in_scope = DivisionCode::parse(&m.division_code).is_ok_and(|d| self.covers(&d));
        if !in_scope || department_id.is_some_and(|d| m.department_id != Some(d)) {
            return Err(not_found());
        }
        Ok(m)
    }

    /// One task of the scope, as it stands today.
    pub async fn task(&self, id: i64, department_id: Option<i64>) -> Result<TaskView> {
        let m = self.task_in_scope(id, department_id).await?;
        Ok(view(m, super::today_in_china()))
    }

    /// Updates a task's status and note; a department's user only its own. Audited with the
    /// status before and after.
    pub async fn update_task(
        &self,
        id: i64,
        department_id: Option<i64>,
        status: TaskStatus,
        note: Option<&str>,
        ctx: &WriteCtx,
    ) -> Result<TaskView> {
        let m = self.task_in_scope(id, department_id).await?;
        let txn = self.store.begin_write().await?;
        let mut row = task::ActiveModel {
            id: sea_orm::ActiveValue::Unchanged(id),
            status: Set(status.key().into()),
            updated_at: Set(chrono::Utc::now()),
            ..Default::default()
        };
        if let Some(n) = note {
            row.note = Set(n.trim().to_string());
        }
        let after = task::Entity::update(row).exec(&txn).await?;
        let mut audit = crate::audit::AuditBatch::new(ctx);
        audit.push(
            "update",
            "task",
            id,
            Some(&m.division_code),
            Some(format!("{} {}", m.status, m.note)),
            Some(format!("{} {}", after.status, after.note)),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(view(after, super::today_in_china()))
    }
}
