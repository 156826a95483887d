//! Rule pack `SME-2017`: 科技型中小企业评价 (rules/policy-rules.md §2), after
//! 《科技型中小企业评价办法》 (国科发政〔2017〕115号).
//!
//! The evaluation uses the previous year's facts ("上一年" = `Y-1`, `Y` =
//! `ctx.as_of.year()`). Conditions 1–4 of §2.1 (第六条) must hold; then either a
//! direct-confirmation route of §2.3 (第八条) holds, or the score of §2.2 (第七条)
//! is at least [`PASS_MARK`] with a non-zero S&T-staff item (§2.1 #5). Scores are
//! exact (no expert ranges); a missing fact widens an item to its whole scale.
//!
//! Another pack (`SRDI-2026-2`, 科技和创新型) calls [`evaluate`]; keep its signature.
//!
//! Worked example: `docs/ladder/SME-2017.md`.

use chrono::Datelike;
use rust_decimal::Decimal;

use super::band::{self, Band, pc};
use super::hte_2016::util::{
    at_least_pct, cond, declared, item, missing, person_gap, point_gap, share_gap, show_pct,
    show_wan,
};
use super::outcome::{Condition, Gap, GapUnit, Met, ScoreRange, Status, TierResult};
use super::packs::{Context, PackId};
use super::profile::{AwardLevel, InstitutionLevelInput, Profile, StandardLevel, YearFacts};
use crate::ip::IpClass;
use crate::qualification::QualificationKind;

#[cfg(test)]
mod tests;

/// The lowest passing score (§2.1 #5: "≥ 60").
pub const PASS_MARK: u32 = 60;

/// Staff limit, inclusive (§2.1 #2: 职工总数不超过500人).
pub const MAX_STAFF: u32 = 500;

/// Sales and total-assets limit in 万元, inclusive (§2.1 #2: 不超过2亿元).
pub const MAX_AMOUNT_WAN: i64 = 20_000;

const S21_1: &str = "policy-rules.md §2.1 #1（评价办法第六条（一））";
const S21_2: &str = "policy-rules.md §2.1 #2（评价办法第六条（二））";
const S21_3: &str = "policy-rules.md §2.1 #3（评价办法第六条（三））";
const S21_4: &str = "policy-rules.md §2.1 #4（评价办法第六条（四））";
const S21_5: &str = "policy-rules.md §2.1 #5（评价办法第六条（五））";
const S22: &str = "policy-rules.md §2.2（评价办法第七条）";

/// Evaluates the one tier of this pack, 科技型中小企业.
pub fn evaluate(profile: &Profile, ctx: &Context) -> Vec<TierResult> {
    vec![evaluate_tech_sme(profile, ctx)]
}

/// 科技人员 points (§2.2): ≥ 30 % → 20 · [25, 30) → 16 · [20, 25) → 12 ·
/// [15, 20) → 8 · [10, 15) → 4 · < 10 % → 0. Lower bounds inclusive (含).
pub fn st_staff_points(ratio_pct: Decimal) -> u32 {
    const BANDS: [Band; 6] = [
        Band::at_least(pc(30), 20),
        Band::from_to(pc(25), pc(30), 16),
        Band::from_to(pc(20), pc(25), 12),
        Band::from_to(pc(15), pc(20), 8),
        Band::from_to(pc(10), pc(15), 4),
        Band::below(pc(10), 0),
    ];
    band::find(&BANDS, ratio_pct).map_or(0, |b| b.points)
}

/// 研发投入 points on the sales base (§2.2 (1)): ≥ 6 % → 50 · [5, 6) → 40 ·
/// [4, 5) → 30 · [3, 4) → 20 · [2, 3) → 10 · < 2 % → 0.
pub fn rd_sales_points(ratio_pct: Decimal) -> u32 {
    const BANDS: [Band; 6] = [
        Band::at_least(pc(6), 50),
        Band::from_to(pc(5), pc(6), 40),
        Band::from_to(pc(4), pc(5), 30),
        Band::from_to(pc(3), pc(4), 20),
        Band::from_to(pc(2), pc(3), 10),
        Band::below(pc(2), 0),
    ];
    band::find(&BANDS, ratio_pct).map_or(0, |b| b.points)
}

