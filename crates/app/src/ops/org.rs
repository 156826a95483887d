//! The registry: list, profile, create and update organisations.

use super::visible_org;
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::credit_code::CreditCode;
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::{self, Values};
use kechuang_core::org::{
    Coordinates, OrgKind, Organisation, optional_text, parse_bool, required_text,
};
use kechuang_core::period::Period;
use kechuang_core::qualification::QualificationKind;
use kechuang_store::{
    Event, FilingVersion, IpRecordRow, OrgFilter, OrgRecord, OrgSummary, Page, QualificationRecord,
};
use serde_json::json;

/// Organisation fields as typed in a form or sent as JSON (all text).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct OrgInput {
    /// 企业 / 高校 / 科研院所 / 金融机构 or a code; empty means enterprise.
    pub kind: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// Name.
    pub name: String,
    /// 所属镇街.
    pub town: String,
    /// 产业集群.
    pub cluster: String,
    /// 经度.
    pub longitude: String,
    /// 纬度.
    pub latitude: String,
    /// 成立日期.
    pub founded_on: String,
    /// 是否规上工业企业.
    pub above_scale: String,
    /// Address.
    pub address: String,
}

impl OrgInput {
    /// Validates every field, reporting all problems at once.
    pub fn parse(&self) -> Result<Organisation, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = if self.kind.trim().is_empty() {
            Some(OrgKind::Enterprise)
        } else {
            let k = OrgKind::parse(&self.kind);
            if k.is_none() {
                errors.push(
                    FieldError::new("kind", "org_kind_invalid").with("value", self.kind.trim()),
                );
            }
            k
        };
        let code = CreditCode::parse(&self.credit_code)
            .map_err(|e| errors.push(e))
            .ok();
        let name = required_text("name", &self.name, kechuang_core::org::MAX_NAME_CHARS)
            .map_err(|e| errors.push(e))
            .ok();
        let town = optional_text("town", &self.town, 50)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let cluster = optional_text("cluster", &self.cluster, 50)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let coordinates = match (self.longitude.trim(), self.latitude.trim()) {
            ("", "") => None,
            (lon, lat) if lon.is_empty() || lat.is_empty() => {
                errors.push(FieldError::new(
                    if lon.is_empty() {
                        "longitude"
                    } else {
                        "latitude"
                    },
                    "required",
                ));
                None
            }
            (lon, lat) => Coordinates::parse(lon, lat)
                .map_err(|e| errors.push(e))
                .ok(),
        };
        let founded_on = if self.founded_on.trim().is_empty() {
            None
        } else {
            kechuang_core::date::parse("founded_on", &self.founded_on)
                .map_err(|e| errors.push(e))
                .ok()
        };
        let above_scale = parse_bool("above_scale", &self.above_scale)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten()
            .unwrap_or(false);
        let address = optional_text("address", &self.address, 200)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        match (kind, code, name) {
            (Some(kind), Some(credit_code), Some(name)) if errors.is_empty() => Ok(Organisation {
                kind,
                credit_code,
                name,
                town,
                cluster,
                coordinates,
                founded_on,
                above_scale,
                address,
            }),
            _ => Err(errors),
        }
    }

    /// The form values of a stored organisation.
    pub fn from_org(o: &Organisation) -> Self {
        OrgInput {
            kind: o.kind.zh().into(),
            credit_code: o.credit_code.to_string(),
            name: o.name.clone(),
            town: o.town.clone().unwrap_or_default(),
            cluster: o.cluster.clone().unwrap_or_default(),
            longitude: o
                .coordinates
                .map(|c| kechuang_core::money::format_scaled(c.lon_micro, 6, 0))
                .unwrap_or_default(),
            latitude: o
                .coordinates
                .map(|c| kechuang_core::money::format_scaled(c.lat_micro, 6, 0))
                .unwrap_or_default(),
            founded_on: o
                .founded_on
                .map(kechuang_core::date::to_iso)
                .unwrap_or_default(),
            above_scale: if o.above_scale {
                "是".into()
            } else {
                "否".into()
            },
            address: o.address.clone().unwrap_or_default(),
        }
    }
}

