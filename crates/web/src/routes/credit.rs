//! Knowledge-value credit loans: evaluations, consents, decisions, loans,
//! repayments, compensation claims, the circuit breaker and the settings.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use kechuang_app::AppError;
use kechuang_app::ops::credit::{self, DecisionInput, LoanInput, RepayInput};
use kechuang_core::credit::Settings;
use kechuang_core::ids::OrgId;
use serde::Deserialize;
use serde_json::Value;

/// `?on=YYYY-MM-DD` (default today).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct OnQuery {
    on: String,
}

fn on_date(q: &OnQuery) -> Result<Option<NaiveDate>, AppError> {
    match q.on.trim() {
        "" => Ok(None),
        s => Ok(Some(kechuang_core::date::parse("on", s)?)),
    }
}

fn created(v: Json<Value>) -> Response {
    (StatusCode::CREATED, v).into_response()
}

/// Evaluations the caller may see (a bank: only of enterprises that consented to it).
#[utoipa::path(get, path = "/api/v1/credit/evaluations", tag = "credit",
    responses((status = 200, description = "[EvaluationView]: score, grade, line{fen, yuan, wan}, inputs, items[]")))]
pub(crate) async fn evaluations(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&credit::evaluations(&s.app, &session.actor).await?)
}

/// `{org_id, on}`: the bureau evaluates one enterprise.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct EvaluateRequest {
    org_id: String,
    on: String,
}

/// The bureau evaluates an enterprise (stored with its inputs).
#[utoipa::path(post, path = "/api/v1/credit/evaluations", tag = "credit",
    request_body(content = Object, description = "{org_id, on?: YYYY-MM-DD}"),
    responses((status = 201, description = "EvaluationView"), (status = 403), (status = 404), (status = 422)))]
pub(crate) async fn evaluate(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<EvaluateRequest>,
) -> Result<Response, ApiError> {
    let on = on_date(&OnQuery { on: r.on })?;
    let v = credit::evaluate(&s.app, &session.actor, &OrgId(r.org_id), on).await?;
    Ok(created(to_json(&v)?))
}

/// One evaluation with its items (404 unless the caller may see it).
#[utoipa::path(get, path = "/api/v1/credit/evaluations/{id}", tag = "credit",
    responses((status = 200, description = "EvaluationView"), (status = 404)))]
pub(crate) async fn evaluation(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&credit::evaluation(&s.app, &session.actor, &id).await?)
}

/// Consents: an enterprise its own, a bank those given to it, the bureau all.
#[utoipa::path(get, path = "/api/v1/credit/consents", tag = "credit",
    responses((status = 200, description = "[ConsentView]")))]
pub(crate) async fn consents(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&credit::consents(&s.app, &session.actor).await?)
}

/// `{bank_id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ConsentRequest {
    bank_id: String,
}

/// An enterprise consents to a bank seeing its evaluations.
#[utoipa::path(post, path = "/api/v1/credit/consents", tag = "credit",
    request_body(content = Object, description = "{bank_id}"),
    responses((status = 201, description = "ConsentView"), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn grant(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<ConsentRequest>,
) -> Result<Response, ApiError> {
    let v = credit::grant_consent(&s.app, &session.actor, &r.bank_id).await?;
    Ok(created(to_json(&v)?))
}

/// An enterprise revokes its consent to a bank.
#[utoipa::path(delete, path = "/api/v1/credit/consents/{bank_id}", tag = "credit",
    responses((status = 200, description = "ConsentView"), (status = 403), (status = 422)))]
pub(crate) async fn revoke(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(bank_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&credit::revoke_consent(&s.app, &session.actor, &bank_id).await?)
}

/// A bank's decisions (the bureau: all).
#[utoipa::path(get, path = "/api/v1/credit/decisions", tag = "credit",
    responses((status = 200, description = "[DecisionView]")))]
pub(crate) async fn decisions(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&credit::decisions(&s.app, &session.actor).await?)
}

/// A bank decides on a consented evaluation.
#[utoipa::path(post, path = "/api/v1/credit/decisions", tag = "credit",
    request_body(content = Object, description = "{evaluation_id, approve, amount_fen, reason}"),
    responses((status = 201, description = "DecisionView"), (status = 404), (status = 409, description = "credit_consent_revoked"), (status = 422)))]
pub(crate) async fn decide(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<DecisionInput>,
) -> Result<Response, ApiError> {
    let v = credit::decide(&s.app, &session.actor, &r).await?;
    Ok(created(to_json(&v)?))
}

/// Loans with their state on `on`: the bureau all, a bank or enterprise its own.
#[utoipa::path(get, path = "/api/v1/credit/loans", tag = "credit",
    params(("on" = Option<String>, Query, description = "YYYY-MM-DD, default today")),
    responses((status = 200, description = "[LoanView]")))]
pub(crate) async fn loans(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<OnQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&credit::loans(&s.app, &session.actor, on_date(&q)?).await?)
}

