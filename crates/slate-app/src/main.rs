//! # slate
//!
//! The app crate: the only place that knows every adapter. It reads the configuration,
//! opens the database (`slate-persistence`), applies migrations, seeds a first account,
//! wires the domain (`slate-domain`) to its adapters, and serves HTTP (`slate-http`) until
//! told to stop.
//!
//! ```text
//! slate [--config FILE] [serve]          start the server (the default)
//! slate migrate up|down [--steps N]|status
//! slate create-org --name N --admin-email E [--admin-name N] [--time-zone Z] [--language L]
//! slate create-recruiter --org ID --name N --email E
//! slate set-password --email E           prints a new password once
//! slate create-api-key --email E --name N   prints the key once (on stdout, alone)
//! slate check-config                     print the effective configuration, secrets masked
//! ```

/// mimalloc instead of the system allocator: a request allocates and frees many small
/// objects across two worker threads, and glibc's malloc was a sixth of the CPU profile of
/// the candidate's landing page (`docs/performance.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod adapters;
mod config;
mod server;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use clap::{Parser, Subcommand};
use slate_domain::{Ports, Settings, Slate};
use slate_persistence::{SqlStore, StoreOptions};

use crate::config::{Config, LogFormat, mask_password};

#[derive(Debug, Parser)]
#[command(name = "slate", version, about = "Self-hosted video interviews")]
struct Cli {
    /// A configuration file layered over config/default.toml.
    #[arg(long, global = true, env = "SLATE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the server (the default).
    Serve {
        /// Do not apply pending migrations at start, whatever the configuration says.
        #[arg(long)]
        no_migrate: bool,
    },
    /// Apply, revert or list database migrations.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Create an organization with its first recruiter (prints their password once).
    CreateOrg {
        /// The organization's name.
        #[arg(long)]
        name: String,
        /// The IANA time zone deadlines are judged in.
        #[arg(long, default_value = "UTC")]
        time_zone: String,
        /// The default language of invitations (en, de, fr, es, it, nl, pt, el, pl).
        #[arg(long, default_value = "en")]
        language: String,
        /// The first recruiter's name.
        #[arg(long, default_value = "Admin")]
        admin_name: String,
        /// The first recruiter's email (their login).
        #[arg(long)]
        admin_email: String,
    },
    /// Add a recruiter to an organization (prints their password once).
    CreateRecruiter {
        /// The organization's id.
        #[arg(long)]
        org: uuid::Uuid,
        /// Their name.
        #[arg(long)]
        name: String,
        /// Their email (their login).
        #[arg(long)]
        email: String,
    },
    /// Give a recruiter a new random password (prints it once).
    SetPassword {
        /// The recruiter's email.
        #[arg(long)]
        email: String,
    },
    /// Create an API key acting for a recruiter; the key alone is printed on stdout, once.
    CreateApiKey {
        /// The recruiter's email.
        #[arg(long)]
        email: String,
        /// What the key is for.
        #[arg(long, default_value = "API key")]
        name: String,
    },
    /// Check the configuration and print it, secrets masked.
    CheckConfig,
}

#[derive(Debug, Subcommand)]
enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert the last applied migrations.
    Down {
        /// How many.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether each is applied.
    Status,
}

