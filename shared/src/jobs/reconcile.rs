//! The periodic reconcile: compares an organization with its Cloudonix domain and repairs what
//! drifted — a subscriber deleted or changed in the cockpit, one a failed job left behind, a
//! domain profile or default application edited by hand — and reports what it changed (the
//! job's `reconcile`, and the log).
//!
//! Ownership: OpBX deletes only subscribers it created for this organization (their profile's
//! `opbx-organization`, written at creation) that no extension links or numbers. Subscribers
//! created elsewhere are reported as `foreign` and left alone, whatever their number.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::JobError;
use super::dispatch::enqueue;
use super::extension_sync::{lock, paced, place, unlock};
use super::provisioning::domain_credentials;
use super::worker::Handled;
use crate::app::AppState;
use crate::cloudonix::tokens;
use crate::cloudonix::urls::WebhookUrls;
use crate::crypto::sha256_hex;
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::JobId;
use crate::domain::model::{Extension, Status};
use crate::domain::now_ms;
use crate::ports::cloudonix::{
    CloudonixDomains, CloudonixError, CloudonixSubscribers, DomainCredentials, Subscriber,
};
use crate::ports::cloudonix_settings::CloudonixSettingsRepo;
use crate::ports::extensions::ExtensionRepo;
use crate::ports::jobs::{Job, JobPayload, JobStore, SyncState};
use crate::ports::store::{ListFilter, PageRequest, StoreError};

/// What one reconcile found and changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReconcileReport {
    /// Extensions whose subscriber was missing, in the wrong state or not linked, placed again.
    pub repaired: Vec<String>,
    /// Subscribers OpBX created for this organization that no extension has any more, deleted.
    pub deleted: Vec<String>,
    /// Subscribers OpBX did not create that no extension has: left alone.
    pub foreign: Vec<String>,
    /// Repairs that failed, as `number: reason`.
    pub failed: Vec<String>,
    /// The job started to bring the domain's default application and profile back in line
    /// with the settings, when they had drifted.
    pub domain_sync_job: Option<JobId>,
}

pub(super) async fn run(state: &AppState, job: &Job) -> Result<Handled, JobError> {
    let org = super::org_of(job)?;
    let Some(creds) = domain_credentials(state, org).await? else {
        return Ok(Handled::Done(None));
    };
    let api = paced(state);
    let subscribers = api.list_subscribers(&creds).await?;
    let extensions = all_extensions(state, job).await?;
    let mut report = ReconcileReport::default();

    let by_id: HashMap<&str, &Subscriber> =
        subscribers.iter().map(|s| (s.id.as_str(), s)).collect();
    let by_msisdn: HashMap<&str, &Subscriber> =
        subscribers.iter().map(|s| (s.msisdn.as_str(), s)).collect();
    for ext in &extensions {
        let linked = ext.cloudonix_subscriber_id.as_deref();
        let found = linked
            .and_then(|id| by_id.get(id))
            .or_else(|| by_msisdn.get(ext.number.as_str()));
        let active = ext.status == Status::Active;
        let in_step = match found {
            Some(sub) => {
                sub.msisdn == ext.number.as_str()
                    && sub.active == active
                    && linked == Some(sub.id.as_str())
            }
            None => !active && linked.is_none(),
        };
        if !in_step {
            match repair(state, job, &creds, ext).await {
                Ok(()) => report.repaired.push(ext.number.as_str().to_owned()),
                Err(e) => report
                    .failed
                    .push(format!("{}: {}", ext.number.as_str(), e.message)),
            }
        }
    }

    let linked: HashSet<&str> = extensions
        .iter()
        .filter_map(|e| e.cloudonix_subscriber_id.as_deref())
        .collect();
    let numbers: HashSet<&str> = extensions.iter().map(|e| e.number.as_str()).collect();
    let owner = org.to_string();
    for sub in &subscribers {
        if linked.contains(sub.id.as_str()) || numbers.contains(sub.msisdn.as_str()) {
            continue;
        }
        if sub.owner.as_deref() != Some(owner.as_str()) {
            report.foreign.push(sub.msisdn.clone());
            continue;
        }
        if numbered_since(state, job, &sub.msisdn).await? {
            continue;
        }
        match api.delete_subscriber(&creds, &sub.id).await {
            Ok(()) | Err(CloudonixError::NotFound) => report.deleted.push(sub.msisdn.clone()),
            Err(e) => report.failed.push(format!("{}: {e}", sub.msisdn)),
        }
    }

    if domain_drifted(state, job, &creds).await? {
        let sync = Job::new(org, JobPayload::SyncDomain, now_ms());
        enqueue(state, &sync, &[]).await?;
        report.domain_sync_job = Some(sync.id);
    }
    tracing::info!(
        %org,
        repaired = ?report.repaired,
        deleted = ?report.deleted,
        foreign = report.foreign.len(),
        failed = ?report.failed,
        domain_sync_job = ?report.domain_sync_job,
        "Cloudonix reconciled"
    );
    let value = serde_json::to_value(&report).map_err(|e| JobError::permanent(e.to_string()))?;
    Ok(Handled::Done(Some(value)))
}

