//! Subsidies on both backends: measures and their budget lines, applying (window,
//! attachments, declared amounts, duplicates), the flow by party, 公示, approval
//! against caps and budget, payment through the ledger, the 免申即享 scan, and
//! who sees what.

use crate::common::*;
use chrono::{Datelike, NaiveDate};
use kechuang_app::ops::subsidy::{self, ApplyInput, ListQuery, NewAttachment, StepInput};
use kechuang_app::ops::{filing, ledger, org, qualification};
use kechuang_app::{Actor, App, AppError};
use kechuang_core::ids::OrgId;
use kechuang_core::ledger::Account;
use kechuang_core::money::FEN_PER_WAN;
use kechuang_core::role::Role;
use kechuang_core::subsidy::{Formula, Measure, demo_measures};
use kechuang_core::subsidy_flow::{Stage, Step};
use kechuang_store::{Store, with_conn};
use kechuang_testkit::store_test;
use std::collections::BTreeMap;

const WAN: i64 = FEN_PER_WAN;

fn admin() -> Actor {
    bureau(Role::BureauAdmin, None)
}

fn reviewer() -> Actor {
    bureau(Role::BureauReviewer, None)
}

fn year(app: &App) -> i32 {
    app.today().year()
}

fn demo(year: i32, id: &str) -> Measure {
    demo_measures(year)
        .into_iter()
        .find(|m| m.id == id)
        .unwrap()
}

async fn firm(app: &App, n: u32) -> OrgId {
    org::create(app, &admin(), &enterprise_input(n, "巴川街道"))
        .await
        .unwrap()
}

fn pdf(bytes: usize) -> NewAttachment {
    NewAttachment {
        file_name: "发票.pdf".into(),
        media_type: "application/pdf".into(),
        bytes: vec![b'%'; bytes],
    }
}

fn apply_input(year: i32, measure: &str, base: &str, yuan: &str) -> ApplyInput {
    ApplyInput {
        year,
        measure: measure.into(),
        declared: BTreeMap::from([(base.to_string(), yuan.to_string())]),
        comment: String::new(),
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

async fn count_applications(store: &Store) -> i64 {
    let mut db = store.read().await.unwrap();
    with_conn!(db, c => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM subsidy_application")
            .fetch_one(&mut *c)
            .await
    })
    .unwrap()
}

async fn take(
    app: &App,
    who: &Actor,
    id: &str,
    step: Step,
) -> Result<subsidy::ApplicationView, AppError> {
    subsidy::step(
        app,
        who,
        id,
        &StepInput {
            step,
            comment: String::new(),
        },
    )
    .await
}

/// Reviews an application up to 公示 and moves its 公示 period into the past (the
/// clock cannot be pinned; the rule itself is tested in core and below).
async fn to_publicity_over(app: &App, store: &Store, id: &str) {
    for s in [Step::Accept, Step::PassFirstReview, Step::PassJointReview] {
        take(app, &reviewer(), id, s).await.unwrap();
    }
    take(
        app,
        &admin(),
        id,
        Step::Publicize {
            from: app.today(),
            working_days: 5,
        },
    )
    .await
    .unwrap();
    let mut db = store.begin().await.unwrap();
    with_conn!(db, c => {
        sqlx::query("UPDATE subsidy_application SET publicity_from = '2000-01-03', publicity_until = '2000-01-07' WHERE application_id = $1")
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
    })
    .unwrap();
    db.commit().await.unwrap();
}

store_test!(
    measures_fund_their_budget_lines_and_bad_measures_name_their_fields,
    |store| {
        let app = app(&store);
        let y = year(&app);
        let m = subsidy::create_measure(&app, &admin(), y, &demo(y, "RD-EQUIPMENT"))
            .await
            .unwrap();
        assert_eq!(m.budget_line, format!("budget:{y}:RD-EQUIPMENT"));
        assert!(m.open_now);
        assert_eq!(
            m.formula,
            "按研发设备购置金额的10%给予补助，每户每年最高50万元"
        );
        let mut db = store.read().await.unwrap();
        let line = db
            .ledger_account(&Account::parse(&m.budget_line).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(line.balance_fen, 800 * WAN);
        drop(db);
        // Again: refused; by a reviewer: forbidden; a bad rule: its fields.
        let e = subsidy::create_measure(&app, &admin(), y, &demo(y, "RD-EQUIPMENT"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.code == "subsidy_measure_exists"),
            "{e:?}"
        );
        let e = subsidy::create_measure(&app, &reviewer(), y, &demo(y, "RD-INVEST"))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden));
        let mut bad = demo(y, "RD-INVEST");
        bad.annual_budget_fen = -1;
        bad.formula = Formula::Fixed { amount_fen: 0 };
        let e = subsidy::create_measure(&app, &admin(), y, &bad)
            .await
            .unwrap_err();
        let AppError::Invalid(fs) = e else {
            panic!("{e:?}")
        };
        let fields: Vec<&str> = fs.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["annual_budget_fen", "formula.amount_fen"]);
        // A larger budget tops the line up; anyone reads the measures.
        let mut more = demo(y, "RD-EQUIPMENT");
        more.annual_budget_fen = 900 * WAN;
        let m = subsidy::update_measure(&app, &admin(), y, &more, 1)
            .await
            .unwrap();
        assert_eq!(m.version, 2);
        let e = subsidy::update_measure(&app, &admin(), y, &more, 1)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.code == "subsidy_stale"),
            "{e:?}"
        );
        let mut db = store.read().await.unwrap();
        let line = db
            .ledger_account(&Account::parse(&m.budget_line).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(line.balance_fen, 900 * WAN);
        assert_eq!(subsidy::measures(&app, Some(y)).await.unwrap().len(), 1);
    }
);

