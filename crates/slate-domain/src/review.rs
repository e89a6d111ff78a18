//! Reviewing a candidate's answers, and the outcomes of an interview.
//!
//! Review is an append-only log of [`ReviewNote`]s per invitation: each recruiter's rating
//! of each answer (1–5), comments, and decisions (advance / hold / reject). Nothing is ever
//! overwritten: a recruiter's current rating of an answer is their latest one, and the
//! invitation's decision is the latest decision, so the record keeps who said what and when.
//! The same shape leaves room for suggestions that come from elsewhere later (an AI
//! evaluation's scores beside the recruiters' own), without rework.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};

use crate::{CommentText, InvitationId, InvitationStatus, OrganizationId, QuestionId, RecruiterId, ReviewNoteId};

/// A recruiter's decision on a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Move the candidate to the next step.
    Advance,
    /// Keep the candidate on hold.
    Hold,
    /// Turn the candidate down.
    Reject,
}

/// An unknown decision name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a decision is advance, hold or reject")]
pub struct DecisionError;

impl Decision {
    /// Every decision, in the order screens offer them.
    pub const ALL: [Self; 3] = [Self::Advance, Self::Hold, Self::Reject];

    /// A stable snake-case name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Advance => "advance",
            Self::Hold => "hold",
            Self::Reject => "reject",
        }
    }

    /// The decision named `name`.
    ///
    /// # Errors
    /// [`DecisionError`] for any other name.
    pub fn parse(name: &str) -> Result<Self, DecisionError> {
        Self::ALL.into_iter().find(|d| d.as_str() == name.trim()).ok_or(DecisionError)
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rating of one answer: 1 (poor) to 5 (excellent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rating(u8);

/// A rating outside 1–5.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a rating is a whole number from 1 to 5")]
pub struct RatingError;

impl Rating {
    /// A rating.
    ///
    /// # Errors
    /// [`RatingError`] outside 1–5.
    pub const fn new(value: u8) -> Result<Self, RatingError> {
        if value >= 1 && value <= 5 { Ok(Self(value)) } else { Err(RatingError) }
    }

    /// The number.
    #[must_use]
    pub const fn get(self) -> u8 {
        self.0
    }
}

/// What one review note says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewEntry {
    /// A rating of the answer to `question`.
    Rating {
        /// The question whose answer is rated.
        question: QuestionId,
        /// The rating.
        rating: Rating,
    },
    /// A comment, on one answer or (`None`) on the whole interview.
    Comment {
        /// The question, when the comment is about one answer.
        question: Option<QuestionId>,
        /// What the recruiter wrote.
        text: CommentText,
    },
    /// A decision on the candidate.
    Decision(Decision),
}

/// One entry of an invitation's review log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewNote {
    /// Its id.
    pub id: ReviewNoteId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// The invitation reviewed.
    pub invitation_id: InvitationId,
    /// Who wrote it.
    pub recruiter_id: RecruiterId,
    /// What it says.
    pub entry: ReviewEntry,
    /// When.
    pub at: DateTime<Utc>,
}

/// An invitation's review: its notes, oldest first, and what they add up to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Review {
    notes: Vec<ReviewNote>,
}

impl Review {
    /// The review made of `notes` (in any order; kept oldest first, ties by id).
    #[must_use]
    pub fn new(mut notes: Vec<ReviewNote>) -> Self {
        notes.sort_by_key(|n| (n.at, n.id));
        Self { notes }
    }

    /// Every note, oldest first.
    #[must_use]
    pub fn notes(&self) -> &[ReviewNote] {
        &self.notes
    }

    /// The current decision: the latest one recorded, with who and when.
    #[must_use]
    pub fn decision(&self) -> Option<(Decision, RecruiterId, DateTime<Utc>)> {
        self.notes.iter().rev().find_map(|n| match n.entry {
            ReviewEntry::Decision(d) => Some((d, n.recruiter_id, n.at)),
            _ => None,
        })
    }

    /// Each recruiter's current rating of the answer to `question` (their latest).
    #[must_use]
    pub fn ratings(&self, question: QuestionId) -> BTreeMap<RecruiterId, Rating> {
        let mut out = BTreeMap::new();
        for n in &self.notes {
            if let ReviewEntry::Rating { question: q, rating } = n.entry
                && q == question
            {
                out.insert(n.recruiter_id, rating);
            }
        }
        out
    }

    /// `recruiter`'s current rating of the answer to `question`.
    #[must_use]
    pub fn rating_by(&self, question: QuestionId, recruiter: RecruiterId) -> Option<Rating> {
        self.ratings(question).get(&recruiter).copied()
    }

    /// The mean of the recruiters' current ratings of `question`'s answer, in tenths
    /// (`42` = 4.2), if anyone rated it.
    #[must_use]
    pub fn average_tenths(&self, question: QuestionId) -> Option<u32> {
        let ratings = self.ratings(question);
        let n = u32::try_from(ratings.len()).ok().filter(|n| *n > 0)?;
        let sum: u32 = ratings.values().map(|r| u32::from(r.get())).sum();
        Some((sum * 10 + n / 2) / n)
    }

