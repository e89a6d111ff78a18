//! Outgoing messages, queued in the same commit as the change that caused them.

use chrono::{DateTime, Utc};

use crate::{AttendeeId, ClaimToken, EmailAddress, InvitationId, Language, LiveInterviewId, MessageId, OrganizationId};

/// Which automatic reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReminderKind {
    /// Sent some days after the invitation if the candidate has not started.
    NotStarted,
    /// Sent some days before the deadline if the candidate has not completed.
    DeadlineApproaching,
}

impl ReminderKind {
    /// Parses [`Self::as_str`]'s names.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::NotStarted, Self::DeadlineApproaching].into_iter().find(|k| k.as_str() == name)
    }

    /// `"not_started"` or `"deadline_approaching"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::DeadlineApproaching => "deadline_approaching",
        }
    }
}

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageKind {
    /// The invitation, to the candidate.
    Invitation,
    /// The copy of the invitation to the inviting recruiter ("BCC myself").
    BccCopy,
    /// The invitation sent again, same link.
    Resend,
    /// An automatic reminder to the candidate.
    Reminder(ReminderKind),
    /// The notice to the recruiter that the candidate completed ("Notify me").
    CompletionNotice,
    /// The candidate is told the deadline moved.
    DeadlineChanged,
    /// The candidate is told the invitation was withdrawn.
    Cancelled,
    /// A live interview's invite (a meeting request) to its candidate.
    LiveInvitation,
    /// A live interview's invite (a meeting request) to an interviewer.
    LiveInterviewerInvitation,
    /// A live interview moved: the updated meeting request, to every attendee.
    LiveUpdated,
    /// A live interview was cancelled: the meeting cancellation, to every attendee.
    LiveCancelled,
    /// A reminder before a live interview, to every attendee.
    LiveReminder,
}

impl MessageKind {
    /// A stable snake-case name, e.g. `"reminder_not_started"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::BccCopy => "bcc_copy",
            Self::Resend => "resend",
            Self::Reminder(ReminderKind::NotStarted) => "reminder_not_started",
            Self::Reminder(ReminderKind::DeadlineApproaching) => "reminder_deadline_approaching",
            Self::CompletionNotice => "completion_notice",
            Self::DeadlineChanged => "deadline_changed",
            Self::Cancelled => "cancelled",
            Self::LiveInvitation => "live_invitation",
            Self::LiveInterviewerInvitation => "live_interviewer_invitation",
            Self::LiveUpdated => "live_updated",
            Self::LiveCancelled => "live_cancelled",
            Self::LiveReminder => "live_reminder",
        }
    }

    /// Every kind.
    pub const ALL: [Self; 13] = [
        Self::Invitation,
        Self::BccCopy,
        Self::Resend,
        Self::Reminder(ReminderKind::NotStarted),
        Self::Reminder(ReminderKind::DeadlineApproaching),
        Self::CompletionNotice,
        Self::DeadlineChanged,
        Self::Cancelled,
        Self::LiveInvitation,
        Self::LiveInterviewerInvitation,
        Self::LiveUpdated,
        Self::LiveCancelled,
        Self::LiveReminder,
    ];

    /// Parses [`Self::as_str`]'s names.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Whether it goes to a video interview's candidate (rather than to the recruiter, or
    /// to a live interview's attendee).
    #[must_use]
    pub const fn is_for_candidate(self) -> bool {
        !matches!(self, Self::BccCopy | Self::CompletionNotice) && !self.is_live()
    }

    /// Whether it is about a live interview (and goes to one of its attendees).
    #[must_use]
    pub const fn is_live(self) -> bool {
        matches!(
            self,
            Self::LiveInvitation
                | Self::LiveInterviewerInvitation
                | Self::LiveUpdated
                | Self::LiveCancelled
                | Self::LiveReminder
        )
    }

    /// Whether it carries the candidate's link, so that its delivery moves a queued
    /// invitation to Sent and a permanent refusal marks it Bounced.
    #[must_use]
    pub const fn carries_link(self) -> bool {
        matches!(self, Self::Invitation | Self::Resend | Self::Reminder(_) | Self::DeadlineChanged)
    }

    /// The template that words it: the BCC copy is the invitation itself, with a note.
    #[must_use]
    pub const fn template_kind(self) -> crate::TemplateKind {
        use crate::TemplateKind as T;
        match self {
            Self::Invitation | Self::BccCopy => T::Invitation,
            Self::Resend => T::Resend,
            Self::Reminder(ReminderKind::NotStarted) => T::ReminderNotStarted,
            Self::Reminder(ReminderKind::DeadlineApproaching) => T::ReminderDeadline,
            Self::CompletionNotice => T::CompletionNotice,
            Self::DeadlineChanged => T::DeadlineChanged,
            Self::Cancelled => T::Cancelled,
            Self::LiveInvitation => T::LiveInvitation,
            Self::LiveInterviewerInvitation => T::LiveInterviewer,
            Self::LiveUpdated => T::LiveUpdated,
            Self::LiveCancelled => T::LiveCancelled,
            Self::LiveReminder => T::LiveReminder,
        }
    }
}

