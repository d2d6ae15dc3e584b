//! The text search index: which estates have all the terms of a search (see
//! `anju_domain::search`). SQLite keeps the terms in an FTS5 table, PostgreSQL in a GIN index;
//! both are written in the estate's own transaction (a trigger, an index), and both are read here
//! only: callers ask the scoped store for a page of estates and never see which way it read.

use crate::{Result, Store};
use sea_orm::{ConnectionTrait, DatabaseBackend, FromQueryResult, Statement, Value};

/// At most this many candidates are taken from the index. A search with more in its scope is
/// for a word common there, and reading the list in its own order finds its first matches sooner
/// than sorting thousands of candidates.
pub const CANDIDATES: usize = 2_000;

#[derive(FromQueryResult)]
struct Ids {
    /// Comma-separated; `NULL` when there is none.
    ids: Option<String>,
}

impl Store {
    /// The ids of the estates that have every one of `terms`, or `None` when more than
    /// [`CANDIDATES`] do. `terms` are index terms (bigrams and division terms), never empty.
    pub(crate) async fn search_candidates(&self, terms: &[String]) -> Result<Option<Vec<i64>>> {
        debug_assert!(!terms.is_empty());
        let limit = CANDIDATES as i64 + 1;
        let stmt = match self.backend() {
            DatabaseBackend::Postgres => {
                let terms = Value::Array(
                    sea_orm::sea_query::ArrayType::String,
                    Some(Box::new(
                        terms.iter().map(|t| Value::from(t.clone())).collect(),
                    )),
                );
                if self.postgres_expects_many(terms.clone()).await? {
                    return Ok(None);
                }
                // Materialised, the lookup is planned without the LIMIT, by the index; with it,
                // PostgreSQL may read the table in order hoping to meet the limit soon, and split
                // every row's terms on the way (95 ms for a common word in 300,000 estates).
                Statement::from_sql_and_values(
                    DatabaseBackend::Postgres,
                    "WITH c AS MATERIALIZED (SELECT id FROM estates \
                     WHERE string_to_array(search_terms, ' ') @> $1) \
                     SELECT string_agg(id::text, ',') AS ids FROM (SELECT id FROM c LIMIT $2) l",
                    [terms, limit.into()],
                )
            }
            _ => {
                // Each term quoted: FTS5 reads it as one token, never as an operator.
                let query = terms
                    .iter()
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(" ");
                Statement::from_sql_and_values(
                    DatabaseBackend::Sqlite,
                    "SELECT group_concat(id) AS ids FROM \
                     (SELECT rowid AS id FROM estate_search WHERE estate_search MATCH ? LIMIT ?)",
                    [query.into(), limit.into()],
                )
            }
        };
        // The ids come as one text, in one row: thousands of rows of one id each cost a common
        // word more than the index lookup itself.
        let ids: Vec<i64> = Ids::find_by_statement(stmt)
            .one(&self.db)
            .await?
            .and_then(|r| r.ids)
            .map(|ids| ids.split(',').filter_map(|id| id.parse().ok()).collect())
            .unwrap_or_default();
        Ok((ids.len() <= CANDIDATES).then_some(ids))
    }

    /// Whether PostgreSQL's statistics of the index (the most common terms and how common) say
    /// that many more than [`CANDIDATES`] estates have all these terms: then the word is common,
    /// and even the index would read thousands of rows to say so (20 ms for a word in a tenth of
    /// 300,000 estates), where the list in its own order meets its first matches at once.
    async fn postgres_expects_many(&self, terms: Value) -> Result<bool> {
        let plan = self
            .db
            .query_one(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "EXPLAIN (FORMAT JSON) SELECT id FROM estates \
                 WHERE string_to_array(search_terms, ' ') @> $1",
                [terms],
            ))
            .await?;
        let rows = match plan {
            Some(row) => row.try_get::<serde_json::Value>("", "QUERY PLAN")?[0]["Plan"]
                ["Plan Rows"]
                .as_f64()
                .unwrap_or(0.0),
            None => 0.0,
        };
        Ok(rows > 4.0 * CANDIDATES as f64)
    }
}
