//! Organisations: enterprises, universities, research institutes and banks.

use crate::credit_code::CreditCode;
use crate::error::FieldError;
use crate::money::parse_scaled;
use chrono::NaiveDate;

/// What kind of organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 企业.
    Enterprise,
    /// 高校.
    University,
    /// 科研院所.
    Institute,
    /// 金融机构.
    Bank,
}

impl OrgKind {
    /// All kinds.
    pub const ALL: [OrgKind; 4] = [
        Self::Enterprise,
        Self::University,
        Self::Institute,
        Self::Bank,
    ];

    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::Enterprise => "enterprise",
            Self::University => "university",
            Self::Institute => "institute",
            Self::Bank => "bank",
        }
    }

    /// zh-CN name.
    pub fn zh(self) -> &'static str {
        match self {
            Self::Enterprise => "企业",
            Self::University => "高校",
            Self::Institute => "科研院所",
            Self::Bank => "金融机构",
        }
    }

    /// From a code or a zh-CN name.
    pub fn parse(s: &str) -> Option<Self> {
        let f = crate::text::fold(s);
        Self::ALL
            .into_iter()
            .find(|k| f == k.code().to_ascii_uppercase() || f == k.zh())
            .or(match f.as_str() {
                "大学" | "学院" | "高等院校" => Some(Self::University),
                "研究院" | "研究所" | "院所" => Some(Self::Institute),
                "银行" => Some(Self::Bank),
                _ => None,
            })
    }
}

/// A point in WGS-84 / CGCS2000, held exactly as micro-degrees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Coordinates {
    /// Longitude × 10⁶.
    pub lon_micro: i64,
    /// Latitude × 10⁶.
    pub lat_micro: i64,
}

impl Coordinates {
    /// Parses longitude and latitude typed as decimal degrees (at most 6 decimals).
    /// Refuses points outside China's extent (73–136 °E, 3–54 °N), which catches
    /// swapped columns.
    pub fn parse(lon: &str, lat: &str) -> Result<Self, FieldError> {
        let lon_micro = parse_scaled(lon, 6).map_err(|_| {
            FieldError::new("longitude", "coordinates_invalid").with("value", lon.trim())
        })?;
        let lat_micro = parse_scaled(lat, 6).map_err(|_| {
            FieldError::new("latitude", "coordinates_invalid").with("value", lat.trim())
        })?;
        Self::from_micro(lon_micro, lat_micro)
    }

    /// From micro-degrees, with the same range check.
    pub fn from_micro(lon_micro: i64, lat_micro: i64) -> Result<Self, FieldError> {
        if !(73_000_000..=136_000_000).contains(&lon_micro) {
            return Err(FieldError::new("longitude", "coordinates_outside_china")
                .with("value", crate::money::format_scaled(lon_micro, 6, 0)));
        }
        if !(3_000_000..=54_000_000).contains(&lat_micro) {
            return Err(FieldError::new("latitude", "coordinates_outside_china")
                .with("value", crate::money::format_scaled(lat_micro, 6, 0)));
        }
        Ok(Self {
            lon_micro,
            lat_micro,
        })
    }

    /// Longitude in degrees (for drawing only).
    pub fn lon(self) -> f64 {
        self.lon_micro as f64 / 1e6
    }

    /// Latitude in degrees (for drawing only).
    pub fn lat(self) -> f64 {
        self.lat_micro as f64 / 1e6
    }
}

/// A validated organisation record (without its id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// Kind.
    pub kind: OrgKind,
    /// 统一社会信用代码.
    pub credit_code: CreditCode,
    /// Registered name.
    pub name: String,
    /// Town or street (镇街).
    pub town: Option<String>,
    /// Industry cluster (产业集群).
    pub cluster: Option<String>,
    /// Location.
    pub coordinates: Option<Coordinates>,
    /// 成立日期.
    pub founded_on: Option<NaiveDate>,
    /// 规模以上工业企业.
    pub above_scale: bool,
    /// Address.
    pub address: Option<String>,
}

/// Longest name accepted.
pub const MAX_NAME_CHARS: usize = 100;

/// Validates a required free-text field: trimmed, non-empty, at most `max` characters.
pub fn required_text(field: &str, s: &str, max: usize) -> Result<String, FieldError> {
    let t = crate::text::trim(s);
    if t.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    optional_text(field, t, max).map(|o| o.unwrap_or_default())
}

/// Validates an optional free-text field: empty means `None`.
pub fn optional_text(field: &str, s: &str, max: usize) -> Result<Option<String>, FieldError> {
    let t = crate::text::trim(s);
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(FieldError::new(field, "too_long").with("max", max));
    }
    if t.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(field, "control_chars"));
    }
    Ok(Some(t.to_string()))
}

/// Parses a yes/no cell: 是/否, Y/N, 1/0, true/false, √/×; blank is `None`.
pub fn parse_bool(field: &str, s: &str) -> Result<Option<bool>, FieldError> {
    let f = crate::text::fold(s);
    Ok(Some(match f.as_str() {
        "" => return Ok(None),
        "是" | "Y" | "YES" | "1" | "TRUE" | "√" | "✓" | "规上" => true,
        "否" | "N" | "NO" | "0" | "FALSE" | "×" | "✗" | "规下" => false,
        _ => return Err(FieldError::new(field, "bool_invalid").with("value", s.trim())),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_exact_and_range_checked() {
        let c = Coordinates::parse("106.054321", "29.845").unwrap();
        assert_eq!((c.lon_micro, c.lat_micro), (106_054_321, 29_845_000));
        assert_eq!(
            Coordinates::parse("29.8", "106.0").unwrap_err().code,
            "coordinates_outside_china"
        );
        assert_eq!(
            Coordinates::parse("abc", "29").unwrap_err().field,
            "longitude"
        );
    }

    #[test]
    fn yes_no_cells() {
        assert_eq!(parse_bool("f", "是").unwrap(), Some(true));
        assert_eq!(parse_bool("f", " 否 ").unwrap(), Some(false));
        assert_eq!(parse_bool("f", "").unwrap(), None);
        assert_eq!(parse_bool("f", "也许").unwrap_err().code, "bool_invalid");
    }

    #[test]
    fn text_fields() {
        assert_eq!(
            required_text("name", "  ", 10).unwrap_err().code,
            "required"
        );
        assert_eq!(
            required_text("name", "一二三四五", 4).unwrap_err().code,
            "too_long"
        );
        assert_eq!(optional_text("a", "", 4).unwrap(), None);
        assert_eq!(OrgKind::parse("高校"), Some(OrgKind::University));
        assert_eq!(OrgKind::parse("enterprise"), Some(OrgKind::Enterprise));
    }
}
