//! The outbox worker: claims due messages, gathers and words each one, hands it to the
//! transport and records how it went — under the claim it holds, so that several workers
//! (several app instances on one PostgreSQL) never send one message twice.

use std::sync::Arc;
use std::time::Duration;

use slate_domain::ports::AdapterError;
use slate_domain::{
    CapturedEmail, DeliveryError, DeliveryOutcome, DeliveryReport, DeliveryState, EmailAddress, Invitation,
    LiveInterview, LiveMessageContext, MessageContext, MessageId, MessageKind, MessageSubject, OutboxMessage, Prepared,
    RenderedMessage, Slate,
};
use tokio::sync::{mpsc, watch};

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
    /// Connections to the SMTP relay used at once (at least 1; the mailbox always uses one
    /// lane). Each carries its own share of the messages, one after another: a relay's
    /// every reply is a round trip, and one connection leaves the rest of the time idle.
    pub connections: usize,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self { batch: 50, idle_poll: Duration::from_secs(2), connections: DEFAULT_CONNECTIONS }
    }
}

/// Connections to the relay by default (`mail.smtp_connections`). Postfix opens up to 20 to
/// one relay; 8 keeps a relay on the same network busy while staying under the usual
/// per-client limits (a relay that allows fewer, such as Microsoft 365 with 3, is
/// configured lower).
pub const DEFAULT_CONNECTIONS: usize = 8;

impl Transport {
    /// Closes the connection to the relay, if one is open.
    async fn close(&mut self) {
        if let Self::Smtp(smtp) = self {
            smtp.close().await;
        }
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

    /// Runs until `stop` turns true; finishes the message each connection has in hand, and
    /// gives back the rest of what it had claimed.
    ///
    /// The work is a pipeline, each stage on its own task, so that the connections to the
    /// relay never wait for the database or the templates:
    /// - the next batch is claimed, gathered (one read of its invitations) and worded while
    ///   the current one goes out (only after a full batch: a short one means the outbox is
    ///   drained);
    /// - the batch is dealt out to `connections` lanes, each sending its share one message
    ///   after another over a connection of its own. Messages about the same invitation (or
    ///   attendee) always take the same lane, so they leave in the order they were queued;
    /// - outcomes are recorded in groups (one transaction each) by a recorder task, while the
    ///   next messages go out.
    ///
    /// The claiming, wording and recording run on threads of their own (`off_the_runtime`),
    /// not on the runtime's: the sending tasks wait on the relay's every reply, and a
    /// runtime thread busy for a millisecond with a batch's templates or a group's statements
    /// notices that reply only when it is done, whereas the operating system interrupts a
    /// thread of its own at once for it.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let recorder = Recorder::start(self.slate.clone(), self.counter.clone());
        let (lanes, running): (Vec<_>, Vec<_>) = self
            .transports()
            .into_iter()
            .map(|transport| start_lane(transport, self.sender.address.clone(), &recorder, stop.clone()))
            .unzip();
        let mut ahead: Option<tokio::task::JoinHandle<Fetched>> = None;
        let mut connected = false;
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
                if std::mem::take(&mut connected) && !close(&lanes).await {
                    break;
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
            connected = true;
            if !self.deal(batch, &lanes).await {
                break;
            }
        }
        // The lanes finish the message in hand and hand back the ones still queued.
        drop(lanes);
        let mut unsent = Vec::new();
        for lane in running {
            unsent.extend(lane.await.unwrap_or_default());
        }
        if let Some(task) = ahead
            && let Ok(Ok(batch)) = task.await
        {
            unsent.extend(batch.into_iter().filter_map(|w| match w {
                Worded::Ready(ready) => Some(ready.message),
                Worded::Skipped { .. } | Worded::Failed { .. } => None,
            }));
        }
        self.release(unsent).await;
        recorder.finish().await;
    }

    fn wording(&self) -> Wording {
        Wording {
            slate: self.slate.clone(),
            sender: self.sender.clone(),
            dkim: self.dkim.clone(),
            smtp: matches!(self.transport, Transport::Smtp(_)),
        }
    }

    /// A transport for each lane: `connections` to the relay (none open yet), or the
    /// mailbox once.
    fn transports(&self) -> Vec<Transport> {
        match &self.transport {
            Transport::Smtp(smtp) => {
                (0..self.settings.connections.max(1)).map(|_| Transport::Smtp(Box::new(smtp.another()))).collect()
            }
            Transport::Mailbox => vec![Transport::Mailbox],
        }
    }

