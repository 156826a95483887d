//! Qualification histories that add up to the report's tier counts.
//!
//! The counts are met by construction, under the report's definitions:
//!
//! * 科技型企业: [`TECH_TOTAL`] enterprises hold a record valid on the snapshot day,
//!   of which [`TECH_NEW`] were first recognised in 2023 ("new"); the others were
//!   first recognised earlier, some with a renewal (also in 2023 — a renewal is not
//!   new) or a lapse and a return. Further enterprises lapsed for good, with an
//!   explicit 有效期至 before the snapshot, and the rest never qualified.
//! * 高新技术企业: chains of 3-year certificates on the yearly batch dates; exactly
//!   [`HIGH_TECH_TOTAL`] chains end in a certificate still valid (2021, 2022 or
//!   2023 batch, the last one a renewal for 2020 holders), the others expired.
//! * 专精特新: [`SRDI_TOTAL`] enterprises valid, [`SRDI_NEW`] of them first
//!   recognised in the 2023 batches; the rest of the valid ones earlier (renewed
//!   when their term ran out), a few expired, and a few 小巨人 among the valid ones
//!   (so a 小巨人 never changes the once-per-enterprise count).
//!
//! 科技型中小企业 (yearly 入库 with a 入库编号) and 创新型中小企业 are added for
//! plausibility; the report does not count them.

use super::enterprises::{Firm, Special};
use super::rng::Rng;
use super::targets::{
    HIGH_TECH_TOTAL, RANGE_FROM, SNAPSHOT, SRDI_NEW, SRDI_TOTAL, TECH_NEW, TECH_TOTAL, ymd,
};
use crate::{AppError, AppResult};
use chrono::{Datelike, NaiveDate, TimeDelta};
use kechuang_core::qualification::{Qualification, QualificationKind as K};

/// Where an enterprise stands as a 科技型企业 on the snapshot day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Tech {
    /// Never recognised.
    #[default]
    None,
    /// Valid, first recognised before 2023.
    Old,
    /// Valid, first recognised in 2023.
    New,
    /// Recognised once, lapsed before the snapshot.
    Lapsed,
}

/// An enterprise's tiers, as the filings and IP generators need them.
#[derive(Debug, Clone, Default)]
pub(crate) struct FirmTiers {
    /// 科技型企业 standing.
    pub tech: Tech,
    /// 高新技术企业 certificates (recognition dates; each valid three years).
    pub high_tech: Vec<NaiveDate>,
    /// Holds a 高企 certificate valid on the snapshot day.
    pub high_tech_valid: bool,
    /// Holds a valid 专精特新 recognition on the snapshot day.
    pub srdi_valid: bool,
    /// Is a 专精特新"小巨人".
    pub little_giant: bool,
}

impl FirmTiers {
    /// Whether a 高企 certificate covers `day`.
    pub(crate) fn high_tech_on(&self, day: NaiveDate) -> bool {
        self.high_tech
            .iter()
            .any(|&d| d <= day && day <= three_years(d))
    }

    /// Whether the firm counts as innovative at all (any tier ever).
    pub(crate) fn is_tech(&self) -> bool {
        self.tech != Tech::None || !self.high_tech.is_empty()
    }
}

/// Every tier of every firm, and the records to store.
#[derive(Debug, Default)]
pub(crate) struct Tiers {
    /// Per firm, in plan order.
    pub firms: Vec<FirmTiers>,
    /// `(firm index, record)`.
    pub records: Vec<(usize, Qualification)>,
}

/// 高企 certificate dates of the yearly batches (demo dates).
const HIGH_TECH_BATCHES: [(i32, u32, u32); 10] = [
    (2014, 10, 14),
    (2015, 10, 28),
    (2016, 12, 13),
    (2017, 11, 13),
    (2018, 11, 30),
    (2019, 11, 21),
    (2020, 10, 9),
    (2021, 11, 12),
    (2022, 11, 28),
    (2023, 10, 16),
];

