//! `/api/v1/platform/organizations`: the tenant lifecycle, for operators only.
//!
//! An organization is created with its first owner's email: no user exists until that person
//! accepts the mailed invitation and chooses a password (the operator never knows it). Suspend
//! makes the organization's tokens answer 403 and its calls hear a short notice (session and CDR
//! webhooks are still stored); reactivate restores everything. Delete is soft: the organization
//! behaves as suspended and is purged with all its data once the retention
//! (`OPBX_ORGANIZATION_RETENTION_DAYS`, default 30) has passed since; reactivating before then
//! restores it. What operators see of an organization is its settings and counts (users,
//! extensions, numbers, last call): never call contents, recordings or secrets. Every action is
//! written to the platform audit log in the same transaction as the change.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::operator::OperatorCaller;
use crate::app::AppState;
use crate::domain::accounts::LinkPurpose;
use crate::domain::ids::{AccountLinkId, OrgId};
use crate::domain::model::{OrgStatus, Organization, Role};
use crate::domain::now_ms;
use crate::domain::timezone::Timezone;
use crate::http::api::account_links;
use crate::http::api::extract::{ApiJson, Id};
use crate::http::api::list::{List, ListQuery, Listing, Paged};
use crate::http::api::problem::{ApiError, ApiResult};
use crate::http::api::schema::{Email, LongName, Slug};
use crate::http::api::time::UtcTime;
use crate::http::api::user_view::OrganizationView;
use crate::http::api::validate::Validator;
use crate::ports::platform::{OrganizationFilter, OrganizationSummary, PlatformRepo};
use crate::ports::store::StoreError;
use crate::realtime::closing::{Ending, close_connections};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            list_platform_organizations,
            create_platform_organization
        ))
        .routes(routes!(
            get_platform_organization,
            update_platform_organization,
            delete_platform_organization
        ))
        .routes(routes!(suspend_platform_organization))
        .routes(routes!(reactivate_platform_organization))
        .routes(routes!(invite_owner))
}

pub struct OrganizationList;

impl Listing for OrganizationList {
    const SORT: &'static [(&'static str, &'static str)] = &[
        ("name", "name"),
        ("slug", "slug"),
        ("status", "status"),
        ("created_at", "created_at"),
    ];
    const FILTERS: &'static [&'static str] = &["q", "status"];
    const SEARCH: bool = false;
}

/// The query parameters, for the OpenAPI document.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by utoipa's derive only
struct OrganizationParams {
    /// Text in the name or slug, ignoring case.
    #[param(max_length = 100)]
    q: Option<String>,
    status: Option<OrgStatus>,
}

/// An organization as operators see it: settings and counts, nothing of its calls or secrets.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlatformOrganizationView {
    #[serde(flatten)]
    pub organization: OrganizationView,
    pub users: i64,
    pub extensions: i64,
    pub phone_numbers: i64,
    /// When its most recent call started; null before the first call.
    pub last_call_at: Option<UtcTime>,
    pub created_at: UtcTime,
    /// When it was deleted; null unless `status` is `deleted`.
    pub deleted_at: Option<UtcTime>,
    /// When the purge removes it and all its data; null unless deleted.
    pub purge_after: Option<UtcTime>,
}

