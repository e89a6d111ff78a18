//! # slate-i18n
//!
//! Slate's words in every supported language, shared by the adapters that speak to people
//! (the mail adapter today, the candidate's pages next): Fluent messages
//! (`locales/<language>/slate.ftl`, compiled into the binary), the default email templates
//! (`templates/<language>.toml`), and dates and times written the way each language writes
//! them. It sits beside the hexagon's adapters and depends only on the domain's types.
//!
//! Adding a language is adding its `.ftl` file and its templates file (and its variant in
//! `slate_domain::Language`); the tests fail until every language has every key and every
//! template.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use rustc_hash::FxHashMap;

use chrono::{DateTime, NaiveDate, Utc};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use slate_domain::{Language, TemplateKind, TimeZone};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Plain text for email: no Unicode isolation marks around arguments.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The language identifiers Fluent knows the supported languages by, parsed once.
static LANGIDS: LazyLock<[LanguageIdentifier; Language::ALL.len()]> =
    LazyLock::new(|| Language::ALL.map(|l| l.code().parse().unwrap_or_default()));

/// Every message of every language formatted without arguments, once: the messages are
/// compiled into the binary, so a formatted one never changes, and a candidate's page shows
/// dozens of them on every request (formatting them was a third of the landing page's time).
/// Read without a lock.
static PLAIN: LazyLock<[FxHashMap<&'static str, Box<str>>; Language::ALL.len()]> = LazyLock::new(|| {
    std::array::from_fn(|i| static_keys(Language::ALL[i]).map(|k| (k, LOCALES.lookup(&LANGIDS[i], k).into())).collect())
});

/// Messages with arguments whose text is only words and `{ $variable }` placeables, split
/// once per language into those pieces; filling one in is then a concatenation, exactly what
/// Fluent writes for such a pattern (no isolation marks: see `LOCALES`). `None` marks a
/// message Fluent must format itself (any other placeable, a selector, a function).
static PATTERNS: LazyLock<[FxHashMap<&'static str, Option<Pattern>>; Language::ALL.len()]> = LazyLock::new(|| {
    std::array::from_fn(|i| static_keys(Language::ALL[i]).map(|k| (k, split(Language::ALL[i], i, k))).collect())
});

/// A message's pieces: words, and the names of the arguments between them.
type Pattern = std::sync::Arc<[Piece]>;

#[derive(Debug)]
enum Piece {
    Text(Box<str>),
    Argument(Box<str>),
}

/// Marks around an argument's name in the probe formatting (private-use code points that
/// no message contains).
const OPEN: char = '\u{10FFFD}';
const CLOSE: char = '\u{10FFFE}';

/// The message's source line in `language`'s `.ftl` files, if it is a single line.
fn source(language: Language, key: &str) -> Option<&'static str> {
    for file in files(language) {
        let mut lines = file.lines().peekable();
        while let Some(line) = lines.next() {
            if let Some((k, v)) = line.split_once(" =")
                && k.trim() == key
            {
                // A message continued on the next lines, or with attributes, is left to Fluent.
                let continued = lines.peek().is_some_and(|n| n.starts_with(' ') || n.starts_with('\t'));
                return (!continued).then_some(v);
            }
        }
    }
    None
}

/// The variables of `text` when every placeable in it is a `{ $variable }`, else `None`.
fn variables_only(text: &str) -> Option<Vec<&str>> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}')? + open;
        let name = rest[open + 1..close].trim().strip_prefix('$')?;
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return None;
        }
        names.push(name);
        rest = &rest[close + 1..];
    }
    (!rest.contains('}')).then_some(names)
}

/// Splits `key` in `language` into pieces by formatting it once with marked arguments.
fn split(language: Language, i: usize, key: &str) -> Option<Pattern> {
    let line = source(language, key)?;
    let names = variables_only(line)?;
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> =
        names.iter().map(|n| (Cow::Owned((*n).to_owned()), FluentValue::from(format!("{OPEN}{n}{CLOSE}")))).collect();
    let probe = LOCALES.lookup_single_language(&LANGIDS[i], key, Some(&args)).ok()?;
    let mut pieces = Vec::new();
    let mut rest = probe.as_str();
    while let Some(open) = rest.find(OPEN) {
        if open > 0 {
            pieces.push(Piece::Text(rest[..open].into()));
        }
        let after = &rest[open + OPEN.len_utf8()..];
        let close = after.find(CLOSE)?;
        pieces.push(Piece::Argument(after[..close].into()));
        rest = &after[close + CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.into()));
    }
    Some(pieces.into())
}

