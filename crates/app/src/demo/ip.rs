//! Intellectual property of the demo enterprises: invention patents, utility
//! models, designs and software copyrights, with titles in patent style from the
//! cluster's subjects, real-format numbers (专利号 `ZL` + application number with
//! its check digit, 软著 `2021SR0123456`), grants, lapses, transfers, and which
//! items went into a 高企 application.
//!
//! The generator keeps each item's application and lapse dates, so the filings can
//! count 有效Ⅰ类/Ⅱ类知识产权 and 当年专利申请数 from the same records.
//!
//! [`generate`] draws the items of the snapshot exactly as for the 2023 figures;
//! [`extend`] carries them on to the horizon from its own stream: applications
//! pending at the snapshot are granted (or, a fifth of the inventions, rejected)
//! when their examination ends before the horizon, lapses that fall after the
//! snapshot happen, and every firm keeps applying (more so 高企 and the bigger
//! firms) from 2023Q4 on, the firms founded after the snapshot included.

use super::clusters::CLUSTERS;
use super::enterprises::Firm;
use super::qualifications::{FirmTiers, Tech};
use super::rng::Rng;
use super::targets::{HORIZON, SNAPSHOT, ymd};
use crate::{AppError, AppResult};
use chrono::{Datelike, NaiveDate, TimeDelta};
use kechuang_core::ip::{Acquisition, IpClass, IpRecord, IpType, LegalStatus};
use std::collections::HashSet;

/// One item with the dates only the generator knows.
#[derive(Debug, Clone)]
pub(crate) struct IpFact {
    /// The stored record.
    pub record: IpRecord,
    /// Filing (application) date; `None` for items the firm did not apply for itself.
    pub applied: Option<NaiveDate>,
    /// When a lapsed item stopped counting.
    pub lapsed: Option<NaiveDate>,
    /// When a pending application's examination ends (it may come after the horizon).
    pub grant_due: Option<NaiveDate>,
    /// A lapse drawn for a day after the item's cut-off, applied by [`extend`].
    pub lapse_due: Option<NaiveDate>,
}

impl IpFact {
    /// Whether the item counts as the firm's valid IP on `day`.
    pub(crate) fn in_force_on(&self, day: NaiveDate) -> bool {
        let owned = self.record.acquired_on.or(self.record.granted_on);
        owned.is_some_and(|d| d <= day) && self.lapsed.is_none_or(|l| day < l)
    }

    /// The item's class.
    pub(crate) fn class(&self) -> IpClass {
        self.record.ip_type.class()
    }

    /// Whether it is a patent application (software copyrights are not).
    pub(crate) fn is_patent(&self) -> bool {
        matches!(
            self.record.ip_type,
            IpType::InventionPatent | IpType::UtilityModel | IpType::Design
        )
    }
}

const UTILITY_QUALIFIERS: &[&str] = &[
    "",
    "",
    "新型",
    "便于拆装的",
    "可调节的",
    "轻量化",
    "高强度",
    "便于维护的",
];
const INVENTION_QUALIFIERS: &[&str] = &["", "", "", "改进的", "高效的"];

fn months(n: i64) -> TimeDelta {
    TimeDelta::days(n * 30)
}

/// The check digit of a 12-digit Chinese patent application number.
pub(crate) fn patent_check(digits: &str) -> char {
    const W: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let s: u32 = digits
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    match s % 11 {
        10 => 'X',
        r => char::from_digit(r, 10).unwrap_or('0'),
    }
}

struct Gen<'a> {
    rng: Rng,
    numbers: HashSet<String>,
    firm: &'a Firm,
    tiers: &'a FirmTiers,
    titles: HashSet<String>,
    out: Vec<IpFact>,
}

