//! `cargo bench -p slate-persistence --bench persistence`: seeds N invitations (default
//! 1,000,000; `SLATE_BENCH_ROWS`), then measures on SQLite and on PostgreSQL
//! (`SLATE_BENCH_POSTGRES_URL` or `SLATE_TEST_POSTGRES_URL`, a server where databases may be
//! created):
//! - invitations created per second through the `invite_external` use case, against a
//!   baseline inserting the same rows (candidate, snapshot, invitation, timeline event, two
//!   outbox messages) in one transaction each with plain SQL through sqlx;
//! - p50/p95 of one filtered, sorted page of the list (status filter, newest first, 50 rows,
//!   following cursors up to 20 pages deep) through the use case, against the same query as plain
//!   SQL through sqlx.
//!
//! Figures are printed as ratios against the baseline measured in the same run.

#![expect(clippy::unwrap_used, clippy::print_stdout, reason = "a benchmark program")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sqlx;
use sea_orm::{ConnectionTrait, Database};
use slate_domain::memory::InMemory;
use slate_domain::ports::IdGenerator;
use slate_domain::*;
use slate_persistence::{DatabaseKind, SqlStore, StoreOptions};
use uuid::Uuid;

struct RandomIds;
impl IdGenerator for RandomIds {
    fn new_uuid(&self) -> Uuid {
        Uuid::new_v4()
    }

    fn new_secret(&self) -> [u8; 32] {
        let mut out = [0; 32];
        out[..16].copy_from_slice(Uuid::new_v4().as_bytes());
        out[16..].copy_from_slice(Uuid::new_v4().as_bytes());
        out
    }
}

/// A value to bind, for the few statements the baseline runs.
#[derive(Clone)]
enum V {
    U(Uuid),
    I(i64),
    S(String),
    B(bool),
    /// NULL bigint.
    N,
    /// NULL uuid.
    NU,
}

enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

macro_rules! bind_all {
    ($q:expr, $vals:expr) => {{
        let mut q = $q;
        for v in $vals {
            q = match v {
                V::U(u) => q.bind(*u),
                V::I(i) => q.bind(*i),
                V::S(s) => q.bind(s.clone()),
                V::B(b) => q.bind(*b),
                V::N => q.bind(Option::<i64>::None),
                V::NU => q.bind(Option::<Uuid>::None),
            };
        }
        q
    }};
}

impl Pool {
    /// `?` placeholders, numbered for PostgreSQL.
    fn sql(&self, sql: &str) -> String {
        match self {
            Self::Sqlite(_) => sql.to_owned(),
            Self::Postgres(_) => {
                let mut out = String::new();
                let mut n = 0;
                for c in sql.chars() {
                    if c == '?' {
                        n += 1;
                        out.push_str(&format!("${n}"));
                    } else {
                        out.push(c);
                    }
                }
                out
            }
        }
    }

    async fn tx(&self, statements: &[(String, Vec<V>)]) {
        match self {
            Self::Sqlite(p) => {
                let mut tx = p.begin().await.unwrap();
                for (sql, vals) in statements {
                    bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())), vals).execute(&mut *tx).await.unwrap();
                }
                tx.commit().await.unwrap();
            }
            Self::Postgres(p) => {
                let mut tx = p.begin().await.unwrap();
                for (sql, vals) in statements {
                    bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())), vals).execute(&mut *tx).await.unwrap();
                }
                tx.commit().await.unwrap();
            }
        }
    }

    /// Runs a page query; returns (rows, created_at and id of the last row).
    async fn page(&self, sql: &str, vals: &[V]) -> (usize, Option<(i64, Uuid)>) {
        use sqlx::Row;
        match self {
            Self::Sqlite(p) => {
                let rows =
                    bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())), vals).fetch_all(p).await.unwrap();
                let last = rows.last().map(|r| (r.get::<i64, _>("created_at"), r.get::<Uuid, _>("id")));
                let hashes: Vec<String> = rows.iter().map(|r| r.get::<String, _>("snapshot_hash")).collect();
                if let Some(h) = hashes.first() {
                    sqlx::query("SELECT body FROM interview_snapshots WHERE hash = ?")
                        .bind(h)
                        .fetch_all(p)
                        .await
                        .unwrap();
                }
                (rows.len(), last)
            }
            Self::Postgres(p) => {
                let rows =
                    bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())), vals).fetch_all(p).await.unwrap();
                let last = rows.last().map(|r| (r.get::<i64, _>("created_at"), r.get::<Uuid, _>("id")));
                let hashes: Vec<String> = rows.iter().map(|r| r.get::<String, _>("snapshot_hash")).collect();
                if let Some(h) = hashes.first() {
                    sqlx::query("SELECT body FROM interview_snapshots WHERE hash = $1")
                        .bind(h)
                        .fetch_all(p)
                        .await
                        .unwrap();
                }
                (rows.len(), last)
            }
        }
    }
}

