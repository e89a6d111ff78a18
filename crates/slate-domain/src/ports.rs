//! Ports: the traits through which the domain reaches time, randomness, secrets, storage,
//! mail and video. Adapters implement them; [`crate::Slate`] uses them as `Arc<dyn Port>`.
//!
//! With the `mocks` feature every port has a mockall mock (`MockClock`, `MockUnitOfWork` …).

use std::error::Error as StdError;
use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{
    Answer, ApiKey, ApiKeyId, AttendeeId, Candidate, CandidateId, CapturedEmail, ClaimToken, EmailAddress, Funnel,
    FunnelScope, InterviewId, InterviewStatus, Invitation, InvitationId, InvitationQuery, Job, JobId, Language,
    LinkToken, LinkVersion, MediaKey, MessageContext, MessageId, MessageTemplate, NamePrefix, Organization,
    OrganizationId, OutboxMessage, Page, Password, PasswordHash, Recruiter, RecruiterId, RenderedMessage, ReviewNote,
    Session, SessionId, TemplateContent, TemplateId, TemplateKind, TimelineEvent, VideoInterview,
};
use crate::{LiveInterview, LiveInterviewId, LiveMessageContext, LiveQuery};

/// The current time. The domain never reads the system clock itself.
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
}

/// Fresh identifiers and secrets. Implementations MUST NOT return the same UUID twice;
/// time-ordered UUIDs (v7) keep database indexes compact.
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
pub trait IdGenerator: Send + Sync {
    /// A new, never-seen UUID.
    fn new_uuid(&self) -> Uuid;

    /// 32 bytes for a session token or an API key. Production implementations MUST draw
    /// them from the operating system's cryptographic random source.
    fn new_secret(&self) -> [u8; 32];
}

/// Password hashing (Argon2id in production). Slow on purpose, hence async: adapters run
/// it off the request threads.
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// A salted hash of `password`.
    ///
    /// # Errors
    /// [`AdapterError`] when hashing fails (out of memory …).
    async fn hash(&self, password: &Password) -> Result<PasswordHash, AdapterError>;

    /// Whether `password` matches `hash`. With `None` (unknown account) it MUST do the same
    /// work as for a real hash and return `false`, so response times do not reveal which
    /// emails have accounts.
    async fn verify(&self, password: &Password, hash: Option<PasswordHash>) -> bool;
}

/// Credentials, sessions and API keys. They are written through [`UnitOfWork::commit`].
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait AccountRepository: Send + Sync {
    /// Whether any organization exists (first start seeds one when none does).
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn any_organization(&self) -> Result<bool, AdapterError>;

    /// The recruiter's password hash, if a password was set.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn password_hash(&self, recruiter: RecruiterId) -> Result<Option<PasswordHash>, AdapterError>;

    /// A session by id, in any organization (the cookie names it; its digest is checked).
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn session(&self, id: SessionId) -> Result<Option<Session>, AdapterError>;

    /// An API key by id, in any organization (the key names it; its digest is checked).
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn api_key(&self, id: ApiKeyId) -> Result<Option<ApiKey>, AdapterError>;

    /// The API keys of `org`, newest first, revoked ones included.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn api_keys(&self, org: OrganizationId) -> Result<Vec<ApiKey>, AdapterError>;
}

/// The scheme that turns an invitation into the secret part of its link and checks links
/// presented by browsers. [`crate::HmacLinkTokens`] is the default.
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
pub trait LinkTokens: Send + Sync {
    /// The token for `invitation` at `version`. MUST be deterministic (a resend reproduces
    /// the link), MUST carry at least 128 bits that cannot be computed without a secret the
    /// database does not hold, and MUST differ between versions.
    fn issue(&self, invitation: InvitationId, version: LinkVersion) -> LinkToken;

    /// The invitation a presented token claims to be for, or `None` when it is malformed.
    /// Nothing is verified: the caller loads that invitation and calls [`Self::verify`].
    fn claimed_invitation(&self, token: &LinkToken) -> Option<InvitationId>;

    /// Whether `token` is the token of `invitation` at `version`. MUST run in time
    /// independent of how much of the token is right.
    fn verify(&self, token: &LinkToken, invitation: InvitationId, version: LinkVersion) -> bool;

