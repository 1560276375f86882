//! "Forgot password" (issue 12): `POST /api/v1/auth/password-reset` mails a one-time link to
//! every active account with the email (in active organizations) and answers the same whether
//! or not there is one; `POST /api/v1/auth/password-reset/confirm` sets the new password with
//! the link's token and signs the account out everywhere. Every request (not only failed ones,
//! as at sign-in: each may send a mail) counts per address and per email, so the door cannot
//! flood anyone's mailbox.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::account_links;
use super::audit::{self, Actor, Change};
use super::extract::{ApiJson, SourceIp};
use super::invitations::usable_link;
use super::passwords;
use super::problem::{ApiError, ApiResult, Problem};
use super::validate::Validator;
use crate::app::AppState;
use crate::crypto::sha256_hex;
use crate::domain::accounts::LinkPurpose;
use crate::domain::model::{OrgStatus, Status};
use crate::domain::now_ms;
use crate::domain::password::check_strength;
use crate::http::api::schema::{LoginEmail, Password};
use crate::ports::account_links::AccountLinkRepo;
use crate::ports::organizations::OrganizationRepo;
use crate::ports::store::StoreError;
use crate::ports::users::UserRepo;
use crate::realtime::closing::{Ending, close_connections};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_reset))
        .routes(routes!(confirm_reset))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    #[schema(value_type = LoginEmail, example = "ann@example.com")]
    pub email: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResetRequested {
    #[schema(
        example = "If an account has this email, a link to reset its password is on its way."
    )]
    pub detail: &'static str,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirmation {
    /// The token from the reset link (after `#token=`).
    #[schema(min_length = 1, max_length = 128)]
    pub token: String,
    /// At least 10 characters, not common, not containing the email's name part.
    #[schema(value_type = Password)]
    pub password: String,
}

/// Reset requests allowed per client address per window.
pub const RESETS_PER_ADDRESS: u64 = 20;
/// Reset requests allowed per email per window, from anywhere.
pub const RESETS_PER_EMAIL: u64 = 10;
pub const RESET_WINDOW: Duration = Duration::from_secs(10 * 60);

const REQUESTED: &str = "If an account has this email, a link to reset its password is on its way.";

/// Ask for a password-reset link by email.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password-reset",
    tag = "auth",
    security(()),
    request_body = ResetRequest,
    responses(
        (status = 202, description = "The same answer whether or not the email has an account", body = ResetRequested),
        (status = 429, description = "Too many requests from this address or for this email", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    )
)]
async fn request_reset(
    State(state): State<AppState>,
    SourceIp(source_ip): SourceIp,
    ApiJson(body): ApiJson<ResetRequest>,
) -> ApiResult<(StatusCode, Json<ResetRequested>)> {
    let mut v = Validator::new();
    let email = v.text("email", &body.email, 3, 255).to_lowercase();
    v.finish()?;
    throttle(&state, source_ip.as_deref(), &email).await?;
    for user in state.store.find_users_by_email(&email).await? {
        if user.status != Status::Active {
            continue;
        }
        let org = state.store.find_organization(user.organization_id).await?;
        if org.status != OrgStatus::Active {
            continue;
        }
        let (token, link) =
            account_links::new_link(org.id, LinkPurpose::PasswordReset, &user.email, None);
        state.store.create_account_link(&link, &[]).await?;
        account_links::send(&state, &account_links::mail(&state, &org, &link, &token)).await;
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(ResetRequested { detail: REQUESTED }),
    ))
}

/// Counts the request against the client address and the email; 429 when either is spent.
async fn throttle(state: &AppState, ip: Option<&str>, email: &str) -> ApiResult<()> {
    let limits = &state.coordination;
    let address = format!("password-reset:ip:{}", ip.unwrap_or("unknown"));
    let by_ip = limits
        .hit(&address, RESETS_PER_ADDRESS, RESET_WINDOW)
        .await?;
    let account = format!("password-reset:account:{}", sha256_hex(email));
    let by_email = limits.hit(&account, RESETS_PER_EMAIL, RESET_WINDOW).await?;
    if by_ip.allowed && by_email.allowed {
        return Ok(());
    }
    tracing::warn!(ip = ?ip, "password-reset rate limit reached");
    Err(ApiError::too_many_requests(
        by_ip.retry_after.max(by_email.retry_after),
    ))
}

/// Set a new password with the token of a reset link; every session of the account ends.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password-reset/confirm",
    tag = "auth",
    security(()),
    request_body = ResetConfirmation,
    responses((status = 204, description = "The password is changed; sign in with it"))
)]
async fn confirm_reset(
    State(state): State<AppState>,
    SourceIp(source_ip): SourceIp,
    ApiJson(body): ApiJson<ResetConfirmation>,
) -> ApiResult<StatusCode> {
    let link = usable_link(&state, body.token.trim(), LinkPurpose::PasswordReset).await?;
    let user = match state
        .store
        .find_user_by_email(link.organization_id, &link.email)
        .await
    {
        Err(StoreError::NotFound) => {
            return Err(ApiError::not_found_because(
                "This link is not valid: its account no longer exists.",
            ));
        }
        other => other?,
    };
    let mut v = Validator::new();
    if let Err(weak) = check_strength(&body.password, &user.email) {
        v.error("password", weak.to_string());
    }
    v.finish()?;
    let hash = passwords::hash(body.password).await?;
    let entry = audit::entry(
        Actor::user(&user, source_ip),
        Change::action("reset_password", "user", Some(user.id.to_string())),
    );
    let now = now_ms();
    match state
        .store
        .reset_password(&link, user.organization_id, user.id, &hash, &entry, now)
        .await
    {
        Err(StoreError::NotFound) => Err(ApiError::not_found_because(
            "This link is not valid: it was used already or has expired.",
        )),
        Err(e) => Err(e.into()),
        Ok(()) => {
            let ending = Ending::User {
                user: user.id,
                except: None,
            };
            close_connections(&state.realtime, user.organization_id, ending).await;
            Ok(StatusCode::NO_CONTENT)
        }
    }
}
