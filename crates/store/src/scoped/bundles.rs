//! Bundles (片区) and the facilities of the life circles, through the scoped door: proposals
//! from the pool's neighbouring estates, bundles saved by hand (audited) with their money
//! balance, facilities imported from a sheet, and each estate's life-circle gaps.

use super::{within, Scoped};
use crate::assess::Assessor;
use crate::audit::{AuditBatch, WriteCtx};
use crate::convert::estate_from_model;
use crate::entity::{bundle, bundle_member, estate, facility};
use crate::{Result, StoreError};
use anju_domain::bundle::{balance, Balance, BalanceMode, IncomeItem};
use anju_domain::estate::Wgs84;
use anju_domain::{DivisionCode, Level, Money, Scope};
use anju_planning::bundles::{propose, Proposal, Site};
use anju_planning::lifecircle::{Facilities, Facility, Gap};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// A bundle as its page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BundleView {
    pub id: i64,
    pub name: String,
    pub division_code: String,
    pub mode: BalanceMode,
    pub incomes: Vec<IncomeItem>,
    pub note: String,
    /// Its estates: id, name, location, estimate.
    pub members: Vec<BundleMember>,
    pub balance: Balance,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BundleMember {
    pub id: i64,
    pub name: String,
    pub location: Option<Wgs84>,
    pub estimate: Money,
}

/// What a planner saves as a bundle.
#[derive(Debug, Clone, PartialEq)]
pub struct BundleInput {
    pub name: String,
    pub members: Vec<i64>,
    pub mode: BalanceMode,
    pub incomes: Vec<IncomeItem>,
    pub note: String,
}

/// A facility as a sheet gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityInput {
    pub kind: String,
    pub name: String,
    pub division: DivisionCode,
    pub location: Wgs84,
}

/// An estate's life-circle gaps.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EstateGaps {
    pub id: i64,
    pub name: String,
    pub division_code: String,
    pub location: Wgs84,
    pub gaps: Vec<Gap>,
}

/// The deepest division holding every one of `codes`.
fn common_division(codes: &[DivisionCode]) -> Option<DivisionCode> {
    let first = codes.first()?;
    [Level::Neighbourhood, Level::Town, Level::County]
        .into_iter()
        .filter_map(|l| first.ancestor_at(l))
        .find(|d| codes.iter().all(|c| d.contains(c)))
}

fn location(m: &estate::Model) -> Option<Wgs84> {
    Some(Wgs84 {
        lon: m.longitude?,
        lat: m.latitude?,
    })
}

impl Scoped {
    /// The bundles of the scope (and `division`), each with its members and balance.
    pub async fn bundles(
        &self,
        a: &Assessor,
        division: Option<&DivisionCode>,
    ) -> Result<Vec<BundleView>> {
        let mut q =
            bundle::Entity::find().filter(within(&self.scope, bundle::Column::DivisionCode));
        if let Some(d) = division {
            let (lo, hi) = d.range();
            q = q.filter(bundle::Column::DivisionCode.between(lo, hi));
        }
        let rows = q
            .order_by_asc(bundle::Column::Id)
            .all(&self.store.db)
            .await?;
        self.bundle_views(a, rows).await
    }

    /// One bundle of the scope.
    pub async fn bundle(&self, a: &Assessor, id: i64) -> Result<Option<BundleView>> {
        let rows = bundle::Entity::find_by_id(id)
            .filter(within(&self.scope, bundle::Column::DivisionCode))
            .all(&self.store.db)
            .await?;
        Ok(self.bundle_views(a, rows).await?.into_iter().next())
    }