/// List query as it arrives from a page or the API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Name or credit-code substring.
    pub q: Option<String>,
    /// Organisation kind code.
    pub kind: Option<String>,
    /// Town.
    pub town: Option<String>,
    /// Cluster.
    pub cluster: Option<String>,
    /// Qualification code held today.
    pub qualification: Option<String>,
    /// 规上 only.
    pub above_scale: Option<String>,
    /// Page, from 1.
    pub page: Option<i64>,
    /// Page size (default 20, at most 200).
    pub per_page: Option<i64>,
}

/// A page of the registry as the actor may see it.
pub async fn list(app: &App, actor: &Actor, q: &ListQuery) -> AppResult<Page<OrgSummary>> {
    let non_empty = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let per_page = q.per_page.unwrap_or(20).clamp(1, 200);
    let page = q.page.unwrap_or(1).max(1);
    let mut errors = Vec::new();
    let kind = non_empty(&q.kind).and_then(|k| {
        OrgKind::parse(&k).or_else(|| {
            errors.push(FieldError::new("kind", "org_kind_invalid").with("value", &k));
            None
        })
    });
    let qualification = non_empty(&q.qualification).and_then(|k| {
        QualificationKind::parse(&k).or_else(|| {
            errors.push(
                FieldError::new("qualification", "qualification_kind_invalid").with("value", &k),
            );
            None
        })
    });
    let above_scale = match non_empty(&q.above_scale) {
        Some(v) => parse_bool("above_scale", &v)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten(),
        None => None,
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut filter = OrgFilter {
        q: non_empty(&q.q),
        kind,
        town: non_empty(&q.town),
        cluster: non_empty(&q.cluster),
        qualification,
        on: Some(app.today()),
        above_scale,
        scope_towns: None,
        scope_org: None,
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    if actor.is_bureau() {
        filter.scope_towns = actor.towns.clone();
    } else {
        filter.scope_org = Some(actor.org_id.clone().ok_or(AppError::Forbidden)?);
    }
    let mut db = app.store.read().await?;
    Ok(db.list_organisations(&filter).await?)
}

/// One indicator's value in one period, with its change on a year earlier.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Cell {
    /// Stored integer.
    pub raw: i64,
    /// Exact value in the indicator's unit.
    pub value: String,
    /// Year-on-year change, percent (one decimal).
    pub yoy_pct: Option<String>,
}

/// An organisation's indicators over time (approved values).
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndicatorTable {
    /// Periods, oldest first.
    pub periods: Vec<Period>,
    /// For each indicator code, one cell per period (None = not reported).
    pub rows: Vec<(String, Vec<Option<Cell>>)>,
}

/// Builds the indicator table from current filings: values and YoY per period.
pub fn indicator_table(current: &[FilingVersion]) -> IndicatorTable {
    let periods: Vec<Period> = current.iter().map(|f| f.period).collect();
    let by_period: std::collections::HashMap<Period, &Values> =
        current.iter().map(|f| (f.period, &f.values)).collect();
    let rows = indicator::ALL
        .iter()
        .map(|ind| {
            let cells = periods
                .iter()
                .map(|p| {
                    let v = by_period.get(p).and_then(|vals| vals.0[ind.index])?;
                    let base = p
                        .year_earlier()
                        .and_then(|b| by_period.get(&b))
                        .and_then(|vals| vals.0[ind.index]);
                    let yoy = match ind.unit {
                        indicator::Unit::Level => None,
                        _ => base
                            .and_then(|b| indicator::yoy_pct(v, b))
                            .map(|d| d.to_string()),
                    };
                    Some(Cell {
                        raw: v,
                        value: ind.format_value(v),
                        yoy_pct: yoy,
                    })
                })
                .collect();
            (ind.code.to_string(), cells)
        })
        .collect();
    IndicatorTable { periods, rows }
}

/// Everything the profile page shows.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The organisation.
    pub org: OrgRecord,
    /// Qualifications, newest first (history included).
    pub qualifications: Vec<QualificationRecord>,
    /// Qualifications valid today.
    pub valid_now: Vec<QualificationKind>,
    /// IP records.
    pub ip: Vec<IpRecordRow>,
    /// Latest version of each filing (any status), newest period first.
    pub filings: Vec<FilingVersion>,
    /// Approved values over time with YoY.
    pub indicators: IndicatorTable,
    /// Recent events about the organisation.
    pub history: Vec<Event>,
}

