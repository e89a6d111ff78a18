//! Jobs and video interviews.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use slate_domain::*;
use uuid::Uuid;

use super::dto::{CreateJob, InterviewDto, InterviewFilter, InterviewRequest, JobDto, SnapshotDto};
use crate::auth::Auth;
use crate::error::{ErrorBody, FieldResult as _};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{ApiError, AppState};

/// Every job of the organization, by title.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs",
    responses((status = 200, body = Vec<JobDto>), (status = 401, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn list_jobs(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<JobDto>>, ApiError> {
    Ok(Json(state.slate().list_jobs(auth.caller()).await?.iter().map(JobDto::from).collect()))
}

/// Create a job.
#[utoipa::path(post, path = "/api/v1/jobs", tag = "jobs", request_body = CreateJob,
    responses((status = 201, body = JobDto), (status = 422, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn create_job(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateJob>,
) -> Result<(StatusCode, Json<JobDto>), ApiError> {
    let new = NewJob {
        title: JobText::parse(&body.title).field("title")?,
        company_name: JobText::parse(&body.company_name).field("company_name")?,
    };
    let job = state.slate().create_job(auth.caller(), new).await.map_err(|e| match e {
        CreateJobError::Internal(e) => ApiError::from(e),
    })?;
    Ok((StatusCode::CREATED, Json(JobDto::from(&job))))
}

/// One job.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", params(("id" = Uuid, Path)),
    responses((status = 200, body = JobDto), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn get_job(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<JobDto>, ApiError> {
    let job = state.slate().get_job(auth.caller(), JobId::from_uuid(id)).await.map_err(not_found("job"))?;
    Ok(Json(JobDto::from(&job)))
}

pub(crate) fn not_found(what: &'static str) -> impl Fn(NotFoundError) -> ApiError {
    move |e| match e {
        NotFoundError::NotFound => ApiError::not_found(what),
        NotFoundError::Internal(e) => e.into(),
    }
}

fn input(body: InterviewRequest) -> Result<(InterviewInput, Option<u64>), ApiError> {
    let label = |v: Option<String>, field: &str| {
        v.filter(|s| !s.trim().is_empty()).map(|s| Label::parse(&s).field(field)).transpose()
    };
    let details = InterviewDetails {
        name: DisplayName::parse(&body.name).field("name")?,
        job_id: body.job_id.map(JobId::from_uuid),
        intro: LongText::parse(&body.intro).field("intro")?,
        question_language: LanguageTag::parse(&body.question_language).field("question_language")?,
        difficulty: label(body.difficulty, "difficulty")?,
        focus_area: label(body.focus_area, "focus_area")?,
    };
    let questions = body
        .questions
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            Ok(QuestionInput {
                id: q.id.map(QuestionId::from_uuid),
                prompt: Prompt::parse(&q.prompt).field(&format!("questions[{i}].prompt"))?,
                thinking_secs: q.thinking_secs,
                max_answer_secs: q.max_answer_secs,
                retakes: q.retakes,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok((InterviewInput { details, questions }, body.revision))
}

/// The organization's video interviews, newest first, optionally of one status.
#[utoipa::path(get, path = "/api/v1/interviews", tag = "interviews", params(InterviewFilter),
    responses((status = 200, body = Vec<InterviewDto>), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn list_interviews(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(filter): ApiQuery<InterviewFilter>,
) -> Result<Json<Vec<InterviewDto>>, ApiError> {
    let status = filter
        .status
        .map(|s| {
            InterviewStatus::from_name(&s)
                .ok_or_else(|| ApiError::invalid("status", "expected draft, published or archived"))
        })
        .transpose()?;
    let list = state.slate().list_interviews(auth.caller(), status).await?;
    Ok(Json(list.iter().map(InterviewDto::from).collect()))
}

/// Create a draft video interview.
#[utoipa::path(post, path = "/api/v1/interviews", tag = "interviews", request_body = InterviewRequest,
    responses((status = 201, body = InterviewDto), (status = 422, description = "A field is invalid (named in `field`) or the job does not exist", body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn create_interview(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<InterviewRequest>,
) -> Result<(StatusCode, Json<InterviewDto>), ApiError> {
    let (input, _) = input(body)?;
    let interview = state.slate().create_interview(auth.caller(), input).await?;
    Ok((StatusCode::CREATED, Json(InterviewDto::from(&interview))))
}

/// One video interview.
#[utoipa::path(get, path = "/api/v1/interviews/{id}", tag = "interviews", params(("id" = Uuid, Path)),
    responses((status = 200, body = InterviewDto), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn get_interview(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<InterviewDto>, ApiError> {
    let i = state
        .slate()
        .get_interview(auth.caller(), InterviewId::from_uuid(id))
        .await
        .map_err(not_found("video interview"))?;
    Ok(Json(InterviewDto::from(&i)))
}

/// Replace a draft's content, or a published interview's (invitations already sent keep
/// the questions they were sent with). Send the `revision` you read to refuse lost updates.
#[utoipa::path(put, path = "/api/v1/interviews/{id}", tag = "interviews", params(("id" = Uuid, Path)),
    request_body = InterviewRequest,
    responses(
        (status = 200, body = InterviewDto),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Changed meanwhile (`conflict`) or archived (`invalid_transition`)", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn edit_interview(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<InterviewRequest>,
) -> Result<Json<InterviewDto>, ApiError> {
    let (input, revision) = input(body)?;
    let i = state.slate().edit_interview(auth.caller(), InterviewId::from_uuid(id), revision, input).await?;
    Ok(Json(InterviewDto::from(&i)))
}

/// Publish a draft: candidates can then be invited to it.
#[utoipa::path(post, path = "/api/v1/interviews/{id}/publish", tag = "interviews", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = InterviewDto),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Not a draft (`invalid_transition`)", body = ErrorBody),
        (status = 422, description = "No questions", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn publish_interview(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<InterviewDto>, ApiError> {
    let i = state.slate().publish_interview(auth.caller(), InterviewId::from_uuid(id)).await?;
    Ok(Json(InterviewDto::from(&i)))
}

/// Archive an interview: no new invitations; open ones carry on. (Interviews are archived,
/// not deleted, so invitations and answers keep their context.)
#[utoipa::path(post, path = "/api/v1/interviews/{id}/archive", tag = "interviews", params(("id" = Uuid, Path)),
    responses((status = 200, body = InterviewDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn archive_interview(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<InterviewDto>, ApiError> {
    let i = state.slate().archive_interview(auth.caller(), InterviewId::from_uuid(id)).await?;
    Ok(Json(InterviewDto::from(&i)))
}

/// What a candidate would see, without inviting anyone.
#[utoipa::path(get, path = "/api/v1/interviews/{id}/preview", tag = "interviews", params(("id" = Uuid, Path)),
    responses((status = 200, body = SnapshotDto), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn preview_interview(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<SnapshotDto>, ApiError> {
    let s = state.slate().preview_interview(auth.caller(), InterviewId::from_uuid(id)).await?;
    Ok(Json(SnapshotDto::from(&s)))
}
