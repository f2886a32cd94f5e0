//! The two backends behind one interface: connection pools, transactions, and `Exec`, which
//! runs a sea-query statement on either. SQLite's executor and group commit live in `sqlite`.

pub mod postgres;
pub mod rows;
pub mod sqlite;

use std::str::FromStr;
use std::sync::Arc;

use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};
use sea_query_rusqlite::RusqliteBinder;
use sea_query_sqlx::SqlxBinder;
use sqlx::postgres::{PgConnectOptions, PgRow};
use sqlx::{AssertSqlSafe, FromRow, PgConnection, Postgres};

use crate::domain::error::{Missing, Rejection};
use crate::store::search::counts::ContactCounts;

pub use postgres::{PgLease, PgPools};
pub use rows::{FromSqlite, WhereEq};
pub use sqlite::SqlitePools;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row, or (the kind it names) no such object of the workspace.
    #[error("not found: {0:?}")]
    NotFound(Missing),
    /// A rule of the API refused the write.
    #[error("rejected: {0}")]
    Rejected(Rejection),
    /// A saved segment's query no longer compiles (a server fault, not the client's).
    #[error("a saved segment's query does not compile: {0}")]
    BrokenSegment(crate::domain::search::SearchError),
    #[error("unique constraint violated: {constraint}")]
    Conflict { constraint: String },
    #[error("invalid database URL: {0}")]
    BadUrl(String),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("no database connection came free in time")]
    Busy,
    #[error(transparent)]
    Db(sqlx::Error),
    #[error(transparent)]
    Sqlite(rusqlite::Error),
    #[error(transparent)]
    Pool(deadpool::unmanaged::PoolError),
    /// The transaction that held an unanswered write was rolled back (SQLite: an I/O error
    /// while its batch was open).
    #[error("the transaction holding this write was rolled back")]
    WriteLost,
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => StoreError::NotFound(Missing::Resource),
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
                // PostgreSQL names the constraint; SQLite only says which columns collided.
                constraint: db.constraint().map(str::to_owned).unwrap_or_else(|| db.message().to_owned()),
            },
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => StoreError::Busy,
            _ => StoreError::Db(err),
        }
    }
}

impl From<Missing> for StoreError {
    fn from(missing: Missing) -> Self {
        StoreError::NotFound(missing)
    }
}

impl From<Rejection> for StoreError {
    fn from(rejection: Rejection) -> Self {
        StoreError::Rejected(rejection)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A row type that decodes from both backends.
pub trait Row: FromSqlite + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: FromSqlite + for<'r> FromRow<'r, PgRow> + Send + Unpin {}

/// A value that decodes as a single column on both backends.
pub trait Scalar:
    rusqlite::types::FromSql + for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + Send + Unpin
{
}
impl<T> Scalar for T where
    T: rusqlite::types::FromSql + for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + Send + Unpin
{
}

/// A sea-query statement that renders for both backends.
pub trait Statement: SqlxBinder + RusqliteBinder {}
impl<T> Statement for T where T: SqlxBinder + RusqliteBinder {}

/// A select whose plan does not depend on its values (a walk of a membership's owners in id
/// order), written so that PostgreSQL plans it once per connection rather than at every run.
/// PostgreSQL plans a prepared statement for its values at every run while the plan for any
/// values is estimated dearer than those. Two things made it so. A bound `LIMIT` is priced as
/// if it read a tenth of the rows: here the `LIMIT` and `OFFSET` are written into the text.
/// And a value the planner can read changes its estimates (a plan for `plan = 'enterprise'
/// AND seats > 400` costs less than one for any values, being estimated from the values'
/// statistics): here, on PostgreSQL, each value is read through a subquery, which the planner
/// sees only as a value to come, so that every run's estimates are those of the plan for any
/// values. That plan is then taken from the sixth run on: 0.18 → 0.01 ms a run for a tag's
/// walk at 1M contacts, and ~0.8 ms → 0.02 ms for the two custom attributes above.
pub struct PlannedOnce {
    pub select: sea_query::SelectStatement,
    pub limit: u64,
    pub offset: u64,
}

impl PlannedOnce {
    fn text(&self, sql: String) -> String {
        format!("{sql} LIMIT {} OFFSET {}", self.limit, self.offset)
    }
}

/// PostgreSQL's statement `sql` with each placeholder `$N` (outside quotes) read through a
/// subquery, `(SELECT $N)`: its type is still the bound value's, and the planner no longer
/// estimates from the value.
fn values_unseen(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 64);
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '$') if chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push_str("(SELECT $");
                while let Some(digit) = chars.next_if(char::is_ascii_digit) {
                    out.push(digit);
                }
                out.push(')');
                continue;
            }
            (None, _) => {}
        }
        out.push(c);
    }
    out
}

