use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::jobs::{insert_job, mark_extension_pending};
use super::query::{Table, begin_write, commit_audited, delete_unreferenced_in, exists_in_org};
use super::{
    SqlStore, big, bool_int, destination_columns, enumerated, flag, int, map_err, opt_destination,
    opt_parsed, opt_text, parsed, text, unavailable,
};
use crate::domain::destination::DestinationKind;
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::{ExtensionId, OrgId, UserId};
use crate::domain::model::{AuditEntry, Extension, Status};
use crate::domain::now_ms;
use crate::ports::extensions::ExtensionRepo;
use crate::ports::jobs::{Job, JobPayload};
use crate::ports::store::{ListFilter, Page, PageRequest, StoreError, StoreResult};

/// Qualified so that queries joining extensions to other tables can use them too.
pub(super) const COLUMNS: &str = "e.id, e.organization_id, e.number, e.display_name, e.user_id, \
     e.sip_password_enc, e.status, e.do_not_disturb, e.forward_type, e.forward_ref, \
     e.no_answer_timeout, e.no_answer_type, e.no_answer_ref, e.voicemail_enabled, \
     e.voicemail_greeting, e.voicemail_greeting_recording_id, e.voicemail_email, \
     e.cloudonix_subscriber_id, e.created_at, e.updated_at";

/// Extension numbers are text of 2–8 digits; ordering by length first sorts them as numbers.
const NUMBER_ORDER: &str = "LENGTH(e.number), e.number, e.id";

const EXTENSIONS: Table<Extension> = Table {
    from: "extensions e",
    columns: COLUMNS,
    searched: &["e.number", "e.display_name"],
    order_by: NUMBER_ORDER,
    from_row,
};

