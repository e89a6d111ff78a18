//! Point reads on SQLite without the driver's thread hand-off.
//!
//! sqlx runs every SQLite connection on its own worker thread and ships each statement and
//! each row across channels; on a two-core machine a one-row read spends most of its time
//! waking threads, not in SQLite (see `docs/performance.md`). A primary-key read from a WAL
//! database whose pages are cached takes a few microseconds in SQLite itself, well inside
//! what may run on an async worker between two `.await`s, so the hot point reads run here,
//! inline, on a small pool of `rusqlite` connections opened `query_only` on the same file.
//!
//! The statements are still built by sea-orm (`Select<E>`), and rows are decoded through the
//! entity's own active model: each column is read into the `sea_query::Value` its entity
//! column declares (a type mismatch is an error, never a silent `NULL`), then
//! `try_into_model` checks that every field was set. Writes, transactions and every
//! query that may scan stay on the sqlx pool. In WAL mode each statement here starts a read
//! transaction on the latest commit, so a write committed through the pool is seen by the
//! next read — nothing is cached.

use std::any::Any;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr as _;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use sea_orm::sea_query::Value;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ColumnType, DbBackend, DbErr, EntityTrait, IdenStatic, QueryTrait, Select,
    TryIntoModel,
};

/// How many idle connections are kept. Reads run inline, so at most one per async worker
/// (plus the odd blocking thread) is in use at once; more are opened on demand and closed.
const IDLE: usize = 8;

/// A pool of read-only `rusqlite` connections on one SQLite file.
#[derive(Debug)]
pub(crate) struct SqliteReads {
    path: PathBuf,
    busy: Duration,
    idle: Mutex<Vec<Connection>>,
    shapes: Shapes,
}

/// The file behind a `sqlite:` URL, or `None` for an in-memory database (each connection
/// would see its own empty database).
pub(crate) fn file_of(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || query.split('&').any(|p| p == "mode=memory") {
        return None;
    }
    Some(PathBuf::from(path))
}

/// A connection of this process to the SQLite file at `path` (shared by the read and write
/// paths): waiting `busy` for a lock, keeping 64 prepared statements.
pub(crate) fn open_file(path: &Path, busy: Duration) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(busy)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

fn db_err(e: rusqlite::Error) -> DbErr {
    DbErr::Custom(format!("sqlite read: {e}"))
}

impl SqliteReads {
    pub(crate) fn new(path: &Path, busy: Duration) -> Self {
        Self { path: path.to_owned(), busy, idle: Mutex::new(Vec::new()), shapes: Shapes::default() }
    }

    fn open(&self) -> Result<Connection, DbErr> {
        let conn = open_file(&self.path, self.busy).map_err(db_err)?;
        conn.pragma_update(None, "query_only", true).map_err(db_err)?;
        Ok(conn)
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> Result<T, DbErr>) -> Result<T, DbErr> {
        let taken = self.idle.lock().map_err(|_| DbErr::Custom("sqlite read pool poisoned".into()))?.pop();
        let conn = match taken {
            Some(c) => c,
            None => self.open()?,
        };
        let out = f(&conn);
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < IDLE
        {
            idle.push(conn);
        }
        out
    }