/// `key` in `language` filled in from its pieces, or `None` when Fluent must format it
/// (or an argument it names was not given).
fn filled(language: Language, key: &str, args: &[(&str, &str)]) -> Option<String> {
    let pattern = PATTERNS[slot(language)?].get(key)?.as_ref()?;
    let mut out = String::with_capacity(128);
    for piece in pattern.iter() {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Argument(name) => out.push_str(args.iter().find(|(k, _)| *k == &**name)?.1),
        }
    }
    Some(out)
}

/// The place of a supported language in [`Language::ALL`].
fn slot(language: Language) -> Option<usize> {
    Language::ALL.iter().position(|l| *l == language)
}

/// The language identifier Fluent knows a language by.
fn langid(language: Language) -> Cow<'static, LanguageIdentifier> {
    match slot(language) {
        Some(i) => Cow::Borrowed(&LANGIDS[i]),
        None => Cow::Owned(language.code().parse().unwrap_or_default()),
    }
}

/// The message `key` in `language`, with `args` filled in. A key missing in that language
/// falls back to English (the tests forbid that for shipped languages).
#[must_use]
pub fn message(language: Language, key: &str, args: &[(&str, &str)]) -> String {
    if args.is_empty() {
        return plain(language, key);
    }
    if let Some(text) = filled(language, key, args) {
        return text;
    }
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> =
        args.iter().map(|(k, v)| (Cow::Owned((*k).to_owned()), FluentValue::from(*v))).collect();
    LOCALES.lookup_with_args(&langid(language), key, &args)
}

/// A message without arguments, from [`PLAIN`] (a key no file has goes to Fluent, which
/// falls back to English).
fn plain(language: Language, key: &str) -> String {
    match slot(language).and_then(|i| PLAIN[i].get(key)) {
        Some(text) => text.to_string(),
        None => LOCALES.lookup(&langid(language), key),
    }
}

/// A date written out for `language`, e.g. "Monday, 30 November 2026" or "30 listopada 2026".
#[must_use]
pub fn long_date(language: Language, date: NaiveDate) -> String {
    if let Some(known) = LONG_DATES.get(&(language, date)) {
        return known.to_string();
    }
    let text = date.format_localized(&message(language, "date-long", &[]), locale(language)).to_string();
    LONG_DATES.insert((language, date), text.as_str().into());
    text
}

/// Dates as written, and instants as written in a zone: each is written the same way
/// forever, and pages and emails show the same few deadlines again and again (chrono's
/// localised formatting was 5% of a candidate's page).
static LONG_DATES: LazyLock<Written<(Language, NaiveDate)>> = LazyLock::new(|| Written::new(WRITTEN));
static DATE_TIMES: LazyLock<Written<(Language, DateTime<Utc>, TimeZone)>> = LazyLock::new(|| Written::new(WRITTEN));

/// Written texts by what they were written from.
type Written<K> = quick_cache::sync::Cache<K, Arc<str>>;

/// How many written dates (and date-times) are kept.
const WRITTEN: usize = 4096;

/// An instant as the date and time it is in `zone`, written for `language`.
#[must_use]
pub fn date_time_in(language: Language, instant: DateTime<Utc>, zone: TimeZone) -> String {
    if let Some(known) = DATE_TIMES.get(&(language, instant, zone)) {
        return known.to_string();
    }
    let local = zone.local(instant);
    let date = long_date(language, local.date());
    let time = local.format(&message(language, "time-short", &[])).to_string();
    let text = format!("{date} {time}");
    DATE_TIMES.insert((language, instant, zone), text.as_str().into());
    text
}

/// The chrono locale for a language.
const fn locale(language: Language) -> chrono::Locale {
    use chrono::Locale as L;
    match language {
        Language::English => L::en_GB,
        Language::German => L::de_DE,
        Language::French => L::fr_FR,
        Language::Spanish => L::es_ES,
        Language::Italian => L::it_IT,
        Language::Dutch => L::nl_NL,
        Language::Portuguese => L::pt_PT,
        Language::Greek => L::el_GR,
        Language::Polish => L::pl_PL,
        _ => L::en_GB,
    }
}

/// A default template: subject and body with placeholders.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct DefaultTemplate {
    /// The subject line.
    pub subject: String,
    /// The body; blank lines separate paragraphs.
    pub body: String,
}

const TEMPLATE_FILES: [(Language, &str); 9] = [
    (Language::English, include_str!("../templates/en.toml")),
    (Language::German, include_str!("../templates/de.toml")),
    (Language::French, include_str!("../templates/fr.toml")),
    (Language::Spanish, include_str!("../templates/es.toml")),
    (Language::Italian, include_str!("../templates/it.toml")),
    (Language::Dutch, include_str!("../templates/nl.toml")),
    (Language::Portuguese, include_str!("../templates/pt.toml")),
    (Language::Greek, include_str!("../templates/el.toml")),
    (Language::Polish, include_str!("../templates/pl.toml")),
];

