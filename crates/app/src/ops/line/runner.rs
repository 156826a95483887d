//! The line runner: one task owning the station trackers, fed by the controller
//! clients and MQTT, and a writer task committing its batches.
//!
//! Each loop turn takes every input waiting (up to `max_batch`), runs it through the
//! trackers (pure, fast) and hands the resulting visits, results, overrides and events
//! to the writer, which stores them in one transaction while the runner collects the
//! next batch (pipelining). Only once a batch is committed are its pedal decisions
//! published and its results confirmed to the clients.
//!
//! Acknowledgements use the store high-water mark: a client acknowledges a result
//! (MID 0062) as soon as it is in the runner's queue, up to `ack_ahead` results ahead
//! of their storage; on (re)start each client resumes after the last tightening id
//! stored for its controller, so a result acknowledged but lost by a crash before its
//! commit is asked for again through MID 0064/0065. A result received twice hits the
//! primary key (controller, tightening id) and is not stored twice.

use super::may_engineer;
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::line::{
    LineEventKind, LineEventRecord, LineSpec, Override, ReleaseKind, TighteningRecord,
};
use kechuang_line::client::{Client, ClientConfig, ClientHandle, Event, StoreConfirmer};
use kechuang_line::mqtt::{Inbound, MqttLink};
use kechuang_line::op::LimitStatus;
use kechuang_line::tracker::{ArrivalRefused, OpenBolt, Pedal, ResultIn, StationTracker};
use kechuang_store::{LineBatch, OverrideRecord, Store};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// How to run a line.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// MQTT broker host.
    pub mqtt_host: String,
    /// MQTT broker port.
    pub mqtt_port: u16,
    /// Largest group commit (inputs per transaction).
    pub max_batch: usize,
    /// Controller client settings (the address is the controller's own).
    pub client: ClientConfig,
    /// Controllers to skip (e.g. started elsewhere); none by default.
    pub skip_controllers: Vec<String>,
    /// Results a client may acknowledge before they are stored (the store high-water
    /// mark makes it safe, see the module documentation); 0 acknowledges each result
    /// only after its commit.
    pub ack_ahead: usize,
    /// Fault injection for tests: while it reads `true` nothing is committed (a stalled
    /// disk); results keep arriving and being acknowledged up to `ack_ahead`.
    pub commit_gate: Option<watch::Receiver<bool>>,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            mqtt_host: "127.0.0.1".into(),
            mqtt_port: 1883,
            max_batch: 4096,
            client: ClientConfig::new(""),
            skip_controllers: Vec::new(),
            ack_ahead: 256,
            commit_gate: None,
        }
    }
}

/// Counters of a running line.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RunnerStats {
    /// Results received from controllers.
    pub results_in: u64,
    /// Results newly stored.
    pub results_stored: u64,
    /// Results received again and not stored twice.
    pub results_repeated: u64,
    /// Results stored with a flag (unknown VIN, no cart, extra).
    pub results_flagged: u64,
    /// Carts that arrived.
    pub arrivals: u64,
    /// Arrivals refused (illegal VIN, station busy).
    pub arrivals_refused: u64,
    /// Carts released with every bolt OK.
    pub released_ok: u64,
    /// Carts released by an override.
    pub released_override: u64,
    /// Pedals refused.
    pub pedals_refused: u64,
    /// Unreadable or misaddressed messages.
    pub bad_messages: u64,
    /// Group commits.
    pub commits: u64,
    /// Controller links that came up.
    pub controller_ups: u64,
    /// Controller links that went down.
    pub controller_downs: u64,
    /// Tightening ids reported lost by a controller.
    pub lost: u64,
}

enum Input {
    /// An event of controller `.0`.
    Ctl(usize, Box<Event>),
    Mqtt(Inbound),
    Stop,
}

#[derive(Clone)]
struct Ctl {
    id: String,
    station: usize,
    handle: Option<Arc<ClientHandle>>,
    confirmer: Option<StoreConfirmer>,
}

/// A started line.
pub struct RunningLine {
    tx: mpsc::Sender<Input>,
    stats: Arc<Mutex<RunnerStats>>,
    task: JoinHandle<Vec<Ctl>>,
    writer: JoinHandle<()>,
    mqtt: MqttLink,
    line: LineSpec,
}

