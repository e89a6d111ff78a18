//! Candidates: people invited to interviews, internal (kept in the system) or external.

use chrono::{DateTime, Utc};

use crate::{CandidateId, EmailAddress, LongText, OrganizationId, PersonName, PhoneNumber};

/// Whether a candidate is kept in Slate's candidate base or only exists for a standalone
/// invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CandidateKind {
    /// Kept in the candidate base; found by type-ahead when inviting.
    Internal,
    /// Created on the fly by an invitation to someone not in the base.
    External,
}

impl CandidateKind {
    /// Parses [`Self::as_str`]'s names.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Internal, Self::External].into_iter().find(|k| k.as_str() == name)
    }

    /// `"internal"` or `"external"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Internal => "internal",
            Self::External => "external",
        }
    }
}

/// A person who can be invited to video interviews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Its id.
    pub id: CandidateId,
    /// The organization whose candidate this is.
    pub organization_id: OrganizationId,
    /// Internal or external.
    pub kind: CandidateKind,
    /// First name.
    pub first_name: PersonName,
    /// Last name.
    pub last_name: PersonName,
    /// The email from their resume; proposed when inviting them, which may override it.
    pub email: Option<EmailAddress>,
    /// Phone number.
    pub phone: Option<PhoneNumber>,
    /// Recruiters' notes.
    pub notes: LongText,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
}

impl Candidate {
    /// "First Last".
    #[must_use]
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// Whether `prefix` (already lower-cased and trimmed) starts the first or the last name,
    /// case-insensitively: the type-ahead rule.
    #[must_use]
    pub fn name_starts_with(&self, prefix: &NamePrefix) -> bool {
        let p = prefix.as_str();
        self.first_name.as_str().to_lowercase().starts_with(p) || self.last_name.as_str().to_lowercase().starts_with(p)
    }
}

/// What a recruiter typed in the type-ahead box: 1 to 100 characters, trimmed, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NamePrefix(String);

/// Why a type-ahead prefix was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("type at least one character (at most 100) of a first or last name")]
pub struct NamePrefixError;

impl NamePrefix {
    /// Trims and lower-cases `raw`.
    ///
    /// # Errors
    /// [`NamePrefixError`] when empty, longer than 100 characters, or holding control
    /// characters.
    pub fn parse(raw: &str) -> Result<Self, NamePrefixError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.chars().count() > 100 || trimmed.chars().any(char::is_control) {
            return Err(NamePrefixError);
        }
        Ok(Self(trimmed.to_lowercase()))
    }

    /// The lower-cased prefix.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
