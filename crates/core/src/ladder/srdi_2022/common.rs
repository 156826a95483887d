//! Helpers shared by the 63号 and 2号 packs: periods, ratios, IP counting,
//! condition and score-item builders. Amounts are 万元 as in the profile;
//! percentages are in percent units (`5` = 5 %).

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

use crate::ip::{Acquisition, IpClass, IpType};
use crate::ladder::band::{Band, find, ratio_pct};
use crate::ladder::outcome::{Condition, Gap, GapUnit, Met, Status, TierResult, wan_to_yuan, yuan};
use crate::ladder::packs::PackId;
use crate::ladder::profile::{AwardLevel, InstitutionLevelInput, IpItem, Profile, YearFacts};
use crate::qualification::QualificationKind;

/// An empty result for `tier`, to be filled and then decided.
pub(crate) fn result(
    profile: &Profile,
    as_of: NaiveDate,
    tier: QualificationKind,
    pack: PackId,
) -> TierResult {
    TierResult {
        tier,
        pack,
        status: Status::ManualReview,
        route: None,
        score: None,
        items: Vec::new(),
        conditions: Vec::new(),
        review_reasons: Vec::new(),
        warnings: Vec::new(),
        held: profile.holds(tier, as_of),
    }
}

pub(crate) use crate::ladder::outcome::{cond, item};

/// `Yes` / `No` from a boolean.
pub(crate) fn met(b: bool) -> Met {
    if b { Met::Yes } else { Met::No }
}

/// The three-valued AND of several conditions: `No` wins, then `Unknown`.
pub(crate) fn all_of(ms: &[Met]) -> Met {
    if ms.contains(&Met::No) {
        Met::No
    } else if ms.contains(&Met::Unknown) {
        Met::Unknown
    } else {
        Met::Yes
    }
}

/// The three-valued OR: `Yes` wins, then `Unknown`.
pub(crate) fn any_of(ms: &[Met]) -> Met {
    if ms.contains(&Met::Yes) {
        Met::Yes
    } else if ms.contains(&Met::Unknown) {
        Met::Unknown
    } else {
        Met::No
    }
}

/// "1234.5万元".
pub(crate) fn wan(v: Decimal) -> String {
    format!("{}万元", v.round_dp(2).normalize())
}

/// A money gap: `shortfall` in 万元, shown as whole 元 rounded up.
pub(crate) fn yuan_gap(what: &str, shortfall_wan: Decimal) -> Gap {
    let amount = wan_to_yuan(shortfall_wan).ceil();
    Gap {
        amount,
        unit: GapUnit::Yuan,
        text: format!("还需{what} {}", yuan(amount)),
    }
}

/// A gap counted in whole units (件, 年, 分).
pub(crate) fn count_gap(n: u32, unit: GapUnit, what: &str) -> Gap {
    Gap {
        amount: Decimal::from(n),
        unit,
        text: format!("还需 {n} {}{what}", unit.zh()),
    }
}

/// "缺少2025年度营业收入数据".
pub(crate) fn missing(year: i32, what: &str) -> String {
    format!("缺少{year}年度{what}数据")
}

/// Facts of `year` and one of its fields, or a "missing" note.
pub(crate) fn fact(
    profile: &Profile,
    year: i32,
    what: &str,
    get: impl Fn(&YearFacts) -> Option<Decimal>,
) -> Result<Decimal, String> {
    profile
        .year(year)
        .and_then(get)
        .ok_or_else(|| missing(year, what))
}

/// 研发费用 of a year. The 梯度培育 rules speak of 研发费用 as reported; the
/// 高企 8-category recomputation does not apply here.
pub(crate) fn rd(profile: &Profile, year: i32) -> Result<Decimal, String> {
    fact(profile, year, "研发费用", |f| f.rd_expense)
}

/// 营业收入 of a year.
pub(crate) fn revenue(profile: &Profile, year: i32) -> Result<Decimal, String> {
    fact(profile, year, "营业收入", |f| f.operating_revenue)
}

/// 主营业务收入 of a year.
pub(crate) fn main_revenue(profile: &Profile, year: i32) -> Result<Decimal, String> {
    fact(profile, year, "主营业务收入", |f| f.main_revenue)
}

