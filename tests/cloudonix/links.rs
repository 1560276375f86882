//! The subscriber link: one column, one tenant.

use opbx::domain::extension_number::ExtensionNumber;
use opbx::domain::ids::{ExtensionId, OrgId};
use opbx::domain::model::{Extension, Status};
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::subscriber_links::SubscriberLinkRepo;
use opbx_tests::{Backend, new_org, on_both_backends};

fn extension(org: OrgId, number: &str) -> Extension {
    Extension {
        id: ExtensionId::new(),
        organization_id: org,
        number: ExtensionNumber::parse(number).unwrap(),
        display_name: "Reception".into(),
        user_id: None,
        sip_password_enc: "sealed".into(),
        status: Status::Active,
        do_not_disturb: true,
        forward_always: None,
        no_answer_timeout: 25,
        no_answer: None,
        voicemail_enabled: true,
        voicemail_greeting: None,
        voicemail_greeting_recording_id: None,
        voicemail_email: None,
        cloudonix_subscriber_id: None,
        created_at: 1_700_000_000_000,
        updated_at: 1_700_000_000_000,
    }
}

async fn linking_touches_only_the_link_of_that_tenant(b: Backend) {
    let org = new_org(&b.store).await;
    let stranger = new_org(&b.store).await;
    let ext = extension(org.id, "1001");
    b.store.create_extension(&ext, &[]).await.unwrap();

    b.store
        .link_cloudonix_subscriber(org.id, ext.id, Some("777"))
        .await
        .unwrap();
    let linked = b.store.find_extension(org.id, ext.id).await.unwrap();
    assert_eq!(
        linked,
        Extension {
            cloudonix_subscriber_id: Some("777".into()),
            ..ext.clone()
        },
        "nothing else changes, not even updated_at"
    );

    b.store
        .link_cloudonix_subscriber(stranger.id, ext.id, None)
        .await
        .unwrap();
    let still = b.store.find_extension(org.id, ext.id).await.unwrap();
    assert_eq!(still.cloudonix_subscriber_id.as_deref(), Some("777"));

    b.store
        .link_cloudonix_subscriber(org.id, ext.id, None)
        .await
        .unwrap();
    let unlinked = b.store.find_extension(org.id, ext.id).await.unwrap();
    assert_eq!(unlinked.cloudonix_subscriber_id, None);
}

async fn moving_domains_forgets_one_tenants_links(b: Backend) {
    let org = new_org(&b.store).await;
    let other = new_org(&b.store).await;
    let mut exts = Vec::new();
    for (o, number) in [(org.id, "1001"), (org.id, "1002"), (other.id, "1001")] {
        let ext = extension(o, number);
        b.store.create_extension(&ext, &[]).await.unwrap();
        b.store
            .link_cloudonix_subscriber(o, ext.id, Some("9"))
            .await
            .unwrap();
        exts.push(ext);
    }

    b.store
        .unlink_all_cloudonix_subscribers(org.id)
        .await
        .unwrap();

    let mut links = Vec::new();
    for ext in &exts {
        let found = b
            .store
            .find_extension(ext.organization_id, ext.id)
            .await
            .unwrap();
        links.push(found.cloudonix_subscriber_id);
    }
    assert_eq!(links, [None, None, Some("9".to_owned())]);
}

on_both_backends!(
    linking_touches_only_the_link_of_that_tenant,
    moving_domains_forgets_one_tenants_links,
);
