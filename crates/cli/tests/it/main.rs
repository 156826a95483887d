//! The binary from the outside: exit codes, one-line errors, data directories,
//! both databases, the event-chain check, and a kill -9 during an import.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap too"
)]

mod cmd;
mod demo;
mod kill;
mod ladder;
mod ledger_kill;
mod line_sim;
mod mm_import;
mod smoke;
