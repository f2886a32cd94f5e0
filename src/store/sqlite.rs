//! The SQLite backend: rusqlite connections whose statements run in place, on the calling task.
//!
//! A SQLite statement is a function call into the library, microseconds for a point read. sqlx
//! ran each one on a thread of its own and handed it over through a channel, a context switch
//! each way per statement. Here a pooled connection is borrowed for as long as a request needs it
//! and every statement on it is a plain call, prepared once per connection (rusqlite's statement
//! cache). Statements that may read for long (listings, searches, counts) let the Tokio worker's
//! other tasks move elsewhere meanwhile ([`may_block`]).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use deadpool::Runtime;
use deadpool::unmanaged::{Object, Pool, PoolConfig, PoolError};
use rusqlite::config::DbConfig;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sea_query_rusqlite::RusqliteValues;
use serde::de::DeserializeOwned;

use super::{SqliteDurability, StoreError, StoreResult};

/// The schema's migrations, applied in the table and format sqlx's migrator keeps, so a
/// database it created or migrated carries on.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// How long a request waits for a pooled connection before the API answers 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Prepared statements kept per connection: the fixed statements plus the search shapes in use.
const STATEMENT_CACHE: usize = 256;

const READ_CONNECTIONS: usize = 8;

pub type PooledConnection = Object<Connection>;

/// SQLite takes one writer at a time. A second writer that finds the lock taken sleeps in
/// SQLite's busy handler (milliseconds at a time), so writes queue for the one connection of
/// `writes` instead, and never contend; reads run on `reads`, beside the writer (WAL).
#[derive(Clone)]
pub struct SqlitePools {
    reads: Pool<Connection>,
    writes: Pool<Connection>,
}

impl std::fmt::Debug for SqlitePools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlitePools").field("reads", &self.reads.status()).finish_non_exhaustive()
    }
}

impl SqlitePools {
    /// Opens (creating if missing) the database at `url` (`sqlite://PATH`) and migrates it.
    pub async fn open(url: &str, durability: SqliteDurability) -> StoreResult<SqlitePools> {
        let path = path_of(url)?;
        let mut writer = connect(path, durability)?;
        migrate(&mut writer)?;
        let readers =
            (0..READ_CONNECTIONS).map(|_| connect(path, durability)).collect::<StoreResult<Vec<_>>>()?;
        Ok(SqlitePools { reads: pool(readers), writes: pool(vec![writer]) })
    }

    pub async fn read(&self) -> StoreResult<PooledConnection> {
        Ok(self.reads.get().await?)
    }

    pub async fn write(&self) -> StoreResult<PooledConnection> {
        Ok(self.writes.get().await?)
    }

    pub fn close(&self) {
        self.reads.close();
        self.writes.close();
    }
}

fn pool(connections: Vec<Connection>) -> Pool<Connection> {
    let config = PoolConfig {
        max_size: connections.len(),
        timeout: Some(ACQUIRE_TIMEOUT),
        runtime: Some(Runtime::Tokio1),
    };
    let pool = Pool::from_config(&config);
    for conn in connections {
        // Cannot fail: the pool was made for exactly these connections and is open.
        let _ = pool.try_add(conn);
    }
    pool
}

/// `sqlite://PATH` or `sqlite:PATH`: a file, relative to the working directory unless absolute.
fn path_of(url: &str) -> StoreResult<&str> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    if path.is_empty() || path.contains('?') || path.starts_with(":memory:") {
        return Err(StoreError::BadUrl(format!("{url}: expected sqlite://PATH, a file")));
    }
    Ok(path)
}

