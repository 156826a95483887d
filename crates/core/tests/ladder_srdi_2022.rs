//! SRDI-2022-63 (policy-rules.md §3.1): every band and boundary of 创新型 (附件1),
//! 专精特新 (附件2) and 小巨人 2022, the worked example of docs/ladder/SRDI-2022-63.md,
//! and properties.

use chrono::NaiveDate;
use kechuang_core::ip::{Acquisition, IpType, LegalStatus};
use kechuang_core::ladder::profile::{
    Award, AwardLevel, EquityRound, HeldQualification, Institution, InstitutionLevelInput, IpItem,
    ProductField, StandardDrafted, StandardLevel, YearFacts,
};
use kechuang_core::ladder::{
    Context, GapUnit, Met, PackId, Profile, Status, TierResult, srdi_2022,
};
use kechuang_core::qualification::QualificationKind;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().expect("fixture")
}
fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).expect("fixture")
}
/// Evaluated on 2025-06-30: 上年度 = 2024, 近2年 = 2023–2024.
fn ctx() -> Context {
    Context::on(day(2025, 6, 30))
}
fn ip(t: IpType, granted: NaiveDate) -> IpItem {
    IpItem {
        ip_type: t,
        granted_on: Some(granted),
        status: LegalStatus::Valid,
        acquisition: Acquisition::OwnRnd,
        acquired_on: None,
        used_in_hte: false,
        high_value: false,
        related_to_main_product: true,
        applied: Some(true),
        holder_rank: Some(1),
    }
}

/// A firm with every fact known and no direct condition.
fn base() -> Profile {
    let mut p = Profile {
        name: "测试企业".into(),
        ..Profile::default()
    };
    p.years.insert(
        2022,
        YearFacts {
            operating_revenue: Some(d("8000")),
            main_revenue: Some(d("7000")),
            rd_expense: Some(d("400")),
            ..YearFacts::default()
        },
    );
    p.years.insert(
        2023,
        YearFacts {
            operating_revenue: Some(d("9000")),
            main_revenue: Some(d("8000")),
            rd_expense: Some(d("450")),
            ..YearFacts::default()
        },
    );
    p.years.insert(
        2024,
        YearFacts {
            operating_revenue: Some(d("10000")),
            main_revenue: Some(d("9200")),
            rd_expense: Some(d("600")),
            net_profit: Some(d("1200")),
            total_assets: Some(d("10000")),
            net_assets: Some(d("6000")),
            staff: Some(d("100")),
            rd_staff: Some(d("25")),
            ..YearFacts::default()
        },
    );
    p.ip = vec![
        ip(IpType::InventionPatent, day(2020, 1, 1)),
        ip(IpType::InventionPatent, day(2021, 1, 1)),
    ];
    p.market.niche_since = Some(2015);
    p.market.niche_share_pct = Some(d("12"));
    p.market.strategic_emerging = Some(true);
    p.market.product_field = Some(ProductField::ChainKeyLink);
    p.market.key_area_product = Some(true);
    p.management.digital_level = Some(3);
    p.management.quality_award = Some(true);
    p.management.quality_certification = Some(true);
    p.management.own_brand = Some(true);
    p.management.info_system = Some(true);
    p.institutions = vec![Institution {
        level: InstitutionLevelInput::Municipal,
        kind: None,
        joint: false,
    }];
    p.srdi_local_points = Some(10);
    p
}

fn pts(r: &TierResult, id: &str) -> (u32, u32) {
    let i = r
        .items
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("no item {id}"));
    (i.min, i.max)
}
fn cond<'a>(r: &'a TierResult, id: &str) -> &'a kechuang_core::ladder::Condition {
    r.conditions
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no condition {id}"))
}
fn innov(p: &Profile) -> TierResult {
    srdi_2022::innovative(p, &ctx(), PackId::Srdi2022)
}
fn a2(p: &Profile) -> TierResult {
    srdi_2022::specialised::srdi(p, &ctx())
}
fn lg(p: &Profile) -> TierResult {
    srdi_2022::giant::little_giant(p, &ctx())
}
fn y24(p: &mut Profile) -> &mut YearFacts {
    p.years.get_mut(&2024).expect("fixture")
}

/// Ratio x % of 营业收入 with revenue 10,000万 in 2024.
fn with_2024_ratio(set: impl Fn(&mut YearFacts, Decimal), x: &str) -> Profile {
    let mut p = base();
    let f = y24(&mut p);
    f.operating_revenue = Some(d("10000"));
    set(f, d(x) * d("100"));
    p
}

// ---------- 创新型 (附件1) ----------

#[test]
fn srdi2022_a1_rd_ratio_bands_boundary_goes_up() {
    // §3.1 创新型 创新能力: ≥5→20, 3–5→15, 2–3→10, 1–2→5, <1→0.
    for (x, want) in [
        ("0.99", 0),
        ("1", 5),
        ("1.99", 5),
        ("2", 10),
        ("2.99", 10),
        ("3", 15),
        ("4.99", 15),
        ("5", 20),
        ("30", 20),
    ] {
        let p = with_2024_ratio(|f, v| f.rd_expense = Some(v), x);
        assert_eq!(
            pts(&innov(&p), "innov.score.rd_ratio"),
            (want, want),
            "R&D {x} %"
        );
    }
}

#[test]
fn srdi2022_a1_growth_bands() {
    // §3.1 创新型 成长性: ≥15→20, 10–15→15, 5–10→10, 0–5→5, <0→0.
    for (g, want) in [
        ("-0.01", 0),
        ("0", 5),
        ("4.99", 5),
        ("5", 10),
        ("9.99", 10),
        ("10", 15),
        ("14.99", 15),
        ("15", 20),
    ] {
        let mut p = base();
        p.years.get_mut(&2023).expect("fixture").main_revenue = Some(d("100"));
        y24(&mut p).main_revenue = Some(d("100") + d(g));
        assert_eq!(
            pts(&innov(&p), "innov.score.growth"),
            (want, want),
            "growth {g} %"
        );
    }
}

