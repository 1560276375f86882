use async_trait::async_trait;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::audit_log::insert_audit;
use super::query::{
    Arg, Conditions, begin_write, commit_audited, fetch_page, fetch_where, placeholders,
};
use super::users::insert_user;
use super::{SqlStore, big, enumerated, map_err, opt_big, parsed, text, unavailable};
use crate::domain::accounts::{AccountLink, LinkPurpose};
use crate::domain::ids::{AccountLinkId, OrgId, UserId};
use crate::domain::model::{AuditEntry, Role, User};
use crate::ports::account_links::AccountLinkRepo;
use crate::ports::store::{Page, PageRequest, StoreError, StoreResult};

const COLUMNS: &str = "id, organization_id, purpose, email, role, invited_by, token_hash, \
     created_at, expires_at, used_at";

fn from_row(row: &AnyRow) -> StoreResult<AccountLink> {
    let role = match super::opt_text(row, "role")? {
        Some(r) => Some(
            Role::parse(&r).ok_or_else(|| StoreError::Corrupt(format!("column role: {r:?}")))?,
        ),
        None => None,
    };
    Ok(AccountLink {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        purpose: enumerated(row, "purpose", LinkPurpose::parse)?,
        email: text(row, "email")?,
        role,
        invited_by: super::opt_text(row, "invited_by")?,
        token_hash: text(row, "token_hash")?,
        created_at: big(row, "created_at")?,
        expires_at: big(row, "expires_at")?,
        used_at: opt_big(row, "used_at")?,
    })
}

/// Inserts `link` on `conn` (an organization's creation inserts its owner's invitation).
pub(super) async fn insert_link(conn: &mut AnyConnection, link: &AccountLink) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO account_links (id, organization_id, purpose, email, role, invited_by, \
         token_hash, created_at, expires_at, used_at) \
         SELECT ?, id, ?, ?, ?, ?, ?, ?, ?, ? FROM organizations WHERE id = ?",
    )
    .bind(link.id.to_string())
    .bind(link.purpose.as_str())
    .bind(&link.email)
    .bind(link.role.map(Role::as_str))
    .bind(link.invited_by.as_deref())
    .bind(&link.token_hash)
    .bind(link.created_at)
    .bind(link.expires_at)
    .bind(link.used_at)
    .bind(link.organization_id.to_string())
    .execute(&mut *conn)
    .await
    .map_err(map_err("account link"))
    .and_then(|done| match done.rows_affected() {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    })
}

/// Spends `link` for `purpose` in its organization at `at`: `NotFound` unless it was unused,
/// unexpired and of that purpose. The condition and the write are one statement, so of two
/// racing requests exactly one gets the link.
async fn spend(
    conn: &mut AnyConnection,
    link: &AccountLink,
    purpose: LinkPurpose,
    org: OrgId,
    at: i64,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE account_links SET used_at = ? WHERE id = ? AND organization_id = ? \
         AND purpose = ? AND used_at IS NULL AND expires_at > ?",
    )
    .bind(at)
    .bind(link.id.to_string())
    .bind(org.to_string())
    .bind(purpose.as_str())
    .bind(at)
    .execute(conn)
    .await
    .map_err(unavailable)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The pending invitations of `org` at `now`: unused, unexpired.
fn pending(org: OrgId, now: i64) -> Conditions {
    let mut conditions = Conditions::of_org(org);
    conditions.and(
        "purpose = ? AND used_at IS NULL AND expires_at > ?",
        [Arg::from(LinkPurpose::Invitation.as_str()), Arg::from(now)],
    );
    conditions
}

#[async_trait]
impl AccountLinkRepo for SqlStore {
    async fn create_account_link(
        &self,
        link: &AccountLink,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        insert_link(&mut tx, link).await?;
        commit_audited(tx, audit).await
    }

    async fn find_account_link_by_hash(&self, token_hash: &str) -> StoreResult<AccountLink> {
        let sql = format!("SELECT {COLUMNS} FROM account_links WHERE token_hash = ?");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(token_hash.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    async fn list_pending_invitations(
        &self,
        org: OrgId,
        roles: &[Role],
        now: i64,
        page: PageRequest,
    ) -> StoreResult<Page<AccountLink>> {
        let mut conditions = pending(org, now);
        conditions.and(
            format!("role IN ({})", placeholders(roles.len())),
            roles.iter().map(|r| Arg::from(r.as_str())),
        );
        fetch_page(
            self,
            "account_links",
            COLUMNS,
            &conditions,
            "created_at DESC, id",
            page,
            from_row,
        )
        .await
    }

    async fn find_pending_invitation(
        &self,
        org: OrgId,
        id: AccountLinkId,
        now: i64,
    ) -> StoreResult<AccountLink> {
        let mut conditions = pending(org, now);
        conditions.and("id = ?", [Arg::from(id.to_string())]);
        let select = format!("SELECT {COLUMNS} FROM account_links");
        let rows = fetch_where(self, &select, &conditions, "").await?;
        from_row(rows.first().ok_or(StoreError::NotFound)?)
    }

    async fn revoke_invitation(
        &self,
        org: OrgId,
        id: AccountLinkId,
        replacement: Option<&AccountLink>,
        audit: &AuditEntry,
        at: i64,
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "DELETE FROM account_links WHERE id = ? AND organization_id = ? AND purpose = ? \
             AND used_at IS NULL AND expires_at > ?",
        )
        .bind(id.to_string())
        .bind(org.to_string())
        .bind(LinkPurpose::Invitation.as_str())
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if let Some(link) = replacement {
            insert_link(&mut tx, link).await?;
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn accept_invitation(
        &self,
        link: &AccountLink,
        user: &User,
        audit: &AuditEntry,
        at: i64,
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        spend(
            &mut tx,
            link,
            LinkPurpose::Invitation,
            user.organization_id,
            at,
        )
        .await?;
        insert_user(&mut tx, user).await?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn reset_password(
        &self,
        link: &AccountLink,
        org: OrgId,
        user: UserId,
        password_hash: &str,
        audit: &AuditEntry,
        at: i64,
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        spend(&mut tx, link, LinkPurpose::PasswordReset, org, at).await?;
        let done = sqlx::query(
            "UPDATE users SET password_hash = ?, updated_at = ? \
             WHERE id = ? AND organization_id = ?",
        )
        .bind(password_hash.to_owned())
        .bind(at)
        .bind(user.to_string())
        .bind(org.to_string())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = ? \
             WHERE user_id = ? AND organization_id = ? AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(user.to_string())
        .bind(org.to_string())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(unavailable)
    }
}
