//! Shared set-up for the use-case tests: an organization in Athens with one recruiter and
//! one published two-question interview, over the in-memory adapters.

#![expect(clippy::unwrap_used, reason = "fixtures built from literals; a panic is a test failure")]

use chrono::{DateTime, NaiveDate, Utc};
use slate_domain::memory::InMemory;
use slate_domain::ports::{VideoStore as _, byte_stream};
use slate_domain::*;

pub(crate) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}
pub(crate) fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}
pub(crate) fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}
pub(crate) fn name(s: &str) -> PersonName {
    PersonName::parse(s).unwrap()
}

pub(crate) struct World {
    pub(crate) memory: InMemory,
    pub(crate) slate: Slate,
    pub(crate) org: Organization,
    pub(crate) caller: Caller,
    pub(crate) recruiter: Recruiter,
    pub(crate) interview: VideoInterview,
}

pub(crate) fn question(prompt: &str, retakes: u8) -> QuestionInput {
    QuestionInput { retakes, ..fixtures::question(prompt) }
}

pub(crate) fn details(name: &str, job: Option<JobId>) -> InterviewDetails {
    InterviewDetails {
        job_id: job,
        intro: LongText::parse("Welcome! Three short questions.").unwrap(),
        difficulty: Some(Label::parse("medium").unwrap()),
        ..fixtures::details(name)
    }
}

impl World {
    /// 2026-11-22 09:00 UTC (11:00 in Athens).
    pub(crate) async fn new() -> Self {
        let memory = InMemory::new(at("2026-11-22T09:00:00Z"));
        let slate = memory.slate();
        let org = slate
            .create_organization(NewOrganization {
                name: DisplayName::parse("Acme").unwrap(),
                time_zone: TimeZone::parse("Europe/Athens").unwrap(),
                default_language: Language::Greek,
                reminders: ReminderPolicy::default(),
            })
            .await
            .unwrap();
        let recruiter = slate
            .add_recruiter(org.id, NewRecruiter { name: name("Rita"), email: email("rita@acme.example") })
            .await
            .unwrap();
        let caller = Caller { organization_id: org.id, recruiter_id: recruiter.id };
        let job = slate
            .create_job(
                caller,
                NewJob {
                    title: JobText::parse("Backend engineer").unwrap(),
                    company_name: JobText::parse("Acme SA").unwrap(),
                },
            )
            .await
            .unwrap();
        let input = InterviewInput {
            details: details("Backend – first round", Some(job.id)),
            questions: vec![question("Tell us about yourself", 1), question("Why us?", 0)],
        };
        let draft = slate.create_interview(caller, input).await.unwrap();
        let interview = slate.publish_interview(caller, draft.id()).await.unwrap();
        Self { memory, slate, org, caller, recruiter, interview }
    }

    pub(crate) fn external(&self, first: &str, last: &str, mail: &str) -> InviteExternal {
        fixtures::external(first, last, mail, self.interview.id(), "2026-11-30")
    }

    pub(crate) async fn invite(&self, mail: &str) -> Invitation {
        self.slate.invite_external(self.caller, self.external("Ada", "Lovelace", mail)).await.unwrap()
    }

    /// Another organization with its own recruiter.
    pub(crate) async fn other_caller(&self) -> Caller {
        let org = self
            .slate
            .create_organization(NewOrganization {
                name: DisplayName::parse("Globex").unwrap(),
                time_zone: TimeZone::UTC,
                default_language: Language::English,
                reminders: ReminderPolicy::OFF,
            })
            .await
            .unwrap();
        let r = self
            .slate
            .add_recruiter(org.id, NewRecruiter { name: name("Hank"), email: email("hank@globex.example") })
            .await
            .unwrap();
        Caller { organization_id: org.id, recruiter_id: r.id }
    }

    /// Uploads a fake video for the next take of `question` in `chunks` pieces.
    pub(crate) async fn upload(&self, token: &LinkToken, question: QuestionId, bytes: &[u8]) -> MediaKey {
        let key = self.slate.answer_upload_key(token, question).await.unwrap();
        let videos = &self.memory.videos;
        videos.begin(&key, bytes.len() as u64).await.unwrap();
        let mut offset = 0;
        for chunk in bytes.chunks(7) {
            offset = videos.append(&key, offset, byte_stream(chunk.to_vec())).await.unwrap();
        }
        assert!(videos.stat(&key).await.unwrap().is_some_and(|s| s.complete));
        key
    }

    pub(crate) async fn answer(&self, token: &LinkToken, question: QuestionId) -> Answer {
        self.upload(token, question, b"\x1a\x45\xdf\xa3 webm bytes of a fake answer").await;
        let input = RecordAnswer { question_id: question, duration_ms: 4_000 };
        self.slate.record_answer(token, input).await.unwrap()
    }

    pub(crate) fn q(&self, n: usize) -> QuestionId {
        self.interview.questions()[n].id()
    }
}
