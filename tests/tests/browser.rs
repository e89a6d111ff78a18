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

/// Clicks `css` once it is shown; an element replaced while it was being clicked (the page
/// was still loading) is found again.
async fn click(c: &Client, css: &str) {
    let start = Instant::now();
    loop {
        match shown(c, css).await.click().await {
            Ok(()) => return,
            Err(e) if start.elapsed() < Duration::from_secs(20) && is_stale(&e) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("clicking {css}: {e}"),
        }
    }
}

/// Clicks `css` until `next` shows. A click that lands while a freshly loaded page is still
/// wiring its buttons is lost; the button then stays, and is clicked again. Once `css` is gone
/// (its click took effect) it is only waited for `next`.
async fn click_to(c: &Client, css: &str, next: &str) {
    let start = Instant::now();
    click(c, css).await;
    let mut clicked = Instant::now();
    loop {
        if let Ok(el) = c.find(Locator::Css(next)).await
            && el.is_displayed().await.unwrap_or(false)
        {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(40), "{next} never showed after clicking {css}");
        if clicked.elapsed() > Duration::from_secs(5)
            && let Ok(el) = c.find(Locator::Css(css)).await
            && el.is_displayed().await.unwrap_or(false)
        {
            let _ = el.click().await;
            clicked = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn is_stale(e: &fantoccini::error::CmdError) -> bool {
    e.to_string().contains("stale element")
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
    let _one = ONE_BROWSER.lock().await;
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
    click_to(&c, "#check-start", "#check-ok").await;
    shots.take(&c, "device-check").await;
    click_to(&c, "#check-continue", "#practice-start").await;

    // The practice question: recorded, not uploaded.
    click(&c, "#practice-start").await;
    click(&c, "#record-now").await;
    shown(&c, "#stop").await; // recording has begun
    tokio::time::sleep(Duration::from_millis(1500)).await;
    click(&c, "#stop").await;
    shown(&c, "#practice-skip").await;
    shots.take(&c, "after-practice").await;
    click_to(&c, "#practice-skip", "#question-number").await;

    // Question 1, then a retake.
    text_is(&c, "#question-number", "Question 1 of 2").await;
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
    click_to(&c, "#check-start", "#check-continue").await;
    click_to(&c, "#check-continue", "#practice-skip").await;
    click_to(&c, "#practice-skip", "#question-number").await;
    text_is(&c, "#question-number", "Question 2 of 2").await; // continues after the answered question
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

// ---------------------------------------------------------------- the recruiter's screens

/// The two browser tests record and play media on two cores: one at a time.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// axe-core, vendored from its npm package (tests/vendor/axe-core).
const AXE: &str = include_str!("../vendor/axe-core/axe.min.js");

/// Runs axe-core on the page and fails on any serious or critical violation.
async fn accessible(c: &Client, screen: &str) {
    c.execute(AXE, vec![]).await.unwrap();
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .unwrap();
    let problems: Vec<String> = serde_json::from_value(found).unwrap();
    assert!(problems.is_empty(), "accessibility violations on {screen}: {problems:#?}");
}

async fn fill(c: &Client, css: &str, text: &str) {
    let start = Instant::now();
    loop {
        let el = shown(c, css).await;
        let typed = match el.clear().await {
            Ok(()) => el.send_keys(text).await,
            Err(e) => Err(e),
        };
        match typed {
            Ok(()) => return,
            Err(e) if start.elapsed() < Duration::from_secs(20) && is_stale(&e) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("typing into {css}: {e}"),
        }
    }
}

/// Sets an input's value directly (date inputs take typed keys in the browser's locale).
async fn set_value(c: &Client, css: &str, value: &str) {
    c.execute(
        "const el = document.querySelector(arguments[0]); el.value = arguments[1]; el.dispatchEvent(new Event('change'));",
        vec![json!(css), json!(value)],
    )
    .await
    .unwrap();
}

/// Waits until the browser is at `path` (a click's navigation may still be under way).
async fn at_path(c: &Client, path: &str) {
    let start = Instant::now();
    loop {
        let now = c.current_url().await.unwrap();
        if now.path() == path {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "never reached {path}; at {now}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The text of `css` once it is shown (found again if the page replaced it meanwhile).
async fn text_of(c: &Client, css: &str) -> String {
    let start = Instant::now();
    loop {
        match shown(c, css).await.text().await {
            Ok(text) => return text,
            Err(e) if start.elapsed() < Duration::from_secs(20) && is_stale(&e) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("reading {css}: {e}"),
        }
    }
}

/// Waits until the text of `css` satisfies `ok`, and returns it. After a click that submits a
/// form the browser may still show the page before it, or be replacing it: the element is
/// found again on every try, so neither the old page nor a replaced element fails the check.
async fn text_until(c: &Client, css: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let text = match c.find(Locator::Css(css)).await {
            Ok(el) => el.text().await.ok(),
            Err(_) => None,
        };
        if let Some(text) = text.as_deref()
            && ok(text)
        {
            return text.to_owned();
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{css} never {what}; last text: {text:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the text of `css` contains `needle`.
async fn text_has(c: &Client, css: &str, needle: &str) -> String {
    text_until(c, css, &format!("contained {needle:?}"), |t| t.contains(needle)).await
}

/// Waits until the text of `css` is `expected`.
async fn text_is(c: &Client, css: &str, expected: &str) {
    text_until(c, css, &format!("read {expected:?}"), |t| t == expected).await;
}

/// Waits until the form control `css` holds `expected` (found again on every try, as above).
async fn value_is(c: &Client, css: &str, expected: &str) {
    let start = Instant::now();
    loop {
        let value = match c.find(Locator::Css(css)).await {
            Ok(el) => el.prop("value").await.ok().flatten(),
            Err(_) => None,
        };
        if value.as_deref() == Some(expected) {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{css} never held {expected:?}; last: {value:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Chooses the option labelled `label` in the select `css` (found again if it was replaced).
async fn choose(c: &Client, css: &str, label: &str) {
    let start = Instant::now();
    loop {
        match shown(c, css).await.select_by_label(label).await {
            Ok(()) => return,
            Err(e) if start.elapsed() < Duration::from_secs(20) && is_stale(&e) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("choosing {label:?} in {css}: {e}"),
        }
    }
}

/// Waits until the page's text contains `needle`.
async fn page_has(c: &Client, needle: &str) {
    let start = Instant::now();
    loop {
        let body = c.find(Locator::Css("body")).await.unwrap().text().await.unwrap_or_default();
        if body.contains(needle) {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{needle:?} never appeared; page: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A screen: checked with axe-core and photographed.
async fn screen(c: &Client, shots: &mut Shots, name: &str) {
    accessible(c, name).await;
    shots.take(c, name).await;
}

/// The candidate's side, briefly: consent, device check, no practice, one take per question.
async fn answer_everything(c: &Client, questions: usize) {
    click(c, "#consent").await;
    click(c, "#start").await;
    click_to(c, "#check-start", "#check-continue").await;
    click_to(c, "#check-continue", "#practice-skip").await;
    click_to(c, "#practice-skip", "#question-number").await;
    for n in 1..=questions {
        record_take(c).await;
        if n < questions {
            click(c, "#next").await;
        }
    }
    click(c, "#next").await;
    click(c, "#submit").await;
    shown(c, "#thanks").await;
}

#[tokio::test]
async fn a_recruiter_runs_the_whole_loop_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let dir = temp_dir("ui");
    let slate = Running::start(&dir, &[]);
    let out = slate.slate.command().args(["set-password", "--email", "admin@slate.example"]).output().unwrap();
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    let password = printed.trim().rsplit(' ').next().unwrap().to_owned();
    let (_driver, driver_url) = start_chromedriver();
    let c = browser(&driver_url, &dir.join("chromium-profile")).await;
    let target = std::env::current_exe().unwrap().ancestors().nth(3).unwrap().to_path_buf();
    let mut shots = Shots { dir: target.join("ui-screenshots"), n: 0 };
    std::fs::create_dir_all(&shots.dir).unwrap();
    let base = format!("http://{}", slate.address);

    // Log in: a wrong password is an HTML page that keeps the email.
    c.goto(&format!("{base}/")).await.unwrap();
    at_path(&c, "/login").await;
    fill(&c, "#email", "admin@slate.example").await;
    fill(&c, "#password", "not the password").await;
    click(&c, "#log-in").await;
    text_has(&c, "#login-error", "wrong").await;
    value_is(&c, "#email", "admin@slate.example").await;
    screen(&c, &mut shots, "login-refused").await;
    fill(&c, "#password", &password).await;
    click(&c, "#log-in").await;
    shown(&c, "#funnel-chart").await;
    screen(&c, &mut shots, "dashboard-empty").await;

    // A video interview: a mistake keeps what was typed; questions added and reordered.
    click(&c, "#new-interview, a[href='/interviews/new']").await;
    fill(&c, "#name", "Backend engineer").await;
    fill(&c, "#intro", "Two short questions, about a minute.").await;
    fill(&c, "#q-prompt-0", "Why this role?").await;
    fill(&c, "#q-thinking-0", "2").await;
    fill(&c, "#q-max-0", "10").await;
    fill(&c, "#q-retakes-0", "0").await;
    click(&c, "#add-question").await;
    fill(&c, "#q-prompt-1", "Tell us about a project you are proud of.").await;
    fill(&c, "#q-thinking-1", "2").await;
    fill(&c, "#q-max-1", "9999").await;
    fill(&c, "#q-retakes-1", "0").await;
    c.execute("document.querySelectorAll('input[type=number]').forEach(i => i.removeAttribute('max'))", vec![])
        .await
        .unwrap();
    click(&c, "#save-interview").await;
    text_has(&c, "#error-summary", "maximum answer length").await; // the server names the problem
    value_is(&c, "#q-prompt-1", "Tell us about a project you are proud of.").await;
    screen(&c, &mut shots, "interview-form-refused").await;
    fill(&c, "#q-max-1", "10").await;
    click(&c, "button[value='up-1']").await;
    value_is(&c, "#q-prompt-0", "Tell us about a project you are proud of.").await; // moved up
    click(&c, "#save-interview").await;
    shown(&c, "#publish").await;
    text_is(&c, "#question-count", "2").await;
    click(&c, "#publish").await;
    text_is(&c, "#interview-status", "Published").await;
    screen(&c, &mut shots, "interview-details").await;
    click(&c, "#preview").await;
    shown(&c, "#preview-banner").await;
    page_has(&c, "Tell us about a project you are proud of.").await;
    shots.take(&c, "interview-preview").await;
    c.back().await.unwrap();
    c.goto(&format!("{base}/interviews")).await.unwrap();
    screen(&c, &mut shots, "interviews").await;

    // An internal candidate, then an invitation found by type-ahead.
    c.goto(&format!("{base}/candidates/new")).await.unwrap();
    fill(&c, "#first_name", "Grace").await;
    fill(&c, "#last_name", "Hopper").await;
    fill(&c, "#email", "grace@example.com").await;
    screen(&c, &mut shots, "candidate-form").await;
    click(&c, "#save-candidate").await;
    shown(&c, "#invite-candidate").await;
    c.goto(&format!("{base}/invitations/new")).await.unwrap();
    shown(&c, "#candidate_query").await.send_keys("Hop").await.unwrap();
    click(&c, "#candidate-suggestions li[role=option]").await;
    value_is(&c, "#email", "grace@example.com").await; // email proposed
    choose(&c, "#interview_id", "Backend engineer").await;
    page_has(&c, "2 question(s)").await;
    page_has(&c, "the link closes at").await;
    screen(&c, &mut shots, "invitation-form").await;
    click(&c, "#send-invitation").await;
    at_path(&c, "/invitations").await;
    text_has(&c, "#notice", "Invitation sent").await;

    // An external one: a bad address keeps everything typed and names the field.
    c.goto(&format!("{base}/invitations/new?mode=external")).await.unwrap();
    fill(&c, "#first_name", "Ada").await;
    fill(&c, "#last_name", "Lovelace").await;
    fill(&c, "#email", "ada@example").await;
    choose(&c, "#interview_id", "Backend engineer").await;
    c.execute("document.querySelector('#email').type = 'text'", vec![]).await.unwrap();
    click(&c, "#send-invitation").await;
    shown(&c, "#email-error").await;
    value_is(&c, "#first_name", "Ada").await;
    screen(&c, &mut shots, "invitation-form-refused").await;
    fill(&c, "#email", "ada@example.com").await;
    click(&c, "#send-invitation").await;
    text_has(&c, "#notice", "Invitation sent").await;
    let list = text_of(&c, "#invitation-list").await;
    assert!(list.contains("Grace Hopper") && list.contains("Ada Lovelace"), "{list}");
    screen(&c, &mut shots, "invitations").await;

    // Resend from the list, extend and cancel from the invitation's page; the timeline shows it.
    let (_, grace) = slate.call("GET", "/api/v1/invitations?q=grace", None);
    let grace_id = grace["items"][0]["id"].as_str().unwrap().to_owned();
    let grace_candidate = grace["items"][0]["candidate"]["id"].as_str().unwrap().to_owned();
    click(&c, &format!("tr[data-invitation='{grace_id}'] button[data-action=resend]")).await;
    text_has(&c, "#notice", "sent again").await;
    c.goto(&format!("{base}/invitations/{grace_id}")).await.unwrap();
    set_value(&c, "#new-deadline", &days_from_now(20)).await;
    click(&c, "#change-deadline").await;
    text_has(&c, "#notice", "deadline was changed").await;
    click(&c, "#cancel").await;
    c.accept_alert().await.unwrap();
    shown(&c, "#notice").await;
    text_is(&c, "#invitation-status", "Cancelled").await;
    c.goto(&format!("{base}/candidates/{grace_candidate}")).await.unwrap();
    let timeline = text_of(&c, "#timeline").await;
    for event in ["Invited to “Backend engineer”", "sent again", "Deadline changed", "Invitation cancelled"] {
        assert!(timeline.contains(event), "{event:?} not in {timeline}");
    }
    screen(&c, &mut shots, "candidate-timeline").await;
    c.goto(&format!("{base}/candidates")).await.unwrap();
    screen(&c, &mut shots, "candidates").await;

    // Bulk invite: the preview flags the bad row; sent twice, nobody is invited twice.
    let csv = "first_name,last_name,email,language\nLin,Clark,lin@example.com,de\nMo,Reyes,mo@example.com,\nNo,Email,not-an-address,\n";
    for round in 1..=2 {
        c.goto(&format!("{base}/invitations/bulk")).await.unwrap();
        choose(&c, "#interview_id", "Backend engineer").await;
        fill(&c, "#csv", csv).await;
        if round == 1 {
            screen(&c, &mut shots, "bulk-form").await;
        }
        click(&c, "#bulk-check").await;
        text_until(&c, "#bulk-summary", "began with \"2 of 3\"", |t| t.starts_with("2 of 3")).await;
        assert_eq!(c.find_all(Locator::Css("#bulk-preview tr[data-bad]")).await.unwrap().len(), 1);
        if round == 1 {
            screen(&c, &mut shots, "bulk-preview").await;
        }
        click(&c, "#bulk-go").await;
        shown(&c, "#bulk-done").await;
        let results: Vec<String> = {
            let mut out = Vec::new();
            for row in c.find_all(Locator::Css("#bulk-results tr")).await.unwrap() {
                out.push(row.attr("data-result").await.unwrap().unwrap_or_default());
            }
            out
        };
        let expected = if round == 1 { ["invited", "invited", "failed"] } else { ["duplicate", "duplicate", "failed"] };
        assert_eq!(results, expected, "round {round}");
        if round == 2 {
            screen(&c, &mut shots, "bulk-report").await;
        }
    }
    for email in ["lin@example.com", "mo@example.com"] {
        let (_, found) = slate.call("GET", &format!("/api/v1/invitations?q={email}"), None);
        assert_eq!(found["items"].as_array().unwrap().len(), 1, "{email}: {found}");
    }

    // The captured invitation email, and its link followed as the candidate.
    let start = Instant::now();
    let mail = loop {
        c.goto(&format!("{base}/mailbox")).await.unwrap();
        let rows = c.find_all(Locator::Css("#mailbox tbody tr")).await.unwrap_or_default();
        let mut hit = None;
        for row in rows {
            if row.text().await.unwrap_or_default().contains("ada@example.com") {
                hit = Some(row.find(Locator::Css("a")).await.unwrap().attr("href").await.unwrap().unwrap());
            }
        }
        if let Some(h) = hit {
            break h;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "Ada's invitation never reached the mailbox");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    screen(&c, &mut shots, "mailbox").await;
    c.goto(&format!("{base}{mail}")).await.unwrap();
    let text = text_of(&c, "#mail-text").await;
    shown(&c, "#mail-html").await;
    screen(&c, &mut shots, "mailbox-email").await;
    let link = text.split_whitespace().find(|w| w.contains("/i/")).expect("the link in the email").to_owned();
    let path = &link[link.find("/i/").unwrap()..];
    c.goto(&format!("{base}{path}")).await.unwrap();
    answer_everything(&c, 2).await;

    // Review: watch (range requests), rate, comment, decide.
    let (_, ada) = slate.call("GET", "/api/v1/invitations?q=ada", None);
    let ada_id = ada["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(ada["items"][0]["status"], "completed");
    c.goto(&format!("{base}/invitations/{ada_id}")).await.unwrap();
    assert_eq!(c.find_all(Locator::Css("video.answer-video")).await.unwrap().len(), 2);
    let seek = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const src = document.querySelector('video.answer-video source').src;
             fetch(src, { headers: { Range: 'bytes=10-99' } }).then(r => r.arrayBuffer().then(b => done([r.status, b.byteLength])));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(seek, json!([206, 90]), "answers seek: range requests");
    c.execute("document.querySelector('#answer-1 input[name=rating][value=\"4\"]').click()", vec![]).await.unwrap();
    click(&c, "button[data-rate='1']").await;
    text_has(&c, "#notice", "Rating saved").await;
    fill(&c, "#comment-1", "Clear, <b>concrete</b> example.").await;
    c.execute("document.querySelector('#comment-1').form.submit()", vec![]).await.unwrap();
    page_has(&c, "Clear, <b>concrete</b> example.").await;
    c.execute("document.querySelector('input[name=decision][value=advance]').click()", vec![]).await.unwrap();
    click(&c, "#decide").await;
    text_until(&c, "#current-decision", "began with \"Advance\"", |t| t.starts_with("Advance")).await;
    page_has(&c, "Average 4.0 / 5").await;
    screen(&c, &mut shots, "review").await;

    // The dashboard counts it; a phone-sized window still works.
    c.goto(&format!("{base}/")).await.unwrap();
    text_is(&c, "#funnel-table td[data-stage='Completed']", "1").await;
    text_is(&c, "#funnel-table td[data-stage='Invited']", "4").await;
    screen(&c, &mut shots, "dashboard").await;
    c.goto(&format!("{base}/settings")).await.unwrap();
    screen(&c, &mut shots, "settings").await;
    c.goto(&format!("{base}/settings/templates/invitation/de")).await.unwrap();
    click(&c, "#preview-template").await;
    shown(&c, "#template-preview").await;
    screen(&c, &mut shots, "template-preview").await;
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!("{base}/invitations")).await.unwrap();
    screen(&c, &mut shots, "invitations-phone").await;
    c.goto(&format!("{base}/invitations/{ada_id}")).await.unwrap();
    screen(&c, &mut shots, "review-phone").await;
    c.set_window_size(1280, 900).await.unwrap();

    // Log out: the pages lead to the login again.
    click(&c, "#logout").await;
    shown(&c, "#log-in").await;
    c.goto(&format!("{base}/invitations")).await.unwrap();
    at_path(&c, "/login").await;
    c.close().await.unwrap();
}

/// The path of the attendee link in `message`'s text (`http://slate.test/m/…`), to open on
/// the server under test.
fn attendee_path(message: &serde_json::Value) -> String {
    let text = message["text"].as_str().unwrap();
    let at = text.find("/m/").unwrap_or_else(|| panic!("no attendee link in {text}"));
    text[at..].split_whitespace().next().unwrap().to_owned()
}

#[tokio::test]
async fn a_live_interview_is_scheduled_only_once_every_attendee_confirmed_in_chromium() {
    let _one = ONE_BROWSER.lock().await;
    let dir = temp_dir("ui-live");
    let smtp = slate_tests::harness::Aiosmtpd::start(&dir);
    let settings = slate_tests::harness::smtp_settings(smtp.port);
    let extra: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let slate = Running::start(&dir, &extra);
    let out = slate.slate.command().args(["set-password", "--email", "admin@slate.example"]).output().unwrap();
    let password = String::from_utf8_lossy(&out.stdout).trim().rsplit(' ').next().unwrap().to_owned();
    let (status, ada) = slate.call(
        "POST",
        "/api/v1/candidates",
        Some(&json!({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"})),
    );
    assert_eq!(status, 201, "{ada}");
    let (_driver, driver_url) = start_chromedriver();
    let c = browser(&driver_url, &dir.join("chromium-profile")).await;
    let target = std::env::current_exe().unwrap().ancestors().nth(3).unwrap().to_path_buf();
    let mut shots = Shots { dir: target.join("ui-screenshots"), n: 100 };
    std::fs::create_dir_all(&shots.dir).unwrap();
    let base = format!("http://{}", slate.address);
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(&c, "#email", "admin@slate.example").await;
    fill(&c, "#password", &password).await;
    click(&c, "#log-in").await;
    shown(&c, "#funnel-chart").await;

    // Schedule from the candidate's page, with an outside interviewer and me.
    c.goto(&format!("{base}/candidates/{}", ada["id"].as_str().unwrap())).await.unwrap();
    click(&c, "#schedule-live").await;
    fill(&c, "#title", "Second round").await;
    set_value(&c, "#date", &days_from_now(10)).await;
    set_value(&c, "#time", "10:00").await;
    set_value(&c, "#time_zone", "Europe/Athens").await;
    fill(&c, "#meeting_url", "https://meet.example/abc-defg").await;
    fill(&c, "#ext_name_0", "Grace Hopper").await;
    fill(&c, "#ext_email_0", "grace@navy.example").await;
    screen(&c, &mut shots, "live-form").await;
    click(&c, "#schedule").await;
    text_is(&c, "#live-status", "Awaiting confirmation").await;
    screen(&c, &mut shots, "live-page").await;
    let live_url = c.current_url().await.unwrap();

    // Each attendee's invite arrives at the SMTP server, with their own link.
    let invites = wait_for(Duration::from_secs(30), "three invites", || {
        let m = smtp.messages();
        (m.len() >= 3).then_some(m)
    });
    assert!(invites.iter().all(|m| m["calendar_method"] == "REQUEST"), "meeting requests");
    let by = |who: &str| invites.iter().find(|m| m["to"].as_str().unwrap().contains(who)).unwrap().clone();
    let order = ["ada@example.com", "grace@navy.example", "admin@slate.example"];
    for (n, who) in order.iter().enumerate() {
        c.goto(&format!("{base}{}", attendee_path(&by(who)))).await.unwrap();
        shown(&c, "#confirm").await;
        if n == 0 {
            screen(&c, &mut shots, "attendee-page").await;
        }
        click(&c, "#confirm").await;
        shown(&c, "#saved").await;
        c.goto(live_url.as_str()).await.unwrap();
        let expected = if n + 1 == order.len() { "Interview scheduled" } else { "Awaiting confirmation" };
        text_is(&c, "#live-status", expected).await;
    }

    // Grace changes her mind: the recruiter sees the decline and her message.
    c.goto(&format!("{base}{}", attendee_path(&by("grace@navy.example")))).await.unwrap();
    fill(&c, "#message", "Something came up; could we do Friday?").await;
    click(&c, "#decline").await;
    shown(&c, "#saved").await;
    c.goto(live_url.as_str()).await.unwrap();
    text_is(&c, "#live-status", "Declined").await;
    page_has(&c, "Something came up; could we do Friday?").await;

    // Moving it resets every answer and sends everyone the update.
    set_value(&c, "#reschedule-form #date", &days_from_now(11)).await;
    click(&c, "#reschedule").await;
    shown(&c, "#notice").await;
    text_is(&c, "#live-status", "Awaiting confirmation").await;
    let rows = c.find_all(Locator::Css("#attendees tbody tr[data-response='pending']")).await.unwrap();
    assert_eq!(rows.len(), 3, "every answer reset");
    screen(&c, &mut shots, "live-page-moved").await;
    let all = wait_for(Duration::from_secs(30), "three updates", || {
        let m = smtp.messages();
        (m.len() >= 6).then_some(m)
    });
    let updates: Vec<_> =
        all.iter().filter(|m| m["calendar"].as_str().is_some_and(|c| c.contains("SEQUENCE:1"))).collect();
    assert_eq!(updates.len(), 3, "{all:?}");
    // End the browser session: chromedriver's end does not end the Chromium it started.
    c.close().await.unwrap();
}
