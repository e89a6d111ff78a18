//! Accounts over the in-memory adapters: the first organization, logging in and out,
//! session expiry, API keys and their revocation, and tenancy of keys.
#![expect(clippy::unwrap_used, reason = "fixtures built from literals; a panic is a test failure")]

use chrono::{DateTime, TimeDelta, Utc};
use slate_domain::memory::InMemory;
use slate_domain::*;

fn now() -> DateTime<Utc> {
    "2026-11-22T09:00:00Z".parse().unwrap()
}

fn account(org: &str, email: &str) -> NewAccount {
    fixtures::account(org, "Rita", email)
}

fn pw(s: &str) -> Password {
    Password::new(s).unwrap()
}

#[tokio::test]
async fn an_account_logs_in_acts_and_logs_out() {
    let memory = InMemory::new(now());
    let slate = memory.slate();
    assert!(slate.is_empty().await.unwrap());
    let (org, rita) = slate.create_account(account("Acme", "rita@acme.example")).await.unwrap();
    assert!(!slate.is_empty().await.unwrap());

    // Email matching ignores the case of the domain, as everywhere.
    let logged = slate.log_in(&EmailAddress::parse("rita@ACME.example").unwrap(), &pw("correct horse battery")).await;
    let logged = logged.unwrap();
    assert_eq!(logged.recruiter.id, rita.id);
    assert_eq!(logged.organization.id, org.id);
    assert_eq!(logged.session.expires_at, now() + TimeDelta::hours(12));

    let who = slate.authenticate(&logged.secret).await.unwrap();
    assert_eq!(who.caller, Caller { organization_id: org.id, recruiter_id: rita.id });
    assert_eq!(who.credential, Credential::Session(logged.session.id));

    slate.log_out(logged.session.id).await.unwrap();
    assert!(matches!(slate.authenticate(&logged.secret).await, Err(AuthError::Invalid)));
}

#[tokio::test]
async fn wrong_passwords_unknown_emails_and_taken_emails_are_refused() {
    let memory = InMemory::new(now());
    let slate = memory.slate();
    slate.create_account(account("Acme", "rita@acme.example")).await.unwrap();
    let email = EmailAddress::parse("rita@acme.example").unwrap();
    assert!(matches!(slate.log_in(&email, &pw("wrong password")).await, Err(LoginError::InvalidCredentials)));
    let nobody = EmailAddress::parse("nobody@acme.example").unwrap();
    assert!(matches!(slate.log_in(&nobody, &pw("correct horse battery")).await, Err(LoginError::InvalidCredentials)));
    assert!(matches!(
        slate.create_account(account("Other", "RITA@acme.example")).await,
        Err(CreateAccountError::EmailTaken)
    ));
    // Emails match case-insensitively, as in SQL.
    let shouted = EmailAddress::parse("RITA@ACME.EXAMPLE").unwrap();
    assert!(slate.log_in(&shouted, &pw("correct horse battery")).await.is_ok());
    // A recruiter added without a password cannot log in at all …
    let org = slate.create_organization(account("Beta", "x@beta.example").organization).await.unwrap();
    let bob = slate
        .add_recruiter(
            org.id,
            NewRecruiter {
                name: PersonName::parse("Bob").unwrap(),
                email: EmailAddress::parse("bob@beta.example").unwrap(),
            },
        )
        .await
        .unwrap();
    let bob_email = EmailAddress::parse("bob@beta.example").unwrap();
    assert!(matches!(slate.log_in(&bob_email, &pw("anything at all")).await, Err(LoginError::InvalidCredentials)));
    // … until one is set.
    slate.set_password(org.id, bob.id, &pw("bob's new password")).await.unwrap();
    assert!(slate.log_in(&bob_email, &pw("bob's new password")).await.is_ok());
    // Another organization cannot set Bob's password.
    let acme = slate.log_in(&email, &pw("correct horse battery")).await.unwrap().organization;
    assert!(matches!(
        slate.set_password(acme.id, bob.id, &pw("hijacked password")).await,
        Err(SetPasswordError::NotFound)
    ));
}

#[tokio::test]
async fn sessions_expire_and_tampered_secrets_open_nothing() {
    let memory = InMemory::new(now());
    let slate = memory.slate();
    slate.create_account(account("Acme", "rita@acme.example")).await.unwrap();
    let email = EmailAddress::parse("rita@acme.example").unwrap();
    let logged = slate.log_in(&email, &pw("correct horse battery")).await.unwrap();

    // Same id, other random part.
    let (id, _) = logged.secret.decode(SecretKind::Session).unwrap();
    let forged = BearerSecret::encode(SecretKind::Session, id, &[0; 32]);
    assert!(matches!(slate.authenticate(&forged).await, Err(AuthError::Invalid)));
    assert!(matches!(slate.authenticate(&BearerSecret::presented("slate_s_garbage")).await, Err(AuthError::Invalid)));

    memory.clock.advance(TimeDelta::hours(12) - TimeDelta::seconds(1));
    assert!(slate.authenticate(&logged.secret).await.is_ok());
    memory.clock.advance(TimeDelta::seconds(1));
    assert!(matches!(slate.authenticate(&logged.secret).await, Err(AuthError::Invalid)));
}

#[tokio::test]
async fn api_keys_act_for_their_recruiter_until_revoked_and_only_their_organization_revokes_them() {
    let memory = InMemory::new(now());
    let slate = memory.slate();
    let (acme, rita) = slate.create_account(account("Acme", "rita@acme.example")).await.unwrap();
    let (beta, olga) = slate.create_account(account("Beta", "olga@beta.example")).await.unwrap();
    let rita_caller = Caller { organization_id: acme.id, recruiter_id: rita.id };
    let olga_caller = Caller { organization_id: beta.id, recruiter_id: olga.id };

    let (key, secret) = slate.create_api_key(rita_caller, Label::parse("ATS sync").unwrap()).await.unwrap();
    assert!(secret.expose().starts_with("slate_k_"));
    let who = slate.authenticate(&secret).await.unwrap();
    assert_eq!(who.caller, rita_caller);
    assert_eq!(who.credential, Credential::ApiKey(key.id));
    assert_eq!(slate.list_api_keys(rita_caller).await.unwrap(), vec![key.clone()]);
    assert!(slate.list_api_keys(olga_caller).await.unwrap().is_empty());

    assert!(matches!(slate.revoke_api_key(olga_caller, key.id).await, Err(NotFoundError::NotFound)));
    assert!(slate.authenticate(&secret).await.is_ok(), "another organization's attempt changed nothing");

    let revoked = slate.revoke_api_key(rita_caller, key.id).await.unwrap();
    assert_eq!(revoked.revoked_at, Some(now()));
    assert!(matches!(slate.authenticate(&secret).await, Err(AuthError::Invalid)));
    memory.clock.advance(TimeDelta::hours(1));
    let again = slate.revoke_api_key(rita_caller, key.id).await.unwrap();
    assert_eq!(again.revoked_at, Some(now()), "the first revocation date stays");
}
