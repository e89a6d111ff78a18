//! Wording messages: a template's placeholders filled with the message's values, laid out
//! as plain text and as HTML (askama, every value escaped, nothing loaded from elsewhere),
//! with the interview's details, the candidate's link as a button and a footer, in the
//! message's language.

use std::collections::HashMap;

use askama::Template;
use slate_domain::ports::MessageRenderer;
use slate_domain::{
    AttendeeRole, Language, LiveMessageContext, MessageContext, MessageKind, Placeholder, RenderedMessage, Segment,
    TemplateContent, TemplateKind,
};

/// The renderer Slate uses: its default templates come from `slate-i18n`.
#[derive(Debug, Clone)]
pub struct Renderer {
    defaults: HashMap<(TemplateKind, Language), TemplateContent>,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    /// A renderer with every default template parsed once.
    #[must_use]
    pub fn new() -> Self {
        let mut defaults = HashMap::new();
        for kind in TemplateKind::ALL {
            for language in Language::ALL {
                if let Some(t) = slate_i18n::default_template(kind, language)
                    && let Ok(content) = TemplateContent::parse(kind, &t.subject, &t.body)
                {
                    defaults.insert((kind, language), content);
                }
            }
        }
        Self { defaults }
    }
}

/// A paragraph of the HTML body.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Paragraph {
    /// A paragraph that is only a link: a button, with the address spelled out below.
    Button { url: String, label: String },
    /// Lines of text and links.
    Text { lines: Vec<Vec<Inline>> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Inline {
    Text { text: String },
    Link { url: String },
}

#[derive(Template)]
#[template(path = "email.html")]
struct Html<'a> {
    lang: &'a str,
    subject: &'a str,
    note: Option<String>,
    paragraphs: Vec<Paragraph>,
    fallback: String,
    details: Vec<(String, String)>,
    footer: String,
}

/// Where a message's placeholder values come from.
trait Fill {
    /// The value of `p`, on one line.
    fn get(&self, p: Placeholder) -> String;
}

/// The values of one message's placeholders.
struct Values<'a> {
    context: &'a MessageContext,
    language: Language,
}

impl Values<'_> {
    fn company(&self) -> String {
        let inv = &self.context.invitation;
        inv.interview()
            .company_name
            .as_ref()
            .map_or_else(|| self.context.organization.name.to_string(), ToString::to_string)
    }

    fn minutes(&self) -> String {
        self.context.invitation.interview().estimated_duration().as_secs().div_ceil(60).to_string()
    }

    fn deadline(&self) -> String {
        let deadline = self.context.invitation.deadline();
        let date = slate_i18n::long_date(self.language, deadline.date());
        let closes = slate_i18n::date_time_in(self.language, deadline.closes_at(), deadline.zone());
        slate_i18n::message(
            self.language,
            "email-deadline-value",
            &[("date", &date), ("closes", &closes), ("zone", deadline.zone().name())],
        )
    }
}

impl Fill for Values<'_> {
    fn get(&self, p: Placeholder) -> String {
        let ctx = self.context;
        let inv = &ctx.invitation;
        let one_line = |s: String| s.replace(['\r', '\n'], " ");
        one_line(match p {
            Placeholder::CandidateFirstName => inv.parts().candidate_first_name.to_string(),
            Placeholder::CandidateLastName => inv.parts().candidate_last_name.to_string(),
            Placeholder::CandidateEmail => inv.email().to_string(),
            Placeholder::CompanyName => self.company(),
            Placeholder::JobTitle => inv.interview().job_title.as_ref().map(ToString::to_string).unwrap_or_default(),
            Placeholder::InterviewName => inv.interview().name.to_string(),
            Placeholder::InterviewLink => {
                ctx.candidate_link.as_ref().map(|l| l.expose().to_owned()).unwrap_or_default()
            }
            Placeholder::InterviewQuestionCount => inv.interview().questions.len().to_string(),
            Placeholder::InterviewEstimatedMinutes => self.minutes(),
            Placeholder::Deadline => self.deadline(),
            Placeholder::RecruiterName => ctx.recruiter.name.to_string(),
            Placeholder::RecruiterEmail => ctx.recruiter.email.to_string(),
            Placeholder::ReviewLink => ctx.review_link.clone(),
            Placeholder::InterviewStart
            | Placeholder::InterviewLocation
            | Placeholder::InterviewDurationMinutes
            | Placeholder::AttendeeName => String::new(),
        })
    }
}

