//! The JSON API under `/api/v1`, described by an OpenAPI document generated from these
//! handlers (utoipa).

mod account;
mod candidates;
pub mod dto;
mod interviews;
pub(crate) mod invitations;
mod links;
pub mod live;
pub mod mail;
pub mod review;

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, RefOr};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// The client's address, for rate limits.
pub(crate) struct ClientIp(pub(crate) Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let connect = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(Self(crate::ops::client_ip(state, &parts.headers, connect)))
    }
}

/// Every API route, with its OpenAPI description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(account::log_in, account::current, account::log_out))
        .routes(routes!(account::log_out_everywhere))
        .routes(routes!(account::list_keys, account::create_key))
        .routes(routes!(account::revoke_key))
        .routes(routes!(interviews::list_jobs, interviews::create_job))
        .routes(routes!(interviews::get_job))
        .routes(routes!(interviews::list_interviews, interviews::create_interview))
        .routes(routes!(interviews::get_interview, interviews::edit_interview))
        .routes(routes!(interviews::publish_interview))
        .routes(routes!(interviews::archive_interview))
        .routes(routes!(interviews::preview_interview))
        .routes(routes!(candidates::search_candidates, candidates::create_candidate))
        .routes(routes!(candidates::get_candidate))
        .routes(routes!(candidates::timeline))
        .routes(routes!(invitations::list_invitations, invitations::create_invitation))
        .routes(routes!(invitations::get_invitation))
        .routes(routes!(invitations::resend))
        .routes(routes!(invitations::change_deadline))
        .routes(routes!(invitations::change_email))
        .routes(routes!(invitations::cancel))
        .routes(routes!(invitations::messages))
        .routes(routes!(invitations::answers))
        .routes(routes!(invitations::answer_video))
        .routes(routes!(links::open))
        .routes(routes!(live::list_live, live::schedule_live))
        .routes(routes!(live::preview_live))
        .routes(routes!(live::get_live))
        .routes(routes!(live::reschedule_live))
        .routes(routes!(live::cancel_live))
        .routes(routes!(live::resend_live))
        .routes(routes!(live::read_attendee_link))
        .routes(routes!(live::confirm_attendance))
        .routes(routes!(live::decline_attendance))
        .routes(routes!(mail::list_templates, mail::create_template))
        .routes(routes!(mail::preview_template))
        .routes(routes!(mail::get_template, mail::update_template, mail::reset_template))
        .routes(routes!(mail::mailbox))
        .routes(routes!(mail::mailbox_email))
        .routes(routes!(review::get_review))
        .routes(routes!(review::rate))
        .routes(routes!(review::comment))
        .routes(routes!(review::decide))
        .routes(routes!(review::funnel))
        .routes(routes!(review::get_organization, review::update_organization))
}

/// The OpenAPI document: the generated paths and schemas with Slate's title, version and
/// security schemes.
pub(crate) fn document(mut doc: OpenApi) -> OpenApi {
    doc.info = InfoBuilder::new()
        .title("Slate API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "Video-interview invitations. Authenticate with an API key (`Authorization: Bearer slate_k_…`, \
             created with `slate create-api-key` or `POST /api/v1/api-keys`) or with the session cookie set by \
             `POST /api/v1/session`; cookie-authenticated changes need the session's `X-CSRF-Token`. Errors are \
             `{\"code\", \"message\", \"field\"}` with a stable `code`.",
        ))
        .build();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "api_key",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("slate_k_…").build()),
    );
    components
        .add_security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("slate_session"))));
    describe_responses(&mut doc);
    doc
}

/// OpenAPI requires a description on every response; one a handler leaves out is the
/// status's reason phrase ("OK", "Not Found"), so no handler can make the document invalid.
fn describe_responses(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
            &mut item.query,
        ];
        for operation in operations.into_iter().flatten().chain(item.additional_operations.values_mut()) {
            for (status, response) in &mut operation.responses.responses {
                if let RefOr::T(response) = response
                    && response.description.is_empty()
                {
                    let reason = status.parse::<u16>().ok().and_then(|code| StatusCode::from_u16(code).ok());
                    response.description = reason.and_then(|s| s.canonical_reason()).unwrap_or("Response").to_owned();
                }
            }
        }
    }
}
