//! Searching invitations by any part of a name or an email without scanning the organization:
//! `search_text` (first name, last name and email, lower-cased, separated by U+001F) gets a
//! trigram index on both databases.
//!
//! - SQLite: an FTS5 table with the trigram tokenizer over `invitations.search_text`
//!   (external content, keyed by the invitation's rowid), kept in step by triggers, so every
//!   write that changes the text changes the index in the same transaction. Case-sensitive:
//!   the text is lower-cased by the domain already, so a phrase matches exactly the rows whose
//!   text contains it, as `LIKE '%…%'` and the in-memory store do.
//! - PostgreSQL: `pg_trgm` and a GIN index on `search_text`, which serves `LIKE '%…%'` as it
//!   stands.
//!
//! SQLite may renumber the implicit rowids of a table in `VACUUM`; after a `VACUUM` run
//! `INSERT INTO invitations_search(invitations_search) VALUES ('rebuild')` (Slate itself never
//! vacuums).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE invitations_search USING fts5(search_text, content='invitations', content_rowid='rowid', tokenize='trigram case_sensitive 1')",
    "CREATE TRIGGER invitations_search_insert AFTER INSERT ON invitations BEGIN
        INSERT INTO invitations_search(rowid, search_text) VALUES (new.rowid, new.search_text);
     END",
    "CREATE TRIGGER invitations_search_delete AFTER DELETE ON invitations BEGIN
        INSERT INTO invitations_search(invitations_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
     END",
    "CREATE TRIGGER invitations_search_update AFTER UPDATE OF search_text ON invitations BEGIN
        INSERT INTO invitations_search(invitations_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
        INSERT INTO invitations_search(rowid, search_text) VALUES (new.rowid, new.search_text);
     END",
    "INSERT INTO invitations_search(invitations_search) VALUES ('rebuild')",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS invitations_search_update",
    "DROP TRIGGER IF EXISTS invitations_search_delete",
    "DROP TRIGGER IF EXISTS invitations_search_insert",
    "DROP TABLE IF EXISTS invitations_search",
];

const POSTGRES_UP: &[&str] = &[
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX invitations_search_trgm ON invitations USING gin (search_text gin_trgm_ops)",
];

const POSTGRES_DOWN: &[&str] = &["DROP INDEX IF EXISTS invitations_search_trgm"];

async fn run(manager: &SchemaManager<'_>, sqlite: &[&str], postgres: &[&str]) -> Result<(), DbErr> {
    let statements = match manager.get_database_backend() {
        DbBackend::Sqlite => sqlite,
        _ => postgres,
    };
    crate::execute_all(manager, statements).await
}

#[expect(elided_lifetimes_in_paths, reason = "async_trait cannot see through SchemaManager<'_> here")]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_UP, POSTGRES_UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, SQLITE_DOWN, POSTGRES_DOWN).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
