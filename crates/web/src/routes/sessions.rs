//! Special matchmaking sessions (专场对接): sessions, participants and wishes,
//! the schedule and its hand edits, signings, and the schedule downloads.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use kechuang_app::ops::sessions as ss;
use kechuang_app::session_docs;
use kechuang_core::session::{ParticipantInput, SessionInput, SigningInput};
use serde::Deserialize;
use serde_json::Value;

fn created<T: serde::Serialize>(v: &T) -> Result<Response, ApiError> {
    Ok((StatusCode::CREATED, to_json(v)?).into_response())
}

/// Sessions the caller may see (bureau: all; others: those their organisation is invited to).
#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions", responses((status = 200, description = "[SessionView]")))]
pub(crate) async fn list(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&ss::list(&s.app, &session.actor).await?)
}

/// Creates a session in draft (bureau).
#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions",
    request_body(content = Object, description = "title, date, venue, organiser, description, start (HH:MM), slot_minutes, slots, break_after, break_minutes, tables, default_limit — all strings"),
    responses((status = 201, description = "SessionView"), (status = 403), (status = 422)))]
pub(crate) async fn create(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(b): ApiJson<SessionInput>,
) -> Result<Response, ApiError> {
    created(&ss::create(&s.app, &session.actor, &b).await?)
}

/// One session with what the caller may see: participants, own schedule, the
/// whole grid and figures (bureau), signings.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "sessions", responses((status = 200, description = "SessionDetail"), (status = 404)))]
pub(crate) async fn detail(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&ss::detail(&s.app, &session.actor, &id).await?)
}

/// Changes a session's settings (bureau).
#[utoipa::path(put, path = "/api/v1/sessions/{id}", tag = "sessions", request_body(content = Object, description = "as for creation"),
    responses((status = 200, description = "SessionView"), (status = 409), (status = 422)))]
pub(crate) async fn update(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<SessionInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&ss::update(&s.app, &session.actor, &id, &b).await?)
}

#[derive(Debug, Deserialize)]
pub(crate) struct StatusBody {
    #[serde(default)]
    status: String,
}

/// Moves the session along draft → open → scheduled → held → closed (bureau).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/status", tag = "sessions", request_body(content = Object, description = "{status}"),
    responses((status = 200, description = "SessionView"), (status = 422)))]
pub(crate) async fn status(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<StatusBody>,
) -> Result<Json<Value>, ApiError> {
    to_json(&ss::set_status(&s.app, &session.actor, &id, &b.status).await?)
}

#[derive(Debug, Deserialize)]
pub(crate) struct InviteBody {
    #[serde(default)]
    org_ids: Vec<String>,
}

/// Invites organisations (bureau).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/participants", tag = "sessions", request_body(content = Object, description = "{org_ids: []}"),
    responses((status = 200, description = "{invited}"), (status = 422)))]
pub(crate) async fn invite(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<InviteBody>,
) -> Result<Json<Value>, ApiError> {
    let n = ss::invite(&s.app, &session.actor, &id, &b.org_ids).await?;
    Ok(Json(serde_json::json!({"invited": n})))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ParticipationBody {
    #[serde(default)]
    org_id: Option<String>,
    #[serde(flatten)]
    input: ParticipantInput,
}

/// Sets a participant's confirmation, limit, absences, showcased need or
/// achievement (the participant itself; bureau staff name `org_id`).
#[utoipa::path(put, path = "/api/v1/sessions/{id}/participation", tag = "sessions",
    request_body(content = Object, description = "confirmed, limit (string), away [1-based slots], need_id, achievement_id, org_id (bureau)"),
    responses((status = 200, description = "ParticipantView"), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn participation(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ParticipationBody>,
) -> Result<Json<Value>, ApiError> {
    to_json(
        &ss::update_participant(&s.app, &session.actor, &id, b.org_id.as_deref(), &b.input).await?,
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct WishesBody {
    #[serde(default)]
    org_id: Option<String>,
    #[serde(default)]
    wishes: Vec<String>,
}

/// Replaces whom a participant wants to meet, in order of preference.
#[utoipa::path(put, path = "/api/v1/sessions/{id}/wishes", tag = "sessions", request_body(content = Object, description = "{wishes: [org ids], org_id (bureau)}"),
    responses((status = 200, description = "{wishes}"), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn wishes(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<WishesBody>,
) -> Result<Json<Value>, ApiError> {
    let w = ss::set_wishes(&s.app, &session.actor, &id, b.org_id.as_deref(), &b.wishes).await?;
    Ok(Json(serde_json::json!({"wishes": w})))
}

/// Runs the scheduler (bureau); pins are kept.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/schedule", tag = "sessions", responses((status = 200, description = "ScheduleFigures"), (status = 403), (status = 409)))]
pub(crate) async fn run(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&ss::run_schedule(&s.app, &session.actor, &id).await?)
}

#[derive(Debug, Deserialize)]
pub(crate) struct PlaceBody {
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
    #[serde(default)]
    slot: u32,
    #[serde(default)]
    table: u32,
}

/// Adds a pinned meeting by hand (bureau).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/meetings", tag = "sessions", request_body(content = Object, description = "{a, b, slot, table} (1-based)"),
    responses((status = 201, description = "MeetingView"), (status = 422)))]
pub(crate) async fn add_meeting(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PlaceBody>,
) -> Result<Response, ApiError> {
    created(&ss::add_meeting(&s.app, &session.actor, &id, &b.a, &b.b, b.slot, b.table).await?)
}

/// Moves a meeting (bureau); refused with the reason when it double-books or
/// meets an absence; a moved meeting is pinned.
#[utoipa::path(put, path = "/api/v1/sessions/{id}/meetings/{mid}", tag = "sessions", request_body(content = Object, description = "{slot, table} (1-based)"),
    responses((status = 200, description = "MeetingView"), (status = 422)))]