/// 研发投入 points on the cost base (§2.2 (2)): ≥ 30 % → 50 · [25, 30) → 40 ·
/// [20, 25) → 30 · [15, 20) → 20 · [10, 15) → 10 · < 10 % → 0.
pub fn rd_cost_points(ratio_pct: Decimal) -> u32 {
    const BANDS: [Band; 6] = [
        Band::at_least(pc(30), 50),
        Band::from_to(pc(25), pc(30), 40),
        Band::from_to(pc(20), pc(25), 30),
        Band::from_to(pc(15), pc(20), 20),
        Band::from_to(pc(10), pc(15), 10),
        Band::below(pc(10), 0),
    ];
    band::find(&BANDS, ratio_pct).map_or(0, |b| b.points)
}

/// 科技成果 points (§2.2): ≥ 1 Ⅰ类 → 30 · ≥ 4 Ⅱ类 → 24 · 3 → 18 · 2 → 12 ·
/// 1 → 6 · none → 0.
pub fn ip_points(class_i: u32, class_ii: u32) -> u32 {
    match (class_i, class_ii) {
        (1.., _) => 30,
        (0, 4..) => 24,
        (0, 3) => 18,
        (0, 2) => 12,
        (0, 1) => 6,
        (0, 0) => 0,
    }
}

/// The direct-confirmation route that holds on the evaluation date (§2.3,
/// 第八条), if any, as its zh-CN description. "近五年" is read as the five
/// calendar years `Y-4..=Y`.
pub fn direct_route(profile: &Profile, ctx: &Context) -> Option<&'static str> {
    let y = ctx.as_of.year();
    let recent = |yr: i32| (y - 4..=y).contains(&yr);
    // §2.3 #1: a valid 高新技术企业 qualification on the evaluation date.
    if profile.holds(QualificationKind::HighTech, ctx.as_of) {
        return Some("直接确认：有效期内的高新技术企业");
    }
    // §2.3 #2: a national S&T award within five years, ranked in the top 3.
    if profile
        .awards
        .iter()
        .any(|a| a.level == AwardLevel::National && recent(a.year) && (1..=3).contains(&a.rank))
    {
        return Some("直接确认：近五年内获国家级科技奖励并在获奖单位中排名前三");
    }
    // §2.3 #3: a 省部级以上 R&D institution.
    if profile.institutions.iter().any(|i| {
        matches!(
            i.level,
            InstitutionLevelInput::Provincial | InstitutionLevelInput::National
        )
    }) {
        return Some("直接确认：拥有经认定的省部级以上研发机构");
    }
    // §2.3 #4: led (top 5) an international, national or industry standard within five years.
    if profile.standards.iter().any(|s| {
        matches!(
            s.level,
            StandardLevel::International | StandardLevel::National | StandardLevel::Industry
        ) && recent(s.year)
            && (1..=5).contains(&s.rank)
    }) {
        return Some("直接确认：近五年内主导制定国际标准、国家标准或行业标准");
    }
    None
}

