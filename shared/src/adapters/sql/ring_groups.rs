use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::extensions;
use super::query::{Table, begin_write, commit_audited, delete_unreferenced, fetch_children};
use super::{
    SqlStore, big, bool_int, destination, enumerated, flag, int, map_err, parsed, text, unavailable,
};
use crate::domain::destination::DestinationKind;
use crate::domain::ids::{ExtensionId, OrgId, RingGroupId};
use crate::domain::model::{AuditEntry, Extension, RingGroup, RingStrategy, Status};
use crate::ports::ring_groups::RingGroupRepo;
use crate::ports::store::{ListFilter, Page, PageRequest, StoreError, StoreResult};

const NAME: &str = "ring group name";

const RING_GROUPS: Table<RingGroup> = Table {
    from: "ring_groups",
    columns: "id, organization_id, name, strategy, member_timeout, rounds, skip_busy, \
              fallback_type, fallback_ref, status, created_at, updated_at",
    searched: &["name"],
    order_by: "name, id",
    from_row,
};

/// The group without its members, which live in their own table.
fn from_row(row: &AnyRow) -> StoreResult<RingGroup> {
    Ok(RingGroup {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        name: text(row, "name")?,
        strategy: enumerated(row, "strategy", RingStrategy::parse)?,
        member_timeout: int(row, "member_timeout")?,
        rounds: int(row, "rounds")?,
        skip_busy: flag(row, "skip_busy")?,
        fallback: destination(row, "fallback")?,
        status: enumerated(row, "status", Status::parse)?,
        members: Vec::new(),
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

/// Writes the member rows in ring order. Selecting each extension within the group's
/// organization inserts nothing for another tenant's extension, which is then `NotFound`.
async fn insert_members(conn: &mut AnyConnection, group: &RingGroup) -> StoreResult<()> {
    for (position, member) in (0i32..).zip(&group.members) {
        let done = sqlx::query(
            "INSERT INTO ring_group_members (ring_group_id, extension_id, organization_id, \
             position) SELECT ?, id, organization_id, ? FROM extensions \
             WHERE id = ? AND organization_id = ?",
        )
        .bind(group.id.to_string())
        .bind(position)
        .bind(member.to_string())
        .bind(group.organization_id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(map_err("ring group member"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
    }
    Ok(())
}

/// Fills in the members of `groups` (all of `org`) with one query.
async fn attach_members(store: &SqlStore, org: OrgId, groups: &mut [RingGroup]) -> StoreResult<()> {
    let ids: Vec<String> = groups.iter().map(|g| g.id.to_string()).collect();
    let mut members = fetch_children(
        store,
        "SELECT ring_group_id, extension_id FROM ring_group_members",
        "ring_group_id",
        "position",
        org,
        &ids,
        |row| parsed::<ExtensionId>(row, "extension_id"),
    )
    .await?;
    for (group, id) in groups.iter_mut().zip(&ids) {
        group.members.extend(members.remove(id).unwrap_or_default());
    }
    Ok(())
}

#[async_trait]
impl RingGroupRepo for SqlStore {
    async fn create_ring_group(&self, group: &RingGroup, audit: &[AuditEntry]) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        sqlx::query(
            "INSERT INTO ring_groups (id, organization_id, name, strategy, member_timeout, \
             rounds, skip_busy, fallback_type, fallback_ref, status, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(group.id.to_string())
        .bind(group.organization_id.to_string())
        .bind(&group.name)
        .bind(group.strategy.as_str())
        .bind(group.member_timeout)
        .bind(group.rounds)
        .bind(bool_int(group.skip_busy))
        .bind(group.fallback.kind().as_str())
        .bind(group.fallback.reference())
        .bind(group.status.as_str())
        .bind(group.created_at)
        .bind(group.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err(NAME))?;
        insert_members(&mut tx, group).await?;
        commit_audited(tx, audit).await
    }

    async fn find_ring_group(&self, org: OrgId, id: RingGroupId) -> StoreResult<RingGroup> {
        let mut group = RING_GROUPS.find(self, org, "id", id.to_string()).await?;
        attach_members(self, org, std::slice::from_mut(&mut group)).await?;
        Ok(group)
    }

    async fn update_ring_group(&self, group: &RingGroup, audit: &[AuditEntry]) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "UPDATE ring_groups SET name = ?, strategy = ?, member_timeout = ?, rounds = ?, \
             skip_busy = ?, fallback_type = ?, fallback_ref = ?, status = ?, updated_at = ? \
             WHERE id = ? AND organization_id = ?",
        )
        .bind(&group.name)
        .bind(group.strategy.as_str())
        .bind(group.member_timeout)
        .bind(group.rounds)
        .bind(bool_int(group.skip_busy))
        .bind(group.fallback.kind().as_str())
        .bind(group.fallback.reference())
        .bind(group.status.as_str())
        .bind(group.updated_at)
        .bind(group.id.to_string())
        .bind(group.organization_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_err(NAME))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "DELETE FROM ring_group_members WHERE ring_group_id = ? AND organization_id = ?",
        )
        .bind(group.id.to_string())
        .bind(group.organization_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        insert_members(&mut tx, group).await?;
        commit_audited(tx, audit).await
    }

    async fn delete_ring_group(
        &self,
        org: OrgId,
        id: RingGroupId,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        delete_unreferenced(
            self,
            "ring_groups",
            DestinationKind::RingGroup,
            org,
            &id.to_string(),
            audit,
        )
        .await
    }

    async fn list_ring_groups(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<RingGroup>> {
        let mut found = RING_GROUPS.page(self, org, filter, page).await?;
        attach_members(self, org, &mut found.items).await?;
        Ok(found)
    }

    async fn ring_group_member_extensions(
        &self,
        org: OrgId,
        id: RingGroupId,
    ) -> StoreResult<Vec<Extension>> {
        let sql = format!(
            "SELECT {} FROM ring_group_members m JOIN extensions e ON e.id = m.extension_id \
             WHERE m.organization_id = ? AND m.ring_group_id = ? AND e.organization_id = ? \
             ORDER BY m.position",
            extensions::COLUMNS
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(org.to_string())
            .bind(id.to_string())
            .bind(org.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?
            .iter()
            .map(extensions::from_row)
            .collect()
    }
}