impl SqlxBinder for PlannedOnce {
    fn build_sqlx<T: sea_query::QueryBuilder>(
        &self,
        query_builder: T,
    ) -> (String, sea_query_sqlx::SqlxValues) {
        let (sql, values) = self.select.build_sqlx(query_builder);
        (self.text(values_unseen(&sql)), values)
    }
}

impl RusqliteBinder for PlannedOnce {
    fn build_rusqlite<T: sea_query::QueryBuilder>(
        &self,
        query_builder: T,
    ) -> (String, sea_query_rusqlite::RusqliteValues) {
        let (sql, values) = self.select.build_rusqlite(query_builder);
        (self.text(sql), values)
    }
}

/// The connection pools, and what the process remembers of the database between requests
/// (the counts of repeated contact searches); cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pools: Pools,
    contact_counts: Arc<ContactCounts>,
}

#[derive(Clone, Debug)]
pub enum Pools {
    Sqlite(SqlitePools),
    Postgres(PgPools),
}

/// What an answered SQLite commit survives. PostgreSQL keeps its own setting
/// (`synchronous_commit`, on by default: power loss too).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SqliteDurability {
    /// A crash or kill of the process (WAL with `synchronous = NORMAL`): the WAL is written
    /// before the answer, and synced to disk at checkpoints, not at every commit.
    #[default]
    ProcessCrash,
    /// Power loss too (`synchronous = FULL`): one disk sync per commit, which bounds writes
    /// to the disk's sync rate (a few hundred per second on a typical cloud disk).
    PowerLoss,
}

impl Store {
    /// Opens the database named by `url` (`sqlite://PATH` or `postgres://...`) and
    /// brings its schema up to date.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        Store::connect_with(url, SqliteDurability::default()).await
    }

    pub async fn connect_with(url: &str, durability: SqliteDurability) -> StoreResult<Store> {
        let pools = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(e.to_string()))?;
            Pools::Postgres(PgPools::open(options).await?)
        } else if url.starts_with("sqlite:") {
            Pools::Sqlite(SqlitePools::open(url, durability).await?)
        } else {
            return Err(StoreError::BadUrl(format!("{url}: expected sqlite://PATH or postgres://...")));
        };
        Ok(Store::of(pools))
    }

    fn of(pools: Pools) -> Store {
        Store { pools, contact_counts: Arc::new(ContactCounts::default()) }
    }

    pub fn pools(&self) -> &Pools {
        &self.pools
    }

    /// The remembered counts of contact searches (`search::counts`).
    pub(crate) fn contact_counts(&self) -> &ContactCounts {
        &self.contact_counts
    }

    /// Keeps at most `entries` remembered counts of contact searches (0: none, every search
    /// counts its matches).
    pub fn set_count_cache_size(&mut self, entries: usize) {
        self.contact_counts = Arc::new(ContactCounts::with_capacity(entries));
    }

    /// A SQLite database in memory, gone when the store is dropped: nothing touches the disk.
    pub async fn in_memory() -> StoreResult<Store> {
        Ok(Store::of(Pools::Sqlite(SqlitePools::open_in_memory().await?)))
    }

    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite(pools) => pools.close(),
            Pools::Postgres(pools) => pools.close(),
        }
    }

    pub fn backend(&self) -> Backend {
        match &self.pools {
            Pools::Sqlite(_) => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    /// A pooled connection for reads that need no transaction.
    pub async fn conn(&self) -> StoreResult<Conn> {
        Ok(match &self.pools {
            Pools::Sqlite(pools) => Conn::Sqlite(pools.read().await?),
            Pools::Postgres(pools) => Conn::Postgres(pools.lease().await?),
        })
    }

    /// Starts a transaction: a write that touches several rows goes through one. On SQLite it
    /// is a savepoint in a batch that commits in one go with the writes queued beside it.
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(match &self.pools {
            Pools::Sqlite(pools) => Tx::Sqlite(pools.begin().await?),
            Pools::Postgres(pools) => Tx::Postgres(pools.begin().await?),
        })
    }

    /// For a write of one statement. PostgreSQL needs no transaction for it (`BEGIN` and
    /// `COMMIT` would be two more round trips); on SQLite it joins a batch like any write.
    pub async fn begin_single(&self) -> StoreResult<Tx> {
        Ok(match &self.pools {
            Pools::Sqlite(pools) => Tx::Sqlite(pools.begin().await?),
            Pools::Postgres(pools) => Tx::PostgresSingle(pools.lease().await?),
        })
    }
}

