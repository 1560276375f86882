//! The organization's Cloudonix connection.
//!
//! - The API key is sealed at rest and only ever shown masked (`XI…abcd`).
//! - The webhook bearer (`authorization-api-key`, which Cloudonix sends to our voice and session
//!   webhooks) is shown once when issued; only its SHA-256 is kept, which is all the webhooks need.
//! - The CDR token (the secret path segment of the CDR URL; Cloudonix sends CDRs without any
//!   authentication) is kept hashed for the webhook and sealed so the owner can see the URL again.
//!   The session-update token is kept the same way: nothing documents that session updates carry
//!   the bearer, so their URL carries a secret of its own.
//! - Saving asks Cloudonix for the domain's name and UUID (a CDR names its domain by either, and
//!   the admin may have entered a numeric id); saving still succeeds when Cloudonix cannot be
//!   asked, and provisioning asks again.
//! - Saving (and replacing the CDR token) records a `sync_domain` job with the change, which
//!   pushes the voice application, default application and profile to the domain; the view's
//!   `cloudonix_sync` says how that went. The webhook bearer is written only by the key flows.
//! - Provisioning issues a fresh webhook bearer and pushes everything through the Cloudonix port.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::cloudonix::credentials::{check_api_key, check_domain};

use crate::cloudonix::tokens;
use crate::cloudonix::urls::WebhookUrls;
use crate::crypto::{SealedColumn, random_token, sha256_hex};
use crate::domain::ids::OrgId;
use crate::domain::model::{AuditEntry, CloudonixSettings, Role};
use crate::domain::now_ms;
use crate::http::api::audit::{self, Change};
use crate::http::api::caller::Caller;
use crate::http::api::extract::ApiJson;
use crate::http::api::jobs::JobView;
use crate::http::api::problem::{ApiError, ApiResult};
use crate::http::api::time::UtcTime;
use crate::http::api::validate::Validator;
use crate::http::webhooks::auth::forget_webhook_keys;
use crate::jobs::dispatch::{dispatch_org, enqueue};
use crate::ports::cloudonix::{ApiKey, DomainCredentials, mask_secret};
use crate::ports::cloudonix_settings::{CloudonixSettingsRepo, WebhookKeyStaging};
use crate::ports::jobs::{CloudonixSync, Job, JobKind, JobPayload, JobState, JobStore, SyncState};
use crate::ports::store::StoreError;
use crate::ports::subscriber_links::SubscriberLinkRepo;

/// The audit log's object type for everything here.
const OBJECT: &str = "cloudonix_settings";

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CloudonixSettingsView {
    /// The Cloudonix domain (name, numeric id or UUID); null until saved.
    #[schema(example = "acme.cloudonix.net")]
    pub domain: Option<String>,
    /// The domain's name as Cloudonix reported it; null until Cloudonix could be asked.
    #[schema(example = "acme.cloudonix.net")]
    pub domain_name: Option<String>,
    /// The domain's UUID as Cloudonix reported it; null until Cloudonix could be asked.
    pub domain_uuid: Option<String>,
    /// The domain API key, masked; null until saved.
    #[schema(example = "XI…abcd")]
    pub api_key: Option<String>,
    /// Whether a webhook bearer was issued (it is shown only when issued).
    pub webhook_bearer_issued: bool,
    /// Whether the CDR endpoint exists (its URL is under `/urls`).
    pub cdr_endpoint_issued: bool,
    /// The voice application provisioning created or updated.
    pub voice_application_id: Option<String>,
    /// When provisioning last completed every step.
    pub provisioned_at: Option<UtcTime>,
    pub updated_at: Option<UtcTime>,
    /// Whether the domain (voice application, default application, profile) matches these
    /// settings: `pending` while the sync job saving them started waits or runs, `failed` with
    /// the reason and the job to retry, `not_configured` before the domain and key are saved or
    /// pushed. Present in every answer (absent from the audit log's before/after).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloudonix_sync: Option<CloudonixSync>,
}

