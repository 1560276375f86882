use opbx::adapters::sql::{SqlStore, big};
use opbx::domain::destination::Destination;
use opbx::domain::e164::E164;
use opbx::domain::ids::{ExtensionId, IvrMenuId, OrgId, PhoneNumberId, RingGroupId};
use opbx::domain::model::{IvrMenu, IvrOption, Status};
use opbx::ports::ivr_menus::IvrMenuRepo;
use opbx::ports::store::{ListFilter, PageRequest, StoreError};
use opbx_tests::{Backend, new_org};

// Fixture rows written with plain SQL, so these tests depend on no other repository.

/// A minimal extension row (for foreign keys: voicemail boxes, direct-dial allowlists).
pub(crate) async fn insert_extension(store: &SqlStore, org: OrgId, number: &str) -> ExtensionId {
    let id = ExtensionId::new();
    sqlx::query(
        "INSERT INTO extensions (id, organization_id, number, display_name, sip_password_enc, \
         status, do_not_disturb, no_answer_timeout, voicemail_enabled, created_at, updated_at) \
         VALUES (?, ?, ?, ?, '', 'active', 0, 20, 1, 0, 0)",
    )
    .bind(id.to_string())
    .bind(org.to_string())
    .bind(number)
    .bind(format!("Extension {number}"))
    .execute(store.pool())
    .await
    .expect("insert extension fixture");
    id
}

/// A phone number routed to `destination`, i.e. something that refers to the destination.
pub(crate) async fn insert_phone_number(store: &SqlStore, org: OrgId, destination: &Destination) {
    sqlx::query(
        "INSERT INTO phone_numbers (id, organization_id, number, label, destination_type, \
         destination_ref, status, created_at, updated_at) \
         VALUES (?, ?, ?, 'Main line', ?, ?, 'active', 0, 0)",
    )
    .bind(PhoneNumberId::new().to_string())
    .bind(org.to_string())
    .bind(opbx_tests::numbers::unique_e164())
    .bind(destination.kind().as_str())
    .bind(destination.reference())
    .execute(store.pool())
    .await
    .expect("insert phone number fixture");
}

/// How many rows of `table` have `column = value`, to see what a repository left behind.
pub(crate) async fn count_rows(store: &SqlStore, table: &str, column: &str, value: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = ?");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(value.to_owned())
        .fetch_one(store.pool())
        .await
        .expect("count rows");
    big(&row, "n").unwrap()
}

fn option(digits: &str, destination: Destination) -> IvrOption {
    IvrOption {
        digits: digits.into(),
        label: format!("Press {digits}"),
        destination,
    }
}

fn menu(org: OrgId, name: &str) -> IvrMenu {
    IvrMenu {
        id: IvrMenuId::new(),
        organization_id: org,
        name: name.into(),
        prompt_text: Some("For sales press 2, for support press 1.".into()),
        prompt_voice: Some("woman".into()),
        prompt_audio_url: None,
        prompt_recording_id: None,
        digit_timeout: 5,
        max_invalid: 3,
        max_timeouts: 2,
        invalid_destination: Destination::Hangup,
        timeout_destination: Destination::ExternalNumber {
            number: E164::parse("+442079460000").unwrap(),
        },
        // Deliberately not in digit order: the order given is the order kept.
        options: vec![
            option(
                "2",
                Destination::RingGroup {
                    id: RingGroupId::new(),
                },
            ),
            option(
                "1",
                Destination::Voicemail {
                    id: ExtensionId::new(),
                },
            ),
            option("#", Destination::Hangup),
        ],
        direct_dial: false,
        direct_dial_allowlist: Vec::new(),
        status: Status::Active,
        created_at: 1_700_000_000_000,
        updated_at: 1_700_000_000_000,
    }
}

fn expect_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>, field: &str) {
    match result {
        Err(StoreError::Conflict(what)) => assert_eq!(what, field),
        other => panic!("expected a conflict on {field}, got {other:?}"),
    }
}

async fn menu_round_trips_with_options_and_allowlist(b: Backend) {
    let org = new_org(&b.store).await;
    let first = insert_extension(&b.store, org.id, "201").await;
    let second = insert_extension(&b.store, org.id, "202").await;
    let mut m = menu(org.id, "Main menu");
    m.direct_dial = true;
    m.direct_dial_allowlist = vec![first, second];
    b.store.create_ivr_menu(&m, &[]).await.unwrap();

    assert_eq!(b.store.find_ivr_menu(org.id, m.id).await.unwrap(), m);
    let listed = b
        .store
        .list_ivr_menus(org.id, &ListFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.items, vec![m]);
}

