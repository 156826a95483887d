//! The client's connection loop: one session per TCP connection, reconnect in between.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, sleep_until, timeout};

use super::track::{Track, Verdict};
use super::{
    ClientConfig, ClientStats, Cmd, CommandFailed, Delivery, Emitter, Event, Tightening,
    command_error,
};
use crate::op::framing::{Chunk, FrameReader};
use crate::op::{
    CommStartAck, CommandError, ErrorCode, Frame, Header, Message, TighteningResult, mid, peek_mid,
};

/// Why a session ended.
enum End {
    /// The handle asked to stop (or was dropped).
    Stop,
    /// Connection lost; `established` when the subscription had been made.
    Lost { reason: String, established: bool },
}

struct Negotiated {
    comm_revision: u16,
    result_revision: u16,
}

pub(crate) async fn run<T: Send + 'static>(
    config: ClientConfig,
    events: Emitter<T>,
    mut cmds: mpsc::Receiver<Cmd>,
    mut stored: mpsc::UnboundedReceiver<u32>,
    stats: Arc<Mutex<ClientStats>>,
) {
    let windowed = config.ack_after_store && config.ack_ahead > 0;
    // Every result acknowledged ahead of its storage must be recoverable after a crash.
    let max_recover = if windowed {
        config
            .max_recover
            .max(u32::try_from(config.ack_ahead).unwrap_or(u32::MAX))
    } else {
        config.max_recover
    };
    let mut track = Track::new(config.resume_after, max_recover);
    let mut ahead = Ahead {
        open: windowed && config.resume_after.is_some(),
        unconfirmed: VecDeque::new(),
    };
    // Never ask for a revision this codec cannot decode.
    let mut neg = Negotiated {
        comm_revision: config.comm_revision.clamp(1, CommStartAck::MAX_REVISION),
        result_revision: config
            .result_revision
            .clamp(1, TighteningResult::MAX_REVISION),
    };
    let mut backoff = config.reconnect_min;
    loop {
        let mut s = Session {
            config: &config,
            events: &events,
            stats: &stats,
            track: &mut track,
            stored: &mut stored,
            ahead: &mut ahead,
            last_tx: Instant::now(),
            last_rx: Instant::now(),
            queue: VecDeque::new(),
            outstanding: None,
            last_live: Instant::now(),
            last_latest_check: Instant::now(),
        };
        let end = s.run(&mut neg, &mut cmds).await;
        match end {
            End::Stop => return,
            End::Lost {
                reason,
                established,
            } => {
                tracing::warn!(addr = %config.addr, %reason, "controller session lost, reconnecting");
                if events.send(Event::Disconnected { reason }).await.is_err() {
                    return;
                }
                if established {
                    backoff = config.reconnect_min;
                }
            }
        }
        // Wait out the backoff; commands meanwhile fail fast.
        let until = Instant::now() + backoff;
        loop {
            tokio::select! {
                _ = sleep_until(until) => break,
                c = cmds.recv() => match c {
                    Some(Cmd::Request { reply, .. }) => {
                        let _ = reply.send(Err(CommandFailed::NotConnected));
                    }
                    Some(Cmd::Stop) | None => return,
                },
            }
        }
        backoff = (backoff * 2).min(config.reconnect_max);
    }
}

enum ReqKind {
    External(oneshot::Sender<Result<(), CommandFailed>>),
    /// MID 0064 for a missing ID.
    Recover(u32),
    /// MID 0064 with ID 0 while subscribed: finds a lost last push.
    Latest,
}

struct Outstanding {
    frame: Frame,
    kind: ReqKind,
    attempts: u32,
    deadline: Instant,
}

/// Results acknowledged before their storage was confirmed (`ack_ahead`).
struct Ahead {
    /// The window is open: a resume point exists, so a crash loses nothing acknowledged.
    open: bool,
    /// Acknowledged, not yet confirmed stored, oldest first.
    unconfirmed: VecDeque<u32>,
}

