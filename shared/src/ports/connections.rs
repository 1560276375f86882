//! The registry of open WebSocket connections (API Gateway's, or `opbx-local`'s own): who is
//! connected, for which organization, until when.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::store::StoreResult;
use crate::domain::ids::{OrgId, TokenId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// API Gateway's connection id (or the local hub's, in the same format).
    pub id: String,
    pub organization_id: OrgId,
    pub user_id: UserId,
    /// The API token it connected with, so that revoking the token closes it. Absent from
    /// registrations made before tokens were recorded (they end at their expiry).
    #[serde(default)]
    pub token_id: Option<TokenId>,
    /// Epoch ms.
    pub connected_at: i64,
    /// Epoch ms after which the connection receives nothing more: its token's expiry, or API
    /// Gateway's two-hour connection limit if that comes first.
    pub expires_at: i64,
}

#[async_trait]
pub trait Connections: Send + Sync {
    async fn add_connection(&self, connection: &Connection) -> StoreResult<()>;
    /// `false` when it was already gone.
    async fn remove_connection(&self, id: &str) -> StoreResult<bool>;
    /// The organization's connections that have not expired.
    async fn list_connections(&self, org: OrgId) -> StoreResult<Vec<Connection>>;
}
