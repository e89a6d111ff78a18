//! Where worded messages go: an SMTP relay through mail-send (one connection reused across
//! messages, reopened when it breaks), or the local mailbox that keeps them in the database
//! for the embedded defaults.

use std::time::Duration;

use mail_send::smtp::message::Message;
use mail_send::{SmtpClient, SmtpClientBuilder};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

/// How the connection to the SMTP relay is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain, upgraded with STARTTLS (port 587); refused when the server does not offer it.
    StartTls,
    /// No encryption (a relay on the same host or a test server only).
    None,
}

/// The SMTP relay's settings.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// TLS, STARTTLS or none.
    pub security: Security,
    /// User name and password, when the relay asks for them.
    pub credentials: Option<(String, String)>,
    /// How long one SMTP exchange may take before it counts as a temporary failure.
    pub timeout: Duration,
    /// The name Slate gives in `EHLO`.
    pub helo_host: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|(u, _)| u))
            .field("password", &self.credentials.as_ref().map(|_| "***"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendResult {
    /// Accepted by the relay.
    Accepted,
    /// Try again later (4xx reply, connection refused or lost, time-out).
    Temporary(String),
    /// Refused for good (5xx reply to the recipient or the message).
    Permanent(String),
}

enum Connection {
    Tls(Box<SmtpClient<TlsStream<TcpStream>>>),
    Plain(SmtpClient<TcpStream>),
}

/// An SMTP relay with one reused connection.
pub struct Smtp {
    settings: SmtpSettings,
    connection: Option<Connection>,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp").field("settings", &self.settings).field("connected", &self.connection.is_some()).finish()
    }
}

/// Whether a mail-send error is the relay refusing for good.
fn classify(e: &mail_send::Error) -> SendResult {
    match e {
        mail_send::Error::UnexpectedReply(r) if (500..600).contains(&r.code) => {
            SendResult::Permanent(format!("{} {}", r.code, r.message))
        }
        mail_send::Error::UnexpectedReply(r) => SendResult::Temporary(format!("{} {}", r.code, r.message)),
        mail_send::Error::Timeout => SendResult::Temporary("the mail server did not answer in time".to_owned()),
        mail_send::Error::Io(e) => SendResult::Temporary(format!("connection problem: {}", e.kind())),
        other => SendResult::Temporary(other.to_string()),
    }
}

impl Smtp {
    /// A relay; nothing is connected until the first message.
    #[must_use]
    pub const fn new(settings: SmtpSettings) -> Self {
        Self { settings, connection: None }
    }

    /// A relay with the same settings and a connection of its own (none open yet).
    #[must_use]
    pub fn another(&self) -> Self {
        Self::new(self.settings.clone())
    }

    fn builder(&self) -> Result<SmtpClientBuilder<String>, SendResult> {
        let mut b = SmtpClientBuilder::new(self.settings.host.clone(), self.settings.port)
            .map_err(SendResult::Temporary)?
            .implicit_tls(self.settings.security == Security::Tls)
            .timeout(self.settings.timeout)
            .helo_host(self.settings.helo_host.clone());
        if let Some((user, password)) = &self.settings.credentials {
            b = b.credentials((user.clone(), password.clone()));
        }
        Ok(b)
    }

    async fn connect(&self) -> Result<Connection, SendResult> {
        let builder = self.builder()?;
        // TCP_NODELAY: a message's body and its final ".\r\n" are two writes; with Nagle's
        // algorithm the second waits for the relay's delayed ACK (~40 ms a message).
        let connection = match self.settings.security {
            Security::None => builder.connect_plain().await.map(|c| {
                let _ = c.stream.set_nodelay(true);
                Connection::Plain(c)
            }),
            Security::Tls | Security::StartTls => builder.connect().await.map(|c| {
                let _ = c.stream.get_ref().0.set_nodelay(true);
                Connection::Tls(Box::new(c))
            }),
        };
        connection.map_err(|e| match classify(&e) {
            // A refusal while connecting (a 5xx greeting, failed authentication) is the
            // relay's problem, not the recipient's: never a bounce.
            SendResult::Permanent(reason) => SendResult::Temporary(reason),
            other => other,
        })
    }

    /// Sends one message from `envelope_from` to `to`. On a reused connection that turns
    /// out to be closed, reconnects once before counting a failure.
    pub async fn send(&mut self, envelope_from: &str, to: &str, body: &[u8]) -> SendResult {
        let reused = self.connection.is_some();
        match self.attempt(envelope_from, to, body).await {
            SendResult::Temporary(_) if reused => self.attempt(envelope_from, to, body).await,
            other => other,
        }
    }

    async fn attempt(&mut self, envelope_from: &str, to: &str, body: &[u8]) -> SendResult {
        let mut connection = match self.connection.take() {
            Some(c) => c,
            None => match self.connect().await {
                Ok(c) => c,
                Err(e) => return e,
            },
        };
        let message = Message::new(envelope_from, [to], body);
        let result = match &mut connection {
            Connection::Tls(c) => c.send(message).await,
            Connection::Plain(c) => c.send(message).await,
        };
        match result {
            Ok(_) => {
                self.connection = Some(connection);
                SendResult::Accepted
            }
            Err(e) => {
                let outcome = classify(&e);
                // A refused recipient leaves the session usable once reset; anything else
                // drops the connection.
                if matches!(e, mail_send::Error::UnexpectedReply(_)) {
                    let reset = match &mut connection {
                        Connection::Tls(c) => c.cmd(b"RSET\r\n").await,
                        Connection::Plain(c) => c.cmd(b"RSET\r\n").await,
                    };
                    if reset.is_ok_and(|r| r.code == 250) {
                        self.connection = Some(connection);
                    }
                }
                outcome
            }
        }
    }

    /// Closes the connection politely (when the outbox is empty).
    pub async fn close(&mut self) {
        if let Some(connection) = self.connection.take() {
            let _ = match connection {
                Connection::Tls(c) => (*c).quit().await,
                Connection::Plain(c) => c.quit().await,
            };
        }
    }
}
