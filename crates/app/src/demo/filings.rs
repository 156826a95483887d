//! Five years of indicator filings, consistent within each filing and over time,
//! steered so the 规上 R&D figures come out exactly.
//!
//! Each enterprise gets an economic path: a full-year revenue for 2018–2023 grown
//! year by year from its 2022 level (faster while young, a dip in 2020), an R&D
//! intensity that fits its tier (高企 by the 办法's revenue brackets) and drifts up,
//! margins, staff, assets. Flows are spread over the quarters by a per-year
//! seasonal profile and reported year-to-date, so Q1 ≤ Q2 ≤ Q3 ≤ Q4 and the annual
//! filing equals Q4. Every "part" is a share of its "whole" applied to the same
//! year-to-date figure, so `indicator::check` holds by construction (and is
//! verified for every filing). IP counts come from the enterprise's IP records.
//!
//! Steering: over the 规上 enterprises, all their R&D is scaled by one factor so
//! the 2023年1—9月 sum is within a few fen of [`RD_2023Q3_FEN`]; then their 2022 R&D
//! alone by a factor near 1 for [`RD_2022Q3_FEN`]; the last few fen of each go to
//! the largest firm's third-quarter figure (its Q2 and Q4 figures are millions of
//! fen away, so the cumulative order holds).

use super::clusters::CLUSTERS;
use super::enterprises::{ABOVE_SCALE_WAN, Firm, Special};
use super::ip::IpFact;
use super::qualifications::{FirmTiers, Tech};
use super::rng::Rng;
use super::targets::{
    FIRST_YEAR, HORIZON_YEAR, LAST_YEAR, RD_2022Q3_FEN, RD_2023Q3_FEN, RD_GROWTH_PM, SNAPSHOT, ymd,
};
use crate::{AppError, AppResult};
use chrono::{Datelike, NaiveDate};
use kechuang_core::filing::{FilingSource, FilingStatus};
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::{self, Values};
use kechuang_core::ip::IpClass;
use kechuang_core::money::FEN_PER_WAN;
use kechuang_core::period::Period;
use kechuang_store::FilingVersion;

/// Filing years up to the horizon.
const YEARS: usize = (HORIZON_YEAR - FIRST_YEAR + 1) as usize;
/// Filing years of the snapshot.
const SNAPSHOT_YEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;

/// One enterprise-year.
#[derive(Debug, Clone, Default)]
struct Year {
    /// Cumulative share of the year's flows at each quarter end, in 1/10000.
    cum: [i64; 4],
    revenue: i64,
    main: i64,
    total_income: i64,
    high_tech: i64,
    total_profit: i64,
    net_profit: i64,
    taxes: i64,
    export: i64,
    total_cost: i64,
    contract: i64,
    transaction: i64,
    rd: i64,
    rd_domestic_pm: i64,
    rd_basic_pm: i64,
    high_tech_year: bool,
    emp_start: i64,
    emp_end: i64,
    st_pm: i64,
    rd_staff_pm: i64,
    assets_start: i64,
    assets_end: i64,
    net_assets_pm: i64,
    new_jobs: i64,
    graduates: i64,
    level: i64,
    conversions: i64,
}

/// Money is planned in whole 0.01万元 (百元), as filings report it; the stored
/// value is in fen.
const UNIT: i64 = FEN_PER_WAN / 100;

/// 万元 (or 万美元) to whole 0.01万.
fn units(wan: f64) -> i64 {
    (wan * 100.0).round() as i64
}

fn share(x: i64, num: i64, den: i64) -> i64 {
    (i128::from(x) * i128::from(num) / i128::from(den)) as i64
}

impl Year {
    fn flow(&self, x: i64, q: usize) -> i64 {
        share(x, self.cum[q - 1], 10_000)
    }
}

/// The seasonal profile of one year: cumulative shares at each quarter end for a
/// firm active from `founded` (quarters before it carry nothing), and the share of
/// a full year's flow the firm had.
fn season(rng: &mut Rng, year: i32, founded: NaiveDate) -> ([i64; 4], f64) {
    let base = [22.0, 24.0, 26.0, 28.0];
    let mut s = [0.0; 4];
    let mut full = 0.0;
    for q in 0..4 {
        let w = (base[q] * (1.0 + 0.15 * rng.normal())).clamp(10.0, 40.0);
        full += w;
        let start = ymd(year, 3 * q as u32 + 1, 1);
        let end = Period::quarter(year, q as u8 + 1).map_or(start, |p| p.end_date());
        let active = if founded <= start {
            1.0
        } else if founded > end {
            0.0
        } else {
            ((end - founded).num_days() + 1) as f64 / ((end - start).num_days() + 1) as f64
        };
        s[q] = w * active;
    }
    let total: f64 = s.iter().sum();
    let mut cum = [0i64; 4];
    let mut acc = 0.0;
    for q in 0..4 {
        acc += s[q];
        cum[q] = if total > 0.0 {
            (acc / total * 10_000.0).round() as i64
        } else {
            0
        };
    }
    cum[3] = 10_000;
    (cum, if full > 0.0 { total / full } else { 0.0 })
}

