//! The mail worker's side of the outbox: claim messages, gather what each needs to be
//! worded, then report how sending went. A report updates the message, the invitation's
//! status (Sent, Bounced) and the timeline in one commit, and only under the claim it was
//! sent with.

use crate::ports::CommitError;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use chrono::{DateTime, Utc};

use super::{Slate, delay};
use crate::ports::{AdapterError, ChangeSet, Write};
use crate::{
    Actor, AttendeeId, CapturedEmail, ClaimToken, DeliveryState, EventKind, Invitation, InvitationId, InvitationStatus,
    Job, JobId, Language, LinkUrl, LiveInterview, LiveInterviewId, LiveMessageContext, MessageContext, MessageId,
    MessageKind, MessageSubject, Organization, OrganizationId, OutboxMessage, Recruiter, RecruiterId, ReminderPolicy,
    TemplateContent, TemplateKind, WITHHELD_LINK,
};

/// How sending a message went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The mail server accepted it.
    Delivered,
    /// The local mailbox kept it instead of sending it (stored in the same commit; its
    /// `captured_at` is set to the moment of recording).
    Captured(Box<CapturedEmail>),
    /// A temporary failure (SMTP 4xx, connection refused, time-out): retry later.
    TemporaryFailure {
        /// What happened, safe to show.
        reason: String,
    },
    /// A permanent failure (SMTP 5xx): the address is refused for good.
    PermanentFailure {
        /// What the server said, safe to show.
        reason: String,
    },
}

/// Why a delivery could not be prepared or recorded.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// No such message.
    #[error("no such message")]
    NotFound,
    /// The claim lapsed and another worker took the message over (or it was finished):
    /// this worker's report is dropped.
    #[error("the claim on this message was lost; another worker owns it now")]
    ClaimLost,
    /// The invitation changed meanwhile; report again.
    #[error("the invitation changed meanwhile; report again")]
    Conflict,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

/// What [`Slate::prepare_message`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// Send it: everything needed to word it.
    Send(Box<MessageContext>),
    /// Send it to a live interview's attendee: everything needed to word it and build its
    /// meeting request.
    SendLive(Box<LiveMessageContext>),
    /// Not sent: what it announced no longer holds. Already recorded as skipped.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One outcome for [`Slate::record_deliveries`]: the claimed message, the invitation (or
/// live interview) as it was read when the message was prepared, and how sending went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    /// The message as claimed (its state holds the claim's token).
    pub message: OutboxMessage,
    /// Its invitation as read by [`Slate::prepare_messages`] (from the message's context).
    pub invitation: Option<Invitation>,
    /// Its live interview as read by [`Slate::prepare_messages`], for a message to an
    /// attendee.
    pub live: Option<LiveInterview>,
    /// How sending went.
    pub outcome: DeliveryOutcome,
}

/// What a batch looked up once.
#[derive(Default)]
struct Lookups {
    organizations: HashMap<OrganizationId, Option<Organization>>,
    recruiters: HashMap<RecruiterId, Option<Recruiter>>,
    templates: HashMap<(OrganizationId, TemplateKind, Language), TemplateContent>,
    lives: HashMap<LiveInterviewId, Option<LiveInterview>>,
    jobs: HashMap<JobId, Option<Job>>,
}

/// How the outbox is doing, for operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxHealth {
    /// Messages waiting to be sent (pending or claimed).
    pub depth: u64,
    /// When the oldest message that is due now was queued.
    pub oldest_due: Option<DateTime<Utc>>,
    /// When this was read.
    pub checked_at: DateTime<Utc>,
}

impl OutboxHealth {
    /// How long the oldest due message has waited, in whole seconds (0 when none is due).
    #[must_use]
    pub fn oldest_due_age_secs(&self) -> i64 {
        self.oldest_due.map_or(0, |at| (self.checked_at - at).num_seconds().max(0))
    }
}

