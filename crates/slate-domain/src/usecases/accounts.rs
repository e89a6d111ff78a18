//! Accounts: first organization, passwords, logging in and out, API keys, authentication.

use super::{Caller, NewOrganization, NewRecruiter, NotFoundError, Slate, unexpected};
use crate::ports::CommitError;
use crate::ports::{AdapterError, ChangeSet, Write};
use crate::{
    ApiKey, ApiKeyId, BearerSecret, EmailAddress, Label, Organization, OrganizationId, Password, PasswordHash,
    Recruiter, RecruiterId, SecretDigest, SecretKind, Session, SessionId,
};

/// An organization with its first recruiter and their password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// The organization.
    pub organization: NewOrganization,
    /// Its first recruiter.
    pub recruiter: NewRecruiter,
    /// Their password.
    pub password: Password,
}

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    /// Another account has this email.
    #[error("an account with this email already exists")]
    EmailTaken,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

/// A successful login: the session and the secret for its cookie (shown once).
#[derive(Debug, Clone)]
pub struct LoggedIn {
    /// The session.
    pub session: Session,
    /// The cookie value.
    pub secret: BearerSecret,
    /// Who logged in.
    pub recruiter: Recruiter,
    /// Their organization.
    pub organization: Organization,
}

/// Why a login failed. Unknown email and wrong password are the same error on purpose.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The email or the password is wrong.
    #[error("the email or the password is wrong")]
    InvalidCredentials,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

/// How a caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A login session (browser cookie).
    Session(SessionId),
    /// An API key.
    ApiKey(ApiKeyId),
}

/// An authenticated caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authenticated {
    /// Who, for the use cases.
    pub caller: Caller,
    /// With what.
    pub credential: Credential,
}

/// Why a presented secret opened nothing.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Malformed, unknown, wrong, expired or revoked: the caller learns no more than that.
    #[error("not logged in, or the session or API key is no longer valid")]
    Invalid,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

/// Why a recruiter could not be given a password.
#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    /// No such recruiter in the organization.
    #[error("no such recruiter")]
    NotFound,
    /// A storage failure.
    #[error(transparent)]
    Internal(#[from] AdapterError),
}

impl Slate {
    /// Creates an organization, its first recruiter and their password, all or nothing.
    ///
    /// # Errors
    /// [`CreateAccountError`].
    pub async fn create_account(&self, new: NewAccount) -> Result<(Organization, Recruiter), CreateAccountError> {
        if self.ports.recruiters.find_by_email(&new.recruiter.email).await?.is_some() {
            return Err(CreateAccountError::EmailTaken);
        }
        let hash = self.ports.passwords.hash(&new.password).await?;
        let org = Organization {
            id: OrganizationId::from_uuid(self.ports.ids.new_uuid()),
            name: new.organization.name,
            time_zone: new.organization.time_zone,
            default_language: new.organization.default_language,
            reminders: new.organization.reminders,
        };
        let recruiter = Recruiter {
            id: RecruiterId::from_uuid(self.ports.ids.new_uuid()),
            organization_id: org.id,
            name: new.recruiter.name,
            email: new.recruiter.email,
        };
        let mut changes = ChangeSet::new();
        changes
            .push(Write::InsertOrganization(org.clone()))
            .push(Write::InsertRecruiter(recruiter.clone()))
            .push(Write::SetPassword { recruiter_id: recruiter.id, hash });
        match self.commit(changes).await {
            Ok(()) => Ok((org, recruiter)),
            Err(CommitError::Duplicate(_)) => Err(CreateAccountError::EmailTaken),
            Err(CommitError::Internal(e)) => Err(e.into()),
            Err(CommitError::Conflict) => Err(AdapterError::new("unexpected conflict on insert").into()),
        }
    }

    /// Whether Slate has no organization yet (a fresh installation).
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn is_empty(&self) -> Result<bool, AdapterError> {
        Ok(!self.ports.accounts.any_organization().await?)
    }

