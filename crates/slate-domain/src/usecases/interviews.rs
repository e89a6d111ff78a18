//! Creating, editing, publishing, archiving and previewing video interviews.

use super::{Caller, Slate};
use crate::ports::CommitError;
use crate::ports::{AdapterError, ChangeSet, Write};
use crate::{
    InterviewDetails, InterviewError, InterviewId, InterviewSnapshot, OrganizationId, Prompt, Question, QuestionError,
    QuestionId, VideoInterview,
};

/// A question as a recruiter submits it. Give the `id` of an existing question to keep its
/// identity across edits; leave it `None` for a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionInput {
    /// An existing question's id, or `None`.
    pub id: Option<QuestionId>,
    /// The prompt.
    pub prompt: Prompt,
    /// Seconds to think before recording.
    pub thinking_secs: u32,
    /// The longest answer in seconds.
    pub max_answer_secs: u32,
    /// Extra takes allowed.
    pub retakes: u8,
}

/// A whole interview as a recruiter submits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewInput {
    /// Name, job, intro, language, labels.
    pub details: InterviewDetails,
    /// The ordered questions.
    pub questions: Vec<QuestionInput>,
}

/// Why an interview use case (create, edit, publish, archive, preview) was refused.
#[derive(Debug, thiserror::Error)]
pub enum InterviewUseCaseError {
    /// No such interview in the caller's organization.
    #[error("no such video interview")]
    NotFound,
    /// The job named does not exist in the caller's organization.
    #[error("no such job")]
    JobNotFound,
    /// A question's settings are out of range; `index` counts from 0.
    #[error("question {}: {source}", .index + 1)]
    Question {
        /// The question's position, from 0.
        index: usize,
        /// What is wrong.
        source: QuestionError,
    },
    /// The interview's rules refuse it (no questions, wrong status …).
    #[error(transparent)]
    Invalid(#[from] InterviewError),
    /// Someone else changed the interview meanwhile.
    #[error("the interview was changed by someone else; reload and try again")]
    Conflict,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

impl From<CommitError> for InterviewUseCaseError {
    fn from(e: CommitError) -> Self {
        match e {
            CommitError::Conflict | CommitError::Duplicate(_) => Self::Conflict,
            CommitError::Internal(e) => Self::Internal(e),
        }
    }
}

impl Slate {
    async fn check_job(&self, org: OrganizationId, details: &InterviewDetails) -> Result<(), InterviewUseCaseError> {
        if let Some(job) = details.job_id
            && self.ports.jobs.get(org, job).await?.is_none()
        {
            return Err(InterviewUseCaseError::JobNotFound);
        }
        Ok(())
    }

    fn build_questions(&self, inputs: Vec<QuestionInput>) -> Result<Vec<Question>, InterviewUseCaseError> {
        inputs
            .into_iter()
            .enumerate()
            .map(|(index, q)| {
                let id = q.id.unwrap_or_else(|| QuestionId::from_uuid(self.ports.ids.new_uuid()));
                Question::new(id, q.prompt, q.thinking_secs, q.max_answer_secs, q.retakes)
                    .map_err(|source| InterviewUseCaseError::Question { index, source })
            })
            .collect()
    }

    async fn load_interview(&self, caller: Caller, id: InterviewId) -> Result<VideoInterview, InterviewUseCaseError> {
        self.ports.interviews.get(caller.organization_id, id).await?.ok_or(InterviewUseCaseError::NotFound)
    }

    async fn save_interview(&self, mut interview: VideoInterview) -> Result<VideoInterview, InterviewUseCaseError> {
        let mut changes = ChangeSet::new();
        changes.push(Write::UpdateInterview(interview.clone()));
        self.commit(changes).await?;
        interview.committed();
        Ok(interview)
    }

    /// Creates a draft interview.
    ///
    /// # Errors
    /// [`InterviewUseCaseError::JobNotFound`], [`InterviewUseCaseError::Question`],
    /// [`InterviewUseCaseError::Invalid`], [`InterviewUseCaseError::Internal`].
    pub async fn create_interview(
        &self,
        caller: Caller,
        input: InterviewInput,
    ) -> Result<VideoInterview, InterviewUseCaseError> {
        self.check_job(caller.organization_id, &input.details).await?;
        let questions = self.build_questions(input.questions)?;
        let id = InterviewId::from_uuid(self.ports.ids.new_uuid());
        let interview = VideoInterview::draft(id, caller.organization_id, input.details, questions, self.now())?;
        let mut changes = ChangeSet::new();
        changes.push(Write::InsertInterview(interview.clone()));
        self.commit(changes).await?;
        Ok(interview)
    }

    /// Replaces an interview's details and questions. Invitations already sent are not
    /// affected: they keep the snapshot they were sent with.
    ///
    /// `expected_revision`, when given, must be the revision the recruiter edited (so two
    /// recruiters editing at once do not silently overwrite each other).
    ///
    /// # Errors
    /// [`InterviewUseCaseError`]: not found, job not found, question settings, rules, conflict.
    pub async fn edit_interview(
        &self,
        caller: Caller,
        id: InterviewId,
        expected_revision: Option<u64>,
        input: InterviewInput,
    ) -> Result<VideoInterview, InterviewUseCaseError> {
        let mut interview = self.load_interview(caller, id).await?;
        if expected_revision.is_some_and(|r| r != interview.revision()) {
            return Err(InterviewUseCaseError::Conflict);
        }
        self.check_job(caller.organization_id, &input.details).await?;
        let questions = self.build_questions(input.questions)?;
        interview.edit(input.details, questions, self.now())?;
        self.save_interview(interview).await
    }

    /// Publishes a draft, making it available for invitations.
    ///
    /// # Errors
    /// [`InterviewUseCaseError`]: not found, no questions, not a draft, conflict.
    pub async fn publish_interview(
        &self,
        caller: Caller,
        id: InterviewId,
    ) -> Result<VideoInterview, InterviewUseCaseError> {
        let mut interview = self.load_interview(caller, id).await?;
        interview.publish(self.now())?;
        self.save_interview(interview).await
    }

    /// Archives an interview. Invitations already sent carry on.
    ///
    /// # Errors
    /// [`InterviewUseCaseError`]: not found, already archived, conflict.
    pub async fn archive_interview(
        &self,
        caller: Caller,
        id: InterviewId,
    ) -> Result<VideoInterview, InterviewUseCaseError> {
        let mut interview = self.load_interview(caller, id).await?;
        interview.archive(self.now())?;
        self.save_interview(interview).await
    }

    /// The interview exactly as a candidate invited now would get it (drafts too).
    ///
    /// # Errors
    /// [`InterviewUseCaseError::NotFound`], [`InterviewUseCaseError::Internal`].
    pub async fn preview_interview(
        &self,
        caller: Caller,
        id: InterviewId,
    ) -> Result<InterviewSnapshot, InterviewUseCaseError> {
        let interview = self.load_interview(caller, id).await?;
        let job = match interview.details().job_id {
            Some(job) => self.ports.jobs.get(caller.organization_id, job).await?,
            None => None,
        };
        Ok(interview.snapshot(job.as_ref()))
    }
}
