//! Filing indicators: save a draft, submit, approve or return, read versions.

use super::visible_org;
use crate::{Actor, App, AppError, AppResult};
use kechuang_core::FieldError;
use kechuang_core::filing::{self, FilingSource, FilingStatus, SavePlan, Transition};
use kechuang_core::ids::OrgId;
use kechuang_core::indicator::{self, Values};
use kechuang_core::period::Period;
use kechuang_store::{Db, FilingVersion, OrgRecord, ReviewItem};
use serde_json::json;
use std::collections::BTreeMap;

/// Parses `{indicator code: text}` in each indicator's unit and checks consistency.
/// Blank texts mean "not reported".
pub fn parse_values(values: &BTreeMap<String, String>) -> Result<Values, Vec<FieldError>> {
    let v = Values::parse_map(values.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
    if v.is_empty() {
        return Err(vec![FieldError::new("values", "filing_empty")]);
    }
    let problems = indicator::check(&v);
    if problems.is_empty() {
        Ok(v)
    } else {
        Err(problems)
    }
}

fn values_json(v: &Values) -> serde_json::Value {
    let m: serde_json::Map<String, serde_json::Value> = v
        .iter()
        .map(|(i, x)| (i.code.to_string(), json!(i.format_value(x))))
        .collect();
    serde_json::Value::Object(m)
}

async fn filable_org(db: &mut Db, actor: &Actor, org_id: &OrgId) -> AppResult<OrgRecord> {
    let org = visible_org(db, actor, org_id).await?;
    if !actor.can_file_for(&org) {
        return Err(AppError::Forbidden);
    }
    Ok(org)
}

/// Saves values as a draft: version 1, the open draft, or a new version after a
/// decided one. Refused while a version is under review.
pub async fn save(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
    period: &str,
    values: &BTreeMap<String, String>,
) -> AppResult<FilingVersion> {
    let mut tx = app.store.begin().await?;
    // Access first: someone else's enterprise is not even validated against.
    filable_org(&mut tx, actor, org_id).await?;
    let period = Period::parse(period)?;
    let values = parse_values(values)?;
    let now = app.now();
    let latest = tx.latest_filing(org_id, period).await?;
    let plan = filing::plan_save(latest.as_ref().map(|f| f.status)).map_err(AppError::Conflict)?;
    let version = match (&plan, &latest) {
        (SavePlan::UpdateDraft, Some(l)) => {
            tx.update_draft(org_id, period, l.version, &values, now)
                .await?;
            l.version
        }
        (_, l) => {
            let version = l.as_ref().map_or(1, |l| l.version + 1);
            tx.insert_filing(&FilingVersion::new(
                org_id.clone(),
                period,
                version,
                FilingStatus::Draft,
                FilingSource::Form,
                false,
                &actor.tag(),
                now,
                values.clone(),
            ))
            .await?;
            version
        }
    };
    tx.append_event(
        &actor.tag(),
        "organisation",
        org_id.as_str(),
        "filing.saved",
        &json!({"period": period, "version": version, "values": values_json(&values)}),
    )
    .await?;
    let saved = tx
        .latest_filing(org_id, period)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(saved)
}

async fn step(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
    period: &str,
    version: Option<i32>,
    t: Transition,
    note: Option<String>,
) -> AppResult<FilingVersion> {
    let period = Period::parse(period)?;
    let now = app.now();
    let mut tx = app.store.begin().await?;
    let org = visible_org(&mut tx, actor, org_id).await?;
    match t {
        Transition::Submit if !actor.can_file_for(&org) => return Err(AppError::Forbidden),
        Transition::Approve | Transition::Return => actor.require_bureau()?,
        _ => {}
    }
    let latest = tx
        .latest_filing(org_id, period)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(v) = version
        && v != latest.version
    {
        return Err(AppError::Conflict(
            FieldError::new("version", "filing_stale").with("latest", latest.version),
        ));
    }
    let to = filing::transition(latest.status, t).map_err(AppError::Conflict)?;
    if t == Transition::Submit {
        let problems = indicator::check(&latest.values);
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
    }
    tx.set_filing_status(
        org_id,
        period,
        latest.version,
        latest.status,
        to,
        &actor.tag(),
        now,
        note.as_deref(),
    )
    .await?;
    if to == FilingStatus::Approved {
        tx.make_current(org_id, period, latest.version).await?;
    }
    let kind = match t {
        Transition::Submit => "filing.submitted",
        Transition::Approve => "filing.approved",
        Transition::Return => "filing.returned",
    };
    tx.append_event(
        &actor.tag(),
        "organisation",
        org_id.as_str(),
        kind,
        &json!({"period": period, "version": latest.version, "note": note}),
    )
    .await?;
    let after = tx
        .latest_filing(org_id, period)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(after)
}

/// Sends the latest draft for review (after checking consistency).
pub async fn submit(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
    period: &str,
) -> AppResult<FilingVersion> {
    step(app, actor, org_id, period, None, Transition::Submit, None).await
}

/// Approves the submitted version (bureau staff); it becomes the current values.
pub async fn approve(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
    period: &str,
    version: Option<i32>,
) -> AppResult<FilingVersion> {
    step(
        app,
        actor,
        org_id,
        period,
        version,
        Transition::Approve,
        None,
    )
    .await
}

/// Returns the submitted version with a reason (bureau staff).
pub async fn return_filing(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
    period: &str,
    version: Option<i32>,
    reason: &str,
) -> AppResult<FilingVersion> {
    let reason = filing::return_reason(reason)?;
    step(
        app,
        actor,
        org_id,
        period,
        version,
        Transition::Return,
        Some(reason),
    )
    .await
}

/// Every version of one filing, oldest first.
pub async fn versions(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
    period: &str,
) -> AppResult<Vec<FilingVersion>> {
    let period = Period::parse(period)?;
    let mut db = app.store.read().await?;
    visible_org(&mut db, actor, org_id).await?;
    let v = db.filing_versions(org_id, period).await?;
    if v.is_empty() {
        Err(AppError::NotFound)
    } else {
        Ok(v)
    }
}

/// The latest version of each of an organisation's filings.
pub async fn list_for_org(
    app: &App,
    actor: &Actor,
    org_id: &OrgId,
) -> AppResult<Vec<FilingVersion>> {
    let mut db = app.store.read().await?;
    visible_org(&mut db, actor, org_id).await?;
    Ok(db.latest_filings_of(org_id).await?)
}

/// Filings waiting for review within the reviewer's towns.
pub async fn review_queue(app: &App, actor: &Actor, limit: i64) -> AppResult<Vec<ReviewItem>> {
    actor.require_bureau()?;
    let mut db = app.store.read().await?;
    Ok(db
        .review_queue(actor.towns.as_deref(), limit.clamp(1, 500))
        .await?)
}
