//! The filing form, a filing's versions with review actions, and the review queue.

use super::{Layout, field_label, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{PageSession, Session};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_app::AppError;
use kechuang_app::ops::{filing, org};
use kechuang_core::date::china_datetime_of;
use kechuang_core::filing::FilingStatus;
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::ALL;
use kechuang_core::money::format_scaled;
use kechuang_core::period::Period;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

struct Field {
    no: String,
    code: &'static str,
    name: &'static str,
    unit: &'static str,
    value: String,
    error: String,
}

#[derive(Template)]
#[template(path = "filing_form.html")]
struct FormPage {
    layout: Layout,
    id: String,
    org_name: String,
    period: String,
    fields: Vec<Field>,
    errors: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    period: String,
}

fn fields(values: &BTreeMap<String, String>, errors: &HashMap<String, String>) -> Vec<Field> {
    ALL.iter()
        .map(|i| Field {
            no: i.no.map_or_else(|| "附".to_string(), |n| n.to_string()),
            code: i.code,
            name: i.name,
            unit: i.unit.zh(),
            value: values.get(i.code).cloned().unwrap_or_default(),
            error: errors.get(i.code).cloned().unwrap_or_default(),
        })
        .collect()
}

async fn form_page(
    s: &AppState,
    session: &Session,
    id: &str,
    period: String,
    values: BTreeMap<String, String>,
    errs: &[kechuang_core::FieldError],
) -> Result<String, PageError> {
    let p = org::profile(&s.app, &session.actor, &OrgId(id.into())).await?;
    let by_field: HashMap<String, String> = errs
        .iter()
        .map(|e| (e.field.clone(), e.message()))
        .collect();
    Ok(render(&FormPage {
        layout: Layout::new(s, Some(session), "enterprises"),
        id: id.into(),
        org_name: p.org.org.name.clone(),
        period,
        fields: fields(&values, &by_field),
        errors: errs
            .iter()
            .map(|e| format!("{}：{}", field_label(&e.field), e.message()))
            .collect(),
    }))
}

/// The form, prefilled with the latest version of the period if there is one.
async fn new_form(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Query(q): Query<NewQuery>,
) -> Result<Html<String>, PageError> {
    let mut values = BTreeMap::new();
    if !q.period.trim().is_empty() {
        match filing::versions(&s.app, &session.actor, &OrgId(id.clone()), &q.period).await {
            Ok(v) => {
                if let Some(last) = v.last() {
                    values = last
                        .values
                        .iter()
                        .map(|(i, x)| (i.code.to_string(), format_scaled(x, i.decimals, 0)))
                        .collect();
                }
            }
            Err(AppError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Html(
        form_page(&s, &session, &id, q.period, values, &[]).await?,
    ))
}

async fn save(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    session.check_csrf(&get("_csrf"))?;
    let period = get("period");
    let values: BTreeMap<String, String> = form
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("v_").map(|c| (c.to_string(), v.clone())))
        .collect();
    let org_id = OrgId(id.clone());
    let saved = match filing::save(&s.app, &session.actor, &org_id, &period, &values).await {
        Ok(v) => v,
        Err(AppError::Invalid(errs)) => {
            return Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                Html(form_page(&s, &session, &id, period, values, &errs).await?),
            )
                .into_response());
        }
        Err(AppError::Conflict(e)) => {
            return Ok((
                axum::http::StatusCode::CONFLICT,
                Html(form_page(&s, &session, &id, period, values, &[e]).await?),
            )
                .into_response());
        }
        Err(e) => return Err(e.into()),
    };
    if get("action") == "submit"
        && let Err(e) =
            filing::submit(&s.app, &session.actor, &org_id, &saved.period.to_string()).await
    {
        return match e {
            AppError::Invalid(errs) => Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                Html(form_page(&s, &session, &id, period, values, &errs).await?),
            )
                .into_response()),
            other => Err(other.into()),
        };
    }
    Ok(Redirect::to(&format!("/enterprises/{id}/filings/{}", saved.period)).into_response())
}

/// Indicator name, unit, and per version the value and whether it changed.
type ValueRow = (&'static str, &'static str, Vec<(String, bool)>);

struct VersionCol {
    version: i32,
    status: &'static str,
    status_name: &'static str,
    is_current: bool,
    created_by: String,
    created_at: String,
    reviewed_by: String,
    reviewed_at: String,
    note: String,
}

#[derive(Template)]
#[template(path = "filing.html")]
struct FilingPage {
    layout: Layout,
    id: String,
    org_name: String,
    period: String,
    period_label: String,
    latest_version: i32,
    latest_status: &'static str,
    latest_status_name: &'static str,
    can_submit: bool,
    can_edit: bool,
    can_review: bool,
    versions: Vec<VersionCol>,
    rows: Vec<ValueRow>,
}

