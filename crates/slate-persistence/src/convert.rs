//! Explicit conversions between rows and domain types. Reading a row that breaks a domain
//! rule fails with an error naming the table and column; nothing is invented.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use slate_domain::ports::AdapterError;
use slate_domain::*;
use uuid::Uuid;

use crate::entities::{
    answer, api_key, candidate, interview, invitation, job, live_attendee, live_interview, mailbox, message_template,
    organization, outbox, recruiter, review_note, session, timeline_event,
};

/// A row that does not make a valid domain value.
pub(crate) fn bad(table: &str, column: &str, detail: impl std::fmt::Display) -> AdapterError {
    AdapterError::new(format!("invalid stored value in {table}.{column}: {detail}"))
}

pub(crate) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn instant(table: &str, column: &str, v: i64) -> Result<DateTime<Utc>, AdapterError> {
    DateTime::from_timestamp_micros(v).ok_or_else(|| bad(table, column, v))
}

fn opt_instant(table: &str, column: &str, v: Option<i64>) -> Result<Option<DateTime<Utc>>, AdapterError> {
    v.map(|v| instant(table, column, v)).transpose()
}

macro_rules! parse {
    ($table:literal, $column:literal, $expr:expr) => {
        $expr.map_err(|e| bad($table, $column, e))?
    };
}

fn count<T: TryFrom<i64>>(table: &str, column: &str, v: i64) -> Result<T, AdapterError> {
    T::try_from(v).map_err(|_| bad(table, column, v))
}

