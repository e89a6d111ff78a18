//! The repository contract suite: the same scenarios against SQLite and PostgreSQL, each on a
//! fresh database. Most drive the domain's use cases over `SqlStore`, so what is checked is
//! what the product does; the list test compares every page with the domain's in-memory
//! reference implementation.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test scenarios: a panic is a failure")]

mod harness;

use std::collections::HashSet;
use std::sync::Arc;

use chrono::TimeDelta;
use harness::{at, slate_over};
use sea_orm::ConnectionTrait;
use slate_domain::memory::InMemory;
use slate_domain::ports::*;
use slate_domain::*;
use slate_persistence::SqlStore;

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        contract!(@on on_sqlite, sqlite; $($name),*);
        contract!(@on on_postgres, postgres; $($name),*);
        // The same with every read and commit on the sqlx pool.
        contract!(@on on_sqlite_pool, sqlite_on_pool; $($name),*);
        contract!(@on on_postgres_pool, postgres_on_pool; $($name),*);
    };
    (@on $module:ident, $store:ident; $($name:ident),*) => {
        mod $module {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::harness::$store().await).await;
                }
            )*
        }
    };
}

contract!(
    a_whole_journey_reads_back_exactly,
    another_organizations_rows_are_not_found,
    lists_match_the_reference_implementation,
    a_use_case_failing_half_way_leaves_nothing,
    stale_updates_conflict_and_concurrent_resends_stay_consistent,
    concurrent_claimers_never_share_a_message,
    outbox_keys_and_recruiter_emails_are_unique,
    expiry_and_reminders_over_sql,
    type_ahead_and_search_treat_wildcards_as_text,
    bad_rows_fail_loudly,
    migrations_go_down_and_up_again,
    the_folding_migration_rewrites_stored_search_text,
    the_search_index_follows_text_changes_only,
    simultaneous_identical_invitations_store_one,
    accounts_sessions_and_api_keys,
    a_lapsed_claim_cannot_overwrite_the_new_holders_outcome,
    claims_take_the_messages_due_longest_first,
    reminders_are_found_by_their_planned_moment,
    templates_and_the_mailbox_round_trip_per_organization,
    reviews_funnels_candidate_pages_and_settings,
);

struct Fixture {
    memory: InMemory,
    slate: Slate,
    caller: Caller,
    interview: VideoInterview,
}

fn question(prompt: &str, retakes: u8) -> QuestionInput {
    QuestionInput { id: None, prompt: Prompt::parse(prompt).unwrap(), thinking_secs: 20, max_answer_secs: 90, retakes }
}

async fn organization(slate: &Slate, name: &str, email: &str) -> Caller {
    let org = slate
        .create_organization(NewOrganization {
            name: DisplayName::parse(name).unwrap(),
            time_zone: TimeZone::parse("Europe/Athens").unwrap(),
            default_language: Language::German,
            reminders: ReminderPolicy::default(),
        })
        .await
        .unwrap();
    let recruiter = slate
        .add_recruiter(
            org.id,
            NewRecruiter { name: PersonName::parse("Rita").unwrap(), email: EmailAddress::parse(email).unwrap() },
        )
        .await
        .unwrap();
    Caller { organization_id: org.id, recruiter_id: recruiter.id }
}

async fn fixture_with(slate: Slate, memory: InMemory) -> Fixture {
    let caller = organization(&slate, "Acme", "rita@acme.example").await;
    let job = slate
        .create_job(
            caller,
            NewJob { title: JobText::parse("Engineer").unwrap(), company_name: JobText::parse("Acme SA").unwrap() },
        )
        .await
        .unwrap();
    let details = InterviewDetails {
        name: DisplayName::parse("Round one").unwrap(),
        job_id: Some(job.id),
        intro: LongText::parse("Hello,\nwelcome.").unwrap(),
        question_language: LanguageTag::parse("de-AT").unwrap(),
        difficulty: Some(Label::parse("hard").unwrap()),
        focus_area: None,
    };
    let draft = slate
        .create_interview(
            caller,
            InterviewInput { details, questions: vec![question("Who are you?", 1), question("Why us?", 0)] },
        )
        .await
        .unwrap();
    let interview = slate.publish_interview(caller, draft.id()).await.unwrap();
    Fixture { memory, slate, caller, interview }
}

async fn fixture(store: &SqlStore) -> Fixture {
    let memory = InMemory::new(at("2026-11-22T09:00:00Z"));
    let slate = slate_over(store, &memory);
    fixture_with(slate, memory).await
}

fn external(f: &Fixture, first: &str, last: &str, email: &str, deadline: &str) -> InviteExternal {
    InviteExternal {
        first_name: PersonName::parse(first).unwrap(),
        last_name: PersonName::parse(last).unwrap(),
        email: EmailAddress::parse(email).unwrap(),
        interview_id: f.interview.id(),
        language: None,
        deadline: deadline.parse().unwrap(),
        bcc_me: true,
        notify_me: true,
    }
}

/// Ada Lovelace, invited externally with the default deadline.
async fn invite_ada(f: &Fixture) -> Invitation {
    f.slate.invite_external(f.caller, external(f, "Ada", "Lovelace", "ada@example.com", "2026-11-30")).await.unwrap()
}

async fn answer(f: &Fixture, token: &LinkToken, question: QuestionId) -> Answer {
    let key = f.slate.answer_upload_key(token, question).await.unwrap();
    let video = b"\x1a\x45\xdf\xa3 fake webm";
    f.memory.videos.begin(&key, video.len() as u64).await.unwrap();
    f.memory.videos.append(&key, 0, byte_stream(&video[..])).await.unwrap();
    f.slate.record_answer(token, RecordAnswer { question_id: question, duration_ms: 3_000 }).await.unwrap()
}

// ---------------------------------------------------------------- scenarios

async fn a_whole_journey_reads_back_exactly(store: SqlStore) {
    let f = fixture(&store).await;
    let stored_interview = f.slate.get_interview(f.caller, f.interview.id()).await.unwrap();
    assert_eq!(stored_interview, f.interview, "an interview reads back as written, revision included");

    let inv = f
        .slate
        .invite_external(f.caller, external(&f, "Ada", "Lovelace", "Ada@Example.com", "2026-11-30"))
        .await
        .unwrap();
    assert_eq!(f.slate.get_invitation(f.caller, inv.id()).await.unwrap(), inv, "an invitation reads back as written");
    let candidate = f.slate.get_candidate(f.caller, inv.candidate_id()).await.unwrap();
    assert_eq!(candidate.kind, CandidateKind::External);

    for m in f.slate.claim_messages(10).await.unwrap() {
        f.slate.record_delivery(m.id, m.claim_token().unwrap(), DeliveryOutcome::Delivered).await.unwrap();
    }
    let token = f.slate.link_token(&inv);
    f.memory.clock.advance(TimeDelta::hours(1));
    let opened = f.slate.open_link(&token).await.unwrap();
    assert_eq!(f.slate.get_invitation(f.caller, inv.id()).await.unwrap(), opened);
    let q = |n: usize| f.interview.questions()[n].id();
    answer(&f, &token, q(0)).await;
    answer(&f, &token, q(0)).await;
    answer(&f, &token, q(1)).await;
    f.slate.resend(f.caller, inv.id()).await.unwrap();
    f.slate.change_deadline(f.caller, inv.id(), "2026-12-24".parse().unwrap()).await.unwrap();
    let done = f.slate.complete(&token).await.unwrap();
    assert_eq!(f.slate.get_invitation(f.caller, inv.id()).await.unwrap(), done);
    assert_eq!(done.deadline().closes_at(), at("2026-12-24T22:00:00Z"));

    let timeline = f.slate.candidate_timeline(f.caller, inv.candidate_id()).await.unwrap();
    let names: Vec<_> = timeline.iter().map(|e| e.kind.name()).collect();
    assert_eq!(names, ["invited", "email_delivered", "opened", "started", "resent", "deadline_changed", "completed"]);
    assert!(matches!(&timeline[0].kind, EventKind::Invited { email, .. } if email.as_str() == "Ada@example.com"));
    assert!(matches!(&timeline[5].kind, EventKind::DeadlineChanged { reopened: false, .. }));
    assert_eq!(timeline[0].actor, Actor::Recruiter(f.caller.recruiter_id));
    assert_eq!(timeline[2].actor, Actor::Candidate);

    let answers = f.slate.answers(f.caller, inv.id()).await.unwrap();
    assert_eq!(answers.iter().map(|a| (a.question_id, a.take)).collect::<Vec<_>>(), [(q(0), 1), (q(0), 2), (q(1), 1)]);
    let kinds: Vec<_> =
        f.slate.messages(f.caller, inv.id()).await.unwrap().iter().map(|m| (m.kind, m.sequence)).collect();
    assert_eq!(kinds.len(), 5);
    assert!(
        kinds.iter().any(|(k, _)| *k == MessageKind::DeadlineChanged),
        "the started candidate hears of the new date"
    );
    for k in [
        (MessageKind::Invitation, 0),
        (MessageKind::BccCopy, 0),
        (MessageKind::Resend, 1),
        (MessageKind::CompletionNotice, 0),
    ] {
        assert!(kinds.contains(&k), "{k:?} in {kinds:?}");
    }
}

