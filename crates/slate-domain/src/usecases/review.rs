//! Reviewing answers (ratings, comments, decisions), the dashboard's funnel, and the
//! candidate list.

use super::{Caller, NotFoundError, Slate, unexpected};
use crate::ports::{AdapterError, ChangeSet, Write};
use crate::{
    Answer, Candidate, CandidateId, CommentText, Decision, Funnel, FunnelScope, Invitation, InvitationId,
    InvitationStatus, QuestionId, Rating, Review, ReviewEntry, ReviewNote, ReviewNoteId,
};

/// Everything the review screen shows: the invitation, its answers (every take, in question
/// order) and its review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewSheet {
    /// The invitation, as it stands now.
    pub invitation: Invitation,
    /// Its answers.
    pub answers: Vec<Answer>,
    /// Its review log.
    pub review: Review,
}

/// Why a review note was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// No such invitation in the caller's organization.
    #[error("no such invitation")]
    NotFound,
    /// The question is not one of the interview's.
    #[error("no such question in this interview")]
    UnknownQuestion,
    /// Only recorded answers can be rated.
    #[error("this question has no recorded answer to rate")]
    NotAnswered,
    /// A cancelled invitation is not reviewed.
    #[error("the invitation was cancelled")]
    Cancelled,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

impl From<NotFoundError> for ReviewError {
    fn from(e: NotFoundError) -> Self {
        match e {
            NotFoundError::NotFound => Self::NotFound,
            NotFoundError::Internal(e) => Self::Internal(e),
        }
    }
}

impl Slate {
    /// The review screen's content for one invitation of the caller's organization.
    ///
    /// # Errors
    /// [`NotFoundError`].
    pub async fn review(&self, caller: Caller, id: InvitationId) -> Result<ReviewSheet, NotFoundError> {
        let invitation = self.get_invitation(caller, id).await?;
        let org = caller.organization_id;
        let answers = self.ports.answers.for_invitation(org, id).await?;
        let review = Review::new(self.ports.answers.review_notes(org, id).await?);
        Ok(ReviewSheet { invitation, answers, review })
    }

    /// The caller rates the answer to `question` (replacing their own earlier rating; the
    /// earlier one stays in the log).
    ///
    /// # Errors
    /// [`ReviewError`]: unknown invitation or question, no answer recorded, cancelled.
    pub async fn rate_answer(
        &self,
        caller: Caller,
        id: InvitationId,
        question: QuestionId,
        rating: Rating,
    ) -> Result<Review, ReviewError> {
        let sheet = self.reviewable(caller, id).await?;
        if sheet.invitation.interview().question(question).is_none() {
            return Err(ReviewError::UnknownQuestion);
        }
        if !sheet.answers.iter().any(|a| a.question_id == question) {
            return Err(ReviewError::NotAnswered);
        }
        self.note(caller, sheet, ReviewEntry::Rating { question, rating }, None).await
    }

    /// The caller comments on the answer to `question`, or on the whole interview (`None`).
    ///
    /// # Errors
    /// [`ReviewError`]: unknown invitation or question, cancelled.
    pub async fn comment_on_answers(
        &self,
        caller: Caller,
        id: InvitationId,
        question: Option<QuestionId>,
        text: CommentText,
    ) -> Result<Review, ReviewError> {
        let sheet = self.reviewable(caller, id).await?;
        if question.is_some_and(|q| sheet.invitation.interview().question(q).is_none()) {
            return Err(ReviewError::UnknownQuestion);
        }
        self.note(caller, sheet, ReviewEntry::Comment { question, text }, None).await
    }

    /// The caller records a decision on the candidate (advance, hold, reject): the latest
    /// decision is the invitation's, and each one is an event on the candidate's timeline.
    /// Nothing else happens automatically: no email is sent to the candidate.
    ///
    /// # Errors
    /// [`ReviewError`]: unknown invitation, cancelled.
    pub async fn decide(&self, caller: Caller, id: InvitationId, decision: Decision) -> Result<Review, ReviewError> {
        let sheet = self.reviewable(caller, id).await?;
        self.note(caller, sheet, ReviewEntry::Decision(decision), Some(crate::EventKind::DecisionRecorded(decision)))
            .await
    }

    async fn reviewable(&self, caller: Caller, id: InvitationId) -> Result<ReviewSheet, ReviewError> {
        let sheet = self.review(caller, id).await?;
        if sheet.invitation.status() == InvitationStatus::Cancelled {
            return Err(ReviewError::Cancelled);
        }
        Ok(sheet)
    }

    async fn note(
        &self,
        caller: Caller,
        sheet: ReviewSheet,
        entry: ReviewEntry,
        event: Option<crate::EventKind>,
    ) -> Result<Review, ReviewError> {
        let now = self.now();
        let note = ReviewNote {
            id: ReviewNoteId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: caller.organization_id,
            invitation_id: sheet.invitation.id(),
            recruiter_id: caller.recruiter_id,
            entry,
            at: now,
        };
        let mut changes = ChangeSet::new();
        changes.push(Write::AppendReviewNote(note.clone()));
        if let Some(kind) = event {
            changes.push(Write::AppendEvent(self.event(&sheet.invitation, kind, caller.actor(), now)));
        }
        self.commit(changes).await.map_err(unexpected)?;
        let mut notes = sheet.review.notes().to_vec();
        notes.push(note);
        Ok(Review::new(notes))
    }

    /// How far the caller's organization's invitations in `scope` got (the dashboard).
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn funnel(&self, caller: Caller, scope: FunnelScope) -> Result<Funnel, AdapterError> {
        self.ports.invitations.funnel(caller.organization_id, scope).await
    }

    /// A page of the caller's organization's candidates, newest first, older than `before`.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn list_candidates(
        &self,
        caller: Caller,
        before: Option<CandidateId>,
        limit: usize,
    ) -> Result<Vec<Candidate>, AdapterError> {
        self.ports.candidates.list(caller.organization_id, before, limit.clamp(1, 200)).await
    }
}
