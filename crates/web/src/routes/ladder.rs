//! The cultivation ladder: evaluations, supplementary facts, the pool, alerts and
//! district targets.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use kechuang_app::AppError;
use kechuang_app::ops::ladder::{self, TargetInput};
use kechuang_core::FieldError;
use kechuang_core::ids::OrgId;
use kechuang_core::ladder::facts::Facts;
use kechuang_core::ladder::pool::Stage;
use kechuang_core::ladder::{PackId, Profile};
use kechuang_store::PoolFilter;
use serde::Deserialize;
use serde_json::{Value, json};

fn from_body<T: serde::de::DeserializeOwned>(body: Value) -> Result<T, AppError> {
    serde_json::from_value(body)
        .map_err(|e| AppError::invalid(FieldError::new("body", "json_invalid").with("value", e)))
}

/// Optional date and pack of an evaluation.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EvalQuery {
    date: Option<String>,
    pack: Option<String>,
}

fn parse_eval(q: &EvalQuery) -> Result<(Option<chrono::NaiveDate>, Option<PackId>), AppError> {
    let mut errs = Vec::new();
    let date = match q.date.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => kechuang_core::date::parse("date", d)
            .map_err(|e| errs.push(e))
            .ok(),
        None => None,
    };
    let pack = match q.pack.as_deref().filter(|p| !p.trim().is_empty()) {
        Some(p) => {
            let r = PackId::parse(p);
            if r.is_none() {
                errs.push(FieldError::new("pack", "pack_unknown").with("value", p));
            }
            r
        }
        None => None,
    };
    if errs.is_empty() {
        Ok((date, pack))
    } else {
        Err(AppError::Invalid(errs))
    }
}

/// The enterprise's latest ladder evaluation (evaluated now if it has none).
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/ladder", tag = "ladder",
    responses((status = 200, description = "StoredEvaluation: run_id, as_of, profile, tiers[{tier, pack, status, score, items, conditions[{id, section, name, actual, required, met, gap}], review_reasons, warnings, held}]")))]
pub(crate) async fn latest(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = OrgId(id);
    let e = match ladder::latest(&s.app, &session.actor, &id).await? {
        Some(e) => e,
        None => ladder::evaluate_org(&s.app, &session.actor, &id, None, None).await?,
    };
    to_json(&e)
}

/// Evaluates the enterprise now, or on `date`, under the packs in force or one `pack`; stored.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/ladder", tag = "ladder",
    params(("date" = Option<String>, Query), ("pack" = Option<String>, Query, description = "SME-2017, HTE-2016, SRDI-2022-63, SRDI-2026-2")),
    responses((status = 200, description = "StoredEvaluation"), (status = 422)))]
pub(crate) async fn evaluate(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    Query(q): Query<EvalQuery>,
) -> Result<Json<Value>, ApiError> {
    let (date, pack) = parse_eval(&q)?;
    to_json(&ladder::evaluate_org(&s.app, &session.actor, &OrgId(id), date, pack).await?)
}

/// The enterprise's stored evaluations, newest first.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/ladder/history", tag = "ladder", responses((status = 200, description = "[RunSummary]")))]
pub(crate) async fn history(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&ladder::history(&s.app, &session.actor, &OrgId(id)).await?)
}

/// One stored evaluation, exactly as decided.
#[utoipa::path(get, path = "/api/v1/ladder/runs/{run_id}", tag = "ladder", responses((status = 200, description = "StoredEvaluation"), (status = 404)))]
pub(crate) async fn run(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(run_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&ladder::run(&s.app, &session.actor, &run_id).await?)
}

/// Evaluates a profile that is not in the registry (docs/ladder-profile.md); nothing is stored.
#[utoipa::path(post, path = "/api/v1/ladder/evaluate", tag = "ladder",
    params(("date" = Option<String>, Query), ("pack" = Option<String>, Query)),
    request_body(content = Object, description = "Profile JSON"),
    responses((status = 200, description = "[TierResult]"), (status = 422)))]
