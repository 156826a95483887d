//! Import, export, the district report and the dashboard pages.

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use crate::routes::io::read_upload;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Query, State};
use axum::response::Html;
use axum::routing::get;
use kechuang_app::import::{self, CellError, ImportOptions, ImportReport};
use kechuang_app::ops::{dashboard, report};
use kechuang_core::indicator::{self, yoy_pct};
use kechuang_core::money::format_scaled;
use kechuang_core::period::Period;
use serde::Deserialize;

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

struct ReportView {
    paragraph: String,
    rows: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    from: String,
    to: String,
    report: Option<ReportView>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RangeQuery {
    from: String,
    to: String,
}

async fn report_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<RangeQuery>,
) -> Result<Html<String>, PageError> {
    session.actor.require_bureau()?;
    let today = s.app.today();
    let from = if q.from.trim().is_empty() {
        format!("{}-01", chrono::Datelike::year(&today))
    } else {
        q.from.clone()
    };
    let to = if q.to.trim().is_empty() {
        today.format("%Y-%m").to_string()
    } else {
        q.to.clone()
    };
    let range = report::parse_range(&from, &to)?;
    let r = report::district(&s.app, &session.actor, &range).await?;
    let md = report::to_markdown(&r);
    let paragraph = md
        .lines()
        .find(|l| l.starts_with("截至"))
        .unwrap_or_default()
        .to_string();
    let mut rows = vec![
        (
            "科技型企业（家）".into(),
            r.tech_enterprises.total.to_string(),
        ),
        (
            "其中期间新增（家）".into(),
            r.tech_enterprises.new.to_string(),
        ),
        (
            "高新技术企业（家）".into(),
            r.high_tech_enterprises.total.to_string(),
        ),
        (
            "“专精特新”企业（家）".into(),
            r.srdi_enterprises.total.to_string(),
        ),
        (
            "其中期间新增（家）".into(),
            r.srdi_enterprises.new.to_string(),
        ),
        (
            format!(
                "规上工业企业研发投入（{}，万元）",
                r.rd_above_scale
                    .period
                    .as_deref()
                    .and_then(|p| Period::parse(p).ok())
                    .map(|p| p.label_zh())
                    .unwrap_or_default()
            ),
            r.rd_above_scale
                .amount_wan
                .map_or("—".into(), |a| a.to_string()),
        ),
        (
            "同比增长（%）".into(),
            r.rd_above_scale
                .yoy_pct
                .map_or("—".into(), |y| y.to_string()),
        ),
    ];
    // Matchmaking and its outcome chain (ops/outcome.rs).
    let m = &r.matchmaking;
    let t = &m.three_years;
    rows.extend([
        ("对接意向（条）".to_string(), m.interests.to_string()),
        (
            "产学研合作签约（项）".to_string(),
            m.chain.collaborations.to_string(),
        ),
        (
            "其中专场对接（项）".to_string(),
            m.chain.collaborations_from_sessions.to_string(),
        ),
        (
            "成果转化（项）".to_string(),
            m.chain.conversions.to_string(),
        ),
        ("新产品（个）".to_string(), m.chain.products.to_string()),
        (
            "近三年产学研合作 / 成果转化 / 新产品".to_string(),
            format!("{} / {} / {}", t.collaborations, t.conversions, t.products),
        ),
    ]);
    Ok(Html(render(&ReportPage {
        layout: Layout::new(&s, Some(&session), "report"),
        from,
        to,
        report: Some(ReportView { paragraph, rows }),
    })))
}

/// Town, filings, and per indicator the sum and its YoY.
type TownRow = (String, i64, Vec<(String, String)>);

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    period: String,
    period_label: String,
    counts: Vec<(&'static str, i64)>,
    headers: Vec<String>,
    towns: Vec<TownRow>,
    top: Vec<(String, String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DashQuery {
    period: String,
}

/// The indicators the dashboard's town table shows.
const DASH_INDICATORS: [&str; 6] = [
    "operating_revenue",
    "rd_expense",
    "taxes_paid",
    "employees",
    "st_staff",
    "ip_class1",
];

async fn dashboard_page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Query(q): Query<DashQuery>,
) -> Result<Html<String>, PageError> {
    session.actor.require_bureau()?;
    let period = if q.period.trim().is_empty() {
        let t = s.app.today();
        let y = chrono::Datelike::year(&t);
        let m = chrono::Datelike::month(&t);
        match (m - 1) / 3 {
            0 => format!("{}Q4", y - 1),
            k => format!("{y}Q{k}"),
        }
    } else {
        q.period.clone()
    };
    let (p, f) = dashboard::figures(&s.app, &session.actor, &period, None).await?;
    let inds: Vec<&indicator::Indicator> = DASH_INDICATORS
        .iter()
        .filter_map(|c| indicator::by_code(c))
        .collect();
    let base = p.year_earlier().map(|b| b.code());
    let mut towns = Vec::new();
    for t in f.towns.iter().filter(|t| t.period == p.code()) {
        let prev = f
            .towns
            .iter()
            .find(|x| x.town == t.town && Some(x.period) == base);
        let cells = inds
            .iter()
            .map(|i| {
                let v = t.sums.sums[i.index];
                let y = prev
                    .and_then(|b| yoy_pct(v, b.sums.sums[i.index]))
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                (format_scaled(v, i.decimals, 0), y)
            })
            .collect();
        towns.push((
            if t.town.is_empty() {
                "（未填镇街）".into()
            } else {
                t.town.clone()
            },
            t.sums.filings,
            cells,
        ));
    }
    let rd = indicator::by_code("rd_expense");
    let t = DashboardPage {
        layout: Layout::new(&s, Some(&session), "dashboard"),
        period: p.to_string(),
        period_label: p.label_zh(),
        counts: f
            .by_qualification
            .iter()
            .map(|(k, n)| (k.zh(), *n))
            .collect(),
        headers: inds
            .iter()
            .map(|i| format!("{}（{}）", i.name, i.unit.zh()))
            .collect(),
        towns,
        top: f
            .top
            .iter()
            .map(|(id, name, v)| {
                (
                    id.0.clone(),
                    name.clone(),
                    rd.map_or(v.to_string(), |i| i.format_value(*v)),
                )
            })
            .collect(),
    };
    Ok(Html(render(&t)))
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
        .route("/report", get(report_page))
        .route("/dashboard", get(dashboard_page))
        .route("/docs/import-template", get(template_doc))
}