store_test!(
    applying_checks_window_amounts_attachments_caps_and_duplicates_writing_nothing_on_error,
    |store| {
        let app = app(&store);
        let y = year(&app);
        subsidy::create_measure(&app, &admin(), y, &demo(y, "RD-EQUIPMENT"))
            .await
            .unwrap();
        // Last year's measure: its window has closed.
        subsidy::create_measure(&app, &admin(), y - 1, &demo(y - 1, "RD-EQUIPMENT"))
            .await
            .unwrap();
        let a = firm(&app, 1).await;
        let ent = enterprise_user(&a);
        let before = events(&store).await;
        let bad = |yuan: &str| apply_input(y, "RD-EQUIPMENT", "equipment_invoice", yuan);
        for (yuan, code) in [
            ("12.345", "number_too_precise"),
            ("-500000", "value_negative"),
            ("五十万", "number_invalid"),
        ] {
            let e = subsidy::apply(&app, &ent, &bad(yuan), &[pdf(10)])
                .await
                .unwrap_err();
            assert!(
                matches!(&e, AppError::Invalid(fs) if fs[0].field == "declared.equipment_invoice" && fs[0].code == code),
                "{yuan}: {e:?}"
            );
        }
        let e = subsidy::apply(&app, &ent, &bad("600000"), &[])
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(fs) if fs[0].code == "subsidy_attachment_required"),
            "{e:?}"
        );
        let e = subsidy::apply(
            &app,
            &ent,
            &bad("600000"),
            &[pdf(subsidy::MAX_ATTACHMENT_BYTES + 1)],
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(fs) if fs[0].field == "attachments[0]" && fs[0].code == "subsidy_attachment_too_large"),
            "{e:?}"
        );
        let e = subsidy::apply(
            &app,
            &ent,
            &apply_input(y - 1, "RD-EQUIPMENT", "equipment_invoice", "600000"),
            &[pdf(10)],
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(fs) if fs[0].code == "subsidy_window_closed"),
            "{e:?}"
        );
        // Just below the 50万元 threshold (inclusive): not eligible, with the reason.
        let e = subsidy::apply(&app, &ent, &bad("499999.99"), &[pdf(10)])
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(fs) if fs[0].code == "subsidy_not_eligible" && fs[0].param("value").is_some_and(|v| v.contains("不低于50万元"))),
            "{e:?}"
        );
        // Nothing was written by any of these.
        assert_eq!(events(&store).await, before);
        assert_eq!(count_applications(&store).await, 0);
        // At the threshold: 10 %.
        let v = subsidy::apply(&app, &ent, &bad("500000.00"), &[pdf(10)])
            .await
            .unwrap();
        assert_eq!(v.amount_applied.fen, 5 * WAN);
        assert_eq!(v.stage, Stage::Submitted);
        assert_eq!(v.attachments.len(), 1);
        assert_eq!(v.attachments[0].size_bytes, 10);
        let e = subsidy::apply(&app, &ent, &bad("700000"), &[pdf(10)])
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.code == "subsidy_duplicate"),
            "{e:?}"
        );
        // Above the cap: 800万 × 10 % = 80万 → 50万 per firm.
        let b = firm(&app, 2).await;
        let v = subsidy::apply(&app, &enterprise_user(&b), &bad("8000000"), &[pdf(10)])
            .await
            .unwrap();
        assert_eq!(v.amount_applied.fen, 50 * WAN);
        assert!(v.assessment.capped);
        assert_eq!(v.assessment.formula_fen, 80 * WAN);
        // A bureau user does not apply in a firm's name.
        let e = subsidy::apply(&app, &admin(), &bad("600000"), &[pdf(10)])
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden));
    }
);

