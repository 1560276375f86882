use opbx::domain::ids::{CdrId, OrgId};
use opbx::domain::model::Cdr;
use opbx::ports::cdrs::CdrRepo;
use opbx::ports::store::{PageRequest, StoreError};
use opbx_tests::{Backend, new_org};

const T0: i64 = 1_700_000_000_000;

fn cdr(org: OrgId, session: &str, received_at: i64) -> Cdr {
    Cdr {
        id: CdrId::new(),
        organization_id: org,
        session_token: session.into(),
        call_sid: Some(format!("CA-{session}")),
        from_number: "+12125550100".into(),
        to_number: "+442079460000".into(),
        disposition: "ANSWER".into(),
        duration_seconds: 64,
        billsec: 60,
        started_at: Some(received_at - 64_000),
        answered_at: Some(received_at - 60_000),
        ended_at: Some(received_at),
        raw: format!(r#"{{"session":"{session}","disposition":"ANSWER","billsec":60}}"#),
        received_at,
    }
}

async fn stored_cdr_reads_back(b: Backend) {
    let org = new_org(&b.store).await;
    let mut record = cdr(org.id, "s-1", T0);
    record.call_sid = None;
    record.started_at = None;
    record.answered_at = None;
    assert!(b.store.insert_cdr(&record).await.unwrap());
    assert_eq!(b.store.find_cdr(org.id, record.id).await.unwrap(), record);
}

async fn redelivered_cdr_is_already_stored(b: Backend) {
    let org = new_org(&b.store).await;
    let first = cdr(org.id, "s-1", T0);
    assert!(b.store.insert_cdr(&first).await.unwrap());

    let mut again = cdr(org.id, "s-1", T0 + 30_000);
    again.disposition = "NOANSWER".into();
    assert!(!b.store.insert_cdr(&again).await.unwrap());
    assert!(matches!(
        b.store.find_cdr(org.id, again.id).await,
        Err(StoreError::NotFound)
    ));
    let page = b
        .store
        .list_cdrs(org.id, PageRequest::default())
        .await
        .unwrap();
    assert_eq!((page.total, page.items), (1, vec![first]));

    // Session tokens are unique per organization, not globally.
    let elsewhere = new_org(&b.store).await;
    assert!(
        b.store
            .insert_cdr(&cdr(elsewhere.id, "s-1", T0))
            .await
            .unwrap()
    );
}

async fn other_organizations_cannot_see_a_cdr(b: Backend) {
    let org = new_org(&b.store).await;
    let intruder = new_org(&b.store).await;
    let record = cdr(org.id, "s-1", T0);
    b.store.insert_cdr(&record).await.unwrap();

    assert!(matches!(
        b.store.find_cdr(intruder.id, record.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.find_cdr(org.id, CdrId::new()).await,
        Err(StoreError::NotFound)
    ));
    let theirs = b
        .store
        .list_cdrs(intruder.id, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(theirs.total, 0);
    assert!(theirs.items.is_empty());
}

async fn a_calls_cdr_is_found_by_its_session_in_its_organization_only(b: Backend) {
    let org = new_org(&b.store).await;
    let intruder = new_org(&b.store).await;
    let record = cdr(org.id, "s-1", T0);
    b.store.insert_cdr(&record).await.unwrap();
    b.store.insert_cdr(&cdr(org.id, "s-2", T0)).await.unwrap();
    assert_eq!(
        b.store.find_cdr_by_session(org.id, "s-1").await.unwrap(),
        record
    );
    assert!(matches!(
        b.store.find_cdr_by_session(intruder.id, "s-1").await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        b.store.find_cdr_by_session(org.id, "s-3").await,
        Err(StoreError::NotFound)
    ));
}

async fn list_pages_most_recent_first(b: Backend) {
    let org = new_org(&b.store).await;
    let records: Vec<Cdr> = (0..5)
        .map(|i| cdr(org.id, &format!("s-{i}"), T0 + i * 1_000))
        .collect();
    // Stored out of order: the list orders by reception time, not insertion.
    for i in [3, 0, 4, 1, 2] {
        b.store.insert_cdr(&records[i]).await.unwrap();
    }

    let first = b
        .store
        .list_cdrs(org.id, PageRequest::new(1, 2))
        .await
        .unwrap();
    assert_eq!(first.total, 5);
    assert_eq!(first.items, vec![records[4].clone(), records[3].clone()]);
    let last = b
        .store
        .list_cdrs(org.id, PageRequest::new(3, 2))
        .await
        .unwrap();
    assert_eq!(last.items, vec![records[0].clone()]);
    let beyond = b
        .store
        .list_cdrs(org.id, PageRequest::new(4, 2))
        .await
        .unwrap();
    assert_eq!((beyond.total, beyond.items.len()), (5, 0));
}

opbx_tests::on_both_backends!(
    stored_cdr_reads_back,
    redelivered_cdr_is_already_stored,
    other_organizations_cannot_see_a_cdr,
    a_calls_cdr_is_found_by_its_session_in_its_organization_only,
    list_pages_most_recent_first,
);
