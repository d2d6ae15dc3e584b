//! Estates and buildings: upserts from imports (one transaction each, audited), and reads.

use crate::assess::Assessment;
use crate::assess::Assessor;
use crate::audit::{AuditBatch, WriteCtx};
use crate::convert::{
    assessment_columns, assessment_of, building_from_model, estate_active, estate_from_model, json,
    set_demolition,
};
use crate::entity::{building, estate};
use crate::{Result, Store};
use anju_domain::{suggest_mode, Building, Demolition, DivisionCode, Estate, Mode};
use chrono::Utc;
use sea_orm::{
    ActiveValue::{NotSet, Set, Unchanged},
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeSet, HashMap, HashSet};

/// What an upsert did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct UpsertReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// A building row to write, with the estate it belongs to.
#[derive(Debug, Clone)]
pub struct BuildingUpsert {
    /// Its estate: by code, or by neighbourhood + name.
    pub estate_code: Option<String>,
    pub division_code: Option<String>,
    pub estate_name: Option<String>,
    pub building: Building,
}

/// What the text search finds an estate by (see `anju_domain::search`).
pub(crate) fn search_terms(e: &Estate) -> String {
    search_terms_of(
        e.division_code.as_str(),
        &e.name,
        &e.address,
        e.code.as_deref(),
    )
}

/// [`search_terms`] from the columns it is made of (the migration that filled it in).
pub(crate) fn search_terms_of(
    division_code: &str,
    name: &str,
    address: &str,
    code: Option<&str>,
) -> String {
    anju_domain::search::index_terms(division_code, &[name, address, code.unwrap_or("")])
}

fn building_active(
    estate_id: i64,
    b: &Building,
    now: chrono::DateTime<Utc>,
) -> building::ActiveModel {
    building::ActiveModel {
        id: NotSet,
        estate_id: Set(estate_id),
        number: Set(b.number.clone()),
        floors: Set(b.floors),
        stairway_units: Set(b.stairway_units),
        households: Set(b.households),
        floor_area_centi_m2: Set(b.floor_area_centi_m2.map(anju_domain::Area::centi_m2)),
        structure: Set(b.structure.map(|s| s.label_zh().to_string())),
        structure_as_typed: Set(b.structure_as_typed.clone()),
        year_completed: Set(b.year_completed),
        safety_grade: Set(b.safety_grade.map(|g| g.label_zh().to_string())),
        has_lift: Set(b.has_lift),
        to_be_demolished: Set(b.to_be_demolished),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

#[derive(Debug, FromQueryResult)]
struct NewEstate {
    id: i64,
    division_code: String,
    name: String,
}

#[derive(Debug, FromQueryResult)]
struct NewBuilding {
    id: i64,
    estate_id: i64,
    number: String,
}

/// Inserts new buildings (estate id, building, the estate's division) and audits each.
async fn insert_buildings(
    txn: &DatabaseTransaction,
    rows: Vec<(i64, &Building, Option<&str>)>,
    audit: &mut AuditBatch<'_>,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    let (cols, values) = crate::bulk::rows_of(
        rows.iter()
            .map(|(id, b, _)| building_active(*id, b, now))
            .collect(),
    );
    let keys: Vec<NewBuilding> =
        crate::bulk::insert_returning(txn, "buildings", &cols, values, "id, estate_id, number")
            .await?;
    let by_key: HashMap<(i64, &str), i64> = keys
        .iter()
        .map(|k| ((k.estate_id, k.number.as_str()), k.id))
        .collect();
    for (eid, b, div) in rows {
        let id = by_key[&(eid, b.number.as_str())];
        audit.push("create", "building", id, div, None, Some(json(b)));
    }
    Ok(())
}

/// The columns of an estate's row that follow from the estate: its assessment under the policy
/// and the terms the search finds it by.
#[derive(Debug, Clone)]
pub struct Derived {
    pub assessment: Assessment,
    pub search_terms: String,
}

impl Derived {
    pub fn of(e: &Estate, a: &Assessor) -> Derived {
        Derived {
            assessment: a.assessment(e),
            search_terms: search_terms(e),
        }
    }
}

/// An estate ready to be written: its derived columns and its audit JSON computed beforehand, so
/// that a reading thread can do this work while the database writes the previous batch.
#[derive(Debug, Clone)]
pub struct PreparedEstate {
    pub estate: Estate,
    pub derived: Derived,
    pub json: String,
}

impl PreparedEstate {
    pub fn new(estate: Estate, a: &Assessor) -> Self {
        PreparedEstate {
            derived: Derived::of(&estate, a),
            json: json(&estate),
            estate,
        }
    }
}

/// An import of estates in batches inside one transaction. What already exists is loaded as the
/// batches reach new ranges of neighbourhoods, so a sheet sorted by division is read from the
/// database once, and an estate is matched by its code, else by neighbourhood + name.
pub struct EstateImport<'a> {
    txn: &'a DatabaseTransaction,
    ctx: &'a WriteCtx,
    a: &'a Assessor,
    now: chrono::DateTime<Utc>,
    existing: HashMap<i64, estate::Model>,
    by_code: HashMap<String, i64>,
    by_name: HashMap<(String, String), i64>,
    /// Ranges of division codes already loaded.
    covered: Vec<(String, String)>,
    /// Division codes of the estates written (before and after), whose totals [`Self::finish`]
    /// recomputes.
    touched: BTreeSet<String>,
    pub report: UpsertReport,
}

