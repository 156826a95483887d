use crate::fixtures::*;
use kechuang_core::filing::FilingStatus;
use kechuang_core::ids::ImportBatchId;
use kechuang_core::period::Period;
use kechuang_store::now_us;
use kechuang_testkit::store_test;

fn p(s: &str) -> Period {
    Period::parse(s).expect("period")
}

store_test!(
    filing_heads_give_the_latest_version_and_the_current_values,
    |store| {
        let mut db = store.begin().await.unwrap();
        let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
        let b = add_enterprise(&mut db, 2, "东城街道", false).await;
        db.insert_filing(&approved(&a, "2023Q3", values(&[("rd_expense", "100")])))
            .await
            .unwrap();
        db.insert_filing(&version(
            &a,
            "2023Q3",
            2,
            FilingStatus::Submitted,
            values(&[("rd_expense", "120")]),
        ))
        .await
        .unwrap();
        db.insert_filing(&version(
            &b,
            "2023Q3",
            1,
            FilingStatus::Draft,
            values(&[("rd_expense", "9")]),
        ))
        .await
        .unwrap();
        db.insert_filing(&approved(&b, "2023Q2", values(&[("rd_expense", "5")])))
            .await
            .unwrap();
        let mut heads = db.filing_heads(&[&a, &b], &[p("2023Q3")]).await.unwrap();
        heads.sort_by(|x, y| x.org_id.cmp(&y.org_id));
        let mut expected = vec![
            (a.clone(), 2, FilingStatus::Submitted, Some(100_000_000)),
            (b.clone(), 1, FilingStatus::Draft, None),
        ];
        expected.sort_by(|x, y| x.0.cmp(&y.0));
        let got: Vec<_> = heads
            .iter()
            .map(|h| {
                (
                    h.org_id.clone(),
                    h.latest_version,
                    h.latest_status,
                    h.current.as_ref().and_then(|v| v.get("rd_expense")),
                )
            })
            .collect();
        assert_eq!(got, expected);
        assert!(
            heads.iter().all(|h| h.period == p("2023Q3")),
            "2023Q2 was not asked for"
        );
        assert!(db.filing_heads(&[&a], &[]).await.unwrap().is_empty());
    }
);

store_test!(
    clearing_many_current_versions_keeps_the_rollup_true,
    |store| {
        let mut db = store.begin().await.unwrap();
        let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
        let b = add_enterprise(&mut db, 2, "东城街道", false).await;
        db.insert_filings(&[
            approved(&a, "2023Q3", values(&[("rd_expense", "100")])),
            approved(&a, "2023Q2", values(&[("rd_expense", "60")])),
            approved(&b, "2023Q3", values(&[("rd_expense", "7")])),
        ])
        .await
        .unwrap();
        // (b, 2023Q2) has no current version: skipped.
        db.clear_current_many(&[(a.clone(), p("2023Q3")), (b.clone(), p("2023Q2"))])
            .await
            .unwrap();
        let cur = db.current_values_of(&[&a, &b]).await.unwrap();
        let mut got: Vec<_> = cur
            .iter()
            .map(|(o, per, v)| (o.clone(), *per, v.get("rd_expense")))
            .collect();
        got.sort();
        let mut expected = vec![
            (a.clone(), p("2023Q2"), Some(60_000_000)),
            (b.clone(), p("2023Q3"), Some(7_000_000)),
        ];
        expected.sort();
        assert_eq!(got, expected);
        assert_eq!(
            db.rollup_all().await.unwrap(),
            db.rollup_recomputed().await.unwrap()
        );
        assert_eq!(
            db.filing_current_mismatches().await.unwrap(),
            Vec::<String>::new()
        );
        db.commit().await.unwrap();
    }
);

