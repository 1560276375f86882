use async_trait::async_trait;

use super::store::{ListFilter, Page, PageRequest, StoreResult};
use crate::domain::ids::{AnnouncementId, OrgId};
use crate::domain::model::{Announcement, AuditEntry};

#[async_trait]
pub trait AnnouncementRepo: Send + Sync {
    /// Fails with `Conflict("announcement name")` when the organization has the name (any case).
    async fn create_announcement(
        &self,
        announcement: &Announcement,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    async fn find_announcement(&self, org: OrgId, id: AnnouncementId) -> StoreResult<Announcement>;
    /// Saves everything but the id, organization and creation time; same conflict as create.
    async fn update_announcement(
        &self,
        announcement: &Announcement,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// Refused with `InUse` while anything else in the organization routes to it.
    async fn delete_announcement(
        &self,
        org: OrgId,
        id: AnnouncementId,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// `q` matches the name; ordered by name.
    async fn list_announcements(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Announcement>>;
}
