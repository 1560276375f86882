use async_trait::async_trait;

use super::jobs::Job;
use super::store::StoreResult;
use crate::domain::ids::OrgId;
use crate::domain::model::{AuditEntry, CloudonixSettings};

#[async_trait]
pub trait CloudonixSettingsRepo: Send + Sync {
    /// `NotFound` until the organization's settings are first saved.
    async fn find_cloudonix_settings(&self, org: OrgId) -> StoreResult<CloudonixSettings>;
    /// Creates or replaces the organization's settings, all but the webhook keys (those only the
    /// key flow writes: [`WebhookKeyStaging`]), so a save racing a key rotation cannot bring
    /// back a replaced key. Fails with `Conflict("CDR token")` / `Conflict("session-update
    /// token")` when another organization already uses the hash.
    async fn upsert_cloudonix_settings(&self, settings: &CloudonixSettings) -> StoreResult<()>;
    /// Like [`Self::upsert_cloudonix_settings`], for an admin's change: records `audit` and
    /// `sync` (the job that pushes the settings to Cloudonix, when there is one) in the same
    /// transaction.
    async fn save_cloudonix_settings(
        &self,
        settings: &CloudonixSettings,
        sync: Option<&Job>,
        audit: &AuditEntry,
    ) -> StoreResult<()>;
    /// Identifies the tenant of a voice webhook by the SHA-256 (hex) of its bearer key: the
    /// current key, a staged one, or the previous one within its grace period (see
    /// [`WebhookKeyStaging`]); the answer's `webhook_key_hash` is the accepted hash that matched.
    /// Not scoped by organization: before this lookup the organization is unknown.
    async fn find_org_by_webhook_key_hash(&self, hash: &str) -> StoreResult<CloudonixSettings>;
    /// Identifies the tenant of a CDR delivery by the SHA-256 (hex) of the token in its URL. Not
    /// scoped by organization, for the same reason.
    async fn find_org_by_cdr_token_hash(&self, hash: &str) -> StoreResult<CloudonixSettings>;
    /// Identifies the tenant of a session update by the SHA-256 (hex) of the token in its URL.
    /// Not scoped by organization, for the same reason.
    async fn find_org_by_session_token_hash(&self, hash: &str) -> StoreResult<CloudonixSettings>;
}

/// Replacing the webhook bearer without refusing a call: the new key is staged (accepted at once)
/// before Cloudonix is given it, promoted once Cloudonix saved it, and the key it replaced stays
/// accepted until its grace period ends. Each write touches only these columns, so it cannot undo
/// a settings change made meanwhile.
#[async_trait]
pub trait WebhookKeyStaging: Send + Sync {
    /// Makes the key with SHA-256 `hash` the current one at once (a key issued to be configured
    /// by hand), creating the settings when there are none, with its `audit` entry in the same
    /// transaction. `Conflict("Cloudonix webhook key")` when another organization uses it.
    async fn replace_webhook_key(
        &self,
        org: OrgId,
        hash: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> StoreResult<()>;
    /// Accepts the key with SHA-256 `hash` from now on; `sealed` is the key itself, sealed, so a
    /// retried provisioning run pushes the same one. Replaces any staged key.
    async fn stage_webhook_key(&self, org: OrgId, hash: &str, sealed: &str) -> StoreResult<()>;
    /// The staged key, sealed; `None` when none is staged.
    async fn staged_webhook_key(&self, org: OrgId) -> StoreResult<Option<String>>;
    /// Makes the staged key with `hash` the current one; the current one stays accepted until
    /// `previous_until` (epoch ms). `false` when that key is no longer staged.
    async fn promote_webhook_key(
        &self,
        org: OrgId,
        hash: &str,
        previous_until: i64,
    ) -> StoreResult<bool>;
    /// Forgets the previous key once its grace period has ended (`now`); `true` when one was.
    async fn expire_previous_webhook_key(&self, org: OrgId, now: i64) -> StoreResult<bool>;
}