/// The profile of an organisation the actor may see.
pub async fn profile(app: &App, actor: &Actor, id: &OrgId) -> AppResult<Profile> {
    let mut db = app.store.read().await?;
    let org = visible_org(&mut db, actor, id).await?;
    let qualifications = db.qualifications_of(id).await?;
    let today = app.today();
    let mut valid_now: Vec<QualificationKind> = qualifications
        .iter()
        .filter(|q| q.q.valid_on(today))
        .map(|q| q.q.kind)
        .collect();
    valid_now.sort();
    valid_now.dedup();
    let ip = db.ip_records_of(id).await?;
    let filings = db.latest_filings_of(id).await?;
    let current = db.current_filings_of(id).await?;
    let history = db.events_for("organisation", id.as_str(), 20).await?;
    Ok(Profile {
        indicators: indicator_table(&current),
        org,
        qualifications,
        valid_now,
        ip,
        filings,
        history,
    })
}

/// Adds an organisation (bureau staff).
pub async fn create(app: &App, actor: &Actor, input: &OrgInput) -> AppResult<OrgId> {
    actor.require_bureau()?;
    let org = input.parse()?;
    if !actor.in_scope(org.town.as_deref()) {
        return Err(FieldError::new("town", "town_scope").into());
    }
    let id = OrgId(kechuang_store::new_id());
    let mut tx = app.store.begin().await?;
    super::geo::check_org_place(&mut tx, app, &org).await?;
    register_lists(&mut tx, &org).await?;
    tx.insert_organisation(&id, &org, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "organisation",
        id.as_str(),
        "organisation.created",
        &org_json(&org),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes an organisation (bureau staff within scope); the event records each
/// changed field with its old and new value.
pub async fn update(app: &App, actor: &Actor, id: &OrgId, input: &OrgInput) -> AppResult<()> {
    actor.require_bureau()?;
    let org = input.parse()?;
    let mut tx = app.store.begin().await?;
    let before = visible_org(&mut tx, actor, id).await?;
    if !actor.in_scope(org.town.as_deref()) {
        return Err(FieldError::new("town", "town_scope").into());
    }
    let changes = diff(&before.org, &org);
    if changes.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(());
    }
    super::geo::check_org_place(&mut tx, app, &org).await?;
    register_lists(&mut tx, &org).await?;
    tx.update_organisation(id, &org, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "organisation",
        id.as_str(),
        "organisation.updated",
        &json!({ "changes": changes }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds the organisation's town and cluster to the district's lists when new.
pub(crate) async fn register_lists(
    tx: &mut kechuang_store::Db,
    org: &Organisation,
) -> AppResult<()> {
    if let Some(t) = &org.town {
        tx.ensure_town(t, None, 1000, None).await?;
    }
    if let Some(c) = &org.cluster {
        tx.ensure_cluster(c, 1000).await?;
    }
    Ok(())
}

/// The organisation as an event payload.
pub(crate) fn org_json(o: &Organisation) -> serde_json::Value {
    serde_json::to_value(OrgInput::from_org(o)).unwrap_or(serde_json::Value::Null)
}

/// `{field: [old, new]}` for every changed field.
pub(crate) fn diff(a: &Organisation, b: &Organisation) -> serde_json::Value {
    let (x, y) = (org_json(a), org_json(b));
    let mut out = serde_json::Map::new();
    if let (Some(x), Some(y)) = (x.as_object(), y.as_object()) {
        for (k, v) in y {
            if x.get(k) != Some(v) {
                out.insert(k.clone(), json!([x.get(k), v]));
            }
        }
    }
    serde_json::Value::Object(out)
}

/// The district's towns and clusters, for filters and forms.
pub async fn lists(app: &App) -> AppResult<(Vec<String>, Vec<String>)> {
    let mut db = app.store.read().await?;
    Ok((db.towns().await?, db.clusters().await?))
}
