//! Communication templates: the words of every email Slate sends, per organization and
//! language, with placeholders such as `{{candidate.first_name}}` filled at sending time.
//!
//! A template is parsed when it is saved: an unknown placeholder, an unclosed `{{`, or a
//! template that lacks the placeholder its kind needs (the candidate's link in an
//! invitation) is refused then, naming the offender — never a blank in a sent email.
//! Placeholders hold plain values; there is no logic in a template, so a recruiter's
//! template can never run code or reach data outside its message.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::{Language, OrganizationId, RecruiterId, TemplateId};

/// What a template words. The recruiter's copy of an invitation ("BCC myself") uses the
/// invitation's template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TemplateKind {
    /// The invitation to a video interview.
    Invitation,
    /// The invitation sent again.
    Resend,
    /// The reminder to a candidate who has not started.
    ReminderNotStarted,
    /// The reminder before the deadline.
    ReminderDeadline,
    /// The notice to the recruiter that the candidate completed.
    CompletionNotice,
    /// The notice to the candidate that the deadline moved.
    DeadlineChanged,
    /// The notice to the candidate that the invitation was withdrawn.
    Cancelled,
    /// A live interview's invite to its candidate.
    LiveInvitation,
    /// A live interview's invite to an interviewer.
    LiveInterviewer,
    /// A live interview moved (to every attendee).
    LiveUpdated,
    /// A live interview was cancelled (to every attendee).
    LiveCancelled,
    /// The reminder before a live interview (to every attendee).
    LiveReminder,
}

impl TemplateKind {
    /// Every kind.
    pub const ALL: [Self; 12] = [
        Self::Invitation,
        Self::Resend,
        Self::ReminderNotStarted,
        Self::ReminderDeadline,
        Self::CompletionNotice,
        Self::DeadlineChanged,
        Self::Cancelled,
        Self::LiveInvitation,
        Self::LiveInterviewer,
        Self::LiveUpdated,
        Self::LiveCancelled,
        Self::LiveReminder,
    ];

    /// A stable snake-case name, e.g. `"reminder_deadline"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::Resend => "resend",
            Self::ReminderNotStarted => "reminder_not_started",
            Self::ReminderDeadline => "reminder_deadline",
            Self::CompletionNotice => "completion_notice",
            Self::DeadlineChanged => "deadline_changed",
            Self::Cancelled => "cancelled",
            Self::LiveInvitation => "live_invitation",
            Self::LiveInterviewer => "live_interviewer",
            Self::LiveUpdated => "live_updated",
            Self::LiveCancelled => "live_cancelled",
            Self::LiveReminder => "live_reminder",
        }
    }

    /// Whether it words a live interview's message (to an attendee) rather than a video
    /// interview's.
    #[must_use]
    pub const fn is_live(self) -> bool {
        matches!(
            self,
            Self::LiveInvitation | Self::LiveInterviewer | Self::LiveUpdated | Self::LiveCancelled | Self::LiveReminder
        )
    }

    /// Parses [`Self::as_str`]'s names.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The placeholder the body MUST contain: the candidate's link for every message that
    /// asks the candidate to act (for a live interview, the attendee's link to confirm or
    /// decline), the review link for the recruiter's completion notice.
    #[must_use]
    pub const fn required_placeholder(self) -> Option<Placeholder> {
        match self {
            Self::Invitation
            | Self::Resend
            | Self::ReminderNotStarted
            | Self::ReminderDeadline
            | Self::DeadlineChanged
            | Self::LiveInvitation
            | Self::LiveInterviewer
            | Self::LiveUpdated
            | Self::LiveReminder => Some(Placeholder::InterviewLink),
            Self::CompletionNotice => Some(Placeholder::ReviewLink),
            Self::Cancelled | Self::LiveCancelled => None,
        }
    }

    /// Placeholders a template of this kind may not use: the link of a withdrawn invitation
    /// no longer works, candidates never see the recruiter's review link, and a live
    /// interview has no questions or deadline (nor a video interview a start time).
    #[must_use]
    pub const fn forbids(self, placeholder: Placeholder) -> bool {
        match placeholder {
            Placeholder::InterviewLink => {
                matches!(self, Self::Cancelled | Self::CompletionNotice | Self::LiveCancelled)
            }
            Placeholder::ReviewLink => !matches!(self, Self::CompletionNotice),
            Placeholder::InterviewQuestionCount | Placeholder::InterviewEstimatedMinutes | Placeholder::Deadline => {
                self.is_live()
            }
            Placeholder::InterviewStart
            | Placeholder::InterviewLocation
            | Placeholder::InterviewDurationMinutes
            | Placeholder::AttendeeName => !self.is_live(),
            _ => false,
        }
    }
}