pub(crate) async fn move_meeting(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path((id, mid)): Path<(String, String)>,
    ApiJson(b): ApiJson<PlaceBody>,
) -> Result<Json<Value>, ApiError> {
    to_json(&ss::move_meeting(&s.app, &session.actor, &id, &mid, b.slot, b.table).await?)
}

/// Removes a meeting (bureau).
#[utoipa::path(delete, path = "/api/v1/sessions/{id}/meetings/{mid}", tag = "sessions", responses((status = 204), (status = 404)))]
pub(crate) async fn remove_meeting(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path((id, mid)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    ss::remove_meeting(&s.app, &session.actor, &id, &mid).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub(crate) struct PinBody {
    #[serde(default)]
    pinned: bool,
}

/// Pins or unpins a meeting (bureau).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/meetings/{mid}/pin", tag = "sessions", request_body(content = Object, description = "{pinned}"),
    responses((status = 204), (status = 404)))]
pub(crate) async fn pin(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path((id, mid)): Path<(String, String)>,
    ApiJson(b): ApiJson<PinBody>,
) -> Result<StatusCode, ApiError> {
    ss::pin(&s.app, &session.actor, &id, &mid, b.pinned).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a signed outcome (bureau).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/signings", tag = "sessions",
    request_body(content = Object, description = "title, enterprise_id, partner_id, amount_wan, need_id, achievement_id"),
    responses((status = 201, description = "SigningView"), (status = 422)))]
pub(crate) async fn sign(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<SigningInput>,
) -> Result<Response, ApiError> {
    created(&ss::record_signing(&s.app, &session.actor, &id, &b).await?)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct OrgQuery {
    #[serde(default)]
    org: Option<String>,
}

fn file(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The schedule as xlsx (bureau: whole session or `org`; participant: its own).
#[utoipa::path(get, path = "/api/v1/sessions/{id}/schedule.xlsx", tag = "sessions", params(("org" = Option<String>, Query)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404)))]
pub(crate) async fn xlsx(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
) -> Result<Response, ApiError> {
    let bytes = session_docs::schedule_xlsx(&s.app, &session.actor, &id, q.org.as_deref()).await?;
    Ok(file(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "kechuang-session-schedule.xlsx",
        bytes,
    ))
}

/// The schedule as a printable PDF (bureau: whole session or `org`; participant: its own).
#[utoipa::path(get, path = "/api/v1/sessions/{id}/schedule.pdf", tag = "sessions", params(("org" = Option<String>, Query)),
    responses((status = 200, content_type = "application/pdf"), (status = 404)))]
pub(crate) async fn pdf(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    Query(q): Query<OrgQuery>,
) -> Result<Response, ApiError> {
    let bytes = session_docs::schedule_pdf(&s.app, &session.actor, &id, q.org.as_deref()).await?;
    Ok(file(
        "application/pdf",
        "kechuang-session-schedule.pdf",
        bytes,
    ))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sessions", get(list).post(create))
        .route("/api/v1/sessions/{id}", get(detail).put(update))
        .route("/api/v1/sessions/{id}/status", post(status))
        .route("/api/v1/sessions/{id}/participants", post(invite))
        .route("/api/v1/sessions/{id}/participation", put(participation))
        .route("/api/v1/sessions/{id}/wishes", put(wishes))
        .route("/api/v1/sessions/{id}/schedule", post(run))
        .route("/api/v1/sessions/{id}/meetings", post(add_meeting))
        .route(
            "/api/v1/sessions/{id}/meetings/{mid}",
            put(move_meeting).delete(remove_meeting),
        )
        .route("/api/v1/sessions/{id}/meetings/{mid}/pin", post(pin))
        .route("/api/v1/sessions/{id}/signings", post(sign))
        .route("/api/v1/sessions/{id}/schedule.xlsx", get(xlsx))
        .route("/api/v1/sessions/{id}/schedule.pdf", get(pdf))
}
