//! Coordination on Redis, shared by every function instance.
//!
//! Every operation is a single command or a single Lua script, so each is atomic on the server
//! and costs one round trip. Keys are `{namespace}{capability}:{key}`, which lets one Redis serve
//! several deployments (and parallel test runs) without collisions.

use std::collections::HashMap;
use std::sync::LazyLock;
use std::time::Duration;

use async_trait::async_trait;
use redis::{ErrorKind, RedisError, RetryMethod, Script, ServerErrorKind};

use crate::adapters::memory::coordination::MemoryCoordination;
use crate::adapters::redis::connection::{GuardedConnection, outage};
use crate::ports::coordination::{
    Cache, CallAdmission, CallGate, CallStart, CircuitPolicy, Circuits, CoordinationError,
    Counters, Finished, Idempotency, LockGuard, Locks, RateDecision, RateLimits, Recorded,
    RoundRobinSnapshot, RoundRobinTaken, config_version_key,
};

impl From<RedisError> for CoordinationError {
    fn from(err: RedisError) -> Self {
        // A RedisError describes the failure (I/O, server reply, URL syntax) but never echoes the
        // connection URL, so its message is safe to log and cannot leak the password.
        let message = err.to_string();
        match err.kind() {
            ErrorKind::InvalidClientConfig
            | ErrorKind::AuthenticationFailed
            | ErrorKind::Server(ServerErrorKind::NoPerm) => Self::Misconfigured(message),
            _ if matches!(err.retry_method(), RetryMethod::NoRetry) => Self::Rejected(message),
            _ => Self::Unavailable(message),
        }
    }
}

/// `SET NX` and `GET` in one script: with two separate commands the existing reply could expire
/// in between, leaving the loser with neither its own reply stored nor the winner's.
static RECORD: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
            return false
        end
        return redis.call('GET', KEYS[1])
        ",
    )
});

/// Compare-and-delete, so an owner whose lock expired cannot release its successor's lock.
static UNLOCK: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        if redis.call('GET', KEYS[1]) == ARGV[1] then
            return redis.call('DEL', KEYS[1])
        end
        return 0
        ",
    )
});

/// Stores one entry and stretches the organization hash's expiry to cover it. The hash expiry is
/// only a backstop against abandoned organizations; each entry carries its own deadline.
static CACHE_PUT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
        end
        return 0
        ",
    )
});

/// Increments and starts the window in one step; as separate commands a crash between them would
/// leave a counter without expiry that blocks the key forever. A counter found without expiry is
/// repaired for the same reason.
static HIT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        local hits = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            ttl = tonumber(ARGV[1])
        end
        return {hits, ttl}
        ",
    )
});

/// Decrements a live window's counter: a missing key stays missing (a `DECR` would create it
/// without expiry) and a counter never goes below zero.
static FORGIVE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
        if hits > 0 then
            redis.call('DECR', KEYS[1])
        end
        return 0
        ",
    )
});

/// Counts a failure and, at the threshold, opens the circuit, in one step (two instances failing
/// at once must not both miss the threshold). After opening, the count stays one short of the
/// threshold past the cool-down, so the first failure after it opens the circuit again.
/// KEYS: failures, open. ARGV: threshold, cool-down ms, memory ms. Returns 1 when it opened.
static CIRCUIT_FAILED: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        local failures = redis.call('INCR', KEYS[1])
        if failures < tonumber(ARGV[1]) then
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 0
        end
        redis.call('SET', KEYS[1], tonumber(ARGV[1]) - 1, 'PX', tonumber(ARGV[2]) + tonumber(ARGV[3]))
        redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
        return 1
        ",
    )
});

