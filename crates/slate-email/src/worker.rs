//! The outbox worker: claims due messages, gathers and words each one, hands it to the
//! transport and records how it went — under the claim it holds, so that several workers
//! (several app instances on one PostgreSQL) never send one message twice.

use std::sync::Arc;
use std::time::Duration;

use slate_domain::ports::AdapterError;
use slate_domain::{
    CapturedEmail, DeliveryError, DeliveryOutcome, DeliveryReport, DeliveryState, EmailAddress, Invitation,
    LiveInterview, LiveMessageContext, MessageContext, MessageId, MessageKind, OutboxMessage, Prepared,
    RenderedMessage, Slate,
};
use tokio::sync::watch;

use crate::dkim::Dkim;
use crate::ics;
use crate::mime::{self, Sender};
use crate::transport::{SendResult, Smtp};

/// Where messages go.
#[derive(Debug)]
pub enum Transport {
    /// An SMTP relay.
    Smtp(Box<Smtp>),
    /// The local mailbox (the embedded default): kept in the database, readable through
    /// the API, never sent.
    Mailbox,
}

/// What became of one message, for counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tally {
    /// Accepted by the relay, or kept by the mailbox.
    Sent,
    /// A temporary failure; it will be tried again.
    Retried,
    /// Given up after every retry, or a permanent failure of a message without the link.
    Failed,
    /// A permanent failure of a candidate's message: the invitation is Bounced.
    Bounced,
    /// Not sent: what it announced no longer held.
    Skipped,
}

impl Tally {
    /// `"sent"`, `"retried"`, `"failed"`, `"bounced"` or `"skipped"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Retried => "retried",
            Self::Failed => "failed",
            Self::Bounced => "bounced",
            Self::Skipped => "skipped",
        }
    }
}

/// Counts outcomes (the app passes one that feeds `/metrics`).
pub type Counter = Arc<dyn Fn(Tally) + Send + Sync>;

/// The worker's settings.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Messages claimed at once.
    pub batch: usize,
    /// How long to wait when the outbox is empty.
    pub idle_poll: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self { batch: 50, idle_poll: Duration::from_secs(2) }
    }
}

/// Claims, words, sends and records messages until told to stop.
pub struct OutboxWorker {
    slate: Slate,
    sender: Sender,
    transport: Transport,
    settings: WorkerSettings,
    counter: Option<Counter>,
    dkim: Option<Arc<Dkim>>,
}

impl std::fmt::Debug for OutboxWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxWorker")
            .field("sender", &self.sender)
            .field("transport", &self.transport)
            .field("dkim", &self.dkim)
            .finish()
    }
}

impl OutboxWorker {
    /// A worker over `slate`'s outbox.
    #[must_use]
    pub const fn new(slate: Slate, sender: Sender, transport: Transport, settings: WorkerSettings) -> Self {
        Self { slate, sender, transport, settings, counter: None, dkim: None }
    }

    /// Signs every message sent over SMTP with `dkim`.
    #[must_use]
    pub fn signing(mut self, dkim: Dkim) -> Self {
        self.dkim = Some(Arc::new(dkim));
        self
    }

    /// Counts every outcome with `counter`.
    #[must_use]
    pub fn counting(mut self, counter: Counter) -> Self {
        self.counter = Some(counter);
        self
    }

