use async_trait::async_trait;

use super::{SqlStore, unavailable};
use crate::domain::ids::{ExtensionId, OrgId};
use crate::ports::store::StoreResult;
use crate::ports::subscriber_links::SubscriberLinkRepo;

#[async_trait]
impl SubscriberLinkRepo for SqlStore {
    async fn link_cloudonix_subscriber(
        &self,
        org: OrgId,
        extension: ExtensionId,
        subscriber_id: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE extensions SET cloudonix_subscriber_id = ? \
             WHERE id = ? AND organization_id = ?",
        )
        .bind(subscriber_id)
        .bind(extension.to_string())
        .bind(org.to_string())
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn unlink_all_cloudonix_subscribers(&self, org: OrgId) -> StoreResult<()> {
        sqlx::query(
            "UPDATE extensions SET cloudonix_subscriber_id = NULL WHERE organization_id = ?",
        )
        .bind(org.to_string())
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(())
    }
}
