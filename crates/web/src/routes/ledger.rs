//! The money ledger: accounts, statements, transactions (appropriate, pay, reverse).

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kechuang_app::AppError;
use kechuang_app::ops::ledger::{self, AppropriateInput, PayInput, ReverseInput};
use kechuang_core::FieldError;
use serde::Deserialize;
use serde_json::Value;

/// Paging (and for transactions an account).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PageQuery {
    account: String,
    page: i64,
    per_page: i64,
}

/// A write: `op` is `appropriate`, `pay` or `reverse`; the other fields are that
/// operation's input.
#[derive(Debug, Deserialize)]
pub(crate) struct TxRequest {
    op: String,
    #[serde(flatten)]
    body: Value,
}

/// The accounts the caller may see, with balances.
#[utoipa::path(get, path = "/api/v1/ledger/accounts", tag = "ledger",
    responses((status = 200, description = "[AccountView]: account, kind, name, org_id, balance{fen, yuan, wan}")))]
pub(crate) async fn accounts(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&ledger::accounts(&s.app, &session.actor).await?)
}

/// An account's postings with the running balance, newest first.
#[utoipa::path(get, path = "/api/v1/ledger/accounts/{account}/statement", tag = "ledger",
    params(("account" = String, Path, description = "kind:code, e.g. budget:2026:RD-INVEST"), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{account, total, lines[]}"), (status = 404)))]
pub(crate) async fn statement(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(account): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&ledger::statement(&s.app, &session.actor, &account, q.page, q.per_page).await?)
}

/// Transactions, newest first (the bureau all; others their own account's).
#[utoipa::path(get, path = "/api/v1/ledger/transactions", tag = "ledger",
    params(("account" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{total, items[TxView]}")))]
pub(crate) async fn transactions(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let account = Some(q.account.as_str()).filter(|a| !a.trim().is_empty());
    to_json(&ledger::transactions(&s.app, &session.actor, account, q.page, q.per_page).await?)
}

/// One transaction.
#[utoipa::path(get, path = "/api/v1/ledger/transactions/{id}", tag = "ledger",
    responses((status = 200, description = "TxView"), (status = 404)))]
pub(crate) async fn transaction(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&ledger::transaction(&s.app, &session.actor, &id).await?)
}

fn parse<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, AppError> {
    serde_json::from_value(v).map_err(|e| {
        AppError::invalid(FieldError::new("body", "json_invalid").with("value", e.to_string()))
    })
}

/// Moves money (a bureau administrator): `{"op": "appropriate", key, treasury,
/// to, name, amount_fen, memo}`, `{"op": "pay", key, kind, from, org_id,
/// amount_fen, basis, memo}` or `{"op": "reverse", key, tx_id, reason}`. A
/// repeated key with the same content answers 200 with the stored transaction
/// (`replayed: true`); a new transaction answers 201.
#[utoipa::path(post, path = "/api/v1/ledger/transactions", tag = "ledger",
    request_body(content = Object, description = "op (appropriate | pay | reverse) and its fields; amounts in fen"),
    responses((status = 201, description = "TxView"), (status = 200, description = "TxView, replayed"), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn post(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<TxRequest>,
) -> Result<Response, ApiError> {
    let actor = &session.actor;
    let v = match r.op.as_str() {
        "appropriate" => {
            ledger::appropriate(&s.app, actor, &parse::<AppropriateInput>(r.body)?).await?
        }
        "pay" => ledger::pay(&s.app, actor, &parse::<PayInput>(r.body)?).await?,
        "reverse" => ledger::reverse(&s.app, actor, &parse::<ReverseInput>(r.body)?).await?,
        other => {
            return Err(AppError::invalid(
                FieldError::new("op", "choice_invalid").with("value", other),
            )
            .into());
        }
    };
    let status = if v.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, to_json(&v)?).into_response())
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/ledger/accounts", get(accounts))
        .route(
            "/api/v1/ledger/accounts/{account}/statement",
            get(statement),
        )
        .route("/api/v1/ledger/transactions", get(transactions).post(post))
        .route("/api/v1/ledger/transactions/{id}", get(transaction))
}
