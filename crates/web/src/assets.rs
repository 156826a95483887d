//! Static assets embedded in the binary (no files to deploy, no CDN).

use crate::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// `(name, content type, bytes)`.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../web/assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/assets/app.js"),
    ),
    (
        "ladder.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/assets/ladder.js"),
    ),
    (
        "echarts.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/assets/vendor/echarts.min.js"),
    ),
    (
        "dashboard.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/assets/dashboard.js"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/assets/vendor/htmx.min.js"),
    ),
    (
        "line.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/assets/line.js"),
    ),
    (
        "map.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/assets/map.js"),
    ),
    // Leaflet 1.9.4 (BSD-2-Clause, web/assets/vendor/leaflet.LICENSE): the map's
    // tile mode when a deployment configures `[map.tiles]`.
    (
        "leaflet.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../web/assets/vendor/leaflet.js"),
    ),
    (
        "leaflet.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../web/assets/vendor/leaflet.css"),
    ),
];

async fn asset(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, ct, bytes)) => (
            [
                (header::CONTENT_TYPE, *ct),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/assets/{name}", get(asset))
}
