//! The use cases: the inbound API of the domain. [`Slate`] holds the ports and offers one
//! method per use case, each with its own error enum.
//!
//! Every use case that changes something builds one [`ChangeSet`] and commits it through
//! [`UnitOfWork::commit`]: the invitation, its timeline event and its outgoing messages are
//! stored together or not at all (see `docs/decisions/0003-atomic-use-cases.md`).

mod accounts;
mod background;
mod builder;
mod candidate_side;
mod delivery;
mod interviews;
mod invitations;
mod live;
mod mail;
mod queries;
mod review;
mod setup;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

pub use accounts::{
    AuthError, Authenticated, CreateAccountError, Credential, LoggedIn, LoginError, NewAccount, SetPasswordError,
};
pub use background::RemindersRun;
pub use builder::{MissingPort, PortsBuilder};
pub use candidate_side::{
    AnswerUpload, CompleteError, LinkCheck, OpenError, RecordAnswer, RecordAnswerError, UploadError,
};
pub use delivery::{DeliveryError, DeliveryOutcome, DeliveryReport, OutboxHealth, Prepared};
pub use interviews::{InterviewInput, InterviewUseCaseError, QuestionInput};
pub use invitations::{
    CancelError, ChangeDeadlineError, ChangeEmailError, InviteError, InviteExternal, InviteInternal, ResendError,
};
pub use live::{
    AttendeeLinkCheck, InterviewerInput, InviteFor, LivePreview, LiveRemindersRun, LiveUseCaseError, MessageDraft,
    RespondError, ScheduleLive, SlotInput,
};
pub use mail::{EffectiveTemplate, MailboxPage, PreviewInput, TemplateInput, TemplateUseCaseError};
pub use queries::{NotFoundError, TimelineError};
pub use review::{ReviewError, ReviewSheet};
pub use setup::{
    AddRecruiterError, CreateCandidateError, CreateJobError, NewCandidate, NewJob, NewOrganization, NewRecruiter,
    OrganizationSettings,
};

use crate::ports::{
    AccountRepository, AdapterError, AnswerRepository, CandidateRepository, ChangeSet, Clock, CommitError, IdGenerator,
    InterviewRepository, InvitationRepository, JobRepository, LinkTokens, LiveInterviewRepository, MailboxRepository,
    MessageRenderer, OrganizationRepository, Outbox, PasswordHasher, RecruiterRepository, Store, TemplateRepository,
    TimelineRepository, UnitOfWork, VideoStore,
};
use crate::{
    Actor, DeliveryState, EmailAddress, EventId, EventKind, Invitation, LinkUrl, MessageId, MessageKind,
    MessageSubject, OrganizationId, OutboxMessage, PublicUrl, RecruiterId, ReminderPolicy, TimelineEvent,
};

/// Every port Slate needs, as shared trait objects chosen at run time.
#[derive(Clone)]
pub struct Ports {
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// Fresh ids.
    pub ids: Arc<dyn IdGenerator>,
    /// The link scheme.
    pub links: Arc<dyn LinkTokens>,
    /// Organizations.
    pub organizations: Arc<dyn OrganizationRepository>,
    /// Recruiters.
    pub recruiters: Arc<dyn RecruiterRepository>,
    /// Jobs.
    pub jobs: Arc<dyn JobRepository>,
    /// Candidates.
    pub candidates: Arc<dyn CandidateRepository>,
    /// Video interviews.
    pub interviews: Arc<dyn InterviewRepository>,
    /// Invitations.
    pub invitations: Arc<dyn InvitationRepository>,
    /// Timelines.
    pub timeline: Arc<dyn TimelineRepository>,
    /// Answers.
    pub answers: Arc<dyn AnswerRepository>,
    /// The outbox.
    pub outbox: Arc<dyn Outbox>,
    /// Video storage.
    pub videos: Arc<dyn VideoStore>,
    /// Atomic commits.
    pub unit_of_work: Arc<dyn UnitOfWork>,
    /// Credentials, sessions and API keys.
    pub accounts: Arc<dyn AccountRepository>,
    /// Password hashing.
    pub passwords: Arc<dyn PasswordHasher>,
    /// Organizations' email templates.
    pub templates: Arc<dyn TemplateRepository>,
    /// The local mailbox.
    pub mailbox: Arc<dyn MailboxRepository>,
    /// Live interviews.
    pub live_interviews: Arc<dyn LiveInterviewRepository>,
    /// Wording of messages (the mail adapter's).
    pub renderer: Arc<dyn MessageRenderer>,
}

impl Ports {
    /// Ports with every storage port served by one `store`, and the other ports given.
    #[must_use]
    pub fn from_store<S: Store>(
        store: Arc<S>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
        links: Arc<dyn LinkTokens>,
        videos: Arc<dyn VideoStore>,
        passwords: Arc<dyn PasswordHasher>,
        renderer: Arc<dyn MessageRenderer>,
    ) -> Self {
        Self {
            clock,
            ids,
            links,
            organizations: store.clone(),
            recruiters: store.clone(),
            jobs: store.clone(),
            candidates: store.clone(),
            interviews: store.clone(),
            invitations: store.clone(),
            timeline: store.clone(),
            answers: store.clone(),
            outbox: store.clone(),
            unit_of_work: store.clone(),
            accounts: store.clone(),
            templates: store.clone(),
            mailbox: store.clone(),
            live_interviews: store,
            videos,
            passwords,
            renderer,
        }
    }
}

