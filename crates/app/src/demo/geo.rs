//! The demo district's boundaries: 铜梁区's outline (demo data, see
//! `data/tongliang-outline.NOTICE.md`) and fictional but plausible town shapes,
//! the Voronoi cells around the 28 town centres of [`super::geography`] clipped to
//! the outline. The demo's datum is WGS-84 (registry coordinates and boundaries).
//! Demo organisations are placed inside their town's cell.

use super::geography::{TOWNS, Town};
use crate::{AppError, AppResult};
use kechuang_core::geo_area::{self, Area, AreaLevel, DistrictMap};
use kechuang_core::geo_datum::Datum;
use kechuang_core::org::Coordinates;
use std::sync::OnceLock;

/// The committed outline (a FeatureCollection holding the district feature).
pub(crate) const OUTLINE: &str = include_str!("data/tongliang-outline.geojson");

/// The name the demo's upload is recorded under.
pub(crate) const SOURCE_NAME: &str = "演示区县边界（铜梁区轮廓 + 泰森多边形镇街）";

fn build() -> AppResult<DistrictMap> {
    let internal = |m: String| AppError::Internal(anyhow::anyhow!("demo geography: {m}"));
    let v: serde_json::Value =
        serde_json::from_str(OUTLINE).map_err(|e| internal(e.to_string()))?;
    let f = &v["features"][0];
    let shape =
        geo_area::geometry(&f["geometry"], Datum::Wgs84).map_err(|e| internal(e.to_string()))?;
    let district = Area::new(
        f["properties"]["code"].as_str().unwrap_or("500151"),
        f["properties"]["name"].as_str().unwrap_or("铜梁区"),
        AreaLevel::District,
        shape,
    );
    // A few listed centres lie just outside the outline's edge: their sites are
    // pulled towards the district seat until inside.
    let seat = (TOWNS[0].lon as f64 / 1e6, TOWNS[0].lat as f64 / 1e6);
    let sites: Vec<(f64, f64)> = TOWNS
        .iter()
        .map(|t| {
            let p = (t.lon as f64 / 1e6, t.lat as f64 / 1e6);
            let q = geo_area::pull_inside(&district, seat, p);
            // A little further in, so the cell is not a sliver on the edge.
            if q == p {
                q
            } else {
                (q.0 + (seat.0 - q.0) * 0.05, q.1 + (seat.1 - q.1) * 0.05)
            }
        })
        .collect();
    let cells = geo_area::voronoi_clipped(&district.shape, &sites);
    let mut areas = vec![(0, district)];
    for (i, (t, cell)) in TOWNS.iter().zip(cells).enumerate() {
        areas.push((i + 1, Area::new(t.code, t.name, AreaLevel::Town, cell)));
    }
    DistrictMap::check(areas).map_err(|e| {
        internal(
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// The demo district's geography (built once per process).
pub(crate) fn district() -> AppResult<&'static DistrictMap> {
    static MAP: OnceLock<Result<DistrictMap, String>> = OnceLock::new();
    MAP.get_or_init(|| build().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

/// A point for an organisation of `town`, moved towards the town's centre until it
/// lies inside the town's cell (the point itself when the geography is missing).
pub(crate) fn inside(town: &Town, c: Coordinates) -> Coordinates {
    let Ok(map) = district() else { return c };
    let Some(area) = map.town(town.name) else {
        return c;
    };
    let centre = site_of(map, town);
    let (x, y) = geo_area::pull_inside(area, centre, (c.lon(), c.lat()));
    let (lon_micro, lat_micro) = ((x * 1e6).round() as i64, (y * 1e6).round() as i64);
    // Rounding to micro-degrees may step over a boundary; the centre never does.
    if area.contains(lon_micro as f64 / 1e6, lat_micro as f64 / 1e6) {
        Coordinates {
            lon_micro,
            lat_micro,
        }
    } else {
        Coordinates {
            lon_micro: (centre.0 * 1e6).round() as i64,
            lat_micro: (centre.1 * 1e6).round() as i64,
        }
    }
}

/// A point inside the town's cell: its listed centre, or (for the centres just
/// outside the outline) the cell's interior point.
fn site_of(map: &DistrictMap, town: &Town) -> (f64, f64) {
    let c = (town.lon as f64 / 1e6, town.lat as f64 / 1e6);
    match map.town(town.name) {
        Some(a) if !a.contains(c.0, c.1) => {
            use ::geo::InteriorPoint;
            a.shape.interior_point().map_or(c, |p| (p.x(), p.y()))
        }
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::geography::scatter;
    use crate::demo::rng::Rng;

    #[test]
    fn the_demo_geography_is_valid_and_every_town_holds_its_centre() {
        let m = district().unwrap();
        assert_eq!(m.district.name, "铜梁区");
        assert_eq!(m.towns.len(), 28);
        for t in &TOWNS {
            let a = m.town(t.name).unwrap();
            assert_eq!(a.code, t.code);
            let c = site_of(m, t);
            assert!(a.contains(c.0, c.1), "{}", t.name);
        }
        // The file round-trips through the upload checks.
        let text = serde_json::to_vec(&m.to_geojson()).unwrap();
        let again = DistrictMap::parse(&text, Datum::Wgs84).unwrap();
        assert_eq!(again.towns.len(), 28);
        assert!(text.len() < 200_000, "{}", text.len());
    }

    #[test]
    fn scattered_demo_points_fall_inside_their_towns() {
        let m = district().unwrap();
        let mut rng = Rng::stream(11, "geo-test");
        for t in &TOWNS {
            for _ in 0..40 {
                let c = scatter(&mut rng, t);
                assert_eq!(
                    m.town_at(c.lon(), c.lat()).map(|a| a.name.as_str()),
                    Some(t.name)
                );
            }
        }
    }
}
