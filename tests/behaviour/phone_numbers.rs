use opbx::adapters::sql::SqlStore;
use opbx::domain::destination::Destination;
use opbx::domain::e164::E164;
use opbx::domain::ids::{OrgId, PhoneNumberId};
use opbx::domain::model::OrgStatus;
use opbx::domain::model::Status;
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx::ports::platform::PlatformRepo;
use opbx::ports::store::{ListFilter, PageRequest};
use opbx_tests::numbers::{unique_e164, unique_e164_prefix};
use opbx_tests::{Backend, new_org};

use crate::extensions::{
    add_extension, add_phone_number, add_ring_group, assert_conflict, assert_not_found,
    phone_number, search, with_status,
};

async fn created_number_reads_back(b: Backend) {
    let org = new_org(&b.store).await.id;
    let group = add_ring_group(&b.store, org, "Sales", vec![]).await;
    // Typed as people do: `+1 (555) 1234-5678900` for `+155512345678900`.
    let prefix = unique_e164_prefix(1);
    let digits = &prefix[2..];
    let typed = format!("+1 ({}) {}-{}0", &digits[..3], &digits[3..7], &digits[7..]);
    let did = add_phone_number(
        &b.store,
        org,
        &typed,
        Destination::RingGroup { id: group.id },
    )
    .await;

    assert_eq!(b.store.find_phone_number(org, did.id).await.unwrap(), did);
    let dialled = E164::parse(&format!("{prefix}0")).unwrap();
    assert_eq!(
        b.store
            .find_phone_number_by_number(org, &dialled)
            .await
            .unwrap(),
        did
    );
    assert_not_found(
        b.store
            .find_phone_number_by_number(org, &E164::parse(&format!("{prefix}9")).unwrap())
            .await,
    );
}

async fn update_saves_number_label_destination_and_status(b: Backend) {
    let org = new_org(&b.store).await.id;
    let ext = add_extension(&b.store, org, "101").await;
    let mut did = add_phone_number(&b.store, org, &unique_e164(), Destination::Hangup).await;
    did.number = E164::parse(&unique_e164()).unwrap();
    did.label = "London office".into();
    did.destination = Destination::Extension { id: ext.id };
    did.status = Status::Inactive;
    did.updated_at += 1000;
    b.store.update_phone_number(&did, &[]).await.unwrap();
    assert_eq!(b.store.find_phone_number(org, did.id).await.unwrap(), did);
}

async fn number_is_unique_within_an_organization(b: Backend) {
    let org = new_org(&b.store).await.id;
    let taken = add_phone_number(&b.store, org, &unique_e164(), Destination::Hangup).await;
    let spaced = format!(
        "{} {}",
        &taken.number.as_str()[..5],
        &taken.number.as_str()[5..]
    );
    assert_conflict(
        b.store
            .create_phone_number(&phone_number(org, &spaced, Destination::Hangup), &[])
            .await,
        "phone number",
    );
    let mut second = add_phone_number(&b.store, org, &unique_e164(), Destination::Hangup).await;
    second.number = taken.number.clone();
    assert_conflict(
        b.store.update_phone_number(&second, &[]).await,
        "phone number",
    );
}

/// A number belongs to one organization: another one can neither create it nor move one of its
/// own numbers onto it, and is told only what a taken number of its own would tell it.
async fn a_number_belongs_to_one_organization(b: Backend) {
    let holder = new_org(&b.store).await.id;
    let held = add_phone_number(&b.store, holder, &unique_e164(), Destination::Hangup).await;
    let other = new_org(&b.store).await.id;
    let number = held.number.as_str();
    assert_conflict(
        b.store
            .create_phone_number(&phone_number(other, number, Destination::Hangup), &[])
            .await,
        "phone number",
    );
    let mut own = add_phone_number(&b.store, other, &unique_e164(), Destination::Hangup).await;
    let before = own.clone();
    own.number = held.number.clone();
    assert_conflict(b.store.update_phone_number(&own, &[]).await, "phone number");
    assert_eq!(
        b.store.find_phone_number(other, own.id).await.unwrap(),
        before
    );
    assert_eq!(
        b.store.find_phone_number(holder, held.id).await.unwrap(),
        held
    );

    // Released by deleting it, the number can be taken by anyone, its old holder included.
    b.store
        .delete_phone_number(holder, held.id, &[])
        .await
        .unwrap();
    let moved = add_phone_number(&b.store, other, number, Destination::Hangup).await;
    b.store
        .delete_phone_number(other, moved.id, &[])
        .await
        .unwrap();
    add_phone_number(&b.store, holder, number, Destination::Hangup).await;
}