    /// The token of a live interview's `attendee` at `version`, with the same guarantees as
    /// [`Self::issue`]; MUST never verify as an invitation's token, nor the reverse, even
    /// for the same UUID.
    fn issue_attendee(&self, attendee: AttendeeId, version: LinkVersion) -> LinkToken;

    /// The attendee a presented token claims to be for, or `None` when it is malformed.
    fn claimed_attendee(&self, token: &LinkToken) -> Option<AttendeeId>;

    /// Whether `token` is the token of `attendee` at `version`, in constant time.
    fn verify_attendee(&self, token: &LinkToken, attendee: AttendeeId, version: LinkVersion) -> bool;
}

/// An opaque failure of an adapter behind a port — a storage driver (connection lost, corrupt
/// row …), a password hasher, a video store. Adapters wrap their own error; the domain only
/// passes it on, and the edges log it once and show people nothing of it.
#[derive(Debug)]
pub struct AdapterError(Box<dyn StdError + Send + Sync>);

impl AdapterError {
    /// Wraps a driver error.
    pub fn new(e: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self(e.into())
    }

    /// The underlying error.
    #[must_use]
    pub fn inner(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Display for AdapterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage error: {}", self.0)
    }
}

impl StdError for AdapterError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.0)
    }
}

/// Organizations (reads). Written through [`UnitOfWork::commit`]: [`Write::InsertOrganization`],
/// [`Write::UpdateOrganization`].
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait OrganizationRepository: Send + Sync {
    /// The organization, or `None`.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn get(&self, id: OrganizationId) -> Result<Option<Organization>, AdapterError>;
}

/// Recruiters (reads). Written through [`UnitOfWork::commit`]: [`Write::InsertRecruiter`].
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait RecruiterRepository: Send + Sync {
    /// The recruiter if it belongs to `org`; MUST return `None` for another organization's.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn get(&self, org: OrganizationId, id: RecruiterId) -> Result<Option<Recruiter>, AdapterError>;

    /// The recruiter with this account email, in any organization (for logging in).
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn find_by_email(&self, email: &EmailAddress) -> Result<Option<Recruiter>, AdapterError>;
}

/// Jobs (reads). Written through [`UnitOfWork::commit`]: [`Write::InsertJob`].
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait JobRepository: Send + Sync {
    /// The job if it belongs to `org`; MUST return `None` for another organization's.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn get(&self, org: OrganizationId, id: JobId) -> Result<Option<Job>, AdapterError>;

    /// Every job of `org`, by title.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn list(&self, org: OrganizationId) -> Result<Vec<Job>, AdapterError>;
}

/// Candidates (reads). Written through [`UnitOfWork::commit`]: [`Write::InsertCandidate`];
/// external candidates arrive in the same change set as their first invitation.
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait CandidateRepository: Send + Sync {
    /// The candidate if it belongs to `org`; MUST return `None` for another organization's.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn get(&self, org: OrganizationId, id: CandidateId) -> Result<Option<Candidate>, AdapterError>;

    /// Internal candidates of `org` whose first or last name starts with `prefix`
    /// (case-insensitively), by last name then first name, at most `limit`.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn search_by_name_prefix(
        &self,
        org: OrganizationId,
        prefix: &NamePrefix,
        limit: usize,
    ) -> Result<Vec<Candidate>, AdapterError>;

    /// `org`'s candidates (internal and external), newest first (by id: ids are
    /// time-ordered), those older than `before` (a previous page's last), at most `limit`.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn list(
        &self,
        org: OrganizationId,
        before: Option<CandidateId>,
        limit: usize,
    ) -> Result<Vec<Candidate>, AdapterError>;
}

/// Video interviews (reads). Written through [`UnitOfWork::commit`]: [`Write::InsertInterview`],
/// [`Write::UpdateInterview`] (revision-checked).
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait InterviewRepository: Send + Sync {
    /// The interview if it belongs to `org`; MUST return `None` for another organization's.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn get(&self, org: OrganizationId, id: InterviewId) -> Result<Option<VideoInterview>, AdapterError>;

    /// The interviews of `org`, optionally of one status, newest first.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn list(
        &self,
        org: OrganizationId,
        status: Option<InterviewStatus>,
    ) -> Result<Vec<VideoInterview>, AdapterError>;
}

