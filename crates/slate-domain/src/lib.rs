//! # slate-domain
//!
//! The centre of Slate's hexagon: the types, rules and use cases of video-interview
//! invitations, with no I/O. Time, randomness, secrets, storage, mail and video reach it
//! only through the traits in [`ports`]; adapters (SQL, SMTP, S3, HTTP) live in other crates.
//! Embed it in your own applicant-tracking system, or use it through a running Slate.
//!
//! ## What is here
//! - **Value types** that cannot hold a bad value: [`EmailAddress`] (no header injection),
//!   [`Language`], [`TimeZone`], the inclusive [`Deadline`] (closing at the first instant of
//!   the next day in the organization's zone, DST-safe), names and texts ([`PersonName`],
//!   [`Prompt`] …), [`LinkToken`] (redacted in `Debug`).
//! - **Aggregates with their rules**: [`VideoInterview`] (Draft → Published → Archived) and
//!   [`Invitation`], whose lifecycle (Queued → Sent → Opened → Started → Completed, with
//!   Expired, Cancelled and Bounced) is a state machine of methods returning
//!   `Result<_, TransitionError>`.
//! - **Use cases** on [`Slate`]: invite, resend, change the deadline or email, cancel, open a
//!   link, record answers, submit, expire, remind, deliver, list and search — each with its
//!   own error enum, each committing its changes atomically through
//!   [`ports::UnitOfWork`].
//! - **Ports** ([`ports`]) with mockall mocks behind the `mocks` feature, and **in-memory
//!   adapters** behind the `in-memory` feature (the `memory` module).
//!
//! ## Example: an application inviting a candidate
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use slate_domain::memory::InMemory;
//! use slate_domain::*;
//!
//! // In-memory adapters; a real application passes its own `Ports` to `Slate::new`.
//! let memory = InMemory::new("2026-11-22T09:00:00Z".parse()?);
//! let slate = memory.slate();
//!
//! let org = slate
//!     .create_organization(NewOrganization {
//!         name: DisplayName::parse("Acme")?,
//!         time_zone: TimeZone::parse("Europe/Athens")?,
//!         default_language: Language::English,
//!         reminders: ReminderPolicy::default(),
//!     })
//!     .await?;
//! let rita = slate
//!     .add_recruiter(org.id, NewRecruiter { name: PersonName::parse("Rita")?, email: EmailAddress::parse("rita@acme.example")? })
//!     .await?;
//! let caller = Caller { organization_id: org.id, recruiter_id: rita.id };
//!
//! let question = QuestionInput { id: None, prompt: Prompt::parse("Tell us about yourself.")?, thinking_secs: 30, max_answer_secs: 120, retakes: 1 };
//! let details = InterviewDetails {
//!     name: DisplayName::parse("First round")?,
//!     job_id: None,
//!     intro: LongText::default(),
//!     question_language: LanguageTag::parse("en")?,
//!     difficulty: None,
//!     focus_area: None,
//! };
//! let draft = slate.create_interview(caller, InterviewInput { details, questions: vec![question] }).await?;
//! let interview = slate.publish_interview(caller, draft.id()).await?;
//!
//! let invitation = slate
//!     .invite_external(caller, InviteExternal {
//!         first_name: PersonName::parse("Ada")?,
//!         last_name: PersonName::parse("Lovelace")?,
//!         email: EmailAddress::parse("ada@example.com")?,
//!         interview_id: interview.id(),
//!         language: None,
//!         deadline: "2026-11-30".parse()?,
//!         bcc_me: false,
//!         notify_me: true,
//!     })
//!     .await?;
//! assert_eq!(invitation.status(), InvitationStatus::Queued);
//! // Inclusive: open during all of 30 November in Athens (UTC+2 in winter).
//! assert_eq!(invitation.deadline().closes_at().to_rfc3339(), "2026-11-30T22:00:00+00:00");
//!
//! // The candidate opens the secret link.
//! let link = slate.link_token(&invitation);
//! let opened = slate.open_link(&link).await?;
//! assert_eq!(opened.status(), InvitationStatus::Opened);
//!
//! // Their timeline already shows both events.
//! let timeline = slate.candidate_timeline(caller, invitation.candidate_id()).await?;
//! let names: Vec<_> = timeline.iter().map(|e| e.kind.name()).collect();
//! assert_eq!(names, ["invited", "opened"]);
//! # Ok(())
//! # }
//! ```
//! `examples/embed.rs` carries on from there: answers, submission, mail delivery.
//!
//! ## Wiring your own adapters
//! [`Ports::builder`] takes a storage adapter (or each repository on its own, to mix
//! adapters) and the link secret, and defaults the rest ([`defaults`]). Repositories only
//! read; every write a use case decides arrives at once through [`ports::UnitOfWork::commit`]
//! as a [`ports::ChangeSet`] of [`ports::Write`]s, to apply whole or not at all, with
//! revision checks on updates — each repository trait's page names its writes. Check an
//! adapter with the storage contract kit (`contract::check_store`, feature
//! `contract-tests`); `examples/custom_adapter.rs` implements one port outside the crate and
//! passes it. Ports are `#[async_trait]` traits (re-exported as [`macro@async_trait`]): implement
//! them with plain `async fn`s under the attribute.
//!
//! The crate assumes **no async runtime**: it spawns nothing and needs no reactor, so Tokio,
//! async-std, smol or a hand-written `block_on` all drive it (the custom-adapter example
//! uses the last). [`chrono`], [`chrono_tz`] and [`uuid`] are re-exported so an embedder
//! uses the versions the API speaks in.
//!
//! ## Features
//! | feature | adds |
//! |---|---|
//! | `system` | `defaults::SystemClock` and `defaults::OsIds` (UUIDv7 ids, OS randomness), used by [`PortsBuilder`] when no clock or ids are given |
//! | `in-memory` | the `memory` module: in-memory adapters for every port, a manual clock, sequential ids |
//! | `contract-tests` | the `contract` module: the scenarios every storage adapter must pass |
//! | `mocks` | `Mock*` types for every port trait (mockall, re-exported as `mockall`); left out of the rendered docs |
//!
//! Without features the crate holds the types, rules, use cases, ports and the
//! [`defaults`] that need nothing: `NoPasswords`, `NoVideos`, `PlainRenderer`.
#![warn(missing_docs)]

