use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::account_links::insert_link;
use super::audit_log::{json_text, opt_json};
use super::organizations::{self, insert_organization};
use super::query::{Conditions, begin_write, contains_pattern, fetch_page};
use super::{SqlStore, big, map_err, opt_big, opt_parsed, opt_text, parsed, text, unavailable};
use crate::domain::accounts::{AccountLink, PlatformAuditEntry};
use crate::domain::ids::{OrgId, PlatformAuditId};
use crate::domain::model::{OrgStatus, Organization};
use crate::ports::platform::{OrganizationFilter, OrganizationSummary, PlatformRepo};
use crate::ports::store::{Page, PageRequest, StoreError, StoreResult};

/// The organization's own columns, then what the platform counts: no row of the organization is
/// read beyond these aggregates.
const SUMMARY_COLUMNS: &str = "id, name, slug, timezone, status, unassigned_number_message, \
     default_caller_id, external_forwarding, forwarding_prefixes, created_at, updated_at, \
     deleted_at, \
     (SELECT COUNT(*) FROM users u WHERE u.organization_id = organizations.id) AS user_count, \
     (SELECT COUNT(*) FROM extensions e WHERE e.organization_id = organizations.id) AS extension_count, \
     (SELECT COUNT(*) FROM phone_numbers p WHERE p.organization_id = organizations.id) AS number_count, \
     (SELECT MAX(c.started_at) FROM call_logs c WHERE c.organization_id = organizations.id) AS last_call_at";

const AUDIT_COLUMNS: &str =
    "id, operator_id, actor_label, action, organization_id, detail_json, source_ip, created_at";

fn summary_from_row(row: &AnyRow) -> StoreResult<OrganizationSummary> {
    Ok(OrganizationSummary {
        organization: organizations::from_row(row)?,
        users: big(row, "user_count")?,
        extensions: big(row, "extension_count")?,
        phone_numbers: big(row, "number_count")?,
        last_call_at: opt_big(row, "last_call_at")?,
        deleted_at: opt_big(row, "deleted_at")?,
    })
}

fn audit_from_row(row: &AnyRow) -> StoreResult<PlatformAuditEntry> {
    Ok(PlatformAuditEntry {
        id: parsed(row, "id")?,
        operator_id: opt_parsed(row, "operator_id")?,
        actor_label: text(row, "actor_label")?,
        action: text(row, "action")?,
        organization_id: opt_parsed(row, "organization_id")?,
        detail: opt_json(row, "detail_json")?,
        source_ip: opt_text(row, "source_ip")?,
        created_at: big(row, "created_at")?,
    })
}

