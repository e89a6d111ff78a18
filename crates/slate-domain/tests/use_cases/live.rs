//! Live interviews through the use cases: scheduling, each attendee's link, the
//! confirmation rule, reschedules, cancellations, tenancy and the candidate's timeline.

#![expect(clippy::unwrap_used, reason = "a panic is a test failure")]

use chrono::TimeDelta;
use slate_domain::*;

use crate::common::{World, at, email};

fn token_of(url: &LinkUrl) -> LinkToken {
    LinkToken::presented(url.expose().rsplit('/').next().unwrap())
}

async fn scheduled(w: &World) -> (Candidate, LiveInterview) {
    let candidate =
        w.slate.create_candidate(w.caller, fixtures::candidate("Ada", "Lovelace", "ada@example.com")).await.unwrap();
    let mut input = fixtures::live(candidate.id, "2026-12-10", "10:00", &[("Grace Hopper", "grace@navy.example")]);
    input.interviewers.push(InterviewerInput::Recruiter(w.recruiter.id));
    let live = w.slate.schedule_live(w.caller, input).await.unwrap();
    (candidate, live)
}

fn tokens(w: &World, live: &LiveInterview) -> Vec<LinkToken> {
    live.attendees().iter().map(|a| token_of(&w.slate.attendee_link(live, a.id).unwrap())).collect()
}

#[tokio::test]
async fn scheduling_reads_the_slot_in_the_organizations_zone_and_invites_everyone_pending() {
    let w = World::new().await;
    let (candidate, live) = scheduled(&w).await;
    // Athens is UTC+2 in December.
    assert_eq!(live.slot().start(), at("2026-12-10T08:00:00Z"));
    assert_eq!(live.status(), LiveStatus::AwaitingConfirmation);
    let people: Vec<_> = live.attendees().iter().map(|a| (a.name.to_string(), a.email.to_string(), a.role)).collect();
    assert_eq!(
        people,
        [
            ("Ada Lovelace".to_owned(), "ada@example.com".to_owned(), AttendeeRole::Candidate(candidate.id)),
            ("Grace Hopper".to_owned(), "grace@navy.example".to_owned(), AttendeeRole::Interviewer(None)),
            ("Rita".to_owned(), "rita@acme.example".to_owned(), AttendeeRole::Interviewer(Some(w.recruiter.id))),
        ]
    );
    assert!(live.attendees().iter().all(|a| a.language == Language::Greek), "the organization's language");
    assert_eq!(w.slate.live_interview(w.caller, live.id()).await.unwrap(), live);
    let timeline = w.slate.candidate_timeline(w.caller, candidate.id).await.unwrap();
    assert_eq!(
        timeline.last().map(|e| (&e.kind, e.actor)),
        Some((
            &EventKind::LiveScheduled {
                live_interview_id: live.id(),
                title: "Second round".to_owned(),
                starts_at: at("2026-12-10T08:00:00Z"),
            },
            Actor::Recruiter(w.recruiter.id)
        ))
    );
    // Another organization sees nothing of it.
    let other = w.other_caller().await;
    assert!(matches!(w.slate.live_interview(other, live.id()).await, Err(LiveUseCaseError::NotFound)));
    assert!(w.slate.live_interviews(other, &LiveQuery::default()).await.unwrap().is_empty());
    assert_eq!(w.slate.live_interviews(w.caller, &LiveQuery::default()).await.unwrap(), [live]);
}

