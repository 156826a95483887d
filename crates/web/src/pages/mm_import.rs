//! The matchmaking import page: upload an xlsx or CSV of needs, achievements or
//! experts; the result lists every refused cell.

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use crate::routes::mm_import::read_upload;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::response::Html;
use axum::routing::get;
use kechuang_app::AppError;
use kechuang_app::mm_import::{self, MmImportReport};

type CellRow = (String, String, String, String, String, String);

struct ResultView {
    headline: String,
    file_name: String,
    summary: Vec<String>,
    errors: Vec<CellRow>,
    error_total: usize,
}

#[derive(Template)]
#[template(path = "mm_import.html")]
struct ImportPage {
    layout: Layout,
    result: Option<ResultView>,
}

fn view(r: &MmImportReport) -> ResultView {
    let headline = if !r.errors.is_empty() {
        "导入失败：文件中有错误".to_string()
    } else if r.dry_run {
        "检查通过（试导入，未写入）".to_string()
    } else if r.applied {
        "导入成功".to_string()
    } else {
        "文件内容与现有数据一致，无需更新".to_string()
    };
    ResultView {
        headline,
        file_name: r.file_name.clone(),
        summary: r.summary.lines(),
        errors: r
            .errors
            .iter()
            .map(|e| {
                (
                    e.sheet.clone(),
                    if e.row == 0 {
                        "—".into()
                    } else {
                        e.row.to_string()
                    },
                    e.column.clone().unwrap_or_default(),
                    e.header.clone().unwrap_or_default(),
                    e.value.clone().unwrap_or_default(),
                    e.message(),
                )
            })
            .collect(),
        error_total: r.error_total.max(r.errors.len()),
    }
}

fn may_import(session: &crate::extract::Session) -> Result<(), AppError> {
    if session.actor.is_bureau() || session.actor.org_id.is_some() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    may_import(&session)?;
    Ok(Html(render(&ImportPage {
        layout: Layout::new(&s, Some(&session), "matchmaking"),
        result: None,
    })))
}

async fn upload(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    mp: Multipart,
) -> Result<Html<String>, PageError> {
    let u = read_upload(mp).await?;
    session.check_csrf(u.csrf.as_deref().unwrap_or(""))?;
    let r =
        mm_import::import_matchmaking(&s.app, &session.actor, &u.name, u.bytes, &u.opts).await?;
    Ok(Html(render(&ImportPage {
        layout: Layout::new(&s, Some(&session), "matchmaking"),
        result: Some(view(&r)),
    })))
}

#[derive(Template)]
#[template(path = "doc.html")]
struct DocPage {
    layout: Layout,
    title: String,
    body: String,
}

async fn doc(State(s): State<AppState>, PageSession(session): PageSession) -> Html<String> {
    Html(render(&DocPage {
        layout: Layout::new(&s, Some(&session), "matchmaking"),
        title: "资源对接导入模板说明".into(),
        body: include_str!("../../../../docs/matchmaking-import.md").into(),
    }))
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/matchmaking/import", get(page).post(upload))
        .route("/docs/matchmaking-import", get(doc))
}
