//! The `api-ivr-menus` function: `/api/v1/ivr-menus`, "press 1 for sales" menus.
//!
//! Owners and PBX admins manage menus; PBX users read them; reporters see no configuration.
//! Names are unique within the organization. A menu plays its `prompt_recording_id` (an uploaded
//! recording, through a fresh signed link each time), else `prompt_audio_url` (https only), else
//! speaks `prompt_text` (in `prompt_voice`, if given); then it waits
//! `digit_timeout` seconds for a choice. Options are chosen by 1 to 4 keys of `0-9 * #`, each
//! key sequence once per menu, and lead to any destination of the organization — including
//! the menu itself, which is how "press 9 to hear the menu again" is built. The invalid and
//! timeout destinations, taken after `max_invalid` wrong entries or `max_timeouts` silences,
//! must lead elsewhere: they are how a caller leaves a menu. With `direct_dial`, callers may
//! type an extension number (ending with `#`); a non-empty allowlist limits which ones.

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
use super::time::UtcTime;
use super::validate::{SelfRef, Validator};
use crate::app::AppState;
use crate::domain::destination::{Destination, DestinationKind};
use crate::domain::ids::{ExtensionId, IvrMenuId, OrgId, RecordingId};
use crate::domain::model::{IvrMenu, IvrOption, Role, Status};
use crate::domain::now_ms;
use crate::http::api::schema::{HttpsUrl, Keys, Label, Name, ShortText, Speech};
use crate::ports::ivr_menus::IvrMenuRepo;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_ivr_menus, create_ivr_menu))
        .routes(routes!(get_ivr_menu, update_ivr_menu, delete_ivr_menu))
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

pub const DEFAULT_DIGIT_TIMEOUT: i32 = 5;
pub const DEFAULT_RETRIES: i32 = 3;

pub struct IvrMenuList;

impl Listing for IvrMenuList {
    /// Without `sort`, by name.
    const SORT: &'static [(&'static str, &'static str)] = &[
        ("name", "name"),
        ("status", "status"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
}

/// One choice of a menu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MenuOption {
    /// 1 to 4 of the keys `0-9 * #`, unique within the menu.
    #[schema(value_type = Keys)]
    pub digits: String,
    /// What the option is, for people reading the configuration.
    #[serde(default)]
    #[schema(value_type = Label)]
    pub label: String,
    /// Where the caller goes; may be this menu again ("repeat the menu").
    pub destination: Destination,
}

impl From<&IvrOption> for MenuOption {
    fn from(o: &IvrOption) -> Self {
        Self {
            digits: o.digits.clone(),
            label: o.label.clone(),
            destination: o.destination.clone(),
        }
    }
}

