//! What the benchmarks share: the allocator `slate serve` runs with, a world to measure
//! (an organization, a recruiter, a published two-question interview), the database
//! choice, a server on loopback and a keep-alive HTTP/1.1 load generator.

// Each benchmark uses its own part of the kit (`expect` would be unfulfilled in the others).
#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::Router;
use slate_domain::ports::IdGenerator;
use slate_domain::*;
use slate_http::Readiness;
use slate_persistence::{SqlStore, StoreOptions};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// The allocator `slate serve` runs with (both sides of every comparison share it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub struct Ids;
impl IdGenerator for Ids {
    fn new_uuid(&self) -> uuid::Uuid {
        uuid::Uuid::now_v7()
    }
    fn new_secret(&self) -> [u8; 32] {
        let mut out = [0; 32];
        out[..16].copy_from_slice(uuid::Uuid::now_v7().as_bytes());
        out[16..].copy_from_slice(uuid::Uuid::now_v7().as_bytes());
        out
    }
}

pub struct Ready;
#[async_trait]
impl Readiness for Ready {
    async fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

/// The database to measure on: a fresh database on the PostgreSQL server named by
/// `SLATE_BENCH_POSTGRES_URL` when `postgres` is asked for, otherwise an SQLite file in `dir`.
/// Returns the URL and the database's name.
pub fn database(dir: &std::path::Path, postgres: bool, label: &str) -> (String, &'static str) {
    match std::env::var("SLATE_BENCH_POSTGRES_URL") {
        Ok(admin) if postgres => {
            let name = format!("slate_bench_{label}_{}", std::process::id());
            let created = std::process::Command::new("psql")
                .args([admin.as_str(), "-qc", &format!("CREATE DATABASE {name}")])
                .status();
            assert!(created.is_ok_and(|s| s.success()), "psql could not create the benchmark database");
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b).to_owned();
            (format!("{base}/{name}"), "PostgreSQL")
        }
        _ => (format!("sqlite://{}/slate.db?mode=rwc", dir.display()), "SQLite"),
    }
}

/// A store on `url`, migrated.
pub async fn store(url: &str) -> SqlStore {
    store_with(url, &StoreOptions::default()).await
}

/// A store on `url` with `options`, migrated.
pub async fn store_with(url: &str, options: &StoreOptions) -> SqlStore {
    let store = SqlStore::connect(url, options).await.unwrap();
    store.migrate().await.unwrap();
    store
}

/// Slate over `store` with the system clock, the real renderer and in-memory links and
/// passwords; videos in `videos` (in memory when `None`).
pub fn slate_over(
    store: &SqlStore,
    videos: Option<std::sync::Arc<dyn slate_domain::ports::VideoStore>>,
    settings: Settings,
) -> Slate {
    use std::sync::Arc;
    let memory = slate_domain::memory::InMemory::new(chrono::Utc::now());
    let videos = videos.unwrap_or_else(|| memory.videos.clone());
    let ports = Ports::from_store(
        Arc::new(store.clone()),
        Arc::new(slate_domain::defaults::SystemClock),
        Arc::new(Ids),
        memory.links.clone(),
        videos,
        Arc::new(slate_domain::memory::TestPasswords),
        Arc::new(slate_email::Renderer::new()),
    );
    Slate::new(ports, settings)
}

/// The organization, its recruiter and a published interview of two questions.
pub struct World {
    pub caller: Caller,
    pub interview: VideoInterview,
}