/// Invitations (reads). Written through [`UnitOfWork::commit`]: [`Write::InsertInvitation`],
/// [`Write::UpdateInvitation`] (revision-checked; one open invitation per interview and
/// address).
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait InvitationRepository: Send + Sync {
    /// The invitation if it belongs to `org`; MUST return `None` for another organization's.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn get(&self, org: OrganizationId, id: InvitationId) -> Result<Option<Invitation>, AdapterError>;

    /// The invitation with this id in any organization: only for the candidate's link,
    /// whose token is verified against it before anything is shown.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn get_for_link(&self, id: InvitationId) -> Result<Option<Invitation>, AdapterError>;

    /// The invitations with these ids, in any organization, in no particular order (missing
    /// ones left out): only for the mail worker, which holds messages of every organization
    /// and reads a whole batch's invitations at once.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn get_many(&self, ids: &[InvitationId]) -> Result<Vec<Invitation>, AdapterError>;

    /// An invitation of `org` to `interview` for `email` (compared by
    /// [`EmailAddress::match_key`]) that is still open (status
    /// Queued, Sent, Opened, Started, Bounced or Expired), if any.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn find_open(
        &self,
        org: OrganizationId,
        interview: InterviewId,
        email: &EmailAddress,
    ) -> Result<Option<Invitation>, AdapterError>;

    /// One page of `org`'s invitations: those for which [`Invitation::matches`] holds, in
    /// `query.sort` order with ties broken by id, after `query.after`, at most
    /// `query.limit`; `next` is set when the page is full.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn list(&self, org: OrganizationId, query: &InvitationQuery) -> Result<Page<Invitation>, AdapterError>;

    /// Up to `limit` invitations of any organization in an open status (Queued, Sent,
    /// Opened, Started, Bounced) whose deadline closed at or before `now`.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn overdue(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Invitation>, AdapterError>;

    /// Up to `limit` invitations of any organization whose
    /// [`Invitation::next_reminder_at`] is at or before `now`, earliest first. MUST be
    /// answered from an index on that moment, not by reading every open invitation.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn awaiting_reminders(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Invitation>, AdapterError>;

    /// How far `org`'s invitations in `scope` got ([`Funnel::count`] over each: its stored
    /// status, and whether `opened_at` and `started_at` are set). MUST count in the
    /// database (one aggregate query), not by reading the invitations.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn funnel(&self, org: OrganizationId, scope: FunnelScope) -> Result<Funnel, AdapterError>;
}

/// Live interviews (reads). Written through [`UnitOfWork::commit`]:
/// [`Write::InsertLiveInterview`], [`Write::UpdateLiveInterview`] (revision-checked).
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait LiveInterviewRepository: Send + Sync {
    /// The live interview, with its attendees, if it belongs to `org`; MUST return `None`
    /// for another organization's.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn get(&self, org: OrganizationId, id: LiveInterviewId) -> Result<Option<LiveInterview>, AdapterError>;

    /// The live interview `attendee` is invited to, in any organization: only for the
    /// attendee's link, whose token is verified against it before anything is shown.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn get_for_attendee(&self, attendee: AttendeeId) -> Result<Option<LiveInterview>, AdapterError>;

    /// `org`'s live interviews for which [`LiveQuery::matches`] holds, by start time then
    /// id, at most `query.limit`.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn list(&self, org: OrganizationId, query: &LiveQuery) -> Result<Vec<LiveInterview>, AdapterError>;

    /// Up to `limit` live interviews of any organization whose reminder is due at or before
    /// `now` ([`crate::LiveInterviewParts::reminder_due_at`]), earliest first. MUST be
    /// answered from an index on that moment.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn reminders_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<LiveInterview>, AdapterError>;
}

/// Timelines (reads). Written through [`UnitOfWork::commit`]: [`Write::AppendEvent`], always in
/// the same change set as the change it records.
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait TimelineRepository: Send + Sync {
    /// The events on `candidate`'s timeline in `org`, oldest first (ties in insertion order).
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn for_candidate(
        &self,
        org: OrganizationId,
        candidate: CandidateId,
    ) -> Result<Vec<TimelineEvent>, AdapterError>;
}

