//! The WebSocket connection registry in process (`opbx-local`, tests).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;

use crate::domain::ids::OrgId;
use crate::domain::now_ms;
use crate::ports::connections::{Connection, Connections};
use crate::ports::store::StoreResult;

#[derive(Default)]
pub struct MemoryConnections {
    by_id: Mutex<HashMap<String, Connection>>,
}

impl MemoryConnections {
    fn by_id(&self) -> std::sync::MutexGuard<'_, HashMap<String, Connection>> {
        // Every critical section is one map operation, so a poisoned map is still consistent.
        self.by_id.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl Connections for MemoryConnections {
    async fn add_connection(&self, connection: &Connection) -> StoreResult<()> {
        self.by_id()
            .insert(connection.id.clone(), connection.clone());
        Ok(())
    }

    async fn remove_connection(&self, id: &str) -> StoreResult<bool> {
        Ok(self.by_id().remove(id).is_some())
    }

    async fn list_connections(&self, org: OrgId) -> StoreResult<Vec<Connection>> {
        let now = now_ms();
        let mut by_id = self.by_id();
        by_id.retain(|_, c| c.expires_at > now);
        Ok(by_id
            .values()
            .filter(|c| c.organization_id == org)
            .cloned()
            .collect())
    }
}
