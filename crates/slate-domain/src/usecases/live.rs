//! Live interviews: schedule, read, reschedule and cancel (recruiters, scoped to their
//! organization), and each attendee's answer through their own link.
//!
//! Every change is one commit with its timeline events on the candidate (see
//! [`crate::live`] for the rules).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::{Caller, Slate, delay};
use crate::ports::{AdapterError, ChangeSet, CommitError, Write};
use crate::{
    Actor, AttendeeId, AttendeeResponse, AttendeeRole, CandidateId, DeliveryState, DisplayName, EmailAddress, EventId,
    EventKind, InvitationId, JobId, Language, LinkToken, LinkUrl, LinkVersion, LiveError, LiveEvent, LiveInterview,
    LiveInterviewId, LiveQuery, LiveSlot, Location, MessageId, MessageKind, MessageSubject, NewAttendee,
    NewLiveInterview, Organization, OutboxMessage, PersonName, RecruiterId, RenderedMessage, SlotError,
    TemplateContent, TemplateError, TemplateField, TemplateKind, TimeZone, TimelineEvent,
};

/// An interviewer to invite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterviewerInput {
    /// A recruiter of the caller's organization (name, address and language from their
    /// account and the organization).
    Recruiter(RecruiterId),
    /// Someone outside Slate (an address that is a recruiter's of the organization makes
    /// them that recruiter).
    External {
        /// Their name.
        name: PersonName,
        /// Their address.
        email: EmailAddress,
        /// The language of their emails and pages; `None` uses the organization's default.
        language: Option<Language>,
    },
}

/// When, for [`ScheduleLive`] and [`Slate::reschedule_live`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotInput {
    /// The local date.
    pub date: NaiveDate,
    /// The local start time.
    pub time: NaiveTime,
    /// The length in minutes.
    pub minutes: u16,
    /// The zone the date and time are read in; `None` uses the organization's.
    pub zone: Option<TimeZone>,
}

/// What a recruiter schedules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleLive {
    /// Its title in calendars and emails.
    pub title: DisplayName,
    /// The candidate, from the candidate base.
    pub candidate_id: CandidateId,
    /// Where the candidate's invite goes; `None` uses the candidate's own email.
    pub candidate_email: Option<EmailAddress>,
    /// The candidate's language; `None` uses the organization's default.
    pub candidate_language: Option<Language>,
    /// When.
    pub slot: SlotInput,
    /// Where.
    pub location: Location,
    /// One or more interviewers.
    pub interviewers: Vec<InterviewerInput>,
    /// The job it is for.
    pub job_id: Option<JobId>,
    /// The video-interview invitation of the same candidate it follows.
    pub follows: Option<InvitationId>,
    /// The candidate's invite as edited for this send (checked as a
    /// [`TemplateKind::LiveInvitation`] template); `None` uses the organization's template.
    pub candidate_message: Option<MessageDraft>,
    /// The interviewers' invite as edited for this send (checked as a
    /// [`TemplateKind::LiveInterviewer`] template); `None` uses the organization's template.
    pub interviewer_message: Option<MessageDraft>,
}

/// A message's subject and body as typed, with placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageDraft {
    /// The subject.
    pub subject: String,
    /// The body.
    pub body: String,
}

/// Whose invite a [`MessageDraft`] words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteFor {
    /// The candidate's.
    Candidate,
    /// The interviewers'.
    Interviewers,
}

impl InviteFor {
    /// `"candidate_message"` or `"interviewer_message"`: the input's name.
    #[must_use]
    pub const fn field(self) -> &'static str {
        match self {
            Self::Candidate => "candidate_message",
            Self::Interviewers => "interviewer_message",
        }
    }

    const fn kind(self) -> TemplateKind {
        match self {
            Self::Candidate => TemplateKind::LiveInvitation,
            Self::Interviewers => TemplateKind::LiveInterviewer,
        }
    }
}

/// The invites a live interview would send, worded with every placeholder filled, for
/// [`Slate::preview_live`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivePreview {
    /// The candidate's.
    pub candidate: RenderedMessage,
    /// The first interviewer's (every interviewer's reads the same, in their language).
    pub interviewer: Option<RenderedMessage>,
}