/// Recorded answers and review notes (reads). Written through [`UnitOfWork::commit`]:
/// [`Write::InsertAnswer`], [`Write::AppendReviewNote`].
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait AnswerRepository: Send + Sync {
    /// Every take of `invitation` in `org`, by question order then take.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn for_invitation(&self, org: OrganizationId, invitation: InvitationId) -> Result<Vec<Answer>, AdapterError>;

    /// The review notes on `invitation` of `org`, in any order; MUST return none of
    /// another organization's. Written through [`Write::AppendReviewNote`].
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn review_notes(
        &self,
        org: OrganizationId,
        invitation: InvitationId,
    ) -> Result<Vec<ReviewNote>, AdapterError>;
}

/// The outbox, as the mail worker and the API see it. Messages are added and updated only
/// through [`UnitOfWork::commit`], together with the change that caused them.
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait Outbox: Send + Sync {
    /// Claims up to `limit` messages that are pending with `not_before <= now`, or claimed
    /// with a lapsed claim, those due longest first (by `not_before`, or by when the claim
    /// lapsed; ties in any order), marking them claimed by `token` until `until` and counting
    /// the attempt. A claim SHOULD cost the same however many messages are due (read in the
    /// order of an index, not all of them sorted). Two callers at the same time MUST NOT get the same message (row
    /// locks with `SKIP LOCKED`, or an equivalent).
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn claim(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        token: ClaimToken,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, AdapterError>;

    /// When the oldest message that is due at `now` (pending and not held back, or claimed
    /// with a lapsed claim) was queued: how far the workers are behind.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn oldest_due(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, AdapterError>;

    /// One message.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn get(&self, id: MessageId) -> Result<Option<OutboxMessage>, AdapterError>;

    /// How many messages wait to be sent (pending or claimed), across organizations: the
    /// outbox depth operators watch.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn depth(&self) -> Result<u64, AdapterError>;

    /// The messages about `invitation` in `org`, oldest first.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn for_invitation(
        &self,
        org: OrganizationId,
        invitation: InvitationId,
    ) -> Result<Vec<OutboxMessage>, AdapterError>;
}

/// Organizations' own wordings of their emails. Written through [`UnitOfWork::commit`].
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait TemplateRepository: Send + Sync {
    /// `org`'s template for `kind` in `language`, if it has one.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn get(
        &self,
        org: OrganizationId,
        kind: TemplateKind,
        language: Language,
    ) -> Result<Option<MessageTemplate>, AdapterError>;

    /// Every template of `org`.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn list(&self, org: OrganizationId) -> Result<Vec<MessageTemplate>, AdapterError>;
}

/// The local mailbox: emails kept instead of sent. Written through [`UnitOfWork::commit`].
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait MailboxRepository: Send + Sync {
    /// `org`'s captured emails, newest first, older than `before` (a previous page's last
    /// email), at most `limit`.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn list(
        &self,
        org: OrganizationId,
        before: Option<MessageId>,
        limit: usize,
    ) -> Result<Vec<CapturedEmail>, AdapterError>;

    /// One captured email of `org`; MUST return `None` for another organization's.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    async fn get(&self, org: OrganizationId, id: MessageId) -> Result<Option<CapturedEmail>, AdapterError>;
}

/// Words messages: fills a template with a message's values and lays it out as plain text
/// and HTML, in the message's language. Implemented by the mail adapter.
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
pub trait MessageRenderer: Send + Sync {
    /// The wording Slate ships for `kind` in `language`. MUST satisfy
    /// [`TemplateContent::parse`]'s rules for `kind`.
    fn default_content(&self, kind: TemplateKind, language: Language) -> TemplateContent;

    /// The message's subject, text and HTML. Every value MUST be escaped in the HTML part,
    /// and the HTML MUST load nothing from elsewhere.
    fn render(&self, context: &MessageContext) -> RenderedMessage;

    /// The same for a message to a live interview's attendee (the meeting request itself,
    /// the iCalendar part, is the mail adapter's).
    fn render_live(&self, context: &LiveMessageContext) -> RenderedMessage;
}

