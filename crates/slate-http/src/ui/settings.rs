//! Organization settings: name, time zone, default language, reminder policy; and the
//! communication templates per kind and language, edited with a preview (placeholders
//! filled with sample values) before saving.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use slate_domain::{
    DisplayName, Language, OrganizationSettings, Placeholder, PreviewInput, ReminderPolicy, TemplateInput,
    TemplateKind, TimeZone,
};

use super::forms::Errors;
use super::{Chrome, Recruiter, UiError, UiForm, done, languages, page};
use crate::error::FieldResult as _;
use crate::{ApiError, AppState};

/// What the settings form holds, as typed.
#[derive(Deserialize, Default)]
pub(crate) struct SettingsForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    default_language: String,
    #[serde(default)]
    remind_not_started_days: String,
    #[serde(default)]
    remind_days_before_deadline: String,
}

struct TemplateRow {
    kind: &'static str,
    label: &'static str,
    languages: Vec<(&'static str, &'static str, bool)>,
}

#[derive(Template)]
#[template(path = "ui/settings.html")]
struct SettingsPage {
    c: Chrome,
    f: SettingsForm,
    errors: Errors,
    languages: Vec<(&'static str, &'static str)>,
    zones: Vec<&'static str>,
    templates: Vec<TemplateRow>,
}

pub(crate) fn kind_label(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Invitation => "Invitation",
        TemplateKind::Resend => "Invitation sent again",
        TemplateKind::ReminderNotStarted => "Reminder: not started",
        TemplateKind::ReminderDeadline => "Reminder: deadline tomorrow",
        TemplateKind::CompletionNotice => "Completion notice (to you)",
        TemplateKind::DeadlineChanged => "Deadline changed",
        TemplateKind::Cancelled => "Invitation withdrawn",
        TemplateKind::LiveInvitation => "Live interview: invite to the candidate",
        TemplateKind::LiveInterviewer => "Live interview: invite to an interviewer",
        TemplateKind::LiveUpdated => "Live interview: new time",
        TemplateKind::LiveCancelled => "Live interview: cancelled",
        TemplateKind::LiveReminder => "Live interview: reminder",
    }
}

async fn settings_page(
    state: &AppState,
    r: &Recruiter,
    f: SettingsForm,
    errors: Errors,
    notice: Option<&str>,
) -> Result<Response, UiError> {
    let effective = state.slate().list_templates(r.caller).await?;
    let templates = TemplateKind::ALL
        .into_iter()
        .map(|kind| TemplateRow {
            kind: kind.as_str(),
            label: kind_label(kind),
            languages: Language::ALL
                .into_iter()
                .map(|l| {
                    let custom = effective.iter().any(|t| t.kind == kind && t.language == l && t.custom.is_some());
                    (l.code(), l.native_name(), custom)
                })
                .collect(),
        })
        .collect();
    let status = errors.status();
    let page_ = SettingsPage {
        c: r.chrome("settings", "Settings").with_notice(notice),
        f,
        errors,
        languages: languages(),
        zones: chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()).collect(),
        templates,
    };
    Ok(page(status, page_.render()))
}

#[derive(Deserialize)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

/// `GET /settings`.
pub(crate) async fn show(
    State(state): State<AppState>,
    r: Recruiter,
    Query(q): Query<DoneQuery>,
) -> Result<Response, UiError> {
    let o = &r.org;
    let days = |d: Option<u16>| d.map(|d| d.to_string()).unwrap_or_default();
    let f = SettingsForm {
        name: o.name.to_string(),
        time_zone: o.time_zone.name().to_owned(),
        default_language: o.default_language.code().to_owned(),
        remind_not_started_days: days(o.reminders.not_started_after_days()),
        remind_days_before_deadline: days(o.reminders.days_before_deadline()),
    };
    settings_page(&state, &r, f, Errors::none(), q.done.as_deref()).await
}

fn settings(f: &SettingsForm) -> Result<OrganizationSettings, ApiError> {
    let days = |v: &str, field: &str| -> Result<Option<u16>, ApiError> {
        Some(v.trim())
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<u16>()
                    .map_err(|_| ApiError::invalid(field, "a whole number of days from 1 to 60, or empty for none"))
            })
            .transpose()
    };
    let reminders = ReminderPolicy::new(
        days(&f.remind_not_started_days, "remind_not_started_days")?,
        days(&f.remind_days_before_deadline, "remind_days_before_deadline")?,
    )
    .map_err(|e| ApiError::invalid("remind_not_started_days", e))?;
    Ok(OrganizationSettings {
        name: DisplayName::parse(&f.name).field("name")?,
        time_zone: TimeZone::parse(f.time_zone.trim()).field("time_zone")?,
        default_language: f.default_language.parse::<Language>().field("default_language")?,
        reminders,
    })
}

