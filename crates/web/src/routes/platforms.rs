//! Innovation platforms, research institutes, incubated projects and alliances.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kechuang_app::ops::institute::{
    self, AllianceInput, ExpertInput, MemberInput, MoveInput, ProjectInput, TargetInput, TeamInput,
};
use kechuang_app::ops::platform::{self, EvaluationInput, ListQuery, PlatformInput, StatusInput};
use serde::Deserialize;
use serde_json::Value;

fn created<T: serde::Serialize>(v: &T) -> Result<Response, ApiError> {
    Ok((StatusCode::CREATED, to_json(v)?).into_response())
}

/// Platforms: the bureau all (filters kind, level, status, town, q); others the
/// accredited ones, or with `mine=true` their own; with counts by kind × level.
#[utoipa::path(get, path = "/api/v1/platforms", tag = "platforms",
    params(("kind" = Option<String>, Query), ("level" = Option<String>, Query), ("status" = Option<String>, Query),
           ("town" = Option<String>, Query), ("q" = Option<String>, Query), ("mine" = Option<bool>, Query),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{total, page, per_page, items[PlatformView], counts[{kind, level, count}]}"), (status = 422)))]
pub(crate) async fn list(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&platform::list(&s.app, &session.actor, &q).await?)
}

/// Creates a platform (a bureau administrator).
#[utoipa::path(post, path = "/api/v1/platforms", tag = "platforms",
    request_body(content = Object, description = "name, kind, level, host_org_id, status, approved_on, accredited_on, revoked_on, town, cluster, field, parent_id, note, partners[{org_id | name, role}]"),
    responses((status = 201, description = "PlatformView"), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn create(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(input): ApiJson<PlatformInput>,
) -> Result<Response, ApiError> {
    created(&platform::create(&s.app, &session.actor, &input).await?)
}

/// One platform with its evaluation history (full view for the bureau and its
/// host or co-builders; others: accredited platforms, public fields).
#[utoipa::path(get, path = "/api/v1/platforms/{id}", tag = "platforms",
    responses((status = 200, description = "PlatformView"), (status = 404)))]
pub(crate) async fn detail(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&platform::detail(&s.app, &session.actor, &id).await?)
}

/// Replaces a platform's attributes (a bureau administrator).
#[utoipa::path(put, path = "/api/v1/platforms/{id}", tag = "platforms",
    request_body(content = Object, description = "as POST /api/v1/platforms"),
    responses((status = 200, description = "PlatformView"), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn update(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PlatformInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&platform::update(&s.app, &session.actor, &id, &input).await?)
}

/// Accredits or revokes a platform on a day.
#[utoipa::path(post, path = "/api/v1/platforms/{id}/status", tag = "platforms",
    request_body(content = Object, description = "{status: accredited | revoked, on: YYYY-MM-DD}"),
    responses((status = 200, description = "PlatformView"), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn status(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StatusInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&platform::move_status(&s.app, &session.actor, &id, &input).await?)
}

/// Records a yearly evaluation (one per year).
#[utoipa::path(post, path = "/api/v1/platforms/{id}/evaluations", tag = "platforms",
    request_body(content = Object, description = "{year, grade: 优秀|良好|合格|不合格, note}"),
    responses((status = 201, description = "PlatformView with revocation_due"), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn evaluate(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<EvaluationInput>,
) -> Result<Response, ApiError> {
    created(&platform::evaluate(&s.app, &session.actor, &id, &input).await?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct OnQuery {
    on: String,
}

/// Indicator #23 levels from the platform registry on a day (bureau staff).
#[utoipa::path(get, path = "/api/v1/platforms/levels", tag = "platforms",
    params(("on" = Option<String>, Query, description = "YYYY-MM-DD, default today")),
    responses((status = 200, description = "{org_id: level code}"), (status = 403), (status = 422)))]
pub(crate) async fn levels(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<OnQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&platform::levels(&s.app, &session.actor, &q.on).await?)
}

/// An institute: founding parties, 专业研究院, teams, targets with progress,
/// incubated projects by stage, resulting firms and their qualifications.
#[utoipa::path(get, path = "/api/v1/institutes/{id}", tag = "platforms",
    responses((status = 200, description = "InstituteView"), (status = 404)))]
pub(crate) async fn institute_detail(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&institute::institute(&s.app, &session.actor, &id).await?)
}

