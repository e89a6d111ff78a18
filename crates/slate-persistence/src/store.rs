//! [`SqlStore`]: the connection pool and every port implementation.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use migrations::{Migrator, MigratorTrait};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait, IntoActiveModel, Iterable, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, SqlErr, Statement, TransactionTrait,
};
use slate_domain::ports::{
    AccountRepository, AdapterError, AnswerRepository, CandidateRepository, ChangeSet, CommitError,
    InterviewRepository, InvitationRepository, JobRepository, LiveInterviewRepository, MailboxRepository,
    OrganizationRepository, Outbox, RecruiterRepository, TemplateRepository, TimelineRepository, UnitOfWork, Write,
};
use slate_domain::{
    Answer, ApiKey, ApiKeyId, Candidate, CandidateId, CandidateKind, EmailAddress, InterviewId, InterviewSnapshot,
    InterviewStatus, Invitation, InvitationId, InvitationQuery, InvitationStatus, Job, JobId, MessageId, NamePrefix,
    Organization, OrganizationId, OutboxMessage, Page, PasswordHash, Recruiter, RecruiterId, Session, SessionId,
    SortField, SortKey, SortOrder, TimelineEvent, VideoInterview,
};
use slate_domain::{AttendeeId, LiveInterview, LiveInterviewId, LiveQuery};
use slate_domain::{
    CapturedEmail, ClaimToken, Funnel, FunnelScope, Language, MessageTemplate, ReviewNote, TemplateKind,
};

use crate::cache;
use crate::convert;
use crate::entities::{
    answer, api_key, candidate, credential, interview, interview_snapshot, invitation, job, live_attendee,
    live_interview, mailbox, message_template, organization, outbox, recruiter, review_note, session, timeline_event,
};
use crate::postgres_reads::PostgresReads;
use crate::postgres_writes::PostgresWriter;
use crate::sqlite_reads::{self, SqliteReads};
use crate::sqlite_writes::SqliteWriter;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Pool settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// The most connections the pool opens. SQLite serialises writes whatever the number;
    /// extra connections serve concurrent reads.
    pub max_connections: u32,
    /// How long to wait for a connection, or for SQLite's write lock.
    pub timeout: Duration,
    /// Whether reads by key and commits may bypass the sqlx pool (inline `rusqlite` on an
    /// SQLite file; pipelining `tokio-postgres` connections where no TLS is at stake). On by
    /// default; off, everything runs on the pool, as it does anyway in memory or over a
    /// connection that may use TLS (the contract suite runs both ways).
    pub bypass_pool: bool,
    /// Whether API keys, organizations and invitations read by id are kept in memory until
    /// a commit writes them (on PostgreSQL: while this instance hears other instances'
    /// commits). On by default; off, every read goes to the database (benchmarks compare).
    pub cache_rows: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self { max_connections: 8, timeout: Duration::from_secs(5), bypass_pool: true, cache_rows: true }
    }
}

/// Why the database could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL is neither `sqlite:` nor `postgres:`/`postgresql:`.
    #[error("unsupported database URL scheme (expected sqlite: or postgres:)")]
    UnsupportedUrl,
    /// The database refused or failed.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

/// Slate's storage over sea-orm. Cheap to clone (the pool is shared).
#[derive(Debug, Clone)]
pub struct SqlStore {
    db: DatabaseConnection,
    kind: DatabaseKind,
    /// Point reads on an SQLite file, run inline (`None` on PostgreSQL or in memory).
    reads: Option<Arc<SqliteReads>>,
    /// Point reads on PostgreSQL through pipelining `tokio-postgres` connections (`None` on
    /// SQLite, or where the connection might use TLS).
    pg_reads: Option<Arc<PostgresReads>>,
    /// Commits on an SQLite file, each run whole on one `rusqlite` connection (`None` on
    /// PostgreSQL or in memory).
    writer: Option<Arc<SqliteWriter>>,
    /// Commits on PostgreSQL pipelined on `tokio-postgres` connections (where the reads
    /// beside them are).
    pg_writer: Option<Arc<PostgresWriter>>,
    /// API keys and organizations, kept until a commit touches them (see `cache`).
    rows: Arc<cache::Rows>,
    /// Decoded interview snapshots by content hash. A snapshot row never changes once
    /// written (its key is the SHA-256 of its body), so this can never be stale.
    snapshot_cache: Arc<quick_cache::sync::Cache<String, InterviewSnapshot>>,
}

/// Below this many rows holding a search text, an SQLite search reads them from the trigram
/// index; from it on, the text is common enough that testing rows in the page's order finds a
/// page sooner (at least one row in a hundred of a million matches).
const SELECTIVE: i64 = 10_000;

/// How many decoded snapshots are kept (each is one published interview's questions).
const SNAPSHOT_CACHE: usize = 4096;

fn internal(e: DbErr) -> AdapterError {
    AdapterError::new(e)
}

fn commit_error(e: DbErr, what: &'static str) -> CommitError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => CommitError::Duplicate(what),
        _ => CommitError::Internal(internal(e)),
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

const OPEN_STATUSES: [InvitationStatus; 5] = [
    InvitationStatus::Queued,
    InvitationStatus::Sent,
    InvitationStatus::Opened,
    InvitationStatus::Started,
    InvitationStatus::Bounced,
];

fn names(statuses: &[InvitationStatus]) -> Vec<&'static str> {
    statuses.iter().map(|s| s.as_str()).collect()
}

