//! SRDI-2026-2 (policy-rules.md §3.2): exact boundaries of 专精特新 (six conditions)
//! and 小巨人 (seven conditions), the review (复核) rules, 科技和创新型 (第三十条),
//! the worked example of docs/ladder/SRDI-2026-2.md, and properties.

use chrono::NaiveDate;
use kechuang_core::ip::{Acquisition, IpType, LegalStatus};
use kechuang_core::ladder::profile::{
    Award, AwardLevel, EquityRound, HeldQualification, Institution, InstitutionLevelInput, IpItem,
    ProductField, YearFacts,
};
use kechuang_core::ladder::{Context, Met, PackId, Profile, Status, TierResult, srdi_2026};
use kechuang_core::qualification::QualificationKind as Q;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().expect("fixture")
}
fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).expect("fixture")
}
/// Evaluated on 2026-06-30: 上年度 = 2025, 近2年 = 2024–2025, CAGR over 2023→2025.
fn ctx() -> Context {
    Context::on(day(2026, 6, 30))
}
fn held(kind: Q) -> HeldQualification {
    HeldQualification {
        kind,
        recognized_on: day(2024, 1, 1),
        valid_until: Some(day(2026, 12, 31)),
    }
}
fn ip() -> IpItem {
    IpItem {
        ip_type: IpType::InventionPatent,
        granted_on: Some(day(2020, 1, 1)),
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
fn year(rev: &str, main: &str, rd: &str) -> YearFacts {
    YearFacts {
        operating_revenue: Some(d(rev)),
        main_revenue: Some(d(main)),
        rd_expense: Some(d(rd)),
        net_profit: Some(d(rev) / d("10")),
        total_assets: Some(d("10000")),
        net_assets: Some(d("5000")),
        staff: Some(d("200")),
        rd_staff: Some(d("50")),
        ..YearFacts::default()
    }
}

/// Meets every 专精特新 and 小巨人 condition (a 专精特新 applicant for 小巨人).
fn base() -> Profile {
    let mut p = Profile {
        name: "测试企业".into(),
        ..Profile::default()
    };
    p.years.insert(2023, year("10000", "9500", "600"));
    p.years.insert(2024, year("11000", "10500", "660"));
    p.years.insert(2025, year("12000", "11400", "720"));
    p.ip = vec![ip(), ip(), ip(), ip()];
    p.qualifications = vec![held(Q::InnovativeSme), held(Q::Srdi)];
    p.market.niche_since = Some(2018);
    p.market.niche_share_pct = Some(d("15"));
    p.market.niche_top3 = Some(true);
    p.market.product_field = Some(ProductField::Foundation);
    p.market.key_area_product = Some(true);
    p.market.share_leading = Some(true);
    p.market.strategic_emerging = Some(true);
    p.srdi_dev_score.insert(2026, 70);
    p.srdi_dev_score.insert(2025, 70);
    p
}
/// A first-time 专精特新 applicant (holds 创新型 only).
fn applicant() -> Profile {
    let mut p = base();
    p.qualifications = vec![held(Q::InnovativeSme)];
    p
}
fn y(p: &mut Profile, yr: i32) -> &mut YearFacts {
    p.years.get_mut(&yr).expect("fixture")
}
fn cond<'a>(r: &'a TierResult, id: &str) -> &'a kechuang_core::ladder::Condition {
    r.conditions
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no condition {id}"))
}
fn srdi(p: &Profile) -> TierResult {
    srdi_2026::srdi(p, &ctx())
}
fn lg(p: &Profile) -> TierResult {
    srdi_2026::little_giant(p, &ctx())
}
fn met_of(r: &TierResult, id: &str) -> Met {
    cond(r, id).met
}

#[test]
fn srdi2026_base_firm_is_eligible_for_both_tiers() {
    let r = srdi(&applicant());
    assert_eq!(r.status, Status::Eligible, "{:#?}", r.conditions);
    assert_eq!(r.conditions.len(), 9);
    let r = lg(&base());
    assert_eq!(r.status, Status::Eligible, "{:#?}", r.conditions);
}

