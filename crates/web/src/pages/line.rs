//! 装配线 pages: the lines of the actor's firm, a line's configuration, the live
//! view (server-sent events), the VIN trace and the analytics with ECharts and a
//! "查看数据" table under each chart, plus the xlsx export; the configuration
//! editor (docs/line-config.md) and the batches (批次) of trial production.

use super::line_edit::*;
use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use kechuang_app::AppError;
use kechuang_app::ops::line::analytics::{LineAnalytics, Period};
use kechuang_app::ops::line::views::{LineItem, LiveSnapshot, VinTrace};
use kechuang_core::line::LineSpec;
use kechuang_core::role::Role;
use serde::Deserialize;
use std::time::Duration;

#[derive(Template)]
#[template(path = "line_list.html")]
struct ListPage {
    layout: Layout,
    lines: Vec<LineItem>,
    can_create: bool,
}

#[derive(Template)]
#[template(path = "line_config.html")]
struct ConfigPage {
    layout: Layout,
    line: LineSpec,
    status: String,
    can_edit: bool,
}

#[derive(Template)]
#[template(path = "line_live.html")]
struct LivePage {
    layout: Layout,
    code: String,
    live: LiveSnapshot,
}

#[derive(Template)]
#[template(path = "line_trace.html")]
struct TracePage {
    layout: Layout,
    code: String,
    name: String,
    vin: String,
    trace: Option<VinTrace>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "line_analytics.html")]
struct AnalyticsPage {
    layout: Layout,
    code: String,
    q: AnalyticsQuery,
    a: LineAnalytics,
    chart_json: String,
    query_string: String,
}

/// The period of the analytics.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct AnalyticsQuery {
    pub period: String,
    pub date: String,
    pub shift: String,
    pub from: String,
    pub to: String,
    pub spc: String,
    pub batch: String,
}

impl AnalyticsQuery {
    pub(crate) fn parse(&self) -> Result<Period, AppError> {
        let o = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Period::parse(
            &self.period,
            o(&self.date).as_deref(),
            o(&self.shift).as_deref(),
            o(&self.from).as_deref(),
            o(&self.to).as_deref(),
        )
        .map_err(|e| AppError::Invalid(vec![e]))
    }

    fn encode(&self) -> String {
        let enc = |s: &str| {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        };
        format!(
            "period={}&date={}&shift={}&from={}&to={}&spc={}&batch={}",
            enc(&self.period),
            enc(&self.date),
            enc(&self.shift),
            enc(&self.from),
            enc(&self.to),
            enc(&self.spc),
            enc(&self.batch)
        )
    }
}

async fn list(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    let lines = s.app.line_list(&session.actor).await?;
    Ok(Html(render(&ListPage {
        layout: Layout::new(&s, Some(&session), "lines"),
        lines,
        can_create: matches!(session.actor.role, Role::BureauAdmin | Role::LineEngineer),
    })))
}

async fn config(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let line = s.app.line_config(&session.actor, &code).await?;
    Ok(Html(render(&ConfigPage {
        layout: Layout::new(&s, Some(&session), "lines"),
        status: line.status.label().to_string(),
        can_edit: can_edit(&session.actor, &line.org_id),
        line,
    })))
}

async fn live(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let live = s.app.line_live(&session.actor, &code).await?;
    Ok(Html(render(&LivePage {
        layout: Layout::new(&s, Some(&session), "lines"),
        code,
        live,
    })))
}

