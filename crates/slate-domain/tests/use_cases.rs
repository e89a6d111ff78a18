//! Every use case over the in-memory adapters: the happy paths and every refusal, each with
//! its typed error.

mod common;
#[path = "use_cases/live.rs"]
mod live;

use chrono::TimeDelta;
use common::*;
use slate_domain::ports::{Clock as _, VideoStore as _, VideoStoreError, byte_stream, read_to_vec};
use slate_domain::*;

// ---------------------------------------------------------------- inviting

#[tokio::test]
async fn inviting_an_external_candidate_stores_everything_in_one_go() {
    let w = World::new().await;
    let mut input = w.external("Ada", "Lovelace", "Ada@Example.COM");
    input.bcc_me = true;
    let inv = w.slate.invite_external(w.caller, input).await.unwrap();

    assert_eq!(inv.status(), InvitationStatus::Queued);
    assert_eq!(inv.email().as_str(), "Ada@example.com");
    assert_eq!(inv.language(), Language::Greek, "the organization's default");
    assert_eq!(inv.deadline().closes_at(), at("2026-11-30T22:00:00Z"), "end of 30 November in Athens");
    assert_eq!(inv.interview().job_title.as_ref().map(JobText::as_str), Some("Backend engineer"));

    let candidates = w.memory.store.all_candidates();
    assert_eq!(candidates.len(), 1);
    assert_eq!(candidates[0].kind, CandidateKind::External);
    assert_eq!(candidates[0].id, inv.candidate_id());

    let timeline = w.slate.candidate_timeline(w.caller, inv.candidate_id()).await.unwrap();
    assert_eq!(timeline.len(), 1, "the timeline is updated immediately");
    assert!(matches!(&timeline[0].kind, EventKind::Invited { deadline, .. } if *deadline == date("2026-11-30")));
    assert_eq!(timeline[0].actor, Actor::Recruiter(w.recruiter.id));

    let messages = w.slate.messages(w.caller, inv.id()).await.unwrap();
    let kinds: Vec<_> = messages.iter().map(|m| (m.kind, m.sequence, m.to.as_str().to_owned())).collect();
    assert_eq!(
        kinds,
        vec![
            (MessageKind::Invitation, 0, "Ada@example.com".to_owned()),
            (MessageKind::BccCopy, 0, "rita@acme.example".to_owned()),
        ]
    );
}

#[tokio::test]
async fn inviting_an_internal_candidate_proposes_their_email_which_may_be_changed() {
    let w = World::new().await;
    let cand = w
        .slate
        .create_candidate(
            w.caller,
            NewCandidate {
                first_name: name("Grace"),
                last_name: name("Hopper"),
                email: Some(email("grace@resume.example")),
                phone: Some(PhoneNumber::parse("+1 555 0100").unwrap()),
                notes: LongText::default(),
            },
        )
        .await
        .unwrap();
    let base = InviteInternal {
        candidate_id: cand.id,
        email: None,
        interview_id: w.interview.id(),
        language: Some(Language::German),
        deadline: date("2026-11-22"),
        bcc_me: false,
        notify_me: true,
    };
    let inv = w.slate.invite_internal(w.caller, base.clone()).await.unwrap();
    assert_eq!(inv.email().as_str(), "grace@resume.example");
    assert_eq!(inv.language(), Language::German);
    assert_eq!(w.memory.store.all_candidates().len(), 1, "no new candidate record");

    let other = InviteInternal { email: Some(email("grace@work.example")), ..base };
    let inv2 = w.slate.invite_internal(w.caller, other).await.unwrap();
    assert_eq!(inv2.email().as_str(), "grace@work.example");

    let no_mail = w
        .slate
        .create_candidate(
            w.caller,
            NewCandidate {
                first_name: name("No"),
                last_name: name("Mail"),
                email: None,
                phone: None,
                notes: LongText::default(),
            },
        )
        .await
        .unwrap();
    let err = w.slate.invite_internal(w.caller, InviteInternal { candidate_id: no_mail.id, email: None, ..base }).await;
    assert!(matches!(err, Err(InviteError::NoEmail)), "{err:?}");
}

#[tokio::test]
async fn invitation_refusals() {
    let w = World::new().await;

    // a draft and an archived interview
    let draft = w
        .slate
        .create_interview(
            w.caller,
            InterviewInput { details: details("Draft", None), questions: vec![question("Q", 0)] },
        )
        .await
        .unwrap();
    let input = InviteExternal { interview_id: draft.id(), ..w.external("A", "B", "a@b.example") };
    let err = w.slate.invite_external(w.caller, input).await;
    assert!(matches!(err, Err(InviteError::InterviewNotPublished(InterviewStatus::Draft))), "{err:?}");
    w.slate.archive_interview(w.caller, draft.id()).await.unwrap();
    let input = InviteExternal { interview_id: draft.id(), ..w.external("A", "B", "a@b.example") };
    let err = w.slate.invite_external(w.caller, input).await;
    assert!(matches!(err, Err(InviteError::InterviewNotPublished(InterviewStatus::Archived))), "{err:?}");

    // an unknown interview
    let input = InviteExternal {
        interview_id: InterviewId::from_uuid(uuid::Uuid::from_u128(999)),
        ..w.external("A", "B", "a@b.example")
    };
    assert!(matches!(w.slate.invite_external(w.caller, input).await, Err(InviteError::InterviewNotFound)));

    // yesterday in Athens is refused; today is allowed
    let input = InviteExternal { deadline: date("2026-11-21"), ..w.external("A", "B", "a@b.example") };
    let err = w.slate.invite_external(w.caller, input).await;
    assert!(
        matches!(err, Err(InviteError::Deadline(DeadlineError::InPast { today, .. })) if today == date("2026-11-22")),
        "{err:?}"
    );
    // at 22:30 UTC it is already the 23rd in Athens, though still the 22nd in UTC
    w.memory.clock.set(at("2026-11-22T22:30:00Z"));
    let input = InviteExternal { deadline: date("2026-11-22"), ..w.external("A", "B", "a@b.example") };
    assert!(matches!(w.slate.invite_external(w.caller, input).await, Err(InviteError::Deadline(_))));
    let input = InviteExternal { deadline: date("2026-11-23"), ..w.external("A", "B", "a@b.example") };
    assert!(w.slate.invite_external(w.caller, input).await.is_ok());

    // nothing was stored by the refused attempts
    assert_eq!(w.memory.store.all_invitations().len(), 1);
    assert_eq!(w.memory.store.all_candidates().len(), 1);
    assert_eq!(w.memory.store.all_messages().len(), 1);
}

#[tokio::test]
async fn inviting_twice_does_not_duplicate_until_the_first_is_closed() {
    let w = World::new().await;
    let first = w.invite("ada@example.com").await;
    let again = w.slate.invite_external(w.caller, w.external("Ada", "Lovelace", "ADA@example.com")).await;
    assert!(matches!(again, Err(InviteError::AlreadyInvited(id)) if id == first.id()), "{again:?}");
    assert_eq!(w.memory.store.all_invitations().len(), 1);
    assert_eq!(w.memory.store.all_candidates().len(), 1, "the refused attempt created no candidate");
    // an internationalised domain and its punycode spelling are one mailbox
    let idn = w.invite("grace@bücher.example").await;
    let again = w.slate.invite_external(w.caller, w.external("Grace", "Hopper", "grace@XN--BCHER-KVA.example")).await;
    assert!(matches!(again, Err(InviteError::AlreadyInvited(id)) if id == idn.id()), "{again:?}");
    w.slate.cancel(w.caller, idn.id()).await.unwrap();

    w.slate.cancel(w.caller, first.id()).await.unwrap();
    assert!(w.slate.invite_external(w.caller, w.external("Ada", "Lovelace", "ada@example.com")).await.is_ok());
}

