//! Typed identifiers. Each entity has its own id type so that an `InvitationId` can never be
//! passed where a `CandidateId` is expected.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID. Ids are made by an [`IdGenerator`](crate::ports::IdGenerator)
            /// or read back from storage; this constructor does no checking.
            #[must_use]
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID inside.
            #[must_use]
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    };
}

id_type!(
    /// Identifies an [`Organization`](crate::Organization) (a tenant).
    OrganizationId
);
id_type!(
    /// Identifies a [`Recruiter`](crate::Recruiter).
    RecruiterId
);
id_type!(
    /// Identifies a [`Candidate`](crate::Candidate).
    CandidateId
);
id_type!(
    /// Identifies a [`Job`](crate::Job).
    JobId
);
id_type!(
    /// Identifies a [`VideoInterview`](crate::VideoInterview).
    InterviewId
);
id_type!(
    /// Identifies a [`Question`](crate::Question); stable across edits of its interview.
    QuestionId
);
id_type!(
    /// Identifies an [`Invitation`](crate::Invitation).
    InvitationId
);
id_type!(
    /// Identifies an [`Answer`](crate::Answer) (one take of one question).
    AnswerId
);
id_type!(
    /// Identifies a [`ReviewNote`](crate::ReviewNote).
    ReviewNoteId
);
id_type!(
    /// Identifies a [`TimelineEvent`](crate::TimelineEvent).
    EventId
);
id_type!(
    /// Identifies an [`OutboxMessage`](crate::OutboxMessage).
    MessageId
);
id_type!(
    /// Identifies an [`ApiKey`](crate::ApiKey).
    ApiKeyId
);
id_type!(
    /// Identifies a [`Session`](crate::Session).
    SessionId
);
id_type!(
    /// Identifies one claim of outbox messages by one worker: recording how sending went
    /// needs the claim's token, so a worker whose claim lapsed cannot overwrite the outcome
    /// recorded by the worker that took the message over.
    ClaimToken
);
id_type!(
    /// Identifies a [`MessageTemplate`](crate::MessageTemplate).
    TemplateId
);
id_type!(
    /// Identifies a [`LiveInterview`](crate::LiveInterview).
    LiveInterviewId
);
id_type!(
    /// Identifies an [`Attendee`](crate::Attendee) of a live interview: the subject of their
    /// own secret link.
    AttendeeId
);
