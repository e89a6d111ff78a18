//! End to end through the real `slate` binary: start it on a free port with a temporary
//! SQLite file, read the seeded login it prints, create an API key with the CLI, publish an
//! interview, invite an external candidate, read the invitation back, and log in with the
//! seeded password. Needs the binary: `cargo test --workspace` (or `./scripts/test`)
//! builds it first.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use slate_tests::harness::{self as common, Slate, http};

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
    let in_a_month = common::days_from_now(30);
    let invitation = json!({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
        "interview_id": id, "deadline": in_a_month, "notify_me": true});
    let (status, _, created) = http(&address, "POST", "/api/v1/invitations", &auth, Some(&invitation));
    assert_eq!(status, 201, "{created}");
    let invitation_id = created["id"].as_str().unwrap();

    // Read it back: the same record, with everything the API promises.
    let (status, _, read) = http(&address, "GET", &format!("/api/v1/invitations/{invitation_id}"), &auth, None);
    assert_eq!(status, 200);
    let unchanging = |v: &serde_json::Value| {
        let mut v = v.clone();
        for k in ["status", "updated_at"] {
            v[k] = serde_json::Value::Null;
        }
        v
    };
    assert_eq!(unchanging(&read), unchanging(&created), "read back as created (the mail worker may have sent it)");
    assert!(matches!(read["status"].as_str(), Some("queued" | "sent")), "{read}");
    assert_eq!(read["email"], "ada@example.com");
    assert_eq!(read["deadline"], in_a_month.as_str());
    assert_eq!(
        read["closes_at"].as_str().unwrap(),
        format!("{}T00:00:00Z", common::days_from_now(31)),
        "UTC organization"
    );
    assert_eq!((read["bcc_me"].as_bool(), read["notify_me"].as_bool()), (Some(false), Some(true)));
    assert_eq!(read["candidate"]["first_name"], "Ada");
    assert_eq!(read["interview"]["id"], id.as_str());
    assert!(read["link"].as_str().unwrap().starts_with("http://slate.test/i/"));
    let (status, _, page) = http(&address, "GET", "/api/v1/invitations?q=lovelace", &auth, None);
    assert_eq!((status, page["items"][0]["id"].as_str()), (200, Some(invitation_id)));
    // On the embedded defaults the mail worker keeps the email in the local mailbox at once.
    let messages = common::wait_for(Duration::from_secs(20), "the invitation email", || {
        let (_, _, m) = http(&address, "GET", &format!("/api/v1/invitations/{invitation_id}/messages"), &auth, None);
        (m[0]["state"] == "delivered").then_some(m)
    });
    assert_eq!(messages[0]["kind"], "invitation");
    let (_, _, sent) = http(&address, "GET", &format!("/api/v1/invitations/{invitation_id}"), &auth, None);
    assert_eq!(sent["status"], "sent", "kept by the mailbox counts as delivered");
    let (status, _, mailbox) = http(&address, "GET", "/api/v1/mailbox", &auth, None);
    assert_eq!((status, mailbox["items"][0]["to"].as_str()), (200, Some("ada@example.com")), "{mailbox}");
    let mail_id = mailbox["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, _, email) = http(&address, "GET", &format!("/api/v1/mailbox/{mail_id}"), &auth, None);
    assert_eq!(status, 200);
    let link = read["link"].as_str().unwrap();
    assert!(email["text"].as_str().unwrap().contains(link), "the email carries the invitation's link: {email}");
    assert!(email["html"].as_str().unwrap().contains(link));
    assert_eq!(email["subject"], "Your video interview with My organization");

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
