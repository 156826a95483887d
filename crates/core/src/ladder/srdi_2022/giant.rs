//! 专精特新"小巨人" under 63号 (policy-rules.md §3.1): 专, 精, 特, 新, 链, 品
//! must all hold. 新 has a general path (R&D by revenue band, an R&D
//! institution, ≥ 2 applied Ⅰ类 IP) and a direct path (national award top 3 or
//! 创客中国 top 50 within 3 years).

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::common::{
    cond, count_class_i_applied, debt_ratio, declared, equity_within, fact, has_award,
    ip_count_met, main_growth_avg2, main_share, makers_china, met, niche_at_least, ratio_bound, rd,
    result, revenue, share, wan, yuan_gap,
};
use super::rd::{rd_year, rd_years_into};
use crate::ladder::band::pc;
use crate::ladder::outcome::{Condition, Met, TierResult, pct};
use crate::ladder::packs::{Context, PackId};
use crate::ladder::profile::{AwardLevel, ProductField, Profile};
use crate::qualification::QualificationKind;

fn sec(aspect: &str) -> String {
    format!("policy-rules.md §3.1 小巨人 {aspect}")
}

/// Evaluates 专精特新"小巨人" under 63号.
pub fn little_giant(profile: &Profile, ctx: &Context) -> TierResult {
    let as_of = ctx.as_of;
    let y1 = as_of.year() - 1;
    let mut r = result(
        profile,
        as_of,
        QualificationKind::LittleGiant,
        PackId::Srdi2022,
    );

    // 专.
    let mut c = cond("lg22.niche", &sec("专"), "从事特定细分市场年限", "≥ 3 年");
    niche_at_least(&mut c, profile, as_of, 3);
    r.conditions.push(c);
    let mut c = cond(
        "lg22.main_share",
        &sec("专"),
        "主营业务收入占营业收入比重",
        "≥ 70 %",
    );
    ratio_bound(&mut c, main_share(profile, y1), pc(70), false);
    r.conditions.push(c);
    let mut c = cond(
        "lg22.main_growth",
        &sec("专"),
        "近2年主营业务收入平均增长率",
        "≥ 5 %",
    );
    ratio_bound(&mut c, main_growth_avg2(profile, as_of), pc(5), false);
    r.conditions.push(c);

    // 精.
    let mut c = cond(
        "lg22.info_system",
        &sec("精"),
        "至少1项核心业务采用信息系统支撑",
        "是",
    );
    declared(
        &mut c,
        profile.management.info_system,
        "未申报核心业务是否采用信息系统支撑",
    );
    r.conditions.push(c);
    let mut c = cond(
        "lg22.certification",
        &sec("精"),
        "管理体系认证或出口市场产品认证",
        "是",
    );
    declared(
        &mut c,
        profile.management.quality_certification,
        "未申报管理体系或产品认证情况",
    );
    r.conditions.push(c);
    let mut c = cond("lg22.debt", &sec("精"), "上年末资产负债率", "≤ 70 %");
    ratio_bound(&mut c, debt_ratio(profile, y1), pc(70), true);
    r.conditions.push(c);

    // 特.
    let mut c = cond("lg22.share", &sec("特"), "细分市场全国占有率", "≥ 10 %");
    match profile.market.niche_share_pct {
        Some(v) => ratio_bound(&mut c, Ok(v), pc(10), false),
        None => c.note = Some("未申报细分市场全国占有率".into()),
    }
    r.conditions.push(c);
    let mut c = cond("lg22.brand", &sec("特"), "拥有自主品牌", "是");
    declared(
        &mut c,
        profile.management.own_brand,
        "未申报是否拥有自主品牌",
    );
    r.conditions.push(c);

    // 新.
    let direct = if has_award(profile, as_of, AwardLevel::National, 3) {
        Some("直接认定：近三年获国家级科技奖励（排名前三）")
    } else if makers_china(profile, as_of, 50) {
        Some("直接认定：近三年进入创客中国全国50强企业组")
    } else {
        None
    };
    if let Some(route) = direct {
        let mut c = cond(
            "lg22.new",
            &sec("新"),
            "创新能力（直接条件）",
            "满足任一直接条件",
        );
        c.actual = Some(route.to_string());
        c.met = Met::Yes;
        r.conditions.push(c);
        r.route = Some(route.to_string());
    } else {
        r.conditions.push(new_rd(profile, as_of));
        let mut c = cond(
            "lg22.new_institution",
            &sec("新 #2"),
            "自建或合作共建研发机构",
            "有",
        );
        c.actual = Some(format!("{} 个", profile.institutions.len()));
        c.met = met(!profile.institutions.is_empty());
        r.conditions.push(c);
        let mut c = cond(
            "lg22.new_ip",
            &sec("新 #3"),
            "与主导产品相关且实际应用的Ⅰ类知识产权",
            "≥ 2 件",
        );
        ip_count_met(&mut c, count_class_i_applied(profile, as_of, |_| true), 2);
        r.conditions.push(c);
    }

    // 链.
    let mut c = cond(
        "lg22.chain",
        &sec("链"),
        "位于产业链关键环节（补短板/锻长板/填空白）",
        "是",
    );
    declared(
        &mut c,
        profile
            .market
            .product_field
            .map(|f| f == ProductField::ChainKeyLink),
        "未申报主导产品所属领域",
    );
    r.conditions.push(c);
    // 品.
    let mut c = cond("lg22.key_area", &sec("品"), "主导产品属于关键领域", "是");
    declared(
        &mut c,
        profile.market.key_area_product,
        "未申报主导产品是否属于关键领域",
    );
    r.conditions.push(c);

    r.decide();
    r
}

