//! End to end on real sockets: WebSocket clients of a running opbx-local watching calls driven by
//! webhooks, and the production Management API adapter posting to the local `@connections`
//! endpoint.

use std::time::Duration;

use opbx::adapters::sql::SqlStore;
use opbx::ports::event_push::{Delivery, EventPush};
use opbx_aws::apigw::ManagementApiPush;
use opbx_tests::local::LocalProcess;
use opbx_tests::realtime::{RealtimeOrg, WsClient, next_json, post_webhook, ws_connect};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

const WAIT: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(300);

/// Events for one call until it ends (or nothing comes within [`WAIT`]).
async fn statuses_until_ended(ws: &mut WsClient, call: &str) -> Vec<String> {
    let mut seen = Vec::new();
    while let Some(event) = next_json(ws, WAIT).await {
        assert_eq!(event["type"], "call.updated", "{event}");
        assert_eq!(event["call"]["call_id"], call, "{event}");
        let status = event["call"]["status"].as_str().unwrap().to_owned();
        let ended = !matches!(status.as_str(), "initiated" | "ringing" | "answered");
        seen.push(status);
        if ended {
            break;
        }
    }
    seen
}

#[tokio::test]
async fn a_client_of_organization_a_sees_its_call_progress_and_nothing_of_b() {
    let dir = opbx_tests::local::temp_dir();
    let mut pbx = LocalProcess::start(&dir, &[]).await;
    let addr = pbx.addr();
    // The process migrated its SQLite database; the test sets tenants up in it directly.
    let store = SqlStore::connect(&format!("sqlite://{}", dir.join("opbx.db").display()), 2)
        .await
        .unwrap();
    let a = RealtimeOrg::create(&store).await;
    let b = RealtimeOrg::create(&store).await;
    let mut watch_a = ws_connect(addr, &a.api_token).await;
    let mut watch_b = ws_connect(addr, &b.api_token).await;

    let (call_a, call_b) = ("session-of-a", "session-of-b");
    for status in ["ringing", "answer"] {
        let (code, body) = post_webhook(
            addr,
            "/webhooks/cloudonix/session",
            Some(&a.webhook_key),
            &a.session_update(call_a, status),
        )
        .await;
        assert_eq!(code, 200, "{body}");
    }
    let (code, body) = post_webhook(
        addr,
        "/webhooks/cloudonix/session",
        Some(&b.webhook_key),
        &b.session_update(call_b, "ringing"),
    )
    .await;
    assert_eq!(code, 200, "{body}");
    let (code, body) = post_webhook(addr, &a.cdr_path(), None, &a.cdr(call_a, "ANSWER")).await;
    assert_eq!(code, 200, "{body}");

    assert_eq!(
        statuses_until_ended(&mut watch_a, call_a).await,
        ["ringing", "answered", "completed"]
    );
    assert_eq!(
        next_json(&mut watch_a, QUIET).await,
        None,
        "A sees nothing of B's call"
    );
    let seen_by_b = next_json(&mut watch_b, WAIT).await.expect("B's own call");
    assert_eq!(seen_by_b["call"]["call_id"], call_b);
    assert_eq!(
        next_json(&mut watch_b, QUIET).await,
        None,
        "B sees nothing of A's call"
    );

    // $default answers pings on the same socket.
    use futures_util::SinkExt;
    watch_a
        .send(Message::Text(r#"{"type":"ping"}"#.into()))
        .await
        .unwrap();
    let pong: Value = next_json(&mut watch_a, WAIT).await.unwrap();
    assert_eq!(pong["type"], "pong");

    drop((watch_a, watch_b));
    store.close().await;
    pbx.terminate_gracefully(Duration::from_secs(10)).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn connecting_needs_a_valid_api_token() {
    let dir = opbx_tests::local::temp_dir();
    let mut pbx = LocalProcess::start(&dir, &[]).await;
    for query in ["", "?token=", "?token=forged"] {
        let url = format!("ws://{}/ws{query}", pbx.addr());
        match tokio_tungstenite::connect_async(url).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), 401, "{query}");
            }
            other => panic!("{query:?} was not refused: {:?}", other.map(|_| ())),
        }
    }
    pbx.terminate_gracefully(Duration::from_secs(10)).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The adapter presence-fanout uses in AWS, against opbx-local's API Gateway-compatible
/// `@connections` endpoint, served here in-process so the test can see the connection registry.
#[tokio::test]
async fn the_management_api_adapter_delivers_to_real_sockets_and_reports_gone() {
    // The AWS client needs the emulator's dummy credentials (else it asks the instance metadata
    // service); scripts/moto.sh exports them with the endpoint.
    opbx_tests::realtime::moto_endpoint();
    let backend = opbx_tests::Backend::embedded().await;
    let state = backend.app_state();
    let org = RealtimeOrg::create(&state.store).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = opbx::http::ws::local::router(state.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut client = ws_connect(addr, &org.api_token).await;
    let connections = state
        .realtime
        .connections
        .list_connections(org.org.id)
        .await
        .unwrap();
    assert_eq!(connections.len(), 1);
    assert_eq!(connections[0].user_id, org.user.id);
    let id = connections[0].id.clone();

    let push = ManagementApiPush::connect(&format!("http://{addr}")).await;
    let event = br#"{"type":"call.updated","call":{"call_id":"x"}}"#;
    assert_eq!(push.post(&id, event).await.unwrap(), Delivery::Delivered);
    let got = next_json(&mut client, WAIT).await.unwrap();
    assert_eq!(got["call"]["call_id"], "x");
    assert_eq!(
        push.post("Tm9TdWNoQ29ubmVjdGlvbg==", event).await.unwrap(),
        Delivery::Gone
    );

    // A client that leaves is forgotten ($disconnect), and posting to it is Gone.
    drop(client);
    let deadline = tokio::time::Instant::now() + WAIT;
    while !state
        .realtime
        .connections
        .list_connections(org.org.id)
        .await
        .unwrap()
        .is_empty()
    {
        assert!(tokio::time::Instant::now() < deadline, "not disconnected");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(push.post(&id, event).await.unwrap(), Delivery::Gone);
}
