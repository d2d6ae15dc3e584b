//! Multi-row INSERTs written directly: the statement text for a full batch is the same every time,
//! so the driver prepares it once, and no query builder runs per row. Imports of hundreds of
//! thousands of rows spend their time here.

use crate::Result;
use sea_orm::sea_query::ArrayType;
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ColumnType, ConnectionTrait, DatabaseBackend,
    EntityTrait, FromQueryResult, IdenStatic, Iterable, Statement, Value,
};

/// A column of a bulk insert: its name and its PostgreSQL type, for the UNNEST form.
pub(crate) struct Col(pub String, pub Pg);

/// The PostgreSQL types bulk inserts use. PostgreSQL takes each column as one array, which is
/// several times faster than a VALUES list; arrays cannot carry NULL through the driver, so a
/// NULL travels as a sentinel that NULLIF turns back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pg {
    Text,
    Int,
    BigInt,
    Bool,
    Double,
    Timestamp,
}

const NULL_TEXT: &str = "\u{1}";

impl Pg {
    fn sql_type(self) -> &'static str {
        match self {
            Pg::Text => "text",
            Pg::Int => "int4",
            Pg::BigInt => "int8",
            // A nullable bool travels as int2: -1 is NULL.
            Pg::Bool => "int2",
            Pg::Double => "float8",
            Pg::Timestamp => "timestamptz",
        }
    }

    fn select(self, col: &str) -> String {
        match self {
            Pg::Text => format!("NULLIF({col}, E'\\x01')"),
            Pg::Int => format!("NULLIF({col}, -2147483648)"),
            Pg::BigInt => format!("NULLIF({col}, -9223372036854775808)"),
            Pg::Bool => format!("CAST(CAST(NULLIF({col}, -1) AS int4) AS boolean)"),
            Pg::Double => format!("NULLIF({col}, 'NaN'::float8)"),
            Pg::Timestamp => col.to_string(),
        }
    }

    fn array_type(self) -> ArrayType {
        match self {
            Pg::Text => ArrayType::String,
            Pg::Int => ArrayType::Int,
            Pg::BigInt => ArrayType::BigInt,
            Pg::Bool => ArrayType::SmallInt,
            Pg::Double => ArrayType::Double,
            Pg::Timestamp => ArrayType::ChronoDateTimeUtc,
        }
    }

    /// The array element for a value, NULL turned into the sentinel.
    fn element(self, v: Value) -> Value {
        match (self, v) {
            (Pg::Text, Value::String(s)) => {
                Value::String(Some(s.unwrap_or_else(|| Box::new(NULL_TEXT.to_string()))))
            }
            (Pg::Int, Value::Int(i)) => Value::Int(Some(i.unwrap_or(i32::MIN))),
            (Pg::BigInt, Value::BigInt(i)) => Value::BigInt(Some(i.unwrap_or(i64::MIN))),
            (Pg::Bool, Value::Bool(b)) => Value::SmallInt(Some(b.map_or(-1, i16::from))),
            (Pg::Double, Value::Double(d)) => Value::Double(Some(d.unwrap_or(f64::NAN))),
            (Pg::Timestamp, v @ Value::ChronoDateTimeUtc(Some(_))) => v,
            (t, v) => panic!(
                "bulk insert: value {v:?} does not fit column type {}",
                t.sql_type()
            ),
        }
    }
}

impl Pg {
    /// The bulk type of an entity's column.
    fn of(t: &ColumnType) -> Pg {
        match t {
            ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => Pg::Text,
            ColumnType::Integer => Pg::Int,
            ColumnType::BigInteger => Pg::BigInt,
            ColumnType::Boolean => Pg::Bool,
            ColumnType::Double | ColumnType::Float => Pg::Double,
            ColumnType::TimestampWithTimeZone | ColumnType::DateTime | ColumnType::Timestamp => {
                Pg::Timestamp
            }
            other => panic!("bulk insert: no bulk type for column type {other:?}"),
        }
    }
}

/// New rows as the bulk insert takes them: the columns and the values of the active models, in
/// the entity's column order. The entity is the one list of columns, and the active model the one
/// mapping of a record to its row; a column left `NotSet` (the generated key) is left out.
pub(crate) fn rows_of<A: ActiveModelTrait>(models: Vec<A>) -> (Vec<Col>, Vec<Vec<Value>>) {
    let Some(first) = models.first() else {
        return (Vec::new(), Vec::new());
    };
    let set: Vec<<A::Entity as EntityTrait>::Column> =
        <<A::Entity as EntityTrait>::Column as Iterable>::iter()
            .filter(|c| first.get(*c).is_set())
            .collect();
    let cols = set
        .iter()
        .map(|c| Col(c.as_str().to_string(), Pg::of(c.def().get_column_type())))
        .collect();
    let rows = models
        .into_iter()
        .map(|m| {
            set.iter()
                .map(|c| match m.get(*c) {
                    ActiveValue::Set(v) | ActiveValue::Unchanged(v) => v,
                    ActiveValue::NotSet => panic!("bulk insert: {} not set", c.as_str()),
                })
                .collect()
        })
        .collect();
    (cols, rows)
}

/// `INSERT … SELECT … FROM UNNEST($1::text[], …)`: one parameter per column.
fn unnest_sql(table: &str, columns: &[Col], returning: Option<&str>) -> String {
    let names: Vec<&str> = columns.iter().map(|c| c.0.as_str()).collect();
    let selects: Vec<String> = columns
        .iter()
        .map(|c| c.1.select(&format!("u.{}", c.0)))
        .collect();
    let params: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("${}::{}[]", i + 1, c.1.sql_type()))
        .collect();
    let mut sql = format!(
        "INSERT INTO {table} ({}) SELECT {} FROM UNNEST({}) AS u({})",
        names.join(", "),
        selects.join(", "),
        params.join(", "),
        names.join(", ")
    );
    if let Some(r) = returning {
        sql.push_str(" RETURNING ");
        sql.push_str(r);
    }
    sql
}

