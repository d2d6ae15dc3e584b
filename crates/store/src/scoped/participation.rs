//! The rest of the residents' part through the scoped door (DOMAIN §6): contributions and the
//! minimum per m² they are checked against, satisfaction surveys and their results by estate and
//! division, public notices (公示, 五牌一图), and deliberation — proposals and comments moderated
//! by staff with the reason shown, meetings with their minutes and the votes they call, and the
//! owners' committee a matter-3 vote elects. What anyone may see without logging in is
//! [`Store::public_estate`].

use super::menus::{approvals_of, approve, menu_of_estate, menus_of, MenuView};
use super::residents::{household_of, stamp_if_unset};
use super::VoteView;
use super::{Household, Scoped};
use crate::assess::Assessor;
use crate::audit::{audit_one, AuditBatch, WriteCtx};
use crate::entity::{committee_member, contribution, division, estate, meeting, notice, owner};
use crate::entity::{owner_part, owner_vote, post, survey, survey_answer};
use crate::{Result, Store, StoreError};
use anju_domain::participation::{
    ContributionCheck, ContributionKind, MeetingKind, NoticeKind, PostKind, Satisfaction,
    SatisfactionCount, MAX_POST_CHARS,
};
use anju_domain::quantity::{Area, Money};
use anju_domain::residents::Channel;
use anju_domain::DivisionCode;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, HashMap};

/// A unique index refused the row: the conflict in words.
fn taken(e: sea_orm::DbErr, what: impl FnOnce() -> String) -> StoreError {
    if matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    ) {
        StoreError::Conflict(what())
    } else {
        e.into()
    }
}

/// A text a resident or staff wrote: trimmed, not empty, not longer than the board keeps.
fn written(text: &str, what: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(StoreError::Invalid(format!(
            "请填写{what} / {what} is empty"
        )));
    }
    if t.chars().count() > MAX_POST_CHARS {
        return Err(StoreError::Invalid(format!(
            "{what}不能超过{MAX_POST_CHARS}字 / {what} is longer than {MAX_POST_CHARS} characters"
        )));
    }
    Ok(t.to_string())
}

/// Each household's rooms ("1-2-301、1-2-302") and area: how pages name a household without
/// its owner's name.
pub(super) async fn households(
    db: &impl ConnectionTrait,
    estate_id: i64,
) -> Result<BTreeMap<i64, (String, Area)>> {
    let developer: Vec<i64> = owner::Entity::find()
        .filter(owner::Column::EstateId.eq(estate_id))
        .filter(owner::Column::IsDeveloper.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    let mut out: BTreeMap<i64, (Vec<String>, i64)> = BTreeMap::new();
    for p in owner_part::Entity::find()
        .filter(owner_part::Column::EstateId.eq(estate_id))
        .order_by_asc(owner_part::Column::Building)
        .order_by_asc(owner_part::Column::Unit)
        .order_by_asc(owner_part::Column::Room)
        .all(db)
        .await?
    {
        if developer.contains(&p.owner_id) {
            continue;
        }
        let e = out.entry(p.owner_id).or_default();
        e.0.push(room_text(&p.building, &p.unit, &p.room));
        e.1 += p.area_centi_m2;
    }
    Ok(out
        .into_iter()
        .map(|(id, (rooms, area))| (id, (rooms.join("、"), Area::from_centi_m2(area))))
        .collect())
}

/// "building-unit-room", or "building-room" without a unit.
pub fn room_text(building: &str, unit: &str, room: &str) -> String {
    if unit.is_empty() {
        format!("{building}-{room}")
    } else {
        format!("{building}-{unit}-{room}")
    }
}

/// What [`Scoped::estate_holding`] looks up.
#[derive(Debug, Clone, Copy)]
pub enum Residents {
    Consultation,
    Survey,
    Notice,
    Post,
}

// ---------------------------------------------------------------- contributions

/// One receipt as staff enter it.
#[derive(Debug, Clone)]
pub struct NewContribution {
    /// The household; none for what the estate gives as a whole (ceded public income, say).
    pub owner_id: Option<i64>,
    pub kind: ContributionKind,
    pub amount: Money,
    pub receipt_no: String,
    pub received_on: chrono::NaiveDate,
    pub note: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ContributionRow {
    pub id: i64,
    pub owner_id: Option<i64>,
    /// The household's rooms, or 全体业主 for the estate's own.
    pub household: String,
    pub kind: ContributionKind,
    pub amount: Money,
    pub receipt_no: String,
    pub received_on: String,
    pub note: Option<String>,
}

/// A household's part of the minimum (its area times the minimum per m²) and what it gave.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HouseholdShare {
    pub owner_id: i64,
    pub household: String,
    pub area: Area,
    pub due: Money,
    pub paid: Money,
}

/// An estate's contributions: the check against the minimum, the sums by kind, every receipt,
/// and each household's share.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ContributionsView {
    pub estate_id: i64,
    pub check: ContributionCheck,
    /// Where the floor area of the check comes from: the inventory, or the register's sum.
    pub area_basis: &'static str,
    pub met: bool,
    pub short: Money,
    pub by_kind: Vec<(ContributionKind, Money)>,
    pub receipts: Vec<ContributionRow>,
    pub households: Vec<HouseholdShare>,
}

