//! Extensions, and the fixtures the other configuration tests share.

use std::fmt::Debug;

use opbx::adapters::sql::SqlStore;
use opbx::domain::destination::Destination;
use opbx::domain::e164::E164;
use opbx::domain::extension_number::ExtensionNumber;
use opbx::domain::ids::{ExtensionId, OrgId, PhoneNumberId, RingGroupId, UserId};
use opbx::domain::model::{Extension, PhoneNumber, RingGroup, RingStrategy, Role, Status, User};
use opbx::domain::now_ms;
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx::ports::ring_groups::RingGroupRepo;
use opbx::ports::store::{ListFilter, PageRequest, Referrer, StoreError, StoreResult};
use opbx::ports::users::UserRepo;
use opbx_tests::numbers::unique_e164;
use opbx_tests::{Backend, new_org};

pub(crate) fn extension(org: OrgId, number: &str) -> Extension {
    let now = now_ms();
    Extension {
        id: ExtensionId::new(),
        organization_id: org,
        number: ExtensionNumber::parse(number).unwrap(),
        display_name: format!("Desk {number}"),
        user_id: None,
        sip_password_enc: format!("sealed:v1:{number}"),
        status: Status::Active,
        do_not_disturb: false,
        forward_always: None,
        no_answer_timeout: 20,
        no_answer: None,
        voicemail_enabled: true,
        voicemail_greeting: None,
        voicemail_greeting_recording_id: None,
        voicemail_email: None,
        cloudonix_subscriber_id: None,
        created_at: now,
        updated_at: now,
    }
}

pub(crate) async fn add_extension(store: &SqlStore, org: OrgId, number: &str) -> Extension {
    let ext = extension(org, number);
    store.create_extension(&ext, &[]).await.unwrap();
    ext
}

pub(crate) fn user(org: OrgId, email: &str) -> User {
    let now = now_ms();
    User {
        id: UserId::new(),
        organization_id: org,
        email: email.to_owned(),
        name: format!("User {email}"),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        role: Role::PbxUser,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    }
}

pub(crate) async fn add_user(store: &SqlStore, org: OrgId, email: &str) -> User {
    let user = user(org, email);
    store.create_user(&user, &[]).await.unwrap();
    user
}

pub(crate) fn phone_number(org: OrgId, number: &str, destination: Destination) -> PhoneNumber {
    let now = now_ms();
    PhoneNumber {
        id: PhoneNumberId::new(),
        organization_id: org,
        number: E164::parse(number).unwrap(),
        label: format!("Line {number}"),
        destination,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    }
}

pub(crate) async fn add_phone_number(
    store: &SqlStore,
    org: OrgId,
    number: &str,
    destination: Destination,
) -> PhoneNumber {
    let pn = phone_number(org, number, destination);
    store.create_phone_number(&pn, &[]).await.unwrap();
    pn
}

pub(crate) fn ring_group(org: OrgId, name: &str, members: Vec<ExtensionId>) -> RingGroup {
    let now = now_ms();
    RingGroup {
        id: RingGroupId::new(),
        organization_id: org,
        name: name.to_owned(),
        strategy: RingStrategy::Sequential,
        member_timeout: 15,
        rounds: 2,
        skip_busy: true,
        fallback: Destination::Hangup,
        status: Status::Active,
        members,
        created_at: now,
        updated_at: now,
    }
}

pub(crate) async fn add_ring_group(
    store: &SqlStore,
    org: OrgId,
    name: &str,
    members: Vec<ExtensionId>,
) -> RingGroup {
    let group = ring_group(org, name, members);
    store.create_ring_group(&group, &[]).await.unwrap();
    group
}

pub(crate) fn search(q: &str) -> ListFilter {
    ListFilter {
        q: Some(q.to_owned()),
        status: None,
    }
}

pub(crate) fn with_status(status: Status) -> ListFilter {
    ListFilter {
        q: None,
        status: Some(status),
    }
}

pub(crate) fn assert_conflict<T: Debug>(result: StoreResult<T>, field: &str) {
    match result {
        Err(StoreError::Conflict(what)) => assert_eq!(what, field),
        other => panic!("expected a conflict on {field}, got {other:?}"),
    }
}

