//! In-memory adapters for every port (feature `in-memory`): for the domain's own tests, for
//! embedders' tests, and for trying the crate. They honour every port contract (scoping by
//! organization, revision checks, unique keys, atomic commits, exclusive claims), so a use
//! case behaves here as it does over a database.
//!
//! ```
//! use slate_domain::memory::InMemory;
//! let memory = InMemory::new("2026-11-22T09:00:00Z".parse().unwrap());
//! let slate = memory.slate();
//! # let _ = slate;
//! ```

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::ports::LiveInterviewRepository;
use crate::ports::{
    AccountRepository, AdapterError, AnswerRepository, ByteStream, CandidateRepository, ChangeSet, Clock, CommitError,
    IdGenerator, InterviewRepository, InvitationRepository, JobRepository, MailboxRepository, OrganizationRepository,
    Outbox, PasswordHasher, RecruiterRepository, TemplateRepository, TimelineRepository, UnitOfWork, VideoStat,
    VideoStore, VideoStoreError, Write, byte_stream,
};
use crate::{
    Answer, ApiKey, ApiKeyId, Candidate, CandidateId, CandidateKind, Cursor, DeliveryState, EmailAddress, Funnel,
    FunnelScope, HmacLinkTokens, InterviewId, InterviewStatus, Invitation, InvitationId, InvitationQuery,
    InvitationStatus, Job, JobId, LinkSecret, MediaKey, MessageId, NamePrefix, Organization, OrganizationId,
    OutboxMessage, Page, Password, PasswordHash, Ports, Recruiter, RecruiterId, ReviewNote, Session, SessionId,
    Settings, Slate, SortOrder, TimelineEvent, VideoInterview,
};
use crate::{AttendeeId, LiveInterview, LiveInterviewId, LiveQuery};
use crate::{CapturedEmail, ClaimToken, Language, MessageTemplate, TemplateKind};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A clock that stands still until told to move.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// A clock showing `now`.
    #[must_use]
    pub const fn new(now: DateTime<Utc>) -> Self {
        Self(Mutex::new(now))
    }

    /// Sets the time.
    pub fn set(&self, now: DateTime<Utc>) {
        *lock(&self.0) = now;
    }

    /// Moves the time forward (or back, for a negative delta).
    pub fn advance(&self, by: TimeDelta) {
        let mut t = lock(&self.0);
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *lock(&self.0)
    }
}

/// Ids `00000000-0000-0000-0000-000000000001`, `…02` and so on: unique and predictable.
#[derive(Debug, Default)]
pub struct SequentialIds(AtomicU64);

impl IdGenerator for SequentialIds {
    fn new_uuid(&self) -> Uuid {
        Uuid::from_u128(u128::from(self.0.fetch_add(1, Ordering::Relaxed) + 1))
    }

    /// Predictable too (a counter spread over 32 bytes): unique, but *not secret*.
    fn new_secret(&self) -> [u8; 32] {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        let mut out = [0x5a; 32];
        out[..8].copy_from_slice(&n.to_be_bytes());
        out
    }
}

/// A password "hasher" for tests: salted SHA-256, fast and **not for production** (a real
/// deployment uses Argon2id). It honours the port's contract, including equal work for
/// unknown accounts.
#[derive(Debug, Default)]
pub struct TestPasswords;

impl TestPasswords {
    fn digest(salt: &str, password: &Password) -> String {
        use base64::Engine as _;
        use sha2::{Digest as _, Sha256};
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Sha256::digest(format!("{salt}\0{}", password.expose())))
    }
}

#[async_trait]
impl PasswordHasher for TestPasswords {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, AdapterError> {
        let salt = format!("{:016x}", password.expose().len());
        Ok(PasswordHash::new(format!("$test${salt}${}", Self::digest(&salt, password))))
    }

