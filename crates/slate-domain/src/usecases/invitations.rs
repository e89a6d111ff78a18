//! Inviting candidates and managing invitations: resend, correct the email, change the
//! deadline, cancel.

use crate::ports::CommitError;
use chrono::{DateTime, NaiveDate, Utc};

use super::{Caller, Slate};
use crate::ports::{AdapterError, ChangeSet, Write};
use crate::{
    Candidate, CandidateId, CandidateKind, Deadline, DeadlineError, EmailAddress, EventKind, InterviewId,
    InterviewStatus, Invitation, InvitationId, InvitationStatus, Language, LongText, MessageKind, NewInvitation,
    PersonName, TransitionError,
};

/// Invite a candidate already in the candidate base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteInternal {
    /// The candidate.
    pub candidate_id: CandidateId,
    /// Where to send it; `None` uses the candidate's own email.
    pub email: Option<EmailAddress>,
    /// The interview; must be published.
    pub interview_id: InterviewId,
    /// The language of the candidate's pages; `None` uses the organization's default.
    pub language: Option<Language>,
    /// The inclusive deadline, judged in the organization's time zone.
    pub deadline: NaiveDate,
    /// Send a copy to the inviting recruiter.
    pub bcc_me: bool,
    /// Notify the inviting recruiter on completion.
    pub notify_me: bool,
}

/// Invite someone who is not in the candidate base; an external candidate record is
/// created with the invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteExternal {
    /// First name.
    pub first_name: PersonName,
    /// Last name.
    pub last_name: PersonName,
    /// Where to send it.
    pub email: EmailAddress,
    /// The interview; must be published.
    pub interview_id: InterviewId,
    /// The language of the candidate's pages; `None` uses the organization's default.
    pub language: Option<Language>,
    /// The inclusive deadline, judged in the organization's time zone.
    pub deadline: NaiveDate,
    /// Send a copy to the inviting recruiter.
    pub bcc_me: bool,
    /// Notify the inviting recruiter on completion.
    pub notify_me: bool,
}

/// Why an invitation could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    /// The caller's organization or recruiter account no longer exists.
    #[error("your account or organization no longer exists")]
    CallerNotFound,
    /// No such candidate in the caller's organization.
    #[error("no such candidate")]
    CandidateNotFound,
    /// The candidate has no email and none was given.
    #[error("the candidate has no email address; enter one")]
    NoEmail,
    /// No such interview in the caller's organization.
    #[error("no such video interview")]
    InterviewNotFound,
    /// The interview is a draft or archived.
    #[error("the video interview is {}, not published", .0.as_str())]
    InterviewNotPublished(InterviewStatus),
    /// The deadline is refused.
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
    /// This address already has an open invitation to this interview.
    #[error("this candidate already has an open invitation to this interview")]
    AlreadyInvited(InvitationId),
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

