//! Divisions and the assessment of estates through the scoped door.

use super::Scoped;
use crate::assess::Assessor;
use crate::{Result, StoreError};
use anju_domain::Division;
use anju_domain::{DivisionCode, Policy};
use std::collections::HashMap;

impl Scoped {
    /// The divisions under `parent` (the scope's own division when `None`), if it lies inside
    /// the scope.
    pub async fn child_divisions(&self, parent: Option<&DivisionCode>) -> Result<Vec<Division>> {
        let parent = parent.copied().or(self.home());
        if let Some(p) = &parent {
            if !self.covers(p) {
                return Err(StoreError::NotFound(format!("division {p}")));
            }
        }
        self.store.child_divisions(parent.as_ref()).await
    }

    /// The names of those of these divisions that lie inside the scope (breadcrumbs, exports).
    pub async fn division_names(&self, codes: &[String]) -> Result<HashMap<String, String>> {
        let inside: Vec<String> = codes
            .iter()
            .filter(|c| DivisionCode::parse(c).is_ok_and(|d| self.covers(&d)))
            .cloned()
            .collect();
        self.store.division_names(&inside).await
    }

    /// An assessor for estates of these divisions (one estate's page or edit: it reads only the
    /// county seats of their towns).
    pub async fn assessor_for(
        &self,
        policy: Policy,
        reference_year: i32,
        division_codes: &[&str],
    ) -> Result<Assessor> {
        self.store
            .assessor_for(policy, reference_year, division_codes)
            .await
    }

    /// An assessor for any estate of the scope.
    pub async fn assessor(&self, policy: Policy, reference_year: i32) -> Result<Assessor> {
        self.store.assessor(policy, reference_year).await
    }
}