pub(crate) fn assert_not_found<T: Debug>(result: StoreResult<T>) {
    assert!(
        matches!(result, Err(StoreError::NotFound)),
        "expected not found, got {result:?}"
    );
}

/// The referrers an `InUse` refusal names.
pub(crate) fn in_use<T: Debug>(result: StoreResult<T>) -> Vec<Referrer> {
    match result {
        Err(StoreError::InUse(referrers)) => referrers,
        other => panic!("expected the delete to be refused as in use, got {other:?}"),
    }
}

pub(crate) fn referrer(object_type: &'static str, id: impl ToString, name: &str) -> Referrer {
    Referrer {
        object_type,
        id: id.to_string(),
        name: name.to_owned(),
    }
}

async fn created_extension_reads_back(b: Backend) {
    let org = new_org(&b.store).await.id;
    let owner = add_user(&b.store, org, "ann@example.com").await;
    let mut ext = extension(org, "101");
    ext.user_id = Some(owner.id);
    ext.do_not_disturb = true;
    ext.forward_always = Some(Destination::ExternalNumber {
        number: E164::parse("+442079460000").unwrap(),
    });
    ext.no_answer = Some(Destination::Voicemail { id: ext.id });
    ext.voicemail_greeting = Some("https://example.com/greeting.mp3".into());
    ext.cloudonix_subscriber_id = Some("sub-8812".into());
    b.store.create_extension(&ext, &[]).await.unwrap();

    assert_eq!(b.store.find_extension(org, ext.id).await.unwrap(), ext);
    assert_eq!(
        b.store
            .find_extension_by_number(org, &ext.number)
            .await
            .unwrap(),
        ext
    );
    assert_not_found(
        b.store
            .find_extension_by_number(org, &ExtensionNumber::parse("102").unwrap())
            .await,
    );
}

async fn update_saves_every_field(b: Backend) {
    let org = new_org(&b.store).await.id;
    let owner = add_user(&b.store, org, "bob@example.com").await;
    let mut ext = add_extension(&b.store, org, "101").await;
    ext.number = ExtensionNumber::parse("201").unwrap();
    ext.display_name = "Reception".into();
    ext.user_id = Some(owner.id);
    ext.sip_password_enc = "sealed:v1:rotated".into();
    ext.status = Status::Inactive;
    ext.do_not_disturb = true;
    ext.forward_always = Some(Destination::Hangup);
    ext.no_answer_timeout = 35;
    ext.no_answer = Some(Destination::Voicemail { id: ext.id });
    ext.voicemail_enabled = false;
    ext.voicemail_greeting = Some("greeting.wav".into());
    ext.cloudonix_subscriber_id = Some("sub-1".into());
    ext.updated_at += 1000;
    b.store.update_extension(&ext, &[]).await.unwrap();
    // The subscriber link is the Cloudonix sync's alone: an edit made from a row read before the
    // sync linked a subscriber must not wipe the link.
    ext.cloudonix_subscriber_id = None;
    assert_eq!(b.store.find_extension(org, ext.id).await.unwrap(), ext);

    ext.user_id = None;
    ext.forward_always = None;
    ext.no_answer = None;
    b.store.update_extension(&ext, &[]).await.unwrap();
    assert_eq!(b.store.find_extension(org, ext.id).await.unwrap(), ext);
}

async fn number_is_unique_within_an_organization(b: Backend) {
    let org = new_org(&b.store).await.id;
    let first = add_extension(&b.store, org, "101").await;
    assert_conflict(
        b.store.create_extension(&extension(org, "101"), &[]).await,
        "extension number",
    );

    let mut second = add_extension(&b.store, org, "102").await;
    second.number = first.number.clone();
    assert_conflict(
        b.store.update_extension(&second, &[]).await,
        "extension number",
    );

    let other_org = new_org(&b.store).await.id;
    b.store
        .create_extension(&extension(other_org, "101"), &[])
        .await
        .unwrap();
}

