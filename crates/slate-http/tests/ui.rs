//! The recruiter's web UI through `oneshot`, over the domain's in-memory adapters: sessions
//! and CSRF on forms, HTML refusals, tenancy on every page, escaping, and refused forms that
//! keep what was typed. (The whole loop in a real browser is `tests/tests/browser.rs`.)

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test program: a panic is a failure")]

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
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

struct Page {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Page {
    fn csrf(&self) -> String {
        let at = self.body.find("name=\"csrf\" value=\"").expect("a form with the CSRF token") + 19;
        self.body[at..].split('"').next().unwrap().to_owned()
    }

    fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

struct World {
    app: Router,
    slate: Slate,
    acme: Caller,
    beta: Caller,
}

impl World {
    async fn new() -> Self {
        let memory = InMemory::new("2026-11-22T09:00:00Z".parse().unwrap());
        let slate = Slate::new(memory.ports(), Settings::default());
        let mut callers = Vec::new();
        for (org, email) in [("Acme", "rita@acme.example"), ("Beta", "olga@beta.example")] {
            let (o, r) = slate.create_account(fixtures::account(org, "Rita", email)).await.unwrap();
            callers.push(Caller { organization_id: o.id, recruiter_id: r.id });
        }
        let app = slate_http::router(AppState::new(slate.clone(), Arc::new(Ready), HttpConfig::default()));
        Self { app, slate, acme: callers[0], beta: callers[1] }
    }

