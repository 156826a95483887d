//! The district's geography: the bureau uploads its boundaries (a new version
//! supersedes the current one, earlier versions are kept), anyone may read the
//! current boundaries, and organisations' coordinates are checked against the
//! town they claim.

use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::geo_area::{Area, AreaLevel, DistrictMap};
use kechuang_core::geo_datum::{self, Datum};
use kechuang_core::org::Organisation;
use kechuang_store::{Db, GeoAreaRow, GeoVersionRow};
use serde::Serialize;
use serde_json::{Value, json};

/// What an upload stored.
#[derive(Debug, Clone, Serialize)]
pub struct UploadView {
    /// The stored version.
    pub version: GeoVersionRow,
    /// The district's name.
    pub district: String,
    /// Towns, `(code, name)`, in upload order.
    pub towns: Vec<(String, String)>,
    /// Towns of the registry that the upload does not name (their firms cannot be
    /// placed on the choropleth).
    pub registry_towns_missing: Vec<String>,
}

/// A version's summary for the history list.
pub type VersionView = GeoVersionRow;

/// The micro-degree bounding box of an area: west, south, east, north.
fn bbox(a: &Area) -> (i64, i64, i64, i64) {
    let m = |x: f64| (x * 1e6).round() as i64;
    a.bbox.map_or((0, 0, 0, 0), |b| {
        (m(b.min().x), m(b.min().y), m(b.max().x), m(b.max().y))
    })
}

/// A bureau administrator uploads the district's boundaries (GeoJSON bytes) in the
/// declared datum (`None`: the district's datum). Nothing is stored when any check
/// fails; the errors name each feature and why.
pub async fn upload(
    app: &App,
    actor: &Actor,
    bytes: &[u8],
    datum: Option<&str>,
    source_name: Option<&str>,
) -> AppResult<UploadView> {
    actor.require_admin()?;
    let datum = match datum.map(str::trim).filter(|s| !s.is_empty()) {
        Some(d) => Datum::parse(d)?,
        None => app.config.datum(),
    };
    let map = DistrictMap::parse(bytes, datum).map_err(AppError::Invalid)?;
    store(app, actor, &map, datum, source_name, bytes.len()).await
}

/// Stores a checked geography as the new current version.
pub async fn store(
    app: &App,
    actor: &Actor,
    map: &DistrictMap,
    datum: Datum,
    source_name: Option<&str>,
    bytes: usize,
) -> AppResult<UploadView> {
    let mut tx = app.store.begin().await?;
    let version = store_in(
        &mut tx,
        &actor.tag(),
        app.now(),
        map,
        datum,
        source_name,
        bytes,
    )
    .await?;
    let registry = tx.towns().await?;
    tx.commit().await?;
    Ok(UploadView {
        district: map.district.name.clone(),
        towns: map
            .towns
            .iter()
            .map(|t| (t.code.clone(), t.name.clone()))
            .collect(),
        registry_towns_missing: registry
            .into_iter()
            .filter(|t| map.town(t).is_none())
            .collect(),
        version,
    })
}

/// Writes a new version and its event inside the caller's transaction (the demo
/// build uses this within its own).
pub(crate) async fn store_in(
    tx: &mut Db,
    actor_tag: &str,
    now: i64,
    map: &DistrictMap,
    datum: Datum,
    source_name: Option<&str>,
    bytes: usize,
) -> AppResult<GeoVersionRow> {
    let mut areas = vec![&map.district];
    areas.extend(map.towns.iter());
    let rows: Vec<GeoAreaRow> = areas
        .iter()
        .enumerate()
        .map(|(i, a)| GeoAreaRow {
            code: a.code.clone(),
            name: a.name.clone(),
            level: a.level.code().to_string(),
            sort_order: i as i32,
            bbox: bbox(a),
            geometry: a.geometry_json().to_string(),
        })
        .collect();
    let version = GeoVersionRow {
        version: tx.next_geo_version().await?,
        datum_declared: datum.code().to_string(),
        source_name: source_name
            .map(|s| s.chars().take(200).collect())
            .filter(|s: &String| !s.is_empty()),
        features: rows.len() as i64,
        vertices: map.vertices() as i64,
        bytes: bytes as i64,
        uploaded_by: actor_tag.to_string(),
        uploaded_at: now,
    };
    tx.insert_geo_version(&version, &rows).await?;
    tx.append_event(
        actor_tag,
        "geography",
        &version.version.to_string(),
        "geography.uploaded",
        &json!({
            "version": version.version,
            "datum_declared": version.datum_declared,
            "source_name": version.source_name,
            "district": map.district.name,
            "towns": map.towns.iter().map(|t| json!({"code": t.code, "name": t.name})).collect::<Vec<_>>(),
            "vertices": version.vertices,
        }),
    )
    .await?;
    Ok(version)
}

/// The upload history, newest first (bureau staff).
pub async fn versions(app: &App, actor: &Actor) -> AppResult<Vec<VersionView>> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    Ok(db.geo_versions().await?)
}

/// The current geography as stored rows, if any was uploaded.
async fn current_rows(db: &mut Db) -> AppResult<Option<(GeoVersionRow, Vec<GeoAreaRow>)>> {
    let Some(v) = db.geo_versions().await?.into_iter().next() else {
        return Ok(None);
    };
    let areas = db.geo_areas(v.version).await?;
    Ok(Some((v, areas)))
}