/// 高企 R&D intensity floors by revenue (办法 第十一条(四)), with a margin above.
fn high_tech_intensity(rng: &mut Rng, revenue_wan: f64) -> f64 {
    if revenue_wan < 5_000.0 {
        rng.uniform(0.05, 0.08)
    } else if revenue_wan <= 20_000.0 {
        rng.uniform(0.04, 0.06)
    } else {
        rng.uniform(0.03, 0.045)
    }
}

/// A firm's traits, drawn once, that its years follow.
#[derive(Debug, Clone)]
struct Profile {
    /// Full-year revenue, 万元, from 2018 (index 0) on.
    full: [f64; YEARS + 1],
    base_intensity: f64,
    drift: f64,
    margin: f64,
    taxes_rate: f64,
    income_factor: f64,
    main_share: f64,
    ht_share: f64,
    export_share: f64,
    rpe: f64,
    st_pm: i64,
    rd_staff_pm: i64,
    asset_ratio: f64,
    net_assets_pm: i64,
    rd_domestic_pm: i64,
    rd_basic_pm: i64,
    contracts: bool,
    contract_wan: f64,
    tx_share: f64,
    level: i64,
    level_year: i32,
    conversions: i64,
}

/// Yearly revenue growth: faster while young, a dip in 2020.
fn growth(rng: &mut Rng, f: &Firm, y: i32) -> f64 {
    let young = y - f.founded.year() < 3;
    (1.08 + 0.12 * rng.normal()).clamp(0.75, 1.6) + if young { 0.3 } else { 0.0 }
        - if y == 2020 { 0.06 } else { 0.0 }
}

/// A firm's economic path over the snapshot's filing years (2019–2023), and the
/// traits its later years follow.
fn path(rng: &mut Rng, f: &Firm, t: &FirmTiers) -> ([Option<Year>; YEARS], Profile) {
    let c = &CLUSTERS[f.cluster];
    // Full-year revenue, 万元, for 2018..=2023 (index 0 = 2018).
    let mut full = [0.0f64; YEARS + 1];
    let growth = |rng: &mut Rng, y: i32| growth(rng, f, y);
    full[4] = f.revenue_2022;
    for y in (2018..2022).rev() {
        let i = (y - 2018) as usize;
        full[i] = full[i + 1] / growth(rng, y + 1);
    }
    full[5] = full[4] * growth(rng, 2023);

    let base_intensity = if !t.high_tech.is_empty() {
        high_tech_intensity(rng, f.revenue_2022)
    } else {
        match t.tech {
            Tech::Old | Tech::New => rng.uniform(0.015, 0.05),
            Tech::Lapsed => rng.uniform(0.005, 0.03),
            Tech::None if rng.chance(0.5) => 0.0,
            Tech::None => rng.uniform(0.002, 0.015),
        }
    };
    let drift = rng.uniform(1.03, 1.08);
    let margin = (0.06 + 0.05 * rng.normal()).clamp(-0.15, 0.25);
    let taxes_rate = rng.uniform(0.025, 0.05);
    let income_factor = rng.uniform(1.0, 1.03);
    let main_share = {
        let s = rng.uniform(0.88, 0.995);
        if f.above_scale {
            s.max(ABOVE_SCALE_WAN / f.revenue_2022 + 0.002).min(1.0)
        } else {
            s
        }
    };
    let ht_share = if !t.high_tech.is_empty() {
        rng.uniform(0.62, 0.9)
    } else {
        match t.tech {
            Tech::Old | Tech::New => rng.uniform(0.3, 0.7),
            Tech::Lapsed => rng.uniform(0.1, 0.4),
            Tech::None => rng.uniform(0.0, 0.15),
        }
    };
    let export_share = match f.special {
        Special::Zhiyan => 0.35,
        _ if rng.chance(c.exporters + if f.above_scale { 0.1 } else { 0.0 }) => {
            rng.uniform(0.05, 0.4)
        }
        _ => 0.0,
    };
    let rpe = rng.log_normal(75.0, 0.35).clamp(25.0, 250.0);
    let (st_lo, st_hi) = if !t.high_tech.is_empty() {
        (0.14, 0.35)
    } else {
        match t.tech {
            Tech::Old | Tech::New => (0.10, 0.30),
            Tech::Lapsed => (0.05, 0.15),
            Tech::None => (0.02, 0.08),
        }
    };
    let st_pm = (rng.uniform(st_lo, st_hi) * 1000.0) as i64;
    let rd_staff_pm = (st_pm as f64 * rng.uniform(0.6, 0.9)) as i64;
    let asset_ratio = rng.uniform(0.8, 1.8);
    let net_assets_pm = (rng.uniform(0.3, 0.68) * 1000.0) as i64;
    let rd_domestic_pm = (rng.uniform(0.92, 1.0) * 1000.0) as i64;
    let rd_basic_pm = if t.is_tech() && rng.chance(0.2) {
        rng.between(5, 50)
    } else {
        0
    };
    let contracts = t.is_tech() && rng.chance(if t.high_tech.is_empty() { 0.08 } else { 0.3 });
    let contract_wan = rng.uniform(20.0, 600.0) * (f.revenue_2022 / 10_000.0).clamp(0.5, 3.0);
    let tx_share = rng.uniform(0.7, 1.0);
    let level = if !t.high_tech.is_empty() || t.srdi_valid {
        let l = [1, 2, 3][rng.weighted(&[30, 50, 20])] + i64::from(t.srdi_valid);
        if t.little_giant || f.special != Special::None {
            3
        } else {
            l.min(3)
        }
    } else if t.is_tech() {
        [0, 1, 2][rng.weighted(&[40, 40, 20])]
    } else {
        0
    };
    let level_year = rng.between(2019, 2022) as i32;
    // Results converted in the last three years (the indicator is their yearly mean).
    let conversions = if !t.high_tech.is_empty() {
        rng.between(3, 18)
    } else if t.is_tech() {
        rng.between(0, 6)
    } else {
        0
    };

    let p = Profile {
        full,
        base_intensity,
        drift,
        margin,
        taxes_rate,
        income_factor,
        main_share,
        ht_share,
        export_share,
        rpe,
        st_pm,
        rd_staff_pm,
        asset_ratio,
        net_assets_pm,
        rd_domestic_pm,
        rd_basic_pm,
        contracts,
        contract_wan,
        tx_share,
        level,
        level_year,
        conversions,
    };
    let mut out: [Option<Year>; YEARS] = Default::default();
    let mut prev: Option<(i64, i64)> = None;
    for (k, slot) in out.iter_mut().enumerate().take(SNAPSHOT_YEARS) {
        let y = FIRST_YEAR + k as i32;
        if f.founded > ymd(y, 12, 31) {
            continue;
        }
        *slot = Some(year_of(rng, f, t, &p, k, &mut prev));
    }
    (out, p)
}

