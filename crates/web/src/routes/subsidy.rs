//! Subsidies: measures, eligibility, applications with attachments, the review
//! flow, payment, the 免申即享 scan and offers, the public 公示 list.

use super::to_json;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession};
use axum::Json;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kechuang_app::AppError;
use kechuang_app::ops::subsidy::{self, ApplyInput, ListQuery, NewAttachment, StepInput, scan};
use kechuang_core::FieldError;
use kechuang_core::subsidy::Measure;
use kechuang_core::subsidy_flow::Step;
use serde::Deserialize;
use serde_json::Value;

/// `?year=`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct YearQuery {
    year: Option<i32>,
    org_id: String,
}

/// A measure to create (`version` absent) or update (`version` read before).
#[derive(Debug, Deserialize)]
pub(crate) struct MeasureRequest {
    year: i32,
    #[serde(default)]
    version: Option<i32>,
    #[serde(flatten)]
    measure: Measure,
}

/// A scan request.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ScanRequest {
    year: i32,
    measure: String,
}

/// A payment request.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PayRequest {
    key: String,
}

fn bad(field: &str, code: &'static str, value: impl ToString) -> AppError {
    AppError::invalid(FieldError::new(field, code).with("value", value))
}

/// Reads an application form: a part `application` holding the JSON of
/// [`ApplyInput`] or the fields `year`, `measure`, `comment`, `declared.<base>`;
/// file parts (`file`, `files`, `attachment`); and `_csrf`.
pub(crate) async fn read_form(
    mut mp: Multipart,
) -> Result<(ApplyInput, Vec<NewAttachment>, Option<String>), AppError> {
    let mut input = ApplyInput::default();
    let mut files = Vec::new();
    let mut csrf = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| bad("body", "json_invalid", e))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(file_name) = field.file_name().map(str::to_string) {
            let media_type = field.content_type().unwrap_or_default().to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| bad("attachments", "json_invalid", e))?;
            if !file_name.is_empty() || !bytes.is_empty() {
                files.push(NewAttachment {
                    file_name,
                    media_type,
                    bytes: bytes.to_vec(),
                });
            }
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|e| bad(&name, "json_invalid", e))?;
        match name.as_str() {
            "application" => {
                input = serde_json::from_str(&text)
                    .map_err(|e| bad("application", "json_invalid", e))?;
            }
            "_csrf" => csrf = Some(text),
            "year" => {
                input.year = text
                    .trim()
                    .parse()
                    .map_err(|_| bad("year", "number_invalid", &text))?;
            }
            "measure" => input.measure = text,
            "comment" => input.comment = text,
            other => {
                if let Some(base) = other.strip_prefix("declared.") {
                    input.declared.insert(base.to_string(), text);
                }
            }
        }
    }
    Ok((input, files, csrf))
}

/// Every measure (of a year), with its rule in words; no login needed.
#[utoipa::path(get, path = "/api/v1/subsidies/measures", tag = "subsidies",
    params(("year" = Option<i32>, Query)),
    responses((status = 200, description = "[MeasureView]")))]
pub(crate) async fn measures(
    State(s): State<AppState>,
    Query(q): Query<YearQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&subsidy::measures(&s.app, q.year).await?)
}

/// One measure.
#[utoipa::path(get, path = "/api/v1/subsidies/measures/{year}/{id}", tag = "subsidies",
    responses((status = 200, description = "MeasureView"), (status = 404)))]
pub(crate) async fn measure(
    State(s): State<AppState>,
    Path((year, id)): Path<(i32, String)>,
) -> Result<Json<Value>, ApiError> {
    to_json(&subsidy::measure(&s.app, year, &id).await?)
}