/// A voice webhook's first step: the call's lock, the replayed answer, the rate count, the
/// organization's configuration version and (when asked) its round-robin counters with this
/// call's positions, in one round trip. Returns `{status, hits, window left, version, reply,
/// counters, this call's positions}` (the last two flat HGETALL lists): status 0 = lock busy,
/// 1 = go on, 2 = replay (lock released again).
/// KEYS: lock, reply, rate, version, round-robin counters, this call's positions (one
/// organization's keys, so one cluster slot by their `{org}` hash tag). ARGV: lock token, lock
/// TTL ms (0 = proceed without the lock), rate window ms (0 = do not count), read round robin
/// ("1" or "0").
static BEGIN_CALL: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        local version = tonumber(redis.call('GET', KEYS[4]) or '0')
        local locked = false
        if ARGV[2] ~= '0' then
            if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
                return {0, 0, 0, version, false, {}, {}}
            end
            locked = true
        end
        local reply = redis.call('GET', KEYS[2])
        if reply then
            if locked then
                redis.call('DEL', KEYS[1])
            end
            return {2, 0, 0, version, reply, {}, {}}
        end
        local hits, ttl = 0, 0
        if ARGV[3] ~= '0' then
            hits = redis.call('INCR', KEYS[3])
            ttl = redis.call('PTTL', KEYS[3])
            if ttl < 0 then
                redis.call('PEXPIRE', KEYS[3], ARGV[3])
                ttl = tonumber(ARGV[3])
            end
        end
        local counters, taken = {}, {}
        if ARGV[4] == '1' then
            counters = redis.call('HGETALL', KEYS[5])
            taken = redis.call('HGETALL', KEYS[6])
        end
        return {1, hits, ttl, version, false, counters, taken}
        ",
    )
});

/// A voice webhook's last step: [`RECORD`], the round-robin positions the call took from its
/// snapshot (each remembered for the call and its counter advanced, once per call) and
/// [`UNLOCK`], in one round trip — unless another call took one of those positions since the
/// snapshot was read: then nothing is written and status 0 says so (the lock stays held).
/// Returns `{status, existing reply}`, status 1 = done.
/// KEYS: reply, lock (an empty lock token skips the release), round-robin counters, this call's
/// positions. ARGV: reply, TTL ms, lock token, then group/position pairs.
static FINISH_CALL: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        for i = 4, #ARGV, 2 do
            local mine = redis.call('HGET', KEYS[4], ARGV[i])
            if mine then
                if mine ~= ARGV[i + 1] then
                    return {0, false}
                end
            elseif (redis.call('HGET', KEYS[3], ARGV[i]) or '0') ~= ARGV[i + 1] then
                return {0, false}
            end
        end
        local existing = false
        if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
            existing = redis.call('GET', KEYS[1])
        end
        for i = 4, #ARGV, 2 do
            if redis.call('HSETNX', KEYS[4], ARGV[i], ARGV[i + 1]) == 1 then
                redis.call('HINCRBY', KEYS[3], ARGV[i], 1)
            end
        end
        if #ARGV >= 4 then
            redis.call('PEXPIRE', KEYS[4], ARGV[2])
        end
        if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then
            redis.call('DEL', KEYS[2])
        end
        return {1, existing}
        ",
    )
});

/// [`CallGate::advance_round_robin`]: KEYS counters, this call's positions; ARGV group, TTL ms.
static ADVANCE_ROUND_ROBIN: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        local taken = redis.call('HGET', KEYS[2], ARGV[1])
        if taken then
            return tonumber(taken)
        end
        local position = redis.call('HINCRBY', KEYS[1], ARGV[1], 1) - 1
        redis.call('HSET', KEYS[2], ARGV[1], position)
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        return position
        ",
    )
});

/// Round-robin counters of an organization: one hash, a field per group.
fn round_robin_counters(org: &str) -> String {
    format!("rr:{{{org}}}")
}

/// The positions one call took, a field per group.
fn round_robin_taken(org: &str, call: &str) -> String {
    format!("rr:{{{org}}}:call:{call}")
}

fn pairs(flat: Vec<String>) -> HashMap<String, i64> {
    flat.chunks(2)
        .filter_map(|p| Some((p.first()?.clone(), p.get(1)?.parse().ok()?)))
        .collect()
}

/// Redis rejects a zero expiry, and a TTL that rounds down to 0 ms means "expire at once" anyway.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// Cache entries live as fields of one hash per organization (so invalidation is one `DEL`), and
/// hash fields have no TTL of their own on the Redis versions we target; the deadline therefore
/// travels in the value as `{expires_at_epoch_ms}:{bytes}`.
fn encode_entry(expires_at_ms: i64, value: &[u8]) -> Vec<u8> {
    let mut entry = format!("{expires_at_ms}:").into_bytes();
    entry.extend_from_slice(value);
    entry
}

fn decode_entry(entry: &[u8]) -> Option<(i64, &[u8])> {
    let colon = entry.iter().position(|&byte| byte == b':')?;
    let expires_at_ms = std::str::from_utf8(&entry[..colon]).ok()?.parse().ok()?;
    Some((expires_at_ms, &entry[colon + 1..]))
}