fn view(state: &AppState, s: &OrganizationSummary) -> PlatformOrganizationView {
    let retention = state.organization_retention.as_millis() as i64;
    PlatformOrganizationView {
        organization: OrganizationView::from(&s.organization),
        users: s.users,
        extensions: s.extensions,
        phone_numbers: s.phone_numbers,
        last_call_at: s.last_call_at.map(UtcTime),
        created_at: s.organization.created_at.into(),
        deleted_at: s.deleted_at.map(UtcTime),
        purge_after: s.deleted_at.map(|d| UtcTime(d + retention)),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    #[schema(value_type = LongName)]
    pub name: String,
    /// Defaults to one made from the name.
    #[schema(value_type = Option<Slug>)]
    #[serde(default)]
    pub slug: Option<String>,
    pub timezone: Timezone,
    /// Who becomes its first owner: they get an invitation by email.
    #[schema(value_type = Email)]
    pub owner_email: String,
}

/// An invitation that was mailed (or could not be).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: AccountLinkId,
    pub email: String,
    pub role: Role,
    pub expires_at: UtcTime,
    /// False when the mail server refused or could not be reached: send it again later.
    pub sent: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedOrganization {
    pub organization: PlatformOrganizationView,
    pub invitation: InvitationView,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationChange {
    #[schema(value_type = Option<LongName>)]
    pub name: Option<String>,
    #[schema(value_type = Option<Slug>)]
    pub slug: Option<String>,
    pub timezone: Option<Timezone>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerInvitation {
    #[schema(value_type = Email)]
    pub email: String,
}

/// Organizations with their status, counts and last call.
#[utoipa::path(
    get,
    path = "/api/v1/platform/organizations",
    tag = "platform",
    params(OrganizationParams, ListQuery<OrganizationList>),
    responses((status = 200, body = Paged<PlatformOrganizationView>))
)]
async fn list_platform_organizations(
    State(state): State<AppState>,
    _caller: OperatorCaller,
    list: List<OrganizationList>,
) -> ApiResult<Json<Paged<PlatformOrganizationView>>> {
    let status = match list.given("status") {
        Some(text) => Some(OrgStatus::parse(text).ok_or_else(|| {
            ApiError::bad_parameters(vec![crate::http::api::problem::FieldError::new(
                "status",
                "must be active, suspended or deleted",
            )])
        })?),
        None => None,
    };
    let q = list.raw("q").map(str::to_owned);
    if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(ApiError::bad_parameters(vec![
            crate::http::api::problem::FieldError::new("q", "must be at most 100 characters"),
        ]));
    }
    let filter = OrganizationFilter { q, status };
    let page = state
        .store
        .list_organization_summaries(&filter, list.page)
        .await?;
    Ok(Json(Paged::map(page, |s| view(&state, &s))))
}

/// Slug rules: what [`crate::bootstrap::slugify`] makes, lower-case letters and digits joined
/// by single dashes, at most 48 characters.
fn check_slug(v: &mut Validator, slug: &str) {
    let ok = !slug.is_empty()
        && slug.len() <= 48
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    v.check(
        "slug",
        ok,
        "must be 1 to 48 lower-case letters and digits, joined by single dashes",
    );
}

/// Create an organization and invite its first owner by email.
#[utoipa::path(
    post,
    path = "/api/v1/platform/organizations",
    tag = "platform",
    request_body = NewOrganization,
    responses((status = 201, body = CreatedOrganization))
)]
async fn create_platform_organization(
    State(state): State<AppState>,
    caller: OperatorCaller,
    ApiJson(body): ApiJson<NewOrganization>,
) -> ApiResult<(StatusCode, Json<CreatedOrganization>)> {
    let mut v = Validator::new();
    let name = v.text("name", &body.name, 1, 255);
    let slug = match &body.slug {
        Some(slug) => slug.trim().to_owned(),
        None => crate::bootstrap::slugify(&name),
    };
    check_slug(&mut v, &slug);
    let email = v.email("owner_email", &body.owner_email);
    v.finish()?;
    let now = now_ms();
    let org = Organization {
        id: OrgId::new(),
        name,
        slug,
        timezone: body.timezone,
        status: OrgStatus::Active,
        unassigned_number_message: None,
        calling: Default::default(),
        created_at: now,
        updated_at: now,
    };
    let (token, link) =
        account_links::new_link(org.id, LinkPurpose::Invitation, &email, Some(Role::Owner));
    let entry = caller.entry(
        "create_organization",
        Some(org.id),
        Some(&serde_json::json!({
            "name": org.name, "slug": org.slug, "timezone": org.timezone, "owner_email": email,
        })),
    );
    match state
        .store
        .create_organization_with_invitation(&org, &link, &entry)
        .await
    {
        Err(StoreError::Conflict(_)) => {
            let mut v = Validator::new();
            v.conflict("slug", "is already taken by another organization");
            v.finish()?;
        }
        other => other?,
    }
    let sent = account_links::send(&state, &account_links::mail(&state, &org, &link, &token)).await;
    let summary = state.store.organization_summary(org.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedOrganization {
            organization: view(&state, &summary),
            invitation: InvitationView {
                id: link.id,
                email,
                role: Role::Owner,
                expires_at: link.expires_at.into(),
                sent,
            },
        }),
    ))
}