/// Year `FIRST_YEAR + k` of a firm that exists by its end; `prev` carries the
/// year-end headcount and assets on.
fn year_of(
    rng: &mut Rng,
    f: &Firm,
    t: &FirmTiers,
    p: &Profile,
    k: usize,
    prev: &mut Option<(i64, i64)>,
) -> Year {
    let y = FIRST_YEAR + k as i32;
    let full = &p.full;
    let emp_of = |revenue: f64| fen_people((revenue / p.rpe).max(3.0));
    let (cum, active) = season(rng, y, f.founded);
    let rev_full = full[k + 1];
    let revenue = units(rev_full * active);
    let intensity = p.base_intensity * pow_int(p.drift, y - 2022);
    let high_tech_year = t.high_tech_on(ymd(y, 6, 30)) || t.high_tech_on(ymd(y, 12, 31));
    let rd = units(rev_full * active * intensity);
    let m = (p.margin + 0.03 * rng.normal()).clamp(-0.3, 0.35);
    let total_profit = units(rev_full * active * m);
    let tax = if high_tech_year {
        0.15
    } else if rev_full < 300.0 {
        0.05
    } else {
        0.25
    };
    let net_profit = if total_profit > 0 {
        (total_profit as f64 * (1.0 - tax)).round() as i64
    } else {
        total_profit
    };
    let total_income = (revenue as f64 * p.income_factor).round() as i64;
    let emp_end = emp_of(rev_full);
    let assets_end = units(rev_full * p.asset_ratio);
    let (emp_start, assets_start) = match *prev {
        Some(x) => x,
        None if f.founded.year() == y => (fen_people(3.0).max(emp_end / 3), assets_end / 2),
        None => (emp_of(full[k]), units(full[k] * p.asset_ratio)),
    };
    *prev = Some((emp_end, assets_end));
    let new_jobs = (emp_end - emp_start) / 100;
    let year_swing = rng.uniform(0.6, 1.5);
    let graduates = if new_jobs > 0 {
        (new_jobs as f64 * rng.uniform(0.0, 0.4)) as i64
    } else {
        rng.between(0, 2)
    };
    Year {
        cum,
        revenue,
        main: (revenue as f64 * p.main_share).floor() as i64,
        total_income,
        high_tech: (total_income as f64 * p.ht_share).floor() as i64,
        total_profit,
        net_profit,
        taxes: (revenue as f64 * p.taxes_rate).round() as i64,
        export: (revenue as f64 * p.export_share / 7.1).round() as i64,
        total_cost: (revenue as f64 * (1.0 - m)).round() as i64,
        contract: if p.contracts && y >= p.level_year {
            units(p.contract_wan * active * year_swing)
        } else {
            0
        },
        transaction: if p.contracts && y >= p.level_year {
            units(p.contract_wan * active * year_swing * p.tx_share)
        } else {
            0
        },
        rd,
        rd_domestic_pm: p.rd_domestic_pm,
        rd_basic_pm: p.rd_basic_pm,
        high_tech_year,
        emp_start,
        emp_end,
        st_pm: p.st_pm,
        rd_staff_pm: p.rd_staff_pm,
        assets_start,
        assets_end,
        net_assets_pm: p.net_assets_pm,
        new_jobs,
        graduates,
        level: if y >= p.level_year {
            p.level
        } else {
            (p.level - 1).max(0)
        },
        conversions: (if y >= p.level_year {
            p.conversions
        } else {
            p.conversions / 2
        } * 100
            + 1)
            / 3,
    }
}