pub enum Conn {
    Sqlite(sqlite::PooledConnection),
    Postgres(PgLease),
}

pub enum Tx {
    Sqlite(sqlite::SqliteTx),
    /// A lease with an open transaction ([`PgPools::begin`]).
    Postgres(PgLease),
    /// [`Store::begin_single`] on PostgreSQL: its one statement commits by itself.
    PostgresSingle(PgLease),
}

impl Tx {
    pub async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
            Tx::PostgresSingle(_) => {}
        }
        Ok(())
    }
}

/// A borrowed connection of either backend, for statements written out by hand.
pub enum ConnRef<'c> {
    Sqlite(&'c mut rusqlite::Connection),
    Postgres(&'c mut PgConnection),
}

/// A borrowed connection of either backend as [`Exec`]'s own statements use it: on PostgreSQL
/// the lease, which is told when each statement finishes.
pub enum Session<'c> {
    Sqlite(&'c mut rusqlite::Connection),
    Postgres(&'c mut PgLease),
}

/// Anything statements can run on: a pooled connection or a transaction.
pub trait Exec: Send {
    fn session(&mut self) -> Session<'_>;

    /// The connection, for statements written out by hand. On PostgreSQL it is settled (one
    /// round trip) on its way back to the pool, since nothing sees those statements finish.
    fn conn(&mut self) -> ConnRef<'_> {
        match self.session() {
            Session::Sqlite(c) => ConnRef::Sqlite(c),
            Session::Postgres(lease) => ConnRef::Postgres(lease.handed_out()),
        }
    }

    fn backend(&mut self) -> Backend {
        match self.session() {
            Session::Sqlite(_) => Backend::Sqlite,
            Session::Postgres(_) => Backend::Postgres,
        }
    }

    async fn fetch_all<T: Row>(&mut self, stmt: &impl Statement) -> StoreResult<Vec<T>> {
        match render(self.session(), stmt) {
            Rendered::Sqlite(c, sql, values) => sqlite::fetch_all(c, &sql, &values),
            Rendered::Postgres(lease, sql, values) => {
                let rows = sqlx::query_as_with::<Postgres, T, _>(AssertSqlSafe(sql), values)
                    .fetch_all(lease.start())
                    .await;
                Ok(lease.finished(rows)?)
            }
        }
    }

    async fn fetch_optional<T: Row>(&mut self, stmt: &impl Statement) -> StoreResult<Option<T>> {
        match render(self.session(), stmt) {
            Rendered::Sqlite(c, sql, values) => sqlite::fetch_optional(c, &sql, &values),
            Rendered::Postgres(lease, sql, values) => {
                let row = sqlx::query_as_with::<Postgres, T, _>(AssertSqlSafe(sql), values)
                    .fetch_optional(lease.start())
                    .await;
                Ok(lease.finished(row)?)
            }
        }
    }

    async fn fetch_one<T: Row>(&mut self, stmt: &impl Statement) -> StoreResult<T> {
        self.fetch_optional(stmt).await?.ok_or(StoreError::NotFound(Missing::Resource))
    }

    /// The first column of the first row, e.g. a `COUNT(*)` or a `RETURNING id`.
    async fn fetch_scalar<T: Scalar>(&mut self, stmt: &impl Statement) -> StoreResult<T> {
        match render(self.session(), stmt) {
            Rendered::Sqlite(c, sql, values) => sqlite::fetch_scalar(c, &sql, &values),
            Rendered::Postgres(lease, sql, values) => {
                let value = sqlx::query_scalar_with::<Postgres, T, _>(AssertSqlSafe(sql), values)
                    .fetch_one(lease.start())
                    .await;
                Ok(lease.finished(value)?)
            }
        }
    }

    /// Runs a statement and returns how many rows it touched.
    async fn execute(&mut self, stmt: &impl Statement) -> StoreResult<u64> {
        match render(self.session(), stmt) {
            Rendered::Sqlite(c, sql, values) => sqlite::execute(c, &sql, &values),
            Rendered::Postgres(lease, sql, values) => {
                let done =
                    sqlx::query_with::<Postgres, _>(AssertSqlSafe(sql), values).execute(lease.start()).await;
                Ok(lease.finished(done)?.rows_affected())
            }
        }
    }

    /// Runs a statement that must touch a row: none is `NotFound(Missing::Resource)`.
    async fn execute_found(&mut self, stmt: &impl Statement) -> StoreResult<()> {
        match self.execute(stmt).await? {
            0 => Err(StoreError::NotFound(Missing::Resource)),
            _ => Ok(()),
        }
    }
}

/// A statement rendered for the connection it is to run on.
enum Rendered<'c> {
    Sqlite(&'c mut rusqlite::Connection, String, sea_query_rusqlite::RusqliteValues),
    Postgres(&'c mut PgLease, String, sea_query_sqlx::SqlxValues),
}

fn render<'c>(conn: Session<'c>, stmt: &impl Statement) -> Rendered<'c> {
    let _ = STATEMENTS.try_with(|c| c.set(Counted { statements: c.get().statements + 1, ..c.get() }));
    match conn {
        Session::Sqlite(c) => {
            let (sql, values) = stmt.build_rusqlite(SqliteQueryBuilder);
            Rendered::Sqlite(c, sql, values)
        }
        Session::Postgres(c) => {
            let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
            Rendered::Postgres(c, sql, values)
        }
    }
}