    /// The comments on `question`'s answer (`None`: on the whole interview), oldest first.
    pub fn comments(&self, question: Option<QuestionId>) -> impl Iterator<Item = (&ReviewNote, &CommentText)> {
        self.notes.iter().filter_map(move |n| match &n.entry {
            ReviewEntry::Comment { question: q, text } if *q == question => Some((n, text)),
            _ => None,
        })
    }
}

/// Which invitations a [`Funnel`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FunnelScope {
    /// Every invitation of the organization.
    #[default]
    All,
    /// Invitations to one video interview.
    Interview(crate::InterviewId),
    /// Invitations to interviews for one job.
    Job(crate::JobId),
}

/// How far invitations got: the dashboard's funnel. Each stage counts the invitations that
/// reached it, whatever happened after (a completed invitation was also opened and started).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Funnel {
    /// Invitations created.
    pub invited: u64,
    /// Opened by the candidate.
    pub opened: u64,
    /// Started (an answer recorded).
    pub started: u64,
    /// Completed.
    pub completed: u64,
    /// Expired before completion.
    pub expired: u64,
    /// Bounced (the address was refused).
    pub bounced: u64,
    /// Cancelled by a recruiter.
    pub cancelled: u64,
}

impl Funnel {
    /// Adds one invitation to the counts: `status` as stored, and whether it was ever
    /// opened and started.
    pub const fn count(&mut self, status: InvitationStatus, opened: bool, started: bool) {
        self.invited += 1;
        self.opened += opened as u64;
        self.started += started as u64;
        match status {
            InvitationStatus::Completed => self.completed += 1,
            InvitationStatus::Expired => self.expired += 1,
            InvitationStatus::Bounced => self.bounced += 1,
            InvitationStatus::Cancelled => self.cancelled += 1,
            _ => {}
        }
    }

    /// `part` as a whole percentage of the invitations (0 when there are none).
    #[must_use]
    pub const fn percent(&self, part: u64) -> u64 {
        match (part * 100 + self.invited / 2).checked_div(self.invited) {
            Some(p) => p,
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn note(n: u128, who: u128, entry: ReviewEntry) -> ReviewNote {
        ReviewNote {
            id: ReviewNoteId::from_uuid(Uuid::from_u128(n)),
            organization_id: OrganizationId::from_uuid(Uuid::from_u128(1)),
            invitation_id: InvitationId::from_uuid(Uuid::from_u128(2)),
            recruiter_id: RecruiterId::from_uuid(Uuid::from_u128(who)),
            entry,
            at: DateTime::from_timestamp(i64::try_from(n).unwrap_or_default(), 0).unwrap_or_default(),
        }
    }

    #[test]
    fn ratings_are_one_to_five() {
        for (v, ok) in [(0, false), (1, true), (3, true), (5, true), (6, false), (255, false)] {
            assert_eq!(Rating::new(v).is_ok(), ok, "{v}");
        }
    }

    #[test]
    fn decisions_round_trip_their_names() {
        for d in Decision::ALL {
            assert_eq!(Decision::parse(d.as_str()), Ok(d));
        }
        assert_eq!(Decision::parse("maybe"), Err(DecisionError));
    }

    #[test]
    fn the_latest_word_of_each_recruiter_counts_and_history_stays() {
        let q = QuestionId::from_uuid(Uuid::from_u128(9));
        let other = QuestionId::from_uuid(Uuid::from_u128(8));
        let r = |v| Rating::new(v).unwrap_or(Rating(1));
        let review = Review::new(vec![
            note(30, 100, ReviewEntry::Rating { question: q, rating: r(5) }),
            note(10, 100, ReviewEntry::Rating { question: q, rating: r(2) }),
            note(20, 200, ReviewEntry::Rating { question: q, rating: r(4) }),
            note(25, 200, ReviewEntry::Rating { question: other, rating: r(1) }),
            note(40, 100, ReviewEntry::Decision(Decision::Hold)),
            note(50, 200, ReviewEntry::Decision(Decision::Advance)),
        ]);
        assert_eq!(review.notes().len(), 6, "nothing is overwritten");
        assert_eq!(review.rating_by(q, RecruiterId::from_uuid(Uuid::from_u128(100))), Some(r(5)));
        assert_eq!(review.average_tenths(q), Some(45));
        assert_eq!(review.average_tenths(other), Some(10));
        assert_eq!(review.average_tenths(QuestionId::from_uuid(Uuid::from_u128(7))), None);
        let (decision, by, _) =
            review.decision().unwrap_or((Decision::Reject, RecruiterId::from_uuid(Uuid::nil()), DateTime::UNIX_EPOCH));
        assert_eq!((decision, by.as_uuid().as_u128()), (Decision::Advance, 200));
    }

    #[test]
    fn the_funnel_counts_each_stage_reached() {
        let mut f = Funnel::default();
        f.count(InvitationStatus::Completed, true, true);
        f.count(InvitationStatus::Started, true, true);
        f.count(InvitationStatus::Expired, true, false);
        f.count(InvitationStatus::Bounced, false, false);
        assert_eq!((f.invited, f.opened, f.started, f.completed, f.expired, f.bounced), (4, 3, 2, 1, 1, 1));
        assert_eq!(f.percent(f.opened), 75);
        assert_eq!(Funnel::default().percent(0), 0);
    }
}