/// 专精特新中小企业 batches (demo dates); the last two fall in the report range.
const SRDI_BATCHES: [NaiveDate; 9] = [
    ymd(2019, 6, 28),
    ymd(2020, 7, 21),
    ymd(2020, 12, 25),
    ymd(2021, 7, 29),
    ymd(2021, 12, 24),
    ymd(2022, 6, 30),
    ymd(2022, 12, 16),
    ymd(2023, 4, 14),
    ymd(2023, 9, 15),
];

/// 专精特新"小巨人" batches (demo dates).
const LITTLE_GIANT_BATCHES: [NaiveDate; 4] = [
    ymd(2020, 11, 27),
    ymd(2021, 7, 19),
    ymd(2022, 8, 5),
    ymd(2023, 7, 26),
];

/// 创新型中小企业 batches (demo dates).
const INNOVATIVE_BATCHES: [NaiveDate; 2] = [ymd(2022, 9, 20), ymd(2023, 6, 21)];

fn high_tech_batch(year: i32) -> NaiveDate {
    HIGH_TECH_BATCHES
        .iter()
        .find(|b| b.0 == year)
        .map_or(ymd(year, 11, 1), |&(y, m, d)| ymd(y, m, d))
}

/// The last day of a three-year term (as [`Qualification::new`] computes it).
fn three_years(d: NaiveDate) -> NaiveDate {
    d.with_year(d.year() + 3)
        .unwrap_or(d + TimeDelta::days(1095))
        - TimeDelta::days(1)
}

fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

fn internal(what: String) -> AppError {
    AppError::Internal(anyhow::anyhow!("demo qualifications: {what}"))
}

/// The `n` candidates with the highest key (ties by plan order); all of them when
/// there are fewer and `exact` is false.
fn pick_top(
    cands: impl Iterator<Item = usize>,
    key: impl Fn(usize) -> f64,
    n: usize,
    exact: bool,
    what: &str,
) -> AppResult<Vec<usize>> {
    let mut v: Vec<(f64, usize)> = cands.map(|i| (key(i), i)).collect();
    if exact && v.len() < n {
        return Err(internal(format!("{what}: {} candidates for {n}", v.len())));
    }
    v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(v.into_iter().take(n).map(|(_, i)| i).collect())
}

/// Draws unique serial numbers per year.
#[derive(Default)]
struct Serials(std::collections::HashSet<(i32, i64)>);

impl Serials {
    /// A random unused serial in `1..=max`; when random draws keep colliding, the
    /// lowest unused one (the ranges are far larger than the demo needs).
    fn next(&mut self, rng: &mut Rng, year: i32, max: i64) -> i64 {
        for _ in 0..64 {
            let s = rng.between(1, max);
            if self.0.insert((year, s)) {
                return s;
            }
        }
        let s = (1..).find(|s| !self.0.contains(&(year, *s))).unwrap_or(max);
        self.0.insert((year, s));
        s
    }
}

struct Builder<'a> {
    firms: &'a [Firm],
    rng: Rng,
    tiers: Tiers,
    serials: Serials,
}