/// Turns rows into one array value per column.
fn columns_as_arrays(columns: &[Col], rows: Vec<Vec<Value>>) -> Vec<Value> {
    let mut cols: Vec<Vec<Value>> = columns
        .iter()
        .map(|_| Vec::with_capacity(rows.len()))
        .collect();
    for row in rows {
        for ((v, col), out) in row.into_iter().zip(columns).zip(cols.iter_mut()) {
            out.push(col.1.element(v));
        }
    }
    cols.into_iter()
        .zip(columns)
        .map(|(vals, c)| Value::Array(c.1.array_type(), Some(Box::new(vals))))
        .collect()
}

/// Rows per UNNEST statement: big enough to amortise, small enough to keep memory flat.
const UNNEST_ROWS: usize = 20_000;

/// Bind parameters per statement: SQLite allows 32,766, PostgreSQL 65,535.
fn max_params(backend: DatabaseBackend) -> usize {
    match backend {
        DatabaseBackend::Postgres => 65_000,
        _ => 32_000,
    }
}

fn insert_sql(
    backend: DatabaseBackend,
    table: &str,
    columns: &[&str],
    rows: usize,
    returning: Option<&str>,
) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            match backend {
                DatabaseBackend::Postgres => {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    if let Some(r) = returning {
        sql.push_str(" RETURNING ");
        sql.push_str(r);
    }
    sql
}

/// Inserts rows (each a value per column) in as few statements as the backend allows.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    table: &str,
    cols: &[Col],
    rows: Vec<Vec<Value>>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    if backend == DatabaseBackend::Postgres {
        let sql = unnest_sql(table, cols, None);
        let mut it = rows.into_iter().peekable();
        while it.peek().is_some() {
            let batch: Vec<Vec<Value>> = it.by_ref().take(UNNEST_ROWS).collect();
            db.execute(Statement::from_sql_and_values(
                backend,
                &sql,
                columns_as_arrays(cols, batch),
            ))
            .await?;
        }
        return Ok(());
    }
    let columns: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
    let per = (max_params(backend) / columns.len()).max(1);
    let mut it = rows.into_iter().peekable();
    while it.peek().is_some() {
        let batch: Vec<Vec<Value>> = it.by_ref().take(per).collect();
        let sql = insert_sql(backend, table, &columns, batch.len(), None);
        db.execute(Statement::from_sql_and_values(
            backend,
            sql,
            batch.into_iter().flatten(),
        ))
        .await?;
    }
    Ok(())
}

/// Inserts rows and returns what `returning` names for each (in no promised order: callers match
/// the rows by a unique key they return).
pub(crate) async fn insert_returning<T: FromQueryResult>(
    db: &impl ConnectionTrait,
    table: &str,
    cols: &[Col],
    rows: Vec<Vec<Value>>,
    returning: &str,
) -> Result<Vec<T>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let mut out = Vec::with_capacity(rows.len());
    if backend == DatabaseBackend::Postgres {
        let sql = unnest_sql(table, cols, Some(returning));
        let mut it = rows.into_iter().peekable();
        while it.peek().is_some() {
            let batch: Vec<Vec<Value>> = it.by_ref().take(UNNEST_ROWS).collect();
            for r in db
                .query_all(Statement::from_sql_and_values(
                    backend,
                    &sql,
                    columns_as_arrays(cols, batch),
                ))
                .await?
            {
                out.push(T::from_query_result(&r, "")?);
            }
        }
        return Ok(out);
    }
    let columns: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
    let per = (max_params(backend) / columns.len()).max(1);
    let mut it = rows.into_iter().peekable();
    while it.peek().is_some() {
        let batch: Vec<Vec<Value>> = it.by_ref().take(per).collect();
        let sql = insert_sql(backend, table, &columns, batch.len(), Some(returning));
        let rows = db
            .query_all(Statement::from_sql_and_values(
                backend,
                sql,
                batch.into_iter().flatten(),
            ))
            .await?;
        for r in rows {
            out.push(T::from_query_result(&r, "")?);
        }
    }
    Ok(out)
}

/// The rows `query` finds whose `column` is one of `ids`, a few hundred ids a query (a database
/// takes only so many parameters at once): buildings, needs, pool rows, bundle members … of a
/// page of estates.
pub(crate) async fn rows_with<E: sea_orm::EntityTrait>(
    db: &impl sea_orm::ConnectionTrait,
    query: sea_orm::Select<E>,
    column: E::Column,
    ids: &[i64],
) -> Result<Vec<E::Model>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            query
                .clone()
                .filter(column.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_text() {
        assert_eq!(
            insert_sql(DatabaseBackend::Sqlite, "t", &["a", "b"], 2, None),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
        assert_eq!(
            insert_sql(DatabaseBackend::Postgres, "t", &["a", "b"], 2, Some("id")),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) RETURNING id"
        );
        assert_eq!(
            unnest_sql("t", &[Col("a".into(), Pg::Text), Col("b".into(), Pg::Bool)], None),
            "INSERT INTO t (a, b) SELECT NULLIF(u.a, E'\\x01'), CAST(CAST(NULLIF(u.b, -1) AS int4) AS boolean) FROM UNNEST($1::text[], $2::int2[]) AS u(a, b)"
        );
    }
}
