//! kechuang-app integration tests on real databases (SQLite and PostgreSQL).
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap too"
)]

mod common;
mod demo;
mod export;
mod filing;
mod import;
mod ladder;
mod match_eval;
mod matchmaking;
mod org;
