//! Technology contract statistics: contract amount (合同成交额), technology
//! transaction amount (技术交易额) and count of registered contracts by
//! registration date, by period, category, subtype, field, party type (seller
//! and buyer side), town; year to date, year on year and a full-year
//! projection ([`kechuang_core::contract::project_full_year`]).
//!
//! A contract counts on the day it was registered, with its current values (a
//! 变更登记 moves the figures; a cancelled contract drops out). Each figure is one
//! `GROUP BY` over the per-day sums the store keeps (`contract_day_sum`): eight
//! queries in all, each reading days × keys rows whatever the number of
//! contracts (a town-scoped user's are summed from the contracts instead).

use crate::ops::ledger::Amount;
use crate::{Actor, App, AppError, AppResult};
use chrono::{Datelike, NaiveDate};
use kechuang_core::FieldError;
use kechuang_core::contract::{self as rules, Category, PartyType, Subtype, project_full_year};
use kechuang_core::indicator::yoy_pct;
use kechuang_core::money::Money;
use kechuang_store::{ContractDim, ContractSum, Db, Selection};
use rust_decimal::Decimal;

/// One group of the statistics.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SumRow {
    /// Key (code, month `YYYY-MM`, quarter `YYYYQn`, year).
    pub key: String,
    /// zh-CN label.
    pub label: String,
    /// Contracts.
    pub count: i64,
    /// 合同成交额.
    pub amount: Amount,
    /// 技术交易额.
    pub tech: Amount,
}

/// Year to date.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Ytd {
    /// Year.
    pub year: i32,
    /// Months elapsed (1—`months`).
    pub months: u32,
    /// Contracts.
    pub count: i64,
    /// 合同成交额.
    pub amount: Amount,
    /// 技术交易额.
    pub tech: Amount,
    /// The same months of the previous year: 合同成交额.
    pub last_year_amount: Amount,
    /// The same months of the previous year: contracts.
    pub last_year_count: i64,
    /// The whole previous year: 合同成交额.
    pub last_year_full: Amount,
    /// Change of 合同成交额 on the same months, percent (one decimal).
    #[serde(with = "rust_decimal::serde::float_option")]
    pub yoy_pct: Option<Decimal>,
    /// Full-year projection of 合同成交额.
    pub projection: Amount,
    /// The sentence of the report ("1—6月技术合同成交额1.84亿元，预计全年突破3.6亿元，…").
    pub sentence: String,
}

/// The statistics of a date range.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ContractStats {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// All registered in the range.
    pub total: SumRow,
    /// By month.
    pub by_month: Vec<SumRow>,
    /// By quarter.
    pub by_quarter: Vec<SumRow>,
    /// By year.
    pub by_year: Vec<SumRow>,
    /// By category.
    pub by_category: Vec<SumRow>,
    /// By subtype.
    pub by_subtype: Vec<SumRow>,
    /// By technical field.
    pub by_field: Vec<SumRow>,
    /// By the seller's type.
    pub by_seller_type: Vec<SumRow>,
    /// By the buyer's type.
    pub by_buyer_type: Vec<SumRow>,
    /// By town.
    pub by_town: Vec<SumRow>,
    /// Year to date up to the range's last month.
    pub ytd: Ytd,
}

/// The range asked for.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct StatsQuery {
    /// First month `YYYY-MM` or day `YYYY-MM-DD` (default: January of `to`'s year).
    pub from: String,
    /// Last month `YYYY-MM` or day `YYYY-MM-DD` (default: this month).
    pub to: String,
}

