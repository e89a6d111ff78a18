//! The JSON shapes of the API. Requests carry plain strings and numbers; handlers turn them
//! into domain values, naming the field at fault. Responses are built from domain values.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use slate_domain::*;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

// ---------------------------------------------------------------- accounts

/// Logging in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account email.
    #[schema(example = "admin@slate.local")]
    pub email: String,
    /// The password.
    pub password: String,
}

/// A recruiter.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecruiterDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Account email.
    pub email: String,
}

impl From<&Recruiter> for RecruiterDto {
    fn from(r: &Recruiter) -> Self {
        Self { id: r.id.as_uuid(), name: r.name.to_string(), email: r.email.to_string() }
    }
}

/// An organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationDto {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The IANA zone deadlines are judged in.
    #[schema(example = "Europe/Athens")]
    pub time_zone: String,
    /// Default language of invitations.
    #[schema(example = "en")]
    pub default_language: String,
}

impl From<&Organization> for OrganizationDto {
    fn from(o: &Organization) -> Self {
        Self {
            id: o.id.as_uuid(),
            name: o.name.to_string(),
            time_zone: o.time_zone.name().to_owned(),
            default_language: o.default_language.code().to_owned(),
        }
    }
}

/// The current session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionDto {
    /// Who is logged in.
    pub recruiter: RecruiterDto,
    /// Their organization.
    pub organization: OrganizationDto,
    /// Send it as `X-CSRF-Token` on every cookie-authenticated request that changes state.
    /// Absent when the caller used an API key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
    /// When the session ends (RFC 3339, UTC); absent for API keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// A new API key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// What it is for, 1 to 60 characters.
    #[schema(example = "ATS sync")]
    pub name: String,
}

/// An API key (never its secret, except once on creation).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyDto {
    /// Id.
    pub id: Uuid,
    /// What it is for.
    pub name: String,
    /// The recruiter it acts for.
    pub recruiter_id: Uuid,
    /// Created (RFC 3339, UTC).
    pub created_at: String,
    /// Revoked (RFC 3339, UTC), if it was.
    pub revoked_at: Option<String>,
    /// The key itself: returned only by the call that creates it. Store it now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl ApiKeyDto {
    pub(crate) fn new(k: &ApiKey, secret: Option<&BearerSecret>) -> Self {
        Self {
            id: k.id.as_uuid(),
            name: k.name.to_string(),
            recruiter_id: k.recruiter_id.as_uuid(),
            created_at: rfc3339(k.created_at),
            revoked_at: k.revoked_at.map(rfc3339),
            secret: secret.map(|s| s.expose().to_owned()),
        }
    }
}

// ---------------------------------------------------------------- jobs

/// A new job.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateJob {
    /// Title, 1 to 200 characters.
    #[schema(example = "Backend engineer")]
    pub title: String,
    /// Company name candidates see, 1 to 200 characters.
    #[schema(example = "Acme")]
    pub company_name: String,
}

/// A job.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobDto {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Company name.
    pub company_name: String,
}

impl From<&Job> for JobDto {
    fn from(j: &Job) -> Self {
        Self { id: j.id.as_uuid(), title: j.title.to_string(), company_name: j.company_name.to_string() }
    }
}

// ---------------------------------------------------------------- interviews

/// A question as submitted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionRequest {
    /// An existing question's id, to keep it across edits; omit for a new question.
    pub id: Option<Uuid>,
    /// The prompt, 1 to 2,000 characters.
    pub prompt: String,
    /// Seconds to think before recording.
    #[schema(example = 30)]
    pub thinking_secs: u32,
    /// The longest answer, in seconds.
    #[schema(example = 120)]
    pub max_answer_secs: u32,
    /// Extra takes allowed.
    #[serde(default)]
    pub retakes: u8,
}

/// A whole video interview as submitted (create, or replace on edit).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterviewRequest {
    /// Name, 1 to 200 characters.
    #[schema(example = "Backend engineer – first round")]
    pub name: String,
    /// The job it is for.
    pub job_id: Option<Uuid>,
    /// Introduction shown to candidates.
    #[serde(default)]
    pub intro: String,
    /// The language the questions are written in (BCP 47).
    #[schema(example = "en")]
    pub question_language: String,
    /// A free difficulty label.
    pub difficulty: Option<String>,
    /// A free focus-area label.
    pub focus_area: Option<String>,
    /// The questions, in order.
    pub questions: Vec<QuestionRequest>,
    /// On edit: the revision you read; a changed interview is refused with 409 `conflict`.
    pub revision: Option<u64>,
}

