//! The SQLite trigram index is rewritten only when an invitation's search text changes.
//!
//! `AFTER UPDATE OF search_text` fires whenever the column is *named* in an `UPDATE`'s `SET`
//! list, and the store writes every column of an invitation on each change (a status, a
//! reminder, a delivery): every such update deleted and re-inserted the row's trigrams in the
//! FTS5 index, a good part of what recording an email delivery cost. The trigger now also
//! requires the text to differ. PostgreSQL is unchanged (its index is a plain GIN index).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

const DROP: &str = "DROP TRIGGER IF EXISTS invitations_search_update";

const WHEN_CHANGED: &str = "CREATE TRIGGER invitations_search_update AFTER UPDATE OF search_text ON invitations
     WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO invitations_search(invitations_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
        INSERT INTO invitations_search(rowid, search_text) VALUES (new.rowid, new.search_text);
     END";

const ALWAYS: &str = "CREATE TRIGGER invitations_search_update AFTER UPDATE OF search_text ON invitations BEGIN
        INSERT INTO invitations_search(invitations_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
        INSERT INTO invitations_search(rowid, search_text) VALUES (new.rowid, new.search_text);
     END";

async fn replace_trigger(manager: &SchemaManager<'_>, with: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared(DROP).await?;
        db.execute_unprepared(with).await?;
    }
    Ok(())
}

#[expect(elided_lifetimes_in_paths, reason = "async_trait cannot see through SchemaManager<'_> here")]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace_trigger(manager, WHEN_CHANGED).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace_trigger(manager, ALWAYS).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
