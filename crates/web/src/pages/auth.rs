//! Login, logout and the home redirect.

use super::{Layout, render};
use crate::AppState;
use crate::error::PageError;
use crate::extract::{MaybeSession, PageSession, clear_cookie, session_cookie};
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_app::AppError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    error: Option<String>,
    username: String,
}

async fn login_page(State(s): State<AppState>, MaybeSession(session): MaybeSession) -> Response {
    if session.is_some() {
        return Redirect::to("/").into_response();
    }
    Html(render(&LoginPage {
        layout: Layout::new(&s, None, "login"),
        error: None,
        username: String::new(),
    }))
    .into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

async fn login(State(s): State<AppState>, Form(f): Form<LoginForm>) -> Result<Response, PageError> {
    match kechuang_app::ops::auth::login(&s.app, &f.username, &f.password).await {
        Ok(session) => {
            let max_age = (session.expires_at - s.app.now()) / 1_000_000;
            Ok((
                [(
                    header::SET_COOKIE,
                    session_cookie(&session.token, max_age, s.web.secure_cookies),
                )],
                Redirect::to("/"),
            )
                .into_response())
        }
        Err(AppError::Unauthorized) => Ok((
            axum::http::StatusCode::UNAUTHORIZED,
            Html(render(&LoginPage {
                layout: Layout::new(&s, None, "login"),
                error: Some("用户名或密码错误".into()),
                username: f.username,
            })),
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

async fn logout(
    State(s): State<AppState>,
    PageSession(session): PageSession,
    Form(f): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&f.csrf)?;
    kechuang_app::ops::auth::logout(&s.app, &session.token).await?;
    Ok((
        [(header::SET_COOKIE, clear_cookie())],
        Redirect::to("/login"),
    )
        .into_response())
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
}
