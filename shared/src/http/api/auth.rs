//! The `api-auth` function: login, logout, who-am-I, the caller's profile (see [`super::profile`])
//! and the OpenAPI document of the whole API (`GET /api/v1/openapi.json`, public: it describes
//! routes, never data).
//!
//! Login trades email + password for an opaque bearer token: 256 random bits, stored only as
//! its SHA-256, valid for [`TOKEN_LIFETIME`] unless revoked (logout, password change,
//! deactivation). Unknown email and wrong password get the same answer after the same work (a
//! dummy argon2 verification), and failed attempts are throttled by
//! [`super::sign_in_throttle`] without ever locking the owner out.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::{self, Actor, Change};
use super::caller::Caller;
use super::extract::{ApiJson, SourceIp};
use super::problem::{ApiError, ApiResult, OrganizationChoice, Problem};
use super::sign_in_throttle::SignInAttempt;
use super::time::UtcTime;
use super::user_view::{OrganizationView, UserView};
use super::validate::Validator;
use super::{passwords, profile};
use crate::app::AppState;
use crate::crypto::{random_token, sha256_hex};
use crate::domain::ids::TokenId;
use crate::domain::model::{ApiToken, OrgStatus, Status, User};
use crate::domain::now_ms;
use crate::domain::password::MAX_LENGTH;
use crate::http::api::schema::LoginEmail;
use crate::ports::organizations::OrganizationRepo;
use crate::ports::store::StoreError;
use crate::ports::users::{ApiTokenRepo, UserRepo};
use crate::realtime::closing::{Ending, close_connections};

