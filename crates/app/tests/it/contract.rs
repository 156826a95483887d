//! Technology contract registration through the app: the stored workflow
//! history, refusals that write nothing, the time limit, duplicates, numbering
//! under concurrency, statistics against a hand-computed fixture, permissions,
//! the certificate and the link to the matchmaking chain.

use crate::common::*;
use chrono::NaiveDate;
use kechuang_app::ops::contract::{
    self, ChangeInput, ContractInput, LinkInput, ListQuery, PartyInput, StepInput,
};
use kechuang_app::ops::contract_stats::{self, StatsQuery};
use kechuang_app::ops::org::{self, OrgInput};
use kechuang_app::ops::outcome::{self, DirectInput};
use kechuang_app::{Actor, App, AppError};
use kechuang_core::chain::CollaborationInput;
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::{OrgId, UserId};
use kechuang_core::role::Role;
use kechuang_store::Store;
use kechuang_testkit::store_test;
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const WAN: i64 = 1_000_000;

struct Org {
    id: OrgId,
    code: String,
    name: String,
}

async fn make_org(app: &App, kind: &str, n: u32, town: &str) -> Org {
    let admin = bureau(Role::BureauAdmin, None);
    let prefix = if kind == "企业" {
        "91500151"
    } else {
        "12500000"
    };
    let code = CreditCode::complete(&format!("{prefix}{n:09}"))
        .unwrap()
        .to_string();
    let name = format!("重庆{kind}{n}");
    let id = org::create(
        app,
        &admin,
        &OrgInput {
            kind: kind.into(),
            credit_code: code.clone(),
            name: name.clone(),
            town: town.into(),
            ..OrgInput::default()
        },
    )
    .await
    .unwrap();
    Org { id, code, name }
}

fn user(org: &Org, role: Role) -> Actor {
    Actor {
        user_id: Some(UserId(format!("u-{}", org.id))),
        username: format!("u{}", &org.id.as_str()[..8]),
        display_name: org.name.clone(),
        role,
        org_id: Some(org.id.clone()),
        towns: None,
    }
}

fn party(side: &str, o: &Org, kind: &str) -> PartyInput {
    PartyInput {
        side: side.into(),
        name: o.name.clone(),
        credit_code: o.code.clone(),
        kind: kind.into(),
    }
}

fn input(seller: &Org, buyer: &Org, amount_wan: i64, text: &str) -> ContractInput {
    ContractInput {
        title: format!("{}委托开发", buyer.name),
        subtype: "commissioned_development".into(),
        field: "new_energy".into(),
        amount_fen: amount_wan * WAN,
        non_technical_fen: 0,
        tech_transaction_fen: amount_wan * WAN,
        signed_on: "2023-02-20".into(),
        valid_from: "2023-03-01".into(),
        valid_to: "2024-02-29".into(),
        text: text.into(),
        parties: vec![
            party("seller", seller, "university"),
            party("buyer", buyer, "enterprise"),
        ],
        ..Default::default()
    }
}

fn step(s: &str) -> StepInput {
    StepInput {
        step: s.into(),
        ..Default::default()
    }
}

fn err(e: &AppError) -> (String, &'static str) {
    match e {
        AppError::Invalid(f) => (f[0].field.clone(), f[0].code),
        AppError::Conflict(f) => (f.field.clone(), f.code),
        other => panic!("{other:?}"),
    }
}

async fn events(store: &Store) -> usize {
    store
        .read()
        .await
        .unwrap()
        .events_after(0, 1_000_000)
        .await
        .unwrap()
        .len()
}

/// How far [`register`] takes a new contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Submitted,
    Accepted,
    Registered,
}

/// The registration sequence: `seller` submits `i`, then the registrar
/// accepts and registers it, every step on `on`, stopping at `until`.
/// Returns the contract's id.
async fn register(
    w: &World,
    seller: &Actor,
    i: &ContractInput,
    on: NaiveDate,
    until: Stage,
) -> String {
    let id = contract::submit_on(&w.app, seller, i, on)
        .await
        .unwrap()
        .contract
        .id;
    for (stage, s) in [(Stage::Accepted, "accept"), (Stage::Registered, "register")] {
        if stage <= until {
            contract::step_on(&w.app, &w.reviewer, &id, &step(s), on)
                .await
                .unwrap();
        }
    }
    id
}

/// The registrar's statistics for the months `from` to `to`, as `actor` sees them.
async fn stats(w: &World, actor: &Actor, from: &str, to: &str) -> contract_stats::ContractStats {
    contract_stats::statistics(
        &w.app,
        actor,
        &StatsQuery {
            from: from.into(),
            to: to.into(),
        },
    )
    .await
    .unwrap()
}

struct World {
    app: App,
    uni: Org,
    firm: Org,
    other: Org,
    seller: Actor,
    reviewer: Actor,
    admin: Actor,
}

async fn world(store: &Store) -> World {
    let app = app(store);
    let uni = make_org(&app, "高校", 1, "巴川街道").await;
    let firm = make_org(&app, "企业", 2, "东城街道").await;
    let other = make_org(&app, "企业", 3, "南城街道").await;
    World {
        seller: user(&uni, Role::Research),
        reviewer: bureau(Role::BureauReviewer, None),
        admin: bureau(Role::BureauAdmin, None),
        app,
        uni,
        firm,
        other,
    }
}