/// The values of a message to a live interview's attendee.
struct LiveValues<'a> {
    context: &'a LiveMessageContext,
    language: Language,
}

impl LiveValues<'_> {
    /// The start in the event's zone, and in the recipient's when it is known (a recruiter's:
    /// the organization's) and differs.
    fn start(&self) -> String {
        let ctx = self.context;
        let slot = ctx.live.slot();
        let here = slate_i18n::date_time_in(self.language, slot.start(), slot.zone());
        let mut out = slate_i18n::message(
            self.language,
            "email-live-start-value",
            &[("date", &here), ("zone", slot.zone().name())],
        );
        let theirs = match ctx.recipient().map(|a| a.role) {
            Some(AttendeeRole::Interviewer(Some(_))) => Some(ctx.organization.time_zone),
            _ => None,
        };
        if let Some(zone) = theirs.filter(|z| *z != slot.zone()) {
            let there = slate_i18n::date_time_in(self.language, slot.start(), zone);
            out.push_str("; ");
            out.push_str(&slate_i18n::message(
                self.language,
                "email-live-start-also",
                &[("date", &there), ("zone", zone.name())],
            ));
        }
        out
    }
}

impl Fill for LiveValues<'_> {
    fn get(&self, p: Placeholder) -> String {
        let value = if p == Placeholder::InterviewStart { self.start() } else { self.context.value(p) };
        value.replace(['\r', '\n'], " ")
    }
}

/// What surrounds a message's body.
struct Frame<'a> {
    language: Language,
    note: Option<String>,
    details: Vec<(String, String)>,
    footer: String,
    button: &'a dyn Fn(Placeholder) -> String,
}

/// A template filled with `values` and laid out as plain text (note, body, details, footer)
/// and as HTML.
fn compose(content: &TemplateContent, values: &dyn Fill, frame: Frame<'_>) -> RenderedMessage {
    let subject = content.subject.render(|p| values.get(p));
    let mut text = String::new();
    if let Some(note) = &frame.note {
        text.push_str(note);
        text.push_str("\n\n");
    }
    text.push_str(&content.body.render(|p| values.get(p)));
    if !frame.details.is_empty() {
        text.push_str("\n\n");
        for (label, value) in &frame.details {
            text.push_str(&format!("{label}: {value}\n"));
        }
    }
    text.push_str("\n-- \n");
    text.push_str(&frame.footer);
    text.push('\n');
    let html = Html {
        lang: frame.language.code(),
        subject: &subject,
        note: frame.note,
        paragraphs: paragraphs(content.body.segments(), values, frame.button),
        fallback: slate_i18n::message(frame.language, "email-link-fallback", &[]),
        details: frame.details,
        footer: frame.footer,
    }
    .render()
    .unwrap_or_else(|e| {
        tracing::error!(error = %e, "rendering an email's HTML failed; sending text only");
        String::new()
    });
    RenderedMessage { subject: subject.replace(['\r', '\n'], " "), text, html }
}

/// Whether a message shows the interview's details (company, position, questions,
/// duration, deadline, requirements).
const fn shows_details(kind: MessageKind) -> bool {
    matches!(
        kind,
        MessageKind::Invitation
            | MessageKind::BccCopy
            | MessageKind::Resend
            | MessageKind::Reminder(_)
            | MessageKind::DeadlineChanged
    )
}

impl MessageRenderer for Renderer {
    fn default_content(&self, kind: TemplateKind, language: Language) -> TemplateContent {
        match self.defaults.get(&(kind, language)).or_else(|| self.defaults.get(&(kind, Language::English))) {
            Some(c) => c.clone(),
            None => minimal(kind),
        }
    }

