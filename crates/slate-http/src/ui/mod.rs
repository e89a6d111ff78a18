//! The recruiter's web UI: server-rendered pages (askama, every value escaped) with a little
//! JavaScript where it helps (type-ahead, the closing moment of a deadline, copying a link,
//! bulk-invite progress); every page works without it.
//!
//! - Authentication is the session cookie the JSON API sets; a page without a valid session
//!   redirects to `/login`. Every form carries the session's CSRF token in a hidden `csrf`
//!   field, checked before the form is read ([`UiForm`]); a refusal is an HTML page.
//! - Pages drive the same use cases as the API and map their errors through the API's one
//!   mapping ([`ApiError`]), then render the form again with what was typed and the message
//!   beside the field it names.
//! - One module per screen; templates in `templates/ui/`; styles and script under `/assets`,
//!   loaded from Slate itself (the Content-Security-Policy allows nothing else, and no inline
//!   script or style).

mod bulk;
mod candidates;
mod dashboard;
mod forms;
mod interviews;
mod invitations;
mod live;
mod login;
mod mailbox;
mod settings;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use slate_domain::{
    AuthError, BearerSecret, Caller, Credential, Language, Organization, Recruiter as RecruiterRecord, SecretKind,
    SessionId,
};

use crate::auth::{cookie, session_cookie_name};
use crate::{ApiError, AppState};

/// What the recruiter's pages may load: Slate's own script, styles, images and videos, and
/// the captured emails' frame; no inline script or style.
pub(crate) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                              media-src 'self'; connect-src 'self'; frame-src 'self'; form-action 'self'; \
                              base-uri 'none'; frame-ancestors 'none'";

/// The recruiter's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::show))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::log_out))
        .route("/interviews", get(interviews::list))
        .route("/interviews/new", get(interviews::new_form).post(interviews::create))
        .route("/interviews/{id}", get(interviews::details))
        .route("/interviews/{id}/edit", get(interviews::edit_form).post(interviews::update))
        .route("/interviews/{id}/publish", post(interviews::publish))
        .route("/interviews/{id}/archive", post(interviews::archive))
        .route("/interviews/{id}/preview", get(interviews::preview))
        .route("/jobs/new", post(interviews::create_job))
        .route("/candidates", get(candidates::list))
        .route("/candidates/new", get(candidates::new_form).post(candidates::create))
        .route("/candidates/suggest", get(candidates::suggest))
        .route("/candidates/{id}", get(candidates::show))
        .route("/invitations", get(invitations::list))
        .route("/invitations/new", get(invitations::new_form).post(invitations::create))
        .route("/invitations/closing", get(invitations::closing))
        .route("/invitations/bulk", get(bulk::form).post(bulk::preview))
        .route("/invitations/bulk/send", post(bulk::send))
        .route("/invitations/{id}", get(invitations::show))
        .route("/invitations/{id}/resend", post(invitations::resend))
        .route("/invitations/{id}/deadline", post(invitations::change_deadline))
        .route("/invitations/{id}/email", post(invitations::change_email))
        .route("/invitations/{id}/cancel", post(invitations::cancel))
        .route("/invitations/{id}/rate", post(invitations::rate))
        .route("/invitations/{id}/comment", post(invitations::comment))
        .route("/invitations/{id}/decision", post(invitations::decide))
        .route("/live", get(live::list))
        .route("/live/new", get(live::new_form).post(live::create))
        .route("/live/{id}", get(live::show))
        .route("/live/{id}/resend", post(live::resend))
        .route("/live/{id}/reschedule", post(live::reschedule))
        .route("/live/{id}/cancel", post(live::cancel))
        .route("/mailbox", get(mailbox::list))
        .route("/mailbox/{id}", get(mailbox::show))
        .route("/mailbox/{id}/html", get(mailbox::html))
        .route("/settings", get(settings::show).post(settings::save))
        .route("/settings/templates/{kind}/{language}", get(settings::template).post(settings::save_template))
        .route("/assets/ui.css", get(asset_css))
        .route("/assets/ui.js", get(asset_js))
}

async fn asset_css() -> Response {
    asset("text/css; charset=utf-8", include_str!("../../assets/ui.css"))
}

