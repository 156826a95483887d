//! Calendar dates as people and spreadsheets write them.
//!
//! Accepted: ISO `2023-05-01`, slashes `2023/5/1`, dots `2023.5.1`, Chinese
//! `2023年5月1日`, compact `20230501`, any of these followed by a time
//! (`2023-05-01 00:00:00`, `2023-05-01T08:00`), and Excel serial day numbers
//! (1900 system, with Excel's phantom 1900-02-29; the 1904 system on request).

use crate::error::FieldError;
use chrono::{Datelike, NaiveDate};

/// Dates stored in the database are `YYYY-MM-DD` text.
pub fn to_iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Parses a stored `YYYY-MM-DD` date.
pub fn from_iso(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Converts an Excel serial day number to a date. Fractions (times) are dropped.
pub fn from_excel_serial(serial: f64, is_1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let base = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?
    } else if days < 60 {
        // Serial 1 is 1900-01-01; Excel pretends 1900-02-29 (serial 60) existed.
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    base.checked_add_signed(chrono::TimeDelta::days(days))
}

/// Parses a date typed as text, reporting `date_invalid` against `field`.
pub fn parse(field: &str, input: &str) -> Result<NaiveDate, FieldError> {
    parse_text(input)
        .ok_or_else(|| FieldError::new(field, "date_invalid").with("value", input.trim()))
}

fn parse_text(input: &str) -> Option<NaiveDate> {
    let s = crate::text::half_width(input);
    let s = crate::text::trim(&s);
    // Drop a time part.
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y = s[0..4].parse().ok()?;
        let m = s[4..6].parse().ok()?;
        let d = s[6..8].parse().ok()?;
        return plausible(NaiveDate::from_ymd_opt(y, m, d)?);
    }
    let s = s.trim_end_matches('日').trim_end_matches('号');
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if parts[0].len() != 4 {
        return None;
    }
    let y: i32 = parts[0].parse().ok()?;
    let m: u32 = parts[1].parse().ok()?;
    let d: u32 = parts[2].parse().ok()?;
    plausible(NaiveDate::from_ymd_opt(y, m, d)?)
}

fn plausible(d: NaiveDate) -> Option<NaiveDate> {
    (1900..=2200).contains(&d.year()).then_some(d)
}

/// The last day of a month.
pub fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

/// Parses a month `2023-10`, `2023/10`, `202310` or `2023年10月`.
pub fn parse_month(field: &str, input: &str) -> Result<(i32, u32), FieldError> {
    let err = || FieldError::new(field, "month_invalid").with("value", input.trim());
    let s = crate::text::half_width(input);
    let s = crate::text::trim(&s).trim_end_matches('月');
    let (y, m) = if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        (&s[..4], &s[4..])
    } else {
        s.split_once(['-', '/', '.', '年']).ok_or_else(err)?
    };
    let y: i32 = y.parse().map_err(|_| err())?;
    let m: u32 = m.parse().map_err(|_| err())?;
    if !(1..=12).contains(&m) || !(1900..=2200).contains(&y) {
        return Err(err());
    }
    Ok((y, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reads_the_five_common_text_formats() {
        for s in [
            "2023-05-01",
            "2023/5/1",
            "2023.05.01",
            "2023年5月1日",
            "20230501",
            "2023-05-01 00:00:00",
            "２０２３-０５-０１",
        ] {
            assert_eq!(parse("成立日期", s).unwrap(), d(2023, 5, 1), "{s}");
        }
    }

    #[test]
    fn reads_excel_serials_in_both_systems() {
        assert_eq!(from_excel_serial(45047.0, false), Some(d(2023, 5, 1)));
        assert_eq!(from_excel_serial(45047.75, false), Some(d(2023, 5, 1)));
        assert_eq!(from_excel_serial(1.0, false), Some(d(1900, 1, 1)));
        assert_eq!(from_excel_serial(61.0, false), Some(d(1900, 3, 1)));
        assert_eq!(from_excel_serial(43585.0, true), Some(d(2023, 5, 1)));
        assert_eq!(from_excel_serial(-1.0, false), None);
    }

    #[test]
    fn refuses_impossible_dates_naming_the_field() {
        let e = parse("认定日期", "2023-02-30").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("认定日期", "date_invalid"));
        assert!(parse("x", "next tuesday").is_err());
        assert!(parse("x", "23-5-1").is_err());
    }

    #[test]
    fn months_and_month_ends() {
        assert_eq!(parse_month("to", "2023-10").unwrap(), (2023, 10));
        assert_eq!(parse_month("to", "2023年2月").unwrap(), (2023, 2));
        assert!(parse_month("to", "2023-13").is_err());
        assert_eq!(month_end(2024, 2), Some(d(2024, 2, 29)));
        assert_eq!(month_end(2023, 12), Some(d(2023, 12, 31)));
    }
}

/// The calendar date in China (UTC+8, no daylight saving) at a unix-µs instant.
pub fn china_date_of(unix_us: i64) -> NaiveDate {
    let secs = unix_us.div_euclid(1_000_000) + 8 * 3600;
    chrono::DateTime::from_timestamp(secs, 0).map_or(NaiveDate::MIN, |d| d.date_naive())
}

/// `YYYY-MM-DD HH:MM` in China time, for display.
pub fn china_datetime_of(unix_us: i64) -> String {
    let secs = unix_us.div_euclid(1_000_000) + 8 * 3600;
    chrono::DateTime::from_timestamp(secs, 0)
        .map_or_else(String::new, |d| d.format("%Y-%m-%d %H:%M").to_string())
}

#[cfg(test)]
mod china_tests {
    use super::*;

    #[test]
    fn china_date_rolls_over_at_16_utc() {
        // 2023-09-30 16:00:00 UTC is 2023-10-01 00:00 in Beijing.
        let us = 1_696_089_600_000_000;
        assert_eq!(china_date_of(us).to_string(), "2023-10-01");
        assert_eq!(china_date_of(us - 1).to_string(), "2023-09-30");
        assert_eq!(china_datetime_of(us), "2023-10-01 00:00");
    }
}
