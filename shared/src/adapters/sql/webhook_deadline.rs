//! The database on a webhook's path, behind a deadline and a circuit breaker ([`Breaker`]), as
//! Redis and the live calls are.
//!
//! The pool's acquire timeout only bounds waiting for a connection: a server that stops answering
//! on connections already open (paused, or a network partition) would hold every statement until
//! TCP gives up, minutes later, while Cloudonix waits 5–15 s for its CXML. Here a voice webhook's
//! statement gets [`DEFAULT_DEADLINE`]. A miss sends a probe at once; when the probe goes
//! unanswered too (a refused connection needs no probe), the breaker opens, the webhooks skip the
//! database until a background `SELECT 1` answers again (every 0.5 s), and calls are answered
//! from the instance's copy of their configuration or with an apology.
//!
//! Only a database server gets them: an embedded SQLite file cannot be paused or partitioned
//! away, and its statements wait only for each other.
//!
//! A write that misses its deadline is not abandoned: it goes on in the background for up to
//! [`DETACHED_WRITE_LIMIT`], so a slow commit still lands, and the unique keys that make a
//! retried write harmless make a late one harmless too. (On Lambda a detached write continues
//! when the instance next runs; a call whose first write never lands gets its log from the CDR.)

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use sqlx::{AnyConnection, Connection};

use super::{Dialect, SqlStore};
use crate::adapters::breaker::{Breaker, Failure, Probe};
use crate::ports::store::{StoreError, StoreResult};

/// `OPBX_SQL_STATEMENT_DEADLINE_MS`'s default: a statement on loopback or in one region takes a
/// few milliseconds, and a voice answer must leave well inside Cloudonix's patience.
pub const DEFAULT_DEADLINE: Duration = Duration::from_millis(50);

/// How often a read past its deadline looks whether the probe found the database down.
const CONFIRMED_EVERY: Duration = Duration::from_millis(10);

/// The longest a session update or CDR is worked on: it may wait its turn behind the call's
/// other events, and Cloudonix delivers it again after a refusal.
const NOTIFICATION_DEADLINE: Duration = Duration::from_secs(10);

/// How long a write that missed the webhook's deadline may still take in the background.
const DETACHED_WRITE_LIMIT: Duration = Duration::from_secs(30);

/// The guard of a store of `dialect` at `url`: none for SQLite (see above). Its probe runs
/// `SELECT 1` on a connection of its own, so that it measures the database, not the wait for a
/// free connection of a busy pool.
pub(super) fn guard(url: &str, dialect: Dialect, deadline: Duration) -> Option<Arc<Breaker>> {
    if dialect == Dialect::Sqlite {
        return None;
    }
    let url: Arc<str> = url.into();
    let spare: Arc<Mutex<Option<AnyConnection>>> = Arc::default();
    let probe: Probe = Arc::new(move || {
        let (url, spare) = (url.clone(), spare.clone());
        Box::pin(async move {
            // Taken out while in use: a probe dropped at its deadline drops (closes) it.
            let taken = spare.lock().unwrap_or_else(PoisonError::into_inner).take();
            let mut conn = match taken {
                Some(conn) => conn,
                None => match AnyConnection::connect(&url).await {
                    Ok(conn) => conn,
                    Err(_) => return false,
                },
            };
            let answered = sqlx::query("SELECT 1").execute(&mut conn).await.is_ok();
            if answered {
                *spare.lock().unwrap_or_else(PoisonError::into_inner) = Some(conn);
            }
            answered
        })
    });
    Some(Arc::new(Breaker::confirming("database", deadline, probe)))
}

fn unavailable(failure: Failure<StoreError>) -> StoreError {
    match failure {
        Failure::Store(e) => e,
        Failure::Open => StoreError::Unavailable("database down (circuit open)".into()),
        Failure::Deadline(d) => StoreError::Unavailable(
            format!("database: no answer within {} ms", d.as_millis()).into(),
        ),
    }
}

fn is_outage(e: &StoreError) -> bool {
    matches!(e, StoreError::Unavailable(_))
}

impl SqlStore {
    /// This store, giving each webhook statement `deadline` (`OPBX_SQL_STATEMENT_DEADLINE_MS`).
    pub fn with_webhook_deadline(mut self, deadline: Duration) -> Self {
        self.webhook_guard = guard(&self.url, self.dialect, deadline);
        self
    }

    /// Whether webhooks are skipping the database.
    pub fn webhook_breaker_open(&self) -> bool {
        self.webhook_guard.as_ref().is_some_and(|b| b.is_open())
    }

