//! The mail worker's side of the outbox: claim messages, gather what each needs to be
//! worded, then report how sending went. A report updates the message, the invitation's
//! status (Sent, Bounced) and the timeline in one commit, and only under the claim it was
//! sent with.

use std::hash::{Hash, Hasher};

use chrono::{DateTime, Utc};

use super::{Failed, Slate, delay};
use crate::ports::{ChangeSet, RepoError, Write};
use crate::{
    Actor, CapturedEmail, ClaimToken, DeliveryState, EventKind, Invitation, InvitationStatus, MessageContext,
    MessageId, MessageKind, OutboxMessage, WITHHELD_LINK,
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
    Internal(#[from] RepoError),
}

/// What [`Slate::prepare_message`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// Send it: everything needed to word it.
    Send(Box<MessageContext>),
    /// Not sent: what it announced no longer holds. Already recorded as skipped.
    Skipped {
        /// Why.
        reason: String,
    },
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
    /// [`RepoError`] on a storage failure.
    pub async fn claim_messages(&self, limit: usize) -> Result<Vec<OutboxMessage>, RepoError> {
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
        if !matches!(message.state, DeliveryState::Claimed { token: held, .. } if held == token) {
            return Err(DeliveryError::ClaimLost);
        }
        let org = message.organization_id;
        let invitation =
            self.ports.invitations.get(org, message.invitation_id).await?.ok_or(DeliveryError::NotFound)?;
        if let Some(reason) = stale(&message, &invitation, self.now()) {
            let now = self.now();
            let mut skipped = message;
            skipped.state = DeliveryState::Skipped { at: now, reason: reason.clone() };
            let mut changes = ChangeSet::new();
            changes.push(Write::UpdateMessage { message: skipped, token });
            return match self.commit(changes).await.map_err(Failed::from) {
                Ok(()) => Ok(Prepared::Skipped { reason }),
                Err(Failed::Conflict | Failed::Duplicate(_)) => Err(DeliveryError::ClaimLost),
                Err(Failed::Internal(e)) => Err(e.into()),
            };
        }
        let (organization, recruiter, custom) = futures_util::join!(
            self.ports.organizations.get(org),
            self.ports.recruiters.get(org, invitation.invited_by()),
            self.ports.templates.get(org, message.kind.template_kind(), message.language),
        );
        let organization = organization?.ok_or(DeliveryError::NotFound)?;
        let recruiter = recruiter?.ok_or(DeliveryError::NotFound)?;
        let content = match custom? {
            Some(t) => t.content,
            None => self.ports.renderer.default_content(message.kind.template_kind(), message.language),
        };
        let candidate_link = (message.kind.carries_link() || message.kind == MessageKind::BccCopy)
            .then(|| self.candidate_link(&invitation));
        let review_link = self.settings.public_url.review_link(invitation.id());
        Ok(Prepared::Send(Box::new(MessageContext {
            message,
            organization,
            recruiter,
            invitation,
            candidate_link,
            review_link,
            content,
        })))
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
        let now = self.now();
        let mut message = self.ports.outbox.get(id).await?.ok_or(DeliveryError::NotFound)?;
        let attempts = match message.state {
            DeliveryState::Claimed { attempts, token: held, .. } if held == token => attempts,
            _ => return Err(DeliveryError::ClaimLost),
        };
        let invitation = self.ports.invitations.get(message.organization_id, message.invitation_id).await?;
        let policy = match &invitation {
            Some(_) if message.kind.carries_link() => Some(self.reminder_policy(message.organization_id).await?),
            _ => None,
        };
        // The link is the same before and after this report (only cancelling changes it).
        let link = invitation.as_ref().map(|inv| self.candidate_link(inv));
        let mut changes = ChangeSet::new();
        // The invitation's new state, if the outcome moves it, and the event to record.
        let mut moved: Option<Invitation> = None;
        let mut event: Option<EventKind> = None;
        match outcome {
            DeliveryOutcome::Delivered | DeliveryOutcome::Captured(_) => {
                message.state = DeliveryState::Delivered { at: now };
                if let (Some(mut inv), Some(policy)) = (invitation.clone(), policy)
                    && let Ok(e) = inv.record_delivery(now)
                {
                    inv.plan_reminders(&policy, now);
                    moved = Some(inv);
                    event = Some(e);
                }
                if let DeliveryOutcome::Captured(mut email) = outcome {
                    email.captured_at = now;
                    // No usable link at rest: the mailbox shows it again when read.
                    if let Some(link) = &link {
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
        match self.commit(changes).await.map_err(Failed::from) {
            Ok(()) => Ok(message),
            Err(Failed::Conflict) => {
                // Either the claim was taken over, or the invitation moved: tell them apart.
                match self.ports.outbox.get(id).await? {
                    Some(m) if matches!(m.state, DeliveryState::Claimed { token: held, .. } if held == token) => {
                        Err(DeliveryError::Conflict)
                    }
                    _ => Err(DeliveryError::ClaimLost),
                }
            }
            Err(Failed::Duplicate(_)) => Err(DeliveryError::ClaimLost),
            Err(Failed::Internal(e)) => Err(e.into()),
        }
    }

    /// Words a prepared message: its subject, plain text and HTML, in its language.
    #[must_use]
    pub fn render_message(&self, context: &MessageContext) -> crate::RenderedMessage {
        self.ports.renderer.render(context)
    }

    /// The outbox's depth and the age of its oldest due message.
    ///
    /// # Errors
    /// [`RepoError`] on a storage failure.
    pub async fn outbox_health(&self) -> Result<OutboxHealth, RepoError> {
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