    async fn verify(&self, password: &Password, hash: Option<PasswordHash>) -> bool {
        let Some(hash) = hash else {
            let _ = Self::digest("0000000000000000", password);
            return false;
        };
        let mut parts = hash.as_str().split('$').skip(2);
        match (parts.next(), parts.next()) {
            (Some(salt), Some(digest)) => Self::digest(salt, password) == digest,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct State {
    organizations: BTreeMap<OrganizationId, Organization>,
    recruiters: BTreeMap<RecruiterId, Recruiter>,
    jobs: BTreeMap<JobId, Job>,
    candidates: BTreeMap<CandidateId, Candidate>,
    interviews: BTreeMap<InterviewId, VideoInterview>,
    invitations: BTreeMap<InvitationId, Invitation>,
    events: Vec<TimelineEvent>,
    answers: Vec<Answer>,
    messages: Vec<OutboxMessage>,
    passwords: BTreeMap<RecruiterId, PasswordHash>,
    sessions: BTreeMap<SessionId, Session>,
    api_keys: BTreeMap<ApiKeyId, ApiKey>,
    templates: Vec<MessageTemplate>,
    mailbox: Vec<CapturedEmail>,
    review_notes: Vec<ReviewNote>,
    live: BTreeMap<LiveInterviewId, LiveInterview>,
}

impl State {
    fn apply(&mut self, write: Write) -> Result<(), CommitError> {
        fn insert<K: Ord, V>(
            map: &mut BTreeMap<K, V>,
            key: K,
            value: V,
            what: &'static str,
        ) -> Result<(), CommitError> {
            if map.contains_key(&key) {
                return Err(CommitError::Duplicate(what));
            }
            map.insert(key, value);
            Ok(())
        }
        match write {
            Write::InsertOrganization(o) => insert(&mut self.organizations, o.id, o, "organization"),
            Write::UpdateOrganization(o) => {
                let stored = self.organizations.get_mut(&o.id).ok_or(CommitError::Conflict)?;
                *stored = o;
                Ok(())
            }
            Write::AppendReviewNote(n) => {
                if self.review_notes.iter().any(|x| x.id == n.id) {
                    return Err(CommitError::Duplicate("review note"));
                }
                self.review_notes.push(n);
                Ok(())
            }
            Write::InsertRecruiter(r) => {
                if self.recruiters.values().any(|x| x.email.match_key() == r.email.match_key()) {
                    return Err(CommitError::Duplicate("recruiter email"));
                }
                insert(&mut self.recruiters, r.id, r, "recruiter")
            }
            Write::InsertJob(j) => insert(&mut self.jobs, j.id, j, "job"),
            Write::InsertCandidate(c) => insert(&mut self.candidates, c.id, c, "candidate"),
            Write::InsertInterview(i) => insert(&mut self.interviews, i.id(), i, "interview"),
            Write::UpdateInterview(mut i) => {
                let stored = self.interviews.get(&i.id()).ok_or(CommitError::Conflict)?;
                if stored.revision() != i.revision() || stored.organization_id() != i.organization_id() {
                    return Err(CommitError::Conflict);
                }
                i.committed();
                self.interviews.insert(i.id(), i);
                Ok(())
            }
            Write::InsertInvitation(i) => {
                let open_twin = self.invitations.values().any(|x| {
                    x.organization_id() == i.organization_id()
                        && x.interview().interview_id == i.interview().interview_id
                        && x.email().match_key() == i.email().match_key()
                        && !matches!(x.status(), InvitationStatus::Completed | InvitationStatus::Cancelled)
                });
                if open_twin {
                    return Err(CommitError::Duplicate("open invitation"));
                }
                insert(&mut self.invitations, i.id(), i, "invitation")
            }
            Write::UpdateInvitation(mut i) => {
                let stored = self.invitations.get(&i.id()).ok_or(CommitError::Conflict)?;
                if stored.revision() != i.revision() || stored.organization_id() != i.organization_id() {
                    return Err(CommitError::Conflict);
                }
                let open =
                    |x: &Invitation| !matches!(x.status(), InvitationStatus::Completed | InvitationStatus::Cancelled);
                let open_twin = open(&i)
                    && self.invitations.values().any(|x| {
                        x.id() != i.id()
                            && x.organization_id() == i.organization_id()
                            && x.interview().interview_id == i.interview().interview_id
                            && x.email().match_key() == i.email().match_key()
                            && open(x)
                    });
                if open_twin {
                    return Err(CommitError::Duplicate("open invitation"));
                }
                i.committed();
                self.invitations.insert(i.id(), i);
                Ok(())
            }
            Write::AppendEvent(e) => {
                self.events.push(e);
                Ok(())
            }
            Write::InsertLiveInterview(l) => {
                let taken = l.attendees().iter().any(|a| {
                    self.live.values().any(|x| x.attendees().iter().any(|b| b.id == a.id))
                        || l.attendees().iter().filter(|b| b.id == a.id).count() > 1
                });
                if taken {
                    return Err(CommitError::Duplicate("attendee"));
                }
                insert(&mut self.live, l.id(), l, "live interview")
            }
            Write::UpdateLiveInterview(mut l) => {
                let stored = self.live.get(&l.id()).ok_or(CommitError::Conflict)?;
                if stored.revision() != l.revision() || stored.organization_id() != l.organization_id() {
                    return Err(CommitError::Conflict);
                }
                l.committed();
                self.live.insert(l.id(), l);
                Ok(())
            }
            Write::InsertAnswer(a) => {
                if self.answers.iter().any(|x| {
                    x.id == a.id || (x.invitation_id, x.question_id, x.take) == (a.invitation_id, a.question_id, a.take)
                }) {
                    return Err(CommitError::Duplicate("answer"));
                }
                self.answers.push(a);
                Ok(())
            }
            Write::Enqueue(m) => {
                if self.messages.iter().any(|x| x.id == m.id || x.key() == m.key()) {
                    return Err(CommitError::Duplicate("outbox message"));
                }
                self.messages.push(m);
                Ok(())
            }
            Write::UpdateMessage { message, token } => {
                let slot = self.messages.iter_mut().find(|x| x.id == message.id).ok_or(CommitError::Conflict)?;
                if !matches!(slot.state, DeliveryState::Claimed { token: held, .. } if held == token) {
                    return Err(CommitError::Conflict);
                }
                *slot = message;
                Ok(())
            }
            Write::InsertTemplate(t) => {
                if self.templates.iter().any(|x| {
                    x.id == t.id || (x.organization_id, x.kind, x.language) == (t.organization_id, t.kind, t.language)
                }) {
                    return Err(CommitError::Duplicate("template"));
                }
                self.templates.push(t);
                Ok(())
            }
            Write::UpdateTemplate(mut t) => {
                let slot = self
                    .templates
                    .iter_mut()
                    .find(|x| x.id == t.id && x.organization_id == t.organization_id)
                    .ok_or(CommitError::Conflict)?;
                if slot.revision != t.revision {
                    return Err(CommitError::Conflict);
                }
                t.revision += 1;
                *slot = t;
                Ok(())
            }
            Write::DeleteTemplate { organization_id, id } => {
                let before = self.templates.len();
                self.templates.retain(|x| !(x.id == id && x.organization_id == organization_id));
                if self.templates.len() == before { Err(CommitError::Conflict) } else { Ok(()) }
            }
            Write::CaptureEmail(e) => {
                if self.mailbox.iter().any(|x| x.id == e.id) {
                    return Err(CommitError::Duplicate("captured email"));
                }
                self.mailbox.push(e);
                Ok(())
            }
            Write::SetPassword { recruiter_id, hash } => {
                if !self.recruiters.contains_key(&recruiter_id) {
                    return Err(CommitError::Conflict);
                }
                self.passwords.insert(recruiter_id, hash);
                Ok(())
            }
            Write::InsertSession(s) => insert(&mut self.sessions, s.id, s, "session"),
            Write::DeleteSession(id) => {
                self.sessions.remove(&id);
                Ok(())
            }
            Write::DeleteExpiredSessions(now) => {
                self.sessions.retain(|_, s| s.expires_at > now);
                Ok(())
            }
            Write::DeleteSessionsOf { organization_id, recruiter_id } => {
                self.sessions.retain(|_, s| !(s.organization_id == organization_id && s.recruiter_id == recruiter_id));
                Ok(())
            }
            Write::InsertApiKey(k) => insert(&mut self.api_keys, k.id, k, "api key"),
            Write::RevokeApiKey { organization_id, id, at } => {
                match self.api_keys.get_mut(&id).filter(|k| k.organization_id == organization_id) {
                    Some(k) => {
                        k.revoked_at.get_or_insert(at);
                        Ok(())
                    }
                    None => Err(CommitError::Conflict),
                }
            }
        }
    }
}

/// Every repository, the outbox and the unit of work, over one in-memory state.
#[derive(Debug, Default)]
pub struct InMemoryStore {
    state: Mutex<State>,
    fail_commits: AtomicU64,
}

impl InMemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes the next `n` commits fail with a storage error, writing nothing: for testing
    /// that a use case failing half-way leaves nothing behind.
    pub fn fail_next_commits(&self, n: u64) {
        self.fail_commits.store(n, Ordering::SeqCst);
    }

    /// Every timeline event, in insertion order.
    #[must_use]
    pub fn all_events(&self) -> Vec<TimelineEvent> {
        lock(&self.state).events.clone()
    }

    /// Every outbox message, in insertion order.
    #[must_use]
    pub fn all_messages(&self) -> Vec<OutboxMessage> {
        lock(&self.state).messages.clone()
    }

    /// Every invitation, by id.
    #[must_use]
    pub fn all_invitations(&self) -> Vec<Invitation> {
        lock(&self.state).invitations.values().cloned().collect()
    }

    /// Every candidate, by id.
    #[must_use]
    pub fn all_candidates(&self) -> Vec<Candidate> {
        lock(&self.state).candidates.values().cloned().collect()
    }
}

#[async_trait]
impl UnitOfWork for InMemoryStore {
    async fn commit(&self, changes: ChangeSet) -> Result<(), CommitError> {
        if self.fail_commits.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
            return Err(CommitError::Internal(AdapterError::new("injected commit failure")));
        }
        let mut state = lock(&self.state);
        let mut next = state.clone();
        for write in changes.into_writes() {
            next.apply(write)?;
        }
        *state = next;
        Ok(())
    }
}

#[async_trait]
impl OrganizationRepository for InMemoryStore {
    async fn get(&self, id: OrganizationId) -> Result<Option<Organization>, AdapterError> {
        Ok(lock(&self.state).organizations.get(&id).cloned())
    }
}

#[async_trait]
impl RecruiterRepository for InMemoryStore {
    async fn get(&self, org: OrganizationId, id: RecruiterId) -> Result<Option<Recruiter>, AdapterError> {
        Ok(lock(&self.state).recruiters.get(&id).filter(|r| r.organization_id == org).cloned())
    }

