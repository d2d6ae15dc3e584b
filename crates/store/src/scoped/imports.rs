//! Imports through the scoped door: every row must lie inside the importer's jurisdiction. One
//! streamed import serves the command line and the import page alike: the sheet is read (and
//! every row assessed) on a thread of its own while the batches already read are stored, all in
//! one transaction that the caller commits only when the whole sheet had no error.

use super::Scoped;
use crate::assess::Assessor;
use crate::audit::WriteCtx;
use crate::estates::{EstateImport, PreparedEstate, UpsertReport};
use crate::{Result, Store, StoreError};
use anju_domain::{DivisionCode, Estate};

/// What a sheet reader hands on: a batch of estates read, and how many rows of the sheet were
/// wrong so far (once one is, nothing will be kept: the rest is read only to list every error).
pub type Sink<'a> = &'a mut dyn FnMut(Vec<Estate>, usize);

/// An import whose rows are stored but not yet committed: the caller commits it when the sheet
/// had no error (and it was not a dry run), or rolls it back.
pub struct PendingImport {
    store: Store,
    txn: sea_orm::DatabaseTransaction,
    /// What storing the rows did (all zero when nothing was stored).
    pub report: UpsertReport,
    /// The rows read.
    pub rows: usize,
}

impl PendingImport {
    /// Keeps the import; then brings PostgreSQL's planner statistics up to date after a large one.
    pub async fn commit(self) -> Result<UpsertReport> {
        self.txn.commit().await?;
        if let Err(e) = self
            .store
            .refresh_statistics(self.report.inserted + self.report.updated)
            .await
        {
            tracing::warn!(error = %e, "could not refresh the planner's statistics");
        }
        Ok(self.report)
    }

    /// Drops everything the import stored.
    pub async fn rollback(self) -> Result<()> {
        Ok(self.txn.rollback().await?)
    }
}

impl Scoped {
    /// Reads a sheet with `read` — on a blocking thread, which also assesses each estate — and
    /// stores its batches meanwhile, in one transaction, each estate checked against the scope.
    /// `store_rows` false (a dry run) reads and checks without storing. `progress` hears the
    /// rows read so far. Returns the pending import and what `read` returned (its errors).
    pub async fn import_estates_streamed<T: Send + 'static>(
        &self,
        ctx: &WriteCtx,
        a: &Assessor,
        store_rows: bool,
        read: impl FnOnce(Sink<'_>) -> T + Send + 'static,
        mut progress: impl FnMut(usize),
    ) -> Result<(PendingImport, T)> {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<(Vec<PreparedEstate>, usize, usize)>(2);
        let assessor = a.clone();
        let reader = tokio::task::spawn_blocking(move || {
            read(&mut |batch: Vec<Estate>, errors: usize| {
                let n = batch.len();
                let prepared = if errors == 0 && store_rows {
                    batch
                        .into_iter()
                        .map(|e| PreparedEstate::new(e, &assessor))
                        .collect()
                } else {
                    Vec::new()
                };
                // The receiver only goes away when storing failed; reading then just finishes.
                let _ = tx.blocking_send((prepared, n, errors));
            })
        });
        let txn = self.store.begin_write().await?;
        let mut import = EstateImport::new(&txn, ctx, a);
        let (mut rows, mut storing) = (0usize, store_rows);
        while let Some((batch, n, errors)) = rx.recv().await {
            rows += n;
            storing &= errors == 0;
            if storing {
                self.check_inside(batch.iter().map(|p| &p.estate))?;
                import.write_prepared(batch).await?;
            }
            progress(rows);
        }
        // Totals are recomputed only when the rows were stored (a rolled-back import leaves none).
        let report = if storing {
            import.finish().await?
        } else {
            import.report.clone()
        };
        let read = reader
            .await
            .map_err(|e| StoreError::Invalid(format!("读取中断 / reading failed: {e}")))?;
        Ok((
            PendingImport {
                store: self.store.clone(),
                txn,
                report,
                rows,
            },
            read,
        ))
    }

    /// Refuses estates outside the scope, naming the first.
    fn check_inside<'e>(&self, estates: impl Iterator<Item = &'e Estate>) -> Result<()> {
        for e in estates {
            if !self.covers(&e.division_code) {
                return Err(StoreError::Invalid(format!(
                    "小区“{}”的区划{}不在管辖范围内 / estate {} is in division {}, outside the jurisdiction",
                    e.name, e.division_code, e.name, e.division_code
                )));
            }
        }
        Ok(())
    }

    /// The division codes an import may name: those known inside the scope.
    pub async fn importable_divisions(&self) -> Result<std::collections::HashSet<String>> {
        let mut codes = self.store.division_codes().await?;
        codes.retain(|c| DivisionCode::parse(c).is_ok_and(|d| self.covers(&d)));
        Ok(codes)
    }
}
