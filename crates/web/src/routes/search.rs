//! Chinese full-text search over the matchmaking board.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiSession;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
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
    to_json(&r)
}

/// Top-N matches query.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct TopQuery {
    top: Option<usize>,
}

/// Achievements and experts matched to a need, each with its reasons.
#[utoipa::path(get, path = "/api/v1/needs/{id}/matches", tag = "matchmaking", params(("top" = Option<usize>, Query)),
    responses((status = 200, description = "[{id, kind, title, snippet_html, matched, url, org_name, score, reasons[]}]"), (status = 404)))]
pub(crate) async fn matches(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    axum::extract::Path(id): axum::extract::Path<String>,
    Query(q): Query<TopQuery>,
) -> Result<Json<Value>, ApiError> {
    let m = s
        .searcher()?
        .match_need(&s.app, &session.actor, &id, q.top.unwrap_or(10))
        .await?;
    to_json(&m)
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/search", get(search))
        .route("/api/v1/needs/{id}/matches", get(matches))
}
