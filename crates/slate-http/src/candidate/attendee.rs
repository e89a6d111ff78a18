//! A live interview's attendee pages: what the candidate and each interviewer see through
//! their own link (no account), in their language.
//!
//! - `GET /m/{token}` looks the link up without changing anything, moves the secret into an
//!   HttpOnly cookie scoped to `/a/{attendee}` and redirects there (as the candidate's
//!   video-interview link does).
//! - `GET /a/{attendee}`: when and where, the attendee's answer and the interview's state.
//! - `POST /a/{attendee}/confirm` and `POST /a/{attendee}/decline` (with an optional message)
//!   record the answer and come back to the page (303), which says it was saved.
//!
//! A cancelled interview's link gets a page saying so (410); an unknown one 404.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use slate_domain::{
    AttendeeId, AttendeeLinkCheck, AttendeeResponse, Job, Language, LinkToken, LiveError, LiveInterview, LiveStatus,
    Location, LongText, Organization, RespondError,
};

use super::pages::{Closed, T, closed, internal, page};
use super::{browser_language, into_cookie_and_redirect, link_from_cookie, same_site};
use crate::AppState;
use crate::api::ClientIp;

#[derive(Template)]
#[template(path = "candidate/live.html")]
struct LivePage {
    t: T,
    company: String,
    title: String,
    when: String,
    zone: String,
    starts_at: String,
    minutes: u16,
    meeting_url: Option<String>,
    place: Option<String>,
    /// `pending`, `confirmed` or `declined`.
    response: &'static str,
    status: LiveStatus,
    /// What was just saved, to thank them for.
    saved: Option<&'static str>,
    started: bool,
    confirm_action: String,
    decline_action: String,
    /// What they typed, kept when the message is refused.
    message: String,
    message_error: Option<String>,
}

impl LivePage {
    fn status_key(&self) -> &'static str {
        match self.status {
            LiveStatus::Scheduled => "page-live-status-scheduled",
            LiveStatus::Declined => "page-live-status-declined",
            _ => "page-live-status-awaiting",
        }
    }

    fn answer_key(&self) -> &'static str {
        match self.response {
            "confirmed" => "page-live-answer-confirmed",
            "declined" => "page-live-answer-declined",
            _ => "page-live-answer-pending",
        }
    }
}

fn attendee_id(raw: &str) -> Option<AttendeeId> {
    uuid::Uuid::parse_str(raw).ok().map(AttendeeId::from_uuid)
}

/// The live interview behind this browser's cookie for `/a/{raw_id}`, or the page to show.
async fn current(
    state: &AppState,
    raw_id: &str,
    headers: &HeaderMap,
) -> Result<(LinkToken, LiveInterview, AttendeeId, Organization, Option<Job>), Response> {
    let lang = browser_language(headers);
    let (Some(id), Some(token)) = (attendee_id(raw_id), link_from_cookie(headers)) else {
        return Err(closed(lang, Closed::Invalid));
    };
    match state.slate().check_attendee_link(&token).await {
        Ok(AttendeeLinkCheck::Current { live, attendee, organization, job }) if attendee == id => {
            Ok((token, *live, attendee, *organization, job.map(|j| *j)))
        }
        Ok(AttendeeLinkCheck::Withdrawn { live, attendee }) if attendee == id => {
            Err(closed(language_of(&live, attendee), Closed::LiveCancelled))
        }
        Ok(_) => Err(closed(lang, Closed::Invalid)),
        Err(e) => Err(internal(e)),
    }
}

fn language_of(live: &LiveInterview, attendee: AttendeeId) -> Language {
    live.attendee(attendee).map_or(Language::English, |a| a.language)
}

struct Draft {
    saved: Option<&'static str>,
    message: String,
    message_error: Option<String>,
}

fn render(
    state: &AppState,
    live: &LiveInterview,
    attendee: AttendeeId,
    organization: &Organization,
    job: Option<&Job>,
    draft: Draft,
) -> Result<String, askama::Error> {
    let language = language_of(live, attendee);
    let slot = live.slot();
    let company = job.map_or_else(|| organization.name.to_string(), |j| j.company_name.to_string());
    let (meeting_url, place) = match live.location() {
        Location::Online(url) => (Some(url.as_str().to_owned()), None),
        Location::Place(p) => (None, Some(p.to_string())),
    };
    LivePage {
        t: T(language),
        company,
        title: live.title().to_string(),
        when: slate_i18n::date_time_in(language, slot.start(), slot.zone()),
        zone: slot.zone().name().to_owned(),
        starts_at: slot.start().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        minutes: slot.minutes(),
        meeting_url,
        place,
        response: live.attendee(attendee).map_or("pending", |a| a.response.as_str()),
        status: live.status(),
        saved: draft.saved,
        started: state.slate().now() >= slot.start(),
        confirm_action: format!("/a/{attendee}/confirm"),
        decline_action: format!("/a/{attendee}/decline"),
        message: draft.message,
        message_error: draft.message_error,
    }
    .render()
}

