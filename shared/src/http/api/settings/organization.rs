//! `GET/PATCH /api/v1/settings/organization`: the name and the IANA time zone (the default for
//! schedules and what call times are shown in).

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::domain::model::Role;
use crate::domain::now_ms;
use crate::domain::timezone::Timezone;
use crate::http::api::audit::{self, Change};
use crate::http::api::caller::Caller;
use crate::http::api::extract::ApiJson;
use crate::http::api::problem::ApiResult;
use crate::http::api::schema::LongName;
use crate::http::api::user_view::OrganizationView;
use crate::http::api::validate::Validator;
use crate::ports::organizations::OrganizationRepo;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationUpdate {
    #[schema(value_type = Option<LongName>)]
    pub name: Option<String>,
    pub timezone: Option<Timezone>,
}

/// The caller's organization.
#[utoipa::path(
    get,
    path = "/api/v1/settings/organization",
    tag = "settings",
    responses((status = 200, body = OrganizationView))
)]
pub async fn get_organization(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<OrganizationView>> {
    caller.require(Role::PbxAdmin)?;
    let org = state.store.find_organization(caller.org()).await?;
    Ok(Json(OrganizationView::from(&org)))
}

/// Rename the organization or change its time zone (owner only).
#[utoipa::path(
    patch,
    path = "/api/v1/settings/organization",
    tag = "settings",
    request_body = OrganizationUpdate,
    responses((status = 200, body = OrganizationView))
)]
pub async fn update_organization(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<OrganizationUpdate>,
) -> ApiResult<Json<OrganizationView>> {
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
    v.finish()?;
    org.updated_at = now_ms();
    state.store.update_organization(&org).await?;
    let view = OrganizationView::from(&org);
    audit::committed(
        &state,
        &caller,
        Change::updated(
            "organization",
            org.id,
            &OrganizationView::from(&before),
            &view,
        ),
    )
    .await;
    Ok(Json(view))
}
