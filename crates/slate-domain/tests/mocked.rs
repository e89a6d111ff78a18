//! Use cases against mockall mocks of the ports: what exactly each one asks of its ports and
//! commits, and how it maps port failures. A port without expectations panics when called,
//! so each test also proves which ports a use case leaves alone.
#![expect(clippy::unwrap_used, reason = "fixtures built from literals; a panic is a test failure")]

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use slate_domain::ports::*;
use slate_domain::*;
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    "2026-11-22T09:00:00Z".parse().unwrap()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

const ORG: u128 = 1;
const RECRUITER: u128 = 2;
const INTERVIEW: u128 = 3;

fn caller() -> Caller {
    Caller { organization_id: OrganizationId::from_uuid(id(ORG)), recruiter_id: RecruiterId::from_uuid(id(RECRUITER)) }
}

struct Mocks {
    organizations: MockOrganizationRepository,
    recruiters: MockRecruiterRepository,
    interviews: MockInterviewRepository,
    invitations: MockInvitationRepository,
    links: MockLinkTokens,
    unit_of_work: MockUnitOfWork,
    jobs: MockJobRepository,
    accounts: MockAccountRepository,
    passwords: MockPasswordHasher,
}

impl Mocks {
    fn new() -> Self {
        Self {
            organizations: MockOrganizationRepository::new(),
            recruiters: MockRecruiterRepository::new(),
            interviews: MockInterviewRepository::new(),
            invitations: MockInvitationRepository::new(),
            links: MockLinkTokens::new(),
            unit_of_work: MockUnitOfWork::new(),
            jobs: MockJobRepository::new(),
            accounts: MockAccountRepository::new(),
            passwords: MockPasswordHasher::new(),
        }
    }

    /// The organization (Athens), its recruiter and a published interview, each expected
    /// to be read at most once.
    fn with_caller_and_interview(mut self, status: InterviewStatus) -> Self {
        self.organizations.expect_get().returning(|_| {
            Ok(Some(Organization {
                id: OrganizationId::from_uuid(id(ORG)),
                name: DisplayName::parse("Acme").unwrap(),
                time_zone: TimeZone::parse("Europe/Athens").unwrap(),
                default_language: Language::English,
                reminders: ReminderPolicy::default(),
            }))
        });
        self.recruiters.expect_get().returning(|org, rid| {
            Ok(Some(Recruiter {
                id: rid,
                organization_id: org,
                name: PersonName::parse("Rita").unwrap(),
                email: EmailAddress::parse("rita@acme.example").unwrap(),
            }))
        });
        self.interviews.expect_get().returning(move |org, iid| {
            let details = InterviewDetails {
                name: DisplayName::parse("Round one").unwrap(),
                job_id: None,
                intro: LongText::default(),
                question_language: LanguageTag::parse("en").unwrap(),
                difficulty: None,
                focus_area: None,
            };
            let q = Question::new(QuestionId::from_uuid(id(9)), Prompt::parse("Why?").unwrap(), 10, 60, 0).unwrap();
            let parts = VideoInterviewParts {
                id: iid,
                organization_id: org,
                details,
                questions: vec![q],
                status,
                revision: 1,
                created_at: now(),
                updated_at: now(),
            };
            Ok(Some(VideoInterview::from_parts(parts).unwrap()))
        });
        self
    }

