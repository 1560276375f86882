//! The three WebSocket routes of API Gateway (`$connect`, `$disconnect`, `$default`), written once
//! and hosted twice: by the ws-connect / ws-disconnect / ws-default Lambda functions
//! ([`lambda_reply`]) and by `opbx-local`'s `/ws` ([`local`]).
//!
//! A client connects to `…/ws?token=<API token>` (browsers cannot set headers on a WebSocket),
//! then receives `call.updated` events for its organization and may send `{"type":"ping"}`,
//! answered `{"type":"pong"}`.

pub mod local;
pub mod messages;

use std::time::Duration;

use aws_lambda_events::encodings::Body;
use aws_lambda_events::event::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use messages::{LiveEvent, LiveRequest, WsRefusal};

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

    fn event(status: u16, event: &LiveEvent) -> Self {
        Self {
            status,
            body: Some(event.to_json()),
        }
    }

    fn refused(status: u16, error: impl Into<String>) -> Self {
        let body = WsRefusal {
            error: error.into(),
        };
        Self {
            status,
            body: Some(serde_json::to_string(&body).expect("refusals serialise")),
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
        return Err(WsReply::refused(401, "connect with ?token=<API token>"));
    };
    let caller = authenticate_bearer(state, token)
        .await
        .map_err(|e| WsReply::refused(e.status().as_u16(), e.problem().title.clone()))?;
    let unavailable = |e: crate::ports::store::StoreError| {
        tracing::error!(error = %e, "WebSocket connect: store unavailable");
        WsReply::refused(503, "temporarily unavailable")
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
        return Err(WsReply::refused(
            429,
            "too many open connections; close another tab first",
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
        token_id: Some(caller.token_id),
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
    let request = serde_json::from_str::<LiveRequest>(message)
        .ok()
        .or((message == "ping").then_some(LiveRequest::Ping));
    match request {
        Some(LiveRequest::Ping) => WsReply::event(200, &LiveEvent::Pong),
        None => WsReply::event(
            400,
            &LiveEvent::Error {
                message: "unknown message; send {\"type\":\"ping\"}".into(),
            },
        ),
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
                default(ping).body.as_deref(),
                Some(r#"{"type":"pong"}"#),
                "{ping}"
            );
        }
        let other = default(r#"{"type":"subscribe"}"#);
        assert_eq!(other.status, 400);
        let body: serde_json::Value = serde_json::from_str(&other.body.unwrap()).unwrap();
        assert_eq!(body["type"], "error");
        assert!(body["message"].as_str().unwrap().contains("ping"));
    }
}