    /// Runs until `stop` turns true; finishes the batch in hand first, and gives back the
    /// one it had claimed ahead.
    ///
    /// The work is a pipeline of three stages, each on its own task, so that the connection
    /// to the relay never waits for the database or the templates:
    /// - the next batch is claimed, gathered (one read of its invitations) and worded while
    ///   the current one goes out (only after a full batch: a short one means the outbox is
    ///   drained);
    /// - the current batch is sent, one message after another, over the transport's one
    ///   connection;
    /// - outcomes are recorded in groups (one transaction each) by a recorder task, while the
    ///   next messages go out.
    ///
    /// The claiming, wording and recording run on threads of their own (`off_the_runtime`),
    /// not on the runtime's: the sending task waits on the relay's every reply, and a
    /// runtime thread busy for a millisecond with a batch's templates or a group's statements
    /// notices that reply only when it is done, whereas the operating system interrupts a
    /// thread of its own at once for it.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let recorder = Recorder::start(self.slate.clone(), self.counter.clone());
        let mut ahead: Option<tokio::task::JoinHandle<Fetched>> = None;
        loop {
            if *stop.borrow() {
                break;
            }
            let fetched = match ahead.take() {
                Some(task) => task.await.unwrap_or_else(|e| Err(AdapterError::new(e.to_string()))),
                None => fetch(self.wording(), self.settings.batch).await,
            };
            let batch = fetched.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "the outbox worker could not read the outbox");
                Vec::new()
            });
            if batch.is_empty() {
                if let Transport::Smtp(smtp) = &mut self.transport {
                    smtp.close().await;
                }
                tokio::select! {
                    () = tokio::time::sleep(self.settings.idle_poll) => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
            if batch.len() == self.settings.batch {
                ahead = Some(off_the_runtime(fetch(self.wording(), self.settings.batch)));
            }
            if !self.send(batch, &recorder).await {
                break;
            }
        }
        if let Some(task) = ahead
            && let Ok(Ok(batch)) = task.await
        {
            self.release(batch).await;
        }
        recorder.finish().await;
        if let Transport::Smtp(smtp) = &mut self.transport {
            smtp.close().await;
        }
    }

    fn wording(&self) -> Wording {
        Wording {
            slate: self.slate.clone(),
            sender: self.sender.clone(),
            dkim: self.dkim.clone(),
            smtp: matches!(self.transport, Transport::Smtp(_)),
        }
    }

    /// Sends a worded batch, one message after another, handing each outcome to
    /// `recorder`. Returns false when the recorder stopped (the rest is left to its claims).
    async fn send(&mut self, batch: Vec<Worded>, recorder: &Recorder) -> bool {
        for worded in batch {
            let (message, letter, invitation, live) = match worded {
                Worded::Ready { message, letter, invitation, live } => (message, letter, invitation, live),
                Worded::Skipped { message, reason } => {
                    tracing::info!(message = %message.id, kind = message.kind.as_str(), %reason, "message skipped");
                    if let Some(counter) = &self.counter {
                        counter(Tally::Skipped);
                    }
                    continue;
                }
                Worded::Failed { message, error } => {
                    report(message.id, &error);
                    continue;
                }
            };
            let outcome = deliver(&mut self.transport, &self.sender.address, &message, letter).await;
            let permanent = matches!(outcome, DeliveryOutcome::PermanentFailure { .. });
            if !recorder.record(DeliveryReport { message, invitation, live, outcome }, permanent).await {
                tracing::error!("the outcome recorder stopped; the rest of the batch is left to its claims");
                return false;
            }
        }
        true
    }

    /// Gives back the messages of a batch claimed ahead and never sent.
    async fn release(&self, batch: Vec<Worded>) {
        let unsent: Vec<OutboxMessage> = batch
            .into_iter()
            .filter_map(|w| match w {
                Worded::Ready { message, .. } => Some(message),
                Worded::Skipped { .. } | Worded::Failed { .. } => None,
            })
            .collect();
        match self.slate.release_messages(&unsent).await {
            Ok(n) => tracing::info!(released = n, "unsent messages given back for the next worker"),
            Err(e) => tracing::warn!(error = %e, "unsent messages could not be given back; their claims will lapse"),
        }
    }
}

/// Runs `work` on a thread of tokio's blocking pool, its timers and sockets still driven by
/// the runtime: CPU-heavy stages of the pipeline run there, where the operating system
/// preempts them for the sending task (the runtime's own threads only switch tasks when one
/// awaits).
fn off_the_runtime<T: Send + 'static>(
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> tokio::task::JoinHandle<T> {
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || runtime.block_on(work))
}

/// A batch as the sender takes it, or why none could be claimed.
type Fetched = Result<Vec<Worded>, AdapterError>;

/// Claims up to `limit` due messages, gathers them together and words each one.
async fn fetch(wording: Wording, limit: usize) -> Fetched {
    let batch = wording.slate.claim_messages(limit).await?;
    let prepared = wording.slate.prepare_messages(&batch).await;
    let mut worded = Vec::with_capacity(batch.len());
    for (m, p) in batch.into_iter().zip(prepared) {
        worded.push(wording.word(m, p));
    }
    Ok(worded)
}

