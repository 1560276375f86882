//! The scheduled jobs' reads and removals ([`RetentionRepo`]).

use async_trait::async_trait;
use sqlx::AssertSqlSafe;

use super::{SqlStore, parsed, unavailable};
use crate::domain::accounts::LinkPurpose;
use crate::domain::ids::OrgId;
use crate::domain::model::OrgStatus;
use crate::ports::retention::RetentionRepo;
use crate::ports::store::StoreResult;

async fn ids(store: &SqlStore, sql: &'static str, bind: Option<&str>) -> StoreResult<Vec<OrgId>> {
    let mut query = sqlx::query(sql);
    if let Some(value) = bind {
        query = query.bind(value.to_owned());
    }
    query
        .fetch_all(store.pool())
        .await
        .map_err(unavailable)?
        .iter()
        .map(|row| parsed(row, "id"))
        .collect()
}

#[async_trait]
impl RetentionRepo for SqlStore {
    async fn organization_ids(&self) -> StoreResult<Vec<OrgId>> {
        ids(self, "SELECT id FROM organizations ORDER BY id", None).await
    }

    async fn reconcilable_organizations(&self) -> StoreResult<Vec<OrgId>> {
        ids(
            self,
            "SELECT o.id AS id FROM organizations o \
             JOIN cloudonix_settings c ON c.organization_id = o.id \
             WHERE o.status = ? AND c.domain IS NOT NULL AND c.api_key_enc IS NOT NULL \
             ORDER BY o.id",
            Some(OrgStatus::Active.as_str()),
        )
        .await
    }

    async fn purge_account_links(&self, org: OrgId, now: i64) -> StoreResult<u64> {
        let done = sqlx::query(
            "DELETE FROM account_links WHERE organization_id = ? \
             AND (expires_at <= ? OR (purpose = ? AND used_at IS NOT NULL))",
        )
        .bind(org.to_string())
        .bind(now)
        .bind(LinkPurpose::PasswordReset.as_str())
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected())
    }

    async fn purge_finished_jobs(&self, org: Option<OrgId>, before: i64) -> StoreResult<u64> {
        let owner = match org {
            Some(_) => "organization_id = ?",
            None => "organization_id IS NULL",
        };
        let sql = format!(
            "DELETE FROM jobs WHERE {owner} AND updated_at < ? AND state IN ('done', 'failed') \
             AND NOT EXISTS (SELECT 1 FROM extensions e WHERE e.cloudonix_sync_job = jobs.id)"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        if let Some(org) = org {
            query = query.bind(org.to_string());
        }
        let done = query
            .bind(before)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected())
    }
}