/// Cheap to clone: clones share one multiplexed connection that reconnects by itself, and one
/// circuit breaker.
#[derive(Clone)]
pub struct RedisCoordination {
    connection: GuardedConnection,
    namespace: String,
    /// Rate limits (sign-in attempts, Cloudonix pacing) while Redis cannot be reached: counted
    /// by this instance alone rather than refusing everyone, so sign-in keeps working during an
    /// outage. With `n` instances an attacker gets at most `n` times each limit meanwhile; the
    /// memory is bounded by the windows (entries expire with them and are swept).
    in_process: std::sync::Arc<MemoryCoordination>,
}

impl RedisCoordination {
    /// Every command gets `deadline` to answer ([`GuardedConnection`]).
    pub async fn connect(
        url: &str,
        namespace: &str,
        deadline: Duration,
    ) -> Result<Self, CoordinationError> {
        let connection = GuardedConnection::connect(url, deadline).await?;
        Ok(Self {
            connection,
            namespace: namespace.to_owned(),
            in_process: std::sync::Arc::new(MemoryCoordination::new()),
        })
    }

    fn key(&self, capability: &str, key: &str) -> String {
        format!("{}{capability}:{key}", self.namespace)
    }
}

#[async_trait]
impl Idempotency for RedisCoordination {
    async fn recall(&self, key: &str) -> Result<Option<Vec<u8>>, CoordinationError> {
        Ok(redis::cmd("GET")
            .arg(self.key("reply", key))
            .query_async(&mut self.connection.clone())
            .await?)
    }

    async fn record(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<Recorded, CoordinationError> {
        let existing: Option<Vec<u8>> = RECORD
            .key(self.key("reply", key))
            .arg(value)
            .arg(millis(ttl))
            .invoke_async(&mut self.connection.clone())
            .await?;
        Ok(existing.map_or(Recorded::Stored, Recorded::Existing))
    }
}

#[async_trait]
impl Locks for RedisCoordination {
    async fn try_lock(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<Option<LockGuard>, CoordinationError> {
        let guard = LockGuard::new(key);
        let acquired: Option<String> = redis::cmd("SET")
            .arg(self.key("lock", key))
            .arg(guard.token())
            .arg("NX")
            .arg("PX")
            .arg(millis(ttl))
            .query_async(&mut self.connection.clone())
            .await?;
        Ok(acquired.map(|_| guard))
    }

    async fn unlock(&self, guard: LockGuard) -> Result<bool, CoordinationError> {
        let deleted: i64 = UNLOCK
            .key(self.key("lock", guard.key()))
            .arg(guard.token())
            .invoke_async(&mut self.connection.clone())
            .await?;
        Ok(deleted == 1)
    }
}

#[async_trait]
impl Counters for RedisCoordination {
    async fn increment(&self, key: &str, by: i64) -> Result<i64, CoordinationError> {
        Ok(redis::cmd("INCRBY")
            .arg(self.key("counter", key))
            .arg(by)
            .query_async(&mut self.connection.clone())
            .await?)
    }

    async fn counter(&self, key: &str) -> Result<i64, CoordinationError> {
        let value: Option<i64> = redis::cmd("GET")
            .arg(self.key("counter", key))
            .query_async(&mut self.connection.clone())
            .await?;
        Ok(value.unwrap_or(0))
    }
}

#[async_trait]
impl Cache for RedisCoordination {
    /// A plain `HGET` judged against this instance's clock: instances are NTP-synchronised far
    /// more tightly than any cache TTL, and a script would cost more on every call.
    async fn cache_get(&self, org: &str, key: &str) -> Result<Option<Vec<u8>>, CoordinationError> {
        let entry: Option<Vec<u8>> = redis::cmd("HGET")
            .arg(self.key("cache", org))
            .arg(key)
            .query_async(&mut self.connection.clone())
            .await?;
        let Some(entry) = entry else {
            return Ok(None);
        };
        let Some((expires_at_ms, value)) = decode_entry(&entry) else {
            // A cache must never fail a call: treat the foreign entry as a miss; the caller's
            // next put overwrites it.
            tracing::warn!(org, key, "ignoring malformed cache entry");
            return Ok(None);
        };
        Ok((expires_at_ms > crate::domain::now_ms()).then(|| value.to_vec()))
    }

