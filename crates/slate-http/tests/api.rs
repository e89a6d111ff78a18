//! The whole HTTP surface through `oneshot`, over the domain's in-memory adapters: every
//! endpoint's success and failure paths, authentication (API keys, sessions, CSRF), the
//! tenancy matrix, limits, the OpenAPI document, the reference page and the metrics.

#![expect(clippy::unwrap_used, reason = "test program: a panic is a failure")]

use std::net::SocketAddr;
use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use slate_domain::memory::InMemory;
use slate_domain::*;
use slate_http::{AppState, HttpConfig, Readiness};
use tower::ServiceExt;

struct Ready;

#[async_trait]
impl Readiness for Ready {
    async fn check(&self) -> Result<(), String> {
        Ok(())
    }
}

struct World {
    memory: InMemory,
    app: Router,
    /// Acme's API key.
    a: String,
    /// Beta's API key.
    b: String,
}

impl World {
    async fn new() -> Self {
        Self::with(HttpConfig { public_url: "https://slate.example".into(), ..HttpConfig::default() }).await
    }

    async fn with(config: HttpConfig) -> Self {
        let memory = InMemory::new("2026-11-22T09:00:00Z".parse().unwrap());
        let public_url = PublicUrl::parse(&config.public_url).unwrap();
        let slate = Slate::new(memory.ports(), Settings { public_url, ..Settings::default() });
        let mut keys = Vec::new();
        for (org, email) in [("Acme", "rita@acme.example"), ("Beta", "olga@beta.example")] {
            let (o, r) = slate.create_account(fixtures::account(org, "Rita", email)).await.unwrap();
            let caller = Caller { organization_id: o.id, recruiter_id: r.id };
            let (_, secret) = slate.create_api_key(caller, Label::parse("tests").unwrap()).await.unwrap();
            keys.push(secret.expose().to_owned());
        }
        let app = slate_http::router(AppState::new(slate, Arc::new(Ready), config));
        let b = keys.pop().unwrap();
        let a = keys.pop().unwrap();
        Self { memory, app, a, b }
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 10 << 20).await.unwrap();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        (status, headers, value)
    }

    async fn call(&self, method: Method, path: &str, key: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut r = Request::builder().method(method).uri(path).header(header::AUTHORIZATION, format!("Bearer {key}"));
        let body = match body {
            Some(v) => {
                r = r.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let (status, _, value) = self.send(r.body(body).unwrap()).await;
        (status, value)
    }

    /// How many messages Acme's invitation `id` has queued.
    async fn slate_messages(&self, id: &str) -> usize {
        let (_, m) = self.call(Method::GET, &format!("/api/v1/invitations/{id}/messages"), &self.a, None).await;
        m.as_array().map_or(0, Vec::len)
    }

    async fn ok(&self, method: Method, path: &str, body: Option<Value>, expect: StatusCode) -> Value {
        let (status, value) = self.call(method.clone(), path, &self.a, body).await;
        assert_eq!(status, expect, "{method} {path}: {value}");
        value
    }

    /// A published interview, a job, an internal candidate and an invitation, all Acme's.
    async fn acme_records(&self) -> Records {
        let job = self
            .ok(
                Method::POST,
                "/api/v1/jobs",
                Some(json!({"title": "Backend engineer", "company_name": "Acme"})),
                StatusCode::CREATED,
            )
            .await;
        let interview = self
            .ok(Method::POST, "/api/v1/interviews", Some(interview_body(job["id"].as_str())), StatusCode::CREATED)
            .await;
        let id = interview["id"].as_str().unwrap().to_owned();
        self.ok(Method::POST, &format!("/api/v1/interviews/{id}/publish"), None, StatusCode::OK).await;
        let candidate = self
            .ok(
                Method::POST,
                "/api/v1/candidates",
                Some(json!({"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"})),
                StatusCode::CREATED,
            )
            .await;
        let invitation = self
            .ok(
                Method::POST,
                "/api/v1/invitations",
                Some(json!({"candidate_id": candidate["id"], "interview_id": id, "deadline": "2026-12-15"})),
                StatusCode::CREATED,
            )
            .await;
        let live = self
            .ok(
                Method::POST,
                "/api/v1/live-interviews",
                Some(live_body(candidate["id"].as_str().unwrap())),
                StatusCode::CREATED,
            )
            .await;
        Records {
            live: live["id"].as_str().unwrap().into(),
            job: job["id"].as_str().unwrap().into(),
            interview: id,
            candidate: candidate["id"].as_str().unwrap().into(),
            invitation: invitation["id"].as_str().unwrap().into(),
            link: invitation["link"].as_str().unwrap().into(),
        }
    }
}

struct Records {
    live: String,
    job: String,
    interview: String,
    candidate: String,
    invitation: String,
    link: String,
}

/// A live interview with `candidate` on 10 December 10:00 in Athens, with two outside
/// interviewers.
fn live_body(candidate: &str) -> Value {
    json!({
        "title": "Second round",
        "candidate_id": candidate,
        "date": "2026-12-10",
        "time": "10:00",
        "duration_minutes": 45,
        "meeting_url": "https://meet.example/abc-defg",
        "interviewers": [
            {"name": "Alan Turing", "email": "alan@example.org", "language": "de"},
            {"name": "Joan Clarke", "email": "joan@example.org"}
        ]
    })
}

fn token_of(link: &Value) -> String {
    link.as_str().unwrap().rsplit('/').next().unwrap().to_owned()
}

fn interview_body(job: Option<&str>) -> Value {
    json!({
        "name": "First round",
        "job_id": job,
        "intro": "Welcome!",
        "question_language": "en",
        "difficulty": "medium",
        "questions": [
            {"prompt": "Tell us about yourself.", "thinking_secs": 30, "max_answer_secs": 120, "retakes": 1},
            {"prompt": "Why us?", "thinking_secs": 20, "max_answer_secs": 90}
        ]
    })
}

// ---------------------------------------------------------------- success paths

// Each success path is its own test over a fresh world, so one failure does not hide the rest.

#[tokio::test]
async fn jobs_are_listed_and_read() {
    let w = World::new().await;
    let r = w.acme_records().await;
    // Jobs.
    let jobs = w.ok(Method::GET, "/api/v1/jobs", None, StatusCode::OK).await;
    assert_eq!(jobs[0]["title"], "Backend engineer");
    let job = w.ok(Method::GET, &format!("/api/v1/jobs/{}", r.job), None, StatusCode::OK).await;
    assert_eq!(job["company_name"], "Acme");
}

#[tokio::test]
async fn interviews_are_read_listed_edited_previewed_and_archived() {
    let w = World::new().await;
    let r = w.acme_records().await;
    // Interviews: get, list (all and by status), edit with the revision read, preview, archive.
    let iv = w.ok(Method::GET, &format!("/api/v1/interviews/{}", r.interview), None, StatusCode::OK).await;
    assert_eq!(iv["status"], "published");
    assert_eq!(iv["estimated_duration_secs"], 260);
    assert_eq!(iv["questions"].as_array().unwrap().len(), 2);
    let listed = w.ok(Method::GET, "/api/v1/interviews?status=published", None, StatusCode::OK).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let drafts = w.ok(Method::GET, "/api/v1/interviews?status=draft", None, StatusCode::OK).await;
    assert_eq!(drafts.as_array().unwrap().len(), 0);
    let mut edit = interview_body(Some(&r.job));
    edit["name"] = json!("First round (v2)");
    edit["revision"] = iv["revision"].clone();
    edit["questions"][0]["id"] = iv["questions"][0]["id"].clone();
    let edited = w.ok(Method::PUT, &format!("/api/v1/interviews/{}", r.interview), Some(edit), StatusCode::OK).await;
    assert_eq!(edited["name"], "First round (v2)");
    assert_eq!(edited["questions"][0]["id"], iv["questions"][0]["id"], "question identity kept");
    let preview = w.ok(Method::GET, &format!("/api/v1/interviews/{}/preview", r.interview), None, StatusCode::OK).await;
    assert_eq!(preview["job_title"], "Backend engineer");
    assert_eq!(preview["name"], "First round (v2)");

    // Archive a published interview.
    let archived =
        w.ok(Method::POST, &format!("/api/v1/interviews/{}/archive", r.interview), None, StatusCode::OK).await;
    assert_eq!(archived["status"], "archived");
}

#[tokio::test]
async fn candidates_are_read_and_found_by_name_prefix() {
    let w = World::new().await;
    let r = w.acme_records().await;
    // Candidates: get, type-ahead, timeline.
    let c = w.ok(Method::GET, &format!("/api/v1/candidates/{}", r.candidate), None, StatusCode::OK).await;
    assert_eq!((c["kind"].as_str(), c["email"].as_str()), (Some("internal"), Some("grace@example.com")));
    let found = w.ok(Method::GET, "/api/v1/candidates?prefix=hop", None, StatusCode::OK).await;
    assert_eq!(found[0]["last_name"], "Hopper");
    let none = w.ok(Method::GET, "/api/v1/candidates?prefix=zz", None, StatusCode::OK).await;
    assert_eq!(none.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn an_invitation_reads_as_documented() {
    let w = World::new().await;
    let r = w.acme_records().await;
    // Invitations: the JSON shape.
    let inv = w.ok(Method::GET, &format!("/api/v1/invitations/{}", r.invitation), None, StatusCode::OK).await;
    assert_eq!(inv["status"], "queued");
    assert_eq!(inv["email"], "grace@example.com");
    assert_eq!(inv["language"], "en");
    assert_eq!(inv["deadline"], "2026-12-15");
    assert_eq!(inv["closes_at"], "2026-12-15T22:00:00Z", "end of 15 December in Athens, in UTC");
    assert_eq!((inv["bcc_me"].as_bool(), inv["notify_me"].as_bool()), (Some(false), Some(false)));
    assert_eq!(inv["candidate"]["last_name"], "Hopper");
    assert_eq!(inv["interview"]["id"], r.interview.as_str());
    assert_eq!(inv["created_at"], "2026-11-22T09:00:00Z");
    assert!(r.link.starts_with("https://slate.example/i/") && r.link.len() > 60, "{}", r.link);
}

/// Ada Lovelace, an external candidate invited in German with a copy and a completion notice.
async fn invite_ada(w: &World, r: &Records) -> Value {
    let ext = w
        .ok(
            Method::POST,
            "/api/v1/invitations",
            Some(json!({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
                        "interview_id": r.interview, "deadline": "2026-11-22", "language": "de",
                        "bcc_me": true, "notify_me": true})),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!((ext["language"].as_str(), ext["bcc_me"].as_bool()), (Some("de"), Some(true)));
    ext
}

#[tokio::test]
async fn invitations_are_listed_filtered_searched_and_paged() {
    let w = World::new().await;
    let r = w.acme_records().await;
    let ext = invite_ada(&w, &r).await;
    let ext_id = ext["id"].as_str().unwrap();

    // Listing: filters, search, sort and a cursor walk.
    let page =
        w.ok(Method::GET, "/api/v1/invitations?sort=candidate_name&order=asc&limit=1", None, StatusCode::OK).await;
    assert_eq!(page["items"][0]["candidate"]["last_name"], "Hopper");
    let cursor = page["next_cursor"].as_str().unwrap();
    let page2 = w
        .ok(
            Method::GET,
            &format!("/api/v1/invitations?sort=candidate_name&order=asc&limit=1&cursor={cursor}"),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(page2["items"][0]["candidate"]["last_name"], "Lovelace");
    let searched = w.ok(Method::GET, "/api/v1/invitations?q=ADA", None, StatusCode::OK).await;
    assert_eq!(searched["items"].as_array().unwrap().len(), 1);
    let filtered = w
        .ok(
            Method::GET,
            &format!("/api/v1/invitations?status=queued,sent&interview_id={}&deadline_to=2026-11-30", r.interview),
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(filtered["items"][0]["id"], ext_id);
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn resend_deadline_and_cancel_show_in_messages_and_on_the_timeline() {
    let w = World::new().await;
    let r = w.acme_records().await;
    // Actions: resend, extend the deadline, cancel; messages and timeline show them.
    let resent =
        w.ok(Method::POST, &format!("/api/v1/invitations/{}/resend", r.invitation), None, StatusCode::OK).await;
    assert_eq!(resent["link"], r.link.as_str(), "a resend keeps the link");
    let moved = w
        .ok(
            Method::PUT,
            &format!("/api/v1/invitations/{}/deadline", r.invitation),
            Some(json!({"deadline": "2026-12-31"})),
            StatusCode::OK,
        )
        .await;
    assert_eq!(moved["closes_at"], "2026-12-31T22:00:00Z");
    let messages =
        w.ok(Method::GET, &format!("/api/v1/invitations/{}/messages", r.invitation), None, StatusCode::OK).await;
    let kinds: Vec<_> = messages.as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap().to_owned()).collect();
    assert_eq!(kinds, ["invitation", "resend"]);
    assert_eq!(messages[0]["state"], "pending");
    let cancelled =
        w.ok(Method::POST, &format!("/api/v1/invitations/{}/cancel", r.invitation), None, StatusCode::OK).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_ne!(cancelled["link"], r.link.as_str(), "cancelling revokes the old link");
    let timeline =
        w.ok(Method::GET, &format!("/api/v1/candidates/{}/timeline", r.candidate), None, StatusCode::OK).await;
    let names: Vec<_> = timeline.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["invited", "live_scheduled", "resent", "deadline_changed", "cancelled"]);
    assert_eq!(timeline[3]["details"]["to"], "2026-12-31");
    assert_eq!(timeline[0]["actor"], "recruiter");
}

#[tokio::test]
async fn a_candidate_link_opens_its_invitation() {
    let w = World::new().await;
    let r = w.acme_records().await;
    let ext = invite_ada(&w, &r).await;

    // The candidate's link opens the external invitation.
    let token = ext["link"].as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let (status, view) = w.call(Method::POST, &format!("/api/v1/links/{token}/open"), "", None).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!((view["status"].as_str(), view["first_name"].as_str()), (Some("opened"), Some("Ada")));
    assert_eq!(view["interview"]["questions"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_live_interview_is_scheduled_only_once_every_attendee_confirmed_through_their_link() {
    let w = World::new().await;
    let r = w.acme_records().await;
    let me = w.ok(Method::GET, "/api/v1/session", None, StatusCode::OK).await;
    let mut body = live_body(&r.candidate);
    body["interviewers"].as_array_mut().unwrap().push(json!({"recruiter_id": me["recruiter"]["id"]}));
    body["time_zone"] = json!("America/New_York");
    body["follows_invitation_id"] = json!(r.invitation);
    let live = w.ok(Method::POST, "/api/v1/live-interviews", Some(body), StatusCode::CREATED).await;
    assert_eq!(live["status"], "awaiting_confirmation");
    assert_eq!((live["date"].as_str(), live["time"].as_str()), (Some("2026-12-10"), Some("10:00")));
    assert_eq!(live["starts_at"], "2026-12-10T15:00:00Z", "10:00 in New York in winter");
    assert_eq!(live["ends_at"], "2026-12-10T15:45:00Z");
    assert_eq!(live["follows_invitation_id"], r.invitation.as_str());
    let attendees = live["attendees"].as_array().unwrap();
    let roles: Vec<_> = attendees.iter().map(|a| (a["role"].as_str().unwrap(), a["name"].as_str().unwrap())).collect();
    assert_eq!(
        roles,
        [
            ("candidate", "Grace Hopper"),
            ("interviewer", "Alan Turing"),
            ("interviewer", "Joan Clarke"),
            ("interviewer", "Rita")
        ]
    );
    assert_eq!(attendees[1]["language"], "de");
    let links: Vec<String> = attendees.iter().map(|a| token_of(&a["link"])).collect();
    assert!(attendees[0]["link"].as_str().unwrap().starts_with("https://slate.example/m/"));

    // Reading a link changes nothing; confirming does, one attendee at a time.
    let id = live["id"].as_str().unwrap();
    let (status, view) = w.call(Method::GET, &format!("/api/v1/attendee-links/{}", links[1]), "", None).await;
    assert_eq!(
        (status, view["name"].as_str(), view["response"].as_str()),
        (StatusCode::OK, Some("Alan Turing"), Some("pending"))
    );
    assert_eq!(view["organization"], "Acme");
    for (n, token) in links.iter().enumerate() {
        let (status, view) = w.call(Method::POST, &format!("/api/v1/attendee-links/{token}/confirm"), "", None).await;
        assert_eq!((status, view["response"].as_str()), (StatusCode::OK, Some("confirmed")), "{view}");
        let expected = if n + 1 == links.len() { "scheduled" } else { "awaiting_confirmation" };
        assert_eq!(view["status"], expected, "after {} confirmations", n + 1);
    }
    let read = w.ok(Method::GET, &format!("/api/v1/live-interviews/{id}"), None, StatusCode::OK).await;
    assert_eq!(read["status"], "scheduled");

    // A decline with its message is what the recruiter sees.
    let (status, view) = w
        .call(
            Method::POST,
            &format!("/api/v1/attendee-links/{}/decline", links[2]),
            "",
            Some(json!({"message": "Ill that week"})),
        )
        .await;
    assert_eq!((status, view["status"].as_str()), (StatusCode::OK, Some("declined")), "{view}");
    let read = w.ok(Method::GET, &format!("/api/v1/live-interviews/{id}"), None, StatusCode::OK).await;
    assert_eq!(
        (read["attendees"][2]["response"].as_str(), read["attendees"][2]["decline_message"].as_str()),
        (Some("declined"), Some("Ill that week"))
    );

    // Resending queues each attendee their invite again.
    let before = w.memory.store.all_messages().len();
    let resent = w.ok(Method::POST, &format!("/api/v1/live-interviews/{id}/resend"), None, StatusCode::OK).await;
    assert_eq!(w.memory.store.all_messages().len(), before + 4, "one per attendee");
    let read = w.ok(Method::GET, &format!("/api/v1/live-interviews/{id}"), None, StatusCode::OK).await;
    assert_eq!(read["revision"], resent["revision"]);

    // A reschedule resets every answer; a stale revision is refused.
    let slot = json!({"date": "2026-12-11", "time": "09:30", "duration_minutes": 60, "revision": live["revision"]});
    let (status, err) = w.call(Method::PUT, &format!("/api/v1/live-interviews/{id}/slot"), &w.a, Some(slot)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{err}");
    let slot = json!({"date": "2026-12-11", "time": "09:30", "duration_minutes": 60, "revision": read["revision"]});
    let moved = w.ok(Method::PUT, &format!("/api/v1/live-interviews/{id}/slot"), Some(slot), StatusCode::OK).await;
    assert_eq!((moved["status"].as_str(), moved["sequence"].as_u64()), (Some("awaiting_confirmation"), Some(1)));
    assert_eq!(moved["starts_at"], "2026-12-11T07:30:00Z", "no zone given: the organization's (Athens)");
    assert!(moved["attendees"].as_array().unwrap().iter().all(|a| a["response"] == "pending"));

    // The timeline tells the story; the list shows it; cancelling closes every link.
    let timeline =
        w.ok(Method::GET, &format!("/api/v1/candidates/{}/timeline", r.candidate), None, StatusCode::OK).await;
    let kinds: Vec<_> = timeline
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .filter(|k| k.starts_with("live_"))
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "live_confirmed").count(), 4, "one per attendee");
    assert_eq!(
        kinds.iter().rev().take(3).copied().collect::<Vec<_>>(),
        ["live_rescheduled", "live_resent", "live_declined"]
    );
    let declined = timeline.as_array().unwrap().iter().find(|e| e["kind"] == "live_declined").unwrap();
    assert_eq!(
        (declined["actor"].as_str(), declined["details"]["message"].as_str()),
        (Some("external_interviewer"), Some("Ill that week"))
    );
    let listed =
        w.ok(Method::GET, &format!("/api/v1/live-interviews?candidate_id={}", r.candidate), None, StatusCode::OK).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let cancelled = w.ok(Method::POST, &format!("/api/v1/live-interviews/{id}/cancel"), None, StatusCode::OK).await;
    assert_eq!((cancelled["status"].as_str(), cancelled["attendees"][0]["link"].as_str()), (Some("cancelled"), None));
    let (status, err) = w.call(Method::POST, &format!("/api/v1/attendee-links/{}/confirm", links[0]), "", None).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::GONE, Some("link_closed")));
    let (status, err) = w.call(Method::GET, &format!("/api/v1/attendee-links/{}x", links[0]), "", None).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::NOT_FOUND, Some("invalid_link")));
    let listed = w.ok(Method::GET, "/api/v1/live-interviews", None, StatusCode::OK).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "the cancelled one is left out");
    let all = w.ok(Method::GET, "/api/v1/live-interviews?include_cancelled=true", None, StatusCode::OK).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_live_interviews_invites_are_previewed_and_an_edited_one_is_checked() {
    let w = World::new().await;
    let r = w.acme_records().await;
    let mut body = live_body(&r.candidate);
    body["candidate_message"] =
        json!({"subject": "Hello {{candidate.first_name}}", "body": "On {{interview.start}}: {{interview.link}}"});
    let preview = w.ok(Method::POST, "/api/v1/live-interviews/preview", Some(body.clone()), StatusCode::OK).await;
    assert_eq!(preview["candidate"]["subject"], "Hello Grace");
    assert!(preview["candidate"]["text"].as_str().unwrap().contains("2026-12-10 10:00 (Europe/Athens)"), "{preview}");
    assert!(preview["interviewer"]["text"].as_str().unwrap().contains("Alan Turing"), "{preview}");
    body["candidate_message"]["body"] = json!("No link here");
    let (status, err) = w.call(Method::POST, "/api/v1/live-interviews", &w.a, Some(body)).await;
    assert_eq!(
        (status, err["code"].as_str(), err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("missing_placeholder"), Some("candidate_message.body")),
        "{err}"
    );
}

#[tokio::test]
async fn bad_live_interviews_name_the_field() {
    let w = World::new().await;
    let r = w.acme_records().await;
    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = live_body(&r.candidate);
        f(&mut b);
        b
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (with(&|b| b["date"] = json!("10/12/2026")), "validation_failed", "date"),
        (with(&|b| b["time"] = json!("10h")), "validation_failed", "time"),
        (with(&|b| b["duration_minutes"] = json!(600)), "validation_failed", "duration_minutes"),
        (with(&|b| b["time_zone"] = json!("Mars/Olympus")), "validation_failed", "time_zone"),
        (
            with(&|b| {
                b["date"] = json!("2027-03-28");
                b["time"] = json!("03:30")
            }),
            "no_such_local_time",
            "time",
        ),
        (with(&|b| b["date"] = json!("2026-11-01")), "starts_in_past", "date"),
        (with(&|b| b["meeting_url"] = json!("javascript:alert(1)")), "validation_failed", "meeting_url"),
        (with(&|b| b["place"] = json!("Room 4")), "validation_failed", "place"),
        (with(&|b| b["interviewers"] = json!([])), "validation_failed", "interviewers"),
        (with(&|b| b["interviewers"][1]["email"] = json!("not-an-address")), "invalid_email", "interviewers[1].email"),
        (with(&|b| b["interviewers"][0] = json!({"name": "Solo"})), "validation_failed", "interviewers[0]"),
        (
            with(&|b| b["interviewers"][0] = json!({"recruiter_id": "00000000-0000-0000-0000-000000000000"})),
            "recruiter_not_found",
            "interviewers",
        ),
        (with(&|b| b["interviewers"][0]["email"] = json!("grace@example.com")), "duplicate_attendee", "interviewers"),
        (
            with(&|b| b["candidate_id"] = json!("00000000-0000-0000-0000-000000000000")),
            "candidate_not_found",
            "candidate_id",
        ),
        (with(&|b| b["title"] = json!("")), "validation_failed", "title"),
    ];
    for (body, code, field) in cases {
        let (status, err) = w.call(Method::POST, "/api/v1/live-interviews", &w.a, Some(body.clone())).await;
        assert_eq!(
            (status, err["code"].as_str(), err["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code), Some(field)),
            "{body}: {err}"
        );
    }
    let (status, err) = w.call(Method::GET, "/api/v1/live-interviews?limit=0", &w.a, None).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("limit")));
    let (status, err) = w
        .call(
            Method::PUT,
            &format!("/api/v1/live-interviews/{}/slot", r.live),
            &w.a,
            Some(json!({"date": "2026-12-10", "time": "10:00", "duration_minutes": 45})),
        )
        .await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unchanged")), "{err}");
}

#[tokio::test]
async fn api_keys_are_listed_created_with_their_secret_once_and_revoked() {
    let w = World::new().await;
    // API keys: list, create (secret once), revoke.
    let created = w.ok(Method::POST, "/api/v1/api-keys", Some(json!({"name": "ATS"})), StatusCode::CREATED).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("slate_k_"));
    let keys = w.ok(Method::GET, "/api/v1/api-keys", None, StatusCode::OK).await;
    assert_eq!(keys.as_array().unwrap().len(), 2);
    assert!(keys.as_array().unwrap().iter().all(|k| k.get("secret").is_none()), "secrets are never listed");
    let (status, _) = w.call(Method::GET, "/api/v1/session", &secret, None).await;
    assert_eq!(status, StatusCode::OK);
    let revoked = w
        .ok(Method::DELETE, &format!("/api/v1/api-keys/{}", created["id"].as_str().unwrap()), None, StatusCode::OK)
        .await;
    assert!(revoked["revoked_at"].is_string());
    let (status, body) = w.call(Method::GET, "/api/v1/session", &secret, None).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));
}