impl<'a> EstateImport<'a> {
    pub fn new(txn: &'a DatabaseTransaction, ctx: &'a WriteCtx, a: &'a Assessor) -> Self {
        EstateImport {
            txn,
            ctx,
            a,
            now: Utc::now(),
            existing: HashMap::new(),
            by_code: HashMap::new(),
            by_name: HashMap::new(),
            covered: Vec::new(),
            touched: BTreeSet::new(),
            report: UpsertReport::default(),
        }
    }

    /// Brings the division totals up to date with what was written; call before committing.
    pub async fn finish(self) -> Result<UpsertReport> {
        crate::totals::refresh(self.txn, &self.touched).await?;
        Ok(self.report)
    }

    fn remember(&mut self, m: estate::Model) {
        if let Some(c) = &m.code {
            self.by_code.insert(c.clone(), m.id);
        }
        self.by_name
            .insert((m.division_code.clone(), m.name.clone()), m.id);
        self.existing.insert(m.id, m);
    }

    /// Loads the existing estates this batch may match that are not loaded yet.
    /// `divisions` sorted (as [`distinct`] gives them): one range scan covers them all.
    async fn load(&mut self, codes: &[String], divisions: &[String]) -> Result<()> {
        // These lookups are planned for the table as it is now. An import makes the same lookup
        // batch after batch while its own rows grow the table, and a plan PostgreSQL cached while
        // the table was empty (a sequential scan) read every row written so far for each batch:
        // an import of 300,000 estates once ran for more than ten minutes instead of 40 s.
        // (Only here: planning every bulk insert afresh cost that import a third more.)
        let postgres = self.txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres;
        if postgres {
            self.txn
                .execute_unprepared("SET LOCAL plan_cache_mode = force_custom_plan")
                .await?;
        }
        self.load_planned(codes, divisions).await?;
        if postgres {
            self.txn
                .execute_unprepared("SET LOCAL plan_cache_mode = auto")
                .await?;
        }
        Ok(())
    }

    async fn load_planned(&mut self, codes: &[String], divisions: &[String]) -> Result<()> {
        if let (Some(lo), Some(hi)) = (divisions.first(), divisions.last()) {
            let inside = self.covered.iter().any(|(a, b)| a <= lo && hi <= b);
            if !inside {
                let found = estate::Entity::find()
                    .filter(estate::Column::DivisionCode.between(lo.as_str(), hi.as_str()))
                    .all(self.txn)
                    .await?;
                for m in found {
                    self.remember(m);
                }
                self.covered.push((lo.clone(), hi.clone()));
            }
        }
        let elsewhere: Vec<String> = codes
            .iter()
            .filter(|c| !self.by_code.contains_key(c.as_str()))
            .cloned()
            .collect();
        for chunk in elsewhere.chunks(500) {
            for m in estate::Entity::find()
                .filter(estate::Column::Code.is_in(chunk.to_vec()))
                .all(self.txn)
                .await?
            {
                self.remember(m);
            }
        }
        Ok(())
    }

    /// Writes one batch: inserts the new estates, updates the changed ones, leaves the rest; every
    /// write is audited. Returns the id of each estate in input order.
    pub async fn write(&mut self, estates: &[Estate]) -> Result<Vec<i64>> {
        let prepared = estates
            .iter()
            .map(|e| PreparedEstate::new(e.clone(), self.a))
            .collect();
        self.write_prepared(prepared).await
    }

