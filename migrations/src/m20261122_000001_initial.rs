//! The initial schema: organizations, recruiters, jobs, candidates, interviews, interview
//! snapshots, invitations, timeline events, answers and the outbox.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    Name,
    TimeZone,
    DefaultLanguage,
    RemindNotStartedDays,
    RemindDaysBeforeDeadline,
}

#[derive(DeriveIden)]
enum Recruiters {
    Table,
    Id,
    OrganizationId,
    Name,
    Email,
    EmailKey,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    OrganizationId,
    Title,
    CompanyName,
}

#[derive(DeriveIden)]
enum Candidates {
    Table,
    Id,
    OrganizationId,
    Kind,
    FirstName,
    LastName,
    FirstNameKey,
    LastNameKey,
    Email,
    Phone,
    Notes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Interviews {
    Table,
    Id,
    OrganizationId,
    Name,
    JobId,
    Intro,
    QuestionLanguage,
    Difficulty,
    FocusArea,
    Questions,
    Status,
    Revision,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum InterviewSnapshots {
    Table,
    Hash,
    Body,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    OrganizationId,
    CandidateId,
    FirstName,
    LastName,
    SortName,
    SearchText,
    InvitedBy,
    InterviewId,
    JobId,
    SnapshotHash,
    Email,
    EmailKey,
    Language,
    DeadlineDate,
    DeadlineZone,
    ClosesAt,
    BccMe,
    NotifyMe,
    Status,
    ExpiredFrom,
    LinkVersion,
    EmailsQueued,
    RemindedNotStarted,
    RemindedDeadline,
    Takes,
    CreatedAt,
    UpdatedAt,
    OpenedAt,
    StartedAt,
    CompletedAt,
    Revision,
}

#[derive(DeriveIden)]
enum TimelineEvents {
    Table,
    Seq,
    Id,
    OrganizationId,
    CandidateId,
    InvitationId,
    Kind,
    Data,
    ActorKind,
    ActorId,
    At,
}

#[derive(DeriveIden)]
enum Answers {
    Table,
    Id,
    OrganizationId,
    InvitationId,
    QuestionId,
    Take,
    MediaKey,
    DurationMs,
    SizeBytes,
    Format,
    RecordedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    OrganizationId,
    InvitationId,
    Kind,
    Sequence,
    Recipient,
    Language,
    CreatedAt,
    State,
    NotBefore,
    ClaimUntil,
    Attempts,
    DoneAt,
    Failure,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().primary_key().take()
}
fn uuid(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().not_null().take()
}
fn uuid_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).uuid().null().take()
}
fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().take()
}
fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().take()
}
fn int(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().take()
}
fn int_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).integer().null().take()
}
fn big(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}
fn big_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().take()
}
fn boolean(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).boolean().not_null().take()
}

/// Text compared byte-wise on every backend: keys that are sorted, range-compared or
/// prefix-searched must order the same on PostgreSQL (whatever the cluster's locale) as on
/// SQLite and in the domain.
fn key_text(col: impl IntoIden, backend: sea_orm_migration::sea_orm::DbBackend) -> ColumnDef {
    let mut def = ColumnDef::new(col).text().not_null().take();
    if backend == sea_orm_migration::sea_orm::DbBackend::Postgres {
        def.extra("COLLATE \"C\"");
    }
    def
}

fn fk(
    from_table: impl IntoIden,
    from: impl IntoIden,
    to_table: impl IntoIden,
    to: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from_table, from).to(to_table, to).on_delete(ForeignKeyAction::Cascade).take()
}

