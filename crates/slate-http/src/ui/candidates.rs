//! Candidates: the list with search, creating internal candidates, the candidate's page with
//! the activity timeline and the "Invite to video interview" button, and the type-ahead the
//! invitation form uses.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use slate_domain::{
    Actor, Candidate, CandidateId, CandidateKind, EmailAddress, EventKind, LongText, NamePrefix, NewCandidate,
    PersonName, PhoneNumber, RecruiterId, TimelineEvent,
};

use super::forms::{Errors, filled};
use super::{Chrome, Recruiter, UiError, UiForm, done, ok, page, status_label};
use crate::AppState;
use crate::error::FieldResult as _;

fn candidate_id(raw: &str) -> Result<CandidateId, UiError> {
    uuid::Uuid::parse_str(raw).map(CandidateId::from_uuid).map_err(|_| UiError::NotFound)
}

struct Row {
    id: String,
    name: String,
    email: String,
    kind: &'static str,
    added: String,
}

fn row(r: &Recruiter, c: &Candidate) -> Row {
    Row {
        id: c.id.as_uuid().to_string(),
        name: format!("{} {}", c.first_name, c.last_name),
        email: c.email.as_ref().map(ToString::to_string).unwrap_or_default(),
        kind: match c.kind {
            CandidateKind::Internal => "Internal",
            CandidateKind::External => "External",
        },
        added: r.local(c.created_at),
    }
}

#[derive(Template)]
#[template(path = "ui/candidates.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    q: String,
    next: Option<String>,
    searching: bool,
}

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    before: Option<String>,
}

const PAGE: usize = 50;

/// `GET /candidates`: newest first, or those whose first or last name starts with `q`.
pub(crate) async fn list(
    State(state): State<AppState>,
    r: Recruiter,
    Query(q): Query<ListQuery>,
) -> Result<Response, UiError> {
    let search = filled(&q.q).map(ToOwned::to_owned);
    let (candidates, next) = match search.as_deref().map(NamePrefix::parse) {
        Some(Ok(prefix)) => (state.slate().search_candidates(r.caller, &prefix, 50).await?, None),
        Some(Err(_)) => (Vec::new(), None),
        None => {
            let before = filled(&q.before).and_then(|b| uuid::Uuid::parse_str(b).ok()).map(CandidateId::from_uuid);
            let list = state.slate().list_candidates(r.caller, before, PAGE).await?;
            let next = (list.len() == PAGE).then(|| list.last().map(|c| c.id.as_uuid().to_string())).flatten();
            (list, next)
        }
    };
    let page_ = ListPage {
        c: r.chrome("candidates", "Candidates"),
        rows: candidates.iter().map(|c| row(&r, c)).collect(),
        q: search.clone().unwrap_or_default(),
        next,
        searching: search.is_some(),
    };
    Ok(ok(&page_))
}

#[derive(Deserialize, Default)]
pub(crate) struct CandidateForm {
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    notes: String,
}

#[derive(Template)]
#[template(path = "ui/candidate_form.html")]
struct FormPage {
    c: Chrome,
    f: CandidateForm,
    errors: Errors,
}

/// `GET /candidates/new`.
pub(crate) async fn new_form(r: Recruiter) -> Response {
    ok(&FormPage { c: r.chrome("candidates", "New candidate"), f: CandidateForm::default(), errors: Errors::none() })
}

fn new_candidate(f: &CandidateForm) -> Result<NewCandidate, crate::ApiError> {
    Ok(NewCandidate {
        first_name: PersonName::parse(&f.first_name).field("first_name")?,
        last_name: PersonName::parse(&f.last_name).field("last_name")?,
        email: Some(f.email.trim()).filter(|e| !e.is_empty()).map(|e| crate::error::email(e, "email")).transpose()?,
        phone: Some(f.phone.trim())
            .filter(|p| !p.is_empty())
            .map(|p| PhoneNumber::parse(p).field("phone"))
            .transpose()?,
        notes: LongText::parse(&f.notes).field("notes")?,
    })
}

