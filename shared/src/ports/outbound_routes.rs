use async_trait::async_trait;

use super::store::{ListFilter, Page, PageRequest, StoreResult};
use crate::domain::ids::{OrgId, OutboundRouteId};
use crate::domain::model::{AuditEntry, OutboundRoute};

#[async_trait]
pub trait OutboundRouteRepo: Send + Sync {
    /// Fails with `Conflict("outbound route name")` when the organization has the name in any
    /// case.
    async fn create_outbound_route(
        &self,
        route: &OutboundRoute,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    async fn find_outbound_route(
        &self,
        org: OrgId,
        id: OutboundRouteId,
    ) -> StoreResult<OutboundRoute>;
    /// Saves everything but the id, organization and creation time; same conflict as create.
    async fn update_outbound_route(
        &self,
        route: &OutboundRoute,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    async fn delete_outbound_route(
        &self,
        org: OrgId,
        id: OutboundRouteId,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// `q` matches name or match value; ordered like routing tries them.
    async fn list_outbound_routes(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<OutboundRoute>>;
    /// Every route of the organization in the order routing tries them (priority, then name);
    /// `only_active` leaves out inactive ones, as the call router wants.
    async fn outbound_routes_by_priority(
        &self,
        org: OrgId,
        only_active: bool,
    ) -> StoreResult<Vec<OutboundRoute>>;
}
