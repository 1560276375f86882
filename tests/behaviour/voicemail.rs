use opbx::domain::ids::{ExtensionId, OrgId, VoicemailId};
use opbx::domain::model::VoicemailMessage;
use opbx::ports::store::{PageRequest, StoreError};
use opbx::ports::voicemail::{VoicemailFilter, VoicemailRepo};
use opbx_tests::{Backend, new_org};

use crate::ivr_menus::insert_extension;

const T0: i64 = 1_700_000_000_000;

fn message(org: OrgId, extension: ExtensionId, sid: &str, created_at: i64) -> VoicemailMessage {
    VoicemailMessage {
        id: VoicemailId::new(),
        organization_id: org,
        extension_id: extension,
        call_sid: sid.into(),
        from_number: "+12125550100".into(),
        recording_url: format!("https://recordings.example.com/{sid}.mp3"),
        duration_seconds: 17,
        heard: false,
        created_at,
        audio_stored_at: None,
        emailed_at: None,
    }
}

async fn stored_message_reads_back_once(b: Backend) {
    let org = new_org(&b.store).await;
    let ext = insert_extension(&b.store, org.id, "201").await;
    let first = message(org.id, ext, "CA-1", T0);
    assert!(b.store.create_voicemail(&first).await.unwrap());
    assert_eq!(
        b.store.find_voicemail(org.id, first.id).await.unwrap(),
        first
    );

    // The recording callback replayed: same call, same mailbox.
    let replay = message(org.id, ext, "CA-1", T0 + 2_000);
    assert!(!b.store.create_voicemail(&replay).await.unwrap());
    let mailbox = b
        .store
        .list_voicemail_for_extension(org.id, ext, PageRequest::default())
        .await
        .unwrap();
    assert_eq!((mailbox.total, mailbox.items), (1, vec![first]));

    // One call may leave a message in several mailboxes (e.g. a ring group's members).
    let other_ext = insert_extension(&b.store, org.id, "202").await;
    assert!(
        b.store
            .create_voicemail(&message(org.id, other_ext, "CA-1", T0))
            .await
            .unwrap()
    );
}

async fn lists_are_newest_first_per_mailbox_and_per_organization(b: Backend) {
    let org = new_org(&b.store).await;
    let ext = insert_extension(&b.store, org.id, "201").await;
    let other_ext = insert_extension(&b.store, org.id, "202").await;
    let oldest = message(org.id, ext, "CA-1", T0);
    let middle = message(org.id, other_ext, "CA-2", T0 + 1_000);
    let newest = message(org.id, ext, "CA-3", T0 + 2_000);
    for m in [&middle, &newest, &oldest] {
        b.store.create_voicemail(m).await.unwrap();
    }
    let stranger = new_org(&b.store).await;
    let their_ext = insert_extension(&b.store, stranger.id, "201").await;
    b.store
        .create_voicemail(&message(stranger.id, their_ext, "CA-9", T0 + 5_000))
        .await
        .unwrap();

    let mailbox = b
        .store
        .list_voicemail_for_extension(org.id, ext, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        (mailbox.total, mailbox.items),
        (2, vec![newest.clone(), oldest.clone()])
    );
    let page_two = b
        .store
        .list_voicemail_for_extension(org.id, ext, PageRequest::new(2, 1))
        .await
        .unwrap();
    assert_eq!((page_two.total, page_two.items), (2, vec![oldest.clone()]));

    let everything = b
        .store
        .list_voicemail(org.id, &VoicemailFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        (everything.total, everything.items),
        (3, vec![newest, middle, oldest])
    );

    // Another tenant's mailbox id gives nothing, even when asked for under this organization.
    let peek = b
        .store
        .list_voicemail_for_extension(org.id, their_ext, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(peek.total, 0);
}

async fn lists_filter_by_mailboxes_and_heard(b: Backend) {
    let org = new_org(&b.store).await;
    let a = insert_extension(&b.store, org.id, "201").await;
    let c = insert_extension(&b.store, org.id, "202").await;
    let d = insert_extension(&b.store, org.id, "203").await;
    let to_a = message(org.id, a, "CA-1", T0);
    let to_c = message(org.id, c, "CA-2", T0 + 1);
    let mut heard = message(org.id, d, "CA-3", T0 + 2);
    heard.heard = true;
    for m in [&to_a, &to_c, &heard] {
        b.store.create_voicemail(m).await.unwrap();
    }
    let list = |filter: VoicemailFilter| {
        let store = b.store.clone();
        async move {
            let page = store
                .list_voicemail(org.id, &filter, PageRequest::default())
                .await
                .unwrap();
            (
                page.total,
                page.items
                    .into_iter()
                    .map(|m| m.call_sid)
                    .collect::<Vec<_>>(),
            )
        }
    };
    let sids = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        list(VoicemailFilter {
            extensions: Some(vec![a, d]),
            ..VoicemailFilter::default()
        })
        .await,
        (2, sids(&["CA-3", "CA-1"]))
    );
    assert_eq!(
        list(VoicemailFilter {
            extensions: Some(vec![]),
            ..VoicemailFilter::default()
        })
        .await,
        (0, vec![])
    );
    assert_eq!(
        list(VoicemailFilter {
            heard: Some(false),
            ..VoicemailFilter::default()
        })
        .await,
        (2, sids(&["CA-2", "CA-1"]))
    );
    assert_eq!(
        list(VoicemailFilter {
            extensions: Some(vec![c, d]),
            heard: Some(true),
        })
        .await,
        (1, sids(&["CA-3"]))
    );
}

