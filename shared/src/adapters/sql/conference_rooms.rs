use async_trait::async_trait;
use sqlx::any::AnyRow;

use super::query::{Table, begin_write, commit_audited, delete_unreferenced};
use super::{
    SqlStore, big, bool_int, enumerated, flag, int, map_err, opt_parsed, opt_text, parsed, text,
    unavailable,
};
use crate::domain::destination::DestinationKind;
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::{ConferenceRoomId, OrgId};
use crate::domain::model::{AuditEntry, ConferenceRoom, Status};
use crate::ports::conference_rooms::ConferenceRoomRepo;
use crate::ports::store::{ListFilter, Page, PageRequest, StoreError, StoreResult};

const CONFERENCE_ROOMS: Table<ConferenceRoom> = Table {
    from: "conference_rooms",
    columns: "id, organization_id, name, number, pin_enc, max_participants, mute_on_entry, \
              announce_join_leave, wait_for_moderator, record, hold_music_recording_id, status, \
              created_at, updated_at",
    searched: &["name", "number"],
    order_by: "name, id",
    from_row,
};

fn from_row(row: &AnyRow) -> StoreResult<ConferenceRoom> {
    Ok(ConferenceRoom {
        id: parsed(row, "id")?,
        organization_id: parsed(row, "organization_id")?,
        name: text(row, "name")?,
        number: opt_parsed(row, "number")?,
        pin_enc: opt_text(row, "pin_enc")?,
        max_participants: int(row, "max_participants")?,
        mute_on_entry: flag(row, "mute_on_entry")?,
        announce_join_leave: flag(row, "announce_join_leave")?,
        wait_for_moderator: flag(row, "wait_for_moderator")?,
        record: flag(row, "record")?,
        hold_music_recording_id: opt_parsed(row, "hold_music_recording_id")?,
        status: enumerated(row, "status", Status::parse)?,
        created_at: big(row, "created_at")?,
        updated_at: big(row, "updated_at")?,
    })
}

/// Names the unique key a rejected write of `room` broke. Both keys raise the same driver error
/// without naming the constraint, so ask which value another room already holds.
async fn room_conflict(store: &SqlStore, room: &ConferenceRoom, e: StoreError) -> StoreError {
    let StoreError::Conflict(_) = e else {
        return e;
    };
    let Some(number) = &room.number else {
        return StoreError::Conflict("conference room name".into());
    };
    let taken = sqlx::query(
        "SELECT id FROM conference_rooms WHERE organization_id = ? AND number = ? AND id <> ?",
    )
    .bind(room.organization_id.to_string())
    .bind(number.as_str())
    .bind(room.id.to_string())
    .fetch_optional(store.pool())
    .await;
    match taken {
        Ok(Some(_)) => StoreError::Conflict("conference room number".into()),
        Ok(None) => StoreError::Conflict("conference room name".into()),
        Err(e) => unavailable(e),
    }
}

#[async_trait]
impl ConferenceRoomRepo for SqlStore {
    async fn create_conference_room(
        &self,
        room: &ConferenceRoom,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let written = sqlx::query(
            "INSERT INTO conference_rooms (id, organization_id, name, number, pin_enc, \
             max_participants, mute_on_entry, announce_join_leave, wait_for_moderator, record, \
             hold_music_recording_id, status, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(room.id.to_string())
        .bind(room.organization_id.to_string())
        .bind(&room.name)
        .bind(room.number.as_ref().map(|n| n.as_str().to_owned()))
        .bind(&room.pin_enc)
        .bind(room.max_participants)
        .bind(bool_int(room.mute_on_entry))
        .bind(bool_int(room.announce_join_leave))
        .bind(bool_int(room.wait_for_moderator))
        .bind(bool_int(room.record))
        .bind(room.hold_music_recording_id.map(|id| id.to_string()))
        .bind(room.status.as_str())
        .bind(room.created_at)
        .bind(room.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(map_err("conference room"));
        match written {
            Ok(_) => commit_audited(tx, audit).await,
            Err(e) => {
                // Rolled back before the conflict is looked up on another connection.
                drop(tx);
                Err(room_conflict(self, room, e).await)
            }
        }
    }

    async fn find_conference_room(
        &self,
        org: OrgId,
        id: ConferenceRoomId,
    ) -> StoreResult<ConferenceRoom> {
        CONFERENCE_ROOMS.find(self, org, "id", id.to_string()).await
    }

    async fn find_conference_room_by_number(
        &self,
        org: OrgId,
        number: &ExtensionNumber,
    ) -> StoreResult<ConferenceRoom> {
        CONFERENCE_ROOMS
            .find(self, org, "number", number.as_str().to_owned())
            .await
    }

    async fn update_conference_room(
        &self,
        room: &ConferenceRoom,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        let mut tx = begin_write(self).await?;
        let written = sqlx::query(
            "UPDATE conference_rooms SET name = ?, number = ?, pin_enc = ?, \
             max_participants = ?, mute_on_entry = ?, announce_join_leave = ?, \
             wait_for_moderator = ?, record = ?, hold_music_recording_id = ?, status = ?, \
             updated_at = ? \
             WHERE id = ? AND organization_id = ?",
        )
        .bind(&room.name)
        .bind(room.number.as_ref().map(|n| n.as_str().to_owned()))
        .bind(&room.pin_enc)
        .bind(room.max_participants)
        .bind(bool_int(room.mute_on_entry))
        .bind(bool_int(room.announce_join_leave))
        .bind(bool_int(room.wait_for_moderator))
        .bind(bool_int(room.record))
        .bind(room.hold_music_recording_id.map(|id| id.to_string()))
        .bind(room.status.as_str())
        .bind(room.updated_at)
        .bind(room.id.to_string())
        .bind(room.organization_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(map_err("conference room"));
        match written {
            Ok(done) if done.rows_affected() == 0 => Err(StoreError::NotFound),
            Ok(_) => commit_audited(tx, audit).await,
            Err(e) => {
                // Rolled back before the conflict is looked up on another connection.
                drop(tx);
                Err(room_conflict(self, room, e).await)
            }
        }
    }

    async fn delete_conference_room(
        &self,
        org: OrgId,
        id: ConferenceRoomId,
        audit: &[AuditEntry],
    ) -> StoreResult<()> {
        delete_unreferenced(
            self,
            "conference_rooms",
            DestinationKind::ConferenceRoom,
            org,
            &id.to_string(),
            audit,
        )
        .await
    }

    async fn list_conference_rooms(
        &self,
        org: OrgId,
        filter: &ListFilter,
        page: PageRequest,
    ) -> StoreResult<Page<ConferenceRoom>> {
        CONFERENCE_ROOMS.page(self, org, filter, page).await
    }
}