/// `GET /m/{token}`: the link from the invite. Changes nothing.
pub(crate) async fn arrive(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = state.limit_link(ip) {
        return e.into_response();
    }
    let token = LinkToken::presented(&raw);
    match state.slate().check_attendee_link(&token).await {
        Ok(AttendeeLinkCheck::Current { attendee, .. }) => {
            into_cookie_and_redirect(&state, &token, &format!("/a/{attendee}"))
        }
        Ok(AttendeeLinkCheck::Withdrawn { live, attendee }) => {
            closed(language_of(&live, attendee), Closed::LiveCancelled)
        }
        Ok(AttendeeLinkCheck::Invalid) => closed(browser_language(&headers), Closed::Invalid),
        Err(e) => internal(e),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct Shown {
    saved: Option<String>,
}

/// `GET /a/{attendee}`: the page.
pub(crate) async fn show(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    Query(shown): Query<Shown>,
    headers: HeaderMap,
) -> Response {
    let (_, live, attendee, organization, job) = match current(&state, &raw, &headers).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let saved = match shown.saved.as_deref() {
        Some("confirmed") => Some("page-live-saved-confirmed"),
        Some("declined") => Some("page-live-saved-declined"),
        _ => None,
    };
    let draft = Draft { saved, message: String::new(), message_error: None };
    page(StatusCode::OK, render(&state, &live, attendee, &organization, job.as_ref(), draft))
}

/// Records an answer and goes back to the page, or shows why it could not be.
async fn respond(state: &AppState, raw: &str, headers: &HeaderMap, response: AttendeeResponse) -> Response {
    if let Err(status) = same_site(headers) {
        return status.into_response();
    }
    let (token, live, attendee, organization, job) = match current(state, raw, headers).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let saved = if matches!(response, AttendeeResponse::Confirmed) { "confirmed" } else { "declined" };
    match state.slate().respond_live(&token, response).await {
        Ok(_) => Redirect::to(&format!("/a/{attendee}?saved={saved}")).into_response(),
        Err(RespondError::Refused(LiveError::Cancelled)) => closed(language_of(&live, attendee), Closed::LiveCancelled),
        Err(RespondError::Refused(_)) => {
            // Begun: the page says answers are closed.
            let draft = Draft { saved: None, message: String::new(), message_error: None };
            page(StatusCode::CONFLICT, render(state, &live, attendee, &organization, job.as_ref(), draft))
        }
        Err(RespondError::InvalidLink) => closed(language_of(&live, attendee), Closed::Invalid),
        Err(RespondError::Internal(e)) => internal(e),
    }
}

/// `POST /a/{attendee}/confirm`.
pub(crate) async fn confirm(State(state): State<AppState>, Path(raw): Path<String>, headers: HeaderMap) -> Response {
    respond(&state, &raw, &headers, AttendeeResponse::Confirmed).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct DeclineForm {
    #[serde(default)]
    message: String,
}

/// `POST /a/{attendee}/decline`, with an optional message.
pub(crate) async fn decline(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<DeclineForm>,
) -> Response {
    let trimmed = form.message.trim();
    let message = if trimmed.is_empty() {
        None
    } else if let Ok(m) = LongText::parse(trimmed) {
        Some(m)
    } else {
        // Too long, or control characters: the page again, with what was typed.
        let (_, live, attendee, organization, job) = match current(&state, &raw, &headers).await {
            Ok(found) => found,
            Err(page) => return page,
        };
        let error = T(language_of(&live, attendee)).get("page-live-message-invalid");
        let draft = Draft { saved: None, message: form.message.clone(), message_error: Some(error) };
        let html = render(&state, &live, attendee, &organization, job.as_ref(), draft);
        return page(StatusCode::UNPROCESSABLE_ENTITY, html);
    };
    respond(&state, &raw, &headers, AttendeeResponse::Declined { message }).await
}
