//! Live (scheduled) interviews: a meeting at a set time between the candidate and one or
//! more interviewers, where every attendee confirms through their own link.
//!
//! The status is not stored: it follows from the attendees' responses, so "scheduled only
//! when the candidate and every interviewer have confirmed" holds by construction.
//!
//! ```text
//!                      the last pending attendee confirms
//! AwaitingConfirmation ──────────────────────────────────▶ Scheduled
//!          │  ▲                                             │
//!          │  └── the decliner confirms after all ──┐       │ an attendee changes to decline
//!          └── an attendee declines ──▶ Declined ◀──┴───────┘
//!
//! reschedule (any status but Cancelled; the new time in the future):
//!     every response back to pending ──▶ AwaitingConfirmation, SEQUENCE + 1
//! cancel (any status but Cancelled, before the interview ends):
//!     ──▶ Cancelled (final; every attendee's link revoked), SEQUENCE + 1
//! ```
//!
//! Written rules, each a test in this module:
//! - Responses are accepted until the interview starts, never after a cancellation; the
//!   same response twice changes nothing (no second timeline event).
//! - A decline (with an optional message) makes the interview [`LiveStatus::Declined`]
//!   until the decliner confirms after all, it is rescheduled, or it is cancelled.
//! - Rescheduling resets every response to pending and bumps the iCalendar `SEQUENCE`, so
//!   calendars replace the old event; the same time again is refused.
//! - Cancelling bumps `SEQUENCE` (for `METHOD:CANCEL`) and revokes every attendee's link.

use std::fmt;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone as _, Utc};

use crate::{
    AttendeeId, CandidateId, DisplayName, EmailAddress, InvitationId, JobId, Language, LinkVersion, LiveInterviewId,
    LongText, OrganizationId, PersonName, RecruiterId, TemplateContent, TimeZone,
};

/// When a live interview takes place: a local date and time in a time zone, and a length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveSlot {
    date: NaiveDate,
    time: NaiveTime,
    minutes: u16,
    zone: TimeZone,
    start: DateTime<Utc>,
}

/// Why a [`LiveSlot`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    /// The length is outside 5 minutes to 8 hours.
    #[error("the duration must be {min} to {max} minutes (got {actual})", min = LiveSlot::MIN_MINUTES, max = LiveSlot::MAX_MINUTES)]
    Duration {
        /// What was given.
        actual: u16,
    },
    /// The local time does not exist that day (clocks jump over it when summer time begins).
    #[error("{time} does not exist on {date} in {zone}: the clocks skip it")]
    NoSuchLocalTime {
        /// The date.
        date: NaiveDate,
        /// The time.
        time: NaiveTime,
        /// The zone's name.
        zone: &'static str,
    },
}

impl LiveSlot {
    /// The shortest interview, in minutes.
    pub const MIN_MINUTES: u16 = 5;
    /// The longest interview, in minutes.
    pub const MAX_MINUTES: u16 = 480;

    /// A slot at `time` on `date` in `zone`, lasting `minutes`. A local time that occurs
    /// twice (when summer time ends) means its first occurrence, as calendar applications
    /// read it.
    ///
    /// # Errors
    /// [`SlotError`] for a length out of bounds or a local time the clocks skip.
    pub fn new(date: NaiveDate, time: NaiveTime, minutes: u16, zone: TimeZone) -> Result<Self, SlotError> {
        if !(Self::MIN_MINUTES..=Self::MAX_MINUTES).contains(&minutes) {
            return Err(SlotError::Duration { actual: minutes });
        }
        let start = match zone.tz().from_local_datetime(&NaiveDateTime::new(date, time)) {
            LocalResult::Single(t) => t,
            LocalResult::Ambiguous(first, _) => first,
            LocalResult::None => return Err(SlotError::NoSuchLocalTime { date, time, zone: zone.name() }),
        };
        Ok(Self { date, time, minutes, zone, start: start.with_timezone(&Utc) })
    }

    /// The local date.
    #[must_use]
    pub const fn date(&self) -> NaiveDate {
        self.date
    }

    /// The local start time.
    #[must_use]
    pub const fn time(&self) -> NaiveTime {
        self.time
    }

    /// The length in minutes.
    #[must_use]
    pub const fn minutes(&self) -> u16 {
        self.minutes
    }

    /// The zone the date and time are read in.
    #[must_use]
    pub const fn zone(&self) -> TimeZone {
        self.zone
    }

    /// The instant it starts.
    #[must_use]
    pub const fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The instant it ends.
    #[must_use]
    pub fn end(&self) -> DateTime<Utc> {
        self.start + TimeDelta::minutes(i64::from(self.minutes))
    }
}