fn with_debt(x: &str) -> Profile {
    let mut p = base();
    let f = y24(&mut p);
    f.total_assets = Some(d("10000"));
    f.net_assets = Some(d("10000") - d(x) * d("100"));
    p
}

#[test]
fn srdi2022_a1_debt_bands_boundary_goes_up() {
    // §3.1 创新型 成长性: ≤55→10, 55–75→5, >75→0; boundary values in the higher band.
    for (x, want) in [
        ("0", 10),
        ("55", 10),
        ("55.01", 5),
        ("75", 5),
        ("75.01", 0),
        ("120", 0),
    ] {
        assert_eq!(
            pts(&innov(&with_debt(x)), "innov.score.debt"),
            (want, want),
            "debt {x} %"
        );
    }
}

#[test]
fn srdi2022_a1_main_share_bands() {
    // §3.1 创新型 专业化: ≥70→20, 60–70→15, 55–60→10, 50–55→5, <50→0.
    for (x, want) in [
        ("49.99", 0),
        ("50", 5),
        ("54.99", 5),
        ("55", 10),
        ("59.99", 10),
        ("60", 15),
        ("69.99", 15),
        ("70", 20),
        ("100", 20),
    ] {
        let p = with_2024_ratio(|f, v| f.main_revenue = Some(v), x);
        assert_eq!(
            pts(&innov(&p), "innov.score.main_share"),
            (want, want),
            "share {x} %"
        );
    }
}

#[test]
fn srdi2022_a1_field_points() {
    // §3.1 创新型 专业化 主导产品所属领域: 战略性新兴 → 10, other → 5, unknown → 5–10.
    for (v, want) in [
        (Some(true), (10, 10)),
        (Some(false), (5, 5)),
        (None, (5, 10)),
    ] {
        let mut p = base();
        p.market.strategic_emerging = v;
        assert_eq!(pts(&innov(&p), "innov.score.field"), want);
    }
}

#[test]
fn srdi2022_a1_ip_grades() {
    // §3.1 创新型 创新能力 IP: 高价值 20, 自主研发Ⅰ类 15, Ⅰ类 10, Ⅱ类 5, none 0.
    let mut hv = ip(IpType::InventionPatent, day(2020, 1, 1));
    hv.high_value = true;
    let mut bought = ip(IpType::InventionPatent, day(2020, 1, 1));
    bought.acquisition = Acquisition::Transfer;
    bought.acquired_on = Some(day(2022, 1, 1));
    for (items, want) in [
        (vec![hv], 20),
        (vec![ip(IpType::InventionPatent, day(2020, 1, 1))], 15),
        (vec![bought], 10),
        (vec![ip(IpType::Software, day(2025, 6, 1))], 5),
        (vec![], 0),
    ] {
        let mut p = base();
        p.ip = items;
        assert_eq!(pts(&innov(&p), "innov.score.ip"), (want, want));
    }
}

#[test]
fn srdi2022_a1_ip_transferred_less_than_one_year_does_not_count() {
    // §3.1 创新型: IP transferred in less than 1 year ago does not count.
    for (acq, want) in [(day(2024, 6, 30), 10), (day(2024, 7, 1), 0)] {
        let mut item = ip(IpType::InventionPatent, day(2020, 1, 1));
        item.acquisition = Acquisition::Transfer;
        item.acquired_on = Some(acq);
        let mut p = base();
        p.ip = vec![item];
        let r = innov(&p);
        assert_eq!(pts(&r, "innov.score.ip"), (want, want), "acquired {acq}");
        if want == 0 {
            let basis = &r
                .items
                .iter()
                .find(|i| i.id == "innov.score.ip")
                .expect("fixture")
                .basis;
            assert!(basis.contains("受让未满1年"), "{basis}");
        }
    }
}

#[test]
fn srdi2022_a1_class_ii_needs_more_than_two_years_maintenance() {
    // §3.1: utility model / design count as Ⅱ类 only when maintained > 2 years after grant.
    for (t, granted, want) in [
        (IpType::UtilityModel, day(2023, 6, 30), 0),
        (IpType::UtilityModel, day(2023, 6, 29), 5),
        (IpType::Design, day(2023, 6, 30), 0),
        (IpType::Design, day(2023, 6, 29), 5),
        (IpType::Software, day(2025, 6, 30), 5),
    ] {
        let mut p = base();
        p.ip = vec![ip(t, granted)];
        assert_eq!(
            pts(&innov(&p), "innov.score.ip"),
            (want, want),
            "{t:?} granted {granted}"
        );
    }
}

/// A firm with no direct condition scoring exactly: IP 0, R&D 1 % (5) = 创新能力 5;
/// growth ≥ 15 % (20) + debt ≤ 55 % (10) = 30; field 10 + share 20 = 30; total 65.
fn sub_minimum_firm() -> Profile {
    let mut p = base();
    p.ip.clear();
    y24(&mut p).rd_expense = Some(d("100"));
    p
}

#[test]
fn srdi2022_a1_sub_minimum_fails_despite_total_over_60() {
    // §3.1 创新型: ≥ 60 AND 创新能力 ≥ 20, 成长性 ≥ 15, 专业化 ≥ 15.
    let r = innov(&sub_minimum_firm());
    assert_eq!(r.score.expect("fixture").min, 65);
    assert_eq!(cond(&r, "innov.min_innovation").met, Met::No);
    assert_eq!(
        cond(&r, "innov.min_innovation")
            .gap
            .as_ref()
            .expect("fixture")
            .amount,
        d("15")
    );
    assert_eq!(r.status, Status::NotEligible);
}