/// A question.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionDto {
    /// Id (stable across edits).
    pub id: Uuid,
    /// Prompt.
    pub prompt: String,
    /// Seconds to think.
    pub thinking_secs: u32,
    /// Longest answer in seconds.
    pub max_answer_secs: u32,
    /// Extra takes allowed.
    pub retakes: u8,
}

impl From<&Question> for QuestionDto {
    fn from(q: &Question) -> Self {
        Self {
            id: q.id().as_uuid(),
            prompt: q.prompt().to_string(),
            thinking_secs: q.thinking_secs(),
            max_answer_secs: q.max_answer_secs(),
            retakes: q.retakes(),
        }
    }
}

/// A video interview.
#[derive(Debug, Serialize, ToSchema)]
pub struct InterviewDto {
    /// Id.
    pub id: Uuid,
    /// `draft`, `published` or `archived`.
    pub status: String,
    /// Name.
    pub name: String,
    /// Job.
    pub job_id: Option<Uuid>,
    /// Introduction.
    pub intro: String,
    /// Question language.
    pub question_language: String,
    /// Difficulty label.
    pub difficulty: Option<String>,
    /// Focus-area label.
    pub focus_area: Option<String>,
    /// Questions in order.
    pub questions: Vec<QuestionDto>,
    /// Sum of thinking and answer times, in seconds.
    pub estimated_duration_secs: u64,
    /// Send back on edit.
    pub revision: u64,
    /// Created (RFC 3339, UTC).
    pub created_at: String,
    /// Last changed (RFC 3339, UTC).
    pub updated_at: String,
}

impl From<&VideoInterview> for InterviewDto {
    fn from(i: &VideoInterview) -> Self {
        let d = i.details();
        Self {
            id: i.id().as_uuid(),
            status: i.status().as_str().to_owned(),
            name: d.name.to_string(),
            job_id: d.job_id.map(|j| j.as_uuid()),
            intro: d.intro.to_string(),
            question_language: d.question_language.to_string(),
            difficulty: d.difficulty.as_ref().map(ToString::to_string),
            focus_area: d.focus_area.as_ref().map(ToString::to_string),
            questions: i.questions().iter().map(QuestionDto::from).collect(),
            estimated_duration_secs: i.estimated_duration().as_secs(),
            revision: i.revision(),
            created_at: rfc3339(i.created_at()),
            updated_at: rfc3339(i.updated_at()),
        }
    }
}

/// What a candidate sees of an interview (also the preview).
#[derive(Debug, Serialize, ToSchema)]
pub struct SnapshotDto {
    /// The interview it comes from.
    pub interview_id: Uuid,
    /// Name.
    pub name: String,
    /// Introduction.
    pub intro: String,
    /// Job title, when there is a job.
    pub job_title: Option<String>,
    /// Company name, when there is a job.
    pub company_name: Option<String>,
    /// Question language.
    pub question_language: String,
    /// Questions in order.
    pub questions: Vec<QuestionDto>,
    /// Sum of thinking and answer times, in seconds.
    pub estimated_duration_secs: u64,
}

impl From<&InterviewSnapshot> for SnapshotDto {
    fn from(s: &InterviewSnapshot) -> Self {
        Self {
            interview_id: s.interview_id.as_uuid(),
            name: s.name.to_string(),
            intro: s.intro.to_string(),
            job_title: s.job_title.as_ref().map(ToString::to_string),
            company_name: s.company_name.as_ref().map(ToString::to_string),
            question_language: s.question_language.to_string(),
            questions: s.questions.iter().map(QuestionDto::from).collect(),
            estimated_duration_secs: s.estimated_duration().as_secs(),
        }
    }
}

/// Filter for the interview list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InterviewFilter {
    /// `draft`, `published` or `archived`.
    pub status: Option<String>,
}

// ---------------------------------------------------------------- candidates

/// A new internal candidate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCandidate {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email from their resume.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

/// A candidate.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateDto {
    /// Id.
    pub id: Uuid,
    /// `internal` (in the candidate base) or `external` (created by an invitation).
    pub kind: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Notes.
    pub notes: String,
    /// Created (RFC 3339, UTC).
    pub created_at: String,
}

impl From<&Candidate> for CandidateDto {
    fn from(c: &Candidate) -> Self {
        Self {
            id: c.id.as_uuid(),
            kind: c.kind.as_str().to_owned(),
            first_name: c.first_name.to_string(),
            last_name: c.last_name.to_string(),
            email: c.email.as_ref().map(ToString::to_string),
            phone: c.phone.as_ref().map(|p| p.as_str().to_owned()),
            notes: c.notes.to_string(),
            created_at: rfc3339(c.created_at),
        }
    }
}

