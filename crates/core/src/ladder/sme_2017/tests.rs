//! Table tests for every band and boundary of `SME-2017` (policy-rules.md §2),
//! the direct-confirmation routes, gap arithmetic, property tests, and the worked
//! example of docs/ladder/SME-2017.md.

use super::*;
use crate::ip::{Acquisition, IpType, LegalStatus};
use crate::ladder::d;
use crate::ladder::outcome::ScoreItem;
use crate::ladder::profile::{
    Award, Compliance, HeldQualification, Institution, IpItem, StandardDrafted,
};
use chrono::NaiveDate;
use proptest::prelude::*;

fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn ctx() -> Context {
    Context::on(day(2026, 6, 1))
}

fn ip(t: IpType) -> IpItem {
    IpItem {
        ip_type: t,
        granted_on: Some(day(2022, 1, 1)),
        status: LegalStatus::Valid,
        acquisition: Acquisition::OwnRnd,
        acquired_on: None,
        used_in_hte: false,
        high_value: false,
        related_to_main_product: true,
        applied: None,
        holder_rank: None,
    }
}

/// Meets §2.1 #1–#4; score: S&T 20/100 = 20 % → 12, R&D 150/3000 = 5 % → 40,
/// 2 Ⅱ类 → 12: 64.
fn firm() -> Profile {
    let mut p = Profile {
        name: "测试企业".to_string(),
        registered_on: Some(day(2020, 1, 1)),
        ..Profile::default()
    };
    p.years.insert(
        2025,
        YearFacts {
            sales_revenue: Some(d("3000")),
            total_cost: Some(d("2800")),
            total_assets: Some(d("4000")),
            staff: Some(d("100")),
            st_staff: Some(d("20")),
            rd_expense: Some(d("150")),
            ..YearFacts::default()
        },
    );
    p.ip = vec![ip(IpType::Software), ip(IpType::UtilityModel)];
    p.compliance = Compliance {
        mainland_resident: Some(true),
        not_restricted_industry: Some(true),
        no_major_incident: Some(true),
        good_standing: Some(true),
        ..Compliance::default()
    };
    p
}

fn eval(p: &Profile) -> TierResult {
    let mut v = evaluate(p, &ctx());
    assert_eq!(v.len(), 1);
    v.remove(0)
}

fn condition<'a>(r: &'a TierResult, id: &str) -> &'a Condition {
    r.conditions
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("condition {id}"))
}

fn score_item<'a>(r: &'a TierResult, id: &str) -> &'a ScoreItem {
    r.items
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("item {id}"))
}

fn year(p: &mut Profile) -> &mut YearFacts {
    p.years.get_mut(&2025).unwrap()
}

#[test]
fn sme_the_reference_firm_is_eligible_with_64_points() {
    let r = eval(&firm());
    assert_eq!(r.tier, QualificationKind::TechSme);
    assert_eq!(r.pack, PackId::Sme2017);
    for c in &r.conditions {
        assert_eq!(c.met, Met::Yes, "{}", c.id);
    }
    assert_eq!(r.conditions.len(), 9);
    assert_eq!(r.score.unwrap().min, 64);
    assert_eq!(r.score.unwrap().max, 64);
    assert_eq!(r.route, None);
    assert_eq!(r.status, Status::Eligible);
}

// §2.2 科技人员: lower bounds inclusive.
#[test]
fn sme_2_2_st_staff_bands() {
    for (pct, pts) in [
        ("0", 0),
        ("9.99", 0),
        ("10", 4),
        ("14.99", 4),
        ("15", 8),
        ("19.99", 8),
        ("20", 12),
        ("24.99", 12),
        ("25", 16),
        ("29.99", 16),
        ("30", 20),
        ("100", 20),
    ] {
        assert_eq!(st_staff_points(d(pct)), pts, "{pct} %");
    }
}

// §2.2 研发投入 (1) over 销售收入.
#[test]
fn sme_2_2_rd_sales_bands() {
    for (pct, pts) in [
        ("1.99", 0),
        ("2", 10),
        ("2.99", 10),
        ("3", 20),
        ("3.99", 20),
        ("4", 30),
        ("4.99", 30),
        ("5", 40),
        ("5.99", 40),
        ("6", 50),
    ] {
        assert_eq!(rd_sales_points(d(pct)), pts, "{pct} %");
    }
}

