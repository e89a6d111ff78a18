//! Communication templates (list, read, create, update, reset, preview) and the local
//! mailbox (the emails kept instead of sent on the embedded defaults).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use slate_domain::*;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Auth;
use crate::error::ErrorBody;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{ApiError, AppState};

/// How one kind of email is worded in one language.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateDto {
    /// `invitation`, `resend`, `reminder_not_started`, `reminder_deadline`,
    /// `completion_notice`, `deadline_changed` or `cancelled`.
    pub kind: String,
    /// `en`, `de`, `fr`, `es`, `it`, `nl`, `pt`, `el` or `pl`.
    pub language: String,
    /// The subject, with placeholders such as `{{job.title}}`.
    pub subject: String,
    /// The body, with placeholders; blank lines separate paragraphs.
    pub body: String,
    /// `custom` (the organization's own) or `default` (the wording Slate ships).
    pub source: String,
    /// The custom template's revision (send it back with an update), `null` for a default.
    pub revision: Option<u64>,
    /// When the custom template last changed (RFC 3339, UTC).
    pub updated_at: Option<String>,
}

impl From<&EffectiveTemplate> for TemplateDto {
    fn from(t: &EffectiveTemplate) -> Self {
        Self {
            kind: t.kind.as_str().to_owned(),
            language: t.language.code().to_owned(),
            subject: t.content.subject.as_str().to_owned(),
            body: t.content.body.as_str().to_owned(),
            source: if t.custom.is_some() { "custom" } else { "default" }.to_owned(),
            revision: t.custom.as_ref().map(|c| c.revision),
            updated_at: t.custom.as_ref().map(|c| c.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        }
    }
}

/// A new wording.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateBody {
    /// The subject, one line.
    pub subject: String,
    /// The body.
    pub body: String,
    /// For an update: the revision you read (a stale one is refused with `conflict`).
    #[serde(default)]
    pub revision: Option<u64>,
}

/// A new template, with its kind and language.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTemplate {
    /// The kind of email.
    pub kind: String,
    /// Its language.
    pub language: String,
    /// The subject.
    pub subject: String,
    /// The body.
    pub body: String,
}

/// What to preview: a wording (saved or not), with sample values or an invitation's.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewBody {
    /// The kind of email.
    pub kind: String,
    /// Its language.
    pub language: String,
    /// A subject to try; the current one when left out.
    #[serde(default)]
    pub subject: Option<String>,
    /// A body to try; the current one when left out.
    #[serde(default)]
    pub body: Option<String>,
    /// Fill it with this invitation's values instead of sample ones.
    #[serde(default)]
    pub invitation_id: Option<Uuid>,
}

/// An email as it would be sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct RenderedDto {
    /// The subject.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part (every value escaped; nothing loaded from elsewhere).
    pub html: String,
}

impl From<&RenderedMessage> for RenderedDto {
    fn from(r: &RenderedMessage) -> Self {
        Self { subject: r.subject.clone(), text: r.text.clone(), html: r.html.clone() }
    }
}

/// A captured email in the mailbox list.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailboxItemDto {
    /// The outbox message it is.
    pub id: Uuid,
    /// The invitation it is about (`null` for a message about a live interview).
    pub invitation_id: Option<Uuid>,
    /// The live interview it is about (`null` for a message about an invitation).
    pub live_interview_id: Option<Uuid>,
    /// The live interview's attendee it went to.
    pub attendee_id: Option<Uuid>,
    /// What it is (`invitation`, `bcc_copy`, `reminder_not_started`, `live_invitation` …).
    pub kind: String,
    /// `From`.
    pub from: String,
    /// The recipient.
    pub to: String,
    /// The subject.
    pub subject: String,
    /// When it was kept (RFC 3339, UTC).
    pub captured_at: String,
}

/// One captured email, with both parts and the candidate's link as it works now.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailboxEmailDto {
    /// The summary.
    #[serde(flatten)]
    pub summary: MailboxItemDto,
    /// `Reply-To`.
    pub reply_to: Option<String>,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

/// A page of the mailbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailboxPageDto {
    /// Newest first.
    pub items: Vec<MailboxItemDto>,
    /// Pass as `before` for the next page; absent on the last one.
    pub next: Option<Uuid>,
}