/// How long a token from login stays valid.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// The routes of the `api-auth` function, documented.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(openapi_json))
        .merge(profile::routes())
        .merge(super::invitations::accept_routes())
        .merge(super::password_reset::routes())
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(value_type = LoginEmail, example = "ann@example.com")]
    pub email: String,
    #[schema(min_length = 1, max_length = 256)]
    pub password: String,
    /// The organization's slug. Only needed when the same email and password belong to
    /// accounts in several organizations.
    #[serde(default)]
    pub organization: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`. Shown once; only its hash is stored.
    pub token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    pub expires_at: UtcTime,
    pub user: UserView,
    pub organization: OrganizationView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub user: UserView,
    pub organization: OrganizationView,
}

pub(crate) fn invalid_credentials() -> ApiError {
    ApiError::unauthorized("The email or password is incorrect.")
}

/// The email of a sign-in (lower-cased), once both fields are within their limits; the same
/// rules for organization users and platform operators.
pub(crate) fn sign_in_email(email: &str, password: &str) -> ApiResult<String> {
    let mut v = Validator::new();
    let email = v.text("email", email, 3, 255).to_lowercase();
    v.check(
        "password",
        !password.is_empty() && password.chars().count() <= MAX_LENGTH,
        "must be given (at most 256 characters)",
    );
    v.finish()?;
    Ok(email)
}

/// Log in with email and password.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = LoginResponse),
        (status = 401, description = "Unknown email or wrong password (the same answer for both)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Correct password, but the account is deactivated or the organization suspended", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The credentials match accounts in several organizations, listed in `organizations`; send one's slug as `organization`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address or for this account", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    )
)]
async fn login(
    State(state): State<AppState>,
    SourceIp(source_ip): SourceIp,
    ApiJson(body): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let email = sign_in_email(&body.email, &body.password)?;
    let attempt = SignInAttempt::begin(&state, "login", source_ip.as_deref(), &email).await?;

    let candidates = match body.organization.as_deref().map(str::trim) {
        Some(slug) if !slug.is_empty() => match state.store.find_organization_by_slug(slug).await {
            Ok(org) => match state.store.find_user_by_email(org.id, &email).await {
                Ok(user) => vec![user],
                Err(StoreError::NotFound) => Vec::new(),
                Err(e) => return Err(e.into()),
            },
            Err(StoreError::NotFound) => Vec::new(),
            Err(e) => return Err(e.into()),
        },
        _ => state.store.find_users_by_email(&email).await?,
    };
    let matching = check_passwords(candidates, body.password).await?;
    if !matching.is_empty() {
        attempt.succeeded(&state).await;
    }
    let user = match matching.as_slice() {
        [] => return Err(invalid_credentials()),
        [user] => user.clone(),
        several => return Err(several_organizations(&state, several).await?),
    };
    if user.status != Status::Active {
        return Err(ApiError::forbidden(
            "This account is deactivated; ask an administrator of your organization.",
        ));
    }
    let org = state.store.find_organization(user.organization_id).await?;
    if org.status != OrgStatus::Active {
        return Err(ApiError::organization_suspended());
    }

    let token = random_token();
    let now = now_ms();
    let row = ApiToken {
        id: TokenId::new(),
        organization_id: user.organization_id,
        user_id: user.id,
        token_hash: sha256_hex(&token),
        created_at: now,
        expires_at: now + TOKEN_LIFETIME.as_millis() as i64,
        revoked_at: None,
    };
    let entry = audit::entry(
        Actor::user(&user, source_ip),
        Change::action("login", "session", Some(row.id.to_string())),
    );
    state.store.create_api_token(&row, &[entry]).await?;
    audit::invalidate(&state, user.organization_id).await;
    Ok(Json(LoginResponse {
        token,
        token_type: "Bearer",
        expires_at: row.expires_at.into(),
        user: UserView::from(&user),
        organization: OrganizationView::from(&org),
    }))
}

/// The candidates whose password matches (see [`passwords::matching`]).
async fn check_passwords(candidates: Vec<User>, password: String) -> ApiResult<Vec<User>> {
    let hashes = candidates.iter().map(|u| u.password_hash.clone()).collect();
    let matches = passwords::matching(hashes, password).await?;
    Ok(candidates
        .into_iter()
        .zip(matches)
        .filter_map(|(user, ok)| ok.then_some(user))
        .collect())
}

/// 409 listing the organizations: the caller proved the password of an account in each.
async fn several_organizations(state: &AppState, users: &[User]) -> ApiResult<ApiError> {
    let mut choices = Vec::with_capacity(users.len());
    for u in users {
        let org = state.store.find_organization(u.organization_id).await?;
        choices.push(OrganizationChoice {
            slug: org.slug,
            name: org.name,
        });
    }
    Ok(ApiError::choose_organization(choices))
}

/// Log out: the token used for this request stops working at once.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    responses((status = 204, description = "The token is revoked"))
)]
async fn logout(State(state): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    let ended = Change::action("logout", "session", Some(caller.token_id.to_string()));
    let entry = audit::entry((&caller).into(), ended);
    state
        .store
        .revoke_api_token(caller.org(), caller.token_id, now_ms(), &[entry])
        .await?;
    close_connections(
        &state.realtime,
        caller.org(),
        Ending::Session(caller.token_id),
    )
    .await;
    audit::invalidate(&state, caller.org()).await;
    Ok(StatusCode::NO_CONTENT)
}

/// The calling user and their organization.
#[utoipa::path(
    get,
    path = "/api/v1/auth/me",
    tag = "auth",
    responses((status = 200, body = MeResponse))
)]
async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<MeResponse>> {
    let org = state.store.find_organization(caller.org()).await?;
    Ok(Json(MeResponse {
        user: UserView::from(&caller.user),
        organization: OrganizationView::from(&org),
    }))
}

/// The OpenAPI 3.1 description of every `/api/v1` route.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    security(()),
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json"))
)]
async fn openapi_json() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        SERVED_OPENAPI,
    )
}

/// The document as committed for the SPA (`frontend/openapi.json`), which the API tests hold
/// equal to [`super::openapi::json`], the document the routes' annotations generate. Serving the copy
/// keeps the generator, and every schema it walks, out of this function's binary (about 3 MB).
const SERVED_OPENAPI: &str = include_str!("../../../../frontend/openapi.json");