fn uuid_literal(kind: DatabaseKind, u: Uuid) -> String {
    match kind {
        DatabaseKind::Sqlite => format!("X'{}'", u.simple()),
        DatabaseKind::Postgres => format!("'{u}'"),
    }
}

const FIRST: [&str; 12] =
    ["Ada", "Grace", "Alan", "Linus", "Barbara", "Ken", "Edsger", "Frances", "Donald", "Radia", "Tim", "Sophie"];
const LAST: [&str; 12] = [
    "Lovelace", "Hopper", "Turing", "Torvalds", "Liskov", "Thompson", "Dijkstra", "Allen", "Knuth", "Perlman",
    "Berners", "Wilson",
];
const STATUSES: [&str; 8] = ["queued", "sent", "sent", "opened", "started", "completed", "expired", "cancelled"];

struct Setup {
    store: SqlStore,
    slate: Slate,
    caller: Caller,
    interview: VideoInterview,
    memory: InMemory,
    snapshot_hash: String,
}

async fn setup(store: SqlStore) -> Setup {
    let memory = InMemory::new("2026-11-22T09:00:00Z".parse().unwrap());
    let ports = Ports::from_store(
        Arc::new(store.clone()),
        memory.clock.clone(),
        Arc::new(RandomIds),
        memory.links.clone(),
        memory.videos.clone(),
        Arc::new(slate_domain::memory::TestPasswords),
        Arc::new(slate_domain::memory::PlainRenderer),
    );
    let slate = Slate::new(ports, Settings::default());
    let org = slate
        .create_organization(NewOrganization {
            name: DisplayName::parse("Acme").unwrap(),
            time_zone: TimeZone::parse("Europe/Athens").unwrap(),
            default_language: Language::English,
            reminders: ReminderPolicy::default(),
        })
        .await
        .unwrap();
    let r = slate
        .add_recruiter(
            org.id,
            NewRecruiter {
                name: PersonName::parse("Rita").unwrap(),
                email: EmailAddress::parse("rita@acme.example").unwrap(),
            },
        )
        .await
        .unwrap();
    let caller = Caller { organization_id: org.id, recruiter_id: r.id };
    let q = |p: &str| QuestionInput {
        id: None,
        prompt: Prompt::parse(p).unwrap(),
        thinking_secs: 30,
        max_answer_secs: 120,
        retakes: 1,
    };
    let details = InterviewDetails {
        name: DisplayName::parse("Round one").unwrap(),
        job_id: None,
        intro: LongText::parse("Welcome").unwrap(),
        question_language: LanguageTag::parse("en").unwrap(),
        difficulty: None,
        focus_area: None,
    };
    let draft = slate
        .create_interview(caller, InterviewInput { details, questions: vec![q("Who are you?"), q("Why us?")] })
        .await
        .unwrap();
    let interview = slate.publish_interview(caller, draft.id()).await.unwrap();
    // One real invitation stores the snapshot row the seeded rows point at.
    let first = invite(&slate, caller, &interview, 0).await;
    let db = store.connection();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT snapshot_hash FROM invitations WHERE id = {}",
                uuid_literal(store.kind(), first.id().as_uuid())
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    let snapshot_hash: String = row.try_get("", "snapshot_hash").unwrap();
    Setup { store, slate, caller, interview, memory, snapshot_hash }
}

