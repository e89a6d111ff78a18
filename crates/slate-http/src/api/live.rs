//! Live interviews: schedule, read, list, reschedule, cancel (recruiters); and each
//! attendee's secret link: read it (a GET never acts), confirm or decline.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use slate_domain::*;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::ClientIp;
use super::dto;
use crate::auth::Auth;
use crate::error::{ErrorBody, FieldResult as _};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{ApiError, AppState};

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

// ---------------------------------------------------------------- shapes

/// An interviewer to invite: `recruiter_id` for a recruiter of the organization, or `name`
/// and `email` (and optionally `language`) for someone outside Slate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterviewerRequest {
    /// A recruiter of the organization.
    pub recruiter_id: Option<Uuid>,
    /// An outside interviewer's name.
    pub name: Option<String>,
    /// An outside interviewer's address.
    pub email: Option<String>,
    /// An outside interviewer's language (`en`, `de`, `fr`, `es`, `it`, `nl`, `pt`, `el`,
    /// `pl`); defaults to the organization's.
    pub language: Option<String>,
}

/// When a live interview takes place.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotRequest {
    /// The local date, `YYYY-MM-DD`.
    #[schema(example = "2026-12-10")]
    pub date: String,
    /// The local start time, `HH:MM` (24-hour).
    #[schema(example = "10:00")]
    pub time: String,
    /// The length, 5 to 480 minutes.
    #[schema(example = 45)]
    pub duration_minutes: u16,
    /// The IANA zone `date` and `time` are read in; defaults to the organization's.
    #[schema(example = "Europe/Athens")]
    pub time_zone: Option<String>,
    /// For a change: the `revision` it was read at (a stale one is refused with
    /// `conflict`).
    pub revision: Option<u64>,
}

/// A new live interview. Give `meeting_url` for an online meeting or `place` for one in
/// person.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleLiveRequest {
    /// Its title in calendars and emails.
    #[schema(example = "Second round")]
    pub title: String,
    /// The candidate, from the candidate base.
    pub candidate_id: Uuid,
    /// Where the candidate's invite goes; defaults to the candidate's email.
    pub candidate_email: Option<String>,
    /// The candidate's language; defaults to the organization's.
    pub candidate_language: Option<String>,
    /// The local date, `YYYY-MM-DD`.
    #[schema(example = "2026-12-10")]
    pub date: String,
    /// The local start time, `HH:MM` (24-hour).
    #[schema(example = "10:00")]
    pub time: String,
    /// The length, 5 to 480 minutes.
    #[schema(example = 45)]
    pub duration_minutes: u16,
    /// The IANA zone `date` and `time` are read in; defaults to the organization's.
    #[schema(example = "Europe/Athens")]
    pub time_zone: Option<String>,
    /// An `https://` (or `http://`) meeting address.
    #[schema(example = "https://meet.example/abc-defg")]
    pub meeting_url: Option<String>,
    /// An address or room.
    pub place: Option<String>,
    /// One to twenty interviewers.
    pub interviewers: Vec<InterviewerRequest>,
    /// The job it is for.
    pub job_id: Option<Uuid>,
    /// The candidate's video-interview invitation it follows.
    pub follows_invitation_id: Option<Uuid>,
    /// The candidate's invite as edited for this send (a `live_invitation` template's
    /// rules: `{{interview.link}}` required); absent: the organization's template in the
    /// candidate's language.
    pub candidate_message: Option<MessageRequest>,
    /// The interviewers' invite as edited for this send (a `live_interviewer` template's
    /// rules); absent: the organization's template in each interviewer's language.
    pub interviewer_message: Option<MessageRequest>,
}

/// A message's subject and body, with placeholders.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    /// One line.
    pub subject: String,
    /// Blank lines separate paragraphs.
    pub body: String,
}

/// The invites a live interview would send.
#[derive(Debug, Serialize, ToSchema)]
pub struct LivePreviewDto {
    /// The candidate's.
    pub candidate: super::mail::RenderedDto,
    /// An interviewer's.
    pub interviewer: Option<super::mail::RenderedDto>,
}

