//! The `api-recordings` function: `/api/v1/recordings`, uploaded audio for prompts.
//!
//! Owners and PBX admins upload, rename and delete; PBX users list and read; reporters see no
//! configuration. An upload is `multipart/form-data` with the audio in `file` and an optional
//! `name` (default: the file's name without its extension). What the file is comes from its
//! bytes only: a WAV (RIFF `fmt `/`data`) or an MP3 (MPEG Layer III frames), whatever its name
//! or stated type says — an MP3 named `greeting.wav` is stored as the MP3 it is. Uploads above
//! [`rules::RECORDING_MAX_BYTES`] are refused with 413, anything else that is not playable audio
//! or lasts longer than [`rules::RECORDING_MAX_MS`] with 422 on `file`. Names are unique within
//! the organization, ignoring case. A recording an IVR menu plays cannot be deleted (409).

use axum::Json;
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hyper::body::Bytes;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::{self, Change};
use super::caller::Caller;
use super::extract::{ApiJson, Id};
use super::list::{List, ListQuery, Listing, Paged};
use super::problem::{ApiError, ApiResult};
use super::rules;
use super::schema::AudioBytes;
use super::time::UtcTime;
use super::validate::Validator;
use crate::app::AppState;
use crate::domain::audio::{self, AudioFormat};
use crate::domain::ids::RecordingId;
use crate::domain::model::{Recording, Role};
use crate::domain::now_ms;
use crate::http::api::schema::Name;
use crate::http::media::audio_response;
use crate::ports::media::MediaKey;
use crate::ports::recordings::RecordingRepo;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_recordings, upload_recording))
        .routes(routes!(get_recording, rename_recording, delete_recording))
        .routes(routes!(get_recording_audio))
}

pub fn router(state: AppState) -> axum::Router {
    // Room for the multipart framing around the largest file; the file itself is counted below.
    super::serve(routes(), state).layer(DefaultBodyLimit::max(
        rules::RECORDING_MAX_BYTES + 64 * 1024,
    ))
}

pub struct RecordingList;

impl Listing for RecordingList {
    /// Without `sort`, by name.
    const SORT: &'static [(&'static str, &'static str)] = &[
        ("name", "name"),
        ("duration_ms", "duration_ms"),
        ("size_bytes", "size_bytes"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
    const STATUS: bool = false;
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RecordingView {
    pub id: RecordingId,
    pub name: String,
    /// Read from the audio itself.
    pub format: AudioFormat,
    /// What the audio is served as: `audio/wav` or `audio/mpeg`.
    pub content_type: &'static str,
    pub size_bytes: i64,
    pub duration_ms: i64,
    pub created_at: UtcTime,
    pub updated_at: UtcTime,
}

impl From<&Recording> for RecordingView {
    fn from(r: &Recording) -> Self {
        Self {
            id: r.id,
            name: r.name.clone(),
            format: r.format,
            content_type: r.format.content_type(),
            size_bytes: r.size_bytes,
            duration_ms: r.duration_ms,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
        }
    }
}

/// The upload form.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the multipart form; the handler reads its parts one by one
pub struct RecordingUpload {
    /// WAV or MP3 audio, at most 4 MiB and ten minutes.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Defaults to the file's name without its extension.
    #[schema(value_type = Option<Name>)]
    name: Option<String>,
}

/// Fields to change; absent ones stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordingUpdate {
    #[schema(value_type = Option<Name>)]
    pub name: Option<String>,
}

/// The parts of an upload that matter.
struct Upload {
    file: Option<(Option<String>, Bytes)>,
    name: Option<String>,
}

fn multipart_failed(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        ApiError::bad_request(format!(
            "The multipart body cannot be read: {}",
            e.body_text()
        ))
    }
}

fn too_large() -> ApiError {
    ApiError::too_large(format!(
        "A recording may be at most {} MiB.",
        rules::RECORDING_MAX_BYTES / (1024 * 1024)
    ))
}