// §2.2 研发投入 (2) over 成本费用支出总额.
#[test]
fn sme_2_2_rd_cost_bands() {
    for (pct, pts) in [
        ("9.99", 0),
        ("10", 10),
        ("14.99", 10),
        ("15", 20),
        ("19.99", 20),
        ("20", 30),
        ("24.99", 30),
        ("25", 40),
        ("29.99", 40),
        ("30", 50),
    ] {
        assert_eq!(rd_cost_points(d(pct)), pts, "{pct} %");
    }
}

// §2.2 科技成果.
#[test]
fn sme_2_2_ip_bands() {
    for (i1, i2, pts) in [
        (1, 0, 30),
        (2, 9, 30),
        (0, 5, 24),
        (0, 4, 24),
        (0, 3, 18),
        (0, 2, 12),
        (0, 1, 6),
        (0, 0, 0),
    ] {
        assert_eq!(ip_points(i1, i2), pts, "Ⅰ {i1} Ⅱ {i2}");
    }
    // Through evaluate: lapsed items do not count; used_in_hte is irrelevant here.
    let mut p = firm();
    let mut lapsed = ip(IpType::InventionPatent);
    lapsed.status = LegalStatus::Lapsed;
    p.ip.push(lapsed);
    let mut used = ip(IpType::Design);
    used.used_in_hte = true;
    p.ip.push(used);
    assert_eq!(score_item(&eval(&p), "sme.score.ip").min, 18);
}

// §2.2: both R&D bases, the higher wins; the deduction caliber comes first.
#[test]
fn sme_2_2_rd_takes_the_higher_base() {
    let mut p = firm();
    // 150 / 3000 = 5 % → 40; 150 / 500 = 30 % → 50.
    year(&mut p).total_cost = Some(d("500"));
    let r = eval(&p);
    let i = score_item(&r, "sme.score.rd");
    assert_eq!((i.min, i.max), (50, 50));
    // The 加计扣除 amount is used when given: 90 / 3000 = 3 % → 20; 90 / 2800 = 3.2 % → 0.
    year(&mut p).total_cost = Some(d("2800"));
    year(&mut p).rd_expense_deduction = Some(d("90"));
    let i = score_item(&eval(&p), "sme.score.rd").clone();
    assert_eq!((i.min, i.max), (20, 20));
    // A missing cost base leaves the optimistic side open.
    year(&mut p).total_cost = None;
    let i = score_item(&eval(&p), "sme.score.rd").clone();
    assert_eq!((i.min, i.max), (20, 50));
}

// §2.1 #2: ≤ 500 staff, ≤ 2亿 sales and assets, all inclusive; gap = the excess.
#[test]
fn sme_2_1_2_size_limits_inclusive_with_excess_as_gap() {
    let mut p = firm();
    year(&mut p).staff = Some(d("500"));
    year(&mut p).sales_revenue = Some(d("20000"));
    year(&mut p).total_assets = Some(d("20000"));
    year(&mut p).rd_expense = Some(d("1200"));
    let r = eval(&p);
    for id in ["sme.staff_limit", "sme.sales_limit", "sme.assets_limit"] {
        assert_eq!(condition(&r, id).met, Met::Yes, "{id}");
    }
    assert_eq!(
        condition(&r, "sme.sales_limit").actual.as_deref(),
        Some("¥200,000,000")
    );
    year(&mut p).staff = Some(d("500.5"));
    year(&mut p).sales_revenue = Some(d("20000.01"));
    year(&mut p).total_assets = Some(d("20150"));
    let r = eval(&p);
    let g = condition(&r, "sme.staff_limit").gap.clone().unwrap();
    assert_eq!(
        (g.amount, g.unit, g.text.as_str()),
        (d("1"), GapUnit::Person, "超出 1 名")
    );
    let g = condition(&r, "sme.sales_limit").gap.clone().unwrap();
    assert_eq!((g.amount, g.text.as_str()), (d("100"), "超出 ¥100"));
    let g = condition(&r, "sme.assets_limit").gap.clone().unwrap();
    assert_eq!(
        (g.amount, g.text.as_str()),
        (d("1500000"), "超出 ¥1,500,000")
    );
    assert_eq!(r.status, Status::NotEligible);
}