/// A deleted organization keeps its numbers until the retention purges it, since reactivating it
/// restores everything; the purge releases them.
async fn a_deleted_organization_holds_its_numbers_until_purged(b: Backend) {
    let mut gone = new_org(&b.store).await;
    let held = add_phone_number(&b.store, gone.id, &unique_e164(), Destination::Hangup).await;
    gone.status = OrgStatus::Deleted;
    gone.updated_at += 10;
    let audit = crate::platform::entry("delete_organization", Some(gone.id));
    b.store.save_organization(&gone, &audit).await.unwrap();
    let other = new_org(&b.store).await.id;
    let number = held.number.as_str();
    assert_conflict(
        b.store
            .create_phone_number(&phone_number(other, number, Destination::Hangup), &[])
            .await,
        "phone number",
    );

    let purged = b
        .store
        .purge_deleted_organizations(gone.updated_at + 1, opbx::domain::now_ms())
        .await
        .unwrap();
    assert!(purged.contains(&gone.id));
    add_phone_number(&b.store, other, number, Destination::Hangup).await;
}

async fn another_organizations_number_is_not_found(b: Backend) {
    let mine = new_org(&b.store).await.id;
    let theirs = new_org(&b.store).await.id;
    add_phone_number(&b.store, mine, &unique_e164(), Destination::Hangup).await;
    let foreign = add_phone_number(&b.store, theirs, &unique_e164(), Destination::Hangup).await;

    assert_not_found(b.store.find_phone_number(mine, foreign.id).await);
    assert_not_found(
        b.store
            .find_phone_number_by_number(mine, &foreign.number)
            .await,
    );
    let mut hijack = foreign.clone();
    hijack.organization_id = mine;
    hijack.label = "Hijacked".into();
    assert_not_found(b.store.update_phone_number(&hijack, &[]).await);
    assert_not_found(b.store.delete_phone_number(mine, foreign.id, &[]).await);
    assert_eq!(
        b.store.find_phone_number(theirs, foreign.id).await.unwrap(),
        foreign
    );

    let listed = b
        .store
        .list_phone_numbers(mine, &ListFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    assert!(listed.items.iter().all(|n| n.organization_id == mine));
}

async fn deleted_number_is_gone(b: Backend) {
    let org = new_org(&b.store).await.id;
    let did = add_phone_number(&b.store, org, &unique_e164(), Destination::Hangup).await;
    b.store.delete_phone_number(org, did.id, &[]).await.unwrap();
    assert_not_found(b.store.find_phone_number(org, did.id).await);
    assert_not_found(b.store.delete_phone_number(org, did.id, &[]).await);
    assert_not_found(b.store.find_phone_number(org, PhoneNumberId::new()).await);
    assert_not_found(
        b.store
            .update_phone_number(&phone_number(org, &unique_e164(), Destination::Hangup), &[])
            .await,
    );
}

async fn listed_numbers(store: &SqlStore, org: OrgId, filter: ListFilter) -> Vec<String> {
    store
        .list_phone_numbers(org, &filter, PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|n| n.number.to_string())
        .collect()
}

async fn list_searches_filters_and_pages_in_number_order(b: Backend) {
    let org = new_org(&b.store).await.id;
    // Sales and main share digits that support's number, which sorts after both, lacks.
    let prefix = unique_e164_prefix(2);
    let (sales_number, main_number) = (format!("{prefix}00"), format!("{prefix}01"));
    let mut support = phone_number(org, &format!("{prefix}90"), Destination::Hangup);
    support.label = "UK Support".into();
    b.store.create_phone_number(&support, &[]).await.unwrap();
    let mut sales = phone_number(org, &sales_number, Destination::Hangup);
    sales.label = "US Sales".into();
    sales.status = Status::Inactive;
    b.store.create_phone_number(&sales, &[]).await.unwrap();
    let mut main = phone_number(org, &main_number, Destination::Hangup);
    main.label = "Main line".into();
    b.store.create_phone_number(&main, &[]).await.unwrap();

    let first = b
        .store
        .list_phone_numbers(org, &ListFilter::default(), PageRequest::new(1, 2))
        .await
        .unwrap();
    assert_eq!(first.total, 3);
    assert_eq!(first.items, vec![sales.clone(), main.clone()]);
    let second = b
        .store
        .list_phone_numbers(org, &ListFilter::default(), PageRequest::new(2, 2))
        .await
        .unwrap();
    assert_eq!(second.items, vec![support.clone()]);

    assert_eq!(
        listed_numbers(&b.store, org, search("support")).await,
        [support.number.to_string()]
    );
    assert_eq!(
        listed_numbers(&b.store, org, search(&format!("{}0", &prefix[1..]))).await,
        [sales_number, main_number.clone()]
    );
    assert_eq!(
        listed_numbers(&b.store, org, with_status(Status::Active)).await,
        [main_number, support.number.to_string()]
    );
    let filter = ListFilter {
        q: Some("us".into()),
        status: Some(Status::Inactive),
    };
    let page = b
        .store
        .list_phone_numbers(org, &filter, PageRequest::default())
        .await
        .unwrap();
    assert_eq!((page.total, page.items), (1, vec![sales]));
}

opbx_tests::on_both_backends!(
    created_number_reads_back,
    update_saves_number_label_destination_and_status,
    number_is_unique_within_an_organization,
    a_number_belongs_to_one_organization,
    a_deleted_organization_holds_its_numbers_until_purged,
    another_organizations_number_is_not_found,
    deleted_number_is_gone,
    list_searches_filters_and_pages_in_number_order,
);