/// One attendee, as recruiters see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeDto {
    /// Id.
    pub id: Uuid,
    /// `candidate` or `interviewer`.
    pub role: &'static str,
    /// The candidate, for the candidate.
    pub candidate_id: Option<Uuid>,
    /// The recruiter, for an interviewer who is one.
    pub recruiter_id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// Address.
    pub email: String,
    /// Language of their emails and pages.
    pub language: String,
    /// `pending`, `confirmed` or `declined`.
    pub response: &'static str,
    /// What they wrote when declining.
    pub decline_message: Option<String>,
    /// When they last answered (RFC 3339, UTC).
    pub responded_at: Option<String>,
    /// Their secret link (a secret: share it only with them). `null` once cancelled.
    pub link: Option<String>,
}

/// A live interview.
#[derive(Debug, Serialize, ToSchema)]
pub struct LiveInterviewDto {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// `awaiting_confirmation` (someone has not answered), `scheduled` (the candidate and
    /// every interviewer confirmed), `declined` (someone declined) or `cancelled`.
    pub status: &'static str,
    /// The local date in `time_zone`.
    pub date: String,
    /// The local start time in `time_zone`, `HH:MM`.
    pub time: String,
    /// The length in minutes.
    pub duration_minutes: u16,
    /// The IANA zone of `date` and `time`.
    pub time_zone: String,
    /// The start (RFC 3339, UTC).
    pub starts_at: String,
    /// The end (RFC 3339, UTC).
    pub ends_at: String,
    /// The meeting address, for an online meeting.
    pub meeting_url: Option<String>,
    /// The place, for one in person.
    pub place: Option<String>,
    /// The recruiter who scheduled it.
    pub organizer_id: Uuid,
    /// The job.
    pub job_id: Option<Uuid>,
    /// The video-interview invitation it follows.
    pub follows_invitation_id: Option<Uuid>,
    /// The candidate first, then the interviewers.
    pub attendees: Vec<AttendeeDto>,
    /// The calendar `SEQUENCE`: one more per reschedule or cancellation.
    pub sequence: u32,
    /// When it was cancelled.
    pub cancelled_at: Option<String>,
    /// Pass back when changing it, to refuse a change over someone else's.
    pub revision: u64,
    /// When it was scheduled.
    pub created_at: String,
}

fn location(l: &Location) -> (Option<String>, Option<String>) {
    match l {
        Location::Online(url) => (Some(url.as_str().to_owned()), None),
        Location::Place(p) => (None, Some(p.to_string())),
    }
}

fn present(state: &AppState, live: &LiveInterview) -> LiveInterviewDto {
    let p = live.parts();
    let (meeting_url, place) = location(&p.location);
    let cancelled = p.cancelled_at.is_some();
    let attendees = p
        .attendees
        .iter()
        .map(|a| {
            let (role, candidate_id, recruiter_id) = match a.role {
                AttendeeRole::Candidate(c) => ("candidate", Some(c.as_uuid()), None),
                AttendeeRole::Interviewer(r) => ("interviewer", None, r.map(|r| r.as_uuid())),
            };
            AttendeeDto {
                id: a.id.as_uuid(),
                role,
                candidate_id,
                recruiter_id,
                name: a.name.to_string(),
                email: a.email.to_string(),
                language: a.language.code().to_owned(),
                response: a.response.as_str(),
                decline_message: match &a.response {
                    AttendeeResponse::Declined { message } => message.as_ref().map(ToString::to_string),
                    _ => None,
                },
                responded_at: a.responded_at.map(rfc3339),
                link: (!cancelled)
                    .then(|| state.slate().attendee_link(live, a.id).map(|l| l.expose().to_owned()))
                    .flatten(),
            }
        })
        .collect();
    LiveInterviewDto {
        id: p.id.as_uuid(),
        title: p.title.to_string(),
        status: live.status().as_str(),
        date: p.slot.date().to_string(),
        time: p.slot.time().format("%H:%M").to_string(),
        duration_minutes: p.slot.minutes(),
        time_zone: p.slot.zone().name().to_owned(),
        starts_at: rfc3339(p.slot.start()),
        ends_at: rfc3339(p.slot.end()),
        meeting_url,
        place,
        organizer_id: p.organizer.as_uuid(),
        job_id: p.job_id.map(|j| j.as_uuid()),
        follows_invitation_id: p.follows.map(|i| i.as_uuid()),
        attendees,
        sequence: p.sequence,
        cancelled_at: p.cancelled_at.map(rfc3339),
        revision: p.revision,
        created_at: rfc3339(p.created_at),
    }
}