/// A bank records a loan on its approved decision.
#[utoipa::path(post, path = "/api/v1/credit/loans", tag = "credit",
    request_body(content = Object, description = "{decision_id, amount_fen, rate_bp, start, end, purpose, leveraged_commercial_fen, service_fee_fen, over_line_reason}"),
    responses((status = 201, description = "LoanView"), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn record_loan(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<LoanInput>,
) -> Result<Response, ApiError> {
    let v = credit::record_loan(&s.app, &session.actor, &r).await?;
    Ok(created(to_json(&v)?))
}

/// One loan with its repayments.
#[utoipa::path(get, path = "/api/v1/credit/loans/{id}", tag = "credit",
    params(("on" = Option<String>, Query)),
    responses((status = 200, description = "LoanView"), (status = 404)))]
pub(crate) async fn loan(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    Query(q): Query<OnQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&credit::loan(&s.app, &session.actor, &id, on_date(&q)?).await?)
}

/// The lending bank records a repayment (idempotent by key).
#[utoipa::path(post, path = "/api/v1/credit/loans/{id}/repayments", tag = "credit",
    request_body(content = Object, description = "{key, date, principal_fen, interest_fen}"),
    responses((status = 201, description = "RepaymentView"), (status = 200, description = "replayed"), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn repay(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(mut r): ApiJson<RepayInput>,
) -> Result<Response, ApiError> {
    r.loan_id = id;
    let v = credit::repay(&s.app, &session.actor, &r).await?;
    let status = if v.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, to_json(&v)?).into_response())
}

/// Claims: the bureau all, a bank or enterprise its own.
#[utoipa::path(get, path = "/api/v1/credit/claims", tag = "credit",
    responses((status = 200, description = "[ClaimView]")))]
pub(crate) async fn claims(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&credit::claims(&s.app, &session.actor).await?)
}

/// `{loan_id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ClaimRequest {
    loan_id: String,
}

/// A bank claims risk compensation for its overdue loan.
#[utoipa::path(post, path = "/api/v1/credit/claims", tag = "credit",
    request_body(content = Object, description = "{loan_id}"),
    responses((status = 201, description = "ClaimView"), (status = 409, description = "credit_breaker_tripped, credit_claim_exists"), (status = 422)))]
pub(crate) async fn claim(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<ClaimRequest>,
) -> Result<Response, ApiError> {
    let v = credit::claim(&s.app, &session.actor, &r.loan_id).await?;
    Ok(created(to_json(&v)?))
}

/// `{key}`: the idempotency key of the payment.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ApproveRequest {
    key: String,
}

/// A bureau administrator approves a claim: the ledger pays the fund's share.
#[utoipa::path(post, path = "/api/v1/credit/claims/{id}/approve", tag = "credit",
    request_body(content = Object, description = "{key}"),
    responses((status = 200, description = "ClaimView"), (status = 403), (status = 409)))]
pub(crate) async fn approve(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<ApproveRequest>,
) -> Result<Json<Value>, ApiError> {
    to_json(&credit::approve_claim(&s.app, &session.actor, &id, &r.key).await?)
}

/// A bureau administrator rejects a waiting claim.
#[utoipa::path(post, path = "/api/v1/credit/claims/{id}/reject", tag = "credit",
    responses((status = 200, description = "ClaimView"), (status = 403), (status = 409)))]
pub(crate) async fn reject(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&credit::reject_claim(&s.app, &session.actor, &id).await?)
}

/// The circuit breaker: outstanding, overdue, bad-loan ratio and state.
#[utoipa::path(get, path = "/api/v1/credit/breaker", tag = "credit",
    params(("on" = Option<String>, Query)),
    responses((status = 200, description = "BreakerView"), (status = 403)))]
pub(crate) async fn breaker(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<OnQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&credit::breaker(&s.app, &session.actor, on_date(&q)?).await?)
}

/// The district's credit settings.
#[utoipa::path(get, path = "/api/v1/credit/settings", tag = "credit",
    responses((status = 200, description = "{line_table, claim_min_days, validity_days, rule{fund_pct, city_district, breaker_bp, warning_bp}}")))]
pub(crate) async fn settings(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    session.actor.require_bureau()?;
    to_json(&credit::settings(&s.app).await?)
}

/// A bureau administrator sets them.
#[utoipa::path(put, path = "/api/v1/credit/settings", tag = "credit",
    request_body(content = Object, description = "Settings"),
    responses((status = 200, description = "Settings"), (status = 403), (status = 422)))]
pub(crate) async fn put_settings(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<Settings>,
) -> Result<Json<Value>, ApiError> {
    to_json(&credit::set_settings(&s.app, &session.actor, &r).await?)
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/credit/evaluations",
            get(evaluations).post(evaluate),
        )
        .route("/api/v1/credit/evaluations/{id}", get(evaluation))
        .route("/api/v1/credit/consents", get(consents).post(grant))
        .route("/api/v1/credit/consents/{bank_id}", delete(revoke))
        .route("/api/v1/credit/decisions", get(decisions).post(decide))
        .route("/api/v1/credit/loans", get(loans).post(record_loan))
        .route("/api/v1/credit/loans/{id}", get(loan))
        .route("/api/v1/credit/loans/{id}/repayments", post(repay))
        .route("/api/v1/credit/claims", get(claims).post(claim))
        .route("/api/v1/credit/claims/{id}/approve", post(approve))
        .route("/api/v1/credit/claims/{id}/reject", post(reject))
        .route("/api/v1/credit/breaker", get(breaker))
        .route("/api/v1/credit/settings", get(settings).put(put_settings))
}
