//! The one mapping of application errors to HTTP, for the API and for pages.
//!
//! 4xx bodies carry the stable code and, for invalid input, every field with its
//! code, parameters and zh-CN message. 5xx bodies say only `internal`; the cause is
//! logged with the request's span.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use kechuang_app::AppError;
use kechuang_core::FieldError;
use serde_json::json;

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub AppError);

/// An error answered as a zh-CN page (or a redirect to the login page).
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

/// HTTP status for an application error.
pub fn status(e: &AppError) -> StatusCode {
    match e {
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Unauthorized => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// zh-CN headline for an application error.
pub fn headline(e: &AppError) -> String {
    match e {
        AppError::Invalid(_) => "输入有误，请按提示修改".into(),
        AppError::Unauthorized => "请先登录，或用户名、密码错误".into(),
        AppError::Forbidden => "没有权限执行此操作".into(),
        AppError::NotFound => "未找到该记录，或无权查看".into(),
        AppError::Conflict(f) => f.message(),
        AppError::Unavailable(_) => "数据库暂时不可用，请稍后再试".into(),
        AppError::Internal(_) => "系统内部错误".into(),
    }
}

/// One field error as JSON.
pub fn field_json(f: &FieldError) -> serde_json::Value {
    let params: serde_json::Map<String, serde_json::Value> = f
        .params
        .iter()
        .map(|(k, v)| ((*k).to_string(), json!(v)))
        .collect();
    json!({"field": f.field, "code": f.code, "params": params, "message": f.message()})
}

fn log(e: &AppError) {
    match e {
        AppError::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
        AppError::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
        _ => {}
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        log(&e);
        let fields: Vec<serde_json::Value> = match &e {
            AppError::Invalid(fs) => fs.iter().map(field_json).collect(),
            AppError::Conflict(f) => vec![field_json(f)],
            _ => Vec::new(),
        };
        let body = json!({"code": e.code(), "message": headline(&e), "fields": fields});
        (status(&e), axum::Json(body)).into_response()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        log(&e);
        if matches!(e, AppError::Unauthorized) {
            return Redirect::to("/login").into_response();
        }
        let details: Vec<String> = match &e {
            AppError::Invalid(fs) => fs
                .iter()
                .map(|f| format!("{}：{}", crate::pages::field_label(&f.field), f.message()))
                .collect(),
            _ => Vec::new(),
        };
        let page = crate::pages::ErrorPage {
            layout: crate::pages::Layout::default(),
            title: headline(&e),
            details,
            status: status(&e).as_u16(),
        };
        (status(&e), Html(crate::pages::render(&page))).into_response()
    }
}
