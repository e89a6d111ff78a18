//! End to end through the real `slate` binary: start it on a free port with a temporary
//! SQLite file, read the seeded login it prints, create an API key with the CLI, publish an
//! interview, invite an external candidate, read the invitation back, and log in with the
//! seeded password. Needs the binary: `cargo test --workspace` (or `./scripts/test`)
//! builds it first.

#![expect(clippy::unwrap_used, reason = "test program: a panic is a failure")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

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

struct Slate {
    env: Vec<(String, String)>,
    child: Option<Child>,
}

impl Slate {
    fn command(&self) -> Command {
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

fn http(
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

#[test]
fn a_newcomer_starts_slate_creates_an_api_key_and_invites_a_candidate() {
    let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("slate-e2e-{n}"));
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.display();
    let mut slate = Slate {
        env: vec![
            ("SLATE__DATABASE__URL".into(), format!("sqlite://{d}/slate.db?mode=rwc")),
            ("SLATE__SECURITY__LINK_SECRET_FILE".into(), format!("{d}/link-secret")),
            ("SLATE__STORAGE__VIDEOS_DIR".into(), format!("{d}/videos")),
            ("SLATE__SERVER__LISTEN".into(), "127.0.0.1:0".into()),
            ("SLATE__SERVER__PUBLIC_URL".into(), "http://slate.test".into()),
        ],
        child: None,
    };
    let mut child = slate.command().arg("serve").stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    slate.child = Some(child);
    let mut printed = String::new();
    let address = loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "slate stopped before listening: {printed}");
        printed.push_str(&line);
        if let Some(a) = line.trim().strip_prefix("Slate is listening on http://") {
            break a.to_owned();
        }
    };
    let password = printed
        .split("with email admin@slate.example and password ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no seeded login in {printed}"))
        .to_owned();

    // An API key from the CLI: the key alone on stdout.
    let out =
        slate.command().args(["create-api-key", "--email", "admin@slate.example", "--name", "e2e"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(key.starts_with("slate_k_") && !key.contains('\n'), "{key}");
    let auth = format!("Bearer {key}");
    let auth = [("Authorization", auth.as_str())];

    // Publish an interview.
    let interview = json!({"name": "First round", "question_language": "en",
        "questions": [{"prompt": "Tell us about a project you are proud of.", "thinking_secs": 30, "max_answer_secs": 120}]});
    let (status, _, created) = http(&address, "POST", "/api/v1/interviews", &auth, Some(&interview));
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, _, published) = http(&address, "POST", &format!("/api/v1/interviews/{id}/publish"), &auth, None);
    assert_eq!((status, published["status"].as_str()), (200, Some("published")));

    // Invite an external candidate; the deadline is a date well ahead of the real clock.
    let invitation = json!({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
        "interview_id": id, "deadline": "2099-12-31", "notify_me": true});
    let (status, _, err) = http(&address, "POST", "/api/v1/invitations", &auth, Some(&invitation));
    assert_eq!((status, err["code"].as_str()), (422, Some("deadline_too_far")), "two years at most");
    let in_a_month = {
        let out = Command::new("date").args(["-u", "-d", "+30 days", "+%Y-%m-%d"]).output().unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let invitation = json!({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
        "interview_id": id, "deadline": in_a_month, "notify_me": true});
    let (status, _, created) = http(&address, "POST", "/api/v1/invitations", &auth, Some(&invitation));
    assert_eq!(status, 201, "{created}");
    let invitation_id = created["id"].as_str().unwrap();

    // Read it back: the same record, with everything the API promises.
    let (status, _, read) = http(&address, "GET", &format!("/api/v1/invitations/{invitation_id}"), &auth, None);
    assert_eq!(status, 200);
    assert_eq!(read, created, "read back exactly as created");
    assert_eq!(read["status"], "queued");
    assert_eq!(read["email"], "ada@example.com");
    assert_eq!(read["deadline"], in_a_month.as_str());
    assert_eq!(read["closes_at"].as_str().unwrap(), format!("{}T00:00:00Z", next_day(&in_a_month)), "UTC organization");
    assert_eq!((read["bcc_me"].as_bool(), read["notify_me"].as_bool()), (Some(false), Some(true)));
    assert_eq!(read["candidate"]["first_name"], "Ada");
    assert_eq!(read["interview"]["id"], id.as_str());
    assert!(read["link"].as_str().unwrap().starts_with("http://slate.test/i/"));
    let (status, _, page) = http(&address, "GET", "/api/v1/invitations?q=lovelace", &auth, None);
    assert_eq!((status, page["items"][0]["id"].as_str()), (200, Some(invitation_id)));
    let (_, _, messages) = http(&address, "GET", &format!("/api/v1/invitations/{invitation_id}/messages"), &auth, None);
    assert_eq!((messages[0]["kind"].as_str(), messages[0]["state"].as_str()), (Some("invitation"), Some("pending")));

    // The seeded password logs in (Argon2id for real), and the session works.
    let (status, head, session) = http(
        &address,
        "POST",
        "/api/v1/session",
        &[],
        Some(&json!({"email": "admin@slate.example", "password": password})),
    );
    assert_eq!(status, 200, "{session}");
    let cookie =
        head.lines().find_map(|l| l.strip_prefix("set-cookie: ")).and_then(|c| c.split(';').next()).unwrap().to_owned();
    let (status, _, me) = http(&address, "GET", "/api/v1/session", &[("Cookie", &cookie)], None);
    assert_eq!((status, me["recruiter"]["email"].as_str()), (200, Some("admin@slate.example")));
    let (status, _, docs) = http(&address, "GET", "/api/v1/openapi.json", &[], None);
    assert_eq!((status, docs["info"]["title"].as_str()), (200, Some("Slate API")));

    // A restart keeps everything and seeds nothing twice; the link secret is reused.
    let mut child = slate.child.take().unwrap();
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(20), "slate did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut child = slate.command().arg("serve").stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    slate.child = Some(child);
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let address =
        line.trim().strip_prefix("Slate is listening on http://").unwrap_or_else(|| panic!("{line:?}")).to_owned();
    let (status, _, again) = http(&address, "GET", &format!("/api/v1/invitations/{invitation_id}"), &auth, None);
    assert_eq!((status, again["link"].as_str()), (200, read["link"].as_str()), "same link after a restart");
    let _ = std::fs::remove_dir_all(&dir);
}

fn next_day(date: &str) -> String {
    let out = Command::new("date").args(["-u", "-d", &format!("{date} +1 day"), "+%Y-%m-%d"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}
