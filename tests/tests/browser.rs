//! The candidate's whole journey in a real headless Chromium (Debian's `chromium` and
//! `chromedriver`, installed by `./scripts/test`; fake camera and microphone), driven with
//! fantoccini against the real `slate` binary: the link, the landing page, consent, the device
//! check, the practice question, recording and uploading every answer, a retake, a reload in
//! the middle, submission. Then the stored files are checked (real WebM with a duration, read
//! by `ffprobe`), the invitation is Completed with every answer, and the server's log holds no
//! link secret. Screenshots of each step are written to `target/browser-screenshots/`.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test program: a panic is a failure")]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use slate_tests::harness::{Running, days_from_now, temp_dir, wait_for};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_chromedriver() -> (Driver, String) {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is required by the browser test (./scripts/test installs Debian's chromium-driver)");
    let url = format!("http://127.0.0.1:{port}");
    wait_for(Duration::from_secs(20), "chromedriver to listen", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).ok()
    });
    (Driver(child), url)
}

async fn browser(driver: &str, profile: &Path) -> Client {
    // With every feature of the workspace on, rustls sees two crypto providers and will not
    // pick one (the trap ecosystem.md describes): choose, as the app does.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
        "--window-size=1280,900",
        &format!("--user-data-dir={}", profile.display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), json!({ "binary": "/usr/bin/chromium", "args": args }));
    ClientBuilder::rustls().unwrap().capabilities(caps).connect(driver).await.expect("a Chromium session")
}