/// `x^n` by repeated multiplication (platform-independent rounding).
fn pow_int(x: f64, n: i32) -> f64 {
    let mut r = 1.0;
    for _ in 0..n.unsigned_abs() {
        r *= x;
    }
    if n < 0 { 1.0 / r } else { r }
}

/// Persons to hundredths.
fn fen_people(p: f64) -> i64 {
    (p * 100.0).round() as i64
}

/// The values of one filing: year `y`'s figures to quarter `q` (4 for the year).
fn values(e: &Year, y: i32, q: usize, rd_ytd: i64, ip: &[IpFact]) -> Values {
    let end = Period::quarter(y, q as u8).map_or(ymd(y, 12, 31), |p| p.end_date());
    let mut v = Values::default();
    let total_profit = e.flow(e.total_profit, q);
    let mut set = |code: &str, x: i64| v.set(code, Some(x));
    set("operating_revenue", e.flow(e.revenue, q));
    set("sales_revenue", e.flow(e.revenue, q));
    set("main_business_revenue", e.flow(e.main, q));
    set("high_tech_revenue", e.flow(e.high_tech, q));
    set("total_income", e.flow(e.total_income, q));
    set("total_profit", total_profit);
    set("net_profit", e.flow(e.net_profit, q));
    set("taxes_paid", e.flow(e.taxes, q));
    // 加计扣除 (100 % of R&D at the firm's rate) plus the 高企 rate cut on profit.
    let relief = if e.high_tech_year {
        rd_ytd * 15 / 100 + total_profit.max(0) / 10
    } else {
        rd_ytd / 4
    };
    set("tax_relief", relief);
    set("export_earnings", e.flow(e.export, q));
    let assets = e.assets_start + (e.assets_end - e.assets_start) * q as i64 / 4;
    set("total_assets", assets);
    set("net_assets", share(assets, e.net_assets_pm, 1000));
    // The year-to-date monthly average of a headcount growing evenly over the year.
    let employees = e.emp_start + (e.emp_end - e.emp_start) * q as i64 / 8;
    set("employees", employees);
    set("st_staff", share(employees, e.st_pm, 1000));
    set("rd_staff", share(employees, e.rd_staff_pm, 1000));
    let new_jobs = e.new_jobs * q as i64 / 4;
    let graduates = e.graduates * q as i64 / 4;
    set("new_jobs", new_jobs);
    set(
        "new_jobs_graduates",
        if new_jobs >= 0 {
            graduates.min(new_jobs)
        } else {
            graduates
        },
    );
    set("rd_expense", rd_ytd);
    set("rd_domestic", share(rd_ytd, e.rd_domestic_pm, 1000));
    set("rd_basic", share(rd_ytd, e.rd_basic_pm, 1000));
    set(
        "ip_class1",
        ip.iter()
            .filter(|f| f.class() == IpClass::I && f.in_force_on(end))
            .count() as i64,
    );
    set(
        "ip_class2",
        ip.iter()
            .filter(|f| f.class() == IpClass::II && f.in_force_on(end))
            .count() as i64,
    );
    let applied =
        |f: &&IpFact| f.is_patent() && f.applied.is_some_and(|d| d >= ymd(y, 1, 1) && d <= end);
    set(
        "patent_applications",
        ip.iter().filter(applied).count() as i64,
    );
    set(
        "invention_applications",
        ip.iter()
            .filter(applied)
            .filter(|f| f.class() == IpClass::I)
            .count() as i64,
    );
    set("tech_contract_amount", e.flow(e.contract, q));
    set("tech_transaction_amount", e.flow(e.transaction, q));
    set("rd_institution_level", e.level);
    set("conversions", e.conversions);
    set("total_cost", e.flow(e.total_cost, q).max(rd_ytd));
    for ind in indicator::ALL.iter().filter(|i| i.unit.is_money()) {
        v.0[ind.index] = v.0[ind.index].map(|x| x * UNIT);
    }
    v
}

/// Year-to-date R&D per firm, year and quarter.
type RdTable = Vec<[[i64; 4]; YEARS]>;

fn rd_ytd(years: &[Option<Year>; YEARS]) -> [[i64; 4]; YEARS] {
    let mut out = [[0; 4]; YEARS];
    for (k, y) in years.iter().enumerate() {
        if let Some(e) = y {
            for q in 1..=4 {
                out[k][q - 1] = e.flow(e.rd, q);
            }
        }
    }
    out
}

