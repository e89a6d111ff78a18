//! Who is calling: an API key (`Authorization: Bearer slate_k_…`) or a login session cookie.
//! Cookie-authenticated requests that change state must also carry the session's CSRF token
//! in [`CSRF_HEADER`]: another site can make a browser send the cookie, but cannot read the
//! token. API-key requests need no token (browsers never add that header on their own).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use slate_domain::{AuthError, Authenticated, BearerSecret, SecretKind};

use crate::{ApiError, AppState};

/// The header carrying the CSRF token on cookie-authenticated changes.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The session cookie's name: `__Host-slate_session` over HTTPS (the browser then refuses
/// it unless Secure, host-only and for path `/`), `slate_session` otherwise.
#[must_use]
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-slate_session" } else { "slate_session" }
}

/// The value of cookie `name`, if the request has it.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// `Set-Cookie` for a new session lasting `max_age_secs`.
pub(crate) fn set_session_cookie(state: &AppState, secret: &BearerSecret, max_age_secs: i64) -> String {
    session_cookie(state, secret.expose(), max_age_secs)
}

/// `Set-Cookie` that deletes the session cookie.
pub(crate) fn clear_session_cookie(state: &AppState) -> String {
    session_cookie(state, "", 0)
}

fn session_cookie(state: &AppState, value: &str, max_age_secs: i64) -> String {
    let secure = state.config().secure_cookies();
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        session_cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// An authenticated recruiter-side caller.
#[derive(Debug, Clone)]
pub(crate) struct Auth {
    /// Who, and with what.
    pub(crate) who: Authenticated,
    /// The session secret, when the caller came with the cookie (for its CSRF token).
    pub(crate) session: Option<BearerSecret>,
}

impl Auth {
    pub(crate) const fn caller(&self) -> slate_domain::Caller {
        self.who.caller
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let raw = value.to_str().map_err(|_| ApiError::unauthenticated())?;
            let token = raw.strip_prefix("Bearer ").ok_or_else(ApiError::unauthenticated)?;
            let secret = BearerSecret::presented(token);
            if secret.kind() != Some(SecretKind::ApiKey) {
                return Err(ApiError::unauthenticated());
            }
            let who = authenticate(state, &secret).await?;
            return Ok(Self { who, session: None });
        }
        let name = session_cookie_name(state.config().secure_cookies());
        let Some(raw) = cookie(&parts.headers, name) else {
            return Err(ApiError::unauthenticated());
        };
        let secret = BearerSecret::presented(raw);
        if secret.kind() != Some(SecretKind::Session) {
            return Err(ApiError::unauthenticated());
        }
        let who = authenticate(state, &secret).await?;
        if !is_safe(&parts.method) {
            let presented = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !secret.csrf_matches(presented) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "missing or wrong X-CSRF-Token header (GET /api/v1/session returns the token)",
                ));
            }
        }
        Ok(Self { who, session: Some(secret) })
    }
}

async fn authenticate(state: &AppState, secret: &BearerSecret) -> Result<Authenticated, ApiError> {
    state.slate().authenticate(secret).await.map_err(|e| match e {
        AuthError::Invalid => ApiError::unauthenticated(),
        AuthError::Internal(e) => e.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "a=1; slate_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, "slate_session"), Some("abc"));
        assert_eq!(cookie(&h, "slate"), None);
        assert_eq!(session_cookie_name(true), "__Host-slate_session");
    }
}
