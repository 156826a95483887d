use std::time::Duration;

use kechuang_line::client::{Client, ClientConfig, ClientHandle, Delivery, Event};
use kechuang_line::sim::{SimConfig, SimHandle, Simulator};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// The golden MID 0061 frame of the rules document §1.7 (without its NUL).
pub const GOLDEN_0061: &str = "023100610010        010001020103STN-07-NUTRUNNER         04LBMPCJL38N1000123        050006007070004080001091101111120025001300300014002800150028121600020170012018000601900071202026-11-28:08:15:42212026-11-27:17:02:10220230000001001";

pub const WAIT: Duration = Duration::from_secs(5);

pub async fn sim(config: SimConfig) -> SimHandle {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    Simulator::start(listener, config).expect("simulator starts")
}

/// Short timings so the tests run in well under a second each.
pub fn fast_client(sim: &SimHandle) -> ClientConfig {
    let mut c = ClientConfig::new(sim.addr().to_string());
    c.keep_alive = Duration::from_millis(200);
    c.response_timeout = Duration::from_millis(400);
    c.reconnect_min = Duration::from_millis(20);
    c.reconnect_max = Duration::from_millis(200);
    c.latest_check = Duration::from_millis(500);
    c
}

pub fn fast_sim() -> SimConfig {
    SimConfig {
        inactivity_timeout: Duration::from_secs(2),
        ack_timeout: Duration::from_millis(200),
        ..SimConfig::default()
    }
}

pub async fn next_event(rx: &mut mpsc::Receiver<Event>) -> Event {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("event within the timeout")
        .expect("client alive")
}

/// Waits for the next `Connected`, skipping nothing else but `Disconnected`.
pub async fn connected(rx: &mut mpsc::Receiver<Event>) -> (u16, u16) {
    loop {
        match next_event(rx).await {
            Event::Connected {
                comm_revision,
                result_revision,
                ..
            } => return (comm_revision, result_revision),
            Event::Disconnected { .. } => {}
            other => panic!("expected Connected, got {other:?}"),
        }
    }
}

/// Collects `n` results (ignoring session events), failing on a `Lost`.
pub async fn results(rx: &mut mpsc::Receiver<Event>, n: usize) -> Vec<Delivery> {
    let mut out = Vec::new();
    while out.len() < n {
        match next_event(rx).await {
            Event::Result(d) => out.push(d),
            Event::Lost { tightening_id } => panic!("tightening {tightening_id} lost"),
            Event::Connected { .. } | Event::Disconnected { .. } => {}
        }
    }
    out
}

/// Asserts nothing but session events arrive for `d`.
pub async fn quiet(rx: &mut mpsc::Receiver<Event>, d: Duration) {
    let until = tokio::time::Instant::now() + d;
    loop {
        match tokio::time::timeout_at(until, rx.recv()).await {
            Err(_) => return,
            Ok(Some(Event::Result(r))) => {
                panic!("unexpected result {}", r.tightening.tightening_id())
            }
            Ok(Some(Event::Lost { tightening_id })) => panic!("unexpected lost {tightening_id}"),
            Ok(Some(_)) => {}
            Ok(None) => panic!("client stopped"),
        }
    }
}

pub async fn start(sim: &SimHandle) -> (ClientHandle, mpsc::Receiver<Event>) {
    let (client, mut rx) = Client::spawn(fast_client(sim));
    connected(&mut rx).await;
    wait_until(|| sim.is_subscribed()).await;
    (client, rx)
}

pub async fn wait_until(mut f: impl FnMut() -> bool) {
    tokio::time::timeout(WAIT, async {
        while !f() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("condition within the timeout");
}