impl SqlStore {
    /// Opens a pool on `url` (`sqlite://path/to/slate.db?mode=rwc` or
    /// `postgres://user:pass@host:port/db`). SQLite gets WAL journaling, `synchronous =
    /// NORMAL`, foreign keys on and a busy timeout. Nothing is migrated here.
    ///
    /// # Errors
    /// [`ConnectError`].
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Self, ConnectError> {
        let kind = if url.starts_with("sqlite:") {
            DatabaseKind::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            DatabaseKind::Postgres
        } else {
            return Err(ConnectError::UnsupportedUrl);
        };
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.max_connections(options.max_connections)
            .min_connections(1)
            .connect_timeout(options.timeout)
            .acquire_timeout(options.timeout)
            // A ping on every checkout is a round trip per statement on PostgreSQL; ping
            // only a connection that sat idle long enough for a server, proxy or firewall
            // to have dropped it.
            .test_before_acquire_if_idle_for(Duration::from_secs(30))
            .sqlx_logging(false);
        let busy = options.timeout;
        opts.map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(busy)
                .create_if_missing(true)
        });
        let db = Database::connect(opts).await?;
        let file = sqlite_reads::file_of(url).filter(|_| options.bypass_pool);
        let reads = file.as_ref().map(|path| Arc::new(SqliteReads::new(path, busy)));
        let writer = file.as_ref().map(|path| Arc::new(SqliteWriter::new(path, busy)));
        let pg_reads = match kind {
            DatabaseKind::Postgres if options.bypass_pool => PostgresReads::for_url(url, options.timeout).map(Arc::new),
            DatabaseKind::Postgres | DatabaseKind::Sqlite => None,
        };
        let pg_writer = pg_reads.as_ref().map(|r| Arc::new(PostgresWriter::new(r.config())));
        let snapshot_cache = Arc::new(quick_cache::sync::Cache::new(SNAPSHOT_CACHE));
        let rows = Arc::new(cache::Rows::new(kind == DatabaseKind::Sqlite && options.cache_rows));
        if kind == DatabaseKind::Postgres && options.cache_rows {
            cache::listen(url.to_owned(), &rows);
        }
        Ok(Self { db, kind, reads, pg_reads, writer, pg_writer, rows, snapshot_cache })
    }

    /// Applies every pending migration.
    ///
    /// # Errors
    /// [`ConnectError::Database`].
    pub async fn migrate(&self) -> Result<(), ConnectError> {
        Migrator::up(&self.db, None).await?;
        self.rows.empty();
        Ok(())
    }

    /// Reverts the last `steps` applied migrations.
    ///
    /// # Errors
    /// [`ConnectError::Database`].
    pub async fn migrate_down(&self, steps: u32) -> Result<(), ConnectError> {
        Migrator::down(&self.db, Some(steps)).await?;
        self.rows.empty();
        Ok(())
    }

    /// Every known migration by name, with whether it has been applied.
    ///
    /// # Errors
    /// [`ConnectError::Database`].
    pub async fn migration_status(&self) -> Result<Vec<(String, bool)>, ConnectError> {
        let pending: Vec<String> =
            Migrator::get_pending_migrations(&self.db).await?.iter().map(|m| m.name().to_owned()).collect();
        Ok(Migrator::migrations()
            .iter()
            .map(|m| {
                let name = m.name().to_owned();
                let applied = !pending.contains(&name);
                (name, applied)
            })
            .collect())
    }

    /// Whether the database answers.
    ///
    /// # Errors
    /// [`AdapterError`] when it does not.
    pub async fn ping(&self) -> Result<(), AdapterError> {
        self.db.ping().await.map_err(internal)
    }

    /// The database kind.
    #[must_use]
    pub const fn kind(&self) -> DatabaseKind {
        self.kind
    }

    /// The sea-orm connection, for the app's health checks and for benchmarks.
    #[must_use]
    pub const fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The first row `select` finds: inline on an SQLite file, through `tokio-postgres` on
    /// PostgreSQL where that path is on, through the pool otherwise.
    async fn find_one<E>(&self, select: sea_orm::Select<E>) -> Result<Option<E::Model>, AdapterError>
    where
        E: EntityTrait,
        E::Model: Sync,
        E::ActiveModel: sea_orm::TryIntoModel<E::Model>,
    {
        if let Some(reads) = &self.reads {
            return reads.one(select).map_err(internal);
        }
        match &self.pg_reads {
            Some(reads) => reads.one(select).await.map_err(internal),
            None => select.one(&self.db).await.map_err(internal),
        }
    }

    /// Every row `select` finds, for selects bounded by a key (a few rows: an invitation's
    /// answers, a live interview's attendees, a batch of ids): inline on an SQLite file, through
    /// `tokio-postgres` on PostgreSQL where that path is on.
    async fn find_all<E>(&self, select: sea_orm::Select<E>) -> Result<Vec<E::Model>, AdapterError>
    where
        E: EntityTrait,
        E::Model: Sync,
        E::ActiveModel: sea_orm::TryIntoModel<E::Model>,
    {
        if let Some(reads) = &self.reads {
            return reads.all(select).map_err(internal);
        }
        match &self.pg_reads {
            Some(reads) => reads.all(select).await.map_err(internal),
            None => select.all(&self.db).await.map_err(internal),
        }
    }

    /// On SQLite, the FTS5 phrase for `text` when the trigram index finds fewer than
    /// [`SELECTIVE`] rows holding it (any organization); `None` when the text is shorter than a
    /// trigram, common, or the database is PostgreSQL (whose planner weighs its `pg_trgm`
    /// index against the sort order itself).
    async fn selective_phrase(&self, text: &str) -> Result<Option<String>, AdapterError> {
        if self.kind != DatabaseKind::Sqlite || text.chars().count() < 3 {
            return Ok(None);
        }
        let phrase = format!("\"{}\"", text.replace('"', "\"\""));
        let sql = format!(
            "SELECT count(*) AS n FROM (SELECT rowid FROM invitations_search WHERE invitations_search MATCH ? LIMIT {SELECTIVE})"
        );
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Sqlite,
                sql,
                [phrase.clone().into()],
            ))
            .await
            .map_err(internal)?;
        let hits: i64 = row.map(|r| r.try_get("", "n")).transpose().map_err(internal)?.unwrap_or(0);
        Ok((hits < SELECTIVE).then_some(phrase))
    }

    /// The row of a hot read by key: on an SQLite file its SQL is built once per `shape` and
    /// `params` (the select's values, in order) are bound to it; on PostgreSQL the same through
    /// `tokio-postgres` where that path is on; elsewhere `select` runs.
    async fn find_by_shape<E>(
        &self,
        shape: &'static str,
        select: impl FnOnce() -> sea_orm::Select<E>,
        params: Vec<sea_orm::Value>,
    ) -> Result<Option<E::Model>, AdapterError>
    where
        E: EntityTrait,
        E::Model: Sync,
        E::ActiveModel: sea_orm::TryIntoModel<E::Model>,
    {
        if let Some(reads) = &self.reads {
            return reads.one_of_shape(shape, select, params).map_err(internal);
        }
        match &self.pg_reads {
            Some(reads) => reads.one_of_shape(shape, select, params).await.map_err(internal),
            None => select().one(&self.db).await.map_err(internal),
        }
    }

    /// A write transaction. On SQLite it takes the write lock at `BEGIN IMMEDIATE` (waiting
    /// out the busy timeout): a deferred transaction that read first and wrote later would get
    /// `SQLITE_BUSY` at once, with no wait, whenever another writer committed in between.
    async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        self.db
            .begin_with_options(sea_orm::TransactionOptions {
                sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                ..sea_orm::TransactionOptions::default()
            })
            .await
    }

    /// The decoded snapshots for `hashes` that are not cached, from the database (and kept).
    async fn load_snapshots(
        &self,
        mut wanted: Vec<String>,
    ) -> Result<HashMap<String, InterviewSnapshot>, AdapterError> {
        wanted.sort_unstable();
        wanted.dedup();
        let mut found = HashMap::new();
        if wanted.is_empty() {
            return Ok(found);
        }
        let select = interview_snapshot::Entity::find().filter(interview_snapshot::Column::Hash.is_in(wanted));
        for row in self.find_all(select).await? {
            let snapshot = convert::snapshot(&row.body)?;
            self.snapshot_cache.insert(row.hash.clone(), snapshot.clone());
            found.insert(row.hash, snapshot);
        }
        Ok(found)
    }

    /// Invitations from their rows, each with its snapshot: one copy from the cache per
    /// row, and one query for those not cached.
    async fn invitations_from(&self, rows: Vec<invitation::Model>) -> Result<Vec<Invitation>, AdapterError> {
        let mut snapshots: Vec<Option<InterviewSnapshot>> =
            rows.iter().map(|r| self.snapshot_cache.get(&r.snapshot_hash)).collect();
        let wanted: Vec<String> =
            rows.iter().zip(&snapshots).filter(|(_, s)| s.is_none()).map(|(r, _)| r.snapshot_hash.clone()).collect();
        if !wanted.is_empty() {
            let loaded = self.load_snapshots(wanted).await?;
            for (r, s) in rows.iter().zip(&mut snapshots) {
                if s.is_none() {
                    *s = loaded.get(&r.snapshot_hash).cloned();
                }
            }
        }
        rows.into_iter()
            .zip(snapshots)
            .map(|(r, snapshot)| {
                let snapshot =
                    snapshot.ok_or_else(|| convert::bad("invitations", "snapshot_hash", &r.snapshot_hash))?;
                convert::invitation(r, snapshot)
            })
            .collect()
    }

    async fn one_invitation(&self, row: Option<invitation::Model>) -> Result<Option<Invitation>, AdapterError> {
        match row {
            Some(r) => Ok(self.invitations_from(vec![r]).await?.pop()),
            None => Ok(None),
        }
    }

    /// [`Self::one_invitation`], kept in the row cache when the cache was on at `mark`.
    async fn kept_invitation(
        &self,
        mark: Option<cache::Mark>,
        row: Option<invitation::Model>,
    ) -> Result<Option<Invitation>, AdapterError> {
        let invitation = self.one_invitation(row).await?;
        if let (Some(mark), Some(i)) = (mark, &invitation) {
            self.rows.keep_invitation(mark, i);
        }
        Ok(invitation)
    }
}

// ---------------------------------------------------------------- the unit of work

/// One statement of a commit: what it writes (named when it would duplicate a unique key)
/// and whether it must change exactly one row (an update or delete checked by revision,
/// claim or state; anything else makes the whole commit a [`CommitError::Conflict`]).
#[derive(Debug)]
pub(crate) struct Step {
    pub(crate) statement: Statement,
    pub(crate) what: &'static str,
    pub(crate) one: bool,
}

