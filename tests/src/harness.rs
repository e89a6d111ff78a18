//! What the end-to-end tests share: the real `slate` binary with its own environment, a
//! minimal HTTP client, a scriptable SMTP peer, and the real SMTP server (Debian's aiosmtpd
//! writing a Maildir) with an independent parser (Python's `email` package) to read what it
//! received.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

fn binary() -> PathBuf {
    // target/<profile>/deps/e2e-… → target/<profile>/slate
    let exe = std::env::current_exe().unwrap();
    let path =
        exe.parent().and_then(|deps| deps.parent()).unwrap().join(format!("slate{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: run `cargo test --workspace` or `cargo build -p slate-app` first",
        path.display()
    );
    path
}

pub struct Slate {
    pub env: Vec<(String, String)>,
    pub child: Option<Child>,
}

impl Slate {
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(binary());
        cmd.env_remove("SLATE_CONFIG");
        for (key, _) in std::env::vars() {
            if key.starts_with("SLATE__") {
                cmd.env_remove(key);
            }
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd
    }
}

impl Drop for Slate {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn http(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> (u16, String, Value) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let body = body.map(ToString::to_string).unwrap_or_default();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        request.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, payload) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_owned(), serde_json::from_str(payload).unwrap_or(Value::Null))
}

/// A fresh folder under the target directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    // target/<profile>/deps/<test> → target/tmp
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).unwrap().to_path_buf();
    let dir = target.join("tmp").join(format!("slate-{name}-{n}"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running `slate serve` with an API key of the seeded recruiter.
pub struct Running {
    pub slate: Slate,
    pub address: String,
    pub key: String,
}

impl Running {
    /// `slate serve` over `dir` (SQLite there unless `extra` names another database), with
    /// `extra` settings on top; waits until it listens and creates an API key.
    pub fn start(dir: &Path, extra: &[(&str, &str)]) -> Self {
        let d = dir.display();
        let mut env: Vec<(String, String)> = vec![
            ("SLATE__DATABASE__URL".into(), format!("sqlite://{d}/slate.db?mode=rwc")),
            ("SLATE__SECURITY__LINK_SECRET".into(), "a test link secret that is long enough for slate".into()),
            ("SLATE__STORAGE__VIDEOS_DIR".into(), format!("{d}/videos")),
            ("SLATE__SERVER__LISTEN".into(), "127.0.0.1:0".into()),
            ("SLATE__SERVER__PUBLIC_URL".into(), "http://slate.test".into()),
        ];
        for (k, v) in extra {
            env.retain(|(key, _)| key != k);
            env.push(((*k).to_owned(), (*v).to_owned()));
        }
        let mut slate = Slate { env, child: None };
        let address = slate.spawn(dir);
        let out =
            slate.command().args(["create-api-key", "--email", "admin@slate.example", "--name", "t"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        Self { slate, address, key }
    }

    /// Calls the API with the key.
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let auth = format!("Bearer {}", self.key);
        let (status, _, value) = http(&self.address, method, path, &[("Authorization", &auth)], body);
        (status, value)
    }

    /// A published interview with two questions; returns its id.
    pub fn published_interview(&self, job: Option<&str>) -> String {
        let mut body = serde_json::json!({"name": "First round", "question_language": "en",
            "intro": "Two short questions.",
            "questions": [
                {"prompt": "Tell us about a project you are proud of.", "thinking_secs": 30, "max_answer_secs": 120},
                {"prompt": "Why this role?", "thinking_secs": 20, "max_answer_secs": 90}]});
        if let Some(job) = job {
            body["job_id"] = Value::String(job.to_owned());
        }
        let (status, created) = self.call("POST", "/api/v1/interviews", Some(&body));
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        let (status, _) = self.call("POST", &format!("/api/v1/interviews/{id}/publish"), None);
        assert_eq!(status, 200);
        id
    }

    /// Sends SIGKILL: no shutdown at all.
    pub fn kill_hard(&mut self) {
        self.signal("-KILL");
    }

    /// Sends SIGTERM and waits for a clean exit: the graceful shutdown.
    pub fn stop(&mut self) {
        if let Some(status) = self.signal("-TERM") {
            assert!(status.success(), "slate exited with {status} after SIGTERM");
        }
    }

    /// Sends `signal` to the running process and waits for it to exit.
    fn signal(&mut self, signal: &str) -> Option<std::process::ExitStatus> {
        let mut child = self.slate.child.take()?;
        assert!(Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap().success());
        Some(child.wait().unwrap())
    }

    /// Starts the same instance again (same database and settings).
    pub fn restart(&mut self, dir: &Path) {
        self.address = self.slate.spawn(dir);
    }
}

impl Slate {
    /// Spawns `serve`, logs to `dir/slate.log`, and returns the address it listens on.
    pub fn spawn(&mut self, dir: &Path) -> String {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("slate.log")).unwrap();
        let mut child = self.command().arg("serve").stdout(Stdio::piped()).stderr(log).spawn().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        self.child = Some(child);
        let mut printed = String::new();
        loop {
            let mut line = String::new();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "slate stopped before listening: {printed}");
            printed.push_str(&line);
            if let Some(a) = line.trim().strip_prefix("Slate is listening on http://") {
                // Keep draining stdout so the child never blocks on a full pipe.
                std::thread::spawn(move || for _ in stdout.lines() {});
                return a.to_owned();
            }
        }
    }
}

/// A date `days` from today (UTC), `YYYY-MM-DD`.
pub fn days_from_now(days: i64) -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let day = i64::try_from(secs / 86_400).unwrap() + days;
    // Civil from days (Howard Hinnant's algorithm), so no `date -d` is needed.
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Polls `f` until it returns `Some`, for at most `limit`.
pub fn wait_for<T>(limit: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The Python with Debian's aiosmtpd (installed by `./scripts/test`).
fn system_python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" }
}

/// A real SMTP server: Debian's aiosmtpd, storing every message in a Maildir.
/// Settings that send mail through the SMTP server on `port` (plain, on loopback), retrying
/// fast.
pub fn smtp_settings(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("SLATE__MAIL__TRANSPORT", "smtp".into()),
        ("SLATE__MAIL__SMTP_HOST", "127.0.0.1".into()),
        ("SLATE__MAIL__SMTP_PORT", port.to_string()),
        ("SLATE__MAIL__SMTP_SECURITY", "none".into()),
        ("SLATE__MAIL__TIMEOUT_SECS", "2".into()),
        ("SLATE__MAIL__CLAIM_SECS", "8".into()),
        ("SLATE__MAIL__FIRST_RETRY_SECS", "1".into()),
        ("SLATE__MAIL__MAX_RETRY_SECS", "2".into()),
        ("SLATE__MAIL__FROM_ADDRESS", "interviews@acme.example".into()),
    ]
}

