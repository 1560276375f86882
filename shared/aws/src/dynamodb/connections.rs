//! The WebSocket connection registry in DynamoDB, listed per organization through the
//! [`CONNECTIONS_BY_ORGANIZATION`] index.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{CONNECTIONS_BY_ORGANIZATION, Client, epoch_seconds, query_all, to_item};
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

#[async_trait]
impl Connections for DynamoConnections {
    async fn add_connection(&self, connection: &Connection) -> StoreResult<()> {
        let item = to_item(Item {
            connection: connection.clone(),
            ttl: epoch_seconds(connection.expires_at),
        })?;
        let request = json!({"TableName": self.table, "Item": item});
        self.client.store_call("PutItem", &request).await?;
        Ok(())
    }

    async fn remove_connection(&self, id: &str) -> StoreResult<bool> {
        let request = json!({
            "TableName": self.table,
            "Key": {"id": {"S": id}},
            "ReturnValues": "ALL_OLD",
        });
        let answer = self.client.store_call("DeleteItem", &request).await?;
        Ok(matches!(&answer["Attributes"], Value::Object(old) if !old.is_empty()))
    }

    async fn list_connections(&self, org: OrgId) -> StoreResult<Vec<Connection>> {
        let now = now_ms();
        // Index reads are eventually consistent: a connection made a moment ago may miss one
        // event, which is what API Gateway clients get anyway while connecting.
        let request = json!({
            "TableName": self.table,
            "IndexName": CONNECTIONS_BY_ORGANIZATION,
            "KeyConditionExpression": "organization_id = :org",
            "ExpressionAttributeValues": {":org": {"S": org.to_string()}},
        });
        Ok(query_all::<Item>(&self.client, request)
            .await?
            .into_iter()
            .map(|i| i.connection)
            // DynamoDB deletes expired items lazily, so expiry is checked here too.
            .filter(|c| c.expires_at > now)
            .collect())
    }
}