fn opt<T, E: std::fmt::Display>(
    table: &str,
    column: &str,
    v: Option<&str>,
    f: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, AdapterError> {
    v.map(|v| f(v).map_err(|e| bad(table, column, e))).transpose()
}

// ---------------------------------------------------------------- organizations, recruiters, jobs

pub(crate) fn organization_row(o: &Organization) -> organization::Model {
    organization::Model {
        id: o.id.as_uuid(),
        name: o.name.to_string(),
        time_zone: o.time_zone.name().to_owned(),
        default_language: o.default_language.code().to_owned(),
        remind_not_started_days: o.reminders.not_started_after_days().map(i32::from),
        remind_days_before_deadline: o.reminders.days_before_deadline().map(i32::from),
    }
}

pub(crate) fn organization(r: organization::Model) -> Result<Organization, AdapterError> {
    let days =
        |v: Option<i32>| v.map(|d| u16::try_from(d).map_err(|_| bad("organizations", "remind_*", d))).transpose();
    Ok(Organization {
        id: OrganizationId::from_uuid(r.id),
        name: parse!("organizations", "name", DisplayName::parse(&r.name)),
        time_zone: parse!("organizations", "time_zone", TimeZone::parse(&r.time_zone)),
        default_language: parse!("organizations", "default_language", r.default_language.parse::<Language>()),
        reminders: parse!(
            "organizations",
            "remind_*",
            ReminderPolicy::new(days(r.remind_not_started_days)?, days(r.remind_days_before_deadline)?)
        ),
    })
}

pub(crate) fn recruiter_row(r: &Recruiter) -> recruiter::Model {
    recruiter::Model {
        id: r.id.as_uuid(),
        organization_id: r.organization_id.as_uuid(),
        name: r.name.to_string(),
        email: r.email.to_string(),
        email_key: r.email.match_key(),
    }
}

pub(crate) fn recruiter(r: recruiter::Model) -> Result<Recruiter, AdapterError> {
    Ok(Recruiter {
        id: RecruiterId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        name: parse!("recruiters", "name", PersonName::parse(&r.name)),
        email: parse!("recruiters", "email", EmailAddress::parse(&r.email)),
    })
}

pub(crate) fn job_row(j: &Job) -> job::Model {
    job::Model {
        id: j.id.as_uuid(),
        organization_id: j.organization_id.as_uuid(),
        title: j.title.to_string(),
        company_name: j.company_name.to_string(),
    }
}

pub(crate) fn job(r: job::Model) -> Result<Job, AdapterError> {
    Ok(Job {
        id: JobId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        title: parse!("jobs", "title", JobText::parse(&r.title)),
        company_name: parse!("jobs", "company_name", JobText::parse(&r.company_name)),
    })
}

// ---------------------------------------------------------------- candidates

pub(crate) fn candidate_row(c: &Candidate) -> candidate::Model {
    candidate::Model {
        id: c.id.as_uuid(),
        organization_id: c.organization_id.as_uuid(),
        kind: c.kind.as_str().to_owned(),
        first_name: c.first_name.to_string(),
        last_name: c.last_name.to_string(),
        first_name_key: c.first_name.as_str().to_lowercase(),
        last_name_key: c.last_name.as_str().to_lowercase(),
        email: c.email.as_ref().map(ToString::to_string),
        phone: c.phone.as_ref().map(ToString::to_string),
        notes: c.notes.to_string(),
        created_at: micros(c.created_at),
    }
}

pub(crate) fn candidate(r: candidate::Model) -> Result<Candidate, AdapterError> {
    Ok(Candidate {
        id: CandidateId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        kind: CandidateKind::from_name(&r.kind).ok_or_else(|| bad("candidates", "kind", &r.kind))?,
        first_name: parse!("candidates", "first_name", PersonName::parse(&r.first_name)),
        last_name: parse!("candidates", "last_name", PersonName::parse(&r.last_name)),
        email: opt("candidates", "email", r.email.as_deref(), EmailAddress::parse)?,
        phone: opt("candidates", "phone", r.phone.as_deref(), PhoneNumber::parse)?,
        notes: parse!("candidates", "notes", LongText::parse(&r.notes)),
        created_at: instant("candidates", "created_at", r.created_at)?,
    })
}

// ---------------------------------------------------------------- interviews and snapshots

#[derive(Serialize, Deserialize)]
struct QuestionJson {
    id: Uuid,
    prompt: String,
    thinking_secs: u32,
    max_answer_secs: u32,
    retakes: u8,
}

fn questions_json(questions: &[Question]) -> Vec<QuestionJson> {
    questions
        .iter()
        .map(|q| QuestionJson {
            id: q.id().as_uuid(),
            prompt: q.prompt().to_string(),
            thinking_secs: q.thinking_secs(),
            max_answer_secs: q.max_answer_secs(),
            retakes: q.retakes(),
        })
        .collect()
}

fn questions(table: &str, json: Vec<QuestionJson>) -> Result<Vec<Question>, AdapterError> {
    json.into_iter()
        .map(|q| {
            let prompt = Prompt::parse(&q.prompt).map_err(|e| bad(table, "questions", e))?;
            Question::new(QuestionId::from_uuid(q.id), prompt, q.thinking_secs, q.max_answer_secs, q.retakes)
                .map_err(|e| bad(table, "questions", e))
        })
        .collect()
}

fn to_json<T: Serialize>(v: &T) -> String {
    // Serializing plain structs of strings and numbers cannot fail.
    serde_json::to_string(v).unwrap_or_default()
}

pub(crate) fn interview_row(i: &VideoInterview, revision: u64) -> Result<interview::Model, AdapterError> {
    let d = i.details();
    Ok(interview::Model {
        id: i.id().as_uuid(),
        organization_id: i.organization_id().as_uuid(),
        name: d.name.to_string(),
        job_id: d.job_id.map(|j| j.as_uuid()),
        intro: d.intro.to_string(),
        question_language: d.question_language.to_string(),
        difficulty: d.difficulty.as_ref().map(ToString::to_string),
        focus_area: d.focus_area.as_ref().map(ToString::to_string),
        questions: to_json(&questions_json(i.questions())),
        status: i.status().as_str().to_owned(),
        revision: count("interviews", "revision", i64::try_from(revision).unwrap_or(i64::MAX))?,
        created_at: micros(i.created_at()),
        updated_at: micros(i.updated_at()),
    })
}

pub(crate) fn interview(r: interview::Model) -> Result<VideoInterview, AdapterError> {
    let json: Vec<QuestionJson> = parse!("interviews", "questions", serde_json::from_str(&r.questions));
    let parts = VideoInterviewParts {
        id: InterviewId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        details: InterviewDetails {
            name: parse!("interviews", "name", DisplayName::parse(&r.name)),
            job_id: r.job_id.map(JobId::from_uuid),
            intro: parse!("interviews", "intro", LongText::parse(&r.intro)),
            question_language: parse!("interviews", "question_language", LanguageTag::parse(&r.question_language)),
            difficulty: opt("interviews", "difficulty", r.difficulty.as_deref(), Label::parse)?,
            focus_area: opt("interviews", "focus_area", r.focus_area.as_deref(), Label::parse)?,
        },
        questions: questions("interviews", json)?,
        status: InterviewStatus::from_name(&r.status).ok_or_else(|| bad("interviews", "status", &r.status))?,
        revision: count("interviews", "revision", r.revision)?,
        created_at: instant("interviews", "created_at", r.created_at)?,
        updated_at: instant("interviews", "updated_at", r.updated_at)?,
    };
    VideoInterview::from_parts(parts).map_err(|e| bad("interviews", "*", e))
}

#[derive(Serialize, Deserialize)]
struct SnapshotJson {
    interview_id: Uuid,
    revision: u64,
    job_id: Option<Uuid>,
    name: String,
    intro: String,
    question_language: String,
    job_title: Option<String>,
    company_name: Option<String>,
    questions: Vec<QuestionJson>,
}

/// The snapshot's JSON body and its SHA-256 (hex): snapshots are stored once per content.
pub(crate) fn snapshot_body(s: &InterviewSnapshot) -> (String, String) {
    let body = to_json(&SnapshotJson {
        interview_id: s.interview_id.as_uuid(),
        revision: s.revision,
        job_id: s.job_id.map(|j| j.as_uuid()),
        name: s.name.to_string(),
        intro: s.intro.to_string(),
        question_language: s.question_language.to_string(),
        job_title: s.job_title.as_ref().map(ToString::to_string),
        company_name: s.company_name.as_ref().map(ToString::to_string),
        questions: questions_json(&s.questions),
    });
    (hex::encode(Sha256::digest(body.as_bytes())), body)
}

pub(crate) fn snapshot(body: &str) -> Result<InterviewSnapshot, AdapterError> {
    let s: SnapshotJson = parse!("interview_snapshots", "body", serde_json::from_str(body));
    Ok(InterviewSnapshot {
        interview_id: InterviewId::from_uuid(s.interview_id),
        revision: s.revision,
        job_id: s.job_id.map(JobId::from_uuid),
        name: parse!("interview_snapshots", "name", DisplayName::parse(&s.name)),
        intro: parse!("interview_snapshots", "intro", LongText::parse(&s.intro)),
        question_language: parse!("interview_snapshots", "question_language", LanguageTag::parse(&s.question_language)),
        job_title: opt("interview_snapshots", "job_title", s.job_title.as_deref(), JobText::parse)?,
        company_name: opt("interview_snapshots", "company_name", s.company_name.as_deref(), JobText::parse)?,
        questions: questions("interview_snapshots", s.questions)?,
    })
}

// ---------------------------------------------------------------- invitations

/// The lower-cased text the list's search looks in: first name, last name, email, joined
/// by a separator that search text can never contain.
pub(crate) fn invitation_row(i: &Invitation, revision: u64, snapshot_hash: String) -> invitation::Model {
    let p = i.parts();
    invitation::Model {
        id: p.id.as_uuid(),
        organization_id: p.organization_id.as_uuid(),
        candidate_id: p.candidate_id.as_uuid(),
        first_name: p.candidate_first_name.to_string(),
        last_name: p.candidate_last_name.to_string(),
        sort_name: i.sort_name(),
        search_text: i.search_text(),
        invited_by: p.invited_by.as_uuid(),
        interview_id: p.interview.interview_id.as_uuid(),
        job_id: p.interview.job_id.map(|j| j.as_uuid()),
        snapshot_hash,
        email: p.email.to_string(),
        email_key: p.email.match_key(),
        language: p.language.code().to_owned(),
        deadline_date: p.deadline.date().to_string(),
        deadline_zone: p.deadline.zone().name().to_owned(),
        closes_at: micros(p.deadline.closes_at()),
        bcc_me: p.bcc_me,
        notify_me: p.notify_me,
        status: p.status.as_str().to_owned(),
        expired_from: p.expired_from.map(|s| s.as_str().to_owned()),
        link_version: i32::try_from(p.link_version.get()).unwrap_or(i32::MAX),
        emails_queued: i32::try_from(p.emails_queued).unwrap_or(i32::MAX),
        reminded_not_started: p.reminders_sent.not_started,
        reminded_deadline: p.reminders_sent.deadline,
        next_reminder_at: p.next_reminder_at.map(micros),
        takes: to_json(&p.takes),
        created_at: micros(p.created_at),
        updated_at: micros(p.updated_at),
        opened_at: p.opened_at.map(micros),
        started_at: p.started_at.map(micros),
        completed_at: p.completed_at.map(micros),
        revision: i64::try_from(revision).unwrap_or(i64::MAX),
    }
}

fn status(column: &str, v: &str) -> Result<InvitationStatus, AdapterError> {
    InvitationStatus::from_name(v).ok_or_else(|| bad("invitations", column, v))
}

pub(crate) fn invitation(r: invitation::Model, snapshot: InterviewSnapshot) -> Result<Invitation, AdapterError> {
    const T: &str = "invitations";
    let date: NaiveDate = parse!("invitations", "deadline_date", r.deadline_date.parse::<NaiveDate>());
    let zone = parse!("invitations", "deadline_zone", TimeZone::parse(&r.deadline_zone));
    let parts = InvitationParts {
        id: InvitationId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        candidate_id: CandidateId::from_uuid(r.candidate_id),
        candidate_first_name: parse!("invitations", "first_name", PersonName::parse(&r.first_name)),
        candidate_last_name: parse!("invitations", "last_name", PersonName::parse(&r.last_name)),
        invited_by: RecruiterId::from_uuid(r.invited_by),
        interview: snapshot,
        email: parse!("invitations", "email", EmailAddress::parse(&r.email)),
        language: parse!("invitations", "language", r.language.parse::<Language>()),
        deadline: Deadline::restore(date, zone),
        bcc_me: r.bcc_me,
        notify_me: r.notify_me,
        status: status("status", &r.status)?,
        expired_from: r.expired_from.as_deref().map(|s| status("expired_from", s)).transpose()?,
        link_version: LinkVersion::new(count(T, "link_version", i64::from(r.link_version))?),
        emails_queued: count(T, "emails_queued", i64::from(r.emails_queued))?,
        reminders_sent: RemindersSent { not_started: r.reminded_not_started, deadline: r.reminded_deadline },
        next_reminder_at: opt_instant(T, "next_reminder_at", r.next_reminder_at)?,
        takes: parse!("invitations", "takes", serde_json::from_str(&r.takes)),
        created_at: instant(T, "created_at", r.created_at)?,
        updated_at: instant(T, "updated_at", r.updated_at)?,
        opened_at: opt_instant(T, "opened_at", r.opened_at)?,
        started_at: opt_instant(T, "started_at", r.started_at)?,
        completed_at: opt_instant(T, "completed_at", r.completed_at)?,
        revision: count(T, "revision", r.revision)?,
    };
    Invitation::from_parts(parts).map_err(|e| bad(T, "*", e))
}

// ---------------------------------------------------------------- timeline

fn actor_row(a: Actor) -> (&'static str, Option<Uuid>) {
    match a {
        Actor::Recruiter(id) => ("recruiter", Some(id.as_uuid())),
        Actor::Candidate => ("candidate", None),
        Actor::System => ("system", None),
        Actor::ExternalInterviewer(a) => ("external_interviewer", Some(a.as_uuid())),
    }
}

#[derive(Serialize, Deserialize, Default)]
struct EventJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interview_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reopened: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reminder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    live_interview: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attendee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    starts_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    moved_from: Option<DateTime<Utc>>,
}