impl Slate {
    /// Claims up to `limit` messages that are due, for this worker alone, for the claim
    /// period of the settings. Each comes back [`DeliveryState::Claimed`] with the claim's
    /// token, which [`Self::record_delivery`] needs.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn claim_messages(&self, limit: usize) -> Result<Vec<OutboxMessage>, AdapterError> {
        let now = self.now();
        let token = ClaimToken::from_uuid(self.ports.ids.new_uuid());
        self.ports.outbox.claim(now, now + delay(self.settings.outbox_claim), token, limit).await
    }

    /// Gathers everything needed to word a claimed message — recipient, language,
    /// organization, recruiter, candidate, job, interview, deadline with its zone, the
    /// candidate's link and the template — without a recruiter caller. A candidate message
    /// that no longer makes sense (its invitation was cancelled, completed or expired before
    /// it went out) is recorded as skipped instead.
    ///
    /// # Errors
    /// [`DeliveryError::ClaimLost`] when `token` no longer holds the message;
    /// [`DeliveryError::NotFound`]; storage failures.
    pub async fn prepare_message(&self, id: MessageId, token: ClaimToken) -> Result<Prepared, DeliveryError> {
        let message = self.ports.outbox.get(id).await?.ok_or(DeliveryError::NotFound)?;
        if message.claim_token() != Some(token) {
            return Err(DeliveryError::ClaimLost);
        }
        self.prepare_messages(&[message]).await.pop().unwrap_or(Err(DeliveryError::NotFound))
    }

    /// [`Self::prepare_message`] for a whole claimed batch, as [`Self::claim_messages`]
    /// returned it: the batch's invitations are read at once, and each organization,
    /// recruiter and template once. Returns each message's result, in order.
    pub async fn prepare_messages(&self, claimed: &[OutboxMessage]) -> Vec<Result<Prepared, DeliveryError>> {
        let ids: Vec<_> = claimed.iter().filter_map(OutboxMessage::invitation_id).collect();
        let found = if ids.is_empty() { Ok(Vec::new()) } else { self.ports.invitations.get_many(&ids).await };
        let invitations: HashMap<InvitationId, Invitation> = match found {
            Ok(found) => found.into_iter().map(|i| (i.id(), i)).collect(),
            Err(e) => {
                let reason = e.to_string();
                return claimed.iter().map(|_| Err(AdapterError::new(reason.clone()).into())).collect();
            }
        };
        let mut cache = Lookups::default();
        let mut out = Vec::with_capacity(claimed.len());
        for message in claimed {
            let result = match message.about {
                MessageSubject::Invitation(id) => {
                    let invitation = invitations.get(&id).filter(|i| i.organization_id() == message.organization_id);
                    self.prepare_one(message, invitation, &mut cache).await
                }
                MessageSubject::Attendee { live_interview_id, attendee_id } => {
                    self.prepare_live(message, live_interview_id, attendee_id, &mut cache).await
                }
            };
            out.push(result);
        }
        out
    }

    /// Records a claimed message as skipped: what it announced no longer holds.
    async fn skip(
        &self,
        message: &OutboxMessage,
        token: ClaimToken,
        reason: String,
    ) -> Result<Prepared, DeliveryError> {
        let mut skipped = message.clone();
        skipped.state = DeliveryState::Skipped { at: self.now(), reason: reason.clone() };
        let mut changes = ChangeSet::new();
        changes.push(Write::UpdateMessage { message: skipped, token });
        match self.commit(changes).await {
            Ok(()) => Ok(Prepared::Skipped { reason }),
            Err(CommitError::Conflict | CommitError::Duplicate(_)) => Err(DeliveryError::ClaimLost),
            Err(CommitError::Internal(e)) => Err(e.into()),
        }
    }

    async fn cached_recruiter(
        &self,
        org: OrganizationId,
        id: RecruiterId,
        cache: &mut Lookups,
    ) -> Result<Option<Recruiter>, AdapterError> {
        if let Some(r) = cache.recruiters.get(&id) {
            return Ok(r.clone());
        }
        let r = self.ports.recruiters.get(org, id).await?;
        cache.recruiters.insert(id, r.clone());
        Ok(r)
    }

    async fn cached_template(
        &self,
        org: OrganizationId,
        kind: TemplateKind,
        language: Language,
        cache: &mut Lookups,
    ) -> Result<TemplateContent, AdapterError> {
        let key = (org, kind, language);
        if let Some(c) = cache.templates.get(&key) {
            return Ok(c.clone());
        }
        let c = match self.ports.templates.get(org, kind, language).await? {
            Some(t) => t.content,
            None => self.ports.renderer.default_content(kind, language),
        };
        cache.templates.insert(key, c.clone());
        Ok(c)
    }

    async fn prepare_live(
        &self,
        message: &OutboxMessage,
        live_id: LiveInterviewId,
        attendee: AttendeeId,
        cache: &mut Lookups,
    ) -> Result<Prepared, DeliveryError> {
        let token = message.claim_token().ok_or(DeliveryError::ClaimLost)?;
        let org = message.organization_id;
        let live = match cache.lives.get(&live_id) {
            Some(l) => l.clone(),
            None => {
                let l = self.ports.live_interviews.get(org, live_id).await?;
                cache.lives.insert(live_id, l.clone());
                l
            }
        }
        .filter(|l| l.attendee(attendee).is_some())
        .ok_or(DeliveryError::NotFound)?;
        if let Some(reason) = stale_live(message, &live, self.now()) {
            return self.skip(message, token, reason).await;
        }
        let organization = self.cached_organization(org, cache).await?.ok_or(DeliveryError::NotFound)?;
        let organizer = self.cached_recruiter(org, live.organizer(), cache).await?.ok_or(DeliveryError::NotFound)?;
        let job = match live.parts().job_id {
            Some(id) => match cache.jobs.get(&id) {
                Some(j) => j.clone(),
                None => {
                    let j = self.ports.jobs.get(org, id).await?;
                    cache.jobs.insert(id, j.clone());
                    j
                }
            },
            None => None,
        };
        // An invite edited for this interview replaces the template.
        let own = match message.kind {
            MessageKind::LiveInvitation => live.parts().candidate_message.clone(),
            MessageKind::LiveInterviewerInvitation => live.parts().interviewer_message.clone(),
            _ => None,
        };
        let content = match own {
            Some(c) => c,
            None => self.cached_template(org, message.kind.template_kind(), message.language, cache).await?,
        };
        let link = (message.kind != MessageKind::LiveCancelled).then(|| self.attendee_link(&live, attendee)).flatten();
        Ok(Prepared::SendLive(Box::new(LiveMessageContext {
            message: message.clone(),
            organization,
            organizer,
            live,
            attendee,
            job,
            link,
            content,
        })))
    }

    async fn prepare_one(
        &self,
        message: &OutboxMessage,
        invitation: Option<&Invitation>,
        cache: &mut Lookups,
    ) -> Result<Prepared, DeliveryError> {
        let token = message.claim_token().ok_or(DeliveryError::ClaimLost)?;
        let invitation = invitation.ok_or(DeliveryError::NotFound)?;
        let now = self.now();
        if let Some(reason) = stale(message, invitation, now) {
            return self.skip(message, token, reason).await;
        }
        let org = message.organization_id;
        let organization = self.cached_organization(org, cache).await?.ok_or(DeliveryError::NotFound)?;
        let recruiter =
            self.cached_recruiter(org, invitation.invited_by(), cache).await?.ok_or(DeliveryError::NotFound)?;
        let content = self.cached_template(org, message.kind.template_kind(), message.language, cache).await?;
        let candidate_link = (message.kind.carries_link() || message.kind == MessageKind::BccCopy)
            .then(|| self.candidate_link(invitation));
        let review_link = self.settings.public_url.review_link(invitation.id());
        Ok(Prepared::Send(Box::new(MessageContext {
            message: message.clone(),
            organization,
            recruiter,
            invitation: invitation.clone(),
            candidate_link,
            review_link,
            content,
        })))
    }

    async fn cached_organization(
        &self,
        org: OrganizationId,
        cache: &mut Lookups,
    ) -> Result<Option<Organization>, AdapterError> {
        if let Some(o) = cache.organizations.get(&org) {
            return Ok(o.clone());
        }
        let o = self.ports.organizations.get(org).await?;
        cache.organizations.insert(org, o.clone());
        Ok(o)
    }

    /// Records how sending a claimed message went, under the claim `token` it was sent
    /// with. Temporary failures are retried with exponential back-off and jitter until the
    /// settings' attempt limit, then given up (on the timeline); a permanent failure of a
    /// message carrying the link marks the invitation Bounced; a delivery marks a queued
    /// invitation Sent. A captured email is stored in the same commit, without its link.
    ///
    /// # Errors
    /// [`DeliveryError::ClaimLost`] when another worker holds the message now (nothing is
    /// written); [`DeliveryError::Conflict`] when the invitation changed meanwhile.
    pub async fn record_delivery(
        &self,
        id: MessageId,
        token: ClaimToken,
        outcome: DeliveryOutcome,
    ) -> Result<OutboxMessage, DeliveryError> {
        let (message, changes) = self.plan_delivery(id, token, outcome).await?;
        self.commit_delivery(id, token, message, changes).await
    }

    /// Records many outcomes in one commit (group commit: one transaction for a whole group
    /// of messages instead of one each), from what [`Self::prepare_messages`] read: nothing
    /// is read again, and the commit still checks every claim token and the invitations'
    /// revisions. When the group cannot be committed as a whole (a claim lost, an invitation
    /// changed meanwhile, two outcomes about one invitation), each outcome is recorded on its
    /// own with fresh reads instead. Returns each message's result, in order.
    pub async fn record_deliveries(&self, reports: Vec<DeliveryReport>) -> Vec<Result<OutboxMessage, DeliveryError>> {
        let mut cache = Lookups::default();
        let mut all = ChangeSet::new();
        let mut messages = Vec::with_capacity(reports.len());
        let mut whole = true;
        for r in &reports {
            let Some(token) = r.message.claim_token() else {
                whole = false;
                break;
            };
            let needs_policy = r.message.kind.carries_link()
                && r.invitation.as_ref().is_some_and(|i| i.status() == InvitationStatus::Queued);
            let policy = if needs_policy {
                match self.cached_organization(r.message.organization_id, &mut cache).await {
                    Ok(o) => Some(o.map_or(ReminderPolicy::OFF, |o| o.reminders)),
                    Err(_) => {
                        whole = false;
                        break;
                    }
                }
            } else {
                None
            };
            match self.plan(r.message.clone(), token, r.invitation.clone(), r.live.as_ref(), r.outcome.clone(), policy)
            {
                Ok((message, changes)) => {
                    for w in changes.into_writes() {
                        all.push(w);
                    }
                    messages.push(message);
                }
                Err(_) => {
                    whole = false;
                    break;
                }
            }
        }
        if whole && self.commit(all).await.is_ok() {
            return messages.into_iter().map(Ok).collect();
        }
        let mut out = Vec::with_capacity(reports.len());
        for r in reports {
            let result = match r.message.claim_token() {
                Some(token) => self.record_delivery(r.message.id, token, r.outcome).await,
                None => Err(DeliveryError::ClaimLost),
            };
            out.push(result);
        }
        out
    }

    /// Gives back claimed messages that were not sent (a worker stopping with a batch it had
    /// claimed ahead): each is pending again, due now, its attempt not counted, so the next
    /// worker takes it at once instead of when the claim would have lapsed. A message whose
    /// claim was taken over meanwhile is left to its new holder. Returns how many were given
    /// back.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn release_messages(&self, claimed: &[OutboxMessage]) -> Result<usize, AdapterError> {
        let now = self.now();
        let released = |m: &OutboxMessage| -> Option<Write> {
            let DeliveryState::Claimed { attempts, token, .. } = m.state else { return None };
            let mut message = m.clone();
            message.state = DeliveryState::Pending { not_before: now, attempts: attempts.saturating_sub(1) };
            Some(Write::UpdateMessage { message, token })
        };
        let mut all = ChangeSet::new();
        for w in claimed.iter().filter_map(released) {
            all.push(w);
        }
        let n = all.writes().len();
        if n == 0 {
            return Ok(0);
        }
        match self.commit(all).await {
            Ok(()) => return Ok(n),
            Err(CommitError::Internal(e)) => return Err(e),
            Err(CommitError::Conflict | CommitError::Duplicate(_)) => {}
        }
        // One of them was taken over: give back the others one by one.
        let mut given = 0;
        for w in claimed.iter().filter_map(released) {
            let mut one = ChangeSet::new();
            one.push(w);
            match self.commit(one).await {
                Ok(()) => given += 1,
                Err(CommitError::Internal(e)) => return Err(e),
                Err(CommitError::Conflict | CommitError::Duplicate(_)) => {}
            }
        }
        Ok(given)
    }

    async fn commit_delivery(
        &self,
        id: MessageId,
        token: ClaimToken,
        message: OutboxMessage,
        changes: ChangeSet,
    ) -> Result<OutboxMessage, DeliveryError> {
        match self.commit(changes).await {
            Ok(()) => Ok(message),
            Err(CommitError::Conflict) => {
                // Either the claim was taken over, or the invitation moved: tell them apart.
                match self.ports.outbox.get(id).await? {
                    Some(m) if matches!(m.state, DeliveryState::Claimed { token: held, .. } if held == token) => {
                        Err(DeliveryError::Conflict)
                    }
                    _ => Err(DeliveryError::ClaimLost),
                }
            }
            Err(CommitError::Duplicate(_)) => Err(DeliveryError::ClaimLost),
            Err(CommitError::Internal(e)) => Err(e.into()),
        }
    }

    /// What recording `outcome` writes: the message's new state and, when the outcome moves
    /// the invitation, its change and timeline event.
    async fn plan_delivery(
        &self,
        id: MessageId,
        token: ClaimToken,
        outcome: DeliveryOutcome,
    ) -> Result<(OutboxMessage, ChangeSet), DeliveryError> {
        let message = self.ports.outbox.get(id).await?.ok_or(DeliveryError::NotFound)?;
        let (invitation, live) = match message.about {
            MessageSubject::Invitation(i) => (self.ports.invitations.get(message.organization_id, i).await?, None),
            MessageSubject::Attendee { live_interview_id, .. } => {
                (None, self.ports.live_interviews.get(message.organization_id, live_interview_id).await?)
            }
        };
        // The reminder policy is needed only when the delivery moves a queued invitation.
        let moves = invitation.as_ref().is_some_and(|i| i.status() == InvitationStatus::Queued);
        let policy = if message.kind.carries_link() && moves {
            Some(self.reminder_policy(message.organization_id).await?)
        } else {
            None
        };
        self.plan(message, token, invitation, live.as_ref(), outcome, policy)
    }

    /// The writes that record `outcome` for `message` (as claimed with `token`) given the
    /// invitation as read; `policy` when the delivery moves a queued invitation.
    fn plan(
        &self,
        mut message: OutboxMessage,
        token: ClaimToken,
        invitation: Option<Invitation>,
        live: Option<&LiveInterview>,
        outcome: DeliveryOutcome,
        policy: Option<ReminderPolicy>,
    ) -> Result<(OutboxMessage, ChangeSet), DeliveryError> {
        let now = self.now();
        let id = message.id;
        let attempts = match message.state {
            DeliveryState::Claimed { attempts, token: held, .. } if held == token => attempts,
            _ => return Err(DeliveryError::ClaimLost),
        };
        let mut changes = ChangeSet::new();
        // The invitation's new state, if the outcome moves it, and the event to record.
        let mut moved: Option<Invitation> = None;
        let mut event: Option<EventKind> = None;
        match outcome {
            DeliveryOutcome::Delivered | DeliveryOutcome::Captured(_) => {
                message.state = DeliveryState::Delivered { at: now };
                if let Some(mut inv) = invitation.clone().filter(|_| message.kind.carries_link())
                    && let Ok(e) = inv.record_delivery(now)
                {
                    // Queued → Sent: the reminders can now be planned for real.
                    if let Some(policy) = policy {
                        inv.plan_reminders(&policy, now);
                    }
                    moved = Some(inv);
                    event = Some(e);
                }
                if let DeliveryOutcome::Captured(mut email) = outcome {
                    email.captured_at = now;
                    // No usable link at rest: the mailbox shows it again when read.
                    // The link is the same before and after this report (only cancelling
                    // changes it); computed only here, off the SMTP path.
                    let link: Option<LinkUrl> = match (&invitation, live, message.about) {
                        (Some(inv), _, _) => Some(self.candidate_link(inv)),
                        (None, Some(live), MessageSubject::Attendee { attendee_id, .. }) => {
                            self.attendee_link(live, attendee_id)
                        }
                        _ => None,
                    };
                    if let Some(link) = link {
                        withhold(&mut email, link.expose());
                    }
                    changes.push(Write::CaptureEmail(*email));
                }
            }
            DeliveryOutcome::TemporaryFailure { reason } => {
                if attempts >= self.settings.outbox_max_attempts {
                    let reason = format!("gave up after {attempts} attempts: {reason}");
                    message.state = DeliveryState::Failed { at: now, reason: reason.clone() };
                    if message.kind.is_for_candidate() {
                        event = Some(EventKind::EmailFailed { reason });
                    }
                } else {
                    let wait = delay(self.settings.retry_delay(attempts, spread(id, attempts)));
                    message.state = DeliveryState::Pending { not_before: now + wait, attempts };
                }
            }
            DeliveryOutcome::PermanentFailure { reason } => {
                message.state = DeliveryState::Failed { at: now, reason: reason.clone() };
                if let Some(mut inv) = invitation.clone().filter(|_| message.kind.carries_link())
                    && let Ok(e) = inv.record_bounce(&reason, now)
                {
                    moved = Some(inv);
                    event = Some(e);
                }
            }
        }
        changes.push(Write::UpdateMessage { message: message.clone(), token });
        // A late report on an invitation that moved on (cancelled, completed) changes only
        // the message.
        if let Some(inv) = &moved {
            changes.push(Write::UpdateInvitation(inv.clone()));
        }
        if let (Some(e), Some(inv)) = (event, moved.as_ref().or(invitation.as_ref())) {
            changes.push(Write::AppendEvent(self.event(inv, e, Actor::System, now)));
        }
        Ok((message, changes))
    }

    /// Words a prepared message: its subject, plain text and HTML, in its language.
    #[must_use]
    pub fn render_message(&self, context: &MessageContext) -> crate::RenderedMessage {
        self.ports.renderer.render(context)
    }

    /// Words a prepared message to a live interview's attendee.
    #[must_use]
    pub fn render_live_message(&self, context: &LiveMessageContext) -> crate::RenderedMessage {
        self.ports.renderer.render_live(context)
    }

    /// The outbox's depth and the age of its oldest due message.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn outbox_health(&self) -> Result<OutboxHealth, AdapterError> {
        let now = self.now();
        let (depth, oldest_due) = futures_util::join!(self.ports.outbox.depth(), self.ports.outbox.oldest_due(now));
        Ok(OutboxHealth { depth: depth?, oldest_due: oldest_due?, checked_at: now })
    }
}