async fn another_organizations_rows_are_not_found(store: SqlStore) {
    let f = fixture(&store).await;
    let inv = invite_ada(&f).await;
    let other = organization(&f.slate, "Globex", "hank@globex.example").await.organization_id;
    let org = f.caller.organization_id;
    assert!(RecruiterRepository::get(&store, other, f.caller.recruiter_id).await.unwrap().is_none());
    assert!(RecruiterRepository::get(&store, org, f.caller.recruiter_id).await.unwrap().is_some());
    assert!(CandidateRepository::get(&store, other, inv.candidate_id()).await.unwrap().is_none());
    assert!(InterviewRepository::get(&store, other, f.interview.id()).await.unwrap().is_none());
    assert!(InterviewRepository::list(&store, other, None).await.unwrap().is_empty());
    let job = f.interview.details().job_id.unwrap();
    assert!(JobRepository::get(&store, other, job).await.unwrap().is_none());
    assert!(JobRepository::list(&store, other).await.unwrap().is_empty());
    assert!(InvitationRepository::get(&store, other, inv.id()).await.unwrap().is_none());
    assert!(InvitationRepository::find_open(&store, other, f.interview.id(), inv.email()).await.unwrap().is_none());
    assert!(InvitationRepository::list(&store, other, &InvitationQuery::default()).await.unwrap().items.is_empty());
    assert!(TimelineRepository::for_candidate(&store, other, inv.candidate_id()).await.unwrap().is_empty());
    assert!(AnswerRepository::for_invitation(&store, other, inv.id()).await.unwrap().is_empty());
    assert!(Outbox::for_invitation(&store, other, inv.id()).await.unwrap().is_empty());
    assert_eq!(Outbox::for_invitation(&store, org, inv.id()).await.unwrap().len(), 2);
    let prefix = NamePrefix::parse("a").unwrap();
    f.slate
        .create_candidate(
            f.caller,
            NewCandidate {
                first_name: PersonName::parse("Alan").unwrap(),
                last_name: PersonName::parse("Turing").unwrap(),
                email: None,
                phone: None,
                notes: LongText::default(),
            },
        )
        .await
        .unwrap();
    assert_eq!(CandidateRepository::search_by_name_prefix(&store, org, &prefix, 10).await.unwrap().len(), 1);
    assert!(CandidateRepository::search_by_name_prefix(&store, other, &prefix, 10).await.unwrap().is_empty());
}

/// Seeds the same invitations into the SQL store and an in-memory reference (identical use
/// cases, clocks and id sequences give identical rows), then pages through many queries on
/// both and compares.
async fn lists_match_the_reference_implementation(store: SqlStore) {
    let sql = fixture(&store).await;
    let reference_memory = InMemory::new(at("2026-11-22T09:00:00Z"));
    let reference = fixture_with(reference_memory.slate(), reference_memory.clone()).await;
    let people = [
        ("Zoë", "Adams"),
        ("yann", "Brown"),
        ("Xena", "adams"),
        ("Will", "Davis"),
        ("Vera", "Évans"),
        ("Ugo", "Ford"),
        ("Tina", "Green"),
        ("Sam", "O'Neil"),
        ("Rob", "de Vries"),
        ("Quinn", "Green"),
        ("Pia", "Hall"),
        ("Omar", "Ito"),
        ("Nina", "Jones"),
        ("Max", "Kim"),
        ("Lea", "Lopez"),
        ("Kai", "Müller"),
        ("Jo", "Nagy"),
        ("Ida", "Olsen"),
    ];
    for f in [&sql, &reference] {
        for (i, (first, last)) in people.iter().enumerate() {
            f.memory.clock.advance(TimeDelta::seconds(i64::try_from(i % 3).unwrap()));
            let deadline = format!("2026-12-{:02}", 1 + (i * 7) % 20);
            let email = format!("{}.{}@example.com", first.to_lowercase(), i);
            let inv = f.slate.invite_external(f.caller, external(f, first, last, &email, &deadline)).await.unwrap();
            match i % 5 {
                0 => drop(f.slate.cancel(f.caller, inv.id()).await.unwrap()),
                1 => drop(f.slate.open_link(&f.slate.link_token(&inv)).await.unwrap()),
                _ => {}
            }
        }
    }
    let mut queries = Vec::new();
    for field in [SortField::CreatedAt, SortField::Deadline, SortField::CandidateName] {
        for order in [SortOrder::Asc, SortOrder::Desc] {
            queries.push(InvitationQuery { sort: Sort { field, order }, ..InvitationQuery::default() });
        }
    }
    queries.push(InvitationQuery {
        statuses: vec![InvitationStatus::Cancelled, InvitationStatus::Opened],
        ..InvitationQuery::default()
    });
    queries.push(InvitationQuery {
        deadline_from: Some("2026-12-05".parse().unwrap()),
        deadline_to: Some("2026-12-15".parse().unwrap()),
        sort: Sort { field: SortField::Deadline, order: SortOrder::Asc },
        ..InvitationQuery::default()
    });
    for text in ["adams", "GREEN", "é", "o'n", "@example", "de v", "zzz"] {
        queries.push(InvitationQuery { search: Some(SearchText::parse(text).unwrap()), ..InvitationQuery::default() });
    }
    queries.push(InvitationQuery { interview_id: Some(sql.interview.id()), ..InvitationQuery::default() });
    queries.push(InvitationQuery { job_id: sql.interview.details().job_id, ..InvitationQuery::default() });

    for mut query in queries {
        query.limit = PageSize::new(4).unwrap();
        let mut pages = [Vec::new(), Vec::new()];
        for (n, f) in [&sql, &reference].into_iter().enumerate() {
            let mut q = query.clone();
            loop {
                let page = f.slate.list_invitations(f.caller, &q).await.unwrap();
                pages[n].extend(page.items.iter().map(Invitation::id));
                match page.next {
                    Some(next) => q.after = Some(Cursor::decode(&next.encode(), q.sort).unwrap()),
                    None => break,
                }
            }
        }
        assert_eq!(pages[0], pages[1], "{query:?}");
        let unique: HashSet<_> = pages[0].iter().collect();
        assert_eq!(unique.len(), pages[0].len(), "no row twice: {query:?}");
    }
    let everything = InvitationQuery { limit: PageSize::new(200).unwrap(), ..InvitationQuery::default() };
    assert_eq!(sql.slate.list_invitations(sql.caller, &everything).await.unwrap().items.len(), people.len());
}

/// A unit of work that adds, at the end of every change set, a write that violates a unique
/// key: the database fails on the last statement of the transaction.
struct PoisonedTail(SqlStore);

