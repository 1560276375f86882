use async_trait::async_trait;

use super::store::{ListFilter, Page, PageRequest, StoreResult};
use crate::domain::ids::{OrgId, TokenId, UserId};
use crate::domain::model::{ApiToken, AuditEntry, Role, User};

#[async_trait]
pub trait UserRepo: Send + Sync {
    /// Saves the user with the `audit` entries in one transaction. Fails with
    /// `Conflict("email")` when the organization already has the email in any case.
    async fn create_user(&self, user: &User, audit: &[AuditEntry]) -> StoreResult<()>;
    async fn find_user(&self, org: OrgId, id: UserId) -> StoreResult<User>;
    /// Matches the email ignoring case.
    async fn find_user_by_email(&self, org: OrgId, email: &str) -> StoreResult<User>;
    /// For login, before the organization is known: every user with this email (ignoring case)
    /// in any organization, oldest first. Emails are unique per organization only.
    async fn find_users_by_email(&self, email: &str) -> StoreResult<Vec<User>>;
    /// Saves email, name, password hash, role and status with the `audit` entries in one
    /// transaction (neither without the other); same conflict as create.
    async fn update_user(&self, user: &User, audit: &[AuditEntry]) -> StoreResult<()>;
    /// Deletes the user with its `audit` entry in one transaction, and the user's API tokens
    /// too; extensions linked to the user stay, unlinked.
    async fn delete_user(&self, org: OrgId, id: UserId, audit: &AuditEntry) -> StoreResult<()>;
    /// `q` matches email or name; ordered by email.
    async fn list_users(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<User>>;
    /// How many active users hold `role`, so the last owner cannot be demoted or removed.
    async fn count_active_users_with_role(&self, org: OrgId, role: Role) -> StoreResult<i64>;
}

#[async_trait]
pub trait ApiTokenRepo: Send + Sync {
    /// Fails with `NotFound` when the token's user is not in the token's organization.
    async fn create_api_token(&self, token: &ApiToken, audit: &[AuditEntry]) -> StoreResult<()>;
    /// The token whatever its state: callers decide what expiry and revocation mean.
    async fn find_api_token_by_hash(&self, token_hash: &str) -> StoreResult<ApiToken>;
    /// Revoking an already revoked token keeps the first revocation time.
    async fn revoke_api_token(
        &self,
        org: OrgId,
        id: TokenId,
        at: i64,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// Revokes every token of the user not yet revoked; returns how many that was.
    async fn revoke_user_api_tokens(&self, org: OrgId, user: UserId, at: i64) -> StoreResult<u64>;
    /// Like `revoke_user_api_tokens` but spares `keep`, the session that asked (password change).
    async fn revoke_other_api_tokens(
        &self,
        org: OrgId,
        user: UserId,
        keep: TokenId,
        at: i64,
    ) -> StoreResult<u64>;
}
