//! Every message of the `/ws` WebSocket, as typed values: what the server sends
//! ([`LiveEvent`]), what a client may send ([`LiveRequest`]) and the body of a refused
//! handshake ([`WsRefusal`]). The OpenAPI document publishes their schemas (components
//! `LiveEvent`, `LiveRequest`, `WsRefusal`), and the code that sends them serialises these
//! types, so the two cannot differ.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::api::live_calls::LiveCallView;

/// A message from the server, told apart by `type`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "type")]
pub enum LiveEvent {
    /// A call started or changed; an ended call is announced once with its final status.
    #[serde(rename = "call.updated")]
    #[schema(title = "CallUpdated")]
    CallUpdated { call: LiveCallView },
    /// A call was dropped without ending (its entry expired).
    #[serde(rename = "call.removed")]
    #[schema(title = "CallRemoved")]
    CallRemoved { call: LiveCallView },
    /// The answer to a `ping`.
    #[serde(rename = "pong")]
    #[schema(title = "Pong")]
    Pong,
    /// The answer to a message the server does not understand.
    #[serde(rename = "error")]
    #[schema(title = "Error")]
    Error { message: String },
}

/// A message a client may send: `{"type": "ping"}` (a bare `ping` works too), answered `pong`,
/// keeps the connection from idling out.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "type")]
pub enum LiveRequest {
    #[serde(rename = "ping")]
    Ping,
}

/// The body of a refused handshake (401 without or with a bad token, 503 when a store is
/// down).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WsRefusal {
    pub error: String,
}

impl LiveEvent {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("live events always serialise")
    }
}