#[async_trait::async_trait]
impl UnitOfWork for PoisonedTail {
    async fn commit(&self, changes: ChangeSet) -> Result<(), CommitError> {
        let mut poisoned = changes.clone();
        if let Some(Write::Enqueue(m)) = changes.writes().iter().find(|w| matches!(w, Write::Enqueue(_))) {
            let mut twin = m.clone();
            twin.id = MessageId::from_uuid(uuid::Uuid::new_v4());
            poisoned.push(Write::Enqueue(twin));
        }
        self.0.commit(poisoned).await
    }
}

async fn a_use_case_failing_half_way_leaves_nothing(store: SqlStore) {
    let f = fixture(&store).await;
    let mut ports = harness::ports_over(&store, &f.memory);
    ports.unit_of_work = Arc::new(PoisonedTail(store.clone()));
    let poisoned = Slate::new(ports, Settings::default());
    let err =
        poisoned.invite_external(f.caller, external(&f, "Ada", "Lovelace", "ada@example.com", "2026-11-30")).await;
    assert!(matches!(err, Err(InviteError::AlreadyInvited(_)) | Err(InviteError::Internal(_))), "{err:?}");
    let db = store.connection();
    for table in ["invitations", "candidates", "timeline_events", "outbox", "interview_snapshots"] {
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        let n: i64 = row.try_get("", "n").unwrap();
        assert_eq!(n, 0, "{table} after a failed invite");
    }
    // the same use case through the healthy store works
    let inv = invite_ada(&f).await;
    let err = poisoned.resend(f.caller, inv.id()).await;
    assert!(err.is_err(), "{err:?}");
    assert_eq!(f.slate.get_invitation(f.caller, inv.id()).await.unwrap(), inv, "the failed resend changed nothing");
    assert_eq!(f.slate.messages(f.caller, inv.id()).await.unwrap().len(), 2, "and queued nothing");
}

async fn stale_updates_conflict_and_concurrent_resends_stay_consistent(store: SqlStore) {
    let f = fixture(&store).await;
    let inv = invite_ada(&f).await;

    // a write based on a stale read is refused
    let mut stale = inv.clone();
    stale.resend(at("2026-11-22T10:00:00Z")).unwrap();
    f.slate.resend(f.caller, inv.id()).await.unwrap();
    let mut changes = ChangeSet::new();
    changes.push(Write::UpdateInvitation(stale));
    assert!(matches!(store.commit(changes).await, Err(CommitError::Conflict)));

    // eight concurrent resends: each success queues exactly one message with its own sequence
    let id = inv.id();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let slate = f.slate.clone();
            let caller = f.caller;
            tokio::spawn(async move { slate.resend(caller, id).await })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(ResendError::Conflict) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert!(ok >= 1);
    let after = f.slate.get_invitation(f.caller, inv.id()).await.unwrap();
    let resends: Vec<u32> = f
        .slate
        .messages(f.caller, inv.id())
        .await
        .unwrap()
        .iter()
        .filter(|m| m.kind == MessageKind::Resend)
        .map(|m| m.sequence)
        .collect();
    assert_eq!(resends.len(), ok + 1, "one message per successful resend (plus the first)");
    let mut sorted = resends.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (1..=u32::try_from(ok + 1).unwrap()).collect::<Vec<_>>());
    assert_eq!(after.revision(), inv.revision() + 1 + u64::try_from(ok).unwrap());
    assert_eq!(after.last_email_sequence(), u32::try_from(ok + 1).unwrap());
}

async fn concurrent_claimers_never_share_a_message(store: SqlStore) {
    let f = fixture(&store).await;
    for i in 0..30 {
        let email = format!("c{i}@example.com");
        f.slate.invite_external(f.caller, external(&f, "C", "Andidate", &email, "2026-11-30")).await.unwrap();
    }
    // 60 messages (invitation + BCC copy each), four workers claiming five at a time
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let slate = f.slate.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = slate.claim_messages(5).await.unwrap();
                    if batch.is_empty() {
                        break mine;
                    }
                    mine.extend(batch.into_iter().map(|m| m.id));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 60, "every message claimed");
    assert_eq!(unique.len(), 60, "none claimed twice");
    // claims lapse and are taken over, counting the attempt
    f.memory.clock.advance(TimeDelta::minutes(6));
    let again = f.slate.claim_messages(100).await.unwrap();
    assert_eq!(again.len(), 60);
    assert!(again.iter().all(|m| matches!(m.state, DeliveryState::Claimed { attempts: 2, .. })));
}

async fn outbox_keys_and_recruiter_emails_are_unique(store: SqlStore) {
    let f = fixture(&store).await;
    let inv = invite_ada(&f).await;
    let mut twin = f.slate.messages(f.caller, inv.id()).await.unwrap().remove(0);
    twin.id = MessageId::from_uuid(uuid::Uuid::new_v4());
    let mut changes = ChangeSet::new();
    changes.push(Write::Enqueue(twin));
    assert!(matches!(store.commit(changes).await, Err(CommitError::Duplicate(_))));

    let err = f
        .slate
        .add_recruiter(
            f.caller.organization_id,
            NewRecruiter {
                name: PersonName::parse("Rita").unwrap(),
                email: EmailAddress::parse("RITA@acme.example").unwrap(),
            },
        )
        .await;
    assert!(matches!(err, Err(AddRecruiterError::EmailTaken)), "{err:?}");
    let found =
        RecruiterRepository::find_by_email(&store, &EmailAddress::parse("Rita@ACME.example").unwrap()).await.unwrap();
    assert_eq!(found.map(|r| r.id), Some(f.caller.recruiter_id));
}

async fn expiry_and_reminders_over_sql(store: SqlStore) {
    let f = fixture(&store).await;
    let a = f.slate.invite_external(f.caller, external(&f, "A", "One", "a@example.com", "2026-11-30")).await.unwrap();
    let b = f.slate.invite_external(f.caller, external(&f, "B", "Two", "b@example.com", "2026-12-20")).await.unwrap();
    for m in f.slate.claim_messages(10).await.unwrap() {
        f.slate.record_delivery(m.id, m.claim_token().unwrap(), DeliveryOutcome::Delivered).await.unwrap();
    }
    f.memory.clock.set(at("2026-11-24T09:00:00Z"));
    assert_eq!(f.slate.queue_due_reminders(10).await.unwrap().queued, 2, "not-started reminders for both");
    assert_eq!(f.slate.queue_due_reminders(10).await.unwrap().queued, 0);
    f.memory.clock.set(at("2026-11-30T21:59:59Z"));
    assert_eq!(f.slate.expire_overdue(10).await.unwrap(), 0);
    f.memory.clock.set(at("2026-11-30T22:00:00Z"));
    assert_eq!(f.slate.expire_overdue(10).await.unwrap(), 1);
    assert_eq!(f.slate.get_invitation(f.caller, a.id()).await.unwrap().status(), InvitationStatus::Expired);
    assert_eq!(f.slate.get_invitation(f.caller, b.id()).await.unwrap().status(), InvitationStatus::Sent);
    let reopened = f.slate.change_deadline(f.caller, a.id(), "2026-12-10".parse().unwrap()).await.unwrap();
    assert_eq!(reopened.status(), InvitationStatus::Sent);
    assert_eq!(f.slate.get_invitation(f.caller, a.id()).await.unwrap(), reopened);
}

