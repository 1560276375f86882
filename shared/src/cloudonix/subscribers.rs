//! Placing one extension's subscriber on Cloudonix, for provisioning and for the sync jobs alike.

use super::provision::StepStatus;
use crate::ports::cloudonix::{CloudonixApi, CloudonixError, DomainCredentials, SubscriberSpec};

/// Updates the subscriber by stored id, else by MSISDN, else creates it (active extensions
/// only). `None`: an inactive extension with no subscriber, which is as it should be. A stored
/// subscriber carrying another MSISDN is the extension's before it was renumbered: Cloudonix
/// cannot change an MSISDN, so it is deleted and the new number placed.
pub async fn place_subscriber(
    api: &dyn CloudonixApi,
    creds: &DomainCredentials,
    stored_id: Option<&str>,
    spec: &SubscriberSpec,
) -> Result<Option<(StepStatus, String)>, CloudonixError> {
    if let Some(id) = stored_id {
        match api.update_subscriber(creds, id, spec).await {
            Ok(sub) if sub.msisdn == spec.msisdn => return Ok(Some((StepStatus::Updated, sub.id))),
            Ok(renumbered) => match api.delete_subscriber(creds, &renumbered.id).await {
                Ok(()) | Err(CloudonixError::NotFound) => {}
                Err(e) => return Err(e),
            },
            Err(CloudonixError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    // The path takes an id or an MSISDN, so extension 17 could name subscriber id 17: only a
    // subscriber with our MSISDN is ours to update.
    let existing = api
        .find_subscriber(creds, &spec.msisdn)
        .await?
        .filter(|sub| sub.msisdn == spec.msisdn);
    match existing {
        Some(sub) => {
            let sub = api.update_subscriber(creds, &sub.id, spec).await?;
            Ok(Some((StepStatus::Updated, sub.id)))
        }
        None if spec.active => {
            let sub = api.create_subscriber(creds, spec).await?;
            Ok(Some((StepStatus::Created, sub.id)))
        }
        None => Ok(None),
    }
}
