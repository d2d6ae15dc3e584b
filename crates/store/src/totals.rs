//! Totals by division (汇总), kept in the table `division_totals` for every division that has
//! estates, at every level from province to neighbourhood. A dashboard then reads a handful of
//! rows instead of summing a province's 300,000 estates on every request.
//!
//! The rows are not adjusted by deltas: every write of estates recomputes the rows of the counties
//! it touched (from the estates) and of their town, city and province (from the rows below), in
//! the same transaction as the write. A county holds a few thousand estates, so this costs a few
//! milliseconds, and the table can never drift from the estates it sums.
//!
//! Writers in different counties share the rows of their city and province. On PostgreSQL two of
//! them rebuilding those rows at once would both delete and insert them (a duplicate key), or sum
//! the rows below without the other's: so the rebuilding is serialised by a transaction-scoped
//! advisory lock, taken just before it and held until the writer commits; the next writer then
//! reads what the previous one committed. (SQLite has one writer at a time anyway.)

use crate::Result;
use anju_domain::Level;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};
use std::collections::BTreeSet;

/// The columns summed at every level, as named in `division_totals`: the first eight made by
/// migration 5, the rest by migration 8.
pub(crate) const SUMS: [&str; 13] = [
    "estates",
    "buildings",
    "households",
    "floor_area_centi_m2",
    "eligible_estates",
    "eligible_buildings",
    "eligible_households",
    "eligible_floor_area_centi_m2",
    "conditional_estates",
    "conditional_buildings",
    "conditional_households",
    "conditional_floor_area_centi_m2",
    "undetermined_estates",
];

const LEVELS: [Level; 5] = [
    Level::Province,
    Level::City,
    Level::County,
    Level::Town,
    Level::Neighbourhood,
];

/// `$1`, `$2`, … as PostgreSQL writes them; SQLite gets `?` (parameters are used in order).
fn statement(backend: DatabaseBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DatabaseBackend::Postgres => sql.to_string(),
        _ => {
            let mut out = String::with_capacity(sql.len());
            let mut chars = sql.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                    out.push('?');
                } else {
                    out.push(c);
                }
            }
            out
        }
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// A prefix of a code padded back to 12 digits (`3401` → `340100000000`).
fn padded(code: &str, len: usize) -> String {
    format!("{:0<12}", &code[..len.min(code.len())])
}

/// SQL for the padded code of the parent of a division whose padded code is in `column`.
fn parent_expr(level: Level, column: &str) -> String {
    match Level::from_i16(level as i16 - 1) {
        None => "''".to_string(),
        Some(up) => {
            let n = up.prefix_len();
            format!("substr({column}, 1, {n}) || '{}'", "0".repeat(12 - n))
        }
    }
}

/// Any number; it only has to differ from the application's other advisory locks.
const TOTALS_LOCK: i64 = 0x0061_6e6a_7574_6f74; // "anjutot"

/// Waits until no other transaction is rebuilding totals, and keeps others waiting until this one
/// ends.
async fn lock_totals(conn: &impl ConnectionTrait) -> Result<()> {
    crate::advisory_xact_lock(conn, TOTALS_LOCK).await
}

/// Recomputes the rows of every division whose code lies between the neighbourhood codes `lo`
/// and `hi` (12 digits each), and of their ancestors' ranges.
async fn refresh_range(conn: &impl ConnectionTrait, lo: &str, hi: &str) -> Result<()> {
    lock_totals(conn).await?;
    let b = conn.get_database_backend();
    let cols = SUMS.join(", ");
    let e = "CASE WHEN eligible THEN 1 ELSE 0 END";
    let c = "CASE WHEN outcome = 'conditional' THEN 1 ELSE 0 END";
    let u = "CASE WHEN outcome = 'undetermined' THEN 1 ELSE 0 END";
    // SUM over integers is numeric in PostgreSQL: cast back to bigint.
    // The renovation scope leaves out the buildings to be demolished (拆改结合).
    let (bs, h, f) = (
        "(building_count - demolished_buildings)",
        "(households - demolished_households)",
        "(floor_area_centi_m2 - demolished_floor_area_centi_m2)",
    );
    let from_estates = format!(
        "CAST(COUNT(*) AS BIGINT), CAST(SUM(building_count) AS BIGINT), \
         CAST(SUM(households) AS BIGINT), CAST(SUM(floor_area_centi_m2) AS BIGINT), \
         CAST(SUM({e}) AS BIGINT), CAST(SUM({e} * {bs}) AS BIGINT), \
         CAST(SUM({e} * {h}) AS BIGINT), CAST(SUM({e} * {f}) AS BIGINT), \
         CAST(SUM({c}) AS BIGINT), CAST(SUM({c} * {bs}) AS BIGINT), \
         CAST(SUM({c} * {h}) AS BIGINT), CAST(SUM({c} * {f}) AS BIGINT), \
         CAST(SUM({u}) AS BIGINT)"
    );
    let from_rows = SUMS
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
        .collect::<Vec<_>>()
        .join(", ");
    for level in LEVELS.iter().rev().copied() {
        let n = level.prefix_len();
        let (lo_l, hi_l) = (padded(lo, n), padded(hi, n));
        conn.execute(statement(
            b,
            "DELETE FROM division_totals WHERE level = $1 AND code BETWEEN $2 AND $3",
            vec![
                (level as i16).into(),
                lo_l.clone().into(),
                hi_l.clone().into(),
            ],
        ))
        .await?;
        let sql = if level == Level::Neighbourhood {
            format!(
                "INSERT INTO division_totals (level, code, parent_code, {cols}) \
                 SELECT $1, division_code, {}, {from_estates} FROM estates \
                 WHERE division_code BETWEEN $2 AND $3 GROUP BY division_code",
                parent_expr(level, "division_code")
            )
        } else {
            format!(
                "INSERT INTO division_totals (level, code, parent_code, {cols}) \
                 SELECT $1, parent_code, {}, {from_rows} FROM division_totals \
                 WHERE level = $2 AND parent_code BETWEEN $3 AND $4 GROUP BY parent_code",
                parent_expr(level, "parent_code")
            )
        };
        let mut values: Vec<Value> = vec![(level as i16).into()];
        if level != Level::Neighbourhood {
            values.push((level as i16 + 1).into());
        }
        values.push(lo_l.into());
        values.push(hi_l.into());
        conn.execute(statement(b, &sql, values)).await?;
    }
    Ok(())
}

/// Recomputes the totals of the counties of these estate division codes, and of everything above
/// them. Call inside the transaction that wrote the estates.
pub async fn refresh(conn: &impl ConnectionTrait, division_codes: &BTreeSet<String>) -> Result<()> {
    let mut counties: BTreeSet<&str> = BTreeSet::new();
    for c in division_codes {
        if c.len() == 12 {
            counties.insert(&c[..Level::County.prefix_len()]);
        }
    }
    for county in counties {
        let lo = padded(county, 6);
        let hi = format!("{county}999999");
        refresh_range(conn, &lo, &hi).await?;
    }
    Ok(())
}

/// Recomputes every row (a new table, or after the policy changed every estate's eligibility).
pub async fn refresh_all(conn: &impl ConnectionTrait) -> Result<()> {
    refresh_range(conn, "000000000000", "999999999999").await
}
