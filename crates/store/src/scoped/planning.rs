//! Planning through the scoped door: an estate's needs, its estimate and priority (appraised by
//! `anju_planning::appraisal` under the policy in force for it), needs from a sheet or a user
//! (audited), the reserve pool with its gate, and the annual plan (or schedule) drawn from it with
//! its report.

use super::{within, Scoped};
use crate::assess::Assessor;
use crate::audit::{AuditBatch, WriteCtx};
use crate::convert::{estate_from_model, json, need_active, need_from_model};
use crate::entity::{estate, estate_need, pool_entry};
use crate::{Result, StoreError};
use anju_domain::estate::EstateRef;
use anju_domain::needs::{Need, Origin};
use anju_domain::pool::{self, PoolState};
use anju_domain::{Building, DivisionCode, Estate, Money, Outcome, Text};
use anju_planning::appraisal::{appraise, Appraisal};
use anju_planning::lifecircle::Facilities;
use anju_planning::report::PlanReport;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// Estates per page when the pool is read: a few megabytes at a time however large the scope.
const PAGE: u64 = 5_000;

/// One estate's planning: what it needs and costs, how urgent it is, where it is in the pool.
#[derive(Debug, Clone)]
pub struct EstatePlanning {
    pub id: i64,
    pub estate: Estate,
    pub outcome: Outcome,
    pub appraisal: Appraisal,
    pub state: PoolState,
    pub plan_year: Option<i32>,
    /// The policy in force for it (its catalogue names the needs' items).
    pub policy: anju_domain::Policy,
}

/// A row of the reserve pool: the estate, its estimate and priority.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PoolRow {
    pub id: i64,
    pub name: String,
    pub division_code: String,
    pub outcome: Outcome,
    pub state: PoolState,
    pub plan_year: Option<i32>,
    /// The kept part (the part to be demolished left out).
    pub buildings: i32,
    pub households: i32,
    pub floor_area_centi_m2: i64,
    pub estimate: Money,
    /// Basic, improvement, enhancement.
    pub by_category: [Money; 3],
    /// The part central and provincial money may pay.
    pub higher_level_may_pay: Money,
    pub priority: f64,
    /// The codes of the items on its renovation list.
    pub items: Vec<String>,
    /// Its bundle (片区), if any: the plan takes a bundle whole.
    pub bundle: Option<i64>,
    /// Where it is (the plan's map).
    pub location: Option<anju_domain::estate::Wgs84>,
    /// How many kinds of facility its life circles lack (not counted for the plan's candidates).
    pub gaps: usize,
}

/// A need as a sheet or a user gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct NeedInput {
    pub item: String,
    pub quantity_centi: i64,
    pub in_list: bool,
    pub hazard: bool,
    pub note: String,
}

/// One line of a needs sheet: where it is (for the error), the estate, the need.
#[derive(Debug, Clone, PartialEq)]
pub struct NeedLine {
    pub line: usize,
    pub estate: EstateRef,
    pub need: NeedInput,
}

/// The planning state of an estate read from its pool row (none: reserved).
fn state_of(row: Option<&pool_entry::Model>) -> (PoolState, Option<i32>) {
    match row {
        Some(r) => (
            PoolState::from_key(&r.state).unwrap_or(PoolState::Reserved),
            r.plan_year,
        ),
        None => (PoolState::Reserved, None),
    }
}

impl Scoped {
    /// One estate's planning, if it lies inside the scope.
    pub async fn planning(
        &self,
        id: i64,
        base: &anju_domain::Policy,
        year: i32,
    ) -> Result<Option<EstatePlanning>> {
        let Some((m, bs)) = self.estate(id).await? else {
            return Ok(None);
        };
        // The policies of its own division only (one estate's page reads no more).
        let a = self
            .assessor_for(base.clone(), year, &[m.division_code.as_str()])
            .await?;
        let buildings: Vec<Building> = bs.iter().map(crate::convert::building_from_model).collect();
        let stored = self.store.needs_of(&[id]).await?;
        let pool = pool_entry::Entity::find_by_id(id)
            .one(&self.store.db)
            .await?;
        let (state, plan_year) = state_of(pool.as_ref());
        let estate = estate_from_model(&m);
        let policy = a.policy_for(&estate.division_code).clone();
        let gaps = match estate.location {
            Some(at) => {
                let facilities = self.facilities().await?;
                Facilities::new(&facilities.into_iter().map(|f| f.1).collect::<Vec<_>>())
                    .gaps(at, &policy.life_circle)
            }
            None => Vec::new(),
        };
        let consultation = super::residents::latest_rates(&self.store.db, &[id]).await?;
        let appraisal = appraise(
            &estate,
            &buildings,
            stored.get(&id).map_or(&[][..], |v| v.as_slice()),
            &gaps,
            &policy,
            year,
            consultation.get(&id).map(|r| r.pct()),
        );
        Ok(Some(EstatePlanning {
            id,
            outcome: Outcome::from_key(&m.outcome).unwrap_or_default(),
            estate,
            appraisal,
            state,
            plan_year,
            policy,
        }))
    }

