//! Matchmaking records: technology needs, achievements and experts.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kechuang_app::ops::matchmaking::{self as mm, ListQuery};
use kechuang_core::matchmaking::{AchievementInput, ExpertInput, NeedInput};
use serde::Deserialize;
use serde_json::Value;

fn created<T: serde::Serialize>(v: &T) -> Result<Response, ApiError> {
    Ok((StatusCode::CREATED, to_json(v)?).into_response())
}

/// A record with, for bureau staff, the organisation it is for.
#[derive(Debug, Deserialize)]
pub(crate) struct Owned<T> {
    #[serde(default)]
    org_id: Option<String>,
    #[serde(default)]
    status: String,
    #[serde(flatten)]
    input: T,
}

/// Technology needs, newest first (every logged-in user).
#[utoipa::path(get, path = "/api/v1/needs", tag = "matchmaking",
    params(("org" = Option<String>, Query), ("q" = Option<String>, Query), ("field" = Option<String>, Query),
           ("status" = Option<String>, Query, description = "open, talking, solved, closed"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{total, items[NeedView]}")))]
pub(crate) async fn needs(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&mm::needs(&s.app, &session.actor, &q).await?)
}

/// Posts a technology need (an enterprise for itself; bureau staff name `org_id`).
#[utoipa::path(post, path = "/api/v1/needs", tag = "matchmaking",
    request_body(content = Object, description = "title, description, indicators, problem, basis, budget_wan, modes[], field, keywords[], deadline, org_id (bureau)"),
    responses((status = 201, description = "NeedView"), (status = 422)))]
pub(crate) async fn create_need(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(b): ApiJson<Owned<NeedInput>>,
) -> Result<Response, ApiError> {
    created(&mm::create_need(&s.app, &session.actor, b.org_id.as_deref(), &b.input).await?)
}

/// One need.
#[utoipa::path(get, path = "/api/v1/needs/{id}", tag = "matchmaking", responses((status = 200, description = "NeedView"), (status = 404)))]
pub(crate) async fn need(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&mm::need(&s.app, &session.actor, &id).await?)
}

/// Changes a need (its enterprise or bureau staff); `status` changes its state.
#[utoipa::path(put, path = "/api/v1/needs/{id}", tag = "matchmaking", request_body(content = Object, description = "the need's fields and status"),
    responses((status = 200, description = "NeedView"), (status = 403), (status = 422)))]
pub(crate) async fn update_need(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<Owned<NeedInput>>,
) -> Result<Json<Value>, ApiError> {
    to_json(&mm::update_need(&s.app, &session.actor, &id, &b.input, &b.status).await?)
}

/// Achievements, newest first.
#[utoipa::path(get, path = "/api/v1/achievements", tag = "matchmaking",
    params(("org" = Option<String>, Query), ("q" = Option<String>, Query), ("field" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{total, items[AchievementView]}")))]
pub(crate) async fn achievements(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&mm::achievements(&s.app, &session.actor, &q).await?)
}

/// Posts an achievement (a university, institute or enterprise for itself).
#[utoipa::path(post, path = "/api/v1/achievements", tag = "matchmaking",
    request_body(content = Object, description = "title, summary, inventors[], field, form, maturity, transfer_modes[], price_wan, keywords[], org_id (bureau)"),
    responses((status = 201, description = "AchievementView"), (status = 422)))]
pub(crate) async fn create_achievement(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(b): ApiJson<Owned<AchievementInput>>,
) -> Result<Response, ApiError> {
    created(&mm::create_achievement(&s.app, &session.actor, b.org_id.as_deref(), &b.input).await?)
}

/// One achievement.
#[utoipa::path(get, path = "/api/v1/achievements/{id}", tag = "matchmaking", responses((status = 200, description = "AchievementView"), (status = 404)))]
pub(crate) async fn achievement(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&mm::achievement(&s.app, &session.actor, &id).await?)
}

/// Changes an achievement (its organisation or bureau staff).
#[utoipa::path(put, path = "/api/v1/achievements/{id}", tag = "matchmaking", request_body(content = Object, description = "the achievement's fields"),
    responses((status = 200, description = "AchievementView"), (status = 403), (status = 422)))]
pub(crate) async fn update_achievement(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<Owned<AchievementInput>>,
) -> Result<Json<Value>, ApiError> {
    to_json(&mm::update_achievement(&s.app, &session.actor, &id, &b.input).await?)
}

/// Experts, by name.
#[utoipa::path(get, path = "/api/v1/experts", tag = "matchmaking",
    params(("org" = Option<String>, Query), ("q" = Option<String>, Query, description = "name"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{total, items[ExpertView]}")))]
pub(crate) async fn experts(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&mm::experts(&s.app, &session.actor, &q).await?)
}

/// Adds an expert (a university, institute or enterprise for itself).
#[utoipa::path(post, path = "/api/v1/experts", tag = "matchmaking",
    request_body(content = Object, description = "name, title, fields[], keywords[], projects, profile, org_id (bureau)"),
    responses((status = 201, description = "ExpertView"), (status = 422)))]
pub(crate) async fn create_expert(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(b): ApiJson<Owned<ExpertInput>>,
) -> Result<Response, ApiError> {
    created(&mm::create_expert(&s.app, &session.actor, b.org_id.as_deref(), &b.input).await?)
}

/// One expert.
#[utoipa::path(get, path = "/api/v1/experts/{id}", tag = "matchmaking", responses((status = 200, description = "ExpertView"), (status = 404)))]
pub(crate) async fn expert(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&mm::expert(&s.app, &session.actor, &id).await?)
}

/// Changes an expert (the organisation or bureau staff).
#[utoipa::path(put, path = "/api/v1/experts/{id}", tag = "matchmaking", request_body(content = Object, description = "the expert's fields"),
    responses((status = 200, description = "ExpertView"), (status = 403), (status = 422)))]
pub(crate) async fn update_expert(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<Owned<ExpertInput>>,
) -> Result<Json<Value>, ApiError> {
    to_json(&mm::update_expert(&s.app, &session.actor, &id, &b.input).await?)
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/needs", get(needs).post(create_need))
        .route("/api/v1/needs/{id}", get(need).put(update_need))
        .route(
            "/api/v1/achievements",
            get(achievements).post(create_achievement),
        )
        .route(
            "/api/v1/achievements/{id}",
            get(achievement).put(update_achievement),
        )
        .route("/api/v1/experts", get(experts).post(create_expert))
        .route("/api/v1/experts/{id}", get(expert).put(update_expert))
}
