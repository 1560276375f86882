//! Keeping voicemail: a message's audio lives at Cloudonix only as long as Cloudonix keeps it,
//! so a job (committed with the message) copies it into media storage, retried with backoff
//! while Cloudonix cannot deliver it; then, when the mailbox has an address, mails it there with
//! the audio attached and a link to the message in the admin UI. Each step is recorded once
//! done (`audio_stored_at`, `emailed_at`), so a retried, repeated or late job does only what is
//! left; a message deleted in the meantime needs nothing.

use hyper::body::Bytes;

use super::JobError;
use super::extension_sync::paced;
use super::provisioning::domain_credentials;
use super::worker::Handled;
use crate::app::AppState;
use crate::domain::audio;
use crate::domain::ids::VoicemailId;
use crate::domain::model::VoicemailMessage;
use crate::domain::now_ms;
use crate::http::api::account_links::html_escape;
use crate::ports::cloudonix::{CloudonixError, CloudonixRecordings};
use crate::ports::email::{Attachment, Mail, MailError};
use crate::ports::extensions::ExtensionRepo;
use crate::ports::jobs::Job;
use crate::ports::media::MediaKey;
use crate::ports::store::StoreError;
use crate::ports::voicemail::VoicemailRepo;

/// Copies the message's audio into media storage, then mails it.
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
    let audio = match message.audio_stored_at {
        Some(_) => None,
        None => match keep_audio(state, &message).await? {
            Kept::Stored(bytes) => Some(bytes),
            Kept::MessageGone => return Ok(Handled::Done(None)),
        },
    };
    if message.emailed_at.is_none() {
        mail(state, &message, audio).await?;
    }
    Ok(Handled::Done(None))
}

enum Kept {
    Stored(Bytes),
    /// Deleted while it was copied: the copy went too.
    MessageGone,
}

/// Copies the message's audio from its `recording_url` into media storage.
async fn keep_audio(state: &AppState, message: &VoicemailMessage) -> Result<Kept, JobError> {
    let (org, id) = (message.organization_id, message.id);
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
    let key = MediaKey::voicemail(org, id);
    state
        .media
        .put(&key, content_type, bytes.clone())
        .await
        .map_err(|e| JobError::transient(e.to_string()))?;
    match state
        .store
        .mark_voicemail_audio_stored(org, id, now_ms())
        .await
    {
        Ok(()) => Ok(Kept::Stored(bytes)),
        Err(StoreError::NotFound) => {
            let _ = state.media.delete(&key).await;
            Ok(Kept::MessageGone)
        }
        Err(e) => Err(e.into()),
    }
}

/// Mails the message to its mailbox's address, if it has one, with the audio (`audio`, or our
/// copy read back) attached.
async fn mail(
    state: &AppState,
    message: &VoicemailMessage,
    audio: Option<Bytes>,
) -> Result<(), JobError> {
    let (org, id) = (message.organization_id, message.id);
    let ext = match state.store.find_extension(org, message.extension_id).await {
        Ok(ext) => ext,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let Some(to) = ext.voicemail_email.clone() else {
        return Ok(());
    };
    let bytes = match audio {
        Some(bytes) => bytes,
        None => state
            .media
            .get(&MediaKey::voicemail(org, id))
            .await
            .map_err(|e| JobError::transient(e.to_string()))?,
    };
    let (extension, content_type) = match audio::probe(&bytes) {
        Ok(info) => (info.format.as_str(), info.format.content_type()),
        Err(_) => ("bin", "application/octet-stream"),
    };
    let link = format!(
        "{}/voicemail?extension={}&message={id}",
        state.app_url.trim_end_matches('/'),
        ext.id
    );
    let mailbox = if ext.display_name.trim().is_empty() {
        ext.number.to_string()
    } else {
        format!("{} {}", ext.number, ext.display_name)
    };
    let lead = format!(
        "{} left a message of {} s in the mailbox of {mailbox}; the recording is attached.",
        message.from_number, message.duration_seconds
    );
    let mail = Mail {
        to,
        subject: format!("New voicemail from {}", message.from_number),
        text: format!("{lead}\n\nListen and mark it heard in OpBX:\n{link}\n"),
        html: format!(
            "<!doctype html><html><body><p>{}</p><p><a href=\"{}\">Listen and mark it heard \
             in OpBX</a></p></body></html>",
            html_escape(&lead),
            html_escape(&link)
        ),
        attachments: vec![Attachment {
            filename: format!(
                "voicemail-{}.{extension}",
                message.from_number.trim_start_matches('+')
            ),
            content_type: content_type.into(),
            bytes,
        }],
    };
    match state.mailer.send(&mail).await {
        Ok(()) => {}
        // An address the mail server will never take: retrying cannot help.
        Err(MailError::BadAddress) => {
            return Err(JobError::permanent(
                "the mailbox's email address was refused; the audio is kept",
            ));
        }
        Err(MailError::Unavailable(why)) => {
            return Err(JobError::transient(format!("mail not sent: {why}")));
        }
    }
    state
        .store
        .mark_voicemail_emailed(org, id, now_ms())
        .await
        .or_else(|e| match e {
            StoreError::NotFound => Ok(()),
            e => Err(JobError::from(e)),
        })
}
