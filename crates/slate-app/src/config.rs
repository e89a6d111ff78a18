//! Layered configuration: the embedded defaults (`config/default.toml`), the same file from
//! the working directory when present, an optional file (`--config` / `SLATE_CONFIG`), then
//! `SLATE__SECTION__KEY` environment variables. Errors name the setting at fault.

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;

const DEFAULTS: &str = include_str!("../../../config/default.toml");

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    pub(crate) server: Server,
    pub(crate) database: Database,
    pub(crate) security: Security,
    pub(crate) storage: Storage,
    pub(crate) mail: Mail,
    pub(crate) seed: Seed,
    pub(crate) log: Log,
}

/// `[server]`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Server {
    pub(crate) listen: SocketAddr,
    pub(crate) public_url: String,
    pub(crate) shutdown_grace_secs: u64,
    pub(crate) max_body_bytes: usize,
    pub(crate) request_timeout_secs: u64,
    pub(crate) trust_forwarded_for: bool,
    /// Seconds a client may take to send a request's headers.
    pub(crate) header_timeout_secs: u64,
    /// Seconds a connection may go without a byte moving either way.
    pub(crate) idle_timeout_secs: u64,
    /// Connections open at once; more are closed on accept.
    pub(crate) max_connections: usize,
}

/// `[security]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Security {
    pub(crate) link_secret: Secret,
    pub(crate) link_secret_file: String,
    pub(crate) session_hours: u32,
    pub(crate) login_attempts_per_minute: u32,
    pub(crate) link_requests_per_minute: u32,
    /// When not empty, `GET /metrics` needs it as a bearer token.
    pub(crate) metrics_token: Secret,
    /// Resends allowed per invitation per hour (0: no limit).
    pub(crate) resends_per_hour: u32,
}

/// `[storage]`: where answer videos are kept, and the bounds of an upload.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Storage {
    pub(crate) backend: StorageBackend,
    pub(crate) videos_dir: String,
    pub(crate) s3_endpoint: String,
    pub(crate) s3_bucket: String,
    pub(crate) s3_region: String,
    pub(crate) s3_access_key_id: String,
    pub(crate) s3_secret_access_key: Secret,
    pub(crate) s3_path_style: bool,
    pub(crate) s3_prefix: String,
    /// The largest answer video accepted, in MiB.
    pub(crate) max_upload_mib: u64,
    /// How long one upload request may take, in seconds (a slow phone on a bad network).
    pub(crate) upload_timeout_secs: u64,
    /// Unfinished uploads untouched this long are removed.
    pub(crate) abandoned_after_hours: u32,
}

/// `storage.backend`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum StorageBackend {
    /// `videos_dir` on the local disk.
    Disk,
    /// An S3-compatible bucket.
    S3,
}

/// `[mail]`: where outgoing emails go.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Mail {
    pub(crate) transport: MailTransport,
    pub(crate) from_address: String,
    pub(crate) from_via: String,
    pub(crate) smtp_host: String,
    pub(crate) smtp_port: u16,
    pub(crate) smtp_security: SmtpSecurity,
    pub(crate) smtp_user: String,
    pub(crate) smtp_password: Secret,
    pub(crate) smtp_connections: usize,
    pub(crate) timeout_secs: u64,
    pub(crate) batch: usize,
    pub(crate) claim_secs: u64,
    pub(crate) max_attempts: u32,
    pub(crate) first_retry_secs: u64,
    pub(crate) max_retry_secs: u64,
    pub(crate) live_reminder_hours: u32,
    pub(crate) dkim_domain: String,
    pub(crate) dkim_selector: String,
    pub(crate) dkim_key_file: String,
}

/// Where emails go.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum MailTransport {
    /// Kept in the database and shown by the API: nothing is sent.
    Mailbox,
    /// Sent through an SMTP relay.
    Smtp,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SmtpSecurity {
    Tls,
    Starttls,
    None,
}

/// `[seed]`: the organization and recruiter created on first start.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Seed {
    pub(crate) organization: String,
    pub(crate) time_zone: String,
    pub(crate) language: String,
    pub(crate) admin_name: String,
    pub(crate) admin_email: String,
    pub(crate) admin_password: Secret,
}

