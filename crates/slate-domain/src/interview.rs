//! Jobs, video interviews (question sets) and their questions.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::{
    DisplayName, InterviewId, JobId, JobText, Label, LanguageTag, LongText, OrganizationId, Prompt, QuestionId,
};

/// A job opening an interview can be attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Its id.
    pub id: JobId,
    /// The owning organization.
    pub organization_id: OrganizationId,
    /// The job title, e.g. "Backend engineer".
    pub title: JobText,
    /// The hiring company's name as candidates should see it.
    pub company_name: JobText,
}

/// One question of a video interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    id: QuestionId,
    prompt: Prompt,
    thinking_secs: u32,
    max_answer_secs: u32,
    retakes: u8,
}

/// Why a question was refused. Each variant names the offending setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    /// `thinking_time` out of range.
    #[error("thinking time must be 0 to {max} seconds (got {0})", max = Question::MAX_THINKING_SECS)]
    ThinkingTime(u32),
    /// `max_answer` out of range.
    #[error("maximum answer length must be {min} to {max} seconds (got {0})", min = Question::MIN_ANSWER_SECS, max = Question::MAX_ANSWER_SECS)]
    MaxAnswer(u32),
    /// `retakes` out of range.
    #[error("retakes must be 0 to {max} (got {0})", max = Question::MAX_RETAKES)]
    Retakes(u8),
}

impl Question {
    /// The longest thinking time, in seconds.
    pub const MAX_THINKING_SECS: u32 = 600;
    /// The shortest allowed answer limit, in seconds.
    pub const MIN_ANSWER_SECS: u32 = 10;
    /// The longest allowed answer limit, in seconds.
    pub const MAX_ANSWER_SECS: u32 = 900;
    /// The most retakes a question may allow.
    pub const MAX_RETAKES: u8 = 10;

    /// A question. `retakes` is the number of *extra* takes: 0 means one take only.
    ///
    /// # Errors
    /// [`QuestionError`] naming the setting out of range.
    pub fn new(
        id: QuestionId,
        prompt: Prompt,
        thinking_secs: u32,
        max_answer_secs: u32,
        retakes: u8,
    ) -> Result<Self, QuestionError> {
        if thinking_secs > Self::MAX_THINKING_SECS {
            return Err(QuestionError::ThinkingTime(thinking_secs));
        }
        if !(Self::MIN_ANSWER_SECS..=Self::MAX_ANSWER_SECS).contains(&max_answer_secs) {
            return Err(QuestionError::MaxAnswer(max_answer_secs));
        }
        if retakes > Self::MAX_RETAKES {
            return Err(QuestionError::Retakes(retakes));
        }
        Ok(Self { id, prompt, thinking_secs, max_answer_secs, retakes })
    }

    /// Its id.
    #[must_use]
    pub const fn id(&self) -> QuestionId {
        self.id
    }
    /// The prompt shown to the candidate.
    #[must_use]
    pub const fn prompt(&self) -> &Prompt {
        &self.prompt
    }
    /// Seconds to think before recording starts.
    #[must_use]
    pub const fn thinking_secs(&self) -> u32 {
        self.thinking_secs
    }
    /// The longest answer, in seconds.
    #[must_use]
    pub const fn max_answer_secs(&self) -> u32 {
        self.max_answer_secs
    }
    /// Extra takes allowed (0 = one take only).
    #[must_use]
    pub const fn retakes(&self) -> u8 {
        self.retakes
    }
    /// Takes allowed in all: `retakes + 1`.
    #[must_use]
    pub const fn takes_allowed(&self) -> u8 {
        self.retakes.saturating_add(1)
    }
}

/// The life of a video interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterviewStatus {
    /// Being written; cannot be used for invitations.
    Draft,
    /// Ready; the only status in which invitations can be sent.
    Published,
    /// Retired; kept for the invitations that used it.
    Archived,
}

impl InterviewStatus {
    /// Parses [`Self::as_str`]'s names.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Draft, Self::Published, Self::Archived].into_iter().find(|s| s.as_str() == name)
    }

    /// `"draft"`, `"published"` or `"archived"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Archived => "archived",
        }
    }
}

/// The editable details of a video interview (everything but its questions and status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewDetails {
    /// Its name, e.g. "Backend engineer – first round".
    pub name: DisplayName,
    /// The job it is for, if any.
    pub job_id: Option<JobId>,
    /// The introduction shown to candidates on the landing page.
    pub intro: LongText,
    /// The language the questions are written in.
    pub question_language: LanguageTag,
    /// A free difficulty label ("junior", "hard" …).
    pub difficulty: Option<Label>,
    /// A free focus-area label ("system design" …).
    pub focus_area: Option<Label>,
}

