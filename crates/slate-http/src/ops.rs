//! Operations: liveness, readiness, Prometheus metrics, request tracking and rate limits.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::{ApiError, AppState};

const JSON: [(header::HeaderName, &str); 2] =
    [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MailLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LimitLabels {
    limit: &'static str,
}

fn latency_histogram() -> Histogram {
    Histogram::new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
}

/// Slate's Prometheus metrics. Routes are labelled by their template
/// (`/api/v1/invitations/{id}`), never by the concrete path, so no id or candidate token
/// ends up in a metric.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    outbox_depth: Gauge,
    outbox_oldest_due: Gauge,
    mail: Family<MailLabels, Counter>,
    rate_limited: Family<LimitLabels, Counter>,
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let mut registry = Registry::with_prefix("slate");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered, by route and status", requests.clone());
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        registry.register("http_request_duration_seconds", "Time to answer HTTP requests", latency.clone());
        let outbox_depth = Gauge::default();
        registry.register(
            "outbox_depth",
            "Messages waiting to be sent (pending or claimed), read at scrape time",
            outbox_depth.clone(),
        );
        let outbox_oldest_due = Gauge::default();
        registry.register(
            "outbox_oldest_due_age_seconds",
            "How long the oldest message that is due has waited (0 when none is due), read at scrape time",
            outbox_oldest_due.clone(),
        );
        let mail = Family::<MailLabels, Counter>::default();
        registry.register(
            "mail_messages",
            "Outbox messages handled by this instance's mail worker, by outcome (sent, retried, failed, bounced, skipped)",
            mail.clone(),
        );
        let rate_limited = Family::<LimitLabels, Counter>::default();
        registry.register("rate_limited", "Requests refused by a rate limit", rate_limited.clone());
        Self { registry: Arc::new(registry), requests, latency, outbox_depth, outbox_oldest_due, mail, rate_limited }
    }

    /// Counts one message handled by the mail worker (`outcome`: sent, retried, failed,
    /// bounced or skipped).
    pub fn count_mail(&self, outcome: &'static str) {
        self.mail.get_or_create(&MailLabels { outcome }).inc();
    }

    fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

/// A rate limit per key: per client address (logins, candidate links) or per record
/// (resends of one invitation).
pub(crate) struct Limiter<K: std::hash::Hash + Eq + Clone = IpAddr> {
    inner: Option<DefaultKeyedRateLimiter<K>>,
    refused: Counter,
}

impl<K: std::hash::Hash + Eq + Clone> Limiter<K> {
    fn with_quota(name: &'static str, quota: Option<Quota>, metrics: &Metrics) -> Self {
        Self {
            inner: quota.map(RateLimiter::keyed),
            refused: metrics.rate_limited.get_or_create(&LimitLabels { limit: name }).clone(),
        }
    }

    /// `n` requests per minute per key (bursts of up to `n`); 0 turns the limit off.
    /// Refusals are counted in `metrics` as `slate_rate_limited_total{limit=name}`.
    pub(crate) fn per_minute(name: &'static str, n: u32, metrics: &Metrics) -> Self {
        Self::with_quota(name, NonZeroU32::new(n).map(Quota::per_minute), metrics)
    }

    /// `n` per hour per key (bursts of up to `n`); 0 turns the limit off.
    pub(crate) fn per_hour(name: &'static str, n: u32, metrics: &Metrics) -> Self {
        Self::with_quota(name, NonZeroU32::new(n).map(Quota::per_hour), metrics)
    }

    /// `Ok` when `key` may go on; 429 `rate_limited` with `Retry-After` otherwise.
    pub(crate) fn check_key(&self, key: &K) -> Result<(), ApiError> {
        let Some(limiter) = &self.inner else { return Ok(()) };
        if limiter.len() > 100_000 {
            limiter.retain_recent();
        }
        limiter.check_key(key).map_err(|not_until| {
            self.refused.inc();
            let wait = not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1);
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests; try again in {wait} seconds"),
            )
            .retry_after(wait)
        })
    }
}

impl Limiter<IpAddr> {
    /// As [`Self::check_key`] for a client address. Without a known address every such
    /// request shares one bucket.
    pub(crate) fn check(&self, ip: Option<IpAddr>) -> Result<(), ApiError> {
        self.check_key(&ip.unwrap_or(IpAddr::from([0, 0, 0, 0])))
    }
}

