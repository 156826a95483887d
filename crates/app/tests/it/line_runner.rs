//! The line runner against a simulated controller, real MQTT (Mosquitto on
//! 127.0.0.1:1883) and both databases: the store high-water mark (a result
//! acknowledged but not yet committed survives a crash of the runner) and a release
//! published only once it is committed.

use crate::common::*;
use kechuang_app::Actor;
use kechuang_app::ops::line::runner::{RunnerConfig, start_line};
use kechuang_core::line::{ControllerSpec, LineSpec, LineStatus, StationSpec, TaskSpec};
use kechuang_line::mqtt;
use kechuang_line::sim::{Pset, SimConfig, SimHandle, Simulator};
use kechuang_store::Store;
use kechuang_testkit::store_test;
use std::time::{Duration, Instant};
use tokio::sync::watch;

const VIN: &str = "LKC0042SM00000001";

/// Line codes unique within the process (the MQTT broker is shared).
static SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

async fn line_with_sim(store: &Store, n: u32) -> (LineSpec, SimHandle) {
    let org = stored_enterprise(store, n, format!("摩托车总装{n}有限公司")).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sim = Simulator::start(
        listener,
        SimConfig {
            psets: vec![Pset::m8(1)],
            ..SimConfig::default()
        },
    )
    .unwrap();
    let m8 = Pset::m8(1);
    let spec = LineSpec {
        id: String::new(),
        org_id: org.0.clone(),
        code: format!(
            "runner-{n}-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ),
        name: "测试总装线".into(),
        status: LineStatus::Trial,
        stations: vec![StationSpec {
            id: String::new(),
            code: "st01".into(),
            name: "工位1".into(),
            tasks: vec![TaskSpec {
                joint: "前叉".into(),
                bolt_count: 4,
                pset: 1,
                torque_min_cnm: i64::from(m8.torque_min.centi_nm()),
                torque_target_cnm: i64::from(m8.torque_target.centi_nm()),
                torque_max_cnm: i64::from(m8.torque_max.centi_nm()),
                angle_min_deg: i64::from(m8.angle_min),
                angle_max_deg: i64::from(m8.angle_max),
            }],
            controllers: vec![ControllerSpec {
                id: String::new(),
                host: "127.0.0.1".into(),
                port: sim.addr().port(),
                channel: 1,
            }],
        }],
    };
    let app = app(store);
    let id = kechuang_app::ops::line::create_line(&app, &Actor::cli(), &spec)
        .await
        .unwrap();
    let line = kechuang_app::ops::line::line(&app, &Actor::cli(), &id)
        .await
        .unwrap();
    (line, sim)
}

async fn stored(store: &Store, line_id: &str) -> i64 {
    store
        .read()
        .await
        .unwrap()
        .count_line_results(line_id)
        .await
        .unwrap()
}

async fn wait_stored(store: &Store, line_id: &str, want: i64) {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let n = stored(store, line_id).await;
        if n == want {
            return;
        }
        assert!(
            Instant::now() < until,
            "{n} results stored, waiting for {want}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn subscribed(sim: &SimHandle) {
    assert!(
        sim.wait_until(Duration::from_secs(10), SimHandle::is_subscribed)
            .await,
        "the runner never subscribed"
    );
}

store_test!(
    a_kill_between_acknowledgement_and_commit_loses_nothing,
    |store| {
        let app = app(&store);
        let (line, sim) = line_with_sim(&store, 71).await;
        let (gate, gate_rx) = watch::channel(false);
        let running = start_line(
            &app,
            &Actor::cli(),
            &line.id,
            RunnerConfig {
                ack_ahead: 64,
                commit_gate: Some(gate_rx),
                ..RunnerConfig::default()
            },
        )
        .await
        .unwrap();
        subscribed(&sim).await;
        // The first result is acknowledged only once stored: it makes the resume point.
        sim.tighten_vin(VIN, 1);
        wait_stored(&store, &line.id, 1).await;

        // The disk stalls: forty results arrive and are acknowledged ahead of storage.
        gate.send_replace(true);
        sim.tighten(40);
        assert!(
            sim.wait_until(Duration::from_secs(10), |s| s.stats().results_acked == 41)
                .await,
            "acknowledged ahead of storage: {:?}",
            sim.stats()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(stored(&store, &line.id).await, 1, "nothing committed");

        // The process dies before the commit.
        let before = running.kill().await;
        assert_eq!(before.results_stored, 1);
        assert_eq!(stored(&store, &line.id).await, 1);

        // Restarted, the runner asks the controller for everything after the last stored
        // tightening id.
        let running = start_line(&app, &Actor::cli(), &line.id, RunnerConfig::default())
            .await
            .unwrap();
        wait_stored(&store, &line.id, 41).await;
        subscribed(&sim).await;
        sim.tighten(5);
        wait_stored(&store, &line.id, 46).await;
        let after = running.stop().await;
        assert_eq!(after.results_stored, 45, "{after:?}");
        assert_eq!(after.results_repeated, 0, "{after:?}");

        // Count in = count stored, each tightening id once.
        let sent = sim.stats().results_generated;
        assert_eq!(sent, 46);
        let rows = store
            .read()
            .await
            .unwrap()
            .line_results_between(&line.id, 0, i64::MAX)
            .await
            .unwrap();
        let mut ids: Vec<i64> = rows.iter().map(|r| r.tightening_id).collect();
        ids.sort_unstable();
        assert_eq!(ids, (1..=46).collect::<Vec<i64>>());
        sim.shutdown().await;
    }
);

store_test!(a_release_is_published_only_after_its_commit, |store| {
    let app = app(&store);
    let (line, sim) = line_with_sim(&store, 72).await;
    let (gate, gate_rx) = watch::channel(false);
    let running = start_line(
        &app,
        &Actor::cli(),
        &line.id,
        RunnerConfig {
            commit_gate: Some(gate_rx),
            ..RunnerConfig::default()
        },
    )
    .await
    .unwrap();
    subscribed(&sim).await;
    let (client, mut decided) = mqtt::listen(
        "127.0.0.1",
        1883,
        &format!("kechuang-test-{}", kechuang_store::new_id()),
        &format!("{}/{}/#", mqtt::ROOT, line.code),
    );
    let topic = |leaf: &str| mqtt::topic(&line.code, "st01", leaf);
    // The runner's MQTT subscription may still be settling: repeat the arrival until
    // the controller has the VIN (a second arrival of the same cart is refused, busy).
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        mqtt::publish_json(
            &client,
            &topic("plc/cart-arrived"),
            &serde_json::json!({"vin": VIN}),
        )
        .await;
        if sim
            .wait_until(Duration::from_millis(300), |s| {
                s.selection().vin.trim() == VIN
            })
            .await
        {
            break;
        }
        assert!(
            Instant::now() < until,
            "the VIN never reached the controller"
        );
    }
    sim.tighten(4);
    assert!(
        sim.wait_until(Duration::from_secs(10), |s| s.stats().results_acked == 4)
            .await
    );
    wait_stored(&store, &line.id, 4).await;

    gate.send_replace(true);
    mqtt::publish_json(&client, &topic("pedal"), &serde_json::json!({})).await;
    // Nothing is released while the release cannot be committed.
    let quiet = Instant::now() + Duration::from_millis(800);
    while let Ok(Some((t, _))) = tokio::time::timeout_at(quiet.into(), decided.recv()).await {
        assert!(!t.ends_with("/release"), "released before the commit: {t}");
    }
    let visits = store
        .read()
        .await
        .unwrap()
        .line_visits_of_vin(VIN)
        .await
        .unwrap();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].released_us, None);

    gate.send_replace(false);
    let released = loop {
        let (t, payload) = tokio::time::timeout(Duration::from_secs(10), decided.recv())
            .await
            .expect("a decision after the commit")
            .unwrap();
        if t.ends_with("/release") {
            break payload;
        }
    };
    let v: serde_json::Value = serde_json::from_slice(&released).unwrap();
    assert_eq!(v["vin"], VIN);
    assert_eq!(v["kind"], "ok");
    let visits = store
        .read()
        .await
        .unwrap()
        .line_visits_of_vin(VIN)
        .await
        .unwrap();
    assert!(visits[0].released_us.is_some(), "{visits:?}");
    running.stop().await;
    let _ = client.disconnect().await;
    sim.shutdown().await;
});
