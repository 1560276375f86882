//! Live calls in DynamoDB. Every write lands on the table's stream, which the presence-fanout
//! function turns into WebSocket events ([`change_from_stream`]).

use async_trait::async_trait;
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Client, epoch_seconds, from_item, query_all, to_item};
use opbx::domain::ids::OrgId;
use opbx::domain::live_call::{LiveCall, LiveCallChange};
use opbx::domain::now_ms;
use opbx::ports::live_calls::{LiveCalls, expires_at};
use opbx::ports::store::{StoreError, StoreResult};
use opbx::realtime::fanout::{Fanout, FanoutReport};

#[derive(Clone)]
pub struct DynamoLiveCalls {
    client: Client,
    table: String,
}

/// The stored item: the call's fields as attributes (readable in the console and on the stream)
/// plus the TTL.
#[derive(Serialize, Deserialize)]
struct Item {
    #[serde(flatten)]
    call: LiveCall,
    ttl: i64,
}

impl DynamoLiveCalls {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn key(org: OrgId, call_id: &str) -> Value {
    json!({"organization_id": {"S": org.to_string()}, "call_id": {"S": call_id}})
}

fn item(call: &LiveCall) -> StoreResult<Value> {
    to_item(Item {
        call: call.clone(),
        ttl: epoch_seconds(expires_at(call)),
    })
}

#[async_trait]
impl LiveCalls for DynamoLiveCalls {
    async fn put_live_call(&self, call: &LiveCall) -> StoreResult<()> {
        let request = json!({"TableName": self.table, "Item": item(call)?});
        self.client.store_call("PutItem", &request).await?;
        Ok(())
    }

    /// One conditional PutItem. An entry left by an expired call (DynamoDB deletes lazily)
    /// counts as absent, like everywhere else.
    async fn insert_live_call(&self, call: &LiveCall) -> StoreResult<bool> {
        let request = json!({
            "TableName": self.table,
            "Item": item(call)?,
            "ConditionExpression": "attribute_not_exists(call_id) OR #ttl < :now",
            "ExpressionAttributeNames": {"#ttl": super::TTL_ATTRIBUTE},
            "ExpressionAttributeValues": {":now": {"N": epoch_seconds(now_ms()).to_string()}},
        });
        match self.client.call("PutItem", &request).await {
            Ok(_) => Ok(true),
            Err(e) if e.refused_as("ConditionalCheckFailedException") => Ok(false),
            Err(e) => Err(super::unavailable(e)),
        }
    }

    /// One conditional PutItem on the status and `updated_at` that were read.
    async fn replace_live_call(&self, call: &LiveCall, seen: &LiveCall) -> StoreResult<bool> {
        let status =
            serde_json::to_value(seen.status).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let request = json!({
            "TableName": self.table,
            "Item": item(call)?,
            "ConditionExpression": "#status = :status AND updated_at = :updated",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {
                ":status": {"S": status.as_str().unwrap_or_default()},
                ":updated": {"N": seen.updated_at.to_string()},
            },
        });
        match self.client.call("PutItem", &request).await {
            Ok(_) => Ok(true),
            Err(e) if e.refused_as("ConditionalCheckFailedException") => Ok(false),
            Err(e) => Err(super::unavailable(e)),
        }
    }

    async fn find_live_call(&self, org: OrgId, call_id: &str) -> StoreResult<LiveCall> {
        let request = json!({
            "TableName": self.table,
            "Key": key(org, call_id),
            "ConsistentRead": true,
        });
        let mut answer = self.client.store_call("GetItem", &request).await?;
        let found = match answer["Item"].take() {
            Value::Object(item) if !item.is_empty() => Value::Object(item),
            _ => return Err(StoreError::NotFound),
        };
        let call = from_item::<Item>(found)?.call;
        // DynamoDB deletes expired items lazily (within days), so expiry is checked here too.
        if expires_at(&call) <= now_ms() {
            return Err(StoreError::NotFound);
        }
        Ok(call)
    }

    async fn list_live_calls(&self, org: OrgId) -> StoreResult<Vec<LiveCall>> {
        let now = now_ms();
        let request = json!({
            "TableName": self.table,
            "KeyConditionExpression": "organization_id = :org",
            "ExpressionAttributeValues": {":org": {"S": org.to_string()}},
            "ConsistentRead": true,
        });
        let mut calls: Vec<LiveCall> = query_all::<Item>(&self.client, request)
            .await?
            .into_iter()
            .map(|i| i.call)
            .filter(|call| expires_at(call) > now && !call.status.is_terminal())
            .collect();
        calls.sort_by(|a, b| (a.started_at, &a.call_id).cmp(&(b.started_at, &b.call_id)));
        Ok(calls)
    }
}

/// The change one record of the live-calls stream describes. `None` (logged) for a record that is
/// not a live call, so one bad record cannot block the ones after it.
pub fn change_from_stream(record: &EventRecord) -> Option<LiveCallChange> {
    let (image, removed) = match record.event_name.as_str() {
        "INSERT" | "MODIFY" => (&record.change.new_image, false),
        "REMOVE" => (&record.change.old_image, true),
        other => {
            tracing::error!(event = other, id = %record.event_id, "unknown stream event");
            return None;
        }
    };
    match serde_dynamo::from_item::<_, Item>(image.clone()) {
        Ok(item) if removed => Some(LiveCallChange::Removed(item.call)),
        Ok(item) => Some(LiveCallChange::Updated(item.call)),
        Err(e) => {
            tracing::error!(error = %e, id = %record.event_id, "stream record is not a live call; is the stream view NEW_AND_OLD_IMAGES?");
            None
        }
    }
}

/// The presence-fanout function's work: one stream batch, posted in order (see
/// [`Fanout::publish_batch`]).
pub async fn publish_stream(fanout: &Fanout, event: &Event) -> Result<FanoutReport, StoreError> {
    fanout
        .publish_batch(event.records.iter().filter_map(change_from_stream))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamodb::TTL_ATTRIBUTE;
    use opbx::domain::destination::Destination;
    use opbx::domain::ids::IvrMenuId;
    use opbx::domain::live_call::CallLocation;
    use opbx::domain::model::CallStatus;

    #[test]
    fn items_carry_the_ttl_in_epoch_seconds_and_read_back() {
        let call = LiveCall {
            organization_id: OrgId::new(),
            call_id: "token-1".into(),
            call_log_id: None,
            direction: None,
            from_number: "+12125550100".into(),
            to_number: "1001".into(),
            caller_name: None,
            status: CallStatus::Ringing,
            started_at: 1_700_000_000_000,
            answered_at: None,
            ended_at: None,
            updated_at: 1_700_000_000_500,
            location: Some(CallLocation {
                destination: Destination::IvrMenu {
                    id: IvrMenuId::new(),
                },
                name: "Front desk".into(),
            }),
        };
        let item = item(&call).unwrap();
        assert_eq!(item[TTL_ATTRIBUTE], json!({"N": "1700043200"}));
        assert_eq!(item["call_id"], json!({"S": "token-1"}));
        assert_eq!(from_item::<Item>(item).unwrap().call, call);
    }
}