#[test]
fn srdi2022_a1_sub_minimums_at_their_boundaries_pass() {
    // 创新能力 exactly 20 (IP 15 + R&D 1 % → 5), 成长性 exactly 15 (growth 10 % → 15, debt > 75 % → 0),
    // 专业化 exactly 15 (field other 5, share 55 % → 10): total 50 < 60 fails; raise nothing else.
    let mut p = base();
    let f = y24(&mut p);
    f.rd_expense = Some(d("100"));
    f.main_revenue = Some(d("5500"));
    f.net_assets = Some(d("2000"));
    p.years.get_mut(&2023).expect("fixture").main_revenue = Some(d("5000"));
    p.market.strategic_emerging = Some(false);
    let r = innov(&p);
    for id in [
        "innov.min_innovation",
        "innov.min_growth",
        "innov.min_special",
    ] {
        assert_eq!(cond(&r, id).met, Met::Yes, "{id}");
    }
    assert_eq!(r.score.expect("fixture").min, 50);
    assert_eq!(r.status, Status::NotEligible);
    assert_eq!(
        cond(&r, "innov.route").gap.as_ref().expect("fixture").unit,
        GapUnit::Point
    );
    // The full base firm passes everything on the score route.
    let r = innov(&base());
    assert_eq!(r.status, Status::Eligible);
    assert!(r.route.is_none());
}

#[test]
fn srdi2022_a1_direct_conditions_each_suffice() {
    // §3.1 创新型 直接条件 #1–#4, any one.
    let weak = || {
        let mut p = sub_minimum_firm();
        p.institutions.clear();
        p
    };
    assert_eq!(innov(&weak()).status, Status::NotEligible);
    let mut cases: Vec<(Profile, bool)> = Vec::new();
    let mut p = weak();
    p.awards.push(Award {
        level: AwardLevel::Provincial,
        year: 2022,
        rank: 9,
        name: None,
    });
    cases.push((p, true));
    let mut p = weak();
    p.awards.push(Award {
        level: AwardLevel::Provincial,
        year: 2021,
        rank: 1,
        name: None,
    });
    cases.push((p, false));
    let mut p = weak();
    p.qualifications.push(HeldQualification {
        kind: QualificationKind::HighTech,
        recognized_on: day(2023, 1, 1),
        valid_until: Some(day(2025, 12, 31)),
    });
    cases.push((p, true));
    let mut p = weak();
    p.market.other_titles = true;
    cases.push((p, true));
    let mut p = weak();
    p.institutions.push(Institution {
        level: InstitutionLevelInput::Provincial,
        kind: None,
        joint: false,
    });
    cases.push((p, true));
    let mut p = weak();
    p.financing.push(EquityRound {
        date: day(2022, 6, 30),
        amount: d("500"),
        qualified_investor: true,
    });
    cases.push((p, true));
    let mut p = weak();
    p.financing.push(EquityRound {
        date: day(2022, 6, 29),
        amount: d("500"),
        qualified_investor: true,
    });
    cases.push((p, false));
    let mut p = weak();
    p.financing.push(EquityRound {
        date: day(2024, 1, 1),
        amount: d("499.99"),
        qualified_investor: true,
    });
    cases.push((p, false));
    let mut p = weak();
    p.financing.push(EquityRound {
        date: day(2024, 1, 1),
        amount: d("900"),
        qualified_investor: false,
    });
    cases.push((p, false));
    for (i, (p, ok)) in cases.iter().enumerate() {
        let r = innov(p);
        assert_eq!(r.status == Status::Eligible, *ok, "case {i}: {:?}", r.route);
        assert_eq!(r.route.is_some(), *ok, "case {i}");
        assert_eq!(r.score.is_none(), *ok, "case {i}");
    }
}

#[test]
fn srdi2022_a1_missing_growth_year_is_a_range_not_a_pass() {
    let mut p = sub_minimum_firm();
    p.years.get_mut(&2023).expect("fixture").main_revenue = None;
    let r = innov(&p);
    assert_eq!(pts(&r, "innov.score.growth"), (0, 20));
    let basis = &r
        .items
        .iter()
        .find(|i| i.id == "innov.score.growth")
        .expect("fixture")
        .basis;
    assert!(basis.contains("缺少2023年度主营业务收入数据"), "{basis}");
}

// ---------- 专精特新 (附件2) ----------

#[test]
fn srdi2022_a2_main_share_bands() {
    // §3.1 附件2 专业化: ≥80→5, 70–80→3, 60–70→1, <60→0.
    for (x, want) in [
        ("59.99", 0),
        ("60", 1),
        ("69.99", 1),
        ("70", 3),
        ("79.99", 3),
        ("80", 5),
    ] {
        let p = with_2024_ratio(|f, v| f.main_revenue = Some(v), x);
        assert_eq!(
            pts(&a2(&p), "srdi22.score.main_share"),
            (want, want),
            "{x} %"
        );
    }
}

