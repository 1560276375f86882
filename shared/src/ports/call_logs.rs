use async_trait::async_trait;

use super::store::{Page, PageRequest, StoreResult};
use crate::domain::destination::Destination;
use crate::domain::ids::{CallLogId, ExtensionId, OrgId};
use crate::domain::model::{CallDirection, CallLog, CallStatus};

/// What `create_call_log` did. Cloudonix retries webhooks, so a second create for the same call
/// is expected and must not produce a second row.
#[derive(Debug, Clone, PartialEq)]
pub enum CallLogInsert {
    Created,
    /// The organization already had a log for this call SID; here it is, unchanged.
    AlreadyExists(Box<CallLog>),
}

/// The changes one call event brings. `None` keeps the stored value; `append_path` is added to the
/// end of the stored path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallLogUpdate {
    pub status: Option<CallStatus>,
    pub extension_id: Option<ExtensionId>,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub duration_seconds: Option<i32>,
    pub billsec: Option<i32>,
    pub disposition: Option<String>,
    pub recording_url: Option<String>,
    pub append_path: Vec<Destination>,
    pub updated_at: i64,
}

/// Criteria a listed call must meet; `None` means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallLogFilter {
    /// Started at or after this epoch ms.
    pub from: Option<i64>,
    /// Started before this epoch ms.
    pub to: Option<i64>,
    pub direction: Option<CallDirection>,
    pub status: Option<CallStatus>,
    /// Part of the calling or the called number.
    pub number: Option<String>,
    pub extension_id: Option<ExtensionId>,
}

#[async_trait]
pub trait CallLogRepo: Send + Sync {
    /// Idempotent on (organization, call SID).
    async fn create_call_log(&self, log: &CallLog) -> StoreResult<CallLogInsert>;
    async fn find_call_log(&self, org: OrgId, id: CallLogId) -> StoreResult<CallLog>;
    async fn find_call_log_by_sid(&self, org: OrgId, call_sid: &str) -> StoreResult<CallLog>;
    /// By Cloudonix session token, the key session updates and CDRs carry.
    async fn find_call_log_by_session(&self, org: OrgId, token: &str) -> StoreResult<CallLog>;
    /// Applies the update atomically (concurrent events never lose each other's path entries) and
    /// returns the log as stored afterwards.
    async fn update_call_log(
        &self,
        org: OrgId,
        id: CallLogId,
        update: &CallLogUpdate,
    ) -> StoreResult<CallLog>;
    /// Newest first.
    async fn list_call_logs(
        &self,
        org: OrgId,
        filter: &CallLogFilter,
        page: PageRequest,
    ) -> StoreResult<Page<CallLog>>;
}