pub(crate) async fn evaluate_profile(
    State(s): State<AppState>,
    ApiSession(_session): ApiSession,
    Query(q): Query<EvalQuery>,
    ApiJson(profile): ApiJson<Profile>,
) -> Result<Json<Value>, ApiError> {
    let (date, pack) = parse_eval(&q)?;
    let day = date.unwrap_or_else(|| s.app.today());
    to_json(&ladder::evaluate_profile(
        &s.app.config,
        &profile,
        day,
        pack,
    )?)
}

/// The enterprise's supplementary facts.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/facts", tag = "ladder", responses((status = 200, description = "Facts")))]
pub(crate) async fn facts(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&ladder::facts(&s.app, &session.actor, &OrgId(id)).await?)
}

/// Replaces the enterprise's supplementary facts (re-evaluates through the event log).
#[utoipa::path(put, path = "/api/v1/enterprises/{id}/facts", tag = "ladder", request_body(content = Object, description = "Facts"),
    responses((status = 204), (status = 422)))]
pub(crate) async fn put_facts(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<StatusCode, ApiError> {
    let id = OrgId(id);
    // Access first: someone else's enterprise is not even validated against.
    ladder::facts(&s.app, &session.actor, &id).await?;
    let f: Facts = from_body(body)?;
    ladder::put_facts(&s.app, &session.actor, &id, &f).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Pool-board query (also built by the pool page).
pub(crate) type PoolQueryPub = PoolQuery;

/// Pool-board query.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PoolQuery {
    pub(crate) tier: Option<String>,
    pub(crate) town: Option<String>,
    pub(crate) cluster: Option<String>,
    pub(crate) stage: Option<String>,
    pub(crate) not_held: Option<bool>,
    pub(crate) max_unmet: Option<i32>,
    pub(crate) page: Option<i64>,
    pub(crate) per_page: Option<i64>,
}

pub(crate) fn pool_filter(q: &PoolQuery) -> Result<PoolFilter, AppError> {
    let nz = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let tier = match nz(&q.tier) {
        Some(t) => Some(ladder::parse_tier(&t)?.code().to_string()),
        None => None,
    };
    let stage = match nz(&q.stage) {
        Some(st) => Some(
            Stage::parse(&st)
                .ok_or_else(|| {
                    AppError::invalid(FieldError::new("stage", "pool_move_invalid").with("to", &st))
                })?
                .code()
                .to_string(),
        ),
        None => None,
    };
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    Ok(PoolFilter {
        tier,
        town: nz(&q.town),
        cluster: nz(&q.cluster),
        stage,
        not_held: q.not_held.unwrap_or(false),
        max_unmet: q.max_unmet,
        scope_towns: None,
        limit: per_page,
        offset: (q.page.unwrap_or(1).max(1) - 1) * per_page,
    })
}

/// The cultivation pool: enterprises by tier and distance to it (bureau).
#[utoipa::path(get, path = "/api/v1/ladder/pool", tag = "ladder",
    params(("tier" = Option<String>, Query), ("town" = Option<String>, Query), ("cluster" = Option<String>, Query),
           ("stage" = Option<String>, Query), ("not_held" = Option<bool>, Query), ("max_unmet" = Option<i32>, Query),
           ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{total, items[PoolRow], distances[[tier, unmet, count]]}")))]
pub(crate) async fn pool(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<PoolQuery>,
) -> Result<Json<Value>, ApiError> {
    let f = pool_filter(&q)?;
    let (total, rows) = ladder::pool_board(&s.app, &session.actor, f).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({"organisation_id": r.organisation_id, "name": r.name, "credit_code": r.credit_code, "town": r.town,
                   "cluster": r.cluster, "tier": r.tier, "status": r.status, "ready": r.ready, "held": r.held,
                   "unmet": r.unmet, "score_min": r.score_min, "score_max": r.score_max, "stage": r.stage, "as_of": r.as_of})
        })
        .collect();
    let distances = ladder::distances(&s.app, &session.actor).await?;
    Ok(Json(
        json!({"total": total, "items": items, "distances": distances}),
    ))
}

/// A pool move.
#[derive(Debug, Deserialize)]
pub(crate) struct MoveRequest {
    tier: String,
    stage: String,
    #[serde(default)]
    note: Option<String>,
}