async fn update_replaces_options_and_allowlist(b: Backend) {
    let org = new_org(&b.store).await;
    let first = insert_extension(&b.store, org.id, "201").await;
    let second = insert_extension(&b.store, org.id, "202").await;
    let mut m = menu(org.id, "Main menu");
    m.direct_dial = true;
    m.direct_dial_allowlist = vec![first];
    b.store.create_ivr_menu(&m, &[]).await.unwrap();

    m.name = "After hours".into();
    m.prompt_text = None;
    m.prompt_audio_url = Some("https://cdn.example.com/after-hours.wav".into());
    m.digit_timeout = 8;
    m.invalid_destination = Destination::IvrMenu { id: m.id };
    m.options = vec![
        option("9", Destination::Hangup),
        option(
            "2",
            Destination::Extension {
                id: ExtensionId::new(),
            },
        ),
    ];
    m.direct_dial_allowlist = vec![second];
    m.status = Status::Inactive;
    m.updated_at += 60_000;
    b.store.update_ivr_menu(&m, &[]).await.unwrap();
    assert_eq!(b.store.find_ivr_menu(org.id, m.id).await.unwrap(), m);

    m.options.clear();
    m.direct_dial = false;
    m.direct_dial_allowlist.clear();
    b.store.update_ivr_menu(&m, &[]).await.unwrap();
    assert_eq!(b.store.find_ivr_menu(org.id, m.id).await.unwrap(), m);
    assert_eq!(
        count_rows(&b.store, "ivr_menu_options", "menu_id", &m.id.to_string()).await,
        0
    );
}

async fn option_digits_are_unique_within_a_menu(b: Backend) {
    let org = new_org(&b.store).await;
    let mut twice = menu(org.id, "Main menu");
    twice.options.push(option("2", Destination::Hangup));
    expect_conflict(
        b.store.create_ivr_menu(&twice, &[]).await,
        "IVR option digits",
    );
    // The menu row written before the failing option is rolled back with it.
    assert!(matches!(
        b.store.find_ivr_menu(org.id, twice.id).await,
        Err(StoreError::NotFound)
    ));

    let m = menu(org.id, "Main menu");
    b.store.create_ivr_menu(&m, &[]).await.unwrap();
    let mut broken = m.clone();
    broken.name = "Renamed".into();
    broken.options = vec![
        option("5", Destination::Hangup),
        option("5", Destination::Hangup),
    ];
    expect_conflict(
        b.store.update_ivr_menu(&broken, &[]).await,
        "IVR option digits",
    );
    // A failed update changes nothing: not the name, not the old options.
    assert_eq!(b.store.find_ivr_menu(org.id, m.id).await.unwrap(), m);

    // Other menus may use the same digits.
    b.store
        .create_ivr_menu(&menu(org.id, "Second menu"), &[])
        .await
        .unwrap();
}

async fn menu_names_are_unique_per_organization_ignoring_case(b: Backend) {
    let org = new_org(&b.store).await;
    let m = menu(org.id, "Main Menu");
    b.store.create_ivr_menu(&m, &[]).await.unwrap();
    expect_conflict(
        b.store
            .create_ivr_menu(&menu(org.id, "main menu"), &[])
            .await,
        "IVR menu name",
    );

    let mut other = menu(org.id, "Other");
    b.store.create_ivr_menu(&other, &[]).await.unwrap();
    other.name = "MAIN MENU".into();
    expect_conflict(b.store.update_ivr_menu(&other, &[]).await, "IVR menu name");

    let elsewhere = new_org(&b.store).await;
    b.store
        .create_ivr_menu(&menu(elsewhere.id, "Main Menu"), &[])
        .await
        .unwrap();
}

