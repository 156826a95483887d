//! The registry: organisations, their qualifications and IP records.

use crate::AppState;
use crate::dto::{
    IdDto, IndicatorDto, IndicatorTableDto, IpDto, OrgPageDto, ProfileDto, QualificationDto,
};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, put};
use axum::{Json, Router};
use kechuang_app::ops::ip::IpInput;
use kechuang_app::ops::org::{self, ListQuery, OrgInput};
use kechuang_app::ops::qualification::{self, QualificationInput};
use kechuang_core::ids::{IpRecordId, OrgId, QualificationId};

/// The indicator definitions.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "registry", responses((status = 200, body = [IndicatorDto])))]
pub(crate) async fn indicators() -> Json<Vec<IndicatorDto>> {
    Json(
        kechuang_core::indicator::ALL
            .iter()
            .map(Into::into)
            .collect(),
    )
}

/// Lists organisations the caller may see.
#[utoipa::path(get, path = "/api/v1/enterprises", tag = "registry",
    params(("q" = Option<String>, Query, description = "name or credit code"), ("kind" = Option<String>, Query), ("town" = Option<String>, Query),
           ("cluster" = Option<String>, Query), ("qualification" = Option<String>, Query, description = "held today"),
           ("above_scale" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, body = OrgPageDto)))]
pub(crate) async fn list(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<ListQuery>,
) -> Result<Json<OrgPageDto>, ApiError> {
    let page = org::list(&s.app, &session.actor, &q).await?;
    Ok(Json(OrgPageDto {
        items: page.items.iter().map(Into::into).collect(),
        total: page.total,
        page: page.offset / page.limit + 1,
        per_page: page.limit,
    }))
}

/// Adds an organisation (bureau staff).
#[utoipa::path(post, path = "/api/v1/enterprises", tag = "registry", request_body(content = Object, description = "kind, credit_code, name, town, cluster, longitude, latitude, founded_on, above_scale, address (all text)"),
    responses((status = 201, body = IdDto), (status = 422), (status = 409)))]
pub(crate) async fn create(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(input): ApiJson<OrgInput>,
) -> Result<Response, ApiError> {
    let id = org::create(&s.app, &session.actor, &input).await?;
    Ok((StatusCode::CREATED, Json(IdDto { id: id.0 })).into_response())
}

/// One organisation's profile.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}", tag = "registry", params(("id" = String, Path)),
    responses((status = 200, body = ProfileDto), (status = 404)))]
pub(crate) async fn profile(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<ProfileDto>, ApiError> {
    let p = org::profile(&s.app, &session.actor, &OrgId(id)).await?;
    Ok(Json((&p).into()))
}

/// Changes an organisation (bureau staff).
#[utoipa::path(put, path = "/api/v1/enterprises/{id}", tag = "registry", params(("id" = String, Path)), request_body(content = Object),
    responses((status = 204), (status = 404), (status = 422)))]
pub(crate) async fn update(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<OrgInput>,
) -> Result<StatusCode, ApiError> {
    org::update(&s.app, &session.actor, &OrgId(id), &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Approved indicators over time with year-on-year change.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/indicators", tag = "registry", params(("id" = String, Path)),
    responses((status = 200, body = IndicatorTableDto), (status = 404)))]
pub(crate) async fn indicator_table(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<IndicatorTableDto>, ApiError> {
    let p = org::profile(&s.app, &session.actor, &OrgId(id)).await?;
    Ok(Json((&p.indicators).into()))
}

/// Qualification history.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/qualifications", tag = "registry", params(("id" = String, Path)),
    responses((status = 200, body = [QualificationDto]), (status = 404)))]
pub(crate) async fn qualifications(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Vec<QualificationDto>>, ApiError> {
    let p = org::profile(&s.app, &session.actor, &OrgId(id)).await?;
    Ok(Json(p.qualifications.iter().map(Into::into).collect()))
}

/// Records a qualification (bureau staff).
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/qualifications", tag = "registry", params(("id" = String, Path)),
    request_body(content = Object, description = "kind, number, recognized_on, valid_until"), responses((status = 201, body = IdDto), (status = 422)))]
pub(crate) async fn add_qualification(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(q): ApiJson<QualificationInput>,
) -> Result<Response, ApiError> {
    let qid = qualification::add(&s.app, &session.actor, &OrgId(id), &q).await?;
    Ok((StatusCode::CREATED, Json(IdDto { id: qid.0 })).into_response())
}

/// Removes a qualification record (bureau staff).
#[utoipa::path(delete, path = "/api/v1/enterprises/{id}/qualifications/{qid}", tag = "registry", params(("id" = String, Path), ("qid" = String, Path)),
    responses((status = 204), (status = 404)))]
pub(crate) async fn remove_qualification(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path((id, qid)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    qualification::remove(&s.app, &session.actor, &OrgId(id), &QualificationId(qid)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// IP records.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/ip", tag = "registry", params(("id" = String, Path)), responses((status = 200, body = [IpDto])))]
pub(crate) async fn ip_list(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Vec<IpDto>>, ApiError> {
    let rows = kechuang_app::ops::ip::list(&s.app, &session.actor, &OrgId(id)).await?;
    Ok(Json(rows.iter().map(Into::into).collect()))
}

/// Adds an IP record (the enterprise itself or bureau staff).
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/ip", tag = "registry", params(("id" = String, Path)),
    request_body(content = Object, description = "ip_type, number, title, granted_on, status, acquisition, acquired_on, used_in_hte"), responses((status = 201, body = IdDto), (status = 422)))]
pub(crate) async fn ip_add(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<IpInput>,
) -> Result<Response, ApiError> {
    let ipid = kechuang_app::ops::ip::add(&s.app, &session.actor, &OrgId(id), &input).await?;
    Ok((StatusCode::CREATED, Json(IdDto { id: ipid.0 })).into_response())
}

/// Replaces an IP record.
#[utoipa::path(put, path = "/api/v1/enterprises/{id}/ip/{ip_id}", tag = "registry", params(("id" = String, Path), ("ip_id" = String, Path)),
    request_body(content = Object), responses((status = 204), (status = 404), (status = 422)))]
pub(crate) async fn ip_update(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path((id, ip_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<IpInput>,
) -> Result<StatusCode, ApiError> {
    kechuang_app::ops::ip::update(
        &s.app,
        &session.actor,
        &OrgId(id),
        &IpRecordId(ip_id),
        &input,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/indicators", get(indicators))
        .route("/api/v1/enterprises", get(list).post(create))
        .route("/api/v1/enterprises/{id}", get(profile).put(update))
        .route("/api/v1/enterprises/{id}/indicators", get(indicator_table))
        .route(
            "/api/v1/enterprises/{id}/qualifications",
            get(qualifications).post(add_qualification),
        )
        .route(
            "/api/v1/enterprises/{id}/qualifications/{qid}",
            delete(remove_qualification),
        )
        .route("/api/v1/enterprises/{id}/ip", get(ip_list).post(ip_add))
        .route("/api/v1/enterprises/{id}/ip/{ip_id}", put(ip_update))
}
