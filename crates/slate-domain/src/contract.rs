//! The storage contract kit (feature `contract-tests`): the scenarios every storage adapter
//! must pass, driven through the use cases, so what is checked is what the product does.
//! Slate runs it against its in-memory store, its SQL store (SQLite and PostgreSQL) and the
//! outside adapter of `examples/custom_adapter.rs`; run it against yours:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use std::sync::Arc;
//! use slate_domain::contract::check_store;
//! use slate_domain::memory::InMemoryStore;
//!
//! // One fresh, empty store per scenario.
//! let passed = check_store(|| async { Arc::new(InMemoryStore::new()) }).await;
//! assert_eq!(passed, Ok(slate_domain::contract::SCENARIOS.len()));
//! # }
//! ```
//!
//! Each scenario gets a fresh store from the closure, a manual clock at
//! [`START`], sequential ids and the in-memory link scheme and video store, and fails with
//! a [`ContractViolation`] naming the scenario and what was expected.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};

use crate::memory::{InMemory, PlainRenderer, TestPasswords};
use crate::ports::{ChangeSet, CommitError, Store, VideoStore as _, Write};
use crate::*;

/// Where every scenario's clock starts.
pub const START: &str = "2026-11-22T09:00:00Z";

/// The scenarios, by name, in the order they run.
pub const SCENARIOS: [&str; 10] = [
    "an invitation and its timeline read back exactly",
    "another organization's records are never returned",
    "updates need the revision read and bump it",
    "a change set is applied whole or not at all",
    "one open invitation per interview and address, on insert and update",
    "lists filter, sort and page by cursor",
    "a claimed message belongs to its claim",
    "reviews, funnels and candidate pages",
    "accounts, sessions and API keys",
    "live interviews, their attendees and answers",
];

/// A broken contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage contract broken in \"{scenario}\": {message}")]
pub struct ContractViolation {
    /// Which scenario.
    pub scenario: &'static str,
    /// What was expected, and what happened.
    pub message: String,
}

type Check = Result<(), String>;

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// Runs every scenario of [`SCENARIOS`], each on a fresh store from `fresh`; returns how
/// many passed (all of them) or the first violation.
///
/// # Errors
/// The first [`ContractViolation`].
pub async fn check_store<S, F, Fut>(fresh: F) -> Result<usize, ContractViolation>
where
    S: Store,
    F: Fn() -> Fut,
    Fut: Future<Output = Arc<S>>,
{
    check_storage(|| async { Ports::builder().store(fresh().await) }).await
}

/// Like [`check_store`] for storage assembled from several adapters: `fresh` returns a
/// [`PortsBuilder`] holding every storage port (repositories, outbox, unit of work) over
/// fresh, empty storage; the kit sets the clock, ids, links, videos, passwords and renderer.
///
/// # Errors
/// The first [`ContractViolation`]; a builder missing a storage port fails the first
/// scenario with the port's name.
pub async fn check_storage<F, Fut>(fresh: F) -> Result<usize, ContractViolation>
where
    F: Fn() -> Fut,
    Fut: Future<Output = PortsBuilder>,
{
    for (n, scenario) in SCENARIOS.into_iter().enumerate() {
        let world = World::new(fresh().await).map_err(|e| ContractViolation { scenario, message: e.to_string() })?;
        let outcome = match n {
            0 => round_trip(&world).await,
            1 => tenancy(&world).await,
            2 => revisions(&world).await,
            3 => atomicity(&world).await,
            4 => one_open_invitation(&world).await,
            5 => lists(&world).await,
            6 => claims(&world).await,
            7 => reviews(&world).await,
            8 => accounts(&world).await,
            _ => live_interviews(&world).await,
        };
        outcome.map_err(|message| ContractViolation { scenario, message })?;
    }
    Ok(SCENARIOS.len())
}

struct World {
    memory: InMemory,
    ports: Ports,
    slate: Slate,
}

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(START).map_or(DateTime::UNIX_EPOCH, |t| t.with_timezone(&Utc))
}

impl World {
    fn new(storage: PortsBuilder) -> Result<Self, MissingPort> {
        let memory = InMemory::new(start());
        let ports = storage
            .clock(memory.clock.clone())
            .ids(memory.ids.clone())
            .links(memory.links.clone())
            .videos(memory.videos.clone())
            .passwords(Arc::new(TestPasswords))
            .renderer(Arc::new(PlainRenderer))
            .build()?;
        let slate = Slate::new(ports.clone(), Settings::default());
        Ok(Self { memory, ports, slate })
    }

