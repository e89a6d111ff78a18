//! Invitations: the new-invitation form (internal candidate by type-ahead, or external),
//! "Manage invitations" (filters, search, sort, cursor pages, per-row actions), and an
//! invitation's page: status history, the emails sent with their delivery state, and the
//! review of its answers (watch, rate 1–5, comment, decide).

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use slate_domain::{
    CandidateId, CommentText, Deadline, Decision, DeliveryState, InterviewId, InterviewStatus, Invitation,
    InvitationId, InvitationStatus, InviteExternal, InviteInternal, NamePrefix, PersonName, QuestionId, Rating,
    VideoInterview,
};

use super::candidates::{EventLine, Names, lines};
use super::forms::{Errors, checked, filled};
use super::{Chrome, Recruiter, UiError, UiForm, done, languages, page, status_label};
use crate::api::dto::{self, InvitationListParams};
use crate::error::FieldResult as _;
use crate::{ApiError, AppState};

fn invitation_id(raw: &str) -> Result<InvitationId, UiError> {
    uuid::Uuid::parse_str(raw).map(InvitationId::from_uuid).map_err(|_| UiError::NotFound)
}

/// The closing moment of a deadline on `date`, for people: "00:00 on 2026-12-11 (Europe/Athens)".
pub(crate) fn closing_text(r: &Recruiter, date: chrono::NaiveDate) -> String {
    let deadline = Deadline::restore(date, r.org.time_zone);
    let local = r.org.time_zone.local(deadline.closes_at());
    format!(
        "Candidates can answer until the end of {date}; the link closes at {} on {} ({}).",
        local.format("%H:%M"),
        local.format("%A %-d %B %Y"),
        r.org.time_zone.name()
    )
}

// ---------------------------------------------------------------- the new-invitation form

/// The form as typed.
#[derive(Deserialize, Default)]
pub(crate) struct InvitationForm {
    /// `internal` or `external`.
    #[serde(default)]
    mode: String,
    #[serde(default)]
    candidate_id: String,
    /// The type-ahead box (internal candidates).
    #[serde(default)]
    candidate_query: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    interview_id: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    bcc_me: Option<String>,
    #[serde(default)]
    notify_me: Option<String>,
    /// `find` (look the typed name up, without JavaScript) or `send`.
    #[serde(default)]
    action: String,
}

struct InterviewChoice {
    id: String,
    name: String,
    questions: usize,
    minutes: u64,
    job: String,
    selected: bool,
}

pub(crate) struct Match {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) email: String,
}

/// The name of the candidate the picker's hidden `candidate_id` holds, or nothing.
pub(crate) async fn chosen_candidate(state: &AppState, r: &Recruiter, raw_id: &str) -> String {
    let Some(id) = uuid::Uuid::parse_str(raw_id.trim()).ok().map(CandidateId::from_uuid) else { return String::new() };
    state
        .slate()
        .get_candidate(r.caller, id)
        .await
        .map(|c| format!("{} {}", c.first_name, c.last_name))
        .unwrap_or_default()
}

