//! The JSON shapes of the API (and their OpenAPI schemas). Conversions from the
//! domain types live here, so handlers stay three lines.

use kechuang_app::Actor;
use kechuang_app::ops::org::{IndicatorTable, Profile};
use kechuang_core::date::{china_datetime_of, to_iso};
use kechuang_core::indicator::{self, Indicator};
use kechuang_core::money::format_scaled;
use kechuang_store::{
    FilingVersion, IpRecordRow, OrgRecord, OrgSummary, QualificationRecord, ReviewItem,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The logged-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    /// Login name.
    pub username: String,
    /// Shown name.
    pub display_name: String,
    /// Role code.
    pub role: String,
    /// Organisation id.
    pub org_id: Option<String>,
    /// Towns a bureau user is limited to.
    pub towns: Option<Vec<String>>,
}

impl From<&Actor> for UserDto {
    fn from(a: &Actor) -> Self {
        UserDto {
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            role: a.role.code().into(),
            org_id: a.org_id.as_ref().map(|o| o.0.clone()),
            towns: a.towns.clone(),
        }
    }
}

/// Login request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A started session. The token is also set as an HttpOnly cookie; API clients may
/// send it as `Authorization: Bearer <token>` instead (then no CSRF header is needed).
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Session token.
    pub token: String,
    /// Send as `X-CSRF-Token` on unsafe requests that use the cookie.
    pub csrf_token: String,
    /// Expiry, unix microseconds.
    pub expires_at: i64,
    /// Who.
    pub user: UserDto,
}

/// An organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgDto {
    /// Id.
    pub id: String,
    /// Kind code.
    pub kind: String,
    /// 统一社会信用代码.
    pub credit_code: String,
    /// Name.
    pub name: String,
    /// 所属镇街.
    pub town: Option<String>,
    /// 产业集群.
    pub cluster: Option<String>,
    /// 经度 (exact decimal text).
    pub longitude: Option<String>,
    /// 纬度 (exact decimal text).
    pub latitude: Option<String>,
    /// 成立日期.
    pub founded_on: Option<String>,
    /// 规上工业企业.
    pub above_scale: bool,
    /// Address.
    pub address: Option<String>,
    /// Qualification codes valid today (in lists and profiles).
    pub qualifications: Vec<String>,
}

impl OrgDto {
    /// From a record and its valid qualifications.
    pub fn new(r: &OrgRecord, quals: &[kechuang_core::qualification::QualificationKind]) -> Self {
        let o = &r.org;
        OrgDto {
            id: r.id.0.clone(),
            kind: o.kind.code().into(),
            credit_code: o.credit_code.to_string(),
            name: o.name.clone(),
            town: o.town.clone(),
            cluster: o.cluster.clone(),
            longitude: o.coordinates.map(|c| format_scaled(c.lon_micro, 6, 0)),
            latitude: o.coordinates.map(|c| format_scaled(c.lat_micro, 6, 0)),
            founded_on: o.founded_on.map(to_iso),
            above_scale: o.above_scale,
            address: o.address.clone(),
            qualifications: quals.iter().map(|k| k.code().to_string()).collect(),
        }
    }
}

impl From<&OrgSummary> for OrgDto {
    fn from(s: &OrgSummary) -> Self {
        OrgDto::new(&s.record, &s.qualifications)
    }
}

/// A page of organisations.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgPageDto {
    /// Items.
    pub items: Vec<OrgDto>,
    /// Total matching.
    pub total: i64,
    /// Page, from 1.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
}

/// A qualification record.
#[derive(Debug, Serialize, ToSchema)]
pub struct QualificationDto {
    /// Id.
    pub id: String,
    /// Kind code.
    pub kind: String,
    /// zh-CN name.
    pub kind_name: String,
    /// 证书编号 / 入库编号.
    pub number: Option<String>,
    /// 认定日期.
    pub recognized_on: String,
    /// 有效期至.
    pub valid_until: Option<String>,
}

impl From<&QualificationRecord> for QualificationDto {
    fn from(q: &QualificationRecord) -> Self {
        QualificationDto {
            id: q.id.0.clone(),
            kind: q.q.kind.code().into(),
            kind_name: q.q.kind.zh().into(),
            number: q.q.number.clone(),
            recognized_on: to_iso(q.q.recognized_on),
            valid_until: q.q.valid_until.map(to_iso),
        }
    }
}

