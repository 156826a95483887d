//! What an evaluation returns: per tier, the status, the score range and every
//! condition with its actual value, required value, whether it is met and the gap.

use crate::qualification::QualificationKind;
use rust_decimal::Decimal;

use super::packs::PackId;

/// The verdict for one tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every condition is met and the pessimistic score passes.
    Eligible,
    /// At least one condition is certainly not met, or even the optimistic score fails.
    NotEligible,
    /// Nothing certainly fails, but something needs a person: an undeclared fact,
    /// an expert judgement whose range straddles the pass mark, an edge case.
    ManualReview,
}

impl Status {
    /// zh-CN label.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Eligible => "符合",
            Self::NotEligible => "不符合",
            Self::ManualReview => "需人工复核",
        }
    }
}

/// Whether a condition holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Met {
    /// Holds.
    Yes,
    /// Does not hold.
    No,
    /// Cannot be decided from the profile (missing fact, expert judgement).
    Unknown,
}

/// The unit a gap is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapUnit {
    /// 元 (money).
    Yuan,
    /// 名 (people).
    Person,
    /// 件 (IP items).
    Piece,
    /// 项 (results, awards).
    Item,
    /// 天 (days).
    Day,
    /// 年 (years).
    Year,
    /// 分 (points).
    Point,
    /// 百分点 (percentage points).
    PercentPoint,
}

impl GapUnit {
    /// zh-CN unit word.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Yuan => "元",
            Self::Person => "名",
            Self::Piece => "件",
            Self::Item => "项",
            Self::Day => "天",
            Self::Year => "年",
            Self::Point => "分",
            Self::PercentPoint => "个百分点",
        }
    }
}

/// The smallest change that meets a condition, in the condition's own unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Gap {
    /// How much is missing (always positive), e.g. 1234000 (元), 3 (名).
    pub amount: Decimal,
    /// Its unit.
    pub unit: GapUnit,
    /// The zh-CN sentence: "还需研发投入 ¥1,234,000", "还需 3 名", "还需 1 件".
    pub text: String,
}

/// One condition of a tier.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Condition {
    /// Stable id within the pack, e.g. `hte.rd_ratio`.
    pub id: String,
    /// Where the rule is written: `policy-rules.md §1.1 #5` and the article.
    pub section: String,
    /// zh-CN name, e.g. "近三年研发费用占销售收入比例".
    pub name: String,
    /// The actual value as shown, e.g. "2.80 %", "8.6 %", "0 件"; `None` when unknown.
    pub actual: Option<String>,
    /// The required value as shown, e.g. "≥ 3 %".
    pub required: String,
    /// Whether it holds.
    pub met: Met,
    /// The smallest change that meets it (only when not met and computable).
    pub gap: Option<Gap>,
    /// Why it is unknown, or a boundary warning.
    pub note: Option<String>,
}

/// One scored item with its range of points.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScoreItem {
    /// Stable id, e.g. `hte.score.growth_sales`.
    pub id: String,
    /// Section reference.
    pub section: String,
    /// zh-CN name.
    pub name: String,
    /// Pessimistic points.
    pub min: u32,
    /// Optimistic points.
    pub max: u32,
    /// The item's maximum.
    pub out_of: u32,
    /// What the points are based on, e.g. "销售收入增长率 18.2 %（C 档）".
    pub basis: String,
}

/// A score as a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScoreRange {
    /// Pessimistic total.
    pub min: u32,
    /// Optimistic total.
    pub max: u32,
    /// The lowest passing total (71 for 高企 "> 70", 60 for 科小).
    pub pass_mark: u32,
    /// Out of.
    pub out_of: u32,
}

impl ScoreRange {
    /// Passes for certain (the pessimistic total passes).
    pub fn passes(&self) -> bool {
        self.min >= self.pass_mark
    }

    /// Fails for certain (even the optimistic total fails).
    pub fn fails(&self) -> bool {
        self.max < self.pass_mark
    }
}

