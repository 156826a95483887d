//! The 科技地图's data: the points of the chosen layers, in columns (one array
//! per attribute, strings as indices into dictionaries) so that 50,000 points
//! travel in well under 2 MB gzipped.
//!
//! Who sees what:
//! * the public layer (visitors and every non-bureau account): name, kind,
//!   town, cluster, the current qualification tier and the point — facts the
//!   bureau publishes anyway (the registry of recognised firms, platform lists).
//!   No indicator values: filings are the enterprise's own (PRODUCT.md: an
//!   enterprise never sees another's filings), so `value` is absent and sizes and
//!   choropleth measures are counts;
//! * bureau staff: also the chosen indicator's value for the period;
//! * bureau staff limited to towns: only the points of their towns (filtered in
//!   the query, not in the browser).

use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::geo_datum::{self, Datum};
use kechuang_core::indicator;
use kechuang_core::period::Period;
use kechuang_core::platform::PlatformKind;
use kechuang_core::qualification::QualificationKind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The layers, in their wire order (the `layer` column holds indices).
pub const LAYERS: [(&str, &str); 4] = [
    ("enterprise", "企业"),
    ("platform", "创新平台"),
    ("institute", "科研院所"),
    ("university", "高校"),
];

/// A tile service for the map's tile mode (`[map.tiles]` in kechuang.toml): when
/// a deployment configures one, the map page offers 在线瓦片 beside the offline map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TileSource {
    /// URL template with `{z}`, `{x}`, `{y}` (and `{s}` for a subdomain).
    pub url: String,
    /// Attribution shown on the map (the provider's terms usually require it).
    pub attribution: String,
    /// Subdomain letters or digits substituted for `{s}` (e.g. `1234`).
    pub subdomains: String,
    /// Highest zoom level the service has.
    pub max_zoom: u8,
    /// The tiles' datum: points and boundaries are requested in it.
    pub datum: Datum,
}

impl TileSource {
    /// A checked tile source; the error names the `[map.tiles]` key at fault.
    pub fn new(
        url: &str,
        attribution: Option<&str>,
        subdomains: Option<&str>,
        max_zoom: Option<i64>,
        datum: Option<&str>,
    ) -> Result<TileSource, String> {
        let url = url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/')) {
            return Err(format!(
                "map.tiles.url: {url:?} must start with https://, http:// or /"
            ));
        }
        for part in ["{z}", "{x}", "{y}"] {
            if !url.contains(part) {
                return Err(format!("map.tiles.url: {url:?} lacks {part}"));
            }
        }
        let subdomains = subdomains.unwrap_or("").trim().to_string();
        if url.contains("{s}") && subdomains.is_empty() {
            return Err("map.tiles.subdomains: the url has {s} but no subdomains are given".into());
        }
        if !subdomains.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!(
                "map.tiles.subdomains: {subdomains:?} must be letters or digits, one per subdomain"
            ));
        }
        let max_zoom = max_zoom.unwrap_or(18);
        if !(1..=22).contains(&max_zoom) {
            return Err(format!(
                "map.tiles.max_zoom: {max_zoom} is not within 1..=22"
            ));
        }
        let datum = match datum.map(str::trim) {
            None | Some("") => Datum::Wgs84,
            Some(d) => parse_datum(d).map_err(|e| format!("map.tiles.datum: {e}"))?,
        };
        Ok(TileSource {
            url: url.to_string(),
            attribution: attribution.unwrap_or("").trim().to_string(),
            subdomains,
            max_zoom: max_zoom as u8,
            datum,
        })
    }
}

/// A datum setting's value: `wgs84` (also for CGCS2000 / 天地图) or `gcj02`.
pub fn parse_datum(s: &str) -> Result<Datum, String> {
    Datum::parse(s).map_err(|_| {
        format!(
            "{s:?} is not a datum: use \"wgs84\" (WGS-84, CGCS2000, 天地图, OSM) or \"gcj02\" (高德)"
        )
    })
}

/// The query of `/api/v1/map/points`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PointsQuery {
    /// Comma-separated layers (default: all).
    pub layer: String,
    /// An indicator code for sizes and sums (bureau only; empty: none).
    pub measure: String,
    /// The period of the measure (default: the newest with filings).
    pub period: String,
    /// The datum of the coordinates returned (`wgs84` default, `gcj02` for
    /// tiles in GCJ-02).
    pub datum: String,
}

/// A dictionary entry.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Code.
    pub code: String,
    /// zh-CN label.
    pub name: String,
}