    async fn find_by_email(&self, email: &EmailAddress) -> Result<Option<Recruiter>, AdapterError> {
        let key = email.match_key();
        Ok(lock(&self.state).recruiters.values().find(|r| r.email.match_key() == key).cloned())
    }
}

#[async_trait]
impl JobRepository for InMemoryStore {
    async fn get(&self, org: OrganizationId, id: JobId) -> Result<Option<Job>, AdapterError> {
        Ok(lock(&self.state).jobs.get(&id).filter(|j| j.organization_id == org).cloned())
    }

    async fn list(&self, org: OrganizationId) -> Result<Vec<Job>, AdapterError> {
        let mut jobs: Vec<Job> =
            lock(&self.state).jobs.values().filter(|j| j.organization_id == org).cloned().collect();
        jobs.sort_by_key(|j| (j.title.as_str().to_lowercase(), j.id));
        Ok(jobs)
    }
}

#[async_trait]
impl CandidateRepository for InMemoryStore {
    async fn get(&self, org: OrganizationId, id: CandidateId) -> Result<Option<Candidate>, AdapterError> {
        Ok(lock(&self.state).candidates.get(&id).filter(|c| c.organization_id == org).cloned())
    }

    async fn search_by_name_prefix(
        &self,
        org: OrganizationId,
        prefix: &NamePrefix,
        limit: usize,
    ) -> Result<Vec<Candidate>, AdapterError> {
        let state = lock(&self.state);
        let mut found: Vec<Candidate> = state
            .candidates
            .values()
            .filter(|c| c.organization_id == org && c.kind == CandidateKind::Internal && c.name_starts_with(prefix))
            .cloned()
            .collect();
        found.sort_by_key(|c| (c.last_name.as_str().to_lowercase(), c.first_name.as_str().to_lowercase(), c.id));
        found.truncate(limit);
        Ok(found)
    }

