//! A torque controller simulator: the controller side of Open Protocol on a real TCP socket.
//!
//! [`Simulator::start`] serves one integrator at a time on a listener (a new connection
//! replaces the old one, as a controller that has noticed its peer is gone). It speaks the
//! behaviours of rules §2.6: revision step-down (MID 0004 error 97, or closing the socket like
//! a Rexroth Nexo), keep-alive echo and the inactivity close, the result subscription with
//! MID 0062 acknowledgements and resends, VIN download, parameter set selection, old result
//! upload (0064/0065), and knobs for gaps, duplicates, NOK and re-hit rates — all
//! deterministic for a seed. The [`SimHandle`] produces tightenings on demand.

mod conn;
mod rng;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::op::{
    BatchStatus, CommStartAck, LimitStatus, Rev2Fields, Rev3Fields, TighteningResult,
    TighteningStatus, Timestamp, Torque, Versions,
};
use rng::Rng;

/// One parameter set the simulated controller knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pset {
    pub id: u16,
    pub name: String,
    pub torque_min: Torque,
    pub torque_max: Torque,
    pub torque_target: Torque,
    pub angle_min: u32,
    pub angle_max: u32,
    pub angle_target: u32,
    pub batch_size: u16,
}

impl Pset {
    /// A typical M8 joint: 25.00-30.00 Nm, target 28.00; 20-120°, target 60.
    pub fn m8(id: u16) -> Self {
        Self {
            id,
            name: format!("M8-{id:03}"),
            torque_min: Torque::from_centi_nm(2500),
            torque_max: Torque::from_centi_nm(3000),
            torque_target: Torque::from_centi_nm(2800),
            angle_min: 20,
            angle_max: 120,
            angle_target: 60,
            batch_size: 4,
        }
    }
}

/// Everything the simulator can be told. `Default` is a well-behaved controller.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// What MID 0002 answers (cut to the revision asked for).
    pub identity: CommStartAck,
    /// Highest MID 0002 revision served; a higher MID 0001 revision gets error 97.
    pub max_comm_revision: u16,
    /// Highest MID 0061 revision served; a higher MID 0060 revision gets error 97.
    pub max_result_revision: u16,
    /// Close the socket instead of answering error 97 to MID 0001 (Rexroth behaviour).
    pub close_on_unsupported_revision: bool,
    /// Close the connection when nothing arrives for this long (spec: 15 s).
    pub inactivity_timeout: Duration,
    /// Resend an unacknowledged MID 0061 after this long ...
    pub ack_timeout: Duration,
    /// ... this many times, then consider the connection lost.
    pub max_resends: u32,
    pub seed: u64,
    /// NOK tightenings per thousand (torque high or low).
    pub nok_per_mille: u32,
    /// Re-hits per thousand (an already tight bolt hit again: NOK, angle low, rehit bit).
    pub rehit_per_mille: u32,
    /// Every n-th result is stored but not pushed (a lost push the client must recover).
    pub gap_every: Option<u32>,
    /// Every n-th result is pushed twice (a duplicate the client must drop).
    pub duplicate_every: Option<u32>,
    /// Known parameter sets; the first is selected at start.
    pub psets: Vec<Pset>,
    /// ID of the first tightening produced.
    pub first_tightening_id: u32,
    /// Results kept for MID 0064.
    pub history_limit: usize,
    /// Controller clock at the first tightening; each tightening advances it by `cycle`.
    pub clock_start: Timestamp,
    pub cycle: Duration,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            identity: CommStartAck {
                cell_id: 1,
                channel_id: 1,
                controller_name: "KECHUANG-SIM".into(),
                supplier_code: Some("SIM".into()),
                versions: Some(Versions {
                    open_protocol: "2.8.0".into(),
                    controller_software: concat!("kechuang-", env!("CARGO_PKG_VERSION")).into(),
                    tool_software: "sim-tool".into(),
                }),
            },
            max_comm_revision: CommStartAck::MAX_REVISION,
            max_result_revision: TighteningResult::MAX_REVISION,
            close_on_unsupported_revision: false,
            inactivity_timeout: Duration::from_secs(15),
            ack_timeout: Duration::from_secs(3),
            max_resends: 3,
            seed: 1,
            nok_per_mille: 0,
            rehit_per_mille: 0,
            gap_every: None,
            duplicate_every: None,
            psets: vec![Pset::m8(1), Pset::m8(7)],
            first_tightening_id: 1,
            history_limit: 100_000,
            clock_start: Timestamp {
                year: 2026,
                month: 11,
                day: 28,
                hour: 8,
                minute: 0,
                second: 0,
            },
            cycle: Duration::from_secs(20),
        }
    }
}

