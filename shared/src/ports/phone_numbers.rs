use async_trait::async_trait;

use super::store::{ListFilter, Page, PageRequest, StoreResult};
use crate::domain::e164::E164;
use crate::domain::ids::{OrgId, PhoneNumberId};
use crate::domain::model::{AuditEntry, PhoneNumber};

#[async_trait]
pub trait PhoneNumberRepo: Send + Sync {
    // Each create, update and delete writes its `audit` entries in the change's transaction:
    // neither is kept without the other (issue 12.6). Fixtures and internal writes pass none.
    /// Fails with `Conflict("phone number")` when the organization already has the number.
    async fn create_phone_number(
        &self,
        number: &PhoneNumber,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    async fn find_phone_number(&self, org: OrgId, id: PhoneNumberId) -> StoreResult<PhoneNumber>;
    /// The DID an inbound call was made to.
    async fn find_phone_number_by_number(
        &self,
        org: OrgId,
        number: &E164,
    ) -> StoreResult<PhoneNumber>;
    /// Saves number, label, destination and status; same conflict as create.
    async fn update_phone_number(
        &self,
        number: &PhoneNumber,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    async fn delete_phone_number(
        &self,
        org: OrgId,
        id: PhoneNumberId,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// `q` matches number or label; ordered by number.
    async fn list_phone_numbers(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<PhoneNumber>>;
}
