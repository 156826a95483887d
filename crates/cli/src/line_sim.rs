//! `kechuang line simulate`: a virtual line on loopback. Each station gets a
//! simulated torque controller (a real Open Protocol TCP server), a simulated PLC
//! and operator speaking MQTT through the real broker, and the real runner and
//! store in between. Carts flow through the stations in order; an operator tightens
//! the station's bolts, waits until the controller has its acknowledgements (which
//! the runner sends only once stored), steps on the pedal, re-tightens what the
//! refusal names, and after three refusals calls a supervisor override.

use anyhow::{Context, bail};
use kechuang_app::ops::line::runner::{RunnerConfig, RunnerStats, start_line};
use kechuang_app::{Actor, App};
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::OrgId;
use kechuang_core::line::{
    ControllerSpec, LineSpec, LineStatus, ReleaseKind, StationSpec, TaskSpec,
};
use kechuang_core::org::{OrgKind, Organisation};
use kechuang_line::mqtt::{self, AsyncClient};
use kechuang_line::sim::{Pset, SimConfig, SimHandle, Simulator};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Options of a simulated run.
#[derive(Debug, Clone)]
pub struct SimOpts {
    /// Stations.
    pub stations: usize,
    /// Vehicles (carts) to push through.
    pub vehicles: usize,
    /// Probability of a NOK tightening (0..1).
    pub nok_rate: f64,
    /// Random seed.
    pub seed: u64,
    /// 1-based station with triple NOK rate and slower operators.
    pub faulty_station: Option<usize>,
    /// Bolts per station.
    pub bolts: u32,
    /// MQTT broker.
    pub mqtt_host: String,
    /// MQTT port.
    pub mqtt_port: u16,
}

const BOLTS: u32 = 4;
const MAX_TASK_BOLTS: u32 = 99;

impl Default for SimOpts {
    fn default() -> Self {
        Self {
            stations: 5,
            vehicles: 50,
            nok_rate: 0.01,
            seed: 1,
            faulty_station: None,
            bolts: BOLTS,
            mqtt_host: "127.0.0.1".into(),
            mqtt_port: 1883,
        }
    }
}

/// A VIN from a serial number (valid alphabet, 17 characters).
pub fn vin(seed: u64, n: usize) -> String {
    format!("LKC{:04}SM{:08}", seed % 10_000, n)
}

fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A simulated line ready to run: controllers listening, the line configured.
pub struct Rig {
    /// The simulators, one per station.
    pub sims: Vec<Arc<SimHandle>>,
    /// The line.
    pub line: LineSpec,
}

/// Creates an owner organisation, starts one simulated controller per station and
/// configures the line.
pub async fn rig(app: &App, o: &SimOpts, nok_per_mille: &[u32]) -> anyhow::Result<Rig> {
    let mut x = o.seed ^ u64::from(std::process::id()) ^ nanos();
    let serial = splitmix(&mut x) % 1_000_000_000;
    let code = CreditCode::complete(&format!("91500151{serial:09}"))
        .context("credit code for the simulated maker")?;
    let org = OrgId(kechuang_store::new_id());
    let mut tx = app.store.begin().await?;
    tx.insert_organisation(
        &org,
        &Organisation {
            kind: OrgKind::Enterprise,
            credit_code: code,
            name: format!("模拟摩托车制造有限公司{serial}"),
            town: None,
            cluster: Some("摩托车".into()),
            coordinates: None,
            founded_on: None,
            above_scale: true,
            address: None,
        },
        app.now(),
    )
    .await?;
    tx.commit().await?;
    let mut sims = Vec::new();
    let mut stations = Vec::new();
    let m8 = Pset::m8(1);
    for i in 0..o.stations {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let sim = Simulator::start(
            listener,
            SimConfig {
                seed: o.seed.wrapping_mul(1000).wrapping_add(i as u64),
                nok_per_mille: nok_per_mille.get(i).copied().unwrap_or(0),
                psets: vec![Pset::m8(1)],
                ack_timeout: Duration::from_secs(15),
                cycle: Duration::from_millis(100),
                ..SimConfig::default()
            },
        )?;
        stations.push(StationSpec {
            id: String::new(),
            code: format!("st{:02}", i + 1),
            name: format!("工位{}", i + 1),
            // A task has at most 99 bolts: more bolts make more tasks (same Pset).
            tasks: (0..o.bolts.div_ceil(MAX_TASK_BOLTS).max(1))
                .map(|k| TaskSpec {
                    joint: if k == 0 {
                        format!("J{:02}-M8", i + 1)
                    } else {
                        format!("J{:02}-M8-{}", i + 1, k + 1)
                    },
                    bolt_count: (o.bolts - k * MAX_TASK_BOLTS).min(MAX_TASK_BOLTS),
                    pset: 1,
                    torque_min_cnm: i64::from(m8.torque_min.centi_nm()),
                    torque_target_cnm: i64::from(m8.torque_target.centi_nm()),
                    torque_max_cnm: i64::from(m8.torque_max.centi_nm()),
                    angle_min_deg: i64::from(m8.angle_min),
                    angle_max_deg: i64::from(m8.angle_max),
                })
                .collect(),
            controllers: vec![ControllerSpec {
                id: String::new(),
                host: "127.0.0.1".into(),
                port: sim.addr().port(),
                channel: 1,
            }],
        });
        sims.push(Arc::new(sim));
    }
    let spec = LineSpec {
        id: String::new(),
        org_id: org.0.clone(),
        code: format!("sim-{serial}"),
        name: "模拟总装线".into(),
        status: LineStatus::Trial,
        stations,
    };
    let id = kechuang_app::ops::line::create_line(app, &Actor::cli(), &spec)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let line = kechuang_app::ops::line::line(app, &Actor::cli(), &id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Rig { sims, line })
}