impl From<MenuOption> for IvrOption {
    fn from(o: MenuOption) -> Self {
        Self {
            digits: o.digits,
            label: o.label,
            destination: o.destination,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IvrMenuView {
    pub id: IvrMenuId,
    pub name: String,
    pub prompt_text: Option<String>,
    pub prompt_voice: Option<String>,
    pub prompt_audio_url: Option<String>,
    pub prompt_recording_id: Option<RecordingId>,
    /// Seconds to wait for the first key.
    pub digit_timeout: i32,
    pub max_invalid: i32,
    pub max_timeouts: i32,
    /// Where callers go after `max_invalid` wrong entries.
    pub invalid_destination: Destination,
    /// Where callers go after `max_timeouts` silences.
    pub timeout_destination: Destination,
    pub options: Vec<MenuOption>,
    pub direct_dial: bool,
    /// Extensions reachable by direct dial; empty means every active extension.
    pub direct_dial_allowlist: Vec<ExtensionId>,
    pub status: Status,
    pub created_at: UtcTime,
    pub updated_at: UtcTime,
}

impl From<&IvrMenu> for IvrMenuView {
    fn from(m: &IvrMenu) -> Self {
        Self {
            id: m.id,
            name: m.name.clone(),
            prompt_text: m.prompt_text.clone(),
            prompt_voice: m.prompt_voice.clone(),
            prompt_audio_url: m.prompt_audio_url.clone(),
            prompt_recording_id: m.prompt_recording_id,
            digit_timeout: m.digit_timeout,
            max_invalid: m.max_invalid,
            max_timeouts: m.max_timeouts,
            invalid_destination: m.invalid_destination.clone(),
            timeout_destination: m.timeout_destination.clone(),
            options: m.options.iter().map(MenuOption::from).collect(),
            direct_dial: m.direct_dial,
            direct_dial_allowlist: m.direct_dial_allowlist.clone(),
            status: m.status,
            created_at: m.created_at.into(),
            updated_at: m.updated_at.into(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIvrMenu {
    #[schema(value_type = Name)]
    pub name: String,
    /// Spoken when there is no recording or audio URL; one of the three is required.
    #[serde(default)]
    #[schema(value_type = Option<Speech>)]
    pub prompt_text: Option<String>,
    /// Text-to-speech voice, e.g. `Polly:Joanna`.
    #[serde(default)]
    #[schema(value_type = Option<ShortText>)]
    pub prompt_voice: Option<String>,
    /// An https URL of the recording to play.
    #[serde(default)]
    #[schema(value_type = Option<HttpsUrl>)]
    pub prompt_audio_url: Option<String>,
    /// An uploaded recording of the organization to play.
    #[serde(default)]
    pub prompt_recording_id: Option<RecordingId>,
    /// Defaults to 5.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 30)]
    pub digit_timeout: Option<i32>,
    /// Defaults to 3.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10)]
    pub max_invalid: Option<i32>,
    /// Defaults to 3.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10)]
    pub max_timeouts: Option<i32>,
    /// Defaults to hanging up.
    #[serde(default)]
    pub invalid_destination: Option<Destination>,
    /// Defaults to hanging up.
    #[serde(default)]
    pub timeout_destination: Option<Destination>,
    /// Up to 50.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub options: Vec<MenuOption>,
    #[serde(default)]
    pub direct_dial: bool,
    #[serde(default)]
    pub direct_dial_allowlist: Vec<ExtensionId>,
    /// Defaults to active.
    #[serde(default)]
    pub status: Option<Status>,
}

/// Fields to change; absent ones stay as they are, `null` clears a prompt field. `options` and
/// `direct_dial_allowlist` replace the whole list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IvrMenuUpdate {
    #[schema(value_type = Option<Name>)]
    pub name: Option<String>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<Speech>)]
    pub prompt_text: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<ShortText>)]
    pub prompt_voice: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<HttpsUrl>)]
    pub prompt_audio_url: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<RecordingId>)]
    pub prompt_recording_id: Option<Option<RecordingId>>,
    #[schema(minimum = 1, maximum = 30)]
    pub digit_timeout: Option<i32>,
    #[schema(minimum = 1, maximum = 10)]
    pub max_invalid: Option<i32>,
    #[schema(minimum = 1, maximum = 10)]
    pub max_timeouts: Option<i32>,
    pub invalid_destination: Option<Destination>,
    pub timeout_destination: Option<Destination>,
    #[schema(max_items = 50)]
    pub options: Option<Vec<MenuOption>>,
    pub direct_dial: Option<bool>,
    pub direct_dial_allowlist: Option<Vec<ExtensionId>>,
    pub status: Option<Status>,
}

