//! Communication templates (list, read, create, update, reset, preview) and the local
//! mailbox, scoped to the caller's organization.

use crate::ports::CommitError;
use chrono::{DateTime, Utc};

use super::{Caller, Slate};
use crate::ports::{AdapterError, ChangeSet, Write};
use crate::{
    CandidateId, CapturedEmail, DeliveryState, EmailAddress, InterviewId, InterviewSnapshot, Invitation, InvitationId,
    Language, LanguageTag, LinkToken, LiveMessageContext, LongText, MessageContext, MessageId, MessageKind,
    MessageSubject, MessageTemplate, OutboxMessage, PersonName, Prompt, Question, QuestionId, RecruiterId,
    RenderedMessage, TemplateContent, TemplateError, TemplateField, TemplateId, TemplateKind, WITHHELD_LINK,
};

/// A template as it is used: the organization's own, or the default Slate ships.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveTemplate {
    /// What it words.
    pub kind: TemplateKind,
    /// Its language.
    pub language: Language,
    /// The subject and body.
    pub content: TemplateContent,
    /// The organization's own template, when it has one (else the default is used).
    pub custom: Option<MessageTemplate>,
}

/// A template's new wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateInput {
    /// What it words.
    pub kind: TemplateKind,
    /// Its language.
    pub language: Language,
    /// The subject, with placeholders.
    pub subject: String,
    /// The body, with placeholders.
    pub body: String,
    /// For an update: the revision it was read at (a stale one is refused); `None` skips
    /// the check.
    pub revision: Option<u64>,
}

/// What to preview: a wording (saved or not) filled with sample values, or with the values
/// of one of the organization's invitations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewInput {
    /// What it words.
    pub kind: TemplateKind,
    /// Its language.
    pub language: Language,
    /// The subject; `None` uses the effective template's.
    pub subject: Option<String>,
    /// The body; `None` uses the effective template's.
    pub body: Option<String>,
    /// Fill it with this invitation's values instead of sample ones.
    pub invitation_id: Option<InvitationId>,
}

/// Why a template use case failed.
#[derive(Debug, thiserror::Error)]
pub enum TemplateUseCaseError {
    /// The subject or body breaks a rule (named with its field).
    #[error("{}: {error}", .field.as_str())]
    Invalid {
        /// Which part.
        field: TemplateField,
        /// What is wrong.
        error: TemplateError,
    },
    /// The organization already has its own template for this kind and language.
    #[error("this organization already has its own {0} template in this language; update it instead")]
    AlreadyExists(TemplateKind),
    /// No such template (or invitation, for a preview) in the caller's organization.
    #[error("not found")]
    NotFound,
    /// Changed by someone else since it was read.
    #[error("the template was changed by someone else; reload and try again")]
    Conflict,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

impl From<CommitError> for TemplateUseCaseError {
    fn from(e: CommitError) -> Self {
        match e {
            CommitError::Conflict => Self::Conflict,
            CommitError::Duplicate(_) => Self::Conflict,
            CommitError::Internal(e) => Self::Internal(e),
        }
    }
}

/// One page of the local mailbox, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxPage {
    /// The emails (their candidate links still withheld; read one to see it).
    pub emails: Vec<CapturedEmail>,
    /// Pass as `before` for the next page; `None` on the last one.
    pub next: Option<MessageId>,
}

impl TemplateKind {
    /// The message this template words (for previews).
    const fn sample_message_kind(self) -> MessageKind {
        match self {
            Self::Invitation => MessageKind::Invitation,
            Self::Resend => MessageKind::Resend,
            Self::ReminderNotStarted => MessageKind::Reminder(crate::ReminderKind::NotStarted),
            Self::ReminderDeadline => MessageKind::Reminder(crate::ReminderKind::DeadlineApproaching),
            Self::CompletionNotice => MessageKind::CompletionNotice,
            Self::DeadlineChanged => MessageKind::DeadlineChanged,
            Self::Cancelled => MessageKind::Cancelled,
            Self::LiveInvitation => MessageKind::LiveInvitation,
            Self::LiveInterviewer => MessageKind::LiveInterviewerInvitation,
            Self::LiveUpdated => MessageKind::LiveUpdated,
            Self::LiveCancelled => MessageKind::LiveCancelled,
            Self::LiveReminder => MessageKind::LiveReminder,
        }
    }
}

fn invalid((field, error): (TemplateField, TemplateError)) -> TemplateUseCaseError {
    TemplateUseCaseError::Invalid { field, error }
}

