//! The sockets `opbx-local` holds itself: its stand-in for API Gateway's side of WebSockets.
//! Posting to a connection queues the message on that socket; an unknown connection is `Gone`,
//! as API Gateway answers 410. Each socket keeps what `GetConnection` tells about it.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use tokio::sync::mpsc;

use crate::ports::event_push::{Delivery, EventPush, PushError};

/// Messages waiting for one slow socket before posts to it fail instead of piling up.
const QUEUE_PER_SOCKET: usize = 256;

#[derive(Default)]
pub struct LocalHub {
    sockets: Mutex<HashMap<String, Socket>>,
}

struct Socket {
    outbox: mpsc::Sender<Vec<u8>>,
    info: ConnectionInfo,
}

/// What API Gateway's `GetConnection` answers about a socket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionInfo {
    /// Epoch milliseconds.
    pub connected_at: i64,
    /// Epoch milliseconds of the client's last message (the connection time until it sends one).
    pub last_active_at: i64,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("the client is not reading its messages")]
struct SocketFull;

impl LocalHub {
    fn sockets(&self) -> std::sync::MutexGuard<'_, HashMap<String, Socket>> {
        // Every critical section is one map operation, so a poisoned map is still consistent.
        self.sockets.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A fresh connection id in API Gateway's format (base64 of random bytes, e.g.
    /// `L0SM9cOFvHcCIhw=`).
    pub fn new_connection_id() -> String {
        use base64::Engine;
        let mut bytes = [0u8; 11];
        aws_lc_rs::rand::fill(&mut bytes).expect("the system RNG works");
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    /// Registers a socket; what is posted to `id` arrives on the returned receiver.
    pub fn attach(&self, id: &str, info: ConnectionInfo) -> mpsc::Receiver<Vec<u8>> {
        let (outbox, rx) = mpsc::channel(QUEUE_PER_SOCKET);
        self.sockets()
            .insert(id.to_owned(), Socket { outbox, info });
        rx
    }

    /// `GetConnection`: `None` for a connection that is gone.
    pub fn info(&self, id: &str) -> Option<ConnectionInfo> {
        self.sockets().get(id).map(|s| s.info.clone())
    }

    /// The client sent a message at `at` (epoch milliseconds).
    pub fn touch(&self, id: &str, at: i64) {
        if let Some(socket) = self.sockets().get_mut(id) {
            socket.info.last_active_at = at;
        }
    }

    pub fn detach(&self, id: &str) {
        self.sockets().remove(id);
    }

    /// Closes the socket as API Gateway's `DELETE /@connections/{id}` does; `false` if unknown.
    pub fn disconnect(&self, id: &str) -> bool {
        // Dropping the sender ends the socket's receive loop, which then closes it.
        self.sockets().remove(id).is_some()
    }
}

#[async_trait]
impl EventPush for LocalHub {
    async fn post(&self, connection_id: &str, payload: &[u8]) -> Result<Delivery, PushError> {
        let Some(socket) = self.sockets().get(connection_id).map(|s| s.outbox.clone()) else {
            return Ok(Delivery::Gone);
        };
        match socket.try_send(payload.to_vec()) {
            Ok(()) => Ok(Delivery::Delivered),
            Err(mpsc::error::TrySendError::Closed(_)) => Ok(Delivery::Gone),
            Err(mpsc::error::TrySendError::Full(_)) => Err(PushError(Box::new(SocketFull))),
        }
    }

    async fn close(&self, connection_id: &str) -> Result<Delivery, PushError> {
        Ok(if self.disconnect(connection_id) {
            Delivery::Delivered
        } else {
            Delivery::Gone
        })
    }
}