    async fn organization(&self, name: &str, email: &str) -> Result<Caller, String> {
        let org = self
            .slate
            .create_organization(NewOrganization {
                name: text(DisplayName::parse(name))?,
                time_zone: text(TimeZone::parse("Europe/Athens"))?,
                default_language: Language::English,
                reminders: ReminderPolicy::default(),
            })
            .await
            .map_err(|e| format!("create_organization: {e}"))?;
        let recruiter = self
            .slate
            .add_recruiter(
                org.id,
                NewRecruiter { name: text(PersonName::parse("Rita"))?, email: text(EmailAddress::parse(email))? },
            )
            .await
            .map_err(|e| format!("add_recruiter: {e}"))?;
        Ok(Caller { organization_id: org.id, recruiter_id: recruiter.id })
    }

    async fn interview(&self, caller: Caller) -> Result<VideoInterview, String> {
        let job = self
            .slate
            .create_job(
                caller,
                NewJob { title: text(JobText::parse("Engineer"))?, company_name: text(JobText::parse("Acme"))? },
            )
            .await
            .map_err(|e| format!("create_job: {e}"))?;
        let mut input = crate::fixtures::interview("Round one", &["Who are you?", "Why us?"]);
        input.details.job_id = Some(job.id);
        for q in &mut input.questions {
            (q.thinking_secs, q.max_answer_secs, q.retakes) = (20, 90, 1);
        }
        let draft = self.slate.create_interview(caller, input).await.map_err(|e| format!("create_interview: {e}"))?;
        self.slate.publish_interview(caller, draft.id()).await.map_err(|e| format!("publish_interview: {e}"))
    }

    async fn invite(
        &self,
        caller: Caller,
        interview: &VideoInterview,
        first: &str,
        email: &str,
    ) -> Result<Invitation, InviteError> {
        self.slate
            .invite_external(
                caller,
                InviteExternal {
                    first_name: PersonName::parse(first)
                        .map_err(|e| InviteError::Internal(ports::AdapterError::new(e)))?,
                    last_name: PersonName::parse("Tester")
                        .map_err(|e| InviteError::Internal(ports::AdapterError::new(e)))?,
                    email: EmailAddress::parse(email)
                        .map_err(|e| InviteError::Internal(ports::AdapterError::new(e)))?,
                    interview_id: interview.id(),
                    language: None,
                    deadline: start().date_naive() + TimeDelta::days(8),
                    bcc_me: false,
                    notify_me: true,
                },
            )
            .await
    }

    async fn deliver_all(&self) -> Check {
        for m in self.slate.claim_messages(50).await.map_err(|e| format!("claim_messages: {e}"))? {
            let token = m.claim_token().ok_or("a claimed message has a claim token")?;
            self.slate
                .record_delivery(m.id, token, DeliveryOutcome::Delivered)
                .await
                .map_err(|e| format!("record_delivery: {e}"))?;
        }
        Ok(())
    }

    async fn answer(&self, token: &LinkToken, question: QuestionId) -> Check {
        let key = self.slate.answer_upload_key(token, question).await.map_err(|e| format!("answer_upload_key: {e}"))?;
        let video = b"\x1a\x45\xdf\xa3 a tiny webm";
        self.memory.videos.begin(&key, video.len() as u64).await.map_err(|e| e.to_string())?;
        self.memory.videos.append(&key, 0, ports::byte_stream(&video[..])).await.map_err(|e| e.to_string())?;
        self.slate
            .record_answer(token, RecordAnswer { question_id: question, duration_ms: 3_000 })
            .await
            .map(|_| ())
            .map_err(|e| format!("record_answer: {e}"))
    }
}

fn text<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, String> {
    r.map_err(|e| e.to_string())
}