#[test]
fn srdi2022_a2_average_growth_bands() {
    // §3.1 附件2 专业化 近2年主营业务收入平均增长率: ≥10→10, 8–10→8, 6–8→6, 4–6→4, 0–4→2, <0→0.
    for (g, want) in [
        ("-0.01", 0),
        ("0", 2),
        ("3.99", 2),
        ("4", 4),
        ("5.99", 4),
        ("6", 6),
        ("7.99", 6),
        ("8", 8),
        ("9.99", 8),
        ("10", 10),
    ] {
        let k = Decimal::ONE + d(g) / d("100");
        let mut p = base();
        p.years.get_mut(&2022).expect("fixture").main_revenue = Some(d("10000"));
        p.years.get_mut(&2023).expect("fixture").main_revenue = Some(d("10000") * k);
        y24(&mut p).main_revenue = Some(d("10000") * k * k);
        y24(&mut p).operating_revenue = Some(d("20000"));
        assert_eq!(pts(&a2(&p), "srdi22.score.growth"), (want, want), "{g} %");
    }
}

#[test]
fn srdi2022_a2_niche_years_formula() {
    // §3.1 附件2: min(floor(years / 2), 5).
    for (years, want) in [
        (0, 0),
        (1, 0),
        (2, 1),
        (3, 1),
        (4, 2),
        (9, 4),
        (10, 5),
        (11, 5),
        (20, 5),
    ] {
        let mut p = base();
        p.market.niche_since = Some(2025 - years);
        assert_eq!(
            pts(&a2(&p), "srdi22.score.niche_years"),
            (want, want),
            "{years} years"
        );
    }
    let mut p = base();
    p.market.niche_since = None;
    assert_eq!(pts(&a2(&p), "srdi22.score.niche_years"), (0, 5));
}

#[test]
fn srdi2022_a2_field_and_digital_points() {
    // §3.1 附件2 主导产品所属领域 5/3/0; 数字化水平 ≥3→5, 2→3, 1→0.
    for (f, want) in [
        (Some(ProductField::ChainKeyLink), (5, 5)),
        (Some(ProductField::Foundation), (3, 3)),
        (Some(ProductField::Other), (0, 0)),
        (None, (0, 5)),
    ] {
        let mut p = base();
        p.market.product_field = f;
        assert_eq!(pts(&a2(&p), "srdi22.score.field"), want);
    }
    for (l, want) in [
        (Some(1), (0, 0)),
        (Some(2), (3, 3)),
        (Some(3), (5, 5)),
        (Some(4), (5, 5)),
        (None, (0, 5)),
    ] {
        let mut p = base();
        p.management.digital_level = l;
        assert_eq!(pts(&a2(&p), "srdi22.score.digital"), want);
    }
}

#[test]
fn srdi2022_a2_quality_three_points_each_capped_at_five() {
    // §3.1 附件2 质量管理水平: 3 points per item, max 5.
    let set = |a, c, b, std: bool| {
        let mut p = base();
        p.management.quality_award = a;
        p.management.quality_certification = c;
        p.management.own_brand = b;
        if std {
            p.standards.push(StandardDrafted {
                level: StandardLevel::Group,
                year: 2023,
                rank: 3,
            });
        }
        pts(&a2(&p), "srdi22.score.quality")
    };
    assert_eq!(set(Some(false), Some(false), Some(false), false), (0, 0));
    assert_eq!(set(Some(false), Some(false), Some(false), true), (3, 3));
    assert_eq!(set(Some(true), Some(false), Some(false), false), (3, 3));
    assert_eq!(set(Some(true), Some(true), Some(false), false), (5, 5));
    assert_eq!(set(Some(true), Some(true), Some(true), true), (5, 5));
    assert_eq!(set(None, Some(false), Some(false), false), (0, 3));
    assert_eq!(set(None, None, Some(false), false), (0, 5));
}

#[test]
fn srdi2022_a2_net_margin_bands() {
    // §3.1 附件2 精细化 上年度净利润率: ≥10→10, 8–10→8, 6–8→6, 4–6→4, 2–4→2, <2→0.
    for (x, want) in [
        ("1.99", 0),
        ("2", 2),
        ("3.99", 2),
        ("4", 4),
        ("5.99", 4),
        ("6", 6),
        ("7.99", 6),
        ("8", 8),
        ("9.99", 8),
        ("10", 10),
    ] {
        let p = with_2024_ratio(|f, v| f.net_profit = Some(v), x);
        assert_eq!(
            pts(&a2(&p), "srdi22.score.net_margin"),
            (want, want),
            "{x} %"
        );
    }
}

#[test]
fn srdi2022_a2_debt_bands() {
    // §3.1 附件2 精细化 上年度资产负债率: <50→5, 50–60→3, 60–70→1, >70→0.
    for (x, want) in [
        ("49.99", 5),
        ("50", 3),
        ("59.99", 3),
        ("60", 1),
        ("70", 1),
        ("70.01", 0),
    ] {
        assert_eq!(
            pts(&a2(&with_debt(x)), "srdi22.score.debt"),
            (want, want),
            "{x} %"
        );
    }
}

#[test]
fn srdi2022_a2_local_points_pluggable() {
    // §3.1 附件2 特色化: province-set; absent → 0–15 and a review reason when it matters.
    let mut p = base();
    p.srdi_local_points = Some(12);
    assert_eq!(pts(&a2(&p), "srdi22.score.local"), (12, 12));
    p.srdi_local_points = None;
    let r = a2(&p);
    assert_eq!(pts(&r, "srdi22.score.local"), (0, 15));
    // The base firm passes even with 0 local points: a warning, no review.
    assert!(r.score.expect("fixture").min >= 60);
    assert_eq!(r.status, Status::Eligible);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("特色化指标由省级主管部门设定"))
    );
    // A weaker firm whose pass depends on the local points goes to review.
    let mut p = base();
    p.srdi_local_points = None;
    p.management.digital_level = Some(1);
    p.management.quality_award = Some(false);
    p.management.quality_certification = Some(false);
    p.management.own_brand = Some(false);
    y24(&mut p).net_profit = Some(d("0"));
    let r = a2(&p);
    let s = r.score.expect("fixture");
    assert!(s.min < 60 && s.max >= 60, "{s:?}");
    assert!(
        r.review_reasons
            .iter()
            .any(|w| w == "特色化指标由省级主管部门设定")
    );
    assert_eq!(r.status, Status::ManualReview);
}

