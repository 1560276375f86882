//! Running jobs: one try of one job ([`run_job`]), the in-process worker of `opbx-local`
//! ([`run_local`]) and the body of the `jobs-worker` Lambda ([`run_batch`]).

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::Semaphore;

use super::{JobError, JobPolicy, dispatch, extension_sync, provisioning, reconcile, voicemail};
use crate::app::AppState;
use crate::domain::ids::JobId;
use crate::domain::now_ms;
use crate::ports::jobs::{Delivery, JobOutcome, JobPayload, JobStore};
use crate::ports::store::StoreResult;

/// How a job's try ended well.
pub(super) enum Handled {
    Done(Option<Value>),
    /// More to do (provisioning past its budget): run again at once, from `progress`.
    Continue(Value),
}

/// Jobs one `opbx-local` runs at once: a long provisioning run must not hold up extension syncs.
const LOCAL_CONCURRENCY: usize = 4;
/// How often `opbx-local` sweeps (and once at start, which is how jobs survive a restart).
const LOCAL_SWEEP_EVERY: Duration = Duration::from_secs(30);

/// One try of job `id`, if it is due and nobody else runs it (a duplicate delivery does nothing).
/// `Err` only when the store failed, so the outcome could not be recorded: the message should be
/// delivered again.
pub async fn run_job(state: &AppState, id: JobId) -> StoreResult<()> {
    let policy = state.job_policy;
    let Some(job) = state.store.claim_job(id, policy.lease, now_ms()).await? else {
        return Ok(());
    };
    let result = match &job.payload {
        JobPayload::SyncExtension { extension_id } => {
            extension_sync::sync(state, &job, *extension_id).await
        }
        JobPayload::DeleteSubscriber {
            extension_id,
            number,
            subscriber_id,
        } => {
            let subscriber = subscriber_id.as_deref();
            extension_sync::delete(state, &job, *extension_id, number, subscriber).await
        }
        JobPayload::Provision => provisioning::run(state, &job).await,
        JobPayload::ExpireWebhookKey => provisioning::expire_previous_key(state, &job).await,
        JobPayload::SyncDomain => provisioning::sync_domain(state, &job).await,
        JobPayload::Reconcile => reconcile::run(state, &job).await,
        JobPayload::CopyVoicemail { voicemail_id } => {
            voicemail::copy(state, &job, *voicemail_id).await
        }
    };
    let outcome = match result {
        Ok(Handled::Done(progress)) => JobOutcome::Done { progress },
        Ok(Handled::Continue(progress)) => JobOutcome::Continue { progress },
        Err(e) if e.retryable && job.attempts < policy.max_attempts => JobOutcome::Retry {
            run_after: now_ms() + millis(backoff(&policy, job.attempts, &e)),
            error: e.message,
        },
        Err(e) => {
            tracing::warn!(job = %id, kind = job.payload.kind().as_str(), error = %e.message, "job failed");
            JobOutcome::Failed { error: e.message }
        }
    };
    let result = match &outcome {
        JobOutcome::Done { .. } | JobOutcome::Continue { .. } => "done",
        JobOutcome::Retry { .. } => "retry",
        JobOutcome::Failed { .. } => "failed",
    };
    crate::observe::metrics::count(
        crate::observe::metrics::Metric::Jobs,
        vec![
            ("kind", job.payload.kind().as_str().into()),
            ("result", result.into()),
        ],
    );
    state.store.finish_job(id, &outcome, now_ms()).await?;
    let again = match &outcome {
        JobOutcome::Retry { run_after, .. } => Some(*run_after),
        JobOutcome::Continue { .. } => Some(now_ms()),
        JobOutcome::Done { .. } | JobOutcome::Failed { .. } => None,
    };
    if let Some(run_after) = again {
        let delay = Duration::from_millis(u64::try_from(run_after - now_ms()).unwrap_or(0));
        if let Err(e) = state.jobs.send(id, delay).await {
            tracing::warn!(error = %e, job = %id, "retry not queued; the sweeper will send it");
        }
    }
    Ok(())
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Exponential backoff with jitter (half fixed, half random, so a storm of failures spreads
/// out), never sooner than the failure asked.
fn backoff(policy: &JobPolicy, attempts: u32, error: &JobError) -> Duration {
    let exponent = attempts.saturating_sub(1).min(20);
    let full = policy
        .base_backoff
        .saturating_mul(1 << exponent)
        .min(policy.max_backoff);
    let mut byte = [0u8; 1];
    aws_lc_rs::rand::fill(&mut byte).expect("the system RNG works");
    let jittered = full / 2 + (full / 2).mul_f64(f64::from(byte[0]) / 255.0);
    jittered.max(error.not_before.unwrap_or_default())
}

/// `opbx-local`'s worker: sweeps at start and then periodically, and runs what the in-process
/// queue delivers, a few jobs at a time. Runs until the process ends.
pub async fn run_local(state: AppState) {
    let sweeper = state.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = dispatch::sweep(&sweeper).await {
                tracing::warn!(error = %e, "job sweep failed");
            }
            tokio::time::sleep(LOCAL_SWEEP_EVERY).await;
        }
    });
    let slots = Arc::new(Semaphore::new(LOCAL_CONCURRENCY));
    let visibility = state.job_policy.lease;
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        match state
            .jobs
            .receive(1, Duration::from_secs(20), visibility)
            .await
        {
            // One message per receive, so each running job holds one slot.
            Ok(deliveries) => {
                if let Some(delivery) = deliveries.into_iter().next() {
                    let state = state.clone();
                    tokio::spawn(async move {
                        deliver(&state, &delivery).await;
                        drop(permit);
                    });
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "job queue unavailable");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Runs the delivered job and acknowledges the message unless the outcome could not be
/// recorded (then the message comes back after its visibility timeout).
async fn deliver(state: &AppState, delivery: &Delivery) {
    match run_job(state, delivery.job).await {
        Ok(()) => {
            if let Err(e) = state.jobs.ack(delivery).await {
                tracing::warn!(error = %e, "job message not acknowledged; it will be delivered again, harmlessly");
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, job = %delivery.job, "job outcome not recorded; it will run again")
        }
    }
}

/// The `jobs-worker` Lambda's work on one batch of job ids (SQS message bodies, by message id):
/// answers the message ids whose job could not be run, for SQS's partial batch response. Those
/// come back after the visibility timeout and go to the dead-letter queue after the redrive
/// policy's count.
pub async fn run_batch(state: &AppState, messages: &[(String, String)]) -> Vec<String> {
    let mut failed = Vec::new();
    for (message_id, body) in messages {
        let Ok(job) = body.trim().parse::<JobId>() else {
            tracing::error!(message = %message_id, "a job message that is not a job id");
            failed.push(message_id.clone());
            continue;
        };
        if let Err(e) = run_job(state, job).await {
            tracing::warn!(error = %e, %job, "job outcome not recorded; SQS will deliver it again");
            failed.push(message_id.clone());
        }
    }
    failed
}
