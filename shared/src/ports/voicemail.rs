use async_trait::async_trait;

use super::store::{Page, PageRequest, StoreResult};
use crate::domain::ids::{ExtensionId, OrgId, VoicemailId};
use crate::domain::model::{AuditEntry, VoicemailMessage};

/// Criteria a listed message must meet; `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoicemailFilter {
    /// Only the mailboxes of these extensions; `Some(empty)` matches no message.
    pub extensions: Option<Vec<ExtensionId>>,
    pub heard: Option<bool>,
}

#[async_trait]
pub trait VoicemailRepo: Send + Sync {
    /// Stores the message unless the organization already has one for this call and extension (a
    /// replayed recording callback): `true` when stored now, `false` when it was already stored.
    /// A new message commits with its copy job (`JobPayload::CopyVoicemail`), for the caller to
    /// dispatch.
    /// `NotFound` when the extension is not one of the message organization's.
    async fn create_voicemail(&self, message: &VoicemailMessage) -> StoreResult<bool>;
    async fn find_voicemail(&self, org: OrgId, id: VoicemailId) -> StoreResult<VoicemailMessage>;
    /// One mailbox, newest first.
    async fn list_voicemail_for_extension(
        &self,
        org: OrgId,
        extension: ExtensionId,
        page: PageRequest,
    ) -> StoreResult<Page<VoicemailMessage>>;
    /// The organization's messages matching `filter`, newest first.
    async fn list_voicemail(
        &self,
        org: OrgId,
        filter: &VoicemailFilter,
        page: PageRequest,
    ) -> StoreResult<Page<VoicemailMessage>>;
    async fn set_voicemail_heard(
        &self,
        org: OrgId,
        id: VoicemailId,
        heard: bool,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// Records that the message's audio is in media storage now.
    async fn mark_voicemail_audio_stored(
        &self,
        org: OrgId,
        id: VoicemailId,
        at: i64,
    ) -> StoreResult<()>;
    /// Records that the mailbox's address was mailed the message.
    async fn mark_voicemail_emailed(&self, org: OrgId, id: VoicemailId, at: i64)
    -> StoreResult<()>;
    async fn delete_voicemail(
        &self,
        org: OrgId,
        id: VoicemailId,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// For the message-waiting indicator of one mailbox.
    async fn count_unheard_voicemail(&self, org: OrgId, extension: ExtensionId)
    -> StoreResult<i64>;
}
