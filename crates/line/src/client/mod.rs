//! The torque controller client: the integrator side of Open Protocol.
//!
//! [`Client::spawn`] connects to a controller and keeps the session alive for as long as the
//! handle lives: communication start with revision step-down (MID 0004 error 97, or the
//! controller closing the socket), keep-alive (MID 9999), the result subscription (MID 0060)
//! with a MID 0062 for every MID 0061, reconnection with exponential backoff, and gap
//! detection by tightening ID with recovery through MID 0064/0065. Results are delivered on
//! a channel exactly once by tightening ID, across reconnects. VIN download (0050), parameter
//! set selection (0018), batch size (0019) and tool enable/disable (0042/0043) are commands on
//! the [`ClientHandle`], answered by the controller's MID 0005 or 0004.

mod session;
mod track;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::op::{
    CommStartAck, CommandError, EncodeError, ErrorCode, Message, OldTighteningResult,
    TighteningResult, Torque,
};

/// Everything the client can be told. `ClientConfig::new(addr)` has the specification's
/// timings (keep-alive 10 s, response timeout 3 s with 3 resends).
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `host:port` of the controller (default port 4545).
    pub addr: String,
    /// MID 0002 revision asked for first (at most 3); stepped down on error 97.
    pub comm_revision: u16,
    /// MID 0061 revision subscribed first (at most 3); stepped down on error 97.
    pub result_revision: u16,
    /// Send MID 9999 after this long without sending anything.
    pub keep_alive: Duration,
    /// Wait this long for a reply (MID 0002/0004/0005/0065) ...
    pub response_timeout: Duration,
    /// ... resending the request this many times, then reconnect.
    pub max_resends: u32,
    pub connect_timeout: Duration,
    /// Backoff between connection attempts: starts here, doubles, capped at `reconnect_max`.
    pub reconnect_min: Duration,
    pub reconnect_max: Duration,
    /// The last tightening ID already stored: results after it are recovered on connect.
    /// `None`: history from before the first connection is not fetched.
    pub resume_after: Option<u32>,
    /// Ask the controller's latest tightening ID (MID 0064, ID 0) this often while
    /// subscribed, so that a lost last push is noticed even when no later result comes.
    pub latest_check: Duration,
    /// Largest gap recovered through MID 0064; older missing IDs are reported lost.
    pub max_recover: u32,
    /// Channel capacity for events (a slow consumer slows the client, nothing is dropped).
    pub event_capacity: usize,
    /// Acknowledge a live result (MID 0062) only once the consumer confirmed it stored
    /// ([`ClientHandle::confirm_stored`]): the controller keeps (and resends) a result
    /// until it is durable. Waits at most `store_timeout`, then the session is dropped
    /// and the controller resends after the reconnect.
    pub ack_after_store: bool,
    /// See `ack_after_store`.
    pub store_timeout: Duration,
    /// With `ack_after_store`: how many results may be acknowledged before their storage
    /// is confirmed (0: none, every MID 0062 waits for the store). Safe only when the
    /// consumer restarts the client with `resume_after` = its last stored tightening ID,
    /// so that an acknowledged result lost by a crash is asked for again (MID 0064); for
    /// that reason the window opens only once a resume point exists (`resume_after` set,
    /// or a first result of this client confirmed stored), and `max_recover` is raised to
    /// at least the window.
    pub ack_ahead: usize,
}

impl ClientConfig {
    pub fn new(addr: impl Into<String>) -> Self {
        Self {
            addr: addr.into(),
            comm_revision: CommStartAck::MAX_REVISION,
            result_revision: TighteningResult::MAX_REVISION,
            keep_alive: Duration::from_secs(10),
            response_timeout: Duration::from_secs(3),
            max_resends: 3,
            connect_timeout: Duration::from_secs(3),
            reconnect_min: Duration::from_millis(200),
            reconnect_max: Duration::from_secs(10),
            resume_after: None,
            latest_check: Duration::from_secs(30),
            max_recover: 1000,
            event_capacity: 1024,
            ack_after_store: false,
            store_timeout: Duration::from_secs(10),
            ack_ahead: 0,
        }
    }
}