/// Records outcomes in groups, one transaction each, on a thread of its own.
///
/// A group takes up to [`UNRECORDED_WINDOW`] outcomes, waiting at most [`GROUP_WAIT`] for
/// them: a commit per message would cost its fixed price every time, and that CPU is taken
/// from the sending. The channel's capacity bounds how many accepted messages can wait
/// unrecorded: what a crash could send twice.
struct Recorder {
    outcomes: tokio::sync::mpsc::Sender<(DeliveryReport, bool)>,
    task: tokio::task::JoinHandle<()>,
}

impl Recorder {
    fn start(slate: Slate, counter: Option<Counter>) -> Self {
        let (outcomes, mut arrived) = tokio::sync::mpsc::channel::<(DeliveryReport, bool)>(UNRECORDED_WINDOW);
        let task = off_the_runtime(async move {
            while let Some(first) = arrived.recv().await {
                let mut group = vec![first];
                let until = tokio::time::Instant::now() + GROUP_WAIT;
                while group.len() < UNRECORDED_WINDOW {
                    match tokio::time::timeout_at(until, arrived.recv()).await {
                        Ok(Some(more)) => group.push(more),
                        Ok(None) | Err(_) => break,
                    }
                }
                let kinds: Vec<_> =
                    group.iter().map(|(r, permanent)| (r.message.id, r.message.kind, *permanent)).collect();
                let results = slate.record_deliveries(group.into_iter().map(|(r, _)| r).collect()).await;
                for ((id, kind, permanent), result) in kinds.into_iter().zip(results) {
                    match result {
                        Ok(m) => {
                            if let Some(counter) = &counter {
                                counter(tally(kind, permanent, &m));
                            }
                        }
                        Err(e) => report(id, &e),
                    }
                }
            }
        });
        Self { outcomes, task }
    }

    /// Hands over one outcome; false when the recorder stopped.
    async fn record(&self, report: DeliveryReport, permanent: bool) -> bool {
        self.outcomes.send((report, permanent)).await.is_ok()
    }

    /// Records what is left and stops.
    async fn finish(self) {
        drop(self.outcomes);
        let _ = self.task.await;
    }
}

/// What wording a message needs: the domain (templates), who sends, the DKIM key, and
/// whether a MIME message is wanted (SMTP) or only the worded parts (the mailbox).
struct Wording {
    slate: Slate,
    sender: Sender,
    dkim: Option<Arc<Dkim>>,
    smtp: bool,
}

/// A worded message, in the form its transport takes.
enum Letter {
    /// For SMTP: the MIME message, signed when DKIM is on (or why it could not be built).
    Mime(Result<Vec<u8>, String>),
    /// For the mailbox: the worded parts.
    Parts { from_name: String, reply_to: EmailAddress, rendered: RenderedMessage },
}

/// One claimed message after gathering and wording.
#[expect(clippy::large_enum_variant, reason = "moved once, from the batch to the sender")]
enum Worded {
    Ready { message: OutboxMessage, letter: Letter, invitation: Option<Invitation>, live: Option<LiveInterview> },
    Skipped { message: OutboxMessage, reason: String },
    Failed { message: OutboxMessage, error: DeliveryError },
}

impl Wording {
    fn word(&self, message: OutboxMessage, prepared: Result<Prepared, DeliveryError>) -> Worded {
        match prepared {
            Ok(Prepared::Send(context)) => {
                let letter = self.letter(&context);
                Worded::Ready { message, letter, invitation: Some(context.invitation), live: None }
            }
            Ok(Prepared::SendLive(context)) => {
                let letter = self.live_letter(&message, &context);
                Worded::Ready { message, letter, invitation: None, live: Some(context.live) }
            }
            Ok(Prepared::Skipped { reason }) => Worded::Skipped { message, reason },
            Err(error) => Worded::Failed { message, error },
        }
    }

    /// Words and wraps a message about an invitation.
    fn letter(&self, context: &MessageContext) -> Letter {
        let rendered = self.slate.render_message(context);
        if self.smtp {
            return Letter::Mime(self.signed(mime::build(&self.sender, context, &rendered)));
        }
        Letter::Parts {
            from_name: self.sender.display_name(context),
            reply_to: context.recruiter.email.clone(),
            rendered,
        }
    }

