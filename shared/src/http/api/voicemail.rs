//! The `api-voicemail` function: `/api/v1/voicemail`, the messages callers left in extensions'
//! mailboxes (written by the voice webhooks).
//!
//! Owners and PBX admins reach every mailbox; a PBX user only the mailboxes of their own
//! extensions ([`super::scope`]), anything else being 404 to them; reporters, who read call
//! history but not its content, get 403. Marking a message heard or unheard and deleting it are
//! writes, audited like any other. The recording URL is Cloudonix's and appears only in these
//! authenticated answers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::{self, Change};
use super::caller::Caller;
use super::extract::Id;
use super::list::{List, ListQuery, Listing, Paged};
use super::problem::{ApiError, ApiResult};
use super::scope::Scope;
use super::time::UtcTime;
use crate::app::AppState;
use crate::domain::ids::{ExtensionId, VoicemailId};
use crate::domain::model::{Role, VoicemailMessage};
use crate::ports::voicemail::{VoicemailFilter, VoicemailRepo};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_voicemail))
        .routes(routes!(get_voicemail, delete_voicemail))
        .routes(routes!(mark_heard))
        .routes(routes!(mark_unheard))
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
    state
        .store
        .set_voicemail_heard(caller.org(), id, heard)
        .await?;
    let after = VoicemailView {
        heard,
        ..before.clone()
    };
    audit::committed(
        state,
        caller,
        Change::updated("voicemail", id, &before, &after),
    )
    .await;
    Ok(after)
}

/// Delete a message.
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
    state.store.delete_voicemail(caller.org(), id).await?;
    audit::committed(&state, &caller, Change::deleted("voicemail", id, &before)).await;
    Ok(StatusCode::NO_CONTENT)
}