/// A tightening as delivered: pushed live (MID 0061) or recovered (MID 0065 revision 1,
/// which carries no limits and no controller name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tightening {
    Live(TighteningResult),
    Recovered(OldTighteningResult),
}

impl Tightening {
    pub fn tightening_id(&self) -> u32 {
        match self {
            Self::Live(r) => r.tightening_id,
            Self::Recovered(r) => r.tightening_id,
        }
    }

    pub fn vin(&self) -> &str {
        match self {
            Self::Live(r) => &r.vin,
            Self::Recovered(r) => &r.vin,
        }
    }

    pub fn is_ok(&self) -> bool {
        match self {
            Self::Live(r) => r.is_ok(),
            Self::Recovered(r) => r.tightening_status.is_ok(),
        }
    }

    pub fn torque(&self) -> Torque {
        match self {
            Self::Live(r) => r.torque,
            Self::Recovered(r) => r.torque,
        }
    }

    pub fn angle(&self) -> u32 {
        match self {
            Self::Live(r) => r.angle,
            Self::Recovered(r) => r.angle,
        }
    }

    pub fn pset_id(&self) -> u16 {
        match self {
            Self::Live(r) => r.pset_id,
            Self::Recovered(r) => r.pset_id,
        }
    }
}

/// One delivered result with what the traceability record needs besides the values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub tightening: Tightening,
    /// The frame as received (header and data, no NUL), for audit.
    pub raw: Vec<u8>,
    /// MES receive time (the controller's time stamp has no zone).
    pub received_at: SystemTime,
}

/// What the client reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Session established (after the subscription).
    Connected {
        ack: CommStartAck,
        comm_revision: u16,
        result_revision: u16,
    },
    /// A new tightening result (never the same tightening ID twice).
    Result(Delivery),
    /// A missing tightening ID the controller could not supply.
    Lost { tightening_id: u32 },
    /// The session ended; the client reconnects.
    Disconnected { reason: String },
}

/// Why a command failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandFailed {
    #[error("controller refused: error {0}")]
    Rejected(ErrorCode),
    #[error("not connected to the controller")]
    NotConnected,
    #[error("connection lost before the controller answered")]
    ConnectionLost,
    #[error("client stopped")]
    Stopped,
    #[error("invalid command: {0}")]
    Invalid(#[from] EncodeError),
}

/// Counters for tests, logs and the line view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientStats {
    pub connections: u64,
    pub results_live: u64,
    pub results_recovered: u64,
    pub duplicates_dropped: u64,
    pub lost: u64,
    pub acks_sent: u64,
    pub keep_alives_sent: u64,
    pub step_downs: u64,
    pub garbage: u64,
    pub bad_frames: u64,
    pub gap_requests: u64,
}

pub(crate) enum Cmd {
    Request {
        message: Box<Message>,
        reply: oneshot::Sender<Result<(), CommandFailed>>,
    },
    Stop,
}

/// The client task.
pub struct Client;

impl Client {
    /// Starts the client; results and session events arrive on the receiver.
    pub fn spawn(config: ClientConfig) -> (ClientHandle, mpsc::Receiver<Event>) {
        let (events_tx, events_rx) = mpsc::channel(config.event_capacity.max(1));
        (Self::spawn_into(config, events_tx, |e| e), events_rx)
    }

