use crate::fixtures::*;
use kechuang_core::ids::OrgId;
use kechuang_core::period::Period;
use kechuang_store::now_us;
use kechuang_testkit::store_test;

store_test!(
    rd_above_scale_sums_latest_quarter_and_same_firms_a_year_earlier,
    |store| {
        let mut db = store.begin().await.unwrap();
        let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
        let b = add_enterprise(&mut db, 2, "东城街道", true).await;
        let small = add_enterprise(&mut db, 3, "东城街道", false).await;
        let newcomer = add_enterprise(&mut db, 4, "东城街道", true).await;
        let rows = vec![
            approved(&a, "2023Q3", values(&[("rd_expense", "100.5")])),
            approved(&b, "2023Q3", values(&[("rd_expense", "200")])),
            approved(&small, "2023Q3", values(&[("rd_expense", "999")])),
            approved(&newcomer, "2023Q3", values(&[("rd_expense", "10")])),
            approved(&a, "2022Q3", values(&[("rd_expense", "90")])),
            approved(&b, "2022Q3", values(&[("rd_expense", "180")])),
            approved(&small, "2022Q3", values(&[("rd_expense", "5")])),
            approved(&a, "2023Q2", values(&[("rd_expense", "60")])),
        ];
        db.insert_filings(&rows).await.unwrap();
        db.commit().await.unwrap();
        let q = |s| Period::parse(s).unwrap();
        let mut r = store.read().await.unwrap();
        let got = r
            .rd_above_scale(&[q("2023Q4"), q("2023Q3"), q("2023Q2")])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            got.period,
            q("2023Q3"),
            "Q4 has no filings, so Q3 is the latest"
        );
        assert_eq!(got.amount_fen, 310_500_000);
        assert_eq!(got.enterprises, 3);
        assert_eq!(got.base_fen, 270_000_000);
        assert_eq!(got.base_enterprises, 2);
        assert!(r.rd_above_scale(&[q("2021Q1")]).await.unwrap().is_none());
    }
);

store_test!(
    the_rollup_follows_approvals_corrections_and_moves,
    |store| {
        let mut db = store.begin().await.unwrap();
        let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
        let b = add_enterprise(&mut db, 2, "东城街道", false).await;
        db.insert_filings(&[
            approved(
                &a,
                "2023Q3",
                values(&[("rd_expense", "100"), ("employees", "10")]),
            ),
            approved(&b, "2023Q3", values(&[("rd_expense", "50")])),
            approved(&a, "2022Q3", values(&[("rd_expense", "80")])),
        ])
        .await
        .unwrap();
        // A correction of a's 2023Q3: version 2 replaces 100 by 130.
        let p = Period::parse("2023Q3").unwrap();
        let mut v2 = version(
            &a,
            "2023Q3",
            2,
            kechuang_core::filing::FilingStatus::Approved,
            values(&[("rd_expense", "130")]),
        );
        v2.is_current = false;
        db.insert_filing(&v2).await.unwrap();
        db.make_current(&a, p, 2).await.unwrap();
        // b moves town.
        let mut moved = enterprise(2, "巴川街道", false);
        moved.cluster = Some("摩托车".into());
        db.update_organisation(&b, &moved, now_us()).await.unwrap();
        db.commit().await.unwrap();

        let mut r = store.read().await.unwrap();
        let stored = r.rollup_all().await.unwrap();
        let fresh = r.rollup_recomputed().await.unwrap();
        assert_eq!(
            stored, fresh,
            "the rollup equals a GROUP BY over current filings"
        );
        assert_eq!(
            r.filing_current_mismatches().await.unwrap(),
            Vec::<String>::new()
        );
        let towns = r.town_indicator_sums(&[p]).await.unwrap();
        assert_eq!(towns.len(), 1);
        assert_eq!(towns[0].town, "巴川街道");
        let rd = kechuang_core::indicator::by_code("rd_expense")
            .unwrap()
            .index;
        let emp = kechuang_core::indicator::by_code("employees")
            .unwrap()
            .index;
        assert_eq!(towns[0].sums.sums[rd], 180_000_000);
        assert_eq!(towns[0].sums.filings, 2);
        assert_eq!(
            towns[0].sums.counts[emp], 0,
            "version 2 does not report employees"
        );
        assert_eq!(r.town_indicator_sums_scan(&[p]).await.unwrap(), towns);
    }
);

store_test!(top_rankings_and_qualification_counts, |store| {
    let mut db = store.begin().await.unwrap();
    let mut ids: Vec<OrgId> = Vec::new();
    for n in 0..5u32 {
        let id = add_enterprise(
            &mut db,
            n + 1,
            if n % 2 == 0 {
                "巴川街道"
            } else {
                "东城街道"
            },
            true,
        )
        .await;
        db.insert_filing(&approved(
            &id,
            "2023Q3",
            values(&[("rd_expense", &format!("{}", (n + 1) * 10))]),
        ))
        .await
        .unwrap();
        ids.push(id);
    }
    let d = |s| kechuang_core::date::from_iso(s).unwrap();
    use kechuang_core::qualification::{Qualification, QualificationKind as K};
    db.upsert_qualification(
        &ids[0],
        &Qualification::new(K::HighTech, None, d("2022-01-01"), None).unwrap(),
        now_us(),
    )
    .await
    .unwrap();
    db.upsert_qualification(
        &ids[1],
        &Qualification::new(K::HighTech, None, d("2019-01-01"), None).unwrap(),
        now_us(),
    )
    .await
    .unwrap();
    db.upsert_qualification(
        &ids[1],
        &Qualification::new(K::Srdi, None, d("2023-05-01"), None).unwrap(),
        now_us(),
    )
    .await
    .unwrap();
    db.commit().await.unwrap();
    let mut r = store.read().await.unwrap();
    let rd = kechuang_core::indicator::by_code("rd_expense").unwrap();
    let top = r
        .top_by_indicator(Period::parse("2023Q3").unwrap(), rd, 3, None)
        .await
        .unwrap();
    assert_eq!(
        top.iter().map(|t| t.2).collect::<Vec<_>>(),
        vec![50_000_000, 40_000_000, 30_000_000]
    );
    let scoped = r
        .top_by_indicator(
            Period::parse("2023Q3").unwrap(),
            rd,
            3,
            Some(&["东城街道".into()]),
        )
        .await
        .unwrap();
    assert_eq!(
        scoped.iter().map(|t| t.2).collect::<Vec<_>>(),
        vec![40_000_000, 20_000_000]
    );
    let counts = r
        .counts_by_qualification(d("2023-06-30"), None)
        .await
        .unwrap();
    assert!(counts.contains(&(K::HighTech, 1)), "{counts:?}");
    assert!(counts.contains(&(K::Srdi, 1)));
});

store_test!(a_stale_current_row_is_reported, |store| {
    let mut db = store.begin().await.unwrap();
    let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
    db.insert_filings(&[approved(&a, "2023Q3", values(&[("rd_expense", "100")]))])
        .await
        .unwrap();
    kechuang_store::with_conn!(db, c => sqlx::query("UPDATE filing_current SET rd_expense = 1").execute(&mut *c).await.map(|_| ())).unwrap();
    db.commit().await.unwrap();
    let m = store
        .read()
        .await
        .unwrap()
        .filing_current_mismatches()
        .await
        .unwrap();
    assert_eq!(m.len(), 1, "{m:?}");
});
