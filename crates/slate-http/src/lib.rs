//! # slate-http
//!
//! The HTTP adapter on the edge of Slate's hexagon (axum). It drives the domain's use cases
//! through [`slate_domain::Slate`] and never talks to a database itself; what it needs from
//! the rest of the system arrives through traits the app implements ([`Readiness`]).
//!
//! It serves:
//! - the JSON API under `/api/v1` ([`api`]): sessions, API keys, jobs, video interviews,
//!   candidates, invitations, timelines, outgoing messages, and the candidate's link;
//! - its OpenAPI document at `/api/v1/openapi.json` and a readable reference at `/api/docs`;
//! - operations: `GET /healthz` (liveness), `GET /readyz` (readiness: 503 when the database
//!   does not answer), `GET /metrics` (Prometheus text format).
//!
//! Every recruiter-side request is authenticated (session cookie or API key) and scoped to
//! the caller's organization; cookie-authenticated requests that change state must carry
//! the session's CSRF token in `X-CSRF-Token`. Bodies are bounded, requests time out, and
//! logging in and candidate links are rate-limited per client address.

pub mod api;
mod auth;
mod candidate;
mod error;
mod extract;
mod ops;
mod reference;
mod ui;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse as _;
use slate_domain::Slate;

pub use auth::{CSRF_HEADER, session_cookie_name};
pub use error::{ApiError, ErrorBody};
pub use ops::Metrics;

/// Whether the instance can serve: implemented by the app over its adapters.
#[async_trait]
pub trait Readiness: Send + Sync {
    /// `Ok` when every dependency answers; otherwise a reason for the logs (never sent to
    /// clients).
    async fn check(&self) -> Result<(), String>;
}

/// HTTP settings.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// The address people use to reach Slate, without a trailing slash; candidate links are
    /// built from it. An `https://` address makes session cookies `Secure` (and
    /// `__Host-`-prefixed).
    pub public_url: String,
    /// The largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// How long a request may take before it is answered 503.
    pub request_timeout: Duration,
    /// How long one candidate upload request (a tus `PATCH`) may take: uploads are bounded
    /// by their declared length, not by `max_body_bytes`.
    pub upload_timeout: Duration,
    /// Login attempts allowed per client address per minute.
    pub login_per_minute: u32,
    /// Candidate-link requests allowed per client address per minute.
    pub links_per_minute: u32,
    /// Resends allowed per invitation per hour (0: no limit), so a slip of the hand or a
    /// script cannot flood a candidate.
    pub resends_per_hour: u32,
    /// Take the client address from the last `X-Forwarded-For` entry (only behind a
    /// reverse proxy that sets it).
    pub trust_forwarded_for: bool,
    /// When set, `GET /metrics` needs `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(3600),
            login_per_minute: 10,
            links_per_minute: 60,
            resends_per_hour: 3,
            trust_forwarded_for: false,
            metrics_token: None,
        }
    }
}

impl std::fmt::Debug for HttpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpConfig")
            .field("public_url", &self.public_url)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("request_timeout", &self.request_timeout)
            .field("upload_timeout", &self.upload_timeout)
            .field("login_per_minute", &self.login_per_minute)
            .field("links_per_minute", &self.links_per_minute)
            .field("resends_per_hour", &self.resends_per_hour)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .finish()
    }
}

impl HttpConfig {
    /// Whether cookies are sent over HTTPS only.
    #[must_use]
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// Everything a handler reaches.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    slate: Slate,
    readiness: Arc<dyn Readiness>,
    config: HttpConfig,
    metrics: Metrics,
    login_limiter: ops::Limiter,
    link_limiter: ops::Limiter,
    resend_limiter: ops::Limiter<(uuid::Uuid, uuid::Uuid)>,
}

impl AppState {
    /// State over a domain service.
    #[must_use]
    pub fn new(slate: Slate, readiness: Arc<dyn Readiness>, config: HttpConfig) -> Self {
        let metrics = Metrics::new();
        let login_limiter = ops::Limiter::per_minute("login", config.login_per_minute, &metrics);
        let link_limiter = ops::Limiter::per_minute("link", config.links_per_minute, &metrics);
        let resend_limiter = ops::Limiter::per_hour("resend", config.resends_per_hour, &metrics);
        Self {
            inner: Arc::new(Inner { slate, readiness, config, metrics, login_limiter, link_limiter, resend_limiter }),
        }
    }

    pub(crate) fn slate(&self) -> &Slate {
        &self.inner.slate
    }

    pub(crate) fn config(&self) -> &HttpConfig {
        &self.inner.config
    }

    /// The metrics registry (the app may register its own metrics in it).
    #[must_use]
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    pub(crate) fn limit_login(&self, ip: Option<IpAddr>) -> Result<(), ApiError> {
        self.inner.login_limiter.check(ip)
    }

    pub(crate) fn limit_link(&self, ip: Option<IpAddr>) -> Result<(), ApiError> {
        self.inner.link_limiter.check(ip)
    }

    /// Resends of one invitation or live interview (named by its id), counted per
    /// organization so another organization's requests for the same id never use up this
    /// one's allowance.
    pub(crate) fn limit_resend(&self, org: slate_domain::OrganizationId, subject: uuid::Uuid) -> Result<(), ApiError> {
        self.inner.resend_limiter.check_key(&(org.as_uuid(), subject))
    }
}

/// The router for everything Slate serves over HTTP.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = api::routes().split_for_parts();
    let openapi = api::document(openapi);
    let timeout = state.config().request_timeout;
    let upload_timeout = state.config().upload_timeout;
    let max_body = state.config().max_body_bytes;
    // The candidate's pages and uploads: uploads stream past the JSON body limit (each is
    // bounded by its declared length and the answer size limit) and get their own time limit.
    let candidate = candidate::routes()
        .route_layer(axum::middleware::from_fn_with_state((state.clone(), upload_timeout), ops::track))
        .layer(DefaultBodyLimit::max(max_body));
    let api = api
        .merge(reference::routes(&openapi))
        .merge(ops::routes())
        .route_layer(axum::middleware::from_fn_with_state((state.clone(), timeout), ops::track))
        .layer(DefaultBodyLimit::max(max_body));
    // The recruiter's pages: bounded and timed like the API.
    let ui = ui::routes()
        .route_layer(axum::middleware::from_fn_with_state((state.clone(), timeout), ops::track))
        .layer(DefaultBodyLimit::max(max_body));
    api.merge(candidate)
        .merge(ui)
        .fallback(|uri: Uri| async move {
            ops::secure(
                ops::is_api(uri.path()),
                ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint").into_response(),
            )
        })
        .method_not_allowed_fallback(|uri: Uri| async move {
            let refusal = ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this endpoint does not answer that method",
            );
            ops::secure(ops::is_api(uri.path()), refusal.into_response())
        })
        .with_state(state)
}
