//! Provisioning: makes an organization's Cloudonix domain call this deployment (reference
//! cloudonix.md §4–§5), step by step, reporting each step so a partial failure is visible.
//!
//! 1. read the domain (checks domain and key, and fetches the profile to merge into);
//! 2. create or update the voice application (`type: cxml`, `method: POST`, our voice URL);
//! 3. make it the domain's default application;
//! 4. save the domain profile with `authorization-api-key` (the webhook bearer),
//!    `session-update-endpoint` (with its own path token, so updates that come without the
//!    bearer are still accepted) and `cdr-endpoint`, keeping every other profile property;
//! 5. store what Cloudonix now knows: the domain's name and UUID (a CDR names its domain by
//!    either), application id, CDR and session-update tokens;
//! 6. create or update one subscriber per extension (inactive extensions are deactivated), page by
//!    page, stopping at a deadline so that a job can continue where it stopped (any number of
//!    extensions fits Lambda's 15 minutes a run);
//! 7. mark the organization provisioned when every step succeeded.
//!
//! The webhook bearer changes without a gap: the new key is staged (accepted by the webhooks)
//! before the profile carrying it is pushed, promoted once Cloudonix saved it, and the key it
//! replaces stays accepted for [`ProvisionRequest::key_grace`]. A failed push leaves the key
//! staged, so a retry pushes the same one.
//!
//! Re-running is safe: the application is found by its stored id or its fixed name, subscribers
//! by stored id or MSISDN, so a second run updates instead of creating duplicates. The tokens are
//! stored only once the profile carrying them is saved, so a failed run leaves the previous
//! (working) ones in place.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::subscribers::place_subscriber;
use super::urls::WebhookUrls;
use crate::crypto::{SealedColumn, SecretBox, sha256_hex};
use crate::domain::ids::OrgId;
use crate::domain::model::{Extension, Status};
use crate::domain::now_ms;
use crate::ports::cloudonix::{
    CloudonixApi, CloudonixError, DomainCredentials, DomainInfo, SubscriberSpec,
    VoiceApplicationSpec,
};
use crate::ports::cloudonix_settings::{CloudonixSettingsRepo, WebhookKeyStaging};
use crate::ports::coordination::{CoordinationError, Locks};
use crate::ports::extensions::ExtensionRepo;
use crate::ports::jobs::{JobStore, SyncState};
use crate::ports::store::{ListFilter, PageRequest, StoreError};
use crate::ports::subscriber_links::SubscriberLinkRepo;

/// The voice application's name on Cloudonix; finding it by name keeps re-runs from creating a
/// second application when the stored id was lost.
pub const VOICE_APPLICATION_NAME: &str = "opbx-routing";

/// How long one run may hold the organization's provisioning lock: past any run's deadline.
const LOCK_TTL: Duration = Duration::from_secs(16 * 60);

/// What a run pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The domain steps and a subscriber per extension, with a freshly issued webhook bearer.
    Everything,
    /// The domain steps only (a settings change): the bearer Cloudonix holds is kept when OpBX
    /// accepts it.
    Domain,
}

pub struct ProvisionRequest {
    pub organization_id: OrgId,
    pub scope: Scope,
    pub credentials: DomainCredentials,
    /// `OPBX_PUBLIC_URL`.
    pub public_url: String,
    /// The bearer Cloudonix is to send (`authorization-api-key`); only its hash is stored, and
    /// the key itself sealed while it is staged.
    pub webhook_key: String,
    /// How long the key it replaces keeps working once Cloudonix has the new one: webhooks
    /// Cloudonix sent with the old key just before may still be arriving.
    pub key_grace: Duration,
    /// The token in the CDR URL; stored hashed and sealed.
    pub cdr_token: String,
    /// The token in the session-update URL; stored hashed and sealed.
    pub session_token: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    CheckDomain,
    VoiceApplication,
    DefaultApplication,
    DomainProfile,
    Subscriber,
    SaveSettings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Created,
    Updated,
    Unchanged,
    Failed,
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Step {
    pub step: StepKind,
    /// What the step acted on, e.g. the extension number of a subscriber step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub status: StepStatus,
    /// The Cloudonix id of what was created or updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloudonix_id: Option<String>,
    /// Why a step failed or was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProvisionReport {
    /// Every step so far succeeded; once `next_page` is null, the domain calls this deployment.
    pub ok: bool,
    pub steps: Vec<Step>,
    /// The organization's extensions, one subscriber step each.
    pub subscribers_total: i64,
    /// While subscribers remain: the page of extensions (100 each, by number) to continue from.
    #[serde(default)]
    pub next_page: Option<u32>,
    /// This run made a newly issued webhook bearer the current one (the replaced one is in its
    /// grace period).
    #[serde(skip)]
    pub key_rotated: bool,
}

impl ProvisionReport {
    pub fn step(&self, kind: StepKind, target: Option<&str>) -> Option<&Step> {
        self.steps
            .iter()
            .find(|s| s.step == kind && s.target.as_deref() == target)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("provisioning is already running for this organization")]
    AlreadyRunning,
    /// Provisioning needs the organization's saved Cloudonix settings.
    #[error("the organization has no Cloudonix settings")]
    NotConfigured,
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Coordination(#[from] CoordinationError),
}

impl From<StoreError> for ProvisionError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotConfigured,
            other => Self::Store(other),
        }
    }
}