pub(crate) fn event_row(e: &TimelineEvent) -> timeline_event::Model {
    let mut data = EventJson::default();
    match &e.kind {
        EventKind::Invited { email, interview_name, deadline } => {
            data.email = Some(email.to_string());
            data.interview_name = Some(interview_name.clone());
            data.deadline = Some(*deadline);
        }
        EventKind::DeadlineChanged { from, to, reopened } => {
            data.from = Some(from.to_string());
            data.to = Some(to.to_string());
            data.reopened = Some(*reopened);
        }
        EventKind::EmailBounced { reason } | EventKind::EmailFailed { reason } => data.reason = Some(reason.clone()),
        EventKind::EmailChanged { from, to } => {
            data.from = Some(from.to_string());
            data.to = Some(to.to_string());
        }
        EventKind::ReminderQueued(kind) => data.reminder = Some(kind.as_str().to_owned()),
        EventKind::DecisionRecorded(d) => data.decision = Some(d.as_str().to_owned()),
        EventKind::LiveScheduled { live_interview_id, title, starts_at } => {
            data.live_interview = Some(live_interview_id.as_uuid());
            data.title = Some(title.clone());
            data.starts_at = Some(*starts_at);
        }
        EventKind::LiveConfirmed { live_interview_id, attendee } => {
            data.live_interview = Some(live_interview_id.as_uuid());
            data.attendee = Some(attendee.clone());
        }
        EventKind::LiveDeclined { live_interview_id, attendee, message } => {
            data.live_interview = Some(live_interview_id.as_uuid());
            data.attendee = Some(attendee.clone());
            data.message.clone_from(message);
        }
        EventKind::LiveRescheduled { live_interview_id, from, to } => {
            data.live_interview = Some(live_interview_id.as_uuid());
            data.moved_from = Some(*from);
            data.starts_at = Some(*to);
        }
        EventKind::LiveAllConfirmed { live_interview_id }
        | EventKind::LiveCancelled { live_interview_id }
        | EventKind::LiveResent { live_interview_id } => data.live_interview = Some(live_interview_id.as_uuid()),
        _ => {}
    }
    let (actor_kind, actor_id) = actor_row(e.actor);
    timeline_event::Model {
        seq: 0,
        id: e.id.as_uuid(),
        organization_id: e.organization_id.as_uuid(),
        candidate_id: e.candidate_id.as_uuid(),
        invitation_id: e.invitation_id.map(|i| i.as_uuid()),
        kind: e.kind.name().to_owned(),
        data: to_json(&data),
        actor_kind: actor_kind.to_owned(),
        actor_id,
        at: micros(e.at),
    }
}