    /// The first row `select` finds, decoded as the entity's model. Meant for selects by a
    /// unique key. No `LIMIT ?` is added: with a bound limit SQLite (built with STAT4)
    /// re-prepares the statement on every run, which costs more than the read itself.
    pub(crate) fn one<E>(&self, select: Select<E>) -> Result<Option<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        Ok(self.rows(select, 1)?.pop())
    }

    /// Every row `select` finds. Meant for selects bounded by a key: it runs inline.
    pub(crate) fn all<E>(&self, select: Select<E>) -> Result<Vec<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        self.rows(select, usize::MAX)
    }

    fn rows<E>(&self, select: Select<E>, most: usize) -> Result<Vec<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        let statement = select.build(DbBackend::Sqlite);
        let values = statement.values.map(|v| v.0).unwrap_or_default();
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(&statement.sql).map_err(db_err)?;
            let columns = columns_of::<E>(&stmt)?;
            decode::<E>(&mut stmt, &columns, values, most)
        })
    }

    /// The row a select of shape `name` finds with `params` bound in order: the statement's
    /// SQL and column types are worked out once per shape (building a sea-orm select and its
    /// SQL cost more than running it). `shape` builds the select with any values of the
    /// right kinds; a shape whose placeholders do not match `params` in number is refused.
    pub(crate) fn one_of_shape<E>(
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
                let statement = shape().build(DbBackend::Sqlite);
                let columns = self.with(|conn| {
                    let stmt = conn.prepare(&statement.sql).map_err(db_err)?;
                    if stmt.parameter_count() != params.len() {
                        return Err(DbErr::Custom(format!(
                            "shape {name}: {} placeholders, {} values",
                            stmt.parameter_count(),
                            params.len()
                        )));
                    }
                    columns_of::<E>(&stmt)
                })?;
                self.shapes.insert::<E>(name, statement.sql, columns)?
            }
        };
        let columns = found.columns::<E>(name)?;
        self.with(|conn| {
            let mut stmt = conn.prepare_cached(&found.sql).map_err(db_err)?;
            Ok(decode::<E>(&mut stmt, columns, params, 1)?.pop())
        })
    }
}

fn poisoned() -> DbErr {
    DbErr::Custom("sqlite read pool poisoned".into())
}

/// The hot reads' shapes by name, each worked out once (shared by the SQLite and PostgreSQL
/// read paths).
#[derive(Debug, Default)]
pub(crate) struct Shapes(RwLock<HashMap<&'static str, Arc<Shape>>>);

impl Shapes {
    /// The shape called `name`, if it was worked out.
    pub(crate) fn get(&self, name: &'static str) -> Result<Option<Arc<Shape>>, DbErr> {
        Ok(self.0.read().map_err(|_| poisoned())?.get(name).cloned())
    }

    /// Keeps the shape `name` of entity `E`: its SQL and result columns.
    pub(crate) fn insert<E: EntityTrait>(
        &self,
        name: &'static str,
        sql: String,
        columns: Vec<(E::Column, ColumnType)>,
    ) -> Result<Arc<Shape>, DbErr> {
        let shape = Arc::new(Shape { sql, columns: Box::new(columns) });
        self.0.write().map_err(|_| poisoned())?.insert(name, shape.clone());
        Ok(shape)
    }
}

/// A select's SQL and what each of its result columns is in the entity.
pub(crate) struct Shape {
    pub(crate) sql: String,
    /// `Vec<(E::Column, ColumnType)>` for the shape's entity.
    columns: Box<dyn Any + Send + Sync>,
}

impl Shape {
    /// The result columns, for entity `E` (the shape `name` of another entity is an error).
    pub(crate) fn columns<E: EntityTrait>(&self, name: &str) -> Result<&[(E::Column, ColumnType)], DbErr> {
        self.columns
            .downcast_ref::<Vec<(E::Column, ColumnType)>>()
            .map(Vec::as_slice)
            .ok_or_else(|| DbErr::Custom(format!("shape {name} is used for two entities")))
    }
}

impl std::fmt::Debug for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shape").field("sql", &self.sql).finish_non_exhaustive()
    }
}

/// The entity column and declared type of each of `stmt`'s result columns.
pub(crate) fn columns_of<E: EntityTrait>(
    stmt: &rusqlite::Statement<'_>,
) -> Result<Vec<(E::Column, ColumnType)>, DbErr> {
    entity_columns::<E>(stmt.column_names())
}