/// Why an interview operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InterviewError {
    /// Publishing needs at least one question.
    #[error("an interview needs at least one question to be published")]
    NoQuestions,
    /// More questions than allowed.
    #[error("an interview has at most {max} questions (got {0})", max = VideoInterview::MAX_QUESTIONS)]
    TooManyQuestions(usize),
    /// The same question id appears twice.
    #[error("question ids must be unique")]
    DuplicateQuestion,
    /// The interview is in a status that does not allow this.
    #[error("a {} interview cannot be {action}", .status.as_str())]
    NotAllowed {
        /// Its status.
        status: InterviewStatus,
        /// What was tried ("published", "archived", "edited").
        action: &'static str,
    },
}

/// Every field of a [`VideoInterview`], for adapters that store and restore one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoInterviewParts {
    /// See [`VideoInterview::id`].
    pub id: InterviewId,
    /// See [`VideoInterview::organization_id`].
    pub organization_id: OrganizationId,
    /// See [`VideoInterview::details`].
    pub details: InterviewDetails,
    /// See [`VideoInterview::questions`].
    pub questions: Vec<Question>,
    /// See [`VideoInterview::status`].
    pub status: InterviewStatus,
    /// See [`VideoInterview::revision`].
    pub revision: u64,
    /// See [`VideoInterview::created_at`].
    pub created_at: DateTime<Utc>,
    /// See [`VideoInterview::updated_at`].
    pub updated_at: DateTime<Utc>,
}

/// A video interview: a named, ordered set of questions that candidates answer on video.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoInterview {
    p: VideoInterviewParts,
}

impl VideoInterview {
    /// The most questions an interview may have.
    pub const MAX_QUESTIONS: usize = 50;

    /// A new draft.
    ///
    /// # Errors
    /// [`InterviewError::TooManyQuestions`] or [`InterviewError::DuplicateQuestion`].
    pub fn draft(
        id: InterviewId,
        organization_id: OrganizationId,
        details: InterviewDetails,
        questions: Vec<Question>,
        now: DateTime<Utc>,
    ) -> Result<Self, InterviewError> {
        check_questions(&questions)?;
        Ok(Self {
            p: VideoInterviewParts {
                id,
                organization_id,
                details,
                questions,
                status: InterviewStatus::Draft,
                revision: 0,
                created_at: now,
                updated_at: now,
            },
        })
    }

    /// Rebuilds an interview from storage, checking its invariants.
    ///
    /// # Errors
    /// [`InterviewError`] when the parts break an invariant (a published interview with no
    /// questions, duplicate question ids, too many questions).
    pub fn from_parts(parts: VideoInterviewParts) -> Result<Self, InterviewError> {
        check_questions(&parts.questions)?;
        if parts.status == InterviewStatus::Published && parts.questions.is_empty() {
            return Err(InterviewError::NoQuestions);
        }
        Ok(Self { p: parts })
    }

    /// Every field, for storage.
    #[must_use]
    pub fn into_parts(self) -> VideoInterviewParts {
        self.p
    }

    /// Its id.
    #[must_use]
    pub const fn id(&self) -> InterviewId {
        self.p.id
    }
    /// The owning organization.
    #[must_use]
    pub const fn organization_id(&self) -> OrganizationId {
        self.p.organization_id
    }
    /// Name, job, intro, language and labels.
    #[must_use]
    pub const fn details(&self) -> &InterviewDetails {
        &self.p.details
    }
    /// The ordered questions.
    #[must_use]
    pub fn questions(&self) -> &[Question] {
        &self.p.questions
    }
    /// Draft, Published or Archived.
    #[must_use]
    pub const fn status(&self) -> InterviewStatus {
        self.p.status
    }
    /// Incremented by every stored change; used for optimistic concurrency.
    #[must_use]
    pub const fn revision(&self) -> u64 {
        self.p.revision
    }
    /// When it was created.
    #[must_use]
    pub const fn created_at(&self) -> DateTime<Utc> {
        self.p.created_at
    }
    /// When it last changed.
    #[must_use]
    pub const fn updated_at(&self) -> DateTime<Utc> {
        self.p.updated_at
    }

    /// Records that a commit stored this value (its revision moved on by one).
    pub(crate) const fn committed(&mut self) {
        self.p.revision += 1;
    }

    /// The number of questions.
    #[must_use]
    pub fn number_of_questions(&self) -> usize {
        self.p.questions.len()
    }

