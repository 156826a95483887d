use crate::common::*;
use kechuang_app::ops::ledger::{self, AppropriateInput, PayInput, ReverseInput};
use kechuang_app::ops::org;
use kechuang_app::{App, AppError};
use kechuang_core::ids::OrgId;
use kechuang_core::role::Role;
use kechuang_testkit::store_test;

const BUDGET: &str = "budget:2026:RD-INVEST";

async fn fund(app: &App, key: &str, fen: i64) {
    let admin = bureau(Role::BureauAdmin, None);
    ledger::appropriate(
        app,
        &admin,
        &AppropriateInput {
            key: key.into(),
            to: BUDGET.into(),
            name: "研发投入补助".into(),
            amount_fen: fen,
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

fn pay_input(key: &str, org: &OrgId, fen: i64, basis: &str) -> PayInput {
    PayInput {
        key: key.into(),
        from: BUDGET.into(),
        org_id: org.to_string(),
        amount_fen: fen,
        basis: basis.into(),
        ..Default::default()
    }
}

async fn assert_books_hold(app: &App) {
    let mut db = app.store.read().await.unwrap();
    let c = ledger::check(&mut db).await.unwrap();
    assert!(c.ok(), "{c:?}");
}

store_test!(
    payments_are_idempotent_once_per_basis_and_never_overspend,
    |store| {
        let app = app(&store);
        let admin = bureau(Role::BureauAdmin, None);
        let reviewer = bureau(Role::BureauReviewer, None);
        let a = org::create(&app, &admin, &enterprise_input(1, "巴川街道"))
            .await
            .unwrap();
        let b = org::create(&app, &admin, &enterprise_input(2, "东城街道"))
            .await
            .unwrap();
        fund(&app, "appr-1", 10_000_000).await;

        let p = ledger::pay(&app, &admin, &pay_input("pay-1", &a, 3_000_000, "APP-1"))
            .await
            .unwrap();
        assert!(!p.replayed);
        assert_eq!(p.amount.yuan, "30,000.00");
        assert_eq!(p.amount.wan, "3");
        // The same request again: the same transaction, nothing new written.
        let again = ledger::pay(&app, &admin, &pay_input("pay-1", &a, 3_000_000, "APP-1"))
            .await
            .unwrap();
        assert!(again.replayed);
        assert_eq!(again.id, p.id);
        // The same key with other content.
        let e = ledger::pay(&app, &admin, &pay_input("pay-1", &a, 3_000_001, "APP-1"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.field == "idempotency_key" && f.code == "ledger_key_reused"),
            "{e:?}"
        );
        // Another key for the same basis.
        let e = ledger::pay(&app, &admin, &pay_input("pay-2", &a, 3_000_000, "APP-1"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.field == "basis" && f.code == "ledger_basis_paid"),
            "{e:?}"
        );
        // Overspending the budget line is refused and writes nothing.
        let events_before = store
            .read()
            .await
            .unwrap()
            .events_after(0, 100_000)
            .await
            .unwrap()
            .len();
        let e = ledger::pay(&app, &admin, &pay_input("pay-3", &b, 7_000_001, "APP-2"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.field == "amount_fen" && f.code == "ledger_insufficient"),
            "{e:?}"
        );
        let events_after = store
            .read()
            .await
            .unwrap()
            .events_after(0, 100_000)
            .await
            .unwrap()
            .len();
        assert_eq!(events_before, events_after);
        // Bad input names its fields.
        let e = ledger::pay(
            &app,
            &admin,
            &PayInput {
                key: "".into(),
                from: "wallet:x".into(),
                org_id: "".into(),
                amount_fen: -1,
                basis: " ".into(),
                kind: "gift".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        let AppError::Invalid(errs) = e else {
            panic!("{e:?}")
        };
        let fields: Vec<&str> = errs.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["kind", "from", "basis", "org_id"]);
        let e = ledger::pay(&app, &admin, &pay_input("pay-4", &b, 0, "APP-3"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(f) if f[0].field == "amount_fen"),
            "{e:?}"
        );
        let mut unknown = pay_input("pay-4b", &b, 100, "APP-3");
        unknown.from = "budget:2030:NONE".into();
        let e = ledger::pay(&app, &admin, &unknown).await.unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(f) if f[0].field == "from" && f[0].code == "ledger_account_unknown"),
            "{e:?}"
        );
        // Only an administrator moves money.
        assert!(matches!(
            ledger::pay(&app, &reviewer, &pay_input("pay-5", &b, 1, "APP-4")).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(
            ledger::pay(
                &app,
                &enterprise_user(&b),
                &pay_input("pay-5", &b, 1, "APP-4")
            )
            .await,
            Err(AppError::Forbidden)
        ));

        let p2 = ledger::pay(&app, &admin, &pay_input("pay-6", &b, 7_000_000, "APP-2"))
            .await
            .unwrap();
        // Budget is now exactly empty.
        let st = ledger::statement(&app, &admin, BUDGET, 1, 10)
            .await
            .unwrap();
        assert_eq!(st.account.balance.fen, 0);
        assert_eq!(st.total, 3);
        let running: Vec<i64> = st.lines.iter().map(|l| l.balance_after.fen).collect();
        assert_eq!(running, [0, 7_000_000, 10_000_000]);

        // A reversal puts the money back and releases the basis.
        let r = ledger::reverse(
            &app,
            &admin,
            &ReverseInput {
                key: "rev-1".into(),
                tx_id: p2.id.clone(),
                reason: "金额有误".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(r.reverses.as_deref(), Some(p2.id.as_str()));
        let e = ledger::reverse(
            &app,
            &admin,
            &ReverseInput {
                key: "rev-2".into(),
                tx_id: p2.id.clone(),
                reason: "再冲".into(),
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(f) if f.code == "ledger_already_reversed"),
            "{e:?}"
        );
        ledger::pay(&app, &admin, &pay_input("pay-7", &b, 6_000_000, "APP-2"))
            .await
            .unwrap();

        // Who sees what.
        let ea = enterprise_user(&a);
        let own = ledger::accounts(&app, &ea).await.unwrap();
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].balance.fen, 3_000_000);
        assert!(matches!(
            ledger::statement(&app, &ea, &format!("enterprise:{b}"), 1, 10).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(
            ledger::statement(&app, &ea, BUDGET, 1, 10).await,
            Err(AppError::NotFound)
        ));
        let mine = ledger::transactions(&app, &ea, None, 1, 10).await.unwrap();
        assert_eq!(mine.total, 1);
        assert_eq!(mine.items[0].id, p.id);
        let all = ledger::transactions(&app, &reviewer, None, 1, 100)
            .await
            .unwrap();
        assert_eq!(all.total, 5);
        assert_eq!(ledger::accounts(&app, &reviewer).await.unwrap().len(), 4);

        assert_books_hold(&app).await;
        let report = kechuang_app::ops::check::run(&app, &admin).await.unwrap();
        assert!(report.ledger.ok() && report.ledger.transactions == 5);
    }
);

async fn enterprise(app: &App) -> OrgId {
    let admin = bureau(Role::BureauAdmin, None);
    org::create(app, &admin, &enterprise_input(7, "巴川街道"))
        .await
        .unwrap()
}

/// 200 concurrent payments: the same key; different keys for one basis; different
/// bases that together exceed the budget. `apps` are the instances to spread the
/// calls over (two pools on PostgreSQL).
async fn race(apps: &[App]) {
    let app = &apps[0];
    let admin = bureau(Role::BureauAdmin, None);
    let org = enterprise(app).await;
    fund(app, "appr-race", 1_000_000).await;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..200 {
        let app = apps[i % apps.len()].clone();
        let admin = admin.clone();
        let org = org.clone();
        set.spawn(async move {
            ledger::pay(
                &app,
                &admin,
                &pay_input("same-key", &org, 1_000, "APP-SAME"),
            )
            .await
            .map(|v| (v.id, v.replayed))
        });
    }
    let mut ids = std::collections::BTreeSet::new();
    let mut fresh = 0;
    while let Some(r) = set.join_next().await {
        let (id, replayed) = r.unwrap().unwrap();
        ids.insert(id);
        fresh += usize::from(!replayed);
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(fresh, 1);

    let mut set = tokio::task::JoinSet::new();
    for i in 0..200 {
        let app = apps[i % apps.len()].clone();
        let admin = admin.clone();
        let org = org.clone();
        set.spawn(async move {
            ledger::pay(
                &app,
                &admin,
                &pay_input(&format!("k-{i}"), &org, 1_000, "APP-ONE"),
            )
            .await
        });
    }
    let (mut ok, mut refused) = (0, 0);
    while let Some(r) = set.join_next().await {
        match r.unwrap() {
            Ok(_) => ok += 1,
            Err(AppError::Conflict(f)) if f.code == "ledger_basis_paid" => refused += 1,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((ok, refused), (1, 199));

    // 998,000 fen left; 200 payments of 7,000 = 1,400,000 would overspend.
    let mut set = tokio::task::JoinSet::new();
    for i in 0..200 {
        let app = apps[i % apps.len()].clone();
        let admin = admin.clone();
        let org = org.clone();
        set.spawn(async move {
            ledger::pay(
                &app,
                &admin,
                &pay_input(&format!("o-{i}"), &org, 7_000, &format!("APP-O{i}")),
            )
            .await
        });
    }
    let (mut ok, mut refused) = (0i64, 0);
    while let Some(r) = set.join_next().await {
        match r.unwrap() {
            Ok(_) => ok += 1,
            Err(AppError::Conflict(f)) if f.code == "ledger_insufficient" => refused += 1,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(ok, 998_000 / 7_000);
    assert_eq!(ok + refused, 200);
    let admin_view = ledger::statement(app, &admin, BUDGET, 1, 1).await.unwrap();
    assert_eq!(admin_view.account.balance.fen, 998_000 - ok * 7_000);
    assert!(admin_view.account.balance.fen >= 0);
    let paid = ledger::statement(app, &admin, &format!("enterprise:{org}"), 1, 1)
        .await
        .unwrap();
    assert_eq!(paid.account.balance.fen, 2_000 + ok * 7_000);
    assert_books_hold(app).await;
}

store_test!(
    two_hundred_concurrent_payments_pay_once_and_never_overspend,
    |store| {
        race(&[app(&store)]).await;
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_pay_once() {
    let Some(db) = kechuang_testkit::TestDb::postgres().await else {
        return;
    };
    let other = kechuang_store::Store::open_postgres(db.url.as_deref().unwrap(), 5)
        .await
        .unwrap();
    race(&[app(&db.store), app(&other)]).await;
    other.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_payments_on_sqlite_from_threads_pay_once() {
    let db = kechuang_testkit::TestDb::sqlite().await;
    race(&[app(&db.store)]).await;
}