// The crates this one's API speaks in, so an embedder uses the very same versions.
pub use async_trait::async_trait;
#[cfg(feature = "mocks")]
pub use mockall;
pub use {chrono, chrono_tz, uuid};

mod account;
mod answer;
mod candidate;
mod deadline;
pub mod defaults;
mod email;
mod ids;
mod interview;
mod invitation;
mod language;
mod link;
mod live;
mod mail;
mod organization;
mod outbox;
mod pagination;
pub mod ports;
mod review;
mod template;
mod text;
mod timeline;

pub use account::{ApiKey, BearerSecret, Password, PasswordError, PasswordHash, SecretDigest, SecretKind, Session};
pub use answer::{Answer, MediaKey, MediaKeyError, VideoFormat, VideoFormatError};
pub use candidate::{Candidate, CandidateKind, NamePrefix, NamePrefixError};
pub use deadline::{Deadline, DeadlineError, TimeZone, TimeZoneError};
pub use email::{EmailAddress, EmailError};
pub use ids::{
    AnswerId, ApiKeyId, AttendeeId, CandidateId, ClaimToken, EventId, InterviewId, InvitationId, JobId,
    LiveInterviewId, MessageId, OrganizationId, QuestionId, RecruiterId, ReviewNoteId, SessionId, TemplateId,
};
pub use interview::{
    InterviewDetails, InterviewError, InterviewSnapshot, InterviewStatus, Job, Question, QuestionError, VideoInterview,
    VideoInterviewParts,
};
pub use invitation::{
    Action, AnswerRejected, Invitation, InvitationParts, InvitationStatus, NewInvitation, RemindersSent, TakeRecorded,
    TransitionError,
};
pub use language::{Language, LanguageError, LanguageTag};
pub use link::{HmacLinkTokens, LinkSecret, LinkSecretError, LinkToken, LinkVersion};
pub use live::{
    Attendee, AttendeeResponse, AttendeeRole, LiveError, LiveEvent, LiveInterview, LiveInterviewParts, LiveQuery,
    LiveSlot, LiveStatus, Location, MeetingUrl, MeetingUrlError, NewAttendee, NewLiveInterview, SlotError,
};
pub use mail::{
    CapturedEmail, LinkUrl, LiveMessageContext, MessageContext, PublicUrl, PublicUrlError, RenderedMessage,
    WITHHELD_LINK,
};
pub use organization::{Organization, Recruiter, ReminderPolicy, ReminderPolicyError};
pub use outbox::{DeliveryState, MessageKind, MessageSubject, OutboxMessage, ReminderKind};
pub use pagination::{
    Cursor, CursorError, InvitationQuery, Page, PageSize, PageSizeError, SearchText, SearchTextError, Sort, SortField,
    SortKey, SortOrder, fold_for_search,
};
pub use review::{Decision, DecisionError, Funnel, FunnelScope, Rating, RatingError, Review, ReviewEntry, ReviewNote};
pub use template::{
    MessageTemplate, Placeholder, Segment, TemplateContent, TemplateError, TemplateField, TemplateKind, TemplateText,
};
pub use text::{
    CommentText, DisplayName, JobText, Label, LongText, PersonName, PhoneNumber, PhoneNumberError, Prompt, TextError,
};
pub use timeline::{Actor, EventKind, TimelineEvent};

mod usecases;
pub use usecases::*;

#[cfg(feature = "in-memory")]
#[cfg_attr(docsrs, doc(cfg(feature = "in-memory")))]
pub mod memory;

#[cfg(feature = "contract-tests")]
#[cfg_attr(docsrs, doc(cfg(feature = "contract-tests")))]
pub mod contract;

#[cfg(feature = "in-memory")]
#[cfg_attr(docsrs, doc(cfg(feature = "in-memory")))]
pub mod fixtures;
