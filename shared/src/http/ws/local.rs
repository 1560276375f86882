//! `opbx-local`'s WebSockets with API Gateway's semantics: `GET /ws` runs the same `$connect`,
//! `$default` and `$disconnect` handlers on a real socket under a connection id, and
//! `GET|POST|DELETE /@connections/{id}` is API Gateway's Management API on those sockets (410 for
//! an unknown id, its error names in `x-amzn-ErrorType`, its 128 KiB payload limit), so the
//! production adapter, or any AWS SDK, can be pointed at this process and behaves as in AWS.
//!
//! Messages are capped at API Gateway's limits (128 KiB, in frames of at most 32 KiB): a client
//! cannot make the process buffer more, and one that tries is disconnected.
//!
//! The management endpoint has no authentication (in AWS it takes IAM-signed requests): posting
//! needs a connection id, which is random and never shown to anyone but its own client.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use super::{connect, default, disconnect};
use crate::adapters::memory::ws_hub::{ConnectionInfo, LocalHub};
use crate::app::AppState;
use crate::domain::now_ms;
use crate::http::api::extract::client_ip;
use crate::ports::event_push::{Delivery, EventPush};

/// API Gateway's WebSocket limits: a message of at most 128 KiB in frames of at most 32 KiB.
pub const MAX_MESSAGE_BYTES: usize = 128 * 1024;
pub const MAX_FRAME_BYTES: usize = 32 * 1024;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/ws", get(upgrade))
        .route(
            "/@connections/{id}",
            get(get_connection)
                .post(post_to_connection)
                .delete(delete_connection)
                // Over the limit the body is not read at all; the handler answers as AWS does.
                .layer(DefaultBodyLimit::max(MAX_MESSAGE_BYTES)),
        )
        .method_not_allowed_fallback(|| async {
            aws_error(
                StatusCode::METHOD_NOT_ALLOWED,
                "UnknownOperationException",
                "the Management API has GET, POST and DELETE on /@connections/{id}",
            )
        })
        .with_state(state)
}

async fn upgrade(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    parts: Parts,
    ws: WebSocketUpgrade,
) -> Response {
    let id = LocalHub::new_connection_id();
    let connection = match connect(&state, &id, query.get("token").map(String::as_str)).await {
        Ok(c) => c,
        Err(refused) => {
            let status = StatusCode::from_u16(refused.status).unwrap_or(StatusCode::FORBIDDEN);
            return (status, refused.body.unwrap_or_default()).into_response();
        }
    };
    let now = now_ms();
    let info = ConnectionInfo {
        connected_at: now,
        last_active_at: now,
        source_ip: client_ip(&parts, &state.trusted_proxies),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    // Attached before the handshake completes, so no event posted meanwhile is lost.
    let outbox = state.realtime.hub.attach(&id, info);
    let failed = state.clone();
    let failed_id = id.clone();
    ws.max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_failed_upgrade(move |_| {
            tokio::spawn(async move {
                failed.realtime.hub.detach(&failed_id);
                disconnect(&failed, &failed_id).await;
            });
        })
        .on_upgrade(move |socket| serve(state, id, connection.expires_at, socket, outbox))
}

async fn serve(
    state: AppState,
    id: String,
    expires_at: i64,
    socket: WebSocket,
    mut outbox: mpsc::Receiver<Vec<u8>>,
) {
    let (mut to_client, mut from_client) = socket.split();
    let left = std::time::Duration::from_millis(expires_at.saturating_sub(now_ms()).max(0) as u64);
    let expiry = tokio::time::sleep(left);
    tokio::pin!(expiry);
    loop {
        tokio::select! {
            posted = outbox.recv() => {
                // `None`: the hub dropped the socket (`DELETE /@connections/{id}`).
                let Some(payload) = posted else { break };
                if to_client.send(frame(payload)).await.is_err() {
                    break;
                }
            }
            received = from_client.next() => {
                state.realtime.hub.touch(&id, now_ms());
                let text = match received {
                    Some(Ok(Message::Text(text))) => text.to_string(),
                    Some(Ok(Message::Binary(bytes))) => String::from_utf8_lossy(&bytes).into_owned(),
                    // Control frames are answered by the WebSocket layer itself.
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                };
                if let Some(body) = default(&text).body
                    && to_client.send(Message::Text(body.into())).await.is_err()
                {
                    break;
                }
            }
            () = &mut expiry => break,
        }
    }
    state.realtime.hub.detach(&id);
    disconnect(&state, &id).await;
    let _ = to_client.send(Message::Close(None)).await;
}

/// API Gateway sends posted data as a text frame when it is text.
fn frame(payload: Vec<u8>) -> Message {
    match String::from_utf8(payload) {
        Ok(text) => Message::Text(text.into()),
        Err(e) => Message::Binary(e.into_bytes().into()),
    }
}

/// API Gateway's error answer: the SDKs read the error's name from `x-amzn-ErrorType`.
fn aws_error(status: StatusCode, kind: &'static str, message: &str) -> Response {
    (
        status,
        [
            ("x-amzn-ErrorType", kind),
            ("content-type", "application/json"),
        ],
        serde_json::json!({ "message": message }).to_string(),
    )
        .into_response()
}

/// `GetConnection`, in the Management API's JSON (ISO 8601 times, as the SDKs parse them).
async fn get_connection(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Some(info) = state.realtime.hub.info(&id) else {
        return aws_error(StatusCode::GONE, "GoneException", "Gone");
    };
    let iso = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .map(|t| t.to_string())
            .unwrap_or_default()
    };
    (
        [("content-type", "application/json")],
        serde_json::json!({
            "connectedAt": iso(info.connected_at),
            "identity": {
                "sourceIp": info.source_ip.unwrap_or_default(),
                "userAgent": info.user_agent.unwrap_or_default(),
            },
            "lastActiveAt": iso(info.last_active_at),
        })
        .to_string(),
    )
        .into_response()
}

async fn post_to_connection(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return aws_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PayloadTooLargeException",
                "Message too long",
            );
        }
        Err(e) => return aws_error(e.status(), "BadRequestException", &e.body_text()),
    };
    match state.realtime.hub.post(&id, &body).await {
        Ok(Delivery::Delivered) => StatusCode::OK.into_response(),
        Ok(Delivery::Gone) => aws_error(StatusCode::GONE, "GoneException", "Gone"),
        Err(_) => aws_error(
            StatusCode::TOO_MANY_REQUESTS,
            "LimitExceededException",
            "the client is not reading its messages",
        ),
    }
}

async fn delete_connection(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    if state.realtime.hub.disconnect(&id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        aws_error(StatusCode::GONE, "GoneException", "Gone")
    }
}