async fn type_ahead_and_search_treat_wildcards_as_text(store: SqlStore) {
    let f = fixture(&store).await;
    for (first, last) in [("Ab_c", "Smith"), ("Abxc", "Jones"), ("Zed", "100%"), ("Zed", "1000"), ("Ada", "Lovelace")] {
        let new = NewCandidate {
            first_name: PersonName::parse(first).unwrap(),
            last_name: PersonName::parse(last).unwrap(),
            email: None,
            phone: None,
            notes: LongText::default(),
        };
        f.slate.create_candidate(f.caller, new).await.unwrap();
    }
    let search = |p: &str| {
        let slate = f.slate.clone();
        let caller = f.caller;
        let prefix = NamePrefix::parse(p).unwrap();
        async move {
            slate
                .search_candidates(caller, &prefix, 10)
                .await
                .unwrap()
                .iter()
                .map(Candidate::full_name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("ab_").await, ["Ab_c Smith"]);
    assert_eq!(search("100%").await, ["Zed 100%"]);
    assert_eq!(search("AB").await, ["Abxc Jones", "Ab_c Smith"], "by last name");
    assert_eq!(search("l").await, ["Ada Lovelace"]);

    f.slate.invite_external(f.caller, external(&f, "Per", "Cent", "per_cent@example.com", "2026-11-30")).await.unwrap();
    f.slate.invite_external(f.caller, external(&f, "Per", "Cent", "perxcent@example.com", "2026-11-30")).await.unwrap();
    let q = InvitationQuery { search: Some(SearchText::parse("per_c").unwrap()), ..InvitationQuery::default() };
    assert_eq!(f.slate.list_invitations(f.caller, &q).await.unwrap().items.len(), 1);
}

async fn bad_rows_fail_loudly(store: SqlStore) {
    let f = fixture(&store).await;
    let inv = invite_ada(&f).await;
    let db = store.connection();
    db.execute_unprepared("UPDATE invitations SET status = 'teleported'").await.unwrap();
    let err = f.slate.get_invitation(f.caller, inv.id()).await;
    match err {
        Err(NotFoundError::Internal(e)) => assert!(e.to_string().contains("invitations.status"), "{e}"),
        other => panic!("{other:?}"),
    }
    db.execute_unprepared("UPDATE invitations SET status = 'queued', email = 'not an email'").await.unwrap();
    assert!(matches!(f.slate.get_invitation(f.caller, inv.id()).await, Err(NotFoundError::Internal(_))));
}

async fn migrations_go_down_and_up_again(store: SqlStore) {
    use migrations::MigratorTrait;
    let f = fixture(&store).await;
    f.slate.invite_external(f.caller, external(&f, "Ada", "Lovelace", "ada@example.com", "2026-11-30")).await.unwrap();
    let db = store.connection();
    let pending = migrations::Migrator::get_pending_migrations(db).await.unwrap();
    assert!(pending.is_empty(), "everything applied");
    migrations::Migrator::down(db, None).await.unwrap();
    assert!(db.execute_unprepared("SELECT 1 FROM invitations").await.is_err(), "tables dropped");
    assert_eq!(
        migrations::Migrator::get_pending_migrations(db).await.unwrap().len(),
        migrations::Migrator::migrations().len()
    );
    store.migrate().await.unwrap();
    let fresh = fixture(&store).await;
    let inv = fresh
        .slate
        .invite_external(fresh.caller, external(&fresh, "Ada", "Lovelace", "ada@example.com", "2026-11-30"))
        .await;
    assert!(inv.is_ok(), "the schema works again after down and up: {inv:?}");
}

async fn the_folding_migration_rewrites_stored_search_text(store: SqlStore) {
    use migrations::MigratorTrait;
    let f = fixture(&store).await;
    let inv = f
        .slate
        .invite_external(f.caller, external(&f, "José", "Müller", "jose@example.com", "2026-11-30"))
        .await
        .unwrap();
    let db = store.connection();
    // The text as the previous rule stored it: lower-cased, accents kept.
    let old = "josé\u{1f}müller\u{1f}jose@example.com";
    let set = match store.kind() {
        slate_persistence::DatabaseKind::Sqlite => "UPDATE invitations SET search_text = ? WHERE id = ?",
        slate_persistence::DatabaseKind::Postgres => "UPDATE invitations SET search_text = $1 WHERE id = $2",
    };
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        db.get_database_backend(),
        set,
        [old.into(), inv.id().as_uuid().into()],
    ))
    .await
    .unwrap();
    let search =
        |q: &str| InvitationQuery { search: Some(SearchText::parse(q).unwrap()), ..InvitationQuery::default() };
    assert!(f.slate.list_invitations(f.caller, &search("muller")).await.unwrap().items.is_empty(), "not yet folded");
    // Revert the folding migration and every one after it, then apply them again.
    let all = migrations::Migrator::migrations();
    let folding = all.iter().position(|m| m.name().ends_with("_search_folding")).unwrap();
    migrations::Migrator::down(db, Some(u32::try_from(all.len() - folding).unwrap())).await.unwrap();
    migrations::Migrator::up(db, None).await.unwrap();
    for q in ["muller", "MÜLLER", "josé"] {
        let found = f.slate.list_invitations(f.caller, &search(q)).await.unwrap();
        assert_eq!(found.items.len(), 1, "after the migration {q:?} finds the invitation");
    }
}

/// Writes that leave the search text alone (the store writes every column of an invitation)
/// and one that changes it: search finds the invitation by its new address only, and on
/// SQLite the trigram index still matches its content table exactly (FTS5's integrity check).
async fn the_search_index_follows_text_changes_only(store: SqlStore) {
    let f = fixture(&store).await;
    let inv = f
        .slate
        .invite_external(f.caller, external(&f, "Grace", "Hopper", "grace@example.com", "2026-11-30"))
        .await
        .unwrap();
    f.slate.change_deadline(f.caller, inv.id(), "2026-12-24".parse().unwrap()).await.unwrap();
    f.slate.change_deadline(f.caller, inv.id(), "2026-12-28".parse().unwrap()).await.unwrap();
    let search =
        |q: &str| InvitationQuery { search: Some(SearchText::parse(q).unwrap()), ..InvitationQuery::default() };
    assert_eq!(f.slate.list_invitations(f.caller, &search("grace@")).await.unwrap().items.len(), 1);
    // A new address, written through the store as any invitation change is.
    let mut parts = f.slate.get_invitation(f.caller, inv.id()).await.unwrap().parts().clone();
    parts.email = EmailAddress::parse("hopper@navy.example").unwrap();
    let mut changes = ChangeSet::new();
    changes.push(Write::UpdateInvitation(Invitation::from_parts(parts).unwrap()));
    UnitOfWork::commit(&store, changes).await.unwrap();
    f.slate.change_deadline(f.caller, inv.id(), "2026-12-29".parse().unwrap()).await.unwrap();
    assert!(f.slate.list_invitations(f.caller, &search("grace@")).await.unwrap().items.is_empty(), "old address");
    let found = f.slate.list_invitations(f.caller, &search("navy.ex")).await.unwrap();
    assert_eq!(found.items.iter().map(Invitation::id).collect::<Vec<_>>(), vec![inv.id()], "new address");
    if store.kind() == slate_persistence::DatabaseKind::Sqlite {
        let check = "INSERT INTO invitations_search(invitations_search, rank) VALUES ('integrity-check', 1)";
        store.connection().execute_unprepared(check).await.expect("the index matches its content");
    }
}