/// Type-ahead search.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidateSearch {
    /// The start of a first or last name (case-insensitive).
    pub prefix: String,
    /// At most this many (1 to 50, default 10).
    pub limit: Option<u16>,
}

/// One event on a candidate's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    /// Id.
    pub id: Uuid,
    /// `invited`, `email_delivered`, `resent`, `opened`, `consent_given`, `started`,
    /// `completed`, `expired`, `cancelled`, `deadline_changed`, `email_bounced`,
    /// `email_failed`, `email_changed`, `reminder_queued`, `decision_recorded`,
    /// `live_scheduled`, `live_confirmed`, `live_declined`, `live_all_confirmed`,
    /// `live_rescheduled`, `live_cancelled`, `live_resent`.
    pub kind: String,
    /// The invitation it concerns.
    pub invitation_id: Option<Uuid>,
    /// `recruiter`, `candidate`, `system` or `external_interviewer` (an interviewer from
    /// outside Slate, through their live-interview link).
    pub actor: String,
    /// The recruiter, when one acted.
    pub recruiter_id: Option<Uuid>,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Details of the event (addresses, dates, reasons), by kind.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl From<&TimelineEvent> for EventDto {
    fn from(e: &TimelineEvent) -> Self {
        let (actor, recruiter_id) = match e.actor {
            Actor::Recruiter(r) => ("recruiter", Some(r.as_uuid())),
            Actor::Candidate => ("candidate", None),
            Actor::System => ("system", None),
            Actor::ExternalInterviewer(_) => ("external_interviewer", None),
        };
        let details = match &e.kind {
            EventKind::Invited { email, interview_name, deadline } => serde_json::json!({
                "email": email.as_str(), "interview_name": interview_name, "deadline": deadline.to_string(),
            }),
            EventKind::DeadlineChanged { from, to, reopened } => serde_json::json!({
                "from": from.to_string(), "to": to.to_string(), "reopened": reopened,
            }),
            EventKind::EmailBounced { reason } | EventKind::EmailFailed { reason } => {
                serde_json::json!({ "reason": reason })
            }
            EventKind::EmailChanged { from, to } => serde_json::json!({ "from": from.as_str(), "to": to.as_str() }),
            EventKind::ReminderQueued(kind) => serde_json::json!({ "reminder": kind.as_str() }),
            EventKind::DecisionRecorded(d) => serde_json::json!({ "decision": d.as_str() }),
            EventKind::LiveScheduled { live_interview_id, title, starts_at } => serde_json::json!({
                "live_interview_id": live_interview_id.as_uuid(), "title": title, "starts_at": rfc3339(*starts_at),
            }),
            EventKind::LiveConfirmed { live_interview_id, attendee } => serde_json::json!({
                "live_interview_id": live_interview_id.as_uuid(), "attendee": attendee,
            }),
            EventKind::LiveDeclined { live_interview_id, attendee, message } => serde_json::json!({
                "live_interview_id": live_interview_id.as_uuid(), "attendee": attendee, "message": message,
            }),
            EventKind::LiveRescheduled { live_interview_id, from, to } => serde_json::json!({
                "live_interview_id": live_interview_id.as_uuid(), "from": rfc3339(*from), "to": rfc3339(*to),
            }),
            EventKind::LiveAllConfirmed { live_interview_id }
            | EventKind::LiveCancelled { live_interview_id }
            | EventKind::LiveResent { live_interview_id } => {
                serde_json::json!({ "live_interview_id": live_interview_id.as_uuid() })
            }
            _ => serde_json::json!({}),
        };
        Self {
            id: e.id.as_uuid(),
            kind: e.kind.name().to_owned(),
            invitation_id: e.invitation_id.map(|i| i.as_uuid()),
            actor: actor.to_owned(),
            recruiter_id,
            at: rfc3339(e.at),
            details,
        }
    }
}

// ---------------------------------------------------------------- invitations

/// A new invitation: give `candidate_id` for a candidate of the candidate base, or
/// `first_name`, `last_name` and `email` for someone new (an external candidate).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitation {
    /// An internal candidate.
    pub candidate_id: Option<Uuid>,
    /// An external candidate's first name.
    pub first_name: Option<String>,
    /// An external candidate's last name.
    pub last_name: Option<String>,
    /// Where to send it; for an internal candidate, defaults to their email.
    #[schema(example = "ada@example.com")]
    pub email: Option<String>,
    /// The published video interview.
    pub interview_id: Uuid,
    /// Language of the candidate's pages (`en`, `de`, `fr`, `es`, `it`, `nl`, `pt`, `el`,
    /// `pl`); defaults to the organization's.
    pub language: Option<String>,
    /// The last day to answer (inclusive, in the organization's time zone), `YYYY-MM-DD`.
    #[schema(example = "2026-12-15")]
    pub deadline: String,
    /// Send a copy of the email to the inviting recruiter.
    #[serde(default)]
    pub bcc_me: bool,
    /// Tell the inviting recruiter when the candidate completes.
    #[serde(default)]
    pub notify_me: bool,
}

