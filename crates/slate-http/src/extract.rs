//! Extractors whose rejections are API errors in the one JSON shape.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::ApiError;

/// A JSON body. A body that is not JSON is 400 `invalid_json`; JSON of the wrong shape is
/// 422 `validation_failed` naming the field; a wrong content type is 415; too large, 413.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ApiJson<T>(pub(crate) T);

/// Splits serde's "path: message" (from axum's use of serde_path_to_error) into the field
/// and the message; `missing field \`x\`` names `x`.
fn field_of(text: &str) -> (Option<String>, String) {
    let text = text.trim_start_matches("Failed to deserialize the JSON body into the target type: ");
    let text = text.trim_start_matches("Failed to deserialize query string: ");
    if let Some(rest) = text.split("missing field `").nth(1)
        && let Some(name) = rest.split('`').next()
    {
        return (Some(name.to_owned()), text.to_owned());
    }
    match text.split_once(": ") {
        Some((path, _)) if !path.contains(' ') && path != "." => (Some(path.to_owned()), text.to_owned()),
        _ => (None, text.to_owned()),
    }
}

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            // Bodies are objects: serde would otherwise accept a positional array for a struct.
            Ok(axum::Json(v)) if !v.is_object() => Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "the body must be a JSON object ({\"field\": value, …})",
            )),
            Ok(axum::Json(v)) => serde_path_to_error::deserialize(v).map(Self).map_err(|e| {
                let field = e.path().to_string();
                let err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", e.inner().to_string());
                if field == "." {
                    match field_of(&e.inner().to_string()).0 {
                        Some(f) => err.field(f),
                        None => err,
                    }
                } else {
                    err.field(field)
                }
            }),
            Err(rejection) => Err(match rejection {
                JsonRejection::MissingJsonContentType(_) => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the body as JSON with `Content-Type: application/json`",
                ),
                JsonRejection::JsonSyntaxError(e) => {
                    ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", field_of(&e.body_text()).1)
                }
                JsonRejection::JsonDataError(e) => {
                    let (field, message) = field_of(&e.body_text());
                    let err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", message);
                    match field {
                        Some(f) => err.field(f),
                        None => err,
                    }
                }
                other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is too large")
                }
                other => ApiError::new(StatusCode::BAD_REQUEST, "bad_request", other.body_text()),
            }),
        }
    }
}

/// Query-string parameters; a malformed one is 422 `validation_failed` naming it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ApiQuery<T>(pub(crate) T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let (field, message) = field_of(&e.body_text());
                let err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", message);
                Err(match field {
                    Some(f) => err.field(f),
                    None => err,
                })
            }
            Err(other) => Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_request", other.body_text())),
        }
    }
}

/// A path id; one that is not a UUID names no record, so it is 404 like any unknown id.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ApiPath<T>(pub(crate) T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Self(v))
            .map_err(|_| ApiError::not_found("record"))
    }
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn fields_are_named_from_serde_messages() {
        assert_eq!(
            field_of("Failed to deserialize the JSON body into the target type: missing field `email` at line 1").0,
            Some("email".into())
        );
        assert_eq!(
            field_of("Failed to deserialize the JSON body into the target type: questions[0].retakes: invalid type").0,
            Some("questions[0].retakes".into())
        );
        assert_eq!(field_of("expected value at line 1 column 1").0, None);
    }
}
