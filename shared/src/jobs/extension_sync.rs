//! Keeping each extension's Cloudonix subscriber in step with it. A sync job reads the extension
//! as it is when the job runs, so a late or repeated job pushes the newest state; jobs of one
//! extension take its lock, so two never create two subscribers. The subscriber link is written
//! only here and by provisioning, through `SubscriberLinkRepo`, never by an API edit.

use std::time::Duration;

use super::JobError;
use super::provisioning::domain_credentials;
use super::worker::Handled;
use crate::app::AppState;
use crate::cloudonix::subscribers::place_subscriber;
use crate::crypto::SealedColumn;
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::ExtensionId;
use crate::domain::model::Extension;
use crate::domain::model::Status;
use crate::jobs::pacing::Paced;
use crate::ports::cloudonix::{
    CloudonixError, CloudonixSubscribers, DomainCredentials, SubscriberSpec,
};
use crate::ports::coordination::LockGuard;
use crate::ports::extensions::ExtensionRepo;
use crate::ports::jobs::{Job, JobStore, SyncState};
use crate::ports::store::StoreError;
use crate::ports::subscriber_links::SubscriberLinkRepo;

/// Longer than one sync (a few paced requests).
const LOCK_TTL: Duration = Duration::from_secs(120);

pub(super) async fn lock(state: &AppState, ext: ExtensionId) -> Result<LockGuard, JobError> {
    state
        .coordination
        .try_lock(&format!("cloudonix-subscriber:{ext}"), LOCK_TTL)
        .await
        .map_err(|e| JobError::transient(e.to_string()))?
        .ok_or_else(|| JobError::transient("another sync of this extension is running"))
}

pub(super) async fn unlock(state: &AppState, guard: LockGuard) {
    // An unreleased lock lapses by its TTL.
    let _ = state.coordination.unlock(guard).await;
}

/// Creates, updates, renumbers or deactivates the extension's subscriber.
pub(super) async fn sync(
    state: &AppState,
    job: &Job,
    extension: ExtensionId,
) -> Result<Handled, JobError> {
    let org = super::org_of(job)?;
    let Some(creds) = domain_credentials(state, org).await? else {
        state
            .store
            .set_extension_sync(org, extension, Some(job.id), SyncState::NotConfigured, None)
            .await?;
        return Ok(Handled::Done(None));
    };
    let guard = lock(state, extension).await?;
    let result = async {
        let ext = match state.store.find_extension(org, extension).await {
            Ok(ext) => ext,
            // Deleted since: its delete job removes the subscriber.
            Err(StoreError::NotFound) => return Ok(Handled::Done(None)),
            Err(e) => return Err(e.into()),
        };
        place(state, &creds, &ext).await?;
        state
            .store
            .set_extension_sync(org, ext.id, Some(job.id), SyncState::Synced, None)
            .await?;
        Ok(Handled::Done(None))
    }
    .await;
    unlock(state, guard).await;
    result
}

/// Places the extension's subscriber as the extension is now and records the link; the caller
/// holds the extension's lock.
pub(super) async fn place(
    state: &AppState,
    creds: &DomainCredentials,
    ext: &Extension,
) -> Result<(), JobError> {
    let sip_password = state
        .secrets
        .open(
            SealedColumn::SIP_PASSWORD,
            &ext.id.to_string(),
            &ext.sip_password_enc,
        )
        .map_err(|_| {
            JobError::permanent(
                "the stored SIP password cannot be decrypted with this deployment's key",
            )
        })?;
    let org = ext.organization_id;
    let spec = SubscriberSpec {
        msisdn: ext.number.as_str().to_owned(),
        sip_password,
        active: ext.status == Status::Active,
        owner: org.to_string(),
    };
    let stored = ext.cloudonix_subscriber_id.as_deref();
    let placed = place_subscriber(&paced(state), creds, stored, &spec).await?;
    let linked = placed.map(|(_, id)| id);
    if linked.as_deref() != stored {
        state
            .store
            .link_cloudonix_subscriber(org, ext.id, linked.as_deref())
            .await?;
    }
    Ok(())
}

/// Removes a deleted extension's subscriber: the one it was linked to, or else the one with its
/// number — unless an extension of the organization has that number again (then the subscriber
/// is the new extension's, which its own sync updates).
pub(super) async fn delete(
    state: &AppState,
    job: &Job,
    extension: ExtensionId,
    number: &str,
    subscriber_id: Option<&str>,
) -> Result<Handled, JobError> {
    let org = super::org_of(job)?;
    let Some(creds) = domain_credentials(state, org).await? else {
        return Ok(Handled::Done(None));
    };
    let guard = lock(state, extension).await?;
    let result = async {
        if let Ok(parsed) = ExtensionNumber::parse(number) {
            match state.store.find_extension_by_number(org, &parsed).await {
                Ok(_) => return Ok(Handled::Done(None)),
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let api = paced(state);
        let target = match subscriber_id {
            Some(id) => Some(id.to_owned()),
            None => api
                .find_subscriber(&creds, number)
                .await?
                .filter(|sub| sub.msisdn == number)
                .map(|sub| sub.id),
        };
        if let Some(id) = target {
            match api.delete_subscriber(&creds, &id).await {
                Ok(()) | Err(CloudonixError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Handled::Done(None))
    }
    .await;
    unlock(state, guard).await;
    result
}

pub(super) fn paced(state: &AppState) -> Paced<'_> {
    Paced {
        api: &*state.cloudonix,
        limits: &*state.coordination,
        pace: state.job_policy.pace,
        circuits: &*state.coordination,
        circuit: state.job_policy.circuit,
    }
}