fn connect(path: &str, durability: SqliteDurability) -> StoreResult<Connection> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::BadUrl(format!("{path}: SQLite could not switch the database to WAL mode")));
    }
    let synchronous = match durability {
        SqliteDurability::ProcessCrash => "NORMAL",
        SqliteDurability::PowerLoss => "FULL",
    };
    conn.pragma_update(None, "synchronous", synchronous)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // The query planner's stability guarantee: a plan never depends on a bound value. Without
    // it SQLite marks a statement whose parameter it could compare with a constant (a partial
    // index's `WHERE role = 'user'`, a LIKE pattern) and prepares it again, parser and planner,
    // whenever that parameter's value changes: every search.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> StoreResult<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
            version BIGINT PRIMARY KEY,
            description TEXT NOT NULL,
            installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            success BOOLEAN NOT NULL,
            checksum BLOB NOT NULL,
            execution_time BIGINT NOT NULL
        );",
    )?;
    let applied: HashMap<i64, Vec<u8>> = conn
        .prepare("SELECT version, checksum FROM _sqlx_migrations WHERE success")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for migration in MIGRATOR.iter().filter(|m| m.migration_type.is_up_migration()) {
        match applied.get(&migration.version) {
            Some(checksum) if checksum[..] == migration.checksum[..] => continue,
            Some(_) => return Err(sqlx::migrate::MigrateError::VersionMismatch(migration.version).into()),
            None => {}
        }
        let started = Instant::now();
        let tx = conn.transaction()?;
        tx.execute_batch(migration.sql.as_str())?;
        tx.execute(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (?1, ?2, TRUE, ?3, ?4)",
            params![
                migration.version,
                &*migration.description,
                &*migration.checksum,
                started.elapsed().as_nanos() as i64
            ],
        )?;
        tx.commit()?;
    }
    Ok(())
}

/// A transaction on the writer: `BEGIN IMMEDIATE` takes SQLite's write lock up front, so a
/// read-then-write transaction cannot fail half-way with SQLITE_BUSY. Dropped uncommitted (an
/// error, or a cancelled request), it rolls back before the connection returns to the pool.
pub struct SqliteTx {
    conn: PooledConnection,
    open: bool,
}

impl SqliteTx {
    pub fn begin(conn: PooledConnection) -> StoreResult<SqliteTx> {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(SqliteTx { conn, open: true })
    }

    pub fn commit(mut self) -> StoreResult<()> {
        self.conn.execute_batch("COMMIT")?;
        self.open = false;
        Ok(())
    }

    pub fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if self.open
            && !self.conn.is_autocommit()
            && let Err(err) = self.conn.execute_batch("ROLLBACK")
        {
            tracing::error!(error = %err, "rolling back a SQLite transaction failed");
        }
    }
}

/// A row decoded by column name (structs, see [`row_struct!`]) or by position (tuples).
pub trait FromSqlite: Sized {
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
}

/// A struct field read from a row: one column by name, or (a flattened struct) a run of them.
///
/// `next` is the column after the last one read. A select lists its columns in the order of the
/// struct's fields, so the name is first checked there, and only looked up (a scan of every
/// column's name) when it is elsewhere: a contact has some 40 columns.
pub trait Column: Sized {
    fn read(row: &rusqlite::Row<'_>, name: &str, next: &mut usize) -> rusqlite::Result<Self>;
}

impl<T: FromSql> Column for T {
    fn read(row: &rusqlite::Row<'_>, name: &str, next: &mut usize) -> rusqlite::Result<Self> {
        let statement = row.as_ref();
        let index = match statement.column_name(*next) {
            Ok(found) if found == name => *next,
            _ => statement.column_index(name)?,
        };
        *next = index + 1;
        row.get(index)
    }
}

macro_rules! tuple_from_sqlite {
    ($($name:ident $index:tt),+) => {
        impl<$($name: FromSql),+> FromSqlite for ($($name,)+) {
            fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok(($(row.get::<_, $name>($index)?,)+))
            }
        }
    };
}

tuple_from_sqlite!(A 0);
tuple_from_sqlite!(A 0, B 1);
tuple_from_sqlite!(A 0, B 1, C 2);
tuple_from_sqlite!(A 0, B 1, C 2, D 3);
tuple_from_sqlite!(A 0, B 1, C 2, D 3, E 4);