    /// [`EstateImport::write`] for estates prepared elsewhere.
    pub async fn write_prepared(&mut self, prepared: Vec<PreparedEstate>) -> Result<Vec<i64>> {
        let estates: Vec<&Estate> = prepared.iter().map(|p| &p.estate).collect();
        let codes = distinct(estates.iter().filter_map(|e| e.code.as_deref()));
        let divisions = distinct(estates.iter().map(|e| e.division_code.as_str()));
        self.load(&codes, &divisions).await?;
        let (txn, now) = (self.txn, self.now);
        let mut audit = AuditBatch::new(self.ctx);
        let mut ids = vec![0i64; estates.len()];
        let mut new: Vec<usize> = Vec::new();
        for (i, e) in estates.iter().enumerate() {
            let found = e
                .code
                .as_ref()
                .and_then(|c| self.by_code.get(c))
                .or_else(|| {
                    self.by_name
                        .get(&(e.division_code.to_string(), e.name.clone()))
                })
                .and_then(|id| self.existing.get(id));
            let Some(m) = found else {
                new.push(i);
                continue;
            };
            ids[i] = m.id;
            let before = estate_from_model(m);
            // A column this sheet lacks leaves what an earlier survey answered as it was; what
            // the buildings decide stays too.
            let kept = keep_stored_parts(e, &before).map(|e| PreparedEstate::new(e, self.a));
            let p = kept.as_ref().unwrap_or(&prepared[i]);
            let e = &p.estate;
            if before == *e {
                self.report.unchanged += 1;
                continue;
            }
            let mode = Mode::from_key(&m.suggested_mode).unwrap_or(Mode::Comprehensive);
            let mut am = estate_active(e, &p.derived, mode, now);
            am.id = Unchanged(m.id);
            am.created_at = NotSet;
            let updated = estate::Entity::update(am).exec(txn).await?;
            self.touched.insert(m.division_code.clone());
            self.touched.insert(updated.division_code.clone());
            audit.push(
                "update",
                "estate",
                updated.id,
                Some(e.division_code.as_str()),
                Some(json(&before)),
                Some(p.json.clone()),
            );
            self.report.updated += 1;
            self.remember(updated);
        }
        let (cols, values) = crate::bulk::rows_of(
            new.iter()
                .map(|&i| {
                    let p = &prepared[i];
                    estate_active(&p.estate, &p.derived, Mode::Comprehensive, now)
                })
                .collect(),
        );
        let keys: Vec<NewEstate> =
            crate::bulk::insert_returning(txn, "estates", &cols, values, "id, division_code, name")
                .await?;
        let by_key: HashMap<(&str, &str), i64> = keys
            .iter()
            .map(|k| ((k.division_code.as_str(), k.name.as_str()), k.id))
            .collect();
        for &i in &new {
            let e = &estates[i];
            let id = by_key[&(e.division_code.as_str(), e.name.as_str())];
            ids[i] = id;
            self.touched.insert(e.division_code.to_string());
            audit.push(
                "create",
                "estate",
                id,
                Some(e.division_code.as_str()),
                None,
                Some(prepared[i].json.clone()),
            );
        }
        self.report.inserted += new.len();
        audit.flush(txn).await?;
        Ok(ids)
    }
}

/// The estate as a sheet brings it, with what the sheet cannot say kept from the stored one: the
/// answers an earlier survey gave for rule columns this sheet lacks, and the part to be
/// demolished (from the buildings). None when there is nothing to keep.
fn keep_stored_parts(from_sheet: &Estate, stored: &Estate) -> Option<Estate> {
    let answered: Vec<_> = from_sheet
        .unsurveyed
        .iter()
        .filter(|f| !stored.unsurveyed.contains(f))
        .copied()
        .collect();
    if answered.is_empty() && from_sheet.demolition == stored.demolition {
        return None;
    }
    let mut e = from_sheet.clone();
    e.demolition = stored.demolition;
    for f in answered {
        // The stored value passed the same checks when it was written.
        f.set(&mut e, f.get(stored)).ok()?;
    }
    Some(e)
}

fn distinct<'a>(it: impl Iterator<Item = &'a str>) -> Vec<String> {
    let set: HashSet<&str> = it.collect();
    let mut v: Vec<String> = set.into_iter().map(str::to_string).collect();
    v.sort();
    v
}

