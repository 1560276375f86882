//! Invitations (issue 12): owners and PBX admins invite people by email (the role chosen by the
//! same rules as creating a user, [`super::users`]), and the invited person accepts at
//! `POST /api/v1/auth/invitation` with the mailed token, choosing their name and password. The
//! account exists only from then on; creating a user with a typed password stays possible
//! (`POST /api/v1/users`) for scripts.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::account_links;
use super::audit::{self, Actor, Change};
use super::auth::MeResponse;
use super::caller::Caller;
use super::extract::{ApiJson, SourceIp};
use super::passwords;
use super::platform::organizations::InvitationView;
use super::problem::{ApiError, ApiResult};
use super::user_view::{OrganizationView, UserView};
use super::users::may_manage;
use super::validate::Validator;
use crate::app::AppState;
use crate::crypto::sha256_hex;
use crate::domain::accounts::{AccountLink, LinkPurpose};
use crate::domain::ids::UserId;
use crate::domain::model::{OrgStatus, Role, Status, User};
use crate::domain::now_ms;
use crate::domain::password::check_strength;
use crate::http::api::schema::{Email, LongName, Password};
use crate::ports::account_links::AccountLinkRepo;
use crate::ports::organizations::OrganizationRepo;
use crate::ports::store::StoreError;
use crate::ports::users::UserRepo;

/// `POST /api/v1/users/invitations`, served by api-users.
pub fn invite_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(invite_user))
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
    let (token, link) =
        account_links::new_link(org.id, LinkPurpose::Invitation, &email, Some(body.role));
    state.store.create_account_link(&link).await?;
    let view = InvitationView {
        email,
        role: body.role,
        expires_at: link.expires_at.into(),
        sent: account_links::send(&state, &account_links::mail(&state, &org, &link, &token)).await,
    };
    audit::committed(
        &state,
        &caller,
        Change::action("invite", "user", None).with_after(&view),
    )
    .await;
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
