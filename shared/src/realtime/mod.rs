//! Real time: the live view of calls in progress and the WebSocket events that keep it current
//! (ARCHITECTURE §4). In AWS: DynamoDB tables, a DynamoDB stream and API Gateway's Management
//! API, whose adapters live in the `opbx-aws` crate so that only the functions that use them link
//! the AWS SDK; in `opbx-local`: the same ports in process, with the local WebSocket hub.

pub mod closing;
pub mod fanout;
pub mod guarded;
pub mod tracking;

use std::sync::Arc;

use futures_util::future::BoxFuture;

use crate::adapters::memory::connections::MemoryConnections;
use crate::adapters::memory::live_calls::MemoryLiveCalls;
use crate::adapters::memory::ws_hub::LocalHub;
use crate::config::ConfigError;
use crate::domain::ids::OrgId;
use crate::domain::live_call::LiveCall;
use crate::ports::connections::{Connection, Connections};
use crate::ports::event_push::{Delivery, EventPush, PushError};
use crate::ports::live_calls::LiveCalls;
use crate::ports::store::{StoreError, StoreResult};
use fanout::Fanout;

/// Which adapters carry real time. Unset, everything is in process (one `opbx-local`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RealtimeConfig {
    /// `OPBX_LIVE_CALLS_TABLE`: the DynamoDB live-calls table (its stream feeds presence-fanout).
    pub live_calls_table: Option<String>,
    /// `OPBX_CONNECTIONS_TABLE`: the DynamoDB WebSocket connection registry.
    pub connections_table: Option<String>,
    /// `AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI`: the WebSocket API's stage URL; events are then
    /// posted through API Gateway's Management API instead of the local hub.
    pub management_endpoint: Option<String>,
    /// `OPBX_LIVE_CALLS_DEADLINE_MS`: how long one live-calls request (DynamoDB) may take before
    /// the webhook goes on without the live view (default [`guarded::DEFAULT_DEADLINE`]).
    pub live_calls_deadline: Option<std::time::Duration>,
}

impl RealtimeConfig {
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let config = Self {
            live_calls_table: get("OPBX_LIVE_CALLS_TABLE"),
            connections_table: get("OPBX_CONNECTIONS_TABLE"),
            management_endpoint: get("AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI"),
            live_calls_deadline: get("OPBX_LIVE_CALLS_DEADLINE_MS")
                .map(|v| match v.trim().parse::<u64>() {
                    Ok(ms) if ms > 0 => Ok(std::time::Duration::from_millis(ms)),
                    _ => Err(ConfigError {
                        var: "OPBX_LIVE_CALLS_DEADLINE_MS",
                        problem: format!("{v:?} is not a positive number"),
                    }),
                })
                .transpose()?,
        };
        // In-process live calls fan out to in-process connections only; DynamoDB live calls reach
        // clients through the stream, which needs the connections in DynamoDB too.
        if config.live_calls_table.is_some() != config.connections_table.is_some() {
            let missing = if config.live_calls_table.is_none() {
                "OPBX_LIVE_CALLS_TABLE"
            } else {
                "OPBX_CONNECTIONS_TABLE"
            };
            return Err(ConfigError {
                var: missing,
                problem: "OPBX_LIVE_CALLS_TABLE and OPBX_CONNECTIONS_TABLE are set together".into(),
            });
        }
        Ok(config)
    }
}

/// The real-time ports every handler shares.
#[derive(Clone)]
pub struct Realtime {
    pub live_calls: Arc<dyn LiveCalls>,
    pub connections: Arc<dyn Connections>,
    pub push: Arc<dyn EventPush>,
    /// The sockets this process holds itself (`opbx-local`'s `/ws`); in AWS, API Gateway holds
    /// them and this stays empty.
    pub hub: Arc<LocalHub>,
    /// "dynamodb", "memory" or "not linked": whether the stores are shared (AWS), this process's
    /// own, or absent from this function ([`Realtime::without_aws`]).
    pub backend: &'static str,
}

impl Realtime {
    /// Everything in process: changes reach the hub's sockets directly.
    pub fn in_memory() -> Self {
        let hub = Arc::new(LocalHub::default());
        Self::in_process(hub.clone(), hub)
    }

    /// The stores of one process, posting through `push` (the hub, or API Gateway's Management
    /// API when `opbx-local` serves a deployment's WebSocket stage).
    pub fn in_process(hub: Arc<LocalHub>, push: Arc<dyn EventPush>) -> Self {
        let connections: Arc<dyn Connections> = Arc::new(MemoryConnections::default());
        let fanout = Fanout::new(connections.clone(), push.clone());
        Self {
            live_calls: Arc::new(MemoryLiveCalls::with_feed(Arc::new(fanout))),
            connections,
            push,
            hub,
            backend: "memory",
        }
    }