async fn invite(slate: &Slate, caller: Caller, interview: &VideoInterview, n: usize) -> Invitation {
    let input = InviteExternal {
        first_name: PersonName::parse(FIRST[n % 12]).unwrap(),
        last_name: PersonName::parse(LAST[(n / 12) % 12]).unwrap(),
        email: EmailAddress::parse(&format!("bench.{n}.{}@example.com", Uuid::new_v4().simple())).unwrap(),
        interview_id: interview.id(),
        language: None,
        deadline: "2026-12-31".parse().unwrap(),
        bcc_me: true,
        notify_me: false,
    };
    slate.invite_external(caller, input).await.unwrap()
}

/// Bulk-loads `rows` candidates and invitations with multi-row INSERTs, 1,000 rows a statement.
async fn seed(s: &Setup, rows: usize, start: DateTime<Utc>) {
    let kind = s.store.kind();
    let db = s.store.connection();
    let org = uuid_literal(kind, s.caller.organization_id.as_uuid());
    let recruiter = uuid_literal(kind, s.caller.recruiter_id.as_uuid());
    let interview = uuid_literal(kind, s.interview.id().as_uuid());
    let (t, f) = match kind {
        DatabaseKind::Sqlite => ("1", "0"),
        DatabaseKind::Postgres => ("true", "false"),
    };
    let started = Instant::now();
    let mut done = 0;
    while done < rows {
        let n = (rows - done).min(1_000);
        let mut cands = String::from(
            "INSERT INTO candidates (id, organization_id, kind, first_name, last_name, first_name_key, last_name_key, email, phone, notes, created_at) VALUES ",
        );
        let mut invs = String::from(
            "INSERT INTO invitations (id, organization_id, candidate_id, first_name, last_name, sort_name, search_text, invited_by, interview_id, job_id, snapshot_hash, email, email_key, language, deadline_date, deadline_zone, closes_at, bcc_me, notify_me, status, expired_from, link_version, emails_queued, reminded_not_started, reminded_deadline, takes, created_at, updated_at, opened_at, started_at, completed_at, revision) VALUES ",
        );
        for i in done..done + n {
            let (first, last) = (FIRST[i % 12], LAST[(i / 12) % 12]);
            let cand = uuid_literal(kind, Uuid::new_v4());
            let id = uuid_literal(kind, Uuid::now_v7());
            let created = (start + TimeDelta::seconds(i64::try_from(i).unwrap())).timestamp_micros();
            let email = format!("c{i}@example.com");
            let status = STATUSES[i % STATUSES.len()];
            let expired_from = if status == "expired" { "'sent'" } else { "NULL" };
            let day = 1 + i % 28;
            let sep = if i == done { "" } else { "," };
            cands.push_str(&format!(
                "{sep}({cand}, {org}, 'external', '{first}', '{last}', '{fl}', '{ll}', '{email}', NULL, '', {created})",
                fl = first.to_lowercase(),
                ll = last.to_lowercase()
            ));
            invs.push_str(&format!(
                "{sep}({id}, {org}, {cand}, '{first}', '{last}', '{ll}\u{1f}{fl}', '{fl}\u{1f}{ll}\u{1f}{email}', {recruiter}, {interview}, NULL, '{hash}', '{email}', '{email}', 'en', '2027-01-{day:02}', 'Europe/Athens', {closes}, {t}, {f}, '{status}', {expired_from}, 0, 1, {f}, {f}, '[0,0]', {created}, {created}, NULL, NULL, NULL, 0)",
                fl = first.to_lowercase(),
                ll = last.to_lowercase(),
                hash = s.snapshot_hash,
                closes = created + 86_400_000_000,
            ));
        }
        db.execute_unprepared(&cands).await.unwrap();
        db.execute_unprepared(&invs).await.unwrap();
        done += n;
    }
    db.execute_unprepared("ANALYZE").await.unwrap();
    println!("  seeded {rows} invitations in {:.1} s", started.elapsed().as_secs_f64());
}