fn last_of_month(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

fn bound(field: &str, s: &str, end: bool) -> Result<NaiveDate, FieldError> {
    let s = s.trim();
    if s.len() <= 7 {
        let (y, m) = kechuang_core::date::parse_month(field, s)?;
        return if end {
            Ok(last_of_month(y, m))
        } else {
            NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(|| FieldError::new(field, "date_invalid"))
        };
    }
    kechuang_core::date::parse(field, s)
}

/// Parses a range; empty bounds default to this year up to this month.
pub fn parse_range(q: &StatsQuery, today: NaiveDate) -> AppResult<(NaiveDate, NaiveDate)> {
    let mut errs = Vec::new();
    let to = if q.to.trim().is_empty() {
        Some(last_of_month(today.year(), today.month()))
    } else {
        bound("to", &q.to, true).map_err(|e| errs.push(e)).ok()
    };
    let from = match (q.from.trim().is_empty(), to) {
        (true, Some(t)) => NaiveDate::from_ymd_opt(t.year(), 1, 1),
        (true, None) => None,
        (false, _) => bound("from", &q.from, false).map_err(|e| errs.push(e)).ok(),
    };
    match (from, to) {
        (Some(f), Some(t)) if f <= t => Ok((f, t)),
        (Some(_), Some(_)) => Err(AppError::invalid(FieldError::new(
            "to",
            "contract_range_order",
        ))),
        _ => Err(AppError::Invalid(errs)),
    }
}

fn row(key: String, label: String, s: &ContractSum) -> SumRow {
    SumRow {
        key,
        label,
        count: s.count,
        amount: Amount::of(s.amount_fen),
        tech: Amount::of(s.tech_fen),
    }
}

fn labelled(sums: &[ContractSum], label: impl Fn(&str) -> String) -> Vec<SumRow> {
    sums.iter()
        .map(|s| row(s.key.clone(), label(&s.key), s))
        .collect()
}

/// Folds months (`YYYY-MM`) into coarser periods by a key function.
fn fold(months: &[ContractSum], key: impl Fn(&str) -> String) -> Vec<ContractSum> {
    let mut out: Vec<ContractSum> = Vec::new();
    for m in months {
        let k = key(&m.key);
        match out.last_mut() {
            Some(last) if last.key == k => {
                last.count += m.count;
                last.amount_fen += m.amount_fen;
                last.tech_fen += m.tech_fen;
            }
            _ => out.push(ContractSum {
                key: k,
                ..m.clone()
            }),
        }
    }
    out
}

fn quarter_of(month: &str) -> String {
    let m: u32 = month.get(5..7).and_then(|s| s.parse().ok()).unwrap_or(1);
    format!("{}Q{}", month.get(..4).unwrap_or(""), m.div_ceil(3))
}

fn total(sums: &[ContractSum]) -> ContractSum {
    sums.iter().fold(
        ContractSum {
            key: String::new(),
            count: 0,
            amount_fen: 0,
            tech_fen: 0,
        },
        |mut a, s| {
            a.count += s.count;
            a.amount_fen += s.amount_fen;
            a.tech_fen += s.tech_fen;
            a
        },
    )
}

/// 亿元 with up to two decimals, trailing zeros dropped (3.2).
pub fn yi_text(fen: i64) -> String {
    let v = (Decimal::from(fen) / Decimal::from(10_000_000_000_i64))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    v.normalize().to_string()
}

/// 亿元 rounded down to one decimal (the "突破" figure).
fn yi_floor_text(fen: i64) -> String {
    let tenths = fen.max(0) / 1_000_000_000;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// The YTD sentence.
pub fn sentence(y: &Ytd) -> String {
    let period = if y.months >= 12 {
        format!("{}年", y.year)
    } else if y.months == 1 {
        format!("{}年1月", y.year)
    } else {
        format!("{}年1—{}月", y.year, y.months)
    };
    let mut s = format!("{period}技术合同成交额{}亿元", yi_text(y.amount.fen));
    if y.months < 12 && y.projection.fen > y.amount.fen && y.projection.fen >= 1_000_000_000 {
        s.push_str(&format!(
            "，预计全年突破{}亿元",
            yi_floor_text(y.projection.fen)
        ));
    }
    let ly = y.last_year_amount.fen;
    if ly > 0 && y.amount.fen >= 2 * ly {
        s.push_str(&format!("，是去年同期的{}倍以上", y.amount.fen / ly));
    } else if let Some(p) = y.yoy_pct {
        if p >= Decimal::ZERO {
            s.push_str(&format!("，同比增长{p}%"));
        } else {
            s.push_str(&format!("，同比下降{}%", -p));
        }
    }
    s.push('。');
    s
}

/// Registered contracts of `[from, to]`: count, 合同成交额 and 技术交易额, fen.
pub async fn totals(db: &mut Db, from: NaiveDate, to: NaiveDate) -> AppResult<(i64, i64, i64)> {
    let t = total(
        &db.contract_sums(ContractDim::Category, from, to, None)
            .await?,
    );
    Ok((t.count, t.amount_fen, t.tech_fen))
}

/// The statistics of a range (bureau staff; a scoped user sees its towns).
pub async fn statistics(app: &App, actor: &Actor, q: &StatsQuery) -> AppResult<ContractStats> {
    actor.require_bureau()?;
    let (from, to) = parse_range(q, app.today())?;
    let mut db = app.store.read().await?;
    compute(&mut db, from, to, actor.towns.as_deref()).await
}

/// The statistics of `[from, to]` over the given towns (all when `None`).
pub async fn compute(
    db: &mut Db,
    from: NaiveDate,
    to: NaiveDate,
    towns: Option<&[String]>,
) -> AppResult<ContractStats> {
    let months = db
        .contract_sums(ContractDim::Month, from, to, towns)
        .await?;
    let cat = db
        .contract_sums(ContractDim::Category, from, to, towns)
        .await?;
    let sub = db
        .contract_sums(ContractDim::Subtype, from, to, towns)
        .await?;
    let field = db
        .contract_sums(ContractDim::Field, from, to, towns)
        .await?;
    let seller = db
        .contract_sums(ContractDim::SellerType, from, to, towns)
        .await?;
    let buyer = db
        .contract_sums(ContractDim::BuyerType, from, to, towns)
        .await?;
    let town = db.contract_sums(ContractDim::Town, from, to, towns).await?;
    // Year to date: this year up to `to`'s month and all of last year, by month.
    let (y, m) = (to.year(), to.month());
    let ly_from = NaiveDate::from_ymd_opt(y - 1, 1, 1).unwrap_or(from);
    let ytd_months = db
        .contract_sums(ContractDim::Month, ly_from, last_of_month(y, m), towns)
        .await?;
    let this_prefix = format!("{y:04}-");
    let last_prefix = format!("{:04}-", y - 1);
    let month_no = |k: &str| {
        k.get(5..7)
            .and_then(|s| s.parse::<u32>().ok())
            .unwrap_or(13)
    };
    let pick = |f: &dyn Fn(&ContractSum) -> bool| {
        total(
            &ytd_months
                .iter()
                .filter(|s| f(s))
                .cloned()
                .collect::<Vec<_>>(),
        )
    };
    let cur = pick(&|s| s.key.starts_with(&this_prefix));
    let ly_same = pick(&|s| s.key.starts_with(&last_prefix) && month_no(&s.key) <= m);
    let ly_full = pick(&|s| s.key.starts_with(&last_prefix));
    let projection = project_full_year(
        Money::from_fen(cur.amount_fen),
        m,
        (ly_same.amount_fen > 0).then(|| Money::from_fen(ly_same.amount_fen)),
        (ly_full.amount_fen > 0).then(|| Money::from_fen(ly_full.amount_fen)),
    );
    let mut ytd = Ytd {
        year: y,
        months: m,
        count: cur.count,
        amount: Amount::of(cur.amount_fen),
        tech: Amount::of(cur.tech_fen),
        last_year_amount: Amount::of(ly_same.amount_fen),
        last_year_count: ly_same.count,
        last_year_full: Amount::of(ly_full.amount_fen),
        yoy_pct: yoy_pct(cur.amount_fen, ly_same.amount_fen),
        projection: Amount::of(projection.fen()),
        sentence: String::new(),
    };
    ytd.sentence = sentence(&ytd);
    let t = total(&cat);
    Ok(ContractStats {
        from,
        to,
        total: row("total".into(), "合计".into(), &t),
        by_quarter: labelled(&fold(&months, quarter_of), |k| {
            k.replacen('Q', "年第", 1) + "季度"
        }),
        by_year: labelled(
            &fold(&months, |k| k.get(..4).unwrap_or("").to_string()),
            |k| format!("{k}年"),
        ),
        by_month: labelled(&months, |k| {
            format!("{}年{}月", k.get(..4).unwrap_or(""), month_no(k))
        }),
        by_category: labelled(&cat, |k| {
            Category::parse(k).map_or(k.to_string(), |c| c.label().to_string())
        }),
        by_subtype: labelled(&sub, |k| {
            Subtype::parse(k).map_or(k.to_string(), |c| c.label().to_string())
        }),
        by_field: labelled(&field, |k| rules::field_label(k).to_string()),
        by_seller_type: labelled(&seller, |k| {
            PartyType::parse(k).map_or(k.to_string(), |c| c.label().to_string())
        }),
        by_buyer_type: labelled(&buyer, |k| {
            PartyType::parse(k).map_or(k.to_string(), |c| c.label().to_string())
        }),
        by_town: labelled(&town, |k| {
            if k.is_empty() {
                "（未填镇街）".to_string()
            } else {
                k.to_string()
            }
        }),
        ytd,
    })
}

/// The contract part of the district report (`contracts.*`): contracts
/// registered within the range, by registration date.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ContractFigures {
    /// Registered contracts.
    pub count: i64,
    /// 合同成交额, 万元 (two decimals).
    #[serde(with = "rust_decimal::serde::float")]
    pub amount_wan: Decimal,
    /// 技术交易额, 万元 (two decimals).
    #[serde(with = "rust_decimal::serde::float")]
    pub tech_transaction_wan: Decimal,
    /// Change of 合同成交额 on the same range a year earlier, percent.
    #[serde(with = "rust_decimal::serde::float_option")]
    pub yoy_pct: Option<Decimal>,
    /// The same range a year earlier: 合同成交额, 万元.
    #[serde(with = "rust_decimal::serde::float")]
    pub last_year_amount_wan: Decimal,
}

fn year_earlier(d: NaiveDate) -> NaiveDate {
    d.with_year(d.year() - 1)
        .unwrap_or_else(|| last_of_month(d.year() - 1, d.month()))
}

/// The report's contract figures for `[from, to]`.
pub async fn report_figures(
    db: &mut Db,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<ContractFigures> {
    report_figures_in(db, from, to, Selection::default()).await
}

/// The report's contract figures for `[from, to]`, limited to the contracts whose
/// seller is in the selection (the contract's registered town, the seller's
/// cluster); the whole district reads the day sums.
pub async fn report_figures_in(
    db: &mut Db,
    from: NaiveDate,
    to: NaiveDate,
    sel: Selection<'_>,
) -> AppResult<ContractFigures> {
    let (count, amount, tech, base) = if sel.is_all() {
        let (count, amount, tech) = totals(db, from, to).await?;
        let (_, base, _) = totals(db, year_earlier(from), year_earlier(to)).await?;
        (count, amount, tech, base)
    } else {
        let (count, amount, tech) = db.contract_totals_in(from, to, sel).await?;
        let (_, base, _) = db
            .contract_totals_in(year_earlier(from), year_earlier(to), sel)
            .await?;
        (count, amount, tech, base)
    };
    Ok(ContractFigures {
        count,
        amount_wan: Money::from_fen(amount).wan_2dp(),
        tech_transaction_wan: Money::from_fen(tech).wan_2dp(),
        yoy_pct: yoy_pct(amount, base),
        last_year_amount_wan: Money::from_fen(base).wan_2dp(),
    })
}

/// The report's sentence on contracts.
pub fn report_markdown(c: &ContractFigures, label: &str) -> String {
    let yi = (c.amount_wan / Decimal::from(10_000))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    let mut s = format!(
        "\n## 技术合同\n\n{label}登记技术合同{}项，成交额{yi}亿元（技术交易额{}万元）",
        c.count, c.tech_transaction_wan
    );
    let ly = c.last_year_amount_wan;
    if ly > Decimal::ZERO && c.amount_wan >= ly * Decimal::from(2) {
        let times = (c.amount_wan / ly).floor();
        s.push_str(&format!("，是去年同期的{times}倍以上"));
    } else if let Some(p) = c.yoy_pct {
        if p >= Decimal::ZERO {
            s.push_str(&format!("，同比增长{p}%"));
        } else {
            s.push_str(&format!("，同比下降{}%", -p));
        }
    }
    s.push_str("。\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_reads_like_a_report() {
        let y = Ytd {
            year: 2025,
            months: 6,
            count: 210,
            amount: Amount::of(18_400 * 1_000_000),
            tech: Amount::of(17_000 * 1_000_000),
            last_year_amount: Amount::of(4_500 * 1_000_000),
            last_year_count: 90,
            last_year_full: Amount::of(9_900 * 1_000_000),
            yoy_pct: yoy_pct(18_400, 4_500),
            projection: Amount::of(36_800 * 1_000_000),
            sentence: String::new(),
        };
        assert_eq!(
            sentence(&y),
            "2025年1—6月技术合同成交额1.84亿元，预计全年突破3.6亿元，是去年同期的4倍以上。"
        );
        assert_eq!(yi_text(12_345_678_900), "1.23");
        assert_eq!(yi_floor_text(39_990_000_000), "3.9");
        assert_eq!(yi_floor_text(40_000_000_000), "4");
        assert_eq!(quarter_of("2023-09"), "2023Q3");
        assert_eq!(quarter_of("2023-10"), "2023Q4");
    }

    #[test]
    fn ranges_default_to_the_year_to_date() {
        let today = NaiveDate::from_ymd_opt(2026, 9, 15).unwrap_or_default();
        let (f, t) = parse_range(&StatsQuery::default(), today).unwrap_or_default();
        assert_eq!(f.to_string(), "2026-01-01");
        assert_eq!(t.to_string(), "2026-09-30");
        let q = StatsQuery {
            from: "2023-01".into(),
            to: "2023-02".into(),
        };
        let (f, t) = parse_range(&q, today).unwrap_or_default();
        assert_eq!(
            (f.to_string(), t.to_string()),
            ("2023-01-01".into(), "2023-02-28".into())
        );
        let bad = StatsQuery {
            from: "2023-05".into(),
            to: "2023-01".into(),
        };
        assert!(parse_range(&bad, today).is_err());
    }
}
