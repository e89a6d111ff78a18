//! What the candidate does through their link: open it, upload and record answers, submit.

use super::Slate;
use crate::ports::CommitError;
use crate::ports::{AdapterError, ChangeSet, VideoStoreError, Write, read_to_vec};
use crate::{
    Actor, Answer, AnswerId, AnswerRejected, EventKind, Invitation, LinkToken, LinkVersion, MediaKey, MessageKind,
    Organization, QuestionId, TransitionError, VideoFormat,
};

/// What a presented link leads to, found without changing anything (a GET of the link page,
/// which mail scanners and link previews also make).
#[derive(Debug, Clone)]
pub enum LinkCheck {
    /// The current link of an invitation; `closed` says why nothing can be recorded any more
    /// (completed, or past the deadline), `None` while it is open.
    Current {
        /// The invitation.
        invitation: Box<Invitation>,
        /// Its organization (name and time zone for the pages).
        organization: Box<Organization>,
        /// Why it is closed, if it is.
        closed: Option<TransitionError>,
    },
    /// A genuine link revoked by cancelling the invitation: the page says it was withdrawn,
    /// in the invitation's language.
    Withdrawn {
        /// The invitation.
        invitation: Box<Invitation>,
    },
    /// Not a link of ours.
    Invalid,
}

/// Why a link could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Malformed, unknown, tampered with or revoked (cancelled): one answer for all, so the
    /// error tells a guesser nothing.
    #[error("this link is not valid")]
    InvalidLink,
    /// The link is genuine but the invitation is closed: completed or past its deadline.
    #[error(transparent)]
    Closed(TransitionError),
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

/// A recorded take, as the candidate's page reports it after uploading the video to the
/// key [`Slate::answer_upload_key`] gave. The format is not asked: it is read from the
/// stored bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordAnswer {
    /// The question answered.
    pub question_id: QuestionId,
    /// The recording's length in milliseconds.
    pub duration_ms: u32,
}

/// Why an answer could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordAnswerError {
    /// See [`OpenError::InvalidLink`].
    #[error("this link is not valid")]
    InvalidLink,
    /// The invitation's rules refuse the answer.
    #[error(transparent)]
    Rejected(#[from] AnswerRejected),
    /// The video was not uploaded, or not finished.
    #[error("the video upload is missing or unfinished")]
    MediaMissing,
    /// The stored bytes are not a WebM or MP4 video.
    #[error("the upload is not a WebM or MP4 video")]
    NotVideo,
    /// The video is larger than allowed.
    #[error("the video is {actual} bytes; the limit is {max}")]
    TooLarge {
        /// Its size.
        actual: u64,
        /// The limit.
        max: u64,
    },
    /// Recorded twice at once (two tabs); reload.
    #[error("the interview was changed meanwhile; reload the page")]
    Conflict,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

/// An answer upload: the video of one take of one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerUpload {
    /// The question.
    pub question_id: QuestionId,
    /// The take the video is for.
    pub take: u8,
    /// Where it is stored.
    pub key: MediaKey,
}