#[test]
fn srdi2022_a2_ip_grades() {
    // §3.1 附件2 创新能力 IP: 高价值 10, 自主研发Ⅰ类 8, Ⅰ类 6, Ⅱ类 2, none 0.
    let mut hv = ip(IpType::InventionPatent, day(2020, 1, 1));
    hv.high_value = true;
    let mut bought = ip(IpType::IcLayout, day(2020, 1, 1));
    bought.acquisition = Acquisition::Merger;
    bought.acquired_on = Some(day(2023, 1, 1));
    for (items, want) in [
        (vec![hv], 10),
        (vec![ip(IpType::PlantVariety, day(2020, 1, 1))], 8),
        (vec![bought], 6),
        (vec![ip(IpType::UtilityModel, day(2020, 1, 1))], 2),
        (vec![], 0),
    ] {
        let mut p = base();
        p.ip = items;
        assert_eq!(pts(&a2(&p), "srdi22.score.ip"), (want, want));
    }
}

#[test]
fn srdi2022_a2_rd_amount_or_ratio_better_band() {
    // §3.1 附件2 上年度研发费用投入: amount bands 500/400/300/200/100万 or ratio bands
    // 10/8/6/4/3 %; the better band counts.
    for (rd, rev, want) in [
        ("99.99", "100000", 0),
        ("100", "100000", 2),
        ("199.99", "100000", 2),
        ("200", "100000", 4),
        ("300", "100000", 6),
        ("400", "100000", 8),
        ("499.99", "100000", 8),
        ("500", "100000", 10),
        ("29.99", "1000", 0),
        ("30", "1000", 2),
        ("40", "1000", 4),
        ("60", "1000", 6),
        ("80", "1000", 8),
        ("99.99", "1000", 8),
        ("100", "1000", 10),
        ("450", "4500", 10),
        ("450", "9000", 8),
        ("250", "2500", 10),
    ] {
        let mut p = base();
        let f = y24(&mut p);
        f.rd_expense = Some(d(rd));
        f.operating_revenue = Some(d(rev));
        f.main_revenue = Some(d(rev));
        assert_eq!(
            pts(&a2(&p), "srdi22.score.rd"),
            (want, want),
            "{rd}万 / {rev}万"
        );
    }
}

#[test]
fn srdi2022_a2_rd_staff_and_institution() {
    // §3.1 附件2: 研发人员占比 ≥20→5, 10–20→3, 5–10→1, <5→0; 研发机构 10/8/4/2/0.
    for (x, want) in [
        ("4.99", 0),
        ("5", 1),
        ("9.99", 1),
        ("10", 3),
        ("19.99", 3),
        ("20", 5),
    ] {
        let mut p = base();
        y24(&mut p).staff = Some(d("100"));
        y24(&mut p).rd_staff = Some(d(x));
        assert_eq!(pts(&a2(&p), "srdi22.score.rd_staff"), (want, want), "{x} %");
    }
    for (l, want) in [
        (Some(InstitutionLevelInput::National), 10),
        (Some(InstitutionLevelInput::Provincial), 8),
        (Some(InstitutionLevelInput::Municipal), 4),
        (Some(InstitutionLevelInput::BelowMunicipal), 2),
        (None, 0),
    ] {
        let mut p = base();
        p.institutions = l
            .into_iter()
            .map(|level| Institution {
                level,
                kind: None,
                joint: true,
            })
            .collect();
        assert_eq!(pts(&a2(&p), "srdi22.score.institution"), (want, want));
    }
}

#[test]
fn srdi2022_a2_preconditions_and_gaps() {
    // §3.1 附件2 #1 niche ≥ 2 years.
    let mut p = base();
    p.market.niche_since = Some(2024);
    let c = cond(&a2(&p), "srdi22.niche").clone();
    assert_eq!(
        (c.met, c.gap.expect("fixture").text),
        (Met::No, "还需 1 年".to_string())
    );
    p.market.niche_since = Some(2023);
    assert_eq!(cond(&a2(&p), "srdi22.niche").met, Met::Yes);
    // #2 R&D ≥ 100万 and ≥ 3 %.
    let mut p = base();
    y24(&mut p).rd_expense = Some(d("99.99"));
    y24(&mut p).operating_revenue = Some(d("1000"));
    let c = cond(&a2(&p), "srdi22.rd").clone();
    assert_eq!(c.met, Met::No);
    assert_eq!(c.gap.as_ref().expect("fixture").text, "还需研发投入 ¥100");
    y24(&mut p).rd_expense = Some(d("100"));
    y24(&mut p).operating_revenue = Some(d("3400"));
    let c = cond(&a2(&p), "srdi22.rd").clone();
    assert_eq!(c.gap.as_ref().expect("fixture").amount, d("20000"));
    y24(&mut p).operating_revenue = Some(d("3333.33"));
    assert_eq!(cond(&a2(&p), "srdi22.rd").met, Met::Yes);
    y24(&mut p).rd_expense = None;
    let c = cond(&a2(&p), "srdi22.rd").clone();
    assert_eq!(c.met, Met::Unknown);
    assert_eq!(c.note.as_deref(), Some("缺少2024年度研发费用数据"));
    // #3 revenue ≥ 1,000万, or equity ≥ 2,000万 in 2 years.
    let mut p = base();
    y24(&mut p).operating_revenue = Some(d("999.99"));
    y24(&mut p).main_revenue = Some(d("900"));
    y24(&mut p).rd_expense = Some(d("100"));
    let c = cond(&a2(&p), "srdi22.revenue").clone();
    assert_eq!(
        (c.met, c.gap.expect("fixture").text),
        (Met::No, "还需营业收入 ¥100".to_string())
    );
    p.financing.push(EquityRound {
        date: day(2023, 7, 1),
        amount: d("2000"),
        qualified_investor: true,
    });
    assert_eq!(cond(&a2(&p), "srdi22.revenue").met, Met::Yes);
    y24(&mut p).operating_revenue = Some(d("1000"));
    p.financing.clear();
    assert_eq!(cond(&a2(&p), "srdi22.revenue").met, Met::Yes);
}