pub(crate) fn event(r: timeline_event::Model) -> Result<TimelineEvent, AdapterError> {
    const T: &str = "timeline_events";
    let d: EventJson = parse!("timeline_events", "data", serde_json::from_str(&r.data));
    let missing = |field: &str| bad(T, "data", format!("{} without {field}", r.kind));
    let email = |v: Option<String>, field: &str| -> Result<EmailAddress, AdapterError> {
        EmailAddress::parse(&v.ok_or_else(|| missing(field))?).map_err(|e| bad(T, "data", e))
    };
    let date = |v: Option<String>, field: &str| -> Result<NaiveDate, AdapterError> {
        v.ok_or_else(|| missing(field))?.parse().map_err(|e| bad(T, "data", e))
    };
    let live_id = |v: Option<Uuid>| v.map(LiveInterviewId::from_uuid).ok_or_else(|| missing("live_interview"));
    let kind = match r.kind.as_str() {
        "invited" => EventKind::Invited {
            email: email(d.email, "email")?,
            interview_name: d.interview_name.ok_or_else(|| missing("interview_name"))?,
            deadline: d.deadline.ok_or_else(|| missing("deadline"))?,
        },
        "email_delivered" => EventKind::EmailDelivered,
        "resent" => EventKind::Resent,
        "opened" => EventKind::Opened,
        "consent_given" => EventKind::ConsentGiven,
        "started" => EventKind::Started,
        "completed" => EventKind::Completed,
        "expired" => EventKind::Expired,
        "cancelled" => EventKind::Cancelled,
        "deadline_changed" => EventKind::DeadlineChanged {
            from: date(d.from, "from")?,
            to: date(d.to, "to")?,
            reopened: d.reopened.ok_or_else(|| missing("reopened"))?,
        },
        "email_bounced" => EventKind::EmailBounced { reason: d.reason.ok_or_else(|| missing("reason"))? },
        "email_failed" => EventKind::EmailFailed { reason: d.reason.ok_or_else(|| missing("reason"))? },
        "email_changed" => EventKind::EmailChanged { from: email(d.from, "from")?, to: email(d.to, "to")? },
        "reminder_queued" => EventKind::ReminderQueued(
            d.reminder.as_deref().and_then(ReminderKind::from_name).ok_or_else(|| missing("reminder"))?,
        ),
        "decision_recorded" => EventKind::DecisionRecorded(
            d.decision.as_deref().and_then(|d| Decision::parse(d).ok()).ok_or_else(|| missing("decision"))?,
        ),
        "live_scheduled" => EventKind::LiveScheduled {
            live_interview_id: live_id(d.live_interview)?,
            title: d.title.ok_or_else(|| missing("title"))?,
            starts_at: d.starts_at.ok_or_else(|| missing("starts_at"))?,
        },
        "live_confirmed" => EventKind::LiveConfirmed {
            live_interview_id: live_id(d.live_interview)?,
            attendee: d.attendee.ok_or_else(|| missing("attendee"))?,
        },
        "live_declined" => EventKind::LiveDeclined {
            live_interview_id: live_id(d.live_interview)?,
            attendee: d.attendee.ok_or_else(|| missing("attendee"))?,
            message: d.message,
        },
        "live_all_confirmed" => EventKind::LiveAllConfirmed { live_interview_id: live_id(d.live_interview)? },
        "live_rescheduled" => EventKind::LiveRescheduled {
            live_interview_id: live_id(d.live_interview)?,
            from: d.moved_from.ok_or_else(|| missing("moved_from"))?,
            to: d.starts_at.ok_or_else(|| missing("starts_at"))?,
        },
        "live_cancelled" => EventKind::LiveCancelled { live_interview_id: live_id(d.live_interview)? },
        "live_resent" => EventKind::LiveResent { live_interview_id: live_id(d.live_interview)? },
        other => return Err(bad(T, "kind", other)),
    };
    let actor = match (r.actor_kind.as_str(), r.actor_id) {
        ("external_interviewer", Some(id)) => Actor::ExternalInterviewer(AttendeeId::from_uuid(id)),
        ("recruiter", Some(id)) => Actor::Recruiter(RecruiterId::from_uuid(id)),
        ("candidate", None) => Actor::Candidate,
        ("system", None) => Actor::System,
        (other, _) => return Err(bad(T, "actor_kind", other)),
    };
    Ok(TimelineEvent {
        id: EventId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        candidate_id: CandidateId::from_uuid(r.candidate_id),
        invitation_id: r.invitation_id.map(InvitationId::from_uuid),
        kind,
        actor,
        at: instant(T, "at", r.at)?,
    })
}