/// Counters for tests and the line simulator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimStats {
    pub connections: u64,
    pub results_generated: u64,
    /// MID 0061 frames written, resends and duplicates included.
    pub results_pushed: u64,
    pub results_acked: u64,
    pub resends: u64,
    pub gaps_injected: u64,
    pub duplicates_injected: u64,
    pub old_results_served: u64,
    pub vins_downloaded: u64,
    pub psets_selected: u64,
    pub command_errors_sent: u64,
    pub inactivity_closes: u64,
    pub ack_timeouts: u64,
    pub garbage_received: u64,
}

/// What the controller currently has selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub vin: String,
    pub pset: u16,
    pub batch_size: u16,
    pub batch_counter: u16,
    pub tool_enabled: bool,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Subscription {
    pub(crate) connection: u64,
    pub(crate) revision: u16,
    pub(crate) no_ack: bool,
}

#[derive(Debug)]
pub(crate) enum Control {
    Drop,
    Raw(Vec<u8>),
}

pub(crate) struct Controller {
    pub(crate) config: SimConfig,
    rng: Rng,
    pub(crate) history: VecDeque<TighteningResult>,
    next_id: u32,
    produced: u64,
    pub(crate) selection: Selection,
    pub(crate) subscription: Option<Subscription>,
    pub(crate) push_queue: VecDeque<TighteningResult>,
    pub(crate) stats: SimStats,
}

pub(crate) struct Shared {
    pub(crate) controller: Mutex<Controller>,
    /// Bumped whenever results are queued; each connection watches it.
    pub(crate) pushed: watch::Sender<u64>,
    /// Bumped on every acknowledgement, VIN, parameter set and subscription change, so
    /// that waiters need not poll.
    pub(crate) changed: watch::Sender<u64>,
    pub(crate) control: Mutex<Option<(u64, mpsc::UnboundedSender<Control>)>>,
}

impl Shared {
    pub(crate) fn bump(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Controller> {
        // A panic while holding the lock is a bug in the simulator; keep serving anyway.
        self.controller
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The simulator server.
pub struct Simulator;

impl Simulator {
    /// Serves `listener` until the handle is shut down or dropped.
    pub fn start(listener: TcpListener, config: SimConfig) -> std::io::Result<SimHandle> {
        let addr = listener.local_addr()?;
        let first = config.psets.first().cloned().unwrap_or_else(|| Pset::m8(1));
        let controller = Controller {
            rng: Rng::new(config.seed),
            history: VecDeque::new(),
            next_id: config.first_tightening_id,
            produced: 0,
            selection: Selection {
                vin: String::new(),
                pset: first.id,
                batch_size: first.batch_size,
                batch_counter: 0,
                tool_enabled: true,
            },
            subscription: None,
            push_queue: VecDeque::new(),
            stats: SimStats::default(),
            config,
        };
        let shared = Arc::new(Shared {
            controller: Mutex::new(controller),
            pushed: watch::Sender::new(0),
            changed: watch::Sender::new(0),
            control: Mutex::new(None),
        });
        let (stop_tx, stop_rx) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared), stop_rx));
        Ok(SimHandle {
            addr,
            shared,
            stop: stop_tx,
            task: Some(task),
        })
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut generation = 0u64;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(x) => x,
                    Err(e) => {
                        tracing::warn!(error = %e, "simulator accept failed");
                        continue;
                    }
                };
                generation += 1;
                let (tx, rx) = mpsc::unbounded_channel();
                let previous = shared
                    .control
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .replace((generation, tx));
                if let Some((_, old)) = previous {
                    tracing::info!(%peer, "simulator: new integrator connection replaces the old one");
                    let _ = old.send(Control::Drop);
                }
                shared.lock().stats.connections += 1;
                tokio::spawn(conn::serve(stream, Arc::clone(&shared), generation, rx, stop.clone()));
            }
            _ = stop.changed() => break,
        }
    }
}