/// Creates (no `version`) or updates a measure (bureau administrator); its
/// budget is appropriated to `budget:<year>:<id>`.
#[utoipa::path(post, path = "/api/v1/subsidies/measures", tag = "subsidies",
    request_body(content = Object, description = "year, version (to update), and the Measure: id, name, policy, eligibility, formula, cap_per_firm_fen, annual_budget_fen, exclusive_with, opens, closes, no_application"),
    responses((status = 201, description = "MeasureView"), (status = 200), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn save_measure(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<MeasureRequest>,
) -> Result<Response, ApiError> {
    let actor = &session.actor;
    Ok(match r.version {
        None => {
            let v = subsidy::create_measure(&s.app, actor, r.year, &r.measure).await?;
            (StatusCode::CREATED, to_json(&v)?).into_response()
        }
        Some(version) => {
            let v = subsidy::update_measure(&s.app, actor, r.year, &r.measure, version).await?;
            to_json(&v)?.into_response()
        }
    })
}

/// What an enterprise is eligible for in a year, with checks, working and
/// amount (bureau staff name the enterprise with `org_id`).
#[utoipa::path(get, path = "/api/v1/subsidies/eligibility", tag = "subsidies",
    params(("year" = i32, Query), ("org_id" = Option<String>, Query)),
    responses((status = 200, description = "[Eligibility]"), (status = 404)))]
pub(crate) async fn eligibility(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<YearQuery>,
) -> Result<Json<Value>, ApiError> {
    let year = q
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&s.app.today()));
    let org = Some(q.org_id.as_str()).filter(|o| !o.trim().is_empty());
    to_json(&subsidy::eligibility(&s.app, &session.actor, org, year).await?)
}

/// Applications: bureau staff all, an enterprise its own.
#[utoipa::path(get, path = "/api/v1/subsidies/applications", tag = "subsidies",
    params(("stage" = Option<String>, Query), ("year" = Option<i32>, Query), ("page" = Option<i64>, Query), ("per_page" = Option<i64>, Query)),
    responses((status = 200, description = "{total, items[ApplicationView]}")))]
pub(crate) async fn applications(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    to_json(&subsidy::applications(&s.app, &session.actor, &q).await?)
}

/// An enterprise applies: multipart with a part `application` (JSON: year,
/// measure, declared {base: 元}, comment) and file parts.
#[utoipa::path(post, path = "/api/v1/subsidies/applications", tag = "subsidies",
    request_body(content = String, content_type = "multipart/form-data", description = "application (JSON) + files"),
    responses((status = 201, description = "ApplicationView"), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn apply(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    mp: Multipart,
) -> Result<Response, ApiError> {
    let (input, files, _) = read_form(mp).await?;
    let v = subsidy::apply(&s.app, &session.actor, &input, &files).await?;
    Ok((StatusCode::CREATED, to_json(&v)?).into_response())
}

/// One application with its history and attachments (another enterprise's: 404).
#[utoipa::path(get, path = "/api/v1/subsidies/applications/{id}", tag = "subsidies",
    responses((status = 200, description = "ApplicationView"), (status = 404)))]
pub(crate) async fn application(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    to_json(&subsidy::application(&s.app, &session.actor, &id).await?)
}

/// A step of the review: `{"step": "accept" | "pass_first_review" |
/// "pass_joint_review" | "publicize" (from, working_days) | "object" (text) |
/// "settle_objection" (index, upheld, note) | "approve" | "reject" (reason) |
/// "withdraw" | "accept_offer", "comment": "…"}`.
#[utoipa::path(post, path = "/api/v1/subsidies/applications/{id}/steps", tag = "subsidies",
    request_body(content = Object, description = "step and its fields, comment"),
    responses((status = 200, description = "ApplicationView"), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn step(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<StepInput>,
) -> Result<Json<Value>, ApiError> {
    to_json(&subsidy::step(&s.app, &session.actor, &id, &r).await?)
}

/// Adds attachments (multipart file parts).
#[utoipa::path(post, path = "/api/v1/subsidies/applications/{id}/attachments", tag = "subsidies",
    request_body(content = String, content_type = "multipart/form-data", description = "files"),
    responses((status = 201, description = "[AttachmentMeta]"), (status = 404), (status = 422)))]
