//! A circuit breaker per Cloudonix domain: after `failure_threshold` consecutive failed calls the
//! domain's calls are refused without being sent for `cool_down`; then one probe call is let
//! through, and its outcome closes the circuit or opens it again.
//!
//! Per domain, because Cloudonix rate-limits and fails per domain: one tenant's broken domain
//! (revoked key, 5xx storm) must not stop provisioning for the others. The state lives in the
//! process; a Lambda instance is one process, which is enough to stop a provisioning run or a
//! burst of admin requests from hammering an API that is down.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::ports::cloudonix::CloudonixError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerPolicy {
    pub failure_threshold: u32,
    pub cool_down: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        Self {
            failure_threshold: 5,
            cool_down: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
    },
    /// The cool-down is over and one probe call is under way.
    HalfOpen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Call,
    /// The one call allowed through after a cool-down; its outcome decides the state.
    Probe,
    Refuse {
        retry_in: Duration,
    },
}

#[derive(Debug, Clone)]
pub struct Breaker {
    policy: BreakerPolicy,
    state: BreakerState,
}

impl Breaker {
    pub fn new(policy: BreakerPolicy) -> Self {
        Self {
            policy,
            state: BreakerState::Closed { failures: 0 },
        }
    }

    pub fn state(&self) -> BreakerState {
        self.state
    }

    pub fn admit(&mut self, now: Instant) -> Admission {
        match self.state {
            BreakerState::Closed { .. } => Admission::Call,
            BreakerState::Open { until } if now >= until => {
                self.state = BreakerState::HalfOpen;
                Admission::Probe
            }
            BreakerState::Open { until } => Admission::Refuse {
                retry_in: until - now,
            },
            // The probe has not answered yet; until it does, nobody else can be told more.
            BreakerState::HalfOpen => Admission::Refuse {
                retry_in: self.policy.cool_down,
            },
        }
    }

    /// The outcome of a call admitted as `admission`.
    pub fn record(&mut self, admission: Admission, success: bool, now: Instant) {
        let reopen = BreakerState::Open {
            until: now + self.policy.cool_down,
        };
        self.state = match (admission, success, self.state) {
            (Admission::Probe, true, _) => BreakerState::Closed { failures: 0 },
            (Admission::Probe, false, _) => reopen,
            (Admission::Call, true, BreakerState::Closed { .. }) => {
                BreakerState::Closed { failures: 0 }
            }
            (Admission::Call, false, BreakerState::Closed { failures }) => {
                if failures + 1 >= self.policy.failure_threshold {
                    reopen
                } else {
                    BreakerState::Closed {
                        failures: failures + 1,
                    }
                }
            }
            // A call admitted before the circuit opened says nothing about the probe's outcome.
            (_, _, state) => state,
        };
    }
}

/// The breakers of every domain this process has called, keyed by lower-cased domain.
pub struct Breakers {
    policy: BreakerPolicy,
    by_domain: Mutex<HashMap<String, Breaker>>,
}

impl Breakers {
    pub fn new(policy: BreakerPolicy) -> Self {
        Self {
            policy,
            by_domain: Mutex::new(HashMap::new()),
        }
    }

    /// Permission to call `domain`, or `CircuitOpen` with nothing sent.
    pub fn admit(&self, domain: &str) -> Result<Pass<'_>, CloudonixError> {
        let key = domain.to_ascii_lowercase();
        let admission = self.with(&key, |b| b.admit(Instant::now()));
        match admission {
            Admission::Refuse { retry_in } => Err(CloudonixError::CircuitOpen { retry_in }),
            Admission::Probe => {
                tracing::info!(domain = %key, "Cloudonix circuit half-open: sending one probe");
                Ok(Pass::new(self, key, admission))
            }
            Admission::Call => Ok(Pass::new(self, key, admission)),
        }
    }

    pub fn state(&self, domain: &str) -> BreakerState {
        let key = domain.to_ascii_lowercase();
        self.with(&key, |b| b.state())
    }

    fn with<T>(&self, key: &str, f: impl FnOnce(&mut Breaker) -> T) -> T {
        // A panic while holding the lock cannot leave a breaker half-updated (each update is one
        // assignment), so a poisoned map is still consistent.
        let mut map = self.by_domain.lock().unwrap_or_else(|e| e.into_inner());
        let breaker = map
            .entry(key.to_owned())
            .or_insert_with(|| Breaker::new(self.policy));
        f(breaker)
    }

    fn record(&self, key: &str, admission: Admission, success: bool) {
        self.with(key, |b| {
            let was_open = matches!(b.state(), BreakerState::Open { .. });
            b.record(admission, success, Instant::now());
            match (was_open, b.state()) {
                (false, BreakerState::Open { .. }) => {
                    tracing::warn!(domain = %key, "Cloudonix circuit opened after repeated failures")
                }
                (_, BreakerState::Closed { .. }) if admission == Admission::Probe => {
                    tracing::info!(domain = %key, "Cloudonix circuit closed: probe succeeded")
                }
                _ => {}
            }
        });
    }
}

