use async_trait::async_trait;

use super::store::StoreResult;
use crate::domain::ids::OrgId;
use crate::domain::model::{AuditEntry, Organization};

#[async_trait]
pub trait OrganizationRepo: Send + Sync {
    /// Fails with `Conflict("organization slug")` when the slug is taken.
    async fn create_organization(&self, org: &Organization) -> StoreResult<()>;
    async fn find_organization(&self, id: OrgId) -> StoreResult<Organization>;
    async fn find_organization_by_slug(&self, slug: &str) -> StoreResult<Organization>;
    /// Saves name, slug, timezone, status and the calling policy with `audit` in one
    /// transaction: neither is written without the other.
    async fn update_organization(&self, org: &Organization, audit: &AuditEntry) -> StoreResult<()>;
    async fn count_organizations(&self) -> StoreResult<i64>;
    /// Users across every organization: zero means a fresh installation that needs its first owner.
    async fn count_all_users(&self) -> StoreResult<i64>;
}
