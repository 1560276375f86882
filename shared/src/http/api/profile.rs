//! `GET/PATCH /api/v1/profile`: any signed-in user reads and edits themself (served by api-auth).
//! Only the name and the password can change here: email, role and status are an
//! administrator's business (`/api/v1/users`). A password change needs the current password,
//! must pass the strength rules, and signs out every other session of the user.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::{self, Change};
use super::caller::Caller;
use super::extract::ApiJson;
use super::org_lock::{self, OrgLock};
use super::problem::{ApiError, ApiResult};
use super::user_view::UserView;
use super::validate::Validator;
use crate::app::AppState;
use crate::crypto::{hash_password, verify_password};
use crate::domain::now_ms;
use crate::domain::password::check_strength;
use crate::http::api::schema::{LongName, Password};
use crate::ports::users::{ApiTokenRepo, UserRepo};
use crate::realtime::closing::{Ending, close_connections};

/// Guesses of the current password allowed per user per window, so a stolen token cannot be
/// used to brute-force the password behind it.
const PASSWORD_CHECKS: u64 = 10;
const PASSWORD_WINDOW: Duration = Duration::from_secs(10 * 60);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_profile, update_profile))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    #[schema(value_type = Option<LongName>)]
    pub name: Option<String>,
    /// Required with `new_password`.
    pub current_password: Option<String>,
    /// At least 10 characters, not common, not containing the email's name part; requires
    /// `current_password`.
    #[schema(value_type = Option<Password>)]
    pub new_password: Option<String>,
}

/// The calling user.
#[utoipa::path(get, path = "/api/v1/profile", tag = "profile", responses((status = 200, body = UserView)))]
async fn get_profile(caller: Caller) -> Json<UserView> {
    Json(UserView::from(&caller.user))
}

/// Change your name and/or password. A password change signs out your other sessions.
#[utoipa::path(
    patch,
    path = "/api/v1/profile",
    tag = "profile",
    request_body = ProfileUpdate,
    responses((status = 200, body = UserView))
)]
async fn update_profile(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ProfileUpdate>,
) -> ApiResult<Json<UserView>> {
    let user = &caller.user;
    let mut v = Validator::new();
    let name = body.name.as_deref().map(|n| v.text("name", n, 1, 255));
    let new_hash = match (&body.new_password, &body.current_password) {
        (None, None) => None,
        (None, Some(_)) => {
            v.error("new_password", "is required with current_password");
            None
        }
        (Some(_), None) => {
            v.error("current_password", "is required to change the password");
            None
        }
        (Some(new), Some(current)) => {
            if let Err(weak) = check_strength(new, &user.email) {
                v.error("new_password", weak.to_string());
            }
            let decision = state
                .coordination
                .hit(
                    &format!("password-check:{}", user.id),
                    PASSWORD_CHECKS,
                    PASSWORD_WINDOW,
                )
                .await?;
            if !decision.allowed {
                return Err(ApiError::too_many_requests(decision.retry_after));
            }
            let (hash, current, new) = (user.password_hash.clone(), current.clone(), new.clone());
            let checked = tokio::task::spawn_blocking(move || {
                verify_password(&current, &hash).then(|| hash_password(&new))
            })
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "password check panicked");
                ApiError::internal()
            })?;
            match checked {
                None => {
                    v.conflict("current_password", "is not your current password");
                    None
                }
                Some(Ok(hash)) => Some(hash),
                Some(Err(e)) => {
                    tracing::error!(error = %e, "password hashing failed");
                    return Err(ApiError::internal());
                }
            }
        }
    };
    v.finish()?;

    let changed_password = new_hash.is_some();
    // Applied to the row as it is now, not as it was when the request was authenticated.
    let lock = OrgLock::take(&state, caller.org(), org_lock::USERS).await?;
    let saved = async {
        let before = state
            .store
            .find_user(caller.org(), caller.user_id())
            .await?;
        let mut user = before.clone();
        if let Some(name) = name {
            user.name = name;
        }
        if let Some(hash) = new_hash {
            user.password_hash = hash;
        }
        user.updated_at = now_ms();
        let update = Change::updated(
            "user",
            user.id,
            &UserView::from(&before),
            &UserView::from(&user),
        );
        let mut entries = vec![audit::entry((&caller).into(), update)];
        if changed_password {
            let change = Change::action("change_password", "user", Some(user.id.to_string()));
            entries.push(audit::entry((&caller).into(), change));
        }
        state.store.update_user(&user, &entries).await?;
        Ok::<_, ApiError>(user)
    }
    .await;
    lock.release(&state).await;
    let user = saved?;
    if changed_password {
        state
            .store
            .revoke_other_api_tokens(user.organization_id, user.id, caller.token_id, now_ms())
            .await?;
        let ending = Ending::User {
            user: user.id,
            except: Some(caller.token_id),
        };
        close_connections(&state.realtime, user.organization_id, ending).await;
    }
    audit::invalidate(&state, caller.org()).await;
    Ok(Json(UserView::from(&user)))
}
