//! Accounts: passwords, login sessions and API keys.
//!
//! A session token and an API key are both *bearer secrets*: `prefix` + base64url(16-byte
//! record id ‖ 32 random bytes). Only SHA-256 of the random part is stored, so a copy of the
//! database does not let anyone log in; the record id makes the lookup a primary-key read,
//! and the comparison of digests runs in constant time.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use uuid::Uuid;

use crate::{ApiKeyId, Label, OrganizationId, RecruiterId, SessionId};

/// A password as typed: 10 to 256 characters. Redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Shorter than [`Password::MIN_CHARS`].
    #[error("the password must have at least {min} characters")]
    TooShort {
        /// The minimum.
        min: usize,
    },
    /// Longer than [`Password::MAX_CHARS`].
    #[error("the password must have at most {max} characters")]
    TooLong {
        /// The maximum.
        max: usize,
    },
}

impl Password {
    /// The shortest accepted password, in characters.
    pub const MIN_CHARS: usize = 10;
    /// The longest accepted password, in characters (bounds the hashing work).
    pub const MAX_CHARS: usize = 256;

    /// Checks the length; nothing is trimmed (spaces are part of a passphrase).
    ///
    /// # Errors
    /// [`PasswordError`].
    pub fn new(raw: &str) -> Result<Self, PasswordError> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            Err(PasswordError::TooShort { min: Self::MIN_CHARS })
        } else if n > Self::MAX_CHARS {
            Err(PasswordError::TooLong { max: Self::MAX_CHARS })
        } else {
            Ok(Self(raw.to_owned()))
        }
    }

    /// The password itself, for the hasher.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A stored password hash (a PHC string such as `$argon2id$v=19$…`). Redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a hash made by a [`PasswordHasher`](crate::ports::PasswordHasher) or read back.
    #[must_use]
    pub const fn new(phc: String) -> Self {
        Self(phc)
    }

    /// The encoded hash.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

/// SHA-256 of the random part of a bearer secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SecretDigest([u8; 32]);

impl SecretDigest {
    /// Digests secret bytes.
    #[must_use]
    pub fn of(secret: &[u8]) -> Self {
        Self(Sha256::digest(secret).into())
    }

    /// Restores a stored digest.
    #[must_use]
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The digest bytes, for storage.
    #[must_use]
    pub const fn to_bytes(self) -> [u8; 32] {
        self.0
    }

    /// Constant-time comparison.
    #[must_use]
    pub fn matches(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl fmt::Debug for SecretDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretDigest(..)")
    }
}

/// What a bearer secret opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A login session (cookie).
    Session,
    /// An API key (`Authorization: Bearer …`).
    ApiKey,
}

impl SecretKind {
    const fn prefix(self) -> &'static str {
        match self {
            Self::Session => "slate_s_",
            Self::ApiKey => "slate_k_",
        }
    }
}

/// A bearer secret in plain text, as handed to its owner exactly once. Redacted in `Debug`
/// and `Display`; [`Self::expose`] gives the text.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerSecret(String);

impl BearerSecret {
    /// Encodes a secret for record `id` with random bytes `random`.
    #[must_use]
    pub fn encode(kind: SecretKind, id: Uuid, random: &[u8; 32]) -> Self {
        let mut raw = Vec::with_capacity(48);
        raw.extend_from_slice(id.as_bytes());
        raw.extend_from_slice(random);
        Self(format!("{}{}", kind.prefix(), URL_SAFE_NO_PAD.encode(raw)))
    }

    /// Wraps a secret presented by a client.
    #[must_use]
    pub fn presented(raw: &str) -> Self {
        Self(raw.trim().to_owned())
    }

    /// The record id and the digest of the random part, when the text is well formed for
    /// `kind`.
    #[must_use]
    pub fn decode(&self, kind: SecretKind) -> Option<(Uuid, SecretDigest)> {
        let body = self.0.strip_prefix(kind.prefix())?;
        let raw = URL_SAFE_NO_PAD.decode(body).ok()?;
        if raw.len() != 48 {
            return None;
        }
        let (id, random) = raw.split_at(16);
        Some((Uuid::from_slice(id).ok()?, SecretDigest::of(random)))
    }