/// Scales the R&D of `firms` in the years `ks` by `factor`, keeping total cost above it.
fn scale_rd(paths: &mut [[Option<Year>; YEARS]], firms: &[usize], ks: &[usize], factor: f64) {
    for &i in firms {
        for &k in ks {
            if let Some(e) = paths[i][k].as_mut() {
                e.rd = (e.rd as f64 * factor).round() as i64;
                e.total_cost = e.total_cost.max(e.rd + e.rd / 5);
            }
        }
    }
}

/// Makes the 规上 R&D sums exact (see the module doc).
fn steer(firms: &[Firm], paths: &mut [[Option<Year>; YEARS]]) -> AppResult<RdTable> {
    let k23 = (2023 - FIRST_YEAR) as usize;
    let k22 = (2022 - FIRST_YEAR) as usize;
    let above: Vec<usize> = (0..firms.len()).filter(|&i| firms[i].above_scale).collect();
    let q3_sum = |paths: &[[Option<Year>; YEARS]], k: usize| -> i64 {
        above
            .iter()
            .filter_map(|&i| paths[i][k].as_ref().map(|e| e.flow(e.rd, 3)))
            .sum()
    };
    let bad = |what: &str| AppError::Internal(anyhow::anyhow!("demo steering: {what}"));
    for &i in &above {
        if paths[i][k22].is_none() || paths[i][k23].is_none() {
            return Err(bad(&format!(
                "{} is 规上 without 2022 and 2023 filings",
                firms[i].name
            )));
        }
    }
    if RD_2023Q3_FEN % UNIT != 0 || RD_2022Q3_FEN % UNIT != 0 {
        return Err(bad("targets are not whole 0.01万元"));
    }
    let (t23, t22) = (RD_2023Q3_FEN / UNIT, RD_2022Q3_FEN / UNIT);
    let s23 = q3_sum(paths, k23);
    if s23 <= 0 {
        return Err(bad("no R&D among 规上 enterprises"));
    }
    let all_years: Vec<usize> = (0..YEARS).collect();
    scale_rd(paths, &above, &all_years, t23 as f64 / s23 as f64);
    let s22 = q3_sum(paths, k22);
    if s22 <= 0 {
        return Err(bad("no 2022 R&D among 规上 enterprises"));
    }
    scale_rd(paths, &above, &[k22], t22 as f64 / s22 as f64);
    // After the snapshot: 1—9月 R&D grows by the planned rate, for 规上 firms and
    // for the others alike (each group on its own figures).
    let others: Vec<usize> = (0..firms.len())
        .filter(|&i| !firms[i].above_scale)
        .collect();
    for (year, pm) in RD_GROWTH_PM {
        let k = (year - FIRST_YEAR) as usize;
        for group in [&above, &others] {
            let sum = |paths: &[[Option<Year>; YEARS]], k: usize| -> i64 {
                group
                    .iter()
                    .filter(|&&i| paths[i][k - 1].is_some())
                    .filter_map(|&i| paths[i][k].as_ref().map(|e| e.flow(e.rd, 3)))
                    .sum()
            };
            let base: i64 = group
                .iter()
                .filter(|&&i| paths[i][k].is_some())
                .filter_map(|&i| paths[i][k - 1].as_ref().map(|e| e.flow(e.rd, 3)))
                .sum();
            let now = sum(paths, k);
            if base > 0 && now > 0 {
                let factor = base as f64 * (1000 + pm) as f64 / 1000.0 / now as f64;
                scale_rd(paths, group, &[k], factor);
            }
        }
    }
    let mut table: RdTable = paths.iter().map(rd_ytd).collect();
    let largest = *above
        .iter()
        .max_by_key(|&&i| (table[i][k23][2], std::cmp::Reverse(i)))
        .ok_or_else(|| bad("no 规上 enterprise"))?;
    for (k, target) in [(k23, t23), (k22, t22)] {
        let sum: i64 = above.iter().map(|&i| table[i][k][2]).sum();
        let r = target - sum;
        let ytd = &mut table[largest][k];
        if (ytd[2] + r) < ytd[1] || ytd[2] + r > ytd[3] || r.abs() > 1_000 {
            return Err(bad(&format!("residual {r} fen does not fit")));
        }
        ytd[2] += r;
    }
    Ok(table)
}

/// China time (UTC+8) on `day` at `hour`, in unix µs.
fn at(day: NaiveDate, hour: u32) -> i64 {
    day.and_hms_opt(hour, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_micros())
        - 8 * 3_600_000_000
}

/// Who did what to a demo filing version.
struct Stamp {
    created_by: String,
    created_at: i64,
    submitted: Option<(String, i64)>,
    reviewed: Option<(String, i64, Option<String>)>,
}