    /// The reserve pool of the scope (and `division`): every estate that may be planned
    /// (eligible or conditional) and every estate already planned or implementing, with its
    /// estimate and priority, in id order.
    pub async fn pool(
        &self,
        a: &Assessor,
        division: Option<&DivisionCode>,
    ) -> Result<Vec<PoolRow>> {
        self.appraise_pool(a, division, true).await
    }

    /// The pool, its life-circle gaps counted only when asked: the plan does without them (a
    /// gap's recommended item is not on the renovation list, so neither the estimate nor the
    /// priority depends on it), which spares a nearest-facility search per estate and kind.
    async fn appraise_pool(
        &self,
        a: &Assessor,
        division: Option<&DivisionCode>,
        life_circles: bool,
    ) -> Result<Vec<PoolRow>> {
        let mut out = Vec::new();
        let mut after = 0;
        let facilities = if life_circles {
            self.facilities().await?
        } else {
            Vec::new()
        };
        let facilities = Facilities::new(&facilities.into_iter().map(|f| f.1).collect::<Vec<_>>());
        // The buildings matter to a row only where an item derived from them goes on the list
        // unasked (by default none does: a lift waits for its unit's vote); otherwise the
        // millions of building rows of a country are not read.
        let buildings_count = a.policies().any(|p| {
            p.catalogue.values().any(|i| {
                i.in_list && i.derive == anju_domain::catalogue::Basis::StairwayUnitsWithoutLift
            })
        });
        loop {
            let page = self.estates_after(division, None, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            let ids: Vec<i64> = page.iter().map(|m| m.id).collect();
            let entries = self.store.pool_entries(&ids).await?;
            let page: Vec<&estate::Model> = page
                .iter()
                .filter(|m| {
                    entries.contains_key(&m.id)
                        || Outcome::from_key(&m.outcome).is_some_and(pool::in_pool)
                })
                .collect();
            let ids: Vec<i64> = page.iter().map(|m| m.id).collect();
            let buildings = if buildings_count {
                self.store.buildings_of(&ids).await?
            } else {
                HashMap::new()
            };
            let needs = self.store.needs_of(&ids).await?;
            let bundles = self.store.bundles_of(&ids).await?;
            // The consultation's rate is the priority's participation factor.
            let rates = super::residents::latest_rates(&self.store.db, &ids).await?;
            for m in page {
                let estate = estate_from_model(m);
                let policy = a.policy_for(&estate.division_code);
                let gaps = match estate.location {
                    Some(at) if life_circles => facilities.gaps(at, &policy.life_circle),
                    _ => Vec::new(),
                };
                let ap = appraise(
                    &estate,
                    buildings.get(&m.id).map_or(&[][..], |b| b.as_slice()),
                    needs.get(&m.id).map_or(&[][..], |n| n.as_slice()),
                    &gaps,
                    policy,
                    a.reference_year,
                    rates.get(&m.id).map(|r| r.pct()),
                );
                let (state, plan_year) = state_of(entries.get(&m.id));
                let d = estate.demolition;
                out.push(PoolRow {
                    id: m.id,
                    name: m.name.clone(),
                    division_code: m.division_code.clone(),
                    outcome: Outcome::from_key(&m.outcome).unwrap_or_default(),
                    state,
                    plan_year,
                    buildings: (estate.building_count - d.buildings).max(0),
                    households: (estate.households - d.households).max(0),
                    floor_area_centi_m2: (estate.floor_area_centi_m2.centi_m2()
                        - d.floor_area_centi_m2.centi_m2())
                    .max(0),
                    estimate: ap.estimate.total,
                    by_category: ap.estimate.by_category,
                    higher_level_may_pay: ap.estimate.higher_level_may_pay,
                    priority: ap.priority.score,
                    items: ap.estimate.lines.iter().map(|l| l.item.clone()).collect(),
                    bundle: bundles.get(&m.id).copied(),
                    location: estate.location,
                    gaps: gaps.len(),
                });
            }
        }
        Ok(out)
    }

    /// Records a need of an estate of the scope (entered by a user), audited.
    pub async fn set_need(
        &self,
        ctx: &WriteCtx,
        a: &Assessor,
        id: i64,
        input: NeedInput,
    ) -> Result<()> {
        self.record_needs(ctx, a, vec![(id, input)], Origin::Entered)
            .await
            .map(|_| ())
    }

    /// Forgets a stored need of an estate of the scope, so that the derived one (if any) applies
    /// again; audited.
    pub async fn reset_need(&self, ctx: &WriteCtx, id: i64, item: &str) -> Result<bool> {
        let m = self.estate_in_scope(id).await?;
        let txn = self.store.begin_write().await?;
        let old = estate_need::Entity::find()
            .filter(estate_need::Column::EstateId.eq(id))
            .filter(estate_need::Column::Item.eq(item))
            .one(&txn)
            .await?;
        let Some(old) = old else {
            return Ok(false);
        };
        estate_need::Entity::delete_by_id(old.id).exec(&txn).await?;
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "delete",
            "need",
            format!("{id}/{item}"),
            Some(&m.division_code),
            Some(json(&need_from_model(&old))),
            None,
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Stores the lines of a needs sheet, all or none: every estate must lie inside the scope
    /// and every item be in the catalogue in force there, or nothing is written and each bad
    /// line is returned with what was expected. On success, how many lines and estates.
    pub async fn import_needs(
        &self,
        ctx: &WriteCtx,
        a: &Assessor,
        lines: &[NeedLine],
    ) -> Result<std::result::Result<(usize, usize), Vec<(usize, Text)>>> {
        let mut bad = Vec::new();
        let mut found: Vec<(estate::Model, NeedInput)> = Vec::new();
        let mut cache: HashMap<EstateRef, Option<estate::Model>> = HashMap::new();
        for l in lines {
            if !cache.contains_key(&l.estate) {
                let m = self.find_estate(&l.estate).await?;
                cache.insert(l.estate.clone(), m);
            }
            let Some(m) = cache[&l.estate].clone() else {
                bad.push((
                    l.line,
                    Text::new(
                        "已导入且在您辖区内的小区",
                        "an estate already imported, inside your jurisdiction",
                    ),
                ));
                continue;
            };
            let code = DivisionCode::parse(&m.division_code)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            if let Err(e) = check_need(&l.need, a, &code) {
                bad.push((l.line, Text::new(e.clone(), e)));
                continue;
            }
            found.push((m, l.need.clone()));
        }
        if !bad.is_empty() {
            return Ok(Err(bad));
        }
        let estates = self.write_needs(ctx, found, Origin::Sheet).await?;
        Ok(Ok((lines.len(), estates)))
    }

    /// Records needs of estates of the scope by id (the demo's survey of needs, say), all or
    /// none, audited; an estate outside the scope is "not found", a bad need is refused.
    pub async fn record_needs(
        &self,
        ctx: &WriteCtx,
        a: &Assessor,
        lines: Vec<(i64, NeedInput)>,
        origin: Origin,
    ) -> Result<usize> {
        let mut ids: Vec<i64> = lines.iter().map(|l| l.0).collect();
        ids.sort_unstable();
        ids.dedup();
        let models: HashMap<i64, estate::Model> = self
            .estates_in_scope(&ids)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let mut found = Vec::with_capacity(lines.len());
        for (id, need) in lines {
            let m = models
                .get(&id)
                .ok_or_else(|| StoreError::NotFound(format!("estate {id}")))?;
            let code = DivisionCode::parse(&m.division_code)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            check_need(&need, a, &code).map_err(StoreError::Invalid)?;
            found.push((m.clone(), need));
        }
        self.write_needs(ctx, found, origin).await
    }

    /// Writes checked needs in one transaction with their audit rows; returns how many estates.
    async fn write_needs(
        &self,
        ctx: &WriteCtx,
        found: Vec<(estate::Model, NeedInput)>,
        origin: Origin,
    ) -> Result<usize> {
        let txn = self.store.begin_write().await?;
        let mut audit = AuditBatch::new(ctx);
        let mut estates: Vec<i64> = Vec::new();
        for (m, need) in found {
            estates.push(m.id);
            put_need(&txn, &mut audit, &m, need, origin).await?;
        }
        audit.flush(&txn).await?;
        txn.commit().await?;
        estates.sort_unstable();
        estates.dedup();
        Ok(estates.len())
    }

    /// Moves estates of the scope in the reserve pool (into a year's plan, say), all or none:
    /// each move passes its gate (`anju_domain::pool::gate`) or nothing is written and the
    /// error gives every estate's reasons. Audited.
    pub async fn move_in_pool(
        &self,
        ctx: &WriteCtx,
        a: &Assessor,
        ids: &[i64],
        to: PoolState,
        plan_year: Option<i32>,
    ) -> Result<usize> {
        if to == PoolState::Planned && plan_year.is_none() {
            return Err(StoreError::Invalid(
                "列入计划须给出计划年份 / a planned estate needs the year of its plan".into(),
            ));
        }
        let rows = self.estates_in_scope(ids).await?;
        if rows.len() != {
            let mut d = ids.to_vec();
            d.sort_unstable();
            d.dedup();
            d.len()
        } {
            let have: std::collections::HashSet<i64> = rows.iter().map(|m| m.id).collect();
            let missing: Vec<String> = ids
                .iter()
                .filter(|i| !have.contains(i))
                .map(|i| i.to_string())
                .collect();
            return Err(StoreError::NotFound(format!(
                "estate {}",
                missing.join(", ")
            )));
        }
        let rates = if to == PoolState::Planned {
            super::residents::latest_rates(&self.store.db, ids).await?
        } else {
            Default::default()
        };
        let txn = self.store.begin_write().await?;
        let entries = pool_entries_in(&txn, ids).await?;
        let mut refused = Vec::new();
        let mut audit = AuditBatch::new(ctx);
        let now = chrono::Utc::now();
        for m in &rows {
            let (from, year_before) = state_of(entries.get(&m.id));
            let outcome = Outcome::from_key(&m.outcome).unwrap_or_default();
            let code = DivisionCode::parse(&m.division_code)
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            let why = pool::gate(
                from,
                to,
                outcome,
                rates.get(&m.id).copied(),
                &a.policy_for(&code).planning,
            );
            if !why.is_empty() {
                let why: Vec<String> = why.iter().map(|t| format!("{} / {}", t.zh, t.en)).collect();
                refused.push(format!("{}（{}）：{}", m.name, m.id, why.join("；")));
                continue;
            }
            let year = if to == PoolState::Reserved {
                None
            } else {
                plan_year.or(year_before)
            };
            if (from, year_before) == (to, year) {
                continue;
            }
            pool_entry::Entity::delete_by_id(m.id).exec(&txn).await?;
            if to != PoolState::Reserved {
                pool_entry::Entity::insert(pool_entry::ActiveModel {
                    estate_id: Set(m.id),
                    state: Set(to.key().to_string()),
                    plan_year: Set(year),
                    updated_at: Set(now),
                })
                .exec_without_returning(&txn)
                .await?;
            }
            let show = |s: PoolState, y: Option<i32>| {
                serde_json::json!({"state": s.key(), "plan_year": y}).to_string()
            };
            audit.push(
                "update",
                "pool",
                m.id,
                Some(&m.division_code),
                Some(show(from, year_before)),
                Some(show(to, year)),
            );
        }
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused.join("\n")));
        }
        let moved = audit.len();
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(moved)
    }

    /// The estates of the scope among these ids (those outside it are left out).
    pub(super) async fn estates_in_scope(&self, ids: &[i64]) -> Result<Vec<estate::Model>> {
        let query =
            estate::Entity::find().filter(within(&self.scope, estate::Column::DivisionCode));
        crate::bulk::rows_with(&self.store.db, query, estate::Column::Id, ids).await
    }

    /// An estate of the scope by id, or "not found".
    pub(super) async fn estate_in_scope(&self, id: i64) -> Result<estate::Model> {
        self.estate_query(id)
            .one(&self.store.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("estate {id}")))
    }

    /// The estate a needs sheet's line names, if it lies inside the scope.
    async fn find_estate(&self, r: &EstateRef) -> Result<Option<estate::Model>> {
        let q = estate::Entity::find().filter(within(&self.scope, estate::Column::DivisionCode));
        let q = match r {
            EstateRef::Code(c) => q.filter(estate::Column::Code.eq(c.as_str())),
            EstateRef::NameInDivision {
                division_code,
                name,
            } => q
                .filter(estate::Column::DivisionCode.eq(division_code.as_str()))
                .filter(estate::Column::Name.eq(name.as_str())),
        };
        Ok(q.order_by_asc(estate::Column::Id)
            .limit(1)
            .one(&self.store.db)
            .await?)
    }
}

