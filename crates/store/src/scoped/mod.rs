//! The one guard for jurisdiction: every read and write of business data on behalf of a user goes
//! through [`Scoped`], which filters by the user's scope. A record outside the scope is "not found"
//! for reads and writes alike. The web layer only ever holds a `Scoped`.

use crate::assess::Assessor;
use crate::audit::{AuditBatch, WriteCtx};
use crate::convert::{building_from_model, estate_from_model, json};
use crate::entity::{audit_log, building, estate};
use crate::{Result, Store, StoreError};
use anju_domain::{DivisionCode, Outcome, Scope, Summary};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveValue::Unchanged, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use serde::Deserialize;

/// The fields a user may change and their rules live in the domain; re-exported where the
/// update that applies them is.
pub use anju_domain::estate::{EstatePatch, FieldError};

mod accounts;
mod bundles;
mod complaints;
mod divisions;
mod exports;
mod imports;
mod menus;
mod money;
mod participation;
mod planning;
mod policies;
mod projects;
mod residents;
mod scenarios;
mod tasks;
mod works;
pub use complaints::{ComplaintStep, ComplaintView};
pub use menus::{
    completion_from_key, completion_key, rule_from_key, rule_key, MenuBallots, MenuItemView,
    MenuView, NewMenu,
};
pub use money::{AllocationShare, DivisionMoney, FundingPlanView, MoneyByDivision, PlanLine};
pub use participation::*;
pub use planning::{AnnualPlan, EstatePlanning, NeedInput, NeedLine, PlanRequest, PoolRow};
pub use policies::PolicyChange;
pub use projects::{
    today_in_china, MilestoneAlert, OverdueProject, ProjectMoney, ProjectPatch, ProjectView,
    SourceMoney, MANAGEMENT_MODES,
};
pub use residents::{
    published_ballots, ConsultationView, Household, HouseholdView, NewVote, OwnerView, PartView,
    RegisterReport, VoteView,
};
pub use scenarios::{Scenario, ScenarioResult, ScenarioYear};
pub use tasks::{NewTask, TaskView};
pub use works::{
    DocumentMeta, FindingInput, FindingView, InspectionInput, InspectionView, Participant,
    ProgressInput, ProgressReport,
};

pub use crate::search::CANDIDATES as SEARCH_CANDIDATES;
pub use accounts::NewAccount;
pub use bundles::{BundleInput, BundleMember, BundleView, EstateGaps, FacilityInput};
pub use exports::ExportPages;

/// An estate on the map.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MapPoint {
    pub id: i64,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub eligible: bool,
    /// eligible | conditional | undetermined | out: the map's colour.
    pub outcome: String,
}

type RawPoint = (i64, String, Option<f64>, Option<f64>, bool, String);

/// A text search counts its matches up to this many (counting every match of a common word among
/// 300,000 estates would read them all on each page).
pub const SEARCH_COUNT_LIMIT: u64 = 1000;

/// What the search index can say of a text search.
enum Narrowed {
    /// The text has no two-character word (a single character): the index cannot narrow it.
    Unindexed,
    /// At most `CANDIDATES` estates have every word of the text: these.
    Few(Vec<i64>),
    /// More estates than that have the text's one two-character word.
    CommonWord,
    /// More estates than that have every word of a longer text (not all need match it).
    Common,
}

/// A list page whose offset is at most this reads few enough rows to run on the calling thread
/// (see sqlite_reads.rs); deeper pages go through the pool.
const SMALL_READ_OFFSET: u64 = 2_000;

/// A store seen through a user's scope.
#[derive(Clone, Debug)]
pub struct Scoped {
    store: Store,
    pub scope: Scope,
}

/// How the estate list is sorted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// By neighbourhood, then name: the order of the index, so any page comes straight from it.
    #[default]
    Division,
    Id,
    Name,
    Year,
    Households,
    Area,
}

