//! Value types carried by Open Protocol messages.

use std::fmt;

/// Torque in centi-newton-metres: the wire's `Nm × 100` integer, exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Torque(u32);

impl Torque {
    /// Largest value the 6-digit torque fields can carry (9999.99 Nm).
    pub const MAX_CENTI_NM: u32 = 999_999;

    pub const fn from_centi_nm(centi_nm: u32) -> Self {
        Self(centi_nm)
    }

    pub const fn centi_nm(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Torque {
    /// `28.12` (Nm).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// Status of a value against its window: `0` low, `1` OK, `2` high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitStatus {
    Low,
    Ok,
    High,
}

impl LimitStatus {
    pub fn from_digit(digit: u8) -> Option<Self> {
        match digit {
            0 => Some(Self::Low),
            1 => Some(Self::Ok),
            2 => Some(Self::High),
            _ => None,
        }
    }

    pub fn digit(self) -> u8 {
        match self {
            Self::Low => 0,
            Self::Ok => 1,
            Self::High => 2,
        }
    }
}

/// Overall status of one tightening: `0` NOK, `1` OK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TighteningStatus {
    Nok,
    Ok,
}

impl TighteningStatus {
    pub fn from_digit(digit: u8) -> Option<Self> {
        match digit {
            0 => Some(Self::Nok),
            1 => Some(Self::Ok),
            _ => None,
        }
    }

    pub fn digit(self) -> u8 {
        match self {
            Self::Nok => 0,
            Self::Ok => 1,
        }
    }

    pub fn is_ok(self) -> bool {
        self == Self::Ok
    }
}

/// Batch status: `0` NOK (not completed), `1` OK, `2` not used, `3` running (R2.16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BatchStatus {
    Nok,
    Ok,
    NotUsed,
    Running,
}

impl BatchStatus {
    pub fn from_digit(digit: u8) -> Option<Self> {
        match digit {
            0 => Some(Self::Nok),
            1 => Some(Self::Ok),
            2 => Some(Self::NotUsed),
            3 => Some(Self::Running),
            _ => None,
        }
    }

    pub fn digit(self) -> u8 {
        match self {
            Self::Nok => 0,
            Self::Ok => 1,
            Self::NotUsed => 2,
            Self::Running => 3,
        }
    }
}

/// Controller local time `YYYY-MM-DD:HH:MM:SS` (no zone on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl Timestamp {
    /// Parses the 19 wire bytes; `None` when the shape or a value is wrong.
    pub fn parse(raw: &[u8]) -> Option<Self> {
        if raw.len() != 19 {
            return None;
        }
        let seps = [(4, b'-'), (7, b'-'), (10, b':'), (13, b':'), (16, b':')];
        if seps.iter().any(|(i, c)| raw[*i] != *c) {
            return None;
        }
        let n = |a: usize, b: usize| super::field::parse_digits(&raw[a..b]);
        let ts = Self {
            year: u16::try_from(n(0, 4)?).ok()?,
            month: u8::try_from(n(5, 7)?).ok()?,
            day: u8::try_from(n(8, 10)?).ok()?,
            hour: u8::try_from(n(11, 13)?).ok()?,
            minute: u8::try_from(n(14, 16)?).ok()?,
            second: u8::try_from(n(17, 19)?).ok()?,
        };
        ts.is_valid().then_some(ts)
    }

    pub fn is_valid(&self) -> bool {
        let leap = self.year.is_multiple_of(4)
            && (!self.year.is_multiple_of(100) || self.year.is_multiple_of(400));
        let days = match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        self.year <= 9999
            && (1..=days).contains(&self.day)
            && self.hour < 24
            && self.minute < 60
            && self.second < 60
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}:{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// A MID 0004 error code (2 digits). Known codes have names; any other value is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorCode(pub u8);

impl ErrorCode {
    pub const NO_ERROR: Self = Self(0);
    pub const INVALID_DATA: Self = Self(1);
    pub const PSET_NOT_PRESENT: Self = Self(2);
    pub const PSET_CANNOT_BE_SET: Self = Self(3);
    pub const VIN_INPUT_SOURCE_NOT_GRANTED: Self = Self(8);
    pub const RESULT_SUBSCRIPTION_EXISTS: Self = Self(9);
    pub const RESULT_SUBSCRIPTION_MISSING: Self = Self(10);
    pub const TIGHTENING_ID_NOT_FOUND: Self = Self(15);
    pub const PROTOCOL_BUSY: Self = Self(16);
    pub const CLIENT_ALREADY_CONNECTED: Self = Self(96);
    pub const REVISION_UNSUPPORTED: Self = Self(97);
    pub const INTERNAL_TIMEOUT: Self = Self(98);
    pub const UNKNOWN_MID: Self = Self(99);

    /// The specification's meaning for the codes this crate acts on.
    pub fn description(self) -> &'static str {
        match self.0 {
            0 => "no error",
            1 => "invalid data",
            2 => "parameter set ID not present",
            3 => "parameter set can not be set",
            4 => "parameter set not running",
            8 => "VIN input source not granted",
            9 => "last tightening result subscription already exists",
            10 => "last tightening result subscription does not exist",
            15 => "tightening ID requested not found",
            16 => "connection rejected, protocol busy",
            79 => "command failed",
            96 => "client already connected",
            97 => "MID revision unsupported",
            98 => "controller internal request timeout",
            99 => "unknown MID",
            _ => "other error",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02} ({})", self.0, self.description())
    }
}