/// An online meeting's address: an `http(s)` URL of at most 2,000 characters, without
/// spaces or control characters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MeetingUrl(String);

/// Why a meeting URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be an http:// or https:// address without spaces, at most 2000 characters")]
pub struct MeetingUrlError;

impl MeetingUrl {
    /// Checks `raw` (trimmed).
    ///
    /// # Errors
    /// [`MeetingUrlError`] for anything but a plausible `http(s)` URL.
    pub fn parse(raw: &str) -> Result<Self, MeetingUrlError> {
        let raw = raw.trim();
        let rest = raw.strip_prefix("https://").or_else(|| raw.strip_prefix("http://"));
        let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
        let ok = raw.len() <= 2_000
            && host.is_some_and(|h| !h.is_empty() && !h.contains('@'))
            && raw.chars().all(|c| c.is_ascii_graphic());
        if ok { Ok(Self(raw.to_owned())) } else { Err(MeetingUrlError) }
    }

    /// The URL.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for MeetingUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// Where a live interview happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An online meeting.
    Online(MeetingUrl),
    /// A place (an address, a room).
    Place(DisplayName),
}

/// Who an attendee is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendeeRole {
    /// The candidate interviewed.
    Candidate(CandidateId),
    /// An interviewer: a recruiter of the organization, or someone outside Slate (`None`).
    Interviewer(Option<RecruiterId>),
}

/// An attendee's answer to the invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttendeeResponse {
    /// Not answered yet (or reset by a reschedule).
    Pending,
    /// Will attend.
    Confirmed,
    /// Will not attend, with an optional message to the recruiter.
    Declined {
        /// What they wrote.
        message: Option<LongText>,
    },
}

impl AttendeeResponse {
    /// A stable snake-case name, e.g. `"confirmed"`.
    #[must_use]
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Declined { .. } => "declined",
        }
    }
}

/// One person invited to a live interview, with their own link and response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    /// Its id (the subject of the attendee's secret link).
    pub id: AttendeeId,
    /// Candidate or interviewer.
    pub role: AttendeeRole,
    /// Their name.
    pub name: PersonName,
    /// Where the invite goes.
    pub email: EmailAddress,
    /// The language of their emails and pages.
    pub language: Language,
    /// Their answer.
    pub response: AttendeeResponse,
    /// When they last answered.
    pub responded_at: Option<DateTime<Utc>>,
    /// Their link's generation; cancelling bumps it, which revokes the link.
    pub link_version: LinkVersion,
}

/// An attendee to invite, for [`LiveInterview::schedule`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttendee {
    /// Its id.
    pub id: AttendeeId,
    /// Candidate or interviewer.
    pub role: AttendeeRole,
    /// Their name.
    pub name: PersonName,
    /// Their address.
    pub email: EmailAddress,
    /// Their language.
    pub language: Language,
}

/// Where a live interview stands, derived from its attendees' responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LiveStatus {
    /// Someone has not answered yet.
    AwaitingConfirmation,
    /// The candidate and every interviewer confirmed.
    Scheduled,
    /// At least one attendee declined.
    Declined,
    /// A recruiter cancelled it. Final.
    Cancelled,
}

impl LiveStatus {
    /// A stable snake-case name, e.g. `"awaiting_confirmation"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingConfirmation => "awaiting_confirmation",
            Self::Scheduled => "scheduled",
            Self::Declined => "declined",
            Self::Cancelled => "cancelled",
        }
    }
}

/// What a change did, for the candidate's timeline and the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// Scheduled; invites are due to every attendee.
    Scheduled,
    /// An attendee confirmed.
    Confirmed {
        /// Who.
        attendee: AttendeeId,
    },
    /// An attendee declined.
    Declined {
        /// Who.
        attendee: AttendeeId,
        /// Their message.
        message: Option<LongText>,
    },
    /// The last confirmation arrived: the interview is [`LiveStatus::Scheduled`].
    AllConfirmed,
    /// Moved; updated invites are due to every attendee.
    Rescheduled {
        /// The old start.
        from: DateTime<Utc>,
        /// The new start.
        to: DateTime<Utc>,
    },
    /// Cancelled; cancellations are due to every attendee.
    Cancelled,
}

