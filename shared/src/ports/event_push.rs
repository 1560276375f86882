//! Sending one message to one WebSocket connection: API Gateway's Management API
//! (`PostToConnection`) in AWS, the local hub in `opbx-local`.

use async_trait::async_trait;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    /// The connection no longer exists (API Gateway's 410): the caller should forget it.
    Gone,
}

#[derive(Debug, thiserror::Error)]
#[error("could not post to the connection: {0}")]
pub struct PushError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

#[async_trait]
pub trait EventPush: Send + Sync {
    async fn post(&self, connection_id: &str, payload: &[u8]) -> Result<Delivery, PushError>;

    /// Closes the connection (API Gateway's `DeleteConnection`); `Gone` when it was already
    /// closed.
    async fn close(&self, connection_id: &str) -> Result<Delivery, PushError>;
}
