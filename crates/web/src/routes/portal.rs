//! The portal's API: the public figures, the caller's home (attention items),
//! notifications and preferences, saved searches, and the talent registry.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::extract::{Path, Query, State};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use kechuang_app::ops::talent::{DemandInput, TalentInput};
use kechuang_app::ops::{home, notify, portal, saved_search, talent};
use kechuang_store::TalentFilter;
use serde::Deserialize;
use serde_json::{Value, json};

/// The public portal: figures and the newest records per section.
#[utoipa::path(get, path = "/api/v1/portal", tag = "portal",
    responses((status = 200, description = "{counts: [[code, n]], policies[], needs[], calls[], talent_demands[]}")))]
pub(crate) async fn portal_figures(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    to_json(&portal::portal(&s.app).await?)
}

/// What needs the caller's attention (the home page).
#[utoipa::path(get, path = "/api/v1/home", tag = "portal",
    responses((status = 200, description = "{role_zh, items: [{label, count, link, hint}], recent[], unread, towns}"), (status = 401)))]
pub(crate) async fn my_home(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&home::home(&s.app, &session.actor).await?)
}

/// `unread=true` lists unread ones only.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ListQuery {
    unread: bool,
}

/// The caller's notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "portal",
    params(("unread" = Option<bool>, Query)),
    responses((status = 200, description = "[{id, kind, kind_zh, title, body, link, at, read}]")))]
pub(crate) async fn notifications(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&notify::list(&s.app, &session.actor, q.unread).await?)
}

/// The caller's unread count.
#[utoipa::path(get, path = "/api/v1/notifications/unread", tag = "portal",
    responses((status = 200, description = "{unread}")))]
pub(crate) async fn unread(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({"unread": notify::unread(&s.app, &session.actor).await?}),
    ))
}

/// Which notification to mark read (none: all).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ReadRequest {
    id: Option<String>,
}

/// Marks one notification (or all) read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "portal",
    responses((status = 200, description = "{changed}"), (status = 404)))]
pub(crate) async fn read(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<ReadRequest>,
) -> Result<Json<Value>, ApiError> {
    let n = notify::mark_read(&s.app, &session.actor, r.id.as_deref()).await?;
    Ok(Json(json!({"changed": n})))
}

/// The caller's preferences.
#[utoipa::path(get, path = "/api/v1/notifications/prefs", tag = "portal",
    responses((status = 200, description = "{email, kinds: [[kind, kind_zh, channel]]}")))]
pub(crate) async fn prefs(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&notify::prefs(&s.app, &session.actor).await?)
}

/// New preferences: the address and `{kind: channel}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PrefsRequest {
    email: String,
    channels: std::collections::BTreeMap<String, String>,
}

/// Sets the caller's address and channels (`in_app`, `email`, `none`).
#[utoipa::path(put, path = "/api/v1/notifications/prefs", tag = "portal",
    responses((status = 200, description = "the preferences"), (status = 422)))]
pub(crate) async fn set_prefs(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<PrefsRequest>,
) -> Result<Json<Value>, ApiError> {
    let ch: Vec<(String, String)> = r.channels.into_iter().collect();
    to_json(&notify::set_prefs(&s.app, &session.actor, &r.email, &ch).await?)
}

/// The caller's saved searches.
#[utoipa::path(get, path = "/api/v1/saved-searches", tag = "portal",
    responses((status = 200, description = "[{id, name, kind, kind_zh, q, field, url}]")))]
pub(crate) async fn saved_searches(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&saved_search::list(&s.app, &session.actor).await?)
}

/// A search to save.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SaveRequest {
    name: String,
    kind: String,
    q: String,
    field: String,
}

/// Saves a search (kind: need, achievement, policy, challenge).
#[utoipa::path(post, path = "/api/v1/saved-searches", tag = "portal",
    responses((status = 200, description = "the saved search"), (status = 422), (status = 409)))]
pub(crate) async fn save_search(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<SaveRequest>,
) -> Result<Json<Value>, ApiError> {
    to_json(&saved_search::create(&s.app, &session.actor, &r.name, &r.kind, &r.q, &r.field).await?)
}

/// Deletes one of the caller's saved searches.
#[utoipa::path(delete, path = "/api/v1/saved-searches/{id}", tag = "portal",
    params(("id" = String, Path)),
    responses((status = 200, description = "{deleted: true}"), (status = 404)))]
pub(crate) async fn delete_search(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    saved_search::delete(&s.app, &session.actor, &id).await?;
    Ok(Json(json!({"deleted": true})))
}

/// Talent list filters.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct TalentQuery {
    q: Option<String>,
    field: Option<String>,
    education: Option<String>,
    category: Option<String>,
}

impl TalentQuery {
    fn filter(self) -> TalentFilter {
        TalentFilter {
            q: self.q,
            field: self.field,
            education: self.education,
            category: self.category,
            limit: 200,
            ..Default::default()
        }
    }
}

/// Talent demands (public: open ones).
#[utoipa::path(get, path = "/api/v1/talent/demands", tag = "portal",
    responses((status = 200, description = "[{demand_id, organisation_id, org_name, town, title, field, education, positions, description, status, posted_on}]")))]
pub(crate) async fn demands(
    State(s): State<AppState>,
    Query(q): Query<TalentQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&talent::demands(&s.app, None, q.filter()).await?)
}

/// Posts a talent demand (an enterprise for itself; bureau staff name `org_id`).
#[utoipa::path(post, path = "/api/v1/talent/demands", tag = "portal",
    responses((status = 200, description = "the demand"), (status = 422), (status = 403)))]
pub(crate) async fn post_demand(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<DemandInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&talent::post_demand(&s.app, &session.actor, &r).await?)
}

/// Talent records (bureau staff in their towns; an enterprise its own).
#[utoipa::path(get, path = "/api/v1/talent/records", tag = "portal",
    responses((status = 200, description = "[{talent_id, name, organisation_id, org_name, town, category, field, education, introduced_on, note}]")))]
pub(crate) async fn records(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<TalentQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&talent::talents(&s.app, &session.actor, q.filter()).await?)
}

/// Records a person brought in (bureau staff).
#[utoipa::path(post, path = "/api/v1/talent/records", tag = "portal",
    responses((status = 200, description = "the record"), (status = 422), (status = 403)))]
pub(crate) async fn add_record(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<TalentInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&talent::add_talent(&s.app, &session.actor, &r).await?)
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/portal", get(portal_figures))
        .route("/api/v1/home", get(my_home))
        .route("/api/v1/notifications", get(notifications))
        .route("/api/v1/notifications/unread", get(unread))
        .route("/api/v1/notifications/read", post(read))
        .route("/api/v1/notifications/prefs", get(prefs).put(set_prefs))
        .route(
            "/api/v1/saved-searches",
            get(saved_searches).post(save_search),
        )
        .route("/api/v1/saved-searches/{id}", delete(delete_search))
        .route("/api/v1/talent/demands", get(demands).post(post_demand))
        .route("/api/v1/talent/records", get(records).post(add_record))
}
