use async_trait::async_trait;

use super::store::{ListFilter, Page, PageRequest, StoreResult};
use crate::domain::ids::{OrgId, RecordingId};
use crate::domain::model::Recording;

#[async_trait]
pub trait RecordingRepo: Send + Sync {
    /// Fails with `Conflict("recording name")` when the organization has the name (any case).
    async fn create_recording(&self, recording: &Recording) -> StoreResult<()>;
    async fn find_recording(&self, org: OrgId, id: RecordingId) -> StoreResult<Recording>;
    /// Saves the name and update time; same conflict as create.
    async fn rename_recording(&self, recording: &Recording) -> StoreResult<()>;
    /// Refused with `InUse` naming the IVR menus whose prompt it is.
    async fn delete_recording(&self, org: OrgId, id: RecordingId) -> StoreResult<()>;
    /// `q` matches the name; ordered by name.
    async fn list_recordings(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Recording>>;
}
