//! The SQLite backend: rusqlite connections whose statements run in place, on the calling task.
//!
//! A SQLite statement is a function call into the library, microseconds for a point read. sqlx
//! ran each one on a thread of its own and handed it over through a channel, a context switch
//! each way per statement. Here a pooled connection is borrowed for as long as a request needs it
//! and every statement on it is a plain call, prepared once per connection (rusqlite's statement
//! cache). Statements that may read for long (listings, searches, counts) let the Tokio worker's
//! other tasks move elsewhere meanwhile ([`may_block`]).
//!
//! Writes go through one writer connection and commit in groups ([`SqliteTx`]): a commit's own
//! cost (writing the WAL frames, FTS5 flushing its segment) is paid once for every write queued
//! at the time, and each write is still answered only after the `COMMIT` that holds it.

use crate::domain::error::Missing;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use deadpool::Runtime;
use deadpool::unmanaged::{Object, Pool, PoolConfig, PoolError};
use rusqlite::config::DbConfig;
use rusqlite::types::FromSql;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sea_query_rusqlite::RusqliteValues;
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

use super::rows::FromSqlite;
use crate::store::{SqliteDurability, StoreError, StoreResult};

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
/// SQLite's busy handler (milliseconds at a time), so writes queue for the one writer
/// connection instead, and never contend; reads run on `reads`, beside the writer (WAL).
#[derive(Clone)]
pub struct SqlitePools {
    reads: Pool<Connection>,
    writer: Arc<WriterSlot>,
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
        Ok(SqlitePools { reads: pool(readers), writer: Arc::new(WriterSlot::new(writer)) })
    }

    /// A database in memory, shared by this process's connections and gone with them
    /// (`serve --ephemeral`): nothing is written to disk, not even temporary files.
    pub async fn open_in_memory() -> StoreResult<SqlitePools> {
        // The `memdb` VFS shares a named database between the connections of one process, with
        // the locking of a file (SQLite's shared-cache mode would answer `SQLITE_LOCKED`
        // to a reader beside a writer, where this waits like a file database does).
        let path = format!("file:/switchboard-{}?vfs=memdb", uuid::Uuid::new_v4());
        let mut writer = connect_in_memory(&path)?;
        migrate(&mut writer)?;
        let readers =
            (0..READ_CONNECTIONS).map(|_| connect_in_memory(&path)).collect::<StoreResult<Vec<_>>>()?;
        Ok(SqlitePools { reads: pool(readers), writer: Arc::new(WriterSlot::new(writer)) })
    }

    pub async fn read(&self) -> StoreResult<PooledConnection> {
        Ok(self.reads.get().await?)
    }

    /// Starts a write: a savepoint in the writer's open transaction.
    pub async fn begin(&self) -> StoreResult<SqliteTx> {
        if self.writer.closed.load(Ordering::Relaxed) {
            return Err(StoreError::Busy);
        }
        let writer = tokio::time::timeout(ACQUIRE_TIMEOUT, self.writer.acquire())
            .await
            .map_err(|_| StoreError::Busy)?;
        let mut tx = SqliteTx { writer: Some(writer), slot: self.writer.clone(), in_savepoint: false };
        tx.writer_mut().begin_unit()?;
        tx.in_savepoint = true;
        Ok(tx)
    }

    pub fn close(&self) {
        self.reads.close();
        self.writer.closed.store(true, Ordering::Relaxed);
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

fn connect_in_memory(path: &str) -> StoreResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
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

/// The writer connection, and the callers queued for it.
struct WriterSlot {
    writer: Arc<Mutex<Writer>>,
    /// Callers waiting for the writer: while there are any, a finished write leaves the
    /// transaction open for them rather than committing it.
    queued: AtomicUsize,
    closed: AtomicBool,
}

impl WriterSlot {
    fn new(conn: Connection) -> WriterSlot {
        let writer = Writer { conn, batch: None, batches: 0 };
        WriterSlot {
            writer: Arc::new(Mutex::new(writer)),
            queued: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
        }
    }

    /// The writer, in the order asked for (Tokio's mutex is fair).
    async fn acquire(&self) -> OwnedMutexGuard<Writer> {
        let _queued = InQueue::enter(&self.queued);
        self.writer.clone().lock_owned().await
    }

    fn is_queued(&self) -> bool {
        self.queued.load(Ordering::Relaxed) > 0
    }
}

/// A caller counted in the writer's queue until dropped, however its wait ends (a cancelled
/// request included).
struct InQueue<'a>(&'a AtomicUsize);

