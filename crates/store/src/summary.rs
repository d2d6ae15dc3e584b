//! Totals by division, computed in the database.

use crate::{Result, Store};
use anju_domain::{DivisionCode, Level, Summary, SummaryLine, Totals};
use sea_orm::{FromQueryResult, Statement};

#[derive(Debug, FromQueryResult)]
struct Row {
    part: String,
    estates: i64,
    buildings: i64,
    households: i64,
    floor_area: i64,
    eligible_estates: i64,
    eligible_buildings: i64,
    eligible_households: i64,
    eligible_floor_area: i64,
}

impl Store {
    /// The totals of a division (all when `None`) and the breakdown by the next level down.
    pub async fn summary(&self, division: Option<&DivisionCode>) -> Result<Summary> {
        let (part_len, range) = match division {
            Some(d) => (
                d.level()
                    .child()
                    .unwrap_or(Level::Neighbourhood)
                    .prefix_len(),
                Some(d.range()),
            ),
            None => (Level::Province.prefix_len(), None),
        };
        // SUM over integers is numeric in PostgreSQL: cast back to bigint.
        let e = "CASE WHEN eligible THEN 1 ELSE 0 END";
        let mut sql = format!(
            "SELECT substr(division_code, 1, {part_len}) AS part, \
             CAST(COUNT(*) AS BIGINT) AS estates, \
             CAST(SUM(building_count) AS BIGINT) AS buildings, \
             CAST(SUM(households) AS BIGINT) AS households, \
             CAST(SUM(floor_area_centi_m2) AS BIGINT) AS floor_area, \
             CAST(SUM({e}) AS BIGINT) AS eligible_estates, \
             CAST(SUM({e} * building_count) AS BIGINT) AS eligible_buildings, \
             CAST(SUM({e} * households) AS BIGINT) AS eligible_households, \
             CAST(SUM({e} * floor_area_centi_m2) AS BIGINT) AS eligible_floor_area \
             FROM estates"
        );
        let mut values = Vec::new();
        if let Some((lo, hi)) = range {
            sql.push_str(&format!(
                " WHERE division_code BETWEEN {} AND {}",
                self.placeholder(1),
                self.placeholder(2)
            ));
            values.push(lo.into());
            values.push(hi.into());
        }
        sql.push_str(" GROUP BY substr(division_code, 1, ");
        sql.push_str(&part_len.to_string());
        sql.push_str(") ORDER BY part");
        let rows =
            Row::find_by_statement(Statement::from_sql_and_values(self.backend(), sql, values))
                .all(&self.db)
                .await?;
        let codes: Vec<String> = rows.iter().map(|r| format!("{:0<12}", r.part)).collect();
        let mut all_codes = codes.clone();
        if let Some(d) = division {
            all_codes.push(d.to_string());
        }
        let names = self.division_names(&all_codes).await?;
        let mut totals = Totals::default();
        let mut parts = Vec::new();
        for (r, code) in rows.into_iter().zip(codes) {
            let t = Totals {
                estates: r.estates,
                buildings: r.buildings,
                households: r.households,
                floor_area_centi_m2: r.floor_area,
                eligible_estates: r.eligible_estates,
                eligible_buildings: r.eligible_buildings,
                eligible_households: r.eligible_households,
                eligible_floor_area_centi_m2: r.eligible_floor_area,
            };
            totals.add(&t);
            parts.push(SummaryLine {
                division_name: names
                    .get(&code)
                    .cloned()
                    .unwrap_or_else(|| "（未知区划）".into()),
                division_code: code,
                totals: t,
            });
        }
        Ok(Summary {
            division_code: division.map(|d| d.to_string()),
            division_name: division.map_or_else(
                || "全部".to_string(),
                |d| names.get(d.as_str()).cloned().unwrap_or_default(),
            ),
            totals,
            parts,
        })
    }
}
