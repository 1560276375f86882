//! What platform operators see and do across organizations (issue 12): a summary per
//! organization (counts and the last call, never call contents or secrets), lifecycle changes
//! written together with their platform audit entry, and the purge of organizations deleted
//! longer ago than the retention.

use async_trait::async_trait;

use super::store::{Page, PageRequest, StoreResult};
use crate::domain::accounts::{AccountLink, PlatformAuditEntry};
use crate::domain::ids::OrgId;
use crate::domain::model::{OrgStatus, Organization};

/// An organization as the platform lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationSummary {
    pub organization: Organization,
    pub users: i64,
    pub extensions: i64,
    pub phone_numbers: i64,
    /// When its most recent call started.
    pub last_call_at: Option<i64>,
    /// Set while the organization is deleted (and not yet purged).
    pub deleted_at: Option<i64>,
}

/// `q` matches the name or the slug anywhere, ignoring case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganizationFilter {
    pub q: Option<String>,
    pub status: Option<OrgStatus>,
}

#[async_trait]
pub trait PlatformRepo: Send + Sync {
    /// Ordered by name unless `page` sorts otherwise.
    async fn list_organization_summaries(
        &self,
        filter: &OrganizationFilter,
        page: PageRequest,
    ) -> StoreResult<Page<OrganizationSummary>>;
    async fn organization_summary(&self, id: OrgId) -> StoreResult<OrganizationSummary>;
    /// Creates the organization, its first owner's invitation and the audit entry at once;
    /// `Conflict("organization slug")` when the slug is taken.
    async fn create_organization_with_invitation(
        &self,
        org: &Organization,
        invitation: &AccountLink,
        audit: &PlatformAuditEntry,
    ) -> StoreResult<()>;
    /// Stores an invitation into an existing organization with the audit entry at once.
    async fn create_invitation(
        &self,
        invitation: &AccountLink,
        audit: &PlatformAuditEntry,
    ) -> StoreResult<()>;
    /// Saves name, slug, time zone and status with the audit entry at once. Entering `deleted`
    /// starts the retention (at `org.updated_at`); leaving it stops it.
    async fn save_organization(
        &self,
        org: &Organization,
        audit: &PlatformAuditEntry,
    ) -> StoreResult<()>;
    /// Removes every organization deleted before `deleted_before`, with everything it owns,
    /// writing a `purge_organization` entry for each; returns their ids.
    async fn purge_deleted_organizations(
        &self,
        deleted_before: i64,
        at: i64,
    ) -> StoreResult<Vec<OrgId>>;
    /// Newest first.
    async fn list_platform_audit(&self, page: PageRequest)
    -> StoreResult<Page<PlatformAuditEntry>>;
}