#[tokio::test]
async fn scheduled_only_once_the_candidate_and_every_interviewer_confirmed() {
    let w = World::new().await;
    let (candidate, live) = scheduled(&w).await;
    let links = tokens(&w, &live);
    // Opening a link changes nothing.
    let check = w.slate.check_attendee_link(&links[1]).await.unwrap();
    assert!(matches!(&check, AttendeeLinkCheck::Current { attendee, .. } if *attendee == live.attendees()[1].id));
    assert_eq!(w.slate.live_interview(w.caller, live.id()).await.unwrap().revision(), live.revision());

    let after = w.slate.respond_live(&links[0], AttendeeResponse::Confirmed).await.unwrap();
    assert_eq!(after.status(), LiveStatus::AwaitingConfirmation);
    let after = w.slate.respond_live(&links[1], AttendeeResponse::Confirmed).await.unwrap();
    assert_eq!(after.status(), LiveStatus::AwaitingConfirmation, "Rita has not answered");
    // The same answer twice records nothing more.
    let again = w.slate.respond_live(&links[1], AttendeeResponse::Confirmed).await.unwrap();
    assert_eq!(again.revision(), after.revision());
    let after = w.slate.respond_live(&links[2], AttendeeResponse::Confirmed).await.unwrap();
    assert_eq!(after.status(), LiveStatus::Scheduled);

    let kinds: Vec<_> = w
        .slate
        .candidate_timeline(w.caller, candidate.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind.name().starts_with("live_"))
        .map(|e| (e.kind.name(), e.actor))
        .collect();
    assert_eq!(
        kinds,
        [
            ("live_scheduled", Actor::Recruiter(w.recruiter.id)),
            ("live_confirmed", Actor::Candidate),
            ("live_confirmed", Actor::ExternalInterviewer(live.attendees()[1].id)),
            ("live_confirmed", Actor::Recruiter(w.recruiter.id)),
            ("live_all_confirmed", Actor::Recruiter(w.recruiter.id)),
        ]
    );
}

#[tokio::test]
async fn a_decline_shows_with_its_message_and_a_reschedule_resets_every_answer() {
    let w = World::new().await;
    let (candidate, live) = scheduled(&w).await;
    let links = tokens(&w, &live);
    for t in &links {
        w.slate.respond_live(t, AttendeeResponse::Confirmed).await.unwrap();
    }
    let message = LongText::parse("I am travelling that week").unwrap();
    let declined =
        w.slate.respond_live(&links[1], AttendeeResponse::Declined { message: Some(message) }).await.unwrap();
    assert_eq!(declined.status(), LiveStatus::Declined);
    let timeline = w.slate.candidate_timeline(w.caller, candidate.id).await.unwrap();
    assert_eq!(
        timeline.last().map(|e| &e.kind),
        Some(&EventKind::LiveDeclined {
            live_interview_id: live.id(),
            attendee: "Grace Hopper".to_owned(),
            message: Some("I am travelling that week".to_owned()),
        })
    );

    let slot = SlotInput {
        date: "2026-12-11".parse().unwrap(),
        time: "15:30".parse().unwrap(),
        minutes: 60,
        zone: Some(TimeZone::parse("America/New_York").unwrap()),
    };
    // A stale revision is refused; the current one moves it.
    let stale = w.slate.reschedule_live(w.caller, live.id(), Some(live.revision()), slot).await;
    assert!(matches!(stale, Err(LiveUseCaseError::Conflict)), "{stale:?}");
    let moved = w.slate.reschedule_live(w.caller, live.id(), Some(declined.revision()), slot).await.unwrap();
    assert_eq!(moved.slot().start(), at("2026-12-11T20:30:00Z"));
    assert_eq!(moved.status(), LiveStatus::AwaitingConfirmation);
    assert!(moved.attendees().iter().all(|a| a.response == AttendeeResponse::Pending));
    assert_eq!(moved.sequence(), 1);
    // The links stay the same across a reschedule.
    assert_eq!(tokens(&w, &moved), links);
    let again = w.slate.reschedule_live(w.caller, live.id(), None, slot).await;
    assert!(matches!(again, Err(LiveUseCaseError::Refused(LiveError::Unchanged))), "{again:?}");
}