/// `part / whole × 100` where `whole` must be positive.
pub(crate) fn share(
    part: Decimal,
    whole: Decimal,
    year: i32,
    what: &str,
) -> Result<Decimal, String> {
    if whole <= Decimal::ZERO {
        return Err(format!("{year}年度{what}为零，无法计算比例"));
    }
    ratio_pct(part, whole).ok_or_else(|| format!("{year}年度{what}比例无法计算"))
}

/// 主营业务收入 / 营业收入 of a year, in percent.
pub(crate) fn main_share(profile: &Profile, year: i32) -> Result<Decimal, String> {
    let m = main_revenue(profile, year)?;
    let r = revenue(profile, year)?;
    share(m, r, year, "营业收入")
}

/// 研发费用 / 营业收入 of a year, in percent.
pub(crate) fn rd_ratio(profile: &Profile, year: i32) -> Result<Decimal, String> {
    let d = rd(profile, year)?;
    let r = revenue(profile, year)?;
    share(d, r, year, "营业收入")
}

/// 资产负债率 at the end of `year` = (资产总额 − 净资产) / 资产总额, in percent.
pub(crate) fn debt_ratio(profile: &Profile, year: i32) -> Result<Decimal, String> {
    let ta = fact(profile, year, "资产总额", |f| f.total_assets)?;
    let na = fact(profile, year, "净资产", |f| f.net_assets)?;
    share(ta - na, ta, year, "资产总额")
}

/// Growth of 主营业务收入 from `year − 1` to `year`, in percent.
pub(crate) fn main_growth(profile: &Profile, year: i32) -> Result<Decimal, String> {
    let now = main_revenue(profile, year)?;
    let before = main_revenue(profile, year - 1)?;
    share(now - before, before, year - 1, "主营业务收入")
}

/// 近2年主营业务收入平均增长率: the mean of the growth rates of the last two
/// years (`Y−3→Y−2` and `Y−2→Y−1`), in percent.
pub(crate) fn main_growth_avg2(profile: &Profile, as_of: NaiveDate) -> Result<Decimal, String> {
    let y1 = as_of.year() - 1;
    let g1 = main_growth(profile, y1)?;
    let g0 = main_growth(profile, y1 - 1)?;
    Ok((g0 + g1) / Decimal::TWO)
}

/// Years in the niche market at the end of last year: `Y − niche_since`
/// (entered in 2020, evaluated in 2023 → 3 years: 2020, 2021, 2022).
pub(crate) fn niche_years(profile: &Profile, as_of: NaiveDate) -> Option<u32> {
    let since = profile.market.niche_since?;
    Some(u32::try_from(as_of.year() - since).unwrap_or(0))
}

/// An award dated "近3年": awarded in one of the three years before the
/// evaluation year or in the evaluation year itself (awards carry a year only).
pub(crate) fn award_recent(year: i32, as_of: NaiveDate) -> bool {
    (as_of.year() - 3..=as_of.year()).contains(&year)
}

/// A recent award at `level` or above ranked within `max_rank`.
pub(crate) fn has_award(
    profile: &Profile,
    as_of: NaiveDate,
    min_level: AwardLevel,
    max_rank: u32,
) -> bool {
    profile
        .awards
        .iter()
        .any(|a| a.level >= min_level && a.rank <= max_rank && award_recent(a.year, as_of))
}

/// New equity from qualified institutional investors paid in within the last
/// `years` years (on or after the same day `years` years ago, up to `as_of`).
pub(crate) fn equity_within(profile: &Profile, as_of: NaiveDate, years: u32) -> Decimal {
    let from = as_of
        .checked_sub_months(Months::new(12 * years))
        .unwrap_or(NaiveDate::MIN);
    profile
        .financing
        .iter()
        .filter(|r| r.qualified_investor && r.date >= from && r.date <= as_of)
        .map(|r| r.amount)
        .sum()
}

/// 创客中国 placement within `max_rank` in the last 3 years.
pub(crate) fn makers_china(profile: &Profile, as_of: NaiveDate, max_rank: u32) -> bool {
    matches!(
        (profile.market.makers_china_rank, profile.market.makers_china_year),
        (Some(r), Some(y)) if r <= max_rank && award_recent(y, as_of)
    )
}

/// The highest R&D-institution level.
pub(crate) fn best_institution(profile: &Profile) -> Option<InstitutionLevelInput> {
    profile.institutions.iter().map(|i| i.level).max()
}

