//! `GET/PATCH /api/v1/settings/organization`: the name, the IANA time zone (the default for
//! schedules and what call times are shown in), what callers to a number the organization does
//! not have hear, and the rules of outward calls: the default caller id and how far extensions
//! may forward calls outside (the toll-fraud controls an owner adds to the outbound routes).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::domain::calling::{CallingPolicy, ExternalForwarding, NumberPrefix};
use crate::domain::e164::E164;
use crate::domain::model::{Organization, Role};
use crate::domain::now_ms;
use crate::domain::timezone::Timezone;
use crate::http::api::audit::{self, Change};
use crate::http::api::caller::Caller;
use crate::http::api::extract::{ApiJson, nullable};
use crate::http::api::problem::ApiResult;
use crate::http::api::rules;
use crate::http::api::schema::{LongName, Speech};
use crate::http::api::user_view::OrganizationView;
use crate::http::api::validate::Validator;
use crate::ports::organizations::OrganizationRepo;
use crate::ports::phone_numbers::PhoneNumberRepo;
use crate::ports::store::StoreError;

/// At most this many forwarding prefixes.
const MAX_PREFIXES: usize = 100;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationUpdate {
    #[schema(value_type = Option<LongName>)]
    pub name: Option<String>,
    pub timezone: Option<Timezone>,
    /// Spoken to callers of a number the organization does not have (or has switched off)
    /// before the call is refused; null refuses it without a word.
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<Speech>)]
    pub unassigned_number_message: Option<Option<String>>,
    /// One of the organization's phone numbers; `null` clears it.
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<E164>)]
    pub default_caller_id: Option<Option<E164>>,
    pub external_forwarding: Option<ExternalForwarding>,
    #[schema(max_items = 100)]
    pub forwarding_prefixes: Option<Vec<NumberPrefix>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OrganizationSettingsView {
    #[serde(flatten)]
    pub organization: OrganizationView,
    /// Spoken (as early media, so the call is never answered or billed) before a call to a
    /// number the organization does not have is refused; null: refused without a word.
    pub unassigned_number_message: Option<String>,
    /// Presented by outward calls whose outbound route has no caller id (a forwarded inbound
    /// call presents the number it came in on). Without it, such routes refuse calls.
    pub default_caller_id: Option<E164>,
    /// Where extensions may forward calls outside: `outbound_routes` (any number a route
    /// allows), `listed_prefixes` (only numbers starting with one of `forwarding_prefixes`) or
    /// `never`.
    pub external_forwarding: ExternalForwarding,
    pub forwarding_prefixes: Vec<NumberPrefix>,
}

impl From<&Organization> for OrganizationSettingsView {
    fn from(org: &Organization) -> Self {
        Self {
            organization: OrganizationView::from(org),
            unassigned_number_message: org.unassigned_number_message.clone(),
            default_caller_id: org.calling.default_caller_id.clone(),
            external_forwarding: org.calling.external_forwarding,
            forwarding_prefixes: org.calling.forwarding_prefixes.clone(),
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

/// Rename the organization, change its time zone, what callers of unassigned numbers hear or its
/// rules for outward calls (owner only).
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
            .map(|text| v.text("unassigned_number_message", text, 1, rules::SPEECH_MAX));
    }
    if let Some(caller_id) = body.default_caller_id {
        org.calling.default_caller_id = caller_id;
    }
    if let Some(rule) = body.external_forwarding {
        org.calling.external_forwarding = rule;
    }
    if let Some(mut prefixes) = body.forwarding_prefixes {
        prefixes.sort();
        prefixes.dedup();
        org.calling.forwarding_prefixes = prefixes;
    }
    check_calling(&state, &org, &mut v).await?;
    v.finish()?;
    org.updated_at = now_ms();
    let view = OrganizationSettingsView::from(&org);
    let before = OrganizationSettingsView::from(&before);
    let change = Change::updated("organization", org.id, &before, &view);
    let entry = audit::entry((&caller).into(), change);
    state.store.update_organization(&org, &entry).await?;
    audit::invalidate(&state, org.id).await;
    Ok(Json(view))
}

/// The default caller id must be a number the organization owns (carriers refuse others), and
/// `listed_prefixes` needs a list.
async fn check_calling(state: &AppState, org: &Organization, v: &mut Validator) -> ApiResult<()> {
    let CallingPolicy {
        default_caller_id,
        external_forwarding,
        forwarding_prefixes,
    } = &org.calling;
    if let Some(number) = default_caller_id {
        match state
            .store
            .find_phone_number_by_number(org.id, number)
            .await
        {
            Ok(_) => {}
            Err(StoreError::NotFound) => v.conflict(
                "default_caller_id",
                "must be one of the organization's phone numbers",
            ),
            Err(e) => return Err(e.into()),
        }
    }
    v.check(
        "forwarding_prefixes",
        forwarding_prefixes.len() <= MAX_PREFIXES,
        "at most 100 prefixes",
    );
    // Whether the list is empty may come from what is stored, not from this request: a
    // conflict with the current data, like the caller id above.
    if *external_forwarding == ExternalForwarding::ListedPrefixes && forwarding_prefixes.is_empty()
    {
        v.conflict(
            "forwarding_prefixes",
            "needs at least one prefix when external_forwarding is listed_prefixes",
        );
    }
    Ok(())
}