async fn round_trip(w: &World) -> Check {
    let caller = w.organization("Acme", "rita@acme.example").await?;
    let interview = w.interview(caller).await?;
    ensure!(
        w.slate.get_interview(caller, interview.id()).await.ok().as_ref() == Some(&interview),
        "the interview reads back as written, revision included"
    );
    let inv = w.invite(caller, &interview, "Ada", "Ada@Example.com").await.map_err(|e| format!("invite: {e}"))?;
    ensure!(
        w.slate.get_invitation(caller, inv.id()).await.ok().as_ref() == Some(&inv),
        "the invitation reads back as written"
    );
    let candidate =
        w.slate.get_candidate(caller, inv.candidate_id()).await.map_err(|e| format!("get_candidate: {e}"))?;
    ensure!(candidate.kind == CandidateKind::External, "an invited stranger is an external candidate");
    w.deliver_all().await?;
    let token = w.slate.link_token(&inv);
    w.memory.clock.advance(TimeDelta::hours(1));
    let opened = w.slate.open_link(&token).await.map_err(|e| format!("open_link: {e}"))?;
    ensure!(
        w.slate.get_invitation(caller, inv.id()).await.ok().as_ref() == Some(&opened),
        "the opened invitation reads back"
    );
    let q: Vec<QuestionId> = interview.questions().iter().map(Question::id).collect();
    w.answer(&token, q[0]).await?;
    w.answer(&token, q[0]).await?;
    w.answer(&token, q[1]).await?;
    let done = w.slate.complete(&token).await.map_err(|e| format!("complete: {e}"))?;
    ensure!(
        w.slate.get_invitation(caller, inv.id()).await.ok().as_ref() == Some(&done),
        "the completed invitation reads back"
    );
    let names: Vec<_> = w
        .slate
        .candidate_timeline(caller, inv.candidate_id())
        .await
        .map_err(|e| format!("timeline: {e}"))?
        .iter()
        .map(|e| e.kind.name())
        .collect();
    ensure!(
        names == ["invited", "email_delivered", "opened", "started", "completed"],
        "timeline oldest first, in insertion order: {names:?}"
    );
    let answers = w.slate.answers(caller, inv.id()).await.map_err(|e| format!("answers: {e}"))?;
    let takes: Vec<_> = answers.iter().map(|a| (a.question_id, a.take)).collect();
    ensure!(takes == [(q[0], 1), (q[0], 2), (q[1], 1)], "answers in question order, then take: {takes:?}");
    let kinds: Vec<_> =
        w.slate.messages(caller, inv.id()).await.map_err(|e| e.to_string())?.iter().map(|m| m.kind).collect();
    ensure!(kinds == [MessageKind::Invitation, MessageKind::CompletionNotice], "messages oldest first: {kinds:?}");
    Ok(())
}

async fn tenancy(w: &World) -> Check {
    let acme = w.organization("Acme", "rita@acme.example").await?;
    let beta = w.organization("Beta", "olga@beta.example").await?;
    let interview = w.interview(acme).await?;
    let inv = w.invite(acme, &interview, "Ada", "ada@example.com").await.map_err(|e| format!("invite: {e}"))?;
    let o = beta.organization_id;
    let p = &w.ports;
    ensure!(
        p.invitations.get(o, inv.id()).await.map_err(|e| e.to_string())?.is_none(),
        "invitations.get for another organization"
    );
    ensure!(
        p.candidates.get(o, inv.candidate_id()).await.map_err(|e| e.to_string())?.is_none(),
        "candidates.get for another organization"
    );
    ensure!(
        p.interviews.get(o, interview.id()).await.map_err(|e| e.to_string())?.is_none(),
        "interviews.get for another organization"
    );
    ensure!(
        p.interviews.list(o, None).await.map_err(|e| e.to_string())?.is_empty(),
        "interviews.list for another organization"
    );
    ensure!(p.jobs.list(o).await.map_err(|e| e.to_string())?.is_empty(), "jobs.list for another organization");
    ensure!(
        p.timeline.for_candidate(o, inv.candidate_id()).await.map_err(|e| e.to_string())?.is_empty(),
        "timeline for another organization"
    );
    ensure!(
        p.outbox.for_invitation(o, inv.id()).await.map_err(|e| e.to_string())?.is_empty(),
        "outbox.for_invitation for another organization"
    );
    let page = p.invitations.list(o, &InvitationQuery::default()).await.map_err(|e| e.to_string())?;
    ensure!(page.items.is_empty(), "invitations.list for another organization");
    ensure!(
        p.candidates.list(o, None, 10).await.map_err(|e| e.to_string())?.is_empty(),
        "candidates.list for another organization"
    );
    ensure!(
        p.invitations.funnel(o, FunnelScope::All).await.map_err(|e| e.to_string())? == Funnel::default(),
        "funnel for another organization"
    );
    let mine =
        p.invitations.list(acme.organization_id, &InvitationQuery::default()).await.map_err(|e| e.to_string())?;
    ensure!(mine.items.len() == 1, "the owner lists its invitation");
    Ok(())
}