/// An IP record.
#[derive(Debug, Serialize, ToSchema)]
pub struct IpDto {
    /// Id.
    pub id: String,
    /// Type code.
    pub ip_type: String,
    /// Ⅰ类 / Ⅱ类.
    pub class: String,
    /// Number.
    pub number: String,
    /// Title.
    pub title: String,
    /// Grant date.
    pub granted_on: Option<String>,
    /// Status code.
    pub status: String,
    /// Acquisition code.
    pub acquisition: String,
    /// Acquisition date.
    pub acquired_on: Option<String>,
    /// Used in a 高企 application.
    pub used_in_hte: bool,
}

impl From<&IpRecordRow> for IpDto {
    fn from(r: &IpRecordRow) -> Self {
        let ip = &r.ip;
        IpDto {
            id: r.id.0.clone(),
            ip_type: ip.ip_type.code().into(),
            class: ip.ip_type.class().zh().into(),
            number: ip.number.clone(),
            title: ip.title.clone(),
            granted_on: ip.granted_on.map(to_iso),
            status: ip.status.code().into(),
            acquisition: ip.acquisition.code().into(),
            acquired_on: ip.acquired_on.map(to_iso),
            used_in_hte: ip.used_in_hte,
        }
    }
}

/// One version of a filing. Values are exact decimal text in each indicator's unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingDto {
    /// Period, e.g. 2023Q3 or 2023.
    pub period: String,
    /// zh-CN label, e.g. 2023年1—9月.
    pub period_label: String,
    /// Version.
    pub version: i32,
    /// Status code.
    pub status: String,
    /// Source code.
    pub source: String,
    /// Whether statistics use this version.
    pub is_current: bool,
    /// Filed by.
    pub created_by: String,
    /// Filed at (China time).
    pub created_at: String,
    /// Submitted by.
    pub submitted_by: Option<String>,
    /// Reviewed by.
    pub reviewed_by: Option<String>,
    /// Reviewed at (China time).
    pub reviewed_at: Option<String>,
    /// Reviewer's note (reason of a return).
    pub review_note: Option<String>,
    /// Indicator code → value.
    pub values: BTreeMap<String, String>,
}

impl From<&FilingVersion> for FilingDto {
    fn from(f: &FilingVersion) -> Self {
        FilingDto {
            period: f.period.to_string(),
            period_label: f.period.label_zh(),
            version: f.version,
            status: f.status.code().into(),
            source: f.source.code().into(),
            is_current: f.is_current,
            created_by: f.created_by.clone(),
            created_at: china_datetime_of(f.created_at),
            submitted_by: f.submitted_by.clone(),
            reviewed_by: f.reviewed_by.clone(),
            reviewed_at: f.reviewed_at.map(china_datetime_of),
            review_note: f.review_note.clone(),
            values: f
                .values
                .iter()
                .map(|(i, v)| (i.code.to_string(), format_scaled(v, i.decimals, 0)))
                .collect(),
        }
    }
}

/// One indicator row of the profile: a cell per period.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorRowDto {
    /// Code.
    pub code: String,
    /// zh-CN name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Per period: value and YoY, or null when not reported.
    pub cells: Vec<Option<CellDto>>,
}

/// A value and its change on a year earlier.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellDto {
    /// Exact value.
    pub value: String,
    /// Year-on-year change, percent.
    pub yoy_pct: Option<String>,
}

/// Indicators over time.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorTableDto {
    /// Periods, oldest first.
    pub periods: Vec<String>,
    /// One row per indicator.
    pub rows: Vec<IndicatorRowDto>,
}

impl From<&IndicatorTable> for IndicatorTableDto {
    fn from(t: &IndicatorTable) -> Self {
        IndicatorTableDto {
            periods: t.periods.iter().map(ToString::to_string).collect(),
            rows: t
                .rows
                .iter()
                .filter_map(|(code, cells)| {
                    let ind = indicator::by_code(code)?;
                    Some(IndicatorRowDto {
                        code: code.clone(),
                        name: ind.name.into(),
                        unit: ind.unit.zh().into(),
                        cells: cells
                            .iter()
                            .map(|c| {
                                c.as_ref().map(|c| CellDto {
                                    value: c.value.clone(),
                                    yoy_pct: c.yoy_pct.clone(),
                                })
                            })
                            .collect(),
                    })
                })
                .collect(),
        }
    }
}