    /// Runs a webhook's read `op`, unless the database is known to be down: an error then, at
    /// once, which the caller answers without the database. A read that misses the webhook
    /// deadline is waited for while the database answers the probe the miss sent (a busy pool,
    /// not a silent server: giving up would apologise to a caller for our own load), up to the
    /// pool's acquire deadline; it is given up as soon as the probe gets no answer.
    pub async fn within_webhook_deadline<T>(
        &self,
        op: impl Future<Output = StoreResult<T>>,
    ) -> StoreResult<T> {
        let Some(guard) = &self.webhook_guard else {
            return op.await;
        };
        let mut op = std::pin::pin!(op);
        match guard.run(&mut op, is_outage).await {
            Err(Failure::Deadline(_)) => {}
            answered => return answered.map_err(unavailable),
        }
        let patience = self.pool.options().get_acquire_timeout();
        let give_up = tokio::time::Instant::now() + patience;
        loop {
            tokio::select! {
                done = &mut op => return done,
                () = tokio::time::sleep(CONFIRMED_EVERY) => {
                    if guard.is_open() {
                        return Err(unavailable(Failure::Open));
                    }
                    if tokio::time::Instant::now() >= give_up {
                        return Err(unavailable(Failure::Deadline(patience)));
                    }
                }
            }
        }
    }

    /// Runs the work of a session update or CDR, unless the database is known to be down: an
    /// error then, at once, which the webhook answers with 503 so that Cloudonix delivers it
    /// again. Bounded by [`NOTIFICATION_DEADLINE`] (it may wait for the call's other events),
    /// which does not open the breaker.
    pub async fn within_notification_deadline<T>(
        &self,
        op: impl Future<Output = StoreResult<T>>,
    ) -> StoreResult<T> {
        if self.webhook_breaker_open() {
            return Err(unavailable(Failure::Open));
        }
        match tokio::time::timeout(NOTIFICATION_DEADLINE, op).await {
            Ok(done) => done,
            Err(_) => Err(unavailable(Failure::Deadline(NOTIFICATION_DEADLINE))),
        }
    }

    /// Runs a webhook's write (the future `write` makes), waiting for it within the webhook
    /// deadline. A write that misses it (or meets the breaker open) goes on in the background:
    /// attempts that never reached the database (no connection within the pool's deadline) are
    /// made again until [`DETACHED_WRITE_LIMIT`], and a failure there is logged. The caller gets
    /// an error and answers without the write's result.
    pub async fn write_within_webhook_deadline<T, F>(
        &self,
        what: &'static str,
        write: impl Fn() -> F + Send + Sync + 'static,
    ) -> StoreResult<T>
    where
        T: Send + 'static,
        F: Future<Output = StoreResult<T>> + Send,
    {
        let Some(guard) = &self.webhook_guard else {
            return write().await;
        };
        let abandoned = Arc::new(AtomicBool::new(false));
        let noted = abandoned.clone();
        let mut task = tokio::spawn(async move {
            let result = match tokio::time::timeout(DETACHED_WRITE_LIMIT, until_sent(&write)).await
            {
                Ok(result) => result,
                Err(_) => Err(StoreError::Unavailable(
                    format!("no answer within {} s", DETACHED_WRITE_LIMIT.as_secs()).into(),
                )),
            };
            if noted.load(Ordering::Acquire) {
                match &result {
                    Ok(_) => {
                        tracing::info!(what, "a write that missed the webhook's deadline landed")
                    }
                    Err(e) => {
                        tracing::error!(what, error = ?e, "a write that missed the webhook's deadline failed")
                    }
                }
            }
            result
        });
        let waited = guard
            .run(
                async {
                    (&mut task).await.unwrap_or_else(|e| {
                        Err(StoreError::Unavailable(
                            format!("write task ended: {e}").into(),
                        ))
                    })
                },
                is_outage,
            )
            .await;
        if matches!(waited, Err(Failure::Open | Failure::Deadline(_))) {
            // The task outlives its handle; it reports how it ended by itself.
            abandoned.store(true, Ordering::Release);
        }
        waited.map_err(unavailable)
    }
}

/// Runs `write` again while its attempts end without a connection, or on a connection that turns
/// out dead (pooled connections used within the last second are not checked first, so one that
/// died meanwhile — a database restarted — fails on its first statement): such an attempt sent
/// nothing to a live server, so making it again cannot write twice. (Were a statement cut off
/// after it ran, its write's unique keys make the repeat harmless, as for a redelivery.)
async fn until_sent<T, F: Future<Output = StoreResult<T>>>(
    write: &impl Fn() -> F,
) -> StoreResult<T> {
    let mut pause = Duration::ZERO;
    loop {
        match write().await {
            Err(StoreError::Unavailable(e)) => match e.downcast_ref::<sqlx::Error>() {
                // The next attempt takes another connection at once; a database that keeps
                // failing them is waited for like one that has none.
                Some(sqlx::Error::Io(_)) if pause.is_zero() => pause = RETRY_PAUSE,
                Some(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_)) => {
                    tokio::time::sleep(RETRY_PAUSE).await;
                }
                _ => return Err(StoreError::Unavailable(e)),
            },
            done => return done,
        }
    }
}

/// Between attempts of a write that found no connection (each attempt already waited the pool's
/// acquire deadline).
const RETRY_PAUSE: Duration = Duration::from_millis(100);