/// Waits until `css` is displayed.
async fn shown(c: &Client, css: &str) -> fantoccini::elements::Element {
    let start = Instant::now();
    loop {
        if let Ok(el) = c.find(Locator::Css(css)).await
            && el.is_displayed().await.unwrap_or(false)
        {
            return el;
        }
        if start.elapsed() > Duration::from_secs(40) {
            let error = match c.find(Locator::Css("#error")).await {
                Ok(e) => e.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!("{css} never showed; page error: {error:?}; page: {}", c.source().await.unwrap_or_default());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn click(c: &Client, css: &str) {
    shown(c, css).await.click().await.unwrap();
}

struct Shots {
    dir: PathBuf,
    n: usize,
}

impl Shots {
    async fn take(&mut self, c: &Client, name: &str) {
        self.n += 1;
        let png = c.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a real screenshot");
        std::fs::write(self.dir.join(format!("{:02}-{name}.png", self.n)), png).unwrap();
    }
}

/// Records one take: skips the thinking time, records about two seconds, stops, and waits
/// until the answer is saved.
async fn record_take(c: &Client) {
    click(c, "#record-now").await;
    shown(c, "#stop").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    click(c, "#stop").await;
    shown(c, "#saved").await;
}

fn answer_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("take-") && !n.contains('.'))
            {
                found.push(p);
            }
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn a_candidate_records_and_submits_every_answer_in_chromium() {
    let dir = temp_dir("browser");
    // Everything logged, down to trace: the secret must appear nowhere.
    let slate = Running::start(&dir, &[("SLATE__LOG__LEVEL", "trace")]);
    let interview = json!({"name": "First round", "question_language": "en", "intro": "Two short questions.",
        "questions": [
            {"prompt": "Tell us about a project you are proud of.", "thinking_secs": 3, "max_answer_secs": 10, "retakes": 1},
            {"prompt": "Why this role?", "thinking_secs": 3, "max_answer_secs": 10}]});
    let (status, created) = slate.call("POST", "/api/v1/interviews", Some(&interview));
    assert_eq!(status, 201, "{created}");
    let interview_id = created["id"].as_str().unwrap();
    assert_eq!(slate.call("POST", &format!("/api/v1/interviews/{interview_id}/publish"), None).0, 200);
    let invite = json!({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
        "interview_id": interview_id, "deadline": days_from_now(10), "notify_me": true});
    let (status, invitation) = slate.call("POST", "/api/v1/invitations", Some(&invite));
    assert_eq!(status, 201, "{invitation}");
    let invitation_id = invitation["id"].as_str().unwrap().to_owned();
    let link = invitation["link"].as_str().unwrap().to_owned();
    let path = link.strip_prefix("http://slate.test").unwrap();
    let secret = path.strip_prefix("/i/").unwrap().to_owned();

    let (_driver, driver_url) = start_chromedriver();
    let c = browser(&driver_url, &dir.join("chromium-profile")).await;
    let target = std::env::current_exe().unwrap().ancestors().nth(3).unwrap().to_path_buf();
    let mut shots = Shots { dir: target.join("browser-screenshots"), n: 0 };
    std::fs::create_dir_all(&shots.dir).unwrap();
    let base = format!("http://{}", slate.address);

    // The link: the landing page, and the secret gone from the address bar.
    c.goto(&format!("{base}{path}")).await.unwrap();
    shown(&c, "#start").await;
    let url = c.current_url().await.unwrap();
    assert_eq!(url.path(), format!("/c/{invitation_id}"));
    assert!(!url.as_str().contains(&secret), "the secret left the address bar");
    assert_eq!(c.find(Locator::Css("#question-count")).await.unwrap().text().await.unwrap(), "2");
    shown(&c, "time[data-local-time]").await; // the deadline in the browser's own zone
    shots.take(&c, "landing").await;
    c.set_window_size(390, 844).await.unwrap();
    shots.take(&c, "landing-phone").await;
    c.set_window_size(1280, 900).await.unwrap();

    // Consent (keyboard: the checkbox is a labelled control), then the device check.
    click(&c, "#consent").await;
    click(&c, "#start").await;
    click(&c, "#check-start").await;
    shown(&c, "#check-ok").await;
    shots.take(&c, "device-check").await;
    click(&c, "#check-continue").await;

    // The practice question: recorded, not uploaded.
    click(&c, "#practice-start").await;
    click(&c, "#record-now").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    click(&c, "#stop").await;
    shown(&c, "#practice-skip").await;
    shots.take(&c, "after-practice").await;
    click(&c, "#practice-skip").await;

    // Question 1, then a retake.
    let number = shown(&c, "#question-number").await.text().await.unwrap();
    assert_eq!(number, "Question 1 of 2");
    record_take(&c).await;
    shots.take(&c, "question-1-saved").await;
    click(&c, "#retake").await;
    record_take(&c).await;
    shots.take(&c, "question-1-retake-saved").await;
    assert!(!shown(&c, "#next").await.text().await.unwrap().is_empty());
    let retake_left = c.find(Locator::Css("#retake")).await.unwrap().is_displayed().await.unwrap();
    assert!(!retake_left, "one retake allowed, used");

    // Reload mid-interview: it continues at the next unanswered question.
    c.refresh().await.unwrap();
    click(&c, "#check-start").await;
    click(&c, "#check-continue").await;
    click(&c, "#practice-skip").await;
    let number = shown(&c, "#question-number").await.text().await.unwrap();
    assert_eq!(number, "Question 2 of 2", "continues after the answered question");
    record_take(&c).await;
    shots.take(&c, "question-2-saved").await;
    click(&c, "#next").await;
    shots.take(&c, "submit").await;
    click(&c, "#submit").await;
    shown(&c, "#thanks").await;
    shots.take(&c, "thank-you").await;
    c.close().await.unwrap();

    // The invitation is Completed, with consent and every answer on the timeline.
    let (_, read) = slate.call("GET", &format!("/api/v1/invitations/{invitation_id}"), None);
    assert_eq!(read["status"], "completed", "{read}");
    let candidate = read["candidate"]["id"].as_str().unwrap();
    let (_, timeline) = slate.call("GET", &format!("/api/v1/candidates/{candidate}/timeline"), None);
    let kinds: Vec<&str> = timeline.as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    for kind in ["consent_given", "opened", "started", "completed"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }

    // The API lists the three takes (two count: the retake replaced the first).
    let (status, answers) = slate.call("GET", &format!("/api/v1/invitations/{invitation_id}/answers"), None);
    assert_eq!(status, 200, "{answers}");
    let answers = answers.as_array().unwrap();
    assert_eq!(answers.len(), 3, "{answers:?}");
    assert_eq!(answers.iter().filter(|a| a["current"] == true).count(), 2);
    assert!(answers.iter().all(|a| a["content_type"] == "video/webm" && a["duration_ms"].as_u64() > Some(1000)));

    // Three takes stored, each a real WebM with a duration players can read.
    let files = answer_files(&dir.join("videos"));
    assert_eq!(files.len(), 3, "{files:?}");
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert_eq!(&bytes[..4], &[0x1A, 0x45, 0xDF, 0xA3], "EBML header: {}", file.display());
        let out = Command::new("ffprobe")
            .args(["-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1"])
            .arg(file)
            .output()
            .expect("ffprobe (./scripts/test installs ffmpeg)");
        let duration: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(0.0);
        assert!(duration > 1.0, "{}: duration {duration}", file.display());
    }

    // The link secret never reached the server's log.
    let log = std::fs::read_to_string(dir.join("slate.log")).unwrap();
    assert!(!log.is_empty(), "the server logged the session");
    assert!(!log.contains(&secret), "the link secret is in the log");
}