/// One organization.
#[utoipa::path(
    get,
    path = "/api/v1/platform/organizations/{id}",
    tag = "platform",
    params(("id" = OrgId, Path)),
    responses((status = 200, body = PlatformOrganizationView))
)]
async fn get_platform_organization(
    State(state): State<AppState>,
    _caller: OperatorCaller,
    Id(id): Id<OrgId>,
) -> ApiResult<Json<PlatformOrganizationView>> {
    let summary = state.store.organization_summary(id).await?;
    Ok(Json(view(&state, &summary)))
}

/// Change an organization's name, slug or time zone.
#[utoipa::path(
    patch,
    path = "/api/v1/platform/organizations/{id}",
    tag = "platform",
    params(("id" = OrgId, Path)),
    request_body = OrganizationChange,
    responses((status = 200, body = PlatformOrganizationView))
)]
async fn update_platform_organization(
    State(state): State<AppState>,
    caller: OperatorCaller,
    Id(id): Id<OrgId>,
    ApiJson(body): ApiJson<OrganizationChange>,
) -> ApiResult<Json<PlatformOrganizationView>> {
    let before = state.store.organization_summary(id).await?.organization;
    let mut v = Validator::new();
    let mut after = before.clone();
    if let Some(name) = &body.name {
        after.name = v.text("name", name, 1, 255);
    }
    if let Some(slug) = &body.slug {
        after.slug = slug.trim().to_owned();
        check_slug(&mut v, &after.slug);
    }
    if let Some(tz) = body.timezone {
        after.timezone = tz;
    }
    v.finish()?;
    if before.status == OrgStatus::Deleted {
        return Err(ApiError::conflict(
            "The organization is deleted: reactivate it before changing it.",
        ));
    }
    after.updated_at = now_ms();
    let detail = serde_json::json!({
        "before": {"name": before.name, "slug": before.slug, "timezone": before.timezone},
        "after": {"name": after.name, "slug": after.slug, "timezone": after.timezone},
    });
    save(&state, &caller, &after, "update_organization", detail).await
}

/// Writes `org` with its audit entry; a taken slug is a 409 on the field.
async fn save(
    state: &AppState,
    caller: &OperatorCaller,
    org: &Organization,
    action: &str,
    detail: serde_json::Value,
) -> ApiResult<Json<PlatformOrganizationView>> {
    let entry = caller.entry(action, Some(org.id), Some(&detail));
    match state.store.save_organization(org, &entry).await {
        Err(StoreError::Conflict(_)) => {
            let mut v = Validator::new();
            v.conflict("slug", "is already taken by another organization");
            v.finish()?;
        }
        other => other?,
    }
    // Calls read the organization's status from the cached configuration.
    if let Err(e) = state.coordination.invalidate_org(&org.id.to_string()).await {
        tracing::error!(error = %e, org = %org.id, "cached configuration not invalidated");
    }
    let summary = state.store.organization_summary(org.id).await?;
    Ok(Json(view(state, &summary)))
}

/// Moves the organization to `status`, from any of `from`; 409 from elsewhere, and no change
/// (nor audit entry) when it is there already.
async fn transition(
    state: &AppState,
    caller: &OperatorCaller,
    id: OrgId,
    status: OrgStatus,
    from: &[OrgStatus],
    action: &str,
) -> ApiResult<Json<PlatformOrganizationView>> {
    let summary = state.store.organization_summary(id).await?;
    let before = summary.organization.clone();
    if before.status == status {
        return Ok(Json(view(state, &summary)));
    }
    if !from.contains(&before.status) {
        return Err(ApiError::conflict(format!(
            "The organization is {}; it cannot be {action}d from there.",
            before.status
        )));
    }
    let mut after = before.clone();
    after.status = status;
    after.updated_at = now_ms();
    let detail = serde_json::json!({"from": before.status, "to": status, "name": before.name});
    let saved = save(
        state,
        caller,
        &after,
        &format!("{action}_organization"),
        detail,
    )
    .await?;
    if status != OrgStatus::Active {
        close_connections(&state.realtime, id, Ending::Organization).await;
    }
    Ok(saved)
}

