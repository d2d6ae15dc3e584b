//! Plan scenarios (方案) through the scoped door: a plan saved with the request that made it, to
//! compare one budget or set of constraints with another; audited.

use super::{within, AnnualPlan, Scoped};
use crate::audit::{AuditBatch, WriteCtx};
use crate::entity::plan_scenario;
use crate::{Result, StoreError};
use anju_domain::DivisionCode;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

/// The division code a scenario of the whole country is kept under.
const COUNTRY: &str = "000000000000";

/// What a saved scenario keeps of its plan: each year's estates and totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    pub candidates: usize,
    /// Per year: the year, the estate ids chosen, the cost (whole yuan), the households.
    pub years: Vec<ScenarioYear>,
    /// The first year's objective, bound and gap.
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub unscheduled: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioYear {
    pub year: i32,
    pub selected: Vec<i64>,
    pub cost: i64,
    pub households: i64,
}

/// A saved scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub id: i64,
    pub name: String,
    pub division_code: String,
    pub year: i32,
    pub budget_yuan: i64,
    pub years: i32,
    pub params: serde_json::Value,
    pub result: ScenarioResult,
    pub created_by: String,
    pub created_at: String,
}

fn scenario_of(m: plan_scenario::Model) -> Scenario {
    Scenario {
        id: m.id,
        name: m.name,
        division_code: m.division_code,
        year: m.year,
        budget_yuan: m.budget_yuan,
        years: m.years,
        params: serde_json::from_str(&m.params).unwrap_or_default(),
        result: serde_json::from_str(&m.result).unwrap_or(ScenarioResult {
            candidates: 0,
            years: Vec::new(),
            objective: 0.0,
            bound: 0.0,
            gap: 0.0,
            unscheduled: 0,
        }),
        created_by: m.created_by,
        created_at: m.created_at.to_rfc3339(),
    }
}

impl ScenarioResult {
    /// What a plan comes to.
    pub fn of(plan: &AnnualPlan) -> ScenarioResult {
        let households: std::collections::HashMap<String, i64> = plan
            .candidates
            .iter()
            .map(|r| (r.id.to_string(), i64::from(r.households)))
            .collect();
        let first = &plan.schedule.years[0].1;
        ScenarioResult {
            candidates: plan.candidates.len(),
            years: plan
                .schedule
                .years
                .iter()
                .map(|(y, p)| ScenarioYear {
                    year: *y,
                    selected: p.selected.iter().filter_map(|i| i.parse().ok()).collect(),
                    cost: p.cost,
                    households: p.selected.iter().filter_map(|i| households.get(i)).sum(),
                })
                .collect(),
            objective: first.objective,
            bound: first.bound,
            gap: first.gap,
            unscheduled: plan.schedule.unscheduled.len(),
        }
    }
}

impl Scoped {
    /// Saves a plan as a scenario of the division it planned (the scope's own by default).
    pub async fn save_scenario(
        &self,
        ctx: &WriteCtx,
        name: &str,
        plan: &AnnualPlan,
    ) -> Result<i64> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid(
                "方案名称不能为空 / a scenario needs a name".into(),
            ));
        }
        let division = plan
            .request
            .division
            .or(self.home())
            .map_or(COUNTRY.to_string(), |d| d.to_string());
        let caps: std::collections::BTreeMap<&String, (Option<i64>, Option<i64>)> = plan
            .request
            .caps
            .iter()
            .map(|(k, c)| (k, (c.max, c.min)))
            .collect();
        let params = serde_json::json!({
            "commit": plan.request.commit,
            "exclude": plan.request.exclude,
            "caps": caps,
        });
        let result = ScenarioResult::of(plan);
        let txn = self.store.begin_write().await?;
        let id = plan_scenario::Entity::insert(plan_scenario::ActiveModel {
            id: NotSet,
            name: Set(name.to_string()),
            division_code: Set(division.clone()),
            year: Set(plan.request.year),
            budget_yuan: Set(plan.request.budget),
            years: Set(plan.request.years.max(1) as i32),
            params: Set(params.to_string()),
            result: Set(serde_json::to_string(&result).expect("plain data")),
            created_by: Set(ctx.actor.clone()),
            created_at: Set(chrono::Utc::now()),
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "create",
            "scenario",
            id,
            Some(&division),
            None,
            Some(serde_json::json!({"name": name, "year": plan.request.year, "budget_yuan": plan.request.budget}).to_string()),
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// The saved scenarios of the scope (and `division`), newest first.
    pub async fn scenarios(&self, division: Option<&DivisionCode>) -> Result<Vec<Scenario>> {
        let mut q = plan_scenario::Entity::find()
            .filter(within(&self.scope, plan_scenario::Column::DivisionCode));
        if let Some(d) = division {
            let (lo, hi) = d.range();
            q = q.filter(plan_scenario::Column::DivisionCode.between(lo, hi));
        }
        Ok(q.order_by_desc(plan_scenario::Column::Id)
            .all(&self.store.db)
            .await?
            .into_iter()
            .map(scenario_of)
            .collect())
    }

    /// Deletes a saved scenario of the scope, audited.
    pub async fn delete_scenario(&self, ctx: &WriteCtx, id: i64) -> Result<()> {
        let txn = self.store.begin_write().await?;
        let m = plan_scenario::Entity::find_by_id(id)
            .filter(within(&self.scope, plan_scenario::Column::DivisionCode))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("scenario {id}")))?;
        plan_scenario::Entity::delete_by_id(id).exec(&txn).await?;
        let mut audit = AuditBatch::new(ctx);
        audit.push(
            "delete",
            "scenario",
            id,
            Some(&m.division_code),
            Some(serde_json::json!({"name": m.name}).to_string()),
            None,
        );
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(())
    }
}