fn evaluate_tech_sme(profile: &Profile, ctx: &Context) -> TierResult {
    let y = ctx.as_of.year();
    let prev = y - 1;
    let f = profile.year(prev);
    let mut r = TierResult {
        tier: QualificationKind::TechSme,
        pack: PackId::Sme2017,
        status: Status::ManualReview,
        route: None,
        score: None,
        items: Vec::with_capacity(3),
        conditions: Vec::with_capacity(9),
        review_reasons: Vec::new(),
        warnings: Vec::new(),
        held: false,
    };

    // §2.1 #1–#4.
    let mut c = cond(
        "sme.mainland_resident",
        S21_1,
        "在中国境内（不含港澳台）注册的居民企业",
        "是",
    );
    declared(&mut c, profile.compliance.mainland_resident);
    r.conditions.push(c);
    r.conditions.push(cond_staff_limit(f, prev));
    r.conditions.push(cond_amount_limit(
        f.map(|f| f.sales_revenue),
        prev,
        ("sme.sales_limit", "年销售收入不超过 2 亿元", "销售收入"),
    ));
    r.conditions.push(cond_amount_limit(
        f.map(|f| f.total_assets),
        prev,
        ("sme.assets_limit", "资产总额不超过 2 亿元", "资产总额"),
    ));
    let mut c = cond(
        "sme.not_restricted",
        S21_3,
        "产品和服务不属于国家规定的禁止、限制和淘汰类",
        "是",
    );
    declared(&mut c, profile.compliance.not_restricted_industry);
    r.conditions.push(c);
    let mut c = cond(
        "sme.no_major_incident",
        S21_4,
        "上一年及当年内未发生重大安全、重大质量事故和严重环境违法、科研严重失信行为",
        "无",
    );
    declared(&mut c, profile.compliance.no_major_incident);
    r.conditions.push(c);
    let mut c = cond(
        "sme.good_standing",
        S21_4,
        "未列入经营异常名录和严重违法失信企业名单",
        "是",
    );
    declared(&mut c, profile.compliance.good_standing);
    r.conditions.push(c);
    let basic_no = r.conditions.iter().any(|c| c.met == Met::No);
    let basic_yes = r.conditions.iter().all(|c| c.met == Met::Yes);

    // §2.2 score, always reported.
    let st = score_st_staff(f, prev, &mut r);
    score_rd(f, prev, &mut r);
    score_ip(profile, ctx, &mut r);
    let (min, max) = r
        .items
        .iter()
        .fold((0, 0), |(a, b), i| (a + i.min, b + i.max));
    let score = ScoreRange {
        min,
        max,
        pass_mark: PASS_MARK,
        out_of: 100,
    };

    // §2.3: a direct route replaces the score (conditions 1–4 still apply).
    let route = if basic_no {
        None
    } else {
        direct_route(profile, ctx)
    };
    let mut sc = cond("sme.score", S21_5, "综合评价得分", "≥ 60 分");
    let mut stc = cond(
        "sme.st_staff_nonzero",
        S21_5,
        "科技人员指标得分不为 0（科技人员占比 ≥ 10 %）",
        "≠ 0 分",
    );
    sc.actual = Some(if min == max {
        format!("{min} 分")
    } else {
        format!("{min}–{max} 分")
    });
    stc.actual = Some(match st.points {
        (a, b) if a == b => format!("{a} 分"),
        (a, b) => format!("{a}–{b} 分"),
    });
    if let Some(route) = route {
        let note = if basic_yes {
            r.route = Some(route.to_string());
            format!("{route}，不需评分（得分仅供参考）")
        } else {
            format!("{route}（待基本条件确认），不需评分（得分仅供参考）")
        };
        for c in [&mut sc, &mut stc] {
            c.met = Met::Yes;
            c.note = Some(note.clone());
        }
        r.score = None;
    } else {
        if score.passes() {
            sc.met = Met::Yes;
        } else if score.fails() {
            sc.met = Met::No;
            sc.gap = Some(point_gap(PASS_MARK - max));
        } else {
            sc.note = Some("得分区间跨越及格线（缺少数据）".to_string());
        }
        match st.points {
            (1.., _) => stc.met = Met::Yes,
            (0, 0) => {
                stc.met = Met::No;
                stc.gap = st.gap.clone();
            }
            (0, _) => stc.note = Some(missing(prev, Some("职工总数或科技人员数"))),
        }
        r.score = Some(score);
    }
    r.conditions.push(sc);
    r.conditions.push(stc);
    r.decide();
    r
}

// §2.1 #2 (第六条（二）): 职工总数不超过 500 人 (≤, inclusive).
fn cond_staff_limit(f: Option<&YearFacts>, prev: i32) -> Condition {
    let mut c = cond(
        "sme.staff_limit",
        S21_2,
        "职工总数不超过 500 人",
        "≤ 500 人",
    );
    let Some(staff) = f.and_then(|f| f.staff) else {
        c.note = Some(missing(prev, f.map(|_| "职工总数")));
        return c;
    };
    c.actual = Some(format!("{} 人", staff.normalize()));
    let max = Decimal::from(MAX_STAFF);
    if staff <= max {
        c.met = Met::Yes;
    } else {
        c.met = Met::No;
        let n = (staff - max).ceil();
        c.gap = Some(Gap {
            amount: n,
            unit: GapUnit::Person,
            text: format!("超出 {n} 名"),
        });
    }
    c
}

// §2.1 #2 (第六条（二）): 年销售收入 / 资产总额 不超过 2 亿元 (≤, inclusive).
fn cond_amount_limit(
    v: Option<Option<Decimal>>,
    prev: i32,
    (id, name, what): (&str, &str, &str),
) -> Condition {
    let mut c = cond(id, S21_2, name, "≤ ¥200,000,000（2亿元）");
    let Some(Some(v)) = v else {
        c.note = Some(missing(prev, v.map(|_| what)));
        return c;
    };
    c.actual = Some(show_wan(v));
    let max = Decimal::from(MAX_AMOUNT_WAN);
    if v <= max {
        c.met = Met::Yes;
    } else {
        c.met = Met::No;
        let amount = super::outcome::wan_to_yuan(v - max).ceil();
        c.gap = Some(Gap {
            amount,
            unit: GapUnit::Yuan,
            text: format!("超出 {}", super::outcome::yuan(amount)),
        });
    }
    c
}