/// Why a change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LiveError {
    /// A live interview needs at least one interviewer.
    #[error("invite at least one interviewer")]
    NoInterviewer,
    /// Exactly one attendee must be the candidate.
    #[error("a live interview has exactly one candidate")]
    OneCandidate,
    /// More interviewers than allowed.
    #[error("at most {max} interviewers", max = LiveInterview::MAX_INTERVIEWERS)]
    TooManyInterviewers,
    /// Two attendees share an address.
    #[error("{email} is invited twice")]
    DuplicateAttendee {
        /// The address.
        email: EmailAddress,
    },
    /// The time chosen has already passed.
    #[error("the interview must start in the future")]
    StartsInPast,
    /// Rescheduling to the time it already has.
    #[error("the interview is already at that time")]
    Unchanged,
    /// The interview was cancelled.
    #[error("the interview was cancelled")]
    Cancelled,
    /// Answering once the interview has begun.
    #[error("the interview has already started")]
    AlreadyStarted,
    /// Cancelling an interview that is over.
    #[error("the interview is already over")]
    AlreadyOver,
    /// No such attendee in this interview.
    #[error("no such attendee")]
    UnknownAttendee,
}

/// Every field of a [`LiveInterview`], for adapters that store and restore one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveInterviewParts {
    /// Its id (also the iCalendar `UID`'s subject).
    pub id: LiveInterviewId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// The recruiter who scheduled it (the invite's organizer).
    pub organizer: RecruiterId,
    /// Its title in calendars.
    pub title: DisplayName,
    /// When.
    pub slot: LiveSlot,
    /// Where.
    pub location: Location,
    /// The job it is for, if any.
    pub job_id: Option<JobId>,
    /// The video-interview invitation it follows, if any.
    pub follows: Option<InvitationId>,
    /// The candidate first, then the interviewers.
    pub attendees: Vec<Attendee>,
    /// The candidate's invite as edited for this interview (instead of the template).
    pub candidate_message: Option<TemplateContent>,
    /// The interviewers' invite as edited for this interview (instead of the template).
    pub interviewer_message: Option<TemplateContent>,
    /// The iCalendar `SEQUENCE`: 0, then one more per reschedule or cancellation.
    pub sequence: u32,
    /// How many times the invites were sent again.
    pub resends: u32,
    /// When the reminder before it is due; `None` once sent, when cancelled, or when it was
    /// scheduled too close to its start for one.
    pub reminder_due_at: Option<DateTime<Utc>>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Incremented by every stored change.
    pub revision: u64,
}

/// What a recruiter schedules, for [`LiveInterview::schedule`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLiveInterview {
    /// Its id.
    pub id: LiveInterviewId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// The recruiter scheduling it.
    pub organizer: RecruiterId,
    /// Its title.
    pub title: DisplayName,
    /// When.
    pub slot: LiveSlot,
    /// Where.
    pub location: Location,
    /// The job, if any.
    pub job_id: Option<JobId>,
    /// The invitation it follows, if any.
    pub follows: Option<InvitationId>,
    /// The candidate and the interviewers, in any order.
    pub attendees: Vec<NewAttendee>,
    /// The candidate's invite as edited for this interview; `None` uses the template.
    pub candidate_message: Option<TemplateContent>,
    /// The interviewers' invite as edited for this interview; `None` uses the template.
    pub interviewer_message: Option<TemplateContent>,
}

/// Which live interviews to list, for [`crate::ports::LiveInterviewRepository::list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveQuery {
    /// Only this candidate's.
    pub candidate: Option<CandidateId>,
    /// Only those that end after this instant (upcoming and in progress).
    pub ending_after: Option<DateTime<Utc>>,
    /// Cancelled ones too.
    pub include_cancelled: bool,
    /// At most this many (1 to [`Self::MAX_LIMIT`]).
    pub limit: usize,
}

impl LiveQuery {
    /// The most one list returns.
    pub const MAX_LIMIT: usize = 200;

    /// Whether `live` belongs in the list.
    #[must_use]
    pub fn matches(&self, live: &LiveInterview) -> bool {
        self.candidate.is_none_or(|c| live.candidate_id() == Some(c))
            && self.ending_after.is_none_or(|t| live.slot().end() > t)
            && (self.include_cancelled || live.p.cancelled_at.is_none())
    }
}

impl Default for LiveQuery {
    fn default() -> Self {
        Self { candidate: None, ending_after: None, include_cancelled: false, limit: Self::MAX_LIMIT }
    }
}

/// A live interview and its attendees' responses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveInterview {
    p: LiveInterviewParts,
}

impl LiveInterview {
    /// The most interviewers one live interview invites.
    pub const MAX_INTERVIEWERS: usize = 20;

