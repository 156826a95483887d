//! The simulator against a raw integrator speaking bytes: the recorded peer trace of the
//! rules document §2.4 replayed byte for byte, the inactivity close and the MID 0061 resends.

use std::time::Duration;

use kechuang_line::op::framing::{Chunk, FrameReader};
use kechuang_line::op::{CommStartAck, Frame, Message, Versions};
use kechuang_line::sim::SimConfig;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

use super::support::{GOLDEN_0061, WAIT, fast_sim, sim, wait_until};

struct Raw {
    rd: FrameReader<OwnedReadHalf>,
    wr: OwnedWriteHalf,
}

impl Raw {
    async fn connect(addr: std::net::SocketAddr) -> Self {
        let (rd, wr) = TcpStream::connect(addr)
            .await
            .expect("connect")
            .into_split();
        Self {
            rd: FrameReader::new(rd),
            wr,
        }
    }

    async fn send(&mut self, printed: &str) {
        let mut bytes = printed.as_bytes().to_vec();
        bytes.push(0);
        self.wr.write_all(&bytes).await.expect("write");
    }

    /// The next frame, as a string (ASCII), or `None` when the simulator closed.
    async fn recv(&mut self) -> Option<String> {
        match tokio::time::timeout(WAIT, self.rd.next_chunk())
            .await
            .expect("frame within the timeout")
        {
            Ok(Some(Chunk::Frame(raw))) => Some(String::from_utf8(raw).expect("ASCII")),
            Ok(Some(Chunk::Garbage { .. })) => panic!("simulator sent garbage"),
            Ok(None) | Err(_) => None,
        }
    }
}

fn pad(printed: &str) -> String {
    let len: usize = printed[..4].parse().expect("length");
    format!("{printed:<len$}")
}

#[tokio::test]
async fn replays_the_recorded_node_open_protocol_session() {
    let config = SimConfig {
        identity: CommStartAck {
            cell_id: 1,
            channel_id: 1,
            controller_name: "STN-07-NUTRUNNER".into(),
            supplier_code: Some("ACT".into()),
            versions: Some(Versions {
                open_protocol: "2.8.0".into(),
                controller_software: "stub-0.1".into(),
                tool_software: "tool-0.1".into(),
            }),
        },
        max_comm_revision: 3,
        max_result_revision: 1,
        ..fast_sim()
    };
    let sim = sim(config).await;
    let mut peer = Raw::connect(sim.addr()).await;
    let err97 = |mid: &str| format!("002600040010        {mid}97");
    for rev in ["006", "005", "004"] {
        peer.send(&format!("00200001{rev}001010000")).await;
        assert_eq!(
            peer.recv().await.as_deref(),
            Some(err97("0001").as_str()),
            "MID 0001 rev {rev}"
        );
    }
    peer.send("00200001003001010000").await;
    let ack = pad(
        "012500020030        010001020103STN-07-NUTRUNNER         04ACT052.8.0              06stub-0.1           07tool-0.1",
    );
    assert_eq!(peer.recv().await, Some(ack));
    for rev in 2..=7 {
        peer.send(&format!("0020006000{rev}001010000")).await;
        assert_eq!(peer.recv().await, Some(err97("0060")), "MID 0060 rev {rev}");
    }
    peer.send("00200060001001010000").await;
    assert_eq!(
        peer.recv().await.as_deref(),
        Some("002400050010        0060")
    );
    let Message::Result(golden) = Frame::decode(GOLDEN_0061.as_bytes())
        .expect("golden")
        .message
    else {
        panic!("golden is a result")
    };
    sim.inject(golden);
    assert_eq!(peer.recv().await.as_deref(), Some(GOLDEN_0061));
    peer.send("00200062001001010000").await;
    peer.send("00209999001001010000").await;
    assert_eq!(peer.recv().await.as_deref(), Some("002099990010        "));
    let stats = sim.stats();
    assert_eq!(
        (stats.results_pushed, stats.results_acked, stats.resends),
        (1, 1, 0)
    );
}

#[tokio::test]
async fn closes_after_inactivity_and_answers_nothing_before_mid_0001() {
    let sim = sim(SimConfig {
        inactivity_timeout: Duration::from_millis(300),
        ..fast_sim()
    })
    .await;
    let mut peer = Raw::connect(sim.addr()).await;
    peer.send("00209999            ").await; // before MID 0001: no answer
    peer.send("00200001            ").await;
    let first = peer.recv().await.expect("MID 0002");
    assert_eq!(&first[4..8], "0002", "{first}");
    let t0 = tokio::time::Instant::now();
    assert_eq!(
        peer.recv().await,
        None,
        "closed after the inactivity timeout"
    );
    let waited = t0.elapsed();
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    assert_eq!(sim.stats().inactivity_closes, 1);
}

#[tokio::test]
async fn resends_an_unacknowledged_result_three_times_then_closes() {
    let sim = sim(SimConfig {
        ack_timeout: Duration::from_millis(100),
        ..fast_sim()
    })
    .await;
    let mut peer = Raw::connect(sim.addr()).await;
    peer.send("00200001            ").await;
    peer.recv().await.expect("MID 0002");
    peer.send("00200060001         ").await;
    assert_eq!(
        peer.recv().await.as_deref(),
        Some("002400050010        0060")
    );
    sim.tighten_vin("LBMPCJL38N1000123", 1);
    let mut copies = Vec::new();
    while let Some(frame) = peer.recv().await {
        copies.push(frame);
    }
    assert_eq!(copies.len(), 4, "the push and three resends");
    assert!(
        copies.windows(2).all(|w| w[0] == w[1]),
        "the same frame each time"
    );
    assert_eq!(&copies[0][4..11], "0061001");
    let stats = sim.stats();
    assert_eq!(
        (stats.resends, stats.ack_timeouts, stats.results_acked),
        (3, 1, 0)
    );
    wait_until(|| !sim.is_subscribed()).await;
}

#[tokio::test]
async fn refuses_unknown_mids_bad_data_and_unknown_psets() {
    let sim = sim(fast_sim()).await;
    let mut peer = Raw::connect(sim.addr()).await;
    peer.send("00200001            ").await;
    peer.recv().await.expect("MID 0002");
    peer.send("00201234            ").await;
    assert_eq!(
        peer.recv().await.as_deref(),
        Some("002600040010        123499")
    );
    peer.send("00230018            0x7").await;
    assert_eq!(
        peer.recv().await.as_deref(),
        Some("002600040010        001801")
    );
    peer.send("00230018            099").await;
    assert_eq!(
        peer.recv().await.as_deref(),
        Some("002600040010        001802")
    );
    peer.send("00300064            0000000005").await;
    assert_eq!(
        peer.recv().await.as_deref(),
        Some("002600040010        006415")
    );
    peer.send("00370050            LBMPCJL38N1000123").await;
    assert_eq!(
        peer.recv().await.as_deref(),
        Some("002400050010        0050")
    );
    assert_eq!(sim.selection().vin, "LBMPCJL38N1000123");
    // garbage is dropped and the connection goes on
    peer.wr
        .write_all(b"\x01\x02 not a frame\0")
        .await
        .expect("write");
    peer.send("00209999            ").await;
    assert_eq!(peer.recv().await.as_deref(), Some("002099990010        "));
    assert_eq!(sim.stats().garbage_received, 1);
}
