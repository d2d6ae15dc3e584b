//! Totals by division, read from the totals the writes keep (see totals.rs).

use crate::{Result, Store};
use anju_domain::{DivisionCode, Level, Summary, SummaryLine, Totals};
use sea_orm::{FromQueryResult, Statement, Value};

#[derive(Debug, FromQueryResult)]
struct Row {
    level: i16,
    code: String,
    name: Option<String>,
    estates: i64,
    buildings: i64,
    households: i64,
    floor_area_centi_m2: i64,
    eligible_estates: i64,
    eligible_buildings: i64,
    eligible_households: i64,
    eligible_floor_area_centi_m2: i64,
    conditional_estates: i64,
    conditional_buildings: i64,
    conditional_households: i64,
    conditional_floor_area_centi_m2: i64,
    undetermined_estates: i64,
}
crate::sqlite_reads::from_sqlite!(Row {
    level,
    code,
    name,
    estates,
    buildings,
    households,
    floor_area_centi_m2,
    eligible_estates,
    eligible_buildings,
    eligible_households,
    eligible_floor_area_centi_m2,
    conditional_estates,
    conditional_buildings,
    conditional_households,
    conditional_floor_area_centi_m2,
    undetermined_estates,
});

impl Row {
    fn totals(&self) -> Totals {
        Totals {
            estates: self.estates,
            buildings: self.buildings,
            households: self.households,
            floor_area_centi_m2: self.floor_area_centi_m2,
            eligible_estates: self.eligible_estates,
            eligible_buildings: self.eligible_buildings,
            eligible_households: self.eligible_households,
            eligible_floor_area_centi_m2: self.eligible_floor_area_centi_m2,
            conditional_estates: self.conditional_estates,
            conditional_buildings: self.conditional_buildings,
            conditional_households: self.conditional_households,
            conditional_floor_area_centi_m2: self.conditional_floor_area_centi_m2,
            undetermined_estates: self.undetermined_estates,
        }
    }
}

impl Store {
    /// The kept totals of a division (all when `None`): how many estates, how many of each
    /// outcome.
    pub async fn estates_in(&self, division: Option<&DivisionCode>) -> Result<Totals> {
        let (filter, values): (String, Vec<Value>) = match division {
            None => (format!("level = {}", Level::Province as i16), vec![]),
            Some(d) => (
                format!(
                    "level = {} AND code = {}",
                    self.placeholder(1),
                    self.placeholder(2)
                ),
                vec![(d.level() as i16).into(), d.to_string().into()],
            ),
        };
        let sql = format!(
            "SELECT CAST(0 AS SMALLINT) AS level, '' AS code, CAST(NULL AS TEXT) AS name, {} \
             FROM division_totals WHERE {filter}",
            crate::totals::SUMS
                .map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT) AS {c}"))
                .join(", ")
        );
        let rows: Vec<Row> = self
            .read(Statement::from_sql_and_values(self.backend(), sql, values))
            .await?;
        Ok(rows.first().map(Row::totals).unwrap_or_default())
    }

    /// The totals of a division (all when `None`) and the breakdown by the next level down (a
    /// neighbourhood's breakdown is itself). One indexed read of the kept totals.
    pub async fn summary(&self, division: Option<&DivisionCode>) -> Result<Summary> {
        let select = format!(
            "SELECT t.level, t.code, d.name, {} FROM division_totals t \
             LEFT JOIN divisions d ON d.code = t.code WHERE ",
            crate::totals::SUMS.map(|c| format!("t.{c}")).join(", ")
        );
        let (sql, values): (String, Vec<Value>) = match division {
            None => (
                format!("{select}t.level = {}", Level::Province as i16),
                vec![],
            ),
            Some(d) => {
                let own = d.level() as i16;
                let part = d.level().child().map_or(own, |c| c as i16);
                let (p1, p2) = (self.placeholder(1), self.placeholder(2));
                let (p3, p4) = (self.placeholder(3), self.placeholder(4));
                (
                    format!(
                        "{select}(t.level = {p1} AND t.code = {p2}) \
                         OR (t.level = {p3} AND t.parent_code = {p4})"
                    ),
                    vec![
                        own.into(),
                        d.to_string().into(),
                        part.into(),
                        d.to_string().into(),
                    ],
                )
            }
        };
        let mut rows: Vec<Row> = self
            .read(Statement::from_sql_and_values(
                self.backend(),
                format!("{sql} ORDER BY t.level, t.code"),
                values,
            ))
            .await?;
        let mut totals = Totals::default();
        let mut name = "全部".to_string();
        if let Some(d) = division {
            let own = rows
                .iter()
                .position(|r| r.level == d.level() as i16 && r.code == d.as_str());
            match own {
                Some(i) => {
                    totals = rows[i].totals();
                    name = rows[i].name.clone().unwrap_or_default();
                    // A neighbourhood is its own breakdown; otherwise the parts follow it.
                    if d.level().child().is_some() {
                        rows.remove(i);
                    }
                }
                None => {
                    // No estates here: the name still comes from the division table.
                    let names = self.division_names(&[d.to_string()]).await?;
                    name = names.get(d.as_str()).cloned().unwrap_or_default();
                }
            }
        }
        let parts: Vec<SummaryLine> = rows
            .into_iter()
            .map(|r| SummaryLine {
                totals: r.totals(),
                division_name: r.name.unwrap_or_else(|| "（未知区划）".into()),
                division_code: r.code,
            })
            .collect();
        if division.is_none() {
            for p in &parts {
                totals.add(&p.totals);
            }
        }
        Ok(Summary {
            division_code: division.map(|d| d.to_string()),
            division_name: name,
            totals,
            parts,
        })
    }
}