// §2.1 #1, #3, #4: undeclared → unknown; declared false → not eligible.
#[test]
fn sme_2_1_declarations() {
    let mut p = firm();
    p.compliance.good_standing = None;
    let r = eval(&p);
    assert_eq!(condition(&r, "sme.good_standing").met, Met::Unknown);
    assert_eq!(r.status, Status::ManualReview);
    p.compliance.good_standing = Some(true);
    p.compliance.mainland_resident = Some(false);
    assert_eq!(eval(&p).status, Status::NotEligible);
    p.compliance.mainland_resident = Some(true);
    p.compliance.not_restricted_industry = Some(false);
    assert_eq!(eval(&p).status, Status::NotEligible);
    p.compliance.not_restricted_industry = Some(true);
    p.compliance.no_major_incident = Some(false);
    assert_eq!(eval(&p).status, Status::NotEligible);
}

// §2.1 #5: score ≥ 60 (含) and the S&T item ≠ 0.
#[test]
fn sme_2_1_5_score_60_and_st_staff_nonzero() {
    let mut p = firm();
    // 12 + 40 + 6 = 58 → certain fail, 2 points short.
    p.ip.pop();
    let r = eval(&p);
    assert_eq!(r.score.unwrap().max, 58);
    let c = condition(&r, "sme.score");
    assert_eq!(c.met, Met::No);
    assert_eq!(c.gap.clone().unwrap().amount, d("2"));
    assert_eq!(c.gap.clone().unwrap().text, "还差 2 分");
    // S&T 9/100 = 9 % → 0 points, and one Ⅰ类 item added.
    p.ip.push(ip(IpType::UtilityModel));
    year(&mut p).st_staff = Some(d("9"));
    p.ip.push(ip(IpType::InventionPatent));
    let r = eval(&p);
    // 0 + 40 + 30 = 70 ≥ 60, yet the zero S&T item fails §2.1 #5.
    assert_eq!(r.score.unwrap().min, 70);
    assert_eq!(condition(&r, "sme.score").met, Met::Yes);
    let c = condition(&r, "sme.st_staff_nonzero");
    assert_eq!(c.met, Met::No);
    // (10 − 9) / 0.9 = 1.11 → 2: 11/102 = 10.8 %, 10/101 = 9.9 %.
    let g = c.gap.clone().unwrap();
    assert_eq!((g.amount, g.text.as_str()), (d("2"), "还需 2 名科技人员"));
    assert_eq!(r.status, Status::NotEligible);
    // The 6-month caliber wins over the 183-day count.
    year(&mut p).st_staff_sme = Some(d("10"));
    assert_eq!(condition(&eval(&p), "sme.st_staff_nonzero").met, Met::Yes);
}

// A missing year is unknown with its note, never a pass or a fail.
#[test]
fn sme_missing_year_is_unknown_with_a_note() {
    let mut p = firm();
    p.years.clear();
    let r = eval(&p);
    let c = condition(&r, "sme.staff_limit");
    assert_eq!(c.met, Met::Unknown);
    assert_eq!(c.note.as_deref(), Some("缺少2025年度数据"));
    assert_eq!(r.status, Status::ManualReview);
    // Zero staff: unknown, not a division by zero.
    let mut p = firm();
    year(&mut p).staff = Some(d("0"));
    year(&mut p).st_staff = Some(d("0"));
    let r = eval(&p);
    let i = score_item(&r, "sme.score.st_staff");
    assert_eq!((i.min, i.max), (0, 20));
    assert_eq!(condition(&r, "sme.st_staff_nonzero").met, Met::Unknown);
}

/// A firm that fails the score (S&T 0, no IP, low R&D) but meets §2.1 #1–#4.
fn weak_firm() -> Profile {
    let mut p = firm();
    year(&mut p).st_staff = Some(d("1"));
    year(&mut p).rd_expense = Some(d("10"));
    p.ip.clear();
    p
}

// §2.3 #1: a valid 高企 on the evaluation date.
#[test]
fn sme_2_3_1_valid_high_tech_confirms_directly() {
    let mut p = weak_firm();
    assert_eq!(eval(&p).status, Status::NotEligible);
    p.qualifications.push(HeldQualification {
        kind: QualificationKind::HighTech,
        recognized_on: day(2023, 6, 1),
        valid_until: Some(day(2026, 6, 1)),
    });
    let r = eval(&p);
    assert_eq!(r.status, Status::Eligible);
    assert_eq!(r.route.as_deref(), Some("直接确认：有效期内的高新技术企业"));
    assert_eq!(r.score, None);
    assert_eq!(r.items.len(), 3);
    // Expired the day before: no route.
    p.qualifications[0].valid_until = Some(day(2026, 5, 31));
    assert_eq!(eval(&p).route, None);
}