/// What a message is about: an invitation (to its candidate or its recruiter), or one
/// attendee of a live interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageSubject {
    /// A video-interview invitation.
    Invitation(InvitationId),
    /// An attendee of a live interview.
    Attendee {
        /// The live interview.
        live_interview_id: LiveInterviewId,
        /// The attendee it goes to.
        attendee_id: AttendeeId,
    },
}

impl MessageSubject {
    /// The invitation, for a message about one.
    #[must_use]
    pub const fn invitation_id(self) -> Option<InvitationId> {
        match self {
            Self::Invitation(i) => Some(i),
            Self::Attendee { .. } => None,
        }
    }

    /// The live interview and attendee, for a message about one.
    #[must_use]
    pub const fn attendee(self) -> Option<(LiveInterviewId, AttendeeId)> {
        match self {
            Self::Invitation(_) => None,
            Self::Attendee { live_interview_id, attendee_id } => Some((live_interview_id, attendee_id)),
        }
    }
}

/// Where a message stands in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryState {
    /// Waiting for a worker, not before `not_before`.
    Pending {
        /// The earliest time to try (later after a temporary failure).
        not_before: DateTime<Utc>,
        /// Attempts made so far.
        attempts: u32,
    },
    /// Claimed by a worker until `until`; another worker may take it over after that.
    Claimed {
        /// When the claim lapses.
        until: DateTime<Utc>,
        /// Attempts made so far, this one included.
        attempts: u32,
        /// The claim: only its holder may record how sending went.
        token: ClaimToken,
    },
    /// Accepted by the mail server.
    Delivered {
        /// When.
        at: DateTime<Utc>,
    },
    /// Not sent, on purpose: what it announced no longer holds (the invitation was
    /// cancelled, completed or expired before it went out).
    Skipped {
        /// When.
        at: DateTime<Utc>,
        /// Why, safe to show.
        reason: String,
    },
    /// Refused for good, or given up after too many temporary failures.
    Failed {
        /// When.
        at: DateTime<Utc>,
        /// Why (safe to show; never holds the link).
        reason: String,
    },
}

/// A message waiting to be sent (or sent). It holds no rendered text and no link: the mail
/// adapter renders it at sending time from the invitation (or live interview), re-deriving
/// the same link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Its id.
    pub id: MessageId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// What it is about.
    pub about: MessageSubject,
    /// What it is.
    pub kind: MessageKind,
    /// With `about` and `kind`, the idempotency key: storing a second message with the
    /// same three MUST fail, so one event never queues two messages.
    pub sequence: u32,
    /// The recipient.
    pub to: EmailAddress,
    /// The language to render it in.
    pub language: Language,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// Where it stands.
    pub state: DeliveryState,
}

impl OutboxMessage {
    /// The token of the claim holding it, while it is claimed.
    #[must_use]
    pub const fn claim_token(&self) -> Option<ClaimToken> {
        match self.state {
            DeliveryState::Claimed { token, .. } => Some(token),
            _ => None,
        }
    }

    /// The idempotency key `(about, kind, sequence)`.
    #[must_use]
    pub fn key(&self) -> (MessageSubject, MessageKind, u32) {
        (self.about, self.kind, self.sequence)
    }

    /// The invitation it is about, if it is about one.
    #[must_use]
    pub const fn invitation_id(&self) -> Option<InvitationId> {
        self.about.invitation_id()
    }
}