/// Moves an enterprise through the pool: entered → coaching → applied → recognized / rejected.
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/pool", tag = "ladder", request_body(content = Object, description = "{tier, stage, note}"),
    responses((status = 204), (status = 409), (status = 422)))]
pub(crate) async fn move_pool(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<StatusCode, ApiError> {
    let id = OrgId(id);
    ladder::pool_of(&s.app, &session.actor, &id).await?;
    session.actor.require_bureau()?;
    let m: MoveRequest = from_body(body)?;
    let tier = ladder::parse_tier(&m.tier)?;
    let stage = Stage::parse(&m.stage).ok_or_else(|| {
        AppError::invalid(FieldError::new("stage", "pool_move_invalid").with("to", &m.stage))
    })?;
    ladder::move_pool(&s.app, &session.actor, &id, tier, stage, m.note.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The enterprise's pool moves, newest first.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/pool", tag = "ladder", responses((status = 200, description = "[PoolMove]")))]
pub(crate) async fn pool_moves(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let moves = ladder::pool_of(&s.app, &session.actor, &OrgId(id)).await?;
    Ok(Json(json!(
        moves
            .iter()
            .map(
                |m| json!({"tier": m.tier, "from": m.from_stage, "to": m.to_stage,
        "note": m.note, "at_us": m.at_us, "actor": m.actor})
            )
            .collect::<Vec<_>>()
    )))
}

/// Alerts query.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AlertQuery {
    date: Option<String>,
    org: Option<String>,
}

/// Alerts: expiring 高企 / 专精特新, 高企 annual reports due or missed, 科小 updates.
#[utoipa::path(get, path = "/api/v1/ladder/alerts", tag = "ladder", params(("date" = Option<String>, Query), ("org" = Option<String>, Query)),
    responses((status = 200, description = "[Alert]")))]
pub(crate) async fn alerts(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<AlertQuery>,
) -> Result<Json<Value>, ApiError> {
    let day = match q.date.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => kechuang_core::date::parse("date", d).map_err(AppError::invalid)?,
        None => s.app.today(),
    };
    let org = q.org.map(OrgId);
    to_json(&ladder::alerts(&s.app, &session.actor, day, org.as_ref()).await?)
}

/// District targets with progress and forecast.
#[utoipa::path(get, path = "/api/v1/ladder/targets", tag = "ladder", responses((status = 200, description = "[TargetView]")))]
pub(crate) async fn targets(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Json<Value>, ApiError> {
    to_json(&ladder::targets(&s.app, &session.actor, s.app.today()).await?)
}

/// Adds a district target ("double the 高企 by 2027": multiple = 2).
#[utoipa::path(post, path = "/api/v1/ladder/targets", tag = "ladder",
    request_body(content = Object, description = "{name, tier, baseline_date, target_value | multiple, due_date}"),
    responses((status = 201, description = "TargetView"), (status = 422)))]
pub(crate) async fn add_target(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(t): ApiJson<TargetInput>,
) -> Result<Response, ApiError> {
    let v = ladder::add_target(&s.app, &session.actor, &t).await?;
    Ok((StatusCode::CREATED, to_json(&v)?).into_response())
}

/// Removes a district target.
#[utoipa::path(delete, path = "/api/v1/ladder/targets/{id}", tag = "ladder", responses((status = 204), (status = 404)))]
pub(crate) async fn delete_target(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    ladder::delete_target(&s.app, &session.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/enterprises/{id}/ladder",
            get(latest).post(evaluate),
        )
        .route("/api/v1/enterprises/{id}/ladder/history", get(history))
        .route("/api/v1/enterprises/{id}/facts", get(facts).put(put_facts))
        .route(
            "/api/v1/enterprises/{id}/pool",
            get(pool_moves).post(move_pool),
        )
        .route("/api/v1/ladder/runs/{run_id}", get(run))
        .route("/api/v1/ladder/evaluate", post(evaluate_profile))
        .route("/api/v1/ladder/pool", get(pool))
        .route("/api/v1/ladder/alerts", get(alerts))
        .route("/api/v1/ladder/targets", get(targets).post(add_target))
        .route("/api/v1/ladder/targets/{id}", delete(delete_target))
}