struct StItem {
    points: (u32, u32),
    gap: Option<Gap>,
}

fn score_st_staff(f: Option<&YearFacts>, prev: i32, r: &mut TierResult) -> StItem {
    let id = "sme.score.st_staff";
    let name = "科技人员";
    // §2.4: the 6-month caliber; fall back to the 高企 183-day count.
    let st = f.and_then(|f| f.st_staff_sme.or(f.st_staff));
    let staff = f.and_then(|f| f.staff);
    let (Some(st), Some(staff)) = (st, staff) else {
        let m = missing(prev, f.map(|_| "职工总数或科技人员数"));
        r.review_reasons
            .push(format!("{m}，科技人员指标按 0–20 分计"));
        r.items.push(item(id, S22, name, (0, 20), 20, m));
        return StItem {
            points: (0, 20),
            gap: None,
        };
    };
    let Some(ratio) = band::ratio_pct(st, staff) else {
        let m = format!("{prev}年度职工总数为 0，比例无法计算");
        r.review_reasons.push(m.clone());
        r.items.push(item(id, S22, name, (0, 20), 20, m));
        return StItem {
            points: (0, 20),
            gap: None,
        };
    };
    let p = st_staff_points(ratio);
    let caliber = if f.and_then(|f| f.st_staff_sme).is_some() {
        ""
    } else {
        "（按 183 天口径科技人员数）"
    };
    r.items.push(item(
        id,
        S22,
        name,
        (p, p),
        20,
        format!("科技人员占比 {}{caliber}", show_pct(ratio)),
    ));
    let gap = (!at_least_pct(st, staff, pc(10)))
        .then(|| person_gap(share_gap(st, staff, pc(10)), "科技人员"));
    StItem {
        points: (p, p),
        gap,
    }
}

fn score_rd(f: Option<&YearFacts>, prev: i32, r: &mut TierResult) {
    let id = "sme.score.rd";
    let name = "研发投入";
    // §2.4: the 加计扣除 caliber; fall back to the 高企 amount.
    let rd = f.and_then(|f| f.rd_expense_deduction.or(f.rd_expense));
    let Some(rd) = rd else {
        let m = missing(prev, f.map(|_| "研发费用"));
        r.review_reasons
            .push(format!("{m}，研发投入指标按 0–50 分计"));
        r.items.push(item(id, S22, name, (0, 50), 50, m));
        return;
    };
    // §2.2: compute both bases, take the higher; an incomputable base leaves
    // the optimistic side open.
    let by_sales = f
        .and_then(|f| f.sales_revenue)
        .and_then(|s| band::ratio_pct(rd, s));
    let by_cost = f
        .and_then(|f| f.total_cost)
        .and_then(|c| band::ratio_pct(rd, c));
    let ps = by_sales.map(rd_sales_points);
    let pc_ = by_cost.map(rd_cost_points);
    let best = ps.unwrap_or(0).max(pc_.unwrap_or(0));
    let max = if ps.is_none() || pc_.is_none() {
        50
    } else {
        best
    };
    let show = |v: Option<Decimal>, p: Option<u32>| match (v, p) {
        (Some(v), Some(p)) => format!("{}（{p} 分）", show_pct(v)),
        _ => "无法计算".to_string(),
    };
    let basis = format!(
        "占销售收入 {}；占成本费用支出总额 {}；取高者",
        show(by_sales, ps),
        show(by_cost, pc_)
    );
    if ps.is_none() && pc_.is_none() {
        r.review_reasons.push(format!(
            "{prev}年度销售收入与成本费用支出总额均缺失或为 0，研发投入指标按 0–50 分计"
        ));
    }
    r.items.push(item(id, S22, name, (best, max), 50, basis));
}

fn score_ip(profile: &Profile, ctx: &Context, r: &mut TierResult) {
    // §2.2 科技成果: valid IP related to the main products (Ⅱ类 reuse is a 高企 rule only).
    let (mut i1, mut i2) = (0u32, 0u32);
    for ip in profile
        .ip
        .iter()
        .filter(|i| i.in_force_on(ctx.as_of) && i.related_to_main_product)
    {
        match ip.class() {
            IpClass::I => i1 += 1,
            IpClass::II => i2 += 1,
        }
    }
    let p = ip_points(i1, i2);
    r.items.push(item(
        "sme.score.ip",
        S22,
        "科技成果（知识产权）",
        (p, p),
        30,
        format!("Ⅰ类 {i1} 件，Ⅱ类 {i2} 件"),
    ));
}