impl Ahead {
    /// A confirmation arrived: `id` and everything delivered before it are stored.
    fn confirmed(&mut self, id: u32) {
        self.open = true;
        if let Some(k) = self.unconfirmed.iter().position(|x| *x == id) {
            self.unconfirmed.drain(..=k);
        }
    }
}

struct Session<'a, T> {
    config: &'a ClientConfig,
    events: &'a Emitter<T>,
    stats: &'a Arc<Mutex<ClientStats>>,
    track: &'a mut Track,
    stored: &'a mut mpsc::UnboundedReceiver<u32>,
    ahead: &'a mut Ahead,
    last_tx: Instant,
    last_rx: Instant,
    queue: VecDeque<(Message, oneshot::Sender<Result<(), CommandFailed>>)>,
    outstanding: Option<Outstanding>,
    /// When the last live result arrived: missing IDs above the last live one are only
    /// requested once pushes have been quiet for the response timeout.
    last_live: Instant,
    last_latest_check: Instant,
}

fn lost(reason: impl Into<String>, established: bool) -> End {
    End::Lost {
        reason: reason.into(),
        established,
    }
}

impl<T: Send + 'static> Session<'_, T> {
    fn stat(&self, f: impl FnOnce(&mut ClientStats)) {
        f(&mut self
            .stats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner));
    }

    async fn run(&mut self, neg: &mut Negotiated, cmds: &mut mpsc::Receiver<Cmd>) -> End {
        let connect = timeout(
            self.config.connect_timeout,
            TcpStream::connect(&self.config.addr),
        )
        .await;
        let stream = match connect {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return lost(format!("connect: {e}"), false),
            Err(_) => return lost("connect timeout", false),
        };
        let _ = stream.set_nodelay(true);
        self.stat(|s| s.connections += 1);
        let (rd, mut wr) = stream.into_split();
        let mut reader = FrameReader::new(rd);
        let end = match self.handshake(neg, &mut reader, &mut wr).await {
            Ok(ack) => {
                let connected = Event::Connected {
                    ack,
                    comm_revision: neg.comm_revision,
                    result_revision: neg.result_revision,
                };
                if self.events.send(connected).await.is_err() {
                    End::Stop
                } else {
                    self.main_loop(&mut reader, &mut wr, cmds).await
                }
            }
            Err(end) => end,
        };
        if let Some(Outstanding {
            kind: ReqKind::External(reply),
            ..
        }) = self.outstanding.take()
        {
            let _ = reply.send(Err(CommandFailed::ConnectionLost));
        }
        for (_, reply) in self.queue.drain(..) {
            let _ = reply.send(Err(CommandFailed::ConnectionLost));
        }
        if matches!(end, End::Stop) {
            let _ = self.send(&mut wr, &Frame::new(Message::CommStop)).await;
        }
        let _ = wr.shutdown().await;
        end
    }

    async fn send(&mut self, wr: &mut OwnedWriteHalf, frame: &Frame) -> Result<(), End> {
        let bytes = frame
            .encode()
            .map_err(|e| lost(format!("encode: {e}"), false))?;
        wr.write_all(&bytes)
            .await
            .map_err(|e| lost(format!("write: {e}"), false))?;
        self.last_tx = Instant::now();
        Ok(())
    }

    /// Reads until a frame that is not a keep-alive arrives (or the response timeout).
    async fn reply(
        &mut self,
        reader: &mut FrameReader<OwnedReadHalf>,
    ) -> Result<Option<Message>, End> {
        let deadline = Instant::now() + self.config.response_timeout;
        loop {
            let chunk = match timeout(
                deadline.saturating_duration_since(Instant::now()),
                reader.next_chunk(),
            )
            .await
            {
                Err(_) => return Ok(None),
                Ok(Err(e)) => return Err(lost(format!("read: {e}"), false)),
                Ok(Ok(None)) => return Err(lost("controller closed the connection", false)),
                Ok(Ok(Some(c))) => c,
            };
            self.last_rx = Instant::now();
            match chunk {
                Chunk::Garbage { skipped, reason } => {
                    self.stat(|s| s.garbage += 1);
                    return Err(lost(
                        format!("garbage from the controller ({skipped} bytes, {reason})"),
                        false,
                    ));
                }
                Chunk::Frame(raw) => match Frame::decode(&raw) {
                    Ok(Frame {
                        message: Message::KeepAlive,
                        ..
                    }) => {}
                    Ok(f) => return Ok(Some(f.message)),
                    Err(e) => {
                        self.stat(|s| s.bad_frames += 1);
                        tracing::warn!(error = %e, "bad frame from the controller during start-up");
                    }
                },
            }
        }
    }

    /// MID 0001 → 0002 with step-down; MID 0064 for the latest tightening ID (what happened
    /// while away becomes missing); then MID 0060 → 0005 with step-down.
    async fn handshake(
        &mut self,
        neg: &mut Negotiated,
        reader: &mut FrameReader<OwnedReadHalf>,
        wr: &mut OwnedWriteHalf,
    ) -> Result<crate::op::CommStartAck, End> {
        let ack = loop {
            let start =
                Frame::with_revision(Message::CommStart(Default::default()), neg.comm_revision);
            self.send(wr, &start).await?;
            match self.reply(reader).await {
                Ok(Some(Message::CommStartAck(ack))) => break ack,
                Ok(Some(Message::CommandError(CommandError {
                    mid: mid::COMM_START,
                    error,
                }))) if error == ErrorCode::REVISION_UNSUPPORTED && neg.comm_revision > 1 => {
                    neg.comm_revision -= 1;
                    self.stat(|s| s.step_downs += 1);
                    tracing::info!(revision = neg.comm_revision, "MID 0001: stepping down");
                }
                Ok(Some(Message::CommandError(e))) => {
                    return Err(lost(
                        format!("communication start refused: error {}", e.error),
                        false,
                    ));
                }
                Ok(Some(other)) => {
                    return Err(lost(
                        format!("unexpected MID {:04} to MID 0001", other.mid()),
                        false,
                    ));
                }
                Ok(None) => return Err(lost("no answer to MID 0001", false)),
                Err(End::Lost { reason, .. }) if neg.comm_revision > 1 => {
                    // Some controllers close instead of answering error 97: step down anyway.
                    neg.comm_revision -= 1;
                    self.stat(|s| s.step_downs += 1);
                    return Err(lost(
                        format!(
                            "{reason} after MID 0001; next try revision {}",
                            neg.comm_revision
                        ),
                        false,
                    ));
                }
                Err(end) => return Err(end),
            }
        };
        self.send(
            wr,
            &Frame::new(Message::OldResultRequest { tightening_id: 0 }),
        )
        .await?;
        match self.reply(reader).await? {
            Some(Message::OldResult(old)) => {
                let lost_ids = self.track.latest(old.tightening_id);
                self.report_lost(lost_ids).await?;
            }
            Some(Message::CommandError(CommandError {
                mid: mid::OLD_RESULT_REQUEST,
                error,
            })) => {
                tracing::debug!(%error, "no latest tightening on the controller");
            }
            Some(other) => tracing::warn!(
                mid = other.mid(),
                "unexpected answer to MID 0064, gap check skipped"
            ),
            None => tracing::warn!("no answer to MID 0064, gap check skipped"),
        }
        loop {
            let mut sub = Frame::with_revision(Message::ResultSubscribe, neg.result_revision);
            sub.header.no_ack = false;
            self.send(wr, &sub).await?;
            match self.reply(reader).await? {
                Some(Message::CommandAccepted {
                    mid: mid::RESULT_SUBSCRIBE,
                }) => break,
                Some(Message::CommandError(CommandError {
                    mid: mid::RESULT_SUBSCRIBE,
                    error,
                })) => {
                    if error == ErrorCode::RESULT_SUBSCRIPTION_EXISTS {
                        break;
                    }
                    if error == ErrorCode::REVISION_UNSUPPORTED && neg.result_revision > 1 {
                        neg.result_revision -= 1;
                        self.stat(|s| s.step_downs += 1);
                        tracing::info!(revision = neg.result_revision, "MID 0060: stepping down");
                        continue;
                    }
                    return Err(lost(format!("subscription refused: error {error}"), false));
                }
                Some(other) => {
                    return Err(lost(
                        format!("unexpected MID {:04} to MID 0060", other.mid()),
                        false,
                    ));
                }
                None => return Err(lost("no answer to MID 0060", false)),
            }
        }
        Ok(ack)
    }

    async fn main_loop(
        &mut self,
        reader: &mut FrameReader<OwnedReadHalf>,
        wr: &mut OwnedWriteHalf,
        cmds: &mut mpsc::Receiver<Cmd>,
    ) -> End {
        loop {
            if let Err(end) = self.send_next(wr).await {
                return end;
            }
            let keep_alive_at = self.last_tx + self.config.keep_alive;
            let silent_at = self.last_rx + self.config.keep_alive + self.config.response_timeout;
            let deadline = self.outstanding.as_ref().map(|o| o.deadline);
            let settle_at = (self.outstanding.is_none() && !self.track.missing.is_empty())
                .then(|| self.last_live + self.config.response_timeout);
            let step = tokio::select! {
                chunk = reader.next_chunk() => self.on_chunk(chunk, wr).await,
                c = cmds.recv() => match c {
                    Some(Cmd::Request { message, reply }) => {
                        self.queue.push_back((*message, reply));
                        Ok(())
                    }
                    Some(Cmd::Stop) | None => Err(End::Stop),
                },
                _ = sleep_until(keep_alive_at) => {
                    self.stat(|s| s.keep_alives_sent += 1);
                    self.send(wr, &Frame::new(Message::KeepAlive)).await
                }
                _ = sleep_until(silent_at) => Err(lost("controller silent (no keep-alive answer)", true)),
                _ = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                    self.resend(wr).await
                }
                _ = sleep_until(settle_at.unwrap_or_else(Instant::now)), if settle_at.is_some() => Ok(()),
                _ = sleep_until(self.last_latest_check + self.config.latest_check), if self.outstanding.is_none() => Ok(()),
            };
            if let Err(end) = step {
                return match end {
                    End::Lost { reason, .. } => lost(reason, true),
                    End::Stop => End::Stop,
                };
            }
        }
    }

    /// Sends the next request when none is outstanding: commands first, then the recovery
    /// of missing IDs.
    async fn send_next(&mut self, wr: &mut OwnedWriteHalf) -> Result<(), End> {
        if self.outstanding.is_some() {
            return Ok(());
        }
        let (message, kind) = if let Some((message, reply)) = self.queue.pop_front() {
            (message, ReqKind::External(reply))
        } else if let Some(id) = self.track.next_missing(self.settled()) {
            self.stat(|s| s.gap_requests += 1);
            (
                Message::OldResultRequest { tightening_id: id },
                ReqKind::Recover(id),
            )
        } else if self.last_latest_check.elapsed() >= self.config.latest_check {
            self.last_latest_check = Instant::now();
            (
                Message::OldResultRequest { tightening_id: 0 },
                ReqKind::Latest,
            )
        } else {
            return Ok(());
        };
        let frame = Frame::new(message);
        self.send(wr, &frame).await?;
        let deadline = Instant::now() + self.config.response_timeout;
        self.outstanding = Some(Outstanding {
            frame,
            kind,
            attempts: 1,
            deadline,
        });
        Ok(())
    }

    fn settled(&self) -> bool {
        self.last_live.elapsed() >= self.config.response_timeout
    }

    async fn resend(&mut self, wr: &mut OwnedWriteHalf) -> Result<(), End> {
        let Some(mut o) = self.outstanding.take() else {
            return Ok(());
        };
        if o.attempts > self.config.max_resends {
            let reason = format!(
                "no answer to MID {:04} after {} resends",
                o.frame.message.mid(),
                self.config.max_resends
            );
            self.outstanding = Some(o);
            return Err(lost(reason, true));
        }
        o.attempts += 1;
        o.deadline = Instant::now() + self.config.response_timeout;
        let frame = o.frame.clone();
        self.outstanding = Some(o);
        self.send(wr, &frame).await
    }

    async fn on_chunk(
        &mut self,
        chunk: std::io::Result<Option<Chunk>>,
        wr: &mut OwnedWriteHalf,
    ) -> Result<(), End> {
        self.last_rx = Instant::now();
        let raw = match chunk {
            Err(e) => return Err(lost(format!("read: {e}"), true)),
            Ok(None) => return Err(lost("controller closed the connection", true)),
            Ok(Some(Chunk::Garbage { skipped, reason })) => {
                self.stat(|s| s.garbage += 1);
                return Err(lost(
                    format!("garbage from the controller ({skipped} bytes, {reason})"),
                    true,
                ));
            }
            Ok(Some(Chunk::Frame(raw))) => raw,
        };
        let frame = match Frame::decode(&raw) {
            Ok(f) => f,
            Err(e) => {
                self.stat(|s| s.bad_frames += 1);
                tracing::warn!(error = %e, "bad frame from the controller");
                if peek_mid(&raw) == Some(mid::RESULT) {
                    // Acknowledge it so the controller moves on; the ID gap it leaves is
                    // recovered through MID 0064 when the next result arrives.
                    self.ack(wr).await?;
                }
                return Ok(());
            }
        };
        match frame.message {
            Message::Result(result) => {
                let id = result.tightening_id;
                if !self.config.ack_after_store {
                    self.ack(wr).await?;
                }
                self.last_live = Instant::now();
                self.track.pushed(id);
                let fresh = self.deliver(Tightening::Live(result), raw).await?;
                if self.config.ack_after_store {
                    if fresh {
                        if self.config.ack_ahead > 0 {
                            self.ack_ahead(id).await?;
                        } else {
                            self.wait_stored(id).await?;
                        }
                    }
                    self.ack(wr).await?;
                }
                Ok(())
            }
            Message::CommandAccepted { mid: accepted } => {
                self.answer(accepted, Ok(()));
                Ok(())
            }
            Message::CommandError(e) => {
                if e.mid == mid::OLD_RESULT_REQUEST {
                    self.old_result_missing(e.error).await
                } else {
                    self.answer(e.mid, Err(command_error(&e)));
                    Ok(())
                }
            }
            Message::OldResult(old) => self.old_result(old, raw).await,
            Message::KeepAlive => Ok(()),
            other => {
                tracing::debug!(
                    mid = other.mid(),
                    "unexpected MID from the controller ignored"
                );
                Ok(())
            }
        }
    }

    /// `id` was delivered: it may be acknowledged once fewer than `ack_ahead` results
    /// wait for their storage (and a resume point exists); otherwise waits for
    /// confirmations first.
    async fn ack_ahead(&mut self, id: u32) -> Result<(), End> {
        while let Ok(got) = self.stored.try_recv() {
            self.ahead.confirmed(got);
        }
        if !self.ahead.open {
            self.wait_stored(id).await?;
            self.ahead.open = true;
            return Ok(());
        }
        self.ahead.unconfirmed.push_back(id);
        let until = Instant::now() + self.config.store_timeout;
        while self.ahead.unconfirmed.len() > self.config.ack_ahead {
            match tokio::time::timeout_at(until, self.stored.recv()).await {
                Ok(Some(got)) => self.ahead.confirmed(got),
                Ok(None) => return Err(End::Stop),
                Err(_) => {
                    return Err(lost(
                        format!(
                            "{} results not confirmed stored in time; result {id} not acknowledged",
                            self.ahead.unconfirmed.len()
                        ),
                        true,
                    ));
                }
            }
        }
        Ok(())
    }

    /// Waits until the consumer confirms `id` stored (older confirmations are skipped).
    async fn wait_stored(&mut self, id: u32) -> Result<(), End> {
        let until = Instant::now() + self.config.store_timeout;
        loop {
            match tokio::time::timeout_at(until, self.stored.recv()).await {
                Ok(Some(got)) if got == id => return Ok(()),
                Ok(Some(got)) => self.ahead.confirmed(got),
                Ok(None) => return Err(End::Stop),
                Err(_) => {
                    return Err(lost(
                        format!("result {id} not confirmed stored in time; not acknowledged"),
                        true,
                    ));
                }
            }
        }
    }

    async fn ack(&mut self, wr: &mut OwnedWriteHalf) -> Result<(), End> {
        self.stat(|s| s.acks_sent += 1);
        self.send(
            wr,
            &Frame {
                header: Header::revision(1),
                message: Message::ResultAck,
            },
        )
        .await
    }

    /// Completes the outstanding external command for `mid`.
    fn answer(&mut self, mid: u16, result: Result<(), CommandFailed>) {
        match self.outstanding.take() {
            Some(o) if o.frame.message.mid() == mid => {
                if let ReqKind::External(reply) = o.kind {
                    let _ = reply.send(result);
                }
            }
            other => {
                self.outstanding = other;
                tracing::debug!(mid, "answer for a MID not outstanding ignored");
            }
        }
    }

    async fn old_result(
        &mut self,
        old: crate::op::OldTighteningResult,
        raw: Vec<u8>,
    ) -> Result<(), End> {
        let Some(o) = self.outstanding.take() else {
            tracing::debug!("MID 0065 with no MID 0064 outstanding ignored");
            return Ok(());
        };
        let id = old.tightening_id;
        match o.kind {
            ReqKind::Latest => {
                let lost_ids = self.track.observe_latest(id);
                self.report_lost(lost_ids).await?;
            }
            ReqKind::Recover(wanted) => {
                self.deliver(Tightening::Recovered(old), raw).await?;
                if wanted != id && self.track.missing.contains(&wanted) {
                    tracing::warn!(wanted, got = id, "MID 0065 answered another tightening ID");
                    self.track.give_up(wanted);
                    self.report_lost(vec![wanted]).await?;
                }
            }
            ReqKind::External(reply) => {
                let _ = reply.send(Ok(()));
            }
        }
        Ok(())
    }

    async fn old_result_missing(&mut self, error: ErrorCode) -> Result<(), End> {
        let Some(o) = self.outstanding.take() else {
            return Ok(());
        };
        match o.kind {
            ReqKind::Recover(id) => {
                self.track.give_up(id);
                self.report_lost(vec![id]).await?;
            }
            ReqKind::Latest => {}
            ReqKind::External(reply) => {
                let _ = reply.send(Err(CommandFailed::Rejected(error)));
            }
        }
        Ok(())
    }

    async fn report_lost(&mut self, ids: Vec<u32>) -> Result<(), End> {
        for tightening_id in ids {
            tracing::warn!(
                tightening_id,
                "tightening result lost: the controller no longer has it"
            );
            self.stat(|s| s.lost += 1);
            self.events
                .send(Event::Lost { tightening_id })
                .await
                .map_err(|_| End::Stop)?;
        }
        Ok(())
    }

    /// Hands a result to the consumer; `false` when it was a duplicate (dropped).
    async fn deliver(&mut self, tightening: Tightening, raw: Vec<u8>) -> Result<bool, End> {
        let id = tightening.tightening_id();
        let (verdict, lost_ids) = self.track.arrive(id);
        self.report_lost(lost_ids).await?;
        if verdict == Verdict::Duplicate {
            self.stat(|s| s.duplicates_dropped += 1);
            tracing::debug!(tightening_id = id, "duplicate tightening result dropped");
            return Ok(false);
        }
        let recovered = matches!(tightening, Tightening::Recovered(_));
        self.stat(|s| {
            if recovered {
                s.results_recovered += 1
            } else {
                s.results_live += 1
            }
        });
        let delivery = Delivery {
            tightening,
            raw,
            received_at: SystemTime::now(),
        };
        self.events
            .send(Event::Result(delivery))
            .await
            .map_err(|_| End::Stop)?;
        Ok(true)
    }
}