pub(super) async fn insert_platform_audit(
    conn: &mut AnyConnection,
    entry: &PlatformAuditEntry,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO platform_audit_log (id, operator_id, actor_label, action, organization_id, \
         detail_json, source_ip, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(entry.id.to_string())
    .bind(entry.operator_id.map(|o| o.to_string()))
    .bind(&entry.actor_label)
    .bind(&entry.action)
    .bind(entry.organization_id.map(|o| o.to_string()))
    .bind(json_text(entry.detail.as_ref()))
    .bind(entry.source_ip.as_deref())
    .bind(entry.created_at)
    .execute(conn)
    .await
    .map_err(unavailable)?;
    Ok(())
}

/// Deletes what an organization owns that its cascade cannot order (links between two of its
/// own tables that do not cascade), then the organization and by cascade everything else.
async fn delete_organization(conn: &mut AnyConnection, org: OrgId) -> StoreResult<bool> {
    for table in ["ring_group_members", "ivr_direct_dial"] {
        let sql = AssertSqlSafe(format!("DELETE FROM {table} WHERE organization_id = ?"));
        sqlx::query(sql)
            .bind(org.to_string())
            .execute(&mut *conn)
            .await
            .map_err(unavailable)?;
    }
    let done = sqlx::query("DELETE FROM organizations WHERE id = ? AND status = ?")
        .bind(org.to_string())
        .bind(OrgStatus::Deleted.as_str())
        .execute(&mut *conn)
        .await
        .map_err(unavailable)?;
    Ok(done.rows_affected() > 0)
}

#[async_trait]
impl PlatformRepo for SqlStore {
    async fn list_organization_summaries(
        &self,
        filter: &OrganizationFilter,
        page: PageRequest,
    ) -> StoreResult<Page<OrganizationSummary>> {
        let mut conditions = Conditions::across_organizations();
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = contains_pattern(q);
            conditions.and(
                "(name LIKE ? ESCAPE '!' OR slug LIKE ? ESCAPE '!')",
                [pattern.clone().into(), pattern.into()],
            );
        }
        conditions.and_some("status = ?", filter.status.map(OrgStatus::as_str));
        fetch_page(
            self,
            "organizations",
            SUMMARY_COLUMNS,
            &conditions,
            "name, id",
            page,
            summary_from_row,
        )
        .await
    }

    async fn organization_summary(&self, id: OrgId) -> StoreResult<OrganizationSummary> {
        let sql = format!("SELECT {SUMMARY_COLUMNS} FROM organizations WHERE id = ?");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound)?;
        summary_from_row(&row)
    }

    async fn create_organization_with_invitation(
        &self,
        org: &Organization,
        invitation: &AccountLink,
        audit: &PlatformAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        insert_organization(&mut tx, org).await?;
        insert_link(&mut tx, invitation).await?;
        insert_platform_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn create_invitation(
        &self,
        invitation: &AccountLink,
        audit: &PlatformAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        insert_link(&mut tx, invitation).await?;
        insert_platform_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn save_organization(
        &self,
        org: &Organization,
        audit: &PlatformAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "UPDATE organizations SET name = ?, slug = ?, timezone = ?, status = ?, \
             updated_at = ?, \
             deleted_at = CASE WHEN ? = 'deleted' THEN COALESCE(deleted_at, ?) ELSE NULL END \
             WHERE id = ?",
        )
        .bind(&org.name)
        .bind(&org.slug)
        .bind(org.timezone.name())
        .bind(org.status.as_str())
        .bind(org.updated_at)
        .bind(org.status.as_str())
        .bind(org.updated_at)
        .bind(org.id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_err("organization slug"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        insert_platform_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn purge_deleted_organizations(
        &self,
        deleted_before: i64,
        at: i64,
    ) -> StoreResult<Vec<OrgId>> {
        let rows = sqlx::query(
            "SELECT id, name FROM organizations WHERE status = ? AND deleted_at < ? ORDER BY id",
        )
        .bind(OrgStatus::Deleted.as_str())
        .bind(deleted_before)
        .fetch_all(self.pool())
        .await
        .map_err(unavailable)?;
        let mut purged = Vec::new();
        for row in &rows {
            let id: OrgId = parsed(row, "id")?;
            // One transaction per organization: a failure leaves the others purged and this one
            // whole, to be retried by the next run.
            let mut tx = begin_write(self).await?;
            if delete_organization(&mut tx, id).await? {
                let entry = PlatformAuditEntry {
                    id: PlatformAuditId::new(),
                    operator_id: None,
                    actor_label: "retention".into(),
                    action: "purge_organization".into(),
                    organization_id: Some(id),
                    detail: Some(serde_json::json!({ "name": text(row, "name")? })),
                    source_ip: None,
                    created_at: at,
                };
                insert_platform_audit(&mut tx, &entry).await?;
                purged.push(id);
            }
            tx.commit().await.map_err(unavailable)?;
        }
        Ok(purged)
    }

    async fn list_platform_audit(
        &self,
        page: PageRequest,
    ) -> StoreResult<Page<PlatformAuditEntry>> {
        fetch_page(
            self,
            "platform_audit_log",
            AUDIT_COLUMNS,
            &Conditions::across_organizations(),
            "created_at DESC, id DESC",
            page,
            audit_from_row,
        )
        .await
    }
}