#[tokio::test]
async fn cancelling_withdraws_every_link_and_answers_are_refused_once_it_started() {
    let w = World::new().await;
    let (_, live) = scheduled(&w).await;
    let links = tokens(&w, &live);
    let cancelled = w.slate.cancel_live(w.caller, live.id(), None).await.unwrap();
    assert_eq!(cancelled.status(), LiveStatus::Cancelled);
    assert_eq!(cancelled.sequence(), 1);
    assert!(matches!(w.slate.check_attendee_link(&links[0]).await.unwrap(), AttendeeLinkCheck::Withdrawn { .. }));
    let r = w.slate.respond_live(&links[0], AttendeeResponse::Confirmed).await;
    assert!(matches!(r, Err(RespondError::Refused(LiveError::Cancelled))), "{r:?}");
    assert!(w.slate.live_interviews(w.caller, &LiveQuery::default()).await.unwrap().is_empty());
    let all = LiveQuery { include_cancelled: true, ..LiveQuery::default() };
    assert_eq!(w.slate.live_interviews(w.caller, &all).await.unwrap().len(), 1);

    let (_, live) = scheduled(&w).await;
    let links = tokens(&w, &live);
    let invitation = w.invite("ada@example.com").await;
    w.memory.clock.set(live.slot().start() + TimeDelta::minutes(1));
    let r = w.slate.respond_live(&links[0], AttendeeResponse::Confirmed).await;
    assert!(matches!(r, Err(RespondError::Refused(LiveError::AlreadyStarted))), "{r:?}");
    // A forged or truncated token is just invalid; an invitation's token is no attendee's.
    let forged = LinkToken::presented(&links[0].expose()[..links[0].expose().len() - 2]);
    assert!(matches!(w.slate.check_attendee_link(&forged).await.unwrap(), AttendeeLinkCheck::Invalid));
    let invitation_token = w.slate.link_token(&invitation);
    assert!(matches!(w.slate.check_attendee_link(&invitation_token).await.unwrap(), AttendeeLinkCheck::Invalid));
}

#[tokio::test]
async fn scheduling_refuses_unknown_people_and_records() {
    let w = World::new().await;
    let candidate =
        w.slate.create_candidate(w.caller, fixtures::candidate("Ada", "Lovelace", "ada@example.com")).await.unwrap();
    let base = || fixtures::live(candidate.id, "2026-12-10", "10:00", &[("Grace Hopper", "grace@navy.example")]);
    let other = w.other_caller().await;
    type Expected = fn(&LiveUseCaseError) -> bool;
    let cases: Vec<(ScheduleLive, Expected)> = vec![
        (ScheduleLive { interviewers: vec![], ..base() }, |e| {
            matches!(e, LiveUseCaseError::Refused(LiveError::NoInterviewer))
        }),
        (ScheduleLive { interviewers: vec![InterviewerInput::Recruiter(other.recruiter_id)], ..base() }, |e| {
            matches!(e, LiveUseCaseError::RecruiterNotFound(_))
        }),
        (ScheduleLive { slot: SlotInput { date: "2026-11-01".parse().unwrap(), ..base().slot }, ..base() }, |e| {
            matches!(e, LiveUseCaseError::Refused(LiveError::StartsInPast))
        }),
        (ScheduleLive { slot: SlotInput { minutes: 600, ..base().slot }, ..base() }, |e| {
            matches!(e, LiveUseCaseError::Slot(SlotError::Duration { actual: 600 }))
        }),
        (ScheduleLive { candidate_email: Some(email("grace@navy.example")), ..base() }, |e| {
            matches!(e, LiveUseCaseError::Refused(LiveError::DuplicateAttendee { .. }))
        }),
        (ScheduleLive { follows: Some(w.invite("someone@example.com").await.id()), ..base() }, |e| {
            matches!(e, LiveUseCaseError::InvitationNotFound)
        }),
    ];
    for (input, expected) in cases {
        let r = w.slate.schedule_live(w.caller, input).await;
        assert!(r.as_ref().is_err_and(expected), "{r:?}");
    }
    let r = w.slate.schedule_live(other, base()).await;
    assert!(matches!(r, Err(LiveUseCaseError::CandidateNotFound)), "{r:?}");
}

