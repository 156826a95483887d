//! Workbook import and export, the district report and the dashboard figures.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiSession;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kechuang_app::AppError;
use kechuang_app::export::{self, TemplateKind};
use kechuang_app::import::{self, ImportOptions};
use kechuang_app::ops::{dashboard, report};
use kechuang_core::FieldError;
use serde::Deserialize;

/// Reads a multipart upload: the `file` part, and an optional `accept_warnings` part.
pub(crate) async fn read_upload(
    mut mp: Multipart,
) -> Result<(String, Vec<u8>, bool, Option<String>), AppError> {
    let mut file = None;
    let mut accept = false;
    let mut csrf = None;
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::invalid(FieldError::new("file", "file_unreadable").with("value", e.body_text()))
    };
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field.bytes().await.map_err(bad)?;
                file = Some((name, bytes.to_vec()));
            }
            Some("accept_warnings") => {
                let v = field.text().await.map_err(bad)?;
                accept = matches!(v.as_str(), "1" | "true" | "on" | "yes");
            }
            Some("_csrf") => csrf = Some(field.text().await.map_err(bad)?),
            _ => {}
        }
    }
    let (name, bytes) =
        file.ok_or_else(|| AppError::invalid(FieldError::new("file", "required")))?;
    Ok((name, bytes, accept, csrf))
}

/// Imports a workbook (xlsx, xls or CSV). All-or-nothing: with any bad cell nothing
/// is written and every bad cell is listed; with warnings nothing is written unless
/// `accept_warnings` is set.
#[utoipa::path(post, path = "/api/v1/imports", tag = "import/export",
    request_body(content_type = "multipart/form-data", content = Object, description = "file; accept_warnings=true to confirm warnings"),
    responses((status = 200, description = "ImportReport: applied, summary, errors (sheet, row, column, header, value, error), warnings")))]
pub(crate) async fn import_file(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    mp: Multipart,
) -> Result<Response, ApiError> {
    let (name, bytes, accept, _) = read_upload(mp).await?;
    let opts = ImportOptions {
        accept_warnings: accept,
        dry_run: false,
    };
    let r = import::import_bytes(&s.app, &session.actor, &name, bytes, &opts).await?;
    let status = if r.errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let messages: Vec<String> = r.errors.iter().map(|e| e.message()).collect();
    let mut body = serde_json::to_value(&r).map_err(|e| AppError::Internal(e.into()))?;
    body["error_messages"] = serde_json::json!(messages);
    Ok((status, Json(body)).into_response())
}

fn xlsx(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The registry with each enterprise's latest approved indicators, as xlsx.
#[utoipa::path(get, path = "/api/v1/exports/registry.xlsx", tag = "import/export", responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub(crate) async fn registry_xlsx(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Response, ApiError> {
    Ok(xlsx(
        "kechuang-registry.xlsx",
        export::registry_xlsx(&s.app, &session.actor).await?,
    ))
}

/// The same as one CSV table (UTF-8 with BOM).
#[utoipa::path(get, path = "/api/v1/exports/registry.csv", tag = "import/export", responses((status = 200, content_type = "text/csv")))]
pub(crate) async fn registry_csv(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Response, ApiError> {
    let bytes = export::registry_csv(&s.app, &session.actor).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"kechuang-registry.csv\"".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The import template: `enterprises` or `filings`.
#[utoipa::path(get, path = "/api/v1/exports/templates/{kind}", tag = "import/export", params(("kind" = String, Path, description = "enterprises | filings")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404)))]
pub(crate) async fn template(Path(kind): Path<String>) -> Result<Response, ApiError> {
    let k = match kind.trim_end_matches(".xlsx") {
        "enterprises" => TemplateKind::Enterprises,
        "filings" => TemplateKind::Filings,
        _ => return Err(AppError::NotFound.into()),
    };
    Ok(xlsx(
        &format!("kechuang-template-{}.xlsx", kind.trim_end_matches(".xlsx")),
        export::template(k)?,
    ))
}

/// Report range.
#[derive(Debug, Deserialize)]
pub(crate) struct RangeQuery {
    from: String,
    to: String,
}

/// The district report for a range of months (bureau staff).
#[utoipa::path(get, path = "/api/v1/reports/district", tag = "reports",
    params(("from" = String, Query, description = "first month, e.g. 2023-01"), ("to" = String, Query, description = "last month, e.g. 2023-10")),
    responses((status = 200, description = "tech_enterprises {total,new}, high_tech_enterprises, srdi_enterprises, rd_above_scale {amount_wan, yoy_pct}"), (status = 422)))]
pub(crate) async fn district(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<RangeQuery>,
) -> Result<Response, ApiError> {
    let range = report::parse_range(&q.from, &q.to)?;
    let r = report::district(&s.app, &session.actor, &range).await?;
    Ok(Json(r).into_response())
}

/// Dashboard query.
#[derive(Debug, Deserialize)]
pub(crate) struct DashboardQuery {
    period: String,
    rank_by: Option<String>,
}

/// Counts by qualification, per-town sums with their year-earlier base, top 20.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "reports",
    params(("period" = String, Query, description = "e.g. 2023Q3"), ("rank_by" = Option<String>, Query, description = "indicator code for the top-20")),
    responses((status = 200, description = "by_qualification, towns, top")))]
pub(crate) async fn dashboard_figures(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, ApiError> {
    let (period, f) =
        dashboard::figures(&s.app, &session.actor, &q.period, q.rank_by.as_deref()).await?;
    let towns: Vec<serde_json::Value> = f
        .towns
        .iter()
        .map(|t| {
            let sums: serde_json::Map<String, serde_json::Value> = kechuang_core::indicator::ALL
                .iter()
                .map(|i| (i.code.to_string(), serde_json::json!(kechuang_core::money::format_scaled(t.sums.sums[i.index], i.decimals, 0))))
                .collect();
            serde_json::json!({"town": t.town, "period": kechuang_core::period::Period::from_code(t.period).map(|p| p.to_string()), "filings": t.sums.filings, "sums": sums})
        })
        .collect();
    Ok(Json(serde_json::json!({
        "period": period.to_string(),
        "by_qualification": f.by_qualification.iter().map(|(k, n)| serde_json::json!({"kind": k.code(), "name": k.zh(), "count": n})).collect::<Vec<_>>(),
        "towns": towns,
        "top": f.top.iter().map(|(id, name, v)| serde_json::json!({"id": id.0, "name": name, "value": v})).collect::<Vec<_>>(),
    }))
    .into_response())
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/imports", post(import_file))
        .route("/api/v1/exports/registry.xlsx", get(registry_xlsx))
        .route("/api/v1/exports/registry.csv", get(registry_csv))
        .route("/api/v1/exports/templates/{kind}", get(template))
        .route("/api/v1/reports/district", get(district))
        .route("/api/v1/dashboard", get(dashboard_figures))
}
