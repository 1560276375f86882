//! Test support: the two backends every behaviour test runs on.
//!
//! `embedded` is what `opbx-local` uses by default (SQLite + in-process coordination);
//! `production` is MariaDB/MySQL + Redis over TCP. The production backend never skips: when its
//! servers are missing the test fails with a message saying which server and how to start it.

pub mod accounts;
pub mod fake_cloudonix;
pub mod fault_proxy;
pub mod history;
pub mod lambda_runtime;
pub mod load;
pub mod local;
pub mod model;
pub mod numbers;
pub mod proc;
pub mod realtime;

use std::sync::Arc;

use opbx::adapters::email::outbox::Outbox;
use opbx::adapters::memory::coordination::MemoryCoordination;
use opbx::adapters::redis::coordination::RedisCoordination;
use opbx::adapters::sql::SqlStore;
use opbx::ports::coordination::Coordination;

/// Redis's deadline in the behaviour suite: generous, because these tests run many at a time on a
/// loaded machine and test what Redis does, not what happens without it (tests/faults does).
pub const TEST_REDIS_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);

/// The database's deadline per webhook statement in the suites, for the same reason
/// (tests/acceptance/store_down.rs tests the production default).
pub const TEST_SQL_STATEMENT_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);

pub const DEFAULT_TEST_REDIS_URL: &str = "redis://127.0.0.1:6379/";
pub const DEFAULT_TEST_DATABASE_URL: &str = "mysql://opbx:opbx@127.0.0.1:3306/opbx_test";

pub struct Backend {
    pub name: &'static str,
    pub store: SqlStore,
    pub coordination: Arc<dyn Coordination>,
    /// Where the states built by [`Backend::app_state`] send mail; tests read it back.
    pub outbox: Arc<Outbox>,
    /// Uploaded audio of the states built by [`Backend::app_state`]: a directory of the test's.
    pub media: Arc<dyn opbx::ports::media::MediaStore>,
    _media_dir: TempDir,
    _sqlite_file: Option<TempFile>,
}

/// A directory removed with everything in it when the test ends.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(what: &str) -> Self {
        Self(std::env::temp_dir().join(format!("opbx-test-{what}-{}", unique())))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Media in a fresh temporary directory, removed with the returned guard.
pub fn temp_media() -> (Arc<dyn opbx::ports::media::MediaStore>, TempDir) {
    let dir = TempDir::new("media");
    let media = opbx::adapters::media::directory::DirectoryMedia::new(dir.0.clone());
    (Arc::new(media), dir)
}

/// A SQLite database file removed when the test ends.
pub struct TempFile(std::path::PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The Redis URL of the production backend (`OPBX_TEST_REDIS_URL`).
pub fn test_redis_url() -> String {
    std::env::var("OPBX_TEST_REDIS_URL").unwrap_or_else(|_| DEFAULT_TEST_REDIS_URL.into())
}

/// The MySQL/MariaDB URL of the production backend (`OPBX_TEST_DATABASE_URL`).
pub fn test_database_url() -> String {
    std::env::var("OPBX_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_TEST_DATABASE_URL.into())
}

/// A migrated SQLite store in a fresh temporary file.
pub async fn fresh_sqlite() -> (SqlStore, TempFile) {
    let path = std::env::temp_dir().join(format!("opbx-test-{}.db", unique()));
    let store = SqlStore::connect(&format!("sqlite://{}", path.display()), 4)
        .await
        .expect("open a SQLite file in the temp dir");
    store.migrate().await.expect("SQLite migrations apply");
    (store, TempFile(path))
}

/// The migrated MySQL/MariaDB test database. Tests share it and stay apart by creating their own
/// organizations, which is also how tenants share production.
pub async fn mysql_store() -> SqlStore {
    let url = test_database_url();
    let store = SqlStore::connect(&url, 4).await.unwrap_or_else(|e| {
        panic!(
            "MariaDB/MySQL is required for the production backend at {} ({e:?}); \
             run scripts/test.sh, which starts it, or set OPBX_TEST_DATABASE_URL",
            opbx::adapters::sql::redact(&url)
        )
    });
    store.migrate().await.expect("MySQL migrations apply");
    store.with_webhook_deadline(TEST_SQL_STATEMENT_DEADLINE)
}

impl Backend {
    pub async fn embedded() -> Self {
        let (store, file) = fresh_sqlite().await;
        let (media, media_dir) = temp_media();
        Self {
            name: "embedded",
            store,
            coordination: Arc::new(MemoryCoordination::new()),
            outbox: Arc::new(Outbox::new(None)),
            media,
            _media_dir: media_dir,
            _sqlite_file: Some(file),
        }
    }

    pub async fn production() -> Self {
        Self::production_via(&test_redis_url(), TEST_REDIS_DEADLINE).await
    }

    /// The production backend with Redis at `redis_url` (a [`fault_proxy`] in front of the test
    /// Redis) and `deadline` per Redis command.
    pub async fn production_via(redis_url: &str, deadline: std::time::Duration) -> Self {
        // A unique namespace per test keeps parallel tests (and earlier runs) apart on one Redis.
        let namespace = format!("opbx-test:{}:", unique());
        let coordination = RedisCoordination::connect(redis_url, &namespace, deadline)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "Redis is required for the production backend at {redis_url} ({e}); \
                     run scripts/test.sh, which starts it, or set OPBX_TEST_REDIS_URL"
                )
            });
        let (media, media_dir) = temp_media();
        Self {
            name: "production",
            store: mysql_store().await,
            coordination: Arc::new(coordination),
            outbox: Arc::new(Outbox::new(None)),
            media,
            _media_dir: media_dir,
            _sqlite_file: None,
        }
    }
}

