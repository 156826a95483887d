//! Throughput of the Open Protocol path: codec, framing, and client ↔ simulator over loopback.
//!
//! `cargo run --release -p kechuang-line --example line_bench [results-per-controller]`
//! prints one JSON object; the figures are quoted in docs/open-protocol.md.

use std::time::{Duration, Instant};

use kechuang_line::client::{Client, ClientConfig, Event};
use kechuang_line::op::framing::{Chunk, FrameBuffer};
use kechuang_line::op::{Frame, Message};
use kechuang_line::sim::{SimConfig, Simulator};
use tokio::net::TcpListener;

const GOLDEN: &str = "023100610010        010001020103STN-07-NUTRUNNER         04LBMPCJL38N1000123        050006007070004080001091101111120025001300300014002800150028121600020170012018000601900071202026-11-28:08:15:42212026-11-27:17:02:10220230000001001";

fn per_sec(n: usize, d: Duration) -> u64 {
    (n as f64 / d.as_secs_f64()) as u64
}

fn codec(revision: u16, n: usize) -> (u64, u64) {
    let Message::Result(r) = Frame::decode(GOLDEN.as_bytes()).expect("golden").message else {
        panic!("golden is a result")
    };
    let frame = Frame::new(Message::Result(r.at_revision(revision)));
    let t = Instant::now();
    let mut bytes = Vec::new();
    for _ in 0..n {
        bytes = frame.encode().expect("encodes");
    }
    let enc = per_sec(n, t.elapsed());
    let body = &bytes[..bytes.len() - 1];
    let t = Instant::now();
    for _ in 0..n {
        let f = Frame::decode(body).expect("decodes");
        std::hint::black_box(f);
    }
    (enc, per_sec(n, t.elapsed()))
}

fn framing(n: usize) -> u64 {
    let mut stream = Vec::new();
    for _ in 0..n {
        stream.extend_from_slice(GOLDEN.as_bytes());
        stream.push(0);
    }
    let t = Instant::now();
    let mut buf = FrameBuffer::new();
    let mut frames = 0;
    for chunk in stream.chunks(1460) {
        buf.extend(chunk);
        while let Some(c) = buf.next_chunk() {
            if matches!(c, Chunk::Frame(_)) {
                frames += 1;
            }
        }
    }
    assert_eq!(frames, n);
    per_sec(n, t.elapsed())
}

async fn loopback(controllers: usize, per_controller: usize) -> (u64, usize) {
    let mut sims = Vec::new();
    let mut clients = Vec::new();
    for i in 0..controllers {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let sim = Simulator::start(
            listener,
            SimConfig {
                seed: i as u64,
                ..SimConfig::default()
            },
        )
        .expect("sim");
        let (client, mut rx) = Client::spawn(ClientConfig::new(sim.addr().to_string()));
        loop {
            if let Some(Event::Connected { .. }) = rx.recv().await {
                break;
            }
        }
        while !sim.is_subscribed() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        sims.push(sim);
        clients.push((client, rx));
    }
    let t = Instant::now();
    for sim in &sims {
        sim.tighten_vin("LBMPCJL38N1000123", per_controller);
    }
    let mut tasks = Vec::new();
    for (client, mut rx) in clients {
        tasks.push(tokio::spawn(async move {
            let mut got = 0;
            while got < per_controller {
                if let Some(Event::Result(_)) = rx.recv().await {
                    got += 1;
                }
            }
            client.shutdown().await;
            got
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("task");
    }
    (per_sec(total, t.elapsed()), total)
}

/// Time from the simulator producing one result to the client delivering it (one at a time).
async fn latency(samples: usize) -> (u128, u128, u128) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let sim = Simulator::start(listener, SimConfig::default()).expect("sim");
    let (client, mut rx) = Client::spawn(ClientConfig::new(sim.addr().to_string()));
    loop {
        if let Some(Event::Connected { .. }) = rx.recv().await {
            break;
        }
    }
    while !sim.is_subscribed() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let mut micros = Vec::with_capacity(samples);
    for _ in 0..samples {
        let t = Instant::now();
        sim.tighten_vin("LBMPCJL38N1000123", 1);
        loop {
            if let Some(Event::Result(_)) = rx.recv().await {
                break;
            }
        }
        micros.push(t.elapsed().as_micros());
    }
    client.shutdown().await;
    micros.sort_unstable();
    let at = |q: f64| micros[((micros.len() - 1) as f64 * q) as usize];
    (at(0.5), at(0.99), at(1.0))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let per_controller: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let n = 200_000;
    let (enc1, dec1) = codec(1, n);
    let (enc3, dec3) = codec(3, n);
    let framed = framing(n);
    let (p50, p99, max) = latency(5000).await;
    let mut lo = Vec::new();
    for controllers in [1, 4, 16] {
        let (rate, total) = loopback(controllers, per_controller).await;
        lo.push(format!(
            "{{\"controllers\": {controllers}, \"results\": {total}, \"results_per_sec\": {rate}}}"
        ));
    }
    println!(
        "{{\"encode_0061_rev1_per_sec\": {enc1}, \"decode_0061_rev1_per_sec\": {dec1}, \
         \"encode_0061_rev3_per_sec\": {enc3}, \"decode_0061_rev3_per_sec\": {dec3}, \
         \"framing_frames_per_sec\": {framed}, \"latency_us\": {{\"p50\": {p50}, \"p99\": {p99}, \"max\": {max}}}, \
         \"loopback\": [{}]}}",
        lo.join(", ")
    );
}