impl Builder<'_> {
    fn add(
        &mut self,
        firm: usize,
        kind: K,
        number: Option<String>,
        on: NaiveDate,
        until: Option<NaiveDate>,
    ) -> AppResult<()> {
        if on > SNAPSHOT {
            return Err(internal(format!(
                "{} recognised after the snapshot ({on})",
                kind.code()
            )));
        }
        let q = Qualification::new(kind, number, on, until).map_err(|e| internal(e.to_string()))?;
        self.tiers.records.push((firm, q));
        Ok(())
    }

    fn founded(&self, i: usize) -> NaiveDate {
        self.firms[i].founded
    }

    /// A first 科技型企业 recognition before 2023, weighted to recent years (the
    /// "双倍增" growth), at least half a year after founding.
    fn early_tech_date(&mut self, i: usize, last_year: i32) -> NaiveDate {
        let earliest = (self.founded(i) + days(180)).max(ymd(2015, 1, 1));
        let weights: Vec<u32> = (2015..=last_year)
            .map(|y| {
                if y < earliest.year() {
                    0
                } else {
                    [3, 4, 6, 8, 11, 14, 18, 22][(y - 2015) as usize % 8]
                }
            })
            .collect();
        if weights.iter().all(|&w| w == 0) {
            return earliest.min(ymd(last_year, 12, 31));
        }
        let y = 2015 + self.rng.weighted(&weights) as i32;
        self.rng
            .date_between(earliest.max(ymd(y, 1, 1)), ymd(y, 12, 31))
    }

    fn tech_old(&mut self, i: usize) -> AppResult<()> {
        let first = self.early_tech_date(i, 2022);
        let r = self.rng.unit();
        if r < 0.55 {
            return self.add(i, K::TechEnterprise, None, first, None);
        }
        if r < 0.85 {
            let renewal = first
                .with_year(first.year() + 2)
                .unwrap_or(first + days(730));
            if renewal > SNAPSHOT {
                return self.add(i, K::TechEnterprise, None, first, None);
            }
            self.add(i, K::TechEnterprise, None, first, Some(renewal - days(1)))?;
            return self.add(i, K::TechEnterprise, None, renewal, None);
        }
        // Lapsed, then recognised again.
        let until = first + days(self.rng.between(365, 730));
        if until >= SNAPSHOT - days(2) {
            return self.add(i, K::TechEnterprise, None, first, None);
        }
        let back = (until + days(self.rng.between(30, 400))).min(SNAPSHOT);
        let back = if back <= until { until + days(1) } else { back };
        self.add(i, K::TechEnterprise, None, first, Some(until))?;
        self.add(i, K::TechEnterprise, None, back, None)
    }

    fn tech_new(&mut self, i: usize) -> AppResult<()> {
        let from = (self.founded(i) + days(90)).max(RANGE_FROM + days(4));
        let on = self.rng.date_between(from.min(SNAPSHOT), SNAPSHOT);
        self.add(i, K::TechEnterprise, None, on, None)
    }

    fn tech_lapsed(&mut self, i: usize) -> AppResult<()> {
        let first = self.early_tech_date(i, 2021);
        let last_day = ymd(2023, 9, 30);
        if self.rng.chance(0.3) {
            let renewal = first
                .with_year(first.year() + 2)
                .unwrap_or(first + days(730));
            let end = renewal + days(self.rng.between(200, 500));
            if end <= last_day {
                self.add(i, K::TechEnterprise, None, first, Some(renewal - days(1)))?;
                return self.add(i, K::TechEnterprise, None, renewal, Some(end));
            }
        }
        let until = (first + days(self.rng.between(365, 1095)))
            .min(last_day)
            .max(first + days(180));
        self.add(i, K::TechEnterprise, None, first, Some(until))
    }

    /// A chain of 高企 certificates ending in `last`, going back three years at a
    /// time while the firm was old enough and kept renewing.
    fn high_tech_chain(&mut self, i: usize, last: i32) -> AppResult<()> {
        let mut years = vec![last];
        let mut y = last - 3;
        while y >= 2014 && high_tech_batch(y) >= self.founded(i) + days(365) && self.rng.chance(0.7)
        {
            years.push(y);
            y -= 3;
        }
        years.reverse();
        for y in years {
            let serial = self.serials.next(&mut self.rng, y, 2_999);
            let on = high_tech_batch(y);
            self.add(
                i,
                K::HighTech,
                Some(format!("GR{y}51{serial:06}")),
                on,
                None,
            )?;
            self.tiers.firms[i].high_tech.push(on);
        }
        Ok(())
    }

    /// A year whose batch the firm was old enough for (a firm must be registered a
    /// year before applying), drawn with weights; the latest one when none fits.
    fn batch_year(&mut self, i: usize, choices: &[(i32, u32)]) -> i32 {
        let ok: Vec<u32> = choices
            .iter()
            .map(|&(y, w)| {
                if high_tech_batch(y) >= self.founded(i) + days(365) {
                    w
                } else {
                    0
                }
            })
            .collect();
        if ok.iter().all(|&w| w == 0) {
            return choices.last().map_or(2023, |c| c.0);
        }
        choices[self.rng.weighted(&ok)].0
    }

    /// First 专精特新 batch (at least two years after founding), renewed at each
    /// expiry until the firm is valid on the snapshot day.
    fn srdi_valid_chain(&mut self, i: usize) -> AppResult<NaiveDate> {
        let weights: Vec<u32> = SRDI_BATCHES[..7]
            .iter()
            .zip([6, 8, 10, 12, 12, 14, 14])
            .map(|(&b, w)| {
                if b >= self.founded(i) + days(730) {
                    w
                } else {
                    0
                }
            })
            .collect();
        if weights.iter().all(|&w| w == 0) {
            return Err(internal(format!("srdi: {} too young", self.firms[i].name)));
        }
        let first = SRDI_BATCHES[self.rng.weighted(&weights)];
        let mut on = first;
        loop {
            self.add(i, K::Srdi, None, on, None)?;
            let until = three_years(on);
            if until >= SNAPSHOT {
                break;
            }
            on = *SRDI_BATCHES
                .iter()
                .find(|&&b| b >= until - days(90) && b > on)
                .ok_or_else(|| internal(format!("srdi: no renewal batch after {until}")))?;
        }
        self.tiers.firms[i].srdi_valid = true;
        Ok(first)
    }
}

