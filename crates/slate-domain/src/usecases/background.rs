//! Background work: expiring overdue invitations and queueing due reminders. Safe to run
//! in several app instances at once: each change is a revision-checked commit and each
//! reminder has a unique outbox key, so a race loses quietly instead of doing work twice.

use crate::ports::CommitError;
use std::collections::HashMap;

use super::Slate;
use crate::ports::{AdapterError, ChangeSet, Write};
use crate::{Actor, MessageKind, OrganizationId, ReminderKind, ReminderPolicy};

impl Slate {
    /// Removes unfinished answer uploads untouched for [`Settings::abandoned_upload_after`]
    /// (candidates who closed the page mid-upload and never came back). Returns how many.
    ///
    /// [`Settings::abandoned_upload_after`]: crate::Settings::abandoned_upload_after
    ///
    /// # Errors
    /// A storage failure.
    pub async fn sweep_abandoned_uploads(&self) -> Result<u64, crate::ports::VideoStoreError> {
        let idle = chrono::TimeDelta::from_std(self.settings.abandoned_upload_after).unwrap_or(chrono::TimeDelta::MAX);
        let before = self.now().checked_sub_signed(idle).unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
        self.ports.videos.sweep_abandoned(before).await
    }

    /// Marks up to `limit` invitations whose deadline has passed as Expired, each with its
    /// timeline event. Returns how many it expired.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn expire_overdue(&self, limit: usize) -> Result<usize, AdapterError> {
        let now = self.now();
        let mut expired = 0;
        for mut invitation in self.ports.invitations.overdue(now, limit).await? {
            let Ok(event) = invitation.expire(now) else { continue };
            let mut changes = ChangeSet::new();
            changes.push(Write::UpdateInvitation(invitation.clone()));
            changes.push(Write::AppendEvent(self.event(&invitation, event, Actor::System, now)));
            match self.commit(changes).await {
                Ok(()) => expired += 1,
                // Another instance, or the candidate, got there first.
                Err(CommitError::Conflict | CommitError::Duplicate(_)) => {}
                Err(CommitError::Internal(e)) => return Err(e),
            }
        }
        Ok(expired)
    }

    /// Queues the reminders that are due under their organization's policy, at most one of
    /// each kind per invitation, for up to `batch` invitations whose planned reminder moment
    /// has come (found through an index, see [`crate::Invitation::plan_reminders`]), and plans each
    /// one's next moment. Returns how many invitations it looked at: call it again while
    /// that equals `batch`.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn queue_due_reminders(&self, batch: usize) -> Result<RemindersRun, AdapterError> {
        let now = self.now();
        let mut policies: HashMap<OrganizationId, ReminderPolicy> = HashMap::new();
        let mut run = RemindersRun::default();
        for mut invitation in self.ports.invitations.awaiting_reminders(now, batch.max(1)).await? {
            run.looked_at += 1;
            let org = invitation.organization_id();
            let policy = match policies.get(&org) {
                Some(p) => *p,
                None => {
                    let p = self.reminder_policy(org).await?;
                    policies.insert(org, p);
                    p
                }
            };
            let mut changes = ChangeSet::new();
            let mut events = Vec::new();
            for kind in [ReminderKind::NotStarted, ReminderKind::DeadlineApproaching] {
                if let Ok(event) = invitation.remind(kind, &policy, now) {
                    let to = invitation.email().clone();
                    events.push(event);
                    changes.push(Write::Enqueue(self.message(&invitation, MessageKind::Reminder(kind), 0, to, now)));
                }
            }
            let queued = events.len();
            invitation.plan_reminders(&policy, now);
            for event in events {
                changes.push(Write::AppendEvent(self.event(&invitation, event, Actor::System, now)));
            }
            let mut all = ChangeSet::new();
            all.push(Write::UpdateInvitation(invitation));
            for w in changes.into_writes() {
                all.push(w);
            }
            match self.commit(all).await {
                Ok(()) => run.queued += queued,
                // Another instance, or the candidate, got there first; it plans again.
                Err(CommitError::Conflict | CommitError::Duplicate(_)) => {}
                Err(CommitError::Internal(e)) => return Err(e),
            }
        }
        Ok(run)
    }
}

/// What one [`Slate::queue_due_reminders`] call did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemindersRun {
    /// Invitations whose planned moment had come.
    pub looked_at: usize,
    /// Reminders queued.
    pub queued: usize,
}