async fn another_organizations_extension_is_not_found(b: Backend) {
    let mine = new_org(&b.store).await.id;
    let theirs = new_org(&b.store).await.id;
    add_extension(&b.store, mine, "101").await;
    let foreign = add_extension(&b.store, theirs, "555").await;

    assert_not_found(b.store.find_extension(mine, foreign.id).await);
    assert_not_found(
        b.store
            .find_extension_by_number(mine, &foreign.number)
            .await,
    );

    let mut hijack = foreign.clone();
    hijack.organization_id = mine;
    hijack.display_name = "Hijacked".into();
    assert_not_found(b.store.update_extension(&hijack, &[]).await);
    assert_not_found(b.store.delete_extension(mine, foreign.id, &[]).await);
    assert_eq!(
        b.store.find_extension(theirs, foreign.id).await.unwrap(),
        foreign
    );

    let listed = b
        .store
        .list_extensions(mine, &ListFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    assert!(listed.items.iter().all(|e| e.organization_id == mine));
}

async fn unknown_extension_is_not_found(b: Backend) {
    let org = new_org(&b.store).await.id;
    assert_not_found(b.store.find_extension(org, ExtensionId::new()).await);
    assert_not_found(b.store.update_extension(&extension(org, "101"), &[]).await);
    assert_not_found(b.store.delete_extension(org, ExtensionId::new(), &[]).await);
}

async fn list_searches_filters_and_pages_in_number_order(b: Backend) {
    let org = new_org(&b.store).await.id;
    let mut sales = extension(org, "1000");
    sales.display_name = "Sales Floor".into();
    b.store.create_extension(&sales, &[]).await.unwrap();
    let mut lobby = extension(org, "102");
    lobby.display_name = "Lobby 100%".into();
    lobby.status = Status::Inactive;
    b.store.create_extension(&lobby, &[]).await.unwrap();
    let desk_20 = add_extension(&b.store, org, "20").await;
    let desk_101 = add_extension(&b.store, org, "101").await;

    let all = b
        .store
        .list_extensions(org, &ListFilter::default(), PageRequest::new(1, 3))
        .await
        .unwrap();
    assert_eq!(all.total, 4);
    assert_eq!(
        all.items,
        vec![desk_20.clone(), desk_101.clone(), lobby.clone()]
    );
    let rest = b
        .store
        .list_extensions(org, &ListFilter::default(), PageRequest::new(2, 3))
        .await
        .unwrap();
    assert_eq!((rest.total, rest.page, rest.per_page), (4, 2, 3));
    assert_eq!(rest.items, vec![sales.clone()]);

    assert_eq!(
        listed_numbers(&b.store, org, search("DESK")).await,
        ["20", "101"]
    );
    assert_eq!(
        listed_numbers(&b.store, org, search("10")).await,
        ["101", "102", "1000"]
    );
    assert_eq!(
        listed_numbers(&b.store, org, search("sales")).await,
        ["1000"]
    );
    assert_eq!(listed_numbers(&b.store, org, search("100%")).await, ["102"]);
    assert_eq!(
        listed_numbers(&b.store, org, search("1%0")).await,
        Vec::<String>::new()
    );
    assert_eq!(
        listed_numbers(&b.store, org, search("1_1")).await,
        Vec::<String>::new()
    );
    assert_eq!(
        listed_numbers(&b.store, org, with_status(Status::Inactive)).await,
        ["102"]
    );
    let active_desks = ListFilter {
        q: Some("desk".into()),
        status: Some(Status::Active),
    };
    assert_eq!(
        listed_numbers(&b.store, org, active_desks).await,
        ["20", "101"]
    );
}

async fn listed_numbers(store: &SqlStore, org: OrgId, filter: ListFilter) -> Vec<String> {
    store
        .list_extensions(org, &filter, PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.number.to_string())
        .collect()
}

async fn delete_is_refused_while_a_number_routes_to_it(b: Backend) {
    let org = new_org(&b.store).await.id;
    let ext = add_extension(&b.store, org, "101").await;
    let mut did = add_phone_number(
        &b.store,
        org,
        &unique_e164(),
        Destination::Extension { id: ext.id },
    )
    .await;

    let referrers = in_use(b.store.delete_extension(org, ext.id, &[]).await);
    assert_eq!(referrers, [referrer("phone_number", did.id, &did.label)]);
    assert_eq!(b.store.find_extension(org, ext.id).await.unwrap(), ext);

    did.destination = Destination::Hangup;
    b.store.update_phone_number(&did, &[]).await.unwrap();
    b.store.delete_extension(org, ext.id, &[]).await.unwrap();
    assert_not_found(b.store.find_extension(org, ext.id).await);
}

async fn delete_is_refused_while_in_a_ring_group(b: Backend) {
    let org = new_org(&b.store).await.id;
    let ext = add_extension(&b.store, org, "101").await;
    let mut group = add_ring_group(&b.store, org, "Support", vec![ext.id]).await;

    assert_eq!(
        in_use(b.store.delete_extension(org, ext.id, &[]).await),
        [referrer("ring_group", group.id, "Support")]
    );

    group.members.clear();
    b.store.update_ring_group(&group, &[]).await.unwrap();
    b.store.delete_extension(org, ext.id, &[]).await.unwrap();
}

async fn voicemail_destinations_block_delete_except_its_own(b: Backend) {
    let org = new_org(&b.store).await.id;
    let mut ext = extension(org, "101");
    ext.no_answer = Some(Destination::Voicemail { id: ext.id });
    ext.forward_always = Some(Destination::Extension { id: ext.id });
    b.store.create_extension(&ext, &[]).await.unwrap();

    let mut colleague = extension(org, "102");
    colleague.no_answer = Some(Destination::Voicemail { id: ext.id });
    b.store.create_extension(&colleague, &[]).await.unwrap();
    assert_eq!(
        in_use(b.store.delete_extension(org, ext.id, &[]).await),
        [referrer("extension", colleague.id, "102")]
    );

    colleague.no_answer = Some(Destination::Voicemail { id: colleague.id });
    b.store.update_extension(&colleague, &[]).await.unwrap();
    b.store.delete_extension(org, ext.id, &[]).await.unwrap();
    assert_not_found(b.store.find_extension(org, ext.id).await);
}

async fn linked_user_must_belong_to_the_organization(b: Backend) {
    let org = new_org(&b.store).await.id;
    let other_org = new_org(&b.store).await.id;
    let stranger = add_user(&b.store, other_org, "eve@example.com").await;
    let mut ext = extension(org, "101");
    ext.user_id = Some(stranger.id);
    assert_not_found(b.store.create_extension(&ext, &[]).await);
    assert_not_found(b.store.find_extension(org, ext.id).await);

    ext.user_id = None;
    b.store.create_extension(&ext, &[]).await.unwrap();
    ext.user_id = Some(stranger.id);
    assert_not_found(b.store.update_extension(&ext, &[]).await);
    assert_eq!(
        b.store.find_extension(org, ext.id).await.unwrap().user_id,
        None
    );
}

async fn extensions_of_a_user_are_listed_in_number_order(b: Backend) {
    let org = new_org(&b.store).await.id;
    let ann = add_user(&b.store, org, "ann@example.com").await;
    let bob = add_user(&b.store, org, "bob@example.com").await;
    let mut mobile = extension(org, "1001");
    mobile.user_id = Some(ann.id);
    b.store.create_extension(&mobile, &[]).await.unwrap();
    let mut desk = extension(org, "201");
    desk.user_id = Some(ann.id);
    b.store.create_extension(&desk, &[]).await.unwrap();
    add_extension(&b.store, org, "202").await;

    assert_eq!(
        b.store.extensions_of_user(org, ann.id).await.unwrap(),
        [desk, mobile]
    );
    assert_eq!(b.store.extensions_of_user(org, bob.id).await.unwrap(), []);
    let other_org = new_org(&b.store).await.id;
    assert_eq!(
        b.store.extensions_of_user(other_org, ann.id).await.unwrap(),
        []
    );
}

opbx_tests::on_both_backends!(
    created_extension_reads_back,
    update_saves_every_field,
    number_is_unique_within_an_organization,
    another_organizations_extension_is_not_found,
    unknown_extension_is_not_found,
    list_searches_filters_and_pages_in_number_order,
    delete_is_refused_while_a_number_routes_to_it,
    delete_is_refused_while_in_a_ring_group,
    voicemail_destinations_block_delete_except_its_own,
    linked_user_must_belong_to_the_organization,
    extensions_of_a_user_are_listed_in_number_order,
);
