//! The application error: what the web maps to HTTP and the CLI to exit codes.

use kechuang_core::FieldError;
use kechuang_store::StoreError;

/// Result of a use case.
pub type AppResult<T> = Result<T, AppError>;

/// Why a use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input is wrong: one entry per field (or cell).
    #[error("invalid input: {}", summary(.0))]
    Invalid(Vec<FieldError>),
    /// Not logged in, or wrong credentials.
    #[error("unauthorized")]
    Unauthorized,
    /// Logged in but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// No such thing (or not visible to this actor).
    #[error("not found")]
    NotFound,
    /// The request collides with the current state.
    #[error("conflict: {}", .0.message())]
    Conflict(FieldError),
    /// The database cannot be reached.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected failure; the cause is logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .take(5)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl AppError {
    /// Stable code for the wire.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// One invalid field.
    pub fn invalid(e: FieldError) -> Self {
        AppError::Invalid(vec![e])
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(vec![e])
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(e: Vec<FieldError>) -> Self {
        AppError::Invalid(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Unavailable(m) => AppError::Unavailable(m),
            StoreError::Conflict { constraint } => AppError::Conflict(match constraint.as_str() {
                "organisation_credit_code_key" => {
                    FieldError::new("credit_code", "credit_code_taken")
                }
                "app_user_username_key" => FieldError::new("username", "username_taken"),
                "ip_record_org_number_key" => FieldError::new("number", "ip_number_taken"),
                other => FieldError::new("request", "conflict").with("constraint", other),
            }),
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}
