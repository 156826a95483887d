//! Exact money: integer fen in a [`Money`], 万元 only at the edges.
//!
//! Policy texts and filings state money in 万元 with two decimals; the database and
//! every sum hold fen (1 万元 = 1,000,000 fen). Parsing never goes through a float.

use rust_decimal::Decimal;
use std::fmt;

/// Fen per 元.
pub const FEN_PER_YUAN: i64 = 100;
/// Fen per 万元.
pub const FEN_PER_WAN: i64 = 1_000_000;

/// An amount of money in fen (0.01 元). Negative amounts are allowed (losses,
/// reversals); whether a field may be negative is the field's rule.
///
/// Serialized as the bare integer number of fen.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

/// Why a decimal number could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// Not a number at all.
    #[error("not a number")]
    NotANumber,
    /// More decimal places than the unit allows (e.g. below 1 fen).
    #[error("too many decimal places (at most {max})")]
    TooPrecise {
        /// Decimal places allowed.
        max: u32,
    },
    /// Does not fit the storage range.
    #[error("out of range")]
    OutOfRange,
}

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);

    /// From fen.
    pub const fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    /// From whole 元.
    pub fn from_yuan(yuan: i64) -> Option<Self> {
        yuan.checked_mul(FEN_PER_YUAN).map(Money)
    }

    /// The amount in fen.
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Parses an amount written in 万元 ("1,234.56", "-12.5", "０.５"), exactly.
    pub fn parse_wan(s: &str) -> Result<Self, NumberError> {
        parse_scaled(s, 6).map(Money)
    }

    /// Parses an amount written in 元, exactly (at most two decimals).
    pub fn parse_yuan(s: &str) -> Result<Self, NumberError> {
        parse_scaled(s, 2).map(Money)
    }

    /// The exact amount in 万元 as a decimal.
    pub fn to_wan(self) -> Decimal {
        Decimal::new(self.0, 6).normalize()
    }

    /// The amount in 万元 rounded half away from zero to two decimals, as the policy
    /// texts print it.
    pub fn wan_2dp(self) -> Decimal {
        Decimal::new(self.0, 6)
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    }

    /// Checked addition.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

impl fmt::Display for Money {
    /// `¥1,234.56` in 元 with thousands separators.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let yuan = abs / 100;
        let fen = abs % 100;
        write!(
            f,
            "{}¥{}.{:02}",
            if neg { "-" } else { "" },
            group_thousands(yuan),
            fen
        )
    }
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Parses a decimal string into an integer count of `10^-decimals` units, exactly.
///
/// Accepts full-width digits, thousands separators, a leading `+`/`-`/`−`, and
/// surrounding spaces. Refuses exponents, fractions finer than `decimals` places,
/// and values beyond `i64`.
pub fn parse_scaled(s: &str, decimals: u32) -> Result<i64, NumberError> {
    let s = crate::text::half_width(s);
    let s = crate::text::trim(&s);
    let (neg, body) = match s.chars().next() {
        Some('-') | Some('−') => (true, &s[s.chars().next().map_or(0, char::len_utf8)..]),
        Some('+') => (false, &s[1..]),
        _ => (false, s),
    };
    let body = body.trim();
    if body.is_empty() {
        return Err(NumberError::NotANumber);
    }
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(NumberError::NotANumber);
    }
    // Thousands separators only in the integer part, in groups of three.
    let int_digits: String = if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3);
        if !ok {
            return Err(NumberError::NotANumber);
        }
        groups.concat()
    } else {
        int_part.to_string()
    };
    if !int_digits.chars().all(|c| c.is_ascii_digit())
        || !frac_part.chars().all(|c| c.is_ascii_digit())
    {
        return Err(NumberError::NotANumber);
    }
    let frac_trimmed = frac_part.trim_end_matches('0');
    if frac_trimmed.len() > decimals as usize {
        return Err(NumberError::TooPrecise { max: decimals });
    }
    let mut value: i128 = 0;
    for c in int_digits.chars() {
        value = value * 10 + i128::from(c as u8 - b'0');
        if value > i128::from(i64::MAX) {
            return Err(NumberError::OutOfRange);
        }
    }
    for i in 0..decimals as usize {
        let d = frac_trimmed.as_bytes().get(i).map_or(0, |b| b - b'0');
        value = value * 10 + i128::from(d);
    }
    let value = if neg { -value } else { value };
    i64::try_from(value).map_err(|_| NumberError::OutOfRange)
}