#[tokio::test]
async fn an_invitation_keeps_the_questions_it_was_sent_with() {
    let w = World::new().await;
    let inv = w.invite("ada@example.com").await;
    let edited =
        InterviewInput { details: details("Renamed", None), questions: vec![question("A completely new question", 0)] };
    let interview =
        w.slate.edit_interview(w.caller, w.interview.id(), Some(w.interview.revision()), edited).await.unwrap();
    assert_eq!(interview.number_of_questions(), 1);

    let stored = w.slate.get_invitation(w.caller, inv.id()).await.unwrap();
    assert_eq!(stored.interview().questions.len(), 2);
    assert_eq!(stored.interview().questions[0].prompt().as_str(), "Tell us about yourself");
    assert_eq!(stored.interview().name.as_str(), "Backend – first round");

    let token = w.slate.link_token(&stored);
    let opened = w.slate.open_link(&token).await.unwrap();
    assert_eq!(opened.interview().questions.len(), 2, "the candidate sees the questions as sent");
}

#[tokio::test]
async fn a_use_case_failing_half_way_leaves_nothing_behind() {
    let w = World::new().await;
    let before = (w.memory.store.all_events().len(), w.memory.store.all_messages().len());
    w.memory.store.fail_next_commits(1);
    let mut input = w.external("Ada", "Lovelace", "ada@example.com");
    input.bcc_me = true;
    let err = w.slate.invite_external(w.caller, input).await;
    assert!(matches!(err, Err(InviteError::Internal(_))), "{err:?}");
    assert!(w.memory.store.all_invitations().is_empty());
    assert!(w.memory.store.all_candidates().is_empty());
    assert_eq!((w.memory.store.all_events().len(), w.memory.store.all_messages().len()), before);

    let inv = w.invite("ada@example.com").await;
    w.memory.store.fail_next_commits(1);
    assert!(matches!(w.slate.resend(w.caller, inv.id()).await, Err(ResendError::Internal(_))));
    assert_eq!(w.slate.messages(w.caller, inv.id()).await.unwrap().len(), 1, "no resend message queued");
    assert_eq!(w.slate.get_invitation(w.caller, inv.id()).await.unwrap(), inv, "invitation unchanged");
}

// ---------------------------------------------------------------- the candidate's link

#[tokio::test]
async fn looking_at_a_link_changes_nothing_and_starting_records_consent() {
    let w = World::new().await;
    let inv = w.invite("ada@example.com").await;
    let token = w.slate.link_token(&inv);
    let events = w.memory.store.all_events().len();

    // a mail scanner's GET: the invitation is found, nothing is written
    for _ in 0..3 {
        let check = w.slate.check_link(&token).await.unwrap();
        assert!(
            matches!(check, LinkCheck::Current { closed: None, ref invitation, .. } if invitation.id() == inv.id())
        );
    }
    assert_eq!(w.memory.store.all_events().len(), events, "looking records nothing");
    assert_eq!(w.slate.get_invitation(w.caller, inv.id()).await.unwrap().status(), InvitationStatus::Queued);
    assert!(matches!(w.slate.check_link(&LinkToken::presented("forged")).await.unwrap(), LinkCheck::Invalid));

    // the candidate accepts the notice: consent and opened, with their time
    w.memory.clock.advance(TimeDelta::minutes(5));
    let started = w.slate.start_interview(&token).await.unwrap();
    assert_eq!(started.status(), InvitationStatus::Opened);
    let names: Vec<_> = w.memory.store.all_events().iter().skip(events).map(|e| e.kind.name()).collect();
    assert_eq!(names, ["consent_given", "opened"]);
    assert!(w.memory.store.all_events().iter().skip(events).all(|e| e.at == w.memory.clock.now()));

    // cancelled: the old link is recognised as withdrawn, not as a forgery
    w.slate.cancel(w.caller, inv.id()).await.unwrap();
    assert!(matches!(w.slate.check_link(&token).await.unwrap(), LinkCheck::Withdrawn { .. }));
    assert!(matches!(w.slate.start_interview(&token).await, Err(OpenError::InvalidLink)));
}

#[tokio::test]
async fn the_whole_candidate_journey() {
    let w = World::new().await;
    let mut input = w.external("Ada", "Lovelace", "ada@example.com");
    input.notify_me = true;
    let inv = w.slate.invite_external(w.caller, input).await.unwrap();
    let token = w.slate.link_token(&inv);

    let opened = w.slate.open_link(&token).await.unwrap();
    assert_eq!(opened.status(), InvitationStatus::Opened);
    assert_eq!(opened.next_unanswered(), Some(w.q(0)));
    // opening again changes nothing and adds no event
    let again = w.slate.open_link(&token).await.unwrap();
    assert_eq!(again.status(), InvitationStatus::Opened);

    let a1 = w.answer(&token, w.q(0)).await;
    assert_eq!(a1.take, 1);
    assert_eq!(a1.size_bytes, 32, "size measured by the store, not claimed by the browser");
    let retake = w.answer(&token, w.q(0)).await;
    assert_eq!(retake.take, 2);
    assert_ne!(retake.media, a1.media, "a retake does not overwrite the first take");
    let err = w.slate.answer_upload_key(&token, w.q(0)).await;
    assert!(matches!(err, Err(RecordAnswerError::Rejected(AnswerRejected::NoTakesLeft { allowed: 2 }))), "{err:?}");

    // closing the tab and coming back continues at the next unanswered question
    let back = w.slate.open_link(&token).await.unwrap();
    assert_eq!(back.status(), InvitationStatus::Started);
    assert_eq!(back.next_unanswered(), Some(w.q(1)));

    let err = w.slate.complete(&token).await;
    assert!(matches!(err, Err(CompleteError::Refused(TransitionError::Unanswered { unanswered: 1 }))), "{err:?}");
    w.answer(&token, w.q(1)).await;
    let done = w.slate.complete(&token).await.unwrap();
    assert_eq!(done.status(), InvitationStatus::Completed);

    // the link now shows a clear "already completed" and accepts nothing
    assert!(matches!(w.slate.open_link(&token).await, Err(OpenError::Closed(TransitionError::AlreadyCompleted))));
    assert!(matches!(
        w.slate.answer_upload_key(&token, w.q(1)).await,
        Err(RecordAnswerError::Rejected(AnswerRejected::Transition(TransitionError::AlreadyCompleted)))
    ));

    let names: Vec<_> =
        w.slate.candidate_timeline(w.caller, inv.candidate_id()).await.unwrap().iter().map(|e| e.kind.name()).collect();
    assert_eq!(names, ["invited", "opened", "started", "completed"]);

    let notices: Vec<_> = w
        .slate
        .messages(w.caller, inv.id())
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == MessageKind::CompletionNotice)
        .collect();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].to.as_str(), "rita@acme.example");

    let answers = w.slate.answers(w.caller, inv.id()).await.unwrap();
    assert_eq!(
        answers.iter().map(|a| (a.question_id, a.take)).collect::<Vec<_>>(),
        [(w.q(0), 1), (w.q(0), 2), (w.q(1), 1)]
    );
}