/// Assigns every tier so that the report's counts come out exactly.
pub(crate) fn assign(seed: u64, firms: &[Firm]) -> AppResult<Tiers> {
    let n = firms.len();
    let mut b = Builder {
        firms,
        rng: Rng::stream(seed, "qualifications"),
        tiers: Tiers::default(),
        serials: Serials::default(),
    };
    b.tiers.firms = vec![FirmTiers::default(); n];
    let tech = |i: usize| firms[i].techiness;
    let young = |i: usize| firms[i].founded >= ymd(2020, 1, 1);

    // 科技型企业.
    let old = pick_top(
        (0..n).filter(|&i| firms[i].founded <= ymd(2022, 6, 30)),
        |i| tech(i) - if young(i) { 0.35 } else { 0.0 },
        TECH_TOTAL - TECH_NEW,
        true,
        "tech (old)",
    )?;
    for &i in &old {
        b.tiers.firms[i].tech = Tech::Old;
    }
    let new = pick_top(
        (0..n).filter(|&i| b.tiers.firms[i].tech == Tech::None),
        |i| tech(i) + if young(i) { 0.5 } else { 0.0 },
        TECH_NEW,
        true,
        "tech (new)",
    )?;
    for &i in &new {
        b.tiers.firms[i].tech = Tech::New;
    }
    let mut rest: Vec<usize> = (0..n)
        .filter(|&i| b.tiers.firms[i].tech == Tech::None && firms[i].founded <= ymd(2021, 6, 30))
        .collect();
    b.rng.shuffle(&mut rest);
    let lapsed_n = 70 + b.rng.index(40);
    for &i in rest.iter().take(lapsed_n) {
        b.tiers.firms[i].tech = Tech::Lapsed;
    }
    for i in 0..n {
        match b.tiers.firms[i].tech {
            Tech::Old => b.tech_old(i)?,
            Tech::New => b.tech_new(i)?,
            Tech::Lapsed => b.tech_lapsed(i)?,
            Tech::None => {}
        }
    }

    // 高新技术企业: valid chains among the established tech firms, bigger ones first.
    let size = |i: usize| (firms[i].revenue_2022 / 2000.0).min(4.0) * 0.15;
    let valid = pick_top(
        old.iter().copied(),
        |i| tech(i) + size(i) + if firms[i].above_scale { 0.3 } else { 0.0 },
        HIGH_TECH_TOTAL,
        true,
        "high tech (valid)",
    )?;
    for &i in &valid {
        let last = b.batch_year(i, &[(2021, 30), (2022, 35), (2023, 35)]);
        b.high_tech_chain(i, last)?;
        b.tiers.firms[i].high_tech_valid = true;
    }
    let expired_n = 30 + b.rng.index(20);
    let expired = pick_top(
        (0..n).filter(|&i| {
            matches!(b.tiers.firms[i].tech, Tech::Old | Tech::Lapsed)
                && !b.tiers.firms[i].high_tech_valid
                && firms[i].founded <= ymd(2019, 6, 30)
        }),
        |i| tech(i) + size(i),
        expired_n,
        false,
        "high tech (expired)",
    )?;
    for &i in &expired {
        let last = b.batch_year(i, &[(2016, 2), (2017, 3), (2018, 4), (2019, 6), (2020, 8)]);
        b.high_tech_chain(i, last)?;
    }

    // 专精特新 and 小巨人.
    let srdi_key = |i: usize, t: &[FirmTiers]| {
        tech(i)
            + if firms[i].above_scale { 0.4 } else { 0.0 }
            + if t[i].high_tech_valid { 0.5 } else { 0.0 }
    };
    let snapshot_tiers = b.tiers.firms.clone();
    let srdi_old = pick_top(
        (0..n).filter(|&i| {
            b.tiers.firms[i].tech == Tech::Old && firms[i].founded + days(730) <= SRDI_BATCHES[6]
        }),
        |i| srdi_key(i, &snapshot_tiers),
        SRDI_TOTAL - SRDI_NEW,
        true,
        "srdi (old)",
    )?;
    let mut srdi_first = vec![None; n];
    for &i in &srdi_old {
        srdi_first[i] = Some(b.srdi_valid_chain(i)?);
    }
    let srdi_new = pick_top(
        (0..n).filter(|&i| {
            srdi_first[i].is_none()
                && matches!(b.tiers.firms[i].tech, Tech::Old | Tech::New)
                && firms[i].founded + days(730) <= SRDI_BATCHES[8]
        }),
        |i| srdi_key(i, &snapshot_tiers),
        SRDI_NEW,
        true,
        "srdi (new)",
    )?;
    for &i in &srdi_new {
        let on = if firms[i].founded + days(730) <= SRDI_BATCHES[7] && b.rng.chance(0.5) {
            SRDI_BATCHES[7]
        } else {
            SRDI_BATCHES[8]
        };
        b.add(i, K::Srdi, None, on, None)?;
        b.tiers.firms[i].srdi_valid = true;
        srdi_first[i] = Some(on);
    }
    let mut lapsed_srdi: Vec<usize> = (0..n)
        .filter(|&i| {
            srdi_first[i].is_none()
                && b.tiers.firms[i].is_tech()
                && firms[i].founded + days(730) <= SRDI_BATCHES[0]
        })
        .collect();
    b.rng.shuffle(&mut lapsed_srdi);
    let lapsed_srdi_n = 12 + b.rng.index(10);
    for &i in lapsed_srdi.iter().take(lapsed_srdi_n) {
        let on = SRDI_BATCHES[b.rng.index(2)];
        b.add(i, K::Srdi, None, on, None)?;
        srdi_first[i] = Some(on);
    }
    let giants = pick_top(
        srdi_old.iter().copied().filter(|&i| {
            firms[i].special == Special::Showcase
                || srdi_first[i].is_some_and(|d| d <= ymd(2022, 6, 30))
        }),
        |i| {
            srdi_key(i, &snapshot_tiers)
                + (firms[i].revenue_2022 / 100_000.0).min(0.5)
                + if firms[i].special == Special::Showcase {
                    5.0
                } else {
                    0.0
                }
        },
        5,
        false,
        "little giants",
    )?;
    for &i in &giants {
        let first = srdi_first[i].unwrap_or(SNAPSHOT);
        let on = LITTLE_GIANT_BATCHES
            .iter()
            .copied()
            .find(|&d| d >= first + days(180))
            .unwrap_or(LITTLE_GIANT_BATCHES[3]);
        b.add(i, K::LittleGiant, None, on, None)?;
        b.tiers.firms[i].little_giant = true;
    }

    // 创新型中小企业: most 专精特新 firms and some other innovative ones.
    for i in 0..n {
        let p = if srdi_first[i].is_some() {
            0.7
        } else if b.tiers.firms[i].is_tech() && tech(i) > 0.8 {
            0.3
        } else {
            0.0
        };
        if p > 0.0 && b.rng.chance(p) {
            let fits: Vec<NaiveDate> = INNOVATIVE_BATCHES
                .iter()
                .copied()
                .filter(|&d| d >= firms[i].founded + days(365))
                .collect();
            if !fits.is_empty() {
                let on = fits[b.rng.index(fits.len())];
                b.add(i, K::InnovativeSme, None, on, None)?;
            }
        }
    }

    // 科技型中小企业: yearly 入库 of the smaller tech firms (revenue ≤ 2亿).
    for (i, firm) in firms.iter().enumerate() {
        let t = b.tiers.firms[i].tech;
        if t == Tech::None || firm.revenue_2022 > 20_000.0 {
            continue;
        }
        let p = b.rng.uniform(0.3, 0.9);
        let lapse_year = b
            .tiers
            .records
            .iter()
            .rev()
            .find(|(f, q)| *f == i && q.kind == K::TechEnterprise)
            .and_then(|(_, q)| q.valid_until)
            .map_or(2023, |d| d.year());
        for y in 2019..=2023 {
            if firm.founded > ymd(y, 3, 31)
                || (t == Tech::Lapsed && y > lapse_year)
                || !b.rng.chance(p)
            {
                continue;
            }
            let on = b.rng.date_between(ymd(y, 4, 10), ymd(y, 9, 30));
            let serial = b.serials.next(&mut b.rng, 10_000 + y, 9_999);
            b.add(
                i,
                K::TechSme,
                Some(format!("{y}500151A{:07}", serial + 1_000)),
                on,
                Some(ymd(y, 12, 31)),
            )?;
        }
    }
    Ok(b.tiers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::enterprises;
    use crate::demo::names::CodeMaker;
    use std::collections::{BTreeMap, HashSet};

    /// The report's definitions, applied to the generated records in memory.
    fn counts(records: &[(usize, Qualification)], kinds: &[K]) -> (usize, usize) {
        let mut valid = HashSet::new();
        let mut first: BTreeMap<usize, NaiveDate> = BTreeMap::new();
        for (f, q) in records.iter().filter(|(_, q)| kinds.contains(&q.kind)) {
            if q.valid_on(SNAPSHOT) {
                valid.insert(*f);
            }
            let e = first.entry(*f).or_insert(q.recognized_on);
            *e = (*e).min(q.recognized_on);
        }
        let new = first
            .values()
            .filter(|d| **d >= RANGE_FROM && **d <= SNAPSHOT)
            .count();
        (valid.len(), new)
    }

    #[test]
    fn tier_counts_come_out_exactly_for_several_seeds() {
        for seed in [2023, 1, 99] {
            let firms = enterprises::plan(seed, &mut CodeMaker::default()).unwrap();
            let t = assign(seed, &firms).unwrap();
            assert_eq!(
                counts(&t.records, &[K::TechEnterprise]),
                (TECH_TOTAL, TECH_NEW),
                "seed {seed}"
            );
            assert_eq!(
                counts(&t.records, &[K::HighTech]).0,
                HIGH_TECH_TOTAL,
                "seed {seed}"
            );
            assert_eq!(
                counts(&t.records, &[K::Srdi, K::LittleGiant]),
                (SRDI_TOTAL, SRDI_NEW),
                "seed {seed}"
            );
            let mut keys = HashSet::new();
            for (f, q) in &t.records {
                assert!(
                    keys.insert((*f, q.kind, q.recognized_on)),
                    "duplicate record {f} {q:?}"
                );
                assert!(q.recognized_on >= firms[*f].founded, "{q:?}");
                assert!(q.recognized_on <= SNAPSHOT);
            }
            assert!(t.firms[0].high_tech_valid && t.firms[1].srdi_valid && t.firms[1].little_giant);
            let renewed_2023 = t
                .records
                .iter()
                .filter(|(f, q)| {
                    q.kind == K::HighTech
                        && q.recognized_on.year() == 2023
                        && t.firms[*f].high_tech.len() > 1
                })
                .count();
            assert!(renewed_2023 > 0, "some 高企 renew in 2023");
        }
    }
}
