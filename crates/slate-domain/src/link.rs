//! The candidate's secret link: [`LinkToken`], and [`HmacLinkTokens`], the default scheme
//! behind the [`LinkTokens`](crate::ports::LinkTokens) port.
//!
//! See `docs/decisions/0002-secret-link-scheme.md` for why the scheme is what it is.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::ports::LinkTokens;
use crate::{AttendeeId, InvitationId};

/// The generation of an invitation's link. Cancelling bumps it, which revokes every link
/// issued under the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LinkVersion(u32);

impl LinkVersion {
    /// The first version.
    pub const FIRST: Self = Self(0);

    /// Wraps a stored value.
    #[must_use]
    pub const fn new(v: u32) -> Self {
        Self(v)
    }

    /// The stored value.
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The next version.
    #[must_use]
    pub const fn next(self) -> Self {
        Self(self.0.saturating_add(1))
    }
}

/// The secret part of a candidate's link, as issued or as presented by a browser.
///
/// `Debug` and `Display` never show it; [`LinkToken::expose`] does, for the one place that
/// must (building the URL in an email or for a recruiter to copy).
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken(String);

impl LinkToken {
    /// The longest token accepted from outside; anything longer is not ours.
    pub const MAX_LEN: usize = 256;

    /// Wraps a token presented by a browser. Nothing is checked here; a
    /// [`LinkTokens`] implementation decides whether it is valid.
    #[must_use]
    pub fn presented(raw: &str) -> Self {
        Self(raw.chars().take(Self::MAX_LEN).collect())
    }

    /// The secret itself. Never log it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkToken(<redacted>)")
    }
}

impl fmt::Display for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted link token>")
    }
}

/// The server secret links are signed with: at least 32 bytes from a good random source.
#[derive(Clone)]
pub struct LinkSecret(Vec<u8>);

/// Why a link secret was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the link secret must be at least {min} bytes (got {0})", min = LinkSecret::MIN_LEN)]
pub struct LinkSecretError(usize);

impl LinkSecret {
    /// The shortest secret accepted, in bytes (256 bits).
    pub const MIN_LEN: usize = 32;

    /// Wraps secret bytes.
    ///
    /// # Errors
    /// [`LinkSecretError`] when shorter than [`Self::MIN_LEN`].
    pub fn new(bytes: Vec<u8>) -> Result<Self, LinkSecretError> {
        if bytes.len() < Self::MIN_LEN {
            return Err(LinkSecretError(bytes.len()));
        }
        Ok(Self(bytes))
    }
}

impl fmt::Debug for LinkSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkSecret(<redacted>)")
    }
}

/// The default link scheme: the token is `base64url(id ‖ HMAC-SHA256(secret, domain ‖ id ‖ version))`,
/// 64 characters carrying 256 bits of MAC.
///
/// - Nothing secret is stored: the database holds the id and the version, which without the
///   server secret suffice neither to use nor to rebuild a link.
/// - Resending re-derives the very same link; cancelling bumps the version, which revokes it.
/// - Verification recomputes the MAC and compares in constant time.
///
/// ```
/// use slate_domain::{HmacLinkTokens, InvitationId, LinkSecret, LinkVersion, ports::LinkTokens};
/// let tokens = HmacLinkTokens::new(LinkSecret::new(vec![7; 32]).unwrap());
/// let id = InvitationId::from_uuid(uuid::Uuid::from_u128(42));
/// let link = tokens.issue(id, LinkVersion::FIRST);
/// assert_eq!(tokens.claimed_invitation(&link), Some(id));
/// assert!(tokens.verify(&link, id, LinkVersion::FIRST));
/// assert!(!tokens.verify(&link, id, LinkVersion::FIRST.next()), "revoked");
/// assert_eq!(format!("{link:?}"), "LinkToken(<redacted>)");
/// ```
#[derive(Debug, Clone)]
pub struct HmacLinkTokens {
    secret: LinkSecret,
}

/// What a MAC is about: an invitation's link and an attendee's link never share a MAC, even
/// for the same UUID.
const DOMAIN: &[u8] = b"slate/invitation-link/v1";
const ATTENDEE_DOMAIN: &[u8] = b"slate/attendee-link/v1";
const ID_LEN: usize = 16;
const MAC_LEN: usize = 32;

impl HmacLinkTokens {
    /// A scheme signing with `secret`.
    #[must_use]
    pub const fn new(secret: LinkSecret) -> Self {
        Self { secret }
    }

    fn mac(&self, domain: &[u8], id: Uuid, version: LinkVersion) -> Hmac<Sha256> {
        // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
        let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret.0) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC accepts keys of every length"),
        };
        mac.update(domain);
        mac.update(id.as_bytes());
        mac.update(&version.get().to_be_bytes());
        mac
    }

    fn issue_for(&self, domain: &[u8], id: Uuid, version: LinkVersion) -> LinkToken {
        let tag = self.mac(domain, id, version).finalize().into_bytes();
        let mut raw = Vec::with_capacity(ID_LEN + MAC_LEN);
        raw.extend_from_slice(id.as_bytes());
        raw.extend_from_slice(&tag);
        LinkToken(URL_SAFE_NO_PAD.encode(raw))
    }

    fn claimed(token: &LinkToken) -> Option<Uuid> {
        let bytes = Self::decode(token)?;
        let id: [u8; ID_LEN] = bytes[..ID_LEN].try_into().ok()?;
        Some(Uuid::from_bytes(id))
    }

    fn verify_for(&self, domain: &[u8], token: &LinkToken, id: Uuid, version: LinkVersion) -> bool {
        let Some(bytes) = Self::decode(token) else { return false };
        if bytes[..ID_LEN] != *id.as_bytes() {
            return false;
        }
        // `verify_slice` compares in constant time.
        self.mac(domain, id, version).verify_slice(&bytes[ID_LEN..]).is_ok()
    }

    fn decode(token: &LinkToken) -> Option<[u8; ID_LEN + MAC_LEN]> {
        let raw = token.expose();
        if raw.len() != 64 {
            return None;
        }
        let mut out = [0_u8; ID_LEN + MAC_LEN];
        match URL_SAFE_NO_PAD.decode_slice(raw, &mut out) {
            Ok(n) if n == out.len() => Some(out),
            _ => None,
        }
    }
}

