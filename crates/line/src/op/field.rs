//! Fixed-width field reading and writing shared by the message modules.

use super::HEADER_LEN;
use super::error::{DecodeError, EncodeError, Problem};
use super::types::{LimitStatus, Timestamp, Torque};

/// Reads the data field of one frame, left to right, check-then-parse.
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    mid: u16,
    revision: u16,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8], mid: u16, revision: u16) -> Self {
        Self {
            data,
            pos: 0,
            mid,
            revision,
        }
    }

    fn err(&self, field: &'static str, at: usize, problem: Problem) -> DecodeError {
        DecodeError::Field {
            mid: self.mid,
            field,
            offset: HEADER_LEN + at,
            problem,
        }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    fn take(&mut self, field: &'static str, len: usize) -> Result<(usize, &'a [u8]), DecodeError> {
        if self.remaining() < len {
            return Err(self.err(field, self.pos, Problem::Truncated));
        }
        let at = self.pos;
        self.pos += len;
        Ok((at, &self.data[at..at + len]))
    }

    /// The two-digit parameter ID that precedes most fields.
    pub(crate) fn param(&mut self, id: u8, field: &'static str) -> Result<(), DecodeError> {
        let (at, raw) = self.take(field, 2)?;
        if raw != [b'0' + id / 10, b'0' + id % 10] {
            let found = String::from_utf8_lossy(raw).into_owned();
            return Err(self.err(
                field,
                at,
                Problem::WrongParameterId {
                    expected: id,
                    found,
                },
            ));
        }
        Ok(())
    }

    pub(crate) fn digits(&mut self, field: &'static str, len: usize) -> Result<u64, DecodeError> {
        let (at, raw) = self.take(field, len)?;
        parse_digits(raw).ok_or_else(|| self.err(field, at, Problem::NotDigits))
    }

    pub(crate) fn num<T: TryFrom<u64>>(
        &mut self,
        field: &'static str,
        len: usize,
    ) -> Result<T, DecodeError> {
        let at = self.pos;
        let value = self.digits(field, len)?;
        T::try_from(value).map_err(|_| self.err(field, at, Problem::OutOfRange))
    }

    /// A number that must not exceed `max`.
    pub(crate) fn bounded<T: TryFrom<u64>>(
        &mut self,
        field: &'static str,
        len: usize,
        max: u64,
    ) -> Result<T, DecodeError> {
        let at = self.pos;
        let value = self.digits(field, len)?;
        if value > max {
            return Err(self.err(field, at, Problem::OutOfRange));
        }
        T::try_from(value).map_err(|_| self.err(field, at, Problem::OutOfRange))
    }

    /// Left-aligned, space-padded ASCII; returned without the trailing padding.
    pub(crate) fn text(&mut self, field: &'static str, len: usize) -> Result<String, DecodeError> {
        let (at, raw) = self.take(field, len)?;
        text_value(raw).ok_or_else(|| self.err(field, at, Problem::NotPrintable))
    }

    pub(crate) fn torque(&mut self, field: &'static str) -> Result<Torque, DecodeError> {
        Ok(Torque::from_centi_nm(self.num(field, 6)?))
    }

    /// A one-digit code mapped by `from_digit`; an unmapped digit is out of range.
    pub(crate) fn enumerated<T>(
        &mut self,
        field: &'static str,
        from_digit: fn(u8) -> Option<T>,
    ) -> Result<T, DecodeError> {
        let at = self.pos;
        let value: u8 = self.num(field, 1)?;
        from_digit(value).ok_or_else(|| self.err(field, at, Problem::OutOfRange))
    }

    pub(crate) fn status(&mut self, field: &'static str) -> Result<LimitStatus, DecodeError> {
        self.enumerated(field, LimitStatus::from_digit)
    }

    pub(crate) fn timestamp(&mut self, field: &'static str) -> Result<Timestamp, DecodeError> {
        let (at, raw) = self.take(field, 19)?;
        Timestamp::parse(raw).ok_or_else(|| self.err(field, at, Problem::BadTimestamp))
    }

    /// Every byte of the data field must have been consumed.
    pub(crate) fn finish(self) -> Result<(), DecodeError> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(DecodeError::TrailingData {
                mid: self.mid,
                revision: self.revision,
                extra: self.remaining(),
            })
        }
    }
}