#[test]
fn srdi2026_title_and_niche() {
    // §3.2 专精特新 #1: valid 科技和创新型 title; niche ≥ 3 years at the end of last year.
    let mut p = applicant();
    p.qualifications.clear();
    assert_eq!(met_of(&srdi(&p), "srdi26.title"), Met::No);
    p.qualifications = vec![held(Q::TechSme)];
    assert_eq!(met_of(&srdi(&p), "srdi26.title"), Met::Yes);
    let mut p = applicant();
    p.market.niche_since = Some(2024);
    let c = cond(&srdi(&p), "srdi26.niche").clone();
    assert_eq!(
        (c.met, c.gap.expect("fixture").text),
        (Met::No, "还需 1 年".to_string())
    );
    p.market.niche_since = Some(2023);
    assert_eq!(met_of(&srdi(&p), "srdi26.niche"), Met::Yes);
}

#[test]
fn srdi2026_revenue_1500_or_equity() {
    // §3.2 专精特新 #2: 营业收入 ≥ 1,500万, or < 1,500万 with ≥ 2,000万 equity in 2 years.
    let mut p = applicant();
    *y(&mut p, 2025) = year("1500", "1400", "100");
    assert_eq!(met_of(&srdi(&p), "srdi26.revenue"), Met::Yes);
    *y(&mut p, 2025) = year("1499.99", "1400", "100");
    let c = cond(&srdi(&p), "srdi26.revenue").clone();
    assert_eq!(
        (c.met, c.gap.expect("fixture").text),
        (Met::No, "还需营业收入 ¥100".to_string())
    );
    p.financing.push(EquityRound {
        date: day(2024, 6, 30),
        amount: d("2000"),
        qualified_investor: true,
    });
    assert_eq!(met_of(&srdi(&p), "srdi26.revenue"), Met::Yes);
    p.financing[0].date = day(2024, 6, 29);
    assert_eq!(met_of(&srdi(&p), "srdi26.revenue"), Met::No);
    p.financing[0].date = day(2025, 1, 1);
    p.financing[0].amount = d("1999.99");
    assert_eq!(met_of(&srdi(&p), "srdi26.revenue"), Met::No);
}

#[test]
fn srdi2026_main_share_80_and_debt_80() {
    // §3.2 专精特新 #2: 主营 ≥ 80 %, 资产负债率 ≤ 80 %.
    for (main, want) in [("9600", Met::Yes), ("9599.99", Met::No)] {
        let mut p = applicant();
        y(&mut p, 2025).main_revenue = Some(d(main));
        assert_eq!(met_of(&srdi(&p), "srdi26.main_share"), want, "{main}");
    }
    for (na, want) in [("2000", Met::Yes), ("1999", Met::No)] {
        let mut p = applicant();
        y(&mut p, 2025).net_assets = Some(d(na));
        assert_eq!(met_of(&srdi(&p), "srdi26.debt"), want, "net assets {na}");
    }
}

#[test]
fn srdi2026_rd_100_and_3pct_each_year() {
    // §3.2 专精特新 #3: R&D ≥ 100万 and ≥ 3 % in EACH of 2024 and 2025.
    let mut p = applicant();
    *y(&mut p, 2024) = year("3000", "2900", "100");
    *y(&mut p, 2025) = year("3000", "2900", "100");
    let c = cond(&srdi(&p), "srdi26.rd_each_year").clone();
    assert_eq!(c.met, Met::Yes, "{c:?}");
    y(&mut p, 2024).rd_expense = Some(d("99.99"));
    let c = cond(&srdi(&p), "srdi26.rd_each_year").clone();
    assert_eq!(
        (c.met, c.gap.expect("fixture").text),
        (Met::No, "还需研发投入 ¥100".to_string())
    );
    y(&mut p, 2024).rd_expense = Some(d("100"));
    y(&mut p, 2025).operating_revenue = Some(d("3400"));
    let c = cond(&srdi(&p), "srdi26.rd_each_year").clone();
    assert_eq!(
        (c.met, c.gap.expect("fixture").amount),
        (Met::No, d("20000"))
    );
    // Missing a year: unknown with a note, never a silent pass.
    p.years.remove(&2024);
    y(&mut p, 2025).operating_revenue = Some(d("3000"));
    let c = cond(&srdi(&p), "srdi26.rd_each_year").clone();
    assert_eq!(c.met, Met::Unknown);
    assert!(
        c.note
            .expect("fixture")
            .contains("缺少2024年度研发费用数据")
    );
}

