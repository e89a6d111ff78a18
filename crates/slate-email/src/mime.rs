//! The MIME message: headers encoded by mail-builder (RFC 2047 for non-ASCII, no header
//! can be injected through a value), a plain-text and an HTML part, a stable `Message-ID`
//! derived from the outbox row, and `Reply-To` the recruiter. A live interview's invite is a
//! meeting request: a `text/calendar; method=…` alternative beside the text and HTML (what
//! calendar-aware clients act on) and the same calendar as an `invite.ics` attachment (for
//! the others).

use mail_send::mail_builder::MessageBuilder;
use mail_send::mail_builder::headers::address::Address;
use mail_send::mail_builder::headers::content_type::ContentType;
use mail_send::mail_builder::headers::date::Date;
use mail_send::mail_builder::mime::MimePart;
use slate_domain::{LiveMessageContext, MessageContext, MessageId, RenderedMessage};

use crate::ics::Method;

/// Who Slate's emails come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// The address in `From` (and the SMTP envelope sender).
    pub address: String,
    /// The display name after the company's: `"Acme via Slate"`.
    pub via: String,
    /// The host part of `Message-ID`s (the public URL's host).
    pub message_id_host: String,
}

impl Sender {
    /// The `From` display name for a message: the company's name, "via" Slate.
    #[must_use]
    pub fn display_name(&self, context: &MessageContext) -> String {
        let company = context
            .invitation
            .interview()
            .company_name
            .as_ref()
            .map_or_else(|| context.organization.name.to_string(), ToString::to_string);
        self.display_name_for(&company)
    }

    /// The `From` display name for a company.
    #[must_use]
    pub fn display_name_for(&self, company: &str) -> String {
        let name = if self.via.is_empty() { company.to_owned() } else { format!("{company} {}", self.via) };
        name.replace(['\r', '\n', '"'], " ")
    }

    /// The stable `Message-ID` of an outbox message (without angle brackets): the same
    /// every time the message is tried, so a receiving server can drop a duplicate.
    #[must_use]
    pub fn message_id(&self, context: &MessageContext) -> String {
        self.message_id_of(context.message.id)
    }

    /// The stable `Message-ID` of the outbox message `id`.
    #[must_use]
    pub fn message_id_of(&self, id: MessageId) -> String {
        format!("{}@{}", id.as_uuid().simple(), self.message_id_host)
    }
}

/// The headers of one message.
struct Envelope {
    from_name: String,
    to_name: String,
    to: String,
    reply_to: (String, String),
    message_id: String,
    date: i64,
}

/// The whole message, ready for SMTP's `DATA`.
///
/// # Errors
/// An I/O error from the writer (writing to memory does not fail in practice).
pub fn build(sender: &Sender, context: &MessageContext, rendered: &RenderedMessage) -> std::io::Result<Vec<u8>> {
    let to_name = if context.message.kind.is_for_candidate() {
        let p = context.invitation.parts();
        format!("{} {}", p.candidate_first_name, p.candidate_last_name)
    } else {
        context.recruiter.name.to_string()
    };
    let envelope = Envelope {
        from_name: sender.display_name(context),
        to_name,
        to: context.message.to.to_string(),
        reply_to: (context.recruiter.name.to_string(), context.recruiter.email.to_string()),
        message_id: sender.message_id(context),
        date: context.message.created_at.timestamp(),
    };
    write(sender, envelope, rendered, None)
}

/// The whole message to a live interview's attendee, with its meeting request when
/// `calendar` holds one (`(method, iCalendar text)`).
///
/// # Errors
/// An I/O error from the writer.
pub fn build_live(
    sender: &Sender,
    context: &LiveMessageContext,
    rendered: &RenderedMessage,
    calendar: Option<(Method, &str)>,
) -> std::io::Result<Vec<u8>> {
    let envelope = Envelope {
        from_name: sender.display_name_for(&context.company()),
        to_name: context.recipient().map(|a| a.name.to_string()).unwrap_or_default(),
        to: context.message.to.to_string(),
        reply_to: (context.organizer.name.to_string(), context.organizer.email.to_string()),
        message_id: sender.message_id_of(context.message.id),
        date: context.message.created_at.timestamp(),
    };
    write(sender, envelope, rendered, calendar)
}

fn write(
    sender: &Sender,
    envelope: Envelope,
    rendered: &RenderedMessage,
    calendar: Option<(Method, &str)>,
) -> std::io::Result<Vec<u8>> {
    let mut builder = MessageBuilder::new()
        .from(Address::new_address(Some(envelope.from_name), sender.address.clone()))
        .to(Address::new_address(Some(envelope.to_name), envelope.to))
        .reply_to(Address::new_address(Some(envelope.reply_to.0), envelope.reply_to.1))
        .subject(rendered.subject.clone())
        .message_id(envelope.message_id)
        .date(Date::new(envelope.date))
        .header("Auto-Submitted", mail_send::mail_builder::headers::raw::Raw::new("auto-generated"));
    match calendar {
        None => {
            builder = builder.text_body(rendered.text.clone());
            if !rendered.html.is_empty() {
                builder = builder.html_body(rendered.html.clone());
            }
        }
        Some((method, ics)) => {
            let mut alternatives = vec![MimePart::new("text/plain", rendered.text.clone())];
            if !rendered.html.is_empty() {
                alternatives.push(MimePart::new("text/html", rendered.html.clone()));
            }
            let calendar_type =
                || ContentType::new("text/calendar").attribute("method", method.as_str()).attribute("charset", "utf-8");
            alternatives.push(MimePart::new(calendar_type(), ics.to_owned()));
            let attachment = MimePart::new(
                ContentType::new("application/ics").attribute("name", "invite.ics"),
                ics.as_bytes().to_vec(),
            )
            .attachment("invite.ics");
            builder = builder.body(MimePart::new(
                "multipart/mixed",
                vec![MimePart::new("multipart/alternative", alternatives), attachment],
            ));
        }
    }
    builder.write_to_vec()
}