impl<'a> InQueue<'a> {
    fn enter(queued: &'a AtomicUsize) -> InQueue<'a> {
        queued.fetch_add(1, Ordering::Relaxed);
        InQueue(queued)
    }
}

impl Drop for InQueue<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A batch that is not committed within this long (a queued caller went away before its turn)
/// is committed by one of the writes waiting for it.
const BATCH_STALL: Duration = Duration::from_millis(20);

/// A batch commits at the latest when it holds this many writes, or is this old, even with
/// more queued: a steady queue must not hold the first write's answer back indefinitely.
const BATCH_WRITES: u32 = 256;
const BATCH_AGE: Duration = Duration::from_millis(10);

struct Writer {
    conn: Connection,
    /// The batch whose transaction is open on `conn`, if one is.
    batch: Option<Batch>,
    /// Batches begun so far: one `COMMIT` each.
    batches: u64,
}

/// Writes that share one transaction (group commit), each in a savepoint of its own, so that
/// one that fails is undone alone.
struct Batch {
    writes: u32,
    began: Instant,
    /// `Some(true)` once committed, `Some(false)` if the transaction was lost.
    outcome: watch::Sender<Option<bool>>,
}

impl Writer {
    fn begin_unit(&mut self) -> StoreResult<()> {
        if self.batch.is_none() {
            // `IMMEDIATE` takes SQLite's write lock up front (another process may write to the
            // same file), so no statement in the batch can fail half-way with SQLITE_BUSY.
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.batches += 1;
            self.batch = Some(Batch { writes: 0, began: Instant::now(), outcome: watch::Sender::new(None) });
        }
        self.conn.execute_batch("SAVEPOINT unit")?;
        if let Some(batch) = &mut self.batch {
            batch.writes += 1;
        }
        Ok(())
    }

    /// Undoes an unfinished write (its savepoint), leaving the batch's other writes alone.
    fn roll_back_unit(&mut self) {
        if !self.conn.is_autocommit()
            && let Err(err) = self.conn.execute_batch("ROLLBACK TO unit; RELEASE unit")
        {
            tracing::error!(error = %err, "rolling back a SQLite write failed");
        }
    }

    /// Called whenever a write lets go of the writer: commits the batch unless callers are
    /// queued to add their writes to it (and it is neither full nor old).
    fn settle(&mut self, queued: bool) {
        if self.conn.is_autocommit() {
            // SQLite rolled the whole transaction back on an error (a full disk, I/O).
            self.finish(false);
            return;
        }
        let Some(batch) = &self.batch else { return };
        if !queued || batch.writes >= BATCH_WRITES || batch.began.elapsed() >= BATCH_AGE {
            self.commit();
        }
    }

    fn commit(&mut self) {
        match self.conn.execute_batch("COMMIT") {
            Ok(()) => self.finish(true),
            Err(err) => {
                tracing::error!(error = %err, "committing a SQLite batch failed");
                if !self.conn.is_autocommit()
                    && let Err(err) = self.conn.execute_batch("ROLLBACK")
                {
                    tracing::error!(error = %err, "rolling back a SQLite batch failed");
                }
                self.finish(false);
            }
        }
    }

    fn finish(&mut self, committed: bool) {
        if let Some(batch) = self.batch.take() {
            batch.outcome.send_replace(Some(committed));
        }
    }
}

/// Waits for the batch whose `outcome` this is. A batch not committed within [`BATCH_STALL`]
/// (the caller it was left open for went away) is committed here.
async fn committed(slot: Arc<WriterSlot>, mut outcome: watch::Receiver<Option<bool>>) -> StoreResult<()> {
    loop {
        // `Ok(Some(committed))` once the batch is done; `Err` if its writer was dropped.
        let waited = tokio::time::timeout(BATCH_STALL, outcome.wait_for(Option::is_some))
            .await
            .map(|done| done.map(|outcome| *outcome));
        match waited {
            Ok(Ok(Some(true))) => return Ok(()),
            Ok(_) => return Err(StoreError::WriteLost),
            // Take the writer and commit whatever batch is open: ours, or a later one left
            // open because we were queued.
            Err(_) => slot.acquire().await.settle(false),
        }
    }
}

/// Armed while a write waits for its batch. If the request is dropped meanwhile (its client
/// hung up), as may be every other one waiting for the batch, a task of its own goes on waiting
/// in its place, so that the batch is still committed and SQLite's write lock let go.
struct WaitDropped(Option<(Arc<WriterSlot>, watch::Receiver<Option<bool>>)>);

impl Drop for WaitDropped {
    fn drop(&mut self) {
        if let Some((slot, outcome)) = self.0.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move {
                let _ = committed(slot, outcome).await;
            });
        }
    }
}

