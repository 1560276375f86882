//! Provisioning as a job: `POST …/settings/cloudonix/provision` answers at once with the job,
//! whose progress (`GET /api/v1/jobs/{id}`) is the provisioning report so far. A run stops
//! starting pages of subscribers after [`super::JobPolicy::provision_budget`] and the job
//! continues in a new run, so any number of extensions completes. Once the new webhook key is
//! promoted, a job ends the old key's grace period.

use std::time::Instant;

use async_trait::async_trait;

use super::JobError;
use super::dispatch::enqueue;
use super::extension_sync::paced;
use super::worker::Handled;
use crate::app::AppState;
use crate::cloudonix::provision::{
    ProvisionError, ProvisionProgress, ProvisionReport, ProvisionRequest, RunLimits, Scope,
    StepStatus, provision,
};
use crate::cloudonix::tokens::{self, open_sealed};
use crate::crypto::{SealedColumn, random_token};
use crate::domain::ids::{JobId, OrgId};
use crate::domain::now_ms;
use crate::http::webhooks::auth::forget_webhook_keys;
use crate::ports::cloudonix::{ApiKey, DomainCredentials};
use crate::ports::cloudonix_settings::{CloudonixSettingsRepo, WebhookKeyStaging};
use crate::ports::jobs::{Job, JobPayload, JobStore};
use crate::ports::store::StoreError;

/// The organization's domain and API key; `None` until both are saved.
pub(super) async fn domain_credentials(
    state: &AppState,
    org: OrgId,
) -> Result<Option<DomainCredentials>, JobError> {
    let settings = match state.store.find_cloudonix_settings(org).await {
        Ok(s) => s,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let (Some(domain), Some(sealed)) = (&settings.domain, &settings.api_key_enc) else {
        return Ok(None);
    };
    let key = state
        .secrets
        .open(SealedColumn::CLOUDONIX_API_KEY, &org.to_string(), sealed)
        .map_err(|_| {
            JobError::permanent(
                "the stored Cloudonix API key cannot be decrypted (was the encryption key \
                 changed?); enter it again",
            )
        })?;
    Ok(Some(DomainCredentials {
        domain: domain.clone(),
        api_key: ApiKey::new(key),
    }))
}

/// Saves the report so far as the job's progress.
struct JobProgress<'a> {
    state: &'a AppState,
    job: JobId,
}

#[async_trait]
impl ProvisionProgress for JobProgress<'_> {
    async fn progress(&self, report: &ProvisionReport) {
        let Ok(value) = serde_json::to_value(report) else {
            return;
        };
        if let Err(e) = self
            .state
            .store
            .save_job_progress(self.job, &value, now_ms())
            .await
        {
            tracing::warn!(error = %e, job = %self.job, "provisioning progress not saved");
        }
    }
}

/// What a run of `scope` for the job's organization pushes.
async fn request(state: &AppState, job: &Job, scope: Scope) -> Result<ProvisionRequest, JobError> {
    let org = super::org_of(job)?;
    let public_url = state.public_url.as_deref().ok_or_else(|| {
        JobError::permanent("this deployment does not know its public address (OPBX_PUBLIC_URL)")
    })?;
    let credentials = domain_credentials(state, org)
        .await?
        .ok_or_else(|| JobError::permanent("save the Cloudonix domain and API key first"))?;
    let settings = state.store.find_cloudonix_settings(org).await?;
    // A staged key may already be with Cloudonix (an earlier run's push whose answer was lost):
    // pushing the same one again keeps it valid whichever way that went.
    let staged = state.store.staged_webhook_key(org).await?;
    let webhook_key = open_sealed(
        &state.secrets,
        &settings,
        SealedColumn::CLOUDONIX_STAGED_WEBHOOK_KEY,
        staged.as_deref(),
        "staged webhook key",
    )
    .unwrap_or_else(random_token);
    Ok(ProvisionRequest {
        organization_id: org,
        scope,
        credentials,
        public_url: public_url.to_owned(),
        webhook_key,
        key_grace: state.job_policy.key_grace,
        cdr_token: tokens::cdr_token(&state.secrets, &settings).unwrap_or_else(random_token),
        session_token: tokens::session_token(&state.secrets, &settings)
            .unwrap_or_else(random_token),
    })
}

