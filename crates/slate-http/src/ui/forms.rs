//! Form errors: what a use case refused, beside the field it names, with everything the
//! recruiter typed kept.

use std::collections::BTreeMap;

use axum::http::StatusCode;

use super::UiError;
use crate::ApiError;

/// The errors of one submitted form.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    fields: BTreeMap<String, String>,
    general: Option<String>,
}

impl Errors {
    /// No errors.
    pub(crate) fn none() -> Self {
        Self::default()
    }

    /// A refusal from the API's one mapping of use-case errors: a rule a person can act on
    /// (4xx) becomes a form error; anything else stays a page error.
    pub(crate) fn from_api(e: ApiError) -> Result<Self, UiError> {
        match e.status {
            StatusCode::UNPROCESSABLE_ENTITY
            | StatusCode::CONFLICT
            | StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_REQUEST => {
                let mut errors = Self::default();
                match e.body.field {
                    Some(field) => errors.add(&field, e.body.message),
                    None => errors.general = Some(e.body.message),
                }
                Ok(errors)
            }
            _ => Err(UiError::from(e)),
        }
    }

    /// Adds a message on `field`.
    pub(crate) fn add(&mut self, field: &str, message: impl Into<String>) {
        self.fields.entry(field.to_owned()).or_insert_with(|| message.into());
    }

    /// The message on `field`.
    pub(crate) fn get(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    /// `aria-invalid` for `field`.
    pub(crate) fn invalid(&self, field: &str) -> &'static str {
        if self.fields.contains_key(field) { "true" } else { "false" }
    }

    /// Whether the form was refused.
    pub(crate) fn any(&self) -> bool {
        !self.fields.is_empty() || self.general.is_some()
    }

    /// Every message, for the summary at the top of the form: `(field or "", message)`.
    pub(crate) fn summary(&self) -> Vec<(String, String)> {
        self.general
            .iter()
            .map(|m| (String::new(), m.clone()))
            .chain(self.fields.iter().map(|(f, m)| (f.clone(), m.clone())))
            .collect()
    }

    /// The id of `field`'s input, for the summary's links (`questions[1].prompt` →
    /// `questions-1-prompt`).
    pub(crate) fn anchor(field: &str) -> String {
        field
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' })
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    }

    /// The HTTP status of a page showing these errors.
    pub(crate) fn status(&self) -> StatusCode {
        if self.any() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }
    }
}

/// An optional text field: trimmed, `None` when blank.
pub(crate) fn filled(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A checkbox's value.
pub(crate) fn checked(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|v| !v.is_empty())
}
