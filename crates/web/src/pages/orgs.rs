//! The enterprise list, profile and the organisation form.

use super::{Layout, field_label, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use kechuang_app::AppError;
use kechuang_app::ops::org::{self, ListQuery, OrgInput};
use kechuang_core::date::{china_datetime_of, to_iso};
use kechuang_core::indicator;
use kechuang_core::money::format_scaled;
use kechuang_core::org::OrgKind;
use kechuang_core::qualification::QualificationKind;
use serde::Deserialize;

/// The list's query echoed back into the filter form.
#[derive(Default)]
struct Echo {
    q: String,
    town: String,
    cluster: String,
    qualification: String,
    above_scale: String,
}

struct Row {
    id: String,
    name: String,
    credit_code: String,
    town: String,
    cluster: String,
    above_scale: bool,
    badges: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "enterprises.html")]
struct ListPage {
    layout: Layout,
    q: Echo,
    towns: Vec<String>,
    clusters: Vec<String>,
    qualification_kinds: Vec<(&'static str, &'static str)>,
    rows: Vec<Row>,
    total: i64,
    page: i64,
    pages: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
    can_create: bool,
}

fn page_link(q: &ListQuery, page: i64) -> String {
    let mut parts = vec![format!("page={page}")];
    for (k, v) in [
        ("q", &q.q),
        ("town", &q.town),
        ("cluster", &q.cluster),
        ("qualification", &q.qualification),
        ("above_scale", &q.above_scale),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", urlencode(v)));
        }
    }
    format!("/enterprises?{}", parts.join("&"))
}

/// Percent-encodes a query value.
pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn list(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let page = org::list(&s.app, &session.actor, &q).await?;
    let (towns, clusters) = org::lists(&s.app).await?;
    let per = page.limit.max(1);
    let current = page.offset / per + 1;
    let pages = ((page.total + per - 1) / per).max(1);
    let rows = page
        .items
        .iter()
        .map(|i| Row {
            id: i.record.id.0.clone(),
            name: i.record.org.name.clone(),
            credit_code: i.record.org.credit_code.to_string(),
            town: i.record.org.town.clone().unwrap_or_default(),
            cluster: i.record.org.cluster.clone().unwrap_or_default(),
            above_scale: i.record.org.above_scale,
            badges: i.qualifications.iter().map(|k| k.zh()).collect(),
        })
        .collect();
    let echo = |v: &Option<String>| v.clone().unwrap_or_default();
    let t = ListPage {
        layout: Layout::new(&s, Some(&session), "enterprises"),
        q: Echo {
            q: echo(&q.q),
            town: echo(&q.town),
            cluster: echo(&q.cluster),
            qualification: echo(&q.qualification),
            above_scale: echo(&q.above_scale),
        },
        towns,
        clusters,
        qualification_kinds: QualificationKind::ALL
            .iter()
            .map(|k| (k.code(), k.zh()))
            .collect(),
        rows,
        total: page.total,
        page: current,
        pages,
        prev_link: (current > 1).then(|| page_link(&q, current - 1)),
        next_link: (current < pages).then(|| page_link(&q, current + 1)),
        can_create: session.actor.is_bureau(),
    };
    Ok(Html(render(&t)))
}

struct FilingRow {
    period: String,
    period_label: String,
    version: i32,
    status: &'static str,
    status_name: &'static str,
    created_by: String,
    created_at: String,
    note: String,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    layout: Layout,
    id: String,
    name: String,
    badges: Vec<&'static str>,
    credit_code: String,
    kind: &'static str,
    town: String,
    cluster: String,
    above_scale: &'static str,
    founded_on: String,
    coordinates: String,
    address: String,
    can_file: bool,
    can_edit: bool,
    periods: Vec<String>,
    rows: Vec<TableRow>,
    chart_options: Vec<(&'static str, String)>,
    chart_json: String,
    filings: Vec<FilingRow>,
    qualifications: Vec<(&'static str, String, String, String, &'static str)>,
    ip_records: Vec<Vec<String>>,
    history: Vec<(String, String, String)>,
    qualification_kinds: Vec<&'static str>,
    ip_types: Vec<&'static str>,
}

struct TableRow {
    name: &'static str,
    unit: &'static str,
    cells: Vec<(String, String)>,
}

/// Periods shown in the profile table (the chart shows them all).
const TABLE_PERIODS: usize = 8;

fn event_label(kind: &str) -> &'static str {
    match kind {
        "organisation.created" => "建档",
        "organisation.updated" => "企业信息变更",
        "filing.saved" => "保存填报",
        "filing.submitted" => "提交审核",
        "filing.approved" => "审核通过",
        "filing.returned" => "退回修改",
        "qualification.recorded" => "登记资质",
        "qualification.removed" => "删除资质",
        "ip.added" => "新增知识产权",
        "ip.updated" => "更新知识产权",
        _ => "其他",
    }
}

