//! Reviewing answers (ratings, comments, decisions), the dashboard's funnel, and the
//! organization's settings: what the recruiter UI does, for integrations.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use slate_domain::*;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::dto::OrganizationDto;
use crate::auth::Auth;
use crate::error::{ErrorBody, FieldResult as _};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{ApiError, AppState};

/// One entry of an invitation's review log (append-only: nothing is overwritten).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewNoteDto {
    /// Its id.
    pub id: Uuid,
    /// `rating`, `comment` or `decision`.
    #[schema(example = "rating")]
    pub kind: &'static str,
    /// Who wrote it.
    pub recruiter_id: Uuid,
    /// The question, for a rating or a comment on one answer.
    pub question_id: Option<Uuid>,
    /// 1–5, for a rating.
    pub rating: Option<u8>,
    /// The comment's text.
    pub text: Option<String>,
    /// `advance`, `hold` or `reject`, for a decision.
    pub decision: Option<&'static str>,
    /// When (RFC 3339, UTC).
    pub at: String,
}

/// An invitation's review: the current decision, each answer's ratings, and the whole log.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewDto {
    /// The latest decision (`advance`, `hold`, `reject`), if any.
    pub decision: Option<&'static str>,
    /// Every note, oldest first.
    pub notes: Vec<ReviewNoteDto>,
}

