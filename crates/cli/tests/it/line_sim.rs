//! `kechuang line simulate` end to end on SQLite and PostgreSQL: real TCP
//! controllers, real MQTT (Mosquitto on 127.0.0.1:1883), the real runner and store.

use crate::cmd::*;

fn simulate(args: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["line", "simulate", "--json"];
    all.extend_from_slice(args);
    let o = run(dir.path(), &all);
    assert!(o.status.success(), "simulate failed: {}", stderr(&o));
    serde_json::from_str(stdout(&o).trim()).unwrap()
}

fn check(v: &serde_json::Value, vehicles: u64) {
    assert_eq!(v["vehicles_completed"], vehicles, "{v}");
    assert_eq!(v["results_sent"], v["results_stored"], "{v}");
    assert!(
        v["results_sent"].as_u64().unwrap() >= vehicles * 3 * 4,
        "{v}"
    );
    // The yield follows the NOK rate: expected (1 - p)^(bolts × stations), with a
    // wide band for a small sample.
    let fpy = v["first_pass_yield_pct"].as_f64().unwrap();
    let want = v["expected_first_pass_yield_pct"].as_f64().unwrap();
    assert!(
        (fpy - want).abs() < 25.0,
        "yield {fpy} vs expected {want}: {v}"
    );
    // Every NOK is reworked, so a yield below 100 % comes with rework.
    if fpy < 100.0 {
        assert!(v["rework_count"].as_u64().unwrap() > 0, "{v}");
    }
}

#[test]
fn simulate_on_sqlite_counts_every_result_once() {
    let v = simulate(&[
        "--stations",
        "3",
        "--vehicles",
        "12",
        "--nok-rate",
        "0.05",
        "--seed",
        "3",
        "--faulty-station",
        "2",
    ]);
    check(&v, 12);
    assert_eq!(v["bottleneck_station"], "st02", "{v}");
}

#[test]
fn simulate_on_postgres_counts_every_result_once() {
    let Some(url) = kechuang_testkit::pg_url() else {
        return;
    };
    let db = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(kechuang_testkit::TestDb::postgres())
        .unwrap();
    let target = db.target();
    let _ = url;
    let v = simulate(&[
        "--database",
        &target,
        "--stations",
        "3",
        "--vehicles",
        "8",
        "--nok-rate",
        "0.05",
        "--seed",
        "5",
    ]);
    check(&v, 8);
}

#[test]
fn simulate_refuses_bad_options() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(
        dir.path(),
        &[
            "line",
            "simulate",
            "--stations",
            "2",
            "--faulty-station",
            "3",
        ],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("faulty-station"), "{}", stderr(&o));
}
