//! OpBX's AWS adapters: live calls and the WebSocket connection registry in DynamoDB, event push
//! through API Gateway's Management API, and the Lambda entry points of the functions that use
//! them, spoken to through `opbx`'s signed AWS client (no generated SDK). A function that never
//! calls DynamoDB or API Gateway does not carry these adapters.
//!
//! Which function uses what (the template's IAM statements say the same):
//! - live calls: webhook-voice, -gather, -dial, -session, -cdr and api-live-calls ([`lambda::serve`]);
//! - connections: ws-connect and ws-disconnect ([`lambda::websocket`]);
//! - connections and push: presence-fanout ([`lambda::presence_fanout`]) and `opbx-local`.

pub mod apigw;
pub mod dynamodb;
pub mod lambda;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use opbx::adapters::memory::ws_hub::LocalHub;
use opbx::ports::event_push::EventPush;
use opbx::realtime::guarded::GuardedLiveCalls;
use opbx::realtime::{Realtime, RealtimeConfig};

use apigw::ManagementApiPush;
use dynamodb::connections::DynamoConnections;
use dynamodb::live_calls::DynamoLiveCalls;

/// The DynamoDB stores when their tables are configured, otherwise everything in process. Events
/// reach clients through the live-calls stream (presence-fanout), so nothing here posts to API
/// Gateway and the Management API client stays out of the functions that use this.
pub fn realtime(config: &RealtimeConfig) -> BoxFuture<'_, Realtime> {
    Box::pin(async move {
        let hub = Arc::new(LocalHub::default());
        stores(config, hub.clone(), hub).await
    })
}

/// [`realtime`], posting events through API Gateway's Management API when
/// `AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI` is set (presence-fanout, and `opbx-local` serving a
/// deployment's WebSocket stage).
pub async fn realtime_with_push(config: &RealtimeConfig) -> Realtime {
    let hub = Arc::new(LocalHub::default());
    let push: Arc<dyn EventPush> = match &config.management_endpoint {
        Some(endpoint) => Arc::new(ManagementApiPush::connect(endpoint).await),
        None => hub.clone(),
    };
    stores(config, hub, push).await
}

async fn stores(config: &RealtimeConfig, hub: Arc<LocalHub>, push: Arc<dyn EventPush>) -> Realtime {
    match (&config.live_calls_table, &config.connections_table) {
        (Some(live_calls), Some(connections)) => {
            let client = dynamodb::client();
            Realtime {
                live_calls: Arc::new(GuardedLiveCalls::new(
                    Arc::new(DynamoLiveCalls::new(client.clone(), live_calls)),
                    config
                        .live_calls_deadline
                        .unwrap_or(opbx::realtime::guarded::DEFAULT_DEADLINE),
                )),
                connections: Arc::new(DynamoConnections::new(client, connections)),
                push,
                hub,
                backend: "dynamodb",
            }
        }
        _ => Realtime::in_process(hub, push),
    }
}