/// What provisioning needs from the stores.
pub trait ProvisionStore:
    CloudonixSettingsRepo + ExtensionRepo + SubscriberLinkRepo + WebhookKeyStaging + JobStore
{
}

impl<T> ProvisionStore for T where
    T: CloudonixSettingsRepo + ExtensionRepo + SubscriberLinkRepo + WebhookKeyStaging + JobStore
{
}

/// Told the report so far after the domain steps and after every page of subscribers.
#[async_trait]
pub trait ProvisionProgress: Send + Sync {
    async fn progress(&self, report: &ProvisionReport);
}

/// For runs nobody watches.
pub struct Unwatched;

#[async_trait]
impl ProvisionProgress for Unwatched {
    async fn progress(&self, _: &ProvisionReport) {}
}

/// Where a run starts and when it stops.
pub struct RunLimits<'a> {
    /// The report of the run this one continues (its `next_page`); `None`: from the start.
    pub resume: Option<ProvisionReport>,
    /// No new page of subscribers is started after this.
    pub deadline: Option<Instant>,
    pub progress: &'a dyn ProvisionProgress,
}

impl RunLimits<'_> {
    /// The whole run at once, unwatched.
    pub fn whole() -> RunLimits<'static> {
        RunLimits {
            resume: None,
            deadline: None,
            progress: &Unwatched,
        }
    }
}

/// The bearer the domain's profile carries, when it is the one OpBX accepts as current.
fn accepted_bearer(domain: &DomainInfo, current_hash: Option<&str>) -> Option<String> {
    let key = domain.profile.get("authorization-api-key")?.as_str()?;
    (Some(sha256_hex(key).as_str()) == current_hash).then(|| key.to_owned())
}

/// Runs the steps for one organization, from the start or from where `limits.resume` stopped,
/// until done or the deadline (then `next_page` says where to continue). Cloudonix failures are
/// reported in the steps; store failures end the run with an error, since nothing it did could
/// be recorded.
pub async fn provision(
    api: &dyn CloudonixApi,
    store: &dyn ProvisionStore,
    locks: &dyn Locks,
    secrets: &SecretBox,
    request: &ProvisionRequest,
    limits: RunLimits<'_>,
) -> Result<ProvisionReport, ProvisionError> {
    let org = request.organization_id;
    // Two runs at once would push two different webhook keys and keep the hash of either.
    let lock_key = format!("cloudonix-provision:{org}");
    let guard = locks
        .try_lock(&lock_key, LOCK_TTL)
        .await?
        .ok_or(ProvisionError::AlreadyRunning)?;
    let run = Run::new(api, store, secrets, request, &limits);
    let result = match limits.resume.clone() {
        Some(report) => run.continue_from(report).await,
        None => run.all_steps().await,
    };
    // The lock lapses by its TTL if this fails; reporting that would hide the run's own result.
    let _ = locks.unlock(guard).await;
    result
}

struct Run<'a> {
    api: &'a dyn CloudonixApi,
    store: &'a dyn ProvisionStore,
    secrets: &'a SecretBox,
    request: &'a ProvisionRequest,
    creds: &'a DomainCredentials,
    limits: &'a RunLimits<'a>,
    steps: Vec<Step>,
    subscribers_total: i64,
    next_page: Option<u32>,
    key_rotated: bool,
}

impl<'a> Run<'a> {
    fn new(
        api: &'a dyn CloudonixApi,
        store: &'a dyn ProvisionStore,
        secrets: &'a SecretBox,
        request: &'a ProvisionRequest,
        limits: &'a RunLimits<'a>,
    ) -> Self {
        Self {
            api,
            store,
            secrets,
            request,
            creds: &request.credentials,
            limits,
            steps: Vec::new(),
            subscribers_total: 0,
            next_page: None,
            key_rotated: false,
        }
    }

