//! `cargo bench -p slate-app --bench http`: Slate's hot reads beside a bare reference
//! server measured in the same run, at 32 keep-alive connections for `SLATE_BENCH_SECONDS`
//! seconds each (default 5).
//!
//! - `GET /api/v1/invitations/{id}` with an API key (authentication, then the read).
//! - `GET /c/{id}`, the candidate's landing page, with the link cookie.
//!
//! The reference is a bare axum handler that reads the same invitation row with one
//! prepared statement and answers the bytes Slate answered: on SQLite `rusqlite` on the same
//! file (a small pool of connections, read inline on the worker); on PostgreSQL
//! `tokio-postgres` (eight connections, a statement prepared on each). The database holds
//! 1,000 other invitations of the same organization. PostgreSQL runs when
//! `SLATE_BENCH_POSTGRES_URL` names a server (a database is created for the run).
//! Targets: each ratio ≥ 0.60, p99 ≤ 5 ms.

#![expect(clippy::unwrap_used, clippy::print_stdout, reason = "a benchmark program")]

mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use slate_domain::*;
use slate_http::{AppState, HttpConfig};
use support::{Figures, Ids, Ready};

const CONNECTIONS: usize = 32;

/// How the reference reads one invitation row by its id.
#[derive(Clone)]
enum Reference {
    Sqlite(Arc<Mutex<Vec<rusqlite::Connection>>>, std::path::PathBuf),
    Postgres(Arc<Vec<(tokio_postgres::Client, tokio_postgres::Statement)>>, Arc<AtomicUsize>),
}

const SELECT: &str = "SELECT * FROM invitations WHERE id = ";

impl Reference {
    async fn exists(&self, id: uuid::Uuid) -> bool {
        match self {
            Self::Sqlite(idle, path) => {
                let conn = idle.lock().unwrap().pop();
                let conn = conn.unwrap_or_else(|| rusqlite::Connection::open(path).unwrap());
                let found = {
                    let mut stmt = conn.prepare_cached(&format!("{SELECT}?1")).unwrap();
                    let mut rows = stmt.query([id.as_bytes().as_slice()]).unwrap();
                    rows.next().unwrap().map(|r| r.get_ref(0).is_ok()).unwrap_or(false)
                };
                idle.lock().unwrap().push(conn);
                found
            }
            Self::Postgres(clients, next) => {
                let (client, stmt) = &clients[next.fetch_add(1, Ordering::Relaxed) % clients.len()];
                client.query_opt(stmt, &[&id]).await.unwrap().is_some()
            }
        }
    }
}

async fn reference(reference: Reference, body: Arc<Vec<u8>>, content_type: &'static str) -> SocketAddr {
    let handler = move |State(r): State<Reference>, Path(id): Path<uuid::Uuid>| {
        let body = body.clone();
        async move {
            if r.exists(id).await {
                ([(axum::http::header::CONTENT_TYPE, content_type)], body.as_ref().clone()).into_response()
            } else {
                StatusCode::NOT_FOUND.into_response()
            }
        }
    };
    support::serve(Router::new().route("/{id}", get(handler)).with_state(reference)).await
}

async fn connect_reference(url: &str, kind: &str) -> Reference {
    if kind == "SQLite" {
        let path = std::path::PathBuf::from(url.trim_start_matches("sqlite://").split('?').next().unwrap());
        return Reference::Sqlite(Arc::new(Mutex::new(Vec::new())), path);
    }
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        let stmt = client.prepare(&format!("{SELECT}$1")).await.unwrap();
        clients.push((client, stmt));
    }
    Reference::Postgres(Arc::new(clients), Arc::new(AtomicUsize::new(0)))
}

fn ratio(what: &str, slate: Figures, base: Figures) {
    println!(
        "  ratio {what:<38} {:.2}  (target ≥ 0.60, p99 ≤ 5 ms: {})",
        slate.rps / base.rps,
        if slate.rps / base.rps >= 0.60 && slate.p99.as_secs_f64() <= 0.005 { "met" } else { "not met" }
    );
}

async fn run(dir: &std::path::Path, postgres: bool) {
    let seconds = support::seconds();
    let (url, kind) = support::database(dir, postgres, "http");
    let store = support::store(&url).await;
    let memory = slate_domain::memory::InMemory::new(chrono::Utc::now());
    let ports = Ports::from_store(
        Arc::new(store.clone()),
        Arc::new(slate_domain::defaults::SystemClock),
        Arc::new(Ids),
        memory.links.clone(),
        memory.videos.clone(),
        Arc::new(slate_domain::memory::TestPasswords),
        Arc::new(slate_email::Renderer::new()),
    );
    let slate = Slate::new(ports, Settings::default());
    let world = support::world(&slate).await;
    for i in 0..1000 {
        slate.invite_external(world.caller, support::invite(&world, "other", i)).await.unwrap();
    }
    let invitation = slate.invite_external(world.caller, support::invite(&world, "grace", 0)).await.unwrap();
    let (_, secret) = slate.create_api_key(world.caller, Label::parse("bench").unwrap()).await.unwrap();
    let token = slate.link_token(&invitation);
    let config = HttpConfig { links_per_minute: u32::MAX / 2, ..HttpConfig::default() };
    let address = support::serve(slate_http::router(AppState::new(slate.clone(), Arc::new(Ready), config))).await;
    let id = invitation.id();

    let api = format!(
        "GET /api/v1/invitations/{id} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {}\r\n\r\n",
        secret.expose()
    );
    let page = format!("GET /c/{id} HTTP/1.1\r\nHost: bench\r\nCookie: slate_link={}\r\n\r\n", token.expose());
    let (status, api_body) = support::fetch(address, &api).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&api_body));
    let (status, page_body) = support::fetch(address, &page).await;
    assert_eq!(status, 200);

    let db = connect_reference(&url, kind).await;
    let api_ref = reference(db.clone(), Arc::new(api_body.clone()), "application/json").await;
    let page_ref = reference(db, Arc::new(page_body.clone()), "text/html; charset=utf-8").await;
    let plain = |path: String| format!("GET /{path} HTTP/1.1\r\nHost: bench\r\n\r\n");

    println!("\n{kind}: {CONNECTIONS} connections, {seconds} s each");
    let base = support::load(api_ref, &plain(id.to_string()), 200, CONNECTIONS, seconds).await;
    let slate_api = support::load(address, &api, 200, CONNECTIONS, seconds).await;
    println!("{}", base.line(&format!("reference: one prepared read, {} B", api_body.len())));
    println!("{}", slate_api.line("Slate GET /api/v1/invitations/{id} (API key)"));
    ratio("invitation read / reference:", slate_api, base);
    let base = support::load(page_ref, &plain(id.to_string()), 200, CONNECTIONS, seconds).await;
    let slate_page = support::load(address, &page, 200, CONNECTIONS, seconds).await;
    println!("{}", base.line(&format!("reference: one prepared read, {} B", page_body.len())));
    println!("{}", slate_page.line("Slate GET /c/{id} (landing page)"));
    ratio("landing page / reference:", slate_page, base);
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("slate-bench-http-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    run(&dir, false).await;
    if std::env::var_os("SLATE_BENCH_POSTGRES_URL").is_some() {
        run(&dir, true).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}
