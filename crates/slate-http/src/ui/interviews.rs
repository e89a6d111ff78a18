//! Video interviews: the list, creating and editing (questions with thinking time, answer
//! length and retakes; add, remove, reorder — all without JavaScript), publishing,
//! archiving, details, and the preview exactly as a candidate sees it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use slate_domain::{
    DisplayName, InterviewDetails, InterviewId, InterviewInput, InterviewStatus, JobId, JobText, Label, LanguageTag,
    LongText, NewJob, Prompt, QuestionId, QuestionInput, VideoInterview,
};

use super::forms::{Errors, filled};
use super::{Chrome, Recruiter, UiError, UiForm, done, ok, page};
use crate::AppState;
use crate::error::FieldResult as _;

fn interview_id(raw: &str) -> Result<InterviewId, UiError> {
    uuid::Uuid::parse_str(raw).map(InterviewId::from_uuid).map_err(|_| UiError::NotFound)
}

fn minutes(secs: u64) -> u64 {
    secs.div_ceil(60)
}

pub(crate) fn status_name(s: InterviewStatus) -> (&'static str, &'static str) {
    match s {
        InterviewStatus::Draft => ("Draft", "badge-wait"),
        InterviewStatus::Published => ("Published", "badge-ok"),
        InterviewStatus::Archived => ("Archived", "badge-muted"),
    }
}

struct Row {
    id: String,
    name: String,
    job: String,
    status: (&'static str, &'static str),
    questions: usize,
    minutes: u64,
    difficulty: String,
    focus: String,
}

#[derive(Template)]
#[template(path = "ui/interviews.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    filter: String,
}

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

/// `GET /interviews`.
pub(crate) async fn list(
    State(state): State<AppState>,
    r: Recruiter,
    Query(q): Query<ListQuery>,
) -> Result<Response, UiError> {
    let status = filled(&q.status).and_then(InterviewStatus::from_name);
    let interviews = state.slate().list_interviews(r.caller, status).await?;
    let jobs = state.slate().list_jobs(r.caller).await?;
    let rows = interviews
        .iter()
        .map(|i| {
            let d = i.details();
            Row {
                id: i.id().to_string(),
                name: d.name.to_string(),
                job: d
                    .job_id
                    .and_then(|j| jobs.iter().find(|x| x.id == j))
                    .map(|j| j.title.to_string())
                    .unwrap_or_default(),
                status: status_name(i.status()),
                questions: i.questions().len(),
                minutes: minutes(estimated_secs(i)),
                difficulty: d.difficulty.as_ref().map(ToString::to_string).unwrap_or_default(),
                focus: d.focus_area.as_ref().map(ToString::to_string).unwrap_or_default(),
            }
        })
        .collect();
    let page = ListPage {
        c: r.chrome("interviews", "Video interviews").with_notice(q.done.as_deref()),
        rows,
        filter: status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
    };
    Ok(ok(&page))
}

fn estimated_secs(i: &VideoInterview) -> u64 {
    i.questions().iter().map(|q| u64::from(q.thinking_secs()) + u64::from(q.max_answer_secs())).sum()
}

/// One question row of the form, as typed.
#[derive(Clone, Default)]
pub(crate) struct QuestionRow {
    id: String,
    prompt: String,
    thinking: String,
    max: String,
    retakes: String,
    error: Option<String>,
    prompt_error: Option<String>,
}

/// The interview form, as typed.
#[derive(Deserialize, Default)]
pub(crate) struct InterviewForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    job_id: String,
    #[serde(default)]
    intro: String,
    #[serde(default)]
    question_language: String,
    #[serde(default)]
    difficulty: String,
    #[serde(default)]
    focus_area: String,
    #[serde(default)]
    revision: Option<u64>,
    #[serde(default)]
    q_id: Vec<String>,
    #[serde(default)]
    q_prompt: Vec<String>,
    #[serde(default)]
    q_thinking: Vec<String>,
    #[serde(default)]
    q_max: Vec<String>,
    #[serde(default)]
    q_retakes: Vec<String>,
    /// Which button: `save`, `add`, `up-N`, `down-N`, `remove-N`.
    #[serde(default)]
    action: String,
}

impl InterviewForm {
    fn rows(&self) -> Vec<QuestionRow> {
        let get = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (0..self.q_prompt.len())
            .map(|i| QuestionRow {
                id: get(&self.q_id, i),
                prompt: get(&self.q_prompt, i),
                thinking: get(&self.q_thinking, i),
                max: get(&self.q_max, i),
                retakes: get(&self.q_retakes, i),
                ..QuestionRow::default()
            })
            .collect()
    }