impl Store {
    /// Inserts or updates estates in one transaction: matched by estate code, else by
    /// neighbourhood + name; an unchanged estate is not written at all, so importing the same sheet
    /// twice changes nothing. Each insert and update writes an audit row.
    pub async fn upsert_estates(
        &self,
        ctx: &WriteCtx,
        estates: &[Estate],
        a: &Assessor,
    ) -> Result<UpsertReport> {
        let txn = self.begin_write().await?;
        let report = self.upsert_estates_in(&txn, ctx, estates, a).await?.0;
        txn.commit().await?;
        Ok(report)
    }

    /// The body of [`Store::upsert_estates`], inside a caller's transaction; returns the report and
    /// the id of each estate in input order.
    pub async fn upsert_estates_in(
        &self,
        txn: &DatabaseTransaction,
        ctx: &WriteCtx,
        estates: &[Estate],
        a: &Assessor,
    ) -> Result<(UpsertReport, Vec<i64>)> {
        let mut import = EstateImport::new(txn, ctx, a);
        let ids = import.write(estates).await?;
        Ok((import.finish().await?, ids))
    }

    /// Inserts or updates buildings in one transaction, matched by estate + building number, then
    /// suggests each touched estate's mode again. Rows whose estate cannot be found are returned as
    /// `Err` with their indices, and nothing is written.
    pub async fn upsert_buildings(
        &self,
        ctx: &WriteCtx,
        rows: &[BuildingUpsert],
        a: &Assessor,
    ) -> Result<std::result::Result<UpsertReport, Vec<usize>>> {
        let txn = self.begin_write().await?;
        // Resolve each row's estate.
        let codes = distinct(rows.iter().filter_map(|r| r.estate_code.as_deref()));
        let divisions = distinct(
            rows.iter()
                .filter(|r| r.estate_code.is_none())
                .filter_map(|r| r.division_code.as_deref()),
        );
        let mut estates = EstateImport::new(&txn, ctx, a);
        estates.load(&codes, &divisions).await?;
        let mut estate_ids = Vec::with_capacity(rows.len());
        let mut missing = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let id = match (&r.estate_code, &r.division_code, &r.estate_name) {
                (Some(c), _, _) => estates.by_code.get(c).copied(),
                (None, Some(d), Some(n)) => estates.by_name.get(&(d.clone(), n.clone())).copied(),
                _ => None,
            };
            match id {
                Some(id) => estate_ids.push(id),
                None => missing.push(i),
            }
        }
        if !missing.is_empty() {
            return Ok(Err(missing));
        }
        let touched = distinct_ids(&estate_ids);
        let mut current: HashMap<(i64, String), building::Model> = HashMap::new();
        for chunk in touched.chunks(500) {
            for m in building::Entity::find()
                .filter(building::Column::EstateId.is_in(chunk.to_vec()))
                .all(&txn)
                .await?
            {
                current.insert((m.estate_id, m.number.clone()), m);
            }
        }
        let now = Utc::now();
        let mut report = UpsertReport::default();
        let mut audit = AuditBatch::new(ctx);
        let mut new = Vec::new();
        for (r, &eid) in rows.iter().zip(&estate_ids) {
            let b = &r.building;
            let div = estates.existing.get(&eid).map(|m| m.division_code.as_str());
            match current.get(&(eid, b.number.clone())) {
                Some(m) => {
                    let before = building_from_model(m);
                    if before == *b {
                        report.unchanged += 1;
                        continue;
                    }
                    let mut am = building_active(eid, b, now);
                    am.id = Unchanged(m.id);
                    am.created_at = NotSet;
                    building::Entity::update(am).exec(&txn).await?;
                    audit.push(
                        "update",
                        "building",
                        m.id,
                        div,
                        Some(json(&before)),
                        Some(json(b)),
                    );
                    report.updated += 1;
                }
                None => {
                    new.push((eid, b, div));
                    report.inserted += 1;
                }
            }
        }
        insert_buildings(&txn, new, &mut audit, now).await?;
        audit.flush(&txn).await?;
        refresh_from_buildings(&txn, &touched, a).await?;
        txn.commit().await?;
        Ok(Ok(report))
    }

    /// Inserts new estates with their buildings (the demo): one transaction, audited.
    pub async fn insert_estates_with_buildings(
        &self,
        ctx: &WriteCtx,
        items: &[(Estate, Vec<Building>)],
        a: &Assessor,
    ) -> Result<()> {
        let txn = self.begin_write().await?;
        let estates: Vec<Estate> = items.iter().map(|(e, _)| e.clone()).collect();
        let (_, ids) = self.upsert_estates_in(&txn, ctx, &estates, a).await?;
        let now = Utc::now();
        let mut audit = AuditBatch::new(ctx);
        let rows = items
            .iter()
            .zip(&ids)
            .flat_map(|((e, bs), id)| {
                bs.iter()
                    .map(move |b| (*id, b, Some(e.division_code.as_str())))
            })
            .collect();
        insert_buildings(&txn, rows, &mut audit, now).await?;
        audit.flush(&txn).await?;
        refresh_from_buildings(&txn, &ids, a).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Applies the policies again to every estate (after a policy, the divisions or the year
    /// changed): eligibility and the suggested mode together, recording the year and the policy
    /// used. Returns how many estates changed their outcome.
    pub async fn recompute_eligibility(&self, a: &Assessor) -> Result<usize> {
        self.reassess(a, None).await
    }

    /// [`Self::recompute_eligibility`] for the estates of one division (all when `None`), in one
    /// transaction.
    pub async fn reassess(&self, a: &Assessor, within: Option<&DivisionCode>) -> Result<usize> {
        let txn = self.begin_write().await?;
        let changed = reassess_in(&txn, a, within).await?;
        txn.commit().await?;
        Ok(changed)
    }

    /// How many estates were assessed in another year or under other numbers than the policy in
    /// force for them now: their derived columns wait for a reassessment.
    pub async fn stale_assessments(
        &self,
        a: &Assessor,
        within: Option<&DivisionCode>,
    ) -> Result<u64> {
        let mut q = estate::Entity::find();
        if let Some(d) = within {
            let (lo, hi) = d.range();
            q = q.filter(estate::Column::DivisionCode.between(lo, hi));
        }
        // Grouped by city: the policy in force is the same within one.
        let city = sea_orm::sea_query::Expr::cust("substr(division_code, 1, 4)");
        let groups: Vec<(String, String, Option<i32>, i64)> = q
            .select_only()
            .column_as(city.clone(), "city")
            .column(estate::Column::PolicyHash)
            .column(estate::Column::AssessedYear)
            .column_as(estate::Column::Id.count(), "n")
            .group_by(city)
            .group_by(estate::Column::PolicyHash)
            .group_by(estate::Column::AssessedYear)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(groups
            .into_iter()
            .filter(|(city, hash, year, _)| {
                let code = DivisionCode::parse_short(city).ok();
                *year != Some(a.reference_year)
                    || code.is_none_or(|c| a.fingerprint_for(&c) != hash)
            })
            .map(|(_, _, _, n)| n as u64)
            .sum())
    }

    pub async fn estate_count(&self) -> Result<u64> {
        Ok(estate::Entity::find().count(&self.db).await?)
    }

    pub async fn building_count(&self) -> Result<u64> {
        Ok(building::Entity::find().count(&self.db).await?)
    }

    pub async fn estate_by_key(
        &self,
        division_code: &str,
        name: &str,
    ) -> Result<Option<estate::Model>> {
        Ok(estate::Entity::find()
            .filter(estate::Column::DivisionCode.eq(division_code))
            .filter(estate::Column::Name.eq(name))
            .one(&self.db)
            .await?)
    }

    /// The buildings of the given estates, by estate.
    pub async fn buildings_of(&self, estate_ids: &[i64]) -> Result<HashMap<i64, Vec<Building>>> {
        let mut out: HashMap<i64, Vec<Building>> = HashMap::new();
        let query = building::Entity::find().order_by_asc(building::Column::Id);
        for m in
            crate::bulk::rows_with(&self.db, query, building::Column::EstateId, estate_ids).await?
        {
            out.entry(m.estate_id)
                .or_default()
                .push(building_from_model(&m));
        }
        Ok(out)
    }
}

fn distinct_ids(ids: &[i64]) -> Vec<i64> {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// What an estate's buildings decide of it, again, writing only what changed: the suggested mode
/// and the part to be demolished — which leaves the renovation scope and its totals, and, when it
/// is every building, the programme (so the estate's outcome is derived again too).
async fn refresh_from_buildings(
    txn: &DatabaseTransaction,
    estate_ids: &[i64],
    a: &Assessor,
) -> Result<()> {
    let ids = distinct_ids(estate_ids);
    let mut touched = BTreeSet::new();
    for chunk in ids.chunks(BUILDINGS_CHUNK) {
        let stored = estate::Entity::find()
            .filter(estate::Column::Id.is_in(chunk.to_vec()))
            .all(txn)
            .await?;
        refresh_from_buildings_of(txn, &stored, a, &mut touched).await?;
    }
    if !touched.is_empty() {
        crate::totals::refresh(txn, &touched).await?;
    }
    Ok(())
}

/// Estates whose buildings are read in one query.
const BUILDINGS_CHUNK: usize = 500;

/// [`refresh_from_buildings`] for estates already read (at most [`BUILDINGS_CHUNK`]); adds the
/// divisions whose totals change to `touched`.
async fn refresh_from_buildings_of(
    txn: &DatabaseTransaction,
    stored: &[estate::Model],
    a: &Assessor,
    touched: &mut BTreeSet<String>,
) -> Result<()> {
    let mut by_estate: HashMap<i64, Vec<Building>> = HashMap::new();
    for m in building::Entity::find()
        .filter(building::Column::EstateId.is_in(stored.iter().map(|m| m.id)))
        .all(txn)
        .await?
    {
        by_estate
            .entry(m.estate_id)
            .or_default()
            .push(building_from_model(&m));
    }
    // Mode changes alone are written a mode at a time.
    let mut by_mode: HashMap<&'static str, Vec<i64>> = HashMap::new();
    for m in stored {
        let bs = by_estate.get(&m.id).map_or(&[][..], |v| v.as_slice());
        let mut e = estate_from_model(m);
        let s = suggest_mode(bs, a.policy_for(&e.division_code));
        let demolition = Demolition::of(bs);
        if demolition != e.demolition {
            e.demolition = demolition;
            let mut am = estate::ActiveModel {
                id: Unchanged(m.id),
                suggested_mode: Set(s.mode.key().to_string()),
                ..assessment_columns(&a.assessment(&e))
            };
            set_demolition(&mut am, &demolition);
            estate::Entity::update(am).exec(txn).await?;
            touched.insert(m.division_code.clone());
        } else if s.mode.key() != m.suggested_mode {
            by_mode.entry(s.mode.key()).or_default().push(m.id);
        }
    }
    for (mode, ids) in by_mode {
        estate::Entity::update_many()
            .col_expr(
                estate::Column::SuggestedMode,
                sea_orm::sea_query::Expr::value(mode),
            )
            .filter(estate::Column::Id.is_in(ids))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Reassesses the estates of a division (all when `None`) inside a transaction: outcome, failed
/// rules, the year and policy recorded, and the suggested mode; the totals follow.
pub(crate) async fn reassess_in(
    txn: &DatabaseTransaction,
    a: &Assessor,
    within: Option<&DivisionCode>,
) -> Result<usize> {
    let mut changed = 0;
    let mut last = 0i64;
    let mut touched = BTreeSet::new();
    loop {
        let mut q = estate::Entity::find().filter(estate::Column::Id.gt(last));
        if let Some(d) = within {
            let (lo, hi) = d.range();
            q = q.filter(estate::Column::DivisionCode.between(lo, hi));
        }
        let page = q
            .order_by_asc(estate::Column::Id)
            .limit(5000)
            .all(txn)
            .await?;
        let Some(end) = page.last() else { break };
        last = end.id;
        for m in &page {
            let now = a.assessment(&estate_from_model(m));
            if now.outcome.key() != m.outcome {
                changed += 1;
            }
            if assessment_of(m).as_ref() != Some(&now) {
                estate::Entity::update(estate::ActiveModel {
                    id: Unchanged(m.id),
                    ..assessment_columns(&now)
                })
                .exec(txn)
                .await?;
            }
        }
        // The mode follows the policy too (its dangerous grades): from the rows just read.
        for chunk in page.chunks(BUILDINGS_CHUNK) {
            refresh_from_buildings_of(txn, chunk, a, &mut touched).await?;
        }
    }
    if changed > 0 {
        crate::totals::refresh_all(txn).await?;
    } else if !touched.is_empty() {
        crate::totals::refresh(txn, &touched).await?;
    }
    Ok(changed)
}

/// A transaction the caller holds (so a long import can report progress while it writes).
pub type Txn = DatabaseTransaction;

impl Store {
    pub async fn begin(&self) -> Result<Txn> {
        self.begin_write().await
    }
}
