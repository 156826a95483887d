//! kechuang-app integration tests on real databases (SQLite and PostgreSQL).
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap too"
)]

mod chain;
mod common;
mod demo;
mod export;
mod filing;
mod import;
mod ladder;
mod ledger;
mod matchmaking;
mod org;
