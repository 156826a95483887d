//! The client against the simulator over loopback TCP.

use std::collections::BTreeSet;
use std::time::Duration;

use kechuang_line::client::{Client, CommandFailed, Event, Tightening};
use kechuang_line::op::ErrorCode;
use kechuang_line::sim::SimConfig;

use super::support::{
    WAIT, connected, fast_client, fast_sim, next_event, quiet, results, sim, start, wait_until,
};

fn ids(deliveries: &[kechuang_line::client::Delivery]) -> Vec<u32> {
    deliveries
        .iter()
        .map(|d| d.tightening.tightening_id())
        .collect()
}

#[tokio::test]
async fn steps_down_to_the_controllers_revisions() {
    let sim = sim(SimConfig {
        max_comm_revision: 1,
        max_result_revision: 2,
        ..fast_sim()
    })
    .await;
    let (client, mut rx) = Client::spawn(fast_client(&sim));
    assert_eq!(connected(&mut rx).await, (1, 2));
    assert_eq!(client.stats().step_downs, 3, "0001: 3→2→1, 0060: 3→2");
    wait_until(|| sim.is_subscribed()).await;
    sim.tighten_vin("LBMPCJL38N1000123", 1);
    let got = results(&mut rx, 1).await;
    let Tightening::Live(r) = &got[0].tightening else {
        panic!("live result expected")
    };
    assert_eq!(r.revision(), 2, "pushed at the subscribed revision");
    assert_eq!(&got[0].raw[..11], b"03850061002");
    client.shutdown().await;
}

#[tokio::test]
async fn steps_down_when_the_controller_closes_instead_of_error_97() {
    let sim = sim(SimConfig {
        max_comm_revision: 2,
        close_on_unsupported_revision: true,
        ..fast_sim()
    })
    .await;
    let (client, mut rx) = Client::spawn(fast_client(&sim));
    assert_eq!(connected(&mut rx).await.0, 2);
    assert_eq!(
        sim.stats().connections,
        2,
        "one refused connection, then the session"
    );
    client.shutdown().await;
}

#[tokio::test]
async fn results_are_delivered_typed_and_acknowledged() {
    let sim = sim(fast_sim()).await;
    let (client, mut rx) = start(&sim).await;
    let sent = sim.tighten_vin("LBMPCJL38N1000123", 10);
    let got = results(&mut rx, 10).await;
    assert_eq!(ids(&got), (1..=10).collect::<Vec<_>>());
    for (d, s) in got.iter().zip(&sent) {
        let Tightening::Live(r) = &d.tightening else {
            panic!("live result expected")
        };
        assert_eq!(r, s, "revision 3 carries everything the simulator made");
        assert_eq!(d.tightening.vin(), "LBMPCJL38N1000123");
    }
    wait_until(|| sim.stats().results_acked == 10).await;
    let stats = sim.stats();
    assert_eq!((stats.results_pushed, stats.resends), (10, 0));
    assert_eq!(client.stats().acks_sent, 10);
    client.shutdown().await;
}

#[tokio::test]
async fn vin_and_pset_commands_get_their_replies() {
    let sim = sim(fast_sim()).await;
    let (client, mut rx) = start(&sim).await;
    client
        .download_vin("LBMPCJL38N1000999")
        .await
        .expect("VIN accepted");
    client.select_pset(7).await.expect("pset 7 exists");
    assert_eq!(
        client.select_pset(99).await,
        Err(CommandFailed::Rejected(ErrorCode::PSET_NOT_PRESENT))
    );
    client.set_batch_size(7, 6).await.expect("batch size");
    client.set_tool_enabled(false).await.expect("disable");
    let sel = sim.selection();
    assert_eq!(
        (sel.vin.as_str(), sel.pset, sel.batch_size, sel.tool_enabled),
        ("LBMPCJL38N1000999", 7, 6, false)
    );
    assert!(matches!(
        client.download_vin(&"X".repeat(26)).await,
        Err(CommandFailed::Invalid(_))
    ));
    sim.tighten(1);
    let got = results(&mut rx, 1).await;
    assert_eq!(
        (got[0].tightening.vin(), got[0].tightening.pset_id()),
        ("LBMPCJL38N1000999", 7)
    );
    client.shutdown().await;
}

