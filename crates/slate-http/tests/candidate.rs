//! The candidate's side over HTTP, on the in-memory adapters: the link page, consent, the
//! recorder page, tus uploads with every refusal, answers, submission and closed links. (The
//! same journey in a real browser is `tests/tests/browser.rs`.)

#![expect(clippy::unwrap_used, reason = "test program: a panic is a failure")]

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use base64::Engine as _;
use sha1::Digest as _;
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
    slate: Slate,
    app: Router,
    caller: Caller,
    interview: InterviewId,
}

impl World {
    async fn new() -> Self {
        let memory = InMemory::new("2026-11-22T09:00:00Z".parse().unwrap());
        let settings = Settings {
            public_url: PublicUrl::parse("https://slate.example").unwrap(),
            max_answer_bytes: 1 << 20,
            ..Settings::default()
        };
        let slate = Slate::new(memory.ports(), settings);
        let (org, rec) = slate.create_account(fixtures::account("Acme", "Rita", "rita@acme.example")).await.unwrap();
        let caller = Caller { organization_id: org.id, recruiter_id: rec.id };
        let mut input = fixtures::interview("First round", &["Tell us about yourself.", "Why us?"]);
        input.details.intro = LongText::parse("Welcome to <Acme>!").unwrap();
        for q in &mut input.questions {
            (q.thinking_secs, q.max_answer_secs) = (5, 60);
        }
        input.questions[0].retakes = 1;
        let draft = slate.create_interview(caller, input).await.unwrap();
        slate.publish_interview(caller, draft.id()).await.unwrap();
        let app = slate_http::router(AppState::new(
            slate.clone(),
            Arc::new(Ready),
            HttpConfig { public_url: "https://slate.example".into(), ..HttpConfig::default() },
        ));
        Self { memory, slate, app, caller, interview: draft.id() }
    }

    async fn invite(&self, email: &str, language: Language) -> (Invitation, String) {
        let invite = InviteExternal {
            language: Some(language),
            notify_me: true,
            ..fixtures::external("Grace", "Hopper", email, self.interview, "2026-12-15")
        };
        let invitation = self.slate.invite_external(self.caller, invite).await.unwrap();
        let token = self.slate.link_token(&invitation).expose().to_owned();
        (invitation, token)
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    /// Arrives through the link; returns the cookie the browser then holds.
    async fn arrive(&self, token: &str) -> String {
        let (status, headers, _) = self.send(get(&format!("/i/{token}"), None)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let cookie = headers[header::SET_COOKIE].to_str().unwrap();
        cookie.split(';').next().unwrap().to_owned()
    }
}

fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut r = Request::builder().uri(path);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.body(Body::empty()).unwrap()
}

fn tus(method: Method, path: &str, cookie: &str, headers: &[(&str, String)], body: Vec<u8>) -> Request<Body> {
    let mut r =
        Request::builder().method(method).uri(path).header(header::COOKIE, cookie).header("tus-resumable", "1.0.0");
    for (k, v) in headers {
        r = r.header(*k, v);
    }
    r.body(Body::from(body)).unwrap()
}

fn patch(path: &str, cookie: &str, offset: u64, body: &[u8]) -> Request<Body> {
    tus(
        Method::PATCH,
        path,
        cookie,
        &[("content-type", "application/offset+octet-stream".into()), ("upload-offset", offset.to_string())],
        body.to_vec(),
    )
}

fn create(inv: InvitationId, cookie: &str, question: QuestionId, length: usize) -> Request<Body> {
    let meta = format!("question {}", base64::engine::general_purpose::STANDARD.encode(question.as_uuid().to_string()));
    tus(
        Method::POST,
        &format!("/c/{inv}/uploads"),
        cookie,
        &[("upload-length", length.to_string()), ("upload-metadata", meta)],
        vec![],
    )
}

fn webm(len: usize) -> Vec<u8> {
    let mut v: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
    v[..4].copy_from_slice(&[0x1A, 0x45, 0xDF, 0xA3]);
    v
}

fn events(w: &World, invitation: InvitationId) -> Vec<&'static str> {
    w.memory.store.all_events().iter().filter(|e| e.invitation_id == Some(invitation)).map(|e| e.kind.name()).collect()
}

