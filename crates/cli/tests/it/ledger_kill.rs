//! A kill -9 in the middle of a payout loop loses nothing and pays nothing twice.

use crate::cmd::*;
use kechuang_store::Store;
use std::time::{Duration, Instant};

#[tokio::test]
async fn kill_9_during_payouts_loses_nothing_and_pays_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["migrate"]).status.success());
    let db = dir.path().join("kechuang-data/kechuang.db");
    let count = "100000";
    let mut child = kechuang()
        .current_dir(dir.path())
        .args(["ledger", "payouts", "--prefix", "k9", "--count", count])
        .spawn()
        .unwrap();
    // Kill at a moment that depends on the clock: after some payouts are durable.
    let wait_ms = 300 + u64::from(std::process::id() % 700);
    let start = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            child.try_wait().unwrap().is_none(),
            "the payout loop ended before it could be killed"
        );
        let store = Store::open_sqlite(&db).await.unwrap();
        let n = store
            .read()
            .await
            .unwrap()
            .ledger_txs(None, 1, 0)
            .await
            .map(|(n, _)| n)
            .unwrap_or(0);
        store.close().await;
        if n > 20 && start.elapsed() > Duration::from_millis(wait_ms) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "no payouts");
    }
    child.kill().unwrap(); // SIGKILL
    assert!(!child.wait().unwrap().success());

    let check = run(dir.path(), &["check"]);
    assert!(check.status.success(), "{}", stdout(&check));
    assert!(stdout(&check).contains("借贷平衡"), "{}", stdout(&check));
    let store = Store::open_sqlite(&db).await.unwrap();
    let (paid_before, _) = store
        .read()
        .await
        .unwrap()
        .ledger_txs(None, 1, 0)
        .await
        .unwrap();
    store.close().await;

    // Rerun the same loop over the first payouts: those paid are replayed, the
    // rest paid once; every key exactly once.
    let upto = (paid_before + 50).to_string();
    let o = run(
        dir.path(),
        &["ledger", "payouts", "--prefix", "k9", "--count", &upto],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let store = Store::open_sqlite(&db).await.unwrap();
    let mut r = store.read().await.unwrap();
    let (total, txs) = r.ledger_txs(None, 1_000_000, 0).await.unwrap();
    let mut keys: Vec<&str> = txs
        .iter()
        .filter(|t| t.key.starts_with("k9-"))
        .map(|t| t.key.as_str())
        .collect();
    let n = keys.len();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), n, "a key paid twice");
    // Every key below the rerun's count is paid, exactly once.
    assert_eq!(n as i64, paid_before + 50);
    assert_eq!(total as usize, n + 1, "one appropriation plus the payouts");
    drop(r);
    store.close().await;
    let check = run(dir.path(), &["check"]);
    assert!(check.status.success(), "{}", stdout(&check));
}
