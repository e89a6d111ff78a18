//! # slate-email
//!
//! The mail adapter on the edge of Slate's hexagon. It implements the domain's
//! [`MessageRenderer`](slate_domain::ports::MessageRenderer) port ([`Renderer`]: templates
//! filled and laid out as plain text and HTML in the message's language, with the words of
//! `slate-i18n`), builds MIME messages ([`mime`]), sends them through an SMTP relay with
//! mail-send ([`Smtp`]), signed with DKIM when a key is configured ([`Dkim`]), or keeps them
//! in the local mailbox, and runs the outbox worker ([`OutboxWorker`]) that drives the
//! domain's delivery use cases. It never touches a
//! database: the outbox and the mailbox are reached through the domain.

mod dkim;
pub mod ics;
pub mod mime;
mod render;
mod transport;
mod worker;

pub use dkim::Dkim;
pub use mime::Sender;
pub use render::Renderer;
pub use transport::{Security, SendResult, Smtp, SmtpSettings};
pub use worker::{
    Counter, DEFAULT_CONNECTIONS, OutboxWorker, RECORDED_TOGETHER, Tally, Transport, UNRECORDED_WINDOW, WorkerSettings,
    most_unrecorded,
};