fn index(name: &str, table: impl IntoIden, cols: &[&str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    if unique {
        stmt.unique();
    }
    stmt.take()
}

#[expect(elided_lifetimes_in_paths, reason = "async_trait cannot see through SchemaManager<'_> here")]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        manager
            .create_table(
                Table::create()
                    .table(Organizations::Table)
                    .col(id(Organizations::Id))
                    .col(text(Organizations::Name))
                    .col(text(Organizations::TimeZone))
                    .col(text(Organizations::DefaultLanguage))
                    .col(int_null(Organizations::RemindNotStartedDays))
                    .col(int_null(Organizations::RemindDaysBeforeDeadline))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Recruiters::Table)
                    .col(id(Recruiters::Id))
                    .col(uuid(Recruiters::OrganizationId))
                    .col(text(Recruiters::Name))
                    .col(text(Recruiters::Email))
                    .col(key_text(Recruiters::EmailKey, backend))
                    .foreign_key(&mut fk(
                        Recruiters::Table,
                        Recruiters::OrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                    ))
                    .take(),
            )
            .await?;
        manager.create_index(index("recruiters_email_key", Recruiters::Table, &["email_key"], true)).await?;
        manager.create_index(index("recruiters_org", Recruiters::Table, &["organization_id"], false)).await?;

        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(id(Jobs::Id))
                    .col(uuid(Jobs::OrganizationId))
                    .col(text(Jobs::Title))
                    .col(text(Jobs::CompanyName))
                    .foreign_key(&mut fk(Jobs::Table, Jobs::OrganizationId, Organizations::Table, Organizations::Id))
                    .take(),
            )
            .await?;
        manager.create_index(index("jobs_org", Jobs::Table, &["organization_id"], false)).await?;

        manager
            .create_table(
                Table::create()
                    .table(Candidates::Table)
                    .col(id(Candidates::Id))
                    .col(uuid(Candidates::OrganizationId))
                    .col(text(Candidates::Kind))
                    .col(text(Candidates::FirstName))
                    .col(text(Candidates::LastName))
                    .col(key_text(Candidates::FirstNameKey, backend))
                    .col(key_text(Candidates::LastNameKey, backend))
                    .col(text_null(Candidates::Email))
                    .col(text_null(Candidates::Phone))
                    .col(text(Candidates::Notes))
                    .col(big(Candidates::CreatedAt))
                    .foreign_key(&mut fk(
                        Candidates::Table,
                        Candidates::OrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "candidates_first_name",
                Candidates::Table,
                &["organization_id", "kind", "first_name_key"],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "candidates_last_name",
                Candidates::Table,
                &["organization_id", "kind", "last_name_key"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Interviews::Table)
                    .col(id(Interviews::Id))
                    .col(uuid(Interviews::OrganizationId))
                    .col(text(Interviews::Name))
                    .col(uuid_null(Interviews::JobId))
                    .col(text(Interviews::Intro))
                    .col(text(Interviews::QuestionLanguage))
                    .col(text_null(Interviews::Difficulty))
                    .col(text_null(Interviews::FocusArea))
                    .col(text(Interviews::Questions))
                    .col(text(Interviews::Status))
                    .col(big(Interviews::Revision))
                    .col(big(Interviews::CreatedAt))
                    .col(big(Interviews::UpdatedAt))
                    .foreign_key(&mut fk(
                        Interviews::Table,
                        Interviews::OrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("interviews_org", Interviews::Table, &["organization_id", "created_at"], false))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(InterviewSnapshots::Table)
                    .col(ColumnDef::new(InterviewSnapshots::Hash).string_len(64).not_null().primary_key())
                    .col(text(InterviewSnapshots::Body))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(id(Invitations::Id))
                    .col(uuid(Invitations::OrganizationId))
                    .col(uuid(Invitations::CandidateId))
                    .col(text(Invitations::FirstName))
                    .col(text(Invitations::LastName))
                    .col(key_text(Invitations::SortName, backend))
                    .col(key_text(Invitations::SearchText, backend))
                    .col(uuid(Invitations::InvitedBy))
                    .col(uuid(Invitations::InterviewId))
                    .col(uuid_null(Invitations::JobId))
                    .col(ColumnDef::new(Invitations::SnapshotHash).string_len(64).not_null())
                    .col(text(Invitations::Email))
                    .col(key_text(Invitations::EmailKey, backend))
                    .col(text(Invitations::Language))
                    .col(key_text(Invitations::DeadlineDate, backend))
                    .col(text(Invitations::DeadlineZone))
                    .col(big(Invitations::ClosesAt))
                    .col(boolean(Invitations::BccMe))
                    .col(boolean(Invitations::NotifyMe))
                    .col(text(Invitations::Status))
                    .col(text_null(Invitations::ExpiredFrom))
                    .col(int(Invitations::LinkVersion))
                    .col(int(Invitations::EmailsQueued))
                    .col(boolean(Invitations::RemindedNotStarted))
                    .col(boolean(Invitations::RemindedDeadline))
                    .col(text(Invitations::Takes))
                    .col(big(Invitations::CreatedAt))
                    .col(big(Invitations::UpdatedAt))
                    .col(big_null(Invitations::OpenedAt))
                    .col(big_null(Invitations::StartedAt))
                    .col(big_null(Invitations::CompletedAt))
                    .col(big(Invitations::Revision))
                    .foreign_key(&mut fk(
                        Invitations::Table,
                        Invitations::OrganizationId,
                        Organizations::Table,
                        Organizations::Id,
                    ))
                    .foreign_key(&mut fk(
                        Invitations::Table,
                        Invitations::CandidateId,
                        Candidates::Table,
                        Candidates::Id,
                    ))
                    .foreign_key(
                        &mut ForeignKey::create()
                            .from(Invitations::Table, Invitations::SnapshotHash)
                            .to(InterviewSnapshots::Table, InterviewSnapshots::Hash)
                            .take(),
                    )
                    .take(),
            )
            .await?;
        // The list's sort orders, each with the id as tie-breaker for keyset pagination, and
        // the status filter in front of the default order.
        for (name, cols) in [
            ("invitations_created", &["organization_id", "created_at", "id"][..]),
            ("invitations_status_created", &["organization_id", "status", "created_at", "id"]),
            ("invitations_deadline", &["organization_id", "deadline_date", "id"]),
            ("invitations_name", &["organization_id", "sort_name", "id"]),
            ("invitations_interview_created", &["organization_id", "interview_id", "created_at", "id"]),
            ("invitations_job_created", &["organization_id", "job_id", "created_at", "id"]),
            ("invitations_open_by_email", &["organization_id", "interview_id", "email_key"]),
            ("invitations_closing", &["status", "closes_at"]),
            ("invitations_candidate", &["candidate_id"]),
        ] {
            manager.create_index(index(name, Invitations::Table, cols, false)).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(TimelineEvents::Table)
                    .col(ColumnDef::new(TimelineEvents::Seq).big_integer().not_null().auto_increment().primary_key())
                    .col(uuid(TimelineEvents::Id))
                    .col(uuid(TimelineEvents::OrganizationId))
                    .col(uuid(TimelineEvents::CandidateId))
                    .col(uuid_null(TimelineEvents::InvitationId))
                    .col(text(TimelineEvents::Kind))
                    .col(text(TimelineEvents::Data))
                    .col(text(TimelineEvents::ActorKind))
                    .col(uuid_null(TimelineEvents::ActorId))
                    .col(big(TimelineEvents::At))
                    .foreign_key(&mut fk(
                        TimelineEvents::Table,
                        TimelineEvents::CandidateId,
                        Candidates::Table,
                        Candidates::Id,
                    ))
                    .take(),
            )
            .await?;
        manager.create_index(index("timeline_events_id", TimelineEvents::Table, &["id"], true)).await?;
        manager
            .create_index(index(
                "timeline_events_candidate",
                TimelineEvents::Table,
                &["organization_id", "candidate_id", "seq"],
                false,
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Answers::Table)
                    .col(id(Answers::Id))
                    .col(uuid(Answers::OrganizationId))
                    .col(uuid(Answers::InvitationId))
                    .col(uuid(Answers::QuestionId))
                    .col(int(Answers::Take))
                    .col(text(Answers::MediaKey))
                    .col(big(Answers::DurationMs))
                    .col(big(Answers::SizeBytes))
                    .col(text(Answers::Format))
                    .col(big(Answers::RecordedAt))
                    .foreign_key(&mut fk(Answers::Table, Answers::InvitationId, Invitations::Table, Invitations::Id))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("answers_take", Answers::Table, &["invitation_id", "question_id", "take"], true))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(id(Outbox::Id))
                    .col(uuid(Outbox::OrganizationId))
                    .col(uuid(Outbox::InvitationId))
                    .col(text(Outbox::Kind))
                    .col(int(Outbox::Sequence))
                    .col(text(Outbox::Recipient))
                    .col(text(Outbox::Language))
                    .col(big(Outbox::CreatedAt))
                    .col(text(Outbox::State))
                    .col(big_null(Outbox::NotBefore))
                    .col(big_null(Outbox::ClaimUntil))
                    .col(int(Outbox::Attempts))
                    .col(big_null(Outbox::DoneAt))
                    .col(text_null(Outbox::Failure))
                    .foreign_key(&mut fk(Outbox::Table, Outbox::InvitationId, Invitations::Table, Invitations::Id))
                    .take(),
            )
            .await?;
        manager.create_index(index("outbox_key", Outbox::Table, &["invitation_id", "kind", "sequence"], true)).await?;
        manager.create_index(index("outbox_due", Outbox::Table, &["state", "not_before"], false)).await?;
        manager.create_index(index("outbox_claimed", Outbox::Table, &["state", "claim_until"], false)).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Outbox::Table.into_iden(),
            Answers::Table.into_iden(),
            TimelineEvents::Table.into_iden(),
            Invitations::Table.into_iden(),
            InterviewSnapshots::Table.into_iden(),
            Interviews::Table.into_iden(),
            Candidates::Table.into_iden(),
            Jobs::Table.into_iden(),
            Recruiters::Table.into_iden(),
            Organizations::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
