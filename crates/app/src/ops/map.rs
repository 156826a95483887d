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

/// The layers, in their wire order (the `layer` column holds indices).
pub const LAYERS: [(&str, &str); 4] = [
    ("enterprise", "企业"),
    ("platform", "创新平台"),
    ("institute", "科研院所"),
    ("university", "高校"),
];

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

/// The points of the chosen layers that the actor may see (`None`: a visitor).
pub async fn points(app: &App, actor: Option<&Actor>, q: &PointsQuery) -> AppResult<MapPoints> {
    let layers = parse_layers(&q.layer)?;
    let bureau = actor.is_some_and(Actor::is_bureau);
    let scope = actor
        .filter(|a| a.is_bureau())
        .and_then(|a| a.towns.clone());
    let out_datum = match q.datum.trim() {
        "" => Datum::Wgs84,
        d => Datum::parse(d)?,
    };
    let measure = match q.measure.trim() {
        "" => None,
        m => Some(indicator::by_code(m).ok_or_else(|| {
            AppError::invalid(FieldError::new("measure", "map_measure_invalid").with("value", m))
        })?),
    };
    let asked_period = match q.period.trim() {
        "" => None,
        p => Some(Period::parse(p)?),
    };

    let mut db = app.store.read().await?;
    let scope_ref = scope.as_deref();
    let mut kinds = Vec::new();
    for &l in &layers {
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
