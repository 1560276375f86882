use async_trait::async_trait;

use super::store::{ListFilter, Page, PageRequest, StoreResult};
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::{ConferenceRoomId, OrgId};
use crate::domain::model::{AuditEntry, ConferenceRoom};

#[async_trait]
pub trait ConferenceRoomRepo: Send + Sync {
    /// Fails with `Conflict("conference room name")` (any case) or
    /// `Conflict("conference room number")` when the organization already has either.
    async fn create_conference_room(
        &self,
        room: &ConferenceRoom,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    async fn find_conference_room(
        &self,
        org: OrgId,
        id: ConferenceRoomId,
    ) -> StoreResult<ConferenceRoom>;
    /// The room a subscriber dialled.
    async fn find_conference_room_by_number(
        &self,
        org: OrgId,
        number: &ExtensionNumber,
    ) -> StoreResult<ConferenceRoom>;
    /// Saves everything but the id, organization and creation time; same conflicts as create.
    async fn update_conference_room(
        &self,
        room: &ConferenceRoom,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// Refused with `InUse` while anything else in the organization routes to the room.
    async fn delete_conference_room(
        &self,
        org: OrgId,
        id: ConferenceRoomId,
        audit: &[AuditEntry],
    ) -> StoreResult<()>;
    /// `q` matches name or number; ordered by name.
    async fn list_conference_rooms(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<ConferenceRoom>>;
}