async fn simultaneous_identical_invitations_store_one(store: SqlStore) {
    let f = fixture(&store).await;
    let tasks: Vec<_> = (0..6)
        .map(|n| {
            let slate = f.slate.clone();
            let caller = f.caller;
            // the same address, written differently
            let input = external(
                &f,
                "Ada",
                "Lovelace",
                if n % 2 == 0 { "ada@example.com" } else { "ADA@Example.com" },
                "2026-11-30",
            );
            tokio::spawn(async move { slate.invite_external(caller, input).await })
        })
        .collect();
    let mut stored = Vec::new();
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(inv) => stored.push(inv.id()),
            Err(InviteError::AlreadyInvited(existing)) => {
                refused += 1;
                assert!(existing.as_uuid() != uuid::Uuid::nil());
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(stored.len(), 1, "exactly one invitation stored");
    assert_eq!(refused, 5);
    let all = f.slate.list_invitations(f.caller, &InvitationQuery::default()).await.unwrap();
    assert_eq!(all.items.iter().map(Invitation::id).collect::<Vec<_>>(), stored);
    // a cancelled invitation no longer counts
    f.slate.cancel(f.caller, stored[0]).await.unwrap();
    assert!(
        f.slate
            .invite_external(f.caller, external(&f, "Ada", "Lovelace", "ada@example.com", "2026-11-30"))
            .await
            .is_ok()
    );
}

async fn accounts_sessions_and_api_keys(store: SqlStore) {
    let memory = InMemory::new(at("2026-11-22T09:00:00Z"));
    let slate = slate_over(&store, &memory);
    assert!(slate.is_empty().await.unwrap());
    let new = |org: &str, email: &str| fixtures::account(org, "Rita", email);
    let (acme, rita) = slate.create_account(new("Acme", "rita@acme.example")).await.unwrap();
    let (beta, olga) = slate.create_account(new("Beta", "olga@beta.example")).await.unwrap();
    assert!(!slate.is_empty().await.unwrap());
    // The email is taken in any case of its local part: nothing of the second account is stored.
    assert!(matches!(
        slate.create_account(new("Gamma", "RITA@acme.example")).await,
        Err(CreateAccountError::EmailTaken)
    ));

    // Passwords: stored, replaced with an upsert, checked.
    let email = EmailAddress::parse("rita@acme.example").unwrap();
    let good = Password::new("correct horse battery").unwrap();
    let logged = slate.log_in(&email, &good).await.unwrap();
    assert_eq!(slate.authenticate(&logged.secret).await.unwrap().caller.recruiter_id, rita.id);
    let newer = Password::new("an even better passphrase").unwrap();
    let olga_email = EmailAddress::parse("olga@beta.example").unwrap();
    slate.set_password(beta.id, olga.id, &good).await.unwrap();
    let olgas = slate.log_in(&olga_email, &good).await.unwrap();
    slate.set_password(acme.id, rita.id, &newer).await.unwrap();
    assert!(matches!(slate.log_in(&email, &good).await, Err(LoginError::InvalidCredentials)));
    assert!(
        matches!(slate.authenticate(&logged.secret).await, Err(AuthError::Invalid)),
        "a new password ends the sessions opened with the old one"
    );
    assert!(slate.authenticate(&olgas.secret).await.is_ok(), "another recruiter's session stays");
    let logged = slate.log_in(&email, &newer).await.unwrap();
    let second = slate.log_in(&email, &newer).await.unwrap();

    // Sessions: read back equal, deleted on logout, swept when expired.
    let s = store.session(second.session.id).await.unwrap().unwrap();
    assert_eq!(s, second.session);
    slate.log_out(second.session.id).await.unwrap();
    assert!(store.session(second.session.id).await.unwrap().is_none());
    memory.clock.advance(TimeDelta::hours(13));
    assert!(matches!(slate.authenticate(&logged.secret).await, Err(AuthError::Invalid)), "expired");
    let third = slate.log_in(&email, &newer).await.unwrap();
    assert!(store.session(logged.session.id).await.unwrap().is_some(), "logging in does not sweep");
    slate.sweep_expired_sessions().await.unwrap();
    assert!(store.session(logged.session.id).await.unwrap().is_none(), "the sweep removes expired sessions");
    assert!(store.session(third.session.id).await.unwrap().is_some(), "and only those");
    // Log out everywhere: every session of Rita ends, Olga's stays.
    let fourth = slate.log_in(&email, &newer).await.unwrap();
    let olga_now = slate.log_in(&olga_email, &good).await.unwrap();
    slate.log_out_everywhere(Caller { organization_id: acme.id, recruiter_id: rita.id }).await.unwrap();
    for s in [&third, &fourth] {
        assert!(store.session(s.session.id).await.unwrap().is_none());
    }
    assert!(store.session(olga_now.session.id).await.unwrap().is_some(), "another recruiter's session stays");

    // API keys: read back equal, listed per organization newest first, revoked only by their own.
    let rita_caller = Caller { organization_id: acme.id, recruiter_id: rita.id };
    let olga_caller = Caller { organization_id: beta.id, recruiter_id: olga.id };
    let (k1, s1) = slate.create_api_key(rita_caller, Label::parse("ATS").unwrap()).await.unwrap();
    memory.clock.advance(TimeDelta::seconds(1));
    let (k2, _) = slate.create_api_key(rita_caller, Label::parse("Reports").unwrap()).await.unwrap();
    assert_eq!(store.api_key(k1.id).await.unwrap().unwrap(), k1);
    assert_eq!(slate.list_api_keys(rita_caller).await.unwrap(), vec![k2.clone(), k1.clone()]);
    assert!(slate.list_api_keys(olga_caller).await.unwrap().is_empty());
    assert!(matches!(slate.revoke_api_key(olga_caller, k1.id).await, Err(NotFoundError::NotFound)));
    assert_eq!(slate.authenticate(&s1).await.unwrap().caller, rita_caller);
    let revoked = slate.revoke_api_key(rita_caller, k1.id).await.unwrap();
    assert_eq!(store.api_key(k1.id).await.unwrap().unwrap().revoked_at, revoked.revoked_at);
    assert!(matches!(slate.authenticate(&s1).await, Err(AuthError::Invalid)));
}

/// Ada, without the recruiter's copy: one message.
async fn invite_ada_alone(f: &Fixture) -> Invitation {
    let input = InviteExternal { bcc_me: false, ..external(f, "Ada", "Lovelace", "ada@example.com", "2026-11-30") };
    f.slate.invite_external(f.caller, input).await.unwrap()
}

async fn a_lapsed_claim_cannot_overwrite_the_new_holders_outcome(store: SqlStore) {
    let f = fixture(&store).await;
    let inv = invite_ada_alone(&f).await;
    let first = f.slate.claim_messages(1).await.unwrap().remove(0);
    f.memory.clock.advance(TimeDelta::minutes(6));
    let second = f.slate.claim_messages(1).await.unwrap().remove(0);
    assert_eq!(first.id, second.id, "the lapsed claim was taken over");
    // At the port: an outcome written under the old token is refused.
    let mut late = first.clone();
    late.state = DeliveryState::Failed { at: at("2026-11-22T09:06:00Z"), reason: "550 late".into() };
    let mut changes = ChangeSet::new();
    changes.push(Write::UpdateMessage { message: late, token: first.claim_token().unwrap() });
    assert!(matches!(store.commit(changes).await, Err(CommitError::Conflict)));
    // Through the use cases: the new holder's delivery stands, the old holder's bounce is dropped.
    f.slate.record_delivery(second.id, second.claim_token().unwrap(), DeliveryOutcome::Delivered).await.unwrap();
    let bounce = DeliveryOutcome::PermanentFailure { reason: "550 no such user".into() };
    assert!(matches!(
        f.slate.record_delivery(first.id, first.claim_token().unwrap(), bounce).await,
        Err(DeliveryError::ClaimLost)
    ));
    let stored = Outbox::get(&store, first.id).await.unwrap().unwrap();
    assert!(matches!(stored.state, DeliveryState::Delivered { .. }), "{stored:?}");
    assert_eq!(f.slate.get_invitation(f.caller, inv.id()).await.unwrap().status(), InvitationStatus::Sent);
    let health = f.slate.outbox_health().await.unwrap();
    assert_eq!((health.depth, health.oldest_due, health.oldest_due_age_secs()), (0, None, 0));
}

/// Pending messages and lapsed claims are claimed in the order they became due, whichever
/// kind they are, and a claim takes no more than its limit of the two together.
async fn claims_take_the_messages_due_longest_first(store: SqlStore) {
    let f = fixture(&store).await;
    let alone = |first: &str, email: &str| InviteExternal {
        bcc_me: false,
        ..external(&f, first, "Lovelace", email, "2026-11-30")
    };
    f.slate.invite_external(f.caller, alone("Ada", "ada@example.com")).await.unwrap();
    let ada = f.slate.claim_messages(1).await.unwrap().remove(0);
    // Ada's claim (five minutes) lapses at 09:05; Bob's and Cy's messages are due from 09:01
    // and 09:02.
    f.memory.clock.advance(TimeDelta::minutes(1));
    f.slate.invite_external(f.caller, alone("Bob", "bob@example.com")).await.unwrap();
    f.memory.clock.advance(TimeDelta::minutes(1));
    f.slate.invite_external(f.caller, alone("Cy", "cy@example.com")).await.unwrap();
    f.memory.clock.advance(TimeDelta::minutes(6));
    let to = |messages: Vec<OutboxMessage>| messages.into_iter().map(|m| m.to.to_string()).collect::<Vec<_>>();
    assert_eq!(to(f.slate.claim_messages(2).await.unwrap()), ["bob@example.com", "cy@example.com"]);
    let again = f.slate.claim_messages(5).await.unwrap();
    assert_eq!(again.iter().map(|m| m.id).collect::<Vec<_>>(), [ada.id], "the lapsed claim, last");
}

async fn reminders_are_found_by_their_planned_moment(store: SqlStore) {
    let f = fixture(&store).await;
    let a = invite_ada_alone(&f).await;
    let health = f.slate.outbox_health().await.unwrap();
    assert_eq!(health.depth, 1);
    assert_eq!(health.oldest_due, Some(a.created_at()));
    f.memory.clock.advance(TimeDelta::seconds(90));
    assert_eq!(f.slate.outbox_health().await.unwrap().oldest_due_age_secs(), 90);
    for m in f.slate.claim_messages(10).await.unwrap() {
        f.slate.record_delivery(m.id, m.claim_token().unwrap(), DeliveryOutcome::Delivered).await.unwrap();
    }
    let sent = f.slate.get_invitation(f.caller, a.id()).await.unwrap();
    let first = sent.next_reminder_at().unwrap();
    assert_eq!(first, sent.created_at() + TimeDelta::days(2));
    assert!(store.awaiting_reminders(first - TimeDelta::seconds(1), 10).await.unwrap().is_empty());
    assert_eq!(store.awaiting_reminders(first, 10).await.unwrap(), std::slice::from_ref(&sent));
    f.memory.clock.set(first);
    assert_eq!(f.slate.queue_due_reminders(10).await.unwrap(), RemindersRun { looked_at: 1, queued: 1 });
    let later = f.slate.get_invitation(f.caller, a.id()).await.unwrap().next_reminder_at().unwrap();
    assert!(later > first);
    f.memory.clock.advance(TimeDelta::minutes(1));
    let moved = f.slate.change_deadline(f.caller, a.id(), "2026-12-24".parse().unwrap()).await.unwrap();
    let replanned = moved.next_reminder_at().unwrap();
    assert!(replanned > later, "moved with the deadline");
    assert_eq!(f.slate.get_invitation(f.caller, a.id()).await.unwrap().next_reminder_at(), Some(replanned));
    f.memory.clock.set(replanned);
    assert_eq!(f.slate.queue_due_reminders(10).await.unwrap(), RemindersRun { looked_at: 1, queued: 1 });
    assert_eq!(f.slate.queue_due_reminders(10).await.unwrap(), RemindersRun { looked_at: 0, queued: 0 });
    let kinds: Vec<_> = f.slate.messages(f.caller, a.id()).await.unwrap().iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [
            MessageKind::Invitation,
            MessageKind::Reminder(ReminderKind::NotStarted),
            MessageKind::DeadlineChanged,
            MessageKind::Reminder(ReminderKind::DeadlineApproaching),
        ]
    );
    let cancelled = f.slate.cancel(f.caller, a.id()).await.unwrap();
    assert_eq!(cancelled.next_reminder_at(), None);
}

