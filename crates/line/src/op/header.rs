//! The 20-byte header (spec Table 1).

use super::HEADER_LEN;
use super::error::{DecodeError, Problem};
use super::field::{parse_digits, push_digits};

/// Header fields other than the length and the MID (which follow from the message).
///
/// Decoding accepts both header styles seen in the field: the specification's spaces
/// (`00200001            `) and digits everywhere (`00200001006001010000`). A revision of
/// `"   "`, `000` or `001` is revision 1. The optional fields stay `None` when sent as spaces,
/// so a decoded header re-encodes to the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub revision: u16,
    pub no_ack: bool,
    pub station_id: Option<u8>,
    pub spindle_id: Option<u8>,
    pub sequence_number: Option<u8>,
    pub message_parts: Option<u8>,
    pub message_part_number: Option<u8>,
}

impl Default for Header {
    fn default() -> Self {
        Self::revision(1)
    }
}

impl Header {
    /// A plain header of the given revision, every optional field unused.
    pub fn revision(revision: u16) -> Self {
        Self {
            revision,
            no_ack: false,
            station_id: None,
            spindle_id: None,
            sequence_number: None,
            message_parts: None,
            message_part_number: None,
        }
    }

    /// Decodes the header of `raw` (a whole frame without its NUL); returns the MID too.
    pub fn decode(raw: &[u8]) -> Result<(u16, Self), DecodeError> {
        if raw.len() < HEADER_LEN {
            return Err(DecodeError::ShortHeader(raw.len()));
        }
        let bad = |field, offset, problem| DecodeError::Header {
            field,
            offset,
            problem,
        };
        let declared = parse_digits(&raw[0..4]).ok_or(bad("length", 0, Problem::NotDigits))?;
        let declared = usize::try_from(declared).unwrap_or(usize::MAX);
        if declared != raw.len() {
            return Err(DecodeError::Length {
                declared,
                actual: raw.len(),
            });
        }
        let mid = parse_digits(&raw[4..8]).ok_or(bad("mid", 4, Problem::NotDigits))?;
        let mid = u16::try_from(mid).map_err(|_| bad("mid", 4, Problem::OutOfRange))?;
        let revision = match optional(&raw[8..11]) {
            Field::Blank => 1,
            Field::Value(0) => 1,
            Field::Value(n) => {
                u16::try_from(n).map_err(|_| bad("revision", 8, Problem::OutOfRange))?
            }
            Field::Bad => return Err(bad("revision", 8, Problem::NotDigits)),
        };
        let no_ack = match raw[11] {
            b' ' | b'0' => false,
            b'1' => true,
            _ => return Err(bad("no_ack_flag", 11, Problem::OutOfRange)),
        };
        let small = |field: &'static str, at: usize, len: usize| match optional(&raw[at..at + len])
        {
            Field::Blank => Ok(None),
            Field::Value(n) => Ok(Some(
                u8::try_from(n).map_err(|_| bad(field, at, Problem::OutOfRange))?,
            )),
            Field::Bad => Err(bad(field, at, Problem::NotDigits)),
        };
        Ok((
            mid,
            Self {
                revision,
                no_ack,
                station_id: small("station_id", 12, 2)?,
                spindle_id: small("spindle_id", 14, 2)?,
                sequence_number: small("sequence_number", 16, 2)?,
                message_parts: small("message_parts", 18, 1)?,
                message_part_number: small("message_part_number", 19, 1)?,
            },
        ))
    }

    /// Writes the 20 header bytes for a frame of `length` bytes (NUL excluded).
    pub(crate) fn write(&self, mid: u16, length: usize, out: &mut Vec<u8>) {
        push_digits(out, u64::try_from(length.min(9999)).unwrap_or(0), 4);
        push_digits(out, u64::from(mid), 4);
        push_digits(out, u64::from(self.revision.min(999)), 3);
        out.push(if self.no_ack { b'1' } else { b'0' });
        for (value, width) in [
            (self.station_id, 2),
            (self.spindle_id, 2),
            (self.sequence_number, 2),
            (self.message_parts, 1),
            (self.message_part_number, 1),
        ] {
            match value {
                Some(n) => {
                    // A value wider than its field cannot be sent: write spaces (unused).
                    if !push_digits(out, u64::from(n), width) {
                        out.resize(out.len() + width, b' ');
                    }
                }
                None => out.resize(out.len() + width, b' '),
            }
        }
    }
}

enum Field {
    Blank,
    Value(u64),
    Bad,
}

fn optional(raw: &[u8]) -> Field {
    if raw.iter().all(|b| *b == b' ') {
        Field::Blank
    } else {
        parse_digits(raw).map_or(Field::Bad, Field::Value)
    }
}

/// Reads the MID of a frame without decoding the rest (for log lines about bad frames).
pub fn peek_mid(raw: &[u8]) -> Option<u16> {
    raw.get(4..8)
        .and_then(parse_digits)
        .and_then(|n| u16::try_from(n).ok())
}
