//! Import and export pages (the report and the dashboard: report.rs, dashboard.rs).

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use crate::routes::io::read_upload;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::response::Html;
use axum::routing::get;
use kechuang_app::import::{self, CellError, ImportOptions, ImportReport};

type CellRow = (String, String, String, String, String, String);

struct ResultView {
    headline: String,
    file_name: String,
    summary: Vec<String>,
    errors: Vec<CellRow>,
    error_total: usize,
    warnings: Vec<CellRow>,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    layout: Layout,
    result: Option<ResultView>,
    accept_checked: bool,
}

fn cell_row(e: &CellError) -> CellRow {
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
}

fn summary_lines(r: &ImportReport) -> Vec<String> {
    let v = serde_json::to_value(&r.summary).unwrap_or_default();
    let label = |k: &str| match k {
        "enterprises_created" => "新增企业",
        "enterprises_updated" => "更新企业",
        "enterprises_unchanged" => "企业无变化",
        "qualifications_created" => "新增资质",
        "qualifications_updated" => "更新资质",
        "qualifications_unchanged" => "资质无变化",
        "ip_created" => "新增知识产权",
        "ip_updated" => "更新知识产权",
        "ip_unchanged" => "知识产权无变化",
        "filings_created" => "新增填报版本",
        "filings_unchanged" => "填报无变化",
        "towns_added" => "新增镇街",
        "clusters_added" => "新增产业集群",
        "rows_read" => "读取行数",
        _ => "",
    };
    v.as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| !label(k).is_empty())
                .map(|(k, n)| format!("{}：{}", label(k), n))
                .collect()
        })
        .unwrap_or_default()
}

async fn page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    session.actor.require_bureau()?;
    Ok(Html(render(&ImportPage {
        layout: Layout::new(&s, Some(&session), "import"),
        result: None,
        accept_checked: false,
    })))
}

async fn upload(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    mp: Multipart,
) -> Result<Html<String>, PageError> {
    let (name, bytes, accept, csrf) = read_upload(mp).await?;
    session.check_csrf(csrf.as_deref().unwrap_or(""))?;
    let r = import::import_bytes(
        &s.app,
        &session.actor,
        &name,
        bytes,
        &ImportOptions {
            accept_warnings: accept,
            dry_run: false,
        },
    )
    .await?;
    let headline = if r.applied {
        "导入成功".to_string()
    } else if !r.errors.is_empty() {
        "导入失败：文件中有错误".to_string()
    } else if !r.warnings.is_empty() {
        "需要确认：部分数值可能以“元”填报".to_string()
    } else {
        "文件内容与现有数据一致，无需更新".to_string()
    };
    let view = ResultView {
        headline,
        file_name: r.file_name.clone(),
        summary: summary_lines(&r),
        errors: r.errors.iter().map(cell_row).collect(),
        error_total: r.error_total.max(r.errors.len()),
        warnings: r.warnings.iter().map(cell_row).collect(),
    };
    let accept_checked = !r.warnings.is_empty() && !r.applied;
    Ok(Html(render(&ImportPage {
        layout: Layout::new(&s, Some(&session), "import"),
        result: Some(view),
        accept_checked,
    })))
}

#[derive(Template)]
#[template(path = "export.html")]
struct ExportPage {
    layout: Layout,
}

async fn export_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    session.actor.require_bureau()?;
    Ok(Html(render(&ExportPage {
        layout: Layout::new(&s, Some(&session), "export"),
    })))
}

#[derive(Template)]
#[template(path = "doc.html")]
struct DocPage {
    layout: Layout,
    title: String,
    body: String,
}

async fn template_doc(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Html<String> {
    Html(render(&DocPage {
        layout: Layout::new(&s, Some(&session), "import"),
        title: "导入模板说明".into(),
        body: include_str!("../../../../docs/import-template.md").into(),
    }))
}

async fn profile_doc(State(s): State<AppState>, PageSession(session): PageSession) -> Html<String> {
    Html(render(&DocPage {
        layout: Layout::new(&s, Some(&session), "ladder"),
        title: "企业画像说明（梯度培育评价）".into(),
        body: include_str!("../../../../docs/ladder-profile.md").into(),
    }))
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/docs/ladder-profile", get(profile_doc))
        .route("/import", get(page).post(upload))
        .route("/export", get(export_page))
        .route("/docs/import-template", get(template_doc))
}
