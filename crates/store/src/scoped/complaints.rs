//! Complaints about a renovated estate and their follow-up (DOMAIN §9: 及时解决物业投诉和纠纷).
//! A complaint records what was raised, when and how, never who raised it: the follow-up is
//! the office's, and the complainant's contact stays in the channel it came by.

use super::{Household, Scoped};
use crate::audit::{audit_one, WriteCtx};
use crate::entity::complaint;
use crate::entity::project;
use crate::Store;
use crate::{Result, StoreError};
use anju_domain::responsibility::ComplaintStatus;
use chrono::NaiveDate;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// One step of a complaint's follow-up.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ComplaintStep {
    pub on: String,
    pub by: String,
    pub text: String,
    pub status: ComplaintStatus,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ComplaintView {
    pub id: i64,
    pub project_id: i64,
    pub received_on: String,
    pub channel: String,
    pub summary: String,
    pub status: ComplaintStatus,
    pub steps: Vec<ComplaintStep>,
    pub resolved_on: Option<String>,
}

fn view(m: complaint::Model) -> ComplaintView {
    ComplaintView {
        steps: m
            .steps
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default(),
        status: ComplaintStatus::from_key(&m.status).unwrap_or(ComplaintStatus::Open),
        id: m.id,
        project_id: m.project_id,
        received_on: m.received_on,
        channel: m.channel,
        summary: m.summary,
        resolved_on: m.resolved_on,
    }
}

/// Stores a new complaint about project `p`, audited; its id.
async fn insert(
    store: &Store,
    p: &project::Model,
    received_on: NaiveDate,
    channel: &str,
    summary: &str,
    ctx: &WriteCtx,
) -> Result<i64> {
    if summary.trim().is_empty() {
        return Err(StoreError::Invalid(
            "缺少投诉内容 / the complaint says nothing".into(),
        ));
    }
    let txn = store.begin_write().await?;
    let id = complaint::Entity::insert(complaint::ActiveModel {
        id: NotSet,
        project_id: Set(p.id),
        received_on: Set(received_on.to_string()),
        channel: Set(channel.trim().to_string()),
        summary: Set(summary.trim().to_string()),
        status: Set(ComplaintStatus::Open.key().into()),
        steps: Set(Some("[]".into())),
        resolved_on: Set(None),
        created_at: Set(chrono::Utc::now()),
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    audit_one(
        &txn,
        ctx,
        "create",
        "complaint",
        id,
        &p.division_code,
        Some(summary.trim().into()),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// A project's complaints, newest first.
pub(super) async fn of_project(
    db: &sea_orm::DatabaseConnection,
    project_id: i64,
) -> Result<Vec<ComplaintView>> {
    Ok(complaint::Entity::find()
        .filter(complaint::Column::ProjectId.eq(project_id))
        .order_by_desc(complaint::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

impl Household {
    /// A household's complaint about its estate's renovation, from its own page; refused when
    /// the estate is in no project.
    pub async fn complain(&self, summary: &str) -> Result<ComplaintView> {
        let db = &self.store.db;
        let pe = crate::entity::project_estate::Entity::find()
            .filter(crate::entity::project_estate::Column::EstateId.eq(self.owner.estate_id))
            .one(db)
            .await?
            .ok_or_else(|| {
                StoreError::Invalid(
                    "本小区尚无改造项目 / the estate has no renovation project".into(),
                )
            })?;
        let p = project::Entity::find_by_id(pe.project_id)
            .one(db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("project {}", pe.project_id)))?;
        let ctx = WriteCtx::new(format!("owner:{}", self.owner.id), Some("my".into()));
        let today = super::today_in_china();
        let id = insert(&self.store, &p, today, "住户页面", summary, &ctx).await?;
        complaint::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(view)
            .ok_or_else(|| StoreError::NotFound(format!("complaint {id}")))
    }
}

impl Scoped {
    /// Records a complaint about a project's estates.
    pub async fn record_complaint(
        &self,
        project_id: i64,
        received_on: NaiveDate,
        channel: &str,
        summary: &str,
        ctx: &WriteCtx,
    ) -> Result<ComplaintView> {
        let (p, _) = self.project_in_scope(project_id).await?;
        let id = insert(&self.store, &p, received_on, channel, summary, ctx).await?;
        self.complaint(id).await
    }

    /// A complaint of the scope.
    pub async fn complaint(&self, id: i64) -> Result<ComplaintView> {
        let m = complaint::Entity::find_by_id(id)
            .one(&self.store.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("complaint {id}")))?;
        self.project_in_scope(m.project_id).await?;
        Ok(view(m))
    }

    /// Adds a step to a complaint's follow-up, moving it to `status`; a resolved complaint is
    /// closed (a new complaint is recorded instead). Audited.
    pub async fn follow_complaint(
        &self,
        id: i64,
        on: NaiveDate,
        text: &str,
        status: ComplaintStatus,
        ctx: &WriteCtx,
    ) -> Result<ComplaintView> {
        let c = self.complaint(id).await?;
        let (p, _) = self.project_in_scope(c.project_id).await?;
        if c.status == ComplaintStatus::Resolved {
            return Err(StoreError::Conflict(
                "该投诉已办结 / the complaint is resolved already".into(),
            ));
        }
        if text.trim().is_empty() {
            return Err(StoreError::Invalid(
                "请说明处理情况 / say what was done".into(),
            ));
        }
        let mut steps = c.steps.clone();
        steps.push(ComplaintStep {
            on: on.to_string(),
            by: ctx.actor.clone(),
            text: text.trim().to_string(),
            status,
        });
        let txn = self.store.begin_write().await?;
        let moved = complaint::Entity::update_many()
            .col_expr(
                complaint::Column::Steps,
                sea_orm::sea_query::Expr::value(serde_json::to_string(&steps).expect("plain data")),
            )
            .col_expr(
                complaint::Column::Status,
                sea_orm::sea_query::Expr::value(status.key()),
            )
            .col_expr(
                complaint::Column::ResolvedOn,
                sea_orm::sea_query::Expr::value(
                    (status == ComplaintStatus::Resolved).then(|| on.to_string()),
                ),
            )
            .filter(complaint::Column::Id.eq(id))
            .filter(complaint::Column::Status.eq(c.status.key()))
            .exec(&txn)
            .await?;
        if moved.rows_affected == 0 {
            return Err(StoreError::Conflict(
                "投诉已被他人更新，请刷新 / the complaint changed meanwhile: reload".into(),
            ));
        }
        let mut audit = crate::audit::AuditBatch::new(ctx);
        audit.push(
            "follow",
            "complaint",
            id,
            Some(&p.division_code),
            Some(c.status.key().into()),
            Some(format!("{} {}", status.key(), text.trim())),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        self.complaint(id).await
    }

    /// A project's complaints, newest first.
    pub async fn complaints(&self, project_id: i64) -> Result<Vec<ComplaintView>> {
        self.project_in_scope(project_id).await?;
        of_project(&self.store.db, project_id).await
    }
}
