//! The pages' small reads of a SQLite file, on the thread that asks.
//!
//! sqlx runs every SQLite connection on a thread of its own and hands each query, and each of its
//! rows, across channels between that thread and the async runtime. A page makes two to five
//! small queries; under load the estate page spent about half of its time in the kernel waking
//! threads and a tenth in SQLite itself. The pages' reads are a few indexed rows each —
//! microseconds of work — so they run here instead: with rusqlite on the same SQLite library
//! sqlx links, on a connection taken from a small pool, on the calling thread, with no hop.
//!
//! Only bounded reads come here (a session, an estate and its buildings, a division's totals, a
//! page of the list near its start). Writes, transactions and reads that may scan many rows (a
//! text search, an export) stay on sqlx and its threads, so they never hold up the runtime. The
//! SQL is the same statement sea-query builds for SQLite; only the rows are decoded here, by
//! [`FromSqlite`], which the test `direct_sqlite_reads_equal_the_pools` checks against sqlx's.
//!
//! A request that only reads (a GET) shares one read transaction among its reads, its session
//! check included ([`Snapshot`]): beginning a transaction takes SQLite's file locks, and one
//! taking per request is cheaper than one per query.

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OpenFlags};
use sea_orm::{DbErr, Statement, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A type read from a row of rusqlite by column name, like sea-orm's `FromQueryResult`.
pub(crate) trait FromSqlite: Sized {
    /// The columns it reads, in the order `from_sqlite` takes their positions.
    const COLUMNS: &'static [&'static str];
    /// `at[i]` is the position in the row of `COLUMNS[i]` (looked up once per statement: by
    /// name for every row it was a third of the list page's time).
    fn from_sqlite(row: &rusqlite::Row<'_>, at: &[usize]) -> rusqlite::Result<Self>;
}

/// Implements [`FromSqlite`] for a struct whose columns are named like its fields. The struct
/// literal must name every field, so a field added to an entity and not here fails to compile.
macro_rules! from_sqlite {
    ($($ty:ident)::+ { $($field:ident),* $(,)? }) => {
        impl $crate::sqlite_reads::FromSqlite for $($ty)::+ {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];
            fn from_sqlite(row: &rusqlite::Row<'_>, at: &[usize]) -> rusqlite::Result<Self> {
                let mut at = at.iter();
                Ok($($ty)::+ {
                    $($field: $crate::sqlite_reads::Column::read(row, *at.next().expect("a position per column"))?),*
                })
            }
        }
    };
}
pub(crate) use from_sqlite;

/// A column's value as the entities hold it, read the way sqlx decodes it.
pub(crate) trait Column: Sized {
    fn read(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self>;
}

macro_rules! column_by_rusqlite {
    ($($t:ty),*) => {$(
        impl Column for $t {
            fn read(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
                row.get(i)
            }
        }
    )*};
}
column_by_rusqlite!(i16, i32, i64, f64, bool, String);

impl Column for chrono::DateTime<chrono::Utc> {
    /// sqlx writes RFC 3339 text; its parser is several times quicker than rusqlite's general
    /// one, which takes the other forms SQLite knows and is kept for them.
    fn read(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        if let Ok(rusqlite::types::ValueRef::Text(t)) = row.get_ref(i) {
            if let Ok(d) = std::str::from_utf8(t)
                .map_err(|_| ())
                .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).map_err(|_| ()))
            {
                return Ok(d.to_utc());
            }
        }
        row.get(i)
    }
}

impl<T: Column> Column for Option<T> {
    fn read(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Self> {
        match row.get_ref(i)? {
            rusqlite::types::ValueRef::Null => Ok(None),
            _ => T::read(row, i).map(Some),
        }
    }
}

/// Idle connections kept for the next read; more are opened when more threads read at once.
const KEEP_IDLE: usize = 8;

/// Read-only connections to one SQLite file.
#[derive(Debug)]
pub(crate) struct SqliteReads {
    path: std::path::PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl SqliteReads {
    /// For a file database (not `:memory:`, whose data lives only in sqlx's own connection). The
    /// file is the one sqlx opens: its own parser reads the URL.
    pub fn for_url(url: &str) -> Option<SqliteReads> {
        if url.contains(":memory:") || url.contains("mode=memory") {
            return None;
        }
        let opts: sea_orm::sqlx::sqlite::SqliteConnectOptions = url.parse().ok()?;
        Some(SqliteReads {
            path: opts.get_filename().to_path_buf(),
            idle: Mutex::new(Vec::new()),
        })
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // Never writes. Not mapped (unlike sqlx's connections, see SQLITE_MMAP_BYTES): these read
        // a few hot pages, which SQLite's own cache hands back more cheaply than a mapped page
        // (estate page ~15 % faster unmapped, in three paired runs).
        conn.execute_batch("PRAGMA query_only = 1")?;
        // Waits (rarely: in WAL mode readers do not wait for writers) like sqlx's.
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }

    /// A connection from the pool, or a new one.
    fn take(&self) -> Result<Connection, DbErr> {
        match self.idle.lock().map(|mut v| v.pop()).unwrap_or(None) {
            Some(c) => Ok(c),
            None => self.open().map_err(err),
        }
    }

    /// Back to the pool, unless the pool has enough.
    fn put_back(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < KEEP_IDLE {
                idle.push(conn);
            }
        }
    }