    /// Schedules a live interview: every attendee pending, `SEQUENCE` 0.
    ///
    /// # Errors
    /// [`LiveError`] when the attendees are not one candidate and 1 to
    /// [`Self::MAX_INTERVIEWERS`] interviewers with distinct addresses, or the slot has begun.
    pub fn schedule(new: NewLiveInterview, now: DateTime<Utc>) -> Result<(Self, LiveEvent), LiveError> {
        let candidates = new.attendees.iter().filter(|a| matches!(a.role, AttendeeRole::Candidate(_))).count();
        let interviewers = new.attendees.len() - candidates;
        if candidates != 1 {
            return Err(LiveError::OneCandidate);
        }
        if interviewers == 0 {
            return Err(LiveError::NoInterviewer);
        }
        if interviewers > Self::MAX_INTERVIEWERS {
            return Err(LiveError::TooManyInterviewers);
        }
        for (i, a) in new.attendees.iter().enumerate() {
            if new.attendees[..i].iter().any(|b| b.email == a.email) {
                return Err(LiveError::DuplicateAttendee { email: a.email.clone() });
            }
        }
        if new.slot.start() <= now {
            return Err(LiveError::StartsInPast);
        }
        let mut attendees: Vec<Attendee> = new
            .attendees
            .into_iter()
            .map(|a| Attendee {
                id: a.id,
                role: a.role,
                name: a.name,
                email: a.email,
                language: a.language,
                response: AttendeeResponse::Pending,
                responded_at: None,
                link_version: LinkVersion::FIRST,
            })
            .collect();
        attendees.sort_by_key(|a| !matches!(a.role, AttendeeRole::Candidate(_)));
        let p = LiveInterviewParts {
            id: new.id,
            organization_id: new.organization_id,
            organizer: new.organizer,
            title: new.title,
            slot: new.slot,
            location: new.location,
            job_id: new.job_id,
            follows: new.follows,
            attendees,
            candidate_message: new.candidate_message,
            interviewer_message: new.interviewer_message,
            sequence: 0,
            resends: 0,
            reminder_due_at: None,
            cancelled_at: None,
            created_at: now,
            updated_at: now,
            revision: 0,
        };
        Ok((Self { p }, LiveEvent::Scheduled))
    }

    /// Restores a stored live interview.
    #[must_use]
    pub const fn from_parts(parts: LiveInterviewParts) -> Self {
        Self { p: parts }
    }

    /// Every field, for storing.
    #[must_use]
    pub const fn parts(&self) -> &LiveInterviewParts {
        &self.p
    }

    /// Its id.
    #[must_use]
    pub const fn id(&self) -> LiveInterviewId {
        self.p.id
    }

    /// When it takes place.
    #[must_use]
    pub const fn slot(&self) -> &LiveSlot {
        &self.p.slot
    }

    /// The candidate first, then the interviewers.
    #[must_use]
    pub fn attendees(&self) -> &[Attendee] {
        &self.p.attendees
    }

    /// The candidate.
    #[must_use]
    pub fn candidate(&self) -> Option<&Attendee> {
        self.p.attendees.iter().find(|a| matches!(a.role, AttendeeRole::Candidate(_)))
    }

    /// The iCalendar `SEQUENCE`.
    #[must_use]
    pub const fn sequence(&self) -> u32 {
        self.p.sequence
    }

    /// The organization.
    #[must_use]
    pub const fn organization_id(&self) -> OrganizationId {
        self.p.organization_id
    }

    /// The recruiter who scheduled it.
    #[must_use]
    pub const fn organizer(&self) -> RecruiterId {
        self.p.organizer
    }

    /// Its title.
    #[must_use]
    pub const fn title(&self) -> &DisplayName {
        &self.p.title
    }

    /// Where it happens.
    #[must_use]
    pub const fn location(&self) -> &Location {
        &self.p.location
    }

    /// The candidate's id.
    #[must_use]
    pub fn candidate_id(&self) -> Option<CandidateId> {
        self.p.attendees.iter().find_map(|a| match a.role {
            AttendeeRole::Candidate(c) => Some(c),
            AttendeeRole::Interviewer(_) => None,
        })
    }

    /// One attendee.
    #[must_use]
    pub fn attendee(&self, id: AttendeeId) -> Option<&Attendee> {
        self.p.attendees.iter().find(|a| a.id == id)
    }

    /// The stored revision it was read at.
    #[must_use]
    pub const fn revision(&self) -> u64 {
        self.p.revision
    }

    /// Records that a commit stored this value (its revision moved on by one).
    pub(crate) const fn committed(&mut self) {
        self.p.revision += 1;
    }