    async fn list(
        &self,
        org: OrganizationId,
        before: Option<CandidateId>,
        limit: usize,
    ) -> Result<Vec<Candidate>, AdapterError> {
        let state = lock(&self.state);
        Ok(state
            .candidates
            .values()
            .rev()
            .filter(|c| c.organization_id == org && before.is_none_or(|b| c.id < b))
            .take(limit)
            .cloned()
            .collect())
    }
}

#[async_trait]
impl InterviewRepository for InMemoryStore {
    async fn get(&self, org: OrganizationId, id: InterviewId) -> Result<Option<VideoInterview>, AdapterError> {
        Ok(lock(&self.state).interviews.get(&id).filter(|i| i.organization_id() == org).cloned())
    }

    async fn list(
        &self,
        org: OrganizationId,
        status: Option<InterviewStatus>,
    ) -> Result<Vec<VideoInterview>, AdapterError> {
        let mut list: Vec<VideoInterview> = lock(&self.state)
            .interviews
            .values()
            .filter(|i| i.organization_id() == org && status.is_none_or(|s| s == i.status()))
            .cloned()
            .collect();
        list.sort_by_key(|i| std::cmp::Reverse((i.created_at(), i.id())));
        Ok(list)
    }
}

#[async_trait]
impl InvitationRepository for InMemoryStore {
    async fn get(&self, org: OrganizationId, id: InvitationId) -> Result<Option<Invitation>, AdapterError> {
        Ok(lock(&self.state).invitations.get(&id).filter(|i| i.organization_id() == org).cloned())
    }

