//! One open invitation per (organization, interview, email): a partial unique index, so two
//! simultaneous identical invitations cannot both be stored (the use case's read-check alone
//! could race). Completed and cancelled invitations do not count.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

const NAME: &str = "invitations_one_open";

#[expect(elided_lifetimes_in_paths, reason = "async_trait cannot see through SchemaManager<'_> here")]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Alias::new("invitations");
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(table.clone())
                    .col(Alias::new("organization_id"))
                    .col(Alias::new("interview_id"))
                    .col(Alias::new("email_key"))
                    .unique()
                    .and_where(Expr::col((table, Alias::new("status"))).is_not_in(["completed", "cancelled"]))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(NAME).table(Alias::new("invitations")).to_owned()).await
    }
}