/// The candidate an invitation is for.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationCandidate {
    /// Id.
    pub id: Uuid,
    /// First name (at the time of inviting).
    pub first_name: String,
    /// Last name (at the time of inviting).
    pub last_name: String,
}

/// The interview an invitation is for (as it was when sent).
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationInterview {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Job title, when it has a job.
    pub job_title: Option<String>,
    /// Number of questions.
    pub questions: usize,
}

/// An invitation.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationDto {
    /// Id.
    pub id: Uuid,
    /// `queued`, `sent`, `opened`, `started`, `completed`, `expired`, `cancelled` or `bounced`.
    pub status: String,
    /// Where the email goes.
    pub email: String,
    /// Language of the candidate's pages.
    pub language: String,
    /// The last day to answer (inclusive), `YYYY-MM-DD`.
    pub deadline: String,
    /// The exact instant the deadline closes (RFC 3339, UTC): the start of the next day in
    /// the organization's time zone.
    pub closes_at: String,
    /// Copy to the recruiter.
    pub bcc_me: bool,
    /// Notify the recruiter on completion.
    pub notify_me: bool,
    /// The candidate.
    pub candidate: InvitationCandidate,
    /// The interview.
    pub interview: InvitationInterview,
    /// Questions answered so far.
    pub answered: usize,
    /// Created (RFC 3339, UTC).
    pub created_at: String,
    /// Last changed (RFC 3339, UTC).
    pub updated_at: String,
    /// Opened (RFC 3339, UTC).
    pub opened_at: Option<String>,
    /// Completed (RFC 3339, UTC).
    pub completed_at: Option<String>,
    /// The candidate's secret link; recruiters may copy it to send by another channel.
    pub link: String,
}

impl InvitationDto {
    pub(crate) fn new(i: &Invitation, link: String) -> Self {
        let p = i.parts();
        Self {
            id: i.id().as_uuid(),
            status: i.status().as_str().to_owned(),
            email: i.email().to_string(),
            language: i.language().code().to_owned(),
            deadline: i.deadline().date().to_string(),
            closes_at: rfc3339(i.deadline().closes_at()),
            bcc_me: i.bcc_me(),
            notify_me: i.notify_me(),
            candidate: InvitationCandidate {
                id: p.candidate_id.as_uuid(),
                first_name: p.candidate_first_name.to_string(),
                last_name: p.candidate_last_name.to_string(),
            },
            interview: InvitationInterview {
                id: p.interview.interview_id.as_uuid(),
                name: p.interview.name.to_string(),
                job_title: p.interview.job_title.as_ref().map(ToString::to_string),
                questions: p.interview.questions.len(),
            },
            answered: i.answered_count(),
            created_at: rfc3339(p.created_at),
            updated_at: rfc3339(p.updated_at),
            opened_at: p.opened_at.map(rfc3339),
            completed_at: p.completed_at.map(rfc3339),
            link,
        }
    }
}

/// A page of invitations.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationPage {
    /// The invitations, in the requested order.
    pub items: Vec<InvitationDto>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Filters, search, sort and page of the invitation list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationListParams {
    /// Comma-separated statuses, e.g. `sent,opened`.
    pub status: Option<String>,
    /// Only this interview.
    pub interview_id: Option<String>,
    /// Only interviews for this job.
    pub job_id: Option<String>,
    /// Deadline on or after (`YYYY-MM-DD`).
    pub deadline_from: Option<String>,
    /// Deadline on or before (`YYYY-MM-DD`).
    pub deadline_to: Option<String>,
    /// Text anywhere in the candidate's first name, last name or email, ignoring case and accents.
    pub q: Option<String>,
    /// `created_at` (default), `deadline` or `candidate_name`.
    pub sort: Option<String>,
    /// `desc` (default) or `asc`.
    pub order: Option<String>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<u64>,
}

/// A new deadline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeDeadline {
    /// The new last day (inclusive), `YYYY-MM-DD`; reopens an expired invitation.
    #[schema(example = "2026-12-31")]
    pub deadline: String,
}

/// A corrected address.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeEmail {
    /// The corrected address; the invitation is sent to it again.
    pub email: String,
}

