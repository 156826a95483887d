//! The district's geography: its outline and its towns/streets (镇街) as
//! polygons, read from a GeoJSON FeatureCollection and checked before anything is
//! stored.
//!
//! What an upload must be (docs/map.md says the same to the bureau):
//! * at most [`MAX_BYTES`] of UTF-8 JSON, a `FeatureCollection` of at most
//!   [`MAX_FEATURES`] features and [`MAX_VERTICES`] positions in all;
//! * every feature a `Polygon` or `MultiPolygon` with `properties.name`,
//!   `properties.code` (unique) and `properties.level`: `district` (exactly one
//!   feature, the outline) or `town` (at least one);
//! * rings closed, at least 4 positions, no self-intersection, parts of a
//!   multipolygon not overlapping (OGC simple features, checked with `geo`);
//! * every position a finite `[longitude, latitude]` inside China's extent;
//! * every town inside the outline (at most [`OUTSIDE_TOLERANCE`] of its area
//!   outside it: boundaries from different surveys never nest exactly).
//!
//! The upload declares its datum; GCJ-02 positions are converted to WGS-84, the
//! datum everything is stored in.

use crate::error::FieldError;
use crate::geo_datum::{self, Datum};
use ::geo::algorithm::validation::{InvalidMultiPolygon, InvalidPolygon};
use ::geo::{
    Area as _, BooleanOps, BoundingRect, Contains, Coord, LineString, MultiPolygon, Point, Polygon,
    Rect, Validation,
};
use serde_json::{Value, json};

/// Largest upload, bytes.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Most positions in one upload (all rings of all features).
pub const MAX_VERTICES: usize = 200_000;
/// Most features in one upload.
pub const MAX_FEATURES: usize = 1_000;
/// Share of a town's area that may lie outside the district's outline.
pub const OUTSIDE_TOLERANCE: f64 = 0.02;
/// Errors reported for one upload before giving up.
const MAX_ERRORS: usize = 20;

/// Whether a feature is the district's outline or one of its towns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AreaLevel {
    /// The district's outline.
    District,
    /// A town or street (镇街).
    Town,
}

impl AreaLevel {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::Town => "town",
        }
    }

    /// From a code or a zh-CN word.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "district" | "区县" | "区" | "县" => Some(Self::District),
            "town" | "street" | "镇街" | "镇" | "街道" | "乡" => Some(Self::Town),
            _ => None,
        }
    }
}

/// One named area (WGS-84 degrees).
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// Division code.
    pub code: String,
    /// Name.
    pub name: String,
    /// District or town.
    pub level: AreaLevel,
    /// Its polygons.
    pub shape: MultiPolygon<f64>,
    /// Its bounding box, for quick rejection.
    pub bbox: Option<Rect<f64>>,
}

impl Area {
    /// An area; the bounding box is computed.
    pub fn new(code: &str, name: &str, level: AreaLevel, shape: MultiPolygon<f64>) -> Self {
        let bbox = shape.bounding_rect();
        Area {
            code: code.to_string(),
            name: name.to_string(),
            level,
            shape,
            bbox,
        }
    }

