//! Residents through the scoped door (DOMAIN §6): an estate's owner register, its consultations
//! and the rate that gates the plan, and owners' votes — opened by staff, cast by owners online
//! (through their own door, [`Household`]) or entered from paper by staff, closed, tallied by
//! `anju_domain::vote::tally` and published anonymised with a hash.

use super::Scoped;
use crate::assess::Assessor;
use crate::audit::{AuditBatch, WriteCtx};
use crate::entity::{ballot, ballot_trail, consultation, consultation_answer, estate, owner};
use crate::entity::{owner_part, owner_vote};
use crate::idkey::IdKey;
use crate::{Result, Store, StoreError};
use anju_domain::residents::{
    mask_name, mask_phone, sees_personal_data, Answer, AreaBasis, Channel, ConsultationRate,
    RegisterLine,
};
use anju_domain::vote::{tally, Choice, Part, Tally};
use anju_domain::{Area, DivisionCode};
use sea_orm::sea_query::OnConflict;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};

/// What an import of a register did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RegisterReport {
    pub owners: usize,
    pub parts: usize,
}

/// An owner as a page shows them: personal data masked unless the caller may see it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OwnerView {
    pub id: i64,
    pub name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub is_developer: bool,
    pub area: Area,
    pub parts: Vec<PartView>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PartView {
    pub building: String,
    pub unit: String,
    pub room: String,
    pub area: Area,
    pub basis: AreaBasis,
}

/// A consultation with its rate against the threshold.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConsultationView {
    pub id: i64,
    pub estate_id: i64,
    pub title: String,
    pub opened_at: chrono::DateTime<chrono::Utc>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub rate: ConsultationRate,
    pub rate_pct: f64,
    pub threshold_pct: f64,
    pub meets_threshold: bool,
}

/// What staff give to open a vote.
#[derive(Debug, Clone)]
pub struct NewVote {
    pub matter: u32,
    pub title: String,
    pub building: Option<String>,
    pub unit: Option<String>,
    pub closes_at: chrono::DateTime<chrono::Utc>,
}

/// A vote as its page shows it; the tally only once it is closed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VoteView {
    pub id: i64,
    pub estate_id: i64,
    pub matter: u32,
    pub title: String,
    pub building: Option<String>,
    pub unit: Option<String>,
    pub state: String,
    pub opens_at: chrono::DateTime<chrono::Utc>,
    pub closes_at: chrono::DateTime<chrono::Utc>,
    pub ballots: u64,
    pub result: Option<Tally>,
    pub ballots_sha256: Option<String>,
}

/// What a closed vote froze: its tally and the anonymised files anyone may recount from.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Frozen {
    tally: serde_json::Value,
    owners_csv: String,
    ballots_csv: String,
}

/// Which owner a register line belongs to (see `owner::Model::owner_key`).
fn owner_key(l: &RegisterLine, key: &IdKey) -> String {
    if !l.delivered {
        "developer".into()
    } else if let Some(id) = &l.id_number {
        format!("id:{}", key.hash("id", id))
    } else if !l.name.trim().is_empty() {
        let phone = l.phone.as_deref().unwrap_or("");
        format!(
            "name:{}",
            key.hash("name", &format!("{}\u{0}{phone}", l.name.trim()))
        )
    } else {
        format!("part:{}/{}/{}", l.building, l.unit, l.room)
    }
}

/// The published files of a vote: `part_id,owner_id,area_m2` and `owner_id,choice`, with owners and
/// parts numbered in the order of the register instead of named.
fn anonymised(parts: &[owner_part::Model], ballots: &[(i64, Choice)]) -> (String, String) {
    let mut number: HashMap<i64, usize> = HashMap::new();
    let mut owners_csv = String::from("part_id,owner_id,area_m2\n");
    for (i, p) in parts.iter().enumerate() {
        let n = number.len() + 1;
        let o = *number.entry(p.owner_id).or_insert(n);
        owners_csv += &format!(
            "P{},O{},{}\n",
            i + 1,
            o,
            Area::from_centi_m2(p.area_centi_m2).m2_text()
        );
    }
    let mut rows: Vec<(usize, Choice)> = ballots
        .iter()
        .filter_map(|(o, c)| number.get(o).map(|n| (*n, *c)))
        .collect();
    rows.sort_by_key(|r| r.0);
    let mut ballots_csv = String::from("owner_id,choice\n");
    for (n, c) in rows {
        ballots_csv += &format!("O{n},{}\n", c.key());
    }
    (owners_csv, ballots_csv)
}

