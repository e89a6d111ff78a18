//! Organizations (tenants), their recruiters and their reminder policy.

use chrono::TimeDelta;

use crate::{DisplayName, EmailAddress, Language, OrganizationId, PersonName, RecruiterId, TimeZone};

/// A tenant: a company using Slate. Every other record belongs to exactly one organization,
/// and no use case ever reads or writes across organizations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// Its id.
    pub id: OrganizationId,
    /// Its name, shown to candidates when no job's company name is given.
    pub name: DisplayName,
    /// The zone deadlines are judged in.
    pub time_zone: TimeZone,
    /// The language new invitations default to.
    pub default_language: Language,
    /// When reminders go out.
    pub reminders: ReminderPolicy,
}

/// When automatic reminders are sent for invitations that are not completed. Each kind is
/// sent at most once per invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderPolicy {
    not_started_after_days: Option<u16>,
    days_before_deadline: Option<u16>,
}

/// Why a reminder policy was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("reminder delays are 1 to 60 days")]
pub struct ReminderPolicyError;

impl ReminderPolicy {
    /// No reminders at all.
    pub const OFF: Self = Self { not_started_after_days: None, days_before_deadline: None };

    /// A policy: remind `not_started_after_days` days after sending if the candidate has not
    /// started, and `days_before_deadline` days before the deadline's last day if not completed.
    /// `None` turns a kind off.
    ///
    /// # Errors
    /// [`ReminderPolicyError`] for a delay of 0 or more than 60 days.
    pub fn new(
        not_started_after_days: Option<u16>,
        days_before_deadline: Option<u16>,
    ) -> Result<Self, ReminderPolicyError> {
        let ok = |d: Option<u16>| d.is_none_or(|d| (1..=60).contains(&d));
        if ok(not_started_after_days) && ok(days_before_deadline) {
            Ok(Self { not_started_after_days, days_before_deadline })
        } else {
            Err(ReminderPolicyError)
        }
    }

    /// Days after sending, for the not-started reminder.
    #[must_use]
    pub const fn not_started_after_days(&self) -> Option<u16> {
        self.not_started_after_days
    }

    /// Days before the deadline, for the deadline reminder (1 = the day before).
    #[must_use]
    pub const fn days_before_deadline(&self) -> Option<u16> {
        self.days_before_deadline
    }

    pub(crate) fn not_started_delay(&self) -> Option<TimeDelta> {
        self.not_started_after_days.map(|d| TimeDelta::days(i64::from(d)))
    }
}

impl Default for ReminderPolicy {
    /// Two days after sending if not started, and the day before the deadline.
    fn default() -> Self {
        Self { not_started_after_days: Some(2), days_before_deadline: Some(1) }
    }
}

/// A recruiter: a user of an organization who creates interviews and invites candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recruiter {
    /// Its id.
    pub id: RecruiterId,
    /// The organization they work for.
    pub organization_id: OrganizationId,
    /// Their name, as shown to colleagues and in emails.
    pub name: PersonName,
    /// Their account email: BCC copies and completion notices go here.
    pub email: EmailAddress,
}
