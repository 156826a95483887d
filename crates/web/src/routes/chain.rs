//! Daily matching API: feedback on matches, the university side's
//! recommendations, expressions of interest, threads, collaborations and their
//! stages, and the 对接成效 figures.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kechuang_app::ops::feedback::{self, FeedbackInput};
use kechuang_app::ops::interest::{self, InterestInput};
use kechuang_app::ops::outcome::{self, CorrectionInput, DirectInput};
use kechuang_core::chain::{CollaborationInput, StageInput};
use serde::Deserialize;
use serde_json::Value;

fn created<T: serde::Serialize>(v: &T) -> Result<Response, ApiError> {
    Ok((StatusCode::CREATED, to_json(v)?).into_response())
}

/// Records (or changes) the caller's 有用 / 没用 vote on a candidate of a need's matches.
#[utoipa::path(post, path = "/api/v1/needs/{id}/feedback", tag = "matchmaking",
    request_body(content = Object, description = "candidate_kind (achievement|expert), candidate_id, useful (bool)"),
    responses((status = 204), (status = 404), (status = 422)))]
pub(crate) async fn give_feedback(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<FeedbackInput>,
) -> Result<StatusCode, ApiError> {
    feedback::give(&s.app, &session.actor, &id, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Votes per candidate of one need (bureau staff).
#[utoipa::path(get, path = "/api/v1/needs/{id}/feedback", tag = "matchmaking",
    responses((status = 200, description = "[{candidate_kind, candidate_id, useful, not_useful}]"), (status = 403)))]
pub(crate) async fn need_feedback(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&feedback::counts(&s.app, &session.actor, Some(&id)).await?)
}

/// Top-N and organisation query.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RecommendQuery {
    #[serde(default)]
    org: String,
    top: Option<usize>,
}

/// The enterprises' needs that fit an achievement (its organisation or the bureau).
#[utoipa::path(get, path = "/api/v1/achievements/{id}/needs", tag = "matchmaking", params(("top" = Option<usize>, Query)),
    responses((status = 200, description = "[{id, title, org_name, url, snippet_html, score, reasons[]}]"), (status = 403), (status = 404)))]
pub(crate) async fn achievement_needs(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    Query(q): Query<RecommendQuery>,
) -> Result<Json<Value>, ApiError> {
    let r = s
        .searcher()?
        .needs_for_achievement(&s.app, &session.actor, &id, q.top.unwrap_or(10))
        .await?;
    to_json(&r)
}

/// For each achievement of the caller's organisation (bureau: `org`), the needs that fit it.
#[utoipa::path(get, path = "/api/v1/recommendations", tag = "matchmaking",
    params(("org" = Option<String>, Query, description = "bureau staff: the organisation"), ("top" = Option<usize>, Query)),
    responses((status = 200, description = "[{achievement_id, title, needs[]}]")))]
pub(crate) async fn recommendations(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<RecommendQuery>,
) -> Result<Json<Value>, ApiError> {
    let r = s
        .searcher()?
        .recommendations(&s.app, &session.actor, Some(&q.org), q.top.unwrap_or(5))
        .await?;
    to_json(&r)
}

/// Page query.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    page: Option<i64>,
    #[serde(default)]
    mediation: String,
}

/// Interests the caller's organisation sent or received (bureau: all).
#[utoipa::path(get, path = "/api/v1/interests", tag = "matchmaking", params(("page" = Option<i64>, Query)),
    responses((status = 200, description = "[InterestView]")))]
pub(crate) async fn interests(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&interest::interests(&s.app, &session.actor, q.page.unwrap_or(1)).await?)
}

/// Sends an expression of interest (an enterprise on an achievement or expert; a
/// university or institute on a need).
#[utoipa::path(post, path = "/api/v1/interests", tag = "matchmaking",
    request_body(content = Object, description = "target_kind (need|achievement|expert), target_id, message"),
    responses((status = 201, description = "InterestView"), (status = 409, description = "interest_duplicate"), (status = 422)))]
pub(crate) async fn send_interest(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(b): ApiJson<InterestInput>,
) -> Result<Response, ApiError> {
    created(&interest::send(&s.app, &session.actor, &b).await?)
}