/// Formats `value` units of `10^-decimals` as a decimal string without trailing zeros
/// (at least `min_decimals` decimals).
pub fn format_scaled(value: i64, decimals: u32, min_decimals: u32) -> String {
    let d = Decimal::new(value, decimals).normalize();
    if d.scale() < min_decimals {
        let mut d = d;
        d.rescale(min_decimals);
        d.to_string()
    } else {
        d.to_string()
    }
}

/// The decimal a spreadsheet meant by a floating-point cell: rounded to the 15
/// significant digits Excel keeps, so `1234.5599999999999` reads as `1234.56`.
pub fn float_cell_to_string(v: f64) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    if v == 0.0 {
        return Some("0".into());
    }
    let sci = format!("{v:.14e}");
    let d = Decimal::from_scientific(&sci).ok()?;
    Some(d.normalize().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_wan_exactly_to_fen() {
        assert_eq!(Money::parse_wan("1234.56").unwrap().fen(), 1_234_560_000);
        assert_eq!(Money::parse_wan("1,234.5").unwrap().fen(), 1_234_500_000);
        assert_eq!(Money::parse_wan("0.000001").unwrap().fen(), 1);
        assert_eq!(Money::parse_wan("-3").unwrap().fen(), -3_000_000);
        assert_eq!(Money::parse_wan("１２.５").unwrap().fen(), 12_500_000);
        assert_eq!(Money::parse_wan("12.5000000").unwrap().fen(), 12_500_000);
    }

    #[test]
    fn refuses_sub_fen_amounts_and_garbage() {
        assert_eq!(
            Money::parse_wan("0.0000001"),
            Err(NumberError::TooPrecise { max: 6 })
        );
        assert_eq!(Money::parse_wan("abc"), Err(NumberError::NotANumber));
        assert_eq!(Money::parse_wan("1e5"), Err(NumberError::NotANumber));
        assert_eq!(Money::parse_wan("12,34"), Err(NumberError::NotANumber));
        assert_eq!(Money::parse_wan(""), Err(NumberError::NotANumber));
        assert_eq!(
            Money::parse_wan("99999999999999999999"),
            Err(NumberError::OutOfRange)
        );
    }

    #[test]
    fn wan_rounds_half_away_from_zero_to_two_decimals() {
        assert_eq!(
            Money::from_fen(1_131_005_000).wan_2dp().to_string(),
            "1131.01"
        );
        assert_eq!(Money::from_fen(-5_000).wan_2dp().to_string(), "-0.01");
    }

    #[test]
    fn displays_yuan_with_thousands_separators() {
        assert_eq!(Money::from_fen(123_400_000).to_string(), "¥1,234,000.00");
        assert_eq!(Money::from_fen(-5).to_string(), "-¥0.05");
    }

    #[test]
    fn float_cells_read_as_excel_shows_them() {
        let noisy = f64::from_bits(1234.56f64.to_bits() - 1);
        assert_eq!(float_cell_to_string(noisy).unwrap(), "1234.56");
        assert_eq!(float_cell_to_string(0.1 + 0.2).unwrap(), "0.3");
        assert_eq!(float_cell_to_string(45000.0).unwrap(), "45000");
        assert!(float_cell_to_string(f64::NAN).is_none());
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(v in -1_000_000_000_000i64..1_000_000_000_000i64) {
            let s = format_scaled(v, 6, 0);
            prop_assert_eq!(parse_scaled(&s, 6).unwrap(), v);
        }
    }
}
