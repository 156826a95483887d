//! `/metrics` in the Prometheus text format, `/healthz` and `/readyz`.

use crate::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

/// Request counters.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    seconds: Mutex<(f64, u64)>,
}

/// Counts every request by method and status, and its duration.
pub(crate) async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let start = Instant::now();
    let resp = next.run(req).await;
    let elapsed = start.elapsed().as_secs_f64();
    if let Ok(mut m) = state.metrics.requests.lock() {
        *m.entry((method, resp.status().as_u16())).or_default() += 1;
    }
    if let Ok(mut s) = state.metrics.seconds.lock() {
        s.0 += elapsed;
        s.1 += 1;
    }
    resp
}

async fn metrics(State(state): State<AppState>) -> Response {
    let mut out = String::new();
    out.push_str("# HELP kechuang_http_requests_total HTTP requests by method and status.\n");
    out.push_str("# TYPE kechuang_http_requests_total counter\n");
    if let Ok(m) = state.metrics.requests.lock() {
        for ((method, status), n) in m.iter() {
            out.push_str(&format!(
                "kechuang_http_requests_total{{method=\"{method}\",status=\"{status}\"}} {n}\n"
            ));
        }
    }
    if let Ok(s) = state.metrics.seconds.lock() {
        out.push_str(
            "# HELP kechuang_http_request_duration_seconds Time spent answering requests.\n",
        );
        out.push_str("# TYPE kechuang_http_request_duration_seconds summary\n");
        out.push_str(&format!(
            "kechuang_http_request_duration_seconds_sum {}\n",
            s.0
        ));
        out.push_str(&format!(
            "kechuang_http_request_duration_seconds_count {}\n",
            s.1
        ));
    }
    let up = i32::from(state.app.store.ping().await.is_ok());
    out.push_str("# HELP kechuang_database_up Whether the database answered.\n# TYPE kechuang_database_up gauge\n");
    out.push_str(&format!("kechuang_database_up {up}\n"));
    ([("content-type", "text/plain; version=0.0.4")], out).into_response()
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}
