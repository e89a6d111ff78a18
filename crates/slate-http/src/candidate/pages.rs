//! The pages: arrival, landing and consent, the recorder, submission, thanks, and closed
//! links.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use slate_domain::{
    CompleteError, Invitation, InvitationStatus, Language, LinkCheck, LinkToken, OpenError, Organization, QuestionId,
    RecordAnswer, RecordAnswerError, TransitionError,
};

use super::{browser_language, into_cookie_and_redirect, invitation_id, link_from_cookie, same_site};
use crate::api::ClientIp;
use crate::{ApiError, AppState};

/// What the pages may load: only Slate's own script, styles and the camera's stream.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   media-src 'self' blob: mediastream:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
                   frame-ancestors 'none'";

/// Fluent messages in one language, for templates.
pub(crate) struct T(pub(crate) Language);

impl T {
    /// The message `key`.
    pub(crate) fn get(&self, key: &str) -> String {
        slate_i18n::message(self.0, key, &[])
    }

    /// The message `key` with one argument.
    pub(crate) fn with(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        slate_i18n::message(self.0, key, &[(name, &value.to_string())])
    }

    /// The message `key` with two arguments.
    pub(crate) fn with2(
        &self,
        key: &str,
        a: &str,
        a_value: impl std::fmt::Display,
        b: &str,
        b_value: impl std::fmt::Display,
    ) -> String {
        slate_i18n::message(self.0, key, &[(a, &a_value.to_string()), (b, &b_value.to_string())])
    }

    pub(crate) fn code(&self) -> &'static str {
        self.0.code()
    }
}

/// Why a link leads nowhere, for the closed page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Closed {
    Invalid,
    Withdrawn,
    Expired,
    Completed,
    /// A live interview that was cancelled.
    LiveCancelled,
}

impl Closed {
    const fn key(self) -> &'static str {
        match self {
            Self::Invalid => "page-closed-invalid",
            Self::Withdrawn => "page-closed-withdrawn",
            Self::Expired => "page-closed-expired",
            Self::Completed => "page-closed-completed",
            Self::LiveCancelled => "page-closed-live-cancelled",
        }
    }

    const fn status(self) -> StatusCode {
        match self {
            Self::Invalid => StatusCode::NOT_FOUND,
            _ => StatusCode::GONE,
        }
    }

    fn from_transition(e: &TransitionError) -> Self {
        match e {
            TransitionError::AlreadyCompleted => Self::Completed,
            TransitionError::Cancelled => Self::Withdrawn,
            _ => Self::Expired,
        }
    }
}

#[derive(Template)]
#[template(path = "candidate/closed.html")]
struct ClosedPage {
    t: T,
    reason: Closed,
}

#[derive(Template)]
#[template(path = "candidate/landing.html")]
struct LandingPage {
    t: T,
    action: String,
    interview_url: String,
    name: String,
    company: String,
    job_title: Option<String>,
    intro: String,
    questions: usize,
    minutes: String,
    deadline_date: String,
    deadline_org: String,
    closes_at: String,
    zone: String,
    started: bool,
    answered: usize,
    consent_missing: bool,
    /// A recruiter's preview: nothing can be started, and the questions are listed.
    preview: Option<Vec<String>>,
}

#[derive(Template)]
#[template(path = "candidate/interview.html")]
struct InterviewPage {
    t: T,
    company: String,
    /// The JSON the script reads, with `<`, `>` and `&` escaped so it cannot end the
    /// `<script>` element it sits in.
    data: String,
    submit_action: String,
}

#[derive(Template)]
#[template(path = "candidate/done.html")]
struct DonePage {
    t: T,
    company: String,
}

