//! 我的工作台: the home page per role, what needs the user's attention.

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::PageSession;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use kechuang_app::ops::home::{self, Home};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    h: Home,
    towns: String,
    show_milestones: bool,
}

async fn show(
    State(s): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Html<String>, PageError> {
    let h = home::home(&s.app, &session.actor).await?;
    Ok(Html(render(&HomePage {
        layout: Layout::new(&s, Some(&session), "home"),
        towns: h.towns.as_ref().map(|t| t.join("、")).unwrap_or_default(),
        show_milestones: !h.milestones.is_empty()
            || h.items.iter().any(|i| i.link == "/home#milestones"),
        h,
    })))
}

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/home", get(show))
}
