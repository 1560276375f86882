use opbx::domain::destination::Destination;
use opbx::domain::ids::{ExtensionId, RingGroupId};
use opbx::domain::model::{RingStrategy, Status};
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::ring_groups::RingGroupRepo;
use opbx::ports::store::{ListFilter, PageRequest};
use opbx_tests::numbers::unique_e164;
use opbx_tests::{Backend, new_org};

use crate::extensions::{
    add_extension, add_phone_number, add_ring_group, assert_conflict, assert_not_found, in_use,
    referrer, ring_group, search, with_status,
};

async fn created_group_reads_back_with_members_in_ring_order(b: Backend) {
    let org = new_org(&b.store).await.id;
    let a = add_extension(&b.store, org, "101").await;
    let c = add_extension(&b.store, org, "103").await;
    let d = add_extension(&b.store, org, "102").await;
    let mut group = ring_group(org, "Support", vec![c.id, a.id, d.id]);
    group.strategy = RingStrategy::RoundRobin;
    group.fallback = Destination::Voicemail { id: a.id };
    b.store.create_ring_group(&group, &[]).await.unwrap();

    assert_eq!(b.store.find_ring_group(org, group.id).await.unwrap(), group);
    assert_eq!(
        b.store
            .ring_group_member_extensions(org, group.id)
            .await
            .unwrap(),
        [c, a, d]
    );
}

async fn update_replaces_the_members_as_a_whole(b: Backend) {
    let org = new_org(&b.store).await.id;
    let a = add_extension(&b.store, org, "101").await.id;
    let c = add_extension(&b.store, org, "102").await.id;
    let d = add_extension(&b.store, org, "103").await.id;
    let mut group = add_ring_group(&b.store, org, "Support", vec![a, c]).await;

    group.name = "Tier 2".into();
    group.strategy = RingStrategy::Simultaneous;
    group.member_timeout = 40;
    group.rounds = 1;
    group.skip_busy = false;
    group.fallback = Destination::Extension { id: d };
    group.status = Status::Inactive;
    group.members = vec![d, a];
    group.updated_at += 1000;
    b.store.update_ring_group(&group, &[]).await.unwrap();
    assert_eq!(b.store.find_ring_group(org, group.id).await.unwrap(), group);

    group.members.clear();
    b.store.update_ring_group(&group, &[]).await.unwrap();
    assert_eq!(
        b.store
            .find_ring_group(org, group.id)
            .await
            .unwrap()
            .members,
        []
    );
}

async fn name_is_unique_within_an_organization_ignoring_case(b: Backend) {
    let org = new_org(&b.store).await.id;
    add_ring_group(&b.store, org, "Support", vec![]).await;
    assert_conflict(
        b.store
            .create_ring_group(&ring_group(org, "SUPPORT", vec![]), &[])
            .await,
        "ring group name",
    );
    let mut sales = add_ring_group(&b.store, org, "Sales", vec![]).await;
    sales.name = "support".into();
    assert_conflict(
        b.store.update_ring_group(&sales, &[]).await,
        "ring group name",
    );

    let other_org = new_org(&b.store).await.id;
    add_ring_group(&b.store, other_org, "Support", vec![]).await;
}

async fn a_rejected_member_list_saves_nothing(b: Backend) {
    let org = new_org(&b.store).await.id;
    let a = add_extension(&b.store, org, "101").await.id;
    let c = add_extension(&b.store, org, "102").await.id;
    let twice = ring_group(org, "Twice", vec![a, c, a]);
    assert_conflict(
        b.store.create_ring_group(&twice, &[]).await,
        "ring group member",
    );
    assert_not_found(b.store.find_ring_group(org, twice.id).await);

    let mut group = add_ring_group(&b.store, org, "Support", vec![a]).await;
    let saved = group.clone();
    group.name = "Renamed".into();
    group.members = vec![c, c];
    assert_conflict(
        b.store.update_ring_group(&group, &[]).await,
        "ring group member",
    );
    assert_eq!(b.store.find_ring_group(org, group.id).await.unwrap(), saved);
}

async fn members_must_be_extensions_of_the_organization(b: Backend) {
    let org = new_org(&b.store).await.id;
    let other_org = new_org(&b.store).await.id;
    let own = add_extension(&b.store, org, "101").await.id;
    let foreign = add_extension(&b.store, other_org, "102").await.id;

    let mixed = ring_group(org, "Mixed", vec![own, foreign]);
    assert_not_found(b.store.create_ring_group(&mixed, &[]).await);
    assert_not_found(b.store.find_ring_group(org, mixed.id).await);
    let ghost = ring_group(org, "Ghost", vec![ExtensionId::new()]);
    assert_not_found(b.store.create_ring_group(&ghost, &[]).await);

    let mut group = add_ring_group(&b.store, org, "Support", vec![own]).await;
    let saved = group.clone();
    group.members = vec![foreign];
    assert_not_found(b.store.update_ring_group(&group, &[]).await);
    assert_eq!(b.store.find_ring_group(org, group.id).await.unwrap(), saved);
}

