//! DynamoDB adapters for the state API Gateway WebSockets need in AWS: live calls (whose stream
//! feeds the presence-fanout function) and the connection registry.
//!
//! The SDK finds its endpoint, region and credentials the standard way, so
//! `AWS_ENDPOINT_URL_DYNAMODB` points it at an emulator (scripts/moto.sh) in tests.
//! [`create_live_calls_table`] and [`create_connections_table`] state the table layouts the SAM
//! template must declare; the tests create their tables with them.

pub mod connections;
pub mod live_calls;

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    TimeToLiveSpecification,
};

use opbx::ports::store::StoreError;

/// The TTL attribute of both tables: epoch seconds, as DynamoDB's expiry wants them.
pub const TTL_ATTRIBUTE: &str = "ttl";
/// The connections table's index by organization, for the fanout.
pub const CONNECTIONS_BY_ORGANIZATION: &str = "by_organization";

/// A DynamoDB client with timeouts fit for a webhook that Cloudonix waits on.
pub async fn client() -> Client {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(1))
                .operation_timeout(Duration::from_secs(5))
                .build(),
        )
        .load()
        .await;
    Client::new(&config)
}

fn unavailable<E>(e: E) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
{
    tracing::warn!(error = %DisplayErrorContext(&e), "DynamoDB request failed");
    StoreError::Unavailable(Box::new(e))
}

fn corrupt(e: serde_dynamo::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn epoch_seconds(ms: i64) -> i64 {
    ms.div_euclid(1000)
}

fn key(name: &str, kind: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .expect("name and key type are set")
}

fn string_attribute(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .expect("name and type are set")
}

async fn enable_ttl(client: &Client, table: &str) -> Result<(), StoreError> {
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name(TTL_ATTRIBUTE)
                .build()
                .expect("TTL attribute is set"),
        )
        .send()
        .await
        .map_err(unavailable)?;
    Ok(())
}

/// Live calls: partition key `organization_id`, sort key `call_id`, TTL on `ttl`, and a stream of
/// new and old images for presence-fanout.
pub async fn create_live_calls_table(client: &Client, table: &str) -> Result<(), StoreError> {
    client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string_attribute("organization_id"))
        .attribute_definitions(string_attribute("call_id"))
        .key_schema(key("organization_id", KeyType::Hash))
        .key_schema(key("call_id", KeyType::Range))
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .expect("stream enabled is set"),
        )
        .send()
        .await
        .map_err(unavailable)?;
    enable_ttl(client, table).await
}

/// Connections: partition key `id` (API Gateway's connection id), TTL on `ttl`, and the
/// [`CONNECTIONS_BY_ORGANIZATION`] index (partition key `organization_id`, all attributes).
pub async fn create_connections_table(client: &Client, table: &str) -> Result<(), StoreError> {
    client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string_attribute("id"))
        .attribute_definitions(string_attribute("organization_id"))
        .key_schema(key("id", KeyType::Hash))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(CONNECTIONS_BY_ORGANIZATION)
                .key_schema(key("organization_id", KeyType::Hash))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .expect("index name and key are set"),
        )
        .send()
        .await
        .map_err(unavailable)?;
    enable_ttl(client, table).await
}
