//! The Atlas Copco Open Protocol codec: pure, no I/O.
//!
//! A frame is the 20-byte [`Header`], the data field and a NUL that the length field does not
//! count. [`Frame::decode`] takes the bytes of one frame without its NUL (as [`framing`] cuts
//! them out of a stream); [`Frame::encode`] returns the bytes with the NUL. Every rejection is
//! a [`DecodeError`] naming the MID, the field and what was wrong; unknown MIDs and revisions
//! are errors, never panics.

pub mod command;
pub mod error;
mod field;
pub mod framing;
pub mod header;
pub mod result;
pub mod session;
pub mod types;

pub use command::{BatchSize, VIN_MAX};
pub use error::{DecodeError, EncodeError, Problem};
pub use header::{Header, peek_mid};
pub use result::{OldTighteningResult, Rev2Fields, Rev3Fields, TighteningResult};
pub use session::{CommStart, CommStartAck, CommandError, LinkError, Versions};
pub use types::{BatchStatus, ErrorCode, LimitStatus, TighteningStatus, Timestamp, Torque};

use field::{Reader, Writer};

/// Length of the header in bytes.
pub const HEADER_LEN: usize = 20;
/// Largest length field value (one message part).
pub const MAX_LEN: usize = 9999;

/// MID numbers this codec knows.
pub mod mid {
    pub const COMM_START: u16 = 1;
    pub const COMM_START_ACK: u16 = 2;
    pub const COMM_STOP: u16 = 3;
    pub const COMMAND_ERROR: u16 = 4;
    pub const COMMAND_ACCEPTED: u16 = 5;
    pub const SELECT_PSET: u16 = 18;
    pub const SET_BATCH_SIZE: u16 = 19;
    pub const DISABLE_TOOL: u16 = 42;
    pub const ENABLE_TOOL: u16 = 43;
    pub const VIN_DOWNLOAD: u16 = 50;
    pub const RESULT_SUBSCRIBE: u16 = 60;
    pub const RESULT: u16 = 61;
    pub const RESULT_ACK: u16 = 62;
    pub const RESULT_UNSUBSCRIBE: u16 = 63;
    pub const OLD_RESULT_REQUEST: u16 = 64;
    pub const OLD_RESULT: u16 = 65;
    pub const LINK_ACK: u16 = 9997;
    pub const LINK_ERROR: u16 = 9998;
    pub const KEEP_ALIVE: u16 = 9999;
}

/// One Open Protocol message (the data field, typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// 0001: the header revision is the MID 0002 revision wanted.
    CommStart(CommStart),
    /// 0002 revisions 1-3.
    CommStartAck(CommStartAck),
    /// 0003.
    CommStop,
    /// 0004.
    CommandError(CommandError),
    /// 0005: the MID accepted.
    CommandAccepted { mid: u16 },
    /// 0018: parameter set (3 digits, no parameter ID).
    SelectPset { pset: u16 },
    /// 0019.
    SetBatchSize(BatchSize),
    /// 0042.
    DisableTool,
    /// 0043.
    EnableTool,
    /// 0050: 1..25 characters.
    VinDownload { vin: String },
    /// 0060: the header revision is the MID 0061 revision wanted, the no-ack flag the mode.
    ResultSubscribe,
    /// 0061 revisions 1-3.
    Result(TighteningResult),
    /// 0062.
    ResultAck,
    /// 0063.
    ResultUnsubscribe,
    /// 0064: tightening ID wanted, 0 = the latest.
    OldResultRequest { tightening_id: u32 },
    /// 0065 revision 1.
    OldResult(OldTighteningResult),
    /// 9997: link-level acknowledgement of a MID.
    LinkAck { mid: u16 },
    /// 9998.
    LinkError(LinkError),
    /// 9999.
    KeepAlive,
}

impl Message {
    pub fn mid(&self) -> u16 {
        match self {
            Self::CommStart(_) => mid::COMM_START,
            Self::CommStartAck(_) => mid::COMM_START_ACK,
            Self::CommStop => mid::COMM_STOP,
            Self::CommandError(_) => mid::COMMAND_ERROR,
            Self::CommandAccepted { .. } => mid::COMMAND_ACCEPTED,
            Self::SelectPset { .. } => mid::SELECT_PSET,
            Self::SetBatchSize(_) => mid::SET_BATCH_SIZE,
            Self::DisableTool => mid::DISABLE_TOOL,
            Self::EnableTool => mid::ENABLE_TOOL,
            Self::VinDownload { .. } => mid::VIN_DOWNLOAD,
            Self::ResultSubscribe => mid::RESULT_SUBSCRIBE,
            Self::Result(_) => mid::RESULT,
            Self::ResultAck => mid::RESULT_ACK,
            Self::ResultUnsubscribe => mid::RESULT_UNSUBSCRIBE,
            Self::OldResultRequest { .. } => mid::OLD_RESULT_REQUEST,
            Self::OldResult(_) => mid::OLD_RESULT,
            Self::LinkAck { .. } => mid::LINK_ACK,
            Self::LinkError(_) => mid::LINK_ERROR,
            Self::KeepAlive => mid::KEEP_ALIVE,
        }
    }

    /// The revision the data field is laid out in, when it depends on the content.
    pub fn data_revision(&self) -> Option<u16> {
        match self {
            Self::CommStartAck(ack) => Some(ack.revision()),
            Self::Result(result) => Some(result.revision()),
            Self::CommStart(CommStart {
                optional_keep_alive: Some(_),
            }) => Some(7),
            _ => None,
        }
    }
}