async fn revisions(w: &World) -> Check {
    let caller = w.organization("Acme", "rita@acme.example").await?;
    let interview = w.interview(caller).await?;
    let inv = w.invite(caller, &interview, "Ada", "ada@example.com").await.map_err(|e| format!("invite: {e}"))?;
    let mut changes = ChangeSet::new();
    changes.push(Write::UpdateInvitation(inv.clone()));
    w.ports.unit_of_work.commit(changes.clone()).await.map_err(|e| format!("an update at the revision read: {e}"))?;
    let stored = w.slate.get_invitation(caller, inv.id()).await.map_err(|e| e.to_string())?;
    ensure!(
        stored.revision() == inv.revision() + 1,
        "a stored update bumps the revision: {} → {}",
        inv.revision(),
        stored.revision()
    );
    match w.ports.unit_of_work.commit(changes).await {
        Err(CommitError::Conflict) => {}
        other => return Err(format!("an update at a stale revision must be Conflict, got {other:?}")),
    }
    // A use case over a stale read is refused, not applied.
    let mut again = ChangeSet::new();
    again.push(Write::UpdateInterview(interview.clone()));
    w.ports.unit_of_work.commit(again.clone()).await.map_err(|e| format!("interview update: {e}"))?;
    ensure!(
        matches!(w.ports.unit_of_work.commit(again).await, Err(CommitError::Conflict)),
        "a stale interview update must be Conflict"
    );
    Ok(())
}

async fn atomicity(w: &World) -> Check {
    let caller = w.organization("Acme", "rita@acme.example").await?;
    let interview = w.interview(caller).await?;
    let inv = w.invite(caller, &interview, "Ada", "ada@example.com").await.map_err(|e| format!("invite: {e}"))?;
    let candidate = Candidate {
        id: CandidateId::from_uuid(uuid::Uuid::from_u128(0xC0FFEE)),
        organization_id: caller.organization_id,
        kind: CandidateKind::Internal,
        first_name: text(PersonName::parse("Half"))?,
        last_name: text(PersonName::parse("Way"))?,
        email: None,
        phone: None,
        notes: LongText::default(),
        created_at: start(),
    };
    let mut changes = ChangeSet::new();
    changes.push(Write::InsertCandidate(candidate.clone()));
    changes.push(Write::InsertInvitation(inv.clone()));
    match w.ports.unit_of_work.commit(changes).await {
        Err(CommitError::Duplicate(_)) => {}
        other => return Err(format!("inserting an existing invitation id must be Duplicate, got {other:?}")),
    }
    ensure!(
        w.ports.candidates.get(caller.organization_id, candidate.id).await.map_err(|e| e.to_string())?.is_none(),
        "a failed change set leaves nothing: the candidate before the failing write was stored"
    );
    Ok(())
}

async fn one_open_invitation(w: &World) -> Check {
    let caller = w.organization("Acme", "rita@acme.example").await?;
    let interview = w.interview(caller).await?;
    let first = w.invite(caller, &interview, "Ada", "ada@example.com").await.map_err(|e| format!("invite: {e}"))?;
    match w.invite(caller, &interview, "Ada", "ADA@example.com").await {
        Err(InviteError::AlreadyInvited(id)) if id == first.id() => {}
        other => return Err(format!("a second open invitation for one address must be refused, got {other:?}")),
    }
    let other = w.invite(caller, &interview, "Bob", "bob@example.com").await.map_err(|e| format!("invite: {e}"))?;
    // An update that would make a second open invitation for Ada's address is refused too.
    let mut parts = other.parts().clone();
    parts.email = text(EmailAddress::parse("ada@example.com"))?;
    let clash = Invitation::from_parts(parts).map_err(ToOwned::to_owned)?;
    let mut changes = ChangeSet::new();
    changes.push(Write::UpdateInvitation(clash));
    match w.ports.unit_of_work.commit(changes).await {
        Err(CommitError::Duplicate(_)) => {}
        other => {
            return Err(format!(
                "an update making two open invitations for one address must be Duplicate, got {other:?}"
            ));
        }
    }
    w.slate.cancel(caller, first.id()).await.map_err(|e| format!("cancel: {e}"))?;
    w.invite(caller, &interview, "Ada", "ada@example.com")
        .await
        .map_err(|e| format!("after cancelling, inviting again: {e}"))?;
    Ok(())
}