    async fn send(&self, method: Method, path: &str, cookie: Option<&str>, form: Option<&str>) -> Page {
        let mut r = Request::builder().method(method).uri(path);
        if let Some(c) = cookie {
            r = r.header(header::COOKIE, c);
        }
        let body = match form {
            Some(f) => {
                r = r.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(f.to_owned())
            }
            None => Body::empty(),
        };
        let response = self.app.clone().oneshot(r.body(body).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 10 << 20).await.unwrap();
        Page { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// Logs in through the form; returns the cookie header value.
    async fn log_in(&self, email: &str) -> String {
        let page = self
            .send(Method::POST, "/login", None, Some(&format!("email={email}&password=correct+horse+battery")))
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let set = page.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
        set.split(';').next().unwrap().to_owned()
    }

    async fn published(&self, caller: Caller) -> VideoInterview {
        let draft = self.slate.create_interview(caller, fixtures::interview("Round one", &["Why us?"])).await.unwrap();
        self.slate.publish_interview(caller, draft.id()).await.unwrap()
    }

    async fn invite(&self, caller: Caller, first: &str, email: &str) -> Invitation {
        let interview = self.published(caller).await;
        let invite = fixtures::external(first, "Lovelace", email, interview.id(), "2026-12-01");
        self.slate.invite_external(caller, invite).await.unwrap()
    }
}

#[tokio::test]
async fn pages_need_a_session_and_forms_need_its_csrf_token() {
    let w = World::new().await;
    for path in ["/", "/invitations", "/candidates/new", "/settings"] {
        let page = w.send(Method::GET, path, None, None).await;
        assert_eq!((page.status, page.location()), (StatusCode::SEE_OTHER, "/login"), "{path}");
    }
    let wrong = w.send(Method::POST, "/login", None, Some("email=rita%40acme.example&password=nope+nope+nope")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("value=\"rita@acme.example\""), "the email is kept");

    let cookie = w.log_in("rita%40acme.example").await;
    let form = w.send(Method::GET, "/candidates/new", Some(&cookie), None).await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.csrf();
    let fields = "first_name=Grace&last_name=Hopper&email=grace%40example.com";
    for bad in [String::new(), "csrf=forged".to_owned(), format!("csrf={}x", csrf)] {
        let refused = w.send(Method::POST, "/candidates/new", Some(&cookie), Some(&format!("{bad}&{fields}"))).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{bad}");
        assert!(refused.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "an HTML page");
        assert!(refused.body.contains("This form has expired"));
    }
    let prefix = NamePrefix::parse("Hop").unwrap();
    assert!(w.slate.search_candidates(w.acme, &prefix, 10).await.unwrap().is_empty(), "nothing created");
    let created = w.send(Method::POST, "/candidates/new", Some(&cookie), Some(&format!("csrf={csrf}&{fields}"))).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(w.slate.search_candidates(w.acme, &prefix, 10).await.unwrap().len(), 1);

    // Every page: no inline script allowed, never framed, not cached.
    let page = w.send(Method::GET, "/", Some(&cookie), None).await;
    let csp = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");

    // Logging out ends the session: the cookie opens nothing any more.
    let out = w.send(Method::POST, "/logout", Some(&cookie), Some(&format!("csrf={csrf}"))).await;
    assert_eq!((out.status, out.location()), (StatusCode::SEE_OTHER, "/login"));
    let after = w.send(Method::GET, "/invitations", Some(&cookie), None).await;
    assert_eq!(after.location(), "/login");
}

#[tokio::test]
async fn another_organizations_records_are_not_found_on_any_page() {
    let w = World::new().await;
    let theirs = w.invite(w.beta, "Bea", "bea@example.com").await;
    let cookie = w.log_in("rita%40acme.example").await;
    let csrf = w.send(Method::GET, "/", Some(&cookie), None).await.csrf();
    let id = theirs.id();
    for path in [
        format!("/invitations/{id}"),
        format!("/candidates/{}", theirs.candidate_id().as_uuid()),
        format!("/interviews/{}", theirs.interview().interview_id),
        format!("/interviews/{}/preview", theirs.interview().interview_id),
    ] {
        let page = w.send(Method::GET, &path, Some(&cookie), None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.body.contains("Bea"), "{path} shows nothing of theirs");
    }
    for action in ["cancel", "resend", "decision"] {
        let page = w
            .send(
                Method::POST,
                &format!("/invitations/{id}/{action}"),
                Some(&cookie),
                Some(&format!("csrf={csrf}&decision=reject")),
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{action}");
    }
    let list = w.send(Method::GET, "/invitations", Some(&cookie), None).await;
    assert!(!list.body.contains("bea@example.com"));
    let still = w.slate.get_invitation(w.beta, id).await.unwrap();
    assert_eq!(still.status(), InvitationStatus::Queued, "untouched");
    let review = w.slate.review(w.beta, id).await.unwrap();
    assert!(review.review.notes().is_empty());
}

#[tokio::test]
async fn user_text_is_escaped_and_a_refused_form_keeps_what_was_typed() {
    let w = World::new().await;
    let mine = w.invite(w.acme, "<script>alert(1)</script>", "ada@example.com").await;
    let cookie = w.log_in("rita%40acme.example").await;
    for path in [
        "/invitations".to_owned(),
        format!("/invitations/{}", mine.id()),
        format!("/candidates/{}", mine.candidate_id().as_uuid()),
    ] {
        let page = w.send(Method::GET, &path, Some(&cookie), None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("<script>alert"), "{path}: raw markup");
        assert!(
            page.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;") || page.body.contains("&lt;script&gt;"),
            "{path}: escaped"
        );
    }

    // A bad address: 422, the message beside the field, everything typed still there.
    let form = w.send(Method::GET, "/invitations/new?mode=external", Some(&cookie), None).await;
    let csrf = form.csrf();
    let typed = format!(
        "csrf={csrf}&mode=external&first_name=Grace&last_name=Hopper&email=grace%40nowhere&interview_id={}&language=de&deadline=2026-11-30&bcc_me=on",
        mine.interview().interview_id
    );
    let refused = w.send(Method::POST, "/invitations/new", Some(&cookie), Some(&typed)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("id=\"email-error\""), "the field is named");
    for kept in [
        "value=\"Grace\"",
        "value=\"Hopper\"",
        "value=\"grace@nowhere\"",
        "value=\"2026-11-30\"",
        "id=\"bcc_me\" checked",
        "value=\"de\" selected",
    ] {
        assert!(refused.body.contains(kept), "{kept} kept");
    }
    // A deadline already past in the organization's zone is refused by name, too.
    let past = typed.replace("grace%40nowhere", "grace%40example.com").replace("2026-11-30", "2026-11-21");
    let refused = w.send(Method::POST, "/invitations/new", Some(&cookie), Some(&past)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"deadline-error\""));
    let sent =
        w.send(Method::POST, "/invitations/new", Some(&cookie), Some(&past.replace("2026-11-21", "2026-11-30"))).await;
    assert_eq!((sent.status, sent.location()), (StatusCode::SEE_OTHER, "/invitations?done=invited"));
}

#[tokio::test]
async fn decisions_and_ratings_are_recorded_and_shown_to_colleagues() {
    let w = World::new().await;
    let mine = w.invite(w.acme, "Ada", "ada@example.com").await;
    let colleague = w
        .slate
        .add_recruiter(
            w.acme.organization_id,
            NewRecruiter {
                name: PersonName::parse("Carl").unwrap(),
                email: EmailAddress::parse("carl@acme.example").unwrap(),
            },
        )
        .await
        .unwrap();
    w.slate
        .set_password(w.acme.organization_id, colleague.id, &Password::new("correct horse battery").unwrap())
        .await
        .unwrap();
    let cookie = w.log_in("rita%40acme.example").await;
    let id = mine.id();
    let csrf = w.send(Method::GET, &format!("/invitations/{id}"), Some(&cookie), None).await.csrf();
    // No answer yet: a rating is refused with a clear message, nothing stored.
    let q = mine.interview().questions[0].id();
    let refused = w
        .send(
            Method::POST,
            &format!("/invitations/{id}/rate"),
            Some(&cookie),
            Some(&format!("csrf={csrf}&question={q}&rating=4")),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("no recorded answer"), "{}", refused.body);
    let decided = w
        .send(
            Method::POST,
            &format!("/invitations/{id}/decision"),
            Some(&cookie),
            Some(&format!("csrf={csrf}&decision=hold")),
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER);
    let theirs = w.log_in("carl%40acme.example").await;
    let page = w.send(Method::GET, &format!("/invitations/{id}"), Some(&theirs), None).await;
    assert!(page.body.contains("<strong>Hold</strong> · Rita"), "a colleague sees who decided");
    let timeline = w.slate.candidate_timeline(w.acme, mine.candidate_id()).await.unwrap();
    assert!(matches!(timeline.last().map(|e| &e.kind), Some(EventKind::DecisionRecorded(Decision::Hold))));
}

#[tokio::test]
async fn a_live_interview_is_scheduled_from_the_form_shown_with_each_answer_moved_and_cancelled() {
    let w = World::new().await;
    let ada = w
        .slate
        .create_candidate(w.acme, fixtures::candidate("Ada", "<i>Lovelace</i>", "ada@example.com"))
        .await
        .unwrap();
    let cookie = w.log_in("rita%40acme.example").await;
    let form = w.send(Method::GET, &format!("/live/new?candidate={}", ada.id), Some(&cookie), None).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("value=\"ada@example.com\""), "the candidate's email is proposed");
    let csrf = form.csrf();
    let base = format!(
        "csrf={csrf}&candidate_id={}&email=ada%40example.com&candidate_language=fr&title=Second+round&date=2026-12-10\
         &time=10%3A00&duration_minutes=45&time_zone=Europe%2FAthens&location_kind=online&include_me=on\
         &ext_name_0=Grace+Hopper&ext_email_0=grace%40navy.example&ext_name_1=&ext_email_1=&job_id=&action=schedule",
        ada.id
    );

    // A refused form names the field and keeps what was typed.
    let bad = w.send(Method::POST, "/live/new", Some(&cookie), Some(&format!("{base}&meeting_url=not+a+url"))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("id=\"meeting_url-error\"") && bad.body.contains("value=\"Grace Hopper\""),
        "{}",
        bad.body
    );
    let gap = base.replace("date=2026-12-10&time=10%3A00", "date=2027-03-28&time=03%3A30");
    let bad = w
        .send(
            Method::POST,
            "/live/new",
            Some(&cookie),
            Some(&format!("{gap}&meeting_url=https%3A%2F%2Fmeet.example%2Fx")),
        )
        .await;
    assert!(bad.body.contains("id=\"time-error\"") && bad.body.contains("the clocks skip it"), "{}", bad.body);

    // The invites are previewed with the real values; an edited one is used instead of the template.
    assert!(form.body.contains("id=\"candidate_message-body\"") && form.body.contains("{{interview.link}}"));
    let edited = "&candidate_template=fr&candidate_subject=Bonjour+%7B%7Bcandidate.first_name%7D%7D\
                  &candidate_body=%7B%7Binterview.start%7D%7D+%7B%7Binterview.link%7D%7D\
                  &meeting_url=https%3A%2F%2Fmeet.example%2Fx";
    let preview = format!("{base}{edited}").replace("action=schedule", "action=preview");
    let previewed = w.send(Method::POST, "/live/new", Some(&cookie), Some(&preview)).await;
    assert_eq!(previewed.status, StatusCode::OK, "{}", previewed.body);
    assert!(previewed.body.contains("id=\"preview-candidate-subject\">Bonjour Ada<"), "{}", previewed.body);
    let made = w.send(Method::POST, "/live/new", Some(&cookie), Some(&format!("{base}{edited}"))).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let path = made.location().split('?').next().unwrap().to_owned();
    let page = w.send(Method::GET, made.location(), Some(&cookie), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Awaiting confirmation") && page.body.contains("id=\"notice\""), "{}", page.body);
    assert!(page.body.contains("Thursday 10 December 2026, 10:00 (Europe/Athens)"), "{}", page.body);
    assert_eq!(page.body.matches("data-response=\"pending\"").count(), 3, "Ada, Rita and Grace");
    assert!(!page.body.contains("<i>Lovelace"), "names are escaped");
    let id: LiveInterviewId = LiveInterviewId::from_uuid(path.rsplit('/').next().unwrap().parse().unwrap());
    let live = w.slate.live_interview(w.acme, id).await.unwrap();
    assert_eq!(live.attendees()[0].language, Language::French);
    assert_eq!(
        live.parts().candidate_message.as_ref().map(|m| m.subject.as_str()),
        Some("Bonjour {{candidate.first_name}}")
    );
    assert!(live.parts().interviewer_message.is_none(), "untouched: the template, in each interviewer's language");
    assert_eq!(live.attendees()[1].role, AttendeeRole::Interviewer(Some(w.acme.recruiter_id)));