/// The statements that carry out `write`, in order. Built by sea-orm for `backend`; run by
/// sqlx in a transaction or, on an SQLite file, by [`SqliteWriter`] in one hand-off.
///
/// `before` is the invitation an update starts from, when this store still holds it (the row
/// cache's copy at the revision the update is checked against): then only the columns that
/// changed are written, and SQLite rewrites only the indexes on them (a delivery changes an
/// invitation's status and moments; all twelve indexes were rewritten).
fn plan(
    write: Write,
    backend: DbBackend,
    steps: &mut Vec<Step>,
    before: &dyn Fn(&Invitation) -> Option<Invitation>,
) -> Result<(), CommitError> {
    let mut push = |statement: Statement, what: &'static str, one: bool| steps.push(Step { statement, what, one });
    match write {
        Write::InsertOrganization(o) => {
            let am = convert::organization_row(&o).into_active_model().reset_all();
            push(organization::Entity::insert(am).build(backend), "organization", false);
        }
        Write::UpdateOrganization(o) => {
            let am = convert::organization_row(&o).into_active_model().reset_all();
            push(
                organization::Entity::update_many()
                    .set(am)
                    .filter(organization::Column::Id.eq(o.id.as_uuid()))
                    .build(backend),
                "organization",
                true,
            );
        }
        Write::AppendReviewNote(n) => {
            let am = convert::review_note_row(&n).into_active_model().reset_all();
            push(review_note::Entity::insert(am).build(backend), "review note", false);
        }
        Write::InsertRecruiter(r) => {
            let am = convert::recruiter_row(&r).into_active_model().reset_all();
            push(recruiter::Entity::insert(am).build(backend), "recruiter email", false);
        }
        Write::InsertJob(j) => {
            let am = convert::job_row(&j).into_active_model().reset_all();
            push(job::Entity::insert(am).build(backend), "job", false);
        }
        Write::InsertCandidate(c) => {
            let am = convert::candidate_row(&c).into_active_model().reset_all();
            push(candidate::Entity::insert(am).build(backend), "candidate", false);
        }
        Write::InsertInterview(i) => {
            let am = convert::interview_row(&i, i.revision())?.into_active_model().reset_all();
            push(interview::Entity::insert(am).build(backend), "interview", false);
        }
        Write::UpdateInterview(i) => {
            let am = convert::interview_row(&i, i.revision() + 1)?.into_active_model().reset_all();
            push(
                interview::Entity::update_many()
                    .set(am)
                    .filter(interview::Column::Id.eq(i.id().as_uuid()))
                    .filter(interview::Column::OrganizationId.eq(i.organization_id().as_uuid()))
                    .filter(interview::Column::Revision.eq(i64::try_from(i.revision()).unwrap_or(i64::MAX)))
                    .build(backend),
                "interview",
                true,
            );
        }
        Write::InsertInvitation(i) => {
            let (hash, body) = convert::snapshot_body(i.interview());
            let snap = interview_snapshot::Model { hash: hash.clone(), body }.into_active_model().reset_all();
            push(
                interview_snapshot::Entity::insert(snap)
                    .on_conflict(OnConflict::column(interview_snapshot::Column::Hash).do_nothing().to_owned())
                    .build(backend),
                "snapshot",
                false,
            );
            let am = convert::invitation_row(&i, i.revision(), hash).into_active_model().reset_all();
            push(invitation::Entity::insert(am).build(backend), "invitation", false);
        }
        Write::UpdateInvitation(i) => {
            let row = convert::invitation_row(&i, i.revision() + 1, String::new());
            let was = before(&i).map(|b| convert::invitation_row(&b, i.revision() + 1, String::new()));
            let mut am = row.clone().into_active_model().reset_all();
            // The snapshot never changes after sending.
            am.snapshot_hash = ActiveValue::NotSet;
            am.created_at = ActiveValue::NotSet;
            if let Some(was) = was {
                for c in invitation::Column::iter() {
                    let revision = matches!(c, invitation::Column::Revision);
                    if !revision && sea_orm::ModelTrait::get(&was, c) == sea_orm::ModelTrait::get(&row, c) {
                        am.not_set(c);
                    }
                }
            }
            push(
                invitation::Entity::update_many()
                    .set(am)
                    .filter(invitation::Column::Id.eq(i.id().as_uuid()))
                    .filter(invitation::Column::OrganizationId.eq(i.organization_id().as_uuid()))
                    .filter(invitation::Column::Revision.eq(i64::try_from(i.revision()).unwrap_or(i64::MAX)))
                    .build(backend),
                "invitation",
                true,
            );
        }
        Write::InsertLiveInterview(l) => {
            let am = convert::live_row(&l, l.revision()).into_active_model().reset_all();
            push(live_interview::Entity::insert(am).build(backend), "live interview", false);
            let rows: Vec<_> =
                convert::attendee_rows(&l).into_iter().map(|r| r.into_active_model().reset_all()).collect();
            if !rows.is_empty() {
                push(live_attendee::Entity::insert_many(rows).build(backend), "attendee", false);
            }
        }
        Write::UpdateLiveInterview(l) => {
            let mut am = convert::live_row(&l, l.revision() + 1).into_active_model().reset_all();
            am.created_at = ActiveValue::NotSet;
            push(
                live_interview::Entity::update_many()
                    .set(am)
                    .filter(live_interview::Column::Id.eq(l.id().as_uuid()))
                    .filter(live_interview::Column::OrganizationId.eq(l.organization_id().as_uuid()))
                    .filter(live_interview::Column::Revision.eq(i64::try_from(l.revision()).unwrap_or(i64::MAX)))
                    .build(backend),
                "live interview",
                true,
            );
            for row in convert::attendee_rows(&l) {
                push(
                    live_attendee::Entity::update_many()
                        .col_expr(live_attendee::Column::Response, Expr::value(row.response))
                        .col_expr(live_attendee::Column::DeclineMessage, Expr::value(row.decline_message))
                        .col_expr(live_attendee::Column::RespondedAt, Expr::value(row.responded_at))
                        .col_expr(live_attendee::Column::LinkVersion, Expr::value(row.link_version))
                        .filter(live_attendee::Column::Id.eq(row.id))
                        .filter(live_attendee::Column::LiveInterviewId.eq(row.live_interview_id))
                        .build(backend),
                    "attendee",
                    true,
                );
            }
        }
        Write::AppendEvent(e) => {
            let mut am = convert::event_row(&e).into_active_model().reset_all();
            am.seq = ActiveValue::NotSet;
            push(timeline_event::Entity::insert(am).build(backend), "timeline event", false);
        }
        Write::InsertAnswer(a) => {
            let am = convert::answer_row(&a).into_active_model().reset_all();
            push(answer::Entity::insert(am).build(backend), "answer", false);
        }
        Write::Enqueue(m) => {
            let am = convert::message_row(&m).into_active_model().reset_all();
            push(outbox::Entity::insert(am).build(backend), "outbox message", false);
        }
        Write::UpdateMessage { message: m, token } => {
            // Only the delivery state is written: what a message is and whom it goes to never
            // change once queued, and leaving those columns out of `SET` spares SQLite the
            // rewrite of the primary key and both unique keys on every recorded delivery.
            let mut am = convert::message_row(&m).into_active_model().reset_all();
            am.id = ActiveValue::NotSet;
            am.organization_id = ActiveValue::NotSet;
            am.invitation_id = ActiveValue::NotSet;
            am.live_interview_id = ActiveValue::NotSet;
            am.attendee_id = ActiveValue::NotSet;
            am.kind = ActiveValue::NotSet;
            am.sequence = ActiveValue::NotSet;
            am.recipient = ActiveValue::NotSet;
            am.language = ActiveValue::NotSet;
            am.created_at = ActiveValue::NotSet;
            // Only the claim's holder records an outcome.
            push(
                outbox::Entity::update_many()
                    .set(am)
                    .filter(outbox::Column::Id.eq(m.id.as_uuid()))
                    .filter(outbox::Column::State.eq("claimed"))
                    .filter(outbox::Column::ClaimToken.eq(token.as_uuid()))
                    .build(backend),
                "outbox message",
                true,
            );
        }
        Write::SetPassword { recruiter_id, hash } => {
            let am =
                credential::Model { recruiter_id: recruiter_id.as_uuid(), password_hash: hash.as_str().to_owned() }
                    .into_active_model()
                    .reset_all();
            push(
                credential::Entity::insert(am)
                    .on_conflict(
                        OnConflict::column(credential::Column::RecruiterId)
                            .update_column(credential::Column::PasswordHash)
                            .to_owned(),
                    )
                    .build(backend),
                "credential",
                false,
            );
        }
        Write::InsertSession(s) => {
            let am = convert::session_row(&s).into_active_model().reset_all();
            push(session::Entity::insert(am).build(backend), "session", false);
        }
        Write::DeleteSession(id) => {
            push(session::Entity::delete_by_id(id.as_uuid()).build(backend), "session", false);
        }
        Write::DeleteExpiredSessions(now) => {
            push(
                session::Entity::delete_many()
                    .filter(session::Column::ExpiresAt.lte(convert::micros(now)))
                    .build(backend),
                "session",
                false,
            );
        }
        Write::DeleteSessionsOf { organization_id, recruiter_id } => {
            push(
                session::Entity::delete_many()
                    .filter(session::Column::OrganizationId.eq(organization_id.as_uuid()))
                    .filter(session::Column::RecruiterId.eq(recruiter_id.as_uuid()))
                    .build(backend),
                "session",
                false,
            );
        }
        Write::InsertApiKey(k) => {
            let am = convert::api_key_row(&k).into_active_model().reset_all();
            push(api_key::Entity::insert(am).build(backend), "api key", false);
        }
        Write::RevokeApiKey { organization_id, id, at } => {
            push(
                api_key::Entity::update_many()
                    .col_expr(api_key::Column::RevokedAt, Expr::value(convert::micros(at)))
                    .filter(api_key::Column::Id.eq(id.as_uuid()))
                    .filter(api_key::Column::OrganizationId.eq(organization_id.as_uuid()))
                    .filter(api_key::Column::RevokedAt.is_null())
                    .build(backend),
                "api key",
                true,
            );
        }
        Write::InsertTemplate(t) => {
            let am = convert::template_row(&t, t.revision).into_active_model().reset_all();
            push(message_template::Entity::insert(am).build(backend), "template", false);
        }
        Write::UpdateTemplate(t) => {
            let mut am = convert::template_row(&t, t.revision + 1).into_active_model().reset_all();
            am.created_at = ActiveValue::NotSet;
            push(
                message_template::Entity::update_many()
                    .set(am)
                    .filter(message_template::Column::Id.eq(t.id.as_uuid()))
                    .filter(message_template::Column::OrganizationId.eq(t.organization_id.as_uuid()))
                    .filter(message_template::Column::Revision.eq(i64::try_from(t.revision).unwrap_or(i64::MAX)))
                    .build(backend),
                "template",
                true,
            );
        }
        Write::DeleteTemplate { organization_id, id } => {
            push(
                message_template::Entity::delete_many()
                    .filter(message_template::Column::Id.eq(id.as_uuid()))
                    .filter(message_template::Column::OrganizationId.eq(organization_id.as_uuid()))
                    .build(backend),
                "template",
                true,
            );
        }
        Write::CaptureEmail(e) => {
            let am = convert::captured_row(&e).into_active_model().reset_all();
            push(mailbox::Entity::insert(am).build(backend), "captured email", false);
        }
    }
    Ok(())
}