/// A failure that ends the program with a message and a non-zero status.
#[derive(Debug, thiserror::Error)]
enum Fatal {
    #[error("configuration: {0}")]
    Config(#[from] config::ConfigError),
    #[error("database: {0}")]
    Database(#[from] slate_persistence::ConnectError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Secret(#[from] adapters::SecretError),
    #[error("{0}")]
    Usage(String),
    #[error("storage: {0}")]
    Storage(#[from] slate_domain::ports::AdapterError),
}

fn main() -> ExitCode {
    // sqlx brings rustls' ring provider and mail-send aws-lc-rs: with both linked, rustls
    // cannot pick one by itself and the first TLS client would panic. Choose aws-lc-rs.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(&Fatal::from(e)),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&Fatal::from(e)),
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve { no_migrate: false }) {
            Command::Serve { no_migrate } => serve(config, no_migrate).await,
            Command::Migrate { action } => migrate(&config, action).await,
            Command::CreateOrg { name, time_zone, language, admin_name, admin_email } => {
                let (slate, _) = connect(&config, config.database.migrate_on_start).await?;
                let seed = config::Seed {
                    organization: name,
                    time_zone,
                    language,
                    admin_name,
                    admin_email,
                    admin_password: "".into(),
                };
                let (org, recruiter, password) = create_account(&slate, &seed).await?;
                say(&format!(
                    "created organization {} ({})\nrecruiter {} <{}> ({})\npassword: {password}\n",
                    org.name, org.id, recruiter.name, recruiter.email, recruiter.id
                ))
            }
            Command::CreateRecruiter { org, name, email } => {
                let (slate, _) = connect(&config, config.database.migrate_on_start).await?;
                let new = slate_domain::NewRecruiter {
                    name: slate_domain::PersonName::parse(&name).map_err(|e| usage("--name", &e))?,
                    email: slate_domain::EmailAddress::parse(&email).map_err(|e| usage("--email", &e))?,
                };
                let org = slate_domain::OrganizationId::from_uuid(org);
                let recruiter = slate.add_recruiter(org, new).await.map_err(|e| Fatal::Usage(e.to_string()))?;
                let password = new_password(&slate, org, recruiter.id).await?;
                say(&format!(
                    "recruiter {} <{}> ({})\npassword: {password}\n",
                    recruiter.name, recruiter.email, recruiter.id
                ))
            }
            Command::SetPassword { email } => {
                let (slate, _) = connect(&config, config.database.migrate_on_start).await?;
                let recruiter = recruiter(&slate, &email).await?;
                let password = new_password(&slate, recruiter.organization_id, recruiter.id).await?;
                say(&format!("new password for {}: {password}\n", recruiter.email))
            }
            Command::CreateApiKey { email, name } => {
                let (slate, _) = connect(&config, config.database.migrate_on_start).await?;
                let recruiter = recruiter(&slate, &email).await?;
                let label = slate_domain::Label::parse(&name).map_err(|e| usage("--name", &e))?;
                let caller =
                    slate_domain::Caller { organization_id: recruiter.organization_id, recruiter_id: recruiter.id };
                let (key, secret) = slate.create_api_key(caller, label).await?;
                let note = format!(
                    "API key {} \"{}\" acts for {}; it is shown only now. Use it as `Authorization: Bearer <key>`.\n",
                    key.id, key.name, recruiter.email
                );
                std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes())?;
                say(&format!("{}\n", secret.expose()))
            }
            Command::CheckConfig => {
                let out = format!("configuration OK\n{config:#?}\n");
                std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes())?;
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(e: &Fatal) -> ExitCode {
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("slate: {e}\n").as_bytes());
    ExitCode::FAILURE
}

fn init_logs(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log.level).unwrap_or_else(|_| "info".into());
    let colours = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(colours);
    match config.log.format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

async fn open(config: &Config) -> Result<SqlStore, Fatal> {
    let url = &config.database.url;
    if let Some(path) = url.strip_prefix("sqlite://").map(|rest| rest.split('?').next().unwrap_or(rest))
        && !path.is_empty()
        && !path.starts_with(':')
    {
        let path = std::path::Path::new(path);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            adapters::private_dir(dir)?;
        }
        adapters::private_file(path)?;
    }
    let options = StoreOptions { max_connections: config.database.max_connections, ..StoreOptions::default() };
    Ok(SqlStore::connect(url, &options).await?)
}

fn say(text: &str) -> Result<(), Fatal> {
    std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes())?;
    Ok(())
}

fn usage(flag: &str, e: &dyn std::fmt::Display) -> Fatal {
    Fatal::Usage(format!("{flag}: {e}"))
}

/// The domain service over the real adapters.
fn build(config: &Config, store: &SqlStore) -> Result<Slate, Fatal> {
    let secret =
        adapters::link_secret(config.security.link_secret.expose(), Path::new(&config.security.link_secret_file))?;
    let ports = Ports::from_store(
        Arc::new(store.clone()),
        Arc::new(slate_domain::defaults::SystemClock),
        Arc::new(slate_domain::defaults::OsIds),
        Arc::new(slate_domain::HmacLinkTokens::new(secret)),
        video_store(&config.storage)?,
        Arc::new(adapters::Argon2Passwords::per_core()),
        Arc::new(slate_email::Renderer::new()),
    );
    let public_url = slate_domain::PublicUrl::parse(&config.server.public_url)
        .map_err(|e| Fatal::Usage(format!("server.public_url: {e}")))?;
    let settings = Settings {
        max_answer_bytes: config.storage.max_upload_mib * 1024 * 1024,
        abandoned_upload_after: Duration::from_secs(u64::from(config.storage.abandoned_after_hours) * 3600),
        session_ttl: Duration::from_secs(u64::from(config.security.session_hours) * 3600),
        outbox_max_attempts: config.mail.max_attempts,
        outbox_claim: Duration::from_secs(config.mail.claim_secs),
        outbox_first_retry: Duration::from_secs(config.mail.first_retry_secs),
        outbox_max_retry: Duration::from_secs(config.mail.max_retry_secs),
        live_reminder_lead: Duration::from_secs(u64::from(config.mail.live_reminder_hours) * 3600),
        public_url,
    };
    Ok(Slate::new(ports, settings))
}

