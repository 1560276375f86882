//! opbx-local's `@connections` answers AWS's own Management API client as API Gateway does
//! (issue 16.7): `GetConnection` (times, identity, 410 once gone), the 128 KiB payload limit as
//! `PayloadTooLargeException`, and every error named in `x-amzn-ErrorType`.

use std::net::SocketAddr;
use std::time::Duration;

use aws_sdk_apigatewaymanagement::Client;
use aws_sdk_apigatewaymanagement::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_apigatewaymanagement::primitives::Blob;
use futures_util::SinkExt;
use opbx::domain::now_ms;
use opbx::http::ws::local::MAX_MESSAGE_BYTES;
use opbx_tests::realtime::{RealtimeOrg, WsClient, next_json, ws_connect};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message;

const WAIT: Duration = Duration::from_secs(5);

/// AWS's client as a backend would configure it, pointed at the local endpoint.
fn aws_client(addr: SocketAddr) -> Client {
    let config = aws_sdk_apigatewaymanagement::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .endpoint_url(format!("http://{addr}"))
        .build();
    Client::from_conf(config)
}

/// The `@connections` endpoint and WebSockets of one embedded app, served with the peer address
/// as opbx-local serves them; the test's one connection and its id.
async fn serve_one_connection() -> (SocketAddr, WsClient, String, RealtimeOrg) {
    let backend = opbx_tests::Backend::embedded().await;
    let state = backend.app_state();
    let org = RealtimeOrg::create(&state.store).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = opbx::http::ws::local::router(state.clone())
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = ws_connect(addr, &org.api_token).await;
    let connections = state
        .realtime
        .connections
        .list_connections(org.org.id)
        .await
        .unwrap();
    assert_eq!(connections.len(), 1);
    (addr, client, connections[0].id.clone(), org)
}

fn millis(time: &aws_sdk_apigatewaymanagement::primitives::DateTime) -> i64 {
    time.to_millis().unwrap()
}

#[tokio::test]
async fn get_connection_tells_when_and_from_where_then_gone() {
    let before = now_ms();
    let (addr, mut socket, id, _org) = serve_one_connection().await;
    let aws = aws_client(addr);

    let info = aws
        .get_connection()
        .connection_id(&id)
        .send()
        .await
        .unwrap();
    let connected = millis(info.connected_at().unwrap());
    assert!(
        (before..=now_ms()).contains(&connected),
        "{connected} not in [{before}, now]"
    );
    assert_eq!(info.identity().unwrap().source_ip(), Some("127.0.0.1"));
    assert_eq!(millis(info.last_active_at().unwrap()), connected);

    // The client speaks: its last activity moves, its connection time does not.
    tokio::time::sleep(Duration::from_millis(20)).await;
    socket
        .send(Message::Text(r#"{"action":"ping"}"#.into()))
        .await
        .unwrap();
    let _reply = next_json(&mut socket, WAIT).await;
    let later = aws
        .get_connection()
        .connection_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(millis(later.connected_at().unwrap()), connected);
    assert!(millis(later.last_active_at().unwrap()) > connected);

    aws.delete_connection()
        .connection_id(&id)
        .send()
        .await
        .unwrap();
    let gone = aws
        .get_connection()
        .connection_id(&id)
        .send()
        .await
        .unwrap_err();
    assert!(
        gone.as_service_error()
            .is_some_and(|e| e.is_gone_exception()),
        "{gone:?}"
    );
    assert_eq!(gone.raw_response().unwrap().status().as_u16(), 410);
}

#[tokio::test]
async fn posts_over_128_kib_are_refused_as_api_gateway_refuses_them() {
    let (addr, mut socket, id, _org) = serve_one_connection().await;
    let aws = aws_client(addr);

    let at_limit = format!("\"{}\"", "a".repeat(MAX_MESSAGE_BYTES - 2));
    aws.post_to_connection()
        .connection_id(&id)
        .data(Blob::new(at_limit.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        next_json(&mut socket, WAIT)
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .len(),
        MAX_MESSAGE_BYTES - 2
    );

    let over = aws
        .post_to_connection()
        .connection_id(&id)
        .data(Blob::new(vec![b'a'; MAX_MESSAGE_BYTES + 1]))
        .send()
        .await
        .unwrap_err();
    let error = over.as_service_error().unwrap();
    assert!(error.is_payload_too_large_exception(), "{over:?}");
    assert_eq!(over.raw_response().unwrap().status().as_u16(), 413);
    // Nothing of it reached the client.
    assert_eq!(
        next_json(&mut socket, Duration::from_millis(300)).await,
        None
    );
}

#[tokio::test]
async fn an_unknown_operation_is_named_in_the_error_header() {
    let (addr, _socket, id, _org) = serve_one_connection().await;
    // Connection ids are base64: `/` and `+` travel percent-encoded, as the SDKs send them.
    let id = id
        .replace('/', "%2F")
        .replace('+', "%2B")
        .replace('=', "%3D");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "PATCH /@connections/{id} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let head = raw.split("\r\n\r\n").next().unwrap().to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 405"), "{head}");
    assert!(
        head.contains("x-amzn-errortype: unknownoperationexception"),
        "{head}"
    );
}