/// Holds any of `kinds` on `day`.
pub(crate) fn holds_any(profile: &Profile, kinds: &[QualificationKind], day: NaiveDate) -> bool {
    kinds.iter().any(|k| profile.holds(*k, day))
}

/// Points of `v` in `bands`; unknown → the whole item (0 to `out_of`).
pub(crate) fn banded(v: Option<Decimal>, bands: &[Band], out_of: u32) -> (u32, u32) {
    match v {
        Some(v) => {
            let p = find(bands, v).map_or(0, |b| b.points);
            (p, p)
        }
        None => (0, out_of),
    }
}

/// The best IP grade under 63号 (附件1 and 附件2 share the IP definitions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum IpGrade {
    /// No countable IP.
    None,
    /// Ⅱ类 (software copyright, or utility model / design maintained > 2 years).
    ClassII,
    /// Ⅰ类.
    ClassI,
    /// 自主研发 Ⅰ类.
    OwnClassI,
    /// Ⅰ类高价值.
    HighValue,
}

impl IpGrade {
    /// zh-CN label.
    pub(crate) fn zh(self) -> &'static str {
        match self {
            Self::None => "无有效知识产权",
            Self::ClassII => "Ⅱ类知识产权",
            Self::ClassI => "Ⅰ类知识产权",
            Self::OwnClassI => "自主研发Ⅰ类知识产权",
            Self::HighValue => "Ⅰ类高价值知识产权",
        }
    }
}

/// What 63号 counts of the IP list on `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ip63 {
    /// The best grade.
    pub(crate) grade: IpGrade,
    /// Items left out because they were transferred in less than 1 year ago.
    pub(crate) recent_transfers: usize,
    /// Utility models / designs left out because they were granted ≤ 2 years ago.
    pub(crate) young_class_ii: usize,
}

/// Whether a non-own item was acquired at least one year before `as_of`
/// (§3.1: IP transferred in less than 1 year ago does not count). An item with
/// no acquisition date cannot be shown to qualify.
fn transfer_settled(ip: &IpItem, as_of: NaiveDate) -> bool {
    if ip.acquisition == Acquisition::OwnRnd {
        return true;
    }
    ip.acquired_on
        .and_then(|a| a.checked_add_months(Months::new(12)))
        .is_some_and(|a1| a1 <= as_of)
}

/// §3.1: for 63号, Ⅱ类 = software copyright, or a utility-model or design patent
/// maintained more than 2 years after grant.
fn class_ii_counts(ip: &IpItem, as_of: NaiveDate) -> bool {
    match ip.ip_type {
        IpType::Software => true,
        IpType::UtilityModel | IpType::Design => ip
            .granted_on
            .and_then(|g| g.checked_add_months(Months::new(24)))
            .is_some_and(|g2| g2 < as_of),
        _ => false,
    }
}

/// Grades the IP list under 63号: in force on `as_of`, related to the lead
/// product, transfer settled for a year, Ⅱ类 per the scheme's definition.
pub(crate) fn ip63(profile: &Profile, as_of: NaiveDate) -> Ip63 {
    let mut out = Ip63 {
        grade: IpGrade::None,
        recent_transfers: 0,
        young_class_ii: 0,
    };
    for ip in &profile.ip {
        if !ip.in_force_on(as_of) || !ip.related_to_main_product {
            continue;
        }
        if !transfer_settled(ip, as_of) {
            out.recent_transfers += 1;
            continue;
        }
        let g = match ip.class() {
            IpClass::I if ip.high_value => IpGrade::HighValue,
            IpClass::I if ip.acquisition == Acquisition::OwnRnd => IpGrade::OwnClassI,
            IpClass::I => IpGrade::ClassI,
            IpClass::II if class_ii_counts(ip, as_of) => IpGrade::ClassII,
            IpClass::II => {
                out.young_class_ii += 1;
                IpGrade::None
            }
        };
        out.grade = out.grade.max(g);
    }
    out
}

/// The note explaining left-out IP items, if any.
pub(crate) fn ip63_note(ip: &Ip63) -> Option<String> {
    let mut parts = Vec::new();
    if ip.recent_transfers > 0 {
        parts.push(format!("{} 件受让未满1年不计", ip.recent_transfers));
    }
    if ip.young_class_ii > 0 {
        parts.push(format!(
            "{} 件实用新型/外观设计授权后维持未超过2年不计",
            ip.young_class_ii
        ));
    }
    (!parts.is_empty()).then(|| parts.join("；"))
}