    /// Whether the area contains a point (degrees, WGS-84); a point on the
    /// boundary counts as inside.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let Some(b) = self.bbox else { return false };
        if lon < b.min().x || lon > b.max().x || lat < b.min().y || lat > b.max().y {
            return false;
        }
        let p = Point::new(lon, lat);
        self.shape.contains(&p) || ::geo::Intersects::intersects(&self.shape, &p)
    }

    /// Number of positions.
    pub fn vertices(&self) -> usize {
        self.shape
            .0
            .iter()
            .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
            .sum()
    }

    /// The GeoJSON geometry (a `MultiPolygon`, 6 decimals ≈ 0.1 m).
    pub fn geometry_json(&self) -> Value {
        let ring = |r: &LineString<f64>| -> Value {
            Value::Array(
                r.0.iter()
                    .map(|c| json!([round6(c.x), round6(c.y)]))
                    .collect(),
            )
        };
        let polys: Vec<Value> = self
            .shape
            .0
            .iter()
            .map(|p| {
                let mut rings = vec![ring(p.exterior())];
                rings.extend(p.interiors().iter().map(ring));
                Value::Array(rings)
            })
            .collect();
        json!({"type": "MultiPolygon", "coordinates": polys})
    }

    /// A GeoJSON feature of this area.
    pub fn feature_json(&self) -> Value {
        json!({
            "type": "Feature",
            "properties": {"name": self.name, "code": self.code, "level": self.level.code()},
            "geometry": self.geometry_json(),
        })
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// A district's checked geography (WGS-84).
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictMap {
    /// The outline.
    pub district: Area,
    /// Towns and streets, in upload order.
    pub towns: Vec<Area>,
}

fn err(i: usize, name: &str, code: &'static str) -> FieldError {
    FieldError::new(format!("features[{i}]"), code)
        .with("index", i + 1)
        .with("name", name)
}

impl DistrictMap {
    /// Reads and checks an upload in the declared datum.
    pub fn parse(bytes: &[u8], datum: Datum) -> Result<Self, Vec<FieldError>> {
        if bytes.len() > MAX_BYTES {
            return Err(vec![
                FieldError::new("file", "geo_too_large")
                    .with("max", MAX_BYTES / (1024 * 1024))
                    .with("size", format!("{:.1}", bytes.len() as f64 / 1_048_576.0)),
            ]);
        }
        let v: Value = serde_json::from_slice(bytes).map_err(|e| {
            vec![FieldError::new("file", "geo_json_invalid").with("value", e.to_string())]
        })?;
        if v.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
            return Err(vec![FieldError::new("file", "geo_not_feature_collection")]);
        }
        let features = v
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| vec![FieldError::new("file", "geo_not_feature_collection")])?;
        if features.len() > MAX_FEATURES {
            return Err(vec![
                FieldError::new("file", "geo_too_many_features")
                    .with("max", MAX_FEATURES)
                    .with("count", features.len()),
            ]);
        }
        let total: usize = features
            .iter()
            .map(|f| count_positions(f.get("geometry").unwrap_or(&Value::Null)))
            .sum();
        if total > MAX_VERTICES {
            return Err(vec![
                FieldError::new("file", "geo_too_many_vertices")
                    .with("max", MAX_VERTICES)
                    .with("count", total),
            ]);
        }
        let mut errors = Vec::new();
        let mut areas = Vec::new();
        for (i, f) in features.iter().enumerate() {
            if errors.len() >= MAX_ERRORS {
                break;
            }
            match feature(i, f, datum) {
                Ok(a) => areas.push((i, a)),
                Err(e) => errors.extend(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Self::check(areas)
    }

    /// Checks parsed areas (indices are the features' places in the upload): one
    /// district, at least one town, unique codes, valid polygons, towns inside.
    pub fn check(areas: Vec<(usize, Area)>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, a) in &areas {
            if !seen.insert(a.code.clone()) {
                errors.push(err(*i, &a.name, "geo_code_duplicate").with("code", &a.code));
            }
            if let Err(e) = a.shape.check_validation() {
                errors.push(invalid(*i, &a.name, &e));
            }
        }
        let districts: Vec<&(usize, Area)> = areas
            .iter()
            .filter(|(_, a)| a.level == AreaLevel::District)
            .collect();
        if districts.len() != 1 {
            errors
                .push(FieldError::new("file", "geo_district_count").with("count", districts.len()));
        }
        if !areas.iter().any(|(_, a)| a.level == AreaLevel::Town) {
            errors.push(FieldError::new("file", "geo_no_towns"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let district = districts[0].1.clone();
        let mut towns = Vec::new();
        for (i, a) in areas {
            if a.level != AreaLevel::Town {
                continue;
            }
            let area = a.shape.unsigned_area();
            let outside = a.shape.difference(&district.shape).unsigned_area();
            let share = if area > 0.0 { outside / area } else { 1.0 };
            if share > OUTSIDE_TOLERANCE {
                errors.push(
                    err(i, &a.name, "geo_town_outside")
                        .with("share", format!("{:.1}", share * 100.0))
                        .with("max", format!("{:.0}", OUTSIDE_TOLERANCE * 100.0)),
                );
            }
            towns.push(a);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DistrictMap { district, towns })
    }

    /// The town containing a point, if any.
    pub fn town_at(&self, lon: f64, lat: f64) -> Option<&Area> {
        self.towns.iter().find(|t| t.contains(lon, lat))
    }

    /// The town of a name.
    pub fn town(&self, name: &str) -> Option<&Area> {
        self.towns.iter().find(|t| t.name == name)
    }

    /// Positions in all areas.
    pub fn vertices(&self) -> usize {
        self.district.vertices() + self.towns.iter().map(Area::vertices).sum::<usize>()
    }

    /// The whole geography as a GeoJSON FeatureCollection (WGS-84).
    pub fn to_geojson(&self) -> Value {
        let mut f = vec![self.district.feature_json()];
        f.extend(self.towns.iter().map(Area::feature_json));
        json!({"type": "FeatureCollection", "features": f})
    }
}

fn invalid(i: usize, name: &str, e: &InvalidMultiPolygon) -> FieldError {
    let (part, code) = match e {
        InvalidMultiPolygon::InvalidPolygon(idx, p) => (
            idx.0,
            match p {
                InvalidPolygon::TooFewPointsInRing(_) => "geo_ring_too_short",
                InvalidPolygon::SelfIntersection(_) => "geo_self_intersection",
                InvalidPolygon::NonFiniteCoord(..) => "geo_coordinate_invalid",
                InvalidPolygon::InteriorRingNotContainedInExteriorRing(_) => "geo_hole_outside",
                InvalidPolygon::IntersectingRingsOnALine(..)
                | InvalidPolygon::IntersectingRingsOnAnArea(..) => "geo_rings_intersect",
            },
        ),
        InvalidMultiPolygon::ElementsOverlaps(a, _)
        | InvalidMultiPolygon::ElementsTouchOnALine(a, _) => (a.0, "geo_parts_overlap"),
    };
    err(i, name, code).with("part", part + 1)
}

fn count_positions(g: &Value) -> usize {
    fn walk(v: &Value) -> usize {
        match v {
            Value::Array(a) if a.first().is_some_and(Value::is_number) => 1,
            Value::Array(a) => a.iter().map(walk).sum(),
            _ => 0,
        }
    }
    g.get("coordinates").map_or(0, walk)
}

fn feature(i: usize, f: &Value, datum: Datum) -> Result<Area, Vec<FieldError>> {
    let props = f.get("properties").unwrap_or(&Value::Null);
    let text = |k: &str| -> Option<String> {
        match props.get(k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        }
    };
    let name = text("name").unwrap_or_default();
    let mut errors = Vec::new();
    if f.get("type").and_then(Value::as_str) != Some("Feature") {
        errors.push(err(i, &name, "geo_not_feature"));
        return Err(errors);
    }
    if name.is_empty() {
        errors.push(err(i, &name, "geo_property_missing").with("property", "name"));
    }
    let code = text("code").or_else(|| text("adcode")).unwrap_or_default();
    if code.is_empty() {
        errors.push(err(i, &name, "geo_property_missing").with("property", "code"));
    }
    let level = match text("level") {
        None => {
            errors.push(err(i, &name, "geo_property_missing").with("property", "level"));
            None
        }
        Some(l) => match AreaLevel::parse(&l) {
            Some(l) => Some(l),
            None => {
                errors.push(err(i, &name, "geo_level_invalid").with("value", l));
                None
            }
        },
    };
    let shape = match geometry(f.get("geometry").unwrap_or(&Value::Null), datum) {
        Ok(s) => Some(s),
        Err(e) => {
            errors.push(with_feature(e, i, &name));
            None
        }
    };
    match (level, shape) {
        (Some(level), Some(shape)) if errors.is_empty() => {
            Ok(Area::new(&code, &name, level, shape))
        }
        _ => Err(errors),
    }
}

fn with_feature(e: FieldError, i: usize, name: &str) -> FieldError {
    let mut out = err(i, name, e.code);
    out.params.extend(e.params);
    out
}

/// A GeoJSON `Polygon` or `MultiPolygon` geometry in `datum`, as WGS-84
/// polygons. Errors name the problem (the caller adds the feature).
pub fn geometry(g: &Value, datum: Datum) -> Result<MultiPolygon<f64>, FieldError> {
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = g.get("coordinates").and_then(Value::as_array);
    let polys: Vec<&Value> = match (kind, coords) {
        ("Polygon", Some(_)) => vec![g.get("coordinates").unwrap_or(&Value::Null)],
        ("MultiPolygon", Some(c)) => c.iter().collect(),
        ("Polygon" | "MultiPolygon", None) => {
            return Err(
                FieldError::new("geometry", "geo_coordinate_invalid").with("value", "coordinates")
            );
        }
        _ => {
            return Err(FieldError::new("geometry", "geo_geometry_type")
                .with("kind", if kind.is_empty() { "（无）" } else { kind }));
        }
    };
    let mut out = Vec::with_capacity(polys.len());
    for p in polys {
        let rings = p
            .as_array()
            .filter(|r| !r.is_empty())
            .ok_or_else(|| FieldError::new("geometry", "geo_ring_too_short").with("part", 1))?;
        let mut lines = Vec::with_capacity(rings.len());
        for r in rings {
            lines.push(ring(r, datum)?);
        }
        let exterior = lines.remove(0);
        out.push(Polygon::new(exterior, lines));
    }
    Ok(MultiPolygon(out))
}

fn ring(r: &Value, datum: Datum) -> Result<LineString<f64>, FieldError> {
    let pts = r.as_array().ok_or_else(|| {
        FieldError::new("geometry", "geo_coordinate_invalid").with("value", "ring")
    })?;
    let mut coords = Vec::with_capacity(pts.len());
    for p in pts {
        let (lon, lat) = match p.as_array().map(Vec::as_slice) {
            Some([x, y, ..]) => match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) if x.is_finite() && y.is_finite() => (x, y),
                _ => {
                    return Err(FieldError::new("geometry", "geo_coordinate_invalid")
                        .with("value", p.to_string()));
                }
            },
            _ => {
                return Err(FieldError::new("geometry", "geo_coordinate_invalid")
                    .with("value", p.to_string()));
            }
        };
        if !geo_datum::in_china(lon, lat) {
            return Err(FieldError::new("geometry", "geo_outside_china")
                .with("lon", lon)
                .with("lat", lat));
        }
        let (x, y) = geo_datum::convert(datum, Datum::Wgs84, lon, lat);
        coords.push(Coord { x, y });
    }
    if coords.len() < 4 {
        return Err(FieldError::new("geometry", "geo_ring_too_short").with("count", coords.len()));
    }
    if coords.first() != coords.last() {
        return Err(FieldError::new("geometry", "geo_ring_not_closed"));
    }
    Ok(LineString(coords))
}

/// Voronoi cells of `sites` (degrees) clipped to `outline`: cell `i` holds the
/// points nearer to site `i` than to any other (distances with longitude scaled
/// by the cosine of the mean latitude), intersected with the outline. For demo
/// districts, which have no surveyed town boundaries.
pub fn voronoi_clipped(
    outline: &MultiPolygon<f64>,
    sites: &[(f64, f64)],
) -> Vec<MultiPolygon<f64>> {
    let Some(b) = outline.bounding_rect() else {
        return vec![MultiPolygon(Vec::new()); sites.len()];
    };
    let k = ((b.min().y + b.max().y) / 2.0).to_radians().cos();
    let pad = 0.1;
    let frame = vec![
        (b.min().x - pad, b.min().y - pad),
        (b.max().x + pad, b.min().y - pad),
        (b.max().x + pad, b.max().y + pad),
        (b.min().x - pad, b.max().y + pad),
    ];
    sites
        .iter()
        .enumerate()
        .map(|(i, &(sx, sy))| {
            let mut cell = frame.clone();
            for (j, &(tx, ty)) in sites.iter().enumerate() {
                if i == j || cell.is_empty() {
                    continue;
                }
                let (mx, my) = ((sx + tx) / 2.0, (sy + ty) / 2.0);
                let (dx, dy) = ((tx - sx) * k * k, ty - sy);
                // Keep the side of the bisector nearer to site i: f(p) <= 0.
                let f = |p: (f64, f64)| (p.0 - mx) * dx + (p.1 - my) * dy;
                cell = clip_half_plane(&cell, f);
            }
            if cell.len() < 3 {
                return MultiPolygon(Vec::new());
            }
            let mut ring: Vec<Coord<f64>> = cell.iter().map(|&(x, y)| Coord { x, y }).collect();
            ring.push(ring[0]);
            Polygon::new(LineString(ring), vec![]).intersection(outline)
        })
        .collect()
}

/// Sutherland–Hodgman against one half-plane `f(p) <= 0` (exact for convex input).
fn clip_half_plane(poly: &[(f64, f64)], f: impl Fn((f64, f64)) -> f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(poly.len() + 1);
    for i in 0..poly.len() {
        let a = poly[i];
        let b = poly[(i + 1) % poly.len()];
        let (fa, fb) = (f(a), f(b));
        if fa <= 0.0 {
            out.push(a);
        }
        if (fa <= 0.0) != (fb <= 0.0) {
            let t = fa / (fa - fb);
            out.push((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)));
        }
    }
    out
}

/// A point moved towards `centre` until it lies in `area` (halving the offset up to
/// 30 times; the centre itself when nothing else fits).
pub fn pull_inside(area: &Area, centre: (f64, f64), p: (f64, f64)) -> (f64, f64) {
    let mut q = p;
    for _ in 0..30 {
        if area.contains(q.0, q.1) {
            return q;
        }
        q = ((q.0 + centre.0) / 2.0, (q.1 + centre.1) / 2.0);
    }
    centre
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, s: f64) -> Value {
        json!([[
            [x0, y0],
            [x0 + s, y0],
            [x0 + s, y0 + s],
            [x0, y0 + s],
            [x0, y0]
        ]])
    }

    fn fc(features: Vec<Value>) -> Vec<u8> {
        serde_json::to_vec(&json!({"type": "FeatureCollection", "features": features})).unwrap()
    }

    fn feat(name: &str, code: &str, level: &str, geom: Value) -> Value {
        json!({"type": "Feature", "properties": {"name": name, "code": code, "level": level}, "geometry": geom})
    }

    fn good() -> Vec<Value> {
        vec![
            feat(
                "示范区",
                "500100",
                "district",
                json!({"type": "Polygon", "coordinates": square(106.0, 29.8, 0.2)}),
            ),
            feat(
                "甲街道",
                "500100001",
                "town",
                json!({"type": "Polygon", "coordinates": square(106.0, 29.8, 0.1)}),
            ),
            feat(
                "乙镇",
                "500100100",
                "town",
                json!({"type": "MultiPolygon", "coordinates": [square(106.1, 29.8, 0.1), square(106.0, 29.9, 0.1)]}),
            ),
        ]
    }

    fn codes(r: Result<DistrictMap, Vec<FieldError>>) -> Vec<&'static str> {
        r.unwrap_err().into_iter().map(|e| e.code).collect()
    }

    #[test]
    fn a_good_upload_reads_and_locates_points() {
        let m = DistrictMap::parse(&fc(good()), Datum::Wgs84).unwrap();
        assert_eq!(m.district.name, "示范区");
        assert_eq!(m.towns.len(), 2);
        assert_eq!(m.town_at(106.05, 29.85).unwrap().name, "甲街道");
        assert_eq!(m.town_at(106.15, 29.95).map(|t| t.name.as_str()), None);
        assert_eq!(m.town_at(106.05, 29.95).unwrap().name, "乙镇");
        assert_eq!(m.vertices(), 20);
        // Round trip through the stored form.
        let again = DistrictMap::parse(&serde_json::to_vec(&m.to_geojson()).unwrap(), Datum::Wgs84)
            .unwrap();
        assert_eq!(again.towns[1].shape, m.towns[1].shape);
    }

    #[test]
    fn not_json_not_geojson_too_large() {
        assert_eq!(
            codes(DistrictMap::parse(b"{oops", Datum::Wgs84)),
            ["geo_json_invalid"]
        );
        assert_eq!(
            codes(DistrictMap::parse(b"{\"type\":\"Feature\"}", Datum::Wgs84)),
            ["geo_not_feature_collection"]
        );
        let big = vec![b' '; MAX_BYTES + 1];
        let e = DistrictMap::parse(&big, Datum::Wgs84).unwrap_err();
        assert_eq!(e[0].code, "geo_too_large");
        assert_eq!(e[0].param("max"), Some("8"));
    }

    #[test]
    fn too_many_vertices() {
        let n = MAX_VERTICES + 10;
        let mut ring: Vec<Value> = (0..n)
            .map(|i| {
                let a = i as f64 / n as f64 * std::f64::consts::TAU;
                json!([106.0 + 0.1 * a.cos(), 29.8 + 0.1 * a.sin()])
            })
            .collect();
        ring.push(ring[0].clone());
        let mut f = good();
        f[0]["geometry"]["coordinates"] = json!([ring]);
        let e = DistrictMap::parse(&fc(f), Datum::Wgs84).unwrap_err();
        assert_eq!(e[0].code, "geo_too_many_vertices");
        assert_eq!(e[0].param("max"), Some("200000"));
    }

    #[test]
    fn wrong_geometry_missing_properties_and_bad_coordinates_name_the_feature() {
        let mut f = good();
        f[1]["geometry"] = json!({"type": "Point", "coordinates": [106.0, 29.8]});
        f[2]["properties"]["code"] = Value::Null;
        let e = DistrictMap::parse(&fc(f), Datum::Wgs84).unwrap_err();
        assert_eq!(e[0].field, "features[1]");
        assert_eq!(e[0].code, "geo_geometry_type");
        assert_eq!(e[0].param("kind"), Some("Point"));
        assert_eq!(e[0].param("name"), Some("甲街道"));
        assert_eq!(e[1].field, "features[2]");
        assert_eq!(e[1].param("property"), Some("code"));

        let mut f = good();
        f[1]["geometry"]["coordinates"] = square(29.8, 106.0, 0.1); // swapped
        assert_eq!(
            codes(DistrictMap::parse(&fc(f), Datum::Wgs84)),
            ["geo_outside_china"]
        );
        let mut f = good();
        f[1]["geometry"]["coordinates"] =
            json!([[[106.0, 29.8], [106.1, 29.8], [106.1, 29.9], [106.0, 29.9]]]);
        assert_eq!(
            codes(DistrictMap::parse(&fc(f), Datum::Wgs84)),
            ["geo_ring_not_closed"]
        );
        let mut f = good();
        f[1]["geometry"]["coordinates"] = json!([[[106.0, "x"], [106.1, 29.8], [106.0, 29.8]]]);
        assert_eq!(
            codes(DistrictMap::parse(&fc(f), Datum::Wgs84)),
            ["geo_coordinate_invalid"]
        );
        let mut f = good();
        f[1]["properties"]["level"] = json!("province");
        assert_eq!(
            codes(DistrictMap::parse(&fc(f), Datum::Wgs84)),
            ["geo_level_invalid"]
        );
    }

    #[test]
    fn self_intersection_duplicates_district_count_and_towns_outside() {
        let mut f = good();
        // A bow tie.
        f[1]["geometry"]["coordinates"] = json!([[
            [106.0, 29.8],
            [106.1, 29.9],
            [106.1, 29.8],
            [106.0, 29.9],
            [106.0, 29.8]
        ]]);
        let e = DistrictMap::parse(&fc(f), Datum::Wgs84).unwrap_err();
        assert_eq!(e[0].code, "geo_self_intersection");
        assert_eq!(e[0].param("name"), Some("甲街道"));

        let mut f = good();
        f[2]["properties"]["code"] = json!("500100001");
        f[1]["properties"]["level"] = json!("district");
        let c = codes(DistrictMap::parse(&fc(f), Datum::Wgs84));
        assert_eq!(c, ["geo_code_duplicate", "geo_district_count"]);

        let mut f = good();
        f[2]["geometry"] = json!({"type": "Polygon", "coordinates": square(106.15, 29.8, 0.1)});
        let e = DistrictMap::parse(&fc(f), Datum::Wgs84).unwrap_err();
        assert_eq!(e[0].code, "geo_town_outside");
        assert_eq!(e[0].param("share"), Some("50.0"));

        let f = vec![good()[0].clone()];
        assert_eq!(
            codes(DistrictMap::parse(&fc(f), Datum::Wgs84)),
            ["geo_no_towns"]
        );
    }

    #[test]
    fn gcj02_uploads_are_converted_to_wgs84() {
        let m = DistrictMap::parse(&fc(good()), Datum::Gcj02).unwrap();
        let c = m.towns[0].shape.0[0].exterior().0[0];
        let (gx, gy) = geo_datum::wgs_to_gcj(c.x, c.y);
        assert!(geo_datum::distance_m((gx, gy), (106.0, 29.8)) < 0.01);
        assert!(geo_datum::distance_m((c.x, c.y), (106.0, 29.8)) > 100.0);
    }

    #[test]
    fn voronoi_cells_cover_the_outline_and_hold_their_sites() {
        let m = DistrictMap::parse(&fc(good()), Datum::Wgs84).unwrap();
        let sites = [
            (106.02, 29.82),
            (106.15, 29.85),
            (106.1, 29.95),
            (106.05, 29.97),
        ];
        let cells = voronoi_clipped(&m.district.shape, &sites);
        let total: f64 = cells.iter().map(|c| c.unsigned_area()).sum();
        assert!((total - m.district.shape.unsigned_area()).abs() < 1e-9);
        for (c, s) in cells.iter().zip(sites) {
            let a = Area::new("x", "x", AreaLevel::Town, c.clone());
            assert!(a.contains(s.0, s.1));
            assert!(c.is_valid());
            let p = pull_inside(&a, s, (106.5, 29.5));
            assert!(a.contains(p.0, p.1));
        }
    }
}
