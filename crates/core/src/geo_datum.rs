//! Geodetic datums of Chinese map data: WGS-84 (GPS, 天地图's CGCS2000 within a
//! metre or so) and GCJ-02 (the obfuscated datum of 高德 and other published
//! maps in China), with the standard WGS-84 → GCJ-02 transform and its inverse.
//!
//! The forward transform is the published closed form (Krasovsky ellipsoid
//! constants); the inverse has no closed form and is found by fixed-point
//! iteration until the forward image of the estimate is within 1e-9° (about
//! 0.1 mm) of the input.

use crate::error::FieldError;

/// A coordinate datum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Datum {
    /// WGS-84 (and CGCS2000, which differs by well under a metre).
    Wgs84,
    /// GCJ-02 (国测局坐标).
    Gcj02,
}

impl Datum {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Wgs84 => "wgs84",
            Self::Gcj02 => "gcj02",
        }
    }

    /// The name people write.
    pub fn label(self) -> &'static str {
        match self {
            Self::Wgs84 => "WGS-84",
            Self::Gcj02 => "GCJ-02",
        }
    }

    /// From a code or a common spelling (`WGS-84`, `wgs84`, `CGCS2000`, `GCJ-02`,
    /// `gcj02`, `火星坐标`).
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let f: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .collect::<String>()
            .to_ascii_lowercase();
        match f.as_str() {
            "wgs84" | "cgcs2000" | "epsg4326" | "epsg4490" => Ok(Self::Wgs84),
            "gcj02" | "火星坐标" | "国测局坐标" => Ok(Self::Gcj02),
            _ => Err(FieldError::new("datum", "geo_datum_unknown").with("value", s)),
        }
    }
}

/// China's extent, degrees: west, east, south, north. Coordinates outside it are
/// refused (a swapped longitude/latitude pair lands here too).
pub const CHINA: (f64, f64, f64, f64) = (73.4, 135.1, 3.8, 53.6);

/// Whether a point lies in China's extent.
pub fn in_china(lon: f64, lat: f64) -> bool {
    (CHINA.0..=CHINA.1).contains(&lon) && (CHINA.2..=CHINA.3).contains(&lat)
}

const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;

fn offset_lat(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn offset_lon(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS-84 → GCJ-02, degrees `(lon, lat)`. Outside China the datums coincide.
pub fn wgs_to_gcj(lon: f64, lat: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    if !in_china(lon, lat) {
        return (lon, lat);
    }
    let d_lat = offset_lat(lon - 105.0, lat - 35.0);
    let d_lon = offset_lon(lon - 105.0, lat - 35.0);
    let rad = lat / 180.0 * PI;
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    let d_lat = (d_lat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let d_lon = (d_lon * 180.0) / (A / sqrt_magic * rad.cos() * PI);
    (lon + d_lon, lat + d_lat)
}

/// GCJ-02 → WGS-84, degrees `(lon, lat)`, by iteration: start from the input,
/// move by the residual of the forward transform until it vanishes.
pub fn gcj_to_wgs(lon: f64, lat: f64) -> (f64, f64) {
    if !in_china(lon, lat) {
        return (lon, lat);
    }
    let (mut x, mut y) = (lon, lat);
    for _ in 0..30 {
        let (fx, fy) = wgs_to_gcj(x, y);
        let (dx, dy) = (fx - lon, fy - lat);
        x -= dx;
        y -= dy;
        if dx.abs() < 1e-10 && dy.abs() < 1e-10 {
            break;
        }
    }
    (x, y)
}

/// Converts `(lon, lat)` from one datum to another.
pub fn convert(from: Datum, to: Datum, lon: f64, lat: f64) -> (f64, f64) {
    match (from, to) {
        (Datum::Wgs84, Datum::Gcj02) => wgs_to_gcj(lon, lat),
        (Datum::Gcj02, Datum::Wgs84) => gcj_to_wgs(lon, lat),
        _ => (lon, lat),
    }
}

/// Great-circle distance in metres (haversine on a 6,371 km sphere): enough for
/// tests and tolerances at district scale.
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6_371_008.8;
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let dla = la2 - la1;
    let dlo = (b.0 - a.0).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference pair every implementation of the transform publishes
    /// (Beijing, 天安门 area): WGS-84 (116.404, 39.915) ↔ GCJ-02
    /// (116.41024449916938, 39.91640428150164).
    const WGS: (f64, f64) = (116.404, 39.915);
    const GCJ: (f64, f64) = (116.410_244_499_169_38, 39.916_404_281_501_64);

    #[test]
    fn forward_matches_the_reference_pair() {
        let g = wgs_to_gcj(WGS.0, WGS.1);
        assert!(distance_m(g, GCJ) < 0.01, "{g:?}");
    }

    #[test]
    fn inverse_matches_the_reference_pair_within_a_metre() {
        let w = gcj_to_wgs(GCJ.0, GCJ.1);
        let d = distance_m(w, WGS);
        assert!(d < 1.0, "{d} m");
        // The naive one-step inverse is several metres off; ours is far closer.
        assert!(d < 0.001, "{d} m");
    }

    #[test]
    fn the_offset_is_hundreds_of_metres_in_chongqing_and_round_trips() {
        for &(lon, lat) in &[
            (106.056, 29.845),
            (105.777, 29.521),
            (106.282, 30.095),
            (121.5, 31.2),
            (87.6, 43.8),
        ] {
            let g = wgs_to_gcj(lon, lat);
            let off = distance_m((lon, lat), g);
            assert!((100.0..1000.0).contains(&off), "{off}");
            let back = gcj_to_wgs(g.0, g.1);
            assert!(distance_m(back, (lon, lat)) < 0.01);
            assert_eq!(convert(Datum::Wgs84, Datum::Wgs84, lon, lat), (lon, lat));
        }
    }

    #[test]
    fn outside_china_nothing_moves() {
        assert_eq!(wgs_to_gcj(2.35, 48.85), (2.35, 48.85));
        assert_eq!(gcj_to_wgs(-74.0, 40.7), (-74.0, 40.7));
        assert!(!in_china(29.8, 106.0), "swapped pair");
    }

    #[test]
    fn datum_names() {
        assert_eq!(Datum::parse("WGS-84").unwrap(), Datum::Wgs84);
        assert_eq!(Datum::parse("CGCS2000").unwrap(), Datum::Wgs84);
        assert_eq!(Datum::parse("gcj_02").unwrap(), Datum::Gcj02);
        assert_eq!(Datum::parse("bd09").unwrap_err().code, "geo_datum_unknown");
    }
}
