//! Filings and their review.

use crate::AppState;
use crate::dto::{FilingDto, FilingRequest, ReviewItemDto, ReviewRequest};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kechuang_app::ops::filing;
use kechuang_core::ids::OrgId;

/// The latest version of each of an organisation's filings.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/filings", tag = "filings", params(("id" = String, Path)),
    responses((status = 200, body = [FilingDto]), (status = 404)))]
pub(crate) async fn list(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Vec<FilingDto>>, ApiError> {
    let v = filing::list_for_org(&s.app, &session.actor, &OrgId(id)).await?;
    Ok(Json(v.iter().map(Into::into).collect()))
}

/// Saves a draft for a period (a new version after a decided one).
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/filings", tag = "filings", params(("id" = String, Path)), request_body = FilingRequest,
    responses((status = 201, body = FilingDto), (status = 409, description = "under review"), (status = 422)))]
pub(crate) async fn save(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<FilingRequest>,
) -> Result<Response, ApiError> {
    let v = filing::save(
        &s.app,
        &session.actor,
        &OrgId(id),
        &req.period,
        &req.texts(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(FilingDto::from(&v))).into_response())
}

/// Every version of one filing.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/filings/{period}", tag = "filings", params(("id" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = [FilingDto]), (status = 404)))]
pub(crate) async fn versions(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path((id, period)): Path<(String, String)>,
) -> Result<Json<Vec<FilingDto>>, ApiError> {
    let v = filing::versions(&s.app, &session.actor, &OrgId(id), &period).await?;
    Ok(Json(v.iter().map(Into::into).collect()))
}

/// Submits the draft for review.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/filings/{period}/submit", tag = "filings", params(("id" = String, Path), ("period" = String, Path)),
    responses((status = 200, body = FilingDto), (status = 409), (status = 422)))]
pub(crate) async fn submit(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path((id, period)): Path<(String, String)>,
) -> Result<Json<FilingDto>, ApiError> {
    let v = filing::submit(&s.app, &session.actor, &OrgId(id), &period).await?;
    Ok(Json((&v).into()))
}

/// Approves the submitted version (bureau staff).
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/filings/{period}/approve", tag = "filings", params(("id" = String, Path), ("period" = String, Path)),
    request_body = ReviewRequest, responses((status = 200, body = FilingDto), (status = 403), (status = 409)))]
pub(crate) async fn approve(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path((id, period)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Json<FilingDto>, ApiError> {
    // The body is optional: `{}` / empty approves the latest version.
    let req: ReviewRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ReviewRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            kechuang_app::AppError::invalid(
                kechuang_core::FieldError::new("body", "json_invalid").with("value", e),
            )
        })?
    };
    let v = filing::approve(&s.app, &session.actor, &OrgId(id), &period, req.version).await?;
    Ok(Json((&v).into()))
}

/// Returns the submitted version with a reason (bureau staff).
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/filings/{period}/return", tag = "filings", params(("id" = String, Path), ("period" = String, Path)),
    request_body = ReviewRequest, responses((status = 200, body = FilingDto), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn return_filing(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path((id, period)): Path<(String, String)>,
    ApiJson(req): ApiJson<ReviewRequest>,
) -> Result<Json<FilingDto>, ApiError> {
    let v = filing::return_filing(
        &s.app,
        &session.actor,
        &OrgId(id),
        &period,
        req.version,
        &req.reason,
    )
    .await?;
    Ok(Json((&v).into()))
}

/// Filings waiting for review (bureau staff, within their towns).
#[utoipa::path(get, path = "/api/v1/review-queue", tag = "filings", responses((status = 200, body = [ReviewItemDto]), (status = 403)))]
pub(crate) async fn queue(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Vec<ReviewItemDto>>, ApiError> {
    let items = filing::review_queue(&s.app, &session.actor, 200).await?;
    Ok(Json(items.iter().map(Into::into).collect()))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/enterprises/{id}/filings", get(list).post(save))
        .route("/api/v1/enterprises/{id}/filings/{period}", get(versions))
        .route(
            "/api/v1/enterprises/{id}/filings/{period}/submit",
            post(submit),
        )
        .route(
            "/api/v1/enterprises/{id}/filings/{period}/approve",
            post(approve),
        )
        .route(
            "/api/v1/enterprises/{id}/filings/{period}/return",
            post(return_filing),
        )
        .route("/api/v1/review-queue", get(queue))
}
