use kechuang_core::ids::UserId;
use kechuang_core::role::Role;
use kechuang_store::{UserRecord, now_us};
use kechuang_testkit::store_test;

fn user(name: &str) -> UserRecord {
    UserRecord {
        id: UserId(kechuang_store::new_id()),
        username: name.into(),
        display_name: "张三".into(),
        password_hash: "$argon2id$x".into(),
        role: Role::BureauReviewer,
        org_id: None,
        towns: Some(vec!["巴川街道".into()]),
        active: true,
    }
}

store_test!(sessions_expire_and_end, |store| {
    let mut db = store.begin().await.unwrap();
    let u = user("reviewer");
    db.insert_user(&u, now_us()).await.unwrap();
    let now = now_us();
    db.insert_session("h1", &u.id, "csrf1", now, now + 1_000_000)
        .await
        .unwrap();
    db.insert_session("h2", &u.id, "csrf2", now, now - 1)
        .await
        .unwrap();
    db.commit().await.unwrap();
    let mut r = store.read().await.unwrap();
    let s = r.session("h1", now).await.unwrap().unwrap();
    assert_eq!(s.user, u);
    assert_eq!(s.csrf_token, "csrf1");
    assert!(r.session("h2", now).await.unwrap().is_none(), "expired");
    drop(r);
    let mut db = store.begin().await.unwrap();
    db.delete_session("h1").await.unwrap();
    assert_eq!(db.purge_sessions(now).await.unwrap(), 1);
    db.commit().await.unwrap();
    assert!(
        store
            .read()
            .await
            .unwrap()
            .session("h1", now)
            .await
            .unwrap()
            .is_none()
    );
});

store_test!(usernames_are_unique, |store| {
    let mut db = store.begin().await.unwrap();
    db.insert_user(&user("a"), now_us()).await.unwrap();
    let e = db.insert_user(&user("a"), now_us()).await.unwrap_err();
    assert!(e.is_conflict("app_user_username_key"), "{e:?}");
});