/// `POST /candidates/new`.
pub(crate) async fn create(
    State(state): State<AppState>,
    r: Recruiter,
    UiForm(f): UiForm<CandidateForm>,
) -> Result<Response, UiError> {
    let created = match new_candidate(&f) {
        Ok(new) => state.slate().create_candidate(r.caller, new).await.map_err(|e| match e {
            slate_domain::CreateCandidateError::Internal(e) => UiError::internal(&e),
        })?,
        Err(e) => {
            let errors = Errors::from_api(e)?;
            let status = errors.status();
            return Ok(page(status, FormPage { c: r.chrome("candidates", "New candidate"), f, errors }.render()));
        }
    };
    Ok(done(&format!("/candidates/{}", created.id.as_uuid()), "created"))
}

/// One line of a timeline, for people.
pub(crate) struct EventLine {
    pub(crate) when: String,
    pub(crate) what: String,
    pub(crate) who: String,
    pub(crate) invitation: Option<String>,
}

/// Names recruiters once per page.
pub(crate) struct Names<'a> {
    state: &'a AppState,
    r: &'a Recruiter,
    known: HashMap<RecruiterId, String>,
}

impl<'a> Names<'a> {
    pub(crate) fn new(state: &'a AppState, r: &'a Recruiter) -> Self {
        Self { state, r, known: HashMap::new() }
    }

    pub(crate) async fn of(&mut self, id: RecruiterId) -> String {
        if id == self.r.me.id {
            return format!("{} (you)", self.r.me.name);
        }
        if let Some(n) = self.known.get(&id) {
            return n.clone();
        }
        let name = match self.state.slate().colleague(self.r.caller, id).await {
            Ok(Some(rec)) => rec.name.to_string(),
            _ => "A former colleague".to_owned(),
        };
        self.known.insert(id, name.clone());
        name
    }

    pub(crate) async fn actor(&mut self, actor: Actor) -> String {
        match actor {
            Actor::Recruiter(id) => self.of(id).await,
            Actor::Candidate => "Candidate".to_owned(),
            Actor::System => "Slate".to_owned(),
            Actor::ExternalInterviewer(_) => "Interviewer".to_owned(),
        }
    }
}

/// What an event says, for people; instants in the organization's zone.
pub(crate) fn describe(kind: &EventKind, r: &Recruiter) -> String {
    match kind {
        EventKind::Invited { email, interview_name, deadline } => {
            format!("Invited to “{interview_name}” at {email}, answer by {deadline}")
        }
        EventKind::EmailDelivered => "Email delivered to the mail server".to_owned(),
        EventKind::Resent => "Invitation sent again (same link)".to_owned(),
        EventKind::Opened => "Opened the link".to_owned(),
        EventKind::ConsentGiven => "Accepted the recording notice".to_owned(),
        EventKind::Started => "Started answering".to_owned(),
        EventKind::Completed => "Completed the interview".to_owned(),
        EventKind::Expired => "The deadline passed before completion".to_owned(),
        EventKind::Cancelled => "Invitation cancelled".to_owned(),
        EventKind::DeadlineChanged { from, to, reopened } => {
            format!("Deadline changed from {from} to {to}{}", if *reopened { " (reopened)" } else { "" })
        }
        EventKind::EmailBounced { reason } => format!("Email bounced: {reason}"),
        EventKind::EmailFailed { reason } => format!("Email could not be delivered: {reason}"),
        EventKind::EmailChanged { from, to } => format!("Address corrected from {from} to {to}"),
        EventKind::ReminderQueued(kind) => format!("Reminder sent ({})", kind.as_str().replace('_', " ")),
        EventKind::DecisionRecorded(d) => format!("Decision: {d}"),
        EventKind::LiveScheduled { title, starts_at, .. } => {
            format!("Live interview “{title}” scheduled for {}", r.local(*starts_at))
        }
        EventKind::LiveConfirmed { attendee, .. } => format!("{attendee} confirmed the live interview"),
        EventKind::LiveDeclined { attendee, message, .. } => match message {
            Some(m) => format!("{attendee} declined the live interview: “{m}”"),
            None => format!("{attendee} declined the live interview"),
        },
        EventKind::LiveAllConfirmed { .. } => "Everyone confirmed: the live interview is scheduled".to_owned(),
        EventKind::LiveRescheduled { from, to, .. } => {
            format!("Live interview moved from {} to {}; confirmations reset", r.local(*from), r.local(*to))
        }
        EventKind::LiveCancelled { .. } => "Live interview cancelled".to_owned(),
        EventKind::LiveResent { .. } => "Live interview invites sent again".to_owned(),
        other => other.name().replace('_', " "),
    }
}