async fn templates_and_the_mailbox_round_trip_per_organization(store: SqlStore) {
    let f = fixture(&store).await;
    let other = organization(&f.slate, "Other", "o@other.example").await;
    let input = TemplateInput {
        kind: TemplateKind::ReminderDeadline,
        language: Language::Polish,
        subject: "Przypomnienie: {{interview.name}}".into(),
        body: "Dzień dobry {{candidate.first_name}},\n\nzostało mało czasu: {{deadline}}.\n\n{{interview.link}}".into(),
        revision: None,
    };
    let saved = f.slate.create_template(f.caller, input.clone()).await.unwrap();
    let read = f.slate.get_template(f.caller, input.kind, input.language).await.unwrap();
    assert_eq!(read.custom.as_ref(), Some(&saved), "reads back exactly");
    assert!(matches!(
        f.slate.create_template(f.caller, input.clone()).await,
        Err(TemplateUseCaseError::AlreadyExists(_))
    ));
    assert!(f.slate.get_template(other, input.kind, input.language).await.unwrap().custom.is_none());
    let updated = f.slate.save_template(f.caller, TemplateInput { revision: Some(0), ..input.clone() }).await.unwrap();
    assert_eq!(updated.revision, 1);
    assert!(matches!(
        f.slate.save_template(f.caller, TemplateInput { revision: Some(0), ..input.clone() }).await,
        Err(TemplateUseCaseError::Conflict)
    ));
    assert!(matches!(
        f.slate.reset_template(other, input.kind, input.language).await,
        Err(TemplateUseCaseError::NotFound)
    ));
    f.slate.reset_template(f.caller, input.kind, input.language).await.unwrap();
    assert!(f.slate.get_template(f.caller, input.kind, input.language).await.unwrap().custom.is_none());

    let inv = invite_ada(&f).await;
    let m = f.slate.claim_messages(1).await.unwrap().remove(0);
    let token = m.claim_token().unwrap();
    let Prepared::Send(ctx) = f.slate.prepare_message(m.id, token).await.unwrap() else { panic!("sent") };
    let rendered = f.slate.render_message(&ctx);
    let email = CapturedEmail {
        id: m.id,
        organization_id: m.organization_id,
        about: m.about,
        kind: m.kind,
        from: "\"Acme\" <noreply@slate.example>".into(),
        to: m.to.clone(),
        reply_to: Some(ctx.recruiter.email.clone()),
        subject: rendered.subject.clone(),
        text: rendered.text.clone(),
        html: rendered.html.clone(),
        captured_at: at("2026-11-22T09:00:00Z"),
    };
    f.slate.record_delivery(m.id, token, DeliveryOutcome::Captured(Box::new(email.clone()))).await.unwrap();
    let link = f.slate.candidate_link(&inv).expose().to_owned();
    let listed = f.slate.mailbox(f.caller, None, 10).await.unwrap();
    assert_eq!(listed.emails.len(), 1);
    assert!(!listed.emails[0].text.contains(&link), "no link at rest");
    assert_eq!(f.slate.mailbox_email(f.caller, m.id).await.unwrap(), email, "reads back exactly, link restored");
    assert!(f.slate.mailbox(other, None, 10).await.unwrap().emails.is_empty());
    assert!(matches!(f.slate.mailbox_email(other, m.id).await, Err(NotFoundError::NotFound)));
    let raw: Vec<String> = store
        .connection()
        .query_all_raw(sea_orm::Statement::from_string(
            store.connection().get_database_backend(),
            "SELECT text_body FROM mailbox",
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.try_get::<String>("", "text_body").unwrap())
        .collect();
    assert!(raw.iter().all(|t| !t.contains(&link)), "the stored row holds no usable link");
}

async fn reviews_funnels_candidate_pages_and_settings(store: SqlStore) {
    let f = fixture(&store).await;
    let other = organization(&f.slate, "Globex", "hank@globex.example").await;
    let ada = invite_ada(&f).await;
    f.memory.clock.advance(TimeDelta::seconds(1));
    let bob = f
        .slate
        .invite_external(f.caller, external(&f, "Bob", "Babbage", "bob@example.com", "2026-11-30"))
        .await
        .unwrap();
    for m in f.slate.claim_messages(10).await.unwrap() {
        f.slate.record_delivery(m.id, m.claim_token().unwrap(), DeliveryOutcome::Delivered).await.unwrap();
    }
    let token = f.slate.link_token(&ada);
    f.slate.open_link(&token).await.unwrap();
    let q = |n: usize| f.interview.questions()[n].id();
    answer(&f, &token, q(0)).await;
    answer(&f, &token, q(1)).await;
    f.slate.complete(&token).await.unwrap();
    f.slate.cancel(f.caller, bob.id()).await.unwrap();

    // The funnel counts in the database, per scope, and never another organization's.
    let funnel = f.slate.funnel(f.caller, FunnelScope::All).await.unwrap();
    assert_eq!((funnel.invited, funnel.opened, funnel.started, funnel.completed, funnel.cancelled), (2, 1, 1, 1, 1));
    assert_eq!(f.slate.funnel(f.caller, FunnelScope::Interview(f.interview.id())).await.unwrap(), funnel);
    let job = f.interview.details().job_id.unwrap();
    assert_eq!(f.slate.funnel(f.caller, FunnelScope::Job(job)).await.unwrap(), funnel);
    assert_eq!(f.slate.funnel(other, FunnelScope::All).await.unwrap(), Funnel::default());

    // Review notes: appended, read back exactly, scoped to the organization.
    let rating = |v| Rating::new(v).unwrap();
    f.slate.rate_answer(f.caller, ada.id(), q(0), rating(2)).await.unwrap();
    f.memory.clock.advance(TimeDelta::seconds(1));
    f.slate.rate_answer(f.caller, ada.id(), q(0), rating(4)).await.unwrap();
    f.slate
        .comment_on_answers(f.caller, ada.id(), Some(q(1)), CommentText::parse("Clear <b>answer</b>").unwrap())
        .await
        .unwrap();
    f.memory.clock.advance(TimeDelta::seconds(1));
    let written = f.slate.decide(f.caller, ada.id(), Decision::Advance).await.unwrap();
    let sheet = f.slate.review(f.caller, ada.id()).await.unwrap();
    assert_eq!(sheet.review, written, "the log reads back as written");
    assert_eq!(sheet.review.notes().len(), 4, "nothing is overwritten");
    assert_eq!(sheet.review.rating_by(q(0), f.caller.recruiter_id), Some(rating(4)));
    assert_eq!(sheet.review.decision().map(|d| d.0), Some(Decision::Advance));
    assert_eq!(sheet.answers.len(), 2);
    assert!(store.review_notes(other.organization_id, ada.id()).await.unwrap().is_empty());
    assert!(matches!(f.slate.review(other, ada.id()).await, Err(NotFoundError::NotFound)));
    assert!(matches!(f.slate.rate_answer(f.caller, bob.id(), q(0), rating(3)).await, Err(ReviewError::Cancelled)));
    let timeline = f.slate.candidate_timeline(f.caller, ada.candidate_id()).await.unwrap();
    assert!(matches!(timeline.last().map(|e| &e.kind), Some(EventKind::DecisionRecorded(Decision::Advance))));

    // Candidates page newest first, by keyset.
    let first = f.slate.list_candidates(f.caller, None, 1).await.unwrap();
    assert_eq!(first.iter().map(|c| c.id).collect::<Vec<_>>(), [bob.candidate_id()]);
    let second = f.slate.list_candidates(f.caller, Some(first[0].id), 10).await.unwrap();
    assert_eq!(second.iter().map(|c| c.id).collect::<Vec<_>>(), [ada.candidate_id()]);
    assert!(f.slate.list_candidates(other, None, 10).await.unwrap().is_empty());

    // Settings: stored, and a new reminder policy re-plans open invitations.
    let fresh =
        f.slate.invite_external(f.caller, external(&f, "Cy", "Clerk", "cy@example.com", "2026-11-30")).await.unwrap();
    for m in f.slate.claim_messages(10).await.unwrap() {
        f.slate.record_delivery(m.id, m.claim_token().unwrap(), DeliveryOutcome::Delivered).await.unwrap();
    }
    let planned = f.slate.get_invitation(f.caller, fresh.id()).await.unwrap().next_reminder_at().unwrap();
    let settings = OrganizationSettings {
        name: DisplayName::parse("Acme Labs").unwrap(),
        time_zone: TimeZone::parse("America/New_York").unwrap(),
        default_language: Language::French,
        reminders: ReminderPolicy::new(Some(1), None).unwrap(),
    };
    let updated = f.slate.update_organization(f.caller, settings).await.unwrap();
    let (stored, _) = f.slate.whoami(f.caller).await.unwrap();
    assert_eq!(stored, updated);
    let replanned = f.slate.get_invitation(f.caller, fresh.id()).await.unwrap().next_reminder_at().unwrap();
    assert_eq!(replanned, fresh.created_at() + TimeDelta::days(1));
    assert!(replanned < planned, "a shortened delay is planned again");
    assert_eq!(f.slate.whoami(other).await.unwrap().0.name.as_str(), "Globex", "other organizations untouched");
}

// ---------------------------------------------------------------- the domain's contract kit

/// The scenarios the domain asks of every storage adapter (`slate_domain::contract`), on a
/// fresh SQLite database each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_domains_contract_kit_passes_on_sqlite() {
    let passed = slate_domain::contract::check_store(|| async { Arc::new(harness::sqlite().await) }).await;
    assert_eq!(passed, Ok(slate_domain::contract::SCENARIOS.len()));
}