#[test]
fn srdi2022_a2_direct_conditions_replace_the_score() {
    // §3.1 附件2 #4 direct conditions.
    let weak = || {
        let mut p = base();
        p.srdi_local_points = Some(0);
        p.ip.clear();
        p.institutions.clear();
        p.management.digital_level = Some(1);
        p.market.product_field = Some(ProductField::Other);
        p
    };
    let r = a2(&weak());
    assert!(r.score.expect("fixture").max < 60, "{:?}", r.score);
    assert_eq!(r.status, Status::NotEligible);
    let award = |level, rank| Award {
        level,
        year: 2023,
        rank,
        name: None,
    };
    for (f, ok) in [
        (
            Box::new(|p: &mut Profile| p.awards.push(award(AwardLevel::Provincial, 3)))
                as Box<dyn Fn(&mut Profile)>,
            true,
        ),
        (
            Box::new(|p: &mut Profile| p.awards.push(award(AwardLevel::Provincial, 4))),
            false,
        ),
        (
            Box::new(|p: &mut Profile| p.awards.push(award(AwardLevel::National, 5))),
            true,
        ),
        (
            Box::new(|p: &mut Profile| p.awards.push(award(AwardLevel::National, 6))),
            false,
        ),
        (
            Box::new(|p: &mut Profile| {
                p.years.get_mut(&2023).expect("fixture").rd_expense = Some(d("1000"));
                y24(p).rd_expense = Some(d("1000"));
            }),
            true,
        ),
        (
            Box::new(|p: &mut Profile| {
                p.years.get_mut(&2023).expect("fixture").rd_expense = Some(d("999.99"));
                y24(p).rd_expense = Some(d("1000"));
            }),
            false,
        ),
        (
            Box::new(|p: &mut Profile| {
                p.financing.push(EquityRound {
                    date: day(2024, 1, 1),
                    amount: d("6000"),
                    qualified_investor: true,
                })
            }),
            true,
        ),
        (
            Box::new(|p: &mut Profile| {
                p.market.makers_china_rank = Some(500);
                p.market.makers_china_year = Some(2023);
            }),
            true,
        ),
        (
            Box::new(|p: &mut Profile| {
                p.market.makers_china_rank = Some(501);
                p.market.makers_china_year = Some(2023);
            }),
            false,
        ),
    ] {
        let mut p = weak();
        f(&mut p);
        let r = a2(&p);
        assert_eq!(
            r.status == Status::Eligible,
            ok,
            "{:?} {:?}",
            r.route,
            r.conditions
        );
        assert_eq!(r.route.is_some(), ok);
    }
}

// ---------- 小巨人 2022 ----------

#[test]
fn srdi2022_lg_full_firm_is_eligible_and_each_aspect_can_fail() {
    // §3.1 小巨人: 专 精 特 新 链 品.
    let r = lg(&base());
    assert_eq!(r.status, Status::Eligible, "{:#?}", r.conditions);
    let checks: Vec<(&str, Edit)> = vec![
        (
            "lg22.niche",
            Box::new(|p| p.market.niche_since = Some(2023)),
        ),
        (
            "lg22.main_share",
            Box::new(|p| y24(p).main_revenue = Some(d("6999.99"))),
        ),
        (
            "lg22.debt",
            Box::new(|p| y24(p).net_assets = Some(d("2999"))),
        ),
        (
            "lg22.share",
            Box::new(|p| p.market.niche_share_pct = Some(d("9.99"))),
        ),
        (
            "lg22.brand",
            Box::new(|p| p.management.own_brand = Some(false)),
        ),
        ("lg22.new_institution", Box::new(|p| p.institutions.clear())),
        (
            "lg22.new_ip",
            Box::new(|p| {
                p.ip.pop();
            }),
        ),
        (
            "lg22.chain",
            Box::new(|p| p.market.product_field = Some(ProductField::Foundation)),
        ),
        (
            "lg22.key_area",
            Box::new(|p| p.market.key_area_product = Some(false)),
        ),
    ];
    for (id, f) in checks {
        let mut p = base();
        f(&mut p);
        let r = lg(&p);
        assert_eq!(cond(&r, id).met, Met::No, "{id}");
        assert_eq!(r.status, Status::NotEligible, "{id}");
    }
    // 70 % and 70 % debt exactly pass.
    let mut p = base();
    y24(&mut p).main_revenue = Some(d("7000"));
    y24(&mut p).net_assets = Some(d("3000"));
    let r = lg(&p);
    assert_eq!(
        (cond(&r, "lg22.main_share").met, cond(&r, "lg22.debt").met),
        (Met::Yes, Met::Yes)
    );
}

