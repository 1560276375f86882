//! The live-call and connection ports behave the same in memory (opbx-local) and on DynamoDB
//! (AWS, here on moto).

use std::sync::Arc;

use opbx::adapters::memory::connections::MemoryConnections;
use opbx::adapters::memory::live_calls::MemoryLiveCalls;
use opbx::domain::destination::Destination;
use opbx::domain::ids::{IvrMenuId, OrgId, UserId};
use opbx::domain::live_call::{CallLocation, LiveCall};
use opbx::domain::model::CallStatus;
use opbx::domain::now_ms;
use opbx::ports::connections::{Connection, Connections};
use opbx::ports::live_calls::{LIVE_CALL_TTL, LiveCalls};
use opbx::ports::store::StoreError;
use opbx_aws::dynamodb::connections::DynamoConnections;
use opbx_aws::dynamodb::live_calls::DynamoLiveCalls;

pub struct Stores {
    pub live_calls: Arc<dyn LiveCalls>,
    pub connections: Arc<dyn Connections>,
}

impl Stores {
    pub fn memory() -> Self {
        Self {
            live_calls: Arc::new(MemoryLiveCalls::default()),
            connections: Arc::new(MemoryConnections::default()),
        }
    }

    pub async fn dynamodb() -> Self {
        let (client, live, connections) = opbx_tests::realtime::moto_tables().await;
        Self {
            live_calls: Arc::new(DynamoLiveCalls::new(client.clone(), live)),
            connections: Arc::new(DynamoConnections::new(client, connections)),
        }
    }
}

pub fn call(org: OrgId, id: &str, status: CallStatus, started_at: i64) -> LiveCall {
    LiveCall {
        organization_id: org,
        call_id: id.to_owned(),
        call_log_id: None,
        direction: None,
        from_number: "+12125550100".into(),
        to_number: "1001".into(),
        caller_name: Some("Ada".into()),
        status,
        started_at,
        answered_at: None,
        ended_at: None,
        updated_at: now_ms(),
        // Stored and read back as it is: a nested, tagged destination.
        location: Some(CallLocation {
            destination: Destination::IvrMenu {
                id: IvrMenuId::new(),
            },
            name: "Front desk".into(),
        }),
    }
}

pub fn connection(org: OrgId, id: &str, expires_in_ms: i64) -> Connection {
    let now = now_ms();
    Connection {
        id: id.to_owned(),
        organization_id: org,
        user_id: UserId::new(),
        token_id: None,
        connected_at: now,
        expires_at: now + expires_in_ms,
    }
}

async fn live_calls_are_listed_per_organization_oldest_first(s: Stores) {
    let (a, b) = (OrgId::new(), OrgId::new());
    let now = now_ms();
    let late = call(a, "late", CallStatus::Answered, now);
    let early = call(a, "early", CallStatus::Ringing, now - 5_000);
    for c in [&late, &early, &call(b, "theirs", CallStatus::Ringing, now)] {
        s.live_calls.put_live_call(c).await.unwrap();
    }
    let listed = s.live_calls.list_live_calls(a).await.unwrap();
    assert_eq!(listed, vec![early.clone(), late]);
    assert_eq!(
        s.live_calls.find_live_call(a, "early").await.unwrap(),
        early
    );
    assert!(matches!(
        s.live_calls.find_live_call(a, "theirs").await,
        Err(StoreError::NotFound)
    ));
}

async fn a_put_replaces_the_call_and_an_ended_call_leaves_the_list(s: Stores) {
    let org = OrgId::new();
    let mut c = call(org, "c1", CallStatus::Ringing, now_ms());
    s.live_calls.put_live_call(&c).await.unwrap();
    c.status = CallStatus::Completed;
    c.ended_at = Some(now_ms());
    s.live_calls.put_live_call(&c).await.unwrap();
    assert!(s.live_calls.list_live_calls(org).await.unwrap().is_empty());
    // Still known as ended, so a late session update cannot bring it back.
    assert_eq!(
        s.live_calls.find_live_call(org, "c1").await.unwrap().status,
        CallStatus::Completed
    );
}

async fn calls_nobody_updated_for_the_ttl_are_gone(s: Stores) {
    let org = OrgId::new();
    let mut stale = call(org, "stale", CallStatus::Answered, 0);
    stale.updated_at = now_ms() - LIVE_CALL_TTL.as_millis() as i64 - 1_000;
    s.live_calls.put_live_call(&stale).await.unwrap();
    assert!(s.live_calls.list_live_calls(org).await.unwrap().is_empty());
    assert!(matches!(
        s.live_calls.find_live_call(org, "stale").await,
        Err(StoreError::NotFound)
    ));
}

