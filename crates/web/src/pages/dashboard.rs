//! The bureau's indicator wall (`/dashboard`) and its xlsx export
//! (`/dashboard/export.xlsx`): every panel honours `?town=` (repeatable),
//! `?cluster=`, `?period=`, `?base=` and `?rank_by=`; a scoped officer is limited
//! to their towns by the use case, whatever the query says.

use super::orgs::urlencode;
use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use kechuang_app::ops::dashboard::{self, WallQuery};
use kechuang_app::report_doc::{ReportDoc, Section};

/// Decodes `a=b&c=d` (with `+` and `%XX`) into pairs.
pub(crate) fn query_pairs(q: Option<&str>) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => {
                    let hexv = |c: u8| (c as char).to_digit(16);
                    match (hexv(b[i + 1]), hexv(b[i + 2])) {
                        (Some(h), Some(l)) => {
                            out.push((h * 16 + l) as u8);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    q.unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// The wall's query from the URL, with the default period (the last full quarter).
fn wall_query(s: &AppState, pairs: &[(String, String)]) -> WallQuery {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, v)| n == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
    };
    let period = get("period").unwrap_or_else(|| {
        let t = s.app.today();
        let y = chrono::Datelike::year(&t);
        let m = chrono::Datelike::month(&t);
        match (m - 1) / 3 {
            0 => format!("{}Q4", y - 1),
            k => format!("{y}Q{k}"),
        }
    });
    WallQuery {
        period,
        base: get("base"),
        towns: pairs
            .iter()
            .filter(|(k, v)| k == "town" && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect(),
        cluster: get("cluster"),
        rank_by: get("rank_by"),
        dist: get("dist"),
    }
}

/// The query string without the given keys (re-encoded), for filter links.
fn query_without(pairs: &[(String, String)], drop: &[&str]) -> String {
    pairs
        .iter()
        .filter(|(k, v)| !drop.contains(&k.as_str()) && !v.is_empty())
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

struct PanelView {
    id: usize,
    title: String,
    text: Vec<String>,
    chart_json: String,
    has_chart: bool,
    headers: Vec<String>,
    rows: Vec<Vec<(String, bool)>>,
    /// Per row, the link filtering the whole wall to the row's town or cluster
    /// ('' none).
    links: Vec<String>,
    /// `town` / `cluster` when a click on a bar filters the wall ('' none).
    filter_key: &'static str,
    /// The wall's URL without that key (the script appends `key=name`).
    filter_base: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    period: String,
    base: String,
    rank_by: String,
    dist: String,
    cluster: String,
    /// (town, selected).
    towns: Vec<(String, bool)>,
    clusters: Vec<String>,
    scoped: bool,
    filter_note: String,
    indicators: Vec<(&'static str, &'static str)>,
    panels: Vec<PanelView>,
    export_query: String,
}

fn view(i: usize, s: Section, pairs: &[(String, String)]) -> PanelView {
    use kechuang_app::report_doc::Cell;
    let filter_key = match s.name.as_str() {
        "分镇街" => "town",
        "分产业集群" => "cluster",
        _ => "",
    };
    let filter_base = if filter_key.is_empty() {
        String::new()
    } else {
        let rest = query_without(pairs, &[filter_key, "panel"]);
        if rest.is_empty() {
            "/dashboard?".to_string()
        } else {
            format!("/dashboard?{rest}&")
        }
    };
    let links = s
        .rows
        .iter()
        .map(|r| match r.first() {
            // '（未填）' groups organisations without a town/cluster: no link.
            Some(Cell::Text(name)) if !filter_key.is_empty() && !name.starts_with('（') => {
                format!("{filter_base}{filter_key}={}", urlencode(name))
            }
            _ => String::new(),
        })
        .collect();
    PanelView {
        id: i,
        links,
        filter_key,
        filter_base,
        has_chart: s.chart.is_some(),
        chart_json: s
            .chart
            .as_ref()
            .and_then(|c| serde_json::to_string(c).ok())
            .unwrap_or_default(),
        title: s.title,
        text: s.text,
        headers: s.headers,
        rows: s
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| (c.text(), !matches!(c, Cell::Text(_))))
                    .collect()
            })
            .collect(),
    }
}

async fn page(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    RawQuery(raw): RawQuery,
) -> Result<Html<String>, PageError> {
    session.actor.require_bureau()?;
    let pairs = query_pairs(raw.as_deref());
    let q = wall_query(&s, &pairs);
    let w = dashboard::wall(&s.app, &session.actor, &q).await?;
    let (all_towns, clusters) = dashboard::filter_options(&s.app, &session.actor).await?;
    let filter_note = match (&w.towns, &w.cluster) {
        (None, None) => "全区".to_string(),
        (t, c) => {
            let mut parts = Vec::new();
            if let Some(t) = t {
                parts.push(format!(
                    "镇街：{}",
                    if t.is_empty() {
                        "（无）".into()
                    } else {
                        t.join("、")
                    }
                ));
            }
            if let Some(c) = c {
                parts.push(format!("产业集群：{c}"));
            }
            parts.join("；")
        }
    };
    let export_query = raw.unwrap_or_default();
    let panels = dashboard::panels(&w)
        .into_iter()
        .enumerate()
        .map(|(i, p)| view(i, p, &pairs))
        .collect();
    Ok(Html(render(&DashboardPage {
        layout: Layout::new(&s, Some(&session), "dashboard"),
        period: w.period.clone(),
        base: w.base.clone(),
        rank_by: w.rank_by.to_string(),
        dist: w.distribution.code.to_string(),
        cluster: w.cluster.clone().unwrap_or_default(),
        towns: all_towns
            .into_iter()
            .map(|t| {
                let sel = q.towns.contains(&t);
                (t, sel)
            })
            .collect(),
        clusters,
        scoped: session.actor.towns.is_some(),
        filter_note,
        indicators: kechuang_core::indicator::ALL
            .iter()
            .map(|i| (i.code, i.name))
            .collect(),
        panels,
        export_query,
    })))
}

async fn export(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    session.actor.require_bureau()?;
    let pairs = query_pairs(raw.as_deref());
    let q = wall_query(&s, &pairs);
    let w = dashboard::wall(&s.app, &session.actor, &q).await?;
    let mut sections = dashboard::panels(&w);
    let panel = pairs
        .iter()
        .find(|(k, _)| k == "panel")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    if let Some(p) = panel {
        sections = sections.into_iter().skip(p).take(1).collect();
    }
    let doc = ReportDoc {
        title: format!("指标看板（{}）", w.period),
        paragraphs: vec![format!("期间 {}，对比 {}。", w.period, w.base)],
        sections,
    };
    let bytes = kechuang_app::report_xlsx::render(&doc)
        .map_err(|e| kechuang_app::AppError::from(anyhow::anyhow!("xlsx: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"dashboard-{}.xlsx\"", w.period),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(page))
        .route("/dashboard/export.xlsx", get(export))
}

#[cfg(test)]
mod tests {
    use super::query_pairs;

    #[test]
    fn repeated_towns_and_escapes_decode() {
        let p = query_pairs(Some("town=%E5%B7%B4%E5%B2%B3&town=b+c&cluster=&x"));
        assert_eq!(p[0], ("town".into(), "巴岳".into()));
        assert_eq!(p[1], ("town".into(), "b c".into()));
        assert_eq!(p[2], ("cluster".into(), String::new()));
        assert_eq!(p[3], ("x".into(), String::new()));
        assert_eq!(query_pairs(Some("a=%zz%"))[0].1, "%zz%");
    }
}