/// Why a candidate message should no longer go out, if it should not.
fn stale(message: &OutboxMessage, invitation: &Invitation, now: DateTime<Utc>) -> Option<String> {
    let status = invitation.status();
    let closed = status == InvitationStatus::Expired || !invitation.deadline().is_open_at(now);
    let reason = match message.kind {
        MessageKind::CompletionNotice | MessageKind::Cancelled => return None,
        _ if status == InvitationStatus::Cancelled => "the invitation was cancelled before this email went out",
        _ if status == InvitationStatus::Completed => {
            "the candidate completed the interview before this email went out"
        }
        _ if closed => "the deadline passed before this email went out",
        MessageKind::Reminder(_)
            if !matches!(status, InvitationStatus::Sent | InvitationStatus::Opened | InvitationStatus::Started) =>
        {
            "the invitation email has not been delivered"
        }
        _ => return None,
    };
    Some(reason.to_owned())
}

/// Why a message to a live interview's attendee should no longer go out, if it should not.
fn stale_live(message: &OutboxMessage, live: &LiveInterview, now: DateTime<Utc>) -> Option<String> {
    let reason = match message.kind {
        MessageKind::LiveCancelled => return None,
        _ if live.status() == crate::LiveStatus::Cancelled => {
            "the live interview was cancelled before this email went out"
        }
        _ if now >= live.slot().start() => "the live interview had begun before this email went out",
        MessageKind::LiveUpdated | MessageKind::LiveReminder if message.sequence != live.sequence() => {
            "the live interview was moved again; the newer message replaces this one"
        }
        _ => return None,
    };
    Some(reason.to_owned())
}

/// Replaces the candidate's link by [`WITHHELD_LINK`] in a captured email.
fn withhold(email: &mut CapturedEmail, link: &str) {
    for part in [&mut email.text, &mut email.html, &mut email.subject] {
        if part.contains(link) {
            *part = part.replace(link, WITHHELD_LINK);
        }
    }
}

/// A number that differs between messages and attempts, for the retry jitter.
fn spread(id: MessageId, attempts: u32) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (id, attempts).hash(&mut hasher);
    hasher.finish()
}
