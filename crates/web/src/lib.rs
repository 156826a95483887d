//! kechuang-web: the HTTP face of kechuang.
//!
//! It owns the JSON API under `/api/v1` (OpenAPI at `/api/openapi.json`), the
//! server-rendered zh-CN pages, login sessions and CSRF protection, the embedded
//! static assets, and `/healthz`, `/readyz`, `/metrics`.
//!
//! It must not hold rules or SQL: a handler parses its input, calls one
//! `kechuang_app` function and renders the result (JSON or a page). Errors are
//! mapped to HTTP in exactly one place (`error.rs`).
//!
//! Start at [`router`]; each area exposes its own `router()` in `routes/` (API) and
//! `pages/` (HTML).

mod assets;
mod dto;
mod error;
mod extract;
mod metrics;
mod openapi;
mod pages;
mod routes;

pub use error::{ApiError, PageError};
pub use openapi::ApiDoc;

use axum::Router;
use kechuang_app::App;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Web settings.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark session cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// The district's name shown in the header (e.g. 铜梁区).
    pub district_name: String,
    /// Largest request body, bytes (imports are the largest).
    pub max_body_bytes: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            district_name: "示范区".into(),
            max_body_bytes: 256 * 1024 * 1024,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub app: App,
    /// Web settings.
    pub web: Arc<WebConfig>,
    /// The matchmaking board's search index (memory unless one is given).
    pub searcher: Arc<std::sync::OnceLock<Arc<kechuang_app::search::Searcher>>>,
    metrics: Arc<metrics::Metrics>,
}

impl AppState {
    /// State for an application.
    pub fn new(app: App, web: WebConfig) -> Self {
        Self {
            app,
            web: Arc::new(web),
            searcher: Arc::new(std::sync::OnceLock::new()),
            metrics: Arc::new(metrics::Metrics::default()),
        }
    }

    /// The same state with a given search index (a directory beside the database).
    pub fn with_searcher(self, searcher: Arc<kechuang_app::search::Searcher>) -> Self {
        let _ = self.searcher.set(searcher);
        self
    }

    /// The search index, an in-memory one built on first use when none was given.
    pub fn searcher(&self) -> Result<Arc<kechuang_app::search::Searcher>, kechuang_app::AppError> {
        if let Some(s) = self.searcher.get() {
            return Ok(s.clone());
        }
        let s = Arc::new(kechuang_app::search::Searcher::open(None)?);
        Ok(self.searcher.get_or_init(|| s).clone())
    }
}

/// The whole router: API, pages, assets, health and metrics.
pub fn router(state: AppState) -> Router {
    let limit = state.web.max_body_bytes;
    Router::new()
        .merge(routes::router())
        .merge(pages::router())
        .merge(assets::router())
        .merge(metrics::router())
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Unknown paths: JSON under `/api`, the error page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        ApiError(kechuang_app::AppError::NotFound).into_response()
    } else {
        PageError(kechuang_app::AppError::NotFound).into_response()
    }
}

/// Serves on `listener` until `shutdown` resolves, then drains in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
