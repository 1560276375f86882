use opbx::domain::ids::OrgId;
use opbx::domain::model::CloudonixSettings;
use opbx::ports::audit_log::{AuditFilter, AuditLogRepo};
use opbx::ports::cloudonix_settings::{CloudonixSettingsRepo, WebhookKeyStaging};
use opbx::ports::jobs::{Job, JobKind, JobPayload, JobStore};
use opbx::ports::store::{PageRequest, StoreError};
use opbx_tests::model::{save_webhook_settings, setup_audit};
use opbx_tests::{Backend, new_org, unique};

const T0: i64 = 1_700_000_000_000;

/// Hashes and domains are unique across tenants and the MariaDB test database outlives a test
/// run, so every test draws fresh ones.
fn settings(org: OrgId) -> CloudonixSettings {
    let domain = format!("d{}.cloudonix.net", unique());
    CloudonixSettings {
        organization_id: org,
        domain: Some(domain.clone()),
        domain_name: Some(domain),
        domain_uuid: Some(unique()),
        api_key_enc: Some("sealed:api-key".into()),
        webhook_key_hash: Some(format!("wh-{}", unique())),
        cdr_token_hash: Some(format!("cdr-{}", unique())),
        cdr_token_enc: Some("sealed:cdr-token".into()),
        session_token_hash: Some(format!("su-{}", unique())),
        session_token_enc: Some("sealed:session-token".into()),
        voice_application_id: Some("app-42".into()),
        provisioned_at: Some(T0),
        updated_at: T0,
    }
}

fn expect_conflict(result: Result<(), StoreError>, field: &str) {
    match result {
        Err(StoreError::Conflict(what)) => assert_eq!(what, field),
        other => panic!("expected a conflict on {field}, got {other:?}"),
    }
}

async fn settings_are_absent_until_saved(b: Backend) {
    let org = new_org(&b.store).await;
    assert!(matches!(
        b.store.find_cloudonix_settings(org.id).await,
        Err(StoreError::NotFound)
    ));
    let s = settings(org.id);
    save_webhook_settings(&b.store, &s).await;
    assert_eq!(b.store.find_cloudonix_settings(org.id).await.unwrap(), s);
}

