//! # slate-domain
//!
//! The centre of Slate's hexagon. CRATE_DOCS_PLACEHOLDER
#![warn(missing_docs)]

mod answer;
mod candidate;
mod deadline;
mod email;
mod ids;
mod interview;
mod invitation;
mod language;
mod link;
mod organization;
mod outbox;
mod pagination;
pub mod ports;
mod text;
mod timeline;

pub use answer::{Answer, MediaKey, MediaKeyError, VideoFormat, VideoFormatError};
pub use candidate::{Candidate, CandidateKind, NamePrefix, NamePrefixError};
pub use deadline::{Deadline, DeadlineError, TimeZone, TimeZoneError};
pub use email::{EmailAddress, EmailError};
pub use ids::{
    AnswerId, CandidateId, EventId, InterviewId, InvitationId, JobId, MessageId, OrganizationId, QuestionId,
    RecruiterId,
};
pub use interview::{
    InterviewDetails, InterviewError, InterviewSnapshot, InterviewStatus, Job, Question, QuestionError, VideoInterview,
    VideoInterviewParts,
};
pub use invitation::{
    Action, AnswerRejected, Invitation, InvitationParts, InvitationStatus, RemindersSent, TakeRecorded, TransitionError,
};
pub use language::{Language, LanguageError, LanguageTag};
pub use link::{HmacLinkTokens, LinkSecret, LinkSecretError, LinkToken, LinkVersion};
pub use organization::{Organization, Recruiter, ReminderPolicy, ReminderPolicyError};
pub use outbox::{DeliveryState, MessageKind, OutboxMessage, ReminderKind};
pub use pagination::{
    Cursor, CursorError, InvitationQuery, Page, PageSize, PageSizeError, SearchText, SearchTextError, Sort, SortField,
    SortKey, SortOrder,
};
pub use text::{DisplayName, JobText, Label, LongText, PersonName, PhoneNumber, PhoneNumberError, Prompt, TextError};
pub use timeline::{Actor, EventKind, TimelineEvent};

mod usecases;
pub use usecases::*;

#[cfg(feature = "in-memory")]
pub mod memory;