impl Gen<'_> {
    /// A recent-leaning day between the firm's start (not before 2012) and `last`.
    fn recent_day(&mut self, last: NaiveDate) -> NaiveDate {
        let start = (self.firm.founded + TimeDelta::days(60)).max(ymd(2012, 1, 1));
        if start >= last {
            return last;
        }
        let span = (last - start).num_days() as f64;
        start + TimeDelta::days((span * self.rng.unit().sqrt()).floor() as i64)
    }

    fn title(&mut self, make: impl Fn(&mut Rng) -> String) -> String {
        let mut t = make(&mut self.rng);
        for _ in 0..8 {
            if !self.titles.contains(&t) {
                break;
            }
            t = make(&mut self.rng);
        }
        self.titles.insert(t.clone());
        t
    }

    fn application_number(&mut self, year: i32, type_digit: u32) -> String {
        loop {
            let serial = self.rng.between(10_000, 9_999_999);
            let digits = format!("{year}{type_digit}{serial:07}");
            let n = format!("{digits}.{}", patent_check(&digits));
            if self.numbers.insert(n.clone()) {
                return n;
            }
        }
    }

    fn patent(&mut self, ip_type: IpType) {
        let applied = self.recent_day(ymd(2023, 9, 30));
        self.patent_on(ip_type, applied, SNAPSHOT);
    }

    /// An application filed on `applied`, as the records stand on `cutoff`.
    fn patent_on(&mut self, ip_type: IpType, applied: NaiveDate, cutoff: NaiveDate) {
        let c = &CLUSTERS[self.firm.cluster];
        let (type_digit, lag) = match ip_type {
            IpType::InventionPatent => (1, (18, 40)),
            IpType::Design => (3, (4, 8)),
            _ => (2, (5, 12)),
        };
        let granted = applied + months(self.rng.between(lag.0, lag.1));
        let number = self.application_number(applied.year(), type_digit);
        let title = match ip_type {
            IpType::InventionPatent => self.title(|r| {
                format!(
                    "一种{}{}",
                    r.pick(INVENTION_QUALIFIERS),
                    r.pick(c.inventions)
                )
            }),
            IpType::Design => {
                let model = format!(
                    "{}{}-{}",
                    char::from(*self.rng.pick(b"ABCDEFGHJKLMNPRTX")),
                    char::from(*self.rng.pick(b"ABCDEFGHJKLMNPRTX")),
                    self.rng.between(100, 800)
                );
                self.title(|r| format!("{}（{model}）", r.pick(c.designs)))
            }
            _ => self.title(|r| format!("一种{}{}", r.pick(UTILITY_QUALIFIERS), r.pick(c.utility))),
        };
        if granted > cutoff {
            self.out.push(IpFact {
                record: IpRecord {
                    ip_type,
                    number,
                    title,
                    granted_on: None,
                    status: LegalStatus::Pending,
                    acquisition: Acquisition::OwnRnd,
                    acquired_on: None,
                    used_in_hte: false,
                },
                applied: Some(applied),
                lapsed: None,
                grant_due: Some(granted),
                lapse_due: None,
            });
            return;
        }
        let number = format!("ZL{number}");
        let lapse_p = if ip_type == IpType::InventionPatent {
            0.06
        } else {
            0.12
        };
        let lapse = if self.rng.chance(lapse_p) {
            Some(granted + months(self.rng.between(12, 72)))
        } else {
            None
        };
        let lapsed = lapse.filter(|&d| d <= cutoff);
        let lapse_due = lapse.filter(|&d| d > cutoff);
        // A few items came from a university or another firm (成果转化).
        let bought = lapsed.is_none()
            && self.rng.chance(if ip_type == IpType::InventionPatent {
                0.12
            } else {
                0.04
            });
        let (acquisition, acquired_on, applied) = if bought {
            let on = (granted + TimeDelta::days(self.rng.between(90, 900))).min(cutoff);
            let how = if self.rng.chance(0.1) {
                Acquisition::Merger
            } else {
                Acquisition::Transfer
            };
            (how, Some(on), None)
        } else {
            (Acquisition::OwnRnd, Some(granted), Some(applied))
        };
        let status = if lapsed.is_some() {
            LegalStatus::Lapsed
        } else {
            LegalStatus::Valid
        };
        self.out.push(IpFact {
            record: IpRecord {
                ip_type,
                number,
                title,
                granted_on: Some(granted),
                status,
                acquisition,
                acquired_on,
                used_in_hte: false,
            },
            applied,
            lapsed,
            grant_due: None,
            lapse_due,
        });
    }

    fn software(&mut self, trade: &str) {
        let registered = self.recent_day(SNAPSHOT);
        self.software_on(trade, registered);
    }

    fn software_on(&mut self, trade: &str, registered: NaiveDate) {
        let c = &CLUSTERS[self.firm.cluster];
        let number = loop {
            let n = format!(
                "{}SR{:07}",
                registered.year(),
                self.rng.between(10_000, 1_999_999)
            );
            if self.numbers.insert(n.clone()) {
                break n;
            }
        };
        let title = self.title(|r| {
            format!(
                "{trade}{}V{}.{}",
                r.pick(c.software),
                r.between(1, 3),
                r.between(0, 2)
            )
        });
        self.out.push(IpFact {
            record: IpRecord {
                ip_type: IpType::Software,
                number,
                title,
                granted_on: Some(registered),
                status: LegalStatus::Valid,
                acquisition: Acquisition::OwnRnd,
                acquired_on: Some(registered),
                used_in_hte: false,
            },
            applied: None,
            lapsed: None,
            grant_due: None,
            lapse_due: None,
        });
    }

    /// Items in force before the firm's latest 高企 certificate went into that
    /// application (Ⅰ类 may be reused, Ⅱ类 only once, so not all of them).
    fn mark_used_in_high_tech(&mut self) {
        let Some(&cert) = self.tiers.high_tech.iter().max() else {
            return;
        };
        for f in &mut self.out {
            if f.in_force_on(cert) {
                let p = if f.class() == IpClass::I { 0.9 } else { 0.6 };
                f.record.used_in_hte = self.rng.chance(p);
            }
        }
    }
}