store_test!(
    unrolled_inserts_share_their_workflow_columns_and_mirror_current_rows,
    |store| {
        use kechuang_core::filing::FilingSource;
        use kechuang_store::RollupDelta;
        use kechuang_store::bulk::FilingBatchMeta;
        let mut db = store.begin().await.unwrap();
        let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
        let b = add_enterprise(&mut db, 2, "东城街道", false).await;
        let batch = ImportBatchId(kechuang_store::new_id());
        db.insert_import_batch(
            &batch,
            "a.xlsx",
            "00",
            "cli",
            now_us(),
            &serde_json::json!({}),
        )
        .await
        .unwrap();
        let meta = FilingBatchMeta {
            status: FilingStatus::Approved,
            source: FilingSource::Import,
            is_current: true,
            created_by: format!("import:{batch}"),
            created_at: 7,
            reviewed_by: Some("cli".into()),
            reviewed_at: Some(8),
            import_batch_id: Some(batch.clone()),
        };
        let va = values(&[("rd_expense", "100"), ("employees", "12.5")]);
        let vb = values(&[("rd_expense", "7")]);
        // More rows than one statement holds, so the chunking is exercised.
        let periods: Vec<Period> = (0..130)
            .map(|k| Period::from_code((1990 + k / 5) * 10 + k % 5).unwrap())
            .collect();
        let mut rows = vec![(&b, p("2023Q3"), 1, &vb)];
        rows.extend(periods.iter().map(|per| (&a, *per, 1, &va)));
        db.insert_filings_unrolled(&meta, &rows).await.unwrap();
        let mut delta = RollupDelta::default();
        for (org, per, _, v) in &rows {
            let key = if *org == &a {
                ("巴川街道".to_string(), "新型储能".to_string(), true)
            } else {
                ("东城街道".to_string(), "新型储能".to_string(), false)
            };
            delta.add(per.code(), &key, v, 1);
        }
        db.apply_rollup(&delta).await.unwrap();
        let f = db
            .filing_versions(&a, periods[129])
            .await
            .unwrap()
            .remove(0);
        assert_eq!(
            (f.status, f.source, f.is_current, f.version),
            (FilingStatus::Approved, FilingSource::Import, true, 1)
        );
        assert_eq!(
            (f.created_by.as_str(), f.created_at, f.updated_at),
            (meta.created_by.as_str(), 7, 7)
        );
        assert_eq!(
            (
                f.reviewed_by.as_deref(),
                f.reviewed_at,
                f.submitted_by.as_deref()
            ),
            (Some("cli"), Some(8), None)
        );
        assert_eq!(f.import_batch_id, Some(batch));
        assert_eq!(f.values, va);
        assert_eq!(db.current_values_of(&[&a]).await.unwrap().len(), 130);
        assert_eq!(
            db.filing_current_mismatches().await.unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(
            db.rollup_all().await.unwrap(),
            db.rollup_recomputed().await.unwrap()
        );
        db.commit().await.unwrap();
    }
);

store_test!(
    latest_current_values_take_each_organisations_latest_period,
    |store| {
        let mut db = store.begin().await.unwrap();
        let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
        let b = add_enterprise(&mut db, 2, "东城街道", false).await;
        db.insert_filings(&[
            approved(&a, "2023Q2", values(&[("rd_expense", "60")])),
            approved(&a, "2023Q3", values(&[("rd_expense", "100")])),
            approved(&b, "2022", values(&[("rd_expense", "7")])),
        ])
        .await
        .unwrap();
        // A newer draft is not approved: it does not count.
        db.insert_filing(&version(
            &a,
            "2023Q4",
            1,
            FilingStatus::Draft,
            values(&[("rd_expense", "1")]),
        ))
        .await
        .unwrap();
        let mut got: Vec<_> = db
            .latest_current_values()
            .await
            .unwrap()
            .into_iter()
            .map(|(o, per, v)| (o, per, v.get("rd_expense")))
            .collect();
        got.sort();
        let mut expected = vec![
            (a, p("2023Q3"), Some(100_000_000)),
            (b, p("2022"), Some(7_000_000)),
        ];
        expected.sort();
        assert_eq!(got, expected);
    }
);

store_test!(an_import_batch_summary_can_be_filled_in_later, |store| {
    let mut db = store.begin().await.unwrap();
    let id = ImportBatchId(kechuang_store::new_id());
    db.insert_import_batch(&id, "a.xlsx", "00", "cli", now_us(), &serde_json::json!({}))
        .await
        .unwrap();
    db.set_import_batch_summary(&id, &serde_json::json!({"filings_created": 3}))
        .await
        .unwrap();
    let missing = ImportBatchId("nope".into());
    assert!(
        db.set_import_batch_summary(&missing, &serde_json::json!({}))
            .await
            .is_err()
    );
    db.commit().await.unwrap();
    let rows = store.read().await.unwrap().import_batches(5).await.unwrap();
    assert_eq!(rows[0].summary, r#"{"filings_created":3}"#);
});
