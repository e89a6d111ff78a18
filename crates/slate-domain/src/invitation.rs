//! The invitation aggregate and its lifecycle state machine.
//!
//! ```text
//!            deliver          open            first answer        submit
//! Queued ───────────▶ Sent ─────────▶ Opened ─────────────▶ Started ─────────▶ Completed
//!   │  ▲               │ ▲             │                     │
//!   │  └─change email──┼─┼── Bounced ◀─┘ (bounce: from Queued/Sent only)
//!   │                  │ │
//!   └──── deadline passes (any open state, Bounced too) ──▶ Expired ──extend──▶ back where it was
//!   └──── cancel (anything but Completed/Cancelled) ──────▶ Cancelled (link revoked for good)
//! ```
//! Every transition is a method returning `Result<_, TransitionError>` and naming the
//! [`EventKind`] to put on the candidate's timeline.

use chrono::{DateTime, Utc};

use crate::{
    CandidateId, Deadline, EmailAddress, EventKind, InterviewSnapshot, InvitationId, Language, LinkVersion, OrganizationId, PersonName,
    QuestionId, RecruiterId, ReminderKind, ReminderPolicy,
};

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InvitationStatus {
    /// Stored; its email waits in the outbox.
    Queued,
    /// The mail server accepted the email.
    Sent,
    /// The candidate opened the link.
    Opened,
    /// The candidate recorded a first answer.
    Started,
    /// The candidate submitted. Final.
    Completed,
    /// The deadline passed first. Extending the deadline reopens it.
    Expired,
    /// A recruiter cancelled it; the link is revoked. Final.
    Cancelled,
    /// The mail server refused the address for good. Correcting the email requeues it.
    Bounced,
}

impl InvitationStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [Self; 8] =
        [Self::Queued, Self::Sent, Self::Opened, Self::Started, Self::Completed, Self::Expired, Self::Cancelled, Self::Bounced];

    /// A stable snake-case name, e.g. `"queued"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Opened => "opened",
            Self::Started => "started",
            Self::Completed => "completed",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
            Self::Bounced => "bounced",
        }
    }

    /// Parses [`Self::as_str`]'s names.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether the candidate may still act (open, answer, submit) in this status, deadline
    /// permitting.
    #[must_use]
    pub const fn is_open(self) -> bool {
        matches!(self, Self::Queued | Self::Sent | Self::Opened | Self::Started | Self::Bounced)
    }
}

/// An action on an invitation, named in [`TransitionError`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The mail server accepted a message to the candidate.
    Deliver,
    /// The mail server refused the address for good.
    Bounce,
    /// The candidate opened the link.
    Open,
    /// The candidate recorded an answer.
    Answer,
    /// The candidate submitted.
    Complete,
    /// The deadline passed.
    Expire,
    /// A recruiter changed the deadline.
    ChangeDeadline,
    /// A recruiter resent the email.
    Resend,
    /// A recruiter corrected the email address.
    ChangeEmail,
    /// A recruiter cancelled.
    Cancel,
    /// A reminder was due.
    Remind,
}

impl Action {
    /// A stable snake-case name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Deliver => "deliver",
            Self::Bounce => "bounce",
            Self::Open => "open",
            Self::Answer => "answer",
            Self::Complete => "complete",
            Self::Expire => "expire",
            Self::ChangeDeadline => "change_deadline",
            Self::Resend => "resend",
            Self::ChangeEmail => "change_email",
            Self::Cancel => "cancel",
            Self::Remind => "remind",
        }
    }
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The invitation is completed; nothing more can happen to it.
    #[error("the interview was already completed")]
    AlreadyCompleted,
    /// The invitation is cancelled; its link is revoked.
    #[error("the invitation was cancelled")]
    Cancelled,
    /// The invitation expired (or its deadline just passed); a recruiter must set a new deadline first.
    #[error("the deadline has passed; set a new deadline first")]
    DeadlinePassed {
        /// The instant it closed.
        closed_at: DateTime<Utc>,
    },
    /// The address bounced; a recruiter must correct it first.
    #[error("the email address bounced; correct it first")]
    NeedsCorrectedEmail,
    /// Expiring an invitation whose deadline has not passed.
    #[error("the deadline has not passed yet")]
    DeadlineNotPassed,
    /// Submitting while some questions have no answer.
    #[error("{unanswered} question(s) still have no answer")]
    Unanswered {
        /// How many.
        unanswered: usize,
    },
    /// Answering before the link was opened.
    #[error("the invitation has not been opened")]
    NotOpened,
    /// This reminder was already sent, or is not due.
    #[error("this reminder is not due")]
    ReminderNotDue,
    /// Any other refused (status, action) pair.
    #[error("cannot {} an invitation that is {}", .action.as_str(), .from.as_str())]
    NotAllowed {
        /// The status it was in.
        from: InvitationStatus,
        /// What was tried.
        action: Action,
    },
}