// §2.3 #2: national award within five years (Y-4..=Y), rank ≤ 3.
#[test]
fn sme_2_3_2_national_award_top3_within_5_years() {
    let mut p = weak_firm();
    let award = |year, rank, level| Award {
        level,
        year,
        rank,
        name: None,
    };
    for (a, ok) in [
        (award(2022, 3, AwardLevel::National), true),
        (award(2026, 1, AwardLevel::National), true),
        (award(2021, 1, AwardLevel::National), false),
        (award(2024, 4, AwardLevel::National), false),
        (award(2024, 1, AwardLevel::Provincial), false),
    ] {
        p.awards = vec![a.clone()];
        assert_eq!(eval(&p).status == Status::Eligible, ok, "{a:?}");
    }
}

// §2.3 #3: 省部级以上 R&D institution.
#[test]
fn sme_2_3_3_provincial_institution() {
    let mut p = weak_firm();
    for (level, ok) in [
        (InstitutionLevelInput::National, true),
        (InstitutionLevelInput::Provincial, true),
        (InstitutionLevelInput::Municipal, false),
        (InstitutionLevelInput::BelowMunicipal, false),
    ] {
        p.institutions = vec![Institution {
            level,
            kind: None,
            joint: false,
        }];
        assert_eq!(eval(&p).route.is_some(), ok, "{level:?}");
    }
}

// §2.3 #4: 主导制定 (rank ≤ 5) an international/national/industry standard within five years.
#[test]
fn sme_2_3_4_standard_top5_within_5_years() {
    let mut p = weak_firm();
    let s = |level, year, rank| StandardDrafted { level, year, rank };
    for (st, ok) in [
        (s(StandardLevel::International, 2025, 5), true),
        (s(StandardLevel::National, 2022, 1), true),
        (s(StandardLevel::Industry, 2024, 2), true),
        (s(StandardLevel::Industry, 2024, 6), false),
        (s(StandardLevel::National, 2021, 1), false),
        (s(StandardLevel::Local, 2024, 1), false),
        (s(StandardLevel::Group, 2024, 1), false),
    ] {
        p.standards = vec![st.clone()];
        assert_eq!(eval(&p).route.is_some(), ok, "{st:?}");
    }
}

// §2.3: a route needs conditions 1–4; unknown ones leave it pending (manual review).
#[test]
fn sme_2_3_route_requires_basic_conditions() {
    let mut p = weak_firm();
    p.institutions = vec![Institution {
        level: InstitutionLevelInput::National,
        kind: None,
        joint: false,
    }];
    year(&mut p).staff = Some(d("501"));
    year(&mut p).st_staff = Some(d("1"));
    let r = eval(&p);
    assert_eq!(r.route, None);
    assert_eq!(r.status, Status::NotEligible);
    year(&mut p).staff = Some(d("100"));
    p.compliance.good_standing = None;
    let r = eval(&p);
    assert_eq!(r.route, None);
    assert_eq!(r.score, None);
    assert_eq!(condition(&r, "sme.score").met, Met::Yes);
    assert_eq!(r.status, Status::ManualReview);
}

#[test]
fn sme_worked_example_matches_the_doc() {
    let p: Profile = serde_json::from_str(include_str!(
        "../../../../../examples/ladder/sme-2017-example.json"
    ))
    .unwrap();
    p.validate().unwrap();
    let r = eval(&p);
    let actual = |id: &str| condition(&r, id).actual.clone().unwrap();
    assert_eq!(actual("sme.staff_limit"), "48 人");
    assert_eq!(actual("sme.sales_limit"), "¥26,000,000");
    assert_eq!(actual("sme.assets_limit"), "¥31,000,000");
    let st = score_item(&r, "sme.score.st_staff");
    assert_eq!((st.min, st.basis.as_str()), (16, "科技人员占比 25.00 %"));
    let rd = score_item(&r, "sme.score.rd");
    assert_eq!((rd.min, rd.max), (30, 30));
    assert_eq!(
        rd.basis,
        "占销售收入 4.31 %（30 分）；占成本费用支出总额 4.87 %（0 分）；取高者"
    );
    assert_eq!(score_item(&r, "sme.score.ip").min, 18);
    assert_eq!(r.score.unwrap().min, 64);
    assert_eq!(r.route, None);
    assert_eq!(r.status, Status::Eligible);
}