#[tokio::test]
async fn a_killed_connection_reconnects_and_loses_nothing() {
    let sim = sim(fast_sim()).await;
    let (client, mut rx) = start(&sim).await;
    sim.tighten_vin("LBMPCJL38N1000123", 5);
    let mut got = results(&mut rx, 5).await;
    sim.drop_connection();
    // tightenings while the integrator is away stay on the controller
    wait_until(|| !sim.is_subscribed()).await;
    sim.tighten(4);
    connected(&mut rx).await;
    wait_until(|| sim.is_subscribed()).await;
    sim.tighten(3);
    got.extend(results(&mut rx, 7).await);
    let mut all = ids(&got);
    all.sort_unstable();
    assert_eq!(all, (1..=12).collect::<Vec<_>>(), "every result once");
    let recovered: BTreeSet<u32> = got
        .iter()
        .filter(|d| matches!(d.tightening, Tightening::Recovered(_)))
        .map(|d| d.tightening.tightening_id())
        .collect();
    assert_eq!(
        recovered,
        (6..=9).collect(),
        "the offline ones came through MID 0064/0065"
    );
    quiet(&mut rx, Duration::from_millis(300)).await;
    assert_eq!(client.stats().connections, 2);
    client.shutdown().await;
}

#[tokio::test]
async fn a_gap_is_recovered_through_mid_0064() {
    let sim = sim(SimConfig {
        gap_every: Some(3),
        ..fast_sim()
    })
    .await;
    let (client, mut rx) = start(&sim).await;
    sim.tighten_vin("LBMPCJL38N1000123", 9);
    let got = results(&mut rx, 9).await;
    let mut all = ids(&got);
    all.sort_unstable();
    assert_eq!(all, (1..=9).collect::<Vec<_>>());
    assert_eq!(sim.stats().gaps_injected, 3);
    let s = client.stats();
    assert_eq!(
        (s.results_live, s.results_recovered),
        (6, 3),
        "9, the last, found by the latest-ID check"
    );
    // a recovered result keeps the values the controller measured
    let history = sim.history();
    for d in &got {
        let h = &history[usize::try_from(d.tightening.tightening_id()).expect("id") - 1];
        assert_eq!(
            (
                d.tightening.torque(),
                d.tightening.angle(),
                d.tightening.is_ok()
            ),
            (h.torque, h.angle, h.is_ok())
        );
    }
    quiet(&mut rx, Duration::from_millis(200)).await;
    client.shutdown().await;
}

#[tokio::test]
async fn duplicates_are_dropped() {
    let sim = sim(SimConfig {
        duplicate_every: Some(2),
        ..fast_sim()
    })
    .await;
    let (client, mut rx) = start(&sim).await;
    sim.tighten_vin("LBMPCJL38N1000123", 6);
    let got = results(&mut rx, 6).await;
    assert_eq!(ids(&got), (1..=6).collect::<Vec<_>>());
    wait_until(|| sim.stats().results_acked == 9).await;
    quiet(&mut rx, Duration::from_millis(200)).await;
    assert_eq!(client.stats().duplicates_dropped, 3);
    client.shutdown().await;
}

#[tokio::test]
async fn garbage_from_the_controller_means_reconnect_not_panic() {
    let sim = sim(fast_sim()).await;
    let (client, mut rx) = start(&sim).await;
    sim.send_raw(b"\xff\xfe this is not Open Protocol\0");
    match next_event(&mut rx).await {
        Event::Disconnected { reason } => assert!(reason.contains("garbage"), "{reason}"),
        other => panic!("expected Disconnected, got {other:?}"),
    }
    connected(&mut rx).await;
    wait_until(|| sim.is_subscribed()).await;
    sim.tighten_vin("LBMPCJL38N1000123", 2);
    assert_eq!(ids(&results(&mut rx, 2).await), vec![1, 2]);
    assert_eq!(client.stats().garbage, 1);
    client.shutdown().await;
}