impl fmt::Display for TemplateKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value a template can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Placeholder {
    /// `{{candidate.first_name}}`
    CandidateFirstName,
    /// `{{candidate.last_name}}`
    CandidateLastName,
    /// `{{candidate.email}}`
    CandidateEmail,
    /// `{{company.name}}`: the job's company, or the organization's name.
    CompanyName,
    /// `{{job.title}}`: empty when the interview has no job.
    JobTitle,
    /// `{{interview.name}}`
    InterviewName,
    /// `{{interview.link}}`: the candidate's secret link.
    InterviewLink,
    /// `{{interview.question_count}}`
    InterviewQuestionCount,
    /// `{{interview.estimated_minutes}}`
    InterviewEstimatedMinutes,
    /// `{{deadline}}`: the inclusive date, with the closing moment and its zone, written for
    /// the message's language.
    Deadline,
    /// `{{recruiter.name}}`: the recruiter who sent the invitation.
    RecruiterName,
    /// `{{recruiter.email}}`
    RecruiterEmail,
    /// `{{review.link}}`: the recruiter's page of the invitation's answers.
    ReviewLink,
    /// `{{interview.start}}`: a live interview's date and time in its zone (and in the
    /// recipient's, when known and different).
    InterviewStart,
    /// `{{interview.location}}`: a live interview's meeting address or place.
    InterviewLocation,
    /// `{{interview.duration_minutes}}`: a live interview's length.
    InterviewDurationMinutes,
    /// `{{attendee.name}}`: the live interview's attendee the message goes to.
    AttendeeName,
}

impl Placeholder {
    /// Every placeholder.
    pub const ALL: [Self; 17] = [
        Self::CandidateFirstName,
        Self::CandidateLastName,
        Self::CandidateEmail,
        Self::CompanyName,
        Self::JobTitle,
        Self::InterviewName,
        Self::InterviewLink,
        Self::InterviewQuestionCount,
        Self::InterviewEstimatedMinutes,
        Self::Deadline,
        Self::RecruiterName,
        Self::RecruiterEmail,
        Self::ReviewLink,
        Self::InterviewStart,
        Self::InterviewLocation,
        Self::InterviewDurationMinutes,
        Self::AttendeeName,
    ];

    /// Its name between the braces, e.g. `"candidate.first_name"`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::CandidateFirstName => "candidate.first_name",
            Self::CandidateLastName => "candidate.last_name",
            Self::CandidateEmail => "candidate.email",
            Self::CompanyName => "company.name",
            Self::JobTitle => "job.title",
            Self::InterviewName => "interview.name",
            Self::InterviewLink => "interview.link",
            Self::InterviewQuestionCount => "interview.question_count",
            Self::InterviewEstimatedMinutes => "interview.estimated_minutes",
            Self::Deadline => "deadline",
            Self::RecruiterName => "recruiter.name",
            Self::RecruiterEmail => "recruiter.email",
            Self::ReviewLink => "review.link",
            Self::InterviewStart => "interview.start",
            Self::InterviewLocation => "interview.location",
            Self::InterviewDurationMinutes => "interview.duration_minutes",
            Self::AttendeeName => "attendee.name",
        }
    }

    /// The placeholder called `name`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether its value is a URL (rendered as a link in HTML).
    #[must_use]
    pub const fn is_link(self) -> bool {
        matches!(self, Self::InterviewLink | Self::ReviewLink)
    }
}

/// A piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text.
    Text(String),
    /// A value filled at sending time.
    Value(Placeholder),
}

/// Why a template text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `{{name}}` with a name Slate does not know.
    #[error("unknown placeholder {{{{{name}}}}}; known ones: {known}", known = known_names())]
    UnknownPlaceholder {
        /// The name as written.
        name: String,
    },
    /// A `{{` without its `}}`.
    #[error("a placeholder opened with {{{{ is not closed with }}}}")]
    Unclosed,
    /// The kind needs this placeholder (the candidate's link in an invitation).
    #[error("a {kind} template must contain {{{{{name}}}}}", name = .placeholder.name())]
    MissingPlaceholder {
        /// The kind.
        kind: TemplateKind,
        /// The missing placeholder.
        placeholder: Placeholder,
    },
    /// The kind may not use this placeholder.
    #[error("a {kind} template cannot use {{{{{name}}}}}", name = .placeholder.name())]
    ForbiddenPlaceholder {
        /// The kind.
        kind: TemplateKind,
        /// The placeholder.
        placeholder: Placeholder,
    },
    /// Nothing but spaces.
    #[error("must not be empty")]
    Empty,
    /// Too long.
    #[error("must be at most {max} characters")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// A line break in a subject, or a control character anywhere.
    #[error("must not contain control characters{}", if *.subject { " or line breaks" } else { "" })]
    ControlCharacter {
        /// Whether the text is a subject (one line).
        subject: bool,
    },
}

