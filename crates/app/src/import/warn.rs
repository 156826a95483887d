//! Values that look like 元 typed where 万元 is expected.
//!
//! A money value about 10,000 times the enterprise's own history is suspicious:
//! the reference is the median of the enterprise's values for the same indicator
//! in its other periods, taken from the store and the file (the file's value
//! wins for a period both hold). A value at least [`RATIO`] times its reference
//! is reported as `unit_suspect`.
//!
//! To keep memory small on a million-row sheet, the row pass keeps only a 16-bit
//! logarithm of each money value; those find the candidates. Only when there are
//! candidates are their exact values read again (the sheet's candidate rows and
//! the store's current filings), and the exact comparison decides.

use super::read::{Book, Flow};
use super::sheets::SheetPlan;
use super::template::Field;
use super::validate::{Periods, indicator_value};
use kechuang_core::FieldError;
use kechuang_core::indicator::{self, Indicator, Values};
use kechuang_core::period::Period;
use std::collections::{HashMap, HashSet};

/// A value at least this many times its reference is suspicious.
pub(crate) const RATIO: i64 = 2000;

/// Log units per doubling.
const SCALE: f64 = 1024.0;

/// About `1 + log2(v) · 1024` for a positive value, 0 otherwise: the double's
/// exponent and the top ten bits of its mantissa, a piecewise-linear log2 that is
/// off by at most 0.086 (a factor of 1.06), which the candidate margin absorbs.
fn log_code(v: i64) -> u16 {
    if v <= 0 {
        return 0;
    }
    let bits = (v as f64).to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mantissa = ((bits >> 42) & 0x3ff) as i64;
    (exponent * 1024 + mantissa + 1).clamp(1, i64::from(u16::MAX)) as u16
}

/// The money indicators.
fn money() -> impl Iterator<Item = &'static Indicator> {
    indicator::ALL.iter().filter(|i| i.unit.is_money())
}

/// Money values per row, as log codes: one row per filing (file or store).
#[derive(Debug, Default)]
pub(crate) struct FileLog {
    /// The money indicators tracked (indexes into `indicator::ALL`).
    slots: Vec<usize>,
    /// Per row: organisation index, period code, Excel row (0 for the store).
    meta: Vec<(u32, i32, u32)>,
    /// Row-major codes, `slots.len()` per row.
    codes: Vec<u16>,
}

