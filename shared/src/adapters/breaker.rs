//! Fail fast when a store is down: a deadline on every call and a circuit breaker per store.
//!
//! Without them a Redis outage cost each voice webhook one client reconnect cycle (~9.5 s) per
//! coordination call, about two minutes per request, while Cloudonix gives up after 5–15 s. With
//! them only the calls in flight when the store goes away wait, one deadline each: the first
//! failure opens the breaker, every later call is skipped at once, and a background probe checks
//! the store at once and then once per [`PROBE_EVERY`] and closes the breaker when it answers
//! again. (On Lambda the probe runs while the instance serves requests, which is exactly when it
//! matters.)

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often a store known to be down is probed.
pub const PROBE_EVERY: Duration = Duration::from_millis(500);

/// Why a guarded call did not return the store's own answer.
#[derive(Debug)]
pub enum Failure<E> {
    /// The store is known to be down; the call was not attempted.
    Open,
    /// The store did not answer within the deadline.
    Deadline(Duration),
    /// The store's client returned this error.
    Store(E),
}

/// One round trip to the store that succeeds only when it is back.
pub type Probe = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

pub struct Breaker {
    state: Arc<State>,
    /// Set while a missed deadline is being checked ([`Self::confirming`]).
    suspect: Option<Arc<AtomicBool>>,
}

/// What the breaker and its probe tasks share.
struct State {
    store: &'static str,
    deadline: Duration,
    open: AtomicBool,
    probe: Probe,
}

impl Breaker {
    pub fn new(store: &'static str, deadline: Duration, probe: Probe) -> Self {
        Self {
            state: Arc::new(State {
                store,
                deadline,
                open: AtomicBool::new(false),
                probe,
            }),
            suspect: None,
        }
    }

    /// A breaker that opens on a missed deadline only when a probe, sent at once, misses too. For
    /// a store reached through a pool of connections, where a call also waits for a free
    /// connection: a busy instance then misses deadlines on a database that answers, and
    /// opening at each miss would turn load into refusals. A refused connection still opens it
    /// at once.
    pub fn confirming(store: &'static str, deadline: Duration, probe: Probe) -> Self {
        Self {
            suspect: Some(Arc::default()),
            ..Self::new(store, deadline, probe)
        }
    }

    /// Whether calls are currently being skipped.
    pub fn is_open(&self) -> bool {
        self.state.open.load(Ordering::Acquire)
    }

    /// Runs `op` within the deadline unless the breaker is open. `outage` tells a store error that
    /// means "unreachable" (which opens the breaker) from one the store answered with.
    pub async fn run<T, E>(
        &self,
        op: impl Future<Output = Result<T, E>>,
        outage: impl Fn(&E) -> bool,
    ) -> Result<T, Failure<E>> {
        if self.is_open() {
            return Err(Failure::Open);
        }
        let deadline = self.state.deadline;
        match tokio::time::timeout(deadline, op).await {
            Err(_) => {
                match &self.suspect {
                    Some(suspect) => self.confirm(suspect),
                    None => self.state.clone().trip("no answer within the deadline"),
                }
                Err(Failure::Deadline(deadline))
            }
            Ok(Err(e)) if outage(&e) => {
                self.state.clone().trip("unreachable");
                Err(Failure::Store(e))
            }
            Ok(answered) => answered.map_err(Failure::Store),
        }
    }

    /// Probes at once after a missed deadline (one probe at a time) and opens the breaker only
    /// when the probe gets no answer within [`PROBE_EVERY`] either.
    fn confirm(&self, suspect: &Arc<AtomicBool>) {
        if self.is_open() || suspect.swap(true, Ordering::AcqRel) {
            return;
        }
        let (suspect, state) = (suspect.clone(), self.state.clone());
        tokio::spawn(async move {
            if !matches!(
                tokio::time::timeout(PROBE_EVERY, (state.probe)()).await,
                Ok(true)
            ) {
                state.trip("no answer within the deadline, nor to a probe");
            }
            suspect.store(false, Ordering::Release);
        });
    }
}

