//! Valid inputs built from literals, for tests and examples (feature `in-memory`).
//!
//! One definition of "an organization with its first recruiter", "a question", "an interview"
//! and "an invitation of an external candidate", shared by every test harness (the domain's,
//! the HTTP router's, the persistence contract's, embedders'), so that a new required field
//! is added in one place. Each function panics on a literal that is not valid, which in a
//! test is the failure to see.
//!
//! ```
//! use slate_domain::fixtures;
//! use slate_domain::memory::InMemory;
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let memory = InMemory::new("2026-11-22T09:00:00Z".parse().unwrap());
//! let slate = memory.slate();
//! let (org, rita) = slate.create_account(fixtures::account("Acme", "Rita", "rita@acme.example")).await.unwrap();
//! assert_eq!(org.name.as_str(), "Acme");
//! # let _ = rita;
//! # }
//! ```

use std::fmt::Display;

use chrono::NaiveDate;

use crate::{
    CandidateId, DisplayName, EmailAddress, InterviewDetails, InterviewId, InterviewInput, InterviewerInput,
    InviteExternal, Language, LanguageTag, Location, LongText, MeetingUrl, NewAccount, NewCandidate, NewOrganization,
    NewRecruiter, Password, PersonName, Prompt, QuestionInput, ReminderPolicy, ScheduleLive, SlotInput, TimeZone,
};

/// The password every fixture account is created with.
pub const PASSWORD: &str = "correct horse battery";

fn valid<T, E: Display>(what: &str, value: &str, parsed: Result<T, E>) -> T {
    match parsed {
        Ok(v) => v,
        Err(e) => panic!("fixture {what} {value:?} is not valid: {e}"),
    }
}

/// A new organization in Athens (English by default, the default reminders) with its first
/// recruiter, whose password is [`PASSWORD`].
pub fn account(organization: &str, recruiter: &str, email: &str) -> NewAccount {
    NewAccount {
        organization: NewOrganization {
            name: valid("organization name", organization, DisplayName::parse(organization)),
            time_zone: valid("time zone", "Europe/Athens", TimeZone::parse("Europe/Athens")),
            default_language: Language::English,
            reminders: ReminderPolicy::default(),
        },
        recruiter: NewRecruiter {
            name: valid("recruiter name", recruiter, PersonName::parse(recruiter)),
            email: valid("email", email, EmailAddress::parse(email)),
        },
        password: valid("password", PASSWORD, Password::new(PASSWORD)),
    }
}

/// A question with 30 seconds to think, two minutes to answer and no retakes (change the
/// fields with struct update syntax).
pub fn question(prompt: &str) -> QuestionInput {
    QuestionInput {
        id: None,
        prompt: valid("prompt", prompt, Prompt::parse(prompt)),
        thinking_secs: 30,
        max_answer_secs: 120,
        retakes: 0,
    }
}

/// An interview's details: no job, no introduction, questions in English.
pub fn details(name: &str) -> InterviewDetails {
    InterviewDetails {
        name: valid("interview name", name, DisplayName::parse(name)),
        job_id: None,
        intro: valid("introduction", "", LongText::parse("")),
        question_language: valid("language tag", "en", LanguageTag::parse("en")),
        difficulty: None,
        focus_area: None,
    }
}

/// An interview named `name` asking `prompts`, each a [`question`].
pub fn interview(name: &str, prompts: &[&str]) -> InterviewInput {
    InterviewInput { details: details(name), questions: prompts.iter().map(|p| question(p)).collect() }
}

/// An invitation of a new external candidate to `interview`, closing at the end of
/// `deadline` (`YYYY-MM-DD`) in the organization's zone, in the organization's language,
/// with no copy and no completion notice to the recruiter.
pub fn external(first: &str, last: &str, email: &str, interview: InterviewId, deadline: &str) -> InviteExternal {
    InviteExternal {
        first_name: valid("first name", first, PersonName::parse(first)),
        last_name: valid("last name", last, PersonName::parse(last)),
        email: valid("email", email, EmailAddress::parse(email)),
        interview_id: interview,
        language: None,
        deadline: valid("deadline", deadline, deadline.parse::<NaiveDate>()),
        bcc_me: false,
        notify_me: false,
    }
}

/// A candidate of the candidate base with this name and address, no phone, no notes.
pub fn candidate(first: &str, last: &str, email: &str) -> NewCandidate {
    NewCandidate {
        first_name: valid("first name", first, PersonName::parse(first)),
        last_name: valid("last name", last, PersonName::parse(last)),
        email: Some(valid("email", email, EmailAddress::parse(email))),
        phone: None,
        notes: valid("notes", "", LongText::parse("")),
    }
}

/// A 45-minute online live interview "Second round" with `candidate` at `date`
/// (`YYYY-MM-DD`) `time` (`HH:MM`) in the organization's zone, with external interviewers
/// given as `(name, email)`, in the organization's language.
pub fn live(candidate: CandidateId, date: &str, time: &str, interviewers: &[(&str, &str)]) -> ScheduleLive {
    let url = "https://meet.example/second-round";
    ScheduleLive {
        title: valid("title", "Second round", DisplayName::parse("Second round")),
        candidate_id: candidate,
        candidate_email: None,
        candidate_language: None,
        slot: SlotInput {
            date: valid("date", date, date.parse()),
            time: valid("time", time, chrono::NaiveTime::parse_from_str(time, "%H:%M")),
            minutes: 45,
            zone: None,
        },
        location: Location::Online(valid("meeting URL", url, MeetingUrl::parse(url))),
        interviewers: interviewers
            .iter()
            .map(|(name, email)| InterviewerInput::External {
                name: valid("name", name, PersonName::parse(name)),
                email: valid("email", email, EmailAddress::parse(email)),
                language: None,
            })
            .collect(),
        job_id: None,
        follows: None,
        candidate_message: None,
        interviewer_message: None,
    }
}