    /// Words a message to a live interview's attendee and builds its meeting request.
    fn live_letter(&self, message: &OutboxMessage, context: &LiveMessageContext) -> Letter {
        let rendered = self.slate.render_live_message(context);
        if self.smtp {
            let calendar = crate::render::carries_calendar(message.kind).then(|| {
                let summary = format!("{} ({})", context.live.title(), context.company());
                let organizer =
                    ics::Organizer { name: context.organizer.name.as_str(), email: &context.organizer.email };
                let text = ics::EventText { summary: &summary, description: &rendered.text };
                ics::calendar(&context.live, organizer, text, &self.sender.message_id_host, self.slate.now())
            });
            let calendar = calendar.as_ref().map(|(method, body)| (*method, body.as_str()));
            return Letter::Mime(self.signed(mime::build_live(&self.sender, context, &rendered, calendar)));
        }
        Letter::Parts {
            from_name: self.sender.display_name_for(&context.company()),
            reply_to: context.organizer.email.clone(),
            rendered,
        }
    }

    /// The built message, signed when DKIM is configured.
    fn signed(&self, built: std::io::Result<Vec<u8>>) -> Result<Vec<u8>, String> {
        let body = built.map_err(|e| format!("building the message failed: {e}"))?;
        match &self.dkim {
            Some(dkim) => dkim.sign(&body),
            None => Ok(body),
        }
    }
}

/// Keeps the message in the mailbox, or sends its MIME message over SMTP.
async fn deliver(
    transport: &mut Transport,
    envelope_from: &str,
    message: &OutboxMessage,
    letter: Letter,
) -> DeliveryOutcome {
    match (transport, letter) {
        (Transport::Smtp(smtp), Letter::Mime(Ok(body))) => {
            match smtp.send(envelope_from, message.to.as_str(), &body).await {
                SendResult::Accepted => DeliveryOutcome::Delivered,
                SendResult::Temporary(reason) => DeliveryOutcome::TemporaryFailure { reason },
                SendResult::Permanent(reason) => DeliveryOutcome::PermanentFailure { reason },
            }
        }
        (Transport::Smtp(_), Letter::Mime(Err(reason))) => DeliveryOutcome::TemporaryFailure { reason },
        (Transport::Mailbox, Letter::Parts { from_name, reply_to, rendered }) => {
            DeliveryOutcome::Captured(Box::new(CapturedEmail {
                id: message.id,
                organization_id: message.organization_id,
                about: message.about,
                kind: message.kind,
                from: format!("\"{from_name}\" <{envelope_from}>"),
                to: message.to.clone(),
                reply_to: Some(reply_to),
                subject: rendered.subject,
                text: rendered.text,
                html: rendered.html,
                // Set to the moment of recording by the use case.
                captured_at: message.created_at,
            }))
        }
        (_, _) => {
            DeliveryOutcome::TemporaryFailure { reason: "the message was worded for another transport".to_owned() }
        }
    }
}

/// Accepted messages that may wait for their outcome to be recorded while the next ones go
/// out. A process killed at the worst moment has at most `2 × UNRECORDED_WINDOW + 2` accepted
/// but unrecorded messages (the group being committed, the full channel, the one in hand),
/// which are sent again once their claims lapse, each with its original `Message-ID`.
pub const UNRECORDED_WINDOW: usize = 8;

/// How long a group of outcomes waits to fill before it is committed anyway (a slow relay's
/// outcomes are still recorded promptly).
const GROUP_WAIT: Duration = Duration::from_millis(20);

fn tally(kind: MessageKind, permanent: bool, recorded: &OutboxMessage) -> Tally {
    match recorded.state {
        DeliveryState::Delivered { .. } => Tally::Sent,
        DeliveryState::Pending { .. } => Tally::Retried,
        DeliveryState::Failed { .. } if permanent && kind.carries_link() => Tally::Bounced,
        _ => Tally::Failed,
    }
}

fn report(message: MessageId, e: &DeliveryError) {
    match e {
        DeliveryError::ClaimLost => {
            tracing::info!(%message, "claim lost to another worker; leaving the message to it");
        }
        e => tracing::warn!(%message, error = %e, "handling a message failed; it will be retried"),
    }
}
