//! Policies by division and year (DOMAIN §3: cut-offs and numbers are configuration per
//! province and year). The base is the national policy (or the file given with `--policy`); a
//! province or a city overrides only the numbers it changes, from a given year. The policy in
//! force for an estate is the base, then its province's latest override from a year not after
//! the year of assessment, then its city's.

use crate::entity::policy_override;
use crate::{Result, Store, StoreError};
use anju_domain::{DivisionCode, Level, Policy};
use sea_orm::{EntityTrait, QueryOrder};

/// A stored override.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub division: DivisionCode,
    pub from_year: i32,
    /// TOML with only the keys it changes.
    pub body: String,
}

/// The base policy and every stored override.
#[derive(Debug, Clone)]
pub struct Policies {
    pub base: Policy,
    pub overrides: Vec<Override>,
}

impl Policies {
    /// The policy in force in `code` (any level) for the year of assessment `year`.
    pub fn in_force(&self, code: &DivisionCode, year: i32) -> Result<Policy> {
        self.in_force_above(code, year, None)
    }

    /// [`Self::in_force`] without the overrides of `skip` (the division whose own override is
    /// being written: what it changes is measured against the policy above it).
    pub fn in_force_above(
        &self,
        code: &DivisionCode,
        year: i32,
        skip: Option<&DivisionCode>,
    ) -> Result<Policy> {
        let mut p = self.base.clone();
        for level in [Level::Province, Level::City] {
            let Some(d) = code.ancestor_at(level) else {
                continue;
            };
            if Some(&d) == skip {
                continue;
            }
            if let Some(o) = self.latest(&d, year) {
                p = p.with_override(&o.body).map_err(|e| {
                    StoreError::Invalid(format!("{} ({}, {}): {e}", d, o.division, o.from_year))
                })?;
                p.effective_year = o.from_year;
            }
        }
        Ok(p)
    }

    /// A division's own override in force for `year`: its latest from a year not after it.
    pub fn latest(&self, division: &DivisionCode, year: i32) -> Option<&Override> {
        self.overrides
            .iter()
            .filter(|o| o.division == *division && o.from_year <= year)
            .max_by_key(|o| o.from_year)
    }

    /// The provinces and cities that have an override in force for `year`.
    pub fn divisions_with_overrides(&self, year: i32) -> Vec<DivisionCode> {
        let mut v: Vec<DivisionCode> = self
            .overrides
            .iter()
            .filter(|o| o.from_year <= year)
            .map(|o| o.division)
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

impl Store {
    /// The base policy with every stored override.
    pub async fn policies(&self, base: Policy) -> Result<Policies> {
        // A small read on every assessment (an estate page): the store's read path.
        let rows = self
            .read_select(
                policy_override::Entity::find()
                    .order_by_asc(policy_override::Column::DivisionCode)
                    .order_by_asc(policy_override::Column::FromYear),
            )
            .await?;
        let overrides = rows
            .into_iter()
            .filter_map(|m| {
                Some(Override {
                    division: DivisionCode::parse(&m.division_code).ok()?,
                    from_year: m.from_year,
                    body: m.body,
                })
            })
            .collect();
        Ok(Policies { base, overrides })
    }
}
