//! The JSON API under `/api/v1`, one module per area, each with `router()`.

pub(crate) mod auth;
pub(crate) mod chain;
pub(crate) mod challenge;
pub(crate) mod contracts;
pub(crate) mod credit;
pub(crate) mod filings;
pub(crate) mod io;
pub(crate) mod ladder;
pub(crate) mod ledger;
pub(crate) mod line;
pub(crate) mod map;
pub(crate) mod matchmaking;
pub(crate) mod mm_import;
pub(crate) mod orgs;
pub(crate) mod platforms;
pub(crate) mod policy;
pub(crate) mod portal;
pub(crate) mod search;
pub(crate) mod sessions;
pub(crate) mod subsidy;

use crate::AppState;
use axum::Router;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .merge(auth::router())
        .merge(orgs::router())
        .merge(filings::router())
        .merge(io::router())
        .merge(ladder::router())
        .merge(matchmaking::router())
        .merge(mm_import::router())
        .merge(search::router())
        .merge(chain::router())
        .merge(sessions::router())
        .merge(ledger::router())
        .merge(credit::router())
        .merge(policy::router())
        .merge(contracts::router())
        .merge(challenge::router())
        .merge(platforms::router())
        .merge(subsidy::router())
        .merge(map::router())
        .merge(portal::router())
        .merge(line::router())
        .route(
            "/api/openapi.json",
            axum::routing::get(crate::openapi::openapi_json),
        )
}

/// Serialises a use case's answer as the JSON response body.
pub(crate) fn to_json<T: serde::Serialize>(
    v: &T,
) -> Result<axum::Json<serde_json::Value>, crate::error::ApiError> {
    Ok(axum::Json(
        serde_json::to_value(v).map_err(|e| kechuang_app::AppError::Internal(e.into()))?,
    ))
}
