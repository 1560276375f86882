//! What one instance keeps of organizations' configuration in its own memory, so that a call
//! with unchanged configuration reads none of it from the shared cache.
//!
//! Each organization's copy belongs to one configuration version (the counter that
//! `Cache::invalidate_org` raises on every control-plane write). The voice pipeline reads the
//! current version in its first round trip ([`crate::ports::coordination::CallGate`]), and a copy
//! of another version is never served: a write reaches the next call on every instance at once.
//! Entries are the same serialised views the shared cache holds.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::domain::ids::OrgId;

/// Entries of organizations not called for this long are dropped on the next write, so an
/// instance serving many tenants does not keep idle ones.
const IDLE: Duration = Duration::from_secs(900);

/// How long after its version was last confirmed by the shared store a copy still serves calls
/// while that store is down. Without it every call of the outage read its configuration from
/// the database (several round trips each, ~0.5 s at p99 under load); with it a change made
/// during an outage reaches calls at most this late (the invalidation it raised is lost anyway).
pub const SERVE_STALE_FOR: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct LocalCopies {
    orgs: Mutex<HashMap<OrgId, OrgCopy>>,
    /// Webhook key hash → the organization and the version it was recognised under.
    keys: Mutex<HashMap<String, (OrgId, i64)>>,
    /// The version each organization's calls last read from the shared store, and when.
    confirmed: Mutex<HashMap<OrgId, (i64, Instant)>>,
}

struct OrgCopy {
    version: i64,
    used: Instant,
    entries: HashMap<String, Arc<[u8]>>,
}

impl LocalCopies {
    /// The entry `key` of `org`'s configuration at `version`, if this instance has it.
    pub fn get(&self, org: OrgId, version: i64, key: &str) -> Option<Arc<[u8]>> {
        let mut orgs = self.orgs.lock().unwrap_or_else(PoisonError::into_inner);
        let copy = orgs.get_mut(&org).filter(|c| c.version == version)?;
        copy.used = Instant::now();
        copy.entries.get(key).cloned()
    }

    /// Keeps `value` as `org`'s entry `key` at `version`; a copy of an older version is dropped.
    pub fn put(&self, org: OrgId, version: i64, key: &str, value: &[u8]) {
        let now = Instant::now();
        let mut orgs = self.orgs.lock().unwrap_or_else(PoisonError::into_inner);
        orgs.retain(|o, c| *o == org || now.duration_since(c.used) < IDLE);
        let copy = orgs.entry(org).or_insert_with(|| OrgCopy {
            version,
            used: now,
            entries: HashMap::new(),
        });
        if copy.version < version {
            copy.version = version;
            copy.entries.clear();
        }
        if copy.version == version {
            copy.used = now;
            copy.entries.insert(key.to_owned(), value.into());
        }
    }

    /// Notes that a call just read `version` as `org`'s current configuration version.
    pub fn confirm(&self, org: OrgId, version: i64) {
        let now = Instant::now();
        let mut confirmed = self
            .confirmed
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        confirmed.retain(|o, (_, at)| *o == org || now.duration_since(*at) < SERVE_STALE_FOR);
        let entry = confirmed.entry(org).or_insert((version, now));
        if entry.0 <= version {
            *entry = (version, now);
        }
    }

    /// The version to read `org`'s copy under when the shared store cannot say: the last one
    /// confirmed, if that was within [`SERVE_STALE_FOR`].
    pub fn recent_version(&self, org: OrgId) -> Option<i64> {
        let confirmed = self
            .confirmed
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        confirmed
            .get(&org)
            .filter(|(_, at)| at.elapsed() < SERVE_STALE_FOR)
            .map(|(version, _)| *version)
    }

    /// The organization a webhook key hash was recognised for, and under which version.
    pub fn key(&self, hash: &str) -> Option<(OrgId, i64)> {
        self.keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(hash)
            .copied()
    }

    pub fn remember_key(&self, hash: &str, org: OrgId, version: i64) {
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        // Rotated keys of every tenant would otherwise accumulate for the instance's lifetime.
        if keys.len() > 10_000 {
            keys.clear();
        }
        keys.insert(hash.to_owned(), (org, version));
    }

    pub fn forget_key(&self, hash: &str) {
        self.keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_serves_only_its_own_version() {
        let local = LocalCopies::default();
        let org = OrgId::new();
        local.put(org, 3, "did:+1", b"old");
        assert_eq!(local.get(org, 3, "did:+1").as_deref(), Some(&b"old"[..]));
        assert_eq!(local.get(org, 4, "did:+1"), None);
        local.put(org, 4, "did:+1", b"new");
        assert_eq!(local.get(org, 3, "did:+1"), None);
        assert_eq!(local.get(org, 4, "did:+1").as_deref(), Some(&b"new"[..]));
        // A late writer that read the older version cannot put its entry back.
        local.put(org, 3, "ext:1", b"stale");
        assert_eq!(local.get(org, 3, "ext:1"), None);
        assert_eq!(local.get(org, 4, "ext:1"), None);
        assert_eq!(local.get(OrgId::new(), 4, "did:+1"), None);
    }

    #[test]
    fn only_a_recently_confirmed_version_stands_in_for_the_shared_store() {
        let local = LocalCopies::default();
        let org = OrgId::new();
        assert_eq!(local.recent_version(org), None, "never confirmed");
        local.confirm(org, 4);
        local.confirm(org, 3);
        assert_eq!(
            local.recent_version(org),
            Some(4),
            "a late reader cannot go back"
        );
        local.confirmed.lock().unwrap().get_mut(&org).unwrap().1 = Instant::now() - SERVE_STALE_FOR;
        assert_eq!(local.recent_version(org), None, "too old to stand in");
    }
}