/// A page of the estate list.
#[derive(Debug, Clone, Default)]
pub struct EstateFilter {
    pub division: Option<DivisionCode>,
    pub q: Option<String>,
    pub eligible: Option<bool>,
    /// Only the estates of this outcome (eligible, conditional, undetermined, out).
    pub outcome: Option<Outcome>,
    pub sort: Sort,
    pub desc: bool,
    pub page: u64,
    pub per_page: u64,
}

/// Why an update failed.
#[derive(Debug)]
pub enum UpdateError {
    Invalid(Vec<FieldError>),
    /// The change collides with a stored estate (its new name is taken in its neighbourhood,
    /// perhaps by another user's rename a moment ago).
    Conflict(Vec<FieldError>),
    Store(StoreError),
}

impl From<StoreError> for UpdateError {
    fn from(e: StoreError) -> Self {
        UpdateError::Store(e)
    }
}

impl From<sea_orm::DbErr> for UpdateError {
    fn from(e: sea_orm::DbErr) -> Self {
        UpdateError::Store(e.into())
    }
}

impl Store {
    /// This store as seen by a user with `scope`.
    pub fn scoped(&self, scope: Scope) -> Scoped {
        Scoped {
            store: self.clone(),
            scope,
        }
    }
}

/// An estate's buildings in the order they were entered.
fn buildings_query(estate_id: i64) -> Select<building::Entity> {
    building::Entity::find()
        .filter(building::Column::EstateId.eq(estate_id))
        .order_by_asc(building::Column::Id)
}

/// The condition that keeps a division-code column inside a scope.
fn within(scope: &Scope, column: impl ColumnTrait) -> Condition {
    match scope {
        Scope::All => Condition::all(),
        Scope::Division(d) => {
            let (lo, hi) = d.range();
            Condition::all().add(column.between(lo, hi))
        }
    }
}

impl Scoped {
    /// What the search index says of a text search in the scope (and `division`).
    async fn search_candidates(
        &self,
        text: &str,
        division: Option<&DivisionCode>,
    ) -> Result<Narrowed> {
        let mut terms = anju_domain::search::query_terms(text);
        let words = terms.len();
        if words == 0 {
            return Ok(Narrowed::Unindexed);
        }
        terms.extend(
            self.home()
                .iter()
                .chain(division)
                .map(anju_domain::search::division_term),
        );
        Ok(match self.store.search_candidates(&terms).await? {
            Some(ids) => Narrowed::Few(ids),
            None if words == 1 => Narrowed::CommonWord,
            None => Narrowed::Common,
        })
    }

    /// Whether a division lies inside the scope.
    pub fn covers(&self, d: &DivisionCode) -> bool {
        self.scope.contains(d)
    }

    /// The scope's own division, if any.
    pub fn home(&self) -> Option<DivisionCode> {
        match self.scope {
            Scope::All => None,
            Scope::Division(d) => Some(d),
        }
    }