/// Whether a need names an item of the catalogue in force for the estate's division, with a
/// quantity that can be.
fn check_need(
    n: &NeedInput,
    a: &Assessor,
    division: &DivisionCode,
) -> std::result::Result<(), String> {
    let catalogue = &a.policy_for(division).catalogue;
    if !catalogue.contains_key(&n.item) {
        return Err(format!(
            "改造内容“{}”不在改造内容清单中 / {:?} is not an item of the catalogue",
            n.item, n.item
        ));
    }
    // Up to 100 million units, in hundredths.
    if !(0..=10_000_000_000).contains(&n.quantity_centi) {
        return Err(format!(
            "数量{}应在0–1亿之间 / the quantity must be between 0 and 100 million",
            n.quantity_centi as f64 / 100.0
        ));
    }
    Ok(())
}

/// Writes one need of an estate (replacing a stored one of the same item), with its audit row.
async fn put_need(
    txn: &impl ConnectionTrait,
    audit: &mut AuditBatch<'_>,
    m: &estate::Model,
    input: NeedInput,
    origin: Origin,
) -> Result<()> {
    let old = estate_need::Entity::find()
        .filter(estate_need::Column::EstateId.eq(m.id))
        .filter(estate_need::Column::Item.eq(input.item.as_str()))
        .one(txn)
        .await?;
    let need = Need {
        item: input.item,
        quantity_centi: input.quantity_centi,
        in_list: input.in_list,
        hazard: input.hazard,
        origin,
        note: input.note,
    };
    if let Some(old) = &old {
        estate_need::Entity::delete_by_id(old.id).exec(txn).await?;
    }
    estate_need::Entity::insert(need_active(m.id, &need, chrono::Utc::now()))
        .exec_without_returning(txn)
        .await?;
    audit.push(
        if old.is_some() { "update" } else { "create" },
        "need",
        format!("{}/{}", m.id, need.item),
        Some(&m.division_code),
        old.as_ref().map(|o| json(&need_from_model(o))),
        Some(json(&need)),
    );
    Ok(())
}

