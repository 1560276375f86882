use async_trait::async_trait;

use super::store::StoreResult;
use crate::domain::ids::OrgId;
use crate::domain::model::CloudonixSettings;

#[async_trait]
pub trait CloudonixSettingsRepo: Send + Sync {
    /// `NotFound` until the organization's settings are first saved.
    async fn find_cloudonix_settings(&self, org: OrgId) -> StoreResult<CloudonixSettings>;
    /// Creates or replaces the organization's settings. Fails with
    /// `Conflict("Cloudonix webhook key")` / `Conflict("CDR token")` /
    /// `Conflict("session-update token")` when another organization already uses the hash.
    async fn upsert_cloudonix_settings(&self, settings: &CloudonixSettings) -> StoreResult<()>;
    /// Identifies the tenant of a voice webhook by the SHA-256 (hex) of its bearer key. Not scoped
    /// by organization: before this lookup the organization is unknown.
    async fn find_org_by_webhook_key_hash(&self, hash: &str) -> StoreResult<CloudonixSettings>;
    /// Identifies the tenant of a CDR delivery by the SHA-256 (hex) of the token in its URL. Not
    /// scoped by organization, for the same reason.
    async fn find_org_by_cdr_token_hash(&self, hash: &str) -> StoreResult<CloudonixSettings>;
    /// Identifies the tenant of a session update by the SHA-256 (hex) of the token in its URL.
    /// Not scoped by organization, for the same reason.
    async fn find_org_by_session_token_hash(&self, hash: &str) -> StoreResult<CloudonixSettings>;
}