    async fn get_for_link(&self, id: InvitationId) -> Result<Option<Invitation>, AdapterError> {
        Ok(lock(&self.state).invitations.get(&id).cloned())
    }

    async fn find_open(
        &self,
        org: OrganizationId,
        interview: InterviewId,
        email: &EmailAddress,
    ) -> Result<Option<Invitation>, AdapterError> {
        Ok(lock(&self.state)
            .invitations
            .values()
            .find(|i| {
                i.organization_id() == org
                    && i.interview().interview_id == interview
                    && i.email().match_key() == email.match_key()
                    && !matches!(i.status(), InvitationStatus::Completed | InvitationStatus::Cancelled)
            })
            .cloned())
    }

    async fn list(&self, org: OrganizationId, query: &InvitationQuery) -> Result<Page<Invitation>, AdapterError> {
        let state = lock(&self.state);
        let mut rows: Vec<&Invitation> = state
            .invitations
            .values()
            .filter(|i| i.organization_id() == org && i.matches(query))
            .filter(|i| query.after.as_ref().is_none_or(|c| c.precedes(i)))
            .collect();
        let field = query.sort.field;
        rows.sort_by(|a, b| {
            let ord = (a.sort_key(field), a.id()).cmp(&(b.sort_key(field), b.id()));
            if query.sort.order == SortOrder::Desc { ord.reverse() } else { ord }
        });
        let limit = query.limit.get();
        let more = rows.len() > limit;
        let items: Vec<Invitation> = rows.into_iter().take(limit).cloned().collect();
        let next = if more { items.last().map(|last| Cursor::after(last, query.sort)) } else { None };
        Ok(Page { items, next })
    }

