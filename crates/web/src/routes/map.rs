//! The 科技地图's API: the points (columnar, gzip through the router's
//! compression layer), the district's boundaries, and the bureau's upload.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiSession, MaybeSession};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kechuang_app::AppError;
use kechuang_app::ops::{geo, map};
use serde::Deserialize;
use serde_json::Value;

/// Map points of the chosen layers: the public layer for visitors and non-bureau
/// accounts, indicator values for bureau staff, only their towns for staff
/// limited to towns. Columnar: row `i` of every array is one point.
#[utoipa::path(get, path = "/api/v1/map/points", tag = "map",
    params(("layer" = Option<String>, Query, description = "enterprise,platform,institute,university"),
           ("measure" = Option<String>, Query, description = "indicator code (bureau only)"),
           ("period" = Option<String>, Query), ("datum" = Option<String>, Query, description = "wgs84 | gcj02")),
    responses((status = 200, description = "MapPoints"), (status = 422)))]
pub(crate) async fn points(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<map::PointsQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&map::points(&s.app, session.as_ref().map(|s| &s.actor), &q).await?)
}

/// The current district boundaries (GeoJSON FeatureCollection, WGS-84); 404
/// before the first upload.
#[utoipa::path(get, path = "/api/v1/map/geography", tag = "map",
    responses((status = 200, description = "FeatureCollection"), (status = 404)))]
pub(crate) async fn geography(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    match geo::current_geojson(&s.app).await? {
        Some(v) => Ok(Json(v)),
        None => Err(AppError::NotFound.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct UploadQuery {
    #[serde(default)]
    datum: String,
    #[serde(default)]
    name: String,
}

/// Uploads the district's boundaries (a bureau administrator): the body is the
/// GeoJSON file, `datum` its coordinate system (`wgs84` | `gcj02`, default the
/// district's). A new version supersedes the current one.
#[utoipa::path(post, path = "/api/v1/map/geography", tag = "map",
    params(("datum" = Option<String>, Query), ("name" = Option<String>, Query)),
    request_body(content = Object, description = "GeoJSON FeatureCollection (see docs/map.md)"),
    responses((status = 201, description = "UploadView"), (status = 403), (status = 422)))]
pub(crate) async fn upload(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let v = geo::upload(
        &s.app,
        &session.actor,
        &body,
        Some(q.datum.as_str()),
        Some(q.name.as_str()),
    )
    .await?;
    Ok((StatusCode::CREATED, to_json(&v)?).into_response())
}

/// The upload history, newest first (bureau staff).
#[utoipa::path(get, path = "/api/v1/map/geography/versions", tag = "map",
    responses((status = 200, description = "[GeoVersion]"), (status = 403)))]
pub(crate) async fn versions(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&geo::versions(&s.app, &session.actor).await?)
}

/// Organisations whose coordinates lie outside the town they claim (bureau
/// staff, within their towns).
#[utoipa::path(get, path = "/api/v1/map/misplaced", tag = "map",
    responses((status = 200, description = "[{id, name, town, found}]"), (status = 403), (status = 422)))]
pub(crate) async fn misplaced(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&geo::misplaced(&s.app, &session.actor).await?)
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/map/points", get(points))
        .route("/api/v1/map/geography", get(geography).post(upload))
        .route("/api/v1/map/geography/versions", get(versions))
        .route("/api/v1/map/misplaced", get(misplaced))
}