fn live_kinds(w: &World) -> Vec<(MessageKind, String, u32)> {
    w.memory
        .store
        .all_messages()
        .into_iter()
        .filter(|m| m.kind.is_live())
        .map(|m| (m.kind, m.to.to_string(), m.sequence))
        .collect()
}

#[tokio::test]
async fn every_change_queues_each_attendee_their_message_in_their_language() {
    let w = World::new().await;
    let (_, live) = scheduled(&w).await;
    let (ada, grace, rita) = ("ada@example.com", "grace@navy.example", "rita@acme.example");
    let invites = |seq| {
        vec![
            (MessageKind::LiveInvitation, ada.to_owned(), seq),
            (MessageKind::LiveInterviewerInvitation, grace.to_owned(), seq),
            (MessageKind::LiveInterviewerInvitation, rita.to_owned(), seq),
        ]
    };
    assert_eq!(live_kinds(&w), invites(0));
    let resent = w.slate.resend_live(w.caller, live.id()).await.unwrap();
    let mut expected = invites(0);
    expected.extend(invites(1));
    assert_eq!(live_kinds(&w), expected, "a resend keys its messages by its number");
    let slot =
        SlotInput { date: "2026-12-11".parse().unwrap(), time: "09:00".parse().unwrap(), minutes: 30, zone: None };
    let moved = w.slate.reschedule_live(w.caller, live.id(), Some(resent.revision()), slot).await.unwrap();
    w.slate.cancel_live(w.caller, live.id(), Some(moved.revision())).await.unwrap();
    for person in [ada, grace, rita] {
        expected.push((MessageKind::LiveUpdated, person.to_owned(), 1));
    }
    for person in [ada, grace, rita] {
        expected.push((MessageKind::LiveCancelled, person.to_owned(), 2));
    }
    assert_eq!(live_kinds(&w), expected);

    // Prepared for sending: the invites still queued are skipped (cancelled), the
    // cancellations go, without a link.
    let claimed = w.slate.claim_messages(50).await.unwrap();
    let prepared = w.slate.prepare_messages(&claimed).await;
    let mut sent = Vec::new();
    for (m, p) in claimed.iter().zip(prepared) {
        match p.unwrap() {
            Prepared::SendLive(ctx) => {
                assert_eq!(ctx.recipient().map(|a| a.email.to_string()), Some(m.to.to_string()));
                assert!(ctx.link.is_none(), "a cancellation carries no link");
                assert_eq!(ctx.message.language, Language::Greek);
                sent.push(m.kind);
            }
            Prepared::Skipped { reason } => {
                assert_ne!(m.kind, MessageKind::LiveCancelled, "{reason}");
                assert!(reason.contains("cancelled"), "{reason}");
            }
            Prepared::Send(_) => panic!("a live message prepared as an invitation's"),
        }
    }
    assert_eq!(sent, [MessageKind::LiveCancelled; 3]);
}

