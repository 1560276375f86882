//! The scan for objects that route to a target, over every destination column of the schema.
//! Business hours and IVR menus are written with plain SQL here: what matters is that their
//! columns are scanned, whatever writes them.

use opbx::adapters::sql::SqlStore;
use opbx::domain::destination::{Destination, DestinationKind};
use opbx::domain::e164::E164;
use opbx::domain::ids::{ConferenceRoomId, ExtensionId, IvrMenuId, OrgId, RingGroupId, ScheduleId};
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx::ports::references::ReferenceRepo;
use opbx::ports::ring_groups::RingGroupRepo;
use opbx::ports::store::Referrer;
use opbx_tests::numbers::unique_e164;
use opbx_tests::{Backend, new_org};

use crate::extensions::{
    add_extension, add_phone_number, add_ring_group, extension, in_use, phone_number, referrer,
    ring_group,
};

fn columns(d: &Destination) -> (&'static str, Option<String>) {
    (d.kind().as_str(), d.reference())
}

async fn add_schedule(
    store: &SqlStore,
    org: OrgId,
    name: &str,
    open: &Destination,
    closed: &Destination,
) -> ScheduleId {
    let id = ScheduleId::new();
    let (open_type, open_ref) = columns(open);
    let (closed_type, closed_ref) = columns(closed);
    sqlx::query(
        "INSERT INTO business_hours_schedules (id, organization_id, name, timezone, open_type, \
         open_ref, closed_type, closed_ref, status, created_at, updated_at) \
         VALUES (?, ?, ?, 'Europe/London', ?, ?, ?, ?, 'active', 0, 0)",
    )
    .bind(id.to_string())
    .bind(org.to_string())
    .bind(name.to_owned())
    .bind(open_type)
    .bind(open_ref)
    .bind(closed_type)
    .bind(closed_ref)
    .execute(store.pool())
    .await
    .unwrap();
    id
}

async fn add_schedule_exception(
    store: &SqlStore,
    org: OrgId,
    schedule: ScheduleId,
    destination: &Destination,
) {
    let (kind, reference) = columns(destination);
    sqlx::query(
        "INSERT INTO business_hours_exceptions (id, schedule_id, organization_id, name, \
         start_date, end_date, mode, destination_type, destination_ref) \
         VALUES (?, ?, ?, 'Christmas', '2026-12-25', '2026-12-26', 'closed', ?, ?)",
    )
    .bind(ScheduleId::new().to_string())
    .bind(schedule.to_string())
    .bind(org.to_string())
    .bind(kind)
    .bind(reference)
    .execute(store.pool())
    .await
    .unwrap();
}

async fn add_menu(
    store: &SqlStore,
    org: OrgId,
    name: &str,
    invalid: &Destination,
    timeout: &Destination,
) -> IvrMenuId {
    let id = IvrMenuId::new();
    let (invalid_type, invalid_ref) = columns(invalid);
    let (timeout_type, timeout_ref) = columns(timeout);
    sqlx::query(
        "INSERT INTO ivr_menus (id, organization_id, name, digit_timeout, max_invalid, \
         max_timeouts, invalid_type, invalid_ref, timeout_type, timeout_ref, direct_dial, \
         status, created_at, updated_at) \
         VALUES (?, ?, ?, 5, 3, 3, ?, ?, ?, ?, 1, 'active', 0, 0)",
    )
    .bind(id.to_string())
    .bind(org.to_string())
    .bind(name.to_owned())
    .bind(invalid_type)
    .bind(invalid_ref)
    .bind(timeout_type)
    .bind(timeout_ref)
    .execute(store.pool())
    .await
    .unwrap();
    id
}

async fn add_menu_option(
    store: &SqlStore,
    org: OrgId,
    menu: IvrMenuId,
    digits: &str,
    destination: &Destination,
) {
    let (kind, reference) = columns(destination);
    sqlx::query(
        "INSERT INTO ivr_menu_options (id, menu_id, organization_id, digits, label, \
         destination_type, destination_ref) VALUES (?, ?, ?, ?, 'Option', ?, ?)",
    )
    .bind(IvrMenuId::new().to_string())
    .bind(menu.to_string())
    .bind(org.to_string())
    .bind(digits.to_owned())
    .bind(kind)
    .bind(reference)
    .execute(store.pool())
    .await
    .unwrap();
}

