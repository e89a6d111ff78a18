//! The mail worker's side of the outbox: claim messages, then report how sending went.
//! A report updates the message, the invitation's status (Sent, Bounced) and the timeline
//! in one commit.

use super::{Failed, Slate, delay};
use crate::ports::{ChangeSet, RepoError, Write};
use crate::{Actor, DeliveryState, MessageId, OutboxMessage};

/// How sending a message went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The mail server accepted it.
    Delivered,
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

/// Why a delivery report could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// No such message.
    #[error("no such message")]
    NotFound,
    /// The invitation changed meanwhile; report again.
    #[error("the invitation changed meanwhile; report again")]
    Conflict,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] RepoError),
}

impl Slate {
    /// Claims up to `limit` messages that are due, for this worker alone, for the claim
    /// period of the settings.
    ///
    /// # Errors
    /// [`RepoError`] on a storage failure.
    pub async fn claim_messages(&self, limit: usize) -> Result<Vec<OutboxMessage>, RepoError> {
        let now = self.now();
        self.ports.outbox.claim(now, now + delay(self.settings.outbox_claim), limit).await
    }

    /// Records how sending a claimed message went. Temporary failures are retried with
    /// exponential back-off until the settings' attempt limit, then given up; a permanent
    /// failure of a candidate email marks the invitation Bounced; a delivery marks a queued
    /// invitation Sent.
    ///
    /// # Errors
    /// [`DeliveryError`].
    pub async fn record_delivery(
        &self,
        id: MessageId,
        outcome: DeliveryOutcome,
    ) -> Result<OutboxMessage, DeliveryError> {
        let now = self.now();
        let mut message = self.ports.outbox.get(id).await?.ok_or(DeliveryError::NotFound)?;
        let attempts = match message.state {
            DeliveryState::Pending { attempts, .. } => attempts.saturating_add(1),
            DeliveryState::Claimed { attempts, .. } => attempts,
            DeliveryState::Delivered { .. } | DeliveryState::Failed { .. } => return Ok(message),
        };
        let for_candidate = message.kind.is_for_candidate();
        let invitation = if for_candidate {
            self.ports.invitations.get(message.organization_id, message.invitation_id).await?
        } else {
            None
        };
        let mut changes = ChangeSet::new();
        let transition = match outcome {
            DeliveryOutcome::Delivered => {
                message.state = DeliveryState::Delivered { at: now };
                invitation.map(|mut inv| (inv.record_delivery(now), inv))
            }
            DeliveryOutcome::TemporaryFailure { reason } => {
                message.state = if attempts >= self.settings.outbox_max_attempts {
                    DeliveryState::Failed { at: now, reason: format!("gave up after {attempts} attempts: {reason}") }
                } else {
                    DeliveryState::Pending { not_before: now + delay(self.settings.retry_delay(attempts)), attempts }
                };
                None
            }
            DeliveryOutcome::PermanentFailure { reason } => {
                message.state = DeliveryState::Failed { at: now, reason: reason.clone() };
                invitation.map(|mut inv| (inv.record_bounce(&reason, now), inv))
            }
        };
        changes.push(Write::UpdateMessage(message.clone()));
        // A late report on an invitation that moved on (cancelled, completed) changes only
        // the message.
        if let Some((Ok(event), invitation)) = transition {
            changes.push(Write::UpdateInvitation(invitation.clone()));
            changes.push(Write::AppendEvent(self.event(&invitation, event, Actor::System, now)));
        }
        match self.commit(changes).await.map_err(Failed::from) {
            Ok(()) => Ok(message),
            Err(Failed::Conflict | Failed::Duplicate(_)) => Err(DeliveryError::Conflict),
            Err(Failed::Internal(e)) => Err(e.into()),
        }
    }
}