store_test!(
    the_flow_moves_only_by_the_party_allowed_and_pays_once_through_the_ledger,
    |store| {
        let app = app(&store);
        let y = year(&app);
        subsidy::create_measure(&app, &admin(), y, &demo(y, "RD-EQUIPMENT"))
            .await
            .unwrap();
        let a = firm(&app, 1).await;
        let ent = enterprise_user(&a);
        let v = subsidy::apply(
            &app,
            &ent,
            &apply_input(y, "RD-EQUIPMENT", "equipment_invoice", "1000000"),
            &[pdf(10)],
        )
        .await
        .unwrap();
        let id = v.id.clone();
        // Paying what is not approved: refused, nothing written.
        let before = events(&store).await;
        let e = subsidy::pay(&app, &admin(), &id, "pay-1")
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.field == "application" && f.code == "subsidy_not_approved"),
            "{e:?}"
        );
        assert_eq!(events(&store).await, before);
        // The enterprise cannot review itself; a reviewer cannot start 公示.
        let e = take(&app, &ent, &id, Step::Accept).await.unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.code == "subsidy_bureau_only"),
            "{e:?}"
        );
        let e = take(&app, &reviewer(), &id, Step::PassFirstReview)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.code == "subsidy_step_not_allowed"),
            "{e:?}"
        );
        for s in [Step::Accept, Step::PassFirstReview, Step::PassJointReview] {
            take(&app, &reviewer(), &id, s).await.unwrap();
        }
        let today = app.today();
        let e = take(
            &app,
            &reviewer(),
            &id,
            Step::Publicize {
                from: today,
                working_days: 5,
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.code == "subsidy_step_not_allowed"),
            "{e:?}"
        );
        let e = take(
            &app,
            &admin(),
            &id,
            Step::Publicize {
                from: today,
                working_days: 4,
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(fs) if fs[0].field == "working_days" && fs[0].code == "subsidy_publicity_too_short"),
            "{e:?}"
        );
        let v = take(
            &app,
            &admin(),
            &id,
            Step::Publicize {
                from: today,
                working_days: 5,
            },
        )
        .await
        .unwrap();
        assert_eq!(v.stage, Stage::Publicized);
        assert!(v.publicity_until.unwrap() >= today + chrono::TimeDelta::days(4));
        assert_eq!(subsidy::publicity(&app).await.unwrap().len(), 1);
        let e = take(&app, &admin(), &id, Step::Approve).await.unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.code == "subsidy_publicity_running"),
            "{e:?}"
        );
        // An objection, not upheld.
        take(
            &app,
            &reviewer(),
            &id,
            Step::Object {
                text: "设备非研发用途".into(),
            },
        )
        .await
        .unwrap();
        let mut db = store.begin().await.unwrap();
        with_conn!(db, c => {
            sqlx::query("UPDATE subsidy_application SET publicity_from = '2000-01-03', publicity_until = '2000-01-07' WHERE application_id = $1")
                .bind(&id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })
        .unwrap();
        db.commit().await.unwrap();
        let e = take(&app, &admin(), &id, Step::Approve).await.unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.code == "subsidy_objection_open"),
            "{e:?}"
        );
        take(
            &app,
            &admin(),
            &id,
            Step::SettleObjection {
                index: 0,
                upheld: false,
                note: "经核实用于研发".into(),
            },
        )
        .await
        .unwrap();
        let v = take(&app, &admin(), &id, Step::Approve).await.unwrap();
        assert_eq!(v.stage, Stage::Approved);
        assert_eq!(v.amount_approved.as_ref().unwrap().fen, 10 * WAN);
        assert_eq!(
            subsidy::measure(&app, y, "RD-EQUIPMENT")
                .await
                .unwrap()
                .committed
                .fen,
            10 * WAN
        );
        // Pay: once; the same key replays; another key is refused by basis.
        let p = subsidy::pay(&app, &admin(), &id, "pay-1").await.unwrap();
        assert!(!p.tx.replayed);
        assert_eq!(p.application.stage, Stage::Paid);
        assert_eq!(
            p.application.ledger_tx_id.as_deref(),
            Some(p.tx.id.as_str())
        );
        assert_eq!(p.tx.basis.as_deref(), Some(subsidy::basis_of(&id).as_str()));
        let again = subsidy::pay(&app, &admin(), &id, "pay-1").await.unwrap();
        assert!(again.tx.replayed);
        assert_eq!(again.tx.id, p.tx.id);
        let e = subsidy::pay(&app, &admin(), &id, "pay-2")
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.field == "basis" && f.code == "ledger_basis_paid"),
            "{e:?}"
        );
        let e = subsidy::pay(&app, &reviewer(), &id, "pay-3")
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden));
        let mut db = store.read().await.unwrap();
        let ent_acct = db
            .ledger_account(&Account::enterprise(a.as_str()).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(ent_acct.balance_fen, 10 * WAN);
        let c = ledger::check(&mut db).await.unwrap();
        assert!(c.ok(), "{c:?}");
        // After payment, no step moves it.
        drop(db);
        let e = take(&app, &reviewer(), &id, Step::Reject { reason: "x".into() })
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.code == "subsidy_step_not_allowed"),
            "{e:?}"
        );
    }
);