async fn contribution_rows(
    db: &impl ConnectionTrait,
    estate_id: i64,
    owner_id: Option<i64>,
) -> Result<Vec<contribution::Model>> {
    let mut q = contribution::Entity::find().filter(contribution::Column::EstateId.eq(estate_id));
    if let Some(o) = owner_id {
        q = q.filter(contribution::Column::OwnerId.eq(o));
    }
    Ok(q.order_by_asc(contribution::Column::Id).all(db).await?)
}

fn contribution_row(
    c: contribution::Model,
    names: &BTreeMap<i64, (String, Area)>,
) -> ContributionRow {
    ContributionRow {
        id: c.id,
        owner_id: c.owner_id,
        household: match c.owner_id {
            Some(o) => names.get(&o).map(|n| n.0.clone()).unwrap_or_default(),
            None => "全体业主".into(),
        },
        kind: ContributionKind::from_key(&c.kind).unwrap_or(ContributionKind::Money),
        amount: Money::from_fen(c.amount_fen),
        receipt_no: c.receipt_no,
        received_on: c.received_on,
        note: c.note,
    }
}

/// The check of an estate's contributions, with the policy in force in its division.
async fn contributions_view(
    db: &impl ConnectionTrait,
    min_yuan_per_m2: i64,
    e: &estate::Model,
) -> Result<ContributionsView> {
    let names = households(db, e.id).await?;
    let rows = contribution_rows(db, e.id, None).await?;
    let collected: Money = rows.iter().map(|c| Money::from_fen(c.amount_fen)).sum();
    let register_area: Area = names.values().map(|n| n.1).sum();
    let (area, area_basis) = if e.floor_area_centi_m2 > 0 {
        (Area::from_centi_m2(e.floor_area_centi_m2), "inventory")
    } else {
        (register_area, "register")
    };
    let check = ContributionCheck::new(area, min_yuan_per_m2, collected);
    let mut by_kind: BTreeMap<ContributionKind, Money> = BTreeMap::new();
    let mut paid: HashMap<i64, Money> = HashMap::new();
    for c in &rows {
        let kind = ContributionKind::from_key(&c.kind).unwrap_or(ContributionKind::Money);
        *by_kind.entry(kind).or_default() += Money::from_fen(c.amount_fen);
        if let Some(o) = c.owner_id {
            *paid.entry(o).or_default() += Money::from_fen(c.amount_fen);
        }
    }
    Ok(ContributionsView {
        estate_id: e.id,
        met: check.met(),
        short: check.short(),
        check,
        area_basis,
        by_kind: by_kind.into_iter().collect(),
        households: names
            .iter()
            .map(|(&id, (rooms, area))| HouseholdShare {
                owner_id: id,
                household: rooms.clone(),
                area: *area,
                due: Money::from_fen(area.centi_m2() * min_yuan_per_m2),
                paid: paid.get(&id).copied().unwrap_or_default(),
            })
            .collect(),
        receipts: rows
            .into_iter()
            .map(|c| contribution_row(c, &names))
            .collect(),
    })
}

fn min_per_m2(a: &Assessor, division: &str) -> i64 {
    a.policy_at(division).planning.min_contribution_yuan_per_m2
}

// ---------------------------------------------------------------- surveys

/// A satisfaction survey with its count.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SurveyView {
    pub id: i64,
    pub estate_id: i64,
    pub title: String,
    pub opened_at: chrono::DateTime<chrono::Utc>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub count: SatisfactionCount,
    pub satisfaction_pct: Option<f64>,
    pub response_pct: Option<f64>,
    /// What households wrote, without who wrote it.
    pub comments: Vec<String>,
}

async fn survey_view(
    db: &impl ConnectionTrait,
    s: survey::Model,
    households: i64,
) -> Result<SurveyView> {
    let mut count = SatisfactionCount {
        households,
        ..Default::default()
    };
    let mut comments = Vec::new();
    for a in survey_answer::Entity::find()
        .filter(survey_answer::Column::SurveyId.eq(s.id))
        .order_by_asc(survey_answer::Column::Id)
        .all(db)
        .await?
    {
        if let Some(r) = Satisfaction::from_key(&a.rating) {
            count.add(r);
        }
        comments.extend(a.comment.filter(|c| !c.trim().is_empty()));
    }
    Ok(SurveyView {
        id: s.id,
        estate_id: s.estate_id,
        title: s.title,
        opened_at: s.opened_at,
        closed_at: s.closed_at,
        satisfaction_pct: count.satisfaction_pct(),
        response_pct: count.response_pct(),
        count,
        comments,
    })
}

async fn surveys_of(db: &impl ConnectionTrait, estate_id: i64) -> Result<Vec<SurveyView>> {
    let n = households(db, estate_id).await?.len() as i64;
    let mut out = Vec::new();
    for s in survey::Entity::find()
        .filter(survey::Column::EstateId.eq(estate_id))
        .order_by_desc(survey::Column::Id)
        .all(db)
        .await?
    {
        out.push(survey_view(db, s, n).await?);
    }
    Ok(out)
}

