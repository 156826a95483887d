//! Typed codec errors: every rejection names the message, the field and what was wrong.

use std::fmt;

/// What was wrong with one field of a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The frame ended before the field.
    Truncated,
    /// A numeric field holds something other than ASCII digits.
    NotDigits,
    /// A parameter-ID prefix is not the expected two digits.
    WrongParameterId { expected: u8, found: String },
    /// A text field holds a byte outside printable ASCII.
    NotPrintable,
    /// A value is outside its range (e.g. a status digit 7, month 13).
    OutOfRange,
    /// A time stamp is not `YYYY-MM-DD:HH:MM:SS`.
    BadTimestamp,
    /// A value does not fit the field width when encoding.
    TooWide,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated => f.write_str("truncated"),
            Self::NotDigits => f.write_str("not ASCII digits"),
            Self::WrongParameterId { expected, found } => {
                write!(f, "parameter id {found:?}, expected {expected:02}")
            }
            Self::NotPrintable => f.write_str("not printable ASCII"),
            Self::OutOfRange => f.write_str("out of range"),
            Self::BadTimestamp => f.write_str("not YYYY-MM-DD:HH:MM:SS"),
            Self::TooWide => f.write_str("does not fit the field width"),
        }
    }
}

/// Why a frame could not be decoded. Offsets are 0-based from the first byte of the frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("frame shorter than the 20-byte header ({0} bytes)")]
    ShortHeader(usize),
    #[error("header field {field} at byte {offset}: {problem}")]
    Header {
        field: &'static str,
        offset: usize,
        problem: Problem,
    },
    #[error("length field says {declared}, frame has {actual} bytes")]
    Length { declared: usize, actual: usize },
    #[error("unknown MID {0:04}")]
    UnknownMid(u16),
    #[error("MID {mid:04} revision {revision} is not supported")]
    UnsupportedRevision { mid: u16, revision: u16 },
    #[error("MID {mid:04} field {field} at byte {offset}: {problem}")]
    Field {
        mid: u16,
        field: &'static str,
        offset: usize,
        problem: Problem,
    },
    #[error("MID {mid:04} revision {revision}: {extra} unexpected bytes after the last field")]
    TrailingData {
        mid: u16,
        revision: u16,
        extra: usize,
    },
}

/// Why a message could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("MID {mid:04} field {field}: {problem}")]
    Field {
        mid: u16,
        field: &'static str,
        problem: Problem,
    },
    #[error("MID {mid:04}: header revision {header} but the message is revision {message}")]
    RevisionMismatch { mid: u16, header: u16, message: u16 },
    #[error("frame of {0} bytes exceeds the 9999-byte limit")]
    TooLong(usize),
}