    fn push(
        &mut self,
        step: StepKind,
        target: Option<&str>,
        status: StepStatus,
        cloudonix_id: Option<&str>,
        detail: Option<String>,
    ) {
        self.steps.push(Step {
            step,
            target: target.map(str::to_owned),
            status,
            cloudonix_id: cloudonix_id.map(str::to_owned),
            detail,
        });
    }

    fn failed(&mut self, step: StepKind, target: Option<&str>, error: &CloudonixError) {
        self.push(
            step,
            target,
            StepStatus::Failed,
            None,
            Some(error.to_string()),
        );
    }

    fn skipped(&mut self, step: StepKind, target: Option<&str>, reason: &str) {
        self.push(step, target, StepStatus::Skipped, None, Some(reason.into()));
    }

    async fn all_steps(mut self) -> Result<ProvisionReport, ProvisionError> {
        let org = self.request.organization_id;
        let stored = self.store.find_cloudonix_settings(org).await?;
        let urls = WebhookUrls::new(
            &self.request.public_url,
            &self.request.cdr_token,
            Some(&self.request.session_token),
        );

        let domain = match self.api.get_domain(self.creds).await {
            Ok(domain) => {
                self.push(
                    StepKind::CheckDomain,
                    None,
                    StepStatus::Unchanged,
                    domain.id.as_deref(),
                    None,
                );
                domain
            }
            Err(e) => {
                self.failed(StepKind::CheckDomain, None, &e);
                for step in [
                    StepKind::VoiceApplication,
                    StepKind::DefaultApplication,
                    StepKind::DomainProfile,
                    StepKind::Subscriber,
                ] {
                    self.skipped(step, None, "the domain could not be read");
                }
                return Ok(self.report());
            }
        };

        let app_id = self
            .voice_application(stored.voice_application_id.as_deref(), &urls)
            .await;
        self.default_application(&domain, app_id.as_deref()).await;
        let kept = match self.request.scope {
            Scope::Domain => accepted_bearer(&domain, stored.webhook_key_hash.as_deref()),
            Scope::Everything => None,
        };
        let profile_saved = self.domain_profile(&domain, &urls, kept).await?;
        if !self.record_domain(&domain, app_id, profile_saved).await?
            || self.request.scope == Scope::Domain
        {
            return Ok(self.report());
        }
        self.limits.progress.progress(&self.report_so_far()).await;
        self.subscribers(1).await?;
        self.finish().await
    }

    /// Takes up the subscribers where an earlier run of the same provisioning stopped.
    async fn continue_from(
        mut self,
        report: ProvisionReport,
    ) -> Result<ProvisionReport, ProvisionError> {
        self.steps = report.steps;
        self.subscribers(report.next_page.unwrap_or(1)).await?;
        self.finish().await
    }

    /// Marks the organization provisioned once the last page is done and nothing failed.
    async fn finish(mut self) -> Result<ProvisionReport, ProvisionError> {
        if self.next_page.is_some() {
            return Ok(self.report());
        }
        let mut settings = self
            .store
            .find_cloudonix_settings(self.request.organization_id)
            .await?;
        if self.domain_moved(settings.domain.as_deref()) {
            return Ok(self.report());
        }
        let now = now_ms();
        if !self.steps.iter().any(|s| s.status == StepStatus::Failed) {
            settings.provisioned_at = Some(now);
        }
        settings.updated_at = now;
        self.store.upsert_cloudonix_settings(&settings).await?;
        self.push(
            StepKind::SaveSettings,
            None,
            StepStatus::Updated,
            None,
            None,
        );
        Ok(self.report())
    }

    /// Stores what Cloudonix now knows; `false` (and a failed step) when the organization moved
    /// to another domain meanwhile.
    async fn record_domain(
        &mut self,
        domain: &DomainInfo,
        app_id: Option<String>,
        profile_saved: bool,
    ) -> Result<bool, ProvisionError> {
        let mut settings = self
            .store
            .find_cloudonix_settings(self.request.organization_id)
            .await?;
        if self.domain_moved(settings.domain.as_deref()) {
            return Ok(false);
        }
        settings.domain_name = domain.domain.clone();
        settings.domain_uuid = domain.uuid.clone();
        if app_id.is_some() {
            settings.voice_application_id = app_id;
        }
        if profile_saved {
            let request = self.request;
            let org = settings.organization_id.to_string();
            settings.cdr_token_hash = Some(sha256_hex(&request.cdr_token));
            settings.cdr_token_enc = Some(self.secrets.seal(
                SealedColumn::CLOUDONIX_CDR_TOKEN,
                &org,
                &request.cdr_token,
            ));
            settings.session_token_hash = Some(sha256_hex(&request.session_token));
            settings.session_token_enc = Some(self.secrets.seal(
                SealedColumn::CLOUDONIX_SESSION_TOKEN,
                &org,
                &request.session_token,
            ));
        }
        settings.updated_at = now_ms();
        self.store.upsert_cloudonix_settings(&settings).await?;
        Ok(true)
    }