    fn slate(self) -> Slate {
        let mut clock = MockClock::new();
        clock.expect_now().return_const(now());
        let mut ids = MockIdGenerator::new();
        let counter = std::sync::atomic::AtomicU64::new(100);
        ids.expect_new_uuid()
            .returning(move || Uuid::from_u128(u128::from(counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed))));
        Slate::new(
            Ports {
                clock: Arc::new(clock),
                ids: Arc::new(ids),
                links: Arc::new(self.links),
                organizations: Arc::new(self.organizations),
                recruiters: Arc::new(self.recruiters),
                jobs: Arc::new(self.jobs),
                candidates: Arc::new(MockCandidateRepository::new()),
                interviews: Arc::new(self.interviews),
                invitations: Arc::new(self.invitations),
                timeline: Arc::new(MockTimelineRepository::new()),
                answers: Arc::new(MockAnswerRepository::new()),
                outbox: Arc::new(MockOutbox::new()),
                videos: Arc::new(MockVideoStore::new()),
                unit_of_work: Arc::new(self.unit_of_work),
                accounts: Arc::new(self.accounts),
                passwords: Arc::new(self.passwords),
                templates: Arc::new(MockTemplateRepository::new()),
                mailbox: Arc::new(MockMailboxRepository::new()),
                live_interviews: Arc::new(MockLiveInterviewRepository::new()),
                renderer: Arc::new(MockMessageRenderer::new()),
            },
            Settings::default(),
        )
    }
}

fn invite_input(deadline: &str) -> InviteExternal {
    InviteExternal {
        first_name: PersonName::parse("Ada").unwrap(),
        last_name: PersonName::parse("Lovelace").unwrap(),
        email: EmailAddress::parse("ada@example.com").unwrap(),
        interview_id: InterviewId::from_uuid(id(INTERVIEW)),
        language: None,
        deadline: deadline.parse::<NaiveDate>().unwrap(),
        bcc_me: true,
        notify_me: false,
    }
}

#[tokio::test]
async fn inviting_commits_candidate_invitation_event_and_messages_in_one_change_set() {
    let mut m = Mocks::new().with_caller_and_interview(InterviewStatus::Published);
    m.invitations.expect_find_open().times(1).returning(|_, _, _| Ok(None));
    m.unit_of_work
        .expect_commit()
        .times(1)
        .withf(|changes| {
            let w = changes.writes();
            matches!(
                w,
                [
                    Write::InsertCandidate(c),
                    Write::InsertInvitation(i),
                    Write::AppendEvent(TimelineEvent { kind: EventKind::Invited { .. }, .. }),
                    Write::Enqueue(OutboxMessage { kind: MessageKind::Invitation, sequence: 0, .. }),
                    Write::Enqueue(OutboxMessage { kind: MessageKind::BccCopy, .. }),
                ] if c.kind == CandidateKind::External && i.candidate_id() == c.id && i.status() == InvitationStatus::Queued
            )
        })
        .returning(|_| Ok(()));
    let inv = m.slate().invite_external(caller(), invite_input("2026-11-30")).await.unwrap();
    assert_eq!(inv.deadline().closes_at(), "2026-11-30T22:00:00Z".parse::<DateTime<Utc>>().unwrap());
}

#[tokio::test]
async fn an_unpublished_interview_is_refused_before_anything_is_written() {
    let mut m = Mocks::new().with_caller_and_interview(InterviewStatus::Draft);
    m.invitations.expect_find_open().returning(|_, _, _| Ok(None));
    m.unit_of_work.expect_commit().never();
    let err = m.slate().invite_external(caller(), invite_input("2026-11-30")).await;
    assert!(matches!(err, Err(InviteError::InterviewNotPublished(InterviewStatus::Draft))), "{err:?}");
}

#[tokio::test]
async fn a_past_deadline_is_refused_before_anything_is_written() {
    let mut m = Mocks::new().with_caller_and_interview(InterviewStatus::Published);
    m.invitations.expect_find_open().returning(|_, _, _| Ok(None));
    m.unit_of_work.expect_commit().never();
    let err = m.slate().invite_external(caller(), invite_input("2026-11-21")).await;
    assert!(matches!(err, Err(InviteError::Deadline(DeadlineError::InPast { .. }))), "{err:?}");
}

