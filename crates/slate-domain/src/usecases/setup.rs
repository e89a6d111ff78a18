//! Setting up: organizations, recruiters, jobs and internal candidates.

use super::{Caller, Slate, unexpected};
use crate::ports::{AdapterError, ChangeSet, CommitError, Write};
use crate::{
    Candidate, CandidateId, CandidateKind, DisplayName, EmailAddress, Job, JobId, JobText, Language, LongText,
    Organization, OrganizationId, PersonName, PhoneNumber, Recruiter, RecruiterId, ReminderPolicy, TimeZone,
};

/// A new organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganization {
    /// Its name.
    pub name: DisplayName,
    /// The zone deadlines are judged in.
    pub time_zone: TimeZone,
    /// The default language of invitations.
    pub default_language: Language,
    /// The reminder policy.
    pub reminders: ReminderPolicy,
}

/// An organization's settings, as a recruiter edits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationSettings {
    /// Its name.
    pub name: DisplayName,
    /// The zone new invitations' deadlines are judged in (sent invitations keep theirs).
    pub time_zone: TimeZone,
    /// The default language of new invitations.
    pub default_language: Language,
    /// The reminder policy (re-planned for every open invitation when it changes).
    pub reminders: ReminderPolicy,
}

/// A new recruiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecruiter {
    /// Their name.
    pub name: PersonName,
    /// Their account email; unique across Slate.
    pub email: EmailAddress,
}

/// Why a recruiter could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddRecruiterError {
    /// No such organization.
    #[error("no such organization")]
    OrganizationNotFound,
    /// Another account has this email.
    #[error("an account with this email already exists")]
    EmailTaken,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

/// A new job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// The title.
    pub title: JobText,
    /// The company name candidates see.
    pub company_name: JobText,
}

/// Why a job could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateJobError {
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

/// A new internal candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCandidate {
    /// First name.
    pub first_name: PersonName,
    /// Last name.
    pub last_name: PersonName,
    /// Email from their resume.
    pub email: Option<EmailAddress>,
    /// Phone.
    pub phone: Option<PhoneNumber>,
    /// Notes.
    pub notes: LongText,
}

/// Why a candidate could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateCandidateError {
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

impl Slate {
    /// Creates an organization.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn create_organization(&self, new: NewOrganization) -> Result<Organization, AdapterError> {
        let org = Organization {
            id: OrganizationId::from_uuid(self.ports.ids.new_uuid()),
            name: new.name,
            time_zone: new.time_zone,
            default_language: new.default_language,
            reminders: new.reminders,
        };
        let mut changes = ChangeSet::new();
        changes.push(Write::InsertOrganization(org.clone()));
        self.commit(changes).await.map_err(unexpected)?;
        Ok(org)
    }

    /// Adds a recruiter to an organization.
    ///
    /// # Errors
    /// [`AddRecruiterError`].
    pub async fn add_recruiter(&self, org: OrganizationId, new: NewRecruiter) -> Result<Recruiter, AddRecruiterError> {
        if self.ports.organizations.get(org).await?.is_none() {
            return Err(AddRecruiterError::OrganizationNotFound);
        }
        if self.ports.recruiters.find_by_email(&new.email).await?.is_some() {
            return Err(AddRecruiterError::EmailTaken);
        }
        let recruiter = Recruiter {
            id: RecruiterId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: org,
            name: new.name,
            email: new.email,
        };
        let mut changes = ChangeSet::new();
        changes.push(Write::InsertRecruiter(recruiter.clone()));
        match self.commit(changes).await {
            Ok(()) => Ok(recruiter),
            Err(CommitError::Duplicate(_)) => Err(AddRecruiterError::EmailTaken),
            Err(CommitError::Internal(e)) => Err(e.into()),
            Err(CommitError::Conflict) => Err(AdapterError::new("unexpected conflict on insert").into()),
        }
    }

    /// Creates a job.
    ///
    /// # Errors
    /// [`CreateJobError`].
    pub async fn create_job(&self, caller: Caller, new: NewJob) -> Result<Job, CreateJobError> {
        let job = Job {
            id: JobId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: caller.organization_id,
            title: new.title,
            company_name: new.company_name,
        };
        let mut changes = ChangeSet::new();
        changes.push(Write::InsertJob(job.clone()));
        self.commit(changes).await.map_err(unexpected)?;
        Ok(job)
    }

    /// Changes the caller's organization's settings. When the reminder policy changes, every
    /// open invitation's next reminder is planned again under the new one (in pages, so a
    /// large organization is never read whole), so a shortened or newly enabled reminder is
    /// not missed.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure (the organization vanishing included).
    pub async fn update_organization(
        &self,
        caller: Caller,
        settings: OrganizationSettings,
    ) -> Result<Organization, AdapterError> {
        let org = caller.organization_id;
        let before =
            self.ports.organizations.get(org).await?.ok_or_else(|| AdapterError::new("no such organization"))?;
        let updated = Organization {
            id: org,
            name: settings.name,
            time_zone: settings.time_zone,
            default_language: settings.default_language,
            reminders: settings.reminders,
        };
        let mut changes = ChangeSet::new();
        changes.push(Write::UpdateOrganization(updated.clone()));
        self.commit(changes).await.map_err(unexpected)?;
        if before.reminders != updated.reminders {
            self.replan_reminders(org, &updated.reminders).await?;
        }
        Ok(updated)
    }

    async fn replan_reminders(&self, org: OrganizationId, policy: &ReminderPolicy) -> Result<(), AdapterError> {
        let now = self.now();
        let mut query = crate::InvitationQuery {
            statuses: vec![
                crate::InvitationStatus::Queued,
                crate::InvitationStatus::Sent,
                crate::InvitationStatus::Opened,
                crate::InvitationStatus::Started,
                crate::InvitationStatus::Bounced,
            ],
            limit: crate::PageSize::new(u64::from(crate::PageSize::MAX)).unwrap_or_default(),
            ..crate::InvitationQuery::default()
        };
        loop {
            let page = self.ports.invitations.list(org, &query).await?;
            let mut changes = ChangeSet::new();
            for mut invitation in page.items {
                let planned = invitation.next_reminder_at();
                invitation.plan_reminders(policy, now);
                if invitation.next_reminder_at() != planned {
                    changes.push(Write::UpdateInvitation(invitation));
                }
            }
            if !changes.is_empty() {
                match self.commit(changes).await {
                    // One changed meanwhile (the candidate acted): its own use case planned it.
                    Ok(()) | Err(CommitError::Conflict) => {}
                    Err(e) => return Err(unexpected(e)),
                }
            }
            match page.next {
                Some(next) => query.after = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// Adds an internal candidate to the candidate base.
    ///
    /// # Errors
    /// [`CreateCandidateError`].
    pub async fn create_candidate(&self, caller: Caller, new: NewCandidate) -> Result<Candidate, CreateCandidateError> {
        let candidate = Candidate {
            id: CandidateId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: caller.organization_id,
            kind: CandidateKind::Internal,
            first_name: new.first_name,
            last_name: new.last_name,
            email: new.email,
            phone: new.phone,
            notes: new.notes,
            created_at: self.now(),
        };
        let mut changes = ChangeSet::new();
        changes.push(Write::InsertCandidate(candidate.clone()));
        self.commit(changes).await.map_err(unexpected)?;
        Ok(candidate)
    }
}
