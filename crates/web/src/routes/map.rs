//! The 科技地图's API: the points (columnar, gzip through the router's
//! compression layer), the district's boundaries, and the bureau's upload.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiSession, MaybeSession};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
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
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let enc = map::points_encoded(&s.app, session.as_ref().map(|s| &s.actor), &q).await?;
    let json = [
        (header::CONTENT_TYPE, "application/json"),
        (header::VARY, "accept-encoding"),
        (header::CACHE_CONTROL, "private, no-cache"),
    ];
    if accepts_gzip(&headers) {
        // Served as cached: the compression layer leaves an encoded body alone.
        Ok((
            json,
            [(header::CONTENT_ENCODING, "gzip")],
            Body::from(Bytes::from_owner(Gzip(enc))),
        )
            .into_response())
    } else {
        Ok((json, enc.json()?).into_response())
    }
}

/// A cached payload's gzip bytes as a response body (shared, not copied).
struct Gzip(std::sync::Arc<map::EncodedPoints>);

impl AsRef<[u8]> for Gzip {
    fn as_ref(&self) -> &[u8] {
        &self.0.gzip
    }
}

/// Whether `Accept-Encoding` allows gzip (not refused with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut it = part.split(';').map(str::trim);
            let coding = it.next().unwrap_or("");
            let refused = it.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct GeographyQuery {
    datum: String,
}

/// The current district boundaries (GeoJSON FeatureCollection, WGS-84 or, with
/// `datum=gcj02`, converted for GCJ-02 tiles); 404 before the first upload.
#[utoipa::path(get, path = "/api/v1/map/geography", tag = "map",
    params(("datum" = Option<String>, Query, description = "wgs84 (default) | gcj02")),
    responses((status = 200, description = "FeatureCollection"), (status = 404), (status = 422)))]
pub(crate) async fn geography(
    State(s): State<AppState>,
    Query(q): Query<GeographyQuery>,
) -> Result<Json<Value>, ApiError> {
    let datum = match q.datum.trim() {
        "" => kechuang_core::geo_datum::Datum::Wgs84,
        d => kechuang_core::geo_datum::Datum::parse(d).map_err(AppError::invalid)?,
    };
    match geo::current_geojson_in(&s.app, datum).await? {
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
