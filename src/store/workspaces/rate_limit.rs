//! Per-workspace request counting in fixed windows, as Intercom documents its limits:
//! a per-minute allowance spread over 10-second windows.
//!
//! Each process counts in memory. On PostgreSQL it also adds its counts to a shared row per
//! workspace and window, so several server processes share one budget: at a request that
//! comes [`SYNC_INTERVAL`] or more after its last addition, not at every request, so counting
//! costs no database round trip per request. A process's own requests always count exactly;
//! each other process holds back at most one interval of its requests, so a fleet may let
//! through that much above the limit.
//! SQLite is one machine's database and usually one process: its counts stay in memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_query::{Expr, ExprTrait};

use crate::store::backend::PgPools;
use crate::store::schema::workspaces::RateLimitWindows;
use crate::store::{Conn, Exec, Pools, Store, StoreError, StoreResult, WhereEq};

pub const WINDOW_SECONDS: i64 = 10;

/// How often a process adds its counts to the shared PostgreSQL row.
const SYNC_INTERVAL: Duration = Duration::from_millis(100);

/// The outcome of counting one request.
#[derive(Debug, Clone, Copy)]
pub struct RateLimitStatus {
    /// The configured allowance per minute (`X-RateLimit-Limit`).
    pub limit: u64,
    /// Requests left in the current window (`X-RateLimit-Remaining`).
    pub remaining: u64,
    /// When the current window ends, UNIX seconds (`X-RateLimit-Reset`).
    pub reset: i64,
    pub exceeded: bool,
}

/// One workspace's count in the current window, as this process knows it.
struct Tally {
    window_start: i64,
    /// The shared count when last read (PostgreSQL); this process's own requests included.
    shared: u64,
    /// Requests being added to the shared count right now.
    in_flight: u64,
    /// Requests not yet added to the shared count.
    pending: u64,
    /// When the last addition was sent; `None` until the window's first.
    synced_at: Option<Instant>,
}

impl Tally {
    fn count(&self) -> u64 {
        self.shared + self.in_flight + self.pending
    }
}

pub struct RateLimiter {
    per_minute: u64,
    tallies: Arc<Mutex<HashMap<i64, Tally>>>,
}

impl RateLimiter {
    pub fn new(per_minute: u64) -> Self {
        RateLimiter { per_minute, tallies: Arc::new(Mutex::new(HashMap::new())) }
    }

    fn per_window(&self) -> u64 {
        std::cmp::max(self.per_minute.div_ceil((60 / WINDOW_SECONDS) as u64), 1)
    }

    /// Counts a request of `workspace_id` made at `now`.
    pub async fn hit(&self, store: &Store, workspace_id: i64, now: i64) -> StoreResult<RateLimitStatus> {
        let window_start = now - now.rem_euclid(WINDOW_SECONDS);
        let (mut count, to_send) = {
            let mut tallies = self.tallies.lock().unwrap_or_else(|e| e.into_inner());
            let tally = tallies.entry(workspace_id).or_insert(Tally {
                window_start,
                shared: 0,
                in_flight: 0,
                pending: 0,
                synced_at: None,
            });
            if tally.window_start != window_start {
                *tally = Tally { window_start, shared: 0, in_flight: 0, pending: 0, synced_at: None };
            }
            tally.pending += 1;
            let due = tally.synced_at.is_none_or(|at| at.elapsed() >= SYNC_INTERVAL);
            let to_send = match store.pools() {
                Pools::Postgres(pool) if due => {
                    tally.synced_at = Some(Instant::now());
                    tally.in_flight += tally.pending;
                    Some((pool.clone(), std::mem::take(&mut tally.pending)))
                }
                _ => None,
            };
            (tally.count(), to_send)
        };
        if let Some((pool, added)) = to_send {
            // Sent from a task of its own, so that a request dropped meanwhile (its client hung
            // up) cannot cut the addition short and leave `added` counted in flight until the
            // window ends.
            let tallies = self.tallies.clone();
            let sent = tokio::spawn(async move {
                let shared = add_requests(&pool, workspace_id, window_start, added).await;
                let mut tallies = tallies.lock().unwrap_or_else(|e| e.into_inner());
                let tally = tallies.get_mut(&workspace_id).filter(|t| t.window_start == window_start);
                let count = tally.map(|tally| {
                    tally.in_flight -= added;
                    match &shared {
                        Ok(shared) => tally.shared = std::cmp::max(tally.shared, *shared),
                        // Not added: send them again with the next addition.
                        Err(_) => tally.pending += added,
                    }
                    tally.count()
                });
                shared.map(|_| count)
            });
            // A join error: the runtime is shutting down.
            if let Some(updated) = sent.await.map_err(|_| StoreError::Busy)?? {
                count = updated;
            }
        }
        let per_window = self.per_window();
        Ok(RateLimitStatus {
            limit: self.per_minute,
            remaining: per_window.saturating_sub(count),
            reset: window_start + WINDOW_SECONDS,
            exceeded: count > per_window,
        })
    }
}

/// Adds `added` requests to the workspace's shared count for the window and returns the new count.
///
/// Every process of a workspace increments this one row and holds the row's lock until its
/// commit. A commit that waits for the disk sync would cap the additions at one per sync. A count
/// lost in a crash costs nothing, so the increment commits without waiting: `set_config(..,
/// true)` lasts for this statement's own transaction only, and being in the same statement
/// it costs no extra round trip while the lock is held.
const ADD_REQUESTS: &str = "WITH no_sync AS MATERIALIZED \
    (SELECT set_config('synchronous_commit', 'off', true)) \
    INSERT INTO rate_limit_windows (workspace_id, window_start, count) SELECT $1, $2, $3 FROM no_sync \
    ON CONFLICT (workspace_id, window_start) DO UPDATE SET count = rate_limit_windows.count + $3 \
    RETURNING count";

async fn add_requests(pools: &PgPools, workspace_id: i64, window_start: i64, added: u64) -> StoreResult<u64> {
    let mut lease = pools.lease().await?;
    let count = sqlx::query_scalar(ADD_REQUESTS)
        .bind(workspace_id)
        .bind(window_start)
        .bind(i64::try_from(added).unwrap_or(i64::MAX))
        .fetch_one(lease.start())
        .await;
    let count: i64 = lease.finished(count)?;
    if u64::try_from(count).unwrap_or(0) == added {
        // The window's first addition clears the workspace's finished windows.
        Conn::Postgres(lease)
            .execute(
                RateLimitWindows::delete()
                    .where_eq(RateLimitWindows::WorkspaceId, workspace_id)
                    .and_where(Expr::col(RateLimitWindows::WindowStart).lt(window_start)),
            )
            .await?;
    }
    Ok(u64::try_from(count).unwrap_or(0))
}