/// One interest (its parties and the bureau).
#[utoipa::path(get, path = "/api/v1/interests/{id}", tag = "matchmaking",
    responses((status = 200, description = "InterestView"), (status = 403), (status = 404)))]
pub(crate) async fn get_interest(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&interest::interest(&s.app, &session.actor, &id).await?)
}

/// A reason.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReasonBody {
    #[serde(default)]
    reason: String,
}

/// The receiver accepts an interest; a thread opens.
#[utoipa::path(post, path = "/api/v1/interests/{id}/accept", tag = "matchmaking",
    responses((status = 200, description = "InterestView with thread_id"), (status = 403), (status = 409)))]
pub(crate) async fn accept_interest(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&interest::respond(&s.app, &session.actor, &id, true, "").await?)
}

/// The receiver declines an interest, with a reason.
#[utoipa::path(post, path = "/api/v1/interests/{id}/decline", tag = "matchmaking",
    request_body(content = Object, description = "reason"),
    responses((status = 200, description = "InterestView"), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn decline_interest(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> Result<Json<Value>, ApiError> {
    to_json(&interest::respond(&s.app, &session.actor, &id, false, &b.reason).await?)
}

/// The sender withdraws an open interest.
#[utoipa::path(post, path = "/api/v1/interests/{id}/withdraw", tag = "matchmaking",
    responses((status = 200, description = "InterestView"), (status = 403), (status = 409)))]
pub(crate) async fn withdraw_interest(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&interest::withdraw(&s.app, &session.actor, &id).await?)
}

/// Threads of the caller's organisation (bureau: all; `mediation` filters).
#[utoipa::path(get, path = "/api/v1/threads", tag = "matchmaking", params(("mediation" = Option<String>, Query, description = "none, needed, mediated")),
    responses((status = 200, description = "[ThreadView]")))]
pub(crate) async fn threads(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&interest::threads(&s.app, &session.actor, &q.mediation).await?)
}

/// A thread with its messages (its parties and the bureau).
#[utoipa::path(get, path = "/api/v1/threads/{id}", tag = "matchmaking",
    responses((status = 200, description = "ThreadView with messages[]"), (status = 403), (status = 404)))]
pub(crate) async fn thread(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&interest::thread(&s.app, &session.actor, &id).await?)
}

/// A message body.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MessageBody {
    #[serde(default)]
    body: String,
}

/// Posts a message (a party as itself, the bureau as 技术经理人).
#[utoipa::path(post, path = "/api/v1/threads/{id}/messages", tag = "matchmaking",
    request_body(content = Object, description = "body (text, at most 5,000 characters)"),
    responses((status = 201, description = "MessageView"), (status = 403), (status = 422)))]
pub(crate) async fn post_message(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<MessageBody>,
) -> Result<Response, ApiError> {
    created(&interest::post(&s.app, &session.actor, &id, &b.body).await?)
}

/// A mediation mark.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MediationBody {
    #[serde(default)]
    mediation: String,
}

/// Marks a thread 需协调 / 已协调 (bureau; a party may only ask for mediation).
#[utoipa::path(post, path = "/api/v1/threads/{id}/mediation", tag = "matchmaking",
    request_body(content = Object, description = "mediation: none, needed, mediated"),
    responses((status = 200, description = "ThreadView"), (status = 403), (status = 422)))]
pub(crate) async fn mark_mediation(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<MediationBody>,
) -> Result<Json<Value>, ApiError> {
    to_json(&interest::mark(&s.app, &session.actor, &id, &b.mediation).await?)
}

/// Records the collaboration signed from a thread (a party or the bureau).
#[utoipa::path(post, path = "/api/v1/threads/{id}/collaboration", tag = "matchmaking",
    request_body(content = Object, description = "title, signed_on, amount_wan, source, session_id"),
    responses((status = 201, description = "CollaborationView"), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn sign(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CollaborationInput>,
) -> Result<Response, ApiError> {
    created(&outcome::sign(&s.app, &session.actor, &id, &b).await?)
}

/// Collaborations of the caller's organisation (bureau: all).
#[utoipa::path(get, path = "/api/v1/collaborations", tag = "matchmaking", params(("page" = Option<i64>, Query)),
    responses((status = 200, description = "[CollaborationView]")))]
