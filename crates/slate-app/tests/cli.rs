//! The real `slate` binary, end to end: configuration errors, migrations, serving and
//! stopping gracefully.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test program: a panic is a failure")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn slate() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_slate"));
    cmd.env_remove("SLATE_CONFIG");
    for (key, _) in std::env::vars() {
        if key.starts_with("SLATE__") {
            cmd.env_remove(key);
        }
    }
    cmd
}

fn temp_sqlite() -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("slate-cli-{}", std::process::id()));
    let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("sqlite://{}/db-{n}/slate.db?mode=rwc", dir.display())
}

/// The folder of a [`temp_sqlite`] database, where the other files of a run go.
fn data_dir(url: &str) -> String {
    url.trim_start_matches("sqlite://").trim_end_matches("/slate.db?mode=rwc").to_owned()
}

/// `slate serve` on the database `url`, on a free loopback port, its link secret and
/// videos beside the database.
fn serve_on(url: &str) -> Command {
    let data = data_dir(url);
    let mut cmd = slate();
    cmd.arg("serve")
        .env("SLATE__DATABASE__URL", url)
        .env("SLATE__SECURITY__LINK_SECRET_FILE", format!("{data}/link-secret"))
        .env("SLATE__STORAGE__VIDEOS_DIR", format!("{data}/videos"))
        .env("SLATE__SERVER__LISTEN", "127.0.0.1:0");
    cmd
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().expect("run slate");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_configuration_stops_start_up_naming_the_setting() {
    let (ok, _, err) = run(slate().arg("check-config").env("SLATE__DATABASE__URL", "mysql://db/slate"));
    assert!(!ok);
    assert!(err.contains("database.url"), "{err}");

    let (ok, _, err) = run(slate().arg("check-config").env("SLATE__SERVER__LISTEN", "not an address"));
    assert!(!ok);
    assert!(err.to_lowercase().contains("server.listen"), "{err}");

    let (ok, _, err) = run(slate().args(["--config", "/nonexistent/slate.toml", "check-config"]));
    assert!(!ok);
    assert!(err.contains("/nonexistent/slate.toml"), "{err}");

    let (ok, out, _) =
        run(slate().arg("check-config").env("SLATE__DATABASE__URL", "postgres://slate:hunter2@db:5432/slate"));
    assert!(ok);
    assert!(out.contains("configuration OK") && out.contains("slate:***@db"), "{out}");
    assert!(!out.contains("hunter2"), "secrets are never printed: {out}");
}

#[test]
fn an_unusable_dkim_key_stops_serve_before_it_listens_naming_the_setting() {
    let url = temp_sqlite();
    let data = data_dir(&url);
    let key = format!("{data}/dkim.pem");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(&key, "-----BEGIN PRIVATE KEY-----\nc2VjcmV0IGJ5dGVz\n-----END PRIVATE KEY-----\n").unwrap();
    let serve = |key_file: &str| {
        run(serve_on(&url)
            .env("SLATE__MAIL__DKIM_DOMAIN", "acme.example")
            .env("SLATE__MAIL__DKIM_SELECTOR", "slate")
            .env("SLATE__MAIL__DKIM_KEY_FILE", key_file))
    };
    let (ok, out, err) = serve(&key);
    assert!(!ok, "{out}");
    assert!(err.contains("mail.dkim_key_file") && err.contains("neither an RSA nor an Ed25519 key"), "{err}");
    assert!(!err.contains("c2VjcmV0"), "the key is never printed: {err}");
    assert!(!out.contains("listening"), "stopped before listening: {out}");
    let (ok, _, err) = serve(&format!("{data}/missing.pem"));
    assert!(!ok);
    assert!(err.contains("mail.dkim_key_file") && err.contains("missing.pem"), "{err}");
}

#[test]
fn migrations_up_status_and_down() {
    let url = temp_sqlite();
    let (ok, out, err) = run(slate().args(["migrate", "status"]).env("SLATE__DATABASE__URL", &url));
    assert!(ok, "{err}");
    assert!(out.starts_with("pending m2026"), "{out}");
    let (ok, _, err) = run(slate().args(["migrate", "up"]).env("SLATE__DATABASE__URL", &url));
    assert!(ok, "{err}");
    let (_, out, _) = run(slate().args(["migrate", "status"]).env("SLATE__DATABASE__URL", &url));
    assert!(out.starts_with("applied m2026"), "{out}");
    assert!(out.lines().all(|l| l.starts_with("applied ")), "{out}");
    let (ok, _, err) = run(slate().args(["migrate", "down"]).env("SLATE__DATABASE__URL", &url));
    assert!(ok, "{err}");
    let (_, out, _) = run(slate().args(["migrate", "status"]).env("SLATE__DATABASE__URL", &url));
    let lines: Vec<_> = out.lines().collect();
    assert!(lines.len() >= 2, "{out}");
    assert!(lines[..lines.len() - 1].iter().all(|l| l.starts_with("applied ")), "one step down: {out}");
    assert!(lines[lines.len() - 1].starts_with("pending "), "the last one reverted: {out}");
    let steps = lines.len().to_string();
    let (ok, _, err) = run(slate().args(["migrate", "down", "--steps", &steps]).env("SLATE__DATABASE__URL", &url));
    assert!(ok, "{err}");
    let (_, out, _) = run(slate().args(["migrate", "status"]).env("SLATE__DATABASE__URL", &url));
    assert!(out.lines().all(|l| l.starts_with("pending ")), "{out}");
}

fn http_get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    (status, body)
}

#[test]
fn serves_health_and_readiness_then_stops_gracefully() {
    let url = temp_sqlite();
    let data = data_dir(&url);
    let mut child =
        serve_on(&url).env("SLATE__LOG__FORMAT", "json").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    let address = loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "slate stopped before listening: {printed}");
        printed.push_str(&line);
        if let Some(a) = line.trim().strip_prefix("Slate is listening on http://") {
            break a.to_owned();
        }
    };
    // First start on an empty database: an account is seeded and how to log in is shown.
    assert!(printed.contains("First start") && printed.contains("admin@slate.example"), "{printed}");
    assert!(std::path::Path::new(&format!("{data}/link-secret")).exists(), "the link secret is kept next to the data");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // The data folder, the database and the secret are their owner's only.
        for (path, what) in [
            (data.clone(), "data folder"),
            (format!("{data}/slate.db"), "database"),
            (format!("{data}/link-secret"), "link secret"),
        ] {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the {what} is readable by others: {mode:o}");
        }
    }

    assert_eq!(http_get(&address, "/healthz"), (200, r#"{"status":"ok"}"#.to_owned()));
    assert_eq!(http_get(&address, "/readyz"), (200, r#"{"status":"ready"}"#.to_owned()));
    // migrations ran at start
    let (_, out, _) = run(slate().args(["migrate", "status"]).env("SLATE__DATABASE__URL", &url));
    assert!(out.starts_with("applied"), "{out}");

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "slate did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let mut logs = String::new();
    child.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    assert!(logs.contains("\"shutting down") || logs.contains("shutting down"), "{logs}");
    assert!(logs.lines().all(|l| l.starts_with('{')), "JSON logs: {logs}");
    assert!(!logs.contains('\u{1b}'), "no terminal colour codes when logs are not a terminal: {logs}");
}