/// An HTML page with the candidate pages' headers.
pub(crate) fn page(status: StatusCode, html: Result<String, askama::Error>) -> Response {
    match html {
        Ok(body) => (
            status,
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
                (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering a candidate page failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub(crate) fn closed(language: Language, reason: Closed) -> Response {
    page(reason.status(), ClosedPage { t: T(language), reason }.render())
}

pub(crate) fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "a candidate page failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side. Please try again in a minute.")
        .into_response()
}

fn company(invitation: &Invitation, organization: &Organization) -> String {
    invitation.interview().company_name.as_ref().map_or_else(|| organization.name.to_string(), ToString::to_string)
}

/// The invitation behind this browser's cookie for `/c/{raw_id}`, or the page to show instead.
async fn current(
    state: &AppState,
    raw_id: &str,
    headers: &HeaderMap,
) -> Result<(LinkToken, Invitation, Organization, Option<TransitionError>), Response> {
    let lang = browser_language(headers);
    let (Some(id), Some(token)) = (invitation_id(raw_id), link_from_cookie(headers)) else {
        return Err(closed(lang, Closed::Invalid));
    };
    match state.slate().check_link(&token).await {
        Ok(LinkCheck::Current { invitation, organization, closed: why }) if invitation.id() == id => {
            Ok((token, *invitation, *organization, why))
        }
        Ok(LinkCheck::Withdrawn { invitation }) if invitation.id() == id => {
            Err(closed(invitation.language(), Closed::Withdrawn))
        }
        Ok(_) => Err(closed(lang, Closed::Invalid)),
        Err(e) => Err(internal(e)),
    }
}

/// `GET /i/{token}`: the link from the email. Changes nothing; moves the secret into a
/// cookie for this invitation and out of the address bar.
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
    match state.slate().check_link(&token).await {
        Ok(LinkCheck::Current { invitation, .. }) => {
            into_cookie_and_redirect(&state, &token, &format!("/c/{}", invitation.id()))
        }
        Ok(LinkCheck::Withdrawn { invitation }) => closed(invitation.language(), Closed::Withdrawn),
        Ok(LinkCheck::Invalid) => closed(browser_language(&headers), Closed::Invalid),
        Err(e) => internal(e),
    }
}

fn landing_page(
    invitation: &Invitation,
    organization: &Organization,
    consent_missing: bool,
) -> Result<String, askama::Error> {
    let lang = invitation.language();
    let snapshot = invitation.interview();
    let deadline = invitation.deadline();
    let id = invitation.id();
    let started = matches!(invitation.status(), InvitationStatus::Opened | InvitationStatus::Started);
    LandingPage {
        t: T(lang),
        action: format!("/c/{id}/start"),
        interview_url: format!("/c/{id}/interview"),
        name: invitation.parts().candidate_first_name.to_string(),
        company: company(invitation, organization),
        job_title: snapshot.job_title.as_ref().map(ToString::to_string),
        intro: snapshot.intro.to_string(),
        questions: snapshot.questions.len(),
        minutes: snapshot.estimated_duration().as_secs().div_ceil(60).to_string(),
        deadline_date: slate_i18n::long_date(lang, deadline.date()),
        deadline_org: slate_i18n::date_time_in(lang, deadline.closes_at(), deadline.zone()),
        closes_at: deadline.closes_at().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        zone: deadline.zone().name().to_owned(),
        started,
        answered: invitation.answered_count(),
        consent_missing,
        preview: None,
    }
    .render()
}

/// A recruiter's preview of `snapshot`: the landing page exactly as a candidate invited now
/// would see it in `language` (a sample name, a deadline a week from `today`), with the
/// questions listed and nothing to start.
pub(crate) fn preview_page(
    snapshot: &slate_domain::InterviewSnapshot,
    organization: &Organization,
    language: Language,
    today: chrono::NaiveDate,
) -> Response {
    let date = today.checked_add_days(chrono::Days::new(7)).unwrap_or(today);
    let deadline = slate_domain::Deadline::restore(date, organization.time_zone);
    let html = LandingPage {
        t: T(language),
        action: String::new(),
        interview_url: String::new(),
        name: "Alex".to_owned(),
        company: snapshot.company_name.as_ref().map_or_else(|| organization.name.to_string(), ToString::to_string),
        job_title: snapshot.job_title.as_ref().map(ToString::to_string),
        intro: snapshot.intro.to_string(),
        questions: snapshot.questions.len(),
        minutes: snapshot.estimated_duration().as_secs().div_ceil(60).to_string(),
        deadline_date: slate_i18n::long_date(language, deadline.date()),
        deadline_org: slate_i18n::date_time_in(language, deadline.closes_at(), deadline.zone()),
        closes_at: deadline.closes_at().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        zone: deadline.zone().name().to_owned(),
        started: false,
        answered: 0,
        consent_missing: false,
        preview: Some(snapshot.questions.iter().map(|q| q.prompt().to_string()).collect()),
    }
    .render();
    page(StatusCode::OK, html)
}

/// `GET /c/{invitation}`: the landing page.
pub(crate) async fn landing(State(state): State<AppState>, Path(raw): Path<String>, headers: HeaderMap) -> Response {
    let (_, invitation, organization, why) = match current(&state, &raw, &headers).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    if let Some(e) = why {
        return closed(invitation.language(), Closed::from_transition(&e));
    }
    page(StatusCode::OK, landing_page(&invitation, &organization, false))
}

#[derive(Debug, Deserialize)]
pub(crate) struct StartForm {
    #[serde(default)]
    consent: Option<String>,
}

/// `POST /c/{invitation}/start`: the candidate agreed to the recording notice.
pub(crate) async fn start(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<StartForm>,
) -> Response {
    if let Err(status) = same_site(&headers) {
        return status.into_response();
    }
    let (token, invitation, organization, why) = match current(&state, &raw, &headers).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    if let Some(e) = why {
        return closed(invitation.language(), Closed::from_transition(&e));
    }
    if form.consent.as_deref() != Some("yes") {
        return page(StatusCode::UNPROCESSABLE_ENTITY, landing_page(&invitation, &organization, true));
    }
    match state.slate().start_interview(&token).await {
        Ok(_) => Redirect::to(&format!("/c/{}/interview", invitation.id())).into_response(),
        Err(OpenError::InvalidLink) => closed(invitation.language(), Closed::Invalid),
        Err(OpenError::Closed(e)) => closed(invitation.language(), Closed::from_transition(&e)),
        Err(OpenError::Internal(e)) => internal(e),
    }
}

#[derive(Serialize)]
struct QuestionData {
    id: String,
    prompt: String,
    thinking: u32,
    max: u32,
    takes_allowed: u8,
    takes_used: u8,
}

#[derive(Serialize)]
struct InterviewData {
    lang: &'static str,
    base: String,
    questions: Vec<QuestionData>,
    max_bytes: u64,
    msgs: std::collections::BTreeMap<String, String>,
}

/// The messages of the script, with their arguments left as `{name}` for it to fill in.
fn script_messages(t: &T) -> std::collections::BTreeMap<String, String> {
    const ARGS: [(&str, &[&str]); 4] = [
        ("page-js-question", &["n", "total"]),
        ("page-js-thinking", &["seconds"]),
        ("page-js-recording", &["elapsed", "max"]),
        ("page-js-retake", &["left"]),
    ];
    slate_i18n::keys(Language::English)
        .into_iter()
        .filter(|k| k.starts_with("page-js-"))
        .map(|key| {
            let names = ARGS.iter().find(|(k, _)| *k == key).map_or(&[][..], |(_, n)| n);
            let placeholders: Vec<(String, String)> =
                names.iter().map(|n| ((*n).to_owned(), format!("{{{n}}}"))).collect();
            let args: Vec<(&str, &str)> = placeholders.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let text = slate_i18n::message(t.0, &key, &args);
            (key, text)
        })
        .collect()
}

/// JSON that can sit inside a `<script>` element.
fn script_json(value: &impl Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{}".to_owned())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `GET /c/{invitation}/interview`: the recorder.
pub(crate) async fn interview(State(state): State<AppState>, Path(raw): Path<String>, headers: HeaderMap) -> Response {
    let (_, invitation, organization, why) = match current(&state, &raw, &headers).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    if let Some(e) = why {
        return closed(invitation.language(), Closed::from_transition(&e));
    }
    let id = invitation.id();
    if !matches!(invitation.status(), InvitationStatus::Opened | InvitationStatus::Started) {
        // no consent yet
        return Redirect::to(&format!("/c/{id}")).into_response();
    }
    let t = T(invitation.language());
    let questions = invitation
        .interview()
        .questions
        .iter()
        .map(|q| QuestionData {
            id: q.id().as_uuid().to_string(),
            prompt: q.prompt().as_str().to_owned(),
            thinking: q.thinking_secs(),
            max: q.max_answer_secs(),
            takes_allowed: q.takes_allowed(),
            takes_used: invitation.takes_of(q.id()),
        })
        .collect();
    let data = InterviewData {
        lang: t.code(),
        base: format!("/c/{id}"),
        questions,
        max_bytes: state.slate().settings().max_answer_bytes,
        msgs: script_messages(&t),
    };
    page(
        StatusCode::OK,
        InterviewPage {
            company: company(&invitation, &organization),
            data: script_json(&data),
            submit_action: format!("/c/{id}/submit"),
            t,
        }
        .render(),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct AnswerInput {
    question_id: uuid::Uuid,
    duration_ms: u32,
}

#[derive(Debug, Serialize)]
pub(crate) struct AnswerRecorded {
    take: u8,
    answered: usize,
    total: usize,
}

/// `POST /c/{invitation}/answers`: the take just uploaded is the answer (JSON, for the
/// script).
pub(crate) async fn record_answer(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
    Json(input): Json<AnswerInput>,
) -> Result<Json<AnswerRecorded>, ApiError> {
    same_site(&headers).map_err(|s| ApiError::new(s, "cross_site", "refused from another site"))?;
    let invalid = || ApiError::new(StatusCode::NOT_FOUND, "invalid_link", "this link is not valid");
    let token = link_from_cookie(&headers).ok_or_else(invalid)?;
    let id = invitation_id(&raw).ok_or_else(invalid)?;
    if state.slate().claimed_invitation(&token) != Some(id) {
        return Err(invalid());
    }
    let input = RecordAnswer { question_id: QuestionId::from_uuid(input.question_id), duration_ms: input.duration_ms };
    let answer = state.slate().record_answer(&token, input).await.map_err(|e| match e {
        RecordAnswerError::InvalidLink => invalid(),
        RecordAnswerError::Rejected(r) => ApiError::new(StatusCode::CONFLICT, "answer_rejected", r.to_string()),
        RecordAnswerError::MediaMissing => ApiError::new(StatusCode::CONFLICT, "upload_unfinished", e.to_string()),
        RecordAnswerError::NotVideo => ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "not_video", e.to_string()),
        RecordAnswerError::TooLarge { .. } => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", e.to_string()),
        RecordAnswerError::Conflict => ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string()),
        RecordAnswerError::Internal(e) => e.into(),
    })?;
    let invitation = state.slate().check_link(&token).await?;
    let (answered, total) = match invitation {
        LinkCheck::Current { invitation, .. } => (invitation.answered_count(), invitation.interview().questions.len()),
        _ => (0, 0),
    };
    Ok(Json(AnswerRecorded { take: answer.take, answered, total }))
}

/// `POST /c/{invitation}/submit`: the candidate hands in the interview.
pub(crate) async fn submit(State(state): State<AppState>, Path(raw): Path<String>, headers: HeaderMap) -> Response {
    if let Err(status) = same_site(&headers) {
        return status.into_response();
    }
    let (token, invitation, organization, why) = match current(&state, &raw, &headers).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let lang = invitation.language();
    if let Some(e) = why {
        return closed(lang, Closed::from_transition(&e));
    }
    match state.slate().complete(&token).await {
        Ok(_) => page(StatusCode::OK, DonePage { t: T(lang), company: company(&invitation, &organization) }.render()),
        Err(CompleteError::Refused(TransitionError::Unanswered { .. })) => {
            Redirect::to(&format!("/c/{}/interview", invitation.id())).into_response()
        }
        Err(CompleteError::Refused(e)) => closed(lang, Closed::from_transition(&e)),
        Err(CompleteError::InvalidLink) => closed(lang, Closed::Invalid),
        Err(CompleteError::Conflict) => Redirect::to(&format!("/c/{}", invitation.id())).into_response(),
        Err(CompleteError::Internal(e)) => internal(e),
    }
}