/// Why an answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerRejected {
    /// The invitation's status or deadline does not allow answering.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The question is not part of this invitation.
    #[error("no such question in this interview")]
    UnknownQuestion,
    /// Every allowed take of this question has been used.
    #[error("no retakes left for this question ({allowed} take(s) allowed)")]
    NoTakesLeft {
        /// Takes allowed in all.
        allowed: u8,
    },
    /// The recording is longer than the question allows.
    #[error("the answer is {actual_ms} ms long; the limit is {max_secs} s")]
    TooLong {
        /// The length reported.
        actual_ms: u32,
        /// The question's limit.
        max_secs: u32,
    },
    /// The recording is empty.
    #[error("the answer is empty")]
    Empty,
}

/// Which reminders an invitation has had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RemindersSent {
    /// The not-started reminder went out.
    pub not_started: bool,
    /// The deadline reminder went out.
    pub deadline: bool,
}

/// Every field of an [`Invitation`], for adapters that store and restore one, and for
/// [`Invitation::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationParts {
    /// Its id.
    pub id: InvitationId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// The candidate.
    pub candidate_id: CandidateId,
    /// The candidate's first name at the time of inviting (for lists and search).
    pub candidate_first_name: PersonName,
    /// The candidate's last name at the time of inviting.
    pub candidate_last_name: PersonName,
    /// The recruiter who sent it.
    pub invited_by: RecruiterId,
    /// The interview as it was when sent.
    pub interview: InterviewSnapshot,
    /// Where the email goes.
    pub email: EmailAddress,
    /// The language of the candidate's pages.
    pub language: Language,
    /// The inclusive deadline.
    pub deadline: Deadline,
    /// Send a copy to the recruiter.
    pub bcc_me: bool,
    /// Notify the recruiter on completion.
    pub notify_me: bool,
    /// Where it stands.
    pub status: InvitationStatus,
    /// For an expired invitation, the status it had before.
    pub expired_from: Option<InvitationStatus>,
    /// The link's generation.
    pub link_version: LinkVersion,
    /// Candidate emails queued so far (invitation, resends, re-sends after a corrected
    /// address): the sequence of the next one.
    pub emails_queued: u32,
    /// Reminders already queued.
    pub reminders_sent: RemindersSent,
    /// Takes recorded per question, in the snapshot's order.
    pub takes: Vec<u8>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When the link was first opened.
    pub opened_at: Option<DateTime<Utc>>,
    /// When the first answer was recorded.
    pub started_at: Option<DateTime<Utc>>,
    /// When it was submitted.
    pub completed_at: Option<DateTime<Utc>>,
    /// Incremented by every stored change; a commit whose expected revision is stale fails.
    pub revision: u64,
}

/// An invitation of one candidate to one video interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    p: InvitationParts,
}

/// What [`Invitation::record_answer`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TakeRecorded {
    /// The take's number (1 for the first).
    pub take: u8,
    /// `Some(Started)` when this was the first answer of the interview.
    pub event: Option<EventKind>,
}

/// A length tolerance for recorders that stop a little late.
const ANSWER_GRACE_MS: u64 = 2_000;

