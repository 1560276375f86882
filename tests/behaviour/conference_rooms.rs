use opbx::adapters::sql::SqlStore;
use opbx::domain::destination::Destination;
use opbx::domain::extension_number::ExtensionNumber;
use opbx::domain::ids::{ConferenceRoomId, OrgId};
use opbx::domain::model::{ConferenceRoom, Status};
use opbx::domain::now_ms;
use opbx::ports::conference_rooms::ConferenceRoomRepo;
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx::ports::store::{ListFilter, PageRequest};
use opbx_tests::numbers::unique_e164;
use opbx_tests::{Backend, new_org};

use crate::extensions::{
    add_phone_number, assert_conflict, assert_not_found, in_use, referrer, search, with_status,
};

fn room(org: OrgId, name: &str, number: Option<&str>) -> ConferenceRoom {
    let now = now_ms();
    ConferenceRoom {
        id: ConferenceRoomId::new(),
        organization_id: org,
        name: name.to_owned(),
        number: number.map(|n| ExtensionNumber::parse(n).unwrap()),
        pin_enc: None,
        max_participants: 10,
        mute_on_entry: false,
        announce_join_leave: true,
        wait_for_moderator: false,
        record: false,
        hold_music_recording_id: None,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    }
}

async fn add_room(
    store: &SqlStore,
    org: OrgId,
    name: &str,
    number: Option<&str>,
) -> ConferenceRoom {
    let room = room(org, name, number);
    store.create_conference_room(&room, &[]).await.unwrap();
    room
}

async fn created_room_reads_back_by_id_and_number(b: Backend) {
    let org = new_org(&b.store).await.id;
    let mut board = room(org, "Board", Some("800"));
    board.pin_enc = Some("sealed:v1:4321".into());
    board.mute_on_entry = true;
    board.wait_for_moderator = true;
    board.record = true;
    board.announce_join_leave = false;
    b.store.create_conference_room(&board, &[]).await.unwrap();
    let huddle = add_room(&b.store, org, "Huddle", None).await;

    assert_eq!(
        b.store.find_conference_room(org, board.id).await.unwrap(),
        board
    );
    assert_eq!(
        b.store.find_conference_room(org, huddle.id).await.unwrap(),
        huddle
    );
    let dialled = ExtensionNumber::parse("800").unwrap();
    assert_eq!(
        b.store
            .find_conference_room_by_number(org, &dialled)
            .await
            .unwrap(),
        board
    );
    let unknown = ExtensionNumber::parse("801").unwrap();
    assert_not_found(b.store.find_conference_room_by_number(org, &unknown).await);
}

async fn update_saves_every_field(b: Backend) {
    let org = new_org(&b.store).await.id;
    let mut board = add_room(&b.store, org, "Board", None).await;
    board.name = "Boardroom".into();
    board.number = Some(ExtensionNumber::parse("850").unwrap());
    board.pin_enc = Some("sealed:v1:1111".into());
    board.max_participants = 25;
    board.mute_on_entry = true;
    board.announce_join_leave = false;
    board.wait_for_moderator = true;
    board.record = true;
    board.status = Status::Inactive;
    board.updated_at += 1000;
    b.store.update_conference_room(&board, &[]).await.unwrap();
    assert_eq!(
        b.store.find_conference_room(org, board.id).await.unwrap(),
        board
    );

    board.number = None;
    board.pin_enc = None;
    b.store.update_conference_room(&board, &[]).await.unwrap();
    assert_eq!(
        b.store.find_conference_room(org, board.id).await.unwrap(),
        board
    );
}

async fn name_and_number_are_unique_and_conflicts_say_which(b: Backend) {
    let org = new_org(&b.store).await.id;
    add_room(&b.store, org, "Board", Some("800")).await;
    assert_conflict(
        b.store
            .create_conference_room(&room(org, "BOARD", Some("801")), &[])
            .await,
        "conference room name",
    );
    assert_conflict(
        b.store
            .create_conference_room(&room(org, "Huddle", Some("800")), &[])
            .await,
        "conference room number",
    );
    assert_conflict(
        b.store
            .create_conference_room(&room(org, "board", None), &[])
            .await,
        "conference room name",
    );

    // Rooms without a number do not collide with each other.
    add_room(&b.store, org, "Huddle", None).await;
    let mut lounge = add_room(&b.store, org, "Lounge", None).await;
    lounge.number = Some(ExtensionNumber::parse("800").unwrap());
    assert_conflict(
        b.store.update_conference_room(&lounge, &[]).await,
        "conference room number",
    );
    lounge.number = None;
    lounge.name = "huddle".into();
    assert_conflict(
        b.store.update_conference_room(&lounge, &[]).await,
        "conference room name",
    );

    let other_org = new_org(&b.store).await.id;
    add_room(&b.store, other_org, "Board", Some("800")).await;
}

