//! A configuration change and its audit entries are one write (issue 12.6): the store inserts
//! the entries in the change's transaction, so an entry that cannot be written (here its id is
//! taken, as any failing insert would be) keeps the change out too. Creates, updates and deletes
//! of several kinds, user creation and job requests share one mechanism; these cover a sample.

use opbx::adapters::sql::SqlStore;
use opbx::domain::accounts::LinkPurpose;
use opbx::domain::destination::Destination;
use opbx::domain::ids::OrgId;
use opbx::domain::model::{AuditEntry, Role};
use opbx::domain::now_ms;
use opbx::http::api::account_links::new_link;
use opbx::ports::account_links::AccountLinkRepo;
use opbx::ports::audit_log::{AuditFilter, AuditLogRepo};
use opbx::ports::conference_rooms::ConferenceRoomRepo;
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::jobs::{Job, JobPayload, JobStore};
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx::ports::ring_groups::RingGroupRepo;
use opbx::ports::store::PageRequest;
use opbx::ports::users::{ApiTokenRepo, UserRepo};
use opbx_tests::model::{conference_room, setup_audit};
use opbx_tests::numbers::unique_e164;
use opbx_tests::{Backend, new_org};

use crate::extensions::{
    add_extension, add_phone_number, add_ring_group, add_user, assert_not_found, extension,
    phone_number, user,
};
use crate::users::add_token;

/// An entry already in `org`'s log: passing it again makes the change's audit insert fail.
async fn taken_entry(store: &SqlStore, org: OrgId, object_type: &str) -> AuditEntry {
    let taken = setup_audit(org, object_type);
    store.append_audit(&taken).await.unwrap();
    taken
}

async fn logged_ids(store: &SqlStore, org: OrgId) -> Vec<String> {
    let page = store
        .list_audit(org, &AuditFilter::default(), PageRequest::default())
        .await
        .unwrap();
    page.items.into_iter().map(|e| e.id.to_string()).collect()
}

async fn a_change_is_logged_with_its_entry(b: Backend) {
    let org = new_org(&b.store).await.id;
    let ext = extension(org, "101");
    let entry = setup_audit(org, "extension");
    b.store
        .create_extension(&ext, std::slice::from_ref(&entry))
        .await
        .unwrap();
    assert_eq!(b.store.find_extension(org, ext.id).await.unwrap(), ext);
    assert_eq!(logged_ids(&b.store, org).await, [entry.id.to_string()]);
}

async fn creates_whose_entry_fails_are_not_kept(b: Backend) {
    let org = new_org(&b.store).await.id;
    let taken = taken_entry(&b.store, org, "extension").await;

    let ext = extension(org, "101");
    let refused = b
        .store
        .create_extension(&ext, &[setup_audit(org, "extension"), taken.clone()])
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert_not_found(b.store.find_extension(org, ext.id).await);

    let number = phone_number(org, &unique_e164(), Destination::Hangup);
    let refused = b
        .store
        .create_phone_number(&number, std::slice::from_ref(&taken))
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert_not_found(b.store.find_phone_number(org, number.id).await);

    let room = conference_room(org, "Board");
    let refused = b
        .store
        .create_conference_room(&room, std::slice::from_ref(&taken))
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert_not_found(b.store.find_conference_room(org, room.id).await);

    // Neither the change nor the other entry of the refused write was logged.
    assert_eq!(logged_ids(&b.store, org).await, [taken.id.to_string()]);
}

async fn updates_whose_entry_fails_are_not_kept(b: Backend) {
    let org = new_org(&b.store).await.id;
    let a = add_extension(&b.store, org, "101").await;
    let c = add_extension(&b.store, org, "102").await;
    let group = add_ring_group(&b.store, org, "Support", vec![a.id]).await;
    let taken = taken_entry(&b.store, org, "ring_group").await;

    let mut renamed = group.clone();
    renamed.name = "Sales".into();
    renamed.members = vec![c.id, a.id];
    let refused = b
        .store
        .update_ring_group(&renamed, std::slice::from_ref(&taken))
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(b.store.find_ring_group(org, group.id).await.unwrap(), group);

    let mut quiet = a.clone();
    quiet.do_not_disturb = !a.do_not_disturb;
    let refused = b
        .store
        .update_extension(&quiet, std::slice::from_ref(&taken))
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(b.store.find_extension(org, a.id).await.unwrap(), a);
}

async fn deletes_whose_entry_fails_are_not_kept(b: Backend) {
    let org = new_org(&b.store).await.id;
    let ext = add_extension(&b.store, org, "101").await;
    let group = add_ring_group(&b.store, org, "Support", vec![]).await;
    let number = add_phone_number(&b.store, org, &unique_e164(), Destination::Hangup).await;
    let taken = taken_entry(&b.store, org, "delete").await;
    let again = std::slice::from_ref(&taken);

    assert!(b.store.delete_extension(org, ext.id, again).await.is_err());
    assert!(
        b.store
            .delete_ring_group(org, group.id, again)
            .await
            .is_err()
    );
    assert!(
        b.store
            .delete_phone_number(org, number.id, again)
            .await
            .is_err()
    );
    assert_eq!(b.store.find_extension(org, ext.id).await.unwrap(), ext);
    assert_eq!(b.store.find_ring_group(org, group.id).await.unwrap(), group);
    assert_eq!(
        b.store.find_phone_number(org, number.id).await.unwrap(),
        number
    );
}

/// User creation, the provisioning request (a job on its own), invitations and sign-outs share
/// the mechanism.
async fn a_user_job_or_sign_out_whose_entry_fails_is_not_kept(b: Backend) {
    let org = new_org(&b.store).await.id;
    let taken = taken_entry(&b.store, org, "user").await;
    let again = std::slice::from_ref(&taken);

    let ann = user(org, "ann@example.com");
    assert!(b.store.create_user(&ann, again).await.is_err());
    assert_not_found(b.store.find_user(org, ann.id).await);

    let job = Job::new(org, JobPayload::Provision, now_ms());
    assert!(b.store.insert_job(&job, again).await.is_err());
    assert_not_found(b.store.find_job(org, job.id).await);

    // An invitation is stored with its entry too: refused, its link never works.
    let (_, invitation) = new_link(
        org,
        LinkPurpose::Invitation,
        "cy@example.com",
        Some(Role::PbxUser),
    );
    assert!(
        b.store
            .create_account_link(&invitation, again)
            .await
            .is_err()
    );
    assert_not_found(
        b.store
            .find_account_link_by_hash(&invitation.token_hash)
            .await,
    );

    // A sign-out whose entry fails leaves the session working.
    let bob = add_user(&b.store, org, "bob@example.com").await;
    let session = add_token(&b.store, &bob).await;
    let refused = b
        .store
        .revoke_api_token(org, session.id, now_ms(), again)
        .await;
    assert!(refused.is_err(), "{refused:?}");
    let kept = b.store.find_api_token_by_hash(&session.token_hash).await;
    assert_eq!(kept.unwrap(), session);
}

opbx_tests::on_both_backends!(
    a_change_is_logged_with_its_entry,
    creates_whose_entry_fails_are_not_kept,
    updates_whose_entry_fails_are_not_kept,
    deletes_whose_entry_fails_are_not_kept,
    a_user_job_or_sign_out_whose_entry_fails_is_not_kept,
);