/// Controls a running simulator.
pub struct SimHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Produces `n` tightenings for the current VIN and parameter set, pushes them to a
    /// subscriber (subject to the gap and duplicate knobs) and returns them.
    pub fn tighten(&self, n: usize) -> Vec<TighteningResult> {
        let out = {
            let mut c = self.shared.lock();
            (0..n).map(|_| c.produce()).collect()
        };
        self.shared.pushed.send_modify(|n| *n = n.wrapping_add(1));
        out
    }

    /// Downloads `vin` as MID 0050 would, then tightens `n` times.
    pub fn tighten_vin(&self, vin: &str, n: usize) -> Vec<TighteningResult> {
        self.shared.lock().selection.vin = vin.to_owned();
        self.tighten(n)
    }

    /// Stores and pushes a prepared result as-is (its tightening ID continues the sequence).
    pub fn inject(&self, result: TighteningResult) {
        {
            let mut c = self.shared.lock();
            c.next_id = result.tightening_id.wrapping_add(1);
            c.record(result);
        }
        self.shared.pushed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Every result the controller holds, oldest first.
    pub fn history(&self) -> Vec<TighteningResult> {
        self.shared.lock().history.iter().cloned().collect()
    }

    pub fn stats(&self) -> SimStats {
        self.shared.lock().stats.clone()
    }

    pub fn selection(&self) -> Selection {
        self.shared.lock().selection.clone()
    }

    /// Waits until `f` holds (checked again on every acknowledgement, VIN, parameter set
    /// or subscription change) or `limit` passes; returns whether it holds.
    pub async fn wait_until(&self, limit: Duration, mut f: impl FnMut(&Self) -> bool) -> bool {
        let mut rx = self.shared.changed.subscribe();
        let until = tokio::time::Instant::now() + limit;
        loop {
            if f(self) {
                return true;
            }
            match tokio::time::timeout_at(until, rx.changed()).await {
                Ok(Ok(())) => {}
                _ => return f(self),
            }
        }
    }

    /// True while an integrator holds a result subscription.
    pub fn is_subscribed(&self) -> bool {
        self.shared.lock().subscription.is_some()
    }

    /// Closes the current integrator connection (a cable pulled).
    pub fn drop_connection(&self) {
        self.control(Control::Drop);
    }

    /// Writes raw bytes on the current connection (garbage, split frames, …).
    pub fn send_raw(&self, bytes: &[u8]) {
        self.control(Control::Raw(bytes.to_vec()));
    }

    fn control(&self, c: Control) {
        if let Some((_, tx)) = &*self
            .shared
            .control
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            let _ = tx.send(c);
        }
    }

    /// Stops accepting and closes every connection.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        self.drop_connection();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.drop_connection();
    }
}

impl Controller {
    fn pset(&self) -> Pset {
        let id = self.selection.pset;
        self.config
            .psets
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .unwrap_or_else(|| Pset::m8(id))
    }