    /// A page of estates, how many match, and whether that count stopped at
    /// [`SEARCH_COUNT_LIMIT`] (a text search: there are more).
    pub async fn estates(&self, f: &EstateFilter) -> Result<(Vec<estate::ListRow>, u64, bool)> {
        let mut q =
            estate::Entity::find().filter(within(&self.scope, estate::Column::DivisionCode));
        if let Some(d) = &f.division {
            let (lo, hi) = d.range();
            q = q.filter(estate::Column::DivisionCode.between(lo, hi));
        }
        let mut narrowed = Narrowed::Unindexed;
        if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let text = text.replace(['%', '_'], "");
            // The index narrows the search to the estates having every bigram of the text in
            // this scope and division (a rare word: a few, found at once, where a scan read the
            // whole scope); the LIKE below then keeps the true matches.
            narrowed = self.search_candidates(&text, f.division.as_ref()).await?;
            match &narrowed {
                // No estate has every word: nothing to read (a word in no name is answered by
                // the index alone).
                Narrowed::Few(ids) if ids.is_empty() => return Ok((Vec::new(), 0, false)),
                Narrowed::Few(ids) => q = q.filter(estate::Column::Id.is_in(ids.iter().copied())),
                _ => {}
            }
            let pattern = format!("%{text}%");
            q = q.filter(
                Condition::any()
                    .add(estate::Column::Name.like(&pattern))
                    .add(estate::Column::Address.like(&pattern))
                    .add(estate::Column::Code.like(&pattern)),
            );
        }
        if let Some(e) = f.eligible {
            q = q.filter(estate::Column::Eligible.eq(e));
        }
        if let Some(o) = f.outcome {
            q = q.filter(estate::Column::Outcome.eq(o.key()));
        }
        let filtered = f.eligible.is_some() || f.outcome.is_some();
        let text = f.q.as_deref().is_some_and(|t| !t.trim().is_empty());
        let cols: &[estate::Column] = match f.sort {
            // (division_code, name) is unique: no tie to break.
            Sort::Division => &[estate::Column::DivisionCode, estate::Column::Name],
            Sort::Id => &[estate::Column::Id],
            Sort::Name => &[estate::Column::Name, estate::Column::Id],
            Sort::Year => &[estate::Column::YearCompleted, estate::Column::Id],
            Sort::Households => &[estate::Column::Households, estate::Column::Id],
            Sort::Area => &[estate::Column::FloorAreaCentiM2, estate::Column::Id],
        };
        for (i, col) in cols.iter().enumerate() {
            // Only the sort key follows `desc`; what breaks its ties ascends.
            q = if f.desc && i == 0 {
                q.order_by_desc(*col)
            } else {
                q.order_by_asc(*col)
            };
        }
        let per_page = f.per_page.clamp(1, 200);
        let page = f.page.max(1);
        let offset = (page - 1) * per_page;
        if text {
            let (total, capped) = if matches!(narrowed, Narrowed::CommonWord) && !filtered {
                // A two-character word that more than CANDIDATES estates of this scope and
                // division have (the index says so, and for one bigram the index's estates are
                // the matches): the count is past its cap already, and the page is met soon in
                // the list's own order below. (Counting the matches by reading them was most of
                // the cost: a word in a tenth of a province's names read ten thousand rows on
                // every page.)
                (SEARCH_COUNT_LIMIT, true)
            } else {
                // A text match cannot use an index: a search reads the scope's estates until it
                // has its matches. One pass takes the first SEARCH_COUNT_LIMIT + 1 matches in
                // list order: their number is the count (stopping there, and saying so) and a
                // page among them is a slice of them. Counting and then reading the page read a
                // rare word's whole province twice.
                let ids: Vec<i64> = q
                    .clone()
                    .select_only()
                    .column(estate::Column::Id)
                    .limit(SEARCH_COUNT_LIMIT + 1)
                    .into_tuple()
                    .all(&self.store.db)
                    .await?;
                let n = ids.len() as u64;
                let (total, capped) = (n.min(SEARCH_COUNT_LIMIT), n > SEARCH_COUNT_LIMIT);
                if !capped || offset + per_page <= n {
                    let ids = &ids[offset.min(n) as usize..(offset + per_page).min(n) as usize];
                    let mut items: Vec<estate::ListRow> = self
                        .store
                        .read_select_as(
                            estate::Entity::find()
                                .filter(within(&self.scope, estate::Column::DivisionCode))
                                .filter(estate::Column::Id.is_in(ids.iter().copied())),
                        )
                        .await?;
                    items.sort_by_key(|e| ids.iter().position(|id| *id == e.id));
                    return Ok((items, total, capped));
                }
                (total, capped)
            };
            // A common word's page, or a page past the counted matches, reads up to it.
            let items = q
                .offset(offset)
                .limit(per_page)
                .into_partial_model()
                .all(&self.store.db)
                .await?;
            return Ok((items, total, capped));
        }
        let total = self
            .counted(f.division.as_ref(), f.eligible, f.outcome)
            .await?;
        let q = q.offset(offset).limit(per_page);
        // In the index's order, without a filter the index cannot answer, a page near the start
        // reads at most offset + per_page rows: a small read. Anything else may read many rows
        // and goes through the pool, off the calling thread.
        let bounded = !filtered && f.sort == Sort::Division && offset <= SMALL_READ_OFFSET;
        let items = if bounded {
            self.store.read_select_as(q).await?
        } else {
            q.into_partial_model().all(&self.store.db).await?
        };
        Ok((items, total, false))
    }

    /// How many estates (eligible or not, of one outcome, or all) lie in a division inside the
    /// scope, from the kept totals rather than by counting rows.
    async fn counted(
        &self,
        division: Option<&DivisionCode>,
        eligible: Option<bool>,
        outcome: Option<Outcome>,
    ) -> Result<u64> {
        // The part of the country both the scope and the filter cover.
        let here = match (division, self.home()) {
            (None, home) => home,
            (Some(d), None) => Some(*d),
            (Some(d), Some(h)) if h.contains(d) => Some(*d),
            (Some(d), Some(h)) if d.contains(&h) => Some(h),
            (Some(_), Some(_)) => return Ok(0),
        };
        let t = self.store.estates_in(here.as_ref()).await?;
        let (all, yes) = (t.estates as u64, t.eligible_estates as u64);
        let of_outcome = |o: Outcome| match o {
            Outcome::Eligible => yes,
            Outcome::Conditional => t.conditional_estates as u64,
            Outcome::Undetermined => t.undetermined_estates as u64,
            Outcome::Out => {
                all - yes - t.conditional_estates as u64 - t.undetermined_estates as u64
            }
        };
        Ok(match (eligible, outcome) {
            (None, None) => all,
            (None, Some(o)) => of_outcome(o),
            (Some(true), None) => yes,
            (Some(false), None) => all - yes,
            // Both: the outcome decides whether the estate is eligible.
            (Some(e), Some(o)) if e == (o == Outcome::Eligible) => of_outcome(o),
            (Some(_), Some(_)) => 0,
        })
    }

    /// The next `limit` estates inside the scope (and `division`, if given) after `after_id`, in
    /// id order: the primary key pages through a whole province in steps of equal cost, where an
    /// OFFSET would read every skipped row again (exports).
    pub async fn estates_after(
        &self,
        division: Option<&DivisionCode>,
        outcome: Option<Outcome>,
        after_id: i64,
        limit: u64,
    ) -> Result<Vec<estate::Model>> {
        if let Some(d) = division {
            // An export of a division outside the scope is "not found", not an empty sheet.
            let overlaps = self.covers(d) || self.home().is_some_and(|h| d.contains(&h));
            if !overlaps {
                return Err(StoreError::NotFound(format!("division {d}")));
            }
        }
        let mut q = estate::Entity::find()
            .filter(within(&self.scope, estate::Column::DivisionCode))
            .filter(estate::Column::Id.gt(after_id));
        if let Some(d) = division {
            let (lo, hi) = d.range();
            q = q.filter(estate::Column::DivisionCode.between(lo, hi));
        }
        if let Some(o) = outcome {
            q = q.filter(estate::Column::Outcome.eq(o.key()));
        }
        Ok(q.order_by_asc(estate::Column::Id)
            .limit(limit)
            .all(&self.store.db)
            .await?)
    }

    /// One estate and its buildings, if it lies inside the scope.
    pub async fn estate(&self, id: i64) -> Result<Option<(estate::Model, Vec<building::Model>)>> {
        let found = self.store.read_select(self.estate_query(id)).await?;
        let Some(e) = found.into_iter().next() else {
            return Ok(None);
        };
        let bs = self.store.read_select(buildings_query(id)).await?;
        Ok(Some((e, bs)))
    }

    /// An estate by id, if it lies inside the scope.
    fn estate_query(&self, id: i64) -> Select<estate::Entity> {
        estate::Entity::find_by_id(id).filter(within(&self.scope, estate::Column::DivisionCode))
    }

    /// Changes an estate inside the scope, audited, with its eligibility derived again.
    pub async fn update_estate(
        &self,
        ctx: &WriteCtx,
        id: i64,
        patch: &EstatePatch,
        a: &Assessor,
    ) -> std::result::Result<estate::Model, UpdateError> {
        let txn = self.store.begin_write().await?;
        let Some(m) = estate::Entity::find_by_id(id)
            .filter(within(&self.scope, estate::Column::DivisionCode))
            .one(&txn)
            .await?
        else {
            return Err(StoreError::NotFound(format!("estate {id}")).into());
        };
        let before = estate_from_model(&m);
        let mut after = before.clone();
        patch
            .apply(&mut after, a.reference_year)
            .map_err(UpdateError::Invalid)?;
        if after == before {
            return Ok(m);
        }
        let derived = crate::estates::Derived::of(&after, a);
        // The one mapping of an estate to its row; what a patch cannot change (the division,
        // the suggested mode, the creation time) stays as stored.
        let mode = anju_domain::Mode::from_key(&m.suggested_mode)
            .unwrap_or(anju_domain::Mode::Comprehensive);
        let mut am = crate::convert::estate_active(&after, &derived, mode, chrono::Utc::now());
        am.id = Unchanged(m.id);
        am.created_at = sea_orm::ActiveValue::NotSet;
        // The unique (neighbourhood, name) index decides whether a new name is free, also
        // against a rename that another user commits at the same moment.
        let updated = match estate::Entity::update(am)
            .exec(&txn)
            .await
            .map_err(StoreError::from)
        {
            Ok(u) => u,
            Err(StoreError::Conflict(_)) => {
                return Err(UpdateError::Conflict(vec![FieldError::new(
                    anju_domain::estate::EstateField::Name,
                    anju_domain::Text::new(
                        "同一社区内已有同名小区",
                        "another estate in this neighbourhood has this name",
                    ),
                )]))
            }
            Err(e) => return Err(e.into()),
        };
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "update",
            "estate",
            m.id,
            Some(&m.division_code),
            Some(json(&before)),
            Some(json(&after)),
        );
        audit.flush(&txn).await?;
        crate::totals::refresh(&txn, &[m.division_code.clone()].into()).await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Confirms an estate's mode (or withdraws the confirmation with `None`): who and when are
    /// kept with it, and the change is audited in the estate's history.
    pub async fn confirm_mode(
        &self,
        ctx: &WriteCtx,
        id: i64,
        mode: Option<anju_domain::Mode>,
    ) -> Result<estate::Model> {
        let txn = self.store.begin_write().await?;
        let Some(m) = estate::Entity::find_by_id(id)
            .filter(within(&self.scope, estate::Column::DivisionCode))
            .one(&txn)
            .await?
        else {
            return Err(StoreError::NotFound(format!("estate {id}")));
        };
        let key = mode.map(|m| m.key().to_string());
        if key == m.confirmed_mode {
            return Ok(m);
        }
        let now = chrono::Utc::now();
        let confirmed = |mode: &Option<String>, by: &Option<String>| {
            serde_json::json!({ "confirmed_mode": mode, "mode_confirmed_by": by }).to_string()
        };
        let by = mode.map(|_| ctx.actor.clone());
        let updated = estate::Entity::update(estate::ActiveModel {
            id: Unchanged(m.id),
            confirmed_mode: sea_orm::ActiveValue::Set(key.clone()),
            mode_confirmed_by: sea_orm::ActiveValue::Set(by.clone()),
            mode_confirmed_at: sea_orm::ActiveValue::Set(mode.map(|_| now)),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "update",
            "estate",
            m.id,
            Some(m.division_code.as_str()),
            Some(confirmed(&m.confirmed_mode, &m.mode_confirmed_by)),
            Some(confirmed(&key, &by)),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// An estate inside the scope with its buildings and its change history (the estate page).
    pub async fn estate_with_history(
        &self,
        id: i64,
    ) -> Result<Option<(estate::Model, Vec<building::Model>, Vec<audit_log::Model>)>> {
        // Read together (one snapshot); the buildings and history of an estate outside the
        // scope are read for nothing and never returned.
        let (found, bs, history) = self
            .store
            .read_selects3(
                self.estate_query(id),
                buildings_query(id),
                crate::audit::history_query("estate", &id.to_string()),
            )
            .await?;
        Ok(found.into_iter().next().map(|e| (e, bs, history)))
    }

    /// The change history of an estate inside the scope.
    pub async fn estate_history(&self, id: i64) -> Result<Option<Vec<audit_log::Model>>> {
        Ok(self.estate_with_history(id).await?.map(|(_, _, h)| h))
    }

    /// Totals of a division inside the scope (the scope's own division when `None`).
    pub async fn summary(&self, division: Option<&DivisionCode>) -> Result<Summary> {
        let d = division.copied().or(self.home());
        if let Some(d) = &d {
            if !self.covers(d) {
                return Err(StoreError::NotFound(format!("division {d}")));
            }
        }
        self.store.summary(d.as_ref()).await
    }

    /// Searches the audit trail inside the scope: records of divisions inside it (and, for the
    /// whole country, records without a division).
    pub async fn audit(
        &self,
        q: Option<&str>,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<audit_log::Model>, u64)> {
        let mut query =
            audit_log::Entity::find().filter(within(&self.scope, audit_log::Column::DivisionCode));
        if !matches!(self.scope, Scope::All) {
            query = query.filter(audit_log::Column::DivisionCode.is_not_null());
        }
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            let p = format!("%{q}%");
            query = query.filter(
                Condition::any()
                    .add(audit_log::Column::Actor.like(&p))
                    .add(audit_log::Column::EntityId.eq(q))
                    .add(audit_log::Column::Source.like(&p)),
            );
        }
        let total = query.clone().count(&self.store.db).await?;
        let per_page = per_page.clamp(1, 200);
        let rows = query
            .order_by_desc(audit_log::Column::Id)
            .offset((page.max(1) - 1) * per_page)
            .limit(per_page)
            .all(&self.store.db)
            .await?;
        Ok((rows, total))
    }

    /// Buildings of an estate inside the scope, as domain values.
    pub async fn buildings(&self, id: i64) -> Result<Option<Vec<anju_domain::Building>>> {
        Ok(self
            .estate(id)
            .await?
            .map(|(_, bs)| bs.iter().map(building_from_model).collect()))
    }

    /// Estates with a location inside the scope (for the map), at most `limit`.
    pub async fn estate_points(
        &self,
        division: Option<&DivisionCode>,
        limit: u64,
    ) -> Result<Vec<MapPoint>> {
        let mut q = estate::Entity::find()
            .select_only()
            .column(estate::Column::Id)
            .column(estate::Column::Name)
            .column(estate::Column::Longitude)
            .column(estate::Column::Latitude)
            .column(estate::Column::Eligible)
            .column(estate::Column::Outcome)
            .filter(within(&self.scope, estate::Column::DivisionCode))
            .filter(estate::Column::Longitude.is_not_null());
        if let Some(d) = division {
            let (lo, hi) = d.range();
            q = q.filter(estate::Column::DivisionCode.between(lo, hi));
        }
        let rows: Vec<RawPoint> = q
            .order_by_asc(estate::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(&self.store.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, name, x, y, eligible, outcome)| {
                Some(MapPoint {
                    id,
                    name,
                    lon: x?,
                    lat: y?,
                    eligible,
                    outcome,
                })
            })
            .collect())
    }
}
