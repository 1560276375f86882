//! `GET /api/v1/platform/audit-log`: what operators (and the retention purge) did, newest first.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::operator::OperatorCaller;
use crate::app::AppState;
use crate::domain::accounts::PlatformAuditEntry;
use crate::domain::ids::{OperatorId, OrgId, PlatformAuditId};
use crate::http::api::list::{List, ListQuery, Listing, Paged};
use crate::http::api::problem::ApiResult;
use crate::http::api::time::UtcTime;
use crate::ports::platform::PlatformRepo;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_platform_audit))
}

pub struct PlatformAuditList;

impl Listing for PlatformAuditList {
    /// Always newest first.
    const SORT: &'static [(&'static str, &'static str)] = &[];
    const SEARCH: bool = false;
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformAuditView {
    pub id: PlatformAuditId,
    /// Absent for the platform's own work (the retention purge, the command line).
    pub operator_id: Option<OperatorId>,
    /// The operator's email at the time, or what acted (`retention`).
    pub actor_label: String,
    /// `login`, `logout`, `create_organization`, `update_organization`, `suspend_organization`,
    /// `reactivate_organization`, `delete_organization`, `invite_owner`, `purge_organization`,
    /// `add_operator`.
    pub action: String,
    pub organization_id: Option<OrgId>,
    #[schema(value_type = Option<Object>)]
    pub detail: Option<Value>,
    pub source_ip: Option<String>,
    pub created_at: UtcTime,
}

impl From<PlatformAuditEntry> for PlatformAuditView {
    fn from(e: PlatformAuditEntry) -> Self {
        Self {
            id: e.id,
            operator_id: e.operator_id,
            actor_label: e.actor_label,
            action: e.action,
            organization_id: e.organization_id,
            detail: e.detail,
            source_ip: e.source_ip,
            created_at: e.created_at.into(),
        }
    }
}

/// The platform audit log, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/platform/audit-log",
    tag = "platform",
    params(ListQuery<PlatformAuditList>),
    responses((status = 200, body = Paged<PlatformAuditView>))
)]
async fn list_platform_audit(
    State(state): State<AppState>,
    _caller: OperatorCaller,
    list: List<PlatformAuditList>,
) -> ApiResult<Json<Paged<PlatformAuditView>>> {
    let page = state.store.list_platform_audit(list.page).await?;
    Ok(Json(Paged::map(page, PlatformAuditView::from)))
}