    async fn cache_put(
        &self,
        org: &str,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), CoordinationError> {
        let ttl_ms = millis(ttl);
        let expires_at_ms =
            crate::domain::now_ms().saturating_add(i64::try_from(ttl_ms).unwrap_or(i64::MAX));
        CACHE_PUT
            .key(self.key("cache", org))
            .arg(key)
            .arg(encode_entry(expires_at_ms, value))
            .arg(ttl_ms)
            .invoke_async::<()>(&mut self.connection.clone())
            .await?;
        Ok(())
    }

    /// Drops the entries and raises the version that instances check their own copies against,
    /// in one round trip (two keys of different slots, so a pipeline rather than a script).
    async fn invalidate_org(&self, org: &str) -> Result<(), CoordinationError> {
        redis::pipe()
            .cmd("DEL")
            .arg(self.key("cache", org))
            .ignore()
            .cmd("INCR")
            .arg(self.key("counter", &config_version_key(org)))
            .ignore()
            .query_async::<()>(&mut self.connection.clone())
            .await?;
        Ok(())
    }
}

#[async_trait]
impl RateLimits for RedisCoordination {
    async fn hit(
        &self,
        key: &str,
        limit: u64,
        window: Duration,
    ) -> Result<RateDecision, CoordinationError> {
        let counted: Result<(u64, u64), RedisError> = HIT
            .key(self.key("rate", key))
            .arg(millis(window))
            .invoke_async(&mut self.connection.clone())
            .await;
        let (hits, resets_in_ms) = match counted {
            Ok(counted) => counted,
            Err(e) if outage(&e) => {
                tracing::warn!(error = %e, "rate limit counted in this process: Redis is down");
                return self.in_process.hit(key, limit, window).await;
            }
            Err(e) => return Err(e.into()),
        };
        let allowed = hits <= limit;
        Ok(RateDecision {
            allowed,
            remaining: limit.saturating_sub(hits),
            retry_after: if allowed {
                Duration::ZERO
            } else {
                Duration::from_millis(resets_in_ms)
            },
        })
    }

    async fn forgive(&self, key: &str) -> Result<(), CoordinationError> {
        let forgiven: Result<(), RedisError> = FORGIVE
            .key(self.key("rate", key))
            .invoke_async(&mut self.connection.clone())
            .await;
        match forgiven {
            // The attempt was counted in this process too (see `hit`).
            Err(e) if outage(&e) => self.in_process.forgive(key).await,
            other => Ok(other?),
        }
    }
}

#[async_trait]
impl Circuits for RedisCoordination {
    async fn circuit_open_for(&self, key: &str) -> Result<Option<Duration>, CoordinationError> {
        let left: i64 = redis::cmd("PTTL")
            .arg(self.key("circuit-open", &format!("{{{key}}}")))
            .query_async(&mut self.connection.clone())
            .await?;
        Ok(u64::try_from(left)
            .ok()
            .filter(|ms| *ms > 0)
            .map(Duration::from_millis))
    }

    async fn circuit_failed(
        &self,
        key: &str,
        policy: CircuitPolicy,
    ) -> Result<bool, CoordinationError> {
        // One hash tag for both keys: one cluster slot for the script.
        let opened: i64 = CIRCUIT_FAILED
            .key(self.key("circuit-failures", &format!("{{{key}}}")))
            .key(self.key("circuit-open", &format!("{{{key}}}")))
            .arg(policy.threshold)
            .arg(millis(policy.cool_down))
            .arg(millis(policy.memory))
            .invoke_async(&mut self.connection.clone())
            .await?;
        Ok(opened == 1)
    }

