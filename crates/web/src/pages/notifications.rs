//! 通知: the in-app list (read / mark read), the per-kind preferences with the
//! e-mail address, and saved searches (搜索订阅).

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kechuang_app::ops::notify::{self, NotificationView, Prefs};
use kechuang_app::ops::saved_search::{self, SavedSearchView};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "notifications.html")]
struct ListPage {
    layout: Layout,
    items: Vec<NotificationView>,
}

#[derive(Template)]
#[template(path = "notifications_settings.html")]
struct SettingsPage {
    layout: Layout,
    prefs: Prefs,
    channels: Vec<(&'static str, &'static str)>,
    saved: bool,
}

#[derive(Template)]
#[template(path = "notifications_saved.html")]
struct SavedPage {
    layout: Layout,
    items: Vec<SavedSearchView>,
    kinds: Vec<(&'static str, &'static str)>,
}

async fn list(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    let items = notify::list(&s.app, &session.actor, false).await?;
    Ok(Html(render(&ListPage {
        layout: Layout::new(&s, Some(&session), "notifications"),
        items,
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CsrfForm {
    _csrf: String,
}

async fn read_one(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    notify::mark_read(&s.app, &session.actor, Some(&id)).await?;
    Ok(Redirect::to("/notifications").into_response())
}

async fn read_all(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    notify::mark_read(&s.app, &session.actor, None).await?;
    Ok(Redirect::to("/notifications").into_response())
}

/// Opens a notification: marks it read and goes where it is handled.
async fn open(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let items = notify::list(&s.app, &session.actor, false).await?;
    let n = items
        .into_iter()
        .find(|n| n.id == id)
        .ok_or(kechuang_app::AppError::NotFound)?;
    if !n.read {
        notify::mark_read(&s.app, &session.actor, Some(&id)).await?;
    }
    let link = if n.link.starts_with('/') && !n.link.starts_with("//") {
        n.link
    } else {
        "/notifications".into()
    };
    Ok(Redirect::to(&link).into_response())
}

fn channels() -> Vec<(&'static str, &'static str)> {
    kechuang_core::notify::Channel::ALL
        .into_iter()
        .map(|c| (c.code(), c.zh()))
        .collect()
}

async fn settings(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    let prefs = notify::prefs(&s.app, &session.actor).await?;
    Ok(Html(render(&SettingsPage {
        layout: Layout::new(&s, Some(&session), "notifications"),
        prefs,
        channels: channels(),
        saved: false,
    })))
}

async fn save_settings(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Html<String>, PageError> {
    let get = |k: &str| {
        form.iter()
            .find(|(f, _)| f == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    session.check_csrf(&get("_csrf"))?;
    let chosen: Vec<(String, String)> = form
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("channel.")
                .map(|k| (k.to_string(), v.clone()))
        })
        .collect();
    let prefs = notify::set_prefs(&s.app, &session.actor, &get("email"), &chosen).await?;
    Ok(Html(render(&SettingsPage {
        layout: Layout::new(&s, Some(&session), "notifications"),
        prefs,
        channels: channels(),
        saved: true,
    })))
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    saved_search::KINDS.to_vec()
}

async fn saved(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    let items = saved_search::list(&s.app, &session.actor).await?;
    Ok(Html(render(&SavedPage {
        layout: Layout::new(&s, Some(&session), "saved_searches"),
        items,
        kinds: kinds(),
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SaveForm {
    _csrf: String,
    name: String,
    kind: String,
    q: String,
    field: String,
}

async fn save_search(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<SaveForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    saved_search::create(&s.app, &session.actor, &f.name, &f.kind, &f.q, &f.field).await?;
    Ok(Redirect::to("/saved-searches").into_response())
}

async fn delete_search(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f._csrf)?;
    saved_search::delete(&s.app, &session.actor, &id).await?;
    Ok(Redirect::to("/saved-searches").into_response())
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/read", post(read_all))
        .route("/notifications/settings", get(settings).post(save_settings))
        .route("/notifications/{id}/open", get(open))
        .route("/notifications/{id}/read", post(read_one))
        .route("/saved-searches", get(saved).post(save_search))
        .route("/saved-searches/{id}/delete", post(delete_search))
}
