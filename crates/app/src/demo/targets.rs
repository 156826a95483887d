//! The published figures the demo district reproduces, the day they describe, and
//! the fixed horizon the district's records run on to.
//!
//! They come from the Chongqing Daily report on Tongliang (2023): "今年1—10月，全区
//! 新增科技型企业202家，科技型企业数量达到1163家；新增“专精特新”企业40家，累计达到
//! 136家。1—9月规上工业企业实现研发投入11.31亿元，同比增长12.5%" and "全区175家高新
//! 技术企业". The generator steers its random records to hit them exactly; the
//! report computes them back from the records like for any district. These numbers
//! live here and in the demo's test, nowhere in report code.
//!
//! Two days matter. [`SNAPSHOT`] (2023-10-31) is the day of the newspaper: every
//! record dated up to it is generated exactly as for the 2023 figures and nothing
//! after it may change them. [`HORIZON`] (2026-09-30) is where the records stop:
//! the district keeps growing after the snapshot ("双倍增": 高企 renewals and new
//! batches, new 科技型企业, yearly 科技型中小企业, 专精特新), files every quarter up
//! to 2026Q3 and every year up to 2025, so the views that look at "today" (valid
//! 高企, the dashboard's latest quarter, expiry alerts, the ladder) have data. The
//! horizon is a constant, never the wall clock, so the demo stays deterministic.

use chrono::NaiveDate;
use kechuang_core::money::FEN_PER_WAN;

/// Valid 科技型企业 on the last day of the report range.
pub(crate) const TECH_TOTAL: usize = 1163;
/// First-ever 科技型企业 recognitions within the range.
pub(crate) const TECH_NEW: usize = 202;
/// Valid 高新技术企业 on the last day.
pub(crate) const HIGH_TECH_TOTAL: usize = 175;
/// Valid 专精特新中小企业 or 小巨人, each enterprise once.
pub(crate) const SRDI_TOTAL: usize = 136;
/// First-ever 专精特新 recognitions within the range.
pub(crate) const SRDI_NEW: usize = 40;
/// 研发费用总额 of 规上 enterprises, 2023年1—9月: 11.31亿元.
pub(crate) const RD_2023Q3_FEN: i64 = 113_100 * FEN_PER_WAN;
/// The same enterprises a year earlier: 100533.33万元, so the growth rounds to 12.5 %.
pub(crate) const RD_2022Q3_FEN: i64 = 100_533_330_000;

/// 技术合同成交额 registered in 2023年1—9月: 3.2亿元 (32,000.00万元).
pub(crate) const CONTRACTS_2023_JAN_SEP_FEN: i64 = 32_000 * FEN_PER_WAN;
/// Subsidy applications (offers accepted count) up to the last day, since the
/// measures began in 2022-04: "共有734家次企业申报享受研发投入补助、科研项目补助、
/// 高新技术企业培育补助等措施".
pub(crate) const SUBSIDY_APPLICATIONS: usize = 734;
/// Paid up to the last day: "已完成资金兑付3021.68万元".
pub(crate) const SUBSIDY_PAID_FEN: i64 = 302_168 * FEN_PER_WAN / 100;

/// First year with filings.
pub(crate) const FIRST_YEAR: i32 = 2019;
/// The year of the snapshot (its third quarter is the report's R&D quarter).
pub(crate) const LAST_YEAR: i32 = 2023;
/// The year of the horizon (filings up to its third quarter, annual filings up to
/// the year before).
pub(crate) const HORIZON_YEAR: i32 = 2026;

/// A date that is known to exist.
pub(crate) const fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(x) => x,
        None => NaiveDate::MIN,
    }
}

/// First day of the report range (2023-01).
pub(crate) const RANGE_FROM: NaiveDate = ymd(2023, 1, 1);
/// The day the demo district describes: the last day of the report range
/// (2023-10). Records dated up to it are the 2023 district; everything after it
/// is added on top without touching them.
pub(crate) const SNAPSHOT: NaiveDate = ymd(2023, 10, 31);
/// The last day the demo district has records for (the end of 2026Q3): nothing is
/// recognised, granted, founded or filed for a period after it. The 2026 高企
/// batch is not announced by then.
pub(crate) const HORIZON: NaiveDate = ymd(2026, 9, 30);

/// Enterprises founded after the snapshot, per year (2023 counts November and
/// December; 2026 up to June): 422 in all, so that with the registered firms not
/// yet recognised the district adds some 100–150 科技型企业 a year, on its way to
/// the "double doubling" targets.
pub(crate) const FOUNDED_AFTER_SNAPSHOT: [(i32, usize); 4] =
    [(2023, 12), (2024, 150), (2025, 170), (2026, 90)];

/// New 高新技术企业 (first certificates) in the batches after the snapshot, per
/// year (2023: the December batch).
pub(crate) const HIGH_TECH_NEW_AFTER: [(i32, usize); 3] = [(2023, 30), (2024, 55), (2025, 65)];

/// New 专精特新中小企业 (first recognitions) after the snapshot, per year.
pub(crate) const SRDI_NEW_AFTER: [(i32, usize); 3] = [(2024, 36), (2025, 41), (2026, 30)];

/// Year-on-year growth the 规上 R&D (1—9月) is steered to after the snapshot, in
/// per mille.
pub(crate) const RD_GROWTH_PM: [(i32, i64); 3] = [(2024, 118), (2025, 109), (2026, 97)];

/// Knowledge-value credit loans drawn from the programme's start (2018) up to the
/// snapshot: "累计支持全区442家次企业直接获得知识价值信用贷款8.17亿元，同步撬动支持
/// 科技型企业的商业贷款10.3亿元".
pub(crate) const LOANS_COUNT: usize = 442;
/// Their principal: 8.17亿元.
pub(crate) const LOANS_AMOUNT_FEN: i64 = 81_700 * FEN_PER_WAN;
/// Commercial loans the banks extended alongside: 10.3亿元.
pub(crate) const LOANS_LEVERAGED_FEN: i64 = 103_000 * FEN_PER_WAN;
/// Loans per year up to the snapshot (2023: January to October); they sum to
/// [`LOANS_COUNT`].
pub(crate) const LOANS_PER_YEAR: [(i32, usize); 6] = [
    (2018, 30),
    (2019, 55),
    (2020, 75),
    (2021, 90),
    (2022, 105),
    (2023, 87),
];
/// Loans after the snapshot, per year (2023: November and December; 2026: up to
/// June).
pub(crate) const LOANS_AFTER: [(i32, usize); 4] =
    [(2023, 18), (2024, 120), (2025, 130), (2026, 60)];
/// 创新平台 existing on [`SNAPSHOT`] (approved, under construction or accredited,
/// and not revoked): "目前，全区已建成各类创新平台182个".
pub(crate) const PLATFORMS_TOTAL: usize = 182;
/// Hard-tech projects incubated by the 重庆高新技术产业研究院: "至今已孵化落地
/// “硬科技”项目53个".
pub(crate) const INCUBATED_PROJECTS: usize = 53;