fn at(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl From<&Review> for ReviewDto {
    fn from(r: &Review) -> Self {
        let notes = r
            .notes()
            .iter()
            .map(|n| {
                let mut dto = ReviewNoteDto {
                    id: n.id.as_uuid(),
                    kind: "",
                    recruiter_id: n.recruiter_id.as_uuid(),
                    question_id: None,
                    rating: None,
                    text: None,
                    decision: None,
                    at: at(n.at),
                };
                match &n.entry {
                    ReviewEntry::Rating { question, rating } => {
                        dto.kind = "rating";
                        dto.question_id = Some(question.as_uuid());
                        dto.rating = Some(rating.get());
                    }
                    ReviewEntry::Comment { question, text } => {
                        dto.kind = "comment";
                        dto.question_id = question.map(|q| q.as_uuid());
                        dto.text = Some(text.to_string());
                    }
                    ReviewEntry::Decision(d) => {
                        dto.kind = "decision";
                        dto.decision = Some(d.as_str());
                    }
                }
                dto
            })
            .collect();
        Self { decision: r.decision().map(|(d, _, _)| d.as_str()), notes }
    }
}

/// An invitation's review log.
#[utoipa::path(get, path = "/api/v1/invitations/{id}/review", tag = "review", params(("id" = Uuid, Path)),
    responses((status = 200, body = ReviewDto), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn get_review(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ReviewDto>, ApiError> {
    let sheet = state.slate().review(auth.caller(), InvitationId::from_uuid(id)).await?;
    Ok(Json(ReviewDto::from(&sheet.review)))
}

/// A rating of one answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateAnswer {
    /// The question whose answer is rated.
    pub question_id: Uuid,
    /// 1 (poor) to 5 (excellent).
    #[schema(example = 4)]
    pub rating: u8,
}

/// Rate an answer (the caller's latest rating of it counts; earlier ones stay in the log).
#[utoipa::path(post, path = "/api/v1/invitations/{id}/review/ratings", tag = "review", params(("id" = Uuid, Path)),
    request_body = RateAnswer,
    responses((status = 201, body = ReviewDto), (status = 404, body = ErrorBody),
        (status = 409, description = "No recorded answer to rate (`not_answered`) or cancelled (`invalid_transition`)", body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn rate(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<RateAnswer>,
) -> Result<(StatusCode, Json<ReviewDto>), ApiError> {
    let rating = Rating::new(body.rating).field("rating")?;
    let review = state
        .slate()
        .rate_answer(auth.caller(), InvitationId::from_uuid(id), QuestionId::from_uuid(body.question_id), rating)
        .await?;
    Ok((StatusCode::CREATED, Json(ReviewDto::from(&review))))
}

/// A comment on one answer or on the whole interview.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddComment {
    /// The question, for a comment on one answer; omitted for the whole interview.
    #[serde(default)]
    pub question_id: Option<Uuid>,
    /// 1 to 5,000 characters.
    pub text: String,
}

/// Comment on an answer, or on the whole interview.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/review/comments", tag = "review", params(("id" = Uuid, Path)),
    request_body = AddComment,
    responses((status = 201, body = ReviewDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn comment(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<AddComment>,
) -> Result<(StatusCode, Json<ReviewDto>), ApiError> {
    let text = CommentText::parse(&body.text).field("text")?;
    let review = state
        .slate()
        .comment_on_answers(
            auth.caller(),
            InvitationId::from_uuid(id),
            body.question_id.map(QuestionId::from_uuid),
            text,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(ReviewDto::from(&review))))
}

/// A decision on the candidate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decide {
    /// `advance`, `hold` or `reject`.
    #[schema(example = "advance")]
    pub decision: String,
}

/// Record a decision (the latest one is the invitation's; each is on the candidate's
/// timeline). Nothing is sent to the candidate.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/review/decision", tag = "review", params(("id" = Uuid, Path)),
    request_body = Decide,
    responses((status = 201, body = ReviewDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn decide(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<Decide>,
) -> Result<(StatusCode, Json<ReviewDto>), ApiError> {
    let decision = Decision::parse(&body.decision).field("decision")?;
    let review = state.slate().decide(auth.caller(), InvitationId::from_uuid(id), decision).await?;
    Ok((StatusCode::CREATED, Json(ReviewDto::from(&review))))
}

/// Which invitations the funnel counts: one interview, one job, or (neither) all.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FunnelParams {
    /// Only invitations to this video interview.
    pub interview_id: Option<Uuid>,
    /// Only invitations to interviews for this job.
    pub job_id: Option<Uuid>,
}

/// How far invitations got: each stage counts those that reached it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunnelDto {
    /// Created.
    pub invited: u64,
    /// Opened by the candidate.
    pub opened: u64,
    /// Started (an answer recorded).
    pub started: u64,
    /// Completed.
    pub completed: u64,
    /// Expired before completion.
    pub expired: u64,
    /// Bounced.
    pub bounced: u64,
    /// Cancelled.
    pub cancelled: u64,
}

/// The funnel (invited → opened → started → completed; expired, bounced, cancelled).
#[utoipa::path(get, path = "/api/v1/funnel", tag = "review", params(FunnelParams),
    responses((status = 200, body = FunnelDto), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn funnel(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<FunnelParams>,
) -> Result<Json<FunnelDto>, ApiError> {
    let scope = match (p.interview_id, p.job_id) {
        (Some(_), Some(_)) => return Err(ApiError::invalid("job_id", "give interview_id or job_id, not both")),
        (Some(i), None) => FunnelScope::Interview(InterviewId::from_uuid(i)),
        (None, Some(j)) => FunnelScope::Job(JobId::from_uuid(j)),
        (None, None) => FunnelScope::All,
    };
    let f = state.slate().funnel(auth.caller(), scope).await?;
    Ok(Json(FunnelDto {
        invited: f.invited,
        opened: f.opened,
        started: f.started,
        completed: f.completed,
        expired: f.expired,
        bounced: f.bounced,
        cancelled: f.cancelled,
    }))
}

/// The organization's settings.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSettingsDto {
    /// Name.
    pub name: String,
    /// The IANA zone new invitations' deadlines are judged in.
    #[schema(example = "Europe/Athens")]
    pub time_zone: String,
    /// Default language of new invitations.
    #[schema(example = "en")]
    pub default_language: String,
    /// Days after sending for the not-started reminder (1–60; `null`: off).
    pub remind_not_started_days: Option<u16>,
    /// Days before the deadline for the deadline reminder (1–60; `null`: off).
    pub remind_days_before_deadline: Option<u16>,
}

impl From<&Organization> for OrganizationSettingsDto {
    fn from(o: &Organization) -> Self {
        Self {
            name: o.name.to_string(),
            time_zone: o.time_zone.name().to_owned(),
            default_language: o.default_language.code().to_owned(),
            remind_not_started_days: o.reminders.not_started_after_days(),
            remind_days_before_deadline: o.reminders.days_before_deadline(),
        }
    }
}

/// The caller's organization's settings.
#[utoipa::path(get, path = "/api/v1/organization", tag = "organization",
    responses((status = 200, body = OrganizationSettingsDto), (status = 401, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn get_organization(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<OrganizationSettingsDto>, ApiError> {
    let (org, _) = state.slate().whoami(auth.caller()).await.map_err(|_| ApiError::unauthenticated())?;
    Ok(Json(OrganizationSettingsDto::from(&org)))
}

/// Change the organization's settings; a new reminder policy is planned again for every
/// open invitation.
#[utoipa::path(put, path = "/api/v1/organization", tag = "organization", request_body = OrganizationSettingsDto,
    responses((status = 200, body = OrganizationDto), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn update_organization(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<OrganizationSettingsDto>,
) -> Result<Json<OrganizationSettingsDto>, ApiError> {
    let settings = OrganizationSettings {
        name: DisplayName::parse(&body.name).field("name")?,
        time_zone: TimeZone::parse(&body.time_zone).field("time_zone")?,
        default_language: body.default_language.parse::<Language>().field("default_language")?,
        reminders: ReminderPolicy::new(body.remind_not_started_days, body.remind_days_before_deadline)
            .field("remind_not_started_days")?,
    };
    let org = state.slate().update_organization(auth.caller(), settings).await?;
    Ok(Json(OrganizationSettingsDto::from(&org)))
}