    /// Whether the owner moved to another domain while this run talked to the old one: what it
    /// learned belongs to the old domain and must not be recorded against the new one (a failed
    /// step says so).
    fn domain_moved(&mut self, domain_now: Option<&str>) -> bool {
        if domain_now
            .unwrap_or_default()
            .eq_ignore_ascii_case(&self.creds.domain)
        {
            return false;
        }
        self.push(
            StepKind::SaveSettings,
            None,
            StepStatus::Failed,
            None,
            Some("the Cloudonix domain changed during provisioning; run it again".into()),
        );
        true
    }

    fn report_so_far(&self) -> ProvisionReport {
        ProvisionReport {
            ok: !self.steps.iter().any(|s| s.status == StepStatus::Failed),
            steps: self.steps.clone(),
            subscribers_total: self.subscribers_total,
            next_page: self.next_page,
            key_rotated: self.key_rotated,
        }
    }

    fn report(self) -> ProvisionReport {
        self.report_so_far()
    }

    /// Updates the application by stored id, then by name; creates it when neither exists.
    async fn voice_application(
        &mut self,
        stored_id: Option<&str>,
        urls: &WebhookUrls,
    ) -> Option<String> {
        let spec = VoiceApplicationSpec {
            name: VOICE_APPLICATION_NAME.to_owned(),
            url: urls.voice_application.clone(),
        };
        for key in stored_id.into_iter().chain([VOICE_APPLICATION_NAME]) {
            match self
                .api
                .update_voice_application(self.creds, key, &spec)
                .await
            {
                Ok(app) => {
                    self.push(
                        StepKind::VoiceApplication,
                        None,
                        StepStatus::Updated,
                        Some(&app.id),
                        None,
                    );
                    return Some(app.id);
                }
                Err(CloudonixError::NotFound) => continue,
                Err(e) => {
                    self.failed(StepKind::VoiceApplication, None, &e);
                    return None;
                }
            }
        }
        match self.api.create_voice_application(self.creds, &spec).await {
            Ok(app) => {
                self.push(
                    StepKind::VoiceApplication,
                    None,
                    StepStatus::Created,
                    Some(&app.id),
                    None,
                );
                Some(app.id)
            }
            Err(e) => {
                self.failed(StepKind::VoiceApplication, None, &e);
                None
            }
        }
    }

    async fn default_application(&mut self, domain: &DomainInfo, app_id: Option<&str>) {
        let Some(app_id) = app_id else {
            self.skipped(
                StepKind::DefaultApplication,
                None,
                "there is no voice application",
            );
            return;
        };
        if domain.default_application.as_deref() == Some(app_id) {
            self.push(
                StepKind::DefaultApplication,
                None,
                StepStatus::Unchanged,
                Some(app_id),
                None,
            );
            return;
        }
        match self.api.set_default_application(self.creds, app_id).await {
            Ok(()) => self.push(
                StepKind::DefaultApplication,
                None,
                StepStatus::Updated,
                Some(app_id),
                None,
            ),
            Err(e) => self.failed(StepKind::DefaultApplication, None, &e),
        }
    }