/// The pool rows of these estates, by estate.
async fn pool_entries_in(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, pool_entry::Model>> {
    let rows = crate::bulk::rows_with(
        db,
        pool_entry::Entity::find(),
        pool_entry::Column::EstateId,
        ids,
    )
    .await?;
    Ok(rows.into_iter().map(|m| (m.estate_id, m)).collect())
}

impl crate::Store {
    /// The stored needs of these estates, by estate, in item order.
    pub async fn needs_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<Need>>> {
        let mut out: HashMap<i64, Vec<Need>> = HashMap::new();
        let query = estate_need::Entity::find().order_by_asc(estate_need::Column::Item);
        for m in crate::bulk::rows_with(&self.db, query, estate_need::Column::EstateId, ids).await?
        {
            out.entry(m.estate_id)
                .or_default()
                .push(need_from_model(&m));
        }
        Ok(out)
    }

    /// The bundles of these estates, by estate.
    pub async fn bundles_of(&self, ids: &[i64]) -> Result<HashMap<i64, i64>> {
        use crate::entity::bundle_member;
        let rows = crate::bulk::rows_with(
            &self.db,
            bundle_member::Entity::find(),
            bundle_member::Column::EstateId,
            ids,
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|m| (m.estate_id, m.bundle_id))
            .collect())
    }

    /// The pool rows of these estates, by estate (an estate without one is reserved).
    pub async fn pool_entries(&self, ids: &[i64]) -> Result<HashMap<i64, pool_entry::Model>> {
        pool_entries_in(&self.db, ids).await
    }
}