async fn another_organizations_room_is_not_found(b: Backend) {
    let mine = new_org(&b.store).await.id;
    let theirs = new_org(&b.store).await.id;
    add_room(&b.store, mine, "Board", None).await;
    let foreign = add_room(&b.store, theirs, "Secret", Some("900")).await;

    assert_not_found(b.store.find_conference_room(mine, foreign.id).await);
    let dialled = ExtensionNumber::parse("900").unwrap();
    assert_not_found(b.store.find_conference_room_by_number(mine, &dialled).await);
    let mut hijack = foreign.clone();
    hijack.organization_id = mine;
    hijack.pin_enc = None;
    assert_not_found(b.store.update_conference_room(&hijack, &[]).await);
    assert_not_found(b.store.delete_conference_room(mine, foreign.id, &[]).await);
    assert_eq!(
        b.store
            .find_conference_room(theirs, foreign.id)
            .await
            .unwrap(),
        foreign
    );

    let listed = b
        .store
        .list_conference_rooms(mine, &ListFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    assert!(listed.items.iter().all(|r| r.organization_id == mine));
}

async fn unknown_room_is_not_found(b: Backend) {
    let org = new_org(&b.store).await.id;
    assert_not_found(
        b.store
            .find_conference_room(org, ConferenceRoomId::new())
            .await,
    );
    assert_not_found(
        b.store
            .update_conference_room(&room(org, "Ghost", None), &[])
            .await,
    );
    assert_not_found(
        b.store
            .delete_conference_room(org, ConferenceRoomId::new(), &[])
            .await,
    );
}

async fn list_searches_filters_and_pages_by_name(b: Backend) {
    let org = new_org(&b.store).await.id;
    let weekly = add_room(&b.store, org, "Weekly sync", Some("810")).await;
    let mut all_hands = room(org, "All hands", Some("800"));
    all_hands.status = Status::Inactive;
    b.store
        .create_conference_room(&all_hands, &[])
        .await
        .unwrap();
    let board = add_room(&b.store, org, "board", None).await;

    let first = b
        .store
        .list_conference_rooms(org, &ListFilter::default(), PageRequest::new(1, 2))
        .await
        .unwrap();
    assert_eq!(first.total, 3);
    assert_eq!(first.items, vec![all_hands.clone(), board.clone()]);
    let second = b
        .store
        .list_conference_rooms(org, &ListFilter::default(), PageRequest::new(2, 2))
        .await
        .unwrap();
    assert_eq!(second.items, vec![weekly.clone()]);

    let by_number = b
        .store
        .list_conference_rooms(org, &search("81"), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        (by_number.total, by_number.items),
        (1, vec![weekly.clone()])
    );
    let by_name = b
        .store
        .list_conference_rooms(org, &search("BOARD"), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(by_name.items, vec![board]);
    let active = b
        .store
        .list_conference_rooms(org, &with_status(Status::Active), PageRequest::new(1, 1))
        .await
        .unwrap();
    assert_eq!(active.total, 2);
}

async fn delete_is_refused_while_routed_to(b: Backend) {
    let org = new_org(&b.store).await.id;
    let board = add_room(&b.store, org, "Board", Some("800")).await;
    let mut did = add_phone_number(
        &b.store,
        org,
        &unique_e164(),
        Destination::ConferenceRoom { id: board.id },
    )
    .await;

    assert_eq!(
        in_use(b.store.delete_conference_room(org, board.id, &[]).await),
        [referrer("phone_number", did.id, &did.label)]
    );
    did.destination = Destination::Hangup;
    b.store.update_phone_number(&did, &[]).await.unwrap();
    b.store
        .delete_conference_room(org, board.id, &[])
        .await
        .unwrap();
    assert_not_found(b.store.find_conference_room(org, board.id).await);
}

opbx_tests::on_both_backends!(
    created_room_reads_back_by_id_and_number,
    update_saves_every_field,
    name_and_number_are_unique_and_conflicts_say_which,
    another_organizations_room_is_not_found,
    unknown_room_is_not_found,
    list_searches_filters_and_pages_by_name,
    delete_is_refused_while_routed_to,
);
