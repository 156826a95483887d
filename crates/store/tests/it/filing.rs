use crate::fixtures::*;
use kechuang_core::filing::FilingStatus;
use kechuang_core::period::Period;
use kechuang_store::now_us;
use kechuang_testkit::store_test;

store_test!(versions_keep_old_values_readable, |store| {
    let mut db = store.begin().await.unwrap();
    let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
    let p = Period::parse("2023Q3").unwrap();
    db.insert_filing(&version(
        &a,
        "2023Q3",
        1,
        FilingStatus::Draft,
        values(&[("rd_expense", "100")]),
    ))
    .await
    .unwrap();
    db.update_draft(&a, p, 1, &values(&[("rd_expense", "120")]), now_us())
        .await
        .unwrap();
    db.set_filing_status(
        &a,
        p,
        1,
        FilingStatus::Draft,
        FilingStatus::Submitted,
        "user:x",
        now_us(),
        None,
    )
    .await
    .unwrap();
    db.set_filing_status(
        &a,
        p,
        1,
        FilingStatus::Submitted,
        FilingStatus::Approved,
        "user:r",
        now_us(),
        None,
    )
    .await
    .unwrap();
    db.make_current(&a, p, 1).await.unwrap();
    // A correction: version 2, approved, becomes current.
    db.insert_filing(&version(
        &a,
        "2023Q3",
        2,
        FilingStatus::Draft,
        values(&[("rd_expense", "130")]),
    ))
    .await
    .unwrap();
    db.set_filing_status(
        &a,
        p,
        2,
        FilingStatus::Draft,
        FilingStatus::Submitted,
        "user:x",
        now_us(),
        None,
    )
    .await
    .unwrap();
    db.set_filing_status(
        &a,
        p,
        2,
        FilingStatus::Submitted,
        FilingStatus::Approved,
        "user:r",
        now_us(),
        None,
    )
    .await
    .unwrap();
    db.make_current(&a, p, 2).await.unwrap();
    db.commit().await.unwrap();

    let mut r = store.read().await.unwrap();
    let vs = r.filing_versions(&a, p).await.unwrap();
    assert_eq!(vs.len(), 2);
    assert_eq!(vs[0].values.get("rd_expense"), Some(120_000_000));
    assert_eq!(vs[0].reviewed_by.as_deref(), Some("user:r"));
    assert!(!vs[0].is_current);
    assert!(vs[1].is_current);
    assert_eq!(r.latest_filing(&a, p).await.unwrap().unwrap().version, 2);
    let current = r.current_filings_of(&a).await.unwrap();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].values.get("rd_expense"), Some(130_000_000));
});

store_test!(a_decided_version_cannot_be_edited_as_a_draft, |store| {
    let mut db = store.begin().await.unwrap();
    let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
    let p = Period::parse("2023").unwrap();
    db.insert_filing(&approved(&a, "2023", values(&[("rd_expense", "1")])))
        .await
        .unwrap();
    let err = db
        .update_draft(&a, p, 1, &values(&[("rd_expense", "2")]), now_us())
        .await
        .unwrap_err();
    assert!(matches!(err, kechuang_store::StoreError::NotFound));
    let err = db
        .set_filing_status(
            &a,
            p,
            1,
            FilingStatus::Submitted,
            FilingStatus::Approved,
            "r",
            now_us(),
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, kechuang_store::StoreError::NotFound),
        "status must match the expected one"
    );
});

store_test!(bulk_insert_writes_every_row_and_value, |store| {
    let mut db = store.begin().await.unwrap();
    let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
    let rows: Vec<_> = (1990..2100)
        .flat_map(|y| (1..=4).map(move |q| (y, q)))
        .take(430)
        .map(|(y, q)| {
            approved(
                &a,
                &format!("{y}Q{q}"),
                values(&[("rd_expense", &format!("{y}.{q}")), ("employees", "12.5")]),
            )
        })
        .collect();
    db.insert_filings(&rows).await.unwrap();
    db.commit().await.unwrap();
    let mut r = store.read().await.unwrap();
    let current = r.current_filings_of(&a).await.unwrap();
    assert_eq!(current.len(), 430);
    assert_eq!(current[429].values.get("rd_expense"), Some(2_097_200_000));
    assert_eq!(current[0].values.get("employees"), Some(1250));
});

store_test!(the_review_queue_respects_town_scope, |store| {
    let mut db = store.begin().await.unwrap();
    let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
    let b = add_enterprise(&mut db, 2, "东城街道", true).await;
    for (org, n) in [(&a, 1), (&b, 2)] {
        let mut v = version(
            org,
            "2024Q1",
            1,
            FilingStatus::Submitted,
            values(&[("employees", "10")]),
        );
        v.submitted_at = Some(n);
        db.insert_filing(&v).await.unwrap();
    }
    db.commit().await.unwrap();
    let mut r = store.read().await.unwrap();
    assert_eq!(r.review_queue(None, 10).await.unwrap().len(), 2);
    let scoped = r
        .review_queue(Some(&["东城街道".to_string()]), 10)
        .await
        .unwrap();
    assert_eq!(scoped.len(), 1);
    assert_eq!(scoped[0].filing.org_id, b);
    assert!(r.review_queue(Some(&[]), 10).await.unwrap().is_empty());
});
