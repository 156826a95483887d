//! The assembly line's JSON API (docs/line-config.md): lines and their
//! configuration, the VIN trace, visits by time, analytics of a shift, day, date
//! range or batch, and batches — the same use cases as the 装配线 pages.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use crate::pages::line::{AnalyticsQuery, with_default};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kechuang_app::ops::line::batch::{self, NewBatch};
use kechuang_app::ops::line::config::{self, LineInput};
use serde::Deserialize;
use serde_json::Value;

/// The lines the caller may see (bureau: all; a firm's line staff: its own).
#[utoipa::path(get, path = "/api/v1/lines", tag = "line",
    responses((status = 200, description = "[{id, code, name, status}]"), (status = 403)))]
pub(crate) async fn list(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&s.app.line_list(&session.actor).await?)
}

/// Creates a line (a line engineer of the owner, or a bureau administrator, who
/// names `org_id`).
#[utoipa::path(post, path = "/api/v1/lines", tag = "line",
    request_body(content = Object, description = "{org_id?, code, name, status?, stations: [{code, name, tasks: [{joint, bolt_count, pset, torque_min_cnm, torque_target_cnm, torque_max_cnm, angle_min_deg, angle_max_deg}], controllers: [{host, port, channel}]}]}"),
    responses((status = 201, description = "LineSpec"), (status = 403), (status = 422)))]
pub(crate) async fn create(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(input): ApiJson<LineInput>,
) -> Result<Response, ApiError> {
    let v = config::create_line_input(&s.app, &session.actor, &input).await?;
    Ok((StatusCode::CREATED, to_json(&v)?).into_response())
}

/// A line's configuration (by id or code).
#[utoipa::path(get, path = "/api/v1/lines/{id}", tag = "line",
    responses((status = 200, description = "LineSpec"), (status = 404)))]
pub(crate) async fn get_one(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&s.app.line_config(&session.actor, &id).await?)
}

/// Replaces a line's configuration: stations and controllers keep their ids (an
/// empty id adds one); removing a station, joint or controller with recorded
/// history is refused.
#[utoipa::path(put, path = "/api/v1/lines/{id}", tag = "line",
    request_body(content = Object, description = "as for POST /api/v1/lines, with station and controller ids"),
    responses((status = 200, description = "LineSpec"), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn update(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<LineInput>,
) -> Result<Json<Value>, ApiError> {
    s.app.line_config(&session.actor, &id).await?;
    let spec = input.to_spec(&session.actor)?;
    to_json(&config::update_line_config(&s.app, &session.actor, &id, &spec).await?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct VinQuery {
    vin: String,
}

/// Every screw of a frame number on the line.
#[utoipa::path(get, path = "/api/v1/lines/{id}/trace", tag = "line",
    params(("vin" = String, Query)),
    responses((status = 200, description = "VinTrace"), (status = 404), (status = 422)))]
pub(crate) async fn trace(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    Query(q): Query<VinQuery>,
) -> Result<Json<Value>, ApiError> {
    s.app.line_config(&session.actor, &id).await?;
    let vin = q.vin.trim().to_uppercase();
    to_json(&s.app.line_vin_trace(&session.actor, &id, &vin).await?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RangeQuery {
    from: String,
    to: String,
}

/// The line's station visits whose cart arrived in `[from, to)` (China time
/// `YYYY-MM-DD HH:MM`, at most 7 days).
#[utoipa::path(get, path = "/api/v1/lines/{id}/visits", tag = "line",
    params(("from" = String, Query), ("to" = String, Query)),
    responses((status = 200, description = "[VisitRecord]"), (status = 404), (status = 422)))]
pub(crate) async fn visits(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    Query(q): Query<RangeQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&config::visits_between(&s.app, &session.actor, &id, &q.from, &q.to).await?)
}

/// The analytics of a shift, day or date range (as the 质量分析 page).
#[utoipa::path(get, path = "/api/v1/lines/{id}/analytics", tag = "line",
    params(("period" = Option<String>, Query, description = "shift, day, range"), ("date" = Option<String>, Query),
           ("shift" = Option<String>, Query, description = "day, night"), ("from" = Option<String>, Query),
           ("to" = Option<String>, Query), ("spc" = Option<String>, Query, description = "station_code/joint")),
    responses((status = 200, description = "LineAnalytics"), (status = 404), (status = 422)))]
pub(crate) async fn analytics(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    Query(q): Query<AnalyticsQuery>,
) -> Result<Json<Value>, ApiError> {
    s.app.line_config(&session.actor, &id).await?;
    let q = with_default(&s, &session.actor, &id, q).await?;
    let period = q.parse()?;
    let spc = (!q.spc.is_empty()).then_some(q.spc.as_str());
    to_json(
        &s.app
            .line_analytics(&session.actor, &id, period, spc)
            .await?,
    )
}

/// The line's batches, newest first.
#[utoipa::path(get, path = "/api/v1/lines/{id}/batches", tag = "line",
    responses((status = 200, description = "[BatchView]"), (status = 404)))]
pub(crate) async fn batches(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&s.app.line_batches(&session.actor, &id).await?)
}

/// Opens a batch (or records a finished one with `ended_at`).
#[utoipa::path(post, path = "/api/v1/lines/{id}/batches", tag = "line",
    request_body(content = Object, description = "{code, planned_qty, started_at?, ended_at?, note?} (times: YYYY-MM-DD HH:MM China time)"),
    responses((status = 201, description = "BatchView"), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn create_batch(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NewBatch>,
) -> Result<Response, ApiError> {
    let v = batch::create_batch(&s.app, &session.actor, &id, &b).await?;
    Ok((StatusCode::CREATED, to_json(&v)?).into_response())
}

/// A batch with its analytics.
#[utoipa::path(get, path = "/api/v1/line-batches/{id}", tag = "line",
    params(("spc" = Option<String>, Query, description = "station_code/joint")),
    responses((status = 200, description = "{batch, analytics}"), (status = 404)))]
pub(crate) async fn batch_one(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    Query(q): Query<AnalyticsQuery>,
) -> Result<Json<Value>, ApiError> {
    let line = s.app.line_of_batch(&session.actor, &id).await?;
    let spc = (!q.spc.is_empty()).then_some(q.spc.as_str());
    to_json(
        &s.app
            .line_batch_analytics(&session.actor, &line, &id, spc)
            .await?,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CloseBody {
    ended_at: String,
}

/// Ends a running batch (now, or at `ended_at`).
#[utoipa::path(post, path = "/api/v1/line-batches/{id}/close", tag = "line",
    request_body(content = Object, description = "{ended_at?}"),
    responses((status = 200, description = "BatchView"), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn close_batch(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CloseBody>,
) -> Result<Json<Value>, ApiError> {
    let line = s.app.line_of_batch(&session.actor, &id).await?;
    to_json(&batch::close_batch(&s.app, &session.actor, &line, &id, Some(&b.ended_at)).await?)
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/lines", get(list).post(create))
        .route("/api/v1/lines/{id}", get(get_one).put(update))
        .route("/api/v1/lines/{id}/trace", get(trace))
        .route("/api/v1/lines/{id}/visits", get(visits))
        .route("/api/v1/lines/{id}/analytics", get(analytics))
        .route(
            "/api/v1/lines/{id}/batches",
            get(batches).post(create_batch),
        )
        .route("/api/v1/line-batches/{id}", get(batch_one))
        .route("/api/v1/line-batches/{id}/close", post(close_batch))
}