#[async_trait]
impl UnitOfWork for SqlStore {
    async fn commit(&self, changes: ChangeSet) -> Result<(), CommitError> {
        let backend = self.db.get_database_backend();
        let mut steps = Vec::new();
        let mut cached = false;
        let mut invitations = Vec::new();
        for write in changes.into_writes() {
            cached |= matches!(
                write,
                Write::InsertApiKey(_)
                    | Write::RevokeApiKey { .. }
                    | Write::InsertOrganization(_)
                    | Write::UpdateOrganization(_)
            );
            if let Write::UpdateInvitation(i) = &write {
                invitations.push(i.id().as_uuid());
            }
            plan(write, backend, &mut steps, &|i| {
                self.rows.invitation(i.id().as_uuid()).filter(|b| b.revision() == i.revision())
            })?;
        }
        if (cached || !invitations.is_empty()) && backend == DbBackend::Postgres {
            // Delivered to every instance's cache listener when the transaction commits: the
            // invitations written, or nothing (empty everything) for keys and organizations,
            // or when the ids would not fit in a notice.
            let mut payload = String::new();
            if !cached && invitations.len() <= NOTICE_IDS {
                payload = invitations.iter().map(uuid::Uuid::to_string).collect::<Vec<_>>().join(",");
            }
            let sql = format!("SELECT pg_notify('{}', '{payload}')", cache::CHANNEL);
            steps.push(Step { statement: Statement::from_string(backend, sql), what: "cache notice", one: false });
        }
        let done = self.run_commit(steps).await;
        if cached {
            self.rows.empty();
        } else if !invitations.is_empty() {
            self.rows.forget_invitations(&invitations);
        }
        done
    }
}

/// Invitation ids one cache notice names at most (37 bytes each, under PostgreSQL's 8,000-byte
/// limit on a notice); a commit that writes more empties every instance's cache instead.
const NOTICE_IDS: usize = 200;

impl SqlStore {
    /// Runs a commit's statements in one transaction, on the fastest path this store has.
    async fn run_commit(&self, steps: Vec<Step>) -> Result<(), CommitError> {
        if let Some(writer) = &self.writer {
            return writer.commit(steps).await;
        }
        if let Some(writer) = &self.pg_writer {
            return writer.commit(steps).await;
        }
        let txn = self.begin_write().await.map_err(|e| CommitError::Internal(internal(e)))?;
        for step in steps {
            // Dropping the transaction on error rolls it back.
            let done = txn.execute_raw(step.statement).await.map_err(|e| commit_error(e, step.what))?;
            if step.one && done.rows_affected() != 1 {
                return Err(CommitError::Conflict);
            }
        }
        txn.commit().await.map_err(|e| CommitError::Internal(internal(e)))
    }
}

// ---------------------------------------------------------------- repositories

#[async_trait]
impl OrganizationRepository for SqlStore {
    async fn get(&self, id: OrganizationId) -> Result<Option<Organization>, AdapterError> {
        let id = id.as_uuid();
        if let Some(organization) = self.rows.organization(id) {
            return Ok(Some(organization));
        }
        let mark = self.rows.mark();
        let organization = self
            .find_by_shape("organization by id", || organization::Entity::find_by_id(id), vec![id.into()])
            .await?
            .map(convert::organization)
            .transpose()?;
        if let (Some(mark), Some(o)) = (mark, &organization) {
            self.rows.keep_organization(mark, o);
        }
        Ok(organization)
    }
}

#[async_trait]
impl RecruiterRepository for SqlStore {
    async fn get(&self, org: OrganizationId, id: RecruiterId) -> Result<Option<Recruiter>, AdapterError> {
        self.find_one(
            recruiter::Entity::find_by_id(id.as_uuid()).filter(recruiter::Column::OrganizationId.eq(org.as_uuid())),
        )
        .await?
        .map(convert::recruiter)
        .transpose()
    }

    async fn find_by_email(&self, email: &EmailAddress) -> Result<Option<Recruiter>, AdapterError> {
        self.find_one(recruiter::Entity::find().filter(recruiter::Column::EmailKey.eq(email.match_key())))
            .await?
            .map(convert::recruiter)
            .transpose()
    }
}

#[async_trait]
impl JobRepository for SqlStore {
    async fn get(&self, org: OrganizationId, id: JobId) -> Result<Option<Job>, AdapterError> {
        self.find_one(job::Entity::find_by_id(id.as_uuid()).filter(job::Column::OrganizationId.eq(org.as_uuid())))
            .await?
            .map(convert::job)
            .transpose()
    }

    async fn list(&self, org: OrganizationId) -> Result<Vec<Job>, AdapterError> {
        let rows = job::Entity::find()
            .filter(job::Column::OrganizationId.eq(org.as_uuid()))
            .all(&self.db)
            .await
            .map_err(internal)?;
        let mut jobs = rows.into_iter().map(convert::job).collect::<Result<Vec<_>, _>>()?;
        jobs.sort_by_key(|j| (j.title.as_str().to_lowercase(), j.id));
        Ok(jobs)
    }
}

