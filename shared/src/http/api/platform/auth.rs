//! Operators sign in at their own door, by the same rules as organization users (see
//! [`crate::http::api::auth`]): opaque 256-bit tokens stored as SHA-256, valid for
//! [`TOKEN_LIFETIME`] unless revoked, argon2id passwords, the same answer and work for an
//! unknown email as for a wrong password, and failed attempts throttled by
//! [`crate::http::api::sign_in_throttle`] (counted apart from organization sign-ins).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::operator::OperatorCaller;
use crate::app::AppState;
use crate::crypto::{random_token, sha256_hex};
use crate::domain::accounts::{Operator, OperatorToken, PlatformAuditEntry};
use crate::domain::ids::{OperatorId, OperatorTokenId, PlatformAuditId};
use crate::domain::model::Status;
use crate::domain::now_ms;
use crate::http::api::auth::{TOKEN_LIFETIME, invalid_credentials, sign_in_email};
use crate::http::api::extract::{ApiJson, SourceIp};
use crate::http::api::passwords;
use crate::http::api::problem::{ApiError, ApiResult, Problem};
use crate::http::api::schema::LoginEmail;
use crate::http::api::sign_in_throttle::SignInAttempt;
use crate::http::api::time::UtcTime;
use crate::ports::operators::{OperatorRepo, OperatorTokenRepo};
use crate::ports::store::StoreError;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(operator_login))
        .routes(routes!(operator_logout))
        .routes(routes!(operator_me))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperatorLogin {
    #[schema(value_type = LoginEmail, example = "ops@example.com")]
    pub email: String,
    #[schema(min_length = 1, max_length = 256)]
    pub password: String,
}

/// An operator as the API shows them: never the password hash.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OperatorView {
    pub id: OperatorId,
    pub email: String,
    pub name: String,
    pub status: Status,
    pub created_at: UtcTime,
}

impl From<&Operator> for OperatorView {
    fn from(o: &Operator) -> Self {
        Self {
            id: o.id,
            email: o.email.clone(),
            name: o.name.clone(),
            status: o.status,
            created_at: o.created_at.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OperatorLoginResponse {
    /// Send as `Authorization: Bearer <token>` to `/api/v1/platform/…`. Shown once.
    pub token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    pub expires_at: UtcTime,
    pub operator: OperatorView,
}

/// Sign in as a platform operator.
#[utoipa::path(
    post,
    path = "/api/v1/platform/auth/login",
    tag = "platform",
    security(()),
    request_body = OperatorLogin,
    responses(
        (status = 200, description = "Signed in", body = OperatorLoginResponse),
        (status = 401, description = "Unknown email or wrong password (the same answer for both)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Correct password, but the operator is deactivated", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address or for this account", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    )
)]
async fn operator_login(
    State(state): State<AppState>,
    SourceIp(source_ip): SourceIp,
    ApiJson(body): ApiJson<OperatorLogin>,
) -> ApiResult<Json<OperatorLoginResponse>> {
    let email = sign_in_email(&body.email, &body.password)?;
    let attempt =
        SignInAttempt::begin(&state, "platform-login", source_ip.as_deref(), &email).await?;
    let operator = match state.store.find_operator_by_email(&email).await {
        Ok(o) => Some(o),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let hashes = operator.iter().map(|o| o.password_hash.clone()).collect();
    let matched = passwords::matching(hashes, body.password).await?;
    let operator = match (operator, matched.as_slice()) {
        (Some(o), [true]) => o,
        _ => return Err(invalid_credentials()),
    };
    attempt.succeeded(&state).await;
    if operator.status != Status::Active {
        return Err(ApiError::forbidden("This operator account is deactivated."));
    }
    let token = random_token();
    let now = now_ms();
    let row = OperatorToken {
        id: OperatorTokenId::new(),
        operator_id: operator.id,
        token_hash: sha256_hex(&token),
        created_at: now,
        expires_at: now + TOKEN_LIFETIME.as_millis() as i64,
        revoked_at: None,
    };
    let entry = PlatformAuditEntry {
        id: PlatformAuditId::new(),
        operator_id: Some(operator.id),
        actor_label: operator.email.clone(),
        action: "login".into(),
        organization_id: None,
        detail: None,
        source_ip,
        created_at: now,
    };
    state.store.create_operator_token(&row, &entry).await?;
    Ok(Json(OperatorLoginResponse {
        token,
        token_type: "Bearer",
        expires_at: row.expires_at.into(),
        operator: OperatorView::from(&operator),
    }))
}

/// Sign out: the operator token used for this request stops working at once.
#[utoipa::path(
    post,
    path = "/api/v1/platform/auth/logout",
    tag = "platform",
    responses((status = 204, description = "The token is revoked"))
)]
async fn operator_logout(
    State(state): State<AppState>,
    caller: OperatorCaller,
) -> ApiResult<StatusCode> {
    let entry = caller.entry("logout", None, None::<&()>);
    state
        .store
        .revoke_operator_token(caller.token_id, entry.created_at, &entry)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The calling operator.
#[utoipa::path(
    get,
    path = "/api/v1/platform/auth/me",
    tag = "platform",
    responses((status = 200, body = OperatorView))
)]
async fn operator_me(caller: OperatorCaller) -> Json<OperatorView> {
    Json(OperatorView::from(&caller.operator))
}