/// An outgoing message.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageDto {
    /// Id.
    pub id: Uuid,
    /// `invitation`, `bcc_copy`, `resend`, `reminder_not_started`,
    /// `reminder_deadline_approaching`, `completion_notice`, `deadline_changed`, `cancelled`.
    pub kind: String,
    /// Recipient.
    pub to: String,
    /// Language.
    pub language: String,
    /// `pending`, `claimed`, `delivered`, `skipped` (no longer relevant when its turn came:
    /// the invitation was cancelled, completed or expired) or `failed` (refused, or given up
    /// after every retry).
    pub state: String,
    /// Attempts so far.
    pub attempts: u32,
    /// Queued (RFC 3339, UTC).
    pub created_at: String,
    /// Delivered or failed (RFC 3339, UTC).
    pub done_at: Option<String>,
    /// Why it failed or was skipped.
    pub failure: Option<String>,
}

impl From<&OutboxMessage> for MessageDto {
    fn from(m: &OutboxMessage) -> Self {
        let (state, attempts, done_at, failure) = match &m.state {
            DeliveryState::Pending { attempts, .. } => ("pending", *attempts, None, None),
            DeliveryState::Claimed { attempts, .. } => ("claimed", *attempts, None, None),
            DeliveryState::Delivered { at } => ("delivered", 0, Some(rfc3339(*at)), None),
            DeliveryState::Skipped { at, reason } => ("skipped", 0, Some(rfc3339(*at)), Some(reason.clone())),
            DeliveryState::Failed { at, reason } => ("failed", 0, Some(rfc3339(*at)), Some(reason.clone())),
        };
        Self {
            id: m.id.as_uuid(),
            kind: m.kind.as_str().to_owned(),
            to: m.to.to_string(),
            language: m.language.code().to_owned(),
            state: state.to_owned(),
            attempts,
            created_at: rfc3339(m.created_at),
            done_at,
            failure,
        }
    }
}

// ---------------------------------------------------------------- the candidate's link

/// What the candidate's link opens.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateViewDto {
    /// The invitation's status.
    pub status: String,
    /// The candidate's first name, for the greeting.
    pub first_name: String,
    /// The language of the pages.
    pub language: String,
    /// The last day (inclusive).
    pub deadline: String,
    /// The exact closing instant (RFC 3339, UTC).
    pub closes_at: String,
    /// The interview as it was sent.
    pub interview: SnapshotDto,
    /// Questions answered so far.
    pub answered: usize,
}

impl From<&Invitation> for CandidateViewDto {
    fn from(i: &Invitation) -> Self {
        Self {
            status: i.status().as_str().to_owned(),
            first_name: i.parts().candidate_first_name.to_string(),
            language: i.language().code().to_owned(),
            deadline: i.deadline().date().to_string(),
            closes_at: rfc3339(i.deadline().closes_at()),
            interview: SnapshotDto::from(i.interview()),
            answered: i.answered_count(),
        }
    }
}

/// A date written exactly `YYYY-MM-DD`, or a 422 naming `field`. chrono alone would also
/// read `2026-1-5` or `+2026-01-05`, quietly turning a typo into another date.
pub(crate) fn date(raw: &str, field: &str) -> Result<NaiveDate, crate::ApiError> {
    let shaped = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    shaped
        .then(|| NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| crate::ApiError::invalid(field, format!("{raw:?} is not a date written YYYY-MM-DD")))
}

/// One recorded take.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerDto {
    /// Its id.
    pub id: Uuid,
    /// The question answered.
    pub question_id: Uuid,
    /// 1 for the first take, 2 for the first retake …
    pub take: u8,
    /// Whether this is the take that counts (the latest of its question).
    pub current: bool,
    /// Its length in milliseconds, as the recorder measured it.
    pub duration_ms: u32,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// `video/webm` or `video/mp4`.
    pub content_type: String,
    /// When it was recorded (RFC 3339, UTC).
    pub recorded_at: String,
    /// Where to play it (same authentication; supports HTTP range requests).
    pub video_url: String,
}

impl AnswerDto {
    /// The DTO of `answer`; `current` says whether it is the latest take of its question.
    #[must_use]
    pub fn new(answer: &slate_domain::Answer, current: bool) -> Self {
        Self {
            id: answer.id.as_uuid(),
            question_id: answer.question_id.as_uuid(),
            take: answer.take,
            current,
            duration_ms: answer.duration_ms,
            size_bytes: answer.size_bytes,
            content_type: answer.format.mime().to_owned(),
            recorded_at: rfc3339(answer.recorded_at),
            video_url: format!("/api/v1/invitations/{}/answers/{}/video", answer.invitation_id, answer.id),
        }
    }
}
