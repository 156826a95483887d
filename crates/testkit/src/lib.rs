//! kechuang-testkit: isolation for tests that touch a real database.
//!
//! [`TestDb::sqlite`] makes a migrated SQLite file in a fresh temporary directory
//! (a file, not `:memory:`, so WAL and the single writer behave as in production).
//! [`TestDb::postgres`] copies a migrated template database into a fresh database
//! named `t_<uuid>` on the server in `KECHUANG_TEST_PG`, and drops it afterwards.
//! [`store_test!`] expands one test body into a SQLite and a PostgreSQL test.
//!
//! When `KECHUANG_TEST_PG` is unset the PostgreSQL half prints a loud SKIPPED
//! line, unless `CI=true`, where it fails: CI must run both backends.
//!
//! This crate is only ever a dev-dependency. It speaks sqlx directly for the
//! administrative statements (CREATE/DROP DATABASE) the store does not offer.

pub mod smtp;

use kechuang_store::Store;
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};
use std::path::PathBuf;

/// A fresh, migrated database for one test.
pub struct TestDb {
    /// The store over it.
    pub store: Store,
    /// For SQLite, the directory holding the file (kept alive with the test).
    pub dir: Option<tempfile::TempDir>,
    /// For SQLite, the database file.
    pub path: Option<PathBuf>,
    /// For PostgreSQL, the URL of the test database.
    pub url: Option<String>,
    pg_drop: Option<(String, String)>,
}

/// The PostgreSQL URL for tests, or `None` (after a loud notice) when unset
/// outside CI. Panics under `CI=true` when unset.
pub fn pg_url() -> Option<String> {
    match std::env::var("KECHUANG_TEST_PG") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("KECHUANG_TEST_PG is unset under CI=true: PostgreSQL tests must run in CI");
            }
            eprintln!(
                "SKIPPED (PostgreSQL): KECHUANG_TEST_PG is unset; run scripts/test.sh to include PostgreSQL"
            );
            None
        }
    }
}

fn template_name() -> String {
    let mut h = Sha256::new();
    for (v, _, s, p) in kechuang_store::MIGRATIONS {
        h.update(v.to_le_bytes());
        h.update(s.as_bytes());
        h.update(p.as_bytes());
    }
    let hex: String = h
        .finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("kechuang_tpl_{hex}")
}

fn with_db(url: &str, db: &str) -> String {
    // Replace the path component (database name) of a postgres URL, keeping the query.
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..path_start], db);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TestDb {
    /// A migrated SQLite file in a new temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("kechuang.db");
        let store = Store::open_sqlite(&path).await.expect("open sqlite");
        store.migrate().await.expect("migrate sqlite");
        TestDb {
            store,
            dir: Some(dir),
            path: Some(path),
            url: None,
            pg_drop: None,
        }
    }

    /// A migrated PostgreSQL database of its own, or `None` when PostgreSQL tests
    /// are skipped (see [`pg_url`]).
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = pg_url()?;
        let tpl = template_name();
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .expect("connect to KECHUANG_TEST_PG");
        // One process at a time creates the template.
        sqlx::query("SELECT pg_advisory_lock(7301002)")
            .execute(&mut admin)
            .await
            .expect("lock");
        let exists: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                .bind(&tpl)
                .fetch_optional(&mut admin)
                .await
                .expect("pg_database");
        if exists.is_none() {
            let building = format!("{tpl}_building");
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
            )))
            .execute(&mut admin)
            .await;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE DATABASE \"{building}\""
            )))
            .execute(&mut admin)
            .await
            .expect("create template");
            let store = Store::open_postgres(&with_db(&admin_url, &building), 2)
                .await
                .expect("open template");
            store.migrate().await.expect("migrate template");
            store.close().await;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "ALTER DATABASE \"{building}\" RENAME TO \"{tpl}\""
            )))
            .execute(&mut admin)
            .await
            .expect("rename template");
        }
        sqlx::query("SELECT pg_advisory_unlock(7301002)")
            .execute(&mut admin)
            .await
            .expect("unlock");
        let name = format!("t_{}", uuid::Uuid::now_v7().simple());
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{tpl}\""
        )))
        .execute(&mut admin)
        .await
        .expect("create test database");
        let _ = admin.close().await;
        let url = with_db(&admin_url, &name);
        let store = Store::open_postgres(&url, 5)
            .await
            .expect("open test database");
        Some(TestDb {
            store,
            dir: None,
            path: None,
            url: Some(url),
            pg_drop: Some((admin_url, name)),
        })
    }

    /// The SQLite path or PostgreSQL URL, as the CLI's `--database` takes it.
    pub fn target(&self) -> String {
        self.url.clone().unwrap_or_else(|| {
            self.path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.pg_drop.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which this blocks; so the cleanup runs
        // on a thread and runtime of its own, and FORCE ends the pool's connections
        // (closing the pool from here would wait on the blocked runtime).
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                    )))
                    .execute(&mut admin)
                    .await;
                }
            });
        })
        .join();
    }
}

/// Expands one async test body into a SQLite test and a PostgreSQL test:
///
/// ```text
/// store_test!(inserts_an_organisation, |store| {
///     let mut db = store.begin().await.unwrap();
///     // ...
/// });
/// ```
#[macro_export]
macro_rules! store_test {
    ($name:ident, |$store:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let db = $crate::TestDb::sqlite().await;
                let $store = db.store.clone();
                $body
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = $crate::TestDb::postgres().await else {
                    return;
                };
                let $store = db.store.clone();
                $body
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::with_db;

    #[test]
    fn replaces_the_database_of_a_url() {
        assert_eq!(
            with_db("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_db("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_db("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
