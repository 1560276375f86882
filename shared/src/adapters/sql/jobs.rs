//! The jobs table: the transactional outbox and every job's state ([`JobStore`]). Writes that
//! need a job call [`insert_job`] inside their own transaction.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::query::{begin_write, commit_audited, placeholders};
use super::{SqlStore, big, int, opt_parsed, opt_text, parsed, text, unavailable};
use crate::domain::ids::{ExtensionId, JobId, OrgId};
use crate::domain::model::AuditEntry;
use crate::ports::jobs::{
    CloudonixSync, Job, JobKind, JobOutcome, JobPayload, JobState, JobStore, SyncState, Undelivered,
};
use crate::ports::store::{StoreError, StoreResult};

const COLUMNS: &str = "id, organization_id, kind, payload, state, attempts, run_after, \
     last_error, progress, created_at, updated_at";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("jobs: {what}"))
}

fn from_row(row: &AnyRow) -> StoreResult<Job> {
    let payload: JobPayload = serde_json::from_str(&text(row, "payload")?)
        .map_err(|e| corrupt(&format!("payload: {e}")))?;
    let state = JobState::parse(&text(row, "state")?).ok_or_else(|| corrupt("state"))?;
    let progress = opt_text(row, "progress")?
        .map(|p| serde_json::from_str(&p))
        .transpose()
        .map_err(|e| corrupt(&format!("progress: {e}")))?;
    Ok(Job {
        id: parsed(row, "id")?,
        organization_id: opt_parsed(row, "organization_id")?,
        payload,
        state,
        attempts: u32::try_from(int(row, "attempts")?).unwrap_or(0),
        run_after: big(row, "run_after")?,
        last_error: opt_text(row, "last_error")?,
        progress,
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

/// Writes `job` on `conn`: inside a transaction, it commits or rolls back with the change that
/// needs it.
pub(super) async fn insert_job(conn: &mut AnyConnection, job: &Job) -> StoreResult<()> {
    write_job(conn, job, None).await?.map_err(unavailable)
}

/// Writes `job`, with a schedule's key (unique among jobs) when given. The outer error is a job
/// that cannot be written at all, the inner one the database's refusal.
async fn write_job(
    conn: &mut AnyConnection,
    job: &Job,
    key: Option<&str>,
) -> StoreResult<Result<(), sqlx::Error>> {
    let payload = serde_json::to_string(&job.payload).map_err(|e| corrupt(&e.to_string()))?;
    let progress = job.progress.as_ref().map(Value::to_string);
    let written = sqlx::query(
        "INSERT INTO jobs (id, organization_id, kind, subject, payload, state, attempts, \
         run_after, lease_until, dispatched_at, last_error, progress, created_at, updated_at, \
         schedule_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?)",
    )
    .bind(job.id.to_string())
    .bind(job.organization_id.map(|org| org.to_string()))
    .bind(job.payload.kind().as_str())
    .bind(job.payload.subject())
    .bind(payload)
    .bind(job.state.as_str())
    .bind(i32::try_from(job.attempts).unwrap_or(i32::MAX))
    .bind(job.run_after)
    .bind(job.last_error.as_deref())
    .bind(progress)
    .bind(job.created_at)
    .bind(job.updated_at)
    .bind(key)
    .execute(&mut *conn)
    .await;
    Ok(written.map(drop))
}

/// Points the extension at its newest sync job, as pending: in the transaction of the change.
pub(super) async fn mark_extension_pending(
    conn: &mut AnyConnection,
    org: OrgId,
    ext: ExtensionId,
    job: JobId,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE extensions SET cloudonix_sync_state = 'pending', cloudonix_sync_error = NULL, \
         cloudonix_sync_job = ? WHERE id = ? AND organization_id = ?",
    )
    .bind(job.to_string())
    .bind(ext.to_string())
    .bind(org.to_string())
    .execute(conn)
    .await
    .map_err(unavailable)?;
    Ok(())
}

async fn find_where(store: &SqlStore, clause: &str, args: &[String]) -> StoreResult<Job> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE {clause}");
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for arg in args {
        query = query.bind(arg.clone());
    }
    let row = query
        .fetch_optional(store.pool())
        .await
        .map_err(unavailable)?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[async_trait]
impl JobStore for SqlStore {
    async fn insert_job(&self, job: &Job, audit: &[AuditEntry]) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        insert_job(&mut tx, job).await?;
        commit_audited(tx, audit).await
    }

    async fn insert_scheduled_job(&self, job: &Job, key: &str) -> StoreResult<bool> {
        let mut conn = self.pool().acquire().await.map_err(unavailable)?;
        match write_job(&mut conn, job, Some(key)).await? {
            Ok(()) => Ok(true),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn find_job(&self, org: OrgId, id: JobId) -> StoreResult<Job> {
        find_where(
            self,
            "id = ? AND organization_id = ?",
            &[id.to_string(), org.to_string()],
        )
        .await
    }

    async fn latest_job(&self, org: OrgId, kind: JobKind) -> StoreResult<Job> {
        find_where(
            self,
            "organization_id = ? AND kind = ? ORDER BY created_at DESC, id DESC LIMIT 1",
            &[org.to_string(), kind.as_str().to_owned()],
        )
        .await
    }

    async fn claim_job(&self, id: JobId, lease: Duration, now: i64) -> StoreResult<Option<Job>> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = ?, \
             updated_at = ? WHERE id = ? AND ((state = 'pending' AND run_after <= ?) \
             OR (state = 'running' AND lease_until < ?))",
        )
        .bind(now + millis(lease))
        .bind(now)
        .bind(id.to_string())
        .bind(now)
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        find_where(self, "id = ?", &[id.to_string()])
            .await
            .map(Some)
    }

    async fn finish_job(&self, id: JobId, outcome: &JobOutcome, now: i64) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let (state, error, run_after, progress, sync) = match outcome {
            JobOutcome::Done { progress } => (
                JobState::Done,
                None,
                None,
                progress.as_ref().map(Value::to_string),
                None,
            ),
            JobOutcome::Continue { progress } => (
                JobState::Pending,
                None,
                Some(now),
                Some(progress.to_string()),
                None,
            ),
            JobOutcome::Retry { error, run_after } => (
                JobState::Pending,
                Some(error.as_str()),
                Some(*run_after),
                None,
                Some(SyncState::Pending),
            ),
            JobOutcome::Failed { error } => (
                JobState::Failed,
                Some(error.as_str()),
                None,
                None,
                Some(SyncState::Failed),
            ),
        };
        // A retry is handed to the queue by the worker right after this, with its delay.
        sqlx::query(
            "UPDATE jobs SET state = ?, last_error = ?, run_after = COALESCE(?, run_after), \
             progress = COALESCE(?, progress), lease_until = NULL, \
             attempts = CASE WHEN ? THEN 0 ELSE attempts END, \
             dispatched_at = CASE WHEN ? = 'pending' THEN ? ELSE dispatched_at END, \
             updated_at = ? WHERE id = ?",
        )
        .bind(state.as_str())
        .bind(error)
        .bind(run_after)
        .bind(progress)
        .bind(matches!(outcome, JobOutcome::Continue { .. }))
        .bind(state.as_str())
        .bind(now)
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if let Some(sync) = sync {
            // Only the extension's newest job speaks for it; a sync job's success is recorded
            // by the job itself (synced, or not configured).
            sqlx::query(
                "UPDATE extensions SET cloudonix_sync_state = ?, cloudonix_sync_error = ? \
                 WHERE cloudonix_sync_job = ?",
            )
            .bind(sync.as_str())
            .bind(error)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        }
        tx.commit().await.map_err(unavailable)
    }

    async fn save_job_progress(&self, id: JobId, progress: &Value, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ?")
            .bind(progress.to_string())
            .bind(now)
            .bind(id.to_string())
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn mark_dispatched(&self, ids: &[JobId], now: i64) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "UPDATE jobs SET dispatched_at = ? WHERE id IN ({})",
            placeholders(ids.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(now);
        for id in ids {
            query = query.bind(id.to_string());
        }
        query.execute(self.pool()).await.map_err(unavailable)?;
        Ok(())
    }

    async fn forget_dispatches(&self) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE jobs SET dispatched_at = NULL WHERE state = 'pending' \
             AND dispatched_at IS NOT NULL",
        )
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected())
    }

    async fn undelivered_jobs(
        &self,
        org: Option<OrgId>,
        overdue: Duration,
        now: i64,
        limit: u32,
    ) -> StoreResult<Vec<Undelivered>> {
        let org_clause = if org.is_some() {
            "AND organization_id = ?"
        } else {
            ""
        };
        let sql = format!(
            "SELECT id, run_after FROM jobs WHERE ((state = 'pending' AND \
             (dispatched_at IS NULL OR run_after < ?)) OR (state = 'running' AND lease_until < ?)) \
             {org_clause} ORDER BY run_after LIMIT {limit}"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(now - millis(overdue))
            .bind(now);
        if let Some(org) = org {
            query = query.bind(org.to_string());
        }
        query
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?
            .iter()
            .map(|row| {
                Ok(Undelivered {
                    id: parsed(row, "id")?,
                    run_after: big(row, "run_after")?,
                })
            })
            .collect()
    }

    async fn retry_job(
        &self,
        org: OrgId,
        id: JobId,
        now: i64,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "UPDATE jobs SET state = 'pending', attempts = 0, run_after = ?, \
             dispatched_at = NULL, updated_at = ? \
             WHERE id = ? AND organization_id = ? AND state = 'failed'",
        )
        .bind(now)
        .bind(now)
        .bind(id.to_string())
        .bind(org.to_string())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "UPDATE extensions SET cloudonix_sync_state = 'pending' \
             WHERE cloudonix_sync_job = ? AND organization_id = ?",
        )
        .bind(id.to_string())
        .bind(org.to_string())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        commit_audited(tx, audit).await
    }

    async fn extension_sync(
        &self,
        org: OrgId,
        ids: &[ExtensionId],
    ) -> StoreResult<Vec<(ExtensionId, CloudonixSync)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, cloudonix_sync_state, cloudonix_sync_error, cloudonix_sync_job \
             FROM extensions WHERE organization_id = ? AND id IN ({})",
            placeholders(ids.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(org.to_string());
        for id in ids {
            query = query.bind(id.to_string());
        }
        query
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?
            .iter()
            .map(|row| {
                let state = SyncState::parse(&text(row, "cloudonix_sync_state")?)
                    .ok_or_else(|| corrupt("extensions.cloudonix_sync_state"))?;
                let job = opt_text(row, "cloudonix_sync_job")?
                    .map(|j| {
                        j.parse()
                            .map_err(|_| corrupt("extensions.cloudonix_sync_job"))
                    })
                    .transpose()?;
                Ok((
                    parsed(row, "id")?,
                    CloudonixSync {
                        state,
                        error: opt_text(row, "cloudonix_sync_error")?,
                        job_id: job,
                    },
                ))
            })
            .collect()
    }

    async fn set_extension_sync(
        &self,
        org: OrgId,
        id: ExtensionId,
        job: Option<JobId>,
        state: SyncState,
        error: Option<&str>,
    ) -> StoreResult<()> {
        // Without a job (provisioning), a sync job still waiting or running speaks for the
        // extension's newer state and is left to.
        let guard = match job {
            Some(_) => "cloudonix_sync_job = ?",
            None => {
                "NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = extensions.cloudonix_sync_job \
                 AND j.state IN ('pending', 'running'))"
            }
        };
        let sql = format!(
            "UPDATE extensions SET cloudonix_sync_state = ?, cloudonix_sync_error = ? \
             WHERE id = ? AND organization_id = ? AND {guard}"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(state.as_str())
            .bind(error)
            .bind(id.to_string())
            .bind(org.to_string());
        if let Some(job) = job {
            query = query.bind(job.to_string());
        }
        query.execute(self.pool()).await.map_err(unavailable)?;
        Ok(())
    }
}
