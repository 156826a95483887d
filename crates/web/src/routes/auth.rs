//! Sessions and accounts.

use crate::AppState;
use crate::dto::{IdDto, LoginRequest, LoginResponse, UserDto};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiSession, clear_cookie, session_cookie};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kechuang_app::ops::auth::{self, NewUser};

/// Logs in.
#[utoipa::path(post, path = "/api/v1/session", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "wrong username or password")))]
pub(crate) async fn login(
    State(s): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let session = auth::login(&s.app, &req.username, &req.password).await?;
    let max_age = (session.expires_at - s.app.now()) / 1_000_000;
    let body = LoginResponse {
        token: session.token.clone(),
        csrf_token: session.csrf.clone(),
        expires_at: session.expires_at,
        user: UserDto::from(&session.actor),
    };
    Ok((
        [(
            header::SET_COOKIE,
            session_cookie(&session.token, max_age, s.web.secure_cookies),
        )],
        Json(body),
    )
        .into_response())
}

/// Logs out.
#[utoipa::path(delete, path = "/api/v1/session", tag = "auth", responses((status = 204)))]
pub(crate) async fn logout(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
) -> Result<Response, ApiError> {
    auth::logout(&s.app, &session.token).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, clear_cookie())],
    )
        .into_response())
}

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = UserDto), (status = 401)))]
pub(crate) async fn me(ApiSession(session): ApiSession) -> Json<UserDto> {
    Json(UserDto::from(&session.actor))
}

/// Creates an account (bureau administrators).
#[utoipa::path(post, path = "/api/v1/users", tag = "auth", request_body(content = Object, description = "username, display_name, password, role, org_id, towns"),
    responses((status = 201, body = IdDto), (status = 403), (status = 422)))]
pub(crate) async fn create_user(
    State(s): State<AppState>,
    ApiSession(session): ApiSession,
    ApiJson(u): ApiJson<NewUser>,
) -> Result<Response, ApiError> {
    let id = auth::create_user(&s.app, &session.actor, u).await?;
    Ok((StatusCode::CREATED, Json(IdDto { id: id.0 })).into_response())
}

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", post(login).delete(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/users", post(create_user))
}
