//! WebSockets cannot be piled up or stuffed (issue 18.6): connections are limited per user and
//! per organization at `$connect` (both SQL backends), and `opbx-local` refuses messages larger
//! than API Gateway takes instead of buffering them.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use opbx::adapters::sql::SqlStore;
use opbx::http::ws::{MAX_CONNECTIONS_PER_USER, connect};
use opbx_tests::local::LocalProcess;
use opbx_tests::realtime::{RealtimeOrg, next_json, ws_connect};
use opbx_tests::{Backend, on_both_backends};
use tokio_tungstenite::tungstenite::Message;

async fn connections_are_limited_per_user(b: Backend) {
    let state = b.app_state();
    let watcher = RealtimeOrg::create(&state.store).await;
    let colleague = RealtimeOrg::create(&state.store).await;
    for i in 0..MAX_CONNECTIONS_PER_USER {
        connect(&state, &format!("c{i}"), Some(&watcher.api_token))
            .await
            .unwrap_or_else(|r| panic!("connection {i} refused: {r:?}"));
    }
    let refused = connect(&state, "one-too-many", Some(&watcher.api_token))
        .await
        .unwrap_err();
    assert_eq!(refused.status, 429, "{refused:?}");
    // Someone else (here of another organization) is not affected.
    connect(&state, "other", Some(&colleague.api_token))
        .await
        .unwrap();
    // Closing one makes room again.
    opbx::http::ws::disconnect(&state, "c0").await;
    connect(&state, "again", Some(&watcher.api_token))
        .await
        .unwrap();
}

on_both_backends!(connections_are_limited_per_user);

#[tokio::test]
async fn a_message_larger_than_api_gateway_takes_closes_the_socket() {
    let dir = opbx_tests::local::temp_dir();
    let pbx = LocalProcess::start(&dir, &[]).await;
    let store = SqlStore::connect(&format!("sqlite://{}", dir.join("opbx.db").display()), 2)
        .await
        .unwrap();
    let org = RealtimeOrg::create(&store).await;

    let mut ws = ws_connect(pbx.addr(), &org.api_token).await;
    ws.send(Message::Text("ping".into())).await.unwrap();
    assert_eq!(
        next_json(&mut ws, Duration::from_secs(5)).await.unwrap()["type"],
        "pong"
    );
    // 1 MiB: sending may already fail once the server closes; either way no pong comes back.
    let _ = ws.send(Message::Text("x".repeat(1 << 20).into())).await;
    let _ = ws.send(Message::Text("ping".into())).await;
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    panic!("answered after the oversized message: {text}")
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the oversized message must end the connection, not be buffered"
    );
    // A fresh connection works.
    let mut again = ws_connect(pbx.addr(), &org.api_token).await;
    again.send(Message::Text("ping".into())).await.unwrap();
    assert!(
        next_json(&mut again, Duration::from_secs(5))
            .await
            .is_some()
    );
}