pub(crate) fn parse_digits(raw: &[u8]) -> Option<u64> {
    if raw.is_empty() || !raw.iter().all(u8::is_ascii_digit) {
        return None;
    }
    raw.iter().try_fold(0u64, |acc, d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

pub(crate) fn text_value(raw: &[u8]) -> Option<String> {
    if !raw.iter().all(|b| (0x20..0x7f).contains(b)) {
        return None;
    }
    let trimmed = raw
        .iter()
        .rposition(|b| *b != b' ')
        .map_or(&raw[..0], |end| &raw[..=end]);
    Some(String::from_utf8_lossy(trimmed).into_owned())
}

/// Appends `value` as exactly `len` zero-padded digits; false (nothing written) when it
/// needs more.
pub(crate) fn push_digits(out: &mut Vec<u8>, mut value: u64, len: usize) -> bool {
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + u8::try_from(value % 10).unwrap_or(0);
        value /= 10;
        if value == 0 {
            break;
        }
    }
    let used = digits.len() - i;
    if used > len {
        return false;
    }
    out.resize(out.len() + len - used, b'0');
    out.extend_from_slice(&digits[i..]);
    true
}

/// Builds the data field of one frame.
pub(crate) struct Writer {
    pub(crate) buf: Vec<u8>,
    mid: u16,
}

impl Writer {
    pub(crate) fn new(mid: u16) -> Self {
        Self {
            buf: Vec::with_capacity(256),
            mid,
        }
    }

    fn err(&self, field: &'static str, problem: Problem) -> EncodeError {
        EncodeError::Field {
            mid: self.mid,
            field,
            problem,
        }
    }

    pub(crate) fn param(&mut self, id: u8) -> &mut Self {
        self.buf
            .extend_from_slice(&[b'0' + id / 10, b'0' + id % 10]);
        self
    }

    pub(crate) fn num(
        &mut self,
        field: &'static str,
        value: u64,
        len: usize,
    ) -> Result<&mut Self, EncodeError> {
        if !push_digits(&mut self.buf, value, len) {
            return Err(self.err(field, Problem::TooWide));
        }
        Ok(self)
    }

    pub(crate) fn text(
        &mut self,
        field: &'static str,
        value: &str,
        len: usize,
    ) -> Result<&mut Self, EncodeError> {
        if value.len() > len {
            return Err(self.err(field, Problem::TooWide));
        }
        if !value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(self.err(field, Problem::NotPrintable));
        }
        self.buf.extend_from_slice(value.as_bytes());
        self.buf.resize(self.buf.len() + len - value.len(), b' ');
        Ok(self)
    }

    pub(crate) fn torque(
        &mut self,
        field: &'static str,
        value: Torque,
    ) -> Result<&mut Self, EncodeError> {
        self.num(field, u64::from(value.centi_nm()), 6)
    }

    pub(crate) fn status(&mut self, value: LimitStatus) -> &mut Self {
        self.buf.push(b'0' + value.digit());
        self
    }

    pub(crate) fn timestamp(
        &mut self,
        field: &'static str,
        value: Timestamp,
    ) -> Result<&mut Self, EncodeError> {
        if !value.is_valid() {
            return Err(self.err(field, Problem::BadTimestamp));
        }
        let b = &mut self.buf;
        push_digits(b, u64::from(value.year), 4);
        b.push(b'-');
        push_digits(b, u64::from(value.month), 2);
        b.push(b'-');
        push_digits(b, u64::from(value.day), 2);
        b.push(b':');
        push_digits(b, u64::from(value.hour), 2);
        b.push(b':');
        push_digits(b, u64::from(value.minute), 2);
        b.push(b':');
        push_digits(b, u64::from(value.second), 2);
        Ok(self)
    }
}
