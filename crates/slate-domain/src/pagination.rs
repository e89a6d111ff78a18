//! Listing invitations: filters, text search, sorting and keyset pagination.
//!
//! A [`Cursor`] carries the sort key of the last row of a page and its id, so the next page
//! is "rows after (key, id)" in the chosen order: as fast on the millionth row as on the
//! first, and stable while rows are added.

use std::cmp::Ordering;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};

use crate::{InterviewId, Invitation, InvitationId, InvitationStatus, JobId};

/// What the invitation list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortField {
    /// When the invitation was created (the default, newest first).
    #[default]
    CreatedAt,
    /// The deadline date.
    Deadline,
    /// The candidate's last name, then first name, case-insensitively.
    CandidateName,
}

impl SortField {
    /// `"created_at"`, `"deadline"` or `"candidate_name"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CreatedAt => "created_at",
            Self::Deadline => "deadline",
            Self::CandidateName => "candidate_name",
        }
    }

    /// Parses [`Self::as_str`]'s names.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::CreatedAt, Self::Deadline, Self::CandidateName].into_iter().find(|f| f.as_str() == name)
    }
}

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortOrder {
    /// Smallest first.
    Asc,
    /// Largest first (the default).
    #[default]
    Desc,
}

/// A sort: a field and an order. Ties are broken by invitation id in the same order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Sort {
    /// The field.
    pub field: SortField,
    /// The order.
    pub order: SortOrder,
}

/// The value an invitation is sorted by, for a given [`SortField`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    /// For [`SortField::CreatedAt`].
    CreatedAt(DateTime<Utc>),
    /// For [`SortField::Deadline`].
    Deadline(NaiveDate),
    /// For [`SortField::CandidateName`]: `"last\u{1f}first"`, lower-cased.
    CandidateName(String),
}

impl Invitation {
    /// The candidate-name sort key: last name, a unit separator, first name, lower-cased.
    #[must_use]
    pub fn sort_name(&self) -> String {
        let p = self.parts();
        format!(
            "{}\u{1f}{}",
            p.candidate_last_name.as_str().to_lowercase(),
            p.candidate_first_name.as_str().to_lowercase()
        )
    }

    /// This invitation's key for `field`.
    #[must_use]
    pub fn sort_key(&self, field: SortField) -> SortKey {
        match field {
            SortField::CreatedAt => SortKey::CreatedAt(self.created_at()),
            SortField::Deadline => SortKey::Deadline(self.deadline().date()),
            SortField::CandidateName => SortKey::CandidateName(self.sort_name()),
        }
    }

    /// Whether this invitation passes the filters of `query` (not its cursor). The reference
    /// semantics every repository implements.
    #[must_use]
    pub fn matches(&self, query: &InvitationQuery) -> bool {
        let p = self.parts();
        (query.statuses.is_empty() || query.statuses.contains(&p.status))
            && query.interview_id.is_none_or(|i| i == p.interview.interview_id)
            && query.job_id.is_none_or(|j| Some(j) == p.interview.job_id)
            && query.deadline_from.is_none_or(|d| p.deadline.date() >= d)
            && query.deadline_to.is_none_or(|d| p.deadline.date() <= d)
            && query.search.as_ref().is_none_or(|s| self.search_text().contains(s.as_str()))
    }

    /// What a text search looks in, in the one form every store uses: the candidate's first
    /// name, last name and email, [folded](fold_for_search), separated by U+001F (a control
    /// character no [`SearchText`] can hold, so a match never spans two fields). Stores that
    /// index it keep exactly this.
    #[must_use]
    pub fn search_text(&self) -> String {
        let p = self.parts();
        fold_for_search(&format!("{}\u{1f}{}\u{1f}{}", p.candidate_first_name, p.candidate_last_name, p.email))
    }
}

/// How searched text and search text are compared: lower-cased, then accents and other
/// combining marks removed after canonical decomposition (`José` → `jose`, `Ελένη` → `ελενη`,
/// `Müller` → `muller`). Letters that are not a base letter plus a mark stay (`ł`, `ß`).
#[must_use]
pub fn fold_for_search(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    use unicode_normalization::char::is_combining_mark;
    text.to_lowercase().nfd().filter(|c| !is_combining_mark(*c)).collect()
}

/// Text searched for in the candidate's first name, last name and email, ignoring case and
/// accents.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchText(String);

/// Why search text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("search text is 1 to 100 characters, without control characters")]
pub struct SearchTextError;

impl SearchText {
    /// Trims and [folds](fold_for_search) `raw`.
    ///
    /// # Errors
    /// [`SearchTextError`] when empty, too long, holding control characters, or nothing but
    /// marks.
    pub fn parse(raw: &str) -> Result<Self, SearchTextError> {
        let t = raw.trim();
        if t.is_empty() || t.chars().count() > 100 || t.chars().any(char::is_control) {
            return Err(SearchTextError);
        }
        let folded = fold_for_search(t);
        if folded.is_empty() {
            return Err(SearchTextError);
        }
        Ok(Self(folded))
    }

    /// The folded text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many rows a page holds: 1 to 200, 50 by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageSize(u16);

/// Why a page size was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("page size must be 1 to {max} (got {0})", max = PageSize::MAX)]
pub struct PageSizeError(u64);

impl PageSize {
    /// The largest page.
    pub const MAX: u16 = 200;

    /// Checks a size.
    ///
    /// # Errors
    /// [`PageSizeError`] outside 1 to [`Self::MAX`].
    pub fn new(n: u64) -> Result<Self, PageSizeError> {
        match u16::try_from(n) {
            Ok(v) if (1..=Self::MAX).contains(&v) => Ok(Self(v)),
            _ => Err(PageSizeError(n)),
        }
    }

