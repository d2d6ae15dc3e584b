//! The inventory export — `anju export estates` and the export button write the same rows, made
//! here: every estate in the caller's jurisdiction, page by page in id order, assessed, with its
//! division's name and the mode its buildings suggest.

use anju_domain::{DivisionCode, Lang, Policy};
use anju_io::write::ExportEstate;
use anju_store::scoped::Scoped;
use anju_store::{Assessor, StoreError};
use std::collections::HashMap;

/// Estates per page: a few megabytes of rows at a time however large the export.
const PAGE: u64 = 5_000;

/// The export's rows, a page at a time.
pub struct ExportPages<'a> {
    data: &'a Scoped,
    assessor: &'a Assessor,
    policy: &'a Policy,
    division: Option<DivisionCode>,
    eligible_only: bool,
    lang: Lang,
    after: i64,
    names: HashMap<String, String>,
}

impl<'a> ExportPages<'a> {
    pub fn new(
        data: &'a Scoped,
        assessor: &'a Assessor,
        policy: &'a Policy,
        division: Option<DivisionCode>,
        eligible_only: bool,
        lang: Lang,
    ) -> Self {
        ExportPages {
            data,
            assessor,
            policy,
            division,
            eligible_only,
            lang,
            after: 0,
            names: HashMap::new(),
        }
    }

    /// The next page of rows, or `None` when every estate has been given.
    pub async fn next(&mut self) -> Result<Option<Vec<ExportEstate>>, StoreError> {
        let page = self
            .data
            .estates_after(self.division.as_ref(), self.eligible_only, self.after, PAGE)
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
        let buildings = self.data.buildings_of(&ids).await?;
        let lang = self.lang;
        Ok(Some(
            page.iter()
                .map(|m| {
                    let e = anju_store::convert::estate_from_model(m);
                    let el = self.assessor.assess(&e);
                    let mode = anju_domain::suggest_mode(
                        buildings.get(&m.id).map_or(&[][..], |b| b.as_slice()),
                        self.policy,
                    );
                    ExportEstate {
                        division_name: self
                            .names
                            .get(&m.division_code)
                            .cloned()
                            .unwrap_or_default(),
                        eligible: m.eligible,
                        ineligible_reasons: el.failed_reasons(lang),
                        mode: mode.mode.label().get(lang).to_string(),
                        mode_reason: mode.reason.get(lang).to_string(),
                        estate: e,
                    }
                })
                .collect(),
        ))
    }
}
