//! Invitations (issue 12): owners and PBX admins invite people by email (the role chosen by the
//! same rules as creating a user, [`super::users`]), and the invited person accepts at
//! `POST /api/v1/auth/invitation` with the mailed token, choosing their name and password. The
//! account exists only from then on; creating a user with a typed password stays possible
//! (`POST /api/v1/users`) for scripts.
//!
//! Until then the invitation is pending: the same admins list it, resend it (a new token and
//! mail; the old link stops working) or revoke it. A PBX admin sees and handles only the
//! invitations for roles they may grant, as with users.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::account_links;
use super::audit::{self, Actor, Change};
use super::auth::MeResponse;
use super::caller::Caller;
use super::extract::{ApiJson, Id, SourceIp};
use super::list::{List, ListQuery, Listing, Paged};
use super::passwords;
use super::platform::organizations::InvitationView;
use super::problem::{ApiError, ApiResult};
use super::user_view::{OrganizationView, UserView};
use super::users::may_manage;
use super::validate::Validator;
use crate::app::AppState;
use crate::crypto::sha256_hex;
use crate::domain::accounts::{AccountLink, LinkPurpose};
use crate::domain::ids::{AccountLinkId, UserId};
use crate::domain::model::{OrgStatus, Organization, Role, Status, User};
use crate::domain::now_ms;
use crate::domain::password::check_strength;
use crate::http::api::schema::{Email, LongName, Password};
use crate::http::api::time::UtcTime;
use crate::ports::account_links::AccountLinkRepo;
use crate::ports::organizations::OrganizationRepo;
use crate::ports::store::StoreError;
use crate::ports::users::UserRepo;

/// `/api/v1/users/invitations[/{id}[/resend]]`, served by api-users.
pub fn invite_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invitations, invite_user))
        .routes(routes!(revoke_invitation))
        .routes(routes!(resend_invitation))
}

/// `POST /api/v1/auth/invitation`, served by api-auth.
pub fn accept_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(accept_invitation))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    #[schema(value_type = Email)]
    pub email: String,
    pub role: Role,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationAcceptance {
    /// The token from the invitation link (after `#token=`).
    #[schema(min_length = 1, max_length = 128)]
    pub token: String,
    #[schema(value_type = LongName)]
    pub name: String,
    /// At least 10 characters, not common, not containing the email's name part.
    #[schema(value_type = Password)]
    pub password: String,
}

/// An invitation not yet accepted, revoked or expired; its token is never shown again.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PendingInvitationView {
    pub id: AccountLinkId,
    pub email: String,
    pub role: Role,
    /// The email of the user who sent it; null when the platform invited the first owner.
    pub invited_by: Option<String>,
    pub created_at: UtcTime,
    pub expires_at: UtcTime,
}

impl From<&AccountLink> for PendingInvitationView {
    fn from(link: &AccountLink) -> Self {
        Self {
            id: link.id,
            email: link.email.clone(),
            role: invited_role(link),
            invited_by: link.invited_by.clone(),
            created_at: link.created_at.into(),
            expires_at: link.expires_at.into(),
        }
    }
}

/// The role an invitation grants (every invitation is stored with one).
fn invited_role(link: &AccountLink) -> Role {
    link.role.unwrap_or(Role::PbxUser)
}

pub struct InvitationList;

impl Listing for InvitationList {
    const SORT: &'static [(&'static str, &'static str)] = &[];
    const SEARCH: bool = false;
}

/// The organization's pending invitations, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/users/invitations",
    tag = "users",
    params(ListQuery<InvitationList>),
    responses((status = 200, body = Paged<PendingInvitationView>))
)]
async fn list_invitations(
    State(state): State<AppState>,
    caller: Caller,
    list: List<InvitationList>,
) -> ApiResult<Json<Paged<PendingInvitationView>>> {
    caller.require(Role::PbxAdmin)?;
    let roles: Vec<Role> = Role::ALL
        .iter()
        .copied()
        .filter(|role| may_manage(&caller, *role).is_ok())
        .collect();
    let page = state
        .store
        .list_pending_invitations(caller.org(), &roles, now_ms(), list.page)
        .await?;
    Ok(Json(Paged::map(page, |link| {
        PendingInvitationView::from(&link)
    })))
}

/// The pending invitation `id` of the caller's organization, if the caller may handle its role.
async fn pending_to_manage(
    state: &AppState,
    caller: &Caller,
    id: AccountLinkId,
) -> ApiResult<AccountLink> {
    caller.require(Role::PbxAdmin)?;
    let link = state
        .store
        .find_pending_invitation(caller.org(), id, now_ms())
        .await?;
    may_manage(caller, invited_role(&link))?;
    Ok(link)
}

