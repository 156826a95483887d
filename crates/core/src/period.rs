//! Reporting periods: calendar years and year-to-date quarters.
//!
//! Chinese statistics report a quarter cumulatively from January: "2023Q3" is
//! 2023年1—9月, and its year-on-year comparison is 2022年1—9月. A year is the
//! accounting year. In the database a period is one integer, `year * 10 + q` with
//! `q = 0` for the year, so periods sort and compare as numbers.

use crate::error::FieldError;
use chrono::NaiveDate;
use std::fmt;

/// Earliest year accepted.
pub const MIN_YEAR: i32 = 1990;
/// Latest year accepted.
pub const MAX_YEAR: i32 = 2100;

/// A year (`quarter == 0`) or a year-to-date quarter (1–4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: i32,
    quarter: u8,
}

impl Period {
    /// A whole accounting year.
    pub fn year(year: i32) -> Option<Self> {
        (MIN_YEAR..=MAX_YEAR)
            .contains(&year)
            .then_some(Self { year, quarter: 0 })
    }

    /// A year-to-date quarter, 1–4.
    pub fn quarter(year: i32, quarter: u8) -> Option<Self> {
        ((MIN_YEAR..=MAX_YEAR).contains(&year) && (1..=4).contains(&quarter))
            .then_some(Self { year, quarter })
    }

    /// The calendar year.
    pub fn year_number(self) -> i32 {
        self.year
    }

    /// The quarter (1–4), or `None` for a year.
    pub fn quarter_number(self) -> Option<u8> {
        (self.quarter != 0).then_some(self.quarter)
    }

    /// Whether this is a whole year.
    pub fn is_annual(self) -> bool {
        self.quarter == 0
    }

    /// The integer stored in the database.
    pub fn code(self) -> i32 {
        self.year * 10 + i32::from(self.quarter)
    }

    /// The period for a stored integer.
    pub fn from_code(code: i32) -> Option<Self> {
        let q = code.rem_euclid(10) as u8;
        let y = code.div_euclid(10);
        if q == 0 {
            Self::year(y)
        } else {
            Self::quarter(y, q)
        }
    }

    /// The same period one year earlier (the year-on-year base).
    pub fn year_earlier(self) -> Option<Self> {
        Self::from_code(self.code() - 10)
    }

    /// The last month covered (3, 6, 9 or 12).
    pub fn end_month(self) -> u32 {
        if self.quarter == 0 {
            12
        } else {
            u32::from(self.quarter) * 3
        }
    }

    /// The last day covered.
    pub fn end_date(self) -> NaiveDate {
        crate::date::month_end(self.year, self.end_month()).unwrap_or(NaiveDate::MIN)
    }

    /// zh-CN label: `2023年1—9月` for a quarter, `2023年度` for a year.
    pub fn label_zh(self) -> String {
        if self.quarter == 0 {
            format!("{}年度", self.year)
        } else {
            format!("{}年1—{}月", self.year, self.end_month())
        }
    }

    /// Parses the forms people write: `2023Q3`, `2023-Q3`, `2023 q3`, `2023年第3季度`,
    /// `2023年第三季度`, `2023年三季度`, `2023年1-9月`, `2023年1—9月`, `2023`, `2023年`,
    /// `2023年度`. Errors with `period_invalid` against the field `period`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let err = || FieldError::new("period", "period_invalid").with("value", input.trim());
        let s = crate::text::fold(input);
        let s = s.trim_end_matches("累计").trim_end_matches("(累计)");
        let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        if digits_end != 4 {
            return Err(err());
        }
        let year: i32 = s[..4].parse().map_err(|_| err())?;
        let rest = s[4..].trim_start_matches('-').trim_start_matches('年');
        let rest = rest.trim_start_matches('-');
        let quarter = match rest {
            "" | "度" | "年度" | "全年" | "FY" => 0,
            _ => parse_quarter(rest).ok_or_else(err)?,
        };
        let p = if quarter == 0 {
            Self::year(year)
        } else {
            Self::quarter(year, quarter)
        };
        p.ok_or_else(err)
    }
}

fn parse_quarter(rest: &str) -> Option<u8> {
    let q = |c: &str| -> Option<u8> {
        match c {
            "1" | "一" => Some(1),
            "2" | "二" => Some(2),
            "3" | "三" => Some(3),
            "4" | "四" => Some(4),
            _ => None,
        }
    };
    if let Some(n) = rest.strip_prefix('Q') {
        return q(n);
    }
    if let Some(body) = rest.strip_suffix("季度") {
        return q(body.trim_start_matches('第'));
    }
    if let Some(body) = rest.strip_suffix('季') {
        return q(body.trim_start_matches('第'));
    }
    // Cumulative months from January: 1-3月, 1-6月, 1-9月, 1-12月.
    if let Some(body) = rest.strip_suffix('月') {
        let (from, to) = body.split_once('-')?;
        if from != "1" {
            return None;
        }
        return match to {
            "3" => Some(1),
            "6" => Some(2),
            "9" => Some(3),
            "12" => Some(4),
            _ => None,
        };
    }
    None
}

impl fmt::Display for Period {
    /// `2023Q3` or `2023`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quarter == 0 {
            write!(f, "{}", self.year)
        } else {
            write!(f, "{}Q{}", self.year, self.quarter)
        }
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Period::parse(&s).map_err(|e| serde::de::Error::custom(e.message()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_common_spelling() {
        let q3 = Period::quarter(2023, 3).unwrap();
        for s in [
            "2023Q3",
            "2023q3",
            "2023-Q3",
            "2023 Q3",
            "2023年第3季度",
            "2023年第三季度",
            "2023年三季度",
            "2023年1-9月",
            "2023年1—9月",
            "２０２３Ｑ３",
            "2023年1-9月累计",
        ] {
            assert_eq!(Period::parse(s).unwrap(), q3, "{s}");
        }
        let y = Period::year(2023).unwrap();
        for s in ["2023", "2023年", "2023年度", " 2023 "] {
            assert_eq!(Period::parse(s).unwrap(), y, "{s}");
        }
    }

    #[test]
    fn refuses_unknown_periods() {
        for s in [
            "2023Q5",
            "2023年4-9月",
            "23Q1",
            "Q3",
            "2023H1",
            "1800",
            "2023-13",
        ] {
            let e = Period::parse(s).unwrap_err();
            assert_eq!(e.code, "period_invalid", "{s}");
        }
    }

    #[test]
    fn codes_sort_and_round_trip() {
        let p = Period::quarter(2023, 3).unwrap();
        assert_eq!(p.code(), 20233);
        assert_eq!(Period::from_code(20233), Some(p));
        assert_eq!(p.year_earlier().unwrap().to_string(), "2022Q3");
        assert_eq!(p.end_date().to_string(), "2023-09-30");
        assert_eq!(p.label_zh(), "2023年1—9月");
        assert!(Period::year(2022).unwrap() < Period::quarter(2022, 1).unwrap());
    }
}