async fn lists(w: &World) -> Check {
    let caller = w.organization("Acme", "rita@acme.example").await?;
    let interview = w.interview(caller).await?;
    for (first, email) in [("Cleo", "cleo@example.com"), ("Abe", "abe@example.com"), ("Bea", "bea@example.org")] {
        w.invite(caller, &interview, first, email).await.map_err(|e| format!("invite: {e}"))?;
        w.memory.clock.advance(TimeDelta::seconds(1));
    }
    let sort = Sort { field: SortField::CandidateName, order: SortOrder::Asc };
    let mut query =
        InvitationQuery { sort, limit: PageSize::new(2).map_err(|e| e.to_string())?, ..InvitationQuery::default() };
    let page = w.slate.list_invitations(caller, &query).await.map_err(|e| e.to_string())?;
    let names: Vec<String> = page.items.iter().map(|i| i.parts().candidate_first_name.to_string()).collect();
    ensure!(names == ["Abe", "Bea"], "by name, ascending, a page of two: {names:?}");
    query.after = Some(page.next.ok_or("a full page has a cursor")?);
    let rest = w.slate.list_invitations(caller, &query).await.map_err(|e| e.to_string())?;
    let names: Vec<String> = rest.items.iter().map(|i| i.parts().candidate_first_name.to_string()).collect();
    ensure!(names == ["Cleo"] && rest.next.is_none(), "the cursor continues after the last row: {names:?}");
    let search =
        InvitationQuery { search: Some(text(SearchText::parse("example.org"))?), ..InvitationQuery::default() };
    let found = w.slate.list_invitations(caller, &search).await.map_err(|e| e.to_string())?;
    ensure!(found.items.len() == 1, "search by part of an email finds one, got {}", found.items.len());
    // Every kind of search text finds exactly the rows holding it: shorter than a trigram,
    // a part of an address, a common part, what would span two fields, and case.
    let hits = |q: &'static str| async move {
        let query = InvitationQuery { search: Some(text(SearchText::parse(q))?), ..InvitationQuery::default() };
        let page = w.slate.list_invitations(caller, &query).await.map_err(|e| e.to_string())?;
        let mut names: Vec<String> = page.items.iter().map(|i| i.parts().candidate_first_name.to_string()).collect();
        names.sort();
        Ok::<_, String>(names)
    };
    ensure!(hits("be").await? == ["Abe", "Bea"], "a two-letter search: {:?}", hits("be").await?);
    ensure!(hits("EA@").await? == ["Bea"], "case does not matter: {:?}", hits("EA@").await?);
    ensure!(hits("example").await? == ["Abe", "Bea", "Cleo"], "a common part: {:?}", hits("example").await?);
    ensure!(hits("cleoc").await?.is_empty(), "a match never spans two fields: {:?}", hits("cleoc").await?);
    // The index follows an update of the address.
    let mut parts = found.items[0].parts().clone();
    parts.email = text(EmailAddress::parse("beatrice@example.net"))?;
    let moved = Invitation::from_parts(parts).map_err(ToOwned::to_owned)?;
    let mut changes = ChangeSet::new();
    changes.push(Write::UpdateInvitation(moved));
    w.ports.unit_of_work.commit(changes).await.map_err(|e| format!("update the address: {e:?}"))?;
    ensure!(hits("example.org").await?.is_empty(), "the old address is no longer found");
    ensure!(hits("trice@exa").await? == ["Bea"], "the new address is found: {:?}", hits("trice@exa").await?);
    let newest = w.slate.list_invitations(caller, &InvitationQuery::default()).await.map_err(|e| e.to_string())?;
    let names: Vec<String> = newest.items.iter().map(|i| i.parts().candidate_first_name.to_string()).collect();
    ensure!(names == ["Bea", "Abe", "Cleo"], "the default order is newest first: {names:?}");
    // Accents do not matter either way.
    w.invite(caller, &interview, "Zoë", "zoë@example.net").await.map_err(|e| format!("invite: {e}"))?;
    for q in ["zoe", "ZOË", "zoe@exa", "zoë@"] {
        ensure!(hits(q).await? == ["Zoë"], "accents are folded for {q:?}: {:?}", hits(q).await?);
    }
    Ok(())
}