// ---------------------------------------------------------------- failure paths

// Each family of bad input is its own test, so one failure does not hide the rest.

#[tokio::test]
async fn bad_invitations_get_a_stable_code_and_name_the_field() {
    let w = World::new().await;
    let r = w.acme_records().await;
    let draft = w.ok(Method::POST, "/api/v1/interviews", Some(interview_body(None)), StatusCode::CREATED).await;

    let invite = |extra: Value| {
        let mut body = json!({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
                              "interview_id": r.interview, "deadline": "2026-12-15"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases: Vec<(Value, StatusCode, &str, Option<&str>)> = vec![
        (invite(json!({"email": "not-an-email"})), StatusCode::UNPROCESSABLE_ENTITY, "invalid_email", Some("email")),
        (
            invite(json!({"email": "a@b.example\r\nBcc: x@y.example"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_email",
            Some("email"),
        ),
        (
            invite(json!({"deadline": "2026-11-21"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "deadline_in_past",
            Some("deadline"),
        ),
        (
            invite(json!({"deadline": "2030-01-01"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "deadline_too_far",
            Some("deadline"),
        ),
        (
            invite(json!({"deadline": "15/12/2026"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("deadline"),
        ),
        (
            invite(json!({"interview_id": draft["id"]})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "interview_not_published",
            Some("interview_id"),
        ),
        (
            invite(json!({"interview_id": "00000000-0000-0000-0000-00000000dead"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "interview_not_found",
            Some("interview_id"),
        ),
        (
            invite(json!({"language": "klingon"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("language"),
        ),
        (
            invite(json!({"first_name": "   "})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some("first_name"),
        ),
        (invite(json!({"surprise": 1})), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", None),
        (json!({"interview_id": r.interview}), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", Some("deadline")),
        (invite(json!({"email": null})), StatusCode::UNPROCESSABLE_ENTITY, "email_required", Some("email")),
        (
            invite(
                json!({"candidate_id": "00000000-0000-0000-0000-00000000dead", "first_name": null, "last_name": null}),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "candidate_not_found",
            Some("candidate_id"),
        ),
    ];
    for (body, status, code, field) in cases {
        let (got, err) = w.call(Method::POST, "/api/v1/invitations", &w.a, Some(body.clone())).await;
        assert_eq!((got, err["code"].as_str()), (status, Some(code)), "{body} → {err}");
        if let Some(field) = field {
            assert_eq!(err["field"], field, "{body} → {err}");
        }
        assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));
    }

    // Inviting the same address twice while the first is open.
    let first = w.call(Method::POST, "/api/v1/invitations", &w.a, Some(invite(json!({})))).await;
    assert_eq!(first.0, StatusCode::CREATED);
    let (status, err) =
        w.call(Method::POST, "/api/v1/invitations", &w.a, Some(invite(json!({"email": "ADA@example.com"})))).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("already_invited")));
}

#[tokio::test]
async fn bad_interviews_name_the_field_and_stale_or_repeated_changes_conflict() {
    let w = World::new().await;
    let r = w.acme_records().await;
    // Interviews: a bad question names its index; a stale revision conflicts; an archived one refuses edits.
    let mut bad = interview_body(None);
    bad["questions"][1]["prompt"] = json!("");
    let (status, err) = w.call(Method::POST, "/api/v1/interviews", &w.a, Some(bad)).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("questions[1].prompt")));
    let mut bad = interview_body(None);
    bad["questions"][0]["thinking_secs"] = json!(100_000);
    let (status, err) = w.call(Method::POST, "/api/v1/interviews", &w.a, Some(bad)).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("questions[0]")), "{err}");
    let mut bad = interview_body(Some("00000000-0000-0000-0000-00000000dead"));
    bad["name"] = json!("x");
    let (status, err) = w.call(Method::POST, "/api/v1/interviews", &w.a, Some(bad)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("job_not_found")));
    let mut stale = interview_body(None);
    stale["revision"] = json!(99);
    let (status, err) = w.call(Method::PUT, &format!("/api/v1/interviews/{}", r.interview), &w.a, Some(stale)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));
    let (status, err) = w.call(Method::POST, &format!("/api/v1/interviews/{}/publish", r.interview), &w.a, None).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")), "publishing twice");
    let (status, err) = w.call(Method::GET, "/api/v1/interviews?status=deleted", &w.a, None).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")));
}

#[tokio::test]
async fn the_lifecycle_refuses_invitation_actions_and_closes_a_cancelled_link() {
    let w = World::new().await;
    let r = w.acme_records().await;
    // Invitation actions refused by the lifecycle.
    let path = format!("/api/v1/invitations/{}", r.invitation);
    let (status, err) =
        w.call(Method::PUT, &format!("{path}/email"), &w.a, Some(json!({"email": "new@example.com"}))).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_transition")),
        "only bounced addresses are corrected"
    );
    let (status, err) =
        w.call(Method::PUT, &format!("{path}/deadline"), &w.a, Some(json!({"deadline": "2020-01-01"}))).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline_in_past")));
    w.ok(Method::POST, &format!("{path}/cancel"), None, StatusCode::OK).await;
    let (status, err) = w.call(Method::POST, &format!("{path}/cancel"), &w.a, None).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")));
    let (status, err) = w.call(Method::POST, &format!("{path}/resend"), &w.a, None).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("invalid_transition")));

    // The cancelled link is closed; a made-up one is invalid.
    let token = r.link.rsplit('/').next().unwrap();
    let (status, err) = w.call(Method::POST, &format!("/api/v1/links/{token}/open"), "", None).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::GONE, Some("link_closed")),
        "the old link version is revoked: closed (withdrawn), not unknown"
    );
    let (status, err) = w.call(Method::POST, "/api/v1/links/not-a-token/open", "", None).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::NOT_FOUND, Some("invalid_link")));
}

#[tokio::test]
async fn bad_query_parameters_name_the_parameter() {
    let w = World::new().await;
    // Query parameters.
    for (q, field) in [
        ("status=lost", "status"),
        ("sort=age", "sort"),
        ("order=up", "order"),
        ("limit=0", "limit"),
        ("cursor=garbage", "cursor"),
        ("deadline_from=yesterday", "deadline_from"),
        ("job_id=7", "job_id"),
    ] {
        let (status, err) = w.call(Method::GET, &format!("/api/v1/invitations?{q}"), &w.a, None).await;
        assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{q}: {err}");
    }
    let (status, err) = w.call(Method::GET, "/api/v1/candidates?prefix=", &w.a, None).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("prefix")));
}

#[tokio::test]
async fn unknown_ids_and_routes_are_not_found() {
    let w = World::new().await;
    // Unknown and malformed ids, unknown routes.
    for path in
        ["/api/v1/invitations/00000000-0000-0000-0000-00000000dead", "/api/v1/invitations/nope", "/api/v1/nothing"]
    {
        let (status, err) = w.call(Method::GET, path, &w.a, None).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{path}");
    }
}

#[tokio::test]
async fn bodies_that_are_not_json_or_too_large_are_refused() {
    let w = World::new().await;
    // Bodies: not JSON, wrong content type, too large.
    let request = |ct: &str, body: String| {
        Request::post("/api/v1/jobs")
            .header(header::AUTHORIZATION, format!("Bearer {}", w.a))
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap()
    };
    let (status, _, err) = w.send(request("application/json", "{not json".into())).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_json")));
    let (status, _, err) = w.send(request("text/plain", "{}".into())).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("unsupported_media_type")));
    let huge = json!({"title": "x".repeat(2 << 20), "company_name": "Acme"}).to_string();
    let (status, _, err) = w.send(request("application/json", huge)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")));
    let (status, err) =
        w.call(Method::POST, "/api/v1/jobs", &w.a, Some(json!({"title": "x".repeat(201), "company_name": "A"}))).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("title")));
}

#[tokio::test]
async fn without_valid_credentials_everything_is_401() {
    let w = World::new().await;
    let r = w.acme_records().await;
    for (method, path) in endpoints(&r) {
        for key in ["", "slate_k_forged", "slate_s_not-a-key", &format!("{}x", w.a)] {
            let (status, err) = w.call(method.clone(), &path, key, Some(json!({}))).await;
            assert_eq!(
                (status, err["code"].as_str()),
                (StatusCode::UNAUTHORIZED, Some("unauthenticated")),
                "{method} {path} with {key:?}"
            );
        }
    }
}

// ---------------------------------------------------------------- tenancy

/// Every recruiter-side endpoint that names a record, with Acme's ids.
fn endpoints(r: &Records) -> Vec<(Method, String)> {
    let (j, i, c, v, l) = (&r.job, &r.interview, &r.candidate, &r.invitation, &r.live);
    vec![
        (Method::GET, format!("/api/v1/live-interviews/{l}")),
        (Method::PUT, format!("/api/v1/live-interviews/{l}/slot")),
        (Method::POST, format!("/api/v1/live-interviews/{l}/resend")),
        (Method::POST, format!("/api/v1/live-interviews/{l}/cancel")),
        (Method::GET, format!("/api/v1/jobs/{j}")),
        (Method::GET, format!("/api/v1/interviews/{i}")),
        (Method::PUT, format!("/api/v1/interviews/{i}")),
        (Method::POST, format!("/api/v1/interviews/{i}/publish")),
        (Method::POST, format!("/api/v1/interviews/{i}/archive")),
        (Method::GET, format!("/api/v1/interviews/{i}/preview")),
        (Method::GET, format!("/api/v1/candidates/{c}")),
        (Method::GET, format!("/api/v1/candidates/{c}/timeline")),
        (Method::GET, format!("/api/v1/invitations/{v}")),
        (Method::POST, format!("/api/v1/invitations/{v}/resend")),
        (Method::PUT, format!("/api/v1/invitations/{v}/deadline")),
        (Method::PUT, format!("/api/v1/invitations/{v}/email")),
        (Method::POST, format!("/api/v1/invitations/{v}/cancel")),
        (Method::GET, format!("/api/v1/invitations/{v}/messages")),
        (Method::GET, format!("/api/v1/invitations/{v}/answers")),
        (Method::GET, format!("/api/v1/invitations/{v}/review")),
    ]
}

#[tokio::test]
async fn another_organization_gets_404_from_every_endpoint_and_sees_nothing() {
    let w = World::new().await;
    let r = w.acme_records().await;
    let bodies = |path: &str| -> Option<Value> {
        if path.ends_with("/deadline") {
            Some(json!({"deadline": "2026-12-20"}))
        } else if path.ends_with("/email") {
            Some(json!({"email": "x@example.com"}))
        } else if path.ends_with("/slot") {
            Some(json!({"date": "2026-12-11", "time": "09:00", "duration_minutes": 30}))
        } else {
            Some(interview_body(None))
        }
    };
    for (method, path) in endpoints(&r) {
        let body = if method == Method::PUT { bodies(&path) } else { None };
        let (status, err) = w.call(method.clone(), &path, &w.b, body).await;
        assert_eq!(
            (status, err["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{method} {path}: {err}"
        );
    }
    // Beta cannot revoke Acme's key either.
    let acme_keys = w.ok(Method::GET, "/api/v1/api-keys", None, StatusCode::OK).await;
    let (status, _) =
        w.call(Method::DELETE, &format!("/api/v1/api-keys/{}", acme_keys[0]["id"].as_str().unwrap()), &w.b, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Inviting to Acme's interview, or Acme's candidate, from Beta.
    let (status, err) = w
        .call(
            Method::POST,
            "/api/v1/invitations",
            &w.b,
            Some(json!({"candidate_id": r.candidate, "interview_id": r.interview, "deadline": "2026-12-15"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(["candidate_not_found", "interview_not_found"].contains(&err["code"].as_str().unwrap()));
    let (status, err) = w.call(Method::POST, "/api/v1/interviews", &w.b, Some(interview_body(Some(&r.job)))).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("job_not_found")));
    // Lists are empty for Beta.
    for path in ["/api/v1/jobs", "/api/v1/interviews", "/api/v1/candidates?prefix=hop", "/api/v1/live-interviews"] {
        let (status, list) = w.call(Method::GET, path, &w.b, None).await;
        assert_eq!((status, list.as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{path}");
    }
    let (_, page) = w.call(Method::GET, "/api/v1/invitations", &w.b, None).await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(0));
    let (_, keys) = w.call(Method::GET, "/api/v1/api-keys", &w.b, None).await;
    assert_eq!(keys.as_array().map(Vec::len), Some(1), "only Beta's own key");
    // And nothing of Acme's changed.
    let inv = w.ok(Method::GET, &format!("/api/v1/invitations/{}", r.invitation), None, StatusCode::OK).await;
    assert_eq!((inv["status"].as_str(), inv["deadline"].as_str()), (Some("queued"), Some("2026-12-15")));
    let kinds: Vec<_> = w.memory.store.all_messages().iter().map(|m| m.kind).collect();
    assert_eq!(kinds.iter().filter(|k| !k.is_live()).count(), 1, "no resend was queued: {kinds:?}");
    assert_eq!(kinds.len(), 4, "nor any live interview message beyond the three invites: {kinds:?}");
}

// ---------------------------------------------------------------- sessions and CSRF

async fn log_in(w: &World, email: &str, password: &str) -> (StatusCode, axum::http::HeaderMap, Value) {
    w.send(
        Request::post("/api/v1/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({"email": email, "password": password}).to_string()))
            .unwrap(),
    )
    .await
}

fn with_cookie(method: Method, path: &str, cookie: &str, csrf: Option<&str>, body: Option<Value>) -> Request<Body> {
    let mut r = Request::builder().method(method).uri(path).header(header::COOKIE, cookie);
    if let Some(t) = csrf {
        r = r.header("x-csrf-token", t);
    }
    match body {
        Some(b) => r.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())).unwrap(),
        None => r.body(Body::empty()).unwrap(),
    }
}

#[tokio::test]
async fn login_csrf_and_logout() {
    let w = World::new().await;
    let (status, _, err) = log_in(&w, "rita@acme.example", "wrong password!").await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_credentials")));
    let (status, _, err) = log_in(&w, "nobody@acme.example", "correct horse battery").await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_credentials")),
        "unknown emails look the same"
    );
    let (status, _, err) = log_in(&w, "not an email", "correct horse battery").await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("email")));

    let (status, headers, body) = log_in(&w, "rita@acme.example", "correct horse battery").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let set_cookie = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_owned();
    // Served over https: a __Host- cookie, Secure, HttpOnly, SameSite.
    assert!(set_cookie.starts_with("__Host-slate_session=slate_s_"), "{set_cookie}");
    for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(set_cookie.contains(attribute), "{attribute} in {set_cookie}");
    }
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let csrf = body["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(body["recruiter"]["email"], "rita@acme.example");

    // Reading needs no token; the session endpoint returns it again.
    let (status, _, me) = w.send(with_cookie(Method::GET, "/api/v1/session", &cookie, None, None)).await;
    assert_eq!((status, me["csrf_token"].as_str()), (StatusCode::OK, Some(csrf.as_str())));

    // Changing state with the cookie alone (a cross-site form) is refused, and nothing is written.
    let job = json!({"title": "Designer", "company_name": "Acme"});
    for token in [None, Some("wrong"), Some("")] {
        let (status, _, err) =
            w.send(with_cookie(Method::POST, "/api/v1/jobs", &cookie, token, Some(job.clone()))).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::FORBIDDEN, Some("csrf_failed")), "{token:?}");
    }
    let (_, jobs) = w.call(Method::GET, "/api/v1/jobs", &w.a, None).await;
    assert_eq!(jobs.as_array().map(Vec::len), Some(0));
    // Another session's token does not fit this one.
    let (_, _, other) = log_in(&w, "olga@beta.example", "correct horse battery").await;
    let (status, _, _) = w
        .send(with_cookie(Method::POST, "/api/v1/jobs", &cookie, other["csrf_token"].as_str(), Some(job.clone())))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // With the right token it works.
    let (status, _, created) = w.send(with_cookie(Method::POST, "/api/v1/jobs", &cookie, Some(&csrf), Some(job))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");

    // Logging out needs the token too, ends the session and clears the cookie.
    let (status, _, _) = w.send(with_cookie(Method::DELETE, "/api/v1/session", &cookie, None, None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, headers, _) = w.send(with_cookie(Method::DELETE, "/api/v1/session", &cookie, Some(&csrf), None)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let cleared = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cleared.starts_with("__Host-slate_session=;") && cleared.contains("Max-Age=0"), "{cleared}");
    let (status, _, err) = w.send(with_cookie(Method::GET, "/api/v1/session", &cookie, None, None)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));
    // A session secret is no API key, and an API key is no cookie.
    let secret = cookie.split_once('=').unwrap().1.to_owned();
    let (status, _) = w.call(Method::GET, "/api/v1/session", &secret, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) =
        w.send(with_cookie(Method::GET, "/api/v1/session", &format!("__Host-slate_session={}", w.a), None, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Log out everywhere: two browsers of Rita's end, Olga's stays.
    let browser =
        |h: &axum::http::HeaderMap| h[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let (_, h1, b1) = log_in(&w, "rita@acme.example", "correct horse battery").await;
    let (_, h2, _) = log_in(&w, "rita@acme.example", "correct horse battery").await;
    let (_, h3, _) = log_in(&w, "olga@beta.example", "correct horse battery").await;
    let (one, two, olgas) = (browser(&h1), browser(&h2), browser(&h3));
    let csrf1 = b1["csrf_token"].as_str().unwrap().to_owned();
    let (status, _, _) = w.send(with_cookie(Method::DELETE, "/api/v1/sessions", &one, None, None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "needs the CSRF token like any change");
    let (status, _, _) = w.send(with_cookie(Method::DELETE, "/api/v1/sessions", &one, Some(&csrf1), None)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for c in [&one, &two] {
        assert_eq!(
            w.send(with_cookie(Method::GET, "/api/v1/session", c, None, None)).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(w.send(with_cookie(Method::GET, "/api/v1/session", &olgas, None, None)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn plain_http_cookies_are_not_secure() {
    let w = World::with(HttpConfig { public_url: "http://127.0.0.1:8080".into(), ..HttpConfig::default() }).await;
    let (_, headers, _) = log_in(&w, "rita@acme.example", "correct horse battery").await;
    let set_cookie = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(set_cookie.starts_with("slate_session=") && !set_cookie.contains("Secure"), "{set_cookie}");
}

// ---------------------------------------------------------------- limits

fn from(ip: [u8; 4], mut r: Request<Body>) -> Request<Body> {
    r.extensions_mut().insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    r
}

#[tokio::test]
async fn logins_and_candidate_links_are_rate_limited_per_address() {
    let w = World::with(HttpConfig { login_per_minute: 3, links_per_minute: 2, ..HttpConfig::default() }).await;
    let attempt = || {
        Request::post("/api/v1/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({"email": "rita@acme.example", "password": "guess guess guess"}).to_string()))
            .unwrap()
    };
    for _ in 0..3 {
        let (status, _, _) = w.send(from([10, 0, 0, 1], attempt())).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, headers, err) = w.send(from([10, 0, 0, 1], attempt())).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")));
    let retry = headers.get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    assert!(retry.is_some_and(|s| (1..=60).contains(&s)), "429 carries Retry-After: {headers:?}");
    // Another address is not affected.
    let (status, _, _) = w.send(from([10, 0, 0, 2], attempt())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let open = || Request::post("/api/v1/links/guessing/open").body(Body::empty()).unwrap();
    for _ in 0..2 {
        assert_eq!(w.send(from([10, 0, 0, 3], open())).await.0, StatusCode::NOT_FOUND);
    }
    assert_eq!(w.send(from([10, 0, 0, 3], open())).await.0, StatusCode::TOO_MANY_REQUESTS);

    let (_, _, metrics) = w.send(Request::get("/metrics").body(Body::empty()).unwrap()).await;
    let metrics = metrics.as_str().unwrap().to_owned();
    assert!(metrics.contains(r#"slate_rate_limited_total{limit="login"} 1"#), "{metrics}");
    assert!(metrics.contains(r#"slate_rate_limited_total{limit="link"} 1"#), "{metrics}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_last_forwarded_address_counts() {
    let w = World::with(HttpConfig { login_per_minute: 1, trust_forwarded_for: true, ..HttpConfig::default() }).await;
    let attempt = |xff: &str| {
        from(
            [127, 0, 0, 1],
            Request::post("/api/v1/session")
                .header(header::CONTENT_TYPE, "application/json")
                .header("x-forwarded-for", xff)
                .body(Body::from(json!({"email": "rita@acme.example", "password": "guess guess guess"}).to_string()))
                .unwrap(),
        )
    };
    assert_eq!(w.send(attempt("1.1.1.1, 203.0.113.9")).await.0, StatusCode::UNAUTHORIZED);
    // A client forging the left part is still the proxy-reported 203.0.113.9.
    assert_eq!(w.send(attempt("9.9.9.9, 203.0.113.9")).await.0, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(w.send(attempt("203.0.113.10")).await.0, StatusCode::UNAUTHORIZED);
}

// ---------------------------------------------------------------- documentation and operations

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint_and_the_reference_page_renders_it() {
    let w = World::new().await;
    let r = w.acme_records().await;
    let (status, _, doc) = w.send(Request::get("/api/v1/openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let mut expected = endpoints(&r)
        .into_iter()
        .map(|(m, p)| {
            (
                m,
                p.replace(&r.job, "{id}")
                    .replace(&r.interview, "{id}")
                    .replace(&r.candidate, "{id}")
                    .replace(&r.invitation, "{id}")
                    .replace(&r.live, "{id}"),
            )
        })
        .collect::<Vec<_>>();
    for (m, p) in [
        (Method::POST, "/api/v1/session"),
        (Method::GET, "/api/v1/session"),
        (Method::DELETE, "/api/v1/session"),
        (Method::DELETE, "/api/v1/sessions"),
        (Method::GET, "/api/v1/api-keys"),
        (Method::POST, "/api/v1/api-keys"),
        (Method::DELETE, "/api/v1/api-keys/{id}"),
        (Method::GET, "/api/v1/jobs"),
        (Method::POST, "/api/v1/jobs"),
        (Method::GET, "/api/v1/interviews"),
        (Method::POST, "/api/v1/interviews"),
        (Method::GET, "/api/v1/candidates"),
        (Method::POST, "/api/v1/candidates"),
        (Method::GET, "/api/v1/invitations"),
        (Method::POST, "/api/v1/invitations"),
        (Method::POST, "/api/v1/links/{token}/open"),
        (Method::GET, "/api/v1/templates"),
        (Method::POST, "/api/v1/templates"),
        (Method::POST, "/api/v1/templates/preview"),
        (Method::GET, "/api/v1/templates/{kind}/{language}"),
        (Method::PUT, "/api/v1/templates/{kind}/{language}"),
        (Method::DELETE, "/api/v1/templates/{kind}/{language}"),
        (Method::GET, "/api/v1/mailbox"),
        (Method::GET, "/api/v1/mailbox/{id}"),
        (Method::GET, "/api/v1/invitations/{id}/answers/{answer}/video"),
        (Method::POST, "/api/v1/invitations/{id}/review/ratings"),
        (Method::POST, "/api/v1/invitations/{id}/review/comments"),
        (Method::POST, "/api/v1/invitations/{id}/review/decision"),
        (Method::GET, "/api/v1/funnel"),
        (Method::GET, "/api/v1/organization"),
        (Method::PUT, "/api/v1/organization"),
        (Method::GET, "/api/v1/live-interviews"),
        (Method::POST, "/api/v1/live-interviews"),
        (Method::GET, "/api/v1/attendee-links/{token}"),
        (Method::POST, "/api/v1/attendee-links/{token}/confirm"),
        (Method::POST, "/api/v1/attendee-links/{token}/decline"),
        (Method::POST, "/api/v1/live-interviews/preview"),
    ] {
        expected.push((m, p.to_owned()));
    }
    // Parameters sit where they are: every `in: path` one is in its template and every
    // template variable is a path parameter; the rest are query parameters.
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for p in &params {
                let (name, place) = (p["name"].as_str().unwrap(), p["in"].as_str().unwrap());
                if place == "path" {
                    assert!(path.contains(&format!("{{{name}}}")), "{method} {path}: `{name}` is no path parameter");
                }
            }
            for var in path.split('{').skip(1).filter_map(|s| s.split('}').next()) {
                assert!(
                    params.iter().any(|p| p["name"] == var && p["in"] == "path"),
                    "{method} {path}: `{var}` is not declared as a path parameter"
                );
            }
        }
    }
    let list = &paths["/api/v1/invitations"]["get"]["parameters"];
    assert!(list.as_array().unwrap().iter().any(|p| p["name"] == "status" && p["in"] == "query"), "{list}");
    for (method, path) in &expected {
        let op = &paths.get(path).unwrap_or_else(|| panic!("{path} missing"))[method.as_str().to_lowercase()];
        assert!(op.is_object(), "{method} {path} undocumented");
        assert!(
            op["responses"].as_object().is_some_and(|r| r.len() >= 2),
            "{method} {path}: success and failure documented"
        );
    }
    assert_eq!(
        expected.len(),
        paths.values().map(|p| p.as_object().unwrap().len()).sum::<usize>(),
        "no undocumented extras"
    );
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
    assert!(doc["components"]["schemas"]["InvitationDto"]["properties"]["closes_at"].is_object());

    let (status, _, page) = w.send(Request::get("/api/docs").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let page = page.as_str().unwrap();
    assert!(
        page.contains("<code>/api/v1/invitations/{id}/resend</code>") && page.contains("id=\"schema-InvitationDto\"")
    );
    assert!(!page.contains("<script"), "no scripts, nothing from a CDN");
    // descriptions are Markdown, rendered: no raw backticks left in the prose
    assert!(page.contains("<code>X-CSRF-Token</code>"), "the API description's code spans are rendered");
    assert!(!page.contains("`X-CSRF-Token`"), "no raw Markdown");
}

/// Generated clients trust the document, so it must be valid OpenAPI 3.1: checked by the
/// reference validator (`openapi-spec-validator` from PyPI), which `./scripts/test` installs
/// and names in `SLATE_TEST_OPENAPI_VALIDATOR`.
#[tokio::test]
async fn the_openapi_document_is_valid_openapi_3_1() {
    let validator = std::env::var("SLATE_TEST_OPENAPI_VALIDATOR").expect(
        "SLATE_TEST_OPENAPI_VALIDATOR must name the openapi-spec-validator program (./scripts/test installs one)",
    );
    let w = World::new().await;
    let (status, _, doc) = w.send(Request::get("/api/v1/openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let file = std::env::temp_dir().join(format!("slate-openapi-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    let out = std::process::Command::new(&validator).arg("--schema").arg("3.1").arg(&file).output();
    std::fs::remove_file(&file).unwrap();
    let out = out.unwrap_or_else(|e| panic!("cannot run {validator}: {e}"));
    assert!(
        out.status.success(),
        "the OpenAPI document is invalid:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let w = World::new().await;
    let r = w.acme_records().await;
    let (status, _, body) = w.send(Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (status, _, body) = w.send(Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ready")));
    w.call(Method::GET, "/api/v1/invitations/00000000-0000-0000-0000-00000000dead", &w.a, None).await;
    // a read naming the real invitation: its id must not become a label
    w.ok(Method::GET, &format!("/api/v1/invitations/{}", r.invitation), None, StatusCode::OK).await;
    let (status, headers, body) = w.send(Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/openmetrics-text"));
    let text = body.as_str().unwrap();
    assert!(
        text.contains(r#"slate_http_requests_total{method="POST",route="/api/v1/invitations",status="201"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"route="/api/v1/invitations/{id}",status="404"} 1"#), "{text}");
    assert!(text.contains("slate_http_request_duration_seconds_bucket"), "{text}");
    assert!(text.contains("slate_outbox_depth 4"), "the queued invitation email and three live invites: {text}");
    assert!(text.contains(r#"route="/api/v1/invitations/{id}",status="200"} 1"#), "{text}");
    assert!(!text.contains(&r.invitation), "ids never become labels");
}

#[tokio::test]
async fn resends_are_limited_per_invitation() {
    let w = World::with(HttpConfig {
        public_url: "https://slate.example".into(),
        resends_per_hour: 2,
        ..HttpConfig::default()
    })
    .await;
    let r = w.acme_records().await;
    let path = format!("/api/v1/invitations/{}/resend", r.invitation);
    for _ in 0..2 {
        w.ok(Method::POST, &path, None, StatusCode::OK).await;
    }
    let (status, headers, body) = w
        .send(
            Request::post(&path).header(header::AUTHORIZATION, format!("Bearer {}", w.a)).body(Body::empty()).unwrap(),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")));
    assert!(headers[header::RETRY_AFTER].to_str().unwrap().parse::<u64>().unwrap() > 0);
    assert_eq!(w.slate_messages(&r.invitation).await, 3, "the invitation and two resends, no more");
    // another organization's attempts use their own allowance (and find nothing)
    let (status, _) = w.call(Method::POST, &path, &w.b, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metrics_can_require_a_bearer_token_and_every_answer_carries_a_request_id() {
    let w = World::with(HttpConfig {
        public_url: "https://slate.example".into(),
        metrics_token: Some("scrape-me-please".into()),
        ..HttpConfig::default()
    })
    .await;
    let metrics = |auth: Option<&str>| {
        let mut r = Request::get("/metrics");
        if let Some(a) = auth {
            r = r.header(header::AUTHORIZATION, a);
        }
        r.body(Body::empty()).unwrap()
    };
    let (status, _, body) = w.send(metrics(None)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")));
    assert_eq!(w.send(metrics(Some("Bearer wrong"))).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(w.send(metrics(Some("Bearer scrape-me-please"))).await.0, StatusCode::OK);

    // a request id on every answer: fresh ones differ, a sane one from a proxy is kept, a
    // forged one (that could break log lines) is replaced
    let (_, h1, _) = w.send(Request::get("/healthz").body(Body::empty()).unwrap()).await;
    let (_, h2, _) = w.send(Request::get("/healthz").body(Body::empty()).unwrap()).await;
    let (a, b) = (h1["x-request-id"].to_str().unwrap(), h2["x-request-id"].to_str().unwrap());
    assert!(a.len() >= 16 && a != b, "{a} {b}");
    let with = |id: &str| Request::get("/healthz").header("x-request-id", id).body(Body::empty()).unwrap();
    assert_eq!(w.send(with("edge-42_a")).await.1["x-request-id"], "edge-42_a");
    assert_ne!(w.send(with("a b\" c")).await.1["x-request-id"], "a b\" c");
}

#[tokio::test]
async fn templates_are_listed_checked_saved_previewed_and_reset() {
    let w = World::new().await;
    let (status, all) = w.call(Method::GET, "/api/v1/templates", &w.a, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(all.as_array().unwrap().len(), 12 * 9, "every kind in every language");
    assert!(all.as_array().unwrap().iter().all(|t| t["source"] == "default"));

    let bad = json!({"kind": "invitation", "language": "de", "subject": "Hallo", "body": "{{candidate.vorname}} {{interview.link}}"});
    let (status, err) = w.call(Method::POST, "/api/v1/templates", &w.a, Some(bad)).await;
    assert_eq!(
        (status, err["code"].as_str(), err["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_placeholder"), Some("body"))
    );
    assert!(err["message"].as_str().unwrap().contains("{{candidate.vorname}}"), "{err}");
    let no_link = json!({"kind": "invitation", "language": "de", "subject": "Hallo", "body": "Kein Link"});
    let (status, err) = w.call(Method::POST, "/api/v1/templates", &w.a, Some(no_link)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("missing_placeholder")));
    let (status, err) = w.call(Method::GET, "/api/v1/templates/invitation/xx", &w.a, None).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("language")));

    let good = json!({"kind": "invitation", "language": "de", "subject": "Einladung: {{job.title}}", "body": "Hallo {{candidate.first_name}},\n\n{{interview.link}}"});
    let (status, created) = w.call(Method::POST, "/api/v1/templates", &w.a, Some(good.clone())).await;
    assert_eq!(
        (status, created["source"].as_str(), created["revision"].as_u64()),
        (StatusCode::CREATED, Some("custom"), Some(0))
    );
    let (status, err) = w.call(Method::POST, "/api/v1/templates", &w.a, Some(good)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("already_exists")));
    let update = json!({"subject": "Einladung zu {{interview.name}}", "body": "Hallo {{candidate.first_name}}: {{interview.link}}", "revision": 0});
    let (status, updated) = w.call(Method::PUT, "/api/v1/templates/invitation/de", &w.a, Some(update.clone())).await;
    assert_eq!((status, updated["revision"].as_u64()), (StatusCode::OK, Some(1)));
    let (status, _) = w.call(Method::PUT, "/api/v1/templates/invitation/de", &w.a, Some(update)).await;
    assert_eq!(status, StatusCode::CONFLICT, "stale revision");
    let (_, other) = w.call(Method::GET, "/api/v1/templates/invitation/de", &w.b, None).await;
    assert_eq!(other["source"], "default", "another organization keeps the default");

    let preview = json!({"kind": "invitation", "language": "de"});
    let (status, p) = w.call(Method::POST, "/api/v1/templates/preview", &w.a, Some(preview)).await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["subject"], "Einladung zu First interview");
    assert!(p["text"].as_str().unwrap().starts_with("Hallo Ada: https://slate.example/i/"), "{p}");
    let (status, reset) = w.call(Method::DELETE, "/api/v1/templates/invitation/de", &w.a, None).await;
    assert_eq!((status, reset["source"].as_str()), (StatusCode::OK, Some("default")));
    let (status, _) = w.call(Method::DELETE, "/api/v1/templates/invitation/de", &w.a, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, page) = w.call(Method::GET, "/api/v1/mailbox", &w.a, None).await;
    assert_eq!((status, page["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
    let (status, _) = w.call(Method::GET, &format!("/api/v1/mailbox/{}", uuid::Uuid::nil()), &w.a, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_edge_answers_every_method_and_error_in_json_with_safe_headers() {
    let w = World::new().await;
    // 405 with the documented JSON body (it was empty).
    let response = w
        .app
        .clone()
        .oneshot(Request::builder().method(Method::OPTIONS).uri("/api/v1/jobs").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let headers = response.headers().clone();
    let body: Value =
        serde_json::from_slice(&axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"code": "method_not_allowed", "message": "this endpoint does not answer that method", "field": null})
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");

    // `field` is always there, null when no field is at fault.
    let (status, err) = w.call(Method::GET, "/api/v1/jobs/00000000-0000-0000-0000-000000000000", &w.a, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(err.as_object().unwrap().contains_key("field") && err["field"].is_null(), "{err}");

    // API answers (sessions, CSRF tokens, candidate links) are never cached.
    let request = Request::builder()
        .uri("/api/v1/invitations")
        .header(header::AUTHORIZATION, format!("Bearer {}", w.a))
        .body(Body::empty())
        .unwrap();
    let (_, headers, _) = w.send(request).await;
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");

    // HTML pages: no third-party anything, no framing, no referrer.
    let response =
        w.app.clone().oneshot(Request::builder().uri("/api/docs").body(Body::empty()).unwrap()).await.unwrap();
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn bodies_are_objects_and_dates_are_exactly_yyyy_mm_dd() {
    let w = World::new().await;
    let (status, err) = w.call(Method::POST, "/api/v1/jobs", &w.a, Some(json!(["Backend engineer", "Acme"]))).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")), "{err}");
    assert!(err["message"].as_str().unwrap().contains("JSON object"), "{err}");
    let (status, _) = w.call(Method::GET, "/api/v1/jobs", &w.a, None).await;
    assert_eq!(status, StatusCode::OK);
    let r = w.acme_records().await;
    for bad in ["2026-1-05", "+2026-12-20", "2026-12-20T00:00:00Z", " 2026-12-20", "20261220", "2026-02-30"] {
        let (status, err) = w
            .call(
                Method::PUT,
                &format!("/api/v1/invitations/{}/deadline", r.invitation),
                &w.a,
                Some(json!({"deadline": bad})),
            )
            .await;
        assert_eq!(
            (status, err["code"].as_str(), err["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed"), Some("deadline")),
            "{bad:?}: {err}"
        );
    }
    let (status, ok) = w
        .call(
            Method::PUT,
            &format!("/api/v1/invitations/{}/deadline", r.invitation),
            &w.a,
            Some(json!({"deadline": "2026-12-20"})),
        )
        .await;
    assert_eq!((status, ok["deadline"].as_str()), (StatusCode::OK, Some("2026-12-20")));
}

#[tokio::test]
async fn reviews_funnels_and_settings_through_the_api() {
    let w = World::new().await;
    let r = w.acme_records().await;
    let v = &r.invitation;
    let iv = w.ok(Method::GET, &format!("/api/v1/interviews/{}", r.interview), None, StatusCode::OK).await;
    let q = iv["questions"][0]["id"].as_str().unwrap().to_owned();

    // Nothing answered yet: a rating is refused with a stable code; bad values name the field.
    let (status, err) = w
        .call(
            Method::POST,
            &format!("/api/v1/invitations/{v}/review/ratings"),
            &w.a,
            Some(json!({"question_id": q, "rating": 4})),
        )
        .await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("not_answered")), "{err}");
    let (status, err) = w
        .call(
            Method::POST,
            &format!("/api/v1/invitations/{v}/review/ratings"),
            &w.a,
            Some(json!({"question_id": q, "rating": 6})),
        )
        .await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("rating")), "{err}");
    let (status, err) = w
        .call(
            Method::POST,
            &format!("/api/v1/invitations/{v}/review/decision"),
            &w.a,
            Some(json!({"decision": "maybe"})),
        )
        .await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("decision")), "{err}");

    // Comments and decisions: appended, the latest decision counts, on the timeline.
    w.ok(
        Method::POST,
        &format!("/api/v1/invitations/{v}/review/comments"),
        Some(json!({"text": "Strong CV."})),
        StatusCode::CREATED,
    )
    .await;
    w.ok(
        Method::POST,
        &format!("/api/v1/invitations/{v}/review/decision"),
        Some(json!({"decision": "hold"})),
        StatusCode::CREATED,
    )
    .await;
    let review = w
        .ok(
            Method::POST,
            &format!("/api/v1/invitations/{v}/review/decision"),
            Some(json!({"decision": "advance"})),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(review["decision"], "advance");
    let read = w.ok(Method::GET, &format!("/api/v1/invitations/{v}/review"), None, StatusCode::OK).await;
    let kinds: Vec<&str> = read["notes"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["comment", "decision", "decision"]);
    assert_eq!(read["notes"][0]["text"], "Strong CV.");
    let timeline =
        w.ok(Method::GET, &format!("/api/v1/candidates/{}/timeline", r.candidate), None, StatusCode::OK).await;
    let decisions: Vec<&Value> = timeline
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "decision_recorded")
        .map(|e| &e["details"]["decision"])
        .collect();
    assert_eq!(decisions, [&json!("hold"), &json!("advance")]);
    let (status, _) = w
        .call(
            Method::POST,
            &format!("/api/v1/invitations/{v}/review/decision"),
            &w.b,
            Some(json!({"decision": "reject"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another organization cannot decide");

    // The funnel, by scope, only the caller's organization.
    let all = w.ok(Method::GET, "/api/v1/funnel", None, StatusCode::OK).await;
    assert_eq!((all["invited"].as_u64(), all["opened"].as_u64()), (Some(1), Some(0)));
    let by_job = w.ok(Method::GET, &format!("/api/v1/funnel?job_id={}", r.job), None, StatusCode::OK).await;
    assert_eq!(by_job, all);
    let (_, theirs) = w.call(Method::GET, "/api/v1/funnel", &w.b, None).await;
    assert_eq!(theirs["invited"], 0);
    let (status, _) =
        w.call(Method::GET, &format!("/api/v1/funnel?job_id={}&interview_id={}", r.job, r.interview), &w.a, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Settings: read, changed, refused by field.
    let mut settings = w.ok(Method::GET, "/api/v1/organization", None, StatusCode::OK).await;
    assert_eq!(settings["remind_not_started_days"], 2);
    settings["time_zone"] = json!("America/New_York");
    settings["remind_days_before_deadline"] = Value::Null;
    let saved = w.ok(Method::PUT, "/api/v1/organization", Some(settings.clone()), StatusCode::OK).await;
    assert_eq!(
        (saved["time_zone"].as_str(), &saved["remind_days_before_deadline"]),
        (Some("America/New_York"), &Value::Null)
    );
    settings["time_zone"] = json!("Mars/Olympus");
    let (status, err) = w.call(Method::PUT, "/api/v1/organization", &w.a, Some(settings)).await;
    assert_eq!((status, err["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("time_zone")));
    let (_, beta) = w.call(Method::GET, "/api/v1/organization", &w.b, None).await;
    assert_eq!(beta["time_zone"], "Europe/Athens", "another organization's settings untouched");
}
