//! What a mail adapter needs to word and send one outbox message, what it produces, and the
//! captured mailbox that stands in for a mail server on the embedded defaults.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::{
    EmailAddress, Invitation, InvitationId, LinkToken, MessageId, MessageKind, Organization, OrganizationId,
    OutboxMessage, Recruiter, TemplateContent,
};

/// The address people use to reach Slate (`https://interviews.example.com`), from which
/// every link in an email or an API answer is built — in this one place.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PublicUrl(String);

/// Why a public URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an http:// or https:// URL without a trailing slash, query or fragment")]
pub struct PublicUrlError(String);

impl PublicUrl {
    /// Parses `http://host[:port][/path]` or `https://…`, without a trailing slash.
    ///
    /// # Errors
    /// [`PublicUrlError`].
    pub fn parse(raw: &str) -> Result<Self, PublicUrlError> {
        let rest = raw.strip_prefix("https://").or_else(|| raw.strip_prefix("http://"));
        let ok = rest.is_some_and(|r| {
            !r.is_empty()
                && !r.ends_with('/')
                && !r.contains(['?', '#', '@'])
                && !r.starts_with('/')
                && r.chars().all(|c| c.is_ascii_graphic())
        });
        if ok { Ok(Self(raw.to_owned())) } else { Err(PublicUrlError(raw.to_owned())) }
    }

    /// The URL as given.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host (and port) part, e.g. `interviews.example.com`.
    #[must_use]
    pub fn host(&self) -> &str {
        let rest = self.0.split_once("://").map_or(self.0.as_str(), |(_, r)| r);
        let host_port = rest.split('/').next().unwrap_or(rest);
        host_port.rsplit_once(':').filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit())).map_or(host_port, |(h, _)| h)
    }

    /// The candidate's link for a token: `{public}/i/{token}`.
    #[must_use]
    pub fn candidate_link(&self, token: &LinkToken) -> LinkUrl {
        LinkUrl(format!("{}/i/{}", self.0, token.expose()))
    }

    /// A live-interview attendee's link for a token: `{public}/m/{token}`.
    #[must_use]
    pub fn attendee_link(&self, token: &LinkToken) -> LinkUrl {
        LinkUrl(format!("{}/m/{}", self.0, token.expose()))
    }

    /// The recruiter's page of a live interview.
    #[must_use]
    pub fn live_page(&self, live: crate::LiveInterviewId) -> String {
        format!("{}/live/{live}", self.0)
    }

    /// The recruiter's page of an invitation (where the completion notice leads).
    #[must_use]
    pub fn review_link(&self, invitation: InvitationId) -> String {
        format!("{}/invitations/{invitation}", self.0)
    }
}

impl fmt::Debug for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PublicUrl").field(&self.0).finish()
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Default for PublicUrl {
    /// `http://127.0.0.1:8080`, the embedded default.
    fn default() -> Self {
        Self("http://127.0.0.1:8080".to_owned())
    }
}

/// A candidate's link as a URL. It is a secret: `Debug` and `Display` redact it; only
/// [`Self::expose`] shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkUrl(String);

impl LinkUrl {
    /// The URL itself, for the email or the API answer that carries it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for LinkUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkUrl(…redacted…)")
    }
}

impl fmt::Display for LinkUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("…/i/(redacted)")
    }
}

/// Everything needed to word one outbox message, gathered by
/// [`crate::Slate::prepare_message`] without a recruiter caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageContext {
    /// The message (recipient, language, kind, id).
    pub message: OutboxMessage,
    /// The organization.
    pub organization: Organization,
    /// The recruiter who sent the invitation (the `Reply-To`, and the recipient of their
    /// copy and of the completion notice).
    pub recruiter: Recruiter,
    /// The invitation, with its interview snapshot (job, questions), deadline and zone.
    pub invitation: Invitation,
    /// The candidate's link, for messages that carry it (and the recruiter's copy).
    pub candidate_link: Option<LinkUrl>,
    /// The recruiter's page of the invitation.
    pub review_link: String,
    /// The wording: the organization's template for this kind and language, or the default.
    pub content: TemplateContent,
}