fn known_names() -> String {
    Placeholder::ALL.iter().map(|p| format!("{{{{{}}}}}", p.name())).collect::<Vec<_>>().join(", ")
}

/// A parsed template text (a subject or a body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateText {
    source: String,
    segments: Vec<Segment>,
}

impl TemplateText {
    /// The longest subject, in characters.
    pub const MAX_SUBJECT: usize = 200;
    /// The longest body, in characters.
    pub const MAX_BODY: usize = 20_000;

    /// Parses a subject: one line.
    ///
    /// # Errors
    /// [`TemplateError`].
    pub fn subject(raw: &str) -> Result<Self, TemplateError> {
        Self::parse(raw.trim(), Self::MAX_SUBJECT, true)
    }

    /// Parses a body: lines, with blank lines between paragraphs.
    ///
    /// # Errors
    /// [`TemplateError`].
    pub fn body(raw: &str) -> Result<Self, TemplateError> {
        let normalized = raw.replace("\r\n", "\n");
        Self::parse(normalized.trim(), Self::MAX_BODY, false)
    }

    fn parse(raw: &str, max: usize, subject: bool) -> Result<Self, TemplateError> {
        if raw.is_empty() {
            return Err(TemplateError::Empty);
        }
        if raw.chars().count() > max {
            return Err(TemplateError::TooLong { max });
        }
        if raw.chars().any(|c| c.is_control() && (subject || !matches!(c, '\n' | '\t'))) {
            return Err(TemplateError::ControlCharacter { subject });
        }
        let mut segments = Vec::new();
        let mut rest = raw;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                segments.push(Segment::Text(rest[..start].to_owned()));
            }
            let after = &rest[start + 2..];
            let end = after.find("}}").ok_or(TemplateError::Unclosed)?;
            let name = after[..end].trim();
            let placeholder = Placeholder::from_name(name)
                .ok_or_else(|| TemplateError::UnknownPlaceholder { name: name.to_owned() })?;
            segments.push(Segment::Value(placeholder));
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_owned()));
        }
        Ok(Self { source: raw.to_owned(), segments })
    }

    /// The text as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The parsed pieces, in order.
    #[must_use]
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Whether it uses `placeholder`.
    #[must_use]
    pub fn uses(&self, placeholder: Placeholder) -> bool {
        self.segments.contains(&Segment::Value(placeholder))
    }

    /// The text with every placeholder replaced by `value(placeholder)`.
    #[must_use]
    pub fn render(&self, mut value: impl FnMut(Placeholder) -> String) -> String {
        let mut out = String::with_capacity(self.source.len() + 64);
        for segment in &self.segments {
            match segment {
                Segment::Text(t) => out.push_str(t),
                Segment::Value(p) => out.push_str(&value(*p)),
            }
        }
        out
    }
}

/// Which part of a template a [`TemplateError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateField {
    /// The subject.
    Subject,
    /// The body.
    Body,
}

impl TemplateField {
    /// `"subject"` or `"body"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Subject => "subject",
            Self::Body => "body",
        }
    }
}

/// A subject and a body checked against the rules of their kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateContent {
    /// The subject line.
    pub subject: TemplateText,
    /// The body.
    pub body: TemplateText,
}

impl TemplateContent {
    /// Parses and checks a subject and body for `kind`.
    ///
    /// # Errors
    /// The first [`TemplateError`], with the field it concerns.
    pub fn parse(kind: TemplateKind, subject: &str, body: &str) -> Result<Self, (TemplateField, TemplateError)> {
        let subject = TemplateText::subject(subject).map_err(|e| (TemplateField::Subject, e))?;
        let body = TemplateText::body(body).map_err(|e| (TemplateField::Body, e))?;
        for (field, text) in [(TemplateField::Subject, &subject), (TemplateField::Body, &body)] {
            if let Some(p) = Placeholder::ALL.into_iter().find(|p| kind.forbids(*p) && text.uses(*p)) {
                return Err((field, TemplateError::ForbiddenPlaceholder { kind, placeholder: p }));
            }
        }
        if let Some(p) = kind.required_placeholder()
            && !body.uses(p)
        {
            return Err((TemplateField::Body, TemplateError::MissingPlaceholder { kind, placeholder: p }));
        }
        Ok(Self { subject, body })
    }
}

