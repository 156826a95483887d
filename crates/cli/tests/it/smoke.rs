use crate::cmd::*;
use kechuang_store::{Store, with_conn};

#[test]
fn a_bad_argument_fails_with_one_line_and_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        dir.path(),
        &[
            "--data-dir",
            "d",
            "report",
            "--from",
            "2023-13",
            "--to",
            "2023-10",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("2023-13") && err.starts_with("kechuang: "),
        "{err}"
    );
}

#[test]
fn a_database_that_cannot_be_reached_is_one_line_too() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        dir.path(),
        &[
            "--database",
            "postgres://nobody:secret@127.0.0.1:1/nothing",
            "check",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!err.contains("secret"), "the password is redacted: {err}");
}

#[test]
fn the_data_dir_is_created_and_migrated_and_the_default_is_kechuang_data() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["migrate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("kechuang-data/kechuang.db").exists());
    let o = run(dir.path(), &["--data-dir", "elsewhere/x", "migrate"]);
    assert!(o.status.success());
    assert!(dir.path().join("elsewhere/x/kechuang.db").exists());
}

#[tokio::test]
async fn check_reports_the_first_broken_link_of_the_event_chain() {
    let dir = tempfile::tempdir().unwrap();
    for (u, role) in [
        ("adm1", "bureau_admin"),
        ("adm2", "bureau_admin"),
        ("rev3", "bureau_reviewer"),
    ] {
        let o = run(
            dir.path(),
            &[
                "user",
                "add",
                "--username",
                u,
                "--password",
                "password-1",
                "--role",
                role,
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let ok = run(dir.path(), &["check"]);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("3 条事件，完整"), "{}", stdout(&ok));

    let store = Store::open_sqlite(&dir.path().join("kechuang-data/kechuang.db"))
        .await
        .unwrap();
    let mut db = store.begin().await.unwrap();
    with_conn!(db, c => sqlx::query("UPDATE event SET actor = 'someone-else' WHERE seq = 2").execute(&mut *c).await.map(|_| ())).unwrap();
    db.commit().await.unwrap();
    store.close().await;

    let bad = run(dir.path(), &["check"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stdout(&bad).contains("第一个断点在第 2 条"),
        "{}",
        stdout(&bad)
    );
}

#[test]
fn users_can_be_added_for_an_organisation_on_postgres_too() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(kechuang_testkit::TestDb::postgres()) else {
        return;
    };
    let url = db.target();
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        dir.path(),
        &[
            "--database",
            &url,
            "user",
            "add",
            "--username",
            "boss",
            "--password",
            "password-1",
            "--role",
            "bureau_admin",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(
        dir.path(),
        &[
            "--database",
            &url,
            "user",
            "add",
            "--username",
            "ent",
            "--password",
            "password-1",
            "--role",
            "enterprise",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "an enterprise account needs its organisation"
    );
    assert!(stderr(&o).contains("org_id"), "{}", stderr(&o));
    let list = run(dir.path(), &["--database", &url, "user", "list"]);
    assert!(
        stdout(&list).contains("boss\tboss\tbureau_admin"),
        "{}",
        stdout(&list)
    );
    let check = run(dir.path(), &["--database", &url, "check"]);
    assert!(check.status.success(), "{}", stdout(&check));
    assert!(
        !dir.path().join("kechuang-data").exists(),
        "PostgreSQL needs no data directory"
    );
    drop(rt);
}