async fn another_organizations_group_is_not_found(b: Backend) {
    let mine = new_org(&b.store).await.id;
    let theirs = new_org(&b.store).await.id;
    add_ring_group(&b.store, mine, "Support", vec![]).await;
    let member = add_extension(&b.store, theirs, "101").await;
    let foreign = add_ring_group(&b.store, theirs, "Sales", vec![member.id]).await;

    assert_not_found(b.store.find_ring_group(mine, foreign.id).await);
    assert_eq!(
        b.store
            .ring_group_member_extensions(mine, foreign.id)
            .await
            .unwrap(),
        []
    );
    let mut hijack = foreign.clone();
    hijack.organization_id = mine;
    hijack.members = vec![];
    assert_not_found(b.store.update_ring_group(&hijack, &[]).await);
    assert_not_found(b.store.delete_ring_group(mine, foreign.id, &[]).await);
    assert_eq!(
        b.store.find_ring_group(theirs, foreign.id).await.unwrap(),
        foreign
    );

    let listed = b
        .store
        .list_ring_groups(mine, &ListFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    assert!(listed.items.iter().all(|g| g.organization_id == mine));
}

async fn unknown_group_is_not_found(b: Backend) {
    let org = new_org(&b.store).await.id;
    assert_not_found(b.store.find_ring_group(org, RingGroupId::new()).await);
    assert_not_found(
        b.store
            .update_ring_group(&ring_group(org, "Ghost", vec![]), &[])
            .await,
    );
    assert_not_found(
        b.store
            .delete_ring_group(org, RingGroupId::new(), &[])
            .await,
    );
}

async fn list_searches_filters_and_pages_with_members(b: Backend) {
    let org = new_org(&b.store).await.id;
    let a = add_extension(&b.store, org, "101").await.id;
    let c = add_extension(&b.store, org, "102").await.id;
    let sales = add_ring_group(&b.store, org, "Sales", vec![c, a]).await;
    let mut night = ring_group(org, "night support", vec![a]);
    night.status = Status::Inactive;
    b.store.create_ring_group(&night, &[]).await.unwrap();
    let day = add_ring_group(&b.store, org, "Day Support", vec![]).await;

    let first = b
        .store
        .list_ring_groups(org, &ListFilter::default(), PageRequest::new(1, 2))
        .await
        .unwrap();
    assert_eq!(first.total, 3);
    assert_eq!(first.items, vec![day.clone(), night.clone()]);
    let second = b
        .store
        .list_ring_groups(org, &ListFilter::default(), PageRequest::new(2, 2))
        .await
        .unwrap();
    assert_eq!(second.items, vec![sales.clone()]);

    let support = b
        .store
        .list_ring_groups(org, &search("SUPPORT"), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        (support.total, support.items),
        (2, vec![day, night.clone()])
    );
    let inactive = b
        .store
        .list_ring_groups(org, &with_status(Status::Inactive), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(inactive.items, vec![night]);
}

async fn delete_is_refused_while_routed_to(b: Backend) {
    let org = new_org(&b.store).await.id;
    let group = add_ring_group(&b.store, org, "Support", vec![]).await;
    let mut overflow = ring_group(org, "Overflow", vec![]);
    overflow.fallback = Destination::RingGroup { id: group.id };
    b.store.create_ring_group(&overflow, &[]).await.unwrap();
    let did = add_phone_number(
        &b.store,
        org,
        &unique_e164(),
        Destination::RingGroup { id: group.id },
    )
    .await;

    assert_eq!(
        in_use(b.store.delete_ring_group(org, group.id, &[]).await),
        [
            referrer("phone_number", did.id, &did.label),
            referrer("ring_group", overflow.id, "Overflow"),
        ]
    );
    assert_eq!(b.store.find_ring_group(org, group.id).await.unwrap(), group);

    b.store
        .delete_ring_group(org, overflow.id, &[])
        .await
        .unwrap();
    assert_eq!(
        in_use(b.store.delete_ring_group(org, group.id, &[]).await),
        [referrer("phone_number", did.id, &did.label)]
    );
}

async fn falling_back_to_itself_does_not_block_delete(b: Backend) {
    let org = new_org(&b.store).await.id;
    let member = add_extension(&b.store, org, "101").await;
    let mut group = ring_group(org, "Loop", vec![member.id]);
    group.fallback = Destination::RingGroup { id: group.id };
    b.store.create_ring_group(&group, &[]).await.unwrap();

    b.store.delete_ring_group(org, group.id, &[]).await.unwrap();
    assert_not_found(b.store.find_ring_group(org, group.id).await);
    // Its memberships went with it, so the member extension is free again.
    b.store.delete_extension(org, member.id, &[]).await.unwrap();
}

opbx_tests::on_both_backends!(
    created_group_reads_back_with_members_in_ring_order,
    update_replaces_the_members_as_a_whole,
    name_is_unique_within_an_organization_ignoring_case,
    a_rejected_member_list_saves_nothing,
    members_must_be_extensions_of_the_organization,
    another_organizations_group_is_not_found,
    unknown_group_is_not_found,
    list_searches_filters_and_pages_with_members,
    delete_is_refused_while_routed_to,
    falling_back_to_itself_does_not_block_delete,
);