#[tokio::test]
async fn bad_links_all_look_the_same() {
    let w = World::new().await;
    let inv = w.invite("ada@example.com").await;
    let good = w.slate.link_token(&inv);
    let mut tampered = good.expose().to_owned();
    tampered.replace_range(60..61, if &tampered[60..61] == "A" { "B" } else { "A" });
    for bad in ["", "garbage", tampered.as_str()] {
        let token = LinkToken::presented(bad);
        assert!(matches!(w.slate.open_link(&token).await, Err(OpenError::InvalidLink)), "{bad:?}");
        assert!(matches!(w.slate.complete(&token).await, Err(CompleteError::InvalidLink)));
    }
    // cancelling revokes the link for good, even if the deadline is extended later
    w.slate.cancel(w.caller, inv.id()).await.unwrap();
    assert!(matches!(w.slate.open_link(&good).await, Err(OpenError::InvalidLink)));
    assert!(matches!(w.slate.answer_upload_key(&good, w.q(0)).await, Err(RecordAnswerError::InvalidLink)));
}

#[tokio::test]
async fn answers_are_checked_against_the_upload_and_the_rules() {
    let w = World::new().await;
    let inv = w.invite("ada@example.com").await;
    let token = w.slate.link_token(&inv);

    // answering before opening
    assert!(matches!(
        w.slate.answer_upload_key(&token, w.q(0)).await,
        Err(RecordAnswerError::Rejected(AnswerRejected::Transition(TransitionError::NotOpened)))
    ));
    w.slate.open_link(&token).await.unwrap();

    // nothing uploaded, or not finished
    let input = RecordAnswer { question_id: w.q(0), duration_ms: 4_000 };
    assert!(matches!(w.slate.record_answer(&token, input).await, Err(RecordAnswerError::MediaMissing)));
    let key = w.slate.answer_upload_key(&token, w.q(0)).await.unwrap();
    let videos = &w.memory.videos;
    videos.begin(&key, 35).await.unwrap();
    videos.append(&key, 0, byte_stream(&b"\0\0\0\x18ftypmp42first part"[..])).await.unwrap();
    assert!(matches!(w.slate.record_answer(&token, input).await, Err(RecordAnswerError::MediaMissing)));

    // a resumed upload must continue where the store says it stopped
    let err = videos.append(&key, 3, byte_stream(&b"wrong offset"[..])).await;
    assert!(matches!(err, Err(VideoStoreError::OffsetMismatch { expected: 22 })), "{err:?}");
    let resume_at = videos.stat(&key).await.unwrap().unwrap().size;
    videos.append(&key, resume_at, byte_stream(&b", second part"[..])).await.unwrap();

    // too long
    let long = RecordAnswer { duration_ms: 200_000, ..input };
    assert!(matches!(
        w.slate.record_answer(&token, long).await,
        Err(RecordAnswerError::Rejected(AnswerRejected::TooLong { max_secs: 120, .. }))
    ));
    let answer = w.slate.record_answer(&token, input).await.unwrap();
    assert_eq!((answer.size_bytes, answer.format), (35, VideoFormat::Mp4), "the format comes from the bytes");
    assert_eq!(read_to_vec(videos.as_ref(), &key, 8, 100).await.unwrap(), b"mp42first part, second part");

    // too large, with a small limit
    let small = Slate::new(w.memory.ports(), Settings { max_answer_bytes: 10, ..Settings::default() });
    let key = small.answer_upload_key(&token, w.q(1)).await.unwrap();
    videos.begin(&key, 11).await.unwrap();
    videos.append(&key, 0, byte_stream(&b"eleven byte"[..])).await.unwrap();
    let input = RecordAnswer { question_id: w.q(1), ..input };
    assert!(matches!(
        small.record_answer(&token, input).await,
        Err(RecordAnswerError::TooLarge { actual: 11, max: 10 })
    ));

    // after the deadline (23:59:59 in Athens is the last second)
    w.memory.clock.set(at("2026-11-30T21:59:59Z"));
    assert!(w.slate.answer_upload_key(&token, w.q(1)).await.is_ok());
    w.memory.clock.set(at("2026-11-30T22:00:00Z"));
    assert!(matches!(
        w.slate.record_answer(&token, input).await,
        Err(RecordAnswerError::Rejected(AnswerRejected::Transition(TransitionError::DeadlinePassed { .. })))
    ));
}

#[tokio::test]
async fn opening_after_the_deadline_expires_the_invitation() {
    let w = World::new().await;
    let inv = w.invite("ada@example.com").await;
    let token = w.slate.link_token(&inv);
    w.memory.clock.set(at("2026-11-30T22:00:00Z"));
    let err = w.slate.open_link(&token).await;
    assert!(
        matches!(err, Err(OpenError::Closed(TransitionError::DeadlinePassed { closed_at })) if closed_at == at("2026-11-30T22:00:00Z"))
    );
    let stored = w.slate.get_invitation(w.caller, inv.id()).await.unwrap();
    assert_eq!(stored.status(), InvitationStatus::Expired);
    let timeline = w.slate.candidate_timeline(w.caller, inv.candidate_id()).await.unwrap();
    assert_eq!(timeline.last().map(|e| (e.kind.name(), e.actor)), Some(("expired", Actor::System)));
}

// ---------------------------------------------------------------- recruiter actions

#[tokio::test]
async fn resend_reuses_the_link_and_keeps_progress() {
    let w = World::new().await;
    let inv = w.invite("ada@example.com").await;
    let token = w.slate.link_token(&inv);
    w.slate.open_link(&token).await.unwrap();
    w.answer(&token, w.q(0)).await;

    let resent = w.slate.resend(w.caller, inv.id()).await.unwrap();
    assert_eq!(w.slate.link_token(&resent), token, "same link");
    assert_eq!(resent.status(), InvitationStatus::Started, "progress kept");
    assert_eq!(resent.next_unanswered(), Some(w.q(1)));
    let resent2 = w.slate.resend(w.caller, inv.id()).await.unwrap();
    let seqs: Vec<_> = w
        .slate
        .messages(w.caller, inv.id())
        .await
        .unwrap()
        .iter()
        .filter(|m| m.kind == MessageKind::Resend)
        .map(|m| m.sequence)
        .collect();
    assert_eq!(seqs, [1, 2]);
    assert_eq!(resent2.revision(), resent.revision() + 1);
    assert!(w.slate.open_link(&token).await.is_ok());
}

#[tokio::test]
async fn resend_refusals() {
    let w = World::new().await;

    // completed
    let inv = w.invite("done@example.com").await;
    let token = w.slate.link_token(&inv);
    w.slate.open_link(&token).await.unwrap();
    w.answer(&token, w.q(0)).await;
    w.answer(&token, w.q(1)).await;
    w.slate.complete(&token).await.unwrap();
    let err = w.slate.resend(w.caller, inv.id()).await;
    assert!(matches!(err, Err(ResendError::Refused(TransitionError::AlreadyCompleted))), "{err:?}");

    // cancelled
    let inv = w.invite("cancel@example.com").await;
    w.slate.cancel(w.caller, inv.id()).await.unwrap();
    assert!(matches!(w.slate.resend(w.caller, inv.id()).await, Err(ResendError::Refused(TransitionError::Cancelled))));
    assert!(matches!(w.slate.cancel(w.caller, inv.id()).await, Err(CancelError::Refused(TransitionError::Cancelled))));

    // expired: a new deadline first, then resend works
    let inv = w.invite("late@example.com").await;
    w.memory.clock.set(at("2026-12-01T08:00:00Z"));
    assert_eq!(w.slate.expire_overdue(100).await.unwrap(), 1);
    assert!(matches!(
        w.slate.resend(w.caller, inv.id()).await,
        Err(ResendError::Refused(TransitionError::DeadlinePassed { .. }))
    ));
    let err = w.slate.change_deadline(w.caller, inv.id(), date("2026-11-30")).await;
    assert!(matches!(err, Err(ChangeDeadlineError::Deadline(DeadlineError::InPast { .. }))), "{err:?}");
    let reopened = w.slate.change_deadline(w.caller, inv.id(), date("2026-12-05")).await.unwrap();
    assert_eq!(reopened.status(), InvitationStatus::Queued, "reopened where it was");
    assert!(w.slate.resend(w.caller, inv.id()).await.is_ok());
}

