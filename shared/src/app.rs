//! The clients every handler shares, built once per process (per Lambda cold start).

use std::sync::Arc;

use axum::http::HeaderValue;

use crate::adapters::cloudonix::{ClientPolicy, HttpCloudonix};
use crate::adapters::memory::coordination::MemoryCoordination;
use crate::adapters::memory::job_queue::MemoryJobQueue;
use crate::adapters::redis::coordination::RedisCoordination;
use crate::adapters::sql::SqlStore;
use crate::adapters::sqs::SqsJobQueue;
use crate::config::{Config, ConfigError};
use crate::crypto::{CryptoError, SecretBox};
use crate::jobs::JobPolicy;
use crate::ports::cloudonix::CloudonixApi;
use crate::ports::coordination::{Coordination, CoordinationError};
use crate::ports::email::Mailer;
use crate::ports::jobs::{JobQueue, QueueError};
use crate::ports::media::{MediaError, MediaStore};
use crate::ports::store::StoreError;
use crate::realtime::Realtime;
use crate::routing::local_copy::LocalCopies;

/// Redis keys of one deployment start with this, so several deployments may share a Redis.
pub const REDIS_NAMESPACE: &str = "opbx:";

#[derive(Clone)]
pub struct AppState {
    pub store: SqlStore,
    pub coordination: Arc<dyn Coordination>,
    /// "redis" or "memory", for health reports.
    pub coordination_backend: &'static str,
    pub secrets: Arc<SecretBox>,
    /// The admin UI's origin when it is served from elsewhere (`OPBX_UI_ORIGIN`), for CORS.
    pub ui_origin: Option<HeaderValue>,
    /// New calls per organization per minute (`OPBX_VOICE_RATE_LIMIT`).
    pub voice_rate_limit: u64,
    pub realtime: Realtime,
    /// The Cloudonix REST client (`OPBX_CLOUDONIX_API_URL`); its circuit breakers live as long
    /// as the process.
    pub cloudonix: Arc<dyn CloudonixApi>,
    /// `OPBX_PUBLIC_URL`: where Cloudonix reaches the webhooks.
    pub public_url: Option<Arc<str>>,
    /// `http://` and the address `opbx-local` listens on: the webhook URLs it shows when
    /// `OPBX_PUBLIC_URL` is unset, so that a local setup can read its CDR URL and post to it.
    /// Never a callback base (those follow the request) nor provisioned: Cloudonix cannot reach
    /// a loopback address. `None` on Lambda.
    pub listen_url: Option<Arc<str>>,
    /// `OPBX_TRUSTED_PROXIES`: whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<crate::config::TrustedProxies>,
    /// This instance's copies of routing configuration and webhook keys, checked against each
    /// organization's configuration version.
    pub local: Arc<LocalCopies>,
    /// Where jobs go once committed: SQS (`OPBX_JOBS_QUEUE_URL`) or in process.
    pub jobs: Arc<dyn JobQueue>,
    /// "sqs" or "memory", for health reports.
    pub jobs_backend: &'static str,
    pub job_policy: JobPolicy,
    /// Invitations and password resets (`OPBX_SMTP_URL`, or the embedded outbox).
    pub mailer: Arc<dyn Mailer>,
    /// `OPBX_APP_URL`: the base of the links in mails.
    pub app_url: Arc<str>,
    /// How long a deleted organization is kept before the purge (`OPBX_ORGANIZATION_RETENTION_DAYS`).
    pub organization_retention: std::time::Duration,
    /// How long a finished job's row is kept before the purge (`OPBX_JOB_RETENTION_DAYS`).
    pub job_retention: std::time::Duration,
    /// Uploaded audio (`OPBX_MEDIA_BUCKET` or `OPBX_MEDIA_DIR`).
    pub media: Arc<dyn MediaStore>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("redis: {0}")]
    Coordination(#[from] CoordinationError),
    #[error("encryption key: {0}")]
    Crypto(#[from] CryptoError),
    #[error("secrets: {0}")]
    Secrets(#[from] crate::deployed_secrets::SecretValueError),
    #[error("jobs: {0}")]
    Queue(#[from] QueueError),
    #[error("media: {0}")]
    Media(#[from] MediaError),
    #[error("{0}")]
    Io(String),
}

impl AppState {
    /// Connects the stores named by `config`; `secrets` holds the key for secrets at rest,
    /// `realtime` the stores connected by the host (`Realtime::without_aws` or `opbx-aws`).
    pub async fn connect(
        config: &Config,
        secrets: SecretBox,
        realtime: Realtime,
    ) -> Result<Self, StartupError> {
        let store = SqlStore::connect_with_deadline(
            &config.database_url,
            config.database_max_connections,
            config.sql_deadline,
        )
        .await?
        .with_trace_retention(days(config.call_trace_retention_days))
        .with_webhook_deadline(config.sql_statement_deadline);
        let (coordination, coordination_backend): (Arc<dyn Coordination>, _) = match &config
            .redis_url
        {
            Some(url) => (
                Arc::new(
                    RedisCoordination::connect(url, REDIS_NAMESPACE, config.redis_deadline).await?,
                ),
                "redis",
            ),
            None => (Arc::new(MemoryCoordination::new()), "memory"),
        };
        let (jobs, jobs_backend): (Arc<dyn JobQueue>, _) = match &config.jobs_queue_url {
            Some(url) => (Arc::new(SqsJobQueue::connect(url)?), "sqs"),
            None => (Arc::new(MemoryJobQueue::default()), "memory"),
        };
        let ui_origin = config
            .ui_origin
            .as_deref()
            .map(HeaderValue::from_str)
            .transpose()
            .map_err(|_| StartupError::Io("OPBX_UI_ORIGIN is not a valid header value".into()))?;
        Ok(Self {
            store,
            coordination,
            coordination_backend,
            secrets: Arc::new(secrets),
            ui_origin,
            voice_rate_limit: config.voice_rate_limit,
            realtime,
            cloudonix: Arc::new(HttpCloudonix::new(
                &config.cloudonix_api_url,
                ClientPolicy::default(),
            )),
            public_url: config.public_url.as_deref().map(Arc::from),
            listen_url: None,
            trusted_proxies: Arc::new(config.trusted_proxies.clone()),
            local: Arc::default(),
            jobs,
            jobs_backend,
            job_policy: JobPolicy::default(),
            mailer: crate::adapters::email::connect(&config.mail)
                .map_err(|e| StartupError::Io(e.to_string()))?,
            app_url: Arc::from(config.app_url.as_str()),
            organization_retention: days(config.organization_retention_days),
            job_retention: days(config.job_retention_days),
            media: crate::adapters::media::connect(&config.media)?,
        })
    }
}

fn days(n: u64) -> std::time::Duration {
    std::time::Duration::from_secs(n.saturating_mul(86_400))
}