/// Map points, column by column; row `i` of every column is one point.
#[derive(Debug, Clone, Serialize)]
pub struct MapPoints {
    /// Whether this is the public layer (no indicator values).
    pub public: bool,
    /// The towns the actor is limited to, if any.
    pub scope: Option<Vec<String>>,
    /// The datum of `lon`/`lat`.
    pub datum: &'static str,
    /// The measure, when one was asked for and may be shown.
    pub measure: Option<Entry>,
    /// Its unit (zh-CN).
    pub unit: Option<String>,
    /// Stored integer units per displayed unit (1,000,000 fen per 万元).
    pub divisor: i64,
    /// Its period.
    pub period: Option<Entry>,
    /// Layer dictionary.
    pub layers: Vec<Entry>,
    /// Town dictionary (names).
    pub towns: Vec<String>,
    /// Cluster dictionary.
    pub clusters: Vec<String>,
    /// Tier dictionary, lowest first (index into it; -1: none).
    pub tiers: Vec<Entry>,
    /// The organisation whose profile a click opens (the host, for platforms).
    pub org: Vec<u32>,
    /// Names.
    pub name: Vec<String>,
    /// Layer index.
    pub layer: Vec<u8>,
    /// Town index, -1 when none.
    pub town: Vec<i32>,
    /// Cluster index, -1 when none.
    pub cluster: Vec<i32>,
    /// Tier index, -1 when none.
    pub tier: Vec<i8>,
    /// Longitude, micro-degrees.
    pub lon: Vec<i64>,
    /// Latitude, micro-degrees.
    pub lat: Vec<i64>,
    /// The measure's value (integer in the indicator's storage unit), `null`
    /// without a filing; absent on the public layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Vec<Option<i64>>>,
    /// Organisation ids referenced by `org` (platforms point at their host).
    pub orgs: Vec<String>,
}

struct Dict {
    list: Vec<String>,
    index: HashMap<String, i32>,
}

impl Dict {
    fn new() -> Self {
        Dict {
            list: Vec::new(),
            index: HashMap::new(),
        }
    }

    fn of(&mut self, s: Option<&str>) -> i32 {
        let Some(s) = s.filter(|s| !s.is_empty()) else {
            return -1;
        };
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.list.len() as i32;
        self.list.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }
}

fn parse_layers(s: &str) -> AppResult<Vec<usize>> {
    if s.trim().is_empty() {
        return Ok((0..LAYERS.len()).collect());
    }
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match LAYERS.iter().position(|(c, _)| *c == part) {
            Some(i) if !out.contains(&i) => out.push(i),
            Some(_) => {}
            None => {
                return Err(FieldError::new("layer", "map_layer_invalid")
                    .with("value", part)
                    .into());
            }
        }
    }
    Ok(out)
}

/// A checked query.
struct Parsed {
    layers: Vec<usize>,
    datum: Datum,
    measure: Option<&'static indicator::Indicator>,
    period: Option<Period>,
}

fn parse_query(q: &PointsQuery) -> AppResult<Parsed> {
    let layers = parse_layers(&q.layer)?;
    let datum = match q.datum.trim() {
        "" => Datum::Wgs84,
        d => Datum::parse(d)?,
    };
    let measure = match q.measure.trim() {
        "" => None,
        m => Some(indicator::by_code(m).ok_or_else(|| {
            AppError::invalid(FieldError::new("measure", "map_measure_invalid").with("value", m))
        })?),
    };
    let period = match q.period.trim() {
        "" => None,
        p => Some(Period::parse(p)?),
    };
    Ok(Parsed {
        layers,
        datum,
        measure,
        period,
    })
}

/// What an actor may see: bureau values, and the towns a scoped officer is
/// limited to.
fn audience(actor: Option<&Actor>) -> (bool, Option<Vec<String>>) {
    let bureau = actor.is_some_and(Actor::is_bureau);
    let scope = actor
        .filter(|a| a.is_bureau())
        .and_then(|a| a.towns.clone());
    (bureau, scope)
}

/// The points of the chosen layers that the actor may see (`None`: a visitor),
/// built from the database (no cache; [`points_encoded`] is what the API serves).
pub async fn points(app: &App, actor: Option<&Actor>, q: &PointsQuery) -> AppResult<MapPoints> {
    let parsed = parse_query(q)?;
    let (bureau, scope) = audience(actor);
    build(app, bureau, scope, &parsed).await
}