/// Generates every enterprise's IP, in plan order.
pub(crate) fn generate(
    seed: u64,
    firms: &[Firm],
    tiers: &[FirmTiers],
) -> AppResult<Vec<Vec<IpFact>>> {
    let mut rng = Rng::stream(seed, "ip");
    let mut numbers = HashSet::new();
    let mut all = Vec::with_capacity(firms.len());
    for (firm, t) in firms.iter().zip(tiers) {
        let c = &CLUSTERS[firm.cluster];
        let size = (firm.revenue_2022 / 5_000.0).clamp(0.3, 3.0);
        let scaled =
            |r: &mut Rng, lo: i64, hi: i64| ((r.between(lo, hi) as f64) * size).round() as i64;
        let software_bias = if c.name == "电子信息" { 2 } else { 1 };
        let design_bias = if matches!(c.name, "摩托车" | "智能网联新能源汽车零部件")
        {
            2
        } else {
            1
        };
        let (inv, um, sw, des) = if !t.high_tech.is_empty() {
            (
                scaled(&mut rng, 1, 6),
                scaled(&mut rng, 4, 18),
                rng.between(0, 6) * software_bias,
                rng.between(0, 2) * design_bias,
            )
        } else {
            match t.tech {
                Tech::Old | Tech::New => (
                    rng.between(0, 2),
                    rng.between(1, 9),
                    rng.between(0, 4) * software_bias,
                    rng.between(0, 1) * design_bias,
                ),
                Tech::Lapsed => (rng.between(0, 1), rng.between(0, 4), rng.between(0, 2), 0),
                Tech::None => (
                    0,
                    if rng.chance(0.4) {
                        rng.between(1, 3)
                    } else {
                        0
                    },
                    0,
                    0,
                ),
            }
        };
        let mut g = Gen {
            rng: Rng::stream(seed ^ rng.next_u64(), "ip-firm"),
            numbers: std::mem::take(&mut numbers),
            firm,
            tiers: t,
            titles: HashSet::new(),
            out: Vec::new(),
        };
        for _ in 0..inv {
            g.patent(IpType::InventionPatent);
        }
        for _ in 0..um {
            g.patent(IpType::UtilityModel);
        }
        for _ in 0..des {
            g.patent(IpType::Design);
        }
        let trade: String = firm.name.chars().skip(2).take(2).collect();
        for _ in 0..sw {
            g.software(&trade);
        }
        g.mark_used_in_high_tech();
        for f in &g.out {
            f.record.clone().validate().map_err(|e| {
                AppError::Internal(anyhow::anyhow!("demo ip {}: {e:?}", f.record.number))
            })?;
        }
        numbers = g.numbers;
        all.push(g.out);
    }
    Ok(all)
}

