//! Rule pack `SRDI-2026-2`: 《优质中小企业梯度培育管理办法》 (工信部企业〔2026〕2号,
//! from 2026-04-01), policy-rules.md §3.2.
//!
//! Four tiers: 科技和创新型中小企业 (第三十条: a valid 科技型 or 创新型 firm, the
//! old 115号 / 63号 附件1 rules still deciding), 创新型中小企业 (63号 附件1 kept),
//! 专精特新中小企业 (six conditions) and 专精特新"小巨人" (seven conditions, and
//! already a valid 专精特新中小企业). A firm that holds a valid title of the tier
//! on the evaluation date is in review (复核): the 发展评价得分 may come from
//! either of the last two years (专精特新) and the compound growth is not
//! examined (小巨人).

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::band::{pc, pcd};
use super::outcome::{Condition, GapUnit, Met, Status, TierResult};
use super::packs::{Context, PackId};
use super::profile::{AwardLevel, InstitutionLevelInput, ProductField, Profile};
use super::srdi_2022::common::{
    all_of, amount_at_least, any_of, best_institution, cond, count_class_i_applied, count_gap,
    debt_ratio, has_award, holds_any, ip_count_met, main_share, met, niche_at_least, ratio_bound,
    rd, result, revenue, wan, yuan_gap,
};
use super::srdi_2022::innovative;
use super::srdi_2022::rd::{rd_year, rd_years_into};
use super::srdi_2022::specialised::revenue_or_equity;
use crate::qualification::QualificationKind;

/// Evaluates every tier of this pack.
pub fn evaluate(profile: &Profile, ctx: &Context) -> Vec<TierResult> {
    vec![
        tech_innovative(profile, ctx),
        innovative_2026(profile, ctx),
        srdi(profile, ctx),
        little_giant(profile, ctx),
    ]
}

fn status_met(s: Status) -> Met {
    match s {
        Status::Eligible => Met::Yes,
        Status::NotEligible => Met::No,
        Status::ManualReview => Met::Unknown,
    }
}

/// 科技和创新型中小企业 (§3.2 first tier, 第三十条).
pub fn tech_innovative(profile: &Profile, ctx: &Context) -> TierResult {
    use QualificationKind as Q;
    let as_of = ctx.as_of;
    let mut r = result(profile, as_of, Q::TechInnovativeSme, PackId::Srdi2026);
    let mut c = cond(
        "tis26.route",
        "policy-rules.md §3.2 科技和创新型 第三十条",
        "有效的科技型中小企业或创新型中小企业",
        "持有有效称号，或按115号评价为科技型中小企业，或按63号附件1评价为创新型中小企业",
    );
    if holds_any(
        profile,
        &[Q::TechSme, Q::InnovativeSme, Q::TechInnovativeSme],
        as_of,
    ) {
        let route = "已持有有效的科技型中小企业、创新型中小企业或科技和创新型中小企业称号";
        c.met = Met::Yes;
        c.actual = Some(route.to_string());
        r.route = Some(route.to_string());
    } else {
        let sme = super::sme_2017::evaluate(profile, ctx)
            .into_iter()
            .find(|t| t.tier == Q::TechSme);
        let inn = innovative(profile, ctx, PackId::Srdi2026);
        let sme_met = sme.as_ref().map_or(Met::Unknown, |t| status_met(t.status));
        let inn_met = status_met(inn.status);
        c.met = any_of(&[sme_met, inn_met]);
        c.actual = Some(format!(
            "科技型中小企业（115号）：{}；创新型中小企业（63号附件1）：{}",
            sme.as_ref().map_or("暂无评价结果", |t| t.status.zh()),
            inn.status.zh()
        ));
        if sme.is_none() && c.met != Met::Yes {
            c.note = Some("科技型中小企业评价（SME-2017）暂无结果，需人工复核".to_string());
        }
        r.route = if sme_met == Met::Yes {
            Some("按115号评价为科技型中小企业".to_string())
        } else if inn_met == Met::Yes {
            Some(format!(
                "按63号附件1评价为创新型中小企业{}",
                inn.route.map(|x| format!("（{x}）")).unwrap_or_default()
            ))
        } else {
            None
        };
    }
    r.conditions.push(c);
    r.decide();
    r
}