    async fn overdue(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Invitation>, AdapterError> {
        Ok(lock(&self.state)
            .invitations
            .values()
            .filter(|i| i.status().is_open() && i.deadline().closes_at() <= now)
            .take(limit)
            .cloned()
            .collect())
    }

    async fn get_many(&self, ids: &[InvitationId]) -> Result<Vec<Invitation>, AdapterError> {
        let state = lock(&self.state);
        Ok(ids.iter().filter_map(|id| state.invitations.get(id).cloned()).collect())
    }

    async fn awaiting_reminders(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Invitation>, AdapterError> {
        let state = lock(&self.state);
        let mut due: Vec<&Invitation> =
            state.invitations.values().filter(|i| i.next_reminder_at().is_some_and(|at| at <= now)).collect();
        due.sort_by_key(|i| (i.next_reminder_at(), i.id()));
        Ok(due.into_iter().take(limit).cloned().collect())
    }

    async fn funnel(&self, org: OrganizationId, scope: FunnelScope) -> Result<Funnel, AdapterError> {
        let state = lock(&self.state);
        let mut funnel = Funnel::default();
        for i in state.invitations.values().filter(|i| i.organization_id() == org) {
            let in_scope = match scope {
                FunnelScope::All => true,
                FunnelScope::Interview(id) => i.interview().interview_id == id,
                FunnelScope::Job(id) => i.interview().job_id == Some(id),
            };
            if in_scope {
                funnel.count(i.status(), i.parts().opened_at.is_some(), i.parts().started_at.is_some());
            }
        }
        Ok(funnel)
    }
}

#[async_trait]
impl TimelineRepository for InMemoryStore {
    async fn for_candidate(
        &self,
        org: OrganizationId,
        candidate: CandidateId,
    ) -> Result<Vec<TimelineEvent>, AdapterError> {
        let mut events: Vec<TimelineEvent> = lock(&self.state)
            .events
            .iter()
            .filter(|e| e.organization_id == org && e.candidate_id == candidate)
            .cloned()
            .collect();
        events.sort_by_key(|e| e.at);
        Ok(events)
    }
}

#[async_trait]
impl LiveInterviewRepository for InMemoryStore {
    async fn get(&self, org: OrganizationId, id: LiveInterviewId) -> Result<Option<LiveInterview>, AdapterError> {
        Ok(lock(&self.state).live.get(&id).filter(|l| l.organization_id() == org).cloned())
    }

    async fn get_for_attendee(&self, attendee: AttendeeId) -> Result<Option<LiveInterview>, AdapterError> {
        Ok(lock(&self.state).live.values().find(|l| l.attendee(attendee).is_some()).cloned())
    }

    async fn list(&self, org: OrganizationId, query: &LiveQuery) -> Result<Vec<LiveInterview>, AdapterError> {
        let state = lock(&self.state);
        let mut found: Vec<LiveInterview> =
            state.live.values().filter(|l| l.organization_id() == org && query.matches(l)).cloned().collect();
        found.sort_by_key(|l| (l.slot().start(), l.id()));
        found.truncate(query.limit);
        Ok(found)
    }

    async fn reminders_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<LiveInterview>, AdapterError> {
        let state = lock(&self.state);
        let mut due: Vec<LiveInterview> =
            state.live.values().filter(|l| l.parts().reminder_due_at.is_some_and(|t| t <= now)).cloned().collect();
        due.sort_by_key(|l| (l.parts().reminder_due_at, l.id()));
        due.truncate(limit);
        Ok(due)
    }
}

#[async_trait]
impl AnswerRepository for InMemoryStore {
    async fn review_notes(
        &self,
        org: OrganizationId,
        invitation: InvitationId,
    ) -> Result<Vec<ReviewNote>, AdapterError> {
        Ok(lock(&self.state)
            .review_notes
            .iter()
            .filter(|n| n.organization_id == org && n.invitation_id == invitation)
            .cloned()
            .collect())
    }

    async fn for_invitation(&self, org: OrganizationId, invitation: InvitationId) -> Result<Vec<Answer>, AdapterError> {
        let state = lock(&self.state);
        let order: HashMap<_, _> = state
            .invitations
            .get(&invitation)
            .map(|i| i.interview().questions.iter().enumerate().map(|(n, q)| (q.id(), n)).collect())
            .unwrap_or_default();
        let mut answers: Vec<Answer> = state
            .answers
            .iter()
            .filter(|a| a.organization_id == org && a.invitation_id == invitation)
            .cloned()
            .collect();
        answers.sort_by_key(|a| (order.get(&a.question_id).copied().unwrap_or(usize::MAX), a.take));
        Ok(answers)
    }
}

#[async_trait]
impl Outbox for InMemoryStore {
    async fn claim(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        token: ClaimToken,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, AdapterError> {
        let mut state = lock(&self.state);
        let mut due: Vec<usize> = (0..state.messages.len()).filter(|n| is_due(&state.messages[*n], now)).collect();
        due.sort_by_key(|n| (due_since(&state.messages[*n]), state.messages[*n].id));
        let mut claimed = Vec::new();
        for n in due.into_iter().take(limit) {
            let m = &mut state.messages[n];
            let attempts = match m.state {
                DeliveryState::Pending { attempts, .. } | DeliveryState::Claimed { attempts, .. } => attempts,
                _ => continue,
            };
            m.state = DeliveryState::Claimed { until, attempts: attempts.saturating_add(1), token };
            claimed.push(m.clone());
        }
        Ok(claimed)
    }

    async fn oldest_due(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, AdapterError> {
        Ok(lock(&self.state).messages.iter().filter(|m| is_due(m, now)).map(|m| m.created_at).min())
    }

    async fn get(&self, id: MessageId) -> Result<Option<OutboxMessage>, AdapterError> {
        Ok(lock(&self.state).messages.iter().find(|m| m.id == id).cloned())
    }

    async fn depth(&self) -> Result<u64, AdapterError> {
        let state = lock(&self.state);
        let waiting = state
            .messages
            .iter()
            .filter(|m| matches!(m.state, DeliveryState::Pending { .. } | DeliveryState::Claimed { .. }))
            .count();
        Ok(waiting as u64)
    }

    async fn for_invitation(
        &self,
        org: OrganizationId,
        invitation: InvitationId,
    ) -> Result<Vec<OutboxMessage>, AdapterError> {
        Ok(lock(&self.state)
            .messages
            .iter()
            .filter(|m| m.organization_id == org && m.invitation_id() == Some(invitation))
            .cloned()
            .collect())
    }
}

/// When a message became due: its `not_before`, or when its claim lapsed.
fn due_since(m: &OutboxMessage) -> Option<DateTime<Utc>> {
    match m.state {
        DeliveryState::Pending { not_before, .. } => Some(not_before),
        DeliveryState::Claimed { until, .. } => Some(until),
        _ => None,
    }
}

fn is_due(m: &OutboxMessage, now: DateTime<Utc>) -> bool {
    match m.state {
        DeliveryState::Pending { not_before, .. } => not_before <= now,
        DeliveryState::Claimed { until, .. } => until <= now,
        _ => false,
    }
}

#[async_trait]
impl TemplateRepository for InMemoryStore {
    async fn get(
        &self,
        org: OrganizationId,
        kind: TemplateKind,
        language: Language,
    ) -> Result<Option<MessageTemplate>, AdapterError> {
        Ok(lock(&self.state)
            .templates
            .iter()
            .find(|t| t.organization_id == org && t.kind == kind && t.language == language)
            .cloned())
    }

    async fn list(&self, org: OrganizationId) -> Result<Vec<MessageTemplate>, AdapterError> {
        let mut out: Vec<_> =
            lock(&self.state).templates.iter().filter(|t| t.organization_id == org).cloned().collect();
        out.sort_by_key(|t| (t.kind, t.language.code()));
        Ok(out)
    }
}

#[async_trait]
impl MailboxRepository for InMemoryStore {
    async fn list(
        &self,
        org: OrganizationId,
        before: Option<MessageId>,
        limit: usize,
    ) -> Result<Vec<CapturedEmail>, AdapterError> {
        let state = lock(&self.state);
        let mut out: Vec<_> = state.mailbox.iter().filter(|e| e.organization_id == org).collect();
        out.sort_by_key(|e| std::cmp::Reverse((e.captured_at, e.id)));
        let start = before.and_then(|b| out.iter().position(|e| e.id == b).map(|p| p + 1)).unwrap_or(0);
        Ok(out.into_iter().skip(start).take(limit).cloned().collect())
    }

    async fn get(&self, org: OrganizationId, id: MessageId) -> Result<Option<CapturedEmail>, AdapterError> {
        Ok(lock(&self.state).mailbox.iter().find(|e| e.organization_id == org && e.id == id).cloned())
    }
}

/// The plain renderer, kept here for the in-memory setups that used it.
pub use crate::defaults::PlainRenderer;

#[async_trait]
impl AccountRepository for InMemoryStore {
    async fn any_organization(&self) -> Result<bool, AdapterError> {
        Ok(!lock(&self.state).organizations.is_empty())
    }

    async fn password_hash(&self, recruiter: RecruiterId) -> Result<Option<PasswordHash>, AdapterError> {
        Ok(lock(&self.state).passwords.get(&recruiter).cloned())
    }

    async fn session(&self, id: SessionId) -> Result<Option<Session>, AdapterError> {
        Ok(lock(&self.state).sessions.get(&id).cloned())
    }

    async fn api_key(&self, id: ApiKeyId) -> Result<Option<ApiKey>, AdapterError> {
        Ok(lock(&self.state).api_keys.get(&id).cloned())
    }

    async fn api_keys(&self, org: OrganizationId) -> Result<Vec<ApiKey>, AdapterError> {
        let mut keys: Vec<_> =
            lock(&self.state).api_keys.values().filter(|k| k.organization_id == org).cloned().collect();
        keys.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
        Ok(keys)
    }
}

#[derive(Debug, Default)]
struct Upload {
    bytes: Vec<u8>,
    length: u64,
    touched: Option<DateTime<Utc>>,
}

impl Upload {
    fn complete(&self) -> bool {
        self.bytes.len() as u64 == self.length
    }
}

/// Video storage in memory, honouring the resumable-upload contract. Uploads are stamped
/// with the wall clock for [`VideoStore::sweep_abandoned`].
#[derive(Debug, Default)]
pub struct InMemoryVideoStore(Mutex<HashMap<MediaKey, Upload>>);

impl InMemoryVideoStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl VideoStore for InMemoryVideoStore {
    async fn begin(&self, key: &MediaKey, length: u64) -> Result<(), VideoStoreError> {
        let mut uploads = lock(&self.0);
        if uploads.get(key).is_some_and(Upload::complete) {
            return Err(VideoStoreError::AlreadyComplete);
        }
        uploads.insert(key.clone(), Upload { bytes: Vec::new(), length, touched: Some(wall_clock()) });
        Ok(())
    }

    async fn append(&self, key: &MediaKey, offset: u64, body: ByteStream) -> Result<u64, VideoStoreError> {
        use futures_util::StreamExt as _;
        {
            let uploads = lock(&self.0);
            let upload = uploads.get(key).ok_or(VideoStoreError::NotFound)?;
            if upload.complete() {
                return Err(VideoStoreError::AlreadyComplete);
            }
            let expected = upload.bytes.len() as u64;
            if offset != expected {
                return Err(VideoStoreError::OffsetMismatch { expected });
            }
        }
        let mut body = body;
        while let Some(piece) = body.next().await {
            let mut uploads = lock(&self.0);
            let upload = uploads.get_mut(key).ok_or(VideoStoreError::NotFound)?;
            upload.touched = Some(wall_clock());
            let size = upload.bytes.len() as u64;
            let Ok(piece) = piece else { return Err(VideoStoreError::Interrupted { offset: size }) };
            let room = usize::try_from(upload.length - size).unwrap_or(usize::MAX);
            upload.bytes.extend_from_slice(piece.get(..room.min(piece.len())).unwrap_or_default());
            if piece.len() > room {
                return Err(VideoStoreError::TooLong { length: upload.length });
            }
        }
        Ok(lock(&self.0).get(key).map_or(0, |u| u.bytes.len() as u64))
    }

    async fn stat(&self, key: &MediaKey) -> Result<Option<VideoStat>, VideoStoreError> {
        Ok(lock(&self.0).get(key).map(|u| VideoStat {
            size: u.bytes.len() as u64,
            length: u.length,
            complete: u.complete(),
        }))
    }

    async fn read(&self, key: &MediaKey, start: u64, end: u64) -> Result<ByteStream, VideoStoreError> {
        let uploads = lock(&self.0);
        let upload = uploads.get(key).filter(|u| u.complete()).ok_or(VideoStoreError::NotFound)?;
        let len = upload.bytes.len();
        let clamp = |v: u64| usize::try_from(v).unwrap_or(usize::MAX).min(len);
        let (s, e) = (clamp(start), clamp(end));
        Ok(byte_stream(upload.bytes.get(s..e.max(s)).unwrap_or_default().to_vec()))
    }

    async fn delete(&self, key: &MediaKey) -> Result<(), VideoStoreError> {
        lock(&self.0).remove(key);
        Ok(())
    }

    async fn sweep_abandoned(&self, before: DateTime<Utc>) -> Result<u64, VideoStoreError> {
        let mut uploads = lock(&self.0);
        let n = uploads.len();
        uploads.retain(|_, u| u.complete() || u.touched.is_some_and(|t| t >= before));
        Ok((n - uploads.len()) as u64)
    }
}

/// Time for stamping in-memory uploads: the store has no [`Clock`] port of its own.
fn wall_clock() -> DateTime<Utc> {
    DateTime::<Utc>::from(std::time::SystemTime::now())
}

/// A complete in-memory setup: a manual clock, sequential ids, the HMAC link scheme with a
/// fixed test secret, one [`InMemoryStore`] behind every repository, and an
/// [`InMemoryVideoStore`].
#[derive(Debug, Clone)]
pub struct InMemory {
    /// The clock; move it to test deadlines and reminders.
    pub clock: Arc<ManualClock>,
    /// The store; inspect it, or make commits fail.
    pub store: Arc<InMemoryStore>,
    /// The video store.
    pub videos: Arc<InMemoryVideoStore>,
    /// The link scheme.
    pub links: Arc<HmacLinkTokens>,
    /// The id generator, shared by every [`Self::ports`] call so ids never repeat.
    pub ids: Arc<SequentialIds>,
}

impl InMemory {
    /// A fresh setup with the clock at `now`.
    #[must_use]
    pub fn new(now: DateTime<Utc>) -> Self {
        let secret = match LinkSecret::new(b"slate in-memory test secret, not for production".to_vec()) {
            Ok(s) => s,
            Err(_) => unreachable!("the test secret is long enough"),
        };
        Self {
            clock: Arc::new(ManualClock::new(now)),
            store: Arc::new(InMemoryStore::new()),
            videos: Arc::new(InMemoryVideoStore::new()),
            links: Arc::new(HmacLinkTokens::new(secret)),
            ids: Arc::new(SequentialIds::default()),
        }
    }

    /// The ports, every repository backed by the one store.
    #[must_use]
    pub fn ports(&self) -> Ports {
        Ports::from_store(
            self.store.clone(),
            self.clock.clone(),
            self.ids.clone(),
            self.links.clone(),
            self.videos.clone(),
            Arc::new(TestPasswords),
            Arc::new(PlainRenderer),
        )
    }

    /// A [`Slate`] service over [`Self::ports`] with default settings.
    #[must_use]
    pub fn slate(&self) -> Slate {
        Slate::new(self.ports(), Settings::default())
    }
}
