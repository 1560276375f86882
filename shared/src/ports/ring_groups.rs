use async_trait::async_trait;

use super::store::{ListFilter, Page, PageRequest, StoreResult};
use crate::domain::ids::{OrgId, RingGroupId};
use crate::domain::model::{AuditEntry, Extension, RingGroup};

#[async_trait]
pub trait RingGroupRepo: Send + Sync {
    // Each create, update and delete writes its `audit` entries in the change's transaction:
    // neither is kept without the other (issue 12.6). Fixtures and internal writes pass none.
    /// Saves the group with its members in order. Fails with `Conflict("ring group name")` when
    /// the organization has the name in any case, `Conflict("ring group member")` when an
    /// extension is listed twice, and `NotFound` when a member is not an extension of the group's
    /// organization.
    async fn create_ring_group(&self, group: &RingGroup, audit: &[AuditEntry]) -> StoreResult<()>;
    async fn find_ring_group(&self, org: OrgId, id: RingGroupId) -> StoreResult<RingGroup>;
    /// Saves everything but the id, organization and creation time; the member list is replaced
    /// as a whole, atomically. Same errors as create.
    async fn update_ring_group(&self, group: &RingGroup, audit: &[AuditEntry]) -> StoreResult<()>;
    /// Refused with `InUse` while anything else in the organization routes to the group.
    async fn delete_ring_group(
        &self,
        org: OrgId,
        id: RingGroupId,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// `q` matches the name; ordered by name.
    async fn list_ring_groups(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<RingGroup>>;
    /// The member extensions in ring order, whatever their status (the router decides who
    /// rings); empty when the group is not in the organization.
    async fn ring_group_member_extensions(
        &self,
        org: OrgId,
        id: RingGroupId,
    ) -> StoreResult<Vec<Extension>>;
}
