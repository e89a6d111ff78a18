//! Recorded answers and the media they point to.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::{AnswerId, InvitationId, OrganizationId, QuestionId};

/// Where an answer's video lives in the [`VideoStore`](crate::ports::VideoStore): a relative
/// path of ASCII letters, digits, `-`, `_`, `.` and `/`, with no empty, `.` or `..` segment.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MediaKey(String);

/// Why a media key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a valid media key")]
pub struct MediaKeyError(String);

impl MediaKey {
    /// Checks a key.
    ///
    /// # Errors
    /// [`MediaKeyError`] for anything that could escape a storage root or is not plain ASCII.
    pub fn parse(raw: &str) -> Result<Self, MediaKeyError> {
        let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/');
        let ok = !raw.is_empty()
            && raw.len() <= 512
            && raw.chars().all(ok_char)
            && raw.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != "..");
        if ok { Ok(Self(raw.to_owned())) } else { Err(MediaKeyError(raw.to_owned())) }
    }

    /// The key for take `take` of `question` in `invitation`:
    /// `org/<org>/invitations/<invitation>/<question>/take-<n>`.
    #[must_use]
    pub fn for_answer(org: OrganizationId, invitation: InvitationId, question: QuestionId, take: u8) -> Self {
        Self(format!("org/{org}/invitations/{invitation}/{question}/take-{take}"))
    }

    /// The key.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for MediaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MediaKey({})", self.0)
    }
}

impl fmt::Display for MediaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The video formats browsers record (MediaRecorder): WebM on Chrome and Firefox, MP4 on Safari.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoFormat {
    /// `video/webm`.
    WebM,
    /// `video/mp4`.
    Mp4,
}

/// Why a content type was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an accepted video type (video/webm or video/mp4)")]
pub struct VideoFormatError(String);

impl VideoFormat {
    /// Parses a MIME type, ignoring parameters: `video/webm;codecs="vp9,opus"` → WebM.
    ///
    /// # Errors
    /// [`VideoFormatError`] for any other type.
    pub fn from_mime(raw: &str) -> Result<Self, VideoFormatError> {
        let essence = raw.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "video/webm" => Ok(Self::WebM),
            "video/mp4" => Ok(Self::Mp4),
            _ => Err(VideoFormatError(raw.chars().take(100).collect())),
        }
    }

    /// The format the first bytes of a file announce: the EBML magic `1A 45 DF A3` (WebM) or
    /// an ISO-BMFF `ftyp` box at byte 4 (MP4). Decides what a file is, whatever the client
    /// claimed. Needs [`Self::SNIFF_LEN`] bytes.
    #[must_use]
    pub fn sniff(head: &[u8]) -> Option<Self> {
        if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
            Some(Self::WebM)
        } else if head.get(4..8) == Some(b"ftyp") {
            Some(Self::Mp4)
        } else {
            None
        }
    }

    /// How many leading bytes [`Self::sniff`] looks at.
    pub const SNIFF_LEN: usize = 8;

    /// The MIME type, e.g. `video/webm`.
    #[must_use]
    pub const fn mime(self) -> &'static str {
        match self {
            Self::WebM => "video/webm",
            Self::Mp4 => "video/mp4",
        }
    }
}

/// One recorded take of one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Its id.
    pub id: AnswerId,
    /// The organization.
    pub organization_id: OrganizationId,
    /// The invitation.
    pub invitation_id: InvitationId,
    /// The question answered.
    pub question_id: QuestionId,
    /// 1 for the first take, 2 for the first retake …; the highest is the answer that counts.
    pub take: u8,
    /// Where the video is.
    pub media: MediaKey,
    /// Its length in milliseconds, as reported by the recorder.
    pub duration_ms: u32,
    /// Its size in bytes, as measured by the store.
    pub size_bytes: u64,
    /// Its format.
    pub format: VideoFormat,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_keys_cannot_escape() {
        assert!(MediaKey::parse("org/1/invitations/2/3/take-1").is_ok());
        for bad in ["", "/abs", "a//b", "a/../b", "..", "a/./b", "a\\b", "a b", "ä", "a/"] {
            assert!(MediaKey::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn video_formats() {
        assert_eq!(VideoFormat::from_mime("video/webm;codecs=\"vp9,opus\""), Ok(VideoFormat::WebM));
        assert_eq!(VideoFormat::from_mime("VIDEO/MP4"), Ok(VideoFormat::Mp4));
        assert!(VideoFormat::from_mime("application/x-msdownload").is_err());
        assert!(VideoFormat::from_mime("video/webmx").is_err());
    }

    #[test]
    fn formats_are_known_by_their_magic_bytes() {
        assert_eq!(VideoFormat::sniff(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81"), Some(VideoFormat::WebM));
        assert_eq!(VideoFormat::sniff(b"\0\0\0\x20ftypisom"), Some(VideoFormat::Mp4));
        assert_eq!(VideoFormat::sniff(b"MZ\x90\0\x03\0\0\0"), None, "an executable is not a video");
        assert_eq!(VideoFormat::sniff(b"\x1a\x45"), None, "too short to tell");
    }
}