async fn build(
    app: &App,
    bureau: bool,
    scope: Option<Vec<String>>,
    q: &Parsed,
) -> AppResult<MapPoints> {
    let layers = &q.layers;
    let out_datum = q.datum;
    let measure = q.measure;
    let asked_period = q.period;

    let mut db = app.store.read().await?;
    let scope_ref = scope.as_deref();
    let mut kinds = Vec::new();
    for &l in layers {
        match LAYERS[l].0 {
            "platform" => {}
            k => kinds.push(k),
        }
    }
    let orgs = db.map_orgs(&kinds, scope_ref).await?;
    let platforms = if layers.contains(&1) {
        db.map_platforms(scope_ref).await?
    } else {
        Vec::new()
    };
    let today = kechuang_core::date::to_iso(app.today());
    let mut tier_of: HashMap<String, i8> = HashMap::new();
    for (org, kind) in db.map_valid_qualifications(&today).await? {
        let Some(k) = QualificationKind::from_code(&kind) else {
            continue;
        };
        let rank = QualificationKind::ALL
            .iter()
            .position(|x| *x == k)
            .unwrap_or(0) as i8;
        let e = tier_of.entry(org).or_insert(-1);
        *e = (*e).max(rank);
    }
    // Values only for the bureau.
    let (measure, period, values) = match (measure, bureau) {
        (Some(m), true) => {
            let period = match asked_period {
                Some(p) => Some(p),
                None => db.latest_filed_period().await?.and_then(Period::from_code),
            };
            let values: HashMap<String, i64> = match period {
                Some(p) => db
                    .indicator_values(p.code(), m.code)
                    .await?
                    .into_iter()
                    .collect(),
                None => HashMap::new(),
            };
            (Some(m), period, Some(values))
        }
        _ => (None, None, None),
    };
    drop(db);

    let registry_datum = app.config.datum();
    let convert = |lon: i64, lat: i64| -> (i64, i64) {
        if registry_datum == out_datum {
            return (lon, lat);
        }
        let (x, y) = geo_datum::convert(
            registry_datum,
            out_datum,
            lon as f64 / 1e6,
            lat as f64 / 1e6,
        );
        ((x * 1e6).round() as i64, (y * 1e6).round() as i64)
    };

    let n = orgs.len() + platforms.len();
    let mut towns = Dict::new();
    let mut clusters = Dict::new();
    let mut org_ids = Dict::new();
    let mut p = MapPoints {
        public: !bureau,
        scope: scope.clone(),
        datum: out_datum.code(),
        measure: measure.map(|m| Entry {
            code: m.code.to_string(),
            name: m.name.to_string(),
        }),
        unit: measure.map(|m| m.unit.zh().to_string()),
        divisor: if measure.is_some_and(|m| m.unit.is_money()) {
            1_000_000
        } else {
            1
        },
        period: period.map(|p| Entry {
            code: p.to_string(),
            name: p.label_zh(),
        }),
        layers: LAYERS
            .iter()
            .map(|(c, n)| Entry {
                code: c.to_string(),
                name: n.to_string(),
            })
            .collect(),
        towns: Vec::new(),
        clusters: Vec::new(),
        tiers: QualificationKind::ALL
            .iter()
            .map(|k| Entry {
                code: k.code().to_string(),
                name: k.zh().to_string(),
            })
            .collect(),
        org: Vec::with_capacity(n),
        name: Vec::with_capacity(n),
        layer: Vec::with_capacity(n),
        town: Vec::with_capacity(n),
        cluster: Vec::with_capacity(n),
        tier: Vec::with_capacity(n),
        lon: Vec::with_capacity(n),
        lat: Vec::with_capacity(n),
        value: values.as_ref().map(|_| Vec::with_capacity(n)),
        orgs: Vec::new(),
    };
    for o in orgs {
        let layer = LAYERS.iter().position(|(c, _)| *c == o.kind).unwrap_or(0) as u8;
        let (lon, lat) = convert(o.lon_micro, o.lat_micro);
        p.org.push(org_ids.of(Some(&o.id)) as u32);
        p.layer.push(layer);
        p.town.push(towns.of(o.town.as_deref()));
        p.cluster.push(clusters.of(o.cluster.as_deref()));
        p.tier.push(tier_of.get(&o.id).copied().unwrap_or(-1));
        p.lon.push(lon);
        p.lat.push(lat);
        if let (Some(col), Some(vals)) = (p.value.as_mut(), values.as_ref()) {
            col.push(vals.get(&o.id).copied());
        }
        p.name.push(o.name);
    }
    for pl in platforms {
        let (lon, lat) = convert(pl.lon_micro, pl.lat_micro);
        p.org.push(org_ids.of(Some(&pl.host_id)) as u32);
        p.layer.push(1);
        p.town.push(towns.of(pl.town.as_deref()));
        p.cluster.push(clusters.of(pl.cluster.as_deref()));
        p.tier.push(-1);
        p.lon.push(lon);
        p.lat.push(lat);
        if let Some(col) = p.value.as_mut() {
            col.push(None);
        }
        let kind = PlatformKind::parse(&pl.kind).map_or(pl.kind.clone(), |k| k.label().to_string());
        p.name.push(format!("{}（{kind}）", pl.name));
    }
    p.towns = towns.list;
    p.clusters = clusters.list;
    p.orgs = org_ids.list;
    Ok(p)
}