macro_rules! recruiter_action_error {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident $(($inner:ty))?),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, thiserror::Error)]
        pub enum $name {
            /// No such invitation in the caller's organization.
            #[error("no such invitation")]
            NotFound,
            /// The invitation's state refuses it.
            #[error(transparent)]
            Refused(#[from] TransitionError),
            /// Someone else changed the invitation meanwhile; reload and retry.
            #[error("the invitation was changed meanwhile; reload and try again")]
            Conflict,
            /// A storage failure.
            #[error(transparent)]
            Internal(#[from] AdapterError),
            $($(#[$vmeta])* $variant $(($inner))?,)*
        }

        impl From<CommitError> for $name {
            fn from(e: CommitError) -> Self {
                match e {
                    CommitError::Conflict | CommitError::Duplicate(_) => Self::Conflict,
                    CommitError::Internal(e) => Self::Internal(e),
                }
            }
        }
    };
}

recruiter_action_error!(
    /// Why an invitation could not be resent.
    ResendError {}
);
recruiter_action_error!(
    /// Why an invitation could not be cancelled.
    CancelError {}
);
recruiter_action_error!(
    /// Why an invitation's deadline could not be changed.
    ChangeDeadlineError {
        /// The new deadline is refused.
        #[error("{0}")]
        Deadline(DeadlineError)
    }
);
recruiter_action_error!(
    /// Why a bounced invitation's email could not be corrected.
    ChangeEmailError {
        /// Another open invitation to the same interview has that address.
        #[error("that address already has an open invitation to this interview")]
        AlreadyInvited(InvitationId)
    }
);

struct Invitee {
    candidate: Candidate,
    is_new: bool,
    email: EmailAddress,
    interview_id: InterviewId,
    language: Option<Language>,
    deadline: NaiveDate,
    bcc_me: bool,
    notify_me: bool,
}

impl Slate {
    /// Invites an internal candidate: stores the invitation, queues its email (and the BCC
    /// copy), and puts it on the candidate's timeline, in one commit.
    ///
    /// # Errors
    /// [`InviteError`].
    pub async fn invite_internal(&self, caller: Caller, input: InviteInternal) -> Result<Invitation, InviteError> {
        let candidate = self
            .ports
            .candidates
            .get(caller.organization_id, input.candidate_id)
            .await?
            .ok_or(InviteError::CandidateNotFound)?;
        let email = input.email.or_else(|| candidate.email.clone()).ok_or(InviteError::NoEmail)?;
        let invitee = Invitee {
            candidate,
            is_new: false,
            email,
            interview_id: input.interview_id,
            language: input.language,
            deadline: input.deadline,
            bcc_me: input.bcc_me,
            notify_me: input.notify_me,
        };
        self.invite(caller, invitee).await
    }

    /// Invites an external candidate: creates their candidate record (marked external) and
    /// the invitation, queues the email, and starts their timeline, in one commit.
    ///
    /// # Errors
    /// [`InviteError`].
    pub async fn invite_external(&self, caller: Caller, input: InviteExternal) -> Result<Invitation, InviteError> {
        let candidate = Candidate {
            id: CandidateId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: caller.organization_id,
            kind: CandidateKind::External,
            first_name: input.first_name,
            last_name: input.last_name,
            email: Some(input.email.clone()),
            phone: None,
            notes: LongText::default(),
            created_at: self.now(),
        };
        let invitee = Invitee {
            candidate,
            is_new: true,
            email: input.email,
            interview_id: input.interview_id,
            language: input.language,
            deadline: input.deadline,
            bcc_me: input.bcc_me,
            notify_me: input.notify_me,
        };
        self.invite(caller, invitee).await
    }

    async fn invite(&self, caller: Caller, who: Invitee) -> Result<Invitation, InviteError> {
        let org_id = caller.organization_id;
        let now = self.now();
        // Independent reads, run concurrently; their results are judged in a fixed order.
        let (org, recruiter, interview, existing) = futures_util::join!(
            self.ports.organizations.get(org_id),
            self.ports.recruiters.get(org_id, caller.recruiter_id),
            self.ports.interviews.get(org_id, who.interview_id),
            self.ports.invitations.find_open(org_id, who.interview_id, &who.email),
        );
        let org = org?.ok_or(InviteError::CallerNotFound)?;
        let recruiter = recruiter?.ok_or(InviteError::CallerNotFound)?;
        let interview = interview?.ok_or(InviteError::InterviewNotFound)?;
        if interview.status() != InterviewStatus::Published {
            return Err(InviteError::InterviewNotPublished(interview.status()));
        }
        let deadline = Deadline::new(who.deadline, org.time_zone, now)?;
        if let Some(existing) = existing? {
            return Err(InviteError::AlreadyInvited(existing.id()));
        }
        let job = match interview.details().job_id {
            Some(job) => self.ports.jobs.get(org_id, job).await?,
            None => None,
        };
        let mut invitation = Invitation::new(NewInvitation {
            id: InvitationId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: org_id,
            candidate_id: who.candidate.id,
            candidate_first_name: who.candidate.first_name.clone(),
            candidate_last_name: who.candidate.last_name.clone(),
            invited_by: recruiter.id,
            interview: interview.snapshot(job.as_ref()),
            email: who.email.clone(),
            language: who.language.unwrap_or(org.default_language),
            deadline,
            bcc_me: who.bcc_me,
            notify_me: who.notify_me,
            created_at: now,
        });
        invitation.plan_reminders(&org.reminders, now);
        let invited = EventKind::Invited {
            email: who.email.clone(),
            interview_name: interview.details().name.to_string(),
            deadline: deadline.date(),
        };
        let mut changes = ChangeSet::new();
        if who.is_new {
            changes.push(Write::InsertCandidate(who.candidate));
        }
        changes.push(Write::InsertInvitation(invitation.clone()));
        changes.push(Write::AppendEvent(self.event(&invitation, invited, caller.actor(), now)));
        changes.push(Write::Enqueue(self.message(&invitation, MessageKind::Invitation, 0, who.email, now)));
        if who.bcc_me {
            changes.push(Write::Enqueue(self.message(&invitation, MessageKind::BccCopy, 0, recruiter.email, now)));
        }
        match self.commit(changes).await {
            Ok(()) => Ok(invitation),
            // A concurrent identical invitation won the race.
            Err(CommitError::Duplicate(_) | CommitError::Conflict) => {
                match self.ports.invitations.find_open(org_id, interview.id(), invitation.email()).await? {
                    Some(existing) => Err(InviteError::AlreadyInvited(existing.id())),
                    None => Err(AdapterError::new("duplicate invitation key without an open invitation").into()),
                }
            }
            Err(CommitError::Internal(e)) => Err(e.into()),
        }
    }

    async fn load_invitation<E: From<AdapterError>>(
        &self,
        caller: Caller,
        id: InvitationId,
        not_found: E,
    ) -> Result<Invitation, E> {
        self.ports.invitations.get(caller.organization_id, id).await?.ok_or(not_found)
    }

    /// Commits an invitation change with its event and optional message; returns the
    /// invitation at its new revision.
    async fn save_invitation(
        &self,
        mut invitation: Invitation,
        event: EventKind,
        actor: crate::Actor,
        now: DateTime<Utc>,
        message: Option<(MessageKind, u32, EmailAddress)>,
    ) -> Result<Invitation, CommitError> {
        let mut changes = ChangeSet::new();
        changes.push(Write::UpdateInvitation(invitation.clone()));
        changes.push(Write::AppendEvent(self.event(&invitation, event, actor, now)));
        if let Some((kind, sequence, to)) = message {
            changes.push(Write::Enqueue(self.message(&invitation, kind, sequence, to, now)));
        }
        self.commit(changes).await?;
        invitation.committed();
        Ok(invitation)
    }

    /// Sends the invitation email again, with the same link; progress is kept.
    ///
    /// # Errors
    /// [`ResendError`]: not found, or refused when completed, cancelled, expired (set a new
    /// deadline first) or bounced (correct the email first).
    pub async fn resend(&self, caller: Caller, id: InvitationId) -> Result<Invitation, ResendError> {
        let now = self.now();
        let mut invitation = self.load_invitation(caller, id, ResendError::NotFound).await?;
        let (sequence, event) = invitation.resend(now)?;
        let to = invitation.email().clone();
        Ok(self
            .save_invitation(invitation, event, caller.actor(), now, Some((MessageKind::Resend, sequence, to)))
            .await?)
    }

    /// Corrects the address of a bounced invitation and queues the invitation email to it.
    ///
    /// # Errors
    /// [`ChangeEmailError`]: not found, not bounced, deadline passed, address already
    /// invited.
    pub async fn change_email(
        &self,
        caller: Caller,
        id: InvitationId,
        email: EmailAddress,
    ) -> Result<Invitation, ChangeEmailError> {
        let now = self.now();
        let mut invitation = self.load_invitation(caller, id, ChangeEmailError::NotFound).await?;
        if let Some(other) = self
            .ports
            .invitations
            .find_open(caller.organization_id, invitation.interview().interview_id, &email)
            .await?
            && other.id() != invitation.id()
        {
            return Err(ChangeEmailError::AlreadyInvited(other.id()));
        }
        let (sequence, event) = invitation.change_email(email.clone(), now)?;
        invitation.plan_reminders(&self.reminder_policy(caller.organization_id).await?, now);
        Ok(self
            .save_invitation(invitation, event, caller.actor(), now, Some((MessageKind::Invitation, sequence, email)))
            .await?)
    }

    /// Changes the deadline. An expired invitation reopens where it was.
    ///
    /// # Errors
    /// [`ChangeDeadlineError`]: not found, date in the past (in the organization's zone),
    /// completed or cancelled.
    pub async fn change_deadline(
        &self,
        caller: Caller,
        id: InvitationId,
        date: NaiveDate,
    ) -> Result<Invitation, ChangeDeadlineError> {
        let now = self.now();
        let mut invitation = self.load_invitation(caller, id, ChangeDeadlineError::NotFound).await?;
        let zone = invitation.deadline().zone();
        let deadline = Deadline::new(date, zone, now).map_err(ChangeDeadlineError::Deadline)?;
        let sequence = u32::try_from(invitation.revision()).unwrap_or(u32::MAX);
        let event = invitation.change_deadline(deadline, now)?;
        invitation.plan_reminders(&self.reminder_policy(caller.organization_id).await?, now);
        // A candidate who has the link hears of the new date; one whose invitation email has
        // not gone out yet will read the new date in it.
        let notice = matches!(
            invitation.status(),
            InvitationStatus::Sent | InvitationStatus::Opened | InvitationStatus::Started
        )
        .then(|| (MessageKind::DeadlineChanged, sequence, invitation.email().clone()));
        Ok(self.save_invitation(invitation, event, caller.actor(), now, notice).await?)
    }

    /// Cancels an invitation; its link stops working for good.
    ///
    /// # Errors
    /// [`CancelError`]: not found, already completed or cancelled.
    pub async fn cancel(&self, caller: Caller, id: InvitationId) -> Result<Invitation, CancelError> {
        let now = self.now();
        let mut invitation = self.load_invitation(caller, id, CancelError::NotFound).await?;
        // Only a candidate who received the link is told it was withdrawn.
        let knew = matches!(
            invitation.status(),
            InvitationStatus::Sent | InvitationStatus::Opened | InvitationStatus::Started | InvitationStatus::Expired
        );
        let event = invitation.cancel(now)?;
        let notice = knew.then(|| (MessageKind::Cancelled, 0, invitation.email().clone()));
        Ok(self.save_invitation(invitation, event, caller.actor(), now, notice).await?)
    }
}
