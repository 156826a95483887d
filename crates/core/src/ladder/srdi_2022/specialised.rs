//! 专精特新中小企业认定 (63号 附件2, policy-rules.md §3.1): four conditions,
//! the fourth being a score ≥ 60 on the 100-point table or a direct condition.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::common::{
    IpGrade, any_of, banded, best_institution, cond, debt_ratio, equity_within, fact, has_award,
    ip63, ip63_note, item, main_growth_avg2, main_share, makers_china, met, niche_at_least,
    niche_years, points_at_least, rd, result, revenue, share, wan, yuan_gap,
};
use super::rd::{rd_year, rd_years_into};
use crate::ladder::band::{Band, find, pc};
use crate::ladder::outcome::{Condition, Met, ScoreRange, TierResult, pct};
use crate::ladder::packs::{Context, PackId};
use crate::ladder::profile::{AwardLevel, InstitutionLevelInput, ProductField, Profile};
use crate::qualification::QualificationKind;

/// §3.1 附件2 专业化: 主营业务收入占营业收入比重 (5).
pub const MAIN_SHARE: [Band; 4] = [
    Band::at_least(pc(80), 5),
    Band::from_to(pc(70), pc(80), 3),
    Band::from_to(pc(60), pc(70), 1),
    Band::below(pc(60), 0),
];

/// §3.1 附件2 专业化: 近2年主营业务收入平均增长率 (10).
pub const GROWTH_AVG: [Band; 6] = [
    Band::at_least(pc(10), 10),
    Band::from_to(pc(8), pc(10), 8),
    Band::from_to(pc(6), pc(8), 6),
    Band::from_to(pc(4), pc(6), 4),
    Band::from_to(pc(0), pc(4), 2),
    Band::below(pc(0), 0),
];

/// §3.1 附件2 精细化: 上年度净利润率 (10).
pub const NET_MARGIN: [Band; 6] = [
    Band::at_least(pc(10), 10),
    Band::from_to(pc(8), pc(10), 8),
    Band::from_to(pc(6), pc(8), 6),
    Band::from_to(pc(4), pc(6), 4),
    Band::from_to(pc(2), pc(4), 2),
    Band::below(pc(2), 0),
];

/// §3.1 附件2 精细化: 上年度资产负债率 (5): < 50 % → 5, [50 %, 60 %) → 3,
/// [60 %, 70 %] → 1, > 70 % → 0 (70 % itself is in the 60–70 % band).
pub const DEBT: [Band; 4] = [
    Band::below(pc(50), 5),
    Band::from_to(pc(50), pc(60), 3),
    Band::from_to(pc(60), pc(70), 1).hi_inclusive(),
    Band::at_least(pc(70), 0).lo_exclusive(),
];

/// §3.1 附件2 创新能力: 上年度研发费用 amount in 万元 (10).
pub const RD_AMOUNT: [Band; 6] = [
    Band::at_least(pc(500), 10),
    Band::from_to(pc(400), pc(500), 8),
    Band::from_to(pc(300), pc(400), 6),
    Band::from_to(pc(200), pc(300), 4),
    Band::from_to(pc(100), pc(200), 2),
    Band::below(pc(100), 0),
];

/// §3.1 附件2 创新能力: 上年度研发费用 / 营业收入 (10).
pub const RD_RATIO: [Band; 6] = [
    Band::at_least(pc(10), 10),
    Band::from_to(pc(8), pc(10), 8),
    Band::from_to(pc(6), pc(8), 6),
    Band::from_to(pc(4), pc(6), 4),
    Band::from_to(pc(3), pc(4), 2),
    Band::below(pc(3), 0),
];

/// §3.1 附件2 创新能力: 上年度研发人员占比 (5).
pub const RD_STAFF: [Band; 4] = [
    Band::at_least(pc(20), 5),
    Band::from_to(pc(10), pc(20), 3),
    Band::from_to(pc(5), pc(10), 1),
    Band::below(pc(5), 0),
];

