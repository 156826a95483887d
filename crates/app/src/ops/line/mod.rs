//! The assembly line: configuring lines and running them.
//!
//! `runner` starts a configured line: a controller client per torque controller,
//! the station trackers, MQTT for pedals and PLC signals, and group-committed
//! persistence (a result is acknowledged to its controller only once stored).

pub mod analytics;
pub mod batch;
pub mod config;
pub mod export;
pub mod recorded;
pub mod runner;
pub mod views;

use crate::{Actor, App, AppError, AppResult};
use kechuang_core::ids::OrgId;
use kechuang_core::line::LineSpec;
use kechuang_core::role::Role;
use kechuang_store::LineSummary;
use serde_json::json;

/// Whether the actor may configure or run lines of `org_id`: bureau
/// administrators, and the organisation's own line engineers.
pub(crate) fn may_engineer(actor: &Actor, org_id: &str) -> AppResult<()> {
    let own = actor.org_id.as_ref().map(OrgId::as_str) == Some(org_id);
    match actor.role {
        Role::BureauAdmin => Ok(()),
        Role::LineEngineer if own => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// Creates a line with its stations, tasks and controllers; ids left empty are
/// assigned. Returns the line id.
pub async fn create_line(app: &App, actor: &Actor, spec: &LineSpec) -> AppResult<String> {
    may_engineer(actor, &spec.org_id)?;
    let mut spec = spec.clone();
    if spec.id.is_empty() {
        spec.id = kechuang_store::new_id();
    }
    for s in &mut spec.stations {
        if s.id.is_empty() {
            s.id = kechuang_store::new_id();
        }
        for c in &mut s.controllers {
            if c.id.is_empty() {
                c.id = kechuang_store::new_id();
            }
        }
    }
    spec.validate().map_err(|e| AppError::Invalid(vec![e]))?;
    let mut tx = app.store.begin().await?;
    tx.insert_line(&spec, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "line",
        &spec.id,
        "line.created",
        &json!({"code": spec.code, "name": spec.name, "stations": spec.stations.len()}),
    )
    .await?;
    tx.commit().await?;
    Ok(spec.id)
}

/// A line's configuration by id or code.
pub async fn line(app: &App, actor: &Actor, id_or_code: &str) -> AppResult<LineSpec> {
    let spec = app
        .store
        .read()
        .await?
        .line(id_or_code)
        .await?
        .ok_or(AppError::NotFound)?;
    let own = actor.org_id.as_ref().map(OrgId::as_str) == Some(spec.org_id.as_str());
    if actor.is_bureau() || own {
        Ok(spec)
    } else {
        Err(AppError::NotFound)
    }
}

/// The lines the actor may see.
pub async fn lines(app: &App, actor: &Actor) -> AppResult<Vec<LineSummary>> {
    let org = if actor.is_bureau() {
        None
    } else {
        Some(actor.org_id.as_ref().ok_or(AppError::Forbidden)?.as_str())
    };
    Ok(app.store.read().await?.lines(org).await?)
}
