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
//!
//! [`extend`] then carries the district on to the [`HORIZON`] from its own random
//! stream, adding only records dated after the snapshot (so the counts above stay
//! exact): 高企 renewals of the certificates expiring in 2024 and 2025 (most, not
//! all, renew) and new certificates in the batches of December 2023, 2024 and 2025
//! (the 2026 batch comes after the horizon, so the 2023-10 certificates lapse in
//! October 2026 unless renewed then); first 科技型企业 recognitions of the firms
//! not yet recognised and of the firms founded after the snapshot, and some lapsed
//! ones returning; 科技型中小企业 for 2024–2026 (each firm keeps its habit of
//! registering, so some years are missed); 专精特新 renewals and new batches with
//! their 创新型中小企业 prerequisite, a few 小巨人; and from 2026-04-01, when the
//! 2026 measures replace 创新型, 科技和创新型中小企业 instead.

use super::enterprises::{Firm, Special};
use super::rng::Rng;
use super::targets::{
    HIGH_TECH_NEW_AFTER, HIGH_TECH_TOTAL, HORIZON, RANGE_FROM, SNAPSHOT, SRDI_NEW, SRDI_NEW_AFTER,
    SRDI_TOTAL, TECH_NEW, TECH_TOTAL, ymd,
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
    /// How likely the firm registers as a 科技型中小企业 in a given year (0 when it
    /// never does).
    pub tech_sme_p: f64,
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

impl Serials {
    /// The serials of the 高企 certificate and 科小 numbers already issued.
    fn issued(records: &[(usize, Qualification)]) -> Self {
        let mut s = Self::default();
        for (_, q) in records {
            let Some(n) = q.number.as_deref() else {
                continue;
            };
            let parsed = match q.kind {
                K::HighTech => n
                    .get(2..6)
                    .zip(n.get(8..))
                    .and_then(|(y, x)| Some((y.parse().ok()?, x.parse().ok()?))),
                K::TechSme => n.get(0..4).zip(n.get(11..)).and_then(|(y, x)| {
                    Some((
                        10_000 + y.parse::<i32>().ok()?,
                        x.parse::<i64>().ok()? - 1_000,
                    ))
                }),
                _ => None,
            };
            s.0.extend(parsed);
        }
        s
    }
}

struct Builder<'a> {
    firms: &'a [Firm],
    rng: Rng,
    tiers: Tiers,
    serials: Serials,
    /// Records per firm (the same as in `tiers.records`), for lookups.
    held: Vec<Vec<Qualification>>,
    /// No record may be dated after this day.
    last_day: NaiveDate,
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
        if on > self.last_day || on < self.firms[firm].founded {
            return Err(internal(format!(
                "{} recognised on {on}, outside {}..{}",
                kind.code(),
                self.firms[firm].founded,
                self.last_day
            )));
        }
        let q = Qualification::new(kind, number, on, until).map_err(|e| internal(e.to_string()))?;
        self.held[firm].push(q.clone());
        self.tiers.records.push((firm, q));
        Ok(())
    }

    /// Whether the firm holds a `kind` valid on `day`.
    fn holds(&self, i: usize, kind: K, day: NaiveDate) -> bool {
        self.held[i]
            .iter()
            .any(|q| q.kind == kind && q.valid_on(day))
    }

    /// The firm's latest `kind` record.
    fn last_of(&self, i: usize, kind: K) -> Option<Qualification> {
        self.held[i]
            .iter()
            .filter(|q| q.kind == kind)
            .max_by_key(|q| q.recognized_on)
            .cloned()
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
        held: vec![Vec::new(); n],
        last_day: SNAPSHOT,
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
        b.tiers.firms[i].tech_sme_p = p;
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

/// 高企 batches after the snapshot (demo dates): Chongqing's second 2023 batch and
/// two a year in 2024 and 2025; the 2026 batch is announced after the horizon.
const HIGH_TECH_BATCHES_AFTER: [NaiveDate; 5] = [
    ymd(2023, 12, 8),
    ymd(2024, 11, 28),
    ymd(2024, 12, 20),
    ymd(2025, 11, 21),
    ymd(2025, 12, 19),
];

/// 专精特新中小企业 batches after the snapshot (demo dates); the 2026 ones under
/// the 2026 measures.
const SRDI_BATCHES_AFTER: [NaiveDate; 6] = [
    ymd(2024, 4, 19),
    ymd(2024, 9, 13),
    ymd(2025, 4, 18),
    ymd(2025, 9, 12),
    ymd(2026, 6, 26),
    ymd(2026, 9, 18),
];

/// 专精特新"小巨人" batches after the snapshot (demo dates).
const LITTLE_GIANT_BATCHES_AFTER: [NaiveDate; 3] =
    [ymd(2024, 7, 26), ymd(2025, 8, 8), ymd(2026, 7, 17)];

/// 创新型中小企业 batches after the snapshot, each before a 专精特新 batch (the 2022
/// 暂行办法 ends on 2026-03-31).
const INNOVATIVE_BATCHES_AFTER: [NaiveDate; 5] = [
    ymd(2024, 2, 23),
    ymd(2024, 8, 16),
    ymd(2025, 2, 21),
    ymd(2025, 8, 15),
    ymd(2026, 1, 16),
];

/// 科技和创新型中小企业 batches (2026 measures, in force from 2026-04-01).
const TECH_INNOVATIVE_BATCHES: [NaiveDate; 2] = [ymd(2026, 5, 29), ymd(2026, 8, 28)];

impl Builder<'_> {
    /// A 高企 certificate in the batch `on`.
    fn high_tech_cert(&mut self, i: usize, on: NaiveDate) -> AppResult<()> {
        let y = on.year();
        let serial = self.serials.next(&mut self.rng, y, 2_999);
        self.add(
            i,
            K::HighTech,
            Some(format!("GR{y}51{serial:06}")),
            on,
            None,
        )?;
        self.tiers.firms[i].high_tech.push(on);
        Ok(())
    }

    /// The firm's 科技型企业 standing lets it apply on `day`.
    fn tech_on(&self, i: usize, day: NaiveDate) -> bool {
        self.holds(i, K::TechEnterprise, day)
    }

    /// A 创新型 (before 2026-04) or 科技和创新型 (after) recognition valid on `day`,
    /// from the latest batch before it, unless the firm holds one.
    fn innovative_before(&mut self, i: usize, day: NaiveDate) -> AppResult<()> {
        if self.holds(i, K::InnovativeSme, day) || self.holds(i, K::TechInnovativeSme, day) {
            return Ok(());
        }
        let earliest = self.firms[i].founded + days(365);
        let tis = TECH_INNOVATIVE_BATCHES
            .iter()
            .rev()
            .find(|&&b| b < day && b >= earliest);
        let inn = INNOVATIVE_BATCHES_AFTER
            .iter()
            .rev()
            .find(|&&b| b < day && b >= earliest);
        match (tis, inn) {
            (Some(&b), _) => self.add(i, K::TechInnovativeSme, None, b, None),
            (None, Some(&b)) => self.add(i, K::InnovativeSme, None, b, None),
            (None, None) => Ok(()),
        }
    }
}

