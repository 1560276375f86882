//! The `api-extensions` function: `/api/v1/extensions`, the phones of an organization (each one
//! a Cloudonix subscriber whose MSISDN is the extension number).
//!
//! Owners and PBX admins manage extensions; PBX users read them all and may change, on the
//! extensions linked to them only, how their own calls are handled: do-not-disturb, forwarding,
//! no-answer handling and voicemail. Reporters see no configuration.
//!
//! Numbers are unique within the organization, conference-room numbers included (both are
//! dialled alike). The SIP password is generated when none is given, stored sealed with the
//! deployment key and always answered masked; `POST …/sip-password/reveal` shows it to owners,
//! PBX admins and the extension's own user, and `POST …/sip-password/rotate` replaces it with a
//! fresh one. Phones registered with the old password need the new one.
//!
//! Creating, renumbering, (de)activating, re-passwording or deleting an extension records a
//! Cloudonix sync job in the same transaction (`crate::jobs`), handed to the queue once the write
//! committed; `cloudonix_sync` shows whether Cloudonix's subscriber matches yet.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::{self, Change, MASK};
use super::caller::Caller;
use super::dial_numbers::{self, Claimant};
use super::extract::{ApiJson, Id, nullable};
use super::list::{List, ListQuery, Listing, Paged};
use super::problem::{ApiError, ApiResult};
use super::rules;
use super::time::UtcTime;
use super::validate::{SelfRef, Validator};
use crate::app::AppState;
use crate::crypto::{SealedColumn, random_password};
use crate::domain::destination::{Destination, DestinationKind};
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::{ExtensionId, OrgId, RecordingId, UserId};
use crate::domain::model::{AuditEntry, Extension, Role, Status};
use crate::domain::now_ms;
use crate::http::api::schema::{Email, Greeting, Name, SipPasswordText};
use crate::jobs::dispatch::dispatch_org;
use crate::ports::extensions::ExtensionRepo;
use crate::ports::jobs::{CloudonixSync, JobStore};
use crate::ports::store::StoreError;
use crate::ports::users::UserRepo;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_extensions, create_extension))
        .routes(routes!(get_extension, update_extension, delete_extension))
        .routes(routes!(reveal_sip_password))
        .routes(routes!(rotate_sip_password))
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

/// Seconds an extension rings before its no-answer destination, unless told otherwise.
pub const DEFAULT_NO_ANSWER_TIMEOUT: i32 = 20;

pub struct ExtensionList;

impl Listing for ExtensionList {
    /// Without `sort`, extensions come by number, numerically (`99` before `100`).
    const SORT: &'static [(&'static str, &'static str)] = &[
        ("name", "display_name"),
        ("status", "status"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
}

/// An extension as clients see it; the SIP password is always masked.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ExtensionView {
    pub id: ExtensionId,
    pub number: ExtensionNumber,
    pub name: String,
    /// The person whose phone this is; they may read its SIP password and change its call
    /// handling.
    pub user_id: Option<UserId>,
    pub status: Status,
    /// Always `********`; see `POST /api/v1/extensions/{id}/sip-password/reveal`.
    pub sip_password: &'static str,
    pub do_not_disturb: bool,
    /// Every call goes here instead of ringing the phone.
    pub forward_always: Option<Destination>,
    /// Seconds to ring before `no_answer` takes over.
    pub no_answer_timeout: i32,
    pub no_answer: Option<Destination>,
    pub voicemail_enabled: bool,
    /// Played (an https URL) or spoken (text) before the beep.
    pub voicemail_greeting: Option<String>,
    /// An uploaded recording played before the beep; it wins over `voicemail_greeting`.
    pub voicemail_greeting_recording_id: Option<RecordingId>,
    /// Receives each new message with its audio attached; null: nobody is mailed.
    pub voicemail_email: Option<String>,
    /// Set once provisioning or a sync job created the extension's Cloudonix subscriber.
    pub cloudonix_subscriber_id: Option<String>,
    /// Whether Cloudonix's subscriber matches the extension (`failed` with the reason and the
    /// job to retry). Absent from audit snapshots.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloudonix_sync: Option<CloudonixSync>,
    pub created_at: UtcTime,
    pub updated_at: UtcTime,
}

