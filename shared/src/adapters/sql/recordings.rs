use async_trait::async_trait;
use sqlx::any::AnyRow;

use super::query::{Table, begin_write, delete_in_org, exists_in_org};
use super::{SqlStore, big, enumerated, map_err, parsed, text, unavailable};
use crate::domain::audio::AudioFormat;
use crate::domain::ids::{OrgId, RecordingId};
use crate::domain::model::Recording;
use crate::ports::recordings::RecordingRepo;
use crate::ports::store::{ListFilter, Page, PageRequest, Referrer, StoreError, StoreResult};

const RECORDINGS: Table<Recording> = Table {
    from: "recordings",
    columns: "id, organization_id, name, format, size_bytes, duration_ms, created_at, updated_at",
    searched: &["name"],
    order_by: "name, id",
    from_row,
};

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
    async fn create_recording(&self, r: &Recording) -> StoreResult<()> {
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
        .execute(self.pool())
        .await
        .map_err(map_err("recording name"))?;
        Ok(())
    }

    async fn find_recording(&self, org: OrgId, id: RecordingId) -> StoreResult<Recording> {
        RECORDINGS.find(self, org, "id", id.to_string()).await
    }

    async fn rename_recording(&self, r: &Recording) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE recordings SET name = ?, updated_at = ? WHERE id = ? AND organization_id = ?",
        )
        .bind(&r.name)
        .bind(r.updated_at)
        .bind(r.id.to_string())
        .bind(r.organization_id.to_string())
        .execute(self.pool())
        .await
        .map_err(map_err("recording name"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_recording(&self, org: OrgId, id: RecordingId) -> StoreResult<()> {
        let id = id.to_string();
        let mut tx = begin_write(self).await?;
        if !exists_in_org(&mut tx, "recordings", org, &id).await? {
            return Err(StoreError::NotFound);
        }
        let users = sqlx::query(
            "SELECT id, name FROM ivr_menus WHERE organization_id = ? AND prompt_recording_id = ? \
             ORDER BY name, id",
        )
        .bind(org.to_string())
        .bind(id.clone())
        .fetch_all(&mut *tx)
        .await
        .map_err(unavailable)?
        .iter()
        .map(|row| {
            Ok(Referrer {
                object_type: "ivr_menu",
                id: text(row, "id")?,
                name: text(row, "name")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        if !users.is_empty() {
            return Err(StoreError::InUse(users));
        }
        delete_in_org(&mut tx, "recordings", org, &id).await?;
        tx.commit().await.map_err(unavailable)
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