/// Carries the snapshot's tiers on to the horizon for `firms` (the snapshot's
/// register followed by the firms founded after it), adding records dated after
/// the snapshot only (see the module doc).
pub(crate) fn extend(seed: u64, firms: &[Firm], snap: &Tiers) -> AppResult<Tiers> {
    let n = firms.len();
    let mut held = vec![Vec::new(); n];
    for (i, q) in &snap.records {
        held[*i].push(q.clone());
    }
    let mut b = Builder {
        firms,
        rng: Rng::stream(seed, "qualifications-horizon"),
        tiers: Tiers {
            firms: snap.firms.clone(),
            records: snap.records.clone(),
        },
        serials: Serials::issued(&snap.records),
        held,
        last_day: HORIZON,
    };
    b.tiers.firms.resize(n, FirmTiers::default());
    let tech = |i: usize| firms[i].techiness;
    let after = SNAPSHOT + days(1);

    // 科技型企业: the firms not yet recognised (most of them by now), the new ones
    // some months after founding, and some lapsed ones back.
    for (i, f) in firms.iter().enumerate() {
        match b.tiers.firms[i].tech {
            Tech::None if f.founded <= SNAPSHOT => {
                if !b.rng.chance(0.8) {
                    continue;
                }
                let y = 2023 + b.rng.weighted(&[1, 5, 5, 4]) as i32;
                let from = after.max(ymd(y, 1, 1)).max(f.founded + days(180));
                let to = HORIZON.min(ymd(y, 12, 31));
                if from <= to {
                    let on = b.rng.date_between(from, to);
                    b.add(i, K::TechEnterprise, None, on, None)?;
                    b.tiers.firms[i].tech = Tech::New;
                }
            }
            Tech::None => {
                let on = f.founded + days(b.rng.between(120, 420));
                if b.rng.chance(0.85) && on <= HORIZON {
                    b.add(i, K::TechEnterprise, None, on, None)?;
                    b.tiers.firms[i].tech = Tech::New;
                }
            }
            Tech::Lapsed if b.rng.chance(0.3) => {
                let on = b.rng.date_between(after, HORIZON);
                b.add(i, K::TechEnterprise, None, on, None)?;
                b.tiers.firms[i].tech = Tech::Old;
            }
            _ => {}
        }
    }

    // 高企, year by year: renewals of the certificates expiring this year, then
    // the new certificates of the year's batches.
    let noise: Vec<f64> = (0..n).map(|_| b.rng.uniform(0.0, 0.5)).collect();
    for (year, new_n) in HIGH_TECH_NEW_AFTER {
        let batches: Vec<NaiveDate> = HIGH_TECH_BATCHES_AFTER
            .iter()
            .copied()
            .filter(|d| d.year() == year)
            .collect();
        for i in 0..n {
            let Some(&last) = b.tiers.firms[i].high_tech.last() else {
                continue;
            };
            let until = three_years(last);
            let alive = b.tiers.firms[i].high_tech_valid || last > SNAPSHOT;
            if until.year() != year || !alive || batches.is_empty() || !b.rng.chance(0.78) {
                continue;
            }
            let on = *b.rng.pick(&batches);
            b.high_tech_cert(i, on)?;
        }
        let Some(&first_batch) = batches.first() else {
            continue;
        };
        let size = |i: usize| (firms[i].revenue_2022 / 2000.0).min(4.0) * 0.15;
        let fresh = pick_top(
            (0..n).filter(|&i| {
                b.tech_on(i, first_batch)
                    && firms[i].founded + days(365) <= first_batch
                    && !b.holds(i, K::HighTech, first_batch)
                    && b.tiers.firms[i].high_tech.iter().all(|&d| d <= SNAPSHOT)
            }),
            |i| tech(i) + size(i) + noise[i] + if firms[i].above_scale { 0.2 } else { 0.0 },
            new_n,
            true,
            "high tech (after the snapshot)",
        )?;
        for i in fresh {
            let on = *b.rng.pick(&batches);
            b.high_tech_cert(i, on)?;
        }
    }

    // 专精特新: renewals at the first batch after the term runs out, then new ones.
    for i in 0..n {
        let mut last = match b.last_of(i, K::Srdi) {
            Some(q) if q.valid_on(SNAPSHOT) => q,
            _ => continue,
        };
        while let Some(until) = last.valid_until.filter(|&u| u < HORIZON) {
            let Some(&on) = SRDI_BATCHES_AFTER
                .iter()
                .find(|&&d| d >= until - days(90) && d > last.recognized_on)
            else {
                break;
            };
            if !b.rng.chance(0.85) {
                break;
            }
            b.innovative_before(i, on)?;
            b.add(i, K::Srdi, None, on, None)?;
            last = b
                .last_of(i, K::Srdi)
                .ok_or_else(|| internal("srdi".into()))?;
        }
    }
    let srdi_key = |i: usize, b: &Builder<'_>| {
        tech(i)
            + noise[i]
            + if firms[i].above_scale { 0.4 } else { 0.0 }
            + if b.holds(i, K::HighTech, HORIZON) {
                0.5
            } else {
                0.0
            }
    };
    for (year, new_n) in SRDI_NEW_AFTER {
        let batches: Vec<NaiveDate> = SRDI_BATCHES_AFTER
            .iter()
            .copied()
            .filter(|d| d.year() == year)
            .collect();
        let Some(&first_batch) = batches.first() else {
            continue;
        };
        let keys: Vec<f64> = (0..n).map(|i| srdi_key(i, &b)).collect();
        let fresh = pick_top(
            (0..n).filter(|&i| {
                b.tech_on(i, first_batch)
                    && firms[i].founded + days(730) <= first_batch
                    && b.last_of(i, K::Srdi).is_none()
            }),
            |i| keys[i],
            new_n,
            true,
            "srdi (after the snapshot)",
        )?;
        for i in fresh {
            let on = *b.rng.pick(&batches);
            b.innovative_before(i, on)?;
            b.add(i, K::Srdi, None, on, None)?;
        }
    }

    // 小巨人: renewals, and one or two a batch from the 专精特新 holders.
    for i in 0..n {
        let Some(q) = b.last_of(i, K::LittleGiant) else {
            continue;
        };
        if let Some(until) = q.valid_until.filter(|&u| u < HORIZON)
            && let Some(&on) = LITTLE_GIANT_BATCHES_AFTER
                .iter()
                .find(|&&d| d >= until - days(120))
            && b.rng.chance(0.9)
        {
            b.add(i, K::LittleGiant, None, on, None)?;
        }
    }
    for on in LITTLE_GIANT_BATCHES_AFTER {
        let k = 1 + b.rng.index(2);
        let keys: Vec<f64> = (0..n)
            .map(|i| srdi_key(i, &b) + (firms[i].revenue_2022 / 100_000.0).min(0.5))
            .collect();
        let picked = pick_top(
            (0..n).filter(|&i| {
                b.holds(i, K::Srdi, on)
                    && b.last_of(i, K::LittleGiant).is_none()
                    && b.held[i]
                        .iter()
                        .any(|q| q.kind == K::Srdi && q.recognized_on + days(365) <= on)
            }),
            |i| keys[i],
            k,
            false,
            "little giants (after the snapshot)",
        )?;
        for i in picked {
            b.add(i, K::LittleGiant, None, on, None)?;
            b.tiers.firms[i].little_giant = true;
        }
    }

    // 创新型 / 科技和创新型: re-recognition when the term runs out, and new ones.
    for i in 0..n {
        let Some(q) = b.last_of(i, K::InnovativeSme) else {
            continue;
        };
        let Some(until) = q.valid_until.filter(|&u| u < HORIZON) else {
            continue;
        };
        if !b.rng.chance(0.65) {
            continue;
        }
        let next = INNOVATIVE_BATCHES_AFTER
            .iter()
            .chain(&TECH_INNOVATIVE_BATCHES)
            .copied()
            .find(|&d| d >= until - days(180) && d > q.recognized_on);
        match next {
            Some(d) if d < ymd(2026, 4, 1) => b.add(i, K::InnovativeSme, None, d, None)?,
            Some(d) if !b.holds(i, K::TechInnovativeSme, d) => {
                b.add(i, K::TechInnovativeSme, None, d, None)?;
            }
            _ => {}
        }
    }
    for (k, on) in INNOVATIVE_BATCHES_AFTER
        .iter()
        .chain(&TECH_INNOVATIVE_BATCHES)
        .copied()
        .enumerate()
    {
        let kind = if on < ymd(2026, 4, 1) {
            K::InnovativeSme
        } else {
            K::TechInnovativeSme
        };
        let want = 18 + 2 * k + b.rng.index(10);
        let picked = pick_top(
            (0..n).filter(|&i| {
                b.tech_on(i, on)
                    && firms[i].founded + days(365) <= on
                    && !b.holds(i, K::InnovativeSme, on)
                    && !b.holds(i, K::TechInnovativeSme, on)
                    && tech(i) > 0.5
            }),
            |i| tech(i) + noise[i] * 2.0,
            want,
            false,
            "innovative (after the snapshot)",
        )?;
        for i in picked {
            b.add(i, kind, None, on, None)?;
        }
    }

    // 科技型中小企业 for 2024–2026: each smaller tech firm keeps its habit.
    for (i, firm) in firms.iter().enumerate() {
        if firm.revenue_2022 > 20_000.0 {
            continue;
        }
        if b.tiers.firms[i].tech_sme_p == 0.0 {
            b.tiers.firms[i].tech_sme_p = b.rng.uniform(0.4, 0.9);
        }
        let p = b.tiers.firms[i].tech_sme_p;
        for y in 2024..=HORIZON.year() {
            let on = b.rng.date_between(ymd(y, 4, 10), ymd(y, 9, 30));
            if firm.founded > ymd(y, 3, 31) || !b.tech_on(i, on) || !b.rng.chance(p) {
                continue;
            }
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

    #[test]
    fn the_horizon_only_adds_later_records_and_keeps_the_district_growing() {
        for seed in [2023, 1, 99] {
            let mut codes = CodeMaker::default();
            let mut firms = enterprises::plan(seed, &mut codes).unwrap();
            let n = firms.len();
            let later = enterprises::plan_founded_after(seed, &firms, &mut codes).unwrap();
            assert!(
                later
                    .iter()
                    .all(|f| f.founded > SNAPSHOT && f.founded <= HORIZON)
            );
            firms.extend(later);
            let snap = assign(seed, &firms[..n]).unwrap();
            let t = extend(seed, &firms, &snap).unwrap();
            assert_eq!(&t.records[..snap.records.len()], &snap.records[..]);
            assert!(
                t.records[snap.records.len()..]
                    .iter()
                    .all(|(_, q)| q.recognized_on > SNAPSHOT && q.recognized_on <= HORIZON)
            );
            let valid = |kinds: &[K], day: NaiveDate| {
                t.records
                    .iter()
                    .filter(|(_, q)| kinds.contains(&q.kind) && q.valid_on(day))
                    .map(|(f, _)| *f)
                    .collect::<HashSet<_>>()
                    .len()
            };
            let late_2026 = valid(&[K::HighTech], ymd(2026, 11, 28));
            assert!((200..=280).contains(&late_2026), "seed {seed}: {late_2026}");
            assert!(valid(&[K::TechEnterprise], HORIZON) > TECH_TOTAL);
            assert!(valid(&[K::Srdi, K::LittleGiant], HORIZON) > SRDI_TOTAL);
            assert!(valid(&[K::TechSme], ymd(2026, 11, 28)) > 0);
            assert!(valid(&[K::TechInnovativeSme], HORIZON) > 0);
            assert!(
                t.records
                    .iter()
                    .all(|(_, q)| q.kind != K::TechInnovativeSme
                        || q.recognized_on >= ymd(2026, 4, 1)),
                "科技和创新型 only under the 2026 measures"
            );
            assert!(
                t.records
                    .iter()
                    .all(|(_, q)| q.kind != K::HighTech || q.recognized_on.year() < 2026),
                "no 2026 高企 batch by the horizon"
            );
        }
    }
}