impl Scoped {
    /// Replaces the owner register of an estate of the scope, in one transaction, audited: the
    /// parts are the sheet's; owners are matched by their key, so that an owner's consultation
    /// answers and ballots stay theirs across imports.
    pub async fn import_register(
        &self,
        estate_id: i64,
        lines: &[RegisterLine],
        key: &IdKey,
        ctx: &WriteCtx,
    ) -> Result<RegisterReport> {
        let e = self.estate_in_scope(estate_id).await?;
        let txn = self.store.begin_write().await?;
        let mut known: HashMap<String, i64> = owner::Entity::find()
            .filter(owner::Column::EstateId.eq(estate_id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|o| (o.owner_key, o.id))
            .collect();
        let now = chrono::Utc::now();
        let mut parts = Vec::with_capacity(lines.len());
        let mut owners_seen = std::collections::HashSet::new();
        for l in lines {
            let k = owner_key(l, key);
            let id = match known.get(&k) {
                Some(&id) => id,
                None => {
                    let developer = k == "developer";
                    let m = owner::ActiveModel {
                        id: NotSet,
                        estate_id: Set(estate_id),
                        owner_key: Set(k.clone()),
                        name: Set(if developer {
                            "开发建设单位".into()
                        } else {
                            l.name.trim().to_string()
                        }),
                        id_hash: Set(l.id_number.as_ref().map(|i| key.hash("id", i))),
                        id_last4: Set(l.id_number.as_ref().map(|i| i[i.len() - 4..].to_string())),
                        phone: Set(l.phone.clone().filter(|_| !developer)),
                        is_developer: Set(developer),
                        access_hash: Set(None),
                        created_at: Set(now),
                    };
                    let id = owner::Entity::insert(m).exec(&txn).await?.last_insert_id;
                    known.insert(k.clone(), id);
                    id
                }
            };
            owners_seen.insert(id);
            parts.push(owner_part::ActiveModel {
                id: NotSet,
                estate_id: Set(estate_id),
                owner_id: Set(id),
                building: Set(l.building.clone()),
                unit: Set(l.unit.clone()),
                room: Set(l.room.clone()),
                area_centi_m2: Set(l.area.centi_m2()),
                area_basis: Set(l.basis.key().into()),
                delivered: Set(l.delivered),
            });
        }
        owner_part::Entity::delete_many()
            .filter(owner_part::Column::EstateId.eq(estate_id))
            .exec(&txn)
            .await?;
        for chunk in parts.chunks(500) {
            owner_part::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await?;
        }
        let report = RegisterReport {
            owners: owners_seen.len(),
            parts: lines.len(),
        };
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "import",
            "owner_register",
            estate_id,
            Some(&e.division_code),
            None,
            Some(serde_json::to_string(&report).unwrap_or_default()),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(report)
    }

    /// The register of an estate of the scope, names, ID numbers and phones masked unless the
    /// scope is the estate's own neighbourhood.
    pub async fn register(&self, estate_id: i64) -> Result<Vec<OwnerView>> {
        let e = self.estate_in_scope(estate_id).await?;
        let reveal = DivisionCode::parse(&e.division_code)
            .is_ok_and(|d| sees_personal_data(&self.scope, &d));
        let owners = owner::Entity::find()
            .filter(owner::Column::EstateId.eq(estate_id))
            .order_by_asc(owner::Column::Id)
            .all(&self.store.db)
            .await?;
        let mut parts: HashMap<i64, Vec<owner_part::Model>> = HashMap::new();
        for p in owner_part::Entity::find()
            .filter(owner_part::Column::EstateId.eq(estate_id))
            .order_by_asc(owner_part::Column::Building)
            .order_by_asc(owner_part::Column::Unit)
            .order_by_asc(owner_part::Column::Room)
            .all(&self.store.db)
            .await?
        {
            parts.entry(p.owner_id).or_default().push(p);
        }
        Ok(owners
            .into_iter()
            .filter_map(|o| {
                let ps = parts.remove(&o.id)?;
                let (name, id_number, phone) = if reveal || o.is_developer {
                    (
                        o.name,
                        o.id_last4.map(|l| format!("**************{l}")),
                        o.phone,
                    )
                } else {
                    (
                        mask_name(&o.name),
                        o.id_last4.map(|_| "******************".into()),
                        o.phone.map(|p| mask_phone(&p)),
                    )
                };
                Some(OwnerView {
                    id: o.id,
                    name,
                    id_number,
                    phone,
                    is_developer: o.is_developer,
                    area: Area::from_centi_m2(ps.iter().map(|p| p.area_centi_m2).sum()),
                    parts: ps
                        .into_iter()
                        .map(|p| PartView {
                            area: Area::from_centi_m2(p.area_centi_m2),
                            basis: AreaBasis::from_key(&p.area_basis)
                                .unwrap_or(AreaBasis::Registered),
                            building: p.building,
                            unit: p.unit,
                            room: p.room,
                        })
                        .collect(),
                })
            })
            .collect())
    }

    /// Issues a new personal access code to every owner of the estate (the developer excepted)
    /// for the printable sheet of QR codes; the codes are returned once and stored only as
    /// their SHA-256, so printing again replaces them.
    pub async fn issue_codes(&self, estate_id: i64, ctx: &WriteCtx) -> Result<Vec<(i64, String)>> {
        let e = self.estate_in_scope(estate_id).await?;
        let txn = self.store.begin_write().await?;
        let owners = owner::Entity::find()
            .filter(owner::Column::EstateId.eq(estate_id))
            .filter(owner::Column::IsDeveloper.eq(false))
            .order_by_asc(owner::Column::Id)
            .all(&txn)
            .await?;
        let mut out = Vec::with_capacity(owners.len());
        for o in owners {
            let code = crate::sessions::new_secret()[..20].to_string();
            owner::Entity::update_many()
                .col_expr(
                    owner::Column::AccessHash,
                    sea_orm::sea_query::Expr::value(crate::sessions::digest(&code)),
                )
                .filter(owner::Column::Id.eq(o.id))
                .exec(&txn)
                .await?;
            out.push((o.id, code));
        }
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "issue_codes",
            "owner_register",
            estate_id,
            Some(&e.division_code),
            None,
            Some(format!("{} codes", out.len())),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Opens a consultation of an estate of the scope.
    pub async fn open_consultation(
        &self,
        estate_id: i64,
        title: &str,
        ctx: &WriteCtx,
    ) -> Result<i64> {
        let e = self.estate_in_scope(estate_id).await?;
        let txn = self.store.begin_write().await?;
        let id = consultation::Entity::insert(consultation::ActiveModel {
            id: NotSet,
            estate_id: Set(estate_id),
            title: Set(title.trim().to_string()),
            opened_at: Set(chrono::Utc::now()),
            closed_at: Set(None),
            created_by: Set(ctx.actor.clone()),
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "open",
            "consultation",
            id,
            Some(&e.division_code),
            None,
            Some(title.into()),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// A consultation of the scope, with its estate.
    pub(super) async fn consultation_in_scope(
        &self,
        id: i64,
    ) -> Result<(consultation::Model, estate::Model)> {
        let c = consultation::Entity::find_by_id(id)
            .one(&self.store.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("consultation {id}")))?;
        let e = self
            .estate_of(c.estate_id, || format!("consultation {id}"))
            .await?;
        Ok((c, e))
    }

    /// Closes a consultation: no answer is taken after; its rate stays as it was.
    pub async fn close_consultation(&self, id: i64, ctx: &WriteCtx) -> Result<()> {
        let (_, e) = self.consultation_in_scope(id).await?;
        let txn = self.store.begin_write().await?;
        let closed = stamp_if_unset::<consultation::Entity>(
            consultation::Column::Id,
            id,
            consultation::Column::ClosedAt,
        )
        .exec(&txn)
        .await?;
        if closed.rows_affected == 0 {
            return Err(StoreError::Conflict(
                "征求意见已结束 / the consultation is already closed".into(),
            ));
        }
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "close",
            "consultation",
            id,
            Some(&e.division_code),
            None,
            None,
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records a household's answer entered by staff (door to door, paper, by phone).
    pub async fn record_answer(
        &self,
        consultation_id: i64,
        owner_id: i64,
        answer: Answer,
        channel: Channel,
        ctx: &WriteCtx,
    ) -> Result<()> {
        self.record_answers(consultation_id, &[(owner_id, answer, channel)], ctx)
            .await
    }

    /// Records a stack of households' answers entered by staff, all or none.
    pub async fn record_answers(
        &self,
        consultation_id: i64,
        answers: &[(i64, Answer, Channel)],
        ctx: &WriteCtx,
    ) -> Result<()> {
        let (c, _) = self.consultation_in_scope(consultation_id).await?;
        answer_consultation(&self.store, &c, answers, &ctx.actor).await
    }

    /// A consultation of the scope with its rate.
    pub async fn consultation(&self, a: &Assessor, id: i64) -> Result<ConsultationView> {
        let (c, e) = self.consultation_in_scope(id).await?;
        consultation_view(&self.store, a, c, &e.division_code).await
    }

    /// The consultations of an estate of the scope, latest first.
    pub async fn consultations(
        &self,
        a: &Assessor,
        estate_id: i64,
    ) -> Result<Vec<ConsultationView>> {
        let e = self.estate_in_scope(estate_id).await?;
        let mut out = Vec::new();
        for c in consultation::Entity::find()
            .filter(consultation::Column::EstateId.eq(estate_id))
            .order_by_desc(consultation::Column::Id)
            .all(&self.store.db)
            .await?
        {
            out.push(consultation_view(&self.store, a, c, &e.division_code).await?);
        }
        Ok(out)
    }

    /// Opens an owners' vote on an estate of the scope (or one of its buildings or stairway
    /// units), open from now until `closes_at`.
    pub async fn open_vote(&self, estate_id: i64, v: &NewVote, ctx: &WriteCtx) -> Result<i64> {
        if !(1..=9).contains(&v.matter) {
            return Err(StoreError::Invalid(format!(
                "事项应为1–9（民法典第二百七十八条），实为{0} / the matter is 1 to 9 (Civil Code Art. 278), got {0}",
                v.matter
            )));
        }
        if v.unit.is_some() && v.building.is_none() {
            return Err(StoreError::Invalid(
                "按单元表决须指明楼栋 / a stairway unit needs its building".into(),
            ));
        }
        let e = self.estate_in_scope(estate_id).await?;
        let now = chrono::Utc::now();
        if v.closes_at <= now {
            return Err(StoreError::Invalid(
                "截止时间应晚于现在 / the vote must close in the future".into(),
            ));
        }
        let txn = self.store.begin_write().await?;
        let electorate = electorate(estate_id, v.building.as_deref(), v.unit.as_deref())
            .count(&txn)
            .await?;
        if electorate == 0 {
            return Err(StoreError::Invalid(
                "表决范围内没有业主，请先导入业主名册 / nobody is in the electorate: import the owner register first".into(),
            ));
        }
        let id = owner_vote::Entity::insert(owner_vote::ActiveModel {
            id: NotSet,
            estate_id: Set(estate_id),
            matter: Set(v.matter as i32),
            title: Set(v.title.trim().to_string()),
            building: Set(v.building.clone()),
            unit: Set(v.unit.clone()),
            state: Set("open".into()),
            opens_at: Set(now),
            closes_at: Set(v.closes_at),
            closed_at: Set(None),
            ballots_sha256: Set(None),
            result: Set(None),
            created_by: Set(ctx.actor.clone()),
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "open",
            "owner_vote",
            id,
            Some(&e.division_code),
            None,
            Some(format!("matter {}: {}", v.matter, v.title)),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(id)
    }

    async fn vote_in_scope(&self, id: i64) -> Result<(owner_vote::Model, estate::Model)> {
        let v = owner_vote::Entity::find_by_id(id)
            .one(&self.store.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("vote {id}")))?;
        let e = self.estate_of(v.estate_id, || format!("vote {id}")).await?;
        Ok((v, e))
    }

    /// The estate of a consultation or vote, if it lies in the scope; else the record itself is
    /// "not found" (`what` names it).
    pub(super) async fn estate_of(
        &self,
        estate_id: i64,
        what: impl Fn() -> String,
    ) -> Result<estate::Model> {
        self.estate_in_scope(estate_id)
            .await
            .map_err(|_| StoreError::NotFound(what()))
    }

    /// A vote of the scope.
    pub async fn vote(&self, id: i64) -> Result<VoteView> {
        let (v, _) = self.vote_in_scope(id).await?;
        vote_view(&self.store, v).await
    }

    /// The votes of an estate of the scope, latest first.
    pub async fn votes(&self, estate_id: i64) -> Result<Vec<VoteView>> {
        self.estate_in_scope(estate_id).await?;
        let mut out = Vec::new();
        for v in owner_vote::Entity::find()
            .filter(owner_vote::Column::EstateId.eq(estate_id))
            .order_by_desc(owner_vote::Column::Id)
            .all(&self.store.db)
            .await?
        {
            out.push(vote_view(&self.store, v).await?);
        }
        Ok(out)
    }

    /// Every ballot cast on a vote of the scope, in order: who (the owner's id), what, how, when.
    pub async fn ballot_trail(&self, vote_id: i64) -> Result<Vec<ballot_trail::Model>> {
        self.vote_in_scope(vote_id).await?;
        Ok(ballot_trail::Entity::find()
            .filter(ballot_trail::Column::VoteId.eq(vote_id))
            .order_by_asc(ballot_trail::Column::Id)
            .all(&self.store.db)
            .await?)
    }

    /// Enters a paper ballot (by its number) for an owner of the electorate.
    pub async fn enter_ballot(
        &self,
        vote_id: i64,
        owner_id: i64,
        choice: Choice,
        ballot_no: Option<String>,
        ctx: &WriteCtx,
    ) -> Result<()> {
        self.vote_in_scope(vote_id).await?;
        let ballot = Ballot {
            vote_id,
            owner_id,
            choice,
            channel: Channel::Paper,
            ballot_no,
        };
        cast(&self.store, ballot, None, &ctx.actor).await
    }

    /// Closes a vote: no ballot is taken after, the ballots are tallied by the estate's policy and
    /// frozen with the anonymised files and their hash.
    pub async fn close_vote(&self, a: &Assessor, vote_id: i64, ctx: &WriteCtx) -> Result<VoteView> {
        let (v, e) = self.vote_in_scope(vote_id).await?;
        let txn = self.store.begin_write().await?;
        // Taking the row waits for the ballots in flight (they hold it shared) and turns away
        // those after.
        let closed = owner_vote::Entity::update_many()
            .col_expr(
                owner_vote::Column::State,
                sea_orm::sea_query::Expr::value("closed"),
            )
            .col_expr(
                owner_vote::Column::ClosedAt,
                sea_orm::sea_query::Expr::value(chrono::Utc::now()),
            )
            .filter(owner_vote::Column::Id.eq(vote_id))
            .filter(owner_vote::Column::State.eq("open"))
            .exec(&txn)
            .await?;
        if closed.rows_affected == 0 {
            return Err(StoreError::Conflict(
                "表决已结束 / the vote is already closed".into(),
            ));
        }
        let parts = electorate(v.estate_id, v.building.as_deref(), v.unit.as_deref())
            .order_by_asc(owner_part::Column::Building)
            .order_by_asc(owner_part::Column::Unit)
            .order_by_asc(owner_part::Column::Room)
            .all(&txn)
            .await?;
        let ballots: Vec<(i64, Choice)> = ballot::Entity::find()
            .filter(ballot::Column::VoteId.eq(vote_id))
            .all(&txn)
            .await?
            .into_iter()
            .filter_map(|b| Choice::parse(&b.choice).map(|c| (b.owner_id, c)))
            .collect();
        let (owners_csv, ballots_csv) = anonymised(&parts, &ballots);
        let division = DivisionCode::parse(&e.division_code)
            .map_err(|x| StoreError::Invalid(x.to_string()))?;
        let policy = &a.policy_for(&division).votes;
        let t = tally_of(v.matter as u32, &parts, &ballots, policy)?;
        let hash = crate::sessions::digest(&format!("{owners_csv}{ballots_csv}"));
        let frozen = Frozen {
            tally: serde_json::to_value(&t).unwrap_or_default(),
            owners_csv,
            ballots_csv,
        };
        owner_vote::Entity::update_many()
            .col_expr(
                owner_vote::Column::Result,
                sea_orm::sea_query::Expr::value(serde_json::to_string(&frozen).unwrap_or_default()),
            )
            .col_expr(
                owner_vote::Column::BallotsSha256,
                sea_orm::sea_query::Expr::value(hash.clone()),
            )
            .filter(owner_vote::Column::Id.eq(vote_id))
            .exec(&txn)
            .await?;
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "close",
            "owner_vote",
            vote_id,
            Some(&e.division_code),
            None,
            Some(format!("passed={} sha256={hash}", t.passed)),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        self.vote(vote_id).await
    }
}

/// The tally of a vote over its parts and ballots.
/// What a closed vote froze, read back.
fn frozen(v: &owner_vote::Model) -> Option<Frozen> {
    serde_json::from_str(v.result.as_deref()?).ok()
}

fn tally_of(
    matter: u32,
    parts: &[owner_part::Model],
    ballots: &[(i64, Choice)],
    policy: &anju_domain::vote::VotePolicy,
) -> Result<Tally> {
    let parts: Vec<Part> = parts
        .iter()
        .map(|p| Part {
            part_id: p.id.to_string(),
            owner_id: p.owner_id.to_string(),
            area_centi_m2: p.area_centi_m2,
        })
        .collect();
    let ballots: Vec<(String, Choice)> = ballots.iter().map(|(o, c)| (o.to_string(), *c)).collect();
    tally(matter, &parts, &ballots, policy).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// The parts of a vote's electorate.
fn electorate(
    estate_id: i64,
    building: Option<&str>,
    unit: Option<&str>,
) -> sea_orm::Select<owner_part::Entity> {
    let mut q = owner_part::Entity::find().filter(owner_part::Column::EstateId.eq(estate_id));
    if let Some(b) = building {
        q = q.filter(owner_part::Column::Building.eq(b));
    }
    if let Some(u) = unit {
        q = q.filter(owner_part::Column::Unit.eq(u));
    }
    q
}

pub(super) async fn vote_view(store: &Store, v: owner_vote::Model) -> Result<VoteView> {
    let ballots = ballot::Entity::find()
        .filter(ballot::Column::VoteId.eq(v.id))
        .count(&store.db)
        .await?;
    let result = frozen(&v).and_then(|f| serde_json::from_value::<Tally>(f.tally).ok());
    Ok(VoteView {
        id: v.id,
        estate_id: v.estate_id,
        matter: v.matter as u32,
        title: v.title,
        building: v.building,
        unit: v.unit,
        state: v.state,
        opens_at: v.opens_at,
        closes_at: v.closes_at,
        ballots,
        result,
        ballots_sha256: v.ballots_sha256,
    })
}

async fn consultation_view(
    store: &Store,
    a: &Assessor,
    c: consultation::Model,
    division: &str,
) -> Result<ConsultationView> {
    let rate = consultation_rate(&store.db, &c).await?;
    let threshold_pct = a.policy_at(division).planning.consultation_threshold_pct;
    Ok(ConsultationView {
        id: c.id,
        estate_id: c.estate_id,
        title: c.title,
        opened_at: c.opened_at,
        closed_at: c.closed_at,
        rate_pct: rate.pct(),
        meets_threshold: rate.meets(threshold_pct),
        threshold_pct,
        rate,
    })
}

/// A consultation's rate: the estate's households are its owners with parts, the developer
/// excepted.
async fn consultation_rate(
    db: &impl ConnectionTrait,
    c: &consultation::Model,
) -> Result<ConsultationRate> {
    let households = owner::Entity::find()
        .filter(owner::Column::EstateId.eq(c.estate_id))
        .filter(owner::Column::IsDeveloper.eq(false))
        .filter(
            owner::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(owner_part::Column::OwnerId)
                    .from(owner_part::Entity)
                    .and_where(owner_part::Column::EstateId.eq(c.estate_id))
                    .to_owned(),
            ),
        )
        .count(db)
        .await? as i64;
    let answers = consultation_answer::Entity::find()
        .filter(consultation_answer::Column::ConsultationId.eq(c.id))
        .all(db)
        .await?;
    Ok(ConsultationRate {
        households,
        answered: answers.len() as i64,
        agreed: answers
            .iter()
            .filter(|x| x.answer == Answer::Agree.key())
            .count() as i64,
    })
}

/// The latest consultation rate of each of these estates, where one is held.
pub(crate) async fn latest_rates(
    db: &impl ConnectionTrait,
    estate_ids: &[i64],
) -> Result<HashMap<i64, ConsultationRate>> {
    let mut latest: BTreeMap<i64, consultation::Model> = BTreeMap::new();
    let query = consultation::Entity::find().order_by_asc(consultation::Column::Id);
    for c in crate::bulk::rows_with(db, query, consultation::Column::EstateId, estate_ids).await? {
        latest.insert(c.estate_id, c);
    }
    let mut out = HashMap::new();
    for (estate, c) in latest {
        out.insert(estate, consultation_rate(db, &c).await?);
    }
    Ok(out)
}

/// Stores households' answers to an open consultation of their estate — one online, or a stack
/// of door-to-door forms entered by staff — all or none, in one transaction: one per household.
async fn answer_consultation(
    store: &Store,
    c: &consultation::Model,
    answers: &[(i64, Answer, Channel)],
    actor: &str,
) -> Result<()> {
    if c.closed_at.is_some() {
        return Err(StoreError::Conflict(
            "征求意见已结束 / the consultation is closed".into(),
        ));
    }
    for (owner_id, ..) in answers {
        household_of(&store.db, c.estate_id, *owner_id).await?;
    }
    let txn = store.begin_write().await?;
    // Read again under the write lock: a consultation closed meanwhile takes no answer.
    let still_open = consultation::Entity::find_by_id(c.id)
        .one(&txn)
        .await?
        .is_some_and(|c| c.closed_at.is_none());
    if !still_open {
        return Err(StoreError::Conflict(
            "征求意见已结束 / the consultation is closed".into(),
        ));
    }
    let now = chrono::Utc::now();
    for &(owner_id, answer, channel) in answers {
        let done = consultation_answer::Entity::insert(consultation_answer::ActiveModel {
            id: NotSet,
            consultation_id: Set(c.id),
            owner_id: Set(owner_id),
            answer: Set(answer.key().into()),
            channel: Set(channel.key().into()),
            entered_by: Set(actor.into()),
            at: Set(now),
        })
        .exec(&txn)
        .await;
        match done {
            Ok(_) => {}
            Err(e)
                if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) =>
            {
                return Err(StoreError::Conflict(format!(
                    "业主{owner_id}已答复过本次征求意见（每户一次）/ owner {owner_id} has already answered this consultation (once per household)"
                )))
            }
            Err(e) => return Err(e.into()),
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Stamps row `id`'s `at` column with now, only if it is still unset — closing a consultation or
/// a survey, withdrawing a notice — so that of two writers racing, the second changes nothing
/// (its `rows_affected` is 0). More columns may be set on the way.
pub(super) fn stamp_if_unset<E: EntityTrait>(
    id_column: E::Column,
    id: i64,
    at: E::Column,
) -> sea_orm::UpdateMany<E> {
    E::update_many()
        .col_expr(at, sea_orm::sea_query::Expr::value(chrono::Utc::now()))
        .filter(id_column.eq(id))
        .filter(at.is_null())
}

/// The owner `owner_id` if they are a household of the estate (the developer is not: its unsold
/// parts answer no consultation, menu or survey).
pub(super) async fn household_of(
    db: &impl ConnectionTrait,
    estate_id: i64,
    owner_id: i64,
) -> Result<owner::Model> {
    owner::Entity::find_by_id(owner_id)
        .one(db)
        .await?
        .filter(|o| o.estate_id == estate_id && !o.is_developer)
        .ok_or_else(|| {
            StoreError::Invalid(format!(
                "业主{owner_id}不是本小区的住户 / owner {owner_id} is not a household of this estate"
            ))
        })
}

/// Casts (or, while the vote is open, replaces) an owner's ballot, in one transaction: the
/// current ballot in `ballots` (one per owner, by a unique index) and the cast in the trail.
/// One ballot as it is cast.
struct Ballot {
    vote_id: i64,
    owner_id: i64,
    choice: Choice,
    channel: Channel,
    ballot_no: Option<String>,
}

/// Casts `b`, a vote of `estate` when given (an owner's own door: another estate's vote is "not
/// found").
async fn cast(store: &Store, b: Ballot, estate: Option<i64>, actor: &str) -> Result<()> {
    let Ballot {
        vote_id,
        owner_id,
        choice,
        channel,
        ballot_no,
    } = b;
    let txn = store.begin_write().await?;
    // Held shared until commit, so that closing the vote waits for this ballot (PostgreSQL;
    // SQLite's single writer, taken first, orders the two anyway).
    let v = owner_vote::Entity::find_by_id(vote_id)
        .lock_shared()
        .one(&txn)
        .await?
        .filter(|v| estate.is_none_or(|e| e == v.estate_id))
        .ok_or_else(|| StoreError::NotFound(format!("vote {vote_id}")))?;
    let now = chrono::Utc::now();
    if v.state != "open" || now > v.closes_at {
        return Err(StoreError::Conflict(
            "表决已结束，不再接受投票 / the vote is closed: no more ballots".into(),
        ));
    }
    let in_electorate = electorate(v.estate_id, v.building.as_deref(), v.unit.as_deref())
        .filter(owner_part::Column::OwnerId.eq(owner_id))
        .count(&txn)
        .await?;
    if in_electorate == 0 {
        return Err(StoreError::Invalid(format!(
            "业主{owner_id}不在本次表决范围内 / owner {owner_id} is not in the electorate"
        )));
    }
    ballot::Entity::insert(ballot::ActiveModel {
        id: NotSet,
        vote_id: Set(vote_id),
        owner_id: Set(owner_id),
        choice: Set(choice.key().into()),
        channel: Set(channel.key().into()),
        ballot_no: Set(ballot_no.clone()),
        at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([ballot::Column::VoteId, ballot::Column::OwnerId])
            .update_columns([
                ballot::Column::Choice,
                ballot::Column::Channel,
                ballot::Column::BallotNo,
                ballot::Column::At,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    ballot_trail::Entity::insert(ballot_trail::ActiveModel {
        id: NotSet,
        vote_id: Set(vote_id),
        owner_id: Set(owner_id),
        choice: Set(choice.key().into()),
        channel: Set(channel.key().into()),
        ballot_no: Set(ballot_no),
        actor: Set(actor.into()),
        at: Set(now),
    })
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An owner's own door: found by their personal code, it reaches only their household — their
/// estate's open consultations and votes, and their own answers and ballots.
#[derive(Debug, Clone)]
pub struct Household {
    pub(super) store: Store,
    pub owner: owner::Model,
}

impl Store {
    /// The household whose personal code this is.
    pub async fn household(&self, code: &str) -> Result<Option<Household>> {
        let o = owner::Entity::find()
            .filter(owner::Column::AccessHash.eq(crate::sessions::digest(code.trim())))
            .one(&self.db)
            .await?;
        Ok(o.map(|owner| Household {
            store: self.clone(),
            owner,
        }))
    }
}

/// What a household sees on its own page.
#[derive(Debug, Clone)]
pub struct HouseholdView {
    pub estate_name: String,
    pub parts: Vec<PartView>,
    /// The estate's consultations, latest first, with the household's answer.
    pub consultations: Vec<(consultation::Model, Option<String>)>,
    /// The votes the household is in the electorate of, latest first, with its current ballot.
    pub votes: Vec<(VoteView, Option<Choice>)>,
}

impl Household {
    /// The household's page: its parts, its estate's consultations and its votes.
    pub async fn view(&self) -> Result<HouseholdView> {
        let db = &self.store.db;
        let estate_name = estate::Entity::find_by_id(self.owner.estate_id)
            .one(db)
            .await?
            .map(|e| e.name)
            .unwrap_or_default();
        let parts: Vec<owner_part::Model> = owner_part::Entity::find()
            .filter(owner_part::Column::OwnerId.eq(self.owner.id))
            .order_by_asc(owner_part::Column::Id)
            .all(db)
            .await?;
        let mut consultations = Vec::new();
        for c in consultation::Entity::find()
            .filter(consultation::Column::EstateId.eq(self.owner.estate_id))
            .order_by_desc(consultation::Column::Id)
            .all(db)
            .await?
        {
            let answer = consultation_answer::Entity::find()
                .filter(consultation_answer::Column::ConsultationId.eq(c.id))
                .filter(consultation_answer::Column::OwnerId.eq(self.owner.id))
                .one(db)
                .await?
                .map(|a| a.answer);
            consultations.push((c, answer));
        }
        let mut votes = Vec::new();
        for v in owner_vote::Entity::find()
            .filter(owner_vote::Column::EstateId.eq(self.owner.estate_id))
            .order_by_desc(owner_vote::Column::Id)
            .all(db)
            .await?
        {
            let mine = parts.iter().any(|p| {
                anju_domain::residents::in_electorate(
                    v.building.as_deref(),
                    v.unit.as_deref(),
                    &p.building,
                    &p.unit,
                )
            });
            if mine {
                let ballot = self.ballot(v.id).await?;
                votes.push((vote_view(&self.store, v).await?, ballot));
            }
        }
        Ok(HouseholdView {
            estate_name,
            parts: parts
                .into_iter()
                .map(|p| PartView {
                    area: Area::from_centi_m2(p.area_centi_m2),
                    basis: AreaBasis::from_key(&p.area_basis).unwrap_or(AreaBasis::Registered),
                    building: p.building,
                    unit: p.unit,
                    room: p.room,
                })
                .collect(),
            consultations,
            votes,
        })
    }

    /// Casts the owner's ballot online; a later one replaces it while the vote is open.
    pub async fn cast(&self, vote_id: i64, choice: Choice) -> Result<()> {
        let actor = format!("owner:{}", self.owner.id);
        let ballot = Ballot {
            vote_id,
            owner_id: self.owner.id,
            choice,
            channel: Channel::Online,
            ballot_no: None,
        };
        // A vote of another estate is "not found" to this household.
        cast(&self.store, ballot, Some(self.owner.estate_id), &actor).await
    }

    /// Answers a consultation of the household's estate online.
    pub async fn answer(&self, consultation_id: i64, answer: Answer) -> Result<()> {
        let c = consultation::Entity::find_by_id(consultation_id)
            .one(&self.store.db)
            .await?
            .filter(|c| c.estate_id == self.owner.estate_id)
            .ok_or_else(|| StoreError::NotFound(format!("consultation {consultation_id}")))?;
        let actor = format!("owner:{}", self.owner.id);
        let answer = [(self.owner.id, answer, Channel::Online)];
        answer_consultation(&self.store, &c, &answer, &actor).await
    }

    /// The household's current ballot on a vote of its estate.
    pub async fn ballot(&self, vote_id: i64) -> Result<Option<Choice>> {
        Ok(ballot::Entity::find()
            .filter(ballot::Column::VoteId.eq(vote_id))
            .filter(ballot::Column::OwnerId.eq(self.owner.id))
            .one(&self.store.db)
            .await?
            .and_then(|b| Choice::parse(&b.choice)))
    }
}

/// The published, anonymised files of a closed vote (`owners.csv`, `ballots.csv`) and their hash:
/// public, for anyone to recount with `anju vote recount`.
pub async fn published_ballots(
    store: &Store,
    vote_id: i64,
) -> Result<Option<(String, String, String)>> {
    let Some(v) = owner_vote::Entity::find_by_id(vote_id)
        .one(&store.db)
        .await?
    else {
        return Ok(None);
    };
    let Some(f) = frozen(&v) else {
        return Ok(None);
    };
    Ok(Some((
        f.owners_csv,
        f.ballots_csv,
        v.ballots_sha256.unwrap_or_default(),
    )))
}