impl State {
    /// Opens the breaker and, when this call is the one that opened it, starts the probe that
    /// closes it again.
    fn trip(self: Arc<Self>, why: &'static str) {
        if self.open.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::warn!(
            store = self.store,
            why,
            "store down: skipping it until a probe answers"
        );
        // The first probe goes at once: a call can miss its deadline on a store that is up (a
        // starved CPU, one slow command), and such a false alarm then lasts one round trip
        // instead of a probe period, during which every call would skip a working store.
        // Probes start every PROBE_EVERY, however long the last one waited for an answer.
        tokio::spawn(async move {
            loop {
                let next = tokio::time::Instant::now() + PROBE_EVERY;
                let patience = self.deadline.max(PROBE_EVERY);
                if let Ok(true) = tokio::time::timeout(patience, (self.probe)()).await {
                    self.open.store(false, Ordering::Release);
                    tracing::info!(store = self.store, "store back: using it again");
                    return;
                }
                tokio::time::sleep_until(next).await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    fn probe_answering_after(failures: usize) -> (Probe, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let probe: Probe = Arc::new(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move { n >= failures })
        });
        (probe, calls)
    }

    #[tokio::test]
    async fn an_outage_opens_the_breaker_and_the_probe_closes_it() {
        let (probe, probes) = probe_answering_after(2);
        let b = Breaker::new("test", Duration::from_millis(50), probe);
        let hung = b.run(std::future::pending::<Result<(), &str>>(), |_| true);
        assert!(matches!(hung.await, Err(Failure::Deadline(_))));
        assert!(b.is_open());
        let polled = AtomicBool::new(false);
        let skipped = b.run(
            async {
                polled.store(true, Ordering::SeqCst);
                Ok::<_, &str>(())
            },
            |_| true,
        );
        assert!(matches!(skipped.await, Err(Failure::Open)));
        assert!(
            !polled.load(Ordering::SeqCst),
            "a skipped call never starts"
        );
        // Probes at once, at 0.5 and at 1 s; the third answers.
        tokio::time::sleep(PROBE_EVERY * 2 + PROBE_EVERY / 2).await;
        assert_eq!(probes.load(Ordering::SeqCst), 3, "probed until it answered");
        assert!(!b.is_open());
        assert!(matches!(
            b.run(async { Ok::<_, &str>(7) }, |_| true).await,
            Ok(7)
        ));
    }

    #[tokio::test]
    async fn a_confirming_breaker_opens_only_when_the_probe_misses_too() {
        let (answering, _) = probe_answering_after(0);
        let busy = Breaker::confirming("test", Duration::from_millis(20), answering);
        let slow = busy.run(std::future::pending::<Result<(), &str>>(), |_| true);
        assert!(matches!(slow.await, Err(Failure::Deadline(_))));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!busy.is_open(), "the store answered the probe: only busy");

        let silent: Probe = Arc::new(|| Box::pin(std::future::pending()));
        let down = Breaker::confirming("test", Duration::from_millis(20), silent);
        let slow = down.run(std::future::pending::<Result<(), &str>>(), |_| true);
        assert!(matches!(slow.await, Err(Failure::Deadline(_))));
        assert!(!down.is_open(), "not before the probe has missed");
        tokio::time::sleep(PROBE_EVERY + PROBE_EVERY / 2).await;
        assert!(down.is_open());
        let refused = down.run(async { Ok::<_, &str>(1) }, |_| true).await;
        assert!(matches!(refused, Err(Failure::Open)));
    }

    #[tokio::test]
    async fn an_answered_error_is_no_outage() {
        let (probe, _) = probe_answering_after(usize::MAX);
        let b = Breaker::new("test", Duration::from_secs(1), probe);
        let answered = b.run(async { Err::<(), _>("WRONGTYPE") }, |_| false).await;
        assert!(matches!(answered, Err(Failure::Store("WRONGTYPE"))));
        assert!(!b.is_open());
        let down = b.run(async { Err::<(), _>("refused") }, |_| true).await;
        assert!(matches!(down, Err(Failure::Store("refused"))));
        assert!(b.is_open());
    }
}