#[tokio::test]
async fn bounces_and_email_corrections_go_through_the_outbox() {
    let w = World::new().await;
    let inv = w.invite("typo@exmaple.com").await;

    let claimed = w.slate.claim_messages(10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(w.slate.claim_messages(10).await.unwrap().is_empty(), "a claimed message is not handed out twice");
    let msg = w
        .slate
        .record_delivery(
            claimed[0].id,
            claimed[0].claim_token().unwrap(),
            DeliveryOutcome::PermanentFailure { reason: "550 5.1.1 no such user".into() },
        )
        .await
        .unwrap();
    assert!(matches!(msg.state, DeliveryState::Failed { .. }));
    let bounced = w.slate.get_invitation(w.caller, inv.id()).await.unwrap();
    assert_eq!(bounced.status(), InvitationStatus::Bounced);
    assert!(matches!(
        w.slate.resend(w.caller, inv.id()).await,
        Err(ResendError::Refused(TransitionError::NeedsCorrectedEmail))
    ));

    let fixed = w.slate.change_email(w.caller, inv.id(), email("ada@example.com")).await.unwrap();
    assert_eq!(fixed.status(), InvitationStatus::Queued);
    assert_eq!(fixed.email().as_str(), "ada@example.com");
    let again = w.slate.claim_messages(10).await.unwrap();
    assert_eq!(
        again.iter().map(|m| (m.kind, m.sequence, m.to.as_str())).collect::<Vec<_>>(),
        [(MessageKind::Invitation, 1, "ada@example.com")]
    );
    w.slate.record_delivery(again[0].id, again[0].claim_token().unwrap(), DeliveryOutcome::Delivered).await.unwrap();
    assert_eq!(w.slate.get_invitation(w.caller, inv.id()).await.unwrap().status(), InvitationStatus::Sent);

    let names: Vec<_> =
        w.slate.candidate_timeline(w.caller, inv.candidate_id()).await.unwrap().iter().map(|e| e.kind.name()).collect();
    assert_eq!(names, ["invited", "email_bounced", "email_changed", "email_delivered"]);

    // only a bounced invitation's email can be corrected
    let err = w.slate.change_email(w.caller, inv.id(), email("other@example.com")).await;
    assert!(matches!(
        err,
        Err(ChangeEmailError::Refused(TransitionError::NotAllowed { from: InvitationStatus::Sent, .. }))
    ));
}

#[tokio::test]
async fn temporary_failures_back_off_then_give_up() {
    let w = World::new().await;
    let settings = Settings { outbox_max_attempts: 3, ..Settings::default() };
    let slate = Slate::new(w.memory.ports(), settings.clone());
    let inv = w.invite("ada@example.com").await;
    let fail = || DeliveryOutcome::TemporaryFailure { reason: "421 try later".into() };

    let m = slate.claim_messages(1).await.unwrap().remove(0);
    let m = slate.record_delivery(m.id, m.claim_token().unwrap(), fail()).await.unwrap();
    let pending = |m: &OutboxMessage| match m.state {
        DeliveryState::Pending { not_before, attempts } => (not_before, attempts),
        ref other => panic!("{other:?}"),
    };
    // 30 s, with jitter: between half and all of it
    let (not_before, attempts) = pending(&m);
    assert_eq!(attempts, 1);
    assert!((at("2026-11-22T09:00:15Z")..=at("2026-11-22T09:00:30Z")).contains(&not_before), "{not_before}");
    assert!(slate.claim_messages(1).await.unwrap().is_empty(), "not before the back-off");
    w.memory.clock.advance(TimeDelta::seconds(30));
    let m = slate.claim_messages(1).await.unwrap().remove(0);
    let m = slate.record_delivery(m.id, m.claim_token().unwrap(), fail()).await.unwrap();
    let (not_before, attempts) = pending(&m);
    assert_eq!(attempts, 2);
    assert!((at("2026-11-22T09:01:00Z")..=at("2026-11-22T09:01:30Z")).contains(&not_before), "doubled: {not_before}");
    w.memory.clock.advance(TimeDelta::seconds(60));
    let m = slate.claim_messages(1).await.unwrap().remove(0);
    let m = slate.record_delivery(m.id, m.claim_token().unwrap(), fail()).await.unwrap();
    assert!(matches!(m.state, DeliveryState::Failed { ref reason, .. } if reason.contains("3 attempts")), "{m:?}");
    assert_eq!(
        slate.get_invitation(w.caller, inv.id()).await.unwrap().status(),
        InvitationStatus::Queued,
        "not a bounce"
    );
    for spread in [0, 1, 7_777, u64::MAX] {
        let d = settings.retry_delay(30, spread);
        assert!(d <= settings.outbox_max_retry && d >= settings.outbox_max_retry / 2, "{d:?}");
    }
    let spreads: std::collections::HashSet<_> = (0..50).map(|n| settings.retry_delay(3, n * 997)).collect();
    assert!(spreads.len() > 10, "jitter spreads retries: {spreads:?}");
}

#[tokio::test]
async fn a_lapsed_claim_is_taken_over() {
    let w = World::new().await;
    w.invite("ada@example.com").await;
    assert_eq!(w.slate.claim_messages(5).await.unwrap().len(), 1);
    w.memory.clock.advance(TimeDelta::minutes(4));
    assert!(w.slate.claim_messages(5).await.unwrap().is_empty());
    w.memory.clock.advance(TimeDelta::minutes(1));
    let again = w.slate.claim_messages(5).await.unwrap();
    assert!(matches!(again[0].state, DeliveryState::Claimed { attempts: 2, .. }), "{again:?}");
}

#[tokio::test]
async fn messages_given_back_are_due_at_once_without_an_attempt_counted_and_a_taken_over_one_is_left() {
    let w = World::new().await;
    w.invite("ada@example.com").await;
    let first = w.slate.claim_messages(10).await.unwrap();
    // That claim lapses and another worker takes the message over.
    w.memory.clock.advance(TimeDelta::minutes(6));
    let taken = w.slate.claim_messages(10).await.unwrap().remove(0);
    assert_eq!(taken.id, first[0].id);
    w.invite("bob@example.com").await;
    w.invite("cy@example.com").await;
    let second = w.slate.claim_messages(10).await.unwrap();
    assert_eq!(second.len(), 2);
    assert!(w.slate.claim_messages(10).await.unwrap().is_empty(), "claimed, so not due");
    let unsent: Vec<_> = first.into_iter().chain(second).collect();
    let released = w.slate.release_messages(&unsent).await.unwrap();
    assert_eq!(released, 2, "the taken-over message stays with its new holder");
    let again = w.slate.claim_messages(10).await.unwrap();
    assert_eq!(again.len(), 2, "given back: due at once, long before their claims lapse");
    assert!(again.iter().all(|m| m.id != taken.id));
    for m in &again {
        assert!(matches!(m.state, DeliveryState::Claimed { attempts: 1, .. }), "the release did not count: {m:?}");
    }
    assert_eq!(w.slate.release_messages(&[]).await.unwrap(), 0);
    // The new holder's claim still stands.
    let done = w.slate.record_delivery(taken.id, taken.claim_token().unwrap(), DeliveryOutcome::Delivered).await;
    assert!(done.is_ok(), "{done:?}");
}

#[tokio::test]
async fn expiry_and_reminders_run_once() {
    let w = World::new().await;
    let a = w.invite("a@example.com").await;
    let b = w.invite("b@example.com").await;
    for m in w.slate.claim_messages(10).await.unwrap() {
        w.slate.record_delivery(m.id, m.claim_token().unwrap(), DeliveryOutcome::Delivered).await.unwrap();
    }
    w.slate.open_link(&w.slate.link_token(&b)).await.unwrap();
    w.answer(&w.slate.link_token(&b), w.q(0)).await;

    // day 2 after sending: a has not started, b has
    w.memory.clock.set(at("2026-11-24T09:00:00Z"));
    assert_eq!(w.slate.queue_due_reminders(10).await.unwrap().queued, 1);
    assert_eq!(w.slate.queue_due_reminders(10).await.unwrap().queued, 0, "never twice");
    // the day before the deadline (29 November in Athens starts at 28 Nov 22:00 UTC)
    w.memory.clock.set(at("2026-11-28T21:59:59Z"));
    assert_eq!(w.slate.queue_due_reminders(10).await.unwrap().queued, 0);
    w.memory.clock.set(at("2026-11-28T22:00:00Z"));
    assert_eq!(w.slate.queue_due_reminders(10).await.unwrap().queued, 2);
    assert_eq!(w.slate.queue_due_reminders(10).await.unwrap().queued, 0);
    let reminders = |id| {
        let slate = w.slate.clone();
        let caller = w.caller;
        async move {
            slate
                .messages(caller, id)
                .await
                .unwrap()
                .into_iter()
                .filter(|m| matches!(m.kind, MessageKind::Reminder(_)))
                .count()
        }
    };
    assert_eq!((reminders(a.id()).await, reminders(b.id()).await), (2, 1));

    w.memory.clock.set(at("2026-11-30T22:00:00Z"));
    // Read before the expiry job runs: already expired to whoever looks, nothing written yet.
    let seen = w.slate.get_invitation(w.caller, b.id()).await.unwrap();
    assert_eq!(
        (seen.status(), seen.parts().expired_from),
        (InvitationStatus::Expired, Some(InvitationStatus::Started))
    );
    let sent = InvitationQuery { statuses: vec![InvitationStatus::Started], ..InvitationQuery::default() };
    assert!(w.slate.list_invitations(w.caller, &sent).await.unwrap().items.is_empty(), "no longer started");
    assert!(
        w.slate
            .list_invitations(w.caller, &InvitationQuery::default())
            .await
            .unwrap()
            .items
            .iter()
            .all(|i| i.status() == InvitationStatus::Expired),
        "every listed one reads expired"
    );
    assert_eq!(w.slate.expire_overdue(100).await.unwrap(), 2, "the job still records them");
    assert_eq!(w.slate.expire_overdue(100).await.unwrap(), 0);
    let b = w.slate.get_invitation(w.caller, b.id()).await.unwrap();
    assert_eq!(b.status(), InvitationStatus::Expired);
    assert_eq!(b.parts().expired_from, Some(InvitationStatus::Started));
}

#[tokio::test]
async fn recruiters_never_see_another_organizations_data() {
    let w = World::new().await;
    let inv = w.invite("ada@example.com").await;
    let other = w.other_caller().await;
    assert!(matches!(w.slate.get_invitation(other, inv.id()).await, Err(NotFoundError::NotFound)));
    assert!(matches!(w.slate.resend(other, inv.id()).await, Err(ResendError::NotFound)));
    assert!(matches!(w.slate.cancel(other, inv.id()).await, Err(CancelError::NotFound)));
    assert!(matches!(
        w.slate.change_deadline(other, inv.id(), date("2026-12-01")).await,
        Err(ChangeDeadlineError::NotFound)
    ));
    assert!(matches!(
        w.slate.change_email(other, inv.id(), email("x@y.example")).await,
        Err(ChangeEmailError::NotFound)
    ));
    assert!(matches!(
        w.slate.candidate_timeline(other, inv.candidate_id()).await,
        Err(TimelineError::CandidateNotFound)
    ));
    assert!(matches!(w.slate.answers(other, inv.id()).await, Err(NotFoundError::NotFound)));
    assert!(matches!(w.slate.messages(other, inv.id()).await, Err(NotFoundError::NotFound)));
    assert!(matches!(w.slate.get_interview(other, w.interview.id()).await, Err(NotFoundError::NotFound)));
    assert!(matches!(w.slate.publish_interview(other, w.interview.id()).await, Err(InterviewUseCaseError::NotFound)));
    let input = InviteExternal { interview_id: w.interview.id(), ..w.external("A", "B", "a@b.example") };
    assert!(matches!(w.slate.invite_external(other, input).await, Err(InviteError::InterviewNotFound)));
    let page = w.slate.list_invitations(other, &InvitationQuery::default()).await.unwrap();
    assert!(page.items.is_empty());
    assert!(w.slate.list_interviews(other, None).await.unwrap().is_empty());
}

// ---------------------------------------------------------------- lists and search

#[tokio::test]
async fn listing_filters_searches_sorts_and_pages_without_gaps() {
    let w = World::new().await;
    let names = ["Zoe Adams", "Yann Brown", "Xena Clark", "Will Davis", "Vera Evans", "Ugo Ford", "Tina Green"];
    let mut ids = Vec::new();
    for (i, full) in names.iter().enumerate() {
        let (first, last) = full.split_once(' ').unwrap();
        w.memory.clock.advance(TimeDelta::minutes(1));
        let mut input = w.external(first, last, &format!("{}@example.com", first.to_lowercase()));
        input.deadline = date(&format!("2026-12-{:02}", 10 + i));
        ids.push(w.slate.invite_external(w.caller, input).await.unwrap().id());
    }
    w.slate.cancel(w.caller, ids[1]).await.unwrap();

    // default: newest first, paged by 3
    let mut seen = Vec::new();
    let mut query = InvitationQuery { limit: PageSize::new(3).unwrap(), ..InvitationQuery::default() };
    loop {
        let page = w.slate.list_invitations(w.caller, &query).await.unwrap();
        seen.extend(page.items.iter().map(Invitation::id));
        match page.next {
            Some(next) => query.after = Some(Cursor::decode(&next.encode(), query.sort).unwrap()),
            None => break,
        }
    }
    let mut newest_first = ids.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first, "every row once, in order");

    // by candidate name ascending
    let sort = Sort { field: SortField::CandidateName, order: SortOrder::Asc };
    let page =
        w.slate.list_invitations(w.caller, &InvitationQuery { sort, ..InvitationQuery::default() }).await.unwrap();
    let lasts: Vec<_> = page.items.iter().map(|i| i.parts().candidate_last_name.to_string()).collect();
    assert_eq!(lasts, ["Adams", "Brown", "Clark", "Davis", "Evans", "Ford", "Green"]);
    assert!(page.next.is_none());

    // filters
    let q = InvitationQuery { statuses: vec![InvitationStatus::Cancelled], ..InvitationQuery::default() };
    assert_eq!(
        w.slate.list_invitations(w.caller, &q).await.unwrap().items.iter().map(Invitation::id).collect::<Vec<_>>(),
        [ids[1]]
    );
    let q = InvitationQuery {
        deadline_from: Some(date("2026-12-12")),
        deadline_to: Some(date("2026-12-13")),
        sort: Sort { field: SortField::Deadline, order: SortOrder::Asc },
        ..InvitationQuery::default()
    };
    assert_eq!(
        w.slate.list_invitations(w.caller, &q).await.unwrap().items.iter().map(Invitation::id).collect::<Vec<_>>(),
        [ids[2], ids[3]]
    );
    let q = InvitationQuery { search: Some(SearchText::parse("EVA").unwrap()), ..InvitationQuery::default() };
    assert_eq!(w.slate.list_invitations(w.caller, &q).await.unwrap().items.len(), 1, "last name, case-insensitive");
    let q = InvitationQuery { search: Some(SearchText::parse("ugo@").unwrap()), ..InvitationQuery::default() };
    assert_eq!(w.slate.list_invitations(w.caller, &q).await.unwrap().items.len(), 1, "email");
    let q = InvitationQuery {
        interview_id: Some(InterviewId::from_uuid(uuid::Uuid::from_u128(1))),
        ..InvitationQuery::default()
    };
    assert!(w.slate.list_invitations(w.caller, &q).await.unwrap().items.is_empty());
    let q = InvitationQuery { job_id: w.interview.details().job_id, ..InvitationQuery::default() };
    assert_eq!(w.slate.list_invitations(w.caller, &q).await.unwrap().items.len(), 7);

    // a cursor belongs to its sort
    let cursor = page.items.last().map(|i| Cursor::after(i, sort)).unwrap().encode();
    assert_eq!(Cursor::decode(&cursor, Sort::default()), Err(CursorError::OtherSort));
    assert_eq!(Cursor::decode("bm9wZQ", sort), Err(CursorError::Malformed));
}

