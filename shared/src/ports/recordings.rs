use async_trait::async_trait;

use super::store::{ListFilter, Page, PageRequest, Referrer, StoreResult};
use crate::domain::ids::{OrgId, RecordingId};
use crate::domain::model::{AuditEntry, Recording};

#[async_trait]
pub trait RecordingRepo: Send + Sync {
    /// Fails with `Conflict("recording name")` when the organization has the name (any case).
    async fn create_recording(
        &self,
        recording: &Recording,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    async fn find_recording(&self, org: OrgId, id: RecordingId) -> StoreResult<Recording>;
    /// Saves the name and update time; same conflict as create.
    async fn rename_recording(
        &self,
        recording: &Recording,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// Refused with `InUse` naming the objects that play it (see [`Self::recording_references`]).
    async fn delete_recording(
        &self,
        org: OrgId,
        id: RecordingId,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// The objects of the organization that play the recording: IVR menus (prompt),
    /// announcements, extensions (voicemail greeting) and conference rooms (hold music), ordered
    /// by type and name. Extensions are named by their number.
    async fn recording_references(&self, org: OrgId, id: RecordingId)
    -> StoreResult<Vec<Referrer>>;
    /// `q` matches the name; ordered by name.
    async fn list_recordings(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Recording>>;
}