#[test]
fn srdi2026_ip_and_waivers() {
    // §3.2 专精特新 #4: ≥ 1 Ⅰ类 IP applied; waived by 省部级以上 award top 3 or institution.
    let mut p = applicant();
    p.ip.clear();
    let c = cond(&srdi(&p), "srdi26.ip").clone();
    assert_eq!(
        (c.met, c.gap.expect("fixture").text),
        (Met::No, "还需 1 件Ⅰ类知识产权".to_string())
    );
    let mut q = p.clone();
    q.awards.push(Award {
        level: AwardLevel::Provincial,
        year: 2023,
        rank: 3,
        name: None,
    });
    assert_eq!(met_of(&srdi(&q), "srdi26.ip"), Met::Yes);
    q.awards[0].rank = 4;
    assert_eq!(met_of(&srdi(&q), "srdi26.ip"), Met::No);
    let mut q = p.clone();
    q.institutions.push(Institution {
        level: InstitutionLevelInput::Provincial,
        kind: None,
        joint: false,
    });
    assert_eq!(met_of(&srdi(&q), "srdi26.ip"), Met::Yes);
    let mut q = p.clone();
    let mut item = ip();
    item.applied = None;
    q.ip.push(item);
    assert_eq!(met_of(&srdi(&q), "srdi26.ip"), Met::Unknown);
}

#[test]
fn srdi2026_share_leading_needs_review_when_undeclared() {
    let mut p = applicant();
    p.market.share_leading = None;
    let r = srdi(&p);
    assert_eq!(met_of(&r, "srdi26.share"), Met::Unknown);
    assert_eq!(r.status, Status::ManualReview);
}

#[test]
fn srdi2026_dev_score_50_and_review_rule() {
    // §3.2 专精特新 #6: this year's score ≥ 50; review: either of the last 2 years.
    let mut p = applicant();
    p.srdi_dev_score = [(2026, 50)].into();
    assert_eq!(met_of(&srdi(&p), "srdi26.dev_score"), Met::Yes);
    p.srdi_dev_score = [(2026, 49), (2025, 80)].into();
    let c = cond(&srdi(&p), "srdi26.dev_score").clone();
    assert_eq!(
        (c.met, c.gap.expect("fixture").text),
        (Met::No, "还需 1 分".to_string())
    );
    p.srdi_dev_score.clear();
    assert_eq!(met_of(&srdi(&p), "srdi26.dev_score"), Met::Unknown);
    // Review (holds a valid 专精特新): 2025 = 50 suffices.
    let mut r = base();
    r.srdi_dev_score = [(2026, 49), (2025, 50)].into();
    assert_eq!(met_of(&srdi(&r), "srdi26.dev_score"), Met::Yes);
    r.srdi_dev_score = [(2026, 49), (2025, 49)].into();
    assert_eq!(met_of(&srdi(&r), "srdi26.dev_score"), Met::No);
    r.srdi_dev_score = [(2026, 49)].into();
    assert_eq!(met_of(&srdi(&r), "srdi26.dev_score"), Met::Unknown);
}

// ---------- 小巨人 ----------

#[test]
fn lg2026_requires_a_valid_srdi() {
    let r = lg(&applicant());
    assert_eq!(met_of(&r, "lg26.srdi_held"), Met::No);
    assert_eq!(r.status, Status::NotEligible);
}

#[test]
fn lg2026_revenue_5000_main_90_debt_75() {
    // §3.2 小巨人 #2.
    let mut p = base();
    *y(&mut p, 2025) = year("5000", "4500", "300");
    let r = lg(&p);
    assert_eq!(
        (met_of(&r, "lg26.revenue"), met_of(&r, "lg26.main_share")),
        (Met::Yes, Met::Yes)
    );
    y(&mut p, 2025).operating_revenue = Some(d("4999.99"));
    y(&mut p, 2025).main_revenue = Some(d("4499.99"));
    let r = lg(&p);
    assert_eq!(
        cond(&r, "lg26.revenue").gap.as_ref().expect("fixture").text,
        "还需营业收入 ¥100"
    );
    assert_eq!(met_of(&r, "lg26.main_share"), Met::No);
    for (na, want) in [("2500", Met::Yes), ("2499", Met::No)] {
        let mut p = base();
        y(&mut p, 2025).net_assets = Some(d(na));
        assert_eq!(met_of(&lg(&p), "lg26.debt"), want, "{na}");
    }
}

