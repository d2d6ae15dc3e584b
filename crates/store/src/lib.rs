//! anju-store: persistence for SQLite and PostgreSQL with one set of entities and migrations.
//!
//! The backend follows from the URL scheme (`sqlite://…` or `postgres://…`); an unknown scheme is
//! an error, never a silent new file. Every change of business data writes its audit row in the
//! same transaction.

pub mod accounts;
pub mod assess;
pub mod audit;
mod bulk;
pub mod convert;
pub mod divisions;
pub mod entity;
pub mod estates;
pub mod idkey;
pub mod ledger;
pub mod migration;
pub mod policies;
pub mod scoped;
mod search;
pub mod sessions;
mod sqlite_reads;
pub mod summary;
pub mod totals;

pub use assess::Assessor;
pub use audit::WriteCtx;
pub use estates::{BuildingUpsert, UpsertReport};
pub use idkey::IdKey;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, FromQueryResult, QueryTrait, Select, Statement,
};
use sea_orm_migration::MigratorTrait;
use sqlite_reads::{rows, FromSqlite, Snapshot, SqliteReads};
use std::sync::Arc;
use std::time::Duration;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("不支持的数据库地址“{0}”：请使用 sqlite://文件 或 postgres://… / unsupported database URL {0:?}: use sqlite://FILE or postgres://…")]
    UnknownScheme(String),
    #[error("数据库错误 / database error: {0}")]
    Db(DbErr),
    #[error("未找到 / not found: {0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    /// The change collides with what another writer stored meanwhile (a unique key taken).
    #[error("{0}")]
    Conflict(String),
    /// The act is not the caller's to do (an account outside their jurisdiction, say).
    #[error("{0}")]
    Forbidden(String),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        match e.sql_err() {
            // Two writers took the same key at once (two renames to one name, say): the later one
            // is told, not failed with an internal error.
            Some(sea_orm::SqlErr::UniqueConstraintViolation(detail)) => {
                tracing::info!(%detail, "unique constraint");
                StoreError::Conflict(
                    "与刚保存的数据冲突（名称或编码已被占用），请刷新后重试 / conflicts with what was just saved (a name or code is taken); reload and try again"
                        .into(),
                )
            }
            _ => StoreError::Db(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The database, SQLite or PostgreSQL.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    /// The pages' small reads of a SQLite file, without sqlx's thread hop (see sqlite_reads.rs).
    reads: Option<Arc<SqliteReads>>,
    /// The read transaction of one read-only request, shared by its clones (see
    /// [`Store::for_read_only_request`]).
    snapshot: Option<Arc<Snapshot>>,
}

/// How much of a SQLite file sqlx's connections — which run the long reads: searches, exports —
/// read as mapped memory. A search reads many pages; through SQLite's own 2 MB cache per
/// connection each was a system call copying 4 KB from the kernel (a third of a province-wide
/// search's time). Mapped, the kernel's page cache is read in place. (SQLite caps it at 2 GB; it
/// reserves address space, not memory.)
pub(crate) const SQLITE_MMAP_BYTES: u64 = 2 << 30;

/// Which backend a URL names.
pub fn backend_of(url: &str) -> Result<DatabaseBackend> {
    if url.starts_with("sqlite:") {
        Ok(DatabaseBackend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(DatabaseBackend::Postgres)
    } else {
        Err(StoreError::UnknownScheme(url.to_string()))
    }
}

/// SQLite counts every allocation under one global mutex unless told not to; with a connection
/// per thread serving pages that lock was the most contended thing in a profile. Must run before
/// SQLite initializes (later it returns SQLITE_MISUSE and changes nothing, which is harmless).
fn sqlite_without_memory_statistics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config with SQLITE_CONFIG_MEMSTATUS takes one int; it is called once,
        // before any connection is opened by this process.
        unsafe {
            libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0);
        }
    });
}

