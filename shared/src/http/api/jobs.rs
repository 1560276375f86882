//! `/api/v1/jobs/{id}`: a background job's state (served by the `api-settings` function, whose
//! provisioning starts the longest ones). Extensions name their newest sync job
//! (`cloudonix_sync.job_id`); `POST …/retry` runs a failed job again from its first try.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::audit::{self, Change};
use super::caller::Caller;
use super::extract::Id;
use super::problem::ApiResult;
use super::time::UtcTime;
use crate::app::AppState;
use crate::cloudonix::provision::ProvisionReport;
use crate::domain::ids::JobId;
use crate::domain::model::Role;
use crate::domain::now_ms;
use crate::jobs::dispatch::dispatch_org;
use crate::jobs::reconcile::ReconcileReport;
use crate::ports::jobs::{Job, JobKind, JobState, JobStore};

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct JobView {
    pub id: JobId,
    pub kind: JobKind,
    pub state: JobState,
    /// Tries started so far.
    pub attempts: u32,
    /// Why the last try failed (also while a retry is pending).
    pub last_error: Option<String>,
    /// Not run before this (the next retry of a failed try).
    pub run_after: UtcTime,
    /// Provisioning jobs: the report of every step so far, `next_page` set while subscribers
    /// remain.
    pub report: Option<ProvisionReport>,
    /// Reconcile jobs: what was found out of step with Cloudonix and what was changed.
    pub reconcile: Option<ReconcileReport>,
    pub created_at: UtcTime,
    pub updated_at: UtcTime,
}

impl From<&Job> for JobView {
    fn from(job: &Job) -> Self {
        Self {
            id: job.id,
            kind: job.payload.kind(),
            state: job.state,
            attempts: job.attempts,
            last_error: job.last_error.clone(),
            run_after: UtcTime(job.run_after),
            report: job
                .progress
                .clone()
                .filter(|_| job.payload.kind() != JobKind::Reconcile)
                .and_then(|p| serde_json::from_value(p).ok()),
            reconcile: job
                .progress
                .clone()
                .filter(|_| job.payload.kind() == JobKind::Reconcile)
                .and_then(|p| serde_json::from_value(p).ok()),
            created_at: UtcTime(job.created_at),
            updated_at: UtcTime(job.updated_at),
        }
    }
}

/// One background job of the organization (PBX admins and owners).
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{id}",
    tag = "jobs",
    params(("id" = JobId, Path)),
    responses((status = 200, body = JobView))
)]
pub async fn get_job(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<JobId>,
) -> ApiResult<Json<JobView>> {
    caller.require(Role::PbxAdmin)?;
    let job = state.store.find_job(caller.org(), id).await?;
    Ok(Json(JobView::from(&job)))
}

/// Run a failed job again from its first try (provisioning: owners only). 404 unless the job
/// failed.
#[utoipa::path(
    post,
    path = "/api/v1/jobs/{id}/retry",
    tag = "jobs",
    params(("id" = JobId, Path)),
    responses((status = 202, body = JobView))
)]
pub async fn retry_job(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<JobId>,
) -> ApiResult<(StatusCode, Json<JobView>)> {
    caller.require(Role::PbxAdmin)?;
    let org = caller.org();
    let job = state.store.find_job(org, id).await?;
    if job.payload.kind() == JobKind::Provision {
        caller.require(Role::Owner)?;
    }
    let retried = Change::action("retry", "job", Some(id.to_string()));
    let entry = audit::entry((&caller).into(), retried);
    state.store.retry_job(org, id, now_ms(), &[entry]).await?;
    dispatch_org(&state, org).await;
    audit::invalidate(&state, org).await;
    let job = state.store.find_job(org, id).await?;
    Ok((StatusCode::ACCEPTED, Json(JobView::from(&job))))
}