impl From<&Extension> for ExtensionView {
    fn from(e: &Extension) -> Self {
        Self {
            id: e.id,
            number: e.number.clone(),
            name: e.display_name.clone(),
            user_id: e.user_id,
            status: e.status,
            sip_password: MASK,
            do_not_disturb: e.do_not_disturb,
            forward_always: e.forward_always.clone(),
            no_answer_timeout: e.no_answer_timeout,
            no_answer: e.no_answer.clone(),
            voicemail_enabled: e.voicemail_enabled,
            voicemail_greeting: e.voicemail_greeting.clone(),
            voicemail_greeting_recording_id: e.voicemail_greeting_recording_id,
            voicemail_email: e.voicemail_email.clone(),
            cloudonix_subscriber_id: e.cloudonix_subscriber_id.clone(),
            cloudonix_sync: None,
            created_at: e.created_at.into(),
            updated_at: e.updated_at.into(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewExtension {
    pub number: ExtensionNumber,
    #[schema(value_type = Name)]
    pub name: String,
    #[serde(default)]
    pub user_id: Option<UserId>,
    /// 12 to 64 visible ASCII characters; generated when absent.
    #[serde(default)]
    #[schema(value_type = Option<SipPasswordText>)]
    pub sip_password: Option<String>,
    /// Defaults to active.
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub do_not_disturb: bool,
    #[serde(default)]
    pub forward_always: Option<Destination>,
    /// Defaults to 20.
    #[serde(default)]
    #[schema(minimum = 5, maximum = 120)]
    pub no_answer_timeout: Option<i32>,
    #[serde(default)]
    pub no_answer: Option<Destination>,
    /// Defaults to true.
    #[serde(default)]
    pub voicemail_enabled: Option<bool>,
    /// An https URL to play or text (at most 1000 characters) to speak.
    #[serde(default)]
    #[schema(value_type = Option<Greeting>)]
    pub voicemail_greeting: Option<String>,
    /// One of the organization's recordings, played before the beep instead of the greeting.
    #[serde(default)]
    pub voicemail_greeting_recording_id: Option<RecordingId>,
    /// Where each new message is mailed with its audio.
    #[serde(default)]
    #[schema(value_type = Option<Email>)]
    pub voicemail_email: Option<String>,
}

/// Fields to change; absent ones stay as they are, `null` clears the nullable ones. PBX users may
/// send only the call-handling fields, and only for their own extension.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionUpdate {
    pub number: Option<ExtensionNumber>,
    #[schema(value_type = Option<Name>)]
    pub name: Option<String>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<UserId>)]
    pub user_id: Option<Option<UserId>>,
    #[schema(value_type = Option<SipPasswordText>)]
    pub sip_password: Option<String>,
    pub status: Option<Status>,
    pub do_not_disturb: Option<bool>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<Destination>)]
    pub forward_always: Option<Option<Destination>>,
    #[schema(minimum = 5, maximum = 120)]
    pub no_answer_timeout: Option<i32>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<Destination>)]
    pub no_answer: Option<Option<Destination>>,
    pub voicemail_enabled: Option<bool>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<Greeting>)]
    pub voicemail_greeting: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<RecordingId>)]
    pub voicemail_greeting_recording_id: Option<Option<RecordingId>>,
    #[serde(default, with = "nullable")]
    #[schema(value_type = Option<Email>)]
    pub voicemail_email: Option<Option<String>>,
}

