//! Handing jobs from the outbox to the queue. A write commits its jobs, then the request calls
//! [`dispatch_org`]; should the process die in between, or the queue refuse, the sweeper
//! ([`sweep`], on a schedule) hands them over later. Sending twice is harmless: a job is claimed
//! before it runs.

use std::time::Duration;

use crate::app::AppState;
use crate::domain::ids::{JobId, OrgId};
use crate::domain::model::AuditEntry;
use crate::domain::now_ms;
use crate::ports::jobs::{Job, JobStore, Undelivered};
use crate::ports::store::StoreResult;

/// Jobs handed over per sweep; the rest wait for the next one.
const SWEEP_BATCH: u32 = 500;

/// Records `job` on its own (with the `audit` entries of the request that asked for it) and
/// hands it to the queue.
pub async fn enqueue(state: &AppState, job: &Job, audit: &[AuditEntry]) -> StoreResult<()> {
    state.store.insert_job(job, audit).await?;
    hand_over(
        state,
        &[Undelivered {
            id: job.id,
            run_after: job.run_after,
        }],
    )
    .await;
    Ok(())
}

/// Hands the organization's undelivered jobs to the queue: right after a write committed them.
/// Never fails the request that called it: what is not handed over now, the sweeper hands over.
pub async fn dispatch_org(state: &AppState, org: OrgId) {
    let policy = state.job_policy;
    match state
        .store
        .undelivered_jobs(Some(org), policy.overdue, now_ms(), SWEEP_BATCH)
        .await
    {
        Ok(jobs) => hand_over(state, &jobs).await,
        Err(e) => tracing::warn!(error = %e, %org, "jobs not dispatched; the sweeper will"),
    }
}

/// Hands every undelivered job to the queue: jobs never handed over, pending ones whose message
/// was lost, and running ones whose worker died. Answers how many.
pub async fn sweep(state: &AppState) -> StoreResult<usize> {
    let jobs = state
        .store
        .undelivered_jobs(None, state.job_policy.overdue, now_ms(), SWEEP_BATCH)
        .await?;
    hand_over(state, &jobs).await;
    Ok(jobs.len())
}

pub(super) async fn hand_over(state: &AppState, jobs: &[Undelivered]) {
    let now = now_ms();
    let mut sent: Vec<JobId> = Vec::with_capacity(jobs.len());
    for job in jobs {
        let delay = Duration::from_millis(u64::try_from(job.run_after - now).unwrap_or(0));
        match state.jobs.send(job.id, delay).await {
            Ok(()) => sent.push(job.id),
            Err(e) => {
                tracing::warn!(error = %e, job = %job.id, "job not handed to the queue; the sweeper will");
                break;
            }
        }
    }
    if let Err(e) = state.store.mark_dispatched(&sent, now).await {
        // They were sent: at worst the sweeper sends them again, which is harmless.
        tracing::warn!(error = %e, "jobs sent but not marked dispatched");
    }
}
