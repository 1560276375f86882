use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use super::jobs::insert_job;
use super::query::{
    Arg, Conditions, Table, begin_write, commit_audited, commit_found, delete_in_org,
    exists_in_org, fetch_page, insert_if_absent, placeholders,
};
use super::{SqlStore, big, bool_int, flag, int, opt_big, parsed, text, unavailable};
use crate::domain::ids::{ExtensionId, OrgId, VoicemailId};
use crate::domain::model::{AuditEntry, VoicemailMessage};
use crate::domain::now_ms;
use crate::ports::jobs::{Job, JobPayload};
use crate::ports::store::{Page, PageRequest, StoreError, StoreResult};
use crate::ports::voicemail::{VoicemailFilter, VoicemailRepo};

const TABLE: &str = "voicemail_messages";
/// What a new message is written with; the copy job fills in the rest.
const INSERT_COLUMNS: &str = "id, organization_id, extension_id, call_sid, from_number, \
     recording_url, duration_seconds, heard, created_at";
const COLUMNS: &str = "id, organization_id, extension_id, call_sid, from_number, recording_url, \
     duration_seconds, heard, created_at, audio_stored_at, emailed_at";
const NEWEST_FIRST: &str = "created_at DESC, id DESC";

const MESSAGES: Table<VoicemailMessage> = Table {
    from: TABLE,
    columns: COLUMNS,
    searched: &[],
    order_by: NEWEST_FIRST,
    from_row,
};

fn from_row(row: &AnyRow) -> StoreResult<VoicemailMessage> {
    Ok(VoicemailMessage {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        extension_id: parsed(row, "extension_id")?,
        call_sid: text(row, "call_sid")?,
        from_number: text(row, "from_number")?,
        recording_url: text(row, "recording_url")?,
        duration_seconds: int(row, "duration_seconds")?,
        heard: flag(row, "heard")?,
        created_at: big(row, "created_at")?,
        audio_stored_at: opt_big(row, "audio_stored_at")?,
        emailed_at: opt_big(row, "emailed_at")?,
    })
}

#[async_trait]
impl VoicemailRepo for SqlStore {
    async fn create_voicemail(&self, message: &VoicemailMessage) -> StoreResult<bool> {
        let mut tx = begin_write(self).await?;
        // The foreign key only proves the mailbox exists, not that it is this tenant's.
        let extension = message.extension_id.to_string();
        if !exists_in_org(&mut tx, "extensions", message.organization_id, &extension).await? {
            return Err(StoreError::NotFound);
        }
        sqlx::query(insert_if_absent(
            self.dialect(),
            TABLE,
            INSERT_COLUMNS,
            "id",
        ))
        .bind(message.id.to_string())
        .bind(message.organization_id.to_string())
        .bind(&extension)
        .bind(&message.call_sid)
        .bind(&message.from_number)
        .bind(&message.recording_url)
        .bind(message.duration_seconds)
        .bind(bool_int(message.heard))
        .bind(message.created_at)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        let stored = sqlx::query(
            "SELECT id FROM voicemail_messages \
             WHERE organization_id = ? AND call_sid = ? AND extension_id = ?",
        )
        .bind(message.organization_id.to_string())
        .bind(&message.call_sid)
        .bind(&extension)
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?
        .ok_or(StoreError::NotFound)?;
        let new = parsed::<VoicemailId>(&stored, "id")? == message.id;
        if new {
            // The outbox: the copy job commits with the message or not at all.
            let copy = JobPayload::CopyVoicemail {
                voicemail_id: message.id,
            };
            insert_job(&mut tx, &Job::new(message.organization_id, copy, now_ms())).await?;
        }
        tx.commit().await.map_err(unavailable)?;
        Ok(new)
    }

    async fn find_voicemail(&self, org: OrgId, id: VoicemailId) -> StoreResult<VoicemailMessage> {
        MESSAGES.find(self, org, "id", id.to_string()).await
    }

    async fn list_voicemail_for_extension(
        &self,
        org: OrgId,
        extension: ExtensionId,
        page: PageRequest,
    ) -> StoreResult<Page<VoicemailMessage>> {
        let filter = VoicemailFilter {
            extensions: Some(vec![extension]),
            ..VoicemailFilter::default()
        };
        self.list_voicemail(org, &filter, page).await
    }

    async fn list_voicemail(
        &self,
        org: OrgId,
        filter: &VoicemailFilter,
        page: PageRequest,
    ) -> StoreResult<Page<VoicemailMessage>> {
        let mut conditions = Conditions::of_org(org);
        if let Some(ids) = &filter.extensions {
            conditions.and(
                match ids.len() {
                    0 => "1 = 0".to_owned(),
                    n => format!("extension_id IN ({})", placeholders(n)),
                },
                ids.iter().map(|id| Arg::from(id.to_string())),
            );
        }
        conditions.and_some("heard = ?", filter.heard.map(|h| i64::from(bool_int(h))));
        fetch_page(
            self,
            TABLE,
            COLUMNS,
            &conditions,
            NEWEST_FIRST,
            page,
            from_row,
        )
        .await
    }

    async fn set_voicemail_heard(
        &self,
        org: OrgId,
        id: VoicemailId,
        heard: bool,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "UPDATE voicemail_messages SET heard = ? WHERE organization_id = ? AND id = ?",
        )
        .bind(bool_int(heard))
        .bind(org.to_string())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        commit_found(tx, done.rows_affected(), audit).await
    }

    async fn mark_voicemail_audio_stored(
        &self,
        org: OrgId,
        id: VoicemailId,
        at: i64,
    ) -> StoreResult<()> {
        self.stamp(org, id, "audio_stored_at", at).await
    }

    async fn mark_voicemail_emailed(
        &self,
        org: OrgId,
        id: VoicemailId,
        at: i64,
    ) -> StoreResult<()> {
        self.stamp(org, id, "emailed_at", at).await
    }

    async fn delete_voicemail(
        &self,
        org: OrgId,
        id: VoicemailId,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        delete_in_org(&mut tx, TABLE, org, &id.to_string()).await?;
        commit_audited(tx, audit).await
    }

    async fn count_unheard_voicemail(
        &self,
        org: OrgId,
        extension: ExtensionId,
    ) -> StoreResult<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM voicemail_messages \
             WHERE organization_id = ? AND extension_id = ? AND heard = 0",
        )
        .bind(org.to_string())
        .bind(extension.to_string())
        .fetch_one(self.pool())
        .await
        .map_err(unavailable)?;
        big(&row, "n")
    }
}

impl SqlStore {
    /// Sets the time column `column` of a message (`NotFound` when the message is gone).
    async fn stamp(
        &self,
        org: OrgId,
        id: VoicemailId,
        column: &'static str,
        at: i64,
    ) -> StoreResult<()> {
        let sql = format!("UPDATE {TABLE} SET {column} = ? WHERE organization_id = ? AND id = ?");
        let done = sqlx::query(AssertSqlSafe(sql))
            .bind(at)
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
