//! Event push through API Gateway's Management API (`POST /@connections/{id}`), the production
//! adapter of [`EventPush`]. `opbx-local` serves the same endpoint on its own sockets, so this
//! adapter is tested against real WebSocket clients.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_apigatewaymanagement::Client;
use aws_sdk_apigatewaymanagement::error::{DisplayErrorContext, SdkError};
use aws_sdk_apigatewaymanagement::primitives::Blob;

use opbx::ports::event_push::{Delivery, EventPush, PushError};

#[derive(Clone)]
pub struct ManagementApiPush {
    client: Client,
}

impl ManagementApiPush {
    /// `endpoint` is the WebSocket API's stage URL, `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`
    /// in AWS (`AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI`). Region and credentials come from the
    /// environment as for every AWS client.
    pub async fn connect(endpoint: &str) -> Self {
        let shared = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(1))
                    .operation_timeout(Duration::from_secs(3))
                    .build(),
            )
            .load()
            .await;
        let config = aws_sdk_apigatewaymanagement::config::Builder::from(&shared)
            .endpoint_url(endpoint)
            .build();
        Self {
            client: Client::from_conf(config),
        }
    }
}

/// A Management API call's answer as a [`Delivery`]: API Gateway answers 410 for a connection
/// that no longer exists, which the caller forgets rather than counts as a failure.
fn delivery<T, E, R>(
    operation: &str,
    connection_id: &str,
    result: Result<T, SdkError<E, R>>,
    gone: fn(&E) -> bool,
) -> Result<Delivery, PushError>
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(Delivery::Delivered),
        Err(e) if e.as_service_error().is_some_and(gone) => Ok(Delivery::Gone),
        Err(e) => {
            tracing::warn!(connection_id, operation, error = %DisplayErrorContext(&e), "Management API call failed");
            Err(PushError(Box::new(e)))
        }
    }
}

#[async_trait]
impl EventPush for ManagementApiPush {
    async fn post(&self, connection_id: &str, payload: &[u8]) -> Result<Delivery, PushError> {
        let result = self
            .client
            .post_to_connection()
            .connection_id(connection_id)
            .data(Blob::new(payload))
            .send()
            .await;
        delivery("PostToConnection", connection_id, result, |e| {
            e.is_gone_exception()
        })
    }

    async fn close(&self, connection_id: &str) -> Result<Delivery, PushError> {
        let result = self
            .client
            .delete_connection()
            .connection_id(connection_id)
            .send()
            .await;
        delivery("DeleteConnection", connection_id, result, |e| {
            e.is_gone_exception()
        })
    }
}
