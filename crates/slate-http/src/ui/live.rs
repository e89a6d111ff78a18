//! Live interviews: the list, the schedule form, and a live interview's page with each
//! attendee's answer and link, resend, reschedule and cancel.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use slate_domain::{
    AttendeeResponse, AttendeeRole, CandidateId, DisplayName, InterviewerInput, InvitationId, JobId, Language,
    LiveInterview, LiveInterviewId, LivePreview, LiveQuery, LiveStatus, Location, MeetingUrl, MessageDraft, PersonName,
    ScheduleLive, SlotInput, TemplateKind, TimeZone,
};

use super::settings::kind_label;

use super::forms::{Errors, checked};
use super::invitations::{Match, candidate_matches, chosen_candidate};
use super::{Chrome, Recruiter, UiError, UiForm, done, languages, ok, page};
use crate::api::dto;
use crate::error::FieldResult as _;
use crate::{ApiError, AppState};

/// Outside interviewers the form has rows for.
const EXTERNAL_ROWS: usize = 3;

fn live_id(raw: &str) -> Result<LiveInterviewId, UiError> {
    uuid::Uuid::parse_str(raw).map(LiveInterviewId::from_uuid).map_err(|_| UiError::NotFound)
}

/// A status as recruiters read it, with its badge class.
pub(crate) const fn status_label(status: LiveStatus) -> (&'static str, &'static str) {
    match status {
        LiveStatus::AwaitingConfirmation => ("Awaiting confirmation", "badge-wait"),
        LiveStatus::Scheduled => ("Interview scheduled", "badge-ok"),
        LiveStatus::Declined => ("Declined", "badge-bad"),
        LiveStatus::Cancelled => ("Cancelled", "badge-muted"),
    }
}

/// "Thursday 10 December 2026, 10:00 (Europe/Athens)", and the organization's time after it
/// when the zones differ.
fn when(r: &Recruiter, live: &LiveInterview) -> String {
    let slot = live.slot();
    let local = slot.zone().local(slot.start());
    let mut out = format!("{}, {} ({})", local.format("%A %-d %B %Y"), local.format("%H:%M"), slot.zone().name());
    if slot.zone() != r.org.time_zone {
        out.push_str(&format!("; {} in {}", r.local(slot.start()), r.org.time_zone.name()));
    }
    out
}

// ---------------------------------------------------------------- the list

struct Row {
    id: String,
    title: String,
    candidate: String,
    when: String,
    status: (&'static str, &'static str),
    answered: String,
}

#[derive(Template)]
#[template(path = "ui/live_list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    all: bool,
}

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    all: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

fn row(r: &Recruiter, live: &LiveInterview) -> Row {
    let confirmed = live.attendees().iter().filter(|a| a.response == AttendeeResponse::Confirmed).count();
    Row {
        id: live.id().to_string(),
        title: live.title().to_string(),
        candidate: live.candidate().map(|a| a.name.to_string()).unwrap_or_default(),
        when: when(r, live),
        status: status_label(live.status()),
        answered: format!("{confirmed} of {} confirmed", live.attendees().len()),
    }
}

/// `GET /live`: upcoming live interviews (`?all=1`: past and cancelled ones too).
pub(crate) async fn list(
    State(state): State<AppState>,
    r: Recruiter,
    Query(q): Query<ListQuery>,
) -> Result<Response, UiError> {
    let all = q.all.is_some();
    let query =
        LiveQuery { ending_after: (!all).then(|| state.slate().now()), include_cancelled: all, ..LiveQuery::default() };
    let found = state.slate().live_interviews(r.caller, &query).await?;
    Ok(ok(&ListPage {
        c: r.chrome("live", "Live interviews").with_notice(q.done.as_deref()),
        rows: found.iter().map(|l| row(&r, l)).collect(),
        all,
    }))
}

// ---------------------------------------------------------------- the schedule form

