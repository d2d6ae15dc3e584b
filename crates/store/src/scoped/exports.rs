//! The inventory export through the scoped door — `anju export estates` and the export button of
//! the pages write the same rows, made here: every estate in the caller's jurisdiction, page by
//! page in id order, with its division's name, its assessment and the mode its buildings suggest.

use super::Scoped;
use crate::assess::Assessor;
use crate::Result;
use anju_domain::{AssessedEstate, DivisionCode, Outcome, Policy};
use std::collections::HashMap;

/// Estates per page: a few megabytes of rows at a time however large the export.
const PAGE: u64 = 5_000;

/// The export's rows, a page at a time.
pub struct ExportPages<'a> {
    data: &'a Scoped,
    assessor: &'a Assessor,
    division: Option<DivisionCode>,
    outcome: Option<Outcome>,
    after: i64,
    names: HashMap<String, String>,
}

impl Scoped {
    /// The export of the scope (and `division`, if given; only the estates of one outcome if
    /// asked).
    pub fn export<'a>(
        &'a self,
        assessor: &'a Assessor,
        division: Option<DivisionCode>,
        outcome: Option<Outcome>,
    ) -> ExportPages<'a> {
        ExportPages {
            data: self,
            assessor,
            division,
            outcome,
            after: 0,
            names: HashMap::new(),
        }
    }
}

impl ExportPages<'_> {
    /// The next page of rows — each estate with its neighbourhood's name — or `None` when every
    /// estate has been given.
    pub async fn next(&mut self) -> Result<Option<Vec<(String, AssessedEstate)>>> {
        let page = self
            .data
            .estates_after(self.division.as_ref(), self.outcome, self.after, PAGE)
            .await?;
        let Some(last) = page.last() else {
            return Ok(None);
        };
        self.after = last.id;
        let mut missing: Vec<String> = page
            .iter()
            .map(|m| m.division_code.clone())
            .filter(|c| !self.names.contains_key(c))
            .collect();
        missing.sort();
        missing.dedup();
        if !missing.is_empty() {
            self.names.extend(self.data.division_names(&missing).await?);
        }
        let ids: Vec<i64> = page.iter().map(|m| m.id).collect();
        // The ids were read through the scope just above: their buildings need no second check.
        let buildings = self.data.store.buildings_of(&ids).await?;
        Ok(Some(
            page.iter()
                .map(|m| {
                    let name = self.names.get(&m.division_code).cloned();
                    let bs = buildings.get(&m.id).map_or(&[][..], |b| b.as_slice());
                    (name.unwrap_or_default(), assessed(m, bs, self.assessor))
                })
                .collect(),
        ))
    }
}

/// The one assembly of an estate's assessment: the export's rows and a single estate alike.
fn assessed(
    m: &crate::entity::estate::Model,
    buildings: &[anju_domain::Building],
    assessor: &Assessor,
) -> AssessedEstate {
    let estate = crate::convert::estate_from_model(m);
    let policy = assessor.policy_for(&estate.division_code);
    AssessedEstate {
        eligible: m.eligible,
        outcome: Outcome::from_key(&m.outcome).unwrap_or_default(),
        eligibility: assessor.assess(&estate),
        mode: anju_domain::suggest_mode(buildings, policy),
        estate,
    }
}

impl Scoped {
    /// One estate of the scope with its assessment (the estate page, `anju estate`): the rules
    /// judged with the county seats of its own town only, the mode from its buildings.
    pub async fn assess(
        &self,
        m: &crate::entity::estate::Model,
        buildings: &[crate::entity::building::Model],
        base: &Policy,
        reference_year: i32,
    ) -> Result<AssessedEstate> {
        let assessor = self
            .assessor_for(base.clone(), reference_year, &[m.division_code.as_str()])
            .await?;
        let buildings: Vec<anju_domain::Building> = buildings
            .iter()
            .map(crate::convert::building_from_model)
            .collect();
        Ok(assessed(m, &buildings, &assessor))
    }
}
