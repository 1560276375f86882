use opbx::adapters::sql::SqlStore;
use opbx::domain::destination::Destination;
use opbx::domain::e164::E164;
use opbx::domain::ids::{OrgId, PhoneNumberId};
use opbx::domain::model::Status;
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx::ports::store::{ListFilter, PageRequest};
use opbx_tests::{Backend, new_org};

use crate::extensions::{
    add_extension, add_phone_number, add_ring_group, assert_conflict, assert_not_found,
    phone_number, search, with_status,
};

async fn created_number_reads_back(b: Backend) {
    let org = new_org(&b.store).await.id;
    let group = add_ring_group(&b.store, org, "Sales", vec![]).await;
    let did = add_phone_number(
        &b.store,
        org,
        "+1 (212) 555-0100",
        Destination::RingGroup { id: group.id },
    )
    .await;

    assert_eq!(b.store.find_phone_number(org, did.id).await.unwrap(), did);
    let dialled = E164::parse("+12125550100").unwrap();
    assert_eq!(
        b.store
            .find_phone_number_by_number(org, &dialled)
            .await
            .unwrap(),
        did
    );
    assert_not_found(
        b.store
            .find_phone_number_by_number(org, &E164::parse("+12125550199").unwrap())
            .await,
    );
}

async fn update_saves_number_label_destination_and_status(b: Backend) {
    let org = new_org(&b.store).await.id;
    let ext = add_extension(&b.store, org, "101").await;
    let mut did = add_phone_number(&b.store, org, "+12125550100", Destination::Hangup).await;
    did.number = E164::parse("+442079460000").unwrap();
    did.label = "London office".into();
    did.destination = Destination::Extension { id: ext.id };
    did.status = Status::Inactive;
    did.updated_at += 1000;
    b.store.update_phone_number(&did).await.unwrap();
    assert_eq!(b.store.find_phone_number(org, did.id).await.unwrap(), did);
}

async fn number_is_unique_within_an_organization(b: Backend) {
    let org = new_org(&b.store).await.id;
    add_phone_number(&b.store, org, "+12125550100", Destination::Hangup).await;
    assert_conflict(
        b.store
            .create_phone_number(&phone_number(org, "+1 212 555 0100", Destination::Hangup))
            .await,
        "phone number",
    );
    let mut second = add_phone_number(&b.store, org, "+12125550101", Destination::Hangup).await;
    second.number = E164::parse("+12125550100").unwrap();
    assert_conflict(b.store.update_phone_number(&second).await, "phone number");

    let other_org = new_org(&b.store).await.id;
    add_phone_number(&b.store, other_org, "+12125550100", Destination::Hangup).await;
}

async fn another_organizations_number_is_not_found(b: Backend) {
    let mine = new_org(&b.store).await.id;
    let theirs = new_org(&b.store).await.id;
    add_phone_number(&b.store, mine, "+12125550100", Destination::Hangup).await;
    let foreign = add_phone_number(&b.store, theirs, "+12125550199", Destination::Hangup).await;

    assert_not_found(b.store.find_phone_number(mine, foreign.id).await);
    assert_not_found(
        b.store
            .find_phone_number_by_number(mine, &foreign.number)
            .await,
    );
    let mut hijack = foreign.clone();
    hijack.organization_id = mine;
    hijack.label = "Hijacked".into();
    assert_not_found(b.store.update_phone_number(&hijack).await);
    assert_not_found(b.store.delete_phone_number(mine, foreign.id).await);
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
    let did = add_phone_number(&b.store, org, "+12125550100", Destination::Hangup).await;
    b.store.delete_phone_number(org, did.id).await.unwrap();
    assert_not_found(b.store.find_phone_number(org, did.id).await);
    assert_not_found(b.store.delete_phone_number(org, did.id).await);
    assert_not_found(b.store.find_phone_number(org, PhoneNumberId::new()).await);
    assert_not_found(
        b.store
            .update_phone_number(&phone_number(org, "+12125550100", Destination::Hangup))
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
    let mut support = phone_number(org, "+442079460000", Destination::Hangup);
    support.label = "UK Support".into();
    b.store.create_phone_number(&support).await.unwrap();
    let mut sales = phone_number(org, "+12125550100", Destination::Hangup);
    sales.label = "US Sales".into();
    sales.status = Status::Inactive;
    b.store.create_phone_number(&sales).await.unwrap();
    let mut main = phone_number(org, "+12125550101", Destination::Hangup);
    main.label = "Main line".into();
    b.store.create_phone_number(&main).await.unwrap();

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
        ["+442079460000"]
    );
    assert_eq!(
        listed_numbers(&b.store, org, search("2125550")).await,
        ["+12125550100", "+12125550101"]
    );
    assert_eq!(
        listed_numbers(&b.store, org, with_status(Status::Active)).await,
        ["+12125550101", "+442079460000"]
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
    another_organizations_number_is_not_found,
    deleted_number_is_gone,
    list_searches_filters_and_pages_in_number_order,
);
