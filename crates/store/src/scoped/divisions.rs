//! Divisions and the assessment of estates through the scoped door.

use super::Scoped;
use crate::assess::Assessor;
use crate::audit::{AuditBatch, WriteCtx};
use crate::convert::json;
use crate::entity::division;
use crate::{Result, StoreError};
use anju_domain::{Division, DivisionCode, Policy, TownKind};
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::EntityTrait;
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

    /// One division, if it lies inside the scope.
    pub async fn division(&self, code: &DivisionCode) -> Result<Division> {
        if !self.covers(code) {
            return Err(StoreError::NotFound(format!("division {code}")));
        }
        self.store
            .division(code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("division {code}")))
    }

    /// Says whether a town is its county's seat (城关镇): audited, and the estates under it are
    /// assessed again in the same transaction. Returns how many estates changed their outcome.
    /// Who may do this is the caller's check (`account::may_set_county_seats`).
    pub async fn set_county_seat(
        &self,
        ctx: &WriteCtx,
        code: &DivisionCode,
        seat: bool,
        policy: Policy,
        reference_year: i32,
    ) -> Result<usize> {
        let before = self.division(code).await?;
        if code.town_kind() != Some(TownKind::Town) || code.level() != anju_domain::Level::Town {
            return Err(StoreError::Invalid(format!(
                "只有镇（代码第7–9位为100–199）才可能是县城 / only a town (digits 7–9 in 100–199) can be a county seat: {code}"
            )));
        }
        if before.county_seat == seat {
            return Ok(0);
        }
        let after = Division {
            county_seat: seat,
            ..before.clone()
        };
        // The town's estates, judged with the town's new standing.
        let mut a = self
            .store
            .assessor_for(policy, reference_year, &[code.as_str()])
            .await?;
        if seat {
            a.county_seat_towns.insert(code.to_string());
        } else {
            a.county_seat_towns.remove(code.as_str());
        }
        let txn = self.store.begin_write().await?;
        division::Entity::update(division::ActiveModel {
            code: Unchanged(code.to_string()),
            county_seat: Set(seat),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "update",
            "division",
            code,
            Some(code.as_str()),
            Some(json(&before)),
            Some(json(&after)),
        );
        audit.flush(&txn).await?;
        let changed = crate::estates::reassess_in(&txn, &a, Some(code)).await?;
        txn.commit().await?;
        Ok(changed)
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
