//! Background jobs: expiring overdue invitations and queueing due reminders. Safe to run
//! in several app instances at once: each change is a revision-checked commit and each
//! reminder has a unique outbox key, so a race loses quietly instead of doing work twice.

use std::collections::HashMap;

use super::{Failed, Slate};
use crate::ports::{ChangeSet, RepoError, Write};
use crate::{Actor, MessageKind, OrganizationId, ReminderKind, ReminderPolicy};

impl Slate {
    /// Marks up to `limit` invitations whose deadline has passed as Expired, each with its
    /// timeline event. Returns how many it expired.
    ///
    /// # Errors
    /// [`RepoError`] on a storage failure.
    pub async fn expire_overdue(&self, limit: usize) -> Result<usize, RepoError> {
        let now = self.now();
        let mut expired = 0;
        for mut invitation in self.ports.invitations.overdue(now, limit).await? {
            let Ok(event) = invitation.expire(now) else { continue };
            let mut changes = ChangeSet::new();
            changes.push(Write::UpdateInvitation(invitation.clone()));
            changes.push(Write::AppendEvent(self.event(&invitation, event, Actor::System, now)));
            match self.commit(changes).await.map_err(Failed::from) {
                Ok(()) => expired += 1,
                // Another instance, or the candidate, got there first.
                Err(Failed::Conflict | Failed::Duplicate(_)) => {}
                Err(Failed::Internal(e)) => return Err(e),
            }
        }
        Ok(expired)
    }

    /// Queues every reminder that is due under its organization's policy, at most one of each
    /// kind per invitation, looking at up to `batch` invitations per storage round trip.
    /// Returns how many reminders it queued.
    ///
    /// # Errors
    /// [`RepoError`] on a storage failure.
    pub async fn queue_due_reminders(&self, batch: usize) -> Result<usize, RepoError> {
        let now = self.now();
        let mut policies: HashMap<OrganizationId, ReminderPolicy> = HashMap::new();
        let mut queued = 0;
        let mut after = None;
        loop {
            let page = self.ports.invitations.awaiting_reminders(after, batch.max(1)).await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id());
            let full = page.len() >= batch.max(1);
            for mut invitation in page {
                let org = invitation.organization_id();
                let policy = match policies.get(&org) {
                    Some(p) => *p,
                    None => {
                        let p = self.ports.organizations.get(org).await?.map_or(ReminderPolicy::OFF, |o| o.reminders);
                        policies.insert(org, p);
                        p
                    }
                };
                let mut changes = ChangeSet::new();
                let mut kinds = 0;
                for kind in [ReminderKind::NotStarted, ReminderKind::DeadlineApproaching] {
                    if let Ok(event) = invitation.remind(kind, &policy, now) {
                        let to = invitation.email().clone();
                        changes.push(Write::AppendEvent(self.event(&invitation, event, Actor::System, now)));
                        changes.push(Write::Enqueue(self.message(
                            &invitation,
                            MessageKind::Reminder(kind),
                            0,
                            to,
                            now,
                        )));
                        kinds += 1;
                    }
                }
                if kinds == 0 {
                    continue;
                }
                let mut all = ChangeSet::new();
                all.push(Write::UpdateInvitation(invitation.clone()));
                for w in changes.into_writes() {
                    all.push(w);
                }
                match self.commit(all).await.map_err(Failed::from) {
                    Ok(()) => queued += kinds,
                    Err(Failed::Conflict | Failed::Duplicate(_)) => {}
                    Err(Failed::Internal(e)) => return Err(e),
                }
            }
            if !full {
                break;
            }
        }
        Ok(queued)
    }
}
