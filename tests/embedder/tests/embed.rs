//! An outside crate embeds the domain: wiring with the builder, a whole interview on a
//! runtime-free executor, the defaults' refusals, and the contract kit on its storage.

use slate_domain::chrono::{Offset as _, Utc};
use slate_domain::ports::byte_stream;
use slate_domain::*;
use slate_embedder_fixture::{Hiring, block_on, storage};

const SECRET: &[u8] = b"the ATS's link secret, at least thirty-two bytes long";

#[test]
fn an_outside_application_runs_a_whole_interview_without_a_runtime() {
    block_on(async {
        let hiring = Hiring::open(SECRET).await.unwrap();
        let interview = hiring.interview().await.unwrap();
        let invitation = hiring.invite(&interview, "richard@piedpiper.example", Utc::now()).await.unwrap();
        // The closing moment in the organization's own zone, with its offset.
        let local = invitation.deadline().closes_at_local();
        assert_eq!(local.timezone(), invitation.deadline().zone().tz());
        assert!([2 * 3600, 3 * 3600].contains(&local.offset().fix().local_minus_utc()), "Athens is UTC+2 or +3");
        assert!(invitation.id().as_uuid().get_version_num() == 7, "UUIDv7 ids by default");

        let token = hiring.slate.link_token(&invitation);
        hiring.slate.start_interview(&token).await.unwrap();
        let question = interview.questions()[0].id();
        let video = b"\x1a\x45\xdf\xa3 a tiny webm, for the test";
        let upload = hiring.slate.begin_answer_upload(&token, question, video.len() as u64).await.unwrap();
        let at = hiring
            .slate
            .append_answer_upload(&token, question, upload.take, 0, &video[..8], byte_stream(&video[..]))
            .await
            .unwrap();
        assert_eq!(at, video.len() as u64);
        hiring.slate.record_answer(&token, RecordAnswer { question_id: question, duration_ms: 4_000 }).await.unwrap();
        let done = hiring.slate.complete(&token).await.unwrap();
        assert_eq!(done.status(), InvitationStatus::Completed);
        let timeline = hiring.slate.candidate_timeline(hiring.caller, done.candidate_id()).await.unwrap();
        assert!(timeline.iter().any(|e| e.kind == EventKind::Completed));
        assert_eq!(hiring.feed.reads(), 1, "the timeline came through the ATS's own port");
    });
}

#[test]
fn the_defaults_refuse_clearly_and_the_builder_names_what_is_missing() {
    block_on(async {
        let (storage, _) = storage();
        assert_eq!(storage.clone().build().err(), Some(MissingPort("links (or link_secret)")));
        assert_eq!(Ports::builder().build().err().map(|m| m.0), Some("links (or link_secret)"));
        let ports = storage.link_secret(LinkSecret::new(SECRET.to_vec()).unwrap()).build().unwrap();
        let slate = Slate::new(ports, Settings::default());
        // No password logins: the application authenticates people itself.
        let refused = slate
            .create_account(NewAccount {
                organization: NewOrganization {
                    name: DisplayName::parse("Hooli").unwrap(),
                    time_zone: TimeZone::UTC,
                    default_language: Language::English,
                    reminders: ReminderPolicy::OFF,
                },
                recruiter: NewRecruiter {
                    name: PersonName::parse("Gavin").unwrap(),
                    email: EmailAddress::parse("g@hooli.example").unwrap(),
                },
                password: Password::new("correct horse battery").unwrap(),
            })
            .await;
        assert!(refused.is_err(), "NoPasswords hashes nothing");
    });
}

#[test]
fn no_video_store_means_uploads_are_refused_not_lost() {
    block_on(async {
        let (builder, feed) = storage();
        let ports = builder.link_secret(LinkSecret::new(SECRET.to_vec()).unwrap()).build().unwrap();
        let slate = Slate::new(ports, Settings::default());
        let org = slate
            .create_organization(NewOrganization {
                name: DisplayName::parse("Hooli").unwrap(),
                time_zone: TimeZone::UTC,
                default_language: Language::English,
                reminders: ReminderPolicy::OFF,
            })
            .await
            .unwrap();
        let r = slate
            .add_recruiter(
                org.id,
                NewRecruiter {
                    name: PersonName::parse("Gavin").unwrap(),
                    email: EmailAddress::parse("g@hooli.example").unwrap(),
                },
            )
            .await
            .unwrap();
        let hiring = Hiring { slate, caller: Caller { organization_id: org.id, recruiter_id: r.id }, feed };
        let interview = hiring.interview().await.unwrap();
        let invitation = hiring.invite(&interview, "richard@piedpiper.example", Utc::now()).await.unwrap();
        let token = hiring.slate.link_token(&invitation);
        hiring.slate.start_interview(&token).await.unwrap();
        let err = hiring.slate.begin_answer_upload(&token, interview.questions()[0].id(), 64).await.unwrap_err();
        assert!(
            err.to_string().contains("no video store is configured") || format!("{err:?}").contains("no video store"),
            "{err:?}"
        );
    });
}

#[test]
fn the_atss_storage_passes_the_contract_kit() {
    let passed = block_on(slate_domain::contract::check_storage(|| async { storage().0 }));
    assert_eq!(passed, Ok(slate_domain::contract::SCENARIOS.len()));
}