impl Exec for Conn {
    fn session(&mut self) -> Session<'_> {
        match self {
            Conn::Sqlite(c) => Session::Sqlite(c),
            Conn::Postgres(lease) => Session::Postgres(lease),
        }
    }
}

impl Exec for Tx {
    fn session(&mut self) -> Session<'_> {
        match self {
            Tx::Sqlite(tx) => Session::Sqlite(tx.conn()),
            Tx::Postgres(lease) | Tx::PostgresSingle(lease) => Session::Postgres(lease),
        }
    }
}

tokio::task_local! {
    /// The clock of the workspace whose work runs on this task: set for each request by the
    /// API's authentication, and by background work for the workspace it works for.
    pub static CLOCK: crate::domain::clock::Clock;
}

tokio::task_local! {
    /// What the task's statements cost, while [`count_statements`] watches it.
    static STATEMENTS: std::cell::Cell<Counted>;
}

/// What a piece of work cost the database.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counted {
    /// Statements run, on either database.
    pub statements: u64,
    /// SQLite's virtual-machine steps for them (0 on PostgreSQL): they grow with the rows a
    /// plan visits, so a plan that reads the whole workspace for a few rows shows here.
    pub sqlite_steps: u64,
}

/// Runs `work` and answers its output with what its statements on this task cost: how tests
/// check that a read costs a fixed number of statements (a page of tickets, say), and that on
/// SQLite it visits the same rows however many other rows the workspace holds.
pub async fn count_statements<F: Future>(work: F) -> (F::Output, Counted) {
    STATEMENTS
        .scope(std::cell::Cell::new(Counted::default()), async move {
            let out = work.await;
            (out, STATEMENTS.with(std::cell::Cell::get))
        })
        .await
}

/// Adds a SQLite statement's steps to the task's count, if it is counted.
fn count_sqlite_steps(steps: i32) {
    let _ = STATEMENTS
        .try_with(|c| c.set(Counted { sqlite_steps: c.get().sqlite_steps + steps as u64, ..c.get() }));
}

/// Seconds since the UNIX epoch by the clock of the workspace being served (see [`CLOCK`]),
/// real time outside one: every timestamp the API shows is one of these.
pub fn now() -> i64 {
    let real = real_now();
    CLOCK.try_with(|clock| clock.now(real)).unwrap_or(real)
}

/// Seconds since the UNIX epoch, whatever a workspace's clock says: for what must keep real
/// time (rate-limit windows, workers' leases).
pub fn real_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::values_unseen;

    #[test]
    fn values_unseen_wraps_placeholders_outside_quotes() {
        assert_eq!(
            values_unseen(
                r#"SELECT "a$1" FROM t WHERE x = $1 AND y > $12 AND z = '$3' AND w ILIKE (SELECT like_escape($4, '!'))"#
            ),
            r#"SELECT "a$1" FROM t WHERE x = (SELECT $1) AND y > (SELECT $12) AND z = '$3' AND w ILIKE (SELECT like_escape((SELECT $4), '!'))"#
        );
        assert_eq!(values_unseen("SELECT 'it''s $1', $2"), "SELECT 'it''s $1', (SELECT $2)");
    }
}