/// The direct condition of #4 that holds; `Unknown` when only a missing fact
/// (R&D of a year) could still make one hold.
fn direct(profile: &Profile, as_of: NaiveDate) -> (Met, Option<String>) {
    let y1 = as_of.year() - 1;
    // Provincial award top 3, or national award top 5, in the last 3 years.
    if has_award(profile, as_of, AwardLevel::Provincial, 3) {
        return (
            Met::Yes,
            Some("直接认定：近三年获省级科技奖励（排名前三）".into()),
        );
    }
    if has_award(profile, as_of, AwardLevel::National, 5) {
        return (
            Met::Yes,
            Some("直接认定：近三年获国家级科技奖励（排名前五）".into()),
        );
    }
    // ≥ 6,000万元 new equity in the last 2 years.
    if equity_within(profile, as_of, 2) >= Decimal::from(6000) {
        return (
            Met::Yes,
            Some("直接认定：近2年新增股权融资 ≥ 6000万元".into()),
        );
    }
    // 创客中国 national top 500 in the last 3 years.
    if makers_china(profile, as_of, 500) {
        return (
            Met::Yes,
            Some("直接认定：近三年进入创客中国全国500强企业组".into()),
        );
    }
    // Average R&D over the last 2 years ≥ 1,000万元.
    match (rd(profile, y1 - 1), rd(profile, y1)) {
        (Ok(a), Ok(b)) if (a + b) / Decimal::TWO >= Decimal::from(1000) => (
            Met::Yes,
            Some("直接认定：近2年研发费用年均 ≥ 1000万元".into()),
        ),
        (Ok(_), Ok(_)) => (Met::No, None),
        (Err(e), _) | (_, Err(e)) => (Met::Unknown, Some(e)),
    }
}

/// Evaluates 专精特新中小企业 under 63号 附件2.
pub fn srdi(profile: &Profile, ctx: &Context) -> TierResult {
    let as_of = ctx.as_of;
    let y1 = as_of.year() - 1;
    let mut r = result(profile, as_of, QualificationKind::Srdi, PackId::Srdi2022);

    // #1 niche ≥ 2 years.
    let mut c = cond(
        "srdi22.niche",
        "policy-rules.md §3.1 专精特新（附件2）#1",
        "从事特定细分市场年限",
        "≥ 2 年",
    );
    niche_at_least(&mut c, profile, as_of, 2);
    r.conditions.push(c);

    // #2 R&D in Y−1 ≥ 100万元 and ≥ 3 % of 营业收入.
    let mut c = cond(
        "srdi22.rd",
        "policy-rules.md §3.1 专精特新（附件2）#2",
        "上年度研发费用",
        "≥ 100万元且 ≥ 3 %",
    );
    rd_years_into(&mut c, &[rd_year(profile, y1, Decimal::from(100), pc(3))]);
    r.conditions.push(c);

    // #3 营业收入 ≥ 1,000万元, or < 1,000万元 with ≥ 2,000万元 equity in 2 years.
    let mut c = cond(
        "srdi22.revenue",
        "policy-rules.md §3.1 专精特新（附件2）#3",
        "上年度营业收入",
        "≥ 1000万元，或近2年新增股权融资 ≥ 2000万元",
    );
    revenue_or_equity(
        &mut c,
        profile,
        as_of,
        Decimal::from(1000),
        Decimal::from(2000),
    );
    r.conditions.push(c);

    // #4 score ≥ 60 or a direct condition.
    let total = score_items(profile, as_of, &mut r);
    let (dmet, droute) = direct(profile, as_of);
    let mut c = cond(
        "srdi22.route",
        "policy-rules.md §3.1 专精特新（附件2）#4",
        "评分或直接认定条件",
        "评分 ≥ 60 分，或满足任一直接认定条件",
    );
    if dmet == Met::Yes {
        c.met = Met::Yes;
        c.actual = droute.clone();
        r.route = droute;
    } else {
        points_at_least(&mut c, total, 60);
        let smet = c.met;
        c.met = any_of(&[smet, dmet]);
        if c.met != Met::No {
            c.gap = None;
        }
        let mut notes = Vec::new();
        if let Some(n) = c.note.take() {
            notes.push(n);
        }
        if dmet == Met::Unknown
            && let Some(d) = droute
        {
            notes.push(format!(
                "直接认定条件（近2年研发费用年均 ≥ 1000万元）无法判断：{d}"
            ));
        }
        c.note = (!notes.is_empty()).then(|| notes.join("；"));
        r.score = Some(ScoreRange {
            min: total.0,
            max: total.1,
            pass_mark: 60,
            out_of: 100,
        });
        if profile.srdi_local_points.is_none() {
            if total.0 >= 60 {
                r.warnings
                    .push("特色化指标由省级主管部门设定，尚未评分；按 0 分计亦达 60 分".into());
            } else if c.met != Met::No {
                r.review_reasons.push("特色化指标由省级主管部门设定".into());
            }
        }
    }
    r.conditions.push(c);
    r.decide();
    r
}