fn version(
    org: &OrgId,
    period: Period,
    n: i32,
    status: FilingStatus,
    is_current: bool,
    s: Stamp,
    values: Values,
) -> FilingVersion {
    FilingVersion {
        org_id: org.clone(),
        period,
        version: n,
        status,
        source: FilingSource::Demo,
        is_current,
        created_by: s.created_by,
        created_at: s.created_at,
        updated_at: s.created_at,
        submitted_by: s.submitted.as_ref().map(|x| x.0.clone()),
        submitted_at: s.submitted.as_ref().map(|x| x.1),
        reviewed_by: s.reviewed.as_ref().map(|x| x.0.clone()),
        reviewed_at: s.reviewed.as_ref().map(|x| x.1),
        review_note: s.reviewed.and_then(|x| x.2),
        import_batch_id: None,
        values,
    }
}

/// Every period a firm files: 2019Q1 … 2026Q3 and the years 2019 … 2025, from the
/// first one it existed in; `(period, year index, quarter)` (4 for the year).
fn periods_of(founded: NaiveDate) -> Vec<(Period, usize, usize)> {
    let mut out = Vec::new();
    for y in FIRST_YEAR..=HORIZON_YEAR {
        let k = (y - FIRST_YEAR) as usize;
        let last_q = if y == HORIZON_YEAR { 3 } else { 4 };
        for q in 1..=last_q {
            if let Some(p) = Period::quarter(y, q as u8)
                && founded <= p.end_date()
            {
                out.push((p, k, q));
            }
        }
        if y < HORIZON_YEAR
            && let Some(p) = Period::year(y)
            && founded <= p.end_date()
        {
            out.push((p, k, 4));
        }
    }
    out
}

/// The workflow examples' outcome, for the summary and the logins.
#[derive(Debug, Default)]
pub(crate) struct Workflow {
    /// Firms with a third-quarter version 2 waiting for review.
    pub submitted: Vec<usize>,
    /// Firms whose third-quarter version 2 was returned.
    pub returned: Vec<usize>,
    /// Firms with a third-quarter version 2 draft.
    pub drafts: Vec<usize>,
    /// Firms whose second-quarter filing was corrected (version 2 approved and current).
    pub corrected: Vec<usize>,
    /// Firms whose only 2026Q3 version is still waiting for review (late filers).
    pub late: Vec<usize>,
    /// Firms that have not filed 2026Q3 yet.
    pub missing: Vec<usize>,
}

/// Carries a firm's path on from the snapshot's last year to the horizon's: the
/// revenue keeps growing, and a firm that became a 高企 after the snapshot brings
/// its R&D up to the 办法's intensity, one newly recognised as 科技型企业 to a tech
/// firm's.
fn extend_path(
    rng: &mut Rng,
    f: &Firm,
    snap: Option<&FirmTiers>,
    t: &FirmTiers,
    p: &mut Profile,
    years: &mut [Option<Year>; YEARS],
) {
    for k in SNAPSHOT_YEARS..YEARS {
        let y = FIRST_YEAR + k as i32;
        p.full[k + 1] = p.full[k] * growth(rng, f, y);
        if f.founded > ymd(y, 12, 31) {
            continue;
        }
        let drift = pow_int(p.drift, y - 2022);
        let became_high_tech =
            t.high_tech_on(ymd(y, 12, 31)) && snap.is_none_or(|s| !s.high_tech_on(ymd(y, 12, 31)));
        if became_high_tech {
            let floor = high_tech_intensity(rng, p.full[k + 1]);
            p.base_intensity = p.base_intensity.max(floor / drift);
            p.ht_share = p.ht_share.max(rng.uniform(0.62, 0.9));
        } else if t.tech == Tech::New && snap.is_none_or(|s| s.tech == Tech::None) {
            let floor = rng.uniform(0.015, 0.05);
            p.base_intensity = p.base_intensity.max(floor / drift);
        }
        let mut prev = years[k - 1].as_ref().map(|e| (e.emp_end, e.assets_end));
        years[k] = Some(year_of(rng, f, t, p, k, &mut prev));
    }
}

