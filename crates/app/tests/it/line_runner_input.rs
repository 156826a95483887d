//! Bad input at a running line (docs/line.md): an MQTT message for a station the
//! line does not have, an unreadable PLC payload, and a torque controller that
//! sends garbage bytes. Each is logged and counted and the line keeps working: a
//! following cart is tightened and released. Real runner, simulated controller,
//! the Mosquitto broker on 127.0.0.1:1883, both backends.

use crate::common::*;
use kechuang_app::Actor;
use kechuang_app::ops::line::runner::{RunnerConfig, RunningLine, start_line};
use kechuang_core::ids::UserId;
use kechuang_core::line::{
    ControllerSpec, LineEventKind, LineSpec, LineStatus, StationSpec, TaskSpec,
};
use kechuang_core::role::Role;
use kechuang_line::mqtt;
use kechuang_line::sim::{Pset, SimConfig, SimHandle, Simulator};
use kechuang_store::Store;
use kechuang_testkit::store_test;
use serde_json::json;
use std::time::{Duration, Instant};

async fn wait(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn setup(store: &Store, n: u32) -> (Actor, LineSpec, SimHandle) {
    let app = app(store);
    let org = stored_enterprise(store, n, format!("摩托车运行{n}有限公司")).await;
    let eng = Actor {
        user_id: Some(UserId("u-eng".into())),
        username: "eng".into(),
        display_name: "工程师".into(),
        role: Role::LineEngineer,
        org_id: Some(org.clone()),
        towns: None,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sim = Simulator::start(
        listener,
        SimConfig {
            psets: vec![Pset::m8(1)],
            ack_timeout: Duration::from_secs(15),
            cycle: Duration::from_millis(100),
            ..SimConfig::default()
        },
    )
    .unwrap();
    let m8 = Pset::m8(1);
    let spec = LineSpec {
        id: String::new(),
        org_id: org.to_string(),
        // topics are shared on the broker: a code of its own per run
        code: format!("bad-{}", &kechuang_store::new_id()[24..]),
        name: "坏输入测试线".into(),
        status: LineStatus::Trial,
        stations: vec![StationSpec {
            id: String::new(),
            code: "st01".into(),
            name: "工位1".into(),
            tasks: vec![TaskSpec {
                joint: "J01-M8".into(),
                bolt_count: 2,
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
    let id = kechuang_app::ops::line::create_line(&app, &eng, &spec)
        .await
        .unwrap();
    let spec = app.line_config(&eng, &id).await.unwrap();
    (eng, spec, sim)
}

/// One cart through the station: arrival, VIN download, two tightenings
/// acknowledged after storing, pedal, release.
async fn one_cart(
    client: &mqtt::AsyncClient,
    line: &RunningLine,
    sim: &SimHandle,
    vin: &str,
    released_before: u64,
) {
    let code = line.line().code.clone();
    mqtt::publish_json(
        client,
        &mqtt::topic(&code, "st01", "plc/cart-arrived"),
        &json!({ "vin": vin }),
    )
    .await;
    wait("the VIN download", 20, || sim.selection().vin.trim() == vin).await;
    let acked = sim.stats().results_acked;
    sim.tighten(2);
    wait("acknowledgements after storing", 20, || {
        sim.stats().results_acked >= acked + 2
    })
    .await;
    mqtt::publish_json(client, &mqtt::topic(&code, "st01", "pedal"), &json!({})).await;
    wait("the release", 20, || {
        line.stats().released_ok > released_before
    })
    .await;
}

store_test!(
    bad_messages_are_counted_and_the_line_keeps_working,
    |store| {
        let app = app(&store);
        let (eng, spec, sim) = setup(&store, 41).await;
        let line = start_line(&app, &eng, &spec.id, RunnerConfig::default())
            .await
            .unwrap();
        wait("the controller to subscribe", 20, || sim.is_subscribed()).await;
        let (client, _rx) = mqtt::listen(
            "127.0.0.1",
            1883,
            &format!("kechuang-test-{}", kechuang_store::new_id()),
            &format!("{}/{}/#", mqtt::ROOT, spec.code),
        );
        tokio::time::sleep(Duration::from_millis(500)).await;

        // a cart arriving at a station the line does not have
        mqtt::publish_json(
            &client,
            &mqtt::topic(&spec.code, "st99", "plc/cart-arrived"),
            &json!({"vin": "LKC0001SM00000011"}),
        )
        .await;
        wait("the unknown station to be counted", 20, || {
            line.stats().bad_messages >= 1
        })
        .await;
        // an unreadable payload at a real station
        mqtt::publish_json(
            &client,
            &mqtt::topic(&spec.code, "st01", "plc/cart-arrived"),
            &json!(["no", "vin"]),
        )
        .await;
        wait("the unreadable payload to be counted", 20, || {
            line.stats().bad_messages >= 2
        })
        .await;
        assert_eq!(line.stats().arrivals, 0, "neither is an arrival");

        // the line still works
        one_cart(&client, &line, &sim, "LKC0001SM00000012", 0).await;

        // the controller sends garbage: the session ends, the client reconnects
        let ups = line.stats().controller_ups;
        sim.send_raw(b"\x00\xffgarbage that is no Open Protocol frame\x00");
        wait("the garbage to end the session", 30, || {
            line.stats().controller_downs >= 1
        })
        .await;
        wait("the reconnect", 30, || {
            line.stats().controller_ups > ups && sim.is_subscribed()
        })
        .await;
        // and the next cart goes through
        one_cart(&client, &line, &sim, "LKC0001SM00000013", 1).await;
        let stats = line.stop().await;
        assert_eq!(stats.released_ok, 2);
        assert_eq!(stats.results_stored, 4);
        assert_eq!(stats.bad_messages, 2);

        let mut db = store.read().await.unwrap();
        let events = db.line_events_recent(&spec.id, 200).await.unwrap();
        let bad: Vec<_> = events
            .iter()
            .filter(|e| e.kind == LineEventKind::BadMessage)
            .collect();
        assert_eq!(bad.len(), 2, "{events:?}");
        assert!(bad.iter().any(|e| e.detail.contains("st99")), "{bad:?}");
        assert!(
            events
                .iter()
                .any(|e| e.kind == LineEventKind::ControllerDown),
            "the garbage is a controller_down event"
        );
        assert_eq!(db.count_line_results(&spec.id).await.unwrap(), 4);
        sim.shutdown().await;
    }
);
