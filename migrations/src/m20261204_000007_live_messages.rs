//! Messages about live interviews: an outbox message (and a captured email) is about an
//! invitation *or* one attendee of a live interview, never both. `invitation_id` becomes
//! nullable and `live_interview_id`/`attendee_id` arrive, with a check that exactly one
//! subject is set and an idempotency key per attendee.
//!
//! SQLite cannot drop a `NOT NULL`, so both tables are rebuilt the way SQLite documents it
//! (create the new table, copy, drop the old one, rename), on PostgreSQL too: one path to
//! test. Nothing references these tables, so dropping them cascades to nothing.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

fn uuid(name: &str, null: bool) -> ColumnDef {
    let mut c = ColumnDef::new(Alias::new(name));
    c.uuid();
    if null { c.null() } else { c.not_null() }.take()
}
fn text(name: &str, null: bool) -> ColumnDef {
    let mut c = ColumnDef::new(Alias::new(name));
    c.text();
    if null { c.null() } else { c.not_null() }.take()
}
fn int(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).integer().not_null().take()
}
fn big(name: &str, null: bool) -> ColumnDef {
    let mut c = ColumnDef::new(Alias::new(name));
    c.big_integer();
    if null { c.null() } else { c.not_null() }.take()
}
fn cascade(table: &str, col: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new(table), Alias::new(col))
        .to(Alias::new(to), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}
fn index(name: &str, table: &str, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(Alias::new(table));
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    if unique {
        stmt.unique();
    }
    stmt.take()
}

/// The columns both versions of a table share, in order.
const OUTBOX_SHARED: &[&str] = &[
    "id",
    "organization_id",
    "invitation_id",
    "kind",
    "sequence",
    "recipient",
    "language",
    "created_at",
    "state",
    "not_before",
    "claim_until",
    "attempts",
    "done_at",
    "failure",
    "claim_token",
];
const MAILBOX_SHARED: &[&str] = &[
    "id",
    "organization_id",
    "invitation_id",
    "kind",
    "sender",
    "recipient",
    "reply_to",
    "subject",
    "text_body",
    "html_body",
    "captured_at",
];

/// The outbox, with live-interview subjects when `live`.
fn outbox(name: &str, live: bool) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Alias::new(name))
        .col(uuid("id", false).primary_key().take())
        .col(uuid("organization_id", false))
        .col(uuid("invitation_id", live))
        .col(text("kind", false))
        .col(int("sequence"))
        .col(text("recipient", false))
        .col(text("language", false))
        .col(big("created_at", false))
        .col(text("state", false))
        .col(big("not_before", true))
        .col(big("claim_until", true))
        .col(int("attempts"))
        .col(big("done_at", true))
        .col(text("failure", true))
        .col(uuid("claim_token", true))
        .foreign_key(&mut cascade(name, "invitation_id", "invitations"));
    if live {
        t.col(uuid("live_interview_id", true))
            .col(uuid("attendee_id", true))
            .foreign_key(&mut cascade(name, "live_interview_id", "live_interviews"))
            .check(Expr::cust("(invitation_id IS NULL) <> (attendee_id IS NULL)"));
    }
    t.take()
}

/// The local mailbox, with live-interview subjects when `live`.
fn mailbox(name: &str, live: bool) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Alias::new(name))
        .col(uuid("id", false).primary_key().take())
        .col(uuid("organization_id", false))
        .col(uuid("invitation_id", live))
        .col(text("kind", false))
        .col(text("sender", false))
        .col(text("recipient", false))
        .col(text("reply_to", true))
        .col(text("subject", false))
        .col(text("text_body", false))
        .col(text("html_body", false))
        .col(big("captured_at", false))
        .foreign_key(&mut cascade(name, "organization_id", "organizations"));
    if live {
        t.col(uuid("live_interview_id", true))
            .col(uuid("attendee_id", true))
            .check(Expr::cust("(invitation_id IS NULL) <> (attendee_id IS NULL)"));
    }
    t.take()
}

/// Replaces `table` by `new` (created under a temporary name), keeping the shared columns
/// of rows that `keep` selects.
async fn rebuild(
    manager: &SchemaManager<'_>,
    table: &str,
    new: TableCreateStatement,
    shared: &[&str],
    keep: &str,
) -> Result<(), DbErr> {
    let next = format!("{table}_next");
    manager.create_table(new).await?;
    let cols = shared.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
    let db = manager.get_connection();
    db.execute_unprepared(&format!("INSERT INTO \"{next}\" ({cols}) SELECT {cols} FROM \"{table}\" WHERE {keep}"))
        .await?;
    manager.drop_table(Table::drop().table(Alias::new(table)).take()).await?;
    manager.rename_table(Table::rename().table(Alias::new(&next), Alias::new(table)).take()).await?;
    if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // The primary key's index keeps the name it was created under; give it the table's,
        // so that a later rebuild can use the temporary name again.
        db.execute_unprepared(&format!("ALTER INDEX \"{next}_pkey\" RENAME TO \"{table}_pkey\"")).await?;
    }
    Ok(())
}

async fn outbox_indexes(manager: &SchemaManager<'_>, live: bool) -> Result<(), DbErr> {
    manager.create_index(index("outbox_key", "outbox", &["invitation_id", "kind", "sequence"], true)).await?;
    manager.create_index(index("outbox_due", "outbox", &["state", "not_before"], false)).await?;
    manager.create_index(index("outbox_claimed", "outbox", &["state", "claim_until"], false)).await?;
    if live {
        manager
            .create_index(index("outbox_attendee_key", "outbox", &["attendee_id", "kind", "sequence"], true))
            .await?;
    }
    Ok(())
}

#[expect(elided_lifetimes_in_paths, reason = "async_trait cannot see through SchemaManager<'_> here")]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on every backend (SQLite too): a rebuild cut off half-way must
    /// leave the old tables, not half of the new ones.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, "outbox", outbox("outbox_next", true), OUTBOX_SHARED, "1 = 1").await?;
        outbox_indexes(manager, true).await?;
        rebuild(manager, "mailbox", mailbox("mailbox_next", true), MAILBOX_SHARED, "1 = 1").await?;
        manager
            .create_index(index("mailbox_org_captured", "mailbox", &["organization_id", "captured_at", "id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Messages about live interviews have no place in the older tables.
        let only_invitations = "invitation_id IS NOT NULL";
        rebuild(manager, "outbox", outbox("outbox_next", false), OUTBOX_SHARED, only_invitations).await?;
        outbox_indexes(manager, false).await?;
        rebuild(manager, "mailbox", mailbox("mailbox_next", false), MAILBOX_SHARED, only_invitations).await?;
        manager
            .create_index(index("mailbox_org_captured", "mailbox", &["organization_id", "captured_at", "id"], false))
            .await
    }
}
