//! Short-lived shared state that several function instances must agree on: idempotent replies,
//! per-call locks, round-robin counters, configuration caches and rate limits.
//!
//! Each capability is its own trait so a component can ask for only what it uses; `Coordination`
//! bundles them for wiring, where one adapter (Redis in production, memory for `opbx-local`)
//! provides all of them. Nothing here is durable: losing the store costs retries and cache
//! misses, never configuration or call records.

use std::time::{Duration, Instant};

use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoordinationError {
    /// The store could not be reached or did not answer in time; the same request may succeed
    /// later, so callers on the voice path fall back instead of failing the call.
    #[error("coordination store unavailable: {0}")]
    Unavailable(String),
    /// The store refused the operation itself (for example a counter overflow); retrying the
    /// same request will not help.
    #[error("coordination store rejected the operation: {0}")]
    Rejected(String),
    /// The adapter was set up wrongly (bad URL, failed authentication): an operator problem.
    #[error("coordination store misconfigured: {0}")]
    Misconfigured(String),
}

/// The outcome of `Idempotency::record`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// This call was first: its value is what every later retry will replay.
    Stored,
    /// Another request recorded first; its value wins and must be replayed instead of ours.
    Existing(Vec<u8>),
}

/// Remembers the reply to a request so that a retried webhook (Cloudonix retries on timeout)
/// gets the same answer instead of doing the work twice.
#[async_trait]
pub trait Idempotency: Send + Sync {
    async fn recall(&self, key: &str) -> Result<Option<Vec<u8>>, CoordinationError>;

    /// First writer wins, so two concurrent deliveries of one request agree on one reply.
    async fn record(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<Recorded, CoordinationError>;
}

/// Proof of holding a lock. Not `Clone`: exactly one party may release it.
///
/// There is no release on drop because releasing needs the store (async); a guard that is never
/// passed to `Locks::unlock` simply lapses when its TTL runs out.
#[derive(Debug)]
#[must_use = "a lock that is not unlocked stays held until its TTL expires"]
pub struct LockGuard {
    key: String,
    token: String,
}

impl LockGuard {
    /// A fresh owner token per acquisition lets `unlock` tell our lock from a successor's after
    /// ours expired.
    pub(crate) fn new(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            token: uuid::Uuid::now_v7().simple().to_string(),
        }
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub(crate) fn token(&self) -> &str {
        &self.token
    }
}

/// Longest pause between attempts in `Locks::lock`: per-call locks are held for milliseconds, so
/// a waiter should notice a release quickly without hammering the store.
const MAX_LOCK_RETRY_PAUSE: Duration = Duration::from_millis(50);

/// Mutual exclusion across instances, e.g. one state transition per call at a time. Locks expire
/// so that a crashed holder cannot block a call forever.
#[async_trait]
pub trait Locks: Send + Sync {
    /// `None` when someone else holds an unexpired lock on `key`.
    async fn try_lock(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<Option<LockGuard>, CoordinationError>;

    /// Like `try_lock`, but keeps trying with a growing pause until `wait` has elapsed.
    async fn lock(
        &self,
        key: &str,
        ttl: Duration,
        wait: Duration,
    ) -> Result<Option<LockGuard>, CoordinationError> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(5);
        loop {
            if let Some(guard) = self.try_lock(key, ttl).await? {
                return Ok(Some(guard));
            }
            let left = wait.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Ok(None);
            }
            tokio::time::sleep(pause.min(left)).await;
            pause = (pause * 2).min(MAX_LOCK_RETRY_PAUSE);
        }
    }

    /// `false` when the lock had already expired (and may now belong to someone else, whose lock
    /// is left untouched): the caller's critical section was not exclusive to the end.
    async fn unlock(&self, guard: LockGuard) -> Result<bool, CoordinationError>;
}

/// Exact shared counters without expiry, e.g. the next position of a round-robin ring group.
#[async_trait]
pub trait Counters: Send + Sync {
    /// Returns the value after adding `by`, so concurrent callers each see a distinct value.
    async fn increment(&self, key: &str, by: i64) -> Result<i64, CoordinationError>;

    /// 0 for a counter never incremented.
    async fn counter(&self, key: &str) -> Result<i64, CoordinationError>;
}

/// A read-through cache of derived configuration, partitioned by organization so that any
/// configuration change can drop everything derived from that organization in one step instead
/// of tracking which entries it affects.
#[async_trait]
pub trait Cache: Send + Sync {
    /// Read on every call, so adapters keep this to one store round trip.
    async fn cache_get(&self, org: &str, key: &str) -> Result<Option<Vec<u8>>, CoordinationError>;

    async fn cache_put(
        &self,
        org: &str,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), CoordinationError>;

    async fn invalidate_org(&self, org: &str) -> Result<(), CoordinationError>;
}

/// The verdict of one rate-limited request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDecision {
    pub allowed: bool,
    /// Requests still allowed in the current window after this one.
    pub remaining: u64,
    /// Zero when allowed; otherwise how long until the window resets, for a `Retry-After` header.
    pub retry_after: Duration,
}

/// Fixed-window rate limiting: cheap (one counter per key and window) and good enough to stop
/// abuse of login and webhook endpoints; bursts of up to twice the limit across a window edge
/// are accepted.
#[async_trait]
pub trait RateLimits: Send + Sync {
    /// Counts this request against `key`; the window starts with the first request.
    async fn hit(
        &self,
        key: &str,
        limit: u64,
        window: Duration,
    ) -> Result<RateDecision, CoordinationError>;
}

/// Everything the application needs from the coordination store, for holding one adapter as
/// `Arc<dyn Coordination>`.
pub trait Coordination: Idempotency + Locks + Counters + Cache + RateLimits {}

impl<T: Idempotency + Locks + Counters + Cache + RateLimits + ?Sized> Coordination for T {}
