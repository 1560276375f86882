use opbx::adapters::sql::SqlStore;
use opbx::domain::e164::E164;
use opbx::domain::ids::{OrgId, OutboundRouteId};
use opbx::domain::model::{OutboundMatch, OutboundRoute, Status};
use opbx::domain::now_ms;
use opbx::ports::outbound_routes::OutboundRouteRepo;
use opbx::ports::store::{ListFilter, PageRequest};
use opbx_tests::{Backend, new_org};

use crate::extensions::{assert_conflict, assert_not_found, search, with_status};

fn route(org: OrgId, name: &str, priority: i32) -> OutboundRoute {
    let now = now_ms();
    OutboundRoute {
        id: OutboundRouteId::new(),
        organization_id: org,
        name: name.to_owned(),
        priority,
        match_kind: OutboundMatch::Prefix,
        match_value: "+1".into(),
        strip_digits: 0,
        prepend: String::new(),
        trunk: "carrier-a".into(),
        caller_id: None,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    }
}

async fn add_route(store: &SqlStore, org: OrgId, name: &str, priority: i32) -> OutboundRoute {
    let route = route(org, name, priority);
    store.create_outbound_route(&route, &[]).await.unwrap();
    route
}

fn names(routes: &[OutboundRoute]) -> Vec<&str> {
    routes.iter().map(|r| r.name.as_str()).collect()
}

async fn created_route_reads_back(b: Backend) {
    let org = new_org(&b.store).await.id;
    let mut uk = route(org, "UK mobiles", 10);
    uk.match_kind = OutboundMatch::Pattern;
    uk.match_value = "07XXXXXXXXX".into();
    uk.strip_digits = 1;
    uk.prepend = "+44".into();
    uk.caller_id = Some(E164::parse("+442079460000").unwrap());
    b.store.create_outbound_route(&uk, &[]).await.unwrap();
    assert_eq!(b.store.find_outbound_route(org, uk.id).await.unwrap(), uk);
}

async fn update_saves_every_field(b: Backend) {
    let org = new_org(&b.store).await.id;
    let mut r = add_route(&b.store, org, "Domestic", 10).await;
    r.name = "National".into();
    r.priority = 5;
    r.match_kind = OutboundMatch::Pattern;
    r.match_value = "NXXNXXXXXX".into();
    r.strip_digits = 2;
    r.prepend = "+1".into();
    r.trunk = "carrier-b".into();
    r.caller_id = Some(E164::parse("+12125550100").unwrap());
    r.status = Status::Inactive;
    r.updated_at += 1000;
    b.store.update_outbound_route(&r, &[]).await.unwrap();
    assert_eq!(b.store.find_outbound_route(org, r.id).await.unwrap(), r);
}

async fn name_is_unique_within_an_organization_ignoring_case(b: Backend) {
    let org = new_org(&b.store).await.id;
    add_route(&b.store, org, "Domestic", 10).await;
    assert_conflict(
        b.store
            .create_outbound_route(&route(org, "DOMESTIC", 20), &[])
            .await,
        "outbound route name",
    );
    let mut intl = add_route(&b.store, org, "International", 20).await;
    intl.name = "domestic".into();
    assert_conflict(
        b.store.update_outbound_route(&intl, &[]).await,
        "outbound route name",
    );
    let other_org = new_org(&b.store).await.id;
    add_route(&b.store, other_org, "Domestic", 10).await;
}

