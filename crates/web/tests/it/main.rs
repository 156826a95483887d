//! kechuang-web integration tests: the real router over a real database.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap too"
)]

mod api;
mod chain;
mod challenge;
mod contracts;
mod credit;
mod harness;
mod io;
mod ladder;
mod ledger;
mod map;
mod matchmaking;
mod mm_import;
mod pages;
mod platforms;
mod policy;
mod portal;
mod scope;
mod sessions;
mod subsidy;
