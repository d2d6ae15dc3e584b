//! The funding ledger (`fund_ledger`, DOMAIN §7): every allocation, receipt and disbursement of
//! money, appended and never changed. Each entry's hash is the SHA-256 of the previous entry's
//! hash and its own fields, so that changing or removing an entry breaks the chain from there
//! on ([`Store::ledger_verify`] names the first entry that no longer fits), and the chain's head
//! (its length and last hash, [`Store::ledger_head`]), once published, shows a removed tail.
//!
//! Appends are serialised — SQLite's single writer, taken at the start of the transaction, and on
//! PostgreSQL a transaction-scoped advisory lock — so that entries appended at once by several
//! processes still form one chain: each reads the last entry and writes the next id after it.

use crate::audit::WriteCtx;
use crate::entity::fund_ledger;
use crate::{Result, Store, StoreError};
pub use anju_domain::catalogue::EntryKind;
use anju_domain::catalogue::FundingSource;
use anju_domain::quantity::Money;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Any number; it only has to differ from the application's other advisory locks.
const LEDGER_LOCK: i64 = 0x0061_6e6a_6c65_6467; // "anjledg"

/// An entry to append.
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub project_id: Option<i64>,
    pub division_code: String,
    pub kind: EntryKind,
    pub source: FundingSource,
    pub amount: Money,
    pub memo: String,
}

/// The chain's head: how many entries and the last one's hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LedgerHead {
    pub count: u64,
    pub hash: String,
}

/// An entry's hash: of the previous hash and every field, each on its own line.
fn entry_hash(m: &fund_ledger::Model) -> String {
    let text = format!(
        "{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
        m.prev_hash,
        m.id,
        m.at_micros,
        m.project_id.map(|p| p.to_string()).unwrap_or_default(),
        m.division_code,
        m.kind,
        m.source,
        m.amount_fen,
        m.memo,
        m.actor,
    );
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl Store {
    /// Appends an entry at the chain's end, in one transaction; its id.
    pub async fn ledger_append(&self, e: &NewEntry, ctx: &WriteCtx) -> Result<i64> {
        Ok(self.ledger_append_all(std::slice::from_ref(e), ctx).await?[0])
    }

    /// Appends entries at the chain's end in order, all or none (one transaction); their ids.
    pub async fn ledger_append_all(
        &self,
        entries: &[NewEntry],
        ctx: &WriteCtx,
    ) -> Result<Vec<i64>> {
        if entries.iter().any(|e| e.amount.fen() <= 0) {
            return Err(StoreError::Invalid(
                "金额应大于0 / the amount must be more than 0".into(),
            ));
        }
        let txn = self.begin_write().await?;
        crate::advisory_xact_lock(&txn, LEDGER_LOCK).await?;
        let last = fund_ledger::Entity::find()
            .order_by_desc(fund_ledger::Column::Id)
            .limit(1)
            .one(&txn)
            .await?;
        let (mut next_id, mut prev_hash) = match last {
            Some(l) => (l.id + 1, l.hash),
            None => (1, GENESIS.to_string()),
        };
        let at_micros = chrono::Utc::now().timestamp_micros();
        let mut rows = Vec::with_capacity(entries.len());
        let mut audit = crate::audit::AuditBatch::new(ctx);
        for e in entries {
            let mut m = fund_ledger::Model {
                id: next_id,
                at_micros,
                project_id: e.project_id,
                division_code: e.division_code.clone(),
                kind: e.kind.key().into(),
                source: e.source.key().into(),
                amount_fen: e.amount.fen(),
                memo: e.memo.clone(),
                actor: ctx.actor.clone(),
                prev_hash: prev_hash.clone(),
                hash: String::new(),
            };
            m.hash = entry_hash(&m);
            prev_hash = m.hash.clone();
            next_id += 1;
            audit.push(
                "append",
                "fund_ledger",
                m.id,
                Some(&e.division_code),
                None,
                Some(format!(
                    "{} {} {}",
                    e.kind.key(),
                    e.source.key(),
                    e.amount.yuan_text()
                )),
            );
            rows.push(m);
        }
        let ids = rows.iter().map(|m| m.id).collect();
        for chunk in rows.chunks(500) {
            fund_ledger::Entity::insert_many(chunk.iter().cloned().map(|m| {
                fund_ledger::ActiveModel {
                    id: Set(m.id),
                    at_micros: Set(m.at_micros),
                    project_id: Set(m.project_id),
                    division_code: Set(m.division_code),
                    kind: Set(m.kind),
                    source: Set(m.source),
                    amount_fen: Set(m.amount_fen),
                    memo: Set(m.memo),
                    actor: Set(m.actor),
                    prev_hash: Set(m.prev_hash),
                    hash: Set(m.hash),
                }
            }))
            .exec_without_returning(&txn)
            .await?;
        }
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(ids)
    }

    /// A project's entries, oldest first.
    pub(crate) async fn ledger_of_project(
        &self,
        project_id: i64,
    ) -> Result<Vec<fund_ledger::Model>> {
        Ok(fund_ledger::Entity::find()
            .filter(fund_ledger::Column::ProjectId.eq(project_id))
            .order_by_asc(fund_ledger::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// Walks the chain from its start: `None` when every entry fits, else the id of the first
    /// that does not (changed, or after a removed one).
    pub async fn ledger_verify(&self) -> Result<Option<i64>> {
        let mut prev = GENESIS.to_string();
        let mut expected_id = 1;
        let mut after = 0;
        loop {
            let page = fund_ledger::Entity::find()
                .filter(fund_ledger::Column::Id.gt(after))
                .order_by_asc(fund_ledger::Column::Id)
                .limit(10_000)
                .all(&self.db)
                .await?;
            let Some(last) = page.last() else {
                return Ok(None);
            };
            after = last.id;
            for m in page {
                if m.id != expected_id || m.prev_hash != prev || entry_hash(&m) != m.hash {
                    return Ok(Some(m.id));
                }
                prev = m.hash;
                expected_id += 1;
            }
        }
    }

    /// The chain's head: its length and last hash (the genesis hash when empty).
    pub async fn ledger_head(&self) -> Result<LedgerHead> {
        let count = fund_ledger::Entity::find().count(&self.db).await?;
        let hash = fund_ledger::Entity::find()
            .order_by_desc(fund_ledger::Column::Id)
            .limit(1)
            .one(&self.db)
            .await?
            .map_or_else(|| GENESIS.to_string(), |m| m.hash);
        Ok(LedgerHead { count, hash })
    }

    /// Whether an entry with this hash is still in the chain (a published head's).
    pub async fn ledger_has(&self, hash: &str) -> Result<bool> {
        Ok(fund_ledger::Entity::find()
            .filter(fund_ledger::Column::Hash.eq(hash.trim()))
            .count(&self.db)
            .await?
            > 0)
    }
}
