//! The candidate's activity timeline.

use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    AttendeeId, CandidateId, EmailAddress, EventId, InvitationId, LiveInterviewId, OrganizationId, RecruiterId,
    ReminderKind,
};

/// Who caused an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A recruiter, through the UI, or an integration through an API key acting for them.
    Recruiter(RecruiterId),
    /// The candidate, through their link.
    Candidate,
    /// Slate itself (the mail worker, the expiry and reminder jobs).
    System,
    /// An interviewer from outside Slate, through their live-interview link.
    ExternalInterviewer(AttendeeId),
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventKind {
    /// An invitation was created and its email queued.
    Invited {
        /// Where it was sent.
        email: EmailAddress,
        /// The interview's name at that moment.
        interview_name: String,
        /// The inclusive deadline.
        deadline: NaiveDate,
    },
    /// The mail server accepted a message for the candidate.
    EmailDelivered,
    /// The invitation email was sent again, with the same link.
    Resent,
    /// The candidate opened the link for the first time.
    Opened,
    /// The candidate accepted the recording notice (what is recorded, who sees it, how long
    /// it is kept) before starting; the event's time is the moment of consent.
    ConsentGiven,
    /// The first answer was recorded.
    Started,
    /// The candidate submitted all answers.
    Completed,
    /// The deadline passed before completion.
    Expired,
    /// A recruiter cancelled the invitation; its link no longer works.
    Cancelled,
    /// The deadline was changed; `reopened` when that revived an expired invitation.
    DeadlineChanged {
        /// The previous date.
        from: NaiveDate,
        /// The new date.
        to: NaiveDate,
        /// Whether an expired invitation was reopened.
        reopened: bool,
    },
    /// The mail server refused the address for good.
    EmailBounced {
        /// The server's reply, as far as it is safe to show.
        reason: String,
    },
    /// A message to the candidate could not be delivered after every retry.
    EmailFailed {
        /// The last failure, safe to show.
        reason: String,
    },
    /// The address of a bounced invitation was corrected and the email queued again.
    EmailChanged {
        /// The old address.
        from: EmailAddress,
        /// The new address.
        to: EmailAddress,
    },
    /// An automatic reminder was queued.
    ReminderQueued(ReminderKind),
    /// A recruiter recorded a decision on the candidate's answers.
    DecisionRecorded(crate::Decision),
    /// A live interview was scheduled and its invites queued.
    LiveScheduled {
        /// The live interview.
        live_interview_id: LiveInterviewId,
        /// Its title at that moment.
        title: String,
        /// When it starts.
        starts_at: DateTime<Utc>,
    },
    /// An attendee confirmed they will attend.
    LiveConfirmed {
        /// The live interview.
        live_interview_id: LiveInterviewId,
        /// The attendee's name.
        attendee: String,
    },
    /// An attendee declined, with their message if they left one.
    LiveDeclined {
        /// The live interview.
        live_interview_id: LiveInterviewId,
        /// The attendee's name.
        attendee: String,
        /// What they wrote.
        message: Option<String>,
    },
    /// The last attendee confirmed: the interview is scheduled.
    LiveAllConfirmed {
        /// The live interview.
        live_interview_id: LiveInterviewId,
    },
    /// A live interview was moved; every confirmation was reset and updates queued.
    LiveRescheduled {
        /// The live interview.
        live_interview_id: LiveInterviewId,
        /// The old start.
        from: DateTime<Utc>,
        /// The new start.
        to: DateTime<Utc>,
    },
    /// A live interview was cancelled; cancellations were queued.
    LiveCancelled {
        /// The live interview.
        live_interview_id: LiveInterviewId,
    },
    /// A live interview's invites were sent again.
    LiveResent {
        /// The live interview.
        live_interview_id: LiveInterviewId,
    },
}

impl EventKind {
    /// A stable snake-case name (`"invited"`, `"deadline_changed"` …) for APIs and storage.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Invited { .. } => "invited",
            Self::EmailDelivered => "email_delivered",
            Self::Resent => "resent",
            Self::Opened => "opened",
            Self::Started => "started",
            Self::Completed => "completed",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
            Self::DeadlineChanged { .. } => "deadline_changed",
            Self::EmailBounced { .. } => "email_bounced",
            Self::EmailFailed { .. } => "email_failed",
            Self::ConsentGiven => "consent_given",
            Self::EmailChanged { .. } => "email_changed",
            Self::ReminderQueued(_) => "reminder_queued",
            Self::DecisionRecorded(_) => "decision_recorded",
            Self::LiveScheduled { .. } => "live_scheduled",
            Self::LiveConfirmed { .. } => "live_confirmed",
            Self::LiveDeclined { .. } => "live_declined",
            Self::LiveAllConfirmed { .. } => "live_all_confirmed",
            Self::LiveRescheduled { .. } => "live_rescheduled",
            Self::LiveCancelled { .. } => "live_cancelled",
            Self::LiveResent { .. } => "live_resent",
        }
    }
}

/// One entry of a candidate's activity timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEvent {
    /// Its id.
    pub id: EventId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// The candidate whose timeline it is on.
    pub candidate_id: CandidateId,
    /// The invitation it concerns.
    pub invitation_id: Option<InvitationId>,
    /// What happened.
    pub kind: EventKind,
    /// Who did it.
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
}