store_test!(
    an_upheld_objection_refuses_and_approvals_stop_at_the_budget_writing_nothing,
    |store| {
        let app = app(&store);
        let y = year(&app);
        let mut m = demo(y, "RESEARCH-PROJECT");
        m.annual_budget_fen = 15 * WAN;
        subsidy::create_measure(&app, &admin(), y, &m)
            .await
            .unwrap();
        let mut ids = Vec::new();
        for n in 1..=3 {
            let f = firm(&app, n).await;
            // 60万元 of funding: the 50万 tier, 10万元.
            let v = subsidy::apply(
                &app,
                &enterprise_user(&f),
                &apply_input(y, "RESEARCH-PROJECT", "project_funding", "600000"),
                &[pdf(3)],
            )
            .await
            .unwrap();
            assert_eq!(v.amount_applied.fen, 10 * WAN);
            to_publicity_over(&app, &store, &v.id).await;
            ids.push(v.id);
        }
        // The first: an upheld objection refuses it with the reason.
        take(
            &app,
            &reviewer(),
            &ids[0],
            Step::Object {
                text: "项目已结题".into(),
            },
        )
        .await
        .unwrap();
        let v = take(
            &app,
            &admin(),
            &ids[0],
            Step::SettleObjection {
                index: 0,
                upheld: true,
                note: "核实属实".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(v.stage, Stage::Rejected);
        assert_eq!(v.rejection.as_deref(), Some("公示期异议成立：核实属实"));
        // The second fits the 15万 budget, the third does not.
        take(&app, &admin(), &ids[1], Step::Approve).await.unwrap();
        let before = events(&store).await;
        let e = take(&app, &admin(), &ids[2], Step::Approve)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.field == "amount_fen" && f.code == "subsidy_budget_exceeded"),
            "{e:?}"
        );
        assert_eq!(events(&store).await, before);
        let v = subsidy::application(&app, &admin(), &ids[2]).await.unwrap();
        assert_eq!(v.stage, Stage::Publicized);
        assert!(v.amount_approved.is_none());
        assert_eq!(
            subsidy::measure(&app, y, "RESEARCH-PROJECT")
                .await
                .unwrap()
                .committed
                .fen,
            10 * WAN
        );
    }
);

async fn file_rd(app: &App, org: &OrgId, year: i32, wan: &str) {
    let period = year.to_string();
    filing::save(
        app,
        &enterprise_user(org),
        org,
        &period,
        &BTreeMap::from([("rd_expense".to_string(), wan.to_string())]),
    )
    .await
    .unwrap();
    filing::submit(app, &enterprise_user(org), org, &period)
        .await
        .unwrap();
    filing::approve(app, &reviewer(), org, &period, None)
        .await
        .unwrap();
}

async fn qualify(app: &App, org: &OrgId, kind: &str, on: NaiveDate) {
    qualification::add(
        app,
        &admin(),
        org,
        &qualification::QualificationInput {
            kind: kind.into(),
            number: format!("Q{}", on),
            recognized_on: on.to_string(),
            valid_until: String::new(),
        },
    )
    .await
    .unwrap();
}