    fn produce(&mut self) -> TighteningResult {
        let p = self.pset();
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let (tmin, tmax, ttarget) = (
            p.torque_min.centi_nm(),
            p.torque_max.centi_nm(),
            p.torque_target.centi_nm(),
        );
        let mut error_bits = 0u32;
        let (status, torque_status, angle_status, torque, angle) =
            if self.rng.chance(self.config.rehit_per_mille) {
                error_bits |= Rev2Fields::ERROR_REHIT;
                let torque = self.rng.range(ttarget, tmax);
                let angle = self.rng.range(0, p.angle_min.saturating_sub(1));
                (
                    TighteningStatus::Nok,
                    LimitStatus::Ok,
                    LimitStatus::Low,
                    torque,
                    angle,
                )
            } else if self.rng.chance(self.config.nok_per_mille) {
                error_bits |= 1;
                let angle = self.rng.range(p.angle_min, p.angle_max);
                if self.rng.chance(500) {
                    let torque = self.rng.range(tmax + 1, tmax + tmax / 10 + 1);
                    (
                        TighteningStatus::Nok,
                        LimitStatus::High,
                        LimitStatus::Ok,
                        torque,
                        angle,
                    )
                } else {
                    let torque = self.rng.range(tmin * 8 / 10, tmin.saturating_sub(1));
                    (
                        TighteningStatus::Nok,
                        LimitStatus::Low,
                        LimitStatus::Ok,
                        torque,
                        angle,
                    )
                }
            } else {
                let torque = self.rng.range(
                    ttarget - (ttarget - tmin) / 2,
                    ttarget + (tmax - ttarget) / 2,
                );
                let angle = self.rng.range(
                    p.angle_target - (p.angle_target - p.angle_min) / 2,
                    p.angle_target + (p.angle_max - p.angle_target) / 2,
                );
                (
                    TighteningStatus::Ok,
                    LimitStatus::Ok,
                    LimitStatus::Ok,
                    torque,
                    angle,
                )
            };
        let sel = &mut self.selection;
        if status.is_ok() {
            sel.batch_counter = if sel.batch_counter >= sel.batch_size {
                1
            } else {
                sel.batch_counter + 1
            };
        }
        let batch_status = match (sel.batch_size, sel.batch_counter >= sel.batch_size) {
            (0, _) => BatchStatus::NotUsed,
            (_, true) => BatchStatus::Ok,
            (_, false) => BatchStatus::Nok,
        };
        let timestamp = advance(
            self.config.clock_start,
            self.produced * self.config.cycle.as_secs(),
        );
        self.produced += 1;
        let ident = &self.config.identity;
        let mut ext = Rev2Fields::plain(status);
        ext.tightening_error_status = error_bits;
        ext.strategy = 1;
        ext.rundown_angle = angle;
        ext.tool_serial_number = format!("SIM{:04}{:02}", ident.cell_id, ident.channel_id);
        ext.job_sequence_number = u32::try_from(self.produced % 100_000).unwrap_or(0);
        let result = TighteningResult {
            cell_id: ident.cell_id,
            channel_id: ident.channel_id,
            controller_name: ident.controller_name.clone(),
            vin: sel.vin.clone(),
            job_id: 0,
            pset_id: p.id,
            batch_size: sel.batch_size,
            batch_counter: sel.batch_counter,
            tightening_status: status,
            torque_status,
            angle_status,
            torque_min: p.torque_min,
            torque_max: p.torque_max,
            torque_target: p.torque_target,
            torque: Torque::from_centi_nm(torque.min(Torque::MAX_CENTI_NM)),
            angle_min: p.angle_min,
            angle_max: p.angle_max,
            angle_target: p.angle_target,
            angle,
            timestamp,
            last_pset_change: self.config.clock_start,
            batch_status,
            tightening_id: id,
            rev2: Some(ext),
            rev3: Some(Rev3Fields {
                pset_name: p.name.clone(),
                torque_unit: 1,
                result_type: 1,
            }),
        };
        self.record(result.clone());
        result
    }

