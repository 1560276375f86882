//! Short-lived shared state that several function instances must agree on: idempotent replies,
//! per-call locks, round-robin counters, configuration caches and rate limits.
//!
//! Each capability is its own trait so a component can ask for only what it uses; `Coordination`
//! bundles them for wiring, where one adapter (Redis in production, memory for `opbx-local`)
//! provides all of them. Nothing here is durable: losing the store costs retries and cache
//! misses, never configuration or call records.

use std::collections::HashMap;
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

    /// Takes back one hit of `key`'s current window (never below zero; nothing when the window
    /// is over). For limits that count only some outcomes, such as failed sign-ins: the attempt is
    /// counted before its outcome is known, so concurrent attempts cannot all slip under the
    /// limit, and forgiven once it turns out not to count.
    async fn forgive(&self, key: &str) -> Result<(), CoordinationError>;
}

/// How a shared circuit breaker trips (see [`Circuits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CircuitPolicy {
    /// Failures in a row that open the circuit.
    pub threshold: u64,
    /// How long an open circuit skips calls; afterwards one more failure opens it again.
    pub cool_down: Duration,
    /// Failures further apart than this are not "in a row".
    pub memory: Duration,
}

/// Circuit breakers every instance shares: once calls under a key (a Cloudonix domain) failed
/// `threshold` times in a row, every instance skips them for the cool-down instead of each
/// finding out on its own.
#[async_trait]
pub trait Circuits: Send + Sync {
    /// How long calls under `key` are still to be skipped; `None` while the circuit is closed.
    async fn circuit_open_for(&self, key: &str) -> Result<Option<Duration>, CoordinationError>;
    /// Counts a failed call; answers whether it opened the circuit.
    async fn circuit_failed(
        &self,
        key: &str,
        policy: CircuitPolicy,
    ) -> Result<bool, CoordinationError>;
    /// A call that worked: failures start again from none.
    async fn circuit_succeeded(&self, key: &str) -> Result<(), CoordinationError>;
}

/// Everything the application needs from the coordination store, for holding one adapter as
/// `Arc<dyn Coordination>`.
/// What a voice webhook asks of the store before deciding ([`CallGate::begin_call`]).
#[derive(Debug, Clone)]
pub struct CallAdmission<'a> {
    /// The organization: its configuration version is read in the same step.
    pub org: &'a str,
    pub lock_key: &'a str,
    pub lock_ttl: Duration,
    /// `false` after waiting for the lock in vain: proceed without it.
    pub take_lock: bool,
    pub replay_key: &'a str,
    /// Counted only when the request is neither a replay nor waiting for the lock.
    pub rate: Option<(&'a str, u64, Duration)>,
    /// Read the organization's round-robin counters and this call's positions (the call id), so
    /// that routing needs no round trip of its own ([`RoundRobinSnapshot`]).
    pub round_robin_call: Option<&'a str>,
}

/// An organization's round-robin counters (group id → calls started so far) and the positions
/// one call was already given, as the first step read them. A group missing from both is at 0.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundRobinSnapshot {
    pub counters: HashMap<String, i64>,
    pub this_call: HashMap<String, i64>,
}

/// The round-robin positions a call took from a [`RoundRobinSnapshot`]: `finish_call` remembers
/// each for the call and advances its group's counter, once per call (a retry finds its memo),
/// provided no other call took the position since the snapshot was read.
#[derive(Debug, Clone, Copy)]
pub struct RoundRobinTaken<'a> {
    pub org: &'a str,
    pub call: &'a str,
    pub positions: &'a [(String, i64)],
}

/// The store's answer to [`CallGate::begin_call`].
#[derive(Debug)]
pub struct CallStart {
    /// Held when `take_lock` was asked and the lock was free (and no replay was found).
    pub guard: Option<LockGuard>,
    /// Another delivery of the call holds its lock: wait and begin again.
    pub busy: bool,
    /// The answer already given to this request.
    pub replay: Option<Vec<u8>>,
    pub rate: Option<RateDecision>,
    /// The organization's configuration version ([`Cache::invalidate_org`] raises it), which
    /// validates what an instance keeps of that configuration in its own memory.
    pub config_version: i64,
    /// When asked for and the store reads it in the same step; otherwise routing advances the
    /// counters itself ([`CallGate::advance_round_robin`]).
    pub round_robin: Option<RoundRobinSnapshot>,
}