/// Adds a research team.
#[utoipa::path(post, path = "/api/v1/institutes/{id}/teams", tag = "platforms",
    request_body(content = Object, description = "{name, lead, members, field}"),
    responses((status = 201), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn add_team(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TeamInput>,
) -> Result<Response, ApiError> {
    created(&institute::add_team(&s.app, &session.actor, &id, &input).await?)
}

/// Sets a target with its actual value.
#[utoipa::path(put, path = "/api/v1/institutes/{id}/targets", tag = "platforms",
    request_body(content = Object, description = "{metric, target, unit, actual, as_of}"),
    responses((status = 200, description = "TargetView with progress_pct"), (status = 403), (status = 422)))]
pub(crate) async fn set_target(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TargetInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&institute::set_target(&s.app, &session.actor, &id, &input).await?)
}

/// Adds an incubated project.
#[utoipa::path(post, path = "/api/v1/institutes/{id}/projects", tag = "platforms",
    request_body(content = Object, description = "{name, field, stage, team, funding_fen, started_on, firm_org_id}"),
    responses((status = 201, description = "ProjectView"), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn add_project(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ProjectInput>,
) -> Result<Response, ApiError> {
    created(&institute::add_project(&s.app, &session.actor, &id, &input).await?)
}

/// Moves an incubated project to a stage.
#[utoipa::path(post, path = "/api/v1/institutes/projects/{project_id}/stage", tag = "platforms",
    request_body(content = Object, description = "{stage, on, firm_org_id, funding_fen}"),
    responses((status = 200, description = "ProjectView"), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn move_project(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(project_id): Path<String>,
    ApiJson(input): ApiJson<MoveInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&institute::move_project(&s.app, &session.actor, &project_id, &input).await?)
}

/// Alliances with their member counts.
#[utoipa::path(get, path = "/api/v1/alliances", tag = "platforms",
    responses((status = 200, description = "[AllianceView]")))]
pub(crate) async fn alliances(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&institute::alliances(&s.app, &session.actor).await?)
}

/// Creates an alliance.
#[utoipa::path(post, path = "/api/v1/alliances", tag = "platforms",
    request_body(content = Object, description = "{name, lead_org_id, founded_on, field}"),
    responses((status = 201, description = "AllianceView"), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn create_alliance(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(input): ApiJson<AllianceInput>,
) -> Result<Response, ApiError> {
    created(&institute::create_alliance(&s.app, &session.actor, &input).await?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PageQuery {
    page: i64,
    per_page: i64,
}

/// An alliance with its members and a page of its experts.
#[utoipa::path(get, path = "/api/v1/alliances/{id}", tag = "platforms",
    params(("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{alliance, members[], members_by_role, experts[], page, per_page}"), (status = 404)))]
pub(crate) async fn alliance(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&institute::alliance(&s.app, &session.actor, &id, q.page, q.per_page).await?)
}

/// Adds a member organisation (or replaces its role and dues years).
#[utoipa::path(post, path = "/api/v1/alliances/{id}/members", tag = "platforms",
    request_body(content = Object, description = "{org_id, role, joined_on, dues_years: \"2023,2024\"}"),
    responses((status = 201), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn add_member(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MemberInput>,
) -> Result<Response, ApiError> {
    created(&institute::add_member(&s.app, &session.actor, &id, &input).await?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ExpertsBody {
    experts: Vec<ExpertInput>,
}

/// Adds member experts in bulk (all or none).
#[utoipa::path(post, path = "/api/v1/alliances/{id}/experts", tag = "platforms",
    request_body(content = Object, description = "{experts: [{name, affiliation, title, field, role, joined_on}]}, up to 5000"),
    responses((status = 201, description = "{added}"), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn add_experts(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ExpertsBody>,
) -> Result<Response, ApiError> {
    let n = institute::add_experts(&s.app, &session.actor, &id, &input.experts).await?;
    created(&serde_json::json!({ "added": n }))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/platforms", get(list).post(create))
        .route("/api/v1/platforms/levels", get(levels))
        .route("/api/v1/platforms/{id}", get(detail).put(update))
        .route("/api/v1/platforms/{id}/status", post(status))
        .route("/api/v1/platforms/{id}/evaluations", post(evaluate))
        .route("/api/v1/institutes/{id}", get(institute_detail))
        .route("/api/v1/institutes/{id}/teams", post(add_team))
        .route(
            "/api/v1/institutes/{id}/targets",
            axum::routing::put(set_target),
        )
        .route("/api/v1/institutes/{id}/projects", post(add_project))
        .route(
            "/api/v1/institutes/projects/{project_id}/stage",
            post(move_project),
        )
        .route("/api/v1/alliances", get(alliances).post(create_alliance))
        .route("/api/v1/alliances/{id}", get(alliance))
        .route("/api/v1/alliances/{id}/members", post(add_member))
        .route("/api/v1/alliances/{id}/experts", post(add_experts))
}
