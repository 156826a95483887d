//! Import of matchmaking records (needs, achievements, experts) and its templates.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::ApiSession;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kechuang_app::AppError;
use kechuang_app::mm_import::{self, MmImportOptions, MmKind, template};
use kechuang_core::FieldError;

/// A parsed upload: file name and bytes, options, and the CSRF token of a form.
pub(crate) struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
    pub opts: MmImportOptions,
    pub csrf: Option<String>,
}

/// Reads the multipart parts `file`, `dry_run`, `kind` and `_csrf`.
pub(crate) async fn read_upload(mut mp: Multipart) -> Result<Upload, AppError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::invalid(FieldError::new("file", "file_unreadable").with("value", e.body_text()))
    };
    let mut file = None;
    let mut opts = MmImportOptions::default();
    let mut csrf = None;
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field.bytes().await.map_err(bad)?;
                file = Some((name, bytes.to_vec()));
            }
            Some("dry_run") => {
                let v = field.text().await.map_err(bad)?;
                opts.dry_run = matches!(v.as_str(), "1" | "true" | "on" | "yes");
            }
            Some("kind") => {
                let v = field.text().await.map_err(bad)?;
                if !v.trim().is_empty() {
                    opts.kind = Some(MmKind::parse(&v).ok_or_else(|| {
                        AppError::invalid(
                            FieldError::new("kind", "choice_invalid").with("value", v.trim()),
                        )
                    })?);
                }
            }
            Some("_csrf") => csrf = Some(field.text().await.map_err(bad)?),
            _ => {}
        }
    }
    let (name, bytes) =
        file.ok_or_else(|| AppError::invalid(FieldError::new("file", "required")))?;
    Ok(Upload {
        name,
        bytes,
        opts,
        csrf,
    })
}

/// Imports needs, achievements and experts from an xlsx workbook (sheets 技术需求,
/// 科技成果, 专家) or a CSV file (UTF-8 or GBK, one kind, recognised by its headers).
/// All or nothing: with any bad cell nothing is written and every bad cell is
/// listed (422). Bureau staff import for organisations in their towns; an
/// enterprise, university or institute for itself.
#[utoipa::path(post, path = "/api/v1/matchmaking/imports", tag = "matchmaking",
    request_body(content_type = "multipart/form-data", content = Object, description = "file; dry_run=true to check only; kind=needs|achievements|experts to force the kind"),
    responses((status = 200, description = "MmImportReport: applied, dry_run, summary {needs, achievements, experts: {created, updated, unchanged}, rows_read}"),
              (status = 422, description = "MmImportReport with errors (sheet, row, column, header, value, error) and error_messages")))]
pub(crate) async fn import_file(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    mp: Multipart,
) -> Result<Response, ApiError> {
    let u = read_upload(mp).await?;
    let r =
        mm_import::import_matchmaking(&s.app, &session.actor, &u.name, u.bytes, &u.opts).await?;
    let status = if r.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let messages: Vec<String> = r.errors.iter().map(|e| e.message()).collect();
    let mut body = serde_json::to_value(&r).map_err(|e| AppError::Internal(e.into()))?;
    body["error_messages"] = serde_json::json!(messages);
    Ok((status, Json(body)).into_response())
}

/// The import templates: `matchmaking.xlsx` (all three sheets and 说明), or
/// `needs.csv`, `achievements.csv`, `experts.csv`.
#[utoipa::path(get, path = "/api/v1/matchmaking/templates/{name}", tag = "matchmaking",
    params(("name" = String, Path, description = "matchmaking.xlsx | needs.csv | achievements.csv | experts.csv")),
    responses((status = 200), (status = 404)))]
pub(crate) async fn template_file(Path(name): Path<String>) -> Result<Response, ApiError> {
    let (bytes, ctype) = if name == "matchmaking.xlsx" {
        (
            template::template_xlsx()?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    } else {
        let kind = name
            .strip_suffix(".csv")
            .and_then(MmKind::parse)
            .ok_or(AppError::NotFound)?;
        (template::template_csv(kind), "text/csv; charset=utf-8")
    };
    Ok((
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"kechuang-template-{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/matchmaking/imports", post(import_file))
        .route("/api/v1/matchmaking/templates/{name}", get(template_file))
}