impl ExtensionUpdate {
    /// The fields given that only owners and PBX admins may change.
    fn admin_fields(&self) -> Vec<&'static str> {
        [
            ("number", self.number.is_some()),
            ("name", self.name.is_some()),
            ("user_id", self.user_id.is_some()),
            ("sip_password", self.sip_password.is_some()),
            ("status", self.status.is_some()),
        ]
        .into_iter()
        .filter_map(|(field, given)| given.then_some(field))
        .collect()
    }

    /// Applies the change to `ext`, returning the new SIP password, if any, still in clear.
    fn apply(self, ext: &mut Extension) -> Option<String> {
        if let Some(number) = self.number {
            ext.number = number;
        }
        if let Some(name) = self.name {
            ext.display_name = name;
        }
        if let Some(user) = self.user_id {
            ext.user_id = user;
        }
        if let Some(status) = self.status {
            ext.status = status;
        }
        if let Some(dnd) = self.do_not_disturb {
            ext.do_not_disturb = dnd;
        }
        if let Some(forward) = self.forward_always {
            ext.forward_always = forward;
        }
        if let Some(timeout) = self.no_answer_timeout {
            ext.no_answer_timeout = timeout;
        }
        if let Some(no_answer) = self.no_answer {
            ext.no_answer = no_answer;
        }
        if let Some(enabled) = self.voicemail_enabled {
            ext.voicemail_enabled = enabled;
        }
        if let Some(greeting) = self.voicemail_greeting {
            ext.voicemail_greeting = greeting;
        }
        if let Some(recording) = self.voicemail_greeting_recording_id {
            ext.voicemail_greeting_recording_id = recording;
        }
        if let Some(email) = self.voicemail_email {
            ext.voicemail_email = email;
        }
        self.sip_password
    }
}

/// A SIP password in clear, for the few who may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SipPassword {
    pub sip_password: String,
}

/// The rules of an extension, on create and update alike: trims the texts and answers 422
/// naming every bad field. `new_password` is a SIP password about to be set, in clear.
pub async fn check(
    state: &AppState,
    org: OrgId,
    ext: &mut Extension,
    new_password: Option<&str>,
) -> ApiResult<()> {
    let mut v = Validator::new();
    ext.display_name = v.text("name", &ext.display_name, 1, rules::NAME_MAX);
    if let Some(p) = new_password {
        v.rule("sip_password", rules::sip_password(p));
    }
    v.range(
        "no_answer_timeout",
        ext.no_answer_timeout,
        rules::NO_ANSWER_TIMEOUT,
        "seconds",
    );
    ext.voicemail_greeting = ext
        .voicemail_greeting
        .as_deref()
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_owned);
    if let Some(greeting) = &ext.voicemail_greeting {
        v.rule("voicemail_greeting", rules::greeting(greeting));
    }
    v.recording(
        state,
        org,
        "voicemail_greeting_recording_id",
        ext.voicemail_greeting_recording_id,
    )
    .await?;
    ext.voicemail_email = (ext.voicemail_email.as_deref()).map(|e| v.email("voicemail_email", e));
    if let Some(user) = ext.user_id {
        match state.store.find_user(org, user).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => v.conflict("user_id", "no such user in your organization"),
            Err(e) => return Err(e.into()),
        }
    }
    // Forwarding to its own voicemail is fine; ringing itself again is a loop.
    let itself = SelfRef::new(DestinationKind::Extension, ext.id);
    for (field, destination) in [
        ("forward_always", &ext.forward_always),
        ("no_answer", &ext.no_answer),
    ] {
        if let Some(d) = destination {
            v.forwarding(state, org, field, d, Some(&itself)).await?;
        }
    }
    v.finish()
}

/// 403 unless the caller may make this change: admins any, a PBX user only the call handling of
/// an extension linked to them.
fn may_change(caller: &Caller, ext: &Extension, change: &ExtensionUpdate) -> ApiResult<()> {
    caller.require(Role::PbxUser)?;
    if caller.role().at_least(Role::PbxAdmin) {
        return Ok(());
    }
    if ext.user_id != Some(caller.user_id()) {
        return Err(ApiError::forbidden(
            "PBX users may change only their own extensions.",
        ));
    }
    let fields = change.admin_fields();
    if fields.is_empty() {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "Only owners and PBX admins may change {}.",
            fields.join(", ")
        )))
    }
}