#[async_trait]
impl CandidateRepository for SqlStore {
    async fn get(&self, org: OrganizationId, id: CandidateId) -> Result<Option<Candidate>, AdapterError> {
        self.find_one(
            candidate::Entity::find_by_id(id.as_uuid()).filter(candidate::Column::OrganizationId.eq(org.as_uuid())),
        )
        .await?
        .map(convert::candidate)
        .transpose()
    }

    async fn search_by_name_prefix(
        &self,
        org: OrganizationId,
        prefix: &NamePrefix,
        limit: usize,
    ) -> Result<Vec<Candidate>, AdapterError> {
        let pattern = format!("{}%", like_escape(prefix.as_str()));
        let like = || LikeExpr::new(pattern.clone()).escape('\\');
        let rows = candidate::Entity::find()
            .filter(candidate::Column::OrganizationId.eq(org.as_uuid()))
            .filter(candidate::Column::Kind.eq(CandidateKind::Internal.as_str()))
            .filter(
                Expr::col(candidate::Column::FirstNameKey)
                    .like(like())
                    .or(Expr::col(candidate::Column::LastNameKey).like(like())),
            )
            .order_by_asc(candidate::Column::LastNameKey)
            .order_by_asc(candidate::Column::FirstNameKey)
            .order_by_asc(candidate::Column::Id)
            .limit(u64::try_from(limit).unwrap_or(u64::MAX))
            .all(&self.db)
            .await
            .map_err(internal)?;
        rows.into_iter().map(convert::candidate).collect()
    }

    async fn list(
        &self,
        org: OrganizationId,
        before: Option<CandidateId>,
        limit: usize,
    ) -> Result<Vec<Candidate>, AdapterError> {
        let mut q = candidate::Entity::find().filter(candidate::Column::OrganizationId.eq(org.as_uuid()));
        if let Some(before) = before {
            q = q.filter(candidate::Column::Id.lt(before.as_uuid()));
        }
        let rows = q
            .order_by_desc(candidate::Column::Id)
            .limit(u64::try_from(limit).unwrap_or(u64::MAX))
            .all(&self.db)
            .await
            .map_err(internal)?;
        rows.into_iter().map(convert::candidate).collect()
    }
}

#[async_trait]
impl InterviewRepository for SqlStore {
    async fn get(&self, org: OrganizationId, id: InterviewId) -> Result<Option<VideoInterview>, AdapterError> {
        self.find_one(
            interview::Entity::find_by_id(id.as_uuid()).filter(interview::Column::OrganizationId.eq(org.as_uuid())),
        )
        .await?
        .map(convert::interview)
        .transpose()
    }

    async fn list(
        &self,
        org: OrganizationId,
        status: Option<InterviewStatus>,
    ) -> Result<Vec<VideoInterview>, AdapterError> {
        let mut q = interview::Entity::find().filter(interview::Column::OrganizationId.eq(org.as_uuid()));
        if let Some(s) = status {
            q = q.filter(interview::Column::Status.eq(s.as_str()));
        }
        let rows = q
            .order_by_desc(interview::Column::CreatedAt)
            .order_by_desc(interview::Column::Id)
            .all(&self.db)
            .await
            .map_err(internal)?;
        rows.into_iter().map(convert::interview).collect()
    }
}

#[async_trait]
impl InvitationRepository for SqlStore {
    async fn get(&self, org: OrganizationId, id: InvitationId) -> Result<Option<Invitation>, AdapterError> {
        let (id, org) = (id.as_uuid(), org.as_uuid());
        if let Some(invitation) = self.rows.invitation(id) {
            // Another organization's invitation is not there for this caller.
            return Ok((invitation.organization_id().as_uuid() == org).then_some(invitation));
        }
        let mark = self.rows.mark();
        let row = self
            .find_by_shape(
                "invitation by id in organization",
                || invitation::Entity::find_by_id(id).filter(invitation::Column::OrganizationId.eq(org)),
                vec![id.into(), org.into()],
            )
            .await?;
        self.kept_invitation(mark, row).await
    }

    async fn get_for_link(&self, id: InvitationId) -> Result<Option<Invitation>, AdapterError> {
        let id = id.as_uuid();
        if let Some(invitation) = self.rows.invitation(id) {
            return Ok(Some(invitation));
        }
        let mark = self.rows.mark();
        let row =
            self.find_by_shape("invitation by id", || invitation::Entity::find_by_id(id), vec![id.into()]).await?;
        self.kept_invitation(mark, row).await
    }

    async fn find_open(
        &self,
        org: OrganizationId,
        interview: InterviewId,
        email: &EmailAddress,
    ) -> Result<Option<Invitation>, AdapterError> {
        let row = self
            .find_one(
                invitation::Entity::find()
                    .filter(invitation::Column::OrganizationId.eq(org.as_uuid()))
                    .filter(invitation::Column::InterviewId.eq(interview.as_uuid()))
                    .filter(invitation::Column::EmailKey.eq(email.match_key()))
                    .filter(
                        invitation::Column::Status
                            .is_not_in(names(&[InvitationStatus::Completed, InvitationStatus::Cancelled])),
                    ),
            )
            .await?;
        self.one_invitation(row).await
    }

    async fn list(&self, org: OrganizationId, query: &InvitationQuery) -> Result<Page<Invitation>, AdapterError> {
        use invitation::Column as C;
        let mut q = invitation::Entity::find().filter(C::OrganizationId.eq(org.as_uuid()));
        if !query.statuses.is_empty() {
            q = q.filter(C::Status.is_in(names(&query.statuses)));
        }
        if let Some(i) = query.interview_id {
            q = q.filter(C::InterviewId.eq(i.as_uuid()));
        }
        if let Some(j) = query.job_id {
            q = q.filter(C::JobId.eq(j.as_uuid()));
        }
        if let Some(d) = query.deadline_from {
            q = q.filter(C::DeadlineDate.gte(d.to_string()));
        }
        if let Some(d) = query.deadline_to {
            q = q.filter(C::DeadlineDate.lte(d.to_string()));
        }
        if let Some(s) = &query.search {
            let pattern = format!("%{}%", like_escape(s.as_str()));
            if let Some(phrase) = self.selective_phrase(s.as_str()).await? {
                // Few rows hold the text: read them from the trigram index (the LIKE below
                // rechecks each, so the result is exactly the scan's).
                q = q.filter(Expr::cust_with_values(
                    "\"invitations\".rowid IN (SELECT rowid FROM invitations_search WHERE invitations_search MATCH ?)",
                    [phrase],
                ));
            }
            // Otherwise the text is common (or too short for trigrams): walking the sort order
            // and testing each row finds a page soonest.
            q = q.filter(Expr::col(C::SearchText).like(LikeExpr::new(pattern).escape('\\')));
        }
        let key_col = match query.sort.field {
            SortField::CreatedAt => C::CreatedAt,
            SortField::Deadline => C::DeadlineDate,
            SortField::CandidateName => C::SortName,
        };
        let asc = query.sort.order == SortOrder::Asc;
        if let Some(cursor) = &query.after {
            let value: sea_orm::Value = match cursor.key() {
                SortKey::CreatedAt(t) => convert::micros(*t).into(),
                SortKey::Deadline(d) => d.to_string().into(),
                SortKey::CandidateName(n) => n.clone().into(),
            };
            let id = cursor.id().as_uuid();
            let (key_past, id_past) = if asc {
                (Expr::col(key_col).gt(value.clone()), Expr::col(C::Id).gt(id))
            } else {
                (Expr::col(key_col).lt(value.clone()), Expr::col(C::Id).lt(id))
            };
            q = q.filter(key_past.or(Expr::col(key_col).eq(value).and(id_past)));
        }
        let order = if asc { Order::Asc } else { Order::Desc };
        let limit = query.limit.get();
        let rows = q
            .order_by(key_col, order.clone())
            .order_by(C::Id, order)
            .limit(u64::try_from(limit + 1).unwrap_or(u64::MAX))
            .all(&self.db)
            .await
            .map_err(internal)?;
        let more = rows.len() > limit;
        let items = self.invitations_from(rows.into_iter().take(limit).collect()).await?;
        let next = if more { items.last().map(|last| slate_domain::Cursor::after(last, query.sort)) } else { None };
        Ok(Page { items, next })
    }

