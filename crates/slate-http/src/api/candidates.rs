//! Internal candidates: the candidate base, type-ahead search and timelines.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use slate_domain::*;
use uuid::Uuid;

use super::dto::{CandidateDto, CandidateSearch, CreateCandidate, EventDto};
use super::interviews::not_found;
use crate::auth::Auth;
use crate::error::{ErrorBody, FieldResult as _};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{ApiError, AppState};

/// Add a candidate to the candidate base.
#[utoipa::path(post, path = "/api/v1/candidates", tag = "candidates", request_body = CreateCandidate,
    responses((status = 201, body = CandidateDto), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn create_candidate(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateCandidate>,
) -> Result<(StatusCode, Json<CandidateDto>), ApiError> {
    let new = NewCandidate {
        first_name: PersonName::parse(&body.first_name).field("first_name")?,
        last_name: PersonName::parse(&body.last_name).field("last_name")?,
        email: body.email.filter(|e| !e.trim().is_empty()).map(|e| crate::error::email(&e, "email")).transpose()?,
        phone: body
            .phone
            .filter(|p| !p.trim().is_empty())
            .map(|p| PhoneNumber::parse(&p).field("phone"))
            .transpose()?,
        notes: LongText::parse(&body.notes).field("notes")?,
    };
    let c = state.slate().create_candidate(auth.caller(), new).await.map_err(|e| match e {
        CreateCandidateError::Internal(e) => ApiError::from(e),
    })?;
    Ok((StatusCode::CREATED, Json(CandidateDto::from(&c))))
}

/// Type-ahead: internal candidates whose first or last name starts with `prefix`.
#[utoipa::path(get, path = "/api/v1/candidates", tag = "candidates", params(CandidateSearch),
    responses((status = 200, body = Vec<CandidateDto>), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn search_candidates(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<CandidateSearch>,
) -> Result<Json<Vec<CandidateDto>>, ApiError> {
    let prefix = NamePrefix::parse(&q.prefix).field("prefix")?;
    let limit = q.limit.unwrap_or(10);
    if !(1..=50).contains(&limit) {
        return Err(ApiError::invalid("limit", "limit is 1 to 50"));
    }
    let found = state.slate().search_candidates(auth.caller(), &prefix, usize::from(limit)).await?;
    Ok(Json(found.iter().map(CandidateDto::from).collect()))
}

/// One candidate.
#[utoipa::path(get, path = "/api/v1/candidates/{id}", tag = "candidates", params(("id" = Uuid, Path)),
    responses((status = 200, body = CandidateDto), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn get_candidate(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<CandidateDto>, ApiError> {
    let c =
        state.slate().get_candidate(auth.caller(), CandidateId::from_uuid(id)).await.map_err(not_found("candidate"))?;
    Ok(Json(CandidateDto::from(&c)))
}

/// A candidate's activity timeline, oldest first.
#[utoipa::path(get, path = "/api/v1/candidates/{id}/timeline", tag = "candidates", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<EventDto>), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn timeline(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<EventDto>>, ApiError> {
    let events = state.slate().candidate_timeline(auth.caller(), CandidateId::from_uuid(id)).await?;
    Ok(Json(events.iter().map(EventDto::from).collect()))
}
