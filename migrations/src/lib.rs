//! Slate's database schema, outside the hexagon's core: one set of sea-orm migrations,
//! written in sea-query's schema DSL, that serves SQLite and PostgreSQL alike. Only
//! `slate-persistence` (and the app, to run them) use this crate.
//!
//! Storage conventions (see `docs/persistence.md`): ids are UUIDs; instants are `BIGINT`
//! microseconds since the Unix epoch (UTC), which sort and compare the same on both
//! databases; calendar dates are `YYYY-MM-DD` text; structured values (questions, snapshots,
//! event details) are JSON text.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_initial;
mod m20261122_000002_one_open_invitation;
mod m20261122_000003_accounts;
mod m20261123_000004_mail;
mod m20261202_000005_review;
mod m20261204_000006_live;
mod m20261204_000007_live_messages;
mod m20261204_000008_search_index;
mod m20261204_000009_search_folding;
mod m20261206_000010_search_trigger_when_changed;
mod m20261207_000011_outbox_live_indexes;

/// Runs `statements` in order on the migration's connection (SQL that sea-query's schema DSL
/// does not express: partial indexes, triggers, virtual tables).
async fn execute_all(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

/// Applies and reverts Slate's migrations.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_initial::Migration),
            Box::new(m20261122_000002_one_open_invitation::Migration),
            Box::new(m20261122_000003_accounts::Migration),
            Box::new(m20261123_000004_mail::Migration),
            Box::new(m20261202_000005_review::Migration),
            Box::new(m20261204_000006_live::Migration),
            Box::new(m20261204_000007_live_messages::Migration),
            Box::new(m20261204_000008_search_index::Migration),
            Box::new(m20261204_000009_search_folding::Migration),
            Box::new(m20261206_000010_search_trigger_when_changed::Migration),
            Box::new(m20261207_000011_outbox_live_indexes::Migration),
        ]
    }
}