async fn claims(w: &World) -> Check {
    let caller = w.organization("Acme", "rita@acme.example").await?;
    let interview = w.interview(caller).await?;
    w.invite(caller, &interview, "Ada", "ada@example.com").await.map_err(|e| format!("invite: {e}"))?;
    let first = w.slate.claim_messages(10).await.map_err(|e| e.to_string())?;
    ensure!(first.len() == 1, "one due message is claimed, got {}", first.len());
    ensure!(
        w.slate.claim_messages(10).await.map_err(|e| e.to_string())?.is_empty(),
        "a claimed message is not claimed again"
    );
    // The claim lapses; another worker takes it over; the first worker's outcome is refused.
    w.memory.clock.advance(TimeDelta::hours(1));
    let second = w.slate.claim_messages(10).await.map_err(|e| e.to_string())?;
    ensure!(second.len() == 1, "a lapsed claim can be taken over");
    let (stale, fresh) = (first[0].claim_token().ok_or("token")?, second[0].claim_token().ok_or("token")?);
    ensure!(stale != fresh, "a new claim has a new token");
    ensure!(
        w.slate.record_delivery(first[0].id, stale, DeliveryOutcome::Delivered).await.is_err(),
        "the lapsed claim cannot record"
    );
    w.slate
        .record_delivery(second[0].id, fresh, DeliveryOutcome::Delivered)
        .await
        .map_err(|e| format!("the holder records: {e}"))?;
    ensure!(w.slate.claim_messages(10).await.map_err(|e| e.to_string())?.is_empty(), "a delivered message is done");
    Ok(())
}

async fn reviews(w: &World) -> Check {
    let caller = w.organization("Acme", "rita@acme.example").await?;
    let interview = w.interview(caller).await?;
    let ada = w.invite(caller, &interview, "Ada", "ada@example.com").await.map_err(|e| format!("invite: {e}"))?;
    w.memory.clock.advance(TimeDelta::seconds(1));
    let bob = w.invite(caller, &interview, "Bob", "bob@example.com").await.map_err(|e| format!("invite: {e}"))?;
    w.deliver_all().await?;
    let token = w.slate.link_token(&ada);
    w.slate.open_link(&token).await.map_err(|e| format!("open: {e}"))?;
    let q = interview.questions()[0].id();
    w.answer(&token, q).await?;
    let rating = |v| Rating::new(v).map_err(|e| e.to_string());
    w.slate.rate_answer(caller, ada.id(), q, rating(2)?).await.map_err(|e| format!("rate: {e}"))?;
    w.memory.clock.advance(TimeDelta::seconds(1));
    w.slate.rate_answer(caller, ada.id(), q, rating(5)?).await.map_err(|e| format!("rate: {e}"))?;
    let written = w.slate.decide(caller, ada.id(), Decision::Hold).await.map_err(|e| format!("decide: {e}"))?;
    let read = w.slate.review(caller, ada.id()).await.map_err(|e| format!("review: {e}"))?;
    ensure!(read.review == written && read.review.notes().len() == 3, "review notes read back, none overwritten");
    ensure!(read.review.rating_by(q, caller.recruiter_id) == Some(rating(5)?), "the latest rating counts");
    let funnel = w.slate.funnel(caller, FunnelScope::Interview(interview.id())).await.map_err(|e| e.to_string())?;
    ensure!(
        (funnel.invited, funnel.opened, funnel.started, funnel.completed) == (2, 1, 1, 0),
        "funnel counts stages reached: {funnel:?}"
    );
    let newest = w.slate.list_candidates(caller, None, 1).await.map_err(|e| e.to_string())?;
    ensure!(newest.first().map(|c| c.id) == Some(bob.candidate_id()), "candidates newest first");
    let older = w.slate.list_candidates(caller, Some(bob.candidate_id()), 10).await.map_err(|e| e.to_string())?;
    ensure!(older.iter().map(|c| c.id).collect::<Vec<_>>() == [ada.candidate_id()], "candidates before a cursor");
    Ok(())
}