/// Carries every firm's IP on to the horizon (see the module doc). `ip` holds the
/// snapshot's items of the snapshot's firms; the firms founded after it are added.
pub(crate) fn extend(
    seed: u64,
    firms: &[Firm],
    tiers: &[FirmTiers],
    ip: &mut Vec<Vec<IpFact>>,
) -> AppResult<()> {
    let mut rng = Rng::stream(seed, "ip-horizon");
    ip.resize(firms.len(), Vec::new());
    let mut numbers: HashSet<String> = ip
        .iter()
        .flatten()
        .map(|f| f.record.number.trim_start_matches("ZL").to_string())
        .collect();
    for (i, (firm, t)) in firms.iter().zip(tiers).enumerate() {
        let c = &CLUSTERS[firm.cluster];
        let mut g = Gen {
            rng: Rng::stream(seed ^ rng.next_u64(), "ip-firm-horizon"),
            numbers: std::mem::take(&mut numbers),
            firm,
            tiers: t,
            titles: ip[i].iter().map(|f| f.record.title.clone()).collect(),
            out: std::mem::take(&mut ip[i]),
        };
        // The snapshot's pending applications and later lapses, as of the horizon.
        for f in &mut g.out {
            if let Some(due) = f.grant_due.filter(|&d| d <= HORIZON) {
                f.grant_due = None;
                if f.record.ip_type == IpType::InventionPatent && g.rng.chance(0.2) {
                    f.record.status = LegalStatus::Lapsed;
                    f.lapsed = Some(due);
                } else {
                    f.record.number = format!("ZL{}", f.record.number);
                    f.record.granted_on = Some(due);
                    f.record.acquired_on = Some(due);
                    f.record.status = LegalStatus::Valid;
                }
            }
            if let Some(due) = f.lapse_due.filter(|&d| d <= HORIZON) {
                f.lapse_due = None;
                f.record.status = LegalStatus::Lapsed;
                f.lapsed = Some(due);
            }
        }
        // New applications, year by year.
        let size = (firm.revenue_2022 / 5_000.0).clamp(0.3, 3.0);
        let high_tech = t.high_tech.iter().any(|&d| d > SNAPSHOT) || t.high_tech_on(HORIZON);
        let software_bias = if c.name == "电子信息" { 2 } else { 1 };
        let trade: String = firm.name.chars().skip(2).take(2).collect();
        for year in SNAPSHOT.year()..=HORIZON.year() {
            let from = ymd(year, 1, 1)
                .max(ymd(2023, 10, 1))
                .max(firm.founded + TimeDelta::days(60));
            let to = ymd(year, 12, 31).min(HORIZON);
            if from > to {
                continue;
            }
            // The share of a full year the window covers.
            let part = ((to - from).num_days() + 1) as f64 / 365.0;
            let r = &mut g.rng;
            let count = |lo: f64, hi: f64, r: &mut Rng| {
                let x = r.uniform(lo, hi) * part;
                x.floor() as i64 + i64::from(r.chance(x.fract()))
            };
            let (inv, um, sw, des) = if high_tech {
                (
                    count(0.3 * size, 2.0 * size, r),
                    count(1.0 * size, 5.0 * size, r),
                    count(0.0, 2.0, r) * software_bias,
                    count(0.0, 1.0, r),
                )
            } else {
                match t.tech {
                    Tech::Old | Tech::New => (
                        count(0.0, 0.6, r),
                        count(0.3, 3.0, r),
                        count(0.0, 1.2, r) * software_bias,
                        count(0.0, 0.3, r),
                    ),
                    Tech::Lapsed => (0, count(0.0, 0.8, r), 0, 0),
                    Tech::None => (0, count(0.0, 0.3, r), 0, 0),
                }
            };
            for (ip_type, k) in [
                (IpType::InventionPatent, inv),
                (IpType::UtilityModel, um),
                (IpType::Design, des),
            ] {
                for _ in 0..k {
                    let applied = g.rng.date_between(from, to);
                    g.patent_on(ip_type, applied, HORIZON);
                }
            }
            for _ in 0..sw {
                let registered = g
                    .rng
                    .date_between(from.max(SNAPSHOT + TimeDelta::days(1)), to);
                g.software_on(&trade, registered);
            }
        }
        // Items in force before a certificate issued after the snapshot went into
        // that application too.
        if let Some(&cert) = t.high_tech.iter().filter(|&&d| d > SNAPSHOT).max() {
            for f in &mut g.out {
                if !f.record.used_in_hte && f.in_force_on(cert) {
                    let p = if f.class() == IpClass::I { 0.9 } else { 0.6 };
                    f.record.used_in_hte = g.rng.chance(p);
                }
            }
        }
        for f in &g.out {
            f.record.clone().validate().map_err(|e| {
                AppError::Internal(anyhow::anyhow!("demo ip {}: {e:?}", f.record.number))
            })?;
        }
        numbers = g.numbers;
        ip[i] = g.out;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patent_check_digits_follow_the_published_rule() {
        // Σ dᵢ·wᵢ mod 11 with weights 2–9, 2–5 over the twelve digits; 10 is written X.
        let d = "202110123456";
        let s: u32 = [2, 0, 2, 1, 1, 0, 1, 2, 3, 4, 5, 6]
            .iter()
            .zip([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5])
            .map(|(a, b)| a * b)
            .sum();
        let expected = if s % 11 == 10 {
            'X'
        } else {
            char::from_digit(s % 11, 10).unwrap()
        };
        assert_eq!(patent_check(d), expected);
    }
}