    async fn overdue(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Invitation>, AdapterError> {
        let rows = invitation::Entity::find()
            .filter(invitation::Column::Status.is_in(names(&OPEN_STATUSES)))
            .filter(invitation::Column::ClosesAt.lte(convert::micros(now)))
            .order_by_asc(invitation::Column::ClosesAt)
            .limit(u64::try_from(limit).unwrap_or(u64::MAX))
            .all(&self.db)
            .await
            .map_err(internal)?;
        self.invitations_from(rows).await
    }

    async fn funnel(&self, org: OrganizationId, scope: FunnelScope) -> Result<Funnel, AdapterError> {
        use invitation::Column as C;
        let mut q = invitation::Entity::find().filter(C::OrganizationId.eq(org.as_uuid()));
        q = match scope {
            FunnelScope::All => q,
            FunnelScope::Interview(id) => q.filter(C::InterviewId.eq(id.as_uuid())),
            FunnelScope::Job(id) => q.filter(C::JobId.eq(id.as_uuid())),
        };
        let rows: Vec<(String, i64, i64, i64)> = q
            .select_only()
            .column(C::Status)
            .column_as(Expr::cust("COUNT(*)"), "n")
            .column_as(Expr::cust("COUNT(opened_at)"), "opened")
            .column_as(Expr::cust("COUNT(started_at)"), "started")
            .group_by(C::Status)
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(internal)?;
        let mut funnel = Funnel::default();
        let count = |v: i64| u64::try_from(v).unwrap_or(0);
        for (status, n, opened, started) in rows {
            let status =
                InvitationStatus::from_name(&status).ok_or_else(|| convert::bad("invitations", "status", &status))?;
            funnel.invited += count(n);
            funnel.opened += count(opened);
            funnel.started += count(started);
            match status {
                InvitationStatus::Completed => funnel.completed += count(n),
                InvitationStatus::Expired => funnel.expired += count(n),
                InvitationStatus::Bounced => funnel.bounced += count(n),
                InvitationStatus::Cancelled => funnel.cancelled += count(n),
                _ => {}
            }
        }
        Ok(funnel)
    }

    async fn get_many(&self, ids: &[InvitationId]) -> Result<Vec<Invitation>, AdapterError> {
        // The cached ones from the cache, the others in one statement (and kept).
        let mut found = Vec::with_capacity(ids.len());
        let mut missing = Vec::new();
        let mut seen = std::collections::HashSet::with_capacity(ids.len());
        for id in ids.iter().filter(|id| seen.insert(**id)) {
            match self.rows.invitation(id.as_uuid()) {
                Some(i) => found.push(i),
                None => missing.push(id.as_uuid()),
            }
        }
        if missing.is_empty() {
            return Ok(found);
        }
        let mark = self.rows.mark();
        let rows = self.find_all(invitation::Entity::find().filter(invitation::Column::Id.is_in(missing))).await?;
        let read = self.invitations_from(rows).await?;
        if let Some(mark) = mark {
            for i in &read {
                self.rows.keep_invitation(mark, i);
            }
        }
        found.extend(read);
        Ok(found)
    }

    async fn awaiting_reminders(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Invitation>, AdapterError> {
        use invitation::Column as C;
        let rows = invitation::Entity::find()
            .filter(C::NextReminderAt.lte(convert::micros(now)))
            .order_by_asc(C::NextReminderAt)
            .order_by_asc(C::Id)
            .limit(u64::try_from(limit).unwrap_or(u64::MAX))
            .all(&self.db)
            .await
            .map_err(internal)?;
        self.invitations_from(rows).await
    }
}

#[async_trait]
impl TimelineRepository for SqlStore {
    async fn for_candidate(
        &self,
        org: OrganizationId,
        candidate: CandidateId,
    ) -> Result<Vec<TimelineEvent>, AdapterError> {
        let rows = timeline_event::Entity::find()
            .filter(timeline_event::Column::OrganizationId.eq(org.as_uuid()))
            .filter(timeline_event::Column::CandidateId.eq(candidate.as_uuid()))
            .order_by_asc(timeline_event::Column::At)
            .order_by_asc(timeline_event::Column::Seq)
            .all(&self.db)
            .await
            .map_err(internal)?;
        rows.into_iter().map(convert::event).collect()
    }
}

impl SqlStore {
    /// Live interviews from their rows, each with its attendees (one query for all).
    async fn lives_from(&self, rows: Vec<live_interview::Model>) -> Result<Vec<LiveInterview>, AdapterError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
        let mut attendees: HashMap<_, Vec<live_attendee::Model>> = HashMap::new();
        for a in self
            .find_all(
                live_attendee::Entity::find()
                    .filter(live_attendee::Column::LiveInterviewId.is_in(ids))
                    .order_by_asc(live_attendee::Column::Position),
            )
            .await?
        {
            attendees.entry(a.live_interview_id).or_default().push(a);
        }
        rows.into_iter()
            .map(|r| {
                let own = attendees.remove(&r.id).unwrap_or_default();
                convert::live(r, own)
            })
            .collect()
    }
}

#[async_trait]
impl LiveInterviewRepository for SqlStore {
    async fn get(&self, org: OrganizationId, id: LiveInterviewId) -> Result<Option<LiveInterview>, AdapterError> {
        let row = self
            .find_one(
                live_interview::Entity::find_by_id(id.as_uuid())
                    .filter(live_interview::Column::OrganizationId.eq(org.as_uuid())),
            )
            .await?;
        Ok(self.lives_from(row.into_iter().collect()).await?.pop())
    }

    async fn get_for_attendee(&self, attendee: AttendeeId) -> Result<Option<LiveInterview>, AdapterError> {
        let Some(a) = self.find_one(live_attendee::Entity::find_by_id(attendee.as_uuid())).await? else {
            return Ok(None);
        };
        let row = self.find_one(live_interview::Entity::find_by_id(a.live_interview_id)).await?;
        Ok(self.lives_from(row.into_iter().collect()).await?.pop())
    }

    async fn list(&self, org: OrganizationId, query: &LiveQuery) -> Result<Vec<LiveInterview>, AdapterError> {
        let mut select =
            live_interview::Entity::find().filter(live_interview::Column::OrganizationId.eq(org.as_uuid()));
        if let Some(c) = query.candidate {
            select = select.filter(live_interview::Column::CandidateId.eq(c.as_uuid()));
        }
        if let Some(t) = query.ending_after {
            select = select.filter(live_interview::Column::EndsAt.gt(convert::micros(t)));
        }
        if !query.include_cancelled {
            select = select.filter(live_interview::Column::CancelledAt.is_null());
        }
        let rows = select
            .order_by_asc(live_interview::Column::StartsAt)
            .order_by_asc(live_interview::Column::Id)
            .limit(u64::try_from(query.limit).unwrap_or(u64::MAX))
            .all(&self.db)
            .await
            .map_err(internal)?;
        self.lives_from(rows).await
    }

    async fn reminders_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<LiveInterview>, AdapterError> {
        let rows = live_interview::Entity::find()
            .filter(live_interview::Column::ReminderDueAt.lte(convert::micros(now)))
            .order_by_asc(live_interview::Column::ReminderDueAt)
            .order_by_asc(live_interview::Column::Id)
            .limit(u64::try_from(limit).unwrap_or(u64::MAX))
            .all(&self.db)
            .await
            .map_err(internal)?;
        self.lives_from(rows).await
    }
}

#[async_trait]
impl AnswerRepository for SqlStore {
    async fn review_notes(
        &self,
        org: OrganizationId,
        invitation: InvitationId,
    ) -> Result<Vec<ReviewNote>, AdapterError> {
        let rows = review_note::Entity::find()
            .filter(review_note::Column::OrganizationId.eq(org.as_uuid()))
            .filter(review_note::Column::InvitationId.eq(invitation.as_uuid()))
            .all(&self.db)
            .await
            .map_err(internal)?;
        rows.into_iter().map(convert::review_note).collect()
    }