#[tokio::test]
async fn a_candidate_arrives_consents_uploads_answers_and_submits() {
    let w = World::new().await;
    let (inv, token) = w.invite("grace@example.com", Language::English).await;
    let id = inv.id();

    // The link: a redirect that moves the secret into a cookie for this invitation only,
    // and changes nothing (mail scanners open links too).
    let (status, headers, _) = w.send(get(&format!("/i/{token}"), None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], format!("/c/{id}").as_str(), "the secret leaves the address bar");
    let set = headers[header::SET_COOKIE].to_str().unwrap();
    for part in [format!("Path=/c/{id}"), "HttpOnly".into(), "SameSite=Lax".into(), "Secure".into()] {
        assert!(set.contains(&part), "{set}");
    }
    assert_eq!(events(&w, id), ["invited"], "a GET records nothing");
    let cookie = w.arrive(&token).await;

    // The landing page, in the invitation's language, everything escaped.
    let (status, headers, html) = w.send(get(&format!("/c/{id}"), Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Hello Grace") && html.contains("Acme") && html.contains("Welcome to &#60;Acme&#62;!"),
        "{html}"
    );
    assert!(html.contains("December") && html.contains("Europe/Athens"), "deadline with its zone");
    assert!(!html.contains(&token), "the secret is not in the page");
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("http"), "{csp}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(events(&w, id), ["invited"], "looking records nothing");

    // Without the cookie, or with another invitation's path, nothing is shown.
    assert_eq!(w.send(get(&format!("/c/{id}"), None)).await.0, StatusCode::NOT_FOUND);

    // Consent is required, then recorded with Opened.
    let form = |body: &str| {
        Request::builder()
            .method(Method::POST)
            .uri(format!("/c/{id}/start"))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let (status, _, html) = w.send(form("")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("consent-error"));
    let mut cross = form("consent=yes");
    cross.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(w.send(cross).await.0, StatusCode::FORBIDDEN, "another site cannot start it");
    let (status, headers, _) = w.send(form("consent=yes")).await;
    assert_eq!(
        (status, headers[header::LOCATION].to_str().unwrap()),
        (StatusCode::SEE_OTHER, format!("/c/{id}/interview").as_str())
    );
    assert_eq!(events(&w, id), ["invited", "consent_given", "opened"]);

    // The recorder page carries the questions for the script, safely embedded.
    let (status, _, html) = w.send(get(&format!("/c/{id}/interview"), Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    let q0 = inv.interview().questions[0].id();
    let q1 = inv.interview().questions[1].id();
    assert!(html.contains(&q0.as_uuid().to_string()) && html.contains("page-js-question"));

    // tus: what the server supports
    let (status, headers, _) = w.send(tus(Method::OPTIONS, &format!("/c/{id}/uploads"), &cookie, &[], vec![])).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(headers["tus-version"], "1.0.0");
    assert_eq!(headers["tus-extension"], "creation,termination,checksum");
    assert_eq!(headers["tus-max-size"], (1 << 20).to_string().as_str());

    // creation refusals: no protocol version, over the size limit
    let mut old = create(id, &cookie, q0, 1000);
    old.headers_mut().remove("tus-resumable");
    assert_eq!(w.send(old).await.0, StatusCode::PRECONDITION_FAILED);
    assert_eq!(w.send(create(id, &cookie, q0, (1 << 20) + 1)).await.0, StatusCode::PAYLOAD_TOO_LARGE);

    let video = webm(300_000);
    let (status, headers, _) = w.send(create(id, &cookie, q0, video.len())).await;
    assert_eq!(status, StatusCode::CREATED);
    let url = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert_eq!(url, format!("/c/{id}/uploads/{}/1", q0.as_uuid()));

    // PATCH refusals: wrong content type, wrong offset, not a video, bad checksum
    let mut wrong_type = patch(&url, &cookie, 0, &video[..1000]);
    wrong_type.headers_mut().insert("content-type", "video/webm".parse().unwrap());
    assert_eq!(w.send(wrong_type).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, headers, _) = w.send(patch(&url, &cookie, 5, &video[5..1000])).await;
    assert_eq!((status, &headers["upload-offset"]), (StatusCode::CONFLICT, &"0".parse().unwrap()));
    let exe = b"MZ\x90\x00 this is a program, not a video".to_vec();
    assert_eq!(w.send(patch(&url, &cookie, 0, &exe)).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE, "magic bytes decide");
    let mut damaged = patch(&url, &cookie, 0, &video[..1000]);
    let wrong = base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(b"something else"));
    damaged.headers_mut().insert("upload-checksum", format!("sha1 {wrong}").parse().unwrap());
    assert_eq!(w.send(damaged).await.0.as_u16(), 460);
    assert_eq!(w.send(tus(Method::HEAD, &url, &cookie, &[], vec![])).await.1["upload-offset"], "0", "nothing kept");

    // a first chunk with a good checksum, then the rest
    let mut first = patch(&url, &cookie, 0, &video[..100_000]);
    let good = base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(&video[..100_000]));
    first.headers_mut().insert("upload-checksum", format!("sha1 {good}").parse().unwrap());
    let (status, headers, _) = w.send(first).await;
    assert_eq!((status, headers["upload-offset"].to_str().unwrap()), (StatusCode::NO_CONTENT, "100000"));
    let (_, headers, _) = w.send(tus(Method::HEAD, &url, &cookie, &[], vec![])).await;
    assert_eq!(
        (headers["upload-offset"].to_str().unwrap(), headers["upload-length"].to_str().unwrap()),
        ("100000", "300000")
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    // more than declared
    let mut too_much = video[100_000..].to_vec();
    too_much.extend_from_slice(b"extra");
    let (status, _, _) = w.send(patch(&url, &cookie, 100_000, &too_much)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let stored = slate_domain::ports::read_to_vec(
        w.memory.videos.as_ref(),
        &MediaKey::for_answer(inv.organization_id(), id, q0, 1),
        0,
        u64::MAX,
    )
    .await
    .unwrap();
    assert_eq!(stored, video, "what fitted is the whole video, byte for byte");

    // another invitation's upload is out of reach with this cookie
    let (other, other_token) = w.invite("ada@example.com", Language::English).await;
    let other_cookie = w.arrive(&other_token).await;
    assert_eq!(w.send(create(other.id(), &cookie, q0, 1000)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(w.send(tus(Method::HEAD, &url, &other_cookie, &[], vec![])).await.0, StatusCode::NOT_FOUND);

    // the answer is recorded; then the second question
    let answer = |q: QuestionId| {
        Request::builder()
            .method(Method::POST)
            .uri(format!("/c/{id}/answers"))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!("{{\"question_id\":\"{}\",\"duration_ms\":4000}}", q.as_uuid())))
            .unwrap()
    };
    let (status, _, body) = w.send(answer(q0)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"take\":1") && body.contains("\"answered\":1"), "{body}");
    let (_, headers, _) = w.send(create(id, &cookie, q1, 50_000)).await;
    let url1 = headers[header::LOCATION].to_str().unwrap().to_owned();
    // the connection drops after 20,000 bytes: those are kept, and the upload resumes there
    let second = webm(50_000);
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(second[..20_000].to_vec()), Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "dropped"))];
    let mut cut = patch(&url1, &cookie, 0, &[]);
    *cut.body_mut() = Body::from_stream(futures_util::stream::iter(pieces));
    let (status, headers, _) = w.send(cut).await;
    assert_eq!((status, headers["upload-offset"].to_str().unwrap()), (StatusCode::BAD_REQUEST, "20000"));
    let (_, headers, _) = w.send(tus(Method::HEAD, &url1, &cookie, &[], vec![])).await;
    assert_eq!(headers["upload-offset"], "20000", "the server tells where to resume");
    assert_eq!(w.send(patch(&url1, &cookie, 20_000, &second[20_000..])).await.0, StatusCode::NO_CONTENT);
    assert_eq!(w.send(answer(q1)).await.0, StatusCode::OK);
    // no retakes on the second question
    assert_eq!(w.send(create(id, &cookie, q1, 50_000)).await.0, StatusCode::FORBIDDEN);

    // submit: Completed, the recruiter notified, a thank-you page
    let submit = Request::builder()
        .method(Method::POST)
        .uri(format!("/c/{id}/submit"))
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let (status, _, html) = w.send(submit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"thanks\""));
    assert_eq!(w.slate.get_invitation(w.caller, id).await.unwrap().status(), InvitationStatus::Completed);
    assert!(w.memory.store.all_messages().iter().any(|m| m.kind == MessageKind::CompletionNotice));

    // after completion: nothing accepted, a clear page
    assert_eq!(w.send(create(id, &cookie, q0, 1000)).await.0, StatusCode::GONE);
    let (status, _, html) = w.send(get(&format!("/c/{id}"), Some(&cookie))).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains("page-closed-completed"));

    // The recruiter lists the answers and plays them with range requests.
    let (_, key) = w.slate.create_api_key(w.caller, Label::parse("review").unwrap()).await.unwrap();
    let bearer = format!("Bearer {}", key.expose());
    let api = |path: &str, range: Option<&str>| {
        let mut r = Request::builder().uri(path).header(header::AUTHORIZATION, &bearer);
        if let Some(range) = range {
            r = r.header(header::RANGE, range);
        }
        r.body(Body::empty()).unwrap()
    };
    let (status, _, body) = w.send(api(&format!("/api/v1/invitations/{id}/answers"), None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answers: serde_json::Value = serde_json::from_str(&body).unwrap();
    let first = &answers[0];
    assert_eq!((first["take"].as_u64(), first["current"].as_bool()), (Some(1), Some(true)));
    assert_eq!(first["content_type"], "video/webm");
    let url = first["video_url"].as_str().unwrap();
    let (status, headers, body) = w.send(api(url, None)).await;
    assert_eq!((status, headers[header::ACCEPT_RANGES].to_str().unwrap()), (StatusCode::OK, "bytes"));
    assert_eq!(body.len(), String::from_utf8_lossy(&video).len(), "the whole video");
    let response = w.app.clone().oneshot(api(url, Some("bytes=1000-1999"))).await.unwrap();
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.headers()[header::CONTENT_RANGE], "bytes 1000-1999/300000");
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    assert_eq!(&bytes[..], &video[1000..2000], "the exact bytes");
    let (status, headers, _) = w.send(api(url, Some("bytes=300000-"))).await;
    assert_eq!(
        (status, headers[header::CONTENT_RANGE].to_str().unwrap()),
        (StatusCode::RANGE_NOT_SATISFIABLE, "bytes */300000")
    );
    // another organization's key sees nothing
    let (other_org, other_rec) = w
        .slate
        .create_account(NewAccount {
            organization: NewOrganization {
                name: DisplayName::parse("Beta").unwrap(),
                time_zone: TimeZone::parse("Europe/Athens").unwrap(),
                default_language: Language::English,
                reminders: ReminderPolicy::default(),
            },
            recruiter: NewRecruiter {
                name: PersonName::parse("Olga").unwrap(),
                email: EmailAddress::parse("olga@beta.example").unwrap(),
            },
            password: Password::new("correct horse battery").unwrap(),
        })
        .await
        .unwrap();
    let beta = Caller { organization_id: other_org.id, recruiter_id: other_rec.id };
    let (_, beta_key) = w.slate.create_api_key(beta, Label::parse("beta").unwrap()).await.unwrap();
    let theirs = Request::builder()
        .uri(url)
        .header(header::AUTHORIZATION, format!("Bearer {}", beta_key.expose()))
        .body(Body::empty())
        .unwrap();
    assert_eq!(w.send(theirs).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_cancelled_and_expired_links_get_a_page_in_the_right_language() {
    let w = World::new().await;
    // unknown: the browser's language
    let mut r = get("/i/not-a-real-link", None);
    r.headers_mut().insert(header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9".parse().unwrap());
    let (status, _, html) = w.send(r).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("lang=\"de\"") && html.contains("Dieser Link ist ungültig"), "{html}");

    // cancelled: the invitation's language, 410
    let (inv, token) = w.invite("grace@example.com", Language::French).await;
    w.slate.cancel(w.caller, inv.id()).await.unwrap();
    let (status, _, html) = w.send(get(&format!("/i/{token}"), None)).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains("lang=\"fr\"") && html.contains("retiré"), "{html}");

    // expired: uploads refused too
    let (inv, token) = w.invite("ada@example.com", Language::Polish).await;
    let cookie = w.arrive(&token).await;
    w.memory.clock.set("2026-12-16T00:00:00Z".parse().unwrap());
    let (status, _, html) = w.send(get(&format!("/c/{}", inv.id()), Some(&cookie))).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains("lang=\"pl\"") && html.contains("Termin tej rozmowy minął"), "{html}");
    let q0 = inv.interview().questions[0].id();
    assert_eq!(w.send(create(inv.id(), &cookie, q0, 1000)).await.0, StatusCode::GONE);
}