/// Everything one storage adapter serves: every repository, the outbox, the unit of work and
/// the accounts. Implemented for any type that implements them all (see
/// [`crate::Ports::from_store`]).
pub trait Store:
    OrganizationRepository
    + RecruiterRepository
    + JobRepository
    + CandidateRepository
    + InterviewRepository
    + InvitationRepository
    + TimelineRepository
    + AnswerRepository
    + Outbox
    + UnitOfWork
    + AccountRepository
    + TemplateRepository
    + MailboxRepository
    + LiveInterviewRepository
    + 'static
{
}

impl<T> Store for T where
    T: OrganizationRepository
        + RecruiterRepository
        + JobRepository
        + CandidateRepository
        + InterviewRepository
        + InvitationRepository
        + TimelineRepository
        + AnswerRepository
        + Outbox
        + UnitOfWork
        + AccountRepository
        + TemplateRepository
        + MailboxRepository
        + LiveInterviewRepository
        + 'static
{
}

/// One write of a [`ChangeSet`]. Exhaustive on purpose: a new write is a compile error in
/// every adapter until it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// A new organization.
    InsertOrganization(Organization),
    /// An organization's new settings (name, zone, default language, reminders); the last
    /// write wins. MUST fail with [`CommitError::Conflict`] when the organization is missing.
    UpdateOrganization(Organization),
    /// A new recruiter; MUST fail with [`CommitError::Duplicate`] when the email is taken.
    InsertRecruiter(Recruiter),
    /// A new job.
    InsertJob(Job),
    /// A new candidate.
    InsertCandidate(Candidate),
    /// A new interview.
    InsertInterview(VideoInterview),
    /// A changed interview, read at [`VideoInterview::revision`].
    UpdateInterview(VideoInterview),
    /// A new invitation; MUST fail with [`CommitError::Duplicate`] when another invitation
    /// of the same organization to the same interview, for the same
    /// [`EmailAddress::match_key`], is neither completed nor cancelled.
    InsertInvitation(Invitation),
    /// A changed invitation, read at [`Invitation::revision`]; like
    /// [`Write::InsertInvitation`], MUST fail with [`CommitError::Duplicate`] when the change
    /// leaves two open invitations of one organization to one interview for one address (a
    /// corrected email, or a reopened invitation).
    UpdateInvitation(Invitation),
    /// A timeline event.
    AppendEvent(TimelineEvent),
    /// A new live interview with its attendees; MUST fail with [`CommitError::Duplicate`]
    /// when its id or an attendee's id exists.
    InsertLiveInterview(LiveInterview),
    /// A changed live interview, read at its revision: its slot, location, sequence,
    /// cancellation and each attendee's response and link version (the attendees
    /// themselves never change).
    UpdateLiveInterview(LiveInterview),
    /// A recorded answer.
    InsertAnswer(Answer),
    /// A review note (append-only: notes are never changed or removed).
    AppendReviewNote(ReviewNote),
    /// A new message; MUST fail with [`CommitError::Duplicate`] when a message with the
    /// same [`OutboxMessage::key`] exists.
    Enqueue(OutboxMessage),
    /// A message's new delivery state, recorded by the worker holding the claim `token`;
    /// MUST fail with [`CommitError::Conflict`] unless the stored message is still claimed
    /// with that token (a worker whose claim lapsed and was taken over never overwrites the
    /// outcome the new holder records).
    UpdateMessage {
        /// The message in its new state.
        message: OutboxMessage,
        /// The claim it was sent under.
        token: ClaimToken,
    },
    /// An organization's new template; MUST fail with [`CommitError::Duplicate`] when the
    /// organization already has one for the same kind and language.
    InsertTemplate(MessageTemplate),
    /// A changed template, read at [`MessageTemplate::revision`].
    UpdateTemplate(MessageTemplate),
    /// Removes `id` of `organization_id` (back to the default); MUST leave another
    /// organization's template alone and fail with [`CommitError::Conflict`] when missing.
    DeleteTemplate {
        /// The template's organization.
        organization_id: OrganizationId,
        /// The template.
        id: TemplateId,
    },
    /// An email kept by the local mailbox; MUST fail with [`CommitError::Duplicate`] when
    /// the message was captured already.
    CaptureEmail(CapturedEmail),
    /// Sets (or replaces) a recruiter's password hash.
    SetPassword {
        /// The recruiter.
        recruiter_id: RecruiterId,
        /// The new hash.
        hash: PasswordHash,
    },
    /// A new login session.
    InsertSession(Session),
    /// Ends a session (logging out); a missing session is not an error.
    DeleteSession(SessionId),
    /// Ends every session that expired at or before the instant.
    DeleteExpiredSessions(DateTime<Utc>),
    /// Ends every session of one recruiter (password changed, "log out everywhere"); MUST
    /// leave other recruiters' sessions alone.
    DeleteSessionsOf {
        /// The recruiter's organization.
        organization_id: OrganizationId,
        /// The recruiter.
        recruiter_id: RecruiterId,
    },
    /// A new API key.
    InsertApiKey(ApiKey),
    /// Revokes `id` of `organization_id` at `at`; MUST leave another organization's key alone.
    RevokeApiKey {
        /// The key's organization.
        organization_id: OrganizationId,
        /// The key.
        id: ApiKeyId,
        /// When.
        at: DateTime<Utc>,
    },
}

