//! One-time links mailed to people: invitations into an organization and password resets.
//! Using a link and the change it allows happen together, with the audit entry, or not at all,
//! so a link works once even when two requests race to use it.

use async_trait::async_trait;

use super::store::{Page, PageRequest, StoreResult};
use crate::domain::accounts::AccountLink;
use crate::domain::ids::{AccountLinkId, OrgId, UserId};
use crate::domain::model::{AuditEntry, Role, User};

#[async_trait]
pub trait AccountLinkRepo: Send + Sync {
    /// Fails with `NotFound` when the link's organization does not exist.
    /// Stores `link` with the audit entries of its creation, in one transaction.
    async fn create_account_link(
        &self,
        link: &AccountLink,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// The link whatever its state: callers check [`AccountLink::usable`].
    async fn find_account_link_by_hash(&self, token_hash: &str) -> StoreResult<AccountLink>;
    /// The organization's invitations still pending at `now` (unused, unexpired) that grant one
    /// of `roles` (not empty), newest first.
    async fn list_pending_invitations(
        &self,
        org: OrgId,
        roles: &[Role],
        now: i64,
        page: PageRequest,
    ) -> StoreResult<Page<AccountLink>>;
    /// The invitation `id` of `org` if it is still pending at `now`; `NotFound` otherwise.
    async fn find_pending_invitation(
        &self,
        org: OrgId,
        id: AccountLinkId,
        now: i64,
    ) -> StoreResult<AccountLink>;
    /// Deletes the pending invitation `id` of `org`, so its token stops working, stores
    /// `replacement` (a resent invitation) if any, and writes `audit`, at once. `NotFound` when
    /// it is no longer pending at `at` (nothing is written then).
    async fn revoke_invitation(
        &self,
        org: OrgId,
        id: AccountLinkId,
        replacement: Option<&AccountLink>,
        audit: &AuditEntry,
        at: i64,
    ) -> StoreResult<()>;
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