/// 422 unless every voicemail box a PBX user's forwarding points at is one of their own
/// extensions': a mailbox is personal, while phones, ring groups, IVR menus, schedules and
/// conference rooms are what admins set up for everyone to ring (outside numbers are held to the
/// outbound rules by [`check`]). Admins may choose any mailbox.
async fn pbx_user_targets(
    state: &AppState,
    caller: &Caller,
    before: &Extension,
    after: &Extension,
) -> ApiResult<()> {
    if caller.role().at_least(Role::PbxAdmin) {
        return Ok(());
    }
    let mut v = Validator::new();
    for (field, was, now) in [
        (
            "forward_always",
            &before.forward_always,
            &after.forward_always,
        ),
        ("no_answer", &before.no_answer, &after.no_answer),
    ] {
        let mailbox = match now {
            Some(Destination::Voicemail { id }) if was != now => *id,
            _ => continue,
        };
        let own = match state.store.find_extension(caller.org(), mailbox).await {
            Ok(ext) => ext.user_id == Some(caller.user_id()),
            // An unknown id is answered by `check`, like any other.
            Err(StoreError::NotFound) => true,
            Err(e) => return Err(e.into()),
        };
        v.check(
            &format!("{field}.id"),
            own,
            "PBX users may send calls only to their own extensions' mailboxes",
        );
    }
    v.finish()
}

/// 403 unless the caller may see or replace the SIP password: admins, and the phone's own user.
fn may_use_password(caller: &Caller, ext: &Extension) -> ApiResult<()> {
    caller.require(Role::PbxUser)?;
    if caller.role().at_least(Role::PbxAdmin) || ext.user_id == Some(caller.user_id()) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only owners, PBX admins and the extension's own user may see its SIP password.",
        ))
    }
}

/// Saves `ext` (created when there is no `before`) with its `audit` entries, claiming its number.
async fn save(
    state: &AppState,
    ext: &Extension,
    before: Option<&Extension>,
    audit: &[AuditEntry],
) -> ApiResult<()> {
    let previous = before.map(|b| &b.number);
    dial_numbers::write_claiming(
        state,
        ext.organization_id,
        Claimant::Extension,
        Some(&ext.number),
        previous,
        async || {
            match before {
                None => state.store.create_extension(ext, audit).await?,
                Some(_) => state.store.update_extension(ext, audit).await?,
            }
            Ok(())
        },
    )
    .await
}

/// Views of `extensions` with their sync state, as lists and single reads answer them.
async fn with_sync(
    state: &AppState,
    org: OrgId,
    extensions: &[Extension],
) -> ApiResult<Vec<ExtensionView>> {
    let ids: Vec<ExtensionId> = extensions.iter().map(|e| e.id).collect();
    let mut sync = state.store.extension_sync(org, &ids).await?;
    Ok(extensions
        .iter()
        .map(|e| {
            let mut view = ExtensionView::from(e);
            view.cloudonix_sync = sync
                .iter()
                .position(|(id, _)| *id == e.id)
                .map(|i| sync.swap_remove(i).1);
            view
        })
        .collect())
}

async fn view_with_sync(state: &AppState, ext: &Extension) -> ApiResult<ExtensionView> {
    let mut views = with_sync(state, ext.organization_id, std::slice::from_ref(ext)).await?;
    Ok(views.pop().unwrap_or_else(|| ExtensionView::from(ext)))
}

fn seal_password(state: &AppState, ext: &Extension, password: &str) -> String {
    state
        .secrets
        .seal(SealedColumn::SIP_PASSWORD, &ext.id.to_string(), password)
}