/// A time written exactly `HH:MM` (24-hour).
pub(crate) fn time(raw: &str, field: &str) -> Result<NaiveTime, ApiError> {
    let shaped =
        raw.len() == 5 && raw.bytes().enumerate().all(|(i, b)| if i == 2 { b == b':' } else { b.is_ascii_digit() });
    shaped
        .then(|| NaiveTime::parse_from_str(raw, "%H:%M").ok())
        .flatten()
        .ok_or_else(|| ApiError::invalid(field, format!("{raw:?} is not a time written HH:MM")))
}

fn slot(date: &str, t: &str, minutes: u16, zone: Option<&str>) -> Result<SlotInput, ApiError> {
    Ok(SlotInput {
        date: dto::date(date, "date")?,
        time: time(t, "time")?,
        minutes,
        zone: zone
            .filter(|z| !z.trim().is_empty())
            .map(|z| TimeZone::parse(z.trim()).field("time_zone"))
            .transpose()?,
    })
}

fn language(raw: Option<&str>, field: &str) -> Result<Option<Language>, ApiError> {
    raw.filter(|l| !l.trim().is_empty()).map(|l| l.parse::<Language>().field(field)).transpose()
}

fn schedule_input(body: ScheduleLiveRequest) -> Result<ScheduleLive, ApiError> {
    let location = match (body.meeting_url.as_deref(), body.place.as_deref()) {
        (Some(url), None) => Location::Online(MeetingUrl::parse(url).field("meeting_url")?),
        (None, Some(place)) => Location::Place(DisplayName::parse(place).field("place")?),
        (Some(_), Some(_)) => return Err(ApiError::invalid("place", "give meeting_url or place, not both")),
        (None, None) => return Err(ApiError::invalid("meeting_url", "give meeting_url (online) or place (in person)")),
    };
    let interviewers = body
        .interviewers
        .into_iter()
        .enumerate()
        .map(|(n, i)| {
            let at = |f: &str| format!("interviewers[{n}].{f}");
            match (i.recruiter_id, i.name, i.email) {
                (Some(r), None, None) if i.language.is_none() => {
                    Ok(InterviewerInput::Recruiter(RecruiterId::from_uuid(r)))
                }
                (None, Some(name), Some(email)) => Ok(InterviewerInput::External {
                    name: PersonName::parse(&name).field(&at("name"))?,
                    email: crate::error::email(&email, &at("email"))?,
                    language: language(i.language.as_deref(), &at("language"))?,
                }),
                _ => Err(ApiError::invalid(
                    format!("interviewers[{n}]"),
                    "give recruiter_id (a recruiter) or name and email (someone outside Slate)",
                )),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ScheduleLive {
        title: DisplayName::parse(&body.title).field("title")?,
        candidate_id: CandidateId::from_uuid(body.candidate_id),
        candidate_email: body
            .candidate_email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(|e| crate::error::email(e, "candidate_email"))
            .transpose()?,
        candidate_language: language(body.candidate_language.as_deref(), "candidate_language")?,
        slot: slot(&body.date, &body.time, body.duration_minutes, body.time_zone.as_deref())?,
        location,
        interviewers,
        job_id: body.job_id.map(JobId::from_uuid),
        follows: body.follows_invitation_id.map(InvitationId::from_uuid),
        candidate_message: body.candidate_message.map(|m| MessageDraft { subject: m.subject, body: m.body }),
        interviewer_message: body.interviewer_message.map(|m| MessageDraft { subject: m.subject, body: m.body }),
    })
}

/// Which live interviews to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiveListParams {
    /// Only this candidate's.
    pub candidate_id: Option<Uuid>,
    /// Also those that are over (default: only upcoming and in progress).
    pub include_past: Option<bool>,
    /// Also cancelled ones.
    pub include_cancelled: Option<bool>,
    /// At most this many (1 to 200, default 200).
    pub limit: Option<usize>,
}

// ---------------------------------------------------------------- recruiters

/// Schedule a live interview with a candidate and one or more interviewers. Every attendee
/// gets their own secret link to confirm or decline; it is **Awaiting confirmation** until
/// the candidate and every interviewer have confirmed.
#[utoipa::path(post, path = "/api/v1/live-interviews", tag = "live interviews", request_body = ScheduleLiveRequest,
    responses(
        (status = 201, body = LiveInterviewDto),
        (status = 422, description = "`validation_failed`, `invalid_email`, `candidate_not_found`, `email_required`, `recruiter_not_found`, `job_not_found`, `invitation_not_found`, `no_such_local_time` (the clocks skip that time), `starts_in_past`, `duplicate_attendee`", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn schedule_live(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<ScheduleLiveRequest>,
) -> Result<(StatusCode, Json<LiveInterviewDto>), ApiError> {
    let live = state.slate().schedule_live(auth.caller(), schedule_input(body)?).await?;
    tracing::info!(live_interview = %live.id(), "live interview scheduled");
    Ok((StatusCode::CREATED, Json(present(&state, &live))))
}

/// The invites scheduling this live interview would send, worded with the real candidate,
/// time and place (and a sample link): nothing is scheduled or sent.
#[utoipa::path(post, path = "/api/v1/live-interviews/preview", tag = "live interviews", request_body = ScheduleLiveRequest,
    responses(
        (status = 200, body = LivePreviewDto),
        (status = 422, description = "As for scheduling", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn preview_live(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<ScheduleLiveRequest>,
) -> Result<Json<LivePreviewDto>, ApiError> {
    let preview = state.slate().preview_live(auth.caller(), schedule_input(body)?).await?;
    Ok(Json(LivePreviewDto {
        candidate: (&preview.candidate).into(),
        interviewer: preview.interviewer.as_ref().map(Into::into),
    }))
}

/// List live interviews, by start time: by default those not over yet and not cancelled.
#[utoipa::path(get, path = "/api/v1/live-interviews", tag = "live interviews", params(LiveListParams),
    responses((status = 200, body = Vec<LiveInterviewDto>), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn list_live(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<LiveListParams>,
) -> Result<Json<Vec<LiveInterviewDto>>, ApiError> {
    let limit = params.limit.unwrap_or(LiveQuery::MAX_LIMIT);
    if !(1..=LiveQuery::MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("limit", format!("must be 1 to {}", LiveQuery::MAX_LIMIT)));
    }
    let query = LiveQuery {
        candidate: params.candidate_id.map(CandidateId::from_uuid),
        ending_after: (!params.include_past.unwrap_or(false)).then(|| state.slate().now()),
        include_cancelled: params.include_cancelled.unwrap_or(false),
        limit,
    };
    let found = state.slate().live_interviews(auth.caller(), &query).await?;
    Ok(Json(found.iter().map(|l| present(&state, l)).collect()))
}

/// One live interview, with each attendee's response.
#[utoipa::path(get, path = "/api/v1/live-interviews/{id}", tag = "live interviews", params(("id" = Uuid, Path)),
    responses((status = 200, body = LiveInterviewDto), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn get_live(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<LiveInterviewDto>, ApiError> {
    let live = state.slate().live_interview(auth.caller(), LiveInterviewId::from_uuid(id)).await?;
    Ok(Json(present(&state, &live)))
}

/// Move a live interview: every confirmation is reset (everyone confirms the new time) and
/// the calendar sequence moves on, so calendars replace the old event.
#[utoipa::path(put, path = "/api/v1/live-interviews/{id}/slot", tag = "live interviews", params(("id" = Uuid, Path)),
    request_body = SlotRequest,
    responses((status = 200, body = LiveInterviewDto), (status = 404, body = ErrorBody),
        (status = 409, description = "`live_cancelled`, or `conflict` (changed since `revision`)", body = ErrorBody),
        (status = 422, description = "`validation_failed`, `no_such_local_time`, `starts_in_past`, `unchanged`", body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn reschedule_live(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<SlotRequest>,
) -> Result<Json<LiveInterviewDto>, ApiError> {
    let slot = slot(&body.date, &body.time, body.duration_minutes, body.time_zone.as_deref())?;
    let live =
        state.slate().reschedule_live(auth.caller(), LiveInterviewId::from_uuid(id), body.revision, slot).await?;
    Ok(Json(present(&state, &live)))
}

/// Send every attendee their invite again: the same links, the current time and calendar
/// sequence.
#[utoipa::path(post, path = "/api/v1/live-interviews/{id}/resend", tag = "live interviews", params(("id" = Uuid, Path)),
    responses((status = 200, body = LiveInterviewDto), (status = 404, body = ErrorBody),
        (status = 409, description = "`live_cancelled`, `already_over`", body = ErrorBody),
        (status = 429, description = "Resent too often (`rate_limited`, with `Retry-After`; `security.resends_per_hour`)", body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn resend_live(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<LiveInterviewDto>, ApiError> {
    state.limit_resend(auth.caller().organization_id, id)?;
    let live = state.slate().resend_live(auth.caller(), LiveInterviewId::from_uuid(id)).await?;
    Ok(Json(present(&state, &live)))
}

/// Cancel a live interview: final; every attendee's link stops working.
#[utoipa::path(post, path = "/api/v1/live-interviews/{id}/cancel", tag = "live interviews", params(("id" = Uuid, Path)),
    responses((status = 200, body = LiveInterviewDto), (status = 404, body = ErrorBody),
        (status = 409, description = "`live_cancelled`, `already_over`", body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn cancel_live(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<LiveInterviewDto>, ApiError> {
    let live = state.slate().cancel_live(auth.caller(), LiveInterviewId::from_uuid(id), None).await?;
    Ok(Json(present(&state, &live)))
}

// ---------------------------------------------------------------- attendees

/// What an attendee sees behind their link.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeViewDto {
    /// The organization.
    pub organization: String,
    /// The interview's title.
    pub title: String,
    /// `awaiting_confirmation`, `scheduled`, `declined` or `cancelled`.
    pub status: &'static str,
    /// The local date in `time_zone`.
    pub date: String,
    /// The local start time in `time_zone`, `HH:MM`.
    pub time: String,
    /// The length in minutes.
    pub duration_minutes: u16,
    /// The event's IANA zone.
    pub time_zone: String,
    /// The start (RFC 3339, UTC).
    pub starts_at: String,
    /// The meeting address, for an online meeting.
    pub meeting_url: Option<String>,
    /// The place, for one in person.
    pub place: Option<String>,
    /// Your name.
    pub name: String,
    /// Your language.
    pub language: String,
    /// Your answer: `pending`, `confirmed` or `declined`.
    pub response: &'static str,
}

fn attendee_view(live: &LiveInterview, attendee: AttendeeId, organization: &str) -> Option<AttendeeViewDto> {
    let a = live.attendee(attendee)?;
    let p = live.parts();
    let (meeting_url, place) = location(&p.location);
    Some(AttendeeViewDto {
        organization: organization.to_owned(),
        title: p.title.to_string(),
        status: live.status().as_str(),
        date: p.slot.date().to_string(),
        time: p.slot.time().format("%H:%M").to_string(),
        duration_minutes: p.slot.minutes(),
        time_zone: p.slot.zone().name().to_owned(),
        starts_at: rfc3339(p.slot.start()),
        meeting_url,
        place,
        name: a.name.to_string(),
        language: a.language.code().to_owned(),
        response: a.response.as_str(),
    })
}

fn invalid_link() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "invalid_link", "this link is not valid")
}

async fn current(state: &AppState, token: &LinkToken) -> Result<AttendeeViewDto, ApiError> {
    match state.slate().check_attendee_link(token).await? {
        AttendeeLinkCheck::Current { live, attendee, organization, .. } => {
            attendee_view(&live, attendee, organization.name.as_str()).ok_or_else(invalid_link)
        }
        AttendeeLinkCheck::Withdrawn { .. } => {
            Err(ApiError::new(StatusCode::GONE, "link_closed", "this live interview was cancelled"))
        }
        AttendeeLinkCheck::Invalid => Err(invalid_link()),
    }
}

/// Read the live interview behind an attendee's link. Changes nothing (mail scanners may
/// fetch links).
#[utoipa::path(get, path = "/api/v1/attendee-links/{token}", tag = "attendee link",
    params(("token" = String, Path, description = "The secret part of the attendee's link")),
    responses((status = 200, body = AttendeeViewDto),
        (status = 404, description = "Not a valid link (`invalid_link`)", body = ErrorBody),
        (status = 410, description = "Cancelled (`link_closed`)", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub(crate) async fn read_attendee_link(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<AttendeeViewDto>, ApiError> {
    state.limit_link(ip)?;
    Ok(Json(current(&state, &LinkToken::presented(&token)).await?))
}

/// Confirm attendance.
#[utoipa::path(post, path = "/api/v1/attendee-links/{token}/confirm", tag = "attendee link",
    params(("token" = String, Path, description = "The secret part of the attendee's link")),
    responses((status = 200, body = AttendeeViewDto),
        (status = 404, description = "`invalid_link`", body = ErrorBody),
        (status = 409, description = "`already_started`", body = ErrorBody),
        (status = 410, description = "Cancelled (`link_closed`)", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub(crate) async fn confirm_attendance(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiPath(token): ApiPath<String>,
) -> Result<Json<AttendeeViewDto>, ApiError> {
    state.limit_link(ip)?;
    let token = LinkToken::presented(&token);
    state.slate().respond_live(&token, AttendeeResponse::Confirmed).await?;
    Ok(Json(current(&state, &token).await?))
}

/// Declining, with an optional message to the recruiter.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineRequest {
    /// Why, or another time that would suit (up to 10,000 characters).
    pub message: Option<String>,
}

/// Decline, optionally with a message the recruiter sees.
#[utoipa::path(post, path = "/api/v1/attendee-links/{token}/decline", tag = "attendee link",
    params(("token" = String, Path, description = "The secret part of the attendee's link")),
    request_body = DeclineRequest,
    responses((status = 200, body = AttendeeViewDto),
        (status = 404, description = "`invalid_link`", body = ErrorBody),
        (status = 409, description = "`already_started`", body = ErrorBody),
        (status = 410, description = "Cancelled (`link_closed`)", body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(crate) async fn decline_attendance(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiPath(token): ApiPath<String>,
    ApiJson(body): ApiJson<DeclineRequest>,
) -> Result<Json<AttendeeViewDto>, ApiError> {
    state.limit_link(ip)?;
    let token = LinkToken::presented(&token);
    let message = body
        .message
        .as_deref()
        .filter(|m| !m.trim().is_empty())
        .map(|m| LongText::parse(m.trim()).field("message"))
        .transpose()?;
    state.slate().respond_live(&token, AttendeeResponse::Declined { message }).await?;
    Ok(Json(current(&state, &token).await?))
}
