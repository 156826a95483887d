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
use kechuang_app::AppError;
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
    /// The signed-in organisation (its own demands are editable).
    own_org: Option<String>,
    /// Bureau towns (None: unscoped or not bureau).
    towns: Option<Vec<String>>,
}

impl DemandsPage {
    /// Whether the viewer may change this demand: its enterprise, or bureau
    /// staff whose towns include it (the app checks again on save).
    fn can_edit(&self, d: &TalentDemandRow) -> bool {
        if self.own_org.as_deref() == Some(d.organisation_id.as_str()) {
            return true;
        }
        self.bureau
            && match (&self.towns, &d.town) {
                (None, _) => true,
                (Some(ts), Some(t)) => ts.contains(t),
                (Some(_), None) => false,
            }
    }
}

#[derive(Template)]
#[template(path = "talent_demand_edit.html")]
struct DemandEditPage {
    layout: Layout,
    d: TalentDemandRow,
    f: DemandInputForm,
    errors: Vec<String>,
    education: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "talent_record_edit.html")]
struct RecordEditPage {
    layout: Layout,
    id: String,
    f: TalentForm,
    errors: Vec<String>,
    education: Vec<&'static str>,
    categories: Vec<&'static str>,
}

fn field_errors(e: &AppError) -> Option<Vec<String>> {
    match e {
        AppError::Invalid(fs) => Some(
            fs.iter()
                .map(|f| format!("{}：{}", super::field_label(&f.field), f.message()))
                .collect(),
        ),
        _ => None,
    }
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
        own_org: actor.and_then(|a| a.org_id.as_ref().map(|o| o.as_str().to_string())),
        towns: actor
            .filter(|a| a.is_bureau())
            .and_then(|a| a.towns.clone()),
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
struct DemandEditForm {
    _csrf: String,
    #[serde(flatten)]
    input: DemandInputForm,
}

#[derive(Debug, Default, Clone, Deserialize)]
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

#[derive(Debug, Default, Clone, Deserialize)]
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

async fn edit_demand_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let d = talent::demand_for_edit(&s.app, &session.actor, &id).await?;
    let f = DemandInputForm {
        org_id: String::new(),
        title: d.title.clone(),
        field: d.field.clone(),
        education: d.education.clone(),
        positions: d.positions.to_string(),
        description: d.description.clone(),
    };
    Ok(Html(render(&DemandEditPage {
        layout: Layout::new(&s, Some(&session), "talent"),
        d,
        f,
        errors: Vec::new(),
        education: kechuang_core::talent::EDUCATION.to_vec(),
    })))
}

async fn edit_demand(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<DemandEditForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    let i = f.input;
    let input = DemandInput {
        org_id: None,
        title: i.title.clone(),
        field: i.field.clone(),
        education: i.education.clone(),
        positions: i.positions.clone(),
        description: i.description.clone(),
    };
    match talent::update_demand(&s.app, &session.actor, &id, &input).await {
        Ok(row) => Ok(Redirect::to(&format!("/talent#d-{}", row.demand_id)).into_response()),
        Err(e) => match field_errors(&e) {
            Some(errors) => {
                let d = talent::demand_for_edit(&s.app, &session.actor, &id).await?;
                Ok((
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    Html(render(&DemandEditPage {
                        layout: Layout::new(&s, Some(&session), "talent"),
                        d,
                        f: i,
                        errors,
                        education: kechuang_core::talent::EDUCATION.to_vec(),
                    })),
                )
                    .into_response())
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CsrfForm {
    _csrf: String,
}

async fn delete_demand(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    talent::delete_demand(&s.app, &session.actor, &id).await?;
    Ok(Redirect::to("/talent").into_response())
}

async fn edit_record_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    session.actor.require_bureau()?;
    let r = talent::talent_record(&s.app, &session.actor, &id).await?;
    let f = TalentForm {
        _csrf: String::new(),
        org_id: r.organisation_id.clone().unwrap_or_default(),
        name: r.name,
        category: r.category,
        field: r.field,
        education: r.education,
        introduced_on: r.introduced_on,
        note: r.note,
    };
    Ok(Html(render(&RecordEditPage {
        layout: Layout::new(&s, Some(&session), "talent_records"),
        id,
        f,
        errors: Vec::new(),
        education: kechuang_core::talent::EDUCATION.to_vec(),
        categories: kechuang_core::talent::CATEGORIES.to_vec(),
    })))
}

async fn edit_record(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<TalentForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    let input = TalentInput {
        org_id: Some(f.org_id.clone()),
        name: f.name.clone(),
        category: f.category.clone(),
        field: f.field.clone(),
        education: f.education.clone(),
        introduced_on: f.introduced_on.clone(),
        note: f.note.clone(),
    };
    match talent::update_talent(&s.app, &session.actor, &id, &input).await {
        Ok(row) => {
            Ok(Redirect::to(&format!("/talent/records#t-{}", row.talent_id)).into_response())
        }
        Err(e) => match field_errors(&e) {
            Some(errors) => Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                Html(render(&RecordEditPage {
                    layout: Layout::new(&s, Some(&session), "talent_records"),
                    id,
                    f,
                    errors,
                    education: kechuang_core::talent::EDUCATION.to_vec(),
                    categories: kechuang_core::talent::CATEGORIES.to_vec(),
                })),
            )
                .into_response()),
            None => Err(e.into()),
        },
    }
}

async fn delete_record(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    talent::delete_talent(&s.app, &session.actor, &id).await?;
    Ok(Redirect::to("/talent/records").into_response())
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/talent", get(demands).post(post_demand))
        .route("/talent/demands/{id}/status", post(demand_status))
        .route("/talent/records", get(records).post(add_record))
        .route(
            "/talent/demands/{id}/edit",
            get(edit_demand_page).post(edit_demand),
        )
        .route("/talent/demands/{id}/delete", post(delete_demand))
        .route(
            "/talent/records/{id}/edit",
            get(edit_record_page).post(edit_record),
        )
        .route("/talent/records/{id}/delete", post(delete_record))
}
