//! Imports through the scoped door: every row must lie inside the importer's jurisdiction.

use super::Scoped;
use crate::assess::Assessor;
use crate::audit::WriteCtx;
use crate::estates::UpsertReport;
use crate::{Result, StoreError};
use anju_domain::{DivisionCode, Estate};

impl Scoped {
    /// Inserts or updates estates (see [`crate::Store::upsert_estates`]) after checking that
    /// every one lies inside the scope; one outside it refuses the whole import, naming it.
    pub async fn import_estates(
        &self,
        ctx: &WriteCtx,
        estates: &[Estate],
        a: &Assessor,
    ) -> Result<UpsertReport> {
        for (i, e) in estates.iter().enumerate() {
            let inside = DivisionCode::parse(&e.division_code).is_ok_and(|d| self.covers(&d));
            if !inside {
                return Err(StoreError::Invalid(format!(
                    "第{}个小区“{}”的区划{}不在管辖范围内 / estate {} ({}) is in division {}, outside the jurisdiction",
                    i + 1, e.name, e.division_code, i + 1, e.name, e.division_code
                )));
            }
        }
        let report = self.store.upsert_estates(ctx, estates, a).await?;
        if let Err(e) = self
            .store
            .refresh_statistics(report.inserted + report.updated)
            .await
        {
            tracing::warn!(error = %e, "could not refresh the planner's statistics");
        }
        Ok(report)
    }

    /// The division codes an import may name: those known inside the scope.
    pub async fn importable_divisions(&self) -> Result<std::collections::HashSet<String>> {
        let mut codes = self.store.division_codes().await?;
        codes.retain(|c| DivisionCode::parse(c).is_ok_and(|d| self.covers(&d)));
        Ok(codes)
    }
}