/// The evaluation of one tier under one pack.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TierResult {
    /// The tier.
    pub tier: QualificationKind,
    /// The pack that decided it.
    pub pack: PackId,
    /// The verdict.
    pub status: Status,
    /// The route that qualifies (e.g. "直接认定：有效高新技术企业证书"), when a direct route holds.
    pub route: Option<String>,
    /// The score, for tiers that are scored.
    pub score: Option<ScoreRange>,
    /// The scored items.
    pub items: Vec<ScoreItem>,
    /// Every condition, met or not.
    pub conditions: Vec<Condition>,
    /// Why a person must look (for `manual_review`), zh-CN.
    pub review_reasons: Vec<String>,
    /// Boundary warnings (e.g. growth exactly 5 %), zh-CN.
    pub warnings: Vec<String>,
    /// Whether the enterprise holds this tier (valid) on the evaluation date.
    pub held: bool,
}

impl TierResult {
    /// The verdict that follows from the conditions and the score: not eligible
    /// when any condition fails or the score certainly fails; eligible when all
    /// hold and the pessimistic score passes; manual review otherwise. Packs build
    /// their results with this so that no pack can pass a firm silently.
    pub fn decide(&mut self) {
        let any_no = self.conditions.iter().any(|c| c.met == Met::No);
        let any_unknown = self.conditions.iter().any(|c| c.met == Met::Unknown);
        let score_fails = self.score.is_some_and(|s| s.fails());
        let score_sure = self.score.is_none_or(|s| s.passes());
        self.status = if any_no || score_fails {
            Status::NotEligible
        } else if any_unknown || !score_sure || !self.review_reasons.is_empty() {
            Status::ManualReview
        } else {
            Status::Eligible
        };
    }

    /// "Ready": nothing certainly fails. Eligible, or in manual review only for
    /// undeclared facts and expert ranges — the bureau's list of firms to prepare.
    /// A manual review without any evaluated condition (the profile was refused)
    /// is not ready.
    pub fn ready(&self) -> bool {
        match self.status {
            Status::Eligible => true,
            Status::ManualReview => !self.conditions.is_empty(),
            Status::NotEligible => false,
        }
    }

    /// The unmet conditions with a computable gap, for the "distance to the tier".
    pub fn gaps(&self) -> impl Iterator<Item = &Condition> {
        self.conditions.iter().filter(|c| c.met == Met::No)
    }
}

/// A condition, unknown until the pack sets it; the identity filled in.
pub fn cond(id: &str, section: &str, name: &str, required: &str) -> Condition {
    Condition {
        id: id.to_string(),
        section: section.to_string(),
        name: name.to_string(),
        actual: None,
        required: required.to_string(),
        met: Met::Unknown,
        gap: None,
        note: None,
    }
}

/// A score item.
pub fn item(
    id: &str,
    section: &str,
    name: &str,
    (min, max): (u32, u32),
    out_of: u32,
    basis: String,
) -> ScoreItem {
    ScoreItem {
        id: id.to_string(),
        section: section.to_string(),
        name: name.to_string(),
        min,
        max,
        out_of,
        basis,
    }
}

/// Formats 元 with thousands separators: `¥1,234,000` (whole 元, rounded up).
pub fn yuan(amount: Decimal) -> String {
    let whole = amount.ceil();
    let s = whole.trunc().to_string();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d.to_string()),
        None => (false, s),
    };
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{}¥{out}", if neg { "-" } else { "" })
}

/// Formats a percentage with `dp` decimals: `2.80 %`.
pub fn pct(v: Decimal, dp: u32) -> String {
    let mut r = v.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    r.rescale(dp);
    format!("{r} %")
}

/// Converts 万元 to 元.
pub fn wan_to_yuan(w: Decimal) -> Decimal {
    w * Decimal::from(10_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ladder::d;

    #[test]
    fn yuan_groups_thousands_and_rounds_up() {
        assert_eq!(yuan(d("1234000")), "¥1,234,000");
        assert_eq!(yuan(d("1233999.01")), "¥1,234,000");
        assert_eq!(yuan(d("999")), "¥999");
        assert_eq!(yuan(d("0")), "¥0");
    }

    #[test]
    fn pct_rounds_half_away_from_zero() {
        assert_eq!(pct(d("2.805"), 2), "2.81 %");
        assert_eq!(pct(d("8.6"), 1), "8.6 %");
        assert_eq!(pct(d("3"), 2), "3.00 %");
    }
}
