use async_trait::async_trait;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::audit_log::insert_audit;
use super::query::begin_write;
use super::{SqlStore, big, enumerated, map_err, opt_parsed, opt_text, parsed, text, unavailable};
use crate::domain::calling::{CallingPolicy, ExternalForwarding};
use crate::domain::ids::OrgId;
use crate::domain::model::{AuditEntry, OrgStatus, Organization};
use crate::ports::organizations::OrganizationRepo;
use crate::ports::store::{StoreError, StoreResult};

pub(super) const COLUMNS: &str = "id, name, slug, timezone, status, unassigned_number_message, \
                        default_caller_id, external_forwarding, forwarding_prefixes, created_at, \
                        updated_at";

pub(super) fn from_row(row: &AnyRow) -> StoreResult<Organization> {
    let prefixes = match opt_text(row, "forwarding_prefixes")? {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("column forwarding_prefixes: {e}")))?,
        None => Vec::new(),
    };
    Ok(Organization {
        id: parsed(row, "id")?,
        name: text(row, "name")?,
        slug: text(row, "slug")?,
        timezone: parsed(row, "timezone")?,
        status: enumerated(row, "status", OrgStatus::parse)?,
        unassigned_number_message: opt_text(row, "unassigned_number_message")?,
        calling: CallingPolicy {
            default_caller_id: opt_parsed(row, "default_caller_id")?,
            external_forwarding: enumerated(row, "external_forwarding", ExternalForwarding::parse)?,
            forwarding_prefixes: prefixes,
        },
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

/// `forwarding_prefixes` as stored: a JSON array, or NULL when there is none.
fn prefixes_column(calling: &CallingPolicy) -> Option<String> {
    (!calling.forwarding_prefixes.is_empty())
        .then(|| serde_json::to_string(&calling.forwarding_prefixes).expect("strings serialise"))
}

async fn count(store: &SqlStore, sql: &'static str) -> StoreResult<i64> {
    let row = sqlx::query(sql)
        .fetch_one(store.pool())
        .await
        .map_err(unavailable)?;
    big(&row, "n")
}

/// Inserts `org` on `conn` (the platform creates it with its owner's invitation).
pub(super) async fn insert_organization(
    conn: &mut AnyConnection,
    org: &Organization,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO organizations (id, name, slug, timezone, status, \
         unassigned_number_message, default_caller_id, external_forwarding, \
         forwarding_prefixes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(org.id.to_string())
    .bind(&org.name)
    .bind(&org.slug)
    .bind(org.timezone.name())
    .bind(org.status.as_str())
    .bind(org.unassigned_number_message.as_deref())
    .bind(
        org.calling
            .default_caller_id
            .as_ref()
            .map(ToString::to_string),
    )
    .bind(org.calling.external_forwarding.as_str())
    .bind(prefixes_column(&org.calling))
    .bind(org.created_at)
    .bind(org.updated_at)
    .execute(conn)
    .await
    .map_err(map_err("organization slug"))?;
    Ok(())
}

#[async_trait]
impl OrganizationRepo for SqlStore {
    async fn create_organization(&self, org: &Organization) -> StoreResult<()> {
        let mut conn = self.pool().acquire().await.map_err(unavailable)?;
        insert_organization(&mut conn, org).await
    }

    async fn find_organization(&self, id: OrgId) -> StoreResult<Organization> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM organizations WHERE id = ?"));
        let row = sqlx::query(sql)
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    async fn find_organization_by_slug(&self, slug: &str) -> StoreResult<Organization> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM organizations WHERE slug = ?"
        ));
        let row = sqlx::query(sql)
            .bind(slug)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    async fn update_organization(&self, org: &Organization, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "UPDATE organizations SET name = ?, slug = ?, timezone = ?, status = ?, \
             unassigned_number_message = ?, default_caller_id = ?, external_forwarding = ?, \
             forwarding_prefixes = ?, updated_at = ? WHERE id = ?",
        )
        .bind(&org.name)
        .bind(&org.slug)
        .bind(org.timezone.name())
        .bind(org.status.as_str())
        .bind(org.unassigned_number_message.as_deref())
        .bind(
            org.calling
                .default_caller_id
                .as_ref()
                .map(ToString::to_string),
        )
        .bind(org.calling.external_forwarding.as_str())
        .bind(prefixes_column(&org.calling))
        .bind(org.updated_at)
        .bind(org.id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_err("organization slug"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn count_organizations(&self) -> StoreResult<i64> {
        count(self, "SELECT COUNT(*) AS n FROM organizations").await
    }

    async fn count_all_users(&self) -> StoreResult<i64> {
        count(self, "SELECT COUNT(*) AS n FROM users").await
    }
}