/// The entity column and declared type of each result column, by name (an unknown name is
/// an error). Shared with the PostgreSQL read path.
pub(crate) fn entity_columns<'a, E: EntityTrait>(
    names: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<(E::Column, ColumnType)>, DbErr> {
    names
        .into_iter()
        .map(|n| {
            E::Column::from_str(n)
                .map(|c| (c, c.def().get_column_type().clone()))
                .map_err(|_| DbErr::Custom(format!("column {n} is not in the entity")))
        })
        .collect()
}

/// Runs `stmt` with `values` and decodes at most `most` rows.
pub(crate) fn decode<E>(
    stmt: &mut rusqlite::Statement<'_>,
    columns: &[(E::Column, ColumnType)],
    values: Vec<Value>,
    most: usize,
) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
{
    let params: Vec<rusqlite::types::Value> = values.into_iter().map(param).collect::<Result<_, _>>()?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params)).map_err(db_err)?;
    let mut out = Vec::new();
    while out.len() < most
        && let Some(row) = rows.next().map_err(db_err)?
    {
        let mut model = E::ActiveModel::default();
        for (i, (column, ty)) in columns.iter().enumerate() {
            let raw = row.get_ref(i).map_err(db_err)?;
            model.try_set(*column, value(raw, ty, column.as_str())?)?;
        }
        out.push(model.try_into_model()?);
    }
    Ok(out)
}

/// A bound parameter as sqlx binds it on SQLite (UUIDs as 16-byte blobs, booleans as 0/1).
pub(crate) fn param(v: Value) -> Result<rusqlite::types::Value, DbErr> {
    use rusqlite::types::Value as R;
    Ok(match v {
        Value::Bool(b) => b.map_or(R::Null, |b| R::Integer(i64::from(b))),
        Value::TinyInt(i) => i.map_or(R::Null, |i| R::Integer(i.into())),
        Value::SmallInt(i) => i.map_or(R::Null, |i| R::Integer(i.into())),
        Value::Int(i) => i.map_or(R::Null, |i| R::Integer(i.into())),
        Value::BigInt(i) => i.map_or(R::Null, R::Integer),
        Value::TinyUnsigned(i) => i.map_or(R::Null, |i| R::Integer(i.into())),
        Value::SmallUnsigned(i) => i.map_or(R::Null, |i| R::Integer(i.into())),
        Value::Unsigned(i) => i.map_or(R::Null, |i| R::Integer(i.into())),
        Value::BigUnsigned(i) => match i {
            None => R::Null,
            Some(i) => R::Integer(i64::try_from(i).map_err(|_| DbErr::Custom(format!("{i} out of range")))?),
        },
        Value::Float(f) => f.map_or(R::Null, |f| R::Real(f.into())),
        Value::Double(f) => f.map_or(R::Null, R::Real),
        Value::String(s) => s.map_or(R::Null, R::Text),
        Value::Char(c) => c.map_or(R::Null, |c| R::Text(c.to_string())),
        Value::Bytes(b) => b.map_or(R::Null, R::Blob),
        Value::Uuid(u) => u.map_or(R::Null, |u| R::Blob(u.as_bytes().to_vec())),
        other => return Err(DbErr::Custom(format!("unsupported parameter {other:?}"))),
    })
}

