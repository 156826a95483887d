//! The portal (科技创新服务中心): the front door at `/` for the public (a signed-in
//! user landing on `/` goes on to their home page, 我的工作台 at `/home`; the
//! portal stays at `/portal`).

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::MaybeSession;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use kechuang_app::ops::portal::{self, Portal};

#[derive(Template)]
#[template(path = "portal.html")]
struct PortalPage {
    layout: Layout,
    signed_in: bool,
    p: Portal,
}

async fn page(
    s: &AppState,
    session: Option<&crate::extract::Session>,
) -> Result<Response, PageError> {
    let p = portal::portal(&s.app).await?;
    Ok(Html(render(&PortalPage {
        layout: Layout::new(s, session, "portal"),
        signed_in: session.is_some(),
        p,
    }))
    .into_response())
}

async fn root(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
) -> Result<Response, PageError> {
    match &session {
        Some(_) => Ok(Redirect::to("/home").into_response()),
        None => page(&s, None).await,
    }
}

async fn portal_page(
    State(s): State<AppState>,
    MaybeSession(session): MaybeSession,
) -> Result<Response, PageError> {
    page(&s, session.as_ref()).await
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(root))
        .route("/portal", get(portal_page))
}
