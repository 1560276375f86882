//! In-process coordination for `opbx-local` and tests: one process is the whole deployment, so
//! plain maps under std locks give the same guarantees Redis gives the cluster.
//!
//! Expired entries are treated as absent when read and removed by an occasional sweep on write,
//! so memory stays bounded without a background task. No lock is held across an `.await`.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;

use crate::ports::coordination::{
    Cache, CallGate, CircuitPolicy, Circuits, CoordinationError, Counters, Idempotency, LockGuard,
    Locks, RateDecision, RateLimits, Recorded, config_version_key,
};

/// Writes between sweeps of a map: often enough to bound garbage, rare enough that the O(n)
/// sweep is negligible per write.
const SWEEP_EVERY: u32 = 256;

/// Used when `now + ttl` is not representable; nothing in a local process lives that long.
const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

fn deadline(now: Instant, ttl: Duration) -> Instant {
    now.checked_add(ttl).unwrap_or(now + FOREVER)
}

/// A panic in another request cannot leave these maps half-updated (every critical section is a
/// single map operation), so a poisoned lock is still safe to use.
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

struct Expiring<V> {
    value: V,
    expires_at: Instant,
}

struct ExpiringMap<V> {
    entries: HashMap<String, Expiring<V>>,
    writes_since_sweep: u32,
}

impl<V> Default for ExpiringMap<V> {
    fn default() -> Self {
        Self {
            entries: HashMap::new(),
            writes_since_sweep: 0,
        }
    }
}

impl<V> ExpiringMap<V> {
    fn live(&self, key: &str, now: Instant) -> Option<&V> {
        self.entries
            .get(key)
            .filter(|entry| entry.expires_at > now)
            .map(|entry| &entry.value)
    }

    fn live_mut(&mut self, key: &str, now: Instant) -> Option<&mut Expiring<V>> {
        self.entries
            .get_mut(key)
            .filter(|entry| entry.expires_at > now)
    }

    fn insert(&mut self, key: &str, value: V, expires_at: Instant, now: Instant) {
        self.writes_since_sweep += 1;
        if self.writes_since_sweep >= SWEEP_EVERY {
            self.writes_since_sweep = 0;
            self.entries.retain(|_, entry| entry.expires_at > now);
        }
        self.entries
            .insert(key.to_owned(), Expiring { value, expires_at });
    }

    fn remove(&mut self, key: &str) {
        self.entries.remove(key);
    }
}

#[derive(Default)]
pub struct MemoryCoordination {
    replies: Mutex<ExpiringMap<Vec<u8>>>,
    locks: Mutex<ExpiringMap<String>>,
    counters: Mutex<HashMap<String, i64>>,
    /// A read-write lock because cache reads happen on every call and never modify the map.
    cache: RwLock<HashMap<String, ExpiringMap<Vec<u8>>>>,
    /// Hits seen in each key's current window; the entry expires when the window ends.
    windows: Mutex<ExpiringMap<u64>>,
    /// Failures in a row per circuit (forgotten after the policy's memory) and open circuits.
    circuit_failures: Mutex<ExpiringMap<u64>>,
    open_circuits: Mutex<ExpiringMap<()>>,
}

impl MemoryCoordination {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl Idempotency for MemoryCoordination {
    async fn recall(&self, key: &str) -> Result<Option<Vec<u8>>, CoordinationError> {
        Ok(locked(&self.replies).live(key, Instant::now()).cloned())
    }

    async fn record(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<Recorded, CoordinationError> {
        let now = Instant::now();
        let mut replies = locked(&self.replies);
        if let Some(existing) = replies.live(key, now) {
            return Ok(Recorded::Existing(existing.clone()));
        }
        replies.insert(key, value.to_vec(), deadline(now, ttl), now);
        Ok(Recorded::Stored)
    }
}

#[async_trait]
impl Locks for MemoryCoordination {
    async fn try_lock(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<Option<LockGuard>, CoordinationError> {
        let now = Instant::now();
        let mut locks = locked(&self.locks);
        if locks.live(key, now).is_some() {
            return Ok(None);
        }
        let guard = LockGuard::new(key);
        locks.insert(key, guard.token().to_owned(), deadline(now, ttl), now);
        Ok(Some(guard))
    }

    async fn unlock(&self, guard: LockGuard) -> Result<bool, CoordinationError> {
        let mut locks = locked(&self.locks);
        if locks.live(guard.key(), Instant::now()).map(String::as_str) != Some(guard.token()) {
            return Ok(false);
        }
        locks.remove(guard.key());
        Ok(true)
    }
}

#[async_trait]
impl Counters for MemoryCoordination {
    async fn increment(&self, key: &str, by: i64) -> Result<i64, CoordinationError> {
        let mut counters = locked(&self.counters);
        let counter = counters.entry(key.to_owned()).or_insert(0);
        *counter = counter
            .checked_add(by)
            .ok_or_else(|| CoordinationError::Rejected(format!("counter {key} would overflow")))?;
        Ok(*counter)
    }

