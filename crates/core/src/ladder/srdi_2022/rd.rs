//! R&D-expense checks shared by the 63号 and 2号 packs: an amount floor and a
//! share of 营业收入 in one year, with the smallest extra R&D that meets both.

use rust_decimal::Decimal;

use super::common::{all_of, rd, revenue, wan, yuan_gap};
use crate::ladder::outcome::{Condition, Met, pct};
use crate::ladder::profile::Profile;

/// One year's R&D against `min_amount` (万元) and `min_pct` (% of 营业收入).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RdYear {
    /// Whether both hold.
    pub(crate) met: Met,
    /// Extra R&D (万元) the known facts require; 0 when met or unknown.
    pub(crate) short: Decimal,
    /// Shown value, e.g. "2025年 120万元（3.50 %）".
    pub(crate) actual: Option<String>,
    /// Missing-data note.
    pub(crate) note: Option<String>,
}

/// Checks one year's R&D.
pub(crate) fn rd_year(
    profile: &Profile,
    year: i32,
    min_amount: Decimal,
    min_pct: Decimal,
) -> RdYear {
    let d = match rd(profile, year) {
        Ok(d) => d,
        Err(e) => {
            return RdYear {
                met: Met::Unknown,
                short: Decimal::ZERO,
                actual: None,
                note: Some(e),
            };
        }
    };
    let amount_short = (min_amount - d).max(Decimal::ZERO);
    match revenue(profile, year) {
        Ok(v) => {
            let ratio_short = (min_pct * v / Decimal::ONE_HUNDRED - d).max(Decimal::ZERO);
            let short = amount_short.max(ratio_short);
            let ratio = if v > Decimal::ZERO {
                format!("（{}）", pct(d * Decimal::ONE_HUNDRED / v, 2))
            } else {
                String::new()
            };
            RdYear {
                met: if short.is_zero() { Met::Yes } else { Met::No },
                short,
                actual: Some(format!("{year}年 {}{ratio}", wan(d))),
                note: None,
            }
        }
        Err(e) => RdYear {
            met: if amount_short.is_zero() {
                Met::Unknown
            } else {
                Met::No
            },
            short: amount_short,
            actual: Some(format!("{year}年 {}", wan(d))),
            note: Some(e),
        },
    }
}

/// Fills `c` from several years' checks: all must hold; the gap is the sum of
/// the known shortfalls.
pub(crate) fn rd_years_into(c: &mut Condition, years: &[RdYear]) {
    c.met = all_of(&years.iter().map(|y| y.met).collect::<Vec<_>>());
    let actual: Vec<&str> = years.iter().filter_map(|y| y.actual.as_deref()).collect();
    c.actual = (!actual.is_empty()).then(|| actual.join("；"));
    let notes: Vec<&str> = years.iter().filter_map(|y| y.note.as_deref()).collect();
    c.note = (!notes.is_empty()).then(|| notes.join("；"));
    let short: Decimal = years.iter().map(|y| y.short).sum();
    if c.met == Met::No && short > Decimal::ZERO {
        c.gap = Some(yuan_gap("研发投入", short));
    }
}
