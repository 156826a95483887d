use kechuang_store::with_conn;
use kechuang_testkit::store_test;
use serde_json::json;

store_test!(events_chain_and_verify, |store| {
    let mut db = store.begin().await.unwrap();
    for i in 0..5 {
        let seq = db
            .append_event(
                "cli",
                "organisation",
                &format!("o{i}"),
                "organisation.created",
                &json!({"i": i}),
            )
            .await
            .unwrap();
        assert_eq!(seq, i + 1);
    }
    db.commit().await.unwrap();
    let mut r = store.read().await.unwrap();
    let report = r.verify_event_chain().await.unwrap();
    assert_eq!(report.events, 5);
    assert_eq!(report.first_break, None);
    assert_eq!(
        r.events_for("organisation", "o3", 10).await.unwrap().len(),
        1
    );
});

store_test!(
    a_tampered_payload_is_found_at_its_sequence_number,
    |store| {
        let mut db = store.begin().await.unwrap();
        for i in 0..4 {
            db.append_event(
                "cli",
                "organisation",
                "o",
                "organisation.updated",
                &json!({"i": i}),
            )
            .await
            .unwrap();
        }
        with_conn!(db, c => sqlx::query("UPDATE event SET payload = '{\"i\":99}' WHERE seq = 3").execute(&mut *c).await.map(|_| ())).unwrap();
        db.commit().await.unwrap();
        let report = store
            .read()
            .await
            .unwrap()
            .verify_event_chain()
            .await
            .unwrap();
        let brk = report.first_break.unwrap();
        assert_eq!(brk.seq, 3);
        assert!(brk.reason.contains("hash"), "{}", brk.reason);
    }
);

store_test!(a_deleted_event_is_a_gap, |store| {
    let mut db = store.begin().await.unwrap();
    for i in 0..4 {
        db.append_event("cli", "x", "y", "k", &json!(i))
            .await
            .unwrap();
    }
    with_conn!(db, c => sqlx::query("DELETE FROM event WHERE seq = 2").execute(&mut *c).await.map(|_| ())).unwrap();
    db.commit().await.unwrap();
    let brk = store
        .read()
        .await
        .unwrap()
        .verify_event_chain()
        .await
        .unwrap()
        .first_break
        .unwrap();
    assert_eq!(brk.seq, 3);
    assert!(brk.reason.contains("gap"));
});

store_test!(a_rolled_back_event_leaves_no_hole, |store| {
    let mut db = store.begin().await.unwrap();
    db.append_event("cli", "x", "y", "k", &json!(1))
        .await
        .unwrap();
    db.commit().await.unwrap();
    let mut db = store.begin().await.unwrap();
    db.append_event("cli", "x", "y", "k", &json!(2))
        .await
        .unwrap();
    db.rollback().await.unwrap();
    let mut db = store.begin().await.unwrap();
    assert_eq!(
        db.append_event("cli", "x", "y", "k", &json!(3))
            .await
            .unwrap(),
        2
    );
    db.commit().await.unwrap();
    assert_eq!(
        store
            .read()
            .await
            .unwrap()
            .verify_event_chain()
            .await
            .unwrap()
            .first_break,
        None
    );
});

store_test!(batched_events_continue_the_chain, |store| {
    use kechuang_store::NewEvent;
    let mut db = store.begin().await.unwrap();
    db.append_event("cli", "x", "1", "k", &json!(0))
        .await
        .unwrap();
    let batch: Vec<NewEvent> = (0..1200)
        .map(|i| NewEvent {
            actor: "cli".into(),
            entity: "organisation".into(),
            entity_id: format!("o{i}"),
            kind: "organisation.created".into(),
            payload: json!({"i": i}),
        })
        .collect();
    assert_eq!(db.append_events(&batch).await.unwrap(), 1201);
    assert_eq!(
        db.append_event("cli", "x", "2", "k", &json!(1))
            .await
            .unwrap(),
        1202
    );
    db.commit().await.unwrap();
    let report = store
        .read()
        .await
        .unwrap()
        .verify_event_chain()
        .await
        .unwrap();
    assert_eq!((report.events, report.first_break), (1202, None));
});
