//! `GET/PATCH /api/v1/settings/organization`: the name, the IANA time zone (the default for
//! schedules and what call times are shown in) and what callers to a number the organization
//! does not have hear.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::domain::model::{Organization, Role};
use crate::domain::now_ms;
use crate::domain::timezone::Timezone;
use crate::http::api::audit::{self, Change};
use crate::http::api::caller::Caller;
use crate::http::api::extract::{ApiJson, nullable};
use crate::http::api::problem::ApiResult;
use crate::http::api::schema::LongName;
use crate::http::api::user_view::OrganizationView;
use crate::http::api::validate::Validator;
use crate::ports::organizations::OrganizationRepo;

/// Longest spoken message for calls to unassigned numbers.
const MAX_UNASSIGNED_MESSAGE: usize = 500;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationUpdate {
    #[schema(value_type = Option<LongName>)]
    pub name: Option<String>,
    pub timezone: Option<Timezone>,
    /// Spoken to callers of a number the organization does not have (or has switched off)
    /// before the call is refused; null refuses it without a word. 1 to 500 characters.
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub unassigned_number_message: Option<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OrganizationSettingsView {
    #[serde(flatten)]
    pub organization: OrganizationView,
    /// Spoken (as early media, so the call is never answered or billed) before a call to a
    /// number the organization does not have is refused; null: refused without a word.
    pub unassigned_number_message: Option<String>,
}

impl From<&Organization> for OrganizationSettingsView {
    fn from(org: &Organization) -> Self {
        Self {
            organization: OrganizationView::from(org),
            unassigned_number_message: org.unassigned_number_message.clone(),
        }
    }
}

/// The caller's organization.
#[utoipa::path(
    get,
    path = "/api/v1/settings/organization",
    tag = "settings",
    responses((status = 200, body = OrganizationSettingsView))
)]
pub async fn get_organization(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<OrganizationSettingsView>> {
    caller.require(Role::PbxAdmin)?;
    let org = state.store.find_organization(caller.org()).await?;
    Ok(Json(OrganizationSettingsView::from(&org)))
}

/// Rename the organization, change its time zone or what callers of unassigned numbers hear
/// (owner only).
#[utoipa::path(
    patch,
    path = "/api/v1/settings/organization",
    tag = "settings",
    request_body = OrganizationUpdate,
    responses((status = 200, body = OrganizationSettingsView))
)]
pub async fn update_organization(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<OrganizationUpdate>,
) -> ApiResult<Json<OrganizationSettingsView>> {
    caller.require(Role::Owner)?;
    let before = state.store.find_organization(caller.org()).await?;
    let mut org = before.clone();
    let mut v = Validator::new();
    if let Some(name) = &body.name {
        org.name = v.text("name", name, 1, 255);
    }
    if let Some(timezone) = body.timezone {
        org.timezone = timezone;
    }
    if let Some(message) = &body.unassigned_number_message {
        org.unassigned_number_message = message
            .as_deref()
            .map(|text| v.text("unassigned_number_message", text, 1, MAX_UNASSIGNED_MESSAGE));
    }
    v.finish()?;
    org.updated_at = now_ms();
    state.store.update_organization(&org).await?;
    let view = OrganizationSettingsView::from(&org);
    audit::committed(
        &state,
        &caller,
        Change::updated(
            "organization",
            org.id,
            &OrganizationSettingsView::from(&before),
            &view,
        ),
    )
    .await;
    Ok(Json(view))
}
