//! [`EmailAddress`]: a validated, normalised mailbox address.

use std::fmt;

/// Why an email address was refused. The message is fit to show to the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing was given.
    #[error("an email address is required")]
    Empty,
    /// Longer than the 254 characters SMTP allows.
    #[error("an email address is at most 254 characters")]
    TooLong,
    /// Line breaks, control characters or spaces: refused so no header can ever be injected.
    #[error("an email address must not contain spaces, line breaks or control characters")]
    ForbiddenCharacter,
    /// Not of the form `name@example.com`.
    #[error("{0:?} is not a valid email address (expected something like name@example.com)")]
    Invalid(String),
}

/// A single mailbox address such as `ada@example.com`.
///
/// Guarantees:
/// - syntactically valid per RFC 5322 (`local@domain`), with a dotted domain name and no
///   display name, comment, domain literal or quoted local part;
/// - no white space, line break or control character anywhere, so it is safe to put in a
///   mail header;
/// - the domain part is in its IDNA ASCII form, lower-cased (domains are case-insensitive,
///   and an internationalised domain and its punycode spelling are one domain); the local
///   part is kept as typed, since RFC 5321 lets the receiving server treat it
///   case-sensitively.
///
/// ```
/// use slate_domain::EmailAddress;
/// let email = EmailAddress::parse("  Ada.Lovelace@Example.COM ").unwrap();
/// assert_eq!(email.as_str(), "Ada.Lovelace@example.com");
/// assert!(EmailAddress::parse("ada@example.com\r\nBcc: all@example.com").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The longest address accepted, in characters (RFC 5321's path limit less the brackets).
    pub const MAX_LEN: usize = 254;

    /// Trims, checks and normalises an address.
    ///
    /// # Errors
    /// [`EmailError`] saying what is wrong.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(EmailError::ForbiddenCharacter);
        }
        if trimmed.chars().count() > Self::MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let invalid = || EmailError::Invalid(trimmed.to_owned());
        // Quoted local parts and display names are legal but only ever seen in abuse.
        if trimmed.contains(['"', '<', '>', '(', ')', ',', ';', '[', ']', '\\']) {
            return Err(invalid());
        }
        let options =
            email_address::Options { minimum_sub_domains: 2, allow_domain_literal: false, allow_display_text: false };
        let parsed = email_address::EmailAddress::parse_with_options(trimmed, options).map_err(|_| invalid())?;
        let domain = parsed.domain();
        if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
            return Err(invalid());
        }
        // One normal form per mailbox: the domain in its IDNA ASCII form (lower-cased), so
        // `bücher.example` and `xn--bcher-kva.example` are the same address, as they are to
        // every mail server, and what is sent through SMTP needs no extension.
        let ascii = idna::domain_to_ascii(domain).map_err(|_| invalid())?;
        if ascii.is_empty() || ascii.starts_with('.') || ascii.ends_with('.') || ascii.contains("..") {
            return Err(invalid());
        }
        Ok(Self(format!("{}@{}", parsed.local_part(), ascii)))
    }

    /// The address, e.g. `ada@example.com`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The whole address lower-cased: the key under which two addresses count as the same
    /// mailbox (practically every mail provider ignores case in the local part too), used to
    /// find duplicate invitations. The address itself keeps its case for sending.
    #[must_use]
    pub fn match_key(&self) -> String {
        self.0.to_lowercase()
    }

    /// The part after the `@`, lower-cased.
    #[must_use]
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_the_domain_only() {
        for (raw, want) in [
            ("ada@example.com", "ada@example.com"),
            ("  Ada.Lovelace@Example.COM\t", "Ada.Lovelace@example.com"),
            ("first+tag@sub.example.co.uk", "first+tag@sub.example.co.uk"),
            ("o'brien@example.ie", "o'brien@example.ie"),
            ("δοκιμή@παράδειγμα.ελ", "δοκιμή@xn--hxajbheg2az3al.xn--qxam"),
        ] {
            assert_eq!(EmailAddress::parse(raw).map(|e| e.to_string()), Ok(want.to_owned()), "{raw}");
        }
        assert_eq!(EmailAddress::parse("a@Example.com").map(|e| e.domain().to_owned()), Ok("example.com".into()));
    }

    #[test]
    fn an_internationalised_domain_and_its_punycode_are_one_mailbox() {
        let unicode = EmailAddress::parse("ada@Bücher.example").unwrap_or_else(|e| panic!("{e}"));
        let ascii = EmailAddress::parse("ada@xn--bcher-kva.example").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(unicode, ascii);
        assert_eq!(unicode.as_str(), "ada@xn--bcher-kva.example");
    }

    #[test]
    fn refuses_header_injection_and_garbage() {
        let cases: &[(&str, EmailError)] = &[
            ("", EmailError::Empty),
            ("   ", EmailError::Empty),
            ("ada@example.com\r\nBcc: x@evil.com", EmailError::ForbiddenCharacter),
            ("ada@example.com\nBcc:x@evil.com", EmailError::ForbiddenCharacter),
            ("ada@exa\u{0}mple.com", EmailError::ForbiddenCharacter),
            ("ada lovelace@example.com", EmailError::ForbiddenCharacter),
        ];
        for (raw, want) in cases {
            assert_eq!(EmailAddress::parse(raw).as_ref(), Err(want), "{raw:?}");
        }
        for raw in [
            "ada",
            "ada@",
            "@example.com",
            "ada@localhost",
            "ada@@example.com",
            "Ada<ada@example.com>",
            "\"ada\"@example.com",
            "ada@[127.0.0.1]",
            "ada@example..com",
            "ada@example.com,bob@example.com",
            "ada@-example.com",
        ] {
            assert!(matches!(EmailAddress::parse(raw), Err(EmailError::Invalid(_))), "{raw:?} was accepted");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
    }
}
