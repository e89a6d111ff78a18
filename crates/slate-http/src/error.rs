//! API errors: one JSON shape, `{"code", "message", "field"}`, with a stable `code` clients
//! branch on and the right HTTP status. Internal failures are logged with their cause and
//! answered with a bare `internal` error: no driver message ever reaches a client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use slate_domain::ports::AdapterError;
use slate_domain::*;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable, machine-readable: `validation_failed`, `invalid_email`, `deadline_in_past`,
    /// `deadline_too_far`, `interview_not_published`, `already_invited`, `not_found`,
    /// `invalid_transition`, `conflict`, `unauthenticated`, `invalid_credentials`,
    /// `csrf_failed`, `rate_limited`, `payload_too_large`, `unsupported_media_type`,
    /// `internal` …
    pub code: &'static str,
    /// For people; may change between versions.
    pub message: String,
    /// The request field at fault (`email`, `deadline`, `questions[2].prompt` …), or `null`
    /// when no single field is. Always present.
    pub field: Option<String>,
}

/// An error answered to an API client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body.
    pub body: ErrorBody,
    /// Seconds to wait before trying again (`Retry-After`), for 429 and 503 answers.
    pub retry_after_secs: Option<u64>,
}

impl ApiError {
    /// An error with a status, a code and a message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, body: ErrorBody { code, message: message.into(), field: None }, retry_after_secs: None }
    }

    /// Asks the client to wait `secs` before trying again (`Retry-After`).
    #[must_use]
    pub const fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// Names the request field at fault.
    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.body.field = Some(field.into());
        self
    }

    /// 422 `validation_failed` on `field`.
    pub fn invalid(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", message.to_string()).field(field)
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("no such {what}"))
    }

    /// 409 `conflict`: changed by someone else meanwhile.
    pub fn conflict(message: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message.to_string())
    }

    /// 401 `unauthenticated`.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "log in, or send an API key as `Authorization: Bearer <key>`",
        )
    }

    /// 500 `internal`, logging the cause.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side; try again")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after_secs {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
        }
        response
    }
}

impl From<AdapterError> for ApiError {
    fn from(e: AdapterError) -> Self {
        Self::internal(&e)
    }
}

fn transition(e: &TransitionError) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "invalid_transition", e.to_string())
}

fn deadline(e: &DeadlineError, field: &str) -> ApiError {
    let code = match e {
        DeadlineError::InPast { .. } => "deadline_in_past",
        DeadlineError::TooFar { .. } => "deadline_too_far",
    };
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string()).field(field)
}

impl From<NotFoundError> for ApiError {
    fn from(e: NotFoundError) -> Self {
        match e {
            NotFoundError::NotFound => Self::not_found("record"),
            NotFoundError::Internal(e) => e.into(),
        }
    }
}

impl From<TimelineError> for ApiError {
    fn from(e: TimelineError) -> Self {
        match e {
            TimelineError::CandidateNotFound => Self::not_found("candidate"),
            TimelineError::Internal(e) => e.into(),
        }
    }
}

impl From<InterviewUseCaseError> for ApiError {
    fn from(e: InterviewUseCaseError) -> Self {
        use InterviewUseCaseError as E;
        match e {
            E::NotFound => Self::not_found("video interview"),
            E::JobNotFound => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "job_not_found", e.to_string()).field("job_id")
            }
            E::Question { index, ref source } => Self::invalid(format!("questions[{index}]"), source),
            E::Invalid(ref inner) => match inner {
                InterviewError::NotAllowed { .. } => {
                    Self::new(StatusCode::CONFLICT, "invalid_transition", inner.to_string())
                }
                InterviewError::NoQuestions
                | InterviewError::TooManyQuestions(_)
                | InterviewError::DuplicateQuestion => Self::invalid("questions", inner),
            },
            E::Conflict => Self::conflict(&e),
            E::Internal(e) => e.into(),
        }
    }
}

impl From<InviteError> for ApiError {
    fn from(e: InviteError) -> Self {
        use InviteError as E;
        match e {
            E::CallerNotFound => Self::unauthenticated(),
            E::CandidateNotFound => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "candidate_not_found", e.to_string()).field("candidate_id")
            }
            E::NoEmail => Self::new(StatusCode::UNPROCESSABLE_ENTITY, "email_required", e.to_string()).field("email"),
            E::InterviewNotFound => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "interview_not_found", e.to_string()).field("interview_id")
            }
            E::InterviewNotPublished(_) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "interview_not_published", e.to_string())
                    .field("interview_id")
            }
            E::Deadline(ref d) => deadline(d, "deadline"),
            E::AlreadyInvited(id) => {
                Self::new(StatusCode::CONFLICT, "already_invited", format!("{e} (invitation {id})")).field("email")
            }
            E::Internal(e) => e.into(),
        }
    }
}