/// An organization's own wording of one kind of message in one language, replacing the
/// default Slate ships.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageTemplate {
    /// Its id.
    pub id: TemplateId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// What it words.
    pub kind: TemplateKind,
    /// The language it is written in.
    pub language: Language,
    /// The subject and body.
    pub content: TemplateContent,
    /// Who changed it last.
    pub updated_by: RecruiterId,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Incremented by every stored change (see [`crate::ports::UnitOfWork::commit`]).
    pub revision: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_parse_with_or_without_spaces() {
        let t =
            TemplateText::body("Hello {{candidate.first_name}}, {{ job.title }}!").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            t.segments(),
            [
                Segment::Text("Hello ".into()),
                Segment::Value(Placeholder::CandidateFirstName),
                Segment::Text(", ".into()),
                Segment::Value(Placeholder::JobTitle),
                Segment::Text("!".into()),
            ]
        );
        let rendered = t.render(|p| match p {
            Placeholder::CandidateFirstName => "Ada".into(),
            _ => "Engineer".into(),
        });
        assert_eq!(rendered, "Hello Ada, Engineer!");
    }

    #[test]
    fn refusals_name_the_offender() {
        let cases: [(&str, &str, TemplateKind, TemplateField, TemplateError); 7] = [
            (
                "Hi",
                "{{candidate.first_nam}} {{interview.link}}",
                TemplateKind::Invitation,
                TemplateField::Body,
                TemplateError::UnknownPlaceholder { name: "candidate.first_nam".into() },
            ),
            (
                "Hi {{job.title",
                "{{interview.link}}",
                TemplateKind::Invitation,
                TemplateField::Subject,
                TemplateError::Unclosed,
            ),
            (
                "Hi",
                "no link here",
                TemplateKind::Invitation,
                TemplateField::Body,
                TemplateError::MissingPlaceholder {
                    kind: TemplateKind::Invitation,
                    placeholder: Placeholder::InterviewLink,
                },
            ),
            (
                "Hi",
                "Withdrawn: {{interview.link}}",
                TemplateKind::Cancelled,
                TemplateField::Body,
                TemplateError::ForbiddenPlaceholder {
                    kind: TemplateKind::Cancelled,
                    placeholder: Placeholder::InterviewLink,
                },
            ),
            (
                "Line\nbreak",
                "{{interview.link}}",
                TemplateKind::Invitation,
                TemplateField::Subject,
                TemplateError::ControlCharacter { subject: true },
            ),
            ("  ", "{{interview.link}}", TemplateKind::Invitation, TemplateField::Subject, TemplateError::Empty),
            (
                "Done",
                "See {{interview.link}}",
                TemplateKind::CompletionNotice,
                TemplateField::Body,
                TemplateError::ForbiddenPlaceholder {
                    kind: TemplateKind::CompletionNotice,
                    placeholder: Placeholder::InterviewLink,
                },
            ),
        ];
        for (subject, body, kind, field, error) in cases {
            assert_eq!(TemplateContent::parse(kind, subject, body), Err((field, error)), "{subject:?} / {body:?}");
        }
        let e = TemplateError::UnknownPlaceholder { name: "x.y".into() };
        assert!(e.to_string().starts_with("unknown placeholder {{x.y}}; known ones: {{candidate.first_name}}"), "{e}");
    }

    #[test]
    fn bodies_keep_lines_and_tabs_but_not_other_controls() {
        assert!(TemplateText::body("a\r\n\r\nb\t{{deadline}}").is_ok());
        assert_eq!(TemplateText::body("a\u{7}b"), Err(TemplateError::ControlCharacter { subject: false }));
        assert_eq!(TemplateText::body("a\r\nb").map(|t| t.as_str().to_owned()), Ok("a\nb".to_owned()));
    }

    #[test]
    fn every_kind_and_placeholder_round_trips_by_name() {
        for k in TemplateKind::ALL {
            assert_eq!(TemplateKind::from_name(k.as_str()), Some(k));
        }
        for p in Placeholder::ALL {
            assert_eq!(Placeholder::from_name(p.name()), Some(p));
        }
    }
}
