//! 创新型中小企业评价 (63号 附件1, policy-rules.md §3.1): any one direct
//! condition, or a score ≥ 60 with 创新能力 ≥ 20, 成长性 ≥ 15, 专业化 ≥ 15.
//! Kept by 2号 第三十条 until the merged standard is published.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::common::{
    IpGrade, banded, cond, debt_ratio, equity_within, has_award, ip63, ip63_note, item,
    main_growth, main_share, points_at_least, rd_ratio, result,
};
use crate::ladder::band::{Band, pc};
use crate::ladder::outcome::{Met, ScoreRange, TierResult, pct};
use crate::ladder::packs::{Context, PackId};
use crate::ladder::profile::{AwardLevel, InstitutionLevelInput, Profile};
use crate::qualification::QualificationKind;

const SEC: &str = "policy-rules.md §3.1 创新型";

/// §3.1 创新型 创新能力: 上年度研发费用 / 营业收入 (20). Boundary values score
/// in the higher band, so every lower bound is inclusive.
pub const RD_RATIO: [Band; 5] = [
    Band::at_least(pc(5), 20),
    Band::from_to(pc(3), pc(5), 15),
    Band::from_to(pc(2), pc(3), 10),
    Band::from_to(pc(1), pc(2), 5),
    Band::below(pc(1), 0),
];

/// §3.1 创新型 成长性: 上年度主营业务收入增长率 (20).
pub const GROWTH: [Band; 5] = [
    Band::at_least(pc(15), 20),
    Band::from_to(pc(10), pc(15), 15),
    Band::from_to(pc(5), pc(10), 10),
    Band::from_to(pc(0), pc(5), 5),
    Band::below(pc(0), 0),
];

/// §3.1 创新型 成长性: 上年度资产负债率 (10): ≤ 55 % → 10, (55 %, 75 %] → 5,
/// > 75 % → 0 (boundary values score in the higher band).
pub const DEBT: [Band; 3] = [
    Band::below(pc(55), 10).hi_inclusive(),
    Band::from_to(pc(55), pc(75), 5)
        .lo_exclusive()
        .hi_inclusive(),
    Band::at_least(pc(75), 0).lo_exclusive(),
];

/// §3.1 创新型 专业化: 主营业务收入 / 营业收入 (20).
pub const MAIN_SHARE: [Band; 5] = [
    Band::at_least(pc(70), 20),
    Band::from_to(pc(60), pc(70), 15),
    Band::from_to(pc(55), pc(60), 10),
    Band::from_to(pc(50), pc(55), 5),
    Band::below(pc(50), 0),
];

/// The direct condition that holds, if any (§3.1 创新型 直接条件, any one).
fn direct(profile: &Profile, as_of: NaiveDate) -> Option<&'static str> {
    // #1 国家级 or 省级科技奖励 within the last 3 years (any rank).
    if has_award(profile, as_of, AwardLevel::Provincial, u32::MAX) {
        return Some("直接认定：近三年获得国家级或省级科技奖励");
    }
    // #2 valid 高企, 国家级技术创新示范企业, 知识产权优势/示范企业.
    if profile.holds(QualificationKind::HighTech, as_of) {
        return Some("直接认定：有效期内的高新技术企业");
    }
    if profile.market.other_titles {
        return Some("直接认定：国家级技术创新示范企业或知识产权优势/示范企业");
    }
    // #3 省部级以上研发机构.
    if profile
        .institutions
        .iter()
        .any(|i| i.level >= InstitutionLevelInput::Provincial)
    {
        return Some("直接认定：拥有省部级以上研发机构");
    }
    // #4 ≥ 500万元 new equity from qualified institutional investors in 3 years.
    if equity_within(profile, as_of, 3) >= Decimal::from(500) {
        return Some("直接认定：近三年新增股权融资（合格机构投资者实缴）≥ 500万元");
    }
    None
}