#[test]
fn srdi2022_lg_new_rd_by_revenue_band() {
    // §3.1 小巨人 新 #1: ≥ 1亿 → 3 % each year; 5000万–1亿 → 6 %; < 5000万 → equity path.
    let mut p = base(); // revenue 10,000万: 2023 450/9000 = 5 %, 2024 600/10000 = 6 %.
    p.years.get_mut(&2023).expect("fixture").rd_expense = Some(d("269.99"));
    let c = cond(&lg(&p), "lg22.new_rd").clone();
    assert_eq!((c.met, c.gap.expect("fixture").amount), (Met::No, d("100")));
    p.years.get_mut(&2023).expect("fixture").rd_expense = Some(d("270"));
    assert_eq!(cond(&lg(&p), "lg22.new_rd").met, Met::Yes);
    // 9,999.99万: 6 % of the 2-year total (9000 + 9999.99) = 1139.9994.
    let mut p = base();
    y24(&mut p).operating_revenue = Some(d("9999.99"));
    y24(&mut p).main_revenue = Some(d("9000"));
    y24(&mut p).rd_expense = Some(d("689.9994"));
    assert_eq!(cond(&lg(&p), "lg22.new_rd").met, Met::Yes);
    y24(&mut p).rd_expense = Some(d("689.9993"));
    assert_eq!(cond(&lg(&p), "lg22.new_rd").met, Met::No);
    // < 5,000万: equity ≥ 8,000万, R&D ≥ 3,000万 over 2 years, R&D staff ≥ 50 %.
    let mut p = base();
    y24(&mut p).operating_revenue = Some(d("4999.99"));
    y24(&mut p).main_revenue = Some(d("4500"));
    y24(&mut p).rd_expense = Some(d("2550"));
    y24(&mut p).rd_staff = Some(d("50"));
    p.financing.push(EquityRound {
        date: day(2024, 3, 1),
        amount: d("8000"),
        qualified_investor: true,
    });
    assert_eq!(cond(&lg(&p), "lg22.new_rd").met, Met::Yes);
    y24(&mut p).rd_staff = Some(d("49.99"));
    assert_eq!(cond(&lg(&p), "lg22.new_rd").met, Met::No);
}

#[test]
fn srdi2022_lg_new_direct_path() {
    // §3.1 小巨人 新 direct: national award top 3 within 3 years, or 创客中国 top 50.
    let mut p = base();
    p.institutions.clear();
    p.ip.clear();
    assert_eq!(lg(&p).status, Status::NotEligible);
    p.awards.push(Award {
        level: AwardLevel::National,
        year: 2022,
        rank: 3,
        name: None,
    });
    let r = lg(&p);
    assert_eq!(r.status, Status::Eligible, "{:#?}", r.conditions);
    assert!(r.route.is_some());
    p.awards[0].rank = 4;
    assert_eq!(lg(&p).status, Status::NotEligible);
    p.market.makers_china_rank = Some(50);
    p.market.makers_china_year = Some(2024);
    assert_eq!(lg(&p).status, Status::Eligible);
}

#[test]
fn srdi2022_evaluate_returns_three_tiers_of_the_pack() {
    let rs = srdi_2022::evaluate(&base(), &ctx());
    let tiers: Vec<_> = rs.iter().map(|r| (r.tier, r.pack)).collect();
    assert_eq!(
        tiers,
        vec![
            (QualificationKind::InnovativeSme, PackId::Srdi2022),
            (QualificationKind::Srdi, PackId::Srdi2022),
            (QualificationKind::LittleGiant, PackId::Srdi2022),
        ]
    );
    assert!(rs.iter().all(|r| r.status == Status::Eligible));
}

// ---------- Worked example (docs/ladder/SRDI-2022-63.md) ----------

#[test]
fn srdi2022_worked_example_matches_the_doc() {
    let p: Profile = serde_json::from_str(include_str!(
        "../../../examples/ladder/srdi-2022-63-example.json"
    ))
    .expect("fixture");
    p.validate().expect("fixture");
    let ctx = Context::on(day(2025, 6, 30));
    let rs = kechuang_core::ladder::evaluate_pack(PackId::Srdi2022, &p, &ctx).expect("fixture");
    let (inn, sr, lgr) = (&rs[0], &rs[1], &rs[2]);

    // 创新型: 15 + 20 + 20 + 10 + 10 + 20 = 95.
    for (id, v) in [
        ("innov.score.ip", 15),
        ("innov.score.rd_ratio", 20),
        ("innov.score.growth", 20),
        ("innov.score.debt", 10),
        ("innov.score.field", 10),
        ("innov.score.main_share", 20),
    ] {
        assert_eq!(pts(inn, id), (v, v), "{id}");
    }
    assert_eq!(inn.score.expect("fixture").min, 95);
    assert_eq!(inn.status, Status::Eligible);

    // 专精特新: 专业化 5+10+3+3, 精细化 3+5+8+5, 特色化 0–15, 创新能力 8+6+5+4 = 65–80.
    for (id, v) in [
        ("srdi22.score.main_share", (5, 5)),
        ("srdi22.score.growth", (10, 10)),
        ("srdi22.score.niche_years", (3, 3)),
        ("srdi22.score.field", (3, 3)),
        ("srdi22.score.digital", (3, 3)),
        ("srdi22.score.quality", (5, 5)),
        ("srdi22.score.net_margin", (8, 8)),
        ("srdi22.score.debt", (5, 5)),
        ("srdi22.score.local", (0, 15)),
        ("srdi22.score.ip", (8, 8)),
        ("srdi22.score.rd", (6, 6)),
        ("srdi22.score.rd_staff", (5, 5)),
        ("srdi22.score.institution", (4, 4)),
    ] {
        assert_eq!(pts(sr, id), v, "{id}");
    }
    let s = sr.score.expect("fixture");
    assert_eq!((s.min, s.max), (65, 80));
    for id in [
        "srdi22.niche",
        "srdi22.rd",
        "srdi22.revenue",
        "srdi22.route",
    ] {
        assert_eq!(cond(sr, id).met, Met::Yes, "{id}");
    }
    assert_eq!(sr.status, Status::Eligible);

    // 小巨人: fails on 特 (6.5 % share), 新 #1 (revenue < 5000万 without 8000万 equity) and 链.
    let failed: Vec<&str> = lgr.gaps().map(|c| c.id.as_str()).collect();
    assert_eq!(failed, vec!["lg22.share", "lg22.new_rd", "lg22.chain"]);
    assert_eq!(
        cond(lgr, "lg22.share").gap.as_ref().expect("fixture").text,
        "还需提高 3.5 个百分点"
    );
    assert_eq!(lgr.status, Status::NotEligible);
}

