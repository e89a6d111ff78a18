//! Point reads on PostgreSQL without the pool's checkout.
//!
//! Through sqlx every read checks a connection out of the pool, runs, and hands it back
//! through a task of the pool's; on a two-core machine that bookkeeping, not PostgreSQL, was
//! most of an authenticated read (see `docs/performance.md`). The hot point reads run here
//! instead, on a few `tokio-postgres` clients that each pipeline any number of concurrent
//! queries over one connection, with each statement prepared once per connection.
//!
//! Statements are still built by sea-orm (`Select<E>`) and rows are decoded through the
//! entity's own active model, as on the SQLite path: each column is read as the entity
//! declares it (a type mismatch is an error, never a silent `NULL`), then `try_into_model`
//! checks every field was set. Each read is its own statement outside any transaction, so
//! it sees the latest commit, exactly like a read through the pool. Nothing is cached but
//! prepared statements.
//!
//! This path speaks to the server without TLS, so it is used only where that is what the
//! pool does too or where nothing crosses a network: `sslmode=disable`, or every host on
//! loopback or a Unix socket. Elsewhere every read stays on the (TLS-capable) pool.

use std::collections::HashMap;
use std::str::FromStr as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sea_orm::sea_query::Value;
use sea_orm::{
    ActiveModelTrait, ColumnType, DbBackend, DbErr, EntityTrait, IdenStatic, QueryTrait, Select, TryIntoModel,
};
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, NoTls, Row, Statement};

use crate::sqlite_reads::{Shapes, entity_columns};

/// How many connections serve the reads. Each pipelines concurrent queries, so a few keep
/// both cores busy; more only add server processes.
const CONNECTIONS: usize = 4;

/// Prepared statements kept per connection (the hot reads need a dozen; a select with a
/// list of ids has one shape per list length).
pub(crate) const STATEMENTS: usize = 256;

/// A few `tokio-postgres` connections for point reads, opened on first use and opened
/// again when one closes.
pub(crate) struct PostgresReads {
    config: tokio_postgres::Config,
    slots: Vec<Mutex<Option<Arc<Connection>>>>,
    next: AtomicUsize,
    shapes: Shapes,
}

impl std::fmt::Debug for PostgresReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The configuration holds the password: never printed.
        f.debug_struct("PostgresReads").field("connections", &self.slots.len()).finish_non_exhaustive()
    }
}

struct Connection {
    client: Client,
    statements: Mutex<HashMap<String, Statement>>,
}

fn db_err(e: tokio_postgres::Error) -> DbErr {
    DbErr::Custom(format!("postgres read: {e}"))
}

fn poisoned() -> DbErr {
    DbErr::Custom("postgres read pool poisoned".into())
}

/// Whether `host` is this machine: a Unix socket or a loopback name or address.
fn is_local(host: &Host) -> bool {
    match host {
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            name == "localhost"
                || name
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
    }
}

impl PostgresReads {
    /// The read path for a `postgres:` URL, or `None` when it may not be used: the URL is not
    /// one `tokio-postgres` reads, or the connection could cross a network with TLS possible
    /// (anything but `sslmode=disable` to a host other than loopback or a Unix socket).
    pub(crate) fn for_url(url: &str, connect_timeout: Duration) -> Option<Self> {
        let mut config = tokio_postgres::Config::from_str(url).ok()?;
        let plain = config.get_ssl_mode() == SslMode::Disable;
        let local = !config.get_hosts().is_empty() && config.get_hosts().iter().all(is_local);
        if !(plain || local) || config.get_ssl_mode() == SslMode::Require {
            return None;
        }
        config.ssl_mode(SslMode::Disable).connect_timeout(connect_timeout);
        if config.get_application_name().is_none() {
            config.application_name("slate-reads");
        }
        Some(Self {
            config,
            slots: (0..CONNECTIONS).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
            shapes: Shapes::default(),
        })
    }

    /// The connection settings this path checked (no TLS), for the write path beside it.
    pub(crate) fn config(&self) -> tokio_postgres::Config {
        self.config.clone()
    }

    /// A connection, the next in turn; opened (again) when it is not open.
    async fn connection(&self) -> Result<Arc<Connection>, DbErr> {
        let slot = &self.slots[self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len()];
        if let Some(open) = slot.lock().map_err(|_| poisoned())?.as_ref().filter(|c| !c.client.is_closed()) {
            return Ok(open.clone());
        }
        let client = connect(&self.config).await.map_err(db_err)?;
        let opened = Arc::new(Connection { client, statements: Mutex::new(HashMap::new()) });
        *slot.lock().map_err(|_| poisoned())? = Some(opened.clone());
        Ok(opened)
    }