/// Declares a struct that decodes from a row of either backend by its field names: sqlx's
/// `FromRow` for PostgreSQL, [`FromSqlite`] for SQLite. A field whose type is itself such a
/// struct (marked `#[sqlx(flatten)]` for sqlx) reads its columns from the same row.
macro_rules! row_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $($(#[$field_meta:meta])* $field_vis:vis $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(sqlx::FromRow)]
        $vis struct $name {
            $($(#[$field_meta])* $field_vis $field: $ty),*
        }

        impl $crate::store::sqlite::FromSqlite for $name {
            fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                <Self as $crate::store::sqlite::Column>::read(row, "", &mut 0)
            }
        }

        impl $crate::store::sqlite::Column for $name {
            fn read(row: &rusqlite::Row<'_>, _: &str, next: &mut usize) -> rusqlite::Result<Self> {
                Ok($name { $($field: $crate::store::sqlite::Column::read(row, stringify!($field), next)?),* })
            }
        }
    };
}
pub(crate) use row_struct;

/// A JSON document column: `jsonb` on PostgreSQL, text on SQLite.
#[derive(Debug, Clone, Default)]
pub struct JsonColumn<T>(pub T);

impl<T: DeserializeOwned> FromSql for JsonColumn<T> {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = match value {
            ValueRef::Text(text) | ValueRef::Blob(text) => text,
            _ => return Err(FromSqlError::InvalidType),
        };
        serde_json::from_slice(text).map(JsonColumn).map_err(|err| FromSqlError::Other(Box::new(err)))
    }
}

impl<T> sqlx::Type<sqlx::Postgres> for JsonColumn<T> {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <sqlx::types::Json<T> as sqlx::Type<sqlx::Postgres>>::type_info()
    }

    fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
        <sqlx::types::Json<T> as sqlx::Type<sqlx::Postgres>>::compatible(ty)
    }
}

impl<'r, T: DeserializeOwned + 'r> sqlx::Decode<'r, sqlx::Postgres> for JsonColumn<T> {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let sqlx::types::Json(inner) = <sqlx::types::Json<T> as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
        Ok(JsonColumn(inner))
    }
}

/// Runs `work`, a statement that may take long (a listing, a search, a count), with the Tokio
/// worker's other tasks moved to another thread meanwhile: a search that reads for a second must
/// not stall every request queued behind it on its worker. A current-thread runtime (the tests)
/// has no other thread to move them to.
fn may_block<T>(work: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current().map(|handle| handle.runtime_flavor()) {
        Ok(RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

pub(super) fn fetch_all<T: FromSqlite>(
    conn: &Connection,
    sql: &str,
    values: &RusqliteValues,
) -> StoreResult<Vec<T>> {
    may_block(|| {
        let mut statement = conn.prepare_cached(sql)?;
        let rows = statement.query_map(&*values.as_params(), T::from_sqlite)?;
        Ok(rows.collect::<Result<_, _>>()?)
    })
}

pub(super) fn fetch_optional<T: FromSqlite>(
    conn: &Connection,
    sql: &str,
    values: &RusqliteValues,
) -> StoreResult<Option<T>> {
    let mut statement = conn.prepare_cached(sql)?;
    Ok(statement.query_row(&*values.as_params(), T::from_sqlite).optional()?)
}

pub(super) fn fetch_scalar<T: FromSql>(
    conn: &Connection,
    sql: &str,
    values: &RusqliteValues,
) -> StoreResult<T> {
    may_block(|| {
        let mut statement = conn.prepare_cached(sql)?;
        Ok(statement.query_row(&*values.as_params(), |row| row.get(0))?)
    })
}

/// Runs a statement to its end (a `RETURNING` clause's rows are read and dropped) and returns
/// how many rows it changed.
pub(super) fn execute(conn: &Connection, sql: &str, values: &RusqliteValues) -> StoreResult<u64> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(&*values.as_params())?;
    while rows.next()?.is_some() {}
    drop(rows);
    Ok(conn.changes())
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ffi;
        match &err {
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
            rusqlite::Error::SqliteFailure(failure, message)
                if failure.extended_code == ffi::SQLITE_CONSTRAINT_UNIQUE
                    || failure.extended_code == ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                // SQLite names the columns that collided, not an index.
                StoreError::Conflict { constraint: message.clone().unwrap_or_default() }
            }
            _ => StoreError::Sqlite(err),
        }
    }
}

impl From<PoolError> for StoreError {
    fn from(err: PoolError) -> Self {
        match err {
            PoolError::Timeout | PoolError::Closed => StoreError::Busy,
            other => StoreError::Pool(other),
        }
    }
}
