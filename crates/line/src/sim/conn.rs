//! One integrator connection of the simulator.

use std::sync::Arc;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, sleep_until};

use super::{Control, Shared, Subscription};
use crate::op::framing::{Chunk, FrameReader};
use crate::op::{
    CommandError, DecodeError, ErrorCode, Frame, Message, OldTighteningResult, TighteningResult,
    mid, peek_mid,
};

struct Outstanding {
    attempts: u32,
    deadline: Instant,
}

enum Step {
    Continue,
    Close(&'static str),
}

pub(crate) async fn serve(
    stream: TcpStream,
    shared: Arc<Shared>,
    generation: u64,
    mut control: mpsc::UnboundedReceiver<Control>,
    mut stop: watch::Receiver<bool>,
) {
    let peer = stream.peer_addr().ok();
    let _ = stream.set_nodelay(true);
    let (rd, wr) = stream.into_split();
    let mut conn = Conn {
        shared: Arc::clone(&shared),
        generation,
        wr,
        started: false,
        outstanding: None,
    };
    let mut reader = FrameReader::new(rd);
    let inactivity = shared.lock().config.inactivity_timeout;
    let mut last_rx = Instant::now();
    let mut pushed = shared.pushed.subscribe();
    pushed.mark_unchanged();
    let reason = loop {
        if let Err(e) = conn.push_next().await {
            break e;
        }
        let ack_deadline = conn.outstanding.as_ref().map(|o| o.deadline);
        tokio::select! {
            chunk = reader.next_chunk() => {
                last_rx = Instant::now();
                match chunk {
                    Ok(Some(Chunk::Frame(raw))) => match conn.handle(&raw).await {
                        Ok(Step::Continue) => {}
                        Ok(Step::Close(why)) => break why,
                        Err(why) => break why,
                    },
                    Ok(Some(Chunk::Garbage { skipped, reason })) => {
                        tracing::warn!(?peer, skipped, reason, "simulator: garbage from the integrator dropped");
                        shared.lock().stats.garbage_received += 1;
                    }
                    Ok(None) => break "integrator closed the connection",
                    Err(_) => break "read error",
                }
            }
            _ = pushed.changed() => {}
            _ = sleep_until(last_rx + inactivity) => {
                shared.lock().stats.inactivity_closes += 1;
                break "inactivity timeout";
            }
            _ = sleep_until(ack_deadline.unwrap_or_else(Instant::now)), if ack_deadline.is_some() => {
                if let Err(why) = conn.resend().await {
                    break why;
                }
            }
            c = control.recv() => match c {
                Some(Control::Raw(bytes)) => {
                    if conn.wr.write_all(&bytes).await.is_err() {
                        break "write error";
                    }
                }
                Some(Control::Drop) | None => break "dropped by the handle",
            },
            _ = stop.changed() => break "simulator shut down",
        }
    };
    tracing::info!(?peer, reason, "simulator: connection closed");
    let _ = conn.wr.shutdown().await;
    let mut c = shared.lock();
    if c.subscription.is_some_and(|s| s.connection == generation) {
        c.subscription = None;
        c.push_queue.clear();
    }
    drop(c);
    shared.bump();
}

struct Conn {
    shared: Arc<Shared>,
    generation: u64,
    wr: OwnedWriteHalf,
    started: bool,
    outstanding: Option<Outstanding>,
}

impl Conn {
    async fn send(&mut self, frame: Frame) -> Result<(), &'static str> {
        let bytes = frame.encode().map_err(|e| {
            tracing::error!(error = %e, "simulator: cannot encode its own frame");
            "encode error"
        })?;
        self.wr.write_all(&bytes).await.map_err(|_| "write error")
    }