/// 创新型中小企业: 63号 附件1 kept by 第三十条.
fn innovative_2026(profile: &Profile, ctx: &Context) -> TierResult {
    let mut r = innovative(profile, ctx, PackId::Srdi2026);
    r.warnings.push(
        "依据2号文第三十条，合并评价标准出台前，创新型中小企业继续按63号附件1评价".to_string(),
    );
    r
}

/// The 发展评价得分 condition: this year's score ≥ `need`; in review any one of
/// this year and last year.
fn dev_score(c: &mut Condition, profile: &Profile, as_of: NaiveDate, need: u32, review: bool) {
    let y = as_of.year();
    let years: &[i32] = if review { &[y, y - 1] } else { &[y] };
    let scores: Vec<(i32, Option<u32>)> = years
        .iter()
        .map(|y| (*y, profile.srdi_dev_score.get(y).copied()))
        .collect();
    let known: Vec<String> = scores
        .iter()
        .filter_map(|(y, s)| s.map(|s| format!("{y}年 {s} 分")))
        .collect();
    c.actual = (!known.is_empty()).then(|| known.join("；"));
    let best = scores.iter().filter_map(|(_, s)| *s).max();
    if best.is_some_and(|b| b >= need) {
        c.met = Met::Yes;
    } else if let Some((y, _)) = scores.iter().find(|(_, s)| s.is_none()) {
        c.met = Met::Unknown;
        c.note = Some(format!("缺少{y}年度专精特新发展评价得分（工信部平台计算）"));
    } else {
        c.met = Met::No;
        c.gap = Some(count_gap(need - best.unwrap_or(0), GapUnit::Point, ""));
    }
    if review {
        let note = format!("复核：近两年（{}、{}年）任一年度 ≥ {need} 分即可", y - 1, y);
        c.note = Some(match c.note.take() {
            Some(n) => format!("{note}；{n}"),
            None => note,
        });
    }
}

