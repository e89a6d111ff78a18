//! # slate-embedder-fixture
//!
//! Outside the hexagon, on purpose: a small applicant-tracking system embedding
//! `slate-domain` the way another team would, with only the crate's public API, its
//! re-exports and `PortsBuilder` — no `chrono`, `uuid` or `async-trait` of its own, no
//! runtime. Its tests prove those steps compile and work.

use std::error::Error;
use std::sync::{Arc, Mutex, PoisonError};

use slate_domain::async_trait;
use slate_domain::chrono::{DateTime, Days, Utc};
use slate_domain::memory::{InMemoryStore, InMemoryVideoStore};
use slate_domain::ports::{AdapterError, TimelineRepository};
use slate_domain::*;

/// The ATS's activity feed: Slate's timeline reads, counted for the ATS's own dashboard — a
/// port implemented outside the crate with the re-exported `async_trait`.
pub struct Feed {
    store: Arc<InMemoryStore>,
    reads: Mutex<u64>,
}

impl Feed {
    /// How many timelines were read.
    pub fn reads(&self) -> u64 {
        *self.reads.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl TimelineRepository for Feed {
    async fn for_candidate(
        &self,
        org: OrganizationId,
        candidate: CandidateId,
    ) -> Result<Vec<TimelineEvent>, AdapterError> {
        *self.reads.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.store.for_candidate(org, candidate).await
    }
}

/// Slate's storage for the ATS: the in-memory store, with the ATS's own feed as the
/// timeline port.
pub fn storage() -> (PortsBuilder, Arc<Feed>) {
    let store = Arc::new(InMemoryStore::new());
    let feed = Arc::new(Feed { store: store.clone(), reads: Mutex::new(0) });
    (Ports::builder().store(store).timeline(feed.clone()), feed)
}

/// The ATS's hiring module.
pub struct Hiring {
    /// Slate's use cases.
    pub slate: Slate,
    /// The ATS's recruiter, as Slate knows them (the ATS logs people in itself).
    pub caller: Caller,
    /// The feed port.
    pub feed: Arc<Feed>,
}

impl Hiring {
    /// Wires Slate with the system clock and ids (feature `system`), the ATS's storage, an
    /// in-memory video store and the link secret; creates the ATS's organization.
    ///
    /// # Errors
    /// A missing port, a bad secret or a storage failure.
    pub async fn open(link_secret: &[u8]) -> Result<Self, Box<dyn Error>> {
        let (storage, feed) = storage();
        let ports = storage
            .videos(Arc::new(InMemoryVideoStore::new()))
            .link_secret(LinkSecret::new(link_secret.to_vec())?)
            .build()?;
        let slate = Slate::new(ports, Settings::default());
        let org = slate
            .create_organization(NewOrganization {
                name: DisplayName::parse("Hooli")?,
                time_zone: TimeZone::parse("Europe/Athens")?,
                default_language: Language::English,
                reminders: ReminderPolicy::default(),
            })
            .await?;
        let recruiter = slate
            .add_recruiter(
                org.id,
                NewRecruiter { name: PersonName::parse("Gavin")?, email: EmailAddress::parse("gavin@hooli.example")? },
            )
            .await?;
        Ok(Self { slate, caller: Caller { organization_id: org.id, recruiter_id: recruiter.id }, feed })
    }

    /// A published one-question interview.
    ///
    /// # Errors
    /// A refused input or a storage failure.
    pub async fn interview(&self) -> Result<VideoInterview, Box<dyn Error>> {
        let details = InterviewDetails {
            name: DisplayName::parse("Screening")?,
            job_id: None,
            intro: LongText::default(),
            question_language: LanguageTag::parse("en")?,
            difficulty: None,
            focus_area: None,
        };
        let question = QuestionInput {
            id: None,
            prompt: Prompt::parse("Why Hooli?")?,
            thinking_secs: 10,
            max_answer_secs: 60,
            retakes: 0,
        };
        let draft =
            self.slate.create_interview(self.caller, InterviewInput { details, questions: vec![question] }).await?;
        Ok(self.slate.publish_interview(self.caller, draft.id()).await?)
    }

    /// Invites `email` to `interview`, answering by a week from `today`.
    ///
    /// # Errors
    /// As [`Slate::invite_external`].
    pub async fn invite(
        &self,
        interview: &VideoInterview,
        email: &str,
        today: DateTime<Utc>,
    ) -> Result<Invitation, Box<dyn Error>> {
        let deadline = today.date_naive().checked_add_days(Days::new(7)).ok_or("no date a week on")?;
        Ok(self
            .slate
            .invite_external(
                self.caller,
                InviteExternal {
                    first_name: PersonName::parse("Richard")?,
                    last_name: PersonName::parse("Hendricks")?,
                    email: EmailAddress::parse(email)?,
                    interview_id: interview.id(),
                    language: None,
                    deadline,
                    bcc_me: false,
                    notify_me: false,
                },
            )
            .await?)
    }
}

/// Polls a future to completion on this thread: the domain needs no runtime.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Wake, Waker};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut context) {
            return out;
        }
        std::thread::park();
    }
}