pub async fn world(slate: &Slate) -> World {
    let org = slate
        .create_organization(NewOrganization {
            name: DisplayName::parse("Acme").unwrap(),
            time_zone: TimeZone::parse("Europe/Athens").unwrap(),
            default_language: Language::English,
            reminders: ReminderPolicy::default(),
        })
        .await
        .unwrap();
    let rita = slate
        .add_recruiter(
            org.id,
            NewRecruiter {
                name: PersonName::parse("Rita").unwrap(),
                email: EmailAddress::parse("rita@acme.example").unwrap(),
            },
        )
        .await
        .unwrap();
    let caller = Caller { organization_id: org.id, recruiter_id: rita.id };
    let q = |p: &str| QuestionInput {
        id: None,
        prompt: Prompt::parse(p).unwrap(),
        thinking_secs: 30,
        max_answer_secs: 120,
        retakes: 1,
    };
    let details = InterviewDetails {
        name: DisplayName::parse("First round").unwrap(),
        job_id: None,
        intro: LongText::parse("Welcome! Two short questions about your work.").unwrap(),
        question_language: LanguageTag::parse("en").unwrap(),
        difficulty: None,
        focus_area: None,
    };
    let draft = slate
        .create_interview(
            caller,
            InterviewInput { details, questions: vec![q("Tell us about yourself."), q("Why us?")] },
        )
        .await
        .unwrap();
    let interview = slate.publish_interview(caller, draft.id()).await.unwrap();
    World { caller, interview }
}

/// An invitation for candidate `i` (`{prefix}{i}@example.com`), twenty days to answer.
pub fn invite(world: &World, prefix: &str, i: usize) -> InviteExternal {
    InviteExternal {
        first_name: PersonName::parse("Grace").unwrap(),
        last_name: PersonName::parse(&format!("N{i}")).unwrap(),
        email: EmailAddress::parse(&format!("{prefix}{i}@example.com")).unwrap(),
        interview_id: world.interview.id(),
        language: None,
        deadline: (chrono::Utc::now() + chrono::TimeDelta::days(20)).date_naive(),
        bcc_me: false,
        notify_me: false,
    }
}

/// Serves `app` on a loopback port.
pub async fn serve(app: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
    });
    address
}

/// Reads one HTTP/1.1 response (headers and a Content-Length body); returns the status,
/// the headers and the body length (the body is the tail of `buf`).
pub async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> (u16, String, usize) {
    buf.clear();
    let mut chunk = [0_u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the server closed the connection");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let length: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the server closed the connection");
        buf.extend_from_slice(&chunk[..n]);
    }
    (status, head, length)
}

/// One request and its response body.
pub async fn fetch(address: SocketAddr, request: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let (status, _, len) = read_response(&mut stream, &mut buf).await;
    (status, buf[buf.len() - len..].to_vec())
}

/// What a load run measured.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub rps: f64,
    pub p50: Duration,
    pub p99: Duration,
}

impl Figures {
    pub fn line(&self, what: &str) -> String {
        format!(
            "  {what:<44} {:>9.0} req/s  p50 {:>5.2} ms  p99 {:>5.2} ms",
            self.rps,
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3
        )
    }
}

/// Sends `request` (a whole HTTP/1.1 request) on `connections` keep-alive connections for
/// `seconds`, each waiting for its response before the next; every answer must be `expect`.
pub async fn load(address: SocketAddr, request: &str, expect: u16, connections: usize, seconds: u64) -> Figures {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let request = request.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(address).await.unwrap();
            stream.set_nodelay(true).unwrap();
            let mut latencies = Vec::new();
            let mut buf = Vec::with_capacity(64 * 1024);
            while Instant::now() < deadline {
                let t = Instant::now();
                stream.write_all(request.as_bytes()).await.unwrap();
                let (status, _, _) = read_response(&mut stream, &mut buf).await;
                assert_eq!(status, expect, "{}", String::from_utf8_lossy(&buf));
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let started = Instant::now();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    let at = |q: usize| all.get(all.len() * q / 100).copied().unwrap_or_default();
    Figures { rps: all.len() as f64 / elapsed, p50: at(50), p99: at(99) }
}

/// The benchmark's length per phase: `SLATE_BENCH_SECONDS` (default 5).
pub fn seconds() -> u64 {
    std::env::var("SLATE_BENCH_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(5)
}