pub(crate) async fn attach(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    // Another enterprise's application is 404 whatever the body.
    subsidy::application(&s.app, &session.actor, &id).await?;
    let mp = mp.map_err(|e| bad("body", "json_invalid", e))?;
    let (_, files, _) = read_form(mp).await?;
    let v = subsidy::add_attachments(&s.app, &session.actor, &id, &files).await?;
    Ok((StatusCode::CREATED, to_json(&v)?).into_response())
}

/// An attachment's bytes.
#[utoipa::path(get, path = "/api/v1/subsidies/attachments/{id}", tag = "subsidies",
    responses((status = 200, description = "the file"), (status = 404)))]
pub(crate) async fn download(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (name, media, bytes) = subsidy::attachment(&s.app, &session.actor, &id).await?;
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, media),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Pays an approved application through the ledger (bureau administrator),
/// idempotent by `key`: 201 paid now, 200 a replay.
#[utoipa::path(post, path = "/api/v1/subsidies/applications/{id}/pay", tag = "subsidies",
    request_body(content = Object, description = "{key}"),
    responses((status = 201, description = "{application, tx}"), (status = 200), (status = 403), (status = 409), (status = 422)))]
pub(crate) async fn pay(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<PayRequest>,
) -> Result<Response, ApiError> {
    let p = subsidy::pay(&s.app, &session.actor, &id, &r.key).await?;
    let status = if p.tx.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, to_json(&p)?).into_response())
}

/// The 免申即享 scan of a year's measures (bureau staff).
#[utoipa::path(post, path = "/api/v1/subsidies/scan", tag = "subsidies",
    request_body(content = Object, description = "{year, measure?}"),
    responses((status = 200, description = "ScanReport"), (status = 403)))]
pub(crate) async fn run_scan(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(r): ApiJson<ScanRequest>,
) -> Result<Json<Value>, ApiError> {
    let code = Some(r.measure.as_str()).filter(|c| !c.trim().is_empty());
    to_json(&scan::scan(&s.app, &session.actor, r.year, code).await?)
}

/// The enterprise accepts an offer with one click.
#[utoipa::path(post, path = "/api/v1/subsidies/offers/{id}/accept", tag = "subsidies",
    responses((status = 200, description = "ApplicationView"), (status = 404), (status = 409)))]
pub(crate) async fn accept(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let input = StepInput {
        step: Step::AcceptOffer,
        comment: String::new(),
    };
    to_json(&subsidy::step(&s.app, &session.actor, &id, &input).await?)
}

/// The enterprise declines an offer.
#[utoipa::path(post, path = "/api/v1/subsidies/offers/{id}/decline", tag = "subsidies",
    responses((status = 200, description = "ApplicationView"), (status = 404), (status = 409)))]
pub(crate) async fn decline(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let input = StepInput {
        step: Step::Withdraw,
        comment: String::new(),
    };
    to_json(&subsidy::step(&s.app, &session.actor, &id, &input).await?)
}

/// Applications in 公示; no login needed.
#[utoipa::path(get, path = "/api/v1/subsidies/publicity", tag = "subsidies",
    responses((status = 200, description = "[PublicityEntry]")))]
pub(crate) async fn publicity(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    to_json(&subsidy::publicity(&s.app).await?)
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/subsidies/measures",
            get(measures).post(save_measure),
        )
        .route("/api/v1/subsidies/measures/{year}/{id}", get(measure))
        .route("/api/v1/subsidies/eligibility", get(eligibility))
        .route(
            "/api/v1/subsidies/applications",
            get(applications).post(apply),
        )
        .route("/api/v1/subsidies/applications/{id}", get(application))
        .route("/api/v1/subsidies/applications/{id}/steps", post(step))
        .route(
            "/api/v1/subsidies/applications/{id}/attachments",
            post(attach),
        )
        .route("/api/v1/subsidies/applications/{id}/pay", post(pay))
        .route("/api/v1/subsidies/attachments/{id}", get(download))
        .route("/api/v1/subsidies/scan", post(run_scan))
        .route("/api/v1/subsidies/offers/{id}/accept", post(accept))
        .route("/api/v1/subsidies/offers/{id}/decline", post(decline))
        .route("/api/v1/subsidies/publicity", get(publicity))
}