#[test]
fn lg2026_cagr_exactly_5pct_passes_and_review_skips_it() {
    // §3.2 小巨人 #2: v(2025) ≥ 1.1025 × v(2023).
    let mut p = base();
    y(&mut p, 2025).operating_revenue = Some(d("11025"));
    y(&mut p, 2025).main_revenue = Some(d("10000"));
    assert_eq!(met_of(&lg(&p), "lg26.cagr"), Met::Yes);
    y(&mut p, 2025).operating_revenue = Some(d("11024.99"));
    let c = cond(&lg(&p), "lg26.cagr").clone();
    assert_eq!((c.met, c.gap.expect("fixture").amount), (Met::No, d("100")));
    p.qualifications.push(held(Q::LittleGiant));
    let r = lg(&p);
    assert_eq!(met_of(&r, "lg26.cagr"), Met::Yes);
    assert!(r.warnings.iter().any(|w| w.contains("63号")));
    let mut p = base();
    p.years.remove(&2023);
    assert_eq!(met_of(&lg(&p), "lg26.cagr"), Met::Unknown);
}

#[test]
fn lg2026_rd_1200_total_and_3pct_each_year() {
    // §3.2 小巨人 #3.
    let mut p = base();
    y(&mut p, 2024).rd_expense = Some(d("600"));
    y(&mut p, 2025).rd_expense = Some(d("600"));
    assert_eq!(met_of(&lg(&p), "lg26.rd"), Met::Yes);
    y(&mut p, 2025).rd_expense = Some(d("599.99"));
    let c = cond(&lg(&p), "lg26.rd").clone();
    assert_eq!((c.met, c.gap.expect("fixture").amount), (Met::No, d("100")));
    // Total met but 2024 below 3 % of 11,000万 (330万).
    let mut p = base();
    y(&mut p, 2024).rd_expense = Some(d("329.99"));
    y(&mut p, 2025).rd_expense = Some(d("1000"));
    let c = cond(&lg(&p), "lg26.rd").clone();
    assert_eq!((c.met, c.gap.expect("fixture").amount), (Met::No, d("100")));
    y(&mut p, 2024).rd_expense = Some(d("330"));
    assert_eq!(met_of(&lg(&p), "lg26.rd"), Met::Yes);
}

#[test]
fn lg2026_four_own_class_i_ip_top3_holder() {
    // §3.2 小巨人 #4: ≥ 4, no transferred-in, top-3 holder; waived by national award top 3.
    let mut p = base();
    p.ip[3].acquisition = Acquisition::Transfer;
    p.ip[3].acquired_on = Some(day(2020, 1, 1));
    let c = cond(&lg(&p), "lg26.ip").clone();
    assert_eq!(
        (c.met, c.gap.expect("fixture").text),
        (Met::No, "还需 1 件Ⅰ类知识产权".to_string())
    );
    let mut p = base();
    p.ip[3].holder_rank = Some(4);
    assert_eq!(met_of(&lg(&p), "lg26.ip"), Met::No);
    p.ip[3].holder_rank = Some(3);
    assert_eq!(met_of(&lg(&p), "lg26.ip"), Met::Yes);
    p.ip[3].holder_rank = None;
    let c = cond(&lg(&p), "lg26.ip").clone();
    assert_eq!(c.met, Met::Yes);
    assert!(c.note.expect("fixture").contains("未申报权利人排名"));
    let mut p = base();
    p.ip.clear();
    p.awards.push(Award {
        level: AwardLevel::National,
        year: 2024,
        rank: 3,
        name: None,
    });
    assert_eq!(met_of(&lg(&p), "lg26.ip"), Met::Yes);
    p.awards[0].level = AwardLevel::Provincial;
    assert_eq!(met_of(&lg(&p), "lg26.ip"), Met::No);
}

#[test]
fn lg2026_share_field_and_dev_score() {
    // §3.2 小巨人 #5 share ≥ 10 % or top 3; #6 六基 / key link; #7 score ≥ 60.
    for (share, top3, want) in [
        (Some("10"), Some(false), Met::Yes),
        (Some("9.99"), Some(false), Met::No),
        (Some("9.99"), Some(true), Met::Yes),
        (None, Some(false), Met::Unknown),
        (None, None, Met::Unknown),
    ] {
        let mut p = base();
        p.market.niche_share_pct = share.map(d);
        p.market.niche_top3 = top3;
        assert_eq!(met_of(&lg(&p), "lg26.share"), want, "{share:?} {top3:?}");
    }
    for (f, area, want) in [
        (Some(ProductField::ChainKeyLink), Some(false), Met::Yes),
        (Some(ProductField::Foundation), Some(false), Met::Yes),
        (Some(ProductField::Other), Some(true), Met::Yes),
        (Some(ProductField::Other), Some(false), Met::No),
        (None, Some(false), Met::Unknown),
    ] {
        let mut p = base();
        p.market.product_field = f;
        p.market.key_area_product = area;
        assert_eq!(met_of(&lg(&p), "lg26.product_field"), want);
    }
    let mut p = base();
    p.srdi_dev_score = [(2026, 60)].into();
    assert_eq!(met_of(&lg(&p), "lg26.dev_score"), Met::Yes);
    p.srdi_dev_score = [(2026, 59)].into();
    assert_eq!(met_of(&lg(&p), "lg26.dev_score"), Met::No);
}