macro_rules! invitation_action {
    ($name:ident $(, $variant:ident($bind:ident) => $map:expr)*) => {
        impl From<$name> for ApiError {
            fn from(e: $name) -> Self {
                match e {
                    $name::NotFound => Self::not_found("invitation"),
                    $name::Refused(ref t) => transition(t),
                    $name::Conflict => Self::conflict(&e),
                    $name::Internal(e) => e.into(),
                    $($name::$variant($bind) => $map,)*
                }
            }
        }
    };
}

invitation_action!(ResendError);
invitation_action!(CancelError);
invitation_action!(ChangeDeadlineError, Deadline(d) => deadline(&d, "deadline"));
invitation_action!(ChangeEmailError, AlreadyInvited(id) => Self::new(
    StatusCode::CONFLICT,
    "already_invited",
    format!("that address already has an open invitation to this interview (invitation {id})"),
).field("email"));

impl From<OpenError> for ApiError {
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::InvalidLink => Self::new(StatusCode::NOT_FOUND, "invalid_link", e.to_string()),
            OpenError::Closed(ref t) => Self::new(StatusCode::GONE, "link_closed", t.to_string()),
            OpenError::Internal(e) => e.into(),
        }
    }
}

/// Field-named parsing helpers: each turns a domain constructor's error into a 422 naming
/// the field.
pub(crate) trait FieldResult<T> {
    /// Names the field of a validation error.
    fn field(self, field: &str) -> Result<T, ApiError>;
}

impl<T, E: std::fmt::Display> FieldResult<T> for Result<T, E> {
    fn field(self, field: &str) -> Result<T, ApiError> {
        self.map_err(|e| ApiError::invalid(field, e))
    }
}

/// Parses an email, answering `invalid_email` on `field`.
pub(crate) fn email(raw: &str, field: &str) -> Result<EmailAddress, ApiError> {
    EmailAddress::parse(raw)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_email", e.to_string()).field(field))
}

impl From<ReviewError> for ApiError {
    fn from(e: ReviewError) -> Self {
        match e {
            ReviewError::NotFound => Self::not_found("invitation"),
            ReviewError::UnknownQuestion => Self::invalid("question_id", &e),
            ReviewError::NotAnswered => Self::new(StatusCode::CONFLICT, "not_answered", e.to_string()),
            ReviewError::Cancelled => Self::new(StatusCode::CONFLICT, "invalid_transition", e.to_string()),
            ReviewError::Internal(e) => e.into(),
        }
    }
}

impl From<LiveUseCaseError> for ApiError {
    fn from(e: LiveUseCaseError) -> Self {
        use LiveUseCaseError as E;
        let unprocessable = |code: &'static str, field: &str, e: &E| {
            Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string()).field(field)
        };
        match e {
            E::CallerNotFound => Self::unauthenticated(),
            E::NotFound => Self::not_found("live interview"),
            E::CandidateNotFound => unprocessable("candidate_not_found", "candidate_id", &e),
            E::NoEmail => unprocessable("email_required", "candidate_email", &e),
            E::RecruiterNotFound(_) => unprocessable("recruiter_not_found", "interviewers", &e),
            E::JobNotFound => unprocessable("job_not_found", "job_id", &e),
            E::InvitationNotFound => unprocessable("invitation_not_found", "follows_invitation_id", &e),
            E::Slot(SlotError::Duration { .. }) => Self::invalid("duration_minutes", &e),
            E::Slot(SlotError::NoSuchLocalTime { .. }) => unprocessable("no_such_local_time", "time", &e),
            E::Refused(ref r) => live_refused(r),
            E::Message { which, field, ref error } => {
                crate::api::mail::template_error(&format!("{}.{}", which.field(), field.as_str()), error)
            }
            E::Conflict => Self::conflict(&e),
            E::Internal(e) => e.into(),
        }
    }
}

fn live_refused(r: &LiveError) -> ApiError {
    let status = |s: StatusCode, code: &'static str| ApiError::new(s, code, r.to_string());
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    match r {
        LiveError::NoInterviewer | LiveError::TooManyInterviewers | LiveError::OneCandidate => {
            ApiError::invalid("interviewers", r)
        }
        LiveError::DuplicateAttendee { .. } => status(unprocessable, "duplicate_attendee").field("interviewers"),
        LiveError::StartsInPast => status(unprocessable, "starts_in_past").field("date"),
        LiveError::Unchanged => status(unprocessable, "unchanged").field("date"),
        LiveError::Cancelled => status(StatusCode::CONFLICT, "live_cancelled"),
        LiveError::AlreadyStarted => status(StatusCode::CONFLICT, "already_started"),
        LiveError::AlreadyOver => status(StatusCode::CONFLICT, "already_over"),
        LiveError::UnknownAttendee => ApiError::not_found("attendee"),
    }
}

impl From<RespondError> for ApiError {
    fn from(e: RespondError) -> Self {
        match e {
            RespondError::InvalidLink => Self::new(StatusCode::NOT_FOUND, "invalid_link", e.to_string()),
            RespondError::Refused(LiveError::Cancelled) => {
                Self::new(StatusCode::GONE, "link_closed", "this live interview was cancelled")
            }
            RespondError::Refused(ref r) => live_refused(r),
            RespondError::Internal(e) => e.into(),
        }
    }
}