    async fn for_invitation(
        &self,
        org: OrganizationId,
        invitation_id: InvitationId,
    ) -> Result<Vec<Answer>, AdapterError> {
        let Some(inv) = InvitationRepository::get(self, org, invitation_id).await? else { return Ok(Vec::new()) };
        let order: HashMap<_, _> = inv.interview().questions.iter().enumerate().map(|(n, q)| (q.id(), n)).collect();
        let rows = self
            .find_all(
                answer::Entity::find()
                    .filter(answer::Column::OrganizationId.eq(org.as_uuid()))
                    .filter(answer::Column::InvitationId.eq(invitation_id.as_uuid())),
            )
            .await?;
        let mut answers = rows.into_iter().map(convert::answer).collect::<Result<Vec<_>, _>>()?;
        answers.sort_by_key(|a| (order.get(&a.question_id).copied().unwrap_or(usize::MAX), a.take));
        Ok(answers)
    }
}

#[async_trait]
impl Outbox for SqlStore {
    async fn claim(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        token: ClaimToken,
        limit: usize,
    ) -> Result<Vec<OutboxMessage>, AdapterError> {
        let backend = self.db.get_database_backend();
        let statement = claim_statement(backend, convert::micros(now), convert::micros(until), token, limit);
        let rows = match &self.writer {
            // On the write connection, like every other write of this store: one hand-off,
            // and rows read by rusqlite from the statement as it ran.
            Some(writer) => writer.returning::<outbox::Entity>(statement).await.map_err(internal)?,
            None => outbox::Entity::find().from_raw_sql(statement).all(&self.db).await.map_err(internal)?,
        };
        let mut messages = rows.into_iter().map(convert::message).collect::<Result<Vec<_>, _>>()?;
        messages.sort_by_key(|m| (m.created_at, m.id));
        Ok(messages)
    }

    async fn oldest_due(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, AdapterError> {
        let oldest: Option<Option<i64>> =
            oldest_due_query(convert::micros(now)).into_tuple().one(&self.db).await.map_err(internal)?;
        oldest
            .flatten()
            .map(|m| DateTime::from_timestamp_micros(m).ok_or_else(|| AdapterError::new("bad created_at")))
            .transpose()
    }

    async fn depth(&self) -> Result<u64, AdapterError> {
        // One count a state: each reads its own partial index (`outbox_due`,
        // `outbox_claimed`), which holds only the messages still to send.
        let count = |state: &'static str| in_state(state).count(&self.db);
        let (pending, claimed) = futures_util::try_join!(count("pending"), count("claimed")).map_err(internal)?;
        Ok(pending + claimed)
    }

    async fn get(&self, id: MessageId) -> Result<Option<OutboxMessage>, AdapterError> {
        self.find_one(outbox::Entity::find_by_id(id.as_uuid())).await?.map(convert::message).transpose()
    }

    async fn for_invitation(
        &self,
        org: OrganizationId,
        invitation_id: InvitationId,
    ) -> Result<Vec<OutboxMessage>, AdapterError> {
        let rows = self
            .find_all(
                outbox::Entity::find()
                    .filter(outbox::Column::OrganizationId.eq(org.as_uuid()))
                    .filter(outbox::Column::InvitationId.eq(invitation_id.as_uuid()))
                    .order_by_asc(outbox::Column::CreatedAt)
                    .order_by_asc(outbox::Column::Kind)
                    .order_by_asc(outbox::Column::Sequence),
            )
            .await?;
        rows.into_iter().map(convert::message).collect()
    }
}

/// Pending and due, or claimed with a lapsed claim.
/// The claim of up to `limit` due messages, those due first first: pending messages whose
/// moment has come (by `not_before`) and claims that lapsed (by `claim_until`).
///
/// Each kind is read in the order of its own index (`outbox_due`, `outbox_claimed`) and cut
/// at `limit` before the two are merged, so a claim reads at most `2 × limit` index entries
/// however long the backlog: with one condition `OR` the other and the order taken from
/// another column, every due message was read and sorted at every claim (54 ms a claim on
/// SQLite with 300,000 queued, against 0.3 ms). On PostgreSQL the rows are locked with
/// `SKIP LOCKED`, so workers on other instances claim other messages.
///
/// Every column is returned by name, never `RETURNING *`: a pooled SQLite connection whose
/// cached schema predates the last migration prepares `*` with the old column count, and sqlx
/// keeps that count after SQLite re-prepares the statement (its worker then panics on the
/// extra column). A named column unknown to the stale schema makes SQLite reload the schema
/// before preparing instead.
fn claim_statement(backend: DbBackend, now: i64, until: i64, token: ClaimToken, limit: usize) -> Statement {
    let returning = outbox::Column::iter().map(|c| sea_orm::IdenStatic::as_str(&c)).collect::<Vec<_>>().join(", ");
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let (lock, p) = match backend {
        DbBackend::Postgres => (" FOR UPDATE SKIP LOCKED", ["$1", "$2", "$3", "$4"]),
        _ => ("", ["?1", "?2", "?3", "?4"]),
    };
    let [until_p, token_p, now_p, limit_p] = p;
    let sql = format!(
        "UPDATE outbox SET state = 'claimed', claim_until = {until_p}, claim_token = {token_p}, \
           not_before = NULL, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM ( \
           SELECT id, due FROM (SELECT id, not_before AS due FROM outbox \
             WHERE state = 'pending' AND not_before <= {now_p} ORDER BY not_before LIMIT {limit_p}{lock}) AS pending \
           UNION ALL \
           SELECT id, due FROM (SELECT id, claim_until AS due FROM outbox \
             WHERE state = 'claimed' AND claim_until <= {now_p} ORDER BY claim_until LIMIT {limit_p}{lock}) AS lapsed \
         ) AS due_now ORDER BY due LIMIT {limit_p}) \
         RETURNING {returning}"
    );
    let values: Vec<sea_orm::Value> = vec![until.into(), token.as_uuid().into(), now.into(), limit.into()];
    Statement::from_sql_and_values(backend, sql, values)
}

/// The moment the oldest due message was queued (`MIN(created_at)`, one row).
fn oldest_due_query(now: i64) -> sea_orm::Select<outbox::Entity> {
    outbox::Entity::find()
        .select_only()
        .column_as(Expr::col(outbox::Column::CreatedAt).min(), "oldest")
        .filter(due_condition(now))
}

/// The messages in `state`.
fn in_state(state: &'static str) -> sea_orm::Select<outbox::Entity> {
    outbox::Entity::find().filter(outbox::Column::State.eq(state))
}

fn due_condition(now: i64) -> sea_orm::sea_query::SimpleExpr {
    use outbox::Column as C;
    Expr::col(C::State)
        .eq("pending")
        .and(Expr::col(C::NotBefore).lte(now))
        .or(Expr::col(C::State).eq("claimed").and(Expr::col(C::ClaimUntil).lte(now)))
}

#[async_trait]
impl TemplateRepository for SqlStore {
    async fn get(
        &self,
        org: OrganizationId,
        kind: TemplateKind,
        language: Language,
    ) -> Result<Option<MessageTemplate>, AdapterError> {
        use message_template::Column as C;
        self.find_one(
            message_template::Entity::find()
                .filter(C::OrganizationId.eq(org.as_uuid()))
                .filter(C::Kind.eq(kind.as_str()))
                .filter(C::Language.eq(language.code())),
        )
        .await?
        .map(convert::template)
        .transpose()
    }

    async fn list(&self, org: OrganizationId) -> Result<Vec<MessageTemplate>, AdapterError> {
        use message_template::Column as C;
        let rows = message_template::Entity::find()
            .filter(C::OrganizationId.eq(org.as_uuid()))
            .order_by_asc(C::Kind)
            .order_by_asc(C::Language)
            .all(&self.db)
            .await
            .map_err(internal)?;
        rows.into_iter().map(convert::template).collect()
    }
}

#[async_trait]
impl MailboxRepository for SqlStore {
    async fn list(
        &self,
        org: OrganizationId,
        before: Option<MessageId>,
        limit: usize,
    ) -> Result<Vec<CapturedEmail>, AdapterError> {
        use mailbox::Column as C;
        let mut q = mailbox::Entity::find().filter(C::OrganizationId.eq(org.as_uuid()));
        if let Some(before) = before {
            let Some(last) = self
                .find_one(mailbox::Entity::find_by_id(before.as_uuid()).filter(C::OrganizationId.eq(org.as_uuid())))
                .await?
            else {
                return Ok(Vec::new());
            };
            q = q.filter(
                Expr::col(C::CapturedAt)
                    .lt(last.captured_at)
                    .or(Expr::col(C::CapturedAt).eq(last.captured_at).and(Expr::col(C::Id).lt(last.id))),
            );
        }
        let rows = q
            .order_by_desc(C::CapturedAt)
            .order_by_desc(C::Id)
            .limit(u64::try_from(limit).unwrap_or(u64::MAX))
            .all(&self.db)
            .await
            .map_err(internal)?;
        rows.into_iter().map(convert::captured).collect()
    }