/// The form as typed.
#[derive(Deserialize, Default)]
pub(crate) struct LiveForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    candidate_id: String,
    #[serde(default)]
    candidate_query: String,
    /// The candidate's address (proposed from the candidate base by the picker).
    #[serde(default)]
    email: String,
    #[serde(default)]
    candidate_language: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    time_zone: String,
    /// `online` or `place`.
    #[serde(default)]
    location_kind: String,
    #[serde(default)]
    meeting_url: String,
    #[serde(default)]
    place: String,
    /// "I take part as an interviewer".
    #[serde(default)]
    include_me: Option<String>,
    #[serde(default)]
    ext_name_0: String,
    #[serde(default)]
    ext_email_0: String,
    #[serde(default)]
    ext_name_1: String,
    #[serde(default)]
    ext_email_1: String,
    #[serde(default)]
    ext_name_2: String,
    #[serde(default)]
    ext_email_2: String,
    #[serde(default)]
    job_id: String,
    #[serde(default)]
    follows_invitation_id: String,
    /// The language of the template loaded into the candidate's invite.
    #[serde(default)]
    candidate_template: String,
    #[serde(default)]
    candidate_subject: String,
    #[serde(default)]
    candidate_body: String,
    /// The language of the template loaded into the interviewers' invite.
    #[serde(default)]
    interviewer_template: String,
    #[serde(default)]
    interviewer_subject: String,
    #[serde(default)]
    interviewer_body: String,
    /// `find` (look the typed name up, without JavaScript), `load-candidate` and
    /// `load-interviewer` (put the chosen template in), `preview` or `schedule`.
    #[serde(default)]
    action: String,
}

impl LiveForm {
    fn external(&self, n: usize) -> (&str, &str) {
        match n {
            0 => (&self.ext_name_0, &self.ext_email_0),
            1 => (&self.ext_name_1, &self.ext_email_1),
            _ => (&self.ext_name_2, &self.ext_email_2),
        }
    }
}

struct ExternalRow {
    n: usize,
    name: String,
    email: String,
}