/// A header and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub header: Header,
    pub message: Message,
}

impl Frame {
    /// A frame with a plain header at the message's own revision (1 when it has none).
    pub fn new(message: Message) -> Self {
        Self {
            header: Header::revision(message.data_revision().unwrap_or(1)),
            message,
        }
    }

    /// A frame with a plain header of the given revision.
    pub fn with_revision(message: Message, revision: u16) -> Self {
        Self {
            header: Header::revision(revision),
            message,
        }
    }

    /// Decodes one frame: `raw` is the header and data field, without the NUL.
    pub fn decode(raw: &[u8]) -> Result<Self, DecodeError> {
        let (mid, header) = Header::decode(raw)?;
        let revision = header.revision;
        let mut r = Reader::new(&raw[HEADER_LEN..], mid, revision);
        let only_rev1 = |r: u16| {
            if r == 1 {
                Ok(())
            } else {
                Err(DecodeError::UnsupportedRevision { mid, revision: r })
            }
        };
        let message = match mid {
            mid::COMM_START => Message::CommStart(CommStart::decode(&mut r, revision)?),
            mid::COMM_START_ACK => {
                if revision > CommStartAck::MAX_REVISION {
                    return Err(DecodeError::UnsupportedRevision { mid, revision });
                }
                Message::CommStartAck(CommStartAck::decode(&mut r, revision)?)
            }
            mid::COMM_STOP => Message::CommStop,
            mid::COMMAND_ERROR => {
                only_rev1(revision)?;
                Message::CommandError(CommandError::decode(&mut r)?)
            }
            mid::COMMAND_ACCEPTED => {
                only_rev1(revision)?;
                Message::CommandAccepted {
                    mid: r.num("mid", 4)?,
                }
            }
            mid::SELECT_PSET => {
                only_rev1(revision)?;
                Message::SelectPset {
                    pset: r.num("pset", 3)?,
                }
            }
            mid::SET_BATCH_SIZE => {
                only_rev1(revision)?;
                Message::SetBatchSize(BatchSize::decode(&mut r)?)
            }
            mid::DISABLE_TOOL => Message::DisableTool,
            mid::ENABLE_TOOL => Message::EnableTool,
            mid::VIN_DOWNLOAD => {
                only_rev1(revision)?;
                Message::VinDownload {
                    vin: command::decode_vin(&mut r)?,
                }
            }
            mid::RESULT_SUBSCRIBE => Message::ResultSubscribe,
            mid::RESULT => Message::Result(TighteningResult::decode(&mut r, revision)?),
            mid::RESULT_ACK => Message::ResultAck,
            mid::RESULT_UNSUBSCRIBE => Message::ResultUnsubscribe,
            mid::OLD_RESULT_REQUEST => {
                only_rev1(revision)?;
                Message::OldResultRequest {
                    tightening_id: r.num("tightening_id", 10)?,
                }
            }
            mid::OLD_RESULT => {
                only_rev1(revision)?;
                Message::OldResult(OldTighteningResult::decode(&mut r)?)
            }
            mid::LINK_ACK => Message::LinkAck {
                mid: r.num("mid", 4)?,
            },
            mid::LINK_ERROR => Message::LinkError(LinkError::decode(&mut r)?),
            mid::KEEP_ALIVE => Message::KeepAlive,
            other => return Err(DecodeError::UnknownMid(other)),
        };
        r.finish()?;
        Ok(Self { header, message })
    }

    /// Encodes the frame, NUL terminator included.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let m = &self.message;
        let mid = m.mid();
        let revision = self.header.revision;
        let mut w = Writer::new(mid);
        match m {
            Message::CommStart(start) => start.encode(&mut w, revision)?,
            Message::CommStartAck(ack) => {
                if ack.revision() != revision {
                    return Err(EncodeError::RevisionMismatch {
                        mid,
                        header: revision,
                        message: ack.revision(),
                    });
                }
                ack.encode(&mut w)?;
            }
            Message::CommandError(e) => e.encode(&mut w)?,
            Message::CommandAccepted { mid: accepted } => {
                w.num("mid", u64::from(*accepted), 4)?;
            }
            Message::SelectPset { pset } => {
                w.num("pset", u64::from(*pset), 3)?;
            }
            Message::SetBatchSize(b) => b.encode(&mut w)?,
            Message::VinDownload { vin } => command::encode_vin(vin, &mut w)?,
            Message::Result(result) => {
                result::check_revision(result, revision)?;
                result.encode(&mut w)?;
            }
            Message::OldResultRequest { tightening_id } => {
                w.num("tightening_id", u64::from(*tightening_id), 10)?;
            }
            Message::OldResult(old) => old.encode(&mut w)?,
            Message::LinkAck { mid: acked } => {
                w.num("mid", u64::from(*acked), 4)?;
            }
            Message::LinkError(e) => e.encode(&mut w)?,
            Message::CommStop
            | Message::DisableTool
            | Message::EnableTool
            | Message::ResultSubscribe
            | Message::ResultAck
            | Message::ResultUnsubscribe
            | Message::KeepAlive => {}
        }
        let length = HEADER_LEN + w.buf.len();
        if length > MAX_LEN {
            return Err(EncodeError::TooLong(length));
        }
        let mut out = Vec::with_capacity(length + 1);
        self.header.write(mid, length, &mut out);
        out.extend_from_slice(&w.buf);
        out.push(0);
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