/// Revoke a pending invitation: its link stops working at once.
#[utoipa::path(
    delete,
    path = "/api/v1/users/invitations/{id}",
    tag = "users",
    params(("id" = AccountLinkId, Path)),
    responses((status = 204, description = "Revoked"))
)]
async fn revoke_invitation(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<AccountLinkId>,
) -> ApiResult<StatusCode> {
    let link = pending_to_manage(&state, &caller, id).await?;
    let entry = audit::entry(
        (&caller).into(),
        Change::deleted("invitation", id, &PendingInvitationView::from(&link)),
    );
    state
        .store
        .revoke_invitation(caller.org(), id, None, &entry, now_ms())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send a pending invitation again, with a new link: the old one stops working.
#[utoipa::path(
    post,
    path = "/api/v1/users/invitations/{id}/resend",
    tag = "users",
    params(("id" = AccountLinkId, Path)),
    responses((status = 202, description = "The new invitation is stored and mailed (see `sent`)", body = InvitationView))
)]
async fn resend_invitation(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<AccountLinkId>,
) -> ApiResult<(StatusCode, Json<InvitationView>)> {
    let old = pending_to_manage(&state, &caller, id).await?;
    let org = state.store.find_organization(caller.org()).await?;
    let (token, mut link) =
        account_links::new_link(org.id, LinkPurpose::Invitation, &old.email, old.role);
    link.invited_by = old.invited_by;
    let entry = audit::entry(
        (&caller).into(),
        Change::action("resend", "invitation", Some(id.to_string()))
            .with_after(&PendingInvitationView::from(&link)),
    );
    state
        .store
        .revoke_invitation(caller.org(), id, Some(&link), &entry, now_ms())
        .await?;
    let view = mail_invitation(&state, &org, &link, &token).await;
    Ok((StatusCode::ACCEPTED, Json(view)))
}

/// Mails the stored invitation `link` with its `token`.
async fn mail_invitation(
    state: &AppState,
    org: &Organization,
    link: &AccountLink,
    token: &str,
) -> InvitationView {
    InvitationView {
        id: link.id,
        email: link.email.clone(),
        role: invited_role(link),
        expires_at: link.expires_at.into(),
        sent: account_links::send(state, &account_links::mail(state, org, link, token)).await,
    }
}

/// Invite someone into the organization by email.
#[utoipa::path(
    post,
    path = "/api/v1/users/invitations",
    tag = "users",
    request_body = NewInvitation,
    responses((status = 202, description = "The invitation is stored and mailed (see `sent`)", body = InvitationView))
)]
async fn invite_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewInvitation>,
) -> ApiResult<(StatusCode, Json<InvitationView>)> {
    may_manage(&caller, body.role)?;
    let mut v = Validator::new();
    let email = v.email("email", &body.email);
    v.finish()?;
    match state.store.find_user_by_email(caller.org(), &email).await {
        Ok(_) => {
            let mut v = Validator::new();
            v.conflict("email", "already has an account in this organization");
            v.finish()?;
        }
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    let org = state.store.find_organization(caller.org()).await?;
    let (token, mut link) =
        account_links::new_link(org.id, LinkPurpose::Invitation, &email, Some(body.role));
    link.invited_by = Some(caller.user.email.clone());
    // Stored with its entry; whether the mail then leaves is the answer's `sent`.
    let entry = audit::entry(
        (&caller).into(),
        Change::action("invite", "user", None).with_after(&PendingInvitationView::from(&link)),
    );
    state.store.create_account_link(&link, &[entry]).await?;
    let view = mail_invitation(&state, &org, &link, &token).await;
    Ok((StatusCode::ACCEPTED, Json(view)))
}

/// The usable link of `purpose` behind `token`, or the one answer every unusable token gets
/// (unknown, used, expired, or of the other kind): nothing tells them apart.
pub async fn usable_link(
    state: &AppState,
    token: &str,
    purpose: LinkPurpose,
) -> ApiResult<AccountLink> {
    let gone = || {
        ApiError::not_found_because("This link is not valid: it was used already or has expired.")
    };
    if token.is_empty() || token.len() > super::caller::MAX_TOKEN_LEN {
        return Err(gone());
    }
    match state
        .store
        .find_account_link_by_hash(&sha256_hex(token))
        .await
    {
        Ok(link) if link.purpose == purpose && link.usable(now_ms()) => Ok(link),
        Ok(_) | Err(StoreError::NotFound) => Err(gone()),
        Err(e) => Err(e.into()),
    }
}

/// Accept an invitation: creates your account with this name and password.
#[utoipa::path(
    post,
    path = "/api/v1/auth/invitation",
    tag = "auth",
    security(()),
    request_body = InvitationAcceptance,
    responses((status = 201, description = "The account exists; sign in with its email and this password", body = MeResponse))
)]
async fn accept_invitation(
    State(state): State<AppState>,
    SourceIp(source_ip): SourceIp,
    ApiJson(body): ApiJson<InvitationAcceptance>,
) -> ApiResult<(StatusCode, Json<MeResponse>)> {
    let link = usable_link(&state, body.token.trim(), LinkPurpose::Invitation).await?;
    let mut v = Validator::new();
    let name = v.text("name", &body.name, 1, 255);
    if let Err(weak) = check_strength(&body.password, &link.email) {
        v.error("password", weak.to_string());
    }
    v.finish()?;
    let org = state.store.find_organization(link.organization_id).await?;
    if org.status != OrgStatus::Active {
        return Err(ApiError::organization_suspended());
    }
    let now = now_ms();
    let user = User {
        id: UserId::new(),
        organization_id: org.id,
        email: link.email.clone(),
        name,
        password_hash: passwords::hash(body.password).await?,
        role: link.role.unwrap_or(Role::PbxUser),
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    let view = UserView::from(&user);
    let entry = audit::entry(
        Actor::user(&user, source_ip),
        Change::created("user", user.id, &view),
    );
    match state
        .store
        .accept_invitation(&link, &user, &entry, now)
        .await
    {
        Err(StoreError::Conflict(_)) => Err(ApiError::conflict(
            "This email already has an account in the organization: sign in instead.",
        )),
        Err(StoreError::NotFound) => Err(ApiError::not_found_because(
            "This link is not valid: it was used already or has expired.",
        )),
        Err(e) => Err(e.into()),
        Ok(()) => Ok((
            StatusCode::CREATED,
            Json(MeResponse {
                user: view,
                organization: OrganizationView::from(&org),
            }),
        )),
    }
}
