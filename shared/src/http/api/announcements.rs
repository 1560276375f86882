//! The `api-announcements` function: `/api/v1/announcements`, a destination that plays one of the
//! organization's recordings (through a fresh signed link in each answer) or speaks a text, then
//! sends the call on to its `next` destination, e.g. "calls may be recorded" before a ring group.
//!
//! Owners and PBX admins manage announcements; PBX users read them; reporters see no
//! configuration. Names are unique within the organization, ignoring case. An announcement is
//! a destination like any other (`{"type": "announcement", "id": …}`), so deleting one that
//! something routes to is refused with 409, and its recording cannot be deleted while it plays it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::{self, Change};
use super::caller::Caller;
use super::extract::{ApiJson, Id, nullable};
use super::list::{List, ListQuery, Listing, Paged};
use super::problem::ApiResult;
use super::rules;
use super::schema::{Name, ShortText, Speech};
use super::time::UtcTime;
use super::validate::{SelfRef, Validator};
use crate::app::AppState;
use crate::domain::destination::{Destination, DestinationKind};
use crate::domain::ids::{AnnouncementId, RecordingId};
use crate::domain::model::{Announcement, Role};
use crate::domain::now_ms;
use crate::ports::announcements::AnnouncementRepo;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_announcements, create_announcement))
        .routes(routes!(
            get_announcement,
            update_announcement,
            delete_announcement
        ))
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

pub struct AnnouncementList;

impl Listing for AnnouncementList {
    /// Without `sort`, by name.
    const SORT: &'static [(&'static str, &'static str)] = &[
        ("name", "name"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
    /// Announcements have no status.
    const STATUS: bool = false;
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AnnouncementView {
    pub id: AnnouncementId,
    pub name: String,
    /// The recording played; it wins over `text`.
    pub recording_id: Option<RecordingId>,
    /// Spoken when there is no recording (or its link cannot be made).
    pub text: Option<String>,
    /// Text-to-speech voice for `text`, e.g. `Polly:Joanna`.
    pub voice: Option<String>,
    /// Where the call goes once the announcement has played.
    pub next: Destination,
    pub created_at: UtcTime,
    pub updated_at: UtcTime,
}

impl From<&Announcement> for AnnouncementView {
    fn from(a: &Announcement) -> Self {
        Self {
            id: a.id,
            name: a.name.clone(),
            recording_id: a.recording_id,
            text: a.text.clone(),
            voice: a.voice.clone(),
            next: a.next.clone(),
            created_at: a.created_at.into(),
            updated_at: a.updated_at.into(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAnnouncement {
    #[schema(value_type = Name)]
    pub name: String,
    /// One of the organization's recordings; this or `text` is required.
    #[serde(default)]
    pub recording_id: Option<RecordingId>,
    #[serde(default)]
    #[schema(value_type = Option<Speech>)]
    pub text: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<ShortText>)]
    pub voice: Option<String>,
    pub next: Destination,
}

/// Fields to change; absent ones stay as they are, `null` clears the recording, text or voice.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementUpdate {
    #[schema(value_type = Option<Name>)]
    pub name: Option<String>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<RecordingId>)]
    pub recording_id: Option<Option<RecordingId>>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<Speech>)]
    pub text: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<ShortText>)]
    pub voice: Option<Option<String>>,
    pub next: Option<Destination>,
}

/// The rules of an announcement, on create and update alike: trims the texts and answers 422
/// naming every bad field, 409 for a recording or destination the organization does not have.
///
/// `whole`: the body is the whole announcement (a create), so one with nothing to play is a bad
/// body (422); after a change it conflicts with what the announcement had (409).
async fn check(state: &AppState, a: &mut Announcement, whole: bool) -> ApiResult<()> {
    let org = a.organization_id;
    let mut v = Validator::new();
    a.name = v.text("name", &a.name, 1, rules::NAME_MAX);
    a.text = (a.text.as_deref()).map(|t| v.text("text", t, 1, rules::SPEECH_MAX));
    a.voice = (a.voice.as_deref()).map(|t| v.text("voice", t, 1, 64));
    v.recording(state, org, "recording_id", a.recording_id)
        .await?;
    if a.recording_id.is_none() && a.text.is_none() {
        let message = "an announcement needs recording_id or text";
        if whole {
            v.error("text", message);
        } else {
            v.conflict("text", message);
        }
    }
    let itself = SelfRef::new(DestinationKind::Announcement, a.id);
    v.destination(state, org, "next", &a.next, Some(&itself))
        .await?;
    v.finish()
}

