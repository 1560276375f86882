use async_trait::async_trait;

use super::store::StoreResult;
use crate::domain::ids::{ExtensionId, OrgId};

#[async_trait]
pub trait SubscriberLinkRepo: Send + Sync {
    /// Records which Cloudonix subscriber carries the extension (`None`: none does), touching no
    /// other column, so a provisioning run that read the extension seconds ago cannot overwrite
    /// an admin's edit made meanwhile. Does nothing when the extension is gone.
    async fn link_cloudonix_subscriber(
        &self,
        org: OrgId,
        extension: ExtensionId,
        subscriber_id: Option<&str>,
    ) -> StoreResult<()>;

    /// Forgets every subscriber link of the organization: after a move to another Cloudonix
    /// domain the old ids mean nothing (provisioning finds or creates them anew).
    async fn unlink_all_cloudonix_subscribers(&self, org: OrgId) -> StoreResult<()>;
}
