//! The `api-phone-numbers` function: `/api/v1/phone-numbers`, the organization's DIDs and where
//! their inbound calls go.
//!
//! Owners and PBX admins manage them; PBX users read them; reporters see no configuration.
//! A number is E.164 and unique within the organization (another organization may hold the same
//! number on its own Cloudonix domain). Its destination must be an object of the organization.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::{self, Change};
use super::caller::Caller;
use super::extract::{ApiJson, Id};
use super::list::{List, ListQuery, Listing, Paged};
use super::problem::ApiResult;
use super::rules;
use super::time::UtcTime;
use super::validate::Validator;
use crate::app::AppState;
use crate::domain::destination::Destination;
use crate::domain::e164::E164;
use crate::domain::ids::{OrgId, PhoneNumberId};
use crate::domain::model::{PhoneNumber, Role, Status};
use crate::domain::now_ms;
use crate::http::api::schema::Label;
use crate::ports::phone_numbers::PhoneNumberRepo;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_phone_numbers, create_phone_number))
        .routes(routes!(
            get_phone_number,
            update_phone_number,
            delete_phone_number
        ))
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

pub struct PhoneNumberList;

impl Listing for PhoneNumberList {
    /// Without `sort`, by number.
    const SORT: &'static [(&'static str, &'static str)] = &[
        ("number", "number"),
        ("label", "label"),
        ("status", "status"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PhoneNumberView {
    pub id: PhoneNumberId,
    pub number: E164,
    pub label: String,
    /// Where inbound calls to the number go.
    pub destination: Destination,
    /// Calls to an inactive number hear that it is not in service.
    pub status: Status,
    pub created_at: UtcTime,
    pub updated_at: UtcTime,
}

impl From<&PhoneNumber> for PhoneNumberView {
    fn from(p: &PhoneNumber) -> Self {
        Self {
            id: p.id,
            number: p.number.clone(),
            label: p.label.clone(),
            destination: p.destination.clone(),
            status: p.status,
            created_at: p.created_at.into(),
            updated_at: p.updated_at.into(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPhoneNumber {
    pub number: E164,
    /// How people know the line ("Main line", "Support UK"); defaults to empty.
    #[serde(default)]
    #[schema(value_type = Label)]
    pub label: String,
    pub destination: Destination,
    /// Defaults to active.
    #[serde(default)]
    pub status: Option<Status>,
}

/// Fields to change; absent ones stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneNumberUpdate {
    pub number: Option<E164>,
    #[schema(value_type = Option<Label>)]
    pub label: Option<String>,
    pub destination: Option<Destination>,
    pub status: Option<Status>,
}

/// The rules of a phone number, on create and update alike: trims the label and answers 422
/// naming every bad field.
pub async fn check(state: &AppState, org: OrgId, number: &mut PhoneNumber) -> ApiResult<()> {
    let mut v = Validator::new();
    number.label = v.text("label", &number.label, 0, rules::NAME_MAX);
    v.destination(state, org, "destination", &number.destination, None)
        .await?;
    v.finish()
}

/// List the organization's phone numbers.
#[utoipa::path(
    get,
    path = "/api/v1/phone-numbers",
    tag = "phone-numbers",
    params(ListQuery<PhoneNumberList>),
    responses((status = 200, body = Paged<PhoneNumberView>))
)]
async fn list_phone_numbers(
    State(state): State<AppState>,
    caller: Caller,
    list: List<PhoneNumberList>,
) -> ApiResult<Json<Paged<PhoneNumberView>>> {
    caller.require(Role::PbxUser)?;
    let page = state
        .store
        .list_phone_numbers(caller.org(), &list.filter, list.page)
        .await?;
    Ok(Json(Paged::map(page, |p| PhoneNumberView::from(&p))))
}

/// Add a phone number.
#[utoipa::path(
    post,
    path = "/api/v1/phone-numbers",
    tag = "phone-numbers",
    request_body = NewPhoneNumber,
    responses((status = 201, body = PhoneNumberView))
)]
async fn create_phone_number(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewPhoneNumber>,
) -> ApiResult<(StatusCode, Json<PhoneNumberView>)> {
    caller.require(Role::PbxAdmin)?;
    let now = now_ms();
    let mut number = PhoneNumber {
        id: PhoneNumberId::new(),
        organization_id: caller.org(),
        number: body.number,
        label: body.label,
        destination: body.destination,
        status: body.status.unwrap_or(Status::Active),
        created_at: now,
        updated_at: now,
    };
    check(&state, caller.org(), &mut number).await?;
    let view = PhoneNumberView::from(&number);
    let entry = audit::entry(
        (&caller).into(),
        Change::created("phone_number", number.id, &view),
    );
    state.store.create_phone_number(&number, &[entry]).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One phone number.
#[utoipa::path(
    get,
    path = "/api/v1/phone-numbers/{id}",
    tag = "phone-numbers",
    params(("id" = PhoneNumberId, Path)),
    responses((status = 200, body = PhoneNumberView))
)]
async fn get_phone_number(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<PhoneNumberId>,
) -> ApiResult<Json<PhoneNumberView>> {
    caller.require(Role::PbxUser)?;
    let number = state.store.find_phone_number(caller.org(), id).await?;
    Ok(Json(PhoneNumberView::from(&number)))
}

/// Change a phone number's number, label, destination or status.
#[utoipa::path(
    patch,
    path = "/api/v1/phone-numbers/{id}",
    tag = "phone-numbers",
    params(("id" = PhoneNumberId, Path)),
    request_body = PhoneNumberUpdate,
    responses((status = 200, body = PhoneNumberView))
)]
async fn update_phone_number(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<PhoneNumberId>,
    ApiJson(body): ApiJson<PhoneNumberUpdate>,
) -> ApiResult<Json<PhoneNumberView>> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_phone_number(caller.org(), id).await?;
    let mut after = before.clone();
    if let Some(number) = body.number {
        after.number = number;
    }
    if let Some(label) = body.label {
        after.label = label;
    }
    if let Some(destination) = body.destination {
        after.destination = destination;
    }
    if let Some(status) = body.status {
        after.status = status;
    }
    check(&state, caller.org(), &mut after).await?;
    after.updated_at = now_ms();
    let view = PhoneNumberView::from(&after);
    let entry = audit::entry(
        (&caller).into(),
        Change::updated("phone_number", id, &PhoneNumberView::from(&before), &view),
    );
    state.store.update_phone_number(&after, &[entry]).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(Json(view))
}

/// Remove a phone number (nothing routes to a phone number, so nothing can refuse it).
#[utoipa::path(
    delete,
    path = "/api/v1/phone-numbers/{id}",
    tag = "phone-numbers",
    params(("id" = PhoneNumberId, Path)),
    responses((status = 204, description = "Deleted"))
)]
async fn delete_phone_number(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<PhoneNumberId>,
) -> ApiResult<StatusCode> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_phone_number(caller.org(), id).await?;
    let entry = audit::entry(
        (&caller).into(),
        Change::deleted("phone_number", id, &PhoneNumberView::from(&before)),
    );
    state
        .store
        .delete_phone_number(caller.org(), id, &[entry])
        .await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(StatusCode::NO_CONTENT)
}
