//! The `api-voicemail` function: `/api/v1/voicemail`, the messages callers left in extensions'
//! mailboxes (written by the voice webhooks).
//!
//! Owners and PBX admins reach every mailbox; a PBX user only the mailboxes of their own
//! extensions ([`super::scope`]), anything else being 404 to them; reporters, who read call
//! history but not its content, get 403. Marking a message heard or unheard and deleting it are
//! writes, audited like any other. The recording URL is Cloudonix's and appears only in these
//! authenticated answers.
//!
//! A job copies each message's audio from Cloudonix into our media storage when the message
//! arrives (`crate::jobs::voicemail`); once it has (`audio_stored`), `GET …/{id}/audio` serves
//! it to the same people, with HTTP Range so a browser's audio element can seek, long after
//! Cloudonix's copy is gone.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::{self, Change};
use super::caller::Caller;
use super::extract::Id;
use super::list::{List, ListQuery, Listing, Paged};
use super::problem::{ApiError, ApiResult};
use super::schema::AudioBytes;
use super::scope::Scope;
use super::time::UtcTime;
use crate::app::AppState;
use crate::domain::ids::{ExtensionId, VoicemailId};
use crate::domain::model::{Role, VoicemailMessage};
use crate::http::media::audio_response;
use crate::ports::media::MediaKey;
use crate::ports::voicemail::{VoicemailFilter, VoicemailRepo};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_voicemail))
        .routes(routes!(get_voicemail, delete_voicemail))
        .routes(routes!(mark_heard))
        .routes(routes!(mark_unheard))
        .routes(routes!(get_voicemail_audio))
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

pub struct VoicemailList;

impl Listing for VoicemailList {
    /// Always newest first.
    const SORT: &'static [(&'static str, &'static str)] = &[];
    const FILTERS: &'static [&'static str] = &["extension", "heard"];
    const SEARCH: bool = false;
}

/// The query parameters, for the OpenAPI document.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by utoipa's derive only
struct VoicemailParams {
    /// One extension's mailbox.
    extension: Option<ExtensionId>,
    /// `true` for heard messages only, `false` for new ones.
    heard: Option<bool>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VoicemailView {
    pub id: VoicemailId,
    /// The mailbox.
    pub extension_id: ExtensionId,
    /// Cloudonix's id of the call that left the message.
    pub call_sid: String,
    pub from_number: String,
    /// Cloudonix's URL of the recording.
    pub recording_url: String,
    pub duration_seconds: i32,
    pub heard: bool,
    /// Whether our copy of the audio exists, so `GET /api/v1/voicemail/{id}/audio` plays it.
    pub audio_stored: bool,
    pub created_at: UtcTime,
}

impl From<VoicemailMessage> for VoicemailView {
    fn from(m: VoicemailMessage) -> Self {
        Self {
            id: m.id,
            extension_id: m.extension_id,
            call_sid: m.call_sid,
            from_number: m.from_number,
            recording_url: m.recording_url,
            duration_seconds: m.duration_seconds,
            heard: m.heard,
            audio_stored: m.audio_stored_at.is_some(),
            created_at: m.created_at.into(),
        }
    }
}

/// The caller's scope, or 403 for reporters.
async fn scope(state: &AppState, caller: &Caller) -> ApiResult<Scope> {
    caller.require(Role::PbxUser)?;
    Scope::of(state, caller).await
}

/// A message the caller may reach: 404 for other organizations' and other people's mailboxes.
async fn reachable(
    state: &AppState,
    caller: &Caller,
    id: VoicemailId,
) -> ApiResult<VoicemailMessage> {
    let scope = scope(state, caller).await?;
    let message = state.store.find_voicemail(caller.org(), id).await?;
    if scope.includes_extension(message.extension_id) {
        Ok(message)
    } else {
        Err(ApiError::not_found())
    }
}

/// Voicemail messages, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/voicemail",
    tag = "voicemail",
    params(ListQuery<VoicemailList>, VoicemailParams),
    responses((status = 200, body = Paged<VoicemailView>))
)]
async fn list_voicemail(
    State(state): State<AppState>,
    caller: Caller,
    list: List<VoicemailList>,
) -> ApiResult<Json<Paged<VoicemailView>>> {
    let scope = scope(&state, &caller).await?;
    let filter = VoicemailFilter {
        extensions: scope.extensions(list.param("extension", "an extension id")?),
        heard: list.param("heard", "true or false")?,
    };
    let page = state
        .store
        .list_voicemail(caller.org(), &filter, list.page)
        .await?;
    Ok(Json(Paged::map(page, VoicemailView::from)))
}