/// The client's address: the connection's peer, or the last `X-Forwarded-For` entry when
/// configured to trust a reverse proxy.
pub(crate) fn client_ip(
    state: &AppState,
    headers: &HeaderMap,
    connect: Option<&ConnectInfo<SocketAddr>>,
) -> Option<IpAddr> {
    if state.config().trust_forwarded_for {
        // Only the rightmost entry was written by our proxy; anything left of it came from
        // the client and could be forged.
        let last = headers.get_all("x-forwarded-for").iter().next_back().and_then(|v| v.to_str().ok());
        if let Some(ip) = last.and_then(|v| v.rsplit(',').next()).and_then(|s| s.trim().parse::<IpAddr>().ok()) {
            return Some(ip);
        }
    }
    connect.map(|c| c.0.ip())
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).route("/metrics", get(metrics))
}

async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, JSON, r#"{"status":"ok"}"#)
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.inner.readiness.check().await {
        Ok(()) => (StatusCode::OK, JSON, r#"{"status":"ready"}"#),
        Err(reason) => {
            tracing::warn!(%reason, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, JSON, r#"{"status":"unavailable"}"#)
        }
    }
}

async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(expected) = &state.config().metrics_token {
        use subtle::ConstantTimeEq as _;
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
            return ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "the metrics need their bearer token")
                .into_response();
        }
    }
    let m = state.metrics();
    match state.slate().outbox_health().await {
        Ok(health) => {
            m.outbox_depth.set(i64::try_from(health.depth).unwrap_or(i64::MAX));
            m.outbox_oldest_due.set(health.oldest_due_age_secs());
        }
        Err(e) => tracing::warn!(error = %e, "outbox health unavailable for metrics"),
    }
    match m.encode() {
        Ok(body) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            )],
            body,
        )
            .into_response(),
        Err(e) => ApiError::internal(&e).into_response(),
    }
}

/// The request id a client or proxy sent, if it is a plain token (so it cannot forge log
/// lines); otherwise a fresh one.
fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map_or_else(|| uuid::Uuid::now_v7().simple().to_string(), ToOwned::to_owned)
}

/// Everything a routed request goes through, in one middleware (each `from_fn` layer boxes
/// the rest of the stack and its future on every request, which showed in the profiles):
///
/// - a time limit: a request that takes longer than `limit` gets the JSON error every other
///   failure uses (503 `timeout`, `Retry-After`) instead of an empty answer;
/// - counting every request and its latency, by route template and status, and one log line
///   per request at `info` (method, route template — never the concrete path, which may hold
///   a candidate's link — status, latency and a request id, also returned as `X-Request-Id`);
/// - the headers every answer gets ([`secure`]).
pub(crate) async fn track(
    State((state, limit)): State<(AppState, std::time::Duration)>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let api = is_api(request.uri().path());
    let method = request.method().as_str().to_owned();
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let id = request_id(request.headers());
    let mut response = within(limit, next.run(request)).await;
    let m = state.metrics();
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    tracing::info!(
        target: "slate::http",
        request_id = %id,
        %method,
        %route,
        status,
        latency_ms = elapsed.as_secs_f64() * 1e3,
        "request"
    );
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    m.requests.get_or_create(&RequestLabels { method: method.clone(), route: route.clone(), status }).inc();
    m.latency.get_or_create(&RouteLabels { method, route }).observe(elapsed.as_secs_f64());
    secure(api, response)
}

/// Whether `path` is the JSON API's.
pub(crate) fn is_api(path: &str) -> bool {
    path.starts_with("/api/v1")
}

/// Headers every response gets: `X-Content-Type-Options: nosniff`; API answers (which carry
/// sessions, CSRF tokens and candidate links) `Cache-Control: no-store`; HTML pages a
/// Content-Security-Policy with nothing from elsewhere and no framing, and
/// `Referrer-Policy: no-referrer`. Routed requests get them from [`track`]; the router's
/// fallbacks (404, 405) call this themselves.
pub(crate) fn secure(api: bool, mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if api && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let html =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            ),
        );
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    response
}

/// `answer`, or the JSON time-out error (503 `timeout`, `Retry-After`) when it takes longer
/// than `limit`.
async fn within(limit: std::time::Duration, answer: impl Future<Output = Response>) -> Response {
    match tokio::time::timeout(limit, answer).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("the request took longer than {} seconds; try again", limit.as_secs().max(1)),
        )
        .retry_after(1)
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_slow_request_gets_the_json_timeout_error() {
        let limit = Duration::from_millis(20);
        let slow = within(limit, async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late".into_response()
        })
        .await;
        assert_eq!(slow.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(slow.headers()[header::RETRY_AFTER], "1");
        let body = axum::body::to_bytes(slow.into_body(), 1 << 16).await.unwrap_or_default();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        assert_eq!(json["code"], "timeout");
        assert!(json.as_object().is_some_and(|o| o.contains_key("field")), "{json}");
        let fast = within(limit, async { "ok".into_response() }).await;
        assert_eq!(fast.status(), StatusCode::OK);
    }
}
