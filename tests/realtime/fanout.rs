//! Presence fanout: each live-call change reaches every connection of its organization and no
//! other; a connection API Gateway no longer knows (410) is deleted, and only that one. Pushes go
//! to real sockets of the local hub (unknown ids answer Gone, like API Gateway).

use std::sync::Arc;

use opbx::adapters::memory::ws_hub::{ConnectionInfo, LocalHub};
use opbx::domain::ids::OrgId;
use opbx::domain::live_call::LiveCallChange;
use opbx::domain::model::CallStatus;
use opbx::domain::now_ms;
use opbx::realtime::fanout::{Fanout, FanoutReport};
use serde_json::{Value, json};
use tokio::sync::mpsc::Receiver;

use crate::stores::{Stores, call, connection};

fn received(socket: &mut Receiver<Vec<u8>>) -> Vec<Value> {
    let mut events = Vec::new();
    while let Ok(bytes) = socket.try_recv() {
        events.push(serde_json::from_slice(&bytes).unwrap());
    }
    events
}

async fn connect(s: &Stores, hub: &LocalHub, org: OrgId, id: &str) -> Receiver<Vec<u8>> {
    s.connections
        .add_connection(&connection(org, id, 60_000))
        .await
        .unwrap();
    hub.attach(id, ConnectionInfo::default())
}

async fn events_reach_every_connection_of_the_organization_and_no_other(s: Stores) {
    let hub = Arc::new(LocalHub::default());
    let fanout = Fanout::new(s.connections.clone(), hub.clone());
    let (a, b) = (OrgId::new(), OrgId::new());
    let mut a1 = connect(&s, &hub, a, &LocalHub::new_connection_id()).await;
    let mut a2 = connect(&s, &hub, a, &LocalHub::new_connection_id()).await;
    let mut b1 = connect(&s, &hub, b, &LocalHub::new_connection_id()).await;

    let ringing = call(a, "call-a", CallStatus::Ringing, now_ms());
    let report = fanout
        .publish(&LiveCallChange::Updated(ringing))
        .await
        .unwrap();
    assert_eq!(
        report,
        FanoutReport {
            delivered: 2,
            gone: 0,
            failed: 0
        }
    );
    for socket in [&mut a1, &mut a2] {
        let events = received(socket);
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0]["type"], "call.updated");
        assert_eq!(events[0]["call"]["call_id"], "call-a");
        assert_eq!(events[0]["call"]["status"], "ringing");
    }
    assert!(received(&mut b1).is_empty(), "B saw A's call");
}

async fn a_gone_connection_is_deleted_and_only_that_one(s: Stores) {
    let hub = Arc::new(LocalHub::default());
    let fanout = Fanout::new(s.connections.clone(), hub.clone());
    let org = OrgId::new();
    let mut alive = connect(&s, &hub, org, "alive+/AAAAAAAAA=").await;
    // Registered, but its socket is gone: API Gateway would answer 410.
    s.connections
        .add_connection(&connection(org, "gone+/AAAAAAAAAA=", 60_000))
        .await
        .unwrap();

    let change = LiveCallChange::Updated(call(org, "c", CallStatus::Answered, now_ms()));
    let report = fanout.publish(&change).await.unwrap();
    assert_eq!((report.delivered, report.gone), (1, 1));
    let left: Vec<String> = s
        .connections
        .list_connections(org)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(left, vec!["alive+/AAAAAAAAA=".to_owned()]);
    assert_eq!(received(&mut alive).len(), 1);

    // The next event goes to the living connection only, without another 410.
    let report = fanout.publish(&change).await.unwrap();
    assert_eq!((report.delivered, report.gone), (1, 0));
}

macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(crate::stores::Stores::memory()).await
                }
            )*
        }
        mod dynamodb {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(crate::stores::Stores::dynamodb().await).await
                }
            )*
        }
    };
}

on_both_stores!(
    events_reach_every_connection_of_the_organization_and_no_other,
    a_gone_connection_is_deleted_and_only_that_one,
);

/// In AWS the live-calls table's stream feeds presence-fanout: here moto's stream records, in
/// the shape Lambda delivers them, go through the function's own code.
#[tokio::test]
async fn the_live_calls_stream_on_moto_becomes_events_in_order() {
    let (client, live_table, connections_table) = opbx_tests::realtime::moto_tables().await;
    let live = opbx_aws::dynamodb::live_calls::DynamoLiveCalls::new(client.clone(), &live_table);
    let connections = Arc::new(opbx_aws::dynamodb::connections::DynamoConnections::new(
        client.clone(),
        connections_table,
    ));
    let hub = Arc::new(LocalHub::default());
    let fanout = Fanout::new(connections.clone(), hub.clone());
    let stores = Stores {
        live_calls: Arc::new(live.clone()),
        connections,
    };
    let (a, b) = (OrgId::new(), OrgId::new());
    let mut watcher = connect(&stores, &hub, a, &LocalHub::new_connection_id()).await;
    let mut other = connect(&stores, &hub, b, &LocalHub::new_connection_id()).await;

    use opbx::ports::live_calls::LiveCalls;
    let mut c = call(a, "streamed", CallStatus::Ringing, now_ms());
    live.put_live_call(&c).await.unwrap();
    c.status = CallStatus::Answered;
    live.put_live_call(&c).await.unwrap();
    live.put_live_call(&call(b, "b-call", CallStatus::Ringing, now_ms()))
        .await
        .unwrap();
    c.status = CallStatus::Completed;
    live.put_live_call(&c).await.unwrap();
    // What DynamoDB's TTL does later: the ended call's removal is not news, the other one's is.
    for (org, id) in [(a, "streamed"), (b, "b-call")] {
        let key = json!({"organization_id": {"S": org.to_string()}, "call_id": {"S": id}});
        client
            .call("DeleteItem", &json!({"TableName": live_table, "Key": key}))
            .await
            .unwrap();
    }

    let records = opbx_tests::realtime::stream_records(&client, &live_table).await;
    let event: aws_lambda_events::event::dynamodb::Event =
        serde_json::from_value(records).expect("moto's records parse as Lambda's stream event");
    assert_eq!(event.records.len(), 6);
    let report = opbx_aws::dynamodb::live_calls::publish_stream(&fanout, &event)
        .await
        .unwrap();
    assert_eq!(report.delivered, 5);

    let seen: Vec<(String, String)> = received(&mut watcher)
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["call"]["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("call.updated".to_owned(), "ringing".to_owned()),
            ("call.updated".to_owned(), "answered".to_owned()),
            ("call.updated".to_owned(), "completed".to_owned()),
        ]
    );
    let theirs = received(&mut other);
    assert_eq!(theirs.len(), 2, "{theirs:?}");
    assert_eq!(theirs[0]["call"]["call_id"], "b-call");
    assert_eq!(theirs[1]["type"], "call.removed");
}