#[tokio::test]
async fn type_ahead_finds_internal_candidates_by_first_or_last_name_prefix() {
    let w = World::new().await;
    for (first, last) in [("Ada", "Lovelace"), ("Adam", "Smith"), ("Linus", "Adair"), ("Grace", "Hopper")] {
        let new = NewCandidate {
            first_name: name(first),
            last_name: name(last),
            email: None,
            phone: None,
            notes: LongText::default(),
        };
        w.slate.create_candidate(w.caller, new).await.unwrap();
    }
    w.invite("external.adams@example.com").await; // an external "Ada Lovelace": not in the base
    let found = w.slate.search_candidates(w.caller, &NamePrefix::parse(" aD ").unwrap(), 10).await.unwrap();
    let names: Vec<_> = found.iter().map(Candidate::full_name).collect();
    assert_eq!(names, ["Linus Adair", "Ada Lovelace", "Adam Smith"], "by last name");
    assert_eq!(w.slate.search_candidates(w.caller, &NamePrefix::parse("ad").unwrap(), 1).await.unwrap().len(), 1);
    assert!(
        w.slate.search_candidates(w.caller, &NamePrefix::parse("ove").unwrap(), 10).await.unwrap().is_empty(),
        "prefix only"
    );
    let other = w.other_caller().await;
    assert!(w.slate.search_candidates(other, &NamePrefix::parse("ad").unwrap(), 10).await.unwrap().is_empty());
}

