//! The `api-conference-rooms` function: `/api/v1/conference-rooms`.
//!
//! Owners and PBX admins manage rooms; PBX users read them; reporters see no configuration.
//! Names are unique within the organization, ignoring case. A room may have a number that
//! phones dial; it shares the extensions' numbering, so a number an extension has is refused
//! with 409. The PIN (4 to 10 digits) is stored sealed and never answered: views say `has_pin`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::{self, Change};
use super::caller::Caller;
use super::dial_numbers::{self, Claimant};
use super::extract::{ApiJson, Id, nullable};
use super::list::{List, ListQuery, Listing, Paged};
use super::problem::ApiResult;
use super::rules;
use super::time::UtcTime;
use super::validate::Validator;
use crate::app::AppState;
use crate::crypto::SealedColumn;
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::{ConferenceRoomId, RecordingId};
use crate::domain::model::{AuditEntry, ConferenceRoom, Role, Status};
use crate::domain::now_ms;
use crate::http::api::schema::{Name, Pin};
use crate::ports::conference_rooms::ConferenceRoomRepo;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_conference_rooms, create_conference_room))
        .routes(routes!(
            get_conference_room,
            update_conference_room,
            delete_conference_room
        ))
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

pub const DEFAULT_MAX_PARTICIPANTS: i32 = 50;

pub struct ConferenceRoomList;

impl Listing for ConferenceRoomList {
    /// Without `sort`, by name.
    const SORT: &'static [(&'static str, &'static str)] = &[
        ("name", "name"),
        ("max_participants", "max_participants"),
        ("status", "status"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ConferenceRoomView {
    pub id: ConferenceRoomId,
    pub name: String,
    /// What phones dial to join; absent: reachable only through destinations.
    pub number: Option<ExtensionNumber>,
    /// Whether callers must enter a PIN; the PIN itself is never answered.
    pub has_pin: bool,
    pub max_participants: i32,
    pub mute_on_entry: bool,
    pub announce_join_leave: bool,
    pub wait_for_moderator: bool,
    pub record: bool,
    /// An uploaded recording callers hear while they wait for the conference to start.
    pub hold_music_recording_id: Option<RecordingId>,
    pub status: Status,
    pub created_at: UtcTime,
    pub updated_at: UtcTime,
}

impl From<&ConferenceRoom> for ConferenceRoomView {
    fn from(r: &ConferenceRoom) -> Self {
        Self {
            id: r.id,
            name: r.name.clone(),
            number: r.number.clone(),
            has_pin: r.pin_enc.is_some(),
            max_participants: r.max_participants,
            mute_on_entry: r.mute_on_entry,
            announce_join_leave: r.announce_join_leave,
            wait_for_moderator: r.wait_for_moderator,
            record: r.record,
            hold_music_recording_id: r.hold_music_recording_id,
            status: r.status,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConferenceRoom {
    #[schema(value_type = Name)]
    pub name: String,
    #[serde(default)]
    pub number: Option<ExtensionNumber>,
    /// 4 to 10 digits.
    #[serde(default)]
    #[schema(value_type = Option<Pin>)]
    pub pin: Option<String>,
    /// Defaults to 50.
    #[serde(default)]
    #[schema(minimum = 2, maximum = 250)]
    pub max_participants: Option<i32>,
    #[serde(default)]
    pub mute_on_entry: bool,
    #[serde(default)]
    pub announce_join_leave: bool,
    #[serde(default)]
    pub wait_for_moderator: bool,
    #[serde(default)]
    pub record: bool,
    /// One of the organization's recordings, played while callers wait.
    #[serde(default)]
    pub hold_music_recording_id: Option<RecordingId>,
    /// Defaults to active.
    #[serde(default)]
    pub status: Option<Status>,
}

/// Fields to change; absent ones stay as they are, `null` removes the number or the PIN.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConferenceRoomUpdate {
    #[schema(value_type = Option<Name>)]
    pub name: Option<String>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<ExtensionNumber>)]
    pub number: Option<Option<ExtensionNumber>>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<Pin>)]
    pub pin: Option<Option<String>>,
    #[schema(minimum = 2, maximum = 250)]
    pub max_participants: Option<i32>,
    pub mute_on_entry: Option<bool>,
    pub announce_join_leave: Option<bool>,
    pub wait_for_moderator: Option<bool>,
    pub record: Option<bool>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<RecordingId>)]
    pub hold_music_recording_id: Option<Option<RecordingId>>,
    pub status: Option<Status>,
}

