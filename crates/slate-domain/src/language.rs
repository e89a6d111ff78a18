//! Languages: the closed set of UI languages Slate's candidate pages speak, and free language
//! tags for the language an interview's questions are written in.

use std::fmt;
use std::str::FromStr;

use unic_langid::LanguageIdentifier;

/// A language Slate's candidate pages and emails are translated into.
///
/// Parsed from a BCP 47 tag; only the primary language subtag matters (`pt-BR` → Portuguese).
/// Adding a language is adding a variant here and a translation file in the web adapter.
///
/// ```
/// use slate_domain::Language;
/// assert_eq!("pt-BR".parse::<Language>(), Ok(Language::Portuguese));
/// assert_eq!(Language::Greek.code(), "el");
/// assert!("tlh".parse::<Language>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Language {
    /// English (`en`).
    English,
    /// German (`de`).
    German,
    /// French (`fr`).
    French,
    /// Spanish (`es`).
    Spanish,
    /// Italian (`it`).
    Italian,
    /// Dutch (`nl`).
    Dutch,
    /// Portuguese (`pt`).
    Portuguese,
    /// Greek (`el`).
    Greek,
    /// Polish (`pl`).
    Polish,
}

/// Why a language tag was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LanguageError {
    /// Not a well-formed BCP 47 language tag.
    #[error("{0:?} is not a valid language tag (expected something like \"en\" or \"pt-BR\")")]
    Malformed(String),
    /// A valid tag for a language Slate has no translation for.
    #[error("language {0:?} is not supported; supported: en, de, fr, es, it, nl, pt, el, pl")]
    Unsupported(String),
}

impl Language {
    /// Every supported language, in a stable order.
    pub const ALL: [Self; 9] = [
        Self::English,
        Self::German,
        Self::French,
        Self::Spanish,
        Self::Italian,
        Self::Dutch,
        Self::Portuguese,
        Self::Greek,
        Self::Polish,
    ];

    /// The ISO 639-1 code, e.g. `"de"`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::English => "en",
            Self::German => "de",
            Self::French => "fr",
            Self::Spanish => "es",
            Self::Italian => "it",
            Self::Dutch => "nl",
            Self::Portuguese => "pt",
            Self::Greek => "el",
            Self::Polish => "pl",
        }
    }

    /// The language's own name for itself, e.g. `"Deutsch"`, for language pickers.
    #[must_use]
    pub const fn native_name(self) -> &'static str {
        match self {
            Self::English => "English",
            Self::German => "Deutsch",
            Self::French => "Français",
            Self::Spanish => "Español",
            Self::Italian => "Italiano",
            Self::Dutch => "Nederlands",
            Self::Portuguese => "Português",
            Self::Greek => "Ελληνικά",
            Self::Polish => "Polski",
        }
    }
}

impl FromStr for Language {
    type Err = LanguageError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let tag = LanguageTag::parse(raw)?;
        let primary = tag.0.language.as_str();
        Self::ALL
            .into_iter()
            .find(|l| l.code() == primary)
            .ok_or_else(|| LanguageError::Unsupported(raw.trim().to_owned()))
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Any well-formed BCP 47 language tag, canonicalised (`EN-gb` → `en-GB`): the language an
/// interview's questions are written in, which need not be one Slate's pages are translated to.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LanguageTag(LanguageIdentifier);

impl LanguageTag {
    /// Parses and canonicalises a tag.
    ///
    /// # Errors
    /// [`LanguageError::Malformed`] when it is not a well-formed tag.
    pub fn parse(raw: &str) -> Result<Self, LanguageError> {
        let trimmed = raw.trim();
        let malformed = || LanguageError::Malformed(trimmed.to_owned());
        if trimmed.is_empty() || trimmed.contains('_') {
            return Err(malformed());
        }
        let id: LanguageIdentifier = trimmed.parse().map_err(|_| malformed())?;
        if id.language.is_empty() {
            return Err(malformed());
        }
        Ok(Self(id))
    }

    /// The slate UI language of the same primary language, if there is one.
    #[must_use]
    pub fn ui_language(&self) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == self.0.language.as_str())
    }
}

impl From<Language> for LanguageTag {
    fn from(language: Language) -> Self {
        let mut id = LanguageIdentifier::default();
        // The codes of `Language` are all valid primary subtags.
        if let Ok(lang) = language.code().parse() {
            id.language = lang;
        }
        Self(id)
    }
}

impl fmt::Debug for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LanguageTag({})", self.0)
    }
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bcp47_tags_by_primary_subtag() {
        for (raw, want) in [
            ("en", Language::English),
            ("EN-gb", Language::English),
            ("de-AT", Language::German),
            ("fr-CA", Language::French),
            ("es-419", Language::Spanish),
            ("it", Language::Italian),
            ("nl-BE", Language::Dutch),
            ("pt-BR", Language::Portuguese),
            ("el-GR", Language::Greek),
            (" pl ", Language::Polish),
        ] {
            assert_eq!(raw.parse::<Language>(), Ok(want), "{raw}");
        }
        assert_eq!("sv".parse::<Language>(), Err(LanguageError::Unsupported("sv".into())));
        assert_eq!("zh-Hant-TW".parse::<Language>(), Err(LanguageError::Unsupported("zh-Hant-TW".into())));
        assert_eq!("english".parse::<Language>(), Err(LanguageError::Unsupported("english".into())));
        for bad in ["", "e", "en_US", "12", "en--GB", "en-"] {
            assert!(matches!(bad.parse::<Language>(), Err(LanguageError::Malformed(_))), "{bad:?}");
        }
    }

    #[test]
    fn every_language_round_trips_through_its_code() {
        for language in Language::ALL {
            assert_eq!(language.code().parse::<Language>(), Ok(language));
            assert_eq!(LanguageTag::from(language).ui_language(), Some(language));
        }
    }

    #[test]
    fn language_tags_are_canonicalised() {
        assert_eq!(LanguageTag::parse("SV-se").map(|t| t.to_string()), Ok("sv-SE".into()));
        assert_eq!(LanguageTag::parse("sv").ok().and_then(|t| t.ui_language()), None);
    }
}
