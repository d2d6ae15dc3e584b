//! Estates and buildings: upserts from imports (one transaction each, audited), and reads.

use crate::assess::Assessor;
use crate::audit::{chunks, AuditBatch, WriteCtx};
use crate::convert::{building_from_model, estate_from_model, json};
use crate::entity::{building, estate};
use crate::{Result, Store};
use anju_domain::{suggest_mode, Building, DivisionCode, Estate, Mode};
use chrono::Utc;
use sea_orm::{
    ActiveValue::{NotSet, Set, Unchanged},
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use std::collections::{HashMap, HashSet};

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

const BATCH: usize = 1000;

fn estate_active(
    e: &Estate,
    a: &Assessor,
    mode: Mode,
    now: chrono::DateTime<Utc>,
) -> estate::ActiveModel {
    let (eligible, failed) = a.derived(e);
    estate::ActiveModel {
        id: NotSet,
        code: Set(e.code.clone()),
        name: Set(e.name.clone()),
        division_code: Set(e.division_code.clone()),
        address: Set(e.address.clone()),
        year_completed: Set(e.year_completed),
        building_count: Set(e.building_count),
        households: Set(e.households),
        floor_area_centi_m2: Set(e.floor_area_centi_m2),
        property_type: Set(e.property_type.map(|p| p.key().to_string())),
        management_mode: Set(e.management_mode.map(|p| p.key().to_string())),
        urban_village: Set(e.urban_village),
        mostly_self_built: Set(e.mostly_self_built),
        expropriation_or_rebuild_planned: Set(e.expropriation_or_rebuild_planned),
        last_renovated_year: Set(e.last_renovated_year),
        planned_demolition_year: Set(e.planned_demolition_year),
        historic_protection: Set(e.historic_protection),
        willingness_pct: Set(e.willingness_pct),
        illegal_structures: Set(e.illegal_structures),
        illegal_structures_removed: Set(e.illegal_structures_removed),
        in_city_or_county_seat: Set(e.in_city_or_county_seat),
        longitude: Set(e.location.map(|p| p.lon)),
        latitude: Set(e.location.map(|p| p.lat)),
        eligible: Set(eligible),
        failed_rules: Set(failed),
        suggested_mode: Set(mode.key().to_string()),
        created_at: Set(now),
        updated_at: Set(now),
    }
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
        floor_area_centi_m2: Set(b.floor_area_centi_m2),
        structure: Set(b.structure.clone()),
        year_completed: Set(b.year_completed),
        safety_grade: Set(b.safety_grade.map(|g| g.label_zh().to_string())),
        has_lift: Set(b.has_lift),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// The existing estates an import may touch: those with the given codes or in the given
/// neighbourhoods.
async fn load_existing(
    txn: &DatabaseTransaction,
    codes: &[String],
    divisions: &[String],
) -> Result<Vec<estate::Model>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for chunk in divisions.chunks(500) {
        for m in estate::Entity::find()
            .filter(estate::Column::DivisionCode.is_in(chunk.to_vec()))
            .all(txn)
            .await?
        {
            if seen.insert(m.id) {
                out.push(m);
            }
        }
    }
    for chunk in codes.chunks(500) {
        for m in estate::Entity::find()
            .filter(estate::Column::Code.is_in(chunk.to_vec()))
            .all(txn)
            .await?
        {
            if seen.insert(m.id) {
                out.push(m);
            }
        }
    }
    Ok(out)
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
        let txn = self.db.begin().await?;
        let report = self
            .upsert_estates_in(&txn, ctx, estates, a, |_| {})
            .await?
            .0;
        txn.commit().await?;
        Ok(report)
    }

    /// The body of [`Store::upsert_estates`], inside a caller's transaction; returns the report and
    /// the id of each estate in input order. `progress` is called with the rows done so far.
    pub async fn upsert_estates_in(
        &self,
        txn: &DatabaseTransaction,
        ctx: &WriteCtx,
        estates: &[Estate],
        a: &Assessor,
        progress: impl Fn(usize),
    ) -> Result<(UpsertReport, Vec<i64>)> {
        let now = Utc::now();
        let codes = distinct(estates.iter().filter_map(|e| e.code.as_deref()));
        let divisions = distinct(estates.iter().map(|e| e.division_code.as_str()));
        let existing = load_existing(txn, &codes, &divisions).await?;
        let by_code: HashMap<&str, &estate::Model> = existing
            .iter()
            .filter_map(|m| m.code.as_deref().map(|c| (c, m)))
            .collect();
        let by_name: HashMap<(&str, &str), &estate::Model> = existing
            .iter()
            .map(|m| ((m.division_code.as_str(), m.name.as_str()), m))
            .collect();

        let mut report = UpsertReport::default();
        let mut audit = AuditBatch::new(ctx);
        let mut ids = vec![0i64; estates.len()];
        let mut new: Vec<(usize, estate::ActiveModel)> = Vec::new();
        for (i, e) in estates.iter().enumerate() {
            let found = e
                .code
                .as_deref()
                .and_then(|c| by_code.get(c))
                .or_else(|| by_name.get(&(e.division_code.as_str(), e.name.as_str())))
                .copied();
            match found {
                Some(m) => {
                    ids[i] = m.id;
                    let before = estate_from_model(m);
                    if before == *e {
                        report.unchanged += 1;
                        continue;
                    }
                    let mode = Mode::from_key(&m.suggested_mode).unwrap_or(Mode::Comprehensive);
                    let mut am = estate_active(e, a, mode, now);
                    am.id = Unchanged(m.id);
                    am.created_at = NotSet;
                    estate::Entity::update(am).exec(txn).await?;
                    audit.push(
                        "update",
                        "estate",
                        m.id,
                        Some(&e.division_code),
                        Some(json(&before)),
                        Some(json(e)),
                    );
                    report.updated += 1;
                }
                None => new.push((i, estate_active(e, a, Mode::Comprehensive, now))),
            }
            if i % 10_000 == 0 {
                progress(i);
            }
        }
        let new_count = new.len();
        let mut done = estates.len() - new_count;
        for chunk in chunks(new, BATCH) {
            let (idx, models): (Vec<usize>, Vec<estate::ActiveModel>) = chunk.into_iter().unzip();
            let keys = estate::Entity::insert_many(models)
                .exec_with_returning_keys(txn)
                .await?;
            for (i, id) in idx.into_iter().zip(keys) {
                ids[i] = id;
                let e = &estates[i];
                audit.push(
                    "create",
                    "estate",
                    id,
                    Some(&e.division_code),
                    None,
                    Some(json(e)),
                );
            }
            done += BATCH;
            progress(done.min(estates.len()));
        }
        report.inserted = new_count;
        audit.flush(txn).await?;
        Ok((report, ids))
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
        let txn = self.db.begin().await?;
        // Resolve each row's estate.
        let codes = distinct(rows.iter().filter_map(|r| r.estate_code.as_deref()));
        let divisions = distinct(
            rows.iter()
                .filter(|r| r.estate_code.is_none())
                .filter_map(|r| r.division_code.as_deref()),
        );
        let existing = load_existing(&txn, &codes, &divisions).await?;
        let by_code: HashMap<&str, i64> = existing
            .iter()
            .filter_map(|m| m.code.as_deref().map(|c| (c, m.id)))
            .collect();
        let by_name: HashMap<(&str, &str), i64> = existing
            .iter()
            .map(|m| ((m.division_code.as_str(), m.name.as_str()), m.id))
            .collect();
        let mut estate_ids = Vec::with_capacity(rows.len());
        let mut missing = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let id = match (&r.estate_code, &r.division_code, &r.estate_name) {
                (Some(c), _, _) => by_code.get(c.as_str()).copied(),
                (None, Some(d), Some(n)) => by_name.get(&(d.as_str(), n.as_str())).copied(),
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
        let division_of: HashMap<i64, &str> = existing
            .iter()
            .map(|m| (m.id, m.division_code.as_str()))
            .collect();
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
        let mut new_meta = Vec::new();
        for (r, &eid) in rows.iter().zip(&estate_ids) {
            let b = &r.building;
            let div = division_of.get(&eid).copied();
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
                    new.push(building_active(eid, b, now));
                    new_meta.push((div, b));
                    report.inserted += 1;
                }
            }
        }
        let mut meta = new_meta.into_iter();
        for chunk in chunks(new, BATCH) {
            let n = chunk.len();
            let keys = building::Entity::insert_many(chunk)
                .exec_with_returning_keys(&txn)
                .await?;
            for (id, (div, b)) in keys.into_iter().zip(meta.by_ref().take(n)) {
                audit.push("create", "building", id, div, None, Some(json(b)));
            }
        }
        audit.flush(&txn).await?;
        refresh_modes(&txn, &touched, a).await?;
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
        let txn = self.db.begin().await?;
        let estates: Vec<Estate> = items.iter().map(|(e, _)| e.clone()).collect();
        let (_, ids) = self
            .upsert_estates_in(&txn, ctx, &estates, a, |_| {})
            .await?;
        let now = Utc::now();
        let mut audit = AuditBatch::new(ctx);
        let mut rows = Vec::new();
        let mut meta = Vec::new();
        for ((e, bs), id) in items.iter().zip(&ids) {
            for b in bs {
                rows.push(building_active(*id, b, now));
                meta.push((e.division_code.as_str(), b));
            }
        }
        let mut meta = meta.into_iter();
        for chunk in chunks(rows, BATCH) {
            let n = chunk.len();
            let keys = building::Entity::insert_many(chunk)
                .exec_with_returning_keys(&txn)
                .await?;
            for (id, (div, b)) in keys.into_iter().zip(meta.by_ref().take(n)) {
                audit.push("create", "building", id, Some(div), None, Some(json(b)));
            }
        }
        audit.flush(&txn).await?;
        refresh_modes(&txn, &ids, a).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Applies the policy again to every estate (after the policy or the divisions changed).
    /// Returns how many estates changed their eligibility.
    pub async fn recompute_eligibility(&self, a: &Assessor) -> Result<usize> {
        let txn = self.db.begin().await?;
        let mut changed = 0;
        let mut last = 0i64;
        loop {
            let page = estate::Entity::find()
                .filter(estate::Column::Id.gt(last))
                .order_by_asc(estate::Column::Id)
                .limit(5000)
                .all(&txn)
                .await?;
            let Some(end) = page.last() else { break };
            last = end.id;
            for m in page {
                let (eligible, failed) = a.derived(&estate_from_model(&m));
                if eligible != m.eligible || failed != m.failed_rules {
                    estate::Entity::update(estate::ActiveModel {
                        id: Unchanged(m.id),
                        eligible: Set(eligible),
                        failed_rules: Set(failed),
                        ..Default::default()
                    })
                    .exec(&txn)
                    .await?;
                    changed += 1;
                }
            }
        }
        txn.commit().await?;
        Ok(changed)
    }

    /// One page of estates inside a division (all when `None`), in id order after `after_id`.
    pub async fn estates_page(
        &self,
        division: Option<&DivisionCode>,
        eligible_only: bool,
        after_id: i64,
        limit: u64,
    ) -> Result<Vec<estate::Model>> {
        let mut q = estate::Entity::find().filter(estate::Column::Id.gt(after_id));
        if let Some(d) = division {
            let (lo, hi) = d.range();
            q = q.filter(estate::Column::DivisionCode.between(lo, hi));
        }
        if eligible_only {
            q = q.filter(estate::Column::Eligible.eq(true));
        }
        Ok(q.order_by_asc(estate::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    pub async fn estate_count(&self) -> Result<u64> {
        Ok(estate::Entity::find().count(&self.db).await?)
    }

    pub async fn building_count(&self) -> Result<u64> {
        Ok(building::Entity::find().count(&self.db).await?)
    }

    /// An estate and its buildings.
    pub async fn estate_with_buildings(
        &self,
        id: i64,
    ) -> Result<Option<(estate::Model, Vec<building::Model>)>> {
        let Some(e) = estate::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(None);
        };
        let bs = building::Entity::find()
            .filter(building::Column::EstateId.eq(id))
            .order_by_asc(building::Column::Id)
            .all(&self.db)
            .await?;
        Ok(Some((e, bs)))
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
        for chunk in estate_ids.chunks(500) {
            for m in building::Entity::find()
                .filter(building::Column::EstateId.is_in(chunk.to_vec()))
                .order_by_asc(building::Column::Id)
                .all(&self.db)
                .await?
            {
                out.entry(m.estate_id)
                    .or_default()
                    .push(building_from_model(&m));
            }
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

/// Suggests the mode of each estate again from its buildings, writing only those that changed.
async fn refresh_modes(txn: &DatabaseTransaction, estate_ids: &[i64], a: &Assessor) -> Result<()> {
    let ids = distinct_ids(estate_ids);
    for chunk in ids.chunks(500) {
        let mut by_estate: HashMap<i64, Vec<Building>> = HashMap::new();
        for m in building::Entity::find()
            .filter(building::Column::EstateId.is_in(chunk.to_vec()))
            .all(txn)
            .await?
        {
            by_estate
                .entry(m.estate_id)
                .or_default()
                .push(building_from_model(&m));
        }
        let stored: Vec<(i64, String)> = estate::Entity::find()
            .select_only()
            .column(estate::Column::Id)
            .column(estate::Column::SuggestedMode)
            .filter(estate::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(txn)
            .await?;
        let mut to_demolition = Vec::new();
        let mut to_comprehensive = Vec::new();
        for (id, mode) in stored {
            let s = suggest_mode(
                by_estate.get(&id).map_or(&[][..], |v| v.as_slice()),
                &a.policy,
            );
            if s.mode.key() != mode {
                match s.mode {
                    Mode::DemolitionCombined => to_demolition.push(id),
                    Mode::Comprehensive => to_comprehensive.push(id),
                }
            }
        }
        for (mode, ids) in [
            (Mode::DemolitionCombined, to_demolition),
            (Mode::Comprehensive, to_comprehensive),
        ] {
            if !ids.is_empty() {
                estate::Entity::update_many()
                    .col_expr(
                        estate::Column::SuggestedMode,
                        sea_orm::sea_query::Expr::value(mode.key()),
                    )
                    .filter(estate::Column::Id.is_in(ids))
                    .exec(txn)
                    .await?;
            }
        }
    }
    let _ = txn.get_database_backend();
    Ok(())
}

/// A transaction the caller holds (so a long import can report progress while it writes).
pub type Txn = DatabaseTransaction;

impl Store {
    pub async fn begin(&self) -> Result<Txn> {
        Ok(self.db.begin().await?)
    }
}