async fn accounts(w: &World) -> Check {
    let (org, recruiter) = w
        .slate
        .create_account(crate::fixtures::account("Acme", "Rita", "rita@acme.example"))
        .await
        .map_err(|e| format!("create_account: {e}"))?;
    let email = text(EmailAddress::parse("RITA@acme.example"))?;
    let logged = w
        .slate
        .log_in(&email, &text(Password::new(crate::fixtures::PASSWORD))?)
        .await
        .map_err(|e| format!("log_in: {e}"))?;
    ensure!(logged.recruiter.id == recruiter.id, "the recruiter is found by email in any case");
    let who = w.slate.authenticate(&logged.secret).await.map_err(|e| format!("authenticate: {e}"))?;
    ensure!(who.caller.organization_id == org.id, "a session authenticates its recruiter");
    let caller = who.caller;
    let (key, secret) = w.slate.create_api_key(caller, text(Label::parse("ci"))?).await.map_err(|e| e.to_string())?;
    ensure!(w.slate.authenticate(&secret).await.is_ok(), "an API key authenticates");
    w.slate.revoke_api_key(caller, key.id).await.map_err(|e| e.to_string())?;
    ensure!(w.slate.authenticate(&secret).await.is_err(), "a revoked key no longer does");
    w.slate.log_out_everywhere(caller).await.map_err(|e| e.to_string())?;
    ensure!(w.slate.authenticate(&logged.secret).await.is_err(), "log out everywhere ends the session");
    Ok(())
}