    /// For a function built without the AWS adapters (`opbx::lambda::serve`): in process when no
    /// shared store is configured, and otherwise ports that refuse every call. In AWS every
    /// function is given the table names, but only the ones linking `opbx-aws` use them; a
    /// function that reached real-time state without it fails loudly instead of keeping calls
    /// in a memory no other function sees.
    pub fn without_aws(config: &RealtimeConfig) -> Self {
        if config.live_calls_table.is_none() && config.management_endpoint.is_none() {
            return Self::in_memory();
        }
        let absent = Arc::new(NotLinked);
        Self {
            live_calls: absent.clone(),
            connections: absent.clone(),
            push: absent,
            hub: Arc::new(LocalHub::default()),
            backend: "not linked",
        }
    }

    /// The fanout over this deployment's connections (presence-fanout's work in AWS).
    pub fn fanout(&self) -> Fanout {
        Fanout::new(self.connections.clone(), self.push.clone())
    }
}

/// How a function obtains its real-time stores; `opbx-aws` provides the DynamoDB one. A plain
/// function pointer keeps the Lambda entry points non-generic.
pub type RealtimeConnector = for<'a> fn(&'a RealtimeConfig) -> BoxFuture<'a, Realtime>;

/// The [`RealtimeConnector`] of the functions that do not link the AWS SDK.
pub fn connect_without_aws(config: &RealtimeConfig) -> BoxFuture<'_, Realtime> {
    Box::pin(async move { Realtime::without_aws(config) })
}

/// The ports of a function that was built without the AWS adapters.
struct NotLinked;

#[derive(Debug, thiserror::Error)]
#[error("real-time state is in DynamoDB, and this function is built without opbx-aws")]
struct NotLinkedError;

fn not_linked<T>() -> StoreResult<T> {
    tracing::error!("{NotLinkedError}");
    Err(StoreError::Unavailable(Box::new(NotLinkedError)))
}

#[async_trait::async_trait]
impl LiveCalls for NotLinked {
    async fn put_live_call(&self, _: &LiveCall) -> StoreResult<()> {
        not_linked()
    }
    async fn insert_live_call(&self, _: &LiveCall) -> StoreResult<bool> {
        not_linked()
    }
    async fn replace_live_call(&self, _: &LiveCall, _: &LiveCall) -> StoreResult<bool> {
        not_linked()
    }
    async fn find_live_call(&self, _: OrgId, _: &str) -> StoreResult<LiveCall> {
        not_linked()
    }
    async fn list_live_calls(&self, _: OrgId) -> StoreResult<Vec<LiveCall>> {
        not_linked()
    }
}

#[async_trait::async_trait]
impl Connections for NotLinked {
    async fn add_connection(&self, _: &Connection) -> StoreResult<()> {
        not_linked()
    }
    async fn remove_connection(&self, _: &str) -> StoreResult<bool> {
        not_linked()
    }
    async fn list_connections(&self, _: OrgId) -> StoreResult<Vec<Connection>> {
        not_linked()
    }
}

#[async_trait::async_trait]
impl EventPush for NotLinked {
    async fn post(&self, _: &str, _: &[u8]) -> Result<Delivery, PushError> {
        tracing::error!("{NotLinkedError}");
        Err(PushError(Box::new(NotLinkedError)))
    }

    async fn close(&self, _: &str) -> Result<Delivery, PushError> {
        tracing::error!("{NotLinkedError}");
        Err(PushError(Box::new(NotLinkedError)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<RealtimeConfig, ConfigError> {
        let map: HashMap<&str, &str> = vars.iter().copied().collect();
        RealtimeConfig::from_lookup(|k| map.get(k).map(|v| v.to_string()))
    }

    #[tokio::test]
    async fn a_function_without_the_aws_adapters_refuses_configured_tables_instead_of_keeping_calls_to_itself()
     {
        let org = OrgId::new();
        let local = Realtime::without_aws(&RealtimeConfig::default());
        assert_eq!(local.backend, "memory");
        assert!(
            local
                .live_calls
                .list_live_calls(org)
                .await
                .unwrap()
                .is_empty()
        );
        let tables = config(&[
            ("OPBX_LIVE_CALLS_TABLE", "live"),
            ("OPBX_CONNECTIONS_TABLE", "conns"),
        ])
        .unwrap();
        let absent = Realtime::without_aws(&tables);
        assert_eq!(absent.backend, "not linked");
        assert!(matches!(
            absent.live_calls.list_live_calls(org).await,
            Err(StoreError::Unavailable(_))
        ));
        assert!(absent.connections.list_connections(org).await.is_err());
        assert!(absent.push.post("c", b"{}").await.is_err());
    }

    #[test]
    fn tables_are_configured_together() {
        assert_eq!(config(&[]).unwrap(), RealtimeConfig::default());
        let both = config(&[
            ("OPBX_LIVE_CALLS_TABLE", "live"),
            ("OPBX_CONNECTIONS_TABLE", "conns"),
        ])
        .unwrap();
        assert_eq!(both.live_calls_table.as_deref(), Some("live"));
        assert_eq!(
            config(&[("OPBX_LIVE_CALLS_TABLE", "live")])
                .unwrap_err()
                .var,
            "OPBX_CONNECTIONS_TABLE"
        );
        assert_eq!(
            config(&[("OPBX_CONNECTIONS_TABLE", "c")]).unwrap_err().var,
            "OPBX_LIVE_CALLS_TABLE"
        );
    }
}