#[derive(Template)]
#[template(path = "ui/live_form.html")]
struct FormPage {
    c: Chrome,
    f: LiveForm,
    candidate_name: String,
    matches: Vec<Match>,
    searched: bool,
    externals: Vec<ExternalRow>,
    include_me: bool,
    online: bool,
    jobs: Vec<(String, String)>,
    languages: Vec<(&'static str, &'static str)>,
    /// The templates each invite can start from: `(language code, label)`.
    candidate_templates: Vec<(&'static str, String)>,
    interviewer_templates: Vec<(&'static str, String)>,
    zones: Vec<&'static str>,
    today: String,
    preview: Option<LivePreview>,
    errors: Errors,
}

/// The organization's templates of `kind`, one per language, as `(code, "Deutsch (yours)")`.
async fn template_choices(
    state: &AppState,
    r: &Recruiter,
    kind: TemplateKind,
) -> Result<Vec<(&'static str, String)>, UiError> {
    let all = state.slate().list_templates(r.caller).await?;
    Ok(all
        .iter()
        .filter(|t| t.kind == kind)
        .map(|t| {
            let whose = if t.custom.is_some() { "yours" } else { "Slate's" };
            (t.language.code(), format!("{} — {} ({whose})", kind_label(kind), t.language.native_name()))
        })
        .collect())
}

/// The subject and body of the template of `kind` in the language `code`.
async fn template_text(
    state: &AppState,
    r: &Recruiter,
    kind: TemplateKind,
    code: &str,
) -> Result<(String, String), UiError> {
    let language = code.parse::<Language>().unwrap_or(r.org.default_language);
    let t = state.slate().get_template(r.caller, kind, language).await?;
    Ok((t.content.subject.as_str().to_owned(), t.content.body.as_str().to_owned()))
}

async fn form_page(state: &AppState, r: &Recruiter, f: LiveForm, errors: Errors) -> Result<Response, UiError> {
    form_page_with(state, r, f, None, errors).await
}

async fn form_page_with(
    state: &AppState,
    r: &Recruiter,
    f: LiveForm,
    preview: Option<LivePreview>,
    errors: Errors,
) -> Result<Response, UiError> {
    let candidate_name = chosen_candidate(state, r, &f.candidate_id).await;
    let searched = f.action == "find";
    let matches = if searched { candidate_matches(state, r, &f.candidate_query).await? } else { Vec::new() };
    let jobs = state
        .slate()
        .list_jobs(r.caller)
        .await?
        .iter()
        .map(|j| (j.id.to_string(), format!("{} — {}", j.title, j.company_name)))
        .collect();
    let externals = (0..EXTERNAL_ROWS)
        .map(|n| {
            let (name, email) = f.external(n);
            ExternalRow { n, name: name.to_owned(), email: email.to_owned() }
        })
        .collect();
    let status = errors.status();
    let html = FormPage {
        c: r.chrome("live", "Schedule a live interview"),
        include_me: checked(&f.include_me),
        online: f.location_kind != "place",
        f,
        candidate_name,
        matches,
        searched,
        externals,
        jobs,
        languages: languages(),
        candidate_templates: template_choices(state, r, TemplateKind::LiveInvitation).await?,
        interviewer_templates: template_choices(state, r, TemplateKind::LiveInterviewer).await?,
        zones: chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()).collect(),
        today: state.slate().today_in(r.org.time_zone).to_string(),
        preview,
        errors,
    }
    .render();
    Ok(page(status, html))
}

#[derive(Deserialize)]
pub(crate) struct NewQuery {
    #[serde(default)]
    candidate: Option<String>,
    #[serde(default)]
    invitation: Option<String>,
}

/// `GET /live/new` (`?candidate=` from a candidate's page, `&invitation=` from an
/// invitation's).
pub(crate) async fn new_form(
    State(state): State<AppState>,
    r: Recruiter,
    Query(q): Query<NewQuery>,
) -> Result<Response, UiError> {
    let tomorrow = state.slate().today_in(r.org.time_zone).succ_opt().unwrap_or_default();
    let mut f = LiveForm {
        title: "Second interview".to_owned(),
        candidate_language: r.org.default_language.code().to_owned(),
        date: tomorrow.to_string(),
        time: "10:00".to_owned(),
        duration_minutes: "45".to_owned(),
        time_zone: r.org.time_zone.name().to_owned(),
        location_kind: "online".to_owned(),
        include_me: Some("on".to_owned()),
        follows_invitation_id: q.invitation.unwrap_or_default(),
        ..LiveForm::default()
    };
    f.candidate_template = f.candidate_language.clone();
    f.interviewer_template = r.org.default_language.code().to_owned();
    (f.candidate_subject, f.candidate_body) =
        template_text(&state, &r, TemplateKind::LiveInvitation, &f.candidate_template).await?;
    (f.interviewer_subject, f.interviewer_body) =
        template_text(&state, &r, TemplateKind::LiveInterviewer, &f.interviewer_template).await?;
    if let Some(id) = q.candidate.as_deref().and_then(|c| uuid::Uuid::parse_str(c).ok()) {
        let candidate = state.slate().get_candidate(r.caller, CandidateId::from_uuid(id)).await?;
        f.candidate_id = id.to_string();
        f.email = candidate.email.as_ref().map(ToString::to_string).unwrap_or_default();
        f.candidate_query = format!("{} {}", candidate.first_name, candidate.last_name);
    }
    form_page(&state, &r, f, Errors::none()).await
}

fn slot_input(date: &str, time: &str, minutes: &str, zone: &str) -> Result<SlotInput, ApiError> {
    Ok(SlotInput {
        date: dto::date(date.trim(), "date")?,
        time: crate::api::live::time(time.trim(), "time")?,
        minutes: minutes
            .trim()
            .parse()
            .map_err(|_| ApiError::invalid("duration_minutes", "enter the length in minutes, 5 to 480"))?,
        zone: Some(zone.trim()).filter(|z| !z.is_empty()).map(|z| TimeZone::parse(z).field("time_zone")).transpose()?,
    })
}

/// The text typed for an invite, or `None` when it is the loaded template unchanged, or
/// nothing was typed (then each attendee gets the template in their own language).
fn draft(subject: &str, body: &str, template: &(String, String)) -> Option<MessageDraft> {
    let same = |a: &str, b: &str| a.replace("\r\n", "\n").trim() == b.trim();
    let untouched = subject.trim().is_empty() && body.trim().is_empty();
    let as_loaded = same(subject, &template.0) && same(body, &template.1);
    (!untouched && !as_loaded).then(|| MessageDraft { subject: subject.to_owned(), body: body.replace("\r\n", "\n") })
}

async fn schedule_input(state: &AppState, r: &Recruiter, f: &LiveForm) -> Result<ScheduleLive, ApiError> {
    let failed = |_| ApiError::internal(&"reading a template failed");
    let candidate_template =
        template_text(state, r, TemplateKind::LiveInvitation, &f.candidate_template).await.map_err(failed)?;
    let interviewer_template =
        template_text(state, r, TemplateKind::LiveInterviewer, &f.interviewer_template).await.map_err(failed)?;
    let candidate_id = uuid::Uuid::parse_str(f.candidate_id.trim()).map(CandidateId::from_uuid).map_err(|_| {
        ApiError::invalid("candidate_id", "type part of the first or last name and choose the candidate")
    })?;
    let location = if f.location_kind == "place" {
        Location::Place(DisplayName::parse(&f.place).field("place")?)
    } else {
        Location::Online(MeetingUrl::parse(&f.meeting_url).field("meeting_url")?)
    };
    let mut interviewers = Vec::new();
    if checked(&f.include_me) {
        interviewers.push(InterviewerInput::Recruiter(r.me.id));
    }
    for n in 0..EXTERNAL_ROWS {
        let (name, email) = f.external(n);
        if name.trim().is_empty() && email.trim().is_empty() {
            continue;
        }
        interviewers.push(InterviewerInput::External {
            name: PersonName::parse(name).field(&format!("ext_name_{n}"))?,
            email: crate::error::email(email, &format!("ext_email_{n}"))?,
            language: None,
        });
    }
    let uuid = |raw: &str, field: &str| {
        Some(raw.trim())
            .filter(|v| !v.is_empty())
            .map(|v| uuid::Uuid::parse_str(v).map_err(|_| ApiError::invalid(field, "choose one from the list")))
            .transpose()
    };
    Ok(ScheduleLive {
        title: DisplayName::parse(&f.title).field("title")?,
        candidate_id,
        candidate_email: Some(f.email.trim())
            .filter(|e| !e.is_empty())
            .map(|e| crate::error::email(e, "candidate_email"))
            .transpose()?,
        candidate_language: Some(f.candidate_language.trim())
            .filter(|l| !l.is_empty())
            .map(|l| l.parse().field("candidate_language"))
            .transpose()?,
        slot: slot_input(&f.date, &f.time, &f.duration_minutes, &f.time_zone)?,
        location,
        interviewers,
        job_id: uuid(&f.job_id, "job_id")?.map(JobId::from_uuid),
        follows: uuid(&f.follows_invitation_id, "follows_invitation_id")?.map(InvitationId::from_uuid),
        candidate_message: draft(&f.candidate_subject, &f.candidate_body, &candidate_template),
        interviewer_message: draft(&f.interviewer_subject, &f.interviewer_body, &interviewer_template),
    })
}

/// `POST /live/new`: schedules (every attendee's invite is queued) and shows its page.
pub(crate) async fn create(
    State(state): State<AppState>,
    r: Recruiter,
    UiForm(mut f): UiForm<LiveForm>,
) -> Result<Response, UiError> {
    match f.action.as_str() {
        "find" => return form_page(&state, &r, f, Errors::none()).await,
        "load-candidate" => {
            (f.candidate_subject, f.candidate_body) =
                template_text(&state, &r, TemplateKind::LiveInvitation, &f.candidate_template).await?;
            return form_page(&state, &r, f, Errors::none()).await;
        }
        "load-interviewer" => {
            (f.interviewer_subject, f.interviewer_body) =
                template_text(&state, &r, TemplateKind::LiveInterviewer, &f.interviewer_template).await?;
            return form_page(&state, &r, f, Errors::none()).await;
        }
        "preview" => {
            let previewed = match schedule_input(&state, &r, &f).await {
                Ok(input) => state.slate().preview_live(r.caller, input).await.map_err(ApiError::from),
                Err(e) => Err(e),
            };
            return match previewed {
                Ok(p) => form_page_with(&state, &r, f, Some(p), Errors::none()).await,
                Err(e) => form_page(&state, &r, f, Errors::from_api(e)?).await,
            };
        }
        _ => {}
    }
    let scheduled = match schedule_input(&state, &r, &f).await {
        Ok(input) => state.slate().schedule_live(r.caller, input).await.map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match scheduled {
        Ok(live) => {
            tracing::info!(live_interview = %live.id(), "live interview scheduled in the web UI");
            Ok(done(&format!("/live/{}", live.id()), "scheduled"))
        }
        Err(e) => form_page(&state, &r, f, Errors::from_api(e)?).await,
    }
}

// ---------------------------------------------------------------- one live interview

struct AttendeeRow {
    name: String,
    role: &'static str,
    email: String,
    response: &'static str,
    response_label: &'static str,
    message: String,
    answered: String,
    link: String,
}

#[derive(Template)]
#[template(path = "ui/live.html")]
struct LivePage {
    c: Chrome,
    id: String,
    title: String,
    status: (&'static str, &'static str),
    when: String,
    minutes: u16,
    meeting_url: Option<String>,
    place: Option<String>,
    candidate_id: String,
    attendees: Vec<AttendeeRow>,
    can_change: bool,
    revision: u64,
    date: String,
    time: String,
    zone: String,
    zones: Vec<&'static str>,
    today: String,
    errors: Errors,
}

async fn live_page(
    state: &AppState,
    r: &Recruiter,
    live: &LiveInterview,
    notice: Option<&str>,
    errors: Errors,
) -> Result<Response, UiError> {
    let p = live.parts();
    let (meeting_url, place) = match &p.location {
        Location::Online(url) => (Some(url.as_str().to_owned()), None),
        Location::Place(place) => (None, Some(place.to_string())),
    };
    let cancelled = live.status() == LiveStatus::Cancelled;
    let attendees = live
        .attendees()
        .iter()
        .map(|a| {
            let (response_label, message) = match &a.response {
                AttendeeResponse::Pending => ("No answer yet", String::new()),
                AttendeeResponse::Confirmed => ("Confirmed", String::new()),
                AttendeeResponse::Declined { message } => {
                    ("Declined", message.as_ref().map(ToString::to_string).unwrap_or_default())
                }
            };
            AttendeeRow {
                name: a.name.to_string(),
                role: match a.role {
                    AttendeeRole::Candidate(_) => "Candidate",
                    AttendeeRole::Interviewer(Some(_)) => "Interviewer (recruiter)",
                    AttendeeRole::Interviewer(None) => "Interviewer",
                },
                email: a.email.to_string(),
                response: a.response.as_str(),
                response_label,
                message,
                answered: a.responded_at.map(|t| r.local(t)).unwrap_or_default(),
                link: if cancelled {
                    String::new()
                } else {
                    state.slate().attendee_link(live, a.id).map(|l| l.expose().to_owned()).unwrap_or_default()
                },
            }
        })
        .collect();
    let status = errors.status();
    let html = LivePage {
        c: r.chrome("live", live.title().to_string()).with_notice(notice),
        id: live.id().to_string(),
        title: live.title().to_string(),
        status: status_label(live.status()),
        when: when(r, live),
        minutes: p.slot.minutes(),
        meeting_url,
        place,
        candidate_id: live.candidate_id().map(|c| c.to_string()).unwrap_or_default(),
        attendees,
        can_change: live.can_resend(state.slate().now()),
        revision: live.revision(),
        date: p.slot.date().to_string(),
        time: p.slot.time().format("%H:%M").to_string(),
        zone: p.slot.zone().name().to_owned(),
        zones: chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()).collect(),
        today: state.slate().today_in(r.org.time_zone).to_string(),
        errors,
    }
    .render();
    Ok(page(status, html))
}

#[derive(Deserialize)]
pub(crate) struct Shown {
    #[serde(default)]
    done: Option<String>,
}

/// `GET /live/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    Query(q): Query<Shown>,
) -> Result<Response, UiError> {
    let live = state.slate().live_interview(r.caller, live_id(&raw)?).await.map_err(ApiError::from)?;
    live_page(&state, &r, &live, q.done.as_deref(), Errors::none()).await
}