/// List the organization's announcements.
#[utoipa::path(
    get,
    path = "/api/v1/announcements",
    tag = "announcements",
    params(ListQuery<AnnouncementList>),
    responses((status = 200, body = Paged<AnnouncementView>))
)]
async fn list_announcements(
    State(state): State<AppState>,
    caller: Caller,
    list: List<AnnouncementList>,
) -> ApiResult<Json<Paged<AnnouncementView>>> {
    caller.require(Role::PbxUser)?;
    let page = state
        .store
        .list_announcements(caller.org(), &list.filter, list.page)
        .await?;
    Ok(Json(Paged::map(page, |a| AnnouncementView::from(&a))))
}

/// Create an announcement.
#[utoipa::path(
    post,
    path = "/api/v1/announcements",
    tag = "announcements",
    request_body = NewAnnouncement,
    responses((status = 201, body = AnnouncementView))
)]
async fn create_announcement(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewAnnouncement>,
) -> ApiResult<(StatusCode, Json<AnnouncementView>)> {
    caller.require(Role::PbxAdmin)?;
    let now = now_ms();
    let mut announcement = Announcement {
        id: AnnouncementId::new(),
        organization_id: caller.org(),
        name: body.name,
        recording_id: body.recording_id,
        text: body.text,
        voice: body.voice,
        next: body.next,
        created_at: now,
        updated_at: now,
    };
    check(&state, &mut announcement, true).await?;
    let view = AnnouncementView::from(&announcement);
    let entry = audit::entry(
        (&caller).into(),
        Change::created("announcement", announcement.id, &view),
    );
    state
        .store
        .create_announcement(&announcement, &[entry])
        .await?;
    audit::invalidate(&state, caller.org()).await;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One announcement.
#[utoipa::path(
    get,
    path = "/api/v1/announcements/{id}",
    tag = "announcements",
    params(("id" = AnnouncementId, Path)),
    responses((status = 200, body = AnnouncementView))
)]
async fn get_announcement(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<AnnouncementId>,
) -> ApiResult<Json<AnnouncementView>> {
    caller.require(Role::PbxUser)?;
    let announcement = state.store.find_announcement(caller.org(), id).await?;
    Ok(Json(AnnouncementView::from(&announcement)))
}

/// Change an announcement.
#[utoipa::path(
    patch,
    path = "/api/v1/announcements/{id}",
    tag = "announcements",
    params(("id" = AnnouncementId, Path)),
    request_body = AnnouncementUpdate,
    responses((status = 200, body = AnnouncementView))
)]
async fn update_announcement(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<AnnouncementId>,
    ApiJson(body): ApiJson<AnnouncementUpdate>,
) -> ApiResult<Json<AnnouncementView>> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_announcement(caller.org(), id).await?;
    let mut after = before.clone();
    if let Some(name) = body.name {
        after.name = name;
    }
    if let Some(recording) = body.recording_id {
        after.recording_id = recording;
    }
    if let Some(text) = body.text {
        after.text = text;
    }
    if let Some(voice) = body.voice {
        after.voice = voice;
    }
    if let Some(next) = body.next {
        after.next = next;
    }
    check(&state, &mut after, false).await?;
    after.updated_at = now_ms();
    let view = AnnouncementView::from(&after);
    let entry = audit::entry(
        (&caller).into(),
        Change::updated("announcement", id, &AnnouncementView::from(&before), &view),
    );
    state.store.update_announcement(&after, &[entry]).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(Json(view))
}

/// Delete an announcement; refused with 409 naming them while anything routes to it.
#[utoipa::path(
    delete,
    path = "/api/v1/announcements/{id}",
    tag = "announcements",
    params(("id" = AnnouncementId, Path)),
    responses((status = 204, description = "Deleted"))
)]
async fn delete_announcement(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<AnnouncementId>,
) -> ApiResult<StatusCode> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_announcement(caller.org(), id).await?;
    let entry = audit::entry(
        (&caller).into(),
        Change::deleted("announcement", id, &AnnouncementView::from(&before)),
    );
    state
        .store
        .delete_announcement(caller.org(), id, &[entry])
        .await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(StatusCode::NO_CONTENT)
}