async fn upsert_replaces_the_one_row(b: Backend) {
    let org = new_org(&b.store).await;
    let mut s = settings(org.id);
    save_webhook_settings(&b.store, &s).await;

    let old_hash = s.webhook_key_hash.clone().unwrap();
    s.domain = Some(format!("eu-{}.cloudonix.net", unique()));
    s.domain_name = None;
    s.domain_uuid = None;
    s.api_key_enc = None;
    s.session_token_hash = Some(format!("su-{}", unique()));
    s.voice_application_id = None;
    s.provisioned_at = None;
    s.updated_at = T0 + 60_000;
    // A save that read the settings before a key rotation brings no key back: saving leaves
    // the key alone.
    let stale_key = s.clone();
    s.webhook_key_hash = Some(format!("wh-{}", unique()));
    b.store
        .replace_webhook_key(
            org.id,
            s.webhook_key_hash.as_deref().unwrap(),
            T0,
            &setup_audit(org.id, "cloudonix_settings"),
        )
        .await
        .unwrap();
    b.store.upsert_cloudonix_settings(&stale_key).await.unwrap();
    assert_eq!(b.store.find_cloudonix_settings(org.id).await.unwrap(), s);
    // The replaced key no longer identifies the organization.
    assert!(matches!(
        b.store.find_org_by_webhook_key_hash(&old_hash).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        crate::ivr_menus::count_rows(
            &b.store,
            "cloudonix_settings",
            "organization_id",
            &org.id.to_string()
        )
        .await,
        1
    );
}

async fn hashes_identify_the_tenant(b: Backend) {
    let acme = new_org(&b.store).await;
    let globex = new_org(&b.store).await;
    let a = settings(acme.id);
    let g = settings(globex.id);
    save_webhook_settings(&b.store, &a).await;
    save_webhook_settings(&b.store, &g).await;

    let by_key = b
        .store
        .find_org_by_webhook_key_hash(a.webhook_key_hash.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(by_key, a);
    let by_token = b
        .store
        .find_org_by_cdr_token_hash(g.cdr_token_hash.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(by_token, g);
    let by_session_token = b
        .store
        .find_org_by_session_token_hash(a.session_token_hash.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(by_session_token, a);
    // A webhook key is not a CDR token, nor a CDR token a session-update token.
    assert!(matches!(
        b.store
            .find_org_by_cdr_token_hash(a.webhook_key_hash.as_deref().unwrap())
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store
            .find_org_by_session_token_hash(g.cdr_token_hash.as_deref().unwrap())
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.find_org_by_webhook_key_hash(&unique()).await,
        Err(StoreError::NotFound)
    ));
}

async fn another_tenants_hash_is_refused(b: Backend) {
    let acme = new_org(&b.store).await;
    let globex = new_org(&b.store).await;
    let a = settings(acme.id);
    save_webhook_settings(&b.store, &a).await;

    let stolen = a.webhook_key_hash.as_deref().unwrap();
    let audit = setup_audit(globex.id, "cloudonix_settings");
    match b
        .store
        .replace_webhook_key(globex.id, stolen, T0, &audit)
        .await
    {
        Err(StoreError::Conflict(what)) => assert_eq!(what, "Cloudonix webhook key"),
        other => panic!("expected a conflict on the webhook key, got {other:?}"),
    }
    // Refused as a whole: the other tenant got no row, the owner kept theirs.
    assert!(matches!(
        b.store.find_cloudonix_settings(globex.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(b.store.find_cloudonix_settings(acme.id).await.unwrap(), a);

    let mut copycat = settings(globex.id);
    copycat.cdr_token_hash = a.cdr_token_hash.clone();
    expect_conflict(
        b.store.upsert_cloudonix_settings(&copycat).await,
        "CDR token",
    );
    let mut copycat = settings(globex.id);
    copycat.session_token_hash = a.session_token_hash.clone();
    expect_conflict(
        b.store.upsert_cloudonix_settings(&copycat).await,
        "session-update token",
    );

    // Once saved, taking the other tenant's key is refused the same way.
    let own = settings(globex.id);
    save_webhook_settings(&b.store, &own).await;
    assert!(matches!(
        b.store
            .replace_webhook_key(globex.id, stolen, T0, &audit)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        b.store.find_cloudonix_settings(globex.id).await.unwrap(),
        own
    );
    assert_eq!(b.store.find_cloudonix_settings(acme.id).await.unwrap(), a);
}

/// A domain belongs to one organization, whether entered the same way (in any case) or named
/// the same by Cloudonix; the refusal names the domain, not who holds it.
async fn a_domain_belongs_to_one_organization(b: Backend) {
    let acme = new_org(&b.store).await;
    let globex = new_org(&b.store).await;
    let a = settings(acme.id);
    save_webhook_settings(&b.store, &a).await;

    let mut copycat = settings(globex.id);
    copycat.domain = a.domain.as_deref().map(str::to_uppercase);
    expect_conflict(
        b.store.upsert_cloudonix_settings(&copycat).await,
        "Cloudonix domain",
    );
    // Entered as its UUID, the domain is known by the name Cloudonix reports.
    let mut copycat = settings(globex.id);
    copycat.domain = a.domain_uuid.clone();
    copycat.domain_name = a.domain_name.clone();
    expect_conflict(
        b.store.upsert_cloudonix_settings(&copycat).await,
        "Cloudonix domain",
    );
    let mut copycat = settings(globex.id);
    copycat.domain_uuid = a.domain_uuid.clone();
    expect_conflict(
        b.store.upsert_cloudonix_settings(&copycat).await,
        "Cloudonix domain",
    );
    assert!(matches!(
        b.store.find_cloudonix_settings(globex.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(b.store.find_cloudonix_settings(acme.id).await.unwrap(), a);

    // Once the first organization moves to another domain, the old one is free.
    let mut moved = a.clone();
    moved.domain = Some(format!("moved-{}.cloudonix.net", unique()));
    moved.domain_name = None;
    moved.domain_uuid = None;
    b.store.upsert_cloudonix_settings(&moved).await.unwrap();
    let mut taker = settings(globex.id);
    taker.domain = a.domain.clone();
    b.store.upsert_cloudonix_settings(&taker).await.unwrap();
}

/// Organizations saving one domain at the same moment: the unique index, not a check before the
/// write, decides, so exactly one wins.
async fn concurrent_claims_of_a_domain_have_one_winner(b: Backend) {
    let domain = format!("race-{}.cloudonix.net", unique());
    let mut claims = Vec::new();
    for _ in 0..6 {
        let org = new_org(&b.store).await;
        let mut s = settings(org.id);
        s.domain = Some(domain.clone());
        let store = b.store.clone();
        claims.push(tokio::spawn(async move {
            store.upsert_cloudonix_settings(&s).await
        }));
    }
    let mut won = 0;
    for claim in claims {
        match claim.await.unwrap() {
            Ok(()) => won += 1,
            Err(StoreError::Conflict(what)) => assert_eq!(what, "Cloudonix domain"),
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(won, 1);
}

/// The job that pushes the settings to Cloudonix and the change's audit entry commit with them,
/// or not at all (issue 12.6).
async fn saving_records_the_sync_job_and_audit_entry_in_the_same_transaction(b: Backend) {
    let acme = new_org(&b.store).await;
    let globex = new_org(&b.store).await;
    let mut a = settings(acme.id);
    a.webhook_key_hash = None;
    let sync = Job::new(acme.id, JobPayload::SyncDomain, T0);
    let audit = setup_audit(acme.id, "cloudonix_settings");
    b.store
        .save_cloudonix_settings(&a, Some(&sync), &audit)
        .await
        .unwrap();
    assert_eq!(b.store.find_cloudonix_settings(acme.id).await.unwrap(), a);
    let job = b.store.latest_job(acme.id, JobKind::SyncDomain).await;
    assert_eq!(job.unwrap().id, sync.id);
    let log = b
        .store
        .list_audit(acme.id, &AuditFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(log.items, std::slice::from_ref(&audit));

    let mut copycat = settings(globex.id);
    copycat.cdr_token_hash = a.cdr_token_hash.clone();
    let refused = Job::new(globex.id, JobPayload::SyncDomain, T0);
    let lost = setup_audit(globex.id, "cloudonix_settings");
    expect_conflict(
        b.store
            .save_cloudonix_settings(&copycat, Some(&refused), &lost)
            .await,
        "CDR token",
    );
    assert!(matches!(
        b.store.find_job(globex.id, refused.id).await,
        Err(StoreError::NotFound)
    ));
    // And an entry that cannot be written (its id is taken) keeps the change out.
    let mut renamed = a.clone();
    renamed.domain = Some(format!("renamed-{}", a.domain.clone().unwrap_or_default()));
    assert!(
        b.store
            .save_cloudonix_settings(&renamed, None, &audit)
            .await
            .is_err()
    );
    assert_eq!(b.store.find_cloudonix_settings(acme.id).await.unwrap(), a);
    let log = b
        .store
        .list_audit(globex.id, &AuditFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(log.total, 0);
}

async fn settings_without_hashes_do_not_collide(b: Backend) {
    // NULL hashes (not yet provisioned) are not values a unique index compares.
    for _ in 0..2 {
        let org = new_org(&b.store).await;
        let mut s = settings(org.id);
        s.webhook_key_hash = None;
        s.cdr_token_hash = None;
        s.session_token_hash = None;
        save_webhook_settings(&b.store, &s).await;
        assert_eq!(b.store.find_cloudonix_settings(org.id).await.unwrap(), s);
    }
}

opbx_tests::on_both_backends!(
    settings_are_absent_until_saved,
    upsert_replaces_the_one_row,
    hashes_identify_the_tenant,
    another_tenants_hash_is_refused,
    saving_records_the_sync_job_and_audit_entry_in_the_same_transaction,
    settings_without_hashes_do_not_collide,
    a_domain_belongs_to_one_organization,
    concurrent_claims_of_a_domain_have_one_winner,
);
