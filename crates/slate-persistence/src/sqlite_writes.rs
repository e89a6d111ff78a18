//! Commits on an SQLite file in one hand-off instead of one per statement.
//!
//! sqlx runs each SQLite connection on its own thread and sends it every statement (and
//! `BEGIN` and `COMMIT`) across a channel, waking that thread and then the caller each
//! time: a commit of six statements costs eight round trips between threads. Here the
//! statements of a commit — still built by sea-orm, so the SQL and the bound values are the
//! ones sqlx would run — are handed once to a blocking thread that runs the whole
//! transaction on one `rusqlite` connection to the same file.
//!
//! SQLite admits one writer at a time whatever the number of connections, so one connection
//! behind a mutex serves every commit: commits of this process queue on the mutex, in
//! order, rather than polling SQLite's busy handler. Anything else that writes (migrations
//! through sqlx, another process) is waited for by `BEGIN IMMEDIATE` with the store's busy
//! timeout, as before. The connection has the pragmas the sqlx pool sets on its own (foreign
//! keys on, `synchronous = NORMAL`; WAL is the file's mode).
//!
//! The write-ahead log is checkpointed off the commit path. By default SQLite checkpoints
//! inside the commit that takes the log past 1,000 pages: that commit copies the pages into
//! the database and waits for the disk (`fsync`), and every write queued behind it waits too
//! (the mail worker's recorder, then the sending). Here the write connection never
//! checkpoints; a thread of the store's own does, [`CHECKPOINT_AFTER`] after writes happened,
//! in `PASSIVE` mode, which never blocks readers or the writer.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};
use slate_domain::ports::{AdapterError, CommitError};

use sea_orm::{DbErr, EntityTrait, TryIntoModel};

use crate::sqlite_reads::{columns_of, decode, open_file, param};
use crate::store::Step;

/// The one write connection to an SQLite file, opened on first use.
#[derive(Debug)]
pub(crate) struct SqliteWriter {
    path: PathBuf,
    busy: Duration,
    conn: Arc<Mutex<Option<Connection>>>,
    /// Tells the checkpointer that the log grew; dropping it stops the checkpointer.
    wrote: SyncSender<()>,
}

/// How long the checkpointer lets writes gather before it checkpoints them: one copy and one
/// `fsync` for every commit of that time. At the mail worker's full rate the log reaches a
/// few megabytes in this time, about what SQLite's own threshold (1,000 pages) lets it reach.
pub(crate) const CHECKPOINT_AFTER: Duration = Duration::from_millis(100);

fn db_err(e: rusqlite::Error) -> DbErr {
    DbErr::Custom(format!("sqlite write: {e}"))
}

fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> CommitError {
    CommitError::Internal(AdapterError::new(e))
}

/// A failed statement: a unique key already taken is [`CommitError::Duplicate`] (naming
/// `what`, as on the sqlx path); anything else is internal.
fn statement_error(e: rusqlite::Error, what: &'static str) -> CommitError {
    match e.sqlite_error().map(|f| f.extended_code) {
        Some(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY) => {
            CommitError::Duplicate(what)
        }
        _ => internal(e),
    }
}

impl SqliteWriter {
    pub(crate) fn new(path: &Path, busy: Duration) -> Self {
        let (wrote, written) = std::sync::mpsc::sync_channel(1);
        let file = path.to_owned();
        // Without the thread the log is still checkpointed when the last connection closes,
        // and by sqlx's connections when they write.
        let spawned = std::thread::Builder::new()
            .name("slate-sqlite-checkpoint".into())
            .spawn(move || checkpoints(&file, busy, &written));
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "the SQLite checkpoint thread could not start");
        }
        Self { path: path.to_owned(), busy, conn: Arc::new(Mutex::new(None)), wrote }
    }

    /// Runs `work` on the write connection in a blocking task, opening the connection when
    /// there is none. A connection `work` leaves inside a transaction (a rollback that
    /// failed) is not reused.
    async fn on_connection<T, E>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<WriterError> + Send + 'static,
    {
        let conn = self.conn.clone();
        let (path, busy) = (self.path.clone(), self.busy);
        let wrote = self.wrote.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = connection(&conn, &path, busy).map_err(|e| E::from(WriterError(e.to_string())))?;
            let Some(c) = guard.as_mut() else { return Err(E::from(WriterError("no SQLite write connection".into()))) };
            let result = work(c);
            if !c.is_autocommit() {
                *guard = None;
            }
            drop(guard);
            // A notice already waiting covers this write too.
            if let Err(TrySendError::Disconnected(())) = wrote.try_send(()) {
                tracing::debug!("the SQLite checkpoint thread is gone");
            }
            result
        })
        .await
        .map_err(|e| E::from(WriterError(e.to_string())))?
    }

    /// Runs one statement that writes and returns rows (`UPDATE … RETURNING …`), decoding
    /// them as entity `E`. One statement is atomic on its own; it waits for the write lock
    /// like a commit.
    pub(crate) async fn returning<E>(&self, statement: sea_orm::Statement) -> Result<Vec<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::Model: Send + 'static,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        self.on_connection(move |c| {
            let values = statement.values.map(|v| v.0).unwrap_or_default();
            let mut stmt = c.prepare_cached(&statement.sql).map_err(db_err)?;
            let columns = columns_of::<E>(&stmt)?;
            decode::<E>(&mut stmt, &columns, values, usize::MAX)
        })
        .await
    }

    /// Runs `steps` in one immediate transaction: all of them or none. A step that must
    /// change one row and changes none (or several) rolls everything back as
    /// [`CommitError::Conflict`].
    pub(crate) async fn commit(&self, steps: Vec<Step>) -> Result<(), CommitError> {
        self.on_connection(move |c| run(c, steps)).await
    }
}