async fn asset_js() -> Response {
    asset("text/javascript; charset=utf-8", include_str!("../../assets/ui.js"))
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// The signed-in recruiter behind a page request.
#[derive(Clone)]
pub(crate) struct Recruiter {
    pub(crate) caller: Caller,
    pub(crate) session: SessionId,
    pub(crate) csrf: String,
    pub(crate) me: RecruiterRecord,
    pub(crate) org: Organization,
}

/// The session secret in this request's cookie, if it is one.
fn session_secret(parts: &Parts, state: &AppState) -> Option<BearerSecret> {
    let raw = cookie(&parts.headers, session_cookie_name(state.config().secure_cookies()))?;
    let secret = BearerSecret::presented(raw);
    (secret.kind() == Some(SecretKind::Session)).then_some(secret)
}

impl FromRequestParts<AppState> for Recruiter {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, UiError> {
        let Some(secret) = session_secret(parts, state) else { return Err(UiError::LogIn) };
        let who = match state.slate().authenticate(&secret).await {
            Ok(who) => who,
            Err(AuthError::Invalid) => return Err(UiError::LogIn),
            Err(AuthError::Internal(e)) => return Err(UiError::internal(&e)),
        };
        let Credential::Session(session) = who.credential else { return Err(UiError::LogIn) };
        let (org, me) = state.slate().whoami(who.caller).await.map_err(|_| UiError::LogIn)?;
        Ok(Self { caller: who.caller, session, csrf: secret.csrf_token(), me, org })
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for Recruiter {
    type Rejection = UiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, UiError> {
        match <Self as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(r) => Ok(Some(r)),
            Err(UiError::LogIn) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl Recruiter {
    /// The layout's context for a page of `section`.
    pub(crate) fn chrome(&self, section: &'static str, title: impl Into<String>) -> Chrome {
        Chrome {
            title: title.into(),
            section,
            csrf: self.csrf.clone(),
            recruiter: self.me.name.to_string(),
            organization: self.org.name.to_string(),
            notice: None,
        }
    }

    /// An instant shown in the organization's zone, e.g. `2026-12-02 18:05`.
    pub(crate) fn local(&self, at: DateTime<Utc>) -> String {
        self.org.time_zone.local(at).format("%Y-%m-%d %H:%M").to_string()
    }
}

/// What the layout shows around every page.
pub(crate) struct Chrome {
    pub(crate) title: String,
    pub(crate) section: &'static str,
    pub(crate) csrf: String,
    pub(crate) recruiter: String,
    pub(crate) organization: String,
    /// A confirmation after a change ("Invitation sent."), shown once.
    pub(crate) notice: Option<&'static str>,
}

impl Chrome {
    /// Shows the fixed confirmation named by a `?done=` value, if it is one of ours (never
    /// text from the request itself).
    pub(crate) fn with_notice(mut self, done: Option<&str>) -> Self {
        self.notice = done.and_then(notice);
        self
    }

    pub(crate) fn nav(&self, section: &str) -> &'static str {
        if self.section == section { "page" } else { "false" }
    }
}

fn notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "invited" => "Invitation sent: the email is on its way.",
        "resent" => "The invitation email was sent again, with the same link.",
        "deadline" => "The deadline was changed.",
        "email" => "The address was corrected and the invitation sent again.",
        "cancelled" => "The invitation was cancelled; its link no longer works.",
        "rated" => "Rating saved.",
        "commented" => "Comment added.",
        "decided" => "Decision recorded.",
        "saved" => "Saved.",
        "published" => "Published: the interview can now be chosen for invitations.",
        "archived" => "Archived: no new invitations can use it.",
        "created" => "Created.",
        "scheduled" => "Scheduled: every attendee's invite is on its way.",
        "live-resent" => "The invites were sent again, with the same links.",
        "live-moved" => "Moved: everyone gets the new time and confirms again.",
        "live-cancelled" => "Cancelled: everyone is told, and the links no longer work.",
        _ => return None,
    })
}

/// Where to go after a change, with the confirmation to show there.
pub(crate) fn done(path: &str, what: &str) -> Response {
    let sep = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{sep}done={what}")).into_response()
}

/// An HTML page with the recruiter pages' headers.
pub(crate) fn page(status: StatusCode, html: Result<String, askama::Error>) -> Response {
    match html {
        Ok(body) => (
            status,
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
                (header::REFERRER_POLICY, HeaderValue::from_static("same-origin")),
                (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            ],
            body,
        )
            .into_response(),
        Err(e) => UiError::internal(&e).into_response(),
    }
}

/// A page rendered with status 200.
pub(crate) fn ok(template: &impl Template) -> Response {
    page(StatusCode::OK, template.render())
}

/// Why a page could not be shown.
#[derive(Debug)]
pub(crate) enum UiError {
    /// Not logged in (or the session ended): to the login page.
    LogIn,
    /// The form's CSRF token is missing or wrong.
    Csrf,
    /// No such record in the recruiter's organization.
    NotFound,
    /// Refused by a rule, with a status and a message for people (no form to show it on).
    Refused(StatusCode, String),
    /// Our fault; the cause is logged once, never shown.
    Internal,
}

impl UiError {
    pub(crate) fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "a recruiter page failed");
        Self::Internal
    }
}

