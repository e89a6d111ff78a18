//! `cargo bench -p slate-app --bench candidate`: the candidate's side over loopback, each
//! beside a baseline measured in the same run.
//!
//! 1. **Upload**: one answer of `SLATE_BENCH_UPLOAD_MIB` MiB (default 1024) sent with tus
//!    (`POST` then one streaming `PATCH`) to Slate on the local disk, beside a bare axum
//!    handler streaming the same bytes to a file through the same 1 MiB buffer. Prints both
//!    throughputs, their ratio (target ≥ 0.80) and the server's peak RSS growth during each
//!    (target ≤ 64 MiB; the process's high-water mark is reset before each phase).
//! 2. **Landing page**: `GET /c/{invitation}` (the page a candidate lands on, with the link
//!    cookie) and `GET /i/{token}` (the link itself) at 32 keep-alive connections for
//!    `SLATE_BENCH_SECONDS` seconds (default 5), beside a bare axum handler returning a page
//!    of the same size. Prints requests per second, p99 and the ratio (target ≥ 0.60, p99 ≤ 5 ms).
//!
//! The uploaded bytes announce an MP4 (`ftyp`), so the WebM finalizer is not part of the
//! upload figure.

#![expect(clippy::unwrap_used, clippy::print_stdout, reason = "a benchmark program")]

mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::routing::{get, post};
use futures_util::StreamExt as _;
use slate_domain::*;
use slate_http::{AppState, HttpConfig};
use slate_persistence::{SqlStore, StoreOptions};
use slate_video_storage::DiskVideos;
use support::{Ready, read_response, serve};
use tokio::io::{AsyncWriteExt as _, BufWriter};
use tokio::net::TcpStream;

/// The resident-set high-water mark and current size of this process, in KiB.
fn rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Resets the high-water mark (Linux: `echo 5 > /proc/self/clear_refs`).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Sends `total` bytes as the body of `head` (which must carry the Content-Length) in 256 KiB
/// writes; returns the status and the time taken.
async fn send_body(address: SocketAddr, head: &str, first: &[u8], total: u64) -> (u16, Duration) {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let started = Instant::now();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut block = vec![0x5A_u8; 256 * 1024];
    block[..first.len()].copy_from_slice(first);
    let mut sent = 0_u64;
    while sent < total {
        let n = usize::try_from(total - sent).unwrap().min(block.len());
        stream.write_all(&block[..n]).await.unwrap();
        if sent == 0 {
            block[..first.len()].fill(0x5A);
        }
        sent += n as u64;
    }
    let mut buf = Vec::new();
    let (status, _, _) = read_response(&mut stream, &mut buf).await;
    (status, started.elapsed())
}

