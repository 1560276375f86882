//! The `api-users` function: `/api/v1/users`, the people who log in to an organization.
//!
//! Owners and PBX admins manage users; nobody else sees them. The hierarchy holds on every write:
//! a PBX admin manages only PBX users and reporters and cannot grant the owner or pbx_admin role;
//! only an owner changes owners and admins. The organization always keeps an active owner: a
//! change that would demote, deactivate or remove the last one is refused with 409, under a
//! per-organization lock so two concurrent changes cannot both pass the check. Passwords are set
//! here only for other people (your own goes through `/api/v1/profile` with the current one);
//! setting one, or deactivating a user, signs out all of that user's sessions at once.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::{self, Change};
use super::caller::Caller;
use super::extract::{ApiJson, Id};
use super::list::{List, ListQuery, Listing, Paged};
use super::org_lock::{self, OrgLock};
use super::passwords;
use super::problem::{ApiError, ApiResult};
use super::user_view::UserView;
use super::validate::Validator;
use crate::app::AppState;
use crate::domain::ids::{OrgId, UserId};
use crate::domain::model::{Role, Status, User};
use crate::domain::now_ms;
use crate::domain::password::check_strength;
use crate::http::api::schema::{Email, LongName, Password};
use crate::ports::users::{ApiTokenRepo, UserRepo};
use crate::realtime::closing::{Ending, close_connections};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user, delete_user))
        .merge(super::invitations::invite_routes())
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

pub struct UserList;

impl Listing for UserList {
    const SORT: &'static [(&'static str, &'static str)] = &[
        ("email", "email"),
        ("name", "name"),
        ("role", "role"),
        ("status", "status"),
        ("created_at", "created_at"),
    ];
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    #[schema(value_type = Email)]
    pub email: String,
    #[schema(value_type = LongName)]
    pub name: String,
    /// At least 10 characters, not common, not containing the email's name part.
    #[schema(value_type = Password)]
    pub password: String,
    pub role: Role,
    /// Defaults to active.
    #[serde(default)]
    pub status: Option<Status>,
}

/// Fields to change; absent ones stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    #[schema(value_type = Option<Email>)]
    pub email: Option<String>,
    #[schema(value_type = Option<LongName>)]
    pub name: Option<String>,
    pub role: Option<Role>,
    pub status: Option<Status>,
    /// Sets another user's password and signs them out everywhere (your own changes at
    /// `/api/v1/profile`).
    #[schema(value_type = Option<Password>)]
    pub password: Option<String>,
}

/// Roles a PBX admin may manage and grant.
fn below_admin(role: Role) -> bool {
    !role.at_least(Role::PbxAdmin)
}

/// 403 unless `caller` may manage a user holding `role` (now, or after the change).
pub(crate) fn may_manage(caller: &Caller, role: Role) -> ApiResult<()> {
    caller.require(Role::PbxAdmin)?;
    if caller.role() == Role::Owner || below_admin(role) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only an owner can manage owners and PBX admins or grant those roles.",
        ))
    }
}

/// List the organization's users.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    params(ListQuery<UserList>),
    responses((status = 200, body = Paged<UserView>))
)]
async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    list: List<UserList>,
) -> ApiResult<Json<Paged<UserView>>> {
    caller.require(Role::PbxAdmin)?;
    let page = state
        .store
        .list_users(caller.org(), &list.filter, list.page)
        .await?;
    Ok(Json(Paged::map(page, |u| UserView::from(&u))))
}

/// Create a user.
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    request_body = NewUser,
    responses((status = 201, body = UserView))
)]
async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    may_manage(&caller, body.role)?;
    let mut v = Validator::new();
    let email = v.email("email", &body.email);
    let name = v.text("name", &body.name, 1, 255);
    if let Err(weak) = check_strength(&body.password, &email) {
        v.error("password", weak.to_string());
    }
    v.finish()?;
    let now = now_ms();
    let user = User {
        id: UserId::new(),
        organization_id: caller.org(),
        email,
        name,
        password_hash: passwords::hash(body.password).await?,
        role: body.role,
        status: body.status.unwrap_or(Status::Active),
        created_at: now,
        updated_at: now,
    };
    let view = UserView::from(&user);
    let entry = audit::entry((&caller).into(), Change::created("user", user.id, &view));
    state.store.create_user(&user, &[entry]).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One user.
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = UserId, Path)),
    responses((status = 200, body = UserView))
)]
async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<UserId>,
) -> ApiResult<Json<UserView>> {
    caller.require(Role::PbxAdmin)?;
    let user = state.store.find_user(caller.org(), id).await?;
    Ok(Json(UserView::from(&user)))
}

