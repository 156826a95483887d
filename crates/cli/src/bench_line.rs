//! `kechuang bench line-ingest` and `line-latency`: the line runner fed by simulated
//! Open Protocol controllers on loopback, with MQTT through the local broker.
//!
//! * `line-ingest` — C controllers each push N results (one outstanding at a time,
//!   as Open Protocol requires; the runner acknowledges up to `ack_ahead` results
//!   ahead of their storage, see docs/line.md) into a scratch SQLite database (or the
//!   empty PostgreSQL database given with `--database`); the clock stops when the
//!   last result is committed. Results per second, and count in = count stored.
//! * `line-latency` — one station: the result goes on the wire, the operator steps
//!   on the pedal as soon as the controller has its acknowledgement, the release
//!   comes back over MQTT; p50/p99 of wire → decision.

use crate::bench::{say, scratch};
use crate::config::Settings;
use crate::line_sim::{SimOpts, decisions, rig, vin, wait_sim};
use anyhow::{Context, bail};
use kechuang_app::Actor;
use kechuang_app::ops::line::runner::{RunnerConfig, start_line};
use kechuang_line::mqtt;
use kechuang_line::sim::SimHandle;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONTROLLERS: usize = 128;
const PER_CONTROLLER: usize = 800;

/// Ingest throughput.
pub async fn ingest(settings: &Settings, json_out: bool) -> anyhow::Result<Value> {
    let (app, _dir, backend) = scratch(settings).await?;
    // Every result lands on an open bolt of the station's cart (tasks of 99 bolts),
    // the normal path; earlier versions had 99 bolts, so 88 % of the results were
    // flagged `extra` (a warning and an event each).
    let o = SimOpts {
        stations: CONTROLLERS,
        bolts: PER_CONTROLLER as u32,
        nok_rate: 0.0,
        ..SimOpts::default()
    };
    let rig = rig(&app, &o, &[]).await?;
    let running = start_line(&app, &Actor::cli(), &rig.line.id, RunnerConfig::default())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for s in &rig.sims {
        wait_sim(
            s,
            "controllers",
            Duration::from_secs(20),
            SimHandle::is_subscribed,
        )
        .await?;
    }
    let (client, _decisions) = decisions(&o, &rig.line.code, 0).await;
    for (i, st) in rig.line.stations.iter().enumerate() {
        mqtt::publish_json(
            &client,
            &mqtt::topic(&rig.line.code, &st.code, "plc/cart-arrived"),
            &json!({"vin": vin(7, i + 1)}),
        )
        .await;
    }
    for (i, s) in rig.sims.iter().enumerate() {
        let v = vin(7, i + 1);
        wait_sim(s, "VIN downloads", Duration::from_secs(20), |s| {
            s.selection().vin.trim() == v
        })
        .await?;
    }
    say(
        json_out,
        format!(
            "bench line-ingest: {CONTROLLERS} controllers × {PER_CONTROLLER} results on {backend}…"
        ),
    );
    let total = (CONTROLLERS * PER_CONTROLLER) as u64;
    let t0 = Instant::now();
    for s in &rig.sims {
        s.tighten(PER_CONTROLLER);
    }
    let until = Instant::now() + Duration::from_secs(600);
    for s in &rig.sims {
        let left = until.saturating_duration_since(Instant::now());
        wait_sim(s, "every acknowledgement", left, |s| {
            s.stats().results_acked >= PER_CONTROLLER as u64
        })
        .await?;
    }
    // Acknowledgements run ahead of storage (the store high-water mark): the figure
    // counts until the last result is committed, not merely acknowledged.
    while running.stats().results_stored < total {
        if Instant::now() > until {
            bail!("timed out waiting for every result to be stored");
        }
        tokio::time::sleep(Duration::from_micros(500)).await;
    }
    let secs = t0.elapsed().as_secs_f64();
    let stats = running.stop().await;
    let _ = client.disconnect().await;
    let stored = app
        .store
        .read()
        .await?
        .count_line_results(&rig.line.id)
        .await?;
    let sent: u64 = rig.sims.iter().map(|s| s.stats().results_generated).sum();
    let per_s = (total as f64 / secs).round();
    say(
        json_out,
        format!(
            "  {total} results in {secs:.2} s: {per_s:.0}/s; sent {sent}, stored {stored}, {} group commits",
            stats.commits
        ),
    );
    if u64::try_from(stored).unwrap_or(0) != sent {
        bail!("results lost or doubled: sent {sent}, stored {stored}");
    }
    Ok(json!({
        "backend": backend,
        "controllers": CONTROLLERS,
        "results": total,
        "results_sent": sent,
        "results_stored": stored,
        "seconds": (secs * 100.0).round() / 100.0,
        "results_per_s": per_s,
        "commits": stats.commits,
    }))
}

/// Wire → pedal decision latency.
pub async fn latency(settings: &Settings, json_out: bool) -> anyhow::Result<Value> {
    let (app, _dir, backend) = scratch(settings).await?;
    let o = SimOpts {
        stations: 1,
        bolts: 1,
        nok_rate: 0.0,
        ..SimOpts::default()
    };
    let rig = rig(&app, &o, &[]).await?;
    let running = start_line(&app, &Actor::cli(), &rig.line.id, RunnerConfig::default())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let sim = Arc::clone(&rig.sims[0]);
    wait_sim(
        &sim,
        "controller",
        Duration::from_secs(20),
        SimHandle::is_subscribed,
    )
    .await?;
    let (client, decisions) = decisions(&o, &rig.line.code, 1).await;
    let mut decided = decisions.into_iter().next().context("decisions")?;
    let st = &rig.line.stations[0].code;
    let line = &rig.line.code;
    let n = 500;
    say(
        json_out,
        format!("bench line-latency: {n} carts on {backend}…"),
    );
    let mut lat = Vec::with_capacity(n);
    for k in 0..n {
        let v = vin(11, k + 1);
        mqtt::publish_json(
            &client,
            &mqtt::topic(line, st, "plc/cart-arrived"),
            &json!({"vin": v}),
        )
        .await;
        wait_sim(&sim, "VIN", Duration::from_secs(10), |s| {
            s.selection().vin.trim() == v
        })
        .await?;
        let acked = sim.stats().results_acked;
        let t0 = Instant::now();
        sim.tighten(1);
        wait_sim(&sim, "acknowledgement", Duration::from_secs(10), |s| {
            s.stats().results_acked > acked
        })
        .await?;
        mqtt::publish_json(&client, &mqtt::topic(line, st, "pedal"), &json!({})).await;
        loop {
            let (leaf, _) = tokio::time::timeout(Duration::from_secs(10), decided.recv())
                .await
                .context("no decision")?
                .context("decisions closed")?;
            if leaf == "release" {
                break;
            }
            if leaf == "refused" {
                bail!("pedal refused with every bolt tightened OK");
            }
        }
        lat.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    running.stop().await;
    let _ = client.disconnect().await;
    lat.sort_by(f64::total_cmp);
    let q = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize];
    let (p50, p99, max) = (q(0.5), q(0.99), q(1.0));
    say(
        json_out,
        format!("  wire → decision: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms"),
    );
    Ok(json!({
        "backend": backend,
        "carts": n,
        "p50_ms": (p50 * 100.0).round() / 100.0,
        "p99_ms": (p99 * 100.0).round() / 100.0,
        "max_ms": (max * 100.0).round() / 100.0,
    }))
}