/// 专精特新中小企业 (§3.2, six conditions).
pub fn srdi(profile: &Profile, ctx: &Context) -> TierResult {
    use QualificationKind as Q;
    let as_of = ctx.as_of;
    let y1 = as_of.year() - 1;
    let review = profile.holds(Q::Srdi, as_of);
    let mut r = result(profile, as_of, Q::Srdi, PackId::Srdi2026);
    let s = |n: u32| format!("policy-rules.md §3.2 专精特新 #{n}");

    // #1 valid 科技和创新型 title, niche ≥ 3 years.
    let mut c = cond(
        "srdi26.title",
        &s(1),
        "持有有效的科技和创新型中小企业称号",
        "是",
    );
    let held = holds_any(
        profile,
        &[Q::TechSme, Q::InnovativeSme, Q::TechInnovativeSme],
        as_of,
    );
    c.actual = Some(if held { "是" } else { "否" }.to_string());
    c.met = met(held);
    if !held {
        c.note = Some("需先取得科技型中小企业或创新型中小企业（科技和创新型中小企业）称号".into());
    }
    r.conditions.push(c);
    let mut c = cond(
        "srdi26.niche",
        &s(1),
        "截至上年末从事特定细分市场年限",
        "≥ 3 年",
    );
    niche_at_least(&mut c, profile, as_of, 3);
    r.conditions.push(c);

    // #2 revenue ≥ 1,500万 (or equity ≥ 2,000万), 主营 ≥ 80 %, debt ≤ 80 %.
    let mut c = cond(
        "srdi26.revenue",
        &s(2),
        "上年度营业收入",
        "≥ 1500万元，或近2年新增股权融资 ≥ 2000万元",
    );
    revenue_or_equity(
        &mut c,
        profile,
        as_of,
        Decimal::from(1500),
        Decimal::from(2000),
    );
    r.conditions.push(c);
    let mut c = cond(
        "srdi26.main_share",
        &s(2),
        "上年度主营业务收入占营业收入比重",
        "≥ 80 %",
    );
    ratio_bound(&mut c, main_share(profile, y1), pc(80), false);
    r.conditions.push(c);
    let mut c = cond("srdi26.debt", &s(2), "上年末资产负债率", "≤ 80 %");
    ratio_bound(&mut c, debt_ratio(profile, y1), pc(80), true);
    r.conditions.push(c);

    // #3 R&D ≥ 100万 and ≥ 3 % in each of the last 2 years.
    let mut c = cond(
        "srdi26.rd_each_year",
        &s(3),
        "近2年每年研发费用",
        "每年 ≥ 100万元且 ≥ 3 %",
    );
    rd_years_into(
        &mut c,
        &[
            rd_year(profile, y1 - 1, Decimal::from(100), pc(3)),
            rd_year(profile, y1, Decimal::from(100), pc(3)),
        ],
    );
    r.conditions.push(c);

    // #4 ≥ 1 Ⅰ类 IP related and applied; waived by a 省部级以上 award (top 3)
    // within 3 years or a 省部级以上 R&D institution.
    let mut c = cond(
        "srdi26.ip",
        &s(4),
        "与主导产品相关并实际应用的Ⅰ类知识产权",
        "≥ 1 件（近三年省部级以上科技奖励前三名或省部级以上研发机构可免）",
    );
    if has_award(profile, as_of, AwardLevel::Provincial, 3) {
        c.met = Met::Yes;
        c.actual = Some("免：近三年获省部级以上科技奖励（排名前三）".into());
    } else if best_institution(profile).is_some_and(|l| l >= InstitutionLevelInput::Provincial) {
        c.met = Met::Yes;
        c.actual = Some("免：拥有省部级以上研发机构".into());
    } else {
        ip_count_met(&mut c, count_class_i_applied(profile, as_of, |_| true), 1);
    }
    r.conditions.push(c);

    // #5 market share "较为靠前": no numeric threshold.
    let mut c = cond(
        "srdi26.share",
        &s(5),
        "主导产品市场占有率较为靠前",
        "是（人工复核）",
    );
    match profile.market.share_leading {
        Some(b) => {
            c.actual = Some(if b { "是" } else { "否" }.to_string());
            c.met = met(b);
        }
        None => c.note = Some("\"较为靠前\"无量化标准，需人工复核".into()),
    }
    r.conditions.push(c);

    // #6 发展评价得分 ≥ 50 this year (review: either of the last 2 years).
    let mut c = cond("srdi26.dev_score", &s(6), "专精特新发展评价得分", "≥ 50 分");
    dev_score(&mut c, profile, as_of, 50, review);
    r.conditions.push(c);

    r.decide();
    r
}