#[tokio::test]
async fn a_malformed_result_is_acknowledged_and_recovered() {
    let sim = sim(fast_sim()).await;
    let (client, mut rx) = start(&sim).await;
    sim.tighten_vin("LBMPCJL38N1000123", 1);
    results(&mut rx, 1).await;
    sim.tighten(1); // id 2, stored; then a corrupt push in its place is not decodable
    let _ = results(&mut rx, 1).await;
    // a frame with a bad torque field: framed fine, refused by the decoder
    let mut bad = super::support::GOLDEN_0061.as_bytes().to_vec();
    bad[142] = b'x';
    bad.push(0);
    sim.send_raw(&bad);
    sim.tighten(1);
    let got = results(&mut rx, 1).await;
    assert_eq!(got[0].tightening.tightening_id(), 3);
    wait_until(|| client.stats().bad_frames == 1).await;
    quiet(&mut rx, Duration::from_millis(200)).await;
    client.shutdown().await;
}

#[tokio::test]
async fn keep_alive_holds_the_connection() {
    let sim = sim(SimConfig {
        inactivity_timeout: Duration::from_millis(1000),
        ..fast_sim()
    })
    .await;
    let mut config = fast_client(&sim);
    config.keep_alive = Duration::from_millis(100);
    config.latest_check = Duration::from_secs(60);
    let (client, mut rx) = Client::spawn(config);
    connected(&mut rx).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(sim.stats().inactivity_closes, 0, "keep-alive every 100 ms");
    let sent = client.stats().keep_alives_sent;
    assert!(sent >= 5, "{sent} keep-alives in 2.5 s");
    assert_eq!(sim.stats().connections, 1);
    quiet(&mut rx, Duration::from_millis(10)).await;
    client.shutdown().await;
}

#[tokio::test]
async fn results_the_controller_no_longer_has_are_reported_lost() {
    let sim = sim(SimConfig {
        history_limit: 2,
        ..fast_sim()
    })
    .await;
    let (client, mut rx) = start(&sim).await;
    sim.tighten_vin("LBMPCJL38N1000123", 1);
    results(&mut rx, 1).await;
    sim.drop_connection();
    wait_until(|| !sim.is_subscribed()).await;
    sim.tighten(5); // ids 2..6, the controller keeps 5 and 6
    let mut lost = Vec::new();
    let mut got = Vec::new();
    while got.len() < 2 || lost.len() < 3 {
        match next_event(&mut rx).await {
            Event::Lost { tightening_id } => lost.push(tightening_id),
            Event::Result(d) => got.push(d.tightening.tightening_id()),
            _ => {}
        }
    }
    lost.sort_unstable();
    got.sort_unstable();
    assert_eq!((lost, got), (vec![2, 3, 4], vec![5, 6]));
    assert_eq!(client.stats().lost, 3);
    client.shutdown().await;
}

#[tokio::test]
async fn commands_fail_fast_while_disconnected() {
    let sim = sim(fast_sim()).await;
    let addr = sim.addr();
    sim.shutdown().await;
    let mut config = kechuang_line::client::ClientConfig::new(addr.to_string());
    config.reconnect_min = Duration::from_millis(50);
    let (client, mut rx) = Client::spawn(config);
    assert!(matches!(
        next_event(&mut rx).await,
        Event::Disconnected { .. }
    ));
    assert_eq!(
        client.download_vin("LBMPCJL38N1000123").await,
        Err(CommandFailed::NotConnected)
    );
    client.shutdown().await;
}

