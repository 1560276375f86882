use async_trait::async_trait;

use super::store::{Page, PageRequest, StoreResult};
use crate::domain::ids::{CdrId, OrgId};
use crate::domain::model::Cdr;

#[async_trait]
pub trait CdrRepo: Send + Sync {
    /// Stores the CDR unless the organization already has one for its session token (Cloudonix
    /// redelivers CDRs): `true` when stored now, `false` when it was already stored.
    async fn insert_cdr(&self, cdr: &Cdr) -> StoreResult<bool>;
    async fn find_cdr(&self, org: OrgId, id: CdrId) -> StoreResult<Cdr>;
    /// The CDR of a call, by its Cloudonix session token.
    async fn find_cdr_by_session(&self, org: OrgId, token: &str) -> StoreResult<Cdr>;
    /// Most recently received first.
    async fn list_cdrs(&self, org: OrgId, page: PageRequest) -> StoreResult<Page<Cdr>>;
}
