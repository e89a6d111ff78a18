//! Sessions (log in, who am I, log out) and API keys.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use slate_domain::{ApiKeyId, Credential, Label, LoginError, Password};

use super::ClientIp;
use super::dto::{ApiKeyDto, CreateApiKey, LoginRequest, OrganizationDto, RecruiterDto, SessionDto};
use crate::auth::{Auth, clear_session_cookie, set_session_cookie};
use crate::error::{ErrorBody, FieldResult as _};
use crate::extract::{ApiJson, ApiPath};
use crate::{ApiError, AppState};

fn wrong_credentials() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "the email or the password is wrong")
}

/// Log in with email and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; the `slate_session` cookie is set (HttpOnly, SameSite=Lax, Secure over HTTPS)", body = SessionDto),
        (status = 401, description = "Wrong email or password (`invalid_credentials`)", body = ErrorBody),
        (status = 422, description = "Malformed email (`invalid_email`)", body = ErrorBody),
        (status = 429, description = "Too many attempts from this address (`rate_limited`)", body = ErrorBody),
    ))]
pub(crate) async fn log_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    state.limit_login(ip)?;
    let email = crate::error::email(&body.email, "email")?;
    let password = Password::new(&body.password).map_err(|_| wrong_credentials())?;
    let logged = state.slate().log_in(&email, &password).await.map_err(|e| match e {
        LoginError::InvalidCredentials => wrong_credentials(),
        LoginError::Internal(e) => e.into(),
    })?;
    let max_age = (logged.session.expires_at - logged.session.created_at).num_seconds();
    let cookie = set_session_cookie(&state, &logged.secret, max_age);
    let body = SessionDto {
        recruiter: RecruiterDto::from(&logged.recruiter),
        organization: OrganizationDto::from(&logged.organization),
        csrf_token: Some(logged.secret.csrf_token()),
        expires_at: Some(logged.session.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    };
    tracing::info!(recruiter = %logged.recruiter.id, "logged in");
    Ok(([(header::SET_COOKIE, cookie)], axum::Json(body)).into_response())
}

/// Who is calling, and the CSRF token of their session.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses(
        (status = 200, body = SessionDto),
        (status = 401, description = "Not logged in (`unauthenticated`)", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn current(State(state): State<AppState>, auth: Auth) -> Result<axum::Json<SessionDto>, ApiError> {
    let (org, recruiter) = state.slate().whoami(auth.caller()).await.map_err(|_| ApiError::unauthenticated())?;
    Ok(axum::Json(SessionDto {
        recruiter: RecruiterDto::from(&recruiter),
        organization: OrganizationDto::from(&org),
        csrf_token: auth.session.as_ref().map(slate_domain::BearerSecret::csrf_token),
        expires_at: None,
    }))
}

/// Log out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Missing or wrong `X-CSRF-Token` (`csrf_failed`)", body = ErrorBody),
    ),
    security(("session" = [])))]
pub(crate) async fn log_out(State(state): State<AppState>, auth: Auth) -> Result<Response, ApiError> {
    if let Credential::Session(id) = auth.who.credential {
        state.slate().log_out(id).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear_session_cookie(&state))]).into_response())
}

/// Log out everywhere: ends every session of the calling recruiter (on every device) and
/// clears this browser's cookie. API keys are not touched (revoke them separately).
#[utoipa::path(delete, path = "/api/v1/sessions", tag = "session",
    responses(
        (status = 204, description = "Every session ended"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Missing or wrong `X-CSRF-Token` (`csrf_failed`)", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn log_out_everywhere(State(state): State<AppState>, auth: Auth) -> Result<Response, ApiError> {
    state.slate().log_out_everywhere(auth.caller()).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear_session_cookie(&state))]).into_response())
}

/// The organization's API keys, newest first (never their secrets).
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "api keys",
    responses((status = 200, body = Vec<ApiKeyDto>), (status = 401, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn list_keys(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<Vec<ApiKeyDto>>, ApiError> {
    let keys = state.slate().list_api_keys(auth.caller()).await?;
    Ok(axum::Json(keys.iter().map(|k| ApiKeyDto::new(k, None)).collect()))
}

/// Create an API key acting for the caller. The response holds the key: the only copy.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "api keys", request_body = CreateApiKey,
    responses((status = 201, body = ApiKeyDto), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn create_key(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateApiKey>,
) -> Result<(StatusCode, HeaderMap, axum::Json<ApiKeyDto>), ApiError> {
    let name = Label::parse(&body.name).field("name")?;
    let (key, secret) = state.slate().create_api_key(auth.caller(), name).await?;
    tracing::info!(key = %key.id, "API key created");
    Ok((StatusCode::CREATED, no_store(), axum::Json(ApiKeyDto::new(&key, Some(&secret)))))
}

/// Revoke an API key; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "api keys",
    params(("id" = uuid::Uuid, Path, description = "The key's id")),
    responses((status = 200, description = "Revoked", body = ApiKeyDto), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn revoke_key(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<uuid::Uuid>,
) -> Result<axum::Json<ApiKeyDto>, ApiError> {
    let key = state.slate().revoke_api_key(auth.caller(), ApiKeyId::from_uuid(id)).await.map_err(|e| match e {
        slate_domain::NotFoundError::NotFound => ApiError::not_found("API key"),
        slate_domain::NotFoundError::Internal(e) => e.into(),
    })?;
    Ok(axum::Json(ApiKeyDto::new(&key, None)))
}

fn no_store() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    h
}
