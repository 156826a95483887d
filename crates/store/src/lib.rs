//! kechuang-store: persistence for kechuang, on SQLite (embedded default) and
//! PostgreSQL, from one code base.
//!
//! It owns the schema (`migrations/`), the [`Store`] over an enum of the two
//! concrete sqlx pools, and the repositories (`repo/`), one file per aggregate.
//! It is the only crate that names sqlx; it returns core types, never rows.
//!
//! How the two backends share code: every query is written once in portable SQL
//! with `$N` placeholders and compiled once per backend by [`with_conn!`]; the few
//! statements that must differ live in `dialect.rs`. There is no `sqlx::Any`.
//!
//! Reads go through [`Store::read`] (a pooled connection; on SQLite from a
//! read-only pool), writes through [`Store::begin`] (a transaction; on SQLite on the
//! single writer connection, `BEGIN IMMEDIATE`). Every write appends an event with
//! [`Db::append_event`] before commit.
//!
//! ```no_run
//! # async fn demo() -> Result<(), kechuang_store::StoreError> {
//! let store = kechuang_store::Store::open("kechuang-data/kechuang.db").await?;
//! store.migrate().await?;
//! let mut db = store.read().await?;
//! let n = db.count_organisations().await?;
//! # Ok(()) }
//! ```

mod dialect;
mod error;
mod migrate;
pub mod repo;

pub use error::StoreError;
pub use migrate::MIGRATIONS;
pub use repo::*;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Result of a store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

#[derive(Clone)]
enum Pool {
    Sqlite { write: SqlitePool, read: SqlitePool },
    Postgres(PgPool),
}

/// The database: a pool of connections to SQLite or PostgreSQL.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .finish()
    }
}

/// Whether `target` names a PostgreSQL server rather than a SQLite file.
pub fn is_postgres_url(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

impl Store {
    /// Opens `target`: a `postgres://` URL, a `sqlite:` URL or a path to a SQLite
    /// file (created if missing).
    pub async fn open(target: &str) -> Result<Self> {
        if is_postgres_url(target) {
            Self::open_postgres(target, 10).await
        } else {
            let path = target
                .strip_prefix("sqlite://")
                .or_else(|| target.strip_prefix("sqlite:"))
                .unwrap_or(target);
            Self::open_sqlite(Path::new(path)).await
        }
    }

    /// Opens (creating) a SQLite database file: WAL, `synchronous=FULL`, foreign keys
    /// on, one writer connection and a read-only pool.
    pub async fn open_sqlite(path: &Path) -> Result<Self> {
        let base = SqliteConnectOptions::new()
            .filename(path)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory");
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(120))
            .connect_with(base.clone().create_if_missing(true))
            .await
            .map_err(StoreError::from_sqlx)?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(base.read_only(true))
            .await
            .map_err(StoreError::from_sqlx)?;
        Ok(Self {
            pool: Pool::Sqlite { write, read },
        })
    }

    /// Connects to PostgreSQL.
    pub async fn open_postgres(url: &str, max_connections: u32) -> Result<Self> {
        let opts = PgConnectOptions::from_str(url).map_err(StoreError::from_sqlx)?;
        // One direct connection first: the pool would retry until its timeout and
        // then report only "timed out", hiding "connection refused" or a bad password.
        {
            use sqlx::Connection;
            let conn = PgConnection::connect_with(&opts)
                .await
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            let _ = conn.close().await;
        }
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await
            .map_err(StoreError::from_sqlx)?;
        Ok(Self {
            pool: Pool::Postgres(pool),
        })
    }

    /// Which backend this store runs on.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite { .. } => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations (forward only). Safe when several instances start
    /// together: sqlx takes a lock on PostgreSQL, and SQLite has one writer.
    pub async fn migrate(&self) -> Result<()> {
        migrate::run(self).await
    }

    /// A pooled connection for reading.
    pub async fn read(&self) -> Result<Db> {
        let inner = match &self.pool {
            Pool::Sqlite { read, .. } => {
                DbInner::SqliteConn(read.acquire().await.map_err(StoreError::from_sqlx)?)
            }
            Pool::Postgres(p) => DbInner::PgConn(p.acquire().await.map_err(StoreError::from_sqlx)?),
        };
        Ok(Db {
            inner,
            backend: self.backend(),
        })
    }

    /// A write transaction. Commit it with [`Db::commit`]; dropping it rolls back.
    pub async fn begin(&self) -> Result<Db> {
        let inner = match &self.pool {
            Pool::Sqlite { write, .. } => DbInner::SqliteTx(
                write
                    .begin_with(dialect::SQLITE.begin_write)
                    .await
                    .map_err(StoreError::from_sqlx)?,
            ),
            Pool::Postgres(p) => DbInner::PgTx(p.begin().await.map_err(StoreError::from_sqlx)?),
        };
        Ok(Db {
            inner,
            backend: self.backend(),
        })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        let mut db = self.read().await?;
        with_conn!(db, c => sqlx::query("SELECT 1").execute(&mut *c).await.map(|_| ()))
            .map_err(StoreError::from_sqlx)?;
        Ok(())
    }

    /// Refreshes planner statistics (after a bulk import or the demo).
    pub async fn analyze(&self) -> Result<()> {
        self.run_statements(self.backend().dialect().analyze).await
    }

    /// Occasional maintenance (`kechuang maintain`): statistics, and on PostgreSQL
    /// rewriting `filing_current` in key order. Takes locks: run it off-peak.
    pub async fn maintain(&self) -> Result<()> {
        self.run_statements(self.backend().dialect().maintain).await
    }

    async fn run_statements(&self, statements: &[&'static str]) -> Result<()> {
        // On SQLite these write (statistics tables), so they go to the writer.
        let mut db = match &self.pool {
            Pool::Sqlite { write, .. } => Db {
                inner: DbInner::SqliteConn(write.acquire().await.map_err(StoreError::from_sqlx)?),
                backend: Backend::Sqlite,
            },
            Pool::Postgres(_) => self.read().await?,
        };
        for sql in statements {
            with_conn!(db, c => sqlx::query(*sql).execute(&mut *c).await.map(|_| ()))?;
        }
        Ok(())
    }

    /// Closes every connection (SQLite checkpoints its WAL on the last close).
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite { write, read } => {
                read.close().await;
                write.close().await;
            }
            Pool::Postgres(p) => p.close().await,
        }
    }

    pub(crate) fn sqlite_write_pool(&self) -> Option<&SqlitePool> {
        match &self.pool {
            Pool::Sqlite { write, .. } => Some(write),
            Pool::Postgres(_) => None,
        }
    }

    pub(crate) fn pg_pool(&self) -> Option<&PgPool> {
        match &self.pool {
            Pool::Postgres(p) => Some(p),
            Pool::Sqlite { .. } => None,
        }
    }
}