async fn profile(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let p = org::profile(
        &s.app,
        &session.actor,
        &kechuang_core::ids::OrgId(id.clone()),
    )
    .await?;
    let o = &p.org.org;
    let all_periods: Vec<String> = p
        .indicators
        .periods
        .iter()
        .map(ToString::to_string)
        .collect();
    let skip = all_periods.len().saturating_sub(TABLE_PERIODS);
    let mut series = serde_json::Map::new();
    let mut rows = Vec::new();
    let mut chart_options = Vec::new();
    for (code, cells) in &p.indicators.rows {
        let Some(ind) = indicator::by_code(code) else {
            continue;
        };
        if cells.iter().all(Option::is_none) {
            continue;
        }
        if ind.unit != indicator::Unit::Level {
            let values: Vec<serde_json::Value> = cells
                .iter()
                .map(|c| {
                    c.as_ref().map_or(serde_json::Value::Null, |c| {
                        serde_json::json!(
                            ind.to_decimal(c.raw)
                                .to_string()
                                .parse::<f64>()
                                .unwrap_or(0.0)
                        )
                    })
                })
                .collect();
            let yoy: Vec<serde_json::Value> = cells
                .iter()
                .map(|c| {
                    c.as_ref()
                        .and_then(|c| c.yoy_pct.as_deref())
                        .and_then(|y| y.parse::<f64>().ok())
                        .map_or(serde_json::Value::Null, |y| serde_json::json!(y))
                })
                .collect();
            series.insert(code.clone(), serde_json::json!({"name": ind.name, "unit": ind.unit.zh(), "values": values, "yoy": yoy}));
            chart_options.push((ind.code, format!("{}（{}）", ind.name, ind.unit.zh())));
        }
        rows.push(TableRow {
            name: ind.name,
            unit: ind.unit.zh(),
            cells: cells
                .iter()
                .skip(skip)
                .map(|c| {
                    c.as_ref().map_or((String::from("—"), String::new()), |c| {
                        (c.value.clone(), c.yoy_pct.clone().unwrap_or_default())
                    })
                })
                .collect(),
        });
    }
    let chart = serde_json::json!({"periods": all_periods, "series": series})
        .to_string()
        .replace("</", "<\\/");
    let today = s.app.today();
    let can_file = session.actor.can_file_for(&p.org);
    let t = ProfilePage {
        layout: Layout::new(&s, Some(&session), "enterprises"),
        id: id.clone(),
        name: o.name.clone(),
        badges: p.valid_now.iter().map(|k| k.zh()).collect(),
        credit_code: o.credit_code.to_string(),
        kind: o.kind.zh(),
        town: o.town.clone().unwrap_or_default(),
        cluster: o.cluster.clone().unwrap_or_default(),
        above_scale: if o.above_scale { "是" } else { "否" },
        founded_on: o.founded_on.map(to_iso).unwrap_or_default(),
        coordinates: o
            .coordinates
            .map(|c| {
                format!(
                    "{}, {}",
                    format_scaled(c.lon_micro, 6, 0),
                    format_scaled(c.lat_micro, 6, 0)
                )
            })
            .unwrap_or_default(),
        address: o.address.clone().unwrap_or_default(),
        can_file,
        can_edit: session.actor.is_bureau(),
        periods: all_periods.iter().skip(skip).cloned().collect(),
        rows,
        chart_options,
        chart_json: chart,
        filings: p
            .filings
            .iter()
            .map(|f| FilingRow {
                period: f.period.to_string(),
                period_label: f.period.label_zh(),
                version: f.version,
                status: f.status.code(),
                status_name: f.status.zh(),
                created_by: f.created_by.clone(),
                created_at: china_datetime_of(f.updated_at),
                note: f.review_note.clone().unwrap_or_default(),
            })
            .collect(),
        qualifications: p
            .qualifications
            .iter()
            .map(|q| {
                (
                    q.q.kind.zh(),
                    q.q.number.clone().unwrap_or_default(),
                    to_iso(q.q.recognized_on),
                    q.q.valid_until.map(to_iso).unwrap_or_else(|| "长期".into()),
                    if q.q.valid_on(today) {
                        "有效"
                    } else if q.q.recognized_on > today {
                        "未生效"
                    } else {
                        "已过期"
                    },
                )
            })
            .collect(),
        ip_records: p
            .ip
            .iter()
            .map(|r| {
                vec![
                    r.ip.ip_type.zh().to_string(),
                    r.ip.ip_type.class().zh().to_string(),
                    r.ip.number.clone(),
                    r.ip.title.clone(),
                    r.ip.granted_on.map(to_iso).unwrap_or_default(),
                    r.ip.status.zh().to_string(),
                    r.ip.acquisition.zh().to_string(),
                    if r.ip.used_in_hte {
                        "是".into()
                    } else {
                        "否".into()
                    },
                ]
            })
            .collect(),
        history: p
            .history
            .iter()
            .map(|e| {
                (
                    china_datetime_of(e.at_us),
                    event_label(&e.kind).to_string(),
                    e.actor.clone(),
                )
            })
            .collect(),
        qualification_kinds: QualificationKind::ALL.iter().map(|k| k.zh()).collect(),
        ip_types: kechuang_core::ip::IpType::ALL
            .iter()
            .map(|t| t.zh())
            .collect(),
    };
    Ok(Html(render(&t)))
}

