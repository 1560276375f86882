//! DynamoDB adapters for the state API Gateway WebSockets need in AWS: live calls (whose stream
//! feeds the presence-fanout function) and the connection registry.
//!
//! DynamoDB is spoken to in its JSON protocol through `opbx`'s signed client (`AwsJsonClient`),
//! items converted by `serde_dynamo`: the generated SDK and `aws-config` made up about a quarter
//! of each function that used them (their zips went over 5 MB). Region and credentials come from
//! the standard environment (a Lambda's role), and `AWS_ENDPOINT_URL_DYNAMODB` points the client
//! at an emulator (scripts/moto.sh) in tests. [`create_live_calls_table`] and
//! [`create_connections_table`] state the table layouts the SAM template must declare; the tests
//! create their tables with them.

pub mod connections;
pub mod live_calls;

use std::sync::Arc;
use std::time::Duration;

use opbx::adapters::aws_json::{AwsError, AwsJsonClient, Service};
use opbx::ports::store::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The TTL attribute of both tables: epoch seconds, as DynamoDB's expiry wants them.
pub const TTL_ATTRIBUTE: &str = "ttl";
/// The connections table's index by organization, for the fanout.
pub const CONNECTIONS_BY_ORGANIZATION: &str = "by_organization";

const DYNAMODB: Service = Service {
    name: "dynamodb",
    content_type: "application/x-amz-json-1.0",
    target_prefix: "DynamoDB_20120810",
};

/// A request's limit: connecting and answering each, fit for a webhook Cloudonix waits on (the
/// live calls' own deadline is shorter still).
const TIMEOUT: Duration = Duration::from_secs(3);

/// A DynamoDB client. Without a region or credentials in the environment every call fails as
/// unavailable (as the SDK did), rather than the function failing to start.
#[derive(Clone)]
pub struct Client(Arc<Result<AwsJsonClient, String>>);

/// The client for the environment's region, credentials and `AWS_ENDPOINT_URL_DYNAMODB`.
pub fn client() -> Client {
    let endpoint = std::env::var("AWS_ENDPOINT_URL_DYNAMODB")
        .ok()
        .filter(|v| !v.trim().is_empty());
    Client(Arc::new(
        AwsJsonClient::from_env(DYNAMODB, endpoint, TIMEOUT).map_err(|e| e.to_string()),
    ))
}

impl Client {
    /// Calls `action` with `body`: its answer, or the service's refusal as an [`AwsError`].
    pub async fn call(&self, action: &'static str, body: &Value) -> Result<Value, AwsError> {
        match self.0.as_ref() {
            Ok(client) => client.call(action, body).await,
            Err(missing) => Err(AwsError::Config(missing.clone())),
        }
    }

    /// [`Client::call`] for the adapters: any failure makes the store unavailable.
    async fn store_call(&self, action: &'static str, body: &Value) -> Result<Value, StoreError> {
        self.call(action, body).await.map_err(unavailable)
    }
}

fn unavailable(e: AwsError) -> StoreError {
    tracing::warn!(error = %e, "DynamoDB request failed");
    StoreError::Unavailable(Box::new(e))
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn epoch_seconds(ms: i64) -> i64 {
    ms.div_euclid(1000)
}

/// `value` as a DynamoDB item in the JSON protocol (`{"name": {"S": "…"}, …}`).
fn to_item(value: impl Serialize) -> Result<Value, StoreError> {
    let item: serde_dynamo::Item = serde_dynamo::to_item(value).map_err(corrupt)?;
    serde_json::to_value(item).map_err(corrupt)
}

/// An item of an answer as `T`.
fn from_item<T: DeserializeOwned>(item: Value) -> Result<T, StoreError> {
    let item: serde_dynamo::Item = serde_json::from_value(item).map_err(corrupt)?;
    serde_dynamo::from_item(item).map_err(corrupt)
}

/// Every item a `Query` of `request` matches, page after page.
async fn query_all<T: DeserializeOwned>(
    client: &Client,
    mut request: Value,
) -> Result<Vec<T>, StoreError> {
    let mut items = Vec::new();
    loop {
        let mut page = client.store_call("Query", &request).await?;
        if let Value::Array(found) = page["Items"].take() {
            for item in found {
                items.push(from_item(item)?);
            }
        }
        match page["LastEvaluatedKey"].take() {
            Value::Object(key) if !key.is_empty() => {
                request["ExclusiveStartKey"] = Value::Object(key);
            }
            _ => return Ok(items),
        }
    }
}

async fn enable_ttl(client: &Client, table: &str) -> Result<(), StoreError> {
    client
        .store_call(
            "UpdateTimeToLive",
            &json!({
                "TableName": table,
                "TimeToLiveSpecification": {"Enabled": true, "AttributeName": TTL_ATTRIBUTE},
            }),
        )
        .await?;
    Ok(())
}

fn string_attributes(names: &[&str]) -> Value {
    names
        .iter()
        .map(|name| json!({"AttributeName": name, "AttributeType": "S"}))
        .collect()
}

/// Live calls: partition key `organization_id`, sort key `call_id`, TTL on `ttl`, and a stream of
/// new and old images for presence-fanout.
pub async fn create_live_calls_table(client: &Client, table: &str) -> Result<(), StoreError> {
    client
        .store_call(
            "CreateTable",
            &json!({
                "TableName": table,
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": string_attributes(&["organization_id", "call_id"]),
                "KeySchema": [
                    {"AttributeName": "organization_id", "KeyType": "HASH"},
                    {"AttributeName": "call_id", "KeyType": "RANGE"},
                ],
                "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"},
            }),
        )
        .await?;
    enable_ttl(client, table).await
}

/// Connections: partition key `id` (API Gateway's connection id), TTL on `ttl`, and the
/// [`CONNECTIONS_BY_ORGANIZATION`] index (partition key `organization_id`, all attributes).
pub async fn create_connections_table(client: &Client, table: &str) -> Result<(), StoreError> {
    client
        .store_call(
            "CreateTable",
            &json!({
                "TableName": table,
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": string_attributes(&["id", "organization_id"]),
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "GlobalSecondaryIndexes": [{
                    "IndexName": CONNECTIONS_BY_ORGANIZATION,
                    "KeySchema": [{"AttributeName": "organization_id", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }],
            }),
        )
        .await?;
    enable_ttl(client, table).await
}