/// What [`CallGate::finish_call`] did.
#[derive(Debug)]
pub enum Finished {
    /// The answer was recorded (or another delivery's found) and the lock released.
    Recorded(Recorded),
    /// Another call took a round-robin position this call read in its snapshot first: nothing
    /// was recorded, and the lock, handed back, is still held. Routing again takes the positions
    /// one by one ([`CallGate::advance_round_robin`]).
    Overtaken(Option<LockGuard>),
}

/// The bookkeeping of one voice webhook in two steps, each one round trip on a shared store:
/// [`CallGate::begin_call`] takes the call's lock, recalls a replayed answer, counts the rate
/// and reads the configuration version; [`CallGate::finish_call`] records the answer and releases
/// the lock. The defaults compose the other capabilities (one step each) for in-process stores.
#[async_trait]
pub trait CallGate: Idempotency + Locks + Counters + RateLimits {
    async fn begin_call(&self, a: &CallAdmission<'_>) -> Result<CallStart, CoordinationError> {
        let config_version = self.counter(&config_version_key(a.org)).await?;
        let mut start = CallStart {
            guard: None,
            busy: false,
            replay: None,
            rate: None,
            config_version,
            round_robin: None,
        };
        if a.take_lock {
            match self.try_lock(a.lock_key, a.lock_ttl).await? {
                Some(guard) => start.guard = Some(guard),
                None => {
                    start.busy = true;
                    return Ok(start);
                }
            }
        }
        if let Some(reply) = self.recall(a.replay_key).await? {
            if let Some(guard) = start.guard.take() {
                self.unlock(guard).await?;
            }
            start.replay = Some(reply);
            return Ok(start);
        }
        if let Some((key, limit, window)) = a.rate {
            start.rate = Some(self.hit(key, limit, window).await?);
        }
        Ok(start)
    }

    async fn finish_call(
        &self,
        guard: Option<LockGuard>,
        replay_key: &str,
        reply: &[u8],
        ttl: Duration,
        taken: Option<RoundRobinTaken<'_>>,
    ) -> Result<Finished, CoordinationError> {
        // These steps cannot check and take a position atomically; the default `begin_call`
        // reads no snapshot, so positions never come from one here.
        if taken.is_some_and(|t| !t.positions.is_empty()) {
            return Ok(Finished::Overtaken(guard));
        }
        let recorded = self.record(replay_key, reply, ttl).await;
        if let Some(guard) = guard {
            self.unlock(guard).await?;
        }
        recorded.map(Finished::Recorded)
    }

    /// Advances `group`'s counter once for `call`: the first request of the call gets the
    /// counter's value before its increment, remembered for `ttl`; later requests of the call
    /// get the same value without advancing it (a round-robin start per call).
    async fn advance_round_robin(
        &self,
        org: &str,
        group: &str,
        call: &str,
        ttl: Duration,
    ) -> Result<i64, CoordinationError> {
        let memo = round_robin_memo(org, group, call);
        if let Some(v) = self.recall(&memo).await? {
            return Ok(parse_i64(&v));
        }
        let position = self.increment(&round_robin_counter(org, group), 1).await? - 1;
        Ok(
            match self
                .record(&memo, position.to_string().as_bytes(), ttl)
                .await?
            {
                Recorded::Stored => position,
                Recorded::Existing(v) => parse_i64(&v),
            },
        )
    }

    /// `group`'s counter, without advancing it (the routing simulator).
    async fn round_robin_position(&self, org: &str, group: &str) -> Result<i64, CoordinationError> {
        self.counter(&round_robin_counter(org, group)).await
    }
}

fn round_robin_counter(org: &str, group: &str) -> String {
    format!("rr:{{{org}}}:{group}")
}

fn round_robin_memo(org: &str, group: &str, call: &str) -> String {
    format!("rr:{{{org}}}:{group}:{call}")
}

/// The counter holding an organization's configuration version.
pub fn config_version_key(org: &str) -> String {
    format!("cfgver:{{{org}}}")
}

fn parse_i64(bytes: &[u8]) -> i64 {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

pub trait Coordination:
    Idempotency + Locks + Counters + Cache + RateLimits + CallGate + Circuits
{
}

impl<T: Idempotency + Locks + Counters + Cache + RateLimits + CallGate + Circuits + ?Sized>
    Coordination for T
{
}
