//! Table tests for every band and boundary of `HTE-2016` (policy-rules.md §1),
//! gap arithmetic with hand-computed numbers, property tests, and the worked
//! example of docs/ladder/HTE-2016.md.

use super::*;
use crate::ip::{IpType, LegalStatus};
use crate::ladder::d;
use crate::ladder::profile::{
    Compliance, ExpertGrades, HeldQualification, IpItem, PointsRange, StandardDrafted,
};
use crate::ladder::{Settings, Status};
use chrono::NaiveDate;
use proptest::prelude::*;

fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn ctx() -> Context {
    Context::on(day(2026, 6, 1))
}

fn ip(t: IpType, acq: Acquisition, used: bool) -> IpItem {
    IpItem {
        ip_type: t,
        granted_on: Some(day(2022, 1, 1)),
        status: LegalStatus::Valid,
        acquisition: acq,
        acquired_on: (acq != Acquisition::OwnRnd).then(|| day(2022, 6, 1)),
        used_in_hte: used,
        high_value: false,
        related_to_main_product: true,
        applied: None,
        holder_rank: None,
    }
}

fn year(sales: &str, rd: &str, net_assets: &str) -> YearFacts {
    YearFacts {
        sales_revenue: Some(d(sales)),
        rd_expense: Some(d(rd)),
        rd_domestic: Some(d(rd)),
        net_assets: Some(d(net_assets)),
        total_assets: Some(d(net_assets) * d("2")),
        conversions: Some(5),
        ..YearFacts::default()
    }
}

/// A firm that meets every condition with a sure pass (hand-computed in the
/// comments: pessimistic total 73).
fn firm() -> Profile {
    let mut p = Profile {
        name: "测试企业".to_string(),
        registered_on: Some(day(2018, 3, 1)),
        ..Profile::default()
    };
    p.years.insert(2023, year("8000", "500", "5000"));
    p.years.insert(2024, year("9000", "560", "6000"));
    let mut y25 = year("10000", "600", "7000");
    y25.staff = Some(d("100"));
    y25.st_staff = Some(d("20"));
    y25.high_tech_revenue = Some(d("7000"));
    y25.total_revenue = Some(d("10000"));
    p.years.insert(2025, y25);
    p.ip.push(ip(IpType::InventionPatent, Acquisition::OwnRnd, false));
    p.expert = ExpertGrades {
        hte_advancement: Some('A'),
        hte_core_support: Some('A'),
        hte_rd_management: Some(PointsRange { min: 18, max: 19 }),
        hte_conversion: None,
    };
    p.compliance = Compliance {
        no_major_incident: Some(true),
        hte_field: Some("电子信息".to_string()),
        ..Compliance::default()
    };
    p
}

fn eval(p: &Profile) -> TierResult {
    eval_with(p, &ctx())
}

