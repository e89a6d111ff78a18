//! # slate-persistence
//!
//! An adapter on the edge of Slate's hexagon: every repository port of `slate-domain`, its
//! [`UnitOfWork`](slate_domain::ports::UnitOfWork) and its
//! [`Outbox`](slate_domain::ports::Outbox), over sea-orm, on SQLite (the embedded default)
//! and PostgreSQL (for several app instances sharing one database). One schema
//! (`migrations`), one behaviour, one contract suite run against both.
//!
//! - [`SqlStore::connect`] opens a pool (SQLite in WAL mode with foreign keys on and a busy
//!   timeout) and [`SqlStore::migrate`] applies pending migrations.
//! - A use case's [`ChangeSet`](slate_domain::ports::ChangeSet) is applied in one database transaction; updates are
//!   revision-checked (optimistic concurrency); the outbox's `(invitation, kind, sequence)`
//!   key is unique, so nothing is queued twice.
//! - Outbox claims are one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)
//!   RETURNING …` statement: on PostgreSQL concurrent workers skip each other's rows; on
//!   SQLite the statement runs under the database's single write lock.
//! - Every recruiter-side query filters on the organization id.

mod cache;
mod convert;
mod entities;
mod postgres_reads;
mod postgres_writes;
mod sqlite_reads;
mod sqlite_writes;
mod store;

pub use store::{ConnectError, DatabaseKind, SqlStore, StoreOptions};