/// Stores households' ratings in an open survey of their estate — one online, or a stack of
/// paper forms entered by staff — all or none, in one transaction: one per household.
async fn rate(
    store: &Store,
    s: &survey::Model,
    ratings: &[(i64, Satisfaction, Option<String>)],
    channel: Channel,
    actor: &str,
) -> Result<()> {
    let mut rows = Vec::with_capacity(ratings.len());
    let now = chrono::Utc::now();
    for (owner_id, rating, comment) in ratings {
        household_of(&store.db, s.estate_id, *owner_id).await?;
        let comment = match comment.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => Some(written(c, "意见")?),
            None => None,
        };
        rows.push(survey_answer::ActiveModel {
            id: NotSet,
            survey_id: Set(s.id),
            owner_id: Set(*owner_id),
            rating: Set(rating.key().into()),
            comment: Set(comment),
            channel: Set(channel.key().into()),
            entered_by: Set(actor.into()),
            at: Set(now),
        });
    }
    let txn = store.begin_write().await?;
    let open = survey::Entity::find_by_id(s.id)
        .one(&txn)
        .await?
        .is_some_and(|s| s.closed_at.is_none());
    if !open {
        return Err(StoreError::Conflict(
            "满意度调查已结束 / the survey is closed".into(),
        ));
    }
    for row in rows {
        let owner_id = row.owner_id.clone().unwrap();
        survey_answer::Entity::insert(row)
            .exec(&txn)
            .await
            .map_err(|e| {
                taken(e, || {
                    format!("业主{owner_id}已参加过本次调查（每户一次）/ owner {owner_id} has already answered this survey (once per household)")
                })
            })?;
    }
    txn.commit().await?;
    Ok(())
}

/// Satisfaction in a division: every estate's latest survey, summed per estate, per division
/// one level down, and in all.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SatisfactionReport {
    pub division: String,
    pub total: SatisfactionCount,
    pub satisfaction_pct: Option<f64>,
    pub by_division: Vec<SatisfactionRow>,
    pub by_estate: Vec<SatisfactionRow>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SatisfactionRow {
    /// A division code, or an estate id.
    pub id: String,
    pub name: String,
    pub count: SatisfactionCount,
    pub satisfaction_pct: Option<f64>,
}

// ---------------------------------------------------------------- notices and deliberation

#[derive(Debug, Clone, serde::Serialize)]
pub struct NoticeView {
    pub id: i64,
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    pub published_at: chrono::DateTime<chrono::Utc>,
    pub withdrawn_at: Option<chrono::DateTime<chrono::Utc>>,
    pub withdrawn_reason: Option<String>,
}

fn notice_view(n: notice::Model) -> NoticeView {
    NoticeView {
        id: n.id,
        kind: NoticeKind::from_key(&n.kind).unwrap_or(NoticeKind::Other),
        title: n.title,
        // A withdrawn notice shows why, not what it said.
        body: if n.withdrawn_at.is_some() {
            String::new()
        } else {
            n.body
        },
        published_at: n.published_at,
        withdrawn_at: n.withdrawn_at,
        withdrawn_reason: n.withdrawn_reason,
    }
}

async fn notices_of(db: &impl ConnectionTrait, estate_id: i64) -> Result<Vec<NoticeView>> {
    Ok(notice::Entity::find()
        .filter(notice::Column::EstateId.eq(estate_id))
        .order_by_asc(notice::Column::Kind)
        .order_by_desc(notice::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(notice_view)
        .collect())
}

/// A post on the board. `body` is empty when hidden, unless staff read it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PostView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: PostKind,
    pub author: String,
    pub body: String,
    pub hidden: bool,
    pub hidden_reason: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

impl PostView {
    /// The comments among `posts` on the proposal `id`, in order.
    pub fn replies_to(posts: &[PostView], id: i64) -> Vec<&PostView> {
        posts.iter().filter(|r| r.parent_id == Some(id)).collect()
    }
}

async fn posts_of(
    db: &impl ConnectionTrait,
    estate_id: i64,
    moderator: bool,
) -> Result<Vec<PostView>> {
    Ok(post::Entity::find()
        .filter(post::Column::EstateId.eq(estate_id))
        .order_by_asc(post::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PostView {
            id: p.id,
            parent_id: p.parent_id,
            kind: PostKind::from_key(&p.kind).unwrap_or(PostKind::Comment),
            author: p.author,
            body: if p.hidden && !moderator {
                String::new()
            } else {
                p.body
            },
            hidden: p.hidden,
            hidden_reason: p.hidden_reason,
            at: p.at,
        })
        .collect())
}

/// Adds a proposal (no parent) or a comment on one of the estate's proposals.
async fn add_post(
    db: &impl ConnectionTrait,
    estate_id: i64,
    parent_id: Option<i64>,
    owner_id: Option<i64>,
    author: &str,
    body: &str,
) -> Result<i64> {
    let body = written(body, "内容")?;
    if let Some(p) = parent_id {
        let ok = post::Entity::find_by_id(p)
            .one(db)
            .await?
            .is_some_and(|p| p.estate_id == estate_id && p.parent_id.is_none());
        if !ok {
            return Err(StoreError::NotFound(format!("proposal {p}")));
        }
    }
    Ok(post::Entity::insert(post::ActiveModel {
        id: NotSet,
        estate_id: Set(estate_id),
        parent_id: Set(parent_id),
        kind: Set(if parent_id.is_some() {
            PostKind::Comment
        } else {
            PostKind::Proposal
        }
        .key()
        .into()),
        owner_id: Set(owner_id),
        author: Set(author.into()),
        body: Set(body),
        hidden: Set(false),
        hidden_reason: Set(None),
        hidden_by: Set(None),
        at: Set(chrono::Utc::now()),
    })
    .exec(db)
    .await?
    .last_insert_id)
}

/// What staff record of a meeting.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub kind: MeetingKind,
    pub title: String,
    pub held_at: chrono::DateTime<chrono::Utc>,
    pub place: String,
    pub agenda: String,
    /// Who attended, one per line.
    pub attendance: String,
    pub minutes: String,
    pub decisions: String,
    /// The owners' vote the meeting called (a vote of the same estate).
    pub vote_id: Option<i64>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct MeetingView {
    pub id: i64,
    pub kind: MeetingKind,
    pub title: String,
    pub held_at: chrono::DateTime<chrono::Utc>,
    pub place: String,
    pub agenda: String,
    pub attendance: Vec<String>,
    pub attendees: i32,
    pub minutes: String,
    pub decisions: String,
    pub vote_id: Option<i64>,
}

async fn meetings_of(db: &impl ConnectionTrait, estate_id: i64) -> Result<Vec<MeetingView>> {
    Ok(meeting::Entity::find()
        .filter(meeting::Column::EstateId.eq(estate_id))
        .order_by_desc(meeting::Column::HeldAt)
        .all(db)
        .await?
        .into_iter()
        .map(|m| MeetingView {
            id: m.id,
            kind: MeetingKind::from_key(&m.kind).unwrap_or(MeetingKind::Council),
            title: m.title,
            held_at: m.held_at,
            place: m.place,
            agenda: m.agenda,
            attendance: m.attendance.lines().map(str::to_string).collect(),
            attendees: m.attendees,
            minutes: m.minutes,
            decisions: m.decisions,
            vote_id: m.vote_id,
        })
        .collect())
}

/// The owners' committee: the members the latest passed matter-3 vote with members elected.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CommitteeView {
    pub vote_id: i64,
    pub members: Vec<(String, String)>,
}