async fn allow_direct_dial(store: &SqlStore, org: OrgId, menu: IvrMenuId, ext: ExtensionId) {
    sqlx::query(
        "INSERT INTO ivr_direct_dial (menu_id, extension_id, organization_id) VALUES (?, ?, ?)",
    )
    .bind(menu.to_string())
    .bind(ext.to_string())
    .bind(org.to_string())
    .execute(store.pool())
    .await
    .unwrap();
}

async fn add_room(store: &SqlStore, org: OrgId, name: &str) -> ConferenceRoomId {
    let id = ConferenceRoomId::new();
    sqlx::query(
        "INSERT INTO conference_rooms (id, organization_id, name, max_participants, \
         mute_on_entry, announce_join_leave, wait_for_moderator, record, status, created_at, \
         updated_at) VALUES (?, ?, ?, 10, 0, 0, 0, 0, 'active', 0, 0)",
    )
    .bind(id.to_string())
    .bind(org.to_string())
    .bind(name.to_owned())
    .execute(store.pool())
    .await
    .unwrap();
    id
}

async fn references(
    store: &SqlStore,
    org: OrgId,
    kind: DestinationKind,
    id: impl ToString,
) -> Vec<Referrer> {
    store
        .references_to(org, kind, &id.to_string())
        .await
        .unwrap()
}

async fn every_column_that_routes_to_an_extension_is_found(b: Backend) {
    let org = new_org(&b.store).await.id;
    let target = add_extension(&b.store, org, "101").await.id;
    let bystander = add_extension(&b.store, org, "199").await.id;
    let to_ext = Destination::Extension { id: target };
    let to_vm = Destination::Voicemail { id: target };
    let elsewhere = Destination::Extension { id: bystander };
    let hangup = Destination::Hangup;

    let mut forwarding = extension(org, "102");
    forwarding.forward_always = Some(to_ext.clone());
    b.store.create_extension(&forwarding, &[]).await.unwrap();
    let mut covering = extension(org, "103");
    covering.no_answer = Some(to_vm.clone());
    b.store.create_extension(&covering, &[]).await.unwrap();
    let mut unrelated = extension(org, "104");
    unrelated.forward_always = Some(elsewhere.clone());
    unrelated.no_answer = Some(Destination::Voicemail { id: bystander });
    b.store.create_extension(&unrelated, &[]).await.unwrap();

    let mut did = phone_number(org, &unique_e164(), to_ext.clone());
    did.label = "Main".into();
    b.store.create_phone_number(&did, &[]).await.unwrap();
    add_phone_number(&b.store, org, &unique_e164(), elsewhere.clone()).await;

    let mut overflow = ring_group(org, "Overflow", vec![]);
    overflow.fallback = to_vm.clone();
    b.store.create_ring_group(&overflow, &[]).await.unwrap();
    let support = add_ring_group(&b.store, org, "Support", vec![bystander, target]).await;
    add_ring_group(&b.store, org, "Others", vec![bystander]).await;

    let office = add_schedule(&b.store, org, "Office", &to_ext, &to_vm).await;
    let weekend = add_schedule(&b.store, org, "Weekend", &hangup, &to_ext).await;
    let holidays = add_schedule(&b.store, org, "Holidays", &hangup, &elsewhere).await;
    add_schedule_exception(&b.store, org, holidays, &to_ext).await;
    add_schedule(&b.store, org, "Shop", &elsewhere, &hangup).await;

    let main_menu = add_menu(&b.store, org, "Main menu", &to_ext, &hangup).await;
    let night_menu = add_menu(&b.store, org, "Night menu", &hangup, &to_vm).await;
    let sales_menu = add_menu(&b.store, org, "Sales menu", &hangup, &hangup).await;
    add_menu_option(&b.store, org, sales_menu, "1", &to_ext).await;
    add_menu_option(&b.store, org, sales_menu, "2", &elsewhere).await;
    let directory = add_menu(&b.store, org, "Directory", &hangup, &hangup).await;
    allow_direct_dial(&b.store, org, directory, target).await;
    allow_direct_dial(&b.store, org, directory, bystander).await;

    let expected = vec![
        referrer("business_hours", holidays, "Holidays"),
        referrer("business_hours", office, "Office"),
        referrer("business_hours", weekend, "Weekend"),
        referrer("extension", forwarding.id, "102"),
        referrer("extension", covering.id, "103"),
        referrer("ivr_menu", directory, "Directory"),
        referrer("ivr_menu", main_menu, "Main menu"),
        referrer("ivr_menu", night_menu, "Night menu"),
        referrer("ivr_menu", sales_menu, "Sales menu"),
        referrer("phone_number", did.id, "Main"),
        referrer("ring_group", overflow.id, "Overflow"),
        referrer("ring_group", support.id, "Support"),
    ];
    assert_eq!(
        references(&b.store, org, DestinationKind::Extension, target).await,
        expected
    );
    assert_eq!(
        in_use(b.store.delete_extension(org, target, &[]).await),
        expected
    );

    assert_eq!(
        references(&b.store, org, DestinationKind::Voicemail, target).await,
        [
            referrer("business_hours", office, "Office"),
            referrer("extension", covering.id, "103"),
            referrer("ivr_menu", night_menu, "Night menu"),
            referrer("ring_group", overflow.id, "Overflow"),
        ]
    );
}