/// Server-sent events: the live snapshot as JSON whenever it changes (polled from the
/// database once a second).
async fn live_events(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    // refuse up front when the line is not visible
    s.app.line_live(&session.actor, &code).await?;
    let actor = session.actor.clone();
    let stream = futures_util::stream::unfold(
        (s, actor, code, String::new(), true),
        |(s, actor, code, last, first)| async move {
            loop {
                if !first {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                let snap = match s.app.line_live(&actor, &code).await {
                    Ok(x) => x,
                    Err(e) => {
                        tracing::warn!(error = %e, "line live");
                        return None;
                    }
                };
                let json = serde_json::to_string(&snap).unwrap_or_default();
                if json != last {
                    let ev = Event::default().event("snapshot").data(json.clone());
                    return Some((
                        Ok::<_, std::convert::Infallible>(ev),
                        (s, actor, code, json, false),
                    ));
                }
                if first {
                    return Some((
                        Ok(Event::default().comment("same")),
                        (s, actor, code, last, false),
                    ));
                }
            }
        },
    );
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TraceQuery {
    vin: String,
}

async fn trace(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(code): Path<String>,
    Query(q): Query<TraceQuery>,
) -> Result<Html<String>, PageError> {
    let line = s.app.line_config(&session.actor, &code).await?;
    let vin = q.vin.trim().to_uppercase();
    let (trace, error) = if vin.is_empty() {
        (None, None)
    } else {
        match s.app.line_vin_trace(&session.actor, &code, &vin).await {
            Ok(t) => (Some(t), None),
            Err(AppError::Invalid(errs)) => (
                None,
                Some(
                    errs.iter()
                        .map(|e| match e.code {
                            "not_found" => "该车架号在本线没有记录".to_string(),
                            "vin_length" => "车架号应为17位".to_string(),
                            "vin_character" => {
                                "车架号含非法字符（不能含 I、O、Q 或小写字母、符号）".to_string()
                            }
                            _ => kechuang_core::messages::zh(e),
                        })
                        .collect::<Vec<_>>()
                        .join("；"),
                ),
            ),
            Err(e) => return Err(e.into()),
        }
    };
    Ok(Html(render(&TracePage {
        layout: Layout::new(&s, Some(&session), "lines"),
        code,
        name: line.name,
        vin,
        trace,
        error,
    })))
}

pub(crate) async fn with_default(
    s: &AppState,
    actor: &kechuang_app::Actor,
    code: &str,
    mut q: AnalyticsQuery,
) -> Result<AnalyticsQuery, AppError> {
    if q.period.is_empty() {
        q.period = "day".into();
    }
    if q.date.is_empty() && q.period != "range" {
        q.date = s
            .app
            .line_latest_day(actor, code)
            .await?
            .map(|d| d.to_string())
            .unwrap_or_else(|| s.app.today().to_string());
    }
    if q.period == "shift" && q.shift.is_empty() {
        q.shift = "day".into();
    }
    Ok(q)
}

async fn analytics(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(code): Path<String>,
    Query(q): Query<AnalyticsQuery>,
) -> Result<Html<String>, PageError> {
    let q = with_default(&s, &session.actor, &code, q).await?;
    let spc = (!q.spc.is_empty()).then_some(q.spc.as_str());
    let a = if q.batch.is_empty() {
        let period = q.parse()?;
        s.app
            .line_analytics(&session.actor, &code, period, spc)
            .await?
    } else {
        s.app
            .line_batch_analytics(&session.actor, &code, &q.batch, spc)
            .await?
            .analytics
    };
    let chart_json = serde_json::to_string(&a)
        .unwrap_or_default()
        .replace("</", "<\\/");
    Ok(Html(render(&AnalyticsPage {
        layout: Layout::new(&s, Some(&session), "lines"),
        code,
        query_string: q.encode(),
        q,
        a,
        chart_json,
    })))
}

async fn analytics_xlsx(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Path(code): Path<String>,
    Query(q): Query<AnalyticsQuery>,
) -> Result<Response, PageError> {
    let q = with_default(&s, &session.actor, &code, q).await?;
    let spc = (!q.spc.is_empty()).then_some(q.spc.as_str());
    let bytes = if q.batch.is_empty() {
        let period = q.parse()?;
        s.app
            .line_analytics_xlsx(&session.actor, &code, period, spc)
            .await?
    } else {
        s.app
            .line_batch_xlsx(&session.actor, &code, &q.batch, spc)
            .await?
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"line-{code}-analytics.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/lines", get(list))
        .route("/lines/new", get(new_line).post(create_line))
        .route("/lines/{code}/edit", get(edit).post(save))
        .route("/lines/{code}/batches", get(batches).post(create_batch))
        .route("/lines/{code}/batches/{batch}/close", post(close_batch))
        .route("/lines/{code}", get(config))
        .route("/lines/{code}/live", get(live))
        .route("/lines/{code}/live/events", get(live_events))
        .route("/lines/{code}/trace", get(trace))
        .route("/lines/{code}/analytics", get(analytics))
        .route("/lines/{code}/analytics.xlsx", get(analytics_xlsx))
}
