//! One-time links mailed to people: invitations into an organization and password resets.
//! Using a link and the change it allows happen together, with the audit entry, or not at all,
//! so a link works once even when two requests race to use it.

use async_trait::async_trait;

use super::store::StoreResult;
use crate::domain::accounts::AccountLink;
use crate::domain::ids::{OrgId, UserId};
use crate::domain::model::{AuditEntry, User};

#[async_trait]
pub trait AccountLinkRepo: Send + Sync {
    /// Fails with `NotFound` when the link's organization does not exist.
    async fn create_account_link(&self, link: &AccountLink) -> StoreResult<()>;
    /// The link whatever its state: callers check [`AccountLink::usable`].
    async fn find_account_link_by_hash(&self, token_hash: &str) -> StoreResult<AccountLink>;
    /// Marks the invitation used and creates `user` (in the link's organization, with its
    /// email) and `audit`, at once. `NotFound` when the link is used, expired or not an
    /// invitation of that organization; `Conflict("email")` when the email already has an account
    /// there (nothing is written then).
    async fn accept_invitation(
        &self,
        link: &AccountLink,
        user: &User,
        audit: &AuditEntry,
        at: i64,
    ) -> StoreResult<()>;
    /// Marks the reset link used, sets the user's password hash, revokes every session of the
    /// user and writes `audit`, at once. `NotFound` when the link is used, expired, or the user
    /// is not in the link's organization.
    async fn reset_password(
        &self,
        link: &AccountLink,
        org: OrgId,
        user: UserId,
        password_hash: &str,
        audit: &AuditEntry,
        at: i64,
    ) -> StoreResult<()>;
}