    /// The size.
    #[must_use]
    pub const fn get(self) -> usize {
        self.0 as usize
    }
}

impl Default for PageSize {
    fn default() -> Self {
        Self(50)
    }
}

/// Where a page starts: after the row with this sort key and id. Opaque to clients.
#[derive(Clone, PartialEq, Eq)]
pub struct Cursor {
    sort: Sort,
    key: SortKey,
    id: InvitationId,
}

/// Why a cursor was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    /// Not a cursor Slate issued.
    #[error("the page cursor is malformed")]
    Malformed,
    /// Issued for another sort: start again from the first page.
    #[error("the page cursor belongs to another sort order")]
    OtherSort,
}

impl Cursor {
    /// The cursor that continues after `last` in `sort`.
    #[must_use]
    pub fn after(last: &Invitation, sort: Sort) -> Self {
        Self { sort, key: last.sort_key(sort.field), id: last.id() }
    }

    /// The sort key of the last row seen.
    #[must_use]
    pub const fn key(&self) -> &SortKey {
        &self.key
    }

    /// The id of the last row seen.
    #[must_use]
    pub const fn id(&self) -> InvitationId {
        self.id
    }

    /// Whether an invitation comes after this cursor in its sort.
    #[must_use]
    pub fn precedes(&self, invitation: &Invitation) -> bool {
        let here = (invitation.sort_key(self.sort.field), invitation.id());
        let ordering = here.cmp(&(self.key.clone(), self.id));
        match self.sort.order {
            SortOrder::Asc => ordering == Ordering::Greater,
            SortOrder::Desc => ordering == Ordering::Less,
        }
    }

    /// The opaque string form, for URLs.
    #[must_use]
    pub fn encode(&self) -> String {
        let order = match self.sort.order {
            SortOrder::Asc => "a",
            SortOrder::Desc => "d",
        };
        let value = match &self.key {
            SortKey::CreatedAt(t) => t.timestamp_micros().to_string(),
            SortKey::Deadline(d) => d.to_string(),
            SortKey::CandidateName(n) => n.clone(),
        };
        URL_SAFE_NO_PAD.encode(format!("1\u{0}{}\u{0}{order}\u{0}{}\u{0}{value}", self.sort.field.as_str(), self.id))
    }

    /// Parses [`Self::encode`]'s form, checking it belongs to `sort`.
    ///
    /// # Errors
    /// [`CursorError::Malformed`], or [`CursorError::OtherSort`] when issued for another sort.
    pub fn decode(raw: &str, sort: Sort) -> Result<Self, CursorError> {
        let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| CursorError::Malformed)?;
        let text = String::from_utf8(bytes).map_err(|_| CursorError::Malformed)?;
        let mut parts = text.splitn(5, '\u{0}');
        let (Some("1"), Some(field), Some(order), Some(id), Some(value)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CursorError::Malformed);
        };
        let field = SortField::from_name(field).ok_or(CursorError::Malformed)?;
        let order = match order {
            "a" => SortOrder::Asc,
            "d" => SortOrder::Desc,
            _ => return Err(CursorError::Malformed),
        };
        if (Sort { field, order }) != sort {
            return Err(CursorError::OtherSort);
        }
        let id: InvitationId = id.parse().map_err(|_| CursorError::Malformed)?;
        let key = match field {
            SortField::CreatedAt => {
                let micros: i64 = value.parse().map_err(|_| CursorError::Malformed)?;
                SortKey::CreatedAt(DateTime::from_timestamp_micros(micros).ok_or(CursorError::Malformed)?)
            }
            SortField::Deadline => SortKey::Deadline(value.parse().map_err(|_| CursorError::Malformed)?),
            SortField::CandidateName => SortKey::CandidateName(value.to_owned()),
        };
        Ok(Self { sort, key, id })
    }
}

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cursor").field("sort", &self.sort).field("key", &self.key).field("id", &self.id).finish()
    }
}

/// A query over one organization's invitations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvitationQuery {
    /// Only these statuses (all when empty).
    pub statuses: Vec<InvitationStatus>,
    /// Only this interview.
    pub interview_id: Option<InterviewId>,
    /// Only interviews for this job.
    pub job_id: Option<JobId>,
    /// Deadline on or after this date.
    pub deadline_from: Option<NaiveDate>,
    /// Deadline on or before this date.
    pub deadline_to: Option<NaiveDate>,
    /// Text in the candidate's name or email.
    pub search: Option<SearchText>,
    /// The order.
    pub sort: Sort,
    /// Continue after this cursor (from [`Page::next`]).
    pub after: Option<Cursor>,
    /// The page size.
    pub limit: PageSize,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The rows, in order.
    pub items: Vec<T>,
    /// The cursor for the next page, when there may be one.
    pub next: Option<Cursor>,
}

#[cfg(test)]
mod tests {
    use super::{SearchText, fold_for_search};

    #[test]
    fn search_folds_case_and_accents_and_keeps_other_letters() {
        for (raw, folded) in [
            ("José", "jose"),
            ("MÜLLER", "muller"),
            ("Ελένη", "ελενη"),
            ("François", "francois"),
            ("Łukasz", "łukasz"),
            ("Straße", "straße"),
            ("ana.o@example.com", "ana.o@example.com"),
        ] {
            assert_eq!(fold_for_search(raw), folded, "{raw}");
        }
        assert_eq!(SearchText::parse("  Zoë ").map(|s| s.as_str().to_owned()), Ok("zoe".to_owned()));
        assert!(SearchText::parse("\u{301}").is_err(), "nothing but a mark is no search");
    }
}
