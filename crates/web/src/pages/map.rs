//! 科技地图: the district map drawn offline by ECharts from the district's own
//! boundaries, or (when `[map.tiles]` is configured and the user switches to
//! 在线瓦片) by Leaflet over the tile service; the data comes from
//! `/api/v1/map/points` and `/api/v1/map/geography`, so the page itself is a shell.

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::MaybeSession;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use kechuang_app::Actor;
use kechuang_core::indicator;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    layout: Layout,
    /// Bureau staff (values, sizes by indicator, sums).
    bureau: bool,
    /// A bureau administrator (may upload boundaries).
    admin: bool,
    /// The towns a scoped officer is limited to, joined for display.
    scope: String,
    /// Indicators for sizes and sums: `(code, name)`.
    measures: Vec<(&'static str, &'static str)>,
    /// A town to select on load.
    town: String,
    /// The tile service as JSON for the page's tile mode (empty: offline only).
    tiles: String,
    /// The district's datum, the default of the upload form.
    datum: &'static str,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MapQuery {
    town: String,
}

async fn page(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<MapQuery>,
) -> Result<Html<String>, PageError> {
    let actor: Option<&Actor> = session.as_ref().map(|s| &s.actor);
    let bureau = actor.is_some_and(Actor::is_bureau);
    let p = MapPage {
        layout: Layout::new(&s, session.as_ref(), "map"),
        bureau,
        admin: actor.is_some_and(|a| a.require_admin().is_ok()),
        scope: actor
            .filter(|a| a.is_bureau())
            .and_then(|a| a.towns.as_ref())
            .map(|t| t.join("、"))
            .unwrap_or_default(),
        measures: if bureau {
            indicator::ALL
                .iter()
                .filter(|i| !i.unit.is_money() || i.is_core())
                .filter(|i| i.unit != indicator::Unit::Level)
                .map(|i| (i.code, i.name))
                .collect()
        } else {
            Vec::new()
        },
        town: q.town.chars().take(40).collect(),
        tiles: s
            .app
            .config
            .map_tiles
            .as_ref()
            .map(|t| {
                serde_json::json!({
                    "url": t.url,
                    "attribution": t.attribution,
                    "subdomains": t.subdomains,
                    "maxZoom": t.max_zoom,
                    "datum": t.datum.code(),
                })
                .to_string()
            })
            .unwrap_or_default(),
        datum: s.app.config.datum().code(),
    };
    Ok(Html(render(&p)))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/map", get(page))
}