    /// The profile as Cloudonix has it, with OpBX's three properties set: properties an admin set
    /// in the cockpit (ring timeout, recording format…) survive. A domain sync keeps the bearer
    /// Cloudonix holds when it is the one OpBX accepts (`kept`); otherwise a new one is issued
    /// the gapless way. Nothing is sent when the profile already says it all.
    async fn domain_profile(
        &mut self,
        domain: &DomainInfo,
        urls: &WebhookUrls,
        kept: Option<String>,
    ) -> Result<bool, ProvisionError> {
        let org = self.request.organization_id;
        let issued = kept.is_none();
        let key = kept.unwrap_or_else(|| self.request.webhook_key.clone());
        let hash = sha256_hex(&key);
        if issued {
            // Accepted from now on, before Cloudonix starts sending it.
            let sealed = self.secrets.seal(
                SealedColumn::CLOUDONIX_STAGED_WEBHOOK_KEY,
                &org.to_string(),
                &key,
            );
            self.store.stage_webhook_key(org, &hash, &sealed).await?;
        }
        let mut profile = domain.profile.clone();
        for (name, value) in [
            ("authorization-api-key", &key),
            ("session-update-endpoint", &urls.session_update),
            ("cdr-endpoint", &urls.cdr),
        ] {
            profile.insert(name.to_owned(), Value::String(value.clone()));
        }
        if profile == domain.profile {
            self.push(
                StepKind::DomainProfile,
                None,
                StepStatus::Unchanged,
                None,
                None,
            );
            return Ok(true);
        }
        match self.api.update_domain_profile(self.creds, &profile).await {
            Ok(()) => {
                if issued {
                    let grace_ms = i64::try_from(self.request.key_grace.as_millis()).unwrap_or(0);
                    self.key_rotated = self
                        .store
                        .promote_webhook_key(org, &hash, now_ms() + grace_ms)
                        .await?;
                }
                self.push(
                    StepKind::DomainProfile,
                    None,
                    StepStatus::Updated,
                    None,
                    None,
                );
                Ok(true)
            }
            Err(e) => {
                // The key stays staged: Cloudonix may have saved it before the answer was lost.
                self.failed(StepKind::DomainProfile, None, &e);
                Ok(false)
            }
        }
    }

    /// One subscriber step per extension, from `page` on, until done or past the deadline.
    async fn subscribers(&mut self, mut page: u32) -> Result<(), StoreError> {
        let org = self.request.organization_id;
        loop {
            let request = PageRequest::new(page, PageRequest::MAX_PER_PAGE);
            let extensions = self
                .store
                .list_extensions(org, &ListFilter::default(), request)
                .await?;
            self.subscribers_total = extensions.total;
            for ext in &extensions.items {
                self.subscriber(ext).await?;
            }
            let last = i64::from(page) * i64::from(request.per_page) >= extensions.total
                || extensions.items.is_empty();
            self.next_page = (!last).then_some(page + 1);
            self.limits.progress.progress(&self.report_so_far()).await;
            let out_of_time = self.limits.deadline.is_some_and(|d| Instant::now() >= d);
            if last || out_of_time {
                return Ok(());
            }
            page += 1;
        }
    }

    async fn subscriber(&mut self, ext: &Extension) -> Result<(), StoreError> {
        let number = ext.number.as_str();
        let target = Some(number);
        let Ok(sip_password) = self.secrets.open(
            SealedColumn::SIP_PASSWORD,
            &ext.id.to_string(),
            &ext.sip_password_enc,
        ) else {
            self.push(
                StepKind::Subscriber,
                target,
                StepStatus::Failed,
                None,
                Some(
                    "the stored SIP password cannot be decrypted with this deployment's key".into(),
                ),
            );
            return Ok(());
        };
        let active = ext.status == Status::Active;
        let spec = SubscriberSpec {
            msisdn: number.to_owned(),
            sip_password,
            active,
            owner: ext.organization_id.to_string(),
        };
        let placed = place_subscriber(
            self.api,
            self.creds,
            ext.cloudonix_subscriber_id.as_deref(),
            &spec,
        )
        .await;
        let (org, id) = (ext.organization_id, ext.id);
        match placed {
            Ok(Some((status, sub))) => {
                if ext.cloudonix_subscriber_id.as_deref() != Some(sub.as_str()) {
                    self.store
                        .link_cloudonix_subscriber(org, id, Some(&sub))
                        .await?;
                }
                self.store
                    .set_extension_sync(org, id, None, SyncState::Synced, None)
                    .await?;
                self.push(StepKind::Subscriber, target, status, Some(&sub), None);
            }
            Ok(None) => {
                if ext.cloudonix_subscriber_id.is_some() {
                    self.store.link_cloudonix_subscriber(org, id, None).await?;
                }
                self.store
                    .set_extension_sync(org, id, None, SyncState::Synced, None)
                    .await?;
                self.skipped(StepKind::Subscriber, target, "the extension is inactive");
            }
            Err(e) => {
                self.store
                    .set_extension_sync(org, id, None, SyncState::Failed, Some(&e.to_string()))
                    .await?;
                self.failed(StepKind::Subscriber, target, &e);
            }
        }
        Ok(())
    }
}
