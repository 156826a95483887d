//! One ordered list of migrations for both backends.
//!
//! A migration is portable SQL; when a change cannot be portable it has a SQLite and
//! a PostgreSQL text under the same version. sqlx's `Migrator` applies them and
//! keeps checksums, so an edited applied migration is refused.

use crate::{Result, Store, StoreError};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use std::borrow::Cow;

/// `(version, description, sqlite sql, postgres sql)`.
pub const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "init",
        concat!(
            include_str!("../migrations/0001_init.sql"),
            "\n",
            include_str!("../migrations/0001_init.sqlite.sql")
        ),
        concat!(
            include_str!("../migrations/0001_init.sql"),
            "\n",
            include_str!("../migrations/0001_init.postgres.sql")
        ),
    ),
    (
        2,
        "ladder",
        include_str!("../migrations/0002_ladder.sql"),
        include_str!("../migrations/0002_ladder.sql"),
    ),
    (
        3,
        "matchmaking",
        include_str!("../migrations/0003_matchmaking.sql"),
        include_str!("../migrations/0003_matchmaking.sql"),
    ),
    (
        4,
        "mm_chain",
        include_str!("../migrations/0004_mm_chain.sql"),
        include_str!("../migrations/0004_mm_chain.sql"),
    ),
    (
        5,
        "mm_sessions",
        include_str!("../migrations/0005_mm_sessions.sql"),
        include_str!("../migrations/0005_mm_sessions.sql"),
    ),
    (
        6,
        "mm_import",
        include_str!("../migrations/0006_mm_import.sql"),
        include_str!("../migrations/0006_mm_import.sql"),
    ),
    (
        7,
        "ledger",
        include_str!("../migrations/0007_ledger.sql"),
        include_str!("../migrations/0007_ledger.sql"),
    ),
    (
        8,
        "subsidy",
        concat!(
            include_str!("../migrations/0008_subsidy.sql"),
            "\n",
            include_str!("../migrations/0008_subsidy.sqlite.sql")
        ),
        concat!(
            include_str!("../migrations/0008_subsidy.sql"),
            "\n",
            include_str!("../migrations/0008_subsidy.postgres.sql")
        ),
    ),
    (
        9,
        "credit",
        include_str!("../migrations/0009_credit.sql"),
        include_str!("../migrations/0009_credit.sql"),
    ),
    (
        10,
        "policy",
        include_str!("../migrations/0010_policy.sql"),
        include_str!("../migrations/0010_policy.sql"),
    ),
    (
        11,
        "contract",
        include_str!("../migrations/0011_contract.sql"),
        include_str!("../migrations/0011_contract.sql"),
    ),
    (
        12,
        "challenge",
        include_str!("../migrations/0012_challenge.sql"),
        include_str!("../migrations/0012_challenge.sql"),
    ),
    (
        13,
        "platform",
        include_str!("../migrations/0013_platform.sql"),
        include_str!("../migrations/0013_platform.sql"),
    ),
    (
        14,
        "contract_town",
        concat!(
            include_str!("../migrations/0014_contract_town.sql"),
            "\n",
            include_str!("../migrations/0014_contract_town.sqlite.sql")
        ),
        concat!(
            include_str!("../migrations/0014_contract_town.sql"),
            "\n",
            include_str!("../migrations/0014_contract_town.postgres.sql")
        ),
    ),
    (
        15,
        "line",
        include_str!("../migrations/0015_line.sql"),
        include_str!("../migrations/0015_line.sql"),
    ),
    (
        16,
        "geo",
        include_str!("../migrations/0016_geo.sql"),
        include_str!("../migrations/0016_geo.sql"),
    ),
    (
        17,
        "portal",
        include_str!("../migrations/0017_portal.sql"),
        include_str!("../migrations/0017_portal.sql"),
    ),
    (
        19,
        "line_rollup",
        include_str!("../migrations/0019_line_rollup.sql"),
        include_str!("../migrations/0019_line_rollup.sql"),
    ),
    (
        20,
        "line_batch_seq",
        concat!(
            include_str!("../migrations/0020_line_batch_seq.sql"),
            "\n",
            include_str!("../migrations/0020_line_batch_seq.sqlite.sql")
        ),
        concat!(
            include_str!("../migrations/0020_line_batch_seq.sql"),
            "\n",
            include_str!("../migrations/0020_line_batch_seq.postgres.sql")
        ),
    ),
    (
        21,
        "map_version",
        concat!(
            include_str!("../migrations/0021_map_version.sql"),
            "\n",
            include_str!("../migrations/0021_map_version.sqlite.sql")
        ),
        concat!(
            include_str!("../migrations/0021_map_version.sql"),
            "\n",
            include_str!("../migrations/0021_map_version.postgres.sql")
        ),
    ),
];

fn migrator(postgres: bool) -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|&(v, d, s, p)| {
                let sql = if postgres { p } else { s };
                Migration::new(
                    v,
                    Cow::Borrowed(d),
                    MigrationType::Simple,
                    sqlx::AssertSqlSafe(sql).into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

use sqlx::SqlSafeStr;

pub(crate) async fn run(store: &Store) -> Result<()> {
    if let Some(pool) = store.sqlite_write_pool() {
        migrator(false)
            .run(pool)
            .await
            .map_err(|e| StoreError::Corrupt(format!("migration: {e}")))?;
    }
    if let Some(pool) = store.pg_pool() {
        migrator(true)
            .run(pool)
            .await
            .map_err(|e| StoreError::Corrupt(format!("migration: {e}")))?;
    }
    Ok(())
}
