//! Ready-made port implementations for an embedding application: the system clock and
//! UUIDv7 ids with OS randomness (feature `system`), and stand-ins for the ports an embedder
//! may not want — [`NoPasswords`] when the application logs people in itself, [`NoVideos`]
//! when nobody records answers through Slate, and [`PlainRenderer`] for emails worded
//! simply. [`crate::PortsBuilder`] uses them where a port is not given.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::ports::{AdapterError, ByteStream, MessageRenderer, PasswordHasher, VideoStat, VideoStore, VideoStoreError};
use crate::{
    Language, LiveMessageContext, MediaKey, MessageContext, Password, PasswordHash, Placeholder, RenderedMessage,
    TemplateContent, TemplateKind,
};

/// The system clock.
#[cfg(feature = "system")]
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

#[cfg(feature = "system")]
impl crate::ports::Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Time-ordered UUIDv7 ids (database indexes stay compact) and secrets from the operating
/// system's cryptographic random source.
#[cfg(feature = "system")]
#[derive(Debug, Default, Clone, Copy)]
pub struct OsIds;

#[cfg(feature = "system")]
impl crate::ports::IdGenerator for OsIds {
    fn new_uuid(&self) -> uuid::Uuid {
        uuid::Uuid::now_v7()
    }

    /// # Panics
    /// Never returns weak secrets: the process aborts when the operating system has no
    /// random source to give.
    fn new_secret(&self) -> [u8; 32] {
        let mut out = [0_u8; 32];
        if getrandom::fill(&mut out).is_err() {
            std::process::abort();
        }
        out
    }
}

/// No password logins: for an application that authenticates people itself and calls the
/// use cases with its own [`crate::Caller`]s. Hashing fails; nothing verifies.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoPasswords;

#[async_trait]
impl PasswordHasher for NoPasswords {
    async fn hash(&self, _password: &Password) -> Result<PasswordHash, AdapterError> {
        Err(AdapterError::new("password logins are off: this application authenticates people itself"))
    }

    async fn verify(&self, _password: &Password, _hash: Option<PasswordHash>) -> bool {
        false
    }
}

/// No video storage: every operation fails, so candidate uploads are refused with a clear
/// error instead of being lost.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoVideos;

fn no_videos() -> VideoStoreError {
    VideoStoreError::Internal(AdapterError::new("no video store is configured"))
}

#[async_trait]
impl VideoStore for NoVideos {
    async fn begin(&self, _key: &MediaKey, _length: u64) -> Result<(), VideoStoreError> {
        Err(no_videos())
    }

    async fn append(&self, _key: &MediaKey, _offset: u64, _body: ByteStream) -> Result<u64, VideoStoreError> {
        Err(no_videos())
    }

    async fn stat(&self, _key: &MediaKey) -> Result<Option<VideoStat>, VideoStoreError> {
        Err(no_videos())
    }

    async fn read(&self, _key: &MediaKey, _start: u64, _end: u64) -> Result<ByteStream, VideoStoreError> {
        Err(no_videos())
    }

    async fn delete(&self, _key: &MediaKey) -> Result<(), VideoStoreError> {
        Err(no_videos())
    }

    async fn sweep_abandoned(&self, _before: DateTime<Utc>) -> Result<u64, VideoStoreError> {
        Ok(0)
    }
}

/// Emails worded simply: every kind the same short way in every language, the values filled
/// in, the HTML escaped. Slate's own wording in nine languages is the mail adapter's
/// (`slate-email`).
#[derive(Debug, Default, Clone, Copy)]
pub struct PlainRenderer;

/// A plain text and the same text as one escaped HTML paragraph.
fn plain(subject: String, text: String) -> RenderedMessage {
    let html = format!(
        "<p>{}</p>",
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
    );
    RenderedMessage { subject: subject.replace(['\r', '\n'], " "), text, html }
}

impl MessageRenderer for PlainRenderer {
    fn default_content(&self, kind: TemplateKind, _language: Language) -> TemplateContent {
        let body = match kind.required_placeholder() {
            Some(p) if kind.is_live() => format!("Dear {{{{attendee.name}}}}, {}: {{{{{}}}}}", kind.as_str(), p.name()),
            Some(p) => format!("Dear {{{{candidate.first_name}}}}, {}: {{{{{}}}}}", kind.as_str(), p.name()),
            None => format!("Dear {{{{candidate.first_name}}}}, {}.", kind.as_str()),
        };
        match TemplateContent::parse(kind, &format!("{} — {{{{interview.name}}}}", kind.as_str()), &body) {
            Ok(c) => c,
            Err(_) => unreachable!("the plain templates follow the rules"),
        }
    }

    fn render(&self, context: &MessageContext) -> RenderedMessage {
        let value = |p: Placeholder| -> String {
            let inv = &context.invitation;
            match p {
                Placeholder::CandidateFirstName => inv.parts().candidate_first_name.to_string(),
                Placeholder::CandidateLastName => inv.parts().candidate_last_name.to_string(),
                Placeholder::CandidateEmail => inv.email().to_string(),
                Placeholder::CompanyName => inv
                    .interview()
                    .company_name
                    .as_ref()
                    .map_or_else(|| context.organization.name.to_string(), ToString::to_string),
                Placeholder::JobTitle => {
                    inv.interview().job_title.as_ref().map(ToString::to_string).unwrap_or_default()
                }
                Placeholder::InterviewName => inv.interview().name.to_string(),
                Placeholder::InterviewLink => {
                    context.candidate_link.as_ref().map(|l| l.expose().to_owned()).unwrap_or_default()
                }
                Placeholder::InterviewQuestionCount => inv.interview().questions.len().to_string(),
                Placeholder::InterviewEstimatedMinutes => {
                    inv.interview().estimated_duration().as_secs().div_ceil(60).to_string()
                }
                Placeholder::Deadline => format!("{} ({})", inv.deadline().date(), inv.deadline().zone().name()),
                Placeholder::RecruiterName => context.recruiter.name.to_string(),
                Placeholder::RecruiterEmail => context.recruiter.email.to_string(),
                Placeholder::ReviewLink => context.review_link.clone(),
                Placeholder::InterviewStart
                | Placeholder::InterviewLocation
                | Placeholder::InterviewDurationMinutes
                | Placeholder::AttendeeName => String::new(),
            }
        };
        plain(context.content.subject.render(value), context.content.body.render(value))
    }

    fn render_live(&self, context: &LiveMessageContext) -> RenderedMessage {
        let value = |p: Placeholder| context.value(p);
        plain(context.content.subject.render(value), context.content.body.render(value))
    }
}
