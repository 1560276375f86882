use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::query::{Table, delete_unreferenced, exists_in_org};
use super::{
    SqlStore, big, bool_int, destination_columns, enumerated, flag, int, map_err, opt_destination,
    opt_parsed, opt_text, parsed, text, unavailable,
};
use crate::domain::destination::DestinationKind;
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::{ExtensionId, OrgId, UserId};
use crate::domain::model::{Extension, Status};
use crate::ports::extensions::ExtensionRepo;
use crate::ports::store::{ListFilter, Page, PageRequest, StoreError, StoreResult};

/// Qualified so that queries joining extensions to other tables can use them too.
pub(super) const COLUMNS: &str = "e.id, e.organization_id, e.number, e.display_name, e.user_id, \
     e.sip_password_enc, e.status, e.do_not_disturb, e.forward_type, e.forward_ref, \
     e.no_answer_timeout, e.no_answer_type, e.no_answer_ref, e.voicemail_enabled, \
     e.voicemail_greeting, e.cloudonix_subscriber_id, e.created_at, e.updated_at";

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
        cloudonix_subscriber_id: opt_text(row, "cloudonix_subscriber_id")?,
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
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
    async fn create_extension(&self, ext: &Extension) -> StoreResult<()> {
        let mut conn = self.pool().acquire().await.map_err(unavailable)?;
        check_user(&mut conn, ext).await?;
        let (forward_type, forward_ref) = destination_columns(ext.forward_always.as_ref());
        let (no_answer_type, no_answer_ref) = destination_columns(ext.no_answer.as_ref());
        sqlx::query(
            "INSERT INTO extensions (id, organization_id, number, display_name, user_id, \
             sip_password_enc, status, do_not_disturb, forward_type, forward_ref, \
             no_answer_timeout, no_answer_type, no_answer_ref, voicemail_enabled, \
             voicemail_greeting, cloudonix_subscriber_id, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        .bind(&ext.cloudonix_subscriber_id)
        .bind(ext.created_at)
        .bind(ext.updated_at)
        .execute(&mut *conn)
        .await
        .map_err(map_err("extension number"))?;
        Ok(())
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

    async fn update_extension(&self, ext: &Extension) -> StoreResult<()> {
        let mut conn = self.pool().acquire().await.map_err(unavailable)?;
        check_user(&mut conn, ext).await?;
        let (forward_type, forward_ref) = destination_columns(ext.forward_always.as_ref());
        let (no_answer_type, no_answer_ref) = destination_columns(ext.no_answer.as_ref());
        let done = sqlx::query(
            "UPDATE extensions SET number = ?, display_name = ?, user_id = ?, \
             sip_password_enc = ?, status = ?, do_not_disturb = ?, forward_type = ?, \
             forward_ref = ?, no_answer_timeout = ?, no_answer_type = ?, no_answer_ref = ?, \
             voicemail_enabled = ?, voicemail_greeting = ?, cloudonix_subscriber_id = ?, \
             updated_at = ? \
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
        .bind(&ext.cloudonix_subscriber_id)
        .bind(ext.updated_at)
        .bind(ext.id.to_string())
        .bind(ext.organization_id.to_string())
        .execute(&mut *conn)
        .await
        .map_err(map_err("extension number"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn delete_extension(&self, org: OrgId, id: ExtensionId) -> StoreResult<()> {
        delete_unreferenced(
            self,
            "extensions",
            DestinationKind::Extension,
            org,
            &id.to_string(),
        )
        .await
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
