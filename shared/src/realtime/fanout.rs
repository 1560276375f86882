//! Presence fanout: every live-call change becomes one event, posted to every connection of the
//! call's organization and to no one else's.
//!
//! Events: `{"type":"call.updated","call":{…}}` when a call starts or changes (an ended call is
//! announced with its final status), `{"type":"call.removed","call":{…}}` when a call is dropped
//! without ending (its entry expired).

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::live_call::LiveCallChange;
use crate::http::ws::messages::LiveEvent;
use crate::ports::connections::Connections;
use crate::ports::event_push::{Delivery, EventPush};
use crate::ports::live_calls::LiveCallFeed;
use crate::ports::store::StoreError;

/// The WebSocket message announcing `change`. The calls are in the API's view, so the live
/// view handles one shape from `GET /api/v1/live-calls` and from events.
pub fn event_json(change: &LiveCallChange) -> Vec<u8> {
    let event = match change {
        LiveCallChange::Updated(call) => LiveEvent::CallUpdated { call: call.into() },
        LiveCallChange::Removed(call) => LiveEvent::CallRemoved { call: call.into() },
    };
    event.to_json().into_bytes()
}

/// What one fanout did, for logs and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FanoutReport {
    pub delivered: usize,
    /// Connections API Gateway no longer knows (410); each was deleted from the registry.
    pub gone: usize,
    /// Posts that failed otherwise; the connection is kept, the event is lost for it.
    pub failed: usize,
}

impl FanoutReport {
    fn count(&self) {
        use crate::observe::metrics::{Metric, count_n};
        for (result, n) in [
            ("delivered", self.delivered),
            ("gone", self.gone),
            ("failed", self.failed),
        ] {
            count_n(
                Metric::WebSocketDeliveries,
                vec![("result", result.into())],
                n as u64,
            );
        }
    }
}

impl std::ops::AddAssign for FanoutReport {
    fn add_assign(&mut self, other: Self) {
        self.delivered += other.delivered;
        self.gone += other.gone;
        self.failed += other.failed;
    }
}

#[derive(Clone)]
pub struct Fanout {
    connections: Arc<dyn Connections>,
    push: Arc<dyn EventPush>,
}

impl Fanout {
    pub fn new(connections: Arc<dyn Connections>, push: Arc<dyn EventPush>) -> Self {
        Self { connections, push }
    }

    /// Posts the event of `change` to each of the organization's connections at once. Fails only
    /// when the connections cannot be listed, so the caller may retry the whole change.
    pub async fn publish(&self, change: &LiveCallChange) -> Result<FanoutReport, StoreError> {
        let org = change.call().organization_id;
        let payload = event_json(change);
        let connections = self.connections.list_connections(org).await?;
        let posts = connections.iter().map(|c| {
            let payload = &payload;
            async move { (c, self.push.post(&c.id, payload).await) }
        });
        let mut report = FanoutReport::default();
        for (connection, result) in futures_util::future::join_all(posts).await {
            match result {
                Ok(Delivery::Delivered) => report.delivered += 1,
                Ok(Delivery::Gone) => {
                    report.gone += 1;
                    // Only the connection that failed is forgotten; a failure to forget it costs
                    // one more 410 on the next event.
                    if let Err(e) = self.connections.remove_connection(&connection.id).await {
                        tracing::warn!(connection_id = %connection.id, error = %e, "could not delete a gone connection");
                    }
                }
                Err(e) => {
                    report.failed += 1;
                    tracing::warn!(connection_id = %connection.id, error = %e, "event not delivered");
                }
            }
        }
        report.count();
        Ok(report)
    }

    /// The presence-fanout function's work: one batch of live-call changes (a DynamoDB stream
    /// batch), in order. A failure to list connections fails the batch, so Lambda delivers it
    /// again.
    pub async fn publish_batch(
        &self,
        changes: impl IntoIterator<Item = LiveCallChange>,
    ) -> Result<FanoutReport, StoreError> {
        let mut total = FanoutReport::default();
        for change in changes {
            // An ended call's entry expiring tells clients nothing: they saw it end.
            if matches!(&change, LiveCallChange::Removed(call) if call.status.is_terminal()) {
                continue;
            }
            total += self.publish(&change).await?;
        }
        Ok(total)
    }
}

#[async_trait]
impl LiveCallFeed for Fanout {
    async fn live_call_changed(&self, change: LiveCallChange) {
        if let Err(e) = self.publish(&change).await {
            tracing::warn!(error = %e, call_id = %crate::log_safe::Untrusted(&change.call().call_id), "live-call event not published");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::OrgId;
    use crate::domain::live_call::LiveCall;
    use crate::domain::model::CallStatus;

    #[test]
    fn events_name_their_type_and_carry_the_call() {
        let call = LiveCall {
            organization_id: OrgId::new(),
            call_id: "tok".into(),
            call_log_id: None,
            direction: None,
            from_number: "+12125550100".into(),
            to_number: "1001".into(),
            caller_name: None,
            status: CallStatus::Answered,
            started_at: 1_772_357_400_000,
            answered_at: Some(1_772_357_405_000),
            ended_at: None,
            updated_at: 1_772_357_405_000,
            location: None,
        };
        let updated: serde_json::Value =
            serde_json::from_slice(&event_json(&LiveCallChange::Updated(call.clone()))).unwrap();
        assert_eq!(updated["type"], "call.updated");
        assert_eq!(updated["call"]["call_id"], "tok");
        assert_eq!(updated["call"]["status"], "answered");
        assert_eq!(updated["call"]["answered_at"], "2026-03-01T09:30:05Z");
        let removed: serde_json::Value =
            serde_json::from_slice(&event_json(&LiveCallChange::Removed(call))).unwrap();
        assert_eq!(removed["type"], "call.removed");
    }
}
