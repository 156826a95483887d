//! Field-level validation errors with stable codes.
//!
//! Every rule that refuses input says *where* (`field`), *why* (`code`, stable and
//! `snake_case`, the key the UI translates) and the values that explain it
//! (`params`). [`crate::messages::zh`] renders the zh-CN sentence.

use std::fmt;

/// One refused value: which field, a stable code, and the parameters of the message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field as the caller named it: an indicator code, a column header, `credit_code`…
    pub field: String,
    /// Stable machine code, e.g. `credit_code_check_char`.
    pub code: &'static str,
    /// Message parameters, in order, e.g. `[("expected", "3")]`.
    #[serde(serialize_with = "ser_params")]
    pub params: Vec<(&'static str, String)>,
}

fn ser_params<S: serde::Serializer>(
    params: &[(&'static str, String)],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(params.len()))?;
    for (k, v) in params {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

impl FieldError {
    /// A new error without parameters.
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self {
            field: field.into(),
            code,
            params: Vec::new(),
        }
    }

    /// Adds one message parameter.
    #[must_use]
    pub fn with(mut self, key: &'static str, value: impl ToString) -> Self {
        self.params.push((key, value.to_string()));
        self
    }

    /// The value of a parameter, if set.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The same error reported against another field name (e.g. a column header).
    #[must_use]
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }

    /// The zh-CN sentence for this error.
    pub fn message(&self) -> String {
        crate::messages::zh(self)
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message())
    }
}

impl std::error::Error for FieldError {}