fn eval_with(p: &Profile, c: &Context) -> TierResult {
    let mut v = evaluate(p, c);
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

fn range(r: &TierResult, id: &str) -> (u32, u32) {
    let i = score_item(r, id);
    (i.min, i.max)
}

#[test]
fn a_firm_meeting_every_condition_is_eligible_with_the_hand_computed_score() {
    let r = eval(&firm());
    assert_eq!(r.tier, QualificationKind::HighTech);
    assert_eq!(r.pack, PackId::Hte2016);
    for c in &r.conditions {
        assert_eq!(c.met, Met::Yes, "{}: {:?}", c.id, c.note);
    }
    assert_eq!(r.conditions.len(), 9);
    // IP 7+7+7+1+0 = 22 … 8+8+8+6+0 = 30; conversions avg 5 → 25–30; management 18–19;
    // net assets 18.33 % → C 5–6; sales 11.81 % → D 3–4.
    assert_eq!(
        r.score,
        Some(ScoreRange {
            min: 73,
            max: 89,
            pass_mark: 71,
            out_of: 100
        })
    );
    assert_eq!(r.status, Status::Eligible);
    assert!(r.review_reasons.is_empty(), "{:?}", r.review_reasons);
}

// §1.1 #1 (办法第十一条（一）): ≥ 365 days.
#[test]
fn hte_1_1_1_registration_needs_365_days() {
    let mut p = firm();
    p.registered_on = Some(day(2025, 6, 1));
    let c = condition(&eval(&p), "hte.registered").clone();
    assert_eq!(c.met, Met::Yes);
    assert_eq!(c.actual.as_deref(), Some("365 天"));

    p.registered_on = Some(day(2025, 6, 2));
    let c = condition(&eval(&p), "hte.registered").clone();
    assert_eq!(c.met, Met::No);
    let g = c.gap.unwrap();
    assert_eq!((g.amount, g.unit), (d("1"), GapUnit::Day));
    assert_eq!(g.text, "还需 1 天");

    p.registered_on = None;
    assert_eq!(condition(&eval(&p), "hte.registered").met, Met::Unknown);
}

// §1.1 #2 and §1.2 "IP": a used Ⅱ类 item does not count; lapsed items do not count.
#[test]
fn hte_1_1_2_used_class_ii_ip_is_not_counted() {
    let mut p = firm();
    p.ip = vec![
        ip(IpType::UtilityModel, Acquisition::OwnRnd, true),
        ip(IpType::Software, Acquisition::OwnRnd, true),
    ];
    let r = eval(&p);
    let c = condition(&r, "hte.ip");
    assert_eq!(c.met, Met::No);
    let g = c.gap.clone().unwrap();
    assert_eq!((g.amount, g.unit), (d("1"), GapUnit::Piece));
    assert!(c.note.as_deref().unwrap().contains("2 件"));
    assert_eq!(range(&r, "hte.score.ip_count"), (0, 0));
    assert_eq!(range(&r, "hte.score.ip_acquisition"), (0, 0));
    assert_eq!(r.status, Status::NotEligible);

    // An unused Ⅱ类 item counts; a used Ⅰ类 item still counts.
    p.ip.push(ip(IpType::Design, Acquisition::OwnRnd, false));
    assert_eq!(condition(&eval(&p), "hte.ip").met, Met::Yes);
    p.ip = vec![ip(IpType::InventionPatent, Acquisition::OwnRnd, true)];
    assert_eq!(condition(&eval(&p), "hte.ip").met, Met::Yes);

    // Lapsed, or granted after the evaluation date: not in force.
    let mut lapsed = ip(IpType::InventionPatent, Acquisition::OwnRnd, false);
    lapsed.status = LegalStatus::Lapsed;
    let mut future = ip(IpType::InventionPatent, Acquisition::OwnRnd, false);
    future.granted_on = Some(day(2026, 6, 2));
    p.ip = vec![lapsed, future];
    assert_eq!(condition(&eval(&p), "hte.ip").met, Met::No);
}

// §1.1 #3: the 8 fields.
#[test]
fn hte_1_1_3_field_must_be_one_of_the_eight() {
    let mut p = firm();
    for f in FIELDS {
        p.compliance.hte_field = Some(f.to_string());
        assert_eq!(condition(&eval(&p), "hte.field").met, Met::Yes, "{f}");
    }
    p.compliance.hte_field = Some("农业种植".to_string());
    assert_eq!(condition(&eval(&p), "hte.field").met, Met::No);
    p.compliance.hte_field = None;
    assert_eq!(condition(&eval(&p), "hte.field").met, Met::Unknown);
}

// §1.1 #4: S&T staff ≥ 10 % (含), gap counts new hires in both numerator and denominator.
#[test]
fn hte_1_1_4_st_staff_boundary_and_gap() {
    let mut p = firm();
    let set = |p: &mut Profile, st: &str, staff: &str| {
        let f = p.years.get_mut(&2025).unwrap();
        f.st_staff = Some(d(st));
        f.staff = Some(d(staff));
    };
    set(&mut p, "10", "100");
    assert_eq!(condition(&eval(&p), "hte.st_staff").met, Met::Yes);
    set(&mut p, "9.99", "100");
    assert_eq!(condition(&eval(&p), "hte.st_staff").met, Met::No);
    // (0.1·100 − 8.6) / 0.9 = 1.56 → 2: (8.6+2)/102 = 10.4 %, (8.6+1)/101 = 9.5 %.
    set(&mut p, "8.6", "100");
    let c = condition(&eval(&p), "hte.st_staff").clone();
    assert_eq!(c.actual.as_deref(), Some("8.60 %"));
    let g = c.gap.unwrap();
    assert_eq!((g.amount, g.unit), (d("2"), GapUnit::Person));
    assert_eq!(g.text, "还需 2 名科技人员");
    // (20 − 10) / 0.9 = 11.1 → 12: 22/212 = 10.38 %, 21/211 = 9.95 %.
    set(&mut p, "10", "200");
    assert_eq!(
        condition(&eval(&p), "hte.st_staff")
            .gap
            .clone()
            .unwrap()
            .amount,
        d("12")
    );
    set(&mut p, "0", "0");
    let c = condition(&eval(&p), "hte.st_staff").clone();
    assert_eq!(c.met, Met::Unknown);
    assert!(c.note.unwrap().contains("为 0"));
}

// §1.1 #5: the threshold by the latest year's sales; "5,000万元（含）" is in the 5 % tier.
#[test]
fn hte_1_1_5_rd_threshold_bands_5000_wan_inclusive() {
    for (sales, thr) in [
        ("0", "5"),
        ("4999.99", "5"),
        ("5000", "5"),
        ("5000.01", "4"),
        ("19999.99", "4"),
        ("20000", "4"),
        ("20000.01", "3"),
        ("900000", "3"),
    ] {
        assert_eq!(rd_threshold(d(sales)), d(thr), "sales {sales}万");
    }
}

fn three_years(p: &mut Profile, sales: [&str; 3], rd: [&str; 3]) {
    for (i, y) in (2023..=2025).enumerate() {
        let f = p.years.get_mut(&y).unwrap();
        f.sales_revenue = Some(d(sales[i]));
        f.rd_expense = Some(d(rd[i]));
        f.rd_domestic = Some(d(rd[i]));
    }
}

// §1.1 #5: ratio at the boundary passes; below it the gap is required% × Σsales − ΣR&D in 元.
#[test]
fn hte_1_1_5_rd_ratio_boundary_and_exact_yuan_gap() {
    let mut p = firm();
    // Latest sales exactly 5,000万 → 5 %: Σsales 15,000, ΣR&D 750 = 5.00 %.
    three_years(&mut p, ["5000", "5000", "5000"], ["250", "250", "250"]);
    let c = condition(&eval(&p), "hte.rd_ratio").clone();
    assert_eq!(c.met, Met::Yes);
    assert_eq!(c.actual.as_deref(), Some("5.00 %"));
    assert!(c.required.starts_with("≥ 5 %"));
    // ΣR&D 749.99 → short by 0.01万 = ¥100.
    three_years(&mut p, ["5000", "5000", "5000"], ["250", "250", "249.99"]);
    let c = condition(&eval(&p), "hte.rd_ratio").clone();
    assert_eq!(c.met, Met::No);
    assert_eq!(c.gap.unwrap().amount, d("100"));
    // Latest 2亿 exactly → 4 %: Σsales 60,000, ΣR&D 2,400 = 4 % passes.
    three_years(&mut p, ["20000", "20000", "20000"], ["800", "800", "800"]);
    let c = condition(&eval(&p), "hte.rd_ratio").clone();
    assert_eq!(c.met, Met::Yes);
    assert!(c.required.starts_with("≥ 4 %"));
    // Latest above 2亿 → 3 %: 2,400 / 60,000.03 = 3.99 % passes 3 %.
    three_years(
        &mut p,
        ["20000", "20000", "20000.03"],
        ["800", "800", "800"],
    );
    assert!(
        condition(&eval(&p), "hte.rd_ratio")
            .required
            .starts_with("≥ 3 %")
    );
    // Hand-computed gap: 5 % × 9,000 − 401.23456 = 48.76544万 = ¥487,654.4 → ¥487,655.
    three_years(
        &mut p,
        ["3000", "3000", "3000"],
        ["133", "134", "134.23456"],
    );
    let c = condition(&eval(&p), "hte.rd_ratio").clone();
    assert_eq!(c.met, Met::No);
    assert_eq!(c.actual.as_deref(), Some("4.46 %"));
    let g = c.gap.unwrap();
    assert_eq!((g.amount, g.unit), (d("487655"), GapUnit::Yuan));
    assert_eq!(g.text, "还需研发投入 ¥487,655");
}

// §1.1 #5: 境内 R&D ≥ 60 % of R&D; the gap adds domestic R&D to both sides.
#[test]
fn hte_1_1_5_domestic_share_boundary_and_gap() {
    let mut p = firm();
    three_years(&mut p, ["5000", "5000", "5000"], ["300", "300", "400"]);
    for y in 2023..=2025 {
        let f = p.years.get_mut(&y).unwrap();
        f.rd_domestic = Some(f.rd_expense.unwrap() * d("0.6"));
    }
    assert_eq!(condition(&eval(&p), "hte.rd_domestic").met, Met::Yes);
    for y in 2023..=2025 {
        let f = p.years.get_mut(&y).unwrap();
        f.rd_domestic = Some(f.rd_expense.unwrap() * d("0.5"));
    }
    // Σ = 1,000, domestic 500: x = (600 − 500) / 0.4 = 250万 → (750/1250 = 60 %).
    let c = condition(&eval(&p), "hte.rd_domestic").clone();
    assert_eq!(c.met, Met::No);
    assert_eq!(c.actual.as_deref(), Some("50.00 %"));
    let g = c.gap.unwrap();
    assert_eq!(g.amount, d("2500000"));
    assert_eq!(g.text, "还需境内研发投入 ¥2,500,000");
    // No domestic figure for a year → unknown, never a silent pass.
    p.years.get_mut(&2024).unwrap().rd_domestic = None;
    let c = condition(&eval(&p), "hte.rd_domestic").clone();
    assert_eq!(c.met, Met::Unknown);
    assert!(c.note.unwrap().contains("缺少2024年度数据"));
}

// §1.2 R&D categories: 委托 at 80 %, 其他 ≤ 20 % of the final total.
#[test]
fn hte_1_2_rd_categories_commissioned_80pct_and_other_capped_at_20pct_of_total() {
    let c = RdCategories {
        personnel: d("100"),
        direct_inputs: d("50"),
        commissioned: d("50"),
        commissioned_abroad: d("25"),
        other: d("100"),
        ..RdCategories::default()
    };
    // rest = 150 + 0.8 × 50 = 190; other counted = min(100, 190/4 = 47.5) → total 237.5,
    // and 47.5 / 237.5 = 20 % exactly. Domestic = 237.5 − 0.8 × 25 = 217.5.
    let (total, dom) = rd_from_categories(&c);
    assert_eq!(total, d("237.5"));
    assert_eq!(dom, d("217.5"));
    assert_eq!(d("47.5") / total, d("0.2"));
    // Other under the cap counts in full: 190 + 40 = 230.
    let c2 = RdCategories {
        other: d("40"),
        ..c.clone()
    };
    assert_eq!(rd_from_categories(&c2).0, d("230"));
    // Categories override the declared rd_expense.
    let f = YearFacts {
        rd_expense: Some(d("999")),
        rd_categories: Some(c),
        ..YearFacts::default()
    };
    assert_eq!(
        rd_of_year(&f),
        Some(RdYear {
            total: d("237.5"),
            domestic: Some(d("217.5"))
        })
    );
}

// §1.1 #6: high-tech revenue ≥ 60 % (含); the gap is added to both sides.
#[test]
fn hte_1_1_6_high_tech_revenue_boundary_and_gap() {
    let mut p = firm();
    let set = |p: &mut Profile, h: &str| {
        let f = p.years.get_mut(&2025).unwrap();
        f.high_tech_revenue = Some(d(h));
        f.total_revenue = Some(d("10000"));
    };
    set(&mut p, "6000");
    assert_eq!(condition(&eval(&p), "hte.high_tech_revenue").met, Met::Yes);
    set(&mut p, "5999.99");
    assert_eq!(condition(&eval(&p), "hte.high_tech_revenue").met, Met::No);
    // (0.6 × 10,000 − 5,000) / 0.4 = 2,500万: 7,500 / 12,500 = 60 %.
    set(&mut p, "5000");
    let g = condition(&eval(&p), "hte.high_tech_revenue")
        .gap
        .clone()
        .unwrap();
    assert_eq!((g.amount, g.unit), (d("25000000"), GapUnit::Yuan));
    assert_eq!(g.text, "还需高新技术产品(服务)收入 ¥25,000,000");
    p.years.get_mut(&2025).unwrap().total_revenue = Some(d("0"));
    p.years.get_mut(&2025).unwrap().high_tech_revenue = Some(d("0"));
    assert_eq!(
        condition(&eval(&p), "hte.high_tech_revenue").met,
        Met::Unknown
    );
}

// §1.1 #8: undeclared → unknown (manual review); declared incident → not eligible.
#[test]
fn hte_1_1_8_incident_declaration() {
    let mut p = firm();
    p.compliance.no_major_incident = None;
    let r = eval(&p);
    assert_eq!(condition(&r, "hte.no_major_incident").met, Met::Unknown);
    assert_eq!(r.status, Status::ManualReview);
    p.compliance.no_major_incident = Some(false);
    assert_eq!(eval(&p).status, Status::NotEligible);
}

// A missing year is unknown with its note, never a pass or a fail.
#[test]
fn hte_missing_year_is_unknown_with_a_note() {
    let mut p = firm();
    p.years.remove(&2024);
    let r = eval(&p);
    let c = condition(&r, "hte.rd_ratio");
    assert_eq!(c.met, Met::Unknown);
    assert_eq!(c.note.as_deref(), Some("缺少2024年度数据"));
    assert_eq!(range(&r, "hte.score.growth_sales"), (0, 10));
    assert_eq!(range(&r, "hte.score.conversion"), (0, 30));
    assert_eq!(r.status, Status::ManualReview);
    let mut p = firm();
    p.years.remove(&2025);
    let c = condition(&eval(&p), "hte.st_staff").clone();
    assert_eq!(c.note.as_deref(), Some("缺少2025年度数据"));
}

// §1.1 #5 / §1.3 (d): under three years, use the actual period.
#[test]
fn hte_1_1_5_young_firm_uses_actual_operating_years() {
    let mut p = firm();
    p.registered_on = Some(day(2024, 3, 1));
    p.years.remove(&2023);
    assert_eq!(window(&p, 2026), 2024..=2025);
    let r = eval(&p);
    let c = condition(&r, "hte.rd_ratio");
    assert_eq!(c.met, Met::Yes);
    assert!(c.note.as_deref().unwrap().contains("2024–2025年"));
    // Sales 9,000 → 10,000: v2/v1 − 1 = 11.11 % → D 3–4.
    assert_eq!(range(&r, "hte.score.growth_sales"), (3, 4));
    // Net assets 6,000 → 7,000: 16.67 % → C 5–6.
    assert_eq!(range(&r, "hte.score.growth_net_assets"), (5, 6));
}

// §1.3 (a) grades and IP count bands.
#[test]
fn hte_1_3_a_grade_and_ip_count_bands() {
    for (g, want) in [
        (Some('A'), (7, 8)),
        (Some('B'), (5, 6)),
        (Some('C'), (3, 4)),
        (Some('D'), (1, 2)),
        (Some('E'), (0, 0)),
        (None, (0, 8)),
    ] {
        assert_eq!(grade_range(g), want, "{g:?}");
    }
    let n = |class_i, class_ii| IpCount {
        class_i,
        class_ii,
        ..IpCount::default()
    };
    for (i1, i2, want) in [
        (1, 0, (7, 8)),
        (0, 5, (5, 6)),
        (0, 4, (3, 4)),
        (0, 3, (3, 4)),
        (0, 2, (1, 2)),
        (0, 1, (1, 2)),
        (0, 0, (0, 0)),
    ] {
        assert_eq!(ip_count_range(&n(i1, i2)), want, "Ⅰ {i1} Ⅱ {i2}");
    }
}

// §1.3 (a): acquisition mode, standards bonus and the 30-point cap.
#[test]
fn hte_1_3_a_acquisition_bonus_and_cap_at_30() {
    let mut p = firm();
    p.ip = vec![ip(IpType::InventionPatent, Acquisition::Transfer, false)];
    assert_eq!(range(&eval(&p), "hte.score.ip_acquisition"), (1, 3));
    p.ip.push(ip(IpType::Software, Acquisition::OwnRnd, false));
    assert_eq!(range(&eval(&p), "hte.score.ip_acquisition"), (1, 6));
    // Bonus: a national standard → 1–2; the maxima 8+8+8+6 = 30 leave no room, so
    // the bonus adds to the pessimistic side only: min 22 + 1 = 23, max capped 30.
    p.standards.push(StandardDrafted {
        level: StandardLevel::National,
        year: 2024,
        rank: 3,
    });
    let r = eval(&p);
    assert_eq!(range(&r, "hte.score.ip_standards_bonus"), (1, 2));
    let ip_items: Vec<ScoreItem> = r
        .items
        .iter()
        .filter(|i| i.id.starts_with("hte.score.ip_"))
        .cloned()
        .collect();
    assert_eq!(total(&ip_items), (23, 30));
    // Total: IP 23–30, conversions 25–30, management 18–19, growth 5–6 and 3–4.
    assert_eq!((r.score.unwrap().min, r.score.unwrap().max), (74, 89));
    // A local standard gives no bonus.
    p.standards[0].level = StandardLevel::Local;
    assert_eq!(range(&eval(&p), "hte.score.ip_standards_bonus"), (0, 0));
}

// §1.3 (b): conversion bands of the annual average.
#[test]
fn hte_1_3_b_conversion_bands() {
    for (avg, want) in [
        ("5", (25, 30)),
        ("7", (25, 30)),
        ("4.99", (19, 24)),
        ("4", (19, 24)),
        ("3", (13, 18)),
        ("2.99", (7, 12)),
        ("2", (7, 12)),
        ("1", (1, 6)),
        ("0.67", (0, 6)),
        ("0", (0, 0)),
    ] {
        assert_eq!(conversion_band(d(avg)).0, want, "avg {avg}");
    }
    // Through evaluate: 4 + 4 + 5 = 13 over 3 years → 4.33 → B; an expert range
    // narrows within the band and is clamped to it.
    let mut p = firm();
    p.years.get_mut(&2023).unwrap().conversions = Some(4);
    p.years.get_mut(&2024).unwrap().conversions = Some(4);
    assert_eq!(range(&eval(&p), "hte.score.conversion"), (19, 24));
    p.expert.hte_conversion = Some(PointsRange { min: 20, max: 22 });
    assert_eq!(range(&eval(&p), "hte.score.conversion"), (20, 22));
    p.expert.hte_conversion = Some(PointsRange { min: 15, max: 28 });
    let r = eval(&p);
    assert_eq!(range(&r, "hte.score.conversion"), (19, 24));
    assert!(!r.warnings.is_empty());
    // 0 + 1 + 1 = 2 over 3 years → 0.67: between F and E, warned.
    p.expert.hte_conversion = None;
    for (y, n) in [(2023, 0), (2024, 1), (2025, 1)] {
        p.years.get_mut(&y).unwrap().conversions = Some(n);
    }
    let r = eval(&p);
    assert_eq!(range(&r, "hte.score.conversion"), (0, 6));
    assert!(r.warnings.iter().any(|w| w.contains("0.67")));
}

// §1.3 (c): expert range, or 0–20 when absent.
#[test]
fn hte_1_3_c_rd_management_is_expert_or_whole_scale() {
    let mut p = firm();
    assert_eq!(range(&eval(&p), "hte.score.rd_management"), (18, 19));
    p.expert.hte_rd_management = None;
    let r = eval(&p);
    assert_eq!(range(&r, "hte.score.rd_management"), (0, 20));
    // 73 − 18 = 55 pessimistic: the range straddles 71 → manual review.
    assert_eq!(r.score.unwrap().min, 55);
    assert_eq!(condition(&r, "hte.score").met, Met::Unknown);
    assert_eq!(r.status, Status::ManualReview);
}

// §1.3 (d): growth bands, D boundary configurable.
#[test]
fn hte_1_3_d_growth_bands() {
    for (rate, incl, want) in [
        ("35", true, (9, 10)),
        ("34.99", true, (7, 8)),
        ("25", true, (7, 8)),
        ("24.99", true, (5, 6)),
        ("15", true, (5, 6)),
        ("14.99", true, (3, 4)),
        ("5", true, (3, 4)),
        ("5", false, (1, 2)),
        ("5.01", false, (3, 4)),
        ("4.99", true, (1, 2)),
        ("0.01", true, (1, 2)),
        ("0", true, (0, 0)),
        ("-3", true, (0, 0)),
    ] {
        assert_eq!(growth_band(d(rate), incl).0, want, "{rate} % incl={incl}");
    }
}

fn rate(v: &[&str]) -> Growth {
    let v: Vec<Decimal> = v.iter().map(|s| d(s)).collect();
    growth_rate(&v)
}

// §1.3 (d) edge cases.
#[test]
fn hte_1_3_d_growth_edge_cases() {
    // Normal: ½(120/100 + 150/120) − 1 = ½(1.2 + 1.25) − 1 = 22.5 %.
    assert!(matches!(rate(&["100", "120", "150"]), Growth::Rate(r, _) if r == d("22.5")));
    // First year 0 → v3/v2 − 1 = 150/120 − 1 = 25 %.
    assert!(matches!(rate(&["0", "120", "150"]), Growth::Rate(r, _) if r == d("25")));
    // Second year 0 → item 0, no review.
    assert!(matches!(
        rate(&["100", "0", "150"]),
        Growth::Zero { review: false, .. }
    ));
    // Negative growth: ½(0.9 + 0.8/0.9) − 1 < 0 → band F.
    let Growth::Rate(r, _) = rate(&["100", "90", "80"]) else {
        panic!("rate")
    };
    assert!(r < Decimal::ZERO);
    assert_eq!(growth_band(r, true).0, (0, 0));
    // Negative first-year net assets: undefined → 0 with review.
    assert!(matches!(
        rate(&["-100", "50", "80"]),
        Growth::Zero { review: true, .. }
    ));
    assert!(matches!(
        rate(&["100", "-50", "80"]),
        Growth::Zero { review: true, .. }
    ));
    // Two years: v2/v1 − 1 = 10 %.
    assert!(matches!(rate(&["100", "110"]), Growth::Rate(r, _) if r == d("10")));
    assert!(matches!(
        rate(&["0", "110"]),
        Growth::Zero { review: true, .. }
    ));
    // One year or none: 0 with review.
    assert!(matches!(rate(&["100"]), Growth::Zero { review: true, .. }));
    assert!(matches!(rate(&[]), Growth::Zero { review: true, .. }));
}

// §1.3 (d) ⚠: exactly 5 % under both settings, with a warning.
#[test]
fn hte_1_3_d_growth_exactly_5pct_follows_the_setting_and_warns() {
    let mut p = firm();
    // Sales 10,000 → 10,500 → 11,025: ½(1.05 + 1.05) − 1 = 5 % exactly.
    for (y, s) in [(2023, "10000"), (2024, "10500"), (2025, "11025")] {
        let f = p.years.get_mut(&y).unwrap();
        f.sales_revenue = Some(d(s));
        f.rd_expense = Some(d("600"));
        f.rd_domestic = Some(d("600"));
    }
    let r = eval(&p);
    assert_eq!(range(&r, "hte.score.growth_sales"), (3, 4));
    assert!(r.warnings.iter().any(|w| w.contains("恰为 5 %")));
    let strict = Context {
        as_of: day(2026, 6, 1),
        settings: Settings {
            hte_growth_d_inclusive: false,
            ..Settings::default()
        },
    };
    let r = eval_with(&p, &strict);
    assert_eq!(range(&r, "hte.score.growth_sales"), (1, 2));
    assert!(r.warnings.iter().any(|w| w.contains("> 5 %")));
    // 5.01 % gives no warning.
    p.years.get_mut(&2025).unwrap().sales_revenue = Some(d("11050"));
    assert!(!eval(&p).warnings.iter().any(|w| w.contains("恰为 5 %")));
}

// §1.3 (d): the edge cases through evaluate (first year 0, second year 0, negative net assets).
#[test]
fn hte_1_3_d_growth_edge_cases_through_evaluate() {
    let mut p = firm();
    p.years.get_mut(&2023).unwrap().net_assets = Some(d("0"));
    // v3/v2 − 1 = 7000/6000 − 1 = 16.67 % → C.
    assert_eq!(range(&eval(&p), "hte.score.growth_net_assets"), (5, 6));
    p.years.get_mut(&2024).unwrap().net_assets = Some(d("0"));
    let r = eval(&p);
    assert_eq!(range(&r, "hte.score.growth_net_assets"), (0, 0));
    assert!(r.review_reasons.is_empty());
    p.years.get_mut(&2023).unwrap().net_assets = Some(d("-500"));
    p.years.get_mut(&2024).unwrap().net_assets = Some(d("6000"));
    let r = eval(&p);
    assert_eq!(range(&r, "hte.score.growth_net_assets"), (0, 0));
    assert_eq!(r.review_reasons.len(), 1);
    assert_eq!(r.status, Status::ManualReview);
}

// §1.1 #7: pass only when the pessimistic total ≥ 71; certain fail gives the points gap.
#[test]
fn hte_1_1_7_score_pass_mark_is_71_pessimistic() {
    let mut p = firm();
    // Management 16–19 → min 71: passes.
    p.expert.hte_rd_management = Some(PointsRange { min: 16, max: 19 });
    let r = eval(&p);
    assert_eq!(r.score.unwrap().min, 71);
    assert_eq!(r.status, Status::Eligible);
    // 15–19 → min 70: "> 70" is not met for sure → manual review.
    p.expert.hte_rd_management = Some(PointsRange { min: 15, max: 19 });
    let r = eval(&p);
    assert_eq!(r.score.unwrap().min, 70);
    assert_eq!(r.status, Status::ManualReview);
    // Everything weak: certain fail; gap = 71 − max.
    p.expert = ExpertGrades {
        hte_advancement: Some('E'),
        hte_core_support: Some('E'),
        hte_rd_management: Some(PointsRange { min: 0, max: 0 }),
        hte_conversion: None,
    };
    let r = eval(&p);
    // max = 0 + 0 + 8 + 6 + 0 + 30 + 0 + 6 + 4 = 54 → gap 17.
    assert_eq!(r.score.unwrap().max, 54);
    let c = condition(&r, "hte.score");
    assert_eq!(c.met, Met::No);
    assert_eq!(c.gap.clone().unwrap().amount, d("17"));
    assert_eq!(r.status, Status::NotEligible);
}

// A renewal: holding a valid 高企 does not make used Ⅱ类 items count again.
#[test]
fn hte_renewal_does_not_reuse_class_ii_ip() {
    let mut p = firm();
    p.qualifications.push(HeldQualification {
        kind: QualificationKind::HighTech,
        recognized_on: day(2023, 11, 1),
        valid_until: Some(day(2026, 10, 31)),
    });
    p.ip = vec![ip(IpType::UtilityModel, Acquisition::OwnRnd, true)];
    assert_eq!(condition(&eval(&p), "hte.ip").met, Met::No);
}

// The worked example of docs/ladder/HTE-2016.md.
#[test]
fn hte_worked_example_matches_the_doc() {
    let p: Profile = serde_json::from_str(include_str!(
        "../../../../../examples/ladder/hte-2016-example.json"
    ))
    .unwrap();
    p.validate().unwrap();
    let r = eval_with(&p, &Context::on(day(2026, 6, 1)));
    let actual = |id: &str| condition(&r, id).actual.clone().unwrap();
    assert_eq!(actual("hte.registered"), "3013 天");
    assert_eq!(actual("hte.ip"), "Ⅰ类 2 件，Ⅱ类 3 件");
    assert!(
        score_item(&r, "hte.score.growth_net_assets")
            .basis
            .contains("27.50 %")
    );
    assert!(
        score_item(&r, "hte.score.growth_sales")
            .basis
            .contains("21.11 %")
    );
    assert!(
        score_item(&r, "hte.score.conversion")
            .basis
            .contains("年均 3.33 项")
    );
    assert_eq!(actual("hte.st_staff"), "15.38 %");
    assert_eq!(actual("hte.rd_ratio"), "4.75 %");
    assert_eq!(
        condition(&r, "hte.rd_ratio").required,
        "≥ 4 %（2025年销售收入 5,000万元–2亿元（含））"
    );
    assert_eq!(actual("hte.rd_domestic"), "96.75 %");
    assert_eq!(actual("hte.high_tech_revenue"), "72.92 %");
    assert_eq!(range(&r, "hte.score.ip_advancement"), (5, 6));
    assert_eq!(range(&r, "hte.score.ip_core_support"), (7, 8));
    assert_eq!(range(&r, "hte.score.ip_count"), (7, 8));
    assert_eq!(range(&r, "hte.score.ip_acquisition"), (1, 6));
    assert_eq!(range(&r, "hte.score.ip_standards_bonus"), (1, 2));
    assert_eq!(range(&r, "hte.score.conversion"), (13, 18));
    assert_eq!(range(&r, "hte.score.rd_management"), (14, 16));
    assert_eq!(range(&r, "hte.score.growth_net_assets"), (7, 8));
    assert_eq!(range(&r, "hte.score.growth_sales"), (5, 6));
    assert_eq!(
        r.score,
        Some(ScoreRange {
            min: 60,
            max: 78,
            pass_mark: 71,
            out_of: 100
        })
    );
    assert_eq!(condition(&r, "hte.score").met, Met::Unknown);
    assert_eq!(r.status, Status::ManualReview);
    for c in r.conditions.iter().filter(|c| c.id != "hte.score") {
        assert_eq!(c.met, Met::Yes, "{}", c.id);
    }
}

fn arb_firm() -> impl Strategy<Value = Profile> {
    (
        (1u32..3000, 0u32..300, 0u32..100),
        (1u32..500, 0u32..100),
        (0u32..3, 0u32..7, 0u32..3, 0u32..4),
        (1u32..5000, 1u32..5000, 1u32..5000),
        proptest::option::of(prop_oneof![
            Just('A'),
            Just('B'),
            Just('C'),
            Just('D'),
            Just('E')
        ]),
    )
        .prop_map(
            |((sales, rd, dom_pct), (staff, st_pct), (i1, i2, used, conv), (na1, na2, na3), g)| {
                let mut p = firm();
                p.expert.hte_advancement = g;
                p.ip.clear();
                for _ in 0..i1 {
                    p.ip.push(ip(IpType::InventionPatent, Acquisition::OwnRnd, false));
                }
                for _ in 0..i2 {
                    p.ip.push(ip(IpType::Software, Acquisition::Transfer, false));
                }
                for _ in 0..used {
                    p.ip.push(ip(IpType::UtilityModel, Acquisition::OwnRnd, true));
                }
                for (k, (y, na)) in [(2023, na1), (2024, na2), (2025, na3)]
                    .into_iter()
                    .enumerate()
                {
                    let f = p.years.get_mut(&y).unwrap();
                    let k = Decimal::from(k as u32 + 1);
                    f.sales_revenue = Some(Decimal::from(sales) * k);
                    f.rd_expense = Some(Decimal::from(rd) * k);
                    f.rd_domestic = Some(Decimal::from(rd * dom_pct / 100) * k);
                    f.net_assets = Some(Decimal::from(na));
                    f.conversions = Some(conv);
                }
                let f = p.years.get_mut(&2025).unwrap();
                f.staff = Some(Decimal::from(staff));
                f.st_staff = Some(Decimal::from(staff * st_pct / 100));
                p
            },
        )
}

fn rank(s: Status) -> u8 {
    match s {
        Status::NotEligible => 0,
        Status::ManualReview => 1,
        Status::Eligible => 2,
    }
}

fn no_worse(before: &TierResult, after: &TierResult) -> Result<(), TestCaseError> {
    let (b, a) = (before.score.unwrap(), after.score.unwrap());
    prop_assert!(a.min >= b.min && a.max >= b.max, "{b:?} → {a:?}");
    prop_assert!(rank(after.status) >= rank(before.status) || before.status != Status::Eligible);
    if before.status == Status::Eligible {
        prop_assert_eq!(after.status, Status::Eligible);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    // More R&D (domestic) never lowers the score nor loses eligibility.
    #[test]
    fn hte_more_rd_never_hurts(p in arb_firm(), extra in 1u32..500) {
        let before = eval(&p);
        let mut q = p.clone();
        for y in 2023..=2025 {
            let f = q.years.get_mut(&y).unwrap();
            f.rd_expense = Some(f.rd_expense.unwrap() + Decimal::from(extra));
            f.rd_domestic = Some(f.rd_domestic.unwrap() + Decimal::from(extra));
        }
        no_worse(&before, &eval(&q))?;
    }

    // More S&T staff (within the staff count) never hurts.
    #[test]
    fn hte_more_st_staff_never_hurts(p in arb_firm(), extra in 1u32..50) {
        let before = eval(&p);
        let mut q = p.clone();
        let f = q.years.get_mut(&2025).unwrap();
        f.st_staff = Some((f.st_staff.unwrap() + Decimal::from(extra)).min(f.staff.unwrap()));
        no_worse(&before, &eval(&q))?;
    }

    // More IP of any class or acquisition never hurts.
    #[test]
    fn hte_more_ip_never_hurts(p in arb_firm(), kind in 0u8..4) {
        let before = eval(&p);
        let mut q = p.clone();
        q.ip.push(match kind {
            0 => ip(IpType::InventionPatent, Acquisition::OwnRnd, false),
            1 => ip(IpType::Software, Acquisition::OwnRnd, false),
            2 => ip(IpType::Design, Acquisition::Gift, false),
            _ => ip(IpType::UtilityModel, Acquisition::OwnRnd, true),
        });
        no_worse(&before, &eval(&q))?;
    }

    // A firm meeting every condition (with a sure score) is eligible.
    #[test]
    fn hte_firm_meeting_every_condition_is_eligible(extra_rd in 0u32..1000, extra_st in 0u32..80) {
        let mut p = firm();
        let f = p.years.get_mut(&2025).unwrap();
        f.rd_expense = Some(f.rd_expense.unwrap() + Decimal::from(extra_rd));
        f.rd_domestic = f.rd_expense;
        f.st_staff = Some(f.st_staff.unwrap() + Decimal::from(extra_st));
        let r = eval(&p);
        prop_assert_eq!(r.status, Status::Eligible);
    }
}

#[test]
fn hte_evaluation_is_cheap() {
    let p = firm();
    let c = ctx();
    let t = std::time::Instant::now();
    for _ in 0..2000 {
        std::hint::black_box(evaluate(std::hint::black_box(&p), &c));
    }
    // Debug builds are ~10× slower than release; 2 ms per firm is a generous ceiling
    // that still catches an accidental quadratic loop.
    eprintln!("HTE-2016: {:?} per firm", t.elapsed() / 2000);
    assert!(t.elapsed().as_millis() < 4000, "{:?}", t.elapsed());
}
