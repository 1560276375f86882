use async_trait::async_trait;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::query::{Conditions, fetch_page};
use super::{SqlStore, big, opt_parsed, opt_text, parsed, text, unavailable};
use crate::domain::ids::OrgId;
use crate::domain::model::AuditEntry;
use crate::ports::audit_log::{AuditFilter, AuditLogRepo};
use crate::ports::store::{Page, PageRequest, StoreError, StoreResult};

const TABLE: &str = "audit_log";
const COLUMNS: &str = "id, organization_id, actor_user_id, actor_label, action, object_type, \
     object_id, before_json, after_json, source_ip, created_at";

pub(super) fn json_text(value: Option<&serde_json::Value>) -> Option<String> {
    value.map(serde_json::Value::to_string)
}

pub(super) fn opt_json(row: &AnyRow, column: &str) -> StoreResult<Option<serde_json::Value>> {
    opt_text(row, column)?
        .map(|raw| {
            serde_json::from_str(&raw)
                .map_err(|e| StoreError::Corrupt(format!("column {column}: {e}")))
        })
        .transpose()
}

fn from_row(row: &AnyRow) -> StoreResult<AuditEntry> {
    Ok(AuditEntry {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        actor_user_id: opt_parsed(row, "actor_user_id")?,
        actor_label: text(row, "actor_label")?,
        action: text(row, "action")?,
        object_type: text(row, "object_type")?,
        object_id: opt_text(row, "object_id")?,
        before: opt_json(row, "before_json")?,
        after: opt_json(row, "after_json")?,
        source_ip: opt_text(row, "source_ip")?,
        created_at: big(row, "created_at")?,
    })
}

/// Appends `entry` on `conn`, so a change and its entry can share one transaction.
pub(super) async fn insert_audit(conn: &mut AnyConnection, entry: &AuditEntry) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, organization_id, actor_user_id, actor_label, action, \
         object_type, object_id, before_json, after_json, source_ip, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(entry.id.to_string())
    .bind(entry.organization_id.to_string())
    .bind(entry.actor_user_id.map(|u| u.to_string()))
    .bind(&entry.actor_label)
    .bind(&entry.action)
    .bind(&entry.object_type)
    .bind(entry.object_id.as_deref())
    .bind(json_text(entry.before.as_ref()))
    .bind(json_text(entry.after.as_ref()))
    .bind(entry.source_ip.as_deref())
    .bind(entry.created_at)
    .execute(conn)
    .await
    .map_err(unavailable)?;
    Ok(())
}

#[async_trait]
impl AuditLogRepo for SqlStore {
    async fn append_audit(&self, entry: &AuditEntry) -> StoreResult<()> {
        let mut conn = self.pool().acquire().await.map_err(unavailable)?;
        insert_audit(&mut conn, entry).await
    }

    async fn list_audit(
        &self,
        org: OrgId,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>> {
        let mut conditions = Conditions::of_org(org);
        conditions.and_some(
            "actor_user_id = ?",
            filter.actor_user_id.map(|u| u.to_string()),
        );
        conditions.and_some("object_type = ?", filter.object_type.as_deref());
        conditions.and_some("object_id = ?", filter.object_id.as_deref());
        conditions.and_some("action = ?", filter.action.as_deref());
        conditions.and_some("created_at >= ?", filter.from);
        conditions.and_some("created_at < ?", filter.to);
        fetch_page(
            self,
            TABLE,
            COLUMNS,
            &conditions,
            "created_at DESC, id DESC",
            page,
            from_row,
        )
        .await
    }
}
