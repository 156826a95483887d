//! Store contract tests: every body runs on SQLite and on PostgreSQL.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap too"
)]

mod bulk;
mod chain;
mod event_log;
mod filing;
mod fixtures;
mod line;
mod matchmaking;
mod mm_session;
mod org;
mod parity;
mod stats;
mod user;
