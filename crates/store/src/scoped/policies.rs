//! Policies through the scoped door: the policy in force in a division of the scope, and a
//! province's or city's override, stored (audited) and applied to its estates at once.

use super::Scoped;
use crate::audit::{AuditBatch, WriteCtx};
use crate::entity::policy_override;
use crate::policies::{Override, Policies};
use crate::{Result, StoreError};
use anju_domain::{DivisionCode, Level, Policy};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// What storing an override did.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyChange {
    /// The keys stored: only those that differ from the policy above the division.
    pub body: String,
    /// The policy now in force in the division from that year.
    pub policy: Policy,
    /// How many of its estates changed their outcome (reassessed when the year has come).
    pub changed: usize,
}

impl Scoped {
    /// The policy in force in a division of the scope for a year.
    pub async fn policy_in_force(
        &self,
        base: Policy,
        division: &DivisionCode,
        year: i32,
    ) -> Result<Policy> {
        if !self.covers(division) {
            return Err(StoreError::NotFound(format!("division {division}")));
        }
        self.store.policies(base).await?.in_force(division, year)
    }

    /// The policies as the scope sees them: the base, and the overrides of the divisions inside
    /// the scope and of those above it (which are all that apply inside it).
    pub async fn policies_seen(&self, base: Policy) -> Result<Policies> {
        let home = self.home();
        let mut p = self.store.policies(base).await?;
        p.overrides
            .retain(|o| self.covers(&o.division) || home.is_some_and(|h| o.division.contains(&h)));
        Ok(p)
    }

    /// Reassesses every estate of the scope (after a new year began, say): eligibility and mode.
    /// Returns how many changed their outcome.
    pub async fn reassess(&self, a: &crate::Assessor) -> Result<usize> {
        self.store.reassess(a, self.home().as_ref()).await
    }

    /// How many estates of the scope were assessed in another year or under other numbers.
    pub async fn stale_assessments(&self, a: &crate::Assessor) -> Result<u64> {
        self.store.stale_assessments(a, self.home().as_ref()).await
    }

    /// Stores a province's or city's override from `from_year` (`text`: TOML with any of the
    /// keys of `policy/national.toml`; only what differs from the policy above it is kept),
    /// audited, and reassesses its estates in the same transaction. Who may do this is the
    /// caller's check (`account::may_set_policy`).
    pub async fn set_policy(
        &self,
        ctx: &WriteCtx,
        division: &DivisionCode,
        from_year: i32,
        text: &str,
        base: Policy,
        reference_year: i32,
    ) -> Result<PolicyChange> {
        if !self.covers(division) {
            return Err(StoreError::NotFound(format!("division {division}")));
        }
        if !matches!(division.level(), Level::Province | Level::City) {
            return Err(StoreError::Invalid(format!(
                "政策只能按省或市设定，{division}是{}一级 / a policy is set for a province or a city; {division} is a {}",
                division.level().name_zh(),
                division.level().name_en()
            )));
        }
        if !anju_domain::estate::YEARS.contains(&from_year) {
            return Err(StoreError::Invalid(format!(
                "起始年份{from_year}不在1900–2100之间 / the first year {from_year} is not between 1900 and 2100"
            )));
        }
        let mut policies = self.store.policies(base).await?;
        let above = policies.in_force_above(division, from_year, Some(division))?;
        let full = above
            .with_override(text)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let body = above.changes_to(&full);
        let seats = self.store.county_seat_towns().await?;
        let txn = self.store.begin_write().await?;
        let existing = policy_override::Entity::find()
            .filter(policy_override::Column::DivisionCode.eq(division.as_str()))
            .filter(policy_override::Column::FromYear.eq(from_year))
            .one(&txn)
            .await?;
        let now = chrono::Utc::now();
        let before = existing.as_ref().map(|m| m.body.clone());
        let row = policy_override::ActiveModel {
            id: existing.as_ref().map_or(NotSet, |m| Unchanged(m.id)),
            division_code: Set(division.to_string()),
            from_year: Set(from_year),
            body: Set(body.clone()),
            updated_at: Set(now),
        };
        match existing {
            Some(_) => policy_override::Entity::update(row).exec(&txn).await?,
            None => {
                policy_override::Entity::insert(row)
                    .exec_with_returning(&txn)
                    .await?
            }
        };
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            if before.is_some() { "update" } else { "create" },
            "policy",
            format!("{division}@{from_year}"),
            Some(division.as_str()),
            before,
            Some(body.clone()),
        );
        audit.flush(&txn).await?;
        // The division's estates under the policies as they now are.
        policies
            .overrides
            .retain(|o| !(o.division == *division && o.from_year == from_year));
        policies.overrides.push(Override {
            division: *division,
            from_year,
            body: body.clone(),
        });
        let a = crate::Assessor::new(&policies, reference_year, seats)?;
        let changed = crate::estates::reassess_in(&txn, &a, Some(division)).await?;
        txn.commit().await?;
        Ok(PolicyChange {
            policy: policies.in_force(division, from_year)?,
            body,
            changed,
        })
    }
}
