//! Audit rows, written in the transaction of the change they record.

use crate::entity::audit_log;
use sea_orm::{ConnectionTrait, EntityTrait};

/// Who is writing and from where; every write function takes one.
#[derive(Debug, Clone)]
pub struct WriteCtx {
    pub actor: String,
    pub source: Option<String>,
}

impl WriteCtx {
    pub fn new(actor: impl Into<String>, source: Option<String>) -> Self {
        WriteCtx {
            actor: actor.into(),
            source,
        }
    }
}

/// Collects audit rows and inserts them in batches.
pub(crate) struct AuditBatch<'a> {
    ctx: &'a WriteCtx,
    at: chrono::DateTime<chrono::Utc>,
    rows: Vec<audit_log::ActiveModel>,
}

impl<'a> AuditBatch<'a> {
    pub fn new(ctx: &'a WriteCtx) -> Self {
        AuditBatch {
            ctx,
            at: chrono::Utc::now(),
            rows: Vec::new(),
        }
    }

    pub fn push(
        &mut self,
        action: &str,
        entity: &str,
        id: impl ToString,
        division: Option<&str>,
        before: Option<String>,
        after: Option<String>,
    ) {
        use sea_orm::ActiveValue::{NotSet, Set};
        self.rows.push(audit_log::ActiveModel {
            id: NotSet,
            at: Set(self.at),
            actor: Set(self.ctx.actor.clone()),
            action: Set(action.into()),
            entity: Set(entity.into()),
            entity_id: Set(id.to_string()),
            division_code: Set(division.map(str::to_string)),
            source: Set(self.ctx.source.clone()),
            before: Set(before),
            after: Set(after),
        });
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub async fn flush(&mut self, db: &impl ConnectionTrait) -> crate::Result<()> {
        let (cols, rows) = crate::bulk::rows_of(std::mem::take(&mut self.rows));
        crate::bulk::insert(db, "audit_log", &cols, rows).await
    }
}

/// Audits one change, in the change's own transaction.
pub(crate) async fn audit_one(
    db: &impl ConnectionTrait,
    ctx: &WriteCtx,
    action: &str,
    entity: &str,
    id: impl ToString,
    division: &str,
    after: Option<String>,
) -> crate::Result<()> {
    let mut audit = AuditBatch::new(ctx);
    audit.push(action, entity, id, Some(division), None, after);
    audit.flush(db).await
}

/// Splits a vector into owned chunks.
pub(crate) fn chunks<T>(v: Vec<T>, n: usize) -> Vec<Vec<T>> {
    let mut out = Vec::with_capacity(v.len() / n + 1);
    let mut it = v.into_iter().peekable();
    while it.peek().is_some() {
        out.push(it.by_ref().take(n).collect());
    }
    out
}

/// The audit trail of one record, oldest first.
pub(crate) fn history_query(entity: &str, entity_id: &str) -> sea_orm::Select<audit_log::Entity> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq(entity))
        .filter(audit_log::Column::EntityId.eq(entity_id))
        .order_by_asc(audit_log::Column::Id)
}

impl crate::Store {
    /// The audit trail of one record, oldest first.
    pub async fn history(
        &self,
        entity: &str,
        entity_id: &str,
    ) -> crate::Result<Vec<audit_log::Model>> {
        self.read_select(history_query(entity, entity_id)).await
    }

    pub async fn audit_count(&self) -> crate::Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(audit_log::Entity::find().count(&self.db).await?)
    }
}
