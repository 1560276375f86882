//! The retention purge, a job of the purge schedule ([`super::schedule`]): removes what outlived
//! its retention and reports what went (the job's result, and a log line).
//!
//! | what | kept | setting |
//! |---|---|---|
//! | a deleted organization, with all its data | from its deletion | `OPBX_ORGANIZATION_RETENTION_DAYS` |
//! | a call's trace (the call log stays) | from the call's start | `OPBX_CALL_TRACE_RETENTION_DAYS`, applied when the trace is written |
//! | invitations and password-reset links | until they expire; a used reset link not at all | — |
//! | finished jobs (done or failed) | from their end, except an extension's newest sync job | `OPBX_JOB_RETENTION_DAYS` |
//!
//! Every statement but the organizations' own removal is of one organization: the purge visits
//! each in turn.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::JobError;
use super::worker::Handled;
use crate::adapters::sql::SqlStore;
use crate::app::AppState;
use crate::domain::ids::OrgId;
use crate::domain::now_ms;
use crate::ports::call_logs::CallLogRepo;
use crate::ports::platform::PlatformRepo;
use crate::ports::retention::RetentionRepo;
use crate::ports::store::StoreResult;

/// The retention periods the purge applies (the traces' is applied when they are written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub organizations: Duration,
    pub jobs: Duration,
}

/// What one organization's purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    /// Calls whose trace was cleared.
    pub call_traces: u64,
    /// Expired invitations and password-reset links, and used reset links.
    pub account_links: u64,
    /// Finished jobs.
    pub jobs: u64,
}

impl Removed {
    fn add(&mut self, other: Self) {
        self.call_traces += other.call_traces;
        self.account_links += other.account_links;
        self.jobs += other.jobs;
    }
}

/// What a purge removed: the job's result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeReport {
    /// Deleted organizations past their retention, removed with all their data.
    pub organizations: Vec<OrgId>,
    /// Across the remaining organizations (and the platform's own finished jobs).
    #[serde(flatten)]
    pub removed: Removed,
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Removes the organization's rows whose retention has passed by `now`.
pub async fn purge_organization(
    store: &SqlStore,
    org: OrgId,
    retention: Retention,
    now: i64,
) -> StoreResult<Removed> {
    Ok(Removed {
        call_traces: store.prune_call_traces(org, now).await?,
        account_links: store.purge_account_links(org, now).await?,
        jobs: store
            .purge_finished_jobs(Some(org), now - millis(retention.jobs))
            .await?,
    })
}

/// Purges everything due at `now`, deleted organizations first (their rows go with them).
pub async fn purge_due(
    store: &SqlStore,
    retention: Retention,
    now: i64,
) -> StoreResult<PurgeReport> {
    let organizations = store
        .purge_deleted_organizations(now - millis(retention.organizations), now)
        .await?;
    for org in &organizations {
        tracing::info!(%org, "deleted organization purged after its retention");
    }
    let mut removed = Removed {
        jobs: store
            .purge_finished_jobs(None, now - millis(retention.jobs))
            .await?,
        ..Removed::default()
    };
    for org in store.organization_ids().await? {
        removed.add(purge_organization(store, org, retention, now).await?);
    }
    tracing::info!(
        organizations = organizations.len(),
        call_traces = removed.call_traces,
        account_links = removed.account_links,
        jobs = removed.jobs,
        "retention purge done"
    );
    Ok(PurgeReport {
        organizations,
        removed,
    })
}

/// The purge job: a failure is retried (each removal is idempotent).
pub(super) async fn run(state: &AppState) -> Result<Handled, JobError> {
    let retention = Retention {
        organizations: state.organization_retention,
        jobs: state.job_retention,
    };
    let report = purge_due(&state.store, retention, now_ms()).await?;
    let value = serde_json::to_value(&report).map_err(|e| JobError::permanent(e.to_string()))?;
    Ok(Handled::Done(Some(value)))
}
