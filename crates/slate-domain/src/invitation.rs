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

use chrono::{DateTime, TimeDelta, Utc};

use crate::{
    CandidateId, Deadline, EmailAddress, EventKind, InterviewSnapshot, InvitationId, Language, LinkVersion,
    OrganizationId, PersonName, QuestionId, RecruiterId, ReminderKind, ReminderPolicy,
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
    pub const ALL: [Self; 8] = [
        Self::Queued,
        Self::Sent,
        Self::Opened,
        Self::Started,
        Self::Completed,
        Self::Expired,
        Self::Cancelled,
        Self::Bounced,
    ];

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

/// Every field of an [`Invitation`], for adapters that store and restore one
/// ([`Invitation::from_parts`]).
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
    /// When the reminder job should look at it next ([`Invitation::plan_reminders`]);
    /// `None` when no reminder can fall due any more.
    pub next_reminder_at: Option<DateTime<Utc>>,
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

/// What a new invitation is made of: the recruiter's choices and the interview as it is
/// now, for [`Invitation::new`] (status, progress and counters start fresh).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvitation {
    /// Its id.
    pub id: InvitationId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// The candidate.
    pub candidate_id: CandidateId,
    /// The candidate's first name at the time of inviting.
    pub candidate_first_name: PersonName,
    /// The candidate's last name at the time of inviting.
    pub candidate_last_name: PersonName,
    /// The recruiter who sends it.
    pub invited_by: RecruiterId,
    /// The interview as it is now (kept: later edits never change it).
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
    /// Now.
    pub created_at: DateTime<Utc>,
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
    /// A fresh invitation in [`InvitationStatus::Queued`]: what the recruiter chose, with
    /// no progress yet (first link, one email queued, no takes, no reminders).
    #[must_use]
    pub fn new(new: NewInvitation) -> Self {
        let takes = vec![0; new.interview.questions.len()];
        Self {
            p: InvitationParts {
                id: new.id,
                organization_id: new.organization_id,
                candidate_id: new.candidate_id,
                candidate_first_name: new.candidate_first_name,
                candidate_last_name: new.candidate_last_name,
                invited_by: new.invited_by,
                interview: new.interview,
                email: new.email,
                language: new.language,
                deadline: new.deadline,
                bcc_me: new.bcc_me,
                notify_me: new.notify_me,
                status: InvitationStatus::Queued,
                expired_from: None,
                link_version: LinkVersion::FIRST,
                emails_queued: 1,
                reminders_sent: RemindersSent::default(),
                next_reminder_at: None,
                takes,
                created_at: new.created_at,
                updated_at: new.created_at,
                opened_at: None,
                started_at: None,
                completed_at: None,
                revision: 0,
            },
        }
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
        if matches!(
            parts.expired_from,
            Some(InvitationStatus::Expired | InvitationStatus::Completed | InvitationStatus::Cancelled)
        ) {
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
    pub fn record_answer(
        &mut self,
        question: QuestionId,
        duration_ms: u32,
        now: DateTime<Utc>,
    ) -> Result<TakeRecorded, AnswerRejected> {
        let (index, take, max_secs) = self.check_take(question, now)?;
        if duration_ms == 0 {
            return Err(AnswerRejected::Empty);
        }
        if u64::from(duration_ms) > u64::from(max_secs) * 1000 + ANSWER_GRACE_MS {
            return Err(AnswerRejected::TooLong { actual_ms: duration_ms, max_secs });
        }
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

    /// The number the next take of `question` would get, if the candidate may record one now.
    ///
    /// # Errors
    /// As [`Self::record_answer`], but for the recording's length.
    pub fn next_take(&self, question: QuestionId, now: DateTime<Utc>) -> Result<u8, AnswerRejected> {
        self.check_take(question, now).map(|(_, take, _)| take)
    }

    /// (question index, next take, the question's limit in seconds).
    fn check_take(&self, question: QuestionId, now: DateTime<Utc>) -> Result<(usize, u8, u32), AnswerRejected> {
        self.candidate_gate(now)?;
        if !matches!(self.p.status, InvitationStatus::Opened | InvitationStatus::Started) {
            return Err(TransitionError::NotOpened.into());
        }
        let (index, q) = self.p.interview.question(question).ok_or(AnswerRejected::UnknownQuestion)?;
        let allowed = q.takes_allowed();
        let used = self.p.takes.get(index).copied().unwrap_or(0);
        if used >= allowed {
            return Err(AnswerRejected::NoTakesLeft { allowed });
        }
        Ok((index, used + 1, q.max_answer_secs()))
    }

    /// Records that a commit stored this value (its revision moved on by one).
    pub(crate) const fn committed(&mut self) {
        self.p.revision += 1;
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
        self.p.next_reminder_at = None;
        self.touch(now);
        Ok(EventKind::Completed)
    }

    /// The invitation as it stands at `now` for someone reading it: past its closing moment,
    /// an open invitation reads Expired at once, without waiting for the expiry job (which
    /// records the change and its event). Nothing else changes; the result is for showing,
    /// not for committing.
    #[must_use]
    pub fn as_seen_at(mut self, now: DateTime<Utc>) -> Self {
        if self.p.status.is_open() && !self.p.deadline.is_open_at(now) {
            self.p.expired_from = Some(self.p.status);
            self.p.status = InvitationStatus::Expired;
            self.p.next_reminder_at = None;
        }
        self
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
        self.p.next_reminder_at = None;
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
    pub fn change_email(
        &mut self,
        email: EmailAddress,
        now: DateTime<Utc>,
    ) -> Result<(u32, EventKind), TransitionError> {
        if self.p.status != InvitationStatus::Bounced {
            return Err(self
                .final_state_error()
                .unwrap_or(TransitionError::NotAllowed { from: self.p.status, action: Action::ChangeEmail }));
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
        self.p.next_reminder_at = None;
        self.p.link_version = self.p.link_version.next();
        self.touch(now);
        Ok(EventKind::Cancelled)
    }

    /// When the reminder job should next look at this invitation under `policy`.
    #[must_use]
    pub const fn next_reminder_at(&self) -> Option<DateTime<Utc>> {
        self.p.next_reminder_at
    }

    /// Plans when the reminder job should next look at this invitation: the earliest due
    /// moment of a reminder not sent yet that can still apply, so the job finds due
    /// invitations through an index instead of reading every open one. A reminder due while
    /// the invitation email has not gone out yet (Queued, Bounced) is looked at again an
    /// hour later; a final status, a passed deadline or a reminder that can no longer apply
    /// (not-started once started) plans nothing. Use cases plan again whenever the status,
    /// the deadline or the reminders sent change.
    pub fn plan_reminders(&mut self, policy: &ReminderPolicy, now: DateTime<Utc>) {
        self.p.next_reminder_at = self.next_reminder(policy, now);
    }

    fn next_reminder(&self, policy: &ReminderPolicy, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        const RECHECK: TimeDelta = TimeDelta::hours(1);
        let status = self.p.status;
        if !status.is_open() || !self.p.deadline.is_open_at(now) {
            return None;
        }
        let closes = self.p.deadline.closes_at();
        [ReminderKind::NotStarted, ReminderKind::DeadlineApproaching]
            .into_iter()
            .filter(|kind| match kind {
                ReminderKind::NotStarted => !self.p.reminders_sent.not_started && status != InvitationStatus::Started,
                ReminderKind::DeadlineApproaching => !self.p.reminders_sent.deadline,
            })
            .filter_map(|kind| self.reminder_due_at(kind, policy))
            .filter(|due| *due < closes)
            .map(|due| {
                let waiting_for_email = matches!(status, InvitationStatus::Queued | InvitationStatus::Bounced);
                if due <= now && waiting_for_email { now + RECHECK } else { due }
            })
            .min()
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
    pub fn remind(
        &mut self,
        kind: ReminderKind,
        policy: &ReminderPolicy,
        now: DateTime<Utc>,
    ) -> Result<EventKind, TransitionError> {
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

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone as _};
    use uuid::Uuid;

    use super::*;
    use crate::{DisplayName, InterviewId, LanguageTag, LongText, Prompt, Question, TimeZone};

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, h, 0, 0).single().unwrap_or_else(|| panic!("bad hour {h}"))
    }
    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }
    fn q(n: u128, retakes: u8) -> Question {
        let prompt = Prompt::parse("Tell us about yourself").unwrap_or_else(|e| panic!("{e}"));
        Question::new(QuestionId::from_uuid(Uuid::from_u128(n)), prompt, 30, 120, retakes)
            .unwrap_or_else(|e| panic!("{e}"))
    }
    fn name(s: &str) -> PersonName {
        PersonName::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }
    fn email(s: &str) -> EmailAddress {
        EmailAddress::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }
    const Q1: u128 = 101;
    const Q2: u128 = 102;

    /// An invitation in `status`, deadline 2026-11-30 in UTC (2026-11-20 when expired), two
    /// questions (the first allows one retake); a Started one has answered both once.
    fn fixture(status: InvitationStatus) -> Invitation {
        let deadline = if status == InvitationStatus::Expired { "2026-11-20" } else { "2026-11-30" };
        let takes = if matches!(status, InvitationStatus::Started | InvitationStatus::Completed) {
            vec![1, 1]
        } else {
            vec![0, 0]
        };
        let parts = InvitationParts {
            id: InvitationId::from_uuid(Uuid::from_u128(1)),
            organization_id: OrganizationId::from_uuid(Uuid::from_u128(2)),
            candidate_id: CandidateId::from_uuid(Uuid::from_u128(3)),
            candidate_first_name: name("Ada"),
            candidate_last_name: name("Lovelace"),
            invited_by: RecruiterId::from_uuid(Uuid::from_u128(4)),
            interview: InterviewSnapshot {
                interview_id: InterviewId::from_uuid(Uuid::from_u128(5)),
                revision: 0,
                job_id: None,
                name: DisplayName::parse("Engineer").unwrap_or_else(|e| panic!("{e}")),
                intro: LongText::default(),
                question_language: LanguageTag::from(Language::English),
                job_title: None,
                company_name: None,
                questions: vec![q(Q1, 1), q(Q2, 0)],
            },
            email: email("ada@example.com"),
            language: Language::English,
            deadline: Deadline::restore(date(deadline), TimeZone::UTC),
            bcc_me: false,
            notify_me: false,
            status,
            expired_from: (status == InvitationStatus::Expired).then_some(InvitationStatus::Sent),
            link_version: LinkVersion::FIRST,
            emails_queued: 1,
            reminders_sent: RemindersSent::default(),
            next_reminder_at: None,
            takes,
            created_at: t(0),
            updated_at: t(0),
            opened_at: None,
            started_at: None,
            completed_at: None,
            revision: 3,
        };
        Invitation::from_parts(parts).unwrap_or_else(|e| panic!("{e}"))
    }

    #[derive(Debug, Clone, Copy)]
    enum Act {
        Deliver,
        Bounce,
        Open,
        Answer,
        Complete,
        Expire,
        ChangeDeadline,
        Resend,
        ChangeEmail,
        Cancel,
    }

    /// Runs `act` at 10:00 on 22 November (01:00 on 1 December for Expire) and returns the
    /// new status and the event's name, or the refusal's label.
    fn run(inv: &mut Invitation, act: Act) -> Result<(InvitationStatus, &'static str), &'static str> {
        let now = t(10);
        let event = match act {
            Act::Deliver => inv.record_delivery(now).map(Some),
            Act::Bounce => inv.record_bounce("550 no such user", now).map(Some),
            Act::Open => inv.open(now),
            Act::Answer => inv
                .record_answer(QuestionId::from_uuid(Uuid::from_u128(Q1)), 5_000, now)
                .map(|r| r.event)
                .map_err(|e| match e {
                    AnswerRejected::Transition(e) => e,
                    other => panic!("unexpected {other:?}"),
                }),
            Act::Complete => inv.complete(now).map(Some),
            Act::Expire => inv.expire(Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0).single().unwrap_or(now)).map(Some),
            Act::ChangeDeadline => {
                inv.change_deadline(Deadline::restore(date("2026-12-15"), TimeZone::UTC), now).map(Some)
            }
            Act::Resend => inv.resend(now).map(|(_, e)| Some(e)),
            Act::ChangeEmail => inv.change_email(email("ada@example.org"), now).map(|(_, e)| Some(e)),
            Act::Cancel => inv.cancel(now).map(Some),
        };
        match event {
            Ok(e) => Ok((inv.status(), e.as_ref().map_or("", EventKind::name))),
            Err(e) => Err(match e {
                TransitionError::AlreadyCompleted => "completed",
                TransitionError::Cancelled => "cancelled",
                TransitionError::DeadlinePassed { .. } => "deadline",
                TransitionError::NeedsCorrectedEmail => "needs_email",
                TransitionError::DeadlineNotPassed => "not_due",
                TransitionError::Unanswered { .. } => "unanswered",
                TransitionError::NotOpened => "not_opened",
                TransitionError::ReminderNotDue => "reminder",
                TransitionError::NotAllowed { .. } => "not_allowed",
            }),
        }
    }

    #[test]
    fn every_state_and_action() {
        use InvitationStatus as S;
        type Row = [Result<(InvitationStatus, &'static str), &'static str>; 10];
        let acts = [
            Act::Deliver,
            Act::Bounce,
            Act::Open,
            Act::Answer,
            Act::Complete,
            Act::Expire,
            Act::ChangeDeadline,
            Act::Resend,
            Act::ChangeEmail,
            Act::Cancel,
        ];
        let table: [(InvitationStatus, Row); 8] = [
            (
                S::Queued,
                [
                    Ok((S::Sent, "email_delivered")),
                    Ok((S::Bounced, "email_bounced")),
                    Ok((S::Opened, "opened")),
                    Err("not_opened"),
                    Err("not_opened"),
                    Ok((S::Expired, "expired")),
                    Ok((S::Queued, "deadline_changed")),
                    Ok((S::Queued, "resent")),
                    Err("not_allowed"),
                    Ok((S::Cancelled, "cancelled")),
                ],
            ),
            (
                S::Sent,
                [
                    Ok((S::Sent, "email_delivered")),
                    Ok((S::Bounced, "email_bounced")),
                    Ok((S::Opened, "opened")),
                    Err("not_opened"),
                    Err("not_opened"),
                    Ok((S::Expired, "expired")),
                    Ok((S::Sent, "deadline_changed")),
                    Ok((S::Sent, "resent")),
                    Err("not_allowed"),
                    Ok((S::Cancelled, "cancelled")),
                ],
            ),
            (
                S::Opened,
                [
                    Ok((S::Opened, "email_delivered")),
                    Err("not_allowed"),
                    Ok((S::Opened, "")),
                    Ok((S::Started, "started")),
                    Err("unanswered"),
                    Ok((S::Expired, "expired")),
                    Ok((S::Opened, "deadline_changed")),
                    Ok((S::Opened, "resent")),
                    Err("not_allowed"),
                    Ok((S::Cancelled, "cancelled")),
                ],
            ),
            (
                S::Started,
                [
                    Ok((S::Started, "email_delivered")),
                    Err("not_allowed"),
                    Ok((S::Started, "")),
                    Ok((S::Started, "")),
                    Ok((S::Completed, "completed")),
                    Ok((S::Expired, "expired")),
                    Ok((S::Started, "deadline_changed")),
                    Ok((S::Started, "resent")),
                    Err("not_allowed"),
                    Ok((S::Cancelled, "cancelled")),
                ],
            ),
            (
                S::Completed,
                [
                    Err("not_allowed"),
                    Err("not_allowed"),
                    Err("completed"),
                    Err("completed"),
                    Err("completed"),
                    Err("not_allowed"),
                    Err("completed"),
                    Err("completed"),
                    Err("completed"),
                    Err("completed"),
                ],
            ),
            (
                S::Expired,
                [
                    Err("not_allowed"),
                    Err("not_allowed"),
                    Err("deadline"),
                    Err("deadline"),
                    Err("deadline"),
                    Err("not_allowed"),
                    Ok((S::Sent, "deadline_changed")),
                    Err("deadline"),
                    Err("not_allowed"),
                    Ok((S::Cancelled, "cancelled")),
                ],
            ),
            (
                S::Cancelled,
                [
                    Err("not_allowed"),
                    Err("not_allowed"),
                    Err("cancelled"),
                    Err("cancelled"),
                    Err("cancelled"),
                    Err("not_allowed"),
                    Err("cancelled"),
                    Err("cancelled"),
                    Err("cancelled"),
                    Err("cancelled"),
                ],
            ),
            (
                S::Bounced,
                [
                    Err("not_allowed"),
                    Err("not_allowed"),
                    Ok((S::Opened, "opened")),
                    Err("not_opened"),
                    Err("not_opened"),
                    Ok((S::Expired, "expired")),
                    Ok((S::Bounced, "deadline_changed")),
                    Err("needs_email"),
                    Ok((S::Queued, "email_changed")),
                    Ok((S::Cancelled, "cancelled")),
                ],
            ),
        ];
        assert_eq!(table.len(), InvitationStatus::ALL.len(), "every status has a row");
        for (from, row) in table {
            for (act, want) in acts.iter().zip(row) {
                let mut inv = fixture(from);
                let before = inv.clone();
                let got = run(&mut inv, *act);
                assert_eq!(got, want, "{from:?} + {act:?}");
                if got.is_err() {
                    assert_eq!(inv, before, "{from:?} + {act:?}: a refused transition changes nothing");
                }
            }
        }
    }

    #[test]
    fn no_candidate_action_after_the_deadline_even_before_the_expiry_job() {
        let closed = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).single().unwrap_or_else(|| panic!());
        let last_second = closed - TimeDelta::seconds(1);
        let q1 = QuestionId::from_uuid(Uuid::from_u128(Q1));

        let mut inv = fixture(InvitationStatus::Sent);
        assert!(matches!(inv.open(closed), Err(TransitionError::DeadlinePassed { closed_at }) if closed_at == closed));
        assert_eq!(inv.open(last_second), Ok(Some(EventKind::Opened)));

        let mut inv = fixture(InvitationStatus::Opened);
        assert!(matches!(
            inv.record_answer(q1, 1_000, closed),
            Err(AnswerRejected::Transition(TransitionError::DeadlinePassed { .. }))
        ));
        assert!(inv.record_answer(q1, 1_000, last_second).is_ok());

        let mut inv = fixture(InvitationStatus::Started);
        assert!(matches!(inv.complete(closed), Err(TransitionError::DeadlinePassed { .. })));
        assert!(matches!(inv.resend(closed), Err(TransitionError::DeadlinePassed { .. })));
        assert_eq!(inv.expire(last_second), Err(TransitionError::DeadlineNotPassed));
        assert_eq!(inv.expire(closed), Ok(EventKind::Expired));
    }

    use chrono::TimeDelta;

    #[test]
    fn extending_an_expired_invitation_reopens_it_where_it_was() {
        for was in
            [InvitationStatus::Queued, InvitationStatus::Opened, InvitationStatus::Started, InvitationStatus::Bounced]
        {
            let mut inv = fixture(was);
            let progress = inv.parts().takes.clone();
            if was == InvitationStatus::Started {
                assert!(progress.iter().any(|t| *t > 0), "the started fixture has answers to keep");
            }
            let closed = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).single().unwrap_or_else(|| panic!());
            assert_eq!(inv.expire(closed), Ok(EventKind::Expired));
            assert_eq!(inv.status(), InvitationStatus::Expired);
            let new = Deadline::restore(date("2026-12-10"), TimeZone::UTC);
            let event = inv.change_deadline(new, closed);
            assert_eq!(
                event,
                Ok(EventKind::DeadlineChanged { from: date("2026-11-30"), to: date("2026-12-10"), reopened: true })
            );
            assert_eq!(inv.status(), was, "reopened where it was");
            assert_eq!(inv.parts().expired_from, None);
            assert_eq!(inv.parts().takes, progress, "progress kept through expiry and reopening");
        }
    }

    #[test]
    fn retakes_and_answer_length() {
        let q1 = QuestionId::from_uuid(Uuid::from_u128(Q1));
        let q2 = QuestionId::from_uuid(Uuid::from_u128(Q2));
        let mut inv = fixture(InvitationStatus::Opened);
        let now = t(10);
        // 120 s limit, 2 s grace
        assert_eq!(
            inv.record_answer(q1, 122_001, now),
            Err(AnswerRejected::TooLong { actual_ms: 122_001, max_secs: 120 })
        );
        assert_eq!(inv.record_answer(q1, 0, now), Err(AnswerRejected::Empty));
        assert_eq!(inv.status(), InvitationStatus::Opened, "refused answers start nothing");
        assert_eq!(inv.record_answer(q1, 122_000, now), Ok(TakeRecorded { take: 1, event: Some(EventKind::Started) }));
        assert_eq!(inv.record_answer(q1, 1_000, now), Ok(TakeRecorded { take: 2, event: None }), "one retake allowed");
        assert_eq!(inv.record_answer(q1, 1_000, now), Err(AnswerRejected::NoTakesLeft { allowed: 2 }));
        assert_eq!(inv.next_unanswered(), Some(q2));
        assert_eq!(inv.complete(now), Err(TransitionError::Unanswered { unanswered: 1 }));
        assert_eq!(inv.record_answer(q2, 1_000, now), Ok(TakeRecorded { take: 1, event: None }));
        assert_eq!(inv.record_answer(q2, 1_000, now), Err(AnswerRejected::NoTakesLeft { allowed: 1 }), "no retakes");
        let unknown = QuestionId::from_uuid(Uuid::from_u128(999));
        assert_eq!(inv.record_answer(unknown, 1_000, now), Err(AnswerRejected::UnknownQuestion));
        assert_eq!(inv.next_unanswered(), None);
        assert_eq!(inv.complete(now), Ok(EventKind::Completed));
    }

    #[test]
    fn cancelling_revokes_the_link_version_and_resend_keeps_it() {
        let mut inv = fixture(InvitationStatus::Opened);
        let v = inv.link_version();
        assert_eq!(inv.resend(t(10)).map(|(seq, _)| seq), Ok(1));
        assert_eq!(inv.resend(t(11)).map(|(seq, _)| seq), Ok(2), "each resend has its own message sequence");
        assert_eq!(inv.link_version(), v, "resend keeps the link");
        assert!(inv.cancel(t(12)).is_ok());
        assert_eq!(inv.link_version(), v.next());
    }

    #[test]
    fn reminder_plans_follow_status_deadline_and_what_was_sent() {
        let policy = ReminderPolicy::default(); // 2 days after sending; 1 day before the deadline
        let not_started = t(0) + TimeDelta::days(2); // 2026-11-24 00:00Z
        let before_deadline = Utc.with_ymd_and_hms(2026, 11, 29, 0, 0, 0).single().unwrap_or_else(|| panic!());
        let now = t(10);
        let cases = [
            (InvitationStatus::Sent, RemindersSent::default(), now, Some(not_started)),
            (InvitationStatus::Opened, RemindersSent::default(), now, Some(not_started)),
            (InvitationStatus::Started, RemindersSent::default(), now, Some(before_deadline)),
            (InvitationStatus::Sent, RemindersSent { not_started: true, deadline: false }, now, Some(before_deadline)),
            (InvitationStatus::Sent, RemindersSent { not_started: true, deadline: true }, now, None),
            // Not delivered yet and already due: looked at again in an hour.
            (InvitationStatus::Queued, RemindersSent::default(), not_started, Some(not_started + TimeDelta::hours(1))),
            (InvitationStatus::Bounced, RemindersSent::default(), now, Some(not_started)),
            (InvitationStatus::Completed, RemindersSent::default(), now, None),
            (InvitationStatus::Expired, RemindersSent::default(), now, None),
            // The deadline closed (2026-12-01 00:00Z): nothing to remind of.
            (InvitationStatus::Sent, RemindersSent::default(), t(0) + TimeDelta::days(9), None),
        ];
        for (status, sent, at, expected) in cases {
            let mut inv = fixture(status);
            inv.p.reminders_sent = sent;
            inv.plan_reminders(&policy, at);
            assert_eq!(inv.next_reminder_at(), expected, "{status:?} {sent:?} at {at}");
        }
        assert_eq!(
            {
                let mut inv = fixture(InvitationStatus::Sent);
                inv.plan_reminders(&ReminderPolicy::OFF, now);
                inv.next_reminder_at()
            },
            None,
            "no policy, no plan"
        );
        let mut inv = fixture(InvitationStatus::Opened);
        inv.plan_reminders(&policy, now);
        assert!(inv.cancel(now).is_ok());
        assert_eq!(inv.next_reminder_at(), None, "final states clear the plan");
    }

    #[test]
    fn reminders_fall_due_once_each() {
        let policy = ReminderPolicy::default(); // 2 days after sending; 1 day before the deadline
        let mut inv = fixture(InvitationStatus::Sent); // created 2026-11-22 00:00Z, deadline 2026-11-30 UTC
        let not_started_due = t(0) + TimeDelta::days(2);
        assert_eq!(inv.reminder_due_at(ReminderKind::NotStarted, &policy), Some(not_started_due));
        let deadline_due = Utc.with_ymd_and_hms(2026, 11, 29, 0, 0, 0).single().unwrap_or_else(|| panic!());
        assert_eq!(inv.reminder_due_at(ReminderKind::DeadlineApproaching, &policy), Some(deadline_due));

        let early = not_started_due - TimeDelta::seconds(1);
        assert_eq!(inv.remind(ReminderKind::NotStarted, &policy, early), Err(TransitionError::ReminderNotDue));
        assert_eq!(
            inv.remind(ReminderKind::NotStarted, &policy, not_started_due),
            Ok(EventKind::ReminderQueued(ReminderKind::NotStarted))
        );
        assert_eq!(
            inv.remind(ReminderKind::NotStarted, &policy, deadline_due),
            Err(TransitionError::ReminderNotDue),
            "once only"
        );
        assert_eq!(
            inv.remind(ReminderKind::DeadlineApproaching, &policy, deadline_due),
            Ok(EventKind::ReminderQueued(ReminderKind::DeadlineApproaching))
        );
        assert_eq!(
            inv.remind(ReminderKind::DeadlineApproaching, &policy, deadline_due),
            Err(TransitionError::ReminderNotDue)
        );

        // started candidates get no not-started reminder; queued (undelivered) ones get none
        let mut started = fixture(InvitationStatus::Started);
        assert_eq!(
            started.remind(ReminderKind::NotStarted, &policy, deadline_due),
            Err(TransitionError::ReminderNotDue)
        );
        assert!(started.remind(ReminderKind::DeadlineApproaching, &policy, deadline_due).is_ok());
        let mut queued = fixture(InvitationStatus::Queued);
        assert_eq!(
            queued.remind(ReminderKind::NotStarted, &policy, deadline_due),
            Err(TransitionError::ReminderNotDue)
        );
        assert_eq!(ReminderPolicy::OFF.days_before_deadline(), None);
        assert_eq!(inv.reminder_due_at(ReminderKind::NotStarted, &ReminderPolicy::OFF), None);
    }

    #[test]
    fn stored_parts_are_checked() {
        let mut parts = fixture(InvitationStatus::Sent).parts().clone();
        parts.takes = vec![0];
        assert!(Invitation::from_parts(parts).is_err());
        let mut parts = fixture(InvitationStatus::Sent).parts().clone();
        parts.expired_from = Some(InvitationStatus::Queued);
        assert!(Invitation::from_parts(parts).is_err());
        let mut parts = fixture(InvitationStatus::Expired).parts().clone();
        parts.expired_from = Some(InvitationStatus::Completed);
        assert!(Invitation::from_parts(parts).is_err());
    }
}