impl LinkTokens for HmacLinkTokens {
    fn issue(&self, invitation: InvitationId, version: LinkVersion) -> LinkToken {
        self.issue_for(DOMAIN, invitation.as_uuid(), version)
    }

    fn claimed_invitation(&self, token: &LinkToken) -> Option<InvitationId> {
        Self::claimed(token).map(InvitationId::from_uuid)
    }

    fn verify(&self, token: &LinkToken, invitation: InvitationId, version: LinkVersion) -> bool {
        self.verify_for(DOMAIN, token, invitation.as_uuid(), version)
    }

    fn issue_attendee(&self, attendee: AttendeeId, version: LinkVersion) -> LinkToken {
        self.issue_for(ATTENDEE_DOMAIN, attendee.as_uuid(), version)
    }

    fn claimed_attendee(&self, token: &LinkToken) -> Option<AttendeeId> {
        Self::claimed(token).map(AttendeeId::from_uuid)
    }

    fn verify_attendee(&self, token: &LinkToken, attendee: AttendeeId, version: LinkVersion) -> bool {
        self.verify_for(ATTENDEE_DOMAIN, token, attendee.as_uuid(), version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme(byte: u8) -> HmacLinkTokens {
        HmacLinkTokens::new(LinkSecret::new(vec![byte; 32]).unwrap_or_else(|e| panic!("{e}")))
    }

    fn id(n: u128) -> InvitationId {
        InvitationId::from_uuid(Uuid::from_u128(n))
    }

    #[test]
    fn a_link_is_stable_per_version_and_revoked_by_the_next() {
        let s = scheme(1);
        let v0 = LinkVersion::FIRST;
        let a = s.issue(id(1), v0);
        assert_eq!(a, s.issue(id(1), v0), "resend must reproduce the same link");
        assert_eq!(a.expose().len(), 64);
        assert!(a.expose().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "URL-safe");
        assert!(s.verify(&a, id(1), v0));
        assert!(!s.verify(&a, id(1), v0.next()));
        assert_ne!(a, s.issue(id(1), v0.next()));
        assert_ne!(a, s.issue(id(2), v0));
    }

    #[test]
    fn a_link_is_useless_without_the_secret() {
        let a = scheme(1).issue(id(1), LinkVersion::FIRST);
        assert!(!scheme(2).verify(&a, id(1), LinkVersion::FIRST));
    }

    #[test]
    fn tampered_or_foreign_tokens_fail() {
        let s = scheme(1);
        let a = s.issue(id(1), LinkVersion::FIRST);
        // the MAC does not transfer to another id
        assert!(!s.verify(&a, id(2), LinkVersion::FIRST));
        // flip one character of the MAC
        let mut chars: Vec<char> = a.expose().chars().collect();
        chars[40] = if chars[40] == 'A' { 'B' } else { 'A' };
        let tampered = LinkToken::presented(&chars.into_iter().collect::<String>());
        assert!(!s.verify(&tampered, id(1), LinkVersion::FIRST));
        for junk in ["", "abc", &"A".repeat(64), &"!".repeat(64), &"A".repeat(300)] {
            let t = LinkToken::presented(junk);
            assert!(!s.verify(&t, id(1), LinkVersion::FIRST), "{junk:?}");
        }
        assert_eq!(s.claimed_invitation(&LinkToken::presented("nope")), None);
    }

    #[test]
    fn attendee_links_have_the_same_guarantees_and_never_pass_for_invitation_links() {
        let s = scheme(1);
        let (v0, same) = (LinkVersion::FIRST, Uuid::from_u128(7));
        let attendee = AttendeeId::from_uuid(same);
        let a = s.issue_attendee(attendee, v0);
        assert_eq!(a, s.issue_attendee(attendee, v0), "a resend reproduces the link");
        assert!(s.verify_attendee(&a, attendee, v0));
        assert!(!s.verify_attendee(&a, attendee, v0.next()), "cancelling revokes it");
        assert!(!scheme(2).verify_attendee(&a, attendee, v0), "useless without the secret");
        assert_eq!(s.claimed_attendee(&a), Some(attendee));
        // The same UUID as an invitation: neither token works as the other.
        let i = s.issue(InvitationId::from_uuid(same), v0);
        assert_ne!(a, i);
        assert!(!s.verify(&a, InvitationId::from_uuid(same), v0));
        assert!(!s.verify_attendee(&i, attendee, v0));
        assert_eq!(s.claimed_attendee(&LinkToken::presented("nope")), None);
    }

    #[test]
    fn secrets_are_never_printed() {
        let s = scheme(9);
        let a = s.issue(id(1), LinkVersion::FIRST);
        assert!(!format!("{a:?} {a}").contains(a.expose()));
        assert!(!format!("{s:?}").contains('9'));
        assert!(LinkSecret::new(vec![0; 31]).is_err());
    }
}
