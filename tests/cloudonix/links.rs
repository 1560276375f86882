//! The subscriber link: one column, one tenant.

use opbx::domain::extension_number::ExtensionNumber;
use opbx::domain::ids::ExtensionId;
use opbx::domain::model::{Extension, Status};
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::subscriber_links::SubscriberLinkRepo;
use opbx_tests::{Backend, new_org, on_both_backends};

async fn linking_touches_only_the_link_of_that_tenant(b: Backend) {
    let org = new_org(&b.store).await;
    let stranger = new_org(&b.store).await;
    let ext = Extension {
        id: ExtensionId::new(),
        organization_id: org.id,
        number: ExtensionNumber::parse("1001").unwrap(),
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
        cloudonix_subscriber_id: None,
        created_at: 1_700_000_000_000,
        updated_at: 1_700_000_000_000,
    };
    b.store.create_extension(&ext).await.unwrap();

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

on_both_backends!(linking_touches_only_the_link_of_that_tenant);
