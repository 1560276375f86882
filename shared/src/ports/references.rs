use std::collections::HashMap;

use async_trait::async_trait;

use super::store::{Referrer, StoreResult};
use crate::domain::destination::{Destination, DestinationKind};
use crate::domain::ids::OrgId;

#[async_trait]
pub trait ReferenceRepo: Send + Sync {
    /// Every object of the organization that routes to the target `id` of kind `target`, once
    /// each, ordered by type and name. For an extension that includes destinations to its
    /// voicemail, ring groups it is a member of and IVR menus that allow dialling it directly.
    /// An object's references to itself are left out: they do not outlive it. Referrers are
    /// named as people know them: extensions by number, phone numbers by label (or number when
    /// unlabelled), everything else by name.
    async fn references_to(
        &self,
        org: OrgId,
        target: DestinationKind,
        id: &str,
    ) -> StoreResult<Vec<Referrer>>;
    /// Whether the object a destination points at exists in the organization; external numbers
    /// and hangup always do. Writers check this so that no destination crosses tenants.
    async fn destination_exists(&self, org: OrgId, destination: &Destination) -> StoreResult<bool>;
    /// The names people know the destinations' targets by, for the targets that exist in the
    /// organization: extensions and voicemail boxes as `101 Alice Smith` (number, then display
    /// name), external numbers as the number, the rest by their name. Hangups, and targets that
    /// were deleted or belong to another organization, have no entry.
    async fn destination_names(
        &self,
        org: OrgId,
        destinations: &[Destination],
    ) -> StoreResult<HashMap<Destination, String>>;
}