// ---------------------------------------------------------------- answers and outbox

pub(crate) fn answer_row(a: &Answer) -> answer::Model {
    answer::Model {
        id: a.id.as_uuid(),
        organization_id: a.organization_id.as_uuid(),
        invitation_id: a.invitation_id.as_uuid(),
        question_id: a.question_id.as_uuid(),
        take: i32::from(a.take),
        media_key: a.media.to_string(),
        duration_ms: i64::from(a.duration_ms),
        size_bytes: i64::try_from(a.size_bytes).unwrap_or(i64::MAX),
        format: a.format.mime().to_owned(),
        recorded_at: micros(a.recorded_at),
    }
}

pub(crate) fn answer(r: answer::Model) -> Result<Answer, AdapterError> {
    const T: &str = "answers";
    Ok(Answer {
        id: AnswerId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        invitation_id: InvitationId::from_uuid(r.invitation_id),
        question_id: QuestionId::from_uuid(r.question_id),
        take: count(T, "take", i64::from(r.take))?,
        media: parse!("answers", "media_key", MediaKey::parse(&r.media_key)),
        duration_ms: count(T, "duration_ms", r.duration_ms)?,
        size_bytes: count(T, "size_bytes", r.size_bytes)?,
        format: parse!("answers", "format", VideoFormat::from_mime(&r.format)),
        recorded_at: instant(T, "recorded_at", r.recorded_at)?,
    })
}

/// A message's subject as its three columns.
fn subject_columns(about: MessageSubject) -> (Option<Uuid>, Option<Uuid>, Option<Uuid>) {
    match about {
        MessageSubject::Invitation(i) => (Some(i.as_uuid()), None, None),
        MessageSubject::Attendee { live_interview_id, attendee_id } => {
            (None, Some(live_interview_id.as_uuid()), Some(attendee_id.as_uuid()))
        }
    }
}

fn subject_of(
    table: &str,
    invitation: Option<Uuid>,
    live: Option<Uuid>,
    attendee: Option<Uuid>,
) -> Result<MessageSubject, AdapterError> {
    match (invitation, live, attendee) {
        (Some(i), None, None) => Ok(MessageSubject::Invitation(InvitationId::from_uuid(i))),
        (None, Some(l), Some(a)) => Ok(MessageSubject::Attendee {
            live_interview_id: LiveInterviewId::from_uuid(l),
            attendee_id: AttendeeId::from_uuid(a),
        }),
        _ => Err(bad(table, "invitation_id", "a message is about an invitation or an attendee, exactly one")),
    }
}

pub(crate) fn message_row(m: &OutboxMessage) -> outbox::Model {
    let (state, not_before, claim_until, attempts, done_at, failure) = match &m.state {
        DeliveryState::Pending { not_before, attempts } => {
            ("pending", Some(micros(*not_before)), None, *attempts, None, None)
        }
        DeliveryState::Claimed { until, attempts, .. } => {
            ("claimed", None, Some(micros(*until)), *attempts, None, None)
        }
        DeliveryState::Delivered { at } => ("delivered", None, None, 0, Some(micros(*at)), None),
        DeliveryState::Skipped { at, reason } => ("skipped", None, None, 0, Some(micros(*at)), Some(reason.clone())),
        DeliveryState::Failed { at, reason } => ("failed", None, None, 0, Some(micros(*at)), Some(reason.clone())),
    };
    let claim_token = m.claim_token().map(|t| t.as_uuid());
    let (invitation_id, live_interview_id, attendee_id) = subject_columns(m.about);
    outbox::Model {
        id: m.id.as_uuid(),
        organization_id: m.organization_id.as_uuid(),
        invitation_id,
        live_interview_id,
        attendee_id,
        kind: m.kind.as_str().to_owned(),
        sequence: i32::try_from(m.sequence).unwrap_or(i32::MAX),
        recipient: m.to.to_string(),
        language: m.language.code().to_owned(),
        created_at: micros(m.created_at),
        state: state.to_owned(),
        not_before,
        claim_until,
        attempts: i32::try_from(attempts).unwrap_or(i32::MAX),
        done_at,
        failure,
        claim_token,
    }
}

