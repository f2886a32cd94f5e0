//! The PostgreSQL backend's connections: sqlx's `PgConnection`s in a pool of our own.
//!
//! sqlx's `Pool` pings every connection it is given back (a `Sync` and its answer): a second
//! round trip for each request that runs one statement, in the server and in PostgreSQL
//! (`strace`: two `sendto`s per `GET /contacts/{id}`, one of them the ping). It does so
//! because a statement whose future was dropped midway, or a transaction dropped open, may
//! leave the connection in the middle of an exchange or inside that transaction. This pool
//! settles a connection on its way back only in those cases: a [`PgLease`] knows whether its
//! last statement finished and whether it holds an open transaction. A statement sqlx left
//! unread to its end (`fetch_optional` stops at its row) is in a state sqlx itself finishes at
//! the connection's next statement, as it would on a connection without a pool.

use std::time::Duration;

use deadpool::Runtime;
use deadpool::managed::{self, Metrics, Object, RecycleResult};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use crate::store::{StoreError, StoreResult};

/// How long a request waits for a pooled connection, or for a new one, before the API answers 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

const MAX_CONNECTIONS: usize = 16;

pub struct PgManager {
    options: PgConnectOptions,
}

impl managed::Manager for PgManager {
    type Type = PgConnection;
    type Error = sqlx::Error;

    async fn create(&self) -> Result<PgConnection, sqlx::Error> {
        self.options.connect().await
    }

    /// Nothing to check: a connection comes back settled (see [`PgLease`]'s drop). One broken
    /// meanwhile (a database restart) fails the statement that finds it, and leaves the pool.
    async fn recycle(&self, _: &mut PgConnection, _: &Metrics) -> RecycleResult<sqlx::Error> {
        Ok(())
    }
}

/// The pool of a server's PostgreSQL connections.
#[derive(Clone)]
pub struct PgPools {
    pool: managed::Pool<PgManager>,
}

impl std::fmt::Debug for PgPools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgPools").field("status", &self.pool.status()).finish()
    }
}

impl PgPools {
    /// A pool for `options`, after applying the schema's migrations on one of its connections.
    pub async fn open(options: PgConnectOptions) -> StoreResult<PgPools> {
        let pool = managed::Pool::builder(PgManager { options })
            .max_size(MAX_CONNECTIONS)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(ACQUIRE_TIMEOUT))
            .create_timeout(Some(ACQUIRE_TIMEOUT))
            .build()
            .map_err(|e| StoreError::BadUrl(e.to_string()))?;
        let pools = PgPools { pool };
        let mut lease = pools.lease().await?;
        sqlx::migrate!("migrations/postgres").run(lease.handed_out()).await?;
        Ok(pools)
    }

    /// A connection, for as long as the lease is held.
    pub async fn lease(&self) -> StoreResult<PgLease> {
        let conn = self.pool.get().await.map_err(|err| match err {
            managed::PoolError::Backend(err) => StoreError::from(err),
            _ => StoreError::Busy,
        })?;
        Ok(PgLease { conn: Some(conn), in_statement: false, handed_out: false, in_transaction: false })
    }

    /// A transaction on a leased connection: rolled back if the lease is dropped before
    /// [`PgLease::commit`].
    pub async fn begin(&self) -> StoreResult<PgLease> {
        let mut lease = self.lease().await?;
        // Set before the round trip: a `BEGIN` cut short may still have begun.
        lease.in_transaction = true;
        let begun = sqlx::raw_sql("BEGIN").execute(lease.start()).await;
        lease.finished(begun)?;
        Ok(lease)
    }

    /// Whether every connection opened is in the pool: one settled after a dropped request goes
    /// back from a task of its own.
    pub fn all_idle(&self) -> bool {
        let status = self.pool.status();
        status.available == status.size
    }

    pub fn close(&self) {
        self.pool.close();
    }
}

/// A pooled connection, returned to the pool when dropped. It goes back as it is when its
/// statements all finished and no transaction is open; otherwise it is settled first on a task
/// of its own (a rollback, or sqlx's ping, which reads what is left of an exchange), and
/// dropped from the pool if that fails.
pub struct PgLease {
    conn: Option<Object<PgManager>>,
    /// A statement was started and not seen to finish: its future was dropped, or it failed.
    in_statement: bool,
    /// The raw connection went to code that runs statements of its own ([`Self::handed_out`]).
    handed_out: bool,
    in_transaction: bool,
}

impl PgLease {
    fn conn(&mut self) -> &mut PgConnection {
        self.conn.as_mut().expect("a lease holds its connection until dropped")
    }

    /// The connection for one statement, which [`Self::finished`] is then given the outcome of.
    pub(crate) fn start(&mut self) -> &mut PgConnection {
        self.in_statement = true;
        self.conn()
    }

    /// The outcome of the statement [`Self::start`] began: a success leaves the connection
    /// ready for the next one; after an error it is settled on its way back to the pool.
    pub(crate) fn finished<T>(&mut self, outcome: Result<T, sqlx::Error>) -> Result<T, sqlx::Error> {
        if outcome.is_ok() {
            self.in_statement = false;
        }
        outcome
    }

    /// The connection, for statements written out by hand (`COPY`, a snapshot's SQL): nothing
    /// here sees them finish, so the connection is settled on its way back.
    pub fn handed_out(&mut self) -> &mut PgConnection {
        self.handed_out = true;
        self.conn()
    }

    /// Commits the transaction [`PgPools::begin`] opened.
    pub async fn commit(mut self) -> StoreResult<()> {
        let committed = sqlx::raw_sql("COMMIT").execute(self.start()).await;
        self.finished(committed)?;
        self.in_transaction = false;
        Ok(())
    }
}

impl Drop for PgLease {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else { return };
        if !(self.in_statement || self.handed_out || self.in_transaction) {
            return; // back to the pool as it is
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            drop(Object::take(conn)); // no task to settle it on: closed instead
            return;
        };
        let rollback = self.in_transaction;
        runtime.spawn(async move {
            // Either one first reads whatever an unfinished statement left unread.
            let settled = if rollback {
                sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await.map(drop)
            } else {
                conn.ping().await
            };
            if let Err(error) = settled {
                tracing::warn!(%error, "a PostgreSQL connection could not be settled; closing it");
                drop(Object::take(conn));
            }
        });
    }
}
