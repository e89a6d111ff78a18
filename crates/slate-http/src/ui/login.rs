//! Logging in and out.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use slate_domain::{LoginError, Password};

use super::{Recruiter, UiForm, page};
use crate::AppState;
use crate::api::ClientIp;
use crate::auth::{clear_session_cookie, set_session_cookie};

#[derive(Template)]
#[template(path = "ui/login.html")]
struct LoginPage {
    email: String,
    error: Option<&'static str>,
}

/// `GET /login`.
pub(crate) async fn form(recruiter: Option<Recruiter>) -> Response {
    if recruiter.is_some() {
        return Redirect::to("/").into_response();
    }
    page(StatusCode::OK, LoginPage { email: String::new(), error: None }.render())
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /login`: the session cookie, then the dashboard. Before login there is no session
/// to bind a CSRF token to; the `SameSite=Lax` cookie and the `Origin` check keep other sites
/// from logging a browser in.
pub(crate) async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    axum::Form(form): axum::Form<LoginForm>,
) -> Response {
    if crate::candidate::same_site(&headers).is_err() {
        return StatusCode::FORBIDDEN.into_response();
    }
    let again = |status: StatusCode, error: &'static str| {
        page(status, LoginPage { email: form.email.clone(), error: Some(error) }.render())
    };
    if state.limit_login(ip).is_err() {
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many attempts from this address. Wait a minute and try again.",
        );
    }
    let wrong = "The email or the password is wrong.";
    let Ok(email) = slate_domain::EmailAddress::parse(&form.email) else {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter the email address of your account, like name@example.com.",
        );
    };
    let Ok(password) = Password::new(&form.password) else { return again(StatusCode::UNAUTHORIZED, wrong) };
    match state.slate().log_in(&email, &password).await {
        Ok(logged) => {
            let max_age = (logged.session.expires_at - logged.session.created_at).num_seconds();
            let cookie = set_session_cookie(&state, &logged.secret, max_age);
            tracing::info!(recruiter = %logged.recruiter.id, "logged in to the web UI");
            let mut response = Redirect::to("/").into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            response
        }
        Err(LoginError::InvalidCredentials) => again(StatusCode::UNAUTHORIZED, wrong),
        Err(LoginError::Internal(e)) => super::UiError::internal(&e).into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct LogOutForm {
    #[serde(default)]
    everywhere: Option<String>,
}

/// `POST /logout` (or, with `everywhere`, every session of this recruiter).
pub(crate) async fn log_out(
    State(state): State<AppState>,
    recruiter: Recruiter,
    UiForm(form): UiForm<LogOutForm>,
) -> Result<Response, super::UiError> {
    if super::forms::checked(&form.everywhere) {
        state.slate().log_out_everywhere(recruiter.caller).await?;
    } else {
        state.slate().log_out(recruiter.session).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&clear_session_cookie(&state)) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}