store_test!(
    the_workflow_keeps_its_history_and_refusals_write_nothing,
    |store| {
        let w = world(&store).await;
        let app = &w.app;
        let s = contract::submit_on(
            app,
            &w.seller,
            &input(&w.uni, &w.firm, 120, "甲方委托乙方开发储能热管理系统"),
            d("2023-03-10"),
        )
        .await
        .unwrap();
        let id = s.contract.id.clone();
        assert_eq!(s.contract.status, "submitted");
        assert_eq!(s.contract.town.as_deref(), Some("巴川街道"));

        // A seller cannot accept; a registrar cannot withdraw: nothing written.
        let before = events(&store).await;
        let e = contract::step_on(app, &w.seller, &id, &step("accept"), d("2023-03-11"))
            .await
            .unwrap_err();
        assert_eq!(err(&e), ("step".into(), "contract_registrar_only"));
        let e = contract::step_on(app, &w.reviewer, &id, &step("withdraw"), d("2023-03-11"))
            .await
            .unwrap_err();
        assert_eq!(err(&e), ("step".into(), "contract_seller_only"));
        let e = contract::step_on(app, &w.reviewer, &id, &step("register"), d("2023-03-11"))
            .await
            .unwrap_err();
        assert_eq!(err(&e), ("step".into(), "contract_step_not_allowed"));
        assert_eq!(events(&store).await, before);

        let a = contract::step_on(app, &w.reviewer, &id, &step("accept"), d("2023-03-11"))
            .await
            .unwrap();
        assert_eq!(a.status, "accepted");
        assert_eq!(a.regime.as_deref(), Some("TCR-2000"));
        assert_eq!(a.deadline, Some(d("2023-04-10")));
        let r = contract::step_on(
            app,
            &w.reviewer,
            &id,
            &StepInput {
                step: "return".into(),
                note: "补充技术指标附件".into(),
                ..Default::default()
            },
            d("2023-03-12"),
        )
        .await
        .unwrap();
        assert_eq!(r.status, "returned");
        assert_eq!(r.deadline, None);
        // The seller corrects the amount and resubmits.
        let mut fixed = input(
            &w.uni,
            &w.firm,
            150,
            "甲方委托乙方开发储能热管理系统（补正）",
        );
        fixed.non_technical_fen = 30 * WAN;
        fixed.tech_transaction_fen = 120 * WAN;
        let r = contract::resubmit_on(app, &w.seller, &id, &fixed, d("2023-03-15"))
            .await
            .unwrap();
        assert_eq!(r.status, "submitted");
        assert_eq!(r.amount.fen, 150 * WAN);
        contract::step_on(app, &w.reviewer, &id, &step("accept"), d("2023-03-16"))
            .await
            .unwrap();
        // Registered, reclassified, with the verified amount and the year's first number.
        let reg = contract::step_on(
            app,
            &w.reviewer,
            &id,
            &StepInput {
                step: "register".into(),
                subtype: "cooperative_development".into(),
                tech_transaction_fen: Some(110 * WAN),
                ..Default::default()
            },
            d("2023-03-20"),
        )
        .await
        .unwrap();
        assert_eq!(reg.status, "registered");
        assert_eq!(reg.subtype, "cooperative_development");
        assert_eq!(reg.tech_verified.fen, 110 * WAN);
        assert_eq!(reg.registration_number.as_deref(), Some("2023500151000001"));
        assert_eq!(reg.registered_on, Some(d("2023-03-20")));

        // 变更登记: the amounts change, the history keeps the old values.
        let e = contract::change_on(
            app,
            &w.reviewer,
            &id,
            &ChangeInput {
                amount_fen: Some(160 * WAN),
                ..Default::default()
            },
            d("2023-05-01"),
        )
        .await
        .unwrap_err();
        assert_eq!(err(&e), ("reason".into(), "required"));
        contract::change_on(
            app,
            &w.reviewer,
            &id,
            &ChangeInput {
                amount_fen: Some(160 * WAN),
                non_technical_fen: Some(30 * WAN),
                tech_transaction_fen: Some(130 * WAN),
                reason: "双方签订补充协议".into(),
                ..Default::default()
            },
            d("2023-05-01"),
        )
        .await
        .unwrap();
        let detail = contract::get(app, &w.reviewer, &id).await.unwrap();
        assert_eq!(detail.contract.amount.fen, 160 * WAN);
        assert_eq!(detail.contract.tech_verified.fen, 130 * WAN);
        let changed: Vec<(&str, Option<&str>, Option<&str>)> = detail
            .changes
            .iter()
            .map(|c| {
                (
                    c.field.as_str(),
                    c.old_value.as_deref(),
                    c.new_value.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            changed,
            [
                ("amount_fen", Some("150000000"), Some("160000000")),
                ("tech_transaction_fen", Some("110000000"), Some("130000000")),
            ]
        );
        // Cancelled after registration.
        let c = contract::step_on(
            app,
            &w.reviewer,
            &id,
            &StepInput {
                step: "cancel".into(),
                reason: "合同解除".into(),
                ..Default::default()
            },
            d("2023-06-01"),
        )
        .await
        .unwrap();
        assert_eq!(c.status, "cancelled");
        assert_eq!(c.cancel_reason.as_deref(), Some("合同解除"));
        let detail = contract::get(app, &w.reviewer, &id).await.unwrap();
        let steps: Vec<(&str, &str)> = detail
            .steps
            .iter()
            .map(|s| (s.step.as_str(), s.status_after.as_str()))
            .collect();
        assert_eq!(
            steps,
            [
                ("submit", "submitted"),
                ("accept", "accepted"),
                ("return", "returned"),
                ("resubmit", "submitted"),
                ("accept", "accepted"),
                ("register", "registered"),
                ("change", "registered"),
                ("cancel", "cancelled"),
            ]
        );
        assert_eq!(detail.steps[2].note.as_deref(), Some("补充技术指标附件"));
    }
);

store_test!(
    a_decision_after_the_time_limit_needs_an_admin_with_a_reason,
    |store| {
        let w = world(&store).await;
        let app = &w.app;
        let id = register(
            &w,
            &w.seller,
            &input(&w.uni, &w.firm, 80, "技术开发合同正文"),
            d("2023-03-01"),
            Stage::Accepted,
        )
        .await;
        let before = events(&store).await;
        let e = contract::step_on(app, &w.reviewer, &id, &step("register"), d("2023-04-15"))
            .await
            .unwrap_err();
        assert_eq!(err(&e), ("step".into(), "contract_review_overdue"));
        let e = contract::step_on(app, &w.admin, &id, &step("register"), d("2023-04-15"))
            .await
            .unwrap_err();
        assert_eq!(err(&e), ("late_reason".into(), "contract_late_reason"));
        assert_eq!(events(&store).await, before);
        let v = contract::get(app, &w.reviewer, &id).await.unwrap();
        assert_eq!(v.contract.status, "accepted");
        let ok = contract::step_on(
            app,
            &w.admin,
            &id,
            &StepInput {
                step: "register".into(),
                late_reason: "当事人补充材料延误".into(),
                ..Default::default()
            },
            d("2023-04-15"),
        )
        .await
        .unwrap();
        assert_eq!(ok.status, "registered");
        // A refusal names one of the §4.4 reasons.
        let id2 = register(
            &w,
            &w.seller,
            &input(&w.uni, &w.other, 5, "设备采购合同"),
            d("2023-03-01"),
            Stage::Submitted,
        )
        .await;
        contract::step_on(app, &w.reviewer, &id2, &step("accept"), d("2023-03-02"))
            .await
            .unwrap();
        let e = contract::step_on(app, &w.reviewer, &id2, &step("refuse"), d("2023-03-03"))
            .await
            .unwrap_err();
        assert_eq!(err(&e), ("refusal_reason".into(), "required"));
        let r = contract::step_on(
            app,
            &w.reviewer,
            &id2,
            &StepInput {
                step: "refuse".into(),
                refusal_reason: "not_technology_contract".into(),
                note: "一般设备采购".into(),
                ..Default::default()
            },
            d("2023-03-03"),
        )
        .await
        .unwrap();
        assert_eq!(r.status, "refused");
        assert_eq!(r.refusal_zh, Some("不属于技术合同认定登记范围"));
    }
);

store_test!(one_contract_is_registered_once, |store| {
    let w = world(&store).await;
    let app = &w.app;
    let first = contract::submit_on(
        app,
        &w.seller,
        &input(&w.uni, &w.firm, 100, "合同正文：甲方委托乙方。"),
        d("2023-03-01"),
    )
    .await
    .unwrap();
    assert!(first.warnings.is_empty());
    // The same parties, amount and text (punctuation aside) is the same contract.
    let before = events(&store).await;
    let e = contract::submit_on(
        app,
        &w.seller,
        &input(&w.uni, &w.firm, 100, "合同正文 甲方委托乙方"),
        d("2023-03-02"),
    )
    .await
    .unwrap_err();
    match &e {
        AppError::Conflict(f) => {
            assert_eq!(f.code, "contract_duplicate");
            assert!(
                f.message().contains(&first.contract.title),
                "{}",
                f.message()
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(events(&store).await, before);
    // Same parties and amount, another text: accepted with a warning.
    let second = contract::submit_on(
        app,
        &w.seller,
        &input(&w.uni, &w.firm, 100, "另一份合同的正文"),
        d("2023-03-02"),
    )
    .await
    .unwrap();
    assert_eq!(second.warnings.len(), 1);
    assert_eq!(second.warnings[0].id, first.contract.id);
    let queue = contract::queue(app, &w.reviewer).await.unwrap();
    assert_eq!(queue.len(), 2);
    assert!(queue.iter().all(|q| q.warnings.len() == 1));
    // A withdrawn contract no longer blocks its text.
    contract::step_on(
        app,
        &w.seller,
        &first.contract.id,
        &step("withdraw"),
        d("2023-03-03"),
    )
    .await
    .unwrap();
    register(
        &w,
        &w.seller,
        &input(&w.uni, &w.firm, 100, "合同正文：甲方委托乙方。"),
        d("2023-03-04"),
        Stage::Submitted,
    )
    .await;
});

store_test!(bad_input_names_its_fields_and_writes_nothing, |store| {
    let w = world(&store).await;
    let app = &w.app;
    let before = events(&store).await;
    let mut i = input(&w.uni, &w.firm, 100, "正文");
    i.tech_transaction_fen = 101 * WAN;
    let e = contract::submit_on(app, &w.seller, &i, d("2023-03-01"))
        .await
        .unwrap_err();
    assert_eq!(
        err(&e),
        ("tech_transaction".into(), "contract_tx_exceeds_amount")
    );
    let mut i = input(&w.uni, &w.firm, 100, "正文");
    i.parties.push(party("buyer", &w.uni, "university"));
    let e = contract::submit_on(app, &w.seller, &i, d("2023-03-01"))
        .await
        .unwrap_err();
    assert_eq!(err(&e), ("parties[2]".into(), "contract_party_both_sides"));
    let mut i = input(&w.uni, &w.firm, 100, "正文");
    i.valid_to = "2023-01-01".into();
    let e = contract::submit_on(app, &w.seller, &i, d("2023-03-01"))
        .await
        .unwrap_err();
    assert_eq!(err(&e), ("valid_to".into(), "contract_validity_order"));
    let mut i = input(&w.uni, &w.firm, 100, "正文");
    i.subtype = "x".into();
    i.signed_on = "not a date".into();
    let e = contract::submit_on(app, &w.seller, &i, d("2023-03-01"))
        .await
        .unwrap_err();
    match &e {
        AppError::Invalid(f) => {
            let fields: Vec<&str> = f.iter().map(|x| x.field.as_str()).collect();
            assert_eq!(fields, ["subtype", "signed_on"]);
        }
        other => panic!("{other:?}"),
    }
    // The seller must be among the selling parties.
    let i = input(&w.other, &w.firm, 100, "正文");
    let e = contract::submit_on(app, &w.seller, &i, d("2023-03-01"))
        .await
        .unwrap_err();
    assert_eq!(err(&e), ("parties".into(), "contract_seller_not_org"));
    assert_eq!(events(&store).await, before);
    let page = contract::list(app, &w.reviewer, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(page.total, 0);
});

store_test!(sellers_buyers_and_scoped_staff_see_only_theirs, |store| {
    let w = world(&store).await;
    let app = &w.app;
    let id = register(
        &w,
        &w.seller,
        &input(&w.uni, &w.firm, 100, "正文"),
        d("2023-03-01"),
        Stage::Submitted,
    )
    .await;
    // The buyer is a party (by organisation): it sees the contract.
    let buyer = enterprise_user(&w.firm.id);
    assert_eq!(
        contract::get(app, &buyer, &id).await.unwrap().parties.len(),
        2
    );
    assert_eq!(
        contract::list(app, &buyer, &ListQuery::default())
            .await
            .unwrap()
            .total,
        1
    );
    // But cannot act as the seller.
    let e = contract::step_on(app, &buyer, &id, &step("withdraw"), d("2023-03-02"))
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden), "{e:?}");
    // Another organisation: 404, and an empty list.
    let stranger = enterprise_user(&w.other.id);
    let e = contract::get(app, &stranger, &id).await.unwrap_err();
    assert!(matches!(e, AppError::NotFound), "{e:?}");
    assert_eq!(
        contract::list(app, &stranger, &ListQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    let e = contract::certificate_pdf(app, &stranger, &id)
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::NotFound), "{e:?}");
    // A bureau user scoped to another town: 404 too.
    let scoped = bureau(Role::BureauReviewer, Some(vec!["南城街道"]));
    let e = contract::get(app, &scoped, &id).await.unwrap_err();
    assert!(matches!(e, AppError::NotFound), "{e:?}");
    assert_eq!(
        contract::list(app, &scoped, &ListQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    let inside = bureau(Role::BureauReviewer, Some(vec!["巴川街道"]));
    assert_eq!(
        contract::get(app, &inside, &id).await.unwrap().contract.id,
        id
    );
    // An enterprise cannot register for another organisation.
    let mut i = input(&w.uni, &w.firm, 50, "另一正文");
    i.seller_org_id = w.uni.id.to_string();
    let e = contract::submit_on(app, &stranger, &i, d("2023-03-01"))
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::NotFound), "{e:?}");
});

store_test!(statistics_match_a_hand_computed_fixture, |store| {
    let w = world(&store).await;
    let firm_seller = user(&w.other, Role::Enterprise);
    let mk = |seller: &Org, kind: &str, buyer: &Org, wan: i64, sub: &str, field: &str, n: u32| {
        let mut i = input(seller, buyer, wan, &format!("正文{n}"));
        i.parties[0].kind = kind.into();
        i.subtype = sub.into();
        i.field = field.into();
        i.signed_on = "2022-01-05".into();
        i.valid_from = "2022-01-05".into();
        i.valid_to = "2027-01-05".into();
        i
    };
    // 2022: 100 (Mar, development) + 50 (Nov, service).
    register(
        &w,
        &w.seller,
        &mk(
            &w.uni,
            "university",
            &w.firm,
            100,
            "commissioned_development",
            "new_energy",
            1,
        ),
        d("2022-03-10"),
        Stage::Registered,
    )
    .await;
    register(
        &w,
        &w.seller,
        &mk(
            &w.uni,
            "university",
            &w.firm,
            50,
            "general_service",
            "new_materials",
            2,
        ),
        d("2022-11-10"),
        Stage::Registered,
    )
    .await;
    // 2023: 300 (Feb, development, university), 200 (Aug, transfer, enterprise
    // seller in 南城街道), 40 (Oct, outside 1—9月).
    register(
        &w,
        &w.seller,
        &mk(
            &w.uni,
            "university",
            &w.firm,
            300,
            "commissioned_development",
            "new_energy",
            3,
        ),
        d("2023-02-10"),
        Stage::Registered,
    )
    .await;
    let mut t = mk(
        &w.other,
        "enterprise",
        &w.firm,
        200,
        "patent_transfer",
        "advanced_manufacturing",
        4,
    );
    t.non_technical_fen = 20 * WAN;
    t.tech_transaction_fen = 180 * WAN;
    register(&w, &firm_seller, &t, d("2023-08-10"), Stage::Registered).await;
    register(
        &w,
        &w.seller,
        &mk(
            &w.uni,
            "university",
            &w.firm,
            40,
            "training",
            "new_energy",
            5,
        ),
        d("2023-10-10"),
        Stage::Registered,
    )
    .await;
    // Not registered: does not count.
    register(
        &w,
        &w.seller,
        &mk(
            &w.uni,
            "university",
            &w.firm,
            999,
            "training",
            "new_energy",
            6,
        ),
        d("2023-05-10"),
        Stage::Submitted,
    )
    .await;

    let s = stats(&w, &w.reviewer, "2023-01", "2023-09").await;
    assert_eq!(s.total.count, 2);
    assert_eq!(s.total.amount.fen, 500 * WAN);
    assert_eq!(s.total.tech.fen, 480 * WAN);
    let cats: Vec<(&str, i64)> = s
        .by_category
        .iter()
        .map(|r| (r.key.as_str(), r.amount.fen / WAN))
        .collect();
    assert_eq!(cats, [("development", 300), ("transfer", 200)]);
    let towns: Vec<(&str, i64)> = s
        .by_town
        .iter()
        .map(|r| (r.label.as_str(), r.amount.fen / WAN))
        .collect();
    assert_eq!(towns, [("巴川街道", 300), ("南城街道", 200)]);
    let sellers: Vec<(&str, i64)> = s
        .by_seller_type
        .iter()
        .map(|r| (r.key.as_str(), r.count))
        .collect();
    assert_eq!(sellers, [("university", 1), ("enterprise", 1)]);
    assert_eq!(s.by_buyer_type.len(), 1);
    assert_eq!(s.by_buyer_type[0].amount.fen, 500 * WAN);
    let quarters: Vec<(&str, i64)> = s
        .by_quarter
        .iter()
        .map(|r| (r.key.as_str(), r.amount.fen / WAN))
        .collect();
    assert_eq!(quarters, [("2023Q1", 300), ("2023Q3", 200)]);
    let fields: Vec<&str> = s.by_field.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(fields, ["新能源与高效节能", "先进制造与自动化"]);
    // YTD 1—9月: 500 against 100 a year earlier; last year in full 150; the
    // projection keeps last year's seasonality: 500 × 150 / 100 = 750.
    assert_eq!(s.ytd.months, 9);
    assert_eq!(s.ytd.amount.fen, 500 * WAN);
    assert_eq!(s.ytd.last_year_amount.fen, 100 * WAN);
    assert_eq!(s.ytd.last_year_full.fen, 150 * WAN);
    assert_eq!(s.ytd.yoy_pct, Some(Decimal::new(4000, 1)));
    assert_eq!(s.ytd.projection.fen, 750 * WAN);
    assert_eq!(
        s.ytd.sentence,
        "2023年1—9月技术合同成交额0.05亿元，是去年同期的5倍以上。"
    );
    // The whole two years, by year.
    let all = stats(&w, &w.reviewer, "2022-01", "2023-12").await;
    let years: Vec<(&str, i64, i64)> = all
        .by_year
        .iter()
        .map(|r| (r.key.as_str(), r.count, r.amount.fen / WAN))
        .collect();
    assert_eq!(years, [("2022", 2, 150), ("2023", 3, 540)]);
    // A scoped reviewer sees its towns only.
    let scoped = bureau(Role::BureauReviewer, Some(vec!["南城街道"]));
    let s = stats(&w, &scoped, "2023-01", "2023-09").await;
    assert_eq!(s.total.amount.fen, 200 * WAN);
    // Every figure of the scoped page comes from the per-town day sums: the
    // 南城街道 contract alone, in every dimension.
    assert_eq!((s.total.count, s.total.tech.fen), (1, 180 * WAN));
    let row = |v: &[contract_stats::SumRow]| -> Vec<(String, i64, i64)> {
        v.iter()
            .map(|r| (r.key.clone(), r.count, r.amount.fen / WAN))
            .collect()
    };
    assert_eq!(row(&s.by_category), [("transfer".to_string(), 1, 200)]);
    assert_eq!(row(&s.by_seller_type), [("enterprise".to_string(), 1, 200)]);
    assert_eq!(row(&s.by_buyer_type).len(), 1);
    assert_eq!(s.by_town.len(), 1);
    assert_eq!(s.by_town[0].label, "南城街道");
    assert_eq!(s.by_field.len(), 1);
    assert_eq!(s.by_field[0].label, "先进制造与自动化");
    assert_eq!(s.by_subtype.len(), 1);
    assert_eq!(
        s.by_month
            .iter()
            .map(|r| r.key.as_str())
            .collect::<Vec<_>>(),
        ["2023-08"]
    );
    assert_eq!(s.ytd.amount.fen, 200 * WAN);
    assert_eq!(s.ytd.last_year_amount.fen, 0);
    // Scoped to both towns: the district's figures exactly.
    let both = bureau(Role::BureauReviewer, Some(vec!["南城街道", "巴川街道"]));
    let a = stats(&w, &both, "2022-01", "2023-12").await;
    let b = stats(&w, &w.reviewer, "2022-01", "2023-12").await;
    assert_eq!(row(&a.by_year), row(&b.by_year));
    assert_eq!(row(&a.by_category), row(&b.by_category));
    assert_eq!(row(&a.by_field), row(&b.by_field));
    assert_eq!(row(&a.by_month), row(&b.by_month));
    assert_eq!(a.ytd.projection.fen, b.ytd.projection.fen);
    // A user scoped to a town without contracts sees nothing.
    let none = bureau(Role::BureauReviewer, Some(vec!["安居镇"]));
    let n = stats(&w, &none, "2022-01", "2023-12").await;
    assert_eq!((n.total.count, n.total.amount.fen), (0, 0));
    assert!(n.by_town.is_empty() && n.by_category.is_empty());
    // The district report: registered in the range, by registration date.
    let range = kechuang_app::ops::report::parse_range("2023-01", "2023-09").unwrap();
    let r = kechuang_app::ops::report::district(&w.app, &Actor::cli(), &range)
        .await
        .unwrap();
    assert_eq!(r.contracts.count, 2);
    assert_eq!(r.contracts.amount_wan, Decimal::new(50_000, 2));
    assert_eq!(r.contracts.tech_transaction_wan, Decimal::new(48_000, 2));
    assert_eq!(r.contracts.yoy_pct, Some(Decimal::new(4000, 1)));
    let md = kechuang_app::ops::report::to_markdown(&r);
    assert!(md.contains("登记技术合同2项，成交额0.05亿元"), "{md}");
    // A 变更登记 moves the figures; a cancellation removes the contract.
    let ids = contract::list(
        &w.app,
        &w.reviewer,
        &ListQuery {
            status: "registered".into(),
            q: "正文".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(ids.total, 0, "q searches titles and numbers only");
    let page = contract::list(
        &w.app,
        &w.reviewer,
        &ListQuery {
            status: "registered".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page.total, 5);
    let feb = page
        .items
        .iter()
        .find(|c| c.registered_on == Some(d("2023-02-10")))
        .unwrap();
    contract::change_on(
        &w.app,
        &w.reviewer,
        &feb.id,
        &ChangeInput {
            amount_fen: Some(310 * WAN),
            tech_transaction_fen: Some(310 * WAN),
            reason: "补充协议".into(),
            ..Default::default()
        },
        d("2023-09-01"),
    )
    .await
    .unwrap();
    let aug = page
        .items
        .iter()
        .find(|c| c.registered_on == Some(d("2023-08-10")))
        .unwrap();
    contract::step_on(
        &w.app,
        &w.reviewer,
        &aug.id,
        &StepInput {
            step: "cancel".into(),
            reason: "合同终止".into(),
            ..Default::default()
        },
        d("2023-09-02"),
    )
    .await
    .unwrap();
    let s = stats(&w, &w.reviewer, "2023-01", "2023-09").await;
    assert_eq!((s.total.count, s.total.amount.fen), (1, 310 * WAN));
    // The per-town sums moved with the change and the cancellation.
    let nan = bureau(Role::BureauReviewer, Some(vec!["南城街道"]));
    let s = stats(&w, &nan, "2023-01", "2023-09").await;
    assert_eq!((s.total.count, s.total.amount.fen), (0, 0));
    assert!(s.by_category.is_empty());
    let ba = bureau(Role::BureauReviewer, Some(vec!["巴川街道"]));
    let s = stats(&w, &ba, "2023-01", "2023-09").await;
    assert_eq!(
        (s.total.count, s.total.amount.fen, s.total.tech.fen),
        (1, 310 * WAN, 310 * WAN)
    );
});

store_test!(
    concurrent_registrations_get_distinct_consecutive_numbers,
    |store| {
        let w = world(&store).await;
        let mut ids = Vec::new();
        for n in 0..12 {
            let id = register(
                &w,
                &w.seller,
                &input(&w.uni, &w.firm, 10 + n, &format!("正文{n}")),
                d("2024-03-01"),
                Stage::Accepted,
            )
            .await;
            ids.push(id);
        }
        let mut tasks = Vec::new();
        for id in ids {
            let app = w.app.clone();
            let reviewer = w.reviewer.clone();
            tasks.push(tokio::spawn(async move {
                // A busy writer may make a try fail as a conflict; the registrar retries.
                for _ in 0..20 {
                    match contract::step_on(
                        &app,
                        &reviewer,
                        &id,
                        &step("register"),
                        d("2024-03-05"),
                    )
                    .await
                    {
                        Ok(v) => return v.registration_number.unwrap(),
                        Err(AppError::Unavailable(_)) => tokio::task::yield_now().await,
                        Err(e) => panic!("{e:?}"),
                    }
                }
                panic!("no number")
            }));
        }
        let mut numbers = Vec::new();
        for t in tasks {
            numbers.push(t.await.unwrap());
        }
        numbers.sort();
        let expected: Vec<String> = (1..=12).map(|n| format!("2024500151{n:06}")).collect();
        assert_eq!(numbers, expected);
    }
);

store_test!(
    a_registered_contract_closes_the_chain_and_has_a_certificate,
    |store| {
        let w = world(&store).await;
        let app = &w.app;
        let collab = outcome::record_direct(
            app,
            &w.admin,
            &DirectInput {
                enterprise_org_id: w.firm.id.to_string(),
                provider_org_id: w.uni.id.to_string(),
                collab: CollaborationInput {
                    title: "储能热管理联合攻关".into(),
                    signed_on: "2023-02-01".into(),
                    amount_wan: "120".into(),
                    source: "session".into(),
                    session_id: String::new(),
                },
            },
        )
        .await
        .unwrap();
        let mut i = input(&w.uni, &w.firm, 120, "储能热管理联合攻关合同");
        i.collaboration_id = collab.id.clone();
        let id = register(&w, &w.seller, &i, d("2023-03-01"), Stage::Submitted).await;
        // Not registered yet: no certificate, the chain is still open.
        let e = contract::certificate_pdf(app, &w.seller, &id)
            .await
            .unwrap_err();
        assert_eq!(err(&e), ("status".into(), "contract_not_registered"));
        assert!(
            contract::for_collaboration(app, &w.reviewer, &collab.id)
                .await
                .unwrap()
                .is_none()
        );
        contract::step_on(app, &w.reviewer, &id, &step("accept"), d("2023-03-02"))
            .await
            .unwrap();
        contract::step_on(app, &w.reviewer, &id, &step("register"), d("2023-03-03"))
            .await
            .unwrap();
        let linked = contract::for_collaboration(app, &w.reviewer, &collab.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(linked.id, id);
        let view = outcome::collaboration(app, &w.admin, &collab.id)
            .await
            .unwrap();
        assert_eq!(view.contract_id.as_deref(), Some(id.as_str()));
        // The seller downloads the certificate.
        let pdf = contract::certificate_pdf(app, &w.seller, &id)
            .await
            .unwrap();
        let facts = kechuang_app::pdf::check(&pdf).unwrap();
        assert_eq!(facts.pages, 1);
        // Linking to another organisation's collaboration is refused.
        let other = outcome::record_direct(
            app,
            &w.admin,
            &DirectInput {
                enterprise_org_id: w.firm.id.to_string(),
                provider_org_id: w.other.id.to_string(),
                collab: CollaborationInput {
                    title: "其他合作".into(),
                    signed_on: "2023-02-01".into(),
                    amount_wan: String::new(),
                    source: "session".into(),
                    session_id: String::new(),
                },
            },
        )
        .await
        .unwrap();
        let mut lone = input(&w.uni, &w.other, 30, "另一份");
        lone.title = "另一份".into();
        let id2 = register(&w, &w.seller, &lone, d("2023-03-01"), Stage::Submitted).await;
        let e = contract::link(
            app,
            &w.seller,
            &id2,
            &LinkInput {
                collaboration_id: "nope".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(err(&e), ("collaboration_id".into(), "not_found"));
        let e = contract::link(
            app,
            &w.seller,
            &id2,
            &LinkInput {
                collaboration_id: other.id.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            err(&e),
            ("collaboration_id".into(), "contract_collab_other_org")
        );
    }
);

store_test!(
    contract_files_are_checked_stored_downloadable_by_parties_and_searchable,
    |store| {
        let w = world(&store).await;
        let app = &w.app;
        let id = register(
            &w,
            &w.seller,
            &input(&w.uni, &w.firm, 80, "正文"),
            d("2023-03-01"),
            Stage::Submitted,
        )
        .await;
        let before = events(&store).await;
        // Bad files: a clear error naming the field, nothing stored.
        for (name, bytes, code) in [
            ("合同.exe", b"MZ".to_vec(), "contract_file_type"),
            ("合同.pdf", b"hello".to_vec(), "contract_file_content"),
            ("合同.txt", Vec::new(), "contract_file_empty"),
            (
                "合同.txt",
                vec![b'a'; kechuang_core::contract::MAX_FILE_BYTES + 1],
                "contract_file_too_large",
            ),
        ] {
            let e = contract::upload_file(app, &w.seller, &id, name, &bytes)
                .await
                .unwrap_err();
            assert_eq!(err(&e), ("file".to_string(), code), "{name}");
        }
        assert_eq!(events(&store).await, before);
        assert!(
            contract::get(app, &w.seller, &id)
                .await
                .unwrap()
                .file
                .is_none()
        );
        let e = contract::file(app, &w.seller, &id).await.unwrap_err();
        assert_eq!(err(&e), ("file".to_string(), "contract_file_none"));
        // A TXT upload: stored, its text searchable.
        let text = "甲方委托乙方开发钠离子储能电池管理算法。";
        let m = contract::upload_file(app, &w.seller, &id, "C:\\docs\\合同.txt", text.as_bytes())
            .await
            .unwrap();
        assert_eq!(m.file_name, "合同.txt");
        assert_eq!(m.size_bytes, text.len() as i64);
        assert_eq!(events(&store).await, before + 1);
        let found = contract::list(
            app,
            &w.reviewer,
            &ListQuery {
                q: "钠离子储能".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(found.total, 1);
        // The buyer (a party) and the registrar download it; a stranger cannot.
        let buyer = enterprise_user(&w.firm.id);
        let (meta, bytes) = contract::file(app, &buyer, &id).await.unwrap();
        assert_eq!(bytes, text.as_bytes());
        assert_eq!(meta.media_type, "text/plain; charset=utf-8");
        assert_eq!(
            contract::file(app, &w.reviewer, &id).await.unwrap().1,
            text.as_bytes()
        );
        let stranger = enterprise_user(&w.other.id);
        assert!(matches!(
            contract::file(app, &stranger, &id).await.unwrap_err(),
            AppError::NotFound
        ));
        // The buyer may not upload; a PDF replaces the TXT (no longer searched).
        assert!(matches!(
            contract::upload_file(app, &buyer, &id, "a.pdf", b"%PDF-1.4").await,
            Err(AppError::Forbidden)
        ));
        contract::upload_file(app, &w.seller, &id, "合同.pdf", b"%PDF-1.4 x")
            .await
            .unwrap();
        let (meta, bytes) = contract::file(app, &buyer, &id).await.unwrap();
        assert_eq!(
            (meta.media_type.as_str(), bytes.len()),
            ("application/pdf", 10)
        );
        let found = contract::list(
            app,
            &w.reviewer,
            &ListQuery {
                q: "钠离子储能".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(found.total, 0);
        // Returned: the detail carries the registrar's note for the correction form.
        contract::step_on(app, &w.reviewer, &id, &step("accept"), d("2023-03-02"))
            .await
            .unwrap();
        contract::step_on(
            app,
            &w.reviewer,
            &id,
            &StepInput {
                step: "return".into(),
                note: "请补充买方签章页".into(),
                ..Default::default()
            },
            d("2023-03-03"),
        )
        .await
        .unwrap();
        let dt = contract::get(app, &w.seller, &id).await.unwrap();
        assert!(dt.can_resubmit && dt.can_upload);
        assert_eq!(dt.return_note.as_deref(), Some("请补充买方签章页"));
    }
);

// Notifications (the portal's issue 7): submissions to the registrars of the
// seller's town, each step of the registration to the seller.
store_test!(
    registration_steps_notify_the_seller_and_scoped_registrars,
    |store| {
        use kechuang_app::ops::notify;
        let w = world(&store).await;
        let app = &w.app;
        let buyer = user(&w.firm, Role::Enterprise);
        let bachuan = reviewer_of("bachuan", "巴川街道");
        let dongcheng = reviewer_of("dongcheng", "东城街道");
        for a in [
            &w.admin,
            &w.reviewer,
            &w.seller,
            &buyer,
            &bachuan,
            &dongcheng,
        ] {
            add_account(app, a).await;
        }
        notify::start(app).await.unwrap();
        notify::set_prefs(
            app,
            &w.seller,
            "kjc@uni.example.cn",
            &[("contract_updated".into(), "email".into())],
        )
        .await
        .unwrap();
        let i = input(&w.uni, &w.firm, 50, "合同正文");
        let id = contract::submit_on(app, &w.seller, &i, d("2023-03-01"))
            .await
            .unwrap()
            .contract
            .id;
        notify::pump(app, &test_site()).await.unwrap();
        // The seller (巴川) is in the 巴川 reviewer's towns, not the 东城 one's;
        // unscoped staff hear of every submission.
        for a in [&w.admin, &w.reviewer, &bachuan] {
            assert_eq!(kinds_of(app, a).await, ["contract_submitted"]);
        }
        assert!(kinds_of(app, &dongcheng).await.is_empty());
        assert!(kinds_of(app, &w.seller).await.is_empty());
        let n = notify::list(app, &bachuan, false).await.unwrap();
        assert_eq!(n[0].link, format!("/contracts/{id}"));
        assert!(
            n[0].title.starts_with("重庆高校1提交了技术合同"),
            "{}",
            n[0].title
        );

        contract::step_on(
            app,
            &w.reviewer,
            &id,
            &StepInput {
                step: "return".into(),
                note: "缺少技术指标附件".into(),
                ..Default::default()
            },
            d("2023-03-02"),
        )
        .await
        .unwrap();
        contract::resubmit_on(app, &w.seller, &id, &i, d("2023-03-03"))
            .await
            .unwrap();
        contract::step_on(app, &w.reviewer, &id, &step("accept"), d("2023-03-04"))
            .await
            .unwrap();
        contract::step_on(app, &w.reviewer, &id, &step("register"), d("2023-03-06"))
            .await
            .unwrap();
        notify::pump(app, &test_site()).await.unwrap();
        assert_eq!(
            kinds_of(app, &w.seller).await,
            ["contract_updated", "contract_updated", "contract_updated"]
        );
        let mut titles: Vec<String> = notify::list(app, &w.seller, false)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.title)
            .collect();
        titles.sort();
        let t = &i.title;
        let mut want = vec![
            format!("技术合同“{t}”已受理"),
            format!("技术合同“{t}”已认定登记"),
            format!("技术合同“{t}”被退回补正"),
        ];
        want.sort();
        assert_eq!(titles, want);
        let returned = notify::list(app, &w.seller, false)
            .await
            .unwrap()
            .into_iter()
            .find(|n| n.title.ends_with("被退回补正"))
            .unwrap();
        assert!(
            returned.body.contains("缺少技术指标附件"),
            "{}",
            returned.body
        );
        // The buyer is not the registering party.
        assert!(kinds_of(app, &buyer).await.is_empty());
        // The resubmission reached the registrars again.
        assert_eq!(
            kinds_of(app, &bachuan).await,
            ["contract_submitted", "contract_submitted"]
        );
        let mails = mails_to(app, "kjc@uni.example.cn").await;
        assert_eq!(mails.len(), 3);
        assert!(mails.iter().any(|(s, b)| s.ends_with("已认定登记")
            && b.contains("登记编号")
            && b.contains(&format!("http://kc.test/contracts/{id}"))));
    }
);
