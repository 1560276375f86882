//! What the scheduled jobs read and remove (issue 13, item 5): the organizations the periodic
//! reconcile visits, and the rows whose retention has passed. Every removal is of one
//! organization (or, for jobs, of the platform's own), so the purge visits organizations in turn.

use async_trait::async_trait;

use super::store::StoreResult;
use crate::domain::ids::OrgId;

#[async_trait]
pub trait RetentionRepo: Send + Sync {
    /// Every organization, deleted ones included (their expired rows go before they do).
    async fn organization_ids(&self) -> StoreResult<Vec<OrgId>>;
    /// Active organizations with a Cloudonix domain and API key: the periodic reconcile's.
    async fn reconcilable_organizations(&self) -> StoreResult<Vec<OrgId>>;
    /// Deletes the organization's invitations and password-reset links that expired by `now`,
    /// and its used password-reset links; answers how many.
    async fn purge_account_links(&self, org: OrgId, now: i64) -> StoreResult<u64>;
    /// Deletes the finished (done or failed) jobs of the organization (of the platform with
    /// `None`) last changed before `before`, except an extension's newest sync job, which its
    /// sync state names (a failed one keeps its retry action). Answers how many.
    async fn purge_finished_jobs(&self, org: Option<OrgId>, before: i64) -> StoreResult<u64>;
}