fn baseline_rows(s: &Setup, n: usize, now: DateTime<Utc>) -> Vec<(String, Vec<V>)> {
    let org = s.caller.organization_id.as_uuid();
    let cand = Uuid::new_v4();
    let inv = Uuid::new_v4();
    let us = now.timestamp_micros();
    let (first, last) = (FIRST[n % 12], LAST[(n / 12) % 12]);
    let email = format!("base.{n}.{}@example.com", Uuid::new_v4().simple());
    let snapshot_body = "{}".to_owned();
    vec![
        (
            "INSERT INTO candidates (id, organization_id, kind, first_name, last_name, first_name_key, last_name_key, email, phone, notes, created_at) VALUES (?, ?, 'external', ?, ?, ?, ?, ?, NULL, '', ?)".to_owned(),
            vec![V::U(cand), V::U(org), V::S(first.into()), V::S(last.into()), V::S(first.to_lowercase()), V::S(last.to_lowercase()), V::S(email.clone()), V::I(us)],
        ),
        (
            "INSERT INTO interview_snapshots (hash, body) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING".to_owned(),
            vec![V::S(s.snapshot_hash.clone()), V::S(snapshot_body)],
        ),
        (
            "INSERT INTO invitations (id, organization_id, candidate_id, first_name, last_name, sort_name, search_text, invited_by, interview_id, job_id, snapshot_hash, email, email_key, language, deadline_date, deadline_zone, closes_at, bcc_me, notify_me, status, expired_from, link_version, emails_queued, reminded_not_started, reminded_deadline, takes, created_at, updated_at, opened_at, started_at, completed_at, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'en', '2026-12-31', 'Europe/Athens', ?, ?, ?, 'queued', NULL, 0, 1, ?, ?, '[0,0]', ?, ?, ?, ?, ?, 0)".to_owned(),
            vec![
                V::U(inv), V::U(org), V::U(cand), V::S(first.into()), V::S(last.into()), V::S(format!("{}\u{1f}{}", last.to_lowercase(), first.to_lowercase())),
                V::S(format!("{}\u{1f}{}\u{1f}{email}", first.to_lowercase(), last.to_lowercase())), V::U(s.caller.recruiter_id.as_uuid()), V::U(s.interview.id().as_uuid()),
                V::NU, V::S(s.snapshot_hash.clone()), V::S(email.clone()), V::S(email.clone()), V::I(us + 86_400_000_000), V::B(true), V::B(false), V::B(false), V::B(false),
                V::I(us), V::I(us), V::N, V::N, V::N,
            ],
        ),
        (
            "INSERT INTO timeline_events (id, organization_id, candidate_id, invitation_id, kind, data, actor_kind, actor_id, at) VALUES (?, ?, ?, ?, 'invited', ?, 'recruiter', ?, ?)".to_owned(),
            vec![V::U(Uuid::new_v4()), V::U(org), V::U(cand), V::U(inv), V::S(format!("{{\"email\":\"{email}\",\"interview_name\":\"Round one\",\"deadline\":\"2026-12-31\"}}")), V::U(s.caller.recruiter_id.as_uuid()), V::I(us)],
        ),
        (
            "INSERT INTO outbox (id, organization_id, invitation_id, kind, sequence, recipient, language, created_at, state, not_before, claim_until, attempts, done_at, failure) VALUES (?, ?, ?, 'invitation', 0, ?, 'en', ?, 'pending', ?, NULL, 0, NULL, NULL)".to_owned(),
            vec![V::U(Uuid::new_v4()), V::U(org), V::U(inv), V::S(email.clone()), V::I(us), V::I(us)],
        ),
        (
            "INSERT INTO outbox (id, organization_id, invitation_id, kind, sequence, recipient, language, created_at, state, not_before, claim_until, attempts, done_at, failure) VALUES (?, ?, ?, 'bcc_copy', 0, 'rita@acme.example', 'en', ?, 'pending', ?, NULL, 0, NULL, NULL)".to_owned(),
            vec![V::U(Uuid::new_v4()), V::U(org), V::U(inv), V::I(us), V::I(us)],
        ),
    ]
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    let idx = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[idx.min(samples.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn run(name: &str, store: SqlStore, pool: Pool, rows: usize) {
    println!("\n{name}");
    let s = setup(store).await;
    seed(&s, rows, "2025-01-01T00:00:00Z".parse().unwrap()).await;
    s.memory.clock.set("2026-11-22T09:00:00Z".parse().unwrap());

    // Creation: alternate use case and baseline in rounds, so drift hits both alike.
    let creations = 1_000;
    let (mut use_case, mut baseline) = (Duration::ZERO, Duration::ZERO);
    for round in 0..10 {
        let t = Instant::now();
        for n in 0..creations / 10 {
            invite(&s.slate, s.caller, &s.interview, round * 1_000 + n).await;
        }
        use_case += t.elapsed();
        let t = Instant::now();
        for n in 0..creations / 10 {
            let statements: Vec<_> =
                baseline_rows(&s, n, Utc::now()).into_iter().map(|(sql, v)| (pool.sql(&sql), v)).collect();
            pool.tx(&statements).await;
        }
        baseline += t.elapsed();
    }
    let per_sec = |d: Duration| f64::from(u32::try_from(creations).unwrap()) / d.as_secs_f64();
    let (uc, bl) = (per_sec(use_case), per_sec(baseline));
    println!("  create  use case {uc:>8.0}/s   plain sqlx {bl:>8.0}/s   ratio {:.2} (target >= 0.75)", uc / bl);

    // A filtered, sorted page: status in (sent, opened), newest first, 50 rows, 20 pages deep.
    let query = InvitationQuery {
        statuses: vec![InvitationStatus::Sent, InvitationStatus::Opened],
        limit: PageSize::new(50).unwrap(),
        ..InvitationQuery::default()
    };
    let org = V::U(s.caller.organization_id.as_uuid());
    let first_page = pool.sql("SELECT * FROM invitations WHERE organization_id = ? AND status IN ('sent', 'opened') ORDER BY created_at DESC, id DESC LIMIT 51");
    let next_page = pool.sql("SELECT * FROM invitations WHERE organization_id = ? AND status IN ('sent', 'opened') AND (created_at < ? OR (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC LIMIT 51");
    let (mut uc_samples, mut bl_samples) = (Vec::new(), Vec::new());
    // 3 of every 8 seeded rows are sent or opened; stay within them.
    let depth = (rows * 3 / 8 / 51).saturating_sub(1).clamp(1, 20);
    for _ in 0..10 {
        let mut q = query.clone();
        let mut last: Option<(i64, Uuid)> = None;
        for _ in 0..depth {
            let t = Instant::now();
            let page = s.slate.list_invitations(s.caller, &q).await.unwrap();
            uc_samples.push(t.elapsed());
            assert_eq!(page.items.len(), 50);
            q.after = page.next;

            let t = Instant::now();
            let (n, l) = match last {
                None => pool.page(&first_page, std::slice::from_ref(&org)).await,
                Some((c, id)) => pool.page(&next_page, &[org.clone(), V::I(c), V::I(c), V::U(id)]).await,
            };
            bl_samples.push(t.elapsed());
            assert_eq!(n, 51);
            last = l;
        }
    }
    let (u50, u95) = (percentile(&mut uc_samples, 0.5), percentile(&mut uc_samples, 0.95));
    let (b50, b95) = (percentile(&mut bl_samples, 0.5), percentile(&mut bl_samples, 0.95));
    println!(
        "  page    use case p50 {:>6.2} ms p95 {:>6.2} ms   plain sqlx p50 {:>6.2} ms p95 {:>6.2} ms   ratio p95 {:.2} (target p95 <= 20 ms)",
        ms(u50),
        ms(u95),
        ms(b50),
        ms(b95),
        ms(u95) / ms(b95)
    );

    // Searches, newest first, one page: rare (one address), absent, in between ("c99" starts
    // 11,111 addresses) and common (a surname in 1 row of 12, the domain in every row).
    let terms = ["c4242@", "c777777@", "31415@", "zzq", "c99", "lovel", "hopper", "radia", "xample"];
    let search_sql = pool.sql(
        "SELECT * FROM invitations WHERE organization_id = ? AND search_text LIKE ? ORDER BY created_at DESC, id DESC LIMIT 51",
    );
    let (mut uc_samples, mut bl_samples) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        for term in terms {
            let q = InvitationQuery {
                search: Some(SearchText::parse(term).unwrap()),
                limit: PageSize::new(50).unwrap(),
                ..InvitationQuery::default()
            };
            let t = Instant::now();
            let page = s.slate.list_invitations(s.caller, &q).await.unwrap();
            uc_samples.push(t.elapsed());
            let t = Instant::now();
            let (n, _) = pool.page(&search_sql, &[org.clone(), V::S(format!("%{term}%"))]).await;
            bl_samples.push(t.elapsed());
            assert_eq!(page.items.len(), n.min(50), "the search finds what the plain scan finds for {term:?}");
        }
    }
    let (u50, u95) = (percentile(&mut uc_samples, 0.5), percentile(&mut uc_samples, 0.95));
    let (b50, b95) = (percentile(&mut bl_samples, 0.5), percentile(&mut bl_samples, 0.95));
    println!(
        "  search  use case p50 {:>6.2} ms p95 {:>6.2} ms   plain LIKE p50 {:>6.2} ms p95 {:>6.2} ms   (target p95 <= 20 ms)",
        ms(u50),
        ms(u95),
        ms(b50),
        ms(b95),
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rows: usize = std::env::var("SLATE_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    println!("slate persistence benchmark: {rows} seeded invitations");
    if cfg!(debug_assertions) {
        println!("(unoptimised build, a smoke run: the figures below say nothing; use `cargo bench`)");
    }

    let path = std::env::temp_dir().join(format!("slate-bench-{}.db", Uuid::new_v4().simple()));
    let store =
        SqlStore::connect(&format!("sqlite://{}?mode=rwc", path.display()), &StoreOptions::default()).await.unwrap();
    store.migrate().await.unwrap();
    let pool = Pool::Sqlite(store.connection().get_sqlite_connection_pool().clone());
    run("SQLite (WAL)", store, pool, rows).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }

    let admin = std::env::var("SLATE_BENCH_POSTGRES_URL").or_else(|_| std::env::var("SLATE_TEST_POSTGRES_URL"));
    match admin {
        Ok(admin) => {
            let name = format!("slate_bench_{}", Uuid::new_v4().simple());
            let conn = Database::connect(admin.as_str()).await.unwrap();
            conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b).to_owned();
            let store = SqlStore::connect(&format!("{base}/{name}"), &StoreOptions::default()).await.unwrap();
            store.migrate().await.unwrap();
            let pool = Pool::Postgres(store.connection().get_postgres_connection_pool().clone());
            run("PostgreSQL", store, pool, rows).await;
            conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok();
        }
        Err(_) => println!("\nPostgreSQL: not measured (set SLATE_BENCH_POSTGRES_URL or SLATE_TEST_POSTGRES_URL)"),
    }
}