fn unseal(state: &AppState, ext: &Extension) -> ApiResult<String> {
    let row = ext.id.to_string();
    state
        .secrets
        .open(SealedColumn::SIP_PASSWORD, &row, &ext.sip_password_enc)
        .map_err(|e| {
            tracing::error!(error = %e, extension = %ext.id, "SIP password cannot be unsealed");
            ApiError::internal()
        })
}

/// List the organization's extensions.
#[utoipa::path(
    get,
    path = "/api/v1/extensions",
    tag = "extensions",
    params(ListQuery<ExtensionList>),
    responses((status = 200, body = Paged<ExtensionView>))
)]
async fn list_extensions(
    State(state): State<AppState>,
    caller: Caller,
    list: List<ExtensionList>,
) -> ApiResult<Json<Paged<ExtensionView>>> {
    caller.require(Role::PbxUser)?;
    let page = state
        .store
        .list_extensions(caller.org(), &list.filter, list.page)
        .await?;
    let mut views = with_sync(&state, caller.org(), &page.items)
        .await?
        .into_iter();
    Ok(Json(Paged::map(page, |e| {
        views.next().unwrap_or_else(|| ExtensionView::from(&e))
    })))
}

/// Create an extension.
#[utoipa::path(
    post,
    path = "/api/v1/extensions",
    tag = "extensions",
    request_body = NewExtension,
    responses((status = 201, body = ExtensionView))
)]
async fn create_extension(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewExtension>,
) -> ApiResult<(StatusCode, Json<ExtensionView>)> {
    caller.require(Role::PbxAdmin)?;
    let now = now_ms();
    let mut ext = Extension {
        id: ExtensionId::new(),
        organization_id: caller.org(),
        number: body.number,
        display_name: body.name,
        user_id: body.user_id,
        sip_password_enc: String::new(),
        status: body.status.unwrap_or(Status::Active),
        do_not_disturb: body.do_not_disturb,
        forward_always: body.forward_always,
        no_answer_timeout: body.no_answer_timeout.unwrap_or(DEFAULT_NO_ANSWER_TIMEOUT),
        no_answer: body.no_answer,
        voicemail_enabled: body.voicemail_enabled.unwrap_or(true),
        voicemail_greeting: body.voicemail_greeting,
        voicemail_greeting_recording_id: body.voicemail_greeting_recording_id,
        voicemail_email: body.voicemail_email,
        cloudonix_subscriber_id: None,
        created_at: now,
        updated_at: now,
    };
    let password = body.sip_password.unwrap_or_else(random_password);
    check(&state, caller.org(), &mut ext, Some(&password)).await?;
    ext.sip_password_enc = seal_password(&state, &ext, &password);
    let view = ExtensionView::from(&ext);
    let entry = audit::entry(
        (&caller).into(),
        Change::created("extension", ext.id, &view),
    );
    save(&state, &ext, None, &[entry]).await?;
    dispatch_org(&state, caller.org()).await;
    audit::invalidate(&state, caller.org()).await;
    Ok((
        StatusCode::CREATED,
        Json(view_with_sync(&state, &ext).await?),
    ))
}

/// One extension.
#[utoipa::path(
    get,
    path = "/api/v1/extensions/{id}",
    tag = "extensions",
    params(("id" = ExtensionId, Path)),
    responses((status = 200, body = ExtensionView))
)]
async fn get_extension(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ExtensionId>,
) -> ApiResult<Json<ExtensionView>> {
    caller.require(Role::PbxUser)?;
    let ext = state.store.find_extension(caller.org(), id).await?;
    Ok(Json(view_with_sync(&state, &ext).await?))
}