    fn from_interview(i: &VideoInterview) -> Self {
        let d = i.details();
        let qs = i.questions();
        Self {
            name: d.name.to_string(),
            job_id: d.job_id.map(|j| j.as_uuid().to_string()).unwrap_or_default(),
            intro: d.intro.to_string(),
            question_language: d.question_language.to_string(),
            difficulty: d.difficulty.as_ref().map(ToString::to_string).unwrap_or_default(),
            focus_area: d.focus_area.as_ref().map(ToString::to_string).unwrap_or_default(),
            revision: Some(i.revision()),
            q_id: qs.iter().map(|q| q.id().to_string()).collect(),
            q_prompt: qs.iter().map(|q| q.prompt().to_string()).collect(),
            q_thinking: qs.iter().map(|q| q.thinking_secs().to_string()).collect(),
            q_max: qs.iter().map(|q| q.max_answer_secs().to_string()).collect(),
            q_retakes: qs.iter().map(|q| q.retakes().to_string()).collect(),
            action: String::new(),
        }
    }

    fn blank(language: &str) -> Self {
        Self {
            question_language: language.to_owned(),
            q_id: vec![String::new()],
            q_prompt: vec![String::new()],
            q_thinking: vec!["30".into()],
            q_max: vec!["120".into()],
            q_retakes: vec!["1".into()],
            ..Self::default()
        }
    }

    /// Applies an add / remove / move button; `true` when the form is to be shown again
    /// instead of saved.
    fn rearrange(&mut self) -> bool {
        fn cols(f: &mut InterviewForm) -> [&mut Vec<String>; 5] {
            [&mut f.q_id, &mut f.q_prompt, &mut f.q_thinking, &mut f.q_max, &mut f.q_retakes]
        }
        let n = self.q_prompt.len();
        for c in cols(self) {
            c.resize(n, String::new());
        }
        let action = self.action.clone();
        if action == "add" {
            for (c, v) in cols(self).into_iter().zip(["", "", "30", "120", "1"]) {
                c.push(v.to_owned());
            }
            return true;
        }
        let index = |prefix: &str| action.strip_prefix(prefix).and_then(|i| i.parse::<usize>().ok()).filter(|i| *i < n);
        if let Some(i) = index("remove-") {
            for c in cols(self) {
                c.remove(i);
            }
            return true;
        }
        if let Some(i) = index("up-").filter(|i| *i > 0) {
            for c in cols(self) {
                c.swap(i, i - 1);
            }
            return true;
        }
        if let Some(i) = index("down-").filter(|i| i + 1 < n) {
            for c in cols(self) {
                c.swap(i, i + 1);
            }
            return true;
        }
        false
    }

    fn input(&self) -> Result<InterviewInput, crate::ApiError> {
        let label = |v: &str, field: &str| {
            Some(v.trim()).filter(|s| !s.is_empty()).map(|s| Label::parse(s).field(field)).transpose()
        };
        let job_id = Some(self.job_id.trim())
            .filter(|s| !s.is_empty())
            .map(|s| uuid::Uuid::parse_str(s).map(JobId::from_uuid))
            .transpose()
            .map_err(|_| crate::ApiError::invalid("job_id", "choose a job from the list"))?;
        let details = InterviewDetails {
            name: DisplayName::parse(&self.name).field("name")?,
            job_id,
            intro: LongText::parse(&self.intro).field("intro")?,
            question_language: LanguageTag::parse(&self.question_language).field("question_language")?,
            difficulty: label(&self.difficulty, "difficulty")?,
            focus_area: label(&self.focus_area, "focus_area")?,
        };
        let number = |v: &str, field: String, what: &str| {
            v.trim()
                .parse::<u32>()
                .map_err(|_| crate::ApiError::invalid(field, format!("{what} must be a whole number of seconds")))
        };
        let questions = self
            .rows()
            .iter()
            .enumerate()
            .map(|(i, q)| {
                Ok(QuestionInput {
                    id: uuid::Uuid::parse_str(q.id.trim()).ok().map(QuestionId::from_uuid),
                    prompt: Prompt::parse(&q.prompt).field(&format!("questions[{i}].prompt"))?,
                    thinking_secs: number(&q.thinking, format!("questions[{i}]"), "thinking time")?,
                    max_answer_secs: number(&q.max, format!("questions[{i}]"), "the answer length")?,
                    retakes: q.retakes.trim().parse::<u8>().map_err(|_| {
                        crate::ApiError::invalid(
                            format!("questions[{i}]"),
                            "retakes must be a whole number from 0 to 10",
                        )
                    })?,
                })
            })
            .collect::<Result<Vec<_>, crate::ApiError>>()?;
        Ok(InterviewInput { details, questions })
    }
}

