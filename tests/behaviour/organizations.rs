use opbx::domain::ids::OrgId;
use opbx::domain::model::OrgStatus;
use opbx::domain::timezone::Timezone;
use opbx::ports::audit_log::{AuditFilter, AuditLogRepo};
use opbx::ports::organizations::OrganizationRepo;
use opbx::ports::store::{PageRequest, StoreError};
use opbx_tests::model::setup_audit;
use opbx_tests::{Backend, new_org};

async fn created_organization_reads_back(b: Backend) {
    let org = new_org(&b.store).await;
    assert_eq!(b.store.find_organization(org.id).await.unwrap(), org);
    assert_eq!(
        b.store.find_organization_by_slug(&org.slug).await.unwrap(),
        org
    );
    assert!(b.store.count_organizations().await.unwrap() >= 1);
}

async fn slug_is_unique_ignoring_case(b: Backend) {
    let org = new_org(&b.store).await;
    let mut twin = org.clone();
    twin.id = OrgId::new();
    twin.slug = org.slug.to_uppercase();
    match b.store.create_organization(&twin).await {
        Err(StoreError::Conflict(what)) => assert_eq!(what, "organization slug"),
        other => panic!("expected a slug conflict, got {other:?}"),
    }
}

async fn update_changes_settings(b: Backend) {
    let mut org = new_org(&b.store).await;
    org.name = "Acme Dental".into();
    org.timezone = Timezone::parse("America/New_York").unwrap();
    org.status = OrgStatus::Suspended;
    org.updated_at += 1;
    let audit = setup_audit(org.id, "organization");
    b.store.update_organization(&org, &audit).await.unwrap();
    assert_eq!(b.store.find_organization(org.id).await.unwrap(), org);
    let log = b
        .store
        .list_audit(org.id, &AuditFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(log.items, [audit], "the change's entry, written with it");
}

/// A change and its audit entry are one write (issue 12.6): when the entry cannot be written
/// (here its id is taken, as a failing insert would be), the change is not kept either.
async fn an_update_whose_audit_entry_fails_is_not_kept(b: Backend) {
    let org = new_org(&b.store).await;
    let first = setup_audit(org.id, "organization");
    let mut renamed = org.clone();
    renamed.name = "Renamed".into();
    b.store.update_organization(&renamed, &first).await.unwrap();

    let mut again = renamed.clone();
    again.name = "Renamed twice".into();
    assert!(matches!(
        b.store.update_organization(&again, &first).await,
        Err(StoreError::Unavailable(_))
    ));
    assert_eq!(b.store.find_organization(org.id).await.unwrap(), renamed);
    let log = b
        .store
        .list_audit(org.id, &AuditFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(log.total, 1);
}

async fn unknown_organization_is_not_found(b: Backend) {
    assert!(matches!(
        b.store.find_organization(OrgId::new()).await,
        Err(StoreError::NotFound)
    ));
    let mut ghost = new_org(&b.store).await;
    ghost.id = OrgId::new();
    assert!(matches!(
        b.store
            .update_organization(&ghost, &setup_audit(ghost.id, "organization"))
            .await,
        Err(StoreError::NotFound)
    ));
}

opbx_tests::on_both_backends!(
    created_organization_reads_back,
    slug_is_unique_ignoring_case,
    update_changes_settings,
    an_update_whose_audit_entry_fails_is_not_kept,
    unknown_organization_is_not_found,
);