fn form(path: &str, cookie: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn each_attendee_answers_on_their_own_page_in_their_language() {
    let w = World::new().await;
    let ada =
        w.slate.create_candidate(w.caller, fixtures::candidate("Ada", "Lovelace", "ada@example.com")).await.unwrap();
    let mut input = fixtures::live(ada.id, "2026-12-10", "10:00", &[("Grace <b>Hopper</b>", "grace@navy.example")]);
    input.candidate_language = Some(Language::French);
    input.interviewers[0] = InterviewerInput::External {
        name: PersonName::parse("Grace <b>Hopper</b>").unwrap(),
        email: EmailAddress::parse("grace@navy.example").unwrap(),
        language: Some(Language::Polish),
    };
    let live = w.slate.schedule_live(w.caller, input).await.unwrap();
    let token = |n: usize| {
        let url = w.slate.attendee_link(&live, live.attendees()[n].id).unwrap();
        url.expose().rsplit('/').next().unwrap().to_owned()
    };

    // The link moves its secret into a cookie for this attendee's page, changing nothing.
    let (status, headers, _) = w.send(get(&format!("/m/{}", token(0)), None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let ada_id = live.attendees()[0].id;
    assert_eq!(headers[header::LOCATION], format!("/a/{ada_id}"));
    let set = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set.contains(&format!("Path=/a/{ada_id}")) && set.contains("HttpOnly"), "{set}");
    let cookie = set.split(';').next().unwrap().to_owned();
    assert_eq!(w.slate.live_interview(w.caller, live.id()).await.unwrap().revision(), live.revision());

    let (status, headers, page) = w.send(get(&format!("/a/{ada_id}"), Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(page.contains("<html lang=\"fr\">") && page.contains("Votre entretien"), "{page}");
    assert!(page.contains("jeudi 10 décembre 2026 10:00 (heure de Europe/Athens)"), "{page}");
    assert!(page.contains("data-response=\"pending\"") && page.contains("id=\"confirm\""));

    // Confirming comes back to the page, which says so.
    let (status, headers, _) = w.send(form(&format!("/a/{ada_id}/confirm"), &cookie, "")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let back = headers[header::LOCATION].to_str().unwrap().to_owned();
    let (_, _, page) = w.send(get(&back, Some(&cookie))).await;
    assert!(page.contains("id=\"saved\"") && page.contains("data-response=\"confirmed\""), "{page}");
    assert!(!page.contains("id=\"confirm\""), "no confirm button once confirmed");

    // Grace, in Polish: a too-long message is refused, and what she typed is kept.
    let (_, headers, _) = w.send(get(&format!("/m/{}", token(1)), None)).await;
    let grace_cookie = headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let grace_id = live.attendees()[1].id;
    let long = "x".repeat(10_001);
    let (status, _, page) =
        w.send(form(&format!("/a/{grace_id}/decline"), &grace_cookie, &format!("message={long}"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"message-error\"") && page.contains(&long), "what was typed is kept");
    assert!(page.contains("<html lang=\"pl\">"));
    let (status, _, _) =
        w.send(form(&format!("/a/{grace_id}/decline"), &grace_cookie, "message=Jestem+w+podr%C3%B3%C5%BCy")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let read = w.slate.live_interview(w.caller, live.id()).await.unwrap();
    assert_eq!(read.status(), LiveStatus::Declined);
    assert_eq!(
        read.attendees()[1].response,
        AttendeeResponse::Declined { message: Some(LongText::parse("Jestem w podróży").unwrap()) }
    );

    // Ada's cookie is no key to Grace's page; a cross-site post is refused.
    let (status, _, _) = w.send(get(&format!("/a/{grace_id}"), Some(&cookie))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let mut cross = form(&format!("/a/{ada_id}/confirm"), &cookie, "");
    cross.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(w.send(cross).await.0, StatusCode::FORBIDDEN);

    // Once cancelled, the link says so in the attendee's language.
    w.slate.cancel_live(w.caller, live.id(), None).await.unwrap();
    let (status, _, page) = w.send(get(&format!("/m/{}", token(0)), None)).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("data-reason=\"page-closed-live-cancelled\"") && page.contains("lang=\"fr\""), "{page}");
    let (status, _, _) = w.send(get(&format!("/a/{ada_id}"), Some(&cookie))).await;
    assert_eq!(status, StatusCode::GONE);
}
