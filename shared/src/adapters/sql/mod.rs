//! The SQL adapter: one set of queries over sqlx's `Any` driver, run on MySQL/MariaDB in
//! production and on SQLite for `opbx-local` and fast tests. Both dialects take `?` placeholders;
//! the few statements that differ (upserts) are chosen by [`Dialect`] next to each other.

mod account_links;
mod announcements;
mod app_user;
mod audit_log;
mod business_hours;
mod call_history_rollups;
mod call_logs;
mod cdrs;
mod cloudonix_settings;
mod conference_rooms;
mod extensions;
mod ivr_menus;
mod jobs;
mod operators;
mod organizations;
mod outbound_routes;
mod phone_numbers;
mod platform;
mod query;
mod recordings;
mod references;
mod retention;
mod ring_groups;
mod row;
mod sealed;
mod subscriber_links;
mod users;
mod voicemail;
mod webhook_deadline;

use std::borrow::Cow;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, AssertSqlSafe, SqlSafeStr};

use crate::ports::store::{StoreError, StoreResult};

pub use row::*;
pub use webhook_deadline::DEFAULT_DEADLINE as DEFAULT_STATEMENT_DEADLINE;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    MySql,
    Sqlite,
}

impl Dialect {
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("mysql://") || url.starts_with("mariadb://") {
            Some(Self::MySql)
        } else if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::MySql => "mysql",
            Self::Sqlite => "sqlite",
        }
    }
}

/// Every file of migrations/{mysql,sqlite}, by version (a unit test checks that none is missing).
const MYSQL_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../../../../migrations/mysql/0001_initial.sql"),
    ),
    (
        10,
        "calling policy",
        include_str!("../../../../migrations/mysql/0010_calling_policy.sql"),
    ),
    (
        20,
        "cloudonix fidelity",
        include_str!("../../../../migrations/mysql/0020_cloudonix_fidelity.sql"),
    ),
    (
        40,
        "call log indexes",
        include_str!("../../../../migrations/mysql/0040_call_log_indexes.sql"),
    ),
    (
        50,
        "jobs",
        include_str!("../../../../migrations/mysql/0050_jobs.sql"),
    ),
    (
        60,
        "platform operators",
        include_str!("../../../../migrations/mysql/0060_platform_operators.sql"),
    ),
    (
        80,
        "call traces",
        include_str!("../../../../migrations/mysql/0080_call_traces.sql"),
    ),
    (
        100,
        "cloudonix domain owner",
        include_str!("../../../../migrations/mysql/0100_cloudonix_domain_owner.sql"),
    ),
    (
        130,
        "recordings",
        include_str!("../../../../migrations/mysql/0130_recordings.sql"),
    ),
    (
        140,
        "scheduled jobs",
        include_str!("../../../../migrations/mysql/0140_scheduled_jobs.sql"),
    ),
    (
        150,
        "phone number owner",
        include_str!("../../../../migrations/mysql/0150_phone_number_owner.sql"),
    ),
    (
        160,
        "media destinations",
        include_str!("../../../../migrations/mysql/0160_media_destinations.sql"),
    ),
    (
        180,
        "invitation inviter",
        include_str!("../../../../migrations/mysql/0180_invitation_inviter.sql"),
    ),
    (
        190,
        "call history search and stats",
        include_str!("../../../../migrations/mysql/0190_call_history_search_and_stats.sql"),
    ),
    (
        200,
        "call history rollups",
        include_str!("../../../../migrations/mysql/0200_call_history_rollups.sql"),
    ),
];
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../../../../migrations/sqlite/0001_initial.sql"),
    ),
    (
        10,
        "calling policy",
        include_str!("../../../../migrations/sqlite/0010_calling_policy.sql"),
    ),
    (
        20,
        "cloudonix fidelity",
        include_str!("../../../../migrations/sqlite/0020_cloudonix_fidelity.sql"),
    ),
    (
        40,
        "call log indexes",
        include_str!("../../../../migrations/sqlite/0040_call_log_indexes.sql"),
    ),
    (
        50,
        "jobs",
        include_str!("../../../../migrations/sqlite/0050_jobs.sql"),
    ),
    (
        60,
        "platform operators",
        include_str!("../../../../migrations/sqlite/0060_platform_operators.sql"),
    ),
    (
        80,
        "call traces",
        include_str!("../../../../migrations/sqlite/0080_call_traces.sql"),
    ),
    (
        100,
        "cloudonix domain owner",
        include_str!("../../../../migrations/sqlite/0100_cloudonix_domain_owner.sql"),
    ),
    (
        130,
        "recordings",
        include_str!("../../../../migrations/sqlite/0130_recordings.sql"),
    ),
    (
        140,
        "scheduled jobs",
        include_str!("../../../../migrations/sqlite/0140_scheduled_jobs.sql"),
    ),
    (
        150,
        "phone number owner",
        include_str!("../../../../migrations/sqlite/0150_phone_number_owner.sql"),
    ),
    (
        160,
        "media destinations",
        include_str!("../../../../migrations/sqlite/0160_media_destinations.sql"),
    ),
    (
        180,
        "invitation inviter",
        include_str!("../../../../migrations/sqlite/0180_invitation_inviter.sql"),
    ),
    (
        190,
        "call history search and stats",
        include_str!("../../../../migrations/sqlite/0190_call_history_search_and_stats.sql"),
    ),
    (
        200,
        "call history rollups",
        include_str!("../../../../migrations/sqlite/0200_call_history_rollups.sql"),
    ),
];