/// A configured secret (a password, key or token): read like a string, never shown by
/// `Debug` (so not by `check-config` or a log line), reached only through [`Self::expose`].
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub(crate) struct Secret(SecretString);

impl Secret {
    /// The secret itself, for the one place that uses it.
    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether none is set (the settings where empty means "not used").
    pub(crate) fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(SecretString::from(value))
    }
}

impl fmt::Debug for Secret {
    /// `""` when unset (so an operator sees it is missing), `***` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(if self.is_empty() { "" } else { "***" }, f)
    }
}

/// `[database]`.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Database {
    pub(crate) url: String,
    pub(crate) max_connections: u32,
    pub(crate) migrate_on_start: bool,
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database")
            .field("url", &mask_password(&self.url))
            .field("max_connections", &self.max_connections)
            .field("migrate_on_start", &self.migrate_on_start)
            .finish()
    }
}

/// `[log]`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Log {
    pub(crate) format: LogFormat,
    pub(crate) level: String,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LogFormat {
    Text,
    Json,
}

/// Why the configuration is refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfigError {
    /// A file or variable could not be read or does not fit (figment names the key).
    #[error("{0}")]
    Load(Box<figment::Error>),
    /// A value is out of range.
    #[error("setting `{key}`: {problem}")]
    Invalid { key: &'static str, problem: String },
    /// The file given with --config does not exist.
    #[error("configuration file {0} does not exist")]
    MissingFile(String),
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub(crate) fn mask_password(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw) else {
        // Not a URL we can read: show nothing of it that could be a secret.
        return raw.split_once("://").map_or_else(|| "***".to_owned(), |(scheme, _)| format!("{scheme}://***"));
    };
    let mut masked = false;
    if url.password().is_some() {
        masked = url.set_password(Some("***")).is_ok();
    }
    // PostgreSQL also takes the password as a query parameter.
    let secret = |k: &str| matches!(k.to_ascii_lowercase().as_str(), "password" | "sslpassword" | "pass");
    if url.query_pairs().any(|(k, _)| secret(&k)) {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let v = if secret(&k) { "***".to_owned() } else { v.into_owned() };
                (k.into_owned(), v)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        masked = true;
    }
    if masked { url.to_string().replace("%2A%2A%2A", "***") } else { raw.to_owned() }
}