static TEMPLATES: LazyLock<HashMap<(Language, &'static str), DefaultTemplate>> = LazyLock::new(|| {
    let mut out = HashMap::new();
    for (language, file) in TEMPLATE_FILES {
        // A broken file is caught by the tests; at run time it leaves that language's
        // templates to the English fallback.
        let parsed: HashMap<String, DefaultTemplate> = toml::from_str(file).unwrap_or_default();
        for kind in TemplateKind::ALL {
            if let Some(t) = parsed.get(kind.as_str()) {
                out.insert((language, kind.as_str()), t.clone());
            }
        }
    }
    out
});

/// The template Slate ships for `kind` in `language` (English when that language lacks it,
/// which the tests forbid).
#[must_use]
pub fn default_template(kind: TemplateKind, language: Language) -> Option<&'static DefaultTemplate> {
    TEMPLATES.get(&(language, kind.as_str())).or_else(|| TEMPLATES.get(&(Language::English, kind.as_str())))
}

/// Every message key of a language's `.ftl` files (emails and the candidate's pages), for
/// the completeness tests and the pages' script.
#[must_use]
pub fn keys(language: Language) -> Vec<String> {
    static_keys(language).map(str::to_owned).collect()
}

/// The message keys of a language's `.ftl` files, as written in them.
fn static_keys(language: Language) -> impl Iterator<Item = &'static str> {
    files(language)
        .into_iter()
        .flat_map(str::lines)
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim()))
}

/// The sources of a language's `.ftl` files, as compiled in.
fn files(language: Language) -> [&'static str; 2] {
    const FILES: [(Language, [&str; 2]); 9] = [
        (Language::English, [include_str!("../locales/en/slate.ftl"), include_str!("../locales/en/candidate.ftl")]),
        (Language::German, [include_str!("../locales/de/slate.ftl"), include_str!("../locales/de/candidate.ftl")]),
        (Language::French, [include_str!("../locales/fr/slate.ftl"), include_str!("../locales/fr/candidate.ftl")]),
        (Language::Spanish, [include_str!("../locales/es/slate.ftl"), include_str!("../locales/es/candidate.ftl")]),
        (Language::Italian, [include_str!("../locales/it/slate.ftl"), include_str!("../locales/it/candidate.ftl")]),
        (Language::Dutch, [include_str!("../locales/nl/slate.ftl"), include_str!("../locales/nl/candidate.ftl")]),
        (Language::Portuguese, [include_str!("../locales/pt/slate.ftl"), include_str!("../locales/pt/candidate.ftl")]),
        (Language::Greek, [include_str!("../locales/el/slate.ftl"), include_str!("../locales/el/candidate.ftl")]),
        (Language::Polish, [include_str!("../locales/pl/slate.ftl"), include_str!("../locales/pl/candidate.ftl")]),
    ];
    FILES.iter().find(|(l, _)| *l == language).map_or([""; 2], |(_, f)| *f)
}

#[cfg(test)]
mod tests {
    use slate_domain::{TemplateContent, TemplateKind};

    use super::*;

    /// Every argument any message takes.
    const ARGS: [&str; 16] = [
        "date", "closes", "zone", "minutes", "email", "company", "name", "when", "answered", "total", "n", "seconds",
        "elapsed", "max", "left", "title",
    ];

    #[test]
    fn every_language_has_every_key_and_no_other() {
        let english = keys(Language::English);
        assert!(english.len() >= 16, "{english:?}");
        for language in Language::ALL {
            assert_eq!(keys(language), english, "{language:?} has not the same keys as English");
            for key in &english {
                let args: HashMap<&str, FluentValue<'_>> = ARGS.into_iter().map(|a| (a, "x".into())).collect();
                let text = LOCALES.lookup_single_language(&langid(language), key, Some(&args));
                assert!(text.is_ok_and(|t| !t.trim().is_empty()), "{language:?} lacks {key}");
            }
        }
    }

    #[test]
    fn every_language_ships_every_template_and_each_passes_the_rules() {
        for language in Language::ALL {
            let file = TEMPLATE_FILES.iter().find(|(l, _)| *l == language).map(|(_, f)| *f).unwrap_or_default();
            let parsed: HashMap<String, DefaultTemplate> =
                toml::from_str(file).unwrap_or_else(|e| panic!("{language:?}: {e}"));
            assert_eq!(parsed.len(), TemplateKind::ALL.len(), "{language:?} has extra or missing templates");
            for kind in TemplateKind::ALL {
                let t = parsed.get(kind.as_str()).unwrap_or_else(|| panic!("{language:?} lacks {kind}"));
                if let Err((field, e)) = TemplateContent::parse(kind, &t.subject, &t.body) {
                    panic!("{language:?} {kind} {}: {e}", field.as_str());
                }
                if language != Language::English {
                    let en = default_template(kind, Language::English).map(|t| t.body.clone()).unwrap_or_default();
                    assert_ne!(t.body, en, "{language:?} {kind} is not translated");
                }
            }
        }
    }