// ---------------------------------------------------------------- interviews and set-up

#[tokio::test]
async fn interview_rules() {
    let w = World::new().await;
    let empty = w
        .slate
        .create_interview(w.caller, InterviewInput { details: details("Empty", None), questions: vec![] })
        .await
        .unwrap();
    assert_eq!(empty.status(), InterviewStatus::Draft);
    assert!(matches!(
        w.slate.publish_interview(w.caller, empty.id()).await,
        Err(InterviewUseCaseError::Invalid(InterviewError::NoQuestions))
    ));
    assert!(matches!(
        w.slate.publish_interview(w.caller, w.interview.id()).await,
        Err(InterviewUseCaseError::Invalid(InterviewError::NotAllowed { status: InterviewStatus::Published, .. }))
    ));

    let mut bad = question("Too long", 0);
    bad.max_answer_secs = 5_000;
    let input = InterviewInput { details: details("Bad", None), questions: vec![question("Fine", 0), bad] };
    let err = w.slate.create_interview(w.caller, input).await;
    assert!(
        matches!(err, Err(InterviewUseCaseError::Question { index: 1, source: QuestionError::MaxAnswer(5_000) })),
        "{err:?}"
    );

    let input = InterviewInput {
        details: details("Job?", Some(JobId::from_uuid(uuid::Uuid::from_u128(77)))),
        questions: vec![],
    };
    assert!(matches!(w.slate.create_interview(w.caller, input).await, Err(InterviewUseCaseError::JobNotFound)));

    // optimistic concurrency on edits
    let edit = || InterviewInput { details: details("Edited", None), questions: vec![question("Q", 0)] };
    let stale = w.interview.revision();
    w.slate.edit_interview(w.caller, w.interview.id(), Some(stale), edit()).await.unwrap();
    assert!(matches!(
        w.slate.edit_interview(w.caller, w.interview.id(), Some(stale), edit()).await,
        Err(InterviewUseCaseError::Conflict)
    ));

    let archived = w.slate.archive_interview(w.caller, w.interview.id()).await.unwrap();
    assert_eq!(archived.status(), InterviewStatus::Archived);
    assert!(matches!(
        w.slate.edit_interview(w.caller, w.interview.id(), None, edit()).await,
        Err(InterviewUseCaseError::Invalid(InterviewError::NotAllowed { status: InterviewStatus::Archived, .. }))
    ));

    let preview = w.slate.preview_interview(w.caller, empty.id()).await.unwrap();
    assert_eq!(preview.name.as_str(), "Empty");
    assert_eq!(w.interview.number_of_questions(), 2);
    assert_eq!(w.interview.estimated_duration(), std::time::Duration::from_secs(2 * (30 + 120)));
}

#[tokio::test]
async fn recruiter_emails_are_unique() {
    let w = World::new().await;
    let err = w
        .slate
        .add_recruiter(w.org.id, NewRecruiter { name: name("Rita Two"), email: email("rita@acme.example") })
        .await;
    assert!(matches!(err, Err(AddRecruiterError::EmailTaken)), "{err:?}");
    let nowhere = OrganizationId::from_uuid(uuid::Uuid::from_u128(4242));
    let err = w.slate.add_recruiter(nowhere, NewRecruiter { name: name("X"), email: email("x@acme.example") }).await;
    assert!(matches!(err, Err(AddRecruiterError::OrganizationNotFound)), "{err:?}");
}

// ---------------------------------------------------------------- sending mail

#[tokio::test]
async fn a_worker_whose_claim_lapsed_cannot_overwrite_the_new_holders_outcome() {
    let w = World::new().await;
    let inv = w.invite("ada@example.com").await;
    let first = w.slate.claim_messages(1).await.unwrap().remove(0);
    w.memory.clock.advance(TimeDelta::minutes(6)); // past the 5-minute claim
    let second = w.slate.claim_messages(1).await.unwrap().remove(0);
    assert_eq!(first.id, second.id);
    assert_ne!(first.claim_token(), second.claim_token());
    // The new holder fails temporarily; the old one then reports a bounce.
    let temp = DeliveryOutcome::TemporaryFailure { reason: "451 later".into() };
    w.slate.record_delivery(second.id, second.claim_token().unwrap(), temp).await.unwrap();
    let late = DeliveryOutcome::PermanentFailure { reason: "550 no".into() };
    let err = w.slate.record_delivery(first.id, first.claim_token().unwrap(), late).await;
    assert!(matches!(err, Err(DeliveryError::ClaimLost)), "{err:?}");
    assert!(matches!(
        w.slate.prepare_message(first.id, first.claim_token().unwrap()).await,
        Err(DeliveryError::ClaimLost)
    ));
    let stored = w.slate.messages(w.caller, inv.id()).await.unwrap().remove(0);
    assert!(matches!(stored.state, DeliveryState::Pending { attempts: 2, .. }), "{stored:?}");
    assert_eq!(
        w.slate.get_invitation(w.caller, inv.id()).await.unwrap().status(),
        InvitationStatus::Queued,
        "no bounce"
    );
}