/// The video store the configuration asks for.
fn video_store(storage: &config::Storage) -> Result<Arc<dyn slate_domain::ports::VideoStore>, Fatal> {
    Ok(match storage.backend {
        config::StorageBackend::Disk => {
            Arc::new(slate_video_storage::DiskVideos::new(PathBuf::from(&storage.videos_dir)))
        }
        config::StorageBackend::S3 => {
            let settings = slate_video_storage::S3Settings {
                endpoint: storage.s3_endpoint.clone(),
                bucket: storage.s3_bucket.clone(),
                region: storage.s3_region.clone(),
                access_key_id: storage.s3_access_key_id.clone(),
                secret_access_key: storage.s3_secret_access_key.expose().to_owned(),
                path_style: storage.s3_path_style,
                prefix: storage.s3_prefix.clone(),
            };
            let store = slate_video_storage::ObjectVideos::s3(&settings)
                .map_err(|e| Fatal::Usage(format!("storage.s3_endpoint: {e}")))?;
            Arc::new(store)
        }
    })
}

/// Opens the database, applies pending migrations when `migrate` (admin commands too: they
/// need the schema), and builds the service.
async fn connect(config: &Config, migrate: bool) -> Result<(Slate, SqlStore), Fatal> {
    let store = open(config).await?;
    if migrate {
        store.migrate().await?;
        tracing::info!("migrations applied");
    }
    let slate = build(config, &store)?;
    Ok((slate, store))
}

async fn recruiter(slate: &Slate, email: &str) -> Result<slate_domain::Recruiter, Fatal> {
    let email = slate_domain::EmailAddress::parse(email).map_err(|e| usage("--email", &e))?;
    slate
        .recruiter_by_email(&email)
        .await?
        .ok_or_else(|| Fatal::Usage(format!("--email: no recruiter has the email {email}")))
}

async fn new_password(
    slate: &Slate,
    org: slate_domain::OrganizationId,
    id: slate_domain::RecruiterId,
) -> Result<String, Fatal> {
    let password = adapters::random_password();
    let p = slate_domain::Password::new(&password).map_err(|e| Fatal::Usage(e.to_string()))?;
    slate.set_password(org, id, &p).await.map_err(|e| Fatal::Usage(e.to_string()))?;
    Ok(password)
}

/// Creates an organization with its first recruiter from `seed`; returns the password
/// (generated when the seed has none).
async fn create_account(
    slate: &Slate,
    seed: &config::Seed,
) -> Result<(slate_domain::Organization, slate_domain::Recruiter, String), Fatal> {
    use slate_domain::*;
    let password = if seed.admin_password.is_empty() {
        adapters::random_password()
    } else {
        seed.admin_password.expose().to_owned()
    };
    let account = NewAccount {
        organization: NewOrganization {
            name: DisplayName::parse(&seed.organization).map_err(|e| usage("organization name", &e))?,
            time_zone: TimeZone::parse(&seed.time_zone).map_err(|e| usage("time zone", &e))?,
            default_language: seed.language.parse::<Language>().map_err(|e| usage("language", &e))?,
            reminders: ReminderPolicy::default(),
        },
        recruiter: NewRecruiter {
            name: PersonName::parse(&seed.admin_name).map_err(|e| usage("recruiter name", &e))?,
            email: EmailAddress::parse(&seed.admin_email).map_err(|e| usage("email", &e))?,
        },
        password: Password::new(&password).map_err(|e| usage("password", &e))?,
    };
    let (org, recruiter) = slate.create_account(account).await.map_err(|e| match e {
        CreateAccountError::EmailTaken => {
            Fatal::Usage(format!("an account with the email {} already exists", seed.admin_email))
        }
        CreateAccountError::Internal(e) => Fatal::Storage(e),
    })?;
    Ok((org, recruiter, password))
}

