//! Search ignores accents as well as case: `search_text` becomes
//! [`slate_domain::fold_for_search`] of what it held (lower-cased, combining marks removed
//! after canonical decomposition), row by row, for the rows whose text changes; the SQLite
//! trigram index follows through its update trigger. Reverting leaves the folded text (the
//! accents cannot be restored; a folded text still finds what a lower-cased search finds
//! without accents).

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[expect(elided_lifetimes_in_paths, reason = "async_trait cannot see through SchemaManager<'_> here")]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let update = match backend {
            DbBackend::Postgres => "UPDATE invitations SET search_text = $1 WHERE id = $2",
            _ => "UPDATE invitations SET search_text = ? WHERE id = ?",
        };
        let rows = db.query_all_raw(Statement::from_string(backend, "SELECT id, search_text FROM invitations")).await?;
        for row in rows {
            let id: uuid::Uuid = row.try_get("", "id")?;
            let text: String = row.try_get("", "search_text")?;
            let folded = slate_domain::fold_for_search(&text);
            if folded != text {
                db.execute_raw(Statement::from_sql_and_values(backend, update, [folded.into(), id.into()])).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