// ---------- 科技和创新型, 创新型 ----------

#[test]
fn tis2026_holding_a_techsme_qualification_is_eligible() {
    let mut p = Profile {
        name: "持证企业".into(),
        ..Profile::default()
    };
    p.qualifications.push(held(Q::TechSme));
    let r = srdi_2026::tech_innovative(&p, &ctx());
    assert_eq!(r.status, Status::Eligible);
    assert_eq!(r.pack, PackId::Srdi2026);
    assert!(r.route.expect("fixture").contains("已持有"));
}

#[test]
fn tis2026_firm_holding_nothing_is_scored_via_innovative() {
    let mut p = applicant();
    p.qualifications.clear();
    let r = srdi_2026::tech_innovative(&p, &ctx());
    assert_eq!(r.status, Status::Eligible, "{:#?}", r.conditions);
    assert!(r.route.expect("fixture").contains("63号附件1"));
    // A firm failing 创新型 is never eligible (科小 decides or a person does).
    let bare = Profile {
        name: "空白企业".into(),
        ..Profile::default()
    };
    let r = srdi_2026::tech_innovative(&bare, &ctx());
    assert_ne!(r.status, Status::Eligible);
}

#[test]
fn srdi2026_evaluate_returns_four_tiers_and_keeps_annex1() {
    let rs = srdi_2026::evaluate(&base(), &ctx());
    let tiers: Vec<_> = rs.iter().map(|r| r.tier).collect();
    assert_eq!(
        tiers,
        vec![
            Q::TechInnovativeSme,
            Q::InnovativeSme,
            Q::Srdi,
            Q::LittleGiant
        ]
    );
    assert!(rs.iter().all(|r| r.pack == PackId::Srdi2026));
    assert!(rs[1].warnings.iter().any(|w| w.contains("第三十条")));
    assert!(rs[1].items.iter().any(|i| i.id == "innov.score.ip"));
}

// ---------- Worked example (docs/ladder/SRDI-2026-2.md) ----------

