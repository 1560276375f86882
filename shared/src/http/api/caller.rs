//! Who is calling: `Authorization: Bearer <token>` → the token's SHA-256 → its row → the user and
//! the organization, all read from the database on every request. Revoking a token (logout,
//! password change, deactivation) is therefore effective on every function at once, with no
//! cache to wait out.
//!
//! Handlers take a [`Caller`] argument and check the role first:
//! `caller.require(Role::PbxAdmin)?;` (owner > pbx_admin > pbx_user > reporter, ARCHITECTURE §6).
//! Every store call is then scoped with `caller.org()`.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::extract::client_ip;
use super::problem::{ApiError, ApiResult};
use crate::app::AppState;
use crate::crypto::sha256_hex;
use crate::domain::ids::{OrgId, TokenId, UserId};
use crate::domain::model::{OrgStatus, Role, Status, User};
use crate::domain::now_ms;
use crate::ports::organizations::OrganizationRepo;
use crate::ports::store::StoreError;
use crate::ports::users::{ApiTokenRepo, UserRepo};

/// An authenticated request: the user (fresh from the database), the token it used and the
/// address it came from.
#[derive(Clone)]
pub struct Caller {
    pub user: User,
    pub token_id: TokenId,
    /// For the audit log and rate limits; see [`client_ip`].
    pub source_ip: Option<String>,
}

/// Written by hand so that logging a caller never prints the user's password hash.
impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("user", &self.user.id)
            .field("org", &self.user.organization_id)
            .field("role", &self.user.role)
            .field("token_id", &self.token_id)
            .field("source_ip", &self.source_ip)
            .finish()
    }
}

impl Caller {
    /// The caller's organization: the scope of every query a handler makes.
    pub fn org(&self) -> OrgId {
        self.user.organization_id
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn user_id(&self) -> UserId {
        self.user.id
    }

    /// 403 unless the caller's role is `least` or more powerful.
    pub fn require(&self, least: Role) -> ApiResult<()> {
        if self.role().at_least(least) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "This needs the {least} role or higher; you are {}.",
                self.role()
            )))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let token = bearer_token(parts)?;
        let mut caller = authenticate_bearer(state, token).await?;
        caller.source_ip = client_ip(parts, &state.trusted_proxies);
        crate::observe::request::record_org(caller.user.organization_id);
        crate::observe::request::record_user(caller.user.id);
        Ok(caller)
    }
}

fn bearer_token(parts: &Parts) -> ApiResult<&str> {
    let value = parts
        .headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("Send Authorization: Bearer <token>."))?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("The Authorization header is not valid text."))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => Ok(token.trim()),
        _ => Err(ApiError::unauthorized(
            "Only bearer tokens are accepted: Authorization: Bearer <token>.",
        )),
    }
}

/// Longest token accepted for lookup; ours are 43 characters, anything much longer is noise.
const MAX_TOKEN_LEN: usize = 128;

/// Resolves a bearer token to its caller (without a source address), or 401. Besides the
/// `Caller` extractor, the WebSocket `$connect` handler uses this with the token from its query.
pub async fn authenticate_bearer(state: &AppState, token: &str) -> ApiResult<Caller> {
    let invalid = || ApiError::unauthorized("The token is invalid, expired or revoked.");
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Err(invalid());
    }
    let row = match state.store.find_api_token_by_hash(&sha256_hex(token)).await {
        Err(StoreError::NotFound) => return Err(invalid()),
        other => other?,
    };
    if row.revoked_at.is_some() || row.expires_at <= now_ms() {
        return Err(invalid());
    }
    let user = match state
        .store
        .find_user(row.organization_id, row.user_id)
        .await
    {
        Err(StoreError::NotFound) => return Err(invalid()),
        other => other?,
    };
    if user.status != Status::Active {
        return Err(ApiError::unauthorized("This account is deactivated."));
    }
    let org = state.store.find_organization(row.organization_id).await?;
    if org.status != OrgStatus::Active {
        return Err(ApiError::forbidden("Your organization is suspended."));
    }
    Ok(Caller {
        user,
        token_id: row.id,
        source_ip: None,
    })
}
