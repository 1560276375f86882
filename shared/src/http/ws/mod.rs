//! The three WebSocket routes of API Gateway (`$connect`, `$disconnect`, `$default`), written once
//! and hosted twice: by the ws-connect / ws-disconnect / ws-default Lambda functions
//! ([`lambda_reply`]) and by `opbx-local`'s `/ws` ([`local`]).
//!
//! A client connects to `…/ws?token=<API token>` (browsers cannot set headers on a WebSocket),
//! then receives `call.updated` events for its organization and may send `{"type":"ping"}`,
//! answered `{"type":"pong"}`.

pub mod local;

use std::time::Duration;

use aws_lambda_events::encodings::Body;
use aws_lambda_events::event::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use serde_json::json;

use crate::app::AppState;
use crate::crypto::sha256_hex;
use crate::domain::now_ms;
use crate::http::api::caller::authenticate_bearer;
use crate::ports::connections::Connection;
use crate::ports::users::ApiTokenRepo;

/// API Gateway closes every WebSocket after two hours; clients reconnect.
pub const MAX_CONNECTION_AGE: Duration = Duration::from_secs(2 * 60 * 60);
/// Open connections one user may hold (a few browser tabs), and one organization; more are
/// refused at `$connect` with 429, so sockets cannot be piled up to exhaust memory.
pub const MAX_CONNECTIONS_PER_USER: usize = 10;
pub const MAX_CONNECTIONS_PER_ORGANIZATION: usize = 500;

/// Which route an API Gateway WebSocket event is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WsRoute {
    Connect,
    Disconnect,
    Default,
}

/// A route's answer as API Gateway takes it from the integration: for `$connect` a non-2xx
/// status refuses the handshake; for `$default` the body is sent back to the client (a two-way
/// route, `RouteResponseSelectionExpression: $default`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsReply {
    pub status: u16,
    pub body: Option<String>,
}

impl WsReply {
    fn ok() -> Self {
        Self {
            status: 200,
            body: None,
        }
    }

    fn json(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            body: Some(body.to_string()),
        }
    }
}

/// `$connect`: the token from the query string must be a valid API token, as for the REST API.
/// The connection is registered for the token's organization and user until the token expires
/// or API Gateway's connection limit, whichever comes first.
pub async fn connect(
    state: &AppState,
    connection_id: &str,
    token: Option<&str>,
) -> Result<Connection, WsReply> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(WsReply::json(
            401,
            json!({"error": "connect with ?token=<API token>"}),
        ));
    };
    let caller = authenticate_bearer(state, token).await.map_err(|e| {
        WsReply::json(
            e.status().as_u16(),
            json!({"error": e.problem().title.clone()}),
        )
    })?;
    let unavailable = |e: crate::ports::store::StoreError| {
        tracing::error!(error = %e, "WebSocket connect: store unavailable");
        WsReply::json(503, json!({"error": "temporarily unavailable"}))
    };
    let open = state
        .realtime
        .connections
        .list_connections(caller.org())
        .await
        .map_err(unavailable)?;
    let mine = open
        .iter()
        .filter(|c| c.user_id == caller.user_id())
        .count();
    if mine >= MAX_CONNECTIONS_PER_USER || open.len() >= MAX_CONNECTIONS_PER_ORGANIZATION {
        tracing::warn!(org = %caller.org(), user = %caller.user_id(), "WebSocket connection limit reached");
        return Err(WsReply::json(
            429,
            json!({"error": "too many open connections; close another tab first"}),
        ));
    }
    let token_expiry = state
        .store
        .find_api_token_by_hash(&sha256_hex(token))
        .await
        .map_err(unavailable)?
        .expires_at;
    let now = now_ms();
    let connection = Connection {
        id: connection_id.to_owned(),
        organization_id: caller.org(),
        user_id: caller.user_id(),
        connected_at: now,
        expires_at: token_expiry.min(now + MAX_CONNECTION_AGE.as_millis() as i64),
    };
    state
        .realtime
        .connections
        .add_connection(&connection)
        .await
        .map_err(unavailable)?;
    Ok(connection)
}

/// `$disconnect`: forget the connection. API Gateway does not guarantee this event, which is why
/// connections also expire and a 410 on posting removes them.
pub async fn disconnect(state: &AppState, connection_id: &str) -> WsReply {
    if let Err(e) = state
        .realtime
        .connections
        .remove_connection(connection_id)
        .await
    {
        tracing::warn!(error = %e, "WebSocket disconnect: could not remove the connection; it expires by itself");
    }
    WsReply::ok()
}

/// `$default`: any message a client sends. `{"type":"ping"}` (or plain `ping`) is answered
/// `{"type":"pong"}`, so clients can keep the connection from idling out (10 minutes on API
/// Gateway).
pub fn default(message: &str) -> WsReply {
    let message = message.trim();
    let kind = serde_json::from_str::<serde_json::Value>(message)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned));
    if message == "ping" || kind.as_deref() == Some("ping") {
        WsReply::json(200, json!({"type": "pong"}))
    } else {
        WsReply::json(
            400,
            json!({"type": "error", "message": "unknown message; send {\"type\":\"ping\"}"}),
        )
    }
}

/// One API Gateway WebSocket event handled by the Lambda function of `route`.
pub async fn lambda_reply(
    state: &AppState,
    route: WsRoute,
    event: &ApiGatewayWebsocketProxyRequest,
) -> ApiGatewayProxyResponse {
    let connection_id = event
        .request_context
        .connection_id
        .as_deref()
        .unwrap_or_default();
    let reply = match route {
        WsRoute::Connect => {
            let token = event.query_string_parameters.first("token");
            match connect(state, connection_id, token).await {
                Ok(_) => WsReply::ok(),
                Err(refused) => refused,
            }
        }
        WsRoute::Disconnect => disconnect(state, connection_id).await,
        WsRoute::Default => default(event.body.as_deref().unwrap_or_default()),
    };
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = i64::from(reply.status);
    response.body = reply.body.map(Body::Text);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pings_are_answered_and_anything_else_explained() {
        for ping in [
            "ping",
            r#"{"type":"ping"}"#,
            " {\"type\": \"ping\", \"id\": 7} ",
        ] {
            assert_eq!(
                default(ping),
                WsReply::json(200, json!({"type": "pong"})),
                "{ping}"
            );
        }
        let other = default(r#"{"type":"subscribe"}"#);
        assert_eq!(other.status, 400);
        assert!(other.body.unwrap().contains("ping"));
    }
}
