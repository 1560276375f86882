//! Real time: the live view of calls in progress and the WebSocket events that keep it current
//! (ARCHITECTURE §4). In AWS: DynamoDB tables, a DynamoDB stream and API Gateway's Management
//! API; in `opbx-local`: the same ports in process, with the local WebSocket hub.

pub mod fanout;
pub mod tracking;

use std::sync::Arc;

use crate::adapters::apigw::ManagementApiPush;
use crate::adapters::dynamodb::{
    self, connections::DynamoConnections, live_calls::DynamoLiveCalls,
};
use crate::adapters::memory::connections::MemoryConnections;
use crate::adapters::memory::live_calls::MemoryLiveCalls;
use crate::adapters::memory::ws_hub::LocalHub;
use crate::config::ConfigError;
use crate::ports::connections::Connections;
use crate::ports::event_push::EventPush;
use crate::ports::live_calls::LiveCalls;
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
}

impl RealtimeConfig {
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let config = Self {
            live_calls_table: get("OPBX_LIVE_CALLS_TABLE"),
            connections_table: get("OPBX_CONNECTIONS_TABLE"),
            management_endpoint: get("AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI"),
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
    /// "dynamodb" or "memory": whether the stores are shared (AWS) or this process's own.
    pub backend: &'static str,
}

impl Realtime {
    /// Everything in process: changes reach the hub's sockets directly.
    pub fn in_memory() -> Self {
        let hub = Arc::new(LocalHub::default());
        Self::in_process(hub.clone(), hub)
    }

    fn in_process(hub: Arc<LocalHub>, push: Arc<dyn EventPush>) -> Self {
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

    pub async fn connect(config: &RealtimeConfig) -> Self {
        let hub = Arc::new(LocalHub::default());
        let push: Arc<dyn EventPush> = match &config.management_endpoint {
            Some(endpoint) => Arc::new(ManagementApiPush::connect(endpoint).await),
            None => hub.clone(),
        };
        match (&config.live_calls_table, &config.connections_table) {
            (Some(live_calls), Some(connections)) => {
                let client = dynamodb::client().await;
                Self {
                    live_calls: Arc::new(DynamoLiveCalls::new(client.clone(), live_calls)),
                    connections: Arc::new(DynamoConnections::new(client, connections)),
                    push,
                    hub,
                    backend: "dynamodb",
                }
            }
            _ => Self::in_process(hub, push),
        }
    }

    /// The fanout over this deployment's connections (presence-fanout's work in AWS).
    pub fn fanout(&self) -> Fanout {
        Fanout::new(self.connections.clone(), self.push.clone())
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