    /// Runs `f` on a pooled connection.
    fn with<T>(&self, f: impl FnOnce(&Connection) -> Result<T, DbErr>) -> Result<T, DbErr> {
        let conn = self.take()?;
        let out = f(&conn);
        // A connection that failed (perhaps inside a transaction) is dropped rather than reused.
        if out.is_ok() {
            self.put_back(conn);
        }
        out
    }

    /// All rows of a statement built for SQLite.
    pub fn all<T: FromSqlite>(&self, stmt: &Statement) -> Result<Vec<T>, DbErr> {
        self.with(|conn| rows(conn, stmt))
    }
}

/// One read transaction that several reads share — a request's (see
/// `Store::for_read_only_request`) or one page's three: begun by the first read, committed and its
/// connection returned when dropped. Each statement on its own is a read transaction, and
/// beginning one takes SQLite's file locks (system calls under a process-wide mutex).
#[derive(Debug)]
pub(crate) struct Snapshot {
    reads: Arc<SqliteReads>,
    conn: Mutex<Option<Connection>>,
}

impl Snapshot {
    pub fn new(reads: Arc<SqliteReads>) -> Snapshot {
        Snapshot {
            reads,
            conn: Mutex::new(None),
        }
    }

    /// Runs `f` inside the transaction, beginning it if this is the first read.
    pub fn with<T>(&self, f: impl FnOnce(&Connection) -> Result<T, DbErr>) -> Result<T, DbErr> {
        let mut held = self
            .conn
            .lock()
            .map_err(|_| DbErr::Custom("SQLite: a request's snapshot was poisoned".into()))?;
        let conn = match held.take() {
            Some(c) => c,
            None => {
                let c = self.reads.take()?;
                run(&c, "BEGIN")?;
                c
            }
        };
        let out = f(&conn);
        // After a failure the connection (and its transaction) is dropped; a later read begins
        // another.
        if out.is_ok() {
            *held = Some(conn);
        }
        out
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.get_mut().ok().and_then(Option::take) {
            if run(&conn, "COMMIT").is_ok() {
                self.reads.put_back(conn);
            }
        }
    }
}

fn run(conn: &Connection, sql: &str) -> Result<(), DbErr> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute([]))
        .map(|_| ())
        .map_err(err)
}

/// The rows of one statement, decoded by column name.
pub(crate) fn rows<T: FromSqlite>(conn: &Connection, stmt: &Statement) -> Result<Vec<T>, DbErr> {
    let params = params(stmt)?;
    let mut prepared = conn.prepare_cached(&stmt.sql).map_err(err)?;
    let names = prepared.column_names();
    let at = T::COLUMNS
        .iter()
        .map(|c| {
            names
                .iter()
                .position(|n| n == c)
                .ok_or_else(|| DbErr::Custom(format!("SQLite: no column {c} in {}", stmt.sql)))
        })
        .collect::<Result<Vec<usize>, DbErr>>()?;
    let rows = prepared
        .query_map(rusqlite::params_from_iter(params), |row| {
            T::from_sqlite(row, &at)
        })
        .map_err(err)?;
    rows.collect::<rusqlite::Result<Vec<T>>>().map_err(err)
}

fn err(e: rusqlite::Error) -> DbErr {
    DbErr::Custom(format!("SQLite: {e}"))
}

