//! The Redis connection every coordination call goes through: the client's own connection
//! manager (one multiplexed connection that reconnects by itself) behind a deadline and a
//! circuit breaker ([`Breaker`]), so an unreachable Redis costs a request one deadline at most
//! instead of the client's reconnect cycle per command.

use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::{Cmd, ErrorKind, Pipeline, RedisError, RedisFuture, Value};

use crate::adapters::breaker::{Breaker, Failure, Probe};

/// `OPBX_REDIS_DEADLINE_MS`'s default: a Redis round trip in one region takes about a millisecond,
/// and a voice answer should leave well inside Cloudonix's patience even when Redis is gone.
pub const DEFAULT_DEADLINE: Duration = Duration::from_millis(50);

#[derive(Clone)]
pub struct GuardedConnection {
    inner: ConnectionManager,
    breaker: Arc<Breaker>,
}

impl GuardedConnection {
    pub async fn connect(url: &str, deadline: Duration) -> Result<Self, RedisError> {
        let client = redis::Client::open(url)?;
        // Reconnects happen behind the breaker; bounding each attempt keeps a blackholed address
        // from parking the manager's reconnect for the operating system's TCP timeout.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(deadline.max(Duration::from_millis(250))))
            .set_number_of_retries(1);
        let inner = ConnectionManager::new_with_config(client, config).await?;
        let probed = inner.clone();
        let probe: Probe = Arc::new(move || {
            let mut connection = probed.clone();
            Box::pin(async move {
                redis::cmd("PING")
                    .query_async::<String>(&mut connection)
                    .await
                    .is_ok()
            })
        });
        Ok(Self {
            inner,
            breaker: Arc::new(Breaker::new("redis", deadline, probe)),
        })
    }

    pub fn breaker(&self) -> &Breaker {
        &self.breaker
    }
}

/// Errors that mean Redis could not be reached, as opposed to an answer it gave.
pub(crate) fn outage(e: &RedisError) -> bool {
    e.is_io_error() || e.is_connection_dropped() || e.is_connection_refusal() || e.is_timeout()
}

fn into_redis_error(failure: Failure<RedisError>) -> RedisError {
    match failure {
        Failure::Store(e) => e,
        // I/O errors are what the adapter reports as `Unavailable`, on which the voice path
        // falls back to SQL.
        Failure::Open => RedisError::from((ErrorKind::Io, "redis is down (circuit open)")),
        Failure::Deadline(_) => RedisError::from((ErrorKind::Io, "redis deadline exceeded")),
    }
}

impl ConnectionLike for GuardedConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        Box::pin(async move {
            let breaker = self.breaker.clone();
            breaker
                .run(self.inner.req_packed_command(cmd), outage)
                .await
                .map_err(into_redis_error)
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        Box::pin(async move {
            let breaker = self.breaker.clone();
            breaker
                .run(
                    self.inner.req_packed_commands(pipeline, offset, count),
                    outage,
                )
                .await
                .map_err(into_redis_error)
        })
    }

    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }
}