async fn every_kind_of_target_is_scanned(b: Backend) {
    let org = new_org(&b.store).await.id;
    let hangup = Destination::Hangup;
    let group = add_ring_group(&b.store, org, "Sales", vec![]).await.id;
    let room = add_room(&b.store, org, "Board").await;
    let menu = add_menu(&b.store, org, "Welcome", &hangup, &hangup).await;
    let to_group = Destination::RingGroup { id: group };
    let to_room = Destination::ConferenceRoom { id: room };
    let to_menu = Destination::IvrMenu { id: menu };

    let hours = add_schedule(&b.store, org, "Office", &to_group, &to_menu).await;
    let to_hours = Destination::BusinessHours { id: hours };
    let mut did = phone_number(org, &unique_e164(), to_hours);
    did.label = String::new();
    b.store.create_phone_number(&did, &[]).await.unwrap();
    let front = add_menu(&b.store, org, "Front desk", &to_menu, &to_group).await;
    add_menu_option(&b.store, org, front, "1", &to_room).await;
    add_menu_option(&b.store, org, front, "2", &to_room).await;
    // A menu that loops back to itself is not its own referrer.
    add_menu_option(&b.store, org, menu, "9", &to_menu).await;

    assert_eq!(
        references(&b.store, org, DestinationKind::RingGroup, group).await,
        [
            referrer("business_hours", hours, "Office"),
            referrer("ivr_menu", front, "Front desk"),
        ]
    );
    assert_eq!(
        references(&b.store, org, DestinationKind::ConferenceRoom, room).await,
        [referrer("ivr_menu", front, "Front desk")]
    );
    assert_eq!(
        references(&b.store, org, DestinationKind::IvrMenu, menu).await,
        [
            referrer("business_hours", hours, "Office"),
            referrer("ivr_menu", front, "Front desk"),
        ]
    );
    assert_eq!(
        references(&b.store, org, DestinationKind::BusinessHours, hours).await,
        [referrer("phone_number", did.id, did.number.as_str())],
        "an unlabelled number is named by its digits"
    );
    assert_eq!(
        references(&b.store, org, DestinationKind::IvrMenu, front).await,
        []
    );
}

async fn references_in_other_organizations_are_not_counted(b: Backend) {
    let mine = new_org(&b.store).await.id;
    let theirs = new_org(&b.store).await.id;
    let target = add_extension(&b.store, mine, "101").await.id;
    // Only a writer that skipped `destination_exists` could store this; it must not leak.
    let stray = add_phone_number(
        &b.store,
        theirs,
        &unique_e164(),
        Destination::Extension { id: target },
    )
    .await;

    assert_eq!(
        references(&b.store, mine, DestinationKind::Extension, target).await,
        []
    );
    assert_eq!(
        references(&b.store, theirs, DestinationKind::Extension, target).await,
        [referrer("phone_number", stray.id, &stray.label)]
    );
    b.store.delete_extension(mine, target, &[]).await.unwrap();
}