/// 新 #1: R&D by revenue band.
fn new_rd(profile: &Profile, as_of: NaiveDate) -> Condition {
    let y1 = as_of.year() - 1;
    let y2 = y1 - 1;
    let mut c = cond(
        "lg22.new_rd",
        &sec("新 #1"),
        "研发投入（按营业收入分档）",
        "营收 ≥ 1亿元：近2年每年 ≥ 3 %；5000万–1亿元：近2年 ≥ 6 %；< 5000万元：近2年股权融资 ≥ 8000万元且研发投入 ≥ 3000万元且研发人员 ≥ 50 %",
    );
    let v = match revenue(profile, y1) {
        Ok(v) => v,
        Err(e) => {
            c.note = Some(e);
            return c;
        }
    };
    if v >= Decimal::from(10_000) {
        c.required = "近2年每年研发费用 ≥ 营业收入 3 %（营收 ≥ 1亿元）".into();
        rd_years_into(
            &mut c,
            &[
                rd_year(profile, y2, Decimal::ZERO, pc(3)),
                rd_year(profile, y1, Decimal::ZERO, pc(3)),
            ],
        );
    } else if v >= Decimal::from(5_000) {
        // The 6 % is read as the 2-year R&D total over the 2-year revenue total.
        c.required = "近2年研发费用总额 ≥ 营业收入总额 6 %（营收 5000万–1亿元）".into();
        let sums = rd(profile, y2)
            .and_then(|a| rd(profile, y1).map(|b| a + b))
            .and_then(|d| {
                revenue(profile, y2).and_then(|a| revenue(profile, y1).map(|b| (d, a + b)))
            });
        match sums {
            Ok((d, rev)) => {
                let need = pc(6) * rev / Decimal::ONE_HUNDRED;
                c.actual = Some(match share(d, rev, y1, "营业收入") {
                    Ok(q) => format!("{}（{}）", wan(d), pct(q, 2)),
                    Err(_) => wan(d),
                });
                c.met = met(d >= need);
                if d < need {
                    c.gap = Some(yuan_gap("研发投入", need - d));
                }
            }
            Err(e) => c.note = Some(e),
        }
    } else {
        c.required =
            "近2年新增股权融资 ≥ 8000万元，且近2年研发投入 ≥ 3000万元，且研发人员占比 ≥ 50 %（营收 < 5000万元）"
                .into();
        let eq = equity_within(profile, as_of, 2);
        let rd_total = rd(profile, y2).and_then(|a| rd(profile, y1).map(|b| a + b));
        let staff = fact(profile, y1, "研发人员", |f| f.rd_staff).and_then(|n| {
            fact(profile, y1, "职工总数", |f| f.staff).and_then(|s| share(n, s, y1, "职工总数"))
        });
        let m_eq = met(eq >= Decimal::from(8_000));
        let m_rd = rd_total
            .as_ref()
            .map_or(Met::Unknown, |d| met(*d >= Decimal::from(3_000)));
        let m_staff = staff.as_ref().map_or(Met::Unknown, |s| met(*s >= pc(50)));
        c.met = super::common::all_of(&[m_eq, m_rd, m_staff]);
        c.actual = Some(format!(
            "股权融资 {}；研发投入 {}；研发人员占比 {}",
            wan(eq),
            rd_total.as_ref().map_or("未知".into(), |d| wan(*d)),
            staff.as_ref().map_or("未知".into(), |s| pct(*s, 2)),
        ));
        let notes: Vec<String> = [rd_total.clone().err(), staff.err()]
            .into_iter()
            .flatten()
            .collect();
        c.note = (!notes.is_empty()).then(|| notes.join("；"));
        if let Ok(d) = rd_total
            && d < Decimal::from(3_000)
            && m_eq == Met::Yes
            && m_staff == Met::Yes
        {
            c.gap = Some(yuan_gap("研发投入", Decimal::from(3_000) - d));
        }
    }
    c
}