async fn live_interviews(w: &World) -> Check {
    let caller = w.organization("Acme", "rita@acme.example").await?;
    let other = w.organization("Globex", "hank@globex.example").await?;
    let candidate = w
        .slate
        .create_candidate(caller, crate::fixtures::candidate("Ada", "Lovelace", "ada@example.com"))
        .await
        .map_err(|e| format!("create_candidate: {e}"))?;
    let mut input =
        crate::fixtures::live(candidate.id, "2026-12-10", "10:00", &[("Grace Hopper", "grace@navy.example")]);
    input.interviewers.push(InterviewerInput::Recruiter(caller.recruiter_id));
    let first = w.slate.schedule_live(caller, input).await.map_err(|e| format!("schedule_live: {e}"))?;
    let mut input = crate::fixtures::live(candidate.id, "2026-12-03", "16:30", &[("Alan Turing", "alan@example.org")]);
    input.location = Location::Place(text(DisplayName::parse("Room 4, 12 Ermou St, Athens"))?);
    input.slot.zone = Some(text(TimeZone::parse("Europe/London"))?);
    let second = w.slate.schedule_live(caller, input).await.map_err(|e| format!("schedule_live: {e}"))?;
    let lives = &w.ports.live_interviews;
    let read = lives.get(caller.organization_id, first.id()).await.map_err(|e| e.to_string())?;
    ensure!(read.as_ref() == Some(&first), "a live interview reads back exactly: {read:?}\nwritten {first:?}");
    let read = lives.get(caller.organization_id, second.id()).await.map_err(|e| e.to_string())?;
    ensure!(read.as_ref() == Some(&second), "a place and another zone read back exactly: {read:?}");
    ensure!(
        lives.get(other.organization_id, first.id()).await.map_err(|e| e.to_string())?.is_none(),
        "another organization's live interview is never returned"
    );
    let grace = first.attendees()[1].id;
    let by_link = lives.get_for_attendee(grace).await.map_err(|e| e.to_string())?;
    ensure!(by_link.as_ref() == Some(&first), "an attendee's id finds their live interview");

    // An answer through the link is stored with its message and bumps the revision.
    let token = w.ports.links.issue_attendee(grace, first.attendees()[1].link_version);
    let message = text(LongText::parse("Could we do 11:00 instead?"))?;
    let declined = w
        .slate
        .respond_live(&token, AttendeeResponse::Declined { message: Some(message) })
        .await
        .map_err(|e| format!("respond_live: {e}"))?;
    let read = lives.get(caller.organization_id, first.id()).await.map_err(|e| e.to_string())?;
    ensure!(read.as_ref() == Some(&declined), "an answer reads back exactly: {read:?}\nwritten {declined:?}");
    ensure!(declined.revision() == first.revision() + 1, "an answer bumps the revision");
    let mut stale = ChangeSet::new();
    stale.push(Write::UpdateLiveInterview(first.clone()));
    ensure!(
        matches!(w.ports.unit_of_work.commit(stale).await, Err(CommitError::Conflict)),
        "an update at a stale revision must be Conflict"
    );
    let mut twin = ChangeSet::new();
    twin.push(Write::InsertLiveInterview(first.clone()));
    ensure!(
        matches!(w.ports.unit_of_work.commit(twin).await, Err(CommitError::Duplicate(_))),
        "inserting a live interview whose id exists must be Duplicate"
    );
    let timeline = w.slate.candidate_timeline(caller, candidate.id).await.map_err(|e| e.to_string())?;
    ensure!(
        timeline.last().map(|e| (&e.kind, e.actor))
            == Some((
                &EventKind::LiveDeclined {
                    live_interview_id: first.id(),
                    attendee: "Grace Hopper".to_owned(),
                    message: Some("Could we do 11:00 instead?".to_owned()),
                },
                Actor::ExternalInterviewer(grace)
            )),
        "the decline is on the candidate's timeline, by the external interviewer: {:?}",
        timeline.last()
    );

    // Each attendee's invite is queued about them, keyed per attendee.
    let claimed = w.slate.claim_messages(100).await.map_err(|e| e.to_string())?;
    let mut about: Vec<_> = claimed.iter().filter_map(|m| m.about.attendee().map(|(l, a)| (l, a, m.kind))).collect();
    about.sort();
    let mut expected: Vec<_> = [&first, &second]
        .iter()
        .flat_map(|l| {
            l.attendees().iter().map(|a| {
                let kind = match a.role {
                    AttendeeRole::Candidate(_) => MessageKind::LiveInvitation,
                    AttendeeRole::Interviewer(_) => MessageKind::LiveInterviewerInvitation,
                };
                (l.id(), a.id, kind)
            })
        })
        .collect();
    expected.sort();
    ensure!(about == expected, "one invite per attendee, about them: {about:?}\nexpected {expected:?}");
    if let Some(m) = claimed.iter().find(|m| m.about.attendee().is_some()) {
        let mut again = ChangeSet::new();
        again.push(Write::Enqueue(OutboxMessage {
            id: MessageId::from_uuid(uuid::Uuid::from_u128(0xD0D0)),
            ..m.clone()
        }));
        ensure!(
            matches!(w.ports.unit_of_work.commit(again).await, Err(CommitError::Duplicate(_))),
            "a second message with an attendee's (subject, kind, sequence) must be Duplicate"
        );
    }

    // Lists: by start time; cancelled ones only when asked; those over left out on request.
    let ids = |l: Vec<LiveInterview>| l.into_iter().map(|l| l.id()).collect::<Vec<_>>();
    let all = ids(lives.list(caller.organization_id, &LiveQuery::default()).await.map_err(|e| e.to_string())?);
    ensure!(all == [second.id(), first.id()], "listed by start time: {all:?}");
    w.slate.cancel_live(caller, second.id(), None).await.map_err(|e| format!("cancel_live: {e}"))?;
    let open = ids(lives.list(caller.organization_id, &LiveQuery::default()).await.map_err(|e| e.to_string())?);
    ensure!(open == [first.id()], "a cancelled live interview is left out: {open:?}");
    let with = LiveQuery { include_cancelled: true, ..LiveQuery::default() };
    let cancelled = lives.list(caller.organization_id, &with).await.map_err(|e| e.to_string())?;
    ensure!(
        cancelled.first().is_some_and(|l| l.status() == LiveStatus::Cancelled && l.sequence() == 1),
        "the cancelled one reads back cancelled, sequence 1"
    );
    let later = LiveQuery { ending_after: Some(second.slot().end()), include_cancelled: true, ..LiveQuery::default() };
    let later = ids(lives.list(caller.organization_id, &later).await.map_err(|e| e.to_string())?);
    ensure!(later == [first.id()], "ending_after leaves out what ended: {later:?}");
    let none = LiveQuery { candidate: Some(CandidateId::from_uuid(uuid::Uuid::from_u128(7))), ..LiveQuery::default() };
    ensure!(
        lives.list(caller.organization_id, &none).await.map_err(|e| e.to_string())?.is_empty(),
        "the candidate filter applies"
    );
    ensure!(
        lives.list(other.organization_id, &with).await.map_err(|e| e.to_string())?.is_empty(),
        "another organization lists none"
    );
    Ok(())
}
