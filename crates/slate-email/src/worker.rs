//! The outbox worker: claims due messages, gathers and words each one, hands it to the
//! transport and records how it went — under the claim it holds, so that several workers
//! (several app instances on one PostgreSQL) never send one message twice.

use std::sync::Arc;
use std::time::Duration;

use slate_domain::{
    CapturedEmail, DeliveryError, DeliveryOutcome, DeliveryReport, DeliveryState, EmailAddress, LiveMessageContext,
    MessageContext, OutboxMessage, Prepared, RenderedMessage, Slate,
};
use tokio::sync::watch;

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
}

impl std::fmt::Debug for OutboxWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxWorker").field("sender", &self.sender).field("transport", &self.transport).finish()
    }
}

impl OutboxWorker {
    /// A worker over `slate`'s outbox.
    #[must_use]
    pub const fn new(slate: Slate, sender: Sender, transport: Transport, settings: WorkerSettings) -> Self {
        Self { slate, sender, transport, settings, counter: None }
    }

    /// Counts every outcome with `counter`.
    #[must_use]
    pub fn counting(mut self, counter: Counter) -> Self {
        self.counter = Some(counter);
        self
    }

    /// Runs until `stop` turns true; finishes the message in hand first.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                break;
            }
            let handled = match self.run_once().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "the outbox worker could not read the outbox");
                    0
                }
            };
            if handled == 0 {
                if let Transport::Smtp(smtp) = &mut self.transport {
                    smtp.close().await;
                }
                tokio::select! {
                    () = tokio::time::sleep(self.settings.idle_poll) => {}
                    _ = stop.changed() => {}
                }
            }
        }
        if let Transport::Smtp(smtp) = &mut self.transport {
            smtp.close().await;
        }
    }

    /// Claims one batch and handles every message of it. Returns how many it claimed.
    ///
    /// A batch is a pipeline: every message is gathered and worded concurrently (database
    /// reads overlap), then sent one after another over the transport's one connection,
    /// each outcome recorded in its own task while the next message goes out.
    ///
    /// # Errors
    /// A storage failure while claiming.
    pub async fn run_once(&mut self) -> Result<usize, slate_domain::ports::AdapterError> {
        let batch = self.slate.claim_messages(self.settings.batch).await?;
        let n = batch.len();
        let prepared = self.slate.prepare_messages(&batch).await;
        // Outcomes go to a recorder task that commits whatever has arrived as one group
        // (one transaction), while the next messages are sent. The channel's capacity bounds
        // how many accepted messages can wait unrecorded: what a crash could send twice.
        let (outcomes, mut arrived) = tokio::sync::mpsc::channel::<(DeliveryReport, bool)>(UNRECORDED_WINDOW);
        let recorder = {
            let slate = self.slate.clone();
            let counter = self.counter.clone();
            tokio::spawn(async move {
                while let Some(first) = arrived.recv().await {
                    let mut group = vec![first];
                    while group.len() <= UNRECORDED_WINDOW
                        && let Ok(more) = arrived.try_recv()
                    {
                        group.push(more);
                    }
                    let kinds: Vec<_> = group.iter().map(|(r, permanent)| (r.message.clone(), *permanent)).collect();
                    let results = slate.record_deliveries(group.into_iter().map(|(r, _)| r).collect()).await;
                    for ((message, permanent), result) in kinds.into_iter().zip(results) {
                        match result {
                            Ok(m) => {
                                if let Some(counter) = &counter {
                                    counter(tally(&message, permanent, &m));
                                }
                            }
                            Err(e) => report(&message, &e),
                        }
                    }
                }
            })
        };
        for (message, prepared) in batch.into_iter().zip(prepared) {
            let (outcome, invitation, live) = match prepared {
                Ok(Prepared::Send(context)) => {
                    let outcome = self.send(&message, &context).await;
                    (outcome, Some(context.invitation), None)
                }
                Ok(Prepared::SendLive(context)) => {
                    let outcome = self.send_live(&message, &context).await;
                    (outcome, None, Some(context.live))
                }
                Ok(Prepared::Skipped { reason }) => {
                    tracing::info!(message = %message.id, kind = message.kind.as_str(), %reason, "message skipped");
                    self.count(Tally::Skipped);
                    continue;
                }
                Err(e) => {
                    report(&message, &e);
                    continue;
                }
            };
            let permanent = matches!(outcome, DeliveryOutcome::PermanentFailure { .. });
            let report = DeliveryReport { message, invitation, live, outcome };
            if outcomes.send((report, permanent)).await.is_err() {
                tracing::error!("the outcome recorder stopped; the rest of the batch is left to its claims");
                break;
            }
        }
        drop(outcomes);
        let _ = recorder.await;
        Ok(n)
    }

    fn count(&self, tally: Tally) {
        if let Some(counter) = &self.counter {
            counter(tally);
        }
    }

    /// Words, wraps and hands one message to the transport.
    async fn send(&mut self, message: &OutboxMessage, context: &MessageContext) -> DeliveryOutcome {
        let rendered = self.slate.render_message(context);
        let from = self.sender.display_name(context);
        let built = match &self.transport {
            Transport::Mailbox => None,
            Transport::Smtp(_) => Some(mime::build(&self.sender, context, &rendered)),
        };
        self.deliver(message, from, &context.recruiter.email, rendered, built).await
    }

    /// Words a message to a live interview's attendee, builds its meeting request, wraps
    /// both and hands them to the transport.
    async fn send_live(&mut self, message: &OutboxMessage, context: &LiveMessageContext) -> DeliveryOutcome {
        let rendered = self.slate.render_live_message(context);
        let from = self.sender.display_name_for(&context.company());
        let built = match &self.transport {
            Transport::Mailbox => None,
            Transport::Smtp(_) => {
                let calendar = crate::render::carries_calendar(message.kind).then(|| {
                    let summary = format!("{} ({})", context.live.title(), context.company());
                    let organizer =
                        ics::Organizer { name: context.organizer.name.as_str(), email: &context.organizer.email };
                    let text = ics::EventText { summary: &summary, description: &rendered.text };
                    ics::calendar(&context.live, organizer, text, &self.sender.message_id_host, self.slate.now())
                });
                let calendar = calendar.as_ref().map(|(method, body)| (*method, body.as_str()));
                Some(mime::build_live(&self.sender, context, &rendered, calendar))
            }
        };
        self.deliver(message, from, &context.organizer.email, rendered, built).await
    }

    /// Keeps the message in the mailbox, or sends the MIME message `built` over SMTP.
    async fn deliver(
        &mut self,
        message: &OutboxMessage,
        from_name: String,
        reply_to: &EmailAddress,
        rendered: RenderedMessage,
        built: Option<std::io::Result<Vec<u8>>>,
    ) -> DeliveryOutcome {
        match (&mut self.transport, built) {
            (Transport::Smtp(smtp), Some(Ok(body))) => {
                match smtp.send(&self.sender.address, message.to.as_str(), &body).await {
                    SendResult::Accepted => DeliveryOutcome::Delivered,
                    SendResult::Temporary(reason) => DeliveryOutcome::TemporaryFailure { reason },
                    SendResult::Permanent(reason) => DeliveryOutcome::PermanentFailure { reason },
                }
            }
            (Transport::Smtp(_), Some(Err(e))) => {
                DeliveryOutcome::TemporaryFailure { reason: format!("building the message failed: {e}") }
            }
            (Transport::Smtp(_), None) => {
                DeliveryOutcome::TemporaryFailure { reason: "no MIME message was built for SMTP".to_owned() }
            }
            (Transport::Mailbox, _) => DeliveryOutcome::Captured(Box::new(CapturedEmail {
                id: message.id,
                organization_id: message.organization_id,
                about: message.about,
                kind: message.kind,
                from: format!("\"{from_name}\" <{}>", self.sender.address),
                to: message.to.clone(),
                reply_to: Some(reply_to.clone()),
                subject: rendered.subject,
                text: rendered.text,
                html: rendered.html,
                // Set to the moment of recording by the use case.
                captured_at: message.created_at,
            })),
        }
    }
}

/// Accepted messages that may wait for their outcome to be recorded while the next ones go
/// out. A process killed at the worst moment has at most `2 × UNRECORDED_WINDOW + 2` accepted
/// but unrecorded messages (the group being committed, the full channel, the one in hand),
/// which are sent again once their claims lapse, each with its original `Message-ID`.
pub const UNRECORDED_WINDOW: usize = 8;

fn tally(message: &OutboxMessage, permanent: bool, recorded: &OutboxMessage) -> Tally {
    match recorded.state {
        DeliveryState::Delivered { .. } => Tally::Sent,
        DeliveryState::Pending { .. } => Tally::Retried,
        DeliveryState::Failed { .. } if permanent && message.kind.carries_link() => Tally::Bounced,
        _ => Tally::Failed,
    }
}

fn report(message: &OutboxMessage, e: &DeliveryError) {
    match e {
        DeliveryError::ClaimLost => {
            tracing::info!(message = %message.id, "claim lost to another worker; leaving the message to it");
        }
        e => tracing::warn!(message = %message.id, error = %e, "handling a message failed; it will be retried"),
    }
}