    /// Where it stands.
    #[must_use]
    pub fn status(&self) -> LiveStatus {
        if self.p.cancelled_at.is_some() {
            LiveStatus::Cancelled
        } else if self.p.attendees.iter().any(|a| matches!(a.response, AttendeeResponse::Declined { .. })) {
            LiveStatus::Declined
        } else if self.p.attendees.iter().all(|a| a.response == AttendeeResponse::Confirmed) {
            LiveStatus::Scheduled
        } else {
            LiveStatus::AwaitingConfirmation
        }
    }

    /// Records `attendee`'s answer. Returns the events to record: none when the answer is
    /// the one already given; the answer's event, then [`LiveEvent::AllConfirmed`] when it
    /// was the last confirmation missing.
    ///
    /// # Errors
    /// [`LiveError::Cancelled`], [`LiveError::AlreadyStarted`] or
    /// [`LiveError::UnknownAttendee`].
    pub fn respond(
        &mut self,
        attendee: AttendeeId,
        response: AttendeeResponse,
        now: DateTime<Utc>,
    ) -> Result<Vec<LiveEvent>, LiveError> {
        if self.p.cancelled_at.is_some() {
            return Err(LiveError::Cancelled);
        }
        if now >= self.p.slot.start() {
            return Err(LiveError::AlreadyStarted);
        }
        let before = self.status();
        let a = self.p.attendees.iter_mut().find(|a| a.id == attendee).ok_or(LiveError::UnknownAttendee)?;
        if a.response == response {
            return Ok(Vec::new());
        }
        let event = match &response {
            AttendeeResponse::Pending => return Ok(Vec::new()),
            AttendeeResponse::Confirmed => LiveEvent::Confirmed { attendee },
            AttendeeResponse::Declined { message } => LiveEvent::Declined { attendee, message: message.clone() },
        };
        a.response = response;
        a.responded_at = Some(now);
        self.p.updated_at = now;
        let mut events = vec![event];
        if before != LiveStatus::Scheduled && self.status() == LiveStatus::Scheduled {
            events.push(LiveEvent::AllConfirmed);
        }
        Ok(events)
    }

    /// Moves it to `slot`: every response back to pending, `SEQUENCE` + 1.
    ///
    /// # Errors
    /// [`LiveError::Cancelled`], [`LiveError::StartsInPast`] or [`LiveError::Unchanged`].
    pub fn reschedule(&mut self, slot: LiveSlot, now: DateTime<Utc>) -> Result<LiveEvent, LiveError> {
        if self.p.cancelled_at.is_some() {
            return Err(LiveError::Cancelled);
        }
        if slot.start() <= now {
            return Err(LiveError::StartsInPast);
        }
        if slot == self.p.slot {
            return Err(LiveError::Unchanged);
        }
        let from = self.p.slot.start();
        self.p.slot = slot;
        for a in &mut self.p.attendees {
            a.response = AttendeeResponse::Pending;
            a.responded_at = None;
        }
        self.p.sequence += 1;
        self.p.updated_at = now;
        Ok(LiveEvent::Rescheduled { from, to: slot.start() })
    }

    /// Cancels it: final, every link revoked, `SEQUENCE` + 1.
    ///
    /// # Errors
    /// [`LiveError::Cancelled`] or [`LiveError::AlreadyOver`].
    pub fn cancel(&mut self, now: DateTime<Utc>) -> Result<LiveEvent, LiveError> {
        if self.p.cancelled_at.is_some() {
            return Err(LiveError::Cancelled);
        }
        if now >= self.p.slot.end() {
            return Err(LiveError::AlreadyOver);
        }
        for a in &mut self.p.attendees {
            a.link_version = a.link_version.next();
        }
        self.p.reminder_due_at = None;
        self.p.cancelled_at = Some(now);
        self.p.sequence += 1;
        self.p.updated_at = now;
        Ok(LiveEvent::Cancelled)
    }

    /// Whether invites may be sent again (resend): not cancelled and not over.
    #[must_use]
    pub fn can_resend(&self, now: DateTime<Utc>) -> bool {
        self.p.cancelled_at.is_none() && now < self.p.slot.end()
    }

    /// Sends the invites again (same links, same `SEQUENCE`): returns the resend's number,
    /// which keys its messages.
    ///
    /// # Errors
    /// [`LiveError::Cancelled`] or [`LiveError::AlreadyOver`].
    pub fn resend(&mut self, now: DateTime<Utc>) -> Result<u32, LiveError> {
        if self.p.cancelled_at.is_some() {
            return Err(LiveError::Cancelled);
        }
        if now >= self.p.slot.end() {
            return Err(LiveError::AlreadyOver);
        }
        self.p.resends += 1;
        self.p.updated_at = now;
        Ok(self.p.resends)
    }