/// `POST /settings`.
pub(crate) async fn save(
    State(state): State<AppState>,
    r: Recruiter,
    UiForm(f): UiForm<SettingsForm>,
) -> Result<Response, UiError> {
    match settings(&f) {
        Ok(s) => {
            state.slate().update_organization(r.caller, s).await?;
            Ok(done("/settings", "saved"))
        }
        Err(e) => settings_page(&state, &r, f, Errors::from_api(e)?, None).await,
    }
}

/// The template form, as typed.
#[derive(Deserialize, Default)]
pub(crate) struct TemplateForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    revision: Option<u64>,
    /// `preview`, `save` or `reset`.
    #[serde(default)]
    action: String,
}

#[derive(Template)]
#[template(path = "ui/template.html")]
struct TemplatePage {
    c: Chrome,
    kind: &'static str,
    label: &'static str,
    language: &'static str,
    language_name: &'static str,
    f: TemplateForm,
    custom: bool,
    errors: Errors,
    placeholders: Vec<&'static str>,
    preview: Option<slate_domain::RenderedMessage>,
}

fn kind_and_language(kind: &str, language: &str) -> Result<(TemplateKind, Language), UiError> {
    let kind = TemplateKind::from_name(kind).ok_or(UiError::NotFound)?;
    let language = language.parse::<Language>().map_err(|_| UiError::NotFound)?;
    Ok((kind, language))
}

async fn template_page(
    state: &AppState,
    r: &Recruiter,
    (kind, language): (TemplateKind, Language),
    f: Option<TemplateForm>,
    errors: Errors,
    preview: Option<slate_domain::RenderedMessage>,
    notice: Option<&str>,
) -> Result<Response, UiError> {
    let effective = state.slate().get_template(r.caller, kind, language).await?;
    let f = f.unwrap_or_else(|| TemplateForm {
        subject: effective.content.subject.as_str().to_owned(),
        body: effective.content.body.as_str().to_owned(),
        revision: effective.custom.as_ref().map(|t| t.revision),
        action: String::new(),
    });
    let status = errors.status();
    let page_ = TemplatePage {
        c: r.chrome("settings", format!("{} ({})", kind_label(kind), language.native_name())).with_notice(notice),
        kind: kind.as_str(),
        label: kind_label(kind),
        language: language.code(),
        language_name: language.native_name(),
        f,
        custom: effective.custom.is_some(),
        errors,
        placeholders: Placeholder::ALL.into_iter().map(Placeholder::name).collect(),
        preview,
    };
    Ok(page(status, page_.render()))
}

/// `GET /settings/templates/{kind}/{language}`.
pub(crate) async fn template(
    State(state): State<AppState>,
    r: Recruiter,
    Path((kind, language)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, UiError> {
    let (kind, language) = kind_and_language(&kind, &language)?;
    template_page(&state, &r, (kind, language), None, Errors::none(), None, q.done.as_deref()).await
}

/// `POST /settings/templates/{kind}/{language}`: preview, save, or reset to Slate's wording.
pub(crate) async fn save_template(
    State(state): State<AppState>,
    r: Recruiter,
    Path((kind_raw, language_raw)): Path<(String, String)>,
    UiForm(f): UiForm<TemplateForm>,
) -> Result<Response, UiError> {
    let (kind, language) = kind_and_language(&kind_raw, &language_raw)?;
    let back = format!("/settings/templates/{}/{}", kind.as_str(), language.code());
    let slate = state.slate();
    match f.action.as_str() {
        "reset" => {
            match slate.reset_template(r.caller, kind, language).await {
                Ok(_) | Err(slate_domain::TemplateUseCaseError::NotFound) => {}
                Err(e) => return Err(ApiError::from(e).into()),
            }
            Ok(done(&back, "saved"))
        }
        "preview" => {
            let input = PreviewInput {
                kind,
                language,
                subject: Some(f.subject.clone()),
                body: Some(f.body.clone()),
                invitation_id: None,
            };
            match slate.preview_template(r.caller, input).await {
                Ok(rendered) => {
                    template_page(&state, &r, (kind, language), Some(f), Errors::none(), Some(rendered), None).await
                }
                Err(e) => {
                    let errors = Errors::from_api(ApiError::from(e))?;
                    template_page(&state, &r, (kind, language), Some(f), errors, None, None).await
                }
            }
        }
        _ => {
            let input = TemplateInput {
                kind,
                language,
                subject: f.subject.clone(),
                body: f.body.clone(),
                revision: f.revision,
            };
            let exists = slate.get_template(r.caller, kind, language).await?.custom.is_some();
            let result = if exists {
                slate.save_template(r.caller, input).await
            } else {
                slate.create_template(r.caller, input).await
            };
            match result {
                Ok(_) => Ok(done(&back, "saved")),
                Err(e) => {
                    let errors = Errors::from_api(ApiError::from(e))?;
                    template_page(&state, &r, (kind, language), Some(f), errors, None, None).await
                }
            }
        }
    }
}