async fn destinations_exist_only_within_their_organization(b: Backend) {
    let mine = new_org(&b.store).await.id;
    let theirs = new_org(&b.store).await.id;
    let hangup = Destination::Hangup;
    let own = [
        Destination::Extension {
            id: add_extension(&b.store, mine, "101").await.id,
        },
        Destination::Voicemail {
            id: add_extension(&b.store, mine, "102").await.id,
        },
        Destination::RingGroup {
            id: add_ring_group(&b.store, mine, "Sales", vec![]).await.id,
        },
        Destination::BusinessHours {
            id: add_schedule(&b.store, mine, "Office", &hangup, &hangup).await,
        },
        Destination::IvrMenu {
            id: add_menu(&b.store, mine, "Welcome", &hangup, &hangup).await,
        },
        Destination::ConferenceRoom {
            id: add_room(&b.store, mine, "Board").await,
        },
    ];
    for destination in &own {
        assert!(
            b.store.destination_exists(mine, destination).await.unwrap(),
            "{destination:?} exists in its own organization"
        );
        assert!(
            !b.store
                .destination_exists(theirs, destination)
                .await
                .unwrap(),
            "{destination:?} is invisible to another organization"
        );
    }
    let missing = Destination::RingGroup {
        id: RingGroupId::new(),
    };
    assert!(!b.store.destination_exists(mine, &missing).await.unwrap());
    let external = Destination::ExternalNumber {
        number: E164::parse("+442079460000").unwrap(),
    };
    assert!(b.store.destination_exists(mine, &external).await.unwrap());
    assert!(b.store.destination_exists(mine, &hangup).await.unwrap());
}

async fn destinations_are_named_as_people_know_them_within_the_organization(b: Backend) {
    let mine = new_org(&b.store).await.id;
    let theirs = new_org(&b.store).await.id;
    let hangup = Destination::Hangup;
    let desk = add_extension(&b.store, mine, "101").await;
    let mut unnamed = extension(mine, "102");
    unnamed.display_name = String::new();
    b.store.create_extension(&unnamed, &[]).await.unwrap();
    let external = E164::parse("+442079460000").unwrap();
    let named = [
        (Destination::Extension { id: desk.id }, "101 Desk 101"),
        (Destination::Voicemail { id: desk.id }, "101 Desk 101"),
        (Destination::Extension { id: unnamed.id }, "102"),
        (
            Destination::RingGroup {
                id: add_ring_group(&b.store, mine, "Sales", vec![]).await.id,
            },
            "Sales",
        ),
        (
            Destination::BusinessHours {
                id: add_schedule(&b.store, mine, "Office", &hangup, &hangup).await,
            },
            "Office",
        ),
        (
            Destination::IvrMenu {
                id: add_menu(&b.store, mine, "Welcome", &hangup, &hangup).await,
            },
            "Welcome",
        ),
        (
            Destination::ConferenceRoom {
                id: add_room(&b.store, mine, "Board").await,
            },
            "Board",
        ),
        (
            Destination::ExternalNumber {
                number: external.clone(),
            },
            "+442079460000",
        ),
    ];
    let foreign = Destination::RingGroup {
        id: add_ring_group(&b.store, theirs, "Their sales", vec![])
            .await
            .id,
    };
    let deleted = Destination::IvrMenu {
        id: IvrMenuId::new(),
    };
    let mut asked: Vec<Destination> = named.iter().map(|(d, _)| d.clone()).collect();
    // Repeats are harmless; unnamed kinds and unknown or foreign targets get no entry.
    asked.extend([named[0].0.clone(), hangup, foreign, deleted]);
    let names = b.store.destination_names(mine, &asked).await.unwrap();
    assert_eq!(names.len(), named.len(), "{names:?}");
    for (d, name) in &named {
        assert_eq!(names.get(d).map(String::as_str), Some(*name), "{d:?}");
    }
    assert!(
        b.store
            .destination_names(mine, &[])
            .await
            .unwrap()
            .is_empty()
    );
    // From the other organization, only the number (which is not an object) has a name.
    let theirs_view = b
        .store
        .destination_names(theirs, &asked[..named.len()])
        .await
        .unwrap();
    assert_eq!(
        theirs_view.into_keys().collect::<Vec<_>>(),
        [Destination::ExternalNumber { number: external }]
    );
}

opbx_tests::on_both_backends!(
    destinations_are_named_as_people_know_them_within_the_organization,
    every_column_that_routes_to_an_extension_is_found,
    every_kind_of_target_is_scanned,
    references_in_other_organizations_are_not_counted,
    destinations_exist_only_within_their_organization,
);