/// One admitted call. Report its outcome with [`Pass::finish`]; a pass dropped unfinished (the
/// caller gave up) counts as a failed probe, so a half-open circuit cannot stay half-open forever.
pub struct Pass<'a> {
    breakers: &'a Breakers,
    key: String,
    admission: Admission,
    finished: bool,
}

impl<'a> Pass<'a> {
    fn new(breakers: &'a Breakers, key: String, admission: Admission) -> Self {
        Self {
            breakers,
            key,
            admission,
            finished: false,
        }
    }

    pub fn finish(mut self, success: bool) {
        self.finished = true;
        self.breakers.record(&self.key, self.admission, success);
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        if !self.finished && self.admission == Admission::Probe {
            self.breakers.record(&self.key, self.admission, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: BreakerPolicy = BreakerPolicy {
        failure_threshold: 3,
        cool_down: Duration::from_secs(10),
    };

    #[test]
    fn opens_after_consecutive_failures_only() {
        let t0 = Instant::now();
        let mut b = Breaker::new(POLICY);
        b.record(Admission::Call, false, t0);
        b.record(Admission::Call, false, t0);
        b.record(Admission::Call, true, t0);
        assert_eq!(b.state(), BreakerState::Closed { failures: 0 });
        for _ in 0..3 {
            assert_eq!(b.admit(t0), Admission::Call);
            b.record(Admission::Call, false, t0);
        }
        assert_eq!(
            b.admit(t0 + Duration::from_secs(4)),
            Admission::Refuse {
                retry_in: Duration::from_secs(6)
            }
        );
    }

    #[test]
    fn one_probe_after_the_cool_down_decides() {
        let t0 = Instant::now();
        let mut b = Breaker::new(POLICY);
        for _ in 0..3 {
            b.record(Admission::Call, false, t0);
        }
        let later = t0 + Duration::from_secs(10);
        assert_eq!(b.admit(later), Admission::Probe);
        assert!(matches!(b.admit(later), Admission::Refuse { .. }));
        b.record(Admission::Probe, false, later);
        assert_eq!(
            b.state(),
            BreakerState::Open {
                until: later + POLICY.cool_down
            }
        );

        let much_later = later + Duration::from_secs(10);
        assert_eq!(b.admit(much_later), Admission::Probe);
        b.record(Admission::Probe, true, much_later);
        assert_eq!(b.state(), BreakerState::Closed { failures: 0 });
        assert_eq!(b.admit(much_later), Admission::Call);
    }

    #[test]
    fn a_late_call_does_not_override_the_probe() {
        let t0 = Instant::now();
        let mut b = Breaker::new(POLICY);
        for _ in 0..3 {
            b.record(Admission::Call, false, t0);
        }
        let later = t0 + Duration::from_secs(10);
        assert_eq!(b.admit(later), Admission::Probe);
        b.record(Admission::Call, true, later);
        assert_eq!(b.state(), BreakerState::HalfOpen);
    }

    #[test]
    fn domains_have_separate_circuits_and_abandoned_probes_reopen() {
        let breakers = Breakers::new(BreakerPolicy {
            failure_threshold: 1,
            cool_down: Duration::ZERO,
        });
        breakers.admit("a.example").unwrap().finish(false);
        assert!(matches!(
            breakers.state("A.example"),
            BreakerState::Open { .. }
        ));
        assert_eq!(
            breakers.state("b.example"),
            BreakerState::Closed { failures: 0 }
        );
        let probe = breakers.admit("a.example").unwrap();
        assert_eq!(breakers.state("a.example"), BreakerState::HalfOpen);
        drop(probe);
        assert!(matches!(
            breakers.state("a.example"),
            BreakerState::Open { .. }
        ));
    }
}