    /// Sets the password of recruiter `id` of `org`.
    ///
    /// # Errors
    /// [`SetPasswordError`].
    pub async fn set_password(
        &self,
        org: OrganizationId,
        id: RecruiterId,
        password: &Password,
    ) -> Result<(), SetPasswordError> {
        if self.ports.recruiters.get(org, id).await?.is_none() {
            return Err(SetPasswordError::NotFound);
        }
        let hash = self.ports.passwords.hash(password).await?;
        let mut changes = ChangeSet::new();
        // A new password ends every session opened with the old one, atomically.
        changes
            .push(Write::SetPassword { recruiter_id: id, hash })
            .push(Write::DeleteSessionsOf { organization_id: org, recruiter_id: id });
        self.commit(changes).await.map_err(|e| match e {
            CommitError::Internal(e) => SetPasswordError::Internal(e),
            CommitError::Conflict | CommitError::Duplicate(_) => SetPasswordError::NotFound,
        })
    }

    /// Logs a recruiter in: checks the password and starts a session lasting
    /// [`Settings::session_ttl`](crate::Settings::session_ttl). (Expired sessions are
    /// removed by [`Self::sweep_expired_sessions`], not here.)
    ///
    /// # Errors
    /// [`LoginError::InvalidCredentials`] for an unknown email or a wrong password (the same
    /// work is done in both cases).
    pub async fn log_in(&self, email: &EmailAddress, password: &Password) -> Result<LoggedIn, LoginError> {
        let recruiter = self.ports.recruiters.find_by_email(email).await?;
        let hash: Option<PasswordHash> = match &recruiter {
            Some(r) => self.ports.accounts.password_hash(r.id).await?,
            None => None,
        };
        let valid = self.ports.passwords.verify(password, hash.clone()).await;
        let (Some(recruiter), true) = (recruiter, valid && hash.is_some()) else {
            return Err(LoginError::InvalidCredentials);
        };
        let organization =
            self.ports.organizations.get(recruiter.organization_id).await?.ok_or(LoginError::InvalidCredentials)?;
        let now = self.now();
        let id = self.ports.ids.new_uuid();
        let random = self.ports.ids.new_secret();
        let secret = BearerSecret::encode(SecretKind::Session, id, &random);
        let session = Session {
            id: SessionId::from_uuid(id),
            organization_id: organization.id,
            recruiter_id: recruiter.id,
            digest: SecretDigest::of(&random),
            created_at: now,
            expires_at: now + super::delay(self.settings.session_ttl),
        };
        let mut changes = ChangeSet::new();
        changes.push(Write::InsertSession(session.clone()));
        self.commit(changes).await.map_err(unexpected)?;
        Ok(LoggedIn { session, secret, recruiter, organization })
    }