/// Counts Ⅰ类 IP in force on `as_of`, related to the lead product, passing
/// `keep`; returns (certainly applied, applied or not declared).
pub(crate) fn count_class_i_applied(
    profile: &Profile,
    as_of: NaiveDate,
    keep: impl Fn(&IpItem) -> bool,
) -> (u32, u32) {
    let mut sure = 0;
    let mut maybe = 0;
    for ip in &profile.ip {
        if ip.class() != IpClass::I
            || !ip.in_force_on(as_of)
            || !ip.related_to_main_product
            || !keep(ip)
        {
            continue;
        }
        match ip.applied {
            Some(true) => {
                sure += 1;
                maybe += 1;
            }
            None => maybe += 1,
            Some(false) => {}
        }
    }
    (sure, maybe)
}

/// An IP-count condition: at least `need` of (`sure`, `maybe`).
pub(crate) fn ip_count_met(c: &mut Condition, (sure, maybe): (u32, u32), need: u32) {
    c.actual = Some(if sure == maybe {
        format!("{sure} 件")
    } else {
        format!("{sure}–{maybe} 件")
    });
    if sure >= need {
        c.met = Met::Yes;
    } else if maybe >= need {
        c.met = Met::Unknown;
        c.note = Some(format!(
            "{} 件未申报是否实际应用并产生经济效益",
            maybe - sure
        ));
    } else {
        c.met = Met::No;
        c.gap = Some(count_gap(need - maybe, GapUnit::Piece, "Ⅰ类知识产权"));
    }
}

/// A minimum-points condition on a (min, max) range.
pub(crate) fn points_at_least(c: &mut Condition, (min, max): (u32, u32), need: u32) {
    c.actual = Some(if min == max {
        format!("{min} 分")
    } else {
        format!("{min}–{max} 分")
    });
    if min >= need {
        c.met = Met::Yes;
    } else if max >= need {
        c.met = Met::Unknown;
        c.note = Some("得分区间跨越最低分，需人工复核".to_string());
    } else {
        c.met = Met::No;
        c.gap = Some(count_gap(need - max, GapUnit::Point, ""));
    }
}

/// An "amount ≥ min" condition in 万元 with a 元 gap.
pub(crate) fn amount_at_least(
    c: &mut Condition,
    v: Result<Decimal, String>,
    need: Decimal,
    what: &str,
) {
    match v {
        Ok(v) => {
            c.actual = Some(wan(v));
            c.met = met(v >= need);
            if v < need {
                c.gap = Some(yuan_gap(what, need - v));
            }
        }
        Err(e) => c.note = Some(e),
    }
}

/// A "ratio ≥ min %" (or "≤ max %" when `at_most`) condition, gap in 百分点.
pub(crate) fn ratio_bound(
    c: &mut Condition,
    v: Result<Decimal, String>,
    bound: Decimal,
    at_most: bool,
) {
    match v {
        Ok(v) => {
            c.actual = Some(crate::ladder::outcome::pct(v, 2));
            let ok = if at_most { v <= bound } else { v >= bound };
            c.met = met(ok);
            if !ok {
                let d = if at_most { v - bound } else { bound - v };
                let d = d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::AwayFromZero);
                c.gap = Some(Gap {
                    amount: d,
                    unit: GapUnit::PercentPoint,
                    text: format!(
                        "还需{} {} 个百分点",
                        if at_most { "降低" } else { "提高" },
                        d.normalize()
                    ),
                });
            }
        }
        Err(e) => c.note = Some(e),
    }
}

/// A niche-years condition (≥ `need` years at the end of last year).
pub(crate) fn niche_at_least(c: &mut Condition, profile: &Profile, as_of: NaiveDate, need: u32) {
    match niche_years(profile, as_of) {
        Some(y) => {
            c.actual = Some(format!("{y} 年"));
            c.met = met(y >= need);
            if y < need {
                c.gap = Some(count_gap(need - y, GapUnit::Year, ""));
            }
        }
        None => c.note = Some("未填写进入细分市场的年份".to_string()),
    }
}

/// A declared yes/no fact as a condition.
pub(crate) fn declared(c: &mut Condition, v: Option<bool>, unknown_note: &str) {
    match v {
        Some(b) => {
            c.actual = Some(if b { "是" } else { "否" }.to_string());
            c.met = met(b);
        }
        None => c.note = Some(unknown_note.to_string()),
    }
}
