//! Rule pack `SRDI-2022-63`: 《优质中小企业梯度培育管理暂行办法》
//! (工信部企业〔2022〕63号), policy-rules.md §3.1.
//!
//! Three tiers: 创新型中小企业 (附件1, [`innovative`]), 专精特新中小企业
//! (附件2, [`specialised::srdi`]) and 专精特新"小巨人" ([`giant::little_giant`]).
//! Periods: "上年度" is the accounting year before the evaluation year, "近2年"
//! the two years before it; awards "近3年" are counted by year (the three years
//! before the evaluation year and the evaluation year itself); equity rounds are
//! dated and counted within 2 or 3 years up to the evaluation date.
//!
//! The helpers in `common` and `rd` are shared with `SRDI-2026-2`.

pub(crate) mod common;
pub mod giant;
mod innovative;
pub(crate) mod rd;
pub mod specialised;

pub use innovative::{DEBT, GROWTH, MAIN_SHARE, RD_RATIO, innovative};

use super::outcome::TierResult;
use super::packs::{Context, PackId};
use super::profile::Profile;

/// Evaluates every tier of this pack: 创新型, 专精特新, 小巨人.
pub fn evaluate(profile: &Profile, ctx: &Context) -> Vec<TierResult> {
    vec![
        innovative(profile, ctx, PackId::Srdi2022),
        specialised::srdi(profile, ctx),
        giant::little_giant(profile, ctx),
    ]
}