fn arb_firm() -> impl Strategy<Value = Profile> {
    (
        (1u32..600, 0u32..101),
        (1u32..30000, 0u32..3000, 1u32..30000),
        (0u32..2, 0u32..6),
        any::<bool>(),
    )
        .prop_map(|((staff, st_pct), (sales, rd, cost), (i1, i2), hte)| {
            let mut p = firm();
            let f = year(&mut p);
            f.staff = Some(Decimal::from(staff));
            f.st_staff = Some(Decimal::from(staff * st_pct / 100));
            f.sales_revenue = Some(Decimal::from(sales));
            f.total_cost = Some(Decimal::from(cost));
            f.rd_expense = Some(Decimal::from(rd));
            p.ip.clear();
            p.ip.extend((0..i1).map(|_| ip(IpType::InventionPatent)));
            p.ip.extend((0..i2).map(|_| ip(IpType::Software)));
            if hte {
                p.qualifications.push(HeldQualification {
                    kind: QualificationKind::HighTech,
                    recognized_on: day(2024, 1, 1),
                    valid_until: Some(day(2026, 12, 31)),
                });
            }
            p
        })
}

fn points(r: &TierResult) -> (u32, u32) {
    r.items
        .iter()
        .fold((0, 0), |(a, b), i| (a + i.min, b + i.max))
}

fn no_worse(before: &TierResult, after: &TierResult) -> Result<(), TestCaseError> {
    let (b, a) = (points(before), points(after));
    prop_assert!(a.0 >= b.0 && a.1 >= b.1, "{b:?} → {a:?}");
    if before.status == Status::Eligible {
        prop_assert_eq!(after.status, Status::Eligible);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn sme_more_rd_never_hurts(p in arb_firm(), extra in 1u32..1000) {
        let before = eval(&p);
        let mut q = p.clone();
        let f = year(&mut q);
        f.rd_expense = Some(f.rd_expense.unwrap() + Decimal::from(extra));
        no_worse(&before, &eval(&q))?;
    }

    #[test]
    fn sme_more_st_staff_never_hurts(p in arb_firm(), extra in 1u32..100) {
        let before = eval(&p);
        let mut q = p.clone();
        let f = year(&mut q);
        f.st_staff = Some((f.st_staff.unwrap() + Decimal::from(extra)).min(f.staff.unwrap()));
        no_worse(&before, &eval(&q))?;
    }

    #[test]
    fn sme_more_ip_never_hurts(p in arb_firm(), class_i in any::<bool>()) {
        let before = eval(&p);
        let mut q = p.clone();
        q.ip.push(ip(if class_i { IpType::InventionPatent } else { IpType::Design }));
        no_worse(&before, &eval(&q))?;
    }

    // A firm meeting every condition is eligible: within the size limits, S&T ≥ 10 %,
    // and a score of at least 60 (R&D ≥ 6 % of sales gives 50, plus ≥ 4 + 6).
    #[test]
    fn sme_firm_meeting_every_condition_is_eligible(
        staff in 1u32..=500, st_pct in 10u32..=100, sales in 1u32..=20000, rd_pct in 6u32..50,
    ) {
        let mut p = firm();
        let f = year(&mut p);
        f.staff = Some(Decimal::from(staff));
        f.st_staff = Some(Decimal::from(staff) * Decimal::from(st_pct) / Decimal::ONE_HUNDRED);
        f.sales_revenue = Some(Decimal::from(sales));
        f.total_assets = Some(Decimal::from(sales));
        f.rd_expense = Some(Decimal::from(sales) * Decimal::from(rd_pct) / Decimal::ONE_HUNDRED);
        let r = eval(&p);
        prop_assert_eq!(r.status, Status::Eligible, "{:?}", r.conditions);
    }
}

#[test]
fn sme_evaluation_is_cheap() {
    let p = firm();
    let c = ctx();
    let t = std::time::Instant::now();
    for _ in 0..2000 {
        std::hint::black_box(evaluate(std::hint::black_box(&p), &c));
    }
    eprintln!("SME-2017: {:?} per firm", t.elapsed() / 2000);
    assert!(t.elapsed().as_millis() < 4000, "{:?}", t.elapsed());
}