#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    dialect: Dialect,
    /// How long a call's trace is kept from the call's start (`OPBX_CALL_TRACE_RETENTION_DAYS`):
    /// written with the trace, so a changed setting applies to new calls.
    trace_retention_ms: i64,
    /// The deadline and breaker of webhooks' statements ([`webhook_deadline`]).
    webhook_guard: Option<std::sync::Arc<crate::adapters::breaker::Breaker>>,
    /// For the webhook guard's probe, which connects on its own.
    url: std::sync::Arc<str>,
}

/// How long tools and tests wait for a connection (the pool is busy, or the server restarts).
pub const TOOL_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// A pooled connection idle at least this long is pinged before it is used again.
const CHECK_IDLE_AFTER: Duration = Duration::from_secs(1);

/// `OPBX_SQL_DEADLINE_MS`'s default: the longest a request waits for a database connection. A
/// stopped server refuses connections and sqlx retries them until this deadline, so it is what
/// a webhook pays, once, when the database is down; under normal load a connection is free
/// within milliseconds.
pub const DEFAULT_DEADLINE: Duration = Duration::from_millis(1000);

impl SqlStore {
    /// Connects to `mysql://…` or `sqlite:…` (a SQLite file is created when missing).
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        Self::connect_with_deadline(url, max_connections, TOOL_ACQUIRE_TIMEOUT).await
    }

    /// [`Self::connect`] where a request waits at most `deadline` for a connection.
    pub async fn connect_with_deadline(
        url: &str,
        max_connections: u32,
        deadline: Duration,
    ) -> StoreResult<Self> {
        install_default_drivers();
        let dialect = Dialect::of_url(url).ok_or_else(|| {
            StoreError::Unavailable(
                format!("unsupported database URL scheme in {}", redact(url)).into(),
            )
        })?;
        if dialect == Dialect::Sqlite {
            owner_only_sqlite_files(url).map_err(|e| StoreError::Unavailable(Box::new(e)))?;
        }
        let url = match dialect {
            Dialect::Sqlite if !url.contains("mode=") && !url.contains(":memory:") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                Cow::Owned(format!("{url}{sep}mode=rwc"))
            }
            _ => Cow::Borrowed(url),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(deadline)
            // sqlx pings every connection it hands out: a second round trip to the database for
            // each statement. A connection back from use moments ago is alive; one idle for
            // longer (a Lambda instance between invocations, a database restarted meanwhile) is
            // still checked first.
            .test_before_acquire(false)
            .before_acquire(|connection, meta| {
                Box::pin(async move {
                    if meta.idle_for >= CHECK_IDLE_AFTER {
                        sqlx::Connection::ping(connection).await?;
                    }
                    Ok(true)
                })
            })
            .connect(&url)
            .await
            .map_err(unavailable)?;
        if dialect == Dialect::Sqlite && !url.contains(":memory:") {
            // WAL lets the API read while a webhook writes; the setting persists in the file.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(unavailable)?;
        }
        Ok(Self {
            webhook_guard: webhook_deadline::guard(
                &url,
                dialect,
                webhook_deadline::DEFAULT_DEADLINE,
            ),
            url: std::sync::Arc::from(&*url),
            pool,
            dialect,
            trace_retention_ms: crate::domain::call_trace::RETENTION_MS,
        })
    }

    /// This store, keeping new calls' traces for `retention` instead of the default.
    pub fn with_trace_retention(mut self, retention: Duration) -> Self {
        self.trace_retention_ms = i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
        self
    }

    pub(super) fn trace_retention_ms(&self) -> i64 {
        self.trace_retention_ms
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Applies the migrations of this store's dialect that have not run yet. A database that has
    /// migrations this build does not know is refused: an older `opbx-local` must not run on it.
    pub async fn migrate(&self) -> StoreResult<()> {
        self.run_migrations(false).await
    }

    /// [`Self::migrate`] for deploys: a database already carrying newer migrations is accepted,
    /// because a rolled-back deploy runs the previous code's migrate on it. Migrations are
    /// additive, so the previous code still works on the newer schema.
    pub async fn migrate_for_deploy(&self) -> StoreResult<()> {
        self.run_migrations(true).await
    }

    async fn run_migrations(&self, accept_newer: bool) -> StoreResult<()> {
        let files = match self.dialect {
            Dialect::MySql => MYSQL_MIGRATIONS,
            Dialect::Sqlite => SQLITE_MIGRATIONS,
        };
        let migrations = files
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    AssertSqlSafe(*sql).into_sql_str(),
                    false,
                )
            })
            .collect();
        let mut migrator = Migrator::with_migrations(migrations);
        migrator.set_ignore_missing(accept_newer);
        let mut conn = self.pool.acquire().await.map_err(unavailable)?;
        if self.dialect == Dialect::MySql {
            // sqlx locks MySQL with GET_LOCK(name, -1), which MariaDB answers at once with NULL
            // instead of waiting, so concurrent migrators (tests, parallel deploys) would race and
            // leave the migration marked dirty. Take the lock ourselves with a real timeout.
            let row =
                sqlx::query("SELECT GET_LOCK(CONCAT('opbx-migrate:', DATABASE()), 120) AS got")
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(unavailable)?;
            if opt_big(&row, "got")? != Some(1) {
                return Err(StoreError::Unavailable(
                    "timed out waiting for the migration lock".into(),
                ));
            }
            migrator.set_locking(false);
        }
        // `run_direct` is `run` on a connection we already hold (sqlx's documented workaround for
        // the higher-ranked `Acquire` bound that `run(&mut conn)` trips inside async traits).
        let outcome = migrator.run_direct(None, &mut *conn, false).await;
        if self.dialect == Dialect::MySql {
            sqlx::query("SELECT RELEASE_LOCK(CONCAT('opbx-migrate:', DATABASE()))")
                .execute(&mut *conn)
                .await
                .map_err(unavailable)?;
        }
        outcome.map_err(|e| StoreError::Unavailable(Box::new(e)))
    }

    /// A round trip to the database, for health checks.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The database holds SIP passwords (sealed), call history and password hashes: its file and