impl From<ApiError> for UiError {
    fn from(e: ApiError) -> Self {
        match e.status {
            StatusCode::NOT_FOUND => Self::NotFound,
            StatusCode::UNAUTHORIZED => Self::LogIn,
            // Already logged by the API mapping.
            StatusCode::INTERNAL_SERVER_ERROR => Self::Internal,
            status => Self::Refused(status, e.body.message),
        }
    }
}

impl From<slate_domain::ports::AdapterError> for UiError {
    fn from(e: slate_domain::ports::AdapterError) -> Self {
        Self::internal(&e)
    }
}

impl From<slate_domain::NotFoundError> for UiError {
    fn from(e: slate_domain::NotFoundError) -> Self {
        match e {
            slate_domain::NotFoundError::NotFound => Self::NotFound,
            slate_domain::NotFoundError::Internal(e) => Self::internal(&e),
        }
    }
}

#[derive(Template)]
#[template(path = "ui/error.html")]
struct ErrorPage {
    status: u16,
    heading: &'static str,
    message: String,
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match self {
            Self::LogIn => return Redirect::to("/login").into_response(),
            Self::Csrf => (
                StatusCode::FORBIDDEN,
                "This form has expired",
                "The page was open for too long, or in another session. Go back, reload the page and try again."
                    .to_owned(),
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Not found",
                "There is no such page in your organization. It may have been removed.".to_owned(),
            ),
            Self::Refused(status, message) => (status, "That did not work", message),
            Self::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side",
                "Nothing was changed. Please try again in a minute.".to_owned(),
            ),
        };
        let body = ErrorPage { status: status.as_u16(), heading, message }.render();
        match body {
            Ok(_) => page(status, body),
            Err(_) => status.into_response(),
        }
    }
}

/// A form body, read only after its `csrf` field matched the session's token: every
/// state-changing page request goes through it.
pub(crate) struct UiForm<T>(pub(crate) T);

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned> FromRequest<AppState> for UiForm<T> {
    type Rejection = UiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, UiError> {
        let (parts, body) = req.into_parts();
        let Some(secret) = session_secret(&parts, state) else { return Err(UiError::LogIn) };
        let bytes = axum::body::Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| UiError::Refused(e.status(), e.body_text()))?;
        let presented: CsrfField = serde_html_form::from_bytes(&bytes).map_err(|_| UiError::Csrf)?;
        if !secret.csrf_matches(&presented.csrf) {
            return Err(UiError::Csrf);
        }
        // The session itself is checked by the `Recruiter` extractor beside this one.
        serde_html_form::from_bytes(&bytes)
            .map(UiForm)
            .map_err(|e| UiError::Refused(StatusCode::UNPROCESSABLE_ENTITY, format!("The form could not be read: {e}")))
    }
}

/// The languages offered for candidates' pages, as `(code, name)`.
pub(crate) fn languages() -> Vec<(&'static str, &'static str)> {
    Language::ALL.into_iter().map(|l| (l.code(), l.native_name())).collect()
}

/// Statuses as recruiters read them, with the badge class.
pub(crate) fn status_label(status: slate_domain::InvitationStatus) -> (&'static str, &'static str) {
    use slate_domain::InvitationStatus as S;
    match status {
        S::Queued => ("Queued", "badge-wait"),
        S::Sent => ("Sent", "badge-info"),
        S::Opened => ("Opened", "badge-info"),
        S::Started => ("Started", "badge-progress"),
        S::Completed => ("Completed", "badge-ok"),
        S::Expired => ("Expired", "badge-muted"),
        S::Cancelled => ("Cancelled", "badge-muted"),
        S::Bounced => ("Bounced", "badge-bad"),
    }
}