async fn a_new_calls_insert_never_overwrites_a_live_entry(s: Stores) {
    let org = OrgId::new();
    let now = now_ms();
    let first = call(org, "tok", CallStatus::Initiated, now);
    assert!(s.live_calls.insert_live_call(&first).await.unwrap());
    // A session update got there first: the insert leaves its entry alone.
    let ringing = call(org, "tok", CallStatus::Ringing, now);
    s.live_calls.put_live_call(&ringing).await.unwrap();
    assert!(!s.live_calls.insert_live_call(&first).await.unwrap());
    assert_eq!(
        s.live_calls
            .find_live_call(org, "tok")
            .await
            .unwrap()
            .status,
        CallStatus::Ringing
    );
    // An expired entry counts as absent.
    let mut stale = call(org, "old", CallStatus::Answered, 0);
    stale.updated_at = now - LIVE_CALL_TTL.as_millis() as i64 - 1_000;
    s.live_calls.put_live_call(&stale).await.unwrap();
    assert!(
        s.live_calls
            .insert_live_call(&call(org, "old", CallStatus::Initiated, now))
            .await
            .unwrap()
    );
    // Per organization.
    assert!(
        s.live_calls
            .insert_live_call(&call(OrgId::new(), "tok", CallStatus::Initiated, now))
            .await
            .unwrap()
    );
}

async fn a_replace_lands_only_on_the_call_as_it_was_read(s: Stores) {
    let org = OrgId::new();
    let now = now_ms();
    let seen = call(org, "tok", CallStatus::Ringing, now);
    s.live_calls.put_live_call(&seen).await.unwrap();
    let mut answered = seen.clone();
    answered.status = CallStatus::Answered;
    answered.updated_at = now + 1;
    assert!(
        s.live_calls
            .replace_live_call(&answered, &seen)
            .await
            .unwrap()
    );
    assert_eq!(
        s.live_calls.find_live_call(org, "tok").await.unwrap(),
        answered
    );
    // Read before that change: refused, and the newer call stays.
    let mut stale = seen.clone();
    stale.updated_at = now + 2;
    assert!(!s.live_calls.replace_live_call(&stale, &seen).await.unwrap());
    // A session update ended the call between the read and the replace (same instant).
    let mut ended = answered.clone();
    ended.status = CallStatus::Completed;
    s.live_calls.put_live_call(&ended).await.unwrap();
    assert!(
        !s.live_calls
            .replace_live_call(&stale, &answered)
            .await
            .unwrap()
    );
    assert_eq!(
        s.live_calls
            .find_live_call(org, "tok")
            .await
            .unwrap()
            .status,
        CallStatus::Completed
    );
    // No entry (or another organization's): nothing to replace, nothing created.
    let elsewhere = call(OrgId::new(), "tok", CallStatus::Answered, now);
    assert!(
        !s.live_calls
            .replace_live_call(&elsewhere, &seen)
            .await
            .unwrap()
    );
    assert!(matches!(
        s.live_calls
            .find_live_call(elsewhere.organization_id, "tok")
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn connections_are_listed_per_organization_until_they_expire(s: Stores) {
    let (a, b) = (OrgId::new(), OrgId::new());
    let mine = connection(a, "AAAAAAAAAAAAAAA=", 60_000);
    s.connections.add_connection(&mine).await.unwrap();
    s.connections
        .add_connection(&connection(a, "expired/+AAAAAAA=", -1_000))
        .await
        .unwrap();
    s.connections
        .add_connection(&connection(b, "BBBBBBBBBBBBBBB=", 60_000))
        .await
        .unwrap();
    assert_eq!(s.connections.list_connections(a).await.unwrap(), vec![mine]);
    assert!(
        s.connections
            .remove_connection("AAAAAAAAAAAAAAA=")
            .await
            .unwrap()
    );
    assert!(
        !s.connections
            .remove_connection("AAAAAAAAAAAAAAA=")
            .await
            .unwrap()
    );
    assert!(s.connections.list_connections(a).await.unwrap().is_empty());
    assert_eq!(s.connections.list_connections(b).await.unwrap().len(), 1);
}

macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Stores::memory()).await
                }
            )*
        }
        mod dynamodb {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Stores::dynamodb().await).await
                }
            )*
        }
    };
}

on_both_stores!(
    a_new_calls_insert_never_overwrites_a_live_entry,
    a_replace_lands_only_on_the_call_as_it_was_read,
    live_calls_are_listed_per_organization_oldest_first,
    a_put_replaces_the_call_and_an_ended_call_leaves_the_list,
    calls_nobody_updated_for_the_ttl_are_gone,
    connections_are_listed_per_organization_until_they_expire,
);
