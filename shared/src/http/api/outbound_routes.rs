//! The `api-outbound-routes` function: `/api/v1/outbound-routes`, the dial plan for calls the
//! organization's phones place to the outside world.
//!
//! Owners and PBX admins manage routes; PBX users read them; reporters see no configuration.
//! Names are unique within the organization, ignoring case. A dialled number takes the first
//! active route, by ascending `priority` (then name), whose `match_value` it matches — a
//! `prefix`, or a `pattern` in Asterisk notation (see [`crate::domain::dial_plan`]); the route
//! strips `strip_digits` leading characters, puts `prepend` in front, and sends the E.164
//! result out through the Cloudonix trunk `trunk`, with `caller_id` when set. Lists come in
//! that order unless sorted otherwise.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::{self, Change};
use super::caller::Caller;
use super::extract::{ApiJson, Id, nullable};
use super::list::{List, ListQuery, Listing, Paged};
use super::problem::ApiResult;
use super::rules;
use super::time::UtcTime;
use super::validate::Validator;
use crate::app::AppState;
use crate::domain::dial_plan;
use crate::domain::e164::E164;
use crate::domain::ids::OutboundRouteId;
use crate::domain::model::{OutboundMatch, OutboundRoute, Role, Status};
use crate::domain::now_ms;
use crate::http::api::schema::{LongName, Name, Prepend, ShortText};
use crate::ports::outbound_routes::OutboundRouteRepo;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_outbound_routes, create_outbound_route))
        .routes(routes!(
            get_outbound_route,
            update_outbound_route,
            delete_outbound_route
        ))
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

pub const DEFAULT_PRIORITY: i32 = 100;
/// Longest match value and trunk name the store keeps.
const MATCH_MAX: usize = 64;
const TRUNK_MAX: usize = 255;

pub struct OutboundRouteList;

impl Listing for OutboundRouteList {
    /// Without `sort`, in the order routing tries them: priority, then name.
    const SORT: &'static [(&'static str, &'static str)] = &[
        ("priority", "priority"),
        ("name", "name"),
        ("trunk", "trunk"),
        ("status", "status"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OutboundRouteView {
    pub id: OutboundRouteId,
    pub name: String,
    /// Lower is tried first.
    pub priority: i32,
    pub match_kind: OutboundMatch,
    /// A prefix (`011`, `+44`) or a pattern (`NXXNXXXXXX`, `_9[2-9]X.`).
    pub match_value: String,
    /// Leading characters removed from the dialled number.
    pub strip_digits: i32,
    /// Put in front after stripping, e.g. `+1`.
    pub prepend: String,
    /// The Cloudonix trunk the call leaves through.
    pub trunk: String,
    pub caller_id: Option<E164>,
    pub status: Status,
    pub created_at: UtcTime,
    pub updated_at: UtcTime,
}

impl From<&OutboundRoute> for OutboundRouteView {
    fn from(r: &OutboundRoute) -> Self {
        Self {
            id: r.id,
            name: r.name.clone(),
            priority: r.priority,
            match_kind: r.match_kind,
            match_value: r.match_value.clone(),
            strip_digits: r.strip_digits,
            prepend: r.prepend.clone(),
            trunk: r.trunk.clone(),
            caller_id: r.caller_id.clone(),
            status: r.status,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOutboundRoute {
    #[schema(value_type = Name)]
    pub name: String,
    /// Defaults to 100.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub priority: Option<i32>,
    pub match_kind: OutboundMatch,
    #[schema(value_type = ShortText)]
    pub match_value: String,
    /// Defaults to 0.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 15)]
    pub strip_digits: i32,
    /// Digits, optionally after a leading `+`; defaults to nothing.
    #[serde(default)]
    #[schema(value_type = Prepend)]
    pub prepend: String,
    #[schema(value_type = LongName)]
    pub trunk: String,
    #[serde(default)]
    pub caller_id: Option<E164>,
    /// Defaults to active.
    #[serde(default)]
    pub status: Option<Status>,
}

/// Fields to change; absent ones stay as they are, `null` clears the caller id.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboundRouteUpdate {
    #[schema(value_type = Option<Name>)]
    pub name: Option<String>,
    #[schema(minimum = 0, maximum = 10000)]
    pub priority: Option<i32>,
    pub match_kind: Option<OutboundMatch>,
    #[schema(value_type = Option<ShortText>)]
    pub match_value: Option<String>,
    #[schema(minimum = 0, maximum = 15)]
    pub strip_digits: Option<i32>,
    #[schema(value_type = Option<Prepend>)]
    pub prepend: Option<String>,
    #[schema(value_type = Option<LongName>)]
    pub trunk: Option<String>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<E164>)]
    pub caller_id: Option<Option<E164>>,
    pub status: Option<Status>,
}

/// The rules of a route, on create and update alike: trims the texts and answers 422 naming
/// every bad field. `match_given`: the body states both `match_kind` and `match_value` (the
/// schema then says which values each kind takes); otherwise a value that does not fit the
/// stored kind, or the other way round, conflicts with the current data (409).
pub fn check(route: &mut OutboundRoute, match_given: bool) -> ApiResult<()> {
    let mut v = Validator::new();
    route.name = v.text("name", &route.name, 1, rules::NAME_MAX);
    v.range("priority", route.priority, rules::PRIORITY, "");
    route.match_value = v.text("match_value", &route.match_value, 1, MATCH_MAX);
    if (1..=MATCH_MAX).contains(&route.match_value.chars().count())
        && let Err(e) = dial_plan::validate(route.match_kind, &route.match_value)
    {
        if match_given {
            v.error("match_value", e.to_string());
        } else {
            v.conflict("match_value", e.to_string());
        }
    }
    v.range(
        "strip_digits",
        route.strip_digits,
        rules::STRIP_DIGITS,
        "digits",
    );
    route.prepend = route.prepend.trim().to_owned();
    v.rule("prepend", rules::prepend(&route.prepend));
    route.trunk = v.text("trunk", &route.trunk, 1, TRUNK_MAX);
    v.finish()
}

/// List the organization's outbound routes, in the order routing tries them.
#[utoipa::path(
    get,
    path = "/api/v1/outbound-routes",
    tag = "outbound-routes",
    params(ListQuery<OutboundRouteList>),
    responses((status = 200, body = Paged<OutboundRouteView>))
)]
async fn list_outbound_routes(
    State(state): State<AppState>,
    caller: Caller,
    list: List<OutboundRouteList>,
) -> ApiResult<Json<Paged<OutboundRouteView>>> {
    caller.require(Role::PbxUser)?;
    let page = state
        .store
        .list_outbound_routes(caller.org(), &list.filter, list.page)
        .await?;
    Ok(Json(Paged::map(page, |r| OutboundRouteView::from(&r))))
}

