//! `cargo bench -p slate-app --bench email`: delivers N queued invitations (default 10,000;
//! `SLATE_BENCH_MESSAGES`) to a local SMTP sink through Slate's outbox worker (SQLite store,
//! the real renderer, MIME and mail-send over the default `mail.smtp_connections` reused
//! connections, or `SLATE_BENCH_CONNECTIONS`), beside a baseline measured in the same run:
//! mail-send alone sending the same number of pre-rendered messages over one connection
//! (as issue 8 defines it) to the same sink, once before the worker and once after
//! (the machine is shared; their mean is the baseline). Both run as tasks on the same
//! two-thread runtime, as the worker does in the app; the sink runs on a thread of its own,
//! as a relay runs in a process of its own. Prints the rates and the ratio (target: at
//! least 0.80). With `SLATE_BENCH_POSTGRES_URL` (a server where databases may be created,
//! through `psql`), the store is a fresh PostgreSQL database instead of SQLite.

#![expect(clippy::unwrap_used, clippy::print_stdout, reason = "a benchmark program")]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mail_send::SmtpClientBuilder;
use mail_send::smtp::message::Message;
use slate_domain::memory::TestPasswords;
use slate_domain::*;
use slate_email::{OutboxWorker, Renderer, Security, Sender, Smtp, SmtpSettings, Transport, WorkerSettings};
use support::Ids;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A minimal SMTP sink: accepts everything and counts messages. It runs on a thread and a
/// runtime of its own, as a real relay is a process of its own: every SMTP round trip
/// crosses threads, for the baseline and the worker alike. (Sharing the measured runtime,
/// a client and the sink could trade replies on one worker thread without a wake-up, a
/// best case no relay gives; and the client on the main thread of its own while the worker
/// shares the runtime's two had flattered the worker by half: see docs/performance.md,
/// finding 27.)
fn sink() -> (u16, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let listener = TcpListener::from_std(listener).unwrap();
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let _ = stream.set_nodelay(true);
                let count = counted.clone();
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut lines = BufReader::new(read);
                    write.write_all(b"220 sink ESMTP\r\n").await.ok()?;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await.ok()? == 0 {
                            return Some(());
                        }
                        let upper = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        let reply: &[u8] = match upper.as_str() {
                            "EHLO" | "HELO" => b"250-sink\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                write.write_all(b"354 go\r\n").await.ok()?;
                                loop {
                                    line.clear();
                                    if lines.read_line(&mut line).await.ok()? == 0 {
                                        return Some(());
                                    }
                                    if line == ".\r\n" {
                                        break;
                                    }
                                }
                                count.fetch_add(1, Ordering::Relaxed);
                                b"250 queued\r\n"
                            }
                            "QUIT" => {
                                write.write_all(b"221 bye\r\n").await.ok()?;
                                return Some(());
                            }
                            _ => b"250 ok\r\n",
                        };
                        write.write_all(reply).await.ok()?;
                    }
                });
            }
        })
    });
    (port, count)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let n: usize = std::env::var("SLATE_BENCH_MESSAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let dir = std::env::temp_dir().join(format!("slate-bench-email-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let postgres = std::env::var_os("SLATE_BENCH_POSTGRES_URL").is_some();
    let (url, database) = support::database(&dir, postgres, "email");
    let store = support::store(&url).await;
    let memory = slate_domain::memory::InMemory::new(chrono::Utc::now());
    let ports = Ports::from_store(
        Arc::new(store.clone()),
        Arc::new(slate_domain::defaults::SystemClock),
        Arc::new(Ids),
        memory.links.clone(),
        memory.videos.clone(),
        Arc::new(TestPasswords),
        Arc::new(Renderer::new()),
    );
    let slate = Slate::new(ports, Settings::default());
    let support::World { caller, interview } = support::world(&slate).await;
    let deadline = (chrono::Utc::now() + chrono::TimeDelta::days(20)).date_naive();
    print!("queueing {n} invitations… ");
    let queued = Instant::now();
    queue(&slate, caller, interview.id(), deadline, "c", n).await;
    println!("{:.1} s", queued.elapsed().as_secs_f64());

    let (port, count) = sink();

    // Baseline: mail-send alone, pre-rendered messages of the same size, one connection.
    let sample = {
        let claimed = slate.claim_messages(1).await.unwrap().remove(0);
        let token = claimed.claim_token().unwrap();
        let Prepared::Send(ctx) = slate.prepare_message(claimed.id, token).await.unwrap() else { panic!() };
        let rendered = slate.render_message(&ctx);
        let sender = Sender {
            address: "interviews@acme.example".into(),
            via: "via Slate".into(),
            message_id_host: "bench".into(),
        };
        let raw = slate_email::mime::build(&sender, &ctx, &rendered).unwrap();
        slate
            .record_delivery(claimed.id, token, DeliveryOutcome::TemporaryFailure { reason: "bench sample".into() })
            .await
            .unwrap();
        raw
    };
    let messages: Arc<[(String, Vec<u8>)]> = (0..n).map(|i| (format!("c{i}@example.com"), sample.clone())).collect();
    // Queueing left megabytes for the disk to take: let it, so that neither run measures it.
    settle(&dir, postgres);

    // The baseline, before the worker and again after it (the machine is shared: the mean
    // of the two cancels a drift between the runs).
    let before = baseline(port, messages.clone()).await;
    count.store(0, Ordering::Relaxed);

    // Slate: the outbox worker over the SQLite store.
    let smtp = Smtp::new(SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        credentials: None,
        timeout: Duration::from_secs(10),
        helo_host: "bench".into(),
    });
    let sender =
        Sender { address: "interviews@acme.example".into(), via: "via Slate".into(), message_id_host: "bench".into() };
    let connections = std::env::var("SLATE_BENCH_CONNECTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(slate_email::DEFAULT_CONNECTIONS);
    let worker = OutboxWorker::new(
        slate.clone(),
        sender,
        Transport::Smtp(Box::new(smtp)),
        WorkerSettings { connections, ..WorkerSettings::default() },
    );
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // The sample message above waits out its back-off; count what the worker sends now.
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let running = tokio::spawn(worker.run(stopped));
    while count.load(Ordering::Relaxed) < n - 1 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let slate_time = started.elapsed();
    let slate_cpu = cpu_seconds().zip(cpu_before).map(|(after, before)| per_message(after, before, n - 1));
    stop.send(true).unwrap();
    running.await.unwrap();
    let slate_rate = (n - 1) as f64 / slate_time.as_secs_f64();
    let after = baseline(port, messages.clone()).await;
    let baseline_rate = f64::midpoint(before.0, after.0);
    if std::env::var_os("SLATE_BENCH_BREAKDOWN").is_some() {
        breakdown(&slate, caller, interview.id(), deadline).await;
    }
    println!("email delivery, {n} messages to a local SMTP sink:");
    println!(
        "  baseline (mail-send alone, pre-rendered, 1 connection): {baseline_rate:>9.0} messages/s (before {:.0}, after {:.0})",
        before.0, after.0
    );
    let label = format!(
        "Slate outbox worker ({database}, {connections} connection{})",
        if connections == 1 { "" } else { "s" }
    );
    println!("  {label:<54} {slate_rate:>9.0} messages/s");
    println!("  ratio: {:.2} (target ≥ 0.80)", slate_rate / baseline_rate);
    if let (Some(base), Some(slate)) = (before.1, slate_cpu) {
        println!(
            "  CPU per message: baseline {:.0} µs; Slate {:.0} µs in this process + {:.0} µs in PostgreSQL's",
            base.0, slate.0, slate.1
        );
    }
    if n < 1000 {
        println!("  (smoke run: too few messages for the figures to mean anything)");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// mail-send alone: `messages` over one connection to the sink at `port`, on a task of the
/// runtime's as the worker is (the benchmark's own future runs on the main thread, which
/// neither side should have to itself). Returns the rate and the CPU a message took (this
/// process, PostgreSQL's).
async fn baseline(port: u16, messages: Arc<[(String, Vec<u8>)]>) -> (f64, Option<(f64, f64)>) {
    tokio::spawn(send_all(port, messages)).await.unwrap()
}

async fn send_all(port: u16, messages: Arc<[(String, Vec<u8>)]>) -> (f64, Option<(f64, f64)>) {
    let mut client = SmtpClientBuilder::new("127.0.0.1".to_owned(), port)
        .unwrap()
        .implicit_tls(false)
        .timeout(Duration::from_secs(10))
        .connect_plain()
        .await
        .unwrap();
    client.stream.set_nodelay(true).unwrap();
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    for (to, body) in messages.iter() {
        client.send(Message::new("interviews@acme.example", [to.as_str()], body.as_slice())).await.unwrap();
    }
    let took = started.elapsed();
    let cpu = cpu_seconds().zip(cpu_before).map(|(after, before)| per_message(after, before, messages.len()));
    drop(client);
    (messages.len() as f64 / took.as_secs_f64(), cpu)
}

/// Lets the disk take what setting up wrote: SQLite's log folded into the database, then
/// every dirty page written (`sync`); on PostgreSQL, a checkpoint first.
fn settle(dir: &std::path::Path, postgres: bool) {
    if postgres {
        if let Ok(admin) = std::env::var("SLATE_BENCH_POSTGRES_URL") {
            let _ = std::process::Command::new("psql").args([admin.as_str(), "-qc", "CHECKPOINT"]).status();
        }
    } else {
        let conn = rusqlite::Connection::open(dir.join("slate.db")).unwrap();
        conn.busy_timeout(Duration::from_secs(30)).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    }
    let _ = std::process::Command::new("sync").status();
}

/// Where the time of one message goes: gathering, wording, MIME, recording (1,000 each).
async fn breakdown(slate: &Slate, caller: Caller, interview: InterviewId, deadline: chrono::NaiveDate) {
    queue(slate, caller, interview, deadline, "b", 1000).await;
    let claimed = slate.claim_messages(1000).await.unwrap();
    let t = Instant::now();
    let mut contexts = Vec::new();
    for chunk in claimed.chunks(50) {
        for p in slate.prepare_messages(chunk).await {
            if let Prepared::Send(c) = p.unwrap() {
                contexts.push(c);
            }
        }
    }
    let prepare = t.elapsed();
    let t = Instant::now();
    let rendered: Vec<_> = contexts.iter().map(|c| slate.render_message(c)).collect();
    let render = t.elapsed();
    let sender =
        Sender { address: "interviews@acme.example".into(), via: "via Slate".into(), message_id_host: "bench".into() };
    let t = Instant::now();
    for (c, r) in contexts.iter().zip(&rendered) {
        let _ = slate_email::mime::build(&sender, c, r).unwrap();
    }
    let mime = t.elapsed();
    let t = Instant::now();
    let reports: Vec<_> = claimed
        .iter()
        .zip(&contexts)
        .map(|(m, c)| DeliveryReport {
            message: m.clone(),
            invitation: Some(c.invitation.clone()),
            live: None,
            outcome: DeliveryOutcome::Delivered,
        })
        .collect();
    for chunk in reports.chunks(16) {
        let _ = slate.record_deliveries(chunk.to_vec()).await;
    }
    let record = t.elapsed();
    let per = |d: Duration| d.as_micros() as f64 / claimed.len() as f64;
    println!(
        "per message (µs): gather in batches of 50 {:.0}, word {:.0}, MIME {:.0}, record in groups of 16 {:.0}",
        per(prepare),
        per(render),
        per(mime),
        per(record)
    );
}

/// Invites `n` candidates (`{prefix}{i}@example.com`), queueing their invitations.
async fn queue(
    slate: &Slate,
    caller: Caller,
    interview: InterviewId,
    deadline: chrono::NaiveDate,
    prefix: &str,
    n: usize,
) {
    for i in 0..n {
        let input = InviteExternal {
            first_name: PersonName::parse("Candidate").unwrap(),
            last_name: PersonName::parse(&format!("N{i}")).unwrap(),
            email: EmailAddress::parse(&format!("{prefix}{i}@example.com")).unwrap(),
            interview_id: interview,
            language: None,
            deadline,
            bcc_me: false,
            notify_me: false,
        };
        slate.invite_external(caller, input).await.unwrap();
    }
}

/// CPU seconds used so far by this process (the sink, the client, the worker) and by every
/// `postgres` process on this machine, from `/proc` (Linux; `None` elsewhere).
fn cpu_seconds() -> Option<(f64, f64)> {
    // utime and stime, in clock ticks (100 a second on Linux).
    let used = |stat: &str| -> Option<f64> {
        let text = std::fs::read_to_string(stat).ok()?;
        let fields: Vec<&str> = text.rsplit_once(')')?.1.split(' ').collect();
        Some((fields.get(12)?.parse::<f64>().ok()? + fields.get(13)?.parse::<f64>().ok()?) / 100.0)
    };
    let own = used("/proc/self/stat")?;
    let mut postgres = 0.0;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let path = entry.path();
        if std::fs::read_to_string(path.join("comm")).is_ok_and(|c| c.starts_with("postgres")) {
            postgres += used(&path.join("stat").to_string_lossy()).unwrap_or(0.0);
        }
    }
    Some((own, postgres))
}

/// Microseconds of CPU a message, here and in PostgreSQL, between two readings.
fn per_message(after: (f64, f64), before: (f64, f64), n: usize) -> (f64, f64) {
    let n = n as f64;
    ((after.0 - before.0) * 1e6 / n, (after.1 - before.1) * 1e6 / n)
}
