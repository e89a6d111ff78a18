//! Bounded, trimmed text newtypes (names, titles, prompts, labels).
//!
//! Every piece of free text a user types reaches the domain through one of these types, so
//! the rules (trimmed, length in characters, no control characters) hold everywhere.

use std::fmt;

/// Why a piece of text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// The text is empty (after trimming) but must not be.
    #[error("must not be empty")]
    Empty,
    /// The text is longer than allowed.
    #[error("must be at most {max} characters (got {actual})")]
    TooLong {
        /// The limit, in characters.
        max: usize,
        /// The length given, in characters.
        actual: usize,
    },
    /// The text holds a bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069),
    /// which can make a name or a title display as something else than what it is.
    #[error("must not contain bidirectional override characters (U+202A–U+202E, U+2066–U+2069)")]
    BidiOverride,
    /// The text holds a control character (or, for single-line text, a line break).
    #[error("must not contain control characters{}", if *.multiline { "" } else { " or line breaks" })]
    ControlCharacter {
        /// Whether line breaks and tabs were allowed.
        multiline: bool,
    },
}

fn check(raw: &str, max: usize, multiline: bool, allow_empty: bool) -> Result<String, TextError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() && !allow_empty {
        return Err(TextError::Empty);
    }
    let bad = |c: char| {
        if multiline { c.is_control() && c != '\n' && c != '\t' && c != '\r' } else { c.is_control() }
    };
    if trimmed.chars().any(bad) || trimmed.contains(['\u{2028}', '\u{2029}']) && !multiline {
        return Err(TextError::ControlCharacter { multiline });
    }
    if trimmed.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')) {
        return Err(TextError::BidiOverride);
    }
    let actual = trimmed.chars().count();
    if actual > max {
        return Err(TextError::TooLong { max, actual });
    }
    Ok(if multiline { trimmed.replace("\r\n", "\n") } else { trimmed.to_owned() })
}

macro_rules! text_type {
    ($(#[$meta:meta])* $name:ident, max = $max:expr, multiline = $ml:expr, allow_empty = $empty:expr) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The longest accepted value, in characters.
            pub const MAX_CHARS: usize = $max;

            /// Trims `raw` and checks it.
            ///
            /// # Errors
            /// [`TextError`] when it is empty (where that is not allowed), too long, or holds
            /// control characters.
            pub fn parse(raw: &str) -> Result<Self, TextError> {
                check(raw, $max, $ml, $empty).map(Self)
            }

            /// The text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

text_type!(
    /// A person's first or last name: 1 to 100 characters, one line.
    PersonName, max = 100, multiline = false, allow_empty = false
);
text_type!(
    /// A display name (organization, video interview): 1 to 200 characters, one line.
    DisplayName, max = 200, multiline = false, allow_empty = false
);
text_type!(
    /// A job title or company name: 1 to 200 characters, one line.
    JobText, max = 200, multiline = false, allow_empty = false
);
text_type!(
    /// A short free label (difficulty, focus area): 1 to 60 characters, one line.
    Label, max = 60, multiline = false, allow_empty = false
);
text_type!(
    /// A question's prompt: 1 to 2,000 characters, line breaks allowed.
    Prompt, max = 2_000, multiline = true, allow_empty = false
);
text_type!(
    /// A recruiter's comment on a candidate's answers: 1 to 5,000 characters, line breaks
    /// allowed.
    CommentText, max = 5_000, multiline = true, allow_empty = false
);
text_type!(
    /// Longer free text (an interview's introduction, notes on a candidate): up to 10,000
    /// characters, possibly empty, line breaks allowed.
    LongText, max = 10_000, multiline = true, allow_empty = true
);

/// A phone number as typed: digits with the usual separators (`+`, spaces, `-`, `.`, `(`,
/// `)`), 3 to 32 characters, at least 3 digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

/// Why a phone number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a phone number holds digits and + - . ( ) or spaces, 3 to 32 characters")]
pub struct PhoneNumberError;

impl PhoneNumber {
    /// Trims and checks a phone number.
    ///
    /// # Errors
    /// [`PhoneNumberError`] when it holds other characters, fewer than 3 digits, or more than
    /// 32 characters.
    pub fn parse(raw: &str) -> Result<Self, PhoneNumberError> {
        let trimmed = raw.trim();
        let allowed = |c: char| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '(' | ')');
        let digits = trimmed.chars().filter(char::is_ascii_digit).count();
        if trimmed.len() > 32 || digits < 3 || !trimmed.chars().all(allowed) {
            return Err(PhoneNumberError);
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The number as typed (trimmed).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Default for LongText {
    /// Empty text.
    fn default() -> Self {
        Self(String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("  Ada ").map(|n| n.to_string()), Ok("Ada".into()));
        assert_eq!(PersonName::parse("   "), Err(TextError::Empty));
        assert_eq!(PersonName::parse(&"é".repeat(101)), Err(TextError::TooLong { max: 100, actual: 101 }));
        assert!(PersonName::parse(&"é".repeat(100)).is_ok(), "limit counts characters, not bytes");
    }

    #[test]
    fn single_line_text_refuses_line_breaks_and_controls() {
        for bad in ["Ada\nBcc: x@y.z", "Ada\rBcc: x", "A\u{0}da", "A\u{1b}[31mda", "A\u{2028}da"] {
            assert_eq!(PersonName::parse(bad), Err(TextError::ControlCharacter { multiline: false }), "{bad:?}");
        }
    }

    #[test]
    fn bidirectional_overrides_are_refused_in_every_text() {
        // "Ada" followed by a right-to-left override that would show "gpj.exe" as "exe.jpg".
        for bad in ["Ada\u{202E}gpj.exe", "A\u{202A}da", "A\u{2066}da\u{2069}", "x\u{202D}"] {
            assert_eq!(PersonName::parse(bad), Err(TextError::BidiOverride), "{bad:?}");
            assert_eq!(Prompt::parse(bad), Err(TextError::BidiOverride), "{bad:?}");
        }
        assert!(
            PersonName::parse("Ελένη").is_ok() && PersonName::parse("שָׁלוֹם").is_ok(),
            "right-to-left text itself is fine"
        );
    }

    #[test]
    fn multiline_text_keeps_line_breaks_but_not_other_controls() {
        assert_eq!(Prompt::parse("Tell us\r\nabout you").map(|p| p.to_string()), Ok("Tell us\nabout you".into()));
        assert!(Prompt::parse("bell\u{7}").is_err());
        assert_eq!(LongText::parse("").map(|t| t.to_string()), Ok(String::new()));
    }

    #[test]
    fn phone_numbers() {
        assert!(PhoneNumber::parse("+30 (210) 123-4567").is_ok());
        assert!(PhoneNumber::parse("12").is_err());
        assert!(PhoneNumber::parse("call me").is_err());
        assert!(PhoneNumber::parse(&"1".repeat(33)).is_err());
    }
}
