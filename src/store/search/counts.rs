//! The `total_count` of a contact search, remembered between requests while the workspace's
//! contacts stay as they were.
//!
//! An exact count reads every match: 40,000 of a million contacts cost tens of milliseconds
//! however they are indexed. An integration that asks the same question again (a poll, a
//! dashboard, an agent retrying) gets the same answer until something it could count changes,
//! so the count is kept beside the version of the workspace's contacts it was read at.
//!
//! The version is the sum of `contact_search_versions`' slots of the workspace (migration
//! 0027): triggers raise it in every transaction that writes a contact or a tagging of the
//! workspace (custom attributes are written with their contact), in the same transaction
//! (PostgreSQL by one per transaction, SQLite by one per row). Every committed writer raises
//! the sum, and a later snapshot sees every commit an earlier one saw, so two reads that find
//! the same sum saw the same contacts. A count is read
//! with its version in one statement (one snapshot), and reused only where the version read
//! now is the same. The versions live in the database, so another `serve` process or an
//! import beside it invalidates what this one remembers; reset and restore rewrite contacts,
//! which moves the version too (the table is kept by both, so it never goes back).
//!
//! The key is the count statement itself, values and all: whatever the search resolved
//! before it (a segment's saved query, a tag, the values a text match stood for) is in it.
//!
//! One query is counted once at a time: requests that ask it while it is being counted wait
//! for that count and take it if the version has not moved since, instead of each reading
//! every match at once (32 clients asking a new query of 40,000 matches together).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hashlink::LruCache;
use sea_query::{
    Expr, ExprTrait, PostgresQueryBuilder, Query, QueryStatementBuilder, SelectStatement, SqliteQueryBuilder,
};

use crate::store::{Backend, Exec, StoreResult};

/// Counts kept by default (`serve --search-count-cache`): the most recently used, each under
/// 16 KB of key, so at most ~16 MB.
const ENTRIES: usize = 1_024;
/// A longer count statement (a query of hundreds of values) is counted each time.
const KEY_BYTES_MAX: usize = 16 * 1024;

/// Counts of contact searches by their statement, each with the version it was read at.
pub struct ContactCounts {
    kept: Option<Mutex<LruCache<String, Counted>>>,
    /// The queries being counted now, each with the lock its askers take turns on.
    counting: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

#[derive(Clone, Copy)]
struct Counted {
    version: i64,
    count: i64,
}

impl Default for ContactCounts {
    fn default() -> Self {
        ContactCounts::with_capacity(ENTRIES)
    }
}

impl std::fmt::Debug for ContactCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.kept.as_ref().map(|k| k.lock().map(|k| k.len()).unwrap_or_default());
        f.debug_struct("ContactCounts").field("kept", &kept).finish()
    }
}

/// A count statement and its key.
pub(crate) struct CountQuery {
    statement: SelectStatement,
    key: Option<String>,
}

impl CountQuery {
    /// `statement` selects one `COUNT(*)`; its key is its text for `backend` and its values.
    pub fn new(backend: Backend, statement: SelectStatement) -> CountQuery {
        let (sql, values) = match backend {
            Backend::Sqlite => statement.build(SqliteQueryBuilder),
            Backend::Postgres => statement.build(PostgresQueryBuilder),
        };
        let key = format!("{sql}\n{:?}", values.0);
        CountQuery { statement, key: (key.len() <= KEY_BYTES_MAX).then_some(key) }
    }
}

/// `SELECT` the workspace's contacts version.
fn version(workspace_id: i64) -> SelectStatement {
    Query::select()
        .expr(Expr::cust("CAST(COALESCE(SUM(version), 0) AS BIGINT)"))
        .from("contact_search_versions")
        .and_where(Expr::col("workspace_id").eq(workspace_id))
        .take()
}

impl ContactCounts {
    pub fn with_capacity(entries: usize) -> ContactCounts {
        ContactCounts {
            kept: (entries > 0).then(|| Mutex::new(LruCache::new(entries))),
            counting: Mutex::default(),
        }
    }

    /// The count of `query` if it is remembered at the contacts' current version (one read of
    /// the version); `None` if it must be counted.
    pub async fn known(
        &self,
        db: &mut impl Exec,
        workspace_id: i64,
        query: &CountQuery,
    ) -> StoreResult<Option<i64>> {
        let (Some(kept), Some(key)) = (&self.kept, &query.key) else { return Ok(None) };
        known_in(kept, db, workspace_id, key).await
    }

    /// Counts `query` and remembers the count with the version it was read at; where the same
    /// query is being counted already, waits for that count and takes it if it is still current.
    pub async fn count(&self, db: &mut impl Exec, workspace_id: i64, query: CountQuery) -> StoreResult<i64> {
        let (Some(kept), Some(key)) = (&self.kept, query.key) else {
            return db.fetch_scalar(&query.statement).await;
        };
        let turn = Turn::take(&self.counting, key);
        let _counting = turn.lock.lock().await;
        if turn.waited
            && let Some(count) = known_in(kept, db, workspace_id, &turn.key).await?
        {
            return Ok(count);
        }
        let both = Query::select()
            .expr(Expr::SubQuery(None, Box::new(version(workspace_id).into_sub_query_statement())))
            .expr(Expr::SubQuery(None, Box::new(query.statement.into_sub_query_statement())))
            .take();
        let (version, count): (i64, i64) = db.fetch_one(&both).await?;
        kept.lock().expect("count cache").insert(turn.key.clone(), Counted { version, count });
        Ok(count)
    }

    /// [`Self::known`], else [`Self::count`].
    pub async fn get(&self, db: &mut impl Exec, workspace_id: i64, query: CountQuery) -> StoreResult<i64> {
        match self.known(db, workspace_id, &query).await? {
            Some(count) => Ok(count),
            None => self.count(db, workspace_id, query).await,
        }
    }
}

/// The count kept under `key` if the contacts' version is still the one it was read at.
async fn known_in(
    kept: &Mutex<LruCache<String, Counted>>,
    db: &mut impl Exec,
    workspace_id: i64,
    key: &str,
) -> StoreResult<Option<i64>> {
    let Some(counted) = kept.lock().expect("count cache").get(key).copied() else { return Ok(None) };
    let now: i64 = db.fetch_scalar(&version(workspace_id)).await?;
    Ok((now == counted.version).then_some(counted.count))
}

/// One asker's place among those counting one query; the last to leave removes the query's lock.
struct Turn<'a> {
    counting: &'a Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    key: String,
    lock: Arc<tokio::sync::Mutex<()>>,
    /// Another asker was counting the query when this one came.
    waited: bool,
}

impl<'a> Turn<'a> {
    fn take(counting: &'a Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>, key: String) -> Turn<'a> {
        let mut all = counting.lock().expect("counts in flight");
        let waited = all.contains_key(&key);
        let lock = all.entry(key.clone()).or_default().clone();
        Turn { counting, key, lock, waited }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut all = self.counting.lock().expect("counts in flight");
        // The map's and this one's: nobody else is waiting.
        if Arc::strong_count(&self.lock) == 2 {
            all.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_asker_waits_and_the_last_removes_the_lock() {
        let counting = Mutex::default();
        let first = Turn::take(&counting, "q".into());
        let second = Turn::take(&counting, "q".into());
        let other = Turn::take(&counting, "r".into());
        assert!(!first.waited && second.waited && !other.waited);
        assert!(Arc::ptr_eq(&first.lock, &second.lock));
        drop(first);
        assert_eq!(counting.lock().unwrap().len(), 2);
        drop(second);
        drop(other);
        assert!(counting.lock().unwrap().is_empty());
    }
}
