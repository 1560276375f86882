//! The retention job: organizations deleted longer ago than the retention are removed with all
//! their data. `opbx-local` runs it hourly; on AWS the `migrate` function runs it daily (an
//! EventBridge schedule sends it `{"purge": {}}`).

use crate::adapters::sql::SqlStore;
use crate::domain::ids::OrgId;
use crate::domain::now_ms;
use crate::ports::platform::PlatformRepo;
use crate::ports::store::StoreResult;

/// Purges what is due now; returns the organizations removed.
pub async fn purge_due(
    store: &SqlStore,
    retention: std::time::Duration,
) -> StoreResult<Vec<OrgId>> {
    let now = now_ms();
    let purged = store
        .purge_deleted_organizations(now - retention.as_millis() as i64, now)
        .await?;
    for org in &purged {
        tracing::info!(org = %org, "deleted organization purged after its retention");
    }
    Ok(purged)
}