/// The current boundaries as a GeoJSON FeatureCollection (WGS-84), with the
/// version in `properties` of the collection; boundaries are public. `None`
/// before the first upload.
pub async fn current_geojson(app: &App) -> AppResult<Option<Value>> {
    let mut db = app.store.read().await?;
    let Some((v, areas)) = current_rows(&mut db).await? else {
        return Ok(None);
    };
    let mut features = Vec::with_capacity(areas.len());
    for a in areas {
        let geometry: Value = serde_json::from_str(&a.geometry)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored geometry: {e}")))?;
        features.push(json!({
            "type": "Feature",
            "properties": {"name": a.name, "code": a.code, "level": a.level},
            "geometry": geometry,
        }));
    }
    Ok(Some(json!({
        "type": "FeatureCollection",
        "properties": {"version": v.version, "datum": "wgs84", "uploaded_at": v.uploaded_at},
        "features": features,
    })))
}

/// The current boundaries in a datum: WGS-84 as stored, or converted position by
/// position (GCJ-02 for 高德 tiles). `None` before the first upload.
pub async fn current_geojson_in(app: &App, datum: Datum) -> AppResult<Option<Value>> {
    let Some(mut g) = current_geojson(app).await? else {
        return Ok(None);
    };
    if datum != Datum::Wgs84 {
        if let Some(features) = g["features"].as_array_mut() {
            for f in features {
                convert_positions(&mut f["geometry"]["coordinates"], datum);
            }
        }
        g["properties"]["datum"] = json!(datum.code());
    }
    Ok(Some(g))
}

/// Converts every `[lon, lat]` position of a GeoJSON coordinates array from WGS-84.
fn convert_positions(v: &mut Value, to: Datum) {
    let Some(items) = v.as_array_mut() else {
        return;
    };
    if let [Value::Number(x), Value::Number(y), ..] = items.as_slice() {
        if let (Some(lon), Some(lat)) = (x.as_f64(), y.as_f64()) {
            let (lon, lat) = geo_datum::convert(Datum::Wgs84, to, lon, lat);
            // Micro-degree precision (about 0.1 m) is plenty for boundaries.
            let r = |x: f64| (x * 1e7).round() / 1e7;
            items[0] = json!(r(lon));
            items[1] = json!(r(lat));
        }
        return;
    }
    for item in items {
        convert_positions(item, to);
    }
}

/// The current geography, parsed (for point checks).
pub async fn current_map(db: &mut Db) -> AppResult<Option<DistrictMap>> {
    let Some((_, rows)) = current_rows(db).await? else {
        return Ok(None);
    };
    let mut district = None;
    let mut towns = Vec::new();
    for r in rows {
        let g: Value = serde_json::from_str(&r.geometry)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored geometry: {e}")))?;
        let shape = kechuang_core::geo_area::geometry(&g, Datum::Wgs84)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored geometry: {e}")))?;
        let level = AreaLevel::parse(&r.level).unwrap_or(AreaLevel::Town);
        let a = Area::new(&r.code, &r.name, level, shape);
        match level {
            AreaLevel::District => district = Some(a),
            AreaLevel::Town => towns.push(a),
        }
    }
    Ok(district.map(|district| DistrictMap { district, towns }))
}

/// Checks an organisation's coordinates against the town it claims, when a
/// geography is stored and names that town: the point (in the district's datum)
/// must lie inside the town's polygons.
pub fn check_place(map: &DistrictMap, datum: Datum, org: &Organisation) -> Result<(), FieldError> {
    let (Some(town), Some(c)) = (org.town.as_deref(), org.coordinates) else {
        return Ok(());
    };
    let Some(area) = map.town(town) else {
        return Ok(());
    };
    let (lon, lat) = geo_datum::convert(datum, Datum::Wgs84, c.lon(), c.lat());
    if area.contains(lon, lat) {
        Ok(())
    } else {
        let mut e = FieldError::new("longitude", "geo_org_outside_town").with("town", town);
        if let Some(other) = map.town_at(lon, lat) {
            e = e.with("found", &other.name);
        }
        Err(e)
    }
}

/// [`check_place`] against the stored geography, inside a transaction.
pub(crate) async fn check_org_place(db: &mut Db, app: &App, org: &Organisation) -> AppResult<()> {
    if org.town.is_none() || org.coordinates.is_none() {
        return Ok(());
    }
    if let Some(map) = current_map(db).await? {
        check_place(&map, app.config.datum(), org)?;
    }
    Ok(())
}

/// One organisation whose coordinates lie outside its town.
#[derive(Debug, Clone, Serialize)]
pub struct Misplaced {
    /// Organisation id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The town it claims.
    pub town: String,
    /// The town its point lies in, if any.
    pub found: Option<String>,
}

/// The registry checked against the current geography: organisations (within the
/// actor's towns) whose point lies outside the town they claim.
pub async fn misplaced(app: &App, actor: &Actor) -> AppResult<Vec<Misplaced>> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    let map = current_map(&mut db)
        .await?
        .ok_or_else(|| AppError::invalid(FieldError::new("geography", "geo_none")))?;
    let kinds = ["enterprise", "university", "institute", "bank"];
    let rows = db.map_orgs(&kinds, actor.towns.as_deref()).await?;
    let datum = app.config.datum();
    let mut out = Vec::new();
    for r in rows {
        let Some(town) = r.town else { continue };
        let Some(area) = map.town(&town) else {
            continue;
        };
        let (lon, lat) = geo_datum::convert(
            datum,
            Datum::Wgs84,
            r.lon_micro as f64 / 1e6,
            r.lat_micro as f64 / 1e6,
        );
        if !area.contains(lon, lat) {
            out.push(Misplaced {
                id: r.id,
                name: r.name,
                found: map.town_at(lon, lat).map(|t| t.name.clone()),
                town,
            });
        }
    }
    Ok(out)
}