store_test!(
    the_scan_offers_only_to_eligible_firms_once_and_firms_accept_or_decline,
    |store| {
        let app = app(&store);
        let y = year(&app);
        for id in ["RD-INVEST", "HTE-CULTIVATION"] {
            subsidy::create_measure(&app, &admin(), y, &demo(y, id))
                .await
                .unwrap();
        }
        let (a, b, c) = (
            firm(&app, 1).await,
            firm(&app, 2).await,
            firm(&app, 3).await,
        );
        // A: 科技型企业 with R&D of 500万 after 400万: 15 + 10 = 25万元.
        qualify(
            &app,
            &a,
            "tech_enterprise",
            NaiveDate::from_ymd_opt(y - 3, 5, 1).unwrap(),
        )
        .await;
        file_rd(&app, &a, y - 1, "500").await;
        file_rd(&app, &a, y - 2, "400").await;
        // B: R&D but no qualification: nothing.
        file_rd(&app, &b, y - 1, "800").await;
        // C: first 高企 certificate last year: the cultivation award, 10万元.
        qualify(
            &app,
            &c,
            "high_tech",
            NaiveDate::from_ymd_opt(y - 1, 11, 20).unwrap(),
        )
        .await;
        let r = subsidy::scan::scan(&app, &admin(), y, None).await.unwrap();
        assert_eq!(r.firms, 3);
        assert_eq!(r.offers_created, 2);
        let e = subsidy::scan::scan(&app, &enterprise_user(&a), y, None)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Forbidden));
        let offers = subsidy::applications(
            &app,
            &admin(),
            &ListQuery {
                stage: "offered".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let of = |o: &OrgId| {
            offers
                .items
                .iter()
                .find(|x| x.org_id == o.as_str())
                .unwrap()
                .clone()
        };
        let (oa, oc) = (of(&a), of(&c));
        assert_eq!(
            (oa.measure.as_str(), oa.amount_applied.fen),
            ("RD-INVEST", 25 * WAN)
        );
        assert_eq!(
            oa.assessment.working,
            "研发费用 500万元 × 3% + 增量 100万元 × 10% = 25万元"
        );
        assert_eq!(
            (oc.measure.as_str(), oc.amount_applied.fen),
            ("HTE-CULTIVATION", 10 * WAN)
        );
        assert!(offers.items.iter().all(|x| x.org_id != b.as_str()));
        // A rescan offers nothing new.
        assert_eq!(
            subsidy::scan::scan(&app, &admin(), y, None)
                .await
                .unwrap()
                .offers_created,
            0
        );
        // A accepts with one click: on to 联审; C declines; neither is offered again.
        let v = take(&app, &enterprise_user(&a), &oa.id, Step::AcceptOffer)
            .await
            .unwrap();
        assert_eq!(v.stage, Stage::FirstReviewed);
        assert_eq!(v.submitted_on, Some(app.today()));
        let e = take(&app, &enterprise_user(&a), &oc.id, Step::Withdraw)
            .await
            .unwrap_err();
        assert!(
            matches!(e, AppError::NotFound),
            "another firm's offer is not found"
        );
        let v = take(&app, &enterprise_user(&c), &oc.id, Step::Withdraw)
            .await
            .unwrap();
        assert_eq!(v.stage, Stage::Withdrawn);
        assert_eq!(
            subsidy::scan::scan(&app, &admin(), y, None)
                .await
                .unwrap()
                .offers_created,
            0
        );
        // Eligibility for A names both measures with the working.
        let el = subsidy::eligibility(&app, &enterprise_user(&a), None, y)
            .await
            .unwrap();
        let rd = el.iter().find(|e| e.measure.id == "RD-INVEST").unwrap();
        assert!(rd.assessment.eligible);
        assert_eq!(rd.application.as_deref(), Some(oa.id.as_str()));
        assert!(
            !el.iter()
                .find(|e| e.measure.id == "HTE-CULTIVATION")
                .unwrap()
                .assessment
                .eligible
        );
    }
);