fn nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos().into())
        .unwrap_or(0)
}

/// Waits until `f` holds for the simulator, woken by its acknowledgements, VIN,
/// parameter set and subscription changes (no polling); errors after `limit`.
pub async fn wait_sim(
    sim: &SimHandle,
    what: &str,
    limit: Duration,
    f: impl FnMut(&SimHandle) -> bool,
) -> anyhow::Result<()> {
    if sim.wait_until(limit, f).await {
        Ok(())
    } else {
        bail!("timed out waiting for {what}")
    }
}

/// Decisions per station from the broker: (leaf, payload).
pub type Decisions = mpsc::Receiver<(String, Value)>;

/// Subscribes to the line's outbound topics and routes them per station.
pub async fn decisions(o: &SimOpts, line: &str, stations: usize) -> (AsyncClient, Vec<Decisions>) {
    let (client, mut rx) = mqtt::listen(
        &o.mqtt_host,
        o.mqtt_port,
        &format!("kechuang-sim-ops-{}", kechuang_store::new_id()),
        &format!("{}/{line}/#", mqtt::ROOT),
    );
    let mut txs = HashMap::new();
    let mut rxs = Vec::new();
    for i in 0..stations {
        let (tx, rx) = mpsc::channel(1024);
        txs.insert(format!("st{:02}", i + 1), tx);
        rxs.push(rx);
    }
    tokio::spawn(async move {
        while let Some((topic, payload)) = rx.recv().await {
            let mut p = topic.splitn(4, '/').skip(2);
            let (Some(st), Some(leaf)) = (p.next(), p.next()) else {
                continue;
            };
            if !matches!(leaf, "release" | "refused" | "andon") {
                continue;
            }
            let v = serde_json::from_slice(&payload).unwrap_or(Value::Null);
            if let Some(tx) = txs.get(st) {
                let _ = tx.send((leaf.to_string(), v)).await;
            }
        }
    });
    // Let the subscription settle before anything is published.
    tokio::time::sleep(Duration::from_millis(400)).await;
    (client, rxs)
}

