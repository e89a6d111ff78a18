//! # slate
//!
//! The app crate: the only place that knows every adapter. It reads the configuration,
//! opens the database (`slate-persistence`), applies migrations, and serves HTTP
//! (`slate-http`) until told to stop.
//!
//! ```text
//! slate [--config FILE] [serve]          start the server (the default)
//! slate migrate up|down [--steps N]|status
//! slate check-config                     print the effective configuration, secrets masked
//! ```

mod config;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use clap::{Parser, Subcommand};
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
}

fn main() -> ExitCode {
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
        && let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)?;
    }
    let options = StoreOptions { max_connections: config.database.max_connections, ..StoreOptions::default() };
    Ok(SqlStore::connect(url, &options).await?)
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
    let store = open(&config).await?;
    if config.database.migrate_on_start && !no_migrate {
        store.migrate().await?;
        tracing::info!("migrations applied");
    }
    let app = slate_http::router(Arc::new(DatabaseReadiness(store)));
    let listener = tokio::net::TcpListener::bind(config.server.listen).await?;
    let address = listener.local_addr()?;
    tracing::info!(%address, public_url = %config.server.public_url, "listening");
    // One line on stdout for people and scripts, whatever the log format.
    std::io::Write::write_all(&mut std::io::stdout(), format!("Slate is listening on http://{address}\n").as_bytes())?;

    let grace = Duration::from_secs(config.server.shutdown_grace_secs);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, app).with_graceful_shutdown({
        let mut rx = stop_rx.clone();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    });
    let mut server = std::pin::pin!(server.into_future());
    tokio::select! {
        result = &mut server => return result.map_err(Fatal::from),
        () = shutdown_signal() => {}
    }
    tracing::info!(grace_secs = grace.as_secs(), "shutting down: finishing requests in flight");
    let _ = stop_tx.send(true);
    match tokio::time::timeout(grace, server).await {
        Ok(result) => result?,
        Err(_) => tracing::warn!("requests still running after the grace period; stopping anyway"),
    }
    tracing::info!("stopped");
    Ok(())
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