    async fn circuit_succeeded(&self, key: &str) -> Result<(), CoordinationError> {
        let _: i64 = redis::cmd("DEL")
            .arg(self.key("circuit-failures", &format!("{{{key}}}")))
            .query_async(&mut self.connection.clone())
            .await?;
        Ok(())
    }
}

#[async_trait]
impl CallGate for RedisCoordination {
    async fn begin_call(&self, a: &CallAdmission<'_>) -> Result<CallStart, CoordinationError> {
        let guard = a.take_lock.then(|| LockGuard::new(a.lock_key));
        // Every key carries the organization's hash tag; an unused rate key too, so that the
        // script's keys always share one cluster slot.
        let unused_rate = format!("none:{{{}}}", a.org);
        let (rate_key, limit, window) = a.rate.unwrap_or((&unused_rate, 0, Duration::ZERO));
        let call = a.round_robin_call.unwrap_or_default();
        type Reply = (
            i64,
            u64,
            u64,
            i64,
            Option<Vec<u8>>,
            Vec<String>,
            Vec<String>,
        );
        let (status, hits, left, config_version, reply, counters, taken): Reply = BEGIN_CALL
            .key(self.key("lock", a.lock_key))
            .key(self.key("reply", a.replay_key))
            .key(self.key("rate", rate_key))
            .key(self.key("counter", &config_version_key(a.org)))
            .key(self.key("counter", &round_robin_counters(a.org)))
            .key(self.key("counter", &round_robin_taken(a.org, call)))
            .arg(guard.as_ref().map_or("", |g| g.token()))
            .arg(if a.take_lock { millis(a.lock_ttl) } else { 0 })
            .arg(if a.rate.is_some() { millis(window) } else { 0 })
            .arg(if a.round_robin_call.is_some() {
                "1"
            } else {
                "0"
            })
            .invoke_async(&mut self.connection.clone())
            .await?;
        let rate = (status == 1 && a.rate.is_some()).then(|| {
            let allowed = hits <= limit;
            RateDecision {
                allowed,
                remaining: limit.saturating_sub(hits),
                retry_after: if allowed {
                    Duration::ZERO
                } else {
                    Duration::from_millis(left)
                },
            }
        });
        Ok(CallStart {
            guard: guard.filter(|_| status == 1),
            busy: status == 0,
            replay: reply.filter(|_| status == 2),
            rate,
            config_version,
            round_robin: (status == 1 && a.round_robin_call.is_some()).then(|| {
                RoundRobinSnapshot {
                    counters: pairs(counters),
                    this_call: pairs(taken),
                }
            }),
        })
    }

    async fn finish_call(
        &self,
        guard: Option<LockGuard>,
        replay_key: &str,
        reply: &[u8],
        ttl: Duration,
        taken: Option<RoundRobinTaken<'_>>,
    ) -> Result<Finished, CoordinationError> {
        // Without a lock the slot is the reply's, which the script then does not touch; the
        // round-robin keys are the organization's, as the reply key is.
        let lock_key = guard.as_ref().map_or(replay_key, |g| g.key());
        let (org, call) = taken.map_or(("", ""), |t| (t.org, t.call));
        let mut script = FINISH_CALL.prepare_invoke();
        script
            .key(self.key("reply", replay_key))
            .key(self.key("lock", lock_key))
            .key(self.key("counter", &round_robin_counters(org)))
            .key(self.key("counter", &round_robin_taken(org, call)))
            .arg(reply)
            .arg(millis(ttl))
            .arg(guard.as_ref().map_or("", |g| g.token()));
        for (group, position) in taken.map_or(&[][..], |t| t.positions) {
            script.arg(group).arg(*position);
        }
        let (status, existing): (i64, Option<Vec<u8>>) =
            script.invoke_async(&mut self.connection.clone()).await?;
        Ok(if status == 0 {
            Finished::Overtaken(guard)
        } else {
            Finished::Recorded(existing.map_or(Recorded::Stored, Recorded::Existing))
        })
    }

    async fn advance_round_robin(
        &self,
        org: &str,
        group: &str,
        call: &str,
        ttl: Duration,
    ) -> Result<i64, CoordinationError> {
        Ok(ADVANCE_ROUND_ROBIN
            .key(self.key("counter", &round_robin_counters(org)))
            .key(self.key("counter", &round_robin_taken(org, call)))
            .arg(group)
            .arg(millis(ttl))
            .invoke_async(&mut self.connection.clone())
            .await?)
    }

    async fn round_robin_position(&self, org: &str, group: &str) -> Result<i64, CoordinationError> {
        let value: Option<i64> = redis::cmd("HGET")
            .arg(self.key("counter", &round_robin_counters(org)))
            .arg(group)
            .query_async(&mut self.connection.clone())
            .await?;
        Ok(value.unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_entries_round_trip_including_colons_and_empty_values() {
        for value in [&b"a:b:c"[..], b"", b"\x00\xff"] {
            let entry = encode_entry(1_700_000_000_000, value);
            assert_eq!(decode_entry(&entry), Some((1_700_000_000_000, value)));
        }
    }

    #[test]
    fn foreign_cache_entries_are_not_decoded() {
        for entry in [&b"no deadline"[..], b"", b"soon:value", b":value"] {
            assert_eq!(decode_entry(entry), None, "{entry:?}");
        }
    }
}
