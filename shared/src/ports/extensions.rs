use async_trait::async_trait;

use super::store::{ListFilter, Page, PageRequest, StoreResult};
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::{ExtensionId, OrgId, UserId};
use crate::domain::model::{AuditEntry, Extension};

#[async_trait]
pub trait ExtensionRepo: Send + Sync {
    // Each create, update and delete writes its `audit` entries in the change's transaction:
    // neither is kept without the other (issue 12.6). Fixtures and internal writes pass none.
    /// Fails with `Conflict("extension number")` when the organization already has the number,
    /// and with `NotFound` when `user_id` is not a user of the extension's organization.
    async fn create_extension(&self, ext: &Extension, audit: &[AuditEntry]) -> StoreResult<()>;
    async fn find_extension(&self, org: OrgId, id: ExtensionId) -> StoreResult<Extension>;
    /// What a subscriber dialled.
    async fn find_extension_by_number(
        &self,
        org: OrgId,
        number: &ExtensionNumber,
    ) -> StoreResult<Extension>;
    /// The extensions linked to a user (their own phones), lowest number first.
    async fn extensions_of_user(&self, org: OrgId, user: UserId) -> StoreResult<Vec<Extension>>;
    /// Saves everything but the id, organization and creation time; same errors as create.
    async fn update_extension(&self, ext: &Extension, audit: &[AuditEntry]) -> StoreResult<()>;
    /// Refused with `InUse` while anything else in the organization routes to the extension or
    /// its voicemail, or lists it in a ring group or IVR direct-dial allowlist. Its voicemail
    /// messages go with it.
    async fn delete_extension(
        &self,
        org: OrgId,
        id: ExtensionId,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// `q` matches number or display name; ordered by number as a number.
    async fn list_extensions(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Extension>>;
}