/// The same on a fresh PostgreSQL database each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_domains_contract_kit_passes_on_postgres() {
    let passed = slate_domain::contract::check_store(|| async { Arc::new(harness::postgres().await) }).await;
    assert_eq!(passed, Ok(slate_domain::contract::SCENARIOS.len()));
}

/// The kit again with every read and commit on the sqlx pool, on both databases.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_domains_contract_kit_passes_on_the_pools() {
    let sqlite = slate_domain::contract::check_store(|| async { Arc::new(harness::sqlite_on_pool().await) }).await;
    assert_eq!(sqlite, Ok(slate_domain::contract::SCENARIOS.len()));
    let postgres = slate_domain::contract::check_store(|| async { Arc::new(harness::postgres_on_pool().await) }).await;
    assert_eq!(postgres, Ok(slate_domain::contract::SCENARIOS.len()));
}

/// A pooled SQLite connection that loaded the schema before another connection migrated
/// it still claims outbox messages afterwards: the claim names its columns, so SQLite
/// reloads the schema instead of preparing the old table's column count (with `RETURNING *`
/// sqlx kept that count and its worker panicked on the new columns).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_older_than_the_schema_still_claims() {
    use migrations::MigratorTrait;
    use slate_persistence::StoreOptions;
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("slate-test-{}.db", uuid::Uuid::new_v4().simple()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let upgrader = SqlStore::connect(&url, &StoreOptions::default()).await.unwrap();
    upgrader.migrate().await.unwrap();
    // Back to before the outbox gained its attendee columns.
    let all = migrations::Migrator::migrations();
    let live_messages = all.iter().position(|m| m.name().ends_with("_live_messages")).unwrap();
    migrations::Migrator::down(upgrader.connection(), Some(u32::try_from(all.len() - live_messages).unwrap()))
        .await
        .unwrap();
    // On the sqlx pool: a file store claims on its rusqlite write connection otherwise.
    let one = StoreOptions { max_connections: 1, bypass_pool: false, ..StoreOptions::default() };
    let old = SqlStore::connect(&url, &one).await.unwrap();
    // The old schema is loaded into the connection.
    old.connection().execute_unprepared("SELECT count(*) FROM outbox").await.unwrap();
    upgrader.migrate().await.unwrap();
    // A message to claim (a claim that returns no row never reads one).
    let f = fixture(&upgrader).await;
    f.slate.invite_external(f.caller, external(&f, "Ada", "Lovelace", "ada@example.com", "2026-11-30")).await.unwrap();
    let queued = usize::try_from(Outbox::depth(&upgrader).await.unwrap()).unwrap();
    assert!(queued > 0);
    let now = f.memory.clock.now();
    let claimed = old.claim(now, now + TimeDelta::minutes(5), ClaimToken::from_uuid(uuid::Uuid::new_v4()), 10).await;
    assert_eq!(claimed.map(|m| m.len()).map_err(|e| e.to_string()), Ok(queued));
}

