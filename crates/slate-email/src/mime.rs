//! The MIME message: headers encoded by mail-builder (RFC 2047 for non-ASCII, no header
//! can be injected through a value), a plain-text and an HTML part, a stable `Message-ID`
//! derived from the outbox row, and `Reply-To` the recruiter.

use mail_send::mail_builder::MessageBuilder;
use mail_send::mail_builder::headers::address::Address;
use mail_send::mail_builder::headers::date::Date;
use slate_domain::{MessageContext, RenderedMessage};

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
        let name = if self.via.is_empty() { company } else { format!("{company} {}", self.via) };
        name.replace(['\r', '\n', '"'], " ")
    }

    /// The stable `Message-ID` of an outbox message (without angle brackets): the same
    /// every time the message is tried, so a receiving server can drop a duplicate.
    #[must_use]
    pub fn message_id(&self, context: &MessageContext) -> String {
        format!("{}@{}", context.message.id.as_uuid().simple(), self.message_id_host)
    }
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
    let reply_to = Address::new_address(Some(context.recruiter.name.to_string()), context.recruiter.email.to_string());
    let mut builder = MessageBuilder::new()
        .from(Address::new_address(Some(sender.display_name(context)), sender.address.clone()))
        .to(Address::new_address(Some(to_name), context.message.to.to_string()))
        .reply_to(reply_to)
        .subject(rendered.subject.clone())
        .message_id(sender.message_id(context))
        .date(Date::new(context.message.created_at.timestamp()))
        .header("Auto-Submitted", mail_send::mail_builder::headers::raw::Raw::new("auto-generated"))
        .text_body(rendered.text.clone());
    if !rendered.html.is_empty() {
        builder = builder.html_body(rendered.html.clone());
    }
    builder.write_to_vec()
}
