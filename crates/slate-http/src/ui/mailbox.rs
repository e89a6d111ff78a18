//! The local mailbox (the embedded default transport): the outgoing emails Slate kept instead
//! of sending, readable here so a newcomer sees the invitation and follows its link. An
//! email's HTML is shown in a sandboxed frame served with its own policy (no script, nothing
//! loaded from elsewhere), never inserted into the page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use slate_domain::{MessageId, MessageSubject};

use super::{Chrome, Recruiter, UiError, ok};
use crate::AppState;

fn message_id(raw: &str) -> Result<MessageId, UiError> {
    uuid::Uuid::parse_str(raw).map(MessageId::from_uuid).map_err(|_| UiError::NotFound)
}

struct Row {
    id: String,
    to: String,
    subject: String,
    kind: String,
    when: String,
}

#[derive(Template)]
#[template(path = "ui/mailbox.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    before: Option<String>,
}

/// `GET /mailbox`.
pub(crate) async fn list(
    State(state): State<AppState>,
    r: Recruiter,
    Query(q): Query<ListQuery>,
) -> Result<Response, UiError> {
    let before = q.before.as_deref().and_then(|b| uuid::Uuid::parse_str(b).ok()).map(MessageId::from_uuid);
    let page_ = state.slate().mailbox(r.caller, before, 50).await?;
    let rows = page_
        .emails
        .iter()
        .map(|e| Row {
            id: e.id.to_string(),
            to: e.to.to_string(),
            subject: e.subject.clone(),
            kind: e.kind.as_str().replace('_', " "),
            when: r.local(e.captured_at),
        })
        .collect();
    Ok(ok(&ListPage { c: r.chrome("mailbox", "Mailbox"), rows, next: page_.next.map(|n| n.to_string()) }))
}

#[derive(Template)]
#[template(path = "ui/mail.html")]
struct MailPage {
    c: Chrome,
    id: String,
    from: String,
    to: String,
    reply_to: String,
    subject: String,
    when: String,
    text: String,
    /// What it is about: (label, link text, link).
    about: (&'static str, &'static str, String),
}

/// `GET /mailbox/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
) -> Result<Response, UiError> {
    let e = state.slate().mailbox_email(r.caller, message_id(&raw)?).await?;
    Ok(ok(&MailPage {
        c: r.chrome("mailbox", e.subject.clone()),
        id: e.id.to_string(),
        from: e.from.clone(),
        to: e.to.to_string(),
        reply_to: e.reply_to.as_ref().map(ToString::to_string).unwrap_or_default(),
        subject: e.subject.clone(),
        when: r.local(e.captured_at),
        text: e.text.clone(),
        about: match e.about {
            MessageSubject::Invitation(i) => ("Invitation", "Open the invitation", format!("/invitations/{i}")),
            MessageSubject::Attendee { live_interview_id, .. } => {
                ("Live interview", "Open the live interview", format!("/live/{live_interview_id}"))
            }
        },
    }))
}

/// `GET /mailbox/{id}/html`: the email's HTML part, for the sandboxed frame of its page.
pub(crate) async fn html(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
) -> Result<Response, UiError> {
    let e = state.slate().mailbox_email(r.caller, message_id(&raw)?).await?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
                ),
            ),
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN")),
        ],
        e.html,
    )
        .into_response())
}
