//! Knowledge-value credit loans: evaluations, consents, decisions, loans,
//! repayments, claims through the ledger and the circuit breaker.

use crate::common::*;
use kechuang_app::ops::credit::{self, DecisionInput, LoanInput, RepayInput};
use kechuang_app::ops::ip::{self, IpInput};
use kechuang_app::ops::ledger::{self, AppropriateInput};
use kechuang_app::ops::org::{self, OrgInput};
use kechuang_app::{Actor, App, AppError};
use kechuang_core::credit::{Breaker, Settings};
use kechuang_core::ids::{OrgId, UserId};
use kechuang_core::loan::LoanStatus;
use kechuang_core::role::Role;
use kechuang_store::Store;
use kechuang_testkit::store_test;

fn bank_user(org: &OrgId) -> Actor {
    Actor {
        user_id: Some(UserId(format!("u-{org}"))),
        username: format!("b{}", &org.as_str()[..8]),
        display_name: "银行".into(),
        role: Role::Bank,
        org_id: Some(org.clone()),
        towns: None,
    }
}

fn admin() -> Actor {
    bureau(Role::BureauAdmin, None)
}

async fn bank(app: &App, n: u32) -> OrgId {
    org::create(
        app,
        &admin(),
        &OrgInput {
            kind: "银行".into(),
            credit_code: code(n),
            name: format!("测试银行{n}铜梁支行"),
            town: "巴川街道".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// An enterprise with five invention patents and five utility models: 35
/// points of 知识产权, grade D, a line of 160 万元 under the 2023 table.
async fn firm(app: &App, n: u32) -> OrgId {
    let id = org::create(app, &admin(), &enterprise_input(n, "巴川街道"))
        .await
        .unwrap();
    for i in 0..10 {
        let input = IpInput {
            ip_type: if i < 5 {
                "发明专利"
            } else {
                "实用新型"
            }
            .into(),
            number: format!("ZL2020{n:04}{i:04}"),
            title: format!("一种储能装置{i}"),
            granted_on: "2021-03-01".into(),
            status: "有效".into(),
            acquisition: "自主研发".into(),
            ..Default::default()
        };
        ip::add(app, &admin(), &id, &input).await.unwrap();
    }
    id
}

async fn events(store: &Store) -> i64 {
    let mut db = store.read().await.unwrap();
    db.last_event_seq().await.unwrap()
}

struct World {
    app: App,
    a: OrgId,
    b: OrgId,
    x: OrgId,
    y: OrgId,
}

async fn world(store: &Store) -> World {
    let app = app(store);
    let a = firm(&app, 11).await;
    let b = firm(&app, 12).await;
    let x = bank(&app, 21).await;
    let y = bank(&app, 22).await;
    World { app, a, b, x, y }
}

/// Evaluates `org`, has it consent to `bank`, and the bank approve `fen`.
async fn approved(w: &World, org: &OrgId, bank: &OrgId, fen: i64, reason: &str) -> String {
    let e = credit::evaluate(&w.app, &admin(), org, None).await.unwrap();
    let _ = credit::grant_consent(&w.app, &enterprise_user(org), bank.as_str()).await;
    credit::decide(
        &w.app,
        &bank_user(bank),
        &DecisionInput {
            evaluation_id: e.id,
            approve: true,
            amount_fen: fen,
            reason: reason.into(),
        },
    )
    .await
    .unwrap()
    .id
}

fn loan_input(decision: &str, fen: i64, start: &str, end: &str) -> LoanInput {
    LoanInput {
        decision_id: decision.into(),
        amount_fen: fen,
        rate_bp: 385,
        start: start.into(),
        end: end.into(),
        purpose: "研发投入".into(),
        leveraged_commercial_fen: 2 * fen,
        service_fee_fen: fen / 200,
        ..Default::default()
    }
}

fn field_codes(e: &AppError) -> Vec<(String, &'static str)> {
    match e {
        AppError::Invalid(v) => v.iter().map(|f| (f.field.clone(), f.code)).collect(),
        AppError::Conflict(f) => vec![(f.field.clone(), f.code)],
        other => panic!("{other:?}"),
    }
}

store_test!(
    an_evaluation_is_stored_with_its_inputs_explained_and_reproducible,
    |store| {
        let w = world(&store).await;
        let e = credit::evaluate(&w.app, &admin(), &w.a, None)
            .await
            .unwrap();
        assert_eq!(e.inputs.invention_patents, 5);
        assert_eq!(e.inputs.other_ip, 5);
        assert_eq!((e.score, e.grade.as_deref()), (35, Some("D")));
        assert_eq!(e.line.wan, "160");
        assert_eq!(e.items.len(), 6);
        assert_eq!(e.items[0].label, "知识产权");
        assert_eq!(
            (e.items[5].code.as_str(), e.items[5].points, e.items[5].max),
            ("institution", 0, 10),
            "no platform yet"
        );
        assert!(
            e.items[0].value.contains("发明专利 5 件"),
            "{:?}",
            e.items[0]
        );
        // The enterprise reads its own, with every item.
        let own = credit::evaluation(&w.app, &enterprise_user(&w.a), &e.id)
            .await
            .unwrap();
        assert_eq!(own.items, e.items);
        // Another enterprise cannot.
        assert!(matches!(
            credit::evaluation(&w.app, &enterprise_user(&w.b), &e.id).await,
            Err(AppError::NotFound)
        ));
        // Reproducible from what was stored.
        let mut db = store.read().await.unwrap();
        let r = db.credit_evaluation(&e.id).await.unwrap().unwrap();
        let again = credit::reproduce(&r).unwrap();
        assert_eq!(again.score as i32, r.score);
        assert_eq!(again.line.fen(), r.line_fen);
        assert_eq!(
            serde_json::to_string(&again.items).unwrap(),
            r.items,
            "items"
        );
        // Only the bureau evaluates.
        assert!(matches!(
            credit::evaluate(&w.app, &enterprise_user(&w.a), &w.a, None).await,
            Err(AppError::Forbidden)
        ));
        drop(db);
        // A national key laboratory hosted by the enterprise feeds its 研发机构 item.
        use kechuang_app::ops::platform::{self, PlatformInput};
        platform::create(
            &w.app,
            &admin(),
            &PlatformInput {
                name: "测试国家重点实验室".into(),
                kind: "key_laboratory".into(),
                level: "national".into(),
                host_org_id: w.a.to_string(),
                status: "accredited".into(),
                approved_on: "2020-01-01".into(),
                accredited_on: "2020-06-30".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let e2 = credit::evaluate(&w.app, &admin(), &w.a, None)
            .await
            .unwrap();
        assert_eq!(e2.inputs.institution_level, 4);
        assert_eq!((e2.items[5].points, e2.score), (10, 45));
        assert_eq!(e2.items[5].value, "国家级研发机构");
        // The district sets its own points: the grade and line follow, the pack
        // names the points and the stored evaluation reproduces.
        let s = Settings {
            institution_points: [2, 4, 8, 20],
            ..Settings::default()
        };
        credit::set_settings(&w.app, &admin(), &s).await.unwrap();
        let e3 = credit::evaluate(&w.app, &admin(), &w.a, None)
            .await
            .unwrap();
        assert_eq!((e3.score, e3.grade.as_deref()), (55, Some("C")));
        assert_eq!(e3.line.wan, "300");
        assert_eq!(e3.pack, "KVC-CQ-2023-RD:2,4,8,20");
        let mut db = store.read().await.unwrap();
        let r3 = db.credit_evaluation(&e3.id).await.unwrap().unwrap();
        drop(db);
        let again = credit::reproduce(&r3).unwrap();
        assert_eq!((again.score, again.line.fen()), (55, r3.line_fen));
        // Bad points: named field, nothing changed.
        let bad = Settings {
            institution_points: [8, 4, 2, 1],
            ..Settings::default()
        };
        let err = credit::set_settings(&w.app, &admin(), &bad)
            .await
            .unwrap_err();
        assert_eq!(
            field_codes(&err),
            [(
                "institution_points".to_string(),
                "credit_institution_points"
            )]
        );
        assert_eq!(
            credit::settings(&w.app).await.unwrap().institution_points,
            [2, 4, 8, 20]
        );
        // The batch evaluates every enterprise, with their levels.
        let n = credit::evaluate_all(&w.app, &Actor::cli(), w.app.today())
            .await
            .unwrap();
        assert_eq!(n, 2);
        let latest = credit::evaluations(&w.app, &admin()).await.unwrap();
        let a = latest.iter().find(|v| v.org_id == w.a.as_str()).unwrap();
        assert_eq!((a.inputs.institution_level, a.score), (4, 55));
        assert_eq!(
            credit::evaluations(&w.app, &admin()).await.unwrap().len(),
            2
        );
    }
);

store_test!(
    a_bank_never_sees_an_unconsented_evaluation_nor_one_after_revocation,
    |store| {
        let w = world(&store).await;
        let e = credit::evaluate(&w.app, &admin(), &w.a, None)
            .await
            .unwrap();
        let x = bank_user(&w.x);
        assert!(credit::evaluations(&w.app, &x).await.unwrap().is_empty());
        assert!(matches!(
            credit::evaluation(&w.app, &x, &e.id).await,
            Err(AppError::NotFound)
        ));
        // A decision without any consent is a 404 too, and writes nothing.
        let decide = DecisionInput {
            evaluation_id: e.id.clone(),
            approve: true,
            amount_fen: 100 * 1_000_000,
            reason: String::new(),
        };
        assert!(matches!(
            credit::decide(&w.app, &x, &decide).await,
            Err(AppError::NotFound)
        ));

        let c = credit::grant_consent(&w.app, &enterprise_user(&w.a), w.x.as_str())
            .await
            .unwrap();
        assert!(c.active);
        let e2 = credit::grant_consent(&w.app, &enterprise_user(&w.a), w.x.as_str())
            .await
            .unwrap_err();
        assert_eq!(
            field_codes(&e2),
            [("bank_id".into(), "credit_consent_exists")]
        );
        let seen = credit::evaluations(&w.app, &x).await.unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].id, e.id);
        assert_eq!(
            credit::evaluation(&w.app, &x, &e.id).await.unwrap().score,
            35
        );
        // The other bank still sees nothing.
        let y = bank_user(&w.y);
        assert!(credit::evaluations(&w.app, &y).await.unwrap().is_empty());
        assert!(matches!(
            credit::evaluation(&w.app, &y, &e.id).await,
            Err(AppError::NotFound)
        ));

        // Revoked mid-review: no longer visible, a decision is refused, nothing written.
        credit::revoke_consent(&w.app, &enterprise_user(&w.a), w.x.as_str())
            .await
            .unwrap();
        assert!(credit::evaluations(&w.app, &x).await.unwrap().is_empty());
        assert!(matches!(
            credit::evaluation(&w.app, &x, &e.id).await,
            Err(AppError::NotFound)
        ));
        let before = events(&store).await;
        let err = credit::decide(&w.app, &x, &decide).await.unwrap_err();
        assert_eq!(
            field_codes(&err),
            [("evaluation_id".into(), "credit_consent_revoked")]
        );
        assert_eq!(events(&store).await, before);
        assert!(credit::decisions(&w.app, &x).await.unwrap().is_empty());
        let consents = credit::consents(&w.app, &enterprise_user(&w.a))
            .await
            .unwrap();
        assert_eq!(consents.len(), 1);
        assert!(!consents[0].active && consents[0].revoked_on.is_some());
    }
);

store_test!(
    bad_loan_terms_are_field_errors_and_nothing_is_written,
    |store| {
        let w = world(&store).await;
        let x = bank_user(&w.x);
        let d = approved(&w, &w.a, &w.x, 100 * 1_000_000, "").await;
        let before = events(&store).await;
        let cases: Vec<(LoanInput, Vec<(String, &'static str)>)> = vec![
            (
                loan_input(&d, 100 * 1_000_000, "2025-06-01", "2025-05-31"),
                vec![("end".into(), "loan_end_before_start")],
            ),
            (
                loan_input(&d, 0, "2025-01-01", "2026-01-01"),
                vec![("amount_fen".into(), "loan_amount_range")],
            ),
            (
                loan_input(&d, -5, "2025-01-01", "2026-01-01"),
                vec![
                    ("amount_fen".into(), "loan_amount_range"),
                    ("leveraged_commercial_fen".into(), "value_negative"),
                ],
            ),
            (
                LoanInput {
                    rate_bp: 0,
                    ..loan_input(&d, 100, "2025-01-01", "2026-01-01")
                },
                vec![("rate_bp".into(), "loan_rate_range")],
            ),
            (
                LoanInput {
                    rate_bp: 2_401,
                    ..loan_input(&d, 100, "2025-01-01", "2026-01-01")
                },
                vec![("rate_bp".into(), "loan_rate_range")],
            ),
            (
                loan_input(&d, 100, "2025-13-01", "2026-01-01"),
                vec![("start".into(), "date_invalid")],
            ),
            // Over the line (160 万元) without a reason.
            (
                loan_input(&d, 161 * 1_000_000, "2025-01-01", "2026-01-01"),
                vec![("over_line_reason".into(), "credit_over_line")],
            ),
        ];
        for (input, want) in cases {
            let e = credit::record_loan(&w.app, &x, &input).await.unwrap_err();
            assert_eq!(field_codes(&e), want, "{input:?}");
        }
        assert_eq!(events(&store).await, before);
        assert!(credit::loans(&w.app, &x, None).await.unwrap().is_empty());
        // A good one goes through, once per decision.
        let good = loan_input(&d, 100 * 1_000_000, "2025-01-01", "2026-01-01");
        let l = credit::record_loan(&w.app, &x, &good).await.unwrap();
        assert_eq!(l.amount.wan, "100");
        let e = credit::record_loan(&w.app, &x, &good).await.unwrap_err();
        assert_eq!(
            field_codes(&e),
            [("decision_id".into(), "credit_decision_used")]
        );
        // Another bank cannot record on this decision.
        assert!(matches!(
            credit::record_loan(&w.app, &bank_user(&w.y), &good).await,
            Err(AppError::NotFound)
        ));
    }
);

store_test!(
    repayments_reduce_the_outstanding_and_a_loan_is_overdue_after_its_due_date,
    |store| {
        let w = world(&store).await;
        let x = bank_user(&w.x);
        let d = approved(&w, &w.a, &w.x, 100 * 1_000_000, "").await;
        let l = credit::record_loan(
            &w.app,
            &x,
            &loan_input(&d, 100 * 1_000_000, "2025-01-10", "2025-07-10"),
        )
        .await
        .unwrap();
        let pay = RepayInput {
            loan_id: l.id.clone(),
            key: "rep-1".into(),
            date: "2025-04-10".into(),
            principal_fen: 30 * 1_000_000,
            interest_fen: 9_500_000,
        };
        let r = credit::repay(&w.app, &x, &pay).await.unwrap();
        assert!(!r.replayed);
        let again = credit::repay(&w.app, &x, &pay).await.unwrap();
        assert!(again.replayed && again.id == r.id);
        let e = credit::repay(
            &w.app,
            &x,
            &RepayInput {
                principal_fen: 1,
                ..pay.clone()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(field_codes(&e), [("key".into(), "credit_repay_key_reused")]);
        let e = credit::repay(
            &w.app,
            &x,
            &RepayInput {
                key: "rep-2".into(),
                principal_fen: 70 * 1_000_000 + 1,
                ..pay.clone()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            field_codes(&e),
            [("principal_fen".into(), "loan_repay_too_much")]
        );

        let d = |s: &str| kechuang_core::date::from_iso(s).unwrap();
        let on_due = credit::loan(&w.app, &x, &l.id, Some(d("2025-07-10")))
            .await
            .unwrap();
        assert_eq!(on_due.outstanding.wan, "70");
        assert_eq!(on_due.status, LoanStatus::Current);
        assert_eq!(on_due.repayments.len(), 1);
        let after = credit::loan(&w.app, &x, &l.id, Some(d("2025-07-11")))
            .await
            .unwrap();
        assert_eq!((after.status, after.days_overdue), (LoanStatus::Overdue, 1));
        // The subsidy measures' bases: interest paid and service fees in the year.
        let mut db = store.read().await.unwrap();
        assert_eq!(
            db.loan_costs(&w.a, 2025).await.unwrap(),
            (9_500_000, 500_000)
        );
        assert_eq!(db.loan_costs(&w.a, 2024).await.unwrap(), (0, 0));
        let all = db.loan_costs_all(2025).await.unwrap();
        assert_eq!(all, [(w.a.clone(), 9_500_000, 500_000)]);
        drop(db);
        // Repaid in full: no longer overdue.
        credit::repay(
            &w.app,
            &x,
            &RepayInput {
                key: "rep-3".into(),
                date: "2025-08-01".into(),
                principal_fen: 70 * 1_000_000,
                interest_fen: 0,
                ..pay
            },
        )
        .await
        .unwrap();
        let done = credit::loan(&w.app, &x, &l.id, Some(d("2025-09-01")))
            .await
            .unwrap();
        assert_eq!((done.status, done.outstanding.fen), (LoanStatus::Repaid, 0));
    }
);

async fn fund_risk(app: &App) {
    ledger::appropriate(
        app,
        &admin(),
        &AppropriateInput {
            key: "fund-1".into(),
            to: "fund:risk-comp".into(),
            name: "风险补偿资金".into(),
            amount_fen: 500 * 1_000_000,
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

store_test!(
    a_claim_pays_80_percent_split_4_to_6_exactly_once_through_the_ledger,
    |store| {
        let w = world(&store).await;
        let x = bank_user(&w.x);
        // An overdue loan with an odd principal and a large current one, so the
        // district's bad-loan ratio stays under the warning level.
        let d1 = approved(&w, &w.a, &w.x, 1_000_001, "").await;
        let bad = credit::record_loan(
            &w.app,
            &x,
            &loan_input(&d1, 1_000_001, "2025-01-01", "2025-06-30"),
        )
        .await
        .unwrap();
        let d2 = approved(&w, &w.b, &w.x, 5_000 * 1_000_000, "总行专项额度").await;
        let big = LoanInput {
            over_line_reason: "总行专项额度".into(),
            ..loan_input(&d2, 5_000 * 1_000_000, "2026-01-01", "2028-12-31")
        };
        credit::record_loan(&w.app, &x, &big).await.unwrap();
        let b = credit::breaker(&w.app, &admin(), None).await.unwrap();
        assert_eq!(b.state, Breaker::Normal, "{b:?}");

        let c = credit::claim(&w.app, &x, &bad.id).await.unwrap();
        assert_eq!(
            (
                c.principal.fen,
                c.fund.fen,
                c.bank.fen,
                c.city.fen,
                c.district.fen
            ),
            (1_000_001, 800_001, 200_000, 320_000, 480_001)
        );
        assert_eq!(c.state, "claimed");
        let e = credit::claim(&w.app, &x, &bad.id).await.unwrap_err();
        assert_eq!(field_codes(&e), [("loan_id".into(), "credit_claim_exists")]);
        // Another bank's loan is not its to claim.
        assert!(matches!(
            credit::claim(&w.app, &bank_user(&w.y), &bad.id).await,
            Err(AppError::NotFound)
        ));
        // Only a bureau administrator approves.
        assert!(matches!(
            credit::approve_claim(&w.app, &x, &c.id, "comp-1").await,
            Err(AppError::Forbidden)
        ));
        fund_risk(&w.app).await;
        let paid = credit::approve_claim(&w.app, &admin(), &c.id, "comp-1")
            .await
            .unwrap();
        assert_eq!(paid.state, "paid");
        let tx_id = paid.ledger_tx_id.clone().unwrap();
        let t = ledger::transaction(&w.app, &admin(), &tx_id).await.unwrap();
        assert_eq!(t.kind, "compensation");
        assert_eq!(t.amount.fen, 800_001);
        assert_eq!(
            t.basis.as_deref(),
            Some(format!("credit-claim:{}", c.id).as_str())
        );
        // The same key again: the same payment, nothing new.
        let again = credit::approve_claim(&w.app, &admin(), &c.id, "comp-1")
            .await
            .unwrap();
        assert_eq!(again.ledger_tx_id.as_deref(), Some(tx_id.as_str()));
        // Another key: refused, once per basis.
        let e = credit::approve_claim(&w.app, &admin(), &c.id, "comp-2")
            .await
            .unwrap_err();
        assert_eq!(field_codes(&e), [("basis".into(), "ledger_basis_paid")]);
        let accounts = ledger::accounts(&w.app, &x).await.unwrap();
        assert_eq!(accounts[0].balance.fen, 800_001);
        let l = credit::loan(&w.app, &x, &bad.id, None).await.unwrap();
        assert_eq!(l.status, LoanStatus::Compensated);
        let mut db = store.read().await.unwrap();
        let chk = ledger::check(&mut db).await.unwrap();
        assert!(chk.ok(), "{chk:?}");
    }
);

store_test!(
    the_breaker_suspends_new_claims_above_its_threshold,
    |store| {
        let w = world(&store).await;
        let x = bank_user(&w.x);
        let d1 = approved(&w, &w.a, &w.x, 100 * 1_000_000, "").await;
        let bad = credit::record_loan(
            &w.app,
            &x,
            &loan_input(&d1, 100 * 1_000_000, "2025-01-01", "2025-06-30"),
        )
        .await
        .unwrap();
        let d2 = approved(&w, &w.b, &w.x, 1_900 * 1_000_000, "专项").await;
        let big = LoanInput {
            over_line_reason: "专项".into(),
            ..loan_input(&d2, 1_900 * 1_000_000, "2026-01-01", "2028-12-31")
        };
        credit::record_loan(&w.app, &x, &big).await.unwrap();
        // 100 / 2000 = 5 %: the warning level exactly.
        let b = credit::breaker(&w.app, &admin(), None).await.unwrap();
        assert_eq!((b.state, b.ratio_pct.as_str()), (Breaker::Warning, "5.00"));
        // The bureau lowers the suspension level to 5 %: claims stop.
        let mut s = Settings::default();
        s.rule.warning_bp = 300;
        s.rule.breaker_bp = 500;
        credit::set_settings(&w.app, &admin(), &s).await.unwrap();
        assert_eq!(
            credit::breaker(&w.app, &x, None).await.unwrap().state,
            Breaker::Tripped
        );
        let before = events(&store).await;
        let e = credit::claim(&w.app, &x, &bad.id).await.unwrap_err();
        assert_eq!(
            field_codes(&e),
            [("loan_id".into(), "credit_breaker_tripped")]
        );
        assert_eq!(events(&store).await, before);
        assert!(credit::claims(&w.app, &admin()).await.unwrap().is_empty());
        // Bad settings are refused naming the field.
        let mut bad_s = Settings::default();
        bad_s.rule.warning_bp = 900;
        let e = credit::set_settings(&w.app, &admin(), &bad_s)
            .await
            .unwrap_err();
        assert_eq!(
            field_codes(&e),
            [("breaker_bp".into(), "credit_breaker_order")]
        );
        assert!(matches!(
            credit::set_settings(&w.app, &enterprise_user(&w.a), &s).await,
            Err(AppError::Forbidden)
        ));
    }
);

store_test!(each_role_sees_only_the_loans_it_may, |store| {
    let w = world(&store).await;
    let d1 = approved(&w, &w.a, &w.x, 100 * 1_000_000, "").await;
    let la = credit::record_loan(
        &w.app,
        &bank_user(&w.x),
        &loan_input(&d1, 100 * 1_000_000, "2025-01-01", "2026-01-01"),
    )
    .await
    .unwrap();
    let d2 = approved(&w, &w.b, &w.y, 50 * 1_000_000, "").await;
    let lb = credit::record_loan(
        &w.app,
        &bank_user(&w.y),
        &loan_input(&d2, 50 * 1_000_000, "2025-02-01", "2026-02-01"),
    )
    .await
    .unwrap();
    let ids = |v: Vec<credit::LoanView>| v.into_iter().map(|l| l.id).collect::<Vec<_>>();
    assert_eq!(
        ids(credit::loans(&w.app, &enterprise_user(&w.a), None)
            .await
            .unwrap()),
        vec![la.id.clone()]
    );
    assert_eq!(
        ids(credit::loans(&w.app, &enterprise_user(&w.b), None)
            .await
            .unwrap()),
        vec![lb.id.clone()]
    );
    assert_eq!(
        ids(credit::loans(&w.app, &bank_user(&w.y), None).await.unwrap()),
        vec![lb.id.clone()]
    );
    assert_eq!(
        credit::loans(&w.app, &admin(), None).await.unwrap().len(),
        2
    );
    assert!(matches!(
        credit::loan(&w.app, &enterprise_user(&w.b), &la.id, None).await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        credit::loan(&w.app, &bank_user(&w.y), &la.id, None).await,
        Err(AppError::NotFound)
    ));
    // Enterprises do not decide, record loans or read the breaker.
    assert!(matches!(
        credit::breaker(&w.app, &enterprise_user(&w.a), None).await,
        Err(AppError::Forbidden)
    ));
    let o = credit::overview(&w.app, &admin(), None).await.unwrap();
    assert_eq!(
        (o.loans, o.enterprises, o.amount.wan.as_str()),
        (2, 2, "150")
    );
});

// Notifications (the portal's issue 7): applications to the bank, decisions and
// disbursements to the enterprise, and the daily sweep for loans due and overdue.
store_test!(
    credit_events_and_the_daily_sweep_notify_the_right_accounts,
    |store| {
        use kechuang_app::ops::notify;
        let w = world(&store).await;
        let (ea, eb, bx, by) = (
            enterprise_user(&w.a),
            enterprise_user(&w.b),
            bank_user(&w.x),
            bank_user(&w.y),
        );
        let staff = admin();
        for u in [&ea, &eb, &bx, &by, &staff] {
            add_account(&w.app, u).await;
        }
        notify::start(&w.app).await.unwrap();
        notify::set_prefs(
            &w.app,
            &ea,
            "finance@a.example.cn",
            &[("loan_overdue".into(), "email".into())],
        )
        .await
        .unwrap();
        // Bank y turns off overdue notices.
        notify::set_prefs(&w.app, &by, "", &[("loan_overdue".into(), "none".into())])
            .await
            .unwrap();
        let dx = approved(&w, &w.a, &w.x, 100 * 1_000_000, "").await;
        let e = credit::evaluate(&w.app, &admin(), &w.b, None)
            .await
            .unwrap();
        credit::grant_consent(&w.app, &eb, w.y.as_str())
            .await
            .unwrap();
        credit::decide(
            &w.app,
            &by,
            &DecisionInput {
                evaluation_id: e.id,
                approve: false,
                amount_fen: 0,
                reason: "经营现金流不足".into(),
            },
        )
        .await
        .unwrap();
        let today = w.app.today();
        let iso = kechuang_core::date::to_iso;
        let end = today + chrono::Duration::days(300);
        credit::record_loan(
            &w.app,
            &bx,
            &loan_input(
                &dx,
                100 * 1_000_000,
                &iso(today - chrono::Duration::days(30)),
                &iso(end),
            ),
        )
        .await
        .unwrap();
        notify::pump(&w.app, &test_site()).await.unwrap();
        assert_eq!(kinds_of(&w.app, &bx).await, ["credit_requested"]);
        assert_eq!(kinds_of(&w.app, &by).await, ["credit_requested"]);
        assert_eq!(
            kinds_of(&w.app, &ea).await,
            ["credit_decided", "loan_disbursed"]
        );
        assert_eq!(kinds_of(&w.app, &eb).await, ["credit_decided"]);
        assert!(kinds_of(&w.app, &staff).await.is_empty());
        let n = notify::list(&w.app, &eb, false).await.unwrap();
        assert!(n[0].title.ends_with("未同意授信"), "{}", n[0].title);
        assert!(n[0].body.contains("经营现金流不足"));
        let n = notify::list(&w.app, &ea, false).await.unwrap();
        let disbursed = n.iter().find(|n| n.kind == "loan_disbursed").unwrap();
        assert!(
            disbursed.title.ends_with("已发放贷款¥1,000,000.00"),
            "{}",
            disbursed.title
        );
        assert!(disbursed.body.contains(&iso(end)));

        // The sweep: nothing before the window, once when the loan falls due
        // within 7 days, once when overdue — and only once a day.
        let sweep =
            async |on: chrono::NaiveDate| notify::sweep(&w.app, &test_site(), on).await.unwrap();
        assert_eq!(sweep(end - chrono::Duration::days(8)).await, 0);
        assert_eq!(sweep(end - chrono::Duration::days(5)).await, 1);
        assert_eq!(sweep(end - chrono::Duration::days(5)).await, 0);
        assert_eq!(sweep(end - chrono::Duration::days(4)).await, 0, "told once");
        let due = notify::list(&w.app, &ea, true).await.unwrap();
        assert_eq!(due[0].kind, "loan_due_soon");
        assert!(due[0].body.contains(&iso(end)), "{}", due[0].body);
        assert!(mails_to(&w.app, "finance@a.example.cn").await.is_empty());
        // Overdue: the enterprise (by e-mail too) and the lending bank; bank y
        // lent nothing here and chose none anyway; b has no loan.
        assert_eq!(sweep(end + chrono::Duration::days(2)).await, 2);
        assert_eq!(
            kinds_of(&w.app, &ea).await,
            [
                "credit_decided",
                "loan_disbursed",
                "loan_due_soon",
                "loan_overdue"
            ]
        );
        assert_eq!(
            kinds_of(&w.app, &bx).await,
            ["credit_requested", "loan_overdue"]
        );
        assert_eq!(kinds_of(&w.app, &by).await, ["credit_requested"]);
        assert_eq!(kinds_of(&w.app, &eb).await, ["credit_decided"]);
        let mails = mails_to(&w.app, "finance@a.example.cn").await;
        assert_eq!(mails.len(), 1);
        assert!(mails[0].0.ends_with("的贷款已逾期"), "{}", mails[0].0);
        assert!(mails[0].1.contains("http://kc.test/credit"));
        assert_eq!(sweep(end + chrono::Duration::days(3)).await, 0);
    }
);
