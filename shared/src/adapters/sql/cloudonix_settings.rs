use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::audit_log::insert_audit;
use super::jobs::insert_job;
use super::query::{begin_write, insert_if_absent};
use super::{SqlStore, big, map_err, opt_big, opt_text, parsed, unavailable};
use crate::domain::ids::OrgId;
use crate::domain::model::{AuditEntry, CloudonixSettings};
use crate::domain::now_ms;
use crate::ports::cloudonix_settings::{CloudonixSettingsRepo, WebhookKeyStaging};
use crate::ports::jobs::Job;
use crate::ports::store::{StoreError, StoreResult};

const COLUMNS: &str = "organization_id, domain, domain_name, domain_uuid, api_key_enc, \
     webhook_key_hash, cdr_token_hash, cdr_token_enc, session_token_hash, session_token_enc, \
     voice_application_id, provisioned_at, updated_at";

fn from_row(row: &AnyRow) -> StoreResult<CloudonixSettings> {
    Ok(CloudonixSettings {
        organization_id: parsed(row, "organization_id")?,
        domain: opt_text(row, "domain")?,
        domain_name: opt_text(row, "domain_name")?,
        domain_uuid: opt_text(row, "domain_uuid")?,
        api_key_enc: opt_text(row, "api_key_enc")?,
        webhook_key_hash: opt_text(row, "webhook_key_hash")?,
        cdr_token_hash: opt_text(row, "cdr_token_hash")?,
        cdr_token_enc: opt_text(row, "cdr_token_enc")?,
        session_token_hash: opt_text(row, "session_token_hash")?,
        session_token_enc: opt_text(row, "session_token_enc")?,
        voice_application_id: opt_text(row, "voice_application_id")?,
        provisioned_at: opt_big(row, "provisioned_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

/// Names what another organization already holds (never which organization). Both drivers
/// name the violated column or index in the message (`cloudonix_settings.cdr_token_hash`,
/// `uq_cloudonix_cdr_token`); MySQL's also quotes the value, which for a domain cannot contain
/// an underscore, so the checks of the token names come first.
fn hash_conflict(e: sqlx::Error) -> StoreError {
    let what = match &e {
        sqlx::Error::Database(db) if db.message().contains("cdr_token") => "CDR token",
        sqlx::Error::Database(db) if db.message().contains("session_token") => {
            "session-update token"
        }
        sqlx::Error::Database(db) if db.message().contains("domain") => "Cloudonix domain",
        _ => "Cloudonix webhook key",
    };
    map_err(what)(e)
}

async fn find_by(store: &SqlStore, column: &str, value: &str) -> StoreResult<CloudonixSettings> {
    let sql = AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM cloudonix_settings WHERE {column} = ?"
    ));
    let row = sqlx::query(sql)
        .bind(value.to_owned())
        .fetch_optional(store.pool())
        .await
        .map_err(unavailable)?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

/// Creates the organization's row when absent and writes every column but the webhook keys,
/// which only the key flow writes ([`WebhookKeyStaging`]).
async fn write_settings(
    store: &SqlStore,
    conn: &mut AnyConnection,
    settings: &CloudonixSettings,
) -> StoreResult<()> {
    let org = settings.organization_id.to_string();
    // An empty row first, then an UPDATE keyed by organization: MySQL's ON DUPLICATE KEY
    // UPDATE fires on any unique key, so an upsert carrying another tenant's hash would
    // overwrite that tenant's row instead of failing.
    create_row(store, conn, &org, settings.updated_at).await?;
    sqlx::query(
        "UPDATE cloudonix_settings SET domain = ?, domain_name = ?, domain_uuid = ?, \
         api_key_enc = ?, cdr_token_hash = ?, cdr_token_enc = ?, \
         session_token_hash = ?, session_token_enc = ?, voice_application_id = ?, \
         provisioned_at = ?, updated_at = ? WHERE organization_id = ?",
    )
    .bind(settings.domain.as_deref())
    .bind(settings.domain_name.as_deref())
    .bind(settings.domain_uuid.as_deref())
    .bind(settings.api_key_enc.as_deref())
    .bind(settings.cdr_token_hash.as_deref())
    .bind(settings.cdr_token_enc.as_deref())
    .bind(settings.session_token_hash.as_deref())
    .bind(settings.session_token_enc.as_deref())
    .bind(settings.voice_application_id.as_deref())
    .bind(settings.provisioned_at)
    .bind(settings.updated_at)
    .bind(&org)
    .execute(&mut *conn)
    .await
    .map_err(hash_conflict)?;
    Ok(())
}

async fn create_row(
    store: &SqlStore,
    conn: &mut AnyConnection,
    org: &str,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(insert_if_absent(
        store.dialect(),
        "cloudonix_settings",
        "organization_id, updated_at",
        "organization_id",
    ))
    .bind(org.to_owned())
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(unavailable)?;
    Ok(())
}

#[async_trait]
impl CloudonixSettingsRepo for SqlStore {
    async fn find_cloudonix_settings(&self, org: OrgId) -> StoreResult<CloudonixSettings> {
        find_by(self, "organization_id", &org.to_string()).await
    }

    async fn upsert_cloudonix_settings(&self, settings: &CloudonixSettings) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        write_settings(self, &mut tx, settings).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn save_cloudonix_settings(
        &self,
        settings: &CloudonixSettings,
        sync: Option<&Job>,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        write_settings(self, &mut tx, settings).await?;
        if let Some(job) = sync {
            insert_job(&mut tx, job).await?;
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn find_org_by_webhook_key_hash(&self, hash: &str) -> StoreResult<CloudonixSettings> {
        let sql = AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM cloudonix_settings WHERE webhook_key_hash = ? \
             OR staged_webhook_key_hash = ? \
             OR (previous_webhook_key_hash = ? AND previous_webhook_key_expires_at > ?)"
        ));
        let row = sqlx::query(sql)
            .bind(hash.to_owned())
            .bind(hash.to_owned())
            .bind(hash.to_owned())
            .bind(now_ms())
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound)?;
        let mut settings = from_row(&row)?;
        settings.webhook_key_hash = Some(hash.to_owned());
        Ok(settings)
    }

    async fn find_org_by_cdr_token_hash(&self, hash: &str) -> StoreResult<CloudonixSettings> {
        find_by(self, "cdr_token_hash", hash).await
    }

    async fn find_org_by_session_token_hash(&self, hash: &str) -> StoreResult<CloudonixSettings> {
        find_by(self, "session_token_hash", hash).await
    }
}

#[async_trait]
impl WebhookKeyStaging for SqlStore {
    async fn replace_webhook_key(
        &self,
        org: OrgId,
        hash: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let org = org.to_string();
        let mut tx = begin_write(self).await?;
        create_row(self, &mut tx, &org, now).await?;
        sqlx::query(
            "UPDATE cloudonix_settings SET webhook_key_hash = ?, updated_at = ? \
             WHERE organization_id = ?",
        )
        .bind(hash.to_owned())
        .bind(now)
        .bind(&org)
        .execute(&mut *tx)
        .await
        .map_err(hash_conflict)?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn stage_webhook_key(&self, org: OrgId, hash: &str, sealed: &str) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE cloudonix_settings SET staged_webhook_key_hash = ?, \
             staged_webhook_key_enc = ? WHERE organization_id = ?",
        )
        .bind(hash.to_owned())
        .bind(sealed.to_owned())
        .bind(org.to_string())
        .execute(self.pool())
        .await
        .map_err(hash_conflict)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn staged_webhook_key(&self, org: OrgId) -> StoreResult<Option<String>> {
        let row = sqlx::query(
            "SELECT staged_webhook_key_enc FROM cloudonix_settings WHERE organization_id = ?",
        )
        .bind(org.to_string())
        .fetch_optional(self.pool())
        .await
        .map_err(unavailable)?;
        match row {
            Some(row) => opt_text(&row, "staged_webhook_key_enc"),
            None => Ok(None),
        }
    }

    async fn promote_webhook_key(
        &self,
        org: OrgId,
        hash: &str,
        previous_until: i64,
    ) -> StoreResult<bool> {
        // MySQL assigns left to right with the values already assigned, SQLite with the old
        // ones; in this order both read each column before it changes.
        let done = sqlx::query(
            "UPDATE cloudonix_settings SET previous_webhook_key_hash = webhook_key_hash, \
             previous_webhook_key_expires_at = ?, webhook_key_hash = staged_webhook_key_hash, \
             staged_webhook_key_hash = NULL, staged_webhook_key_enc = NULL \
             WHERE organization_id = ? AND staged_webhook_key_hash = ?",
        )
        .bind(previous_until)
        .bind(org.to_string())
        .bind(hash.to_owned())
        .execute(self.pool())
        .await
        .map_err(hash_conflict)?;
        Ok(done.rows_affected() > 0)
    }

    async fn expire_previous_webhook_key(&self, org: OrgId, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE cloudonix_settings SET previous_webhook_key_hash = NULL, \
             previous_webhook_key_expires_at = NULL WHERE organization_id = ? \
             AND previous_webhook_key_hash IS NOT NULL AND previous_webhook_key_expires_at <= ?",
        )
        .bind(org.to_string())
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }
}