    /// Deals a worded batch out to the lanes. Returns false when a lane stopped (its
    /// recorder did; the rest is left to its claims).
    async fn deal(&self, batch: Vec<Worded>, lanes: &[mpsc::Sender<Job>]) -> bool {
        for worded in batch {
            match worded {
                Worded::Ready(ready) => {
                    let lane = &lanes[lane_of(ready.message.about, lanes.len())];
                    if lane.send(Job::Send(ready)).await.is_err() {
                        tracing::error!("the outcome recorder stopped; the rest of the batch is left to its claims");
                        return false;
                    }
                }
                Worded::Skipped { message, reason } => {
                    tracing::info!(message = %message.id, kind = message.kind.as_str(), %reason, "message skipped");
                    if let Some(counter) = &self.counter {
                        counter(Tally::Skipped);
                    }
                }
                Worded::Failed { message, error } => report(message.id, &error),
            }
        }
        true
    }

    /// Gives back messages claimed and never sent.
    async fn release(&self, unsent: Vec<OutboxMessage>) {
        if unsent.is_empty() {
            return;
        }
        match self.slate.release_messages(&unsent).await {
            Ok(n) => tracing::info!(released = n, "unsent messages given back for the next worker"),
            Err(e) => tracing::warn!(error = %e, "unsent messages could not be given back; their claims will lapse"),
        }
    }
}

/// Asks every lane to close its connection once its queue is sent (the outbox is drained).
/// False when a lane stopped.
async fn close(lanes: &[mpsc::Sender<Job>]) -> bool {
    for lane in lanes {
        if lane.send(Job::Close).await.is_err() {
            return false;
        }
    }
    true
}

/// The lane a message about `about` takes: always the same one for one subject, so that an
/// invitation's messages (say, the invitation and then its cancellation) leave in order.
fn lane_of(about: MessageSubject, lanes: usize) -> usize {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    about.hash(&mut hasher);
    usize::try_from(hasher.finish() % lanes.max(1) as u64).unwrap_or(0)
}

/// What a lane is asked to do.
enum Job {
    /// Send this message.
    Send(Box<Ready>),
    /// Close the connection (the outbox is drained).
    Close,
}

/// Messages dealt to one lane and not yet taken: enough that a lane never waits for the
/// next batch to be dealt, few enough that a stop gives back little.
const LANE_QUEUE: usize = 8;