/// Evaluates 创新型中小企业 under 63号 附件1 and reports it under `pack`
/// (`Srdi2022`, or `Srdi2026` by 第三十条).
pub fn innovative(profile: &Profile, ctx: &Context, pack: PackId) -> TierResult {
    let as_of = ctx.as_of;
    let y1 = as_of.year() - 1;
    let mut r = result(profile, as_of, QualificationKind::InnovativeSme, pack);

    // 创新能力 (40).
    let ip = ip63(profile, as_of);
    let ip_pts = match ip.grade {
        IpGrade::HighValue => 20,
        IpGrade::OwnClassI => 15,
        IpGrade::ClassI => 10,
        IpGrade::ClassII => 5,
        IpGrade::None => 0,
    };
    let mut basis = ip.grade.zh().to_string();
    if let Some(n) = ip63_note(&ip) {
        basis = format!("{basis}（{n}）");
    }
    r.items.push(item(
        "innov.score.ip",
        "policy-rules.md §3.1 创新型 创新能力",
        "与主导产品相关的有效知识产权",
        (ip_pts, ip_pts),
        20,
        basis,
    ));
    let rd = rd_ratio(profile, y1);
    r.items.push(item(
        "innov.score.rd_ratio",
        "policy-rules.md §3.1 创新型 创新能力",
        "上年度研发费用占营业收入比重",
        banded(rd.clone().ok(), &RD_RATIO, 20),
        20,
        rd.map_or_else(|e| e, |v| pct(v, 2)),
    ));

    // 成长性 (30).
    let g = main_growth(profile, y1);
    r.items.push(item(
        "innov.score.growth",
        "policy-rules.md §3.1 创新型 成长性",
        "上年度主营业务收入增长率",
        banded(g.clone().ok(), &GROWTH, 20),
        20,
        g.map_or_else(|e| e, |v| pct(v, 2)),
    ));
    let debt = debt_ratio(profile, y1);
    r.items.push(item(
        "innov.score.debt",
        "policy-rules.md §3.1 创新型 成长性",
        "上年度资产负债率",
        banded(debt.clone().ok(), &DEBT, 10),
        10,
        debt.map_or_else(|e| e, |v| pct(v, 2)),
    ));

    // 专业化 (30).
    let (field_pts, field_basis) = match profile.market.strategic_emerging {
        Some(true) => ((10, 10), "属于《战略性新兴产业分类》".to_string()),
        Some(false) => ((5, 5), "其他领域".to_string()),
        None => ((5, 10), "未申报主导产品是否属于战略性新兴产业".to_string()),
    };
    r.items.push(item(
        "innov.score.field",
        "policy-rules.md §3.1 创新型 专业化",
        "主导产品所属领域",
        field_pts,
        10,
        field_basis,
    ));
    let ms = main_share(profile, y1);
    r.items.push(item(
        "innov.score.main_share",
        "policy-rules.md §3.1 创新型 专业化",
        "主营业务收入占营业收入比重",
        banded(ms.clone().ok(), &MAIN_SHARE, 20),
        20,
        ms.map_or_else(|e| e, |v| pct(v, 2)),
    ));

    let dim = |ids: &[&str]| {
        r.items
            .iter()
            .filter(|i| ids.contains(&i.id.as_str()))
            .fold((0, 0), |(a, b), i| (a + i.min, b + i.max))
    };
    let innovation = dim(&["innov.score.ip", "innov.score.rd_ratio"]);
    let growth = dim(&["innov.score.growth", "innov.score.debt"]);
    let special = dim(&["innov.score.field", "innov.score.main_share"]);
    let total = (
        innovation.0 + growth.0 + special.0,
        innovation.1 + growth.1 + special.1,
    );

    if let Some(route) = direct(profile, as_of) {
        // A direct condition decides; the score is shown for information only.
        let mut c = cond(
            "innov.route",
            SEC,
            "直接认定条件或综合评分",
            "满足任一直接认定条件，或评分 ≥ 60 分",
        );
        c.actual = Some(route.to_string());
        c.met = Met::Yes;
        r.conditions.push(c);
        r.route = Some(route.to_string());
    } else {
        let score = ScoreRange {
            min: total.0,
            max: total.1,
            pass_mark: 60,
            out_of: 100,
        };
        let mut c = cond(
            "innov.route",
            SEC,
            "直接认定条件或综合评分",
            "满足任一直接认定条件，或评分 ≥ 60 分",
        );
        points_at_least(&mut c, total, 60);
        c.note = Some(match c.note.take() {
            Some(n) => format!("无直接认定条件；{n}"),
            None => "无直接认定条件，按评分认定".to_string(),
        });
        r.conditions.push(c);
        // §3.1: the score passes only with every dimension at its minimum.
        for (id, name, range, need) in [
            ("innov.min_innovation", "创新能力得分", innovation, 20),
            ("innov.min_growth", "成长性得分", growth, 15),
            ("innov.min_special", "专业化得分", special, 15),
        ] {
            let mut c = cond(id, SEC, name, &format!("≥ {need} 分"));
            points_at_least(&mut c, range, need);
            r.conditions.push(c);
        }
        r.score = Some(score);
    }
    r.decide();
    r
}
