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

/// Records a person brought in (bureau staff, enterprise in their scope).
pub async fn add_talent(app: &App, actor: &Actor, input: &TalentInput) -> AppResult<TalentRow> {
    actor.require_bureau()?;
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
    let org = input
        .org_id
        .as_deref()
        .map(kechuang_core::text::trim)
        .filter(|s| !s.is_empty());
    let mut tx = app.store.begin().await?;
    if let Some(o) = org {
        crate::ops::visible_org(&mut tx, actor, &OrgId(o.to_string()))
            .await
            .map_err(|_| {
                AppError::Invalid(vec![
                    FieldError::new("org_id", "org_unknown").with("value", o),
                ])
            })?;
    }
    let id = kechuang_store::new_id();
    let on = kechuang_core::date::to_iso(on);
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
    tx.commit().await?;
    let f = TalentFilter {
        limit: 500,
        ..Default::default()
    };
    let mut db = app.store.read().await?;
    db.talents(&f)
        .await?
        .into_iter()
        .find(|r| r.talent_id == id)
        .ok_or(AppError::NotFound)
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
