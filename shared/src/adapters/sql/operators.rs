use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use super::platform::insert_platform_audit;
use super::query::begin_write;
use super::{SqlStore, big, enumerated, map_err, opt_big, parsed, text, unavailable};
use crate::domain::accounts::{Operator, OperatorToken, PlatformAuditEntry};
use crate::domain::ids::{OperatorId, OperatorTokenId};
use crate::domain::model::Status;
use crate::ports::operators::{OperatorRepo, OperatorTokenRepo};
use crate::ports::store::{StoreError, StoreResult};

const COLUMNS: &str = "id, email, name, password_hash, status, created_at, updated_at";
const TOKEN_COLUMNS: &str = "id, operator_id, token_hash, created_at, expires_at, revoked_at";

fn from_row(row: &AnyRow) -> StoreResult<Operator> {
    Ok(Operator {
        id: parsed(row, "id")?,
        email: text(row, "email")?,
        name: text(row, "name")?,
        password_hash: text(row, "password_hash")?,
        status: enumerated(row, "status", Status::parse)?,
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

fn token_from_row(row: &AnyRow) -> StoreResult<OperatorToken> {
    Ok(OperatorToken {
        id: parsed(row, "id")?,
        operator_id: parsed(row, "operator_id")?,
        token_hash: text(row, "token_hash")?,
        created_at: big(row, "created_at")?,
        expires_at: big(row, "expires_at")?,
        revoked_at: opt_big(row, "revoked_at")?,
    })
}

async fn find_one<T>(
    store: &SqlStore,
    sql: String,
    value: String,
    from_row: fn(&AnyRow) -> StoreResult<T>,
) -> StoreResult<T> {
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(value)
        .fetch_optional(store.pool())
        .await
        .map_err(unavailable)?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

#[async_trait]
impl OperatorRepo for SqlStore {
    async fn create_operator(
        &self,
        operator: &Operator,
        audit: &PlatformAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        sqlx::query(
            "INSERT INTO operators (id, email, name, password_hash, status, created_at, \
             updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(operator.id.to_string())
        .bind(&operator.email)
        .bind(&operator.name)
        .bind(&operator.password_hash)
        .bind(operator.status.as_str())
        .bind(operator.created_at)
        .bind(operator.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err("operator email"))?;
        insert_platform_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn find_operator(&self, id: OperatorId) -> StoreResult<Operator> {
        let sql = format!("SELECT {COLUMNS} FROM operators WHERE id = ?");
        find_one(self, sql, id.to_string(), from_row).await
    }

    async fn find_operator_by_email(&self, email: &str) -> StoreResult<Operator> {
        let sql = format!("SELECT {COLUMNS} FROM operators WHERE email = ?");
        find_one(self, sql, email.to_owned(), from_row).await
    }
}

#[async_trait]
impl OperatorTokenRepo for SqlStore {
    async fn create_operator_token(
        &self,
        token: &OperatorToken,
        audit: &PlatformAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        sqlx::query(
            "INSERT INTO operator_tokens (id, operator_id, token_hash, created_at, expires_at, \
             revoked_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(token.id.to_string())
        .bind(token.operator_id.to_string())
        .bind(&token.token_hash)
        .bind(token.created_at)
        .bind(token.expires_at)
        .bind(token.revoked_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err("operator token"))?;
        insert_platform_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(unavailable)
    }

    async fn find_operator_token_by_hash(&self, token_hash: &str) -> StoreResult<OperatorToken> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM operator_tokens WHERE token_hash = ?");
        find_one(self, sql, token_hash.to_owned(), token_from_row).await
    }

    async fn revoke_operator_token(
        &self,
        id: OperatorTokenId,
        at: i64,
        audit: &PlatformAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let done = sqlx::query(
            "UPDATE operator_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
        )
        .bind(at)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        insert_platform_audit(&mut tx, audit).await?;
        tx.commit().await.map_err(unavailable)
    }
}