    async fn get(&self, org: OrganizationId, id: MessageId) -> Result<Option<CapturedEmail>, AdapterError> {
        self.find_one(
            mailbox::Entity::find_by_id(id.as_uuid()).filter(mailbox::Column::OrganizationId.eq(org.as_uuid())),
        )
        .await?
        .map(convert::captured)
        .transpose()
    }
}

#[async_trait]
impl AccountRepository for SqlStore {
    async fn any_organization(&self) -> Result<bool, AdapterError> {
        Ok(self.find_one(organization::Entity::find()).await?.is_some())
    }

    async fn password_hash(&self, recruiter: RecruiterId) -> Result<Option<PasswordHash>, AdapterError> {
        Ok(self
            .find_one(credential::Entity::find_by_id(recruiter.as_uuid()))
            .await?
            .map(|r| PasswordHash::new(r.password_hash)))
    }

    async fn session(&self, id: SessionId) -> Result<Option<Session>, AdapterError> {
        let id = id.as_uuid();
        self.find_by_shape("session by id", || session::Entity::find_by_id(id), vec![id.into()])
            .await?
            .map(convert::session)
            .transpose()
    }

    async fn api_key(&self, id: ApiKeyId) -> Result<Option<ApiKey>, AdapterError> {
        let id = id.as_uuid();
        if let Some(key) = self.rows.api_key(id) {
            return Ok(Some(key));
        }
        let mark = self.rows.mark();
        let key = self
            .find_by_shape("api key by id", || api_key::Entity::find_by_id(id), vec![id.into()])
            .await?
            .map(convert::api_key)
            .transpose()?;
        if let (Some(mark), Some(key)) = (mark, &key) {
            self.rows.keep_api_key(mark, key);
        }
        Ok(key)
    }

    async fn api_keys(&self, org: OrganizationId) -> Result<Vec<ApiKey>, AdapterError> {
        let rows = api_key::Entity::find()
            .filter(api_key::Column::OrganizationId.eq(org.as_uuid()))
            .order_by_desc(api_key::Column::CreatedAt)
            .order_by_desc(api_key::Column::Id)
            .all(&self.db)
            .await
            .map_err(internal)?;
        rows.into_iter().map(convert::api_key).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What running the claim of `limit` messages costs SQLite, in virtual-machine steps,
    /// with `due` pending messages in the outbox.
    /// A migrated store on a fresh SQLite file named after `prefix`, and the file's path.
    async fn migrated_file(prefix: &str) -> (SqlStore, std::path::PathBuf) {
        let path = std::env::temp_dir().join(format!("slate-{prefix}-{}.db", uuid::Uuid::new_v4().simple()));
        let store = SqlStore::connect(&format!("sqlite://{}?mode=rwc", path.display()), &StoreOptions::default())
            .await
            .unwrap();
        store.migrate().await.unwrap();
        (store, path)
    }

    /// Removes an SQLite file and its log.
    fn remove_file(path: &std::path::Path) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }

    /// A statement's bound values, as rusqlite takes them.
    fn sqlite_params(statement: Statement) -> Vec<rusqlite::types::Value> {
        statement
            .values
            .map(|v| v.0.into_iter().map(|v| crate::sqlite_reads::param(v).unwrap()).collect())
            .unwrap_or_default()
    }

    fn claim_steps(conn: &rusqlite::Connection, due: i64, limit: usize) -> i32 {
        conn.execute("DELETE FROM outbox", []).unwrap();
        let organization = uuid::Uuid::new_v4();
        let mut insert = conn
            .prepare(
                "INSERT INTO outbox (id, organization_id, invitation_id, kind, sequence, recipient, language, created_at, \
                 state, not_before, attempts) \
                 VALUES (?1, ?2, ?1, 'invitation', 0, 'c@example.com', 'en', ?3, 'pending', ?3, 0)",
            )
            .unwrap();
        for i in 0..due {
            insert
                .execute(rusqlite::params![
                    uuid::Uuid::new_v4().as_bytes().as_slice(),
                    organization.as_bytes().as_slice(),
                    i
                ])
                .unwrap();
        }
        let claim =
            claim_statement(DbBackend::Sqlite, due, due + 1, ClaimToken::from_uuid(uuid::Uuid::new_v4()), limit);
        let mut stmt = conn.prepare(&claim.sql).unwrap();
        let params = sqlite_params(claim);
        let mut rows = stmt.query(rusqlite::params_from_iter(params)).unwrap();
        let mut claimed = 0;
        while rows.next().unwrap().is_some() {
            claimed += 1;
        }
        drop(rows);
        assert_eq!(claimed, limit.min(usize::try_from(due).unwrap()));
        stmt.get_status(rusqlite::StatementStatus::VmStep)
    }

    /// The outbox's queries that run all the time (the claim, the oldest-due and depth
    /// gauges) read the partial indexes of live messages, never the whole table, which holds
    /// every message ever delivered.
    #[tokio::test]
    async fn the_outbox_gauges_and_the_claim_read_the_indexes_of_live_messages() {
        let (store, path) = migrated_file("plans").await;
        let conn = rusqlite::Connection::open(&path).unwrap();
        // Both work indexes are partial: delivered messages are not in them.
        let mut list = conn.prepare("PRAGMA index_list(outbox)").unwrap();
        let partial: Vec<(String, bool)> =
            list.query_map([], |r| Ok((r.get(1)?, r.get(4)?))).unwrap().map(Result::unwrap).collect();
        drop(list);
        for name in ["outbox_due", "outbox_claimed"] {
            assert!(partial.contains(&(name.to_owned(), true)), "{name} is not partial: {partial:?}");
        }
        let plan = |statement: Statement| -> String {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {}", statement.sql)).unwrap();
            let params = sqlite_params(statement);
            let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| r.get::<_, String>(3)).unwrap();
            rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
        };
        let claim = plan(claim_statement(DbBackend::Sqlite, 5, 6, ClaimToken::from_uuid(uuid::Uuid::new_v4()), 50));
        let oldest = plan(oldest_due_query(5).build(DbBackend::Sqlite));
        let pending = plan(in_state("pending").build(DbBackend::Sqlite));
        let claimed = plan(in_state("claimed").build(DbBackend::Sqlite));
        for (what, plan) in [("claim", &claim), ("oldest due", &oldest)] {
            assert!(plan.contains("outbox_due") && plan.contains("outbox_claimed"), "{what}: {plan}");
        }
        assert!(pending.contains("outbox_due"), "pending: {pending}");
        assert!(claimed.contains("outbox_claimed"), "claimed: {claimed}");
        for (what, plan) in [("claim", &claim), ("oldest due", &oldest), ("pending", &pending), ("claimed", &claimed)] {
            // `SCAN outbox USING INDEX outbox_due` walks the partial index: live messages only.
            assert!(!plan.split("; ").any(|step| step == "SCAN outbox"), "{what} reads the whole outbox: {plan}");
        }
        drop(conn);
        drop(store);
        remove_file(&path);
    }

    /// A claim reads the due messages in the order of its indexes and stops at its limit: it
    /// costs about the same with 2,000 messages due as with 20 (it read and sorted every due
    /// message before).
    #[tokio::test]
    async fn a_claim_costs_the_same_however_long_the_backlog() {
        let (store, path) = migrated_file("claim").await;
        // Foreign keys off: messages without their invitations.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        let few = claim_steps(&conn, 20, 10);
        let many = claim_steps(&conn, 2_000, 10);
        assert!(many < few * 2, "{many} steps with 2,000 due against {few} with 20");
        drop(conn);
        drop(store);
        remove_file(&path);
    }
}