/// Limits and policies that are configuration rather than rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The largest accepted answer video, in bytes.
    pub max_answer_bytes: u64,
    /// How long an unfinished upload may sit untouched before it is removed.
    pub abandoned_upload_after: Duration,
    /// How long a mail worker's claim on a message lasts before another may take it over.
    pub outbox_claim: Duration,
    /// Attempts before a message that keeps failing temporarily is given up.
    pub outbox_max_attempts: u32,
    /// The delay after the first temporary failure; doubled after each further one.
    pub outbox_first_retry: Duration,
    /// The longest delay between attempts.
    pub outbox_max_retry: Duration,
    /// How long a login session lasts.
    pub session_ttl: Duration,
    /// How long before a live interview its attendees are reminded.
    pub live_reminder_lead: Duration,
    /// The address people reach Slate at: every link is built from it.
    pub public_url: PublicUrl,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_answer_bytes: 512 * 1024 * 1024,
            abandoned_upload_after: Duration::from_secs(48 * 3600),
            outbox_claim: Duration::from_secs(300),
            outbox_max_attempts: 10,
            outbox_first_retry: Duration::from_secs(30),
            outbox_max_retry: Duration::from_secs(6 * 3600),
            session_ttl: Duration::from_secs(12 * 3600),
            live_reminder_lead: Duration::from_secs(24 * 3600),
            public_url: PublicUrl::default(),
        }
    }
}

impl Settings {
    /// The delay before attempt `attempts + 1`, after `attempts` temporary failures:
    /// exponential (doubling from `outbox_first_retry`, capped at `outbox_max_retry`) with
    /// jitter — between half and all of that, spread by `spread` (any number that differs
    /// between messages, such as a hash of the message id), so that messages that failed
    /// together do not all retry at the same moment.
    #[must_use]
    pub fn retry_delay(&self, attempts: u32, spread: u64) -> Duration {
        let factor = 2_u32.saturating_pow(attempts.saturating_sub(1).min(31));
        let full = self.outbox_first_retry.saturating_mul(factor).min(self.outbox_max_retry);
        let half = full / 2;
        let millis = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
        half + Duration::from_millis(if millis == 0 { 0 } else { spread % (millis + 1) })
    }
}

/// Who is calling a recruiter-side use case: a recruiter of an organization. Everything the
/// use case reads or writes is scoped to that organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Caller {
    /// The caller's organization.
    pub organization_id: OrganizationId,
    /// The recruiter (for API keys, the recruiter the key acts for).
    pub recruiter_id: RecruiterId,
}

impl Caller {
    const fn actor(self) -> Actor {
        Actor::Recruiter(self.recruiter_id)
    }
}

/// Slate's domain service: one method per use case.
///
/// See the crate documentation for an example.
#[derive(Clone)]
pub struct Slate {
    ports: Ports,
    settings: Settings,
}

impl Slate {
    /// A service over `ports`.
    #[must_use]
    pub const fn new(ports: Ports, settings: Settings) -> Self {
        Self { ports, settings }
    }

    /// The settings.
    #[must_use]
    pub const fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Now, by the service's clock.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.ports.clock.now()
    }

    /// Today's date in `zone`, by the service's clock (the earliest deadline a form may
    /// offer).
    #[must_use]
    pub fn today_in(&self, zone: crate::TimeZone) -> chrono::NaiveDate {
        zone.date_at(self.now())
    }

    fn event(&self, invitation: &Invitation, kind: EventKind, actor: Actor, at: DateTime<Utc>) -> TimelineEvent {
        TimelineEvent {
            id: EventId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: invitation.organization_id(),
            candidate_id: invitation.candidate_id(),
            invitation_id: Some(invitation.id()),
            kind,
            actor,
            at,
        }
    }

    fn message(
        &self,
        invitation: &Invitation,
        kind: MessageKind,
        sequence: u32,
        to: EmailAddress,
        at: DateTime<Utc>,
    ) -> OutboxMessage {
        OutboxMessage {
            id: MessageId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: invitation.organization_id(),
            about: MessageSubject::Invitation(invitation.id()),
            kind,
            sequence,
            to,
            language: invitation.language(),
            created_at: at,
            state: DeliveryState::Pending { not_before: at, attempts: 0 },
        }
    }

    async fn commit(&self, changes: ChangeSet) -> Result<(), CommitError> {
        self.ports.unit_of_work.commit(changes).await
    }

    /// The organization's reminder policy (none for an organization that vanished).
    async fn reminder_policy(&self, org: OrganizationId) -> Result<ReminderPolicy, AdapterError> {
        Ok(self.ports.organizations.get(org).await?.map_or(ReminderPolicy::OFF, |o| o.reminders))
    }

    /// The candidate's link for `invitation`, as a URL: the one place links are built, for
    /// the API and for emails alike.
    #[must_use]
    pub fn candidate_link(&self, invitation: &Invitation) -> LinkUrl {
        self.settings.public_url.candidate_link(&self.link_token(invitation))
    }
}

/// A commit failure that cannot happen for writes keyed by fresh ids (inserts, deletes),
/// reported as a storage error rather than invented into a domain error.
fn unexpected(e: CommitError) -> AdapterError {
    match e {
        CommitError::Internal(e) => e,
        CommitError::Conflict => AdapterError::new("unexpected conflict"),
        CommitError::Duplicate(what) => AdapterError::new(format!("unexpected duplicate {what}")),
    }
}

fn delay(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}