/// Paging through the mailbox.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MailboxParams {
    /// Emails older than this one (a previous page's `next`).
    pub before: Option<Uuid>,
    /// At most this many (1–200, default 50).
    pub limit: Option<usize>,
}

fn summary(e: &CapturedEmail) -> MailboxItemDto {
    MailboxItemDto {
        id: e.id.as_uuid(),
        invitation_id: e.about.invitation_id().map(|i| i.as_uuid()),
        live_interview_id: e.about.attendee().map(|(l, _)| l.as_uuid()),
        attendee_id: e.about.attendee().map(|(_, a)| a.as_uuid()),
        kind: e.kind.as_str().to_owned(),
        from: e.from.clone(),
        to: e.to.to_string(),
        subject: e.subject.clone(),
        captured_at: e.captured_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

fn kind(raw: &str, field: &str) -> Result<TemplateKind, ApiError> {
    TemplateKind::from_name(raw).ok_or_else(|| {
        let known: Vec<_> = TemplateKind::ALL.iter().map(|k| k.as_str()).collect();
        ApiError::invalid(field, format!("{raw:?} is not a kind of email; one of {}", known.join(", ")))
    })
}

fn language(raw: &str, field: &str) -> Result<Language, ApiError> {
    raw.parse::<Language>().map_err(|e| ApiError::invalid(field, e))
}

/// A template text refused, on `field`, with a code per rule.
pub(crate) fn template_error(field: &str, error: &TemplateError) -> ApiError {
    let code = match error {
        TemplateError::UnknownPlaceholder { .. } => "unknown_placeholder",
        TemplateError::MissingPlaceholder { .. } => "missing_placeholder",
        TemplateError::ForbiddenPlaceholder { .. } => "forbidden_placeholder",
        _ => "validation_failed",
    };
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, error.to_string()).field(field)
}

impl From<TemplateUseCaseError> for ApiError {
    fn from(e: TemplateUseCaseError) -> Self {
        match e {
            TemplateUseCaseError::Invalid { field, error } => template_error(field.as_str(), &error),
            TemplateUseCaseError::AlreadyExists(_) => Self::new(StatusCode::CONFLICT, "already_exists", e.to_string()),
            TemplateUseCaseError::NotFound => Self::not_found("template"),
            TemplateUseCaseError::Conflict => Self::conflict(e),
            TemplateUseCaseError::Internal(e) => Self::internal(&e),
        }
    }
}

/// Every kind of email in every language, as the organization's emails are worded now.
#[utoipa::path(get, path = "/api/v1/templates", tag = "templates",
    responses((status = 200, body = Vec<TemplateDto>), (status = 401, description = "`unauthenticated`", body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn list_templates(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<TemplateDto>>, ApiError> {
    let all = state.slate().list_templates(auth.caller()).await?;
    Ok(Json(all.iter().map(TemplateDto::from).collect()))
}

/// Give the organization its own wording of one kind of email in one language. Unknown
/// placeholders (`unknown_placeholder`) and a missing `{{interview.link}}`
/// (`missing_placeholder`) are refused, naming the field and the placeholder.
#[utoipa::path(post, path = "/api/v1/templates", tag = "templates", request_body = NewTemplate,
    responses(
        (status = 201, body = TemplateDto),
        (status = 409, description = "The organization already has its own (`already_exists`)", body = ErrorBody),
        (status = 422, description = "`unknown_placeholder`, `missing_placeholder`, `forbidden_placeholder`, `validation_failed`", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn create_template(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NewTemplate>,
) -> Result<(StatusCode, Json<TemplateDto>), ApiError> {
    let kind = kind(&body.kind, "kind")?;
    let language = language(&body.language, "language")?;
    let input = TemplateInput { kind, language, subject: body.subject, body: body.body, revision: None };
    let t = state.slate().create_template(auth.caller(), input).await?;
    let effective = EffectiveTemplate { kind, language, content: t.content.clone(), custom: Some(t) };
    Ok((StatusCode::CREATED, Json(TemplateDto::from(&effective))))
}

/// One kind of email in one language, as it is worded now.
#[utoipa::path(get, path = "/api/v1/templates/{kind}/{language}", tag = "templates",
    params(("kind" = String, Path), ("language" = String, Path)),
    responses((status = 200, body = TemplateDto), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn get_template(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((k, l)): ApiPath<(String, String)>,
) -> Result<Json<TemplateDto>, ApiError> {
    let t = state.slate().get_template(auth.caller(), kind(&k, "kind")?, language(&l, "language")?).await?;
    Ok(Json(TemplateDto::from(&t)))
}

/// Change the wording (creating the organization's own template when it used the default).
#[utoipa::path(put, path = "/api/v1/templates/{kind}/{language}", tag = "templates",
    params(("kind" = String, Path), ("language" = String, Path)), request_body = TemplateBody,
    responses(
        (status = 200, body = TemplateDto),
        (status = 409, description = "Stale `revision` (`conflict`)", body = ErrorBody),
        (status = 422, description = "`unknown_placeholder`, `missing_placeholder`, `forbidden_placeholder`, `validation_failed`", body = ErrorBody),
    ),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn update_template(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((k, l)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<TemplateBody>,
) -> Result<Json<TemplateDto>, ApiError> {
    let (kind, language) = (kind(&k, "kind")?, language(&l, "language")?);
    let input = TemplateInput { kind, language, subject: body.subject, body: body.body, revision: body.revision };
    let t = state.slate().save_template(auth.caller(), input).await?;
    let effective = EffectiveTemplate { kind, language, content: t.content.clone(), custom: Some(t) };
    Ok(Json(TemplateDto::from(&effective)))
}

/// Drop the organization's own wording: Slate's default is used again.
#[utoipa::path(delete, path = "/api/v1/templates/{kind}/{language}", tag = "templates",
    params(("kind" = String, Path), ("language" = String, Path)),
    responses((status = 200, body = TemplateDto), (status = 404, description = "No own template", body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn reset_template(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((k, l)): ApiPath<(String, String)>,
) -> Result<Json<TemplateDto>, ApiError> {
    let t = state.slate().reset_template(auth.caller(), kind(&k, "kind")?, language(&l, "language")?).await?;
    Ok(Json(TemplateDto::from(&t)))
}

/// Render a wording (saved or not) as the email would look, with sample values or those
/// of one of the organization's invitations.
#[utoipa::path(post, path = "/api/v1/templates/preview", tag = "templates", request_body = PreviewBody,
    responses((status = 200, body = RenderedDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn preview_template(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<PreviewBody>,
) -> Result<Json<RenderedDto>, ApiError> {
    let input = PreviewInput {
        kind: kind(&body.kind, "kind")?,
        language: language(&body.language, "language")?,
        subject: body.subject,
        body: body.body,
        invitation_id: body.invitation_id.map(InvitationId::from_uuid),
    };
    let r = state.slate().preview_template(auth.caller(), input).await?;
    Ok(Json(RenderedDto { subject: r.subject, text: r.text, html: r.html }))
}

/// The emails the local mailbox kept instead of sending (the embedded default), newest first.
#[utoipa::path(get, path = "/api/v1/mailbox", tag = "mailbox", params(MailboxParams),
    responses((status = 200, body = MailboxPageDto), (status = 401, description = "`unauthenticated`", body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn mailbox(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<MailboxParams>,
) -> Result<Json<MailboxPageDto>, ApiError> {
    let page = state
        .slate()
        .mailbox(auth.caller(), params.before.map(MessageId::from_uuid), params.limit.unwrap_or(50))
        .await?;
    Ok(Json(MailboxPageDto { items: page.emails.iter().map(summary).collect(), next: page.next.map(|m| m.as_uuid()) }))
}

/// One kept email with both parts, the candidate's link in it as it works now.
#[utoipa::path(get, path = "/api/v1/mailbox/{id}", tag = "mailbox", params(("id" = Uuid, Path)),
    responses((status = 200, body = MailboxEmailDto), (status = 404, body = ErrorBody)),
    security(("session" = []), ("api_key" = [])))]
pub(crate) async fn mailbox_email(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<MailboxEmailDto>, ApiError> {
    let e = state.slate().mailbox_email(auth.caller(), MessageId::from_uuid(id)).await?;
    Ok(Json(MailboxEmailDto {
        summary: summary(&e),
        reply_to: e.reply_to.as_ref().map(ToString::to_string),
        text: e.text,
        html: e.html,
    }))
}
