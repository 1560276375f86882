//! Background jobs (ARCHITECTURE §4): work that must happen after a change, outside the request
//! that made it — Cloudonix sync, provisioning, expiring a replaced webhook key.
//!
//! Two ports. [`JobStore`] is the transactional outbox in SQL: a job row is written in the same
//! transaction as the change that needs it and records the job's state for the API. [`JobQueue`]
//! carries job ids to workers (Amazon SQS, or an in-process queue); it may lose or repeat a
//! message, which the store makes harmless: a job is claimed atomically before it runs, and a
//! sweeper re-sends what the queue never delivered.

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::store::StoreResult;
use crate::domain::ids::{ExtensionId, JobId, OrgId, VoicemailId};
use crate::domain::model::AuditEntry;

/// What a job does; its payload is [`JobPayload`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Make the extension's Cloudonix subscriber match it (create, update, renumber, deactivate).
    SyncExtension,
    /// Remove the subscriber of a deleted extension.
    DeleteSubscriber,
    /// Push the whole organization to its Cloudonix domain.
    Provision,
    /// End the grace period of a replaced webhook key.
    ExpireWebhookKey,
    /// Make the domain's voice application, default application and profile match the
    /// organization's Cloudonix settings.
    SyncDomain,
    /// Compare the organization with its Cloudonix domain and repair what drifted.
    Reconcile,
    /// Remove what outlived its retention, across the platform (a job of no organization).
    Purge,
    /// Copy a voicemail message's audio from Cloudonix into media storage (then mail it).
    CopyVoicemail,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SyncExtension => "sync_extension",
            Self::DeleteSubscriber => "delete_subscriber",
            Self::Provision => "provision",
            Self::ExpireWebhookKey => "expire_webhook_key",
            Self::SyncDomain => "sync_domain",
            Self::Reconcile => "reconcile",
            Self::Purge => "purge",
            Self::CopyVoicemail => "copy_voicemail",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::SyncExtension,
            Self::DeleteSubscriber,
            Self::Provision,
            Self::ExpireWebhookKey,
            Self::SyncDomain,
            Self::Reconcile,
            Self::Purge,
            Self::CopyVoicemail,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a worker (possibly until `run_after`, after a failed try).
    Pending,
    Running,
    Done,
    /// Every try failed, or the failure cannot be retried; `last_error` says why. A retry puts
    /// the job back to pending.
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Running, Self::Done, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// What a job needs beyond its organization. Kept small: a job reads the current state of what
/// it syncs when it runs, so a late or repeated job never pushes stale data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobPayload {
    SyncExtension {
        extension_id: ExtensionId,
    },
    /// The deleted extension's number and subscriber link, as they were at deletion.
    DeleteSubscriber {
        extension_id: ExtensionId,
        number: String,
        subscriber_id: Option<String>,
    },
    Provision,
    ExpireWebhookKey,
    SyncDomain,
    Reconcile,
    Purge,
    CopyVoicemail {
        voicemail_id: VoicemailId,
    },
}

impl JobPayload {
    pub fn kind(&self) -> JobKind {
        match self {
            Self::SyncExtension { .. } => JobKind::SyncExtension,
            Self::DeleteSubscriber { .. } => JobKind::DeleteSubscriber,
            Self::Provision => JobKind::Provision,
            Self::ExpireWebhookKey => JobKind::ExpireWebhookKey,
            Self::SyncDomain => JobKind::SyncDomain,
            Self::Reconcile => JobKind::Reconcile,
            Self::Purge => JobKind::Purge,
            Self::CopyVoicemail { .. } => JobKind::CopyVoicemail,
        }
    }

    /// The object the job is about, for finding an object's jobs.
    pub fn subject(&self) -> Option<String> {
        match self {
            Self::SyncExtension { extension_id } | Self::DeleteSubscriber { extension_id, .. } => {
                Some(extension_id.to_string())
            }
            Self::CopyVoicemail { voicemail_id } => Some(voicemail_id.to_string()),
            Self::Provision
            | Self::ExpireWebhookKey
            | Self::SyncDomain
            | Self::Reconcile
            | Self::Purge => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: JobId,
    /// `None` for platform work (the purge), which no organization's API shows.
    pub organization_id: Option<OrgId>,
    pub payload: JobPayload,
    pub state: JobState,
    /// Tries started so far.
    pub attempts: u32,
    /// Not to run before this (epoch ms).
    pub run_after: i64,
    pub last_error: Option<String>,
    pub progress: Option<Value>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Job {
    /// A job of the organization to run now.
    pub fn new(org: OrgId, payload: JobPayload, now: i64) -> Self {
        Self::of(Some(org), payload, now)
    }

    /// A job of the organization, or of the platform with `None`, to run now.
    pub fn of(org: Option<OrgId>, payload: JobPayload, now: i64) -> Self {
        Self {
            id: JobId::new(),
            organization_id: org,
            payload,
            state: JobState::Pending,
            attempts: 0,
            run_after: now,
            last_error: None,
            progress: None,
            created_at: now,
            updated_at: now,
        }
    }
}

/// How a try ended, as the worker records it.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome {
    Done {
        progress: Option<Value>,
    },
    /// More to do: run again at once, from `progress`, as a fresh run (tries start over).
    Continue {
        progress: Value,
    },
    /// Try again at `run_after` (epoch ms).
    Retry {
        error: String,
        run_after: i64,
    },
    Failed {
        error: String,
    },
}

/// A job the sweeper hands (again) to the queue, and when it may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Undelivered {
    pub id: JobId,
    pub run_after: i64,
}

/// Whether Cloudonix's subscriber matches an extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Pending,
    Synced,
    Failed,
    /// The organization has no Cloudonix connection yet; provisioning creates the subscriber.
    NotConfigured,
}