/// Generates every filing version: `firms` is the register up to the horizon, of
/// which the first `snap.len()` are the snapshot's firms with their tiers at the
/// snapshot; `tiers` are everyone's tiers at the horizon.
///
/// The snapshot's periods are drawn from the same stream, in the same order, as
/// for the 2023 figures; everything after it from a stream of its own.
pub(crate) fn generate(
    seed: u64,
    firms: &[Firm],
    ids: &[OrgId],
    snap: &[FirmTiers],
    tiers: &[FirmTiers],
    ip: &[Vec<IpFact>],
) -> AppResult<(Vec<FilingVersion>, Workflow)> {
    let mut rng = Rng::stream(seed, "filings");
    let mut later = Rng::stream(seed, "filings-horizon");
    let (mut paths, mut profiles): (Vec<[Option<Year>; YEARS]>, Vec<Profile>) = firms
        .iter()
        .enumerate()
        .map(|(i, f)| match snap.get(i) {
            Some(t) => path(&mut rng, f, t),
            None => path(&mut later, f, &tiers[i]),
        })
        .unzip();
    for (i, f) in firms.iter().enumerate() {
        extend_path(
            &mut later,
            f,
            snap.get(i),
            &tiers[i],
            &mut profiles[i],
            &mut paths[i],
        );
    }
    let rd = steer(firms, &mut paths)?;
    let q3_2026 = Period::quarter(HORIZON_YEAR, 3)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("2026Q3")))?;
    let mut out = Vec::with_capacity(firms.len() * 38);
    let n = firms.len();
    let (mut q3, mut q2) = (vec![None; n], vec![None; n]);
    let (mut q3_last, mut q2_last) = (vec![None; n], vec![None; n]);
    let mut late = Workflow::default();
    for (i, f) in firms.iter().enumerate() {
        for (p, k, q) in periods_of(f.founded) {
            let e = paths[i][k].as_ref().ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("demo: no figures for {} {p}", f.name))
            })?;
            let v = values(e, p.year_number(), q, rd[i][k][q - 1], &ip[i]);
            let problems = indicator::check(&v);
            if !problems.is_empty() {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "demo filing {} {p} inconsistent: {problems:?}",
                    f.name
                )));
            }
            let r = if p.end_date() > SNAPSHOT {
                &mut later
            } else {
                &mut rng
            };
            let filed = p.end_date()
                + chrono::TimeDelta::days(if p.is_annual() {
                    r.between(60, 120)
                } else {
                    r.between(8, 25)
                });
            let created_at = at(filed, r.between(9, 17) as u32);
            let reviewed_at = created_at + r.between(1, 6) * 86_400_000_000;
            let mut stamp = Stamp {
                created_by: "demo".into(),
                created_at,
                submitted: Some(("demo".into(), created_at)),
                reviewed: Some(("demo".into(), reviewed_at, None)),
            };
            let mut status = FilingStatus::Approved;
            if p == q3_2026 && f.special == Special::None && !f.above_scale {
                // A few smaller firms have not filed the latest quarter yet, a few
                // more wait for their first review (the 规上 ones, watched by the
                // statistics bureau too, are all in).
                let x = r.unit();
                if x < 0.02 {
                    late.missing.push(i);
                    continue;
                }
                if x < 0.06 {
                    late.late.push(i);
                    stamp.reviewed = None;
                    status = FilingStatus::Submitted;
                }
            }
            let slot = (out.len(), v.clone());
            match (p.year_number(), p.quarter_number()) {
                (LAST_YEAR, Some(3)) => q3[i] = Some(slot),
                (LAST_YEAR, Some(2)) => q2[i] = Some(slot),
                (HORIZON_YEAR, Some(3)) if status == FilingStatus::Approved => {
                    q3_last[i] = Some(slot);
                }
                (HORIZON_YEAR, Some(2)) => q2_last[i] = Some(slot),
                _ => {}
            }
            out.push(version(
                &ids[i],
                p,
                1,
                status,
                status == FilingStatus::Approved,
                stamp,
                v,
            ));
        }
    }
    // The 2023 examples are drawn as they always were (their 2023Q2 corrections
    // stay in the history); the versions that would still wait for review in
    // 2023Q3 are dropped, and the review examples go to the horizon's quarter.
    let q3_2023 = Period::quarter(LAST_YEAR, 3)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("2023Q3")))?;
    workflow(&mut rng, LAST_YEAR, firms, ids, &mut out, &q3, &q2)?;
    let mut wf = workflow(
        &mut later,
        HORIZON_YEAR,
        firms,
        ids,
        &mut out,
        &q3_last,
        &q2_last,
    )?;
    out.retain(|v| !(v.period == q3_2023 && v.version == 2));
    wf.late = late.late;
    wf.missing = late.missing;
    Ok((out, wf))
}

/// A corrected copy of a filing: revenue and R&D revised up a little, a new hire.
fn revised(v: &Values, rng: &mut Rng) -> Values {
    let mut r = v.clone();
    let up = |x: Option<i64>, pm: i64| x.map(|x| x + share(x.max(0), pm, 1000) / UNIT * UNIT);
    let pm = rng.between(5, 40);
    for code in ["operating_revenue", "sales_revenue", "total_income"] {
        r.set(code, up(v.get(code), pm));
    }
    let rd = v.get("rd_expense").unwrap_or(0);
    let extra = share(rd, rng.between(10, 60), 1000) / UNIT * UNIT;
    r.set("rd_expense", Some(rd + extra));
    r.set("total_cost", v.get("total_cost").map(|c| c + extra));
    r.set("employees", v.get("employees").map(|e| e + 100));
    r
}