#[derive(Template)]
#[template(path = "ui/interview_form.html")]
struct FormPage {
    c: Chrome,
    action: String,
    f: InterviewForm,
    questions: Vec<QuestionRow>,
    jobs: Vec<(String, String)>,
    errors: Errors,
    editing: bool,
    status: Option<(&'static str, &'static str)>,
}

impl FormPage {
    fn job_selected(&self, id: &str) -> bool {
        self.f.job_id == id
    }
}

async fn form_page(
    state: &AppState,
    r: &Recruiter,
    action: String,
    f: InterviewForm,
    errors: Errors,
    editing: Option<InterviewStatus>,
) -> Result<Response, UiError> {
    let jobs = state.slate().list_jobs(r.caller).await?;
    let mut questions = f.rows();
    for (i, q) in questions.iter_mut().enumerate() {
        q.error = errors.get(&format!("questions[{i}]")).map(ToOwned::to_owned);
        q.prompt_error = errors.get(&format!("questions[{i}].prompt")).map(ToOwned::to_owned);
    }
    let title = if editing.is_some() { "Edit video interview" } else { "New video interview" };
    let status = errors.status();
    let page_ = FormPage {
        c: r.chrome("interviews", title),
        action,
        questions,
        jobs: jobs.iter().map(|j| (j.id.as_uuid().to_string(), format!("{} — {}", j.title, j.company_name))).collect(),
        f,
        errors,
        editing: editing.is_some(),
        status: editing.map(status_name),
    };
    Ok(page(status, page_.render()))
}

#[derive(Deserialize)]
pub(crate) struct NewQuery {
    #[serde(default)]
    job: Option<String>,
}

/// `GET /interviews/new`.
pub(crate) async fn new_form(
    State(state): State<AppState>,
    r: Recruiter,
    Query(q): Query<NewQuery>,
) -> Result<Response, UiError> {
    let mut f = InterviewForm::blank(r.org.default_language.code());
    f.job_id = q.job.unwrap_or_default();
    form_page(&state, &r, "/interviews/new".into(), f, Errors::none(), None).await
}