#[tokio::test]
async fn preparing_gathers_the_context_and_skips_what_no_longer_holds() {
    let w = World::new().await;
    let mut input = w.external("Ada", "Lovelace", "ada@example.com");
    input.bcc_me = true;
    let inv = w.slate.invite_external(w.caller, input).await.unwrap();
    let claimed = w.slate.claim_messages(10).await.unwrap();
    assert_eq!(claimed.iter().map(|m| m.kind).collect::<Vec<_>>(), [MessageKind::Invitation, MessageKind::BccCopy]);
    for m in &claimed {
        let Prepared::Send(ctx) = w.slate.prepare_message(m.id, m.claim_token().unwrap()).await.unwrap() else {
            panic!("sent")
        };
        assert_eq!(ctx.organization.name.as_str(), "Acme");
        assert_eq!(ctx.recruiter.email.as_str(), "rita@acme.example");
        assert_eq!(ctx.invitation.id(), inv.id());
        assert_eq!(ctx.message.language, Language::Greek, "the organization's default language");
        let link = ctx.candidate_link.as_ref().unwrap().expose().to_owned();
        assert_eq!(link, w.slate.candidate_link(&inv).expose());
        assert!(link.starts_with("http://127.0.0.1:8080/i/"), "{link}");
        assert!(!format!("{ctx:?}").contains(&link), "the link is redacted in Debug");
        assert_eq!(ctx.review_link, format!("http://127.0.0.1:8080/invitations/{}", inv.id()));
        let rendered = w.slate.render_message(&ctx);
        assert!(rendered.text.contains(&link), "{}", rendered.text);
    }
    // Cancelled before the next attempt: the invitation email is skipped, not sent.
    w.memory.clock.advance(TimeDelta::minutes(6));
    let again = w.slate.claim_messages(10).await.unwrap();
    w.slate.cancel(w.caller, inv.id()).await.unwrap();
    let prepared = w.slate.prepare_message(again[0].id, again[0].claim_token().unwrap()).await.unwrap();
    assert!(matches!(prepared, Prepared::Skipped { ref reason } if reason.contains("cancelled")), "{prepared:?}");
    let messages = w.slate.messages(w.caller, inv.id()).await.unwrap();
    assert!(matches!(messages[0].state, DeliveryState::Skipped { .. }), "{messages:?}");
    assert!(
        !messages.iter().any(|m| m.kind == MessageKind::Cancelled),
        "a candidate who never received the link is not told it was withdrawn"
    );
}

#[tokio::test]
async fn deadline_changes_and_cancellations_tell_a_candidate_who_has_the_link() {
    let w = World::new().await;
    let inv = w.invite("ada@example.com").await;
    // Still queued: the invitation email will carry the new date; no separate notice.
    w.slate.change_deadline(w.caller, inv.id(), date("2026-12-02")).await.unwrap();
    for m in w.slate.claim_messages(10).await.unwrap() {
        w.slate.record_delivery(m.id, m.claim_token().unwrap(), DeliveryOutcome::Delivered).await.unwrap();
    }
    w.slate.change_deadline(w.caller, inv.id(), date("2026-12-05")).await.unwrap();
    w.slate.change_deadline(w.caller, inv.id(), date("2026-12-06")).await.unwrap();
    w.slate.cancel(w.caller, inv.id()).await.unwrap();
    let kinds: Vec<_> =
        w.slate.messages(w.caller, inv.id()).await.unwrap().iter().map(|m| (m.kind, m.to.to_string())).collect();
    let ada = "ada@example.com".to_owned();
    assert_eq!(
        kinds,
        [
            (MessageKind::Invitation, ada.clone()),
            (MessageKind::DeadlineChanged, ada.clone()),
            (MessageKind::DeadlineChanged, ada.clone()),
            (MessageKind::Cancelled, ada),
        ]
    );
}

#[tokio::test]
async fn reminders_are_replanned_when_the_deadline_moves() {
    let w = World::new().await;
    let inv = w.invite("ada@example.com").await;
    for m in w.slate.claim_messages(10).await.unwrap() {
        w.slate.record_delivery(m.id, m.claim_token().unwrap(), DeliveryOutcome::Delivered).await.unwrap();
    }
    let sent = w.slate.get_invitation(w.caller, inv.id()).await.unwrap();
    assert_eq!(sent.next_reminder_at(), Some(at("2026-11-24T09:00:00Z")), "two days after sending");
    w.memory.clock.set(at("2026-11-24T09:00:00Z"));
    assert_eq!(w.slate.queue_due_reminders(10).await.unwrap().queued, 1);
    let planned = w.slate.get_invitation(w.caller, inv.id()).await.unwrap();
    // The day before 30 November in Athens begins on 28 November at 22:00 UTC.
    assert_eq!(planned.next_reminder_at(), Some(at("2026-11-28T22:00:00Z")));
    let moved = w.slate.change_deadline(w.caller, inv.id(), date("2026-12-20")).await.unwrap();
    assert_eq!(moved.next_reminder_at(), Some(at("2026-12-18T22:00:00Z")), "re-planned with the deadline");
    w.memory.clock.set(at("2026-11-28T22:00:00Z"));
    assert_eq!(w.slate.queue_due_reminders(10).await.unwrap(), RemindersRun { looked_at: 0, queued: 0 });
    w.memory.clock.set(at("2026-12-18T22:00:00Z"));
    assert_eq!(w.slate.queue_due_reminders(10).await.unwrap(), RemindersRun { looked_at: 1, queued: 1 });
    assert_eq!(w.slate.get_invitation(w.caller, inv.id()).await.unwrap().next_reminder_at(), None, "all sent");
}