/// The review examples on top of the approved history of `year`: version 2 of
/// its third quarter submitted (including the showcase firm's, and some in
/// 巴川/东城 for the town reviewer), returned with a reason, or left as a draft;
/// and second-quarter corrections that were approved. Version 1 of the third
/// quarter stays current everywhere (for 2023, the report's quarter).
fn workflow(
    rng: &mut Rng,
    year: i32,
    firms: &[Firm],
    ids: &[OrgId],
    out: &mut Vec<FilingVersion>,
    q3: &[Option<(usize, Values)>],
    q2: &[Option<(usize, Values)>],
) -> AppResult<Workflow> {
    let mut pool: Vec<usize> = (0..firms.len())
        .filter(|&i| firms[i].special == Special::None && q3[i].is_some() && q2[i].is_some())
        .collect();
    rng.shuffle(&mut pool);
    let core_towns = ["巴川街道", "东城街道"];
    let in_core = |i: &usize| core_towns.contains(&super::geography::TOWNS[firms[*i].town].name);
    let mut wf = Workflow::default();
    wf.submitted
        .extend(firms.iter().position(|f| f.special == Special::Showcase));
    wf.submitted
        .extend(pool.iter().copied().filter(in_core).take(4));
    wf.submitted
        .extend(pool.iter().copied().filter(|i| !in_core(i)).take(5));
    let mut rest = pool.iter().copied().filter(|i| !wf.submitted.contains(i));
    wf.returned.extend(rest.by_ref().take(2));
    wf.drafts.extend(rest.by_ref().take(1));
    wf.corrected.extend(rest.by_ref().take(12));
    let q3_period =
        Period::quarter(year, 3).ok_or_else(|| AppError::Internal(anyhow::anyhow!("{year}Q3")))?;
    let q2_period =
        Period::quarter(year, 2).ok_or_else(|| AppError::Internal(anyhow::anyhow!("{year}Q2")))?;
    let base_day = ymd(year, 10, 20);
    let check = |v: &Values, who: &str| {
        let p = indicator::check(v);
        if p.is_empty() {
            Ok(())
        } else {
            Err(AppError::Internal(anyhow::anyhow!(
                "demo workflow {who}: {p:?}"
            )))
        }
    };
    for &i in &wf.submitted {
        let Some((_, v)) = &q3[i] else { continue };
        let v2 = revised(v, rng);
        check(&v2, &firms[i].name)?;
        let who = if firms[i].special == Special::Showcase {
            "user:enterprise".to_string()
        } else {
            "demo".to_string()
        };
        let t = at(
            base_day + chrono::TimeDelta::days(rng.between(0, 10)),
            rng.between(9, 17) as u32,
        );
        let s = Stamp {
            created_by: who.clone(),
            created_at: t,
            submitted: Some((who, t)),
            reviewed: None,
        };
        out.push(version(
            &ids[i],
            q3_period,
            2,
            FilingStatus::Submitted,
            false,
            s,
            v2,
        ));
    }
    let reasons = [
        "研发费用较上年同期下降超过40%，请核实并上传研发费用辅助账",
        "职工总数与社保参保人数不一致，请补充说明",
    ];
    for (n, &i) in wf.returned.iter().enumerate() {
        let Some((_, v)) = &q3[i] else { continue };
        let mut v2 = v.clone();
        if n == 0 {
            for code in ["rd_expense", "rd_domestic", "rd_basic"] {
                v2.set(code, v.get(code).map(|x| x * 55 / 100 / UNIT * UNIT));
            }
        } else {
            v2.set("employees", v.get("employees").map(|e| e + e / 5));
        }
        check(&v2, &firms[i].name)?;
        let t = at(ymd(year, 10, 16), 10);
        let s = Stamp {
            created_by: "demo".into(),
            created_at: t,
            submitted: Some(("demo".into(), t)),
            reviewed: Some((
                "user:reviewer".into(),
                t + 2 * 86_400_000_000,
                Some(reasons[n % reasons.len()].to_string()),
            )),
        };
        out.push(version(
            &ids[i],
            q3_period,
            2,
            FilingStatus::Returned,
            false,
            s,
            v2,
        ));
    }
    for &i in &wf.drafts {
        let Some((_, v)) = &q3[i] else { continue };
        let v2 = revised(v, rng);
        let t = at(ymd(year, 10, 27), 15);
        let s = Stamp {
            created_by: "demo".into(),
            created_at: t,
            submitted: None,
            reviewed: None,
        };
        out.push(version(
            &ids[i],
            q3_period,
            2,
            FilingStatus::Draft,
            false,
            s,
            v2,
        ));
    }
    for &i in &wf.corrected {
        let Some((idx, v)) = &q2[i] else { continue };
        out[*idx].is_current = false;
        let v2 = revised(v, rng);
        check(&v2, &firms[i].name)?;
        let t = at(
            ymd(year, 8, 10) + chrono::TimeDelta::days(rng.between(0, 20)),
            11,
        );
        let s = Stamp {
            created_by: "demo".into(),
            created_at: t,
            submitted: Some(("demo".into(), t)),
            reviewed: Some(("user:reviewer".into(), t + 86_400_000_000, None)),
        };
        out.push(version(
            &ids[i],
            q2_period,
            2,
            FilingStatus::Approved,
            true,
            s,
            v2,
        ));
    }
    Ok(wf)
}