/// The internal candidates whose first or last name starts with `query` (the picker's
/// no-script "Find").
pub(crate) async fn candidate_matches(state: &AppState, r: &Recruiter, query: &str) -> Result<Vec<Match>, UiError> {
    let Ok(prefix) = NamePrefix::parse(query) else { return Ok(Vec::new()) };
    Ok(state
        .slate()
        .search_candidates(r.caller, &prefix, 20)
        .await?
        .iter()
        .map(|c| Match {
            id: c.id.as_uuid().to_string(),
            name: format!("{} {}", c.first_name, c.last_name),
            email: c.email.as_ref().map(ToString::to_string).unwrap_or_default(),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "ui/invitation_form.html")]
struct FormPage {
    c: Chrome,
    f: InvitationForm,
    external: bool,
    candidate_name: String,
    matches: Vec<Match>,
    searched: bool,
    interviews: Vec<InterviewChoice>,
    languages: Vec<(&'static str, &'static str)>,
    today: String,
    closing: String,
    errors: Errors,
    bcc: bool,
    notify: bool,
    chosen: Option<usize>,
}

async fn published(state: &AppState, r: &Recruiter) -> Result<Vec<VideoInterview>, UiError> {
    Ok(state.slate().list_interviews(r.caller, Some(InterviewStatus::Published)).await?)
}

async fn form_page(state: &AppState, r: &Recruiter, f: InvitationForm, errors: Errors) -> Result<Response, UiError> {
    let interviews = published(state, r).await?;
    let jobs = state.slate().list_jobs(r.caller).await?;
    let candidate_name = chosen_candidate(state, r, &f.candidate_id).await;
    let searched = f.action == "find";
    let matches = if searched { candidate_matches(state, r, &f.candidate_query).await? } else { Vec::new() };
    let choices: Vec<InterviewChoice> = interviews
        .iter()
        .map(|i| InterviewChoice {
            id: i.id().to_string(),
            name: i.details().name.to_string(),
            questions: i.questions().len(),
            minutes: i
                .questions()
                .iter()
                .map(|q| u64::from(q.thinking_secs()) + u64::from(q.max_answer_secs()))
                .sum::<u64>()
                .div_ceil(60),
            job: i
                .details()
                .job_id
                .and_then(|j| jobs.iter().find(|x| x.id == j))
                .map(|j| format!("{} — {}", j.title, j.company_name))
                .unwrap_or_default(),
            selected: f.interview_id == i.id().to_string(),
        })
        .collect();
    let chosen = choices.iter().position(|c| c.selected);
    let closing = dto::date(&f.deadline, "deadline").map(|d| closing_text(r, d)).unwrap_or_default();
    let status = errors.status();
    let page_ = FormPage {
        c: r.chrome("invitations", "New invitation"),
        external: f.mode == "external",
        bcc: checked(&f.bcc_me),
        notify: checked(&f.notify_me),
        f,
        candidate_name,
        matches,
        searched,
        interviews: choices,
        languages: languages(),
        today: state.slate().today_in(r.org.time_zone).to_string(),
        closing,
        errors,
        chosen,
    };
    Ok(page(status, page_.render()))
}

#[derive(Deserialize)]
pub(crate) struct NewQuery {
    #[serde(default)]
    candidate: Option<String>,
    #[serde(default)]
    interview: Option<String>,
    #[serde(default)]
    mode: Option<String>,
}

/// `GET /invitations/new` (`?candidate=` from a candidate's page, `?interview=` from an
/// interview's).
pub(crate) async fn new_form(
    State(state): State<AppState>,
    r: Recruiter,
    Query(q): Query<NewQuery>,
) -> Result<Response, UiError> {
    let mut f = InvitationForm {
        mode: q.mode.unwrap_or_else(|| "internal".into()),
        language: r.org.default_language.code().to_owned(),
        interview_id: q.interview.unwrap_or_default(),
        notify_me: Some("on".into()),
        ..InvitationForm::default()
    };
    let today = state.slate().today_in(r.org.time_zone);
    f.deadline = today.checked_add_days(chrono::Days::new(7)).unwrap_or(today).to_string();
    if let Some(id) = q.candidate.as_deref().and_then(|c| uuid::Uuid::parse_str(c).ok()) {
        let candidate = state.slate().get_candidate(r.caller, CandidateId::from_uuid(id)).await?;
        f.candidate_id = id.to_string();
        f.mode = "internal".into();
        f.email = candidate.email.as_ref().map(ToString::to_string).unwrap_or_default();
        f.candidate_query = format!("{} {}", candidate.first_name, candidate.last_name);
    }
    form_page(&state, &r, f, Errors::none()).await
}

async fn invite(state: &AppState, r: &Recruiter, f: &InvitationForm) -> Result<Invitation, ApiError> {
    let deadline = dto::date(f.deadline.trim(), "deadline")?;
    let language =
        Some(f.language.trim()).filter(|l| !l.is_empty()).map(|l| l.parse().field("language")).transpose()?;
    let email = Some(f.email.trim()).filter(|e| !e.is_empty()).map(|e| crate::error::email(e, "email")).transpose()?;
    let interview_id = uuid::Uuid::parse_str(f.interview_id.trim())
        .map(InterviewId::from_uuid)
        .map_err(|_| ApiError::invalid("interview_id", "choose a published video interview"))?;
    let (bcc_me, notify_me) = (checked(&f.bcc_me), checked(&f.notify_me));
    if f.mode == "external" {
        let input = InviteExternal {
            first_name: PersonName::parse(&f.first_name).field("first_name")?,
            last_name: PersonName::parse(&f.last_name).field("last_name")?,
            email: email.ok_or_else(|| {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "email_required", "enter the candidate's email")
                    .field("email")
            })?,
            interview_id,
            language,
            deadline,
            bcc_me,
            notify_me,
        };
        Ok(state.slate().invite_external(r.caller, input).await?)
    } else {
        let candidate_id = uuid::Uuid::parse_str(f.candidate_id.trim()).map(CandidateId::from_uuid).map_err(|_| {
            ApiError::invalid("candidate_id", "type part of the first or last name and choose the candidate")
        })?;
        let input = InviteInternal { candidate_id, email, interview_id, language, deadline, bcc_me, notify_me };
        Ok(state.slate().invite_internal(r.caller, input).await?)
    }
}

/// `POST /invitations/new`: sends, then back to the invitations list with the new row.
pub(crate) async fn create(
    State(state): State<AppState>,
    r: Recruiter,
    UiForm(f): UiForm<InvitationForm>,
) -> Result<Response, UiError> {
    if f.action == "find" {
        return form_page(&state, &r, f, Errors::none()).await;
    }
    match invite(&state, &r, &f).await {
        Ok(i) => {
            tracing::info!(invitation = %i.id(), "invitation created in the web UI");
            Ok(done("/invitations", "invited"))
        }
        Err(e) => {
            let errors = Errors::from_api(e)?;
            form_page(&state, &r, f, errors).await
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct ClosingQuery {
    #[serde(default)]
    date: String,
}

#[derive(Serialize)]
pub(crate) struct Closing {
    text: String,
    error: Option<String>,
}

/// `GET /invitations/closing?date=`: the closing moment of a deadline, spelled out in the
/// organization's zone (for the form's script: the domain decides, DST and all).
pub(crate) async fn closing(
    State(state): State<AppState>,
    r: Recruiter,
    Query(q): Query<ClosingQuery>,
) -> Json<Closing> {
    match dto::date(q.date.trim(), "deadline") {
        Ok(date) if date < state.slate().today_in(r.org.time_zone) => {
            Json(Closing { text: String::new(), error: Some("That date has passed; choose today or later.".into()) })
        }
        Ok(date) => Json(Closing { text: closing_text(&r, date), error: None }),
        Err(e) => Json(Closing { text: String::new(), error: Some(e.body.message) }),
    }
}

// ---------------------------------------------------------------- Manage invitations

/// The list's query, as the filter form sends it (blank = any).
#[derive(Deserialize, Default, Clone)]
pub(crate) struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    interview_id: String,
    #[serde(default)]
    job_id: String,
    #[serde(default)]
    deadline_from: String,
    #[serde(default)]
    deadline_to: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    cursor: String,
    #[serde(default)]
    done: Option<String>,
}

impl ListQuery {
    fn params(&self) -> InvitationListParams {
        let o = |v: &str| Some(v.trim()).filter(|s| !s.is_empty()).map(ToOwned::to_owned);
        InvitationListParams {
            status: o(&self.status),
            interview_id: o(&self.interview_id),
            job_id: o(&self.job_id),
            deadline_from: o(&self.deadline_from),
            deadline_to: o(&self.deadline_to),
            q: o(&self.q),
            sort: o(&self.sort),
            order: o(&self.order),
            cursor: o(&self.cursor),
            limit: Some(25),
        }
    }

    /// The query string of these filters, with another cursor.
    fn with_cursor(&self, cursor: &str) -> String {
        let pairs = [
            ("status", &self.status),
            ("interview_id", &self.interview_id),
            ("job_id", &self.job_id),
            ("deadline_from", &self.deadline_from),
            ("deadline_to", &self.deadline_to),
            ("q", &self.q),
            ("sort", &self.sort),
            ("order", &self.order),
        ];
        let mut s: Vec<String> =
            pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", encode(v))).collect();
        s.push(format!("cursor={}", encode(cursor)));
        s.join("&")
    }
}

fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) struct Row {
    id: String,
    candidate_id: String,
    name: String,
    email: String,
    interview: String,
    status: (&'static str, &'static str),
    deadline: String,
    created: String,
    link: String,
    can_resend: bool,
    can_cancel: bool,
    can_extend: bool,
    bounced: bool,
}

fn row(state: &AppState, r: &Recruiter, i: &Invitation) -> Row {
    let s = i.status();
    Row {
        id: i.id().to_string(),
        candidate_id: i.candidate_id().as_uuid().to_string(),
        name: format!("{} {}", i.parts().candidate_first_name, i.parts().candidate_last_name),
        email: i.email().to_string(),
        interview: i.interview().name.to_string(),
        status: status_label(s),
        deadline: i.deadline().date().to_string(),
        created: r.local(i.created_at()),
        link: state.slate().candidate_link(i).expose().to_owned(),
        can_resend: matches!(
            s,
            InvitationStatus::Queued | InvitationStatus::Sent | InvitationStatus::Opened | InvitationStatus::Started
        ),
        can_cancel: !matches!(s, InvitationStatus::Completed | InvitationStatus::Cancelled),
        can_extend: !matches!(s, InvitationStatus::Completed | InvitationStatus::Cancelled),
        bounced: s == InvitationStatus::Bounced,
    }
}

#[derive(Template)]
#[template(path = "ui/invitations.html")]
struct ListPage {
    c: Chrome,
    q: ListQuery,
    rows: Vec<Row>,
    next: Option<String>,
    interviews: Vec<(String, String)>,
    jobs: Vec<(String, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    errors: Errors,
    today: String,
}

/// `GET /invitations`.
pub(crate) async fn list(
    State(state): State<AppState>,
    r: Recruiter,
    Query(q): Query<ListQuery>,
) -> Result<Response, UiError> {
    let interviews = state.slate().list_interviews(r.caller, None).await?;
    let jobs = state.slate().list_jobs(r.caller).await?;
    let (rows, next, errors) = match crate::api::invitations::query(q.params()) {
        Ok(query) => {
            let page_ = state.slate().list_invitations(r.caller, &query).await?;
            let rows = page_.items.iter().map(|i| row(&state, &r, i)).collect();
            (rows, page_.next.map(|c| q.with_cursor(&c.encode())), Errors::none())
        }
        Err(e) => (Vec::new(), None, Errors::from_api(e)?),
    };
    let status = errors.status();
    let page_ = ListPage {
        c: r.chrome("invitations", "Invitations").with_notice(q.done.as_deref()),
        rows,
        next,
        interviews: interviews.iter().map(|i| (i.id().to_string(), i.details().name.to_string())).collect(),
        jobs: jobs.iter().map(|j| (j.id.as_uuid().to_string(), j.title.to_string())).collect(),
        statuses: [
            InvitationStatus::Queued,
            InvitationStatus::Sent,
            InvitationStatus::Opened,
            InvitationStatus::Started,
            InvitationStatus::Completed,
            InvitationStatus::Expired,
            InvitationStatus::Bounced,
            InvitationStatus::Cancelled,
        ]
        .into_iter()
        .map(|s| (s.as_str(), status_label(s).0))
        .collect(),
        q,
        errors,
        today: state.slate().today_in(r.org.time_zone).to_string(),
    };
    Ok(page(status, page_.render()))
}

// ---------------------------------------------------------------- one invitation

struct MessageLine {
    kind: String,
    to: String,
    queued: String,
    state: String,
    class: &'static str,
}

struct AnswerView {
    n: usize,
    question_id: String,
    prompt: String,
    takes: Vec<TakeView>,
    my_rating: u8,
    average: String,
    ratings: Vec<(String, u8)>,
    comments: Vec<(String, String, String)>,
}

struct TakeView {
    take: u8,
    url: String,
    mime: &'static str,
    seconds: u32,
    current: bool,
}

#[derive(Template)]
#[template(path = "ui/invitation.html")]
struct DetailsPage {
    c: Chrome,
    row: Row,
    language: String,
    closes: String,
    zone: String,
    bcc: bool,
    notify: bool,
    history: Vec<EventLine>,
    messages: Vec<MessageLine>,
    answers: Vec<AnswerView>,
    general_comments: Vec<(String, String, String)>,
    decision: Option<(String, String, String)>,
    decisions: Vec<(&'static str, &'static str)>,
    reviewable: bool,
    action_error: Option<String>,
    deadline_value: String,
    email_value: String,
    today: String,
}

/// Values typed into the page's forms, kept when one is refused.
#[derive(Default)]
struct Kept {
    error: Option<String>,
    deadline: Option<String>,
    email: Option<String>,
}

async fn details_page(
    state: &AppState,
    r: &Recruiter,
    id: InvitationId,
    notice: Option<&str>,
    kept: Kept,
) -> Result<Response, UiError> {
    let sheet = state.slate().review(r.caller, id).await?;
    let i = &sheet.invitation;
    let events = state
        .slate()
        .candidate_timeline(r.caller, i.candidate_id())
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .filter(|e| e.invitation_id == Some(id))
        .collect::<Vec<_>>();
    let mut names = Names::new(state, r);
    let history = lines(&mut names, r, &events).await;
    let messages = state
        .slate()
        .messages(r.caller, id)
        .await?
        .iter()
        .map(|m| {
            let (state_text, class) = match &m.state {
                DeliveryState::Pending { attempts: 0, .. } => ("Waiting to be sent".to_owned(), "badge-wait"),
                DeliveryState::Pending { attempts, not_before } => (
                    format!("Retrying after {attempts} failed attempt(s), next at {}", r.local(*not_before)),
                    "badge-wait",
                ),
                DeliveryState::Claimed { .. } => ("Sending".to_owned(), "badge-progress"),
                DeliveryState::Delivered { at } => (format!("Delivered {}", r.local(*at)), "badge-ok"),
                DeliveryState::Skipped { reason, .. } => (format!("Not sent: {reason}"), "badge-muted"),
                DeliveryState::Failed { reason, .. } => (format!("Failed: {reason}"), "badge-bad"),
            };
            MessageLine {
                kind: m.kind.as_str().replace('_', " "),
                to: m.to.to_string(),
                queued: r.local(m.created_at),
                state: state_text,
                class,
            }
        })
        .collect();
    let mut answers = Vec::new();
    for (n, q) in i.interview().questions.iter().enumerate() {
        let qid = q.id();
        let takes: Vec<_> = sheet.answers.iter().filter(|a| a.question_id == qid).collect();
        let last = takes.iter().map(|a| a.take).max().unwrap_or(0);
        let mut ratings = Vec::new();
        for (who, rating) in sheet.review.ratings(qid) {
            ratings.push((names.of(who).await, rating.get()));
        }
        let mut comments = Vec::new();
        for (note, text) in sheet.review.comments(Some(qid)) {
            comments.push((names.of(note.recruiter_id).await, r.local(note.at), text.to_string()));
        }
        answers.push(AnswerView {
            n: n + 1,
            question_id: qid.to_string(),
            prompt: q.prompt().to_string(),
            takes: takes
                .iter()
                .map(|a| TakeView {
                    take: a.take,
                    url: format!("/api/v1/invitations/{id}/answers/{}/video", a.id),
                    mime: a.format.mime(),
                    seconds: a.duration_ms.div_ceil(1000),
                    current: a.take == last,
                })
                .collect(),
            my_rating: sheet.review.rating_by(qid, r.me.id).map_or(0, Rating::get),
            average: sheet.review.average_tenths(qid).map(|t| format!("{}.{}", t / 10, t % 10)).unwrap_or_default(),
            ratings,
            comments,
        });
    }
    let mut general_comments = Vec::new();
    for (note, text) in sheet.review.comments(None) {
        general_comments.push((names.of(note.recruiter_id).await, r.local(note.at), text.to_string()));
    }
    let decision = match sheet.review.decision() {
        Some((d, who, at)) => Some((decision_label(d).to_owned(), names.of(who).await, r.local(at))),
        None => None,
    };
    let deadline = i.deadline();
    let row = row(state, r, i);
    let title = format!("{} · {}", row.name, row.interview);
    let status = if kept.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page_ = DetailsPage {
        c: r.chrome("invitations", title).with_notice(notice),
        language: i.language().native_name().to_owned(),
        closes: r.local(deadline.closes_at()),
        zone: deadline.zone().name().to_owned(),
        bcc: i.bcc_me(),
        notify: i.notify_me(),
        history,
        messages,
        answers,
        general_comments,
        decision,
        decisions: Decision::ALL.into_iter().map(|d| (d.as_str(), decision_label(d))).collect(),
        reviewable: i.status() != InvitationStatus::Cancelled,
        action_error: kept.error,
        deadline_value: kept.deadline.unwrap_or_else(|| deadline.date().to_string()),
        email_value: kept.email.unwrap_or_else(|| row.email.clone()),
        today: state.slate().today_in(r.org.time_zone).to_string(),
        row,
    };
    Ok(page(status, page_.render()))
}

fn decision_label(d: Decision) -> &'static str {
    match d {
        Decision::Advance => "Advance",
        Decision::Hold => "Hold",
        Decision::Reject => "Reject",
    }
}

#[derive(Deserialize)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

/// `GET /invitations/{id}`: details and review (where the completion notice's link leads).
pub(crate) async fn show(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, UiError> {
    details_page(&state, &r, invitation_id(&raw)?, q.done.as_deref(), Kept::default()).await
}

/// A row action's form: where to go back to.
#[derive(Deserialize, Default)]
pub(crate) struct ActionForm {
    #[serde(default)]
    back: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    email: String,
}

fn back_to(form: &ActionForm, id: InvitationId) -> String {
    if form.back == "list" { "/invitations".to_owned() } else { format!("/invitations/{id}") }
}

/// After a row action: back with a confirmation, or this invitation's page with the refusal
/// and what was typed.
async fn after(
    state: &AppState,
    r: &Recruiter,
    id: InvitationId,
    form: &ActionForm,
    result: Result<(), ApiError>,
    what: &str,
) -> Result<Response, UiError> {
    match result {
        Ok(()) => Ok(done(&back_to(form, id), what)),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let kept = Kept {
                error: Some(e.body.message),
                deadline: Some(form.deadline.clone()).filter(|d| !d.is_empty()),
                email: Some(form.email.clone()).filter(|d| !d.is_empty()),
            };
            details_page(state, r, id, None, kept).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /invitations/{id}/resend`.
pub(crate) async fn resend(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    UiForm(form): UiForm<ActionForm>,
) -> Result<Response, UiError> {
    let id = invitation_id(&raw)?;
    let result = match state.limit_resend(r.caller.organization_id, id.as_uuid()) {
        Ok(()) => state.slate().resend(r.caller, id).await.map(|_| ()).map_err(ApiError::from),
        Err(e) => Err(e),
    };
    after(&state, &r, id, &form, result, "resent").await
}

/// `POST /invitations/{id}/deadline`.
pub(crate) async fn change_deadline(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    UiForm(form): UiForm<ActionForm>,
) -> Result<Response, UiError> {
    let id = invitation_id(&raw)?;
    let result = match dto::date(form.deadline.trim(), "deadline") {
        Ok(date) => state.slate().change_deadline(r.caller, id, date).await.map(|_| ()).map_err(ApiError::from),
        Err(e) => Err(e),
    };
    after(&state, &r, id, &form, result, "deadline").await
}

/// `POST /invitations/{id}/email`: a bounced invitation's corrected address.
pub(crate) async fn change_email(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    UiForm(form): UiForm<ActionForm>,
) -> Result<Response, UiError> {
    let id = invitation_id(&raw)?;
    let result = match crate::error::email(form.email.trim(), "email") {
        Ok(email) => state.slate().change_email(r.caller, id, email).await.map(|_| ()).map_err(ApiError::from),
        Err(e) => Err(e),
    };
    after(&state, &r, id, &form, result, "email").await
}

/// `POST /invitations/{id}/cancel`.
pub(crate) async fn cancel(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    UiForm(form): UiForm<ActionForm>,
) -> Result<Response, UiError> {
    let id = invitation_id(&raw)?;
    let result = state.slate().cancel(r.caller, id).await.map(|_| ()).map_err(ApiError::from);
    after(&state, &r, id, &form, result, "cancelled").await
}

#[derive(Deserialize, Default)]
pub(crate) struct ReviewForm {
    #[serde(default)]
    question: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    decision: String,
}

fn question(raw: &str) -> Option<QuestionId> {
    uuid::Uuid::parse_str(raw.trim()).ok().map(QuestionId::from_uuid)
}

async fn after_review(
    state: &AppState,
    r: &Recruiter,
    id: InvitationId,
    result: Result<(), ApiError>,
    what: &str,
    anchor: &str,
) -> Result<Response, UiError> {
    after(state, r, id, &ActionForm::default(), result, what).await.map(|resp| {
        if resp.status().is_redirection() { done(&format!("/invitations/{id}?{anchor}"), what) } else { resp }
    })
}

/// `POST /invitations/{id}/rate`.
pub(crate) async fn rate(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    UiForm(form): UiForm<ReviewForm>,
) -> Result<Response, UiError> {
    let id = invitation_id(&raw)?;
    let rating = form.rating.trim().parse::<u8>().ok().and_then(|v| Rating::new(v).ok());
    let result = match (question(&form.question), rating) {
        (Some(q), Some(rating)) => {
            state.slate().rate_answer(r.caller, id, q, rating).await.map(|_| ()).map_err(ApiError::from)
        }
        (None, _) => Err(ApiError::invalid("question", "no such question")),
        (_, None) => Err(ApiError::invalid("rating", "choose a rating from 1 to 5")),
    };
    after_review(&state, &r, id, result, "rated", "at=answers").await
}

/// `POST /invitations/{id}/comment` (on one answer, or on the whole interview).
pub(crate) async fn comment(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    UiForm(form): UiForm<ReviewForm>,
) -> Result<Response, UiError> {
    let id = invitation_id(&raw)?;
    let result = match CommentText::parse(&form.text) {
        Ok(text) => state
            .slate()
            .comment_on_answers(r.caller, id, filled(&Some(form.question.clone())).and_then(question), text)
            .await
            .map(|_| ())
            .map_err(ApiError::from),
        Err(e) => Err(ApiError::invalid("text", format!("comment: {e}"))),
    };
    after_review(&state, &r, id, result, "commented", "at=answers").await
}

/// `POST /invitations/{id}/decision`.
pub(crate) async fn decide(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    UiForm(form): UiForm<ReviewForm>,
) -> Result<Response, UiError> {
    let id = invitation_id(&raw)?;
    let result = match Decision::parse(&form.decision) {
        Ok(d) => state.slate().decide(r.caller, id, d).await.map(|_| ()).map_err(ApiError::from),
        Err(e) => Err(ApiError::invalid("decision", e)),
    };
    after_review(&state, &r, id, result, "decided", "at=decision").await
}