pub(crate) fn message(r: outbox::Model) -> Result<OutboxMessage, AdapterError> {
    const T: &str = "outbox";
    let attempts = count(T, "attempts", i64::from(r.attempts))?;
    let need = |v: Option<i64>, column: &str| v.ok_or_else(|| bad(T, column, "missing"));
    let state = match r.state.as_str() {
        "pending" => DeliveryState::Pending {
            not_before: instant(T, "not_before", need(r.not_before, "not_before")?)?,
            attempts,
        },
        "claimed" => DeliveryState::Claimed {
            until: instant(T, "claim_until", need(r.claim_until, "claim_until")?)?,
            attempts,
            token: ClaimToken::from_uuid(r.claim_token.ok_or_else(|| bad(T, "claim_token", "missing"))?),
        },
        "skipped" => DeliveryState::Skipped {
            at: instant(T, "done_at", need(r.done_at, "done_at")?)?,
            reason: r.failure.clone().unwrap_or_default(),
        },
        "delivered" => DeliveryState::Delivered { at: instant(T, "done_at", need(r.done_at, "done_at")?)? },
        "failed" => DeliveryState::Failed {
            at: instant(T, "done_at", need(r.done_at, "done_at")?)?,
            reason: r.failure.clone().unwrap_or_default(),
        },
        other => return Err(bad(T, "state", other)),
    };
    Ok(OutboxMessage {
        id: MessageId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        about: subject_of(T, r.invitation_id, r.live_interview_id, r.attendee_id)?,
        kind: MessageKind::from_name(&r.kind).ok_or_else(|| bad(T, "kind", &r.kind))?,
        sequence: count(T, "sequence", i64::from(r.sequence))?,
        to: parse!("outbox", "recipient", EmailAddress::parse(&r.recipient)),
        language: parse!("outbox", "language", r.language.parse::<Language>()),
        created_at: instant(T, "created_at", r.created_at)?,
        state,
    })
}

fn digest_hex(d: SecretDigest) -> String {
    hex::encode(d.to_bytes())
}

fn digest(table: &str, text: &str) -> Result<SecretDigest, AdapterError> {
    let mut out = [0_u8; 32];
    hex::decode_to_slice(text, &mut out).map_err(|e| bad(table, "digest", e))?;
    Ok(SecretDigest::from_bytes(out))
}

pub(crate) fn session_row(s: &Session) -> session::Model {
    session::Model {
        id: s.id.as_uuid(),
        organization_id: s.organization_id.as_uuid(),
        recruiter_id: s.recruiter_id.as_uuid(),
        digest: digest_hex(s.digest),
        created_at: micros(s.created_at),
        expires_at: micros(s.expires_at),
    }
}

pub(crate) fn session(r: session::Model) -> Result<Session, AdapterError> {
    Ok(Session {
        id: SessionId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        recruiter_id: RecruiterId::from_uuid(r.recruiter_id),
        digest: digest("sessions", &r.digest)?,
        created_at: instant("sessions", "created_at", r.created_at)?,
        expires_at: instant("sessions", "expires_at", r.expires_at)?,
    })
}

pub(crate) fn api_key_row(k: &ApiKey) -> api_key::Model {
    api_key::Model {
        id: k.id.as_uuid(),
        organization_id: k.organization_id.as_uuid(),
        recruiter_id: k.recruiter_id.as_uuid(),
        name: k.name.to_string(),
        digest: digest_hex(k.digest),
        created_at: micros(k.created_at),
        revoked_at: k.revoked_at.map(micros),
    }
}

pub(crate) fn api_key(r: api_key::Model) -> Result<ApiKey, AdapterError> {
    Ok(ApiKey {
        id: ApiKeyId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        recruiter_id: RecruiterId::from_uuid(r.recruiter_id),
        name: parse!("api_keys", "name", Label::parse(&r.name)),
        digest: digest("api_keys", &r.digest)?,
        created_at: instant("api_keys", "created_at", r.created_at)?,
        revoked_at: opt_instant("api_keys", "revoked_at", r.revoked_at)?,
    })
}

// ---------------------------------------------------------------- templates and mailbox

pub(crate) fn template_row(t: &MessageTemplate, revision: u64) -> message_template::Model {
    message_template::Model {
        id: t.id.as_uuid(),
        organization_id: t.organization_id.as_uuid(),
        kind: t.kind.as_str().to_owned(),
        language: t.language.code().to_owned(),
        subject: t.content.subject.as_str().to_owned(),
        body: t.content.body.as_str().to_owned(),
        updated_by: t.updated_by.as_uuid(),
        created_at: micros(t.created_at),
        updated_at: micros(t.updated_at),
        revision: i64::try_from(revision).unwrap_or(i64::MAX),
    }
}

pub(crate) fn template(r: message_template::Model) -> Result<MessageTemplate, AdapterError> {
    const T: &str = "message_templates";
    let kind = TemplateKind::from_name(&r.kind).ok_or_else(|| bad(T, "kind", &r.kind))?;
    let content = TemplateContent::parse(kind, &r.subject, &r.body).map_err(|(field, e)| bad(T, field.as_str(), e))?;
    Ok(MessageTemplate {
        id: TemplateId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        kind,
        language: parse!("message_templates", "language", r.language.parse::<Language>()),
        content,
        updated_by: RecruiterId::from_uuid(r.updated_by),
        created_at: instant(T, "created_at", r.created_at)?,
        updated_at: instant(T, "updated_at", r.updated_at)?,
        revision: count(T, "revision", r.revision)?,
    })
}