#[test]
fn srdi2026_worked_example_matches_the_doc() {
    let p: Profile = serde_json::from_str(include_str!(
        "../../../examples/ladder/srdi-2026-2-example.json"
    ))
    .expect("fixture");
    p.validate().expect("fixture");
    let rs = kechuang_core::ladder::evaluate_pack(PackId::Srdi2026, &p, &ctx()).expect("fixture");
    let (tis, inn, sr, lgr) = (&rs[0], &rs[1], &rs[2], &rs[3]);
    assert_eq!(tis.status, Status::Eligible);
    // 创新型 (63号 附件1): 15 + 15 + 20 + 5 + 5 + 20 = 80.
    assert_eq!(inn.score.expect("fixture").min, 80);
    assert_eq!(inn.status, Status::Eligible);
    for id in [
        "srdi26.title",
        "srdi26.niche",
        "srdi26.revenue",
        "srdi26.main_share",
        "srdi26.debt",
        "srdi26.rd_each_year",
        "srdi26.ip",
        "srdi26.share",
        "srdi26.dev_score",
    ] {
        assert_eq!(met_of(sr, id), Met::Yes, "{id}");
    }
    assert_eq!(
        cond(sr, "srdi26.main_share").actual.as_deref(),
        Some("86.00 %")
    );
    assert_eq!(cond(sr, "srdi26.debt").actual.as_deref(), Some("70.00 %"));
    assert_eq!(sr.status, Status::Eligible);
    // 小巨人: every listed condition fails with its gap.
    let gaps: Vec<(&str, String)> = lgr
        .gaps()
        .map(|c| {
            (
                c.id.as_str(),
                c.gap.as_ref().map(|g| g.text.clone()).unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        gaps,
        vec![
            ("lg26.srdi_held", String::new()),
            ("lg26.revenue", "还需营业收入 ¥25,000,000".to_string()),
            ("lg26.main_share", "还需提高 4 个百分点".to_string()),
            ("lg26.rd", "还需研发投入 ¥9,750,000".to_string()),
            ("lg26.ip", "还需 3 件Ⅰ类知识产权".to_string()),
            ("lg26.share", String::new()),
            ("lg26.product_field", String::new()),
            ("lg26.dev_score", "还需 4 分".to_string()),
        ]
    );
    assert_eq!(met_of(lgr, "lg26.cagr"), Met::Yes);
    assert_eq!(met_of(lgr, "lg26.debt"), Met::Yes);
    assert_eq!(lgr.status, Status::NotEligible);
}

// ---------- Properties ----------

fn rank(s: Status) -> u8 {
    match s {
        Status::NotEligible => 0,
        Status::ManualReview => 1,
        Status::Eligible => 2,
    }
}

fn arb_firm() -> impl Strategy<Value = Profile> {
    (
        0u32..20_000,
        0u32..1_000,
        0u32..1_000,
        0usize..5,
        30u32..90,
        any::<bool>(),
    )
        .prop_map(|(rev, rd1, rd2, n_ip, score, reviewing)| {
            let mut p = if reviewing { base() } else { applicant() };
            let f = y(&mut p, 2025);
            f.operating_revenue = Some(Decimal::from(rev));
            f.main_revenue = Some(Decimal::from(rev) * d("0.95"));
            f.rd_expense = Some(Decimal::from(rd1));
            y(&mut p, 2024).rd_expense = Some(Decimal::from(rd2));
            p.ip.truncate(n_ip);
            p.srdi_dev_score.insert(2026, score);
            p
        })
}

proptest! {
    #[test]
    fn more_rd_or_ip_never_turns_eligible_into_not(p in arb_firm(), extra in 1u32..2_000, add_ip in any::<bool>()) {
        let mut q = p.clone();
        for yr in [2024, 2025] {
            let f = y(&mut q, yr);
            f.rd_expense = Some(f.rd_expense.expect("fixture") + Decimal::from(extra));
        }
        if add_ip {
            q.ip.push(ip());
        }
        for (a, b) in srdi_2026::evaluate(&p, &ctx()).iter().zip(srdi_2026::evaluate(&q, &ctx()).iter()) {
            if let (Some(x), Some(y)) = (a.score, b.score) {
                prop_assert!(y.min >= x.min && y.max >= x.max);
            }
            prop_assert!(rank(b.status) >= rank(a.status), "{:?}: {:?} -> {:?}", a.tier, a.status, b.status);
        }
    }

    #[test]
    fn a_firm_meeting_every_condition_is_eligible(
        rev in 5_000u32..100_000, growth in 0u32..40, rd_pct in 3u32..20, main_pct in 90u32..=100,
        debt in 0u32..=75, n_ip in 4usize..8, score in 60u32..=100, since in 1990i32..=2023,
    ) {
        // CAGR exactly 5 % when growth = 0.
        let rev3 = Decimal::from(rev);
        let rev1 = rev3 * d("1.1025") * (d("1") + Decimal::from(growth) / d("100"));
        let mut p = base();
        for (yr, v) in [(2023, rev3), (2024, rev1), (2025, rev1)] {
            let f = y(&mut p, yr);
            f.operating_revenue = Some(v);
            f.main_revenue = Some(v * Decimal::from(main_pct) / d("100"));
            f.rd_expense = Some((v * Decimal::from(rd_pct) / d("100")).max(d("600")));
            f.net_assets = Some(d("10000") - Decimal::from(debt * 100));
        }
        p.ip = vec![ip(); n_ip];
        p.srdi_dev_score = [(2026, score)].into();
        p.market.niche_since = Some(since);
        let a = srdi(&applicant_from(&p));
        prop_assert_eq!(a.status, Status::Eligible, "{:#?}", a.conditions);
        let b = lg(&p);
        prop_assert_eq!(b.status, Status::Eligible, "{:#?}", b.conditions);
    }
}

fn applicant_from(p: &Profile) -> Profile {
    let mut q = p.clone();
    q.qualifications = vec![held(Q::InnovativeSme)];
    q
}