/// A write on the writer connection: a savepoint in the open batch's transaction. Dropped
/// uncommitted (an error, or a cancelled request), its savepoint is rolled back.
pub struct SqliteTx {
    writer: Option<OwnedMutexGuard<Writer>>,
    slot: Arc<WriterSlot>,
    in_savepoint: bool,
}

impl SqliteTx {
    /// Releases the savepoint, and returns once the batch that holds it is committed: an
    /// answered write is on disk (in the WAL), as with a transaction of its own.
    pub async fn commit(mut self) -> StoreResult<()> {
        let writer = self.writer_mut();
        writer.conn.execute_batch("RELEASE unit")?;
        let outcome = writer.batch.as_ref().map(|batch| batch.outcome.subscribe());
        self.in_savepoint = false;
        let slot = self.slot.clone();
        drop(self); // lets go of the writer: commits now, or leaves it to the next write
        let Some(outcome) = outcome else { return Err(StoreError::WriteLost) };
        let done = *outcome.borrow();
        match done {
            Some(true) => Ok(()),
            Some(false) => Err(StoreError::WriteLost),
            // Left open for the writes queued behind us.
            None => {
                let mut dropped = WaitDropped(Some((slot.clone(), outcome.clone())));
                let result = committed(slot, outcome).await;
                dropped.0 = None;
                result
            }
        }
    }

    pub fn conn(&mut self) -> &mut Connection {
        &mut self.writer_mut().conn
    }

    fn writer_mut(&mut self) -> &mut Writer {
        // Present until dropped.
        self.writer.as_mut().expect("the writer is held until the write is dropped")
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        let Some(mut writer) = self.writer.take() else { return };
        if self.in_savepoint {
            writer.roll_back_unit();
        }
        writer.settle(self.slot.is_queued());
    }
}

/// Runs `work`, a statement on `conn` that may take long (a listing, a search, a count), with
/// the Tokio worker's other tasks moved to another thread meanwhile: a search that reads for a
/// second must not stall every request queued behind it on its worker. A current-thread runtime
/// (the tests) has no other thread to move them to.
///
/// Statements in a write (the writer, inside its transaction) run in place: they are short,
/// and every other write is waiting for them to finish, so a hand-off between threads while
/// the writer is held would slow all writes (creates 4,600 → 5,900/s side by side at 10k).
fn may_block<T>(conn: &Connection, work: impl FnOnce() -> T) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    if !conn.is_autocommit() {
        return work();
    }
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
    may_block(conn, || {
        let mut statement = conn.prepare_cached(sql)?;
        let rows: Vec<T> =
            statement.query_map(&*values.as_params(), T::from_sqlite)?.collect::<Result<_, _>>()?;
        counted(&statement);
        Ok(rows)
    })
}

pub(super) fn fetch_optional<T: FromSqlite>(
    conn: &Connection,
    sql: &str,
    values: &RusqliteValues,
) -> StoreResult<Option<T>> {
    let mut statement = conn.prepare_cached(sql)?;
    let row = statement.query_row(&*values.as_params(), T::from_sqlite).optional()?;
    counted(&statement);
    Ok(row)
}

pub(super) fn fetch_scalar<T: FromSql>(
    conn: &Connection,
    sql: &str,
    values: &RusqliteValues,
) -> StoreResult<T> {
    may_block(conn, || {
        let mut statement = conn.prepare_cached(sql)?;
        let value = statement.query_row(&*values.as_params(), |row| row.get(0))?;
        counted(&statement);
        Ok(value)
    })
}

/// Hands a read's steps to [`super::count_statements`] (and restarts the statement's count:
/// a cached statement keeps counting across uses).
fn counted(statement: &rusqlite::Statement<'_>) {
    super::count_sqlite_steps(statement.reset_status(rusqlite::StatementStatus::VmStep));
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
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound(Missing::Resource),
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

#[cfg(test)]
mod tests;
