use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::query::{
    Table, begin_write, commit_audited, commit_found, delete_in_org, exists_in_org,
};
use super::{SqlStore, big, enumerated, map_err, parsed, text, unavailable};
use crate::domain::audio::AudioFormat;
use crate::domain::ids::{OrgId, RecordingId};
use crate::domain::model::{AuditEntry, Recording};
use crate::ports::recordings::RecordingRepo;
use crate::ports::store::{ListFilter, Page, PageRequest, Referrer, StoreError, StoreResult};

const RECORDINGS: Table<Recording> = Table {
    from: "recordings",
    columns: "id, organization_id, name, format, size_bytes, duration_ms, created_at, updated_at",
    searched: &["name"],
    order_by: "name, id",
    from_row,
};

/// Every column that names a recording to play: the object type owning it, its table, how the
/// object is named and the column.
const RECORDING_COLUMNS: &[(&str, &str, &str, &str)] = &[
    ("announcement", "announcements", "name", "recording_id"),
    (
        "conference_room",
        "conference_rooms",
        "name",
        "hold_music_recording_id",
    ),
    (
        "extension",
        "extensions",
        "number",
        "voicemail_greeting_recording_id",
    ),
    ("ivr_menu", "ivr_menus", "name", "prompt_recording_id"),
];

/// The objects of `org` that play recording `id`, ordered by type and name.
async fn recording_users(
    conn: &mut AnyConnection,
    org: OrgId,
    id: &str,
) -> StoreResult<Vec<Referrer>> {
    let sql = RECORDING_COLUMNS
        .iter()
        .map(|(object_type, table, name, column)| {
            format!(
                "SELECT '{object_type}' AS object_type, id, {name} AS name FROM {table} \
                 WHERE organization_id = ? AND {column} = ?"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let mut query = sqlx::query(AssertSqlSafe(format!(
        "{sql} ORDER BY object_type, name, id"
    )));
    for _ in RECORDING_COLUMNS {
        query = query.bind(org.to_string()).bind(id.to_owned());
    }
    let rows = query.fetch_all(&mut *conn).await.map_err(unavailable)?;
    rows.iter()
        .map(|row| {
            let raw = text(row, "object_type")?;
            let object_type = RECORDING_COLUMNS
                .iter()
                .map(|c| c.0)
                .find(|t| *t == raw)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown referrer type {raw:?}")))?;
            Ok(Referrer {
                object_type,
                id: text(row, "id")?,
                name: text(row, "name")?,
            })
        })
        .collect()
}

fn from_row(row: &AnyRow) -> StoreResult<Recording> {
    Ok(Recording {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        name: text(row, "name")?,
        format: enumerated(row, "format", AudioFormat::parse)?,
        size_bytes: big(row, "size_bytes")?,
        duration_ms: big(row, "duration_ms")?,
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

#[async_trait]
impl RecordingRepo for SqlStore {
    async fn create_recording(&self, r: &Recording, audit: &[AuditEntry]) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        sqlx::query(
            "INSERT INTO recordings (id, organization_id, name, format, size_bytes, duration_ms, \
             created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(r.id.to_string())
        .bind(r.organization_id.to_string())
        .bind(&r.name)
        .bind(r.format.as_str())
        .bind(r.size_bytes)
        .bind(r.duration_ms)
        .bind(r.created_at)
        .bind(r.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err("recording name"))?;
        commit_audited(tx, audit).await
    }

    async fn find_recording(&self, org: OrgId, id: RecordingId) -> StoreResult<Recording> {
        RECORDINGS.find(self, org, "id", id.to_string()).await
    }

    async fn rename_recording(&self, r: &Recording, audit: &[AuditEntry]) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "UPDATE recordings SET name = ?, updated_at = ? WHERE id = ? AND organization_id = ?",
        )
        .bind(&r.name)
        .bind(r.updated_at)
        .bind(r.id.to_string())
        .bind(r.organization_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_err("recording name"))?;
        commit_found(tx, done.rows_affected(), audit).await
    }

    async fn delete_recording(
        &self,
        org: OrgId,
        id: RecordingId,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let id = id.to_string();
        let mut tx = begin_write(self).await?;
        if !exists_in_org(&mut tx, "recordings", org, &id).await? {
            return Err(StoreError::NotFound);
        }
        let users = recording_users(&mut tx, org, &id).await?;
        if !users.is_empty() {
            return Err(StoreError::InUse(users));
        }
        delete_in_org(&mut tx, "recordings", org, &id).await?;
        commit_audited(tx, audit).await
    }

    async fn recording_references(
        &self,
        org: OrgId,
        id: RecordingId,
    ) -> StoreResult<Vec<Referrer>> {
        let mut conn = self.pool().acquire().await.map_err(unavailable)?;
        recording_users(&mut conn, org, &id.to_string()).await
    }

    async fn list_recordings(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Recording>> {
        RECORDINGS.page(self, org, filter, page).await
    }
}