impl CloudonixSettingsView {
    fn new(state: &AppState, s: &CloudonixSettings) -> Self {
        Self {
            domain: s.domain.clone(),
            domain_name: s.domain_name.clone(),
            domain_uuid: s.domain_uuid.clone(),
            api_key: s.api_key_enc.as_deref().map(|sealed| {
                let org = s.organization_id.to_string();
                state.secrets.open(SealedColumn::CLOUDONIX_API_KEY, &org, sealed).map_or_else(
                    |_| {
                        tracing::warn!(org = %s.organization_id, "stored Cloudonix API key cannot be decrypted");
                        "(unreadable: enter the key again)".to_owned()
                    },
                    |key| mask_secret(&key),
                )
            }),
            webhook_bearer_issued: s.webhook_key_hash.is_some(),
            cdr_endpoint_issued: s.cdr_token_hash.is_some(),
            voice_application_id: s.voice_application_id.clone(),
            provisioned_at: s.provisioned_at.map(UtcTime),
            updated_at: (s.updated_at > 0).then_some(UtcTime(s.updated_at)),
            cloudonix_sync: None,
        }
    }

    /// The view with the domain's sync state, for answers.
    async fn with_sync(mut self, state: &AppState, s: &CloudonixSettings) -> ApiResult<Self> {
        self.cloudonix_sync = Some(domain_sync(state, s).await?);
        Ok(self)
    }
}