async fn committee_of(db: &impl ConnectionTrait, estate_id: i64) -> Result<Option<CommitteeView>> {
    let rows = committee_member::Entity::find()
        .filter(committee_member::Column::EstateId.eq(estate_id))
        .order_by_desc(committee_member::Column::VoteId)
        .order_by_asc(committee_member::Column::Id)
        .all(db)
        .await?;
    let Some(latest) = rows.first().map(|m| m.vote_id) else {
        return Ok(None);
    };
    Ok(Some(CommitteeView {
        vote_id: latest,
        members: rows
            .into_iter()
            .filter(|m| m.vote_id == latest)
            .map(|m| (m.name, m.duty))
            .collect(),
    }))
}

/// An estate's deliberation: the board, the meetings and the owners' committee.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeliberationView {
    pub posts: Vec<PostView>,
    pub meetings: Vec<MeetingView>,
    pub committee: Option<CommitteeView>,
}

/// What the public sees of an estate's project: its state and progress and the money received
/// and disbursed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicProject {
    pub id: i64,
    pub name: String,
    pub state: anju_domain::project::ProjectState,
    pub progress_pct: i32,
    pub received: Money,
    pub disbursed: Money,
}

impl Scoped {
    /// The estate of a consultation, survey, notice or post of the scope ("not found" outside it): what a
    /// handler checks before it says whether the caller may act.
    pub async fn estate_holding(&self, what: Residents, id: i64) -> Result<estate::Model> {
        let estate = match what {
            Residents::Consultation => return Ok(self.consultation_in_scope(id).await?.1),
            Residents::Survey => return Ok(self.survey_in_scope(id).await?.1),
            Residents::Notice => notice::Entity::find_by_id(id)
                .one(&self.store.db)
                .await?
                .map(|n| n.estate_id),
            Residents::Post => post::Entity::find_by_id(id)
                .one(&self.store.db)
                .await?
                .map(|p| p.estate_id),
        };
        let what = || format!("{what:?} {id}");
        let estate = estate.ok_or_else(|| StoreError::NotFound(what()))?;
        self.estate_of(estate, what).await
    }

    /// The households of an estate of the scope, each named by its rooms (for the forms that
    /// pick one).
    pub async fn households(&self, estate_id: i64) -> Result<Vec<(i64, String)>> {
        self.estate_in_scope(estate_id).await?;
        Ok(households(&self.store.db, estate_id)
            .await?
            .into_iter()
            .map(|(id, (rooms, _))| (id, rooms))
            .collect())
    }

    // -------------------------------------------------------------- contributions

    /// Records receipts of an estate of the scope — one, or a stack entered at once — all or
    /// none, in one transaction; a receipt number is unique in the estate. Their ids, in order.
    pub async fn record_contributions(
        &self,
        estate_id: i64,
        receipts: &[NewContribution],
        ctx: &WriteCtx,
    ) -> Result<Vec<i64>> {
        let e = self.estate_in_scope(estate_id).await?;
        for c in receipts {
            let receipt = c.receipt_no.trim();
            if receipt.is_empty() {
                return Err(StoreError::Invalid(
                    "请填写收据号 / the receipt number is missing".into(),
                ));
            }
            if c.amount.fen() <= 0 {
                return Err(StoreError::Invalid(format!(
                    "收据{receipt}：金额应大于0 / receipt {receipt}: the amount must be more than 0"
                )));
            }
            if let Some(o) = c.owner_id {
                household_of(&self.store.db, estate_id, o).await?;
            }
        }
        let txn = self.store.begin_write().await?;
        let mut audit = AuditBatch::new(ctx);
        let mut ids = Vec::with_capacity(receipts.len());
        for c in receipts {
            let receipt = c.receipt_no.trim();
            let id = contribution::Entity::insert(contribution::ActiveModel {
                id: NotSet,
                estate_id: Set(estate_id),
                owner_id: Set(c.owner_id),
                kind: Set(c.kind.key().into()),
                amount_fen: Set(c.amount.fen()),
                receipt_no: Set(receipt.into()),
                received_on: Set(c.received_on.to_string()),
                note: Set(c.note.clone().filter(|n| !n.trim().is_empty())),
                entered_by: Set(ctx.actor.clone()),
                at: Set(chrono::Utc::now()),
            })
            .exec(&txn)
            .await
            .map_err(|e| {
                taken(e, || {
                    format!("收据号“{receipt}”已经录入过 / receipt {receipt:?} is already entered")
                })
            })?
            .last_insert_id;
            audit.push(
                "record",
                "contribution",
                id,
                Some(&e.division_code),
                None,
                Some(format!(
                    "{} {} {}",
                    c.kind.key(),
                    c.amount.yuan_text(),
                    receipt
                )),
            );
            ids.push(id);
        }
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(ids)
    }

