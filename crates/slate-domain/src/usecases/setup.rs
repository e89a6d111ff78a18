//! Setting up: organizations, recruiters, jobs and internal candidates.

use super::{Caller, Failed, Slate, unexpected};
use crate::ports::{ChangeSet, RepoError, Write};
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
    Internal(#[from] RepoError),
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
    Internal(#[from] RepoError),
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
    Internal(#[from] RepoError),
}

impl Slate {
    /// Creates an organization.
    ///
    /// # Errors
    /// [`RepoError`] on a storage failure.
    pub async fn create_organization(&self, new: NewOrganization) -> Result<Organization, RepoError> {
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
        match self.commit(changes).await.map_err(Failed::from) {
            Ok(()) => Ok(recruiter),
            Err(Failed::Duplicate(_)) => Err(AddRecruiterError::EmailTaken),
            Err(Failed::Internal(e)) => Err(e.into()),
            Err(Failed::Conflict) => Err(RepoError::new("unexpected conflict on insert").into()),
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
