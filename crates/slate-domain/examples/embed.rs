//! An application embedding `slate-domain` with the in-memory adapters: create an
//! organization and a published interview, invite an external candidate, open the link,
//! answer every question, submit, deliver the queued emails, and print the timeline.
//!
//! Run it with `cargo run --release -p slate-domain --example embed`.

use std::error::Error;
use std::fmt::Write as _;

use chrono::{DateTime, TimeDelta, Utc};
use slate_domain::memory::InMemory;
use slate_domain::ports::byte_stream;
use slate_domain::*;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let start: DateTime<Utc> = "2026-11-22T09:00:00Z".parse()?;
    let memory = InMemory::new(start);
    let slate = memory.slate();
    let mut out = String::new();

    // An organization in Athens, with one recruiter.
    let org = slate
        .create_organization(NewOrganization {
            name: DisplayName::parse("Acme")?,
            time_zone: TimeZone::parse("Europe/Athens")?,
            default_language: Language::English,
            reminders: ReminderPolicy::default(),
        })
        .await?;
    let rita = slate
        .add_recruiter(
            org.id,
            NewRecruiter { name: PersonName::parse("Rita")?, email: EmailAddress::parse("rita@acme.example")? },
        )
        .await?;
    let caller = Caller { organization_id: org.id, recruiter_id: rita.id };

    // A job and a two-question interview, published.
    let job = slate
        .create_job(
            caller,
            NewJob { title: JobText::parse("Backend engineer")?, company_name: JobText::parse("Acme SA")? },
        )
        .await?;
    let question = |prompt: &str, retakes| -> Result<QuestionInput, TextError> {
        Ok(QuestionInput { id: None, prompt: Prompt::parse(prompt)?, thinking_secs: 30, max_answer_secs: 120, retakes })
    };
    let draft = slate
        .create_interview(
            caller,
            InterviewInput {
                details: InterviewDetails {
                    name: DisplayName::parse("Backend – first round")?,
                    job_id: Some(job.id),
                    intro: LongText::parse("Two short questions. Take your time.")?,
                    question_language: LanguageTag::parse("en")?,
                    difficulty: Some(Label::parse("medium")?),
                    focus_area: Some(Label::parse("systems")?),
                },
                questions: vec![
                    question("Tell us about yourself.", 1)?,
                    question("Describe a bug you are proud of fixing.", 0)?,
                ],
            },
        )
        .await?;
    let interview = slate.publish_interview(caller, draft.id()).await?;
    writeln!(
        out,
        "Interview {:?}: {} questions, about {} minutes",
        interview.details().name.as_str(),
        interview.number_of_questions(),
        interview.estimated_duration().as_secs().div_ceil(60)
    )?;

    // Invite an external candidate; the deadline is inclusive, in Athens time.
    let invitation = slate
        .invite_external(
            caller,
            InviteExternal {
                first_name: PersonName::parse("Ada")?,
                last_name: PersonName::parse("Lovelace")?,
                email: EmailAddress::parse("ada@example.com")?,
                interview_id: interview.id(),
                language: Some(Language::Greek),
                deadline: "2026-11-30".parse()?,
                bcc_me: true,
                notify_me: true,
            },
        )
        .await?;
    writeln!(
        out,
        "Invited {} ({}), closes at {}",
        invitation.email(),
        invitation.status().as_str(),
        invitation.deadline().closes_at()
    )?;

    // The mail worker delivers what was queued: claim, gather, word, send, report.
    for message in slate.claim_messages(10).await? {
        let Some(token) = message.claim_token() else { continue };
        if let Prepared::Send(context) = slate.prepare_message(message.id, token).await? {
            let email = slate.render_message(&context);
            writeln!(out, "Subject: {}", email.subject)?;
        }
        slate.record_delivery(message.id, token, DeliveryOutcome::Delivered).await?;
        writeln!(out, "Delivered {} to {}", message.kind.as_str(), message.to)?;
    }

    // The candidate opens the link, records each answer and submits.
    let link = slate.link_token(&invitation);
    memory.clock.advance(TimeDelta::hours(3));
    let opened = slate.open_link(&link).await?;
    for q in &opened.interview().questions {
        // The browser uploads the recording (any size, in pieces, resumable).
        let video: Vec<u8> = [&b"\x1a\x45\xdf\xa3 first chunk"[..], b" second chunk"].concat();
        let upload = slate.begin_answer_upload(&link, q.id(), video.len() as u64).await?;
        let mut offset = 0;
        for chunk in video.chunks(16) {
            offset = slate
                .append_answer_upload(&link, q.id(), upload.take, offset, chunk, byte_stream(chunk.to_vec()))
                .await?;
        }
        memory.clock.advance(TimeDelta::minutes(2));
        let answer = slate.record_answer(&link, RecordAnswer { question_id: q.id(), duration_ms: 42_000 }).await?;
        writeln!(out, "Answered {:?} (take {}, {} bytes)", q.prompt().as_str(), answer.take, answer.size_bytes)?;
    }
    let done = slate.complete(&link).await?;
    writeln!(out, "Status: {}", done.status().as_str())?;
    let notices = slate.claim_messages(10).await?;
    for message in notices {
        let Some(token) = message.claim_token() else { continue };
        slate.record_delivery(message.id, token, DeliveryOutcome::Delivered).await?;
        writeln!(out, "Delivered {} to {}", message.kind.as_str(), message.to)?;
    }

    // The candidate's timeline.
    writeln!(out, "Timeline of {} {}:", done.parts().candidate_first_name, done.parts().candidate_last_name)?;
    for event in slate.candidate_timeline(caller, done.candidate_id()).await? {
        let who = match event.actor {
            Actor::Recruiter(_) => "recruiter",
            Actor::Candidate => "candidate",
            Actor::System => "system",
            Actor::ExternalInterviewer(_) => "interviewer",
        };
        writeln!(out, "  {}  {:<16} by {who}", event.at.format("%Y-%m-%d %H:%M"), event.kind.name())?;
    }
    std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes())?;
    Ok(())
}