pub struct Aiosmtpd {
    child: Child,
    pub port: u16,
    pub maildir: PathBuf,
}

impl Aiosmtpd {
    /// Starts it on a free loopback port. Fails (never skips) when aiosmtpd is missing:
    /// `./scripts/test` installs it.
    pub fn start(dir: &Path) -> Self {
        let maildir = dir.join("maildir");
        let port = free_port();
        let child = Command::new(system_python())
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (Debian's python3-aiosmtpd; ./scripts/test installs it)");
        wait_for(Duration::from_secs(20), "aiosmtpd to listen (is python3-aiosmtpd installed?)", || {
            TcpStream::connect(("127.0.0.1", port)).ok()
        });
        Self { child, port, maildir }
    }

    /// Every received message, parsed by Python's `email` package (an implementation
    /// independent of the one that wrote them): headers, the text and HTML bodies, the
    /// `text/calendar` alternative and its `method`, and the attachments' names.
    pub fn messages(&self) -> Vec<Value> {
        const PARSE: &str = r#"
import email, email.policy, json, mailbox, sys
out = []
for _, m in mailbox.Maildir(sys.argv[1], factory=None, create=False).iteritems():
    msg = email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    cal = next((p for p in msg.walk() if p.get_content_type() == "text/calendar"), None)
    out.append({
        "calendar": cal.get_content() if cal else None,
        "calendar_method": cal.get_param("method") if cal else None,
        "attachments": [p.get_filename() for p in msg.walk() if p.get_content_disposition() == "attachment"],
        "from": str(msg["From"]), "to": str(msg["To"]), "reply_to": str(msg["Reply-To"]),
        "subject": str(msg["Subject"]), "message_id": str(msg["Message-ID"]),
        "auto_submitted": str(msg["Auto-Submitted"]), "content_type": msg.get_content_type(),
        "text": text.get_content() if text else None, "html": html.get_content() if html else None,
        "rcpt": str(m.get("X-RcptTo") or msg["X-RcptTo"] or ""),
    })
json.dump(out, sys.stdout)
"#;
        if !self.maildir.join("new").exists() {
            return Vec::new();
        }
        let out = Command::new(system_python()).args(["-c", PARSE]).arg(&self.maildir).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
    }

    /// Every received message's bytes as the server stored them.
    pub fn raw_messages(&self) -> Vec<Vec<u8>> {
        ["new", "cur"]
            .iter()
            .filter_map(|d| std::fs::read_dir(self.maildir.join(d)).ok())
            .flatten()
            .map(|entry| std::fs::read(entry.unwrap().path()).unwrap())
            .collect()
    }

    /// How many messages arrived (cheap: counts files).
    pub fn count(&self) -> usize {
        ["new", "cur"].iter().filter_map(|d| std::fs::read_dir(self.maildir.join(d)).ok()).map(Iterator::count).sum()
    }
}

impl Drop for Aiosmtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a scripted SMTP peer received.
#[derive(Debug, Clone, Default)]
pub struct PeerLog {
    /// Every RCPT TO address, with the reply code given.
    pub rcpts: Vec<(String, u16)>,
    /// Every accepted message: (recipient, Message-ID).
    pub accepted: Vec<(String, String)>,
    /// The connection (numbered from 1 as they were opened) each accepted message came on.
    pub accepted_on: Vec<usize>,
    /// Connections opened.
    pub connections: usize,
    /// Transactions under way now: from a RCPT TO (accepted in the end) to the end of its DATA.
    pub in_flight: usize,
    /// The most transactions that were under way at once, over all connections.
    pub most_in_flight: usize,
}

/// A scripted SMTP peer: `reply(recipient, nth_attempt_for_it)` decides each RCPT reply;
/// the first `refuse_greetings` connections are greeted with 421.
pub struct ScriptedSmtp {
    pub port: u16,
    pub log: Arc<Mutex<PeerLog>>,
}

type Reply = dyn Fn(&str, usize) -> u16 + Send + Sync;

impl ScriptedSmtp {
    pub fn start(refuse_greetings: usize, reply: impl Fn(&str, usize) -> u16 + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(PeerLog::default()));
        let reply: Arc<Reply> = Arc::new(reply);
        let shared = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let n = {
                    let mut l = shared.lock().unwrap();
                    l.connections += 1;
                    l.connections
                };
                let (log, reply) = (shared.clone(), reply.clone());
                std::thread::spawn(move || {
                    let _ = session(stream, n, n <= refuse_greetings, &log, &*reply);
                });
            }
        });
        Self { port, log }
    }

    pub fn log(&self) -> PeerLog {
        self.log.lock().unwrap().clone()
    }
}