    /// The kind of secret this looks like, from its prefix.
    #[must_use]
    pub fn kind(&self) -> Option<SecretKind> {
        [SecretKind::Session, SecretKind::ApiKey].into_iter().find(|k| self.0.starts_with(k.prefix()))
    }

    /// The secret text.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The anti-CSRF token bound to this session secret: base64url(SHA-256("slate-csrf\0" ‖
    /// secret)). A page from another site can make the browser send the session cookie but
    /// cannot read it, so it cannot compute this value.
    #[must_use]
    pub fn csrf_token(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"slate-csrf\0");
        h.update(self.0.as_bytes());
        URL_SAFE_NO_PAD.encode(h.finalize())
    }

    /// Whether `presented` is [`Self::csrf_token`], in constant time.
    #[must_use]
    pub fn csrf_matches(&self, presented: &str) -> bool {
        let expected = self.csrf_token();
        expected.len() == presented.len() && bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
    }
}

impl fmt::Debug for BearerSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerSecret(<redacted>)")
    }
}

/// A login session of a recruiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Its id (also inside the cookie).
    pub id: SessionId,
    /// The recruiter's organization.
    pub organization_id: OrganizationId,
    /// Who logged in.
    pub recruiter_id: RecruiterId,
    /// SHA-256 of the random part of the cookie.
    pub digest: SecretDigest,
    /// When it started.
    pub created_at: DateTime<Utc>,
    /// When it stops working, whatever happens.
    pub expires_at: DateTime<Utc>,
}

/// An API key: lets an integration act for a recruiter of an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Its id (also inside the key).
    pub id: ApiKeyId,
    /// The organization it opens.
    pub organization_id: OrganizationId,
    /// The recruiter it acts for (who created it).
    pub recruiter_id: RecruiterId,
    /// What it is for ("ATS sync").
    pub name: Label,
    /// SHA-256 of the random part of the key.
    pub digest: SecretDigest,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was revoked; a revoked key opens nothing.
    pub revoked_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_round_trip_and_reject_tampering() {
        let id = Uuid::from_u128(7);
        let secret = BearerSecret::encode(SecretKind::ApiKey, id, &[9; 32]);
        assert!(secret.expose().starts_with("slate_k_"));
        assert_eq!(secret.kind(), Some(SecretKind::ApiKey));
        let (got, digest) = secret.decode(SecretKind::ApiKey).unwrap();
        assert_eq!(got, id);
        assert!(digest.matches(&SecretDigest::of(&[9; 32])));
        assert!(!digest.matches(&SecretDigest::of(&[8; 32])));
        // A key is not a session, and mangled text decodes to nothing.
        assert_eq!(secret.decode(SecretKind::Session), None);
        assert_eq!(BearerSecret::presented("slate_k_abc").decode(SecretKind::ApiKey), None);
        assert_eq!(BearerSecret::presented("nonsense").kind(), None);
        assert_eq!(format!("{secret:?}"), "BearerSecret(<redacted>)");
    }

    #[test]
    fn csrf_tokens_are_bound_to_their_session() {
        let a = BearerSecret::encode(SecretKind::Session, Uuid::from_u128(1), &[1; 32]);
        let b = BearerSecret::encode(SecretKind::Session, Uuid::from_u128(1), &[2; 32]);
        assert!(a.csrf_matches(&a.csrf_token()));
        assert!(!a.csrf_matches(&b.csrf_token()));
        assert!(!a.csrf_matches(""));
    }

    #[test]
    fn passwords_are_bounded_and_redacted() {
        assert_eq!(Password::new("short"), Err(PasswordError::TooShort { min: 10 }));
        assert_eq!(Password::new(&"x".repeat(257)), Err(PasswordError::TooLong { max: 256 }));
        let p = Password::new("correct horse battery").unwrap();
        assert_eq!(p.expose(), "correct horse battery");
        assert_eq!(format!("{p:?}"), "Password(<redacted>)");
    }
}
