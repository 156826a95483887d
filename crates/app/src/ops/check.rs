//! `kechuang check`: is the database whole?

use crate::{Actor, App, AppResult};
use kechuang_store::ChainReport;

/// What the check found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckReport {
    /// The event log's hash chain.
    pub events: ChainReport,
    /// Rollup groups that differ from a recomputation (empty when sound).
    pub rollup_mismatches: Vec<String>,
    /// Differences between `filing_current` and the current filing versions.
    pub current_mismatches: Vec<String>,
    /// Current filings whose values break a consistency rule.
    pub inconsistent_filings: Vec<String>,
    /// The money ledger's proof (balanced, sums to zero, rebuilds, no overdraft).
    pub ledger: super::ledger::LedgerCheck,
}

impl CheckReport {
    /// Whether everything holds.
    pub fn ok(&self) -> bool {
        self.events.first_break.is_none()
            && self.rollup_mismatches.is_empty()
            && self.current_mismatches.is_empty()
            && self.inconsistent_filings.is_empty()
            && self.ledger.ok()
    }
}

/// Verifies the event chain, the derived filing tables, and every current filing.
pub async fn run(app: &App, actor: &Actor) -> AppResult<CheckReport> {
    actor.require_admin()?;
    let mut db = app.store.read().await?;
    let events = db.verify_event_chain().await?;
    let stored = db.rollup_all().await?;
    let fresh = db.rollup_recomputed().await?;
    let mut rollup_mismatches = Vec::new();
    for (k, v) in &fresh {
        if stored.get(k) != Some(v) {
            rollup_mismatches.push(format!("{k:?}"));
        }
    }
    for k in stored.keys() {
        if !fresh.contains_key(k) {
            rollup_mismatches.push(format!("{k:?} (stale)"));
        }
    }
    let current_mismatches = db.filing_current_mismatches().await?;
    let mut inconsistent_filings = Vec::new();
    for org in db.all_organisations().await? {
        for f in db.current_filings_of(&org.id).await? {
            let problems = kechuang_core::indicator::check(&f.values);
            if !problems.is_empty() {
                inconsistent_filings.push(format!(
                    "{} {} v{}: {}",
                    org.org.credit_code,
                    f.period,
                    f.version,
                    problems
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
            }
        }
    }
    let ledger = super::ledger::check(&mut db).await?;
    Ok(CheckReport {
        events,
        ledger,
        rollup_mismatches,
        current_mismatches,
        inconsistent_filings,
    })
}