async fn allowlist_takes_only_own_extensions_once(b: Backend) {
    let org = new_org(&b.store).await;
    let own = insert_extension(&b.store, org.id, "201").await;
    let stranger = new_org(&b.store).await;
    let foreign = insert_extension(&b.store, stranger.id, "201").await;

    let mut m = menu(org.id, "Main menu");
    m.direct_dial = true;
    m.direct_dial_allowlist = vec![own, foreign];
    assert!(matches!(
        b.store.create_ivr_menu(&m, &[]).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.find_ivr_menu(org.id, m.id).await,
        Err(StoreError::NotFound)
    ));

    m.direct_dial_allowlist = vec![own, own];
    expect_conflict(
        b.store.create_ivr_menu(&m, &[]).await,
        "IVR direct-dial extension",
    );

    m.direct_dial_allowlist = vec![own];
    b.store.create_ivr_menu(&m, &[]).await.unwrap();
    let mut sneaky = m.clone();
    sneaky.direct_dial_allowlist = vec![foreign];
    assert!(matches!(
        b.store.update_ivr_menu(&sneaky, &[]).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(b.store.find_ivr_menu(org.id, m.id).await.unwrap(), m);
}

async fn delete_removes_menu_and_children(b: Backend) {
    let org = new_org(&b.store).await;
    let ext = insert_extension(&b.store, org.id, "201").await;
    let mut m = menu(org.id, "Main menu");
    m.direct_dial_allowlist = vec![ext];
    b.store.create_ivr_menu(&m, &[]).await.unwrap();

    b.store.delete_ivr_menu(org.id, m.id, &[]).await.unwrap();
    assert!(matches!(
        b.store.find_ivr_menu(org.id, m.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.delete_ivr_menu(org.id, m.id, &[]).await,
        Err(StoreError::NotFound)
    ));
    let id = m.id.to_string();
    assert_eq!(
        count_rows(&b.store, "ivr_menu_options", "menu_id", &id).await,
        0
    );
    assert_eq!(
        count_rows(&b.store, "ivr_direct_dial", "menu_id", &id).await,
        0
    );
}

async fn routed_to_menu_cannot_be_deleted(b: Backend) {
    let org = new_org(&b.store).await;
    let m = menu(org.id, "Main menu");
    b.store.create_ivr_menu(&m, &[]).await.unwrap();
    insert_phone_number(&b.store, org.id, &Destination::IvrMenu { id: m.id }).await;

    match b.store.delete_ivr_menu(org.id, m.id, &[]).await {
        Err(StoreError::InUse(referrers)) => {
            assert_eq!(referrers.len(), 1);
            assert_eq!(referrers[0].object_type, "phone_number");
        }
        other => panic!("expected InUse, got {other:?}"),
    }
    assert_eq!(b.store.find_ivr_menu(org.id, m.id).await.unwrap(), m);
}

async fn other_organizations_cannot_see_or_change_a_menu(b: Backend) {
    let org = new_org(&b.store).await;
    let intruder = new_org(&b.store).await;
    let m = menu(org.id, "Main menu");
    b.store.create_ivr_menu(&m, &[]).await.unwrap();

    assert!(matches!(
        b.store.find_ivr_menu(intruder.id, m.id).await,
        Err(StoreError::NotFound)
    ));
    let mut hijack = m.clone();
    hijack.organization_id = intruder.id;
    hijack.options.clear();
    assert!(matches!(
        b.store.update_ivr_menu(&hijack, &[]).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.delete_ivr_menu(intruder.id, m.id, &[]).await,
        Err(StoreError::NotFound)
    ));
    let theirs = b
        .store
        .list_ivr_menus(intruder.id, &ListFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(theirs.total, 0);
    assert!(theirs.items.is_empty());
    assert_eq!(b.store.find_ivr_menu(org.id, m.id).await.unwrap(), m);
}

async fn list_pages_by_name_and_filters(b: Backend) {
    let org = new_org(&b.store).await;
    let support = menu(org.id, "Support");
    let alpha = menu(org.id, "alpha");
    let mut sales = menu(org.id, "Sales");
    sales.status = Status::Inactive;
    for m in [&support, &alpha, &sales] {
        b.store.create_ivr_menu(m, &[]).await.unwrap();
    }

    let all = ListFilter::default();
    let first = b
        .store
        .list_ivr_menus(org.id, &all, PageRequest::new(1, 2))
        .await
        .unwrap();
    assert_eq!(first.total, 3);
    assert_eq!(first.items, vec![alpha.clone(), sales.clone()]);
    let second = b
        .store
        .list_ivr_menus(org.id, &all, PageRequest::new(2, 2))
        .await
        .unwrap();
    assert_eq!(second.items, vec![support.clone()]);

    let by_name = ListFilter {
        q: Some("SUP".into()),
        status: None,
    };
    let found = b
        .store
        .list_ivr_menus(org.id, &by_name, PageRequest::default())
        .await
        .unwrap();
    assert_eq!((found.total, found.items), (1, vec![support]));

    let inactive = ListFilter {
        q: None,
        status: Some(Status::Inactive),
    };
    let found = b
        .store
        .list_ivr_menus(org.id, &inactive, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(found.items, vec![sales]);
}

async fn unknown_menu_is_not_found(b: Backend) {
    let org = new_org(&b.store).await;
    assert!(matches!(
        b.store.find_ivr_menu(org.id, IvrMenuId::new()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.update_ivr_menu(&menu(org.id, "Ghost"), &[]).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.delete_ivr_menu(org.id, IvrMenuId::new(), &[]).await,
        Err(StoreError::NotFound)
    ));
}

opbx_tests::on_both_backends!(
    menu_round_trips_with_options_and_allowlist,
    update_replaces_options_and_allowlist,
    option_digits_are_unique_within_a_menu,
    menu_names_are_unique_per_organization_ignoring_case,
    allowlist_takes_only_own_extensions_once,
    delete_removes_menu_and_children,
    routed_to_menu_cannot_be_deleted,
    other_organizations_cannot_see_or_change_a_menu,
    list_pages_by_name_and_filters,
    unknown_menu_is_not_found,
);