/// `POST /interviews/new`: creates a draft (or rearranges the questions and shows the form
/// again).
pub(crate) async fn create(
    State(state): State<AppState>,
    r: Recruiter,
    UiForm(mut f): UiForm<InterviewForm>,
) -> Result<Response, UiError> {
    if f.rearrange() {
        return form_page(&state, &r, "/interviews/new".into(), f, Errors::none(), None).await;
    }
    let result = match f.input() {
        Ok(input) => state.slate().create_interview(r.caller, input).await.map_err(crate::ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(i) => Ok(done(&format!("/interviews/{}", i.id()), "created")),
        Err(e) => form_page(&state, &r, "/interviews/new".into(), f, Errors::from_api(e)?, None).await,
    }
}

/// `GET /interviews/{id}/edit`.
pub(crate) async fn edit_form(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
) -> Result<Response, UiError> {
    let id = interview_id(&raw)?;
    let i = state.slate().get_interview(r.caller, id).await?;
    form_page(
        &state,
        &r,
        format!("/interviews/{id}/edit"),
        InterviewForm::from_interview(&i),
        Errors::none(),
        Some(i.status()),
    )
    .await
}

/// `POST /interviews/{id}/edit`.
pub(crate) async fn update(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    UiForm(mut f): UiForm<InterviewForm>,
) -> Result<Response, UiError> {
    let id = interview_id(&raw)?;
    let current = state.slate().get_interview(r.caller, id).await?;
    let action = format!("/interviews/{id}/edit");
    if f.rearrange() {
        return form_page(&state, &r, action, f, Errors::none(), Some(current.status())).await;
    }
    let result = match f.input() {
        Ok(input) => state.slate().edit_interview(r.caller, id, f.revision, input).await.map_err(crate::ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(done(&format!("/interviews/{id}"), "saved")),
        Err(e) => form_page(&state, &r, action, f, Errors::from_api(e)?, Some(current.status())).await,
    }
}

struct QuestionView {
    prompt: String,
    thinking: u32,
    max: u32,
    retakes: u8,
}

#[derive(Template)]
#[template(path = "ui/interview.html")]
struct DetailsPage {
    c: Chrome,
    id: String,
    name: String,
    status: (&'static str, &'static str),
    can_publish: bool,
    can_archive: bool,
    can_invite: bool,
    can_edit: bool,
    job: String,
    company: String,
    language: String,
    difficulty: String,
    focus: String,
    intro: String,
    questions: Vec<QuestionView>,
    minutes: u64,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

async fn details_page(
    state: &AppState,
    r: &Recruiter,
    id: InterviewId,
    done: Option<&str>,
    error: Option<String>,
) -> Result<Response, UiError> {
    let i = state.slate().get_interview(r.caller, id).await?;
    let d = i.details();
    let job = match d.job_id {
        Some(j) => state.slate().get_job(r.caller, j).await.ok(),
        None => None,
    };
    let status = i.status();
    let page_ = DetailsPage {
        c: r.chrome("interviews", d.name.to_string()).with_notice(done),
        id: id.to_string(),
        name: d.name.to_string(),
        status: status_name(status),
        can_publish: status == InterviewStatus::Draft,
        can_archive: status != InterviewStatus::Archived,
        can_invite: status == InterviewStatus::Published,
        can_edit: status != InterviewStatus::Archived,
        job: job.as_ref().map(|j| j.title.to_string()).unwrap_or_default(),
        company: job.as_ref().map_or_else(|| r.org.name.to_string(), |j| j.company_name.to_string()),
        language: d.question_language.to_string(),
        difficulty: d.difficulty.as_ref().map(ToString::to_string).unwrap_or_default(),
        focus: d.focus_area.as_ref().map(ToString::to_string).unwrap_or_default(),
        intro: d.intro.to_string(),
        questions: i
            .questions()
            .iter()
            .map(|q| QuestionView {
                prompt: q.prompt().to_string(),
                thinking: q.thinking_secs(),
                max: q.max_answer_secs(),
                retakes: q.retakes(),
            })
            .collect(),
        minutes: minutes(estimated_secs(&i)),
        error,
    };
    let status = if page_.error.is_some() { StatusCode::CONFLICT } else { StatusCode::OK };
    Ok(page(status, page_.render()))
}

/// `GET /interviews/{id}`.
pub(crate) async fn details(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, UiError> {
    details_page(&state, &r, interview_id(&raw)?, q.done.as_deref(), None).await
}

#[derive(Deserialize)]
pub(crate) struct Empty {}

/// After publishing or archiving: back to the interview with a confirmation, or its page with
/// the refusal.
async fn after_status_change(
    state: &AppState,
    r: &Recruiter,
    id: InterviewId,
    result: Result<VideoInterview, slate_domain::InterviewUseCaseError>,
    what: &str,
) -> Result<Response, UiError> {
    match result.map_err(crate::ApiError::from) {
        Ok(_) => Ok(done(&format!("/interviews/{id}"), what)),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            details_page(state, r, id, None, Some(e.body.message)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /interviews/{id}/publish`.
pub(crate) async fn publish(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    UiForm(_): UiForm<Empty>,
) -> Result<Response, UiError> {
    let id = interview_id(&raw)?;
    let result = state.slate().publish_interview(r.caller, id).await;
    after_status_change(&state, &r, id, result, "published").await
}

/// `POST /interviews/{id}/archive`.
pub(crate) async fn archive(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    UiForm(_): UiForm<Empty>,
) -> Result<Response, UiError> {
    let id = interview_id(&raw)?;
    let result = state.slate().archive_interview(r.caller, id).await;
    after_status_change(&state, &r, id, result, "archived").await
}

/// `GET /interviews/{id}/preview`: the candidate's landing page and questions, exactly as an
/// invited candidate would see them now (nothing is recorded).
pub(crate) async fn preview(
    State(state): State<AppState>,
    r: Recruiter,
    Path(raw): Path<String>,
    Query(q): Query<PreviewQuery>,
) -> Result<Response, UiError> {
    let id = interview_id(&raw)?;
    let snapshot = state.slate().preview_interview(r.caller, id).await.map_err(crate::ApiError::from)?;
    let language = filled(&q.language).and_then(|l| l.parse().ok()).unwrap_or(r.org.default_language);
    Ok(crate::candidate::preview_page(&snapshot, &r.org, language, state.slate().today_in(r.org.time_zone)))
}

#[derive(Deserialize)]
pub(crate) struct PreviewQuery {
    #[serde(default)]
    language: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct JobForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    company_name: String,
}

/// `POST /jobs/new`: a job, from the interview form's "new job" box; back to a new interview
/// for it.
pub(crate) async fn create_job(
    State(state): State<AppState>,
    r: Recruiter,
    UiForm(f): UiForm<JobForm>,
) -> Result<Response, UiError> {
    let title = JobText::parse(&f.title)
        .map_err(|e| UiError::Refused(StatusCode::UNPROCESSABLE_ENTITY, format!("Job title: {e}")))?;
    let company = JobText::parse(&f.company_name)
        .map_err(|e| UiError::Refused(StatusCode::UNPROCESSABLE_ENTITY, format!("Company name: {e}")))?;
    let job =
        state.slate().create_job(r.caller, NewJob { title, company_name: company }).await.map_err(|e| match e {
            slate_domain::CreateJobError::Internal(e) => UiError::internal(&e),
        })?;
    Ok(Redirect::to(&format!("/interviews/new?job={}", job.id.as_uuid())).into_response())
}