async fn migrate(config: &Config, action: MigrateAction) -> Result<(), Fatal> {
    let store = open(config).await?;
    let mut out = String::new();
    match action {
        MigrateAction::Up => {
            store.migrate().await?;
            out.push_str("migrations applied\n");
        }
        MigrateAction::Down { steps } => {
            store.migrate_down(steps).await?;
            out.push_str(&format!("reverted {steps} migration(s)\n"));
        }
        MigrateAction::Status => {
            for (name, applied) in store.migration_status().await? {
                out.push_str(&format!("{} {name}\n", if applied { "applied" } else { "pending" }));
            }
        }
    }
    std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes())?;
    Ok(())
}

struct DatabaseReadiness(SqlStore);

#[async_trait]
impl slate_http::Readiness for DatabaseReadiness {
    async fn check(&self) -> Result<(), String> {
        self.0.ping().await.map_err(|e| e.to_string())
    }
}

async fn serve(config: Config, no_migrate: bool) -> Result<(), Fatal> {
    init_logs(&config);
    tracing::info!(database = %mask_password(&config.database.url), "opening the database");
    let (slate, store) = connect(&config, config.database.migrate_on_start && !no_migrate).await?;
    // Before listening: a DKIM key that cannot be read stops start-up, naming the setting.
    let worker = outbox_worker(&config, slate.clone())?;
    // Bind before seeding: a seeded password must not be lost to a port already in use.
    let listener = tokio::net::TcpListener::bind(config.server.listen).await?;
    let address = listener.local_addr()?;
    let seeded = if slate.is_empty().await? { Some(create_account(&slate, &config.seed).await?) } else { None };
    let http = slate_http::HttpConfig {
        public_url: config.server.public_url.clone(),
        max_body_bytes: config.server.max_body_bytes,
        request_timeout: Duration::from_secs(config.server.request_timeout_secs),
        upload_timeout: Duration::from_secs(config.storage.upload_timeout_secs),
        login_per_minute: config.security.login_attempts_per_minute,
        links_per_minute: config.security.link_requests_per_minute,
        resends_per_hour: config.security.resends_per_hour,
        trust_forwarded_for: config.server.trust_forwarded_for,
        metrics_token: (!config.security.metrics_token.is_empty())
            .then(|| config.security.metrics_token.expose().to_owned()),
    };
    let state = slate_http::AppState::new(slate.clone(), Arc::new(DatabaseReadiness(store)), http);
    let state_metrics = state.metrics().clone();
    let app = slate_http::router(state);
    tracing::info!(%address, public_url = %config.server.public_url, "listening");
    // On stdout for people and scripts, whatever the log format; the password only once.
    if let Some((org, recruiter, password)) = &seeded {
        tracing::info!(organization = %org.id, recruiter = %recruiter.id, "first start: seeded an organization and a recruiter");
        let shown =
            if config.seed.admin_password.is_empty() { password.as_str() } else { "(the one in seed.admin_password)" };
        say(&format!(
            "First start: created the organization \"{}\" and its recruiter {}.\n  Log in:   {}/login with email {} and password {shown}\n  (This password is shown only now; `slate set-password --email {}` makes a new one.)\n  API key:  slate create-api-key --email {} --name \"my integration\"\n  API docs: {}/api/docs\n",
            org.name,
            recruiter.email,
            config.server.public_url,
            recruiter.email,
            recruiter.email,
            recruiter.email,
            config.server.public_url
        ))?;
    }
    say(&format!("Slate is listening on http://{address}\n"))?;
    let ticker = tokio::spawn(housekeeping(slate.clone()));
    let (mail_stop, mail_stop_rx) = tokio::sync::watch::channel(false);
    let metrics = state_metrics.clone();
    let mailer = tokio::spawn(
        worker
            .counting(Arc::new(move |tally: slate_email::Tally| metrics.count_mail(tally.as_str())))
            .run(mail_stop_rx),
    );

    let grace = Duration::from_secs(config.server.shutdown_grace_secs);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let limits = server::Limits {
        header_timeout: Duration::from_secs(config.server.header_timeout_secs),
        idle_timeout: Duration::from_secs(config.server.idle_timeout_secs),
        max_connections: config.server.max_connections,
    };
    let mut server = tokio::spawn(server::serve(listener, app, limits, stop_rx, grace));
    tokio::select! {
        result = &mut server => {
            result.map_err(|e| Fatal::from(std::io::Error::other(e)))?;
            return Ok(());
        }
        () = shutdown_signal() => {}
    }
    tracing::info!(grace_secs = grace.as_secs(), "shutting down: finishing requests in flight");
    let _ = stop_tx.send(true);
    let _ = server.await;
    ticker.abort();
    // The worker finishes the message in hand; one it could not finish is taken over after
    // its claim lapses.
    let _ = mail_stop.send(true);
    if tokio::time::timeout(grace, mailer).await.is_err() {
        tracing::warn!("the mail worker was still sending after the grace period");
    }
    tracing::info!("stopped");
    Ok(())
}