    /// An estate's contributions against the minimum of the policy in force there.
    pub async fn contributions(&self, a: &Assessor, estate_id: i64) -> Result<ContributionsView> {
        let e = self.estate_in_scope(estate_id).await?;
        contributions_view(&self.store.db, min_per_m2(a, &e.division_code), &e).await
    }

    // -------------------------------------------------------------- surveys

    /// Opens a satisfaction survey of an estate of the scope.
    pub async fn open_survey(&self, estate_id: i64, title: &str, ctx: &WriteCtx) -> Result<i64> {
        let e = self.estate_in_scope(estate_id).await?;
        let title = written(title, "调查名称")?;
        let txn = self.store.begin_write().await?;
        let id = survey::Entity::insert(survey::ActiveModel {
            id: NotSet,
            estate_id: Set(estate_id),
            title: Set(title.clone()),
            opened_at: Set(chrono::Utc::now()),
            closed_at: Set(None),
            created_by: Set(ctx.actor.clone()),
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        audit_one(
            &txn,
            ctx,
            "open",
            "survey",
            id,
            &e.division_code,
            Some(title),
        )
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    async fn survey_in_scope(&self, id: i64) -> Result<(survey::Model, estate::Model)> {
        let s = survey::Entity::find_by_id(id)
            .one(&self.store.db)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("survey {id}")))?;
        let e = self
            .estate_of(s.estate_id, || format!("survey {id}"))
            .await?;
        Ok((s, e))
    }

    /// Closes a survey: no answer is taken after.
    pub async fn close_survey(&self, id: i64, ctx: &WriteCtx) -> Result<()> {
        let (_, e) = self.survey_in_scope(id).await?;
        let txn = self.store.begin_write().await?;
        let done =
            stamp_if_unset::<survey::Entity>(survey::Column::Id, id, survey::Column::ClosedAt)
                .exec(&txn)
                .await?;
        if done.rows_affected == 0 {
            return Err(StoreError::Conflict(
                "满意度调查已结束 / the survey is already closed".into(),
            ));
        }
        audit_one(&txn, ctx, "close", "survey", id, &e.division_code, None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A household's rating entered by staff (door to door, paper).
    pub async fn record_rating(
        &self,
        survey_id: i64,
        owner_id: i64,
        rating: Satisfaction,
        comment: Option<&str>,
        ctx: &WriteCtx,
    ) -> Result<()> {
        let rating = (owner_id, rating, comment.map(str::to_string));
        self.record_ratings(survey_id, &[rating], ctx).await
    }

    /// A stack of households' ratings entered by staff (paper forms), all or none.
    pub async fn record_ratings(
        &self,
        survey_id: i64,
        ratings: &[(i64, Satisfaction, Option<String>)],
        ctx: &WriteCtx,
    ) -> Result<()> {
        let (s, _) = self.survey_in_scope(survey_id).await?;
        rate(&self.store, &s, ratings, Channel::Staff, &ctx.actor).await
    }

    /// The surveys of an estate of the scope, latest first.
    pub async fn surveys(&self, estate_id: i64) -> Result<Vec<SurveyView>> {
        self.estate_in_scope(estate_id).await?;
        surveys_of(&self.store.db, estate_id).await
    }

    /// Satisfaction in a division of the scope (its whole scope when none is given).
    pub async fn satisfaction(
        &self,
        division: Option<&DivisionCode>,
    ) -> Result<SatisfactionReport> {
        let d = match (division, self.home()) {
            (Some(d), _) if self.covers(d) => Some(*d),
            (Some(d), _) => return Err(StoreError::NotFound(format!("division {d}"))),
            (None, home) => home,
        };
        let mut q = estate::Entity::find().filter(
            estate::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(survey::Column::EstateId)
                    .from(survey::Entity)
                    .to_owned(),
            ),
        );
        if let Some(d) = &d {
            let (lo, hi) = d.range();
            q = q.filter(estate::Column::DivisionCode.between(lo, hi));
        }
        let estates = q
            .order_by_asc(estate::Column::Id)
            .all(&self.store.db)
            .await?;
        let child_level = d.map_or(Some(anju_domain::Level::Province), |d| d.level().child());
        let mut total = SatisfactionCount::default();
        let mut by_division: BTreeMap<String, SatisfactionCount> = BTreeMap::new();
        let mut by_estate = Vec::new();
        for e in estates {
            let Some(latest) = surveys_of(&self.store.db, e.id).await?.into_iter().next() else {
                continue;
            };
            total.merge(&latest.count);
            let child = DivisionCode::parse(&e.division_code)
                .ok()
                .and_then(|c| child_level.and_then(|l| c.ancestor_at(l)))
                .map_or(e.division_code.clone(), |c| c.as_str().to_string());
            by_division.entry(child).or_default().merge(&latest.count);
            by_estate.push(SatisfactionRow {
                id: e.id.to_string(),
                name: e.name,
                satisfaction_pct: latest.count.satisfaction_pct(),
                count: latest.count,
            });
        }
        let names: HashMap<String, String> = division::Entity::find()
            .filter(division::Column::Code.is_in(by_division.keys().cloned()))
            .all(&self.store.db)
            .await?
            .into_iter()
            .map(|d| (d.code, d.name))
            .collect();
        Ok(SatisfactionReport {
            division: d.map(|d| d.as_str().to_string()).unwrap_or_default(),
            satisfaction_pct: total.satisfaction_pct(),
            total,
            by_division: by_division
                .into_iter()
                .map(|(code, count)| SatisfactionRow {
                    name: names.get(&code).cloned().unwrap_or_default(),
                    id: code,
                    satisfaction_pct: count.satisfaction_pct(),
                    count,
                })
                .collect(),
            by_estate,
        })
    }

    // -------------------------------------------------------------- notices

    /// Publishes a notice on an estate's public page.
    pub async fn publish_notice(
        &self,
        estate_id: i64,
        kind: NoticeKind,
        title: &str,
        body: &str,
        ctx: &WriteCtx,
    ) -> Result<i64> {
        let e = self.estate_in_scope(estate_id).await?;
        let title = written(title, "标题")?;
        let body = written(body, "内容")?;
        let txn = self.store.begin_write().await?;
        let id = notice::Entity::insert(notice::ActiveModel {
            id: NotSet,
            estate_id: Set(estate_id),
            kind: Set(kind.key().into()),
            title: Set(title.clone()),
            body: Set(body),
            published_at: Set(chrono::Utc::now()),
            published_by: Set(ctx.actor.clone()),
            withdrawn_at: Set(None),
            withdrawn_reason: Set(None),
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        audit_one(
            &txn,
            ctx,
            "publish",
            "notice",
            id,
            &e.division_code,
            Some(title),
        )
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Withdraws a notice, with the reason the public page then shows in its place.
    pub async fn withdraw_notice(&self, id: i64, reason: &str, ctx: &WriteCtx) -> Result<()> {
        let e = self.estate_holding(Residents::Notice, id).await?;
        let reason = written(reason, "撤回理由")?;
        let txn = self.store.begin_write().await?;
        let done =
            stamp_if_unset::<notice::Entity>(notice::Column::Id, id, notice::Column::WithdrawnAt)
                .col_expr(
                    notice::Column::WithdrawnReason,
                    sea_orm::sea_query::Expr::value(reason.clone()),
                )
                .exec(&txn)
                .await?;
        if done.rows_affected == 0 {
            return Err(StoreError::Conflict(
                "该公示已撤回 / the notice is already withdrawn".into(),
            ));
        }
        audit_one(
            &txn,
            ctx,
            "withdraw",
            "notice",
            id,
            &e.division_code,
            Some(reason),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The notices of an estate of the scope.
    pub async fn notices(&self, estate_id: i64) -> Result<Vec<NoticeView>> {
        self.estate_in_scope(estate_id).await?;
        notices_of(&self.store.db, estate_id).await
    }

    // -------------------------------------------------------------- deliberation

    /// The board, meetings and committee of an estate of the scope; staff read hidden posts.
    pub async fn deliberation(&self, estate_id: i64) -> Result<DeliberationView> {
        self.estate_in_scope(estate_id).await?;
        let db = &self.store.db;
        Ok(DeliberationView {
            posts: posts_of(db, estate_id, true).await?,
            meetings: meetings_of(db, estate_id).await?,
            committee: committee_of(db, estate_id).await?,
        })
    }

    /// Staff answer on the board (a proposal of their own, or a comment on one).
    pub async fn staff_post(
        &self,
        estate_id: i64,
        parent_id: Option<i64>,
        body: &str,
        ctx: &WriteCtx,
    ) -> Result<i64> {
        let e = self.estate_in_scope(estate_id).await?;
        let txn = self.store.begin_write().await?;
        let id = add_post(&txn, estate_id, parent_id, None, "社区工作人员", body).await?;
        audit_one(&txn, ctx, "post", "post", id, &e.division_code, None).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Hides a post from the board (moderation); the board shows the reason in its place.
    pub async fn hide_post(&self, id: i64, reason: &str, ctx: &WriteCtx) -> Result<()> {
        let e = self.estate_holding(Residents::Post, id).await?;
        let reason = written(reason, "隐藏理由")?;
        let txn = self.store.begin_write().await?;
        post::Entity::update(post::ActiveModel {
            id: sea_orm::ActiveValue::Unchanged(id),
            hidden: Set(true),
            hidden_reason: Set(Some(reason.clone())),
            hidden_by: Set(Some(ctx.actor.clone())),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        audit_one(
            &txn,
            ctx,
            "hide",
            "post",
            id,
            &e.division_code,
            Some(reason),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records a meeting of an estate of the scope; the vote it called must be the estate's.
    pub async fn record_meeting(
        &self,
        estate_id: i64,
        m: &NewMeeting,
        ctx: &WriteCtx,
    ) -> Result<i64> {
        let e = self.estate_in_scope(estate_id).await?;
        let title = written(&m.title, "会议名称")?;
        if let Some(v) = m.vote_id {
            let ok = owner_vote::Entity::find_by_id(v)
                .one(&self.store.db)
                .await?
                .is_some_and(|v| v.estate_id == estate_id);
            if !ok {
                return Err(StoreError::Invalid(format!(
                    "表决{v}不是本小区的 / vote {v} is not this estate's"
                )));
            }
        }
        let attendance: Vec<&str> = m
            .attendance
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let txn = self.store.begin_write().await?;
        let id = meeting::Entity::insert(meeting::ActiveModel {
            id: NotSet,
            estate_id: Set(estate_id),
            kind: Set(m.kind.key().into()),
            title: Set(title.clone()),
            held_at: Set(m.held_at),
            place: Set(m.place.trim().into()),
            agenda: Set(m.agenda.trim().into()),
            attendance: Set(attendance.join("\n")),
            attendees: Set(attendance.len() as i32),
            minutes: Set(m.minutes.trim().into()),
            decisions: Set(m.decisions.trim().into()),
            vote_id: Set(m.vote_id),
            created_by: Set(ctx.actor.clone()),
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        audit_one(
            &txn,
            ctx,
            "record",
            "meeting",
            id,
            &e.division_code,
            Some(title),
        )
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Records the owners' committee a vote elected: the vote must be on matter 3 (electing the
    /// committee), closed and passed. Recording again replaces that vote's members.
    pub async fn record_committee(
        &self,
        vote_id: i64,
        members: &[(String, String)],
        ctx: &WriteCtx,
    ) -> Result<()> {
        let v = self.vote(vote_id).await?;
        let e = self.estate_in_scope(v.estate_id).await?;
        if v.matter != 3 {
            return Err(StoreError::Invalid(format!(
                "业主委员会由选举业主委员会的表决（事项3）产生，表决{vote_id}是事项{} / the owners' committee is elected by a matter-3 vote; vote {vote_id} is on matter {}",
                v.matter, v.matter
            )));
        }
        if !v.result.as_ref().is_some_and(|t| t.passed) {
            return Err(StoreError::Conflict(format!(
                "表决{vote_id}尚未结束或未通过 / vote {vote_id} is not closed and passed"
            )));
        }
        let members: Vec<(String, String)> = members
            .iter()
            .map(|(n, d)| (n.trim().to_string(), d.trim().to_string()))
            .filter(|(n, _)| !n.is_empty())
            .collect();
        if members.is_empty() {
            return Err(StoreError::Invalid(
                "请填写委员名单 / the members are missing".into(),
            ));
        }
        let txn = self.store.begin_write().await?;
        committee_member::Entity::delete_many()
            .filter(committee_member::Column::VoteId.eq(vote_id))
            .exec(&txn)
            .await?;
        let now = chrono::Utc::now();
        committee_member::Entity::insert_many(members.iter().map(|(name, duty)| {
            committee_member::ActiveModel {
                id: NotSet,
                estate_id: Set(v.estate_id),
                vote_id: Set(vote_id),
                name: Set(name.clone()),
                duty: Set(if duty.is_empty() {
                    "委员".into()
                } else {
                    duty.clone()
                }),
                recorded_at: Set(now),
            }
        }))
        .exec(&txn)
        .await?;
        audit_one(
            &txn,
            ctx,
            "record",
            "owners_committee",
            vote_id,
            &e.division_code,
            Some(
                members
                    .iter()
                    .map(|(n, d)| format!("{d}:{n}"))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

// ---------------------------------------------------------------- the public page

/// What anyone may see of an estate without logging in: its notices, the results of its closed
/// votes and menus, its latest survey, its contributions against the minimum, its meetings and
/// its owners' committee. No personal data: households appear by nothing at all.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicEstate {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub division_code: String,
    pub notices: Vec<NoticeView>,
    pub votes: Vec<VoteView>,
    pub menus: Vec<MenuView>,
    pub survey: Option<SurveyView>,
    pub contributions: ContributionCheck,
    pub meetings: Vec<MeetingView>,
    pub committee: Option<CommitteeView>,
    /// The estate's renovation project, as the public may follow it.
    pub project: Option<PublicProject>,
    /// The funding ledger's head (its length and last hash), so that anyone may hold the office
    /// to it: a removed tail no longer verifies against a head once published.
    pub ledger: crate::ledger::LedgerHead,
}

impl Store {
    /// An estate's public page, `None` if there is no such estate.
    pub async fn public_estate(&self, a: &Assessor, id: i64) -> Result<Option<PublicEstate>> {
        let Some(e) = estate::Entity::find_by_id(id).one(&self.db).await? else {
            return Ok(None);
        };
        let db = &self.db;
        let mut votes = Vec::new();
        for v in owner_vote::Entity::find()
            .filter(owner_vote::Column::EstateId.eq(id))
            .filter(owner_vote::Column::State.eq("closed"))
            .order_by_desc(owner_vote::Column::Id)
            .all(db)
            .await?
        {
            votes.push(super::residents::vote_view(self, v).await?);
        }
        let menus = menus_of(self, id)
            .await?
            .into_iter()
            .filter(|m| m.state == "closed")
            .collect();
        let contributions = contributions_view(db, min_per_m2(a, &e.division_code), &e)
            .await?
            .check;
        let mut survey = surveys_of(db, id).await?.into_iter().next();
        // The public sees the count, not what households wrote.
        if let Some(s) = survey.as_mut() {
            s.comments.clear();
        }
        // Meetings show when, where, the agenda and what was decided; who attended and the
        // minutes may name people, and stay with the staff.
        let mut meetings = meetings_of(db, id).await?;
        for m in &mut meetings {
            m.attendance.clear();
            m.minutes.clear();
        }
        let project = public_project(self, id).await?;
        Ok(Some(PublicEstate {
            project,
            ledger: self.ledger_head().await?,
            notices: notices_of(db, id).await?,
            votes,
            menus,
            survey,
            contributions,
            meetings,
            committee: committee_of(db, id).await?,
            id: e.id,
            name: e.name,
            address: e.address,
            division_code: e.division_code,
        }))
    }
}

/// The project of an estate as the public and its households see it, if it is in one.
async fn public_project(store: &Store, estate_id: i64) -> Result<Option<PublicProject>> {
    let db = &store.db;
    let Some(pe) = crate::entity::project_estate::Entity::find()
        .filter(crate::entity::project_estate::Column::EstateId.eq(estate_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(p) = crate::entity::project::Entity::find_by_id(pe.project_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let (mut received, mut disbursed) = (Money::ZERO, Money::ZERO);
    for e in store.ledger_of_project(p.id).await? {
        match crate::ledger::EntryKind::from_key(&e.kind) {
            Some(crate::ledger::EntryKind::Receipt) => received += Money::from_fen(e.amount_fen),
            Some(crate::ledger::EntryKind::Disbursement) => {
                disbursed += Money::from_fen(e.amount_fen)
            }
            _ => {}
        }
    }
    Ok(Some(PublicProject {
        id: p.id,
        name: p.name,
        state: anju_domain::project::ProjectState::from_key(&p.state)
            .unwrap_or(anju_domain::project::ProjectState::Planned),
        progress_pct: p.progress_pct,
        received,
        disbursed,
    }))
}

// ---------------------------------------------------------------- the household's door

/// What a household sees beyond its consultations and votes.
#[derive(Debug, Clone)]
pub struct HouseholdExtras {
    /// The estate's menus with the household's approvals.
    pub menus: Vec<(MenuView, Option<Vec<String>>)>,
    /// The estate's surveys with the household's rating.
    pub surveys: Vec<(SurveyView, Option<Satisfaction>)>,
    /// What the household contributed.
    pub contributions: Vec<ContributionRow>,
    /// The board, hidden posts showing only their reason.
    pub posts: Vec<PostView>,
    /// The estate's renovation project, and the complaints about it with their follow-up.
    pub project: Option<PublicProject>,
    pub complaints: Vec<super::ComplaintView>,
}

impl Household {
    fn actor(&self) -> String {
        format!("owner:{}", self.owner.id)
    }

    /// Menus, surveys, contributions and the board of the household's estate.
    pub async fn extras(&self) -> Result<HouseholdExtras> {
        let (store, o) = (&self.store, &self.owner);
        let project = public_project(store, o.estate_id).await?;
        let mut menus = Vec::new();
        for m in menus_of(store, o.estate_id).await? {
            let mine = approvals_of(store, m.id, o.id).await?;
            menus.push((m, mine));
        }
        let mut surveys = Vec::new();
        for s in surveys_of(&store.db, o.estate_id).await? {
            let mine = survey_answer::Entity::find()
                .filter(survey_answer::Column::SurveyId.eq(s.id))
                .filter(survey_answer::Column::OwnerId.eq(o.id))
                .one(&store.db)
                .await?
                .and_then(|a| Satisfaction::from_key(&a.rating));
            surveys.push((s, mine));
        }
        let names = households(&store.db, o.estate_id).await?;
        Ok(HouseholdExtras {
            menus,
            surveys,
            contributions: contribution_rows(&store.db, o.estate_id, Some(o.id))
                .await?
                .into_iter()
                .map(|c| contribution_row(c, &names))
                .collect(),
            posts: posts_of(&store.db, o.estate_id, false).await?,
            complaints: match &project {
                Some(p) => super::complaints::of_project(&store.db, p.id).await?,
                None => Vec::new(),
            },
            project,
        })
    }

    /// Approves items of a menu of the household's estate (replacing its earlier approvals).
    pub async fn approve(&self, menu_id: i64, codes: &[String]) -> Result<()> {
        let m = menu_of_estate(&self.store, self.owner.estate_id, menu_id).await?;
        let ballot = [(self.owner.id, codes.to_vec())];
        approve(&self.store, &m, &ballot, Channel::Online, &self.actor()).await
    }

    /// Rates the finished renovation in a survey of the household's estate.
    pub async fn rate(
        &self,
        survey_id: i64,
        rating: Satisfaction,
        comment: Option<&str>,
    ) -> Result<()> {
        let s = survey::Entity::find_by_id(survey_id)
            .one(&self.store.db)
            .await?
            .filter(|s| s.estate_id == self.owner.estate_id)
            .ok_or_else(|| StoreError::NotFound(format!("survey {survey_id}")))?;
        let rating = [(self.owner.id, rating, comment.map(str::to_string))];
        rate(&self.store, &s, &rating, Channel::Online, &self.actor()).await
    }

    /// Posts a proposal (or a comment on one) on the estate's board, signed with the household's
    /// rooms, never its name.
    pub async fn post(&self, parent_id: Option<i64>, body: &str) -> Result<i64> {
        let rooms = households(&self.store.db, self.owner.estate_id)
            .await?
            .remove(&self.owner.id)
            .map(|h| h.0)
            .unwrap_or_default();
        let author = format!("{rooms} 住户");
        add_post(
            &self.store.db,
            self.owner.estate_id,
            parent_id,
            Some(self.owner.id),
            &author,
            body,
        )
        .await
    }
}
