use async_trait::async_trait;

use super::store::{Page, PageRequest, StoreResult};
use crate::domain::ids::{OrgId, UserId};
use crate::domain::model::AuditEntry;

/// Criteria a listed entry must meet; `None` means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub actor_user_id: Option<UserId>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub action: Option<String>,
    /// Created at or after this epoch ms.
    pub from: Option<i64>,
    /// Created before this epoch ms.
    pub to: Option<i64>,
}

#[async_trait]
pub trait AuditLogRepo: Send + Sync {
    async fn append_audit(&self, entry: &AuditEntry) -> StoreResult<()>;
    /// Newest first.
    async fn list_audit(
        &self,
        org: OrgId,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>>;
}