pub(crate) fn captured_row(e: &CapturedEmail) -> mailbox::Model {
    let (invitation_id, live_interview_id, attendee_id) = subject_columns(e.about);
    mailbox::Model {
        id: e.id.as_uuid(),
        organization_id: e.organization_id.as_uuid(),
        invitation_id,
        live_interview_id,
        attendee_id,
        kind: e.kind.as_str().to_owned(),
        sender: e.from.clone(),
        recipient: e.to.to_string(),
        reply_to: e.reply_to.as_ref().map(ToString::to_string),
        subject: e.subject.clone(),
        text_body: e.text.clone(),
        html_body: e.html.clone(),
        captured_at: micros(e.captured_at),
    }
}

pub(crate) fn captured(r: mailbox::Model) -> Result<CapturedEmail, AdapterError> {
    const T: &str = "mailbox";
    Ok(CapturedEmail {
        id: MessageId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        about: subject_of(T, r.invitation_id, r.live_interview_id, r.attendee_id)?,
        kind: MessageKind::from_name(&r.kind).ok_or_else(|| bad(T, "kind", &r.kind))?,
        from: r.sender,
        to: parse!("mailbox", "recipient", EmailAddress::parse(&r.recipient)),
        reply_to: r.reply_to.as_deref().map(EmailAddress::parse).transpose().map_err(|e| bad(T, "reply_to", e))?,
        subject: r.subject,
        text: r.text_body,
        html: r.html_body,
        captured_at: instant(T, "captured_at", r.captured_at)?,
    })
}

// ---------------------------------------------------------------- review notes

pub(crate) fn review_note_row(n: &ReviewNote) -> review_note::Model {
    let (kind, question, rating, body) = match &n.entry {
        ReviewEntry::Rating { question, rating } => {
            ("rating", Some(question.as_uuid()), Some(i16::from(rating.get())), None)
        }
        ReviewEntry::Comment { question, text } => {
            ("comment", question.map(|q| q.as_uuid()), None, Some(text.to_string()))
        }
        ReviewEntry::Decision(d) => ("decision", None, None, Some(d.as_str().to_owned())),
    };
    review_note::Model {
        id: n.id.as_uuid(),
        organization_id: n.organization_id.as_uuid(),
        invitation_id: n.invitation_id.as_uuid(),
        recruiter_id: n.recruiter_id.as_uuid(),
        kind: kind.to_owned(),
        question_id: question,
        rating,
        body,
        created_at: micros(n.at),
    }
}

pub(crate) fn review_note(r: review_note::Model) -> Result<ReviewNote, AdapterError> {
    const T: &str = "review_notes";
    let missing = |field: &str| bad(T, field, format!("a {} note without {field}", r.kind));
    let entry = match r.kind.as_str() {
        "rating" => ReviewEntry::Rating {
            question: QuestionId::from_uuid(r.question_id.ok_or_else(|| missing("question_id"))?),
            rating: Rating::new(u8::try_from(r.rating.ok_or_else(|| missing("rating"))?).unwrap_or(0))
                .map_err(|e| bad(T, "rating", e))?,
        },
        "comment" => ReviewEntry::Comment {
            question: r.question_id.map(QuestionId::from_uuid),
            text: parse!("review_notes", "body", CommentText::parse(r.body.as_deref().unwrap_or_default())),
        },
        "decision" => ReviewEntry::Decision(
            Decision::parse(r.body.as_deref().unwrap_or_default()).map_err(|e| bad(T, "body", e))?,
        ),
        other => return Err(bad(T, "kind", other)),
    };
    Ok(ReviewNote {
        id: ReviewNoteId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        invitation_id: InvitationId::from_uuid(r.invitation_id),
        recruiter_id: RecruiterId::from_uuid(r.recruiter_id),
        entry,
        at: instant(T, "created_at", r.created_at)?,
    })
}

pub(crate) fn live_row(l: &LiveInterview, revision: u64) -> live_interview::Model {
    let p = l.parts();
    let (location_kind, location) = match &p.location {
        Location::Online(url) => ("online", url.as_str().to_owned()),
        Location::Place(place) => ("place", place.to_string()),
    };
    live_interview::Model {
        id: p.id.as_uuid(),
        organization_id: p.organization_id.as_uuid(),
        organizer_id: p.organizer.as_uuid(),
        candidate_id: l.candidate_id().map_or_else(Uuid::nil, |c| c.as_uuid()),
        title: p.title.to_string(),
        local_date: p.slot.date().to_string(),
        local_time: p.slot.time().format("%H:%M:%S").to_string(),
        minutes: i32::from(p.slot.minutes()),
        time_zone: p.slot.zone().name().to_owned(),
        starts_at: micros(p.slot.start()),
        ends_at: micros(p.slot.end()),
        location_kind: location_kind.to_owned(),
        location,
        job_id: p.job_id.map(|j| j.as_uuid()),
        follows_id: p.follows.map(|i| i.as_uuid()),
        candidate_subject: p.candidate_message.as_ref().map(|m| m.subject.as_str().to_owned()),
        candidate_body: p.candidate_message.as_ref().map(|m| m.body.as_str().to_owned()),
        interviewer_subject: p.interviewer_message.as_ref().map(|m| m.subject.as_str().to_owned()),
        interviewer_body: p.interviewer_message.as_ref().map(|m| m.body.as_str().to_owned()),
        sequence: i32::try_from(p.sequence).unwrap_or(i32::MAX),
        resends: i32::try_from(p.resends).unwrap_or(i32::MAX),
        reminder_due_at: p.reminder_due_at.map(micros),
        cancelled_at: p.cancelled_at.map(micros),
        created_at: micros(p.created_at),
        updated_at: micros(p.updated_at),
        revision: i64::try_from(revision).unwrap_or(i64::MAX),
    }
}