// ---------- Properties ----------

/// A change to a profile.
type Edit = Box<dyn Fn(&mut Profile)>;

fn rank(s: Status) -> u8 {
    match s {
        Status::NotEligible => 0,
        Status::ManualReview => 1,
        Status::Eligible => 2,
    }
}

fn arb_firm() -> impl Strategy<Value = Profile> {
    (
        (100u32..20_000, 0u32..2_000, 50u32..100, 0u32..90),
        (1u32..10_000, 0u32..3_000, 0u32..3, 2010i32..2025),
        (
            proptest::option::of(0u32..=15),
            proptest::option::of(1u32..5),
            any::<bool>(),
        ),
    )
        .prop_map(
            |((rev, rd, main_pct, debt), (prev, profit, inventions, since), (local, dig, se))| {
                let mut p = base();
                let f = y24(&mut p);
                f.operating_revenue = Some(Decimal::from(rev));
                f.main_revenue = Some(Decimal::from(rev * main_pct / 100));
                f.rd_expense = Some(Decimal::from(rd));
                f.net_profit = Some(Decimal::from(profit));
                f.net_assets = Some(d("10000") - Decimal::from(debt * 100));
                p.years.get_mut(&2023).expect("fixture").main_revenue = Some(Decimal::from(prev));
                p.ip.truncate(inventions as usize);
                p.market.niche_since = Some(since);
                p.srdi_local_points = local;
                p.management.digital_level = dig;
                p.market.strategic_emerging = Some(se);
                p
            },
        )
}

proptest! {
    #[test]
    fn more_rd_never_lowers_a_score_or_an_eligibility(p in arb_firm(), extra in 1u32..5_000) {
        let mut q = p.clone();
        let f = y24(&mut q);
        f.rd_expense = Some(f.rd_expense.expect("fixture") + Decimal::from(extra));
        for (a, b) in srdi_2022::evaluate(&p, &ctx()).iter().zip(srdi_2022::evaluate(&q, &ctx()).iter()) {
            if let (Some(x), Some(y)) = (a.score, b.score) {
                prop_assert!(y.min >= x.min && y.max >= x.max, "{:?} {:?} -> {:?}", a.tier, x, y);
            }
            prop_assert!(rank(b.status) >= rank(a.status), "{:?}: {:?} -> {:?}", a.tier, a.status, b.status);
        }
    }

    #[test]
    fn more_ip_never_lowers_a_score_or_an_eligibility(p in arb_firm(), hv in any::<bool>(), t in 0usize..3) {
        let mut q = p.clone();
        let mut item = ip([IpType::InventionPatent, IpType::Software, IpType::UtilityModel][t], day(2019, 1, 1));
        item.high_value = hv && t == 0;
        q.ip.push(item);
        for (a, b) in srdi_2022::evaluate(&p, &ctx()).iter().zip(srdi_2022::evaluate(&q, &ctx()).iter()) {
            if let (Some(x), Some(y)) = (a.score, b.score) {
                prop_assert!(y.min >= x.min && y.max >= x.max);
            }
            prop_assert!(rank(b.status) >= rank(a.status), "{:?}: {:?} -> {:?}", a.tier, a.status, b.status);
        }
    }

    #[test]
    fn a_firm_meeting_every_condition_is_eligible(
        rev in 10_000u32..50_000, rd_pct in 3u32..15, main_pct in 80u32..=100, debt in 0u32..=50,
        margin in 10u32..30, since in 2000i32..=2019, share in 10u32..60, extra_ip in 0usize..3,
    ) {
        let mut p = base();
        for y in [2023, 2024] {
            let f = p.years.get_mut(&y).expect("fixture");
            f.operating_revenue = Some(Decimal::from(rev));
            f.rd_expense = Some(Decimal::from(rev) * Decimal::from(rd_pct) / d("100"));
        }
        p.years.get_mut(&2022).expect("fixture").main_revenue = Some((Decimal::from(rev) * Decimal::from(main_pct) / d("100")) * d("0.8"));
        p.years.get_mut(&2023).expect("fixture").main_revenue = Some((Decimal::from(rev) * Decimal::from(main_pct) / d("100")) * d("0.9"));
        let f = y24(&mut p);
        f.main_revenue = Some(Decimal::from(rev) * Decimal::from(main_pct) / d("100"));
        f.net_assets = Some(d("10000") - Decimal::from(debt * 100));
        f.net_profit = Some(Decimal::from(rev) * Decimal::from(margin) / d("100"));
        p.market.niche_since = Some(since);
        p.market.niche_share_pct = Some(Decimal::from(share));
        for _ in 0..extra_ip {
            p.ip.push(ip(IpType::InventionPatent, day(2018, 5, 5)));
        }
        for r in srdi_2022::evaluate(&p, &ctx()) {
            prop_assert_eq!(r.status, Status::Eligible, "{:?} {:#?}", r.tier, r.conditions);
        }
    }
}