    async fn reply(&mut self, message: Message) -> Result<Step, &'static str> {
        self.send(Frame::new(message)).await?;
        Ok(Step::Continue)
    }

    async fn refuse(&mut self, mid: u16, error: ErrorCode) -> Result<Step, &'static str> {
        self.shared.lock().stats.command_errors_sent += 1;
        self.reply(Message::CommandError(CommandError { mid, error }))
            .await
    }

    fn subscription(&self) -> Option<Subscription> {
        self.shared
            .lock()
            .subscription
            .filter(|s| s.connection == self.generation)
    }

    /// Sends the head of the push queue when nothing is waiting for an acknowledgement.
    async fn push_next(&mut self) -> Result<(), &'static str> {
        while self.outstanding.is_none() {
            let Some(sub) = self.subscription() else {
                return Ok(());
            };
            let (head, ack_timeout) = {
                let mut c = self.shared.lock();
                let head = if sub.no_ack {
                    c.push_queue.pop_front()
                } else {
                    c.push_queue.front().cloned()
                };
                (head, c.config.ack_timeout)
            };
            let Some(result) = head else { return Ok(()) };
            self.send_result(&result, sub.revision).await?;
            if !sub.no_ack {
                self.outstanding = Some(Outstanding {
                    attempts: 1,
                    deadline: Instant::now() + ack_timeout,
                });
            }
        }
        Ok(())
    }

    async fn send_result(
        &mut self,
        result: &TighteningResult,
        revision: u16,
    ) -> Result<(), &'static str> {
        self.shared.lock().stats.results_pushed += 1;
        self.send(Frame::new(Message::Result(result.at_revision(revision))))
            .await
    }

    async fn resend(&mut self) -> Result<(), &'static str> {
        let (head, max, timeout) = {
            let c = self.shared.lock();
            (
                c.push_queue.front().cloned(),
                c.config.max_resends,
                c.config.ack_timeout,
            )
        };
        let (Some(result), Some(sub), Some(out)) =
            (head, self.subscription(), self.outstanding.as_mut())
        else {
            self.outstanding = None;
            return Ok(());
        };
        if out.attempts > max {
            self.shared.lock().stats.ack_timeouts += 1;
            return Err("no MID 0062 after the resends");
        }
        out.attempts += 1;
        out.deadline = Instant::now() + timeout;
        self.shared.lock().stats.resends += 1;
        self.send_result(&result, sub.revision).await
    }

    async fn handle(&mut self, raw: &[u8]) -> Result<Step, &'static str> {
        let frame = match Frame::decode(raw) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(error = %e, "simulator: bad frame from the integrator");
                let Some(m) = peek_mid(raw) else {
                    return Ok(Step::Continue);
                };
                let code = match e {
                    DecodeError::UnknownMid(_) => ErrorCode::UNKNOWN_MID,
                    DecodeError::UnsupportedRevision { .. } => ErrorCode::REVISION_UNSUPPORTED,
                    _ => ErrorCode::INVALID_DATA,
                };
                return self.refuse(m, code).await;
            }
        };
        let revision = frame.header.revision;
        if !self.started && !matches!(frame.message, Message::CommStart(_)) {
            // Before MID 0001 the controller answers nothing (spec §5.2.1).
            tracing::debug!(
                mid = frame.message.mid(),
                "simulator: ignored before communication start"
            );
            return Ok(Step::Continue);
        }
        match frame.message {
            Message::CommStart(_) => {
                let (max, close, identity) = {
                    let c = self.shared.lock();
                    (
                        c.config.max_comm_revision,
                        c.config.close_on_unsupported_revision,
                        c.config.identity.clone(),
                    )
                };
                if self.started {
                    return self
                        .refuse(mid::COMM_START, ErrorCode::CLIENT_ALREADY_CONNECTED)
                        .await;
                }
                if revision > max {
                    if close {
                        return Ok(Step::Close(
                            "unsupported MID 0001 revision: closing (Rexroth mode)",
                        ));
                    }
                    return self
                        .refuse(mid::COMM_START, ErrorCode::REVISION_UNSUPPORTED)
                        .await;
                }
                self.started = true;
                self.reply(Message::CommStartAck(identity.at_revision(revision)))
                    .await
            }
            Message::CommStop => {
                self.reply(Message::CommandAccepted {
                    mid: mid::COMM_STOP,
                })
                .await?;
                Ok(Step::Close("communication stop"))
            }
            Message::KeepAlive => self.reply(Message::KeepAlive).await,
            Message::ResultSubscribe => {
                let max = self.shared.lock().config.max_result_revision;
                if revision > max {
                    return self
                        .refuse(mid::RESULT_SUBSCRIBE, ErrorCode::REVISION_UNSUPPORTED)
                        .await;
                }
                if self.subscription().is_some() {
                    return self
                        .refuse(mid::RESULT_SUBSCRIBE, ErrorCode::RESULT_SUBSCRIPTION_EXISTS)
                        .await;
                }
                {
                    let mut c = self.shared.lock();
                    c.subscription = Some(Subscription {
                        connection: self.generation,
                        revision,
                        no_ack: frame.header.no_ack,
                    });
                    c.push_queue.clear();
                }
                self.shared.bump();
                self.reply(Message::CommandAccepted {
                    mid: mid::RESULT_SUBSCRIBE,
                })
                .await
            }
            Message::ResultAck => {
                if self.outstanding.take().is_some() {
                    let mut c = self.shared.lock();
                    c.push_queue.pop_front();
                    c.stats.results_acked += 1;
                    drop(c);
                    self.shared.bump();
                } else {
                    tracing::debug!("simulator: MID 0062 with nothing outstanding");
                }
                Ok(Step::Continue)
            }
            Message::ResultUnsubscribe => {
                if self.subscription().is_none() {
                    return self
                        .refuse(
                            mid::RESULT_UNSUBSCRIBE,
                            ErrorCode::RESULT_SUBSCRIPTION_MISSING,
                        )
                        .await;
                }
                {
                    let mut c = self.shared.lock();
                    c.subscription = None;
                    c.push_queue.clear();
                }
                self.shared.bump();
                self.outstanding = None;
                self.reply(Message::CommandAccepted {
                    mid: mid::RESULT_UNSUBSCRIBE,
                })
                .await
            }
            Message::VinDownload { vin } => {
                {
                    let mut c = self.shared.lock();
                    c.selection.vin = vin;
                    c.stats.vins_downloaded += 1;
                }
                self.shared.bump();
                self.reply(Message::CommandAccepted {
                    mid: mid::VIN_DOWNLOAD,
                })
                .await
            }
            Message::SelectPset { pset } => {
                let known = {
                    let mut c = self.shared.lock();
                    let found = c.config.psets.iter().find(|p| p.id == pset).cloned();
                    if let Some(p) = &found {
                        c.selection.pset = p.id;
                        c.selection.batch_size = p.batch_size;
                        c.selection.batch_counter = 0;
                        c.stats.psets_selected += 1;
                    }
                    found.is_some()
                };
                self.shared.bump();
                if known {
                    self.reply(Message::CommandAccepted {
                        mid: mid::SELECT_PSET,
                    })
                    .await
                } else {
                    self.refuse(mid::SELECT_PSET, ErrorCode::PSET_NOT_PRESENT)
                        .await
                }
            }
            Message::SetBatchSize(b) => {
                let ok = {
                    let mut c = self.shared.lock();
                    let known = c.config.psets.iter().any(|p| p.id == b.pset);
                    if known && c.selection.pset == b.pset {
                        c.selection.batch_size = u16::from(b.batch_size);
                        c.selection.batch_counter = 0;
                    }
                    known
                };
                if ok {
                    self.reply(Message::CommandAccepted {
                        mid: mid::SET_BATCH_SIZE,
                    })
                    .await
                } else {
                    self.refuse(mid::SET_BATCH_SIZE, ErrorCode::PSET_NOT_PRESENT)
                        .await
                }
            }
            Message::DisableTool | Message::EnableTool => {
                let enable = matches!(frame.message, Message::EnableTool);
                self.shared.lock().selection.tool_enabled = enable;
                self.reply(Message::CommandAccepted {
                    mid: frame.message.mid(),
                })
                .await
            }
            Message::OldResultRequest { tightening_id } => {
                let found = {
                    let mut c = self.shared.lock();
                    let found = c.old_result(tightening_id).map(OldTighteningResult::from);
                    if found.is_some() {
                        c.stats.old_results_served += 1;
                    }
                    found
                };
                match found {
                    Some(old) => self.reply(Message::OldResult(old)).await,
                    None => {
                        self.refuse(mid::OLD_RESULT_REQUEST, ErrorCode::TIGHTENING_ID_NOT_FOUND)
                            .await
                    }
                }
            }
            Message::LinkAck { .. } | Message::LinkError(_) => Ok(Step::Continue),
            // Controller-to-integrator MIDs make no sense here.
            other => self.refuse(other.mid(), ErrorCode::UNKNOWN_MID).await,
        }
    }
}