/// The domain's sync state: from the newest job that pushes the domain (a settings sync or a
/// provisioning run).
async fn domain_sync(state: &AppState, s: &CloudonixSettings) -> ApiResult<CloudonixSync> {
    let not_configured = CloudonixSync {
        state: SyncState::NotConfigured,
        error: None,
        job_id: None,
    };
    if s.domain.is_none() || s.api_key_enc.is_none() {
        return Ok(not_configured);
    }
    let mut newest: Option<Job> = None;
    for kind in [JobKind::SyncDomain, JobKind::Provision] {
        match state.store.latest_job(s.organization_id, kind).await {
            Ok(job)
                if newest
                    .as_ref()
                    .is_none_or(|n| job.created_at > n.created_at) =>
            {
                newest = Some(job);
            }
            Ok(_) | Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let Some(job) = newest else {
        return Ok(match s.provisioned_at {
            Some(_) => CloudonixSync {
                state: SyncState::Synced,
                ..not_configured
            },
            None => not_configured,
        });
    };
    let report_failed = job
        .progress
        .as_ref()
        .and_then(|p| p.get("ok"))
        .is_some_and(|ok| ok == false);
    let (sync_state, error) = match job.state {
        JobState::Pending | JobState::Running => (SyncState::Pending, job.last_error.clone()),
        JobState::Failed => (SyncState::Failed, job.last_error.clone()),
        JobState::Done if report_failed => (
            SyncState::Failed,
            Some("a provisioning step failed; the job's report says which".to_owned()),
        ),
        JobState::Done => (SyncState::Synced, None),
    };
    Ok(CloudonixSync {
        state: sync_state,
        error,
        job_id: Some(job.id),
    })
}

/// Saves the settings with the `audit` entry of the change and, once there is a domain to push
/// them to, the job that does it, which is then handed to the queue.
async fn save_and_sync(
    state: &AppState,
    settings: &CloudonixSettings,
    audit: &AuditEntry,
) -> ApiResult<()> {
    let org = settings.organization_id;
    let job = (settings.domain.is_some() && settings.api_key_enc.is_some())
        .then(|| Job::new(org, JobPayload::SyncDomain, now_ms()));
    state
        .store
        .save_cloudonix_settings(settings, job.as_ref(), audit)
        .await?;
    if job.is_some() {
        dispatch_org(state, org).await;
    }
    audit::invalidate(state, org).await;
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloudonixSettingsInput {
    /// The Cloudonix domain: its name (`acme.cloudonix.net`), numeric id or UUID.
    #[schema(pattern = r"^\s*(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9.-]{0,252}\s*$")]
    pub domain: String,
    /// A domain API key (34 characters, `XI…`). Omit or send null to keep the stored one.
    #[serde(default)]
    #[schema(pattern = r"^\s*[!-~]{16,256}\s*$")]
    pub api_key: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedWebhookKey {
    /// Paste into the Cloudonix domain profile as `authorization-api-key` ("Domain Request
    /// Authorization Key"). Shown only now: only its SHA-256 is stored. The previous bearer stops
    /// working at once.
    pub webhook_key: String,
}

/// What to paste into Cloudonix.
#[derive(Debug, Serialize, ToSchema)]
pub struct CloudonixUrlsView {
    /// The voice application's URL; its method must be POST.
    pub voice_application_url: String,
    /// The domain profile's `session-update-endpoint`: with its secret token once one exists
    /// (saving the settings creates one), which authenticates updates with or without the bearer;
    /// before that, the URL the bearer alone authenticates.
    pub session_update_endpoint: String,
    /// The domain profile's `cdr-endpoint`, secret token included; null until a CDR token exists
    /// (saving the settings creates one).
    pub cdr_endpoint: Option<String>,
}

/// The organization's settings, or empty ones before the first save.
async fn load(state: &AppState, org: OrgId) -> ApiResult<CloudonixSettings> {
    match state.store.find_cloudonix_settings(org).await {
        Err(StoreError::NotFound) => Ok(CloudonixSettings::new(org)),
        other => Ok(other?),
    }
}

fn issue_cdr_token(state: &AppState, settings: &mut CloudonixSettings) -> String {
    let token = random_token();
    settings.cdr_token_hash = Some(sha256_hex(&token));
    settings.cdr_token_enc = Some(state.secrets.seal(
        SealedColumn::CLOUDONIX_CDR_TOKEN,
        &settings.organization_id.to_string(),
        &token,
    ));
    token
}

fn issue_session_token(state: &AppState, settings: &mut CloudonixSettings) {
    let token = random_token();
    settings.session_token_hash = Some(sha256_hex(&token));
    settings.session_token_enc = Some(state.secrets.seal(
        SealedColumn::CLOUDONIX_SESSION_TOKEN,
        &settings.organization_id.to_string(),
        &token,
    ));
}

fn cdr_token(state: &AppState, settings: &CloudonixSettings) -> Option<String> {
    tokens::cdr_token(&state.secrets, settings)
}

fn session_token(state: &AppState, settings: &CloudonixSettings) -> Option<String> {
    tokens::session_token(&state.secrets, settings)
}

/// Records the domain's name and UUID as Cloudonix reports them. Best effort: when Cloudonix
/// cannot be asked, the names of the same domain are kept and those of another are forgotten.
async fn learn_domain_names(state: &AppState, settings: &mut CloudonixSettings, moved: bool) {
    let (Some(domain), Some(sealed)) = (&settings.domain, &settings.api_key_enc) else {
        return;
    };
    let org = settings.organization_id.to_string();
    let Ok(key) = state
        .secrets
        .open(SealedColumn::CLOUDONIX_API_KEY, &org, sealed)
    else {
        return;
    };
    let creds = DomainCredentials {
        domain: domain.clone(),
        api_key: ApiKey::new(key),
    };
    match state.cloudonix.get_domain(&creds).await {
        Ok(info) => {
            settings.domain_name = info.domain;
            settings.domain_uuid = info.uuid;
        }
        Err(e) => {
            tracing::warn!(org = %settings.organization_id, error = %e, "Cloudonix domain not read; its name and UUID stay unknown until provisioning");
            if moved {
                settings.domain_name = None;
                settings.domain_uuid = None;
            }
        }
    }
}

fn public_url(state: &AppState) -> ApiResult<&str> {
    state.public_url.as_deref().ok_or_else(no_public_url)
}

/// Where the URLs to paste point: the public URL, else (`opbx-local`) the address it listens on.
fn shown_url(state: &AppState) -> ApiResult<&str> {
    state
        .public_url
        .as_deref()
        .or(state.listen_url.as_deref())
        .ok_or_else(no_public_url)
}

fn no_public_url() -> ApiError {
    ApiError::conflict(
        "This deployment does not know its public address: set OPBX_PUBLIC_URL to the URL \
         Cloudonix can reach it at.",
    )
}

fn urls_view(
    public_url: &str,
    cdr_token: Option<&str>,
    session_token: Option<&str>,
) -> CloudonixUrlsView {
    let urls = WebhookUrls::new(public_url, cdr_token.unwrap_or_default(), session_token);
    CloudonixUrlsView {
        voice_application_url: urls.voice_application,
        session_update_endpoint: urls.session_update,
        cdr_endpoint: cdr_token.map(|_| urls.cdr),
    }
}

/// The Cloudonix connection, secrets masked.
#[utoipa::path(
    get,
    path = "/api/v1/settings/cloudonix",
    tag = "settings",
    responses((status = 200, body = CloudonixSettingsView))
)]
pub async fn get_cloudonix(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<CloudonixSettingsView>> {
    caller.require(Role::PbxAdmin)?;
    let settings = load(&state, caller.org()).await?;
    let view = CloudonixSettingsView::new(&state, &settings);
    Ok(Json(view.with_sync(&state, &settings).await?))
}

/// Save the domain and API key (owner only). The first save also creates the CDR and
/// session-update endpoint tokens. Cloudonix is asked for the domain's name and UUID (shown as
/// `domain_name`, `domain_uuid`; null when it could not be reached). Moving to another domain
/// forgets the voice application and subscriber links of the old one; provision afterwards.
/// The domain is then brought in line by a background job (`cloudonix_sync`).
#[utoipa::path(
    put,
    path = "/api/v1/settings/cloudonix",
    tag = "settings",
    request_body = CloudonixSettingsInput,
    responses((status = 200, body = CloudonixSettingsView))
)]
pub async fn put_cloudonix(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CloudonixSettingsInput>,
) -> ApiResult<Json<CloudonixSettingsView>> {
    caller.require(Role::Owner)?;
    let org = caller.org();
    let before = load(&state, org).await?;
    let mut v = Validator::new();
    let domain = v.parsed("domain", check_domain(&body.domain));
    let api_key = match &body.api_key {
        Some(key) => v.parsed("api_key", check_api_key(key)),
        None if before.api_key_enc.is_none() => {
            v.conflict("api_key", "is required until a key is stored");
            None
        }
        None => None,
    };
    v.finish()?;
    let domain = domain.expect("validated");

    let mut after = before.clone();
    let moved = before
        .domain
        .as_deref()
        .is_some_and(|old| !old.eq_ignore_ascii_case(&domain));
    if moved {
        after.voice_application_id = None;
        after.provisioned_at = None;
    }
    after.domain = Some(domain);
    if let Some(key) = api_key {
        after.api_key_enc = Some(state.secrets.seal(
            SealedColumn::CLOUDONIX_API_KEY,
            &after.organization_id.to_string(),
            &key,
        ));
    }
    if after.cdr_token_hash.is_none() {
        issue_cdr_token(&state, &mut after);
    }
    if after.session_token_hash.is_none() {
        issue_session_token(&state, &mut after);
    }
    learn_domain_names(&state, &mut after, moved).await;
    after.updated_at = now_ms();
    let view = CloudonixSettingsView::new(&state, &after);
    let change = Change::updated(
        OBJECT,
        org,
        &CloudonixSettingsView::new(&state, &before),
        &view,
    );
    save_and_sync(&state, &after, &audit::entry((&caller).into(), change)).await?;
    if moved {
        state.store.unlink_all_cloudonix_subscribers(org).await?;
    }
    Ok(Json(view.with_sync(&state, &after).await?))
}

/// Issue a new webhook bearer, replacing the old one at once (owner only). Shown only in this
/// answer. Provisioning issues and pushes one itself; this is for configuring Cloudonix by hand.
#[utoipa::path(
    post,
    path = "/api/v1/settings/cloudonix/webhook-key",
    tag = "settings",
    responses((status = 200, body = IssuedWebhookKey))
)]
pub async fn rotate_webhook_key(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<IssuedWebhookKey>> {
    caller.require(Role::Owner)?;
    let org = caller.org();
    let key = random_token();
    let change = Change::action("rotate_webhook_key", OBJECT, Some(org.to_string()));
    let entry = audit::entry((&caller).into(), change);
    state
        .store
        .replace_webhook_key(org, &sha256_hex(&key), entry.created_at, &entry)
        .await?;
    // The webhooks cache recognised keys; the old one must stop working now, not in minutes.
    forget_webhook_keys(&state, org).await;
    audit::invalidate(&state, org).await;
    Ok(Json(IssuedWebhookKey { webhook_key: key }))
}

/// Replace the CDR endpoint's secret token (owner only); the old CDR URL stops working at once.
/// Answers the URLs, the new CDR endpoint included.
#[utoipa::path(
    post,
    path = "/api/v1/settings/cloudonix/cdr-token",
    tag = "settings",
    responses((status = 200, body = CloudonixUrlsView))
)]
pub async fn rotate_cdr_token(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<CloudonixUrlsView>> {
    caller.require(Role::Owner)?;
    let public_url = shown_url(&state)?;
    let org = caller.org();
    let mut settings = load(&state, org).await?;
    let token = issue_cdr_token(&state, &mut settings);
    settings.updated_at = now_ms();
    // The domain's profile names the CDR URL: the sync pushes the new one.
    let change = Change::action("rotate_cdr_token", OBJECT, Some(org.to_string()));
    save_and_sync(&state, &settings, &audit::entry((&caller).into(), change)).await?;
    let session_token = session_token(&state, &settings);
    Ok(Json(urls_view(
        public_url,
        Some(&token),
        session_token.as_deref(),
    )))
}

/// The exact URLs to paste into Cloudonix (owner only: the CDR URL carries a secret).
#[utoipa::path(
    get,
    path = "/api/v1/settings/cloudonix/urls",
    tag = "settings",
    responses((status = 200, body = CloudonixUrlsView))
)]
pub async fn get_urls(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<CloudonixUrlsView>> {
    caller.require(Role::Owner)?;
    let public_url = shown_url(&state)?;
    let settings = load(&state, caller.org()).await?;
    let cdr = cdr_token(&state, &settings);
    let session = session_token(&state, &settings);
    Ok(Json(urls_view(
        public_url,
        cdr.as_deref(),
        session.as_deref(),
    )))
}

/// Push the configuration to Cloudonix (owner only), as a background job: answers 202 with the
/// job at once; `GET /api/v1/jobs/{id}` shows its progress (the report of every step so far).
/// Provisioning sets the voice application (POST to our voice URL) as the domain's default, the
/// domain profile (`authorization-api-key` with a freshly issued webhook bearer, accepted before
/// Cloudonix gets it, the replaced one still accepted for 10 minutes; `session-update-endpoint`
/// and `cdr-endpoint` with their tokens) and one subscriber per extension, paced within
/// Cloudonix's rate limit; records the domain's name and UUID. Running it again is safe and
/// repairs what failed. 409 while a provisioning job is pending or running.
#[utoipa::path(
    post,
    path = "/api/v1/settings/cloudonix/provision",
    tag = "settings",
    responses((status = 202, body = JobView))
)]
pub async fn provision_domain(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<(StatusCode, Json<JobView>)> {
    caller.require(Role::Owner)?;
    public_url(&state)?;
    let org = caller.org();
    let settings = load(&state, org).await?;
    let (Some(_), Some(sealed_key)) = (&settings.domain, &settings.api_key_enc) else {
        return Err(ApiError::conflict(
            "Save the Cloudonix domain and API key first.",
        ));
    };
    if state
        .secrets
        .open(
            SealedColumn::CLOUDONIX_API_KEY,
            &org.to_string(),
            sealed_key,
        )
        .is_err()
    {
        return Err(ApiError::conflict(
            "The stored Cloudonix API key cannot be decrypted (was the encryption key changed?); \
             enter it again.",
        ));
    }
    match state.store.latest_job(org, JobKind::Provision).await {
        Ok(job) if matches!(job.state, JobState::Pending | JobState::Running) => {
            return Err(ApiError::conflict(format!(
                "Cannot provision: provisioning job {} is already {}.",
                job.id,
                job.state.as_str()
            )));
        }
        Ok(_) | Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    let job = Job::new(org, JobPayload::Provision, now_ms());
    let requested = Change::action("provision", OBJECT, Some(org.to_string()));
    enqueue(&state, &job, &[audit::entry((&caller).into(), requested)]).await?;
    audit::invalidate(&state, org).await;
    Ok((StatusCode::ACCEPTED, Json(JobView::from(&job))))
}
