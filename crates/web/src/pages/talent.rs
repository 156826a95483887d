//! 人才引育: talent demands (public list; enterprises post) and talent records
//! (bureau staff record; the enterprise sees its own people).

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{MaybeSession, PageSession};
use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kechuang_app::ops::talent::{self, DemandInput, TalentInput};
use kechuang_core::role::Role;
use kechuang_store::{TalentDemandRow, TalentFilter, TalentRow};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FilterQuery {
    q: String,
    field: String,
    education: String,
    category: String,
}

impl FilterQuery {
    fn filter(&self) -> TalentFilter {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        TalentFilter {
            q: opt(&self.q),
            field: opt(&self.field),
            education: opt(&self.education),
            category: opt(&self.category),
            limit: 200,
            ..Default::default()
        }
    }
}

#[derive(Template)]
#[template(path = "talent.html")]
struct DemandsPage {
    layout: Layout,
    f: FilterQuery,
    rows: Vec<TalentDemandRow>,
    can_post: bool,
    bureau: bool,
    signed_in: bool,
    education: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "talent_records.html")]
struct RecordsPage {
    layout: Layout,
    f: FilterQuery,
    rows: Vec<TalentRow>,
    bureau: bool,
    education: Vec<&'static str>,
    categories: Vec<&'static str>,
}

async fn demands(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    Query(f): Query<FilterQuery>,
) -> Result<Html<String>, PageError> {
    let actor = session.as_ref().map(|s| &s.actor);
    let rows = talent::demands(&s.app, actor, f.filter()).await?;
    Ok(Html(render(&DemandsPage {
        layout: Layout::new(&s, session.as_ref(), "talent"),
        can_post: actor.is_some_and(|a| a.role == Role::Enterprise || a.is_bureau()),
        bureau: actor.is_some_and(|a| a.is_bureau()),
        signed_in: actor.is_some(),
        education: kechuang_core::talent::EDUCATION.to_vec(),
        f,
        rows,
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DemandForm {
    _csrf: String,
    #[serde(flatten)]
    input: DemandInputForm,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DemandInputForm {
    org_id: String,
    title: String,
    field: String,
    education: String,
    positions: String,
    description: String,
}

async fn post_demand(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<DemandForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    let i = f.input;
    let row = talent::post_demand(
        &s.app,
        &session.actor,
        &DemandInput {
            org_id: Some(i.org_id),
            title: i.title,
            field: i.field,
            education: i.education,
            positions: i.positions,
            description: i.description,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/talent#d-{}", row.demand_id)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StatusForm {
    _csrf: String,
    status: String,
}

async fn demand_status(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    talent::set_demand_status(&s.app, &session.actor, &id, &f.status).await?;
    Ok(Redirect::to("/talent").into_response())
}

async fn records(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(f): Query<FilterQuery>,
) -> Result<Html<String>, PageError> {
    let rows = talent::talents(&s.app, &session.actor, f.filter()).await?;
    Ok(Html(render(&RecordsPage {
        layout: Layout::new(&s, Some(&session), "talent_records"),
        bureau: session.actor.is_bureau(),
        education: kechuang_core::talent::EDUCATION.to_vec(),
        categories: kechuang_core::talent::CATEGORIES.to_vec(),
        f,
        rows,
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TalentForm {
    _csrf: String,
    org_id: String,
    name: String,
    category: String,
    field: String,
    education: String,
    introduced_on: String,
    note: String,
}

async fn add_record(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<TalentForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    talent::add_talent(
        &s.app,
        &session.actor,
        &TalentInput {
            org_id: Some(f.org_id),
            name: f.name,
            category: f.category,
            field: f.field,
            education: f.education,
            introduced_on: f.introduced_on,
            note: f.note,
        },
    )
    .await?;
    Ok(Redirect::to("/talent/records").into_response())
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/talent", get(demands).post(post_demand))
        .route("/talent/demands/{id}/status", post(demand_status))
        .route("/talent/records", get(records).post(add_record))
}