/// The revenue condition with its equity alternative (附件2 #3, 2号 #2).
pub(crate) fn revenue_or_equity(
    c: &mut Condition,
    profile: &Profile,
    as_of: NaiveDate,
    min_revenue: Decimal,
    min_equity: Decimal,
) {
    let y1 = as_of.year() - 1;
    let eq = equity_within(profile, as_of, 2);
    match revenue(profile, y1) {
        Ok(v) if v >= min_revenue => {
            c.actual = Some(wan(v));
            c.met = Met::Yes;
        }
        Ok(v) => {
            c.actual = Some(format!("{}；近2年新增股权融资 {}", wan(v), wan(eq)));
            c.met = met(eq >= min_equity);
            if eq < min_equity {
                c.gap = Some(yuan_gap("营业收入", min_revenue - v));
                c.note = Some(format!(
                    "或近2年新增股权融资（合格机构投资者实缴）达到 {}",
                    wan(min_equity)
                ));
            }
        }
        Err(e) => {
            c.actual = Some(format!("近2年新增股权融资 {}", wan(eq)));
            if eq >= min_equity {
                c.met = Met::Yes;
            } else {
                c.note = Some(e);
            }
        }
    }
}

/// Fills the 100-point table into `r.items`; returns (min, max) total.
fn score_items(profile: &Profile, as_of: NaiveDate, r: &mut TierResult) -> (u32, u32) {
    let y1 = as_of.year() - 1;
    let show = |v: &Result<Decimal, String>| v.clone().map_or_else(|e| e, |v| pct(v, 2));

    // 专业化 25.
    let sec = "policy-rules.md §3.1 专精特新（附件2）专业化";
    let ms = main_share(profile, y1);
    r.items.push(item(
        "srdi22.score.main_share",
        sec,
        "主营业务收入占营业收入比重",
        banded(ms.clone().ok(), &MAIN_SHARE, 5),
        5,
        show(&ms),
    ));
    let g = main_growth_avg2(profile, as_of);
    r.items.push(item(
        "srdi22.score.growth",
        sec,
        "近2年主营业务收入平均增长率",
        banded(g.clone().ok(), &GROWTH_AVG, 10),
        10,
        show(&g),
    ));
    // min(floor(years / 2), 5).
    let (pts, basis) = match niche_years(profile, as_of) {
        Some(y) => {
            let p = (y / 2).min(5);
            ((p, p), format!("{y} 年"))
        }
        None => ((0, 5), "未填写进入细分市场的年份".to_string()),
    };
    r.items.push(item(
        "srdi22.score.niche_years",
        sec,
        "从事特定细分市场年限",
        pts,
        5,
        basis,
    ));
    let (pts, basis) = match profile.market.product_field {
        Some(ProductField::ChainKeyLink) => ((5, 5), "补短板/锻长板/填空白且取得实际成效"),
        Some(ProductField::Foundation) => {
            ((3, 3), "工业\"六基\"、中华老字号或为重点产业链龙头企业配套")
        }
        Some(ProductField::Other) => ((0, 0), "其他"),
        None => ((0, 5), "未申报主导产品所属领域"),
    };
    r.items.push(item(
        "srdi22.score.field",
        sec,
        "主导产品所属领域",
        pts,
        5,
        basis.to_string(),
    ));

    // 精细化 25.
    let sec = "policy-rules.md §3.1 专精特新（附件2）精细化";
    let (pts, basis) = match profile.management.digital_level {
        Some(l) if l >= 3 => ((5, 5), format!("{l} 级")),
        Some(2) => ((3, 3), "2 级".to_string()),
        Some(l) => ((0, 0), format!("{l} 级")),
        None => ((0, 5), "未申报数字化水平".to_string()),
    };
    r.items.push(item(
        "srdi22.score.digital",
        sec,
        "数字化水平",
        pts,
        5,
        basis,
    ));
    let m = &profile.management;
    let flags = [
        m.quality_award,
        m.quality_certification,
        m.own_brand,
        Some(!profile.standards.is_empty()),
    ];
    let yes = flags.iter().filter(|f| **f == Some(true)).count() as u32;
    let unk = flags.iter().filter(|f| f.is_none()).count() as u32;
    r.items.push(item(
        "srdi22.score.quality",
        sec,
        "质量管理水平",
        ((3 * yes).min(5), (3 * (yes + unk)).min(5)),
        5,
        format!("满足 {yes} 项，未申报 {unk} 项（每项 3 分，最高 5 分）"),
    ));
    let nm = fact(profile, y1, "净利润", |f| f.net_profit)
        .and_then(|p| revenue(profile, y1).and_then(|v| share(p, v, y1, "营业收入")));
    r.items.push(item(
        "srdi22.score.net_margin",
        sec,
        "上年度净利润率",
        banded(nm.clone().ok(), &NET_MARGIN, 10),
        10,
        show(&nm),
    ));
    let debt = debt_ratio(profile, y1);
    r.items.push(item(
        "srdi22.score.debt",
        sec,
        "上年度资产负债率",
        banded(debt.clone().ok(), &DEBT, 5),
        5,
        show(&debt),
    ));

    // 特色化 15: set by the province; pluggable.
    let sec = "policy-rules.md §3.1 专精特新（附件2）特色化";
    let (pts, basis) = match profile.srdi_local_points {
        Some(p) => ((p.min(15), p.min(15)), "省级地方特色指标得分".to_string()),
        None => (
            (0, 15),
            "特色化指标由省级主管部门设定，尚未评分".to_string(),
        ),
    };
    r.items.push(item(
        "srdi22.score.local",
        sec,
        "地方特色指标",
        pts,
        15,
        basis,
    ));

    // 创新能力 35.
    let sec = "policy-rules.md §3.1 专精特新（附件2）创新能力";
    let ip = ip63(profile, as_of);
    let p = match ip.grade {
        IpGrade::HighValue => 10,
        IpGrade::OwnClassI => 8,
        IpGrade::ClassI => 6,
        IpGrade::ClassII => 2,
        IpGrade::None => 0,
    };
    let basis = match ip63_note(&ip) {
        Some(n) => format!("{}（{n}）", ip.grade.zh()),
        None => ip.grade.zh().to_string(),
    };
    r.items.push(item(
        "srdi22.score.ip",
        sec,
        "与主导产品相关的有效知识产权",
        (p, p),
        10,
        basis,
    ));
    // Amount or ratio: the better band.
    let (pts, basis) = match rd(profile, y1) {
        Ok(d) => {
            let a = find(&RD_AMOUNT, d).map_or(0, |b| b.points);
            match revenue(profile, y1).and_then(|v| share(d, v, y1, "营业收入")) {
                Ok(q) => {
                    let b = find(&RD_RATIO, q).map_or(0, |b| b.points);
                    (
                        (a.max(b), a.max(b)),
                        format!("{}，{}（取较高档）", wan(d), pct(q, 2)),
                    )
                }
                Err(e) => ((a, 10), format!("{}；{e}", wan(d))),
            }
        }
        Err(e) => ((0, 10), e),
    };
    r.items.push(item(
        "srdi22.score.rd",
        sec,
        "上年度研发费用投入",
        pts,
        10,
        basis,
    ));
    let rs = fact(profile, y1, "研发人员", |f| f.rd_staff).and_then(|n| {
        fact(profile, y1, "职工总数", |f| f.staff).and_then(|s| share(n, s, y1, "职工总数"))
    });
    r.items.push(item(
        "srdi22.score.rd_staff",
        sec,
        "上年度研发人员占比",
        banded(rs.clone().ok(), &RD_STAFF, 5),
        5,
        show(&rs),
    ));
    let (p, basis) = match best_institution(profile) {
        Some(InstitutionLevelInput::National) => (10, "国家级"),
        Some(InstitutionLevelInput::Provincial) => (8, "省级"),
        Some(InstitutionLevelInput::Municipal) => (4, "市级"),
        Some(InstitutionLevelInput::BelowMunicipal) => (2, "市级以下"),
        None => (0, "无"),
    };
    r.items.push(item(
        "srdi22.score.institution",
        sec,
        "研发机构级别",
        (p, p),
        10,
        basis.to_string(),
    ));

    r.items
        .iter()
        .fold((0, 0), |(a, b), i| (a + i.min, b + i.max))
}
