//! Money through the scoped door (DOMAIN §7): a project's funding plan by source, checked against
//! the estimate of its list (central and provincial money only for the items that allow it,
//! basic ones first); a level's subsidy allocated down to the divisions below by the factor
//! method, into the funding ledger; and allocated, received and disbursed money by division with
//! its disbursement rate.

use super::Scoped;
use crate::assess::Assessor;
use crate::audit::WriteCtx;
use crate::convert::estate_from_model;
use crate::entity::{estate, fund_ledger, funding_plan};
use crate::ledger::{EntryKind, NewEntry};
use crate::{Result, StoreError};
use anju_domain::catalogue::FundingSource;
use anju_domain::funding::{check_plan, FundingCheck};
use anju_domain::needs::Estimate;
use anju_domain::{DivisionCode, Money, Text};
use anju_planning::allocation::{allocate, Factors};
use anju_planning::appraisal::appraise;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// A project's funding plan with its check.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FundingPlanView {
    pub project_id: i64,
    pub lines: Vec<PlanLine>,
    /// The estimate of the estates' renovation lists: total and by category (basic,
    /// improvement, enhancement).
    pub estimate: Money,
    pub by_category: [Money; 3],
    pub check: FundingCheck,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlanLine {
    pub source: FundingSource,
    pub amount: Money,
}

/// A division's money: allocated to it from above, and its projects' receipts and
/// disbursements.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DivisionMoney {
    pub division_code: String,
    pub division_name: String,
    /// What its projects' funding plans say all sources are to pay.
    pub planned: Money,
    pub allocated: Money,
    pub received: Money,
    pub disbursed: Money,
    /// Disbursed ÷ received, in per cent.
    pub disbursement_rate_pct: Option<f64>,
    /// More disbursed than received.
    pub warning: Option<Text>,
}

impl DivisionMoney {
    fn finish(mut self) -> DivisionMoney {
        self.disbursement_rate_pct = (self.received.fen() > 0)
            .then(|| 100.0 * self.disbursed.fen() as f64 / self.received.fen() as f64);
        self.warning = (self.disbursed > self.received).then(|| {
            Text::new(
                format!(
                    "拨付{}元超过到位资金{}元",
                    self.disbursed.yuan_text(),
                    self.received.yuan_text()
                ),
                format!(
                    "{} yuan disbursed is more than the {} yuan received",
                    self.disbursed.yuan_text(),
                    self.received.yuan_text()
                ),
            )
        });
        self
    }
}

/// A division's money and that of each division below it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MoneyByDivision {
    pub total: DivisionMoney,
    pub parts: Vec<DivisionMoney>,
}

/// One division's share of an allocation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AllocationShare {
    pub division_code: String,
    pub division_name: String,
    /// Σ weight × the division's part of each factor, then times its score.
    pub index: f64,
    pub amount: Money,
    /// The ledger entry that records it.
    pub ledger_id: Option<i64>,
}

impl Scoped {
    /// The estimate of a project's lists: the sum of its estates' (as the needs page shows them).
    async fn list_estimate(&self, a: &Assessor, estates: &[estate::Model]) -> Result<Estimate> {
        let ids: Vec<i64> = estates.iter().map(|e| e.id).collect();
        let needs = self.store.needs_of(&ids).await?;
        let buildings = self.store.buildings_of(&ids).await?;
        let mut sum = Estimate::default();
        for m in estates {
            let estate = estate_from_model(m);
            let policy = a.policy_for(&estate.division_code);
            let ap = appraise(
                &estate,
                buildings.get(&m.id).map_or(&[][..], |b| b.as_slice()),
                needs.get(&m.id).map_or(&[][..], |n| n.as_slice()),
                &[],
                policy,
                a.reference_year,
                None,
            );
            let e = ap.estimate;
            sum.total += e.total;
            sum.higher_level_may_pay += e.higher_level_may_pay;
            for (s, c) in sum.by_category.iter_mut().zip(e.by_category) {
                *s += c;
            }
            sum.lines.extend(e.lines);
        }
        Ok(sum)
    }

    /// A project's funding plan, checked against its estimate.
    pub async fn funding_plan(&self, a: &Assessor, id: i64) -> Result<FundingPlanView> {
        let (_, estates) = self.project_in_scope(id).await?;
        let lines: Vec<PlanLine> = funding_plan::Entity::find()
            .filter(funding_plan::Column::ProjectId.eq(id))
            .all(&self.store.db)
            .await?
            .into_iter()
            .filter_map(|m| {
                Some(PlanLine {
                    source: FundingSource::from_key(&m.source)?,
                    amount: Money::from_fen(m.amount_fen),
                })
            })
            .collect();
        let estimate = self.list_estimate(a, &estates).await?;
        Ok(self.plan_view(id, lines, &estimate))
    }

    fn plan_view(&self, id: i64, mut lines: Vec<PlanLine>, e: &Estimate) -> FundingPlanView {
        lines.sort_by_key(|l| l.source);
        let pairs: Vec<(FundingSource, Money)> =
            lines.iter().map(|l| (l.source, l.amount)).collect();
        FundingPlanView {
            project_id: id,
            check: check_plan(&pairs, e),
            lines,
            estimate: e.total,
            by_category: e.by_category,
        }
    }