#[tokio::test]
async fn templates_are_checked_saved_previewed_and_reset() {
    let w = World::new().await;
    let input = |subject: &str, body: &str| TemplateInput {
        kind: TemplateKind::Invitation,
        language: Language::English,
        subject: subject.into(),
        body: body.into(),
        revision: None,
    };
    let err = w.slate.create_template(w.caller, input("Hi", "Hello {{candidate.frist_name}} {{interview.link}}")).await;
    assert!(
        matches!(&err, Err(TemplateUseCaseError::Invalid { field: TemplateField::Body, error: TemplateError::UnknownPlaceholder { name } }) if name == "candidate.frist_name"),
        "{err:?}"
    );
    let err = w.slate.create_template(w.caller, input("Hi", "no link")).await;
    assert!(matches!(err, Err(TemplateUseCaseError::Invalid { error: TemplateError::MissingPlaceholder { .. }, .. })));

    let before = w.slate.get_template(w.caller, TemplateKind::Invitation, Language::English).await.unwrap();
    assert!(before.custom.is_none(), "the default until the organization writes its own");
    let saved = w
        .slate
        .create_template(
            w.caller,
            input("{{job.title}} at {{company.name}}", "Hello {{candidate.first_name}}: {{interview.link}}"),
        )
        .await
        .unwrap();
    assert!(matches!(
        w.slate.create_template(w.caller, input("x", "{{interview.link}}")).await,
        Err(TemplateUseCaseError::AlreadyExists(TemplateKind::Invitation))
    ));
    let mut update = input("New {{job.title}}", "Hi {{candidate.first_name}}, {{interview.link}}");
    update.revision = Some(saved.revision + 7);
    assert!(matches!(w.slate.save_template(w.caller, update.clone()).await, Err(TemplateUseCaseError::Conflict)));
    update.revision = Some(saved.revision);
    let updated = w.slate.save_template(w.caller, update).await.unwrap();
    assert_eq!(updated.revision, saved.revision + 1);
    let list = w.slate.list_templates(w.caller).await.unwrap();
    assert_eq!(list.len(), TemplateKind::ALL.len() * Language::ALL.len());
    assert_eq!(list.iter().filter(|t| t.custom.is_some()).count(), 1);
    let other = w.other_caller().await;
    assert!(w.slate.get_template(other, TemplateKind::Invitation, Language::English).await.unwrap().custom.is_none());

    // The organization's template words the real email, and previews fill every value.
    let inv = w.invite("ada@example.com").await;
    let preview = w
        .slate
        .preview_template(
            w.caller,
            PreviewInput {
                kind: TemplateKind::Invitation,
                language: Language::English,
                subject: None,
                body: None,
                invitation_id: Some(inv.id()),
            },
        )
        .await
        .unwrap();
    assert_eq!(preview.subject, "New Backend engineer");
    assert_eq!(preview.text, format!("Hi Ada, {}", w.slate.candidate_link(&inv).expose()));
    let sample = w
        .slate
        .preview_template(w.caller, PreviewInput {
            kind: TemplateKind::Resend,
            language: Language::German,
            subject: Some("Erinnerung: {{interview.name}}".into()),
            body: Some("{{candidate.first_name}} {{candidate.last_name}}, {{interview.question_count}} Fragen: {{interview.link}}".into()),
            invitation_id: None,
        })
        .await
        .unwrap();
    assert_eq!(sample.subject, "Erinnerung: First interview");
    assert!(sample.text.starts_with("Ada Lovelace, 3 Fragen: http://127.0.0.1:8080/i/"), "{}", sample.text);
    assert!(matches!(
        w.slate
            .preview_template(
                other,
                PreviewInput {
                    kind: TemplateKind::Invitation,
                    language: Language::English,
                    subject: None,
                    body: None,
                    invitation_id: Some(inv.id())
                }
            )
            .await,
        Err(TemplateUseCaseError::NotFound)
    ));
    let reset = w.slate.reset_template(w.caller, TemplateKind::Invitation, Language::English).await.unwrap();
    assert!(reset.custom.is_none());
    assert!(matches!(
        w.slate.reset_template(w.caller, TemplateKind::Invitation, Language::English).await,
        Err(TemplateUseCaseError::NotFound)
    ));
}

#[tokio::test]
async fn the_mailbox_keeps_emails_without_their_links_and_shows_them_again() {
    let w = World::new().await;
    let inv = w.invite("ada@example.com").await;
    let m = w.slate.claim_messages(1).await.unwrap().remove(0);
    let token = m.claim_token().unwrap();
    let Prepared::Send(ctx) = w.slate.prepare_message(m.id, token).await.unwrap() else { panic!("sent") };
    let rendered = w.slate.render_message(&ctx);
    let link = w.slate.candidate_link(&inv).expose().to_owned();
    let captured = CapturedEmail {
        id: m.id,
        organization_id: m.organization_id,
        about: m.about,
        kind: m.kind,
        from: "Slate <noreply@slate.example>".into(),
        to: m.to.clone(),
        reply_to: Some(ctx.recruiter.email.clone()),
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        captured_at: at("2026-11-22T09:00:00Z"),
    };
    w.slate.record_delivery(m.id, token, DeliveryOutcome::Captured(Box::new(captured))).await.unwrap();
    assert_eq!(w.slate.get_invitation(w.caller, inv.id()).await.unwrap().status(), InvitationStatus::Sent);
    let page = w.slate.mailbox(w.caller, None, 10).await.unwrap();
    assert_eq!(page.emails.len(), 1);
    assert!(!page.emails[0].text.contains(&link) && page.emails[0].text.contains(WITHHELD_LINK), "no link at rest");
    let read = w.slate.mailbox_email(w.caller, m.id).await.unwrap();
    assert!(read.text.contains(&link) && read.html.contains(&link), "{}", read.text);
    let other = w.other_caller().await;
    assert!(w.slate.mailbox(other, None, 10).await.unwrap().emails.is_empty());
    assert!(matches!(w.slate.mailbox_email(other, m.id).await, Err(NotFoundError::NotFound)));
}

/// Prepares a claimed batch and records every message as delivered in one call.
async fn deliver_batch(slate: &Slate, claimed: &[OutboxMessage]) -> Vec<Result<OutboxMessage, DeliveryError>> {
    let prepared = slate.prepare_messages(claimed).await;
    let reports = claimed
        .iter()
        .zip(prepared)
        .map(|(m, p)| {
            let Ok(Prepared::Send(ctx)) = p else { panic!("{p:?}") };
            DeliveryReport {
                message: m.clone(),
                invitation: Some(ctx.invitation),
                live: None,
                outcome: DeliveryOutcome::Delivered,
            }
        })
        .collect();
    slate.record_deliveries(reports).await
}

#[tokio::test]
async fn a_batch_is_prepared_at_once_and_recorded_in_one_commit_or_one_by_one() {
    let w = World::new().await;
    let a = w.invite("a@example.com").await;
    let b = w.invite("b@example.com").await;
    // Delivering a's invitation and a resend of it in one group cannot commit whole (two
    // changes of one invitation at the same revision): each is then recorded on its own.
    let claimed = w.slate.claim_messages(10).await.unwrap();
    let results = deliver_batch(&w.slate, &claimed).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    for inv in [&a, &b] {
        assert_eq!(w.slate.get_invitation(w.caller, inv.id()).await.unwrap().status(), InvitationStatus::Sent);
    }
    w.slate.resend(w.caller, a.id()).await.unwrap();
    w.slate.resend(w.caller, b.id()).await.unwrap();
    w.slate.resend(w.caller, a.id()).await.unwrap();
    let claimed = w.slate.claim_messages(10).await.unwrap();
    assert_eq!(claimed.len(), 3);
    let results = deliver_batch(&w.slate, &claimed).await;
    assert!(results.iter().all(Result::is_ok), "the fall-back records each: {results:?}");
    let delivered = |id| {
        let slate = w.slate.clone();
        let caller = w.caller;
        async move {
            slate
                .messages(caller, id)
                .await
                .unwrap()
                .iter()
                .filter(|m| matches!(m.state, DeliveryState::Delivered { .. }))
                .count()
        }
    };
    assert_eq!((delivered(a.id()).await, delivered(b.id()).await), (3, 2));
    // A report whose claim lapsed and was taken over is refused, the others recorded.
    w.slate.resend(w.caller, b.id()).await.unwrap();
    let stale = w.slate.claim_messages(10).await.unwrap().remove(0);
    w.memory.clock.advance(TimeDelta::minutes(6));
    let fresh = w.slate.claim_messages(10).await.unwrap().remove(0);
    let results = w
        .slate
        .record_deliveries(vec![DeliveryReport {
            message: stale,
            invitation: None,
            live: None,
            outcome: DeliveryOutcome::Delivered,
        }])
        .await;
    assert!(matches!(results[..], [Err(DeliveryError::ClaimLost)]), "{results:?}");
    let results = w
        .slate
        .record_deliveries(vec![DeliveryReport {
            message: fresh,
            invitation: None,
            live: None,
            outcome: DeliveryOutcome::Delivered,
        }])
        .await;
    assert!(results[0].is_ok());
}

/// The storage contract kit holds for the in-memory store it ships with.
#[tokio::test]
async fn the_in_memory_store_passes_the_storage_contract_kit() {
    let passed = slate_domain::contract::check_store(|| async {
        std::sync::Arc::new(slate_domain::memory::InMemoryStore::new())
    })
    .await;
    assert_eq!(passed, Ok(slate_domain::contract::SCENARIOS.len()));
}
