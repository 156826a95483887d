//! 人才引育: an enterprise posts talent demands (public once posted); bureau staff
//! keep talent records linked to enterprises (seen by bureau staff in scope and by
//! the enterprise itself).

use crate::{Actor, App, AppError, AppResult};
use kechuang_core::ids::OrgId;
use kechuang_core::role::Role;
use kechuang_core::{FieldError, talent};
use kechuang_store::{NewTalent, NewTalentDemand, TalentDemandRow, TalentFilter, TalentRow};

/// A talent demand as typed (the form and the API).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct DemandInput {
    /// The enterprise (bureau staff only; an enterprise posts for itself).
    pub org_id: Option<String>,
    /// Post.
    pub title: String,
    /// Field.
    pub field: String,
    /// Education required.
    pub education: String,
    /// People wanted (text, checked).
    pub positions: String,
    /// Duties and requirements.
    pub description: String,
}

/// A talent record as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TalentInput {
    /// The enterprise the person works for (optional).
    pub org_id: Option<String>,
    /// Name.
    pub name: String,
    /// Category.
    pub category: String,
    /// Field.
    pub field: String,
    /// Degree.
    pub education: String,
    /// ISO date brought in.
    pub introduced_on: String,
    /// Notes.
    pub note: String,
}

/// Posts a talent demand for the actor's enterprise (bureau staff may post for
/// any enterprise in scope by naming `org_id`).
pub async fn post_demand(
    app: &App,
    actor: &Actor,
    input: &DemandInput,
) -> AppResult<TalentDemandRow> {
    let org_id = input
        .org_id
        .as_deref()
        .map(kechuang_core::text::trim)
        .filter(|s| !s.is_empty());
    let org = match (actor.role, &actor.org_id, org_id) {
        (Role::Enterprise, Some(own), _) => own.clone(),
        (r, _, Some(o)) if r.is_bureau() => OrgId(o.to_string()),
        (r, _, None) if r.is_bureau() => {
            return Err(AppError::Invalid(vec![FieldError::new(
                "org_id", "required",
            )]));
        }
        _ => return Err(AppError::Forbidden),
    };
    let d = talent::demand(
        &input.title,
        &input.field,
        &input.education,
        &input.positions,
        &input.description,
    )
    .map_err(AppError::Invalid)?;
    let mut tx = app.store.begin().await?;
    let rec = crate::ops::visible_org(&mut tx, actor, &org).await?;
    let id = kechuang_store::new_id();
    let on = kechuang_core::date::to_iso(app.today());
    tx.insert_talent_demand(&NewTalentDemand {
        id: &id,
        org_id: rec.id.as_str(),
        demand: &d,
        posted_on: &on,
        by: &actor.tag(),
        now: app.now(),
    })
    .await?;
    tx.append_event(
        &actor.tag(),
        "talent_demand",
        &id,
        "talent.demand_posted",
        &serde_json::json!({"org_id": rec.id.as_str(), "demand": d}),
    )
    .await?;
    let row = tx.talent_demand(&id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(row)
}

/// Closes (or reopens) a demand: its enterprise or bureau staff.
pub async fn set_demand_status(app: &App, actor: &Actor, id: &str, status: &str) -> AppResult<()> {
    if !matches!(status, "open" | "closed") {
        return Err(AppError::Invalid(vec![
            FieldError::new("status", "talent_status_invalid").with("value", status),
        ]));
    }
    let mut tx = app.store.begin().await?;
    let d = tx.talent_demand(id).await?.ok_or(AppError::NotFound)?;
    let own = actor
        .org_id
        .as_ref()
        .is_some_and(|o| o.as_str() == d.organisation_id);
    if !(own || (actor.is_bureau() && actor.in_scope(d.town.as_deref()))) {
        return Err(AppError::Forbidden);
    }
    tx.set_talent_demand_status(id, status, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "talent_demand",
        id,
        "talent.demand_status",
        &serde_json::json!({"status": status}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The demand if the actor may change it: its enterprise, or bureau staff whose
/// towns include the enterprise's. Others see `NotFound` for demands they cannot
/// see (closed ones of other enterprises) and `Forbidden` for public ones.
async fn editable_demand(
    tx: &mut kechuang_store::Db,
    actor: &Actor,
    id: &str,
) -> AppResult<TalentDemandRow> {
    let d = tx.talent_demand(id).await?.ok_or(AppError::NotFound)?;
    let own = actor
        .org_id
        .as_ref()
        .is_some_and(|o| o.as_str() == d.organisation_id);
    if own || (actor.is_bureau() && actor.in_scope(d.town.as_deref())) {
        Ok(d)
    } else if d.status == "open" {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

/// Changes a demand's post, field, education, number and duties (its
/// enterprise or bureau staff in scope); every bad field is named and nothing
/// is changed. The enterprise and status stay as they are.
pub async fn update_demand(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &DemandInput,
) -> AppResult<TalentDemandRow> {
    // Who may edit comes before what was sent: a stranger learns nothing from
    // the validation errors.
    let mut tx = app.store.begin().await?;
    editable_demand(&mut tx, actor, id).await?;
    let d = talent::demand(
        &input.title,
        &input.field,
        &input.education,
        &input.positions,
        &input.description,
    )
    .map_err(AppError::Invalid)?;
    tx.update_talent_demand(id, &d, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "talent_demand",
        id,
        "talent.demand_updated",
        &serde_json::json!({"demand": d}),
    )
    .await?;
    let row = tx.talent_demand(id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(row)
}

/// Deletes a demand (its enterprise or bureau staff in scope); the event log
/// keeps what it said.
pub async fn delete_demand(app: &App, actor: &Actor, id: &str) -> AppResult<()> {
    let mut tx = app.store.begin().await?;
    let d = editable_demand(&mut tx, actor, id).await?;
    tx.delete_talent_demand(id).await?;
    tx.append_event(
        &actor.tag(),
        "talent_demand",
        id,
        "talent.demand_deleted",
        &serde_json::json!({"org_id": d.organisation_id, "title": d.title}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Talent demands: public (anyone, open ones); the enterprise sees its closed
/// ones too; bureau staff see those in their towns.
pub async fn demands(
    app: &App,
    actor: Option<&Actor>,
    mut f: TalentFilter,
) -> AppResult<Vec<TalentDemandRow>> {
    if f.limit <= 0 {
        f.limit = 100;
    }
    match actor {
        Some(a) if a.is_bureau() => {
            if let Some(t) = &a.towns {
                f.towns = t.clone();
            }
        }
        _ => {
            if f.category.as_deref() != Some("closed") {
                f.category = Some("open".into());
            } else if let Some(org) = actor.and_then(|a| a.org_id.as_ref()) {
                f.org_id = Some(org.as_str().to_string());
            } else {
                f.category = Some("open".into());
            }
        }
    }
    let mut db = app.store.read().await?;
    Ok(db.talent_demands(&f).await?)
}

/// Checks a talent record as typed: every bad field named.
fn talent_of(input: &TalentInput) -> AppResult<(talent::Talent, String)> {
    let mut errs = Vec::new();
    let t = talent::talent(
        &input.name,
        &input.category,
        &input.field,
        &input.education,
        &input.note,
    )
    .map_err(|e| errs.extend(e))
    .ok();
    let on = kechuang_core::date::parse("introduced_on", &input.introduced_on)
        .map_err(|e| errs.push(e))
        .ok();
    let (Some(t), Some(on)) = (t, on) else {
        return Err(AppError::Invalid(errs));
    };
    Ok((t, kechuang_core::date::to_iso(on)))
}

/// The enterprise named on a talent record (blank: none), checked to be one the
/// actor may see.
async fn talent_org<'a>(
    tx: &mut kechuang_store::Db,
    actor: &Actor,
    input: &'a TalentInput,
) -> AppResult<Option<&'a str>> {
    let org = input
        .org_id
        .as_deref()
        .map(kechuang_core::text::trim)
        .filter(|s| !s.is_empty());
    if let Some(o) = org {
        crate::ops::visible_org(tx, actor, &OrgId(o.to_string()))
            .await
            .map_err(|_| {
                AppError::Invalid(vec![
                    FieldError::new("org_id", "org_unknown").with("value", o),
                ])
            })?;
    }
    Ok(org)
}

/// Records a person brought in (bureau staff, enterprise in their scope).
pub async fn add_talent(app: &App, actor: &Actor, input: &TalentInput) -> AppResult<TalentRow> {
    actor.require_bureau()?;
    let (t, on) = talent_of(input)?;
    let mut tx = app.store.begin().await?;
    let org = talent_org(&mut tx, actor, input).await?;
    let id = kechuang_store::new_id();
    tx.insert_talent(&NewTalent {
        id: &id,
        org_id: org,
        talent: &t,
        introduced_on: &on,
        by: &actor.tag(),
        now: app.now(),
    })
    .await?;
    tx.append_event(
        &actor.tag(),
        "talent",
        &id,
        "talent.recorded",
        &serde_json::json!({"org_id": org, "talent": t, "introduced_on": on}),
    )
    .await?;
    let row = tx.talent(&id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(row)
}

/// The record if the actor may change it: bureau staff, and for a town
/// reviewer only records of enterprises in their towns (records without an
/// enterprise: unscoped staff only). An enterprise may see its own people but
/// not change them (`Forbidden`); anything else is `NotFound`.
async fn editable_talent(
    tx: &mut kechuang_store::Db,
    actor: &Actor,
    id: &str,
) -> AppResult<TalentRow> {
    let r = tx.talent(id).await?.ok_or(AppError::NotFound)?;
    if actor.is_bureau() {
        if actor.in_scope(r.town.as_deref()) {
            return Ok(r);
        }
        return Err(AppError::NotFound);
    }
    let own = actor
        .org_id
        .as_ref()
        .is_some_and(|o| Some(o.as_str()) == r.organisation_id.as_deref());
    Err(if own {
        AppError::Forbidden
    } else {
        AppError::NotFound
    })
}

/// Corrects a talent record (bureau staff in scope); every bad field is named
/// and nothing is changed.
pub async fn update_talent(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &TalentInput,
) -> AppResult<TalentRow> {
    let mut tx = app.store.begin().await?;
    editable_talent(&mut tx, actor, id).await?;
    let (t, on) = talent_of(input)?;
    let org = talent_org(&mut tx, actor, input).await?;
    tx.update_talent(id, org, &t, &on, app.now()).await?;
    tx.append_event(
        &actor.tag(),
        "talent",
        id,
        "talent.updated",
        &serde_json::json!({"org_id": org, "talent": t, "introduced_on": on}),
    )
    .await?;
    let row = tx.talent(id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(row)
}

/// Deletes a talent record (bureau staff in scope); the event log keeps it.
pub async fn delete_talent(app: &App, actor: &Actor, id: &str) -> AppResult<()> {
    let mut tx = app.store.begin().await?;
    let r = editable_talent(&mut tx, actor, id).await?;
    tx.delete_talent(id).await?;
    tx.append_event(
        &actor.tag(),
        "talent",
        id,
        "talent.deleted",
        &serde_json::json!({"org_id": r.organisation_id, "name": r.name}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One talent record the actor may see (bureau staff in scope, the enterprise
/// its own people).
pub async fn talent_record(app: &App, actor: &Actor, id: &str) -> AppResult<TalentRow> {
    let mut db = app.store.read().await?;
    let r = db.talent(id).await?.ok_or(AppError::NotFound)?;
    let own = actor
        .org_id
        .as_ref()
        .is_some_and(|o| Some(o.as_str()) == r.organisation_id.as_deref());
    if own || (actor.is_bureau() && actor.in_scope(r.town.as_deref())) {
        Ok(r)
    } else {
        Err(AppError::NotFound)
    }
}

/// One demand the actor may change (for the edit form).
pub async fn demand_for_edit(app: &App, actor: &Actor, id: &str) -> AppResult<TalentDemandRow> {
    let mut db = app.store.read().await?;
    editable_demand(&mut db, actor, id).await
}

/// Talent records: bureau staff (their towns), an enterprise (its own people).
pub async fn talents(app: &App, actor: &Actor, mut f: TalentFilter) -> AppResult<Vec<TalentRow>> {
    if f.limit <= 0 {
        f.limit = 100;
    }
    if actor.is_bureau() {
        if let Some(t) = &actor.towns {
            f.towns = t.clone();
        }
    } else if let Some(org) = &actor.org_id {
        f.org_id = Some(org.as_str().to_string());
    } else {
        return Err(AppError::Forbidden);
    }
    let mut db = app.store.read().await?;
    Ok(db.talents(&f).await?)
}
