//! [`PortsBuilder`]: ports from a store and the few other things an embedder has, with
//! defaults for the rest.

use std::sync::Arc;

use super::Ports;
use crate::defaults::{NoPasswords, NoVideos, PlainRenderer};
use crate::ports::{
    AccountRepository, AnswerRepository, CandidateRepository, Clock, IdGenerator, InterviewRepository,
    InvitationRepository, JobRepository, LinkTokens, LiveInterviewRepository, MailboxRepository, MessageRenderer,
    OrganizationRepository, Outbox, PasswordHasher, RecruiterRepository, Store, TemplateRepository, TimelineRepository,
    UnitOfWork, VideoStore,
};
use crate::{HmacLinkTokens, LinkSecret};

/// A port [`PortsBuilder::build`] has no value nor default for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the {0} port is missing: give it to the builder (or a store that serves it)")]
pub struct MissingPort(pub &'static str);

macro_rules! builder {
    ($( $(#[$doc:meta])* $field:ident: $trait:ident ),* $(,)?) => {
        /// Builds [`Ports`]: give a storage adapter with [`Self::store`] (or each repository
        /// on its own, to mix adapters) and the link secret; everything else has a default:
        /// the system clock and UUIDv7 ids (feature `system`), no password logins
        /// ([`NoPasswords`]), no video storage ([`NoVideos`]) and plainly worded emails
        /// ([`PlainRenderer`]).
        ///
        /// ```
        /// # #[cfg(all(feature = "in-memory", feature = "system"))] {
        /// use std::sync::Arc;
        /// use slate_domain::{LinkSecret, Ports, Settings, Slate};
        /// use slate_domain::memory::InMemoryStore;
        ///
        /// let secret = LinkSecret::new(b"at least thirty-two bytes of secret, kept safe".to_vec()).unwrap();
        /// let ports = Ports::builder().store(Arc::new(InMemoryStore::new())).link_secret(secret).build().unwrap();
        /// let slate = Slate::new(ports, Settings::default());
        /// # let _ = slate;
        /// # }
        /// ```
        #[derive(Default, Clone)]
        #[must_use]
        pub struct PortsBuilder {
            $( $field: Option<Arc<dyn $trait>>, )*
        }

        impl PortsBuilder {
            $(
                $(#[$doc])*
                pub fn $field(mut self, port: Arc<dyn $trait>) -> Self {
                    self.$field = Some(port);
                    self
                }
            )*
        }
    };
}

builder! {
    /// The clock (default: the system clock, feature `system`).
    clock: Clock,
    /// Ids and secrets (default: UUIDv7 and OS randomness, feature `system`).
    ids: IdGenerator,
    /// The link scheme (or give [`Self::link_secret`]).
    links: LinkTokens,
    /// Organizations.
    organizations: OrganizationRepository,
    /// Recruiters.
    recruiters: RecruiterRepository,
    /// Jobs.
    jobs: JobRepository,
    /// Candidates.
    candidates: CandidateRepository,
    /// Video interviews.
    interviews: InterviewRepository,
    /// Invitations.
    invitations: InvitationRepository,
    /// Timelines.
    timeline: TimelineRepository,
    /// Answers and review notes.
    answers: AnswerRepository,
    /// The outbox.
    outbox: Outbox,
    /// Atomic commits of every write.
    unit_of_work: UnitOfWork,
    /// Credentials, sessions and API keys.
    accounts: AccountRepository,
    /// Email templates.
    templates: TemplateRepository,
    /// The local mailbox.
    mailbox: MailboxRepository,
    /// Live interviews.
    live_interviews: LiveInterviewRepository,
    /// Video storage (default: [`NoVideos`]).
    videos: VideoStore,
    /// Password hashing (default: [`NoPasswords`]).
    passwords: PasswordHasher,
    /// Email wording (default: [`PlainRenderer`]).
    renderer: MessageRenderer,
}

impl PortsBuilder {
    /// Every storage port served by `store`; a repository given on its own, before or
    /// after, wins.
    pub fn store<S: Store>(self, store: Arc<S>) -> Self {
        fn keep<T: ?Sized>(own: Option<Arc<T>>, from_store: Arc<T>) -> Option<Arc<T>> {
            Some(own.unwrap_or(from_store))
        }
        Self {
            organizations: keep(self.organizations, store.clone()),
            recruiters: keep(self.recruiters, store.clone()),
            jobs: keep(self.jobs, store.clone()),
            candidates: keep(self.candidates, store.clone()),
            interviews: keep(self.interviews, store.clone()),
            invitations: keep(self.invitations, store.clone()),
            timeline: keep(self.timeline, store.clone()),
            answers: keep(self.answers, store.clone()),
            outbox: keep(self.outbox, store.clone()),
            unit_of_work: keep(self.unit_of_work, store.clone()),
            accounts: keep(self.accounts, store.clone()),
            templates: keep(self.templates, store.clone()),
            mailbox: keep(self.mailbox, store.clone()),
            live_interviews: keep(self.live_interviews, store),
            ..self
        }
    }

    /// The HMAC link scheme over `secret` (see [`HmacLinkTokens`]).
    pub fn link_secret(self, secret: LinkSecret) -> Self {
        self.links(Arc::new(HmacLinkTokens::new(secret)))
    }

    /// The ports.
    ///
    /// # Errors
    /// [`MissingPort`] naming the first port with neither a value nor a default.
    pub fn build(self) -> Result<Ports, MissingPort> {
        fn need<T: ?Sized>(port: Option<Arc<T>>, name: &'static str) -> Result<Arc<T>, MissingPort> {
            port.ok_or(MissingPort(name))
        }
        #[cfg(feature = "system")]
        let (clock, ids) = (
            self.clock.unwrap_or_else(|| Arc::new(crate::defaults::SystemClock)),
            self.ids.unwrap_or_else(|| Arc::new(crate::defaults::OsIds)),
        );
        #[cfg(not(feature = "system"))]
        let (clock, ids) = (need(self.clock, "clock")?, need(self.ids, "ids")?);
        Ok(Ports {
            clock,
            ids,
            links: need(self.links, "links (or link_secret)")?,
            organizations: need(self.organizations, "organizations")?,
            recruiters: need(self.recruiters, "recruiters")?,
            jobs: need(self.jobs, "jobs")?,
            candidates: need(self.candidates, "candidates")?,
            interviews: need(self.interviews, "interviews")?,
            invitations: need(self.invitations, "invitations")?,
            timeline: need(self.timeline, "timeline")?,
            answers: need(self.answers, "answers")?,
            outbox: need(self.outbox, "outbox")?,
            unit_of_work: need(self.unit_of_work, "unit_of_work")?,
            accounts: need(self.accounts, "accounts")?,
            templates: need(self.templates, "templates")?,
            mailbox: need(self.mailbox, "mailbox")?,
            live_interviews: need(self.live_interviews, "live_interviews")?,
            videos: self.videos.unwrap_or_else(|| Arc::new(NoVideos)),
            passwords: self.passwords.unwrap_or_else(|| Arc::new(NoPasswords)),
            renderer: self.renderer.unwrap_or_else(|| Arc::new(PlainRenderer)),
        })
    }
}

impl Ports {
    /// A [`PortsBuilder`].
    pub fn builder() -> PortsBuilder {
        PortsBuilder::default()
    }
}