    /// The estimated duration: the sum of every question's thinking and answer times.
    #[must_use]
    pub fn estimated_duration(&self) -> Duration {
        estimated_duration(&self.p.questions)
    }

    /// Replaces the details and questions. Invitations already sent keep the questions they
    /// were sent with (see [`InterviewSnapshot`]).
    ///
    /// # Errors
    /// [`InterviewError::NotAllowed`] when archived; [`InterviewError::NoQuestions`] when it
    /// would leave a published interview without questions; question-list errors.
    pub fn edit(
        &mut self,
        details: InterviewDetails,
        questions: Vec<Question>,
        now: DateTime<Utc>,
    ) -> Result<(), InterviewError> {
        if self.p.status == InterviewStatus::Archived {
            return Err(InterviewError::NotAllowed { status: self.p.status, action: "edited" });
        }
        check_questions(&questions)?;
        if self.p.status == InterviewStatus::Published && questions.is_empty() {
            return Err(InterviewError::NoQuestions);
        }
        self.p.details = details;
        self.p.questions = questions;
        self.p.updated_at = now;
        Ok(())
    }

    /// Draft → Published.
    ///
    /// # Errors
    /// [`InterviewError::NoQuestions`]; [`InterviewError::NotAllowed`] unless a draft.
    pub fn publish(&mut self, now: DateTime<Utc>) -> Result<(), InterviewError> {
        if self.p.status != InterviewStatus::Draft {
            return Err(InterviewError::NotAllowed { status: self.p.status, action: "published" });
        }
        if self.p.questions.is_empty() {
            return Err(InterviewError::NoQuestions);
        }
        self.p.status = InterviewStatus::Published;
        self.p.updated_at = now;
        Ok(())
    }

    /// Draft or Published → Archived.
    ///
    /// # Errors
    /// [`InterviewError::NotAllowed`] when already archived.
    pub fn archive(&mut self, now: DateTime<Utc>) -> Result<(), InterviewError> {
        if self.p.status == InterviewStatus::Archived {
            return Err(InterviewError::NotAllowed { status: self.p.status, action: "archived" });
        }
        self.p.status = InterviewStatus::Archived;
        self.p.updated_at = now;
        Ok(())
    }

    /// The interview as an invitation keeps it, frozen at this moment.
    #[must_use]
    pub fn snapshot(&self, job: Option<&Job>) -> InterviewSnapshot {
        InterviewSnapshot {
            interview_id: self.p.id,
            revision: self.p.revision,
            job_id: self.p.details.job_id,
            name: self.p.details.name.clone(),
            intro: self.p.details.intro.clone(),
            question_language: self.p.details.question_language.clone(),
            job_title: job.map(|j| j.title.clone()),
            company_name: job.map(|j| j.company_name.clone()),
            questions: self.p.questions.clone(),
        }
    }
}

fn check_questions(questions: &[Question]) -> Result<(), InterviewError> {
    if questions.len() > VideoInterview::MAX_QUESTIONS {
        return Err(InterviewError::TooManyQuestions(questions.len()));
    }
    let mut ids: Vec<QuestionId> = questions.iter().map(Question::id).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != questions.len() {
        return Err(InterviewError::DuplicateQuestion);
    }
    Ok(())
}

fn estimated_duration(questions: &[Question]) -> Duration {
    Duration::from_secs(questions.iter().map(|q| u64::from(q.thinking_secs) + u64::from(q.max_answer_secs)).sum())
}

/// What an invitation keeps of its interview: the questions and texts exactly as they were
/// when it was sent, so editing the interview later never changes what the candidate is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterviewSnapshot {
    /// The interview it was taken from.
    pub interview_id: InterviewId,
    /// The interview's revision at that moment.
    pub revision: u64,
    /// The job the interview was for, if any.
    pub job_id: Option<JobId>,
    /// The interview's name.
    pub name: DisplayName,
    /// The introduction.
    pub intro: LongText,
    /// The language of the questions.
    pub question_language: LanguageTag,
    /// The job title, when the interview had a job.
    pub job_title: Option<JobText>,
    /// The company name, when the interview had a job.
    pub company_name: Option<JobText>,
    /// The ordered questions.
    pub questions: Vec<Question>,
}

impl InterviewSnapshot {
    /// The estimated duration: the sum of every question's thinking and answer times.
    #[must_use]
    pub fn estimated_duration(&self) -> Duration {
        estimated_duration(&self.questions)
    }

    /// The question with this id.
    #[must_use]
    pub fn question(&self, id: QuestionId) -> Option<(usize, &Question)> {
        self.questions.iter().enumerate().find(|(_, q)| q.id == id)
    }
}
