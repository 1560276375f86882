use async_trait::async_trait;
use sqlx::any::AnyRow;

use super::query::{Table, begin_write, commit_audited, commit_found, delete_unreferenced};
use super::{
    SqlStore, big, destination, destination_columns, map_err, opt_parsed, opt_text, parsed, text,
};
use crate::domain::destination::DestinationKind;
use crate::domain::ids::{AnnouncementId, OrgId};
use crate::domain::model::{Announcement, AuditEntry};
use crate::ports::announcements::AnnouncementRepo;
use crate::ports::store::{ListFilter, Page, PageRequest, StoreResult};

const NAME: &str = "announcement name";

const ANNOUNCEMENTS: Table<Announcement> = Table {
    from: "announcements",
    columns: "id, organization_id, name, recording_id, speech_text, voice, next_type, next_ref, \
              created_at, updated_at",
    searched: &["name"],
    order_by: "name, id",
    from_row,
};

fn from_row(row: &AnyRow) -> StoreResult<Announcement> {
    Ok(Announcement {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        name: text(row, "name")?,
        recording_id: opt_parsed(row, "recording_id")?,
        text: opt_text(row, "speech_text")?,
        voice: opt_text(row, "voice")?,
        next: destination(row, "next")?,
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

#[async_trait]
impl AnnouncementRepo for SqlStore {
    async fn create_announcement(&self, a: &Announcement, audit: &[AuditEntry]) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let (next_type, next_ref) = destination_columns(Some(&a.next));
        sqlx::query(
            "INSERT INTO announcements (id, organization_id, name, recording_id, speech_text, \
             voice, next_type, next_ref, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(a.id.to_string())
        .bind(a.organization_id.to_string())
        .bind(&a.name)
        .bind(a.recording_id.map(|id| id.to_string()))
        .bind(a.text.as_deref())
        .bind(a.voice.as_deref())
        .bind(next_type)
        .bind(next_ref)
        .bind(a.created_at)
        .bind(a.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err(NAME))?;
        commit_audited(tx, audit).await
    }

    async fn find_announcement(&self, org: OrgId, id: AnnouncementId) -> StoreResult<Announcement> {
        ANNOUNCEMENTS.find(self, org, "id", id.to_string()).await
    }

    async fn update_announcement(&self, a: &Announcement, audit: &[AuditEntry]) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let (next_type, next_ref) = destination_columns(Some(&a.next));
        let done = sqlx::query(
            "UPDATE announcements SET name = ?, recording_id = ?, speech_text = ?, voice = ?, \
             next_type = ?, next_ref = ?, updated_at = ? WHERE id = ? AND organization_id = ?",
        )
        .bind(&a.name)
        .bind(a.recording_id.map(|id| id.to_string()))
        .bind(a.text.as_deref())
        .bind(a.voice.as_deref())
        .bind(next_type)
        .bind(next_ref)
        .bind(a.updated_at)
        .bind(a.id.to_string())
        .bind(a.organization_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_err(NAME))?;
        commit_found(tx, done.rows_affected(), audit).await
    }

    async fn delete_announcement(
        &self,
        org: OrgId,
        id: AnnouncementId,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        delete_unreferenced(
            self,
            "announcements",
            DestinationKind::Announcement,
            org,
            &id.to_string(),
            audit,
        )
        .await
    }

    async fn list_announcements(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Announcement>> {
        ANNOUNCEMENTS.page(self, org, filter, page).await
    }
}
