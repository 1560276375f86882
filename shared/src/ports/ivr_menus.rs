use async_trait::async_trait;

use super::store::{ListFilter, Page, PageRequest, StoreResult};
use crate::domain::ids::{IvrMenuId, OrgId};
use crate::domain::model::{AuditEntry, IvrMenu};

/// IVR menus with their options (read back in the order given) and direct-dial allowlist (a set,
/// read back in extension-id order, i.e. the order the extensions were created).
#[async_trait]
pub trait IvrMenuRepo: Send + Sync {
    /// Fails with `Conflict("IVR menu name")` when the organization already has the name,
    /// `Conflict("IVR option digits")` when two options share their digits,
    /// `Conflict("IVR direct-dial extension")` when the allowlist names an extension twice, and
    /// `NotFound` when it names an extension that is not the menu organization's.
    async fn create_ivr_menu(&self, menu: &IvrMenu, audit: &[AuditEntry]) -> StoreResult<()>;
    async fn find_ivr_menu(&self, org: OrgId, id: IvrMenuId) -> StoreResult<IvrMenu>;
    /// Saves everything but `created_at`; options and the allowlist are replaced as a whole,
    /// atomically. Same errors as create.
    async fn update_ivr_menu(&self, menu: &IvrMenu, audit: &[AuditEntry]) -> StoreResult<()>;
    /// Refused with `InUse` while anything else in the organization routes to the menu.
    async fn delete_ivr_menu(
        &self,
        org: OrgId,
        id: IvrMenuId,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// `q` matches the name; ordered by name.
    async fn list_ivr_menus(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<IvrMenu>>;
}