    /// `sql` prepared on `conn`, once.
    async fn prepared(conn: &Connection, sql: &str) -> Result<Statement, DbErr> {
        if let Some(found) = conn.statements.lock().map_err(|_| poisoned())?.get(sql) {
            return Ok(found.clone());
        }
        let statement = conn.client.prepare(sql).await.map_err(db_err)?;
        remember(&mut *conn.statements.lock().map_err(|_| poisoned())?, sql, statement.clone(), STATEMENTS);
        Ok(statement)
    }

    /// The rows (at most `most`) of `sql` with `values`, each decoded as entity `E`. A read
    /// that failed because its connection had closed is tried once more on a new one.
    async fn run<E>(
        &self,
        sql: &str,
        columns: Option<&[(E::Column, ColumnType)]>,
        values: &[Value],
        most: usize,
    ) -> Result<Vec<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        let mut tried = false;
        loop {
            let conn = self.connection().await?;
            match Self::run_on::<E>(&conn, sql, columns, values, most).await {
                Err(_) if conn.client.is_closed() && !tried => tried = true,
                done => return done,
            }
        }
    }

    async fn run_on<E>(
        conn: &Connection,
        sql: &str,
        columns: Option<&[(E::Column, ColumnType)]>,
        values: &[Value],
        most: usize,
    ) -> Result<Vec<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        let statement = Self::prepared(conn, sql).await?;
        let params = bind(&statement, values, sql)?;
        let named;
        let columns = match columns {
            Some(c) => c,
            None => {
                named = entity_columns::<E>(statement.columns().iter().map(tokio_postgres::Column::name))?;
                &named
            }
        };
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| &**p as &(dyn ToSql + Sync)).collect();
        // Selects by key: a few rows at most, read whole.
        let rows = conn.client.query(&statement, &refs).await.map_err(db_err)?;
        let mut out = Vec::new();
        for row in rows.iter().take(most) {
            let mut model = E::ActiveModel::default();
            for (i, (column, ty)) in columns.iter().enumerate() {
                model.try_set(*column, value(row, i, ty, column.as_str())?)?;
            }
            out.push(model.try_into_model()?);
        }
        Ok(out)
    }

    /// The first row `select` finds. Meant for selects by a unique key.
    pub(crate) async fn one<E>(&self, select: Select<E>) -> Result<Option<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        Ok(self.all_of(select, 1).await?.pop())
    }

    /// Every row `select` finds. Meant for selects bounded by a key.
    pub(crate) async fn all<E>(&self, select: Select<E>) -> Result<Vec<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        self.all_of(select, usize::MAX).await
    }

    async fn all_of<E>(&self, select: Select<E>, most: usize) -> Result<Vec<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        let statement = select.build(DbBackend::Postgres);
        let values = statement.values.map(|v| v.0).unwrap_or_default();
        self.run::<E>(&statement.sql, None, &values, most).await
    }

    /// The row a select of shape `name` finds with `params` bound in order: its SQL and
    /// column types are worked out once per shape, as on SQLite.
    pub(crate) async fn one_of_shape<E>(
        &self,
        name: &'static str,
        shape: impl FnOnce() -> Select<E>,
        params: Vec<Value>,
    ) -> Result<Option<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        let found = match self.shapes.get(name)? {
            Some(found) => found,
            None => {
                let sql = shape().build(DbBackend::Postgres).sql;
                let conn = self.connection().await?;
                let statement = Self::prepared(&conn, &sql).await?;
                let columns = entity_columns::<E>(statement.columns().iter().map(tokio_postgres::Column::name))?;
                self.shapes.insert::<E>(name, sql, columns)?
            }
        };
        Ok(self.run::<E>(&found.sql, Some(found.columns::<E>(name)?), &params, 1).await?.pop())
    }
}

