//! The policy library: search and read (public, no login needed for published
//! policies), create, update, publish, repeal (a bureau administrator), and the
//! policies each enterprise type may use.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession, MaybeSession};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kechuang_app::ops::policy::{self, PolicySearch};
use kechuang_core::policy::{PolicyInput, Step};
use serde::Deserialize;
use serde_json::Value;

/// Searches or lists policies: full text with highlighted snippets when `q` is
/// given (the database when the index is unavailable), filters by level,
/// category, enterprise type, status and year. Anonymous callers see public
/// policies only; drafts are for bureau staff.
#[utoipa::path(get, path = "/api/v1/policies", tag = "policy",
    params(("q" = Option<String>, Query), ("level" = Option<String>, Query, description = "national, municipal, district"),
           ("category" = Option<String>, Query), ("audience" = Option<String>, Query, description = "enterprise type code, e.g. high_tech"),
           ("status" = Option<String>, Query, description = "published, expired, repealed (draft: bureau)"), ("year" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{total, items[{id, title, issuer, doc_no, level, category, status, audiences, measures, snippet_html, matched, score}], engine, tokens, page, per_page}"), (status = 422)))]
pub(crate) async fn list(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<PolicySearch>,
) -> Result<Json<Value>, ApiError> {
    let searcher = s.searcher().ok();
    let actor = session.as_ref().map(|s| &s.actor);
    to_json(&policy::search(&s.app, searcher.as_deref(), actor, &q).await?)
}

/// One policy with its full text (a draft: bureau staff only, otherwise 404).
#[utoipa::path(get, path = "/api/v1/policies/{id}", tag = "policy",
    responses((status = 200, description = "PolicyView"), (status = 404)))]
pub(crate) async fn get_one(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let actor = session.as_ref().map(|s| &s.actor);
    to_json(&policy::get(&s.app, actor, &id).await?)
}

/// Adds a policy as a draft (a bureau administrator).
#[utoipa::path(post, path = "/api/v1/policies", tag = "policy",
    request_body(content = Object, description = "title, issuer, doc_no, level, category, published_on, effective_from, effective_to, summary, body, source_url, audiences[], measures[]"),
    responses((status = 201, description = "PolicyView"), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn create(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(input): ApiJson<PolicyInput>,
) -> Result<Response, ApiError> {
    let v = policy::create(&s.app, &session.actor, &input).await?;
    Ok((StatusCode::CREATED, to_json(&v)?).into_response())
}

/// Replaces a policy's content (a bureau administrator); the status stays.
#[utoipa::path(put, path = "/api/v1/policies/{id}", tag = "policy",
    request_body(content = Object, description = "as for POST /api/v1/policies"),
    responses((status = 200, description = "PolicyView"), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn update(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PolicyInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&policy::update(&s.app, &session.actor, &id, &input).await?)
}

/// A status change's body.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct StepBody {
    reason: String,
}

async fn do_step(
    s: AppState,
    session: crate::extract::Session,
    id: String,
    step: Step,
    body: Option<StepBody>,
) -> Result<Json<Value>, ApiError> {
    let reason = body.map(|b| b.reason).unwrap_or_default();
    to_json(&policy::step(&s.app, &session.actor, &id, step, &reason).await?)
}

/// Publishes a draft (a bureau administrator).
#[utoipa::path(post, path = "/api/v1/policies/{id}/publish", tag = "policy",
    responses((status = 200, description = "PolicyView"), (status = 403), (status = 404), (status = 409)))]
pub(crate) async fn publish(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    body: Option<Json<StepBody>>,
) -> Result<Json<Value>, ApiError> {
    do_step(s, session, id, Step::Publish, body.map(|b| b.0)).await
}

/// Repeals a published or expired policy (a bureau administrator); `reason` required.
#[utoipa::path(post, path = "/api/v1/policies/{id}/repeal", tag = "policy",
    request_body(content = Object, description = "{reason}"),
    responses((status = 200, description = "PolicyView"), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn repeal(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    body: Option<Json<StepBody>>,
) -> Result<Json<Value>, ApiError> {
    do_step(s, session, id, Step::Repeal, body.map(|b| b.0)).await
}

/// Marks a published policy expired (a bureau administrator).
#[utoipa::path(post, path = "/api/v1/policies/{id}/expire", tag = "policy",
    responses((status = 200, description = "PolicyView"), (status = 403), (status = 404), (status = 409)))]
pub(crate) async fn expire(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    body: Option<Json<StepBody>>,
) -> Result<Json<Value>, ApiError> {
    do_step(s, session, id, Step::Expire, body.map(|b| b.0)).await
}

/// The type filter of the by-type table.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct TypeQuery {
    audience: String,
    org_id: String,
}

/// Enterprise type → the policies in force and the measures it may use (public).
#[utoipa::path(get, path = "/api/v1/policies/by-type", tag = "policy",
    params(("audience" = Option<String>, Query, description = "one type only")),
    responses((status = 200, description = "[{audience, policies[], measures[]}]"), (status = 422)))]
pub(crate) async fn by_type(
    State(s): State<AppState>,
    Query(q): Query<TypeQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&policy::by_audience(&s.app, Some(q.audience.as_str())).await?)
}

/// The policies in force an organisation may use, from what it is and holds
/// (an enterprise: its own; bureau staff: `org_id`).
#[utoipa::path(get, path = "/api/v1/policies/for-org", tag = "policy",
    params(("org_id" = Option<String>, Query)),
    responses((status = 200, description = "{org_id, org_name, holds[], policies[], measures[]}"), (status = 404)))]
pub(crate) async fn for_org(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<TypeQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&policy::for_org(&s.app, &session.actor, Some(q.org_id.as_str())).await?)
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/policies", get(list).post(create))
        .route("/api/v1/policies/by-type", get(by_type))
        .route("/api/v1/policies/for-org", get(for_org))
        .route("/api/v1/policies/{id}", get(get_one).put(update))
        .route("/api/v1/policies/{id}/publish", post(publish))
        .route("/api/v1/policies/{id}/repeal", post(repeal))
        .route("/api/v1/policies/{id}/expire", post(expire))
}