/// Runs a whole simulation and returns its figures.
pub async fn simulate(app: &App, o: &SimOpts) -> anyhow::Result<Value> {
    if o.stations == 0 || o.vehicles == 0 {
        bail!("--stations and --vehicles must be at least 1");
    }
    if !(0.0..=1.0).contains(&o.nok_rate) {
        bail!("--nok-rate must be between 0 and 1");
    }
    if let Some(k) = o.faulty_station
        && (k == 0 || k > o.stations)
    {
        bail!("--faulty-station must name a station 1..={}", o.stations);
    }
    let per_mille: Vec<u32> = (0..o.stations)
        .map(|i| {
            let p = if o.faulty_station == Some(i + 1) {
                (o.nok_rate * 3.0).min(1.0)
            } else {
                o.nok_rate
            };
            // Rounded to per mille, as the simulator draws.
            (p * 1000.0).round() as u32
        })
        .collect();
    let rig = rig(app, o, &per_mille).await?;
    let started = Instant::now();
    let running = start_line(
        app,
        &Actor::cli(),
        &rig.line.id,
        RunnerConfig {
            mqtt_host: o.mqtt_host.clone(),
            mqtt_port: o.mqtt_port,
            ..RunnerConfig::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    for s in &rig.sims {
        wait_sim(
            s,
            "controllers to connect",
            Duration::from_secs(10),
            SimHandle::is_subscribed,
        )
        .await?;
    }
    let (client, decisions) = decisions(o, &rig.line.code, o.stations).await;
    let mut decisions = decisions.into_iter();
    // Station i's queue of VINs; the last forwards to `done`.
    let mut queues_tx = Vec::new();
    let mut queues_rx = Vec::new();
    for _ in 0..=o.stations {
        let (tx, rx) = mpsc::channel::<String>(o.vehicles + 1);
        queues_tx.push(tx);
        queues_rx.push(Some(rx));
    }
    let mut tasks = Vec::new();
    for i in 0..o.stations {
        let Some(mut inbox) = queues_rx[i].take() else {
            continue;
        };
        let Some(mut decided) = decisions.next() else {
            continue;
        };
        let next = queues_tx[i + 1].clone();
        let sim = Arc::clone(&rig.sims[i]);
        let client = client.clone();
        let line = rig.line.code.clone();
        let station = format!("st{:02}", i + 1);
        let bolts = o.bolts as usize;
        let slow = o.faulty_station == Some(i + 1);
        let mut rng = o.seed.wrapping_add(i as u64 * 7919);
        tasks.push(tokio::spawn(async move {
            let topic = |leaf: &str| mqtt::topic(&line, &station, leaf);
            while let Some(v) = inbox.recv().await {
                mqtt::publish_json(&client, &topic("plc/cart-arrived"), &json!({"vin": v})).await;
                wait_sim(
                    &sim,
                    "VIN download (MID 0050)",
                    Duration::from_secs(10),
                    |s| s.selection().vin.trim() == v,
                )
                .await?;
                let mut need = bolts;
                let mut refusals = 0;
                loop {
                    // Operator time: a little work per bolt, more at the faulty station.
                    let work = splitmix(&mut rng) % 400 + if slow { 40_000 } else { 200 };
                    tokio::time::sleep(Duration::from_micros(work)).await;
                    let acked_before = sim.stats().results_acked;
                    sim.tighten(need);
                    let want = acked_before + need as u64;
                    wait_sim(
                        &sim,
                        "acknowledgements (MID 0062)",
                        Duration::from_secs(20),
                        |s| s.stats().results_acked >= want,
                    )
                    .await?;
                    if refusals >= 3 {
                        mqtt::publish_json(
                            &client,
                            &topic("override"),
                            &json!({"user": "模拟班长", "reason": "连续三次拒放，转返修区"}),
                        )
                        .await;
                    } else {
                        mqtt::publish_json(&client, &topic("pedal"), &json!({})).await;
                    }
                    let (leaf, payload) = loop {
                        let Some((leaf, p)) =
                            tokio::time::timeout(Duration::from_secs(20), decided.recv())
                                .await
                                .context("no pedal decision within 20 s")?
                        else {
                            bail!("decision channel closed");
                        };
                        if leaf != "andon" {
                            break (leaf, p);
                        }
                    };
                    if leaf == "release" {
                        break;
                    }
                    refusals += 1;
                    need = payload["open"].as_array().map_or(bolts, Vec::len).max(1);
                }
                next.send(v).await.context("next station gone")?;
            }
            anyhow::Ok(())
        }));
    }
    drop(queues_tx.drain(1..o.stations).collect::<Vec<_>>());
    let mut done = queues_rx[o.stations].take().context("done queue")?;
    for n in 0..o.vehicles {
        queues_tx[0]
            .send(vin(o.seed, n + 1))
            .await
            .context("first station gone")?;
    }
    drop(queues_tx);
    let mut completed = 0;
    while completed < o.vehicles {
        match tokio::time::timeout(Duration::from_secs(60), done.recv()).await {
            Ok(Some(_)) => completed += 1,
            _ => break,
        }
    }
    for t in tasks {
        match t.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "simulated station stopped"),
            Err(e) => tracing::warn!(error = %e, "simulated station panicked"),
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let stats: RunnerStats = running.stop().await;
    let _ = client.disconnect().await;
    let results_sent: u64 = rig.sims.iter().map(|s| s.stats().results_generated).sum();
    for s in rig.sims {
        if let Ok(s) = Arc::try_unwrap(s) {
            s.shutdown().await;
        }
    }
    let mut r = app.store.read().await?;
    let results_stored = r.count_line_results(&rig.line.id).await?;
    let visits = r.line_visits_between(&rig.line.id, 0, i64::MAX).await?;
    drop(r);
    // Per vehicle: first pass when every one of its visits was.
    let mut by_vin: HashMap<&str, (usize, bool)> = HashMap::new();
    let mut rework = 0u64;
    let mut overrides = 0u64;
    let mut per_station: Vec<(u64, u64, i64, u64)> = vec![(0, 0, 0, 0); rig.line.stations.len()];
    for v in &visits {
        let e = by_vin.entry(v.vin.as_str()).or_insert((0, true));
        e.0 += 1;
        e.1 &= v.first_pass;
        rework += u64::from(v.rework_count);
        if v.release == Some(ReleaseKind::Override) {
            overrides += 1;
        }
        if let Some(si) = rig.line.stations.iter().position(|s| s.id == v.station_id) {
            let ps = &mut per_station[si];
            ps.0 += 1;
            ps.1 += u64::from(v.first_pass);
            if let Some(rel) = v.released_us {
                ps.2 += rel - v.arrived_us;
                ps.3 += 1;
            }
        }
    }
    let finished: Vec<_> = by_vin.values().filter(|(n, _)| *n == o.stations).collect();
    let fpy_vehicles = finished.iter().filter(|(_, fp)| *fp).count();
    let fpy = if finished.is_empty() {
        0.0
    } else {
        100.0 * fpy_vehicles as f64 / finished.len() as f64
    };
    let station_rows: Vec<Value> = rig
        .line
        .stations
        .iter()
        .zip(&per_station)
        .map(|(s, ps)| {
            json!({
                "station": s.code,
                "visits": ps.0,
                "first_pass_yield_pct": if ps.0 == 0 { 0.0 } else { round1(100.0 * ps.1 as f64 / ps.0 as f64) },
                "mean_cycle_ms": if ps.3 == 0 { 0.0 } else { round1(ps.2 as f64 / ps.3 as f64 / 1000.0) },
            })
        })
        .collect();
    let bottleneck = rig
        .line
        .stations
        .iter()
        .zip(&per_station)
        .max_by(|a, b| {
            let m = |p: &(u64, u64, i64, u64)| {
                if p.3 == 0 {
                    0.0
                } else {
                    p.2 as f64 / p.3 as f64
                }
            };
            m(a.1).total_cmp(&m(b.1))
        })
        .map(|(s, _)| s.code.clone());
    Ok(json!({
        "line": rig.line.code,
        "line_id": rig.line.id,
        "stations": o.stations,
        "vehicles": o.vehicles,
        "vehicles_completed": completed,
        "results_sent": results_sent,
        "results_received": stats.results_in,
        "results_stored": results_stored,
        "results_flagged": stats.results_flagged,
        "first_pass_yield_pct": round1(fpy),
        "expected_first_pass_yield_pct": round1(100.0 * per_mille.iter().map(|p| (1.0 - f64::from(*p) / 1000.0).powi(i32::try_from(o.bolts).unwrap_or(4))).product::<f64>()),
        "rework_count": rework,
        "overrides": overrides,
        "pedals_refused": stats.pedals_refused,
        "bottleneck_station": bottleneck,
        "per_station": station_rows,
        "commits": stats.commits,
        "seconds": round1(secs),
    }))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