/// The points as the API serves them: the JSON, gzip-compressed once and kept in
/// the [`PointsCache`] until the data changes.
#[derive(Debug)]
pub struct EncodedPoints {
    /// The JSON of [`MapPoints`], gzip.
    pub gzip: Vec<u8>,
    /// The JSON's size, bytes.
    pub raw_len: usize,
    /// Points.
    pub points: usize,
    /// The map data version (`map_data_version`) it was built from.
    pub version: i64,
}

impl EncodedPoints {
    /// The JSON itself (for a client that does not accept gzip).
    pub fn json(&self) -> AppResult<Vec<u8>> {
        use std::io::Read;
        let mut out = Vec::with_capacity(self.raw_len);
        flate2::read::GzDecoder::new(self.gzip.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("map points: {e}")))?;
        Ok(out)
    }
}

/// What distinguishes one payload from another at one data version and day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    layers: Vec<usize>,
    datum: &'static str,
    bureau: bool,
    /// Bureau only (the public layer ignores measures).
    measure: Option<&'static str>,
    period: Option<i32>,
    scope: Option<Vec<String>>,
}

#[derive(Debug, Default)]
struct CacheState {
    version: i64,
    day: String,
    entries: HashMap<CacheKey, Arc<EncodedPoints>>,
}

/// Encoded points by (layers, datum, audience, measure, period, scope), valid for
/// one map data version and one day (tiers depend on the date). Any write to the
/// organisations, qualifications, platforms or current filings raises the version
/// (database triggers, migration 0021), which empties the cache on the next request.
#[derive(Debug, Default)]
pub struct PointsCache {
    state: Mutex<CacheState>,
}

/// At most this many payloads are kept (about 1.2 MB each at 50,000 points).
const CACHE_ENTRIES: usize = 32;

impl PointsCache {
    fn get(&self, version: i64, day: &str, key: &CacheKey) -> Option<Arc<EncodedPoints>> {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        (st.version == version && st.day == day)
            .then(|| st.entries.get(key).cloned())
            .flatten()
    }

    fn put(&self, version: i64, day: &str, key: CacheKey, value: Arc<EncodedPoints>) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.version != version || st.day != day {
            if version < st.version && st.day == day {
                // Built from older data than the cache already holds.
                return;
            }
            st.version = version;
            st.day = day.to_string();
            st.entries.clear();
        }
        if st.entries.len() >= CACHE_ENTRIES {
            st.entries.clear();
        }
        st.entries.insert(key, value);
    }

    /// Payloads held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entries
            .len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The points the actor may see, encoded and gzip-compressed, from the app's
/// cache when the data has not changed since they were built. The data version
/// is read before the data, so a payload is never filed under a newer version than
/// the data it holds.
pub async fn points_encoded(
    app: &App,
    actor: Option<&Actor>,
    q: &PointsQuery,
) -> AppResult<Arc<EncodedPoints>> {
    let parsed = parse_query(q)?;
    let (bureau, scope) = audience(actor);
    let mut layers = parsed.layers.clone();
    layers.sort_unstable();
    let key = CacheKey {
        layers,
        datum: parsed.datum.code(),
        bureau,
        measure: parsed.measure.filter(|_| bureau).map(|m| m.code),
        period: parsed
            .period
            .filter(|_| bureau && parsed.measure.is_some())
            .map(|p| p.code()),
        scope: scope.clone(),
    };
    let day = kechuang_core::date::to_iso(app.today());
    let version = app.store.read().await?.map_data_version().await?;
    if let Some(hit) = app.map_cache.get(version, &day, &key) {
        return Ok(hit);
    }
    let p = build(app, bureau, scope, &parsed).await?;
    let enc = tokio::task::spawn_blocking(move || -> AppResult<EncodedPoints> {
        use std::io::Write;
        let json = serde_json::to_vec(&p)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("map points: {e}")))?;
        let mut gz = flate2::write::GzEncoder::new(
            Vec::with_capacity(json.len() / 4),
            flate2::Compression::default(),
        );
        gz.write_all(&json)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("map points: {e}")))?;
        let gzip = gz
            .finish()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("map points: {e}")))?;
        Ok(EncodedPoints {
            gzip,
            raw_len: json.len(),
            points: p.lat.len(),
            version,
        })
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("map points: {e}")))??;
    let enc = Arc::new(enc);
    app.map_cache.put(version, &day, key, enc.clone());
    Ok(enc)
}