    /// Stores a result and queues it for the subscriber, applying the gap/duplicate knobs.
    fn record(&mut self, result: TighteningResult) {
        self.stats.results_generated += 1;
        let n = self.stats.results_generated;
        self.history.push_back(result.clone());
        while self.history.len() > self.config.history_limit {
            self.history.pop_front();
        }
        if self.subscription.is_none() {
            return;
        }
        if self
            .config
            .gap_every
            .is_some_and(|k| k > 0 && n.is_multiple_of(u64::from(k)))
        {
            self.stats.gaps_injected += 1;
            return;
        }
        if self
            .config
            .duplicate_every
            .is_some_and(|k| k > 0 && n.is_multiple_of(u64::from(k)))
        {
            self.stats.duplicates_injected += 1;
            self.push_queue.push_back(result.clone());
        }
        self.push_queue.push_back(result);
    }

    /// MID 0064: `0` is the latest.
    pub(crate) fn old_result(&self, id: u32) -> Option<&TighteningResult> {
        if id == 0 {
            self.history.back()
        } else {
            self.history.iter().rev().find(|r| r.tightening_id == id)
        }
    }
}

/// `start` plus `secs` seconds, calendar-aware.
fn advance(start: Timestamp, secs: u64) -> Timestamp {
    let mut t = start;
    let total = u64::from(t.hour) * 3600 + u64::from(t.minute) * 60 + u64::from(t.second) + secs;
    let mut days = total / 86_400;
    let rest = total % 86_400;
    t.hour = u8::try_from(rest / 3600).unwrap_or(0);
    t.minute = u8::try_from(rest % 3600 / 60).unwrap_or(0);
    t.second = u8::try_from(rest % 60).unwrap_or(0);
    while days > 0 {
        days -= 1;
        t.day += 1;
        if !t.is_valid() {
            t.day = 1;
            t.month += 1;
            if t.month > 12 {
                t.month = 1;
                t.year += 1;
            }
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_rolls_over_month_and_year() {
        let t = Timestamp {
            year: 2026,
            month: 12,
            day: 31,
            hour: 23,
            minute: 59,
            second: 50,
        };
        assert_eq!(
            advance(t, 15),
            Timestamp {
                year: 2027,
                month: 1,
                day: 1,
                hour: 0,
                minute: 0,
                second: 5
            }
        );
        assert_eq!(advance(t, 0), t);
    }

    #[test]
    fn generator_is_deterministic_and_honours_rates() {
        let make = |seed| {
            let config = SimConfig {
                seed,
                nok_per_mille: 200,
                rehit_per_mille: 50,
                ..SimConfig::default()
            };
            let mut c = Controller {
                rng: Rng::new(seed),
                history: VecDeque::new(),
                next_id: 1,
                produced: 0,
                selection: Selection {
                    vin: "V".into(),
                    pset: 1,
                    batch_size: 4,
                    batch_counter: 0,
                    tool_enabled: true,
                },
                subscription: None,
                push_queue: VecDeque::new(),
                stats: SimStats::default(),
                config,
            };
            (0..2000).map(|_| c.produce()).collect::<Vec<_>>()
        };
        let a = make(7);
        assert_eq!(a, make(7), "same seed, same results");
        assert_ne!(a, make(8));
        let nok = a.iter().filter(|r| !r.is_ok()).count();
        assert!((400..=600).contains(&nok), "about 24 % NOK, got {nok}");
        let rehits = a
            .iter()
            .filter(|r| {
                r.rev2
                    .as_ref()
                    .is_some_and(|x| x.tightening_error_status & Rev2Fields::ERROR_REHIT != 0)
            })
            .count();
        assert!(
            (60..=140).contains(&rehits),
            "about 5 % re-hits, got {rehits}"
        );
        for r in &a {
            let inside = r.torque >= r.torque_min
                && r.torque <= r.torque_max
                && r.angle >= r.angle_min
                && r.angle <= r.angle_max;
            assert_eq!(
                r.is_ok(),
                inside,
                "an OK result is inside its windows: {r:?}"
            );
        }
        assert!(
            a.windows(2)
                .all(|w| w[1].tightening_id == w[0].tightening_id + 1)
        );
    }
}