#[tokio::test]
async fn a_storage_failure_while_reading_is_reported_as_internal() {
    let mut m = Mocks::new().with_caller_and_interview(InterviewStatus::Published);
    m.organizations = MockOrganizationRepository::new();
    m.organizations.expect_get().returning(|_| Err(AdapterError::new("connection reset")));
    m.invitations.expect_find_open().returning(|_, _, _| Ok(None));
    m.unit_of_work.expect_commit().never();
    let err = m.slate().invite_external(caller(), invite_input("2026-11-30")).await;
    match err {
        Err(InviteError::Internal(e)) => assert!(e.to_string().contains("connection reset")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_concurrent_change_surfaces_as_conflict() {
    let mut m = Mocks::new().with_caller_and_interview(InterviewStatus::Published);
    m.invitations.expect_find_open().returning(|_, _, _| Ok(None));
    m.unit_of_work.expect_commit().times(1).returning(|_| Ok(()));
    let slate = m.slate();
    let inv = slate.invite_external(caller(), invite_input("2026-11-30")).await.unwrap();

    let mut m = Mocks::new();
    m.invitations.expect_get().returning(move |_, _| Ok(Some(inv.clone())));
    m.unit_of_work.expect_commit().times(1).returning(|_| Err(CommitError::Conflict));
    let err = m.slate().resend(caller(), InvitationId::from_uuid(id(5))).await;
    assert!(matches!(err, Err(ResendError::Conflict)), "{err:?}");
}

#[tokio::test]
async fn a_link_the_scheme_rejects_never_reaches_the_invitation() {
    let mut m = Mocks::new();
    m.links.expect_claimed_invitation().returning(|_| None);
    m.invitations.expect_get_for_link().never();
    m.unit_of_work.expect_commit().never();
    let err = m.slate().open_link(&LinkToken::presented("forged")).await;
    assert!(matches!(err, Err(OpenError::InvalidLink)), "{err:?}");
}

#[tokio::test]
async fn a_link_is_verified_against_the_stored_version() {
    let mut m = Mocks::new().with_caller_and_interview(InterviewStatus::Published);
    m.invitations.expect_find_open().returning(|_, _, _| Ok(None));
    m.unit_of_work.expect_commit().returning(|_| Ok(()));
    let inv = m.slate().invite_external(caller(), invite_input("2026-11-30")).await.unwrap();
    let inv_id = inv.id();

    let mut m = Mocks::new();
    m.links.expect_claimed_invitation().returning(move |_| Some(inv_id));
    m.invitations.expect_get_for_link().returning(move |_| Ok(Some(inv.clone())));
    m.links
        .expect_verify()
        .times(1)
        .withf(move |_, i, v| *i == inv_id && *v == LinkVersion::FIRST)
        .returning(|_, _, _| false);
    m.unit_of_work.expect_commit().never();
    let err = m.slate().open_link(&LinkToken::presented("stale")).await;
    assert!(matches!(err, Err(OpenError::InvalidLink)), "{err:?}");
}

#[tokio::test]
async fn logging_in_with_an_unknown_email_does_the_hashing_work_and_writes_nothing() {
    let mut m = Mocks::new();
    m.recruiters.expect_find_by_email().returning(|_| Ok(None));
    // The hasher is asked to verify against no hash: equal work, and the answer is no.
    m.passwords.expect_verify().withf(|_, hash| hash.is_none()).times(1).return_const(false);
    let slate = m.slate();
    let err = slate
        .log_in(&EmailAddress::parse("nobody@acme.example").unwrap(), &Password::new("long enough pw").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, LoginError::InvalidCredentials), "{err:?}");
}

#[tokio::test]
async fn a_wrong_password_starts_no_session() {
    let mut m = Mocks::new();
    m.recruiters.expect_find_by_email().returning(|e| {
        Ok(Some(Recruiter {
            id: RecruiterId::from_uuid(id(RECRUITER)),
            organization_id: OrganizationId::from_uuid(id(ORG)),
            name: PersonName::parse("Rita").unwrap(),
            email: e.clone(),
        }))
    });
    m.accounts.expect_password_hash().returning(|_| Ok(Some(PasswordHash::new("$argon2id$stored".into()))));
    m.passwords.expect_verify().withf(|_, hash| hash.is_some()).times(1).return_const(false);
    let slate = m.slate();
    let err = slate
        .log_in(&EmailAddress::parse("rita@acme.example").unwrap(), &Password::new("wrong password").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, LoginError::InvalidCredentials), "{err:?}");
}
