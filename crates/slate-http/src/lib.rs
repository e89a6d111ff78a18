//! # slate-http
//!
//! The HTTP adapter on the edge of Slate's hexagon (axum). It drives the domain's use cases
//! and never talks to a database itself; what it needs from the rest of the system arrives
//! through traits the app implements.
//!
//! Today it serves the operational endpoints:
//! - `GET /healthz` — liveness: 200 while the process serves requests;
//! - `GET /readyz` — readiness: 200 when its dependencies (the database) answer, 503
//!   otherwise, so a load balancer stops sending traffic to an instance that cannot serve.
//!
//! The JSON API under `/api/v1`, the recruiter UI and the candidate pages arrive with their
//! issues.

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

/// Whether the instance can serve: implemented by the app over its adapters.
#[async_trait]
pub trait Readiness: Send + Sync {
    /// `Ok` when every dependency answers; otherwise a reason for the logs (never sent to
    /// clients).
    async fn check(&self) -> Result<(), String>;
}

/// The router for everything Slate serves over HTTP.
pub fn router(readiness: Arc<dyn Readiness>) -> Router {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).with_state(readiness)
}

const JSON: [(header::HeaderName, &str); 2] =
    [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")];

async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, JSON, r#"{"status":"ok"}"#)
}

async fn readyz(State(readiness): State<Arc<dyn Readiness>>) -> impl IntoResponse {
    match readiness.check().await {
        Ok(()) => (StatusCode::OK, JSON, r#"{"status":"ready"}"#),
        Err(reason) => {
            tracing::warn!(%reason, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, JSON, r#"{"status":"unavailable"}"#)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    struct Switch(AtomicBool);

    #[async_trait]
    impl Readiness for Switch {
        async fn check(&self) -> Result<(), String> {
            if self.0.load(Ordering::SeqCst) { Ok(()) } else { Err("database: connection refused".into()) }
        }
    }

    async fn get(app: Router, path: &str) -> (StatusCode, String) {
        let response = app.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[tokio::test]
    async fn liveness_and_readiness() {
        let switch = Arc::new(Switch(AtomicBool::new(true)));
        let app = router(switch.clone());
        assert_eq!(get(app.clone(), "/healthz").await, (StatusCode::OK, r#"{"status":"ok"}"#.into()));
        assert_eq!(get(app.clone(), "/readyz").await, (StatusCode::OK, r#"{"status":"ready"}"#.into()));
        switch.0.store(false, Ordering::SeqCst);
        let (status, body) = get(app.clone(), "/readyz").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(!body.contains("connection refused"), "internals never reach clients: {body}");
        assert_eq!(get(app, "/nope").await.0, StatusCode::NOT_FOUND);
    }
}