async fn another_organizations_route_is_not_found(b: Backend) {
    let mine = new_org(&b.store).await.id;
    let theirs = new_org(&b.store).await.id;
    add_route(&b.store, mine, "Domestic", 10).await;
    let foreign = add_route(&b.store, theirs, "Premium", 1).await;

    assert_not_found(b.store.find_outbound_route(mine, foreign.id).await);
    let mut hijack = foreign.clone();
    hijack.organization_id = mine;
    hijack.trunk = "attacker".into();
    assert_not_found(b.store.update_outbound_route(&hijack, &[]).await);
    assert_not_found(b.store.delete_outbound_route(mine, foreign.id, &[]).await);
    assert_eq!(
        b.store
            .find_outbound_route(theirs, foreign.id)
            .await
            .unwrap(),
        foreign
    );

    let listed = b
        .store
        .list_outbound_routes(mine, &ListFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    assert!(listed.items.iter().all(|r| r.organization_id == mine));
    let routed = b
        .store
        .outbound_routes_by_priority(mine, false)
        .await
        .unwrap();
    assert_eq!(names(&routed), ["Domestic"]);
}

async fn deleted_route_is_gone(b: Backend) {
    let org = new_org(&b.store).await.id;
    let r = add_route(&b.store, org, "Domestic", 10).await;
    b.store.delete_outbound_route(org, r.id, &[]).await.unwrap();
    assert_not_found(b.store.find_outbound_route(org, r.id).await);
    assert_not_found(b.store.delete_outbound_route(org, r.id, &[]).await);
    assert_not_found(
        b.store
            .update_outbound_route(&route(org, "Ghost", 1), &[])
            .await,
    );
}

async fn routes_come_in_priority_order_and_active_only_on_request(b: Backend) {
    let org = new_org(&b.store).await.id;
    add_route(&b.store, org, "Fallback", 100).await;
    add_route(&b.store, org, "Emergency", 1).await;
    let mut disabled = route(org, "Old carrier", 5);
    disabled.status = Status::Inactive;
    b.store.create_outbound_route(&disabled, &[]).await.unwrap();
    add_route(&b.store, org, "Domestic", 10).await;
    add_route(&b.store, org, "Canada", 10).await;

    let all = b
        .store
        .outbound_routes_by_priority(org, false)
        .await
        .unwrap();
    assert_eq!(
        names(&all),
        ["Emergency", "Old carrier", "Canada", "Domestic", "Fallback"]
    );
    let active = b
        .store
        .outbound_routes_by_priority(org, true)
        .await
        .unwrap();
    assert_eq!(
        names(&active),
        ["Emergency", "Canada", "Domestic", "Fallback"]
    );
}

async fn list_searches_filters_and_pages_in_priority_order(b: Backend) {
    let org = new_org(&b.store).await.id;
    let mut uk = route(org, "UK", 20);
    uk.match_value = "+44".into();
    b.store.create_outbound_route(&uk, &[]).await.unwrap();
    let mut old = route(org, "Old US", 30);
    old.status = Status::Inactive;
    b.store.create_outbound_route(&old, &[]).await.unwrap();
    let us = add_route(&b.store, org, "US", 10).await;

    let first = b
        .store
        .list_outbound_routes(org, &ListFilter::default(), PageRequest::new(1, 2))
        .await
        .unwrap();
    assert_eq!(first.total, 3);
    assert_eq!(first.items, vec![us.clone(), uk.clone()]);
    let second = b
        .store
        .list_outbound_routes(org, &ListFilter::default(), PageRequest::new(2, 2))
        .await
        .unwrap();
    assert_eq!(second.items, vec![old.clone()]);

    let by_name = b
        .store
        .list_outbound_routes(org, &search("us"), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(names(&by_name.items), ["US", "Old US"]);
    let by_match = b
        .store
        .list_outbound_routes(org, &search("+44"), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(by_match.items, vec![uk]);
    let inactive = b
        .store
        .list_outbound_routes(org, &with_status(Status::Inactive), PageRequest::default())
        .await
        .unwrap();
    assert_eq!((inactive.total, inactive.items), (1, vec![old]));
}

opbx_tests::on_both_backends!(
    created_route_reads_back,
    update_saves_every_field,
    name_is_unique_within_an_organization_ignoring_case,
    another_organizations_route_is_not_found,
    deleted_route_is_gone,
    routes_come_in_priority_order_and_active_only_on_request,
    list_searches_filters_and_pages_in_priority_order,
);