    /// Starts the client sending its events, wrapped by `wrap`, into a channel the
    /// consumer may share with other sources (several controllers, MQTT). A result is in
    /// that channel before its MID 0062 goes out, so anything the consumer receives after
    /// the controller saw the acknowledgement (say a pedal) is queued behind the result.
    pub fn spawn_into<T: Send + 'static>(
        config: ClientConfig,
        tx: mpsc::Sender<T>,
        wrap: impl Fn(Event) -> T + Send + Sync + 'static,
    ) -> ClientHandle {
        let (cmd_tx, cmd_rx) = mpsc::channel(64);
        let (stored_tx, stored_rx) = mpsc::unbounded_channel();
        let stats = Arc::new(Mutex::new(ClientStats::default()));
        let task = tokio::spawn(session::run(
            config,
            Emitter {
                tx,
                wrap: Box::new(wrap),
            },
            cmd_rx,
            stored_rx,
            Arc::clone(&stats),
        ));
        ClientHandle {
            cmd: cmd_tx,
            stored: stored_tx,
            stats,
            task: Some(task),
        }
    }
}

/// Where a client's events go.
pub(crate) struct Emitter<T> {
    tx: mpsc::Sender<T>,
    wrap: Box<dyn Fn(Event) -> T + Send + Sync>,
}

impl<T> Emitter<T> {
    /// `Err` when the consumer is gone.
    pub(crate) async fn send(&self, e: Event) -> Result<(), ()> {
        self.tx.send((self.wrap)(e)).await.map_err(|_| ())
    }
}

/// Confirms stored results to one client (see [`ClientConfig::ack_after_store`]).
#[derive(Debug, Clone)]
pub struct StoreConfirmer(mpsc::UnboundedSender<u32>);

impl StoreConfirmer {
    /// The result with `tightening_id` is durable.
    pub fn confirm(&self, tightening_id: u32) {
        let _ = self.0.send(tightening_id);
    }
}

/// Commands to a running client.
pub struct ClientHandle {
    cmd: mpsc::Sender<Cmd>,
    stored: mpsc::UnboundedSender<u32>,
    stats: Arc<Mutex<ClientStats>>,
    task: Option<JoinHandle<()>>,
}

impl ClientHandle {
    async fn request(&self, message: Message) -> Result<(), CommandFailed> {
        // Check the message encodes before it goes anywhere.
        crate::op::Frame::new(message.clone()).encode()?;
        let (reply, rx) = oneshot::channel();
        self.cmd
            .send(Cmd::Request {
                message: Box::new(message),
                reply,
            })
            .await
            .map_err(|_| CommandFailed::Stopped)?;
        rx.await.map_err(|_| CommandFailed::Stopped)?
    }

    /// MID 0050: the VIN (1..25 printable ASCII characters) for the next tightenings.
    pub async fn download_vin(&self, vin: &str) -> Result<(), CommandFailed> {
        self.request(Message::VinDownload {
            vin: vin.to_owned(),
        })
        .await
    }

    /// MID 0018: select a parameter set.
    pub async fn select_pset(&self, pset: u16) -> Result<(), CommandFailed> {
        self.request(Message::SelectPset { pset }).await
    }

    /// MID 0019: batch size of a parameter set.
    pub async fn set_batch_size(&self, pset: u16, batch_size: u8) -> Result<(), CommandFailed> {
        self.request(Message::SetBatchSize(crate::op::BatchSize {
            pset,
            batch_size,
        }))
        .await
    }

    /// MID 0042 / 0043.
    pub async fn set_tool_enabled(&self, enabled: bool) -> Result<(), CommandFailed> {
        self.request(if enabled {
            Message::EnableTool
        } else {
            Message::DisableTool
        })
        .await
    }

    /// Tells the client that the result with `tightening_id` is durably stored, so
    /// it may acknowledge it (with `ack_after_store`).
    pub fn confirm_stored(&self, tightening_id: u32) {
        let _ = self.stored.send(tightening_id);
    }

    /// A cheap handle that can only confirm stored results.
    pub fn confirmer(&self) -> StoreConfirmer {
        StoreConfirmer(self.stored.clone())
    }

    pub fn stats(&self) -> ClientStats {
        self.stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Sends MID 0003 when connected, closes and waits for the task.
    pub async fn shutdown(mut self) {
        let _ = self.cmd.send(Cmd::Stop).await;
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ClientHandle {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

pub(crate) fn command_error(e: &CommandError) -> CommandFailed {
    CommandFailed::Rejected(e.error)
}
