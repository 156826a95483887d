//! kechuang-app integration tests on real databases (SQLite and PostgreSQL).
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap too"
)]

mod bad_input;
mod chain;
mod challenge;
mod common;
mod contract;
mod credit;
mod dashboard_filters;
mod demo;
mod export;
mod filing;
mod import;
mod ladder;
mod ledger;
mod line_analytics;
mod line_config;
mod line_runner;
mod line_runner_input;
mod map;
mod match_eval;
mod matchmaking;
mod mm_import;
mod org;
mod platform;
mod policy;
mod portal;
mod report_files;
mod sessions;
mod subsidy;