/// The rules of a room, on create and update alike: trims the name and answers 422 naming every
/// bad field (409 for hold music that is not one of the organization's recordings). `new_pin` is
/// a PIN about to be set, in clear.
pub async fn check(
    state: &AppState,
    room: &mut ConferenceRoom,
    new_pin: Option<&str>,
) -> ApiResult<()> {
    let mut v = Validator::new();
    v.recording(
        state,
        room.organization_id,
        "hold_music_recording_id",
        room.hold_music_recording_id,
    )
    .await?;
    room.name = v.text("name", &room.name, 1, rules::NAME_MAX);
    if let Some(pin) = new_pin {
        v.rule("pin", rules::pin(pin));
    }
    v.range(
        "max_participants",
        room.max_participants,
        rules::MAX_PARTICIPANTS,
        "participants",
    );
    v.finish()
}

/// Saves `room` (created when there is no `before`) with its `audit` entries, claiming its
/// number if it has one.
async fn save(
    state: &AppState,
    room: &ConferenceRoom,
    before: Option<&ConferenceRoom>,
    audit: &[AuditEntry],
) -> ApiResult<()> {
    dial_numbers::write_claiming(
        state,
        room.organization_id,
        Claimant::ConferenceRoom,
        room.number.as_ref(),
        before.and_then(|b| b.number.as_ref()),
        async || {
            match before {
                None => state.store.create_conference_room(room, audit).await?,
                Some(_) => state.store.update_conference_room(room, audit).await?,
            }
            Ok(())
        },
    )
    .await
}

/// List the organization's conference rooms.
#[utoipa::path(
    get,
    path = "/api/v1/conference-rooms",
    tag = "conference-rooms",
    params(ListQuery<ConferenceRoomList>),
    responses((status = 200, body = Paged<ConferenceRoomView>))
)]
async fn list_conference_rooms(
    State(state): State<AppState>,
    caller: Caller,
    list: List<ConferenceRoomList>,
) -> ApiResult<Json<Paged<ConferenceRoomView>>> {
    caller.require(Role::PbxUser)?;
    let page = state
        .store
        .list_conference_rooms(caller.org(), &list.filter, list.page)
        .await?;
    Ok(Json(Paged::map(page, |r| ConferenceRoomView::from(&r))))
}

/// Create a conference room.
#[utoipa::path(
    post,
    path = "/api/v1/conference-rooms",
    tag = "conference-rooms",
    request_body = NewConferenceRoom,
    responses((status = 201, body = ConferenceRoomView))
)]
async fn create_conference_room(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewConferenceRoom>,
) -> ApiResult<(StatusCode, Json<ConferenceRoomView>)> {
    caller.require(Role::PbxAdmin)?;
    let now = now_ms();
    let mut room = ConferenceRoom {
        id: ConferenceRoomId::new(),
        organization_id: caller.org(),
        name: body.name,
        number: body.number,
        pin_enc: None,
        max_participants: body.max_participants.unwrap_or(DEFAULT_MAX_PARTICIPANTS),
        mute_on_entry: body.mute_on_entry,
        announce_join_leave: body.announce_join_leave,
        wait_for_moderator: body.wait_for_moderator,
        record: body.record,
        hold_music_recording_id: body.hold_music_recording_id,
        status: body.status.unwrap_or(Status::Active),
        created_at: now,
        updated_at: now,
    };
    check(&state, &mut room, body.pin.as_deref()).await?;
    room.pin_enc = body.pin.map(|p| {
        state
            .secrets
            .seal(SealedColumn::ROOM_PIN, &room.id.to_string(), &p)
    });
    let view = ConferenceRoomView::from(&room);
    let entry = audit::entry(
        (&caller).into(),
        Change::created("conference_room", room.id, &view),
    );
    save(&state, &room, None, &[entry]).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One conference room.
#[utoipa::path(
    get,
    path = "/api/v1/conference-rooms/{id}",
    tag = "conference-rooms",
    params(("id" = ConferenceRoomId, Path)),
    responses((status = 200, body = ConferenceRoomView))
)]
async fn get_conference_room(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ConferenceRoomId>,
) -> ApiResult<Json<ConferenceRoomView>> {
    caller.require(Role::PbxUser)?;
    let room = state.store.find_conference_room(caller.org(), id).await?;
    Ok(Json(ConferenceRoomView::from(&room)))
}