impl Invitation {
    /// A fresh invitation in [`InvitationStatus::Queued`], built from `parts` whose status,
    /// progress and timestamps are reset.
    #[must_use]
    pub fn new(mut parts: InvitationParts) -> Self {
        parts.status = InvitationStatus::Queued;
        parts.expired_from = None;
        parts.link_version = LinkVersion::FIRST;
        parts.emails_queued = 1;
        parts.reminders_sent = RemindersSent::default();
        parts.takes = vec![0; parts.interview.questions.len()];
        parts.updated_at = parts.created_at;
        parts.opened_at = None;
        parts.started_at = None;
        parts.completed_at = None;
        parts.revision = 0;
        Self { p: parts }
    }

    /// Rebuilds a stored invitation.
    ///
    /// # Errors
    /// A description of the broken invariant, when the parts are inconsistent (progress not
    /// matching the questions, an expired invitation without its previous status …).
    pub fn from_parts(parts: InvitationParts) -> Result<Self, &'static str> {
        if parts.takes.len() != parts.interview.questions.len() {
            return Err("takes do not match the questions");
        }
        if (parts.status == InvitationStatus::Expired) != parts.expired_from.is_some() {
            return Err("expired_from is set exactly when expired");
        }
        if matches!(parts.expired_from, Some(InvitationStatus::Expired | InvitationStatus::Completed | InvitationStatus::Cancelled)) {
            return Err("expired_from must be an open status");
        }
        Ok(Self { p: parts })
    }

    /// Every field, for storage.
    #[must_use]
    pub fn parts(&self) -> &InvitationParts {
        &self.p
    }

    /// Its id.
    #[must_use]
    pub const fn id(&self) -> InvitationId {
        self.p.id
    }
    /// The organization.
    #[must_use]
    pub const fn organization_id(&self) -> OrganizationId {
        self.p.organization_id
    }
    /// The candidate.
    #[must_use]
    pub const fn candidate_id(&self) -> CandidateId {
        self.p.candidate_id
    }
    /// The recruiter who sent it.
    #[must_use]
    pub const fn invited_by(&self) -> RecruiterId {
        self.p.invited_by
    }
    /// The interview as sent.
    #[must_use]
    pub const fn interview(&self) -> &InterviewSnapshot {
        &self.p.interview
    }
    /// Where the email goes.
    #[must_use]
    pub const fn email(&self) -> &EmailAddress {
        &self.p.email
    }
    /// The language of the candidate's pages.
    #[must_use]
    pub const fn language(&self) -> Language {
        self.p.language
    }
    /// The inclusive deadline.
    #[must_use]
    pub const fn deadline(&self) -> Deadline {
        self.p.deadline
    }
    /// Where it stands.
    #[must_use]
    pub const fn status(&self) -> InvitationStatus {
        self.p.status
    }
    /// The link's generation.
    #[must_use]
    pub const fn link_version(&self) -> LinkVersion {
        self.p.link_version
    }
    /// The stored revision this value was read at (0 when never stored).
    #[must_use]
    pub const fn revision(&self) -> u64 {
        self.p.revision
    }
    /// Send a copy to the recruiter.
    #[must_use]
    pub const fn bcc_me(&self) -> bool {
        self.p.bcc_me
    }
    /// Notify the recruiter on completion.
    #[must_use]
    pub const fn notify_me(&self) -> bool {
        self.p.notify_me
    }
    /// When it was created.
    #[must_use]
    pub const fn created_at(&self) -> DateTime<Utc> {
        self.p.created_at
    }
    /// The sequence number of the most recently queued candidate email.
    #[must_use]
    pub const fn last_email_sequence(&self) -> u32 {
        self.p.emails_queued.saturating_sub(1)
    }

    /// Takes recorded for a question (0 when unanswered).
    #[must_use]
    pub fn takes_of(&self, question: QuestionId) -> u8 {
        self.p.interview.question(question).map_or(0, |(i, _)| self.p.takes.get(i).copied().unwrap_or(0))
    }

    /// The first question with no answer yet, where a candidate coming back continues.
    #[must_use]
    pub fn next_unanswered(&self) -> Option<QuestionId> {
        self.p.interview.questions.iter().zip(&self.p.takes).find(|(_, t)| **t == 0).map(|(q, _)| q.id())
    }

    /// How many questions have at least one take.
    #[must_use]
    pub fn answered_count(&self) -> usize {
        self.p.takes.iter().filter(|t| **t > 0).count()
    }

    fn final_state_error(&self) -> Option<TransitionError> {
        match self.p.status {
            InvitationStatus::Completed => Some(TransitionError::AlreadyCompleted),
            InvitationStatus::Cancelled => Some(TransitionError::Cancelled),
            _ => None,
        }
    }

    /// The refusal for a candidate action at `now`: final states, expiry, a passed deadline.
    fn candidate_gate(&self, now: DateTime<Utc>) -> Result<(), TransitionError> {
        if let Some(e) = self.final_state_error() {
            return Err(e);
        }
        if self.p.status == InvitationStatus::Expired || !self.p.deadline.is_open_at(now) {
            return Err(TransitionError::DeadlinePassed { closed_at: self.p.deadline.closes_at() });
        }
        Ok(())
    }

    fn touch(&mut self, now: DateTime<Utc>) {
        self.p.updated_at = now;
    }

    /// The mail server accepted a candidate email: Queued → Sent. In Sent, Opened or Started
    /// (a resend or a reminder) the status stays. Returns the timeline event.
    ///
    /// # Errors
    /// [`TransitionError::NotAllowed`] in any other status.
    pub fn record_delivery(&mut self, now: DateTime<Utc>) -> Result<EventKind, TransitionError> {
        match self.p.status {
            InvitationStatus::Queued => self.p.status = InvitationStatus::Sent,
            InvitationStatus::Sent | InvitationStatus::Opened | InvitationStatus::Started => {}
            from => return Err(TransitionError::NotAllowed { from, action: Action::Deliver }),
        }
        self.touch(now);
        Ok(EventKind::EmailDelivered)
    }

    /// The mail server refused the address for good: Queued or Sent → Bounced.
    ///
    /// # Errors
    /// [`TransitionError::NotAllowed`] in any other status (an address that already led the
    /// candidate to the link did not bounce).
    pub fn record_bounce(&mut self, reason: &str, now: DateTime<Utc>) -> Result<EventKind, TransitionError> {
        match self.p.status {
            InvitationStatus::Queued | InvitationStatus::Sent => self.p.status = InvitationStatus::Bounced,
            from => return Err(TransitionError::NotAllowed { from, action: Action::Bounce }),
        }
        self.touch(now);
        Ok(EventKind::EmailBounced { reason: reason.chars().take(500).collect() })
    }

    /// The candidate opened the link. The first time (from Queued, Sent or Bounced — a link
    /// can reach the candidate by another channel) → Opened with an event; later opens
    /// change nothing and return `None`.
    ///
    /// # Errors
    /// [`TransitionError::AlreadyCompleted`], [`TransitionError::Cancelled`],
    /// [`TransitionError::DeadlinePassed`] (also when the deadline passed but the expiry job
    /// has not run yet).
    pub fn open(&mut self, now: DateTime<Utc>) -> Result<Option<EventKind>, TransitionError> {
        self.candidate_gate(now)?;
        match self.p.status {
            InvitationStatus::Queued | InvitationStatus::Sent | InvitationStatus::Bounced => {
                self.p.status = InvitationStatus::Opened;
                self.p.opened_at = Some(now);
                self.touch(now);
                Ok(Some(EventKind::Opened))
            }
            _ => Ok(None),
        }
    }

    /// The candidate recorded a take of `question` lasting `duration_ms`. The first answer
    /// of the interview moves Opened → Started.
    ///
    /// # Errors
    /// [`AnswerRejected`]: status or deadline, unknown question, no takes left, too long, empty.
    pub fn record_answer(&mut self, question: QuestionId, duration_ms: u32, now: DateTime<Utc>) -> Result<TakeRecorded, AnswerRejected> {
        self.candidate_gate(now)?;
        if !matches!(self.p.status, InvitationStatus::Opened | InvitationStatus::Started) {
            return Err(TransitionError::NotOpened.into());
        }
        let (index, q) = self.p.interview.question(question).ok_or(AnswerRejected::UnknownQuestion)?;
        let (allowed, max_secs) = (q.takes_allowed(), q.max_answer_secs());
        let used = self.p.takes.get(index).copied().unwrap_or(0);
        if used >= allowed {
            return Err(AnswerRejected::NoTakesLeft { allowed });
        }
        if duration_ms == 0 {
            return Err(AnswerRejected::Empty);
        }
        if u64::from(duration_ms) > u64::from(max_secs) * 1000 + ANSWER_GRACE_MS {
            return Err(AnswerRejected::TooLong { actual_ms: duration_ms, max_secs });
        }
        let take = used + 1;
        if let Some(slot) = self.p.takes.get_mut(index) {
            *slot = take;
        }
        let event = if self.p.status == InvitationStatus::Opened {
            self.p.status = InvitationStatus::Started;
            self.p.started_at = Some(now);
            Some(EventKind::Started)
        } else {
            None
        };
        self.touch(now);
        Ok(TakeRecorded { take, event })
    }

    /// The candidate submitted: Started → Completed, once every question has an answer.
    ///
    /// # Errors
    /// [`TransitionError::Unanswered`] while questions lack an answer (an Opened invitation
    /// has none); the candidate-side refusals of [`Self::open`];
    /// [`TransitionError::NotOpened`] before the link was opened.
    pub fn complete(&mut self, now: DateTime<Utc>) -> Result<EventKind, TransitionError> {
        self.candidate_gate(now)?;
        match self.p.status {
            InvitationStatus::Opened | InvitationStatus::Started => {}
            _ => return Err(TransitionError::NotOpened),
        }
        let unanswered = self.p.takes.iter().filter(|t| **t == 0).count();
        if unanswered > 0 {
            return Err(TransitionError::Unanswered { unanswered });
        }
        self.p.status = InvitationStatus::Completed;
        self.p.completed_at = Some(now);
        self.touch(now);
        Ok(EventKind::Completed)
    }

    /// The deadline passed: any open status → Expired, remembering where it was.
    ///
    /// # Errors
    /// [`TransitionError::DeadlineNotPassed`] before the closing instant;
    /// [`TransitionError::NotAllowed`] from Completed, Cancelled or Expired.
    pub fn expire(&mut self, now: DateTime<Utc>) -> Result<EventKind, TransitionError> {
        let from = self.p.status;
        if !from.is_open() {
            return Err(TransitionError::NotAllowed { from, action: Action::Expire });
        }
        if self.p.deadline.is_open_at(now) {
            return Err(TransitionError::DeadlineNotPassed);
        }
        self.p.expired_from = Some(from);
        self.p.status = InvitationStatus::Expired;
        self.touch(now);
        Ok(EventKind::Expired)
    }

    /// A recruiter set a new deadline (already checked against today by [`Deadline::new`]).
    /// An expired invitation reopens where it was.
    ///
    /// # Errors
    /// [`TransitionError::AlreadyCompleted`] or [`TransitionError::Cancelled`].
    pub fn change_deadline(&mut self, deadline: Deadline, now: DateTime<Utc>) -> Result<EventKind, TransitionError> {
        if let Some(e) = self.final_state_error() {
            return Err(e);
        }
        let from = self.p.deadline.date();
        let reopened = match (self.p.status, self.p.expired_from) {
            (InvitationStatus::Expired, Some(previous)) if deadline.is_open_at(now) => {
                self.p.status = previous;
                self.p.expired_from = None;
                true
            }
            _ => false,
        };
        self.p.deadline = deadline;
        self.touch(now);
        Ok(EventKind::DeadlineChanged { from, to: deadline.date(), reopened })
    }

    /// A recruiter resends the email (same link, progress kept). Returns the sequence number
    /// of the new message and the event.
    ///
    /// # Errors
    /// [`TransitionError::AlreadyCompleted`], [`TransitionError::Cancelled`],
    /// [`TransitionError::DeadlinePassed`] (expired: set a new deadline first),
    /// [`TransitionError::NeedsCorrectedEmail`] (bounced).
    pub fn resend(&mut self, now: DateTime<Utc>) -> Result<(u32, EventKind), TransitionError> {
        if self.p.status == InvitationStatus::Bounced {
            return Err(TransitionError::NeedsCorrectedEmail);
        }
        self.candidate_gate(now)?;
        let sequence = self.p.emails_queued;
        self.p.emails_queued = sequence.saturating_add(1);
        self.touch(now);
        Ok((sequence, EventKind::Resent))
    }

    /// A recruiter corrects the address of a bounced invitation: Bounced → Queued, and a new
    /// invitation email is due. Returns its sequence number and the event.
    ///
    /// # Errors
    /// [`TransitionError::NotAllowed`] unless bounced; [`TransitionError::DeadlinePassed`]
    /// when the deadline has passed (set a new one first).
    pub fn change_email(&mut self, email: EmailAddress, now: DateTime<Utc>) -> Result<(u32, EventKind), TransitionError> {
        if self.p.status != InvitationStatus::Bounced {
            return Err(self.final_state_error().unwrap_or(TransitionError::NotAllowed { from: self.p.status, action: Action::ChangeEmail }));
        }
        self.candidate_gate(now)?;
        let from = std::mem::replace(&mut self.p.email, email.clone());
        self.p.status = InvitationStatus::Queued;
        let sequence = self.p.emails_queued;
        self.p.emails_queued = sequence.saturating_add(1);
        self.touch(now);
        Ok((sequence, EventKind::EmailChanged { from, to: email }))
    }

    /// A recruiter cancels: anything but Completed or Cancelled → Cancelled. The link's
    /// version is bumped, so the old link stops working for good.
    ///
    /// # Errors
    /// [`TransitionError::AlreadyCompleted`] or [`TransitionError::Cancelled`].
    pub fn cancel(&mut self, now: DateTime<Utc>) -> Result<EventKind, TransitionError> {
        if let Some(e) = self.final_state_error() {
            return Err(e);
        }
        self.p.status = InvitationStatus::Cancelled;
        self.p.expired_from = None;
        self.p.link_version = self.p.link_version.next();
        self.touch(now);
        Ok(EventKind::Cancelled)
    }

    /// When the `kind` reminder falls due under `policy`, if it ever does for this invitation.
    #[must_use]
    pub fn reminder_due_at(&self, kind: ReminderKind, policy: &ReminderPolicy) -> Option<DateTime<Utc>> {
        match kind {
            ReminderKind::NotStarted => policy.not_started_delay().map(|d| self.p.created_at + d),
            ReminderKind::DeadlineApproaching => {
                let days = policy.days_before_deadline()?;
                let date = self.p.deadline.date().checked_sub_days(chrono::Days::new(u64::from(days)))?;
                let due = self.p.deadline.zone().start_of_day(date);
                // An invitation sent after that point would get its reminder right away.
                (due > self.p.created_at).then_some(due)
            }
        }
    }

    /// Marks the `kind` reminder as queued, when it is due at `now` and not sent yet.
    /// Not-started reminders go to invitations delivered but not started (Sent, Opened);
    /// deadline reminders to any delivered, uncompleted one (Sent, Opened, Started).
    ///
    /// # Errors
    /// [`TransitionError::ReminderNotDue`] when not due, already sent, or the status does not
    /// call for it; the candidate-side refusals when the deadline passed.
    pub fn remind(&mut self, kind: ReminderKind, policy: &ReminderPolicy, now: DateTime<Utc>) -> Result<EventKind, TransitionError> {
        self.candidate_gate(now)?;
        let status_ok = match kind {
            ReminderKind::NotStarted => matches!(self.p.status, InvitationStatus::Sent | InvitationStatus::Opened),
            ReminderKind::DeadlineApproaching => {
                matches!(self.p.status, InvitationStatus::Sent | InvitationStatus::Opened | InvitationStatus::Started)
            }
        };
        let already = match kind {
            ReminderKind::NotStarted => self.p.reminders_sent.not_started,
            ReminderKind::DeadlineApproaching => self.p.reminders_sent.deadline,
        };
        let due = self.reminder_due_at(kind, policy).is_some_and(|at| at <= now);
        if !status_ok || already || !due {
            return Err(TransitionError::ReminderNotDue);
        }
        match kind {
            ReminderKind::NotStarted => self.p.reminders_sent.not_started = true,
            ReminderKind::DeadlineApproaching => self.p.reminders_sent.deadline = true,
        }
        self.touch(now);
        Ok(EventKind::ReminderQueued(kind))
    }
}