impl Backend {
    /// This backend on a database of the test's own (the production backend's is shared): for
    /// work that visits every organization, such as the scheduled jobs, which would otherwise
    /// reach into parallel tests' organizations.
    pub async fn alone(mut self) -> Self {
        if self.name == "production" {
            self.store = fresh_mysql().await;
        }
        self
    }
}

/// A migrated, empty MySQL/MariaDB database of this test's own (`<test db>_<id>`), for behaviour
/// that depends on the whole database (first-start bootstrap). The test command drops them.
pub async fn fresh_mysql() -> SqlStore {
    let store = SqlStore::connect(&empty_mysql_database().await, 4)
        .await
        .expect("connect");
    store.migrate().await.expect("MySQL migrations apply");
    store.with_webhook_deadline(TEST_SQL_STATEMENT_DEADLINE)
}

/// Creates a new, unmigrated MySQL/MariaDB database and returns its URL.
pub async fn empty_mysql_database() -> String {
    let shared = mysql_store().await;
    let base = test_database_url();
    let (server, db) = base.rsplit_once('/').expect("database URL ends with /name");
    let name = format!("{db}_{}", unique().replace('-', "").get(20..).unwrap());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
        .execute(shared.pool())
        .await
        .expect("the test user may create opbx_test_* databases (scripts/services.sh grants it)");
    shared.close().await;
    format!("{server}/{name}")
}

impl Backend {
    /// The state every router takes, on this backend's stores.
    pub fn app_state(&self) -> opbx::app::AppState {
        let key = opbx::crypto::SecretBox::generate_key();
        opbx::app::AppState {
            store: self.store.clone(),
            coordination: self.coordination.clone(),
            coordination_backend: if self.name == "embedded" {
                "memory"
            } else {
                "redis"
            },
            secrets: Arc::new(opbx::crypto::SecretBox::from_base64(&key).unwrap()),
            ui_origin: None,
            voice_rate_limit: opbx::config::DEFAULT_VOICE_RATE_LIMIT,
            realtime: opbx::realtime::Realtime::in_memory(),
            cloudonix: unreachable_cloudonix(),
            public_url: Some(Arc::from(TEST_PUBLIC_URL)),
            listen_url: None,
            trusted_proxies: Arc::default(),
            local: Arc::default(),
            jobs: Arc::new(opbx::adapters::memory::job_queue::MemoryJobQueue::default()),
            jobs_backend: "memory",
            job_policy: TEST_JOB_POLICY,
            mailer: self.outbox.clone(),
            app_url: Arc::from(TEST_APP_URL),
            organization_retention: std::time::Duration::from_secs(
                opbx::config::DEFAULT_ORGANIZATION_RETENTION_DAYS * 86_400,
            ),
            job_retention: std::time::Duration::from_secs(
                opbx::config::DEFAULT_JOB_RETENTION_DAYS * 86_400,
            ),
            media: self.media.clone(),
        }
    }
}