    #[test]
    fn dates_are_written_for_each_language() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
        let cases = [
            (Language::English, "Monday, 30 November 2026"),
            (Language::German, "Montag, 30. November 2026"),
            (Language::French, "lundi 30 novembre 2026"),
            (Language::Spanish, "lunes, 30 de noviembre de 2026"),
            (Language::Italian, "lunedì 30 novembre 2026"),
            (Language::Dutch, "maandag 30 november 2026"),
            (Language::Portuguese, "segunda, 30 de novembro de 2026"),
            (Language::Greek, "30 Νοεμβρίου 2026"),
            (Language::Polish, "30 listopada 2026"),
        ];
        for (language, expected) in cases {
            assert_eq!(long_date(language, date), expected, "{language:?}");
        }
        let athens = TimeZone::parse("Europe/Athens").unwrap_or(TimeZone::UTC);
        let closes =
            DateTime::parse_from_rfc3339("2026-11-30T22:00:00Z").map(|d| d.with_timezone(&Utc)).unwrap_or_default();
        assert_eq!(date_time_in(Language::German, closes, athens), "Dienstag, 1. Dezember 2026 00:00");
        // Read again, from the cache, and for other languages and zones at the same keys.
        assert_eq!(date_time_in(Language::German, closes, athens), "Dienstag, 1. Dezember 2026 00:00");
        assert_eq!(date_time_in(Language::German, closes, TimeZone::UTC), "Montag, 30. November 2026 22:00");
        for (language, expected) in cases {
            assert_eq!(long_date(language, date), expected, "{language:?}, again");
        }
    }

    #[test]
    fn messages_without_arguments_read_the_same_from_the_cache_in_each_language() {
        for language in Language::ALL {
            for key in keys(Language::English) {
                let fluent = LOCALES.lookup(&language.code().parse().unwrap_or_default(), &key);
                assert_eq!(message(language, &key, &[]), fluent, "{language:?} {key}, first read");
                assert_eq!(message(language, &key, &[]), fluent, "{language:?} {key}, from the cache");
            }
        }
        assert_ne!(message(Language::German, "date-long", &[]), message(Language::Greek, "date-long", &[]));
    }

    #[test]
    fn messages_with_arguments_read_the_same_from_their_pieces_in_each_language() {
        let mut split = 0;
        for language in Language::ALL {
            for key in keys(Language::English) {
                let names: Vec<&str> = source(language, &key).and_then(variables_only).unwrap_or_default();
                if names.is_empty() {
                    continue;
                }
                // Values with braces, dollars and markup, each different.
                for sample in ["Ada", "{ $x } $name <b>&amp;", ""] {
                    let values: Vec<String> = names.iter().map(|n| format!("{sample}{n}")).collect();
                    let args: Vec<(&str, &str)> = names.iter().zip(&values).map(|(n, v)| (*n, v.as_str())).collect();
                    let fluent_args: HashMap<Cow<'static, str>, FluentValue<'_>> =
                        args.iter().map(|(k, v)| (Cow::Owned((*k).to_owned()), FluentValue::from(*v))).collect();
                    let fluent = LOCALES.lookup_with_args(&langid(language), &key, &fluent_args);
                    assert_eq!(message(language, &key, &args), fluent, "{language:?} {key} with {sample:?}");
                }
                split +=
                    usize::from(filled(language, &key, &names.iter().map(|n| (*n, "v")).collect::<Vec<_>>()).is_some());
            }
        }
        assert!(split >= 9 * 15, "most argument messages take the fast path: {split}");
        // A missing argument is left to Fluent, which writes the placeable's name.
        assert_eq!(filled(Language::English, "page-greeting", &[]), None);
        assert!(variables_only("a { -term } b").is_none());
        assert!(variables_only("{ NUMBER($n) }").is_none());
        assert_eq!(variables_only("{ $a } and {$b}"), Some(vec!["a", "b"]));
    }

    #[test]
    fn arguments_carry_no_isolation_marks() {
        let text = message(Language::English, "email-bcc-note", &[("email", "ada@example.com")]);
        assert_eq!(text, "This is your copy of the invitation sent to ada@example.com.");
    }
}
