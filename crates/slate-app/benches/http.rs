//! `cargo bench -p slate-app --bench http`: Slate's hot reads beside a bare reference
//! server measured in the same run, at 32 keep-alive connections for `SLATE_BENCH_SECONDS`
//! seconds each (default 5).
//!
//! - `GET /api/v1/invitations/{id}` with an API key (authentication, then the read).
//! - `GET /c/{id}`, the candidate's landing page, with the link cookie.
//!
//! Each is measured twice: as Slate runs (the API key, the organization and the invitation
//! served from the row cache after the first request) and with the row cache off
//! (`StoreOptions::cache_rows = false`: every request reads the database, as a first visit
//! does).
//!
//! The reference is a bare axum handler that reads the same invitation row with one
//! prepared statement and answers the bytes Slate answered: on SQLite `rusqlite` on the same
//! file (a small pool of connections, read inline on the worker); on PostgreSQL
//! `tokio-postgres` (eight connections, a statement prepared on each). The database holds
//! 1,000 other invitations of the same organization. PostgreSQL runs when
//! `SLATE_BENCH_POSTGRES_URL` names a server (a database is created for the run).
//! Targets: each ratio ≥ 0.60, p99 ≤ 5 ms.
//!
//! Then `slate serve` itself (the release binary, logging as it does) on an SQLite file of
//! `SLATE_BENCH_ROWS` invitations (default 1,000,000): the time from starting the process to
//! `/readyz` answering, its resident memory idle and at the peak of the same authenticated
//! read under load, and that read's figures.

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
use support::{Figures, Ready};

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
    let slate = support::slate_over(&store, None, Settings::default());
    let world = support::world(&slate).await;
    for i in 0..1000 {
        slate.invite_external(world.caller, support::invite(&world, "other", i)).await.unwrap();
    }
    let invitation = slate.invite_external(world.caller, support::invite(&world, "grace", 0)).await.unwrap();
    let (_, secret) = slate.create_api_key(world.caller, Label::parse("bench").unwrap()).await.unwrap();
    let token = slate.link_token(&invitation);
    let config = HttpConfig { links_per_minute: u32::MAX / 2, ..HttpConfig::default() };
    let address =
        support::serve(slate_http::router(AppState::new(slate.clone(), Arc::new(Ready), config.clone()))).await;
    let uncached = {
        let options = slate_persistence::StoreOptions { cache_rows: false, ..Default::default() };
        let store = support::store_with(&url, &options).await;
        let slate = support::slate_over(&store, None, Settings::default());
        support::serve(slate_http::router(AppState::new(slate, Arc::new(Ready), config))).await
    };
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
    assert_eq!(support::fetch(uncached, &page).await, (200, page_body.clone()), "the uncached store answers alike");

    let db = connect_reference(&url, kind).await;
    let api_ref = reference(db.clone(), Arc::new(api_body.clone()), "application/json").await;
    let page_ref = reference(db, Arc::new(page_body.clone()), "text/html; charset=utf-8").await;
    let plain = |path: String| format!("GET /{path} HTTP/1.1\r\nHost: bench\r\n\r\n");

    println!("\n{kind}: {CONNECTIONS} connections, {seconds} s each");
    let base = support::load(api_ref, &plain(id.to_string()), 200, CONNECTIONS, seconds).await;
    let slate_api = support::load(address, &api, 200, CONNECTIONS, seconds).await;
    let cold_api = support::load(uncached, &api, 200, CONNECTIONS, seconds).await;
    println!("{}", base.line(&format!("reference: one prepared read, {} B", api_body.len())));
    println!("{}", slate_api.line("Slate GET /api/v1/invitations/{id} (API key)"));
    println!("{}", cold_api.line("  the same, row cache off"));
    ratio("invitation read / reference:", slate_api, base);
    ratio("  row cache off / reference:", cold_api, base);
    let base = support::load(page_ref, &plain(id.to_string()), 200, CONNECTIONS, seconds).await;
    let slate_page = support::load(address, &page, 200, CONNECTIONS, seconds).await;
    let cold_page = support::load(uncached, &page, 200, CONNECTIONS, seconds).await;
    println!("{}", base.line(&format!("reference: one prepared read, {} B", page_body.len())));
    println!("{}", slate_page.line("Slate GET /c/{id} (landing page)"));
    println!("{}", cold_page.line("  the same, row cache off"));
    ratio("landing page / reference:", slate_page, base);
    ratio("  row cache off / reference:", cold_page, base);
}

/// The resident set of process `pid`: (now, high-water mark), in MiB.
fn rss_of(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:") / 1024, field("VmHWM:") / 1024)
}