/// 专精特新"小巨人" (§3.2, seven conditions and a valid 专精特新中小企业).
pub fn little_giant(profile: &Profile, ctx: &Context) -> TierResult {
    use QualificationKind as Q;
    let as_of = ctx.as_of;
    let y1 = as_of.year() - 1;
    let y2 = y1 - 1;
    let y3 = y1 - 2;
    let review = profile.holds(Q::LittleGiant, as_of);
    let mut r = result(profile, as_of, Q::LittleGiant, PackId::Srdi2026);
    let s = |n: u32| format!("policy-rules.md §3.2 小巨人 #{n}");

    let mut c = cond(
        "lg26.srdi_held",
        "policy-rules.md §3.2 小巨人",
        "已是有效的专精特新中小企业",
        "是",
    );
    let held = profile.holds(Q::Srdi, as_of);
    c.actual = Some(if held { "是" } else { "否" }.to_string());
    c.met = met(held);
    r.conditions.push(c);

    // #1 niche ≥ 3 years (no 2-year exception).
    let mut c = cond("lg26.niche", &s(1), "从事特定细分市场年限", "≥ 3 年");
    niche_at_least(&mut c, profile, as_of, 3);
    r.conditions.push(c);

    // #2 revenue ≥ 5,000万, 主营 ≥ 90 %, CAGR ≥ 5 % (not in review), debt ≤ 75 %.
    let mut c = cond("lg26.revenue", &s(2), "上年度营业收入", "≥ 5000万元");
    amount_at_least(
        &mut c,
        revenue(profile, y1),
        Decimal::from(5000),
        "营业收入",
    );
    r.conditions.push(c);
    let mut c = cond(
        "lg26.main_share",
        &s(2),
        "上年度主营业务收入占营业收入比重",
        "≥ 90 %",
    );
    ratio_bound(&mut c, main_share(profile, y1), pc(90), false);
    r.conditions.push(c);
    r.conditions.push(cagr(profile, y1, y3, review));
    let mut c = cond("lg26.debt", &s(2), "上年末资产负债率", "≤ 75 %");
    ratio_bound(&mut c, debt_ratio(profile, y1), pc(75), true);
    r.conditions.push(c);

    // #3 R&D total over 2 years ≥ 1,200万 and ≥ 3 % of revenue each year.
    let mut c = cond(
        "lg26.rd",
        &s(3),
        "近2年研发费用",
        "合计 ≥ 1200万元，且每年 ≥ 营业收入 3 %",
    );
    let years = [
        rd_year(profile, y2, Decimal::ZERO, pc(3)),
        rd_year(profile, y1, Decimal::ZERO, pc(3)),
    ];
    rd_years_into(&mut c, &years);
    let ratio_short: Decimal = years.iter().map(|y| y.short).sum();
    match rd(profile, y2).and_then(|a| rd(profile, y1).map(|b| a + b)) {
        Ok(total) => {
            let need = Decimal::from(1200);
            c.actual = Some(format!(
                "合计 {}；{}",
                wan(total),
                c.actual.take().unwrap_or_default()
            ));
            c.met = all_of(&[c.met, met(total >= need)]);
            if c.met == Met::No {
                // Raising each year to 3 % also raises the total.
                let short = ratio_short.max(need - total);
                c.gap = Some(yuan_gap("研发投入", short));
            }
        }
        Err(e) => {
            if c.note.is_none() {
                c.note = Some(e);
            }
        }
    }
    r.conditions.push(c);

    // #4 ≥ 4 Ⅰ类 IP, own R&D (no transferred-in), top-3 holder; waived by a
    // national award (top 3) within 3 years.
    let mut c = cond(
        "lg26.ip",
        &s(4),
        "与主导产品相关并实际应用的Ⅰ类知识产权（不含受让，权利人排名前三）",
        "≥ 4 件（近三年国家级科技奖励前三名可免）",
    );
    if has_award(profile, as_of, AwardLevel::National, 3) {
        c.met = Met::Yes;
        c.actual = Some("免：近三年获国家级科技奖励（排名前三）".into());
    } else {
        use crate::ip::Acquisition;
        let keep = |ip: &super::profile::IpItem| {
            ip.acquisition == Acquisition::OwnRnd && ip.holder_rank.is_none_or(|k| k <= 3)
        };
        let counts = count_class_i_applied(profile, as_of, keep);
        let unranked =
            count_class_i_applied(profile, as_of, |ip| keep(ip) && ip.holder_rank.is_none()).1;
        ip_count_met(&mut c, counts, 4);
        if unranked > 0 {
            let n = format!("{unranked} 件未申报权利人排名，已按前三名计入");
            c.note = Some(match c.note.take() {
                Some(x) => format!("{x}；{n}"),
                None => n,
            });
        }
    }
    r.conditions.push(c);

    // #5 niche share ≥ 10 % or top 3 in China (self-declared).
    let mut c = cond("lg26.share", &s(5), "细分市场占有率", "≥ 10 % 或全国前三");
    let m_share = profile
        .market
        .niche_share_pct
        .map_or(Met::Unknown, |v| met(v >= pc(10)));
    let m_top3 = profile.market.niche_top3.map_or(Met::Unknown, met);
    c.met = any_of(&[m_share, m_top3]);
    c.actual = Some(format!(
        "占有率 {}；全国前三：{}",
        profile
            .market
            .niche_share_pct
            .map_or("未申报".to_string(), |v| super::outcome::pct(v, 2)),
        profile
            .market
            .niche_top3
            .map_or("未申报", |b| if b { "是" } else { "否" })
    ));
    if c.met == Met::Unknown {
        c.note = Some("未申报细分市场占有率或全国排名".into());
    }
    r.conditions.push(c);

    // #6 lead product in 六基 or a key chain link.
    let mut c = cond(
        "lg26.product_field",
        &s(6),
        "主导产品属于\"六基\"或产业链关键环节",
        "是",
    );
    let m_field = profile.market.product_field.map_or(Met::Unknown, |f| {
        met(matches!(
            f,
            ProductField::ChainKeyLink | ProductField::Foundation
        ))
    });
    let m_area = profile.market.key_area_product.map_or(Met::Unknown, met);
    c.met = any_of(&[m_field, m_area]);
    c.actual = Some(
        match (
            profile.market.product_field,
            profile.market.key_area_product,
        ) {
            (Some(ProductField::ChainKeyLink), _) => "产业链关键环节".to_string(),
            (Some(ProductField::Foundation), _) => "工业\"六基\"".to_string(),
            (_, Some(true)) => "关键领域产品".to_string(),
            (None, None) => "未申报".to_string(),
            _ => "否".to_string(),
        },
    );
    if c.met == Met::Unknown {
        c.note = Some("未申报主导产品所属领域".into());
    }
    r.conditions.push(c);

    // #7 发展评价得分 ≥ 60 this year.
    let mut c = cond("lg26.dev_score", &s(7), "专精特新发展评价得分", "≥ 60 分");
    dev_score(&mut c, profile, as_of, 60, false);
    r.conditions.push(c);

    if review {
        r.warnings.push(
            "2026年小巨人复核仍按63号标准开展（工信厅企业函〔2026〕117号），本结果按2号文标准计算"
                .to_string(),
        );
    }
    r.decide();
    r
}

