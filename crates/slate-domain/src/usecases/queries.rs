//! Read-only use cases, all scoped to the caller's organization.

use super::{Caller, Slate};
use crate::ports::AdapterError;
use crate::{
    Answer, Candidate, CandidateId, InterviewId, InterviewStatus, Invitation, InvitationId, InvitationQuery, Job,
    JobId, NamePrefix, OutboxMessage, Page, TimelineEvent, VideoInterview,
};

/// Why a single record could not be read.
#[derive(Debug, thiserror::Error)]
pub enum NotFoundError {
    /// No such record in the caller's organization.
    #[error("not found")]
    NotFound,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

/// Why a timeline could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    /// No such candidate in the caller's organization.
    #[error("no such candidate")]
    CandidateNotFound,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

impl Slate {
    /// One invitation, as it stands now: past its closing moment it reads Expired at once
    /// ([`Invitation::as_seen_at`]).
    ///
    /// # Errors
    /// [`NotFoundError`].
    pub async fn get_invitation(&self, caller: Caller, id: InvitationId) -> Result<Invitation, NotFoundError> {
        let invitation =
            self.ports.invitations.get(caller.organization_id, id).await?.ok_or(NotFoundError::NotFound)?;
        Ok(invitation.as_seen_at(self.now()))
    }

    /// A page of invitations: filters, text search, sort, keyset pagination. Each reads as it
    /// stands now ([`Invitation::as_seen_at`]); one that filtered in by an open status it no
    /// longer has is left out of the page (the cursor still moves past it).
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn list_invitations(
        &self,
        caller: Caller,
        query: &InvitationQuery,
    ) -> Result<Page<Invitation>, AdapterError> {
        let now = self.now();
        let mut page = self.ports.invitations.list(caller.organization_id, query).await?;
        page.items = page
            .items
            .into_iter()
            .map(|i| i.as_seen_at(now))
            .filter(|i| query.statuses.is_empty() || query.statuses.contains(&i.status()))
            .collect();
        Ok(page)
    }

    /// A candidate's activity timeline, oldest first.
    ///
    /// # Errors
    /// [`TimelineError`].
    pub async fn candidate_timeline(
        &self,
        caller: Caller,
        candidate: CandidateId,
    ) -> Result<Vec<TimelineEvent>, TimelineError> {
        if self.ports.candidates.get(caller.organization_id, candidate).await?.is_none() {
            return Err(TimelineError::CandidateNotFound);
        }
        Ok(self.ports.timeline.for_candidate(caller.organization_id, candidate).await?)
    }

    /// Type-ahead: internal candidates whose first or last name starts with `prefix`, at
    /// most `limit` (capped at 50).
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn search_candidates(
        &self,
        caller: Caller,
        prefix: &NamePrefix,
        limit: usize,
    ) -> Result<Vec<Candidate>, AdapterError> {
        self.ports.candidates.search_by_name_prefix(caller.organization_id, prefix, limit.clamp(1, 50)).await
    }

    /// A recruiter of the caller's organization (for showing who did what); `None` for an
    /// unknown one or another organization's.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn colleague(
        &self,
        caller: Caller,
        id: crate::RecruiterId,
    ) -> Result<Option<crate::Recruiter>, AdapterError> {
        self.ports.recruiters.get(caller.organization_id, id).await
    }

    /// One candidate.
    ///
    /// # Errors
    /// [`NotFoundError`].
    pub async fn get_candidate(&self, caller: Caller, id: CandidateId) -> Result<Candidate, NotFoundError> {
        self.ports.candidates.get(caller.organization_id, id).await?.ok_or(NotFoundError::NotFound)
    }

    /// One interview.
    ///
    /// # Errors
    /// [`NotFoundError`].
    pub async fn get_interview(&self, caller: Caller, id: InterviewId) -> Result<VideoInterview, NotFoundError> {
        self.ports.interviews.get(caller.organization_id, id).await?.ok_or(NotFoundError::NotFound)
    }

    /// The organization's interviews, optionally of one status.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn list_interviews(
        &self,
        caller: Caller,
        status: Option<InterviewStatus>,
    ) -> Result<Vec<VideoInterview>, AdapterError> {
        self.ports.interviews.list(caller.organization_id, status).await
    }

    /// One job of the caller's organization.
    ///
    /// # Errors
    /// [`NotFoundError`].
    pub async fn get_job(&self, caller: Caller, id: JobId) -> Result<Job, NotFoundError> {
        self.ports.jobs.get(caller.organization_id, id).await?.ok_or(NotFoundError::NotFound)
    }

    /// The organization's jobs.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn list_jobs(&self, caller: Caller) -> Result<Vec<Job>, AdapterError> {
        self.ports.jobs.list(caller.organization_id).await
    }

    /// Every recorded take of an invitation.
    ///
    /// # Errors
    /// [`NotFoundError`].
    pub async fn answers(&self, caller: Caller, invitation: InvitationId) -> Result<Vec<Answer>, NotFoundError> {
        self.get_invitation(caller, invitation).await?;
        Ok(self.ports.answers.for_invitation(caller.organization_id, invitation).await?)
    }

    /// Bytes `start..end` of the video of one answer of an invitation (for playback with
    /// range requests), with the answer.
    ///
    /// # Errors
    /// [`NotFoundError`] for another organization's invitation, an unknown answer, or a
    /// video missing from storage.
    pub async fn answer_video(
        &self,
        caller: Caller,
        invitation: InvitationId,
        answer: crate::AnswerId,
        start: u64,
        end: u64,
    ) -> Result<(Answer, crate::ports::ByteStream), NotFoundError> {
        let answers = self.answers(caller, invitation).await?;
        let answer = answers.into_iter().find(|a| a.id == answer).ok_or(NotFoundError::NotFound)?;
        match self.ports.videos.read(&answer.media, start, end).await {
            Ok(stream) => Ok((answer, stream)),
            Err(crate::ports::VideoStoreError::NotFound) => Err(NotFoundError::NotFound),
            Err(crate::ports::VideoStoreError::Internal(e)) => Err(e.into()),
            Err(e) => Err(AdapterError::new(e).into()),
        }
    }

    /// The messages queued (or sent) about an invitation.
    ///
    /// # Errors
    /// [`NotFoundError`].
    pub async fn messages(
        &self,
        caller: Caller,
        invitation: InvitationId,
    ) -> Result<Vec<OutboxMessage>, NotFoundError> {
        self.get_invitation(caller, invitation).await?;
        Ok(self.ports.outbox.for_invitation(caller.organization_id, invitation).await?)
    }
}
