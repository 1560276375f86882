//! Extension numbers and conference-room numbers are dialled alike by subscribers, so within an
//! organization one number names one of them only: each resource's unique key keeps its own
//! numbers apart, and [`write_claiming`] keeps the two kinds apart by checking the other kind
//! and writing under one per-organization lock.

use super::org_lock::{DIAL_NUMBERS, OrgLock};
use super::problem::{ApiError, ApiResult};
use crate::app::AppState;
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::OrgId;
use crate::ports::conference_rooms::ConferenceRoomRepo;
use crate::ports::extensions::ExtensionRepo;
use crate::ports::store::StoreError;

/// 409 when a conference room of `org` has `number`.
async fn not_a_room(state: &AppState, org: OrgId, number: &ExtensionNumber) -> ApiResult<()> {
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
async fn not_an_extension(state: &AppState, org: OrgId, number: &ExtensionNumber) -> ApiResult<()> {
    match state.store.find_extension_by_number(org, number).await {
        Ok(ext) => Err(ApiError::conflict(format!(
            "The conference room number is already in use: extension {number} ({:?}) has it.",
            ext.display_name
        ))),
        Err(StoreError::NotFound) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// What is about to take a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claimant {
    Extension,
    ConferenceRoom,
}

/// Runs `write`, which saves an extension or room holding `number` (it held `previous`
/// before). A number new to the object is first checked against the other kind, under the
/// dial-number lock held until the write is done; 409 when the other kind has it.
pub async fn write_claiming(
    state: &AppState,
    org: OrgId,
    claimant: Claimant,
    number: Option<&ExtensionNumber>,
    previous: Option<&ExtensionNumber>,
    write: impl AsyncFnOnce() -> ApiResult<()>,
) -> ApiResult<()> {
    let Some(number) = number.filter(|n| previous != Some(*n)) else {
        return write().await;
    };
    OrgLock::holding(state, org, DIAL_NUMBERS, async || {
        match claimant {
            Claimant::Extension => not_a_room(state, org, number).await?,
            Claimant::ConferenceRoom => not_an_extension(state, org, number).await?,
        }
        write().await
    })
    .await
}