/// sea-query's values as SQLite stores them (as sqlx binds them).
fn params(stmt: &Statement) -> Result<Vec<Sql>, DbErr> {
    let Some(values) = &stmt.values else {
        return Ok(Vec::new());
    };
    values
        .0
        .iter()
        .map(|v| {
            Ok(match v {
                Value::Bool(b) => b.map_or(Sql::Null, |b| Sql::Integer(b.into())),
                Value::TinyInt(x) => x.map_or(Sql::Null, |x| Sql::Integer(x.into())),
                Value::SmallInt(x) => x.map_or(Sql::Null, |x| Sql::Integer(x.into())),
                Value::Int(x) => x.map_or(Sql::Null, |x| Sql::Integer(x.into())),
                Value::BigInt(x) => x.map_or(Sql::Null, Sql::Integer),
                Value::TinyUnsigned(x) => x.map_or(Sql::Null, |x| Sql::Integer(x.into())),
                Value::SmallUnsigned(x) => x.map_or(Sql::Null, |x| Sql::Integer(x.into())),
                Value::Unsigned(x) => x.map_or(Sql::Null, |x| Sql::Integer(x.into())),
                Value::BigUnsigned(x) => {
                    match x {
                        None => Sql::Null,
                        Some(x) => Sql::Integer(i64::try_from(*x).map_err(|_| {
                            DbErr::Custom(format!("integer {x} too large for SQLite"))
                        })?),
                    }
                }
                Value::Float(x) => x.map_or(Sql::Null, |x| Sql::Real(x.into())),
                Value::Double(x) => x.map_or(Sql::Null, Sql::Real),
                Value::String(s) => s.as_ref().map_or(Sql::Null, |s| Sql::Text(s.to_string())),
                Value::Char(c) => c.map_or(Sql::Null, |c| Sql::Text(c.to_string())),
                Value::Bytes(b) => b.as_ref().map_or(Sql::Null, |b| Sql::Blob(b.to_vec())),
                Value::Json(j) => j.as_ref().map_or(Sql::Null, |j| Sql::Text(j.to_string())),
                // Dates and times as sqlx's SQLite driver writes them (types/chrono.rs), so a
                // comparison with a stored value means the same on both paths.
                Value::ChronoDateTimeUtc(t) => t.as_ref().map_or(Sql::Null, |t| {
                    Sql::Text(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
                }),
                Value::ChronoDateTimeWithTimeZone(t) => t.as_ref().map_or(Sql::Null, |t| {
                    Sql::Text(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
                }),
                Value::ChronoDateTime(t) => t
                    .as_ref()
                    .map_or(Sql::Null, |t| Sql::Text(t.format("%F %T%.f").to_string())),
                Value::ChronoDate(d) => d
                    .as_ref()
                    .map_or(Sql::Null, |d| Sql::Text(d.format("%F").to_string())),
                Value::ChronoTime(t) => t
                    .as_ref()
                    .map_or(Sql::Null, |t| Sql::Text(t.format("%T%.f").to_string())),
                other => {
                    return Err(DbErr::Custom(format!(
                        "no direct SQLite read for a parameter {other:?}"
                    )))
                }
            })
        })
        .collect()
}

use crate::entity::{audit_log, building, division, estate, policy_override};

from_sqlite!(estate::Model {
    id,
    code,
    name,
    division_code,
    address,
    year_completed,
    building_count,
    households,
    floor_area_centi_m2,
    property_type,
    management_mode,
    urban_village,
    mostly_self_built,
    expropriation_or_rebuild_planned,
    last_renovated_year,
    planned_demolition_year,
    historic_protection,
    willingness_pct,
    illegal_structures,
    illegal_structures_removed,
    in_city_or_county_seat,
    longitude,
    latitude,
    property_type_as_typed,
    management_mode_as_typed,
    unsurveyed,
    eligible,
    failed_rules,
    outcome,
    suggested_mode,
    assessed_year,
    policy_hash,
    demolished_buildings,
    demolished_households,
    demolished_floor_area_centi_m2,
    all_demolished,
    confirmed_mode,
    mode_confirmed_by,
    mode_confirmed_at,
    search_terms,
    created_at,
    updated_at,
});

from_sqlite!(estate::ListRow {
    id,
    code,
    name,
    division_code,
    address,
    year_completed,
    building_count,
    households,
    floor_area_centi_m2,
    eligible,
    failed_rules,
    outcome,
    suggested_mode,
    longitude,
    latitude,
});

from_sqlite!(building::Model {
    id,
    estate_id,
    number,
    floors,
    stairway_units,
    households,
    floor_area_centi_m2,
    structure,
    structure_as_typed,
    to_be_demolished,
    year_completed,
    safety_grade,
    has_lift,
    created_at,
    updated_at,
});

from_sqlite!(audit_log::Model {
    id,
    at,
    actor,
    action,
    entity,
    entity_id,
    division_code,
    source,
    before,
    after,
});

from_sqlite!(division::Model {
    code,
    name,
    level,
    parent_code,
    county_seat,
});

from_sqlite!(policy_override::Model {
    id,
    division_code,
    from_year,
    body,
    updated_at,
});

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::DatabaseBackend;

    /// Every kind of parameter the store's queries bind reaches SQLite on the direct path as sqlx
    /// would bind it: a date or JSON parameter must not fail at run time on SQLite alone.
    #[test]
    fn every_parameter_kind_the_store_uses_is_bound_as_sqlx_binds_it() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-28T08:30:00.123456Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let values: Vec<Value> = vec![
            true.into(),
            7i32.into(),
            7i64.into(),
            2.5f64.into(),
            "梅山".into(),
            Value::String(None),
            t.into(),
            t.naive_utc().into(),
            t.date_naive().into(),
            serde_json::json!({"a": 1}).into(),
            vec![1u8, 2].into(),
        ];
        let stmt = Statement::from_sql_and_values(DatabaseBackend::Sqlite, "SELECT 1", values);
        let bound = params(&stmt).expect("every kind is bound");
        assert_eq!(
            bound,
            vec![
                Sql::Integer(1),
                Sql::Integer(7),
                Sql::Integer(7),
                Sql::Real(2.5),
                Sql::Text("梅山".into()),
                Sql::Null,
                Sql::Text("2026-11-28T08:30:00.123456+00:00".into()),
                Sql::Text("2026-11-28 08:30:00.123456".into()),
                Sql::Text("2026-11-28".into()),
                Sql::Text("{\"a\":1}".into()),
                Sql::Blob(vec![1, 2]),
            ]
        );
    }
}