/// A controller that completes the start-up and then never answers again.
async fn mute_controller() -> (std::net::SocketAddr, tokio::task::JoinHandle<usize>) {
    use kechuang_line::op::framing::{Chunk, FrameReader};
    use kechuang_line::op::{CommStartAck, CommandError, Frame, Message};
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        let mut accepted = 0;
        while let Ok((stream, _)) = listener.accept().await {
            accepted += 1;
            let (rd, mut wr) = stream.into_split();
            let mut rd = FrameReader::new(rd);
            while let Ok(Some(Chunk::Frame(raw))) = rd.next_chunk().await {
                let reply = match Frame::decode(&raw).expect("client frames decode").message {
                    Message::CommStart(_) => Message::CommStartAck(CommStartAck::default()),
                    Message::OldResultRequest { .. } => Message::CommandError(CommandError {
                        mid: 64,
                        error: ErrorCode::TIGHTENING_ID_NOT_FOUND,
                    }),
                    Message::ResultSubscribe => Message::CommandAccepted { mid: 60 },
                    _ => continue, // keep-alives go unanswered
                };
                wr.write_all(&Frame::new(reply).encode().expect("encodes"))
                    .await
                    .expect("write");
            }
            if accepted == 2 {
                break;
            }
        }
        accepted
    });
    (addr, task)
}

#[tokio::test]
async fn a_silent_controller_is_dropped_and_reconnected() {
    let (addr, controller) = mute_controller().await;
    let mut config = kechuang_line::client::ClientConfig::new(addr.to_string());
    config.keep_alive = Duration::from_millis(100);
    config.response_timeout = Duration::from_millis(200);
    config.reconnect_min = Duration::from_millis(20);
    let (client, mut rx) = Client::spawn(config);
    connected(&mut rx).await;
    let t0 = tokio::time::Instant::now();
    match next_event(&mut rx).await {
        Event::Disconnected { reason } => assert!(reason.contains("silent"), "{reason}"),
        other => panic!("expected Disconnected, got {other:?}"),
    }
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    assert!(client.stats().keep_alives_sent >= 1);
    connected(&mut rx).await;
    assert_eq!(client.stats().connections, 2);
    client.shutdown().await;
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(5), controller)
            .await
            .expect("ends")
            .expect("task"),
        2
    );
}

#[tokio::test]
async fn ack_ahead_acknowledges_at_most_the_window_before_storage() {
    let sim = sim(fast_sim()).await;
    let mut cfg = fast_client(&sim);
    cfg.ack_after_store = true;
    cfg.ack_ahead = 5;
    let (client, mut rx) = Client::spawn(cfg);
    connected(&mut rx).await;
    // Nothing stored yet: no resume point, so the first result waits for its storage.
    sim.tighten(20);
    let first = results(&mut rx, 1).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        sim.stats().results_acked,
        0,
        "first result waits for the store"
    );
    client.confirm_stored(first[0].tightening.tightening_id());
    // Then five more are acknowledged ahead of storage, the sixth waits.
    let next = results(&mut rx, 6).await;
    assert!(
        sim.wait_until(WAIT, |s| s.stats().results_acked == 6).await,
        "{:?}",
        sim.stats()
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(sim.stats().results_acked, 6, "the window holds");
    // Confirming the two oldest lets two more through.
    client.confirm_stored(next[1].tightening.tightening_id());
    assert!(sim.wait_until(WAIT, |s| s.stats().results_acked == 8).await);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(sim.stats().results_acked, 8, "{:?}", sim.stats());
    // Confirm everything as it arrives: all twenty are acknowledged, each delivered once.
    let mut seen: Vec<u32> = first
        .iter()
        .chain(&next)
        .map(|d| d.tightening.tightening_id())
        .collect();
    client.confirm_stored(next[5].tightening.tightening_id());
    while seen.len() < 20 {
        let d = results(&mut rx, 1).await;
        let id = d[0].tightening.tightening_id();
        seen.push(id);
        client.confirm_stored(id);
    }
    assert!(
        sim.wait_until(WAIT, |s| s.stats().results_acked == 20)
            .await
    );
    assert_eq!(seen, (1..=20).collect::<Vec<u32>>());
    client.shutdown().await;
}
