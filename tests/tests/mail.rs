//! Email end to end, through the real `slate` binary and real SMTP servers on loopback:
//! Debian's aiosmtpd writing a Maildir (read back with Python's `email` package), and a
//! scripted peer that answers 421/451/550 on cue. `./scripts/test` installs aiosmtpd; without
//! it these tests fail, they never skip.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test program: a panic is a failure")]

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use slate_tests::harness::{Aiosmtpd, Running, ScriptedSmtp, days_from_now, smtp_settings, temp_dir, wait_for};

fn start(dir: &Path, settings: &[(&'static str, String)]) -> Running {
    let extra: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Running::start(dir, &extra)
}

fn invite(slate: &Running, interview: &str, first: &str, last: &str, email: &str, extra: Value) -> Value {
    let mut body = json!({"first_name": first, "last_name": last, "email": email,
        "interview_id": interview, "deadline": days_from_now(10)});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, created) = slate.call("POST", "/api/v1/invitations", Some(&body));
    assert_eq!(status, 201, "{created}");
    created
}

#[test]
fn invitations_and_the_recruiters_copy_reach_a_real_smtp_server_in_two_languages() {
    let dir = temp_dir("mail-real");
    let smtp = Aiosmtpd::start(&dir);
    let slate = start(&dir, &smtp_settings(smtp.port));
    let (status, job) = slate.call(
        "POST",
        "/api/v1/jobs",
        Some(&json!({"title": "Backend engineer", "company_name": "Acme <Labs> & Co"})),
    );
    assert_eq!(status, 201, "{job}");
    let interview = slate.published_interview(job["id"].as_str());
    let ada =
        invite(&slate, &interview, "Ada", "Lovelace", "ada@example.com", json!({"bcc_me": true, "language": "en"}));
    // A name with markup and a line break attempt, in German.
    let (status, err) = slate.call(
        "POST",
        "/api/v1/invitations",
        Some(&json!({"first_name": "Jürgen\r\nBcc: evil@example.com", "last_name": "Groß", "email": "juergen@example.com",
            "interview_id": interview, "deadline": days_from_now(10)})),
    );
    assert_eq!((status, err["field"].as_str()), (422, Some("first_name")), "no header injection through a name: {err}");
    let juergen = invite(
        &slate,
        &interview,
        "Jürgen <script>alert(1)</script>",
        "Groß",
        "juergen@example.com",
        json!({"language": "de"}),
    );

    let messages = wait_for(Duration::from_secs(30), "three messages at the SMTP server", || {
        let m = smtp.messages();
        (m.len() >= 3).then_some(m)
    });
    assert_eq!(messages.len(), 3, "the candidates' invitations and the recruiter's copy, nothing more");
    let to =
        |addr: &str| messages.iter().filter(|m| m["to"].as_str().unwrap().contains(addr)).cloned().collect::<Vec<_>>();

    // Ada's invitation, in English.
    let [en] = &to("ada@example.com")[..] else { panic!("one message to Ada: {messages:?}") };
    let link = ada["link"].as_str().unwrap();
    assert_eq!(en["subject"], "Your video interview with Acme <Labs> & Co");
    assert_eq!(en["from"], "\"Acme <Labs> & Co via Slate\" <interviews@acme.example>");
    assert_eq!(en["to"], "Ada Lovelace <ada@example.com>");
    assert_eq!(en["reply_to"], "Admin <admin@slate.example>");
    assert_eq!(en["auto_submitted"], "auto-generated");
    assert_eq!(en["content_type"], "multipart/alternative");
    assert!(en["message_id"].as_str().unwrap().ends_with("@slate.test>"), "{}", en["message_id"]);
    let text = en["text"].as_str().unwrap();
    let html = en["html"].as_str().unwrap();
    let deadline = days_from_now(10);
    for part in [text, html] {
        assert!(part.contains(link), "the invitation's own link");
        assert!(part.contains("Dear Ada,"), "{part}");
        assert!(part.contains("about 5 minutes"), "estimated duration (30+120+20+90 s, rounded up): {part}");
        assert!(part.contains("a camera and microphone"), "technical requirements");
        assert!(part.contains(", UTC time)") && part.contains("the link closes on"), "deadline with zone: {part}");
    }
    assert!(text.contains("Company: Acme <Labs> & Co") && text.contains("Position: Backend engineer"), "{text}");
    assert!(text.contains("Questions: 2"), "{text}");
    assert!(
        html.contains("Acme &lt;Labs&gt; &amp; Co") || html.contains("Acme &#60;Labs&#62; &#38; Co"),
        "escaped in HTML"
    );
    assert!(!html.contains("<img") && !html.contains("src=\"http"), "no remote images");
    assert!(html.contains(&format!("href=\"{link}\"")), "a button to the link");
    let day: u32 = deadline[8..].parse().unwrap();
    assert!(text.contains(&format!(" {day} ")), "the deadline's date ({deadline}) written out: {text}");

    // The recruiter's copy: the invitation itself, with a note, to the recruiter.
    let [copy] = &to("admin@slate.example")[..] else { panic!("one copy: {messages:?}") };
    assert_eq!(copy["subject"], en["subject"]);
    assert!(copy["text"].as_str().unwrap().starts_with("This is your copy of the invitation sent to ada@example.com."));
    assert!(copy["text"].as_str().unwrap().contains(link));
    assert_ne!(copy["message_id"], en["message_id"]);

    // Jürgen's, in German, with the markup shown as text.
    let [de] = &to("juergen@example.com")[..] else { panic!("one message to Jürgen: {messages:?}") };
    assert_eq!(de["subject"], "Ihr Video-Interview bei Acme <Labs> & Co");
    assert_eq!(de["to"], "\"Jürgen <script>alert(1)</script> Groß\" <juergen@example.com>");
    let (text, html) = (de["text"].as_str().unwrap(), de["html"].as_str().unwrap());
    assert!(text.contains("Guten Tag Jürgen <script>alert(1)</script> Groß,"), "{text}");
    assert!(!html.contains("<script>"), "markup in a name is escaped in HTML");
    assert!(html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"), "{html}");
    assert!(
        text.contains("Fragen: 2") && text.contains("etwa 5 Minuten") && text.contains("Was Sie brauchen"),
        "{text}"
    );
    assert!(text.contains("Zeitzone UTC") && text.contains(juergen["link"].as_str().unwrap()), "{text}");
    assert!(html.contains("Interview starten"));

    // Accepted by the server: the invitations are Sent, on the timeline.
    for inv in [&ada, &juergen] {
        let id = inv["id"].as_str().unwrap();
        let sent = wait_for(Duration::from_secs(10), "status sent", || {
            let (_, v) = slate.call("GET", &format!("/api/v1/invitations/{id}"), None);
            (v["status"] == "sent").then_some(v)
        });
        let candidate = sent["candidate"]["id"].as_str().unwrap();
        let (_, timeline) = slate.call("GET", &format!("/api/v1/candidates/{candidate}/timeline"), None);
        let kinds: Vec<_> =
            timeline.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect();
        assert_eq!(kinds, ["invited", "email_delivered"]);
    }
    let mut raw = std::net::TcpStream::connect(&slate.address).unwrap();
    std::io::Write::write_all(&mut raw, b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut body = String::new();
    std::io::Read::read_to_string(&mut raw, &mut body).unwrap();
    assert!(body.contains("slate_mail_messages_total{outcome=\"sent\"} 3"), "{body}");
    assert!(body.contains("slate_outbox_oldest_due_age_seconds 0"), "{body}");
}

#[test]
fn temporary_refusals_are_retried_and_a_permanent_one_bounces_the_invitation() {
    let dir = temp_dir("mail-scripted");
    // The first connection is refused with 421; greylisting answers 451 twice; one address
    // does not exist (550).
    let peer = ScriptedSmtp::start(1, |rcpt, nth| match rcpt {
        "grey@example.com" if nth < 2 => 451,
        "gone@example.com" => 550,
        _ => 250,
    });
    let slate = start(&dir, &smtp_settings(peer.port));
    let interview = slate.published_interview(None);
    let grey = invite(&slate, &interview, "Grace", "Grey", "grey@example.com", json!({}));
    let gone = invite(&slate, &interview, "Gus", "Gone", "gone@example.com", json!({}));

    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let status = |i: &str| slate.call("GET", &format!("/api/v1/invitations/{i}"), None).1;
    let grey_sent = wait_for(Duration::from_secs(40), "the greylisted invitation to be delivered", || {
        let v = status(&id(&grey));
        (v["status"] == "sent").then_some(v)
    });
    let gone_bounced = wait_for(Duration::from_secs(40), "the unknown address to bounce", || {
        let v = status(&id(&gone));
        (v["status"] == "bounced").then_some(v)
    });
    let log = peer.log();
    assert!(log.connections >= 2, "the 421 greeting was retried on a new connection");
    let accepted: Vec<_> = log.accepted.iter().filter(|(r, _)| r == "grey@example.com").collect();
    assert_eq!(accepted.len(), 1, "delivered exactly once after two 451s: {log:?}");
    assert_eq!(log.rcpts.iter().filter(|(r, c)| r == "grey@example.com" && *c == 451).count(), 2);
    assert!(!log.accepted.iter().any(|(r, _)| r == "gone@example.com"));
    assert_eq!(log.rcpts.iter().filter(|(r, _)| r == "gone@example.com").count(), 1, "a 5xx is not retried");

    let (_, messages) = slate.call("GET", &format!("/api/v1/invitations/{}/messages", id(&grey)), None);
    assert_eq!(messages[0]["state"], "delivered");
    let (_, messages) = slate.call("GET", &format!("/api/v1/invitations/{}/messages", id(&gone)), None);
    assert_eq!(messages[0]["state"], "failed");
    assert!(messages[0]["failure"].as_str().unwrap().starts_with("550"), "{messages}");
    let candidate = gone_bounced["candidate"]["id"].as_str().unwrap();
    let (_, timeline) = slate.call("GET", &format!("/api/v1/candidates/{candidate}/timeline"), None);
    let last = timeline.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "email_bounced");
    assert!(last["details"]["reason"].as_str().unwrap().contains("no such user"), "{last}");
    assert_eq!(grey_sent["status"], "sent");

    // The recruiter corrects the address: it goes out again, to the new one.
    let (s, fixed) = slate.call(
        "PUT",
        &format!("/api/v1/invitations/{}/email", id(&gone)),
        Some(&json!({"email": "gus@example.com"})),
    );
    assert_eq!((s, fixed["status"].as_str()), (200, Some("queued")));
    wait_for(Duration::from_secs(20), "the corrected address to be delivered", || {
        (status(&id(&gone))["status"] == "sent").then_some(())
    });
    assert!(peer.log().accepted.iter().any(|(r, _)| r == "gus@example.com"));
}

/// The worker sends over `mail.smtp_connections` connections at once, never more, and the
/// messages about one invitation (the candidate's, then the recruiter's copy) go out in the
/// order they were queued, over one connection.
#[test]
fn several_connections_share_the_outbox_and_an_invitations_messages_keep_their_order() {
    const N: usize = 12;
    let dir = temp_dir("mail-lanes");
    // A relay that holds every recipient until all the invitations are queued (else a busy
    // machine could queue them as slowly as they are sent), then takes 100 ms over each: one
    // connection at a time would never have two transactions under way.
    let queued = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let gate = queued.clone();
    let peer = ScriptedSmtp::start(0, move |_, _| {
        while !gate.load(std::sync::atomic::Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(100));
        250
    });
    let mut settings = smtp_settings(peer.port);
    settings.push(("SLATE__MAIL__SMTP_CONNECTIONS", "3".into()));
    settings.push(("SLATE__MAIL__TIMEOUT_SECS", "30".into()));
    settings.push(("SLATE__MAIL__CLAIM_SECS", "120".into()));
    let slate = start(&dir, &settings);
    let interview = slate.published_interview(None);
    for n in 0..N {
        let email = format!("c{n}@example.com");
        invite(&slate, &interview, "Candidate", &format!("N{n}"), &email, json!({"bcc_me": true}));
    }
    queued.store(true, std::sync::atomic::Ordering::SeqCst);
    let log = wait_for(Duration::from_secs(60), "every message and every copy", || {
        let log = peer.log();
        (log.accepted.len() >= 2 * N).then_some(log)
    });
    assert_eq!(log.accepted.len(), 2 * N, "each message once: {log:?}");
    assert!(
        (2..=3).contains(&log.most_in_flight),
        "several transactions at once, never more than the connections allowed: {log:?}"
    );
    let is_candidate = |r: &str| r.starts_with('c') && r.ends_with("@example.com");
    let mut per_connection: HashMap<usize, Vec<&str>> = HashMap::new();
    for ((recipient, _), connection) in log.accepted.iter().zip(&log.accepted_on) {
        per_connection.entry(*connection).or_default().push(recipient);
    }
    for (connection, recipients) in &per_connection {
        // Each candidate's message is followed on its own connection by the recruiter's
        // copy of it, before the next candidate's.
        for pair in recipients.chunks(2) {
            assert!(
                pair.len() == 2 && is_candidate(pair[0]) && !is_candidate(pair[1]),
                "connection {connection} carried {recipients:?}"
            );
        }
    }
}

/// A graceful stop gives back the batch the worker had claimed ahead of the one it was
/// sending: after a restart those messages go out at once, not when their claims would have
/// lapsed (five minutes), and none twice.
#[test]
fn a_stopped_instance_gives_back_the_batch_it_claimed_ahead() {
    const N: usize = 12;
    let dir = temp_dir("mail-release");
    // A relay slow enough (150 ms a recipient) for the stop to land mid-stream.
    let peer = ScriptedSmtp::start(0, |_, _| {
        std::thread::sleep(Duration::from_millis(150));
        250
    });
    let mut settings = smtp_settings(peer.port);
    settings.push(("SLATE__MAIL__BATCH", "4".into()));
    settings.push(("SLATE__MAIL__CLAIM_SECS", "300".into()));
    // Two connections: each has one message in hand when the stop comes and more queued
    // behind it, which it gives back with the batch claimed ahead.
    settings.push(("SLATE__MAIL__SMTP_CONNECTIONS", "2".into()));
    let mut slate = start(&dir, &settings);
    let interview = slate.published_interview(None);
    for n in 0..N {
        invite(&slate, &interview, "Candidate", &format!("N{n}"), &format!("c{n}@example.com"), json!({}));
    }
    // Past the first batch: whatever the first claim found (invitations were still being
    // created), a full batch has been claimed by now, and the next one with it.
    wait_for(Duration::from_secs(20), "the second batch to be under way", || {
        (peer.log().accepted.len() > 4).then_some(())
    });
    slate.stop();
    let at_stop = peer.log().accepted.len();
    assert!(at_stop < N, "stopped mid-stream ({at_stop} sent)");
    let log = slate_tests::harness::read_all(&dir.join("slate.log"));
    assert!(log.contains("unsent messages given back"), "the stop found a batch claimed ahead: {log}");
    slate.restart(&dir);
    let accepted = wait_for(Duration::from_secs(30), "every invitation, well before a claim lapses", || {
        let a = peer.log().accepted;
        (a.len() >= N).then_some(a)
    });
    let recipients: std::collections::HashSet<_> = accepted.iter().map(|(r, _)| r.clone()).collect();
    assert_eq!((recipients.len(), accepted.len()), (N, N), "each once: {accepted:?}");
}

/// Kills the app with SIGKILL while it sends 1,000 invitations to the real SMTP server,
/// restarts it, and counts what each candidate received. The bound: a message whose DATA
/// was accepted but whose outcome was not yet recorded when the process died is sent again
/// after its claim lapses. Outcomes are group-committed behind the sending, with at most
/// `most_unrecorded(connections)` accepted messages unrecorded at any moment (two groups, and
/// one in the hand of each connection); a copy carries the original Message-ID, so receiving
/// servers can drop it.
#[test]
fn killed_while_sending_a_thousand_every_candidate_still_gets_their_invitation() {
    const N: usize = 1000;
    let dir = temp_dir("mail-kill");
    let smtp = Aiosmtpd::start(&dir);
    // Queue the invitations while the relay is unreachable (nothing is sent, every attempt
    // is a temporary failure), then point the instance at the real server.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut settings = smtp_settings(closed);
    settings.push(("SLATE__MAIL__MAX_ATTEMPTS", "100".into()));
    let mut slate = start(&dir, &settings);
    let interview = slate.published_interview(None);
    for n in 0..N {
        invite(&slate, &interview, "Candidate", &format!("N{n}"), &format!("c{n}@example.com"), json!({}));
    }
    slate.kill_hard();
    assert_eq!(smtp.count(), 0);
    for (k, v) in &mut slate.slate.env {
        if k == "SLATE__MAIL__SMTP_PORT" {
            *v = smtp.port.to_string();
        }
    }
    slate.restart(&dir);
    wait_for(Duration::from_secs(120), "sending to be under way", || (smtp.count() >= 200).then_some(()));
    slate.kill_hard();
    let at_kill = smtp.count();
    slate.restart(&dir);
    let messages = wait_for(Duration::from_secs(300), "every candidate's invitation", || {
        let m = smtp.messages();
        let recipients: std::collections::HashSet<_> = m.iter().map(|m| m["to"].as_str().unwrap().to_owned()).collect();
        (recipients.len() >= N).then_some(m)
    });
    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    for m in &messages {
        *per_recipient.entry(m["to"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    let duplicates: usize = per_recipient.values().map(|n| n - 1).sum();
    println!(
        "SIGKILL test: {N} invitations; {at_kill} at the SMTP server when killed mid-stream; {} received by {} \
         recipients after the restart; duplicates: {duplicates} (bound: {})",
        messages.len(),
        per_recipient.len(),
        slate_email::most_unrecorded(slate_email::DEFAULT_CONNECTIONS)
    );
    assert_eq!(per_recipient.len(), N, "every candidate received their invitation");
    let bound = slate_email::most_unrecorded(slate_email::DEFAULT_CONNECTIONS);
    assert!(duplicates <= bound, "at most the unrecorded window is sent twice: {duplicates} > {bound}");
    let ids: std::collections::HashSet<_> = messages.iter().map(|m| m["message_id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), N, "a copy carries the same Message-ID as the original");
}

/// Two app instances on one PostgreSQL database, both sending, over the same 1,000
/// messages: the SMTP peer receives each exactly once.
#[test]
fn two_instances_on_one_postgres_never_send_a_message_twice() {
    const N: usize = 1000;
    let admin = std::env::var("SLATE_TEST_POSTGRES_URL")
        .expect("SLATE_TEST_POSTGRES_URL is not set: run ./scripts/test, which starts PostgreSQL");
    let name = format!("slate_mail_{}", std::process::id());
    let created =
        std::process::Command::new("psql").args([admin.as_str(), "-qc", &format!("CREATE DATABASE {name}")]).status();
    assert!(created.is_ok_and(|s| s.success()), "psql could not create the test database");
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    let url = format!("{base}/{name}");
    let peer = ScriptedSmtp::start(0, |_, _| 250);
    let mut settings = smtp_settings(peer.port);
    settings.push(("SLATE__DATABASE__URL", url));
    settings.push(("SLATE__MAIL__BATCH", "10".into()));
    let (dir_a, dir_b) = (temp_dir("mail-pg-a"), temp_dir("mail-pg-b"));
    let a = start(&dir_a, &settings);
    let b = start(&dir_b, &settings);
    let interview = a.published_interview(None);
    for n in 0..N {
        let via = if n % 2 == 0 { &a } else { &b };
        invite(via, &interview, "Candidate", &format!("N{n}"), &format!("p{n}@example.com"), json!({}));
    }
    wait_for(Duration::from_secs(180), "every message at the peer", || (peer.log().accepted.len() >= N).then_some(()));
    std::thread::sleep(Duration::from_secs(2));
    let log = peer.log();
    let ids: std::collections::HashSet<_> = log.accepted.iter().map(|(_, id)| id.clone()).collect();
    println!(
        "two instances: {} messages accepted, {} distinct Message-IDs, {} connections",
        log.accepted.len(),
        ids.len(),
        log.connections
    );
    assert_eq!(log.accepted.len(), N, "no message sent twice");
    assert_eq!(ids.len(), N);
    assert!(log.connections >= 2, "both instances sent");
}

/// The calendar's lines, unfolded (RFC 5545 §3.1).
fn calendar_lines(message: &Value) -> Vec<String> {
    let raw = message["calendar"].as_str().unwrap_or_else(|| panic!("no text/calendar part: {message}"));
    raw.replace("\r\n ", "").replace("\n ", "").lines().map(str::to_owned).collect()
}

#[test]
fn live_interview_invites_are_meeting_requests_each_attendee_confirms_and_a_cancel_removes_the_event() {
    let dir = temp_dir("mail-live");
    let smtp = Aiosmtpd::start(&dir);
    let slate = start(&dir, &smtp_settings(smtp.port));
    let (_, me) = slate.call("GET", "/api/v1/session", None);
    let (status, ada) = slate.call(
        "POST",
        "/api/v1/candidates",
        Some(&json!({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"})),
    );
    assert_eq!(status, 201, "{ada}");
    let date = days_from_now(10);
    let (status, live) = slate.call(
        "POST",
        "/api/v1/live-interviews",
        Some(&json!({
            "title": "Second round", "candidate_id": ada["id"], "candidate_language": "de",
            "date": date, "time": "10:00", "duration_minutes": 45, "time_zone": "Europe/Athens",
            "meeting_url": "https://meet.example/abc-defg",
            "interviewers": [{"name": "Grace Hopper", "email": "grace@navy.example"}, {"recruiter_id": me["recruiter"]["id"]}]
        })),
    );
    assert_eq!(status, 201, "{live}");
    let id = live["id"].as_str().unwrap();
    let messages = wait_for(Duration::from_secs(30), "three invites at the SMTP server", || {
        let m = smtp.messages();
        (m.len() >= 3).then_some(m)
    });
    assert_eq!(messages.len(), 3, "one invite per attendee");
    let starts = live["starts_at"].as_str().unwrap().replace(['-', ':'], "");
    for (n, attendee) in live["attendees"].as_array().unwrap().iter().enumerate() {
        let email = attendee["email"].as_str().unwrap();
        let m =
            messages.iter().find(|m| m["to"].as_str().unwrap().contains(email)).unwrap_or_else(|| panic!("{email}"));
        assert_eq!(m["content_type"], "multipart/mixed", "{m}");
        assert_eq!(m["calendar_method"], "REQUEST");
        assert_eq!(m["attachments"], json!(["invite.ics"]));
        let lines = calendar_lines(m);
        for line in [
            "METHOD:REQUEST".to_owned(),
            format!("UID:live-{id}@slate.test"),
            "SEQUENCE:0".to_owned(),
            format!("DTSTART:{starts}"),
            "X-SLATE-TZID:Europe/Athens".to_owned(),
        ] {
            assert!(lines.contains(&line), "{line} in {lines:?}");
        }
        assert_eq!(lines.iter().filter(|l| l.starts_with("ATTENDEE")).count(), 3);
        let link = attendee["link"].as_str().unwrap();
        assert!(m["text"].as_str().unwrap().contains(link), "each attendee gets their own link ({n})");
        assert_eq!(m["reply_to"], "Admin <admin@slate.example>");
    }
    let to_ada = messages.iter().find(|m| m["to"].as_str().unwrap().contains("ada@")).unwrap();
    assert!(to_ada["subject"].as_str().unwrap().starts_with("Einladung zum Gespräch"), "{}", to_ada["subject"]);
    assert!(to_ada["text"].as_str().unwrap().contains("(Zeitzone Europe/Athens)"), "{}", to_ada["text"]);

    // Every attendee confirms through their own link; scheduled only after the last.
    let links: Vec<String> = live["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["link"].as_str().unwrap().rsplit('/').next().unwrap().to_owned())
        .collect();
    for (n, token) in links.iter().enumerate() {
        let (status, view) = slate.call("POST", &format!("/api/v1/attendee-links/{token}/confirm"), None);
        assert_eq!(status, 200, "{view}");
        let expected = if n + 1 == links.len() { "scheduled" } else { "awaiting_confirmation" };
        assert_eq!(view["status"], expected);
    }

    // Cancelling sends each attendee the cancellation, with the next SEQUENCE.
    let (status, cancelled) = slate.call("POST", &format!("/api/v1/live-interviews/{id}/cancel"), None);
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("cancelled")));
    let messages = wait_for(Duration::from_secs(30), "three cancellations", || {
        let m = smtp.messages();
        (m.len() >= 6).then_some(m)
    });
    let cancels: Vec<_> = messages.iter().filter(|m| m["calendar_method"] == "CANCEL").collect();
    assert_eq!(cancels.len(), 3, "{messages:?}");
    for m in cancels {
        let lines = calendar_lines(m);
        assert!(
            lines.contains(&"SEQUENCE:1".to_owned()) && lines.contains(&"STATUS:CANCELLED".to_owned()),
            "{lines:?}"
        );
        assert!(lines.contains(&format!("UID:live-{id}@slate.test")));
        assert!(!m["text"].as_str().unwrap().contains("/m/"), "no link in a cancellation");
    }
}

/// Verifies `message`'s DKIM signature with dkimpy (an implementation independent of the one
/// that signed it), the selector's TXT record answered with `public_key` (base64 DER).
fn dkim_verifies(message: &[u8], public_key: &str) -> bool {
    const VERIFY: &str = r#"
import dkim, sys
record = ("v=DKIM1; k=rsa; p=" + sys.argv[1]).encode()
def dns(name, timeout=5):
    return record if name == b"slate2026._domainkey.acme.example." else None
print("pass" if dkim.verify(sys.stdin.buffer.read(), dnsfunc=dns) else "fail")
"#;
    let python = std::env::var("SLATE_TEST_PYTHON")
        .expect("SLATE_TEST_PYTHON must name a Python with dkimpy (./scripts/test installs one)");
    let mut child = std::process::Command::new(python)
        .args(["-c", VERIFY, public_key])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), message).unwrap();
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(said == "pass" || said == "fail", "dkimpy: {said} {}", String::from_utf8_lossy(&out.stderr));
    said == "pass"
}

#[test]
fn with_a_dkim_key_configured_every_message_is_signed_and_verifies_at_the_receiver() {
    let dir = temp_dir("mail-dkim");
    let key = dir.join("dkim.pem");
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .output()
            .expect("openssl (Debian's openssl; ./scripts/test installs it)");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    openssl(&["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.to_str().unwrap()]);
    let der = openssl(&["pkey", "-in", key.to_str().unwrap(), "-pubout", "-outform", "DER"]);
    let public_key = {
        let path = dir.join("dkim.pub.der");
        std::fs::write(&path, &der).unwrap();
        String::from_utf8(openssl(&["base64", "-A", "-in", path.to_str().unwrap()])).unwrap()
    };

    let smtp = Aiosmtpd::start(&dir);
    let mut settings = smtp_settings(smtp.port);
    settings.push(("SLATE__MAIL__DKIM_DOMAIN", "acme.example".into()));
    settings.push(("SLATE__MAIL__DKIM_SELECTOR", "slate2026".into()));
    settings.push(("SLATE__MAIL__DKIM_KEY_FILE", key.display().to_string()));
    let slate = start(&dir, &settings);
    let (status, job) =
        slate.call("POST", "/api/v1/jobs", Some(&json!({"title": "Backend engineer", "company_name": "Acme"})));
    assert_eq!(status, 201, "{job}");
    let interview = slate.published_interview(job["id"].as_str());
    invite(&slate, &interview, "Ada", "Lovelace", "ada@example.com", json!({"bcc_me": true}));
    invite(&slate, &interview, "Jürgen", "Groß", "juergen@example.com", json!({"language": "de"}));
    let raw = wait_for(Duration::from_secs(30), "three messages at the SMTP server", || {
        let m = smtp.raw_messages();
        (m.len() >= 3).then_some(m)
    });
    assert_eq!(raw.len(), 3);
    for message in &raw {
        let text = String::from_utf8_lossy(message);
        let header = text.split("DKIM-Signature:").nth(1).expect("a DKIM-Signature header");
        assert!(header.contains("d=acme.example") && header.contains("s=slate2026"), "{header}");
        assert!(header.contains("a=rsa-sha256") && header.contains("c=relaxed/relaxed"), "{header}");
        assert!(dkim_verifies(message, &public_key), "the signature verifies at the receiver:\n{text}");
        // The check is real: the same message with its subject changed no longer verifies.
        let forged = text.replacen("\nSubject: ", "\nSubject: Urgent: ", 1);
        assert_ne!(forged, text);
        assert!(!dkim_verifies(forged.as_bytes(), &public_key), "a changed subject breaks the signature");
    }
}
