//! Event push through API Gateway's Management API (`POST /@connections/{id}`), the production
//! adapter of [`EventPush`]: signed requests through `opbx`'s AWS client, without the generated
//! SDK. `opbx-local` serves the same endpoint on its own sockets, so this adapter is tested
//! against real WebSocket clients.

use std::time::Duration;

use async_trait::async_trait;
use opbx::adapters::aws_json::{AwsError, AwsHttp, Signing, percent_encode};
use opbx::ports::event_push::{Delivery, EventPush, PushError};

const TIMEOUT: Duration = Duration::from_secs(3);

/// Without a region or credentials in the environment every call fails (as the SDK did), rather
/// than the function failing to start.
pub struct ManagementApiPush {
    http: Result<AwsHttp, String>,
}

impl ManagementApiPush {
    /// `endpoint` is the WebSocket API's stage URL, `https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`
    /// in AWS (`AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI`). Region and credentials come from the
    /// environment as for every AWS client.
    pub async fn connect(endpoint: &str) -> Self {
        Self {
            http: AwsHttp::from_env("execute-api", Some(endpoint.to_owned()), TIMEOUT)
                .map_err(|e| e.to_string()),
        }
    }

    /// One Management API call on a connection: API Gateway answers 410 for a connection that
    /// no longer exists, which the caller forgets rather than counts as a failure.
    async fn call(
        &self,
        operation: &'static str,
        method: &str,
        connection_id: &str,
        payload: &[u8],
    ) -> Result<Delivery, PushError> {
        let path = format!("/@connections/{}", percent_encode(connection_id));
        let answer = match &self.http {
            Ok(http) => {
                http.send(Signing::Json, method, &path, &[], payload.to_vec().into())
                    .await
            }
            Err(missing) => Err(AwsError::Config(missing.clone())),
        };
        let failed = match answer {
            Ok(a) if (200..300).contains(&a.status) => return Ok(Delivery::Delivered),
            Ok(a) if a.status == 410 => return Ok(Delivery::Gone),
            Ok(a) => AwsError::Refused {
                service: "execute-api",
                action: operation,
                status: a.status,
                detail: String::from_utf8_lossy(&a.body).chars().take(200).collect(),
            },
            Err(e) => e,
        };
        tracing::warn!(connection_id, operation, error = %failed, "Management API call failed");
        Err(PushError(Box::new(failed)))
    }
}

#[async_trait]
impl EventPush for ManagementApiPush {
    async fn post(&self, connection_id: &str, payload: &[u8]) -> Result<Delivery, PushError> {
        self.call("PostToConnection", "POST", connection_id, payload)
            .await
    }

    async fn close(&self, connection_id: &str) -> Result<Delivery, PushError> {
        self.call("DeleteConnection", "DELETE", connection_id, &[])
            .await
    }
}
