use opbx::domain::ids::OrgId;
use opbx::domain::model::OrgStatus;
use opbx::domain::timezone::Timezone;
use opbx::ports::organizations::OrganizationRepo;
use opbx::ports::store::StoreError;
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
    b.store.update_organization(&org).await.unwrap();
    assert_eq!(b.store.find_organization(org.id).await.unwrap(), org);
}

async fn unknown_organization_is_not_found(b: Backend) {
    assert!(matches!(
        b.store.find_organization(OrgId::new()).await,
        Err(StoreError::NotFound)
    ));
    let mut ghost = new_org(&b.store).await;
    ghost.id = OrgId::new();
    assert!(matches!(
        b.store.update_organization(&ghost).await,
        Err(StoreError::NotFound)
    ));
}

opbx_tests::on_both_backends!(
    created_organization_reads_back,
    slug_is_unique_ignoring_case,
    update_changes_settings,
    unknown_organization_is_not_found,
);