/// An organisation's profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileDto {
    /// The organisation.
    pub organisation: OrgDto,
    /// Qualification history, newest first.
    pub qualifications: Vec<QualificationDto>,
    /// IP records.
    pub ip_records: Vec<IpDto>,
    /// Latest version of each filing.
    pub filings: Vec<FilingDto>,
    /// Approved indicators over time with YoY.
    pub indicators: IndicatorTableDto,
}

impl From<&Profile> for ProfileDto {
    fn from(p: &Profile) -> Self {
        ProfileDto {
            organisation: OrgDto::new(&p.org, &p.valid_now),
            qualifications: p.qualifications.iter().map(Into::into).collect(),
            ip_records: p.ip.iter().map(Into::into).collect(),
            filings: p.filings.iter().map(Into::into).collect(),
            indicators: (&p.indicators).into(),
        }
    }
}

/// An indicator definition (rules/policy-rules.md §6.3).
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDto {
    /// Code (JSON key, database column).
    pub code: String,
    /// Number 1–24, or null for supplementary items.
    pub no: Option<u8>,
    /// Header name.
    pub name: String,
    /// Full §6.3 name.
    pub full_name: String,
    /// Unit label.
    pub unit: String,
    /// Decimal places accepted.
    pub decimals: u32,
    /// flow / stock / average.
    pub period_kind: String,
    /// non_negative / any.
    pub sign: String,
    /// For "of which" items, the whole.
    pub part_of: Option<String>,
    /// Definition.
    pub definition: String,
}

impl From<&Indicator> for IndicatorDto {
    fn from(i: &Indicator) -> Self {
        let code = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
        IndicatorDto {
            code: i.code.into(),
            no: i.no,
            name: i.name.into(),
            full_name: i.full_name.into(),
            unit: i.unit.zh().into(),
            decimals: i.decimals,
            period_kind: code(serde_json::to_value(i.period_kind).unwrap_or_default()),
            sign: code(serde_json::to_value(i.sign).unwrap_or_default()),
            part_of: i.part_of.map(Into::into),
            definition: i.definition.into(),
        }
    }
}

/// Values to file for a period. Values may be JSON numbers or decimal strings, in
/// each indicator's unit; blank or absent means not reported.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FilingRequest {
    /// Period: 2023Q3, 2023年1-9月, 2023 …
    pub period: String,
    /// Indicator code → value.
    #[schema(value_type = Object)]
    pub values: BTreeMap<String, serde_json::Value>,
}

impl FilingRequest {
    /// Values as text, numbers read as a spreadsheet would show them.
    pub fn texts(&self) -> BTreeMap<String, String> {
        self.values
            .iter()
            .map(|(k, v)| {
                let t = match v {
                    serde_json::Value::Number(n) => n
                        .as_i64()
                        .map(|i| i.to_string())
                        .or_else(|| {
                            n.as_f64()
                                .and_then(kechuang_core::money::float_cell_to_string)
                        })
                        .unwrap_or_else(|| n.to_string()),
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                (k.clone(), t)
            })
            .collect()
    }
}

/// A review decision on a version.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ReviewRequest {
    /// The version reviewed (refused when a newer one exists).
    pub version: Option<i32>,
    /// The reason, required for a return.
    pub reason: String,
}

/// A filing waiting for review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItemDto {
    /// Organisation id.
    pub org_id: String,
    /// Name.
    pub org_name: String,
    /// Credit code.
    pub credit_code: String,
    /// Town.
    pub town: Option<String>,
    /// The filing.
    pub filing: FilingDto,
}

impl From<&ReviewItem> for ReviewItemDto {
    fn from(r: &ReviewItem) -> Self {
        ReviewItemDto {
            org_id: r.filing.org_id.0.clone(),
            org_name: r.org_name.clone(),
            credit_code: r.credit_code.clone(),
            town: r.town.clone(),
            filing: (&r.filing).into(),
        }
    }
}

/// An id of something created.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdDto {
    /// Id.
    pub id: String,
}
