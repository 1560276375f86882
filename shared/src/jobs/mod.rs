//! Background jobs (issue 13): what runs after a change, outside the request that made it, and
//! after a call (copying a voicemail message's audio, issue 15).
//!
//! A job is a row of the `jobs` table (the outbox, written with the change), handed to a queue
//! by [`dispatch`] and run by [`worker`]: the `jobs-worker` Lambda on SQS, or a task of
//! `opbx-local` on the in-process queue. Jobs are idempotent (they read the current state of what
//! they sync), retried with backoff and jitter, and end `failed` with the reason after
//! [`JobPolicy::max_attempts`] tries; `POST /api/v1/jobs/{id}/retry` runs a failed one again.

pub mod dispatch;
mod extension_sync;
mod failure;
pub mod pacing;
mod provisioning;
pub mod reconcile;
mod voicemail;
pub mod worker;

use std::time::Duration;

pub use failure::JobError;

/// How jobs are run; the defaults suit production, tests shorten the waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobPolicy {
    /// Tries before a job is marked failed.
    pub max_attempts: u32,
    /// The wait after the first failed try; doubled each try, with jitter, up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// How long a claimed job is its worker's; a job still running after it was abandoned (the
    /// worker died) and is run again. Longer than any run (see `provision_budget`).
    pub lease: Duration,
    /// A provisioning run starts no new page of subscribers after this long and continues in a
    /// new run of the job (Lambda runs at most 15 minutes).
    pub provision_budget: Duration,
    /// How long a replaced webhook key keeps working (README "Cloudonix sync").
    pub key_grace: Duration,
    /// A pending job this overdue lost its message; the sweeper sends it again.
    pub overdue: Duration,
    /// Cloudonix requests per domain per window ([`pacing`]).
    pub pace: pacing::Pace,
    /// When a domain's background calls pause for every worker ([`pacing`]).
    pub circuit: crate::ports::coordination::CircuitPolicy,
}

impl Default for JobPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            base_backoff: Duration::from_secs(5),
            max_backoff: crate::ports::jobs::MAX_DELAY,
            lease: Duration::from_secs(14 * 60),
            provision_budget: Duration::from_secs(10 * 60),
            key_grace: Duration::from_secs(10 * 60),
            overdue: Duration::from_secs(5 * 60),
            pace: pacing::Pace::CLOUDONIX,
            circuit: pacing::CLOUDONIX_CIRCUIT,
        }
    }
}