/// Why a live-interview use case failed.
#[derive(Debug, thiserror::Error)]
pub enum LiveUseCaseError {
    /// The caller's organization or recruiter account no longer exists.
    #[error("your account or organization no longer exists")]
    CallerNotFound,
    /// No such live interview in the caller's organization.
    #[error("no such live interview")]
    NotFound,
    /// No such candidate in the caller's organization.
    #[error("no such candidate")]
    CandidateNotFound,
    /// The candidate has no email and none was given.
    #[error("the candidate has no email address; enter one")]
    NoEmail,
    /// An interviewer named by id is not a recruiter of the organization.
    #[error("no such recruiter: {0}")]
    RecruiterNotFound(RecruiterId),
    /// No such job in the caller's organization.
    #[error("no such job")]
    JobNotFound,
    /// No such invitation of this candidate in the caller's organization.
    #[error("no such invitation of this candidate")]
    InvitationNotFound,
    /// The date, time or length is refused.
    #[error(transparent)]
    Slot(#[from] SlotError),
    /// The live interview's rules refuse it.
    #[error(transparent)]
    Refused(#[from] LiveError),
    /// An invite edited for this send breaks a template rule.
    #[error("{}.{}: {error}", .which.field(), .field.as_str())]
    Message {
        /// Whose invite.
        which: InviteFor,
        /// The subject or the body.
        field: TemplateField,
        /// What is wrong.
        error: TemplateError,
    },
    /// Changed by someone else since it was read (or at another revision than given).
    #[error("the live interview was changed meanwhile; reload and try again")]
    Conflict,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

impl From<CommitError> for LiveUseCaseError {
    fn from(e: CommitError) -> Self {
        match e {
            CommitError::Conflict | CommitError::Duplicate(_) => Self::Conflict,
            CommitError::Internal(e) => Self::Internal(e),
        }
    }
}

/// What an attendee's link leads to, read without changing anything (the page's GET).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttendeeLinkCheck {
    /// Not a link Slate issued (or its interview is gone).
    Invalid,
    /// A link that worked once: the interview was cancelled.
    Withdrawn {
        /// The interview.
        live: Box<LiveInterview>,
        /// Whose link it is.
        attendee: AttendeeId,
    },
    /// A current link.
    Current {
        /// The interview.
        live: Box<LiveInterview>,
        /// Whose link it is.
        attendee: AttendeeId,
        /// The organization (its name for the page).
        organization: Box<Organization>,
        /// The job it is for, if any (its company is the one to show).
        job: Option<Box<crate::Job>>,
    },
}

/// Why an attendee's answer was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum RespondError {
    /// Not a current attendee link.
    #[error("this link is not valid")]
    InvalidLink,
    /// The interview's rules refuse it (cancelled, already started).
    #[error(transparent)]
    Refused(#[from] LiveError),
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

/// What one run of [`Slate::send_live_reminders`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveRemindersRun {
    /// Live interviews whose attendees were reminded.
    pub reminded: usize,
    /// Live interviews changed by someone else meanwhile (tried again on the next run).
    pub conflicts: usize,
}

/// Which message an attendee gets: the candidate's invite, or an interviewer's.
const fn invite_kind(role: AttendeeRole) -> MessageKind {
    match role {
        AttendeeRole::Candidate(_) => MessageKind::LiveInvitation,
        AttendeeRole::Interviewer(_) => MessageKind::LiveInterviewerInvitation,
    }
}

impl Slate {
    /// One message of `kind` to every attendee of `live`, keyed by `sequence`.
    fn live_messages(
        &self,
        live: &LiveInterview,
        kind: impl Fn(AttendeeRole) -> MessageKind,
        sequence: u32,
        at: DateTime<Utc>,
    ) -> Vec<Write> {
        live.attendees()
            .iter()
            .map(|a| {
                Write::Enqueue(OutboxMessage {
                    id: MessageId::from_uuid(self.ports.ids.new_uuid()),
                    organization_id: live.organization_id(),
                    about: MessageSubject::Attendee { live_interview_id: live.id(), attendee_id: a.id },
                    kind: kind(a.role),
                    sequence,
                    to: a.email.clone(),
                    language: a.language,
                    created_at: at,
                    state: DeliveryState::Pending { not_before: at, attempts: 0 },
                })
            })
            .collect()
    }

    fn live_event(&self, live: &LiveInterview, event: &LiveEvent, actor: Actor, at: DateTime<Utc>) -> TimelineEvent {
        let live_interview_id = live.id();
        let name = |id: AttendeeId| live.attendee(id).map(|a| a.name.to_string()).unwrap_or_default();
        let kind = match event {
            LiveEvent::Scheduled => EventKind::LiveScheduled {
                live_interview_id,
                title: live.title().to_string(),
                starts_at: live.slot().start(),
            },
            LiveEvent::Confirmed { attendee } => {
                EventKind::LiveConfirmed { live_interview_id, attendee: name(*attendee) }
            }
            LiveEvent::Declined { attendee, message } => EventKind::LiveDeclined {
                live_interview_id,
                attendee: name(*attendee),
                message: message.as_ref().map(ToString::to_string).filter(|m| !m.is_empty()),
            },
            LiveEvent::AllConfirmed => EventKind::LiveAllConfirmed { live_interview_id },
            LiveEvent::Rescheduled { from, to } => {
                EventKind::LiveRescheduled { live_interview_id, from: *from, to: *to }
            }
            LiveEvent::Cancelled => EventKind::LiveCancelled { live_interview_id },
        };
        self.live_timeline(live, kind, actor, at)
    }

    fn live_timeline(&self, live: &LiveInterview, kind: EventKind, actor: Actor, at: DateTime<Utc>) -> TimelineEvent {
        TimelineEvent {
            id: EventId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: live.organization_id(),
            candidate_id: live.candidate_id().unwrap_or_else(|| CandidateId::from_uuid(uuid::Uuid::nil())),
            invitation_id: live.parts().follows,
            kind,
            actor,
            at,
        }
    }

    fn slot_for(org: &Organization, input: SlotInput) -> Result<LiveSlot, SlotError> {
        LiveSlot::new(input.date, input.time, input.minutes, input.zone.unwrap_or(org.time_zone))
    }

    /// Schedules a live interview: every attendee pending, each with their own link; the
    /// candidate's timeline records it.
    ///
    /// # Errors
    /// [`LiveUseCaseError`]: unknown candidate, recruiter, job or invitation; no address;
    /// a refused slot or attendee list.
    pub async fn schedule_live(&self, caller: Caller, input: ScheduleLive) -> Result<LiveInterview, LiveUseCaseError> {
        let now = self.now();
        let (mut live, _) = self.plan_live(caller, input, now).await?;
        live.plan_reminder(self.reminder_lead(), now);
        let mut changes = ChangeSet::new();
        changes.push(Write::InsertLiveInterview(live.clone()));
        changes.push(Write::AppendEvent(self.live_event(&live, &LiveEvent::Scheduled, caller.actor(), now)));
        for w in self.live_messages(&live, invite_kind, 0, now) {
            changes.push(w);
        }
        self.commit(changes).await.map_err(super::unexpected)?;
        Ok(live)
    }

    /// The invites [`Self::schedule_live`] would send for `input`, worded with the real
    /// candidate, time and place (and a sample link), without scheduling anything.
    ///
    /// # Errors
    /// As [`Self::schedule_live`].
    pub async fn preview_live(&self, caller: Caller, input: ScheduleLive) -> Result<LivePreview, LiveUseCaseError> {
        let now = self.now();
        let (live, organization) = self.plan_live(caller, input, now).await?;
        let org = caller.organization_id;
        let organizer =
            self.ports.recruiters.get(org, caller.recruiter_id).await?.ok_or(LiveUseCaseError::CallerNotFound)?;
        let job = match live.parts().job_id {
            Some(j) => self.ports.jobs.get(org, j).await?,
            None => None,
        };
        let link = self.settings.public_url.attendee_link(&LinkToken::presented("preview-link"));
        let mut rendered = Vec::new();
        for attendee in live.attendees().iter().take(2) {
            let kind = invite_kind(attendee.role);
            let own = match kind {
                MessageKind::LiveInvitation => live.parts().candidate_message.clone(),
                _ => live.parts().interviewer_message.clone(),
            };
            let content = match own {
                Some(c) => c,
                None => match self.ports.templates.get(org, kind.template_kind(), attendee.language).await? {
                    Some(t) => t.content,
                    None => self.ports.renderer.default_content(kind.template_kind(), attendee.language),
                },
            };
            let context = crate::LiveMessageContext {
                message: OutboxMessage {
                    id: MessageId::from_uuid(self.ports.ids.new_uuid()),
                    organization_id: org,
                    about: MessageSubject::Attendee { live_interview_id: live.id(), attendee_id: attendee.id },
                    kind,
                    sequence: 0,
                    to: attendee.email.clone(),
                    language: attendee.language,
                    created_at: now,
                    state: DeliveryState::Pending { not_before: now, attempts: 0 },
                },
                organization: organization.clone(),
                organizer: organizer.clone(),
                live: live.clone(),
                attendee: attendee.id,
                job: job.clone(),
                link: Some(link.clone()),
                content,
            };
            rendered.push(self.ports.renderer.render_live(&context));
        }
        let mut rendered = rendered.into_iter();
        let candidate = rendered.next().ok_or(LiveUseCaseError::Refused(LiveError::OneCandidate))?;
        Ok(LivePreview { candidate, interviewer: rendered.next() })
    }

    /// A live interview as `input` describes it, checked against every rule and the
    /// organization's records, not stored.
    async fn plan_live(
        &self,
        caller: Caller,
        input: ScheduleLive,
        now: DateTime<Utc>,
    ) -> Result<(LiveInterview, Organization), LiveUseCaseError> {
        let org = caller.organization_id;
        let organization = self.ports.organizations.get(org).await?.ok_or(LiveUseCaseError::CallerNotFound)?;
        self.ports.recruiters.get(org, caller.recruiter_id).await?.ok_or(LiveUseCaseError::CallerNotFound)?;
        let candidate =
            self.ports.candidates.get(org, input.candidate_id).await?.ok_or(LiveUseCaseError::CandidateNotFound)?;
        let email = input.candidate_email.or_else(|| candidate.email.clone()).ok_or(LiveUseCaseError::NoEmail)?;
        if let Some(job) = input.job_id {
            self.ports.jobs.get(org, job).await?.ok_or(LiveUseCaseError::JobNotFound)?;
        }
        if let Some(follows) = input.follows {
            let invitation = self.ports.invitations.get(org, follows).await?;
            if invitation.is_none_or(|i| i.candidate_id() != candidate.id) {
                return Err(LiveUseCaseError::InvitationNotFound);
            }
        }
        let slot = Self::slot_for(&organization, input.slot)?;
        let name = PersonName::parse(&candidate.full_name()).unwrap_or_else(|_| candidate.first_name.clone());
        let mut attendees = vec![NewAttendee {
            id: AttendeeId::from_uuid(self.ports.ids.new_uuid()),
            role: AttendeeRole::Candidate(candidate.id),
            name,
            email,
            language: input.candidate_language.unwrap_or(organization.default_language),
        }];
        for interviewer in input.interviewers {
            let id = AttendeeId::from_uuid(self.ports.ids.new_uuid());
            attendees.push(match interviewer {
                InterviewerInput::Recruiter(r) => {
                    let recruiter =
                        self.ports.recruiters.get(org, r).await?.ok_or(LiveUseCaseError::RecruiterNotFound(r))?;
                    NewAttendee {
                        id,
                        role: AttendeeRole::Interviewer(Some(r)),
                        name: recruiter.name,
                        email: recruiter.email,
                        language: organization.default_language,
                    }
                }
                // An address that is a colleague's makes them the recruiter they are.
                InterviewerInput::External { name, email, language } => {
                    let language = language.unwrap_or(organization.default_language);
                    match self.ports.recruiters.find_by_email(&email).await? {
                        Some(r) if r.organization_id == org => NewAttendee {
                            id,
                            role: AttendeeRole::Interviewer(Some(r.id)),
                            name: r.name,
                            email: r.email,
                            language,
                        },
                        _ => NewAttendee { id, role: AttendeeRole::Interviewer(None), name, email, language },
                    }
                }
            });
        }
        let message = |draft: Option<MessageDraft>, which: InviteFor| {
            draft
                .map(|d| {
                    TemplateContent::parse(which.kind(), &d.subject, &d.body)
                        .map_err(|(field, error)| LiveUseCaseError::Message { which, field, error })
                })
                .transpose()
        };
        let new = NewLiveInterview {
            id: LiveInterviewId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: org,
            organizer: caller.recruiter_id,
            title: input.title,
            slot,
            location: input.location,
            job_id: input.job_id,
            follows: input.follows,
            attendees,
            candidate_message: message(input.candidate_message, InviteFor::Candidate)?,
            interviewer_message: message(input.interviewer_message, InviteFor::Interviewers)?,
        };
        let (live, _) = LiveInterview::schedule(new, now)?;
        Ok((live, organization))
    }

    /// One live interview of the caller's organization.
    ///
    /// # Errors
    /// [`LiveUseCaseError::NotFound`]; storage failures.
    pub async fn live_interview(&self, caller: Caller, id: LiveInterviewId) -> Result<LiveInterview, LiveUseCaseError> {
        self.ports.live_interviews.get(caller.organization_id, id).await?.ok_or(LiveUseCaseError::NotFound)
    }

    /// The caller's organization's live interviews matching `query`, by start time.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn live_interviews(&self, caller: Caller, query: &LiveQuery) -> Result<Vec<LiveInterview>, AdapterError> {
        let query = LiveQuery { limit: query.limit.clamp(1, LiveQuery::MAX_LIMIT), ..query.clone() };
        self.ports.live_interviews.list(caller.organization_id, &query).await
    }

    async fn change_live(
        &self,
        caller: Caller,
        id: LiveInterviewId,
        revision: Option<u64>,
        change: impl FnOnce(&mut LiveInterview, DateTime<Utc>) -> Result<LiveEvent, LiveUseCaseError>,
    ) -> Result<LiveInterview, LiveUseCaseError> {
        let mut live = self.live_interview(caller, id).await?;
        if revision.is_some_and(|r| r != live.revision()) {
            return Err(LiveUseCaseError::Conflict);
        }
        let now = self.now();
        let event = change(&mut live, now)?;
        let mut changes = ChangeSet::new();
        changes.push(Write::UpdateLiveInterview(live.clone()));
        changes.push(Write::AppendEvent(self.live_event(&live, &event, caller.actor(), now)));
        let messages = match event {
            LiveEvent::Rescheduled { .. } => {
                self.live_messages(&live, |_| MessageKind::LiveUpdated, live.sequence(), now)
            }
            LiveEvent::Cancelled => self.live_messages(&live, |_| MessageKind::LiveCancelled, live.sequence(), now),
            _ => Vec::new(),
        };
        for w in messages {
            changes.push(w);
        }
        self.commit(changes).await?;
        live.committed();
        Ok(live)
    }

    /// Moves a live interview: every confirmation is reset and the calendar sequence bumped.
    /// With `revision`, refuses a live interview changed since it was read at it.
    ///
    /// # Errors
    /// [`LiveUseCaseError`]: not found, a refused slot, cancelled, in the past, unchanged,
    /// or changed meanwhile.
    pub async fn reschedule_live(
        &self,
        caller: Caller,
        id: LiveInterviewId,
        revision: Option<u64>,
        slot: SlotInput,
    ) -> Result<LiveInterview, LiveUseCaseError> {
        let organization =
            self.ports.organizations.get(caller.organization_id).await?.ok_or(LiveUseCaseError::CallerNotFound)?;
        let slot = Self::slot_for(&organization, slot)?;
        let lead = self.reminder_lead();
        self.change_live(caller, id, revision, |live, now| {
            let event = live.reschedule(slot, now)?;
            live.plan_reminder(lead, now);
            Ok(event)
        })
        .await
    }

    fn reminder_lead(&self) -> chrono::TimeDelta {
        delay(self.settings.live_reminder_lead)
    }

    /// Sends every attendee their invite again (same links, the current time and
    /// `SEQUENCE`), recorded on the candidate's timeline.
    ///
    /// # Errors
    /// [`LiveUseCaseError`]: not found, cancelled, over, or changed meanwhile.
    pub async fn resend_live(&self, caller: Caller, id: LiveInterviewId) -> Result<LiveInterview, LiveUseCaseError> {
        let mut live = self.live_interview(caller, id).await?;
        let now = self.now();
        let n = live.resend(now)?;
        let mut changes = ChangeSet::new();
        changes.push(Write::UpdateLiveInterview(live.clone()));
        let event = EventKind::LiveResent { live_interview_id: live.id() };
        changes.push(Write::AppendEvent(self.live_timeline(&live, event, caller.actor(), now)));
        for w in self.live_messages(&live, invite_kind, n, now) {
            changes.push(w);
        }
        self.commit(changes).await?;
        live.committed();
        Ok(live)
    }

    /// Queues the reminder of every live interview whose reminder is due, up to `limit`:
    /// one message to each attendee, keyed by the interview's `SEQUENCE` so that a
    /// reschedule may remind again.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn send_live_reminders(&self, limit: usize) -> Result<LiveRemindersRun, AdapterError> {
        let now = self.now();
        let mut run = LiveRemindersRun::default();
        for mut live in self.ports.live_interviews.reminders_due(now, limit).await? {
            if !live.take_reminder(now) {
                continue;
            }
            let mut changes = ChangeSet::new();
            changes.push(Write::UpdateLiveInterview(live.clone()));
            for w in self.live_messages(&live, |_| MessageKind::LiveReminder, live.sequence(), now) {
                changes.push(w);
            }
            match self.commit(changes).await {
                Ok(()) => run.reminded += 1,
                Err(CommitError::Conflict | CommitError::Duplicate(_)) => run.conflicts += 1,
                Err(CommitError::Internal(e)) => return Err(e),
            }
        }
        Ok(run)
    }