    /// Ends every session of the caller ("log out everywhere"): a lost laptop, a shared
    /// computer.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn log_out_everywhere(&self, caller: super::Caller) -> Result<(), AdapterError> {
        let mut changes = ChangeSet::new();
        changes.push(Write::DeleteSessionsOf {
            organization_id: caller.organization_id,
            recruiter_id: caller.recruiter_id,
        });
        self.commit(changes).await.map_err(unexpected)
    }

    /// Removes expired sessions (the background loop calls it).
    ///
    /// # Errors
    /// A storage failure.
    pub async fn sweep_expired_sessions(&self) -> Result<(), AdapterError> {
        let mut changes = ChangeSet::new();
        changes.push(Write::DeleteExpiredSessions(self.now()));
        self.commit(changes).await.map_err(unexpected)
    }

    /// The recruiter with this email, in any organization: for operators' tools (the CLI's
    /// `--email`), which act for the installation rather than for a caller.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn recruiter_by_email(&self, email: &EmailAddress) -> Result<Option<crate::Recruiter>, AdapterError> {
        self.ports.recruiters.find_by_email(email).await
    }

    /// Ends a session. Ending an unknown session is not an error.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn log_out(&self, session: SessionId) -> Result<(), AdapterError> {
        let mut changes = ChangeSet::new();
        changes.push(Write::DeleteSession(session));
        self.commit(changes).await.map_err(unexpected)
    }

    /// Who presents `secret`: a live session or an unrevoked API key.
    ///
    /// # Errors
    /// [`AuthError::Invalid`] for anything else.
    pub async fn authenticate(&self, secret: &BearerSecret) -> Result<Authenticated, AuthError> {
        let kind = secret.kind().ok_or(AuthError::Invalid)?;
        let (id, digest) = secret.decode(kind).ok_or(AuthError::Invalid)?;
        match kind {
            SecretKind::Session => {
                let s = self.ports.accounts.session(SessionId::from_uuid(id)).await?.ok_or(AuthError::Invalid)?;
                if !s.digest.matches(&digest) || s.expires_at <= self.now() {
                    return Err(AuthError::Invalid);
                }
                Ok(Authenticated {
                    caller: Caller { organization_id: s.organization_id, recruiter_id: s.recruiter_id },
                    credential: Credential::Session(s.id),
                })
            }
            SecretKind::ApiKey => {
                let k = self.ports.accounts.api_key(ApiKeyId::from_uuid(id)).await?.ok_or(AuthError::Invalid)?;
                if !k.digest.matches(&digest) || k.revoked_at.is_some() {
                    return Err(AuthError::Invalid);
                }
                Ok(Authenticated {
                    caller: Caller { organization_id: k.organization_id, recruiter_id: k.recruiter_id },
                    credential: Credential::ApiKey(k.id),
                })
            }
        }
    }

    /// The caller's organization and recruiter record.
    ///
    /// # Errors
    /// [`NotFoundError`] when either no longer exists.
    pub async fn whoami(&self, caller: Caller) -> Result<(Organization, Recruiter), NotFoundError> {
        let org = self.ports.organizations.get(caller.organization_id).await?.ok_or(NotFoundError::NotFound)?;
        let recruiter = self
            .ports
            .recruiters
            .get(caller.organization_id, caller.recruiter_id)
            .await?
            .ok_or(NotFoundError::NotFound)?;
        Ok((org, recruiter))
    }

    /// Creates an API key acting for the caller. The returned secret is the only copy.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn create_api_key(&self, caller: Caller, name: Label) -> Result<(ApiKey, BearerSecret), AdapterError> {
        let id = self.ports.ids.new_uuid();
        let random = self.ports.ids.new_secret();
        let key = ApiKey {
            id: ApiKeyId::from_uuid(id),
            organization_id: caller.organization_id,
            recruiter_id: caller.recruiter_id,
            name,
            digest: SecretDigest::of(&random),
            created_at: self.now(),
            revoked_at: None,
        };
        let mut changes = ChangeSet::new();
        changes.push(Write::InsertApiKey(key.clone()));
        self.commit(changes).await.map_err(unexpected)?;
        Ok((key, BearerSecret::encode(SecretKind::ApiKey, id, &random)))
    }

    /// The organization's API keys, newest first.
    ///
    /// # Errors
    /// [`AdapterError`] on a storage failure.
    pub async fn list_api_keys(&self, caller: Caller) -> Result<Vec<ApiKey>, AdapterError> {
        self.ports.accounts.api_keys(caller.organization_id).await
    }

    /// Revokes an API key of the caller's organization; revoking twice keeps the first date.
    ///
    /// # Errors
    /// [`NotFoundError::NotFound`] for a key of another organization or none.
    pub async fn revoke_api_key(&self, caller: Caller, id: ApiKeyId) -> Result<ApiKey, NotFoundError> {
        let mut key = self
            .ports
            .accounts
            .api_key(id)
            .await?
            .filter(|k| k.organization_id == caller.organization_id)
            .ok_or(NotFoundError::NotFound)?;
        if key.revoked_at.is_some() {
            return Ok(key);
        }
        let at = self.now();
        let mut changes = ChangeSet::new();
        changes.push(Write::RevokeApiKey { organization_id: caller.organization_id, id, at });
        self.commit(changes).await.map_err(|e| match e {
            CommitError::Internal(e) => NotFoundError::Internal(e),
            CommitError::Conflict | CommitError::Duplicate(_) => NotFoundError::NotFound,
        })?;
        key.revoked_at = Some(at);
        Ok(key)
    }
}