/// Change an extension. PBX users may change do-not-disturb, forwarding, no-answer handling
/// and voicemail of their own extensions.
#[utoipa::path(
    patch,
    path = "/api/v1/extensions/{id}",
    tag = "extensions",
    params(("id" = ExtensionId, Path)),
    request_body = ExtensionUpdate,
    responses((status = 200, body = ExtensionView))
)]
async fn update_extension(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ExtensionId>,
    ApiJson(body): ApiJson<ExtensionUpdate>,
) -> ApiResult<Json<ExtensionView>> {
    caller.require(Role::PbxUser)?;
    let before = state.store.find_extension(caller.org(), id).await?;
    may_change(&caller, &before, &body)?;
    let mut after = before.clone();
    let password = body.apply(&mut after);
    pbx_user_targets(&state, &caller, &before, &after).await?;
    check(&state, caller.org(), &mut after, password.as_deref()).await?;
    if let Some(p) = &password {
        after.sip_password_enc = seal_password(&state, &after, p);
    }
    after.updated_at = now_ms();
    let view = ExtensionView::from(&after);
    let mut entries = vec![audit::entry(
        (&caller).into(),
        Change::updated("extension", id, &ExtensionView::from(&before), &view),
    )];
    if password.is_some() {
        let set = Change::action("set_sip_password", "extension", Some(id.to_string()));
        entries.push(audit::entry((&caller).into(), set));
    }
    save(&state, &after, Some(&before), &entries).await?;
    dispatch_org(&state, caller.org()).await;
    audit::invalidate(&state, caller.org()).await;
    Ok(Json(view_with_sync(&state, &after).await?))
}

/// Delete an extension (with its voicemail). Refused with 409 naming them while anything routes
/// to it or its voicemail, or lists it in a ring group or an IVR direct-dial allowlist.
#[utoipa::path(
    delete,
    path = "/api/v1/extensions/{id}",
    tag = "extensions",
    params(("id" = ExtensionId, Path)),
    responses((status = 204, description = "Deleted"))
)]
async fn delete_extension(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ExtensionId>,
) -> ApiResult<StatusCode> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_extension(caller.org(), id).await?;
    let entry = audit::entry(
        (&caller).into(),
        Change::deleted("extension", id, &ExtensionView::from(&before)),
    );
    state
        .store
        .delete_extension(caller.org(), id, &[entry])
        .await?;
    dispatch_org(&state, caller.org()).await;
    audit::invalidate(&state, caller.org()).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Show the SIP password, to owners, PBX admins and the extension's own user. Audited.
#[utoipa::path(
    post,
    path = "/api/v1/extensions/{id}/sip-password/reveal",
    tag = "extensions",
    params(("id" = ExtensionId, Path)),
    responses((status = 200, body = SipPassword))
)]
async fn reveal_sip_password(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ExtensionId>,
) -> ApiResult<Json<SipPassword>> {
    caller.require(Role::PbxUser)?;
    let ext = state.store.find_extension(caller.org(), id).await?;
    may_use_password(&caller, &ext)?;
    let sip_password = unseal(&state, &ext)?;
    audit::committed(
        &state,
        &caller,
        Change::action("reveal_sip_password", "extension", Some(id.to_string())),
    )
    .await;
    Ok(Json(SipPassword { sip_password }))
}

/// Replace the SIP password with a fresh random one, answered once in clear; for the same
/// people as reveal.
#[utoipa::path(
    post,
    path = "/api/v1/extensions/{id}/sip-password/rotate",
    tag = "extensions",
    params(("id" = ExtensionId, Path)),
    responses((status = 200, body = SipPassword))
)]
async fn rotate_sip_password(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ExtensionId>,
) -> ApiResult<Json<SipPassword>> {
    caller.require(Role::PbxUser)?;
    let mut ext = state.store.find_extension(caller.org(), id).await?;
    may_use_password(&caller, &ext)?;
    let sip_password = random_password();
    ext.sip_password_enc = seal_password(&state, &ext, &sip_password);
    ext.updated_at = now_ms();
    let rotated = Change::action("rotate_sip_password", "extension", Some(id.to_string()));
    let entry = audit::entry((&caller).into(), rotated);
    state.store.update_extension(&ext, &[entry]).await?;
    dispatch_org(&state, caller.org()).await;
    audit::invalidate(&state, caller.org()).await;
    Ok(Json(SipPassword { sip_password }))
}