    /// Cancels a live interview: final; every attendee's link stops working.
    ///
    /// # Errors
    /// [`LiveUseCaseError`]: not found, already cancelled or over, changed meanwhile.
    pub async fn cancel_live(
        &self,
        caller: Caller,
        id: LiveInterviewId,
        revision: Option<u64>,
    ) -> Result<LiveInterview, LiveUseCaseError> {
        self.change_live(caller, id, revision, |live, now| Ok(live.cancel(now)?)).await
    }

    /// An attendee's secret link, for their invite and for recruiters to copy.
    #[must_use]
    pub fn attendee_link(&self, live: &LiveInterview, attendee: AttendeeId) -> Option<LinkUrl> {
        let a = live.attendee(attendee)?;
        Some(self.settings.public_url.attendee_link(&self.ports.links.issue_attendee(a.id, a.link_version)))
    }

    /// What an attendee's link leads to, without changing anything.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn check_attendee_link(&self, token: &LinkToken) -> Result<AttendeeLinkCheck, AdapterError> {
        let Some(id) = self.ports.links.claimed_attendee(token) else { return Ok(AttendeeLinkCheck::Invalid) };
        let Some(live) = self.ports.live_interviews.get_for_attendee(id).await? else {
            return Ok(AttendeeLinkCheck::Invalid);
        };
        let Some(current) = live.attendee(id).map(|a| a.link_version) else { return Ok(AttendeeLinkCheck::Invalid) };
        if !self.ports.links.verify_attendee(token, id, current) {
            let revoked = (0..current.get()).any(|v| self.ports.links.verify_attendee(token, id, LinkVersion::new(v)));
            return Ok(if revoked {
                AttendeeLinkCheck::Withdrawn { live: Box::new(live), attendee: id }
            } else {
                AttendeeLinkCheck::Invalid
            });
        }
        let Some(organization) = self.ports.organizations.get(live.organization_id()).await? else {
            return Ok(AttendeeLinkCheck::Invalid);
        };
        let job = match live.parts().job_id {
            Some(j) => self.ports.jobs.get(live.organization_id(), j).await?.map(Box::new),
            None => None,
        };
        Ok(AttendeeLinkCheck::Current { live: Box::new(live), attendee: id, organization: Box::new(organization), job })
    }

    /// Records an attendee's answer (confirm, or decline with an optional message) through
    /// their link: the same answer twice changes nothing; the last confirmation makes the
    /// interview scheduled. Returns the interview as stored.
    ///
    /// # Errors
    /// [`RespondError`]: not a current link, or the interview refuses answers.
    pub async fn respond_live(
        &self,
        token: &LinkToken,
        response: AttendeeResponse,
    ) -> Result<LiveInterview, RespondError> {
        for _ in 0..3 {
            let (mut live, attendee) = match self.check_attendee_link(token).await? {
                AttendeeLinkCheck::Current { live, attendee, .. } => (*live, attendee),
                AttendeeLinkCheck::Withdrawn { .. } => return Err(LiveError::Cancelled.into()),
                AttendeeLinkCheck::Invalid => return Err(RespondError::InvalidLink),
            };
            let actor = match live.attendee(attendee).map(|a| a.role) {
                Some(AttendeeRole::Candidate(_)) => Actor::Candidate,
                Some(AttendeeRole::Interviewer(Some(r))) => Actor::Recruiter(r),
                _ => Actor::ExternalInterviewer(attendee),
            };
            let now = self.now();
            let events = live.respond(attendee, response.clone(), now)?;
            if events.is_empty() {
                return Ok(live);
            }
            let mut changes = ChangeSet::new();
            changes.push(Write::UpdateLiveInterview(live.clone()));
            for event in &events {
                changes.push(Write::AppendEvent(self.live_event(&live, event, actor, now)));
            }
            match self.commit(changes).await {
                Ok(()) => {
                    live.committed();
                    return Ok(live);
                }
                // Two attendees answered at once: read again and retry.
                Err(CommitError::Conflict | CommitError::Duplicate(_)) => {}
                Err(CommitError::Internal(e)) => return Err(e.into()),
            }
        }
        Err(AdapterError::new(std::io::Error::other("the live interview kept changing while answering")).into())
    }
}