/// What a planner asks of the annual plan.
#[derive(Debug, Clone, Default)]
pub struct PlanRequest {
    pub year: i32,
    /// Whole yuan, each year.
    pub budget: i64,
    /// The part of the scope to plan (default: all of it).
    pub division: Option<DivisionCode>,
    /// Counties' spending limits by the county's 12-digit code (whole yuan).
    pub caps: std::collections::BTreeMap<String, anju_planning::optimiser::Cap>,
    /// Estates that must be in (besides those already planned for the year).
    pub commit: Vec<i64>,
    /// Estates that must stay out.
    pub exclude: Vec<i64>,
    /// 1 for the annual plan; more for a schedule over that many years from `year`.
    pub years: usize,
}

/// The plan and what it was made from.
#[derive(Debug, Clone)]
pub struct AnnualPlan {
    pub request: PlanRequest,
    /// The candidates, in id order.
    pub candidates: Vec<PoolRow>,
    /// The plan of each year (the first is the annual plan) and what no year could take.
    pub schedule: anju_planning::schedule::Schedule,
    /// The names of the cities and counties of the candidates, by code.
    pub names: HashMap<String, String>,
    /// What the plan maximised.
    pub objective: anju_domain::policy::Objective,
}

impl AnnualPlan {
    /// The county (12-digit code) of a candidate.
    pub fn county_of(row: &PoolRow) -> String {
        DivisionCode::parse(&row.division_code)
            .ok()
            .and_then(|d| d.ancestor_at(anju_domain::Level::County))
            .map_or_else(|| row.division_code.clone(), |d| d.to_string())
    }