/// SQLite's `-wal`/`-shm` beside it are the owner's alone (0600), and a directory created for
/// it is too (0700). SQLite creates `-wal` and `-shm` with the database file's permissions, so
/// creating that file 0600 before SQLite opens it covers all three; files from an earlier
/// release are tightened.
fn owner_only_sqlite_files(url: &str) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") || url.contains("mode=memory") {
        return Ok(());
    }
    let path = std::path::Path::new(path);
    if let Some(dir) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.exists())
    {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)?;
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Turns a driver error into a store error, recognising uniqueness violations so that callers can
/// answer 409 naming `what` ("extension number") instead of 500.
pub fn map_err(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(what.to_owned())
        }
        sqlx::Error::RowNotFound => StoreError::NotFound,
        _ => unavailable(e),
    }
}

pub fn unavailable(e: sqlx::Error) -> StoreError {
    StoreError::Unavailable(Box::new(e))
}

/// Hides the password in a database URL for logs and error messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("mysql://opbx:s3cret@127.0.0.1:3306/opbx"),
            "mysql://opbx:***@127.0.0.1:3306/opbx"
        );
        assert_eq!(redact("sqlite://opbx.db"), "sqlite://opbx.db");
    }

    #[test]
    fn dialect_from_url() {
        assert_eq!(Dialect::of_url("mysql://a@b/c"), Some(Dialect::MySql));
        assert_eq!(Dialect::of_url("sqlite://opbx.db"), Some(Dialect::Sqlite));
        assert_eq!(Dialect::of_url("postgres://x"), None);
    }
}

#[cfg(test)]
mod migration_list_tests {
    use super::*;

    #[test]
    fn every_migration_file_is_listed() {
        for (dialect, listed) in [("mysql", MYSQL_MIGRATIONS), ("sqlite", SQLITE_MIGRATIONS)] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../migrations")
                .join(dialect);
            let mut files: Vec<i64> = std::fs::read_dir(&dir)
                .unwrap()
                .filter_map(|e| {
                    let name = e.unwrap().file_name().into_string().ok()?;
                    name.split('_').next()?.parse().ok()
                })
                .collect();
            files.sort();
            let versions: Vec<i64> = listed.iter().map(|(v, _, _)| *v).collect();
            assert_eq!(
                versions, files,
                "migrations/{dialect} and the list in sql/mod.rs"
            );
        }
    }
}