    async fn bundle_views(
        &self,
        a: &Assessor,
        rows: Vec<bundle::Model>,
    ) -> Result<Vec<BundleView>> {
        let ids: Vec<i64> = rows.iter().map(|b| b.id).collect();
        let mut members: HashMap<i64, Vec<i64>> = HashMap::new();
        let query = bundle_member::Entity::find().order_by_asc(bundle_member::Column::EstateId);
        for m in
            crate::bulk::rows_with(&self.store.db, query, bundle_member::Column::BundleId, &ids)
                .await?
        {
            members.entry(m.bundle_id).or_default().push(m.estate_id);
        }
        let all: Vec<i64> = members.values().flatten().copied().collect();
        let rows_by_id = self.pool_rows_of(a, &all).await?;
        let years = a.policy.bundles.income_years;
        Ok(rows
            .into_iter()
            .map(|b| {
                let list: Vec<BundleMember> = members
                    .get(&b.id)
                    .into_iter()
                    .flatten()
                    .filter_map(|id| rows_by_id.get(id))
                    .map(|(m, est)| BundleMember {
                        id: m.id,
                        name: m.name.clone(),
                        location: location(m),
                        estimate: *est,
                    })
                    .collect();
                let mode = BalanceMode::from_key(&b.mode).unwrap_or_default();
                let incomes: Vec<IncomeItem> = serde_json::from_str(&b.incomes).unwrap_or_default();
                let costs: Vec<(i64, Money)> = list.iter().map(|m| (m.id, m.estimate)).collect();
                BundleView {
                    balance: balance(&costs, &incomes, years, mode),
                    id: b.id,
                    name: b.name,
                    division_code: b.division_code,
                    mode,
                    incomes,
                    note: b.note,
                    members: list,
                }
            })
            .collect())
    }

    /// The rows and estimates of these estates of the scope.
    async fn pool_rows_of(
        &self,
        a: &Assessor,
        ids: &[i64],
    ) -> Result<HashMap<i64, (estate::Model, Money)>> {
        let mut out = HashMap::new();
        let page = self.estates_in_scope(ids).await?;
        let ids: Vec<i64> = page.iter().map(|m| m.id).collect();
        let buildings = self.store.buildings_of(&ids).await?;
        let needs = self.store.needs_of(&ids).await?;
        for m in page {
            let e = estate_from_model(&m);
            // The bundle's cost is its estates' renovation lists, as the pool counts them
            // (the life circles' recommendations are not on a list until someone puts them).
            let ap = anju_planning::appraisal::appraise(
                &e,
                buildings.get(&m.id).map_or(&[][..], |b| b.as_slice()),
                needs.get(&m.id).map_or(&[][..], |n| n.as_slice()),
                &[],
                a.policy_for(&e.division_code),
                a.reference_year,
                None,
            );
            out.insert(m.id, (m, ap.estimate.total));
        }
        Ok(out)
    }

    /// The names of these estates of the scope, by id (others are left out).
    pub async fn estates_by_ids(&self, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        Ok(self
            .estates_in_scope(ids)
            .await?
            .into_iter()
            .map(|m| (m.id, m.name))
            .collect())
    }

    /// Proposals of bundles among the pool's estates of the scope (and `division`) that are in
    /// no bundle yet.
    pub async fn propose_bundles(
        &self,
        a: &Assessor,
        division: Option<&DivisionCode>,
    ) -> Result<Vec<Proposal>> {
        let taken: std::collections::HashSet<i64> = bundle_member::Entity::find()
            .all(&self.store.db)
            .await?
            .into_iter()
            .map(|m| m.estate_id)
            .collect();
        let mut sites = Vec::new();
        let mut after = 0;
        loop {
            let page = self.estates_after(division, None, after, 5_000).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            for m in &page {
                let outcome = anju_domain::Outcome::from_key(&m.outcome).unwrap_or_default();
                if taken.contains(&m.id) || !anju_domain::pool::in_pool(outcome) {
                    continue;
                }
                let Ok(code) = DivisionCode::parse(&m.division_code) else {
                    continue;
                };
                sites.push(Site {
                    id: m.id,
                    street: code
                        .ancestor_at(Level::Town)
                        .map_or_else(|| m.division_code.clone(), |t| t.to_string()),
                    location: location(m),
                    single_building: m.building_count == 1,
                });
            }
        }
        Ok(propose(&sites, &a.policy.bundles))
    }

