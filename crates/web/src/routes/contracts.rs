//! Technology contract registration (技术合同登记): submit, list, read, the
//! registrar's queue and steps, 变更登记, links to the matchmaking chain, the
//! certificate PDF and the statistics.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use kechuang_app::ops::contract::{
    self, ChangeInput, ContractInput, LinkInput, ListQuery, StepInput,
};
use kechuang_app::ops::contract_stats::{self, StatsQuery};
use serde_json::Value;

/// Contracts the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/contracts", tag = "contracts",
    params(("status" = Option<String>, Query, description = "comma-separated status codes"), ("q" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{total, items[ContractView]}")))]
pub(crate) async fn list(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&contract::list(&s.app, &session.actor, &q).await?)
}

/// Submits a contract for registration (the seller, or the bureau on its behalf).
#[utoipa::path(post, path = "/api/v1/contracts", tag = "contracts",
    request_body(content = Object, description = "seller_org_id, title, subtype, field, ip_type, government_programme, amount_fen, non_technical_fen, tech_transaction_fen, signed_on, valid_from, valid_to, text, parties[{side, name, credit_code, kind}], collaboration_id, session_id, challenge_id"),
    responses((status = 201, description = "{contract, warnings[]}"), (status = 409, description = "the same contract is already submitted"), (status = 422)))]
pub(crate) async fn submit(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(b): ApiJson<ContractInput>,
) -> Result<Response, ApiError> {
    let v = contract::submit(&s.app, &session.actor, &b).await?;
    Ok((StatusCode::CREATED, to_json(&v)?).into_response())
}

/// The registrar's queue: submitted and accepted contracts with days left and
/// possible duplicates.
#[utoipa::path(get, path = "/api/v1/contracts/queue", tag = "contracts",
    responses((status = 200, description = "[{contract, warnings[]}]"), (status = 403)))]
pub(crate) async fn queue(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&contract::queue(&s.app, &session.actor).await?)
}

/// Statistics of registered contracts in a range.
#[utoipa::path(get, path = "/api/v1/contracts/stats", tag = "contracts",
    params(("from" = Option<String>, Query, description = "YYYY-MM or YYYY-MM-DD"), ("to" = Option<String>, Query)),
    responses((status = 200, description = "ContractStats: total, by_month/quarter/year/category/subtype/field/seller_type/buyer_type/town, ytd"), (status = 403), (status = 422)))]
pub(crate) async fn stats(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<StatsQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&contract_stats::statistics(&s.app, &session.actor, &q).await?)
}

/// One contract with its parties, history, changes and duplicate warnings.
#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "contracts",
    responses((status = 200, description = "ContractDetail"), (status = 404)))]
pub(crate) async fn detail(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&contract::get(&s.app, &session.actor, &id).await?)
}

/// The seller corrects a returned contract and resubmits it.
#[utoipa::path(put, path = "/api/v1/contracts/{id}", tag = "contracts",
    request_body(content = Object, description = "the contract as for POST /api/v1/contracts"),
    responses((status = 200, description = "ContractView"), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn resubmit(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ContractInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&contract::resubmit(&s.app, &session.actor, &id, &b).await?)
}

/// A workflow step: accept, return, register, refuse, cancel, withdraw, dispute.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/steps", tag = "contracts",
    request_body(content = Object, description = "step, note, reason, subtype, tech_transaction_fen, refusal_reason, late_reason"),
    responses((status = 200, description = "ContractView"), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn step(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<StepInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&contract::step(&s.app, &session.actor, &id, &b).await?)
}

/// 变更登记 of a registered contract (bureau staff).
#[utoipa::path(post, path = "/api/v1/contracts/{id}/changes", tag = "contracts",
    request_body(content = Object, description = "amount_fen, non_technical_fen, tech_transaction_fen, signed_on, valid_from, valid_to, parties, reason"),
    responses((status = 200, description = "ContractDetail"), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn change(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ChangeInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&contract::change(&s.app, &session.actor, &id, &b).await?)
}

/// Links the contract to the collaboration, session or challenge that led to it.
#[utoipa::path(put, path = "/api/v1/contracts/{id}/links", tag = "contracts",
    request_body(content = Object, description = "collaboration_id, session_id, challenge_id"),
    responses((status = 200, description = "ContractView"), (status = 404), (status = 422)))]
pub(crate) async fn link(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<LinkInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&contract::link(&s.app, &session.actor, &id, &b).await?)
}

/// The registration certificate (登记证明) of a registered contract.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/certificate.pdf", tag = "contracts",
    responses((status = 200, content_type = "application/pdf"), (status = 404), (status = 409)))]
pub(crate) async fn certificate(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let bytes = contract::certificate_pdf(&s.app, &session.actor, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"contract-certificate.pdf\"".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/contracts", get(list).post(submit))
        .route("/api/v1/contracts/queue", get(queue))
        .route("/api/v1/contracts/stats", get(stats))
        .route("/api/v1/contracts/{id}", get(detail).put(resubmit))
        .route("/api/v1/contracts/{id}/steps", post(step))
        .route("/api/v1/contracts/{id}/changes", post(change))
        .route("/api/v1/contracts/{id}/links", put(link))
        .route("/api/v1/contracts/{id}/certificate.pdf", get(certificate))
}