/// `slate serve` on a database of `rows` invitations: start-up, memory, the read under load.
async fn real_server(dir: &std::path::Path, rows: u64) {
    use std::io::BufRead as _;
    let dir = dir.join("serve");
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/slate.db?mode=rwc", dir.display());
    let (id, secret) = {
        let store = support::store(&url).await;
        let slate = support::slate_over(&store, None, Settings::default());
        let world = support::world(&slate).await;
        let invitation = slate.invite_external(world.caller, support::invite(&world, "grace", 0)).await.unwrap();
        let (_, secret) = slate.create_api_key(world.caller, Label::parse("bench").unwrap()).await.unwrap();
        // Copies of the invitation with their own ids and addresses, in one statement.
        let columns = "id, organization_id, candidate_id, first_name, last_name, sort_name, search_text, invited_by, \
            interview_id, job_id, snapshot_hash, email, email_key, language, deadline_date, deadline_zone, closes_at, \
            bcc_me, notify_me, status, expired_from, link_version, emails_queued, reminded_not_started, \
            reminded_deadline, next_reminder_at, takes, created_at, updated_at, opened_at, started_at, completed_at, \
            revision";
        let copy = format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) \
             INSERT INTO invitations ({columns}) SELECT randomblob(16), organization_id, candidate_id, first_name, \
               last_name, sort_name, first_name || char(31) || 'n' || i || char(31) || 'c' || i || '@example.com', \
               invited_by, interview_id, job_id, snapshot_hash, 'c' || i || '@example.com', 'c' || i || '@example.com', \
               language, deadline_date, deadline_zone, closes_at, bcc_me, notify_me, status, expired_from, \
               link_version, emails_queued, reminded_not_started, reminded_deadline, next_reminder_at, takes, \
               created_at + i, updated_at, opened_at, started_at, completed_at, revision \
             FROM n, invitations WHERE invitations.id = X'{id}'",
            id = invitation.id().as_uuid().simple(),
        );
        let started = std::time::Instant::now();
        let conn = rusqlite::Connection::open(dir.join("slate.db")).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(30)).unwrap();
        conn.execute_batch(&copy).unwrap();
        // At rest, as a database is between runs: the write-ahead log folded into the file.
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        println!("\nslate serve on SQLite: seeded {rows} invitations in {:.0} s", started.elapsed().as_secs_f64());
        (invitation.id(), secret)
    };
    let started = std::time::Instant::now();
    let log = std::fs::File::create(dir.join("slate.log")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_slate"))
        .arg("serve")
        .env("SLATE__DATABASE__URL", &url)
        .env("SLATE__SECURITY__LINK_SECRET", "a benchmark link secret that is long enough for slate")
        .env("SLATE__STORAGE__VIDEOS_DIR", dir.join("videos"))
        .env("SLATE__SERVER__LISTEN", "127.0.0.1:0")
        .env("SLATE__SERVER__PUBLIC_URL", "http://bench.test")
        .stdout(std::process::Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let address: SocketAddr = loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "slate serve stopped before listening");
        if let Some(a) = line.trim().strip_prefix("Slate is listening on http://") {
            break a.parse().unwrap();
        }
    };
    let listening = started.elapsed();
    std::thread::spawn(move || for _ in stdout.lines() {});
    loop {
        let ready = tokio::net::TcpStream::connect(address).await.is_ok()
            && support::fetch(address, "GET /readyz HTTP/1.1\r\nHost: bench\r\n\r\n").await.0 == 200;
        if ready {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let startup = started.elapsed();
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let (idle, _) = rss_of(child.id());
    let api = format!(
        "GET /api/v1/invitations/{id} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {}\r\n\r\n",
        secret.expose()
    );
    let figures = support::load(address, &api, 200, CONNECTIONS, support::seconds()).await;
    let (now, peak) = rss_of(child.id());
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "  start-up to /readyz answering:  {:>7.0} ms (listening after {:.0} ms)",
        startup.as_secs_f64() * 1e3,
        listening.as_secs_f64() * 1e3
    );
    println!("  resident memory idle:           {idle:>7} MiB");
    println!("  resident memory under load:     {now:>7} MiB (peak {peak} MiB)");
    println!("{}", figures.line("slate serve GET /api/v1/invitations/{id}"));
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("slate-bench-http-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    run(&dir, false).await;
    if std::env::var_os("SLATE_BENCH_POSTGRES_URL").is_some() {
        run(&dir, true).await;
    }
    let rows = std::env::var("SLATE_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    real_server(&dir, rows).await;
    let _ = std::fs::remove_dir_all(&dir);
}