/// Everything one use case writes, committed at once by [`UnitOfWork::commit`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    writes: Vec<Write>,
}

impl ChangeSet {
    /// An empty change set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a write.
    pub fn push(&mut self, write: Write) -> &mut Self {
        self.writes.push(write);
        self
    }

    /// The writes, in order.
    #[must_use]
    pub fn writes(&self) -> &[Write] {
        &self.writes
    }

    /// Consumes the set.
    #[must_use]
    pub fn into_writes(self) -> Vec<Write> {
        self.writes
    }

    /// Whether nothing is to be written.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }
}

/// Why a commit failed. Nothing of the change set was written.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// A changed aggregate was modified by someone else since it was read.
    #[error("the record was changed by someone else; reload and try again")]
    Conflict,
    /// A unique key is taken (named by the string).
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

/// Commits what a use case decided, atomically: the one way anything is written.
///
/// Implementing it: apply every [`Write`] of the [`ChangeSet`] in order inside one
/// transaction, and on any failure apply none (a SQL transaction, a lock around an
/// in-memory map, or — for an adapter that owns only some records — checking its own writes
/// first, committing the rest through the other store, then applying its own; see
/// `examples/custom_adapter.rs`). `Update*` writes carry the value as it was read: store it
/// with `revision + 1` only when the stored revision still equals the value's, else
/// [`CommitError::Conflict`]. The storage contract kit (`contract` module, feature
/// `contract-tests`) checks all of this.
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait UnitOfWork: Send + Sync {
    /// Applies every write of `changes` or none of them.
    ///
    /// Contract: `Update*` MUST fail with [`CommitError::Conflict`] unless the stored
    /// revision equals the value's revision, and MUST store revision + 1; `Insert*` MUST fail
    /// with [`CommitError::Duplicate`] when the id exists; see [`Write`] for the other keys.
    ///
    /// # Errors
    /// [`CommitError`]; on any error nothing was written.
    async fn commit(&self, changes: ChangeSet) -> Result<(), CommitError>;
}

/// Bytes arriving or leaving in pieces: an upload's body, or a stored video read back. Video
/// stores never gather one whole.
pub type ByteStream = futures_util::stream::BoxStream<'static, Result<bytes::Bytes, std::io::Error>>;

/// A [`ByteStream`] of one piece, for callers that already hold the bytes (tests, small files).
#[must_use]
pub fn byte_stream(bytes: impl Into<bytes::Bytes>) -> ByteStream {
    let bytes: bytes::Bytes = bytes.into();
    Box::pin(futures_util::stream::iter([Ok(bytes)]))
}

/// How far an upload has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoStat {
    /// Bytes stored so far (the offset the next append must start at).
    pub size: u64,
    /// The length declared when the upload began.
    pub length: u64,
    /// Whether every declared byte arrived; the video is then readable and final.
    pub complete: bool,
}