/// A part's bytes, refused once they pass `limit`.
async fn read_limited(mut field: Field<'_>, limit: usize) -> ApiResult<Bytes> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_failed)? {
        if bytes.len() + chunk.len() > limit {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes.into())
}

async fn read_upload(mut form: Multipart) -> ApiResult<Upload> {
    let mut upload = Upload {
        file: None,
        name: None,
    };
    while let Some(field) = form.next_field().await.map_err(multipart_failed)? {
        match field.name() {
            Some("file") => {
                let file_name = field.file_name().map(str::to_owned);
                upload.file = Some((
                    file_name,
                    read_limited(field, rules::RECORDING_MAX_BYTES).await?,
                ));
            }
            Some("name") => {
                let text = read_limited(field, rules::NAME_MAX * 4).await?;
                upload.name = Some(String::from_utf8_lossy(&text).into_owned());
            }
            other => {
                return Err(ApiError::invalid(
                    other.unwrap_or("(unnamed part)"),
                    "unknown form field; send file and name",
                ));
            }
        }
    }
    Ok(upload)
}

/// What the bytes are, if they are audio a call can play within the length allowed.
fn playable(bytes: &[u8]) -> Result<audio::AudioInfo, String> {
    let info = audio::probe(bytes).map_err(|e| e.to_string())?;
    if info.duration_ms > rules::RECORDING_MAX_MS {
        return Err(format!(
            "lasts {} s; a recording may last at most {} minutes",
            info.duration_ms / 1000,
            rules::RECORDING_MAX_MS / 60_000
        ));
    }
    Ok(info)
}

/// `greeting.final.wav` → `greeting.final`.
fn stem(file_name: &str) -> &str {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    base.rsplit_once('.').map_or(base, |(stem, _)| stem)
}

/// List the organization's recordings.
#[utoipa::path(
    get,
    path = "/api/v1/recordings",
    tag = "recordings",
    params(ListQuery<RecordingList>),
    responses((status = 200, body = Paged<RecordingView>))
)]
async fn list_recordings(
    State(state): State<AppState>,
    caller: Caller,
    list: List<RecordingList>,
) -> ApiResult<Json<Paged<RecordingView>>> {
    caller.require(Role::PbxUser)?;
    let page = state
        .store
        .list_recordings(caller.org(), &list.filter, list.page)
        .await?;
    Ok(Json(Paged::map(page, |r| RecordingView::from(&r))))
}

/// Upload a recording (WAV or MP3, recognised from its bytes).
#[utoipa::path(
    post,
    path = "/api/v1/recordings",
    tag = "recordings",
    request_body(content = RecordingUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = RecordingView))
)]
async fn upload_recording(
    State(state): State<AppState>,
    caller: Caller,
    form: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<RecordingView>)> {
    caller.require(Role::PbxAdmin)?;
    let upload = read_upload(form.map_err(|_| ApiError::not_multipart())?).await?;
    let mut v = Validator::new();
    let file = v.parsed("file", upload.file.ok_or("required: the audio file"));
    let info = file
        .as_ref()
        .and_then(|(_, bytes)| v.parsed("file", playable(bytes)));
    let name = upload
        .name
        .or_else(|| {
            file.as_ref()
                .and_then(|(f, _)| f.as_deref())
                .map(|f| stem(f).to_owned())
        })
        .unwrap_or_default();
    let name = v.text("name", &name, 1, rules::NAME_MAX);
    v.finish()?;
    let (Some((_, bytes)), Some(info)) = (file, info) else {
        unreachable!("validation fails without a playable file");
    };
    let now = now_ms();
    let recording = Recording {
        id: RecordingId::new(),
        organization_id: caller.org(),
        name,
        format: info.format,
        size_bytes: bytes.len() as i64,
        duration_ms: info.duration_ms as i64,
        created_at: now,
        updated_at: now,
    };
    let key = MediaKey::recording(recording.organization_id, recording.id);
    state
        .media
        .put(&key, info.format.content_type(), bytes)
        .await?;
    let view = RecordingView::from(&recording);
    let entry = audit::entry(
        (&caller).into(),
        Change::created("recording", recording.id, &view),
    );
    if let Err(e) = state.store.create_recording(&recording, &[entry]).await {
        // Nothing names the object without its row.
        if let Err(cleanup) = state.media.delete(&key).await {
            tracing::warn!(error = %cleanup, "an unsaved recording's audio stays in media storage");
        }
        return Err(e.into());
    }
    audit::invalidate(&state, caller.org()).await;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One recording.
#[utoipa::path(
    get,
    path = "/api/v1/recordings/{id}",
    tag = "recordings",
    params(("id" = RecordingId, Path)),
    responses((status = 200, body = RecordingView))
)]
async fn get_recording(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<RecordingId>,
) -> ApiResult<Json<RecordingView>> {
    caller.require(Role::PbxUser)?;
    let recording = state.store.find_recording(caller.org(), id).await?;
    Ok(Json(RecordingView::from(&recording)))
}