pub(crate) async fn collaborations(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&outcome::collaborations(&s.app, &session.actor, q.page.unwrap_or(1)).await?)
}

/// The bureau records a collaboration signed without a prior interest (a special session by default).
#[utoipa::path(post, path = "/api/v1/collaborations", tag = "matchmaking",
    request_body(content = Object, description = "enterprise_org_id, provider_org_id, title, signed_on, amount_wan, source (daily|session|other), session_id"),
    responses((status = 201, description = "CollaborationView"), (status = 403), (status = 422)))]
pub(crate) async fn record_collaboration(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(b): ApiJson<DirectInput>,
) -> Result<Response, ApiError> {
    created(&outcome::record_direct(&s.app, &session.actor, &b).await?)
}

/// One collaboration and its chain (its parties and the bureau).
#[utoipa::path(get, path = "/api/v1/collaborations/{id}", tag = "matchmaking",
    responses((status = 200, description = "CollaborationView"), (status = 403), (status = 404)))]
pub(crate) async fn collaboration(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&outcome::collaboration(&s.app, &session.actor, &id).await?)
}

/// Records the next stage: contract (detail = contract number), conversion
/// (description) or product (name); stages only move forward in order.
#[utoipa::path(post, path = "/api/v1/collaborations/{id}/stages", tag = "matchmaking",
    request_body(content = Object, description = "stage (contract|conversion|product), on (date), detail"),
    responses((status = 200, description = "CollaborationView"), (status = 403), (status = 422)))]
pub(crate) async fn advance(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<StageInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&outcome::advance(&s.app, &session.actor, &id, &b).await?)
}

/// The bureau corrects a recorded stage (audited with before, after and reason).
#[utoipa::path(post, path = "/api/v1/collaborations/{id}/corrections", tag = "matchmaking",
    request_body(content = Object, description = "stage, on, detail, reason"),
    responses((status = 200, description = "CollaborationView"), (status = 403), (status = 422)))]
pub(crate) async fn correct(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CorrectionInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&outcome::correct(&s.app, &session.actor, &id, &b).await?)
}

/// A month range.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RangeQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The 对接成效 funnel for a month range, with the three-year window ending at its end (bureau).
#[utoipa::path(get, path = "/api/v1/outcomes", tag = "matchmaking",
    params(("from" = String, Query, description = "YYYY-MM"), ("to" = String, Query, description = "YYYY-MM")),
    responses((status = 200, description = "MatchmakingFigures"), (status = 403), (status = 422)))]
pub(crate) async fn outcomes(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<RangeQuery>,
) -> Result<Json<Value>, ApiError> {
    let r = kechuang_app::ops::report::parse_range(&q.from, &q.to)
        .map_err(kechuang_app::AppError::Invalid)?;
    to_json(&outcome::funnel(&s.app, &session.actor, r.from, r.to).await?)
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/needs/{id}/feedback",
            get(need_feedback).post(give_feedback),
        )
        .route("/api/v1/achievements/{id}/needs", get(achievement_needs))
        .route("/api/v1/recommendations", get(recommendations))
        .route("/api/v1/interests", get(interests).post(send_interest))
        .route("/api/v1/interests/{id}", get(get_interest))
        .route("/api/v1/interests/{id}/accept", post(accept_interest))
        .route("/api/v1/interests/{id}/decline", post(decline_interest))
        .route("/api/v1/interests/{id}/withdraw", post(withdraw_interest))
        .route("/api/v1/threads", get(threads))
        .route("/api/v1/threads/{id}", get(thread))
        .route("/api/v1/threads/{id}/messages", post(post_message))
        .route("/api/v1/threads/{id}/mediation", post(mark_mediation))
        .route("/api/v1/threads/{id}/collaboration", post(sign))
        .route(
            "/api/v1/collaborations",
            get(collaborations).post(record_collaboration),
        )
        .route("/api/v1/collaborations/{id}", get(collaboration))
        .route("/api/v1/collaborations/{id}/stages", post(advance))
        .route("/api/v1/collaborations/{id}/corrections", post(correct))
        .route("/api/v1/outcomes", get(outcomes))
}