/// Suspend an organization: its tokens answer 403 and its calls hear a short notice; call
/// history keeps being recorded.
#[utoipa::path(
    post,
    path = "/api/v1/platform/organizations/{id}/suspend",
    tag = "platform",
    params(("id" = OrgId, Path)),
    responses((status = 200, body = PlatformOrganizationView))
)]
async fn suspend_platform_organization(
    State(state): State<AppState>,
    caller: OperatorCaller,
    Id(id): Id<OrgId>,
) -> ApiResult<Json<PlatformOrganizationView>> {
    transition(
        &state,
        &caller,
        id,
        OrgStatus::Suspended,
        &[OrgStatus::Active],
        "suspend",
    )
    .await
}

/// Reactivate a suspended organization, or a deleted one before its purge.
#[utoipa::path(
    post,
    path = "/api/v1/platform/organizations/{id}/reactivate",
    tag = "platform",
    params(("id" = OrgId, Path)),
    responses((status = 200, body = PlatformOrganizationView))
)]
async fn reactivate_platform_organization(
    State(state): State<AppState>,
    caller: OperatorCaller,
    Id(id): Id<OrgId>,
) -> ApiResult<Json<PlatformOrganizationView>> {
    let from = [OrgStatus::Suspended, OrgStatus::Deleted];
    transition(&state, &caller, id, OrgStatus::Active, &from, "reactivate").await
}

/// Delete an organization: it stops working at once and is purged, with all its data, once the
/// retention has passed (`purge_after`). Until then, reactivating restores it.
#[utoipa::path(
    delete,
    path = "/api/v1/platform/organizations/{id}",
    tag = "platform",
    params(("id" = OrgId, Path)),
    responses((status = 200, body = PlatformOrganizationView))
)]
async fn delete_platform_organization(
    State(state): State<AppState>,
    caller: OperatorCaller,
    Id(id): Id<OrgId>,
) -> ApiResult<Json<PlatformOrganizationView>> {
    let from = [OrgStatus::Active, OrgStatus::Suspended];
    transition(&state, &caller, id, OrgStatus::Deleted, &from, "delete").await
}

/// Invite an owner of the organization by email (again, when the first mail was lost or the
/// invitation expired).
#[utoipa::path(
    post,
    path = "/api/v1/platform/organizations/{id}/invitations",
    tag = "platform",
    params(("id" = OrgId, Path)),
    request_body = OwnerInvitation,
    responses((status = 202, body = InvitationView))
)]
async fn invite_owner(
    State(state): State<AppState>,
    caller: OperatorCaller,
    Id(id): Id<OrgId>,
    ApiJson(body): ApiJson<OwnerInvitation>,
) -> ApiResult<(StatusCode, Json<InvitationView>)> {
    let org = state.store.organization_summary(id).await?.organization;
    let mut v = Validator::new();
    let email = v.email("email", &body.email);
    v.finish()?;
    if org.status == OrgStatus::Deleted {
        return Err(ApiError::conflict(
            "The organization is deleted: reactivate it before inviting anyone.",
        ));
    }
    let (token, link) =
        account_links::new_link(org.id, LinkPurpose::Invitation, &email, Some(Role::Owner));
    let entry = caller.entry(
        "invite_owner",
        Some(org.id),
        Some(&serde_json::json!({"email": email})),
    );
    state.store.create_invitation(&link, &entry).await?;
    let sent = account_links::send(&state, &account_links::mail(&state, &org, &link, &token)).await;
    Ok((
        StatusCode::ACCEPTED,
        Json(InvitationView {
            id: link.id,
            email,
            role: Role::Owner,
            expires_at: link.expires_at.into(),
            sent,
        }),
    ))
}
