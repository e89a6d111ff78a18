//! Commits on PostgreSQL in two round trips instead of one per statement.
//!
//! Through sqlx a commit of six statements waits for the server eight times (`BEGIN`, each
//! statement, `COMMIT`), one after another. Here the statements of a commit — still built
//! by sea-orm — are pipelined on one `tokio-postgres` connection held for the commit alone:
//! `BEGIN` and every statement are sent together, and once their results are back `COMMIT`
//! (or `ROLLBACK`, when a statement failed or a checked update changed no row) follows. The
//! transaction is the same: read committed, all statements or none, every revision and
//! claim check applied by the statements themselves.
//!
//! Connections are held by one commit at a time (a transaction owns its session), at most
//! [`CONNECTIONS`] of them; each statement is prepared once per connection. Like the read
//! path beside it, this path speaks without TLS, so it is used only where
//! [`PostgresReads::for_url`](crate::postgres_reads::PostgresReads::for_url) allows.

use std::collections::HashMap;
use std::sync::Mutex;

use futures_util::future::join_all;
use slate_domain::ports::{AdapterError, CommitError};
use tokio::sync::Semaphore;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Statement};

use crate::postgres_reads::{STATEMENTS, bind, connect, remember};
use crate::store::Step;

/// The most connections held for commits at once; further commits wait for one.
const CONNECTIONS: usize = 4;

/// Write connections to one PostgreSQL database.
pub(crate) struct PostgresWriter {
    config: tokio_postgres::Config,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
    /// Prepared statements kept per connection.
    statements: usize,
}

impl std::fmt::Debug for PostgresWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The configuration holds the password: never printed.
        f.debug_struct("PostgresWriter").finish_non_exhaustive()
    }
}

struct Connection {
    client: Client,
    statements: HashMap<String, Statement>,
}

fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> CommitError {
    CommitError::Internal(AdapterError::new(e))
}

/// A failed statement: a unique key already taken is [`CommitError::Duplicate`] naming
/// `what`, as on the sqlx path; anything else is internal.
fn statement_error(e: tokio_postgres::Error, what: &'static str) -> CommitError {
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) { CommitError::Duplicate(what) } else { internal(e) }
}

impl PostgresWriter {
    /// Over the configuration the read path checked (no TLS, see the module's notes).
    pub(crate) fn new(mut config: tokio_postgres::Config) -> Self {
        config.application_name("slate-writes");
        Self { config, idle: Mutex::new(Vec::new()), permits: Semaphore::new(CONNECTIONS), statements: STATEMENTS }
    }

    /// Runs `steps` as one transaction: all of them or none. A step that must change one row
    /// and does not rolls everything back as [`CommitError::Conflict`].
    pub(crate) async fn commit(&self, steps: Vec<Step>) -> Result<(), CommitError> {
        let _permit = self.permits.acquire().await.map_err(internal)?;
        let taken = self.idle.lock().map_err(|_| internal("postgres write pool poisoned"))?.pop();
        let mut conn = match taken.filter(|c| !c.client.is_closed()) {
            Some(c) => c,
            None => self.connect().await?,
        };
        let result = run(&mut conn, steps, self.statements).await;
        // A connection whose transaction may still be open (the rollback itself failed) or
        // that closed is not kept.
        let reusable = !conn.client.is_closed() && !matches!(result, Err(Failure::Unsettled(_)));
        if reusable && let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
        result.map_err(Failure::into_error)
    }

    async fn connect(&self) -> Result<Connection, CommitError> {
        let client = connect(&self.config).await.map_err(internal)?;
        Ok(Connection { client, statements: HashMap::new() })
    }
}

/// Why a commit did not happen.
enum Failure {
    /// Nothing was committed and the connection is back outside any transaction.
    Settled(CommitError),
    /// The connection's state is unknown (`ROLLBACK` or `COMMIT` got no answer).
    Unsettled(CommitError),
}

impl Failure {
    fn into_error(self) -> CommitError {
        match self {
            Self::Settled(e) | Self::Unsettled(e) => e,
        }
    }
}