/// Everything needed to word one message to a live interview's attendee, gathered by
/// [`crate::Slate::prepare_messages`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveMessageContext {
    /// The message (recipient, language, kind, id).
    pub message: OutboxMessage,
    /// The organization.
    pub organization: Organization,
    /// The recruiter who scheduled it (the organizer and the `Reply-To`).
    pub organizer: Recruiter,
    /// The live interview as it stands.
    pub live: crate::LiveInterview,
    /// The attendee the message goes to.
    pub attendee: crate::AttendeeId,
    /// The job it is for, if any (its company name is the one shown).
    pub job: Option<crate::Job>,
    /// The attendee's link to confirm or decline (withheld once cancelled).
    pub link: Option<LinkUrl>,
    /// The wording: the organization's template for this kind and language, or the default.
    pub content: TemplateContent,
}

impl LiveMessageContext {
    /// The attendee the message goes to.
    #[must_use]
    pub fn recipient(&self) -> Option<&crate::Attendee> {
        self.live.attendee(self.attendee)
    }

    /// The company shown: the job's, or the organization's name.
    #[must_use]
    pub fn company(&self) -> String {
        self.job.as_ref().map_or_else(|| self.organization.name.to_string(), |j| j.company_name.to_string())
    }

    /// Where it happens: the meeting address or the place.
    #[must_use]
    pub fn location(&self) -> String {
        match self.live.location() {
            crate::Location::Online(url) => url.as_str().to_owned(),
            crate::Location::Place(place) => place.to_string(),
        }
    }

    /// A placeholder's value, with the start written `YYYY-MM-DD HH:MM (zone)` (a renderer
    /// words it for the language instead); placeholders a live message cannot use are
    /// empty.
    #[must_use]
    pub fn value(&self, p: crate::Placeholder) -> String {
        use crate::Placeholder as P;
        let candidate = self.live.candidate();
        let (first, last) = candidate.map_or((String::new(), String::new()), |c| {
            let full = c.name.to_string();
            match full.split_once(' ') {
                Some((f, l)) => (f.to_owned(), l.to_owned()),
                None => (full, String::new()),
            }
        });
        let slot = self.live.slot();
        match p {
            P::CandidateFirstName => first,
            P::CandidateLastName => last,
            P::CandidateEmail => candidate.map(|c| c.email.to_string()).unwrap_or_default(),
            P::CompanyName => self.company(),
            P::JobTitle => self.job.as_ref().map(|j| j.title.to_string()).unwrap_or_default(),
            P::InterviewName => self.live.title().to_string(),
            P::InterviewLink => self.link.as_ref().map(|l| l.expose().to_owned()).unwrap_or_default(),
            P::InterviewStart => format!("{} {} ({})", slot.date(), slot.time().format("%H:%M"), slot.zone().name()),
            P::InterviewLocation => self.location(),
            P::InterviewDurationMinutes => slot.minutes().to_string(),
            P::AttendeeName => self.recipient().map(|a| a.name.to_string()).unwrap_or_default(),
            P::RecruiterName => self.organizer.name.to_string(),
            P::RecruiterEmail => self.organizer.email.to_string(),
            P::InterviewQuestionCount | P::InterviewEstimatedMinutes | P::Deadline | P::ReviewLink => String::new(),
        }
    }
}

/// A message worded and ready to be wrapped in MIME.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMessage {
    /// The subject line (one line, not yet encoded).
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part (every value escaped; no remote resources).
    pub html: String,
}

/// An email kept by the local mailbox instead of being sent: what the embedded defaults do,
/// so that trying Slate needs no mail server. The candidate's link is not stored in it (no
/// usable link at rest); reading it back through [`crate::Slate::mailbox_email`] puts the
/// link in again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedEmail {
    /// The outbox message it is (one capture per message).
    pub id: MessageId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// What it is about.
    pub about: crate::MessageSubject,
    /// What it is.
    pub kind: MessageKind,
    /// The `From` header as sent.
    pub from: String,
    /// The recipient.
    pub to: EmailAddress,
    /// The `Reply-To` address.
    pub reply_to: Option<EmailAddress>,
    /// The subject.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
    /// When it was captured.
    pub captured_at: DateTime<Utc>,
}

/// Where a withheld candidate link stood in a captured email.
pub const WITHHELD_LINK: &str = "[[slate:candidate-link]]";
