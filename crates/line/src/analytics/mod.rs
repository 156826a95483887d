//! Pure line analytics: first-pass yield, rework, cycle time, bottleneck, throughput
//! and torque SPC. No I/O; integers in, integers (and exact ratios) out. Ratios are
//! turned into decimals only at the edges ([`Ratio::per_mille`], [`Ratio::pct`]).
//!
//! Definitions are documented in `docs/line-analytics.md`.

pub mod cycle;
pub mod spc;
pub mod yields;

pub use cycle::{Bottleneck, CycleHistogram, CycleStats, bottleneck, throughput_per_hour};
pub use spc::{
    Capability, ChartConstants, RunRule, RunRuleAlarm, Subgroup, XbarR, capability,
    chart_constants, run_rules, subgroups_of, xbar_r,
};
pub use yields::{LineYield, Ratio, StationYield, VisitOutcome, first_pass_yield};
