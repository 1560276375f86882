use async_trait::async_trait;

use super::store::{ListFilter, Page, PageRequest, StoreResult};
use crate::domain::ids::{OrgId, ScheduleId};
use crate::domain::model::{AuditEntry, BusinessHours};

/// Business-hours schedules with their weekly ranges and exceptions, which are saved and read
/// back as part of the schedule, in the order given.
#[async_trait]
pub trait BusinessHoursRepo: Send + Sync {
    /// Fails with `Conflict("business hours name")` when the organization already has the name.
    async fn create_business_hours(
        &self,
        schedule: &BusinessHours,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    async fn find_business_hours(&self, org: OrgId, id: ScheduleId) -> StoreResult<BusinessHours>;
    /// Saves everything but `created_at`; ranges and exceptions are replaced as a whole,
    /// atomically. Same errors as create.
    async fn update_business_hours(
        &self,
        schedule: &BusinessHours,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// Refused with `InUse` while anything else in the organization routes to the schedule.
    async fn delete_business_hours(
        &self,
        org: OrgId,
        id: ScheduleId,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// `q` matches the name; ordered by name.
    async fn list_business_hours(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<BusinessHours>>;
}