impl Config {
    /// Loads and checks the configuration.
    pub(crate) fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULTS));
        let local = Path::new("config/default.toml");
        if local.exists() {
            figment = figment.merge(Toml::file(local));
        }
        if let Some(file) = file {
            if !file.exists() {
                return Err(ConfigError::MissingFile(file.display().to_string()));
            }
            figment = figment.merge(Toml::file(file));
        }
        figment = figment.merge(Env::prefixed("SLATE__").split("__"));
        let config: Self = figment.extract().map_err(|e| ConfigError::Load(Box::new(e)))?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let invalid = |key, problem: &str| Err(ConfigError::Invalid { key, problem: problem.to_owned() });
        let url = &self.database.url;
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return invalid("database.url", "must start with sqlite: or postgres://");
        }
        if self.database.max_connections == 0 {
            return invalid("database.max_connections", "must be at least 1");
        }
        let public = &self.server.public_url;
        if !(public.starts_with("http://") || public.starts_with("https://")) || public.ends_with('/') {
            return invalid("server.public_url", "must be an http:// or https:// URL without a trailing slash");
        }
        if self.server.max_body_bytes < 1024 {
            return invalid("server.max_body_bytes", "must be at least 1024");
        }
        if self.server.request_timeout_secs == 0 {
            return invalid("server.request_timeout_secs", "must be at least 1");
        }
        if !(1..=3600).contains(&self.server.header_timeout_secs) {
            return invalid("server.header_timeout_secs", "must be 1 to 3600");
        }
        if !(1..=3600).contains(&self.server.idle_timeout_secs) {
            return invalid("server.idle_timeout_secs", "must be 1 to 3600");
        }
        if self.server.max_connections == 0 {
            return invalid("server.max_connections", "must be at least 1");
        }
        if !self.security.link_secret.is_empty() && self.security.link_secret.expose().len() < 32 {
            return invalid("security.link_secret", "must be at least 32 characters (or empty to use the secret file)");
        }
        if self.security.link_secret.is_empty() && self.security.link_secret_file.trim().is_empty() {
            return invalid("security.link_secret_file", "must name a file when security.link_secret is empty");
        }
        if !(1..=24 * 30).contains(&self.security.session_hours) {
            return invalid("security.session_hours", "must be 1 to 720");
        }
        let storage = &self.storage;
        if storage.backend == StorageBackend::Disk && storage.videos_dir.trim().is_empty() {
            return invalid("storage.videos_dir", "must name a folder");
        }
        if storage.backend == StorageBackend::S3 {
            if !(storage.s3_endpoint.starts_with("http://") || storage.s3_endpoint.starts_with("https://")) {
                return invalid(
                    "storage.s3_endpoint",
                    "must be an http:// or https:// URL when storage.backend is \"s3\"",
                );
            }
            if storage.s3_bucket.trim().is_empty() {
                return invalid("storage.s3_bucket", "must name the bucket when storage.backend is \"s3\"");
            }
            if storage.s3_access_key_id.is_empty() || storage.s3_secret_access_key.is_empty() {
                return invalid(
                    "storage.s3_secret_access_key",
                    "s3_access_key_id and s3_secret_access_key are required",
                );
            }
        }
        if !(1..=4096).contains(&storage.max_upload_mib) {
            return invalid("storage.max_upload_mib", "must be 1 to 4096");
        }
        if !(10..=24 * 3600).contains(&storage.upload_timeout_secs) {
            return invalid("storage.upload_timeout_secs", "must be 10 to 86400");
        }
        if storage.abandoned_after_hours == 0 {
            return invalid("storage.abandoned_after_hours", "must be at least 1");
        }
        if slate_domain::PublicUrl::parse(public).is_err() {
            return invalid("server.public_url", "must be an http:// or https:// URL without a path query or fragment");
        }
        if slate_domain::EmailAddress::parse(&self.mail.from_address).is_err() {
            return invalid("mail.from_address", "must be an email address, e.g. \"interviews@example.com\"");
        }
        if self.mail.from_via.contains(['\r', '\n', '"']) {
            return invalid("mail.from_via", "must be one line without quotes");
        }
        if self.mail.transport == MailTransport::Smtp && self.mail.smtp_host.trim().is_empty() {
            return invalid("mail.smtp_host", "must name the SMTP relay when mail.transport is \"smtp\"");
        }
        if self.mail.smtp_user.is_empty() != self.mail.smtp_password.is_empty() {
            return invalid("mail.smtp_password", "must be set together with mail.smtp_user (or both left empty)");
        }
        if !(1..=600).contains(&self.mail.timeout_secs) {
            return invalid("mail.timeout_secs", "must be 1 to 600");
        }
        if !(1..=64).contains(&self.mail.smtp_connections) {
            return invalid("mail.smtp_connections", "must be 1 to 64");
        }
        if !(1..=1000).contains(&self.mail.batch) {
            return invalid("mail.batch", "must be 1 to 1000");
        }
        if !(2..=3600).contains(&self.mail.claim_secs) || self.mail.claim_secs <= self.mail.timeout_secs * 3 {
            return invalid("mail.claim_secs", "must be 2 to 3600 and more than three times mail.timeout_secs");
        }
        if !(1..=100).contains(&self.mail.max_attempts) {
            return invalid("mail.max_attempts", "must be 1 to 100");
        }
        if self.mail.first_retry_secs == 0 || self.mail.max_retry_secs < self.mail.first_retry_secs {
            return invalid("mail.max_retry_secs", "must be at least mail.first_retry_secs, which must be at least 1");
        }
        if !self.mail.dkim_key_file.is_empty() {
            if self.mail.dkim_domain.trim().is_empty() {
                return invalid("mail.dkim_domain", "must name the signing domain when mail.dkim_key_file is set");
            }
            if self.mail.dkim_selector.trim().is_empty() {
                return invalid("mail.dkim_selector", "must name the DNS selector when mail.dkim_key_file is set");
            }
        }
        if !(1..=336).contains(&self.mail.live_reminder_hours) {
            return invalid("mail.live_reminder_hours", "must be 1 to 336 (two weeks)");
        }
        if slate_domain::TimeZone::parse(&self.seed.time_zone).is_err() {
            return invalid("seed.time_zone", "must be an IANA time zone such as \"Europe/Athens\" or \"UTC\"");
        }
        if self.seed.language.parse::<slate_domain::Language>().is_err() {
            return invalid("seed.language", "must be one of en, de, fr, es, it, nl, pt, el, pl");
        }
        if slate_domain::EmailAddress::parse(&self.seed.admin_email).is_err() {
            return invalid("seed.admin_email", "must be an email address");
        }
        if !self.seed.admin_password.is_empty()
            && slate_domain::Password::new(self.seed.admin_password.expose()).is_err()
        {
            return invalid("seed.admin_password", "must be 10 to 256 characters (or empty to generate one)");
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return invalid("log.level", "must be a tracing filter such as \"info\" or \"slate=debug,info\"");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_defaults_load() {
        let config: Config = Figment::from(Toml::string(DEFAULTS)).extract().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.server.listen.to_string(), "127.0.0.1:8080");
        assert!(config.database.url.starts_with("sqlite:"));
        assert!(config.check().is_ok());
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(mask_password("postgres://slate:s3cret@db:5432/slate"), "postgres://slate:***@db:5432/slate");
        assert_eq!(mask_password("sqlite://./data/slate.db?mode=rwc"), "sqlite://./data/slate.db?mode=rwc");
        let masked = mask_password("postgres://slate@db/slate?sslmode=require&password=s3cret");
        assert!(
            !masked.contains("s3cret") && masked.contains("password=***") && masked.contains("sslmode=require"),
            "{masked}"
        );
        let both = mask_password("postgresql://u:p%40ss@db/slate?PASSWORD=other");
        assert!(!both.contains("p%40ss") && !both.contains("other"), "{both}");
        assert_eq!(mask_password("not a url with secret"), "***");
        let db = Database { url: "postgres://u:hunter2@h/d".into(), max_connections: 1, migrate_on_start: true };
        assert!(!format!("{db:?}").contains("hunter2"));
        let mut config: Config = Figment::from(Toml::string(DEFAULTS)).extract().unwrap_or_else(|e| panic!("{e}"));
        config.mail.smtp_user = "slate".into();
        config.mail.smtp_password = "hunter2".into();
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn mail_settings_are_checked_and_named() {
        let base: Config = Figment::from(Toml::string(DEFAULTS)).extract().unwrap_or_else(|e| panic!("{e}"));
        type Change = fn(&mut Config);
        let cases: [(&str, Change); 8] = [
            ("mail.from_address", |c| c.mail.from_address = "not an address".into()),
            ("mail.smtp_host", |c| {
                c.mail.transport = MailTransport::Smtp;
                c.mail.smtp_host = " ".into();
            }),
            ("mail.smtp_password", |c| c.mail.smtp_user = "me".into()),
            ("mail.batch", |c| c.mail.batch = 0),
            ("mail.smtp_connections", |c| c.mail.smtp_connections = 0),
            ("mail.smtp_connections", |c| c.mail.smtp_connections = 65),
            ("mail.dkim_domain", |c| c.mail.dkim_key_file = "dkim.pem".into()),
            ("mail.dkim_selector", |c| {
                c.mail.dkim_key_file = "dkim.pem".into();
                c.mail.dkim_domain = "acme.example".into();
            }),
        ];
        for (key, change) in cases {
            let mut c = base.clone();
            change(&mut c);
            match c.check() {
                Err(ConfigError::Invalid { key: k, .. }) => assert_eq!(k, key),
                other => panic!("{key}: {other:?}"),
            }
        }
    }
}
