//! Accounts: recruiters' password hashes, login sessions and API keys. Sessions and keys
//! store only SHA-256 digests (hex) of their random parts, never the secrets.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Credentials {
    Table,
    RecruiterId,
    PasswordHash,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    OrganizationId,
    RecruiterId,
    Digest,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    OrganizationId,
    RecruiterId,
    Name,
    Digest,
    CreatedAt,
    RevokedAt,
}

fn recruiter_fk(table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Alias::new("recruiters"), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[expect(elided_lifetimes_in_paths, reason = "async_trait cannot see through SchemaManager<'_> here")]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Credentials::Table)
                    .col(ColumnDef::new(Credentials::RecruiterId).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Credentials::PasswordHash).text().not_null())
                    .foreign_key(&mut recruiter_fk(Credentials::Table, Credentials::RecruiterId))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(ColumnDef::new(Sessions::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Sessions::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(Sessions::RecruiterId).uuid().not_null())
                    .col(ColumnDef::new(Sessions::Digest).string_len(64).not_null())
                    .col(ColumnDef::new(Sessions::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(Sessions::ExpiresAt).big_integer().not_null())
                    .foreign_key(&mut recruiter_fk(Sessions::Table, Sessions::RecruiterId))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("sessions_expires_at").table(Sessions::Table).col(Sessions::ExpiresAt).take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiKeys::Table)
                    .col(ColumnDef::new(ApiKeys::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ApiKeys::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(ApiKeys::RecruiterId).uuid().not_null())
                    .col(ColumnDef::new(ApiKeys::Name).text().not_null())
                    .col(ColumnDef::new(ApiKeys::Digest).string_len(64).not_null())
                    .col(ColumnDef::new(ApiKeys::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(ApiKeys::RevokedAt).big_integer().null())
                    .foreign_key(&mut recruiter_fk(ApiKeys::Table, ApiKeys::RecruiterId))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("api_keys_by_organization")
                    .table(ApiKeys::Table)
                    .col(ApiKeys::OrganizationId)
                    .col(ApiKeys::CreatedAt)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [ApiKeys::Table.into_iden(), Sessions::Table.into_iden(), Credentials::Table.into_iden()] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