impl Store {
    /// Connects and brings the schema up to date. A SQLite file is created on first use, with WAL,
    /// foreign keys and a busy timeout on every connection.
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_pool(url, None).await
    }

    /// [`Store::connect`] with `pool` connections (default: SQLite 4; PostgreSQL twice the cores
    /// here, at least 3). On the 2-core benchmark machine, where PostgreSQL shares the cores, 3
    /// connections served the pages 30–50 % faster than 16: more backends only took turns on the
    /// same cores. A PostgreSQL on its own larger server wants more.
    pub async fn connect_pool(url: &str, pool: Option<u32>) -> Result<Store> {
        let backend = backend_of(url)?;
        let url = if backend == DatabaseBackend::Sqlite
            && !url.contains("mode=")
            && !url.contains(":memory:")
        {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        } else {
            url.to_string()
        };
        if backend == DatabaseBackend::Sqlite {
            sqlite_without_memory_statistics();
        }
        let mut opts = ConnectOptions::new(url);
        // No ping before each use of a pooled connection: it doubled the round trips of every
        // query (a broken connection still fails its query and is replaced).
        opts.sqlx_logging(false)
            .acquire_timeout(Duration::from_secs(30))
            .test_before_acquire(false);
        if backend == DatabaseBackend::Sqlite {
            opts.max_connections(pool.unwrap_or(4))
                .map_sqlx_sqlite_opts(|o| {
                    o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                        .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(30))
                        .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string())
                });
        } else {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
            opts.max_connections(pool.unwrap_or((cores * 2).max(3)));
        }
        let reads = match backend {
            DatabaseBackend::Sqlite => SqliteReads::for_url(opts.get_url()).map(Arc::new),
            _ => None,
        };
        let db = Database::connect(opts).await?;
        migration::Migrator::up(&db, None).await?;
        Ok(Store {
            db,
            reads,
            snapshot: None,
        })
    }

    /// After a large import: PostgreSQL plans by its statistics, and until autovacuum gets to a
    /// freshly filled table it may scan 300,000 estates where an index would read twenty. Its
    /// search index also holds the import's terms in a pending list, unsorted, that every search
    /// reads through until autovacuum merges it (2 ms per search, even for a word in no name,
    /// after 300,000 estates): merged here. SQLite needs neither.
    pub async fn refresh_statistics(&self, changed_rows: usize) -> Result<()> {
        if self.backend() == DatabaseBackend::Postgres && changed_rows >= 10_000 {
            self.db
                .execute_unprepared("ANALYZE estates, buildings, division_totals")
                .await?;
            self.db
                .execute_unprepared("SELECT gin_clean_pending_list('estates_search'::regclass)")
                .await?;
        }
        Ok(())
    }

    /// The same store reading everything through sqlx (to compare the two ways of reading).
    #[doc(hidden)]
    pub fn without_direct_reads(&self) -> Store {
        Store {
            db: self.db.clone(),
            reads: None,
            snapshot: None,
        }
    }

    /// The same store for one request that only reads (a GET): on SQLite its small reads share
    /// one read transaction — one snapshot, and SQLite's file locks taken once per request
    /// instead of once per query — which ends when the last clone is dropped. Not for a request
    /// that writes: its later reads would not see its own writes.
    pub fn for_read_only_request(&self) -> Store {
        Store {
            db: self.db.clone(),
            reads: self.reads.clone(),
            snapshot: self.reads.clone().map(|r| Arc::new(Snapshot::new(r))),
        }
    }

    /// The rows of a small read that an index bounds (a page's session, estate, totals): on the
    /// calling thread for a SQLite file, through the pool otherwise.
    pub(crate) async fn read<T: FromQueryResult + FromSqlite>(
        &self,
        stmt: Statement,
    ) -> Result<Vec<T>> {
        match (&self.snapshot, &self.reads) {
            (Some(s), _) => Ok(s.with(|conn| rows(conn, &stmt))?),
            (None, Some(r)) => Ok(r.all(&stmt)?),
            (None, None) => Ok(T::find_by_statement(stmt).all(&self.db).await?),
        }
    }

    /// [`Store::read`] of a query of one entity's table. Its rows are read by column name, so it
    /// selects `*`: writing out every column of the estates took sea-query longer than SQLite took
    /// to find the estate.
    pub(crate) async fn read_select<E: EntityTrait>(&self, q: Select<E>) -> Result<Vec<E::Model>>
    where
        E::Model: FromSqlite,
    {
        self.read(self.star(q)).await
    }

    /// [`Store::read_select`] into a type that reads some of the table's columns.
    pub(crate) async fn read_select_as<E: EntityTrait, T: FromQueryResult + FromSqlite>(
        &self,
        q: Select<E>,
    ) -> Result<Vec<T>> {
        self.read(self.star(q)).await
    }

    /// [`Store::read_select`] of three queries; on SQLite from one snapshot, in one go.
    pub(crate) async fn read_selects3<A: EntityTrait, B: EntityTrait, C: EntityTrait>(
        &self,
        a: Select<A>,
        b: Select<B>,
        c: Select<C>,
    ) -> Result<(Vec<A::Model>, Vec<B::Model>, Vec<C::Model>)>
    where
        A::Model: FromSqlite,
        B::Model: FromSqlite,
        C::Model: FromSqlite,
    {
        let (a, b, c) = (self.star(a), self.star(b), self.star(c));
        let all =
            |conn: &rusqlite::Connection| Ok((rows(conn, &a)?, rows(conn, &b)?, rows(conn, &c)?));
        match (&self.snapshot, &self.reads) {
            (Some(s), _) => Ok(s.with(all)?),
            (None, Some(r)) => Ok(Snapshot::new(r.clone()).with(all)?),
            (None, None) => Ok((
                A::Model::find_by_statement(a).all(&self.db).await?,
                B::Model::find_by_statement(b).all(&self.db).await?,
                C::Model::find_by_statement(c).all(&self.db).await?,
            )),
        }
    }

    /// A query of one table selecting `*`.
    fn star<E: EntityTrait>(&self, q: Select<E>) -> Statement {
        let mut q = q.into_query();
        q.clear_selects().column(sea_orm::sea_query::Asterisk);
        self.backend().build(&q)
    }

    /// Begins a transaction that will write. On SQLite it takes the file's write lock at once:
    /// a transaction that read first and wrote later fails with "database is locked" (at once,
    /// without waiting) when another writer committed in between, while a transaction that
    /// writes first waits its turn for the lock (the busy timeout). On PostgreSQL writers in
    /// different rows proceed side by side; what they share is serialised where it is written
    /// (see totals.rs).
    pub(crate) async fn begin_write(&self) -> Result<sea_orm::DatabaseTransaction> {
        use sea_orm::TransactionTrait;
        let txn = self.db.begin().await?;
        if self.backend() == DatabaseBackend::Sqlite {
            // A write that changes nothing: SQLite's `BEGIN IMMEDIATE`, which SeaORM cannot say.
            txn.execute_unprepared("UPDATE division_totals SET estates = estates WHERE 0 = 1")
                .await?;
        }
        Ok(txn)
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.db.get_database_backend()
    }

    /// Writes `$1` (PostgreSQL) or `?` (SQLite) for raw SQL.
    pub(crate) fn placeholder(&self, n: usize) -> String {
        match self.backend() {
            DatabaseBackend::Postgres => format!("${n}"),
            _ => "?".into(),
        }
    }
}

/// On PostgreSQL, waits for the transaction-scoped advisory lock `key` and holds it until the
/// transaction ends, so that writers of one kind go one at a time (SQLite's writers already do:
/// `Store::begin_write` takes its single write lock first).
pub(crate) async fn advisory_xact_lock(conn: &impl ConnectionTrait, key: i64) -> Result<()> {
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        conn.execute(sea_orm::Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [key.into()],
        ))
        .await?;
    }
    Ok(())
}