/// The recording's audio, for the admin screens to play (calls get signed `/media` links). A
/// single `Range` is honoured (206; 416 when it cannot be met).
#[utoipa::path(
    get,
    path = "/api/v1/recordings/{id}/audio",
    tag = "recordings",
    params(
        ("id" = RecordingId, Path),
        ("Range" = Option<String>, Header, description = "One byte range, e.g. `bytes=0-1023`"),
    ),
    responses(
        (status = 200, description = "The whole audio", content((AudioBytes = "audio/wav"), (AudioBytes = "audio/mpeg"))),
        (status = 206, description = "The requested range (`Content-Range` says which)", content((AudioBytes = "audio/wav"), (AudioBytes = "audio/mpeg"))),
    )
)]
async fn get_recording_audio(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<RecordingId>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    caller.require(Role::PbxUser)?;
    let recording = state.store.find_recording(caller.org(), id).await?;
    let bytes = state
        .media
        .get(&MediaKey::recording(
            recording.organization_id,
            recording.id,
        ))
        .await?;
    Ok(audio_response(bytes, &headers))
}

/// Rename a recording.
#[utoipa::path(
    patch,
    path = "/api/v1/recordings/{id}",
    tag = "recordings",
    params(("id" = RecordingId, Path)),
    request_body = RecordingUpdate,
    responses((status = 200, body = RecordingView))
)]
async fn rename_recording(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<RecordingId>,
    ApiJson(body): ApiJson<RecordingUpdate>,
) -> ApiResult<Json<RecordingView>> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_recording(caller.org(), id).await?;
    let mut after = before.clone();
    if let Some(name) = body.name {
        let mut v = Validator::new();
        after.name = v.text("name", &name, 1, rules::NAME_MAX);
        v.finish()?;
    }
    after.updated_at = now_ms();
    let view = RecordingView::from(&after);
    let entry = audit::entry(
        (&caller).into(),
        Change::updated("recording", id, &RecordingView::from(&before), &view),
    );
    state.store.rename_recording(&after, &[entry]).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(Json(view))
}

/// Delete a recording; refused with 409 naming them while IVR menus play it.
#[utoipa::path(
    delete,
    path = "/api/v1/recordings/{id}",
    tag = "recordings",
    params(("id" = RecordingId, Path)),
    responses((status = 204, description = "Deleted"))
)]
async fn delete_recording(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<RecordingId>,
) -> ApiResult<StatusCode> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_recording(caller.org(), id).await?;
    let entry = audit::entry(
        (&caller).into(),
        Change::deleted("recording", id, &RecordingView::from(&before)),
    );
    state
        .store
        .delete_recording(caller.org(), id, &[entry])
        .await?;
    if let Err(e) = state
        .media
        .delete(&MediaKey::recording(caller.org(), id))
        .await
    {
        tracing::warn!(error = %e, recording = %id, "a deleted recording's audio stays in media storage");
    }
    audit::invalidate(&state, caller.org()).await;
    Ok(StatusCode::NO_CONTENT)
}