store_test!(
    an_enterprise_sees_only_its_own_applications_and_attachments,
    |store| {
        let app = app(&store);
        let y = year(&app);
        subsidy::create_measure(&app, &admin(), y, &demo(y, "LOAN-SERVICE-FEE"))
            .await
            .unwrap();
        let (a, b) = (firm(&app, 1).await, firm(&app, 2).await);
        let v = subsidy::apply(
            &app,
            &enterprise_user(&a),
            &apply_input(y, "LOAN-SERVICE-FEE", "service_fee", "30000"),
            &[pdf(7)],
        )
        .await
        .unwrap();
        assert_eq!(v.amount_applied.fen, 150_000_000 / 100);
        let other = enterprise_user(&b);
        assert!(matches!(
            subsidy::application(&app, &other, &v.id).await.unwrap_err(),
            AppError::NotFound
        ));
        assert!(matches!(
            subsidy::attachment(&app, &other, &v.attachments[0].id)
                .await
                .unwrap_err(),
            AppError::NotFound
        ));
        assert!(matches!(
            subsidy::add_attachments(&app, &other, &v.id, &[pdf(1)])
                .await
                .unwrap_err(),
            AppError::NotFound
        ));
        assert_eq!(
            subsidy::applications(&app, &other, &ListQuery::default())
                .await
                .unwrap()
                .total,
            0
        );
        assert_eq!(
            subsidy::applications(&app, &enterprise_user(&a), &ListQuery::default())
                .await
                .unwrap()
                .total,
            1
        );
        assert_eq!(
            subsidy::applications(&app, &reviewer(), &ListQuery::default())
                .await
                .unwrap()
                .total,
            1
        );
        let (name, media, bytes) =
            subsidy::attachment(&app, &enterprise_user(&a), &v.attachments[0].id)
                .await
                .unwrap();
        assert_eq!(
            (name.as_str(), media.as_str(), bytes.len()),
            ("发票.pdf", "application/pdf", 7)
        );
        let e = subsidy::eligibility(&app, &other, Some(a.as_str()), y)
            .await
            .unwrap();
        assert!(
            e.iter().all(|x| x.application.is_none()),
            "B's own eligibility, not A's"
        );
    }
);

/// 200 concurrent requests to pay one approved application, spread over `apps`
/// (two pools on PostgreSQL): half with one idempotency key, half each with its
/// own key. Exactly one ledger payment, the application paid once, one `pay`
/// entry in its history.
async fn pay_race(store: &Store, apps: &[App]) {
    let app = &apps[0];
    let y = year(app);
    subsidy::create_measure(app, &admin(), y, &demo(y, "RESEARCH-PROJECT"))
        .await
        .unwrap();
    let f = firm(app, 1).await;
    let v = subsidy::apply(
        app,
        &enterprise_user(&f),
        &apply_input(y, "RESEARCH-PROJECT", "project_funding", "600000"),
        &[pdf(3)],
    )
    .await
    .unwrap();
    to_publicity_over(app, store, &v.id).await;
    take(app, &admin(), &v.id, Step::Approve).await.unwrap();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..200 {
        let app = apps[i % apps.len()].clone();
        let id = v.id.clone();
        let key = if i % 2 == 0 {
            "pay-same".to_string()
        } else {
            format!("pay-{i}")
        };
        set.spawn(async move { subsidy::pay(&app, &admin(), &id, &key).await });
    }
    let (mut ok, mut refused) = (0, 0);
    let mut txs = std::collections::BTreeSet::new();
    while let Some(r) = set.join_next().await {
        match r.unwrap() {
            Ok(p) => {
                ok += 1;
                txs.insert(p.tx.id);
            }
            Err(AppError::Conflict(e)) if e.code == "ledger_basis_paid" => refused += 1,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(ok + refused, 200);
    // Every success is the one payment (the winner and the replays of its key).
    assert_eq!(txs.len(), 1, "{txs:?}");
    assert!(ok >= 1);
    let v = subsidy::application(app, &admin(), &v.id).await.unwrap();
    assert_eq!(v.stage, Stage::Paid);
    let mut db = store.read().await.unwrap();
    let (n, sum): (i64, i64) = with_conn!(db, c => {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT COUNT(*), CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM ledger_tx WHERE kind = 'subsidy_payment'",
        )
        .fetch_one(&mut *c)
        .await
    })
    .unwrap();
    assert_eq!((n, sum), (1, 10 * WAN));
    let pays: i64 = with_conn!(db, c => {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM event WHERE entity = 'subsidy_application' AND kind = 'subsidy.pay'",
        )
        .fetch_one(&mut *c)
        .await
    })
    .unwrap();
    assert_eq!(pays, 1);
}

store_test!(
    two_hundred_concurrent_payouts_of_one_application_pay_once,
    |store| {
        pay_race(&store, &[app(&store)]).await;
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_pay_an_application_once() {
    let Some(db) = kechuang_testkit::TestDb::postgres().await else {
        return;
    };
    let other = kechuang_store::Store::open_postgres(db.url.as_deref().unwrap(), 5)
        .await
        .unwrap();
    pay_race(&db.store, &[app(&db.store), app(&other)]).await;
    other.close().await;
}