pub(super) fn from_row(row: &AnyRow) -> StoreResult<Extension> {
    Ok(Extension {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        number: parsed(row, "number")?,
        display_name: text(row, "display_name")?,
        user_id: opt_parsed(row, "user_id")?,
        sip_password_enc: text(row, "sip_password_enc")?,
        status: enumerated(row, "status", Status::parse)?,
        do_not_disturb: flag(row, "do_not_disturb")?,
        forward_always: opt_destination(row, "forward")?,
        no_answer_timeout: int(row, "no_answer_timeout")?,
        no_answer: opt_destination(row, "no_answer")?,
        voicemail_enabled: flag(row, "voicemail_enabled")?,
        voicemail_greeting: opt_text(row, "voicemail_greeting")?,
        voicemail_greeting_recording_id: opt_parsed(row, "voicemail_greeting_recording_id")?,
        voicemail_email: opt_text(row, "voicemail_email")?,
        cloudonix_subscriber_id: opt_text(row, "cloudonix_subscriber_id")?,
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

/// Records, in the change's transaction, that Cloudonix's subscriber must follow the extension
/// (the outbox: the job commits with the change or not at all).
async fn sync_in(conn: &mut AnyConnection, ext: &Extension) -> StoreResult<()> {
    let org = ext.organization_id;
    let job = Job::new(
        org,
        JobPayload::SyncExtension {
            extension_id: ext.id,
        },
        now_ms(),
    );
    insert_job(conn, &job).await?;
    mark_extension_pending(conn, org, ext.id, job.id).await
}

/// A user linked to an extension must belong to the extension's organization.
async fn check_user(conn: &mut AnyConnection, ext: &Extension) -> StoreResult<()> {
    match ext.user_id {
        Some(user)
            if !exists_in_org(conn, "users", ext.organization_id, &user.to_string()).await? =>
        {
            Err(StoreError::NotFound)
        }
        _ => Ok(()),
    }
}

#[async_trait]
impl ExtensionRepo for SqlStore {
    async fn create_extension(&self, ext: &Extension, audit: &[AuditEntry]) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        check_user(&mut tx, ext).await?;
        let (forward_type, forward_ref) = destination_columns(ext.forward_always.as_ref());
        let (no_answer_type, no_answer_ref) = destination_columns(ext.no_answer.as_ref());
        sqlx::query(
            "INSERT INTO extensions (id, organization_id, number, display_name, user_id, \
             sip_password_enc, status, do_not_disturb, forward_type, forward_ref, \
             no_answer_timeout, no_answer_type, no_answer_ref, voicemail_enabled, \
             voicemail_greeting, voicemail_greeting_recording_id, voicemail_email, \
             cloudonix_subscriber_id, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(ext.id.to_string())
        .bind(ext.organization_id.to_string())
        .bind(ext.number.as_str())
        .bind(&ext.display_name)
        .bind(ext.user_id.map(|u| u.to_string()))
        .bind(&ext.sip_password_enc)
        .bind(ext.status.as_str())
        .bind(bool_int(ext.do_not_disturb))
        .bind(forward_type)
        .bind(forward_ref)
        .bind(ext.no_answer_timeout)
        .bind(no_answer_type)
        .bind(no_answer_ref)
        .bind(bool_int(ext.voicemail_enabled))
        .bind(&ext.voicemail_greeting)
        .bind(ext.voicemail_greeting_recording_id.map(|id| id.to_string()))
        .bind(&ext.voicemail_email)
        .bind(&ext.cloudonix_subscriber_id)
        .bind(ext.created_at)
        .bind(ext.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err("extension number"))?;
        sync_in(&mut tx, ext).await?;
        commit_audited(tx, audit).await
    }

    async fn find_extension(&self, org: OrgId, id: ExtensionId) -> StoreResult<Extension> {
        EXTENSIONS.find(self, org, "e.id", id.to_string()).await
    }

    async fn find_extension_by_number(
        &self,
        org: OrgId,
        number: &ExtensionNumber,
    ) -> StoreResult<Extension> {
        EXTENSIONS
            .find(self, org, "e.number", number.as_str().to_owned())
            .await
    }

    async fn extensions_of_user(&self, org: OrgId, user: UserId) -> StoreResult<Vec<Extension>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM extensions e WHERE e.organization_id = ? AND e.user_id = ? \
             ORDER BY {NUMBER_ORDER}"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(org.to_string())
            .bind(user.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?
            .iter()
            .map(from_row)
            .collect()
    }

    async fn update_extension(&self, ext: &Extension, audit: &[AuditEntry]) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        check_user(&mut tx, ext).await?;
        let before = sqlx::query(
            "SELECT number, sip_password_enc, status FROM extensions \
             WHERE id = ? AND organization_id = ?",
        )
        .bind(ext.id.to_string())
        .bind(ext.organization_id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?
        .ok_or(StoreError::NotFound)?;
        // What Cloudonix's subscriber carries; call handling is OpBX's alone.
        let cloudonix_changed = text(&before, "number")? != ext.number.as_str()
            || text(&before, "sip_password_enc")? != ext.sip_password_enc
            || text(&before, "status")? != ext.status.as_str();
        let (forward_type, forward_ref) = destination_columns(ext.forward_always.as_ref());
        let (no_answer_type, no_answer_ref) = destination_columns(ext.no_answer.as_ref());
        let done = sqlx::query(
            "UPDATE extensions SET number = ?, display_name = ?, user_id = ?, \
             sip_password_enc = ?, status = ?, do_not_disturb = ?, forward_type = ?, \
             forward_ref = ?, no_answer_timeout = ?, no_answer_type = ?, no_answer_ref = ?, \
             voicemail_enabled = ?, voicemail_greeting = ?, \
             voicemail_greeting_recording_id = ?, voicemail_email = ?, updated_at = ? \
             WHERE id = ? AND organization_id = ?",
        )
        .bind(ext.number.as_str())
        .bind(&ext.display_name)
        .bind(ext.user_id.map(|u| u.to_string()))
        .bind(&ext.sip_password_enc)
        .bind(ext.status.as_str())
        .bind(bool_int(ext.do_not_disturb))
        .bind(forward_type)
        .bind(forward_ref)
        .bind(ext.no_answer_timeout)
        .bind(no_answer_type)
        .bind(no_answer_ref)
        .bind(bool_int(ext.voicemail_enabled))
        .bind(&ext.voicemail_greeting)
        .bind(ext.voicemail_greeting_recording_id.map(|id| id.to_string()))
        .bind(&ext.voicemail_email)
        .bind(ext.updated_at)
        .bind(ext.id.to_string())
        .bind(ext.organization_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_err("extension number"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if cloudonix_changed {
            sync_in(&mut tx, ext).await?;
        }
        commit_audited(tx, audit).await
    }

    async fn delete_extension(
        &self,
        org: OrgId,
        id: ExtensionId,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let row = sqlx::query(
            "SELECT number, cloudonix_subscriber_id FROM extensions \
             WHERE id = ? AND organization_id = ?",
        )
        .bind(id.to_string())
        .bind(org.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?
        .ok_or(StoreError::NotFound)?;
        let payload = JobPayload::DeleteSubscriber {
            extension_id: id,
            number: text(&row, "number")?,
            subscriber_id: opt_text(&row, "cloudonix_subscriber_id")?,
        };
        delete_unreferenced_in(
            &mut tx,
            "extensions",
            DestinationKind::Extension,
            org,
            &id.to_string(),
        )
        .await?;
        insert_job(&mut tx, &Job::new(org, payload, now_ms())).await?;
        commit_audited(tx, audit).await
    }

    async fn list_extensions(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Extension>> {
        EXTENSIONS.page(self, org, filter, page).await
    }
}