#[derive(Deserialize, Default)]
pub(crate) struct ActionForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    revision: Option<u64>,
}

/// Shows the page again with a refusal, or goes back to it with `notice`.
async fn after(
    state: &AppState,
    r: &Recruiter,
    id: LiveInterviewId,
    result: Result<LiveInterview, ApiError>,
    notice: &str,
) -> Result<Response, UiError> {
    match result {
        Ok(live) => Ok(done(&format!("/live/{}", live.id()), notice)),
        Err(e) => {
            let errors = Errors::from_api(e)?;
            let live = state.slate().live_interview(r.caller, id).await.map_err(ApiError::from)?;
            live_page(state, r, &live, None, errors).await
        }
    }
}

/// `POST /live/{id}/resend`.
pub(crate) async fn resend(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    UiForm(_): UiForm<ActionForm>,
) -> Result<Response, UiError> {
    let id = live_id(&raw)?;
    let result = match state.limit_resend(r.caller.organization_id, id.as_uuid()) {
        Ok(()) => state.slate().resend_live(r.caller, id).await.map_err(ApiError::from),
        Err(e) => Err(e),
    };
    after(&state, &r, id, result, "live-resent").await
}

/// `POST /live/{id}/reschedule`: a new time; every answer is reset.
pub(crate) async fn reschedule(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    UiForm(f): UiForm<ActionForm>,
) -> Result<Response, UiError> {
    let id = live_id(&raw)?;
    let result = match slot_input(&f.date, &f.time, &f.duration_minutes, &f.time_zone) {
        Ok(slot) => state.slate().reschedule_live(r.caller, id, f.revision, slot).await.map_err(ApiError::from),
        Err(e) => Err(e),
    };
    after(&state, &r, id, result, "live-moved").await
}

/// `POST /live/{id}/cancel`.
pub(crate) async fn cancel(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    UiForm(f): UiForm<ActionForm>,
) -> Result<Response, UiError> {
    let id = live_id(&raw)?;
    let result = state.slate().cancel_live(r.caller, id, f.revision).await.map_err(ApiError::from);
    after(&state, &r, id, result, "live-cancelled").await
}