async fn heard_flag_drives_the_unheard_count(b: Backend) {
    let org = new_org(&b.store).await;
    let ext = insert_extension(&b.store, org.id, "201").await;
    let first = message(org.id, ext, "CA-1", T0);
    let second = message(org.id, ext, "CA-2", T0 + 1_000);
    b.store.create_voicemail(&first).await.unwrap();
    b.store.create_voicemail(&second).await.unwrap();
    assert_eq!(
        b.store.count_unheard_voicemail(org.id, ext).await.unwrap(),
        2
    );

    b.store
        .set_voicemail_heard(org.id, first.id, true, &[])
        .await
        .unwrap();
    assert_eq!(
        b.store.count_unheard_voicemail(org.id, ext).await.unwrap(),
        1
    );
    assert!(
        b.store
            .find_voicemail(org.id, first.id)
            .await
            .unwrap()
            .heard
    );
    // Marking twice is harmless.
    b.store
        .set_voicemail_heard(org.id, first.id, true, &[])
        .await
        .unwrap();
    assert_eq!(
        b.store.count_unheard_voicemail(org.id, ext).await.unwrap(),
        1
    );

    b.store
        .set_voicemail_heard(org.id, first.id, false, &[])
        .await
        .unwrap();
    assert_eq!(
        b.store.count_unheard_voicemail(org.id, ext).await.unwrap(),
        2
    );
}

async fn delete_removes_one_message(b: Backend) {
    let org = new_org(&b.store).await;
    let ext = insert_extension(&b.store, org.id, "201").await;
    let gone = message(org.id, ext, "CA-1", T0);
    let kept = message(org.id, ext, "CA-2", T0 + 1_000);
    b.store.create_voicemail(&gone).await.unwrap();
    b.store.create_voicemail(&kept).await.unwrap();

    b.store
        .delete_voicemail(org.id, gone.id, &[])
        .await
        .unwrap();
    assert!(matches!(
        b.store.find_voicemail(org.id, gone.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.delete_voicemail(org.id, gone.id, &[]).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        b.store.count_unheard_voicemail(org.id, ext).await.unwrap(),
        1
    );
    assert_eq!(b.store.find_voicemail(org.id, kept.id).await.unwrap(), kept);
}

async fn other_organizations_cannot_see_or_change_a_message(b: Backend) {
    let org = new_org(&b.store).await;
    let intruder = new_org(&b.store).await;
    let ext = insert_extension(&b.store, org.id, "201").await;
    let m = message(org.id, ext, "CA-1", T0);
    b.store.create_voicemail(&m).await.unwrap();

    assert!(matches!(
        b.store.find_voicemail(intruder.id, m.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store
            .set_voicemail_heard(intruder.id, m.id, true, &[])
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.delete_voicemail(intruder.id, m.id, &[]).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        b.store
            .count_unheard_voicemail(intruder.id, ext)
            .await
            .unwrap(),
        0
    );
    let theirs = b
        .store
        .list_voicemail(
            intruder.id,
            &VoicemailFilter::default(),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(theirs.total, 0);
    assert_eq!(b.store.find_voicemail(org.id, m.id).await.unwrap(), m);
}

async fn a_message_goes_only_to_an_own_mailbox(b: Backend) {
    let org = new_org(&b.store).await;
    let stranger = new_org(&b.store).await;
    let their_ext = insert_extension(&b.store, stranger.id, "201").await;
    let misrouted = message(org.id, their_ext, "CA-1", T0);
    assert!(matches!(
        b.store.create_voicemail(&misrouted).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.find_voicemail(org.id, misrouted.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        b.store
            .count_unheard_voicemail(stranger.id, their_ext)
            .await
            .unwrap(),
        0
    );
}

opbx_tests::on_both_backends!(
    stored_message_reads_back_once,
    lists_are_newest_first_per_mailbox_and_per_organization,
    lists_filter_by_mailboxes_and_heard,
    heard_flag_drives_the_unheard_count,
    delete_removes_one_message,
    other_organizations_cannot_see_or_change_a_message,
    a_message_goes_only_to_an_own_mailbox,
);