/// Two instances sharing one PostgreSQL database, each caching API keys and organizations:
/// a key revoked through one is refused by the other, and an organization changed through
/// one reads back changed from the other, once the commit's notification arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_one_instance_revokes_or_changes_the_other_sees() {
    let (one, two) = harness::two_instances().await;
    let memory = InMemory::new(at("2026-11-22T09:00:00Z"));
    let (first, second) = (slate_over(&one, &memory), slate_over(&two, &memory));
    let (acme, rita) = first.create_account(fixtures::account("Acme", "Rita", "rita@acme.example")).await.unwrap();
    let caller = Caller { organization_id: acme.id, recruiter_id: rita.id };
    let (key, secret) = first.create_api_key(caller, Label::parse("ATS").unwrap()).await.unwrap();
    // Both instances read (and cache) the key and the organization.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    for slate in [&first, &second] {
        assert_eq!(slate.authenticate(&secret).await.unwrap().caller, caller);
        assert_eq!(slate.whoami(caller).await.unwrap().0.name.as_str(), "Acme");
    }
    first.revoke_api_key(caller, key.id).await.unwrap();
    let org = first.whoami(caller).await.unwrap().0;
    let settings = OrganizationSettings {
        name: DisplayName::parse("Acme Labs").unwrap(),
        time_zone: org.time_zone,
        default_language: org.default_language,
        reminders: org.reminders,
    };
    first.update_organization(caller, settings).await.unwrap();
    assert!(matches!(first.authenticate(&secret).await, Err(AuthError::Invalid)), "at once where it was revoked");
    let waited = std::time::Instant::now();
    loop {
        let refused = matches!(second.authenticate(&secret).await, Err(AuthError::Invalid));
        let renamed = second.whoami(caller).await.unwrap().0.name.as_str() == "Acme Labs";
        if refused && renamed {
            break;
        }
        assert!(
            waited.elapsed().as_secs() < 5,
            "the other instance still sees the old rows (refused {refused}, renamed {renamed})"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// Two instances sharing one PostgreSQL database, each caching the invitations it reads: an
/// invitation cancelled through one reads back cancelled from the other, and its link is
/// withdrawn there, once the commit's notice (naming that invitation) arrives. A cached
/// invitation stays invisible to another organization.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_one_instance_changes_the_other_reads_changed() {
    let (one, two) = harness::two_instances().await;
    let f = fixture(&one).await;
    let second = slate_over(&two, &f.memory);
    let globex = organization(&f.slate, "Globex", "gina@globex.example").await;
    let ada = external(&f, "Ada", "Lovelace", "ada@example.com", "2026-11-30");
    let invitation = f.slate.invite_external(f.caller, ada).await.unwrap();
    let token = f.slate.link_token(&invitation);
    // Both instances read (and cache) the invitation, by id and through its link.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    for slate in [&f.slate, &second] {
        assert_eq!(slate.get_invitation(f.caller, invitation.id()).await.unwrap().status(), InvitationStatus::Queued);
        assert!(matches!(slate.check_link(&token).await.unwrap(), LinkCheck::Current { .. }));
        assert!(slate.get_invitation(globex, invitation.id()).await.is_err(), "another organization's invitation");
    }
    f.slate.cancel(f.caller, invitation.id()).await.unwrap();
    let at_once = f.slate.get_invitation(f.caller, invitation.id()).await.unwrap();
    assert_eq!(at_once.status(), InvitationStatus::Cancelled, "at once where it was cancelled");
    let waited = std::time::Instant::now();
    loop {
        let cancelled = second.get_invitation(f.caller, invitation.id()).await.unwrap().status();
        let link = second.check_link(&token).await.unwrap();
        if cancelled == InvitationStatus::Cancelled && matches!(link, LinkCheck::Withdrawn { .. }) {
            break;
        }
        assert!(waited.elapsed().as_secs() < 5, "the other instance still sees {cancelled:?}");
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(second.get_invitation(globex, invitation.id()).await.is_err());
}

/// An update of an invitation this store read writes only the columns that changed, so
/// SQLite rewrites only the indexes on them: an `UPDATE OF` trigger on a column the change
/// leaves alone does not fire, one on a column it changes does. With the row cache off the
/// whole row is written, as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_writes_only_the_columns_it_changed() {
    for cache_rows in [true, false] {
        let options = slate_persistence::StoreOptions { cache_rows, ..Default::default() };
        let store = probed_sqlite(
            &options,
            "CREATE TABLE probe (what TEXT); \
                 CREATE TRIGGER probe_email AFTER UPDATE OF email_key ON invitations \
                   BEGIN INSERT INTO probe VALUES ('email'); END; \
                 CREATE TRIGGER probe_status AFTER UPDATE OF status ON invitations \
                   BEGIN INSERT INTO probe VALUES ('status'); END;",
        )
        .await;
        let f = fixture(&store).await;
        let ada = invite_ada_alone(&f).await;
        f.slate.get_invitation(f.caller, ada.id()).await.unwrap();
        f.slate.cancel(f.caller, ada.id()).await.unwrap();
        let fired = probes_fired(&store).await;
        let expected: &[&str] = if cache_rows { &["status"] } else { &["email", "status"] };
        assert_eq!(fired, expected, "cache_rows = {cache_rows}");
        assert_eq!(f.slate.get_invitation(f.caller, ada.id()).await.unwrap().status(), InvitationStatus::Cancelled);
    }
}

/// Recording a delivery writes the message's delivery state and nothing else: what it is
/// and whom it goes to stay out of `SET`, so SQLite leaves the primary key and both unique
/// keys alone (an `UPDATE OF` trigger fires only for the columns a statement sets).
#[tokio::test]
async fn a_recorded_delivery_writes_only_the_delivery_state() {
    let store = probed_sqlite(
        &Default::default(),
        "CREATE TABLE probe (what TEXT); \
             CREATE TRIGGER probe_identity AFTER UPDATE OF id, organization_id, invitation_id, attendee_id, kind, \
               sequence, recipient, language, created_at ON outbox BEGIN INSERT INTO probe VALUES ('identity'); END; \
             CREATE TRIGGER probe_state AFTER UPDATE OF state ON outbox \
               BEGIN INSERT INTO probe VALUES ('state'); END;",
    )
    .await;
    let f = fixture(&store).await;
    let ada = invite_ada_alone(&f).await;
    let [claimed] = &f.slate.claim_messages(10).await.unwrap()[..] else { panic!("one message queued") };
    let recorded =
        f.slate.record_delivery(claimed.id, claimed.claim_token().unwrap(), DeliveryOutcome::Delivered).await.unwrap();
    let fired = probes_fired(&store).await;
    assert_eq!(fired, ["state", "state"], "the claim and the delivery set the state, neither the identity");
    let stored = Outbox::get(&store, recorded.id).await.unwrap().unwrap();
    assert!(matches!(stored.state, DeliveryState::Delivered { .. }), "{:?}", stored.state);
    assert_eq!((stored.to, stored.kind, stored.about), (claimed.to.clone(), claimed.kind, claimed.about));
    assert_eq!(f.slate.get_invitation(f.caller, ada.id()).await.unwrap().status(), InvitationStatus::Sent);
}

/// A migrated store on a fresh SQLite file, with `probes` (SQL creating a `probe (what)`
/// table and the triggers that fill it) run on it.
async fn probed_sqlite(options: &slate_persistence::StoreOptions, probes: &str) -> SqlStore {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("slate-test-{}.db", uuid::Uuid::new_v4().simple()));
    let store = SqlStore::connect(&format!("sqlite://{}?mode=rwc", path.display()), options).await.unwrap();
    store.migrate().await.unwrap();
    store.connection().execute_unprepared(probes).await.unwrap();
    store
}

/// What the probe triggers of [`probed_sqlite`] recorded, in order of name.
async fn probes_fired(store: &SqlStore) -> Vec<String> {
    sea_orm::FromQueryResult::find_by_statement(sea_orm::Statement::from_string(
        sea_orm::DbBackend::Sqlite,
        "SELECT what FROM probe ORDER BY what",
    ))
    .all(store.connection())
    .await
    .unwrap()
    .into_iter()
    .map(|r: sea_orm::JsonValue| r["what"].as_str().unwrap().to_owned())
    .collect()
}