    // Grace declines with a message: the recruiter sees it.
    let token = w.slate.attendee_link(&live, live.attendees()[2].id).unwrap();
    let token = LinkToken::presented(token.expose().rsplit('/').next().unwrap());
    let message = LongText::parse("Travelling that week").unwrap();
    w.slate.respond_live(&token, AttendeeResponse::Declined { message: Some(message) }).await.unwrap();
    let page = w.send(Method::GET, &path, Some(&cookie), None).await;
    assert!(
        page.body.contains("id=\"live-status\">Declined") && page.body.contains("Travelling that week"),
        "{}",
        page.body
    );
    let list = w.send(Method::GET, "/live", Some(&cookie), None).await;
    assert!(list.body.contains("Second round") && list.body.contains("0 of 3 confirmed"), "{}", list.body);
    let candidate = w.send(Method::GET, &format!("/candidates/{}", ada.id), Some(&cookie), None).await;
    assert!(candidate.body.contains(&format!("/live/{id}")) && candidate.body.contains("declined the live interview"));

    // Moving it with a stale revision is refused on the page; with the current one, everyone is pending again.
    let stale = w
        .send(
            Method::POST,
            &format!("{path}/reschedule"),
            Some(&cookie),
            Some(&format!(
                "csrf={csrf}&revision=0&date=2026-12-11&time=09%3A00&duration_minutes=30&time_zone=Europe%2FAthens"
            )),
        )
        .await;
    assert!(stale.status.is_client_error() && stale.body.contains("changed meanwhile"), "{}", stale.body);
    let revision = w.slate.live_interview(w.acme, id).await.unwrap().revision();
    let moved = w
        .send(
            Method::POST,
            &format!("{path}/reschedule"),
            Some(&cookie),
            Some(&format!("csrf={csrf}&revision={revision}&date=2026-12-11&time=09%3A00&duration_minutes=30&time_zone=Europe%2FAthens")),
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let page = w.send(Method::GET, &path, Some(&cookie), None).await;
    assert_eq!(page.body.matches("data-response=\"pending\"").count(), 3);
    assert!(page.body.contains("Friday 11 December 2026, 09:00"));

    // Another organization sees none of it.
    let theirs = w.send(Method::GET, &path, Some(&w.log_in("olga%40beta.example").await), None).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);

    let revision = w.slate.live_interview(w.acme, id).await.unwrap().revision();
    let cancelled = w
        .send(Method::POST, &format!("{path}/cancel"), Some(&cookie), Some(&format!("csrf={csrf}&revision={revision}")))
        .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER, "{}", cancelled.body);
    let page = w.send(Method::GET, &path, Some(&cookie), None).await;
    assert!(page.body.contains("id=\"live-status\">Cancelled") && !page.body.contains("id=\"reschedule\""));
}