    /// The city (12-digit code) of a candidate.
    pub fn city_of(row: &PoolRow) -> String {
        DivisionCode::parse(&row.division_code)
            .ok()
            .and_then(|d| d.ancestor_at(anju_domain::Level::City))
            .map_or_else(|| row.division_code.clone(), |d| d.to_string())
    }
}

impl AnnualPlan {
    /// The plan as a report in the reader's language: the chosen estates of every year (the
    /// first year's first) in order of city, county and id, and those left out with the reason
    /// the last year's plan gives.
    pub fn report(&self, a: &Assessor, division_name: &str, lang: anju_domain::Lang) -> PlanReport {
        use anju_planning::report::{PlanLeftOut, PlanProject};
        let name = |code: &str| {
            self.names
                .get(code)
                .cloned()
                .unwrap_or_else(|| code.to_string())
        };
        let by_id: HashMap<String, &PoolRow> = self
            .candidates
            .iter()
            .map(|r| (r.id.to_string(), r))
            .collect();
        let mut projects = Vec::new();
        for (year, plan) in &self.schedule.years {
            let mut chosen: Vec<PlanProject> = plan
                .why
                .iter()
                .filter(|(_, inside, _)| *inside)
                .filter_map(|(id, _, why)| {
                    let r = by_id.get(id)?;
                    let code = DivisionCode::parse(&r.division_code).ok()?;
                    let policy = a.policy_for(&code);
                    let items: Vec<&str> = r
                        .items
                        .iter()
                        .filter_map(|i| policy.catalogue.get(i))
                        .map(|i| lang.pick(&i.name_zh, &i.name_en))
                        .collect();
                    // Yuan per m² × hundredths of m² = fen.
                    let residents_min = Money::from_fen(
                        policy.planning.min_contribution_yuan_per_m2 * r.floor_area_centi_m2,
                    );
                    Some(PlanProject {
                        year: *year,
                        city: name(&AnnualPlan::city_of(r)),
                        county: name(&AnnualPlan::county_of(r)),
                        id: r.id,
                        name: r.name.clone(),
                        project: r.id.to_string(),
                        buildings: r.buildings,
                        households: r.households,
                        floor_area_centi_m2: r.floor_area_centi_m2,
                        items: items.join(lang.pick("、", ", ")),
                        estimate: r.estimate,
                        by_category: r.by_category,
                        higher_level: r.higher_level_may_pay,
                        residents_min,
                        priority: r.priority,
                        why: why.text().get(lang).to_string(),
                    })
                })
                .collect();
            chosen.sort_by(|x, y| (&x.city, &x.county, x.id).cmp(&(&y.city, &y.county, y.id)));
            projects.extend(chosen);
        }
        let last = self.schedule.years.last().map(|(_, p)| p);
        let left_out = last
            .map(|p| {
                p.why
                    .iter()
                    .filter(|(_, inside, _)| !*inside)
                    .filter_map(|(id, _, why)| {
                        let r = by_id.get(id)?;
                        Some(PlanLeftOut {
                            city: name(&AnnualPlan::city_of(r)),
                            county: name(&AnnualPlan::county_of(r)),
                            id: r.id,
                            name: r.name.clone(),
                            estimate: r.estimate,
                            priority: r.priority,
                            why: why.text().get(lang).to_string(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let first = self.schedule.years.first().map(|(_, p)| p);
        PlanReport {
            division_name: division_name.to_string(),
            year: self.request.year,
            budget: self.request.budget,
            objective_label: self.objective.label().get(lang).to_string(),
            objective: first.map_or(0.0, |p| p.objective),
            bound: first.map_or(0.0, |p| p.bound),
            gap: first.map_or(0.0, |p| p.gap),
            projects,
            left_out,
        }
    }
}

impl Scoped {
    /// The best plan for the year's budget from the reserve pool of the scope: the reserved
    /// estates and those already planned for the year (committed), each costing its estimate
    /// (whole yuan, rounded up) and weighing its priority; with a schedule over more years when
    /// asked. Committing an estate that is not in the pool, or one outside the scope, is an
    /// error that names it.
    pub async fn annual_plan(&self, a: &Assessor, req: PlanRequest) -> Result<AnnualPlan> {
        use anju_planning::optimiser::Candidate;
        let pool = self.appraise_pool(a, req.division.as_ref(), false).await?;
        let exclude: std::collections::HashSet<i64> = req.exclude.iter().copied().collect();
        let commit: std::collections::HashSet<i64> = req.commit.iter().copied().collect();
        let candidates: Vec<PoolRow> = pool
            .into_iter()
            .filter(|r| !exclude.contains(&r.id))
            .filter(|r| match r.state {
                PoolState::Reserved => pool::in_pool(r.outcome),
                PoolState::Planned => r.plan_year == Some(req.year),
                PoolState::Implementing => false,
            })
            .collect();
        let known: std::collections::HashSet<i64> = candidates.iter().map(|r| r.id).collect();
        let mut missing: Vec<i64> = commit
            .iter()
            .copied()
            .filter(|i| !known.contains(i))
            .collect();
        if !missing.is_empty() {
            missing.sort_unstable();
            let ids: Vec<String> = missing.iter().map(i64::to_string).collect();
            return Err(StoreError::Invalid(format!(
                "必须纳入的小区{}不在储备库中（或不在您的辖区内、已排除、已列入其他年份）/ the committed estates {} are not in the reserve pool of your jurisdiction",
                ids.join("、"),
                ids.join(", ")
            )));
        }
        let objective = match &req.division {
            Some(d) => a.policy_for(d).planning.objective,
            None => a.policy.planning.objective,
        };
        let units: Vec<Candidate> = candidates
            .iter()
            .map(|r| Candidate {
                id: r.id.to_string(),
                county: AnnualPlan::county_of(r),
                // Whole yuan, rounded up: a plan within the budget in yuan is within it in fen.
                cost: (r.estimate.fen() + 99) / 100,
                priority: objective.value(r.priority, r.households),
                bundle: r.bundle.map(|b| format!("b{b}")),
                mandatory: commit.contains(&r.id) || r.state == PoolState::Planned,
            })
            .collect();
        let years = req.years.max(1);
        let schedule = anju_planning::schedule::schedule(
            &units,
            &req.caps,
            req.year,
            &vec![req.budget; years],
        )
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut codes: Vec<String> = candidates
            .iter()
            .flat_map(|r| [AnnualPlan::county_of(r), AnnualPlan::city_of(r)])
            .collect();
        codes.sort();
        codes.dedup();
        // Names of public divisions, the city above a county scope among them.
        let names = self.store.division_names(&codes).await?;
        Ok(AnnualPlan {
            request: req,
            candidates,
            schedule,
            names,
            objective,
        })
    }
}
