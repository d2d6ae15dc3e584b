//! The division table (行政区划).

use crate::audit::{chunks, AuditBatch, WriteCtx};
use crate::entity::division;
use crate::{Result, Store};
use anju_domain::{Division, DivisionCode, Level};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::collections::{HashMap, HashSet};

/// What an import of divisions did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DivisionReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

fn to_active(d: &Division) -> division::ActiveModel {
    division::ActiveModel {
        code: Set(d.code.to_string()),
        name: Set(d.name.clone()),
        level: Set(d.level() as i16),
        parent_code: Set(d.code.parent().map(|p| p.to_string())),
        county_seat: Set(d.county_seat),
    }
}

fn from_model(m: &division::Model) -> Option<Division> {
    Some(Division {
        code: DivisionCode::parse(&m.code).ok()?,
        name: m.name.clone(),
        county_seat: m.county_seat,
    })
}

impl Store {
    /// Inserts or updates divisions, in one transaction, auditing each change.
    pub async fn import_divisions(
        &self,
        ctx: &WriteCtx,
        list: &[Division],
    ) -> Result<DivisionReport> {
        let txn = self.begin_write().await?;
        let existing: HashMap<String, division::Model> = division::Entity::find()
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| (m.code.clone(), m))
            .collect();
        let mut report = DivisionReport::default();
        let mut audit = AuditBatch::new(ctx);
        let mut new = Vec::new();
        for d in list {
            let code = d.code.to_string();
            match existing.get(&code) {
                Some(m) if m.name == d.name && m.county_seat == d.county_seat => {
                    report.unchanged += 1
                }
                Some(m) => {
                    let before = crate::convert::json(&from_model(m));
                    division::Entity::update(to_active(d)).exec(&txn).await?;
                    audit.push(
                        "update",
                        "division",
                        &code,
                        Some(&code),
                        Some(before),
                        Some(crate::convert::json(d)),
                    );
                    report.updated += 1;
                }
                None => {
                    new.push(to_active(d));
                    audit.push(
                        "create",
                        "division",
                        &code,
                        Some(&code),
                        None,
                        Some(crate::convert::json(d)),
                    );
                    report.inserted += 1;
                }
            }
        }
        for chunk in chunks(new, 1000) {
            division::Entity::insert_many(chunk)
                .exec_without_returning(&txn)
                .await?;
        }
        audit.flush(&txn).await?;
        txn.commit().await?;
        Ok(report)
    }

    pub async fn division_count(&self) -> Result<u64> {
        Ok(division::Entity::find().count(&self.db).await?)
    }

    /// Every division code, for checking imported rows.
    pub async fn division_codes(&self) -> Result<HashSet<String>> {
        Ok(division::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.code)
            .collect())
    }

    pub async fn division(&self, code: &DivisionCode) -> Result<Option<Division>> {
        Ok(self
            .read_select(division::Entity::find_by_id(code.to_string()))
            .await?
            .first()
            .and_then(from_model))
    }

    /// The divisions directly under `code` (or the provinces when `None`).
    pub async fn child_divisions(&self, code: Option<&DivisionCode>) -> Result<Vec<Division>> {
        let q = division::Entity::find().order_by_asc(division::Column::Code);
        let q = match code {
            Some(c) => q.filter(division::Column::ParentCode.eq(c.to_string())),
            None => q.filter(division::Column::Level.eq(Level::Province as i16)),
        };
        Ok(q.all(&self.db)
            .await?
            .iter()
            .filter_map(from_model)
            .collect())
    }

    /// The codes of the towns that are county seats.
    pub async fn county_seat_towns(&self) -> Result<HashSet<String>> {
        Ok(division::Entity::find()
            .filter(division::Column::CountySeat.eq(true))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| m.code)
            .collect())
    }

    /// Names of the given codes.
    pub async fn division_names(&self, codes: &[String]) -> Result<HashMap<String, String>> {
        let mut out = HashMap::new();
        for chunk in codes.chunks(500) {
            for m in self
                .read_select(
                    division::Entity::find().filter(division::Column::Code.is_in(chunk.to_vec())),
                )
                .await?
            {
                out.insert(m.code, m.name);
            }
        }
        Ok(out)
    }
}
