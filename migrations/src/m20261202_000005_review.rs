//! Reviewing answers: the append-only review log (ratings, comments, decisions) per
//! invitation, and the index the candidate list pages through.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum ReviewNotes {
    Table,
    Id,
    OrganizationId,
    InvitationId,
    RecruiterId,
    Kind,
    QuestionId,
    Rating,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Candidates {
    Table,
    OrganizationId,
    Id,
}

#[expect(elided_lifetimes_in_paths, reason = "async_trait cannot see through SchemaManager<'_> here")]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReviewNotes::Table)
                    .col(ColumnDef::new(ReviewNotes::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(ReviewNotes::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(ReviewNotes::InvitationId).uuid().not_null())
                    .col(ColumnDef::new(ReviewNotes::RecruiterId).uuid().not_null())
                    .col(ColumnDef::new(ReviewNotes::Kind).text().not_null())
                    .col(ColumnDef::new(ReviewNotes::QuestionId).uuid().null())
                    .col(ColumnDef::new(ReviewNotes::Rating).small_integer().null())
                    .col(ColumnDef::new(ReviewNotes::Body).text().null())
                    .col(ColumnDef::new(ReviewNotes::CreatedAt).big_integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReviewNotes::Table, ReviewNotes::InvitationId)
                            .to(Alias::new("invitations"), Alias::new("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("review_notes_invitation")
                    .table(ReviewNotes::Table)
                    .col(ReviewNotes::OrganizationId)
                    .col(ReviewNotes::InvitationId)
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("candidates_org_id")
                    .table(Candidates::Table)
                    .col(Candidates::OrganizationId)
                    .col(Candidates::Id)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("candidates_org_id").table(Candidates::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ReviewNotes::Table).take()).await
    }
}