/// Opens a connection without TLS (see the module's notes) and drives it in its own task,
/// which ends when the client is dropped or the server goes away.
pub(crate) async fn connect(config: &tokio_postgres::Config) -> Result<Client, tokio_postgres::Error> {
    let (client, connection) = config.connect(NoTls).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// Keeps `statement`, prepared for `sql`, among a connection's `known` ones (all forgotten
/// once there are `most`).
pub(crate) fn remember(known: &mut HashMap<String, Statement>, sql: &str, statement: Statement, most: usize) {
    if known.len() >= most {
        known.clear();
    }
    known.insert(sql.to_owned(), statement);
}

/// `values` as `statement`'s parameters; a count that does not match its placeholders is
/// refused.
pub(crate) fn bind(
    statement: &Statement,
    values: &[Value],
    sql: &str,
) -> Result<Vec<Box<dyn ToSql + Sync + Send>>, DbErr> {
    if statement.params().len() != values.len() {
        return Err(DbErr::Custom(format!(
            "{} placeholders, {} values: {sql}",
            statement.params().len(),
            values.len()
        )));
    }
    values.iter().zip(statement.params()).map(|(v, ty)| param(v, ty)).collect()
}

/// A bound value as the statement's parameter type wants it (an integer in the width of its
/// column; anything else as it is, checked by `tokio-postgres` against the type).
fn param(v: &Value, ty: &Type) -> Result<Box<dyn ToSql + Sync + Send>, DbErr> {
    let integer = |i: Option<i64>| -> Result<Box<dyn ToSql + Sync + Send>, DbErr> {
        let range = |_| DbErr::Custom(format!("{i:?} out of range for {ty}"));
        Ok(match *ty {
            Type::INT2 => Box::new(i.map(i16::try_from).transpose().map_err(range)?),
            Type::INT4 => Box::new(i.map(i32::try_from).transpose().map_err(range)?),
            _ => Box::new(i),
        })
    };
    Ok(match v {
        Value::Bool(b) => Box::new(*b),
        Value::TinyInt(i) => integer(i.map(i64::from))?,
        Value::SmallInt(i) => integer(i.map(i64::from))?,
        Value::Int(i) => integer(i.map(i64::from))?,
        Value::BigInt(i) => integer(*i)?,
        Value::TinyUnsigned(i) => integer(i.map(i64::from))?,
        Value::SmallUnsigned(i) => integer(i.map(i64::from))?,
        Value::Unsigned(i) => integer(i.map(i64::from))?,
        Value::BigUnsigned(i) => {
            integer(i.map(i64::try_from).transpose().map_err(|_| DbErr::Custom(format!("{i:?} out of range")))?)?
        }
        Value::String(s) => Box::new(s.clone()),
        Value::Char(c) => Box::new(c.map(|c| c.to_string())),
        Value::Bytes(b) => Box::new(b.clone()),
        Value::Uuid(u) => Box::new(*u),
        other => return Err(DbErr::Custom(format!("unsupported parameter {other:?}"))),
    })
}

/// An integer column as the width the server sent it.
fn integer(row: &Row, i: usize) -> Result<Option<i64>, tokio_postgres::Error> {
    Ok(match *row.columns()[i].type_() {
        Type::INT2 => row.try_get::<_, Option<i16>>(i)?.map(i64::from),
        Type::INT4 => row.try_get::<_, Option<i32>>(i)?.map(i64::from),
        _ => row.try_get::<_, Option<i64>>(i)?,
    })
}

/// Column `i` of `row` as the entity declares it.
fn value(row: &Row, i: usize, ty: &ColumnType, name: &str) -> Result<Value, DbErr> {
    let wrong = |e: &dyn std::fmt::Display| DbErr::Type(format!("column {name}: {e} (declared {ty:?})"));
    let narrow = |n: Option<i64>| DbErr::Type(format!("column {name}: {n:?} out of range for {ty:?}"));
    Ok(match ty {
        ColumnType::Uuid => Value::Uuid(row.try_get(i).map_err(|e| wrong(&e))?),
        ColumnType::Boolean => Value::Bool(row.try_get(i).map_err(|e| wrong(&e))?),
        ColumnType::SmallInteger => {
            let n = integer(row, i).map_err(|e| wrong(&e))?;
            Value::SmallInt(n.map(i16::try_from).transpose().map_err(|_| narrow(n))?)
        }
        ColumnType::Integer => {
            let n = integer(row, i).map_err(|e| wrong(&e))?;
            Value::Int(n.map(i32::try_from).transpose().map_err(|_| narrow(n))?)
        }
        ColumnType::BigInteger => Value::BigInt(integer(row, i).map_err(|e| wrong(&e))?),
        ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => {
            Value::String(row.try_get(i).map_err(|e| wrong(&e))?)
        }
        ColumnType::Binary(_) | ColumnType::VarBinary(_) | ColumnType::Blob => {
            Value::Bytes(row.try_get(i).map_err(|e| wrong(&e))?)
        }
        _ => return Err(wrong(&"a type this read path does not decode")),
    })
}

#[cfg(test)]
mod tests {
    use super::PostgresReads;
    use std::time::Duration;

    #[test]
    fn only_connections_that_cross_no_network_or_refuse_tls_get_this_path() {
        let second = Duration::from_secs(1);
        assert!(PostgresReads::for_url("postgres://slate@127.0.0.1:5432/slate", second).is_some());
        assert!(PostgresReads::for_url("postgres://slate@localhost/slate", second).is_some());
        assert!(PostgresReads::for_url("postgresql://slate@[::1]:5432/slate", second).is_some());
        assert!(PostgresReads::for_url("postgres://slate@db.example/slate?sslmode=disable", second).is_some());
        assert!(PostgresReads::for_url("postgres://slate@db.example/slate", second).is_none(), "TLS possible");
        assert!(PostgresReads::for_url("postgres://slate@db.example/slate?sslmode=prefer", second).is_none());
        assert!(PostgresReads::for_url("postgres://slate@127.0.0.1/slate?sslmode=require", second).is_none());
        assert!(PostgresReads::for_url("postgres://slate@127.0.0.1/slate?not_an_option=1", second).is_none());
    }
}