/// Why a video-store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum VideoStoreError {
    /// An append at the wrong offset (a retried or raced chunk): resume from `expected`.
    #[error("upload offset mismatch: expected {expected}")]
    OffsetMismatch {
        /// Where the next chunk must start.
        expected: u64,
    },
    /// More bytes arrived than the upload declared; those that fit were kept.
    #[error("the upload is longer than its declared {length} bytes")]
    TooLong {
        /// The declared length.
        length: u64,
    },
    /// The body broke off (a dropped connection); what arrived was kept: resume from `offset`.
    #[error("the upload was interrupted at byte {offset}")]
    Interrupted {
        /// Bytes stored.
        offset: u64,
    },
    /// Appending to, or restarting, a finished upload.
    #[error("the upload is already complete")]
    AlreadyComplete,
    /// No such media, or no upload begun under this key.
    #[error("no such media")]
    NotFound,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

/// Video storage with resumable uploads: an upload declares its length, then bytes are
/// appended at a known offset, so one interrupted by a dropped connection resumes where it
/// stopped; when the last declared byte is stored the video is complete, readable and
/// final. Implementations MUST stream (never hold a whole video in memory) and MUST
/// serialize appends to one key (two racing appends at the same offset: one wins, the other
/// gets [`VideoStoreError::OffsetMismatch`]).
#[cfg_attr(all(any(test, feature = "mocks"), not(doc)), mockall::automock)]
#[async_trait]
pub trait VideoStore: Send + Sync {
    /// Begins an upload of `length` bytes under `key`, discarding any unfinished upload there.
    ///
    /// # Errors
    /// [`VideoStoreError::AlreadyComplete`] when a finished video has this key.
    async fn begin(&self, key: &MediaKey, length: u64) -> Result<(), VideoStoreError>;

    /// Appends `body` at `offset`. Returns the new size; the upload is complete when it
    /// equals the declared length.
    ///
    /// # Errors
    /// [`VideoStoreError::NotFound`] before [`Self::begin`];
    /// [`VideoStoreError::OffsetMismatch`] unless `offset` is the current size;
    /// [`VideoStoreError::AlreadyComplete`]; [`VideoStoreError::TooLong`] past the declared
    /// length; [`VideoStoreError::Interrupted`] when `body` fails.
    async fn append(&self, key: &MediaKey, offset: u64, body: ByteStream) -> Result<u64, VideoStoreError>;

    /// How far the upload has got, or `None` when nothing was begun.
    ///
    /// # Errors
    /// [`VideoStoreError::Internal`] on a storage failure.
    async fn stat(&self, key: &MediaKey) -> Result<Option<VideoStat>, VideoStoreError>;

    /// Bytes `start..end` (end exclusive, clamped to the size) of finished media, as a stream.
    ///
    /// # Errors
    /// [`VideoStoreError::NotFound`], also for unfinished media.
    async fn read(&self, key: &MediaKey, start: u64, end: u64) -> Result<ByteStream, VideoStoreError>;

    /// Deletes the media or the unfinished upload; deleting missing media is not an error.
    ///
    /// # Errors
    /// [`VideoStoreError::Internal`] on a storage failure.
    async fn delete(&self, key: &MediaKey) -> Result<(), VideoStoreError>;

    /// Removes unfinished uploads untouched since `before` (candidates who gave up). Returns
    /// how many.
    ///
    /// # Errors
    /// [`VideoStoreError::Internal`] on a storage failure.
    async fn sweep_abandoned(&self, before: DateTime<Utc>) -> Result<u64, VideoStoreError>;
}

/// Reads a whole stored range into memory: for small reads (sniffing a header, tests).
///
/// # Errors
/// As [`VideoStore::read`]; a failing stream is [`VideoStoreError::Internal`].
pub async fn read_to_vec(
    videos: &dyn VideoStore,
    key: &MediaKey,
    start: u64,
    end: u64,
) -> Result<Vec<u8>, VideoStoreError> {
    use futures_util::TryStreamExt as _;
    let stream = videos.read(key, start, end).await?;
    let chunks: Vec<bytes::Bytes> = stream.try_collect().await.map_err(AdapterError::new)?;
    Ok(chunks.concat())
}
