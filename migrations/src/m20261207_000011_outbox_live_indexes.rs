//! The outbox's two work indexes hold only the messages still to send.
//!
//! `outbox_due` (`state, not_before`) and `outbox_claimed` (`state, claim_until`) covered
//! every message ever queued, so they grew with the delivered history (a million entries
//! each after a million emails) and every claim and every recorded delivery moved a message
//! in both. As partial indexes they hold the pending messages and the claimed ones: a claim
//! moves a message from one to the other, a delivery takes it out of the second. The claim,
//! the oldest-due gauge and the depth gauge name the state, so they read these indexes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub(crate) struct Migration;

const UP: &[&str] = &[
    "DROP INDEX IF EXISTS outbox_due",
    "DROP INDEX IF EXISTS outbox_claimed",
    "CREATE INDEX outbox_due ON outbox (not_before) WHERE state = 'pending'",
    "CREATE INDEX outbox_claimed ON outbox (claim_until) WHERE state = 'claimed'",
];

const DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS outbox_due",
    "DROP INDEX IF EXISTS outbox_claimed",
    "CREATE INDEX outbox_due ON outbox (state, not_before)",
    "CREATE INDEX outbox_claimed ON outbox (state, claim_until)",
];

#[expect(elided_lifetimes_in_paths, reason = "async_trait cannot see through SchemaManager<'_> here")]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::execute_all(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::execute_all(manager, DOWN).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