#[derive(Template)]
#[template(path = "org_form.html")]
struct OrgFormPage {
    layout: Layout,
    heading: String,
    action: String,
    back: String,
    input: OrgInput,
    errors: Vec<String>,
    kinds: Vec<&'static str>,
    towns: Vec<String>,
    clusters: Vec<String>,
}

#[derive(Deserialize)]
struct OrgForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(flatten)]
    input: OrgInput,
}

async fn form_page(
    s: &AppState,
    session: &crate::extract::Session,
    heading: &str,
    action: String,
    back: String,
    input: OrgInput,
    errors: Vec<String>,
) -> Result<String, PageError> {
    let (towns, clusters) = org::lists(&s.app).await?;
    Ok(render(&OrgFormPage {
        layout: Layout::new(s, Some(session), "enterprises"),
        heading: heading.into(),
        action,
        back,
        input,
        errors,
        kinds: OrgKind::ALL.iter().map(|k| k.zh()).collect(),
        towns,
        clusters,
    }))
}

fn messages(e: &AppError) -> Option<Vec<String>> {
    match e {
        AppError::Invalid(fs) => Some(
            fs.iter()
                .map(|f| format!("{}：{}", field_label(&f.field), f.message()))
                .collect(),
        ),
        AppError::Conflict(f) => Some(vec![format!("{}：{}", field_label(&f.field), f.message())]),
        _ => None,
    }
}

async fn new_form(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    session.actor.require_bureau()?;
    let input = OrgInput {
        kind: OrgKind::Enterprise.zh().into(),
        above_scale: "否".into(),
        ..OrgInput::default()
    };
    Ok(Html(
        form_page(
            &s,
            &session,
            "新增企业",
            "/enterprises/new".into(),
            "/enterprises".into(),
            input,
            vec![],
        )
        .await?,
    ))
}

async fn create(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<OrgForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    match org::create(&s.app, &session.actor, &f.input).await {
        Ok(id) => Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
        Err(e) => match messages(&e) {
            Some(errors) => Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                Html(
                    form_page(
                        &s,
                        &session,
                        "新增企业",
                        "/enterprises/new".into(),
                        "/enterprises".into(),
                        f.input,
                        errors,
                    )
                    .await?,
                ),
            )
                .into_response()),
            None => Err(e.into()),
        },
    }
}

async fn edit_form(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    session.actor.require_bureau()?;
    let p = org::profile(
        &s.app,
        &session.actor,
        &kechuang_core::ids::OrgId(id.clone()),
    )
    .await?;
    let input = OrgInput::from_org(&p.org.org);
    Ok(Html(
        form_page(
            &s,
            &session,
            "编辑企业信息",
            format!("/enterprises/{id}/edit"),
            format!("/enterprises/{id}"),
            input,
            vec![],
        )
        .await?,
    ))
}

async fn update(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<OrgForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    match org::update(
        &s.app,
        &session.actor,
        &kechuang_core::ids::OrgId(id.clone()),
        &f.input,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/enterprises/{id}")).into_response()),
        Err(e) => match messages(&e) {
            Some(errors) => Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                Html(
                    form_page(
                        &s,
                        &session,
                        "编辑企业信息",
                        format!("/enterprises/{id}/edit"),
                        format!("/enterprises/{id}"),
                        f.input,
                        errors,
                    )
                    .await?,
                ),
            )
                .into_response()),
            None => Err(e.into()),
        },
    }
}

#[derive(Deserialize)]
struct QualificationForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(flatten)]
    input: kechuang_app::ops::qualification::QualificationInput,
}

async fn add_qualification(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<QualificationForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    kechuang_app::ops::qualification::add(
        &s.app,
        &session.actor,
        &kechuang_core::ids::OrgId(id.clone()),
        &f.input,
    )
    .await?;
    Ok(Redirect::to(&format!("/enterprises/{id}")))
}

#[derive(Deserialize)]
struct IpForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(flatten)]
    input: kechuang_app::ops::ip::IpInput,
}

async fn add_ip(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<IpForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    kechuang_app::ops::ip::add(
        &s.app,
        &session.actor,
        &kechuang_core::ids::OrgId(id.clone()),
        &f.input,
    )
    .await?;
    Ok(Redirect::to(&format!("/enterprises/{id}")))
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/enterprises/{id}/qualifications",
            axum::routing::post(add_qualification),
        )
        .route("/enterprises/{id}/ip", axum::routing::post(add_ip))
        .route("/enterprises", get(list))
        .route("/enterprises/new", get(new_form).post(create))
        .route("/enterprises/{id}", get(profile))
        .route("/enterprises/{id}/edit", get(edit_form).post(update))
}
