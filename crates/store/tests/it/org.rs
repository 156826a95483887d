use crate::fixtures::*;
use kechuang_core::date::from_iso;
use kechuang_core::ids::OrgId;
use kechuang_core::qualification::{Qualification, QualificationKind};
use kechuang_store::{OrgFilter, StoreError, Upserted, now_us};
use kechuang_testkit::store_test;

store_test!(an_organisation_round_trips, |store| {
    let mut db = store.begin().await.unwrap();
    let id = OrgId(kechuang_store::new_id());
    let mut org = enterprise(1, "巴川街道", true);
    org.coordinates = Some(kechuang_core::org::Coordinates::parse("106.054321", "29.845").unwrap());
    org.founded_on = from_iso("2015-03-02");
    db.insert_organisation(&id, &org, now_us()).await.unwrap();
    db.commit().await.unwrap();

    let mut r = store.read().await.unwrap();
    let got = r.organisation(&id).await.unwrap().unwrap();
    assert_eq!(got.org, org);
    let by_code = r
        .organisation_by_code(&org.credit_code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_code.id, id);
});

store_test!(a_duplicate_credit_code_is_a_named_conflict, |store| {
    let mut db = store.begin().await.unwrap();
    add_enterprise(&mut db, 7, "巴川街道", false).await;
    let err = db
        .insert_organisation(
            &OrgId(kechuang_store::new_id()),
            &enterprise(7, "东城街道", false),
            now_us(),
        )
        .await
        .unwrap_err();
    assert!(err.is_conflict("organisation_credit_code_key"), "{err:?}");
});

store_test!(a_rolled_back_transaction_leaves_nothing, |store| {
    let mut db = store.begin().await.unwrap();
    add_enterprise(&mut db, 8, "巴川街道", false).await;
    db.rollback().await.unwrap();
    assert_eq!(
        store
            .read()
            .await
            .unwrap()
            .count_organisations()
            .await
            .unwrap(),
        0
    );
});

store_test!(lists_filter_by_town_scope_name_and_qualification, |store| {
    let mut db = store.begin().await.unwrap();
    let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
    let _b = add_enterprise(&mut db, 2, "东城街道", false).await;
    let c = add_enterprise(&mut db, 3, "巴川街道", false).await;
    let d = |s| from_iso(s).unwrap();
    let q = Qualification::new(
        QualificationKind::HighTech,
        Some("GR202351000123".into()),
        d("2023-10-01"),
        None,
    )
    .unwrap();
    db.upsert_qualification(&a, &q, now_us()).await.unwrap();
    db.commit().await.unwrap();

    let mut r = store.read().await.unwrap();
    let f = OrgFilter {
        town: Some("巴川街道".into()),
        limit: 50,
        ..Default::default()
    };
    let page = r.list_organisations(&f).await.unwrap();
    assert_eq!(page.total, 2);

    let f = OrgFilter {
        scope_towns: Some(vec!["东城街道".into()]),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(r.list_organisations(&f).await.unwrap().total, 1);

    let f = OrgFilter {
        q: Some("测试3".into()),
        limit: 50,
        ..Default::default()
    };
    let page = r.list_organisations(&f).await.unwrap();
    assert_eq!(
        page.items
            .iter()
            .map(|i| i.record.id.clone())
            .collect::<Vec<_>>(),
        vec![c]
    );

    let f = OrgFilter {
        qualification: Some(QualificationKind::HighTech),
        on: Some(d("2023-12-31")),
        limit: 50,
        ..Default::default()
    };
    let page = r.list_organisations(&f).await.unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(
        page.items[0].qualifications,
        vec![QualificationKind::HighTech]
    );
    let f = OrgFilter {
        qualification: Some(QualificationKind::HighTech),
        on: Some(d("2023-09-30")),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(r.list_organisations(&f).await.unwrap().total, 0);

    let f = OrgFilter {
        scope_towns: Some(vec![]),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(
        r.list_organisations(&f).await.unwrap().total,
        0,
        "an empty scope sees nothing"
    );
});

store_test!(
    qualification_upserts_are_idempotent_and_keep_history,
    |store| {
        let mut db = store.begin().await.unwrap();
        let a = add_enterprise(&mut db, 1, "巴川街道", true).await;
        let d = |s| from_iso(s).unwrap();
        let first = Qualification::new(
            QualificationKind::HighTech,
            Some("GR2020".into()),
            d("2020-12-01"),
            None,
        )
        .unwrap();
        let renewal = Qualification::new(
            QualificationKind::HighTech,
            Some("GR2023".into()),
            d("2023-12-01"),
            None,
        )
        .unwrap();
        assert_eq!(
            db.upsert_qualification(&a, &first, now_us())
                .await
                .unwrap()
                .1,
            Upserted::Inserted
        );
        assert_eq!(
            db.upsert_qualification(&a, &first, now_us())
                .await
                .unwrap()
                .1,
            Upserted::Unchanged
        );
        let mut changed = first.clone();
        changed.number = Some("GR2020-X".into());
        assert_eq!(
            db.upsert_qualification(&a, &changed, now_us())
                .await
                .unwrap()
                .1,
            Upserted::Updated
        );
        db.upsert_qualification(&a, &renewal, now_us())
            .await
            .unwrap();
        let history = db.qualifications_of(&a).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].q.number.as_deref(), Some("GR2023"));

        let hte = [QualificationKind::HighTech];
        assert_eq!(
            db.count_valid_holders(&hte, d("2023-12-31")).await.unwrap(),
            1
        );
        assert_eq!(
            db.count_first_recognized(&hte, d("2023-01-01"), d("2023-12-31"))
                .await
                .unwrap(),
            0,
            "a renewal is not new"
        );
        assert_eq!(
            db.count_first_recognized(&hte, d("2020-01-01"), d("2020-12-31"))
                .await
                .unwrap(),
            1
        );
        let missing = db
            .delete_qualification(&a, &kechuang_core::ids::QualificationId("nope".into()))
            .await
            .unwrap_err();
        assert!(matches!(missing, StoreError::NotFound));
    }
);

store_test!(bulk_organisations_insert_in_chunks, |store| {
    let mut db = store.begin().await.unwrap();
    let orgs: Vec<_> = (1..=1234u32)
        .map(|n| {
            (
                OrgId(kechuang_store::new_id()),
                enterprise(n, "巴川街道", n % 3 == 0),
            )
        })
        .collect();
    db.insert_organisations(&orgs, now_us()).await.unwrap();
    db.commit().await.unwrap();
    let mut r = store.read().await.unwrap();
    assert_eq!(r.count_organisations().await.unwrap(), 1234);
    let got = r.organisation(&orgs[1000].0).await.unwrap().unwrap();
    assert_eq!(got.org, orgs[1000].1);
});
