//! The published figures the demo district reproduces, and the day it describes.
//!
//! They come from the Chongqing Daily report on Tongliang (2023): "今年1—10月，全区
//! 新增科技型企业202家，科技型企业数量达到1163家；新增“专精特新”企业40家，累计达到
//! 136家。1—9月规上工业企业实现研发投入11.31亿元，同比增长12.5%" and "全区175家高新
//! 技术企业". The generator steers its random records to hit them exactly; the
//! report computes them back from the records like for any district. These numbers
//! live here and in the demo's test, nowhere in report code.

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

/// First year with filings.
pub(crate) const FIRST_YEAR: i32 = 2019;
/// The year of the snapshot (filings up to its third quarter).
pub(crate) const LAST_YEAR: i32 = 2023;

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
/// (2023-10). Nothing is recognised, granted or filed after it.
pub(crate) const SNAPSHOT: NaiveDate = ymd(2023, 10, 31);