/// The rules of a menu, on create and update alike: trims the texts and answers 422 naming every
/// bad field (`options[1].digits`, `direct_dial_allowlist[0]`).
///
/// `whole`: the body is the whole menu (a create), so a menu without a prompt is a bad body
/// (422); after a change it conflicts with what the menu had (409).
pub async fn check(state: &AppState, org: OrgId, menu: &mut IvrMenu, whole: bool) -> ApiResult<()> {
    let mut v = Validator::new();
    menu.name = v.text("name", &menu.name, 1, rules::NAME_MAX);
    menu.prompt_text =
        (menu.prompt_text.as_deref()).map(|t| v.text("prompt_text", t, 1, rules::SPEECH_MAX));
    menu.prompt_voice = (menu.prompt_voice.as_deref()).map(|t| v.text("prompt_voice", t, 1, 64));
    if let Some(url) = &menu.prompt_audio_url {
        v.rule("prompt_audio_url", rules::https_url(url));
    }
    v.recording(state, org, "prompt_recording_id", menu.prompt_recording_id)
        .await?;
    if menu.prompt_text.is_none()
        && menu.prompt_audio_url.is_none()
        && menu.prompt_recording_id.is_none()
    {
        let (field, message) = (
            "prompt_text",
            "a menu needs prompt_text, prompt_audio_url or prompt_recording_id",
        );
        if whole {
            v.error(field, message);
        } else {
            v.conflict(field, message);
        }
    }
    v.range(
        "digit_timeout",
        menu.digit_timeout,
        rules::DIGIT_TIMEOUT,
        "seconds",
    );
    v.range("max_invalid", menu.max_invalid, rules::IVR_RETRIES, "tries");
    v.range(
        "max_timeouts",
        menu.max_timeouts,
        rules::IVR_RETRIES,
        "tries",
    );
    check_options(state, org, &mut v, &mut menu.options).await?;
    // Leaving the menu must lead out of it; an option may lead back (repeat the menu).
    let itself = SelfRef::new(DestinationKind::IvrMenu, menu.id);
    v.destination(
        state,
        org,
        "invalid_destination",
        &menu.invalid_destination,
        Some(&itself),
    )
    .await?;
    v.destination(
        state,
        org,
        "timeout_destination",
        &menu.timeout_destination,
        Some(&itself),
    )
    .await?;
    v.extensions(
        state,
        org,
        "direct_dial_allowlist",
        &menu.direct_dial_allowlist,
    )
    .await?;
    v.finish()
}

async fn check_options(
    state: &AppState,
    org: OrgId,
    v: &mut Validator,
    options: &mut [IvrOption],
) -> ApiResult<()> {
    if options.len() > rules::MAX_OPTIONS {
        v.error(
            "options",
            format!("must have at most {} options", rules::MAX_OPTIONS),
        );
        return Ok(());
    }
    for option in options.iter_mut() {
        option.digits = option.digits.trim().to_owned();
    }
    let repeated = rules::repeats(options.iter().map(|o| o.digits.clone()));
    for (i, option) in options.iter_mut().enumerate() {
        let field = |name: &str| format!("options[{i}].{name}");
        v.rule(&field("digits"), rules::ivr_digits(&option.digits));
        if repeated.contains(&i) {
            v.error(field("digits"), "is used by another option");
        }
        option.label = v.text(&field("label"), &option.label, 0, rules::NAME_MAX);
        v.destination(state, org, &field("destination"), &option.destination, None)
            .await?;
    }
    Ok(())
}

/// List the organization's IVR menus.
#[utoipa::path(
    get,
    path = "/api/v1/ivr-menus",
    tag = "ivr-menus",
    params(ListQuery<IvrMenuList>),
    responses((status = 200, body = Paged<IvrMenuView>))
)]
async fn list_ivr_menus(
    State(state): State<AppState>,
    caller: Caller,
    list: List<IvrMenuList>,
) -> ApiResult<Json<Paged<IvrMenuView>>> {
    caller.require(Role::PbxUser)?;
    let page = state
        .store
        .list_ivr_menus(caller.org(), &list.filter, list.page)
        .await?;
    Ok(Json(Paged::map(page, |m| IvrMenuView::from(&m))))
}

