//! Chinese full-text search over the matchmaking board.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiSession;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use kechuang_app::AppError;
use kechuang_app::search::SearchRequest;
use serde_json::Value;

/// Searches needs, achievements and experts (jieba-segmented, weighted fields,
/// highlighted snippets; a suggestion when nothing matches).
#[utoipa::path(get, path = "/api/v1/search", tag = "matchmaking",
    params(("q" = String, Query), ("kind" = Option<String>, Query, description = "need, achievement, expert"),
           ("field" = Option<String>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{total, hits[{id, kind, kind_zh, title, snippet_html, matched, url}], tokens, kinds, fields, suggestion}")))]
pub(crate) async fn search(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<SearchRequest>,
) -> Result<Json<Value>, ApiError> {
    let searcher = s.searcher()?;
    let r = searcher.search(&s.app, &session.actor, &q).await?;
    Ok(Json(
        serde_json::to_value(&r).map_err(|e| AppError::Internal(e.into()))?,
    ))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/search", get(search))
}