pub(crate) async fn lines(names: &mut Names<'_>, r: &Recruiter, events: &[TimelineEvent]) -> Vec<EventLine> {
    let mut out = Vec::with_capacity(events.len());
    for e in events.iter().rev() {
        out.push(EventLine {
            when: r.local(e.at),
            what: describe(&e.kind, r),
            who: names.actor(e.actor).await,
            invitation: e.invitation_id.map(|i| i.to_string()),
        });
    }
    out
}

struct LiveRow {
    id: String,
    title: String,
    when: String,
    status: (&'static str, &'static str),
}

struct InvitationRow {
    id: String,
    interview: String,
    status: (&'static str, &'static str),
    deadline: String,
}

#[derive(Template)]
#[template(path = "ui/candidate.html")]
struct CandidatePage {
    c: Chrome,
    id: String,
    name: String,
    email: String,
    phone: String,
    notes: String,
    kind: &'static str,
    invitations: Vec<InvitationRow>,
    live: Vec<LiveRow>,
    timeline: Vec<EventLine>,
}

#[derive(Deserialize)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

/// `GET /candidates/{id}`: details, invitations and the activity timeline (newest first).
pub(crate) async fn show(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, UiError> {
    let id = candidate_id(&raw)?;
    let candidate = state.slate().get_candidate(r.caller, id).await?;
    let events = state.slate().candidate_timeline(r.caller, id).await.map_err(crate::ApiError::from)?;
    let mut seen = Vec::new();
    for e in events.iter().rev() {
        if let Some(i) = e.invitation_id
            && !seen.contains(&i)
        {
            seen.push(i);
        }
    }
    let mut invitations = Vec::new();
    for i in seen {
        if let Ok(inv) = state.slate().get_invitation(r.caller, i).await {
            invitations.push(InvitationRow {
                id: i.to_string(),
                interview: inv.interview().name.to_string(),
                status: status_label(inv.status()),
                deadline: inv.deadline().date().to_string(),
            });
        }
    }
    let query = slate_domain::LiveQuery { candidate: Some(id), include_cancelled: true, ..Default::default() };
    let live = state
        .slate()
        .live_interviews(r.caller, &query)
        .await?
        .iter()
        .map(|l| LiveRow {
            id: l.id().to_string(),
            title: l.title().to_string(),
            when: r.local(l.slot().start()),
            status: super::live::status_label(l.status()),
        })
        .collect();
    let mut names = Names::new(&state, &r);
    let timeline = lines(&mut names, &r, &events).await;
    let name = format!("{} {}", candidate.first_name, candidate.last_name);
    let page_ = CandidatePage {
        c: r.chrome("candidates", name.clone()).with_notice(q.done.as_deref()),
        id: id.as_uuid().to_string(),
        name,
        email: candidate.email.as_ref().map(ToString::to_string).unwrap_or_default(),
        phone: candidate.phone.as_ref().map(ToString::to_string).unwrap_or_default(),
        notes: candidate.notes.to_string(),
        kind: match candidate.kind {
            CandidateKind::Internal => "Internal candidate",
            CandidateKind::External => "External candidate (invited directly)",
        },
        invitations,
        live,
        timeline,
    };
    Ok(ok(&page_))
}

#[derive(Serialize)]
pub(crate) struct Suggestion {
    id: String,
    name: String,
    email: String,
}

#[derive(Deserialize)]
pub(crate) struct SuggestQuery {
    #[serde(default)]
    q: String,
}

/// `GET /candidates/suggest?q=`: internal candidates whose first or last name starts with
/// `q`, for the invitation form's type-ahead (JSON; escaped by the script as text).
pub(crate) async fn suggest(
    State(state): State<AppState>,
    r: Recruiter,
    Query(q): Query<SuggestQuery>,
) -> Result<Json<Vec<Suggestion>>, UiError> {
    let Ok(prefix) = NamePrefix::parse(&q.q) else { return Ok(Json(Vec::new())) };
    let found = state.slate().search_candidates(r.caller, &prefix, 10).await?;
    Ok(Json(
        found
            .iter()
            .map(|c| Suggestion {
                id: c.id.as_uuid().to_string(),
                name: format!("{} {}", c.first_name, c.last_name),
                email: c.email.as_ref().map(EmailAddress::to_string).unwrap_or_default(),
            })
            .collect(),
    ))
}