#[tokio::main]
async fn main() {
    let mib: u64 = std::env::var("SLATE_BENCH_UPLOAD_MIB").ok().and_then(|v| v.parse().ok()).unwrap_or(1024);
    let seconds = support::seconds();
    let total = mib << 20;
    let dir = std::env::temp_dir().join(format!("slate-bench-candidate-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();

    // Slate over SQLite and the local disk, as `cargo run` serves it.
    let store = SqlStore::connect(&format!("sqlite://{}/slate.db?mode=rwc", dir.display()), &StoreOptions::default())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let settings = Settings { max_answer_bytes: total + 1, ..Settings::default() };
    let slate = support::slate_over(&store, Some(Arc::new(DiskVideos::new(dir.join("videos")))), settings);
    let world = support::world(&slate).await;
    let caller = world.caller;
    let org = slate.whoami(caller).await.unwrap().0;
    let invitation = slate.invite_external(caller, support::invite(&world, "grace", 0)).await.unwrap();
    let token = slate.link_token(&invitation);
    let config = HttpConfig { links_per_minute: u32::MAX / 2, ..HttpConfig::default() };
    let slate_address = serve(slate_http::router(AppState::new(slate.clone(), Arc::new(Ready), config))).await;
    let id = invitation.id();
    let cookie = format!("slate_link={}", token.expose());

    // ------------------------------------------------------------ landing page
    let mut probe = TcpStream::connect(slate_address).await.unwrap();
    probe
        .write_all(format!("GET /c/{id} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut buf = Vec::new();
    let (status, _, page_len) = read_response(&mut probe, &mut buf).await;
    assert_eq!(status, 200);
    let page: Arc<Vec<u8>> = Arc::new(buf[buf.len() - page_len..].to_vec());
    let baseline_page = {
        let page = page.clone();
        serve(Router::new().route(
            "/c/{id}",
            get(move || {
                let page = page.clone();
                async move { ([(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")], page.as_ref().clone()) }
            }),
        ))
        .await
    };
    println!("landing page: {page_len} bytes, 32 connections, {seconds} s each");
    let get = |path: String, cookie: &str| format!("GET {path} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\n\r\n");
    let base = support::load(baseline_page, &get(format!("/c/{id}"), ""), 200, 32, seconds).await;
    let landing = support::load(slate_address, &get(format!("/c/{id}"), &cookie), 200, 32, seconds).await;
    let link = support::load(slate_address, &get(format!("/i/{}", token.expose()), ""), 303, 32, seconds).await;
    println!("{}", base.line("bare axum, the same page from memory"));
    println!("{}", landing.line("Slate GET /c/{id}"));
    println!("{}", link.line("Slate GET /i/{token} (to the cookie)"));
    println!(
        "  ratio (landing / bare): {:.2}  (target ≥ 0.60, p99 ≤ 5 ms; `--bench http` compares it with one database read)",
        landing.rps / base.rps
    );

    // ------------------------------------------------------------ upload
    slate.start_interview(&token).await.unwrap();
    let q = invitation.interview().questions[0].id();
    let meta = format!(
        "question {}",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, q.as_uuid().to_string())
    );
    let mut create = TcpStream::connect(slate_address).await.unwrap();
    create
        .write_all(
            format!(
                "POST /c/{id}/uploads HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\nTus-Resumable: 1.0.0\r\nUpload-Length: {total}\r\nUpload-Metadata: {meta}\r\nContent-Length: 0\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let (status, head, _) = read_response(&mut create, &mut buf).await;
    assert_eq!(status, 201, "{head}");
    let location = head
        .lines()
        .find_map(|l| l.strip_prefix("location: ").or_else(|| l.strip_prefix("Location: ")))
        .unwrap()
        .trim()
        .to_owned();
    let mp4 = b"\0\0\0\x18ftypmp42";

    let baseline_file = dir.join("baseline.bin");
    let baseline_upload = {
        let path = baseline_file.clone();
        serve(Router::new().route(
            "/upload",
            post(move |body: Body| {
                let path = path.clone();
                async move {
                    let file = tokio::fs::File::create(&path).await.unwrap();
                    let mut out = BufWriter::with_capacity(1 << 20, file);
                    let mut stream = body.into_data_stream();
                    while let Some(piece) = stream.next().await {
                        out.write_all(&piece.unwrap()).await.unwrap();
                    }
                    out.flush().await.unwrap();
                    out.get_ref().sync_data().await.unwrap();
                    axum::http::StatusCode::NO_CONTENT
                }
            }),
        ))
        .await
    };
    println!("\nupload: {mib} MiB over loopback to the local disk");
    reset_peak();
    let (_, before) = rss();
    let head = format!("POST /upload HTTP/1.1\r\nHost: bench\r\nContent-Length: {total}\r\n\r\n");
    let (status, base_time) = send_body(baseline_upload, &head, mp4, total).await;
    assert_eq!(status, 204);
    let (base_peak, _) = rss();
    let _ = std::fs::remove_file(&baseline_file);

    reset_peak();
    let (_, slate_before) = rss();
    let head = format!(
        "PATCH {location} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {total}\r\n\r\n"
    );
    let (status, slate_time) = send_body(slate_address, &head, mp4, total).await;
    assert_eq!(status, 204);
    let (slate_peak, _) = rss();
    let stored =
        std::fs::metadata(dir.join("videos").join(MediaKey::for_answer(org.id, id, q, 1).as_str())).unwrap().len();
    assert_eq!(stored, total, "the whole upload is stored and complete");

    let mbps = |t: Duration| total as f64 / (1 << 20) as f64 / t.as_secs_f64();
    println!(
        "  bare axum → file:  {:>8.0} MiB/s  peak RSS growth {:>5} MiB",
        mbps(base_time),
        base_peak.saturating_sub(before) / 1024
    );
    println!(
        "  Slate tus → disk:  {:>8.0} MiB/s  peak RSS growth {:>5} MiB",
        mbps(slate_time),
        slate_peak.saturating_sub(slate_before) / 1024
    );
    println!(
        "  ratio (Slate / bare): {:.2}  (target ≥ 0.80; RSS growth target ≤ 64 MiB)",
        mbps(slate_time) / mbps(base_time)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
