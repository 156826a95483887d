//! The district report page (`/report?from=&to=`) and its files
//! (`/report/download?from=&to=&format=pdf|xlsx|html`), all drawn from one
//! [`kechuang_app::report_doc::ReportDoc`].

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use kechuang_app::ops::report;
use kechuang_app::{report_doc, report_html, report_pdf, report_xlsx};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    from: String,
    to: String,
    title: String,
    body: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RangeQuery {
    from: String,
    to: String,
    format: String,
}

fn defaults(s: &AppState, q: &RangeQuery) -> (String, String) {
    let today = s.app.today();
    let from = if q.from.trim().is_empty() {
        format!("{}-01", chrono::Datelike::year(&today))
    } else {
        q.from.trim().to_string()
    };
    let to = if q.to.trim().is_empty() {
        today.format("%Y-%m").to_string()
    } else {
        q.to.trim().to_string()
    };
    (from, to)
}

async fn page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<RangeQuery>,
) -> Result<Html<String>, PageError> {
    session.actor.require_bureau()?;
    let (from, to) = defaults(&s, &q);
    let range = report::parse_range(&from, &to)?;
    let r = report::district(&s.app, &session.actor, &range).await?;
    let doc = report_doc::build(&r);
    Ok(Html(render(&ReportPage {
        layout: Layout::new(&s, Some(&session), "report"),
        from,
        to,
        title: doc.title.clone(),
        body: report_html::body(&doc),
    })))
}

async fn download(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<RangeQuery>,
) -> Result<Response, PageError> {
    session.actor.require_bureau()?;
    let (from, to) = defaults(&s, &q);
    let range = report::parse_range(&from, &to)?;
    let fmt = q.format.trim().to_string();
    if !["pdf", "xlsx", "html"].contains(&fmt.as_str()) {
        return Err(kechuang_app::AppError::invalid(
            kechuang_core::FieldError::new("format", "report_format_invalid")
                .with("value", fmt.clone()),
        )
        .into());
    }
    let r = report::district(&s.app, &session.actor, &range).await?;
    let doc = report_doc::build(&r);
    let (ct, bytes) = match fmt.as_str() {
        "pdf" => ("application/pdf", report_pdf::render(&doc)),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            report_xlsx::render(&doc)
                .map_err(|e| kechuang_app::AppError::from(anyhow::anyhow!("xlsx: {e}")))?,
        ),
        _ => (
            "text/html; charset=utf-8",
            report_html::standalone(&doc).into_bytes(),
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, ct.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"district-report-{from}-{to}.{fmt}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/report", get(page))
        .route("/report/download", get(download))
}
