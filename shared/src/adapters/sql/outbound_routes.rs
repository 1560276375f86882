use async_trait::async_trait;
use sqlx::any::AnyRow;

use super::query::{Table, begin_write, commit_audited, commit_found, delete_in_org};
use super::{SqlStore, big, enumerated, int, map_err, opt_parsed, parsed, text};
use crate::domain::ids::{OrgId, OutboundRouteId};
use crate::domain::model::{AuditEntry, OutboundMatch, OutboundRoute, Status};
use crate::ports::outbound_routes::OutboundRouteRepo;
use crate::ports::store::{ListFilter, Page, PageRequest, StoreResult};

const NAME: &str = "outbound route name";

const OUTBOUND_ROUTES: Table<OutboundRoute> = Table {
    from: "outbound_routes",
    columns: "id, organization_id, name, priority, match_kind, match_value, strip_digits, \
              prepend, trunk, caller_id, status, created_at, updated_at",
    searched: &["name", "match_value"],
    order_by: "priority, name, id",
    from_row,
};

fn from_row(row: &AnyRow) -> StoreResult<OutboundRoute> {
    Ok(OutboundRoute {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        name: text(row, "name")?,
        priority: int(row, "priority")?,
        match_kind: enumerated(row, "match_kind", OutboundMatch::parse)?,
        match_value: text(row, "match_value")?,
        strip_digits: int(row, "strip_digits")?,
        prepend: text(row, "prepend")?,
        trunk: text(row, "trunk")?,
        caller_id: opt_parsed(row, "caller_id")?,
        status: enumerated(row, "status", Status::parse)?,
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

#[async_trait]
impl OutboundRouteRepo for SqlStore {
    async fn create_outbound_route(
        &self,
        route: &OutboundRoute,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        sqlx::query(
            "INSERT INTO outbound_routes (id, organization_id, name, priority, match_kind, \
             match_value, strip_digits, prepend, trunk, caller_id, status, created_at, \
             updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(route.id.to_string())
        .bind(route.organization_id.to_string())
        .bind(&route.name)
        .bind(route.priority)
        .bind(route.match_kind.as_str())
        .bind(&route.match_value)
        .bind(route.strip_digits)
        .bind(&route.prepend)
        .bind(&route.trunk)
        .bind(route.caller_id.as_ref().map(|c| c.as_str().to_owned()))
        .bind(route.status.as_str())
        .bind(route.created_at)
        .bind(route.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err(NAME))?;
        commit_audited(tx, audit).await
    }

    async fn find_outbound_route(
        &self,
        org: OrgId,
        id: OutboundRouteId,
    ) -> StoreResult<OutboundRoute> {
        OUTBOUND_ROUTES.find(self, org, "id", id.to_string()).await
    }

    async fn update_outbound_route(
        &self,
        route: &OutboundRoute,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "UPDATE outbound_routes SET name = ?, priority = ?, match_kind = ?, \
             match_value = ?, strip_digits = ?, prepend = ?, trunk = ?, caller_id = ?, \
             status = ?, updated_at = ? WHERE id = ? AND organization_id = ?",
        )
        .bind(&route.name)
        .bind(route.priority)
        .bind(route.match_kind.as_str())
        .bind(&route.match_value)
        .bind(route.strip_digits)
        .bind(&route.prepend)
        .bind(&route.trunk)
        .bind(route.caller_id.as_ref().map(|c| c.as_str().to_owned()))
        .bind(route.status.as_str())
        .bind(route.updated_at)
        .bind(route.id.to_string())
        .bind(route.organization_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_err(NAME))?;
        commit_found(tx, done.rows_affected(), audit).await
    }

    async fn delete_outbound_route(
        &self,
        org: OrgId,
        id: OutboundRouteId,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        delete_in_org(&mut tx, "outbound_routes", org, &id.to_string()).await?;
        commit_audited(tx, audit).await
    }

    async fn list_outbound_routes(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<OutboundRoute>> {
        OUTBOUND_ROUTES.page(self, org, filter, page).await
    }

    async fn outbound_routes_by_priority(
        &self,
        org: OrgId,
        only_active: bool,
    ) -> StoreResult<Vec<OutboundRoute>> {
        let filter = ListFilter {
            q: None,
            status: only_active.then_some(Status::Active),
        };
        OUTBOUND_ROUTES.all(self, org, &filter).await
    }
}