/// Starts a lane: one connection to the relay (or the mailbox) and the task sending over it.
/// The task ends when its queue is closed and returns the messages it did not send because
/// `stop` had turned true.
fn start_lane(
    mut transport: Transport,
    envelope_from: String,
    recorder: &Recorder,
    stop: watch::Receiver<bool>,
) -> (mpsc::Sender<Job>, tokio::task::JoinHandle<Vec<OutboxMessage>>) {
    let (jobs, mut queued) = mpsc::channel::<Job>(LANE_QUEUE);
    let outcomes = recorder.outcomes.clone();
    let task = tokio::spawn(async move {
        let mut unsent = Vec::new();
        while let Some(job) = queued.recv().await {
            let ready = match job {
                Job::Close => {
                    transport.close().await;
                    continue;
                }
                Job::Send(ready) if *stop.borrow() || outcomes.is_closed() => {
                    unsent.push(ready.message);
                    continue;
                }
                Job::Send(ready) => ready,
            };
            let Ready { message, letter, invitation, live } = *ready;
            let outcome = deliver(&mut transport, &envelope_from, &message, letter).await;
            let permanent = matches!(outcome, DeliveryOutcome::PermanentFailure { .. });
            if outcomes.send((DeliveryReport { message, invitation, live, outcome }, permanent)).await.is_err() {
                tracing::error!("the outcome recorder stopped; the lane's messages are left to their claims");
                break;
            }
        }
        transport.close().await;
        unsent
    });
    (jobs, task)
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
/// A group takes up to [`RECORDED_TOGETHER`] outcomes, waiting at most [`GROUP_WAIT`] for
/// them: a commit per message would cost its fixed price every time (the transaction, and
/// every page it touched written to the log), and that CPU is taken from the sending. The
/// group and the channel's capacity ([`UNRECORDED_WINDOW`]) bound how many accepted messages
/// can wait unrecorded: what a crash could send twice.
struct Recorder {
    outcomes: mpsc::Sender<(DeliveryReport, bool)>,
    task: tokio::task::JoinHandle<()>,
}

impl Recorder {
    fn start(slate: Slate, counter: Option<Counter>) -> Self {
        let (outcomes, mut arrived) = mpsc::channel::<(DeliveryReport, bool)>(UNRECORDED_WINDOW);
        let task = off_the_runtime(async move {
            while let Some(first) = arrived.recv().await {
                let mut group = vec![first];
                let until = tokio::time::Instant::now() + GROUP_WAIT;
                while group.len() < RECORDED_TOGETHER {
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

    /// Records what is left and stops.
    async fn finish(self) {
        drop(self.outcomes);
        let _ = self.task.await;
    }
}

/// A message ready to go, with what recording its outcome needs.
struct Ready {
    message: OutboxMessage,
    letter: Letter,
    invitation: Option<Invitation>,
    live: Option<LiveInterview>,
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
enum Worded {
    Ready(Box<Ready>),
    Skipped { message: OutboxMessage, reason: String },
    Failed { message: OutboxMessage, error: DeliveryError },
}

impl Wording {
    fn word(&self, message: OutboxMessage, prepared: Result<Prepared, DeliveryError>) -> Worded {
        match prepared {
            Ok(Prepared::Send(context)) => {
                let letter = self.letter(&context);
                Worded::Ready(Box::new(Ready { message, letter, invitation: Some(context.invitation), live: None }))
            }
            Ok(Prepared::SendLive(context)) => {
                let letter = self.live_letter(&message, &context);
                Worded::Ready(Box::new(Ready { message, letter, invitation: None, live: Some(context.live) }))
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

/// Accepted messages that may wait, handed over to the recorder, while it commits a group:
/// the capacity of its channel, enough that the connections seldom wait for a commit. See
/// [`most_unrecorded`].
pub const UNRECORDED_WINDOW: usize = 16;

/// The most outcomes recorded in one transaction: a larger group spreads a commit's fixed
/// cost (the transaction, and the pages of the outbox, invitations and timeline it writes to
/// the log) over more messages (docs/performance.md, finding 30).
pub const RECORDED_TOGETHER: usize = 16;

/// The most messages a worker with `connections` lanes can have had accepted by the relay
/// and not yet recorded: what a process killed at the worst moment sends again once their
/// claims lapse (each with its original `Message-ID`). That is the group being committed
/// ([`RECORDED_TOGETHER`]), the full channel behind it ([`UNRECORDED_WINDOW`]), and one
/// message in the hand of each lane, waiting to hand its outcome over.
#[must_use]
pub const fn most_unrecorded(connections: usize) -> usize {
    let lanes = if connections == 0 { 1 } else { connections };
    RECORDED_TOGETHER + UNRECORDED_WINDOW + lanes
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use slate_domain::{AttendeeId, InvitationId, LiveInterviewId};

    #[test]
    fn one_subject_always_takes_the_same_lane_and_subjects_spread_over_every_lane() {
        // Ids made one after another (as time-ordered ids are), differing in their last bits.
        let id = |n: u128| uuid::Uuid::from_u128(0x0193_a5c0_0000_7000_8000_0000_0000_0000 + n);
        let subjects: Vec<MessageSubject> = (0..400)
            .map(|n| {
                if n % 2 == 0 {
                    MessageSubject::Invitation(InvitationId::from_uuid(id(n)))
                } else {
                    MessageSubject::Attendee {
                        live_interview_id: LiveInterviewId::from_uuid(id(1000)),
                        attendee_id: AttendeeId::from_uuid(id(n)),
                    }
                }
            })
            .collect();
        for lanes in [1, 3, 8] {
            let mut taken = vec![0_usize; lanes];
            for s in &subjects {
                let lane = lane_of(*s, lanes);
                assert_eq!(lane, lane_of(*s, lanes), "a subject's lane is stable");
                taken[lane] += 1;
            }
            // 400 subjects over at most 8 lanes: 50 each on average; none left idle.
            assert!(taken.iter().all(|&n| n >= 400 / lanes / 3), "{lanes} lanes: {taken:?}");
        }
        assert_eq!(lane_of(subjects[0], 0), 0, "no lanes is taken as one");
    }
}
