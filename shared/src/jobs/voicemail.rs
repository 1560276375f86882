//! Keeping voicemail: a message's audio lives at Cloudonix only as long as Cloudonix keeps it,
//! so a job (committed with the message) copies it into media storage, retried with backoff
//! while Cloudonix cannot deliver it. A repeated or late job finds the copy made and does
//! nothing again; a message deleted in the meantime needs nothing.

use super::JobError;
use super::extension_sync::paced;
use super::provisioning::domain_credentials;
use super::worker::Handled;
use crate::app::AppState;
use crate::domain::audio;
use crate::domain::ids::VoicemailId;
use crate::domain::now_ms;
use crate::ports::cloudonix::{CloudonixError, CloudonixRecordings};
use crate::ports::jobs::Job;
use crate::ports::media::MediaKey;
use crate::ports::store::StoreError;
use crate::ports::voicemail::VoicemailRepo;

/// Copies the message's audio from its `recording_url` into media storage.
pub(super) async fn copy(
    state: &AppState,
    job: &Job,
    id: VoicemailId,
) -> Result<Handled, JobError> {
    let org = job.organization_id;
    let message = match state.store.find_voicemail(org, id).await {
        Ok(m) => m,
        Err(StoreError::NotFound) => return Ok(Handled::Done(None)),
        Err(e) => return Err(e.into()),
    };
    if message.audio_stored_at.is_some() {
        return Ok(Handled::Done(None));
    }
    let Some(creds) = domain_credentials(state, org).await? else {
        return Err(JobError::permanent(
            "the organization has no Cloudonix domain and key to fetch the recording with",
        ));
    };
    let bytes = paced(state)
        .fetch_recording(&creds, &message.recording_url)
        .await
        .map_err(|e| match e {
            CloudonixError::NotFound => {
                JobError::permanent("Cloudonix no longer has the recording")
            }
            other => JobError::from(other),
        })?;
    // Kept whatever it is: a copy OpBX cannot type still plays where a browser can.
    let content_type = audio::probe(&bytes)
        .map(|info| info.format.content_type())
        .unwrap_or("application/octet-stream");
    state
        .media
        .put(&MediaKey::voicemail(org, id), content_type, bytes)
        .await
        .map_err(|e| JobError::transient(e.to_string()))?;
    match state
        .store
        .mark_voicemail_audio_stored(org, id, now_ms())
        .await
    {
        // Deleted while it was copied: the copy goes too.
        Err(StoreError::NotFound) => {
            let _ = state.media.delete(&MediaKey::voicemail(org, id)).await;
        }
        other => other?,
    }
    Ok(Handled::Done(None))
}