/// Create an outbound route.
#[utoipa::path(
    post,
    path = "/api/v1/outbound-routes",
    tag = "outbound-routes",
    request_body = NewOutboundRoute,
    responses((status = 201, body = OutboundRouteView))
)]
async fn create_outbound_route(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewOutboundRoute>,
) -> ApiResult<(StatusCode, Json<OutboundRouteView>)> {
    caller.require(Role::PbxAdmin)?;
    let now = now_ms();
    let mut route = OutboundRoute {
        id: OutboundRouteId::new(),
        organization_id: caller.org(),
        name: body.name,
        priority: body.priority.unwrap_or(DEFAULT_PRIORITY),
        match_kind: body.match_kind,
        match_value: body.match_value,
        strip_digits: body.strip_digits,
        prepend: body.prepend,
        trunk: body.trunk,
        caller_id: body.caller_id,
        status: body.status.unwrap_or(Status::Active),
        created_at: now,
        updated_at: now,
    };
    check(&mut route, true)?;
    let view = OutboundRouteView::from(&route);
    let entry = audit::entry(
        (&caller).into(),
        Change::created("outbound_route", route.id, &view),
    );
    state.store.create_outbound_route(&route, &[entry]).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One outbound route.
#[utoipa::path(
    get,
    path = "/api/v1/outbound-routes/{id}",
    tag = "outbound-routes",
    params(("id" = OutboundRouteId, Path)),
    responses((status = 200, body = OutboundRouteView))
)]
async fn get_outbound_route(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<OutboundRouteId>,
) -> ApiResult<Json<OutboundRouteView>> {
    caller.require(Role::PbxUser)?;
    let route = state.store.find_outbound_route(caller.org(), id).await?;
    Ok(Json(OutboundRouteView::from(&route)))
}

/// Change an outbound route.
#[utoipa::path(
    patch,
    path = "/api/v1/outbound-routes/{id}",
    tag = "outbound-routes",
    params(("id" = OutboundRouteId, Path)),
    request_body = OutboundRouteUpdate,
    responses((status = 200, body = OutboundRouteView))
)]
async fn update_outbound_route(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<OutboundRouteId>,
    ApiJson(body): ApiJson<OutboundRouteUpdate>,
) -> ApiResult<Json<OutboundRouteView>> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_outbound_route(caller.org(), id).await?;
    let mut after = before.clone();
    if let Some(name) = body.name {
        after.name = name;
    }
    if let Some(priority) = body.priority {
        after.priority = priority;
    }
    let match_given = body.match_kind.is_some() && body.match_value.is_some();
    if let Some(kind) = body.match_kind {
        after.match_kind = kind;
    }
    if let Some(value) = body.match_value {
        after.match_value = value;
    }
    if let Some(strip) = body.strip_digits {
        after.strip_digits = strip;
    }
    if let Some(prepend) = body.prepend {
        after.prepend = prepend;
    }
    if let Some(trunk) = body.trunk {
        after.trunk = trunk;
    }
    if let Some(caller_id) = body.caller_id {
        after.caller_id = caller_id;
    }
    if let Some(status) = body.status {
        after.status = status;
    }
    check(&mut after, match_given)?;
    after.updated_at = now_ms();
    let view = OutboundRouteView::from(&after);
    let entry = audit::entry(
        (&caller).into(),
        Change::updated(
            "outbound_route",
            id,
            &OutboundRouteView::from(&before),
            &view,
        ),
    );
    state.store.update_outbound_route(&after, &[entry]).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(Json(view))
}

/// Delete an outbound route.
#[utoipa::path(
    delete,
    path = "/api/v1/outbound-routes/{id}",
    tag = "outbound-routes",
    params(("id" = OutboundRouteId, Path)),
    responses((status = 204, description = "Deleted"))
)]
async fn delete_outbound_route(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<OutboundRouteId>,
) -> ApiResult<StatusCode> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_outbound_route(caller.org(), id).await?;
    let entry = audit::entry(
        (&caller).into(),
        Change::deleted("outbound_route", id, &OutboundRouteView::from(&before)),
    );
    state
        .store
        .delete_outbound_route(caller.org(), id, &[entry])
        .await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(StatusCode::NO_CONTENT)
}