impl Slate {
    /// Every kind of message in every language, as the organization's emails are worded now.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn list_templates(&self, caller: Caller) -> Result<Vec<EffectiveTemplate>, AdapterError> {
        let custom = self.ports.templates.list(caller.organization_id).await?;
        let mut out = Vec::with_capacity(TemplateKind::ALL.len() * Language::ALL.len());
        for kind in TemplateKind::ALL {
            for language in Language::ALL {
                let own = custom.iter().find(|t| t.kind == kind && t.language == language).cloned();
                out.push(self.effective(kind, language, own));
            }
        }
        Ok(out)
    }

    /// How one kind of message is worded in one language.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn get_template(
        &self,
        caller: Caller,
        kind: TemplateKind,
        language: Language,
    ) -> Result<EffectiveTemplate, AdapterError> {
        let own = self.ports.templates.get(caller.organization_id, kind, language).await?;
        Ok(self.effective(kind, language, own))
    }

    fn effective(&self, kind: TemplateKind, language: Language, own: Option<MessageTemplate>) -> EffectiveTemplate {
        let content =
            own.as_ref().map_or_else(|| self.ports.renderer.default_content(kind, language), |t| t.content.clone());
        EffectiveTemplate { kind, language, content, custom: own }
    }

    /// Gives the organization its own wording of a kind of message in a language.
    ///
    /// # Errors
    /// [`TemplateUseCaseError::Invalid`] naming the field and the offending placeholder;
    /// [`TemplateUseCaseError::AlreadyExists`].
    pub async fn create_template(
        &self,
        caller: Caller,
        input: TemplateInput,
    ) -> Result<MessageTemplate, TemplateUseCaseError> {
        let content = TemplateContent::parse(input.kind, &input.subject, &input.body).map_err(invalid)?;
        let now = self.now();
        let template = MessageTemplate {
            id: TemplateId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: caller.organization_id,
            kind: input.kind,
            language: input.language,
            content,
            updated_by: caller.recruiter_id,
            created_at: now,
            updated_at: now,
            revision: 0,
        };
        let mut changes = ChangeSet::new();
        changes.push(Write::InsertTemplate(template.clone()));
        match self.commit(changes).await {
            Ok(()) => Ok(template),
            Err(CommitError::Duplicate(_)) => Err(TemplateUseCaseError::AlreadyExists(input.kind)),
            Err(e) => Err(e.into()),
        }
    }

    /// Changes the organization's wording of a kind of message in a language, creating its
    /// own template when it used the default.
    ///
    /// # Errors
    /// [`TemplateUseCaseError::Invalid`]; [`TemplateUseCaseError::Conflict`] when
    /// `input.revision` is stale.
    pub async fn save_template(
        &self,
        caller: Caller,
        input: TemplateInput,
    ) -> Result<MessageTemplate, TemplateUseCaseError> {
        let content = TemplateContent::parse(input.kind, &input.subject, &input.body).map_err(invalid)?;
        let Some(mut template) = self.ports.templates.get(caller.organization_id, input.kind, input.language).await?
        else {
            return self.create_template(caller, input).await;
        };
        if input.revision.is_some_and(|r| r != template.revision) {
            return Err(TemplateUseCaseError::Conflict);
        }
        template.content = content;
        template.updated_by = caller.recruiter_id;
        template.updated_at = self.now();
        let mut changes = ChangeSet::new();
        changes.push(Write::UpdateTemplate(template.clone()));
        self.commit(changes).await?;
        template.revision += 1;
        Ok(template)
    }

    /// Drops the organization's own wording: the default is used again.
    ///
    /// # Errors
    /// [`TemplateUseCaseError::NotFound`] when it has none.
    pub async fn reset_template(
        &self,
        caller: Caller,
        kind: TemplateKind,
        language: Language,
    ) -> Result<EffectiveTemplate, TemplateUseCaseError> {
        let own = self
            .ports
            .templates
            .get(caller.organization_id, kind, language)
            .await?
            .ok_or(TemplateUseCaseError::NotFound)?;
        let mut changes = ChangeSet::new();
        changes.push(Write::DeleteTemplate { organization_id: caller.organization_id, id: own.id });
        match self.commit(changes).await {
            Ok(()) => Ok(self.effective(kind, language, None)),
            Err(CommitError::Conflict) => Err(TemplateUseCaseError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Renders a wording (saved or not) as the email would look, with every placeholder
    /// filled: with sample values, or with those of one of the organization's invitations.
    ///
    /// # Errors
    /// [`TemplateUseCaseError::Invalid`] for a wording that could not be saved either;
    /// [`TemplateUseCaseError::NotFound`] for another organization's invitation.
    pub async fn preview_template(
        &self,
        caller: Caller,
        input: PreviewInput,
    ) -> Result<RenderedMessage, TemplateUseCaseError> {
        let effective = self.get_template(caller, input.kind, input.language).await?;
        let subject = input.subject.unwrap_or_else(|| effective.content.subject.as_str().to_owned());
        let body = input.body.unwrap_or_else(|| effective.content.body.as_str().to_owned());
        let content = TemplateContent::parse(input.kind, &subject, &body).map_err(invalid)?;
        let org = caller.organization_id;
        let (organization, recruiter) =
            futures_util::join!(self.ports.organizations.get(org), self.ports.recruiters.get(org, caller.recruiter_id));
        let organization = organization?.ok_or(TemplateUseCaseError::NotFound)?;
        let recruiter = recruiter?.ok_or(TemplateUseCaseError::NotFound)?;
        let now = self.now();
        if input.kind.is_live() {
            let context = self.sample_live(organization, recruiter, input.kind, input.language, content, now)?;
            return Ok(self.ports.renderer.render_live(&context));
        }
        let (invitation, link) = match input.invitation_id {
            Some(id) => {
                let inv = self.ports.invitations.get(org, id).await?.ok_or(TemplateUseCaseError::NotFound)?;
                let link = self.candidate_link(&inv);
                (inv, link)
            }
            None => {
                let inv = self.sample_invitation(&organization, recruiter.id, input.language, now)?;
                let link = self.settings.public_url.candidate_link(&LinkToken::presented("sample-link-for-preview"));
                (inv, link)
            }
        };
        let kind = input.kind.sample_message_kind();
        let to = if kind.is_for_candidate() { invitation.email().clone() } else { recruiter.email.clone() };
        let message = OutboxMessage {
            id: MessageId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: org,
            about: MessageSubject::Invitation(invitation.id()),
            kind,
            sequence: 0,
            to,
            language: input.language,
            created_at: now,
            state: DeliveryState::Pending { not_before: now, attempts: 0 },
        };
        let review_link = self.settings.public_url.review_link(invitation.id());
        let context = MessageContext {
            message,
            organization,
            recruiter,
            invitation,
            candidate_link: Some(link),
            review_link,
            content,
        };
        Ok(self.ports.renderer.render(&context))
    }

    /// A made-up live interview for previews: a 45-minute online second round with Ada
    /// Lovelace and the caller, a week from today at 10:00 in the organization's zone; the
    /// message goes to the caller for an interviewer's template, else to Ada.
    fn sample_live(
        &self,
        organization: crate::Organization,
        recruiter: crate::Recruiter,
        kind: TemplateKind,
        language: Language,
        content: TemplateContent,
        now: DateTime<Utc>,
    ) -> Result<LiveMessageContext, AdapterError> {
        let sample = |e: &dyn std::fmt::Display| AdapterError::new(format!("sample data: {e}"));
        let zone = organization.time_zone;
        let date = zone.date_at(now) + chrono::Days::new(7);
        let time = chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default();
        let slot = crate::LiveSlot::new(date, time, 45, zone).map_err(|e| sample(&e))?;
        let url = crate::MeetingUrl::parse("https://meet.example/slate-preview").map_err(|e| sample(&e))?;
        let attendee = |n: u128, role, name: &str, email: &str| -> Result<crate::Attendee, AdapterError> {
            Ok(crate::Attendee {
                id: crate::AttendeeId::from_uuid(uuid::Uuid::from_u128(n)),
                role,
                name: PersonName::parse(name).map_err(|e| sample(&e))?,
                email: EmailAddress::parse(email).map_err(|e| sample(&e))?,
                language,
                response: crate::AttendeeResponse::Pending,
                responded_at: None,
                link_version: crate::LinkVersion::FIRST,
            })
        };
        let ada = attendee(
            1,
            crate::AttendeeRole::Candidate(CandidateId::from_uuid(uuid::Uuid::from_u128(1))),
            "Ada Lovelace",
            "ada.lovelace@example.com",
        )?;
        let mut you =
            attendee(2, crate::AttendeeRole::Interviewer(Some(recruiter.id)), "You", recruiter.email.as_str())?;
        you.name = recruiter.name.clone();
        let to = if kind == TemplateKind::LiveInterviewer { you.clone() } else { ada.clone() };
        let live = crate::LiveInterview::from_parts(crate::LiveInterviewParts {
            id: crate::LiveInterviewId::from_uuid(uuid::Uuid::from_u128(1)),
            organization_id: organization.id,
            organizer: recruiter.id,
            title: crate::DisplayName::parse("Second interview").map_err(|e| sample(&e))?,
            slot,
            location: crate::Location::Online(url),
            job_id: None,
            follows: None,
            candidate_message: None,
            interviewer_message: None,
            attendees: vec![ada, you],
            sequence: 0,
            resends: 0,
            reminder_due_at: None,
            cancelled_at: None,
            created_at: now,
            updated_at: now,
            revision: 0,
        });
        let job = crate::Job {
            id: crate::JobId::from_uuid(uuid::Uuid::from_u128(1)),
            organization_id: organization.id,
            title: crate::JobText::parse("Backend engineer").map_err(|e| sample(&e))?,
            company_name: crate::JobText::parse(organization.name.as_str()).map_err(|e| sample(&e))?,
        };
        let message = OutboxMessage {
            id: MessageId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: organization.id,
            about: MessageSubject::Attendee { live_interview_id: live.id(), attendee_id: to.id },
            kind: kind.sample_message_kind(),
            sequence: 0,
            to: to.email.clone(),
            language,
            created_at: now,
            state: DeliveryState::Pending { not_before: now, attempts: 0 },
        };
        let link = (kind != TemplateKind::LiveCancelled)
            .then(|| self.settings.public_url.attendee_link(&LinkToken::presented("sample-link-for-preview")));
        Ok(LiveMessageContext {
            message,
            organization,
            organizer: recruiter,
            live,
            attendee: to.id,
            job: Some(job),
            link,
            content,
        })
    }

    /// A made-up invitation for previews: Ada Lovelace, three questions, a week to answer.
    fn sample_invitation(
        &self,
        organization: &crate::Organization,
        recruiter: RecruiterId,
        language: Language,
        now: DateTime<Utc>,
    ) -> Result<Invitation, AdapterError> {
        let sample = |e: &dyn std::fmt::Display| AdapterError::new(format!("sample data: {e}"));
        let name = |s: &str| PersonName::parse(s).map_err(|e| sample(&e));
        let question = |n: u128, prompt: &str| -> Result<Question, AdapterError> {
            let prompt = Prompt::parse(prompt).map_err(|e| sample(&e))?;
            Question::new(QuestionId::from_uuid(uuid::Uuid::from_u128(n)), prompt, 30, 120, 1).map_err(|e| sample(&e))
        };
        let date = organization.time_zone.date_at(now) + chrono::Days::new(7);
        let deadline = crate::Deadline::restore(date, organization.time_zone);
        let snapshot = InterviewSnapshot {
            interview_id: InterviewId::from_uuid(uuid::Uuid::from_u128(1)),
            revision: 0,
            job_id: None,
            name: crate::DisplayName::parse("First interview").map_err(|e| sample(&e))?,
            intro: LongText::default(),
            question_language: LanguageTag::from(language),
            job_title: Some(crate::JobText::parse("Backend engineer").map_err(|e| sample(&e))?),
            company_name: Some(crate::JobText::parse(organization.name.as_str()).map_err(|e| sample(&e))?),
            questions: vec![
                question(1, "Tell us about yourself.")?,
                question(2, "Why this role?")?,
                question(3, "Describe a problem you solved recently.")?,
            ],
        };
        Ok(Invitation::new(crate::NewInvitation {
            id: InvitationId::from_uuid(uuid::Uuid::from_u128(1)),
            organization_id: organization.id,
            candidate_id: CandidateId::from_uuid(uuid::Uuid::from_u128(1)),
            candidate_first_name: name("Ada")?,
            candidate_last_name: name("Lovelace")?,
            invited_by: recruiter,
            interview: snapshot,
            email: EmailAddress::parse("ada.lovelace@example.com").map_err(|e| sample(&e))?,
            language,
            deadline,
            bcc_me: false,
            notify_me: true,
            created_at: now,
        }))
    }

    /// A page of the organization's captured emails, newest first.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn mailbox(
        &self,
        caller: Caller,
        before: Option<MessageId>,
        limit: usize,
    ) -> Result<MailboxPage, AdapterError> {
        let limit = limit.clamp(1, 200);
        let mut emails = self.ports.mailbox.list(caller.organization_id, before, limit + 1).await?;
        let next = if emails.len() > limit {
            emails.truncate(limit);
            emails.last().map(|e| e.id)
        } else {
            None
        };
        Ok(MailboxPage { emails, next })
    }

    /// One captured email of the organization, with the candidate's link as it works now
    /// (a cancelled invitation's link leads to the page saying it was withdrawn).
    ///
    /// # Errors
    /// [`super::NotFoundError`].
    pub async fn mailbox_email(&self, caller: Caller, id: MessageId) -> Result<CapturedEmail, super::NotFoundError> {
        let org = caller.organization_id;
        let mut email = self.ports.mailbox.get(org, id).await?.ok_or(super::NotFoundError::NotFound)?;
        let link = match email.about {
            MessageSubject::Invitation(id) => {
                self.ports.invitations.get(org, id).await?.map(|i| self.candidate_link(&i))
            }
            MessageSubject::Attendee { live_interview_id, attendee_id } => self
                .ports
                .live_interviews
                .get(org, live_interview_id)
                .await?
                .and_then(|l| self.attendee_link(&l, attendee_id)),
        };
        if let Some(link) = link {
            for part in [&mut email.text, &mut email.html, &mut email.subject] {
                if part.contains(WITHHELD_LINK) {
                    *part = part.replace(WITHHELD_LINK, link.expose());
                }
            }
        }
        Ok(email)
    }
}
