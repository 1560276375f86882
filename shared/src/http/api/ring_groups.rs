//! The `api-ring-groups` function: `/api/v1/ring-groups`, extensions rung together, in turn or
//! in rotation, with a fallback when nobody answers.
//!
//! Owners and PBX admins manage ring groups; PBX users read them; reporters see no
//! configuration. Names are unique within the organization, ignoring case. Members are an
//! ordered list of the organization's extensions (ring order for the sequential strategy, each
//! at most once, at least one); the fallback is any destination of the organization except the
//! group itself. A simultaneous group of more than ten reachable members rings them in waves of
//! ten, in member order, each wave for `member_timeout` seconds (one `<Dial>` carries at most ten
//! numbers: the most the TwiML family allows, Cloudonix documents no limit).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::{self, Change};
use super::caller::Caller;
use super::extract::{ApiJson, Id};
use super::list::{List, ListQuery, Listing, Paged};
use super::problem::ApiResult;
use super::rules;
use super::time::UtcTime;
use super::validate::{SelfRef, Validator};
use crate::app::AppState;
use crate::domain::destination::{Destination, DestinationKind};
use crate::domain::ids::{ExtensionId, OrgId, RingGroupId};
use crate::domain::model::{RingGroup, RingStrategy, Role, Status};
use crate::domain::now_ms;
use crate::http::api::schema::Name;
use crate::ports::ring_groups::RingGroupRepo;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_ring_groups, create_ring_group))
        .routes(routes!(
            get_ring_group,
            update_ring_group,
            delete_ring_group
        ))
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

/// Seconds each member rings unless told otherwise.
pub const DEFAULT_MEMBER_TIMEOUT: i32 = 20;

pub struct RingGroupList;

impl Listing for RingGroupList {
    /// Without `sort`, by name.
    const SORT: &'static [(&'static str, &'static str)] = &[
        ("name", "name"),
        ("strategy", "strategy"),
        ("status", "status"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RingGroupView {
    pub id: RingGroupId,
    pub name: String,
    pub strategy: RingStrategy,
    /// Seconds each member rings (all at once for simultaneous, in waves of ten beyond ten).
    pub member_timeout: i32,
    /// Passes over the member list before the fallback.
    pub rounds: i32,
    /// Leave out members who are on a call.
    pub skip_busy: bool,
    /// Extensions in ring order.
    pub members: Vec<ExtensionId>,
    /// Where calls go when no member answers.
    pub fallback: Destination,
    pub status: Status,
    pub created_at: UtcTime,
    pub updated_at: UtcTime,
}

impl From<&RingGroup> for RingGroupView {
    fn from(g: &RingGroup) -> Self {
        Self {
            id: g.id,
            name: g.name.clone(),
            strategy: g.strategy,
            member_timeout: g.member_timeout,
            rounds: g.rounds,
            skip_busy: g.skip_busy,
            members: g.members.clone(),
            fallback: g.fallback.clone(),
            status: g.status,
            created_at: g.created_at.into(),
            updated_at: g.updated_at.into(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRingGroup {
    #[schema(value_type = Name)]
    pub name: String,
    /// Defaults to simultaneous.
    #[serde(default)]
    pub strategy: Option<RingStrategy>,
    /// Defaults to 20.
    #[serde(default)]
    #[schema(minimum = 5, maximum = 120)]
    pub member_timeout: Option<i32>,
    /// Defaults to 1.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10)]
    pub rounds: Option<i32>,
    #[serde(default)]
    pub skip_busy: bool,
    /// 1 to 50 extensions, each once, in ring order.
    #[schema(min_items = 1, max_items = 50)]
    pub members: Vec<ExtensionId>,
    /// Defaults to hanging up.
    #[serde(default)]
    pub fallback: Option<Destination>,
    /// Defaults to active.
    #[serde(default)]
    pub status: Option<Status>,
}

/// Fields to change; absent ones stay as they are. `members` replaces the whole list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RingGroupUpdate {
    #[schema(value_type = Option<Name>)]
    pub name: Option<String>,
    pub strategy: Option<RingStrategy>,
    #[schema(minimum = 5, maximum = 120)]
    pub member_timeout: Option<i32>,
    #[schema(minimum = 1, maximum = 10)]
    pub rounds: Option<i32>,
    pub skip_busy: Option<bool>,
    #[schema(min_items = 1, max_items = 50)]
    pub members: Option<Vec<ExtensionId>>,
    pub fallback: Option<Destination>,
    pub status: Option<Status>,
}

/// The rules of a ring group, on create and update alike: trims the name and answers 422
/// naming every bad field (`members[2]` for one member).
pub async fn check(state: &AppState, org: OrgId, group: &mut RingGroup) -> ApiResult<()> {
    let mut v = Validator::new();
    group.name = v.text("name", &group.name, 1, rules::NAME_MAX);
    v.range(
        "member_timeout",
        group.member_timeout,
        rules::MEMBER_TIMEOUT,
        "seconds",
    );
    v.range("rounds", group.rounds, rules::ROUNDS, "rounds");
    if group.members.is_empty() {
        v.error("members", "must list at least one extension");
    } else if group.members.len() > rules::MAX_MEMBERS {
        v.error(
            "members",
            format!("must list at most {} extensions", rules::MAX_MEMBERS),
        );
    } else {
        v.extensions(state, org, "members", &group.members).await?;
    }
    v.destination(
        state,
        org,
        "fallback",
        &group.fallback,
        Some(&SelfRef::new(DestinationKind::RingGroup, group.id)),
    )
    .await?;
    v.finish()
}

/// List the organization's ring groups.
#[utoipa::path(
    get,
    path = "/api/v1/ring-groups",
    tag = "ring-groups",
    params(ListQuery<RingGroupList>),
    responses((status = 200, body = Paged<RingGroupView>))
)]
async fn list_ring_groups(
    State(state): State<AppState>,
    caller: Caller,
    list: List<RingGroupList>,
) -> ApiResult<Json<Paged<RingGroupView>>> {
    caller.require(Role::PbxUser)?;
    let page = state
        .store
        .list_ring_groups(caller.org(), &list.filter, list.page)
        .await?;
    Ok(Json(Paged::map(page, |g| RingGroupView::from(&g))))
}

/// Create a ring group.
#[utoipa::path(
    post,
    path = "/api/v1/ring-groups",
    tag = "ring-groups",
    request_body = NewRingGroup,
    responses((status = 201, body = RingGroupView))
)]
async fn create_ring_group(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewRingGroup>,
) -> ApiResult<(StatusCode, Json<RingGroupView>)> {
    caller.require(Role::PbxAdmin)?;
    let now = now_ms();
    let mut group = RingGroup {
        id: RingGroupId::new(),
        organization_id: caller.org(),
        name: body.name,
        strategy: body.strategy.unwrap_or(RingStrategy::Simultaneous),
        member_timeout: body.member_timeout.unwrap_or(DEFAULT_MEMBER_TIMEOUT),
        rounds: body.rounds.unwrap_or(1),
        skip_busy: body.skip_busy,
        fallback: body.fallback.unwrap_or(Destination::Hangup),
        status: body.status.unwrap_or(Status::Active),
        members: body.members,
        created_at: now,
        updated_at: now,
    };
    check(&state, caller.org(), &mut group).await?;
    let view = RingGroupView::from(&group);
    let entry = audit::entry(
        (&caller).into(),
        Change::created("ring_group", group.id, &view),
    );
    state.store.create_ring_group(&group, &[entry]).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One ring group.
#[utoipa::path(
    get,
    path = "/api/v1/ring-groups/{id}",
    tag = "ring-groups",
    params(("id" = RingGroupId, Path)),
    responses((status = 200, body = RingGroupView))
)]
async fn get_ring_group(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<RingGroupId>,
) -> ApiResult<Json<RingGroupView>> {
    caller.require(Role::PbxUser)?;
    let group = state.store.find_ring_group(caller.org(), id).await?;
    Ok(Json(RingGroupView::from(&group)))
}

