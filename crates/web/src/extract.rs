//! Extractors: the logged-in actor (cookie or bearer token), CSRF checks, and a
//! JSON body whose errors come back in our error shape.

use crate::AppState;
use crate::error::{ApiError, PageError};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use kechuang_app::{Actor, AppError};
use kechuang_core::FieldError;

/// Name of the session cookie.
pub const COOKIE: &str = "kc_session";

/// A logged-in user: the actor, its session token and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who.
    pub actor: Actor,
    /// The secret token (cookie value or bearer token).
    pub token: String,
    /// The CSRF token forms must echo.
    pub csrf: String,
    /// Whether the token came in a cookie (ambient credentials need CSRF checks).
    pub via_cookie: bool,
    /// Unread notifications (filled for pages, which show the count; 0 for the API).
    pub unread: i64,
}

impl Session {
    /// Checks a form's `_csrf` field.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if !self.via_cookie || constant_eq(token.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The value of one cookie.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        })
}

/// `Set-Cookie` value starting a session.
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` value ending a session.
pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

async fn lookup(parts: &Parts, state: &AppState) -> Result<Option<Session>, AppError> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let (token, via_cookie) = match bearer {
        Some(t) => (t, false),
        None => match cookie(&parts.headers, COOKIE) {
            Some(t) => (t, true),
            None => return Ok(None),
        },
    };
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    Ok(kechuang_app::ops::auth::session(&state.app, &token)
        .await?
        .map(|(actor, csrf)| Session {
            actor,
            token,
            csrf,
            via_cookie,
            unread: 0,
        }))
}

/// A page's session with its unread-notification count filled in.
async fn with_unread(state: &AppState, s: Option<Session>) -> Result<Option<Session>, AppError> {
    let Some(mut s) = s else { return Ok(None) };
    s.unread = kechuang_app::ops::notify::unread(&state.app, &s.actor).await?;
    Ok(Some(s))
}

fn unsafe_method(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// An API caller: 401 without a session; for unsafe methods with a cookie session,
/// the `X-CSRF-Token` header must match.
#[derive(Debug, Clone)]
pub struct ApiSession(pub Session);

impl FromRequestParts<AppState> for ApiSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let s = lookup(parts, state).await?.ok_or(AppError::Unauthorized)?;
        if s.via_cookie && unsafe_method(&parts.method) {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            s.check_csrf(sent)?;
        }
        Ok(ApiSession(s))
    }
}

/// A page visitor who must be logged in (otherwise: redirect to /login).
#[derive(Debug, Clone)]
pub struct PageSession(pub Session);

impl FromRequestParts<AppState> for PageSession {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(PageSession(
            with_unread(state, lookup(parts, state).await?)
                .await?
                .ok_or(AppError::Unauthorized)?,
        ))
    }
}

/// A visitor who may or may not be logged in.
#[derive(Debug, Clone)]
pub struct MaybeSession(pub Option<Session>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeSession(
            with_unread(state, lookup(parts, state).await?).await?,
        ))
    }
}

/// A JSON body; a body that is not JSON, or misses fields, is a 422 naming the place.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => {
                let text = rejection.body_text();
                Err(
                    AppError::invalid(FieldError::new("body", "json_invalid").with("value", text))
                        .into(),
                )
            }
        }
    }
}