/// A column's value as the entity declares it.
fn value(raw: ValueRef<'_>, ty: &ColumnType, name: &str) -> Result<Value, DbErr> {
    let wrong = || DbErr::Type(format!("column {name}: unexpected {:?} for {ty:?}", raw.data_type()));
    let text = |t: &[u8]| std::str::from_utf8(t).map(str::to_owned).map_err(|_| wrong());
    let null = matches!(raw, ValueRef::Null);
    Ok(match (ty, raw) {
        (ColumnType::Uuid, _) if null => Value::Uuid(None),
        (ColumnType::Uuid, ValueRef::Blob(b)) => Value::Uuid(Some(uuid::Uuid::from_slice(b).map_err(|_| wrong())?)),
        (ColumnType::Uuid, ValueRef::Text(t)) => Value::Uuid(Some(text(t)?.parse().map_err(|_| wrong())?)),
        (ColumnType::Boolean, _) if null => Value::Bool(None),
        (ColumnType::Boolean, ValueRef::Integer(i)) => Value::Bool(Some(i != 0)),
        (ColumnType::SmallInteger, _) if null => Value::SmallInt(None),
        (ColumnType::SmallInteger, ValueRef::Integer(i)) => {
            Value::SmallInt(Some(i16::try_from(i).map_err(|_| wrong())?))
        }
        (ColumnType::Integer, _) if null => Value::Int(None),
        (ColumnType::Integer, ValueRef::Integer(i)) => Value::Int(Some(i32::try_from(i).map_err(|_| wrong())?)),
        (ColumnType::BigInteger, _) if null => Value::BigInt(None),
        (ColumnType::BigInteger, ValueRef::Integer(i)) => Value::BigInt(Some(i)),
        (ColumnType::Double | ColumnType::Float, _) if null => Value::Double(None),
        (ColumnType::Double | ColumnType::Float, ValueRef::Real(f)) => Value::Double(Some(f)),
        (ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_), _) if null => Value::String(None),
        (ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_), ValueRef::Text(t)) => {
            Value::String(Some(text(t)?))
        }
        (ColumnType::Binary(_) | ColumnType::VarBinary(_) | ColumnType::Blob, _) if null => Value::Bytes(None),
        (ColumnType::Binary(_) | ColumnType::VarBinary(_) | ColumnType::Blob, ValueRef::Blob(b)) => {
            Value::Bytes(Some(b.to_vec()))
        }
        _ => return Err(wrong()),
    })
}

#[cfg(test)]
mod tests {
    use super::{file_of, value};
    use rusqlite::types::ValueRef;
    use sea_orm::ColumnType;
    use sea_orm::sea_query::{StringLen, Value};
    use std::path::PathBuf;

    #[test]
    fn columns_are_read_as_their_entity_declares_them() {
        let id = uuid::Uuid::from_u128(7);
        assert_eq!(value(ValueRef::Blob(id.as_bytes()), &ColumnType::Uuid, "id").ok(), Some(Value::Uuid(Some(id))));
        assert_eq!(value(ValueRef::Null, &ColumnType::Uuid, "job_id").ok(), Some(Value::Uuid(None)));
        assert_eq!(value(ValueRef::Integer(1), &ColumnType::Boolean, "bcc_me").ok(), Some(Value::Bool(Some(true))));
        assert_eq!(value(ValueRef::Integer(3), &ColumnType::Integer, "n").ok(), Some(Value::Int(Some(3))));
        assert_eq!(value(ValueRef::Null, &ColumnType::BigInteger, "at").ok(), Some(Value::BigInt(None)));
        let text = ColumnType::String(StringLen::None);
        assert_eq!(value(ValueRef::Text(b"Acme"), &text, "name").ok(), Some(Value::String(Some("Acme".into()))));
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_an_error_not_a_null() {
        assert!(value(ValueRef::Text(b"x"), &ColumnType::BigInteger, "closes_at").is_err());
        assert!(value(ValueRef::Blob(&[1, 2, 3]), &ColumnType::Uuid, "id").is_err());
        assert!(value(ValueRef::Integer(i64::MAX), &ColumnType::Integer, "link_version").is_err());
    }

    #[test]
    fn only_files_get_the_inline_read_path() {
        assert_eq!(file_of("sqlite://data/slate.db?mode=rwc"), Some(PathBuf::from("data/slate.db")));
        assert_eq!(file_of("sqlite:///var/lib/slate.db"), Some(PathBuf::from("/var/lib/slate.db")));
        assert_eq!(file_of("sqlite::memory:"), None);
        assert_eq!(file_of("sqlite://shared?mode=memory&cache=shared"), None);
        assert_eq!(file_of("postgres://localhost/slate"), None);
    }
}
