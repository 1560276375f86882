//! Reading back the organization's sealed Cloudonix secrets: the path tokens of the CDR and
//! session-update URLs (shown again in settings, pushed again by provisioning) and the staged
//! webhook key (pushed again by a retried provisioning run).

use crate::crypto::{SealedColumn, SecretBox};
use crate::domain::model::CloudonixSettings;

/// A stored sealed value of the settings' row, when there is one and it can be read.
pub fn open_sealed(
    secrets: &SecretBox,
    settings: &CloudonixSettings,
    at: SealedColumn,
    sealed: Option<&str>,
    what: &str,
) -> Option<String> {
    secrets
        .open(at, &settings.organization_id.to_string(), sealed?)
        .inspect_err(|_| {
            tracing::warn!(org = %settings.organization_id, "stored {what} cannot be decrypted");
        })
        .ok()
}

pub fn cdr_token(secrets: &SecretBox, settings: &CloudonixSettings) -> Option<String> {
    open_sealed(
        secrets,
        settings,
        SealedColumn::CLOUDONIX_CDR_TOKEN,
        settings.cdr_token_enc.as_deref(),
        "CDR token",
    )
}

pub fn session_token(secrets: &SecretBox, settings: &CloudonixSettings) -> Option<String> {
    let sealed = settings.session_token_enc.as_deref();
    let at = SealedColumn::CLOUDONIX_SESSION_TOKEN;
    open_sealed(secrets, settings, at, sealed, "session-update token")
}
