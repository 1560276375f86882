use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::query::{Table, begin_write, commit_audited, commit_found, delete_in_org};
use super::{SqlStore, big, enumerated, map_err, opt_big, parsed, text, unavailable};
use crate::domain::ids::{OrgId, TokenId, UserId};
use crate::domain::model::{ApiToken, AuditEntry, Role, Status, User};
use crate::ports::store::{ListFilter, Page, PageRequest, StoreError, StoreResult};
use crate::ports::users::{ApiTokenRepo, UserRepo};

const COLUMNS: &str =
    "id, organization_id, email, name, password_hash, role, status, created_at, updated_at";

const TOKEN_COLUMNS: &str =
    "id, organization_id, user_id, token_hash, created_at, expires_at, revoked_at";

fn from_row(row: &AnyRow) -> StoreResult<User> {
    Ok(User {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        email: text(row, "email")?,
        name: text(row, "name")?,
        password_hash: text(row, "password_hash")?,
        role: enumerated(row, "role", Role::parse)?,
        status: enumerated(row, "status", Status::parse)?,
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

const USERS: Table<User> = Table {
    from: "users",
    columns: COLUMNS,
    searched: &["email", "name"],
    order_by: "email, id",
    from_row,
};

fn token_from_row(row: &AnyRow) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        user_id: parsed(row, "user_id")?,
        token_hash: text(row, "token_hash")?,
        created_at: big(row, "created_at")?,
        expires_at: big(row, "expires_at")?,
        revoked_at: opt_big(row, "revoked_at")?,
    })
}

/// Inserts `user` on `conn` (so an accepted invitation creates it in the link's transaction).
pub(super) async fn insert_user(conn: &mut AnyConnection, user: &User) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO users (id, organization_id, email, name, password_hash, role, status, \
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(user.id.to_string())
    .bind(user.organization_id.to_string())
    .bind(&user.email)
    .bind(&user.name)
    .bind(&user.password_hash)
    .bind(user.role.as_str())
    .bind(user.status.as_str())
    .bind(user.created_at)
    .bind(user.updated_at)
    .execute(conn)
    .await
    .map_err(map_err("email"))?;
    Ok(())
}

#[async_trait]
impl UserRepo for SqlStore {
    async fn create_user(&self, user: &User, audit: &[AuditEntry]) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        insert_user(&mut tx, user).await?;
        commit_audited(tx, audit).await
    }

    async fn find_user(&self, org: OrgId, id: UserId) -> StoreResult<User> {
        USERS.find(self, org, "id", id.to_string()).await
    }

    async fn find_user_by_email(&self, org: OrgId, email: &str) -> StoreResult<User> {
        USERS.find(self, org, "email", email.to_owned()).await
    }

    async fn find_users_by_email(&self, email: &str) -> StoreResult<Vec<User>> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE email = ? ORDER BY created_at, id");
        sqlx::query(AssertSqlSafe(sql))
            .bind(email.to_owned())
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?
            .iter()
            .map(from_row)
            .collect()
    }

    async fn update_user(&self, user: &User, audit: &[AuditEntry]) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "UPDATE users SET email = ?, name = ?, password_hash = ?, role = ?, status = ?, \
             updated_at = ? WHERE id = ? AND organization_id = ?",
        )
        .bind(&user.email)
        .bind(&user.name)
        .bind(&user.password_hash)
        .bind(user.role.as_str())
        .bind(user.status.as_str())
        .bind(user.updated_at)
        .bind(user.id.to_string())
        .bind(user.organization_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_err("email"))?;
        commit_found(tx, done.rows_affected(), audit).await
    }

    async fn delete_user(&self, org: OrgId, id: UserId, audit: &AuditEntry) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        delete_in_org(&mut tx, "users", org, &id.to_string()).await?;
        commit_audited(tx, std::slice::from_ref(audit)).await
    }

    async fn list_users(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<User>> {
        USERS.page(self, org, filter, page).await
    }

    async fn count_active_users_with_role(&self, org: OrgId, role: Role) -> StoreResult<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM users WHERE organization_id = ? AND role = ? AND status = ?",
        )
        .bind(org.to_string())
        .bind(role.as_str())
        .bind(Status::Active.as_str())
        .fetch_one(self.pool())
        .await
        .map_err(unavailable)?;
        big(&row, "n")
    }
}

#[async_trait]
impl ApiTokenRepo for SqlStore {
    async fn create_api_token(&self, token: &ApiToken, audit: &[AuditEntry]) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        // Selecting the user row inserts nothing when the user is in another organization.
        let done = sqlx::query(
            "INSERT INTO api_tokens (id, organization_id, user_id, token_hash, created_at, \
             expires_at, revoked_at) \
             SELECT ?, organization_id, id, ?, ?, ?, ? FROM users \
             WHERE id = ? AND organization_id = ?",
        )
        .bind(token.id.to_string())
        .bind(&token.token_hash)
        .bind(token.created_at)
        .bind(token.expires_at)
        .bind(token.revoked_at)
        .bind(token.user_id.to_string())
        .bind(token.organization_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_err("api token"))?;
        commit_found(tx, done.rows_affected(), audit).await
    }

    async fn find_api_token_by_hash(&self, token_hash: &str) -> StoreResult<ApiToken> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = ?");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(token_hash.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound)?;
        token_from_row(&row)
    }

    async fn revoke_api_token(
        &self,
        org: OrgId,
        id: TokenId,
        at: i64,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) \
             WHERE id = ? AND organization_id = ?",
        )
        .bind(at)
        .bind(id.to_string())
        .bind(org.to_string())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        commit_found(tx, done.rows_affected(), audit).await
    }

    async fn revoke_user_api_tokens(&self, org: OrgId, user: UserId, at: i64) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = ? \
             WHERE user_id = ? AND organization_id = ? AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(user.to_string())
        .bind(org.to_string())
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected())
    }

    async fn revoke_other_api_tokens(
        &self,
        org: OrgId,
        user: UserId,
        keep: TokenId,
        at: i64,
    ) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = ? \
             WHERE user_id = ? AND organization_id = ? AND id <> ? AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(user.to_string())
        .bind(org.to_string())
        .bind(keep.to_string())
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected())
    }
}