async fn show(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path((id, period)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let org_id = OrgId(id.clone());
    let versions = filing::versions(&s.app, &session.actor, &org_id, &period).await?;
    let p = org::profile(&s.app, &session.actor, &org_id).await?;
    let latest = versions.last().ok_or(AppError::NotFound)?;
    let can_file = session.actor.can_file_for(&p.org);
    let rows = ALL
        .iter()
        .filter(|i| versions.iter().any(|v| v.values.0[i.index].is_some()))
        .map(|i| {
            let cells = versions
                .iter()
                .enumerate()
                .map(|(k, v)| {
                    let text =
                        v.values.0[i.index].map_or_else(|| "—".to_string(), |x| i.format_value(x));
                    let changed = k > 0 && versions[k - 1].values.0[i.index] != v.values.0[i.index];
                    (text, changed)
                })
                .collect();
            (i.name, i.unit.zh(), cells)
        })
        .collect();
    let p_parsed = Period::parse(&period)?;
    let t = FilingPage {
        layout: Layout::new(&s, Some(&session), "enterprises"),
        id: id.clone(),
        org_name: p.org.org.name.clone(),
        period: p_parsed.to_string(),
        period_label: p_parsed.label_zh(),
        latest_version: latest.version,
        latest_status: latest.status.code(),
        latest_status_name: latest.status.zh(),
        can_submit: can_file && latest.status == FilingStatus::Draft,
        can_edit: can_file && latest.status != FilingStatus::Submitted,
        can_review: session.actor.is_bureau() && latest.status == FilingStatus::Submitted,
        versions: versions
            .iter()
            .map(|v| VersionCol {
                version: v.version,
                status: v.status.code(),
                status_name: v.status.zh(),
                is_current: v.is_current,
                created_by: v.created_by.clone(),
                created_at: china_datetime_of(v.created_at),
                reviewed_by: v.reviewed_by.clone().unwrap_or_default(),
                reviewed_at: v.reviewed_at.map(china_datetime_of).unwrap_or_default(),
                note: v.review_note.clone().unwrap_or_default(),
            })
            .collect(),
        rows,
    };
    Ok(Html(render(&t)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReviewForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    version: Option<i32>,
    reason: String,
}

async fn submit(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path((id, period)): Path<(String, String)>,
    Form(f): Form<ReviewForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    filing::submit(&s.app, &session.actor, &OrgId(id.clone()), &period).await?;
    Ok(Redirect::to(&format!("/enterprises/{id}/filings/{period}")))
}

async fn approve(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path((id, period)): Path<(String, String)>,
    Form(f): Form<ReviewForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    filing::approve(
        &s.app,
        &session.actor,
        &OrgId(id.clone()),
        &period,
        f.version,
    )
    .await?;
    Ok(Redirect::to(&format!("/enterprises/{id}/filings/{period}")))
}

async fn return_filing(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path((id, period)): Path<(String, String)>,
    Form(f): Form<ReviewForm>,
) -> Result<Redirect, PageError> {
    session.check_csrf(&f.csrf)?;
    filing::return_filing(
        &s.app,
        &session.actor,
        &OrgId(id.clone()),
        &period,
        f.version,
        &f.reason,
    )
    .await?;
    Ok(Redirect::to(&format!("/enterprises/{id}/filings/{period}")))
}

struct QueueRow {
    org_id: String,
    org_name: String,
    credit_code: String,
    town: String,
    period: String,
    period_label: String,
    version: i32,
    submitted_by: String,
    submitted_at: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    layout: Layout,
    items: Vec<QueueRow>,
}

async fn queue(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    let items = filing::review_queue(&s.app, &session.actor, 500).await?;
    let t = ReviewPage {
        layout: Layout::new(&s, Some(&session), "review"),
        items: items
            .iter()
            .map(|i| QueueRow {
                org_id: i.filing.org_id.0.clone(),
                org_name: i.org_name.clone(),
                credit_code: i.credit_code.clone(),
                town: i.town.clone().unwrap_or_default(),
                period: i.filing.period.to_string(),
                period_label: i.filing.period.label_zh(),
                version: i.filing.version,
                submitted_by: i.filing.submitted_by.clone().unwrap_or_default(),
                submitted_at: i
                    .filing
                    .submitted_at
                    .map(china_datetime_of)
                    .unwrap_or_default(),
            })
            .collect(),
    };
    Ok(Html(render(&t)))
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/enterprises/{id}/filings/new", get(new_form))
        .route("/enterprises/{id}/filings", post(save))
        .route("/enterprises/{id}/filings/{period}", get(show))
        .route("/enterprises/{id}/filings/{period}/submit", post(submit))
        .route("/enterprises/{id}/filings/{period}/approve", post(approve))
        .route(
            "/enterprises/{id}/filings/{period}/return",
            post(return_filing),
        )
        .route("/review", get(queue))
}