/// 1.05² = 1.1025: a 2-year compound growth of 5 % without square roots.
const CAGR_FACTOR: Decimal = pcd(11025, 4);

/// §3.2 小巨人 #2: 2-year compound revenue growth ≥ 5 %, i.e.
/// v(Y−1) ≥ 1.1025 × v(Y−3); not examined in review.
fn cagr(profile: &Profile, y1: i32, y3: i32, review: bool) -> Condition {
    let mut c = cond(
        "lg26.cagr",
        "policy-rules.md §3.2 小巨人 #2",
        "近2年营业收入复合增长率",
        "≥ 5 %（复核不考察）",
    );
    let pair = revenue(profile, y3).and_then(|a| revenue(profile, y1).map(|b| (a, b)));
    if let Ok((a, b)) = &pair {
        c.actual = Some(format!("{y1}年 {} ÷ {y3}年 {}", wan(*b), wan(*a)));
    }
    if review {
        c.met = Met::Yes;
        c.note = Some("复核不考察复合增长率".into());
        return c;
    }
    match pair {
        Ok((a, _)) if a <= Decimal::ZERO => {
            c.note = Some(format!("{y3}年度营业收入为零，无法计算复合增长率"));
        }
        Ok((a, b)) => {
            let need = CAGR_FACTOR * a;
            c.actual = Some(format!(
                "{}（倍数 {}，需 ≥ 1.1025）",
                c.actual.take().unwrap_or_default(),
                (b / a).round_dp(4).normalize()
            ));
            c.met = met(b >= need);
            if b < need {
                c.gap = Some(yuan_gap("营业收入", need - b));
            }
        }
        Err(e) => c.note = Some(e),
    }
    c
}
