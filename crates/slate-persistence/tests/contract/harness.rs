//! A fresh database per test: a new SQLite file, or a new PostgreSQL database on the server
//! named by `SLATE_TEST_POSTGRES_URL` (which `./scripts/test` starts). Without that
//! variable the PostgreSQL tests fail; they never skip.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Database};
use slate_domain::memory::{InMemory, PlainRenderer, TestPasswords};
use slate_domain::{Ports, Settings, Slate};
use slate_persistence::{SqlStore, StoreOptions};

pub(crate) async fn sqlite() -> SqlStore {
    sqlite_with(&StoreOptions::default()).await
}

/// Every read and commit on the sqlx pool, as in memory or over a connection that may use TLS.
pub(crate) async fn sqlite_on_pool() -> SqlStore {
    sqlite_with(&StoreOptions { bypass_pool: false, ..StoreOptions::default() }).await
}

async fn sqlite_with(options: &StoreOptions) -> SqlStore {
    // Under target/tmp, so test databases go away with `cargo clean`.
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("slate-test-{}.db", uuid::Uuid::new_v4().simple()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let store = SqlStore::connect(&url, options).await.expect("open SQLite");
    store.migrate().await.expect("migrate SQLite");
    store
}

pub(crate) async fn postgres() -> SqlStore {
    postgres_with(&StoreOptions::default()).await
}

/// Every read and commit on the sqlx pool, as over a connection that may use TLS.
pub(crate) async fn postgres_on_pool() -> SqlStore {
    postgres_with(&StoreOptions { bypass_pool: false, ..StoreOptions::default() }).await
}

async fn postgres_with(options: &StoreOptions) -> SqlStore {
    let store = SqlStore::connect(&postgres_database().await, options).await.expect("open PostgreSQL");
    store.migrate().await.expect("migrate PostgreSQL");
    store
}

/// The URL of a new, empty PostgreSQL database.
pub(crate) async fn postgres_database() -> String {
    let admin = std::env::var("SLATE_TEST_POSTGRES_URL").expect(
        "SLATE_TEST_POSTGRES_URL is not set: run ./scripts/test, which starts PostgreSQL, \
         or point it at a server where the user may create databases",
    );
    let name = format!("slate_test_{}", uuid::Uuid::new_v4().simple());
    let conn = Database::connect(admin.as_str()).await.expect("connect to PostgreSQL");
    conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create the test database");
    conn.close().await.expect("close the admin connection");
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

/// Two stores on one new PostgreSQL database (migrated), as two Slate instances share it.
pub(crate) async fn two_instances() -> (SqlStore, SqlStore) {
    let url = postgres_database().await;
    let one = SqlStore::connect(&url, &StoreOptions::default()).await.expect("connect the first instance");
    one.migrate().await.expect("migrate PostgreSQL");
    let two = SqlStore::connect(&url, &StoreOptions::default()).await.expect("connect the second instance");
    (one, two)
}

/// A `Slate` over `store`, with the in-memory world's clock, link scheme and video store,
/// and its own sequential ids.
pub(crate) fn ports_over(store: &SqlStore, memory: &InMemory) -> Ports {
    Ports::from_store(
        Arc::new(store.clone()),
        memory.clock.clone(),
        memory.ids.clone(),
        memory.links.clone(),
        memory.videos.clone(),
        Arc::new(TestPasswords),
        Arc::new(PlainRenderer),
    )
}

pub(crate) fn slate_over(store: &SqlStore, memory: &InMemory) -> Slate {
    Slate::new(ports_over(store, memory), Settings::default())
}

pub(crate) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("an RFC 3339 instant").with_timezone(&Utc)
}
