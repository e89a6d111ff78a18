//! Live interviews and their attendees. The status is not stored: it follows from the
//! attendees' responses and the cancellation. An attendee's row is the subject of their
//! secret link (looked up by its primary key).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum LiveInterviews {
    Table,
    Id,
    OrganizationId,
    OrganizerId,
    CandidateId,
    Title,
    LocalDate,
    LocalTime,
    Minutes,
    TimeZone,
    StartsAt,
    EndsAt,
    LocationKind,
    Location,
    JobId,
    FollowsId,
    CandidateSubject,
    CandidateBody,
    InterviewerSubject,
    InterviewerBody,
    Sequence,
    Resends,
    ReminderDueAt,
    CancelledAt,
    CreatedAt,
    UpdatedAt,
    Revision,
}

#[derive(DeriveIden)]
enum LiveAttendees {
    Table,
    Id,
    LiveInterviewId,
    Position,
    Role,
    CandidateId,
    RecruiterId,
    Name,
    Email,
    Language,
    Response,
    DeclineMessage,
    RespondedAt,
    LinkVersion,
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
        use LiveInterviews as L;
        manager
            .create_table(
                Table::create()
                    .table(L::Table)
                    .col(ColumnDef::new(L::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(L::OrganizationId).uuid().not_null())
                    .col(ColumnDef::new(L::OrganizerId).uuid().not_null())
                    .col(ColumnDef::new(L::CandidateId).uuid().not_null())
                    .col(ColumnDef::new(L::Title).text().not_null())
                    .col(ColumnDef::new(L::LocalDate).text().not_null())
                    .col(ColumnDef::new(L::LocalTime).text().not_null())
                    .col(ColumnDef::new(L::Minutes).integer().not_null())
                    .col(ColumnDef::new(L::TimeZone).text().not_null())
                    .col(ColumnDef::new(L::StartsAt).big_integer().not_null())
                    .col(ColumnDef::new(L::EndsAt).big_integer().not_null())
                    .col(ColumnDef::new(L::LocationKind).text().not_null())
                    .col(ColumnDef::new(L::Location).text().not_null())
                    .col(ColumnDef::new(L::JobId).uuid().null())
                    .col(ColumnDef::new(L::FollowsId).uuid().null())
                    .col(ColumnDef::new(L::CandidateSubject).text().null())
                    .col(ColumnDef::new(L::CandidateBody).text().null())
                    .col(ColumnDef::new(L::InterviewerSubject).text().null())
                    .col(ColumnDef::new(L::InterviewerBody).text().null())
                    .col(ColumnDef::new(L::Sequence).integer().not_null())
                    .col(ColumnDef::new(L::Resends).integer().not_null())
                    .col(ColumnDef::new(L::ReminderDueAt).big_integer().null())
                    .col(ColumnDef::new(L::CancelledAt).big_integer().null())
                    .col(ColumnDef::new(L::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(L::UpdatedAt).big_integer().not_null())
                    .col(ColumnDef::new(L::Revision).big_integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(L::Table, L::OrganizationId)
                            .to(Alias::new("organizations"), Alias::new("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("live_interviews_org_start")
                    .table(L::Table)
                    .col(L::OrganizationId)
                    .col(L::StartsAt)
                    .take(),
            )
            .await?;
        manager
            .create_index(Index::create().name("live_interviews_reminder").table(L::Table).col(L::ReminderDueAt).take())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("live_interviews_org_candidate")
                    .table(L::Table)
                    .col(L::OrganizationId)
                    .col(L::CandidateId)
                    .take(),
            )
            .await?;
        use LiveAttendees as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(ColumnDef::new(A::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(A::LiveInterviewId).uuid().not_null())
                    .col(ColumnDef::new(A::Position).integer().not_null())
                    .col(ColumnDef::new(A::Role).text().not_null())
                    .col(ColumnDef::new(A::CandidateId).uuid().null())
                    .col(ColumnDef::new(A::RecruiterId).uuid().null())
                    .col(ColumnDef::new(A::Name).text().not_null())
                    .col(ColumnDef::new(A::Email).text().not_null())
                    .col(ColumnDef::new(A::Language).text().not_null())
                    .col(ColumnDef::new(A::Response).text().not_null())
                    .col(ColumnDef::new(A::DeclineMessage).text().null())
                    .col(ColumnDef::new(A::RespondedAt).big_integer().null())
                    .col(ColumnDef::new(A::LinkVersion).integer().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(A::Table, A::LiveInterviewId)
                            .to(L::Table, L::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("live_attendees_interview")
                    .table(A::Table)
                    .col(A::LiveInterviewId)
                    .col(A::Position)
                    .unique()
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LiveAttendees::Table).take()).await?;
        manager.drop_table(Table::drop().table(LiveInterviews::Table).take()).await
    }
}
