//! The `api-audit-log` function: `GET /api/v1/audit-log`, the organization's record of every
//! write (written with each change, see [`super::audit`]), newest first, for owners and PBX admins.
//! Filters: `actor` (user id), `object_type`, `object_id`, `action`, and `from`/`to` (RFC 3339
//! or a date; `from` inclusive, `to` exclusive).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::mask_secrets;
use super::caller::Caller;
use super::list::{List, ListQuery, Listing, Paged};
use super::problem::{ApiError, ApiResult, FieldError};
use super::time::{TimeParam, UtcTime, parse_time};
use crate::app::AppState;
use crate::domain::ids::{AuditId, UserId};
use crate::domain::model::{AuditEntry, Role};
use crate::ports::audit_log::{AuditFilter, AuditLogRepo};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit_log))
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

pub struct AuditList;

impl Listing for AuditList {
    /// Always newest first.
    const SORT: &'static [(&'static str, &'static str)] = &[];
    const FILTERS: &'static [&'static str] =
        &["actor", "object_type", "object_id", "action", "from", "to"];
    const SEARCH: bool = false;
}

/// The query parameters, for the OpenAPI document.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by utoipa's derive only
struct AuditParams {
    /// Only changes made by this user.
    actor: Option<UserId>,
    /// `user`, `extension`, `session`, …
    object_type: Option<String>,
    object_id: Option<String>,
    /// `create`, `update`, `delete`, `login`, …
    action: Option<String>,
    /// From this time on (RFC 3339, or a date meaning its midnight UTC).
    #[param(value_type = Option<TimeParam>, inline)]
    from: Option<String>,
    /// Before this time.
    #[param(value_type = Option<TimeParam>, inline)]
    to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub id: AuditId,
    /// Absent for changes made by the system.
    pub actor_user_id: Option<UserId>,
    /// The actor's email at the time.
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    /// The object before the change (secrets masked).
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    /// The object after the change (secrets masked).
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
    pub source_ip: Option<String>,
    pub created_at: UtcTime,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        // Masked when written; masked again in case an entry came from elsewhere.
        let masked = |mut v: Value| {
            mask_secrets(&mut v);
            v
        };
        Self {
            id: e.id,
            actor_user_id: e.actor_user_id,
            actor_label: e.actor_label,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            before: e.before.map(masked),
            after: e.after.map(masked),
            source_ip: e.source_ip,
            created_at: e.created_at.into(),
        }
    }
}

/// The audit log, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/audit-log",
    tag = "audit-log",
    params(ListQuery<AuditList>, AuditParams),
    responses((status = 200, body = Paged<AuditEntryView>))
)]
async fn list_audit_log(
    State(state): State<AppState>,
    caller: Caller,
    list: List<AuditList>,
) -> ApiResult<Json<Paged<AuditEntryView>>> {
    caller.require(Role::PbxAdmin)?;
    let time = |name: &str| {
        list.given(name)
            .map(|text| {
                parse_time(text).ok_or_else(|| {
                    ApiError::bad_parameters(vec![FieldError::new(
                        name,
                        "must be an RFC 3339 time (2026-03-01T09:30:00Z) or a date (2026-03-01)",
                    )])
                })
            })
            .transpose()
    };
    let filter = AuditFilter {
        actor_user_id: list.param("actor", "a user id")?,
        object_type: list.raw("object_type").map(str::to_owned),
        object_id: list.raw("object_id").map(str::to_owned),
        action: list.raw("action").map(str::to_owned),
        from: time("from")?,
        to: time("to")?,
    };
    let page = state
        .store
        .list_audit(caller.org(), &filter, list.page)
        .await?;
    Ok(Json(Paged::map(page, AuditEntryView::from)))
}