/// Change a conference room.
#[utoipa::path(
    patch,
    path = "/api/v1/conference-rooms/{id}",
    tag = "conference-rooms",
    params(("id" = ConferenceRoomId, Path)),
    request_body = ConferenceRoomUpdate,
    responses((status = 200, body = ConferenceRoomView))
)]
async fn update_conference_room(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ConferenceRoomId>,
    ApiJson(body): ApiJson<ConferenceRoomUpdate>,
) -> ApiResult<Json<ConferenceRoomView>> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_conference_room(caller.org(), id).await?;
    let mut after = before.clone();
    if let Some(name) = body.name {
        after.name = name;
    }
    if let Some(number) = body.number {
        after.number = number;
    }
    if let Some(n) = body.max_participants {
        after.max_participants = n;
    }
    if let Some(flag) = body.mute_on_entry {
        after.mute_on_entry = flag;
    }
    if let Some(flag) = body.announce_join_leave {
        after.announce_join_leave = flag;
    }
    if let Some(flag) = body.wait_for_moderator {
        after.wait_for_moderator = flag;
    }
    if let Some(flag) = body.record {
        after.record = flag;
    }
    if let Some(recording) = body.hold_music_recording_id {
        after.hold_music_recording_id = recording;
    }
    if let Some(status) = body.status {
        after.status = status;
    }
    let new_pin = body.pin.as_ref().and_then(|p| p.as_deref());
    check(&state, &mut after, new_pin).await?;
    if let Some(pin) = &body.pin {
        let row = after.id.to_string();
        after.pin_enc = pin
            .as_deref()
            .map(|p| state.secrets.seal(SealedColumn::ROOM_PIN, &row, p));
    }
    after.updated_at = now_ms();
    let view = ConferenceRoomView::from(&after);
    let mut entries = vec![audit::entry(
        (&caller).into(),
        Change::updated(
            "conference_room",
            id,
            &ConferenceRoomView::from(&before),
            &view,
        ),
    )];
    if body.pin.is_some() {
        let changed = Change::action("change_pin", "conference_room", Some(id.to_string()));
        entries.push(audit::entry((&caller).into(), changed));
    }
    save(&state, &after, Some(&before), &entries).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(Json(view))
}

/// Delete a conference room; refused with 409 naming them while anything routes to it.
#[utoipa::path(
    delete,
    path = "/api/v1/conference-rooms/{id}",
    tag = "conference-rooms",
    params(("id" = ConferenceRoomId, Path)),
    responses((status = 204, description = "Deleted"))
)]
async fn delete_conference_room(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ConferenceRoomId>,
) -> ApiResult<StatusCode> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_conference_room(caller.org(), id).await?;
    let entry = audit::entry(
        (&caller).into(),
        Change::deleted("conference_room", id, &ConferenceRoomView::from(&before)),
    );
    state
        .store
        .delete_conference_room(caller.org(), id, &[entry])
        .await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(StatusCode::NO_CONTENT)
}