fn session(
    stream: TcpStream,
    connection: usize,
    refuse: bool,
    log: &Mutex<PeerLog>,
    reply: &Reply,
) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    if refuse {
        out.write_all(b"421 4.3.2 service not available, try later\r\n")?;
        return Ok(());
    }
    out.write_all(b"220 scripted ESMTP\r\n")?;
    let mut rcpt = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            out.write_all(b"250-scripted\r\n250 8BITMIME\r\n")?;
        } else if upper.starts_with("MAIL FROM") || upper.starts_with("RSET") || upper.starts_with("NOOP") {
            out.write_all(b"250 ok\r\n")?;
        } else if upper.starts_with("RCPT TO") {
            rcpt = line.trim().trim_start_matches(|c| c != '<').trim_matches(['<', '>']).to_owned();
            let nth = {
                let mut l = log.lock().unwrap();
                l.in_flight += 1;
                l.most_in_flight = l.most_in_flight.max(l.in_flight);
                l.rcpts.iter().filter(|(r, _)| *r == rcpt).count()
            };
            // Decided outside the lock: a slow reply holds up this connection only.
            let code = reply(&rcpt, nth);
            {
                let mut l = log.lock().unwrap();
                l.rcpts.push((rcpt.clone(), code));
                if code != 250 {
                    l.in_flight -= 1;
                }
            }
            let text = match code {
                250 => "250 ok\r\n".to_owned(),
                c if c >= 500 => format!("{c} 5.1.1 <{rcpt}>: no such user here\r\n"),
                c => format!("{c} 4.7.1 <{rcpt}>: greylisted, try again later\r\n"),
            };
            out.write_all(text.as_bytes())?;
        } else if upper.starts_with("DATA") {
            out.write_all(b"354 go ahead\r\n")?;
            let mut message = String::new();
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l)? == 0 {
                    return Ok(());
                }
                if l == ".\r\n" {
                    break;
                }
                message.push_str(&l);
            }
            let id = message
                .lines()
                .find_map(|l| l.strip_prefix("Message-ID: ").or_else(|| l.strip_prefix("Message-Id: ")))
                .unwrap_or_default()
                .trim()
                .to_owned();
            {
                let mut l = log.lock().unwrap();
                l.accepted.push((rcpt.clone(), id));
                l.accepted_on.push(connection);
                l.in_flight = l.in_flight.saturating_sub(1);
            }
            out.write_all(b"250 2.0.0 queued\r\n")?;
        } else if upper.starts_with("QUIT") {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"502 not implemented\r\n")?;
        }
    }
}

/// Reads everything a reader has left (for logs).
pub fn read_all(path: &Path) -> String {
    let mut s = String::new();
    if let Ok(mut f) = std::fs::File::open(path) {
        let _ = f.read_to_string(&mut s);
    }
    s
}