async fn all_extensions(state: &AppState, job: &Job) -> Result<Vec<Extension>, JobError> {
    let org = super::org_of(job)?;
    let mut all = Vec::new();
    for page in 1.. {
        let request = PageRequest::new(page, PageRequest::MAX_PER_PAGE);
        let found = state
            .store
            .list_extensions(org, &ListFilter::default(), request)
            .await?;
        let done =
            found.items.is_empty() || i64::from(page) * i64::from(request.per_page) >= found.total;
        all.extend(found.items);
        if done {
            break;
        }
    }
    Ok(all)
}

/// Whether an extension took the number since the list was read: then the subscriber is its.
async fn numbered_since(state: &AppState, job: &Job, msisdn: &str) -> Result<bool, JobError> {
    let Ok(number) = ExtensionNumber::parse(msisdn) else {
        return Ok(false);
    };
    match state
        .store
        .find_extension_by_number(super::org_of(job)?, &number)
        .await
    {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Places the extension's subscriber as its sync would, under the extension's lock.
async fn repair(
    state: &AppState,
    job: &Job,
    creds: &DomainCredentials,
    ext: &Extension,
) -> Result<(), JobError> {
    let org = super::org_of(job)?;
    let guard = lock(state, ext.id).await?;
    let result = async {
        // Read again under the lock: an edit or a sync may have come in meanwhile.
        let ext = state.store.find_extension(org, ext.id).await?;
        place(state, creds, &ext).await?;
        state
            .store
            .set_extension_sync(org, ext.id, None, SyncState::Synced, None)
            .await?;
        Ok(())
    }
    .await;
    unlock(state, guard).await;
    result
}

/// Whether the domain's default application or OpBX's profile properties differ from what the
/// settings say (the voice application's URL cannot be read back; a sync rewrites it anyway).
async fn domain_drifted(
    state: &AppState,
    job: &Job,
    creds: &DomainCredentials,
) -> Result<bool, JobError> {
    let settings = state
        .store
        .find_cloudonix_settings(super::org_of(job)?)
        .await?;
    let (Some(public_url), Some(app), Some(cdr)) = (
        state.public_url.as_deref(),
        settings.voice_application_id.as_deref(),
        tokens::cdr_token(&state.secrets, &settings),
    ) else {
        return Ok(true);
    };
    let session = tokens::session_token(&state.secrets, &settings);
    let urls = WebhookUrls::new(public_url, &cdr, session.as_deref());
    let domain = paced(state).get_domain(creds).await?;
    let text = |key: &str| domain.profile.get(key).and_then(|v| v.as_str());
    let bearer_accepted = text("authorization-api-key")
        .is_some_and(|key| Some(sha256_hex(key)) == settings.webhook_key_hash);
    Ok(domain.default_application.as_deref() != Some(app)
        || text("cdr-endpoint") != Some(urls.cdr.as_str())
        || text("session-update-endpoint") != Some(urls.session_update.as_str())
        || !bearer_accepted)
}