    /// Replaces a project's funding plan with `lines` (one per source), all at once and audited;
    /// refused with the rules it breaks (`Ok(Err(reasons))`), and then nothing is changed.
    pub async fn set_funding_plan(
        &self,
        a: &Assessor,
        id: i64,
        lines: Vec<PlanLine>,
        ctx: &WriteCtx,
    ) -> Result<std::result::Result<FundingPlanView, Vec<Text>>> {
        let (p, estates) = self.project_in_scope(id).await?;
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = lines.iter().find(|l| !seen.insert(l.source)) {
            return Err(StoreError::Invalid(format!(
                "资金来源“{}”重复 / the source {} is given twice",
                dup.source.label().zh,
                dup.source.key()
            )));
        }
        let estimate = self.list_estimate(a, &estates).await?;
        let view = self.plan_view(id, lines, &estimate);
        if !view.check.errors.is_empty() {
            return Ok(Err(view.check.errors));
        }
        let before = self.funding_plan(a, id).await?;
        let txn = self.store.begin_write().await?;
        funding_plan::Entity::delete_many()
            .filter(funding_plan::Column::ProjectId.eq(id))
            .exec(&txn)
            .await?;
        let rows: Vec<funding_plan::ActiveModel> = view
            .lines
            .iter()
            .filter(|l| l.amount.fen() > 0)
            .map(|l| funding_plan::ActiveModel {
                project_id: Set(id),
                source: Set(l.source.key().into()),
                amount_fen: Set(l.amount.fen()),
            })
            .collect();
        if !rows.is_empty() {
            funding_plan::Entity::insert_many(rows)
                .exec_without_returning(&txn)
                .await?;
        }
        let text = |ls: &[PlanLine]| {
            ls.iter()
                .map(|l| format!("{} {}", l.source.key(), l.amount.yuan_text()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut audit = crate::audit::AuditBatch::new(ctx);
        audit.push(
            "plan",
            "funding_plan",
            id,
            Some(&p.division_code),
            Some(text(&before.lines)),
            Some(text(&view.lines)),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(Ok(view))
    }

    /// Allocates `total` of `source` from `division` to the divisions directly below it by the
    /// factor method (their eligible floor area, households, buildings and estates, weighted by
    /// the policy's `[allocation]`), each share an allocation entry of the ledger, all in one
    /// transaction. A division with nothing eligible gets nothing; the shares add up to the
    /// total exactly.
    pub async fn allocate_down(
        &self,
        a: &Assessor,
        division: &DivisionCode,
        source: FundingSource,
        total: Money,
        memo: &str,
        ctx: &WriteCtx,
    ) -> Result<Vec<AllocationShare>> {
        if total.fen() <= 0 {
            return Err(StoreError::Invalid(
                "金额应大于0 / the amount must be more than 0".into(),
            ));
        }
        let sum = self.summary(Some(division)).await?;
        if sum.parts.is_empty() {
            return Err(StoreError::Invalid(format!(
                "{}之下没有可分配的区划 / {} has no divisions below it",
                sum.division_name,
                division.as_str()
            )));
        }
        let factors = Factors::below(&sum);
        let policy = a.policy_for(division);
        let shares = allocate(total.fen(), &factors, &policy.allocation);
        let memo = memo.trim();
        let entries: Vec<NewEntry> = shares
            .iter()
            .filter(|s| s.amount_fen > 0)
            .map(|s| NewEntry {
                project_id: None,
                division_code: s.code.clone(),
                kind: EntryKind::Allocation,
                source,
                amount: Money::from_fen(s.amount_fen),
                memo: if memo.is_empty() {
                    format!("因素法分配 / factor method from {}", division.as_str())
                } else {
                    memo.to_string()
                },
            })
            .collect();
        let ids = self.store.ledger_append_all(&entries, ctx).await?;
        let mut ids = entries.iter().map(|e| e.division_code.clone()).zip(ids);
        let mut next = ids.next();
        Ok(shares
            .into_iter()
            .map(|s| {
                let ledger_id = match &next {
                    Some((code, id)) if *code == s.code => {
                        let id = *id;
                        next = ids.next();
                        Some(id)
                    }
                    _ => None,
                };
                AllocationShare {
                    division_code: s.code,
                    division_name: s.name,
                    index: s.adjusted,
                    amount: Money::from_fen(s.amount_fen),
                    ledger_id,
                }
            })
            .collect())
    }

    /// The money of `division` (the scope's home when none) and of each division directly below
    /// it: allocated to it from above, received and disbursed by its projects.
    pub async fn money_by_division(
        &self,
        division: Option<&DivisionCode>,
    ) -> Result<MoneyByDivision> {
        let sum = self.summary(division).await?;
        self.money_in(&sum).await
    }

    /// The money of a summary's division and of each division below it (for a page that has the
    /// summary already: the dashboard).
    pub async fn money_in(&self, sum: &anju_domain::Summary) -> Result<MoneyByDivision> {
        // Only a summary of the scope's own (the whole country only for a country-wide scope).
        let here = sum.division_code.as_deref().map(DivisionCode::parse);
        let seen = match &here {
            Some(Ok(d)) => self.covers(d),
            Some(Err(_)) => false,
            None => self.home().is_none(),
        };
        let range = here.and_then(|d| d.ok()).map(|d| d.range());
        if !seen {
            return Err(StoreError::NotFound(format!(
                "division {}",
                sum.division_code.as_deref().unwrap_or("")
            )));
        }
        let mut q = fund_ledger::Entity::find();
        if let Some((lo, hi)) = &range {
            q = q.filter(fund_ledger::Column::DivisionCode.between(lo.clone(), hi.clone()));
        }
        let mut total = DivisionMoney {
            division_code: sum.division_code.clone().unwrap_or_default(),
            division_name: sum.division_name.clone(),
            ..Default::default()
        };
        let mut parts: Vec<(Option<DivisionCode>, DivisionMoney)> = sum
            .parts
            .iter()
            .map(|p| {
                (
                    DivisionCode::parse(&p.division_code).ok(),
                    DivisionMoney {
                        division_code: p.division_code.clone(),
                        division_name: p.division_name.clone(),
                        ..Default::default()
                    },
                )
            })
            .collect();
        // Summed in the database by division, kind and whether a project's: as many rows as
        // divisions with money, however long the ledger.
        use sea_orm::sea_query::Expr;
        use sea_orm::QuerySelect;
        let rows: Vec<(String, String, i32, i64)> = q
            .select_only()
            .column(fund_ledger::Column::DivisionCode)
            .column(fund_ledger::Column::Kind)
            .column_as(
                Expr::cust("CASE WHEN project_id IS NULL THEN 0 ELSE 1 END"),
                "of_project",
            )
            .column_as(Expr::cust("CAST(SUM(amount_fen) AS BIGINT)"), "amount")
            .group_by(fund_ledger::Column::DivisionCode)
            .group_by(fund_ledger::Column::Kind)
            .group_by(Expr::cust("CASE WHEN project_id IS NULL THEN 0 ELSE 1 END"))
            .into_tuple()
            .all(&self.store.db)
            .await?;
        let add = |m: &mut DivisionMoney, kind: &str, of_project: bool, fen: i64, to_self: bool| {
            let amount = Money::from_fen(fen);
            match EntryKind::from_key(kind) {
                // An allocation counts where it was sent, not in the divisions below it.
                Some(EntryKind::Allocation) if !of_project && to_self => m.allocated += amount,
                Some(EntryKind::Allocation) => {}
                Some(EntryKind::Receipt) => m.received += amount,
                Some(EntryKind::Disbursement) => m.disbursed += amount,
                None => {}
            }
        };
        for (code_text, kind, of_project, fen) in rows {
            let of_project = of_project != 0;
            add(
                &mut total,
                &kind,
                of_project,
                fen,
                sum.division_code.as_deref() == Some(code_text.as_str()),
            );
            if let Ok(code) = DivisionCode::parse(&code_text) {
                if let Some((_, m)) = parts
                    .iter_mut()
                    .find(|(d, _)| d.as_ref().is_some_and(|d| d.contains(&code)))
                {
                    let to_self = m.division_code == code_text;
                    add(m, &kind, of_project, fen, to_self);
                }
            }
        }
        // The funding plans of the projects there, summed by the project's division.
        let mut projects = crate::entity::project::Entity::find()
            .select_only()
            .column(crate::entity::project::Column::Id)
            .column(crate::entity::project::Column::DivisionCode);
        if let Some((lo, hi)) = range {
            projects =
                projects.filter(crate::entity::project::Column::DivisionCode.between(lo, hi));
        }
        let division_of: std::collections::HashMap<i64, String> = projects
            .into_tuple::<(i64, String)>()
            .all(&self.store.db)
            .await?
            .into_iter()
            .collect();
        let plans: Vec<(i64, i64)> = funding_plan::Entity::find()
            .select_only()
            .column(funding_plan::Column::ProjectId)
            .column_as(Expr::cust("CAST(SUM(amount_fen) AS BIGINT)"), "amount")
            .group_by(funding_plan::Column::ProjectId)
            .into_tuple()
            .all(&self.store.db)
            .await?;
        for (project, fen) in plans {
            let Some(code_text) = division_of.get(&project) else {
                continue;
            };
            total.planned += Money::from_fen(fen);
            if let Ok(code) = DivisionCode::parse(code_text) {
                if let Some((_, m)) = parts
                    .iter_mut()
                    .find(|(d, _)| d.as_ref().is_some_and(|d| d.contains(&code)))
                {
                    m.planned += Money::from_fen(fen);
                }
            }
        }
        Ok(MoneyByDivision {
            total: total.finish(),
            parts: parts.into_iter().map(|(_, m)| m.finish()).collect(),
        })
    }
}