async fn run(conn: &mut Connection, steps: Vec<Step>, most: usize) -> Result<(), Failure> {
    // This commit's statements: those the connection has prepared, and the others prepared
    // now, together (pipelined). Kept aside, so that the connection forgetting its statements
    // when it holds too many cannot lose one this commit needs.
    let mut ready: HashMap<&str, Statement> = HashMap::new();
    let mut missing: Vec<&str> = Vec::new();
    for step in &steps {
        let sql = step.statement.sql.as_str();
        if ready.contains_key(sql) || missing.contains(&sql) {
            continue;
        }
        match conn.statements.get(sql) {
            Some(statement) => {
                ready.insert(sql, statement.clone());
            }
            None => missing.push(sql),
        }
    }
    if !missing.is_empty() {
        let client = &conn.client;
        let prepared = join_all(missing.iter().map(|sql| client.prepare(sql))).await;
        for (sql, statement) in missing.into_iter().zip(prepared) {
            let statement = statement.map_err(|e| Failure::Settled(internal(e)))?;
            remember(&mut conn.statements, sql, statement.clone(), most);
            ready.insert(sql, statement);
        }
    }
    let mut bound = Vec::with_capacity(steps.len());
    for step in &steps {
        let sql = step.statement.sql.as_str();
        let Some(statement) = ready.get(sql) else {
            return Err(Failure::Settled(internal(format!("not prepared: {sql}"))));
        };
        let values = step.statement.values.as_ref().map(|v| v.0.as_slice()).unwrap_or_default();
        let params = bind(statement, values, sql).map_err(|e| Failure::Settled(internal(e)))?;
        bound.push((statement.clone(), params));
    }

    let client = &conn.client;
    let begin = client.batch_execute("BEGIN");
    let executions = join_all(bound.iter().map(|(statement, params)| {
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| &**p as &(dyn ToSql + Sync)).collect();
        async move { client.execute(statement, &refs).await }
    }));
    // `BEGIN` is sent first, then every statement in order, before any answer is awaited.
    let (begun, results) = tokio::join!(begin, executions);

    let mut failure = begun.err().map(internal);
    if failure.is_none() {
        for (step, result) in steps.iter().zip(results) {
            match result {
                Err(e) => {
                    failure = Some(statement_error(e, step.what));
                    break;
                }
                Ok(changed) if step.one && changed != 1 => {
                    failure = Some(CommitError::Conflict);
                    break;
                }
                Ok(_) => {}
            }
        }
    }
    match failure {
        None => client.batch_execute("COMMIT").await.map_err(|e| Failure::Unsettled(internal(e))),
        Some(e) => match client.batch_execute("ROLLBACK").await {
            Ok(()) => Err(Failure::Settled(e)),
            Err(_) => Err(Failure::Unsettled(e)),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr as _;

    use sea_orm::sea_query::Value;
    use sea_orm::{DbBackend, Statement};

    use super::PostgresWriter;
    use crate::store::Step;

    fn insert(table: &str, expression: &str, n: i32) -> Step {
        let sql = format!("INSERT INTO {table} (n) VALUES ({expression})");
        Step {
            statement: Statement::from_sql_and_values(DbBackend::Postgres, sql, [Value::Int(Some(n))]),
            what: "n",
            one: false,
        }
    }

    /// A connection that forgets its prepared statements (it holds too many) while a commit
    /// prepares new ones still runs the statements it had prepared before. Needs the server
    /// `./scripts/test` starts.
    #[tokio::test]
    async fn a_commit_keeps_its_statements_when_the_connection_forgets_old_ones() {
        let url = std::env::var("SLATE_TEST_POSTGRES_URL").expect("SLATE_TEST_POSTGRES_URL: run ./scripts/test");
        let config = tokio_postgres::Config::from_str(&url).unwrap();
        let admin = super::connect(&config).await.unwrap();
        let table = format!("statements_{}", uuid::Uuid::new_v4().simple());
        admin.batch_execute(&format!("CREATE TABLE {table} (n integer NOT NULL)")).await.unwrap();
        let mut writer = PostgresWriter::new(config);
        writer.statements = 2;
        writer.commit(vec![insert(&table, "$1", 1), insert(&table, "$1 + 10", 2)]).await.unwrap();
        // The connection holds two statements; a third is prepared beside the first.
        let second = writer.commit(vec![insert(&table, "$1", 3), insert(&table, "$1 + 20", 4)]).await;
        let rows = admin.query(&format!("SELECT n FROM {table} ORDER BY n"), &[]).await.unwrap();
        let n: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
        admin.batch_execute(&format!("DROP TABLE {table}")).await.unwrap();
        assert!(second.is_ok(), "{second:?}");
        assert_eq!(n, [1, 3, 12, 24]);
    }
}