#[tokio::test]
async fn an_invite_is_prepared_with_the_attendees_link_and_the_reminder_goes_once_a_day_before() {
    let w = World::new().await;
    let (_, live) = scheduled(&w).await;
    let claimed = w.slate.claim_messages(50).await.unwrap();
    let prepared = w.slate.prepare_messages(&claimed).await;
    let Ok(Prepared::SendLive(ctx)) = &prepared[1] else { panic!("{:?}", prepared[1]) };
    assert_eq!(ctx.message.kind, MessageKind::LiveInterviewerInvitation);
    assert_eq!(ctx.link, w.slate.attendee_link(&live, live.attendees()[1].id));
    assert_eq!(ctx.organizer.id, w.recruiter.id);
    let rendered = w.slate.render_live_message(ctx);
    assert!(rendered.text.contains(ctx.link.as_ref().unwrap().expose()), "{}", rendered.text);

    // No reminder yet; 24 hours before the start, one per attendee, once.
    assert_eq!(w.slate.send_live_reminders(10).await.unwrap().reminded, 0);
    w.memory.clock.set(live.slot().start() - TimeDelta::hours(23));
    assert_eq!(w.slate.send_live_reminders(10).await.unwrap().reminded, 1);
    assert_eq!(w.slate.send_live_reminders(10).await.unwrap().reminded, 0, "only once");
    let reminders = live_kinds(&w).into_iter().filter(|(k, _, _)| *k == MessageKind::LiveReminder).count();
    assert_eq!(reminders, 3);
}

#[tokio::test]
async fn an_invite_edited_for_this_send_is_checked_previewed_and_sent_instead_of_the_template() {
    let w = World::new().await;
    let ada =
        w.slate.create_candidate(w.caller, fixtures::candidate("Ada", "Lovelace", "ada@example.com")).await.unwrap();
    let edited = || MessageDraft {
        subject: "Let's talk, {{candidate.first_name}}".to_owned(),
        body: "See you on {{interview.start}} at {{interview.location}}.\n\n{{interview.link}}".to_owned(),
    };
    let input = || ScheduleLive {
        candidate_message: Some(edited()),
        ..fixtures::live(ada.id, "2026-12-10", "10:00", &[("Grace Hopper", "grace@navy.example")])
    };

    // Without the link, or with a placeholder a live invite cannot fill, it is refused.
    let no_link =
        ScheduleLive { candidate_message: Some(MessageDraft { body: "Hello".into(), ..edited() }), ..input() };
    let r = w.slate.schedule_live(w.caller, no_link).await;
    assert!(
        matches!(r, Err(LiveUseCaseError::Message { which: InviteFor::Candidate, field: TemplateField::Body, .. })),
        "{r:?}"
    );
    let deadline = MessageDraft { body: "By {{deadline}} {{interview.link}}".into(), ..edited() };
    let r = w.slate.schedule_live(w.caller, ScheduleLive { interviewer_message: Some(deadline), ..input() }).await;
    assert!(matches!(r, Err(LiveUseCaseError::Message { which: InviteFor::Interviewers, .. })), "{r:?}");

    // The preview fills every placeholder and schedules nothing.
    let preview = w.slate.preview_live(w.caller, input()).await.unwrap();
    assert_eq!(preview.candidate.subject, "Let's talk, Ada");
    assert!(preview.candidate.text.contains("2026-12-10 10:00 (Europe/Athens)"), "{}", preview.candidate.text);
    let interviewer = preview.interviewer.unwrap();
    assert!(interviewer.text.contains("Dear Grace Hopper"), "the template, to the interviewer: {}", interviewer.text);
    assert!(w.slate.live_interviews(w.caller, &LiveQuery::default()).await.unwrap().is_empty(), "nothing scheduled");
    assert!(w.memory.store.all_messages().iter().all(|m| !m.kind.is_live()), "nothing queued");

    // Scheduled: the candidate's invite is the edited text; the interviewer's the template.
    w.slate.schedule_live(w.caller, input()).await.unwrap();
    let claimed = w.slate.claim_messages(10).await.unwrap();
    let prepared = w.slate.prepare_messages(&claimed).await;
    for (m, p) in claimed.iter().zip(prepared) {
        let Ok(Prepared::SendLive(ctx)) = p else { panic!("{p:?}") };
        let subject = ctx.content.subject.as_str().to_owned();
        if m.kind == MessageKind::LiveInvitation {
            assert_eq!(subject, "Let's talk, {{candidate.first_name}}");
        } else {
            assert_ne!(subject, "Let's talk, {{candidate.first_name}}", "the interviewers keep their template");
        }
    }
}