enum DbInner {
    SqliteConn(PoolConnection<Sqlite>),
    PgConn(PoolConnection<Postgres>),
    SqliteTx(Transaction<'static, Sqlite>),
    PgTx(Transaction<'static, Postgres>),
}

/// A connection or a transaction; the repositories are its methods.
pub struct Db {
    inner: DbInner,
    backend: Backend,
}

/// A borrowed concrete connection, for [`with_conn!`].
#[doc(hidden)]
pub enum Conn<'c> {
    /// SQLite.
    Sqlite(&'c mut SqliteConnection),
    /// PostgreSQL.
    Postgres(&'c mut PgConnection),
}

/// Runs `$body` with `$c` bound to the concrete connection of `$db`. The body is
/// compiled once per backend, so it must be valid for both drivers.
#[macro_export]
#[doc(hidden)]
macro_rules! with_conn {
    ($db:expr, $c:ident => $body:expr) => {
        match $db.conn() {
            $crate::Conn::Sqlite($c) => $body,
            $crate::Conn::Postgres($c) => $body,
        }
    };
}

impl Db {
    #[doc(hidden)]
    pub fn conn(&mut self) -> Conn<'_> {
        match &mut self.inner {
            DbInner::SqliteConn(c) => Conn::Sqlite(c),
            DbInner::SqliteTx(t) => Conn::Sqlite(t),
            DbInner::PgConn(c) => Conn::Postgres(c),
            DbInner::PgTx(t) => Conn::Postgres(t),
        }
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Commits a transaction (a plain connection has nothing to commit).
    pub async fn commit(self) -> Result<()> {
        match self.inner {
            DbInner::SqliteTx(t) => t.commit().await.map_err(StoreError::from_sqlx),
            DbInner::PgTx(t) => t.commit().await.map_err(StoreError::from_sqlx),
            _ => Ok(()),
        }
    }

    /// Rolls a transaction back explicitly.
    pub async fn rollback(self) -> Result<()> {
        match self.inner {
            DbInner::SqliteTx(t) => t.rollback().await.map_err(StoreError::from_sqlx),
            DbInner::PgTx(t) => t.rollback().await.map_err(StoreError::from_sqlx),
            _ => Ok(()),
        }
    }
}

/// Now, in unix microseconds.
pub fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// A new time-ordered id (UUIDv7).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