    async fn counter(&self, key: &str) -> Result<i64, CoordinationError> {
        Ok(locked(&self.counters).get(key).copied().unwrap_or(0))
    }
}

#[async_trait]
impl Cache for MemoryCoordination {
    async fn cache_get(&self, org: &str, key: &str) -> Result<Option<Vec<u8>>, CoordinationError> {
        let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
        Ok(cache
            .get(org)
            .and_then(|entries| entries.live(key, Instant::now()))
            .cloned())
    }

    async fn cache_put(
        &self,
        org: &str,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), CoordinationError> {
        let now = Instant::now();
        let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
        cache.entry(org.to_owned()).or_default().insert(
            key,
            value.to_vec(),
            deadline(now, ttl),
            now,
        );
        Ok(())
    }

    async fn invalidate_org(&self, org: &str) -> Result<(), CoordinationError> {
        self.cache
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(org);
        self.increment(&config_version_key(org), 1).await?;
        Ok(())
    }
}

/// In process every step is a map access, so the trait's composed defaults are the floor.
impl CallGate for MemoryCoordination {}

#[async_trait]
impl RateLimits for MemoryCoordination {
    async fn hit(
        &self,
        key: &str,
        limit: u64,
        window: Duration,
    ) -> Result<RateDecision, CoordinationError> {
        let now = Instant::now();
        let mut windows = locked(&self.windows);
        let (hits, resets_at) = match windows.live_mut(key, now) {
            Some(current) => {
                current.value = current.value.saturating_add(1);
                (current.value, current.expires_at)
            }
            None => {
                let resets_at = deadline(now, window);
                windows.insert(key, 1, resets_at, now);
                (1, resets_at)
            }
        };
        let allowed = hits <= limit;
        Ok(RateDecision {
            allowed,
            remaining: limit.saturating_sub(hits),
            retry_after: if allowed {
                Duration::ZERO
            } else {
                resets_at.saturating_duration_since(now)
            },
        })
    }

    async fn forgive(&self, key: &str) -> Result<(), CoordinationError> {
        if let Some(current) = locked(&self.windows).live_mut(key, Instant::now()) {
            current.value = current.value.saturating_sub(1);
        }
        Ok(())
    }
}

#[async_trait]
impl Circuits for MemoryCoordination {
    async fn circuit_open_for(&self, key: &str) -> Result<Option<Duration>, CoordinationError> {
        let now = Instant::now();
        let open = locked(&self.open_circuits);
        Ok(open
            .entries
            .get(key)
            .filter(|entry| entry.expires_at > now)
            .map(|entry| entry.expires_at - now))
    }

    async fn circuit_failed(
        &self,
        key: &str,
        policy: CircuitPolicy,
    ) -> Result<bool, CoordinationError> {
        let now = Instant::now();
        let mut failures = locked(&self.circuit_failures);
        let count = failures.live(key, now).copied().unwrap_or(0) + 1;
        if count < policy.threshold {
            failures.insert(key, count, deadline(now, policy.memory), now);
            return Ok(false);
        }
        // Half-open after the cool-down: the next failure opens it again at once.
        let reopen_within = policy.cool_down.saturating_add(policy.memory);
        failures.insert(key, policy.threshold - 1, deadline(now, reopen_within), now);
        locked(&self.open_circuits).insert(key, (), deadline(now, policy.cool_down), now);
        Ok(true)
    }

    async fn circuit_succeeded(&self, key: &str) -> Result<(), CoordinationError> {
        locked(&self.circuit_failures).remove(key);
        Ok(())
    }
}