/// Waits of milliseconds, so retries and grace periods are observable in a test.
pub const TEST_JOB_POLICY: opbx::jobs::JobPolicy = opbx::jobs::JobPolicy {
    max_attempts: 3,
    base_backoff: std::time::Duration::from_millis(20),
    max_backoff: std::time::Duration::from_millis(200),
    lease: std::time::Duration::from_secs(60),
    provision_budget: std::time::Duration::from_secs(60),
    key_grace: std::time::Duration::from_secs(1),
    overdue: std::time::Duration::from_secs(300),
    pace: opbx::jobs::pacing::Pace {
        requests: 1000,
        window: std::time::Duration::from_secs(1),
    },
    circuit: opbx::jobs::pacing::CLOUDONIX_CIRCUIT,
};

/// Runs every job the state's queue delivers until it stays empty for `quiet` (jobs due later,
/// such as retries, run once due within that time). Answers how many deliveries ran.
pub async fn run_jobs(state: &opbx::app::AppState, quiet: std::time::Duration) -> usize {
    let mut ran = 0;
    loop {
        let deliveries = state
            .jobs
            .receive(10, quiet, std::time::Duration::from_secs(60))
            .await
            .expect("the in-process queue answers");
        if deliveries.is_empty() {
            return ran;
        }
        for delivery in deliveries {
            opbx::jobs::worker::run_job(state, delivery.job)
                .await
                .expect("job outcome recorded");
            state.jobs.ack(&delivery).await.unwrap();
            ran += 1;
        }
    }
}

/// Where the states tests build say the admin UI is (the base of mailed links).
pub const TEST_APP_URL: &str = "https://app.opbx.test";

/// The public URL of the states tests build.
pub const TEST_PUBLIC_URL: &str = "https://pbx.opbx.test";

/// A Cloudonix client whose every connection is refused (nothing listens on the discard port):
/// a test that needs Cloudonix swaps in one pointed at `fake_cloudonix`, and one that forgot to
/// sees `Unreachable` quickly instead of reaching the real API.
pub fn unreachable_cloudonix() -> Arc<dyn opbx::ports::cloudonix::CloudonixApi> {
    use opbx::adapters::cloudonix::retry::RetryPolicy;
    use opbx::adapters::cloudonix::{ClientPolicy, HttpCloudonix};
    let policy = ClientPolicy {
        request_timeout: std::time::Duration::from_secs(2),
        retry: RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        },
        ..ClientPolicy::default()
    };
    Arc::new(HttpCloudonix::new("http://127.0.0.1:9", policy))
}

/// A process-unique, time-ordered string for names of test databases, files and namespaces.
pub fn unique() -> String {
    opbx::domain::ids::OrgId::new().to_string()
}

/// Generates, for each named `async fn name(backend: Backend)` in the calling module, one test on
/// the embedded backend and one on the production backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::embedded().await).await
                }
            )*
        }
        mod production {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::production().await).await
                }
            )*
        }
    };
}

/// Creates a fresh organization (unique slug) and returns it; most behaviour tests start here.
pub async fn new_org(store: &SqlStore) -> opbx::domain::model::Organization {
    use opbx::domain::model::{OrgStatus, Organization};
    use opbx::ports::organizations::OrganizationRepo;
    let id = opbx::domain::ids::OrgId::new();
    let now = opbx::domain::now_ms();
    let org = Organization {
        id,
        name: format!("Org {id}"),
        slug: format!("org-{id}"),
        timezone: opbx::domain::timezone::Timezone::parse("Europe/London").unwrap(),
        status: OrgStatus::Active,
        unassigned_number_message: None,
        calling: Default::default(),
        created_at: now,
        updated_at: now,
    };
    store
        .create_organization(&org)
        .await
        .expect("create organization");
    org
}

/// The messages the SMTP sink wrote to `dir` for `to` (its file names contain the recipient).
pub fn received_mail(dir: &std::path::Path, to: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().contains(to))
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .collect()
        })
        .unwrap_or_default()
}

/// The decoded body of the attachment named `filename` in a raw MIME message.
pub fn mail_attachment(message: &str, filename: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let at = message.find(&format!("filename=\"{filename}\""))?;
    let rest = &message[at..];
    let body_start = rest.find("\r\n\r\n")? + 4;
    let body = &rest[body_start..];
    let end = body.find("\r\n--").unwrap_or(body.len());
    let encoded: String = body[..end].split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
}
