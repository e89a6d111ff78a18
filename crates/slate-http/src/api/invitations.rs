//! Invitations: create, read, list, resend, change the deadline or the address, cancel; and
//! the outgoing messages queued for each.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use slate_domain::*;
use uuid::Uuid;

use super::dto::{
    self, AnswerDto, ChangeDeadline, ChangeEmail, CreateInvitation, InvitationDto, InvitationListParams,
    InvitationPage, MessageDto,
};
use super::interviews::not_found;
use crate::auth::Auth;
use crate::error::{ErrorBody, FieldResult as _};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{ApiError, AppState};

fn present(state: &AppState, i: &Invitation) -> InvitationDto {
    InvitationDto::new(i, state.slate().candidate_link(i).expose().to_owned())
}

fn language(raw: Option<&str>) -> Result<Option<Language>, ApiError> {
    raw.filter(|l| !l.trim().is_empty()).map(|l| l.parse::<Language>().field("language")).transpose()
}

fn person(raw: Option<&str>, field: &str) -> Result<PersonName, ApiError> {
    match raw {
        Some(v) => PersonName::parse(v).field(field),
        None => Err(ApiError::invalid(field, format!("{field} is required for a new (external) candidate"))),
    }
}

/// Invite a candidate: an internal one by `candidate_id`, or a new external one by
/// `first_name`, `last_name` and `email`. The invitation email is queued at once.
#[utoipa::path(post, path = "/api/v1/invitations", tag = "invitations", request_body = CreateInvitation,
    responses(
        (status = 201, body = InvitationDto),
        (status = 409, description = "Already invited and still open (`already_invited`)", body = ErrorBody),
        (status = 422, description = "`invalid_email`, `deadline_in_past`, `deadline_too_far`, `interview_not_published`, `interview_not_found`, `candidate_not_found`, `email_required`, `validation_failed`", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn create_invitation(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<CreateInvitation>,
) -> Result<(StatusCode, Json<InvitationDto>), ApiError> {
    let deadline = dto::date(&body.deadline, "deadline")?;
    let language = language(body.language.as_deref())?;
    let email =
        body.email.as_deref().filter(|e| !e.trim().is_empty()).map(|e| crate::error::email(e, "email")).transpose()?;
    let interview_id = InterviewId::from_uuid(body.interview_id);
    let invitation = if let Some(candidate) = body.candidate_id {
        if body.first_name.is_some() || body.last_name.is_some() {
            return Err(ApiError::invalid(
                "candidate_id",
                "give either candidate_id (internal candidate) or first_name and last_name (new candidate), not both",
            ));
        }
        let input = InviteInternal {
            candidate_id: CandidateId::from_uuid(candidate),
            email,
            interview_id,
            language,
            deadline,
            bcc_me: body.bcc_me,
            notify_me: body.notify_me,
        };
        state.slate().invite_internal(auth.caller(), input).await?
    } else {
        let input = InviteExternal {
            first_name: person(body.first_name.as_deref(), "first_name")?,
            last_name: person(body.last_name.as_deref(), "last_name")?,
            email: email.ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "email_required",
                    "email is required for a new candidate",
                )
                .field("email")
            })?,
            interview_id,
            language,
            deadline,
            bcc_me: body.bcc_me,
            notify_me: body.notify_me,
        };
        state.slate().invite_external(auth.caller(), input).await?
    };
    tracing::info!(invitation = %invitation.id(), "invitation created");
    Ok((StatusCode::CREATED, Json(present(&state, &invitation))))
}

pub(crate) fn query(p: InvitationListParams) -> Result<InvitationQuery, ApiError> {
    let statuses = p
        .status
        .as_deref()
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    InvitationStatus::from_name(s)
                        .ok_or_else(|| ApiError::invalid("status", format!("unknown status {s:?}")))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    let uuid = |v: Option<String>, field: &str| {
        v.map(|s| s.parse::<Uuid>().map_err(|_| ApiError::invalid(field, format!("{s:?} is not an id")))).transpose()
    };
    let field = match p.sort.as_deref() {
        None => SortField::default(),
        Some(s) => SortField::from_name(s)
            .ok_or_else(|| ApiError::invalid("sort", "expected created_at, deadline or candidate_name"))?,
    };
    let order = match p.order.as_deref() {
        None | Some("desc") => SortOrder::Desc,
        Some("asc") => SortOrder::Asc,
        Some(_) => return Err(ApiError::invalid("order", "expected asc or desc")),
    };
    let sort = Sort { field, order };
    Ok(InvitationQuery {
        statuses,
        interview_id: uuid(p.interview_id, "interview_id")?.map(InterviewId::from_uuid),
        job_id: uuid(p.job_id, "job_id")?.map(JobId::from_uuid),
        deadline_from: p.deadline_from.as_deref().map(|d| dto::date(d, "deadline_from")).transpose()?,
        deadline_to: p.deadline_to.as_deref().map(|d| dto::date(d, "deadline_to")).transpose()?,
        search: p.q.as_deref().filter(|q| !q.trim().is_empty()).map(|q| SearchText::parse(q).field("q")).transpose()?,
        sort,
        after: p.cursor.as_deref().map(|c| Cursor::decode(c, sort).field("cursor")).transpose()?,
        limit: PageSize::new(p.limit.unwrap_or(50)).field("limit")?,
    })
}

