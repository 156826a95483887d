//! The cultivation ladder (梯度培育): the published tier rules of
//! rules/policy-rules.md §1–§3 and §9 as versioned rule packs.
//!
//! A [`Profile`] goes in; per tier a [`TierResult`] comes out with its status
//! (eligible / not eligible / manual review), its score as a range (experts score
//! within bands: the pessimistic total must pass), and every condition with its
//! actual value, required value and the smallest change that meets it.
//!
//! Packs: `SME-2017` ([`sme_2017`]), `HTE-2016` ([`hte_2016`]), `SRDI-2022-63`
//! ([`srdi_2022`]), `SRDI-2026-2` ([`srdi_2026`]). The pack in force is chosen by
//! the evaluation date ([`PackId::in_force`]); any pack can be asked for
//! explicitly ([`evaluate_pack`]), since reviews (复核) use old standards.

pub mod band;
pub mod facts;
pub mod hte_2016;
pub mod outcome;
pub mod packs;
pub mod pool;
pub mod profile;
pub mod registry;
pub mod sme_2017;
pub mod srdi_2022;
pub mod srdi_2026;
pub mod target;

pub use outcome::{Condition, Gap, GapUnit, Met, ScoreItem, ScoreRange, Status, TierResult};
pub use packs::{Context, PackId, RegionOverride, RuleConfig, Settings};
pub use profile::Profile;

use crate::error::FieldError;
use crate::qualification::QualificationKind;
use chrono::NaiveDate;

/// The ladder for one enterprise on one date: one result per tier, each from the
/// pack in force for it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evaluation {
    /// The evaluation date.
    pub as_of: NaiveDate,
    /// One result per tier, lowest tier first.
    pub tiers: Vec<TierResult>,
}

impl Evaluation {
    /// The result for a tier.
    pub fn tier(&self, kind: QualificationKind) -> Option<&TierResult> {
        self.tiers.iter().find(|t| t.tier == kind)
    }
}

/// The ladder's tiers in display order.
pub const LADDER: [QualificationKind; 6] = [
    QualificationKind::TechSme,
    QualificationKind::InnovativeSme,
    QualificationKind::TechInnovativeSme,
    QualificationKind::HighTech,
    QualificationKind::Srdi,
    QualificationKind::LittleGiant,
];

/// Whether the profile holds a tier on `day`. 科技和创新型中小企业 covers valid
/// 科技型中小企业 and 创新型中小企业 titles too (§3.2 first tier).
pub fn holds_tier(profile: &Profile, tier: QualificationKind, day: NaiveDate) -> bool {
    use QualificationKind as Q;
    match tier {
        Q::TechInnovativeSme => [Q::TechInnovativeSme, Q::TechSme, Q::InnovativeSme]
            .into_iter()
            .any(|k| profile.holds(k, day)),
        t => profile.holds(t, day),
    }
}

/// Evaluates every tier of one pack. The profile is validated first (errors per
/// field); a date before the pack took effect is refused. A later date is allowed
/// (reviews under old standards).
pub fn evaluate_pack(
    pack: PackId,
    profile: &Profile,
    ctx: &Context,
) -> Result<Vec<TierResult>, Vec<FieldError>> {
    profile.validate()?;
    packs::check_date(pack, ctx.as_of).map_err(|e| vec![e])?;
    let mut out = match pack {
        PackId::Sme2017 => sme_2017::evaluate(profile, ctx),
        PackId::Hte2016 => hte_2016::evaluate(profile, ctx),
        PackId::Srdi2022 => srdi_2022::evaluate(profile, ctx),
        PackId::Srdi2026 => srdi_2026::evaluate(profile, ctx),
    };
    for r in &mut out {
        r.held = holds_tier(profile, r.tier, ctx.as_of);
        if !pack.in_force_on(ctx.as_of) {
            r.warnings.push(format!(
                "评价日期 {} 不在 {} 的施行期内：按旧标准评价（复核适用）",
                ctx.as_of,
                pack.code()
            ));
        }
    }
    Ok(out)
}

/// Evaluates the whole ladder on `ctx.as_of`: for each tier the pack in force.
/// Errors when the profile is invalid or no pack is in force for any tier.
pub fn evaluate_ladder(profile: &Profile, ctx: &Context) -> Result<Evaluation, Vec<FieldError>> {
    profile.validate()?;
    let mut packs: Vec<PackId> = LADDER
        .iter()
        .filter_map(|&t| PackId::in_force(t, ctx.as_of))
        .collect();
    packs.dedup();
    packs.sort();
    packs.dedup();
    if packs.is_empty() {
        return Err(vec![
            FieldError::new("date", "no_pack_in_force").with("date", ctx.as_of),
        ]);
    }
    let mut by_tier = Vec::new();
    for pack in packs {
        for r in evaluate_pack(pack, profile, ctx)? {
            if PackId::in_force(r.tier, ctx.as_of) == Some(pack) {
                by_tier.push(r);
            }
        }
    }
    by_tier.sort_by_key(|r| LADDER.iter().position(|&t| t == r.tier));
    Ok(Evaluation {
        as_of: ctx.as_of,
        tiers: by_tier,
    })
}

/// Manual-review results for a profile the rules refuse, naming each field.
pub fn refused(
    profile: &Profile,
    as_of: NaiveDate,
    pack: Option<PackId>,
    errors: &[FieldError],
) -> Vec<TierResult> {
    let reasons: Vec<String> = errors
        .iter()
        .map(|e| format!("数据有误（{}）：{}", e.field, e.message()))
        .collect();
    let tiers: Vec<(QualificationKind, PackId)> = match pack {
        Some(p) => p.tiers().iter().map(|&t| (t, p)).collect(),
        None => LADDER
            .iter()
            .filter_map(|&t| PackId::in_force(t, as_of).map(|p| (t, p)))
            .collect(),
    };
    tiers
        .into_iter()
        .map(|(tier, pack)| TierResult {
            tier,
            pack,
            status: Status::ManualReview,
            route: None,
            score: None,
            items: Vec::new(),
            conditions: Vec::new(),
            review_reasons: reasons.clone(),
            warnings: Vec::new(),
            held: holds_tier(profile, tier, as_of),
        })
        .collect()
}

/// Test helper: a decimal from a literal string.
#[cfg(test)]
pub(crate) fn d(s: &str) -> rust_decimal::Decimal {
    s.parse().expect("decimal literal")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_documented_example_profile_parses_and_validates() {
        let p: super::Profile =
            serde_json::from_str(include_str!("../../../../examples/profile.json"))
                .expect("parses");
        assert_eq!(p.years.len(), 3);
        assert!(p.validate().is_ok(), "{:?}", p.validate());
        let mut bad = p.clone();
        bad.ip[0].granted_on = None;
        let errs = bad.validate().unwrap_err();
        assert_eq!(errs[0].field, "ip.0.granted_on");
    }
}