/// The write connection could not be had (opening it failed, or its task died).
#[derive(Debug, thiserror::Error)]
#[error("sqlite write connection: {0}")]
pub(crate) struct WriterError(String);

impl From<WriterError> for DbErr {
    fn from(e: WriterError) -> Self {
        Self::Custom(e.to_string())
    }
}

impl From<WriterError> for CommitError {
    fn from(e: WriterError) -> Self {
        internal(e)
    }
}

/// The write connection, opened when there is none. A commit that panicked left it in an
/// unknown state (and the lock poisoned): another is opened.
fn connection<'a>(
    slot: &'a Mutex<Option<Connection>>,
    path: &Path,
    busy: Duration,
) -> rusqlite::Result<MutexGuard<'a, Option<Connection>>> {
    let mut guard = slot.lock().unwrap_or_else(|poisoned| {
        let mut guard = poisoned.into_inner();
        *guard = None;
        guard
    });
    if guard.is_none() {
        *guard = Some(open(path, busy)?);
    }
    Ok(guard)
}

fn open(path: &Path, busy: Duration) -> rusqlite::Result<Connection> {
    let conn = open_file(path, busy)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // The checkpointer's work, off the commit path.
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    Ok(conn)
}

/// The checkpointer: after each notice of writes, waits [`CHECKPOINT_AFTER`] for more, then
/// copies the log into the database (`PASSIVE`: what no reader still needs). Ends when the
/// writer is dropped.
fn checkpoints(path: &Path, busy: Duration, written: &Receiver<()>) {
    let mut conn: Option<Connection> = None;
    while written.recv().is_ok() {
        std::thread::sleep(CHECKPOINT_AFTER);
        while written.try_recv().is_ok() {}
        let c = match conn.take() {
            Some(c) => c,
            None => match open_file(path, busy) {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "the SQLite checkpoint connection could not be opened");
                    continue;
                }
            },
        };
        match checkpoint(&c) {
            Ok(()) => conn = Some(c),
            Err(e) => {
                tracing::warn!(error = %e, "checkpointing the SQLite log failed; trying again after the next write")
            }
        }
    }
}

/// One passive checkpoint.
fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

fn run(conn: &mut Connection, steps: Vec<Step>) -> Result<(), CommitError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(internal)?;
    for step in steps {
        let values = step.statement.values.map(|v| v.0).unwrap_or_default();
        let params: Vec<rusqlite::types::Value> =
            values.into_iter().map(param).collect::<Result<_, _>>().map_err(internal)?;
        let mut stmt = tx.prepare_cached(&step.statement.sql).map_err(|e| statement_error(e, step.what))?;
        let changed = stmt.execute(rusqlite::params_from_iter(params)).map_err(|e| statement_error(e, step.what))?;
        if step.one && changed != 1 {
            // Dropping the transaction rolls it back.
            return Err(CommitError::Conflict);
        }
    }
    tx.commit().map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{DbBackend, Statement};

    /// Commits `n` rows of 16 KiB (four pages each), one commit a row.
    async fn write(writer: &SqliteWriter, n: usize) {
        for _ in 0..n {
            let statement = Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "INSERT INTO t (b) VALUES (?)",
                [vec![7u8; 16_384].into()],
            );
            writer.commit(vec![Step { statement, what: "row", one: false }]).await.unwrap();
        }
    }

    /// The write connection never checkpoints (SQLite's own threshold is 1,000 pages, which
    /// these rounds cross); the checkpointer does, once writes stop for a moment, so the next
    /// commit starts the log over: four rounds of 300 pages leave a log the size of one round
    /// rather than of four (no checkpointing) or of the 1,000-page threshold (SQLite's own).
    #[tokio::test]
    async fn the_log_is_checkpointed_by_the_store_thread_and_stays_the_size_of_one_round() {
        let path = std::env::temp_dir().join(format!("slate-checkpoint-{}.db", uuid::Uuid::new_v4().simple()));
        let setup = Connection::open(&path).unwrap();
        setup.pragma_update(None, "journal_mode", "WAL").unwrap();
        setup.execute_batch("CREATE TABLE t (b BLOB NOT NULL)").unwrap();
        drop(setup);
        let wal = format!("{}-wal", path.display());
        let log = || std::fs::metadata(&wal).map_or(0, |m| m.len());

        let writer = SqliteWriter::new(&path, Duration::from_secs(5));
        write(&writer, 75).await;
        let one_round = log();
        assert!(one_round > 1_000_000, "one round wrote {one_round} bytes of log");
        for _ in 0..3 {
            tokio::time::sleep(CHECKPOINT_AFTER * 10).await;
            write(&writer, 75).await;
        }
        let after = log();
        assert!(after < one_round * 3 / 2, "the log grew to {after} bytes after four rounds of {one_round}");

        drop(writer);
        let read = Connection::open(&path).unwrap();
        let rows: i64 = read.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 300);
        drop(read);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