/// Why an upload request was refused.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// See [`OpenError::InvalidLink`].
    #[error("this link is not valid")]
    InvalidLink,
    /// No take may be uploaded now: not started, closed, no retakes left, unknown question.
    #[error(transparent)]
    Rejected(#[from] AnswerRejected),
    /// Not an upload of this invitation's next take (an old take, or made up).
    #[error("no such upload")]
    UnknownUpload,
    /// Larger than answers may be.
    #[error("the video is {length} bytes; the limit is {max}")]
    TooLarge {
        /// The declared length.
        length: u64,
        /// The limit.
        max: u64,
    },
    /// The first bytes are not a WebM or MP4 video.
    #[error("the upload is not a WebM or MP4 video")]
    NotVideo,
    /// What the store said (wrong offset, too long, interrupted …).
    #[error(transparent)]
    Store(#[from] VideoStoreError),
}

impl From<AdapterError> for UploadError {
    fn from(e: AdapterError) -> Self {
        Self::Store(VideoStoreError::Internal(e))
    }
}

/// Why the interview could not be submitted.
#[derive(Debug, thiserror::Error)]
pub enum CompleteError {
    /// See [`OpenError::InvalidLink`].
    #[error("this link is not valid")]
    InvalidLink,
    /// The invitation's rules refuse it (unanswered questions, deadline passed …).
    #[error(transparent)]
    Refused(#[from] TransitionError),
    /// Submitted twice at once; reload.
    #[error("the interview was changed meanwhile; reload the page")]
    Conflict,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

impl Slate {
    /// The invitation a presented link belongs to, verified, or `None`.
    async fn invitation_for_link(&self, token: &LinkToken) -> Result<Option<Invitation>, AdapterError> {
        let Some(id) = self.ports.links.claimed_invitation(token) else { return Ok(None) };
        let Some(invitation) = self.ports.invitations.get_for_link(id).await? else { return Ok(None) };
        Ok(self.ports.links.verify(token, id, invitation.link_version()).then_some(invitation))
    }

    /// What a presented link leads to, without changing anything: for the link page's GET.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn check_link(&self, token: &LinkToken) -> Result<LinkCheck, AdapterError> {
        let Some(id) = self.ports.links.claimed_invitation(token) else { return Ok(LinkCheck::Invalid) };
        let Some(invitation) = self.ports.invitations.get_for_link(id).await? else { return Ok(LinkCheck::Invalid) };
        let current = invitation.link_version();
        if !self.ports.links.verify(token, id, current) {
            let revoked = (0..current.get()).any(|v| self.ports.links.verify(token, id, LinkVersion::new(v)));
            return Ok(if revoked {
                LinkCheck::Withdrawn { invitation: Box::new(invitation) }
            } else {
                LinkCheck::Invalid
            });
        }
        let Some(organization) = self.ports.organizations.get(invitation.organization_id()).await? else {
            return Ok(LinkCheck::Invalid);
        };
        let closed = invitation.clone().open(self.now()).err();
        Ok(LinkCheck::Current { invitation: Box::new(invitation), organization: Box::new(organization), closed })
    }

    /// The candidate accepted the recording notice and starts: the consent is recorded on the
    /// timeline with its time (each time it is given), and the first time the invitation
    /// becomes Opened. Returns the invitation.
    ///
    /// # Errors
    /// As [`Self::open_link`].
    pub async fn start_interview(&self, token: &LinkToken) -> Result<Invitation, OpenError> {
        for _ in 0..3 {
            let mut invitation = self.invitation_for_link(token).await?.ok_or(OpenError::InvalidLink)?;
            let now = self.now();
            let opened = match invitation.open(now) {
                Ok(opened) => opened,
                Err(e @ TransitionError::DeadlinePassed { .. }) => {
                    self.expire_now(invitation).await?;
                    return Err(OpenError::Closed(e));
                }
                Err(e) => return Err(OpenError::Closed(e)),
            };
            let mut changes = ChangeSet::new();
            changes.push(Write::UpdateInvitation(invitation.clone()));
            changes.push(Write::AppendEvent(self.event(&invitation, EventKind::ConsentGiven, Actor::Candidate, now)));
            if let Some(event) = opened {
                changes.push(Write::AppendEvent(self.event(&invitation, event, Actor::Candidate, now)));
            }
            match self.commit(changes).await {
                Ok(()) => {
                    invitation.committed();
                    return Ok(invitation);
                }
                // Started in two tabs at once: read again and retry.
                Err(CommitError::Conflict | CommitError::Duplicate(_)) => {}
                Err(CommitError::Internal(e)) => return Err(e.into()),
            }
        }
        Err(AdapterError::new(std::io::Error::other("the invitation kept changing while starting")).into())
    }

    /// The invitation a presented link claims to be for, unverified (every use case verifies
    /// it): for adapters that check a link against an invitation named elsewhere (a path).
    #[must_use]
    pub fn claimed_invitation(&self, token: &LinkToken) -> Option<crate::InvitationId> {
        self.ports.links.claimed_invitation(token)
    }

    /// The secret link token of an invitation, for emails and for recruiters to copy.
    #[must_use]
    pub fn link_token(&self, invitation: &Invitation) -> LinkToken {
        self.ports.links.issue(invitation.id(), invitation.link_version())
    }

    /// Marks an invitation whose deadline passed as expired; a failure here is only logged by
    /// the caller's error path, since the expiry job will catch it later.
    async fn expire_now(&self, mut invitation: Invitation) -> Result<(), AdapterError> {
        let now = self.now();
        if let Ok(event) = invitation.expire(now) {
            let mut changes = ChangeSet::new();
            changes.push(Write::UpdateInvitation(invitation.clone()));
            changes.push(Write::AppendEvent(self.event(&invitation, event, Actor::System, now)));
            match self.commit(changes).await {
                Ok(()) | Err(CommitError::Conflict | CommitError::Duplicate(_)) => {}
                Err(CommitError::Internal(e)) => return Err(e),
            }
        }
        Ok(())
    }

    /// The candidate opens their link. The first time, the invitation becomes Opened and the
    /// timeline says so. Returns the invitation, with the questions as they were sent and
    /// [`Invitation::next_unanswered`] telling where to continue.
    ///
    /// # Errors
    /// [`OpenError::InvalidLink`] for anything but the current link of an invitation;
    /// [`OpenError::Closed`] when completed or past the deadline (the invitation is then
    /// marked expired).
    pub async fn open_link(&self, token: &LinkToken) -> Result<Invitation, OpenError> {
        let mut invitation = self.invitation_for_link(token).await?.ok_or(OpenError::InvalidLink)?;
        let now = self.now();
        match invitation.open(now) {
            Ok(None) => Ok(invitation),
            Ok(Some(event)) => {
                let mut changes = ChangeSet::new();
                changes.push(Write::UpdateInvitation(invitation.clone()));
                changes.push(Write::AppendEvent(self.event(&invitation, event, Actor::Candidate, now)));
                match self.commit(changes).await {
                    Ok(()) => {
                        invitation.committed();
                        Ok(invitation)
                    }
                    // Opened in two tabs at once: the other one recorded it.
                    Err(CommitError::Conflict | CommitError::Duplicate(_)) => {
                        self.invitation_for_link(token).await?.ok_or(OpenError::InvalidLink)
                    }
                    Err(CommitError::Internal(e)) => Err(e.into()),
                }
            }
            Err(e @ TransitionError::DeadlinePassed { .. }) => {
                self.expire_now(invitation).await?;
                Err(OpenError::Closed(e))
            }
            Err(e) => Err(OpenError::Closed(e)),
        }
    }

    /// Where the video of the next take of `question` must be uploaded (with
    /// [`crate::ports::VideoStore::append`]) before [`Self::record_answer`] is called.
    ///
    /// # Errors
    /// [`RecordAnswerError::InvalidLink`]; [`RecordAnswerError::Rejected`] when no take may be
    /// recorded now (not opened, deadline passed, no retakes left, unknown question).
    pub async fn answer_upload_key(
        &self,
        token: &LinkToken,
        question: QuestionId,
    ) -> Result<MediaKey, RecordAnswerError> {
        let invitation = self.invitation_for_link(token).await?.ok_or(RecordAnswerError::InvalidLink)?;
        let take = invitation.next_take(question, self.now())?;
        Ok(MediaKey::for_answer(invitation.organization_id(), invitation.id(), question, take))
    }

    /// The upload of the next take of `question`, checked against the link and the rules.
    async fn next_upload(&self, token: &LinkToken, question: QuestionId) -> Result<AnswerUpload, UploadError> {
        let invitation = self.invitation_for_link(token).await?.ok_or(UploadError::InvalidLink)?;
        let take = invitation.next_take(question, self.now())?;
        let key = MediaKey::for_answer(invitation.organization_id(), invitation.id(), question, take);
        Ok(AnswerUpload { question_id: question, take, key })
    }

    /// The upload `take` of `question`, if it is the one the candidate may send now.
    async fn current_upload(
        &self,
        token: &LinkToken,
        question: QuestionId,
        take: u8,
    ) -> Result<AnswerUpload, UploadError> {
        let upload = self.next_upload(token, question).await?;
        if upload.take == take { Ok(upload) } else { Err(UploadError::UnknownUpload) }
    }

    /// The candidate begins uploading the next take of `question`, of `length` bytes
    /// (restarting it if an earlier attempt was left unfinished).
    ///
    /// # Errors
    /// [`UploadError`]: the link, the rules, [`UploadError::TooLarge`], the store.
    pub async fn begin_answer_upload(
        &self,
        token: &LinkToken,
        question: QuestionId,
        length: u64,
    ) -> Result<AnswerUpload, UploadError> {
        let max = self.settings.max_answer_bytes;
        if length > max {
            return Err(UploadError::TooLarge { length, max });
        }
        if length < VideoFormat::SNIFF_LEN as u64 {
            return Err(UploadError::NotVideo);
        }
        let upload = self.next_upload(token, question).await?;
        self.ports.videos.begin(&upload.key, length).await?;
        Ok(upload)
    }

    /// How far the upload `take` of `question` has got.
    ///
    /// # Errors
    /// [`UploadError::UnknownUpload`] when it was never begun; otherwise as
    /// [`Self::begin_answer_upload`].
    pub async fn answer_upload_status(
        &self,
        token: &LinkToken,
        question: QuestionId,
        take: u8,
    ) -> Result<crate::ports::VideoStat, UploadError> {
        let upload = self.current_upload(token, question, take).await?;
        self.ports.videos.stat(&upload.key).await?.ok_or(UploadError::UnknownUpload)
    }

    /// Appends `body` at `offset` to the upload `take` of `question`, while the invitation is
    /// open. The first bytes must announce a WebM or MP4 video; `head` holds them when
    /// `offset` is 0 (the caller reads at least [`VideoFormat::SNIFF_LEN`] bytes first).
    /// Returns the new offset.
    ///
    /// # Errors
    /// [`UploadError`]; [`UploadError::Store`] with the store's verdict on offsets and length.
    pub async fn append_answer_upload(
        &self,
        token: &LinkToken,
        question: QuestionId,
        take: u8,
        offset: u64,
        head: &[u8],
        body: crate::ports::ByteStream,
    ) -> Result<u64, UploadError> {
        let upload = self.current_upload(token, question, take).await?;
        if offset == 0 && VideoFormat::sniff(head).is_none() {
            return Err(UploadError::NotVideo);
        }
        Ok(self.ports.videos.append(&upload.key, offset, body).await?)
    }

    /// The candidate abandons the upload `take` of `question` (tus termination).
    ///
    /// # Errors
    /// As [`Self::answer_upload_status`].
    pub async fn cancel_answer_upload(
        &self,
        token: &LinkToken,
        question: QuestionId,
        take: u8,
    ) -> Result<(), UploadError> {
        let upload = self.current_upload(token, question, take).await?;
        match self.ports.videos.stat(&upload.key).await? {
            Some(stat) if !stat.complete => Ok(self.ports.videos.delete(&upload.key).await?),
            Some(_) => Err(UploadError::Store(VideoStoreError::AlreadyComplete)),
            None => Err(UploadError::UnknownUpload),
        }
    }

    /// Records the take just uploaded: checks the invitation's rules (status, deadline,
    /// retakes, length) and the stored video (finished, within the size limit), then stores
    /// the answer; the first answer moves the invitation to Started.
    ///
    /// # Errors
    /// [`RecordAnswerError`].
    pub async fn record_answer(&self, token: &LinkToken, input: RecordAnswer) -> Result<Answer, RecordAnswerError> {
        let mut invitation = self.invitation_for_link(token).await?.ok_or(RecordAnswerError::InvalidLink)?;
        let now = self.now();
        let take = invitation.next_take(input.question_id, now)?;
        let media = MediaKey::for_answer(invitation.organization_id(), invitation.id(), input.question_id, take);
        let stat = match self.ports.videos.stat(&media).await {
            Ok(Some(stat)) if stat.complete => stat,
            Ok(_) | Err(VideoStoreError::NotFound) => return Err(RecordAnswerError::MediaMissing),
            Err(VideoStoreError::Internal(e)) => return Err(e.into()),
            Err(e) => return Err(AdapterError::new(e).into()),
        };
        let max = self.settings.max_answer_bytes;
        if stat.size > max {
            return Err(RecordAnswerError::TooLarge { actual: stat.size, max });
        }
        if stat.size == 0 {
            return Err(AnswerRejected::Empty.into());
        }
        let head = match read_to_vec(self.ports.videos.as_ref(), &media, 0, VideoFormat::SNIFF_LEN as u64).await {
            Ok(head) => head,
            Err(VideoStoreError::NotFound) => return Err(RecordAnswerError::MediaMissing),
            Err(VideoStoreError::Internal(e)) => return Err(e.into()),
            Err(e) => return Err(AdapterError::new(e).into()),
        };
        let format = VideoFormat::sniff(&head).ok_or(RecordAnswerError::NotVideo)?;
        let recorded = invitation.record_answer(input.question_id, input.duration_ms, now)?;
        let answer = Answer {
            id: AnswerId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: invitation.organization_id(),
            invitation_id: invitation.id(),
            question_id: input.question_id,
            take: recorded.take,
            media,
            duration_ms: input.duration_ms,
            size_bytes: stat.size,
            format,
            recorded_at: now,
        };
        let mut changes = ChangeSet::new();
        changes.push(Write::UpdateInvitation(invitation.clone()));
        changes.push(Write::InsertAnswer(answer.clone()));
        if let Some(event) = recorded.event {
            changes.push(Write::AppendEvent(self.event(&invitation, event, Actor::Candidate, now)));
        }
        match self.commit(changes).await {
            Ok(()) => Ok(answer),
            Err(CommitError::Conflict | CommitError::Duplicate(_)) => Err(RecordAnswerError::Conflict),
            Err(CommitError::Internal(e)) => Err(e.into()),
        }
    }

    /// The candidate submits: the invitation becomes Completed, and the inviting recruiter is
    /// notified when they asked to be.
    ///
    /// # Errors
    /// [`CompleteError`].
    pub async fn complete(&self, token: &LinkToken) -> Result<Invitation, CompleteError> {
        let mut invitation = self.invitation_for_link(token).await?.ok_or(CompleteError::InvalidLink)?;
        let now = self.now();
        let event = invitation.complete(now)?;
        let mut changes = ChangeSet::new();
        changes.push(Write::UpdateInvitation(invitation.clone()));
        changes.push(Write::AppendEvent(self.event(&invitation, event, Actor::Candidate, now)));
        if invitation.notify_me()
            && let Some(recruiter) =
                self.ports.recruiters.get(invitation.organization_id(), invitation.invited_by()).await?
        {
            changes.push(Write::Enqueue(self.message(
                &invitation,
                MessageKind::CompletionNotice,
                0,
                recruiter.email,
                now,
            )));
        }
        match self.commit(changes).await {
            Ok(()) => {
                invitation.committed();
                Ok(invitation)
            }
            Err(CommitError::Conflict | CommitError::Duplicate(_)) => Err(CompleteError::Conflict),
            Err(CommitError::Internal(e)) => Err(e.into()),
        }
    }
}