/// Change a ring group.
#[utoipa::path(
    patch,
    path = "/api/v1/ring-groups/{id}",
    tag = "ring-groups",
    params(("id" = RingGroupId, Path)),
    request_body = RingGroupUpdate,
    responses((status = 200, body = RingGroupView))
)]
async fn update_ring_group(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<RingGroupId>,
    ApiJson(body): ApiJson<RingGroupUpdate>,
) -> ApiResult<Json<RingGroupView>> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_ring_group(caller.org(), id).await?;
    let mut after = before.clone();
    if let Some(name) = body.name {
        after.name = name;
    }
    if let Some(strategy) = body.strategy {
        after.strategy = strategy;
    }
    if let Some(timeout) = body.member_timeout {
        after.member_timeout = timeout;
    }
    if let Some(rounds) = body.rounds {
        after.rounds = rounds;
    }
    if let Some(skip) = body.skip_busy {
        after.skip_busy = skip;
    }
    if let Some(members) = body.members {
        after.members = members;
    }
    if let Some(fallback) = body.fallback {
        after.fallback = fallback;
    }
    if let Some(status) = body.status {
        after.status = status;
    }
    check(&state, caller.org(), &mut after).await?;
    after.updated_at = now_ms();
    let view = RingGroupView::from(&after);
    let entry = audit::entry(
        (&caller).into(),
        Change::updated("ring_group", id, &RingGroupView::from(&before), &view),
    );
    state.store.update_ring_group(&after, &[entry]).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(Json(view))
}

/// Delete a ring group; refused with 409 naming them while anything routes to it.
#[utoipa::path(
    delete,
    path = "/api/v1/ring-groups/{id}",
    tag = "ring-groups",
    params(("id" = RingGroupId, Path)),
    responses((status = 204, description = "Deleted"))
)]
async fn delete_ring_group(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<RingGroupId>,
) -> ApiResult<StatusCode> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_ring_group(caller.org(), id).await?;
    let entry = audit::entry(
        (&caller).into(),
        Change::deleted("ring_group", id, &RingGroupView::from(&before)),
    );
    state
        .store
        .delete_ring_group(caller.org(), id, &[entry])
        .await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(StatusCode::NO_CONTENT)
}