/// List invitations: filters, text search, sort, and cursor pagination (stable while new
/// invitations arrive).
#[utoipa::path(get, path = "/api/v1/invitations", tag = "invitations", params(InvitationListParams),
    responses((status = 200, body = InvitationPage), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn list_invitations(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<InvitationListParams>,
) -> Result<Json<InvitationPage>, ApiError> {
    let q = query(params)?;
    let page = state.slate().list_invitations(auth.caller(), &q).await?;
    Ok(Json(InvitationPage {
        items: page.items.iter().map(|i| present(&state, i)).collect(),
        next_cursor: page.next.map(|c| c.encode()),
    }))
}

/// One invitation.
#[utoipa::path(get, path = "/api/v1/invitations/{id}", tag = "invitations", params(("id" = Uuid, Path)),
    responses((status = 200, body = InvitationDto), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn get_invitation(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<InvitationDto>, ApiError> {
    let i = state
        .slate()
        .get_invitation(auth.caller(), InvitationId::from_uuid(id))
        .await
        .map_err(not_found("invitation"))?;
    Ok(Json(present(&state, &i)))
}

/// Send the invitation email again (same link).
#[utoipa::path(post, path = "/api/v1/invitations/{id}/resend", tag = "invitations", params(("id" = Uuid, Path)),
    responses((status = 200, body = InvitationDto), (status = 404, body = ErrorBody), (status = 409, description = "Completed, cancelled, expired or bounced (`invalid_transition`)", body = ErrorBody),
        (status = 429, description = "Resent too often (`rate_limited`, with `Retry-After`; `security.resends_per_hour`)", body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn resend(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<InvitationDto>, ApiError> {
    let id = InvitationId::from_uuid(id);
    state.limit_resend(auth.caller().organization_id, id.as_uuid())?;
    let i = state.slate().resend(auth.caller(), id).await?;
    Ok(Json(present(&state, &i)))
}

/// Extend (or change) the deadline; reopens an expired invitation.
#[utoipa::path(put, path = "/api/v1/invitations/{id}/deadline", tag = "invitations", params(("id" = Uuid, Path)),
    request_body = ChangeDeadline,
    responses((status = 200, body = InvitationDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn change_deadline(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ChangeDeadline>,
) -> Result<Json<InvitationDto>, ApiError> {
    let date = dto::date(&body.deadline, "deadline")?;
    let i = state.slate().change_deadline(auth.caller(), InvitationId::from_uuid(id), date).await?;
    Ok(Json(present(&state, &i)))
}

/// Correct the address of a bounced invitation; it is sent again.
#[utoipa::path(put, path = "/api/v1/invitations/{id}/email", tag = "invitations", params(("id" = Uuid, Path)),
    request_body = ChangeEmail,
    responses((status = 200, body = InvitationDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn change_email(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ChangeEmail>,
) -> Result<Json<InvitationDto>, ApiError> {
    let email = crate::error::email(&body.email, "email")?;
    let i = state.slate().change_email(auth.caller(), InvitationId::from_uuid(id), email).await?;
    Ok(Json(present(&state, &i)))
}

/// Cancel an invitation; its link stops working at once.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/cancel", tag = "invitations", params(("id" = Uuid, Path)),
    responses((status = 200, body = InvitationDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<InvitationDto>, ApiError> {
    let i = state.slate().cancel(auth.caller(), InvitationId::from_uuid(id)).await?;
    Ok(Json(present(&state, &i)))
}

/// The outgoing messages queued for an invitation, oldest first, with their delivery state.
#[utoipa::path(get, path = "/api/v1/invitations/{id}/messages", tag = "invitations", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<MessageDto>), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn messages(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<MessageDto>>, ApiError> {
    let m =
        state.slate().messages(auth.caller(), InvitationId::from_uuid(id)).await.map_err(not_found("invitation"))?;
    Ok(Json(m.iter().map(MessageDto::from).collect()))
}

/// Every recorded take of an invitation, by question then take, with where to play each.
#[utoipa::path(get, path = "/api/v1/invitations/{id}/answers", tag = "invitations", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<AnswerDto>), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn answers(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<AnswerDto>>, ApiError> {
    let answers =
        state.slate().answers(auth.caller(), InvitationId::from_uuid(id)).await.map_err(not_found("invitation"))?;
    let latest = |a: &Answer| !answers.iter().any(|b| b.question_id == a.question_id && b.take > a.take);
    Ok(Json(answers.iter().map(|a| AnswerDto::new(a, latest(a))).collect()))
}

/// A byte range asked for with `Range: bytes=…` (one range; several are answered whole).
fn byte_range(headers: &axum::http::HeaderMap, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(raw) = headers.get(axum::http::header::RANGE).and_then(|v| v.to_str().ok()) else { return Ok(None) };
    let Some(spec) = raw.trim().strip_prefix("bytes=") else { return Ok(None) };
    if spec.contains(',') {
        return Ok(None);
    }
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (a, b) = (a.trim(), b.trim());
    let range = match (a.is_empty(), b.is_empty()) {
        (false, _) => {
            let start: u64 = a.parse().map_err(|_| ())?;
            let end = if b.is_empty() { size } else { b.parse::<u64>().map_err(|_| ())?.saturating_add(1).min(size) };
            (start, end)
        }
        (true, false) => {
            let n: u64 = b.parse().map_err(|_| ())?;
            (size.saturating_sub(n), size)
        }
        (true, true) => return Err(()),
    };
    if range.0 >= range.1 || range.0 >= size { Err(()) } else { Ok(Some(range)) }
}

/// An answer's video, streamed; `Range` requests get `206 Partial Content` so players can seek.
#[utoipa::path(get, path = "/api/v1/invitations/{id}/answers/{answer}/video", tag = "invitations",
    params(("id" = Uuid, Path), ("answer" = Uuid, Path), ("Range" = Option<String>, Header, description = "bytes=start-end")),
    responses(
        (status = 200, description = "The whole video", content_type = "video/webm"),
        (status = 206, description = "The range asked for", content_type = "video/webm"),
        (status = 404, body = ErrorBody),
        (status = 416, description = "A range outside the video")),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn answer_video(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, answer)): ApiPath<(Uuid, Uuid)>,
    headers: axum::http::HeaderMap,
) -> Result<axum::response::Response, ApiError> {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse as _;
    let (invitation, answer) = (InvitationId::from_uuid(id), AnswerId::from_uuid(answer));
    let listed = state.slate().answers(auth.caller(), invitation).await.map_err(not_found("answer"))?;
    let size =
        listed.iter().find(|a| a.id == answer).map(|a| a.size_bytes).ok_or_else(|| ApiError::not_found("answer"))?;
    let Ok(range) = byte_range(&headers, size) else {
        let mut r = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
            r.headers_mut().insert(header::CONTENT_RANGE, v);
        }
        return Ok(r);
    };
    let (start, end) = range.unwrap_or((0, size));
    let (answer, stream) =
        state.slate().answer_video(auth.caller(), invitation, answer, start, end).await.map_err(not_found("answer"))?;
    let status = if range.is_some() { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    let mut response = (status, axum::body::Body::from_stream(stream)).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(answer.format.mime()));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Ok(v) = HeaderValue::from_str(&(end - start).to_string()) {
        h.insert(header::CONTENT_LENGTH, v);
    }
    if range.is_some()
        && let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{}/{size}", end - 1))
    {
        h.insert(header::CONTENT_RANGE, v);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::byte_range;

    fn range(raw: &str, size: u64) -> Result<Option<(u64, u64)>, ()> {
        let mut h = HeaderMap::new();
        h.insert(header::RANGE, HeaderValue::from_str(raw).unwrap_or_else(|e| panic!("{e}")));
        byte_range(&h, size)
    }

    #[test]
    fn ranges_as_players_send_them() {
        assert_eq!(byte_range(&HeaderMap::new(), 100), Ok(None));
        assert_eq!(range("bytes=0-", 100), Ok(Some((0, 100))));
        assert_eq!(range("bytes=10-19", 100), Ok(Some((10, 20))));
        assert_eq!(range("bytes=90-500", 100), Ok(Some((90, 100))), "clamped to the end");
        assert_eq!(range("bytes=-30", 100), Ok(Some((70, 100))), "a suffix");
        assert_eq!(range("bytes=100-", 100), Err(()), "past the end");
        assert_eq!(range("bytes=20-10", 100), Err(()));
        assert_eq!(range("bytes=abc", 100), Err(()));
        assert_eq!(range("bytes=0-1,5-6", 100), Ok(None), "several ranges: the whole video");
    }
}
