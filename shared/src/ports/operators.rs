//! Platform operators and their sessions (issue 12), apart from organization users.

use async_trait::async_trait;

use super::store::StoreResult;
use crate::domain::accounts::{Operator, OperatorToken, PlatformAuditEntry};
use crate::domain::ids::{OperatorId, OperatorTokenId};

#[async_trait]
pub trait OperatorRepo: Send + Sync {
    /// Creates the operator and writes `audit` in one transaction (neither without the other).
    /// Fails with `Conflict("operator email")` when an operator has the email in any case.
    async fn create_operator(
        &self,
        operator: &Operator,
        audit: &PlatformAuditEntry,
    ) -> StoreResult<()>;
    async fn find_operator(&self, id: OperatorId) -> StoreResult<Operator>;
    /// Matches the email ignoring case.
    async fn find_operator_by_email(&self, email: &str) -> StoreResult<Operator>;
}

#[async_trait]
pub trait OperatorTokenRepo: Send + Sync {
    /// Stores a sign-in's token with its `audit` entry in one transaction.
    async fn create_operator_token(
        &self,
        token: &OperatorToken,
        audit: &PlatformAuditEntry,
    ) -> StoreResult<()>;
    /// The token whatever its state: callers decide what expiry and revocation mean.
    async fn find_operator_token_by_hash(&self, token_hash: &str) -> StoreResult<OperatorToken>;
    /// Revokes with the sign-out's `audit` entry in one transaction. Revoking an already revoked
    /// token keeps the first revocation time.
    async fn revoke_operator_token(
        &self,
        id: OperatorTokenId,
        at: i64,
        audit: &PlatformAuditEntry,
    ) -> StoreResult<()>;
}