fn run_error(e: ProvisionError) -> JobError {
    match e {
        ProvisionError::NotConfigured => JobError::permanent(e.to_string()),
        other => JobError::transient(other.to_string()),
    }
}

/// After a run made a new webhook key current: instances holding the replaced key as current
/// check it again; it stays accepted through its grace period, which a job ends.
async fn after_rotation(state: &AppState, org: OrgId) -> Result<(), JobError> {
    forget_webhook_keys(state, org).await;
    let grace_ms = i64::try_from(state.job_policy.key_grace.as_millis()).unwrap_or(0);
    let mut expire = Job::new(org, JobPayload::ExpireWebhookKey, now_ms());
    expire.run_after += grace_ms;
    enqueue(state, &expire, &[]).await?;
    Ok(())
}

/// One paced run of `request`, and what a rotated webhook key needs after it.
async fn push(
    state: &AppState,
    request: &ProvisionRequest,
    limits: RunLimits<'_>,
) -> Result<ProvisionReport, JobError> {
    let report = provision(
        &paced(state),
        &state.store,
        &*state.coordination,
        &state.secrets,
        request,
        limits,
    )
    .await
    .map_err(run_error)?;
    if report.key_rotated {
        after_rotation(state, request.organization_id).await?;
    }
    Ok(report)
}

pub(super) async fn run(state: &AppState, job: &Job) -> Result<Handled, JobError> {
    let request = request(state, job, Scope::Everything).await?;
    let resume = job
        .progress
        .clone()
        .and_then(|p| serde_json::from_value::<ProvisionReport>(p).ok())
        .filter(|r| r.next_page.is_some());
    let progress = JobProgress { state, job: job.id };
    let limits = RunLimits {
        resume,
        deadline: Some(Instant::now() + state.job_policy.provision_budget),
        progress: &progress,
    };
    let report = push(state, &request, limits).await?;
    let value = serde_json::to_value(&report).map_err(|e| JobError::permanent(e.to_string()))?;
    Ok(match report.next_page {
        Some(_) => Handled::Continue(value),
        None => Handled::Done(Some(value)),
    })
}

/// Pushes the organization's Cloudonix settings to its domain (voice application, default
/// application, profile). A step Cloudonix failed fails the try, so the job is retried and, in
/// the end, shows the reason.
pub(super) async fn sync_domain(state: &AppState, job: &Job) -> Result<Handled, JobError> {
    let org = super::org_of(job)?;
    if domain_credentials(state, org).await?.is_none() {
        return Ok(Handled::Done(None));
    }
    let request = request(state, job, Scope::Domain).await?;
    let report = push(state, &request, RunLimits::whole()).await?;
    if let Some(failed) = report.steps.iter().find(|s| s.status == StepStatus::Failed) {
        let step = serde_json::to_value(failed.step).unwrap_or_default();
        let reason = failed.detail.as_deref().unwrap_or("failed");
        return Err(JobError::transient(format!(
            "{}: {reason}",
            step.as_str().unwrap_or_default()
        )));
    }
    let value = serde_json::to_value(&report).map_err(|e| JobError::permanent(e.to_string()))?;
    Ok(Handled::Done(Some(value)))
}

/// Ends the grace period of the webhook key provisioning replaced.
pub(super) async fn expire_previous_key(state: &AppState, job: &Job) -> Result<Handled, JobError> {
    let org = super::org_of(job)?;
    if state
        .store
        .expire_previous_webhook_key(org, now_ms())
        .await?
    {
        forget_webhook_keys(state, org).await;
    }
    Ok(Handled::Done(None))
}