impl std::fmt::Debug for RunningLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningLine")
            .field("line", &self.line.code)
            .finish()
    }
}

impl RunningLine {
    /// Current counters.
    pub fn stats(&self) -> RunnerStats {
        self.stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The line's configuration.
    pub fn line(&self) -> &LineSpec {
        &self.line
    }

    /// Stops: everything received is written, clients and MQTT are closed.
    pub async fn stop(self) -> RunnerStats {
        let _ = self.tx.send(Input::Stop).await;
        let ctls = self.task.await.unwrap_or_default();
        let _ = self.writer.await;
        for c in ctls {
            if let Some(h) = c.handle
                && let Ok(h) = Arc::try_unwrap(h)
            {
                h.shutdown().await;
            }
        }
        self.mqtt.disconnect().await;
        self.stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Ends the runner abruptly, as a crash would: nothing pending is written, the
    /// controller connections are dropped without MID 0003.
    pub async fn kill(self) -> RunnerStats {
        self.task.abort();
        self.writer.abort();
        let _ = self.task.await;
        let _ = self.writer.await;
        self.mqtt.disconnect().await;
        self.stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Starts a configured line (by id or code).
pub async fn start_line(
    app: &App,
    actor: &Actor,
    id_or_code: &str,
    config: RunnerConfig,
) -> AppResult<RunningLine> {
    let line = app
        .store
        .read()
        .await?
        .line(id_or_code)
        .await?
        .ok_or(AppError::NotFound)?;
    may_engineer(actor, &line.org_id)?;
    let (tx, rx) = mpsc::channel::<Input>(65_536);
    let ack_ahead = config.ack_ahead;
    // Every result acknowledged ahead of its storage must be recoverable.
    let window = config
        .client
        .max_recover
        .max(u32::try_from(ack_ahead).unwrap_or(u32::MAX));
    let mut ctls = Vec::new();
    for (si, s) in line.stations.iter().enumerate() {
        for c in &s.controllers {
            let k = ctls.len();
            let mut ctl = Ctl {
                id: c.id.clone(),
                station: si,
                handle: None,
                confirmer: None,
            };
            if !config.skip_controllers.contains(&c.id) {
                let mut cc = config.client.clone();
                cc.addr = format!("{}:{}", c.host, c.port);
                cc.ack_after_store = true;
                cc.ack_ahead = ack_ahead;
                cc.max_recover = window;
                // The store high-water mark: everything after the last stored result
                // (what was acknowledged but lost by a crash, or tightened while the
                // runner was away) is asked for again; results stored before are not.
                cc.resume_after = app
                    .store
                    .read()
                    .await?
                    .line_resume_point(&c.id, i64::from(window))
                    .await?
                    .map(|id| u32::try_from(id).unwrap_or(u32::MAX));
                let handle =
                    Client::spawn_into(cc, tx.clone(), move |e| Input::Ctl(k, Box::new(e)));
                ctl.confirmer = Some(handle.confirmer());
                ctl.handle = Some(Arc::new(handle));
            }
            ctls.push(ctl);
        }
    }
    let (mqtt, mut inbound) = MqttLink::connect(
        &config.mqtt_host,
        config.mqtt_port,
        &format!("kechuang-line-{}-{}", line.code, kechuang_store::new_id()),
        &line.code,
    );
    let mtx = tx.clone();
    tokio::spawn(async move {
        while let Some(m) = inbound.recv().await {
            if mtx.send(Input::Mqtt(m)).await.is_err() {
                return;
            }
        }
    });
    let stats = Arc::new(Mutex::new(RunnerStats::default()));
    // One batch committing, one waiting; the runner collects the next meanwhile.
    let (wtx, wrx) = mpsc::channel::<Commit>(1);
    let writer = Writer {
        store: app.store.clone(),
        ctls: ctls.clone(),
        mqtt: mqtt.clone(),
        stats: Arc::clone(&stats),
        gate: config.commit_gate.clone(),
    };
    let writer = tokio::spawn(writer.run(wrx));
    let state = State {
        touched: vec![None; line.stations.len()],
        trackers: line
            .stations
            .iter()
            .map(|s| StationTracker::new(&line.id, s.clone()))
            .collect(),
        selected_pset: vec![None; line.stations.len()],
        line: line.clone(),
        ctls,
        stats: Arc::clone(&stats),
        max_batch: config.max_batch.max(1),
    };
    let task = tokio::spawn(state.run(rx, wtx));
    Ok(RunningLine {
        tx,
        stats,
        task,
        writer,
        mqtt,
        line,
    })
}

enum Out {
    Publish {
        station: String,
        leaf: &'static str,
        payload: serde_json::Value,
    },
    Confirm {
        controller: usize,
        tightening_id: u32,
    },
    Select {
        station: usize,
        vin: Option<String>,
        pset: u32,
    },
}

/// A batch for the writer, with what to do once it is committed.
struct Commit {
    batch: LineBatch,
    outs: Vec<Out>,
}

struct State {
    line: LineSpec,
    trackers: Vec<StationTracker>,
    selected_pset: Vec<Option<u32>>,
    ctls: Vec<Ctl>,
    stats: Arc<Mutex<RunnerStats>>,
    max_batch: usize,
    /// Per station: where its current visit sits in the batch being built.
    touched: Vec<Option<usize>>,
}

/// Commits the runner's batches in order, then confirms their results and publishes
/// their decisions.
struct Writer {
    store: Store,
    ctls: Vec<Ctl>,
    mqtt: MqttLink,
    stats: Arc<Mutex<RunnerStats>>,
    gate: Option<watch::Receiver<bool>>,
}

impl State {
    fn stat(&self, f: impl FnOnce(&mut RunnerStats)) {
        f(&mut self
            .stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner));
    }

    /// Adds or replaces the current visit of station `si` in the batch.
    fn put_visit(&mut self, batch: &mut LineBatch, si: usize, v: kechuang_core::line::VisitRecord) {
        match self.touched[si] {
            Some(k) if batch.visits.get(k).is_some_and(|x| x.id == v.id) => batch.visits[k] = v,
            _ => {
                if let Some(k) = batch.visits.iter().position(|x| x.id == v.id) {
                    batch.visits[k] = v;
                    self.touched[si] = Some(k);
                } else {
                    self.touched[si] = Some(batch.visits.len());
                    batch.visits.push(v);
                }
            }
        }
    }

    fn event(
        &self,
        batch: &mut LineBatch,
        station: Option<usize>,
        kind: LineEventKind,
        vin: Option<&str>,
        detail: serde_json::Value,
    ) {
        batch.events.push(LineEventRecord {
            line_id: self.line.id.clone(),
            station_id: station.map(|s| self.line.stations[s].id.clone()),
            kind,
            vin: vin.map(str::to_string),
            detail: detail.to_string(),
            at_us: now_us(),
        });
    }

    /// Runs until stopped; returns the controllers (for their shutdown once the writer
    /// has finished).
    async fn run(mut self, mut rx: mpsc::Receiver<Input>, wtx: mpsc::Sender<Commit>) -> Vec<Ctl> {
        let mut stopping = false;
        while !stopping {
            let Some(first) = rx.recv().await else { break };
            let mut batch = LineBatch::default();
            let mut outs = Vec::new();
            self.touched.fill(None);
            let mut n = 0;
            let mut next = Some(first);
            while let Some(input) = next.take() {
                if matches!(input, Input::Stop) {
                    stopping = true;
                    break;
                }
                self.handle(input, &mut batch, &mut outs);
                n += 1;
                if n < self.max_batch {
                    next = rx.try_recv().ok();
                }
            }
            if (!batch.is_empty() || !outs.is_empty())
                && wtx.send(Commit { batch, outs }).await.is_err()
            {
                break;
            }
        }
        std::mem::take(&mut self.ctls)
    }
}

impl Writer {
    fn stat(&self, f: impl FnOnce(&mut RunnerStats)) {
        f(&mut self
            .stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner));
    }

    async fn run(mut self, mut rx: mpsc::Receiver<Commit>) {
        while let Some(c) = rx.recv().await {
            self.flush(&c.batch).await;
            self.dispatch(c.outs).await;
        }
    }

    /// Writes the batch; retries until the database takes it (its decisions wait, and
    /// its results are asked for again after a crash: nothing is lost meanwhile).
    async fn flush(&mut self, batch: &LineBatch) {
        if batch.is_empty() {
            return;
        }
        let mut pause = Duration::from_millis(50);
        loop {
            if let Some(g) = &mut self.gate {
                let _ = g.wait_for(|held| !*held).await;
            }
            let attempt = async {
                let mut tx = self.store.begin().await?;
                let n = tx.write_line_batch(batch).await?;
                tx.commit().await?;
                Ok::<u64, kechuang_store::StoreError>(n)
            };
            match attempt.await {
                Ok(n) => {
                    let total = u64::try_from(batch.results.len()).unwrap_or(0);
                    self.stat(|s| {
                        s.results_stored += n;
                        s.results_repeated += total - n.min(total);
                        s.commits += 1;
                    });
                    return;
                }
                Err(e) => {
                    tracing::error!(error = %e, "line batch not stored; retrying");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    async fn dispatch(&self, outs: Vec<Out>) {
        for o in outs {
            match o {
                Out::Confirm {
                    controller,
                    tightening_id,
                } => {
                    if let Some(c) = &self.ctls[controller].confirmer {
                        c.confirm(tightening_id);
                    }
                }
                Out::Publish {
                    station,
                    leaf,
                    payload,
                } => self.mqtt.publish(&station, leaf, &payload).await,
                Out::Select { station, vin, pset } => {
                    let handles: Vec<_> = self
                        .ctls
                        .iter()
                        .filter(|c| c.station == station)
                        .filter_map(|c| c.handle.clone())
                        .collect();
                    for h in handles {
                        let vin = vin.clone();
                        tokio::spawn(async move {
                            if let Some(v) = vin
                                && let Err(e) = h.download_vin(&v).await
                            {
                                tracing::warn!(error = %e, "MID 0050 VIN download failed");
                            }
                            let pset = u16::try_from(pset).unwrap_or(1);
                            if let Err(e) = h.select_pset(pset).await {
                                tracing::warn!(error = %e, "MID 0018 parameter set selection failed");
                            }
                        });
                    }
                }
            }
        }
    }
}

impl State {
    fn station_index(&self, code: &str) -> Option<usize> {
        self.line.stations.iter().position(|s| s.code == code)
    }

    fn select_next(&mut self, si: usize, vin: Option<String>, outs: &mut Vec<Out>) {
        let next = self.trackers[si].next_pset();
        if let Some(p) = next
            && (vin.is_some() || self.selected_pset[si] != Some(p))
        {
            {
                self.selected_pset[si] = Some(p);
                outs.push(Out::Select {
                    station: si,
                    vin,
                    pset: p,
                });
            }
        }
    }

    fn handle(&mut self, input: Input, batch: &mut LineBatch, outs: &mut Vec<Out>) {
        match input {
            Input::Stop => {}
            Input::Mqtt(m) => self.mqtt_message(m, batch, outs),
            Input::Ctl(controller, ev) => match *ev {
                Event::Result(delivery) => self.result(controller, delivery, batch, outs),
                Event::Connected { .. } => self.link(controller, true, String::new(), batch, outs),
                Event::Disconnected { reason } => self.link(controller, false, reason, batch, outs),
                Event::Lost { tightening_id } => self.lost(controller, tightening_id, batch),
            },
        }
    }

    fn result(
        &mut self,
        controller: usize,
        delivery: kechuang_line::client::Delivery,
        batch: &mut LineBatch,
        outs: &mut Vec<Out>,
    ) {
        let si = self.ctls[controller].station;
        let t = &delivery.tightening;
        let (torque_ok, angle_ok) = match t {
            kechuang_line::client::Tightening::Live(r) => (
                r.torque_status == LimitStatus::Ok,
                r.angle_status == LimitStatus::Ok,
            ),
            kechuang_line::client::Tightening::Recovered(r) => (
                r.torque_status == LimitStatus::Ok,
                r.angle_status == LimitStatus::Ok,
            ),
        };
        let controller_time = match t {
            kechuang_line::client::Tightening::Live(r) => r.timestamp.to_string(),
            kechuang_line::client::Tightening::Recovered(r) => r.timestamp.to_string(),
        };
        let at_us = delivery
            .received_at
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        let rin = ResultIn {
            controller_id: self.ctls[controller].id.clone(),
            tightening_id: i64::from(t.tightening_id()),
            vin: t.vin().to_string(),
            pset: u32::from(t.pset_id()),
            torque_cnm: i64::from(t.torque().centi_nm()),
            angle_deg: i64::from(t.angle()),
            ok: t.is_ok(),
            torque_ok,
            angle_ok,
            controller_time,
            at_us,
        };
        let rec: TighteningRecord = self.trackers[si].result(rin);
        self.stat(|s| {
            s.results_in += 1;
            if rec.flag.is_some() {
                s.results_flagged += 1;
            }
        });
        if let Some(flag) = rec.flag {
            tracing::warn!(
                controller = %rec.controller_id,
                tightening_id = rec.tightening_id,
                flag = flag.code(),
                "tightening result flagged"
            );
            self.event(
                batch,
                Some(si),
                LineEventKind::Flagged,
                rec.vin.as_deref(),
                json!({"flag": flag.code(), "controller": rec.controller_id, "tightening_id": rec.tightening_id}),
            );
        }
        if let Some(v) = self.trackers[si].visit() {
            // Keep the stored visit's first-pass flag and rework count current.
            if rec.visit_id.as_deref() == Some(v.id.as_str()) {
                let v = v.clone();
                self.put_visit(batch, si, v);
            }
        }
        if matches!(t, kechuang_line::client::Tightening::Live(_)) {
            outs.push(Out::Confirm {
                controller,
                tightening_id: t.tightening_id(),
            });
        }
        batch.results.push(rec);
        self.select_next(si, None, outs);
    }

    fn link(
        &mut self,
        controller: usize,
        up: bool,
        reason: String,
        batch: &mut LineBatch,
        outs: &mut Vec<Out>,
    ) {
        let si = self.ctls[controller].station;
        let id = self.ctls[controller].id.clone();
        self.stat(|s| {
            if up {
                s.controller_ups += 1
            } else {
                s.controller_downs += 1
            }
        });
        let kind = if up {
            LineEventKind::ControllerUp
        } else {
            LineEventKind::ControllerDown
        };
        self.event(
            batch,
            Some(si),
            kind,
            None,
            json!({"controller": id, "reason": reason}),
        );
        if up {
            // A reconnected controller gets the current cart's VIN and Pset again.
            let vin = self.trackers[si].visit().map(|v| v.vin.clone());
            if let (Some(v), Some(p)) = (vin, self.trackers[si].next_pset()) {
                outs.push(Out::Select {
                    station: si,
                    vin: Some(v),
                    pset: p,
                });
            }
        } else {
            outs.push(Out::Publish {
                station: self.line.stations[si].code.clone(),
                leaf: "andon",
                payload: json!({"kind": "controller_down", "controller": id, "reason": reason}),
            });
        }
    }

    fn lost(&mut self, controller: usize, tightening_id: u32, batch: &mut LineBatch) {
        let si = self.ctls[controller].station;
        self.stat(|s| s.lost += 1);
        self.event(
            batch,
            Some(si),
            LineEventKind::Andon,
            None,
            json!({"kind": "tightening_lost", "controller": self.ctls[controller].id, "tightening_id": tightening_id}),
        );
    }

    fn bad(&self, batch: &mut LineBatch, station: Option<usize>, detail: serde_json::Value) {
        tracing::warn!(%detail, "line message refused");
        self.stat(|s| s.bad_messages += 1);
        self.event(batch, station, LineEventKind::BadMessage, None, detail);
    }

    fn mqtt_message(&mut self, m: Inbound, batch: &mut LineBatch, outs: &mut Vec<Out>) {
        let code = match &m {
            Inbound::CartArrived { station, .. }
            | Inbound::Pedal { station }
            | Inbound::Override { station, .. } => station.clone(),
            Inbound::Bad { topic, reason, .. } => {
                self.bad(batch, None, json!({"topic": topic, "reason": reason}));
                return;
            }
        };
        let Some(si) = self.station_index(&code) else {
            self.bad(
                batch,
                None,
                json!({"station": code, "reason": "unknown station"}),
            );
            return;
        };
        let now = now_us();
        match m {
            Inbound::CartArrived { vin, .. } => {
                match self.trackers[si].arrive(&vin, kechuang_store::new_id(), now) {
                    Ok(v) => {
                        let v = v.clone();
                        self.stat(|s| s.arrivals += 1);
                        self.event(
                            batch,
                            Some(si),
                            LineEventKind::Arrived,
                            Some(&v.vin),
                            json!({}),
                        );
                        self.put_visit(batch, si, v.clone());
                        self.select_next(si, Some(v.vin), outs);
                    }
                    Err(refused) => {
                        self.stat(|s| s.arrivals_refused += 1);
                        let (kind, detail) = match refused {
                            ArrivalRefused::IllegalVin(e) => (
                                LineEventKind::IllegalVin,
                                json!({"vin": vin, "code": e.code, "params": e.params.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<HashMap<_, _>>()}),
                            ),
                            ArrivalRefused::Busy { vin: here } => (
                                LineEventKind::BadMessage,
                                json!({"vin": vin, "reason": "station busy", "cart": here}),
                            ),
                        };
                        tracing::warn!(station = %code, %vin, %detail, "cart arrival refused");
                        self.event(batch, Some(si), kind, None, detail.clone());
                        outs.push(Out::Publish {
                            station: code,
                            leaf: "andon",
                            payload: json!({"kind": kind.code(), "detail": detail}),
                        });
                    }
                }
            }
            Inbound::Pedal { .. } => match self.trackers[si].pedal(now) {
                Pedal::Released(v) => {
                    self.stat(|s| s.released_ok += 1);
                    self.event(
                        batch,
                        Some(si),
                        LineEventKind::Released,
                        Some(&v.vin),
                        json!({"kind": "ok"}),
                    );
                    outs.push(Out::Publish {
                        station: code,
                        leaf: "release",
                        payload: json!({"vin": v.vin, "kind": ReleaseKind::Ok.code()}),
                    });
                    self.put_visit(batch, si, v);
                }
                Pedal::Refused(open) => {
                    self.stat(|s| s.pedals_refused += 1);
                    let vin = self.trackers[si].visit().map(|v| v.vin.clone());
                    self.event(
                        batch,
                        Some(si),
                        LineEventKind::Refused,
                        vin.as_deref(),
                        json!({"open": open}),
                    );
                    outs.push(Out::Publish {
                        station: code,
                        leaf: "refused",
                        payload: json!({"vin": vin, "open": open}),
                    });
                }
                Pedal::NoCart => {
                    self.bad(
                        batch,
                        Some(si),
                        json!({"station": code, "reason": "pedal without a cart"}),
                    );
                }
            },
            Inbound::Override { user, reason, .. } => {
                let by = match Override::new(&user, &reason) {
                    Ok(by) => by,
                    Err(e) => {
                        self.bad(
                            batch,
                            Some(si),
                            json!({"station": code, "reason": "override without user or reason", "field": e.field}),
                        );
                        return;
                    }
                };
                let Some((v, open)) = self.trackers[si].override_release(by.clone(), now) else {
                    self.bad(
                        batch,
                        Some(si),
                        json!({"station": code, "reason": "override without a cart"}),
                    );
                    return;
                };
                self.record_override(batch, si, &v, &by, &open, now);
                outs.push(Out::Publish {
                    station: code,
                    leaf: "release",
                    payload: json!({"vin": v.vin, "kind": v.release.map(ReleaseKind::code)}),
                });
                self.put_visit(batch, si, v);
            }
            Inbound::Bad { .. } => {}
        }
    }

    fn record_override(
        &self,
        batch: &mut LineBatch,
        si: usize,
        v: &kechuang_core::line::VisitRecord,
        by: &Override,
        open: &[OpenBolt],
        now: i64,
    ) {
        if v.release == Some(ReleaseKind::Override) {
            self.stat(|s| s.released_override += 1);
            batch.overrides.push(OverrideRecord {
                id: kechuang_store::new_id(),
                visit_id: v.id.clone(),
                by: by.clone(),
                open_bolts: json!(open).to_string(),
                at_us: now,
            });
            self.event(
                batch,
                Some(si),
                LineEventKind::Override,
                Some(&v.vin),
                json!({"user": by.user, "reason": by.reason, "open": open}),
            );
        } else {
            self.stat(|s| s.released_ok += 1);
            self.event(
                batch,
                Some(si),
                LineEventKind::Released,
                Some(&v.vin),
                json!({"kind": "ok", "by": by.user}),
            );
        }
    }
}
