//! A kill -9 in the middle of an import leaves the database as it was before.

use crate::cmd::*;
use kechuang_store::Store;
use std::time::{Duration, Instant};

#[tokio::test]
async fn kill_9_during_an_import_loses_nothing_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["migrate"]).status.success());
    let small = dir.path().join("small.csv");
    std::fs::write(
        &small,
        format!(
            "统一社会信用代码,企业名称,所属镇街\n{},重庆先行储能科技有限公司,巴川街道\n",
            kechuang_core::credit_code::CreditCode::complete("91500151ABCDEFGHJ").unwrap()
        ),
    )
    .unwrap();
    let o = run(dir.path(), &["import", small.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));

    let big = dir.path().join("big.xlsx");
    let counts = kechuang_app::export::synthetic_workbook(&big, 6000, 12, 3).unwrap();
    assert!(counts.filing_rows >= 72_000);
    let db = dir.path().join("kechuang-data/kechuang.db");
    let wal = dir.path().join("kechuang-data/kechuang.db-wal");
    let wal_before = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);

    let mut child = kechuang()
        .current_dir(dir.path())
        .args(["import", big.to_str().unwrap(), "--accept-warnings"])
        .spawn()
        .unwrap();
    // Wait until the import is writing (the WAL grows by megabytes), then kill it.
    let start = Instant::now();
    loop {
        let wal_now = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if wal_now > wal_before + 4 * 1024 * 1024 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be killed; make the workbook bigger"
        );
        assert!(
            start.elapsed() < Duration::from_secs(240),
            "the import never started writing"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success());

    let store = Store::open_sqlite(&db).await.unwrap();
    let mut r = store.read().await.unwrap();
    assert_eq!(
        r.count_organisations().await.unwrap(),
        1,
        "only the earlier import's enterprise"
    );
    assert_eq!(r.verify_event_chain().await.unwrap().first_break, None);
    drop(r);
    store.close().await;
    let check = run(dir.path(), &["check"]);
    assert!(check.status.success(), "{}", stdout(&check));

    // The same import run to the end succeeds.
    let o = run(
        dir.path(),
        &["import", big.to_str().unwrap(), "--accept-warnings"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let store = Store::open_sqlite(&db).await.unwrap();
    assert_eq!(
        store
            .read()
            .await
            .unwrap()
            .count_organisations()
            .await
            .unwrap() as u64,
        1 + counts.enterprises
    );
    store.close().await;
}