    fn render(&self, context: &MessageContext) -> RenderedMessage {
        let language = context.message.language;
        let values = Values { context, language };
        let m = |key: &str| slate_i18n::message(language, key, &[]);
        let kind = context.message.kind;
        let note = (kind == MessageKind::BccCopy).then(|| {
            slate_i18n::message(language, "email-bcc-note", &[("email", context.invitation.email().as_str())])
        });
        let mut details = Vec::new();
        if shows_details(kind) {
            details.push((m("email-company"), values.company()));
            if let Some(title) = &context.invitation.interview().job_title {
                details.push((m("email-position"), title.to_string()));
            }
            details.push((m("email-questions"), context.invitation.interview().questions.len().to_string()));
            let minutes = values.minutes();
            details.push((
                m("email-duration"),
                slate_i18n::message(language, "email-duration-value", &[("minutes", &minutes)]),
            ));
            details.push((m("email-answer-by"), values.deadline()));
            details.push((m("email-requirements"), m("email-requirements-text")));
        }
        let footer = slate_i18n::message(language, "email-footer", &[("company", &values.company())]);
        let button =
            |p: Placeholder| if p == Placeholder::ReviewLink { m("email-review-button") } else { m("email-button") };
        compose(&context.content, &values, Frame { language, note, details, footer, button: &button })
    }

    fn render_live(&self, context: &LiveMessageContext) -> RenderedMessage {
        let language = context.message.language;
        let values = LiveValues { context, language };
        let m = |key: &str| slate_i18n::message(language, key, &[]);
        let mut footer = slate_i18n::message(language, "email-footer", &[("company", &context.company())]);
        if carries_calendar(context.message.kind) {
            footer = format!("{} {footer}", m("email-live-calendar-note"));
        }
        let button = |_: Placeholder| m("email-live-button");
        compose(&context.content, &values, Frame { language, note: None, details: Vec::new(), footer, button: &button })
    }
}

/// Whether a live interview's message carries its meeting request (the reminder does not:
/// the event is already in the calendar).
#[must_use]
pub(crate) const fn carries_calendar(kind: MessageKind) -> bool {
    matches!(
        kind,
        MessageKind::LiveInvitation
            | MessageKind::LiveInterviewerInvitation
            | MessageKind::LiveUpdated
            | MessageKind::LiveCancelled
    )
}

/// Splits a body into paragraphs (blank lines) and lines, with links kept apart so the HTML
/// can make them clickable; a paragraph that is only a link becomes a button.
fn paragraphs(segments: &[Segment], values: &dyn Fill, label: &dyn Fn(Placeholder) -> String) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut lines: Vec<Vec<(Inline, Option<Placeholder>)>> = vec![Vec::new()];
    let flush = |lines: &mut Vec<Vec<(Inline, Option<Placeholder>)>>, out: &mut Vec<Paragraph>| {
        while lines.last().is_some_and(Vec::is_empty) {
            lines.pop();
        }
        if lines.is_empty() {
            lines.push(Vec::new());
            return;
        }
        let only_link = lines.len() == 1
            && lines[0].iter().filter(|(i, _)| !matches!(i, Inline::Text { text } if text.trim().is_empty())).count()
                == 1
            && lines[0].iter().any(|(i, _)| matches!(i, Inline::Link { .. }));
        if only_link
            && let Some((Inline::Link { url }, Some(p))) =
                lines[0].iter().find(|(i, _)| matches!(i, Inline::Link { .. }))
        {
            out.push(Paragraph::Button { url: url.clone(), label: label(*p) });
        } else {
            out.push(Paragraph::Text {
                lines: lines.drain(..).map(|l| l.into_iter().map(|(i, _)| i).collect()).collect(),
            });
        }
        lines.clear();
        lines.push(Vec::new());
    };
    for segment in segments {
        match segment {
            Segment::Value(p) if p.is_link() => {
                let url = values.get(*p);
                if let Some(line) = lines.last_mut() {
                    line.push((Inline::Link { url }, Some(*p)));
                }
            }
            Segment::Value(p) => {
                if let Some(line) = lines.last_mut() {
                    line.push((Inline::Text { text: values.get(*p) }, None));
                }
            }
            Segment::Text(t) => {
                for (n, piece) in t.split('\n').enumerate() {
                    if n > 0 {
                        // A line break; two in a row end the paragraph.
                        if lines.last().is_some_and(Vec::is_empty) {
                            flush(&mut lines, &mut out);
                        } else {
                            lines.push(Vec::new());
                        }
                    }
                    if !piece.is_empty()
                        && let Some(line) = lines.last_mut()
                    {
                        line.push((Inline::Text { text: piece.to_owned() }, None));
                    }
                }
            }
        }
    }
    flush(&mut lines, &mut out);
    out
}

