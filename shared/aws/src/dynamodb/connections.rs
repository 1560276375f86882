//! The WebSocket connection registry in DynamoDB, listed per organization through the
//! [`CONNECTIONS_BY_ORGANIZATION`] index.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use serde::{Deserialize, Serialize};

use super::{CONNECTIONS_BY_ORGANIZATION, corrupt, epoch_seconds, unavailable};
use opbx::domain::ids::OrgId;
use opbx::domain::now_ms;
use opbx::ports::connections::{Connection, Connections};
use opbx::ports::store::StoreResult;

#[derive(Clone)]
pub struct DynamoConnections {
    client: Client,
    table: String,
}

#[derive(Serialize, Deserialize)]
struct Item {
    #[serde(flatten)]
    connection: Connection,
    ttl: i64,
}

impl DynamoConnections {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn key(id: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([("id".to_owned(), AttributeValue::S(id.to_owned()))])
}

#[async_trait]
impl Connections for DynamoConnections {
    async fn add_connection(&self, connection: &Connection) -> StoreResult<()> {
        let item: HashMap<String, AttributeValue> = serde_dynamo::to_item(Item {
            connection: connection.clone(),
            ttl: epoch_seconds(connection.expires_at),
        })
        .map_err(corrupt)?;
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn remove_connection(&self, id: &str) -> StoreResult<bool> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(id)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.attributes.is_some_and(|a| !a.is_empty()))
    }

    async fn list_connections(&self, org: OrgId) -> StoreResult<Vec<Connection>> {
        let now = now_ms();
        let mut connections = Vec::new();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        loop {
            // Index reads are eventually consistent: a connection made a moment ago may miss one
            // event, which is what API Gateway clients get anyway while connecting.
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(CONNECTIONS_BY_ORGANIZATION)
                .key_condition_expression("organization_id = :org")
                .expression_attribute_values(":org", AttributeValue::S(org.to_string()))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            for item in out.items.unwrap_or_default() {
                let Item { connection, .. } = serde_dynamo::from_item(item).map_err(corrupt)?;
                // DynamoDB deletes expired items lazily, so expiry is checked here too.
                if connection.expires_at > now {
                    connections.push(connection);
                }
            }
            start = out.last_evaluated_key.filter(|k| !k.is_empty());
            if start.is_none() {
                break;
            }
        }
        Ok(connections)
    }
}