/// One message.
#[utoipa::path(
    get,
    path = "/api/v1/voicemail/{id}",
    tag = "voicemail",
    params(("id" = VoicemailId, Path)),
    responses((status = 200, body = VoicemailView))
)]
async fn get_voicemail(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<VoicemailId>,
) -> ApiResult<Json<VoicemailView>> {
    Ok(Json(reachable(&state, &caller, id).await?.into()))
}

/// The message's audio from our media storage (WAV or MP3, typed from the bytes). A single
/// `Range` is honoured (206; 416 when it cannot be met). 404 until the audio is copied
/// (`audio_stored`).
#[utoipa::path(
    get,
    path = "/api/v1/voicemail/{id}/audio",
    tag = "voicemail",
    params(
        ("id" = VoicemailId, Path),
        ("Range" = Option<String>, Header, description = "One byte range, e.g. `bytes=0-1023`"),
    ),
    responses(
        (status = 200, description = "The whole audio", content((AudioBytes = "audio/wav"), (AudioBytes = "audio/mpeg"))),
        (status = 206, description = "The requested range (`Content-Range` says which)", content((AudioBytes = "audio/wav"), (AudioBytes = "audio/mpeg"))),
    )
)]
async fn get_voicemail_audio(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<VoicemailId>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let message = reachable(&state, &caller, id).await?;
    if message.audio_stored_at.is_none() {
        return Err(ApiError::not_found_because(
            "The message's audio has not been copied yet.",
        ));
    }
    let bytes = state
        .media
        .get(&MediaKey::voicemail(caller.org(), id))
        .await?;
    Ok(audio_response(bytes, &headers))
}

/// Mark a message heard.
#[utoipa::path(
    post,
    path = "/api/v1/voicemail/{id}/heard",
    tag = "voicemail",
    params(("id" = VoicemailId, Path)),
    responses((status = 200, body = VoicemailView))
)]
async fn mark_heard(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<VoicemailId>,
) -> ApiResult<Json<VoicemailView>> {
    set_heard(&state, &caller, id, true).await.map(Json)
}

/// Mark a message new again.
#[utoipa::path(
    post,
    path = "/api/v1/voicemail/{id}/unheard",
    tag = "voicemail",
    params(("id" = VoicemailId, Path)),
    responses((status = 200, body = VoicemailView))
)]
async fn mark_unheard(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<VoicemailId>,
) -> ApiResult<Json<VoicemailView>> {
    set_heard(&state, &caller, id, false).await.map(Json)
}

/// Repeating a mark is harmless: it answers the message as it is, and only a change is audited.
async fn set_heard(
    state: &AppState,
    caller: &Caller,
    id: VoicemailId,
    heard: bool,
) -> ApiResult<VoicemailView> {
    let before = VoicemailView::from(reachable(state, caller, id).await?);
    if before.heard == heard {
        return Ok(before);
    }
    let after = VoicemailView {
        heard,
        ..before.clone()
    };
    let entry = audit::entry(
        caller.into(),
        Change::updated("voicemail", id, &before, &after),
    );
    state
        .store
        .set_voicemail_heard(caller.org(), id, heard, &[entry])
        .await?;
    audit::invalidate(state, caller.org()).await;
    Ok(after)
}

/// Delete a message, and our copy of its audio.
#[utoipa::path(
    delete,
    path = "/api/v1/voicemail/{id}",
    tag = "voicemail",
    params(("id" = VoicemailId, Path)),
    responses((status = 204, description = "Deleted"))
)]
async fn delete_voicemail(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<VoicemailId>,
) -> ApiResult<StatusCode> {
    let before = VoicemailView::from(reachable(&state, &caller, id).await?);
    let entry = audit::entry((&caller).into(), Change::deleted("voicemail", id, &before));
    state
        .store
        .delete_voicemail(caller.org(), id, &[entry])
        .await?;
    if let Err(e) = state
        .media
        .delete(&MediaKey::voicemail(caller.org(), id))
        .await
    {
        tracing::warn!(error = %e, voicemail = %id, "a deleted message's audio stays in media storage");
    }
    audit::invalidate(&state, caller.org()).await;
    Ok(StatusCode::NO_CONTENT)
}