/// Create an IVR menu.
#[utoipa::path(
    post,
    path = "/api/v1/ivr-menus",
    tag = "ivr-menus",
    request_body = NewIvrMenu,
    responses((status = 201, body = IvrMenuView))
)]
async fn create_ivr_menu(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewIvrMenu>,
) -> ApiResult<(StatusCode, Json<IvrMenuView>)> {
    caller.require(Role::PbxAdmin)?;
    let now = now_ms();
    let mut menu = IvrMenu {
        id: IvrMenuId::new(),
        organization_id: caller.org(),
        name: body.name,
        prompt_text: body.prompt_text,
        prompt_voice: body.prompt_voice,
        prompt_audio_url: body.prompt_audio_url,
        prompt_recording_id: body.prompt_recording_id,
        digit_timeout: body.digit_timeout.unwrap_or(DEFAULT_DIGIT_TIMEOUT),
        max_invalid: body.max_invalid.unwrap_or(DEFAULT_RETRIES),
        max_timeouts: body.max_timeouts.unwrap_or(DEFAULT_RETRIES),
        invalid_destination: body.invalid_destination.unwrap_or(Destination::Hangup),
        timeout_destination: body.timeout_destination.unwrap_or(Destination::Hangup),
        options: body.options.into_iter().map(IvrOption::from).collect(),
        direct_dial: body.direct_dial,
        direct_dial_allowlist: body.direct_dial_allowlist,
        status: body.status.unwrap_or(Status::Active),
        created_at: now,
        updated_at: now,
    };
    check(&state, caller.org(), &mut menu, true).await?;
    let view = IvrMenuView::from(&menu);
    let entry = audit::entry(
        (&caller).into(),
        Change::created("ivr_menu", menu.id, &view),
    );
    state.store.create_ivr_menu(&menu, &[entry]).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One IVR menu.
#[utoipa::path(
    get,
    path = "/api/v1/ivr-menus/{id}",
    tag = "ivr-menus",
    params(("id" = IvrMenuId, Path)),
    responses((status = 200, body = IvrMenuView))
)]
async fn get_ivr_menu(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<IvrMenuId>,
) -> ApiResult<Json<IvrMenuView>> {
    caller.require(Role::PbxUser)?;
    let menu = state.store.find_ivr_menu(caller.org(), id).await?;
    Ok(Json(IvrMenuView::from(&menu)))
}

/// Change an IVR menu.
#[utoipa::path(
    patch,
    path = "/api/v1/ivr-menus/{id}",
    tag = "ivr-menus",
    params(("id" = IvrMenuId, Path)),
    request_body = IvrMenuUpdate,
    responses((status = 200, body = IvrMenuView))
)]
async fn update_ivr_menu(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<IvrMenuId>,
    ApiJson(body): ApiJson<IvrMenuUpdate>,
) -> ApiResult<Json<IvrMenuView>> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_ivr_menu(caller.org(), id).await?;
    let mut after = before.clone();
    if let Some(name) = body.name {
        after.name = name;
    }
    if let Some(text) = body.prompt_text {
        after.prompt_text = text;
    }
    if let Some(voice) = body.prompt_voice {
        after.prompt_voice = voice;
    }
    if let Some(url) = body.prompt_audio_url {
        after.prompt_audio_url = url;
    }
    if let Some(recording) = body.prompt_recording_id {
        after.prompt_recording_id = recording;
    }
    if let Some(timeout) = body.digit_timeout {
        after.digit_timeout = timeout;
    }
    if let Some(n) = body.max_invalid {
        after.max_invalid = n;
    }
    if let Some(n) = body.max_timeouts {
        after.max_timeouts = n;
    }
    if let Some(d) = body.invalid_destination {
        after.invalid_destination = d;
    }
    if let Some(d) = body.timeout_destination {
        after.timeout_destination = d;
    }
    if let Some(options) = body.options {
        after.options = options.into_iter().map(IvrOption::from).collect();
    }
    if let Some(direct) = body.direct_dial {
        after.direct_dial = direct;
    }
    if let Some(allowlist) = body.direct_dial_allowlist {
        after.direct_dial_allowlist = allowlist;
    }
    if let Some(status) = body.status {
        after.status = status;
    }
    check(&state, caller.org(), &mut after, false).await?;
    after.updated_at = now_ms();
    let view = IvrMenuView::from(&after);
    let entry = audit::entry(
        (&caller).into(),
        Change::updated("ivr_menu", id, &IvrMenuView::from(&before), &view),
    );
    state.store.update_ivr_menu(&after, &[entry]).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(Json(view))
}

/// Delete an IVR menu; refused with 409 naming them while anything else routes to it (its own
/// "repeat" options do not count).
#[utoipa::path(
    delete,
    path = "/api/v1/ivr-menus/{id}",
    tag = "ivr-menus",
    params(("id" = IvrMenuId, Path)),
    responses((status = 204, description = "Deleted"))
)]
async fn delete_ivr_menu(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<IvrMenuId>,
) -> ApiResult<StatusCode> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_ivr_menu(caller.org(), id).await?;
    let entry = audit::entry(
        (&caller).into(),
        Change::deleted("ivr_menu", id, &IvrMenuView::from(&before)),
    );
    state
        .store
        .delete_ivr_menu(caller.org(), id, &[entry])
        .await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(StatusCode::NO_CONTENT)
}