pub(crate) fn attendee_rows(l: &LiveInterview) -> Vec<live_attendee::Model> {
    l.attendees()
        .iter()
        .zip(0..)
        .map(|(a, position)| {
            let (role, candidate_id, recruiter_id) = match a.role {
                AttendeeRole::Candidate(c) => ("candidate", Some(c.as_uuid()), None),
                AttendeeRole::Interviewer(r) => ("interviewer", None, r.map(|r| r.as_uuid())),
            };
            let decline_message = match &a.response {
                AttendeeResponse::Declined { message } => message.as_ref().map(ToString::to_string),
                AttendeeResponse::Pending | AttendeeResponse::Confirmed => None,
            };
            live_attendee::Model {
                id: a.id.as_uuid(),
                live_interview_id: l.id().as_uuid(),
                position,
                role: role.to_owned(),
                candidate_id,
                recruiter_id,
                name: a.name.to_string(),
                email: a.email.to_string(),
                language: a.language.code().to_owned(),
                response: a.response.as_str().to_owned(),
                decline_message,
                responded_at: a.responded_at.map(micros),
                link_version: i32::try_from(a.link_version.get()).unwrap_or(i32::MAX),
            }
        })
        .collect()
}

fn attendee(r: live_attendee::Model) -> Result<Attendee, AdapterError> {
    const T: &str = "live_attendees";
    let role = match (r.role.as_str(), r.candidate_id) {
        ("candidate", Some(c)) => AttendeeRole::Candidate(CandidateId::from_uuid(c)),
        ("interviewer", None) => AttendeeRole::Interviewer(r.recruiter_id.map(RecruiterId::from_uuid)),
        (other, _) => return Err(bad(T, "role", other)),
    };
    let response = match r.response.as_str() {
        "pending" => AttendeeResponse::Pending,
        "confirmed" => AttendeeResponse::Confirmed,
        "declined" => AttendeeResponse::Declined {
            message: r
                .decline_message
                .as_deref()
                .map(LongText::parse)
                .transpose()
                .map_err(|e| bad(T, "decline_message", e))?,
        },
        other => return Err(bad(T, "response", other)),
    };
    Ok(Attendee {
        id: AttendeeId::from_uuid(r.id),
        role,
        name: parse!("live_attendees", "name", PersonName::parse(&r.name)),
        email: parse!("live_attendees", "email", EmailAddress::parse(&r.email)),
        language: parse!("live_attendees", "language", r.language.parse::<Language>()),
        response,
        responded_at: opt_instant(T, "responded_at", r.responded_at)?,
        link_version: LinkVersion::new(count(T, "link_version", i64::from(r.link_version))?),
    })
}

/// An invite edited for one live interview, from its subject and body columns.
fn edited_message(
    kind: TemplateKind,
    subject: Option<String>,
    body: Option<String>,
) -> Result<Option<TemplateContent>, AdapterError> {
    match (subject, body) {
        (None, None) => Ok(None),
        (Some(s), Some(b)) => TemplateContent::parse(kind, &s, &b)
            .map(Some)
            .map_err(|(field, e)| bad("live_interviews", field.as_str(), e)),
        _ => Err(bad("live_interviews", "candidate_subject", "a message needs its subject and its body")),
    }
}

/// A live interview from its row and its attendees' rows (in position order).
pub(crate) fn live(
    r: live_interview::Model,
    attendees: Vec<live_attendee::Model>,
) -> Result<LiveInterview, AdapterError> {
    const T: &str = "live_interviews";
    let date: NaiveDate = parse!("live_interviews", "local_date", r.local_date.parse::<NaiveDate>());
    let time = parse!("live_interviews", "local_time", chrono::NaiveTime::parse_from_str(&r.local_time, "%H:%M:%S"));
    let zone = parse!("live_interviews", "time_zone", TimeZone::parse(&r.time_zone));
    let minutes: u16 = count(T, "minutes", i64::from(r.minutes))?;
    let slot = parse!("live_interviews", "local_date", LiveSlot::new(date, time, minutes, zone));
    let location = match r.location_kind.as_str() {
        "online" => Location::Online(parse!("live_interviews", "location", MeetingUrl::parse(&r.location))),
        "place" => Location::Place(parse!("live_interviews", "location", DisplayName::parse(&r.location))),
        other => return Err(bad(T, "location_kind", other)),
    };
    Ok(LiveInterview::from_parts(LiveInterviewParts {
        id: LiveInterviewId::from_uuid(r.id),
        organization_id: OrganizationId::from_uuid(r.organization_id),
        organizer: RecruiterId::from_uuid(r.organizer_id),
        title: parse!("live_interviews", "title", DisplayName::parse(&r.title)),
        slot,
        location,
        job_id: r.job_id.map(JobId::from_uuid),
        follows: r.follows_id.map(InvitationId::from_uuid),
        attendees: attendees.into_iter().map(attendee).collect::<Result<_, _>>()?,
        candidate_message: edited_message(TemplateKind::LiveInvitation, r.candidate_subject, r.candidate_body)?,
        interviewer_message: edited_message(TemplateKind::LiveInterviewer, r.interviewer_subject, r.interviewer_body)?,
        sequence: count(T, "sequence", i64::from(r.sequence))?,
        resends: count(T, "resends", i64::from(r.resends))?,
        reminder_due_at: opt_instant(T, "reminder_due_at", r.reminder_due_at)?,
        cancelled_at: opt_instant(T, "cancelled_at", r.cancelled_at)?,
        created_at: instant(T, "created_at", r.created_at)?,
        updated_at: instant(T, "updated_at", r.updated_at)?,
        revision: count(T, "revision", r.revision)?,
    }))
}
