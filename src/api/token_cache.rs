//! Tokens seen recently, so that most requests authenticate without a database round trip.
//!
//! The price is a delay: a token revoked by another process (`switchboard token revoke`) keeps
//! working here until its entry expires, and so does the workspace's default API version a
//! token's entry holds (`switchboard workspace update --api-version`) and the workspace's
//! clock (`PUT /_switchboard/clock` in another process; in this one it applies at once). Unknown and revoked
//! tokens are never cached, so a new token works at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::workspace::TokenOwner;

/// Past this many live tokens the cache starts over rather than grow.
const MAX_ENTRIES: usize = 10_000;

pub struct TokenCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (TokenOwner, Instant)>>,
}

impl TokenCache {
    /// A `ttl` of zero turns the cache off.
    pub fn new(ttl: Duration) -> Self {
        TokenCache { ttl, entries: Mutex::new(HashMap::new()) }
    }

    pub fn get(&self, token: &str) -> Option<TokenOwner> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(token).filter(|(_, seen)| seen.elapsed() < self.ttl).map(|(owner, _)| owner.clone())
    }

    pub fn put(&self, token: &str, owner: &TokenOwner) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (_, seen)| seen.elapsed() < self.ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(token.to_owned(), (owner.clone(), Instant::now()));
    }

    /// Drops the workspace's entries, so that its next request reads its owner (and clock) anew.
    pub fn forget_workspace(&self, workspace_id: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.retain(|_, (owner, _)| owner.workspace_id != workspace_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::Clock;
    use crate::domain::version::Version;

    fn owner() -> TokenOwner {
        TokenOwner { workspace_id: 1, admin_id: 2, default_version: Version::DEFAULT, clock: Clock::REAL }
    }

    #[test]
    fn entries_expire() {
        let cache = TokenCache::new(Duration::from_millis(20));
        cache.put("t", &owner());
        assert_eq!(cache.get("t").map(|o| o.admin_id), Some(2));
        assert!(cache.get("other").is_none());
        std::thread::sleep(Duration::from_millis(30));
        assert!(cache.get("t").is_none());
    }

    #[test]
    fn zero_ttl_caches_nothing() {
        let cache = TokenCache::new(Duration::ZERO);
        cache.put("t", &owner());
        assert!(cache.get("t").is_none());
    }

    #[test]
    fn a_workspace_is_forgotten() {
        let cache = TokenCache::new(Duration::from_secs(60));
        cache.put("t", &owner());
        cache.forget_workspace(2);
        assert!(cache.get("t").is_some());
        cache.forget_workspace(1);
        assert!(cache.get("t").is_none());
    }
}