/// Change a user's email, name, role, status or password.
#[utoipa::path(
    patch,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = UserId, Path)),
    request_body = UserUpdate,
    responses((status = 200, body = UserView))
)]
async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<UserId>,
    ApiJson(body): ApiJson<UserUpdate>,
) -> ApiResult<Json<UserView>> {
    caller.require(Role::PbxAdmin)?;
    let lock = OrgLock::take(&state, caller.org(), org_lock::USERS).await?;
    let result = update_locked(&state, &caller, id, body).await;
    lock.release(&state).await;
    let (after, password_set) = result?;

    if password_set || after.status == Status::Inactive {
        state
            .store
            .revoke_user_api_tokens(after.organization_id, after.id, now_ms())
            .await?;
        let ending = Ending::User {
            user: after.id,
            except: None,
        };
        close_connections(&state.realtime, after.organization_id, ending).await;
    }
    audit::invalidate(&state, caller.org()).await;
    Ok(Json(UserView::from(&after)))
}

async fn update_locked(
    state: &AppState,
    caller: &Caller,
    id: UserId,
    body: UserUpdate,
) -> ApiResult<(User, bool)> {
    let before = state.store.find_user(caller.org(), id).await?;
    may_manage(caller, before.role)?;
    if let Some(role) = body.role {
        may_manage(caller, role)?;
    }
    let mut after = before.clone();
    let mut v = Validator::new();
    if let Some(email) = &body.email {
        after.email = v.email("email", email);
    }
    if let Some(name) = &body.name {
        after.name = v.text("name", name, 1, 255);
    }
    after.role = body.role.unwrap_or(before.role);
    after.status = body.status.unwrap_or(before.status);
    if body.password.is_some() && id == caller.user_id() {
        return Err(ApiError::forbidden(
            "Change your own password at /api/v1/profile, with your current one.",
        ));
    }
    let password = match body.password {
        Some(p) => {
            if let Err(weak) = check_strength(&p, &after.email) {
                v.error("password", weak.to_string());
            }
            Some(p)
        }
        None => None,
    };
    v.finish()?;
    let stops_owning = before.role == Role::Owner
        && before.status == Status::Active
        && (after.role != Role::Owner || after.status != Status::Active);
    if stops_owning {
        keep_an_owner(state, caller.org()).await?;
    }
    let password_set = password.is_some();
    if let Some(p) = password {
        after.password_hash = passwords::hash(p).await?;
    }
    after.updated_at = now_ms();
    let mut entries = vec![audit::entry(
        caller.into(),
        Change::updated(
            "user",
            id,
            &UserView::from(&before),
            &UserView::from(&after),
        ),
    )];
    if password_set {
        let reset = Change::action("reset_password", "user", Some(id.to_string()));
        entries.push(audit::entry(caller.into(), reset));
    }
    state.store.update_user(&after, &entries).await?;
    Ok((after, password_set))
}

/// Delete a user (their sessions end; extensions linked to them stay, unlinked).
#[utoipa::path(
    delete,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = UserId, Path)),
    responses((status = 204, description = "Deleted"))
)]
async fn delete_user(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<UserId>,
) -> ApiResult<StatusCode> {
    caller.require(Role::PbxAdmin)?;
    let lock = OrgLock::take(&state, caller.org(), org_lock::USERS).await?;
    let result = delete_locked(&state, &caller, id).await;
    lock.release(&state).await;
    result?;
    audit::invalidate(&state, caller.org()).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_locked(state: &AppState, caller: &Caller, id: UserId) -> ApiResult<()> {
    let before = state.store.find_user(caller.org(), id).await?;
    may_manage(caller, before.role)?;
    if id == caller.user_id() {
        return Err(ApiError::forbidden(
            "You cannot delete your own account; another owner or admin can.",
        ));
    }
    if before.role == Role::Owner && before.status == Status::Active {
        keep_an_owner(state, caller.org()).await?;
    }
    let entry = audit::entry(
        caller.into(),
        Change::deleted("user", id, &UserView::from(&before)),
    );
    state.store.delete_user(caller.org(), id, &entry).await?;
    Ok(())
}

/// 409 unless another active owner remains after the current one stops being one.
async fn keep_an_owner(state: &AppState, org: OrgId) -> ApiResult<()> {
    let owners = state
        .store
        .count_active_users_with_role(org, Role::Owner)
        .await?;
    if owners <= 1 {
        return Err(ApiError::conflict(
            "This is the organization's last active owner: make someone else an owner first.",
        ));
    }
    Ok(())
}
