//! Extension numbers and conference-room numbers are dialled alike by subscribers, so within an
//! organization one number names one of them only: each resource's unique key keeps its own
//! numbers apart, and these checks, run under [`DIAL_NUMBERS`](super::org_lock::DIAL_NUMBERS)
//! together with the write, keep the two kinds apart.

use super::problem::{ApiError, ApiResult};
use crate::app::AppState;
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::OrgId;
use crate::ports::conference_rooms::ConferenceRoomRepo;
use crate::ports::extensions::ExtensionRepo;
use crate::ports::store::StoreError;

/// 409 when a conference room of `org` has `number`.
pub async fn not_a_room(state: &AppState, org: OrgId, number: &ExtensionNumber) -> ApiResult<()> {
    match state
        .store
        .find_conference_room_by_number(org, number)
        .await
    {
        Ok(room) => Err(ApiError::conflict(format!(
            "The extension number is already in use: conference room {:?} has number {number}.",
            room.name
        ))),
        Err(StoreError::NotFound) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// 409 when an extension of `org` has `number`.
pub async fn not_an_extension(
    state: &AppState,
    org: OrgId,
    number: &ExtensionNumber,
) -> ApiResult<()> {
    match state.store.find_extension_by_number(org, number).await {
        Ok(ext) => Err(ApiError::conflict(format!(
            "The conference room number is already in use: extension {number} ({:?}) has it.",
            ext.display_name
        ))),
        Err(StoreError::NotFound) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
