//! Sending mail: the claim token on outbox rows (a worker whose claim lapsed cannot record an
//! outcome), the planned reminder moment on invitations (the reminder job reads an index
//! instead of every open invitation), organizations' email templates, and the local mailbox.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    ClaimToken,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    NextReminderAt,
}

#[derive(DeriveIden)]
enum MessageTemplates {
    Table,
    Id,
    OrganizationId,
    Kind,
    Language,
    Subject,
    Body,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
    Revision,
}

#[derive(DeriveIden)]
enum Mailbox {
    Table,
    Id,
    OrganizationId,
    InvitationId,
    Kind,
    Sender,
    Recipient,
    ReplyTo,
    Subject,
    TextBody,
    HtmlBody,
    CapturedAt,
}

fn org_fk(table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Alias::new("organizations"), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[expect(elided_lifetimes_in_paths, reason = "async_trait cannot see through SchemaManager<'_> here")]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Outbox::Table).add_column(ColumnDef::new(Outbox::ClaimToken).uuid().null()).take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Invitations::Table)
                    .add_column(ColumnDef::new(Invitations::NextReminderAt).big_integer().null())
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invitations_next_reminder")
                    .table(Invitations::Table)
                    .col(Invitations::NextReminderAt)
                    .take(),
            )
            .await?;
        // Open invitations with a reminder still to send are looked at by the first run of
        // the reminder job, which plans each one's real moment.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE invitations SET next_reminder_at = created_at \
                 WHERE status IN ('queued', 'sent', 'opened', 'bounced', 'started') \
                 AND (reminded_not_started = FALSE OR reminded_deadline = FALSE)",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MessageTemplates::Table)
                    .col(ColumnDef::new(MessageTemplates::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(MessageTemplates::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(MessageTemplates::Kind).text().not_null())
                    .col(ColumnDef::new(MessageTemplates::Language).text().not_null())
                    .col(ColumnDef::new(MessageTemplates::Subject).text().not_null())
                    .col(ColumnDef::new(MessageTemplates::Body).text().not_null())
                    .col(ColumnDef::new(MessageTemplates::UpdatedBy).uuid().not_null())
                    .col(ColumnDef::new(MessageTemplates::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(MessageTemplates::UpdatedAt).big_integer().not_null())
                    .col(ColumnDef::new(MessageTemplates::Revision).big_integer().not_null())
                    .foreign_key(&mut org_fk(MessageTemplates::Table, MessageTemplates::OrganizationId))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("message_templates_key")
                    .table(MessageTemplates::Table)
                    .col(MessageTemplates::OrganizationId)
                    .col(MessageTemplates::Kind)
                    .col(MessageTemplates::Language)
                    .unique()
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Mailbox::Table)
                    .col(ColumnDef::new(Mailbox::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Mailbox::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(Mailbox::InvitationId).uuid().not_null())
                    .col(ColumnDef::new(Mailbox::Kind).text().not_null())
                    .col(ColumnDef::new(Mailbox::Sender).text().not_null())
                    .col(ColumnDef::new(Mailbox::Recipient).text().not_null())
                    .col(ColumnDef::new(Mailbox::ReplyTo).text().null())
                    .col(ColumnDef::new(Mailbox::Subject).text().not_null())
                    .col(ColumnDef::new(Mailbox::TextBody).text().not_null())
                    .col(ColumnDef::new(Mailbox::HtmlBody).text().not_null())
                    .col(ColumnDef::new(Mailbox::CapturedAt).big_integer().not_null())
                    .foreign_key(&mut org_fk(Mailbox::Table, Mailbox::OrganizationId))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("mailbox_org_captured")
                    .table(Mailbox::Table)
                    .col(Mailbox::OrganizationId)
                    .col(Mailbox::CapturedAt)
                    .col(Mailbox::Id)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Mailbox::Table).take()).await?;
        manager.drop_table(Table::drop().table(MessageTemplates::Table).take()).await?;
        manager
            .drop_index(Index::drop().name("invitations_next_reminder").table(Invitations::Table).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(Invitations::Table).drop_column(Invitations::NextReminderAt).take())
            .await?;
        manager.alter_table(Table::alter().table(Outbox::Table).drop_column(Outbox::ClaimToken).take()).await
    }
}