impl SyncState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Synced => "synced",
            Self::Failed => "failed",
            Self::NotConfigured => "not_configured",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Synced,
            Self::Failed,
            Self::NotConfigured,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// Whether Cloudonix matches an object (an extension's subscriber, the organization's domain),
/// as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CloudonixSync {
    pub state: SyncState,
    /// Why the last sync failed.
    pub error: Option<String>,
    /// The newest sync job: `GET /api/v1/jobs/{id}`, and `POST /api/v1/jobs/{id}/retry` when it
    /// failed.
    pub job_id: Option<JobId>,
}

#[async_trait]
pub trait JobStore: Send + Sync {
    /// Records a job on its own (one that no other write needs to accompany), with the `audit`
    /// entries of the request that asked for it in the same transaction.
    async fn insert_job(&self, job: &Job, audit: &[AuditEntry]) -> StoreResult<()>;
    /// Records a job of a schedule's tick under `key` (the schedule, the tick and, for
    /// per-organization work, the organization); `false`, writing nothing, when a job already
    /// has that key: the tick was delivered before.
    async fn insert_scheduled_job(&self, job: &Job, key: &str) -> StoreResult<bool>;
    /// `NotFound` for another organization's job.
    async fn find_job(&self, org: OrgId, id: JobId) -> StoreResult<Job>;
    /// The newest job of `kind` of the organization.
    async fn latest_job(&self, org: OrgId, kind: JobKind) -> StoreResult<Job>;
    /// Takes the job for one try: it must be pending and due, or running with an expired lease
    /// (its worker died). `None` when it is not to run now (done, failed, held by another worker,
    /// not yet due, or gone): the delivery is a duplicate or early, and is dropped.
    async fn claim_job(&self, id: JobId, lease: Duration, now: i64) -> StoreResult<Option<Job>>;
    /// Records the end of a try; for a sync job, the extension's state follows (only when the job
    /// is still the extension's newest).
    async fn finish_job(&self, id: JobId, outcome: &JobOutcome, now: i64) -> StoreResult<()>;
    async fn save_job_progress(&self, id: JobId, progress: &Value, now: i64) -> StoreResult<()>;
    /// Marks jobs as handed to the queue.
    async fn mark_dispatched(&self, ids: &[JobId], now: i64) -> StoreResult<()>;
    /// Marks every pending job as never handed over, for the sweeper to hand over at once:
    /// an in-process queue's messages (a retry waiting for its time) died with its process.
    async fn forget_dispatches(&self) -> StoreResult<u64>;
    /// Jobs to hand to the queue: never handed over, pending but overdue by `overdue` (the
    /// message was lost), or running with an expired lease. Of `org` only when given.
    async fn undelivered_jobs(
        &self,
        org: Option<OrgId>,
        overdue: Duration,
        now: i64,
        limit: u32,
    ) -> StoreResult<Vec<Undelivered>>;
    /// Puts a failed job back to pending, from its first try; `NotFound` unless it failed.
    async fn retry_job(
        &self,
        org: OrgId,
        id: JobId,
        now: i64,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// The sync state of the organization's extensions among `ids`.
    async fn extension_sync(
        &self,
        org: OrgId,
        ids: &[ExtensionId],
    ) -> StoreResult<Vec<(ExtensionId, CloudonixSync)>>;
    /// Sets an extension's sync state: as its sync job `job` concluded (ignored unless that is
    /// still the extension's newest), or, with `None`, as provisioning found it (ignored while a
    /// sync job of the extension waits or runs).
    async fn set_extension_sync(
        &self,
        org: OrgId,
        id: ExtensionId,
        job: Option<JobId>,
        state: SyncState,
        error: Option<&str>,
    ) -> StoreResult<()>;
}

/// One message taken from the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub job: JobId,
    /// What acknowledges this delivery (SQS's receipt handle).
    pub receipt: String,
    /// 1 on the first delivery.
    pub receive_count: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("job queue unavailable: {0}")]
    Unavailable(String),
    #[error("job queue answered something unexpected: {0}")]
    Invalid(String),
}

/// The longest delay a message can carry (SQS's limit); a job due later is sent this late and
/// its early delivery dropped, the sweeper sending it again when due.
pub const MAX_DELAY: Duration = Duration::from_secs(900);

/// At-least-once delivery of job ids.
#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Delivers `job` no sooner than `delay` (at most [`MAX_DELAY`]) from now.
    async fn send(&self, job: JobId, delay: Duration) -> Result<(), QueueError>;
    /// Up to `max` messages, waiting up to `wait` for the first; each is hidden from other
    /// receivers for `visibility`, then delivered again unless acknowledged.
    async fn receive(
        &self,
        max: u32,
        wait: Duration,
        visibility: Duration,
    ) -> Result<Vec<Delivery>, QueueError>;
    async fn ack(&self, delivery: &Delivery) -> Result<(), QueueError>;
}