impl FileLog {
    /// Tracks the money indicators among these columns.
    pub(crate) fn start(&mut self, inds: &[(usize, &'static Indicator)]) {
        self.slots = inds
            .iter()
            .filter(|(_, i)| i.unit.is_money())
            .map(|(_, i)| i.index)
            .collect();
    }

    /// Tracks every money indicator (for store history).
    pub(crate) fn all_money() -> Self {
        FileLog {
            slots: money().map(|i| i.index).collect(),
            ..FileLog::default()
        }
    }

    /// Records one filing's money values.
    pub(crate) fn push(&mut self, org: u32, period: Period, row: u32, values: &Values) {
        if self.slots.is_empty() {
            return;
        }
        self.meta.push((org, period.code(), row));
        self.codes
            .extend(self.slots.iter().map(|s| values.0[*s].map_or(0, log_code)));
    }
}

/// The lower middle of a sorted slice.
fn lower_median<T: Copy>(sorted: &[T]) -> Option<T> {
    if sorted.is_empty() {
        None
    } else {
        Some(sorted[(sorted.len() - 1) / 2])
    }
}

/// `(organisation, indicator index)` pairs whose file values may be suspicious,
/// with the Excel rows of the organisation's valid filing rows.
pub(crate) struct Candidates {
    /// Suspicious pairs.
    pub pairs: HashSet<(u32, usize)>,
    /// Excel row → organisation, for the valid rows of the organisations in `pairs`.
    pub rows: HashMap<u32, u32>,
}

impl Candidates {
    /// The suspicious indicators of each organisation.
    pub(crate) fn by_org(&self) -> HashMap<u32, Vec<usize>> {
        let mut m: HashMap<u32, Vec<usize>> = HashMap::new();
        for &(org, ind) in &self.pairs {
            m.entry(org).or_default().push(ind);
        }
        m
    }
}

/// The lower median of a sorted slice without its `k`-th element.
fn median_without(sorted: &[u16], k: usize) -> Option<u16> {
    let n = sorted.len();
    if n < 2 {
        return None;
    }
    let m = (n - 2) / 2;
    Some(if k > m { sorted[m] } else { sorted[m + 1] })
}

/// Finds candidates from the log codes, with a 7 % margin (twice the log code's
/// error bound and then some) the exact check removes.
pub(crate) fn candidates(file: &FileLog, store: &FileLog) -> Candidates {
    let mut pairs = HashSet::new();
    if file.slots.is_empty() || file.meta.is_empty() {
        return Candidates {
            pairs,
            rows: HashMap::new(),
        };
    }
    let threshold = ((RATIO as f64 / 1.07 / 1.07).log2() * SCALE) as i32;
    let fw = file.slots.len();
    let sw = store.slots.len();
    let store_pos: Vec<Option<usize>> = file
        .slots
        .iter()
        .map(|ind| store.slots.iter().position(|s| s == ind))
        .collect();
    let mut by_org_file: Vec<usize> = (0..file.meta.len()).collect();
    by_org_file.sort_unstable_by_key(|i| file.meta[*i].0);
    let mut by_org_store: Vec<usize> = (0..store.meta.len()).collect();
    by_org_store.sort_unstable_by_key(|i| store.meta[*i].0);
    // (period, from the file, code), then the codes sorted, reused for every group.
    let mut entries: Vec<(i32, bool, u16)> = Vec::new();
    let mut sorted: Vec<u16> = Vec::new();
    let (mut s, mut f) = (0, 0);
    while f < by_org_file.len() {
        let org = file.meta[by_org_file[f]].0;
        let f_end = f + by_org_file[f..]
            .iter()
            .take_while(|i| file.meta[**i].0 == org)
            .count();
        while s < by_org_store.len() && store.meta[by_org_store[s]].0 < org {
            s += 1;
        }
        let s_end = s + by_org_store[s..]
            .iter()
            .take_while(|i| store.meta[**i].0 == org)
            .count();
        for (k, &ind) in file.slots.iter().enumerate() {
            entries.clear();
            if let Some(sk) = store_pos[k] {
                for &i in &by_org_store[s..s_end] {
                    entries.push((store.meta[i].1, false, store.codes[i * sw + sk]));
                }
            }
            for &i in &by_org_file[f..f_end] {
                entries.push((file.meta[i].1, true, file.codes[i * fw + k]));
            }
            // The file's value wins for a period both hold.
            entries.sort_unstable_by_key(|e| (e.0, e.1));
            entries.dedup_by(|later, earlier| {
                if later.0 == earlier.0 {
                    *earlier = *later;
                    true
                } else {
                    false
                }
            });
            sorted.clear();
            sorted.extend(entries.iter().filter(|e| e.2 > 0).map(|e| e.2));
            if sorted.len() < 2 {
                continue;
            }
            sorted.sort_unstable();
            let suspicious = entries.iter().filter(|e| e.1 && e.2 > 0).any(|e| {
                let k = sorted.partition_point(|c| *c < e.2);
                median_without(&sorted, k)
                    .is_some_and(|m| i32::from(e.2) - i32::from(m) >= threshold)
            });
            if suspicious {
                pairs.insert((org, ind));
            }
        }
        f = f_end;
        s = s_end;
    }
    let orgs: HashSet<u32> = pairs.iter().map(|p| p.0).collect();
    let rows = file
        .meta
        .iter()
        .filter(|m| orgs.contains(&m.0))
        .map(|m| (m.2, m.0))
        .collect();
    Candidates { pairs, rows }
}

/// An exact money value from the file.
pub(crate) struct FileValue {
    org: u32,
    period: i32,
    row: u32,
    ind: usize,
    value: i64,
}

/// Reads the candidate rows again for their exact values. Runs on a blocking thread.
pub(crate) fn exact_file_values(
    book: &mut Book,
    plan: &SheetPlan,
    c: &Candidates,
) -> Vec<FileValue> {
    let mut out = Vec::new();
    let Some(period_col) = plan.layout.col(Field::Period) else {
        return out;
    };
    let cols: HashMap<usize, usize> = plan
        .layout
        .indicators()
        .into_iter()
        .map(|(col, ind)| (ind.index, col))
        .collect();
    let is_1904 = book.is_1904;
    let mut periods = Periods::default();
    let by_org = c.by_org();
    let result = book.for_each_row(plan.index, &mut |row, cells| {
        let Some(&org) = c.rows.get(&row) else {
            return Flow::Continue;
        };
        let Ok(period) = periods.parse(
            cells.get(period_col).unwrap_or(&super::read::Cell::Empty),
            is_1904,
        ) else {
            return Flow::Continue;
        };
        for &ind in by_org.get(&org).map_or(&[][..], Vec::as_slice) {
            let (Some(col), Some(i)) = (cols.get(&ind), indicator::ALL.get(ind)) else {
                continue;
            };
            if let Some(cell) = cells.get(*col)
                && let Ok(Some(v)) = indicator_value(i, cell, is_1904)
            {
                out.push(FileValue {
                    org,
                    period: period.code(),
                    row,
                    ind,
                    value: v,
                });
            }
        }
        Flow::Continue
    });
    if result.is_err() {
        tracing::warn!("import: second read of the filings sheet failed");
    }
    out
}

/// One suspicious value.
pub(crate) struct Suspect {
    /// Excel row.
    pub row: u32,
    /// Indicator index.
    pub ind: usize,
    /// The warning.
    pub error: FieldError,
}

/// Period → (value, Excel row when the value is the file's).
type ByPeriod = HashMap<i32, (i64, Option<u32>)>;

/// The exact decision: file values at least [`RATIO`] times the lower median of
/// the organisation's other periods (store values overridden by the file's).
pub(crate) fn exact(
    c: &Candidates,
    file: &[FileValue],
    store: &[(u32, Period, Values)],
) -> Vec<Suspect> {
    let pairs = &c.pairs;
    let by_org = c.by_org();
    let mut groups: HashMap<(u32, usize), ByPeriod> = HashMap::new();
    for (org, p, v) in store {
        for &ind in by_org.get(org).map_or(&[][..], Vec::as_slice) {
            if let Some(x) = v.0[ind] {
                groups
                    .entry((*org, ind))
                    .or_default()
                    .insert(p.code(), (x, None));
            }
        }
    }
    for fv in file {
        if pairs.contains(&(fv.org, fv.ind)) {
            groups
                .entry((fv.org, fv.ind))
                .or_default()
                .insert(fv.period, (fv.value, Some(fv.row)));
        }
    }
    let mut out = Vec::new();
    for ((_, ind), by_period) in groups {
        let Some(i) = indicator::ALL.get(ind) else {
            continue;
        };
        let all: Vec<(i32, i64, Option<u32>)> = by_period
            .into_iter()
            .map(|(p, (v, r))| (p, v, r))
            .filter(|x| x.1 > 0)
            .collect();
        for x in &all {
            let Some(row) = x.2 else { continue };
            let mut others: Vec<i64> = all.iter().filter(|y| y.0 != x.0).map(|y| y.1).collect();
            others.sort_unstable();
            let Some(m) = lower_median(&others) else {
                continue;
            };
            if i128::from(x.1) >= i128::from(m) * i128::from(RATIO) {
                let ratio = (x.1 as f64 / m as f64).round();
                out.push(Suspect {
                    row,
                    ind,
                    error: FieldError::new(i.code, "unit_suspect")
                        .with("value", i.format_value(x.1))
                        .with("reference", i.format_value(m))
                        .with("ratio", format!("{ratio:.0}")),
                });
            }
        }
    }
    out.sort_by_key(|s| (s.row, s.ind));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(rd: &str) -> Values {
        Values::parse_map([("rd_expense", rd)]).unwrap()
    }

    #[test]
    fn a_value_ten_thousand_times_the_history_is_a_candidate_and_confirmed() {
        let p = |s| Period::parse(s).unwrap();
        let mut file = FileLog::default();
        let rd = indicator::by_code("rd_expense").unwrap();
        file.start(&[(3, rd)]);
        file.push(0, p("2023Q1"), 2, &vals("100"));
        file.push(0, p("2023Q2"), 3, &vals("2000000"));
        file.push(1, p("2023Q1"), 4, &vals("50"));
        let mut store = FileLog::all_money();
        store.push(0, p("2022Q4"), 0, &vals("380"));
        let c = candidates(&file, &store);
        assert_eq!(c.pairs, HashSet::from([(0, rd.index)]));
        assert_eq!(c.rows.get(&3), Some(&0));
        let fv = vec![
            FileValue {
                org: 0,
                period: p("2023Q1").code(),
                row: 2,
                ind: rd.index,
                value: 100_000_000,
            },
            FileValue {
                org: 0,
                period: p("2023Q2").code(),
                row: 3,
                ind: rd.index,
                value: 2_000_000_000_000,
            },
        ];
        let s = exact(&c, &fv, &[(0, p("2022Q4"), vals("380"))]);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].row, 3);
        assert_eq!(s[0].error.param("reference"), Some("100"));
        assert_eq!(s[0].error.param("ratio"), Some("20000"));
    }

    #[test]
    fn growth_below_the_ratio_is_not_suspicious() {
        let p = |s| Period::parse(s).unwrap();
        let mut file = FileLog::default();
        let rd = indicator::by_code("rd_expense").unwrap();
        file.start(&[(3, rd)]);
        file.push(0, p("2023Q1"), 2, &vals("100"));
        file.push(0, p("2023Q4"), 3, &vals("150000"));
        assert!(candidates(&file, &FileLog::all_money()).pairs.is_empty());
    }
}