/// The barest wording, used only if a default template were missing (the tests of
/// `slate-i18n` forbid that).
fn minimal(kind: TemplateKind) -> TemplateContent {
    let body = kind
        .required_placeholder()
        .map_or_else(|| "{{interview.name}}".to_owned(), |p| format!("{{{{{}}}}}", p.name()));
    match TemplateContent::parse(kind, "{{interview.name}}", &body) {
        Ok(c) => c,
        Err(_) => unreachable!("the minimal template follows the rules"),
    }
}

#[cfg(test)]
mod tests {
    use slate_domain::memory::InMemory;
    use slate_domain::*;

    use super::*;

    /// An invitation in `language` to "Ada <b>Lovelace</b>", prepared for sending.
    async fn context(language: Language, bcc: bool) -> (Slate, MessageContext) {
        let memory = InMemory::new("2026-11-22T09:00:00Z".parse().unwrap_or_default());
        let slate = memory.slate();
        let org = slate
            .create_organization(NewOrganization {
                name: DisplayName::parse("Acme & Sons").unwrap_or_else(|e| panic!("{e}")),
                time_zone: TimeZone::parse("Europe/Athens").unwrap_or_else(|e| panic!("{e}")),
                default_language: Language::English,
                reminders: ReminderPolicy::default(),
            })
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let rita = slate
            .add_recruiter(
                org.id,
                NewRecruiter {
                    name: PersonName::parse("Rita").unwrap_or_else(|e| panic!("{e}")),
                    email: EmailAddress::parse("rita@acme.example").unwrap_or_else(|e| panic!("{e}")),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let caller = Caller { organization_id: org.id, recruiter_id: rita.id };
        let q = QuestionInput {
            id: None,
            prompt: Prompt::parse("Why?").unwrap_or_else(|e| panic!("{e}")),
            thinking_secs: 30,
            max_answer_secs: 120,
            retakes: 0,
        };
        let details = InterviewDetails {
            name: DisplayName::parse("First round").unwrap_or_else(|e| panic!("{e}")),
            job_id: None,
            intro: LongText::default(),
            question_language: LanguageTag::parse("en").unwrap_or_else(|e| panic!("{e}")),
            difficulty: None,
            focus_area: None,
        };
        let draft = slate
            .create_interview(caller, InterviewInput { details, questions: vec![q] })
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let interview = slate.publish_interview(caller, draft.id()).await.unwrap_or_else(|e| panic!("{e}"));
        slate
            .invite_external(
                caller,
                InviteExternal {
                    first_name: PersonName::parse("Ada <b>").unwrap_or_else(|e| panic!("{e}")),
                    last_name: PersonName::parse("Lovelace").unwrap_or_else(|e| panic!("{e}")),
                    email: EmailAddress::parse("ada@example.com").unwrap_or_else(|e| panic!("{e}")),
                    interview_id: interview.id(),
                    language: Some(language),
                    deadline: "2026-11-30".parse().unwrap_or_default(),
                    bcc_me: bcc,
                    notify_me: true,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let messages = slate.claim_messages(5).await.unwrap_or_else(|e| panic!("{e}"));
        let m = messages.last().cloned().unwrap_or_else(|| panic!("claimed"));
        let Ok(Prepared::Send(mut ctx)) =
            slate.prepare_message(m.id, m.claim_token().unwrap_or_else(|| panic!())).await
        else {
            panic!("prepared")
        };
        ctx.content = Renderer::new().default_content(ctx.message.kind.template_kind(), language);
        (slate, *ctx)
    }

    #[tokio::test]
    async fn the_invitation_carries_its_details_a_button_and_escaped_values() {
        let (slate, ctx) = context(Language::English, false).await;
        let link = slate.candidate_link(&ctx.invitation).expose().to_owned();
        let r = Renderer::new().render(&ctx);
        assert_eq!(r.subject, "Your video interview with Acme & Sons");
        assert!(r.text.starts_with("Dear Ada <b>,"), "{}", r.text);
        assert!(r.text.contains("Company: Acme & Sons\n") && r.text.contains("Questions: 1\n"), "{}", r.text);
        assert!(r.text.contains("Answer by: Monday, 30 November 2026 (the link closes on Tuesday, 1 December 2026 00:00, Europe/Athens time)"), "{}", r.text);
        assert!(r.text.contains(&link));
        assert!(r.html.contains("Dear Ada &#60;b&#62;,") || r.html.contains("Dear Ada &lt;b&gt;,"), "{}", r.html);
        assert!(!r.html.contains("<b>"), "no markup from a name");
        assert!(r.html.contains("Acme &#38; Sons") || r.html.contains("Acme &amp; Sons"));
        assert_eq!(r.html.matches(&format!("href=\"{link}\"")).count(), 2, "the button and the spelled-out address");
        assert!(r.html.contains(">Start the interview</a>"));
        assert!(!r.html.contains("src="), "nothing loaded from elsewhere");
    }

    #[tokio::test]
    async fn the_recruiters_copy_says_so_and_other_languages_use_their_words() {
        let (_, ctx) = context(Language::French, true).await;
        assert_eq!(ctx.message.kind, MessageKind::BccCopy);
        let r = Renderer::new().render(&ctx);
        assert!(r.text.starts_with("Ceci est votre copie de l’invitation envoyée à ada@example.com."), "{}", r.text);
        assert!(r.text.contains("Bonjour Ada <b>,") && r.text.contains("lundi 30 novembre 2026"), "{}", r.text);
        assert!(r.html.contains("Commencer l’entretien"));
    }

    #[tokio::test]
    async fn paragraphs_split_on_blank_lines_and_only_a_lone_link_becomes_a_button() {
        let (slate, mut ctx) = context(Language::English, false).await;
        let body = "Hello {{candidate.last_name}},\nsecond line\n\n{{interview.link}}\n\nSee {{review.link}} too";
        ctx.content.body = TemplateText::body(body).unwrap_or_else(|e| panic!("{e}"));
        let r = Renderer::new().render(&ctx);
        let link = slate.candidate_link(&ctx.invitation).expose().to_owned();
        assert!(r.html.contains("Hello Lovelace,<br>second line</p>"), "{}", r.html);
        assert_eq!(r.html.matches(">Start the interview</a>").count(), 1, "the lone link is a button");
        assert!(
            r.html.contains(&format!(
                "See <a href=\"{0}\" style=\"color:#1d4ed8;word-break:break-all;\">{0}</a> too",
                ctx.review_link
            )),
            "{}",
            r.html
        );
        assert!(r.text.contains(&format!("second line\n\n{link}\n\nSee {} too", ctx.review_link)), "{}", r.text);
    }

    /// A live interview "Second <round>" on 10 December 2026 10:00 in Athens, with Ada and
    /// Rita (a recruiter of an organization in London) and Grace from outside.
    async fn live_context(kind: MessageKind, language: Language) -> LiveMessageContext {
        let memory = InMemory::new("2026-11-22T09:00:00Z".parse().unwrap_or_default());
        let slate = memory.slate();
        let mut account = fixtures::account("Acme & Sons", "Rita", "rita@acme.example");
        account.organization.time_zone = TimeZone::parse("Europe/London").unwrap_or_else(|e| panic!("{e}"));
        let (org, rita) = slate.create_account(account).await.unwrap_or_else(|e| panic!("{e}"));
        let caller = Caller { organization_id: org.id, recruiter_id: rita.id };
        let ada = slate
            .create_candidate(caller, fixtures::candidate("Ada", "Lovelace", "ada@example.com"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut input = fixtures::live(ada.id, "2026-12-10", "10:00", &[("Grace <b>Hopper</b>", "grace@navy.example")]);
        input.title = DisplayName::parse("Second <round>").unwrap_or_else(|e| panic!("{e}"));
        input.slot.zone = Some(TimeZone::parse("Europe/Athens").unwrap_or_else(|e| panic!("{e}")));
        input.candidate_language = Some(language);
        input.interviewers.push(InterviewerInput::Recruiter(rita.id));
        let live = slate.schedule_live(caller, input).await.unwrap_or_else(|e| panic!("{e}"));
        if kind == MessageKind::LiveCancelled {
            slate.cancel_live(caller, live.id(), None).await.unwrap_or_else(|e| panic!("{e}"));
        }
        let claimed = slate.claim_messages(20).await.unwrap_or_else(|e| panic!("{e}"));
        let prepared = slate.prepare_messages(&claimed).await;
        // Rita's (or Ada's) message of the kind, not Grace's.
        let at = claimed
            .iter()
            .rposition(|m| m.kind == kind && ["rita@acme.example", "ada@example.com"].contains(&m.to.as_str()))
            .unwrap_or_else(|| panic!("a {kind:?} message"));
        let Some(Ok(Prepared::SendLive(mut ctx))) = prepared.into_iter().nth(at) else { panic!("prepared") };
        ctx.content = Renderer::new().default_content(kind.template_kind(), ctx.message.language);
        *ctx
    }

    #[tokio::test]
    async fn a_live_invite_shows_the_time_in_the_events_zone_and_the_recruiters_and_escapes_names() {
        let ctx = live_context(MessageKind::LiveInterviewerInvitation, Language::English).await;
        let link = ctx.link.as_ref().map(|l| l.expose().to_owned()).unwrap_or_default();
        let r = Renderer::new().render_live(&ctx);
        assert_eq!(r.subject, "Interview with Ada Lovelace: Second <round>");
        assert!(r.text.starts_with("Hello Rita,"), "{}", r.text);
        assert!(
            r.text.contains(
                "Time: Thursday, 10 December 2026 10:00 (Europe/Athens time); Thursday, 10 December 2026 08:00 in Europe/London"
            ),
            "the event's zone, and the recipient's (the organization's): {}",
            r.text
        );
        assert!(r.text.contains("Duration: 45 minutes") && r.text.contains("Where: https://meet.example/second-round"));
        assert!(r.text.contains(&link) && link.contains("/m/"), "{}", r.text);
        assert!(r.text.contains("The attached invitation adds the interview to your calendar"), "{}", r.text);
        assert!(r.html.contains(">Confirm or decline</a>"), "{}", r.html);
        assert!(!r.html.contains("<round>"), "markup in a title is escaped");
    }

    #[tokio::test]
    async fn a_candidates_invite_is_in_their_language_and_a_cancellation_has_no_link() {
        let ctx = live_context(MessageKind::LiveInvitation, Language::German).await;
        let r = Renderer::new().render_live(&ctx);
        assert_eq!(r.subject, "Einladung zum Gespräch mit Acme & Sons: Second <round>");
        assert!(
            r.text.contains("Termin: Donnerstag, 10. Dezember 2026 10:00 (Zeitzone Europe/Athens)\n"),
            "{}",
            r.text
        );
        assert!(r.html.contains("Zusagen oder absagen"));
        let ctx = live_context(MessageKind::LiveCancelled, Language::English).await;
        assert!(ctx.link.is_none());
        let r = Renderer::new().render_live(&ctx);
        assert!(r.subject.starts_with("Cancelled: Second <round>"), "{}", r.subject);
        assert!(!r.text.contains("/m/"), "no link in a cancellation: {}", r.text);
    }
}