    /// Plans the reminder `lead` before the start; none when that moment is less than an
    /// hour away (the invite itself is fresh enough) or it was cancelled.
    pub fn plan_reminder(&mut self, lead: TimeDelta, now: DateTime<Utc>) {
        let due = self.p.slot.start() - lead;
        self.p.reminder_due_at = (self.p.cancelled_at.is_none() && due > now + TimeDelta::hours(1)).then_some(due);
    }

    /// The reminder is due: returns whether one should go (then it is marked sent).
    pub fn take_reminder(&mut self, now: DateTime<Utc>) -> bool {
        let due = self.p.reminder_due_at.is_some_and(|t| t <= now) && self.p.cancelled_at.is_none();
        if due {
            self.p.reminder_due_at = None;
            self.p.updated_at = now;
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }
    fn athens() -> TimeZone {
        TimeZone::parse("Europe/Athens").unwrap()
    }
    fn slot(date: &str, time: &str) -> LiveSlot {
        LiveSlot::new(date.parse().unwrap(), time.parse().unwrap(), 45, athens()).unwrap()
    }
    fn attendee(n: u128, role: AttendeeRole) -> NewAttendee {
        NewAttendee {
            id: AttendeeId::from_uuid(Uuid::from_u128(n)),
            role,
            name: PersonName::parse("Someone").unwrap(),
            email: EmailAddress::parse(&format!("p{n}@example.com")).unwrap(),
            language: Language::English,
        }
    }
    const NOW: &str = "2026-12-01T09:00:00Z";
    const CANDIDATE: u128 = 1;

    /// The candidate (1) and interviewers 2..=n+1.
    fn live(interviewers: u128) -> LiveInterview {
        let mut attendees = vec![attendee(CANDIDATE, AttendeeRole::Candidate(CandidateId::from_uuid(Uuid::nil())))];
        attendees.extend((2..2 + interviewers).map(|n| attendee(n, AttendeeRole::Interviewer(None))));
        let new = NewLiveInterview {
            id: LiveInterviewId::from_uuid(Uuid::from_u128(99)),
            organization_id: OrganizationId::from_uuid(Uuid::nil()),
            organizer: RecruiterId::from_uuid(Uuid::nil()),
            title: DisplayName::parse("Second round").unwrap(),
            slot: slot("2026-12-10", "10:00"),
            location: Location::Online(MeetingUrl::parse("https://meet.example/abc").unwrap()),
            job_id: None,
            follows: None,
            candidate_message: None,
            interviewer_message: None,
            attendees,
        };
        LiveInterview::schedule(new, at(NOW)).unwrap().0
    }
    fn id(n: u128) -> AttendeeId {
        AttendeeId::from_uuid(Uuid::from_u128(n))
    }
    fn declined() -> AttendeeResponse {
        AttendeeResponse::Declined { message: Some(LongText::parse("I am travelling").unwrap()) }
    }

    #[test]
    fn a_slot_is_read_in_its_zone_across_summer_time() {
        // Athens is UTC+3 in summer and UTC+2 from 25 October 2026 04:00.
        assert_eq!(slot("2026-10-24", "10:00").start(), at("2026-10-24T07:00:00Z"));
        assert_eq!(slot("2026-10-25", "10:00").start(), at("2026-10-25T08:00:00Z"));
        assert_eq!(slot("2026-10-25", "10:00").end(), at("2026-10-25T08:45:00Z"));
        // 03:30 happens twice that night: the first one (summer time) is meant.
        assert_eq!(slot("2026-10-25", "03:30").start(), at("2026-10-25T00:30:00Z"));
        // 03:30 never happens on 29 March 2026.
        let gap = LiveSlot::new("2026-03-29".parse().unwrap(), "03:30".parse().unwrap(), 30, athens());
        assert!(matches!(gap, Err(SlotError::NoSuchLocalTime { .. })), "{gap:?}");
        for minutes in [0, 4, 481] {
            let r = LiveSlot::new("2026-12-10".parse().unwrap(), "10:00".parse().unwrap(), minutes, athens());
            assert_eq!(r, Err(SlotError::Duration { actual: minutes }));
        }
    }

    #[test]
    fn scheduling_needs_one_candidate_interviewers_distinct_addresses_and_a_future_time() {
        let base = || {
            let mut l = live(1).p;
            l.attendees.clear();
            l
        };
        let new = |attendees: Vec<NewAttendee>, start: &str| NewLiveInterview {
            id: base().id,
            organization_id: base().organization_id,
            organizer: base().organizer,
            title: base().title,
            slot: slot(start, "10:00"),
            location: base().location,
            job_id: None,
            follows: None,
            candidate_message: None,
            interviewer_message: None,
            attendees,
        };
        let cand = |n| attendee(n, AttendeeRole::Candidate(CandidateId::from_uuid(Uuid::nil())));
        let int = |n| attendee(n, AttendeeRole::Interviewer(None));
        let now = at(NOW);
        let cases: Vec<(Vec<NewAttendee>, &str, Option<LiveError>)> = vec![
            (vec![cand(1), int(2)], "2026-12-10", None),
            (vec![cand(1)], "2026-12-10", Some(LiveError::NoInterviewer)),
            (vec![int(2), int(3)], "2026-12-10", Some(LiveError::OneCandidate)),
            (vec![cand(1), cand(2), int(3)], "2026-12-10", Some(LiveError::OneCandidate)),
            (
                (1..=22).map(|n| if n == 1 { cand(n) } else { int(n) }).collect(),
                "2026-12-10",
                Some(LiveError::TooManyInterviewers),
            ),
            (
                vec![cand(1), int(2), int(2)],
                "2026-12-10",
                Some(LiveError::DuplicateAttendee { email: EmailAddress::parse("p2@example.com").unwrap() }),
            ),
            (vec![cand(1), int(2)], "2026-11-30", Some(LiveError::StartsInPast)),
        ];
        for (attendees, start, expected) in cases {
            let got = LiveInterview::schedule(new(attendees, start), now);
            match expected {
                None => {
                    let (l, event) = got.unwrap();
                    assert_eq!(event, LiveEvent::Scheduled);
                    assert_eq!(l.status(), LiveStatus::AwaitingConfirmation);
                    assert_eq!(l.sequence(), 0);
                }
                Some(e) => assert_eq!(got.err(), Some(e)),
            }
        }
        // The candidate comes first whatever the order given.
        let (l, _) = LiveInterview::schedule(new(vec![int(2), cand(1)], "2026-12-10"), now).unwrap();
        assert_eq!(l.attendees()[0].id, id(1));
        assert_eq!(l.candidate().map(|a| a.id), Some(id(1)));
    }

    /// The confirmation rules as a table: responses given in order, then the status and the
    /// events of the last response.
    #[test]
    fn scheduled_only_once_the_candidate_and_every_interviewer_confirmed() {
        use LiveStatus::*;
        let c = || AttendeeResponse::Confirmed;
        type Case = (&'static str, Vec<(u128, AttendeeResponse)>, LiveStatus, Vec<&'static str>);
        let cases: Vec<Case> = vec![
            ("nobody answered", vec![], AwaitingConfirmation, vec![]),
            ("the candidate only", vec![(1, c())], AwaitingConfirmation, vec!["confirmed"]),
            ("the interviewers only", vec![(2, c()), (3, c())], AwaitingConfirmation, vec!["confirmed"]),
            ("all but one interviewer", vec![(1, c()), (2, c())], AwaitingConfirmation, vec!["confirmed"]),
            (
                "everyone, candidate last",
                vec![(2, c()), (3, c()), (1, c())],
                Scheduled,
                vec!["confirmed", "all_confirmed"],
            ),
            (
                "everyone, interviewer last",
                vec![(1, c()), (2, c()), (3, c())],
                Scheduled,
                vec!["confirmed", "all_confirmed"],
            ),
            ("a second confirmation changes nothing", vec![(1, c()), (2, c()), (3, c()), (3, c())], Scheduled, vec![]),
            ("one decline", vec![(1, c()), (2, declined())], Declined, vec!["declined"]),
            (
                "a decline after everyone confirmed",
                vec![(1, c()), (2, c()), (3, c()), (1, declined())],
                Declined,
                vec!["declined"],
            ),
            (
                "the decliner confirms after all",
                vec![(1, c()), (2, declined()), (3, c()), (2, c())],
                Scheduled,
                vec!["confirmed", "all_confirmed"],
            ),
            (
                "one of two decliners confirms",
                vec![(1, declined()), (2, declined()), (3, c()), (2, c())],
                Declined,
                vec!["confirmed"],
            ),
            ("pending cannot be chosen", vec![(1, c()), (1, AttendeeResponse::Pending)], AwaitingConfirmation, vec![]),
        ];
        for (what, responses, status, last_events) in cases {
            let mut l = live(2);
            let mut events = Vec::new();
            for (who, response) in responses {
                events = l.respond(id(who), response, at(NOW)).unwrap();
            }
            assert_eq!(l.status(), status, "{what}");
            let names: Vec<_> = events
                .iter()
                .map(|e| match e {
                    LiveEvent::Confirmed { .. } => "confirmed",
                    LiveEvent::Declined { .. } => "declined",
                    LiveEvent::AllConfirmed => "all_confirmed",
                    _ => "other",
                })
                .collect();
            assert_eq!(names, last_events, "{what}");
        }
    }

    #[test]
    fn answers_stop_when_the_interview_starts_or_is_cancelled() {
        let mut l = live(1);
        assert_eq!(l.respond(id(9), AttendeeResponse::Confirmed, at(NOW)), Err(LiveError::UnknownAttendee));
        assert_eq!(
            l.respond(id(1), AttendeeResponse::Confirmed, at("2026-12-10T08:00:00Z")),
            Err(LiveError::AlreadyStarted)
        );
        let declined_at = at("2026-12-02T10:00:00Z");
        l.respond(id(2), declined(), declined_at).unwrap();
        assert_eq!(l.attendees()[1].responded_at, Some(declined_at));
        assert_eq!(l.attendees()[1].response, declined(), "the message is kept for the recruiter");
        l.cancel(at(NOW)).unwrap();
        assert_eq!(l.respond(id(1), AttendeeResponse::Confirmed, at(NOW)), Err(LiveError::Cancelled));
        assert_eq!(l.status(), LiveStatus::Cancelled);
    }

    #[test]
    fn a_reschedule_resets_every_response_and_bumps_the_sequence() {
        let mut l = live(2);
        for who in 1..=3 {
            l.respond(id(who), AttendeeResponse::Confirmed, at(NOW)).unwrap();
        }
        assert_eq!(l.status(), LiveStatus::Scheduled);
        let to = slot("2026-12-11", "15:30");
        let event = l.reschedule(to, at(NOW)).unwrap();
        assert_eq!(event, LiveEvent::Rescheduled { from: at("2026-12-10T08:00:00Z"), to: at("2026-12-11T13:30:00Z") });
        assert_eq!(l.status(), LiveStatus::AwaitingConfirmation);
        assert!(l.attendees().iter().all(|a| a.response == AttendeeResponse::Pending && a.responded_at.is_none()));
        assert_eq!(l.sequence(), 1);
        assert_eq!(l.reschedule(to, at(NOW)), Err(LiveError::Unchanged));
        assert_eq!(l.reschedule(slot("2026-11-30", "10:00"), at(NOW)), Err(LiveError::StartsInPast));
        // A no-show can be moved to a new time after the old one passed.
        assert!(l.reschedule(slot("2026-12-20", "10:00"), at("2026-12-12T00:00:00Z")).is_ok());
        assert_eq!(l.sequence(), 2);
        // Links survive a reschedule: the same link shows the new time.
        assert!(l.attendees().iter().all(|a| a.link_version == LinkVersion::FIRST));
    }

    #[test]
    fn cancelling_is_final_revokes_every_link_and_bumps_the_sequence() {
        let mut l = live(1);
        assert!(l.can_resend(at(NOW)));
        assert_eq!(l.cancel(at("2026-12-10T08:45:00Z")), Err(LiveError::AlreadyOver));
        assert_eq!(l.cancel(at("2026-12-10T08:30:00Z")), Ok(LiveEvent::Cancelled), "during the interview");
        assert_eq!(l.sequence(), 1);
        assert!(l.attendees().iter().all(|a| a.link_version == LinkVersion::FIRST.next()));
        assert_eq!(l.cancel(at(NOW)), Err(LiveError::Cancelled));
        assert_eq!(l.reschedule(slot("2026-12-20", "10:00"), at(NOW)), Err(LiveError::Cancelled));
        assert!(!l.can_resend(at(NOW)));
        assert!(!live(1).can_resend(at("2026-12-10T09:00:00Z")), "not after it is over");
    }

    #[test]
    fn meeting_urls_are_http_addresses_without_spaces() {
        for ok in ["https://meet.example/abc-def", "http://10.0.0.1:8080/room?id=4#x"] {
            assert_eq!(MeetingUrl::parse(ok).unwrap().as_str(), ok);
        }
        for bad in
            ["", "meet.example/abc", "https://", "https:///x", "https://a b", "javascript:alert(1)", "https://u@evil"]
        {
            assert_eq!(MeetingUrl::parse(bad), Err(MeetingUrlError), "{bad}");
        }
        assert!(MeetingUrl::parse(&format!("https://m.example/{}", "a".repeat(2_000))).is_err());
    }
}
