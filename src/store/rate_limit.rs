//! Per-workspace request counting in fixed windows, as Intercom documents its limits:
//! a per-minute allowance spread over 10-second windows.
//!
//! On PostgreSQL the counters live in the database, so several server processes share one
//! budget. SQLite is one machine's database and usually one process, so its counters stay
//! in memory and cost no write per request.

use std::collections::HashMap;
use std::sync::Mutex;

use sea_query::{Expr, ExprTrait, Iden, Query};
use sqlx::PgPool;

use super::{Conn, Exec, Store, StoreResult};

pub const WINDOW_SECONDS: i64 = 10;

#[derive(Iden)]
enum RateLimitWindows {
    Table,
    WorkspaceId,
    WindowStart,
}

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

pub struct RateLimiter {
    per_minute: u64,
    memory: Mutex<HashMap<i64, (i64, u64)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u64) -> Self {
        RateLimiter { per_minute, memory: Mutex::new(HashMap::new()) }
    }

    fn per_window(&self) -> u64 {
        std::cmp::max(self.per_minute.div_ceil((60 / WINDOW_SECONDS) as u64), 1)
    }

    /// Counts a request of `workspace_id` made at `now`.
    pub async fn hit(&self, store: &Store, workspace_id: i64, now: i64) -> StoreResult<RateLimitStatus> {
        let window_start = now - now.rem_euclid(WINDOW_SECONDS);
        let count = match store {
            Store::Postgres(pool) => count_request(pool, workspace_id, window_start).await?,
            Store::Sqlite(_) => {
                let mut windows = self.memory.lock().unwrap_or_else(|e| e.into_inner());
                let entry = windows.entry(workspace_id).or_insert((window_start, 0));
                if entry.0 != window_start {
                    *entry = (window_start, 0);
                }
                entry.1 += 1;
                entry.1
            }
        };
        let per_window = self.per_window();
        Ok(RateLimitStatus {
            limit: self.per_minute,
            remaining: per_window.saturating_sub(count),
            reset: window_start + WINDOW_SECONDS,
            exceeded: count > per_window,
        })
    }
}

/// Adds one to the workspace's counter for the window and returns the new count.
///
/// Every request of a workspace increments this one row and holds the row's lock until its
/// commit. A commit that waits for the disk sync would cap a workspace at one request per sync
/// (measured with bench/: about 1,500 requests/s, every other connection waiting on the lock). A count
/// lost in a crash costs nothing, so the increment commits without waiting: `set_config(..,
/// true)` lasts for this statement's own transaction only, and being in the same statement
/// it costs no extra round trip while the lock is held.
const COUNT_REQUEST: &str = "WITH no_sync AS MATERIALIZED \
    (SELECT set_config('synchronous_commit', 'off', true)) \
    INSERT INTO rate_limit_windows (workspace_id, window_start, count) SELECT $1, $2, 1 FROM no_sync \
    ON CONFLICT (workspace_id, window_start) DO UPDATE SET count = rate_limit_windows.count + 1 \
    RETURNING count";

async fn count_request(pool: &PgPool, workspace_id: i64, window_start: i64) -> StoreResult<u64> {
    let mut conn = pool.acquire().await?;
    let count: i64 =
        sqlx::query_scalar(COUNT_REQUEST).bind(workspace_id).bind(window_start).fetch_one(&mut *conn).await?;
    if count == 1 {
        // The first request of a window clears the workspace's finished windows.
        Conn::Postgres(conn)
            .execute(
                Query::delete()
                    .from_table(RateLimitWindows::Table)
                    .and_where(Expr::col(RateLimitWindows::WorkspaceId).eq(workspace_id))
                    .and_where(Expr::col(RateLimitWindows::WindowStart).lt(window_start)),
            )
            .await?;
    }
    Ok(u64::try_from(count).unwrap_or(0))
}