    /// Saves a bundle (a new one when `id` is None), audited: its members must lie inside the
    /// scope and in one county, and be in no other bundle.
    pub async fn save_bundle(
        &self,
        ctx: &WriteCtx,
        id: Option<i64>,
        input: BundleInput,
    ) -> Result<i64> {
        let mut members = input.members.clone();
        members.sort_unstable();
        members.dedup();
        if members.len() < 2 {
            return Err(StoreError::Invalid(
                "片区至少包括两个小区 / a bundle has two estates at least".into(),
            ));
        }
        if input.name.trim().is_empty() {
            return Err(StoreError::Invalid(
                "片区名称不能为空 / a bundle needs a name".into(),
            ));
        }
        let rows = estate::Entity::find()
            .filter(within(&self.scope, estate::Column::DivisionCode))
            .filter(estate::Column::Id.is_in(members.clone()))
            .all(&self.store.db)
            .await?;
        if rows.len() != members.len() {
            return Err(StoreError::NotFound("estate".into()));
        }
        let codes: Vec<DivisionCode> = rows
            .iter()
            .filter_map(|m| DivisionCode::parse(&m.division_code).ok())
            .collect();
        let Some(division) = common_division(&codes) else {
            return Err(StoreError::Invalid(
                "片区的小区应在同一县（市、区）内 / a bundle's estates lie in one county".into(),
            ));
        };
        let txn = self.store.begin_write().await?;
        let before = match id {
            Some(id) => Some(
                bundle::Entity::find_by_id(id)
                    .filter(within(&self.scope, bundle::Column::DivisionCode))
                    .one(&txn)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("bundle {id}")))?,
            ),
            None => None,
        };
        let elsewhere: Vec<i64> = bundle_member::Entity::find()
            .filter(bundle_member::Column::EstateId.is_in(members.clone()))
            .all(&txn)
            .await?
            .into_iter()
            .filter(|m| Some(m.bundle_id) != id)
            .map(|m| m.estate_id)
            .collect();
        if !elsewhere.is_empty() {
            let ids: Vec<String> = elsewhere.iter().map(i64::to_string).collect();
            return Err(StoreError::Conflict(format!(
                "小区{}已在其他片区中 / estates {} are in another bundle",
                ids.join("、"),
                ids.join(", ")
            )));
        }
        let row = bundle::ActiveModel {
            id: id.map_or(NotSet, Unchanged),
            name: Set(input.name.trim().to_string()),
            division_code: Set(division.to_string()),
            mode: Set(input.mode.key().to_string()),
            incomes: Set(serde_json::to_string(&input.incomes).expect("plain data")),
            note: Set(input.note.clone()),
            updated_at: Set(chrono::Utc::now()),
        };
        let id = match id {
            Some(id) => {
                bundle::Entity::update(row).exec(&txn).await?;
                bundle_member::Entity::delete_many()
                    .filter(bundle_member::Column::BundleId.eq(id))
                    .exec(&txn)
                    .await?;
                id
            }
            None => bundle::Entity::insert(row).exec(&txn).await?.last_insert_id,
        };
        bundle_member::Entity::insert_many(members.iter().map(|&e| bundle_member::ActiveModel {
            estate_id: Set(e),
            bundle_id: Set(id),
        }))
        .exec_without_returning(&txn)
        .await?;
        let show = |name: &str, mode: &str, incomes: &str, members: &[i64]| {
            serde_json::json!({"name": name, "mode": mode, "incomes": serde_json::from_str::<serde_json::Value>(incomes).ok(), "members": members}).to_string()
        };
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            if before.is_some() { "update" } else { "create" },
            "bundle",
            id,
            Some(division.as_str()),
            before.map(|b| show(&b.name, &b.mode, &b.incomes, &[])),
            Some(show(
                input.name.trim(),
                input.mode.key(),
                &serde_json::to_string(&input.incomes).expect("plain data"),
                &members,
            )),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Deletes a bundle of the scope (its estates stay in the pool, alone), audited.
    pub async fn delete_bundle(&self, ctx: &WriteCtx, id: i64) -> Result<()> {
        let txn = self.store.begin_write().await?;
        let b = bundle::Entity::find_by_id(id)
            .filter(within(&self.scope, bundle::Column::DivisionCode))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("bundle {id}")))?;
        bundle_member::Entity::delete_many()
            .filter(bundle_member::Column::BundleId.eq(id))
            .exec(&txn)
            .await?;
        bundle::Entity::delete_by_id(id).exec(&txn).await?;
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "delete",
            "bundle",
            id,
            Some(&b.division_code),
            Some(serde_json::json!({"name": b.name}).to_string()),
            None,
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Stores facilities, all or none (each inside the scope), audited as one import: a facility
    /// of the same kind and name in the same division is replaced (its place corrected).
    pub async fn import_facilities(&self, ctx: &WriteCtx, rows: &[FacilityInput]) -> Result<usize> {
        if let Some(f) = rows.iter().find(|f| !self.covers(&f.division)) {
            return Err(StoreError::NotFound(format!("division {}", f.division)));
        }
        let txn = self.store.begin_write().await?;
        let now = chrono::Utc::now();
        // The stored facilities of the same kind, name and division are replaced: found by
        // division, a few hundred divisions a query.
        let keys: std::collections::HashSet<(&str, &str, &str)> = rows
            .iter()
            .map(|f| (f.kind.as_str(), f.name.as_str(), f.division.as_str()))
            .collect();
        let mut divisions: Vec<&str> = rows.iter().map(|f| f.division.as_str()).collect();
        divisions.sort_unstable();
        divisions.dedup();
        let mut replaced = Vec::new();
        for chunk in divisions.chunks(500) {
            for m in facility::Entity::find()
                .filter(facility::Column::DivisionCode.is_in(chunk.to_vec()))
                .all(&txn)
                .await?
            {
                if keys.contains(&(m.kind.as_str(), m.name.as_str(), m.division_code.as_str())) {
                    replaced.push(m.id);
                }
            }
        }
        for chunk in replaced.chunks(500) {
            facility::Entity::delete_many()
                .filter(facility::Column::Id.is_in(chunk.to_vec()))
                .exec(&txn)
                .await?;
        }
        for chunk in rows.chunks(500) {
            facility::Entity::insert_many(chunk.iter().map(|f| facility::ActiveModel {
                id: NotSet,
                kind: Set(f.kind.clone()),
                name: Set(f.name.clone()),
                division_code: Set(f.division.to_string()),
                longitude: Set(f.location.lon),
                latitude: Set(f.location.lat),
                created_at: Set(now),
            }))
            .exec_without_returning(&txn)
            .await?;
        }
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "import",
            "facilities",
            rows.len(),
            self.home().as_ref().map(DivisionCode::as_str),
            None,
            Some(serde_json::json!({"facilities": rows.len()}).to_string()),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(rows.len())
    }

    /// The facilities that may serve the scope's estates: those of its province (a facility
    /// across a county border serves as well as one inside), as the life circles see them.
    pub async fn facilities(&self) -> Result<Vec<(facility::Model, Facility)>> {
        facilities_near(&self.store.db, &self.scope).await
    }

    /// The life-circle gaps of the scope's estates (and `division`'s) that have a location.
    pub async fn gaps(
        &self,
        a: &Assessor,
        division: Option<&DivisionCode>,
    ) -> Result<Vec<EstateGaps>> {
        let facilities = self.facilities().await?;
        let index = Facilities::new(&facilities.into_iter().map(|f| f.1).collect::<Vec<_>>());
        let mut out = Vec::new();
        let mut after = 0;
        loop {
            let page = self.estates_after(division, None, after, 5_000).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            for m in page {
                let Some(at) = location(&m) else { continue };
                let Ok(code) = DivisionCode::parse(&m.division_code) else {
                    continue;
                };
                out.push(EstateGaps {
                    gaps: index.gaps(at, &a.policy_for(&code).life_circle),
                    id: m.id,
                    name: m.name,
                    division_code: m.division_code,
                    location: at,
                });
            }
        }
        Ok(out)
    }
}

/// The facilities of the province of the scope (all of them for the whole country).
pub(crate) async fn facilities_near(
    db: &impl ConnectionTrait,
    scope: &Scope,
) -> Result<Vec<(facility::Model, Facility)>> {
    let mut q = facility::Entity::find();
    if let Scope::Division(d) = scope {
        if let Some(p) = d.ancestor_at(Level::Province) {
            let (lo, hi) = p.range();
            q = q.filter(facility::Column::DivisionCode.between(lo, hi));
        }
    }
    Ok(q.order_by_asc(facility::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let f = Facility {
                kind: m.kind.clone(),
                location: Wgs84 {
                    lon: m.longitude,
                    lat: m.latitude,
                },
            };
            (m, f)
        })
        .collect())
}