/// The outbox worker the configuration asks for: SMTP, or the local mailbox.
fn outbox_worker(config: &Config, slate: Slate) -> Result<slate_email::OutboxWorker, Fatal> {
    let mail = &config.mail;
    let transport = match mail.transport {
        config::MailTransport::Mailbox => slate_email::Transport::Mailbox,
        config::MailTransport::Smtp => {
            slate_email::Transport::Smtp(Box::new(slate_email::Smtp::new(slate_email::SmtpSettings {
                host: mail.smtp_host.clone(),
                port: mail.smtp_port,
                security: match mail.smtp_security {
                    config::SmtpSecurity::Tls => slate_email::Security::Tls,
                    config::SmtpSecurity::Starttls => slate_email::Security::StartTls,
                    config::SmtpSecurity::None => slate_email::Security::None,
                },
                credentials: (!mail.smtp_user.is_empty())
                    .then(|| (mail.smtp_user.clone(), mail.smtp_password.expose().to_owned())),
                timeout: Duration::from_secs(mail.timeout_secs),
                helo_host: slate.settings().public_url.host().to_owned(),
            })))
        }
    };
    tracing::info!(transport = ?mail.transport, "outgoing mail");
    let sender = slate_email::Sender {
        address: mail.from_address.clone(),
        via: mail.from_via.clone(),
        message_id_host: slate.settings().public_url.host().to_owned(),
    };
    let settings = slate_email::WorkerSettings {
        batch: mail.batch,
        connections: mail.smtp_connections,
        ..slate_email::WorkerSettings::default()
    };
    let worker = slate_email::OutboxWorker::new(slate, sender, transport, settings);
    if mail.dkim_key_file.is_empty() {
        return Ok(worker);
    }
    let pem = std::fs::read_to_string(&mail.dkim_key_file)
        .map_err(|e| Fatal::Usage(format!("setting `mail.dkim_key_file`: cannot read {}: {e}", mail.dkim_key_file)))?;
    let dkim = slate_email::Dkim::from_pem(&mail.dkim_domain, &mail.dkim_selector, &pem)
        .map_err(|e| Fatal::Usage(format!("setting `mail.dkim_key_file`: {e}")))?;
    tracing::info!(domain = %mail.dkim_domain, selector = %mail.dkim_selector, algorithm = dkim.algorithm(), "signing outgoing mail with DKIM");
    Ok(worker.signing(dkim))
}

/// Every minute: expire invitations whose deadline passed, and queue due reminders (of
/// invitations and of live interviews); every hour, remove expired sessions and abandoned
/// uploads.
async fn housekeeping(slate: Slate) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for tick in 0_u64.. {
        every.tick().await;
        if tick % 60 == 0 {
            if let Err(e) = slate.sweep_expired_sessions().await {
                tracing::warn!(error = %e, "removing expired sessions failed");
            }
            match slate.sweep_abandoned_uploads().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(count = n, "abandoned uploads removed"),
                Err(e) => tracing::warn!(error = %e, "removing abandoned uploads failed"),
            }
        }
        match slate.expire_overdue(500).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "invitations expired"),
            Err(e) => tracing::warn!(error = %e, "expiring invitations failed"),
        }
        // Batches until no planned moment has come (bounded, so a tick always ends).
        for _ in 0..100 {
            match slate.queue_due_reminders(500).await {
                Ok(run) => {
                    if run.queued > 0 {
                        tracing::info!(count = run.queued, "reminders queued");
                    }
                    if run.looked_at < 500 {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "queueing reminders failed");
                    break;
                }
            }
        }
        match slate.send_live_reminders(500).await {
            Ok(run) if run.reminded > 0 => tracing::info!(count = run.reminded, "live interview reminders queued"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "queueing live interview reminders failed"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
